"""The faster Stanza internals give exactly Stanza's results, and run only inside quotes' own calls."""
from __future__ import annotations

import logging
import sys
import threading

import numpy as np
import pytest

from conftest import QUOTE_FIXTURES, SEEDS
from quotes import nlp, pipeline, stanza_speedups
from quotes.patching import resolve

ARTICLE = ("Mayor Brandon Johnson signed an executive order on Saturday. “We may see militarized immigration "
           "enforcement,” Johnson said at a news conference. The White House called the order “a stunt.” "
           "Gov. JB Pritzker, who spoke after him, said the state would sue. “We will not back down,” he said.")


@pytest.fixture
def stanza_decoding():
    """Stanza's own decoding module: outside quotes' calls it holds Stanza's own functions."""
    from stanza.models.common import chuliu_edmonds
    assert not stanza_speedups.SPEEDUPS.is_installed()
    return chuliu_edmonds


def installed_attributes() -> dict:
    """What every attribute the speedups replace holds now."""
    return {(p.owner, p.name): vars(resolve(p.owner))[p.name] for p in stanza_speedups.SPEEDUPS.table}


# What the replaced attributes hold before any test has run quotes: Stanza's own functions.
STANZA_S_OWN = installed_attributes()


def stanza_s_own(attributes: dict) -> bool:
    replacements = {p.replacement for p in stanza_speedups.SPEEDUPS.table}
    return all(value not in replacements and value.__module__.startswith("stanza.") for value in attributes.values())


def feature_cache(nlp_pipeline):
    """The tagger's feature strings remembered by the faster CompositeVocab.id2unit (None: it never ran)."""
    return vars(nlp_pipeline.processors["pos"].vocab["feats"]).get("_quotes_id2unit")


def test_cycles_are_stanza_s_cycles_in_stanza_s_order(stanza_decoding):
    rng = np.random.default_rng(20161108)
    for _ in range(3000):
        n = int(rng.integers(2, 40))
        tree = rng.integers(0, n, size=n)
        tree[0] = 0
        ours, theirs = stanza_speedups.tarjan(tree.copy()), stanza_decoding.tarjan(tree.copy())
        assert len(ours) == len(theirs) and all((a == b).all() for a, b in zip(ours, theirs))


def test_single_root_trees_are_stanza_s_trees(stanza_decoding):
    # Random scores (every sentence through Stanza's search) and peaked ones, as a trained parser
    # gives (most sentences through the shortcut).
    rng = np.random.default_rng(7)
    for trial in range(1500):
        n = int(rng.integers(2, 30))
        logits = rng.normal(size=(n, n))
        if trial % 2:
            heads = rng.integers(0, np.arange(1, n + 1))       # a random tree: each word's head comes before it
            logits[np.arange(n), heads] += 8.0
        # log-probabilities of each head, as the parser scores arcs
        scores = (logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))).astype(np.float32)
        theirs = stanza_decoding.chuliu_edmonds_one_root(scores.copy())
        assert (stanza_speedups.chuliu_edmonds_one_root(scores.copy()) == theirs).all()


def test_ner_tag_sequences_are_stanza_s(stanza_decoding):
    from stanza.models.common.crf import viterbi_decode
    rng = np.random.default_rng(3)
    for _ in range(500):
        scores = rng.normal(size=(int(rng.integers(1, 40)), 17)).astype(np.float32)
        transitions = rng.normal(size=(17, 17)).astype(np.float32)
        ours, theirs = stanza_speedups.viterbi_decode(scores, transitions), viterbi_decode(scores, transitions)
        assert list(ours[0]) == list(theirs[0]) and ours[1] == theirs[1]


def test_the_parse_of_an_article_is_the_same_with_and_without_them(monkeypatch):
    fast, slow = _parse_both_ways(ARTICLE, monkeypatch)
    assert [(t.head, t.deprel, t.ner) for t in fast.tokens] == [(t.head, t.deprel, t.ner) for t in slow.tokens]


def _parse_both_ways(text, monkeypatch):
    """The article through quotes' pipeline with the replacements and with Stanza's own functions."""
    monkeypatch.delenv(stanza_speedups.SWITCH, raising=False)
    fast = pipeline.parse(text)
    monkeypatch.setenv(stanza_speedups.SWITCH, "0")
    slow = pipeline.parse(text)
    monkeypatch.delenv(stanza_speedups.SWITCH)
    return fast, slow


def test_a_head_with_two_subjects_is_repaired_as_stanza_repairs_it(monkeypatch):
    # The labels are scored for the chosen arcs only. Where Stanza is asked to repair a head
    # with two subjects (off in the bundled parser's settings), that sentence needs the whole
    # label table and Stanza's repair. Favouring nsubj makes the parser give heads two of them.
    from stanza.models.common.vocab import VOCAB_PREFIX_SIZE

    processor = nlp.get_pipeline().processors["depparse"]
    model = processor.trainer.model
    bias = model.deprel.scorer.W_bilin.bias
    nsubj = model.vocab["deprel"].unit2id("nsubj") - VOCAB_PREFIX_SIZE
    text = ("“The mayor and the governor told reporters the city had lost the case,” the aide said. "
            "“Voters want answers,” Johnson told the council on Monday.")
    kept, setting = bias.data[nsubj].item(), processor.config.get("resolve_head_constraints")
    bias.data[nsubj] += 5.0
    processor.config["resolve_head_constraints"] = True
    try:
        fast, slow = _parse_both_ways(text, monkeypatch)
    finally:
        bias.data[nsubj] = kept
        processor.config["resolve_head_constraints"] = setting
    assert [(t.head, t.deprel) for t in fast.tokens] == [(t.head, t.deprel) for t in slow.tokens]
    subjects = [t.head for t in fast.tokens if t.deprel == "nsubj"]
    assert len(subjects) >= 3                        # the favoured label took hold
    assert len(subjects) == len(set(subjects))       # and no head kept two


def test_pairwise_scores_are_stanza_s(stanza_decoding):
    import torch
    from stanza.models.common.biaffine import PairwiseBilinear
    torch.manual_seed(5)
    for outputs in (1, 54):
        layer = PairwiseBilinear(17, 17, outputs)
        torch.nn.init.normal_(layer.weight)
        torch.nn.init.normal_(layer.bias)
        for batch, length in ((1, 1), (3, 9), (8, 30)):
            left, right = torch.randn(batch, length, 17), torch.randn(batch, length, 17)
            theirs = layer(left, right)
            ours = stanza_speedups.pairwise_bilinear(layer, left, right)
            assert ours.shape == theirs.shape == (batch, length, length, outputs)
            assert torch.allclose(ours, theirs, rtol=1e-5, atol=1e-4)


def test_padded_batches_are_stanza_s(stanza_decoding):
    import random

    import torch
    from stanza.models.common.data import get_long_tensor
    rng = random.Random(11)
    for _ in range(200):
        rows = [[rng.randrange(100) for _ in range(rng.randrange(0, 12))] for _ in range(rng.randrange(1, 30))]
        rows[0].append(1)       # Stanza reads the shape from the first row
        for pad in (0, 7):
            assert torch.equal(stanza_speedups.get_long_tensor(rows, len(rows) + 2, pad),
                               get_long_tensor(rows, len(rows) + 2, pad))
    deeper = [[[1, 2], [3, 4]], [[5, 6]]]      # two levels of lists: Stanza's own
    assert torch.equal(stanza_speedups.get_long_tensor(deeper, 2), get_long_tensor(deeper, 2))


def test_tag_strings_are_stanza_s(stanza_decoding):
    from stanza.models.common.vocab import CompositeVocab
    from stanza.models.pos.vocab import FeatureVocab
    data = [[["w", "Number=Sing|Person=3"], ["x", "Mood=Ind|Tense=Past|VerbForm=Fin"], ["y", "_"]]]
    features = FeatureVocab(data, idx=1, sep="|", keyed=True)
    ids = [features.unit2id(w[1]) for w in data[0]] * 3
    theirs = [CompositeVocab.id2unit(features, i) for i in ids]
    with stanza_speedups.active():
        ours = [features.id2unit(i) for i in ids]
    assert ours == theirs == [
        "Number=Sing|Person=3", "Mood=Ind|Tense=Past|VerbForm=Fin", "_"] * 3


# --------------------------------------------------------------------------
# Where they run: quotes' own calls only, and only with a Stanza they were written for
# --------------------------------------------------------------------------

def test_quotes_own_calls_run_them(monkeypatch):
    monkeypatch.delenv(stanza_speedups.SWITCH, raising=False)
    quotes_pipeline = nlp.get_pipeline()
    vars(quotes_pipeline.processors["pos"].vocab["feats"]).pop("_quotes_id2unit", None)
    pipeline.parse(ARTICLE)
    assert feature_cache(quotes_pipeline)


def test_a_plain_stanza_pipeline_after_quotes_runs_stanza_s_own_code(monkeypatch):
    import stanza

    monkeypatch.delenv(stanza_speedups.SWITCH, raising=False)
    assert stanza_s_own(STANZA_S_OWN)
    pipeline.parse(ARTICLE)
    config = nlp._read_pipeline_config()
    kwargs = {k: v for k, v in nlp._bundled_kwargs(config).items() if k.startswith(("tokenize_", "pos_"))}
    plain = stanza.Pipeline("en", dir=str(nlp.MODELS_DIR), processors="tokenize,pos", download_method=None,
                            allow_unknown_language=True, use_gpu=False, logging_level="ERROR", **kwargs)
    while_tagging = []          # what Stanza's modules hold while the plain pipeline's tagger runs
    plain.processors["pos"].trainer.model.register_forward_pre_hook(
        lambda *_: while_tagging.append(installed_attributes()))
    with nlp.torch_threads():
        doc = plain(ARTICLE)
    assert while_tagging and all(_same_objects(seen, STANZA_S_OWN) for seen in while_tagging)
    assert _same_objects(installed_attributes(), STANZA_S_OWN)
    assert any(word.feats for word in doc.iter_words())     # the tagger wrote feature strings
    assert feature_cache(plain) is None                      # with Stanza's own id2unit


def _same_objects(attributes: dict, expected: dict) -> bool:
    return attributes.keys() == expected.keys() and all(attributes[k] is expected[k] for k in expected)


def test_switched_off_by_the_environment(monkeypatch):
    monkeypatch.setenv(stanza_speedups.SWITCH, "0")
    quotes_pipeline = nlp.get_pipeline()
    vars(quotes_pipeline.processors["pos"].vocab["feats"]).pop("_quotes_id2unit", None)
    with stanza_speedups.active() as on:
        assert not on and stanza_s_own(installed_attributes())
    pipeline.parse(ARTICLE)
    assert feature_cache(quotes_pipeline) is None


@pytest.mark.parametrize("version", ["1.14.2", "1.16.0", "2.0.0rc1"])
def test_another_stanza_runs_plain_with_one_warning(monkeypatch, caplog, version):
    monkeypatch.delenv(stanza_speedups.SWITCH, raising=False)
    quotes_pipeline = nlp.get_pipeline()
    monkeypatch.setattr(sys.modules["stanza"], "__version__", version)
    vars(quotes_pipeline.processors["pos"].vocab["feats"]).pop("_quotes_id2unit", None)
    with caplog.at_level(logging.WARNING, logger="quotes"):
        with stanza_speedups.active() as on:
            assert not on and stanza_s_own(installed_attributes())
        quotes = pipeline.extract(ARTICLE)
    assert quotes[0].attribution.speaker == "Brandon Johnson"        # quotes still works, on Stanza's own code
    assert feature_cache(quotes_pipeline) is None
    warnings = [r.getMessage() for r in caplog.records if r.name == "quotes"]
    assert warnings == [f"quotes: Stanza speedups off: stanza {version} is not a version they were written for "
                        f"(>={stanza_speedups.STANZA_VERSIONS[0]}, <{stanza_speedups.STANZA_VERSIONS[1]}); "
                        "the original code runs instead"]


def test_nested_blocks_keep_them_until_the_outermost_ends(monkeypatch):
    monkeypatch.delenv(stanza_speedups.SWITCH, raising=False)
    plain = installed_attributes()
    with stanza_speedups.active():
        inside = installed_attributes()
        with stanza_speedups.active():
            pass
        assert installed_attributes() == inside != plain
    assert installed_attributes() == plain


def test_blocks_in_two_threads_share_them(monkeypatch):
    # The first block to open installs them and the last to close restores, whichever thread.
    monkeypatch.delenv(stanza_speedups.SWITCH, raising=False)
    plain = installed_attributes()
    entered, first_done = threading.Event(), threading.Event()
    seen = {}

    def second():
        with stanza_speedups.active():
            entered.set()
            first_done.wait(30)
            seen["after the first closed"] = installed_attributes()

    with stanza_speedups.active():
        inside = installed_attributes()
        thread = threading.Thread(target=second)
        thread.start()
        assert entered.wait(30)
    first_done.set()
    thread.join(30)
    assert seen["after the first closed"] == inside != plain
    assert installed_attributes() == plain


def _syntax_and_entities(docs):
    return [[(w.upos, w.xpos, w.feats, w.lemma, w.head, w.deprel) for s in d.sentences for w in s.words]
            + [(t.start_char, t.end_char, t.ner) for s in d.sentences for t in s.tokens] for d in docs]


def test_quotes_parses_the_seeds_and_fixtures_the_same_with_and_without_them(monkeypatch):
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))[:3] + QUOTE_FIXTURES]
    monkeypatch.delenv(stanza_speedups.SWITCH, raising=False)
    fast = nlp.parse_many(texts)            # every sentence tagged and parsed
    monkeypatch.setenv(stanza_speedups.SWITCH, "0")
    slow = nlp.parse_many(texts)
    assert _syntax_and_entities(fast) == _syntax_and_entities(slow)
    assert sum(1 for d in fast for s in d.sentences for w in s.words if w.head is not None) > 2500
