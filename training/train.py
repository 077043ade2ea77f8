"""Train the models bundled in quotes/models/ (one command for all of them).

    python training/train.py [--data ../shared/data]

Each model is a step; each step keeps its work files under training/work/<step>/
and skips what is already done, so after an interruption run the same command
again. Steps: the tokenizer (tokens + sentences), then the NER model (PER, ORG,
LOC; `--only ner` for just this one).
"""
from __future__ import annotations

import argparse
import logging
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_ner  # noqa: E402  (needs the path above)
import train_tokenizer  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
STEPS = ("tokenizer", "ner")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data",
                        help="folder holding ud-ewt/, gum/, uner/ and polnear-silver/ "
                             "(default: ../shared/data from the repo root)")
    parser.add_argument("--work", type=Path, default=REPO / "training" / "work",
                        help="folder for work files and checkpoints (default: training/work)")
    parser.add_argument("--only", choices=STEPS, action="append", help="run only these steps")
    parser.add_argument("--fresh", action="store_true", help="delete the steps' work files first")
    parser.add_argument("--tokenizer-steps", type=int, default=train_tokenizer.TrainConfig.steps,
                        help="optimiser steps for the tokenizer (default: %(default)s)")
    parser.add_argument("--ner-steps", type=int, default=train_ner.TrainConfig.steps,
                        help="most optimiser steps for the NER model (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    # Stanza's own INFO lines (its per-evaluation dev F1) are useful; its DEBUG ones are not.
    logging.getLogger("stanza").setLevel(logging.INFO)
    if not (args.data / "ud-ewt").is_dir():
        print(f"error: {args.data} has no ud-ewt/ folder; pass --data DIR", file=sys.stderr)
        return 2
    for step in args.only or STEPS:
        work = args.work / step
        if args.fresh and work.exists():
            shutil.rmtree(work)
        if step == "tokenizer":
            config = train_tokenizer.TrainConfig(steps=args.tokenizer_steps)
            train_tokenizer.run(args.data.resolve(), work.resolve(), config)
        elif step == "ner":
            train_ner.run(args.data.resolve(), work.resolve(), train_ner.TrainConfig(steps=args.ner_steps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
