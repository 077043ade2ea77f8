"""Output a fact-checker pastes into a report: full citations, tables that fit the terminal,
colour only where wanted, one field per CSV column."""
from __future__ import annotations

import csv
import io
import json
import re

import click
import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from quotes import Index, render
from quotes.cli import main

PAGES = FIXTURES / "pages"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


@pytest.fixture(scope="module")
def pages_db(tmp_path_factory):
    """The ten saved pages and the five seeds in one index: articles with and without citations."""
    db = tmp_path_factory.mktemp("pages") / "pages.db"
    result = run("index", PAGES, FIXTURES.parent / "seeds", "--db", db, "--quiet")
    assert result.exit_code == 0, result.output
    return db


def test_json_rows_carry_the_article_s_citation(pages_db):
    rows = json.loads(run("list", "--speaker", "Delgado", "--db", pages_db, "--format", "json").output)
    assert rows and {(r["outlet"], r["title"], r["author"], r["published"], r["url"]) for r in rows} == {
        ("The Hill Brief", "Senator presses airline chiefs over summer delays", "Sam Porter", "2025-07-24",
         "https://thehillbrief.substack.example.com/p/senator-presses-airline-chiefs")}


def test_csv_gives_citation_fields_and_the_group_its_own_columns(pages_db):
    out = run("list", "--speaker", "Johnson", "--db", pages_db, "--format", "csv").output
    rows = list(csv.DictReader(io.StringIO(out)))
    grouped = [r for r in rows if r["group"]]
    assert grouped and all(r["group"].isdigit() and r["group_kind"] in ("identical", "punctuation", "spelling",
                                                                            "excerpt", "wording") for r in grouped)
    page = next(r for r in rows if r["article"] == "seed-004")
    assert (page["outlet"], page["published"], page["author"]) == ("Windy City Dispatch", "2025-08-30", "Nina Park")
    assert page["url"].startswith("https://www.windycitydispatch.example.com/")


def test_show_cites_the_article(pages_db):
    rows = json.loads(run("list", "--speaker", "Ruiz", "--db", pages_db, "--format", "json").output)
    out = run("show", rows[0]["id"], "--db", pages_db).output
    assert ("cite: Riverside Courier, “Council approves bus lanes on Main Street after long debate”, "
            "by Dana Whitfield, 2025-03-12, https://www.riversidecourier.com/news/2025/03/12/"
            "council-approves-bus-lanes") in out


def test_the_html_sheet_cites_every_version_in_full(pages_db):
    page = run("list", "--speaker", "Johnson", "--db", pages_db, "--format", "html").output
    assert "<b>Windy City Dispatch</b>, “Chicago mayor orders officials to resist immigration crackdown”" in page
    assert '<a href="https://www.windycitydispatch.example.com/2025/08/30/' in page
    assert " ·  · " not in page and "· ·" not in page          # an article with no outlet leaves no gap


def test_the_html_sheet_counts_named_speakers_apart_from_unattributed_quotes(pages_db):
    page = run("list", "--db", pages_db, "--format", "html").output
    counts = re.search(r'<p class="meta">([^<]*) · made by', page).group(1)
    speakers = json.loads(run("speakers", "--db", pages_db, "--format", "json").output)
    assert f"{len(speakers)} speakers" in counts and "unattributed" in counts


def test_explain_is_in_csv_markdown_and_html_too(pages_db):
    csv_out = run("list", "--speaker", "Ellison", "--db", pages_db, "--format", "csv", "--explain").output
    assert next(csv.DictReader(io.StringIO(csv_out)))["how"].startswith("rule: ")
    md = run("list", "--speaker", "Ellison", "--db", pages_db, "--format", "markdown", "--explain").output
    assert md.splitlines()[0].replace(" ", "").endswith("|how|")
    html_out = run("list", "--speaker", "Ellison", "--db", pages_db, "--format", "html", "--explain").output
    assert '<details class="how"><summary>how quote' in html_out and "<li>rule: " in html_out


def test_a_diff_header_without_an_outlet_has_no_empty_brackets(tmp_path):
    story = "---\nid: bare\n---\n“We will fight this order in court,” Mayor Brandon Johnson said on Monday.\n"
    other = "---\nid: other\noutlet: Metro Daily\n---\n“We will fight this order in court,” Johnson said.\n"
    (tmp_path / "a.txt").write_text(story, encoding="utf-8")
    (tmp_path / "b.txt").write_text(other, encoding="utf-8")
    db = tmp_path / "q.db"
    assert run("index", tmp_path / "a.txt", tmp_path / "b.txt", "--db", db, "-q").exit_code == 0
    (group,) = json.loads(run("variants", "--db", db, "--format", "json").output)
    out = run("diff", group["id"], "--db", db).output
    assert "bare ()" not in out and "bare [" in out and "other (Metro Daily) [" in out


def test_tables_and_diffs_fit_the_terminal_s_width(pages_db):
    store = Index(str(pages_db))
    rows = store.quotes()
    refs = store.group_refs()
    for width in (80, 100):
        for fmt_explain in (False, True):
            table = render.quotes(rows, "table", refs, explain=fmt_explain, width=width)
            assert max(len(line) for line in table.splitlines()) <= width
    group = max(store.groups(), key=lambda g: len(g.reference.text))
    articles = {r.article.id: r.article for r in rows}
    diff = click.unstyle(render.group_diff(group, "text", articles, width=72))
    assert max(len(line) for line in diff.splitlines()) <= 72


def test_no_color_is_honoured_and_color_forces_it(pages_db):
    group = json.loads(run("variants", "--db", pages_db, "--format", "json", "--kind", "wording").output)[0]
    forced = run("diff", group["id"], "--db", pages_db, "--color", color=True)
    assert ANSI.search(forced.output)
    quiet = run("diff", group["id"], "--db", pages_db, color=True, env={"NO_COLOR": "1"})
    assert not ANSI.search(quiet.output)
    off = run("diff", group["id"], "--db", pages_db, "--no-color", color=True)
    assert not ANSI.search(off.output)
