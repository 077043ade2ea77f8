"""Saved web pages (.html, .htm) and pages fetched or piped in: the article in the page, with
the citation the page carries (webpages.py does the extraction)."""
from __future__ import annotations

from pathlib import Path

from .. import webpages
from ..records import Article, Skipped
from .decoding import BINARY_SAMPLE, looks_binary
from .files import file_bytes, mib
from .metadata import article_from

# A saved news page is some 0.1-3 MB of HTML. Extracting the article from a 12 MB page took 40 s
# (measured), so larger pages are refused before extraction rather than after.
MAX_PAGE_BYTES = 8 * 1024 * 1024


def load_page(path: str, outlet: str | None) -> Article | Skipped:
    """A saved web page: the article in it, with the citation the page carries."""
    data = file_bytes(path)
    if isinstance(data, Skipped):
        return data
    if not data.strip():
        return Skipped(path, "empty file")
    return page_article(data, source=path, default_id=Path(path).stem, outlet=outlet)


def page_article(data: bytes, *, source: str, default_id: str, outlet: str | None,
                 url: str | None = None) -> Article | Skipped:
    """The article in a page's bytes, or a Skipped saying why there is none."""
    if len(data) > MAX_PAGE_BYTES:
        return Skipped(source, f"web page too large ({mib(len(data))}; the limit is {mib(MAX_PAGE_BYTES)})")
    # A stray NUL in a page that starts as HTML is a control character like the others (see
    # webpages.read_page), not the mark of an image or a PDF saved under .html.
    if looks_binary(data[:BINARY_SAMPLE], nul_is_binary=not webpages.looks_like_html(data)):
        return Skipped(source, "binary file, not a web page")
    try:
        page = webpages.read_page(data, url)
    except webpages.NotAnArticle as problem:
        return Skipped(source, str(problem))
    meta = {"outlet": page.outlet, "title": page.title, "url": page.url or url, "published": page.published,
            "author": page.author}
    return article_from(page.text, meta, source=source, default_id=default_id, outlet=outlet)
