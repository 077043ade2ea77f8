"""How long grouping, classifying and diffing take on 100,000 quotes.

    quotes extract ../shared/eval/polnear/train/text > /tmp/train-quotes.jsonl
    python benchmarks/variants_scale.py /tmp/train-quotes.jsonl [--total 100000]

Real quotes (from `quotes extract` JSON Lines) are reprinted by synthetic outlets until
there are --total occurrences: each reprint keeps the speaker and, at random (fixed seed),
is identical, drops its first or last words (an excerpt), changes one word, or swaps
British and American spelling; it keeps the date in its article's file name (PolNeAR names
carry one), so the date rules of grouping run as they do on the corpus. Prints the time of `variants.build_groups` and the groups'
kinds. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quotes import dates, variants  # noqa: E402  (needs the path above)

SWAPS = {"criticize": "criticise", "organization": "organisation", "color": "colour", "center": "centre"}


def reprint(text: str, rng: random.Random) -> str:
    words = text.split()
    choice = rng.random()
    if choice < 0.4 or len(words) < 6:
        return text
    if choice < 0.6:
        return " ".join(words[2:-2])
    if choice < 0.8:
        k = rng.randrange(len(words))
        return " ".join(words[:k] + ["indeed"] + words[k + 1:])
    return " ".join(SWAPS.get(w, w) for w in words)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("jsonl", type=Path, help="quotes extract output (JSON Lines)")
    parser.add_argument("--total", type=int, default=100_000, help="occurrences to group (default: %(default)s)")
    args = parser.parse_args(argv)
    quotes = [json.loads(line) for line in args.jsonl.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not quotes:
        print(f"error: no quotes in {args.jsonl}", file=sys.stderr)
        return 2
    rng = random.Random(1234)
    occurrences = []
    copy = 0
    while len(occurrences) < args.total:
        for q in quotes:
            if len(occurrences) >= args.total:
                break
            text = q["text"] if copy == 0 else reprint(q["text"], rng)
            occurrences.append(variants.Occurrence(len(occurrences), f"{q['article']}#{copy}", q.get("speaker"),
                                                   text, q["start"], q["end"],
                                                   date=dates.date_in_path(q["article"])))
        copy += 1
    started = time.perf_counter()
    groups = variants.build_groups(occurrences)
    seconds = time.perf_counter() - started
    kinds = Counter(g.kind for g in groups)
    print(f"{len(occurrences):,} quotes ({len(quotes):,} distinct, {copy} printings) → {len(groups):,} groups "
          f"in {seconds:.1f} s; kinds: {dict(sorted(kinds.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
