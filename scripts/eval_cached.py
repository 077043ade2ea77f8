"""Everything after parsing, on the cached parses of PolNeAR train or dev, scored in seconds.

    python scripts/eval_cached.py dev OUT/        # about 3 s
    python scripts/eval_cached.py train OUT/      # about 20 s

Runs this checkout's detection, attribution, indexing, speaker linking and quote grouping on the
parses `training/train_attribution.py` caches (training/work/attribution/parses-SPLIT.pkl, made
by the shipped Stanza models; run that script once to make them), writes what `quotes extract`,
`quotes list --format json` and `quotes variants --format json` would print (OUT/SPLIT.extract.jsonl,
.list.json, .variants.json, and the index OUT/SPLIT.db), and prints the summary lines of PolNeAR's
`score.py`, `score_speakers.py` and the variants' `score.py`. The outputs equal those of the
commands on the same models, so a change to anything after the parse is judged on train and dev
together without parsing again. On train the shipped scorer was fitted on those articles: the
cross-validated figures are train_attribution's. Not part of the tests.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO.parent / "shared" / "eval"
CACHE = REPO / "training" / "work" / "attribution"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("split", choices=("train", "dev"))
    parser.add_argument("out", type=Path)
    parser.add_argument("--cv", action="store_true",
                        help="train only: attribute each article with the scorer of its cross-validation fold "
                             "(training/work/attribution/cv-scorers.json, written by train_attribution.py)")
    parser.add_argument("--gold", type=Path, default=GOLD, help="folder with polnear/ and variants/ (default: %(default)s)")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))       # this checkout's quotes, as the commands run it
    from quotes import indexing, pipeline, render
    from quotes import attribution
    from quotes.index import Index

    cache = CACHE / f"parses-{args.split}.pkl"
    if not cache.exists():
        raise SystemExit(f"no cached parses at {cache}: run `python training/train_attribution.py --no-install` once")
    started = time.time()
    args.out.mkdir(parents=True, exist_ok=True)
    db = args.out / f"{args.split}.db"
    for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        stale.unlink(missing_ok=True)
    index = Index(db, create=True)
    records = []
    scorer_of = (lambda name: attribution.BUNDLED)
    if args.cv:
        if args.split != "train":
            raise SystemExit("--cv: only train is cross-validated (dev is scored with the shipped scorer)")
        folds = json.loads((CACHE / "cv-scorers.json").read_text(encoding="utf-8"))
        models = [attribution.Scorer(weights, folds["margin"]) for weights in folds["weights"]]
        scorer_of = (lambda name: models[folds["fold_of"][name]])
    for article, doc in pickle.loads(cache.read_bytes()):
        result = pipeline.analyse_parsed(article, doc, scorer=scorer_of(Path(article.source).stem))
        records.extend(render.extract_records(article.source, (q for q in result.quotes if pipeline.is_speech(q))))
        index.save(result)
    indexing.relink(index)
    indexing.regroup(index)
    extract = args.out / f"{args.split}.extract.jsonl"
    extract.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for command in ("list", "variants"):
        printed = subprocess.run([sys.executable, "-m", "quotes", command, "--db", str(db), "--format", "json"],
                                 capture_output=True, text=True, env=env, cwd=REPO, check=True).stdout
        (args.out / f"{args.split}.{command}.json").write_text(printed, encoding="utf-8")
    polnear, variants = args.gold / "polnear", args.gold / "variants"
    for scorer, pred, gold, extra in (
            (polnear / "score.py", extract, polnear / args.split, []),
            (polnear / "score_speakers.py", args.out / f"{args.split}.list.json", polnear / args.split, []),
            (variants / "score.py", args.out / f"{args.split}.variants.json", variants / f"{args.split}.jsonl",
             ["--split", args.split])):
        scored = subprocess.run([sys.executable, str(scorer), str(pred), str(gold), *extra],
                                capture_output=True, text=True, check=True).stdout.strip().splitlines()
        print(scored[-1] if scored else f"{scorer.name}: no output")
    print(f"{time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
