"""Write quotes/lexicon/common_words.txt: English words that are not names, from UD English-EWT.

    python scripts/build_common_words.py [--ewt ../shared/data/ud-ewt]

A word is listed when the treebank has it, lower-cased, at least MIN_COUNT times and tags it a
proper noun (PROPN) in under MAX_PROPER of them: "correction", "another", "citizens" are listed;
"Senate", "Brown" and "King" are not (often names), nor any name the treebank never prints.
`quotes speakers --check` flags a one-word speaker name that is such a word.
UD English-EWT is CC BY-SA 4.0 (Silveira et al. 2014; Universal Dependencies); the list is
counts over its words, written with that attribution in the file's header.
"""
from __future__ import annotations

import argparse
import collections
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "quotes" / "lexicon" / "common_words.txt"
MIN_COUNT = 2
MAX_PROPER = 0.1


def counts(ewt: Path) -> tuple[collections.Counter, collections.Counter]:
    """(all uses, PROPN uses) of each lower-cased alphabetic word of the treebank's .conllu files."""
    seen, proper = collections.Counter(), collections.Counter()
    for path in sorted(ewt.glob("*.conllu")):
        for line in path.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) != 10 or not cols[0].isdigit():
                continue        # comments, multi-word token ranges, empty nodes
            word = cols[1].lower()
            if word.isalpha():
                seen[word] += 1
                proper[word] += cols[3] == "PROPN"
    return seen, proper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ewt", type=Path, default=REPO.parent / "shared" / "data" / "ud-ewt")
    args = parser.parse_args()
    seen, proper = counts(args.ewt)
    words = sorted(w for w, n in seen.items() if n >= MIN_COUNT and proper[w] < MAX_PROPER * n)
    header = ("# English words that are not names: seen at least 2 times in UD English-EWT and tagged a proper\n"
              "# noun in under 10 % of them. Built by scripts/build_common_words.py; do not edit by hand.\n"
              "# Source: UD English-EWT (Silveira et al. 2014), CC BY-SA 4.0. One word per line, lower case.\n")
    TARGET.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{TARGET.relative_to(REPO)}: {len(words)} words")


if __name__ == "__main__":
    main()
