"""One input file read safely: which file types are read, the size limit, and a one-line reason
for a file that cannot be read (a FIFO, a broken link, no permission, too large, not text)."""
from __future__ import annotations

import os
import stat

from ..records import Skipped
from .decoding import Unreadable, decode

MAX_BYTES = 64 * 1024 * 1024        # larger files are skipped, not read into memory
SUFFIXES = (".txt", ".md", ".jsonl", ".csv", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")
EXPECTED = ".txt, .md, .jsonl, .csv, .html or .htm"


def check_regular_file(path: str) -> str | None:
    """Return why `path` cannot be read as a file, or None when it can."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        # lexists() said yes, so this is a link to nothing (or a file just removed).
        return "broken symbolic link" if os.path.islink(path) else "no such file or folder"
    except OSError as error:
        return f"cannot read: {describe(error)}"
    if not stat.S_ISREG(info.st_mode):
        # A FIFO or a device would block or never end.
        return "not a regular file"
    return None


def file_bytes(path: str) -> bytes | Skipped:
    """The file's bytes, or a Skipped saying why not: over MAX_BYTES (never read into memory), unreadable."""
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            return Skipped(path, f"file too large ({mib(size)}; the limit is {mib(MAX_BYTES)})")
        return _read_bytes(path)
    except OSError as error:
        return Skipped(path, f"cannot read: {describe(error)}")


def file_text(path: str, encoding: str | None) -> str | Skipped:
    """The file decoded (see decoding.decode), or a Skipped saying why not."""
    data = file_bytes(path)
    if isinstance(data, Skipped):
        return data
    try:
        return decode(data, encoding)
    except Unreadable as problem:
        return Skipped(path, str(problem))


def _read_bytes(path: str) -> bytes:
    """Read the whole file as bytes (a separate function so tests can fail it)."""
    with open(path, "rb") as handle:
        return handle.read()


def describe(error: OSError) -> str:
    """A short lower-case description of an OS error."""
    if isinstance(error, PermissionError):
        return "permission denied"
    return (error.strerror or str(error)).lower()


def mib(size: int) -> str:
    """A byte count in MiB for messages."""
    return f"{size / (1024 * 1024):.1f} MiB".replace(".0 MiB", " MiB")
