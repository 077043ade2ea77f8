"""Bytes into text: UTF-8 unless told otherwise, byte order marks, and binary files told apart
from text. Newlines are left exactly as stored, so every offset later stages compute points
into the file's own characters."""
from __future__ import annotations

import codecs
from collections.abc import Iterable

# Share of control characters above which a file is treated as binary. Text in
# any encoding has almost none; random binary data has about 12%.
BINARY_CONTROL_SHARE = 0.05
BINARY_SAMPLE = 64 * 1024
# Control characters that ordinary text does contain.
TEXT_CONTROLS = frozenset(b"\t\n\r\f")


class Unreadable(Exception):
    """A file that cannot become an article; the message is the reason."""


def decode(data: bytes, encoding: str | None = None) -> str:
    """Decode file bytes to text, or raise Unreadable with a one-line reason.

    UTF-8 is required unless `encoding` names another (a legacy export in
    cp1252, say); a UTF-8 byte order mark is dropped, and a file with a UTF-16
    byte order mark (as Windows editors write) is decoded as UTF-16. UTF-16
    without a byte order mark is named as such, not called binary. Newlines are
    left exactly as stored.
    """
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            raise Unreadable(f"not valid {encoding} (byte 0x{data[error.start]:02X} at offset {error.start})") from None
        text = text.removeprefix("\ufeff")
        if looks_binary(ord(char) for char in text[:BINARY_SAMPLE]):
            raise Unreadable(f"binary file, not text (read as {encoding})")
        return text
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")        # uses the BOM and drops it
        except UnicodeDecodeError as error:
            raise Unreadable(f"not valid UTF-16 ({error.reason}); convert it to UTF-8") from None
        if looks_binary(ord(char) for char in text[:BINARY_SAMPLE]):
            raise Unreadable("binary file, not text")
        return text
    unmarked = _utf16_without_bom(data)
    if unmarked:
        raise Unreadable(f"UTF-16 text without a byte order mark; convert it to UTF-8, or give --encoding {unmarked}")
    if b"\x00" in data or looks_binary(data[:BINARY_SAMPLE]):
        raise Unreadable("binary file, not text")
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = skip + error.start           # offset in the file, BOM included
        raise Unreadable(
            f"not valid UTF-8 (byte 0x{data[offset]:02X} at offset {offset}); "
            "convert it to UTF-8") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' where the bytes read as UTF-16 text with no byte order mark:
    most characters of Latin text are one ASCII byte beside a NUL, always on the same side."""
    sample = data[:BINARY_SAMPLE - BINARY_SAMPLE % 2]
    if len(sample) < 4:
        return None
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    for nuls, others, name in ((odd_nuls, even_nuls, "utf-16-le"), (even_nuls, odd_nuls, "utf-16-be")):
        if nuls >= 0.6 * half and others <= 0.05 * half:
            try:
                text = sample.decode(name)
            except UnicodeDecodeError:
                return None
            return None if looks_binary(ord(char) for char in text) else name
    return None


def check_encoding(encoding: str) -> None:
    """Raise LookupError with a one-line message for an encoding Python does not know (the CLI
    checks --encoding with it before reading anything)."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise LookupError(f"unknown encoding '{encoding}' (try utf-8, cp1252, latin-1 or utf-16)") from None


def looks_binary(codes: Iterable[int], nul_is_binary: bool = True) -> bool:
    """True when a NUL (where nul_is_binary) or more than a few percent control characters occur."""
    total = controls = 0
    for code in codes:
        total += 1
        if code == 0 and nul_is_binary:
            return True
        if (code < 0x20 and code not in TEXT_CONTROLS) or code == 0x7F:
            controls += 1
    return total > 0 and controls / total > BINARY_CONTROL_SHARE
