"""Every output format: tables through tabulate, Markdown, CSV, JSON and JSON Lines.

Renderers take rows the store or the pipeline already computed; they format,
they do not compute.
"""
from __future__ import annotations

import csv
import io
import json
import textwrap
from dataclasses import asdict
from collections.abc import Iterable

from tabulate import tabulate

from . import variants
from .records import Analyser, Quote, quote_dict
from .store import QuoteRow
from .variants import Group, GroupRef

FORMATS = ("table", "markdown", "csv", "json")
QUOTE_WIDTH = 60      # the quote column wraps at this width in terminal tables


def _tabulate(rows: list[list], headers: list[str], fmt: str, widths: list[int | None] | None = None) -> str:
    if fmt == "markdown":
        clean = [[_one_line(c) for c in row] for row in rows]
        return tabulate(clean, headers=headers, tablefmt="github")
    # Wrapping cells here and aligning the int columns ourselves, instead of tabulate's
    # maxcolwidths and number sniffing: 7,860 rows (the busiest speaker of a 110k-quote index)
    # took 3.8 s that way and 1.0 s this way (measured).
    widths = widths or [None] * len(headers)
    wrapped = [[_wrap(cell, width) for cell, width in zip(row, widths)] for row in rows]
    align = ["right" if rows and all(isinstance(row[i], int) for row in rows) else "left"
             for i in range(len(headers))]
    return tabulate(wrapped, headers=headers, tablefmt="simple", disable_numparse=True, colalign=align)


def _wrap(cell, width: int | None):
    """A cell's text wrapped to `width` columns, line by line (blank lines dropped)."""
    if width is None or cell is None or isinstance(cell, int):
        return cell
    text = str(cell)
    if len(text) <= width and "\n" not in text:
        return text     # most cells: names, cues, ids
    return "\n".join(textwrap.fill(line, width) for line in text.splitlines() if line.strip())


def _one_line(value) -> str:
    """A Markdown cell: no newlines, pipes escaped."""
    return "" if value is None else str(value).replace("\n", " ").replace("|", "\\|")


def _csv(rows: list[list], headers: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().rstrip("\n")


def variant_marker(found: GroupRef | None) -> str:
    """'≠ #5 wording' where other articles print the quote differently (group 5, see `quotes diff 5`),
    '= #2 identical' where they print the same words; empty for a quote no other article prints."""
    if found is None:
        return ""
    return f"{'≠' if found.varies else '='} #{found.id} {found.kind}"


def variant_dict(found: GroupRef | None) -> dict | None:
    if found is None:
        return None
    return {"group": found.id, "kind": found.kind, "version": found.version, "articles": found.articles,
            "varies": found.varies}


def row_dict(row: QuoteRow, variant: GroupRef | None = None, explain: bool = False) -> dict:
    """An indexed quote as JSON: the quote (records.quote_dict) under its index-wide speaker, with its
    id, article and group."""
    out = {"id": row.id, "speaker": None, "article": row.article.id, "source": row.article.source,
           "outlet": row.article.outlet, **quote_dict(row.quote), "variant": variant_dict(variant)}
    out["speaker"] = row.speaker    # the index-wide name, in place of the article's own
    if explain:
        out["explain"] = explain_lines(row)
    return out


def quotes(rows: list[QuoteRow], fmt: str, groups: dict[int, GroupRef], explain: bool = False,
           headings: bool = False) -> str:
    """The citation sheet. headings: one section per speaker (an ambiguous --speaker)."""
    if fmt == "json":
        return json.dumps([row_dict(r, groups.get(r.id), explain) for r in rows], indent=2, ensure_ascii=False)
    headers = ["id", "speaker", "quote", "article", "outlet", "cue", "¶", "offsets", "group"]
    if explain and fmt != "csv":
        headers.append("how")
    if fmt == "csv":
        headers = ["id", "speaker", "quote", "article", "outlet", "cue", "paragraph", "start", "end",
                   "group", "rule"]
        return _csv([[r.id, r.speaker or "", r.quote.text, r.article.id, r.article.outlet or "", _cue_text(r.quote),
                      r.quote.paragraph + 1, r.quote.start, r.quote.end, variant_marker(groups.get(r.id)),
                      r.quote.attribution.rule] for r in rows], headers)
    sections: dict[str | None, list[QuoteRow]] = {}
    for row in rows:
        sections.setdefault(row.speaker if headings else None, []).append(row)
    out = []
    for speaker, section in sections.items():
        table = []
        for r in section:
            q = r.quote
            line = [r.id, r.speaker or "(unattributed)", f"“{q.text}”", r.article.id, r.article.outlet or "",
                    _cue_text(q), q.paragraph + 1, f"{q.start}-{q.end}", variant_marker(groups.get(r.id))]
            if explain:
                line.append("; ".join(explain_lines(r)))
            table.append(line)
        widths = [None, 20, QUOTE_WIDTH, 22, 18, 12, None, None, 17] + ([50] if explain else [])
        body = _tabulate(table, headers, fmt, widths)
        if headings:
            title = f"## {speaker}" if fmt == "markdown" else f"{speaker}\n{'=' * len(speaker or '')}"
            out.append(f"{title}\n\n{body}")
        else:
            out.append(body)
    return "\n\n".join(out)


def _cue_text(quote: Quote) -> str:
    return quote.attribution.cue.text if quote.attribution.cue else ""


# What attribution does without a processor, for --explain.
MISSING_PROCESSOR_NOTES = (
    ("ner", "no NER: names found by capitalisation and the lexicon"),
    ("depparse", "no parser: subjects found by word order alone"),
)


def explain_lines(row: QuoteRow, analyser: Analyser | None = None) -> list[str]:
    """How a quote's attribution was made: rule, cue, mention, resolution chain, mark repairs, and
    (where given) what analysed the article."""
    a = row.quote.attribution
    lines = [f"rule: {a.rule}"]
    if a.cue:
        lines.append(f"cue: '{a.cue.text}' at {a.cue.start}-{a.cue.end}")
    if a.mention:
        lines.append(f"mention: '{a.mention.text}' ({a.mention_kind}) at {a.mention.start}-{a.mention.end}")
    lines += [f"resolved: {step}" for step in a.chain]
    if a.alternatives:
        ranked = ", ".join(f"{label} {p:.2f}" for label, p in a.alternatives)
        lines.append(f"scorer: chosen with probability {a.score:.2f}; candidates {ranked}")
    lines += [f"marks: {note}" for note in row.quote.repairs]
    processors = row.article.processors
    missing = [note for processor, note in MISSING_PROCESSOR_NOTES if processor not in processors]
    lines.append("parsed with: " + (", ".join(processors) or "unknown")
                 + (f" ({'; '.join(missing)})" if missing else ""))
    if analyser is not None:
        lines.append(f"analysed by: {analyser}")
    return lines


def explain(row: QuoteRow, article_text: str | None, analyser: Analyser | None = None) -> str:
    """A single quote, in context, with how it was attributed."""
    q = row.quote
    kind = q.attribution.speaker_kind
    lines = [f"quote {row.id} in {row.article.id} ({row.article.source}), paragraph {q.paragraph + 1}, "
             f"characters {q.start}-{q.end}",
             f"speaker: {row.speaker or '(unattributed)'}" + (f" [{kind}]" if kind else ""),
             f"“{q.text}”"]
    if article_text is not None:
        lo, hi = max(0, q.start - 160), min(len(article_text), q.end + 160)
        context = article_text[lo:q.start] + "[[" + article_text[q.start:q.end] + "]]" + article_text[q.end:hi]
        lines.append("context: …" + " ".join(context.split()) + "…")
    lines += ["  " + line for line in explain_lines(row, analyser)]
    return "\n".join(lines)


def speakers(entries: list[dict], fmt: str, explain: bool = False) -> str:
    """`quotes speakers`; explain adds, per speaker, the names other articles gave it and why
    they were linked (JSON always carries them)."""
    if fmt == "json":
        return json.dumps(entries, indent=2, ensure_ascii=False)
    headers = ["speaker", "kind", "aliases", "quotes", "articles"] + (["linked because"] if explain else [])
    rows = [[e["speaker"], e["kind"], "; ".join(e["aliases"]), e["quotes"], e["articles"]]
            + (["; ".join(f"{link['name']}: {link['reason']}" for link in e["linked"])] if explain else [])
            for e in entries]
    if fmt == "csv":
        return _csv(rows, headers)
    return _tabulate(rows, headers, fmt, [28, 12, 60, None, None] + ([50] if explain else []))


def extract_records(source: str, quotes_: Iterable[Quote]) -> Iterable[dict]:
    """The `quotes extract` contract: one object per quote (records.quote_dict), with the article's path."""
    for q in quotes_:
        yield {"article": source, **quote_dict(q)}


def extract_table(records: list[dict], fmt: str) -> str:
    headers = ["article", "speaker", "quote", "cue", "offsets"]
    rows = [[r["article"], r["speaker"] or "(unattributed)", f"“{r['text']}”", (r["cue"] or {}).get("text", ""),
             f"{r['start']}-{r['end']}"] for r in records]
    if fmt == "csv":
        return _csv(rows, headers)
    return _tabulate(rows, headers, fmt, [30, 20, QUOTE_WIDTH, 12, None])


# --- variants and diffs --------------------------------------------------------------------

VARIANT_FORMATS = ("table", "markdown", "json", "html")
DIFF_FORMATS = ("text", "markdown", "json", "html")


def group_dict(found: Group) -> dict:
    """A group as JSON: its occurrences with offsets and kinds, and each version's diff."""
    return {
        "id": found.id, "speaker": found.speaker, "kind": found.kind,
        "reference": found.reference.article,
        "occurrences": [{"quote": o.key, "article": o.article, "outlet": o.outlet, "text": o.text, "start": o.start,
                         "end": o.end, "cue": o.cue, "kind": kind}
                        for v in found.versions for o, kind in zip(v.occurrences, v.part_kinds)],
        "diff": [{"article": v.article, "kind": v.kind,
                  "ops": [{"op": d.op, "text": d.text, **({"new": d.new} if d.new is not None else {})}
                          for d in v.diff],
                  "evidence": [{"quote": m.quote, "with": m.other, **asdict(m.evidence)} for m in v.matches]}
                 for v in found.versions[1:]],
    }


def variant_groups(groups: list[Group], fmt: str) -> str:
    """`quotes variants`: one row per group."""
    if fmt == "json":
        return json.dumps([group_dict(g) for g in groups], indent=2, ensure_ascii=False)
    headers = ["group", "speaker", "kind", "articles", "outlets", "reference version"]
    rows = [[g.id, g.speaker or "(unattributed)", g.kind, len(g.versions),
             ", ".join(dict.fromkeys(o.outlet or o.article for o in g.occurrences)), g.reference.shown]
            for g in groups]
    return _tabulate(rows, headers, fmt, [None, 20, None, None, 30, QUOTE_WIDTH])


def diff_markup(ops: list, fmt: str) -> str:
    """A version against the reference: colour in a terminal ('text'), ~~del~~/**ins** in Markdown.

    A spelling or punctuation change shows both forms, marked as such.
    """
    import click     # only for terminal colour; click.echo drops it when output is not a terminal

    parts = []
    for d in ops:
        if d.op == "equal":
            parts.append(d.text)
        elif fmt == "markdown":
            parts.append({"delete": f"~~{d.text}~~", "insert": f"**{d.text}**"}.get(
                d.op, f"~~{d.text}~~**{d.new}**_({d.op})_"))
        elif d.op == "delete":
            parts.append(click.style(f"[-{d.text}-]", fg="red", strikethrough=True))
        elif d.op == "insert":
            parts.append(click.style(f"{{+{d.text}+}}", fg="green", underline=True))
        else:
            parts.append(click.style(f"[{d.op}: {d.text} → {d.new}]", fg="yellow"))
    return " ".join(parts)


def group_diff(found: Group, fmt: str) -> str:
    """`quotes diff GROUP`: each version against the reference, with where it was printed."""
    if fmt == "json":
        return json.dumps(group_dict(found), indent=2, ensure_ascii=False)
    md = fmt == "markdown"
    lines = [f"{'## ' if md else ''}Group #{found.id}: {found.speaker or '(unattributed)'}, {found.kind}, "
             f"{len(found.versions)} articles", ""]
    for version in found.versions:
        where = "; ".join(f"quote {o.key}, characters {o.start}-{o.end}, cue “{o.cue or '—'}”"
                          for o in version.occurrences)
        outlet = version.occurrences[0].outlet or ""
        label = "reference" if version.kind == variants.REFERENCE else version.kind
        head = f"{version.article} ({outlet}) [{label}]: {where}"
        lines.append(f"**{head}**" if md else head)
        # An identical version differs at most in a closing mark the quoting sentence dictates: no diff.
        body = version.shown if version.kind in (variants.REFERENCE, "identical") else diff_markup(version.diff, fmt)
        lines.append(f"> {body}" if md else f"    {body}")
        if version.why:
            lines.append(f"> _Grouped: {version.why}_" if md else f"    grouped: {version.why}")
        lines.append("")
    return "\n".join(lines).rstrip()

