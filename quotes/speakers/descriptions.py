"""Descriptions: "the New York businessman", "the Vermont senator", the way news names again a
person it has introduced. resolution.resolve_nominal answers "the mayor" with the article's
mayor; a description that no role holder answers is resolved here, from the sentences just
before it, or left alone."""
from __future__ import annotations

import bisect

from .. import lexicon
from ..document import ParsedArticle, phrase_head
from .mentions import Mention, nominal_ending_at
from .names import key_words
from .resolution import Entities


def is_description(m: Mention, doc: ParsedArticle) -> bool:
    """"the New York businessman", "The Republican presidential nominee", "the Vermont senator":
    "the", a capitalised word (a place, party or institution) and a role noun of titles.txt, the
    way news names again someone it has introduced. A bare "the doctor" or "the judge" is as often
    someone the article never names (measured on GUM: scripts/eval_gum_nominals.py --descriptions)."""
    tokens = doc.tokens
    return m.kind == "nominal" and bool(m.roles) and m.entity is None and m.end_token - m.start_token > 2 \
        and tokens[m.start_token].text.lower() == "the" \
        and any(t.text[:1].isupper() for t in tokens[m.start_token + 1:m.end_token - 1])


def resolve_description(m: Mention, entities: Entities, doc: ParsedArticle, recent: list[int] = (),
                        depth: int = 0) -> bool:
    """"“We need change,” the New York businessman said": a description (is_description) that no
    role holder of the article answers names again the person the text is about: the subject
    earlier in its sentence, else the subject of the sentence before, else the previous quote's
    speaker, else the subject of the sentence before that (a person named as a subject, not as a
    possessor or the object of a preposition: "an interview with Mika Brzezinski, the Democratic
    presidential candidate said" is not Brzezinski), of the gender its noun gives ("the former
    first lady"). Where that subject is a he or she, nobody: who it is was not this stage's to say.
    "A doctor", "Obama's strategist" and "the report" describe someone else or something else.
    Resolves m in place."""
    if not is_description(m, doc):
        return False
    head = doc.tokens[m.end_token - 1].text.lower()
    gender = next((t.gender for words, t in lexicon.load().titles.items() if words[-1] == head and t.gender), None) \
        or m.gender
    # Words of the description that are a name: "the Lincoln actor", "the Clinton aide" are someone else.
    modifiers = {key_words(t.text)[0] for t in doc.tokens[m.start_token + 1:m.end_token - 1]
                 if t.text[:1].isupper() and key_words(t.text)}

    def fits(index: int | None) -> bool:
        entity = entities.entities[index] if index is not None else None
        return entity is not None and entity.kind == "person" and entity.is_full_person and not entity.roles \
            and (entity.tagged_person or entity.gender is not None) \
            and (gender is None or entity.gender in (None, gender)) \
            and not any(set(key_words(f)) & modifiers for f in entity.forms)

    found, why = None, ""
    declined = "no person is named as a subject in the sentences just before it"
    for sentence in (m.sentence, m.sentence - 1, None, m.sentence - 2):
        if sentence is None:
            if recent and fits(recent[-1]):
                found, why = recent[-1], "the speaker of the previous quote"
                break
            continue
        if depth < DESCRIPTION_CHAIN and sentence == m.sentence - 1:
            # "Mike Pence says …  The Republican vice presidential nominee was speaking … after Trump
            # … The Indiana governor said": a description after one that is its sentence's
            # subject names the same person again.
            before = _subject_description(doc, sentence)
            if before is not None and resolve_description(before, entities, doc, recent, depth + 1):
                found, why = before.entity, f"as '{before.text}', the subject of the sentence before"
                break
        subject = _sentence_subject(m, sentence, entities, doc)
        if subject is not None:
            if fits(subject.entity):
                found, why = subject.entity, f"the subject '{subject.text}', {_sentences_back(m.sentence - sentence)}"
            else:
                declined = (f"the subject before it, '{subject.text}', is not who it describes (a pronoun, "
                            "a name it uses, another role or gender, or no person)")
            break
    if found is None:
        m.chain = m.chain + (f"'{m.text}' is a description, and {declined}",)
        return False
    m.entity = found
    m.chain = m.chain + (f"'{m.text}' → {entities.entities[found].name} (a description: {why})",)
    return True


def _sentences_back(n: int) -> str:
    return "in the same sentence" if n == 0 else f"{n} sentence{'s' * (n > 1)} back"


def _sentence_subject(m: Mention, sentence: int, entities: Entities, doc: ParsedArticle) -> Mention | None:
    """The first mention of the sentence (before m, in m's own) that is a subject where the parse
    says so (without a parse, the one that opens the sentence), not a possessor; None where
    there is none."""
    k = entities.count_before(m.start)
    while k > 0 and entities.mentions[k - 1].sentence > sentence:
        k -= 1
    first = None
    while k > 0 and entities.mentions[k - 1].sentence == sentence:
        k -= 1
        x = entities.mentions[k]
        if x.possessive:
            continue        # "Trump's money makes up …": the sentence is about the money
        head = phrase_head(doc.tokens, x.start_token, x.end_token)
        if head is not None and head.deprel in ("nsubj", "nsubj:pass"):
            first = x
        elif (head is None or head.deprel is None) \
                and (x.start_token == 0 or doc.tokens[x.start_token - 1].sentence != sentence):
            first = x       # no parse here: the name that opens the sentence ("Mike Pence says …")
    return first


DESCRIPTION_CHAIN = 3       # descriptions followed back, sentence by sentence


def _subject_description(doc: ParsedArticle, sentence: int) -> Mention | None:
    """The description that is the subject of the sentence's main verb, where the parse says so."""
    if sentence < 0:
        return None
    tokens = doc.tokens[bisect.bisect_left(doc.tokens, sentence, key=_sentence_of):
                        bisect.bisect_right(doc.tokens, sentence, key=_sentence_of)]
    root = next((t for t in tokens if t.deprel == "root"), None)
    subject = next((t for t in tokens if root is not None and t.head == root.index and t.deprel == "nsubj"), None)
    if subject is None or subject.upos != "NOUN":
        return None
    found = nominal_ending_at(doc, subject.index)
    return found if found is not None and is_description(found, doc) else None


def _sentence_of(token) -> int:
    return token.sentence
