"""How two printings of one quote compare, word by word: normalised words, one spelling for
British and American forms, typography set aside, and the word-level diff `quotes diff` shows.

variants.py groups printings and classifies their differences with these.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import lexicon

_PUNCT = re.compile(r"[^\w\s]")
_TOKEN = re.compile(r"[\w’'‘-]+|[^\w\s]")
_DASH = re.compile(r"\s*(?:—|--)\s*|\s+-\s+")
_QUOTE_MARKS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "—", "―": "—"})
QUOTATION_MARKS = "\"'“”„‟‘’‚‛«»‹›`´"
_NO_MARKS = str.maketrans("", "", QUOTATION_MARKS)


def normalise(text: str) -> str:
    """Lower case, no punctuation or marks, single spaces: 'We’re here!' → 'were here'."""
    text = unicodedata.normalize("NFKC", text).lower()
    # we’re → were, so that apostrophes never split words ("Trump‘s" too: outlets misuse the opening mark)
    text = text.replace("’", "").replace("'", "").replace("‘", "")
    text = _PUNCT.sub(" ", text)
    return " ".join(text.split())


@lru_cache(maxsize=None)    # a corpus has some 100,000 distinct words; grouping asks for each many times
def spelling_key(word: str) -> str:
    """One spelling for British and American forms: 'criticise' and 'criticize' → 'criticize'."""
    lex = lexicon.load()
    if word in lex.uk_to_us:
        return lex.uk_to_us[word]
    for ending, american in (("isation", "ization"), ("isations", "izations"), ("ising", "izing"),
                             ("ised", "ized"), ("ises", "izes"), ("ise", "ize")):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            base = word[:-len(ending)] + "ise"
            if base in lex.ise_words or word in lex.ise_words:
                return word
            return word[:-len(ending)] + american
    return word


def surface(text: str) -> str:
    """The text as printed, typography aside: quote-mark styles, dash styles, spacing, end punctuation."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_MARKS)
    text = _DASH.sub(" — ", text)       # "deal — whether", "deal -- whether", "deal - whether"
    return " ".join(text.split()).strip(" ,.;:\"'")


def words_of(text: str) -> list[str]:
    return [spelling_key(w) for w in normalise(text).split()]


def compound_words(text: str) -> list[str]:
    """Words with hyphenated compounds kept whole: 'active-duty' stays one word."""
    return [w for w in re.split(r"[^\w-]+", unicodedata.normalize("NFKC", text).lower().replace("’", ""))
            if w.strip("-")]


def contains(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return 0 < n < len(longer) and any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def shared_share(a: list[str], b: list[str]) -> float:
    """Words two texts have in common, in order, as a share of the shorter one."""
    if not a or not b:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / min(len(a), len(b))


def content_words(words: list[str]) -> list[str]:
    """The words that carry a statement, function words ("we", "are", "going", "to") aside, each
    without its inflection ("asked" and "ask", "troops" and "troop" are one word here)."""
    stop = lexicon.load().stop_words
    return [_stem(w) for w in words if w not in stop]


@lru_cache(maxsize=None)
def _stem(word: str) -> str:
    for ending in ("ing", "ed", "es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[:-len(ending)]
    return word


@dataclass(frozen=True)
class DiffOp:
    """One run of a word-level diff against the reference: 'equal', 'delete' (only in the
    reference), 'insert' (only in this version), 'spelling' (old → new: the same word spelt
    another way), 'punctuation' (old → new: one mark for another) or 'gap' (where two quotes
    of this version meet: the outlet printed them apart, text "[…]")."""
    op: str
    text: str
    new: str | None = None   # for 'spelling' and 'punctuation': this version's form


def diff(reference: str, text: str) -> list[DiffOp]:
    """Word-level diff of text against the reference, case and quote-mark style ignored."""
    ref_tokens, ref_space = _tokens(reference)
    tokens, space = _tokens(text)
    matcher = difflib.SequenceMatcher(None, [_fold(t) for t in ref_tokens], [_fold(t) for t in tokens],
                                      autojunk=False)
    ops: list[DiffOp] = []

    def run(seq: list[str], spaces: list[bool], lo: int, hi: int) -> str:
        return "".join((" " if spaces[k] and k > lo else "") + seq[k] for k in range(lo, hi))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = run(ref_tokens, ref_space, i1, i2), run(tokens, space, j1, j2)
        if tag == "equal":
            ops.append(DiffOp("equal", new))
        elif tag == "replace" and not normalise(old) and not normalise(new):
            ops.append(DiffOp("punctuation", old, new))
        elif tag == "replace" and "".join(words_of(old)) == "".join(words_of(new)):
            ops.append(DiffOp("spelling", old, new))
        else:
            if i2 > i1:
                ops.append(DiffOp("delete", old))
            if j2 > j1:
                ops.append(DiffOp("insert", new))
    return ops


def _tokens(text: str) -> tuple[list[str], list[bool]]:
    """Words and punctuation marks, and whether whitespace came before each.

    A quotation mark is typography, not a word: it is kept on the token it touches ("safer,”",
    "‘Look"), so that a stray closing mark is never shown as an inserted word.
    """
    tokens, spaces, last = [], [], 0
    for match in _TOKEN.finditer(text):
        spaced = match.start() > last and text[last:match.start()].isspace()
        last = match.end()
        token = match.group()
        if tokens and not spaced and (_is_mark(token) or (_is_mark(tokens[-1]) and len(tokens) == 1)):
            tokens[-1] += token         # "safer," + "”"; an opening "“" + "We"
            continue
        tokens.append(token)
        spaces.append(spaced)
    if len(tokens) > 1 and _is_mark(tokens[0]):
        tokens[1] = tokens[0] + tokens[1]           # a spaced opening mark: "“ We"
        spaces[1] = spaces[0]
        del tokens[0], spaces[0]
    return tokens, spaces


def _is_mark(token: str) -> bool:
    return bool(token) and all(c in QUOTATION_MARKS for c in token)


def _fold(token: str) -> str:
    """A token as compared: case, quotation marks and apostrophe styles aside."""
    return unicodedata.normalize("NFKC", token).lower().translate(_NO_MARKS)
