"""Many articles through the pipeline: in batches, and in worker processes with --jobs.

Results come back in input order whatever the number of workers, so an index built with
`--jobs 4` is the same as one built with `--jobs 1`. Each worker builds its own Stanza
pipeline once (one torch thread each: the workers are the parallelism) and analyses a
batch of articles with one Stanza call (`pipeline.analyse_many`), which is faster than
one call per article. A batch that fails is retried one article at a time, so one bad
article costs only itself.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from .records import Article, ArticleResult

BATCH = 32    # articles per Stanza call: larger batches parse faster (dev: 8 → 23–26 s, 32 → 23 s, 84 → 19 s)


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:      # not on Linux
        return max(1, os.cpu_count() or 1)


def plan(n_articles: int, jobs: int, batch: int = BATCH) -> tuple[int, int]:
    """(articles per batch, worker processes) for a run: batches no bigger than an even share, so
    every worker gets work on a small corpus too, and no more workers than batches."""
    jobs = max(1, jobs)
    size = max(1, min(batch, -(-n_articles // jobs)))
    return size, max(1, min(jobs, -(-n_articles // size)))


def workers_needed(n_articles: int, jobs: int, batch: int = BATCH) -> int:
    """How many processes `analyse_all` will use; 1 means it works in this process."""
    return plan(n_articles, jobs, batch)[1]


def analyse_all(articles: list[Article], models: str | None = None, jobs: int = 1,
                batch: int = BATCH) -> Iterator[tuple[Article, ArticleResult | str]]:
    """Each article with its result, or with a one-line reason it could not be analysed, in input order.

    Raises nlp.ModelsUnavailable where a worker process cannot load the models.
    """
    size, jobs = plan(len(articles), jobs, batch)
    chunks = [articles[i:i + size] for i in range(0, len(articles), size)]
    if jobs == 1:
        for chunk in chunks:
            yield from zip(chunk, analyse_chunk(chunk, models))
        return
    # 'spawn': a forked child would inherit torch's thread pools in an unknown state.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker,
                             initargs=(models,)) as pool:
        for chunk, results in zip(chunks, pool.map(analyse_chunk, chunks, [models] * len(chunks))):
            yield from zip(chunk, results)


def analyse_chunk(chunk: list[Article], models: str | None = None) -> list[ArticleResult | str]:
    """One batch: a single Stanza call, or one article at a time if the batch fails."""
    from . import nlp, pipeline
    if _worker_error is not None:
        # Every article would fail the same way: one error for the run, not one per article.
        raise nlp.ModelsUnavailable(f"a worker process could not load the Stanza models: {_worker_error}")
    try:
        return list(pipeline.analyse_many(chunk, models))
    except Exception:       # noqa: BLE001 - find which article it was, below
        pass
    out: list[ArticleResult | str] = []
    for article in chunk:
        try:
            out.append(pipeline.analyse(article, models))
        except Exception as error:  # noqa: BLE001 - one bad article must not stop the batch
            out.append(f"could not be analysed: {type(error).__name__}: {error}")
    return out


_worker_error: str | None = None    # why this worker process could not build its pipeline


def _start_worker(models: str | None) -> None:
    os.environ.setdefault("QUOTES_TORCH_THREADS", "1")
    from . import nlp
    try:
        nlp.get_pipeline(models)
    except Exception as error:  # noqa: BLE001 - a raising initializer breaks the pool with no message
        global _worker_error
        _worker_error = f"{type(error).__name__}: {error}"
