"""Faster replacements for pure-Python parts of Stanza's decoding, with the same results.

Stanza turns the parser's arc scores into a tree with Chu-Liu-Edmonds (`chuliu_edmonds`),
forcing a single root by making every root arc very costly. On PolNeAR dev that decoding took
a third of the parser's time (measured with cProfile), for two reasons:

1. `tarjan`, which finds the cycles of a head array, runs `np.where` over the whole sentence once
   per word. Here the same algorithm visits the same nodes in the same order on Python lists,
   so it returns the same cycles in the same order (tests/test_stanza_speedups.py compares the
   two on random graphs).
2. The root penalty makes the best head of every word a non-root word, so the first guess
   always has a cycle, and the decoder contracts about one cycle per word. But where the
   parser's own best head for each word already forms a tree with exactly one root, that tree
   is the best tree of all, and so the best single-root one, which is what the penalised
   search returns. Here that case returns at once; every other sentence goes through Stanza's
   own search as before. The two can differ only on an exact tie of float scores.

3. The NER tagger's Viterbi decoding takes, at every word, the max and then the argmax of the
   same matrix; here the argmax gives both.
4. Every batch of the tagger, parser and NER is padded into tensors by `get_long_tensor`, which
   makes one tensor per row; here one numpy array is filled and handed to torch.
5. The tagger writes each word's features ('Number=Sing|Person=3') by formatting its ids again;
   here each vocabulary remembers the strings it has made.

`apply()` installs them (idempotent); `restore()` puts Stanza's back.
"""
from __future__ import annotations

import importlib

import numpy as np

_ORIGINALS: dict[str, object] = {}


def tarjan(tree: np.ndarray) -> list[np.ndarray]:
    """Stanza's chuliu_edmonds.tarjan: the cycles of a head array (tree[i] is the head of i), each
    a boolean mask, in the order Stanza's finds them."""
    heads = tree.tolist()
    n = len(heads)
    children: list[list[int]] = [[] for _ in range(n)]
    for j, h in enumerate(heads):
        if 0 <= h < n:
            children[h].append(j)
    indices = [-1] * n
    lowlinks = [-1] * n
    onstack = [False] * n
    stack: list[int] = []
    counter = 0
    cycles = []
    for root in range(n):
        if indices[root] != -1:
            continue
        indices[root] = lowlinks[root] = counter
        counter += 1
        stack.append(root)
        onstack[root] = True
        calls = [(root, 0)]       # (node, next child to visit): the recursion as a loop, as Stanza's
        while calls:
            i, k = calls[-1]
            kids = children[i]
            descended = False
            while k < len(kids):
                j = kids[k]
                k += 1
                if indices[j] == -1:
                    calls[-1] = (i, k)
                    indices[j] = lowlinks[j] = counter
                    counter += 1
                    stack.append(j)
                    onstack[j] = True
                    calls.append((j, 0))
                    descended = True
                    break
                if onstack[j]:
                    lowlinks[i] = min(lowlinks[i], indices[j])
            if descended:
                continue
            calls.pop()
            if lowlinks[i] == indices[i]:
                members = []
                while True:
                    j = stack.pop()
                    onstack[j] = False
                    members.append(j)
                    if j == i:
                        break
                if len(members) > 1:
                    cycle = np.zeros(n, dtype=bool)
                    cycle[members] = True
                    cycles.append(cycle)
            if calls:
                parent = calls[-1][0]
                lowlinks[parent] = min(lowlinks[parent], lowlinks[i])
    return cycles


def chuliu_edmonds_one_root(scores: np.ndarray) -> np.ndarray:
    """Stanza's chuliu_edmonds_one_root: the best tree with a single root, scores[x][y] being the
    score of y as the head of x. The parser's best head per word, where that is already such a
    tree; Stanza's penalised search otherwise."""
    best = np.array(scores, dtype=np.float64)
    np.fill_diagonal(best, -np.inf)      # as Stanza's prepare_scores: no self-loops, node 0 is the root
    best[0] = -np.inf
    best[0, 0] = 0
    tree = np.argmax(best, axis=1)
    if np.count_nonzero(tree[1:] == 0) == 1 and not tarjan(tree):
        return tree
    from stanza.models.common import chuliu_edmonds      # never replaced: Stanza's own search
    return chuliu_edmonds.chuliu_edmonds_one_root(scores)


def viterbi_decode(scores: np.ndarray, transition_params: np.ndarray) -> tuple[list, float]:
    """Stanza's crf.viterbi_decode (the NER tagger's best tag sequence), each step's best previous
    tag found once: Stanza takes the max and the argmax of the same matrix separately."""
    trellis = np.zeros_like(scores)
    backpointers = np.zeros_like(scores, dtype=np.int32)
    trellis[0] = scores[0]
    columns = np.arange(scores.shape[1])
    for t in range(1, scores.shape[0]):
        v = trellis[t - 1][:, None] + transition_params
        best = np.argmax(v, 0)
        trellis[t] = scores[t] + v[best, columns]
        backpointers[t] = best
    viterbi = [np.argmax(trellis[-1])]
    for bp in reversed(backpointers[1:]):
        viterbi.append(bp[viterbi[-1]])
    viterbi.reverse()
    return viterbi, np.max(trellis[-1])


def get_long_tensor(tokens_list: list, batch_size: int, pad_id: int = 0):
    """Stanza's data.get_long_tensor (a padded LongTensor of id lists) for the common case of one
    level of lists, filled through numpy: Stanza builds one tensor per row and copies it in.
    Deeper lists go to Stanza's own."""
    import torch

    sizes = []
    x = tokens_list
    while isinstance(x[0], list):       # the same shape test as Stanza's
        sizes.append(max(len(y) for y in x))
        x = [z for y in x for z in y]
    if len(sizes) != 1:
        return _ORIGINALS["long_tensor"](tokens_list, batch_size, pad_id)
    out = np.full((batch_size, sizes[0]), pad_id, dtype=np.int64)
    for i, row in enumerate(tokens_list):
        out[i, :len(row)] = row
    return torch.from_numpy(out)


def composite_id2unit(self, id):
    """Stanza's CompositeVocab.id2unit (a tagger's XPOS or UFeats ids back to 'Number=Sing|…'),
    remembered per vocabulary and ids: a tagged corpus has a few hundred combinations, and Stanza
    formats each of them again for every word. Only the joined string is remembered (a vocabulary
    without a separator returns a list, which a caller could change)."""
    if self.sep is None:
        return _ORIGINALS["id2unit"](self, id)
    cache = self.__dict__.setdefault("_quotes_id2unit", {})
    key = tuple(id) if isinstance(id, (list, tuple, np.ndarray)) else id
    found = cache.get(key)
    if found is None:
        found = cache[key] = _ORIGINALS["id2unit"](self, id)
    return found


# The modules that import get_long_tensor by name, for the tagger, parser and NER.
_LONG_TENSOR_USERS = ("stanza.models.ner.data", "stanza.models.ner.model", "stanza.models.pos.data",
                      "stanza.models.depparse.data", "stanza.models.common.char_model")


def apply() -> None:
    """Install the replacements in Stanza (once per process; later calls do nothing)."""
    if _ORIGINALS:
        return
    from stanza.models.common import chuliu_edmonds
    from stanza.models.depparse import model
    from stanza.models.ner import trainer

    from stanza.models.common import data, vocab

    _ORIGINALS.update(tarjan=chuliu_edmonds.tarjan, model_one_root=model.chuliu_edmonds_one_root,
                      viterbi=trainer.viterbi_decode, long_tensor=data.get_long_tensor,
                      id2unit=vocab.CompositeVocab.id2unit)
    vocab.CompositeVocab.id2unit = composite_id2unit
    chuliu_edmonds.tarjan = tarjan          # used by Stanza's own search, for the sentences that need it
    model.chuliu_edmonds_one_root = chuliu_edmonds_one_root
    trainer.viterbi_decode = viterbi_decode
    for name in _LONG_TENSOR_USERS:
        module = importlib.import_module(name)
        if getattr(module, "get_long_tensor", None) is data.get_long_tensor:
            module.get_long_tensor = get_long_tensor


def restore() -> None:
    """Put Stanza's own functions back."""
    if not _ORIGINALS:
        return
    from stanza.models.common import chuliu_edmonds
    from stanza.models.depparse import model
    from stanza.models.ner import trainer

    from stanza.models.common import vocab

    vocab.CompositeVocab.id2unit = _ORIGINALS["id2unit"]
    chuliu_edmonds.tarjan = _ORIGINALS["tarjan"]
    model.chuliu_edmonds_one_root = _ORIGINALS["model_one_root"]
    trainer.viterbi_decode = _ORIGINALS["viterbi"]
    for name in _LONG_TENSOR_USERS:
        module = importlib.import_module(name)
        if getattr(module, "get_long_tensor", None) is get_long_tensor:
            module.get_long_tensor = _ORIGINALS["long_tensor"]
    _ORIGINALS.clear()
