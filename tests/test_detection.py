"""Quote detection on raw text: every mark style outlets use, and no input can break it."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from quotes import marks

from conftest import QUOTE_FIXTURES, read_fixture


@pytest.mark.parametrize("path", QUOTE_FIXTURES, ids=lambda p: p.stem)
def test_fixture_quotes_are_found_exactly(path):
    text, expected = read_fixture(path)
    found = [text[s.start:s.end] for s in marks.find(text)]
    assert found == [q["text"] for q in expected["quotes"]], expected["case"]


def test_offsets_exclude_the_marks():
    text = "He said “yes” and ''no'' and \"maybe\"."
    spans = marks.find(text)
    assert [(text[s.start - 1], text[s.end]) for s in spans] == [("“", "”"), ("'", "'"), ('"', '"')]


def test_apostrophes_are_not_quotation_marks():
    text = "Chicago‘s mayor said the officials’ plans don’t work, as in the ’90s. Rock 'n' roll's fine."
    assert [text[s.start:s.end] for s in marks.find(text)] == []


def test_a_straight_quote_run_on_to_the_next_paragraph_is_marked_as_continuing():
    text = '"First paragraph of the speech.\n\n"Second paragraph," she said.'
    spans = marks.find(text)
    assert [text[s.start:s.end] for s in spans] == ["First paragraph of the speech.", "Second paragraph,"]
    assert [s.continues for s in spans] == [False, True]


def test_a_lead_in_between_two_openers_closes_the_first_quote():
    text = "“We’re not far from Chicago. Why do they complain? He said, “It doesn’t make any sense.”"
    assert [text[s.start:s.end] for s in marks.find(text)] == [
        "We’re not far from Chicago. Why do they complain?", "It doesn’t make any sense."]


def test_repairs_are_recorded_for_explain():
    text = "“A first sentence.” A second sentence,” she said."
    (span,) = marks.find(text)
    assert span.repairs and "stray closing mark" in span.repairs[0]


@pytest.mark.parametrize("text", ["", "\"", "“", "”", "''", "'''", "“”", "\n\n\"\n", "“a “b “c", "a” b” c”",
                                  "‘’‘’", "\"\"\"\"\"", "« bonjour »", "„Guten Tag“", "``quoted''", "\r\n“x”\r\n"])
def test_odd_inputs_never_crash_and_offsets_are_valid(text):
    for span in marks.find(text):
        assert 0 <= span.start <= span.end <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab .,?!\n'\"“”‘’«»`:-—") + ["WALLACE: ", "said ", "He said, "]),
                max_size=60))
def test_any_text_of_marks_and_words_gives_valid_spans(pieces):
    text = "".join(pieces)
    for span in marks.find(text):
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start:span.end].strip()
