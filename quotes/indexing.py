"""Filling an index: what `quotes index` and `Index.add` do, step by step. This module drives
the store (store.py), which only stores.

1. Read the inputs (articles.load); an unreadable one is a Skipped, and the rest go on.
2. Leave out articles stored with the same content and analysed by the current analyser
   (analyser.current: quotes' version, analysis code, models, lexicon).
3. Add the stored articles that another analyser analysed (every stored article with
   reanalyse=True), rebuilt from the text the index keeps: an upgrade never leaves old
   attributions behind, and the source files need not exist any more.
4. Analyse in batches, in worker processes where the work pays for them (batch.py). Just
   before a batch starts, articles another run has saved meanwhile are left out.
5. Save each article in its own transaction, in input order.
6. Link speakers across articles (linking.py) and recompute the quote groups (variants.py):
   `relink` and `regroup`, which hand the store the rows to write.

An interrupted run (Ctrl-C, or SIGTERM where the caller turns it into KeyboardInterrupt as the
CLI does) raises IndexInterrupted with what was saved: every saved article is whole, and the
links and groups stay marked stale until the next run.
"""
from __future__ import annotations

import signal
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field

from . import analyser as analyser_mod
from . import articles as articles_mod
from . import batch, nlp, results, variants
from .linking import link
from .records import Analyser, Article, ArticleResult, Skipped
from .store import Store


@dataclass
class IndexReport:
    """What one run did to the index."""
    indexed: int = 0          # new or changed articles, analysed and saved
    reanalysed: int = 0       # stored articles analysed again (another analyser, or reanalyse=True)
    quotes: int = 0           # quotes in the articles saved
    unchanged: int = 0        # already stored with the same content and analyser: no work
    skipped: list[Skipped] = field(default_factory=list)
    other_analyser: int = 0   # load_results: saved as analysed by another quotes (the next add re-analyses)
    workers: int = 0          # worker processes started (0: analysed in this process)

    @property
    def saved(self) -> int:
        return self.indexed + self.reanalysed

    def summary(self) -> str:
        """One line, e.g. 'indexed 5 articles (45 quotes), 0 unchanged, 0 skipped'."""
        done = f"indexed {_count(self.indexed, 'article')}"
        if self.reanalysed:
            done += f" and re-analysed {self.reanalysed}"
        return f"{done} ({self.quotes} quotes), {self.unchanged} unchanged, {len(self.skipped)} skipped"


class IndexInterrupted(KeyboardInterrupt):
    """Ctrl-C during a run: `report` says what was saved. Running again resumes."""

    def __init__(self, report: IndexReport):
        super().__init__(report.summary())
        self.report = report


class Progress:
    """What a run tells its caller while it works. This one tells nothing; the CLI's draws a bar."""

    def message(self, text: str) -> None:
        """A line worth showing a person (what is about to happen, and why)."""

    def skipped(self, item: Skipped) -> None:
        """An input that could not be read or analysed."""

    def start(self, total: int) -> None:
        """`total` articles are about to be analysed or loaded."""

    def advance(self, article: Article) -> None:
        """One of them is done (saved, skipped or found already current)."""

    def finish(self) -> None:
        """The run is over, however it ended."""


def add(index: Store, paths, *, outlet: str | None = None, models: str | None = None, jobs: int | None = None,
        reanalyse: bool = False, progress: Progress | None = None, encoding: str | None = None,
        timeout: float | None = None, follow_links: bool = False) -> IndexReport:
    """Analyse and store the articles at paths, and re-analyse stored articles that need it.

    jobs: worker processes (None: as many as the work pays for, up to the cores).
    timeout: seconds each link's whole fetch may take (None: fetch.TIMEOUT_SECONDS).
    follow_links: read links in a folder that lead out of it (see articles.load).
    reanalyse: analyse every article again, stored or given, whatever analysed it.
    Raises nlp.ModelsUnavailable (nothing analysed, or what was saved stays) and IndexInterrupted.
    """
    progress = progress or Progress()
    report = IndexReport()
    try:
        _add(index, report, progress, paths, outlet, models, jobs, reanalyse, encoding, timeout, follow_links)
    except KeyboardInterrupt:
        raise IndexInterrupted(report) from None
    return report


def _add(index: Store, report: IndexReport, progress: Progress, paths, outlet: str | None, models: str | None,
         jobs: int | None, reanalyse: bool, encoding: str | None = None, timeout: float | None = None,
         follow_links: bool = False) -> None:
    current = analyser_mod.current(models)
    todo: list[Article] = []
    again: set[str] = set()     # ids of stored articles analysed again, for the report
    for item in articles_mod.load(paths, outlet=outlet, encoding=encoding, timeout=timeout, follow_links=follow_links):
        if isinstance(item, Skipped):
            _skip(report, progress, item)
            continue
        state = index.status(item, current)
        if state == "current" and not reanalyse:
            report.unchanged += 1
            continue
        if state in ("current", "stale"):
            again.add(index.stored_id(item))
        todo.append(item)
    given = {index.stored_id(a) for a in todo}
    stored = [a for a in index.stale_articles(None if reanalyse else current) if a.id not in given]
    again.update(a.id for a in stored)
    if again and not reanalyse:
        progress.message(f"re-analysing {_count(len(again), 'indexed article')}: {_why_stale(index, current)}")
    work = todo + stored
    report.workers = batch.workers_for(work, jobs)
    # A missing model is one error now, not one per article; workers build their own pipelines.
    if work and report.workers:
        nlp.check_models(models)
    elif work:
        nlp.get_pipeline(models)
    # Another run may save an article while this one works towards it; reanalyse redoes them all.
    keep = None if reanalyse else (lambda article: not index.is_current(article, current))
    progress.start(len(work))
    try:
        with closing(batch.analyse_all(work, models, report.workers or 1, keep=keep)) as analysed:
            for article, result in analysed:
                _store(index, report, progress, article, result, again, keep)
                progress.advance(article)
    finally:
        progress.finish()
    _finish(index, report)


def load_results(index: Store, paths, *, progress: Progress | None = None) -> IndexReport:
    """Store analysed articles from results files (quotes.distributed's output) without parsing."""
    progress = progress or Progress()
    report = IndexReport()
    try:
        _load_results(index, report, progress, paths)
    except KeyboardInterrupt:
        raise IndexInterrupted(report) from None
    return report


def _load_results(index: Store, report: IndexReport, progress: Progress, paths) -> None:
    current = analyser_mod.current()
    ready: list[ArticleResult] = []
    for item in results.read(list(paths)):
        if isinstance(item, Skipped):
            _skip(report, progress, item)
        elif index.is_current(item.article, item.analyser):
            report.unchanged += 1
        else:
            ready.append(item)
    progress.start(len(ready))
    try:
        for result in ready:
            with _interrupt_deferred():
                index.save(result)
                report.indexed += 1
                report.quotes += len(result.quotes)
                report.other_analyser += result.analyser != current
            progress.advance(result.article)
    finally:
        progress.finish()
    if report.other_analyser:
        n = report.other_analyser
        progress.message(f"{_count(n, 'article')} in these results {'was' if n == 1 else 'were'} analysed by "
                         f"another quotes; the next `quotes index` re-analyses {'it' if n == 1 else 'them'}")
    _finish(index, report)


def _store(index: Store, report: IndexReport, progress: Progress, article: Article,
           result: ArticleResult | str | None, again: set[str], keep) -> None:
    if result is None or (keep is not None and isinstance(result, ArticleResult) and not keep(article)):
        report.unchanged += 1   # another run saved it, with this analyser, before or while this one parsed
    elif isinstance(result, str):
        _skip(report, progress, Skipped(article.source, result))
    else:
        with _interrupt_deferred():
            article_id = index.save(result)
            report.quotes += len(result.quotes)
            if article_id in again:
                report.reanalysed += 1
            else:
                report.indexed += 1


DEFERRED_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the article is saved and counted, so an interrupted run reports
    exactly what the index holds; they are then delivered to whatever handler was in place."""
    if threading.current_thread() is not threading.main_thread():
        yield       # signals reach only the main thread
        return
    received: list[int] = []
    previous = {number: signal.signal(number, lambda number, frame: received.append(number))
                for number in DEFERRED_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in received:
            signal.raise_signal(number)


def _finish(index: Store, report: IndexReport) -> None:
    """Links and groups, where anything was saved by this run or by an interrupted one."""
    if report.saved or index.groups_stale():
        relink(index)
        regroup(index)


def relink(index: Store) -> None:
    """Recompute which article-level speakers are one person across the index (linking.py)."""
    links = link(index.speaker_names())
    index.replace_links((article_id, name, kind, found.speaker, found.reason, found.kind)
                        for (article_id, name, kind), found in links.items())


def regroup(index: Store) -> None:
    """Recompute the groups of quotes printed by several articles (after speakers are relinked)."""
    index.replace_groups(lambda rows: variants.refs(variants.build_groups(variants.occurrences_of(rows))))


def _skip(report: IndexReport, progress: Progress, item: Skipped) -> None:
    report.skipped.append(item)
    progress.skipped(item)


def _why_stale(index: Store, current: Analyser) -> str:
    """Why stored articles need analysing again: which parts of the analyser changed."""
    known = index.analysers()
    parts: Counter[str] = Counter()
    for fingerprint in index.analyser_fingerprints():
        if fingerprint == current.fingerprint:
            continue
        old = known.get(fingerprint) if fingerprint else None
        for part in (current.differences(old) if old else ["not recorded"]):
            parts[part] += 1
    if parts.keys() == {"not recorded"}:
        return "what analysed them was not recorded (an index from an older quotes)"
    changed = [p for p in parts if p != "not recorded"]
    return f"they were analysed by another quotes ({', '.join(changed)} differ{'s' * (len(changed) == 1)})"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"
