"""Reading articles from files, folders, links and standard input: .txt, .md, .jsonl, .csv and
web pages (.html, .htm, or a page fetched from an http(s) link; see webpages.py).

`load(paths)` turns the paths a user gives into `Article`s, or into `Skipped`
records that say in one line why an input could not be used. It never raises
for a bad input, so one broken file does not stop a whole folder.

The body is kept exactly as stored: bytes are decoded without translating
newlines, so every offset the later stages compute can be checked with
``article.text[start:end]`` against the file (minus its metadata header).

A .txt or .md file may start with a metadata header::

    ---
    id: 003_b295f3cf550afbc6
    outlet: Chicago Sun-Times
    title: Mayor signs order
    ---
    The body starts on the line after the closing fence.

This module knows nothing about NLP.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import re
import stat
import sys
import urllib.parse
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from . import fetch, webpages
from .records import Article, Skipped

MAX_BYTES = 64 * 1024 * 1024        # larger files are skipped, not read into memory
MAX_HEADER_LINES = 30               # a header longer than this is taken to be body text
# Longer articles are skipped rather than analysed: a million characters is some 170,000
# words, twenty times the longest news story, and would hold the parser for minutes.
MAX_ARTICLE_CHARS = 1_000_000
# A saved news page is some 0.1-3 MB of HTML. Extracting the article from a 12 MB page took 40 s
# (measured), so larger pages are refused before extraction rather than after.
MAX_PAGE_BYTES = 8 * 1024 * 1024
SUFFIXES = (".txt", ".md", ".jsonl", ".csv", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")
METADATA_KEYS = ("id", "outlet", "title", "url", "published", "author")
STDIN = "-"

EXPECTED = ".txt, .md, .jsonl, .csv, .html or .htm"
NO_FILES = f"no {EXPECTED} files"

# Share of control characters above which a file is treated as binary. Text in
# any encoding has almost none; random binary data has about 12%.
BINARY_CONTROL_SHARE = 0.05
BINARY_SAMPLE = 64 * 1024
# Control characters that ordinary text does contain.
TEXT_CONTROLS = frozenset(b"\t\n\r\f")

# `key: value`. A space (or the end of the line) must follow the colon so that
# a line such as "http://example.com" is not mistaken for a key.
HEADER_LINE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)[ \t]*:(?:[ \t]+(.*?))?[ \t]*")

# Whether a link inside a folder being read may lead out of it (--follow-links): a folder of
# downloaded or unpacked files can hold `x.txt -> /etc/passwd`. Set for one command by
# following_links(); load(follow_links=...) overrides it.
_FOLLOW_LINKS: ContextVar[bool] = ContextVar("follow_links", default=False)


class Unreadable(Exception):
    """A file that cannot become an article; the message is the reason."""


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------

def load(paths: Iterable[str], outlet: str | None = None, encoding: str | None = None,
         timeout: float | None = None, follow_links: bool | None = None) -> Iterator[Article | Skipped]:
    """Yield an Article or a Skipped record for every input found under `paths`.

    Each path is a file, a folder (walked recursively in sorted order), an http(s)
    link, or "-" for standard input. `outlet` is a default for articles that do not
    name their own; `encoding` is the encoding of text files (.txt, .md, .csv and
    standard input) where it is not UTF-8; `timeout` is the seconds a link's whole fetch may
    take (None: fetch.TIMEOUT_SECONDS). A link inside a folder that leads out of the folder
    is skipped unless `follow_links` (None: as following_links() set it, else False); a path
    given here is read even where it is a link.
    """
    # A single string would otherwise be iterated character by character.
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if encoding is not None:
        check_encoding(encoding)
    if follow_links is None:
        follow_links = _FOLLOW_LINKS.get()
    for given in paths:
        path = os.fspath(given)
        if path == STDIN:
            found = iter([_load_stdin(outlet, encoding)])
        elif fetch.is_url(path):
            found = iter([_load_url(path, outlet, timeout)])
        elif not os.path.lexists(path):
            yield Skipped(path, "no such file or folder")
            continue
        else:
            found = (_load_folder(path, outlet, encoding, follow_links) if os.path.isdir(path)
                     else _load_named_file(path, outlet, encoding))
        for item in found:
            if isinstance(item, Article) and len(item.text) > MAX_ARTICLE_CHARS:
                yield Skipped(item.source, f"article too long to analyse ({len(item.text):,} characters; the limit "
                                           f"is {MAX_ARTICLE_CHARS:,}): split it into articles")
            else:
                yield item


@contextmanager
def following_links(follow: bool = True) -> Iterator[None]:
    """Within the block, load() follows links that lead out of a folder where `follow` (what
    --follow-links sets for the one command that reads the inputs through the index)."""
    token = _FOLLOW_LINKS.set(follow)
    try:
        yield
    finally:
        _FOLLOW_LINKS.reset(token)


def build_article(text: str, *, id: str, source: str, outlet: str | None = None,
                  title: str | None = None, url: str | None = None,
                  published: str | None = None, author: str | None = None) -> Article:
    """Make an Article from a body already in memory, computing its hash."""
    meta = {"id": id, "outlet": outlet, "title": title, "url": url,
            "published": published, "author": author}
    return Article(text=text, source=source, sha256=content_hash(text, meta), **meta)


def content_hash(text: str, meta: dict[str, str | None]) -> str:
    """Hex sha256 of the body and the metadata fields.

    The metadata is part of the hash so that correcting an outlet or a title
    re-indexes the article. JSON with sorted keys gives one fixed byte string.
    """
    fields = {key: meta.get(key) for key in METADATA_KEYS}
    fields["text"] = text
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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


# --------------------------------------------------------------------------
# Paths and folders
# --------------------------------------------------------------------------

def _load_named_file(path: str, outlet: str | None, encoding: str | None) -> Iterator[Article | Skipped]:
    """Read a file the user named; its extension must be one we read."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in SUFFIXES:
        shown = f"file type '{suffix}'" if suffix else "file with no extension"
        yield Skipped(path, f"unsupported {shown} (expected {EXPECTED})")
        return
    yield from _load_file(path, outlet, encoding)


def _load_folder(folder: str, outlet: str | None, encoding: str | None,
                 follow_links: bool = False) -> Iterator[Article | Skipped]:
    """Read every usable file under `folder`, or say that there is none."""
    found = False
    for item in _walk(folder, follow_links):
        found = True
        if isinstance(item, Skipped):
            yield item
        else:
            yield from _load_file(item, outlet, encoding)
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
            yield Skipped(current, f"cannot read folder: {_describe(error)}")
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


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------

def _load_file(path: str, outlet: str | None, encoding: str | None = None) -> Iterator[Article | Skipped]:
    """Read one file of a supported type into articles (or Skipped records)."""
    problem = _check_regular_file(path)
    suffix = os.path.splitext(path)[1].lower()
    if problem is not None:
        yield Skipped(path, problem)
    elif suffix == ".jsonl":
        yield from _load_jsonl(path, outlet)
    elif suffix == ".csv":
        yield from _load_csv(path, outlet, encoding)
    elif suffix in HTML_SUFFIXES:
        yield _load_html(path, outlet)
    else:
        yield _load_text(path, outlet, encoding)


def _check_regular_file(path: str) -> str | None:
    """Return why `path` cannot be read as a file, or None when it can."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        # lexists() said yes, so this is a link to nothing (or a file just removed).
        return "broken symbolic link" if os.path.islink(path) else "no such file or folder"
    except OSError as error:
        return f"cannot read: {_describe(error)}"
    if not stat.S_ISREG(info.st_mode):
        # A FIFO or a device would block or never end.
        return "not a regular file"
    return None


def _load_text(path: str, outlet: str | None, encoding: str | None = None) -> Article | Skipped:
    """Read a .txt or .md file: decode it, split off the header, build the Article."""
    text = _file_text(path, encoding)
    return text if isinstance(text, Skipped) else _text_article(text, path, Path(path).stem, outlet)


def _text_article(text: str, source: str, default_id: str, outlet: str | None) -> Article | Skipped:
    """An article from decoded text with an optional metadata header."""
    if not text.strip():
        return Skipped(source, "empty file")
    meta, body = split_header(text)
    if not body.strip():
        return Skipped(source, "empty file (nothing after the metadata header)")
    return _article(body, meta, source=source, default_id=default_id, outlet=outlet)


def _file_bytes(path: str) -> bytes | Skipped:
    """The file's bytes, or a Skipped saying why not: over MAX_BYTES (never read into memory), unreadable."""
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            return Skipped(path, f"file too large ({_mib(size)}; the limit is {_mib(MAX_BYTES)})")
        return _read_bytes(path)
    except OSError as error:
        return Skipped(path, f"cannot read: {_describe(error)}")


def _file_text(path: str, encoding: str | None) -> str | Skipped:
    """The file decoded (see decode), or a Skipped saying why not."""
    data = _file_bytes(path)
    if isinstance(data, Skipped):
        return data
    try:
        return decode(data, encoding)
    except Unreadable as problem:
        return Skipped(path, str(problem))


# --------------------------------------------------------------------------
# Web pages, links and standard input
# --------------------------------------------------------------------------

def _load_html(path: str, outlet: str | None) -> Article | Skipped:
    """A saved web page: the article in it, with the citation the page carries."""
    data = _file_bytes(path)
    if isinstance(data, Skipped):
        return data
    if not data.strip():
        return Skipped(path, "empty file")
    return _page_article(data, source=path, default_id=Path(path).stem, outlet=outlet)


def _page_article(data: bytes, *, source: str, default_id: str, outlet: str | None,
                  url: str | None = None) -> Article | Skipped:
    if len(data) > MAX_PAGE_BYTES:
        return Skipped(source, f"web page too large ({_mib(len(data))}; the limit is {_mib(MAX_PAGE_BYTES)})")
    # A stray NUL in a page that starts as HTML is a control character like the others (see
    # webpages.read_page), not the mark of an image or a PDF saved under .html.
    if _looks_binary(data[:BINARY_SAMPLE], nul_is_binary=not webpages.looks_like_html(data)):
        return Skipped(source, "binary file, not a web page")
    try:
        page = webpages.read_page(data, url)
    except webpages.NotAnArticle as problem:
        return Skipped(source, str(problem))
    meta = {"outlet": page.outlet, "title": page.title, "url": page.url or url, "published": page.published,
            "author": page.author}
    return _article(page.text, meta, source=source, default_id=default_id, outlet=outlet)


def _load_url(url: str, outlet: str | None, timeout: float | None) -> Article | Skipped:
    """The article at an http(s) link: fetched within `timeout` seconds, read as a page or as text."""
    try:
        found = fetch.fetch(url, timeout)
    except fetch.FetchError as problem:
        return Skipped(url, f"cannot fetch URL: {problem}")
    if found.content_type == "text/plain" and not webpages.looks_like_html(found.data):
        try:
            return _text_article(decode(found.data), url, url_id(found.url), outlet)
        except Unreadable as problem:
            return Skipped(url, str(problem))
    return _page_article(found.data, source=url, default_id=url_id(found.url), outlet=outlet, url=found.url)


def url_id(url: str) -> str:
    """An article id for a link: its host and last path segment, and a short hash of the whole link
    ('dailyexample.com_chicago-mayor-order_1f3a9c2b'), so two links never share an id."""
    parsed = urllib.parse.urlsplit(url)
    segments = [s for s in parsed.path.split("/") if s]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", os.path.splitext(segments[-1])[0] if segments else "")[:60].strip("-")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]
    host = parsed.hostname.removeprefix("www.") if parsed.hostname else "link"
    return "_".join(part for part in (host, slug, digest) if part)


def _load_stdin(outlet: str | None, encoding: str | None) -> Article | Skipped:
    """One article from standard input: a web page, or text with an optional metadata header."""
    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return Skipped("<stdin>", f"input too large (the limit is {_mib(MAX_BYTES)})")
    if not data.strip():
        return Skipped("<stdin>", "empty input")
    default_id = "stdin-" + hashlib.sha256(data).hexdigest()[:12]
    if webpages.looks_like_html(data):
        return _page_article(data, source="<stdin>", default_id=default_id, outlet=outlet)
    try:
        return _text_article(decode(data, encoding), "<stdin>", default_id, outlet)
    except Unreadable as problem:
        return Skipped("<stdin>", str(problem))


def _read_bytes(path: str) -> bytes:
    """Read the whole file as bytes (a separate function so tests can fail it)."""
    with open(path, "rb") as handle:
        return handle.read()


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
        if _looks_binary(ord(char) for char in text[:BINARY_SAMPLE]):
            raise Unreadable(f"binary file, not text (read as {encoding})")
        return text
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")        # uses the BOM and drops it
        except UnicodeDecodeError as error:
            raise Unreadable(f"not valid UTF-16 ({error.reason}); convert it to UTF-8") from None
        if _looks_binary(ord(char) for char in text[:BINARY_SAMPLE]):
            raise Unreadable("binary file, not text")
        return text
    unmarked = _utf16_without_bom(data)
    if unmarked:
        raise Unreadable(f"UTF-16 text without a byte order mark; convert it to UTF-8, or give --encoding {unmarked}")
    if b"\x00" in data or _looks_binary(data[:BINARY_SAMPLE]):
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
            return None if _looks_binary(ord(char) for char in text) else name
    return None


def check_encoding(encoding: str) -> None:
    """Raise LookupError with a one-line message for an encoding Python does not know (the CLI
    checks --encoding with it before reading anything)."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise LookupError(f"unknown encoding '{encoding}' (try utf-8, cp1252, latin-1 or utf-16)") from None


def _looks_binary(codes: Iterable[int], nul_is_binary: bool = True) -> bool:
    """True when a NUL (where nul_is_binary) or more than a few percent control characters occur."""
    total = controls = 0
    for code in codes:
        total += 1
        if code == 0 and nul_is_binary:
            return True
        if (code < 0x20 and code not in TEXT_CONTROLS) or code == 0x7F:
            controls += 1
    return total > 0 and controls / total > BINARY_CONTROL_SHARE


# --------------------------------------------------------------------------
# JSONL
# --------------------------------------------------------------------------

def _load_jsonl(path: str, outlet: str | None) -> Iterator[Article | Skipped]:
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
            if b"\x00" in head or _looks_binary(head):
                yield Skipped(path, "binary file, not text")
                return
            handle.seek(0)
            for lineno, offset, raw in _numbered_lines(handle):
                if raw is not None and not raw.strip():
                    continue          # blank lines are allowed, e.g. a trailing one
                seen_any = True
                source = f"{path}:{lineno}"
                if raw is None:
                    yield Skipped(source, f"line too long (over {_mib(MAX_BYTES)})")
                    continue
                try:
                    record = _parse_jsonl_line(raw, offset)
                except Unreadable as problem:
                    yield Skipped(source, str(problem))
                    continue
                meta = {key: _scalar(record.get(key)) for key in METADATA_KEYS}
                yield _article(record["text"], meta, source=source,
                               default_id=f"{stem}-{lineno}", outlet=outlet)
    except OSError as error:
        yield Skipped(path, f"cannot read: {_describe(error)}")
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
        raw = handle.readline(MAX_BYTES + 1)
        if not raw:
            return
        lineno += 1
        start = offset
        offset += len(raw)
        if len(raw) > MAX_BYTES:
            # Read past the rest of the over-long line without keeping it.
            while raw and not raw.endswith(b"\n"):
                raw = handle.readline(MAX_BYTES + 1)
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


# --------------------------------------------------------------------------
# CSV exports
# --------------------------------------------------------------------------

def _load_csv(path: str, outlet: str | None, encoding: str | None) -> Iterator[Article | Skipped]:
    """A news-database export: one article per row, a `text` column and metadata columns
    (id, outlet, title, url, published, author; any case). A bad row is skipped alone."""
    text = _file_text(path, encoding)
    if isinstance(text, Skipped):
        yield text
        return
    if not text.strip():
        yield Skipped(path, "empty file")
        return
    # The separator is the one the header row uses: article text is full of commas and semicolons.
    header_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=lambda mark: (header_line.count(mark), mark == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows_read = _csv_rows(reader, field_limit=len(text))
    header = next(rows_read, None)
    if header is None or isinstance(header, csv.Error):
        yield Skipped(path, "no header row")
        return
    header = [name.strip().lower() for name in header]
    if "text" not in header:
        yield Skipped(path, f'no "text" column (columns: {", ".join(header) or "none"})')
        return
    stem = Path(path).stem
    rows = 0
    for row in rows_read:
        source = f"{path}:{reader.line_num}"
        if isinstance(row, csv.Error):
            rows += 1
            yield Skipped(source, f"not valid CSV ({row})")
            continue
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        record = dict(zip(header, row))
        body = record.get("text") or ""
        if not body.strip():
            yield Skipped(source, 'empty "text"')
            continue
        meta = {key: record.get(key) for key in METADATA_KEYS}
        yield _article(body, meta, source=source, default_id=f"{stem}-{reader.line_num}", outlet=outlet)
    if rows == 0:
        yield Skipped(path, "no rows after the header")


def _csv_rows(reader, field_limit: int) -> Iterator[list[str] | csv.Error]:
    """The reader's rows, each read with the csv module's cell limit at `field_limit`; a row the
    reader cannot parse is its csv.Error instead, and the rows after it still come.

    The module's own limit, 131,072 characters, is a tenth of MAX_ARTICLE_CHARS, and a cell over
    it stops the reader in the middle of its row, so that the rest of the row (an article's later
    paragraphs) would be read as rows of its own. The caller passes the length of the whole file,
    which is already in memory (MAX_BYTES), so every cell is read whole, and an article over
    MAX_ARTICLE_CHARS is named by load() with its row and length. The limit is process-wide: it
    is set only while the reader parses a row and restored before the row is handed on.
    """
    while True:
        previous = csv.field_size_limit(field_limit)
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            row = error         # the reader starts afresh on the next line
        finally:
            csv.field_size_limit(previous)
        yield row


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------

def _article(body: str, meta: dict[str, str | None], *, source: str, default_id: str,
             outlet: str | None) -> Article:
    """Build an Article from a body and its own metadata, filling in defaults."""
    fields = {key: _blank_to_none(meta.get(key)) for key in METADATA_KEYS}
    fields["id"] = fields["id"] or default_id
    fields["outlet"] = fields["outlet"] or _blank_to_none(outlet)
    return build_article(body, source=source, **fields)


def _blank_to_none(value: str | None) -> str | None:
    """Stripped value, or None when there is nothing in it."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def _unquote(value: str) -> str:
    """Remove one pair of matching quotes around a header value (YAML habit)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _describe(error: OSError) -> str:
    """A short lower-case description of an OS error."""
    if isinstance(error, PermissionError):
        return "permission denied"
    return (error.strerror or str(error)).lower()


def _mib(size: int) -> str:
    """A byte count in MiB for messages."""
    return f"{size / (1024 * 1024):.1f} MiB".replace(".0 MiB", " MiB")
