"""The bundled tagger and parser as the tool loads them: real pipeline, real models, no mocks."""
from __future__ import annotations

import pytest

from quotes import nlp, pipeline

SAID = "“We will not back down,” Mayor Brandon Johnson said on Tuesday."
# A quotation in the middle of an article, far from its first and last sentences.
ARTICLE = ("The city council met for six hours on Monday. The budget ran to 400 pages. Aldermen asked "
           "about the police overtime line. The vote was delayed twice.\n\n"
           "“We will not back down,” Mayor Brandon Johnson said on Tuesday.\n\n"
           "The next meeting is in March. Tickets for the public gallery are free. The hall seats 300.")


@pytest.fixture(scope="module")
def bundled():
    return nlp.get_pipeline("bundled")


def test_bundled_pipeline_tags_and_parses(bundled):
    assert {"pos", "lemma", "depparse"} <= set(nlp.processors_used(bundled))


def test_the_speaker_is_the_subject_of_the_speech_verb():
    words = {w.text: w for w in nlp.parse(SAID, "bundled").sentences[0].words}
    name = [words[w] for w in ("Mayor", "Brandon", "Johnson")]
    ids = {w.id for w in name}
    heads = [w for w in name if w.head not in ids]          # the name's head word (UD: not its last)
    assert words["said"].upos == "VERB"
    assert len(heads) == 1 and heads[0].deprel == "nsubj" and heads[0].head == words["said"].id


def test_the_parse_reaches_the_tokens_attribution_reads():
    from quotes.document import phrase_head
    doc = pipeline.parse(SAID)
    said = next(t for t in doc.tokens if t.text == "said")
    mayor = next(t for t in doc.tokens if t.text == "Mayor")
    head = phrase_head(doc.tokens, mayor.index, mayor.index + 3)       # "Mayor Brandon Johnson"
    assert said.upos == "VERB" and head.head == said.index and head.deprel == "nsubj"


def test_only_sentences_around_quotations_are_parsed():
    doc = pipeline.parse(ARTICLE)
    by_text = {t.text: t for t in doc.tokens}
    assert by_text["said"].upos == "VERB"
    assert by_text["delayed"].upos is not None          # the sentence just before the quotation
    assert by_text["March"].upos is not None            # the sentence just after it
    assert by_text["budget"].upos is None and by_text["budget"].head is None
    assert by_text["seats"].upos is None


def test_every_sentence_is_parsed_when_no_ranges_are_given():
    doc = nlp.parse(ARTICLE, "bundled")
    assert all(w.upos and w.deprel for s in doc.sentences for w in s.words)


def test_no_ranges_parse_nothing():
    doc = nlp.parse(ARTICLE, "bundled", syntax_ranges=[])
    assert all(w.upos is None and w.head is None for s in doc.sentences for w in s.words)
    assert [t.text for t in doc.sentences[0].tokens][:2] == ["The", "city"]


def test_a_range_between_sentences_parses_nothing():
    gap = ARTICLE.index("\n\n“We")        # the blank line between two paragraphs
    doc = nlp.parse(ARTICLE, "bundled", syntax_ranges=[(gap, gap + 2)])
    assert all(s.words[0].upos is None for s in doc.sentences)


def test_the_parsed_sentences_are_parsed_as_a_full_parse_parses_them():
    full = nlp.parse(ARTICLE, "bundled")
    some = nlp.parse(ARTICLE, "bundled", syntax_ranges=[(0, 5), (len(ARTICLE) - 5, len(ARTICLE))])
    chosen = [k for k, s in enumerate(some.sentences) if s.words[0].upos is not None]
    assert chosen == [0, 1, len(some.sentences) - 2, len(some.sentences) - 1]
    for k in chosen:
        for a, b in zip(full.sentences[k].words, some.sentences[k].words, strict=True):
            assert (a.upos, a.xpos, a.feats, a.lemma, a.head, a.deprel) == (b.upos, b.xpos, b.feats, b.lemma, b.head, b.deprel)
        assert [(h.id, r) for h, r, _ in full.sentences[k].dependencies] == \
            [(h.id, r) for h, r, _ in some.sentences[k].dependencies]


def test_sentences_the_tokenizer_split_inside_a_line_are_parsed_together():
    text = "Officials met on Monday. Later the Dr. Mehmet Oz show aired.\n\n“No,” he said."
    doc = nlp.parse(text, "bundled", syntax_ranges=[(text.index("“No"), text.index("“No") + 1)])
    chosen = nlp.sentences_touching(doc, [(text.index("“No"), text.index("“No") + 1)])
    # The tokenizer splits "Later the Dr. Mehmet | Oz show aired."; attribution reads it as one
    # sentence, the one before the quote, so both halves are parsed.
    assert [s.text for s in chosen] == ["Later the Dr. Mehmet", "Oz show aired.", "“No,” he said."]
