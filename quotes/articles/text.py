"""Plain text and Markdown articles (.txt, .md; text from standard input or a link too).

A text may start with a metadata header::

    ---
    id: 003_b295f3cf550afbc6
    outlet: Chicago Sun-Times
    title: Mayor signs order
    ---
    The body starts on the line after the closing fence.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..records import Article, Skipped
from .files import file_text
from .metadata import METADATA_KEYS, article_from

MAX_HEADER_LINES = 30               # a header longer than this is taken to be body text
# `key: value`. A space (or the end of the line) must follow the colon so that
# a line such as "http://example.com" is not mistaken for a key.
HEADER_LINE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)[ \t]*:(?:[ \t]+(.*?))?[ \t]*")


def load_text(path: str, outlet: str | None, encoding: str | None = None) -> Article | Skipped:
    """Read a .txt or .md file: decode it, split off the header, build the Article."""
    text = file_text(path, encoding)
    return text if isinstance(text, Skipped) else text_article(text, path, Path(path).stem, outlet)


def text_article(text: str, source: str, default_id: str, outlet: str | None) -> Article | Skipped:
    """An article from decoded text with an optional metadata header."""
    if not text.strip():
        return Skipped(source, "empty file")
    meta, body = split_header(text)
    if not body.strip():
        return Skipped(source, "empty file (nothing after the metadata header)")
    return article_from(body, meta, source=source, default_id=default_id, outlet=outlet)


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Split a `---` metadata header off the top of `text`.

    Returns (metadata, body). Keys are lower-cased; values are stripped, and
    one pair of surrounding quotes is removed. When the top of the text does
    not look like a header, the metadata is empty and the body is `text`
    unchanged, so a markdown horizontal rule never eats text.
    """
    lines = text.split("\n")     # not splitlines(): it also breaks on \x0c, \u2028 …
    if not lines or lines[0].rstrip() != "---":
        return {}, text
    meta: dict[str, str] = {}
    consumed = len(lines[0]) + 1
    for line in lines[1:MAX_HEADER_LINES + 2]:
        stripped = line.rstrip()
        if stripped == "---":
            if not any(key in meta for key in METADATA_KEYS):
                return {}, text
            return meta, text[consumed + len(line) + 1:]
        match = HEADER_LINE.fullmatch(stripped)
        if match is None:
            return {}, text
        meta[match.group(1).lower()] = _unquote(match.group(2) or "")
        consumed += len(line) + 1
    return {}, text             # no closing fence near the top: it is body text


def _unquote(value: str) -> str:
    """Remove one pair of matching quotes around a header value (YAML habit)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
