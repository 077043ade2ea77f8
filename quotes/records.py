"""Plain records passed between the stages. Nothing heavy is imported here.

Every offset is a Python character offset into ``Article.text``: the article
body exactly as stored (after any metadata header), so a citation can always
be checked against its source with ``article.text[start:end]``.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One news article, ready for the NLP stages."""
    id: str                 # stable id: header/JSONL `id`, else the file stem
    text: str               # the body; all offsets point into it
    source: str             # the path as given (plus `:LINE` for a JSONL record)
    sha256: str             # hash of text and metadata; unchanged hash = no re-parse
    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class Skipped:
    """An input that could not be read as an article, and why (one line)."""
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True)
class Span:
    """A piece of the article text: a cue or a mention."""
    start: int
    end: int
    text: str

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class QuoteSpan:
    """Quoted words found by the quotation-mark pass (marks excluded)."""
    start: int              # first quoted character, after the opening mark
    end: int                # one past the last quoted character, before the closing mark
    open_mark: str          # the opening mark as written: “ " ‘ '' …; '' for a label-opened transcript line
    close_mark: str         # the closing mark, or '' where the quote is left open
    paragraph: int          # 0-based paragraph index (paragraphs are split on blank lines or newlines)
    continues: bool = False  # True: this span continues the previous one (a multi-paragraph quote)
    repairs: tuple[str, ...] = ()  # notes on misused marks that were repaired, for --explain


@dataclass(frozen=True)
class Attribution:
    """Who said a quote, and how that was decided."""
    speaker: str | None           # canonical name, or None for unattributed
    speaker_kind: str | None      # 'person' | 'organisation' | None
    mention: Span | None          # the mention next to the quote (a name, pronoun or nominal)
    mention_kind: str | None      # 'name' | 'pronoun' | 'nominal' | 'organisation' | None
    cue: Span | None              # the speech cue ("said", "according to", ":")
    rule: str                     # the sieve that decided, e.g. 'cue-after-quote'
    chain: tuple[str, ...] = ()   # resolution steps, e.g. ('he', '→ Brandon Johnson (previous subject)')


UNATTRIBUTED = Attribution(None, None, None, None, None, "unattributed")


@dataclass(frozen=True)
class Quote:
    """A detected quote with its attribution, tied to its article."""
    article_id: str
    start: int
    end: int
    text: str
    paragraph: int
    open_mark: str
    close_mark: str
    attribution: Attribution = UNATTRIBUTED
    continues: bool = False
    repairs: tuple[str, ...] = ()


@dataclass
class Speaker:
    """One speaker within the index: a person or an organisation, with aliases."""
    name: str
    kind: str                     # 'person' | 'organisation'
    aliases: set[str] = field(default_factory=set)
    gender: str | None = None     # 'm' | 'f' | None, from pronouns and titles seen with it


@dataclass(frozen=True)
class ArticleResult:
    """One article after every stage: what the index stores for it."""
    article: Article
    quotes: list[Quote]
    speakers: list[Speaker]       # the article's speaker entities, canonical names within the article
    processors: tuple[str, ...]   # the Stanza processors that parsed it
