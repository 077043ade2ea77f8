"""Work bounded by input size: quote pairing, the parser's sentences and attribution grow
linearly with the text, and a file of quotation marks is refused in one line."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections import Counter

import pytest

import quotes
from quotes import attribution, marks, nlp, pipeline
from quotes.document import MAX_SENTENCE_TOKENS, ParsedArticle, Token

from conftest import ROOT, SEEDS
from fuzz_properties import superlinear

POLNEAR = ROOT.parent / "shared" / "eval" / "polnear"
# Linear work takes 10 times as long on 10 times the text; the quadratic paths these tests guard
# took 50 to 100 times as long. The margin is for a busy machine: 25 failed once on a linear
# path (27.9, a full test run on this 2-core machine), so the bar sits between the two on a log scale.
MOST_GROWTH = 35


def cpu_seconds(work, *args) -> float:
    """The least CPU time of three runs of work(*args): CPU time, not wall time, so that other
    processes on the machine do not count."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        work(*args)
        best = min(best, time.process_time() - started)
    return best


def growth(work, make, n: int) -> float:
    """How many times longer work takes on make(10 * n) than on make(n)."""
    small, large = make(n), make(10 * n)
    return cpu_seconds(work, large) / max(cpu_seconds(work, small), 1e-4)


# Each is a paragraph that one of the pairing passes used to read again for every mark in it.
PATHOLOGICAL = {
    "single marks around double quotes": lambda n: "“a ‘b’ c” ‘d’ " * n,
    "second openers in one open quote": lambda n: "“Start. " + "Word, “word. " * n,
    "stray closers after a quote": lambda n: "“a” " + "b” " * n,
    "possessive s’ before a closer": lambda n: "‘a " + "officials’ plans " * n + "end’",
    "double quotes inside single ones": lambda n: "‘a “b” c’ " * n,
    "an unclosed quote of many sentences": lambda n: "“Open. " * n,
}


@pytest.mark.parametrize("shape", PATHOLOGICAL)
def test_quote_pairing_takes_time_in_proportion_to_the_text(shape):
    assert growth(marks.find, PATHOLOGICAL[shape], 1_500) < MOST_GROWTH


def tokenized(text: str) -> ParsedArticle:
    """text as tokens (words and marks), a sentence ending at each . ? or !: attribution's input
    without the minutes Stanza takes on a long text (its rules work without tags and parse)."""
    tokens, sentence = [], 0
    for match in re.finditer(r"\w+|\S", text):
        tokens.append(Token(len(tokens), match.group(), match.start(), match.end(), sentence))
        sentence += match.group() in ".?!"
    return ParsedArticle(text, tuple(tokens), ("tokenize",))


def quoted_paragraphs(n: int) -> str:
    """n paragraphs of quotes by people named in full, then by surname, pronoun and role."""
    people = ["Brandon Johnson", "JB Pritzker", "Abigail Jackson", "Mike Johnson", "Ann Lee"]
    paragraphs = []
    for i in range(n):
        full = people[i % len(people)]
        paragraphs.append(f"“We will act {i},” {full} said. “Not now,” {full.split()[-1]} added. "
                          f"He said “later” and the mayor said: “Soon.” WALLACE: “Why?”")
    return "\n\n".join(paragraphs)


def test_attribution_takes_time_in_proportion_to_the_quotes():
    def attribute(text):
        attribution.attribute(tokenized(text), marks.find(text))
    assert growth(attribute, quoted_paragraphs, 60) < MOST_GROWTH


def test_a_sentence_with_no_end_is_cut_for_the_tagger_parser_and_ner():
    text = "“Yes,” " + "word " * 1_000 + "he said"
    doc = nlp.parse(text, syntax_ranges=[(0, 6)])
    tokens = [t for s in doc.sentences for t in s.tokens]
    assert len(tokens) == 1_006 and max(len(s.tokens) for s in doc.sentences) <= MAX_SENTENCE_TOKENS
    assert all(text[t.start_char:t.end_char] == t.text and t.ner is not None for t in tokens)
    assert doc.sentences[0].words[1].upos is not None       # the quote's own sentence is parsed
    # Attribution does not join the pieces back into one sentence either.
    assert max(Counter(t.sentence for t in pipeline.parse(text).tokens).values()) <= MAX_SENTENCE_TOKENS


MEASURE = """
import json, resource, subprocess, sys, time
started = time.monotonic()
run = subprocess.run([sys.executable, "-m", "quotes", *sys.argv[1:]], capture_output=True, text=True)
seconds = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps([{"stdout": run.stdout, "stderr": run.stderr}, seconds, peak]))
"""


def test_a_megabyte_of_quotation_marks_is_refused_in_one_line_naming_the_file(tmp_path):
    marks_file = tmp_path / "marks.txt"
    marks_file.write_text(('"""" \'\' “” ‘’ «» ' * 60_000)[:1_000_000], encoding="utf-8")
    article = tmp_path / "article.txt"
    article.write_text("“We will act,” Mayor Ann Lee said.", encoding="utf-8")
    # A process of its own runs the CLI, so that its peak memory is the CLI's alone.
    measured = subprocess.run([sys.executable, "-c", MEASURE, "extract", str(marks_file), str(article)],
                              capture_output=True, text=True, timeout=300)
    run, seconds, peak_mb = json.loads(measured.stdout)
    lines = run["stderr"].strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"quotes: skipped {marks_file}: ")
    assert "more quotation marks (" in lines[0] and "than letters and digits (0)" in lines[0]
    assert "Ann Lee" in run["stdout"]                  # the next file is still read
    assert seconds < 60 and peak_mb < 1024


def test_quotation_marks_are_not_prose_only_in_a_long_text_where_they_outnumber_the_letters():
    assert marks.not_prose("“”" * 5_000) is None             # 10,000 characters: analysed, however odd
    assert quotes.extract("“”" * 5_000) == []
    assert marks.not_prose("“”" * 5_001) is not None
    assert marks.not_prose("“ab” " * 5_000) is None          # as many letters as marks: analysed


def test_no_news_article_counts_as_quotation_marks():
    files = [*SEEDS.glob("*.txt"), *POLNEAR.glob("*/text/*.txt")]
    assert files
    assert [path for path in files if marks.not_prose(path.read_text(encoding="utf-8"))] == []


def test_the_growth_property_names_a_cost_that_grows_faster_than_the_length():
    """stress/fuzz.py --growth judges its measurements with this."""
    linear = [(1_000, 2.0), (10_000, 21.0), (100_000, 230.0)]
    assert superlinear(linear, factor=3, allowance=1) == []
    quadratic = [(1_000, 2.0), (10_000, 200.0), (100_000, 20_000.0)]
    assert len(superlinear(quadratic, factor=3, allowance=1)) == 3
    # Below the allowance a cost is noise: 0 s for 1,000 characters says nothing per character.
    assert superlinear([(1_000, 0.0), (100_000, 50.0)], factor=3, allowance=1) == []
