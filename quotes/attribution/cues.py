"""Speech cues in a window of tokens ("said", "according to", "claims"), each with the speaker
mention it goes with, or None where the cue's subject could not be read.

A cue word used as a noun or a name ("his remarks", "Stevie Wonder") is no cue; a cue in the
passive ("was criticised by") takes its agent, not its subject.
"""
from __future__ import annotations

from .. import lexicon
from ..document import Token, phrase_head
from ..records import Span
from ..speakers.mentions import NOMINAL_DETERMINERS, Mention, after_preposition
from ..speakers.resolution import document_author
from .context import Context
from .features import subject_verb
from .subjects import is_filler, mention_starting, parsed_subject, subject_after, subject_before

_WORDS = lexicon.load().word_classes

OBJECT_PRONOUNS = _WORDS["object_pronouns"]
PASSIVE_AUXILIARIES = _WORDS["passive_auxiliaries"]
CLAUSE_ENDS = _WORDS["clause_ends"]
NOUN_TAGS = ("NOUN", "PROPN")


def find_cue(window: list[Token], c: Context, nearest_last: bool) -> tuple[Span, Mention | None] | None:
    """A speech cue in the window and the speaker mention beside it.

    nearest_last: read the window from its end (cues before a quote are nearest at the end).
    A cue whose mention is found wins over one without. Where the nearest speaker is a
    pronoun or a common noun and an outer clause of the same sentence names a speaker ("Clinton says she
    appreciated … what she calls “…”"), the outer, named one is the attribution.
    """
    found = cues_with_mentions(window, c, nearest_last)
    with_mention = [(cue, mention) for cue, mention in found if mention is not None]
    if not with_mention:
        return found[0] if found else None
    cue, mention = with_mention[0]
    if mention.kind in ("pronoun", "nominal") and nearest_last:
        opening = window[0].index
        for outer_cue, outer in with_mention[1:]:
            # An outer clause's named speaker, or the pronoun that opens the sentence
            # ("She said she recalls …") speaks for the inner one.
            if outer.kind in ("name", "organisation") or (outer.kind == mention.kind == "pronoun"
                                                          and outer.start_token == opening):
                return outer_cue, outer
    return cue, mention


def cues_with_mentions(window: list[Token], c: Context, nearest_last: bool) -> list[tuple[Span, Mention | None]]:
    """Every speech cue in the window, in reading order, with its subject mention or None."""
    lex = lexicon.load()
    order = range(len(window) - 1, -1, -1) if nearest_last else range(len(window))
    out = []
    for k in order:
        token = window[k]
        n = _cue_phrase_at(window, k)
        if n:
            cue = Span(token.start, window[k + n - 1].end, c.doc.text[token.start:window[k + n - 1].end])
            out.append((cue, mention_starting(window, k + n, c)))
        elif token.text.lower() in lex.speech_verbs and not _noun_not_verb(window, k, c):
            cue = Span(token.start, token.end, token.text)
            if _passive(window, k):
                # "Oz has been criticised by physicians for …": the subject is the one spoken
                # about; the speaker, if any, is the agent after "by".
                out.append((cue, mention_starting(window, k + 2, c) if k + 2 < len(window) else None))
                continue
            out.append((cue, _verb_subject(window, k, c)))
    return out


def _verb_subject(window: list[Token], k: int, c: Context) -> Mention | None:
    """The speaker mention of the speech verb at window position k, or None."""
    token = window[k]
    mention = subject_before(window, k, c) or subject_after(window, k, c)
    if mention is None and not _shares_sentence_subject(window, k):
        mention = parsed_subject(token, c)
    ends_clause = k + 1 >= len(window) or window[k + 1].text in CLAUSE_ENDS
    if mention is not None and _could_be_noun(token.text) and mention.end_token == token.index \
            and (_bare_noun_phrase(mention, c)
                 or (after_preposition(c.doc, mention.start_token) and not ends_clause)):
        # "Republican claims", "32% of Republican claims as …": the word is a noun here,
        # not a verb with a subject; but "a narrator in the Clinton ad asks." ends its
        # clause on the verb. "Johnson's executive order also urges": a word between
        # makes it a verb.
        return None
    if mention is not None and mention.kind == "pronoun" and mention.text.lower() == "it" \
            and not _organisation_before(mention, c) and not document_author(mention, c.entities, c.doc):
        return None      # "said it would tell …": 'it' is a thing, not a speaker
    return mention


def _cue_phrase_at(tokens: list[Token], k: int) -> int:
    """Length of the cue phrase ("according to") starting at window position k, or 0."""
    phrases = lexicon.load().cue_phrases
    if tokens[k].text.lower() not in {phrase[0] for phrase in phrases}:
        return 0
    for phrase in phrases:
        words = tuple(t.text.lower() for t in tokens[k:k + len(phrase)])
        if words == phrase:
            return len(phrase)
    return 0


def _shares_sentence_subject(window: list[Token], k: int) -> bool:
    """"to accuse", "and said": word order says the cue's subject is the sentence's, which
    cue-sentence-subject finds; the parse of such clauses was wrong as often as right on PolNeAR
    train. An -ing cue ("a statement calling the plan …") is left to the parse."""
    return cue_lacks_subject(window, k) and not window[k].text.lower().endswith("ing")


def cue_lacks_subject(window: list[Token], k: int) -> bool:
    """True for "to accuse", "accusing", "and said": a cue whose subject is the sentence's.

    "Workers call it" has a subject of its own, which is not a named speaker.
    """
    verb = window[k].text.lower()
    j = k - 1
    while j >= 0 and is_filler(window[j]):
        j -= 1
    before = window[j].text.lower() if j >= 0 else ""
    if verb.endswith("ing") and (before in OBJECT_PRONOUNS or (j >= 1 and window[j - 1].text.lower() == "with")):
        return False    # "with him likening it to a war zone": the -ing verb has a subject of its own
    return verb.endswith("ing") or before in ("to", "and", ",", "but", "then")


def _passive(window: list[Token], k: int) -> bool:
    """"was accused by", "has been criticised by": a speech verb in the passive, its agent after "by"."""
    if k + 1 >= len(window) or window[k + 1].text.lower() != "by":
        return False
    j = k - 1
    while j >= 0 and (is_filler(window[j]) or window[j].text.lower() in PASSIVE_AUXILIARIES):
        if window[j].text.lower() in PASSIVE_AUXILIARIES:
            return True
        j -= 1
    return False


def _could_be_noun(word: str) -> bool:
    """Base and -s forms of a speech verb can be nouns (a report, claims); said, told, wrote cannot."""
    form = word.lower()
    lemma = lexicon.load().speech_verb_lemma.get(form, form)
    return form in (lemma, lemma + "s", lemma + "es", lemma[:-1] + "ies")


def _bare_noun_phrase(mention: Mention, c: Context) -> bool:
    return mention.kind == "nominal" and c.doc.tokens[mention.start_token].text.lower() not in NOMINAL_DETERMINERS


def _noun_not_verb(window: list[Token], k: int, c: Context) -> bool:
    """True where a speech-verb word is used as a noun or a name.

    "Stevie Wonder", "the United States": inside a name. "a call", "his remarks",
    "Trump's claims": a base or -s form right after a determiner or possessive.
    "angry posts": one the tagger reads as a noun after an adjective (where the tagger ran).
    """
    token = window[k]
    if token.index in c.name_tokens:
        return True
    if not _could_be_noun(token.text) or k == 0:
        return False
    if token.upos in NOUN_TAGS and token.text.islower() and window[k - 1].upos == "ADJ":
        # "early-morning tweets", "new questions": the tagger read a noun after an adjective.
        # Only there: after a noun phrase ("the document states", "Conway notes") the tagger
        # misreads the verb as often as not, and in a Title Case headline every word is a name.
        return True
    before = window[k - 1].text
    return before.lower() in NOMINAL_DETERMINERS or before in ("’s", "'s")


def _organisation_before(mention: Mention, c: Context) -> bool:
    return any(e.kind == "organisation" and e.first_seen < mention.start for e in c.entities.entities)


PARTICLE_RELATIONS = ("compound:prt", "advmod")
VERB_PARTICLES = _WORDS["verb_particles"]
NAME_PARTS = ("appos", "flat")


def parsed_cue(mention: Mention, index: int, c: Context) -> Span | None:
    """The verb the mention is the subject of, as the quote's speech cue, where it shares a
    sentence with the quote: "“This is fantastic!” beamed Donald Hartley", "Christie gloated: “…”".
    Verbs of saying outnumber any list; the parse names the one the writer used. A particle
    stays with its verb ("shot back", "pointed out"). None without a parse, or where the
    mention is no verb's subject.
    """
    tokens = c.doc.tokens
    head = phrase_head(tokens, mention.start_token, mention.end_token)
    if head is None or head.head is None or c.first_token[index] >= c.end_token[index]:
        return None     # no parse, or a quote that holds no token
    while head.deprel in NAME_PARTS and head.head is not None:
        head = tokens[head.head]     # "Jenna Golden, Twitter's director, said": the name is an apposition
    verb = subject_verb(head, index, c)
    if verb is None or verb.upos != "VERB" or verb.index in c.quote_of_token:
        return None
    first, last = tokens[c.first_token[index]], tokens[c.end_token[index] - 1]
    listed = verb.text.lower() in lexicon.load().speech_verbs
    # A verb of saying may sit in the sentence before or after ("…,” he said. Then, “…”);
    # any other verb only in the quote's own sentence.
    if not (first.sentence - listed <= verb.sentence <= last.sentence + listed):
        return None
    end = verb
    for d in c.dependents.get(verb.index, ()):
        if d.deprel in PARTICLE_RELATIONS and d.index == end.index + 1 and d.text.lower() in VERB_PARTICLES:
            end = d
    return Span(verb.start, end.end, c.doc.text[verb.start:end.end])
