"""The records the attribution stages hand on: what a rule found, and what was decided.

A sieve answers with a finding (a mention and its cue, a transcript label, an earlier quote to
follow, or "not speech"), never with a speaker: speaker.py turns the finding into an
Attribution. Every record is frozen; a stage builds a new one rather than changing another's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

from ..records import Attribution, Span
from ..speakers.mentions import Mention


@dataclass(frozen=True)
class Cited:
    """A speaker mention and the speech cue it goes with: “…,” Johnson said."""
    mention: Mention
    cue: Span | None
    why: tuple[str, ...] = ()       # the rule's own evidence, shown before the mention's resolution steps


@dataclass(frozen=True)
class Labelled:
    """A transcript label opening the quote's line: WALLACE: “…”."""
    label: Span
    colon: Span


@dataclass(frozen=True)
class Follows:
    """The quote keeps the speaker of an earlier quote (the previous paragraph's, the same paragraph's)."""
    source: int                     # the earlier quote's index in the article
    why: str


@dataclass(frozen=True)
class NotSpeech:
    """Words in quotation marks that nobody said: a title, a nickname, a scare quote."""
    why: str


Finding = Union[Cited, Labelled, Follows, NotSpeech]


@dataclass(frozen=True)
class Decided:
    """A quote's attribution, and the article entity of its speaker (None where it has none, or
    where no entity holds the speaker: a transcript label, a campaign)."""
    attribution: Attribution
    entity: int | None = None
    # (entity, gender): a he or she resolved to a person of unknown gender teaches that gender.
    # Only a decided attribution teaches (the driver applies it); a probe's lesson is dropped.
    taught: tuple[int, str] | None = None


def rule_name(rule: Callable) -> str:
    """The name a rule's decisions carry, as `--explain` shows it: 'cue_after_quote' -> 'cue-after-quote'."""
    return rule.__name__.replace("_", "-")
