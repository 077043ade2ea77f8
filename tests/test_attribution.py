"""Attribution through the real Stanza pipeline with the bundled models, on the fixture articles."""
from __future__ import annotations

import dataclasses

import pytest

from quotes import pipeline
from quotes.articles import build_article

from conftest import QUOTE_FIXTURES, read_fixture


def without_ner(doc):
    """The parse as a tokenizer-only pipeline would give it: no NER tags."""
    tokens = tuple(dataclasses.replace(t, ner=None) for t in doc.tokens)
    return dataclasses.replace(doc, tokens=tokens, processors=tuple(p for p in doc.processors if p != "ner"))


def analyse(path, ner: bool = True):
    text, expected = read_fixture(path)
    article = build_article(text, id=path.stem, source=str(path))
    doc = pipeline.parse(text)
    result = pipeline.analyse_parsed(article, doc if ner else without_ner(doc))
    return text, expected, result


# Attribution reads NER tags where the processor ran and falls back on capitalisation and the
# lexicon where it did not: every fixture holds both ways.
@pytest.mark.parametrize("ner", [True, False], ids=["with-ner", "without-ner"])
@pytest.mark.parametrize("path", QUOTE_FIXTURES, ids=lambda p: p.stem)
def test_fixture_speakers(path, ner):
    text, expected, result = analyse(path, ner)
    by_text = {q.text: q for q in result.quotes}
    for want in expected["quotes"]:
        quote = by_text.get(want["text"])
        assert quote is not None, f"{expected['case']}: quote not found: {want['text']!r}"
        a = quote.attribution
        assert a.speaker == want["speaker"], f"{want['text']!r}: {a.rule} {a.chain}"
        if "rule" in want:
            assert a.rule == want["rule"]
        if "cue" in want:
            assert a.cue is not None and a.cue.text == want["cue"]
        if "mention" in want:
            assert a.mention is not None and a.mention.text == want["mention"]
        if "speaker_kind" in want:
            assert a.speaker_kind == want["speaker_kind"]


@pytest.mark.parametrize("path", QUOTE_FIXTURES, ids=lambda p: p.stem)
def test_every_offset_points_back_into_the_article(path):
    text, _, result = analyse(path)
    for q in result.quotes:
        assert text[q.start:q.end] == q.text
        for span in (q.attribution.cue, q.attribution.mention):
            if span is not None:
                assert text[span.start:span.end] == span.text


def test_every_attribution_says_how_it_was_made():
    text, _, result = analyse(QUOTE_FIXTURES[0].parent / "pronouns_nominals.txt")
    for q in result.quotes:
        assert q.attribution.rule
        if q.attribution.mention_kind in ("pronoun", "nominal"):
            assert any("→" in step for step in q.attribution.chain), q.attribution.chain


def test_titles_are_roles_not_names():
    text, _, result = analyse(QUOTE_FIXTURES[0].parent / "pronouns_nominals.txt")
    johnson = next(s for s in result.speakers if s.name == "Brandon Johnson")
    assert "Chicago Mayor Brandon Johnson" in johnson.aliases and "the mayor" in johnson.aliases


def test_a_pronoun_with_no_person_before_it_stays_unattributed():
    quotes = pipeline.extract("“We are ready,” he said. Nobody else was named in the story.")
    assert quotes[0].attribution.speaker is None
    assert quotes[0].attribution.mention is not None and quotes[0].attribution.mention.text == "he"


def test_a_quote_with_no_cue_is_not_forced_onto_the_nearest_name():
    quotes = pipeline.extract("Senator Maria Lopez visited the plant, which the workers call “the furnace.”")
    assert quotes[0].attribution.speaker is None


def test_the_result_says_which_processors_parsed_the_article():
    path = QUOTE_FIXTURES[0]
    assert "ner" in analyse(path)[2].processors
    assert analyse(path, ner=False)[2].processors == ("tokenize",)


def test_pronouns_resolve_only_to_people():
    quotes = pipeline.extract("The Chicago Transit Authority announced new fares on Monday. "
                              "“Riders will pay more,” she said.")
    assert quotes[0].attribution.speaker is None
