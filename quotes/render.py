"""Every output format: tables through tabulate, Markdown, CSV, JSON and JSON Lines.

Renderers take rows the store or the pipeline already computed; they format,
they do not compute.
"""
from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Iterable

from tabulate import tabulate

from . import variants
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


def quote_dict(row: QuoteRow, variant: GroupRef | None = None, explain: bool = False) -> dict:
    """A quote as JSON: the citation with offsets into its article."""
    out = {
        "id": row.id, "speaker": row.speaker, "speaker_kind": row.speaker_kind, "text": row.text,
        "article": row.article_id, "source": row.source, "outlet": row.outlet,
        "start": row.start, "end": row.end, "paragraph": row.paragraph + 1,
        "cue": row.cue, "speaker_mention": row.mention, "rule": row.rule,
        "variant": variant_dict(variant),
    }
    if explain:
        out["explain"] = explain_lines(row)
    return out


def quotes(rows: list[QuoteRow], fmt: str, groups: dict[int, GroupRef], explain: bool = False,
           headings: bool = False) -> str:
    """The citation sheet. headings: one section per speaker (an ambiguous --speaker)."""
    if fmt == "json":
        return json.dumps([quote_dict(r, groups.get(r.id), explain) for r in rows], indent=2, ensure_ascii=False)
    headers = ["id", "speaker", "quote", "article", "outlet", "cue", "¶", "offsets", "group"]
    if explain and fmt != "csv":
        headers.append("how")
    if fmt == "csv":
        headers = ["id", "speaker", "quote", "article", "outlet", "cue", "paragraph", "start", "end",
                   "group", "rule"]
        return _csv([[r.id, r.speaker or "", r.text, r.article_id, r.outlet or "", (r.cue or {}).get("text", ""),
                      r.paragraph + 1, r.start, r.end, variant_marker(groups.get(r.id)), r.rule] for r in rows],
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
                    variant_marker(groups.get(r.id))]
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


# --- variants and diffs --------------------------------------------------------------------

VARIANT_FORMATS = ("table", "markdown", "json", "html")
DIFF_FORMATS = ("text", "markdown", "json", "html")


def group_dict(found: Group) -> dict:
    """A group as JSON: its occurrences with offsets and kinds, and each version's diff."""
    return {
        "id": found.id, "speaker": found.speaker, "kind": found.kind,
        "reference": found.reference.article,
        "occurrences": [{"quote": o.key, "article": o.article, "outlet": o.outlet, "text": o.text, "start": o.start,
                         "end": o.end, "cue": o.cue, "kind": v.kind} for v in found.versions for o in v.occurrences],
        "diff": [{"article": v.article, "kind": v.kind,
                  "ops": [{"op": d.op, "text": d.text, **({"new": d.new} if d.new is not None else {})}
                          for d in v.diff]} for v in found.versions[1:]],
    }


def variant_groups(groups: list[Group], fmt: str) -> str:
    """`quotes variants`: one row per group."""
    if fmt == "json":
        return json.dumps([group_dict(g) for g in groups], indent=2, ensure_ascii=False)
    headers = ["group", "speaker", "kind", "articles", "outlets", "reference version"]
    rows = [[g.id, g.speaker or "(unattributed)", g.kind, len(g.versions),
             ", ".join(dict.fromkeys(o.outlet or o.article for o in g.occurrences)), f"“{g.reference.text}”"]
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
        body = f"“{version.text}”" if version.kind == variants.REFERENCE else diff_markup(version.diff, fmt)
        lines.append(f"> {body}" if md else f"    {body}")
        lines.append("")
    return "\n".join(lines).rstrip()

