"""Shared test helpers: the fixture articles and the real bundled Stanza pipeline."""
from __future__ import annotations

import json
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
