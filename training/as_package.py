"""Lets a training script run as a file and still import its neighbours as the package `training`.

`python training/train_syntax.py` puts training/ itself on sys.path, not the folder above it, and
runs the file with no package, so `from . import common` would fail. Each script starts with

    if not __package__:            # run as a file: see as_package.py
        import as_package
        __package__ = as_package.register()

which imports this folder as the package `training` (its __init__.py, found by file location,
not by editing sys.path) and gives the script that package, as PEP 366 describes; the relative
imports below it then work as under `python -m training.train_syntax`. A child process that
multiprocessing spawns runs the script again and so registers the package again.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

PACKAGE = "training"


def register() -> str:
    """Import this folder as the package `training` (once) and return its name."""
    if PACKAGE not in sys.modules:
        folder = Path(__file__).resolve().parent
        spec = importlib.util.spec_from_file_location(PACKAGE, folder / "__init__.py",
                                                      submodule_search_locations=[str(folder)])
        package = importlib.util.module_from_spec(spec)
        sys.modules[PACKAGE] = package
        spec.loader.exec_module(package)
    return PACKAGE
