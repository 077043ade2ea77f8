"""Which quotes analysed an article: version, analysis code, models and lexicon, as one fingerprint.

The index stores the fingerprint with every article and re-analyses an article whose
fingerprint is not the current one, so an upgrade (new rules, a new model, a new lexicon
word) never leaves old attributions behind. The quotes version alone would not do: rules
change between releases in a development install, so the analysis modules' own source is
hashed too. Nothing here loads Stanza or torch.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from .records import Analyser

PACKAGE_DIR = Path(__file__).resolve().parent
# Modules that format, store, group or schedule, and never change what one article's analysis
# holds. Every other module counts, so a new analysis module is covered without a list to update.
NOT_ANALYSIS = frozenset({"__init__.py", "__main__.py", "_version.py", "analyser.py", "batch.py", "cli.py",
                          "console.py", "distributed.py", "evaluate.py", "index.py", "indexing.py", "render.py",
                          "results.py", "rows.py", "sheet.py", "store.py", "variants.py", "wording.py"})
HASH_CHARS = 12


def current(models: str | None = None) -> Analyser:
    """The analyser this process would use for the given model set (see nlp.resolve_model_set)."""
    from . import nlp
    return _current(nlp.resolve_model_set(models))


@lru_cache(maxsize=None)
def _current(model_set: str) -> Analyser:
    from . import lexicon
    from ._version import __version__
    # Subpackages too (articles/, speakers/): their modules decide what an analysis holds.
    code = sorted(p for p in PACKAGE_DIR.rglob("*.py") if p.relative_to(PACKAGE_DIR).as_posix() not in NOT_ANALYSIS)
    # The attribution scorer's weights decide like code does, whichever Stanza models parse.
    from .attribution.decide import MODEL_FILE
    code += [MODEL_FILE] if MODEL_FILE.is_file() else []
    words = sorted(p for p in lexicon.LEXICON_DIR.iterdir() if p.is_file())
    return Analyser(version=__version__, code=_hash_files(code), models=_models(model_set),
                    lexicon=_hash_files(words), stanza=_stanza_version())


def _hash_files(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:HASH_CHARS]


def _models(model_set: str) -> str:
    """'bundled 1a2b3c…' from the model files pipeline.json names; 'official …' from Stanza's resources."""
    from . import nlp
    if model_set == "bundled":
        try:
            config = json.loads(nlp.PIPELINE_CONFIG.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return "bundled (missing)"   # the pipeline build says what is wrong; nothing is analysed
        files = [nlp.MODELS_DIR / value for options in config.get("processors", {}).values()
                 for option, value in (options or {}).items() if option.endswith("_path")]
        present = [p for p in files if p.is_file()]
        return f"bundled {_hash_files([nlp.PIPELINE_CONFIG, *present])}"
    # Stanza's official models are hundreds of MB; their resources.json names each file's md5.
    resources = nlp.official_cache() / "resources.json"
    return f"official {_hash_files([resources])}" if resources.is_file() else "official (not downloaded)"


def _stanza_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("stanza")
    except PackageNotFoundError:
        return "not installed"
