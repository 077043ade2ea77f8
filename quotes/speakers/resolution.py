"""Resolving mentions to entities within one article: the mentions of one person merged into
an Entity with a canonical full name; nominals, documents and pronouns resolved to the
person or organisation they stand for. linking.py then merges the names that different
articles gave one speaker."""
from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field

from .. import lexicon
from ..document import ParsedArticle
from .mentions import (NOMINAL_DETERMINERS, REGNAL_TITLES, Mention, after_preposition, find_mentions, is_possessive,
                       make_mention)
from .names import key_words, name_key, shortens, shouted, strip_article, title_at_token

_WORDS = lexicon.load().word_classes
APPOSITIVE_ENDS = (",", ".", ";")


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
        keys = {f: tuple(name_key(f).split()) for f in self.forms}
        # Every form's ending words (a set, not a scan of every other form for each form).
        endings = {k[i:] for k in keys.values() for i in range(1, len(k))}
        full = [f for f in self.forms if len(keys[f]) > 1 and keys[f] not in endings] \
            or [f for f in self.forms if not any(shortens(f, other) for other in self.forms)] or list(self.forms)
        # "Prince Alwaleed" is one name with its title: "Alwaleed bin Talal", where given, is fuller.
        full = [f for f in full if keys[f][0] not in REGNAL_TITLES] or full
        best = max(full, key=lambda f: (not shouted(f), self.forms[f], len(f)))
        # A transcript's "WALLACE:" is a convention of the page; the person is Wallace.
        return best.title() if self.kind == "person" and shouted(best) else best

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

    # Mentions are in text order and never overlap (find_mentions), so their starts and ends are
    # sorted: the mentions near a quote are found by bisection, not by a scan of every mention,
    # which for each of thousands of quotes made a long article quadratic.
    def near(self, first_token: int, end_token: int) -> list[Mention]:
        """The mentions that end after token first_token and start before token end_token, in order."""
        return self.mentions[bisect.bisect_right(self.mentions, first_token, key=_end_token):
                             bisect.bisect_left(self.mentions, end_token, key=_start_token)]

    def count_before(self, start: int) -> int:
        """How many mentions start before character offset start (they are mentions[:count])."""
        return mentions_before(self.mentions, start)


def mentions_before(mentions: list[Mention], start: int) -> int:
    """How many of these mentions (in text order) start before character offset start."""
    return bisect.bisect_left(mentions, start, key=_start)


def _start(m: Mention) -> int:
    return m.start


def _start_token(m: Mention) -> int:
    return m.start_token


def _end_token(m: Mention) -> int:
    return m.end_token


def resolve(doc: ParsedArticle, skip: set[int], paragraphs: list[tuple[int, int]]) -> Entities:
    """Find mentions and merge them into entities within one article (paragraphs: marks.paragraphs)."""
    mentions = find_mentions(doc, skip, paragraphs)
    entities: list[Entity] = []
    by_key: dict[str, int] = {}
    # Full names and organisations first, so a later (or earlier) "Johnson" finds "Brandon Johnson".
    for m in mentions:
        if m.kind == "organisation":
            short = strip_article(m.name)
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
    named = Counter(m.entity for m in mentions if m.entity is not None)    # mentions per entity so far
    words = _NameWords()
    for index, entity in enumerate(entities):
        for form in entity.forms:
            words.add(index, form)
    said_gender = _lone_name_genders(mentions)
    for m in mentions:
        if m.kind == "name" and m.entity is None:
            index = _match_partial_name(entities, m, mentions, named, words, said_gender)
            if index is None:
                index = len(entities)
                entities.append(Entity("person", first_seen=m.start))
                _attach(entities, m, index, f"name '{m.name}'")
            elif name_key(entities[index].name) == name_key(m.name):
                _attach(entities, m, index, f"name '{m.name}' (as earlier in the article)")
            else:
                _attach(entities, m, index, f"'{m.name}' → {entities[index].name} (same surname)")
            named[index] += 1
            words.add(index, strip_article(m.name))      # the form _attach gave the entity
    _add_appositive_roles(doc, mentions, entities)
    for m in mentions:
        if m.kind == "nominal":
            resolve_nominal(m, mentions, entities)
    # Pronouns are resolved by attribution, which knows the speakers of the quotes before them.
    return Entities(mentions, entities, {m.end_token - 1: m for m in mentions},
                    {m.start_token: m for m in mentions})


def _attach(entities: list[Entity], m: Mention, index: int, step: str) -> None:
    entity = entities[index]
    m.entity = index
    m.chain = m.chain + (step,)
    if m.name:
        entity.forms[strip_article(m.name)] += 1
    entity.aliases.add(strip_article(m.text) if m.kind == "organisation" else m.text)
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
    """An entity with the same full name, the same surname and a compatible first name (the
    same, an initial of it, or another form of it: "Ken Starr" and "Kenneth Starr",
    lexicon/nicknames.tsv), or a name of two or more words that is the end of the other
    ("Wasserman Schultz" and "Debbie Wasserman Schultz")."""
    parts = key_words(name)
    forms = lexicon.load().first_name_forms
    for index, entity in enumerate(entities):
        if entity.kind != "person":
            continue
        for form in entity.forms:
            other = key_words(form)
            if other == parts:
                return index
            if len(parts) == 2 and parts[0] in REGNAL_TITLES and parts[1] in (other[0], other[-1]):
                return index        # "Prince Alwaleed" after "Alwaleed bin Talal"
            if len(other) > 1 and other[-1] == parts[-1] and (other[0] == parts[0] or other[0][0] == parts[0][0]
                                                              and min(len(other[0]), len(parts[0])) <= 2
                                                              or parts[0] in forms.get(other[0], ())):
                return index
            shorter, longer = sorted((parts, other), key=len)
            if len(shorter) > 1 and len(longer) > len(shorter) and longer[-len(shorter):] == shorter:
                return index
    return None


def _match_organisation(entities: list[Entity], name: str) -> int | None:
    """The one organisation named earlier in full that this short name stands for: "the Times"
    after "The New York Times", "DNC" after "the Democratic National Committee"."""
    found = {index for index, entity in enumerate(entities) if entity.kind == "organisation"
             and any(shortens(name, form) for form in entity.forms)}
    return found.pop() if len(found) == 1 else None


class _NameWords:
    """For each word, the entities with a form that ends in it (rank 0), has it in the middle of
    three words (1) or starts with it (2): a one-word name's candidates, found without reading
    every entity's forms for each one (entities grow with the article)."""

    def __init__(self) -> None:
        self.ranks: dict[str, dict[int, int]] = {}

    def add(self, entity: int, form: str) -> None:
        key = key_words(form)
        if not key:
            return
        places = [(key[-1], 0)]
        if len(key) == 3:
            places.append((key[1], 1))
        if len(key) > 1:
            places.append((key[0], 2))
        for word, rank in places:
            known = self.ranks.setdefault(word, {})
            known[entity] = min(rank, known.get(entity, rank))

    def candidates(self, word: str) -> list[tuple[int, int]]:
        """(entity, best rank) of the entities with a form holding word, in entity order."""
        return sorted(self.ranks.get(word, {}).items())


def _lone_name_genders(mentions: list[Mention]) -> dict[str, str]:
    """The gender the article's titles give a one-word name, where they all agree: "Mr. Obama"
    throughout makes a bare "President Obama" a man too (and so not Michelle Obama)."""
    seen: dict[str, set[str]] = {}
    for m in mentions:
        if m.kind == "name" and m.gender and len(m.name.split()) == 1:
            seen.setdefault(name_key(m.name), set()).add(m.gender)
    return {key: genders.pop() for key, genders in seen.items() if len(genders) == 1}


def _match_partial_name(entities: list[Entity], m: Mention, mentions: list[Mention], named: Counter,
                        words: _NameWords, said_gender: dict[str, str]) -> int | None:
    """The person this one-word mention names: by surname, then a middle surname ("Acosta" in
    "Melba Acosta Febo"), then first name. Where several people fit, the one named in this
    sentence or the one before, else one the article names at least twice as often as any
    other; failing that, nobody (a "Cruz" in an article naming Heidi and Rafael Cruz once
    each is neither), or the name as earlier used alone.

    A gender the mention gives ("Mr. Obama"), or the article's titles give every use of the name,
    rules out a person of the other gender (Michelle Obama); a lone surname already given to someone else in the article ("Mr. Obama") is a candidate too.
    mentions: the article's, in text order; named: how many mentions each entity has so far;
    words: the words of every entity's forms so far.
    """
    candidates = []
    gender = m.gender or said_gender.get(name_key(m.name))
    for index, rank in words.candidates(name_key(m.name)):
        entity = entities[index]
        if entity.kind == "person" and not (gender and entity.gender and gender != entity.gender):
            candidates.append((rank, index))
    if not candidates:
        return None
    best = min(c[0] for c in candidates)
    matches = [index for rank, index in candidates if rank == best]
    if len(matches) == 1:
        return matches[0]
    # Of several people with the name, only one just named (this sentence or the one before)
    # is meant; otherwise the surname stays apart rather than go to the wrong relative.
    just_named = set()      # walked back from m: a scan of every mention made this quadratic
    k = mentions_before(mentions, m.start)
    while k > 0 and mentions[k - 1].sentence >= m.sentence - 1:
        k -= 1
        just_named.add(mentions[k].entity)
    recent = [index for index in matches if index in just_named]
    if len(recent) == 1:
        return recent[0]
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
        end = m.end_token + 2
        while end < len(tokens) and end < m.end_token + 8 and tokens[end].text not in APPOSITIVE_ENDS:
            end += 1
        if end >= len(tokens) or tokens[end].text not in APPOSITIVE_ENDS \
                or any(t.upos in ("VERB", "AUX") for t in tokens[m.end_token + 2:end]):
            continue    # "At a press conference in Chelsea, the mayor also said": a subject, not an appositive
        for k in range(m.end_token + 2, end):
            title = title_at_token(tokens, k)
            if title and title[1].role:
                entities[m.entity].roles.add(title[1].role)
                entities[m.entity].gender = entities[m.entity].gender or title[1].gender
                break


def resolve_nominal(m: Mention, mentions: list[Mention], entities: list[Entity]) -> None:
    """"the mayor" → the most recent person holding that role, else the one in the article."""
    role_holders = [e for e in range(len(entities)) if entities[e].kind == "person" and set(m.roles) & entities[e].roles]
    if not role_holders:
        return
    # The latest holder named before m, walked back from m (mentions are in text order).
    k = mentions_before(mentions, m.start)
    while k > 0 and mentions[k - 1].entity not in role_holders:
        k -= 1
    index = mentions[k - 1].entity if k > 0 else (role_holders[0] if len(role_holders) == 1 else None)
    if index is not None:
        _attach(entities, m, index, f"'{m.text}' → {entities[index].name} (role {'/'.join(m.roles)})")


def resolve_document(m: Mention, entities: Entities, doc: ParsedArticle) -> None:
    """A document speaks for its author: "the mayor's order urges …", then "the order affirms …".

    The author is the person or organisation named as its possessor, or the organisation named
    in it ("a Times article"); a later mention
    of the same kind of document, with no possessor, goes to the same author.
    """
    head = doc.tokens[m.end_token - 1].text.lower()
    if head not in lexicon.load().cue_nouns:
        return
    # "the school's Facebook post": a possessor, named or not, is the author, not the platform.
    possessed = any(is_possessive(t) for t in doc.tokens[m.start_token:m.end_token - 1])
    for x in entities.mentions:
        inside = m.start_token <= x.start_token and x.end_token < m.end_token
        if inside and x.entity is not None and (x.possessive or is_possessive(doc.tokens[x.end_token])
                                                or (not possessed and _publisher(x, entities))):
            entities.authors[head] = x.entity
            m.entity = x.entity
            m.chain = (f"'{m.text}' → {entities.entities[x.entity].name} (author of the {head})",)
            return
    if head not in entities.authors:
        released_by = _releaser(head, m, entities, doc)
        if released_by is not None:
            entities.authors[head] = released_by
            m.entity = released_by
            m.chain = (f"'{m.text}' → {entities.entities[released_by].name} (who released the {head} "
                       "before it)",)
            return
    if head in entities.authors:
        m.entity = entities.authors[head]
        m.chain = (f"'{m.text}' → {entities.entities[m.entity].name} (author of the {head} named earlier)",)


def _publisher(x: Mention, entities: Entities) -> bool:
    """An organisation, not a place, named inside a document's noun phrase: "a Times article",
    "a CNN poll" (a person so named is what the document is about: "the Clinton emails")."""
    entity = entities.entities[x.entity] if x.entity is not None else None
    return x.kind == "organisation" and entity is not None and entity.kind == "organisation" and not entity.place


def _releaser(head: str, m: Mention, entities: Entities, doc: ParsedArticle) -> int | None:
    """The entity that is the subject of the verb whose object the document noun is, here or in an
    earlier mention in the sentences just before: "the Council issued a statement calling …", "The
    Congressional Budget Office released a report on Monday. The report said …". Only where the
    parse says so; a person or organisation, not a place."""
    tokens = doc.tokens
    first_sentence = tokens[m.start_token].sentence - DOCUMENT_SENTENCES_BACK
    for k in range(m.end_token - 1, -1, -1):      # its own head first: "the Council issued a statement calling …"
        t = tokens[k]
        if t.sentence < first_sentence:
            return None
        if t.text.lower() != head or t.deprel != "obj" or t.head is None:
            continue
        subjects = [x for x in tokens[max(0, t.head - 12):t.head] if x.head == t.head and x.deprel == "nsubj"]
        for subject in subjects:
            found = next(iter(entities.near(subject.index, subject.index + 1)), None)     # the mention holding it
            if found is not None and found.entity is not None and found.kind in ("name", "organisation") \
                    and not entities.entities[found.entity].place:
                return found.entity
        return None
    return None


DOCUMENT_SENTENCES_BACK = 3


def campaign_owner(m: Mention, entities: Entities, doc: ParsedArticle, recent: list[int] = ()) -> int | None:
    """The person whose campaign a nominal is: "the Trump campaign", "Mrs. Clinton's campaign",
    "her campaign" (the pronoun resolved as any other). None for "the campaign", whose owner
    the words do not say, and for anything else."""
    return _owner(m, entities, doc, recent, lexicon.load().campaign_nouns)


def office_holder(m: Mention, entities: Entities, doc: ParsedArticle, recent: list[int] = ()) -> int | None:
    """The person whose office speaks: "Gowdy's office", "his office" (word class office_nouns).
    None for "the office", whose holder the words do not say."""
    return _owner(m, entities, doc, recent, _WORDS["office_nouns"])


def _owner(m: Mention, entities: Entities, doc: ParsedArticle, recent: list[int], nouns: frozenset[str]) -> int | None:
    """The person a nominal headed by one of nouns belongs to, named or as a possessive pronoun."""
    head = m.end_token - 1
    if doc.tokens[head].text.lower() not in nouns:
        return None
    for x in entities.mentions:
        if x.kind == "name" and x.start_token < head and x.end_token > m.start_token and x.entity is not None:
            return x.entity
    for k in range(m.start_token, head):
        word = doc.tokens[k].text.lower()
        subject = lexicon.load().possessive_subject.get(word)
        if subject is not None:
            pronoun = make_mention(doc, k, k + 1, "pronoun", gender=lexicon.load().pronoun_gender.get(subject))
            pronoun.text = subject      # resolve_pronoun reads from the text what the pronoun may stand for
            resolve_pronoun(pronoun, entities, doc, recent)
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


def resolve_pronoun(m: Mention, entities: Entities, doc: ParsedArticle, recent: list[int] = ()) -> None:
    """Resolve he/she/they in place: the sentence's own subject, else the latest speaker, else walk back.

    recent: entity indexes of the latest attributed quotes' speakers, newest last.
    Only m changes: the gender a he or she teaches its person is attribution's to apply.
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
        # A he or she always has a gender; a description may not ("the governor"): anyone fits.
        return entity.is_full_person and (m.gender is None or entity.gender in (None, m.gender))

    if refers_to == "organisation" and document_author(m, entities, doc):
        return
    # The mentions before m in its sentence and the 8 before it: no older sentence is read below
    # (an older `previous` counts as no sentence just before). Found backwards from m.
    earlier = []
    k = entities.count_before(m.start)
    while k > 0 and entities.mentions[k - 1].sentence >= m.sentence - 8:
        k -= 1
        earlier.append(entities.mentions[k])
    by_sentence: dict[int, list[Mention]] = {}
    for x in reversed(earlier):
        if x.entity is not None and x.kind != "pronoun":
            by_sentence.setdefault(x.sentence, []).append(x)

    def ranked(sentence: int) -> list[Mention]:
        found = by_sentence.get(sentence, [])
        return sorted(found, key=lambda x: (after_preposition(doc, x.start_token), x.start))

    def choose(index: int, why: str) -> None:
        entity = entities.entities[index]
        m.entity = index
        m.chain = (f"'{m.text}' → {entity.name} ({why})",)

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
