"""Speech or not: titles of works, nicknames and scare quotes are quoted, but nobody said them.

Titles and nicknames are decided for every quote before anything else (verdicts), so no
sieve ever looks for their speaker. A scare quote is known only once every sieve has passed
the quote over: scare_quote is the last of SIEVES.
"""
from __future__ import annotations

from collections.abc import Sequence

from .. import lexicon
from ..document import Token
from ..records import Attribution
from ..speakers.names import SMALL_WORDS
from .context import Context, before, single_word
from .findings import Decided, NotSpeech, rule_name


def nickname(index: int, c: Context) -> NotSpeech | None:
    """Rep. Robert C. "Bobby" Scott, television personality ‘Dr. Phil’ McGraw: a name in quotation
    marks between two name words, or after a lower-case word, with no speech verb just after
    (“Yes,” Scott said)."""
    span = c.spans[index]
    tokens = c.doc.tokens
    first, end = c.first_token[index], c.end_token[index]
    if span.paragraph in c.headlines or first == 0 or end >= len(tokens):
        return None         # in a Title Case headline every word is capitalised anyway
    text = c.doc.text[span.start:span.end]
    previous, following = tokens[first - 1], tokens[end]
    next_words = {t.text.lower() for t in tokens[end:end + 3]}
    if _title_case(text, 3) and _is_name_word(following) and text.rstrip()[-1:].isalnum() \
            and following.sentence == previous.sentence \
            and (_is_name_word(previous) or (previous.text.isalpha() and previous.text.islower())) \
            and not next_words & lexicon.load().speech_verbs:
        return NotSpeech(f"a name in quotation marks between '{previous.text}' and '{following.text}': a nickname")
    return None


def title(index: int, c: Context) -> NotSpeech | None:
    """on CNN's “State of the Union”, the book ''Make Your Kid a Millionaire'': a Title Case phrase
    after a word that introduces a work, or after a possessive."""
    span = c.spans[index]
    first = c.first_token[index]
    if span.paragraph in c.headlines or first == 0 or not _title_case(c.doc.text[span.start:span.end], 8):
        return None
    tokens = c.doc.tokens
    context = [t.text.lower() for t in tokens[max(0, first - 2):first]]
    previous = tokens[first - 1]
    if any(w in lexicon.load().title_contexts for w in context) or previous.text in ("’s", "'s") \
            or previous.text.endswith(("’s", "'s")):
        return NotSpeech(f"a Title Case phrase after '{' '.join(context)}': the title of a work")
    return None


def scare_quote(index: int, c: Context, earlier: Sequence[Decided]) -> NotSpeech | None:
    """The “sex tape” reference / promoting “quack” cures — one word in quotation marks inside a
    sentence, with no speech cue and no speaker anywhere near: a scare quote, not speech.

    Tried after every other rule. On PolNeAR train such one-word quotes are as often
    the reporter's distance-marking as anyone's words (102 not in the gold quotes, 99 in it,
    and nearly all of those unattributable), so they are listed only with --all.
    """
    span = c.spans[index]
    text = c.doc.text[span.start:span.end].strip(" ,.;:!?")
    if not single_word(text) or span.continues or not before(index, c):
        return None
    return NotSpeech("one word in quotation marks inside a sentence, no speech cue or speaker near it")


# Tried in this order for every quote, before any sieve.
SPEECH_RULES = (nickname, title)
NOT_SPEECH_RULES = tuple(rule_name(rule) for rule in (*SPEECH_RULES, scare_quote))


def verdicts(c: Context) -> tuple[Attribution | None, ...]:
    """Per quote: a title or nickname, as an Attribution to nobody under that rule; or None."""
    return tuple(_verdict(index, c) for index in range(len(c.spans)))


def _verdict(index: int, c: Context) -> Attribution | None:
    for rule in SPEECH_RULES:
        found = rule(index, c)
        if found is not None:
            return nobody(found, rule_name(rule))
    return None


def nobody(found: NotSpeech, rule: str) -> Attribution:
    """The attribution of words nobody said."""
    return Attribution(None, None, None, None, None, rule, (found.why,))


def _title_case(text: str, most: int) -> bool:
    """"State of the Union", "Make Your Kid a Millionaire": every word capitalised but small ones."""
    words = [w for w in (w.strip(".,!?;:’'\"") for w in text.split()) if w]
    if not 0 < len(words) <= most or not (words[0][:1].isupper() or words[0][:1].isdigit()):
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in SMALL_WORDS for w in words)


def _is_name_word(token: Token) -> bool:
    return token.text[:1].isupper() and token.text.lower() not in lexicon.load().not_names
