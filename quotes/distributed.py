"""Past one machine: quotes over many articles with Dask, results as JSON Lines to load later.

    python -m quotes.distributed ARTICLES... --out results/ [--workers 4 | --scheduler tcp://host:8786]
    quotes index --from-jsonl results/ --db quotes.db

The article files are listed here, split into partitions, and a Dask bag maps
`quotes.batch.analyse_chunk` over them on the cluster: each worker process builds its
Stanza pipeline once and parses its partition in one batch. Every partition becomes
one file `part-NNNNN.jsonl` of `quotes.results` lines (article text, quotes with offsets
and attributions, speakers), written by the worker to --out, which must be a folder all
workers can reach (a shared disk, or an fsspec URL such as s3://bucket/run/ where s3fs
is installed). `quotes index --from-jsonl` loads those files into an index without
parsing anything again; cross-article speaker linking and quote groups are computed
there, where all articles meet.

Without --scheduler a local cluster of --workers processes is started (a laptop test
run); with it, the job goes to an existing Dask cluster. Articles that cannot be read
or analysed are reported on stderr and left out, as `quotes index` does.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys

from . import articles as articles_mod
from .batch import analyse_chunk, default_jobs
from .records import Article, ArticleResult, Skipped
from .results import to_line

PARTITION = 16     # articles per partition (one Stanza batch per worker task)


def write_partition(numbered: tuple[int, list[Article]], out: str, models: str | None = None) -> list[tuple[str, str]]:
    """Analyse one partition and write its results to OUT/part-NNNNN.jsonl; returns (source, reason)
    for each article that could not be analysed."""
    import fsspec

    number, chunk = numbered
    lines, failures = [], []
    for article, result in zip(chunk, analyse_chunk(chunk, models)):
        if isinstance(result, ArticleResult):
            lines.append(to_line(result))
        else:
            failures.append((article.source, result))
    target = f"{out.rstrip('/')}/part-{number:05d}.jsonl"
    # Written under a temporary name and renamed, so a killed task never leaves half a file
    # that `quotes index --from-jsonl` would read.
    fs, path = fsspec.core.url_to_fs(target)
    with fs.open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))
    fs.mv(path + ".tmp", path)
    return failures


def run(paths: list[str], out: str, workers: int | None = None, scheduler: str | None = None,
        partition: int = PARTITION, models: str | None = None) -> tuple[int, list[Skipped]]:
    """The whole job; returns the number of articles written and what was skipped."""
    import dask.bag as db
    import fsspec
    from dask.distributed import Client, LocalCluster

    found = list(articles_mod.load(paths))
    skipped = [item for item in found if isinstance(item, Skipped)]
    todo = [item for item in found if not isinstance(item, Skipped)]
    if not todo:
        return 0, skipped
    fs, root = fsspec.core.url_to_fs(out)
    fs.makedirs(root, exist_ok=True)
    chunks = list(enumerate(todo[i:i + partition] for i in range(0, len(todo), partition)))
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers or default_jobs(), threads_per_worker=1, processes=True,
                               dashboard_address=None)
    try:
        with Client(scheduler or cluster):
            bag = db.from_sequence(chunks, npartitions=len(chunks)).map(write_partition, out, models)
            failures = bag.flatten().compute()
    finally:
        if cluster is not None:
            cluster.close()
    skipped += [Skipped(source, reason) for source, reason in failures]
    return len(todo) - len(failures), skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m quotes.distributed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", metavar="ARTICLES", help="files or folders of articles")
    parser.add_argument("--out", required=True, help="folder (or fsspec URL) for the part-*.jsonl results")
    parser.add_argument("--workers", type=int, default=None, help="local worker processes (default: cores)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    parser.add_argument("--partition", type=int, default=PARTITION, help="articles per task (default: %(default)s)")
    parser.add_argument("--models", choices=("bundled", "official"), default=None)
    args = parser.parse_args(argv)
    if importlib.util.find_spec("dask") is None or importlib.util.find_spec("distributed") is None:
        print("quotes: the distributed job needs Dask: pip install 'quotes[distributed]'", file=sys.stderr)
        return 2
    written, skipped = run(args.paths, args.out, args.workers, args.scheduler, args.partition, args.models)
    for item in skipped:
        print(f"quotes: skipped {item.source}: {item.reason}", file=sys.stderr)
    print(f"analysed {written} articles → {args.out}", file=sys.stderr)
    return 1 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
