"""One article from standard input (`quotes extract -`): a web page, or text with an optional
metadata header."""
from __future__ import annotations

import hashlib
import sys

from .. import webpages
from ..records import Article, Skipped
from . import files
from .decoding import Unreadable, decode
from .pages import page_article
from .text import text_article


def load_stdin(outlet: str | None, encoding: str | None) -> Article | Skipped:
    """One article from standard input: a web page, or text with an optional metadata header."""
    data = sys.stdin.buffer.read(files.MAX_BYTES + 1)
    if len(data) > files.MAX_BYTES:
        return Skipped("<stdin>", f"input too large (the limit is {files.mib(files.MAX_BYTES)})")
    if not data.strip():
        return Skipped("<stdin>", "empty input")
    default_id = "stdin-" + hashlib.sha256(data).hexdigest()[:12]
    if webpages.looks_like_html(data):
        return page_article(data, source="<stdin>", default_id=default_id, outlet=outlet)
    try:
        return text_article(decode(data, encoding), "<stdin>", default_id, outlet)
    except Unreadable as problem:
        return Skipped("<stdin>", str(problem))
