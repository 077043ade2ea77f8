"""Who a he, she, they or it stands for: the resolution rules' answer weighed by a learned model.

speakers.resolution.resolve_pronoun walks back from the pronoun by fixed rules (the sentence's
subject, the previous quote's speaker, the nearest compatible mention). Here the article's
entities named in the sentences before the pronoun, and "nobody", are the candidates, each
described by binary features (agreement, distance, the previous quote's speaker, grammatical
role, salience, which one the rules chose); a log-linear model of the same kind and file format
as the attribution scorer (decide.Scorer) gives each a probability. The rules' answer stands
unless another candidate is clearly more probable (the model's margin), so the model corrects
the rules where PolNeAR train showed them wrong, and says nothing where it is unsure.

The weights are data (`models/pronoun_resolver.json`), rebuilt by
`python training/train.py --only resolver` from PolNeAR train's gold sources and speakers.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .. import lexicon
from ..document import ParsedArticle, phrase_head
from ..speakers.mentions import Mention, after_preposition
from ..speakers.resolution import Entities, Entity
from .loglinear import Candidate, Scorer, from_file

MODEL_FILE = Path(__file__).parent.parent / "models" / "pronoun_resolver.json"
SENTENCES_BACK = lexicon.load().settings["sentences_back"]     # as far back as the rules read
SUBJECT_RELATIONS = ("nsubj", "nsubj:pass")
NAMED_LATER = "named-later-in-its-sentence"


@lru_cache(maxsize=1)
def bundled() -> Scorer | None:
    """The resolver model shipped with quotes, or None where its file is absent (the rules decide)."""
    return from_file(MODEL_FILE) if MODEL_FILE.exists() else None


@dataclass(frozen=True)
class Resolver:
    """The model the speaker stage weighs pronouns with, and, for training, where each pronoun's
    candidates are written (the caller's list; None in use)."""
    model: Scorer | None
    seen: list | None = None       # receives (pronoun, candidates, entity of each, the rules' entity)


@dataclass(frozen=True)
class Weighed:
    """The model's verdict on one pronoun."""
    entity: int | None          # the entity chosen (None: nobody)
    replaced: bool              # whether it differs from the rules' answer
    why: str                    # for --explain: the choice, its probability and the runner-up


def options(pronoun: Mention, rules_entity: int | None, entities: Entities, doc: ParsedArticle,
            recent: list[int]) -> tuple[list[Candidate], list[int | None]]:
    """The candidates for a pronoun (the entities named in the sentences before it, the recent
    speakers, nobody), with the entity each stands for (None for nobody)."""
    refers_to = lexicon.load().pronoun_refers_to.get(pronoun.text.lower(), "person")
    nearest: dict[int, Mention] = {}
    counts: dict[int, int] = {}           # mentions in the sentences read: the entity's salience here
    k = entities.count_before(pronoun.start)
    while k > 0 and entities.mentions[k - 1].sentence >= pronoun.sentence - SENTENCES_BACK:
        k -= 1
        x = entities.mentions[k]
        if x.entity is not None and x.kind != "pronoun":
            nearest.setdefault(x.entity, x)
            counts[x.entity] = counts.get(x.entity, 0) + 1
    order = list(nearest)                     # nearest first
    for e in recent:
        if e not in nearest:
            order.append(e)
    # A they or it is no one person, a he or she no organisation: such an entity is no candidate
    # ("They 'participated personally'" after Cheryl Mills is lawyers, not her; a singular they
    # stays unattributed).
    wants = "organisation" if refers_to in ("organisation", "any") else "person"
    order = [e for e in order if entities.entities[e].kind == wants or e == rules_entity]
    sentence_starts = _sentence_openers(entities, {x.sentence for x in nearest.values()})
    # "He criticised Trump": a name later in the pronoun's own sentence is someone else.
    later = set()
    for x in entities.mentions[entities.count_before(pronoun.end):]:
        if x.sentence != pronoun.sentence:
            break           # mentions are in text order: the sentence has ended
        if x.kind != "pronoun":
            later.add(x.entity)
    compatible = [e for e in order if _fits(entities.entities[e], refers_to, pronoun.gender)]
    found: list[Candidate] = []
    for e in order:
        entity, x = entities.entities[e], nearest.get(e)
        features = [*_agreement(entity, refers_to, pronoun.gender), *_where(x, pronoun, doc, sentence_starts),
                    _salience(counts.get(e, 0))]
        if recent and e == recent[-1]:
            features.append("previous-speaker")
        if compatible and e == compatible[0]:
            features.append("nearest-compatible")
        if e == rules_entity:
            features.append("rules-choice")
        if e in later:
            features.append(NAMED_LATER)
        found.append(Candidate(x, features, chosen_by_sieve=e == rules_entity))
    nobody = ["nobody"] + (["nobody:no-compatible"] if not compatible else []) \
        + (["rules-choice"] if rules_entity is None else [])
    found.append(Candidate(None, nobody, chosen_by_sieve=rules_entity is None))
    return found, [*order, None]


def weigh(pronoun: Mention, rules_entity: int | None, entities: Entities, doc: ParsedArticle,
          recent: list[int], resolver: Resolver) -> Weighed | None:
    """The entity the pronoun stands for: the rules' unless the model finds another clearly more
    probable; None without a model."""
    if resolver.model is None and resolver.seen is None:
        return None
    found, stands_for = options(pronoun, rules_entity, entities, doc, recent)
    if resolver.seen is not None:
        resolver.seen.append((pronoun, found, stands_for, rules_entity))
    if resolver.model is None:
        return None
    decision = resolver.model.decide(found, overrule_bar)
    chosen = stands_for[found.index(decision.choice)]
    ranked = [(stands_for[found.index(o)], p) for o, p in decision.ranked]
    name = _name(chosen, entities)
    runner = next(((e, p) for e, p in ranked if e != chosen), None)
    why = f"resolver: {name} {dict(ranked)[chosen]:.2f}"
    if runner is not None:
        why += f", runner-up {_name(runner[0], entities)} {runner[1]:.2f}"
    if decision.replaced:
        why += f" (the rules said {_name(rules_entity, entities)})"
    elif decision.bar is not None:
        why += f"; the rules' answer kept over {_name(stands_for[found.index(decision.best)], entities)}: {decision.bar}"
    return Weighed(chosen, decision.replaced, why)


def overrule_bar(candidate: Candidate, rules_choice: Candidate) -> str | None:
    """Why a candidate may not replace the rules' answer however the model weighs it, or None:
    a pronoun is not handed to a word that may be no one's name, nor to a place, nor to a
    person of the other gender."""
    features = set(candidate.features)
    if "place" in features:
        return "a place"
    if "gender-differs" in features:
        return "of the other gender than the pronoun says (a 'she' is no man the article names)"
    if NAMED_LATER in features:
        return "named again later in the pronoun's own sentence, so someone else ('He criticised Trump')"
    person = any(f.startswith("gender-") for f in features)     # _agreement gives every person one
    if person and "full-person" not in features:
        return "a person named by one word, with no title, gender or NER tag to say it is a name"
    return None


def _name(entity: int | None, entities: Entities) -> str:
    return "nobody" if entity is None else entities.entities[entity].name


def _fits(entity: Entity, refers_to: str, gender: str | None) -> bool:
    if refers_to in ("organisation", "any"):
        return entity.kind == "organisation" and not entity.place
    return entity.kind == "person" and entity.gender in (None, gender)


def _agreement(entity: Entity, refers_to: str, gender: str | None) -> list[str]:
    wants = "organisation" if refers_to in ("organisation", "any") else "person"
    out = ["kind-agrees" if entity.kind == wants else "kind-differs"]
    if entity.kind == "organisation" and entity.place:
        out.append("place")
    if entity.kind == "person":
        if entity.gender is None or gender is None:
            out.append("gender-unknown")
        else:
            out.append("gender-agrees" if entity.gender == gender else "gender-differs")
        if entity.is_full_person:
            out.append("full-person")
    return out


def _where(x: Mention | None, pronoun: Mention, doc: ParsedArticle, sentence_starts: dict[int, int]) -> list[str]:
    """Where the entity was last named before the pronoun, and in what role."""
    if x is None:
        return ["not-named-before"]
    distance = pronoun.sentence - x.sentence
    out = [f"sentences-back:{distance if distance < 3 else '3-4' if distance < 5 else '5+'}"]
    if sentence_starts.get(x.sentence) == x.start_token:
        out.append("opens-its-sentence")
    if after_preposition(doc, x.start_token):
        out.append("after-preposition")
    if x.possessive:
        out.append("possessor")
    head = phrase_head(doc.tokens, x.start_token, x.end_token)
    if head is not None and head.deprel is not None:
        out.append("subject" if head.deprel in SUBJECT_RELATIONS else "not-subject")
    if x.kind in ("nominal", "organisation"):
        out.append(f"named-as:{x.kind}")
    return out


def _salience(mentions: int) -> str:
    return f"mentions:{mentions if mentions < 3 else '3-5' if mentions < 6 else '6+'}"



def _sentence_openers(entities: Entities, sentences: set[int]) -> dict[int, int]:
    """The first mention's token in each of the sentences."""
    out: dict[int, int] = {}
    for m in entities.mentions:
        if m.sentence in sentences and m.sentence not in out:
            out[m.sentence] = m.start_token
    return out


def with_choice(pronoun: Mention, verdict: Weighed, entities: Entities) -> Mention:
    """The pronoun resolved as the model chose, its chain saying how."""
    if not verdict.replaced:
        return replace(pronoun, chain=pronoun.chain + (verdict.why,))
    name = _name(verdict.entity, entities)
    return replace(pronoun, entity=verdict.entity, chain=(f"'{pronoun.text}' → {name} ({verdict.why})",))
