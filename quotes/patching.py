"""Replace attributes of Stanza's (and torch's) modules and classes for the length of a with block.

A patch set is a table of rows, each a `Patch`: where (a module, or a class in one), which
attribute, its replacement, and the versions of the owning package it was written for.

    SPEEDUPS = PatchSet("Stanza speedups", (Patch("stanza.models.ner.trainer", "viterbi_decode",
                                                  viterbi_decode, ("1.15", "1.16")), ...))
    with SPEEDUPS.active():
        pipeline.bulk_process(docs)

Nothing is replaced outside such blocks, so any other Stanza pipeline in the same process runs
Stanza's own code. Blocks nest and may run in several threads at once: the first one to enter
installs the table and the last one to leave puts the originals back (a count under a lock).
While one block is open, code in any thread of the process sees the replacements: quotes runs one
pipeline per process, and its parallel workers are processes of their own.

Where an installed package is not a version the table was written for, or an attribute it
replaces is missing, the block runs the original code and logs one line saying so, once per
process and reason.
"""
from __future__ import annotations

import importlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

log = logging.getLogger("quotes")


@dataclass(frozen=True)
class Patch:
    """One replaced attribute. owner: "package.module" or "package.module:Class"; versions: the
    owning package's versions the replacement was written for, from the first (included) up to
    the second (excluded)."""
    owner: str
    name: str
    replacement: Callable
    versions: tuple[str, str]

    @property
    def package(self) -> str:
        return self.owner.partition(":")[0].split(".")[0]


def resolve(owner: str):
    """The module or class a Patch's owner names, imported."""
    module, _, cls = owner.partition(":")
    found = importlib.import_module(module)
    return getattr(found, cls) if cls else found


def release(version: str) -> tuple[int, ...]:
    """The release numbers of a version string: '2.13.0+cpu' -> (2, 13, 0)."""
    found = re.match(r"\d+(\.\d+)*", version)
    return tuple(int(part) for part in found.group().split(".")) if found else ()


_MISSING = object()      # an attribute the owner did not hold itself (a class's inherited method)


class PatchSet:
    """A table of patches, installed while at least one `active()` block is open.

    switch: an environment variable that, set to 0, turns the whole table off.
    """

    def __init__(self, label: str, table: tuple[Patch, ...], switch: str | None = None):
        self.label = label
        self.table = table
        self.switch = switch
        self._lock = threading.Lock()
        self._depth = 0                     # open blocks that installed or share the installation
        self._originals: dict[tuple[str, str], object] = {}     # as the owner held them, to put back
        self._callables: dict[tuple[str, str], Callable] = {}   # as getattr gave them, to call
        self._warned: set[str] = set()

    @contextmanager
    def active(self) -> Iterator[bool]:
        """The replacements in place for the block; yields whether this block uses them."""
        if self.switch and os.environ.get(self.switch, "").strip() == "0":
            yield False
            return
        with self._lock:
            installed = self._depth > 0 or self._install()
            if installed:
                self._depth += 1
        try:
            yield installed
        finally:
            if installed:
                with self._lock:
                    self._depth -= 1
                    if self._depth == 0:
                        self._uninstall()

    def is_installed(self) -> bool:
        return self._depth > 0

    def original(self, owner: str, name: str):
        """What owner.name held before the table was installed (a replacement that only speeds up
        some cases hands the rest to it)."""
        found = self._callables.get((owner, name))
        return found if found is not None else getattr(resolve(owner), name)   # not installed: still the original

    def problem(self) -> str | None:
        """Why the table cannot be installed here, or None."""
        for package, (first, beyond) in sorted({(p.package, p.versions) for p in self.table}):
            installed = str(getattr(importlib.import_module(package), "__version__", "unknown"))
            if not release(first) <= release(installed) < release(beyond):
                return f"{package} {installed} is not a version they were written for (>={first}, <{beyond})"
        for patch in self.table:
            try:
                owner = resolve(patch.owner)
            except (ImportError, AttributeError):
                return f"{patch.owner} is missing"
            if not hasattr(owner, patch.name):
                return f"{patch.owner}.{patch.name} is missing"
        return None

    def _install(self) -> bool:
        reason = self.problem()
        if reason:
            if reason not in self._warned:
                self._warned.add(reason)
                log.warning("quotes: %s off: %s; the original code runs instead", self.label, reason)
            return False
        for patch in self.table:
            owner = resolve(patch.owner)
            self._originals[(patch.owner, patch.name)] = vars(owner).get(patch.name, _MISSING)
            self._callables[(patch.owner, patch.name)] = getattr(owner, patch.name)
            setattr(owner, patch.name, patch.replacement)
        return True

    def _uninstall(self) -> None:
        for patch in self.table:
            owner = resolve(patch.owner)
            original = self._originals.pop((patch.owner, patch.name))
            self._callables.pop((patch.owner, patch.name))
            if vars(owner).get(patch.name) is not patch.replacement:
                continue                # replaced again since by someone else: theirs stays
            if original is _MISSING:
                delattr(owner, patch.name)
            else:
                setattr(owner, patch.name, original)
