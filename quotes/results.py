"""Analysed articles as JSON Lines: what a distributed run writes and `quotes index --from-jsonl` reads.

One line per article: {"format": "quotes-result/2", "article": {...}, "processors": [...],
"analyser": {...}, "quotes": [...], "speakers": [...]}, each quote as records.quote_dict gives it.
The article carries its full text, so the index can show context and check every offset
without the original files and without parsing again. Version 1 lines are still read.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from .records import Analyser, Article, ArticleResult, Skipped, Speaker, quote_dict, quote_from_dict

FORMAT = "quotes-result/2"
OLDER_FORMATS = ("quotes-result/1",)   # no analyser; quotes nested their attribution


def to_line(result: ArticleResult) -> str:
    record = {
        "format": FORMAT,
        "article": result.article.as_dict(),
        "processors": list(result.processors),
        "analyser": result.analyser.as_dict() if result.analyser else None,
        "quotes": [quote_dict(q) for q in result.quotes],
        "speakers": [s.as_dict() for s in result.speakers],
    }
    return json.dumps(record, ensure_ascii=False)


def from_line(line: str) -> ArticleResult:
    """One line back into an ArticleResult; ValueError (one line, says what is wrong) if it is not one."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg})") from None
    if not isinstance(record, dict) or record.get("format") not in (FORMAT, *OLDER_FORMATS):
        raise ValueError(f"not a {FORMAT} record (write it with python -m quotes.distributed)")
    try:
        article = Article.from_dict(record["article"])
        quotes = [quote_from_dict(_flat(q) if record["format"] != FORMAT else q, article.id)
                  for q in record["quotes"]]
        speakers = [Speaker.from_dict(s) for s in record["speakers"]]
        processors = tuple(record["processors"])
        analyser = Analyser.from_dict(record["analyser"]) if record.get("analyser") else None
    except (KeyError, TypeError) as error:
        raise ValueError(f"missing or malformed field {error}") from None
    for q in quotes:
        if not (0 <= q.start <= q.end <= len(article.text)) or article.text[q.start:q.end] != q.text:
            raise ValueError(f"quote at {q.start}-{q.end} does not match the article text")
    return ArticleResult(article, quotes, speakers, processors, analyser)


def _flat(old: dict) -> dict:
    """A quotes-result/1 quote in quote_dict's shape."""
    at = old["attribution"]
    return {**old, "paragraph": old["paragraph"] + 1, "speaker": at["speaker"], "speaker_kind": at["speaker_kind"],
            "speaker_mention": at["mention"], "mention_kind": at["mention_kind"], "cue": at["cue"],
            "rule": at["rule"], "chain": at["chain"]}


def read(paths: list[str]) -> Iterator[ArticleResult | Skipped]:
    """Results from .jsonl files or folders of them; a bad line is a Skipped naming FILE:LINE."""
    for given in paths:
        path = Path(given)
        files = sorted(path.rglob("*.jsonl")) if path.is_dir() else [path]
        if not path.exists():
            yield Skipped(given, "no such file or folder")
            continue
        for file in files:
            try:
                lines = file.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as error:
                yield Skipped(str(file), f"cannot be read: {error}")
                continue
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    yield from_line(line)
                except ValueError as error:
                    yield Skipped(f"{file}:{number}", str(error))
