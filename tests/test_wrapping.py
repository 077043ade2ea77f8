"""Hard-wrapped text (press releases, e-mails wrapped at 72-80 columns): a line break inside a
paragraph is a space, and offsets still index the file as stored."""
from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotes import articles, marks, nlp, pipeline
from quotes.cli import main

from conftest import FIXTURES, ROOT, SEEDS

POLNEAR = ROOT.parent / "shared" / "eval" / "polnear"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def wrap_lines(text: str, width: int = 72) -> str:
    """Each line of text wrapped at width characters, as a mail client does (words whole)."""
    return "\n".join(textwrap.fill(line, width, break_on_hyphens=False, break_long_words=False)
                     if line.strip() else line for line in text.split("\n"))


def fold_bytes(text: str, width: int = 72) -> str:
    """`fold -s -w width`: each line cut after the last blank that keeps it within width
    *bytes* (fold counts a curly quote as three columns), the blank kept at the line's end."""
    out = []
    for line in text.split("\n"):
        while len(line.encode()) > width:
            cut = len(line.encode()[:width].decode(errors="ignore"))
            blank = line.rfind(" ", 0, cut)
            cut = blank + 1 if blank >= 0 else cut
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return "\n".join(out)


FOLDERS = {"textwrap": wrap_lines, "fold": fold_bytes}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """`quotes extract --format json` on the seeds as they are and folded at 72 columns each
    way: {folder name: {seed file name: [quotes]}}."""
    root = tmp_path_factory.mktemp("wrapped")
    paths = []
    for name, fold in [("as-is", None), *FOLDERS.items()]:
        (root / name).mkdir()
        for seed in SEED_FILES:
            text = seed.read_text(encoding="utf-8")
            (root / name / seed.name).write_text(fold(text) if fold else text, encoding="utf-8")
        paths.append(str(root / name))
    result = CliRunner().invoke(main, ["extract", *paths, "--format", "json"])
    assert result.exit_code == 0, result.output
    found: dict[str, dict[str, list[dict]]] = {}
    for quote in json.loads(result.stdout):
        path = Path(quote["article"])
        found.setdefault(path.parent.name, {}).setdefault(path.name, []).append(quote)
    return root, found


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("folder", FOLDERS)
def test_seeds_folded_at_72_columns_give_the_same_quotes_and_speakers(extracted, folder):
    _, found = extracted
    for seed in SEED_FILES:
        as_is = [(words(q["text"]), q["speaker"]) for q in found["as-is"][seed.name]]
        folded = [(words(q["text"]), q["speaker"]) for q in found[folder][seed.name]]
        assert folded == as_is, seed.name


def test_offsets_of_a_folded_seed_index_the_file_as_stored(extracted):
    root, found = extracted
    crossing = 0
    for seed in SEED_FILES:
        stored = next(articles.load([str(root / "fold" / seed.name)])).text
        for quote in found["fold"][seed.name]:
            assert stored[quote["start"]:quote["end"]] == quote["text"]
            crossing += "\n" in quote["text"]
    assert crossing > 10        # quotes run across the line breaks, which are kept as they were


def test_a_hard_wrapped_text_has_its_blank_line_blocks_for_paragraphs():
    paragraphs = [
        "The mayor signed an executive order on Saturday that bars the city's police from helping "
        "federal agents with immigration enforcement, patrols, traffic stops and checkpoints.",
        "“We will pursue all available legal and legislative avenues to resist coordinated efforts "
        "from the federal government,” Johnson said at a news conference.",
        "The White House said the plan was about cracking down on crime, and that the mayor should "
        "focus on his own city instead of publicity stunts.",
    ]
    text = "\n\n".join(textwrap.fill(p, 72) for p in paragraphs)
    assert [text[a:b].replace("\n", " ") for a, b in marks.paragraphs(text)] == paragraphs
    # Each wrapping line break is one space, so offsets into the view are offsets into the text.
    assert marks.unwrapped(text) == "\n\n".join(textwrap.fill(p, 72).replace("\n", " ") for p in paragraphs)


def test_a_sentence_the_tokenizer_cut_at_a_wrapped_line_break_is_read_and_parsed_whole():
    # Stanza ends a sentence after "Dr. Mehmet" here; quotes.document joins "Mehmet | Oz", as on
    # one line, only where no line break is between them: in wrapped text that break is a space.
    text = ("“The plan will work in every county of the state,” the campaign said in a\n"
            "statement on Tuesday. At the fairgrounds, the Senate candidate Dr. Mehmet\n"
            "Oz told reporters that the plan would work and that the state would be\n"
            "better off for it in the years to come, whatever the polls said today.\n\n"
            "His rival, Lt. Gov. John Fetterman, spent the day in Erie, where he met\n"
            "with union members and their families at a picnic near the lake shore and\n"
            "said that he would not give up on a single county in the state.\n")
    assert any(s.tokens[-1].text == "Mehmet" for s in nlp.parse(text).sentences)
    tokens = {t.text: t for t in pipeline.parse(text).tokens}
    assert tokens["Oz"].sentence == tokens["Mehmet"].sentence
    # The quote's neighbour sentence is parsed whole, the part after the line break included.
    assert tokens["Oz"].head is not None and tokens["told"].deprel is not None


def test_a_short_line_in_a_hard_wrapped_email_still_ends_its_paragraph():
    body = textwrap.fill("Thank you for your note about the hearing on Tuesday. " * 4, 72)
    text = f"Dear Ms. Lee,\n\n{body}\n\n{body}\nBest regards,\nJane Doe\nPress Office"
    lines = [text[a:b] for a, b in marks.paragraphs(text)]
    assert lines[0] == "Dear Ms. Lee,"
    assert lines[1].replace("\n", " ") == " ".join(body.split("\n"))
    assert lines[-3:] == ["Best regards,", "Jane Doe", "Press Office"]


def test_an_indented_line_after_a_full_one_starts_a_new_paragraph():
    # Five full lines: the last one's break falls where the next word would not have fit.
    body = "\n".join(textwrap.wrap("The council met on Tuesday to discuss the budget and the new police "
                                   "contract. " * 6, 72)[:5])
    quoted = "    “Unconstitutional,” the mayor wrote."     # its first word would not have fit either
    text = f"{body}\n{quoted}\n\n{body}"
    assert marks.unwrapped(text) != text
    assert quoted.strip() in [text[a:b] for a, b in marks.paragraphs(text)]


@pytest.mark.parametrize("why, text", [
    # Long one-line paragraphs of one length, as on a news page: no line is wrapped at 72-100 columns.
    ("lines over 100 characters", "\n".join(f"Paragraph {i} " + "of the story goes on " * 7 for i in range(8))),
    # A column of short names: every line "full", but too short to be a wrap.
    ("lines under 40 characters", "\n".join(["Brandon Johnson", "JB Pritzker, Gov.", "Abigail Jackson"] * 4)),
    # Three lines at the width are too few to tell.
    ("three breaks", textwrap.fill("A few words about the meeting on Tuesday evening downtown. " * 4, 72)
     + "\n\nSigned."),
    # Six lines at the width among ten short ones (a list, an address): not consistent.
    ("six of sixteen", textwrap.fill("The committee heard from residents about parking and schools. " * 7, 72)
     + "\n\n" + "\n".join(f"Item {i}: noted" for i in range(11))),
])
def test_text_that_is_not_consistently_wrapped_keeps_its_line_breaks(why, text):
    assert marks.unwrapped(text) == text, why


def test_news_articles_are_read_line_by_line_as_before():
    """The seeds, the fixtures and PolNeAR put a paragraph on each line: none counts as wrapped."""
    files = [*SEED_FILES, *FIXTURES.rglob("*.txt"), *POLNEAR.glob("*/text/*.txt")]
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert marks.unwrapped(text) is text, path


@pytest.mark.skipif(shutil.which("fold") is None, reason="no fold command")
def test_fold_bytes_folds_as_the_fold_command_does():
    text = SEED_FILES[3].read_text(encoding="utf-8")
    folded = subprocess.run(["fold", "-s", "-w", "72"], input=text.encode(), capture_output=True, check=True)
    assert fold_bytes(text) == folded.stdout.decode()
