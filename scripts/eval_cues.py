"""How many of PolNeAR's gold speech cues `quotes` finds, split by whether the lexicon lists them.

    python scripts/eval_cues.py OUT/train.extract.jsonl ../shared/eval/polnear/train
    python scripts/eval_cues.py OUT/dev.list.json ../shared/eval/polnear/dev -v

PRED is what `quotes extract` writes (JSON Lines) or what `quotes list --format json` prints,
as `quotes evaluate` reads them (scripts/eval_cached.py writes both). For every gold quote with a
gold cue, the cue is *found* when a predicted quote matches the gold quote (score.py's matching:
half of each span overlaps) and its cue overlaps the gold cue. A gold cue is *listed* when one of
its words is a form in lexicon/speech_verbs.txt or a cue noun, or the cue is a phrase of
cue_phrases.txt or punctuation (":", a dash); otherwise it is *unlisted* ("beamed", "derided him
as"): issue 32 asks that most of those be found too. -v prints the unlisted cues missed, most
frequent first. Not part of the tests.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def listed(cue_text: str, lex) -> bool:
    """Whether the lexicon names this gold cue (a verb form, cue noun, phrase or punctuation)."""
    words = re.findall(r"[\w’'-]+", cue_text.lower())
    if not words:
        return True         # ":" or a dash: the layout rules' cues
    if any(w in lex.speech_verbs or w in lex.cue_nouns for w in words):
        return True
    return any(tuple(words[i:i + len(p)]) == p for p in lex.cue_phrases for i in range(len(words)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("predictions", type=Path)
    parser.add_argument("gold_dir", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true", help="list the unlisted cues missed")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from quotes import lexicon
    from quotes.evaluate import article_name, load_gold, match, read_predictions

    lex = lexicon.load()
    golds, _ = load_gold(args.gold_dir)
    by_article: dict[str, list[dict]] = {}
    for p in read_predictions(args.predictions):
        by_article.setdefault(article_name(p.get("article", "")), []).append(p)
    found, total, missed = Counter(), Counter(), Counter()
    for name, gold in golds.items():
        predicted = by_article.get(name, [])
        pairs = {j: predicted[i] for i, j in match(predicted, gold)}
        for j, g in enumerate(gold):
            cue = g.get("cue")
            if not cue:
                continue
            kind = "listed" if listed(cue["text"], lex) else "unlisted"
            total[kind] += 1
            p_cue = (pairs.get(j) or {}).get("cue")
            if p_cue and min(p_cue["end"], cue["end"]) > max(p_cue["start"], cue["start"]):
                found[kind] += 1
            elif kind == "unlisted":
                missed[cue["text"].lower()] += 1
    for kind in ("listed", "unlisted"):
        print(f"{kind:9s} gold cues found: {found[kind] / max(1, total[kind]):.3f} ({found[kind]}/{total[kind]})")
    if args.verbose:
        for text, n in missed.most_common():
            print(f"  {n:4d}  {json.dumps(text, ensure_ascii=False)}")


if __name__ == "__main__":
    main()
