"""Reading articles from files, folders, links and standard input: .txt, .md, .jsonl, .csv and
web pages (.html, .htm, or a page fetched from an http(s) link; see webpages.py).

`load(paths)` turns the paths a user gives into `Article`s, or into `Skipped`
records that say in one line why an input could not be used. It never raises
for a bad input, so one broken file does not stop a whole folder. It hands each
input to the module for its kind:

    text.py       .txt and .md files, with an optional `---` metadata header
    pages.py      saved web pages (.html, .htm)
    jsonl.py      JSON Lines, one article per line
    csv_files.py  CSV exports, one article per row
    links.py      http(s) links
    stdin.py      standard input ("-")
    folders.py    which files in a folder are read
    files.py      one file's bytes, safely (size limit, FIFOs, permissions)
    decoding.py   bytes into text (encodings, byte order marks, binary files)
    metadata.py   the citation fields, their defaults and the content hash

The body is kept exactly as stored: bytes are decoded without translating
newlines, so every offset the later stages compute can be checked with
``article.text[start:end]`` against the file (minus its metadata header).

This package knows nothing about NLP.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from .. import fetch
from ..records import Article, Skipped
from . import folders, metadata
from .csv_files import load_csv
from .decoding import check_encoding
from .files import EXPECTED, HTML_SUFFIXES, SUFFIXES, check_regular_file
from .jsonl import load_jsonl
from .links import load_url
from .pages import load_page
from .stdin import load_stdin
from .text import load_text

# Longer articles are skipped rather than analysed: a million characters is some 170,000
# words, twenty times the longest news story, and would hold the parser for minutes.
MAX_ARTICLE_CHARS = 1_000_000
STDIN = "-"


def load(paths: Iterable[str], outlet: str | None = None, encoding: str | None = None,
         timeout: float | None = None, follow_links: bool = False) -> Iterator[Article | Skipped]:
    """Yield an Article or a Skipped record for every input found under `paths`.

    Each path is a file, a folder (walked recursively in sorted order), an http(s)
    link, or "-" for standard input. `outlet` is a default for articles that do not
    name their own; `encoding` is the encoding of text files (.txt, .md, .csv and
    standard input) where it is not UTF-8; `timeout` is the seconds a link's whole fetch may
    take (None: fetch.TIMEOUT_SECONDS). A link inside a folder that leads out of the folder
    is skipped unless `follow_links` (--follow-links): a folder of downloaded or unpacked files
    can hold `x.txt -> /etc/passwd`. A path given here is read even where it is a link.
    """
    # A single string would otherwise be iterated character by character.
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if encoding is not None:
        check_encoding(encoding)
    for given in paths:
        path = os.fspath(given)
        if path == STDIN:
            found = iter([load_stdin(outlet, encoding)])
        elif fetch.is_url(path):
            found = iter([load_url(path, outlet, timeout)])
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


def build_article(text: str, *, id: str, source: str, outlet: str | None = None,
                  title: str | None = None, url: str | None = None,
                  published: str | None = None, author: str | None = None) -> Article:
    """Make an Article from a body already in memory, computing its hash."""
    fields = {"id": id, "outlet": outlet, "title": title, "url": url, "published": published, "author": author}
    return metadata.hashed_article(text, source, fields)


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
    for item in folders.files_in(folder, follow_links):
        if isinstance(item, Skipped):
            yield item
        else:
            yield from _load_file(item, outlet, encoding)


def _load_file(path: str, outlet: str | None, encoding: str | None = None) -> Iterator[Article | Skipped]:
    """Read one file of a supported type into articles (or Skipped records)."""
    problem = check_regular_file(path)
    suffix = os.path.splitext(path)[1].lower()
    if problem is not None:
        yield Skipped(path, problem)
    elif suffix == ".jsonl":
        yield from load_jsonl(path, outlet)
    elif suffix == ".csv":
        yield from load_csv(path, outlet, encoding)
    elif suffix in HTML_SUFFIXES:
        yield load_page(path, outlet)
    else:
        yield load_text(path, outlet, encoding)
