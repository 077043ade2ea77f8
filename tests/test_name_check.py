"""`quotes speakers --check`: the speaker names of an index that look wrong, each with its reasons."""
from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from quotes.cli import main
from quotes.name_check import check
from quotes.records import Article, ArticleResult, Attribution, Quote, Speaker
from quotes import Index


def entry(name: str, kind: str = "person", quotes: int = 1) -> dict:
    """A speaker as Index.speakers() lists it."""
    return {"speaker": name, "kind": kind, "aliases": [], "quotes": quotes, "articles": 1, "linked": []}


def flagged(*entries: dict) -> dict[str, tuple[str, ...]]:
    """Each flagged name with its reasons."""
    return {s.entry["speaker"]: s.reasons for s in check(list(entries))}


def test_a_normal_person_or_organisation_is_not_flagged():
    assert flagged(entry("Brandon Johnson"), entry("CNN", "organisation"), entry("Martin Luther King"),
                   entry("Bernie Sanders"), entry("Felipe Calderón"), entry("White House", "organisation")) == {}


def test_one_common_english_word_is_flagged_and_a_surname_is_not():
    found = flagged(entry("All"), entry("Another", "organisation"), entry("Statement"), entry("Obama"))
    assert found == {"All": ("common word",), "Another": ("common word",), "Statement": ("common word",)}


def test_a_common_english_word_from_the_treebank_list_is_flagged_and_a_name_it_rarely_prints_is_not():
    found = flagged(entry("Correction"), entry("Citizens"), entry("Demonstrations"), entry("Wallace"),
                    entry("Chelsea"), entry("Senate", "organisation"))
    assert found == {"Correction": ("common word",), "Citizens": ("common word",),
                     "Demonstrations": ("common word",)}


def test_a_name_suffix_leaves_the_surname_before_it_a_surname():
    assert flagged(entry("Martin Luther King Jr."), entry("Vann R. Newkirk II")) == {}
    assert flagged(entry("Gov. John King Jr.")) == {"Gov. John King Jr.": ("title in name: Gov.",)}


def test_a_title_inside_a_persons_name_is_flagged_with_the_title_plural_and_abbreviated_ones_too():
    found = flagged(entry("Sens. John Smith"), entry("Representatives Ann Lee"), entry("Rep.-elect Bob Good"),
                    entry("Illinois Gov. JB Pritzker"), entry("Larry King"))
    assert found == {"Sens. John Smith": ("title in name: Sens.",),
                     "Representatives Ann Lee": ("title in name: Representatives",),
                     "Rep.-elect Bob Good": ("title in name: Rep.",),
                     "Illinois Gov. JB Pritzker": ("title in name: Gov.",)}


def test_an_organisation_may_hold_a_title_word():
    assert flagged(entry("Office of the Mayor", "organisation"), entry("General Motors", "organisation")) == {}


def test_names_written_alike_are_both_flagged_whatever_differs_case_initials_accents_spaces_or_dots():
    pairs = [("J. K. Rowling", "J.K. Rowling"), ("PolitiFact", "Politifact"), ("Felipe Calderón", "Felipe Calderon"),
             ("Ann\u00a0Lee", "Ann Lee"), ("Jean-Luc Picard", "Jean Luc Picard")]
    for first, second in pairs:
        found = flagged(entry(first), entry(second, "organisation"), entry("Brandon Johnson"))
        assert found == {first: (f"same name as “{second}” (organisation)",),
                         second: (f"same name as “{first}” (person)",)}, (first, second)


def test_a_plural_group_word_is_no_person_but_a_surname_ending_in_s_is():
    found = flagged(entry("Democrats"), entry("Iowa Democrats"), entry("Lawmakers"), entry("Congressmen"),
                    entry("Senate Democrats", "organisation"), entry("Peter Sanders"), entry("Maxine Waters"))
    assert found == {"Democrats": ("group, not a person",), "Iowa Democrats": ("group, not a person",),
                     "Lawmakers": ("group, not a person",), "Congressmen": ("group, not a person",)}


def test_the_names_with_most_reasons_come_first_then_the_most_quoted():
    suspects = check([entry("All", quotes=9), entry("Brandon Johnson", quotes=5), entry("Democrats", quotes=2),
                      entry("Democrats", "organisation", quotes=1)])
    assert [(s.entry["speaker"], s.entry["kind"], len(s.reasons)) for s in suspects] == \
        [("Democrats", "person", 2), ("All", "person", 1),
         ("Democrats", "organisation", 1)]


def _index(path) -> None:
    """An index of one article whose speakers' names an earlier pipeline got wrong (no Stanza: the
    check reads names, not text)."""
    names = [("Brandon Johnson", "person"), ("PolitiFact", "organisation"), ("Politifact", "person"),
             ("Sens. \x1b]0;pwned\x07John Smith", "person")]
    text = " ".join(f"“Quote {i}.”" for i in range(len(names)))
    article = Article("a1", text, "a1.txt", "0" * 64)
    quotes = [Quote("a1", 10 * i + 1, 10 * i + 8, f"Quote {i}.", 0, "“", "”",
                    Attribution(name, kind, None, "name", None, "test"))
              for i, (name, kind) in enumerate(names)]
    with Index(path, create=True) as index:
        index.save(ArticleResult(article, quotes, [Speaker(n, k, {n}) for n, k in names], ()))
        index.relink_speakers()
        index.regroup()


def test_speakers_check_lists_only_the_suspicious_names_with_reasons_in_every_format(tmp_path):
    db = tmp_path / "q.db"
    _index(db)
    run = lambda *args: CliRunner().invoke(main, ["speakers", "--check", *args, "--db", str(db)])
    result = run("--format", "json")
    assert result.exit_code == 0, result.output
    found = {e["speaker"]: e["reasons"] for e in json.loads(result.output)}
    assert found == {"PolitiFact": ["same name as “Politifact” (person)"],
                     "Politifact": ["same name as “PolitiFact” (organisation)"],
                     "Sens. \x1b]0;pwned\x07John Smith": ["title in name: Sens."]}
    table = run().output
    assert "Brandon Johnson" not in table and "title in name: Sens." in table
    assert "\x1b" not in table and "\\x1b]0;pwned\\x07John" in table
    markdown = run("--format", "markdown").output
    assert "| Sens. \\x1b]0;pwned\\x07John Smith" in markdown and "\x1b" not in markdown
    rows = list(csv.reader(io.StringIO(run("--format", "csv").output)))
    assert rows[0] == ["speaker", "kind", "why it looks wrong", "quotes", "articles"]
    assert sorted(r[0] for r in rows[1:]) == ["PolitiFact", "Politifact", "Sens. \\x1b]0;pwned\\x07John Smith"]


def test_speakers_check_on_an_index_with_no_suspicious_name_says_so(tmp_path):
    db = tmp_path / "q.db"
    article = Article("a1", "“Quote.”", "a1.txt", "0" * 64)
    quote = Quote("a1", 1, 7, "Quote.", 0, "“", "”", Attribution("Brandon Johnson", "person", None, "name", None, "test"))
    with Index(db, create=True) as index:
        index.save(ArticleResult(article, [quote], [Speaker("Brandon Johnson", "person", {"Brandon Johnson"})], ()))
        index.relink_speakers()
        index.regroup()
    result = CliRunner().invoke(main, ["speakers", "--check", "--db", str(db)])
    assert result.exit_code == 0 and result.output.strip() == "No speaker name looks wrong."
    assert json.loads(CliRunner().invoke(main, ["speakers", "--check", "--format", "json", "--db", str(db)]).output) == []
