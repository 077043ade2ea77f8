"""What the training scripts share: the repository's folders, the GUM document split, work-file
fingerprints, atomic saves, installing a model into the package."""
from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"
MODELS_DIR = REPO / "quotes" / "models"


def checkout_quotes():
    """The quotes package, after checking it is this checkout's: the scripts write models into
    quotes/models/ here and measure them through quotes, which a copy installed elsewhere (`pip
    install .` rather than `pip install -e .`) would not read."""
    import quotes

    found = Path(quotes.__file__).resolve().parent
    if found != REPO / "quotes":
        raise SystemExit(f"training: quotes is imported from {found}, not from this checkout ({REPO / 'quotes'}): "
                         "install it with pip install -e . or run from the repository root as python -m training.<script>")
    return quotes


def gum_split(gum_dir: Path) -> dict[str, list[Path]]:
    """Split GUM by document: sorted names, every 10th to dev, the next to test."""
    docs = sorted(gum_dir.glob("*.conllu"))
    if not docs:
        raise SystemExit(f"no GUM documents (*.conllu) in {gum_dir}")
    split: dict[str, list[Path]] = {"train": [], "dev": [], "test": []}
    for i, doc in enumerate(docs):
        split["dev" if i % 10 == 0 else "test" if i % 10 == 1 else "train"].append(doc)
    return split


def fingerprint(files: dict[str, list[Path]], extra: dict) -> str:
    """A hash of the inputs (names, sizes) and settings of the prepare stage."""
    h = hashlib.sha256(json.dumps(extra, sort_keys=True).encode())
    for name, paths in sorted(files.items()):
        for path in paths:
            h.update(f"{name}:{path.name}:{path.stat().st_size}\n".encode())
    return h.hexdigest()[:16]


def load_pretrain(path: str | Path | None):
    """Stanza's Pretrain of a file made by training/pretrain.py, or None where no file is named."""
    if not path:
        return None
    from stanza.models.common.pretrain import Pretrain

    return Pretrain(str(path))


def save_atomic(obj, path: Path) -> None:
    """torch.save to a temporary name, then rename, so a kill never leaves half a file."""
    import torch

    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def stamped(stamp: Path, key: str) -> bool:
    """Whether the work files under a stamp (a JSON file with a "key") were made from these inputs."""
    return stamp.exists() and json.loads(stamp.read_text()).get("key") == key


def save_trainer(trainer, path: Path) -> None:
    """A Stanza trainer's model saved to a temporary name, then renamed, so a kill never leaves
    half a file. Stanza logs rather than raises when a save fails, hence the check."""
    tmp = path.with_name(path.name + ".tmp")
    trainer.save(str(tmp))
    if not tmp.exists():
        raise RuntimeError(f"Stanza could not save {tmp}")
    os.replace(tmp, path)


def _same_model(a: dict, b: dict) -> bool:
    """Whether two saved Stanza models hold the same weights and settings."""
    import torch

    if a.keys() != b.keys() or a["model"].keys() != b["model"].keys():
        return False
    same_weights = all(torch.equal(a["model"][k], b["model"][k]) for k in a["model"])
    return same_weights and all(a[k] == b[k] for k in a if k != "model")


def install_model(best: Path, target: Path, local_keys: tuple[str, ...], log: logging.Logger) -> Path:
    """Copy a saved Stanza model to the package, its config stripped of this machine's paths
    (local_keys) and set to the CPU."""
    import torch

    model = torch.load(best, weights_only=True)
    for key in local_keys:
        if key in model["config"]:
            model["config"][key] = None
    model["config"]["device"] = "cpu"
    # torch's legacy format is not byte-stable, so compare contents: rewriting
    # an unchanged model would show up as a change in git.
    if target.exists() and _same_model(torch.load(target, weights_only=True), model):
        log.info("install: up to date (%s)", target)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    # The legacy format is what Stanza itself writes (Trainer.save).
    torch.save(model, tmp, _use_new_zipfile_serialization=False)
    os.replace(tmp, target)
    log.info("install: %s (%.2f MB)", target, target.stat().st_size / 1e6)
    return target


def load_checkpoint(path: Path, run_key: str, steps: int, log: logging.Logger) -> tuple[dict | None, bool]:
    """The saved training state to resume from and whether the run is already finished.

    A checkpoint from other data or settings (another run_key) is ignored.
    """
    import torch

    if not path.exists():
        return None, False
    state = torch.load(path, weights_only=False)
    if state["run_key"] != run_key:
        log.info("train: checkpoint is from other data or settings; starting again")
        return None, False
    if state.get("done") or state["step"] >= steps:
        log.info("train: done already (%d steps, best dev %.4g at step %d)",
                 state["step"], state["best_dev"], state["best_step"])
        return state, True
    return state, False
