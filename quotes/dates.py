"""When an article appeared: its published date, or the date its link or file name carries.

Grouping uses the date as evidence (one utterance is reported within days; a stock phrase
recurs over months), so a date is taken only where it is unambiguous: an ISO date
(2016-07-05, 2016-07-05T14:00:00Z), a written date ("July 5, 2016", "5 July 2016"), or a
year/month/day run in a link or file name (/2016/07/05/, nyt_2016-07-05_story.txt). A
date that cannot be read is no date, never a guess.
"""
from __future__ import annotations

import os
import re
from datetime import date

MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")], start=1) for name in names}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

_ISO = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.I)
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+((?:19|20)\d\d)\b", re.I)
# In a link or a file name: 2016/07/05, 2016-07-05, 2016_07_05 (not 20160705: too many ids look like it).
_PATH_DATE = re.compile(r"(?<![\d])((?:19|20)\d\d)[/_-](\d\d)[/_-](\d\d)(?![\d])")


def _valid(year: str, month: str | int, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_published(value: str | None) -> date | None:
    """The date in a published field: ISO or written out; None where there is none."""
    if not value:
        return None
    found = _ISO.search(value)
    if found:
        return _valid(*found.groups())
    found = _MONTH_DAY_YEAR.search(value)
    if found:
        month, day, year = found.groups()
        return _valid(year, MONTHS[month.lower()], day)
    found = _DAY_MONTH_YEAR.search(value)
    if found:
        day, month, year = found.groups()
        return _valid(year, MONTHS[month.lower()], day)
    return None


def date_in_path(value: str | None) -> date | None:
    """A year/month/day in a link or a file's name (not its folders, which name collections)."""
    if not value:
        return None
    name = value if "://" in value else os.path.basename(value)
    found = [d for d in (_valid(*m.groups()) for m in _PATH_DATE.finditer(name)) if d]
    return found[0] if len(set(found)) == 1 else None


def article_date(published: str | None, url: str | None, source: str | None) -> tuple[date | None, str | None]:
    """The article's date and where it was read ('published', 'link' or 'file name'), or (None, None)."""
    for where, found in (("published", parse_published(published)), ("link", date_in_path(url)),
                         ("file name", date_in_path(source))):
        if found:
            return found, where
    return None, None
