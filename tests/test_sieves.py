"""One small news sentence per attribution rule, through the real Stanza pipeline with the
bundled models and the bundled scorer (`pipeline.extract`, the library's one-call entry point).

Each test is named after the rule it guards, `test_<rule>_…`: the function's name in
quotes.attribution.SIEVES (or, for titles and nicknames, in the speech stage's rules), which
`quotes extract --explain` prints with dashes as the quote's rule. Each asserts the speaker and
that rule, on a sentence where the rule decides and the scorer keeps its answer, so that deleting
the rule fails the test: scripts/sieve_mutations.py deletes each in turn and checks that. The
tests named "…_leaves_…" hold a case the rule must not take.
"""
from __future__ import annotations

from quotes import pipeline
from quotes.records import Attribution


def attribution_of(text: str, quoted: str) -> Attribution:
    """The attribution of the quote whose words are `quoted` in text."""
    quotes = pipeline.extract(text)
    found = [q.attribution for q in quotes if q.text == quoted]
    assert found, f"quote {quoted!r} not found among {[q.text for q in quotes]}"
    return found[0]


def assert_said(text: str, quoted: str, speaker: str | None, rule: str) -> None:
    a = attribution_of(text, quoted)
    assert (a.speaker, a.rule) == (speaker, rule), a.chain


# --- title, nickname: quoted, but nobody said them (the speech stage, before any sieve) ------

def test_title_of_a_show():
    assert_said("The senator appeared on CNN’s “State of the Union” on Sunday.",
                "State of the Union", None, "title")


def test_title_of_a_book():
    assert_said("The senator read from the book ‘Make Your Kid a Millionaire’ on the Senate floor.",
                "Make Your Kid a Millionaire", None, "title")


def test_nickname_between_first_and_last_name():
    assert_said("Rep. Robert C. “Bobby” Scott of Virginia voted against the bill.", "Bobby", None, "nickname")


def test_nickname_after_a_lowercase_word():
    assert_said("The arrests were livestreamed by television personality ‘Dr. Phil’ McGraw.",
                "Dr. Phil", None, "nickname")


def test_title_leaves_title_case_words_that_open_a_sentence():
    assert_said("“Never Again,” Mayor Brandon Johnson said.", "Never Again,", "Brandon Johnson", "cue-after-quote")


# --- transcript_label --------------------------------------------------------------------------

def test_transcript_label_names_the_speaker_of_each_turn():
    text = ("Pence appeared on Fox News Sunday with Chris Wallace.\n\n"
            "\"WALLACE: Will Gennifer Flowers be there tomorrow night?\n\n"
            "\"PENCE: Gennifer Flowers will not be attending the debate tomorrow night.")
    quotes = pipeline.extract(text)
    assert [(q.attribution.speaker, q.attribution.rule) for q in quotes] == [
        ("Chris Wallace", "transcript-label"), ("Pence", "transcript-label")]


# --- headline_subject --------------------------------------------------------------------------

def test_headline_subject_opens_a_title_case_headline():
    text = ("Chris Christie Calls Mayor’s Plan ‘A Disgrace’\n\n"
            "New Jersey Gov. Chris Christie criticised the mayor’s budget on Tuesday.")
    assert_said(text, "A Disgrace", "Chris Christie", "headline-subject")


def test_headline_subject_leaves_a_headline_that_ends_in_its_speaker():
    text = ("Trump ‘The Dealmaker’ Could Address Clean Energy, Lindsey Graham Says\n\n"
            "Sen. Lindsey Graham spoke to reporters in Columbia.")
    assert_said(text, "The Dealmaker", "Lindsey Graham", "cue-after-quote")


# --- continued_quote ---------------------------------------------------------------------------

def test_continued_quote_keeps_the_speaker_of_the_paragraph_before():
    text = ("“We will rebuild the schools,” Mayor Brandon Johnson said. “Every one of them.\n\n"
            "“And we will pay for it without raising property taxes.”")
    assert_said(text, "And we will pay for it without raising property taxes.", "Brandon Johnson",
                "continued-quote")


# --- cue_after_quote ---------------------------------------------------------------------------

def test_cue_after_quote_name_then_verb():
    assert_said("“We are not going to back down,” Mayor Brandon Johnson said Monday.",
                "We are not going to back down,", "Brandon Johnson", "cue-after-quote")


def test_cue_after_quote_verb_then_name():
    assert_said("“It’s a difficult issue,” said Sen. Marco Rubio.", "It’s a difficult issue,",
                "Marco Rubio", "cue-after-quote")


def test_cue_after_quote_leaves_a_clause_that_opens_after_the_quote():
    # "when Hillary Clinton blasted him" is another clause: Trump, before the quote, said it.
    text = ("The spot concludes with footage of Donald Trump saying during the debate, “That makes me smart,” "
            "when Hillary Clinton blasted him for not paying taxes.")
    assert_said(text, "That makes me smart,", "Donald Trump", "cue-before-quote")


# --- colon_lead_in -----------------------------------------------------------------------------

def test_colon_lead_in_a_name_before_a_colon():
    assert_said("The answer came from the mayor’s spokesman, Ronnie Reese: “The mayor stands by his budget.”",
                "The mayor stands by his budget.", "Ronnie Reese", "colon-lead-in")


def test_colon_lead_in_a_label_outside_the_quote():
    text = ("Pence appeared on Fox News Sunday with Chris Wallace.\n\n"
            "WALLACE: “Will Gennifer Flowers be there tomorrow night?”")
    assert_said(text, "Will Gennifer Flowers be there tomorrow night?", "Chris Wallace", "colon-lead-in")


def test_colon_lead_in_leaves_the_one_spoken_to():
    assert_said("Reyes told WGN Radio: “We are not leaving the neighborhood.”",
                "We are not leaving the neighborhood.", "Reyes", "cue-before-quote")


# --- quoted_cue --------------------------------------------------------------------------------

def test_quoted_cue_a_documents_quoted_verb():
    text = ("Chicago Mayor Brandon Johnson signed an executive order on Saturday. "
            "The mayor’s order also “urges” federal officers to stay out of schools.")
    assert_said(text, "urges", "Brandon Johnson", "quoted-cue")


def test_quoted_cue_a_name_before_the_quoted_verb():
    assert_said("Gov. JB Pritzker “condemned” the raids on Friday.", "condemned", "JB Pritzker", "quoted-cue")


# --- cue_before_quote --------------------------------------------------------------------------

def test_cue_before_quote_name_said_that():
    assert_said("Mayor Brandon Johnson said the budget would “protect working families.”",
                "protect working families.", "Brandon Johnson", "cue-before-quote")


# --- cue_sentence_subject ----------------------------------------------------------------------

def test_cue_sentence_subject_a_cue_without_a_subject_of_its_own():
    text = ("Donald Trump took to Twitter on Friday to accuse Clinton’s campaign of being "
            "“duped by foreign agents.”")
    assert_said(text, "duped by foreign agents.", "Donald Trump", "cue-sentence-subject")


# --- colon_sentence_subject --------------------------------------------------------------------

def test_colon_sentence_subject_a_sentence_ending_in_a_colon():
    assert_said("President Obama is rolling out a new message this week: “Middle-class economics works.”",
                "Middle-class economics works.", "Obama", "colon-sentence-subject")


def test_colon_sentence_subject_after_an_introductory_phrase():
    text = ("Mayor Brandon Johnson took questions at City Hall on Monday.\n\n"
            "Asked about the budget, Johnson was blunt: “We will not raise property taxes.”")
    assert_said(text, "We will not raise property taxes.", "Brandon Johnson", "colon-sentence-subject")


# --- headline_colon ----------------------------------------------------------------------------

def test_headline_colon_a_sentence_case_headline():
    text = ("Clinton: Trump’s tax plan is a “gift to the wealthy”\n\n"
            "Hillary Clinton campaigned in Ohio on Wednesday.")
    assert_said(text, "gift to the wealthy", "Hillary Clinton", "headline-colon")


def test_headline_colon_a_paragraph_opening_with_a_name_and_colon():
    text = ("Sen. Bernie Sanders spoke in Iowa on Monday.\n\n"
            "Sanders: Wall Street is running a “rigged economy” that works for the few.")
    assert_said(text, "rigged economy", "Bernie Sanders", "headline-colon")


# --- dash_signature ----------------------------------------------------------------------------

def test_dash_signature_a_name_after_a_dash():
    assert_said("“Chicago is not for sale.” — Brandon Johnson, in his inaugural address.",
                "Chicago is not for sale.", "Brandon Johnson", "dash-signature")


def test_dash_signature_a_name_alone_after_a_dash():
    assert_said("“Chicago is not for sale.” — Mayor Brandon Johnson", "Chicago is not for sale.",
                "Brandon Johnson", "dash-signature")


# --- lead_in_previous_paragraph ----------------------------------------------------------------

def test_lead_in_previous_paragraph_ending_in_a_colon():
    text = ("On July 6, 2015, Sen. Bernie Sanders made the following comment:\n\n"
            "“For young people who have graduated high school, the unemployment rate is 33 percent.”")
    assert_said(text, "For young people who have graduated high school, the unemployment rate is 33 percent.",
                "Bernie Sanders", "lead-in-previous-paragraph")


# --- same_paragraph ----------------------------------------------------------------------------

def test_same_paragraph_the_next_sentence_quote():
    assert_said("“It’s a difficult issue,” said Sen. Marco Rubio. “It puts two rights in conflict.”",
                "It puts two rights in conflict.", "Marco Rubio", "same-paragraph")


def test_same_paragraph_passes_over_a_title():
    text = ("“He is absolutely right,” Michael Flynn, a top Trump surrogate, said Thursday on Fox News’s "
            "“Fox and Friends.” “There is a lot of frustration within the ranks.”")
    assert_said(text, "There is a lot of frustration within the ranks.", "Michael Flynn", "same-paragraph")


# --- cue_previous_sentence ---------------------------------------------------------------------

def test_cue_previous_sentence_a_paraphrase_ending_in_speaker_and_cue():
    text = ("The administration may be reluctant to act while talks go on, Rep. Adam Schiff said. "
            "“The other factor is the appearance of tipping the scales.”")
    assert_said(text, "The other factor is the appearance of tipping the scales.", "Adam Schiff",
                "cue-previous-sentence")


# --- follow_on_paragraph -----------------------------------------------------------------------

def test_follow_on_paragraph_after_an_attributed_quote():
    text = ("“We will rebuild,” Mayor Brandon Johnson said on Monday.\n\n"
            "“Every school will reopen by September.”")
    assert_said(text, "Every school will reopen by September.", "Brandon Johnson", "follow-on-paragraph")


def test_follow_on_paragraph_leaves_a_quote_with_a_cue_of_its_own():
    # The rules cannot read "@cityhall_pr told reporters" (a handle is no name), but the quote is
    # the handle's, not Johnson's.
    text = ("“We will rebuild,” Mayor Brandon Johnson said on Monday.\n\n"
            "“Every school will reopen,” @cityhall_pr told reporters.")
    assert_said(text, "Every school will reopen,", None, "unattributed")


# --- possessive_claim --------------------------------------------------------------------------

def test_possessive_claim_a_persons_claim():
    text = ("PolitiFact seized on Donald Trump’s claim that there have been “thousands of shootings” "
            "in Chicago this year.")
    assert_said(text, "thousands of shootings", "Donald Trump", "possessive-claim")


def test_possessive_claim_leaves_a_places_claim():
    text = ("Chicago’s claim that crime has fallen “to its lowest level in decades” was questioned by "
            "police unions.")
    assert_said(text, "to its lowest level in decades", None, "unattributed")


# --- sentence_subject --------------------------------------------------------------------------

def test_sentence_subject_a_sentence_with_no_speech_cue():
    assert_said("In an August speech, Donald Trump attacked “the hateful ideology of radical Islam.”",
                "the hateful ideology of radical Islam.", "Donald Trump", "sentence-subject")


def test_the_words_of_a_question_put_to_the_speaker_are_not_his():
    # The reporter's words in the question; the scorer may not give them to Johnson.
    a = attribution_of("When asked at a news conference about federal agents who are presumably “taking orders,” "
                       "Johnson replied: “Yeah, and I don’t take orders from the federal government.”", "taking orders,")
    assert a.speaker is None and any("asks, and has no speaker" in step for step in a.chain), a.chain


def test_sentence_subject_leaves_the_words_of_another_clause():
    # The commuters' name for the station, not the mayor's words.
    assert_said("Mayor Brandon Johnson toured the station, which commuters call “the dungeon.”",
                "the dungeon.", None, "unattributed")


# --- scare_quote -------------------------------------------------------------------------------

def test_scare_quote_one_word_inside_a_sentence():
    assert_said("Dr. Mehmet Oz has been criticised by physicians for promoting “quack” cures.",
                "quack", None, "scare-quote")


def test_scare_quote_leaves_a_one_word_answer():
    assert_said("“Absolutely,” Mayor Brandon Johnson said.", "Absolutely,", "Brandon Johnson", "cue-after-quote")
