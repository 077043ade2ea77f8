"""The learned attribution scorer: candidates, their evidence, and when it may overrule the sieves.

Run through the real pipeline with the bundled models and the bundled scorer.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from quotes import attribution, marks, pipeline
from quotes.attribution import Candidate, decide
from quotes.evaluate import evaluate, load_gold, report

from conftest import FIXTURES


def parsed(text: str):
    return pipeline.parse(text), marks.find(text)


def test_the_bundled_scorer_loads_and_weighs_the_evidence():
    model = decide.bundled()
    assert model is not None and model.weights and 0 <= model.margin < 1
    # Evidence that a mention is the speaker weighs for it: the subject of the cue after the quote.
    assert model.weights["cue-after:1"] > 0


def test_a_quote_the_sieves_attribute_keeps_their_answer_with_its_probability():
    quotes = pipeline.extract("“We will not back down,” Mayor Brandon Johnson said on Tuesday.")
    a = quotes[0].attribution
    assert a.speaker == "Brandon Johnson" and a.rule == "cue-after-quote"
    assert a.score is not None and a.score > 0.5
    assert a.alternatives[0] == ("'Mayor Brandon Johnson'", a.score)
    assert any(label == "nobody" for label, _ in a.alternatives)


def test_the_scorer_picks_the_subject_the_sieves_passed_over():
    # The sieves take the noun phrase nearest the cue ("the courthouse"), which names nobody; the
    # scorer weighs the sentence's subject, as PolNeAR's annotators mark it.
    text = "Demonstrators outside the courthouse chanted “No justice, no peace” for an hour."
    doc, spans = parsed(text)
    sieves, _ = attribution.attribute(doc, spans, model=None)
    scored, _ = attribution.attribute(doc, spans)
    assert sieves[0].attribution.mention.text == "the courthouse" and sieves[0].attribution.speaker is None
    a = scored[0].attribution
    assert a.rule == "scorer" and a.mention.text == "Demonstrators" and a.speaker == "Demonstrators"
    assert a.chain[0].startswith("scorer: 'Demonstrators'") and "over the sieves' choice" in a.chain[0]


def test_a_barred_candidate_leaves_the_sieves_answer_and_says_why():
    # A scorer that prefers places (NER tags "Boston" as one) still never hands a quote to a
    # place over the sieves' answer (here: nobody, as a handle is no name), and --explain says so.
    from quotes.attribution.loglinear import Scorer
    text = "“I have heard this before,” @cityhall_pr told reporters in Boston."
    doc, spans = parsed(text)
    quotes, _ = attribution.attribute(doc, spans, model=Scorer({"place": 5.0}, margin=0.1))
    a = quotes[0].attribution
    assert a.speaker is None and a.rule == "unattributed"
    assert any("kept the sieves' choice over 'Boston'" in step and "a place" in step for step in a.chain), a.chain


def test_without_a_scorer_the_sieves_decide_alone():
    doc, spans = parsed("“It is over,” said one aide. “We lost,” Senator Maria Lopez told reporters.")
    quotes, _ = attribution.attribute(doc, spans, model=None)
    assert all(q.attribution.rule != "scorer" and q.attribution.score is None for q in quotes)


def test_probing_the_other_sieves_changes_nothing_the_article_holds():
    text = (FIXTURES / "quotes" / "pronouns_nominals.txt").read_text(encoding="utf-8")
    doc, spans = parsed(text)
    plain_quotes, plain_entities = attribution.attribute(doc, spans, model=None)
    collected: list = []
    probed_quotes, probed_entities = attribution.attribute(doc, spans, model=None, collect=collected)
    assert collected and plain_quotes == probed_quotes
    assert [(e.name, e.gender, sorted(e.aliases)) for e in plain_entities.entities] == \
        [(e.name, e.gender, sorted(e.aliases)) for e in probed_entities.entities]
    assert [(m.entity, m.chain) for m in plain_entities.mentions] == [(m.entity, m.chain) for m in probed_entities.mentions]


def test_every_quote_has_the_nobody_candidate_and_the_sieves_choice():
    text = "“We are ready,” he said. Nobody else was named in the story."
    doc, spans = parsed(text)
    collected: list[tuple[int, list[Candidate]]] = []
    attribution.attribute(doc, spans, model=None, collect=collected)
    options = collected[0][1]
    assert options[0].mention is None and "nobody" in options[0].features
    assert sum(o.chosen_by_sieve for o in options) == 1


def test_a_name_cut_inside_a_word_is_no_candidate():
    text = "“I have heard this before,” Thomas O’Neill told reporters in Boston."
    doc, spans = parsed(text)
    collected: list = []
    quotes, _ = attribution.attribute(doc, spans, collect=collected)
    assert all(o.mention is None or o.mention.text != "Thomas O" for o in collected[0][1])
    assert quotes[0].attribution.speaker != "Thomas O"


def test_a_weak_candidate_never_replaces_the_sieves_answer():
    model = decide.Scorer({"a": 1.0}, margin=0.1)
    assert not model.replaces(0.45, 0.10)      # below the floor: more likely wrong than right
    assert not model.replaces(0.55, 0.50)      # not clearly better than the sieves' choice
    assert model.replaces(0.80, 0.15)


def test_a_scorer_file_of_another_format_is_refused(tmp_path):
    path = tmp_path / "scorer.json"
    path.write_text(json.dumps({"format": "something-else", "weights": {}}))
    with pytest.raises(decide.ScorerError, match="not a quotes-attribution-scorer"):
        decide.from_file(path)


def test_evaluate_scores_mentions_as_polnear_does(tmp_path):
    gold_dir = tmp_path / "gold"
    (gold_dir / "text").mkdir(parents=True)
    text = "“We are ready,” Mayor Brandon Johnson said. Critics called it “a stunt.”"
    (gold_dir / "text" / "a.txt").write_text(text, encoding="utf-8")
    gold = [{"article": "a", "start": 1, "end": 14, "source": {"start": 16, "end": 37}, "source_kind": "name",
             "source_name": "Johnson"},
            {"article": "a", "start": 63, "end": 71, "source": {"start": 44, "end": 51}, "source_kind": "nominal"}]
    (gold_dir / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold))
    predictions = [{"article": "x/a.txt", "start": 1, "end": 14, "speaker": "Brandon Johnson", "rule": "cue-after-quote",
                    "speaker_mention": {"start": 22, "end": 37, "text": "Brandon Johnson"}, "mention_kind": "name"},
                   {"article": "x/a.txt", "start": 63, "end": 71, "speaker": None, "speaker_mention": None,
                    "rule": "unattributed"}]
    result = evaluate(predictions, *load_gold(gold_dir))
    scores = result.scores()
    assert scores["quotes_f1"] == 1.0 and scores["mention"] == 0.5 and scores["entity"] == 1.0
    assert result.by_rule["cue-after-quote"].mention == 1 and result.by_rule["unattributed"].mention == 0
    assert report(result, "gold").splitlines()[-1].endswith("end2end F1=0.50")


def _gold_with_speakers(tmp_path, speakers):
    gold_dir = tmp_path / "gold"
    (gold_dir / "text").mkdir(parents=True)
    text = "“We are ready,” Mayor Brandon Johnson said. “We are not,” he added. “Ask them,” a resident said."
    (gold_dir / "text" / "a.txt").write_text(text, encoding="utf-8")
    gold = [{"article": "a", "start": 1, "end": 14, "source": {"start": 16, "end": 37}, "source_kind": "name"},
            {"article": "a", "start": 45, "end": 56, "source": {"start": 58, "end": 60}, "source_kind": "pronoun"},
            {"article": "a", "start": 69, "end": 78, "source": {"start": 80, "end": 90}, "source_kind": "nominal"}]
    (gold_dir / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold))
    lines = [{"article": g["article"], "start": g["start"], "end": g["end"], "speaker": s} for g, s in zip(gold, speakers)]
    (gold_dir / "speakers.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    return gold_dir


def test_evaluate_scores_the_speaker_given_the_right_mention_where_the_gold_names_speakers(tmp_path):
    # The pronoun's mention is right but resolved to the wrong man: a second-stage error. The
    # nominal's mention is wrong: it counts against name accuracy, not against resolution.
    gold_dir = _gold_with_speakers(tmp_path, ["Brandon Johnson", "Brandon Johnson", "Ana Ruiz"])
    predictions = [
        {"article": "a", "start": 1, "end": 14, "speaker": "the  brandon johnson", "speaker_mention": {"start": 22, "end": 37}},
        {"article": "a", "start": 45, "end": 56, "speaker": "Bill Daley", "speaker_mention": {"start": 58, "end": 60}},
        {"article": "a", "start": 69, "end": 78, "speaker": None, "speaker_mention": None}]
    result = evaluate(predictions, *load_gold(gold_dir))
    assert (result.overall.named, result.overall.named_eligible) == (1, 3)
    assert (result.overall.resolved, result.overall.resolved_eligible) == (1, 2)
    assert (result.by_source_kind["pronoun"].resolved, result.by_source_kind["pronoun"].resolved_eligible) == (0, 1)
    assert "speaker, right mention:   0.500 (1/2)" in report(result, "gold")


def test_evaluate_keeps_the_dots_of_an_index_article_id():
    from quotes.evaluate import article_name
    assert article_name("texts/nyt_2016.01.19_bush.txt") == "nyt_2016.01.19_bush"
    assert article_name("nyt_2016.01.19_bush.s") == "nyt_2016.01.19_bush.s"


def test_evaluate_reads_the_rows_quotes_list_prints_and_refuses_misaligned_speakers(tmp_path):
    gold_dir = _gold_with_speakers(tmp_path, ["Brandon Johnson", "Brandon Johnson", None])
    rows = tmp_path / "rows.json"
    rows.write_text(json.dumps([{"article": "a", "start": 1, "end": 14, "speaker": "Brandon Johnson",
                                 "speaker_mention": {"start": 22, "end": 37}}]))
    result = subprocess.run([sys.executable, "-m", "quotes.evaluate", str(rows), str(gold_dir), "--json"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["scores"]["name"] == 1.0
    piped = subprocess.run([sys.executable, "-m", "quotes.evaluate", "-", str(gold_dir), "--json"],
                           input=rows.read_text(), capture_output=True, text=True)
    assert piped.returncode == 0 and json.loads(piped.stdout)["scores"]["name"] == 1.0
    (gold_dir / "speakers.jsonl").write_text(json.dumps({"article": "a", "start": 0, "end": 3, "speaker": None}) + "\n")
    result = subprocess.run([sys.executable, "-m", "quotes.evaluate", str(rows), str(gold_dir)],
                            capture_output=True, text=True)
    assert result.returncode != 0 and "speakers.jsonl: 1 lines, gold.jsonl has 3" in result.stderr


def test_python_dash_m_quotes_evaluate_is_the_command():
    result = subprocess.run([sys.executable, "-m", "quotes.evaluate", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "PRED.jsonl GOLD_DIR" in result.stdout



def test_training_counts_where_the_scorer_and_the_sieves_disagree_and_who_was_right():
    from training.train_attribution import disagreements
    model = decide.Scorer({"strong": 3.0}, margin=0.1)
    sieves = Candidate(None, ["nobody"], chosen_by_sieve=True)
    agree = [Candidate(None, ["weak"]), Candidate(None, ["nobody"], chosen_by_sieve=True)]
    data = [("a", [sieves, Candidate(None, ["strong"])], [1]),      # the scorer replaces, rightly
            ("b", agree, [1])]                                       # the same first choice: not counted
    found = disagreements(model, data)
    assert found["n"] == 1 and found["best right"] == 1 and found["sieves right"] == 0
    assert found["replaced"] == 1 and found["replaced right"] == 1


def test_a_phrase_that_describes_the_person_is_not_the_speaker():
    # The employer or office before or after a name ("Google's chief …, Laszlo Bock") is a
    # candidate inside the same phrase; the scorer weighs against what only describes a name.
    cases = {"“We hire for character,” Google’s chief human resources executive, Laszlo Bock, said in an interview.":
             "Laszlo Bock",
             "“The strikes will continue,” Pentagon spokesman Navy Capt. Jeff Davis told reporters.": "Jeff Davis",
             "“It is not a budget,” Josh Earnest, the White House press secretary, said on Monday.": "Josh Earnest"}
    for text, speaker in cases.items():
        assert pipeline.extract(text)[0].attribution.speaker == speaker, text


def test_a_word_that_describes_a_name_is_weighed_against_as_the_speaker():
    # "Republican" and "Senate" open the sentence as its subject would, but they describe the
    # name they stand before (feature modifies-name): the person is the one to choose.
    cases = {"Republican presidential candidate Donald Trump quickly took to Twitter, writing: "
             "“Another horrific attack in Ohio. When will we learn?”": "Donald Trump",
             "Senate Majority Leader Mitch McConnell, R-Ky., delivered a blunt message to Trump: "
             "“It’s time to quit attacking people and get on message.”": "Mitch McConnell"}
    for text, speaker in cases.items():
        a = pipeline.extract(text)[0].attribution
        assert (a.speaker, a.rule) == (speaker, "scorer"), text
    assert decide.bundled().weights["modifies-name&kind:name"] < 0


def test_training_prefers_the_candidate_that_names_the_gold_speaker():
    from types import SimpleNamespace

    from training.train_attribution import _naming_speaker

    options = [SimpleNamespace(mention=SimpleNamespace(text=text))
               for text in ("Washington Post", "Michael Gerson’s", "he", None and "")]
    options[3] = SimpleNamespace(mention=None)          # "nobody"
    # Both name candidates lie inside the gold source "Washington Post columnist Michael Gerson".
    assert _naming_speaker(options, [0, 1], "Michael Gerson") == [1]
    # No candidate names the speaker (a pronoun source, or no speaker): the caller keeps them all.
    assert _naming_speaker(options, [2], "Michael Gerson") == []
    assert _naming_speaker(options, [0, 1], None) == []


def test_the_subject_of_the_verb_a_quote_hangs_from_is_evidence_even_for_an_unlisted_verb():
    # "fumed" is in no lexicon list; the parse still says the quote is what Smith did with words.
    doc, spans = parsed("“We are not going anywhere,” fumed Senator John Smith on Tuesday.")
    collected = []
    attribution.attribute(doc, spans, collect=collected)
    smith = next(o for o in collected[0][1] if o.mention is not None and o.mention.text == "Senator John Smith")
    assert "subject-of-quote-verb&unlisted" in smith.features
    assert decide.bundled().weights["subject-of-quote-verb&unlisted"] > 0
    doc, spans = parsed("“We are not going anywhere,” Senator John Smith told the crowd in Ohio.")
    collected = []
    attribution.attribute(doc, spans, collect=collected)
    smith = next(o for o in collected[0][1] if o.mention is not None and o.mention.text == "Senator John Smith")
    assert "subject-of-quote-verb&listed" in smith.features


def test_the_verb_an_unlisted_speaker_is_subject_of_is_recorded_as_the_cue():
    # No lexicon lists "beamed"; the scorer finds Hartley, and the parse names the verb he used.
    text = "Supporters packed the gym.\n\n“This is fantastic!” beamed Donald Hartley, a retired teacher from Mason City."
    doc, spans = parsed(text)
    quotes, _ = attribution.attribute(doc, spans)
    assert quotes[0].attribution.speaker == "Donald Hartley"
    cue = quotes[0].attribution.cue
    assert cue is not None and text[cue.start:cue.end] == "beamed"


def test_a_particle_stays_with_its_parsed_cue():
    text = "The debate ran late.\n\n“Nobody believes that,” Senator Maria Lopez shot back on Tuesday."
    doc, spans = parsed(text)
    quotes, _ = attribution.attribute(doc, spans)
    assert quotes[0].attribution.speaker == "Maria Lopez"
    assert quotes[0].attribution.cue is not None and quotes[0].attribution.cue.text == "shot back"
