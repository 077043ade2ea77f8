"""The same quote in several articles is grouped; different quotes are not."""
from __future__ import annotations

import json

import pytest

from conftest import FIXTURES
from datetime import date, timedelta

from quotes import dates
from quotes.variants import Occurrence, build_groups, classify, group, judge
from quotes.wording import diff, normalise, spelling_key


def occ(key, article, text, speaker="Brandon Johnson", day=None):
    """An occurrence; `day` is its article's day in July 2016, or None for an undated article."""
    return Occurrence(key, article, speaker, text, date=date(2016, 7, day) if day else None)


def test_normalise_folds_case_marks_and_punctuation():
    assert normalise("We’re NOT—going “anywhere”!") == "were not going anywhere"


def test_reworded_versions_of_one_statement_form_one_group_that_differs():
    a = occ(1, "a", "If these Democrats focused on fixing crime in their own cities instead of doing publicity "
                    "stunts, their communities would be much safer")
    b = occ(2, "b", "If these Democrats focused on reducing crime in their own cities rather than staging publicity "
                    "stunts, their communities would be far safer.")
    (found,) = build_groups([a, b])
    assert {o.key for o in found.occurrences} == {1, 2} and found.kind == "wording" and found.varies


def test_an_excerpt_joins_the_longer_quote():
    long = occ(1, "a", "We may see militarized immigration enforcement. We may also see National Guard troops.")
    part = occ(2, "b", "militarized immigration enforcement. We may also see")
    assert len(group([long, part])) == 1


def test_a_short_fragment_joins_a_longer_quote_only_days_apart_and_with_dates():
    # "not ready" is Paul Ryan's statement when printed days after it; with no dates, or weeks
    # later, it is as likely the same stock words on another occasion.
    long = occ(1, "a", "I'm just not ready to do that at this point.", speaker="Paul Ryan", day=5)
    assert len(group([long, occ(2, "b", "not ready", speaker="Paul Ryan", day=6)])) == 1
    assert group([long, occ(2, "b", "not ready", speaker="Paul Ryan")]) == []
    assert group([long, occ(2, "b", "not ready", speaker="Paul Ryan", day=20)]) == []
    assert group([long, occ(2, "b", "not ready", speaker=None, day=6)]) == []


def test_the_same_short_words_months_apart_are_two_occasions():
    first = occ(1, "a", "rigged economy", speaker="Bernie Sanders", day=1)
    assert len(group([first, occ(2, "b", "rigged economy.", speaker="Bernie Sanders", day=20)])) == 1
    later = Occurrence(2, "b", "Bernie Sanders", "rigged economy.", date=date(2016, 12, 1))
    assert group([first, later]) == []


def test_the_same_words_reported_again_and_again_stay_one_group():
    # Comey's "extremely careless" was quoted for two months: each printing within 30 days
    # of another keeps the group whole, though the first and last are 50 days apart.
    printings = [Occurrence(i, f"a{i}", "James Comey", "extremely careless", date=date(2016, 7, 5) + timedelta(days=d))
                 for i, d in enumerate((0, 1, 20, 35, 50))]
    assert [len(g) for g in group(printings)] == [5]
    assert group([printings[0], printings[4]]) == []


def test_a_one_word_quote_joins_only_where_the_dates_say_more():
    assert group([occ(1, "a", "unhinged.", "Jeb Bush"), occ(2, "b", "unhinged", "Jeb Bush")]) == []
    assert len(group([occ(1, "a", "unhinged.", "Jeb Bush", 7), occ(2, "b", "unhinged", "Jeb Bush", 9)])) == 1


def test_words_in_common_must_include_content_words_not_only_a_stock_phrase():
    a = occ(1, "a", "We are going to replace Obamacare with something so much better.", "Donald Trump", 6)
    b = occ(2, "b", "We are going to win so much.", "Donald Trump", 8)
    assert group([a, b]) == []


def test_a_reworded_printing_weeks_later_is_another_occasion():
    a = occ(1, "a", "We have come a long way in the last nine months, and we are going to win.", "Bernie Sanders", 1)
    b = occ(2, "b", "We have come a pretty long way in the last nine months, and we will win.", "Bernie Sanders")
    assert len(group([a, b])) == 1                      # no date on one side: the text decides
    b_later = occ(2, "b", b.text, "Bernie Sanders", 28)
    assert group([a, b_later]) == []


def test_a_reworded_printing_needs_a_named_speaker_on_both_sides():
    a = occ(1, "a", "If these Democrats focused on fixing crime in their own cities they would be safer", "Abigail Jackson")
    b = occ(2, "b", "If these Democrats focused on reducing crime in their own cities they would be far safer", None)
    assert group([a, b]) == []
    assert len(group([a, occ(2, "b", b.text, "Abigail Jackson")])) == 1


def test_the_evidence_says_how_two_printings_match():
    a = occ(1, "a", "We will not back down, whatever they send.", day=5)
    b = occ(2, "b", "We will not back down, whatever they send", day=6)
    assert judge(a, b).describe() == "the same 8 words; both name Brandon Johnson; printed 1 day apart"
    c = occ(3, "c", "not back down, whatever they send", day=5)
    assert judge(c, a).describe() == ("all 6 words of the shorter printed within the longer; both name "
                                      "Brandon Johnson; printed the same day")


def test_a_shared_common_phrase_does_not_make_two_quotes_one():
    a = occ(1, "a", "Yeah, and I don’t take orders from the federal government.")
    b = occ(2, "b", "in the midst of escalating threats from the federal government", speaker=None)
    assert group([a, b]) == []


def test_a_short_slogan_joins_only_the_same_named_speaker():
    clinton = occ(1, "a", "make America great again", speaker="Hillary Clinton")
    trump = occ(2, "b", "Make America Great Again.", speaker="Donald Trump")
    nobody = occ(3, "c", "Make America Great Again!", speaker=None)
    assert group([clinton, trump, nobody]) == []
    again = occ(4, "d", "Make America great again.", speaker="Donald Trump")
    assert [[o.key for o in g] for g in group([trump, again])] == [[2, 4]]


def test_a_chain_of_shared_phrases_does_not_join_its_ends():
    # b, stitched from two statements, shares most of its words with a, and c most of its
    # words with b; a and c are different statements.
    a = occ(1, "a", "We will build schools and hospitals across the state, with money from the federal budget.")
    b = occ(2, "b", "build schools and hospitals across the state, and balance the books")
    c = occ(3, "c", "and balance the books this year")
    groups = [sorted(o.key for o in g) for g in group([a, b, c])]
    assert groups == [[1, 2]]


def test_two_speakers_are_never_grouped_together():
    a = occ(1, "a", "cracking down on crime in our cities", speaker="White House")
    b = occ(2, "b", "cracking down on crime in our cities", speaker="Brandon Johnson")
    assert group([a, b]) == []


def test_quotes_in_one_article_only_are_not_a_group():
    a = occ(1, "a", "the same words said twice here")
    b = occ(2, "a", "the same words said twice here")
    assert group([a, b]) == []


def test_spelling_folds_british_and_american_forms_but_not_words_that_are_always_ise():
    assert spelling_key("criticise") == spelling_key("criticize") == "criticize"
    assert spelling_key("organisation") == "organization"
    assert spelling_key("neighbours") == "neighbors"
    assert spelling_key("promise") == "promise" and spelling_key("otherwise") == "otherwise"
    assert spelling_key("exercised") == "exercised"


@pytest.mark.parametrize("text, reference, kind", [
    ("We won’t “back down.”", 'We won\'t "back down,"', "identical"),
    ("We will NOT back down!", "We will not back-down.", "spelling"),
    ("We will not, back down.", "We will not back down.", "punctuation"),
    ("We must not criticise the police.", "We must not criticize the police.", "spelling"),
    ("not back down", "We will not back down, whatever they send.", "excerpt"),
    ("We will never back down.", "We will not back down.", "wording"),
    ("a deal - whether or not", "a deal — whether or not", "identical"),          # dash styles
    ("a deal -- whether or not", "a deal—whether or not", "identical"),
    ("Donald Trump‘s view of Islam", "Donald Trump's view of Islam", "identical"),   # ‘ as apostrophe
])
def test_each_version_is_classified_against_the_reference(text, reference, kind):
    assert classify(text, reference) == kind


def test_the_reference_is_the_fullest_version_and_the_group_takes_the_most_serious_kind():
    full = occ(1, "a", "We may see troops in our streets. We have not asked for this.", day=5)
    same = occ(2, "b", "We may see troops in our streets. We have not asked for this.", day=5)
    part = occ(3, "c", "troops in our streets", day=6)
    (found,) = build_groups([part, same, full])
    assert found.reference.article == "a"
    assert {v.article: v.kind for v in found.versions} == {"a": "reference", "b": "identical", "c": "excerpt"}
    assert found.kind == "excerpt"


def test_one_article_splitting_a_statement_in_two_is_one_version():
    whole = occ(1, "a", "We may see troops in our streets. We have not asked for this, and we will respond.")
    first = occ(2, "b", "We may see troops in our streets,", )
    second = Occurrence(3, "b", "Brandon Johnson", "We have not asked for this, and we will respond.", start=100)
    (found,) = build_groups([whole, first, second])
    version = next(v for v in found.versions if v.article == "b")
    assert [o.key for o in version.occurrences] == [2, 3] and version.kind == "punctuation"


def test_diff_marks_deletions_insertions_and_spelling():
    ops = diff("their communities would be much safer if they stopped to criticise",
               "their communities would be far safer if they stopped to criticize")
    assert [(d.op, d.text, d.new) for d in ops if d.op != "equal"] == [
        ("delete", "much", None), ("insert", "far", None), ("spelling", "criticise", "criticize")]
    assert " ".join(d.text for d in ops if d.op == "equal").startswith("their communities would be")


def test_quotation_marks_in_a_version_are_typography_not_words():
    ops = diff("we will look at it, and then we act", "we will ‘look at it,” and then we act")
    assert [d.op for d in ops] == ["equal"]                  # no {+”+}, and ‘Look is look
    ops = diff("their communities would be much safer,", "their communities would be far safer.”")
    assert [(d.op, d.text, d.new) for d in ops if d.op != "equal"] == [
        ("delete", "much", None), ("insert", "far", None), ("punctuation", ",", ".”")]


def test_grouping_scales_through_the_shingle_index():
    # 20,000 distinct quotes in 2,000 articles, each printed twice: every pair found, and
    # nothing else joined. (Timing is measured by the benchmark, not here.)
    import random
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(5000)]
    items = []
    for i in range(10000):
        words = " ".join(rng.choice(vocabulary) for _ in range(12))
        items.append(Occurrence(2 * i, f"a{i % 1000}", "S", words))
        items.append(Occurrence(2 * i + 1, f"b{i % 1000}", "S", words))
    found = group(items)
    assert len(found) == 10000 and all(len(g) == 2 for g in found)


# --- on the seed articles, through the command line ---------------------------------------

def seed_groups(seeded_db, *args):
    from click.testing import CliRunner
    from quotes.cli import main
    result = CliRunner().invoke(main, ["variants", "--db", str(seeded_db), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def group_with(groups, words):
    (found,) = [g for g in groups if any(words in o["text"] for o in g["occurrences"])]
    return found


def changes(found):
    return [(op["op"], op["text"], op.get("new")) for d in found["diff"] for op in d["ops"] if op["op"] != "equal"]


def test_a_group_keeps_its_number_as_the_index_grows(seeded_db, tmp_path):
    import shutil
    from click.testing import CliRunner
    from quotes.cli import main
    db = tmp_path / "growing.db"
    shutil.copy(seeded_db, db)
    before = {g["id"]: sorted(o["quote"] for o in g["occurrences"]) for g in seed_groups(db)}
    more = CliRunner().invoke(main, ["index", str(FIXTURES / "quotes"), "--db", str(db), "--quiet"])
    assert more.exit_code == 0, more.output
    after = {g["id"]: sorted(o["quote"] for o in g["occurrences"]) for g in seed_groups(db)}
    assert before and all(after.get(number, [])[:len(quotes)] == quotes for number, quotes in before.items())
    assert all(number == min(quotes) for number, quotes in after.items())     # the earliest quote's id


def test_a_version_printed_in_two_quotes_is_never_shown_as_one_quotation(seeded_db):
    from click.testing import CliRunner
    from quotes.cli import main
    found = group_with(seed_groups(seeded_db), "We may see militarized immigration enforcement")
    outputs = [CliRunner().invoke(main, [*args, "--db", str(seeded_db)]).output
               for args in (["variants"], ["variants", "--format", "markdown"], ["variants", "--format", "html"],
                            ["diff", str(found["id"])], ["diff", str(found["id"]), "--format", "markdown"],
                            ["diff", str(found["id"]), "--format", "html"])]
    for output in outputs:
        flat = " ".join(output.split())
        assert "streets, We have not" not in flat and "” […] “" in flat
    assert all("streets,” […] “We have not" in " ".join(o.split()) for o in outputs[1:])   # the table wraps


def test_seed_johnson_statement_varies_in_wording_between_two_outlets(seeded_db):
    found = group_with(seed_groups(seeded_db), "We may see militarized immigration enforcement")
    assert found["speaker"] == "Brandon Johnson" and found["kind"] == "wording"
    assert len({o["article"] for o in found["occurrences"]}) == 2
    ops = changes(found)
    assert ("delete", "in", None) in ops and ("insert", "on", None) in ops     # in/on our streets
    assert ("delete", "called for", None) in ops and ("insert", "requested", None) in ops


def test_seed_white_house_statement_varies_with_a_spelling_difference_inside(seeded_db):
    found = group_with(seed_groups(seeded_db), "If these Democrats focused on")
    assert found["speaker"] == "Abigail Jackson" and found["kind"] == "wording"
    ops = changes(found)
    assert {("delete", "fixing", None), ("insert", "reducing", None), ("delete", "much", None),
            ("insert", "far", None), ("spelling", "criticise", "criticize")} <= set(ops)


def test_seed_executive_order_and_crime_phrase_are_identical_across_outlets(seeded_db):
    groups = seed_groups(seeded_db)
    order = group_with(groups, "pursue all available legal and legislative avenues")
    assert order["kind"] == "identical" and len({o["article"] for o in order["occurrences"]}) == 2
    crime = group_with(groups, "cracking down on crime")
    assert crime["kind"] == "identical" and len({o["article"] for o in crime["occurrences"]}) == 3


def test_no_seed_group_mixes_two_speakers(seeded_db):
    from click.testing import CliRunner
    from quotes.cli import main
    rows = json.loads(CliRunner().invoke(main, ["list", "--db", str(seeded_db), "--format", "json"]).output)
    speaker_of = {r["id"]: r["speaker"] for r in rows}
    for found in seed_groups(seeded_db):
        speakers = {speaker_of[o["quote"]] for o in found["occurrences"]} - {None}
        assert len(speakers) <= 1, found


def test_variants_json_follows_the_documented_shape(seeded_db):
    for found in seed_groups(seeded_db):
        assert {"id", "speaker", "kind", "occurrences", "diff"} <= set(found)
        for o in found["occurrences"]:
            assert {"article", "outlet", "text", "start", "end", "kind"} <= set(o)


def test_variants_filters_by_kind_and_speaker(seeded_db):
    assert {g["kind"] for g in seed_groups(seeded_db, "--kind", "identical")} == {"identical"}
    assert {g["speaker"] for g in seed_groups(seeded_db, "--speaker", "Jackson")} == {"Abigail Jackson"}


def test_diff_shows_each_version_with_where_it_was_printed(seeded_db):
    from click.testing import CliRunner
    from quotes.cli import main
    found = group_with(seed_groups(seeded_db), "If these Democrats focused on")
    result = CliRunner().invoke(main, ["diff", str(found["id"]), "--db", str(seeded_db), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "~~fixing~~" in result.output and "**reducing**" in result.output
    assert "~~criticise~~**criticize**_(spelling)_" in result.output
    for o in found["occurrences"]:
        assert o["article"] in result.output and f"{o['start']}-{o['end']}" in result.output
    missing = CliRunner().invoke(main, ["diff", "999", "--db", str(seeded_db)])
    assert missing.exit_code != 0 and "no group 999" in missing.output


def test_one_group_read_by_id_is_the_same_as_in_the_whole_list(seeded_db):
    from quotes import Index
    with Index(seeded_db) as store:
        every = store.groups()
        assert every
        for one in every:
            assert store.groups([one.id]) == [one]


def test_a_quote_printing_one_part_of_a_split_reference_is_judged_against_that_part():
    # One outlet printed the statement as a headline and two quotes; another printed one
    # part unchanged and a fragment: the part is identical, the fragment an excerpt.
    head = occ(1, "a", "Directly To White People", "Hillary Clinton", 20)
    first = Occurrence(2, "a", "Hillary Clinton", "Maybe I can, by speaking directly to white people, say, look, "
                       "this is not who we are.", start=100, date=date(2016, 7, 20))
    same = Occurrence(3, "b", "Hillary Clinton", "Maybe I can, by speaking directly to white people, say, look, "
                      "this is not who we are.", start=50, date=date(2016, 7, 21))
    fragment = Occurrence(4, "b", "Hillary Clinton", "white people", start=10, date=date(2016, 7, 21))
    (found,) = build_groups([head, first, same, fragment])
    other = next(v for v in found.versions if v.article == "b")
    assert dict(zip((o.key for o in other.occurrences), other.part_kinds)) == {4: "excerpt", 3: "identical"}
    assert other.kind == "excerpt"


@pytest.mark.parametrize("published, url, source, expected", [
    ("2016-07-05T14:02:00Z", None, None, (date(2016, 7, 5), "published")),
    ("July 5, 2016", None, None, (date(2016, 7, 5), "published")),
    ("5 July 2016, 14:02", None, None, (date(2016, 7, 5), "published")),
    (None, "https://www.nytimes.com/2016/07/05/us/politics/comey.html", None, (date(2016, 7, 5), "link")),
    (None, None, "news/politico_2016-07-05_criminal-charges.txt", (date(2016, 7, 5), "file name")),
    (None, None, "2016-07-05/story.txt", (None, None)),          # a folder names a collection, not the article
    (None, None, "004_cfab31235fc94158.txt", (None, None)),
    ("sometime last week", None, "2016-02-30_story.txt", (None, None)),   # no such day
])
def test_an_article_date_comes_from_its_metadata_its_link_or_its_file_name(published, url, source, expected):
    assert dates.article_date(published, url, source) == expected


def test_a_version_printed_in_two_quotes_keeps_its_parts_apart_in_the_diff():
    whole = occ(1, "a", "We may see troops in our streets. We have not asked for this, and we will respond.")
    first = Occurrence(2, "b", "Brandon Johnson", "We may see soldiers in our streets,")
    second = Occurrence(3, "b", "Brandon Johnson", "We have not asked for this, and we will respond.", start=100)
    (found,) = build_groups([whole, first, second])
    version = next(v for v in found.versions if v.article == "b")
    ops = [(d.op, d.text) for d in version.diff]
    assert ("gap", "[…]") in ops
    gap = ops.index(("gap", "[…]"))
    assert "streets" in " ".join(text for _, text in ops[:gap]) and "We have not" in ops[gap + 1][1]
    assert "\u2063" not in " ".join(d.text + (d.new or "") for d in version.diff)
