"""One speaker across articles: names, surnames and titles linked to one canonical name."""
from __future__ import annotations

import json

from click.testing import CliRunner

from quotes.cli import main
from quotes.speakers import link, name_key


def test_name_key_ignores_dots_and_case():
    assert name_key("J.B. Pritzker") == name_key("JB Pritzker") == "jb pritzker"


def test_a_surname_links_to_the_one_full_name_in_the_index():
    mapping = link([("Brandon Johnson", "person"), ("Johnson", "person"), ("Donald Trump", "person")])
    assert mapping[("Johnson", "person")] == "Brandon Johnson"


def test_a_surname_shared_by_two_people_stays_apart():
    mapping = link([("Brandon Johnson", "person"), ("Mike Johnson", "person"), ("Johnson", "person")])
    assert mapping[("Johnson", "person")] == "Johnson"


def test_an_organisation_never_absorbs_a_person():
    mapping = link([("White House", "organisation"), ("House", "person")])
    assert mapping[("House", "person")] == "House"


def test_an_article_that_only_says_johnson_joins_brandon_johnson(tmp_path):
    (tmp_path / "full.txt").write_text("“We will not comply,” Chicago Mayor Brandon Johnson said.\n", encoding="utf-8")
    (tmp_path / "short.txt").write_text("“Chicago stands firm,” Johnson told reporters on Monday.\n", encoding="utf-8")
    db = tmp_path / "q.db"
    runner = CliRunner()
    assert runner.invoke(main, ["index", str(tmp_path), "--db", str(db), "-q"]).exit_code == 0
    rows = json.loads(runner.invoke(main, ["list", "--speaker", "johnson", "--db", str(db), "--format", "json"]).output)
    assert sorted(r["article"] for r in rows) == ["full", "short"]
    assert {r["speaker"] for r in rows} == {"Brandon Johnson"}
