"""One speaker across articles: which article-level speaker names name one person or organisation.

Each article resolves its own mentions to entities (speakers.py); here the names those
entities got in different articles are merged, each merge with the reason it was made,
which `quotes speakers --explain` shows. The rules, in order:

    same name        equal up to case, dots and spacing ("J.B. Pritzker" / "JB Pritzker")
    middle initial   "Paul D. Ryan" / "Paul Ryan", where the index holds one initialled form
                     of the name (George W. and George H. W. Bush stay apart, and apart from
                     a plain "George Bush")
    lead-in word     "Republican Donald Trump" / "Donald Trump": a word that is no part of a
                     name (a title, a modifier such as a party, a sentence opener) before a
                     full name the index holds
    surname          "Obama" / "Barack Obama": the one full name with that surname whose gender
                     does not contradict the surname's (Barack, not Michelle)

Two people who share a surname are never merged: a surname that fits more than one
full name stays as it is. An organisation never absorbs a person, nor a person an
organisation.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import lexicon
from .speakers import name_key


@dataclass(frozen=True)
class SpeakerName:
    """An article-level speaker name as the index holds it."""
    name: str
    kind: str                     # 'person' | 'organisation'
    gender: str | None = None     # 'm' | 'f' where the articles agree, else None
    quotes: int = 0


@dataclass(frozen=True)
class Link:
    speaker: str                  # the index-wide name
    reason: str                   # why the name is that speaker's ('' where it is its own name)


def link(names: list[SpeakerName]) -> dict[tuple[str, str], Link]:
    """Each (name, kind) mapped to its index-wide speaker and the reason."""
    groups = _Groups()
    for n in names:
        groups.add(n)
    people = [key for key in groups.keys() if key[0] == "person"]
    _middle_initials(groups, people)
    _lead_ins(groups, people)
    _surnames(groups, people)
    speakers = {root: groups.display(members) for root, members in groups.members().items()}
    out = {}
    for n in names:
        key = (n.kind, name_key(n.name))
        speaker = speakers[groups.find(key)]
        reason = "" if speaker == n.name else groups.reason.get(key, "same name")
        out[(n.name, n.kind)] = Link(speaker, reason)
    return out


class _Groups:
    """Name keys merged into speakers (union-find), each merge with its reason."""

    def __init__(self):
        self.parent: dict[tuple[str, str], tuple[str, str]] = {}
        self.forms: dict[tuple[str, str], dict[str, int]] = {}    # key -> surface form -> quotes
        self.gender: dict[tuple[str, str], set[str]] = {}
        self.reason: dict[tuple[str, str], str] = {}

    def add(self, n: SpeakerName) -> None:
        key = (n.kind, name_key(n.name))
        self.parent.setdefault(key, key)
        forms = self.forms.setdefault(key, {})
        forms[n.name] = forms.get(n.name, 0) + n.quotes
        if n.gender:
            self.gender.setdefault(key, set()).add(n.gender)

    def keys(self) -> list[tuple[str, str]]:
        return sorted(self.parent)

    def find(self, key: tuple[str, str]) -> tuple[str, str]:
        while self.parent[key] != key:
            key = self.parent[key]
        return key

    def join(self, key: tuple[str, str], into: tuple[str, str], reason: str) -> None:
        a, b = self.find(key), self.find(into)
        if a != b:
            self.parent[a] = b
            self.reason.setdefault(key, reason)

    def members(self) -> dict[tuple[str, str], list[tuple[str, str]]]:
        out: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for key in self.parent:
            out.setdefault(self.find(key), []).append(key)
        return out

    def display(self, members: list[tuple[str, str]]) -> str:
        """The speaker's name: a full form that was no lead-in or initial variant, printed with the
        most quotes (then the longest); a one-word name only where the speaker has no other."""
        plain = [k for k in members if k not in self.reason]
        best = max(plain or members, key=lambda k: (len(k[1].split()) > 1, sum(self.forms[k].values()), k[1]))
        forms = self.forms[best]
        return max(forms, key=lambda f: (forms[f], len(f), f))


def _middle_initials(groups: _Groups, people: list[tuple[str, str]]) -> None:
    by_plain: dict[str, list[tuple[str, str]]] = {}
    for key in people:
        words = key[1].split()
        if len(words) >= 2:
            plain = " ".join([words[0], *(w for w in words[1:-1] if not (len(w) == 1 and w.isalpha())), words[-1]])
            by_plain.setdefault(plain, []).append(key)
    for plain, keys in by_plain.items():
        initialled = [k for k in keys if k[1] != plain]
        if len(keys) > 1 and len(initialled) == 1:
            bare = [k for k in keys if k[1] == plain]
            for key in initialled:
                groups.join(key, bare[0], "middle initial")


def _lead_ins(groups: _Groups, people: list[tuple[str, str]]) -> None:
    lex = lexicon.load()
    lead_ins = set(lex.title_modifiers) | set(lex.not_names) | {w[0] for w in lex.titles if len(w) == 1}
    known = set(people)
    for key in people:
        words = key[1].split()
        rest = ("person", " ".join(words[1:]))
        if len(words) >= 3 and words[0] in lead_ins and rest in known and _person_like(words[1:]):
            groups.join(key, rest, f"'{words[0]}' before the name is no part of it")


def _surnames(groups: _Groups, people: list[tuple[str, str]]) -> None:
    members = groups.members()
    genders = {root: {g for k in keys for g in groups.gender.get(k, ())} for root, keys in members.items()}
    full_by_surname: dict[str, set[tuple[str, str]]] = {}
    for key in people:
        words = key[1].split()
        if len(words) >= 2 and _person_like(words):
            full_by_surname.setdefault(words[-1], set()).add(groups.find(key))
    for key in people:
        if len(key[1].split()) != 1 or not _person_like(key[1].split()):
            continue
        own = groups.gender.get(key, set())
        candidates = [root for root in full_by_surname.get(key[1], ())
                      if not (own and genders[root] and not own & genders[root])]
        if len(candidates) == 1:
            shared = len(full_by_surname[key[1]]) > 1
            groups.join(key, candidates[0], "the surname of the one full name with it"
                        + (" whose gender agrees" if shared else ""))


def _person_like(words: list[str]) -> bool:
    """Words that can make a person's name: letters (and ' ’ -) only, none a sentence opener,
    modifier or organisation word ("Islamic State", "Clinton Breaks With Obama" are not)."""
    lex = lexicon.load()
    return all(w[:1].isalpha() and w[-1:].isalpha() and w.replace("'", "").replace("’", "").replace("-", "").isalpha()
               and w not in lex.not_names
               and w not in lex.title_modifiers and w not in _organisation_words() for w in words)


@lru_cache(maxsize=1)
def _organisation_words() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon.load().organisation_words)
