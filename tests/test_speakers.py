"""One speaker across articles: names, surnames and titles linked to one canonical name."""
from __future__ import annotations

import json

from click.testing import CliRunner

import quotes
from quotes.cli import main
from quotes.linking import SpeakerName, link
from quotes.speakers import name_key


def linked(*names: tuple) -> dict[str, str]:
    """Each name's index-wide speaker, for (name, kind[, gender]) tuples."""
    found = link([SpeakerName(*n) for n in names])
    return {name: found[(name, kind)].speaker for name, kind, *_ in names}


def test_name_key_ignores_dots_and_case():
    assert name_key("J.B. Pritzker") == name_key("JB Pritzker") == "jb pritzker"


def test_a_surname_links_to_the_one_full_name_in_the_index():
    assert linked(("Brandon Johnson", "person"), ("Johnson", "person"), ("Donald Trump", "person"))["Johnson"] \
        == "Brandon Johnson"


def test_a_surname_shared_by_two_people_stays_apart():
    assert linked(("Brandon Johnson", "person"), ("Mike Johnson", "person"), ("Johnson", "person"))["Johnson"] \
        == "Johnson"


def test_a_gender_tells_two_people_of_one_surname_apart():
    names = [("Barack Obama", "person", "m"), ("Michelle Obama", "person", "f"), ("Obama", "person", "m")]
    assert linked(*names)["Obama"] == "Barack Obama"
    assert linked(*names[:2], ("Obama", "person"))["Obama"] == "Obama"        # no gender: no guess


def test_an_organisation_never_absorbs_a_person():
    assert linked(("White House", "organisation"), ("House", "person"))["House"] == "House"


def test_a_middle_initial_joins_the_plain_name_unless_two_initials_compete():
    assert linked(("Paul D. Ryan", "person"), ("Paul Ryan", "person"))["Paul D. Ryan"] == "Paul Ryan"
    bushes = linked(("George W. Bush", "person"), ("George H. W. Bush", "person"), ("George Bush", "person"))
    assert len(set(bushes.values())) == 3
    assert linked(("African - Americans", "person"), ("African Americans", "person"))["African - Americans"] \
        == "African - Americans"        # a dash is no initial


def test_a_word_before_a_full_name_is_no_part_of_it():
    names = [("Republican Donald Trump", "person"), ("Donald Trump", "person")]
    found = link([SpeakerName(*n) for n in names])
    assert found[names[0]].speaker == "Donald Trump" and "'republican' before the name" in found[names[0]].reason
    assert found[names[1]].reason == ""


def test_a_word_the_article_prints_in_lower_case_is_no_part_of_the_name_ner_starts_after_it():
    quote = quotes.extract("“We will win this,” Rival Hillary Clinton said, as her rival mocked her.")[0]
    assert quote.attribution.speaker == "Hillary Clinton" and quote.attribution.mention.text == "Rival Hillary Clinton"
    quote = quotes.extract("Does Rubio, like Tilton, oppose it? “No,” Rubio said, and he does not.")[0]
    assert quote.attribution.speaker == "Rubio"


def test_a_first_name_ner_does_not_know_stays_in_the_name():
    quote = quotes.extract("“The tax plan is a giveaway,” Gene Sperling said on Monday.")[0]
    assert quote.attribution.speaker == "Gene Sperling"


def index_articles(tmp_path, articles: dict[str, str]):
    """An index of one-line articles (file stem -> text), and a function running a command on it."""
    for stem, text in articles.items():
        (tmp_path / f"{stem}.txt").write_text(text + "\n", encoding="utf-8")
    db = tmp_path / "q.db"
    runner = CliRunner()
    assert runner.invoke(main, ["index", str(tmp_path), "--db", str(db), "-q"]).exit_code == 0
    return lambda *args: runner.invoke(main, [*args, "--db", str(db)]).output


def test_an_article_that_only_says_johnson_joins_brandon_johnson(tmp_path):
    run = index_articles(tmp_path, {"full": "“We will not comply,” Chicago Mayor Brandon Johnson said.",
                                    "short": "“Chicago stands firm,” Johnson told reporters on Monday."})
    rows = json.loads(run("list", "--speaker", "johnson", "--format", "json"))
    assert sorted(r["article"] for r in rows) == ["full", "short"]
    assert {r["speaker"] for r in rows} == {"Brandon Johnson"}


def test_speakers_explain_says_why_names_from_other_articles_were_linked(tmp_path):
    run = index_articles(tmp_path, {"nyt": "“The House will act,” Speaker Paul D. Ryan said on Monday.",
                                    "wire": "“We have the votes,” House Speaker Paul Ryan said."})
    entries = json.loads(run("speakers", "--format", "json"))
    assert [(e["speaker"], e["quotes"], e["linked"]) for e in entries] == \
        [("Paul Ryan", 2, [{"name": "Paul D. Ryan", "reason": "middle initial"}])]
    table = run("speakers", "--explain")
    assert "linked because" in table and "Paul D. Ryan: middle initial" in table
