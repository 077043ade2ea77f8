"""The same quote in several articles: normalising, grouping, and telling whether the wording differs.

After normalising (case, quotation marks, dashes, punctuation, whitespace),
quotes that share a run of SHINGLE words are candidates, found through an
inverted index of word shingles so that not all pairs are compared; two
candidates are one utterance when most of the shorter one's words appear in
the other, in order.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

SHINGLE = 3          # words in a run that makes two quotes candidates for one utterance
MIN_SHARED = 0.6     # share of the shorter quote's words the two must have in common, in order
_PUNCT = re.compile(r"[^\w\s]")


def normalise(text: str) -> str:
    """Lower case, no punctuation or marks, single spaces: 'We’re here!' → 'were here'."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("’", "").replace("'", "")   # we’re → were, so apostrophes never split words
    text = _PUNCT.sub(" ", text)
    return " ".join(text.split())


def shared_share(a: list[str], b: list[str]) -> float:
    """Words two texts have in common, in order, as a share of the shorter one."""
    if not a or not b:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / min(len(a), len(b))


def shingles(words: list[str]) -> set[tuple[str, ...]]:
    if len(words) < SHINGLE:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


@dataclass(frozen=True)
class Occurrence:
    key: int            # the caller's id for the quote
    article: str
    speaker: str | None
    text: str


def group(occurrences: list[Occurrence]) -> list[list[Occurrence]]:
    """Groups of occurrences of one utterance across at least two articles, in input order.

    Occurrences sharing a shingle are candidates; they join when the words they have
    in common, in order, cover at least MIN_SHARED of the shorter one (one is an
    excerpt of the other, or a few words differ) and their speakers agree, or one
    side is unattributed. A common phrase such as "from the federal government" is
    not enough to join two different quotes.
    """
    parent = list(range(len(occurrences)))
    speaker_of = [o.speaker for o in occurrences]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a == b:
            return
        sa, sb = speaker_of[a], speaker_of[b]
        if sa and sb and sa != sb:
            return
        parent[b] = a
        speaker_of[a] = sa or sb

    words = [normalise(o.text).split() for o in occurrences]
    index: dict[tuple[str, ...], list[int]] = {}
    for i, own in enumerate(words):
        if len(own) < 3:
            continue        # "next", "hellhole": too short to tell one utterance from another
        for shingle in shingles(own):
            index.setdefault(shingle, []).append(i)
    candidates: set[tuple[int, int]] = set()
    for holders in index.values():
        if len(holders) > 50:
            continue        # a shingle in very many quotes is boilerplate, not evidence
        for x in range(len(holders)):
            for y in range(x + 1, len(holders)):
                if occurrences[holders[x]].article != occurrences[holders[y]].article:
                    candidates.add((holders[x], holders[y]))
    for i, j in sorted(candidates):
        if shared_share(words[i], words[j]) >= MIN_SHARED:
            union(i, j)
    groups: dict[int, list[Occurrence]] = {}
    for i, occurrence in enumerate(occurrences):
        groups.setdefault(find(i), []).append(occurrence)
    return [g for g in groups.values() if len({o.article for o in g}) > 1]


def wording_differs(group_: list[Occurrence]) -> bool:
    """True where the occurrences' words are not all the same once normalised."""
    return len({normalise(o.text) for o in group_}) > 1


def annotate(rows: list) -> dict[int, dict]:
    """For quote rows (with id, article_id, speaker, text): the group each belongs to, keyed by row id.

    Each value holds the group number, how many articles print it, and whether the wording differs.
    """
    occurrences = [Occurrence(r.id, r.article_id, r.speaker, r.text) for r in rows]
    out: dict[int, dict] = {}
    for number, members in enumerate(group(occurrences), start=1):
        info = {"group": number, "articles": len({o.article for o in members}), "differs": wording_differs(members)}
        for o in members:
            out[o.key] = info
    return out
