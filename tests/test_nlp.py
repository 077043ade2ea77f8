"""The Stanza pipeline as the tool loads it: real bundled models, no mocks."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from quotes import nlp

NEWS = ("Chicago Mayor Brandon Johnson said Sunday that the city would not help. "
        "“We may see troops in our streets,” Johnson said. “It’s illegal.”\n\n"
        "Chicago’s police chief said officers don’t plan to intervene.")

# Windows line ends, curly and NYT quotes, em dashes, emoji (a flag, a skin
# tone modifier), non-BMP letters, a combining accent, odd whitespace, a BOM.
TRICKY = ("\ufeffHeadline: Trump’s ‘Big’ Week 🇺🇸\r\n\r\n"
          "“We may see troops,” Johnson said.\r\nHe added: ''It's illegal.'' 😀👍🏽 Done—really?\r\n"
          "Math 𝒳 + 𝔜 = 3\u00a0km… café e\u0301 \t tabs  and   spaces.\u2028Line sep. "
          "Zero\u200bwidth. \x85C1 control.\n\n\n  Trailing  ")


@pytest.fixture(scope="module")
def pipeline():
    return nlp.get_pipeline("bundled")


def tokens(doc):
    return [token for sentence in doc.sentences for token in sentence.tokens]


def texts(sentence):
    return [token.text for token in sentence.tokens]


def test_bundled_pipeline_loads_the_configured_processors(pipeline):
    configured = json.loads((Path(nlp.__file__).parent / "models" / "pipeline.json").read_text())["processors"]
    assert nlp.processors_used(pipeline) == list(configured)
    assert nlp.processors_used(pipeline)[0] == "tokenize"


def test_pipeline_is_built_once_per_model_set(pipeline, monkeypatch):
    monkeypatch.delenv(nlp.ENV_VAR, raising=False)
    assert nlp.get_pipeline() is pipeline
    assert nlp.get_pipeline("bundled") is pipeline
    monkeypatch.setenv(nlp.ENV_VAR, "bundled")
    assert nlp.get_pipeline(None) is pipeline


def test_unknown_model_set_is_refused():
    with pytest.raises(ValueError, match="bundled, official"):
        nlp.get_pipeline("tiny")


def test_curly_quotes_are_tokens_and_sentences_split(pipeline):
    doc = nlp.parse("“We may see troops,” Johnson said. “It’s illegal.”")
    assert [texts(s) for s in doc.sentences] == [
        ["“", "We", "may", "see", "troops", ",", "”", "Johnson", "said", "."],
        ["“", "It", "’s", "illegal", ".", "”"],
    ]


def test_news_paragraph(pipeline):
    doc = nlp.parse(NEWS)
    sentences = [texts(s) for s in doc.sentences]
    assert len(sentences) == 4
    assert sentences[1][0] == "“" and "”" in sentences[1]
    assert sentences[2] == ["“", "It", "’s", "illegal", ".", "”"]
    # Possessives and negations split the way the UD-trained models expect.
    assert sentences[3][:2] == ["Chicago", "’s"]
    assert sentences[3][5:8] == ["officers", "do", "n’t"]


def test_nyt_double_apostrophes_are_quote_tokens(pipeline):
    doc = nlp.parse("''It's anti-reform,'' said Mr. Kamin. He called it ''a stone.''")
    words = [t.text for t in tokens(doc)]
    assert words.count("''") == 4
    assert len(doc.sentences) == 2


def test_offsets_are_exact_on_tricky_text(pipeline):
    doc = nlp.parse(TRICKY)
    found = tokens(doc)
    assert found
    for token in found:
        assert TRICKY[token.start_char:token.end_char] == token.text
        for word in token.words:
            assert TRICKY[word.start_char:word.end_char] == word.text
    # Tokens are in order, do not overlap and cover every non-space character.
    covered = set()
    for before, after in zip(found, found[1:]):
        assert before.end_char <= after.start_char
    for token in found:
        covered.update(range(token.start_char, token.end_char))
    assert all(i in covered for i, ch in enumerate(TRICKY) if not ch.isspace())


def test_parse_many_matches_parse(pipeline):
    batch = ["", NEWS, "   \n", TRICKY, "No final stop"]
    docs = nlp.parse_many(batch)
    assert len(docs) == len(batch)
    for text, doc in zip(batch, docs):
        assert doc.text == text
        alone = nlp.parse(text)
        spans = [(t.start_char, t.end_char, t.text) for t in tokens(doc)]
        assert spans == [(t.start_char, t.end_char, t.text) for t in tokens(alone)]
        assert all(text[a:b] == t for a, b, t in spans)


@pytest.mark.parametrize("text", ["", " ", "\n\n\t \r\n"])
def test_empty_text_gives_an_empty_document(pipeline, text):
    doc = nlp.parse(text)
    assert doc.sentences == []
    assert doc.text == text


def test_missing_model_file_names_the_file_and_the_training_command():
    config = {"processors": {"tokenize": {"model_path": "no_such_tokenizer.pt"}}}
    with pytest.raises(nlp.ModelsUnavailable) as error:
        nlp._bundled_kwargs(config)
    assert "no_such_tokenizer.pt" in str(error.value)
    assert nlp.TRAIN_COMMAND in str(error.value)


def test_official_models_without_network_fail_fast():
    if (nlp.official_cache() / "resources.json").exists():
        pytest.skip("Stanza's cache already holds official resources")
    hosts = ["https://raw.githubusercontent.com", "https://huggingface.co"]
    if any(nlp._reachable(hosts, 3.0).values()):
        pytest.skip("the network is reachable here")
    started = time.monotonic()
    with pytest.raises(nlp.ModelsUnavailable) as error:
        nlp.get_pipeline("official")
    assert time.monotonic() - started < 15
    message = str(error.value)
    assert "could not be downloaded" in message
    assert "--models bundled" in message
    assert str(nlp.official_cache()) in message


def test_no_sentence_ends_between_two_words_on_one_line():
    # The tokenizer sometimes ends a sentence inside a name ("Dr. Mehmet | Oz said"); the
    # tokens attribution reads never keep such a break, so the name stays one mention.
    from quotes import pipeline as quotes_pipeline
    text = "Dr. Mehmet Oz said the pills work.\nHeadline Without A Full Stop\nNext line starts a sentence."
    doc = quotes_pipeline.parse(text)
    for before, after in zip(doc.tokens, doc.tokens[1:]):
        if after.sentence != before.sentence:
            gap = text[before.end:after.start]
            assert not before.text[-1].isalnum() or "\n" in gap, (before.text, after.text)
    by_text = {t.text: t for t in doc.tokens}
    assert by_text["Mehmet"].sentence == by_text["Oz"].sentence == by_text["said"].sentence
