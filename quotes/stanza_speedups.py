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
6. The parser scores every relation label for every pair of words (a words x words x 54
   tensor per sentence), takes its log-softmax and copies it out, but reads the labels of the
   chosen arcs only, and the whole table only to repair a head with two subjects or two
   objects. Here the arcs are decoded first and the labels scored for the chosen arcs; a
   sentence with such a head gets its whole table, computed as Stanza computes it, and
   Stanza's own repair. The pairwise bilinear products are one matrix product and one batched
   product instead of two einsums that copy their operands.

They are in place only inside `active()`, which quotes.nlp enters around its own pipeline calls:
any other Stanza pipeline in the process runs Stanza's own code. `QUOTES_STANZA_SPEEDUPS=0` turns
them off; with a Stanza they were not written for (see STANZA_VERSIONS), they stay off and one
line on stderr says so (quotes.patching).

Why a with block rather than a Stanza processor variant (`register_processor_variant`), which
would touch nothing outside quotes' pipeline: a variant replaces a processor's whole `process`,
and four of the replaced functions (the tree search's `tarjan`, the parser's
`chuliu_edmonds_one_root`, NER's `viterbi_decode`, `get_long_tensor`) are module functions that
Stanza's data loaders, trainers and models look up at call time. A variant would have to carry
copies of those Stanza classes to reach them, and follow every Stanza release; the table below
replaces the functions alone, and only for the versions it names.
"""
from __future__ import annotations

import numpy as np
import torch

from .patching import Patch, PatchSet

# The Stanza releases whose internals these replace, as setup.cfg pins them: from, up to (excluded).
STANZA_VERSIONS = ("1.15", "1.16")
SWITCH = "QUOTES_STANZA_SPEEDUPS"


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
    sizes = []
    x = tokens_list
    while isinstance(x[0], list):       # the same shape test as Stanza's
        sizes.append(max(len(y) for y in x))
        x = [z for y in x for z in y]
    if len(sizes) != 1:
        from stanza.models.common import data      # never replaced: Stanza's own
        return data.get_long_tensor(tokens_list, batch_size, pad_id)
    out = np.full((batch_size, sizes[0]), pad_id, dtype=np.int64)
    for i, row in enumerate(tokens_list):
        out[i, :len(row)] = row
    return torch.from_numpy(out)


def composite_id2unit(self, id):
    """Stanza's CompositeVocab.id2unit (a tagger's XPOS or UFeats ids back to 'Number=Sing|…'),
    remembered per vocabulary and ids: a tagged corpus has a few hundred combinations, and Stanza
    formats each of them again for every word. Only the joined string is remembered (a vocabulary
    without a separator returns a list, which a caller could change)."""
    original = SPEEDUPS.original("stanza.models.common.vocab:CompositeVocab", "id2unit")
    if self.sep is None:
        return original(self, id)
    cache = self.__dict__.setdefault("_quotes_id2unit", {})
    key = tuple(id) if isinstance(id, (list, tuple, np.ndarray)) else id
    found = cache.get(key)
    if found is None:
        found = cache[key] = original(self, id)
    return found


def weight_by_output(weight: torch.Tensor, left: int, output: int, right: int) -> torch.Tensor:
    """A bilinear weight laid out as I x (O*J), I, O and J being its dimensions numbered left,
    output and right: rows of left-side states times it give, per row, O x J products to finish
    with a right-side state. Torch's einsum and nn.Bilinear copy their operands, and the backward
    of nn.Bilinear's kernel loops over the outputs; two matrix products do neither. (Shared with
    training/syntax_patch.py.)"""
    return weight.permute(left, output, right).reshape(weight.size(left), -1)


def bilinear_rows(left: torch.Tensor, weight: torch.Tensor, right: torch.Tensor) -> torch.Tensor:
    """y[n, o] = sum_ij left[n, i] W[i, o, j] right[n, j] for N x I and N x J rows, the weight W
    laid out by weight_by_output: one matrix product, then one batched one."""
    outputs = weight.size(1) // right.size(1)
    return (left @ weight).view(-1, outputs, right.size(1)).bmm(right.unsqueeze(2)).squeeze(2)


def pairwise_bilinear(self, input1, input2):
    """Stanza's PairwiseBilinear.forward (N x L x I and N x M x J to N x L x M x O scores): one
    matrix product, then one batched product, the same sums as Stanza's two einsums without
    their copies of the operands."""
    n, length, i_size = input1.shape
    m, out = input2.shape[1], self.output_size
    inner = (input1.reshape(n * length, i_size) @ weight_by_output(self.weight, 0, 2, 1)).view(n, length * out, -1)
    scores = inner.bmm(input2.transpose(1, 2)).view(n, length, out, m).permute(0, 1, 3, 2)
    return scores + self.bias


# Tokens whose label scores are computed at once: the I x (O*J) product of 512 tokens is 18 MB.
LABEL_CHUNK = 512


def with_ones(x: torch.Tensor) -> torch.Tensor:
    """x with a column of ones appended, as Stanza's biaffine scorers extend their inputs (the
    bias row of their weight). (Shared with training/syntax_patch.py.)"""
    return torch.cat([x, x.new_ones(*x.shape[:-1], 1)], -1)


def graph_parser_predict(self, word, word_mask, wordchars, wordchars_mask, upos, xpos, ufeats, pretrained,
                         lemma, head, deprel, word_orig_idx, sentlens, wordlens, text,
                         resolve_head_constraints=False):
    """Stanza's GraphParser.predict: the arc scores and tree as Stanza makes them; the labels
    scored for the chosen arcs only (see 6 above)."""
    if self.training or self.args.get("use_arc_embedding"):
        original = SPEEDUPS.original("stanza.models.depparse.model:GraphParser", "predict")
        return original(self, word, word_mask, wordchars, wordchars_mask, upos, xpos, ufeats, pretrained, lemma,
                        head, deprel, word_orig_idx, sentlens, wordlens, text,
                        resolve_head_constraints=resolve_head_constraints)
    from stanza.models.common.vocab import VOCAB_PREFIX_SIZE
    from stanza.models.depparse import head_constraints, model

    hidden = self.embed(word, word_mask, wordchars, wordchars_mask, upos, xpos, ufeats, pretrained, lemma,
                        head, deprel, word_orig_idx, sentlens, wordlens, text)
    arc_scores = _arc_scores(self, hidden, word, head)
    trees = [model.chuliu_edmonds_one_root(arc_scores[i][:n, :n]) for i, n in enumerate(sentlens)]
    dep_states, head_states, best = _chosen_labels(self.deprel, hidden, trees)

    vocab = self.vocab["deprel"]
    results = []
    for i, (n, tree) in enumerate(zip(sentlens, trees)):
        raw_ids = best[i, 1:n].tolist()
        relations = vocab.unmap([r + VOCAB_PREFIX_SIZE for r in raw_ids])
        if resolve_head_constraints and head_constraints.find_head_constraint_violations(tree, relations):
            table = _label_table(self.deprel, dep_states[i:i + 1, :n], head_states[i:i + 1, :n])
            tree, raw_ids = model.resolve_head_constraint_violations(arc_scores[i][:n, :n], table, tree, vocab)
            relations = vocab.unmap([r + VOCAB_PREFIX_SIZE for r in raw_ids])
        results.append([[tree[j + 1], relations[j]] for j in range(n - 1)])
    return results


def _arc_scores(parser, hidden: torch.Tensor, word: torch.Tensor, head: torch.Tensor) -> np.ndarray:
    """GraphParser.forward_scores without its label scorer (dropout is off in eval), as a
    log-softmax over heads: sentences x words x words, the root included."""
    from torch.nn import functional as F

    arcs = parser.unlabeled(hidden, hidden).squeeze(3)
    if parser.args["linearization"] or parser.args["distance"]:
        positions = torch.arange(word.size(1), device=head.device)
        offset = positions.view(1, 1, -1).expand(word.size(0), -1, -1) - positions.view(1, -1, 1).expand(word.size(0), -1, -1)
    if parser.args["linearization"]:
        linear = parser.linearization(hidden, hidden).squeeze(3)
        arcs += F.logsigmoid(linear * torch.sign(offset).float())
    if parser.args["distance"]:
        predicted = 1 + F.softplus(parser.distance(hidden, hidden).squeeze(3))
        arcs += -torch.log((torch.abs(offset).float() - predicted) ** 2 / 2 + 1)
    arcs.masked_fill_(torch.eye(head.size(-1) + 1, dtype=torch.bool, device=head.device).unsqueeze(0), -float("inf"))
    return F.log_softmax(arcs, 2).numpy()


def _chosen_labels(scorer, hidden: torch.Tensor, trees: list[np.ndarray]):
    """The deep biaffine label scorer's two layers (dependent and head states, each with its
    ones column), and per token the best label of the arc to its chosen head:
    argmax_o sum_ij dep_i W_ijo head_j + b_o, with head the state of the token's chosen head."""
    dep_states = with_ones(scorer.hidden_func(scorer.W1(hidden)))
    head_states = with_ones(scorer.hidden_func(scorer.W2(hidden)))
    bilinear = scorer.scorer.W_bilin
    i_size, j_size, out = bilinear.weight.shape
    weight = weight_by_output(bilinear.weight, 0, 2, 1)
    heads = np.zeros(tuple(hidden.shape[:2]), dtype=np.int64)      # sentences x words, the root included
    for i, tree in enumerate(trees):
        heads[i, :len(tree)] = tree
    chosen = torch.gather(head_states, 1, torch.from_numpy(heads).unsqueeze(2).expand(-1, -1, j_size))
    flat_dep, flat_head = dep_states.reshape(-1, i_size), chosen.reshape(-1, j_size)
    labels = torch.empty(flat_dep.size(0), out)
    for start in range(0, flat_dep.size(0), LABEL_CHUNK):
        stop = start + LABEL_CHUNK
        labels[start:stop] = bilinear_rows(flat_dep[start:stop], weight, flat_head[start:stop])
    best = (labels + bilinear.bias).argmax(1).view(len(trees), -1).numpy()
    return dep_states, head_states, best


def _label_table(scorer, dep_states: torch.Tensor, head_states: torch.Tensor) -> np.ndarray:
    """One sentence's whole label table (length x length x labels), log-softmaxed, as Stanza
    computes it for its repair of a head with two subjects or objects."""
    from torch.nn import functional as F

    table = scorer.scorer.W_bilin(dep_states, head_states)
    return F.log_softmax(table, 3)[0].numpy()


# The modules that import get_long_tensor by name, for the tagger, parser and NER.
_LONG_TENSOR_USERS = ("stanza.models.ner.data", "stanza.models.ner.model", "stanza.models.pos.data",
                      "stanza.models.depparse.data", "stanza.models.common.char_model")

SPEEDUPS = PatchSet("Stanza speedups", (
    Patch("stanza.models.depparse.model:GraphParser", "predict", graph_parser_predict, STANZA_VERSIONS),
    Patch("stanza.models.common.biaffine:PairwiseBilinear", "forward", pairwise_bilinear, STANZA_VERSIONS),
    Patch("stanza.models.common.vocab:CompositeVocab", "id2unit", composite_id2unit, STANZA_VERSIONS),
    # used by Stanza's own search, for the sentences that need it
    Patch("stanza.models.common.chuliu_edmonds", "tarjan", tarjan, STANZA_VERSIONS),
    Patch("stanza.models.depparse.model", "chuliu_edmonds_one_root", chuliu_edmonds_one_root, STANZA_VERSIONS),
    Patch("stanza.models.ner.trainer", "viterbi_decode", viterbi_decode, STANZA_VERSIONS),
    *(Patch(module, "get_long_tensor", get_long_tensor, STANZA_VERSIONS) for module in _LONG_TENSOR_USERS),
), switch=SWITCH)


def active():
    """A with block in which Stanza runs these replacements (unless switched off or not written
    for this Stanza); it yields whether they are in place."""
    return SPEEDUPS.active()
