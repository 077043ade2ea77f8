"""Train the bundled Stanza NER model (PER, ORG, LOC).

    python training/train.py --only ner          # as one step of all models
    python training/train_ner.py --mix gold      # a try-out mix, not installed
                                                 # (--install to install it)

The run is split into stages; each one is skipped when its outputs are already
up to date, so the command can simply be run again after an interruption:

1. prepare  - turn every source into sentences of (token, BIO tag) and write
              them in Stanza's NER JSON (`prepare_ner_file.process_dataset`):
              - PolNeAR silver (US political news, CoreNLP NER): PERSON,
                ORGANIZATION, LOCATION kept, every other type dropped; split by
                document, every 10th document to dev.
              - GUM (gold entity brackets in MISC): named mentions (the
                mention's syntactic head is a PROPN) of type person,
                organization and place, trimmed to the name; split by
                document as for the tokenizer (every 10th to dev, the next
                one to test).
              - Universal NER over EWT: its test file to train, its dev file
                to dev.
              - Universal NER over PUD: the held-out test set, never trained
                or tuned on.
              News text comes with curly quotes and ’ apostrophes and the
              bundled tokenizer keeps them, so part of every training and dev
              set is rewritten in that style (fixed seed).
2. train    - Stanza's NER tagger (BiLSTM-CRF over word embeddings and a
              character BiLSTM, no pretrained vectors) with its default sizes
              and Adam (lr 0.001, halved when dev stalls), trained by a loop
              here that saves a full checkpoint (model, optimiser, LR
              scheduler, step) after every evaluation, reseeds per chunk (a
              resumed run gives the same model) and keeps the best model on
              the gold dev sets (UNER-EWT dev + GUM dev).
3. install  - copy the best model, stripped of local paths, to
              `quotes/models/en_ner.pt`.
4. evaluate - entity-level F1 (exact span and type, Stanza's `score_by_entity`)
              on the dev and test sets with gold tokens, and on PUD through the
              bundled pipeline (bundled tokenizer + this model, spans matched
              by character offsets).

Why a loop here rather than `python -m stanza.models.ner_tagger --mode train`:
that command can only restart from a saved model (`--finetune`), losing the
optimiser, the LR schedule and the position in the data, and it saves nothing
between evaluations but the best model.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

if not __package__:            # run as a file, `python training/train_ner.py`: see as_package.py
    import as_package
    __package__ = as_package.register()

from . import conllu
from .common import DEFAULT_DATA, MODELS_DIR, REPO, fingerprint, gum_split, install_model, load_checkpoint, load_pretrain, save_atomic, save_trainer, stamped

DEFAULT_WORK = REPO / "training" / "work" / "ner"
MODEL_OUT = MODELS_DIR / "en_ner.pt"
TOKENIZER = MODELS_DIR / "en_tokenizer.pt"

SEED = 1234
# Bump when the prepared data would change, so old work files are rebuilt.
PREPARE_VERSION = 6
TYPES = ("PER", "ORG", "LOC")

# Training mixes: prepared set -> how many copies of it go into the train file.
# "all-gold3" (gold sets three times over) was chosen by the gold dev F1 (64.1 against 63.1 for
# "all" at 4,000 steps; MODELS.md); the others are kept to re-measure.
MIXES: dict[str, dict[str, int]] = {
    "all": {"polnear-train": 1, "gum-train": 1, "ewt-train": 1},
    "gold": {"gum-train": 1, "ewt-train": 1},
    "silver": {"polnear-train": 1},
    "all-gold3": {"polnear-train": 1, "gum-train": 3, "ewt-train": 3},
    "all-gold6": {"polnear-train": 1, "gum-train": 6, "ewt-train": 6},
}
DEFAULT_MIX = "all-gold3"
# Sets that pick the best checkpoint (gold annotation, UNER-like conventions).
SELECT_SETS = ("ewt-dev", "gum-dev")
# Sets scored at the end with gold tokens.
EVAL_SETS = ("ewt-dev", "gum-dev", "polnear-dev", "gum-test", "pud-test")

# Share of documents written with curly quotes and ’ (the rest straight, as
# annotated, or for PolNeAR's PTB `` '' marks: straight ").
CURLY_SHARE = {"polnear": 0.6, "gum": 0.4, "ewt": 0.4}

log = logging.getLogger("train_ner")

Sentence = list[tuple[str, str]]          # (token, BIO tag)


# --------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------

def _conllu_blocks(path: Path):
    """Yield (comments, rows) for every sentence of a CoNLL-U-like file."""
    with path.open(encoding="utf-8") as handle:
        yield from conllu.blocks(line.rstrip("\n") for line in handle)


def _newdoc(comments: list[str]) -> str | None:
    for comment in comments:
        if comment.startswith("# newdoc id"):
            return comment.split("=", 1)[1].strip()
    return None


def bio_from_spans(n: int, spans: list[tuple[int, int, str]]) -> list[str]:
    """BIO tags for n tokens from (start, end exclusive, type) spans."""
    tags = ["O"] * n
    for start, end, label in spans:
        tags[start] = "B-" + label
        for i in range(start + 1, end):
            tags[i] = "I-" + label
    return tags


# PolNeAR silver -----------------------------------------------------------

COREMLP_TYPES = {"PERSON": "PER", "ORGANIZATION": "ORG", "LOCATION": "LOC"}
PTB_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}
# CoreNLP tags these as LOCATION almost always; in news they nearly always
# stand for the institution that speaks or acts ("the White House said"),
# which Universal NER annotates as ORG.
SILVER_ORG_NAMES = {("White", "House")}


def read_polnear(path: Path) -> list[tuple[str, list[Sentence]]]:
    """PolNeAR silver documents: [(doc id, sentences)]; PTB brackets undone.

    CoreNLP's NER column has no B/I marks: a run of tokens with the same type
    is one entity.
    """
    docs: list[tuple[str, list[Sentence]]] = []
    for comments, rows in _conllu_blocks(path):
        doc = _newdoc(comments)
        if doc is not None or not docs:
            docs.append((doc or "doc", []))
        words = [r for r in rows if r[0].isdigit()]
        forms = [PTB_BRACKETS.get(r[1], r[1]) for r in words]
        labels = []
        for r in words:
            ner = next((m[4:] for m in r[9].split("|") if m.startswith("NER=")), "O")
            labels.append(COREMLP_TYPES.get(ner, "O"))
        spans, i = [], 0
        while i < len(labels):
            if labels[i] == "O":
                i += 1
                continue
            j = i
            while j + 1 < len(labels) and labels[j + 1] == labels[i]:
                j += 1
            label = labels[i]
            if tuple(forms[i:j + 1]) in SILVER_ORG_NAMES:
                label = "ORG"
            spans.append((i, j + 1, label))
            i = j + 1
        docs[-1][1].append(list(zip(forms, bio_from_spans(len(forms), spans))))
    return docs


# GUM ----------------------------------------------------------------------

GUM_TYPES = {"person": "PER", "organization": "ORG", "place": "LOC"}
# "(12-person-new-...)" opens (and maybe closes) entity 12; "12)" closes it.
_GUM_BRACKET = re.compile(r"\((\d+)-([a-z]+)[^()]*(\))?|(\d+)\)")
# Lower-case words that may join the proper nouns of one name. Particles
# always may ("Procter & Gamble", "Ludwig van Beethoven", "Pierre - Simon");
# "of", "for" and the like only after a generic name word ("University of
# Chicago", "Bank of the West", "Society for General Systems Research"), since
# GUM writes "the Boston Red Sox of Major League Baseball" as one mention.
# "and" is left out: far more often it joins two names than it sits in one.
NAME_PARTICLES = {"&", "-", "de", "du", "la", "le", "von", "van", "der", "den", "del", "da", "di", "al", "bin", "ibn"}
NAME_JOINERS = NAME_PARTICLES | {"of", "the", "for", "on", "upon"}
PERSON_JOINERS = NAME_PARTICLES - {"&"}
GENERIC_NAME_WORDS = set("""University College Institute Society Academy Bank Department Ministry Republic
    Kingdom Church House School Museum Association Federation Council Office Bureau Center Centre Board
    Commission Committee Court Party League Union Corps Order Gulf Bay Isle Isles Sea City State States
    Province County Cape Lake Mount Port Library Hospital Foundation Agency Service Organization
    Organisation Army Navy Guard Conference Division Company Laboratory Laboratories School Schools
    Secretary Duke Prince Princess King Queen Emperor Archbishop Bishop Isle Islands Straits Strait
    Mountains River Valley Peninsula Coast Region District Territory Commonwealth Federal Senate Congress
    Assembly Parliament Chamber Friends Sisters Brothers Daughters Sons Knights Museum Gallery Temple
    Cathedral Abbey Palace Castle Tower Embassy Consulate Police Fund Network Group Trust Times Journal
    Post News Press Review Department Lab Program Programme Project Alliance Coalition Movement Front""".split())
# Titles before a person's name: Universal NER leaves them out of the name.
TITLES = {t.lower() for t in """Mr Mr. Mrs Mrs. Ms Ms. Miss Mx. Dr Dr. Prof Prof. Professor President Vice
    King Queen Prince Princess Emperor Empress Pope Saint St. Sir Dame General Gen. Senator Sen. Rep.
    Representative Congressman Congresswoman Governor Gov. Mayor Judge Justice Chancellor Minister Prime
    Secretary Chairman Chairwoman Chair Captain Capt. Colonel Col. Lieutenant Lt. Sergeant Sgt. Admiral
    Major Maj. Commander Bishop Archbishop Cardinal Rev. Reverend Father Rabbi Imam Sheikh Coach Officer
    Premier Detective Agent Chief Speaker Ambassador Commissioner Duke Duchess Count Countess Baron Baroness Lady
    Attorney Deputy Director Pastor Brother Sister Uncle Aunt Grandma Grandpa""".split()}


def gum_mentions(rows: list[list[str]]) -> list[tuple[int, int, str]]:
    """Every entity mention of a GUM sentence: (first, last inclusive, type)."""
    open_: dict[str, list[tuple[int, str]]] = {}
    mentions = []
    for index, row in enumerate(rows):
        entity = next((m[7:] for m in row[9].split("|") if m.startswith("Entity=")), None)
        if not entity:
            continue
        for match in _GUM_BRACKET.finditer(entity):
            ident, etype, closes, closing = match.groups()
            if closing is not None:
                start, kind = open_[closing].pop()
                mentions.append((start, index, kind))
            elif closes:
                mentions.append((index, index, etype))
            else:
                open_.setdefault(ident, []).append((index, etype))
    return mentions


def gum_name_span(rows: list[list[str]], first: int, last: int, label: str) -> tuple[int, int] | None:
    """The name inside a named mention, or None when the mention is not named.

    Named: a head of the mention (a word whose head lies outside it) is a
    proper noun, PROPN or NNP(S) (for persons a singular one: "the Americans", "three Senators" are
    groups, not names). The name is the run of proper nouns around that head
    (numbers after it: "Apollo 11", "Louis XV"), joined across words like
    "of" only when a proper noun follows within the mention. Determiners,
    adjectives and "'s" stay outside, and so do titles before a person's
    name, as in Universal NER.
    """
    def name(i: int) -> bool:
        # UPOS or PTB tag: GUM writes the "United" of "United Kingdom" as VERB/NNP,
        # the "Red" of "Red Sox" and the "Major" of "Major League" as ADJ/NNP.
        return rows[i][3] == "PROPN" or rows[i][4] in ("NNP", "NNPS")

    ids = {rows[i][0] for i in range(first, last + 1)}
    head = next((i for i in range(first, last + 1) if rows[i][6] not in ids and name(i)), None)
    if head is None or (label == "PER" and rows[head][4] == "NNPS"):
        return None
    joiners = PERSON_JOINERS if label == "PER" else NAME_JOINERS
    start = end = head
    while True:
        if end + 1 <= last and (name(end + 1) or rows[end + 1][3] == "NUM"):
            end += 1
            continue
        k = end + 1
        while k <= last and rows[k][1].lower() in joiners:
            k += 1
        particles_only = all(rows[j][1].lower() in NAME_PARTICLES for j in range(end + 1, k))
        if (k > end + 1 and k <= last and name(k)
                and (particles_only or rows[end][1] in GENERIC_NAME_WORDS)):
            end = k
            continue
        break
    while start - 1 >= first and name(start - 1):
        start -= 1
    if label == "PER":
        while start < end and rows[start][1].lower() in TITLES:
            start += 1
    return start, end + 1


def read_gum(path: Path) -> list[Sentence]:
    """One GUM document as NER sentences (multi-word token lines skipped)."""
    sentences = []
    for _, rows in _conllu_blocks(path):
        words = [r for r in rows if r[0].isdigit()]
        mentions = [m for m in gum_mentions(words) if m[2] in GUM_TYPES]
        # Outer mentions first: a named outer mention wins over names inside it.
        mentions.sort(key=lambda m: (m[0] - m[1], m[0]))
        taken = [False] * len(words)
        spans = []
        for first, last, etype in mentions:
            span = gum_name_span(words, first, last, GUM_TYPES[etype])
            if span is None or any(taken[span[0]:span[1]]):
                continue
            for i in range(*span):
                taken[i] = True
            spans.append((span[0], span[1], GUM_TYPES[etype]))
        forms = [r[1] for r in words]
        sentences.append(list(zip(forms, bio_from_spans(len(forms), spans))))
    return sentences


def read_uner(path: Path) -> list[tuple[str, list[Sentence]]]:
    """A UNER .iob2 file as documents of (token, BIO tag) sentences."""
    docs: list[tuple[str, list[Sentence]]] = []
    for comments, rows in _conllu_blocks(path):
        doc = _newdoc(comments)
        if doc is not None or not docs:
            docs.append((doc or "doc", []))
        tags = [r[2] if r[2] in ("O",) or r[2][2:] in TYPES else "O" for r in rows]
        docs[-1][1].append(list(zip([r[1] for r in rows], tags)))
    return docs


def uner_text(path: Path) -> list[tuple[str, Sentence]]:
    """(text, gold sentence) for every sentence of a UNER file with `# text`."""
    out = []
    for comments, rows in _conllu_blocks(path):
        text = next((c.split("=", 1)[1].strip() for c in comments if c.startswith("# text")), None)
        if text is not None:
            out.append((text, [(r[1], r[2]) for r in rows]))
    return out


# --------------------------------------------------------------------------
# News-style punctuation
# --------------------------------------------------------------------------

def restyle(sentences: list[Sentence], curly: bool) -> list[Sentence]:
    """Write a document's quote marks and apostrophes straight or curly.

    PTB marks (`` '' `) never come out of the bundled tokenizer, so they are
    always rewritten; curly style also turns ' into ’ inside words (’s, n’t,
    O’Brien) and in a lone ' token.
    """
    out = []
    for sentence in sentences:
        new = []
        for form, tag in sentence:
            if form in ("``", "''"):
                form = ("“" if form == "``" else "”") if curly else '"'
            elif form == "`":
                form = "‘" if curly else "'"
            elif form == '"' and curly:
                form = "“" if _opens(new) else "”"
            elif curly and "'" in form:
                form = form.replace("'", "’")
            new.append((form, tag))
        out.append(new)
    return out


def _opens(done: list[tuple[str, str]]) -> bool:
    """Whether a straight " opens a quote: an even number of them came before."""
    return sum(form in ('"', "“", "”") for form, _ in done) % 2 == 0


def styled(docs: list[list[Sentence]], source: str, name: str) -> list[Sentence]:
    """Concatenate documents, each styled curly with the source's share (fixed seed)."""
    rng = random.Random(f"{SEED}:{name}")
    out = []
    for doc in docs:
        out.extend(restyle(doc, rng.random() < CURLY_SHARE[source]))
    return out


# --------------------------------------------------------------------------
# Stage 1: prepare
# --------------------------------------------------------------------------

def input_files(data: Path) -> dict[str, list[Path]]:
    gum = gum_split(data / "gum")
    files = {
        "polnear": [data / "polnear-silver" / "train.conllu"],
        "gum-train": gum["train"], "gum-dev": gum["dev"], "gum-test": gum["test"],
        "ewt-train": [data / "uner" / "en_ewt-ud-test.iob2"],
        "ewt-dev": [data / "uner" / "en_ewt-ud-dev.iob2"],
        "pud-test": [data / "uner" / "en_pud-ud-test.iob2"],
    }
    for paths in files.values():
        for path in paths:
            if not path.exists():
                raise SystemExit(f"missing {path}")
    return files


def write_set(sentences: list[Sentence], out: Path, name: str) -> dict:
    """Write <name>.bio (token TAB tag) and <name>.json (Stanza's NER input)."""
    from stanza.utils.datasets.ner.prepare_ner_file import process_dataset

    sentences = [s for s in sentences if s]
    bio = out / f"{name}.bio"
    with bio.open("w", encoding="utf-8") as handle:
        for sentence in sentences:
            for form, tag in sentence:
                handle.write(f"{form}\t{tag}\n")
            handle.write("\n")
    process_dataset(str(bio), str(out / f"{name}.json"))
    counts = {t: sum(tag == "B-" + t for s in sentences for _, tag in s) for t in TYPES}
    return {"sentences": len(sentences), "tokens": sum(map(len, sentences)), "entities": counts}


def prepare(data: Path, work: Path) -> str:
    """Write every prepared set to work/data/; returns the data key."""
    files = input_files(data)
    key = fingerprint(files, {"version": PREPARE_VERSION, "seed": SEED, "curly": CURLY_SHARE})
    out = work / "data"
    stamp = out / "prepared.json"
    if stamped(stamp, key):
        log.info("prepare: up to date (%s)", stamp)
        return key
    out.mkdir(parents=True, exist_ok=True)
    sets: dict[str, list[Sentence]] = {}

    polnear = read_polnear(files["polnear"][0])
    sets["polnear-train"] = styled([s for i, (_, s) in enumerate(polnear) if i % 10], "polnear", "polnear-train")
    sets["polnear-dev"] = styled([s for i, (_, s) in enumerate(polnear) if not i % 10], "polnear", "polnear-dev")
    for name in ("gum-train", "gum-dev"):
        sets[name] = styled([read_gum(p) for p in files[name]], "gum", name)
    sets["gum-test"] = [s for p in files["gum-test"] for s in read_gum(p)]
    for name in ("ewt-train", "ewt-dev"):
        sets[name] = styled([s for _, s in read_uner(files[name][0])], "ewt", name)
    sets["pud-test"] = [s for _, doc in read_uner(files["pud-test"][0]) for s in doc]

    summary = {}
    for name, sentences in sets.items():
        summary[name] = write_set(sentences, out, name)
        log.info("prepare: %s: %s", name, summary[name])
    select = [s for name in SELECT_SETS for s in sets[name]]
    summary["select-dev"] = write_set(select, out, "select-dev")
    stamp.write_text(json.dumps({"key": key, "sets": summary}, indent=2))
    return key


def mix_train_file(work: Path, run_dir: Path, mix: str) -> Path:
    """The training JSON of a mix: the mix's sets, each repeated as many times as it says."""
    target = run_dir / "train.json"
    parts = MIXES[mix]
    sentences = []
    for name, copies in parts.items():
        sentences.extend(json.loads((work / "data" / f"{name}.json").read_text(encoding="utf-8")) * copies)
    run_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(sentences), encoding="utf-8")
    os.replace(tmp, target)
    return target


# --------------------------------------------------------------------------
# Stage 2: train
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class TrainConfig:
    mix: str = DEFAULT_MIX
    steps: int = 8000              # most optimiser steps (dev F1 still rose at 4,000)
    eval_every: int = 500          # steps between dev evaluations and checkpoints
    patience_steps: int = 2500     # stop when dev has not improved for this long (Stanza's default)
    batch_size: int = 32
    seed: int = SEED
    # Adam: Stanza's default SGD (lr 0.1) learnt far too slowly for a CPU budget
    # (dev F1 47 after 2,000 steps against 60 with Adam; MODELS.md).
    optim: str = "adam"
    lr: float | None = None        # None: 0.001 for adam, Stanza's default 0.1 for sgd
    # Share of words whose embedding is dropped in training. With no pretrained
    # vectors every unseen word maps to the untrained unknown-word vector, so
    # the model must learn to name an entity from its letters and context.
    word_dropout: float = 0.01     # Stanza's default
    # Torch threads. One: other jobs share the two cores, and oversubscribed
    # threads slow everything down. Not part of the run key (no effect on results).
    threads: int = 1
    # A Stanza Pretrain file (training/pretrain.py), or None for none. With one, the model
    # looks every word up in GloVe (frozen) and learns only a correction for the words
    # of its training data, so a name it never saw in training still has a vector.
    pretrain: Path | None = None

    @property
    def name(self) -> str:
        """The run's folder under work/runs/ (e.g. all-adam, all-gold3-adam-wd0.2, all-adam-glove100k)."""
        return (f"{self.mix}-{self.optim}" + (f"-wd{self.word_dropout:g}" if self.word_dropout != 0.01 else "")
                + (f"-{self.pretrain.stem}" if self.pretrain else ""))

    def key(self) -> dict:
        """The settings a checkpoint must share to be resumed (not steps: a run can be extended)."""
        settings = {k: v for k, v in asdict(self).items() if k not in ("steps", "threads", "pretrain")}
        if self.word_dropout == 0.01:
            del settings["word_dropout"]   # keeps the keys of runs made before it was a setting
        if self.pretrain:
            settings["pretrain"] = f"{self.pretrain.name}:{self.pretrain.stat().st_size}"
        return settings


def stanza_args(work: Path, run_dir: Path, train_file: Path, config: TrainConfig) -> dict:
    """Stanza's NER defaults, with our files and settings (and our pretrained vectors, if any)."""
    from stanza.models import ner_tagger

    vectors = (["--wordvec_pretrain_file", str(config.pretrain), "--word_emb_dim", "50"] if config.pretrain
               else ["--no_pretrain"])
    args = ner_tagger.parse_args([
        "--mode", "train", "--shorthand", "en_quotes", *vectors, "--cpu",
        "--train_file", str(train_file), "--eval_file", str(work / "data" / "select-dev.json"),
        "--batch_size", str(config.batch_size), "--max_steps", str(config.steps),
        "--eval_interval", str(config.eval_every), "--max_steps_no_improve", str(config.patience_steps),
        "--seed", str(config.seed), "--save_dir", str(run_dir), "--save_name", "best.pt",
        "--optim", config.optim,
        "--lr", str(config.lr if config.lr is not None else 0.1 if config.optim == "sgd" else 0.001),
        "--word_dropout", str(config.word_dropout),
    ])
    args["device"] = "cpu"
    return args


def _load_doc(path: Path):
    from stanza.models.common.doc import Document

    return Document(json.loads(path.read_text(encoding="utf-8")))


def predict(trainer, doc) -> tuple[list[list[str]], list[list[str]]]:
    """Predicted and gold tags of a Document with gold NER tags."""
    from stanza.models.ner.data import DataLoader

    batch = DataLoader(doc, trainer.args["batch_size"], trainer.args, vocab=trainer.vocab, evaluation=True)
    preds = []
    for b in batch:
        preds += trainer.predict(b)
    gold = [[tags[0] for tags in sentence] for sentence in batch.tags]
    return preds, gold


def entity_scores(preds: list[list[str]], gold: list[list[str]]) -> dict:
    """Entity-level P/R/F1 (exact span and type), overall and per type."""
    from stanza.models.ner.utils import decode_from_bioes

    def spans(seqs):
        return {(i, e["start"], e["end"], e["type"]) for i, s in enumerate(seqs) for e in decode_from_bioes(s)}

    return span_scores(spans(preds), spans(gold))


def span_scores(pred: set, gold: set) -> dict:
    """P/R/F1 of predicted against gold spans; the last item of a span is its type."""
    def prf(p: set, g: set) -> dict:
        tp = len(p & g)
        precision = tp / len(p) if p else 0.0
        recall = tp / len(g) if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"p": round(100 * precision, 2), "r": round(100 * recall, 2), "f1": round(100 * f1, 2),
                "gold": len(g), "pred": len(p)}

    result = {"all": prf(pred, gold)}
    for t in TYPES:
        result[t] = prf({s for s in pred if s[-1] == t}, {s for s in gold if s[-1] == t})
    return result


def train(work: Path, data_key: str, config: TrainConfig) -> dict:
    """Train in chunks of eval_every steps; resume from run_dir/checkpoint.pt when it matches."""
    import torch
    from stanza.models.common import utils
    from stanza.models.ner.data import DataLoader
    from stanza.models.ner.trainer import Trainer

    run_dir = work / "runs" / config.name
    # The number of steps is not part of the key, so a finished run can be extended.
    run_key = json.dumps({"data": data_key, **config.key()},
                         sort_keys=True)
    checkpoint_path = run_dir / "checkpoint.pt"
    state, finished = load_checkpoint(checkpoint_path, run_key, config.steps, log)
    if finished:
        return state

    torch.set_num_threads(config.threads)
    train_file = mix_train_file(work, run_dir, config.mix)
    args = stanza_args(work, run_dir, train_file, config)
    utils.set_random_seed(config.seed)
    # Plain batches of batch_size sentences (no max_batch_words cut, which only
    # matters for transformers): every epoch then has the same number of
    # batches, so a step number alone says where a resumed run is.
    pretrain = load_pretrain(config.pretrain)
    loader = DataLoader(_load_doc(train_file), config.batch_size, args, pretrain, evaluation=False,
                        max_batch_words=None)
    examples = [example for batch in loader.data for example in batch]   # fixed order (seeded shuffle)
    dev_doc = _load_doc(work / "data" / "select-dev.json")
    trainer = Trainer(args=args, vocab=loader.vocab, pretrain=pretrain, device="cpu")
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
        trainer.optimizer, mode="max", factor=args["lr_decay"], patience=args["patience"], min_lr=args["min_lr"])
    if state is None:
        state = {"run_key": run_key, "step": 0, "best_dev": -1.0, "best_step": 0, "seconds": 0.0,
                 "history": [], "done": False}
    else:
        trainer.model.load_state_dict(state["model"])
        trainer.optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        log.info("train: resuming at step %d", state["step"])

    batches_per_epoch = len(loader.data)
    epoch_batches: tuple[int, list] = (-1, [])

    def batch_at(step: int):
        """The batch of a 0-based global step: epoch e is a shuffle seeded by (seed, e)."""
        nonlocal epoch_batches
        epoch, index = divmod(step, batches_per_epoch)
        if epoch != epoch_batches[0]:
            order = list(examples)
            if epoch > 0:
                random.Random(f"{config.seed}:epoch{epoch}").shuffle(order)
            epoch_batches = (epoch, loader.chunk_batches(order))
        loader.data = epoch_batches[1]
        return loader[index]

    log.info("train: %s, %d sentences, %d batches an epoch", config.name, len(examples), len(loader.data))
    while not state["done"] and state["step"] < config.steps:
        started = time.monotonic()
        utils.set_random_seed(config.seed + state["step"])
        end = min(state["step"] + config.eval_every, config.steps)
        losses = [trainer.update(batch_at(step), eval=False) for step in range(state["step"], end)]
        preds, gold = predict(trainer, dev_doc)
        dev = entity_scores(preds, gold)["all"]["f1"]
        scheduler.step(dev)
        best = dev > state["best_dev"]
        if best:
            state["best_dev"], state["best_step"] = dev, end
            save_trainer(trainer, run_dir / "best.pt")
        lr = trainer.optimizer.param_groups[0]["lr"]
        state["step"] = end
        state["seconds"] += time.monotonic() - started
        state["history"].append({"step": end, "loss": round(sum(losses) / len(losses), 4), "dev": dev,
                                 "lr": lr, "seconds": round(time.monotonic() - started, 1)})
        if end - state["best_step"] >= config.patience_steps or lr <= args["min_lr"]:
            state["done"] = True
        state["model"] = trainer.model.state_dict()
        state["optimizer"] = trainer.optimizer.state_dict()
        state["scheduler"] = scheduler.state_dict()
        save_atomic(state, checkpoint_path)
        log.info("train: %s step %d/%d  loss %.3f  dev F1 %.2f%s  lr %g  (%.0f s)", config.name, end, config.steps,
                 state["history"][-1]["loss"], dev, "  best" if best else "", lr, state["history"][-1]["seconds"])
    return state


# --------------------------------------------------------------------------
# Stage 3: install
# --------------------------------------------------------------------------

# Config entries that only name files or settings of the training machine.
_LOCAL_KEYS = ("train_file", "eval_file", "eval_output_file", "save_dir", "save_name", "data_dir",
               "wordvec_dir", "wordvec_file", "wordvec_pretrain_file", "charlm_save_dir",
               "finetune_load_name", "wandb_name")


def install(run_dir: Path, target: Path = MODEL_OUT) -> Path:
    """Copy the best model to the package without paths from this machine."""
    return install_model(run_dir / "best.pt", target, _LOCAL_KEYS, log)


# --------------------------------------------------------------------------
# Stage 4: evaluate
# --------------------------------------------------------------------------

def evaluate_sets(work: Path, model: Path, names=EVAL_SETS, pretrain: Path | None = None) -> dict:
    """Entity F1 with gold tokens on each prepared set."""
    from stanza.models.ner.trainer import Trainer

    trainer = Trainer(model_file=str(model), pretrain=load_pretrain(pretrain), device="cpu")
    results = {}
    for name in names:
        preds, gold = predict(trainer, _load_doc(work / "data" / f"{name}.json"))
        results[name] = entity_scores(preds, gold)
        log.info("evaluate: %-11s %s", name, _brief(results[name]))
    return results


def _brief(scores: dict) -> str:
    return "  ".join(f"{k} {v['f1']:.2f}" for k, v in scores.items())


def _gold_char_spans(text: str, sentence: Sentence) -> set | None:
    """Character spans of the gold entities of a sentence, or None if the tokens do not align."""
    offsets, cursor = [], 0
    for form, _ in sentence:
        at = text.find(form, cursor)
        if at < 0 or text[cursor:at].strip():
            return None
        offsets.append((at, at + len(form)))
        cursor = at + len(form)
    spans, start, label = set(), None, None
    for i, (_, tag) in enumerate(sentence + [("", "O")]):
        if start is not None and not tag.startswith("I-"):
            spans.add((offsets[start][0], offsets[i - 1][1], label))
            start = None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start, label = i, tag[2:]
    return spans


def evaluate_pipeline(data: Path, model: Path, tokenizer: Path = TOKENIZER, pretrain: Path | None = None) -> dict:
    """PUD through Stanza's pipeline (bundled tokenizer + this NER model), one sentence a text.

    A predicted entity counts when its character span and type equal a gold
    one, so tokenisation errors count against the model as they would in use.
    """
    import stanza
    from stanza.models.common.doc import Document

    sentences = uner_text(data / "uner" / "en_pud-ud-test.iob2")
    pipeline = stanza.Pipeline("en", dir=str(MODELS_DIR), processors="tokenize,ner", download_method=None,
                               allow_unknown_language=True, use_gpu=False, logging_level="WARN",
                               tokenize_model_path=str(tokenizer), ner_model_path=str(model),
                               **({"ner_pretrain_path": str(pretrain)} if pretrain else {}))
    docs = pipeline.bulk_process([Document([], text=text) for text, _ in sentences])
    pred, gold, skipped = set(), set(), 0
    for i, ((text, sentence), doc) in enumerate(zip(sentences, docs)):
        spans = _gold_char_spans(text, sentence)
        if spans is None:
            skipped += 1
            continue
        gold |= {(i, *s) for s in spans}
        pred |= {(i, e.start_char, e.end_char, e.type) for e in doc.ents}
    result = span_scores(pred, gold)
    result["sentences"] = len(sentences) - skipped
    log.info("evaluate: pud-test through the pipeline (%d sentences): %s", len(sentences) - skipped,
             _brief({k: v for k, v in result.items() if k != "sentences"}))
    return result


# --------------------------------------------------------------------------

def run(data: Path = DEFAULT_DATA, work: Path = DEFAULT_WORK, config: TrainConfig = TrainConfig(),
        install_model: bool = True) -> dict:
    """All four stages; returns the summary (also in work/runs/<run name>/summary.json)."""
    import torch

    torch.set_num_threads(config.threads)
    work.mkdir(parents=True, exist_ok=True)
    data_key = prepare(data, work)
    state = train(work, data_key, config)
    run_dir = work / "runs" / config.name
    model = install(run_dir) if install_model else run_dir / "best.pt"
    scores = evaluate_sets(work, model, pretrain=config.pretrain)
    scores["pud-test-pipeline"] = evaluate_pipeline(data, model, pretrain=config.pretrain)
    summary = {"mix": config.mix, "optim": config.optim, "pretrain": config.pretrain.name if config.pretrain else None, "steps": state["step"], "best_step": state["best_step"],
               "best_dev": state["best_dev"], "train_seconds": round(state["seconds"], 1),
               "model_bytes": model.stat().st_size, "installed": install_model, "scores": scores}
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=2))
    log.info("ner: %s", json.dumps({k: v for k, v in summary.items() if k != "scores"}))
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--mix", choices=sorted(MIXES), default=DEFAULT_MIX)
    parser.add_argument("--steps", type=int, default=TrainConfig.steps)
    parser.add_argument("--optim", choices=("sgd", "adam"), default=TrainConfig.optim)
    parser.add_argument("--word-dropout", type=float, default=TrainConfig.word_dropout)
    parser.add_argument("--pretrain", type=Path, help="a Stanza Pretrain file (training/pretrain.py); "
                        "default: none")
    parser.add_argument("--install", action="store_true", help="install the model (default: only for the default mix "
                        "through training/train.py)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("stanza").setLevel(logging.WARNING)
    run(args.data.resolve(), args.work.resolve(), TrainConfig(mix=args.mix, steps=args.steps, optim=args.optim,
                                                                  word_dropout=args.word_dropout,
                                                                  pretrain=args.pretrain), args.install)
    return 0


if __name__ == "__main__":
    sys.exit(main())
