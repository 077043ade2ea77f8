"""`quotes speakers --check`: the speaker names of an index that look wrong, each with its reasons.

A pure function over the entries Index.speakers() returns; the word lists are the lexicon's.
It flags, it does not fix: a flagged name is for a person to look at first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import lexicon
from .speakers.names import name_key, title_at, without_suffix


COMMON_WORD = "common word"
TITLE = "title in name"
GROUP = "group, not a person"


@dataclass(frozen=True)
class Suspect:
    entry: dict                 # the speaker entry, as Index.speakers() gives it
    reasons: tuple[str, ...]    # why its name looks wrong, most telling first


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """Words of the lexicon that are English words, not names: function words, sentence openers,
    speech verbs, cue nouns ("Statement"), and the words a treebank rarely tags a proper noun
    ("Correction", "Citizens"; lexicon/common_words.txt)."""
    lex = lexicon.load()
    return lex.stop_words | lex.not_names | lex.speech_verbs | lex.cue_nouns | lex.cue_fillers | lex.common_words


@lru_cache(maxsize=1)
def _group_words() -> frozenset[str]:
    """Plural words for a group of people: the plural of a role ("Lawmakers", "Officials") and the
    party members among the title modifiers ("Democrats")."""
    lex = lexicon.load()
    plurals = {_plural(role) for role in lex.roles if role.isalpha()}
    return frozenset(plurals | {w for w in lex.title_modifiers if w.endswith("s") and w[:-1] in lex.title_modifiers})


def _plural(word: str) -> str:
    if word.endswith("man"):
        return word[:-3] + "men"
    if word.endswith(("s", "ch", "sh", "x")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"


def spelling_key(name: str) -> str:
    """A name with case, accents, dots, hyphens and every kind of space dropped: "J. K. Rowling",
    "J.K. Rowling" and "J.K.\u00a0Rowling" share one, and so do "PolitiFact" and "Politifact"."""
    return re.sub(r"[\W_]+", "", name_key(name))


def _words(name: str) -> list[str]:
    """The words of a name as written. A hyphen joins a title to its suffix ("Rep.-elect"): it
    splits there too, so that the title is seen."""
    return [w for w in re.split(r"[\s\-\u2010-\u2015]+", name) if w]


def _is_common_word(words: list[str]) -> bool:
    if len(words) != 1:
        return False
    word = words[0].lower()
    return bool({word, word.rstrip(".,:;!?"), word.replace("'", "").replace("\u2019", "")} & _common_words())


def _title(written: list[str]) -> str | None:
    """The title a person's name holds before its last word ("Sens." of "Sens. John Smith"), plural
    titles included ("Representatives"); a last word may be a surname ("Martin Luther King")."""
    words = without_suffix([w.lower() for w in written])    # "Martin Luther King Jr.": "King" is the surname
    for i in range(len(words) - 1 if len(words) > 1 else 1):
        for form in (words[i], words[i][:-1] if words[i].endswith("s") else None):
            if form is None:
                continue
            found = title_at([form] + words[i + 1:], 0)
            if found is not None:
                return " ".join(written[i:i + found[0]])
    return None


def reasons(entry: dict) -> list[str]:
    """Why one speaker's name looks wrong by itself, without the other speakers."""
    words = _words(entry["speaker"])
    group = entry["kind"] != "organisation" and bool(words) and words[-1].lower() in _group_words()
    found = []
    if _is_common_word(words) and not group:    # "Lawmakers": the more telling reason is enough
        found.append(COMMON_WORD)
    if entry["kind"] != "organisation":
        title = _title(words) if not (group and len(words) == 1) else None   # "Lawmakers": a group, no more
        if title is not None:
            found.append(f"{TITLE}: {title}")
        if group:
            found.append(GROUP)
    return found


def check(entries: list[dict]) -> list[Suspect]:
    """The entries whose names look wrong, each with its reasons: by itself (reasons()), or written
    like another speaker's name but listed apart (both are listed). The most reasons first, then
    in the order given (most quotes first)."""
    by_spelling: dict[str, list[dict]] = {}
    for entry in entries:
        by_spelling.setdefault(spelling_key(entry["speaker"]), []).append(entry)
    suspects = []
    for entry in entries:
        found = reasons(entry)
        for other in by_spelling[spelling_key(entry["speaker"])]:
            if other is not entry:
                found.append(f"same name as “{other['speaker']}” ({other['kind']})")
        if found:
            suspects.append(Suspect(entry, tuple(found)))
    return sorted(suspects, key=lambda s: -len(s.reasons))
