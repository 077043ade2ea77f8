"""The sieves that follow an earlier quote: a quote that continues one, or opens a sentence or
a paragraph right after one, keeps its speaker. They read what the quotes before this one
decided (`earlier`), and answer with the quote to follow.
"""
from __future__ import annotations

from collections.abc import Sequence

from .. import lexicon
from .context import Context, after, starts_sentence
from .findings import Decided, Follows
from .speech import NOT_SPEECH_RULES


def continued_quote(index: int, c: Context, earlier: Sequence[Decided]) -> Follows | None:
    """The second paragraph of a multi-paragraph quote keeps the first one's speaker."""
    if not c.spans[index].continues or index == 0:
        return None
    previous = earlier[index - 1].attribution
    if previous.speaker is None and previous.mention is None:
        return None
    return Follows(index - 1, "continues the quote in the previous paragraph")


def same_paragraph(index: int, c: Context, earlier: Sequence[Decided]) -> Follows | None:
    """“A,” Johnson said. “B.” — a quote opening a sentence after an attributed one in its paragraph.

    Titles and scare quotes in between are passed over: “A,” Flynn said on “Fox and Friends.” “B.”
    """
    if index == 0 or not starts_sentence(index, c):
        return None
    source = index - 1
    while source > 0 and earlier[source].attribution.rule in NOT_SPEECH_RULES \
            and c.spans[source].paragraph == c.spans[index].paragraph:
        source -= 1
    if c.spans[source].paragraph != c.spans[index].paragraph:
        return None
    previous = earlier[source].attribution
    if previous.speaker is None and previous.mention is None:
        return None
    return Follows(source, "follows a quote by the same speaker in this paragraph")


def follow_on_paragraph(index: int, c: Context, earlier: Sequence[Decided]) -> Follows | None:
    """A paragraph that opens with a quote, right after a paragraph that ended with an attributed quote."""
    span = c.spans[index]
    if index == 0 or not starts_sentence(index, c):
        return None
    if c.spans[index - 1].paragraph != span.paragraph - 1:
        return None
    # Only where the previous paragraph ended in that quote or its attribution sentence.
    after_previous = after(index - 1, c)
    last_token_of_para = c.doc.tokens[c.first_token[index] - 1] if c.first_token[index] > 0 else None
    ends_there = last_token_of_para is not None and (
        c.quote_of_token.get(last_token_of_para.index) == index - 1
        or (after_previous and after_previous[-1].index == last_token_of_para.index))
    previous = earlier[index - 1].attribution
    if not ends_there or (previous.speaker is None and previous.mention is None):
        return None
    if any(t.text.lower() in lexicon.load().speech_verbs for t in after(index, c)):
        # “…,” Thomas O’Neill told reporters: the quote's own sentence has a cue, whose speaker the
        # rules could not read; borrowing the previous paragraph's speaker would be a guess.
        return None
    return Follows(index - 1, "opens the paragraph after a quote by the same speaker")
