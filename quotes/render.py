"""Every output format: tables through tabulate, Markdown, CSV, JSON and JSON Lines.

Renderers take rows the store or the pipeline already computed; they format,
they do not compute.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from tabulate import tabulate

from .store import QuoteRow

FORMATS = ("table", "markdown", "csv", "json")
QUOTE_WIDTH = 60      # the quote column wraps at this width in terminal tables


def _tabulate(rows: list[list], headers: list[str], fmt: str, widths: list[int | None] | None = None) -> str:
    if fmt == "markdown":
        clean = [[_one_line(c) for c in row] for row in rows]
        return tabulate(clean, headers=headers, tablefmt="github")
    return tabulate(rows, headers=headers, tablefmt="simple", maxcolwidths=widths)


def _one_line(value) -> str:
    """A Markdown cell: no newlines, pipes escaped."""
    return "" if value is None else str(value).replace("\n", " ").replace("|", "\\|")


def _csv(rows: list[list], headers: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().rstrip("\n")


def variant_marker(variant: dict | None) -> str:
    """'≠ 3 articles' where the wording differs between articles, '= 2 articles' where it does not."""
    if not variant:
        return ""
    sign = "≠" if variant["differs"] else "="
    return f"{sign} {variant['articles']} articles"


def quote_dict(row: QuoteRow, variant: dict | None = None, explain: bool = False) -> dict:
    """A quote as JSON: the citation with offsets into its article."""
    out = {
        "id": row.id, "speaker": row.speaker, "speaker_kind": row.speaker_kind, "text": row.text,
        "article": row.article_id, "source": row.source, "outlet": row.outlet,
        "start": row.start, "end": row.end, "paragraph": row.paragraph + 1,
        "cue": row.cue, "speaker_mention": row.mention, "rule": row.rule,
        "variant": ({"group": variant["group"], "articles": variant["articles"], "wording_differs": variant["differs"]}
                    if variant else None),
    }
    if explain:
        out["explain"] = explain_lines(row)
    return out


def quotes(rows: list[QuoteRow], fmt: str, variants: dict[int, dict], explain: bool = False,
           headings: bool = False) -> str:
    """The citation sheet. headings: one section per speaker (an ambiguous --speaker)."""
    if fmt == "json":
        return json.dumps([quote_dict(r, variants.get(r.id), explain) for r in rows], indent=2, ensure_ascii=False)
    headers = ["id", "speaker", "quote", "article", "outlet", "cue", "¶", "offsets", "across articles"]
    if explain and fmt != "csv":
        headers.append("how")
    if fmt == "csv":
        headers = ["id", "speaker", "quote", "article", "outlet", "cue", "paragraph", "start", "end",
                   "across articles", "rule"]
        return _csv([[r.id, r.speaker or "", r.text, r.article_id, r.outlet or "", (r.cue or {}).get("text", ""),
                      r.paragraph + 1, r.start, r.end, variant_marker(variants.get(r.id)), r.rule] for r in rows],
                    headers)
    sections: dict[str | None, list[QuoteRow]] = {}
    for row in rows:
        sections.setdefault(row.speaker if headings else None, []).append(row)
    out = []
    for speaker, section in sections.items():
        table = []
        for r in section:
            line = [r.id, r.speaker or "(unattributed)", f"“{r.text}”", r.article_id, r.outlet or "",
                    (r.cue or {}).get("text", ""), r.paragraph + 1, f"{r.start}-{r.end}",
                    variant_marker(variants.get(r.id))]
            if explain:
                line.append("; ".join(explain_lines(r)))
            table.append(line)
        widths = [None, 20, QUOTE_WIDTH, 22, 18, 12, None, None, 12] + ([50] if explain else [])
        body = _tabulate(table, headers, fmt, widths)
        if headings:
            title = f"## {speaker}" if fmt == "markdown" else f"{speaker}\n{'=' * len(speaker or '')}"
            out.append(f"{title}\n\n{body}")
        else:
            out.append(body)
    return "\n\n".join(out)


def explain_lines(row: QuoteRow) -> list[str]:
    """How a quote's attribution was made: rule, cue, mention, resolution chain, mark repairs."""
    lines = [f"rule: {row.rule}"]
    if row.cue:
        lines.append(f"cue: '{row.cue['text']}' at {row.cue['start']}-{row.cue['end']}")
    if row.mention:
        lines.append(f"mention: '{row.mention['text']}' ({row.mention_kind}) at "
                     f"{row.mention['start']}-{row.mention['end']}")
    lines += [f"resolved: {step}" for step in row.chain]
    lines += [f"marks: {note}" for note in row.repairs]
    lines.append("parsed with: " + (", ".join(row.processors) or "unknown")
                 + ("" if "ner" in row.processors else " (no NER: names found by capitalisation and the lexicon)"))
    return lines


def explain(row: QuoteRow, article_text: str | None) -> str:
    """A single quote, in context, with how it was attributed."""
    lines = [f"quote {row.id} in {row.article_id} ({row.source}), paragraph {row.paragraph + 1}, "
             f"characters {row.start}-{row.end}",
             f"speaker: {row.speaker or '(unattributed)'}" + (f" [{row.speaker_kind}]" if row.speaker_kind else ""),
             f"“{row.text}”"]
    if article_text is not None:
        lo, hi = max(0, row.start - 160), min(len(article_text), row.end + 160)
        context = article_text[lo:row.start] + "[[" + article_text[row.start:row.end] + "]]" + article_text[row.end:hi]
        lines.append("context: …" + " ".join(context.split()) + "…")
    lines += ["  " + line for line in explain_lines(row)]
    return "\n".join(lines)


def speakers(entries: list[dict], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(entries, indent=2, ensure_ascii=False)
    headers = ["speaker", "kind", "aliases", "quotes", "articles"]
    rows = [[e["speaker"], e["kind"], "; ".join(e["aliases"]), e["quotes"], e["articles"]] for e in entries]
    if fmt == "csv":
        return _csv(rows, headers)
    return _tabulate(rows, headers, fmt, [28, 12, 60, None, None])


def extract_records(source: str, quotes_: Iterable) -> Iterable[dict]:
    """The `quotes extract` contract: one object per quote, offsets into the article text."""
    for q in quotes_:
        a = q.attribution
        yield {
            "article": source, "start": q.start, "end": q.end, "text": q.text,
            "speaker": a.speaker,
            "speaker_mention": a.mention.as_dict() if a.mention else None,
            "cue": a.cue.as_dict() if a.cue else None,
            "speaker_kind": a.speaker_kind, "mention_kind": a.mention_kind,
            "paragraph": q.paragraph + 1, "rule": a.rule,
        }


def extract_table(records: list[dict], fmt: str) -> str:
    headers = ["article", "speaker", "quote", "cue", "offsets"]
    rows = [[r["article"], r["speaker"] or "(unattributed)", f"“{r['text']}”", (r["cue"] or {}).get("text", ""),
             f"{r['start']}-{r['end']}"] for r in records]
    if fmt == "csv":
        return _csv(rows, headers)
    return _tabulate(rows, headers, fmt, [30, 20, QUOTE_WIDTH, 12, None])
