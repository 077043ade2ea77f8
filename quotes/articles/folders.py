"""Folders: the files in them worth reading, depth first and sorted by name, hidden entries left
out, each folder entered once, and links that lead out of the folder refused unless followed."""
from __future__ import annotations

import os
from collections.abc import Iterator

from ..records import Skipped
from .files import EXPECTED, SUFFIXES, describe

NO_FILES = f"no {EXPECTED} files"


def files_in(folder: str, follow_links: bool = False) -> Iterator[str | Skipped]:
    """The usable file paths under `folder` (see _walk), or one Skipped saying there is none."""
    found = False
    for item in _walk(folder, follow_links):
        found = True
        yield item
    if not found:
        yield Skipped(folder, NO_FILES)


def _walk(folder: str, follow_links: bool = False) -> Iterator[str | Skipped]:
    """Yield the usable file paths under `folder`, depth first, sorted by name.

    Files and subfolders are sorted together by name. Hidden entries are
    skipped. The real path of every folder entered is remembered, so a
    symlink loop (or two links to one folder) is entered only once. A link
    that leads out of `folder` is a Skipped unless follow_links: whoever
    wrote the folder chose where it points.
    """
    visited: set[str] = set()
    base = folder.rstrip("/" + os.sep) or folder   # "seeds/" and "seeds" give "seeds/x.txt"
    inside = os.path.realpath(base)

    def visit(current: str) -> Iterator[str | Skipped]:
        real = os.path.realpath(current)
        if real in visited:
            return
        visited.add(real)
        try:
            names = sorted(os.listdir(current))
        except PermissionError:
            yield Skipped(current, "cannot read folder: permission denied")
            return
        except OSError as error:
            yield Skipped(current, f"cannot read folder: {describe(error)}")
            return
        for name in names:
            if name.startswith("."):
                continue
            path = os.path.join(current, name)
            is_dir = os.path.isdir(path)
            if not is_dir and os.path.splitext(name)[1].lower() not in SUFFIXES:
                continue
            if not follow_links and os.path.islink(path) and not _within(os.path.realpath(path), inside):
                yield Skipped(path, f"a link that leads outside {base}; --follow-links to index it")
            elif is_dir:
                yield from visit(path)
            else:
                yield path

    yield from visit(base)


def _within(path: str, folder: str) -> bool:
    """True where the real path `path` is `folder` or under it (both resolved)."""
    return os.path.commonpath([path, folder]) == folder
