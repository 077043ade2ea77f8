"""What fuzzing feeds quote extraction and what must hold for every input, in one place.

tests/test_hardening.py runs these properties on a few dozen examples in CI;
stress/fuzz.py runs the same ones on thousands. Both go through the real
bundled Stanza pipeline (`quotes.extract`), no mocks.

Strategies:
    NEWSY   news-like text: marks of every style, punctuation, line breaks, "said",
            a name, a pronoun, a transcript label and a title, in any order
    TEXT    any Unicode string

Properties (each check raises AssertionError naming the quote and offsets):
    extract(text) never raises; every quote's text is text[start:end], a non-blank
    piece of one paragraph (its `paragraph`); quotes are sorted and never overlap;
    cue and mention spans lie in the text and their .text is what is there; an
    attribution with no speaker has no speaker kind, and kinds are the documented
    ones; marks.find(text) spans lie in the text and are the quotes extract returns.

Growth (inputs of 1 KB to 1 MB, too long for hypothesis to draw: `long_text` makes them from
the same pieces with a seeded random choice): `measure` runs extract on one and returns its
seconds and peak memory; `superlinear` names every pair of sizes where the cost per character
grew by more than a constant factor.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass

from hypothesis import strategies as st

import quotes
from quotes import marks
from quotes.pipeline import NotArticleText

NEWSY_PIECES = list("abcAB .,;:?!\n'\"“”‘’«»—-") + ["said", " Johnson ", "He ", "WALLACE: ", "Mayor "]


def newsy(max_size: int = 80, min_size: int = 0) -> st.SearchStrategy[str]:
    """News-like strings of min_size to max_size pieces."""
    return st.lists(st.sampled_from(NEWSY_PIECES), min_size=min_size, max_size=max_size).map("".join)


def plain_text(max_size: int = 200, min_size: int = 0) -> st.SearchStrategy[str]:
    """Any Unicode string of min_size to max_size characters."""
    return st.text(min_size=min_size, max_size=max_size)


def any_length(strategy, max_size: int) -> st.SearchStrategy[str]:
    """strategy(n, n) for n drawn evenly from 0..max_size.

    Hypothesis's lists average about five elements whatever their max_size, so thousands of
    examples mostly repeat short inputs; this spreads them over every length up to max_size.
    """
    return st.integers(0, max_size).flatmap(lambda n: strategy(n, n))


NEWSY = newsy()
TEXT = plain_text()

SPEAKER_KINDS = {"person", "organisation"}
MENTION_KINDS = {"name", "pronoun", "nominal", "organisation"}


def spans_lie_in_text(text: str, spans: list[quotes.QuoteSpan]) -> None:
    """marks.find: every span is a non-empty piece of the text, in order, none overlapping."""
    previous_end = 0
    for i, s in enumerate(spans):
        assert 0 <= s.start < s.end <= len(text), \
            f"span {i} [{s.start}:{s.end}] is not a non-empty piece of a text of {len(text)} characters"
        assert s.start >= previous_end, f"span {i} [{s.start}:{s.end}] starts before the previous one ends " \
                                        f"({previous_end})"
        previous_end = s.end


def quote_offsets_point_into_text(text: str, found: list[quotes.Quote]) -> None:
    """Each quote's text is text[start:end] and holds more than whitespace."""
    for i, q in enumerate(found):
        assert 0 <= q.start < q.end <= len(text), \
            f"quote {i} [{q.start}:{q.end}] is not a non-empty piece of a text of {len(text)} characters"
        assert text[q.start:q.end] == q.text, \
            f"quote {i}: text[{q.start}:{q.end}] is {text[q.start:q.end]!r}, quote.text is {q.text!r}"
        assert q.text.strip(), f"quote {i} [{q.start}:{q.end}] is blank: {q.text!r}"


def quotes_sorted_and_disjoint(text: str, found: list[quotes.Quote]) -> None:
    """Quotes come in text order and no two share a character."""
    for i in range(1, len(found)):
        a, b = found[i - 1], found[i]
        assert a.end <= b.start, f"quote {i - 1} [{a.start}:{a.end}] {a.text!r} overlaps or follows " \
                                 f"quote {i} [{b.start}:{b.end}] {b.text!r}"


def quote_within_its_paragraph(text: str, found: list[quotes.Quote]) -> None:
    """A quote's `paragraph` is the paragraph (marks.paragraphs) its characters are in."""
    paras = marks.paragraphs(text)
    for i, q in enumerate(found):
        assert 0 <= q.paragraph < len(paras), \
            f"quote {i} [{q.start}:{q.end}] says paragraph {q.paragraph}; the text has {len(paras)}"
        p_start, p_end = paras[q.paragraph]
        assert p_start <= q.start and q.end <= p_end, \
            f"quote {i} [{q.start}:{q.end}] is not inside its paragraph {q.paragraph} [{p_start}:{p_end}]"


def attribution_spans_point_into_text(text: str, found: list[quotes.Quote]) -> None:
    """The cue and mention of each attribution are pieces of the text, their .text what is there."""
    for i, q in enumerate(found):
        for role in ("cue", "mention"):
            span = getattr(q.attribution, role)
            if span is None:
                continue
            assert 0 <= span.start <= span.end <= len(text), \
                f"quote {i} ({q.attribution.rule}): {role} [{span.start}:{span.end}] is outside a text of " \
                f"{len(text)} characters"
            assert text[span.start:span.end] == span.text, \
                f"quote {i} ({q.attribution.rule}): {role} text[{span.start}:{span.end}] is " \
                f"{text[span.start:span.end]!r}, {role}.text is {span.text!r}"


def attribution_kinds_are_consistent(text: str, found: list[quotes.Quote]) -> None:
    """A speaker has a kind and no speaker has none; mention kinds are the documented ones."""
    for i, q in enumerate(found):
        a = q.attribution
        assert (a.speaker is None) == (a.speaker_kind is None), \
            f"quote {i} ({a.rule}): speaker {a.speaker!r} with speaker_kind {a.speaker_kind!r}"
        assert a.speaker_kind is None or a.speaker_kind in SPEAKER_KINDS, \
            f"quote {i} ({a.rule}): speaker_kind {a.speaker_kind!r} is not one of {sorted(SPEAKER_KINDS)}"
        assert (a.mention is None) == (a.mention_kind is None), \
            f"quote {i} ({a.rule}): mention {a.mention!r} with mention_kind {a.mention_kind!r}"
        assert a.mention_kind is None or a.mention_kind in MENTION_KINDS, \
            f"quote {i} ({a.rule}): mention_kind {a.mention_kind!r} is not one of {sorted(MENTION_KINDS)}"


def quotes_are_the_detected_spans(text: str, found: list[quotes.Quote], spans: list[quotes.QuoteSpan]) -> None:
    """extract returns one quote per marks.find span, at the same offsets."""
    got = [(q.start, q.end) for q in found]
    want = [(s.start, s.end) for s in spans]
    assert got == want, f"extract found quotes at {got}, marks.find spans are at {want}"


QUOTE_PROPERTIES = (quote_offsets_point_into_text, quotes_sorted_and_disjoint, quote_within_its_paragraph,
                    attribution_spans_point_into_text, attribution_kinds_are_consistent)


def check_marks(text: str) -> list[quotes.QuoteSpan]:
    """marks.find on text, its properties checked; the spans."""
    spans = marks.find(text)
    spans_lie_in_text(text, spans)
    return spans


def check_extract(text: str) -> list[quotes.Quote]:
    """quotes.extract on text, titles and scare quotes included (an exception is a failure), every
    quote property checked; the quotes."""
    found = quotes.extract(text, include_all=True)     # every detected span, speech or not
    for prop in QUOTE_PROPERTIES:
        prop(text, found)
    return found


def check(text: str) -> None:
    """Every property for one input."""
    spans = check_marks(text)
    quotes_are_the_detected_spans(text, check_extract(text), spans)


# --- growth with input length --------------------------------------------------------------

# What a long input is made of: news-like pieces (marks, words, line breaks, as NEWSY); words
# and quotes with no sentence end and no line break (one sentence, one paragraph); or quotation
# marks alone (the probe of issue 27: a text file of them), refused above
# marks.PROSE_CHECK_FROM characters.
LONG_PIECES = {
    "NEWSY": NEWSY_PIECES,
    "words": ["said ", " Johnson ", "He ", "Mayor ", "“", "”", ",", " ", "abc ", " told ", "Ann Lee "],
    "marks": ['""""', "''", "“”", '"', "'", "‘", "’", "«", "»", " ", " "],
}


def long_text(kind: str, length: int, seed: int) -> str:
    """A text of exactly `length` characters of LONG_PIECES[kind], the same for the same seed."""
    pick = random.Random(f"{kind}:{length}:{seed}").choice
    pieces, size = [], 0
    while size < length:
        piece = pick(LONG_PIECES[kind])
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces)[:length]


@dataclass
class Measured:
    length: int
    seconds: float              # CPU time: what the work costs, whatever else the machine runs
    wall: float                 # elapsed time
    megabytes: float | None     # peak resident memory above what the process held before; None: unknown
    outcome: str                # "N quotes" or "refused: …"


def measure(text: str) -> Measured:
    """extract(text) once, every property checked: its time and peak memory.

    Peak memory is the process's high-water mark (Linux: VmHWM, reset before the run through
    /proc/self/clear_refs) less its resident memory before the run, so memory that an earlier
    run left allocated is not counted again.
    """
    before = _status_kb("VmRSS")
    can_reset = _reset_peak()
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        outcome = f"{len(check_extract(text)):,} quotes"
    except NotArticleText as refused:
        outcome = f"refused: {refused}"
    seconds, wall = time.process_time() - cpu_started, time.perf_counter() - started
    peak = _status_kb("VmHWM") if can_reset else None
    megabytes = None if peak is None or before is None else max(0.0, (peak - before) / 1024)
    return Measured(len(text), seconds, wall, megabytes, outcome)


def superlinear(points: list[tuple[int, float]], factor: float, allowance: float) -> list[str]:
    """Each pair of (length, cost) points where the cost per character at the longer length is
    more than `factor` times that at the shorter one. A cost under `allowance` is noise (a busy
    machine, a first allocation), too small to tell a cost per character: the shorter length
    counts as costing at least that. An empty list: the cost grew at most linearly."""
    found = []
    for short, short_cost in points:
        base = max(short_cost, allowance)
        for long, long_cost in points:
            if long > short and long_cost > factor * base * long / short:
                found.append(f"{long:,} characters cost {long_cost:.3g}, more than {factor:g} x "
                             f"{long / short:.3g} x {base:.3g} (the cost at {short:,}, at least {allowance:g})")
    return found


def _status_kb(field: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return float(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset this process's peak resident memory (Linux); False where it cannot be."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
        return True
    except OSError:
        return False
