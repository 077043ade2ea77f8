"""HTML pages: the citation sheet (`quotes list --format html`), variant groups and diffs.

Each page is one self-contained file: inline CSS, no scripts, no external assets, and a
print stylesheet, so it can be mailed, archived or printed as it is. Everything that comes
from an article (quotes, names, outlets, cues) is escaped, control characters shown.
"""
from __future__ import annotations

import html
from datetime import date

from . import escape
from .rows import ArticleInfo, QuoteRow
from .variants import Group
from .wording import DiffOp

CSS = """
:root { --ink: #1b1b1b; --muted: #5f6368; --rule: #d9d9d9; --del: #b3261e; --del-bg: #fde7e5;
        --ins: #1e6b34; --ins-bg: #e3f4e8; --spell: #7a5200; --spell-bg: #fff3cd; }
* { box-sizing: border-box; }
body { font: 15px/1.5 Georgia, "Times New Roman", serif; color: var(--ink); max-width: 60rem;
       margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--ink); padding-bottom: .2rem; margin-top: 2.5rem; }
.meta, .where, .why, .how, td.num { color: var(--muted); font: 13px/1.4 system-ui, sans-serif; }
.id { color: var(--muted); font-size: 12px; }
td.num, .nowrap { white-space: nowrap; }
.gap { color: var(--muted); }
section.quote { border-top: 1px solid var(--rule); padding: .8rem 0; break-inside: avoid; }
blockquote { margin: .3rem 0 .5rem; font-size: 1.05rem; }
.badge { display: inline-block; font: 600 11px/1.6 system-ui, sans-serif; text-transform: uppercase;
         letter-spacing: .04em; padding: 0 .45rem; border-radius: 3px; border: 1px solid currentColor; }
.badge.identical, .badge.punctuation { color: var(--ins); }
.badge.spelling, .badge.excerpt { color: var(--spell); }
.badge.wording { color: var(--del); }
.badge.reference { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; font: 13px/1.4 system-ui, sans-serif; }
th, td { text-align: left; vertical-align: top; padding: .25rem .5rem .25rem 0; border-bottom: 1px solid var(--rule); }
th { color: var(--muted); font-weight: 600; }
.diff { font-size: .98rem; margin: .2rem 0 .6rem; }
del { color: var(--del); background: var(--del-bg); text-decoration: line-through; }
ins { color: var(--ins); background: var(--ins-bg); text-decoration: none; border-bottom: 1px solid var(--ins); }
del.spelling, del.punctuation { color: var(--spell); background: var(--spell-bg); }
ins.spelling, ins.punctuation { color: var(--spell); background: var(--spell-bg); border-color: var(--spell); }
.legend { font: 13px/1.4 system-ui, sans-serif; color: var(--muted); }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  del, ins { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


UNATTRIBUTED = "(unattributed)"


def _e(value) -> str:
    """Text as HTML shows it: markup escaped, and control characters shown (escape.terminal), since
    a browser would hide them, and bidirectional overrides would reorder what a reader sees."""
    return html.escape(escape.terminal("" if value is None else str(value)), quote=True)


def page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def diff_html(ops: list[DiffOp]) -> str:
    parts = []
    for d in ops:
        if d.op == "equal":
            parts.append(_e(d.text))
        elif d.op == "delete":
            parts.append(f"<del>{_e(d.text)}</del>")
        elif d.op == "insert":
            parts.append(f"<ins>{_e(d.text)}</ins>")
        elif d.op == "gap":
            parts.append(f"<span class=\"gap\" title=\"the outlet printed these as separate quotes\">{_e(d.text)}</span>")
        else:
            label = f" title=\"{d.op}\""
            parts.append(f"<del class=\"{d.op}\"{label}>{_e(d.text)}</del><ins class=\"{d.op}\"{label}>"
                         f"{_e(d.new)}</ins>")
    return " ".join(parts)


LEGEND = ("<p class=\"legend\">Each version is compared word by word with the group's reference version "
          "(the fullest printing): <del>only in the reference</del>, <ins>only in this version</ins>, "
          "<del class=\"spelling\">criticise</del><ins class=\"spelling\">criticize</ins> the same word "
          "spelt or punctuated another way. "
          "Offsets are character positions in the article text.</p>")


def _citation_html(article: ArticleInfo) -> str:
    """A full citation: outlet, “headline”, author, date and link, each where known, and the article id."""
    parts = [f"<b>{_e(article.outlet)}</b>" if article.outlet else "",
             f"“{_e(article.title)}”" if article.title else "",
             f"by {_e(article.author)}" if article.author else "",
             f"<span class=\"nowrap\">{_e(article.published)}</span>" if article.published else "",
             f"<a href=\"{_e(article.url)}\">{_e(article.url)}</a>" if _is_link(article.url) else _e(article.url or "")]
    shown = ", ".join(part for part in parts if part)
    return f"{shown} <span class=\"id\">[{_e(article.id)}]</span>" if shown else _e(article.id)


def _is_link(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(("http://", "https://"))


def _explain_html(row: QuoteRow) -> str:
    from .render import explain_lines
    items = "".join(f"<li>{_e(line)}</li>" for line in explain_lines(row))
    return f"<details class=\"how\"><summary>how quote {row.id} was attributed</summary><ul>{items}</ul></details>"


def _group_section(found: Group, rows_by_id: dict[int, QuoteRow], explain: bool = False) -> str:
    out = [f"<section class=\"quote\" id=\"group-{found.id}\">",
           f"<div class=\"meta\">Group #{found.id} · <span class=\"badge {found.kind}\">{_e(found.kind)}</span> · "
           f"printed by {len(found.versions)} articles</div>",
           f"<blockquote>{_e(found.reference.shown)}</blockquote>",
           "<table><tr><th>version</th><th>printed in</th><th>cue</th><th>¶</th><th>offsets</th>"
           "<th>quote id</th></tr>"]
    for version in found.versions:
        for o, kind in zip(version.occurrences, version.part_kinds):
            row = rows_by_id.get(o.key)
            paragraph = row.quote.paragraph + 1 if row else ""
            printed = _citation_html(row.article) if row else _e(", ".join(p for p in (o.article, o.outlet) if p))
            out.append(f"<tr><td><span class=\"badge {kind}\">{_e(kind)}</span></td>"
                       f"<td>{printed}</td><td>{_e(o.cue)}</td>"
                       f"<td class=\"num\">{paragraph}</td><td class=\"num\">{o.start}–{o.end}</td>"
                       f"<td class=\"num\">{o.key}</td></tr>")
    out.append("</table>")
    if explain:
        out.extend(_explain_html(rows_by_id[o.key]) for o in found.occurrences if o.key in rows_by_id)
    for version in found.versions[1:]:
        outlet = version.occurrences[0].outlet
        who = f"{_e(version.article)}" + (f" ({_e(outlet)})" if outlet else "")
        why = f"<div class=\"why\">Grouped: {_e(version.why)}</div>" if version.why else ""
        if version.kind == "identical":
            out.append(f"<div class=\"where\">{who}: the same words as the reference.</div>{why}")
            continue
        out.append(f"<div class=\"where\">{who} against the reference, {_e(found.reference.article)}:</div>")
        out.append(f"<div class=\"diff\">{diff_html(version.diff)}</div>{why}")
    out.append("</section>")
    return "\n".join(out)


def _single_section(row: QuoteRow, explain: bool = False) -> str:
    q = row.quote
    cue = q.attribution.cue.text if q.attribution.cue else "—"
    how = f"\n{_explain_html(row)}" if explain else ""
    return (f"<section class=\"quote\" id=\"quote-{row.id}\">\n<blockquote>“{_e(q.text)}”</blockquote>\n"
            f"<div class=\"where\">{_citation_html(row.article)} · cue “{_e(cue)}” · "
            f"¶ {q.paragraph + 1} · characters {q.start}–{q.end} · quote {row.id}</div>{how}\n</section>")


def citation_sheet(rows: list[QuoteRow], groups: dict[int, Group], all_rows: list[QuoteRow],
                   title: str = "Citation sheet", explain: bool = False) -> str:
    """Per speaker, each quote once: grouped quotes with every outlet's version and its diff.
    explain: each quote also says how its attribution was made."""
    rows_by_id = {r.id: r for r in all_rows}
    by_speaker: dict[str, list[QuoteRow]] = {}
    for row in rows:
        by_speaker.setdefault(row.speaker or UNATTRIBUTED, []).append(row)
    named = len([s for s in by_speaker if s != UNATTRIBUTED])
    counts = [f"{len(rows)} quote{'s' * (len(rows) != 1)}", f"{named} speaker{'s' * (named != 1)}"]
    if UNATTRIBUTED in by_speaker:
        counts.append(f"{len(by_speaker[UNATTRIBUTED])} unattributed")
    body = [f"<h1>{_e(title)}</h1>",
            f"<p class=\"meta\">{' · '.join(counts)} · made by quotes on {date.today().isoformat()}</p>", LEGEND]
    for speaker, speaker_rows in by_speaker.items():
        body.append(f"<h2>{_e(speaker)}</h2>")
        shown: set[int] = set()
        for row in speaker_rows:
            found = groups.get(row.id)
            if found is not None:
                if found.id not in shown:
                    shown.add(found.id)
                    body.append(_group_section(found, rows_by_id, explain))
            else:
                body.append(_single_section(row, explain))
    return page(title, "\n".join(body))


def variants_page(groups: list[Group], all_rows: list[QuoteRow], title: str = "Quotes across outlets") -> str:
    rows_by_id = {r.id: r for r in all_rows}
    body = [f"<h1>{_e(title)}</h1>", f"<p class=\"meta\">{len(groups)} groups</p>", LEGEND]
    for speaker in dict.fromkeys(g.speaker or UNATTRIBUTED for g in groups):
        body.append(f"<h2>{_e(speaker)}</h2>")
        body.extend(_group_section(g, rows_by_id) for g in groups if (g.speaker or UNATTRIBUTED) == speaker)
    return page(title, "\n".join(body))


def diff_page(found: Group, all_rows: list[QuoteRow]) -> str:
    title = f"Group #{found.id}: {found.speaker or UNATTRIBUTED}"
    return page(title, f"<h1>{_e(title)}</h1>\n{LEGEND}\n{_group_section(found, {r.id: r for r in all_rows})}")

