"""JSON Lines files (.jsonl): one article per line, a "text" field and metadata fields; a bad
line is skipped alone, named by its line number."""
from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path

from ..records import Article, Skipped
from . import files
from .decoding import BINARY_SAMPLE, Unreadable, looks_binary
from .metadata import METADATA_KEYS, article_from


def load_jsonl(path: str, outlet: str | None) -> Iterator[Article | Skipped]:
    """Read a .jsonl file: one article per line; a bad line is skipped alone."""
    stem = Path(path).stem
    seen_any = False
    try:
        with open(path, "rb") as handle:
            head = handle.read(BINARY_SAMPLE)
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                # Would otherwise be called binary for its NUL bytes.
                yield Skipped(path, "UTF-16 text; convert it to UTF-8 (JSONL must be UTF-8)")
                return
            if b"\x00" in head or looks_binary(head):
                yield Skipped(path, "binary file, not text")
                return
            handle.seek(0)
            for lineno, offset, raw in _numbered_lines(handle):
                if raw is not None and not raw.strip():
                    continue          # blank lines are allowed, e.g. a trailing one
                seen_any = True
                source = f"{path}:{lineno}"
                if raw is None:
                    yield Skipped(source, f"line too long (over {files.mib(files.MAX_BYTES)})")
                    continue
                try:
                    record = _parse_jsonl_line(raw, offset)
                except Unreadable as problem:
                    yield Skipped(source, str(problem))
                    continue
                meta = {key: _scalar(record.get(key)) for key in METADATA_KEYS}
                yield article_from(record["text"], meta, source=source,
                                   default_id=f"{stem}-{lineno}", outlet=outlet)
    except OSError as error:
        yield Skipped(path, f"cannot read: {files.describe(error)}")
        return
    if not seen_any:
        yield Skipped(path, "empty file")


def _numbered_lines(handle) -> Iterator[tuple[int, int, bytes | None]]:
    """Yield (line number, byte offset, line bytes) without holding the whole file.

    A line longer than MAX_BYTES is yielded with None for its bytes, so that
    one giant line cannot exhaust memory; the caller reports it.
    """
    lineno = 0
    offset = 0
    while True:
        raw = handle.readline(files.MAX_BYTES + 1)
        if not raw:
            return
        lineno += 1
        start = offset
        offset += len(raw)
        if len(raw) > files.MAX_BYTES:
            # Read past the rest of the over-long line without keeping it.
            while raw and not raw.endswith(b"\n"):
                raw = handle.readline(files.MAX_BYTES + 1)
                offset += len(raw)
            yield lineno, start, None
            continue
        yield lineno, start, raw


def _parse_jsonl_line(raw: bytes, offset: int) -> dict:
    """Parse one JSONL line into a dict with a non-empty string `text`."""
    skip = len(codecs.BOM_UTF8) if offset == 0 and raw.startswith(codecs.BOM_UTF8) else 0
    try:
        line = raw[skip:].decode("utf-8")
    except UnicodeDecodeError as error:
        where = offset + skip + error.start
        raise Unreadable(
            f"not valid UTF-8 (byte 0x{raw[skip + error.start]:02X} at offset {where}); "
            "convert it to UTF-8") from None
    try:
        # Without its line ending, so an unterminated string is reported as such.
        record = json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as error:
        # json's messages end in " at" ("Expecting value", "Unterminated string starting at").
        what = error.msg.removesuffix(" at")
        raise Unreadable(f"not valid JSON ({what[:1].lower()}{what[1:]} at column {error.colno})") from None
    if not isinstance(record, dict):
        raise Unreadable(f"not a JSON object (got {_json_type(record)})")
    if "text" not in record:
        raise Unreadable('no "text" field')
    if not isinstance(record["text"], str):
        raise Unreadable(f'"text" must be a string (got {_json_type(record["text"])})')
    if not record["text"].strip():
        raise Unreadable('empty "text"')
    return record


def _scalar(value: object) -> str | None:
    """A metadata value as a string; lists, objects and null count as missing."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"   # JSON spelling, not Python's True
    if isinstance(value, (int, float)):
        return str(value)
    return None


def _json_type(value: object) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
