"""Every output format: tables through tabulate, Markdown, CSV, JSON and JSON Lines.

Renderers take rows the store or the pipeline already computed; they format,
they do not compute. Article text reaches a terminal, Markdown or CSV only through
quotes.escape; JSON carries it exactly.
"""
from __future__ import annotations

import csv
import io
import json
import textwrap
from dataclasses import asdict
from collections.abc import Iterable

from tabulate import tabulate

from . import escape, variants
from .records import Analyser, Quote, quote_dict
from .rows import ArticleInfo, GroupRef, QuoteRow
from .variants import Group

FORMATS = ("table", "markdown", "csv", "json")
QUOTE_WIDTH = 60      # the quote column wraps at this width in terminal tables
WIDE_TERMINAL = 140   # narrower terminals get the citation sheet's five-column layout


def _tabulate(rows: list[list], headers: list[str], fmt: str, widths: list[int | None] | None = None,
              total: int | None = None, floors: list[int] | None = None) -> str:
    """A table; `widths` caps wrapped columns, and `total` (a terminal's width) narrows them further,
    down to their `floors`, so that no line is longer."""
    if fmt == "markdown":
        clean = [[escape.markdown(c) for c in row] for row in rows]
        return tabulate(clean, headers=headers, tablefmt="github")
    # Escaped before the columns are measured, so that a shown escape counts as the columns it takes.
    rows = [[escape.terminal(c) if isinstance(c, str) else c for c in row] for row in rows]
    # Wrapping cells here and aligning the int columns ourselves, instead of tabulate's
    # maxcolwidths and number sniffing: 7,860 rows (the busiest speaker of a 110k-quote index)
    # took 3.8 s that way and 1.0 s this way (measured).
    widths = widths or [None] * len(headers)
    if total:
        widths = _fit(rows, headers, widths, total, floors)
    wrapped = [[_wrap(cell, width) for cell, width in zip(row, widths)] for row in rows]
    align = ["right" if rows and all(isinstance(row[i], int) for row in rows) else "left"
             for i in range(len(headers))]
    return tabulate(wrapped, headers=headers, tablefmt="simple", disable_numparse=True, colalign=align)


MIN_WIDTH = 8     # a wrapped column is never narrower than this, whatever the terminal


def _fit(rows: list[list], headers: list[str], widths: list[int | None], total: int,
         floors: list[int] | None = None) -> list[int | None]:
    """Column widths that fit `total` columns: each wrapped column as wide as its longest line
    (up to its cap), then the widest narrowed one column at a time."""
    natural = []
    for i, header in enumerate(headers):
        # tabulate pads a header by two columns (its MIN_PADDING)
        longest = max([len(header) + 2] + [max((len(line) for line in str(row[i]).splitlines()), default=0)
                                            for row in rows if row[i] is not None])
        natural.append(longest if widths[i] is None else min(widths[i], longest))
    fitted = list(natural)
    floors = floors or [max(MIN_WIDTH, width // 3) if width is not None else 0 for width in widths]
    flexible = [i for i, width in enumerate(widths) if width is not None]
    while sum(fitted) + 2 * (len(fitted) - 1) > total:
        # The column furthest above its floor gives a column; the quote (widest cap) gives least.
        roomiest = max(flexible, key=lambda i: fitted[i] - floors[i], default=None)
        if roomiest is None or fitted[roomiest] <= floors[roomiest]:
            break
        fitted[roomiest] -= 1
    return [fitted[i] if widths[i] is not None else None for i in range(len(widths))]


def _wrap(cell, width: int | None):
    """A cell's text wrapped to `width` columns, line by line (blank lines dropped)."""
    if width is None or cell is None or isinstance(cell, int):
        return cell
    text = str(cell)
    if len(text) <= width and "\n" not in text:
        return text     # most cells: names, cues, ids
    return "\n".join(textwrap.fill(line, width, break_on_hyphens=False) for line in text.splitlines() if line.strip())


def _csv(rows: list[list], headers: list[str], raw: bool = False) -> str:
    """CSV; unless raw, each cell as escape.csv_cell makes it (no formulas, no control characters)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # Python before 3.13 leaves a cell holding a carriage return unquoted, and a reader ends the
    # row there; a raw row with one is written with every cell quoted.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(headers)
    for row in rows:
        cells = row if raw else [escape.csv_cell(cell) for cell in row]
        (quoted if any(isinstance(cell, str) and "\r" in cell for cell in cells) else writer).writerow(cells)
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


def citation(article: ArticleInfo) -> str:
    """An article as a report cites it, from what is known: outlet, “headline”, author, date, link."""
    parts = [article.outlet, f"“{article.title}”" if article.title else None,
             f"by {article.author}" if article.author else None, article.published, article.url]
    return ", ".join(part for part in parts if part) or article.id


def _outlet_and_date(article: ArticleInfo, separator: str = "\n") -> str:
    """The terminal table's compact citation: outlet and date, each where known."""
    return separator.join(part for part in (article.outlet, article.published) if part)


def row_dict(row: QuoteRow, variant: GroupRef | None = None, explain: bool = False) -> dict:
    """An indexed quote as JSON: the quote (records.quote_dict) under its index-wide speaker, with its
    id, article, the article's citation fields and the quote's group."""
    a = row.article
    out = {"id": row.id, "speaker": None, "article": a.id, "source": a.source, "outlet": a.outlet,
           "title": a.title, "author": a.author, "published": a.published, "url": a.url,
           **quote_dict(row.quote), "variant": variant_dict(variant)}
    out["speaker"] = row.speaker    # the index-wide name, in place of the article's own
    if explain:
        out["explain"] = explain_lines(row)
    return out


def quotes(rows: list[QuoteRow], fmt: str, groups: dict[int, GroupRef], explain: bool = False,
           headings: bool = False, width: int | None = None, csv_raw: bool = False) -> str:
    """The citation sheet. headings: one section per speaker (an ambiguous --speaker); width: the
    terminal's, which the table fits; csv_raw: CSV cells exactly as stored (--csv-raw)."""
    if fmt == "json":
        return json.dumps([row_dict(r, groups.get(r.id), explain) for r in rows], indent=2, ensure_ascii=False)
    headers = ["id", "speaker", "quote", "article", "cue", "¶", "offsets", "group"]
    if explain and fmt == "markdown":
        headers.append("how")
    compact = fmt == "table" and width is not None and width < WIDE_TERMINAL
    if fmt == "csv":
        headers = ["id", "speaker", "quote", "article", "outlet", "title", "author", "published", "url", "cue",
                   "paragraph", "start", "end", "group", "group_kind", "quote_kind", "rule"] + (["how"] if explain else [])
        table = []
        for r in rows:
            ref, a = groups.get(r.id), r.article
            table.append([r.id, r.speaker or "", r.quote.text, a.id, a.outlet or "", a.title or "", a.author or "",
                          a.published or "", a.url or "", _cue_text(r.quote), r.quote.paragraph + 1, r.quote.start,
                          r.quote.end, ref.id if ref else "", ref.kind if ref else "", ref.version if ref else "",
                          r.quote.attribution.rule] + (["; ".join(explain_lines(r))] if explain else []))
        return _csv(table, headers, csv_raw)
    sections: dict[str | None, list[QuoteRow]] = {}
    for row in rows:
        sections.setdefault(row.speaker if headings else None, []).append(row)
    out = []
    for speaker, section in sections.items():
        if explain and fmt == "table":
            body = "\n\n".join(_explained_block(r, groups.get(r.id), width) for r in section)
        elif compact:
            table = [[r.id, r.speaker or "(unattributed)", f"“{r.quote.text}”", _where(r),
                      variant_marker(groups.get(r.id))] for r in section]
            body = _tabulate(table, ["id", "speaker", "quote", "where", "group"], fmt, [None, 16, QUOTE_WIDTH, 24, 11],
                             width, floors=[0, 10, 20, 20, 9])
        else:
            table = []
            for r in section:
                q = r.quote
                article = r.article.id if fmt == "markdown" else "\n".join(
                    part for part in (r.article.id, _outlet_and_date(r.article)) if part)
                line = [r.id, r.speaker or "(unattributed)", f"“{q.text}”", article,
                        _cue_text(q), q.paragraph + 1, f"{q.start}-{q.end}", variant_marker(groups.get(r.id))]
                if explain:
                    line.append("; ".join(explain_lines(r)))
                table.append(line)
            widths = [None, 20, QUOTE_WIDTH, 22, 12, None, None, 17] + ([None] if explain else [])
            body = _tabulate(table, headers, fmt, widths, width)
        if headings:
            if fmt == "markdown":
                title = f"## {escape.markdown(str(speaker))}"
            else:
                name = escape.terminal_line(str(speaker))
                title = f"{name}\n{'=' * len(name if speaker else '')}"
            out.append(f"{title}\n\n{body}")
        else:
            out.append(body)
    return "\n\n".join(out)


def _where(row: QuoteRow) -> str:
    """A narrow terminal's citation cell: article, outlet and date, cue, paragraph and offsets."""
    q = row.quote
    cue = f"cue “{_cue_text(q)}”, " if _cue_text(q) else ""
    return "\n".join(part for part in (row.article.id, _outlet_and_date(row.article, ", "),
                                        f"{cue}¶ {q.paragraph + 1}, {q.start}-{q.end}") if part)


def _explained_block(row: QuoteRow, group: GroupRef | None, width: int | None) -> str:
    """One quote of `quotes list --explain` in a terminal: the quote, where it was printed, and how
    it was attributed, a line each (a table column would be some 230 columns wide)."""
    q = row.quote
    where = " · ".join(part for part in (row.article.id, _outlet_and_date(row.article, ", "),
                                         f"cue “{_cue_text(q)}”" if _cue_text(q) else "", f"¶ {q.paragraph + 1}",
                                         f"characters {q.start}-{q.end}", variant_marker(group)) if part)
    lines = [_fill(escape.terminal(f"{row.id}  {row.speaker or '(unattributed)'}: “{q.text}”"), width, ""),
             _fill(escape.terminal(where), width, "    ")]
    lines += [_fill(escape.terminal(line), width, "    ") for line in explain_lines(row)]
    return "\n".join(lines)


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


def explain(row: QuoteRow, article_text: str | None, analyser: Analyser | None = None, how: bool = True) -> str:
    """A single quote in its context, for a terminal; with `how`, how it was attributed."""
    q = row.quote
    kind = q.attribution.speaker_kind
    line = escape.terminal_line     # one field cannot make a line of its own, such as a second "speaker:"
    lines = [f"quote {row.id} in {line(row.article.id)} ({line(row.article.source)}), paragraph {q.paragraph + 1}, "
             f"characters {q.start}-{q.end}",
             f"cite: {line(citation(row.article))}",
             f"speaker: {line(row.speaker or '(unattributed)')}" + (f" [{kind}]" if kind else ""),
             escape.terminal(f"“{q.text}”")]
    if article_text is not None:
        lo, hi = max(0, q.start - 160), min(len(article_text), q.end + 160)
        context = article_text[lo:q.start] + "[[" + article_text[q.start:q.end] + "]]" + article_text[q.end:hi]
        lines.append(line("context: …" + " ".join(context.split()) + "…"))
    if how:
        lines += ["  " + line(note) for note in explain_lines(row, analyser)]
    return "\n".join(lines)


def speakers(entries: list[dict], fmt: str, explain: bool = False, width: int | None = None,
             csv_raw: bool = False) -> str:
    """`quotes speakers`; explain adds, per speaker, the names other articles gave it and why
    they were linked (JSON always carries them)."""
    if fmt == "json":
        return json.dumps(entries, indent=2, ensure_ascii=False)
    headers = ["speaker", "kind", "aliases", "quotes", "articles"] + (["linked because"] if explain else [])
    rows = [[e["speaker"], e["kind"], "; ".join(e["aliases"]), e["quotes"], e["articles"]]
            + (["; ".join(f"{link['name']}: {link['reason']}" for link in e["linked"])] if explain else [])
            for e in entries]
    if fmt == "csv":
        return _csv(rows, headers, csv_raw)
    return _tabulate(rows, headers, fmt, [28, 12, 60, None, None] + ([50] if explain else []), width)


def speaker_check(suspects: list, fmt: str, width: int | None = None, csv_raw: bool = False) -> str:
    """`quotes speakers --check`: the names that look wrong (name_check.Suspect), each with its reasons."""
    if fmt == "json":
        return json.dumps([{**s.entry, "reasons": list(s.reasons)} for s in suspects], indent=2, ensure_ascii=False)
    headers = ["speaker", "kind", "why it looks wrong", "quotes", "articles"]
    rows = [[s.entry["speaker"], s.entry["kind"], "; ".join(s.reasons), s.entry["quotes"], s.entry["articles"]]
            for s in suspects]
    if fmt == "csv":
        return _csv(rows, headers, csv_raw)
    if not rows:
        return "No speaker name looks wrong."      # a table of headers alone reads as a failure
    return _tabulate(rows, headers, fmt, [28, 12, 50, None, None], width)


def extract_records(source: str, quotes_: Iterable[Quote]) -> Iterable[dict]:
    """The `quotes extract` contract: one object per quote (records.quote_dict), with the article's path."""
    for q in quotes_:
        yield {"article": source, **quote_dict(q)}


def extract_table(records: list[dict], fmt: str, width: int | None = None, csv_raw: bool = False) -> str:
    headers = ["article", "speaker", "quote", "cue", "offsets"]
    rows = [[r["article"], r["speaker"] or "(unattributed)", f"“{r['text']}”", (r["cue"] or {}).get("text", ""),
             f"{r['start']}-{r['end']}"] for r in records]
    if fmt == "csv":
        return _csv(rows, headers, csv_raw)
    return _tabulate(rows, headers, fmt, [30, 20, QUOTE_WIDTH, 12, None], width)


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


def variant_groups(groups: list[Group], fmt: str, width: int | None = None) -> str:
    """`quotes variants`: one row per group."""
    if fmt == "json":
        return json.dumps([group_dict(g) for g in groups], indent=2, ensure_ascii=False)
    headers = ["group", "speaker", "kind", "articles", "outlets", "reference version"]
    rows = [[g.id, g.speaker or "(unattributed)", g.kind, len(g.versions),
             ", ".join(dict.fromkeys(o.outlet or o.article for o in g.occurrences)), g.reference.shown]
            for g in groups]
    return _tabulate(rows, headers, fmt, [None, 20, None, None, 30, QUOTE_WIDTH], width)


def diff_markup(ops: list, fmt: str) -> str:
    """A version against the reference: colour in a terminal ('text'), ~~del~~/**ins** in Markdown.

    A spelling or punctuation change shows both forms, marked as such.
    """
    return " ".join(styled for _, styled in _diff_parts(ops, fmt))


def _diff_parts(ops: list, fmt: str) -> list[tuple[str, str]]:
    """Each diff run as (its plain text, as shown): the plain text measures a terminal line."""
    import click     # only for terminal colour; click.echo drops it when output is not a terminal

    shown = escape.markdown if fmt == "markdown" else escape.terminal     # before our own marks and colour
    parts = []
    for d in ops:
        text, new = shown(d.text), shown(d.new or "")
        if d.op in ("equal", "gap"):
            parts.append((text, text))
        elif fmt == "markdown":
            parts.append((text, {"delete": f"~~{text}~~", "insert": f"**{text}**"}.get(
                d.op, f"~~{text}~~**{new}**_({d.op})_")))
        elif d.op == "delete":
            parts.append((f"[-{text}-]", click.style(f"[-{text}-]", fg="red", strikethrough=True)))
        elif d.op == "insert":
            parts.append((f"{{+{text}+}}", click.style(f"{{+{text}+}}", fg="green", underline=True)))
        else:
            plain = f"[{d.op}: {text} → {new}]"
            parts.append((plain, click.style(plain, fg="yellow")))
    return parts


def _wrap_parts(parts: list[tuple[str, str]], width: int, indent: str) -> str:
    """Styled runs wrapped at word breaks to `width` columns, measured on their plain text."""
    lines, line, used = [], [], len(indent)
    for plain, styled in parts:
        plain_words, styled_words = plain.split(" "), styled.split(" ")
        if len(plain_words) != len(styled_words):          # a style that spans spaces: keep it whole
            plain_words, styled_words = [plain], [styled]
        for word, shown in zip(plain_words, styled_words):
            if line and used + 1 + len(word) > width:
                lines.append(indent + " ".join(line))
                line, used = [], len(indent)
            used += len(word) + (1 if line else 0)
            line.append(shown)
    if line:
        lines.append(indent + " ".join(line))
    return "\n".join(lines)


def group_diff(found: Group, fmt: str, articles: dict[str, ArticleInfo] | None = None, width: int | None = None) -> str:
    """`quotes diff GROUP`: each version against the reference, with where it was printed (the
    article's citation where `articles` holds it) and, in a terminal of `width`, lines that fit."""
    if fmt == "json":
        return json.dumps(group_dict(found), indent=2, ensure_ascii=False)
    md = fmt == "markdown"
    field = escape.markdown if md else escape.terminal_line
    lines = [f"{'## ' if md else ''}Group #{found.id}: {field(found.speaker or '(unattributed)')}, {found.kind}, "
             f"{len(found.versions)} articles", ""]
    for version in found.versions:
        where = "; ".join(f"quote {o.key}, characters {o.start}-{o.end}, cue “{field(o.cue or '—')}”"
                          for o in version.occurrences)
        article = (articles or {}).get(version.article)
        cited = citation(article) if article else ", ".join(
            part for part in (version.occurrences[0].outlet, str(version.occurrences[0].date or "")) if part)
        label = "reference" if version.kind == variants.REFERENCE else version.kind
        # Each field escaped on its own: the "[label]:" is ours.
        head = (f"{field(version.article)}{f' ({field(cited)})' if cited and cited != version.article else ''} "
                f"[{label}]: {where}")
        # An identical version differs at most in a closing mark the quoting sentence dictates: no diff.
        shown = version.kind in (variants.REFERENCE, "identical")
        if md:
            lines.append(f"**{head}**")
            lines.append(f"> {field(version.shown) if shown else diff_markup(version.diff, fmt)}")
            if version.why:
                lines.append(f"> _Grouped: {field(version.why)}_")
        else:
            text = escape.terminal(version.shown)
            parts = [(text, text)] if shown else _diff_parts(version.diff, fmt)
            lines.append(_fill(head, width, ""))
            lines.append(_wrap_parts(parts, width, "    ") if width else "    " + " ".join(s for _, s in parts))
            if version.why:
                lines.append(_fill(field(f"grouped: {version.why}"), width, "    "))
        lines.append("")
    return "\n".join(lines).rstrip()


def _fill(text: str, width: int | None, indent: str) -> str:
    """A plain line wrapped to a terminal's width (kept whole where there is none)."""
    if not width:
        return indent + text
    return textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent + "  ",
                         break_on_hyphens=False)     # a long link is cut rather than left to overflow

