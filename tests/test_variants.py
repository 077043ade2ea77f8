"""The same quote in several articles is grouped; different quotes are not."""
from __future__ import annotations

from quotes.variants import Occurrence, group, normalise, wording_differs


def occ(key, article, text, speaker="Brandon Johnson"):
    return Occurrence(key, article, speaker, text)


def test_normalise_folds_case_marks_and_punctuation():
    assert normalise("We’re NOT—going “anywhere”!") == "were not going anywhere"


def test_reworded_versions_of_one_statement_form_one_group_that_differs():
    a = occ(1, "a", "If these Democrats focused on fixing crime in their own cities instead of doing publicity "
                    "stunts, their communities would be much safer")
    b = occ(2, "b", "If these Democrats focused on reducing crime in their own cities rather than staging publicity "
                    "stunts, their communities would be far safer.")
    (found,) = group([a, b])
    assert {o.key for o in found} == {1, 2} and wording_differs(found)


def test_an_excerpt_joins_the_longer_quote():
    long = occ(1, "a", "We may see militarized immigration enforcement. We may also see National Guard troops.")
    short = occ(2, "b", "militarized immigration enforcement")
    assert len(group([long, short])) == 1


def test_a_shared_common_phrase_does_not_make_two_quotes_one():
    a = occ(1, "a", "Yeah, and I don’t take orders from the federal government.")
    b = occ(2, "b", "in the midst of escalating threats from the federal government", speaker=None)
    assert group([a, b]) == []


def test_two_speakers_are_never_grouped_together():
    a = occ(1, "a", "cracking down on crime in our cities", speaker="White House")
    b = occ(2, "b", "cracking down on crime in our cities", speaker="Brandon Johnson")
    assert group([a, b]) == []


def test_quotes_in_one_article_only_are_not_a_group():
    a = occ(1, "a", "the same words said twice here")
    b = occ(2, "a", "the same words said twice here")
    assert group([a, b]) == []
