"""Cheaper autograd graphs for training Stanza's POS tagger and dependency parser on a CPU.

    from training.syntax_patch import patched
    with patched():
        trainer.update(batch)

On CPU, three constructs in Stanza's tagger and parser build graphs whose backward pass touches
a full-size tensor once per slice, which made a training step take 6-15 s (training/SYNTAX.md):

1. `nn.Bilinear` (BiaffineScorer, the tagger's XPOS / UFeats heads): the backward of
   `aten::_trilinear` loops over the output classes with an [N, I, J] intermediate for each.
   Here: one matmul with the weight laid out as [I, O*J], then a batched matmul with the
   second input.
2. `CharacterModel.forward`: `pad_packed_sequence` copies once per distinct word length and
   `pack_sequence(res.split(sentlens))` copies the whole gradient once per sentence. Here: only
   the real characters are embedded (and dropped out), summed per word with `index_add`, and
   packed by sentence with one index gather.
3. `nn.LSTM` over a `PackedSequence`: the CPU kernel narrows the input projection at every time
   step, and every narrow's backward allocates a zero tensor the size of the whole packed batch.
   Here (training only): one input projection split by batch sizes and a loop over time steps
   whose backward is one concatenation. With gradients off (prediction, dev evaluation) the
   native LSTM runs as before.

Dropout masks come from `rand_like(x) >= p`, the same Bernoulli(1 - p) keep mask as
`nn.Dropout`'s, drawn with a cheaper vectorised kernel.

Every replacement computes the same function of the same parameters, so the parameters, their
names and the saved model files are those of plain Stanza: a model trained under the patch
loads into an unpatched `stanza.Pipeline`. Nothing changes outside `patched()` blocks; the table
below is installed by quotes.patching, as quotes' own Stanza speedups are, and with a Stanza or
torch it was not written for the blocks run the original code and say so once.
"""
from __future__ import annotations

from contextlib import AbstractContextManager

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pad_packed_sequence

from quotes.patching import Patch, PatchSet
from quotes.stanza_speedups import STANZA_VERSIONS, bilinear_rows, weight_by_output, with_ones

# The torch releases the Dropout replacement is meant for: from, up to (excluded); written and measured on 2.13.
TORCH_VERSIONS = ("2.0", "3")


# --------------------------------------------------------------------------
# 1. Bilinear (BiaffineScorer)
# --------------------------------------------------------------------------

def bilinear(x1: torch.Tensor, x2: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """y[..., o] = sum_ij x1[..., i] weight[o, i, j] x2[..., j] + bias[o], as nn.Bilinear computes it."""
    out_features, in1, in2 = weight.shape
    lead = x1.shape[:-1]
    # nn.Bilinear's weight is O x I x J.
    y = bilinear_rows(x1.reshape(-1, in1), weight_by_output(weight, 1, 0, 2), x2.reshape(-1, in2))
    if bias is not None:
        y = y + bias
    return y.view(*lead, out_features)


def _biaffine_forward(self, input1, input2):
    return bilinear(with_ones(input1), with_ones(input2), self.W_bilin.weight, self.W_bilin.bias)


# --------------------------------------------------------------------------
# 2. Dropout
# --------------------------------------------------------------------------

def dropout(x: torch.Tensor, p: float, training: bool = True, inplace: bool = False) -> torch.Tensor:
    """Inverted dropout with a keep mask from rand_like(x) >= p (kept with probability 1 - p).

    The scale is formed as nn.Dropout forms it (mask / (1 - p), then a product), so a kept value
    is bit-for-bit the value nn.Dropout would give it.
    """
    if not training or p == 0:
        return x
    if p >= 1:
        return x.mul_(0) if inplace else x * 0
    noise = (torch.rand_like(x) >= p).to(x.dtype).div_(1 - p)
    return x.mul_(noise) if inplace else x * noise


def _dropout_forward(self, input):
    return dropout(input, self.p, self.training, self.inplace)


# --------------------------------------------------------------------------
# 3. LSTM over a PackedSequence (training)
# --------------------------------------------------------------------------

def _direction(steps: list[torch.Tensor], sizes: list[int], h0: torch.Tensor, c0: torch.Tensor,
               w_hh: torch.Tensor, b_hh: torch.Tensor | None, reverse: bool):
    """One LSTM direction over time-major packed steps; returns (output, h_n, c_n).

    The sequences are sorted longest first, so at step t the first sizes[t] of them are live:
    going forward, sequences drop off the end of the batch; going backward, they join it.
    """
    outputs: list[torch.Tensor | None] = [None] * len(sizes)

    def cell(t, h, c):
        i, f, g, o = (steps[t] + F.linear(h, w_hh, b_hh)).chunk(4, 1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outputs[t] = h
        return h, c

    if not reverse:
        h, c = h0, c0
        finished_h, finished_c = [], []
        for t, size in enumerate(sizes):
            if h.size(0) > size:
                finished_h.append(h[size:])
                finished_c.append(c[size:])
                h, c = h[:size], c[:size]
            h, c = cell(t, h, c)
        # Pieces that finished later hold lower batch indices.
        h_n = torch.cat([h] + finished_h[::-1])
        c_n = torch.cat([c] + finished_c[::-1])
    else:
        h, c = h0[:sizes[-1]], c0[:sizes[-1]]
        for t in range(len(sizes) - 1, -1, -1):
            size = sizes[t]
            if h.size(0) < size:
                h = torch.cat([h, h0[h.size(0):size]])
                c = torch.cat([c, c0[c.size(0):size]])
            h, c = cell(t, h, c)
        h_n, c_n = h, c
    return torch.cat(outputs), h_n, c_n


def lstm_packed(lstm: nn.LSTM, packed: PackedSequence, hx=None):
    """What `lstm(packed, hx)` returns, through a graph whose backward is one concatenation per
    direction and layer."""
    data, batch_sizes, sorted_indices, unsorted_indices = packed
    sizes = batch_sizes.tolist()
    directions = 2 if lstm.bidirectional else 1
    hidden = lstm.hidden_size
    if hx is None:
        zeros = data.new_zeros(lstm.num_layers * directions, sizes[0], hidden)
        hx = (zeros, zeros)
    elif sorted_indices is not None:
        hx = (hx[0].index_select(1, sorted_indices), hx[1].index_select(1, sorted_indices))
    layer_input = data
    h_n, c_n = [], []
    for layer in range(lstm.num_layers):
        if layer > 0 and lstm.dropout > 0 and lstm.training:
            layer_input = dropout(layer_input, lstm.dropout)
        outputs = []
        for direction in range(directions):
            suffix = f"_l{layer}" + ("_reverse" if direction else "")
            w_ih = getattr(lstm, "weight_ih" + suffix)
            w_hh = getattr(lstm, "weight_hh" + suffix)
            b_ih = getattr(lstm, "bias_ih" + suffix) if lstm.bias else None
            b_hh = getattr(lstm, "bias_hh" + suffix) if lstm.bias else None
            # One projection for all time steps; split's backward is a single concatenation.
            steps = list(F.linear(layer_input, w_ih, b_ih).split(sizes))
            index = layer * directions + direction
            out, h, c = _direction(steps, sizes, hx[0][index], hx[1][index], w_hh, b_hh, reverse=direction == 1)
            outputs.append(out)
            h_n.append(h)
            c_n.append(c)
        layer_input = outputs[0] if directions == 1 else torch.cat(outputs, 1)
    h_n, c_n = torch.stack(h_n), torch.stack(c_n)
    if unsorted_indices is not None:
        h_n, c_n = h_n.index_select(1, unsorted_indices), c_n.index_select(1, unsorted_indices)
    return PackedSequence(layer_input, batch_sizes, sorted_indices, unsorted_indices), (h_n, c_n)


def _uses_loop(lstm) -> bool:
    """Whether the loop above can stand in for this module: a plain nn.LSTM being trained."""
    return type(lstm) is nn.LSTM and lstm.training and torch.is_grad_enabled() and lstm.proj_size == 0


def _packed_lstm_forward(self, input, lengths, hx=None):
    if not _uses_loop(self.lstm):
        return PATCHES.original(_PACKED_LSTM, "forward")(self, input, lengths, hx)
    if not isinstance(input, PackedSequence):
        input = nn.utils.rnn.pack_padded_sequence(input, lengths, batch_first=self.batch_first)
    output, states = lstm_packed(self.lstm, input, hx)
    if self.pad:
        output = pad_packed_sequence(output, batch_first=self.batch_first)[0]
    return output, states


# --------------------------------------------------------------------------
# 4. CharacterModel
# --------------------------------------------------------------------------

def _packed_positions(lengths: list[int]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """For sequences sorted longest first: (row, column, batch_sizes) of every element in the
    time-major order of a PackedSequence."""
    lens = torch.as_tensor(lengths, dtype=torch.long)
    longest = int(lens[0]) if len(lengths) else 0
    live = torch.arange(longest).unsqueeze(1) < lens.unsqueeze(0)      # [T, B]
    rows = torch.arange(len(lengths)).unsqueeze(0).expand(longest, -1)[live]
    cols = torch.arange(longest).unsqueeze(1).expand(-1, len(lengths))[live]
    return rows, cols, live.sum(1)


def _char_forward(self, chars, chars_mask, word_orig_idx, sentlens, wordlens):
    if not self.attn:
        return PATCHES.original(_CHARACTER_MODEL, "forward")(self, chars, chars_mask, word_orig_idx, sentlens, wordlens)
    wordlens = [int(n) for n in wordlens]
    sentlens = [int(n) for n in sentlens]
    words = chars.size(0)
    layers = self.num_dir * self.args['char_num_layers']
    hidden = self.args['char_hidden_dim']
    # Only the real characters, in the packed (time-major) order pack_padded_sequence gives.
    word_of, position, char_sizes = _packed_positions(wordlens)
    embs = self.dropout(self.char_emb(chars[word_of, position]))
    hx = (self.charlstm_h_init.expand(layers, words, hidden).contiguous(),
          self.charlstm_c_init.expand(layers, words, hidden).contiguous())
    output, _ = self.charlstm(PackedSequence(embs, char_sizes), wordlens, hx=hx)
    reps = output.data
    weights = torch.sigmoid(self.char_attn(self.dropout(reps)))
    summed = reps.new_zeros(words, reps.size(1)).index_add(0, word_of.to(reps.device), reps * weights)

    # Words back in sentence order (word_orig_idx), then packed by sentence: one gather.
    back = torch.empty(len(word_orig_idx), dtype=torch.long)
    back[torch.as_tensor(word_orig_idx, dtype=torch.long)] = torch.arange(len(word_orig_idx))
    sentence, offset_in_sentence, word_sizes = _packed_positions(sentlens)
    starts = torch.cumsum(torch.as_tensor([0] + sentlens[:-1], dtype=torch.long), 0)
    gathered = summed[back[starts[sentence] + offset_in_sentence].to(summed.device)]
    res = PackedSequence(gathered, word_sizes)
    if self.pad:
        res = pad_packed_sequence(res, batch_first=True)[0]
    return res


# --------------------------------------------------------------------------

_PACKED_LSTM = "stanza.models.common.packed_lstm:PackedLSTM"
_CHARACTER_MODEL = "stanza.models.common.char_model:CharacterModel"

PATCHES = PatchSet("training/syntax_patch.py's cheaper graphs", (
    Patch("stanza.models.common.biaffine:BiaffineScorer", "forward", _biaffine_forward, STANZA_VERSIONS),
    Patch("torch.nn:Dropout", "forward", _dropout_forward, TORCH_VERSIONS),
    Patch(_PACKED_LSTM, "forward", _packed_lstm_forward, STANZA_VERSIONS),
    Patch(_CHARACTER_MODEL, "forward", _char_forward, STANZA_VERSIONS),
))


def is_applied() -> bool:
    return PATCHES.is_installed()


def patched() -> AbstractContextManager[bool]:
    """The cheaper forwards for the duration of a with block (class-wide: modules built before or
    after alike); nested blocks restore at the outermost one. Yields whether they are in place."""
    return PATCHES.active()
