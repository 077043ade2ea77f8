"""The mention sieves: each reads the words around a quote for who said it, and answers with
what it found (a mention and its cue, a transcript label; follows.py: an earlier quote to
follow) or None.

They are tried in the order of SIEVES; the first that answers decides, and its function's name
is the rule `--explain` shows (cue_after_quote: 'cue-after-quote'). A sieve never resolves a
speaker: speaker.py does, for the finding that decides. Every sieve takes `earlier`, what the
quotes before this one decided; only the rules that follow an earlier quote read it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Callable

from .. import lexicon, marks
from ..document import Token
from ..records import Span
from ..speakers.mentions import POSSESSIVE, Mention, nominal_ending_at, nominal_starting_at
from .context import (DASHES, SENTENCE_FINAL, WINDOW_BEFORE, Context, after, before, ends_sentence, first_token_of,
                      next_quote_follows, single_word, starts_sentence)
from .cues import cue_lacks_subject, find_cue
from .features import is_dateline, is_medium
from .findings import Cited, Decided, Finding, Labelled
from .follows import continued_quote, follow_on_paragraph, same_paragraph
from .speech import scare_quote
from .subjects import BE, is_filler, nominal, object_in_parse, opening_subject

_WORDS = lexicon.load().word_classes

# A transcript label before the quote, from its paragraph's start ("WALLACE: “…”).
LABEL_BEFORE_QUOTE = re.compile(r"[\"“'‘]*\s*(" + marks.TRANSCRIPT_LABEL_WORDS + r"):\s*$")
NOT_VERBS = _WORDS["not_verbs"]
SUBORDINATORS = _WORDS["subordinators"]
# Words that open another clause right after a quote: what follows is not its attribution.
AFTER_QUOTE_CLAUSE_OPENERS = _WORDS["after_quote_clause_openers"]


def transcript_label(index: int, c: Context, earlier: Sequence[Decided]) -> Labelled | None:
    """"WALLACE: …" inside a quote: the label names the speaker."""
    span = c.spans[index]
    para_start = c.paragraph_bounds[span.paragraph][0] if c.paragraph_bounds else 0
    # Matched in place, not on a copy of the paragraph up to the quote (one per quote).
    match = LABEL_BEFORE_QUOTE.match(c.doc.text, para_start, span.start)
    if not match:
        return None
    label = match.group(1).strip()
    start = match.start(1)
    # The colon ends the matched label, not the stripped one: "WALLACE :" has a space between.
    colon = match.end(1)
    return Labelled(Span(start, start + len(label), c.doc.text[start:start + len(label)]), Span(colon, colon + 1, ":"))


def headline_subject(index: int, c: Context, earlier: Sequence[Decided]) -> Cited | None:
    """Chris Christie Calls Hillary Clinton ‘A Disgrace’ / Obama on Climate Change: The Trends Are
    'Terrifying' — in a Title Case headline the person or organisation it opens with speaks.

    Title Case hides where a name ends ("Black Lawmakers Rip Donald Trump"), so the opening words
    must spell a name the article's body uses; a headline about nobody the body names is left to
    the other rules.
    """
    span = c.spans[index]
    if span.paragraph > 1 or span.paragraph not in c.headlines:
        return None
    first = first_token_of(span.paragraph, c)
    if first is None or first >= c.first_token[index] or _speaker_after_comma(index, c):
        return None
    best = _body_name_opening(first, index, c)
    if best is None:
        return None
    tokens = c.doc.tokens
    count, e, form = best
    last = tokens[first + count - 1]
    entity = c.entities.entities[e]
    mention = Mention(first, first + count, tokens[first].start, last.end, c.doc.text[tokens[first].start:last.end],
                      entity.kind if entity.kind == "organisation" else "name", tokens[first].sentence, entity=e,
                      chain=(f"'{form}' opens the headline and is named in the article",))
    verb = tokens[first + count]
    cue = Span(verb.start, verb.end, verb.text) if verb.text[:1].isalpha() or verb.text == ":" else None
    return Cited(mention, cue)


def _speaker_after_comma(index: int, c: Context) -> bool:
    """“Trump ‘The Dealmaker’ Could Address Clean Energy, Lindsey Graham Says": the headline's
    words after the quote name their own speaker after a comma."""
    tokens = c.doc.tokens
    para_end = c.paragraph_bounds[c.spans[index].paragraph][1]
    words = []          # the paragraph's words after the quote (tokens are in text order)
    for t in range(c.end_token[index], len(tokens)):
        if tokens[t].start >= para_end:
            break
        words.append(tokens[t].text.lower())
    return "," in words and bool(set(words[words.index(","):]) & lexicon.load().speech_verbs)


def _body_name_opening(first: int, index: int, c: Context) -> tuple[int, int, str] | None:
    """(tokens, entity, form): the longest name the article's body gives a speaker that the
    headline opens with ("Pence: …" for the body's "Gov. Mike Pence"), before the quote; of two
    people it fits ("Obama": Mr. Obama and Michelle Obama), the one the body names more often."""
    tokens = c.doc.tokens
    para_end = c.paragraph_bounds[c.spans[index].paragraph][1]
    best: tuple[int, int, str] | None = None
    most = 0
    for e, entity in enumerate(c.entities.entities):
        if entity.kind == "organisation" and entity.place:
            continue
        in_body = [m for m in c.entities.mentions if m.entity == e and m.start >= para_end]
        forms = {form for m in in_body if m.kind in ("name", "organisation") for form in (m.text, m.name) if form}
        if entity.kind == "person":
            forms |= {form.split()[-1] for form in entity.forms if len(form.split()) > 1}
        for form in forms:
            words = form.split()
            end = first + len(words)
            if end <= c.first_token[index] and [t.text for t in tokens[first:end]] == words \
                    and (best is None or len(words) > best[0] or len(words) == best[0] and len(in_body) > most):
                best, most = (len(words), e, form), len(in_body)
    return best




def cue_after_quote(index: int, c: Context, earlier: Sequence[Decided]) -> Cited | None:
    """“…,” Johnson said. / “…,” said Johnson, the city's mayor. / “…” according to the mayor."""
    window = after(index, c)
    if next_quote_follows(index, window, c):
        return None
    opening = [t.text.lower() for t in window[:2] if t.text != ","][:1]
    if opening and opening[0] in AFTER_QUOTE_CLAUSE_OPENERS:
        return None     # “That makes me smart,” when Clinton blasted him / “…,” but he said: another clause
    found = find_cue(window, c, nearest_last=False)
    if found is None or found[1] is None:
        return None
    # A fragment inside a sentence goes with the nearer cue: "what he described as the “…”
    # plan …, AP reported" is the mayor's phrase, reported by AP.
    words_before = before(index, c, through_quotes=True)
    nearer = find_cue(words_before, c, nearest_last=True) if words_before else None
    if nearer is not None and nearer[1] is not None:
        distance_after = next(k for k, t in enumerate(window) if t.start == found[0].start)
        distance_before = len(words_before) - next(k for k, t in enumerate(words_before)
                                                   if t.start == nearer[0].start)
        if distance_before < distance_after:
            return None
    return Cited(found[1], found[0])


def colon_lead_in(index: int, c: Context, earlier: Sequence[Decided]) -> Cited | None:
    """Johnson: “…” — a mention followed only by a colon or dash introduces the quote."""
    window = before(index, c)
    if len(window) < 2 or window[-1].text not in (":",) + DASHES:
        return None
    mention = c.entities.by_end_token.get(window[-2].index)
    if mention is None or mention.kind in ("pronoun",) or object_in_parse(mention, c):
        return None
    if is_dateline(mention, c) or is_medium(mention, c):
        return None
    return Cited(mention, Span(window[-1].start, window[-1].end, window[-1].text))


def quoted_cue(index: int, c: Context, earlier: Sequence[Decided]) -> Cited | None:
    """The mayor's order “affirms” …: a quote that is itself one speech verb, its subject before it."""
    span = c.spans[index]
    text = c.doc.text[span.start:span.end].strip(" ,.")
    if not single_word(text) or text.lower() not in lexicon.load().speech_verbs:
        return None
    window = before(index, c)
    while window and is_filler(window[-1]):      # the order also “urges”
        window.pop()
    if not window:
        return None
    quoted = Span(span.start, span.end, c.doc.text[span.start:span.end])
    mention = c.entities.by_end_token.get(window[-1].index) or nominal(nominal_ending_at(c.doc, window[-1].index), c)
    return Cited(mention, quoted) if mention is not None else None


def cue_before_quote(index: int, c: Context, earlier: Sequence[Decided]) -> Cited | None:
    """Johnson said: “…” / He accused the president of “…” / According to the mayor, “…”."""
    found = find_cue(before(index, c, through_quotes=True), c, nearest_last=True)
    return Cited(found[1], found[0]) if found is not None and found[1] is not None else None


def cue_sentence_subject(index: int, c: Context, earlier: Sequence[Decided]) -> Cited | None:
    """Trump took to Twitter to accuse Clinton's campaign of being “duped”: the cue before the
    quote has no subject of its own, so the sentence's subject speaks, if the sentence opens
    with one. (Where the cue has a subject, cue_before_quote has answered.)"""
    window = before(index, c, through_quotes=True)
    found = find_cue(window, c, nearest_last=True)
    if found is None or found[1] is not None:
        return None
    position = next(k for k, t in enumerate(window) if t.start == found[0].start)
    if not cue_lacks_subject(window, position):
        return None
    subject = opening_subject(window, c)
    return Cited(subject, found[0]) if subject is not None else None


def colon_sentence_subject(index: int, c: Context, earlier: Sequence[Decided]) -> Cited | None:
    """President Obama is rolling out a new message: “…” — a sentence ending in a colon before
    the quote is said by its subject."""
    window = before(index, c)
    if len(window) < 3 or window[-1].text != ":":
        return None
    subject = opening_subject(window, c) or nominal(nominal_starting_at(c.doc, window[0].index, window[-1].index), c)
    if subject is None:
        return None
    colon = window[-1]
    return Cited(subject, Span(colon.start, colon.end, ":"))


def headline_colon(index: int, c: Context, earlier: Sequence[Decided]) -> Cited | None:
    """Pence: Gennifer Flowers Won’t Be at Debate, Trump Was ‘Mocking’ — a paragraph opening with "Name:"."""
    span = c.spans[index]
    tokens = c.doc.tokens
    first = first_token_of(span.paragraph, c)
    if first is None:
        return None
    mention = c.entities.by_start_token.get(first)
    if mention is None or mention.kind == "pronoun" or mention.end_token >= len(tokens) \
            or tokens[mention.end_token].text != ":" or mention.end_token >= c.first_token[index]:
        return None
    colon = tokens[mention.end_token]
    return Cited(mention, Span(colon.start, colon.end, ":"))


def dash_signature(index: int, c: Context, earlier: Sequence[Decided]) -> Cited | None:
    """“…” — Brandon Johnson: a dash and a name alone after the quote."""
    window = after(index, c)
    if len(window) < 2 or window[0].text not in DASHES:
        return None
    mention = c.entities.by_start_token.get(window[1].index)
    if mention is None or mention.kind == "pronoun":
        return None
    rest = window[mention.end_token - window[0].index:]
    if any(t.text not in SENTENCE_FINAL and t.text != "," for t in rest[:1]):
        return None
    return Cited(mention, Span(window[0].start, window[0].end, window[0].text))


def lead_in_previous_paragraph(index: int, c: Context, earlier: Sequence[Decided]) -> Cited | None:
    """Johnson said:¶“…” — the paragraph before ends with a colon after a speech cue."""
    span = c.spans[index]
    if span.paragraph == 0 or not starts_sentence(index, c) or span.continues:
        return None
    first = c.first_token[index]
    if first == 0 or c.doc.tokens[first - 1].text != ":" or (first - 1) in c.quote_of_token:
        return None
    window = []
    k = first - 1
    while k >= 0 and len(window) < WINDOW_BEFORE and k not in c.quote_of_token \
            and not ends_sentence(c.doc.tokens, k):
        window.append(c.doc.tokens[k])
        k -= 1
    window.reverse()
    found = find_cue(window, c, nearest_last=True)
    if found and found[1]:
        return Cited(found[1], found[0])
    colon = Span(window[-1].start, window[-1].end, ":")
    if len(window) >= 2 and (mention := c.entities.by_end_token.get(window[-2].index)):
        return Cited(mention, colon)
    # "Donald Trump issued the following statement:¶“…”": the sentence's subject speaks.
    subject = opening_subject(window, c)
    return Cited(subject, colon) if subject else None




def cue_previous_sentence(index: int, c: Context, earlier: Sequence[Decided]) -> Cited | None:
    """The administration may wait, Schiff said. “The other factor …” — a quote opening a sentence
    right after a paraphrase that ends in its speaker and cue (", Schiff said."), in one paragraph."""
    first = c.first_token[index]
    tokens = c.doc.tokens
    if not starts_sentence(index, c) or first < 3 or not ends_sentence(tokens, first - 1) \
            or c.paragraph_of_token[first - 1] != c.spans[index].paragraph or (first - 1) in c.quote_of_token:
        return None
    tail: list[Token] = []
    k = first - 2
    while k >= 0 and len(tail) < 8 and tokens[k].text != "," and k not in c.quote_of_token \
            and not ends_sentence(tokens, k):
        tail.append(tokens[k])
        k -= 1
    if k < 0 or tokens[k].text != "," or not tail:
        return None
    tail.reverse()
    found = find_cue(tail, c, nearest_last=False)
    if found is None or found[1] is None:
        return None
    return Cited(found[1], found[0], ("the sentence before the quote ends in its speaker and cue",))




def possessive_claim(index: int, c: Context, earlier: Sequence[Decided]) -> Cited | None:
    """Politifact seized on Trump’s claim that there have been “thousands of shootings” — words
    quoted after a person's claim, statement or remarks are that person's.

    The nearest speech noun before the quote in its sentence counts, with its possessor
    at most two words before it ("Stumpf’s repeated emphasis", "Bornstein's earlier missive").
    """
    window = before(index, c, through_quotes=True)
    nouns = lexicon.load().cue_nouns
    for k in range(len(window) - 1, 0, -1):
        word = window[k].text.lower()
        if word not in nouns and not (word.endswith("s") and word[:-1] in nouns):
            continue
        for j in range(k - 1, max(-1, k - 4), -1):
            if window[j].text in POSSESSIVE and j > 0:
                owner = c.entities.by_end_token.get(window[j - 1].index)
                if owner is None or owner.kind not in ("name", "organisation") or owner.place:
                    return None
                noun = window[k]
                return Cited(owner, Span(noun.start, noun.end, noun.text),
                             (f"the quote follows '{owner.text}'s {noun.text}'",))
            if not (window[j].text.isalpha() and window[j].text.islower()):
                break
        return None
    return None


def sentence_subject(index: int, c: Context, earlier: Sequence[Decided]) -> Cited | None:
    """Trump attacked “the hateful ideology …” / Reid has gone after Trump as a “human leech”:
    words quoted inside a sentence with no speech cue are the sentence subject's, where that
    subject is a person, an organisation or a pronoun directly before its verb.

    Tried last: every cue-based rule has had its chance. The verb is recorded as the cue.
    """
    window = before(index, c, through_quotes=True)
    if not window:
        return None
    subject = opening_subject(window, c)
    if subject is None or subject.kind not in ("name", "organisation", "pronoun", "nominal") or subject.possessive \
            or subject.place:
        return None     # "Chicago has long been one of Trump's targets … a ‘hellhole’": a place is talked about
    k = next((j for j, t in enumerate(window) if t.index >= subject.end_token), len(window))
    while k < len(window) and is_filler(window[k]):
        k += 1
    if k >= len(window):
        return None
    verb = window[k]
    if not (verb.text.isalpha() and verb.text.islower()) or verb.text in NOT_VERBS or verb.text in BE \
            or verb.text in lexicon.load().speech_verbs:
        # "Cruz is a “maverick”": a description of the subject, not its words. A speech
        # verb here was already weighed, and turned down, by the cue rules.
        return None
    if any(t.text.lower() in SUBORDINATORS for t in window[k + 1:]):
        return None     # "Lopez visited the plant, which the workers call “the furnace”": another clause's words
    why = (f"no speech cue: the quoted words sit in a sentence whose subject is '{subject.text}'",)
    return Cited(subject, Span(verb.start, verb.end, verb.text), why)


Sieve = Callable[[int, Context, Sequence[Decided]], "Finding | None"]
# The order in which the sieves are tried; the first that answers decides.
SIEVES: tuple[Sieve, ...] = (
    transcript_label,
    headline_subject,
    continued_quote,
    cue_after_quote,
    colon_lead_in,
    quoted_cue,
    cue_before_quote,
    cue_sentence_subject,
    colon_sentence_subject,
    headline_colon,
    dash_signature,
    lead_in_previous_paragraph,
    same_paragraph,
    cue_previous_sentence,
    follow_on_paragraph,
    possessive_claim,
    sentence_subject,
    scare_quote,
)
