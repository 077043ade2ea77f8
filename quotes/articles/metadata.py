"""An article's citation fields (id, outlet, title, url, published, author): the defaults an
input's own fields fall back on, and the content hash that tells a changed article from the
stored one."""
from __future__ import annotations

import hashlib
import json

from ..records import Article

METADATA_KEYS = ("id", "outlet", "title", "url", "published", "author")


def article_from(body: str, meta: dict[str, str | None], *, source: str, default_id: str,
                 outlet: str | None) -> Article:
    """Build an Article from a body and its own metadata, filling in defaults."""
    fields = {key: _blank_to_none(meta.get(key)) for key in METADATA_KEYS}
    fields["id"] = fields["id"] or default_id
    fields["outlet"] = fields["outlet"] or _blank_to_none(outlet)
    return hashed_article(body, source, fields)


def hashed_article(text: str, source: str, fields: dict[str, str | None]) -> Article:
    """The Article with these metadata fields (METADATA_KEYS), its hash computed."""
    return Article(text=text, source=source, sha256=content_hash(text, fields), **fields)


def content_hash(text: str, meta: dict[str, str | None]) -> str:
    """Hex sha256 of the body and the metadata fields.

    The metadata is part of the hash so that correcting an outlet or a title
    re-indexes the article. JSON with sorted keys gives one fixed byte string.
    """
    fields = {key: meta.get(key) for key in METADATA_KEYS}
    fields["text"] = text
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _blank_to_none(value: str | None) -> str | None:
    """Stripped value, or None when there is nothing in it."""
    if value is None:
        return None
    value = value.strip()
    return value or None
