"""Who a finding names: a mention resolved to the person or organisation it stands for.

speaker() turns what a sieve found into an Attribution and the speaker's entity, and returns
them; it writes nothing. A pronoun is resolved on a copy, against the speakers of the quotes
before (`earlier`); where it teaches a person's gender, the lesson is returned with the
decision, and the driver applies it only to the attribution that is kept.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .. import lexicon
from ..speakers.names import NAME_SUFFIXES
from ..records import Attribution, Span
from ..speakers.mentions import Mention
from ..speakers.descriptions import is_description, resolve_description
from ..speakers.resolution import Entity, campaign_owner, office_holder, resolve_pronoun
from . import resolver
from .context import Context
from .findings import Cited, Decided, Finding, Follows, Labelled, NotSpeech
from .speech import nobody
from .subjects import RELATIVE_PRONOUNS

_WORDS = lexicon.load().word_classes

# Words before a pronoun that make it part of a clause the sentence's subject governs.
SUBJECT_CLAUSE_OPENERS = _WORDS["subject_clause_openers"]


def speaker(found: Finding, rule: str, index: int, c: Context, earlier: Sequence[Decided]) -> Decided:
    """The attribution of quote `index` under `rule`, from what the rule found."""
    if isinstance(found, Cited):
        return _cited(found, rule, index, c, earlier)
    if isinstance(found, Follows):
        previous, source = earlier[found.source].attribution, found.source
        return Decided(Attribution(previous.speaker, previous.speaker_kind, previous.mention, previous.mention_kind,
                                   previous.cue, rule, (found.why,) + previous.chain), earlier[source].entity)
    if isinstance(found, Labelled):
        label = found.label.text
        name = _person_for_label(label, c) or label.title()
        return Decided(Attribution(name, "person", found.label, "name", found.colon, rule,
                                   (f"transcript label '{label}' → {name}",)))
    if isinstance(found, NotSpeech):
        return Decided(nobody(found, rule))
    raise TypeError(f"not a finding: {found!r}")


def _cited(found: Cited, rule: str, index: int, c: Context, earlier: Sequence[Decided]) -> Decided:
    """A mention's attribution: its entity's canonical name where it resolved."""
    mention, taught = found.mention, None
    if mention.kind == "pronoun" and mention.text.lower() not in RELATIVE_PRONOUNS:
        # A copy: the article's own mention stays as the mention finder left it.
        mention = replace(mention, entity=None, chain=())
        recent = _recent_speakers(index, c, earlier)
        resolve_pronoun(mention, c.entities, c.doc, recent)
        verdict = None if c.resolver is None else \
            resolver.weigh(mention, mention.entity, c.entities, c.doc, recent, c.resolver)
        if verdict is not None:
            mention = resolver.with_choice(mention, verdict, c.entities)
        taught = _gender_taught(mention, c)
        mention = _sentence_subject_for(mention, index, c)
    if is_description(mention, c.doc):
        mention = replace(mention)      # resolved in place: the article's own mention stays as it was
        resolve_description(mention, c.entities, c.doc, _recent_speakers(index, c, earlier))
    entity = c.entities.entity_of(mention)
    span = Span(mention.start, mention.end, mention.text)
    chain = found.why + mention.chain
    if entity is None and mention.kind == "nominal":
        recent = _recent_speakers(index, c, earlier)
        holder = office_holder(mention, c.entities, c.doc, recent)
        if holder is not None:
            person = c.entities.entities[holder]
            return Decided(Attribution(person.name, person.kind, span, mention.kind, found.cue, rule,
                                       chain + (f"'{mention.text}' → {person.name} (speaks for the holder "
                                                f"of the office)",)), holder, taught)
        owner = campaign_owner(mention, c.entities, c.doc, recent)
        if owner is not None:
            name = f"{c.entities.entities[owner].name} campaign"
            return Decided(Attribution(name, "organisation", span, mention.kind, found.cue, rule,
                                       chain + (f"'{mention.text}' → {name} (the campaign of "
                                                f"{c.entities.entities[owner].name})",)), mention.entity, taught)
    if entity is None:
        return Decided(Attribution(None, None, span, mention.kind, found.cue, rule,
                                   chain + (f"'{mention.text}' could not be resolved to a person: left unattributed",)),
                       mention.entity, taught)
    not_a_name = _not_a_name(entity)
    if not_a_name is not None:
        return Decided(Attribution(None, None, span, mention.kind, found.cue, rule,
                                   chain + (f"'{entity.name}' {not_a_name}: left unattributed",)),
                       mention.entity, taught)
    return Decided(Attribution(entity.name, entity.kind, span, mention.kind, found.cue, rule, chain),
                   mention.entity, taught)


def _not_a_name(entity: Entity) -> str | None:
    """Why a person's name is no name, or None.

    Capitalised English words that neither the NER nor a title makes a name ("Another",
    "Officials", "Correction"); or a line of text: a heading in capitals holding an English word
    ("DEMOGRAPHICS FAVOR CRUZ", which the NER, misled by the capitals, tags a person), or a Title
    Case line of three words or more, half of them English words ("Trump Addresses Munich Attack").
    """
    if entity.kind != "person" or entity.roles:
        return None
    common = lexicon.load().common_words
    forms = [form.split() for form in entity.forms]
    if not entity.tagged_person and all(w.lower() in common for words in forms for w in words):
        return "is English words no recogniser or title makes a name (lexicon/common_words.txt)"
    if forms and all(_reads_as_text(words, common) for words in forms):
        return "reads as a line of text, not a name (English words of lexicon/common_words.txt)"
    return None


LINE_WORDS = 3      # the fewest words of a heading read as a name


def _reads_as_text(written: list[str], common: frozenset[str]) -> bool:
    """Three words or more (initials and "Jr." not counted), the first no first name ("Mark Young
    Long", "JAMES E. WHITE" are names), and English words: one in a line in capitals, half in
    Title Case."""
    lex = lexicon.load()
    words = [w for w in written if len(w.strip(".,")) > 1 and w.lower().strip(".,") not in NAME_SUFFIXES]
    if len(words) < LINE_WORDS or words[0].lower() in lex.first_name_gender:
        return False
    english = sum(w.lower() in common for w in words)
    if all(w.isupper() for w in words if w.isalpha()):
        return english >= 1
    return 2 * english >= len(words)


def _gender_taught(pronoun: Mention, c: Context) -> tuple[int, str] | None:
    """A he or she resolved to a person whose gender the article has not said teaches it."""
    if pronoun.entity is None or not pronoun.gender:
        return None
    entity = c.entities.entities[pronoun.entity]
    return (pronoun.entity, pronoun.gender) if not entity.gender and entity.kind == "person" else None


def _sentence_subject_for(pronoun: Mention, index: int, c: Context) -> Mention:
    """"Trump took to Twitter … to check out what he called Machado’s “sex tape”" / "Kerry said …,
    and he urged …": the source is the name that opens the sentence, when the pronoun stands for
    it and sits in a clause ("what he called", "and he urged") before the quote; otherwise the
    pronoun itself ("“…,” she said" is the pronoun's own attribution)."""
    if pronoun.start_token == 0 or index >= len(c.spans) or pronoun.start > c.spans[index].start \
            or c.doc.tokens[pronoun.start_token - 1].text.lower() not in SUBJECT_CLAUSE_OPENERS:
        return pronoun
    earlier = [m for m in c.entities.mentions if m.sentence == pronoun.sentence and m.start < pronoun.start]
    if not earlier or earlier[0].possessive:
        return pronoun
    subject = earlier[0]
    # "It’s denouncing what it calls …": the same pronoun opening the sentence.
    same_pronoun = subject.kind == "pronoun" and subject.text.lower() == pronoun.text.lower()
    # "Putney, the police chief, said …, but he said …": a person opening the sentence is who
    # a he/she in its coordinated clause stands for.
    owner = c.entities.entity_of(subject)
    coordinated_person = (owner is not None and owner.kind == "person" and subject.kind != "pronoun"
                          and c.doc.tokens[pronoun.start_token - 1].text.lower() in ("and", "but")
                          and pronoun.gender is not None and owner.gender in (None, pronoun.gender))
    if not same_pronoun and not coordinated_person \
            and (pronoun.entity is None or subject.entity != pronoun.entity or subject.kind == "pronoun"):
        return pronoun
    if same_pronoun:
        subject = replace(subject, entity=pronoun.entity)
    return replace(subject, chain=pronoun.chain + (f"'{pronoun.text}' repeats the sentence's subject '{subject.text}'",))


def _recent_speakers(index: int, c: Context, earlier: Sequence[Decided]) -> list[int]:
    """Entities that spoke the latest quotes, if those sit in this paragraph or the one before."""
    paragraph = c.spans[index].paragraph if index < len(c.spans) else 0
    # Backwards from the latest quote, to the paragraph before (quotes are in paragraph order).
    for q in range(len(earlier) - 1, -1, -1):
        if c.spans[q].paragraph < paragraph - 1:
            break
        if earlier[q].entity is not None:
            return [earlier[q].entity]
    return []


def _person_for_label(label: str, c: Context) -> str | None:
    """The one person of the article whose name ends in the label's last word ("WALLACE": Chris Wallace)."""
    key = label.lower().split()[-1]
    names = {e.name for e in c.entities.entities if e.kind == "person"
             and any(f.lower().split()[-1] == key for f in e.forms)}
    return names.pop() if len(names) == 1 else None
