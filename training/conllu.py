"""CoNLL-U as the training scripts read and write it: sentences of comment lines and 10-column rows.

The tokenizer's, tagger's and parser's data (train_tokenizer.py, train_syntax.py) are Sentence
lists; the NER sources (train_ner.py) are read block by block into their own records.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Sentence:
    """One CoNLL-U sentence: its comment lines and its 10-column rows."""
    comments: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def blocks(lines: Iterable[str]) -> Iterator[tuple[list[str], list[list[str]]]]:
    """(comments, rows) for every sentence of CoNLL-U lines (without their line ends): a blank
    line ends a sentence, '#' starts a comment, any other line is a row of tab-separated columns."""
    comments: list[str] = []
    rows: list[list[str]] = []
    for line in lines:
        if not line.strip():
            if rows:
                yield comments, rows
            comments, rows = [], []
        elif line.startswith("#"):
            comments.append(line)
        else:
            rows.append(line.split("\t"))
    if rows:
        yield comments, rows


def read_conllu(path: Path) -> list[Sentence]:
    """Read every sentence of a CoNLL-U file."""
    return [Sentence(comments, rows) for comments, rows in blocks(path.read_text(encoding="utf-8").splitlines())]


def write_conllu(sentences: list[Sentence], path: Path) -> None:
    """Write sentences as CoNLL-U."""
    with path.open("w", encoding="utf-8") as out:
        for sentence in sentences:
            for comment in sentence.comments:
                out.write(comment + "\n")
            for row in sentence.rows:
                out.write("\t".join(row) + "\n")
            out.write("\n")


def _misc(row: list[str]) -> list[str]:
    return [] if row[9] == "_" else row[9].split("|")


def space_after(row: list[str]) -> bool:
    """False when the token is glued to the next one (SpaceAfter=No)."""
    return "SpaceAfter=No" not in _misc(row)


def set_space_after(row: list[str], value: bool) -> None:
    """Set or clear SpaceAfter=No in the MISC column."""
    items = [item for item in _misc(row) if item != "SpaceAfter=No"]
    if not value:
        items.append("SpaceAfter=No")
    row[9] = "|".join(items) or "_"


def is_word(row: list[str]) -> bool:
    """A plain word row (not a multi-word range, not an empty node)."""
    return row[0].isdigit()


def sentence_text(sentence: Sentence) -> str:
    """The surface text the word forms and SpaceAfter marks spell out."""
    words = [row for row in sentence.rows if is_word(row)]
    return "".join(row[1] + (" " if space_after(row) else "") for row in words).rstrip()


def set_text_comment(sentence: Sentence) -> None:
    """Rewrite `# text = ...` so it agrees with the (changed) word forms."""
    text = "# text = " + sentence_text(sentence)
    sentence.comments = [text if c.startswith("# text =") else c for c in sentence.comments]
