"""One speaker across articles: which article-level speaker names name one person or organisation.

Each article resolves its own mentions to entities (speakers/); here the names those
entities got in different articles are merged, each merge with the reason it was made,
which `quotes speakers --explain` shows. The rules, in order:

    same name        equal up to case, dots, spacing and the apostrophe's shape ("J.B. Pritzker" /
                     "JB Pritzker", "J. K." / "J.K.", "O'Malley" / "O’Malley")
    middle initial   "Paul D. Ryan" / "Paul Ryan", "Hillary Rodham Clinton" / "Hillary Clinton",
                     where the index holds one form of the name with a middle part (George W. and
                     George H. W. Bush stay apart, and apart from a plain "George Bush")
    short first name "Ben Rhodes" / "Benjamin Rhodes" (lexicon/nicknames.tsv), where the index
                     holds just those two forms of the name; a suffix is no part of it ("Joe
                     Biden" / "Joseph R. Biden Jr."), but one first name with and without it
                     is two people ("Donald Trump" / "Donald Trump Jr.")
    lead-in word     "Republican Donald Trump" / "Donald Trump": a word that is no part of a
                     name (a title, a modifier such as a party, a sentence opener) before a
                     full name the index holds
    surname          "Obama" / "Barack Obama", "De Blasio" / "Bill de Blasio": the one full name
                     with that surname whose gender does not contradict the evidence ("Mr. Obama":
                     Barack, not Michelle); of several, the one holding the role the article's
                     titles give ("President Obama"), or the one with at least 80 % of all their
                     quotes in the index ("Clinton" in 2016 news). A lone surname is linked
                     article by article, from what that article says of it.
    one-word name    "PolitiFact" / "Politifact": one word that is all several articles call a
                     speaker, and no full name in the index ends with (two "Johnson"s where the
                     index holds Brandon and Mike Johnson stay apart)
    one kind         "Howard Dean" a person in some articles, an organisation in another: one
                     speaker, a person where anything says so (a known first name, a title, a
                     gender), else the kind most of its quotes give. Only a name of two words or
                     more: a lone "Ford" or "Trump" may be a company and a person both.

A gender is evidence where a first name or a title says it ("Mr.", "the first lady"); a
gender only a pronoun gave is used where nothing better is known. The name shown for a
speaker is its plainest full form: the most quoted form with no lead-in word, without a
middle initial ("Loretta E. Lynch" is shown as Loretta Lynch) unless the person goes by it
(lexicon/initialled_names.txt) or dropping it would make two speakers' names one.

Two people who share a surname are never merged with each other, and a surname that fits
several of them, with no title, role or share of quotes to tell them apart, stays as it is.
An organisation never absorbs a person, nor a person an organisation, except one of the very
same full name (the one-kind rule), where both are one speaker of one kind.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from . import lexicon
from .rows import Link, SpeakerName
from .speakers.names import name_key, title_at, without_suffix


Key = tuple[str, str, str]          # (kind, name key, article): the article only for a lone surname


def link(names: list[SpeakerName]) -> dict[tuple[str, str, str], Link]:
    """Each (article, name, kind) mapped to its index-wide speaker and the reason.

    A full name is one person index-wide ("Donald Trump" is Donald Trump in every article); a
    lone surname is linked article by article, from what that article says of it: "Bush" is
    George W. Bush where the article calls him President Bush, and Jeb Bush where it is about Jeb.
    """
    groups = _Groups()
    for n in names:
        groups.add(n)
    people = [key for key in groups.keys() if key[0] == "person"]
    _middle_names(groups, people)
    _short_first_names(groups, people)
    _lead_ins(groups, people)
    _surnames(groups, people)
    _one_word_names(groups, people)
    _one_kind(groups)
    speakers = _unique_displays(groups)
    out = {}
    for n in names:
        key = _key(n)
        root = groups.find(key)
        speaker = speakers[root]
        # A speaker's kind is its root's: the one-kind rule joins the other kind into it.
        same = speaker == n.name and root[0] == n.kind
        reason = "" if same else groups.reason.get(key) or _shown_as(n.name, speaker)
        out[(n.article, n.name, n.kind)] = Link(speaker, reason, root[0])
    return out


def _shown_as(name: str, speaker: str) -> str:
    """Why a name that no rule linked is shown as another string."""
    if repaired(name) == speaker:
        return "letters repaired: the page's UTF-8 was read as Windows-1252"
    if name_key(common_form(repaired(name))) == name_key(speaker):
        return "shown without the middle initial"
    return "same name"


def _key(n: SpeakerName) -> Key:
    key = _joined_initials(name_key(n.name))
    return (n.kind, key, n.article if n.kind == "person" and len(key.split()) == 1 else "")


def _joined_initials(key: str) -> str:
    """A name key with its run of one-letter words written as one ("j k rowling" → "jk rowling"),
    so that "J. K. Rowling", "J.K. Rowling" and "JK Rowling" are one name."""
    words = key.split()
    out: list[str] = []
    for i, word in enumerate(words):
        if len(word) == 1 and i > 0 and len(words[i - 1]) == 1 and out:
            out[-1] += word
        else:
            out.append(word)
    return " ".join(out)


def _unique_displays(groups: "_Groups") -> dict[Key, str]:
    """Each speaker's shown name; a name plainer than its form only where no other speaker has it."""
    full = {root: repaired(groups.display(members)) for root, members in groups.members().items()}
    plain = {root: common_form(name) if root[0] == "person" else name for root, name in full.items()}
    taken = Counter(name_key(name) for name in plain.values())
    return {root: name if taken[name_key(name)] == 1 else full[root] for root, name in plain.items()}


def repaired(name: str) -> str:
    """A name whose UTF-8 was read as Windows-1252, once or twice ("TomÃ¡s Regalado"), as it was
    written (Tomás Regalado); any other name as it is."""
    for _ in range(2):
        if not MOJIBAKE.search(name):
            break
        try:
            # Windows-1252 for its printable characters; a C1 control (U+0083) stands for its own byte.
            name = b"".join(bytes([ord(c)]) if ord(c) < 256 else c.encode("cp1252") for c in name).decode("utf-8")
        except UnicodeError:
            break
    return name


MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]")


def common_form(name: str) -> str:
    """A person's name as it is usually written: no middle initial ("Loretta E. Lynch" → "Loretta
    Lynch"), unless the person goes by it or by initials ("George W. Bush", "J.J. Goldberg")."""
    words = name.split()
    if len(words) < 3 or _is_initial(words[0]) or name_key(name) in _initialled_keys():
        return name
    kept = [words[0], *(w for w in words[1:-1] if not _is_initial(w)), words[-1]]
    return " ".join(kept)


def _is_initial(word: str) -> bool:
    """"E.", "E", "H.W." — letters each followed by a dot, or one capital alone."""
    return (len(word) == 1 and word.isupper()) or bool(re.fullmatch(r"(?:[A-Z]\.)+", word))


class _Groups:
    """Name keys merged into speakers (union-find), each merge with its reason."""

    def __init__(self):
        self.parent: dict[Key, Key] = {}
        self.forms: dict[Key, dict[str, int]] = {}    # key -> surface form -> quotes
        self.gender: dict[Key, set[str]] = {}
        self.aliases: dict[Key, set[str]] = {}
        self.reason: dict[Key, str] = {}

    def add(self, n: SpeakerName) -> None:
        key = _key(n)
        self.parent.setdefault(key, key)
        forms = self.forms.setdefault(key, {})
        forms[n.name] = forms.get(n.name, 0) + n.quotes
        if n.gender:
            self.gender.setdefault(key, set()).add(n.gender)
        self.aliases.setdefault(key, set()).update(n.aliases)

    def keys(self) -> list[Key]:
        return sorted(self.parent)

    def find(self, key: Key) -> Key:
        while self.parent[key] != key:
            key = self.parent[key]
        return key

    def join(self, key: Key, into: Key, reason: str) -> None:
        a, b = self.find(key), self.find(into)
        if a != b:
            self.parent[a] = b
            self.reason.setdefault(key, reason)

    def members(self) -> dict[Key, list[Key]]:
        out: dict[Key, list[Key]] = {}
        for key in self.parent:
            out.setdefault(self.find(key), []).append(key)
        return out

    def display(self, members: list[Key]) -> str:
        """The speaker's name: a full form that was no lead-in or initial variant, printed with the
        most quotes (then the longest); a one-word name only where the speaker has no other. Of forms
        that differ only in accents, the accented one: outlets drop accents, they do not add them."""
        plain = [k for k in members if k not in self.reason]
        best = max(plain or members, key=lambda k: (len(k[1].split()) > 1, sum(self.forms[k].values()), k[1]))
        forms = self.forms[best]
        return max(forms, key=lambda f: (not f.isascii(), forms[f], len(f), f))


def _middle_names(groups: _Groups, people: list[Key]) -> None:
    by_plain: dict[str, list[Key]] = {}
    for key in people:
        words = key[1].split()
        if len(words) >= 2 and _person_like(words):
            by_plain.setdefault(f"{words[0]} {words[-1]}", []).append(key)
    for plain, keys in by_plain.items():
        middled = [k for k in keys if k[1] != plain]
        if len(keys) > 1 and len(middled) == 1 and len(keys) - len(middled) == 1:
            bare = next(k for k in keys if k[1] == plain)
            words = middled[0][1].split()
            initials = all(len(w) == 1 for w in words[1:-1])     # name keys have no dots: "paul d ryan"
            groups.join(middled[0], bare, "middle initial" if initials else "middle name")


def _short_first_names(groups: _Groups, people: list[Key]) -> None:
    """"Benjamin Rhodes" and "Ben Rhodes": one first name in two forms (lexicon/nicknames.tsv),
    the rest of the name the same, and no third form of it in the index to choose between."""
    forms = lexicon.load().first_name_forms
    by_name: dict[tuple[frozenset[str], str], list[Key]] = {}
    for key in people:
        words = key[1].split()
        if len(words) >= 2 and words[0] in forms and _person_like(words):
            # "Joseph R. Biden Jr." and "Joe Biden": the suffix is no part of the name compared.
            rest = " ".join(w for w in without_suffix(words)[1:] if len(w) > 1)
            by_name.setdefault((forms[words[0]], rest), []).append(key)
    for keys in by_name.values():
        roots = {groups.find(k) for k in keys}
        if len(roots) != 2 or len({root[1].split()[0] for root in roots}) != 2:
            continue    # a third form to choose between, or one first name twice ("Donald Trump", "Donald Trump Jr.")
        # The short form is the name the person goes by ("Ben Rhodes"); "Benjamin J. Rhodes" is
        # a newspaper's formality.
        formal, short = sorted(roots, key=lambda root: (-len(root[1].split()[0]), root))
        groups.join(formal, short, f"'{formal[1].split()[0].title()}' and '{short[1].split()[0].title()}'"
                                   " are one first name")


def _lead_ins(groups: _Groups, people: list[Key]) -> None:
    lex = lexicon.load()
    lead_ins = set(lex.title_modifiers) | set(lex.not_names) | {w[0] for w in lex.titles if len(w) == 1}
    known = set(people)
    for key in people:
        words = key[1].split()
        rest = ("person", " ".join(words[1:]), "")
        if len(words) >= 3 and words[0] in lead_ins and rest in known and _person_like(words[1:]):
            groups.join(key, rest, f"'{words[0]}' before the name is no part of it")


def _surnames(groups: _Groups, people: list[Key]) -> None:
    members = groups.members()
    first_names = lexicon.load().first_name_gender
    full_by_ending: dict[str, set[Key]] = {}
    for key in people:
        words = key[1].split()
        if len(words) >= 2 and _person_like(words):
            for n in range(1, min(3, len(words))):
                full_by_ending.setdefault(" ".join(words[-n:]), set()).add(groups.find(key))
    # Only full names are ever candidates: their evidence is all that is looked up.
    evidence = {root: _evidence(groups, members[root]) for root in set().union(*full_by_ending.values())}
    for key in people:
        words = key[1].split()
        # A lone surname, or a two-word one ("de blasio", "wasserman schultz") that is no first name and surname.
        if len(words) > 2 or not _person_like(words) or (len(words) == 2 and words[0] in first_names):
            continue
        if groups.find(key) != key:
            continue        # already linked
        genders, roles = _evidence(groups, [key])
        bearers = [root for root in full_by_ending.get(key[1], ()) if root != key and len(root[1].split()) > len(words)]
        fitting = [root for root in bearers if not (genders and evidence[root][0] and not genders & evidence[root][0])]
        why = ""
        said_role = [root for root in bearers if roles & evidence[root][1]]
        if len(said_role) == 1 and not _evidence(groups, [key], pronouns=False)[0]:
            # A role the article's titles give outweighs a gender only a pronoun gave: a "she"
            # wrongly resolved to "President Obama" must not make him the first lady.
            fitting = said_role
            why = f" holding the same role ('{sorted(roles & evidence[said_role[0]][1])[0]}')"
        elif len(fitting) > 1 and roles:
            same_role = [root for root in fitting if roles & evidence[root][1]]
            if same_role:
                fitting, why = same_role, " holding the same role ('" + "', '".join(
                    sorted(roles & set().union(*(evidence[r][1] for r in same_role)))) + "')"
        if len(fitting) == 1:
            shared = len(full_by_ending[key[1]]) > 1
            groups.join(key, fitting[0], "the surname of the one full name with it"
                        + (why or (" whose gender agrees" if shared else "")))
        elif len(fitting) > 1:
            # A surname alone in an article that names nobody with it in full is, in news, the
            # famous bearer: one who has nearly all the quotes of everyone in the index with it.
            quoted = {root: sum(sum(groups.forms[k].values()) for k in members[root]) for root in fitting}
            top = max(fitting, key=lambda root: (quoted[root], root))
            total = sum(quoted.values())
            # A person's name, not a crowd ("Iowa Democrats"): a known first name, or a gender someone gave it.
            person = top[1].split()[0] in first_names or bool(evidence[top][0])
            if person and quoted[top] >= DOMINANT_QUOTES and quoted[top] >= DOMINANT_SHARE * total:
                groups.join(key, top, f"the surname of the one of {len(fitting)} people with it who has "
                                      f"{quoted[top] / total:.0%} of their quotes in the index")


def _one_word_names(groups: _Groups, people: list[Key]) -> None:
    """One word left as a person's whole name in several articles ("PolitiFact", "Politifact"), that
    no full name in the index ends with: one speaker, as the name is all the articles say, and
    two speakers printed alike would read as two people where nothing says so."""
    endings = {key[1].split()[-1] for key in people if len(key[1].split()) > 1}
    alone: dict[str, list[Key]] = {}
    for key in people:
        if len(key[1].split()) == 1 and key[1] not in endings and groups.find(key) == key:
            alone.setdefault(key[1], []).append(key)
    for keys in alone.values():
        for key in keys[1:]:
            groups.join(key, keys[0], "the same one-word name, which no full name in the index ends with")


def _one_kind(groups: _Groups) -> None:
    """A full name held both as a person and as an organisation ("Howard Dean": NER read him as an
    organisation in one article) is one speaker: a printed name is one speaker of one kind. A person
    where any article says so, else the kind with the most quotes (an organisation on a tie: nothing
    says a person). Runs after the person rules, so that what a linked surname's article says
    ("Mr. Dean") counts too."""
    organisations = {key[1]: key for key in groups.keys() if key[0] == "organisation" and len(key[1].split()) > 1}
    for key in groups.keys():
        org = organisations.get(key[1])
        person = groups.find(key)
        # (a person already joined to an organisation of another form of the name stays there)
        if key[0] != "person" or org is None or person[0] != "person" or groups.find(org) != org:
            continue
        members = groups.members()      # a few names per index: no need to keep them current
        said = _person_evidence(groups, members[person])
        if said:
            groups.join(org, person, f"{ORGANISATION_ELSEWHERE}: {said}")
            continue
        quoted = {root: sum(sum(groups.forms[k].values()) for k in members[root]) for root in (person, org)}
        if quoted[person] > quoted[org]:
            groups.join(org, person, f"{ORGANISATION_ELSEWHERE}: {quoted[person]} of the name's "
                                     f"{sum(quoted.values())} quotes are a person's")
        else:
            groups.join(person, org, f"a person in some articles, an organisation in others: {quoted[org]} of "
                                     f"the name's {sum(quoted.values())} quotes are an organisation's, and "
                                     "nothing says a person")


ORGANISATION_ELSEWHERE = "an organisation in some articles, a person in others"


def _person_evidence(groups: _Groups, keys: list[Key]) -> str:
    """What says the names are a person's ('' where nothing does): a known first name, a title, or a
    gender an article gave."""
    first_names = lexicon.load().first_name_gender
    for key in keys:
        words = key[1].split()
        if len(words) > 1 and words[0] in first_names and _person_like(words):
            return f"'{words[0].title()}' is a first name"
    genders, roles = _evidence(groups, keys)
    if roles:
        return "an article gives the role " + ", ".join(f"'{role}'" for role in sorted(roles))
    if genders:
        return "an article gives a gender"
    return ""


DOMINANT_QUOTES = lexicon.load().settings["dominant_quotes"]
DOMINANT_SHARE = lexicon.load().settings["dominant_share"]


def _evidence(groups: _Groups, keys: list[Key], pronouns: bool = True) -> tuple[set[str], set[str]]:
    """(genders, roles) of the names: from first names and titles in the aliases ("Mr. Obama",
    "the first lady", "President Obama"); from pronouns only where neither says a gender (and
    pronouns is True)."""
    lex = lexicon.load()
    genders: set[str] = set()
    roles: set[str] = set()
    for key in keys:
        words = key[1].split()
        if len(words) > 1 and words[0] in lex.first_name_gender:
            genders.add(lex.first_name_gender[words[0]])
        for alias in groups.aliases.get(key, ()):
            alias_words = alias.lower().split()
            for i in range(len(alias_words)):
                found = title_at(alias_words, i)
                if found is not None:
                    title = found[1]
                    genders.update([title.gender] if title.gender else [])
                    roles.update([title.role] if title.role else [])
    if not genders and pronouns:
        genders = {g for key in keys for g in groups.gender.get(key, ())}
    return genders, roles


def _person_like(words: list[str]) -> bool:
    """Words of a name key that can make a person's name: letters (and ' -) only, none a sentence
    opener, modifier or organisation word ("Islamic State", "Clinton Breaks With Obama" are not).
    name_key has made every apostrophe straight."""
    lex = lexicon.load()
    return all(w[:1].isalpha() and w[-1:].isalpha() and w.replace("'", "").replace("-", "").isalpha()
               and w not in lex.not_names
               and w not in lex.title_modifiers and w not in _organisation_words() for w in words)


@lru_cache(maxsize=1)
def _initialled_keys() -> frozenset[str]:
    return frozenset(name_key(name) for name in lexicon.load().initialled_names)


@lru_cache(maxsize=1)
def _organisation_words() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon.load().organisation_words)
