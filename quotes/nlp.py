"""Build, cache and run the Stanza pipeline that parses article text.

Two model sets:

- ``bundled`` (default): the models shipped in ``quotes/models/`` and listed in
  ``quotes/models/pipeline.json``; trained by ``python training/train.py``.
  Never touches the network.
- ``official``: Stanza's own English package (tokenize, mwt, pos, lemma,
  depparse, ner) from Stanza's model cache, downloaded there when missing.

A pipeline is built once per model set and process and then reused. Stanza is
imported only when a pipeline is needed, so importing this module is cheap.
"""
from __future__ import annotations

import bisect
import itertools
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from . import marks

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    import stanza
    from stanza.models.common.doc import Document

MODEL_SETS = ("bundled", "official")
ENV_VAR = "QUOTES_MODELS"
MODELS_DIR = Path(__file__).resolve().parent / "models"
PIPELINE_CONFIG = MODELS_DIR / "pipeline.json"
TRAIN_COMMAND = "python training/train.py"

OFFICIAL_LANG = "en"
OFFICIAL_PROCESSORS = "tokenize,mwt,pos,lemma,depparse,ner"
# Stanza downloads with requests and no timeout: without a network check first,
# a firewall that drops packets would hang the command for minutes.
NETWORK_TIMEOUT = 5.0

_pipelines: dict[str, "stanza.Pipeline"] = {}
_lock = threading.Lock()


class ModelsUnavailable(RuntimeError):
    """The models of a model set are missing and cannot be fetched."""


# --------------------------------------------------------------------------
# Choosing and building pipelines
# --------------------------------------------------------------------------

def resolve_model_set(models: str | None = None) -> str:
    """The model set to use: the argument, else $QUOTES_MODELS, else 'bundled'."""
    name = (models or os.environ.get(ENV_VAR) or "bundled").strip().lower()
    if name not in MODEL_SETS:
        raise ValueError(f"unknown model set {name!r}; choose one of {', '.join(MODEL_SETS)}")
    return name


def get_pipeline(models: str | None = None) -> "stanza.Pipeline":
    """The Stanza pipeline for a model set, built on first use and then cached."""
    name = resolve_model_set(models)
    with _lock:  # two threads must not both spend seconds building the same pipeline
        if name not in _pipelines:
            with torch_threads():
                _pipelines[name] = _build_bundled() if name == "bundled" else _build_official()
        return _pipelines[name]


@contextmanager
def torch_threads() -> Iterator[None]:
    """Run torch on one thread (or $QUOTES_TORCH_THREADS) here, and give the caller back its own setting.

    The bundled models are small: on a 2-core machine with anything else running,
    torch's default of one thread per core made the tokenizer's LSTM 300 times
    slower (36 s instead of 0.12 s for one article, measured); parallel indexing
    uses worker processes instead. torch's thread count is process-wide, so a
    library call that left it changed would slow its caller's own torch work.
    """
    import torch

    wanted = os.environ.get("QUOTES_TORCH_THREADS", "1")
    wanted = max(1, int(wanted)) if wanted.isdigit() else 1
    before = torch.get_num_threads()
    if wanted != before:
        torch.set_num_threads(wanted)
    try:
        yield
    finally:
        if wanted != before:
            torch.set_num_threads(before)


def check_models(models: str | None = None) -> None:
    """Raise ModelsUnavailable where the bundled model files are missing, without loading them.

    For `--jobs N` the parent process only needs to know the workers will find their models;
    building a pipeline there as well would cost seconds and some 400 MB for nothing. The
    official set is built here (once), so that N workers do not all download it.
    """
    if resolve_model_set(models) == "official":
        get_pipeline(models)
    else:
        _bundled_setup()


def processors_used(pipeline: "stanza.Pipeline") -> list[str]:
    """Names of the processors a pipeline loaded, in the order they run."""
    from stanza.pipeline.registry import PIPELINE_NAMES

    return [name for name in PIPELINE_NAMES if pipeline.processors.get(name) is not None]


def _read_pipeline_config() -> dict:
    """pipeline.json: the language and, per processor, its options and model files."""
    try:
        config = json.loads(PIPELINE_CONFIG.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelsUnavailable(f"the bundled model list {PIPELINE_CONFIG} is missing; "
                                f"reinstall quotes or run `{TRAIN_COMMAND}` from the repository root") from None
    if not config.get("processors"):
        raise ModelsUnavailable(f"{PIPELINE_CONFIG} lists no processors")
    return config


def _bundled_setup() -> tuple[dict, dict[str, str]]:
    """pipeline.json and the Pipeline keyword arguments it gives, every file they name checked."""
    config = _read_pipeline_config()
    kwargs = _bundled_kwargs(config)
    if not (MODELS_DIR / "resources.json").is_file():
        raise ModelsUnavailable(f"{MODELS_DIR / 'resources.json'} is missing (Stanza needs it, "
                                "even empty); reinstall quotes")
    return config, kwargs


def _bundled_kwargs(config: dict) -> dict[str, str]:
    """Pipeline keyword arguments from pipeline.json, e.g. tokenize_model_path.

    Options ending in ``_path`` name files in the models folder; they become
    absolute paths so the package works from any working directory.
    """
    kwargs: dict[str, str] = {}
    for processor, options in config["processors"].items():
        for option, value in (options or {}).items():
            if option.endswith("_path"):
                path = MODELS_DIR / value
                if not path.is_file():
                    raise ModelsUnavailable(
                        f"bundled {processor} model file {path} is missing; train it with "
                        f"`{TRAIN_COMMAND}` from the repository root, or use --models official")
                value = str(path)
            kwargs[f"{processor}_{option}"] = value
    return kwargs


class _DropLanguageWarning(logging.Filter):
    """Hide Stanza's 'unsupported language' warning for the bundled pipeline.

    The bundled models come with an empty resources.json (Stanza insists on
    one), so Stanza thinks English is an unknown language and says so on every
    start; the warning means nothing here.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "pipeline for unsupported language" not in record.getMessage()


def _build_bundled() -> "stanza.Pipeline":
    """The pipeline over quotes/models/, built from pipeline.json."""
    config, kwargs = _bundled_setup()
    import stanza

    stanza_log = logging.getLogger("stanza")
    quiet = _DropLanguageWarning()
    stanza_log.addFilter(quiet)
    try:
        return stanza.Pipeline(lang=config.get("lang", "en"), dir=str(MODELS_DIR),
                               processors=",".join(config["processors"]),
                               download_method=None, allow_unknown_language=True,
                               use_gpu=False, logging_level="WARN", **kwargs)
    finally:
        stanza_log.removeFilter(quiet)


def official_cache() -> Path:
    """Where Stanza keeps its downloaded models ($STANZA_RESOURCES_DIR or its default)."""
    from stanza.resources.common import DEFAULT_MODEL_DIR

    return Path(DEFAULT_MODEL_DIR)


def _build_official() -> "stanza.Pipeline":
    """Stanza's English package: from the cache if complete, else downloaded.

    The cache is tried first with downloads off, so a filled cache works
    offline. Otherwise the download hosts must answer within NETWORK_TIMEOUT.
    """
    import stanza
    from stanza.pipeline.core import DownloadMethod
    from stanza.resources.common import DEFAULT_RESOURCES_URL

    cache = official_cache()

    def build(method):
        return stanza.Pipeline(OFFICIAL_LANG, dir=str(cache), processors=OFFICIAL_PROCESSORS,
                               download_method=method, use_gpu=False, logging_level="WARN")

    cached_error: Exception | None = None
    if (cache / "resources.json").is_file():
        try:
            return build(DownloadMethod.NONE)
        except Exception as error:  # any missing piece: fall through to a download
            cached_error = error
    hosts = [DEFAULT_RESOURCES_URL, "https://huggingface.co"]
    unreachable = [url for url, ok in _reachable(hosts, NETWORK_TIMEOUT).items() if not ok]
    if unreachable:
        detail = f" (cached copy: {cached_error})" if cached_error else ""
        raise ModelsUnavailable(
            f"Stanza's official English models could not be downloaded: no answer from "
            f"{', '.join(unreachable)} within {NETWORK_TIMEOUT:.0f} s, and they are not complete in "
            f"Stanza's cache {cache}{detail}. Use --models bundled, or connect once to fill the "
            "cache (set STANZA_RESOURCES_DIR to use another cache folder).")
    try:
        return build(DownloadMethod.REUSE_RESOURCES)
    except Exception as error:
        raise ModelsUnavailable(f"Stanza's official English models could not be downloaded to "
                                f"{cache}: {error}. Use --models bundled.") from error


def _reachable(urls: list[str], timeout: float) -> dict[str, bool]:
    """Whether each URL answers any HTTP response within `timeout` seconds in all.

    Each check runs in a daemon thread so the total wait is bounded even when
    a host has many addresses to try; requests honours proxy settings.
    """
    import requests

    results = dict.fromkeys(urls, False)

    def check(url: str) -> None:
        try:
            requests.head(url, timeout=timeout, allow_redirects=False)
            results[url] = True
        except requests.RequestException:
            pass

    threads = [threading.Thread(target=check, args=(url,), daemon=True) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)   # threads run in parallel, so this waits ~timeout at most
    return dict(results)


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------

def _empty_document(text: str) -> "Document":
    from stanza.models.common.doc import Document

    return Document([], text=text)


def parse(text: str, models: str | None = None, syntax_ranges: list[tuple[int, int]] | None = None) -> "Document":
    """Parse one text. Token offsets (start_char, end_char) index into `text`; see parse_many
    for syntax_ranges."""
    return parse_many([text], models, None if syntax_ranges is None else [syntax_ranges])[0]


# Processors that tag and parse: with syntax_ranges they run only on the sentences asked for.
SYNTAX_PROCESSORS = ("pos", "lemma", "depparse")


def parse_many(texts: list[str], models: str | None = None,
               syntax_ranges: list[list[tuple[int, int]]] | None = None) -> list["Document"]:
    """Parse several texts in one batch; one Document per text, in order.

    Uses Stanza's bulk processing: the tokenizer reads all texts joined by
    blank lines (so no sentence spans two texts) and offsets are mapped back
    to each text.

    syntax_ranges: per text, character ranges whose sentences (see sentences_touching) need POS
    tags and a dependency parse. Every other sentence gets only the processors that do not
    need them (tokenize, NER): its words have no tags or heads. The parser is the slowest
    processor, and attribution reads the parse only around quotes. None: every sentence.
    """
    from stanza.models.common.doc import Document

    results: list[Document | None] = [None] * len(texts)
    todo = [i for i, text in enumerate(texts) if text.strip()]
    if todo:
        pipeline = get_pipeline(models)
        used = processors_used(pipeline)
        syntax = [name for name in used if name in SYNTAX_PROCESSORS]
        from . import stanza_speedups      # Stanza's own results in less time, for these calls only
        with torch_threads(), stanza_speedups.active():
            # Stanza reads hard-wrapped text with its line breaks made spaces (same offsets).
            docs = [Document([], text=marks.unwrapped(texts[i])) for i in todo]
            docs = [split_long_sentences(doc) for doc in pipeline.bulk_process(docs, processors=SPLITTING_PROCESSORS)]
            rest = [name for name in used if name not in SPLITTING_PROCESSORS]
            if syntax_ranges is None or not syntax:
                docs = pipeline.bulk_process(docs, processors=rest)
            else:
                docs = pipeline.bulk_process(docs, processors=[n for n in rest if n not in SYNTAX_PROCESSORS])
                chosen = [s for doc, i in zip(docs, todo) for s in sentences_touching(doc, syntax_ranges[i])]
                parse_sentences(pipeline, chosen, syntax)
        for i, doc in zip(todo, docs):
            results[i] = doc
    return [doc if doc is not None else _empty_document(texts[i]) for i, doc in enumerate(results)]


# Processors that make the sentences, before any that reads them.
SPLITTING_PROCESSORS = ("tokenize", "mwt")


def split_long_sentences(doc: "Document") -> "Document":
    """The tokenized doc, or a copy whose sentences of more than MAX_SENTENCE_TOKENS tokens (see
    quotes.document) are cut into pieces of that many (the same tokens at the same offsets)."""
    from stanza.models.common.doc import Document

    from .document import MAX_SENTENCE_TOKENS

    if all(len(s.tokens) <= MAX_SENTENCE_TOKENS for s in doc.sentences):
        return doc
    sentences = []
    for sentence in doc.sentences:
        tokens = sentence.tokens
        for first in range(0, len(tokens), MAX_SENTENCE_TOKENS):
            piece = tokens[first:first + MAX_SENTENCE_TOKENS]
            shift = piece[0].id[0] - 1          # word ids start at 1 in every sentence
            entries = []
            for token in piece:
                for entry in token.to_dict():
                    number = entry["id"]
                    entry["id"] = tuple(n - shift for n in number) if isinstance(number, tuple) else number - shift
                    entries.append(entry)
            sentences.append(entries)
    return Document(sentences, text=doc.text)


def sentences_touching(doc: "Document", ranges: list[tuple[int, int]]) -> list:
    """The sentences that overlap any of the character ranges, and the sentence before and after
    each; a sentence that quotes.document joins to a chosen one (the tokenizer split it after a
    plain word: "Dr. Mehmet | Oz said") counts as part of it."""
    from .document import continues_sentence

    sentences = doc.sentences
    if not sentences:
        return []
    # Sentences as attribution reads them: runs of Stanza sentences that from_stanza joins.
    groups, current = [], [0]
    for k in range(1, len(sentences)):
        last = sentences[k - 1].tokens[-1]
        word = doc.text[last.start_char:last.end_char]
        if continues_sentence(doc.text, word, last.end_char, sentences[k].tokens[0].start_char):
            current.append(k)
        else:
            groups.append(current)
            current = [k]
    groups.append(current)
    # A range overlaps [first, last) when it starts before last and ends after first: among the
    # ranges starting before last, the furthest end decides.
    ranges = sorted(ranges)
    starts = [start for start, _ in ranges]
    furthest = list(itertools.accumulate((end for _, end in ranges), max))

    def touched(group: list[int]) -> bool:
        first, last = sentences[group[0]].tokens[0].start_char, sentences[group[-1]].tokens[-1].end_char
        before = bisect.bisect_left(starts, last)
        return before > 0 and furthest[before - 1] > first

    hit = [touched(g) for g in groups]
    return [sentences[k] for n, g in enumerate(groups) if any(hit[max(0, n - 1):n + 2]) for k in g]


# What the syntax processors write on each word, copied back from the sentences they ran on.
SYNTAX_FIELDS = ("upos", "xpos", "feats", "lemma", "head", "deprel")


def parse_sentences(pipeline: "stanza.Pipeline", sentences: list, processors: list[str]) -> None:
    """Tag and parse these sentences (of any documents) in one batch, in place, as if the
    processors had run on their documents."""
    from stanza.models.common.doc import Document

    if not sentences:
        return
    parsed = pipeline.process(Document([s.to_dict() for s in sentences]), processors=processors)
    for original, result in zip(sentences, parsed.sentences, strict=True):
        for word, done in zip(original.words, result.words, strict=True):
            for field in SYNTAX_FIELDS:
                setattr(word, field, getattr(done, field))
        if "depparse" in processors:
            original.build_dependencies()
