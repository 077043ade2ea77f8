"""The command line as a fact-checker uses it: index the seeds, read the citation sheet."""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import quotes
from quotes import render
from quotes.cli import main
from quotes.rows import ArticleInfo, QuoteRow

from conftest import FIXTURES, ROOT, SEEDS

SEED_SPEAKERS = {"Brandon Johnson", "Donald Trump", "JB Pritzker", "JD Vance", "Abigail Jackson", "White House"}


def run(*args, **kwargs):
    result = CliRunner().invoke(main, [str(a) for a in args], **kwargs)
    return result


def test_list_speaker_johnson_is_his_citation_sheet(seeded_db):
    result = run("list", "--speaker", "Johnson", "--db", seeded_db, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and {r["speaker"] for r in rows} == {"Brandon Johnson"}
    assert {"speaker", "text", "article", "outlet", "start", "end", "cue", "paragraph"} <= set(rows[0])
    texts = " ".join(r["text"] for r in rows)
    assert "I don’t take orders from the federal government" in texts
    assert "We may see militarized immigration enforcement" in texts
    assert "He is reckless and out of control" in texts
    assert all(r["cue"] for r in rows)
    assert len({r["article"] for r in rows}) >= 4


def test_johnson_sheet_has_every_johnson_quote_and_nothing_else(seeded_db):
    expected = json.loads((FIXTURES / "seeds" / "johnson.expected.json").read_text(encoding="utf-8"))
    rows = json.loads(run("list", "--speaker", "Johnson", "--db", seeded_db, "--format", "json").output)
    assert sorted((r["article"], r["text"]) for r in rows) == \
        sorted((q["article"], q["text"]) for q in expected["quotes"]), expected["case"]


def test_every_listed_quote_cites_its_article_exactly(seeded_db):
    rows = json.loads(run("list", "--db", seeded_db, "--format", "json").output)
    for row in rows:
        body = (ROOT / row["source"]).read_text(encoding="utf-8").split("---\n", 2)[2]
        assert body[row["start"]:row["end"]] == row["text"]


def test_list_table_shows_article_with_its_outlet_cue_and_paragraph(seeded_db):
    result = run("list", "--speaker", "brandon johnson", "--db", seeded_db)
    assert result.exit_code == 0
    header = result.output.splitlines()[0]
    for column in ("speaker", "quote", "article", "cue", "¶"):
        assert column in header
    lines = result.output.splitlines()
    first = next(i for i, line in enumerate(lines) if "003_b295f3cf550afbc6" in line)
    assert "unknown (seed 003)" in lines[first + 1]       # the outlet under the article it cites


def test_list_table_wraps_long_quotes_in_their_column_and_keeps_numbers_right_aligned(seeded_db):
    from quotes.render import QUOTE_WIDTH
    lines = run("list", "--speaker", "Johnson", "--db", seeded_db).output.splitlines()
    header, rule = lines[0], lines[1]
    widths = [len(dashes) for dashes in rule.split("  ")]
    assert widths[2] <= QUOTE_WIDTH + 2      # the quote column, its marks included
    assert max(len(line) for line in lines) <= len(rule)
    ids = [line[:widths[0]] for line in lines[2:] if line[:widths[0]].strip()]
    assert ids and all(cell.strip().isdigit() and cell == cell.strip().rjust(widths[0]) for cell in ids)
    assert header.startswith(" " * (widths[0] - 2) + "id")


def test_speakers_lists_the_seed_speakers_with_aliases(seeded_db):
    result = run("speakers", "--db", seeded_db, "--format", "json")
    entries = {e["speaker"]: e for e in json.loads(result.output)}
    assert SEED_SPEAKERS <= set(entries)
    assert entries["White House"]["kind"] == "organisation"
    assert entries["Brandon Johnson"]["kind"] == "person"
    assert {"Johnson", "Mayor Brandon Johnson"} <= set(entries["Brandon Johnson"]["aliases"])
    assert entries["Brandon Johnson"]["articles"] >= 4


def test_a_quote_printed_by_several_articles_is_marked(seeded_db):
    rows = json.loads(run("list", "--speaker", "Jackson", "--db", seeded_db, "--format", "json").output)
    statement = [r for r in rows if r["text"].startswith("If these Democrats")]
    assert len(statement) == 2
    assert all(r["variant"] and r["variant"]["varies"] and r["variant"]["kind"] == "wording" for r in statement)
    assert len({r["variant"]["group"] for r in statement}) == 1


def test_unknown_speaker_is_a_clear_error(seeded_db):
    result = run("list", "--speaker", "Nobody Atall", "--db", seeded_db)
    assert result.exit_code == 1
    assert "no speaker matches 'Nobody Atall'" in result.output


def test_ambiguous_speaker_lists_each_under_its_own_heading(tmp_path):
    (tmp_path / "a.txt").write_text("“We are ready,” Mayor Brandon Johnson said on Monday.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("“The House will vote,” Speaker Mike Johnson said on Tuesday.\n",
                                    encoding="utf-8")
    db = tmp_path / "q.db"
    assert run("index", tmp_path, "--db", db, "-q").exit_code == 0
    result = run("list", "--speaker", "Johnson", "--db", db)
    assert "Brandon Johnson\n===" in result.output and "Mike Johnson\n===" in result.output


def test_reindexing_unchanged_articles_does_no_work(seeded_db, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(seeded_db, db)
    result = run("index", SEEDS, "--db", db)
    assert result.exit_code == 0
    assert "indexed 0 articles (0 quotes), 5 unchanged" in result.output


def test_a_changed_article_replaces_its_old_quotes(tmp_path):
    article = tmp_path / "story.txt"
    db = tmp_path / "q.db"
    article.write_text("“First version,” Mayor Brandon Johnson said.\n", encoding="utf-8")
    run("index", article, "--db", db, "-q")
    article.write_text("“Second version,” Mayor Brandon Johnson said. “And more,” he added.\n", encoding="utf-8")
    run("index", article, "--db", db, "-q")
    rows = json.loads(run("list", "--db", db, "--format", "json").output)
    assert [r["text"] for r in rows] == ["Second version,", "And more,"]


def test_bad_files_are_named_skipped_and_the_rest_is_indexed(tmp_path):
    (tmp_path / "good.txt").write_text("“Fine,” Gov. JB Pritzker said.\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00")
    (tmp_path / "latin1.txt").write_bytes("\"Caf\xe9,\" he said.".encode("latin-1"))
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    db = tmp_path / "q.db"
    result = run("index", tmp_path, "--db", db, "-q")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("quotes: skipped")]
    assert len(errors) == 3 and any("binary.txt" in e for e in errors) and any("latin1.txt" in e for e in errors)
    rows = json.loads(run("list", "--db", db, "--format", "json").output)
    assert [r["speaker"] for r in rows] == ["JB Pritzker"]


def test_extract_jsonl_follows_the_evaluation_contract():
    path = FIXTURES / "quotes" / "pronouns_nominals.txt"
    result = run("extract", path, "--format", "jsonl")
    assert result.exit_code == 0
    text = path.read_bytes().decode("utf-8")
    records = [json.loads(line) for line in result.output.splitlines()]
    assert records
    for r in records:
        assert {"article", "start", "end", "text", "speaker", "speaker_mention", "cue"} <= set(r)
        assert r["article"] == str(path)
        assert text[r["start"]:r["end"]] == r["text"]
        for span in (r["speaker_mention"], r["cue"]):
            assert span is None or text[span["start"]:span["end"]] == span["text"]


def test_show_explain_says_how_a_quote_was_attributed(seeded_db):
    rows = json.loads(run("list", "--speaker", "Vance", "--db", seeded_db, "--format", "json").output)
    result = run("show", rows[0]["id"], "--explain", "--db", seeded_db)
    assert result.exit_code == 0
    assert "rule:" in result.output and "cue:" in result.output and "mention:" in result.output
    assert "parsed with: tokenize, pos, lemma, depparse, ner\n" in result.output


def test_show_explain_gives_the_scorers_probability_and_the_runner_up(seeded_db):
    rows = json.loads(run("list", "--speaker", "Vance", "--db", seeded_db, "--format", "json").output)
    result = run("show", rows[0]["id"], "--explain", "--db", seeded_db)
    line = next(x for x in result.output.splitlines() if "scorer:" in x)
    assert "chosen with probability" in line and "nobody" in line, line


def test_explain_says_which_processors_were_missing():
    quote = quotes.extract("“We are ready,” Mayor Brandon Johnson said.")[0]
    article = ArticleInfo("a", "a.txt", None, None, None, None, None, ("tokenize",), None)
    lines = render.explain_lines(QuoteRow(1, quote, "Brandon Johnson", article))
    assert "parsed with: tokenize (no NER: names found by capitalisation and the lexicon; " \
           "no parser: subjects found by word order alone)" in lines


def test_a_file_that_is_not_an_index_is_refused_and_left_alone(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("my precious notes", encoding="utf-8")
    result = run("list", "--db", notes)
    assert result.exit_code == 1 and "not an SQLite file" in result.output
    assert notes.read_text(encoding="utf-8") == "my precious notes"


def test_a_newer_schema_is_refused(tmp_path):
    from quotes import Index
    db = tmp_path / "new.db"
    Index(db, create=True).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    result = run("speakers", "--db", db)
    assert result.exit_code == 1 and "newer quotes" in result.output


def _old_index(tmp_path) -> Path:
    """A copy of an index the previous release (schema 2) wrote: two seeds and one fixture."""
    db = tmp_path / "schema2.db"
    shutil.copy(FIXTURES / "index" / "schema2.db", db)
    return db


def test_an_index_from_the_previous_schema_reads_as_it_did(tmp_path):
    db = _old_index(tmp_path)
    before = json.loads((FIXTURES / "index" / "schema2.list.json").read_text(encoding="utf-8"))
    rows = json.loads(run("list", "--db", db, "--format", "json").output)
    fields = ["id", "speaker", "speaker_kind", "text", "article", "source", "outlet", "start", "end", "paragraph",
              "cue", "speaker_mention", "rule", "variant"]
    assert [[r[f] for f in fields] for r in rows] == [[r[f] for f in fields] for r in before]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "5"


def test_an_index_from_the_previous_schema_is_reanalysed_keeping_quote_ids(tmp_path):
    db = _old_index(tmp_path)
    result = run("index", "--db", db)       # no PATH: bring the index up to date
    assert result.exit_code == 0, result.output
    assert "re-analysing 3 indexed articles" in result.output and "not recorded" in result.output
    assert "indexed 0 articles and re-analysed 3" in result.output
    before = json.loads((FIXTURES / "index" / "schema2.list.json").read_text(encoding="utf-8"))
    after = {r["id"]: r for r in json.loads(run("list", "--db", db, "--format", "json").output)}
    kept = [r for r in before if r["id"] in after]
    assert len(kept) >= len(before) - 2
    assert all((after[r["id"]]["start"], after[r["id"]]["end"]) == (r["start"], r["end"]) for r in kept)
    assert "indexed 0 articles (0 quotes), 0 unchanged" in run("index", "--db", db).output


def test_an_index_from_schema_one_gets_its_quote_groups(tmp_path):
    db = _old_index(tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE quote_groups")
        conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    before = json.loads((FIXTURES / "index" / "schema2.list.json").read_text(encoding="utf-8"))
    rows = json.loads(run("list", "--db", db, "--format", "json").output)

    def grouping(listed):
        """Which quotes share a group, and each one's kinds (the number is the earliest quote's id
        now, a count in the release that wrote the fixture)."""
        members: dict[int, list[int]] = {}
        for r in listed:
            if r["variant"]:
                members.setdefault(r["variant"]["group"], []).append(r["id"])
        kinds = [None if not r["variant"] else {k: v for k, v in r["variant"].items() if k != "group"} for r in listed]
        return sorted(members.values()), kinds

    assert grouping(rows) == grouping(before)
    assert any(r["variant"] for r in rows)


def test_a_failed_save_leaves_the_article_as_it_was(tmp_path):
    from quotes import pipeline
    from quotes.articles import build_article
    from quotes import Index
    index = Index(tmp_path / "q.db", create=True)
    first = pipeline.analyse(build_article("“One,” Gov. JB Pritzker said.", id="a", source="a.txt"))
    index.save(first)
    broken = dataclasses.replace(first.quotes[0], text=None)        # violates NOT NULL half-way through
    second = dataclasses.replace(first, quotes=[first.quotes[0], broken],
                                 article=dataclasses.replace(first.article, sha256="changed"))
    with pytest.raises(sqlite3.IntegrityError):
        index.save(second)
    assert [r.quote.text for r in index.quotes()] == ["One,"]
    assert not index.is_current(second.article, second.analyser)


@pytest.mark.parametrize("command", [[], ["index"], ["list"], ["show"], ["speakers"], ["extract"], ["variants"],
                                     ["diff"], ["evaluate"]])
def test_every_command_has_help(command):
    result = run(*command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output and "--help" in result.output


def test_official_models_without_network_fail_with_a_clear_message():
    result = run("extract", FIXTURES / "quotes" / "curly_quotes.txt", "--models", "official")
    if result.exit_code == 0:
        pytest.skip("the official models are reachable from this machine")
    assert result.exit_code == 1 and "official" in result.output.lower()
    assert "Traceback" not in result.output


def test_the_installed_console_script_runs():
    script = Path(sys.executable).with_name("quotes")
    if not script.exists():
        pytest.skip("quotes is not installed as a console script in this environment")
    path = FIXTURES / "quotes" / "organisation_speaker.txt"
    out = subprocess.run([str(script), "extract", str(path)], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "QUOTES_MODELS": "bundled"})
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout.splitlines()[0])
    assert record["speaker"] == "White House"


def test_python_dash_m_quotes_runs():
    out = subprocess.run([sys.executable, "-m", "quotes", "--help"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "quotes index" in out.stdout


def test_outlet_option_labels_articles_without_their_own(tmp_path):
    (tmp_path / "wire.txt").write_text("“We are ready,” Gov. JB Pritzker said.\n", encoding="utf-8")
    (tmp_path / "own.txt").write_text("---\noutlet: Chicago Tribune\n---\n“Not yet,” Mayor Brandon Johnson said.\n",
                                      encoding="utf-8")
    db = tmp_path / "q.db"
    assert run("index", tmp_path, "--db", db, "--outlet", "Test Wire", "-q").exit_code == 0
    rows = json.loads(run("list", "--db", db, "--format", "json").output)
    assert {r["article"]: r["outlet"] for r in rows} == {"wire": "Test Wire", "own": "Chicago Tribune"}
    own = next(r for r in rows if r["article"] == "own")
    body = "“Not yet,” Mayor Brandon Johnson said.\n"
    assert body[own["start"]:own["end"]] == own["text"] == "Not yet,"


def test_jsonl_articles_are_indexed_with_their_metadata(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "ap-1", "outlet": "AP", "text": "“Stand down,” Mayor Brandon Johnson said."})
                    + "\n{broken\n", encoding="utf-8")
    db = tmp_path / "q.db"
    result = run("index", feed, "--db", db, "-q")
    assert result.exit_code == 1 and f"{feed}:2" in result.output
    rows = json.loads(run("list", "--db", db, "--format", "json").output)
    assert [(r["article"], r["outlet"], r["speaker"]) for r in rows] == [("ap-1", "AP", "Brandon Johnson")]


def test_extract_leaves_out_titles_and_nicknames_unless_asked():
    path = FIXTURES / "quotes" / "not_speech.txt"
    spoken = [json.loads(line)["text"] for line in run("extract", path).output.splitlines()]
    everything = [json.loads(line) for line in run("extract", path, "--all").output.splitlines()]
    assert "Sweet Home Chicago" not in spoken and "hellhole" in spoken
    assert {r["rule"] for r in everything if r["text"] == "Sweet Home Chicago"} == {"title"}


def test_list_leaves_out_what_extract_leaves_out_unless_asked(tmp_path):
    path = FIXTURES / "quotes" / "not_speech.txt"
    db = tmp_path / "q.db"
    assert run("index", path, "--db", db, "-q").exit_code == 0
    extracted = [json.loads(line)["text"] for line in run("extract", path).output.splitlines()]
    listed = [r["text"] for r in json.loads(run("list", "--db", db, "--format", "json").output)]
    everything = json.loads(run("list", "--db", db, "--format", "json", "--all").output)
    assert listed == extracted and "Sweet Home Chicago" not in listed and "hellhole" in listed
    assert {r["text"]: r["rule"] for r in everything}["Sweet Home Chicago"] == "title"


def test_aliases_differing_only_in_case_show_one_form_every_time():
    # Sets have no fixed order from run to run; the sheet must not change with it.
    from quotes.store import _distinct_aliases
    for order in (["president Donald Trump", "President Donald Trump", "Trump"],
                  ["President Donald Trump", "Trump", "president Donald Trump"]):
        assert _distinct_aliases(set(order), "Donald Trump") == ["President Donald Trump", "Trump"]


def test_the_library_extract_leaves_out_what_the_command_leaves_out_unless_asked():
    text = (FIXTURES / "quotes" / "not_speech.txt").read_text(encoding="utf-8")
    extracted = [json.loads(line)["text"] for line in run("extract", FIXTURES / "quotes" / "not_speech.txt").output.splitlines()]
    assert [q.text for q in quotes.extract(text)] == extracted
    assert {q.attribution.rule for q in quotes.extract(text, include_all=True) if q.text == "Sweet Home Chicago"} == {"title"}


def test_a_failed_relink_after_an_upgrade_is_one_line_and_the_next_index_run_finishes_it(tmp_path, monkeypatch):
    from quotes.index import Index
    db = _old_index(tmp_path)

    def disk_error(self):
        raise sqlite3.OperationalError("disk I/O error")
    with monkeypatch.context() as patched:
        patched.setattr(Index, "relink_speakers", disk_error)
        result = run("list", "--db", db)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "disk I/O error" in result.output and f"quotes index --db {db}" in result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM speaker_links").fetchone()[0] == 0
    result = run("index", "--db", db)
    assert result.exit_code == 0, result.output
    rows = json.loads(run("list", "--db", db, "--format", "json").output)
    assert rows and "out of date" not in run("list", "--db", db).output
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM speaker_links").fetchone()[0] > 0
