"""The article in a web page: its body text, without the page around it, and its citation.

A saved news page holds far more than the article: navigation, a cookie banner, related-article
boxes, a footer. Their text has quotation marks too ("Accept all", headlines of other stories),
and none of it was said by anyone in the article. trafilatura, a maintained extractor made for
news pages, keeps the article's own paragraphs (headline first) and reads the metadata the page
carries (Open Graph, JSON-LD, <meta> and <time> tags): outlet (og:site_name), headline, author,
published date and canonical link. The extracted text is what the index stores, so every
quote's offsets point into it and stay checkable.

This module knows nothing about quotes; articles/pages.py turns what it returns into an Article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_HOST = re.compile(r"[\w-]+(\.[\w-]+)*\.[a-z]{2,}", re.I)
# Registration and subscription prompts placed inside the article body ("Register: it's quick and
# easy"), which trafilatura keeps as paragraphs. Narrow on purpose: some sites mark the article
# body itself "subscriber-content" or "meteredContent".
GATES = ['//*[contains(@id, "paywall") or contains(@class, "paywall")]',
         '//*[contains(@id, "regwall") or contains(@class, "regwall")]',
         '//*[contains(@id, "sign-in-gate") or contains(@class, "sign-in-gate") or contains(@id, "signin-gate")]',
         '//*[contains(@class, "subscription-widget") or contains(@class, "subscribe-prompt")]']
HTML_SNIFF = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")
# Control characters a page may hold that no browser shows and that XML cannot hold: lxml refuses
# them in element text, and trafilatura 2.0 (which setup.cfg allows) then found no article at all
# in a page with one. Form feed is white space in HTML, so it becomes a space; the others go.
HIDDEN_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")
# libxml2 stops building a page's tree at this depth ("Excessive depth in document: 256"), and
# everything after that point is lost; real news pages nest some 20-40 levels.
TOO_DEEP = re.compile(r"Excessive depth in document: (\d+)")


class NotAnArticle(ValueError):
    """A page from which no article can be read; the message says why in one line."""


@dataclass(frozen=True)
class Page:
    text: str                  # the article's paragraphs, one per line (the headline first where the page has one)
    outlet: str | None
    title: str | None
    author: str | None
    published: str | None      # as the page gives it, usually YYYY-MM-DD
    url: str | None            # the canonical link, else the address it was read from


def looks_like_html(data: bytes) -> bool:
    """True for bytes that start like an HTML page (after a byte-order mark and blank space)."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(HTML_SNIFF)


def read_page(data: bytes, url: str | None = None) -> Page:
    """The article in an HTML page (bytes; the page's own charset is honoured).

    Raises NotAnArticle where the page holds no article text (an index page, a cookie wall) or
    its markup is nested too deep to be read whole.
    """
    import trafilatura     # imported here: half a second that plain-text runs never pay
    from trafilatura.utils import decode_file

    html = decode_file(data)      # as trafilatura decodes a page: its declared or detected charset
    html = _without_controls(html)
    _check_depth(html)
    found = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                        include_tables=False, include_images=False, favor_precision=True,
                                        prune_xpath=GATES)
    text = (getattr(found, "text", None) or "").strip() if found is not None else ""
    if not text or text == _clean(found.title):       # a headline alone is an index page's title
        raise NotAnArticle("no article text found in the page")
    outlet = _clean(found.sitename)
    if outlet is None or _HOST.fullmatch(outlet):       # no site name, only the host it was served from
        outlet = _publisher(data) or outlet     # schema.org microdata, which trafilatura does not read
    return Page(text=text, outlet=outlet, title=_untagged(_clean(found.title), outlet), author=_clean(found.author),
                published=_clean(found.date), url=_clean(found.url) or url)


def _check_depth(html: str) -> None:
    """Raise NotAnArticle where the HTML parser would stop at its depth limit: the article found
    in what came before would be cut short, or missing, without a word."""
    import lxml.html
    parser = lxml.html.HTMLParser(encoding="utf-8", collect_ids=False)
    try:        # as bytes: a str that declares an encoding (<?xml … encoding=…?>) is refused
        lxml.html.fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)
    except lxml.etree.ParserError:
        return                  # nothing to parse: extraction says so
    for error in parser.error_log:
        deep = TOO_DEEP.search(error.message)
        if deep:
            raise NotAnArticle(f"markup nested deeper than {deep.group(1)} levels, where the HTML parser stops")


def _untagged(title: str | None, outlet: str | None) -> str | None:
    """The headline without the outlet a <title> tag adds: 'Story :: Capitol Wire' → 'Story'."""
    if title and outlet:
        for separator in (" | ", " - ", " – ", " — ", " :: ", " · "):
            if title.endswith(separator + outlet):
                return title[:-len(separator + outlet)].strip() or title
    return title


def _publisher(data: bytes) -> str | None:
    """The publisher's name from schema.org microdata (itemprop="publisher" … itemprop="name")."""
    import lxml.html
    try:
        tree = lxml.html.fromstring(data)
    except (ValueError, lxml.etree.ParserError):
        return None
    for publisher in tree.xpath('//*[@itemprop="publisher"]'):
        for name in publisher.xpath('.//*[@itemprop="name"]'):
            value = _clean(name.get("content") or name.text_content())
            if value:
                return value
    return None


def _without_controls(text: str) -> str:
    """The text as a browser shows it: form feeds as spaces, other HIDDEN_CONTROLS dropped."""
    return HIDDEN_CONTROLS.sub("", text.replace("\x0c", " "))


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(HIDDEN_CONTROLS.sub(" ", value).split())    # microdata is read from the page as given
    return value or None
