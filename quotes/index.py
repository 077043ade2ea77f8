"""The quotes index as the library and the commands use it: the SQLite store (store.py) with
what fills it (indexing.py) and what is computed over it (speaker links, quote groups).
"""
from __future__ import annotations

import os
import sqlite3

from . import indexing, variants
from .indexing import IndexReport, Progress
from .rows import Selection
from .store import NotFound, Store, StoreError


class Index(Store):
    """A quotes index in one SQLite file.

        with Index("quotes.db", create=True) as index:
            report = index.add(["seeds/"])             # what `quotes index seeds/` does
            rows = index.quotes(speaker="Brandon Johnson")

    Without create=True a missing file is NoIndex, so that reading a mistyped path says so
    instead of creating an empty index.
    """

    def __init__(self, path: str | os.PathLike | None = None, create: bool = False):
        super().__init__(path, create)
        if self.upgraded_from is not None:     # links are derived data: an upgrade drops them
            try:
                self.relink_speakers()
                if self.upgraded_from == 1:    # schema 1 had no stored groups
                    self.regroup()
            except sqlite3.DatabaseError as error:
                self.mark_groups_stale()       # so the next `quotes index` links and groups again
                # The quotes are upgraded and kept; the links are rebuilt by the next `quotes index`.
                raise StoreError(f"{self.path}: upgraded from schema {self.upgraded_from}, but linking its speakers "
                                 f"failed ({error}); run `quotes index --db {self.path}` to finish") from None

    def add(self, paths, *, outlet: str | None = None, models: str | None = None, jobs: int | None = None,
            reanalyse: bool = False, progress: Progress | None = None, encoding: str | None = None,
            timeout: float | None = None, follow_links: bool = False) -> IndexReport:
        """Analyse and store the articles at paths, and bring the rest of the index up to date.

        What `quotes index PATH...` does: see indexing.add.
        """
        return indexing.add(self, paths, outlet=outlet, models=models, jobs=jobs, reanalyse=reanalyse,
                            progress=progress, encoding=encoding, timeout=timeout, follow_links=follow_links)

    def load_results(self, paths, *, progress: Progress | None = None) -> IndexReport:
        """Store analysed articles from results files without parsing: `quotes index --from-jsonl`."""
        return indexing.load_results(self, paths, progress=progress)

    def relink_speakers(self) -> None:
        """Recompute which article-level speakers are one person across the index (linking.py)."""
        indexing.relink(self)

    def regroup(self) -> None:
        """Recompute the groups of quotes printed by several articles (after speakers are relinked)."""
        indexing.regroup(self)

    def select(self, speaker: str | None = None, article: str | None = None, attributed_only: bool = False,
               include_all: bool = False) -> Selection:
        """What `quotes list` shows (see Store.select). Titles, nicknames and scare quotes, words nobody
        said, are left out unless include_all, as `quotes extract` leaves them out: pipeline.is_speech
        decides for both. The index keeps them, so every quote keeps its id."""
        found = super().select(speaker, article, attributed_only)
        if include_all:
            return found
        from .pipeline import is_speech     # here: the other commands need not load attribution's rules
        return Selection(found.speakers, [row for row in found.rows if is_speech(row.quote)])

    def groups(self, group_ids: list[int] | None = None) -> list[variants.Group]:
        """Whole groups (versions, kinds, diffs), all or those with these ids, in id order."""
        return [variants.build_group(number, variants.occurrences_of(rows))
                for number, rows in self.group_members(group_ids).items()]

    def variant_groups(self, speaker: str | None = None, kind: str | None = None) -> list[variants.Group]:
        """The quote groups, optionally of one speaker (as select matches it) and of one kind."""
        found = self.groups()
        if speaker:
            names = self.speakers_named(speaker)
            found = [g for g in found if g.speaker in names]
        return [g for g in found if kind is None or g.kind == kind]

    def group(self, group_id: int) -> variants.Group:
        """One quote group with its versions and diffs; NotFound where there is none."""
        found = self.groups([group_id])
        if not found:
            count = len({ref.id for ref in self.group_refs().values()})
            raise NotFound(f"no group {group_id} in {self.path}: there are {count} "
                           f"(see: quotes variants --db {self.path})")
        return found[0]
