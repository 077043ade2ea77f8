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

Paragraphs are lines; in hard-wrapped text (e-mails, press releases) a line break inside a
paragraph is read as a space (`unwrapped`, which every stage reads). `find(text)` never raises
and returns spans whose offsets exclude the marks; its work grows with the text's length.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from . import lexicon
from .records import QuoteSpan

DOUBLE_OPENERS = "“„«"
DOUBLE_CLOSERS = "”»"
SINGLE_OPENERS = "‘‚‹"
SINGLE_CLOSERS = "’›"
OPENING_CONTEXT = "([{—–-/"   # characters after which a mark opens a quote
# A transcript line inside a quote: "WALLACE: Let's start ..." names its speaker. The label's
# words are attribution's too (its transcript_label sieve reads the label before the quote).
TRANSCRIPT_LABEL_WORDS = r"[A-Z][A-Z.’'\- ]{1,40}"
TRANSCRIPT_LABEL = re.compile(TRANSCRIPT_LABEL_WORDS + r":\s+")
STAGE_DIRECTION = re.compile(r"^\s*\([^()]*\)[.\s]*$")
SENTENCE_END = re.compile(r"[.?!…]+[\"”’']*\s+")
WORD = re.compile(r"[\w’'.-]+")
SINGLE_MARK = re.compile("[" + SINGLE_OPENERS + SINGLE_CLOSERS + "']")
DOUBLE_MARK = re.compile("[" + DOUBLE_OPENERS + DOUBLE_CLOSERS + "\"`']")   # a character that may start one
DOUBLE_OPENING_CHAR = re.compile("[" + DOUBLE_OPENERS + "\"]")
NOT_SPACE = re.compile(r"\S")


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
    In hard-wrapped text (see `unwrapped`) a line break inside a paragraph is a space.
    """
    return _lines(unwrapped(text))


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, trailing whitespace excluded."""
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


# --- text that is not prose -------------------------------------------------------

QUOTATION_MARKS = DOUBLE_OPENERS + DOUBLE_CLOSERS + SINGLE_OPENERS + SINGLE_CLOSERS + "\"'`"
PROSE_CHECK_FROM = 10_000     # characters; shorter texts are cheap to analyse whatever they hold


def not_prose(text: str) -> str | None:
    """Why a text is refused before analysis, or None: a long text with more quotation marks than
    letters and digits (a file of quotation marks) is not an article, and through the parser and
    NER it costs minutes and gigabytes for nothing. News prose has some 30 letters per mark."""
    if len(text) <= PROSE_CHECK_FROM:
        return None
    quotation_marks = sum(text.count(mark) for mark in QUOTATION_MARKS)
    letters = sum(map(str.isalnum, text))
    if quotation_marks <= letters:
        return None
    return (f"not article text: more quotation marks ({quotation_marks:,}) than letters and digits "
            f"({letters:,}) in its {len(text):,} characters")


# --- hard-wrapped text --------------------------------------------------------------

LINE_BREAK = re.compile(r"\r\n|\r|\n")
WRAP_WIDTHS = range(40, 101)      # the longest line of a hard-wrapped text, in characters (e-mail: 72-80)
MIN_WRAPPED_BREAKS = 5            # fewer line breaks at the width could be chance
MIN_WRAPPED_SHARE = 0.6           # of the breaks between two lines that are not blank


def unwrapped(text: str) -> str:
    """text with the line breaks inside its paragraphs made spaces, where it is hard-wrapped; else
    text itself. Each break character becomes one space, so offsets into the result are offsets
    into text. Every stage that reads paragraphs, sentences or quotes across lines reads this.

    Press releases and e-mails are wrapped at 72-80 columns; news pages put each paragraph on one
    line, most of them longer than that. A text counts as hard-wrapped only where no line is longer
    than WRAP_WIDTHS allows and its lines are consistently broken at that width: at least
    MIN_WRAPPED_BREAKS breaks, and MIN_WRAPPED_SHARE of those between two lines that are not
    blank, fall where the next word would not have fit on the line (counting characters, or UTF-8
    bytes as `fold` does). Those breaks become spaces. A short line still ends its paragraph,
    so paragraphs may be set apart by blank lines or by a single line break after a short last
    line; signatures and list items stay lines. News prose with a paragraph per line of up to
    100 characters has its lines of every length, so few of its breaks look like a wrap.
    """
    if "\n" not in text and "\r" not in text:
        return text
    breaks = _wrapped_breaks(text)
    if not breaks:
        return text
    pieces, done = [], 0
    for start, end in breaks:
        pieces += [text[done:start], " " * (end - start)]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _wrapped_breaks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line break that wraps a paragraph of a hard-wrapped text; [] where
    the text is not hard-wrapped."""
    lines = []            # (content start, content end = break start, break end)
    done = 0
    for match in LINE_BREAK.finditer(text):
        lines.append((done, match.start(), match.end()))
        done = match.end()
    lines.append((done, len(text), len(text)))
    content = [text[start:end].rstrip() for start, end, _ in lines]
    width = max(len(line) for line in content)
    if width not in WRAP_WIDTHS:
        return []
    width_bytes = max(len(_utf8(line)) for line in content)
    between, wrapped = 0, []
    for i in range(len(lines) - 1):
        line, following = content[i], content[i + 1]
        if not line.strip() or not following.strip():
            continue
        between += 1
        word = following.split(maxsplit=1)[0]
        # `fold -s` wants room for the space after the word as well: hence 2, not 1.
        full = (len(line) + 2 + len(word) > width
                or len(_utf8(line)) + 2 + len(_utf8(word)) > width_bytes)
        indent, following_indent = len(line) - len(line.lstrip()), len(following) - len(following.lstrip())
        if full and following_indent <= indent:      # an indented line starts something new
            wrapped.append(lines[i][1:])
    if len(wrapped) < MIN_WRAPPED_BREAKS or len(wrapped) < MIN_WRAPPED_SHARE * between:
        return []
    return wrapped


def _utf8(line: str) -> bytes:
    return line.encode("utf-8", "surrogatepass")


def find(text: str) -> list[QuoteSpan]:
    """Every top-level quote in text, in order. Never raises on any string."""
    text = unwrapped(text)        # the same length and offsets; line breaks in paragraphs are spaces
    paras = _lines(text)
    doubles = _pair_doubles(text, paras)
    singles = _pair_singles(text, paras, doubles)
    # A double quote inside a single-marked quote (‘He said “no”,’) is nested: keep the outer.
    inside_single = _covering(sorted((s.start, s.end) for s in singles))
    doubles = [d for d in doubles if not inside_single(d.start, d.end)]
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
        candidate = DOUBLE_MARK.search(text, i, end)     # skip the words between marks at C speed
        if candidate is None:
            break
        i = candidate.start()
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

@dataclass(slots=True)
class _Draft:
    """A double-marked quote while its paragraph is paired: a stray closer can still move its end
    and add a repair (in place: rebuilding the span and its notes at each one was quadratic)."""
    start: int
    end: int
    open_mark: str
    close_mark: str
    paragraph: int
    continues: bool
    repairs: list[str]

    def span(self) -> QuoteSpan:
        return QuoteSpan(self.start, self.end, self.open_mark, self.close_mark, self.paragraph, self.continues,
                         tuple(self.repairs))


def _pair_doubles(text: str, paras: list[tuple[int, int]]) -> list[QuoteSpan]:
    spans: list[_Draft] = []
    carried = False          # the previous paragraph ended inside a quote
    for index, (p_start, p_end) in enumerate(paras):
        marks = _double_marks(text, p_start, p_end)
        sentence_ends = _SentenceEnds(text, p_start, p_end)
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
                cut = _lead_in_before(text, opened.end, mark.pos, sentence_ends)
                if cut is None:
                    repairs.append(f"ignored a second opening mark at {mark.pos}")
                    continue
                spans.append(_draft(text, opened, cut, "", index, continues, repairs
                                    + [f"closed at {cut}, before the lead-in to the next quote"]))
                opened, repairs, continues = mark, [], False
            elif opened is not None:
                spans.append(_draft(text, opened, mark.pos, mark.text(text), index, continues, repairs))
                opened, repairs, continues = None, [], False
            elif len(spans) > first_in_para and _only_words_between(text, spans[-1].end, mark.pos):
                # “A.” B, C,” Johnson said: the first closer was stray, the quote runs on.
                last = spans[-1]
                last.repairs.append(f"merged across a stray closing mark at {last.end}")
                last.end, last.close_mark, last.paragraph = mark.pos, mark.text(text), index
            elif carried and len(spans) == first_in_para:
                # The quote opened in the previous paragraph closes here without a fresh opener.
                spans.append(_Draft(p_start, mark.pos, "", mark.text(text), index, True,
                                    ["continued from the previous paragraph without an opening mark"]))
        carried = False
        if opened is not None:
            next_opens = index + 1 < len(paras) and _opens_with_mark(text, paras[index + 1][0])
            if next_opens:
                spans.append(_draft(text, opened, p_end, "", index, continues,
                                    repairs + ["left open: continues in the next paragraph"]))
                carried = True
            else:
                cut = _reporting_sentence_start(text, opened.end, p_end)
                end = cut if cut is not None else p_end
                note = (f"closed at {cut}, before the reporter's attribution sentence" if cut is not None
                        else "left open to the end of the paragraph")
                spans.append(_draft(text, opened, end, "", index, continues, repairs + [note]))
    return [s.span() for s in spans if s.end > s.start]


def _pair_singles(text: str, paras: list[tuple[int, int]], doubles: list[QuoteSpan]) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    carried = False
    doubles_in: dict[int, list[tuple[int, int]]] = {}
    for d in doubles:
        doubles_in.setdefault(d.paragraph, []).append((d.start - len(d.open_mark), d.end + len(d.close_mark)))
    for index, (p_start, p_end) in enumerate(paras):
        in_double = _covering(sorted(doubles_in.get(index, [])))
        marks = []
        for match in SINGLE_MARK.finditer(text, p_start, p_end):
            i = match.start()
            if not in_double(i, i + 1):
                role = _single_role(text, i)
                if role:
                    marks.append(Mark(i, 1, "single", role))
        strong_after = _strong_closer_after(text, marks)
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
                if _weak_single_closer(text, mark) and strong_after[k + 1]:
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


def _strong_closer_after(text: str, marks: list[Mark]) -> list[bool]:
    """For each k (and len(marks)): whether a closer that is not a weak one comes in marks[k:]
    before any opener. One pass from the end, so a paragraph of many weak closers stays linear."""
    after = [False] * (len(marks) + 1)
    for k in range(len(marks) - 1, -1, -1):
        mark = marks[k]
        if mark.role == "open":
            after[k] = False
        elif mark.role in ("close", "either") and not _weak_single_closer(text, mark):
            after[k] = True
        else:
            after[k] = after[k + 1]
    return after


def _covering(intervals: list[tuple[int, int]]):
    """A test (start, end) -> whether one of these (a, b) intervals, sorted by a, holds all of
    start..end. A bisection and a running maximum instead of a scan of every interval: a text
    of thousands of quotes asks it once per mark."""
    starts = [a for a, _ in intervals]
    furthest = list(itertools.accumulate((b for _, b in intervals), max))

    def covers(start: int, end: int) -> bool:
        before = bisect.bisect_right(starts, start)
        return before > 0 and furthest[before - 1] >= end

    return covers


def _span(text: str, opened: Mark, end: int, close_mark: str, paragraph: int,
          continues: bool, repairs: list[str]) -> QuoteSpan:
    return _draft(text, opened, end, close_mark, paragraph, continues, repairs).span()


def _draft(text: str, opened: Mark, end: int, close_mark: str, paragraph: int,
           continues: bool, repairs: list[str]) -> _Draft:
    return _Draft(opened.end, max(opened.end, end), opened.text(text), close_mark, paragraph, continues,
                  list(repairs))


def _opens_with_mark(text: str, pos: int) -> bool:
    c = text[pos]
    return c in DOUBLE_OPENERS or c == '"' or text.startswith("''", pos) or text.startswith("``", pos) \
        or (c in DOUBLE_CLOSERS and _flanking(text, pos, pos + 1) == "open")


def _only_words_between(text: str, start: int, end: int) -> bool:
    """True where a stray closer follows a closed quote with plain prose between them."""
    return DOUBLE_OPENING_CHAR.search(text, start, end) is None and NOT_SPACE.search(text, start, end) is not None


class _SentenceEnds:
    """Where SENTENCE_END matches in one paragraph, found once (on the first question) for all
    the quotes in it: a paragraph of thousands of openers asked for each the same scan again."""

    def __init__(self, text: str, start: int, end: int):
        self.text, self.start, self.end = text, start, end
        self.starts: list[int] | None = None
        self.ends: list[int] = []

    def last_before(self, start: int, end: int) -> int | None:
        """The end of the last match of SENTENCE_END.finditer(text, start, end), or None; for a
        start just after a quotation mark and an end on one. Matches never overlap, and a match
        (.?!… then closing marks then whitespace) cannot run over a mark at `start - 1` or `end`
        that it would need, so a match of the whole paragraph lies in start..end exactly when it
        is a match of that stretch alone."""
        if self.starts is None:
            found = [m.span() for m in SENTENCE_END.finditer(self.text, self.start, self.end)]
            self.starts, self.ends = [a for a, _ in found], [b for _, b in found]
        k = bisect.bisect_right(self.ends, end) - 1
        return self.ends[k] if k >= 0 and self.starts[k] >= start else None


def _lead_in_before(text: str, quote_start: int, second_opener: int, sentence_ends: _SentenceEnds) -> int | None:
    """Where an open quote ends when "…? He said, “…" restarts it with a lead-in.

    Returns the end of the last sentence before the lead-in, or None where the
    second opener just restarts the same speech (a misused mark).
    """
    segment_start = sentence_ends.last_before(quote_start, second_opener)
    if segment_start is None:
        return None
    lead_end = second_opener
    while lead_end > segment_start and text[lead_end - 1].isspace():
        lead_end -= 1
    if lead_end == segment_start or text[lead_end - 1] not in ",:":
        return None
    # At most nine words are read: a lead-in has eight or fewer, however long the stretch is.
    words = [w.group().strip(".’'").lower() for w in itertools.islice(WORD.finditer(text, segment_start, lead_end), 9)]
    if len(words) > 8 or not any(w in lexicon.load().speech_verbs for w in words):
        return None
    cut = segment_start
    while cut > quote_start and text[cut - 1].isspace():
        cut -= 1
    return cut


def _reporting_sentence_start(text: str, quote_start: int, para_end: int) -> int | None:
    """Start of a later sentence like "…, spokeswoman Abigail Jackson said that …" in an unclosed quote."""
    lex = lexicon.load()
    ends = list(SENTENCE_END.finditer(text, quote_start, para_end))
    for k, match in enumerate(ends):
        # The sentence runs to the next sentence end (or the paragraph end).
        tokens = WORD.findall(text, match.end(), ends[k + 1].start() if k + 1 < len(ends) else para_end)
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
