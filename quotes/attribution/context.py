"""The article as attribution reads it, and the windows of tokens around a quote.

Context is built once per article, before its first quote is attributed, and never changes
after: the tokens, the quotes' token bounds, the paragraphs, the mentions and entities the
speaker finder resolved, the parse's dependents, and the speech stage's verdict per quote.
What the quotes before this one decided is not here: the stages that need it take it as an
argument (`earlier`).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from .. import lexicon, marks
from ..document import ParsedArticle, Token
from ..records import Attribution, QuoteSpan
from ..speakers.mentions import NER_PERSON, title_case_paragraph
from ..speakers.resolution import Entities, resolve
from .resolver import Resolver

_WORDS = lexicon.load().word_classes

SENTENCE_FINAL = _WORDS["sentence_final"]
DASHES = ("—", "–", "-", "―", "--")
WINDOW_AFTER = lexicon.load().settings["window_after"]      # lexicon/settings.tsv says what each is
WINDOW_BEFORE = lexicon.load().settings["window_before"]


@dataclass(frozen=True)
class Context:
    doc: ParsedArticle
    spans: tuple[QuoteSpan, ...]
    # The mentions and entities of the article. Resolution adds to them as attribution reads on
    # (a nominal's role holder, a document's author, a gender a pronoun taught): they are the
    # article's speakers, which the index stores.
    entities: Entities
    first_token: tuple[int, ...]        # per quote: first token of the quote, its opening mark included
    end_token: tuple[int, ...]          # per quote: one past its last token, closing mark included
    quote_of_token: dict[int, int]      # token -> the quote it is inside
    paragraph_of_token: tuple[int, ...]
    paragraph_bounds: tuple[tuple[int, int], ...]
    name_tokens: frozenset[int]         # tokens inside a name or organisation mention
    dependents: dict[int, list[Token]]  # the parse: head token -> its dependents (empty without a parser)
    headlines: frozenset[int]           # paragraphs holding a quote that are written in Title Case
    # Per quote: the speech stage's verdict (a title or nickname: nobody said it), or None.
    speech: tuple[Attribution | None, ...] = ()
    # The model that weighs which entity a pronoun stands for (resolver.py); None: the rules decide.
    resolver: Resolver | None = None


def build(doc: ParsedArticle, spans: list[QuoteSpan]) -> Context:
    """The article's Context, without the speech verdicts (speech.verdicts adds them)."""
    tokens = doc.tokens
    starts = [t.start for t in tokens]
    first, end, quote_of = [], [], {}
    for q, s in enumerate(spans):
        lo = s.start - len(s.open_mark)
        hi = s.end + len(s.close_mark)
        a = bisect.bisect_left(starts, lo)
        # A token that began before the opening mark but reaches into the quote belongs to it.
        if a > 0 and tokens[a - 1].end > lo:
            a -= 1
        b = bisect.bisect_left(starts, hi)
        first.append(a)
        end.append(max(a, b))
        for t in range(a, b):
            quote_of[t] = q
    bounds = marks.paragraphs(doc.text)
    para_starts = [p[0] for p in bounds]
    paragraph = tuple(max(0, bisect.bisect_right(para_starts, t.start) - 1) for t in tokens)
    entities = resolve(doc, set(quote_of), bounds)
    # Words inside a name are never cues ("Stevie Wonder", "the United States"), nor are words
    # NER put in a place or other entity that is no speaker mention.
    name_tokens = {t for m in entities.mentions if m.kind in ("name", "organisation")
                   for t in range(m.start_token, m.end_token)}
    name_tokens |= {t.index for t in tokens if t.ner not in (None, "O") and t.ner.split("-")[-1] not in NER_PERSON}
    dependents: dict[int, list[Token]] = {}
    for token in tokens:
        if token.head is not None:
            dependents.setdefault(token.head, []).append(token)
    # A paragraph of thousands of words is read once, however many quotes it holds.
    headlines = frozenset(p for p in {s.paragraph for s in spans}
                          if title_case_paragraph(doc.text[bounds[p][0]:bounds[p][1]]))
    return Context(doc, tuple(spans), entities, tuple(first), tuple(end), quote_of, paragraph, tuple(bounds),
                   frozenset(name_tokens), dependents, headlines)


# --- windows of tokens around a quote ---------------------------------------------------

def ends_sentence(tokens: tuple[Token, ...], k: int) -> bool:
    """A full stop, ? or ! where the tokenizer also ends the sentence ("R-Ky." inside one does not)."""
    return tokens[k].text in SENTENCE_FINAL and (k + 1 >= len(tokens) or tokens[k + 1].sentence != tokens[k].sentence)


def after(index: int, c: Context) -> list[Token]:
    """Tokens after the quote up to the end of its sentence, the next quote or the paragraph end.

    A quote that ends its own sentence (“… badge numbers.” Johnson reiterated …) has no
    after-window: what follows is a new sentence about something else.
    """
    tokens = c.doc.tokens
    out: list[Token] = []
    k = c.end_token[index]
    span = c.spans[index]
    last_char = c.doc.text[span.start:span.end].rstrip()[-1:]
    if span.close_mark and k < len(tokens) and last_char in ".!?" and not tokens[k].text[:1].islower() \
            and tokens[k].text not in DASHES and not _cue_follows(k, last_char, c):
        return out
    while k < len(tokens) and len(out) < WINDOW_AFTER and c.paragraph_of_token[k] == span.paragraph:
        if k in c.quote_of_token:
            # A nickname inside the speaker's name reads on: “…,” Del. Marcia "Cia" Price shouted.
            inner = c.quote_of_token[k]
            verdict = c.speech[inner]
            if verdict is None or verdict.rule != "nickname":
                break
            out.extend(tokens[c.first_token[inner]:c.end_token[inner]])
            k = c.end_token[inner]
            continue
        out.append(tokens[k])
        if ends_sentence(tokens, k):
            break
        k += 1
    return out


def _cue_follows(k: int, last_char: str, c: Context) -> bool:
    """After ! or ? the attribution may still follow, past an appositive:
    “… Bobby Scott!” Scott's niece, state Del. Marcia Price, shouted to the crowd."""
    if last_char == ".":
        return False
    follow = []
    for t in c.doc.tokens[k:k + 14]:
        if t.text in SENTENCE_FINAL or (t.index in c.quote_of_token and not follow):
            break
        follow.append(t.text.lower())
    return any(w in lexicon.load().speech_verbs for w in follow)


def before(index: int, c: Context, through_quotes: bool = False) -> list[Token]:
    """Tokens from the start of the quote's sentence (or the previous quote) up to the quote.

    through_quotes: read on past earlier quotes that sit inside the same sentence
    (Johnson called it ‘uncoordinated,’ arguing it ‘has …’), leaving their words out.
    """
    tokens = c.doc.tokens
    out = []
    k = c.first_token[index] - 1
    para = c.spans[index].paragraph
    while k >= 0 and len(out) < WINDOW_BEFORE and c.paragraph_of_token[k] == para \
            and not ends_sentence(tokens, k):
        inside = c.quote_of_token.get(k)
        if inside is not None:
            quoted = c.doc.text[c.spans[inside].start:c.spans[inside].end].rstrip()
            if not through_quotes or quoted[-1:] in ".!?":
                break
            # A quoted speech verb is still the cue: the order “affirms” police will not “…”.
            if single_word(quoted):
                out.extend(t for t in tokens[c.first_token[inside]:c.end_token[inside]]
                           if t.text.lower() in lexicon.load().speech_verbs)
            k = c.first_token[inside] - 1
            continue
        out.append(tokens[k])
        k -= 1
    return out[::-1]


def single_word(text: str) -> bool:
    return len(text.split()) == 1


def starts_sentence(index: int, c: Context) -> bool:
    """True for a quote that opens its sentence (not a fragment inside paraphrase)."""
    return not before(index, c)


def next_quote_follows(index: int, window: list[Token], c: Context) -> bool:
    """True where the window runs into the next quote after a colon ("Johnson replied: “…"): a lead-in.

    After a comma (“A,” Scott said, “B.”) the cue serves both halves of a split quote.
    """
    if index + 1 >= len(c.spans) or not window:
        return False
    last = window[-1].index
    return last + 1 == c.first_token[index + 1] and window[-1].text == ":"


def first_token_of(paragraph: int, c: Context) -> int | None:
    """The paragraph's first token, or None where it has none (paragraph_of_token never decreases)."""
    t = bisect.bisect_left(c.paragraph_of_token, paragraph)
    return t if t < len(c.paragraph_of_token) and c.paragraph_of_token[t] == paragraph else None
