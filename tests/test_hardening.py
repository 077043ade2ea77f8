"""Bad input, interrupted runs, concurrent writers, foreign files and fuzzing: nothing breaks the index."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import quotes
from quotes import articles, marks
from quotes.cli import main

from conftest import FIXTURES, ROOT, wait_for_first_article
from fuzz_properties import NEWSY, TEXT, check

QUOTES = [sys.executable, "-m", "quotes"]
ROW = "article_id, start, \"end\", text, speaker, rule"


def rows(db):
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT {ROW} FROM quotes ORDER BY article_id, start").fetchall()


# --- bad input -----------------------------------------------------------------------------

def test_an_article_too_long_to_analyse_is_skipped_with_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(articles, "MAX_ARTICLE_CHARS", 1000)
    (tmp_path / "huge.txt").write_text("“Words,” he said. " * 100, encoding="utf-8")
    (tmp_path / "fine.txt").write_text("“Words,” Mayor Ann Lee said.", encoding="utf-8")
    found = list(articles.load([str(tmp_path)]))
    skipped = [f for f in found if isinstance(f, quotes.Skipped)]
    assert [s.source for s in skipped] == [str(tmp_path / "huge.txt")]
    assert "too long to analyse (1,800 characters; the limit is 1,000)" in skipped[0].reason
    assert [a.id for a in found if isinstance(a, quotes.Article)] == ["fine"]


def test_a_fifty_megabyte_article_is_one_line_and_the_batch_goes_on(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("w", encoding="utf-8") as f:
        for _ in range(50):
            f.write("“Words, words, words,” the mayor said again and again. " * 17_500 + "\n\n")
    (tmp_path / "fine.txt").write_text("“Yes,” Mayor Ann Lee said.", encoding="utf-8")
    result = CliRunner().invoke(main, ["index", str(tmp_path), "--db", str(tmp_path / "q.db"), "--jobs", "1"])
    assert result.exit_code == 1
    assert f"skipped {big}: article too long to analyse" in result.output
    assert "indexed 1 article" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("text", [
    '"' * 10_000,                                              # ten thousand quotation marks
    ("“a ” " * 5_000),
    "“‘" * 300 + "deep" + "’”" * 300,                          # deeply nested quotes
    "x" * 1_000_000,                                           # a million-character line
    ("“Open and never closed. " * 2_000),
    "<html><script>var s = \"“quote”\";</script><p>“Hi,” she said.</p></html>",
])
def test_quote_detection_survives_pathological_text(text):
    for span in marks.find(text):
        assert 0 <= span.start <= span.end <= len(text)


# --- fuzzing -------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(NEWSY, TEXT))
def test_extract_never_raises_and_every_offset_points_into_the_text(text):
    check(text)


@pytest.mark.parametrize("text", [
    '"WALLACE : Let us start.',          # a space before a transcript label's colon: the cue pointed at it
])
def test_fuzz_failures_found_before_hold_every_property(text):
    check(text)


# --- foreign and damaged files -------------------------------------------------------------

def test_a_corrupt_database_is_refused_and_left_as_it_was(tmp_path):
    db = tmp_path / "corrupt.db"
    db.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    before = db.read_bytes()
    for command in (["list"], ["index", str(FIXTURES / "quotes" / "curly_quotes.txt")], ["speakers"]):
        result = CliRunner().invoke(main, [*command, "--db", str(db)])
        assert result.exit_code != 0 and "Traceback" not in result.output
        assert str(db) in result.output and len(result.output.strip().splitlines()) == 1
    assert db.read_bytes() == before


# --- interrupted and concurrent runs ----------------------------------------------------------

def test_a_run_killed_mid_way_leaves_whole_articles_and_the_next_run_completes(fixtures_index, tmp_path):
    clean, killed = fixtures_index, tmp_path / "killed.db"
    corpus = str(FIXTURES / "quotes")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    process = subprocess.Popen([*QUOTES, "index", corpus, "--db", str(killed), "--quiet", "--jobs", "1"], env=env)
    wait_for_first_article(killed, process)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with sqlite3.connect(killed) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    want = {}
    for row in rows(clean):
        want.setdefault(row[0], []).append(row)
    got = {}
    for row in rows(killed):
        got.setdefault(row[0], []).append(row)
    assert all(got[a] == want[a] for a in got)                 # every article whole, none twice
    subprocess.run([*QUOTES, "index", corpus, "--db", str(killed), "--quiet", "--jobs", "1"], check=True, env=env)
    assert rows(killed) == rows(clean)
    with sqlite3.connect(killed) as a, sqlite3.connect(clean) as b:
        assert a.execute("SELECT COUNT(*) FROM quote_groups").fetchone() == \
            b.execute("SELECT COUNT(*) FROM quote_groups").fetchone()


def test_two_writers_and_a_reader_share_one_index(fixtures_index):
    result = subprocess.run([sys.executable, str(ROOT / "stress" / "concurrent.py"), "--writers", "2",
                             "--reference", str(fixtures_index)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all checks passed" in result.stdout
