"""Names and titles: the comparison key of a name, the titles (roles) a name may carry, and
how one name form relates to another ("Times" of "The New York Times"). No mentions here."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .. import lexicon
from ..document import Token

_WORDS = lexicon.load().word_classes

# Words a Title Case headline may leave in lower case.
SMALL_WORDS = _WORDS["small_words"]


def shouted(name: str) -> bool:
    """A name in capitals ("WALLACE"), not an acronym or initials ("JB")."""
    return name.isupper() and sum(c.isalpha() for c in name) > 3


@lru_cache(maxsize=65536)
def repaired(name: str) -> str:
    """A name as it was written where a page's UTF-8 was read as Latin-1 or Windows-1252, once or twice
    ("FranÃ§ois Hollande", "PeÃ\x83Â±a Nieto"): 'François Hollande', 'Peña Nieto'. A name that does not
    decode back (a byte lost on the way: "JesÃos") is kept as it is."""
    name = unicodedata.normalize("NFC", name)
    for _ in range(2):
        if "Ã" not in name and "Â" not in name:
            break
        try:
            raw = b"".join(bytes([ord(c)]) if ord(c) < 256 else c.encode("cp1252") for c in name)
            name = raw.decode("utf-8")
        except UnicodeError:
            break
    return name


def name_key(name: str) -> str:
    """Comparison key of a name: 'J.B. Pritzker' and 'JB Pritzker' match, and so do 'Felipe Calderón'
    and 'Felipe Calderon' (outlets drop accents) and "O'Neill" and 'O’Neill' (one outlet, or one
    article, prints the apostrophe straight, another curly)."""
    unaccented = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return _NAME_SPACE.sub(" ", unaccented.replace(".", "").translate(APOSTROPHES)).strip().lower()


_NAME_SPACE = re.compile(r"[.\s]+")
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
NAME_SUFFIXES = _WORDS["name_suffixes"]


def without_suffix(words: list[str]) -> list[str]:
    """A name's words (lower case) without the generational suffixes that end it ("Jr.", "III"),
    so that the last word left is the surname; one word always stays."""
    while len(words) > 1 and words[-1].strip(".,") in NAME_SUFFIXES:
        words = words[:-1]
    return words


def key_words(name: str) -> list[str]:
    """The words of a name's key without a generational suffix: "Harry B. Harris Jr." is
    ['harry', 'b', 'harris'], so its surname is Harris, as "Admiral Harris" says."""
    words = without_suffix(name_key(name).split())
    return words[:-1] + [words[-1].rstrip(",")]     # "Harris, Jr.": the surname without its comma


def title_at_token(tokens: tuple[Token, ...], i: int) -> tuple[int, lexicon.Title] | None:
    """The longest title starting at token i, as (number of tokens, Title); an abbreviation the
    tokenizer split from its period ("Capt" "." for "Capt.") is two tokens."""
    lex = lexicon.load()
    if split_abbreviation(tokens, i):
        return 2, lex.titles[(tokens[i].text.lower() + ".",)]
    if tokens[i].text.lower() not in lex.title_first_words:
        return None         # most tokens: no title starts with this word
    return title_at([t.text.lower() for t in tokens[i:i + lex.title_max_words]], 0)


def split_abbreviation(tokens: tuple[Token, ...], i: int) -> bool:
    """Token i is a title's abbreviation whose period the tokenizer split off, often ending the
    sentence there: "said Capt" "." "Omar Reyes"."""
    return i + 1 < len(tokens) and tokens[i + 1].text == "." \
        and (tokens[i].text.lower() + ".",) in lexicon.load().titles


def title_at(words: list[str], i: int) -> tuple[int, lexicon.Title] | None:
    """The longest title starting at words[i] (lower case), as (number of words, Title)."""
    lex = lexicon.load()
    for n in range(min(lex.title_max_words, len(words) - i), 0, -1):
        found = lex.titles.get(tuple(words[i:i + n]))
        if found is not None:
            return n, found
    return None


def strip_article(name: str) -> str:
    """The name without a leading "the": "White House" of "the White House"."""
    return re.sub(r"^(?i:the)\s+", "", name)


def shortens(short: str, full: str) -> bool:
    """"Times" of "New York Times" (its last word), "DNC" of "Democratic National Committee"
    (its initials, small words left out)."""
    short_words, full_words = name_key(short).split(), name_key(full).split()
    if len(short_words) != 1 or len(full_words) < 2:
        return False
    if short_words[0] == full_words[-1]:
        return True
    initials = "".join(w[0] for w in full_words if w not in SMALL_WORDS)
    return short.isupper() and len(short) >= 2 and short_words[0] == initials
