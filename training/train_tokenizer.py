"""Train the bundled Stanza tokenizer (tokens + sentences) on UD English EWT + GUM.

The run is split into stages; each one is skipped when its outputs are already
up to date, so the command can simply be run again after an interruption:

1. prepare  - split GUM by document, split clitics off multi-word tokens, give
              part of the text news-style punctuation, and write Stanza's inputs
              (`conllu_to_text` + `prepare_tokenizer_data`).
2. train    - Stanza's tokenizer trainer (the loop of `stanza.models.tokenizer`)
              in chunks of steps, with a full checkpoint after every chunk.
3. install  - copy the best checkpoint, stripped of local paths, to
              `quotes/models/en_tokenizer.pt`.
4. evaluate - tokenise held-out test text with
              `python -m stanza.models.tokenizer --mode predict` and score it
              with the UD evaluator (token / sentence F1).

Why the training loop is driven from here rather than by
`python -m stanza.models.tokenizer --mode train`: in Stanza 1.15 that command
cannot resume (`--load_name` calls `Trainer.load` with the wrong arguments and
would not rebuild the optimiser) and it saves no optimiser state. The loop below
uses the same Stanza classes, defaults and update rule, and adds checkpoints.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .common import DEFAULT_DATA, MODELS_DIR, REPO, fingerprint, gum_split, install_model, load_checkpoint, save_atomic, save_trainer, stamped
from .conllu import Sentence, is_word, read_conllu, set_space_after, set_text_comment, space_after, write_conllu

DEFAULT_WORK = REPO / "training" / "work" / "tokenizer"
MODEL_OUT = MODELS_DIR / "en_tokenizer.pt"

SEED = 1234
# Bump when the prepared data would change, so old work files are rebuilt.
PREPARE_VERSION = 7

# Share of paragraphs rewritten in each punctuation style. EWT and most of GUM
# use straight quotes; news text uses curly quotes or NYT's doubled apostrophes.
STYLE_WEIGHTS = {"plain": 0.35, "curly": 0.40, "nyt": 0.25}
# Share of double quote marks that get a single quote nested inside them.
NEST_PROB = 0.3

log = logging.getLogger("train_tokenizer")


# --------------------------------------------------------------------------
# Multi-word tokens
# --------------------------------------------------------------------------

CLITIC_STARTS = ("'", "’", "n't", "n’t", "N'T", "N’T")


def fuse_mwts_without_clitics(sentence: Sentence) -> Sentence:
    """Keep "gonna", "cannot", "dont" as one token; only clitics ('s, n't, 'll) split off.

    Split into words, EWT's "gonna" teaches the tokenizer to cut "-na" off any
    word ("Donna" became "Don" + "na", measured); a fused token is what a
    reader of news wants for them. The fused row keeps the first word's columns,
    and heads (basic and enhanced) that pointed into the fused words now point
    to it, so the sentence stays a tree the UD evaluator accepts.
    """
    fused: dict[int, list[str]] = {}        # first word id -> range row
    span_heads: dict[int, list[str]] = {}   # first word id -> heads of all its words
    for row in sentence.rows:
        if "-" in row[0]:
            first, last = (int(x) for x in row[0].split("-"))
            words = [r for r in sentence.rows if is_word(r) and first < int(r[0]) <= last]
            if words and not any(w[1].startswith(CLITIC_STARTS) for w in words):
                fused[first] = row
                span_heads[first] = [r[6] for r in sentence.rows if is_word(r) and first <= int(r[0]) <= last]
    if not fused:
        return sentence
    new_id: dict[str, str] = {"0": "0"}
    rows: list[list[str]] = []
    heads: dict[int, list[str]] = {}        # index in rows -> candidate old heads, best first
    words = 0
    skip_until = 0
    for row in sentence.rows:
        if "-" in row[0] and int(row[0].split("-")[0]) in fused:
            continue
        if is_word(row):
            word_id = int(row[0])
            if word_id <= skip_until:
                new_id[row[0]] = str(words)      # a fused-away word: heads point to the fused token
                continue
            row = list(row)
            heads[len(rows)] = [row[6]]
            if word_id in fused:
                span = fused[word_id]
                skip_until = int(span[0].split("-")[1])
                row[1], row[9] = span[1], span[9]
                heads[len(rows)] = span_heads[word_id]
            words += 1
            new_id[row[0]] = str(words)
        rows.append(row)
    for index, row in enumerate(rows):
        if is_word(row):
            own = new_id[row[0]]
            # The first head that leaves the fused span (a head inside it would be a self-loop).
            mapped = [new_id.get(h, "0") for h in heads[index]]
            row[6] = next((h for h in mapped if h != own), "0")
            deps = [(new_id.get(h, h), rel) for h, rel in
                    (d.split(":", 1) for d in row[8].split("|") if ":" in d)] if row[8] != "_" else []
            deps = [f"{h}:{rel}" for h, rel in deps if h != own]
            row[8] = "|".join(dict.fromkeys(deps)) or f"{row[6]}:{row[7]}"
            row[0] = own
        elif "-" in row[0]:
            first, last = row[0].split("-")
            row[0] = f"{new_id[first]}-{new_id[last]}"
    return Sentence(list(sentence.comments), rows)


def flatten_mwts(sentence: Sentence) -> Sentence:
    """Turn every multi-word token into its words, glued by SpaceAfter=No.

    UD English 2.16 writes "don't" and "Chicago's" as multi-word tokens. Stanza
    then needs a separate MWT model to get at the words. Every such token in
    EWT and GUM is exactly the concatenation of its words, so splitting it into
    word tokens ("do" + "n't", "Chicago" + "'s") loses nothing, keeps offsets
    exact and lets later POS / NER / parser models read words = tokens.
    """
    ranges: dict[int, tuple[int, bool]] = {}   # first word id -> (last id, space after)
    for row in sentence.rows:
        if "-" in row[0]:
            first, last = (int(x) for x in row[0].split("-"))
            ranges[first] = (last, space_after(row))
    if not ranges:
        return sentence
    rows: list[list[str]] = []
    open_range: tuple[int, bool] | None = None
    for row in sentence.rows:
        if "-" in row[0]:
            continue
        row = list(row)
        if is_word(row):
            word_id = int(row[0])
            if word_id in ranges:
                open_range = ranges[word_id]
            if open_range is not None:
                last, space = open_range
                set_space_after(row, space if word_id == last else False)
                if word_id == last:
                    open_range = None
        rows.append(row)
    return Sentence(list(sentence.comments), rows)


# --------------------------------------------------------------------------
# News-style punctuation
# --------------------------------------------------------------------------

def paragraphs(sentences: list[Sentence]) -> list[list[Sentence]]:
    """Group sentences into paragraphs (`# newpar` / `# newdoc` start one)."""
    groups: list[list[Sentence]] = []
    for sentence in sentences:
        starts = any(c.startswith(("# newpar", "# newdoc")) for c in sentence.comments)
        if starts or not groups:
            groups.append([])
        groups[-1].append(sentence)
    return groups


def _opens(space_before: bool, space_after_: bool, is_open: bool) -> bool:
    """Whether a straight quote mark opens a quote.

    Gold spacing decides it (`"Yes` opens, `yes"` closes); when the mark is
    glued on both sides or on neither ("yes",), the mark toggles the state.
    """
    if space_before and not space_after_:
        return True
    if space_after_ and not space_before:
        return False
    return not is_open


def _is_dash(form: str, space_before: bool, space_after_: bool) -> bool:
    """A dash used as punctuation ("--", "–", or a hyphen spaced both sides)."""
    if form in ("--", "–"):
        return True
    return form == "-" and space_before and space_after_


def restyle_paragraph(paragraph: list[Sentence], style: str, rng: random.Random) -> None:
    """Rewrite the quote marks, apostrophes and dashes of a paragraph in place.

    Only word forms and SpaceAfter marks change (plus the odd inserted nested
    quote mark); `conllu_to_text` builds the raw text from exactly these, so
    characters and labels stay aligned.
    """
    tokens = [(s, row) for s in paragraph for row in s.rows if is_word(row)]
    double_open = single_open = False
    doubles: list[tuple[int, bool]] = []   # token index, opens
    changed: set[int] = set()
    for i, (sentence, row) in enumerate(tokens):
        form = row[1]
        before = i == 0 or space_after(tokens[i - 1][1])
        after = i == len(tokens) - 1 or space_after(row)
        new = form
        if form == '"':
            double_open = _opens(before, after, double_open)
            doubles.append((i, double_open))
            if style == "curly":
                new = "“" if double_open else "”"
            elif style == "nyt":
                new = "''"          # NYT writes '' for opening and closing
        elif style == "plain":
            pass
        elif form == "'" and style == "curly":
            single_open = _opens(before, after, single_open)
            new = "‘" if single_open else "’"
        elif "'" in form and style == "curly" and any(ch.isalnum() for ch in form):
            new = form.replace("'", "’")   # n't, 's, O'Brien, '90s
        elif _is_dash(form, before, after):
            new = "—"
            # Some outlets close up em dashes ("troops—and"); teach both.
            inside = 0 < i < len(tokens) - 1 and tokens[i - 1][0] is sentence is tokens[i + 1][0]
            if style == "curly" and before and after and inside and rng.random() < 0.5:
                set_space_after(tokens[i - 1][1], False)
                set_space_after(row, False)
                changed.add(id(tokens[i - 1][0]))
        if new != form:
            row[1] = new
            changed.add(id(sentence))
    for i, opens in doubles:
        if rng.random() < NEST_PROB and _nest_quote(tokens, i, opens, style, rng):
            changed.add(id(tokens[i][0]))
    for sentence in paragraph:
        if id(sentence) in changed:
            set_text_comment(sentence)


def _nest_quote(tokens: list[tuple[Sentence, list[str]]], i: int, opens: bool, style: str,
                rng: random.Random) -> bool:
    """Glue a single quote mark inside the double one at tokens[i].

    Gives “‘Word and word,’” (NYT: '''Word and word,''' ). EWT and GUM hardly
    ever nest quotes, but news does (you called ‘miracles,’” she said), and
    the tokenizer must split the marks.
    """
    sentence, row = tokens[i]
    if not all(is_word(r) for r in sentence.rows):
        return False        # renumbering around empty nodes is not worth it
    if opens:
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if space_after(row) or nxt is None or nxt[0] is not sentence or not nxt[1][1][0].isalnum():
            return False
        insert_word(sentence, row, "‘" if style == "curly" else "'", before=False, xpos="``")
    else:
        prev = tokens[i - 1] if i > 0 else None
        if prev is None or prev[0] is not sentence or prev[1][1] not in (",", ".", "?", "!") or space_after(prev[1]):
            return False
        # Outlets mixing straight and curly marks write ,'” too.
        mark = rng.choice(["’", "’", "'"]) if style == "curly" else "'"
        insert_word(sentence, row, mark, before=True, xpos="''")
    return True


def insert_word(sentence: Sentence, anchor: list[str], form: str, before: bool, xpos: str) -> None:
    """Insert a punctuation word glued to `anchor`, renumbering ids and heads.

    The new word attaches where the anchor does, so the sentence stays a
    valid tree for the UD evaluator.
    """
    new_id = int(anchor[0]) + (0 if before else 1)

    def shift(ref: str) -> str:
        return str(int(ref) + 1) if ref.isdigit() and int(ref) >= new_id else ref

    for row in sentence.rows:
        row[0], row[6] = shift(row[0]), shift(row[6])
        if row[8] != "_":
            row[8] = "|".join(shift(h) + ":" + rel for h, rel in (d.split(":", 1) for d in row[8].split("|")))
    head = anchor[6]
    new = [str(new_id), form, form, "PUNCT", xpos, "_", head, "punct",
           f"{head}:punct" if head.isdigit() else "_", "SpaceAfter=No"]
    position = next(k for k, r in enumerate(sentence.rows) if r is anchor)
    sentence.rows.insert(position if before else position + 1, new)


def restyle(sentences: list[Sentence], rng: random.Random) -> dict[str, int]:
    """Give each paragraph a punctuation style drawn from STYLE_WEIGHTS."""
    styles, weights = zip(*STYLE_WEIGHTS.items())
    counts = dict.fromkeys(styles, 0)
    for paragraph in paragraphs(sentences):
        style = rng.choices(styles, weights)[0]
        counts[style] += 1
        restyle_paragraph(paragraph, style, rng)
    return counts


# --------------------------------------------------------------------------
# Stage 1: prepare
# --------------------------------------------------------------------------

def ewt_file(data: Path, part: str) -> Path:
    path = data / "ud-ewt" / f"en_ewt-ud-{part}.conllu"
    if not path.exists():
        raise SystemExit(f"missing {path}")
    return path


def load(paths: list[Path]) -> list[Sentence]:
    """Read and flatten the sentences of several CoNLL-U files, in order."""
    return [flatten_mwts(fuse_mwts_without_clitics(s)) for path in paths for s in read_conllu(path)]


def input_files(data: Path) -> dict[str, list[Path]]:
    """The source files of every prepared set."""
    gum = gum_split(data / "gum")
    return {
        "train": [ewt_file(data, "train"), *gum["train"]],
        "dev": [ewt_file(data, "dev"), *gum["dev"]],
        "ewt-test": [ewt_file(data, "test")],
        "gum-test": gum["test"],
        "test-news": [ewt_file(data, "test"), *gum["test"]],
    }


def prepare(data: Path, work: Path) -> None:
    """Write <set>.gold.conllu / .txt / .toklabels / -mwt.json for every set.

    The train and dev sets and `test-news` get news-style punctuation; the
    plain test sets are left as annotated.
    """
    from stanza.utils.datasets import prepare_tokenizer_data
    from stanza.utils.datasets.conllu_to_text import convert_text

    files = input_files(data)
    key = fingerprint(files, {"version": PREPARE_VERSION, "seed": SEED, "styles": STYLE_WEIGHTS})
    stamp = work / "data" / "prepared.json"
    if stamped(stamp, key):
        log.info("prepare: up to date (%s)", stamp)
        return
    out = work / "data"
    out.mkdir(parents=True, exist_ok=True)
    summary = {}
    for name, paths in files.items():
        sentences = load(paths)
        styles = None
        if name in ("train", "dev", "test-news"):
            styles = restyle(sentences, random.Random(f"{SEED}:{name}"))
        gold = out / f"{name}.gold.conllu"
        write_conllu(sentences, gold)
        convert_text(str(gold), str(out / f"{name}.txt"))
        prepare_tokenizer_data.main([str(out / f"{name}.txt"), str(gold),
                                     "-o", str(out / f"{name}.toklabels"),
                                     "-m", str(out / f"{name}-mwt.json")])
        summary[name] = {"files": len(paths), "sentences": len(sentences), "paragraph_styles": styles}
        log.info("prepare: %s: %d files, %d sentences, styles %s", name, len(paths), len(sentences), styles)
    stamp.write_text(json.dumps({"key": key, "sets": summary}, indent=2))


def training_data_key(work: Path) -> str:
    """A hash of exactly what training reads, so changes that only touch the
    test sets or the gold CoNLL-U do not throw a checkpoint away."""
    h = hashlib.sha256()
    for name in ("train.txt", "train.toklabels", "train-mwt.json", "dev.txt", "dev.toklabels"):
        h.update((work / "data" / name).read_bytes())
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------
# Stage 2: train
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class TrainConfig:
    steps: int = 4000          # total optimiser steps
    chunk: int = 250           # steps between checkpoints and dev evaluations
    batch_size: int = 32
    seed: int = SEED
    # One thread: the model is tiny, and two torch processes each running two
    # threads on two cores slowed training about tenfold in measurements here.
    threads: int = 1


def stanza_args(work: Path, config: TrainConfig) -> dict:
    """Stanza's own tokenizer defaults, with our files and settings."""
    from stanza.models import tokenizer

    data = work / "data"
    args = tokenizer.parse_args([
        "--lang", "en", "--shorthand", "en_quotes", "--cpu",
        "--txt_file", str(data / "train.txt"), "--label_file", str(data / "train.toklabels"),
        "--mwt_json_file", str(data / "train-mwt.json"),
        "--dev_txt_file", str(data / "dev.txt"), "--dev_label_file", str(data / "dev.toklabels"),
        "--batch_size", str(config.batch_size), "--steps", str(config.steps),
        "--eval_steps", str(config.chunk), "--seed", str(config.seed),
        "--save_dir", str(work), "--save_name", "best.pt",
    ])
    args["feat_funcs"] = list(tokenizer.DEFAULT_FEAT_FUNCS)
    args["feat_dim"] = len(args["feat_funcs"])
    args["num_dict_feat"] = 0     # no dictionary features for English
    args["save_name"] = str(work / "best.pt")
    return args


def _reset_order(loader, original: list[list]) -> None:
    """Put the training sentences back in their original order.

    Stanza's loader shuffles sentences in place; restoring the order and
    reseeding at every chunk start makes a resumed run identical to an
    uninterrupted one.
    """
    loader.sentences = [list(p) for p in original]
    loader.init_sent_ids()


def train(work: Path, data_key: str, config: TrainConfig) -> dict:
    """Train in chunks; resume from work/checkpoint.pt when it matches this run."""
    import torch
    from stanza.models.common import utils
    from stanza.models.tokenization.data import DataLoader, TokenizationDataset
    from stanza.models.tokenization.trainer import Trainer
    from stanza.models.tokenization.utils import eval_model, load_mwt_dict

    # The number of steps is not part of the key, so a finished run can be extended.
    run_key = (f"{data_key}:chunk={config.chunk}:batch={config.batch_size}:seed={config.seed}"
               f":threads={config.threads}")
    checkpoint_path = work / "checkpoint.pt"
    state, finished = load_checkpoint(checkpoint_path, run_key, config.steps, log)
    if finished:
        return state

    torch.set_num_threads(config.threads)
    args = stanza_args(work, config)
    utils.set_random_seed(config.seed)
    mwt_dict = load_mwt_dict(args["mwt_json_file"])
    loader = DataLoader(args, input_files={"txt": args["txt_file"], "label": args["label_file"]},
                        dictionary=None, mwt_expansions={k: v[0] for k, v in mwt_dict.items()})
    args["vocab_size"] = len(loader.vocab)
    args["use_mwt"] = loader.has_mwt()   # False: the data has no multi-word tokens left
    dev = TokenizationDataset(args, input_files={"txt": args["dev_txt_file"], "label": args["dev_label_file"]},
                              vocab=loader.vocab, evaluation=True, dictionary=None)
    trainer = Trainer(args=args, vocab=loader.vocab, lexicon=None, dictionary=None,
                      device="cpu", foundation_cache=None, external_dict=None)
    original_order = [list(p) for p in loader.sentences]

    if state is None:
        state = {"run_key": run_key, "step": 0, "lr": args["lr0"], "prev_dev": -1.0,
                 "best_dev": -1.0, "best_step": -1, "seconds": 0.0, "history": []}
    else:
        trainer.model.load_state_dict(state["model"])
        trainer.optimizer.load_state_dict(state["optimizer"])
        log.info("train: resuming at step %d", state["step"])
    trainer.change_lr(state["lr"])

    while state["step"] < config.steps:
        started = time.monotonic()
        chunk_index = state["step"] // config.chunk
        utils.set_random_seed(config.seed + chunk_index)
        _reset_order(loader, original_order)
        loader.shuffle()
        end = min(state["step"] + config.chunk, config.steps)
        losses = []
        for step in range(state["step"] + 1, end + 1):
            batch = loader.next(unit_dropout=args["unit_dropout"], feat_unit_dropout=args["feat_unit_dropout"])
            losses.append(trainer.update(batch))
            if step % args["shuffle_steps"] == 0:
                loader.shuffle()
        dev_score = eval_model(args, trainer, dev, loader.vocab, mwt_dict)
        _after_chunk(state, trainer, args, end, dev_score, sum(losses) / len(losses), time.monotonic() - started)
        state["model"] = trainer.model.state_dict()
        state["optimizer"] = trainer.optimizer.state_dict()
        save_atomic(state, checkpoint_path)
    return state


def _after_chunk(state: dict, trainer, args: dict, step: int, dev_score: float, loss: float, seconds: float) -> None:
    """Stanza's bookkeeping after a dev evaluation: anneal, keep the best model."""
    if step >= args["anneal_after"] and dev_score < state["prev_dev"]:
        state["lr"] *= args["anneal"]
        trainer.change_lr(state["lr"])
    state["prev_dev"] = dev_score
    best = dev_score > state["best_dev"]
    if best:
        state["best_dev"], state["best_step"] = dev_score, step
        save_trainer(trainer, Path(args["save_name"]))
    state["step"] = step
    state["seconds"] += seconds
    state["history"].append({"step": step, "loss": round(loss, 4), "dev": round(dev_score, 5), "seconds": round(seconds, 1)})
    log.info("train: step %d/%d  loss %.4f  dev %.4f%s  (%.0f s)", step, args["steps"], loss, dev_score,
             "  best" if best else "", seconds)


# --------------------------------------------------------------------------
# Stage 3: install
# --------------------------------------------------------------------------

# Config entries that only name files on the training machine.
_LOCAL_KEYS = ("txt_file", "label_file", "mwt_json_file", "conll_file", "dev_txt_file",
               "dev_label_file", "dev_conll_gold", "save_dir", "save_name", "load_name",
               "charlm_forward_file", "external_dict", "wandb_name")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def install(work: Path, target: Path = MODEL_OUT) -> Path:
    """Copy the best checkpoint to the package without paths from this machine."""
    return install_model(work / "best.pt", target, _LOCAL_KEYS, log)


# --------------------------------------------------------------------------
# Stage 4: evaluate
# --------------------------------------------------------------------------

EVAL_SETS = ("ewt-test", "gum-test", "test-news")
QUOTE_MARKS = {'"', "“", "”", "‘", "’", "'", "''", "``"}


def predict(work: Path, model: Path, name: str) -> Path:
    """Tokenise a test text with Stanza's own command line."""
    data = work / "data"
    pred = work / "eval" / f"{name}.pred.conllu"
    pred.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "stanza.models.tokenizer", "--mode", "predict", "--cpu",
                    "--lang", "en", "--shorthand", "en_quotes",
                    "--txt_file", str(data / f"{name}.txt"), "--conll_file", str(pred),
                    "--load_name", str(model), "--save_dir", str(work / "eval")],
                   check=True, capture_output=True, text=True,
                   env={**os.environ, "OMP_NUM_THREADS": "1"})   # see TrainConfig.threads
    return pred


def score(gold: Path, pred: Path) -> dict:
    """Token and sentence F1 from the UD evaluator, plus quote-mark recall."""
    from stanza.models.common.utils import ud_scores

    evaluation = ud_scores(str(gold), str(pred))
    result = {metric: round(evaluation[metric].f1 * 100, 2) for metric in ("Tokens", "Sentences")}
    result.update(_quote_mark_recall(gold, pred))
    return result


def _token_spans(path: Path) -> tuple[set[tuple[int, int]], list[tuple[int, int]]]:
    """Spans of all tokens, and of quote-mark tokens, in non-space characters."""
    spans, quotes, offset = set(), [], 0
    for sentence in read_conllu(path):
        for row in sentence.rows:
            if not is_word(row):
                continue
            form = "".join(row[1].split())
            span = (offset, offset + len(form))
            spans.add(span)
            if row[1] in QUOTE_MARKS:
                quotes.append(span)
            offset += len(form)
    return spans, quotes


def _quote_mark_recall(gold: Path, pred: Path) -> dict:
    """How many gold quote-mark tokens come out as tokens of their own."""
    _, gold_quotes = _token_spans(gold)
    pred_spans, _ = _token_spans(pred)
    found = sum(span in pred_spans for span in gold_quotes)
    return {"quote_marks": len(gold_quotes),
            "quote_mark_recall": round(100 * found / len(gold_quotes), 2) if gold_quotes else None}


def evaluate(work: Path, model: Path = MODEL_OUT) -> dict:
    """Score the installed model on every test set and on EWT + GUM test together."""
    data = work / "data"
    stamp = work / "eval" / "scored.json"
    key = {"model": _sha256(model), "gold": [_sha256(data / f"{n}.gold.conllu") for n in EVAL_SETS]}
    if stamp.exists() and (work / "scores.json").exists() and json.loads(stamp.read_text()) == key:
        log.info("evaluate: up to date (%s)", work / "scores.json")
        return json.loads((work / "scores.json").read_text())
    results, golds, preds = {}, [], []
    for name in EVAL_SETS:
        pred = predict(work, model, name)
        results[name] = score(data / f"{name}.gold.conllu", pred)
        if name != "test-news":
            golds.append(data / f"{name}.gold.conllu")
            preds.append(pred)
    both_gold, both_pred = work / "eval" / "test.gold.conllu", work / "eval" / "test.pred.conllu"
    for parts, target in ((golds, both_gold), (preds, both_pred)):
        target.write_text("".join(p.read_text(encoding="utf-8") for p in parts), encoding="utf-8")
    results["test"] = score(both_gold, both_pred)
    (work / "scores.json").write_text(json.dumps(results, indent=2))
    stamp.write_text(json.dumps(key))
    for name, result in results.items():
        log.info("evaluate: %-9s %s", name, result)
    return results


# --------------------------------------------------------------------------

def run(data: Path = DEFAULT_DATA, work: Path = DEFAULT_WORK, config: TrainConfig = TrainConfig()) -> dict:
    """All four stages; returns the test scores."""
    work.mkdir(parents=True, exist_ok=True)
    prepare(data, work)
    state = train(work, training_data_key(work), config)
    model = install(work)
    scores = evaluate(work, model)
    summary = {"steps": state["step"], "best_step": state["best_step"], "best_dev": state["best_dev"],
               "train_seconds": round(state["seconds"], 1), "model_bytes": model.stat().st_size,
               "scores": scores}
    (work / "summary.json").write_text(json.dumps(summary, indent=2))
    log.info("tokenizer: %s", json.dumps(summary))
    return summary
