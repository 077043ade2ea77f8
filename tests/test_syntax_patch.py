"""training/syntax_patch.py: each cheaper graph computes what Stanza's own does, forward and backward.

Every test runs a tiny module twice on the same inputs and parameters, unpatched and patched, and
compares outputs and gradients; it also checks that the patched run really went through the
cheaper graph (the slow autograd node is gone), so a test fails when its patch is missing as well
as when it is wrong.
"""
from __future__ import annotations

import copy
import logging
import sys
from contextlib import nullcontext

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("stanza")

from torch import nn  # noqa: E402
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence  # noqa: E402

from training import syntax_patch  # noqa: E402

RTOL, ATOL = 1e-5, 1e-6


@pytest.fixture(autouse=True)
def _unpatched_and_single_threaded():
    """Every test starts and ends with torch's and Stanza's own methods in place."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    assert not syntax_patch.is_applied()
    yield
    assert not syntax_patch.is_applied()
    torch.set_num_threads(threads)


def graph_ops(*tensors) -> set[str]:
    """Names of every autograd node behind the tensors."""
    seen, names, stack = set(), set(), [t.grad_fn for t in tensors if t.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        names.add(type(node).__name__)
        stack.extend(next_fn for next_fn, _ in node.next_functions)
    return names


def run_both(module: nn.Module, forward, inputs: list[torch.Tensor]):
    """(outputs, gradients, graph ops) unpatched and patched, from identical copies of module and inputs.

    forward(module, *inputs) returns a list of tensors; the loss is a fixed random projection of
    each, so every output element gets its own gradient.
    """
    results = []
    for patch in (False, True):
        torch.manual_seed(7)
        mod = copy.deepcopy(module)
        xs = [x.detach().clone().requires_grad_(x.is_floating_point()) for x in inputs]
        with syntax_patch.patched() if patch else nullcontext():
            outs = forward(mod, *xs)
        gen = torch.Generator().manual_seed(3)
        loss = sum((o * torch.randn(o.shape, generator=gen)).sum() for o in outs)
        loss.backward()
        grads = {name: p.grad.clone() for name, p in mod.named_parameters() if p.grad is not None}
        grads.update({f"input{i}": x.grad.clone() for i, x in enumerate(xs) if x.grad is not None})
        results.append(([o.detach() for o in outs], grads, graph_ops(*outs)))
    return results


def assert_same(plain, patched):
    (outs_a, grads_a, _), (outs_b, grads_b, _) = plain, patched
    assert len(outs_a) == len(outs_b)
    for a, b in zip(outs_a, outs_b):
        torch.testing.assert_close(b, a, rtol=RTOL, atol=ATOL)
    assert grads_a.keys() == grads_b.keys() and grads_a
    for name in grads_a:
        torch.testing.assert_close(grads_b[name], grads_a[name], rtol=RTOL, atol=ATOL, msg=f"gradient of {name}")


# --------------------------------------------------------------------------

def test_biaffine_scorer_same_outputs_and_gradients():
    from stanza.models.common.biaffine import BiaffineScorer

    torch.manual_seed(0)
    scorer = BiaffineScorer(6, 5, 9)
    with torch.no_grad():   # Stanza zero-initialises the weight, which would hide a wrong layout
        scorer.W_bilin.weight.normal_()
        scorer.W_bilin.bias.normal_()
    for shape in ((11,), (3, 4)):
        x1, x2 = torch.randn(*shape, 6), torch.randn(*shape, 5)
        plain, patched = run_both(scorer, lambda m, a, b: [m(a, b)], [x1, x2])
        assert_same(plain, patched)
        assert any("Trilinear" in op or "Bilinear" in op for op in plain[2])
        assert not any("Trilinear" in op or "Bilinear" in op for op in patched[2])


def test_dropout_mask_is_rand_like_at_least_p():
    x = torch.randn(4000, 8) + 3.0
    for p in (0.33, 0.5):
        drop = nn.Dropout(p)
        with syntax_patch.patched():
            torch.manual_seed(11)
            y = drop(x.clone().requires_grad_())
            y.backward(torch.ones_like(y))
        torch.manual_seed(11)
        noise = (torch.rand_like(x) >= p).float() / (1 - p)
        torch.testing.assert_close(y.detach(), x * noise, rtol=0, atol=0)
        kept = (y != 0).float().mean().item()
        assert abs(kept - (1 - p)) < 0.02           # Bernoulli(1 - p), as nn.Dropout
        # in place, as HighwayLSTM uses it: same values, written into the input
        inplace = nn.Dropout(p, inplace=True)
        z = x.clone()
        with syntax_patch.patched():
            torch.manual_seed(11)
            out = inplace(z)
        assert out.data_ptr() == z.data_ptr()
        torch.testing.assert_close(z, x * noise, rtol=0, atol=0)
    with syntax_patch.patched():
        drop.eval()
        assert drop(x) is x


def _packed_batch(lengths, width, seed=0):
    torch.manual_seed(seed)
    padded = torch.randn(len(lengths), max(lengths), width)
    return pack_padded_sequence(padded, lengths, batch_first=True)


@pytest.mark.parametrize("layers,bidirectional,with_hx", [(1, True, True), (2, True, False), (1, False, True)])
def test_packed_lstm_same_outputs_states_and_gradients(layers, bidirectional, with_hx):
    from stanza.models.common.packed_lstm import PackedLSTM

    torch.manual_seed(1)
    lstm = PackedLSTM(5, 4, layers, batch_first=True, bidirectional=bidirectional)
    lstm.train()
    lengths = [7, 7, 5, 3, 3, 1]
    packed = _packed_batch(lengths, 5)
    directions = 2 if bidirectional else 1
    hx = torch.randn(2, layers * directions, len(lengths), 4)

    def forward(mod, data, h):
        out, (h_n, c_n) = mod(PackedSequence(data, packed.batch_sizes), lengths,
                              (h[0], h[1]) if with_hx else None)
        return [out.data, h_n, c_n]

    plain, patched = run_both(lstm, forward, [packed.data, hx])
    assert_same(plain, patched)
    assert "SplitWithSizesBackward0" in patched[2] and "SplitWithSizesBackward0" not in plain[2]


def test_packed_lstm_keeps_native_lstm_without_gradients():
    from stanza.models.common.packed_lstm import PackedLSTM

    lstm = PackedLSTM(5, 4, 1, batch_first=True, bidirectional=True)
    packed = _packed_batch([4, 2], 5)
    calls = []
    original = syntax_patch.lstm_packed

    def spy(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    with syntax_patch.patched():
        syntax_patch.lstm_packed = spy
        try:
            with torch.no_grad():
                lstm(packed, [4, 2])
            lstm.eval()
            lstm(packed, [4, 2])
            assert not calls
            lstm.train()
            lstm(packed, [4, 2])
            assert calls
        finally:
            syntax_patch.lstm_packed = original


def test_character_model_same_outputs_and_gradients():
    from stanza.models.common.char_model import CharacterModel

    torch.manual_seed(2)
    args = {"char_emb_dim": 6, "char_hidden_dim": 5, "char_num_layers": 1, "dropout": 0.0, "char_rec_dropout": 0}
    model = CharacterModel(args, {"char": list(range(20))})
    with torch.no_grad():   # zero-initialised attention would make every weight 0.5
        model.char_attn.weight.normal_()
    model.train()
    sentlens = [4, 3, 3, 1]
    wordlens = sorted((int(n) for n in torch.randint(1, 8, (sum(sentlens),))), reverse=True)
    chars = torch.zeros(len(wordlens), max(wordlens), dtype=torch.long)
    for i, n in enumerate(wordlens):
        chars[i, :n] = torch.randint(1, 20, (n,))
    word_orig_idx = torch.randperm(len(wordlens)).tolist()

    def forward(mod, _):
        res = mod(chars, chars == 0, word_orig_idx, sentlens, wordlens)
        assert isinstance(res, PackedSequence)
        return [res.data, res.batch_sizes.float()]

    plain, patched = run_both(model, forward, [torch.zeros(1)])
    assert_same(plain, patched)
    assert any("PackPadded" in op or "PadPacked" in op for op in plain[2])
    assert not any("PackPadded" in op or "PadPacked" in op for op in patched[2])
    assert "IndexAddBackward0" in patched[2]


def test_patch_is_scoped_and_models_stay_plain():
    from stanza.models.common.biaffine import BiaffineScorer
    from stanza.models.common.char_model import CharacterModel
    from stanza.models.common.packed_lstm import PackedLSTM

    before = {cls: cls.__dict__["forward"] for cls in (BiaffineScorer, CharacterModel, PackedLSTM, nn.Dropout)}
    scorer = BiaffineScorer(3, 3, 2)
    names = [name for name, _ in scorer.named_parameters()]
    with syntax_patch.patched():
        assert all(cls.__dict__["forward"] is not fn for cls, fn in before.items())
        with syntax_patch.patched():    # nested: the inner block must not restore early
            pass
        assert syntax_patch.is_applied()
        assert [name for name, _ in BiaffineScorer(3, 3, 2).named_parameters()] == names
    assert all(cls.__dict__["forward"] is fn for cls, fn in before.items())


def _forwards():
    from stanza.models.common.biaffine import BiaffineScorer
    from stanza.models.common.char_model import CharacterModel
    from stanza.models.common.packed_lstm import PackedLSTM

    return {cls: cls.__dict__["forward"] for cls in (BiaffineScorer, CharacterModel, PackedLSTM, nn.Dropout)}


@pytest.mark.parametrize("package,version", [("stanza", "1.14.9"), ("stanza", "1.16.0"), ("torch", "1.13.1")])
def test_another_stanza_or_torch_trains_unpatched_with_one_warning(monkeypatch, caplog, package, version):
    # Stanza's and torch's internals change between releases: a patch written for one must not
    # stand in for another's.
    monkeypatch.setattr(sys.modules[package], "__version__", version)
    plain = _forwards()
    with caplog.at_level(logging.WARNING, logger="quotes"):
        for _ in range(2):
            with syntax_patch.patched() as on:
                assert not on and not syntax_patch.is_applied()
                assert _forwards() == plain
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and f"{package} {version} is not a version" in warnings[0]
    assert "\n" not in warnings[0]
