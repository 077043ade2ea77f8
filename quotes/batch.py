"""Many articles through the pipeline: in batches, and in worker processes with --jobs;
`extract_files` for what `quotes extract` prints.

Results come back in input order whatever the number of workers, so an index built with
`--jobs 4` is the same as one built with `--jobs 1`. Each worker builds its own Stanza
pipeline once (one torch thread each: the workers are the parallelism) and analyses a
batch of articles with one Stanza call (`pipeline.analyse_many`), which is faster than
one call per article. A batch that fails is retried one article at a time, so one bad
article costs only itself.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from .records import Article, ArticleResult, Quote, Skipped

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    from concurrent.futures import ProcessPoolExecutor

BATCH = 32    # articles per Stanza call: larger batches parse faster (dev: 8 → 23–26 s, 32 → 23 s, 84 → 19 s)
# A worker process costs some 3 s before its first article (start Python, import torch and
# Stanza, load the models), and the parent saves and attributes meanwhile: workers pay only
# where each gets at least this much text to parse (about CHARS_PER_WORKER / 17,000 s of Stanza).
CHARS_PER_WORKER = 150_000
PR_SET_PDEATHSIG = 1            # prctl option (<linux/prctl.h>): the signal to get when the parent dies
PARENT_WATCH_SECONDS = 1.0      # where the kernel cannot be asked: how often a worker checks its parent


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:      # not on Linux
        return max(1, os.cpu_count() or 1)


def workers_for(articles: list[Article], jobs: int | None = None, batch: int | None = None) -> int:
    """Worker processes for these articles: 0 means analyse in this process.

    jobs=None: as many as the work pays for, up to the cores; jobs=N: N (one means no workers),
    never more than there are batches.
    """
    if jobs is None:
        total = sum(len(a.text) for a in articles)
        jobs = min(default_jobs(), total // CHARS_PER_WORKER)
    workers = plan(len(articles), jobs, batch)[1] if articles else 0
    return workers if workers > 1 else 0


def plan(n_articles: int, jobs: int, batch: int | None = None) -> tuple[int, int]:
    """(articles per batch, worker processes) for a run: batches of at most `batch` articles, as
    many for every worker (84 articles on 2 workers: 4 batches of 21, not 32 + 32 + 20, which
    left one worker idle for a third of the run), and no more workers than batches."""
    jobs = max(1, jobs)
    rounds = max(1, -(-n_articles // (jobs * (batch or BATCH))))    # batches each worker takes
    size = max(1, -(-n_articles // (jobs * rounds)))
    return size, max(1, min(jobs, -(-n_articles // size)))


def analyse_all(articles: list[Article], models: str | None = None, jobs: int = 1, batch: int | None = None,
                keep: Callable[[Article], bool] | None = None
                ) -> Iterator[tuple[Article, ArticleResult | str | None]]:
    """Each article with its result, or with a one-line reason it could not be analysed, in input order.

    keep(article), where given, is asked just before the article's batch starts; an article it
    turns down is yielded with None, not analysed (another run may have saved it meanwhile).
    Raises nlp.ModelsUnavailable where a worker process cannot load the models. Closing the
    iterator early (or Ctrl-C) stops the worker processes at once; they also end when this
    process is killed (die_with_parent).
    """
    size, jobs = plan(len(articles), jobs, batch)
    chunks = [articles[i:i + size] for i in range(0, len(articles), size)]
    if jobs == 1:
        for chunk in chunks:
            wanted = _wanted(chunk, keep)
            yield from _in_order(chunk, wanted, analyse_chunk(wanted, models) if wanted else [])
        return
    pool = _pool(jobs, models)
    try:
        # A few batches in flight, not all: `keep` must be asked when a batch starts, not up front.
        pending: deque = deque()
        for chunk in chunks:
            wanted = _wanted(chunk, keep)
            pending.append((chunk, wanted, pool.submit(analyse_chunk, wanted, models) if wanted else None))
            if len(pending) > jobs:     # every worker busy and one batch waiting: collect the oldest
                yield from _collected(*pending.popleft())
        while pending:
            yield from _collected(*pending.popleft())
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()


def extract_files(paths: Iterable[str], outlet: str | None = None, models: str | None = None,
                  include_all: bool = False, encoding: str | None = None,
                  follow_links: bool = False) -> Iterator[tuple[Article, list[Quote]] | Skipped]:
    """Each article's quotes from files and folders (what `quotes extract` prints), or a Skipped
    for an input that could not be read or analysed, in input order.

    Titles, nicknames and scare quotes are left out unless include_all; links in a folder that
    lead outside it are read only with follow_links (see articles.load). Raises
    nlp.ModelsUnavailable before any work where the models cannot be loaded.
    """
    from . import nlp, pipeline
    from .articles import load
    loaded = []
    for item in load(paths, outlet=outlet, encoding=encoding, follow_links=follow_links):
        if isinstance(item, Skipped):
            yield item
        else:
            loaded.append(item)
    if loaded:
        nlp.get_pipeline(models)
    for article, result in analyse_all(loaded, models):
        if isinstance(result, str):
            yield Skipped(article.source, result)
        else:
            yield article, [q for q in result.quotes if include_all or pipeline.is_speech(q)]


def _pool(jobs: int, models: str | None) -> "ProcessPoolExecutor":
    # Imported here: reading an index must not pay for multiprocessing at start-up.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # 'spawn': a forked child would inherit torch's thread pools in an unknown state.
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(models, os.getpid()))


def _wanted(chunk: list[Article], keep: Callable[[Article], bool] | None) -> list[Article]:
    return chunk if keep is None else [a for a in chunk if keep(a)]


def _in_order(chunk: list[Article], wanted: list[Article], results) -> Iterator[tuple[Article, object]]:
    """The chunk's articles with their results; None for those not analysed."""
    by_article = dict(zip(map(id, wanted), results))
    for article in chunk:
        yield article, by_article.get(id(article))


def _collected(chunk: list[Article], wanted: list[Article], future) -> Iterator[tuple[Article, object]]:
    return _in_order(chunk, wanted, future.result() if future is not None else [])


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now: a busy one would otherwise finish its batch (tens of seconds) first."""
    terminate = getattr(pool, "terminate_workers", None)      # Python 3.14
    if terminate is not None:
        terminate()
        return
    # Taken before shutdown, which forgets them (Python 3.11 sets _processes to None).
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


def analyse_chunk(chunk: list[Article], models: str | None = None) -> list[ArticleResult | str]:
    """One batch: a single Stanza call, or one article at a time if the batch fails."""
    from . import nlp, pipeline
    if _worker_error is not None:
        # Every article would fail the same way: one error for the run, not one per article.
        raise nlp.ModelsUnavailable(f"a worker process could not load the Stanza models: {_worker_error}")
    try:
        return list(pipeline.analyse_many(chunk, models))
    except nlp.ModelsUnavailable:
        raise
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


def _start_worker(models: str | None, parent: int) -> None:
    die_with_parent(parent)
    # Ctrl-C reaches every process of the terminal's group: the parent stops the workers,
    # which must not each print a traceback of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("QUOTES_TORCH_THREADS", "1")
    from . import nlp
    try:
        nlp.get_pipeline(models)
    except Exception as error:  # noqa: BLE001 - a raising initializer breaks the pool with no message
        global _worker_error
        _worker_error = f"{type(error).__name__}: {error}"


def die_with_parent(parent: int) -> None:
    """End this process (a worker) when `parent` ends, however it ends.

    A parent killed with SIGKILL cannot stop its workers, and a worker left behind keeps its
    models (about 600 MB) and its core. On Linux the kernel sends this process SIGKILL when the
    parent dies (strictly, when the parent's thread that started it ends: ProcessPoolExecutor
    starts workers from the thread that submits work, the one reading the results); elsewhere
    a thread checks every second. A parent that died before this ran has already handed the
    worker on to another process: then it ends now.
    """
    if not _kernel_kills_orphan():
        threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()
    if os.getppid() != parent:
        os._exit(1)


def _kernel_kills_orphan() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where that cannot be asked."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_WATCH_SECONDS)
    os._exit(1)
