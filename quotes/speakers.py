"""Mentions of speakers in one article and the entities they refer to.

A mention is a name ("White House spokeswoman Abigail Jackson"), a pronoun
("he"), a nominal ("the mayor", "the city's mayor") or an organisation ("the
White House"). Titles are roles, never part of a name: "Mayor Brandon Johnson"
is the person Brandon Johnson with the role mayor. Mentions of one person in an
article are merged into an Entity with a canonical full name; linking.py then merges
the names that different articles gave one speaker.

Where the NER processor ran, its PERSON/ORG tags decide what is a name; without
it, capitalisation and the lexicon do.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from . import lexicon
from .document import ParsedArticle, Token

DETERMINERS = {"the", "a", "an", "this", "that", "its", "his", "her", "their", "our"}
POSSESSIVE = {"'s", "’s", "‘s", "'", "’"}
NAME_PARTICLES = {"de", "van", "von", "del", "della", "der", "da", "bin", "al", "le", "la", "of"}
NER_PERSON = {"PERSON", "PER"}
NER_ORG = {"ORG", "ORGANIZATION", "NORP_ORG"}
NER_PLACE = {"GPE", "LOC", "LOCATION", "FAC"}
# Words a Title Case headline may leave in lower case.
SMALL_WORDS = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "by", "with", "or", "from", "is"}


@dataclass
class Mention:
    start_token: int
    end_token: int                   # exclusive
    start: int                       # character offsets into the article
    end: int
    text: str
    kind: str                        # 'name' | 'organisation' | 'pronoun' | 'nominal'
    sentence: int
    name: str | None = None          # the name without titles, for names and organisations
    roles: tuple[str, ...] = ()      # roles from titles ('mayor') or the nominal's role
    gender: str | None = None
    possessive: bool = False
    tagged_person: bool = False      # NER tagged a word of the name PER
    place: bool = False              # NER tagged every word a place ("Chicago", "China")
    entity: int | None = None        # index into Entities.entities once resolved
    chain: tuple[str, ...] = ()      # how the entity was found, for --explain


@dataclass
class Entity:
    kind: str                                   # 'person' | 'organisation'
    forms: Counter = field(default_factory=Counter)   # name forms seen, e.g. 'Brandon Johnson'
    aliases: set[str] = field(default_factory=set)    # surface forms: 'Mayor Brandon Johnson', 'the mayor'
    roles: set[str] = field(default_factory=set)
    gender: str | None = None
    first_seen: int = 0
    tagged_person: bool = False                 # NER tagged one of its names PER
    place: bool = True                          # every mention so far NER-tagged a place (organisations only)

    @property
    def name(self) -> str:
        """Canonical name: the most frequent full (multi-word) form, else the most frequent form.

        A form that is the end of a longer one is its surname ("Wasserman Schultz" of "Debbie
        Wasserman Schultz"), not a full form of its own; nor is an organisation's short name
        ("Times", "DNC").
        """
        keys = {f: name_key(f).split() for f in self.forms}
        full = [f for f in self.forms if len(keys[f]) > 1 and not any(
            len(k) > len(keys[f]) and k[-len(keys[f]):] == keys[f] for k in keys.values())] \
            or [f for f in self.forms if not any(_shortens(f, other) for other in self.forms)] or list(self.forms)
        best = max(full, key=lambda f: (not _shouted(f), self.forms[f], len(f)))
        # A transcript's "WALLACE:" is a convention of the page; the person is Wallace.
        return best.title() if self.kind == "person" and _shouted(best) else best

    @property
    def is_full_person(self) -> bool:
        """A person a pronoun may stand for: named in full, or with a title, or with a known gender.

        A lone capitalised word ("Chicago", "Workers") is not enough without NER; with it,
        a surname the model tagged as a person ("Putney said") is.
        """
        return self.kind == "person" and (any(len(f.split()) > 1 for f in self.forms) or bool(self.roles)
                                          or self.gender is not None or self.tagged_person)


@dataclass
class Entities:
    """Every mention of an article and the entities they resolve to."""
    mentions: list[Mention]
    entities: list[Entity]
    by_end_token: dict[int, Mention]
    by_start_token: dict[int, Mention]
    authors: dict[str, int] = field(default_factory=dict)   # document noun ('order') -> its author's entity

    def entity_of(self, mention: Mention) -> Entity | None:
        return self.entities[mention.entity] if mention.entity is not None else None


def _shouted(name: str) -> bool:
    """A name in capitals ("WALLACE"), not an acronym or initials ("JB")."""
    return name.isupper() and sum(c.isalpha() for c in name) > 3


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Comparison key of a name: 'J.B. Pritzker' and 'JB Pritzker' match, and so do 'Felipe Calderón'
    and 'Felipe Calderon' (outlets drop accents)."""
    unaccented = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return _NAME_SPACE.sub(" ", unaccented.replace(".", "")).strip().lower()


_NAME_SPACE = re.compile(r"[.\s]+")
_INITIAL = re.compile(r"[^\W\d_]\.")


# --- finding mentions -------------------------------------------------------------

def _is_capitalised(token: Token) -> bool:
    t = token.text
    return bool(t) and t[0].isupper() and any(c.isalpha() for c in t)


def _title_at(tokens: tuple[Token, ...], i: int) -> tuple[int, lexicon.Title] | None:
    """The longest title starting at token i, as (number of tokens, Title)."""
    lex = lexicon.load()
    if tokens[i].text.lower() not in lex.title_first_words:
        return None         # most tokens: no title starts with this word
    return title_at([t.text.lower() for t in tokens[i:i + lex.title_max_words]], 0)


def title_at(words: list[str], i: int) -> tuple[int, lexicon.Title] | None:
    """The longest title starting at words[i] (lower case), as (number of words, Title)."""
    lex = lexicon.load()
    for n in range(min(lex.title_max_words, len(words) - i), 0, -1):
        found = lex.titles.get(tuple(words[i:i + n]))
        if found is not None:
            return n, found
    return None


def title_case_paragraph(text: str) -> bool:
    """A paragraph written in Title Case, as headlines are: "Trump Was ‘Mocking’ Clinton Camp"."""
    words = [w for w in text.split() if w[:1].isalpha()]
    content = [w for w in words if w.lower() not in SMALL_WORDS]
    return len(words) >= 3 and sum(w[:1].isupper() for w in content) >= 0.8 * len(content)


def find_mentions(doc: ParsedArticle, skip: set[int], paragraphs: list[tuple[int, int]]) -> list[Mention]:
    """Speaker mentions in the tokens outside quotes (token indexes in skip are quoted).

    paragraphs: the article's (start, end) paragraphs (marks.paragraphs), in order.
    """
    lex = lexicon.load()
    tokens = doc.tokens
    headlines = [(s, e) for s, e in paragraphs if title_case_paragraph(doc.text[s:e])]
    headline_starts = [s for s, _ in headlines]

    def in_headline(token: Token) -> bool:
        k = bisect.bisect_right(headline_starts, token.start) - 1
        return k >= 0 and token.start < headlines[k][1]

    mentions: list[Mention] = []
    i = 0
    while i < len(tokens):
        if headlines and in_headline(tokens[i]) and i not in skip \
                and tokens[i].text.lower() not in lex.pronoun_refers_to:
            found = _headline_name(doc, i, skip)
            if found is not None:
                mentions.append(found)
            i = found.end_token if found is not None else i + 1
            continue
        if i in skip:
            i += 1
            continue
        token = tokens[i]
        low = token.text.lower()
        if low in lex.pronoun_refers_to:
            mentions.append(_mention(doc, i, i + 1, "pronoun", gender=lex.pronoun_gender.get(low)))
            i += 1
            continue
        found = _noun_phrase(doc, i, skip)
        if found is None:
            i += 1
            continue
        mentions.append(found)
        i = found.end_token
    return mentions


def _mention(doc: ParsedArticle, first: int, last: int, kind: str, **fields) -> Mention:
    tokens = doc.tokens
    start, end = tokens[first].start, tokens[last - 1].end
    return Mention(first, last, start, end, doc.text[start:end], kind, tokens[first].sentence, **fields)


def _noun_phrase(doc: ParsedArticle, i: int, skip: set[int], stop: int | None = None) -> Mention | None:
    """A name, organisation or nominal mention starting at token i, or None.

    Collects a run of capitalised words, titles and title modifiers
    ("Illinois Democratic Gov. JB Pritzker"), then splits it: the words after
    the last title are the name, the titles are roles.
    """
    lex = lexicon.load()
    tokens = doc.tokens
    sentence = tokens[i].sentence
    j = i
    roles: list[str] = []
    gender = None
    name_start = None
    stop = len(tokens) if stop is None else stop
    while j < stop and j not in skip and _same_sentence(tokens, j, sentence):
        sentence = tokens[j].sentence
        title = _title_at(tokens, j)
        token = tokens[j]
        low = token.text.lower()
        # A title is a role where nothing name-like came before it, or where a name follows
        # ("Chicago Mayor Brandon Johnson": "Chicago" was an affiliation, not the name).
        # After "Mr." a title word is the name itself: "Mr. King, 82, said".
        title_is_name = title is not None and j > i and name_start is None and _is_capitalised(token) \
            and _title_at(tokens, j - 1) is not None and not _name_follows(tokens, j + title[0], skip)
        if title and not title_is_name and (name_start is None or _name_follows(tokens, j + title[0], skip)):
            n, found = title
            if found.role:
                roles.append(found.role)
            gender = found.gender or gender
            j += n
            name_start = None
            continue
        if low in lex.speech_verbs and low.endswith(("s", "ed")) and token.text not in lex.organisation_words:
            break           # a headline: "Lindsey Graham Says", "Chris Christie Calls Hillary Clinton …"
        if _is_capitalised(token) and not (low in lex.not_names and name_start is None and j == i):
            if name_start is None:
                name_start = j
            j += 1
            continue
        if low in lex.title_modifiers and name_start is None:
            j += 1
            continue
        if token.text in ("-", "‐") and j > i and j + 1 < len(tokens) and tokens[j - 1].end == token.start \
                and token.end == tokens[j + 1].start and tokens[j + 1].text.isalpha():
            if _is_capitalised(tokens[j + 1]):
                j += 1      # Holtz-Eakin, split by the tokenizer
            else:
                j += 2      # "Florida-based Republican strategist Al Cardenas": a modifier, not the name
                name_start = None
            continue
        if low in NAME_PARTICLES and name_start is not None and j + 1 < len(tokens) \
                and _is_capitalised(tokens[j + 1]) \
                and (low != "of" or any(t.text in lex.organisation_words for t in tokens[name_start:j])):
            j += 1
            continue
        break
    if j == i:
        return None
    end = j
    possessive = end < len(tokens) and tokens[end].text in POSSESSIVE
    prev = tokens[i - 1].text.lower() if i > 0 else ""
    if name_start is None:
        # Only titles: a nominal such as "the mayor" or "the city's mayor".
        if roles and (prev in DETERMINERS or _after_possessor(tokens, i)):
            first = i - 1 if prev in DETERMINERS else i
            return _mention(doc, first, end, "nominal", roles=tuple(dict.fromkeys(roles)), gender=gender,
                            possessive=possessive)
        return None
    name_tokens = tokens[name_start:end]
    # Trim capitalised words that cannot be part of a name at the run's end ("Johnson Saturday").
    while name_tokens and name_tokens[-1].text.lower() in lex.not_names:
        name_tokens = name_tokens[:-1]
        end -= 1
        possessive = False
    # A lone initial is no name: "I." is what is left of "F.B.I." when the tokenizer splits it.
    if not name_tokens or (len(name_tokens) == 1 and _INITIAL.fullmatch(name_tokens[0].text)):
        return None
    while len(name_tokens) > 1 and _lead_in(doc, name_tokens):
        name_tokens = name_tokens[1:]
    # The article's own characters, not tokens joined by spaces ("Holtz-Eakin", not "Holtz - Eakin").
    name = " ".join(doc.text[name_tokens[0].start:name_tokens[-1].end].split())
    kind = _name_kind(name_tokens, prev, bool(roles))
    if kind is None:
        return None
    first = i
    while first < name_start and tokens[first].text.lower() in lex.title_modifiers and not roles:
        first += 1
    tags = {(t.ner or "O").split("-")[-1] for t in name_tokens}
    return _mention(doc, first, end, kind, name=name, roles=tuple(dict.fromkeys(roles)), gender=gender,
                    possessive=possessive, tagged_person=bool(tags & NER_PERSON), place=tags <= NER_PLACE)


def _headline_name(doc: ParsedArticle, i: int, skip: set[int]) -> Mention | None:
    """A name in a Title Case headline, where capitals do not show where it ends ("Black
    Lawmakers Rip Donald Trump"): the words before a colon ("Pence: …"); else, with NER, the
    person or organisation it tagged, exactly; without, capitalised words up to a small word
    or one the article prints in lower case elsewhere ("Obama Sees 'Personal Insult'": "sees")."""
    tokens = doc.tokens
    whole = _noun_phrase(doc, i, skip)
    if whole is not None and whole.end_token < len(tokens) and tokens[whole.end_token].text == ":":
        return whole        # "OK Gov Fallin: Trump Is …": the words before a headline's colon name its speaker
    if tokens[i].ner is not None:
        tag = tokens[i].ner
        if tag[:2] not in ("B-", "S-") or tag[2:] not in NER_PERSON | NER_ORG:
            return None
        end = i + 1
        while tag[:2] == "B-" and end < len(tokens) and end not in skip and tokens[end].ner[:2] in ("I-", "E-"):
            tag = tokens[end].ner
            end += 1
    else:
        end = i
        while end < len(tokens) and end not in skip and _is_capitalised(tokens[end]) \
                and tokens[end].text.lower() not in SMALL_WORDS | lexicon.load().not_names \
                and re.search(rf"(?<![\w’']){re.escape(tokens[end].text.lower())}(?!\w)", doc.text) is None:
            end += 1
    if end == i:
        return None
    found = _noun_phrase(doc, i, skip, stop=end)
    return found if found is not None and found.kind != "nominal" else None


def _lead_in(doc: ParsedArticle, name_tokens: list[Token]) -> bool:
    """The first word is no part of the person's name that follows it: "Rival Hillary Clinton",
    "Does Rubio", "Republican Donald Trump".

    With NER: the person starts at the second word (B- or S-PERSON), and the first word is one
    the lexicon says is no name or one the article itself prints in lower case ("does",
    "despite"); NER alone also leaves out first names it does not know ("Gene Sperling").
    Without NER: a modifier before a known first name and a surname.
    """
    first, second = name_tokens[0], name_tokens[1]
    lex = lexicon.load()
    low = first.text.lower()
    if first.ner is not None and second.ner is not None:
        return first.ner.split("-")[-1] not in NER_PERSON and second.ner in PERSON_STARTS and (
            low in lex.not_names or low in lex.title_modifiers
            or re.search(rf"(?<!\w){re.escape(low)}(?!\w)", doc.text) is not None)
    return len(name_tokens) > 2 and low in lex.title_modifiers and second.text.lower() in lex.first_name_gender


PERSON_STARTS = {"B-PERSON", "S-PERSON", "B-PER", "S-PER"}


def _same_sentence(tokens: tuple[Token, ...], k: int, sentence: int) -> bool:
    """Token k is in the sentence, or the tokenizer wrongly ended one after "Rep.", "Gov." or an initial."""
    if tokens[k].sentence == sentence:
        return True
    previous = tokens[k - 1].text if k > 0 else ""
    initial = len(previous) == 2 and previous[0].isupper() and previous[1] == "."
    return previous.endswith(".") and (initial or _title_at(tokens, k - 1) is not None)


def _name_follows(tokens: tuple[Token, ...], k: int, skip: set[int]) -> bool:
    """True where token k starts a name or another title (so the title before it is a role)."""
    if k >= len(tokens) or k in skip or not _same_sentence(tokens, k, tokens[k - 1].sentence):
        return False
    low = tokens[k].text.lower()
    return (_is_capitalised(tokens[k]) and low not in lexicon.load().not_names) or _title_at(tokens, k) is not None \
        or low in lexicon.load().title_modifiers


NOMINAL_DETERMINERS = {"the", "a", "an", "one", "this", "that", "his", "her", "its", "their", "another"}


def nominal_ending_at(doc: ParsedArticle, last: int, limit: int = 7) -> Mention | None:
    """A noun phrase such as "the New York businessman" or "the letter" ending at token last.

    Read back from its head to a determiner; the head's role ("businessman") is kept
    so it can resolve to a person the article named with that title.
    """
    tokens = doc.tokens
    head = tokens[last]
    if not head.text.isalpha() or head.text.lower() in lexicon.load().not_names | lexicon.load().cue_fillers:
        return None
    role = next((t.role for words, t in lexicon.load().titles.items() if words[-1] == head.text.lower() and t.role),
                None)
    roles = (role,) if role else ()
    first = last
    for k in range(last - 1, max(-1, last - limit), -1):
        word = tokens[k].text
        if tokens[k].sentence != head.sentence:
            break
        if word.lower() in NOMINAL_DETERMINERS:
            return _mention(doc, k, last + 1, "nominal", roles=roles)
        if not (word.replace("-", "").isalnum() or word in POSSESSIVE) or word.lower() in lexicon.load().not_names:
            break
        first = k
    # No determiner: a bare noun phrase ("Oversight Committee Republicans", "73 percent"),
    # taken from the last boundary. Its head is what matters for the citation.
    return _mention(doc, first, last + 1, "nominal", roles=roles)


def nominal_starting_at(doc: ParsedArticle, first: int, stop: int, limit: int = 7) -> Mention | None:
    """A noun phrase opening with a determiner at token first: "said the New York businessman"."""
    tokens = doc.tokens
    if first >= len(tokens) or tokens[first].text.lower() not in NOMINAL_DETERMINERS:
        return None
    last = first
    for k in range(first + 1, min(stop, first + limit)):
        word = tokens[k].text
        if not (word.replace("-", "").isalnum() or word in POSSESSIVE) or word.lower() in ("who", "that", "and"):
            break
        last = k
    return nominal_ending_at(doc, last, limit) if last > first else None


def _is_possessive(token: Token) -> bool:
    """"’s" split off by the tokenizer, or a word that kept it ("Chicago‘s")."""
    return token.text in POSSESSIVE or (len(token.text) > 2 and token.text[-2:] in POSSESSIVE)


def _after_possessor(tokens: tuple[Token, ...], i: int) -> bool:
    """True for the role in "Chicago's mayor" / "the city's mayor"."""
    return i >= 1 and _is_possessive(tokens[i - 1]) and (tokens[i - 1].text not in POSSESSIVE or i >= 2)


def _name_kind(name_tokens: list[Token], prev: str, titled: bool) -> str | None:
    """'name' (a person), 'organisation', or None for words that are not a speaker's name."""
    lex = lexicon.load()
    tags = {(t.ner or "O").split("-")[-1] for t in name_tokens}
    words = [t.text for t in name_tokens]
    if any(w in lex.organisation_words for w in words) or " ".join(words) in lex.organisation_acronyms:
        return "organisation"
    if tags & NER_ORG:
        return "organisation"
    if tags & NER_PERSON or titled:
        return "name"
    if tags <= NER_PLACE:
        # A place speaks as an institution in news ("China said it was opposed").
        return "organisation"
    if prev in DETERMINERS:
        return None         # "the Trump administration", "the Chicago Police": a modifier, not a person
    return "name"


# --- resolving mentions to entities ---------------------------------------------------

def resolve(doc: ParsedArticle, skip: set[int], paragraphs: list[tuple[int, int]]) -> Entities:
    """Find mentions and merge them into entities within one article (paragraphs: marks.paragraphs)."""
    mentions = find_mentions(doc, skip, paragraphs)
    entities: list[Entity] = []
    by_key: dict[str, int] = {}
    # Full names and organisations first, so a later (or earlier) "Johnson" finds "Brandon Johnson".
    for m in mentions:
        if m.kind == "organisation":
            short = _strip_article(m.name)
            key = "org:" + name_key(short)
            if key not in by_key:
                known = _match_organisation(entities, short)
                by_key[key] = len(entities) if known is None else known
                if known is None:
                    entities.append(Entity("organisation", first_seen=m.start))
            index = by_key[key]
            _attach(entities, m, index, f"organisation '{short}'" if not entities[index].forms
                    or name_key(short) == name_key(entities[index].name)
                    else f"'{short}' → {entities[index].name} (short for the name given earlier)")
        elif m.kind == "name" and len(m.name.split()) > 1:
            index = _match_full_name(entities, m.name)
            if index is None:
                index = len(entities)
                entities.append(Entity("person", first_seen=m.start))
            _attach(entities, m, index, f"name '{m.name}'")
    for m in mentions:
        if m.kind == "name" and m.entity is None:
            index = _match_partial_name(entities, m, mentions)
            if index is None:
                index = len(entities)
                entities.append(Entity("person", first_seen=m.start))
                _attach(entities, m, index, f"name '{m.name}'")
            elif name_key(entities[index].name) == name_key(m.name):
                _attach(entities, m, index, f"name '{m.name}' (as earlier in the article)")
            else:
                _attach(entities, m, index, f"'{m.name}' → {entities[index].name} (same surname)")
    _add_appositive_roles(doc, mentions, entities)
    for m in mentions:
        if m.kind == "nominal":
            resolve_nominal(m, mentions, entities)
    # Pronouns are resolved by attribution, which knows the speakers of the quotes before them.
    return Entities(mentions, entities, {m.end_token - 1: m for m in mentions},
                    {m.start_token: m for m in mentions})


def _strip_article(name: str) -> str:
    return re.sub(r"^(?i:the)\s+", "", name)


def _attach(entities: list[Entity], m: Mention, index: int, step: str) -> None:
    entity = entities[index]
    m.entity = index
    m.chain = m.chain + (step,)
    if m.name:
        entity.forms[_strip_article(m.name)] += 1
    entity.aliases.add(_strip_article(m.text) if m.kind == "organisation" else m.text)
    entity.roles.update(m.roles)
    entity.gender = entity.gender or m.gender or _first_name_gender(m)
    entity.tagged_person = entity.tagged_person or m.tagged_person
    entity.place = entity.place and m.place


def _first_name_gender(m: Mention) -> str | None:
    """'m' for "Barack Obama", 'f' for "Hillary Clinton" or "Melanie"; None for unknown first names."""
    words = (m.name or "").split()
    if m.kind != "name" or not words:
        return None
    return lexicon.load().first_name_gender.get(words[0].lower().strip("."))


def _match_full_name(entities: list[Entity], name: str) -> int | None:
    """An entity with the same full name, the same surname and a compatible first name, or a
    name of two or more words that is the end of the other ("Wasserman Schultz" and "Debbie
    Wasserman Schultz")."""
    parts = name_key(name).split()
    for index, entity in enumerate(entities):
        if entity.kind != "person":
            continue
        for form in entity.forms:
            other = name_key(form).split()
            if other == parts:
                return index
            if len(other) > 1 and other[-1] == parts[-1] and (other[0] == parts[0] or other[0][0] == parts[0][0]
                                                              and min(len(other[0]), len(parts[0])) <= 2):
                return index
            shorter, longer = sorted((parts, other), key=len)
            if len(shorter) > 1 and len(longer) > len(shorter) and longer[-len(shorter):] == shorter:
                return index
    return None


def _match_organisation(entities: list[Entity], name: str) -> int | None:
    """The one organisation named earlier in full that this short name stands for: "the Times"
    after "The New York Times", "DNC" after "the Democratic National Committee"."""
    found = {index for index, entity in enumerate(entities) if entity.kind == "organisation"
             and any(_shortens(name, form) for form in entity.forms)}
    return found.pop() if len(found) == 1 else None


def _shortens(short: str, full: str) -> bool:
    """"Times" of "New York Times" (its last word), "DNC" of "Democratic National Committee"
    (its initials, small words left out)."""
    short_words, full_words = name_key(short).split(), name_key(full).split()
    if len(short_words) != 1 or len(full_words) < 2:
        return False
    if short_words[0] == full_words[-1]:
        return True
    initials = "".join(w[0] for w in full_words if w not in SMALL_WORDS)
    return short.isupper() and len(short) >= 2 and short_words[0] == initials


def _match_partial_name(entities: list[Entity], m: Mention, mentions: list[Mention]) -> int | None:
    """The person this one-word mention names: by surname, then a middle surname ("Acosta" in
    "Melba Acosta Febo"), then first name. Where several people fit, the one named in this
    sentence or the one before, else one the article names at least twice as often as any
    other; failing that, nobody (a "Cruz" in an article naming Heidi and Rafael Cruz once
    each is neither), or the name as earlier used alone.

    A gender the mention gives ("Mr. Obama") rules out a person of the other gender (Michelle
    Obama); a lone surname already given to someone else in the article ("Mr. Obama") is a candidate too.
    """
    word = name_key(m.name)
    candidates = []
    for index, entity in enumerate(entities):
        if entity.kind != "person" or (m.gender and entity.gender and m.gender != entity.gender):
            continue
        keys = [name_key(f).split() for f in entity.forms]
        if any(k[-1] == word for k in keys):
            candidates.append((0, index))
        elif any(len(k) == 3 and k[1] == word for k in keys):
            candidates.append((1, index))
        elif any(len(k) > 1 and k[0] == word for k in keys):
            candidates.append((2, index))
    if not candidates:
        return None
    best = min(c[0] for c in candidates)
    matches = [index for rank, index in candidates if rank == best]
    if len(matches) == 1:
        return matches[0]
    # Of several people with the name, only one just named (this sentence or the one before)
    # is meant; otherwise the surname stays apart rather than go to the wrong relative.
    recent = [index for index in matches
              if any(x.entity == index and m.sentence - 1 <= x.sentence and x.start < m.start for x in mentions)]
    if len(recent) == 1:
        return recent[0]
    named = Counter(x.entity for x in mentions if x.entity in matches)
    ranked = sorted(matches, key=lambda index: -named[index])
    if named[ranked[0]] >= 2 * max(1, named[ranked[1]]):
        return ranked[0]        # the article's main one: "Clinton" where Hillary Clinton is named far more than Bill
    alone = [index for index in matches if all(len(name_key(f).split()) == 1 for f in entities[index].forms)]
    return alone[0] if alone else None


def _add_appositive_roles(doc: ParsedArticle, mentions: list[Mention], entities: list[Entity]) -> None:
    """"Johnson, the city's mayor," and "Hugh Hill, a doctor," give the person a role."""
    tokens = doc.tokens
    by_start = {m.start_token: m for m in mentions}
    for m in mentions:
        # "Chicago's mayor, Brandon Johnson, said": the nominal names the role of the name after it.
        named = by_start.get(m.end_token + 1) if m.kind == "nominal" and m.end_token + 1 < len(tokens) \
            and tokens[m.end_token].text == "," else None
        if named is not None and named.kind == "name" and named.entity is not None:
            entities[named.entity].roles.update(m.roles)
            continue
        if m.kind != "name" or m.entity is None or m.end_token + 2 >= len(tokens):
            continue
        if tokens[m.end_token].text != "," or tokens[m.end_token + 1].text.lower() not in ("the", "a", "an"):
            continue
        k = m.end_token + 2
        while k < len(tokens) and k < m.end_token + 8 and tokens[k].text not in (",", ".", ";"):
            title = _title_at(tokens, k)
            if title and title[1].role:
                entities[m.entity].roles.add(title[1].role)
                entities[m.entity].gender = entities[m.entity].gender or title[1].gender
                break
            k += 1


def resolve_nominal(m: Mention, mentions: list[Mention], entities: list[Entity]) -> None:
    """"the mayor" → the most recent person holding that role, else the one in the article."""
    role_holders = [e for e in range(len(entities)) if entities[e].kind == "person" and set(m.roles) & entities[e].roles]
    if not role_holders:
        return
    before = [x.entity for x in mentions if x.entity in role_holders and x.start < m.start]
    index = before[-1] if before else (role_holders[0] if len(role_holders) == 1 else None)
    if index is not None:
        _attach(entities, m, index, f"'{m.text}' → {entities[index].name} (role {'/'.join(m.roles)})")


PREPOSITIONS = {"with", "of", "to", "by", "for", "from", "at", "in", "on", "about", "against", "than",
                "visiting", "like", "between", "among", "toward", "towards", "into", "under", "over"}


def resolve_document(m: Mention, entities: Entities, doc: ParsedArticle) -> None:
    """A document speaks for its author: "the mayor's order urges …", then "the order affirms …".

    The author is the person or organisation named as its possessor; a later mention
    of the same kind of document, with no possessor, goes to the same author.
    """
    head = doc.tokens[m.end_token - 1].text.lower()
    if head not in lexicon.load().cue_nouns:
        return
    for x in entities.mentions:
        inside = m.start_token <= x.start_token and x.end_token < m.end_token
        if inside and x.entity is not None and (x.possessive or _is_possessive(doc.tokens[x.end_token])):
            entities.authors[head] = x.entity
            m.entity = x.entity
            m.chain = (f"'{m.text}' → {entities.entities[x.entity].name} (author of the {head})",)
            return
    if head in entities.authors:
        m.entity = entities.authors[head]
        m.chain = (f"'{m.text}' → {entities.entities[m.entity].name} (author of the {head} named earlier)",)


def campaign_owner(m: Mention, entities: Entities, doc: ParsedArticle, recent: list[int] = ()) -> int | None:
    """The person whose campaign a nominal is: "the Trump campaign", "Mrs. Clinton's campaign",
    "her campaign" (the pronoun resolved as any other). None for "the campaign", whose owner
    the words do not say, and for anything else."""
    head = m.end_token - 1
    if doc.tokens[head].text.lower() not in lexicon.load().campaign_nouns:
        return None
    for x in entities.mentions:
        if x.kind == "name" and x.start_token < head and x.end_token > m.start_token and x.entity is not None:
            return x.entity
    for k in range(m.start_token, head):
        word = doc.tokens[k].text.lower()
        subject = lexicon.load().possessive_subject.get(word)
        if subject is not None:
            pronoun = _mention(doc, k, k + 1, "pronoun", gender=lexicon.load().pronoun_gender.get(subject))
            pronoun.text = subject      # resolve_pronoun reads from the text what the pronoun may stand for
            resolve_pronoun(pronoun, entities, doc, recent, learn_gender=False)
            return pronoun.entity if pronoun.entity is not None \
                and entities.entities[pronoun.entity].kind == "person" else None
        people = [e for e, entity in enumerate(entities.entities) if entity.kind == "person"
                  and any(name_key(f).split()[-1] == name_key(doc.tokens[k].text) for f in entity.forms)]
        if len(people) == 1:
            return people[0]
    return None


def document_author(m: Mention, entities: Entities, doc: ParsedArticle) -> bool:
    """"Johnson signed an executive order on Saturday. It says …": 'it' is the document, which
    speaks for the person or organisation whose sentence introduced it. Resolves m in place."""
    nouns = lexicon.load().cue_nouns
    for k in range(m.start_token - 1, -1, -1):
        token = doc.tokens[k]
        if token.sentence < m.sentence - 1:
            return False
        # "an order", "an executive order", "a new written statement"
        determined = any(doc.tokens[j].text.lower() in NOMINAL_DETERMINERS for j in range(max(0, k - 3), k))
        if token.text.lower() in nouns and determined:
            subject = next((x for x in entities.mentions if x.sentence == token.sentence and x.end_token <= k
                            and x.kind in ("name", "organisation") and x.entity is not None), None)
            if subject is None:
                return False
            m.entity = subject.entity
            m.chain = (f"'{m.text}' → the {token.text.lower()} → {entities.entities[subject.entity].name} "
                       f"('{subject.text}' introduced it)",)
            return True
    return False


def after_preposition(doc: ParsedArticle, first: int) -> bool:
    """True for a mention inside a prepositional phrase: "with CNN's Anderson Cooper", "of the mayor"."""
    k = first - 1
    # Step back over a possessor ("CNN ’s") or a determiner to the word that governs the phrase.
    for _ in range(4):
        if k < 0:
            return False
        word = doc.tokens[k].text
        if word in POSSESSIVE or word.lower() in DETERMINERS or (_is_capitalised(doc.tokens[k]) and k < first - 1):
            k -= 1
            continue
        break
    return k >= 0 and doc.tokens[k].text.lower() in PREPOSITIONS


def resolve_pronoun(m: Mention, entities: Entities, doc: ParsedArticle, recent: list[int] = (),
                    learn_gender: bool = True) -> None:
    """Resolve he/she/they in place: the sentence's own subject, else the latest speaker, else walk back.

    recent: entity indexes of the latest attributed quotes' speakers, newest last.
    learn_gender: let the pronoun give its gender to an entity that has none.
    The latest speaker wins over older sentences, not over a person named in the
    sentence just before. Candidates in each sentence are taken in order, mentions after a preposition
    ("an interview with CNN's Anderson Cooper") last.
    """
    refers_to = lexicon.load().pronoun_refers_to.get(m.text.lower(), "person")

    def compatible(index: int) -> bool:
        entity = entities.entities[index]
        if refers_to in ("organisation", "any"):
            # Not a place: "It says …" after "Chicago" is the order speaking, not the city.
            return entity.kind == "organisation" and not entity.place
        return entity.is_full_person and entity.gender in (None, m.gender)

    if refers_to == "organisation" and document_author(m, entities, doc):
        return
    by_sentence: dict[int, list[Mention]] = {}
    for x in entities.mentions:
        if x.start < m.start and x.entity is not None and x.kind != "pronoun":
            by_sentence.setdefault(x.sentence, []).append(x)

    def ranked(sentence: int) -> list[Mention]:
        found = by_sentence.get(sentence, [])
        return sorted(found, key=lambda x: (after_preposition(doc, x.start_token), x.start))

    def choose(index: int, why: str) -> None:
        entity = entities.entities[index]
        m.entity = index
        m.chain = (f"'{m.text}' → {entity.name} ({why})",)
        if learn_gender and m.gender and not entity.gender and entity.kind == "person":
            entity.gender = m.gender

    for x in ranked(m.sentence):
        if compatible(x.entity):
            return choose(x.entity, f"subject earlier in the same sentence: '{x.text}'")
    previous = max((s for s in by_sentence if s < m.sentence), default=None)
    if recent and compatible(recent[-1]) and (previous is None or previous < m.sentence - 1
                                              or not any(compatible(x.entity) for x in by_sentence[previous])):
        return choose(recent[-1], "the speaker of the previous quote")
    for sentence in range(m.sentence - 1, max(-1, m.sentence - 8), -1):
        for x in ranked(sentence):
            if compatible(x.entity):
                distance = m.sentence - sentence
                return choose(x.entity, f"nearest compatible mention, {distance} sentence{'s' * (distance > 1)} back: "
                                        f"'{x.text}'")
