"""CSV exports of news databases (.csv): one article per row, a `text` column and metadata
columns; the separator is the header row's; a bad row is skipped alone, named by its line."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from ..records import Article, Skipped
from .files import file_text
from .metadata import METADATA_KEYS, article_from


def load_csv(path: str, outlet: str | None, encoding: str | None) -> Iterator[Article | Skipped]:
    """A news-database export: one article per row, a `text` column and metadata columns
    (id, outlet, title, url, published, author; any case). A bad row is skipped alone."""
    text = file_text(path, encoding)
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
        yield article_from(body, meta, source=source, default_id=f"{stem}-{reader.line_num}", outlet=outlet)
    if rows == 0:
        yield Skipped(path, "no rows after the header")


def _csv_rows(reader, field_limit: int) -> Iterator[list[str] | csv.Error]:
    """The reader's rows, each read with the csv module's cell limit at `field_limit`; a row the
    reader cannot parse is its csv.Error instead, and the rows after it still come.

    The module's own limit, 131,072 characters, is a tenth of MAX_ARTICLE_CHARS, and a cell over
    it stops the reader in the middle of its row, so that the rest of the row (an article's later
    paragraphs) would be read as rows of its own. The caller passes the length of the whole file,
    which is already in memory (files.MAX_BYTES), so every cell is read whole, and an article over
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
