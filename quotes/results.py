"""Analysed articles as JSON Lines: what a distributed run writes and `quotes index --from-jsonl` reads.

One line per article: {"format": "quotes-result/1", "article": {...}, "processors": [...],
"quotes": [...], "speakers": [...]}. The article carries its full text, so the index can
show context and check every offset without the original files and without parsing again.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from .records import Article, ArticleResult, Attribution, Quote, Skipped, Span, Speaker

FORMAT = "quotes-result/1"


def to_line(result: ArticleResult) -> str:
    a = result.article
    record = {
        "format": FORMAT,
        "article": {"id": a.id, "source": a.source, "sha256": a.sha256, "outlet": a.outlet, "title": a.title,
                    "url": a.url, "published": a.published, "author": a.author, "text": a.text},
        "processors": list(result.processors),
        "quotes": [_quote(q) for q in result.quotes],
        "speakers": [{"name": s.name, "kind": s.kind, "gender": s.gender, "aliases": sorted(s.aliases)}
                     for s in result.speakers],
    }
    return json.dumps(record, ensure_ascii=False)


def _quote(q: Quote) -> dict:
    at = q.attribution
    return {"start": q.start, "end": q.end, "text": q.text, "paragraph": q.paragraph, "open_mark": q.open_mark,
            "close_mark": q.close_mark, "continues": q.continues, "repairs": list(q.repairs),
            "attribution": {"speaker": at.speaker, "speaker_kind": at.speaker_kind,
                            "mention": at.mention.as_dict() if at.mention else None, "mention_kind": at.mention_kind,
                            "cue": at.cue.as_dict() if at.cue else None, "rule": at.rule, "chain": list(at.chain)}}


def from_line(line: str) -> ArticleResult:
    """One line back into an ArticleResult; ValueError (one line, says what is wrong) if it is not one."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg})") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} record (write it with python -m quotes.distributed)")
    try:
        a = record["article"]
        article = Article(a["id"], a["text"], a["source"], a["sha256"], a.get("outlet"), a.get("title"),
                          a.get("url"), a.get("published"), a.get("author"))
        quotes = [_quote_from(article, q) for q in record["quotes"]]
        speakers = [Speaker(s["name"], s["kind"], set(s["aliases"]), s.get("gender")) for s in record["speakers"]]
        processors = tuple(record["processors"])
    except (KeyError, TypeError) as error:
        raise ValueError(f"missing or malformed field {error}") from None
    for q in quotes:
        if not (0 <= q.start <= q.end <= len(article.text)) or article.text[q.start:q.end] != q.text:
            raise ValueError(f"quote at {q.start}-{q.end} does not match the article text")
    return ArticleResult(article, quotes, speakers, processors)


def _span(value: dict | None) -> Span | None:
    return Span(value["start"], value["end"], value["text"]) if value else None


def _quote_from(article: Article, q: dict) -> Quote:
    at = q["attribution"]
    attribution = Attribution(at["speaker"], at["speaker_kind"], _span(at["mention"]), at["mention_kind"],
                              _span(at["cue"]), at["rule"], tuple(at["chain"]))
    return Quote(article.id, q["start"], q["end"], q["text"], q["paragraph"], q["open_mark"], q["close_mark"],
                 attribution, q["continues"], tuple(q["repairs"]))


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
