"""Finding quoted text by pairing quotation marks, at the character level.

No NLP is needed here, so detection works (and is tested) on any string. The
pass runs paragraph by paragraph:

1. every character that can be a quotation mark is classified from its
   neighbours as an opener, a closer, either, or an apostrophe (don’t, ’90s,
   a misused ‘ in "Chicago‘s");
2. double marks (“ ” " '' „ « » ``) are paired first, repairing the misuses real
   outlets print: a stray second closer inside one quote, a second opener
   where a sentence restarts, an opener left open at the end of a paragraph;
3. single marks (‘ ’ ') outside double quotes are paired the same way, for the
   outlets that quote with single marks; quotes nested inside another quote
   stay part of the outer one.

`find(text)` never raises and returns spans whose offsets exclude the marks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import lexicon
from .records import QuoteSpan

DOUBLE_OPENERS = "“„«"
DOUBLE_CLOSERS = "”»"
SINGLE_OPENERS = "‘‚‹"
SINGLE_CLOSERS = "’›"
OPENING_CONTEXT = "([{—–-/"   # characters after which a mark opens a quote
# A transcript line inside a quote: "WALLACE: Let's start ..." names its speaker.
TRANSCRIPT_LABEL = re.compile(r"[A-Z][A-Z.’'\- ]{1,40}:\s+")
STAGE_DIRECTION = re.compile(r"^\s*\([^()]*\)[.\s]*$")
SENTENCE_END = re.compile(r"[.?!…]+[\"”’']*\s+")
WORD = re.compile(r"[\w’'.-]+")


@dataclass
class Mark:
    pos: int          # offset of the mark's first character
    length: int       # 1, or 2 for '' and ``
    kind: str         # 'double' | 'single'
    role: str         # 'open' | 'close' | 'either'

    @property
    def end(self) -> int:
        return self.pos + self.length

    def text(self, text: str) -> str:
        return text[self.pos:self.end]


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, trailing whitespace excluded.

    Outlets separate paragraphs by a blank line or by a single newline; both
    are paragraphs here. A lone carriage return (old Mac files) ends a line too.
    """
    spans = []
    for match in re.finditer(r"[^\r\n]+", text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def find(text: str) -> list[QuoteSpan]:
    """Every top-level quote in text, in order. Never raises on any string."""
    paras = paragraphs(text)
    doubles = _pair_doubles(text, paras)
    singles = _pair_singles(text, paras, doubles)
    # A double quote inside a single-marked quote (‘He said “no”,’) is nested: keep the outer.
    doubles = [d for d in doubles if not any(s.start <= d.start and d.end <= s.end for s in singles)]
    spans = sorted(doubles + singles, key=lambda s: s.start)
    return [s for s in (_trim(text, s) for s in spans) if s is not None]


# --- classifying marks -----------------------------------------------------------

def _is_space(text: str, i: int) -> bool:
    """True before the start / after the end of text, or on whitespace."""
    return i < 0 or i >= len(text) or text[i].isspace()


def _flanking(text: str, pos: int, end: int) -> str:
    """'open', 'close' or 'either' for an ambiguous mark from its neighbours."""
    before = text[pos - 1] if pos > 0 else " "
    after = text[end] if end < len(text) else " "
    opens = (before.isspace() or before in OPENING_CONTEXT or before in DOUBLE_OPENERS + SINGLE_OPENERS) \
        and not after.isspace()
    closes = not before.isspace() and (after.isspace() or not after.isalnum())
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either"


def _double_marks(text: str, start: int, end: int) -> list[Mark]:
    marks = []
    i = start
    while i < end:
        c = text[i]
        if c in DOUBLE_OPENERS or c in DOUBLE_CLOSERS:
            role = "open" if c in DOUBLE_OPENERS else "close"
            flank = _flanking(text, i, i + 1)
            # Outlets sometimes print the wrong curly mark: ” opening a quote, “ closing one.
            if role == "close" and flank == "open":
                role = "open"
            elif role == "open" and flank == "close" and text[i - 1] in ".,!?;:":
                role = "close"
            marks.append(Mark(i, 1, "double", role))
        elif c == '"':
            marks.append(Mark(i, 1, "double", _flanking(text, i, i + 1)))
        elif c == "`" and text.startswith("``", i):
            marks.append(Mark(i, 2, "double", "open"))
            i += 1
        elif c == "'" and text.startswith("''", i):
            # NYT style: '' is a double mark; ''' is that plus a nested single one.
            run = 2
            while i + run < end and text[i + run] == "'":
                run += 1
            if run == 3 and _flanking(text, i, i + 3) == "close":
                marks.append(Mark(i + 1, 2, "double", "close"))
            else:
                marks.append(Mark(i, 2, "double", _flanking(text, i, i + run)))
            i += run - 1
        i += 1
    return marks


def _single_role(text: str, i: int) -> str | None:
    """'open' / 'close' / 'either' for a single mark, or None for an apostrophe."""
    c = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isalnum() and after.isalnum():
        return None                      # don’t, Chicago‘s, O'Brien
    if after.isdigit() and re.match(r"\d\ds\b|\d\d\b", text[i + 1:i + 4]):
        return None                      # ’90s, '16
    if c == "'" and (after == "'" or before == "'"):
        return None                      # part of a '' double mark
    flank = _flanking(text, i, i + 1)
    if c in SINGLE_OPENERS:
        return "open" if flank != "close" else "close"
    if c in SINGLE_CLOSERS:
        # A curly closer at the start of a word is an elision (’em, ’cause), not a quote.
        return "close" if flank != "open" else None
    return flank


# --- pairing ---------------------------------------------------------------------

def _pair_doubles(text: str, paras: list[tuple[int, int]]) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    carried = False          # the previous paragraph ended inside a quote
    for index, (p_start, p_end) in enumerate(paras):
        marks = _double_marks(text, p_start, p_end)
        opened: Mark | None = None
        repairs: list[str] = []
        first_in_para = len(spans)
        continues = False
        for mark in marks:
            role = mark.role
            if role == "either":
                role = "close" if opened else "open"
            if role == "open" and opened is None:
                opened, repairs = mark, []
                continues = carried and mark.pos == p_start and len(spans) == first_in_para
            elif role == "open":
                cut = _lead_in_before(text, opened.end, mark.pos)
                if cut is None:
                    repairs.append(f"ignored a second opening mark at {mark.pos}")
                    continue
                spans.append(_span(text, opened, cut, "", index, continues, repairs
                                   + [f"closed at {cut}, before the lead-in to the next quote"]))
                opened, repairs, continues = mark, [], False
            elif opened is not None:
                spans.append(_span(text, opened, mark.pos, mark.text(text), index, continues, repairs))
                opened, repairs, continues = None, [], False
            elif len(spans) > first_in_para and _only_words_between(text, spans[-1].end, mark.pos):
                # “A.” B, C,” Johnson said: the first closer was stray, the quote runs on.
                last = spans.pop()
                spans.append(QuoteSpan(last.start, mark.pos, last.open_mark, mark.text(text), index,
                                       last.continues,
                                       last.repairs + (f"merged across a stray closing mark at {last.end}",)))
            elif carried and len(spans) == first_in_para:
                # The quote opened in the previous paragraph closes here without a fresh opener.
                spans.append(QuoteSpan(p_start, mark.pos, "", mark.text(text), index, True,
                                       ("continued from the previous paragraph without an opening mark",)))
        carried = False
        if opened is not None:
            next_opens = index + 1 < len(paras) and _opens_with_mark(text, paras[index + 1][0])
            if next_opens:
                spans.append(_span(text, opened, p_end, "", index, continues,
                                   repairs + ["left open: continues in the next paragraph"]))
                carried = True
            else:
                cut = _reporting_sentence_start(text, opened.end, p_end)
                end = cut if cut is not None else p_end
                note = (f"closed at {cut}, before the reporter's attribution sentence" if cut is not None
                        else "left open to the end of the paragraph")
                spans.append(_span(text, opened, end, "", index, continues, repairs + [note]))
    return [s for s in spans if s.end > s.start]


def _pair_singles(text: str, paras: list[tuple[int, int]], doubles: list[QuoteSpan]) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    carried = False
    for index, (p_start, p_end) in enumerate(paras):
        inside = [(d.start - len(d.open_mark), d.end + len(d.close_mark)) for d in doubles if d.paragraph == index]
        marks = []
        for i in range(p_start, p_end):
            if text[i] in SINGLE_OPENERS + SINGLE_CLOSERS + "'" and not any(a <= i < b for a, b in inside):
                role = _single_role(text, i)
                if role:
                    marks.append(Mark(i, 1, "single", role))
        opened: Mark | None = None
        continues = False
        k = 0
        while k < len(marks):
            mark = marks[k]
            if opened is None:
                if mark.role in ("open", "either") and not _is_space(text, mark.end):
                    opened = mark
                    continues = carried and mark.pos == p_start
            elif mark.role in ("close", "either"):
                if _weak_single_closer(text, mark) and _strong_closer_follows(text, marks[k + 1:]):
                    k += 1
                    continue
                spans.append(_span(text, opened, mark.pos, mark.text(text), index, continues, []))
                opened, continues = None, False
            k += 1
        carried = False
        if opened is not None and index + 1 < len(paras):
            nxt = paras[index + 1][0]
            if text[nxt] in SINGLE_OPENERS or (text[nxt] == "'" and _single_role(text, nxt) == "open"):
                spans.append(_span(text, opened, p_end, "", index, continues,
                                   ["left open: continues in the next paragraph"]))
                carried = True
    # rock 'n' roll: one letter between single marks is an elision, not a quote.
    return [s for s in spans if sum(c.isalnum() for c in text[s.start:s.end]) > 1]


def _weak_single_closer(text: str, mark: Mark) -> bool:
    """officials’ plans: an s’ followed by a lower-case word is likely a possessive."""
    before = text[mark.pos - 1] if mark.pos > 0 else ""
    rest = text[mark.end:mark.end + 2]
    return before in "sS" and len(rest) == 2 and rest[0] == " " and rest[1].islower()


def _strong_closer_follows(text: str, marks: list[Mark]) -> bool:
    for mark in marks:
        if mark.role == "open":
            return False
        if mark.role in ("close", "either") and not _weak_single_closer(text, mark):
            return True
    return False


def _span(text: str, opened: Mark, end: int, close_mark: str, paragraph: int,
          continues: bool, repairs: list[str]) -> QuoteSpan:
    return QuoteSpan(opened.end, max(opened.end, end), opened.text(text), close_mark, paragraph,
                     continues, tuple(repairs))


def _opens_with_mark(text: str, pos: int) -> bool:
    c = text[pos]
    return c in DOUBLE_OPENERS or c == '"' or text.startswith("''", pos) or text.startswith("``", pos) \
        or (c in DOUBLE_CLOSERS and _flanking(text, pos, pos + 1) == "open")


def _only_words_between(text: str, start: int, end: int) -> bool:
    """True where a stray closer follows a closed quote with plain prose between them."""
    between = text[start:end]
    return not any(c in between for c in DOUBLE_OPENERS + '"') and bool(between.strip())


def _words(segment: str) -> list[str]:
    return [w.strip(".’'").lower() for w in WORD.findall(segment)]


def _lead_in_before(text: str, quote_start: int, second_opener: int) -> int | None:
    """Where an open quote ends when "…? He said, “…" restarts it with a lead-in.

    Returns the end of the last sentence before the lead-in, or None where the
    second opener just restarts the same speech (a misused mark).
    """
    segment_start = quote_start
    for match in SENTENCE_END.finditer(text, quote_start, second_opener):
        segment_start = match.end()
    if segment_start == quote_start:
        return None
    lead_in = text[segment_start:second_opener].rstrip()
    if not lead_in.endswith((",", ":")):
        return None
    words = _words(lead_in)
    if len(words) > 8 or not any(w in lexicon.load().speech_verbs for w in words):
        return None
    cut = segment_start
    while cut > quote_start and text[cut - 1].isspace():
        cut -= 1
    return cut


def _reporting_sentence_start(text: str, quote_start: int, para_end: int) -> int | None:
    """Start of a later sentence like "…, spokeswoman Abigail Jackson said that …" in an unclosed quote."""
    lex = lexicon.load()
    for match in SENTENCE_END.finditer(text, quote_start, para_end):
        sentence = text[match.end():para_end]
        sentence = SENTENCE_END.split(sentence, maxsplit=1)[0]
        tokens = WORD.findall(sentence)
        for i, token in enumerate(tokens[1:], start=1):
            if token.lower() in lex.speech_verbs:
                subject = tokens[i - 1]
                third_person = subject.lower() in ("he", "she", "they")
                named = subject[:1].isupper() and subject.lower() not in lex.not_names
                if third_person or named:
                    cut = match.start() + len(match.group().rstrip())
                    return cut
    return None


def _trim(text: str, span: QuoteSpan) -> QuoteSpan | None:
    """Drop empty spans and stage directions; start a transcript line after its label."""
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    label = TRANSCRIPT_LABEL.match(text, start, end)
    if label and span.close_mark == "":
        start = label.end()
    body = text[start:end]
    if not any(c.isalnum() for c in body) or STAGE_DIRECTION.match(body):
        return None
    opening = span.start - len(span.open_mark)
    if opening > 0 and text[opening - 1] == "=":
        return None         # an attribute value in markup: <tweet tweet-id="7782…">
    if (start, end) == (span.start, span.end):
        return span
    return QuoteSpan(start, end, span.open_mark, span.close_mark, span.paragraph, span.continues, span.repairs)
