"""Display is escaped, storage is not: article text that attacks a terminal, a spreadsheet or a
Markdown page reaches none of them live, through any command or format, while the index and
JSON keep it exactly."""
from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from quotes import Index, escape, render
from quotes.cli import main

# What a terminal acts on: C0 controls but tab and line feed, DEL, C1, bidirectional overrides.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
COLOUR = re.compile(r"\x1b\[[0-9;]*m")      # the colour quotes itself gives a diff

TERMINAL_PAYLOADS = {
    "window title": "\x1b]0;owned\x07",
    "clipboard write": "\x1b]52;c;ZXZpbA==\x07",
    "hidden link": "\x1b]8;;http://evil.example/\x1b\\",
    "clear screen": "\x1b[2J",
    "concealed text": "\x1b[8m",
    "C1 CSI": "\x9b2J",
    "right-to-left override": "\u202e",
    "backspace": "\x08",
    "delete": "\x7f",
}
MARKDOWN_PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))",
                     "![](http://tracker.example/p.gif)"]
QUOTE = ("We will resist " + " ".join(TERMINAL_PAYLOADS.values()) + " every order from Washington "
         + " ".join(MARKDOWN_PAYLOADS) + " today")
OTHER_PRINTING = QUOTE.replace("every order", "each and every order <img src=y onerror=alert(2)>")
OUTLET = '=HYPERLINK("http://evil.example/","Reuters")'
TITLE = "\x1b]0;owned\x07Council <script>alert(1)</script> vote\rpasses"
AUTHOR = "@SUM(1+1)\x1b]52;c;ZXZpbA==\x07"
URL = "-http://evil.example/\x1b]8;;http://evil.example/\x1b\\link"
SECOND_ID = "+b\x1b]0;id\x07"

ARTICLE_A = f"""---
id: payload-a
outlet: {OUTLET}
title: {TITLE}
author: {AUTHOR}
url: {URL}
published: 2025-03-12
---
CHICAGO — The city council met on Tuesday to debate the new budget for the coming year.

“{QUOTE},” said Mayor Brandon Johnson.

“=cmd|' /C calc'!A0 is what they want,” Johnson added.

“+1+2 and -3 are the numbers,” Johnson said.

“Taxes will rise next year,” said council member Dana Whit\u202efield.

The council adjourned after three hours of debate over the spending plan for next year.
"""
ARTICLE_B = f"""---
id: {SECOND_ID}
outlet: Tribune\x1b[2J
published: 2025-03-12
---
CHICAGO — Mayor Brandon Johnson spoke to reporters after the budget meeting on Tuesday.

“{OTHER_PRINTING},” Johnson said.

“@SUM(A1:A9) is the total,” Johnson told reporters.

The meeting ended late in the evening.
"""
# A title whose line break would print a second "speaker:" line under `quotes show`.
FORGED_TITLE = "Budget news\nspeaker: Barack Obama [person]"
ARTICLE_C = json.dumps({"id": "forged-lines", "title": FORGED_TITLE, "outlet": "Metro Daily",
                        "text": "“Nobody asked us about the budget,” said Mayor Brandon Johnson."})


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """An index of three articles carrying the payloads in their text and citation fields."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (folder / "b.txt").write_text(ARTICLE_B, encoding="utf-8")
    (folder / "c.jsonl").write_text(ARTICLE_C + "\n", encoding="utf-8")
    db = folder / "hostile.db"
    result = run("index", folder, "--db", db, "--quiet")
    assert result.exit_code == 0, result.output
    rows = json.loads(run("list", "--db", db, "--format", "json").output)
    group = json.loads(run("variants", "--db", db, "--format", "json").output)[0]
    return {"folder": folder, "db": db, "rows": rows, "group": group["id"],
            "quote": next(r for r in rows if r["text"].startswith("We will resist") and r["article"] == "payload-a")}


def assert_shown_not_raw(out: str) -> None:
    """No control character reaches the reader raw; the payloads are there to see, escaped."""
    assert not RAW_CONTROL.search(out), repr(RAW_CONTROL.search(out).group())
    assert "\\x1b]0;owned\\x07" in out


# --- each command and format, through the CLI ----------------------------------------------------

TERMINAL_COMMANDS = {
    "list": ["list"],
    "list --explain": ["list", "--explain"],
    "list markdown": ["list", "--format", "markdown"],
    "list markdown --explain": ["list", "--format", "markdown", "--explain"],
    "list csv": ["list", "--format", "csv"],
    "list html": ["list", "--format", "html"],
    "variants": ["variants"],
    "variants markdown": ["variants", "--format", "markdown"],
    "variants html": ["variants", "--format", "html"],
}


@pytest.mark.parametrize("command", TERMINAL_COMMANDS)
def test_no_command_prints_a_control_character_raw(hostile, command):
    out = run(*TERMINAL_COMMANDS[command], "--db", hostile["db"]).output
    assert_shown_not_raw(out)


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_diff_shows_payloads_escaped_with_or_without_colour(hostile, fmt):
    for colour in ("--color", "--no-color"):
        out = run("diff", hostile["group"], "--db", hostile["db"], "--format", fmt, colour, color=True).output
        assert_shown_not_raw(COLOUR.sub("", out))
        assert "\x1b[8m" not in out and "\x1b[2J" not in out     # nothing of the article's is left to colour
    assert COLOUR.search(run("diff", hostile["group"], "--db", hostile["db"], "--color", color=True).output)


def test_show_escapes_the_quote_its_context_and_its_citation(hostile):
    for flag in ([], ["--explain"]):
        out = run("show", hostile["quote"]["id"], "--db", hostile["db"], *flag).output
        assert_shown_not_raw(out)
        assert "\\x1b]52;c;ZXZpbA==\\x07" in out and "\\u202e" in out


def test_a_line_break_in_a_field_cannot_forge_a_line_of_show(hostile):
    row = next(r for r in hostile["rows"] if r["article"] == "forged-lines")
    for flag in ([], ["--explain"]):
        lines = run("show", row["id"], "--db", hostile["db"], *flag).output.splitlines()
        assert [line for line in lines if line.startswith("speaker:")] == ["speaker: Brandon Johnson [person]"]
        assert any("Budget news\\nspeaker: Barack Obama" in line for line in lines)


def test_speaker_names_are_escaped_in_every_speakers_format(hostile):
    for fmt in ("table", "markdown", "csv"):
        out = run("speakers", "--db", hostile["db"], "--format", fmt).output
        assert not RAW_CONTROL.search(out) and "Whit\\u202efield" in out
    assert "Whit\u202efield" in run("speakers", "--db", hostile["db"], "--format", "json").output


def test_a_skipped_file_s_name_is_escaped_on_stderr(tmp_path):
    (tmp_path / "bad\x1b]0;owned\x07.txt").write_text("", encoding="utf-8")
    result = run("index", tmp_path, "--db", tmp_path / "q.db", "--quiet")
    assert result.exit_code == 1
    assert "bad\\x1b]0;owned\\x07.txt: empty file" in result.stderr and not RAW_CONTROL.search(result.stderr)


def test_the_progress_bar_in_a_terminal_shows_an_article_id_escaped(hostile, tmp_path):
    """The bar names the article being indexed, on a real terminal (a pseudo-terminal here)."""
    (tmp_path / "b.txt").write_text(ARTICLE_B, encoding="utf-8")
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "quotes", "index", tmp_path / "b.txt", "--db", tmp_path / "q.db"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    shown = b""
    while True:       # read as it comes, so that a full terminal buffer never stops the run
        try:
            chunk = os.read(leader, 4096)
        except OSError:       # the run ended and closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(timeout=300) == 0
    text = shown.decode("utf-8")
    assert "+b\\x1b]0;id\\x07" in text and "\x1b]0;id" not in text


def test_an_error_that_repeats_what_was_asked_is_escaped(hostile):
    result = run("list", "--db", hostile["db"], "--speaker", "\x1b]0;owned\x07")
    assert result.exit_code == 1 and "\\x1b]0;owned\\x07" in result.stderr and not RAW_CONTROL.search(result.stderr)


def test_extract_tables_escape_and_its_json_is_exact(hostile):
    article = hostile["folder"] / "a.txt"
    for fmt in ("table", "markdown", "csv"):
        assert_shown_not_raw(run("extract", article, "--format", fmt).output)
    records = [json.loads(line) for line in run("extract", article).output.splitlines()]
    assert QUOTE + "," in [r["text"] for r in records]


def test_json_keeps_the_article_s_text_and_fields_exactly(hostile):
    row = hostile["quote"]
    assert row["text"] == QUOTE + ","
    assert (row["outlet"], row["title"], row["author"], row["url"]) == (OUTLET, TITLE, AUTHOR, URL)
    assert SECOND_ID in {r["article"] for r in hostile["rows"]}
    occurrences = json.loads(run("diff", hostile["group"], "--db", hostile["db"], "--format", "json").output)
    assert {o["text"] for o in occurrences["occurrences"]} == {QUOTE + ",", OTHER_PRINTING + ","}


# --- CSV: no formula runs where a spreadsheet opens the file -------------------------------------

def csv_rows(out: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(out)))


def test_csv_cells_that_would_start_a_formula_are_made_text(hostile):
    rows = csv_rows(run("list", "--db", hostile["db"], "--format", "csv").output)
    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell.startswith(escape.FORMULA_STARTS)]
    row = next(r for r in rows if r["article"] == "payload-a")
    assert (row["outlet"], row["author"]) == ("'" + OUTLET, "'@SUM(1+1)\\x1b]52;c;ZXZpbA==\\x07")
    assert row["url"].startswith("'-http://evil.example/\\x1b]8;;")
    quotes = {r["quote"] for r in rows}
    assert {"'=cmd|' /C calc'!A0 is what they want,", "'+1+2 and -3 are the numbers,",
            "'@SUM(A1:A9) is the total,"} <= quotes
    assert "'" + SECOND_ID.replace("\x1b", "\\x1b").replace("\x07", "\\x07") in {r["article"] for r in rows}


def test_csv_raw_gives_the_cells_exactly(hostile):
    rows = csv_rows(run("list", "--db", hostile["db"], "--format", "csv", "--csv-raw").output)
    row = next(r for r in rows if r["quote"].startswith("We will resist") and r["article"] == "payload-a")
    assert (row["quote"], row["outlet"], row["author"]) == (QUOTE + ",", OUTLET, AUTHOR)
    assert "=cmd|' /C calc'!A0 is what they want," in {r["quote"] for r in rows}


def test_csv_raw_is_called_unsafe_in_the_help():
    for command in ("list", "speakers", "extract"):
        assert "UNSAFE" in run(command, "--help").output


# --- Markdown: pasted into a page, every payload renders as the text it is -----------------------

def rendered(markdown: str) -> str:
    """The HTML that a CommonMark renderer with GitHub's tables and strikethrough makes of it."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def assert_inert(html: str) -> None:
    assert "<script" not in html and "<img" not in html and "<a " not in html, html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "[click](javascript:alert(1))" in html
    assert "![](http://tracker.example/p.gif)" in html


@pytest.mark.parametrize("args", [["list"], ["list", "--explain"], ["variants"]])
def test_markdown_tables_render_article_markup_as_text(hostile, args):
    html = rendered(run(*args, "--db", hostile["db"], "--format", "markdown").output)
    assert_inert(html)
    assert "<table>" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_markdown_diff_renders_article_markup_as_text_and_keeps_its_own_marks(hostile):
    out = run("diff", hostile["group"], "--db", hostile["db"], "--format", "markdown").output
    html = rendered(out)
    assert_inert(html)
    assert "<del>" in html or "<strong>" in html      # the diff's own marks still render


# --- the escaping functions ----------------------------------------------------------------------

ORDINARY = ["“Yeah, and I don’t take orders from the federal government.”", "Brandon Johnson",
            "[W]e are reminded […] of the millions", "003_b295f3cf550afbc6", "unknown (seed 003)",
            "https://www.riversidecourier.com/news/2025/03/12/council", "tab\there",
            "Führer’s café — “naïve”"]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_unchanged_in_every_format(text):
    assert escape.terminal(text) == text and escape.markdown(text) == text and escape.csv_cell(text) == text


@pytest.mark.parametrize("name", TERMINAL_PAYLOADS)
def test_terminal_shows_each_control_sequence_as_text(name):
    shown = escape.terminal(f"before {TERMINAL_PAYLOADS[name]} after")
    assert not RAW_CONTROL.search(shown) and shown.startswith("before ") and shown.endswith(" after")


def test_terminal_writes_escapes_as_python_does():
    assert escape.terminal("\x1b]0;t\x07\x9b\x7f\u202e\u2066\x00") == "\\x1b]0;t\\x07\\x9b\\x7f\\u202e\\u2066\\x00"


def test_a_carriage_return_is_a_line_break_never_a_return_to_the_line_s_start():
    assert escape.terminal("I support it\rI oppose it") == "I support it\nI oppose it"
    assert escape.terminal("one\r\ntwo\nthree") == "one\ntwo\nthree"
    assert escape.terminal_line("one\r\ntwo\rthree") == "one\\ntwo\\nthree"


@pytest.mark.parametrize("cell, shown", [("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-1+1", "'-1+1"),
                                         ("@SUM(A1)", "'@SUM(A1)"), ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\n=1+1")])
def test_a_csv_cell_that_would_start_a_formula_starts_with_a_quote(cell, shown):
    assert escape.csv_cell(cell) == shown


def test_csv_cells_keep_numbers_and_formula_marks_inside_text():
    assert escape.csv_cell(-3) == -3 and escape.csv_cell(12) == 12
    assert escape.csv_cell("a = b + c - d @ e") == "a = b + c - d @ e"
    assert escape.csv_cell("line one\nline two") == "line one\nline two"


@pytest.mark.parametrize("payload", MARKDOWN_PAYLOADS + ["<http://evil.example/>", "\\<script>alert(1)</script>"])
def test_markdown_makes_no_html_link_or_image(payload):
    for shown in (rendered(escape.markdown(payload)), rendered(f"| q |\n|---|\n| {escape.markdown(payload)} |\n")):
        assert "<script" not in shown and "<img" not in shown and "<a " not in shown, shown


def test_markdown_text_cannot_define_a_link_for_another_quote():
    # A diff prints each version at the start of a blockquote line, where `[x]: URL` would be a
    # definition, and a later "[x]" a link to it.
    shown = rendered(f"> {escape.markdown('[x]: http://tracker.example/')}\n\n> {escape.markdown('see [x]')}\n")
    assert "<a " not in shown and "[x]: http://tracker.example/" in shown


def test_markdown_keeps_a_table_row_and_a_diff_s_marks_its_own():
    cell = escape.markdown("a | b\nc ~~gone~~ **new** `code` back\\slash")
    html = rendered(f"| q | r |\n|---|---|\n| {cell} | x |\n")
    assert "<td>a | b c ~~gone~~ **new** `code` back\\slash</td>" in html


def test_a_compact_terminal_table_escapes_before_it_measures(hostile):
    store = Index(str(hostile["db"]))
    rows, refs = store.quotes(), store.group_refs()
    for width in (80, 100, None):
        for explain in (False, True):
            table = render.quotes(rows, "table", refs, explain=explain, width=width)
            assert_shown_not_raw(table)
            if width:
                assert max(len(line) for line in table.splitlines()) <= width
    headed = render.quotes(rows, "table", refs, headings=True)
    assert "Dana Whit\\u202efield\n====================" in headed and not RAW_CONTROL.search(headed)
    assert "## Dana Whit\\u202efield" in render.quotes(rows, "markdown", refs, headings=True)
    group = store.groups()[0]
    diff = click.unstyle(render.group_diff(group, "text", {r.article.id: r.article for r in rows}, width=72))
    assert_shown_not_raw(diff)
