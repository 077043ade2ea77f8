"""Shared test helpers: the fixture articles and the real bundled Stanza pipeline."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
QUOTE_FIXTURES = sorted((FIXTURES / "quotes").glob("*.txt"))
SEEDS = ROOT / "seeds"


def read_fixture(path: Path) -> tuple[str, dict]:
    """An article's text (bytes decoded, newlines untouched) and the expectations beside it."""
    text = path.read_bytes().decode("utf-8")
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    return text, expected


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory):
    """An index of the five seed articles, built once through the CLI with the bundled models."""
    from click.testing import CliRunner
    from quotes.cli import main
    db = tmp_path_factory.mktemp("index") / "seeds.db"
    result = CliRunner().invoke(main, ["index", str(SEEDS), "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="session")
def fixtures_index(tmp_path_factory):
    """An index of the fixture articles (fixtures/quotes), built once by the real `quotes index
    --jobs 1` in a process of its own: the one-process index that an interrupted or concurrent
    run of the same articles must end up equal to. Read it; a test that writes copies it first."""
    db = tmp_path_factory.mktemp("fixtures-index") / "fixtures.db"
    subprocess.run([sys.executable, "-m", "quotes", "index", str(FIXTURES / "quotes"), "--db", str(db), "--quiet",
                    "--jobs", "1"], check=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    return db


def indexed_articles(db: Path) -> int:
    """How many articles the index at db holds (0 while it is still being created)."""
    try:
        with sqlite3.connect(db, timeout=30) as conn:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def wait_for_first_article(db: Path, process, seconds: float = 300) -> None:
    """Return once the `quotes index` run in process has saved an article into db, or has ended."""
    deadline = time.time() + seconds
    while time.time() < deadline and process.poll() is None:
        if db.exists() and indexed_articles(db):
            return
        time.sleep(0.05)
