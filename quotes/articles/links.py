"""Articles at http(s) links: fetched within a deadline (fetch.py), read as a web page, or as
text where the server says plain text."""
from __future__ import annotations

import hashlib
import os
import re
import urllib.parse

from .. import fetch, webpages
from ..records import Article, Skipped
from .decoding import Unreadable, decode
from .pages import page_article
from .text import text_article


def load_url(url: str, outlet: str | None, timeout: float | None) -> Article | Skipped:
    """The article at an http(s) link: fetched within `timeout` seconds, read as a page or as text."""
    try:
        found = fetch.fetch(url, timeout)
    except fetch.FetchError as problem:
        return Skipped(url, f"cannot fetch URL: {problem}")
    if found.content_type == "text/plain" and not webpages.looks_like_html(found.data):
        try:
            return text_article(decode(found.data), url, url_id(found.url), outlet)
        except Unreadable as problem:
            return Skipped(url, str(problem))
    return page_article(found.data, source=url, default_id=url_id(found.url), outlet=outlet, url=found.url)


def url_id(url: str) -> str:
    """An article id for a link: its host and last path segment, and a short hash of the whole link
    ('dailyexample.com_chicago-mayor-order_1f3a9c2b'), so two links never share an id."""
    parsed = urllib.parse.urlsplit(url)
    segments = [s for s in parsed.path.split("/") if s]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", os.path.splitext(segments[-1])[0] if segments else "")[:60].strip("-")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]
    host = parsed.hostname.removeprefix("www.") if parsed.hostname else "link"
    return "_".join(part for part in (host, slug, digest) if part)
