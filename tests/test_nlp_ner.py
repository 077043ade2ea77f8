"""The bundled NER model as the tool loads it: real pipeline, real model, no mocks."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from quotes import nlp

PLAIN = "Mayor Brandon Johnson told CNN on Saturday that the White House had not called him."
CURLY = "“We will not be intimidated,” Mayor Brandon Johnson told CNN, adding that the White House’s plan was illegal."


@pytest.fixture(scope="module")
def pipeline():
    return nlp.get_pipeline("bundled")


def entities(text: str) -> list[tuple[str, str]]:
    return [(entity.text, entity.type) for entity in nlp.parse(text, "bundled").ents]


def test_bundled_pipeline_runs_ner(pipeline):
    assert "ner" in nlp.processors_used(pipeline)
    assert nlp.processors_used(pipeline).index("tokenize") < nlp.processors_used(pipeline).index("ner")


@pytest.mark.parametrize("text", [PLAIN, CURLY], ids=["plain", "curly-quotes"])
def test_news_sentence_entities(pipeline, text):
    found = entities(text)
    people = [name for name, kind in found if kind == "PER"]
    # Universal NER leaves titles out of names; a model that keeps "Mayor" is fine too.
    assert any(name in ("Brandon Johnson", "Mayor Brandon Johnson") for name in people), found
    assert ("CNN", "ORG") in found, found
    assert ("White House", "ORG") in found, found


def test_tokens_carry_bioes_tags(pipeline):
    doc = nlp.parse(PLAIN, "bundled")
    tags = {token.text: token.ner for token in doc.sentences[0].tokens}
    assert tags["Johnson"] == "E-PER"
    assert tags["CNN"] == "S-ORG"
    assert tags["Saturday"] == "O"


# Surnames that occur nowhere in the NER training data (PolNeAR silver, GUM, UNER EWT) but are
# among the 100,000 GloVe words: the model without vectors tagged none of these three sentences'
# names; with GloVe it has a vector for each (issue 29).
UNSEEN_IN_TRAINING = [
    ("Lagarde warned that growth was slowing.", "Lagarde"),
    ("Lukashenko called the protests illegal.", "Lukashenko"),
    ("Juncker rejected the proposal, Zardari said.", "Juncker"),
]


def test_ner_reads_the_bundled_glove_vectors(pipeline):
    from stanza.models.common.vocab import UNK_ID

    configured = json.loads((Path(nlp.__file__).parent / "models" / "pipeline.json").read_text())
    assert configured["processors"]["ner"]["pretrain_path"] == "en_glove.pt"
    words = pipeline.processors["ner"].trainers[0].model.vocab["word"]
    assert len(words) > 100_000
    assert words.unit2id("lagarde") != UNK_ID


@pytest.mark.parametrize("text,name", UNSEEN_IN_TRAINING, ids=[name for _, name in UNSEEN_IN_TRAINING])
def test_a_name_never_seen_in_training_is_found_through_its_vector(pipeline, text, name):
    assert (name, "PER") in entities(text)
