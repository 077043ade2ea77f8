"""Plain records passed between the stages. Nothing heavy is imported here.

Every offset is a Python character offset into ``Article.text``: the article
body exactly as stored (after any metadata header), so a citation can always
be checked against its source with ``article.text[start:end]``.
"""
from __future__ import annotations

import hashlib
import json
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

    def as_dict(self) -> dict:
        return {"id": self.id, "source": self.source, "sha256": self.sha256, "outlet": self.outlet,
                "title": self.title, "url": self.url, "published": self.published, "author": self.author,
                "text": self.text}

    @classmethod
    def from_dict(cls, value: dict) -> "Article":
        return cls(value["id"], value["text"], value["source"], value["sha256"], value.get("outlet"),
                   value.get("title"), value.get("url"), value.get("published"), value.get("author"))


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

    @classmethod
    def from_dict(cls, value: dict | None) -> "Span | None":
        return cls(value["start"], value["end"], value["text"]) if value else None


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
    score: float | None = None    # the scorer's probability for the chosen candidate
    alternatives: tuple[tuple[str, float], ...] = ()   # the most probable candidates, ("'Johnson'", 0.91), …


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


def quote_dict(quote: Quote) -> dict:
    """A quote as JSON: the one shape that the index, results files, `extract` and `list` share.

    Paragraphs count from 1 here, as a reader counts them. Everything that writes or reads a
    quote as a dict goes through this function and `quote_from_dict`, so a new field is one change.
    """
    a = quote.attribution
    return {"start": quote.start, "end": quote.end, "text": quote.text, "paragraph": quote.paragraph + 1,
            "open_mark": quote.open_mark, "close_mark": quote.close_mark, "continues": quote.continues,
            "repairs": list(quote.repairs),
            "speaker": a.speaker, "speaker_kind": a.speaker_kind,
            "speaker_mention": a.mention.as_dict() if a.mention else None, "mention_kind": a.mention_kind,
            "cue": a.cue.as_dict() if a.cue else None, "rule": a.rule, "chain": list(a.chain),
            "score": a.score, "alternatives": [list(x) for x in a.alternatives]}


def quote_from_dict(value: dict, article_id: str) -> Quote:
    """The Quote that quote_dict gave `value` for. KeyError or TypeError where a field is missing."""
    attribution = Attribution(value["speaker"], value["speaker_kind"], Span.from_dict(value["speaker_mention"]),
                              value["mention_kind"], Span.from_dict(value["cue"]), value["rule"],
                              tuple(value["chain"]), value.get("score"),
                              tuple((label, p) for label, p in value.get("alternatives", ())))
    return Quote(article_id, value["start"], value["end"], value["text"], value["paragraph"] - 1,
                 value["open_mark"], value["close_mark"], attribution, bool(value["continues"]),
                 tuple(value["repairs"]))


@dataclass
class Speaker:
    """One speaker within the index: a person or an organisation, with aliases."""
    name: str
    kind: str                     # 'person' | 'organisation'
    aliases: set[str] = field(default_factory=set)
    gender: str | None = None     # 'm' | 'f' | None, from pronouns and titles seen with it

    def as_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "gender": self.gender, "aliases": sorted(self.aliases)}

    @classmethod
    def from_dict(cls, value: dict) -> "Speaker":
        return cls(value["name"], value["kind"], set(value["aliases"]), value.get("gender"))


@dataclass(frozen=True)
class Analyser:
    """What analysed an article: an index re-analyses articles whose analyser is not the current one.

    Each part is a short hash, so two installs of the same quotes, models and lexicon agree.
    """
    version: str                  # quotes' version
    code: str                     # the analysis modules' source
    models: str                   # the model set and its files
    lexicon: str                  # the lexicon files
    stanza: str                   # Stanza's version

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.as_dict(), sort_keys=True).encode()).hexdigest()[:16]

    def as_dict(self) -> dict:
        return {"version": self.version, "code": self.code, "models": self.models, "lexicon": self.lexicon,
                "stanza": self.stanza}

    @classmethod
    def from_dict(cls, value: dict) -> "Analyser":
        return cls(value["version"], value["code"], value["models"], value["lexicon"], value["stanza"])

    def __str__(self) -> str:
        return (f"quotes {self.version} (code {self.code}, models {self.models}, lexicon {self.lexicon}, "
                f"Stanza {self.stanza})")

    def differences(self, other: "Analyser") -> list[str]:
        """The parts in which another analyser differs from this one: 'code', 'models', …"""
        mine, theirs = self.as_dict(), other.as_dict()
        return [part for part in mine if mine[part] != theirs[part]]


@dataclass(frozen=True)
class ArticleResult:
    """One article after every stage: what the index stores for it."""
    article: Article
    quotes: list[Quote]
    speakers: list[Speaker]       # the article's speaker entities, canonical names within the article
    processors: tuple[str, ...]   # the Stanza processors that parsed it
    analyser: Analyser | None = None    # what analysed it (None: unknown, an older index or results file)
