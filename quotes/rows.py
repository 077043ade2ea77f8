"""What the index gives back: a stored quote with its article, a quote's group, one printing, and
the speaker names linking reads with the links it writes back.

Plain records, as records.py holds the analysis's: the store returns them, and variants,
render and sheet read them without importing the store.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from .records import Quote


@dataclass(frozen=True)
class ArticleInfo:
    """What a citation needs of a stored article, without its text."""
    id: str
    source: str
    outlet: str | None
    title: str | None
    url: str | None
    published: str | None
    author: str | None
    processors: tuple[str, ...]   # the Stanza processors it was parsed with
    analyser: str | None          # the fingerprint of what analysed it (None: not recorded)


@dataclass(frozen=True)
class QuoteRow:
    """One quote as the index returns it: the quote, its index-wide speaker and its article."""
    id: int
    quote: Quote                  # its speaker_kind is the index-wide speaker's (linking.py: one kind a name)
    speaker: str | None           # index-wide: one name for one person across articles
    article: ArticleInfo


@dataclass(frozen=True)
class Selection:
    """The quotes one citation sheet shows."""
    speakers: list[str]           # the index-wide speakers a speaker query matched ([] without one)
    rows: list[QuoteRow]          # by speaker where several matched, then by article and position


@dataclass(frozen=True)
class GroupRef:
    """What a quote row shows of its group: the number, kinds and size, without the diffs."""
    id: int
    kind: str                # the group's kind
    version: str             # how the quote itself differs from the reference ('reference' for its parts)
    articles: int

    @property
    def varies(self) -> bool:
        return self.kind != "identical"


@dataclass(frozen=True)
class Occurrence:
    """One printing of a quote, as grouping (variants.py) compares it."""
    key: int                 # the caller's id for the quote
    article: str
    speaker: str | None
    text: str
    start: int = 0           # character offsets into the article
    end: int = 0
    outlet: str | None = None
    cue: str | None = None
    date: datetime.date | None = None   # the article's date (dates.article_date), None where unknown


@dataclass(frozen=True)
class SpeakerName:
    """An article-level speaker name as the index holds it."""
    name: str
    kind: str                     # 'person' | 'organisation'
    gender: str | None = None     # 'm' | 'f' where the articles agree, else None
    quotes: int = 0
    aliases: frozenset[str] = frozenset()   # how the articles named it: 'Mr. Obama', 'the president'
    article: str = ""             # the article that names it so ('' for a name taken index-wide)


@dataclass(frozen=True)
class Link:
    speaker: str                  # the index-wide name
    reason: str                   # why the name is that speaker's ('' where it is its own name)
    kind: str                     # the index-wide speaker's kind: 'person' | 'organisation'
