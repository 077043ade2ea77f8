"""Train the bundled Stanza POS tagger and dependency parser on UD English EWT + GUM.

    python training/train.py --only pos --only depparse   # as steps of all models
    python training/train_syntax.py                       # both models, then the evaluation
    python training/train_syntax.py --only tagger --steps 300 --run probe   # a try-out run
    python training/train_syntax.py --install             # also copy them into quotes/models/

The run is split into stages; each one is skipped when its outputs are already up to date, so
the command can simply be run again after an interruption:

1. prepare  - EWT keeps its train/dev/test split; GUM is split by document as for the
              tokenizer (common.gum_split). Multi-word tokens become the words the bundled
              tokenizer produces (train_tokenizer.load: clitics split off, "gonna" whole), the
              training set gets the tokenizer's news-style punctuation (curly and NYT quote
              marks, em dashes; fixed seed), and LEMMA is set to FORM everywhere, so the parser
              learns from exactly what the pipeline's identity lemmatizer gives it. Raw text of
              the test sets is written with Stanza's `conllu_to_text`.
2. train    - the tagger and the parser, each by a loop here over Stanza's own Trainer, data
              classes and update rule, with training/syntax_patch.py applied (the same functions
              through cheaper autograd graphs: a tagger step 7x, a parser step 1.4x faster on this CPU). A full checkpoint
              (model, optimiser, scheduler, step, position in the data) is saved after every
              `eval_every` steps and the random state is reseeded per chunk, so a killed run
              resumes where its last checkpoint was and gives the same model. The best model on
              dev (EWT dev + GUM dev: UPOS for the tagger, LAS for the parser) is kept.
3. install  - the best models, stripped of this machine's paths, to
              training/work/syntax/final/en_tagger.pt and en_parser.pt; with --install also
              to quotes/models/ (pipeline.json is not touched: it names the tagger's and the
              parser's pretrain file, en_glove.pt, which `python training/train.py --only
              pretrain` installs).
4. evaluate - through a plain `stanza.Pipeline` (no patch): the bundled tokenizer + the tagger +
              the identity lemmatizer + the parser on the raw text of EWT test, GUM test and the
              GUM test news/interview documents, and the same from gold tokens; scored with the
              UD evaluator (UPOS, XPOS, UFeats, AllTags, UAS, LAS). Speed in tokens/s of each
              processor on the PolNeAR dev articles, one torch thread. Everything goes to
              training/work/syntax/summary.json.

Why loops here rather than `python -m stanza.models.tagger` / `parser`: the tagger trainer saves
nothing but the best model, so it cannot resume; the parser's `--checkpoint` restores the model
and optimiser but starts the data over with a new shuffle, and neither can run under the patch
or evaluate the parser after the predicted tags of our own tagger.

The parser reads UPOS, XPOS and feats (`tag_emb_dim` 32), and it learns from and is scored on
predicted tags (train.tagged.conllu, dev.tagged.conllu, written by `tag_data` before it trains):
with gold tags in training and predicted ones in use, a parser in the issue's measurements lost
10 LAS points (80.6 to 70.5) behind a 90 UPOS tagger. A parser without tag input (`--set
tags=none --set tag_emb_dim=0`) reached dev LAS 68.1 after 1,600 steps; this one passed that
after 400 (training/SYNTAX.md). The tags it learns from are PARSER_TAGGER's (the first tagger,
without vectors, trained first where it is missing); the bundled tagger, with GloVe vectors,
gives better ones in use. Pointing PARSER_TAGGER at another run retrains the parser.
"""
from __future__ import annotations

import argparse
import io
import json
import logging
import os
import random
import sys
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, replace
from pathlib import Path

if not __package__:            # run as a file, `python training/train_syntax.py`: see as_package.py
    import as_package
    __package__ = as_package.register()

from . import conllu, pretrain, syntax_patch, train_tokenizer
from .common import DEFAULT_DATA, MODELS_DIR, REPO, checkout_quotes, fingerprint, gum_split, install_model, load_checkpoint, load_pretrain, save_atomic, save_trainer, stamped

DEFAULT_WORK = REPO / "training" / "work" / "syntax"
TOKENIZER = MODELS_DIR / "en_tokenizer.pt"
POLNEAR_DEV = REPO.parent / "shared" / "eval" / "polnear" / "dev" / "text"
TARGETS = {"tagger": "en_tagger.pt", "parser": "en_parser.pt"}

SEED = 1234
# Bump when the prepared data would change, so old work files are rebuilt.
PREPARE_VERSION = 1
# GUM genres held out and reported on their own: the closest to the news the tool reads.
NEWS_GENRES = ("news", "interview")
EVAL_SETS = ("ewt-test", "gum-test", "gum-test-news")

log = logging.getLogger("train_syntax")


# --------------------------------------------------------------------------
# Stage 1: prepare
# --------------------------------------------------------------------------

def input_files(data: Path) -> dict[str, list[Path]]:
    gum = gum_split(data / "gum")
    ewt = {part: train_tokenizer.ewt_file(data, part) for part in ("train", "dev", "test")}
    return {
        "train": [ewt["train"], *gum["train"]],
        "dev": [ewt["dev"], *gum["dev"]],
        "ewt-test": [ewt["test"]],
        "gum-test": gum["test"],
        "gum-test-news": [p for p in gum["test"] if p.name.split("_")[1] in NEWS_GENRES],
    }


def lemma_is_form(sentences: list) -> None:
    for sentence in sentences:
        for row in sentence.rows:
            if conllu.is_word(row):
                row[2] = row[1]


def prepare(data: Path, work: Path) -> str:
    """Write <set>.conllu (and <set>.txt for the test sets) to work/data/; returns the data key."""
    from stanza.utils.datasets.conllu_to_text import convert_text

    files = input_files(data)
    key = fingerprint(files, {"version": PREPARE_VERSION, "seed": SEED,
                              "tokenizer_prepare": train_tokenizer.PREPARE_VERSION})
    out = work / "data"
    stamp = out / "prepared.json"
    if stamped(stamp, key):
        log.info("prepare: up to date (%s)", stamp)
        return key
    out.mkdir(parents=True, exist_ok=True)
    summary = {}
    for name, paths in files.items():
        sentences = train_tokenizer.load(paths)
        styles = None
        if name == "train":
            styles = train_tokenizer.restyle(sentences, random.Random(f"{SEED}:syntax-train"))
        lemma_is_form(sentences)
        conllu.write_conllu(sentences, out / f"{name}.conllu")
        if name in EVAL_SETS:
            convert_text(str(out / f"{name}.conllu"), str(out / f"{name}.txt"))
        words = sum(conllu.is_word(r) for s in sentences for r in s.rows)
        summary[name] = {"files": len(paths), "sentences": len(sentences), "words": words, "styles": styles}
        log.info("prepare: %s: %s", name, summary[name])
    stamp.write_text(json.dumps({"key": key, "sets": summary}, indent=2))
    return key


def _uses_pretrain(model: Path) -> bool:
    """Whether a saved tagger was trained with pretrained vectors: the parser may use vectors the
    tagger it learns the tags of was trained without (PARSER_TAGGER has none)."""
    import torch

    return bool(torch.load(model, map_location="cpu", weights_only=False)["config"].get("pretrain"))


def tag_data(work: Path, data_key: str, tagger: Path, pretrain: str = "") -> str:
    """train.tagged.conllu and dev.tagged.conllu: the prepared sets with UPOS, XPOS and feats
    from the tagger (gold words and sentences, gold heads), for a parser that reads tags;
    returns a key of the data and the tagger."""
    import hashlib

    import torch
    from stanza.utils.conll import CoNLL

    key = hashlib.sha256(f"{data_key}:{hashlib.sha256(tagger.read_bytes()).hexdigest()}".encode()).hexdigest()[:16]
    stamp = work / "data" / "tagged.json"
    if stamped(stamp, key):
        log.info("tag: up to date (%s)", stamp)
        return key
    torch.set_num_threads(1)
    pipeline = build_pipeline(tagger, None, pretokenized=True, pretrain=pretrain)
    for name in ("train", "dev"):
        source = work / "data" / f"{name}.conllu"
        doc = CoNLL.conll2doc(input_file=str(source))
        tagged = pipeline([[word.text for word in sentence.words] for sentence in doc.sentences])
        for gold, predicted in zip(doc.sentences, tagged.sentences):
            for word, guess in zip(gold.words, predicted.words):
                word.upos, word.xpos, word.feats = guess.upos, guess.xpos, guess.feats
        target = work / "data" / f"{name}.tagged.conllu"
        tmp = target.with_suffix(".tmp")
        CoNLL.write_doc2conll(doc, str(tmp))
        os.replace(tmp, target)
        log.info("tag: %s: %d sentences tagged by %s", name, len(doc.sentences), tagger.name)
    stamp.write_text(json.dumps({"key": key, "tagger": str(tagger)}, indent=2))
    return key


# --------------------------------------------------------------------------
# Stage 2: train
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class TaggerConfig:
    """Stanza's tagger with smaller sizes (chosen by the learning curves in training/SYNTAX.md)."""
    # runs/tagger holds the earlier run without vectors (dev UPOS 94.58 at 2,700 steps), kept for
    # comparison; training/train.py gives this run the pretrain file.
    run: str = "tagger-glove100k"
    # Where the bundled run was stopped for time (dev UPOS still rising ~0.1 per 200 steps).
    steps: int = 2700
    eval_every: int = 200          # steps between dev evaluations and checkpoints
    batch_size: int = 250          # sentences (Stanza's default)
    hidden_dim: int = 128
    char_hidden_dim: int = 128
    word_emb_dim: int = 75
    char_emb_dim: int = 50
    tag_emb_dim: int = 32
    transformed_dim: int = 100
    deep_biaff_hidden_dim: int = 128
    composite_deep_biaff_hidden_dim: int = 64
    num_layers: int = 2
    word_cutoff: int = 2           # rarer words share the unknown-word vector, as unseen ones do
    dropout: float = 0.5
    word_dropout: float = 0.33
    lr: float = 3e-3               # Stanza's default Adam
    seed: int = SEED
    threads: int = 1               # not part of the run key (no effect on results)
    # A Stanza Pretrain file (training/pretrain.py), "" for none: frozen GloVe vectors beside
    # the learnt word embeddings, so words rare or absent in the treebanks still mean something.
    pretrain: str = ""

    kind = "tagger"

    def stanza_flags(self) -> list[str]:
        return _flags(self, ("batch_size", "hidden_dim", "char_hidden_dim", "word_emb_dim", "char_emb_dim",
                             "tag_emb_dim", "transformed_dim", "deep_biaff_hidden_dim",
                             "composite_deep_biaff_hidden_dim", "num_layers", "word_cutoff", "dropout",
                             "word_dropout", "lr"))


# The tagger whose predicted tags the bundled parser learned from: the first tagger, without
# vectors (dev UPOS 94.58). The bundled tagger reads GloVe (95.40) and the parser reads its tags
# at run time, which raised held-out LAS from raw text (EWT test 78.44 -> 78.93, GUM test
# 80.51 -> 81.12); retraining the parser on the new tagger's tags is about 4 hours on this CPU.
PARSER_TAGGER = TaggerConfig(run="tagger", pretrain="")
# In work/final/, for training only; named after the run, so pointing PARSER_TAGGER at another
# run tags the parser's data with that run's tagger (and so retrains the parser).
PARSER_TAGGER_FILE = f"en_tagger.{PARSER_TAGGER.run}.pt"


@dataclass(frozen=True)
class ParserConfig:
    """Stanza's graph parser with smaller sizes, reading the bundled tagger's tags (see the module docstring)."""
    # runs/parser and runs/parser-tagfed hold the earlier runs without tag input and without
    # vectors (SYNTAX.md), kept for comparison; training/train.py gives this run the pretrain file.
    run: str = "parser-glove100k"
    # Where the bundled run was stopped for time (dev LAS still rising, ~0.1 per 200 steps).
    steps: int = 4000
    eval_every: int = 200
    batch_size: int = 5000         # tokens (Stanza's default)
    hidden_dim: int = 160
    char_hidden_dim: int = 128
    word_emb_dim: int = 75
    char_emb_dim: int = 50
    tag_emb_dim: int = 32
    transformed_dim: int = 100
    deep_biaff_hidden_dim: int = 160
    deep_biaff_output_dim: int = 80
    num_layers: int = 2
    word_cutoff: int = 2
    dropout: float = 0.5
    word_dropout: float = 0.33
    optim: str = "adadelta"        # Stanza's first-stage optimiser and lr
    lr: float = 2.0
    # "none": the parser reads words and characters only. "predicted": it also reads UPOS, XPOS
    # and feats, and trains and is scored on the tags the bundled tagger gives (tag_emb_dim must
    # then be > 0): gold tags in training and predicted ones in use cost 10 LAS in the issue.
    tags: str = "predicted"
    seed: int = SEED
    threads: int = 1
    pretrain: str = ""             # as for the tagger

    kind = "parser"

    def stanza_flags(self) -> list[str]:
        return _flags(self, ("batch_size", "hidden_dim", "char_hidden_dim", "word_emb_dim", "char_emb_dim",
                             "tag_emb_dim", "transformed_dim", "deep_biaff_hidden_dim", "deep_biaff_output_dim",
                             "num_layers", "word_cutoff", "dropout", "word_dropout", "optim", "lr"))


def _flags(config, names: tuple[str, ...]) -> list[str]:
    """Stanza trainer flags for these config fields, in this order: --hidden_dim 128 …"""
    return [part for name in names for part in (f"--{name}", str(getattr(config, name)))]


Config = TaggerConfig | ParserConfig


def _run_key(config: Config, data_key: str) -> str:
    """The settings a checkpoint must share to be resumed (not steps: a finished run can be extended)."""
    settings = {k: v for k, v in asdict(config).items() if k not in ("steps", "threads", "pretrain")}
    if config.pretrain:   # absent when empty: keeps the keys of runs made before it was a setting
        settings["pretrain"] = f"{Path(config.pretrain).name}:{Path(config.pretrain).stat().st_size}"
    return json.dumps({"kind": config.kind, "data": data_key, **settings}, sort_keys=True)



PARSER_TAGS = ("none", "predicted")


def data_files(config: Config, work: Path) -> tuple[Path, Path]:
    """The train and dev CoNLL-U files the model learns from and is scored on."""
    if config.kind == "parser" and config.tags not in PARSER_TAGS:
        raise SystemExit(f"tags={config.tags!r}: choose one of {', '.join(PARSER_TAGS)}")
    if config.kind == "parser" and (config.tags == "none") != (config.tag_emb_dim == 0):
        raise SystemExit("tags=none goes with tag_emb_dim=0, tags=predicted with tag_emb_dim > 0")
    if config.kind == "parser" and config.tags == "predicted":
        return work / "data" / "train.tagged.conllu", work / "data" / "dev.tagged.conllu"
    return work / "data" / "train.conllu", work / "data" / "dev.conllu"


def stanza_args(config: Config, work: Path, run_dir: Path) -> dict:
    """Stanza's own defaults for the model, with our files and sizes, and our pretrained vectors if any."""
    if config.kind == "tagger":
        from stanza.models import tagger as module
    else:
        from stanza.models import parser as module
    train_file, dev_file = data_files(config, work)
    args = module.parse_args([
        "--mode", "train", "--lang", "en", "--shorthand", "en_quotes", "--cpu",
        *(["--wordvec_pretrain_file", config.pretrain] if config.pretrain else ["--no_pretrain"]),
        "--no_bert_model", "--train_file", str(train_file),
        "--eval_file", str(dev_file), "--save_dir", str(run_dir),
        "--save_name", "best.pt", "--seed", str(config.seed), "--max_steps", str(config.steps),
        *config.stanza_flags()])
    args["device"] = "cpu"
    return args


class TaggerData:
    """Training batches of the tagger: sentences shuffled per epoch (seeded by the epoch)."""

    def __init__(self, args: dict, train_file: Path, seed: int, pretrain=None):
        from stanza.models.common.doc import Document
        from stanza.models.pos.data import Dataset
        from stanza.models.pos.tag_columns import tag_columns_from_args
        from stanza.utils.conll import CoNLL

        doc = Document(CoNLL.conll2dict(input_file=str(train_file))[0])
        columns = tag_columns_from_args(args)
        self.vocab = Dataset.init_vocab([doc], args, columns)
        self.dataset = Dataset(doc, args, pretrain, vocab=self.vocab, evaluation=False, tag_columns=columns)
        self.batch_size = args["batch_size"]
        self.seed = seed
        self._epoch, self._batches = -1, []

    def epoch(self, epoch: int) -> int:
        """Make epoch's batches current; returns how many there are."""
        if epoch != self._epoch:
            order = list(range(len(self.dataset)))
            random.Random(f"{self.seed}:epoch{epoch}").shuffle(order)
            self._epoch = epoch
            self._batches = [order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        return len(self._batches)

    def batch(self, index: int):
        return self.dataset.collate_fn([self.dataset[i] for i in self._batches[index]])


class ParserData:
    """Training batches of the parser: Stanza's length-sorted token-budget batches, reshuffled per
    epoch under a seed of the epoch."""

    def __init__(self, args: dict, train_file: Path, seed: int, pretrain=None):
        from stanza.models.depparse.data import DataLoader
        from stanza.utils.conll import CoNLL

        self.loader = DataLoader(CoNLL.conll2doc(input_file=str(train_file)), args["batch_size"], args, pretrain,
                                 evaluation=False)
        self.vocab = self.loader.vocab
        self.seed = seed
        self._epoch = -1

    def epoch(self, epoch: int) -> int:
        if epoch != self._epoch:
            state = random.getstate()
            random.seed(f"{self.seed}:epoch{epoch}")
            self.loader.reshuffle()
            random.setstate(state)
            self._epoch = epoch
        return len(self.loader)

    def batch(self, index: int):
        return self.loader[index]


def _score_file(gold: Path, pred_text: str) -> dict:
    """UD evaluator scores (F1 x 100) of a predicted CoNLL-U text against a gold file."""
    from stanza.models.common.utils import ud_scores

    evaluation = ud_scores(str(gold), io.StringIO(pred_text))
    metrics = ("Tokens", "Sentences", "Words", "UPOS", "XPOS", "UFeats", "AllTags", "UAS", "LAS", "CLAS")
    return {m: round(evaluation[m].f1 * 100, 2) for m in metrics if m in evaluation}


def tagger_dev(trainer, args: dict, dev_file: Path, pretrain=None) -> dict:
    """Tag the dev file with gold tokens and score it."""
    import torch
    from stanza.models.common import utils
    from stanza.models.pos.data import Dataset
    from stanza.models.tagger import set_predictions
    from stanza.utils.conll import CoNLL

    doc = CoNLL.conll2doc(input_file=str(dev_file))
    data = Dataset(doc, args, pretrain, vocab=trainer.vocab, evaluation=True, sort_during_eval=True)
    preds, indices = [], []
    with torch.no_grad():
        for batch in data.to_loader(batch_size=args["batch_size"]):
            preds += trainer.predict(batch)
            indices.extend(batch.idx)
    set_predictions(data.doc, trainer, utils.unsort(preds, indices))
    return _score_file(dev_file, "{:C}\n\n".format(data.doc))


def parser_dev(trainer, args: dict, dev_file: Path, pretrain=None) -> dict:
    """Parse the dev file (gold tokens; its tags are the tagger's when the parser reads tags) and score it."""
    from stanza.models.common.doc import DEPREL, HEAD
    from stanza.models.depparse.data import DataLoader
    from stanza.models.depparse.utils import predict_dataset
    from stanza.utils.conll import CoNLL

    batch = DataLoader(CoNLL.conll2doc(input_file=str(dev_file)), args["batch_size"], args, pretrain,
                       vocab=trainer.vocab, evaluation=True, sort_during_eval=True)
    preds = predict_dataset(trainer, batch)
    batch.doc.set([HEAD, DEPREL], [y for x in preds for y in x])
    return _score_file(dev_file, "{:C}\n\n".format(batch.doc))


def _optimizers(trainer) -> dict:
    # Stanza names them differently in the two trainers.
    return trainer.optimizers if hasattr(trainer, "optimizers") else trainer.optimizer


def train(work: Path, data_key: str, config: Config) -> dict:
    """Train in chunks of eval_every steps; resume from runs/<run>/checkpoint.pt when it matches."""
    import torch
    from stanza.models.common import utils

    run_dir = work / "runs" / config.run
    if config.kind == "parser" and config.tags == "predicted":
        tagger = work / "final" / PARSER_TAGGER_FILE
        if not tagger.exists():
            log.info("train: the parser learns from the tags of %s, which is not there: training it first",
                     PARSER_TAGGER.run)
            train(work, data_key, PARSER_TAGGER)
            install_model(work / "runs" / PARSER_TAGGER.run / "best.pt", tagger, _LOCAL_KEYS, log)
        data_key = tag_data(work, data_key, tagger, config.pretrain if _uses_pretrain(tagger) else "")
    run_key = _run_key(config, data_key)
    checkpoint_path = run_dir / "checkpoint.pt"
    state, finished = load_checkpoint(checkpoint_path, run_key, config.steps, log)
    if finished:
        return state

    torch.set_num_threads(config.threads)
    run_dir.mkdir(parents=True, exist_ok=True)
    args = stanza_args(config, work, run_dir)
    utils.set_random_seed(config.seed)
    train_file, dev_file = data_files(config, work)
    pretrain = load_pretrain(config.pretrain)
    if config.kind == "tagger":
        from stanza.models.pos.trainer import Trainer

        data = TaggerData(args, train_file, config.seed, pretrain)
        trainer = Trainer(args=args, vocab=data.vocab, pretrain=pretrain, device="cpu")
        dev_score, metric = (lambda: tagger_dev(trainer, args, dev_file, pretrain)), "UPOS"
        schedulers = {}
    else:
        from stanza.models.depparse.trainer import GraphTrainer

        data = ParserData(args, train_file, config.seed, pretrain)
        trainer = GraphTrainer(args=args, vocab=data.vocab, pretrain=pretrain, device="cpu")
        dev_score, metric = (lambda: parser_dev(trainer, args, dev_file, pretrain)), "LAS"
        schedulers = trainer.scheduler
    optimizers = _optimizers(trainer)
    params = sum(p.numel() for p in trainer.model.parameters())
    if state is None:
        state = {"run_key": run_key, "step": 0, "epoch": 0, "index": 0, "best_dev": -1.0, "best_step": 0,
                 "seconds": 0.0, "history": [], "done": False, "params": params}
    else:
        trainer.model.load_state_dict(state["model"])
        for name, opt in optimizers.items():
            opt.load_state_dict(state["optimizers"][name])
        for name, scheduler in schedulers.items():
            scheduler.load_state_dict(state["schedulers"][name])
        log.info("train: %s resuming at step %d", config.run, state["step"])
    log.info("train: %s, %d parameters, %d batches an epoch", config.run, params, data.epoch(state["epoch"]))

    while not state["done"] and state["step"] < config.steps:
        started = time.monotonic()
        utils.set_random_seed(config.seed + state["step"])
        end = min(state["step"] + config.eval_every, config.steps)
        losses = []
        with syntax_patch.patched():
            for _ in range(state["step"], end):
                if state["index"] >= data.epoch(state["epoch"]):
                    state["epoch"], state["index"] = state["epoch"] + 1, 0
                    data.epoch(state["epoch"])
                result = trainer.update(data.batch(state["index"]), eval=False)
                losses.append(float(result[0] if isinstance(result, tuple) else result))
                state["index"] += 1
        train_seconds = time.monotonic() - started
        scores = dev_score()
        dev = scores[metric]
        for scheduler in schedulers.values():
            scheduler.step(num_steps=end - state["step"], metrics=dev / 100)
        best = dev > state["best_dev"]
        if best:
            state["best_dev"], state["best_step"] = dev, end
            save_trainer(trainer, run_dir / "best.pt")
        state["step"] = end
        state["seconds"] += time.monotonic() - started
        state["history"].append({"step": end, "loss": round(sum(losses) / len(losses), 4), "dev": scores,
                                 "train_seconds": round(train_seconds, 1),
                                 "seconds": round(time.monotonic() - started, 1)})
        state["model"] = trainer.model.state_dict()
        state["optimizers"] = {name: opt.state_dict() for name, opt in optimizers.items()}
        state["schedulers"] = {name: s.state_dict() for name, s in schedulers.items()}
        save_atomic(state, checkpoint_path)
        log.info("train: %s step %d/%d  loss %.3f  dev %s %.2f%s  (%.2f s/step, %.0f s)", config.run, end,
                 config.steps, state["history"][-1]["loss"], metric, dev, "  best" if best else "",
                 train_seconds / max(1, len(losses)), state["history"][-1]["seconds"])
    return state


# --------------------------------------------------------------------------
# Stage 3: install
# --------------------------------------------------------------------------

# Config entries that only name files or settings of the training machine.
_LOCAL_KEYS = ("train_file", "eval_file", "output_file", "save_dir", "save_name", "data_dir", "wordvec_dir",
               "wordvec_file", "wordvec_pretrain_file", "charlm_save_dir", "charlm_forward_file",
               "charlm_backward_file", "checkpoint_save_name", "continue_from", "silver_file", "wandb_name")


def install(work: Path, config: Config, models_dir: Path | None = None) -> Path:
    """The best model, without local paths, to work/final/ (and to models_dir when given)."""
    best = work / "runs" / config.run / "best.pt"
    target = install_model(best, work / "final" / TARGETS[config.kind], _LOCAL_KEYS, log)
    if models_dir is not None:
        install_model(best, models_dir / TARGETS[config.kind], _LOCAL_KEYS, log)
    return target


# --------------------------------------------------------------------------
# Stage 4: evaluate
# --------------------------------------------------------------------------

def build_pipeline(tagger: Path, parser: Path | None, pretokenized: bool = False, ner: bool = False,
                   pretrain: str = "", parser_pretrain: str = ""):
    """A plain stanza.Pipeline as quotes/nlp.py builds the bundled one, with pos, lemma (identity)
    and depparse added through their model paths (and the pretrained vectors each was trained with:
    `pretrain` the tagger's, `parser_pretrain` the parser's)."""
    import stanza

    processors = ["tokenize"] + (["ner"] if ner else []) + ["pos"]
    kwargs = {"tokenize_model_path": str(TOKENIZER), "pos_model_path": str(tagger)}
    if ner:
        kwargs.update(bundled_ner())
    if parser is not None:
        processors += ["lemma", "depparse"]
        kwargs.update(lemma_use_identity=True, depparse_model_path=str(parser))
    if pretrain:
        kwargs["pos_pretrain_path"] = str(pretrain)
    if parser is not None and parser_pretrain:
        kwargs["depparse_pretrain_path"] = str(parser_pretrain)
    return stanza.Pipeline("en", dir=str(MODELS_DIR), processors=",".join(processors), download_method=None,
                           allow_unknown_language=True, use_gpu=False, logging_level="WARN",
                           tokenize_pretokenized=pretokenized, **kwargs)


def bundled_ner() -> dict[str, str]:
    """The bundled NER model's Pipeline arguments, as pipeline.json gives them (model and vectors)."""
    options = json.loads((MODELS_DIR / "pipeline.json").read_text(encoding="utf-8"))["processors"]["ner"]
    return {f"ner_{name}": str(MODELS_DIR / value) for name, value in options.items() if name.endswith("_path")}


def _gold_tokens(path: Path) -> list[list[str]]:
    return [[row[1] for row in s.rows if conllu.is_word(row)] for s in conllu.read_conllu(path)]


def _restore_token_text(doc, text: str) -> None:
    """Give every token the characters it spans: Stanza's tokenizer writes a very long token (a
    URL of hundreds of characters in EWT) as "<UNK>", which the UD evaluator, aligning on
    characters, cannot match to the gold file. Offsets are exact (MODELS.md), as quotes reads them."""
    for sentence in doc.sentences:
        for token in sentence.tokens:
            if token.start_char is None:
                continue
            span = text[token.start_char:token.end_char]
            if "".join(span.split()) != "".join(token.text.split()) and len(token.words) == 1:
                token.text = span
                token.words[0].text = span


def evaluate(work: Path, tagger: Path, parser: Path | None, pretrain: str = "", parser_pretrain: str = "") -> dict:
    """UD scores on every test set, from raw text and from gold tokens."""
    import torch
    from stanza.utils.conll import CoNLL

    torch.set_num_threads(1)
    data = work / "data"
    out = work / "eval"
    out.mkdir(parents=True, exist_ok=True)
    raw = build_pipeline(tagger, parser, pretrain=pretrain, parser_pretrain=parser_pretrain)
    gold = build_pipeline(tagger, parser, pretokenized=True, pretrain=pretrain, parser_pretrain=parser_pretrain)
    results: dict[str, dict] = {}
    for name in EVAL_SETS:
        gold_file = data / f"{name}.conllu"
        for mode, pipeline, source in (("raw", raw, (data / f"{name}.txt").read_text(encoding="utf-8")),
                                       ("gold-tokens", gold, _gold_tokens(gold_file))):
            doc = pipeline(source)
            if mode == "raw":
                _restore_token_text(doc, source)
            pred = out / f"{name}.{mode}.conllu"
            CoNLL.write_doc2conll(doc, str(pred))
            results.setdefault(name, {})[mode] = _score_file(gold_file, pred.read_text(encoding="utf-8"))
            log.info("evaluate: %-13s %-11s %s", name, mode, results[name][mode])
    return results


def speed(tagger: Path, parser: Path | None, texts_dir: Path = POLNEAR_DEV, rounds: int = 2,
          pretrain: str = "", parser_pretrain: str = "") -> dict:
    """Tokens/s of each processor and of the whole pipeline (with the bundled NER) on one thread;
    the best of `rounds` timings, as quotes' own speed figures are measured."""
    import torch
    from stanza.models.common.doc import Document

    torch.set_num_threads(1)
    texts = [p.read_text(encoding="utf-8") for p in sorted(texts_dir.glob("*.txt"))]
    if not texts:
        return {}
    pipeline = build_pipeline(tagger, parser, ner=True, pretrain=pretrain, parser_pretrain=parser_pretrain)
    names = [n for n in ("tokenize", "ner", "pos", "lemma", "depparse") if n in pipeline.processors]
    best: dict[str, float] = {}
    tokens = 0
    for _ in range(rounds):
        docs = [Document([], text=t) for t in texts]
        for name in names:
            started = time.perf_counter()
            docs = pipeline.bulk_process(docs, processors=[name])
            seconds = time.perf_counter() - started
            best[name] = min(best.get(name, seconds), seconds)
        tokens = sum(len(s.tokens) for d in docs for s in d.sentences)
    result = {"articles": len(texts), "tokens": tokens, "seconds": {k: round(v, 2) for k, v in best.items()},
              "tokens_per_s": {k: round(tokens / v) for k, v in best.items()}}
    total = sum(best.values())
    result["tokens_per_s"]["pipeline"] = round(tokens / total)
    syntax = [n for n in names if n in ("pos", "lemma", "depparse")]
    result["tokens_per_s"]["pos+lemma+depparse"] = round(tokens / sum(best[n] for n in syntax))
    # As quotes runs it: the tagger and parser only on the sentences around quotations.
    selective = _selective_syntax_seconds(pipeline, texts, syntax, rounds)
    result["selective"] = selective
    result["tokens_per_s"]["pipeline (quotes: syntax around quotations)"] = round(
        tokens / (sum(best[n] for n in names if n not in syntax) + selective["seconds"]))
    log.info("speed: %s", result["tokens_per_s"])
    return result


def _selective_syntax_seconds(pipeline, texts: list[str], syntax: list[str], rounds: int) -> dict:
    """Seconds the syntax processors take on the sentences quotes asks them to parse
    (quotes.pipeline.syntax_ranges), best of `rounds`, and the share of tokens in those sentences."""
    from stanza.models.common.doc import Document

    checkout_quotes()
    from quotes import nlp, pipeline as quotes_pipeline

    docs = pipeline.bulk_process([Document([], text=t) for t in texts],
                                 processors=[n for n in nlp.processors_used(pipeline) if n not in syntax])
    best, chosen = None, []
    for _ in range(rounds):
        # Everything quotes adds: finding the quotations, choosing the sentences, copying back.
        started = time.perf_counter()
        chosen = [s for doc, text in zip(docs, texts)
                  for s in nlp.sentences_touching(doc, quotes_pipeline.syntax_ranges(text))]
        nlp.parse_sentences(pipeline, chosen, syntax)
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    all_tokens = sum(len(s.tokens) for d in docs for s in d.sentences)
    return {"seconds": round(best, 2), "token_share": round(sum(len(s.tokens) for s in chosen) / all_tokens, 3)}


# --------------------------------------------------------------------------

def run(data: Path = DEFAULT_DATA, work: Path = DEFAULT_WORK, tagger: TaggerConfig = TaggerConfig(),
        parser: ParserConfig = ParserConfig(), only: tuple[str, ...] = ("tagger", "parser"),
        models_dir: Path | None = None, do_evaluate: bool = True) -> dict:
    """All four stages for the models in `only`; returns the summary (also work/summary.json)."""
    work.mkdir(parents=True, exist_ok=True)
    data_key = prepare(data, work)
    summary_path = work / "summary.json"
    updates: dict = {"models": {}}
    for config in (tagger, parser):
        if config.kind not in only:
            continue
        state = train(work, data_key, config)
        final = install(work, config, models_dir)
        updates["models"][config.kind] = {
            "run": config.run, "config": asdict(config), "params": state.get("params"), "steps": state["step"],
            "best_step": state["best_step"], "best_dev": state["best_dev"],
            "train_seconds": round(state["seconds"], 1), "bytes": final.stat().st_size,
            "curve": [{"step": h["step"], "loss": h["loss"], **{k: h["dev"][k] for k in
                       ("UPOS", "XPOS", "UFeats", "AllTags", "UAS", "LAS") if k in h["dev"]},
                       "train_s_per_step": round(h["train_seconds"] / (h["step"] - previous), 3)}
                      for h, previous in zip(state["history"], [0] + [h["step"] for h in state["history"]])]}
    summary = _update_summary(summary_path, updates)
    tagger_model = work / "final" / TARGETS["tagger"]
    parser_model = work / "final" / TARGETS["parser"]
    if do_evaluate and tagger_model.exists():
        parser_or_none = parser_model if parser_model.exists() else None
        key = {"tagger": tagger_model.stat().st_mtime_ns,
               "parser": parser_model.stat().st_mtime_ns if parser_or_none else None}
        if summary.get("evaluated") != key:
            results = {"test": evaluate(work, tagger_model, parser_or_none, tagger.pretrain, parser.pretrain),
                       "speed_polnear_dev": speed(tagger_model, parser_or_none, pretrain=tagger.pretrain,
                                                  parser_pretrain=parser.pretrain),
                       "evaluated": key}
            summary = _update_summary(summary_path, results)
        else:
            log.info("evaluate: up to date (%s)", summary_path)
    return summary


def _update_summary(path: Path, updates: dict) -> dict:
    """Merge updates into summary.json, read just before writing: the tagger and the parser may
    be trained by two processes at once, each adding its own entry."""
    summary = json.loads(path.read_text()) if path.exists() else {}
    for key, value in updates.items():
        if isinstance(value, dict) and isinstance(summary.get(key), dict) and key == "models":
            summary[key].update(value)
        else:
            summary[key] = value
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(summary, indent=2))
    os.replace(tmp, path)
    return summary


def _equivalence(trainer, batch) -> dict:
    """Loss and gradients of one batch without and with the patch, dropout off (so both draw
    nothing at random) and the learning rate 0 (so the update changes nothing)."""
    import torch

    model = trainer.model
    dropouts = {m: m.p for m in model.modules() if isinstance(m, torch.nn.Dropout)}
    word_drop = model.worddrop.dropprob
    lrs = [(g, g["lr"]) for opt in _optimizers(trainer).values() for g in opt.param_groups]
    for m in dropouts:
        m.p = 0.0
    model.worddrop.dropprob = 0.0
    for group, _ in lrs:
        group["lr"] = 0.0
    runs = []
    try:
        for patch in (False, True):
            with syntax_patch.patched() if patch else nullcontext():
                result = trainer.update(batch, eval=False)
            loss = float(result[0] if isinstance(result, tuple) else result)
            runs.append((loss, {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}))
    finally:
        for m, p in dropouts.items():
            m.p = p
        model.worddrop.dropprob = word_drop
        for group, lr in lrs:
            group["lr"] = lr
    (loss_a, grads_a), (loss_b, grads_b) = runs
    worst = max((float((grads_b[n] - g).norm() / g.norm().clamp_min(1e-12)), n) for n, g in grads_a.items())
    out = {"loss_plain": loss_a, "loss_patched": loss_b, "loss_rel_diff": abs(loss_a - loss_b) / abs(loss_a),
           "worst_grad_rel_diff": worst[0], "worst_grad": worst[1], "params_with_grad": len(grads_a)}
    log.info("benchmark: equivalence %s", out)
    return out


def benchmark(work: Path, data_key: str, config: Config, steps: int = 3) -> dict:
    """Seconds per training step of the untrained model, without and with syntax_patch, on the
    same first batches of the data (one thread). The first step of each is a warm-up."""
    import torch
    from stanza.models.common import utils

    torch.set_num_threads(config.threads)
    run_dir = work / "bench" / config.run
    run_dir.mkdir(parents=True, exist_ok=True)
    args = stanza_args(config, work, run_dir)
    utils.set_random_seed(config.seed)
    train_file = data_files(config, work)[0]
    pretrain = load_pretrain(config.pretrain)
    if config.kind == "tagger":
        from stanza.models.pos.trainer import Trainer
        data = TaggerData(args, train_file, config.seed, pretrain)
    else:
        from stanza.models.depparse.trainer import GraphTrainer as Trainer
        data = ParserData(args, train_file, config.seed, pretrain)
    trainer = Trainer(args=args, vocab=data.vocab, pretrain=pretrain, device="cpu")
    data.epoch(0)
    batches = [data.batch(i) for i in range(steps + 1)]
    initial = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    result = {"equivalence": _equivalence(trainer, batches[0])}
    for name, patch in (("plain", False), ("patched", True)):
        trainer.model.load_state_dict(initial)
        for opt in _optimizers(trainer).values():
            opt.state.clear()
        times = []
        with syntax_patch.patched() if patch else nullcontext():
            for batch in batches:
                started = time.perf_counter()
                trainer.update(batch, eval=False)
                times.append(time.perf_counter() - started)
        result[name] = round(sum(times[1:]) / steps, 3)
        log.info("benchmark: %s %s: %.2f s/step (%s)", config.run, name, result[name],
                 ", ".join(f"{t:.2f}" for t in times))
    result["speedup"] = round(result["plain"] / result["patched"], 2)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--only", choices=("tagger", "parser"), action="append",
                        help="train only this model (default: both)")
    parser.add_argument("--steps", type=int, help="optimiser steps (default: the model's own)")
    parser.add_argument("--run", help="run name under work/runs/ (a try-out run is not installed)")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="change one setting of the trained model(s), e.g. hidden_dim=200")
    parser.add_argument("--no-evaluate", action="store_true", help="stop after training and install")
    parser.add_argument("--install", action="store_true", help="also copy the models into quotes/models/")
    parser.add_argument("--benchmark", type=int, metavar="STEPS",
                        help="only time STEPS training steps without and with syntax_patch")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    import stanza  # noqa: F401  (configures its logger on import; quieten it afterwards)
    logging.getLogger("stanza").setLevel(logging.WARNING)
    only = tuple(args.only or ("tagger", "parser"))
    # The bundled runs read the GloVe pretrain file; without it their settings (and so their
    # checkpoints' keys) would differ and a run would start over. `--set pretrain=` trains without.
    vectors = pretrain.path(args.work.resolve().parent / "pretrain")
    if not vectors.exists() and not any(item.startswith("pretrain=") for item in args.set):
        raise SystemExit(f"the tagger and parser read {vectors}, which is not there: make it with "
                         "`python training/train.py --only pretrain` (or train without: --set pretrain=)")
    configs = {"tagger": TaggerConfig(pretrain=str(vectors)), "parser": ParserConfig(pretrain=str(vectors))}
    for kind in only:
        changes = {}
        for item in args.set:
            name, value = item.split("=", 1)
            kind_type = type(getattr(configs[kind], name))
            changes[name] = kind_type(value)
        if args.steps:
            changes["steps"] = args.steps
        if args.run:
            changes["run"] = args.run if len(only) == 1 else f"{args.run}-{kind}"
        configs[kind] = replace(configs[kind], **changes)
    if args.benchmark:
        work = args.work.resolve()
        key = prepare(args.data.resolve(), work)
        results = {kind: benchmark(work, key, configs[kind], args.benchmark) for kind in only}
        _update_summary(work / "summary.json", {"patch_benchmark": results})
        return 0
    if args.run:
        # A try-out: trained and scored on dev only, never installed over the chosen models.
        for kind in only:
            train(args.work.resolve(), prepare(args.data.resolve(), args.work.resolve()), configs[kind])
        return 0
    run(args.data.resolve(), args.work.resolve(), configs["tagger"], configs["parser"], only,
        MODELS_DIR if args.install else None, not args.no_evaluate)
    return 0


if __name__ == "__main__":
    sys.exit(main())
