"""Whose a speech cue is: the mention before the verb, after it (an inversion), at the start of
the sentence, or the verb's subject in the parse; past fillers, appositives and parentheses.

These helpers find mentions; a nominal found here ("the Vermont senator", "the mayor's order")
is resolved to its role holder or author on the spot, as the article's own nominals are.
"""
from __future__ import annotations

from dataclasses import replace

from .. import lexicon
from ..document import Token, phrase_head
from ..speakers.mentions import (NOMINAL_DETERMINERS, Mention, after_preposition, nominal_ending_at, nominal_starting_at,
                                 preposition_index)
from ..speakers.resolution import resolve_document, resolve_nominal
from .context import Context

_WORDS = lexicon.load().word_classes

BE = _WORDS["be"]
RELATIVE_PRONOUNS = _WORDS["relative_pronouns"]
APPOSITIVE_OPENERS = _WORDS["appositive_openers"]
INVERSION_FOLLOWERS = _WORDS["inversion_followers"]
ADJUNCT_PREPOSITIONS = _WORDS["adjunct_prepositions"]
# Verbs that share the subject of the verb they depend on in UD: "Trump called it … and added",
# "she went on to say".
SUBJECT_SHARING = ("conj", "xcomp")
SUBJECT_TAGS = ("NOUN", "PROPN", "PRON")    # "despite" parsed as a subject is no speaker
VERB_TAGS = ("VERB", "AUX")
OBJECT_RELATIONS = ("obj", "iobj", "obl")


def is_filler(token: Token) -> bool:
    """A word between a speaker and the cue that says nothing of who spoke ("also", "repeatedly"):
    a listed filler, or an adverb in -ly. Not a capitalised word ("Mr. Kelly said") nor one the
    tagger reads as no adverb ("the daily wrote", "the Italy-based"), where the tagger ran."""
    low = token.text.lower()
    if low in lexicon.load().cue_fillers:
        return True
    return low.endswith("ly") and len(low) > 3 and low.isalpha() and token.text[0].islower() \
        and token.upos in (None, "ADV")


def subject_before(window: list[Token], k: int, c: Context) -> Mention | None:
    """The mention that ends just before window position k, past fillers ("Johnson has also said")."""
    j = k - 1
    while j >= 0 and is_filler(window[j]):
        j -= 1
    if window[k].text.lower().endswith("ing") and not any(window[x].text.lower() in BE for x in range(j + 1, k)):
        # "recalled Mr. Obama talking about": an object, not the subject of "talking"; but
        # "footage of Trump saying", "a video with Obama telling": the person shown speaking.
        shown = c.entities.by_end_token.get(window[j].index) if j >= 0 else None
        if shown is not None and shown.kind == "name" and shown.start_token > 0 \
                and c.doc.tokens[shown.start_token - 1].text.lower() in ("of", "with"):
            return shown
        return None
    if j >= 0 and window[j].text == ")":
        # "Sen. Claire McCaskill (D-Mo.) said": step over the parenthesis.
        while j >= 0 and window[j].text != "(":
            j -= 1
        j -= 1
    if j < 0:
        return None
    if window[j].text.lower() in RELATIVE_PRONOUNS and j > 0:
        return _relative_pronoun(window, j, c)
    mention = c.entities.by_end_token.get(window[j].index)
    if mention is None and window[j].text in ("," , "—", "--", "–") and j > 0:
        mention = _before_appositive(window, j, c)
    if mention is None:
        mention = nominal(nominal_ending_at(c.doc, window[j].index), c)
    if mention is not None and window[0].index < mention.start_token:
        return _past_adjunct(mention, window[0].index, c)
    return mention


def _past_adjunct(mention: Mention, window_start: int, c: Context) -> Mention | None:
    """The subject before a phrase of time, place or occasion that ends just before the verb:
    "Trump at the time said", "a Democratic staffer in the room wondered" name Trump and the
    staffer, never "the time" or "the room"; with no subject before the phrase, nobody."""
    k = preposition_index(c.doc, mention.start_token)
    if k is None or c.doc.tokens[k].text.lower() not in ADJUNCT_PREPOSITIONS:
        return mention
    if k - 1 < window_start or c.doc.tokens[k - 1].sentence != mention.sentence:
        return None
    return c.entities.by_end_token.get(k - 1) or nominal(nominal_ending_at(c.doc, k - 1), c)


def _relative_pronoun(window: list[Token], j: int, c: Context) -> Mention | None:
    """"Stevie Wonder, who joked …" / "the Police Department which reported …": the relative
    pronoun is the source mention and stands for the noun phrase it follows."""
    k = j - 1
    antecedent = _before_appositive(window, k, c) if window[k].text == "," and k > 0 else None
    if antecedent is None:
        end = k - 1 if window[k].text == "," else k
        antecedent = c.entities.by_end_token.get(window[end].index) if end >= 0 else None
    if antecedent is None or antecedent.kind == "pronoun":
        return None
    token = window[j]
    entity = antecedent.entity if antecedent.kind in ("name", "organisation") or antecedent.roles else None
    return Mention(token.index, token.index + 1, token.start, token.end, token.text, "pronoun", token.sentence,
                   entity=entity, chain=(f"'{token.text}' → '{antecedent.text}' (the noun phrase it follows)",))


def nominal(mention: Mention | None, c: Context) -> Mention | None:
    """A nominal found at a cue ("the Vermont senator said"), resolved by its role where it has one,
    or by its author where it is a document ("the mayor's order urges")."""
    if mention is not None and mention.roles:
        resolve_nominal(mention, c.entities.mentions, c.entities.entities)
    elif mention is not None:
        resolve_document(mention, c.entities, c.doc)
    return mention


def _title_word(word: str) -> bool:
    """'director', 'spokeswoman': a word that names a role ("McFaul, director of …, said")."""
    return (word,) in lexicon.load().titles


def _before_appositive(window: list[Token], comma: int, c: Context) -> Mention | None:
    """"Hugh Hill, a doctor, said" / "Jason Sims — a teacher — says": the name before the appositive,
    which is set off by the same mark (comma or dash) on both sides.

    Appositives can be stacked ("Scott Pruitt, the attorney general of Oklahoma, one of the
    states suing the EPA, said"): where the words before one appositive are no mention, a place
    (NER) or the object of a preposition ("of Oklahoma"), the search goes on to the mark before them.
    """
    place = None
    for back in range(comma - 1, max(-1, comma - 30), -1):
        if window[back].text == window[comma].text and back > 0:
            opener = window[back + 1].text.lower() if back + 1 < comma else ""
            if not (opener in APPOSITIVE_OPENERS or opener.endswith("ing") or _title_word(opener)
                    or comma - back <= 6):
                return None
            name_end = back - 1
            if window[name_end].text == ")":        # "Rep. Jim Jordan (R-Ohio), an oversight panel member,"
                while name_end > 0 and window[name_end].text != "(":
                    name_end -= 1
                name_end -= 1
            mention = c.entities.by_end_token.get(window[name_end].index) if name_end >= 0 else None
            if mention is not None and not mention.place \
                    and not after_preposition(c.doc, mention.start_token):
                return mention
            place = place or mention
            comma = back
    return place


def subject_after(window: list[Token], k: int, c: Context) -> Mention | None:
    """The speaker in an inversion: “…,” said Johnson / “…,” said the mayor, adding …

    Only right after the quote or a comma, only for finite verbs, and only where
    the mention ends the clause; "says Chicago law enforcement will …" is no inversion.
    """
    verb = window[k].text.lower()
    if verb.endswith("ing") or (k > 0 and window[k - 1].text not in (",", "—", ":") and not is_filler(window[k - 1])):
        return None
    j = k + 1
    while j < len(window) and is_filler(window[j]):
        j += 1
    if j >= len(window):
        return None
    mention = mention_starting(window, j, c)
    if mention is None:
        return None
    after = mention.end_token
    last = window[-1].index
    if after <= last and c.doc.tokens[after].text.lower() not in INVERSION_FOLLOWERS:
        return None
    return mention


def mention_starting(window: list[Token], j: int, c: Context) -> Mention | None:
    """The mention starting at window position j, or after a few lower-case words before it
    ("according to the White House", "according to conservative talk radio host Rush Limbaugh")."""
    if j >= len(window):
        return None
    found = nominal_starting_at(c.doc, window[j].index, window[-1].index + 1)
    for k in range(j, min(j + 5, len(window))):
        mention = c.entities.by_start_token.get(window[k].index)
        if mention is not None:
            if found is not None and k > j and found.end_token != mention.end_token:
                # "said the Florida senator", "said one source who identified Sullivan": the name
                # is a modifier inside the noun phrase, or comes after it.
                return nominal(found, c)
            return mention
        if not window[k].text.isalpha() or not window[k].text.islower():
            break
    return nominal(found, c)


def parsed_subject(verb: Token, c: Context) -> Mention | None:
    """The speech verb's subject in the dependency parse, where the word-order rules found none:
    "Clinton, whose campaign has struggled …, told reporters", "A federal lawsuit … alleging".

    Only a subject outside every quote, and only a mention the article's speakers know or a noun
    phrase ending at the subject's head word. Without a parser there are no dependents: None.
    """
    subject = _subject_of(verb, c)
    if subject is None and verb.deprel in SUBJECT_SHARING and verb.head is not None \
            and c.doc.tokens[verb.head].upos in VERB_TAGS:
        subject = _subject_of(c.doc.tokens[verb.head], c)
    if subject is None or subject.index in c.quote_of_token or subject.text.lower() in RELATIVE_PRONOUNS \
            or subject.upos not in SUBJECT_TAGS:
        return None
    mention = c.entities.by_end_token.get(subject.index) or next(
        iter(c.entities.near(subject.index, subject.index + 1)), None)     # the mention holding it
    if mention is None:
        # "said Democratic pollster Stan Greenberg": the parse heads the phrase by its role word;
        # the name right after it is whom the phrase names.
        named = c.entities.by_start_token.get(subject.index + 1)
        mention = named if named is not None and named.kind in ("name", "organisation") \
            else nominal(nominal_ending_at(c.doc, subject.index), c)
    # A subject right before the verb is one the word-order rules have already judged and
    # declined ("recalled Mr. Obama talking about": an object, which parsers often misread).
    if mention is None or (verb.index - mention.end_token <= 1 and subject.index < verb.index):
        return None
    return replace(mention, chain=mention.chain + (f"'{subject.text}' is the subject of '{verb.text}' in the parse",))


def unnamed_subject(verb: Token, c: Context) -> bool:
    """The verb has a subject in the parse that no mention holds: "the station, which commuters
    call “the dungeon”", "workers say": someone spoke whom the article does not name."""
    subject = _subject_of(verb, c)
    return subject is not None and subject.index not in c.quote_of_token \
        and subject.text.lower() not in RELATIVE_PRONOUNS and not c.entities.near(subject.index, subject.index + 1)


def _subject_of(verb: Token, c: Context) -> Token | None:
    """The verb's nsubj dependent; of several (a misparse), the nearest before the verb."""
    subjects = [t for t in c.dependents.get(verb.index, ()) if t.deprel == "nsubj"]
    before = [t for t in subjects if t.index < verb.index]
    return before[-1] if before else (subjects[0] if subjects else None)


def opening_subject(window: list[Token], c: Context) -> Mention | None:
    """The mention opening the sentence, or opening it after an introductory phrase ("On Monday, …")."""
    starts = [0] + [k + 1 for k, t in enumerate(window[:25]) if t.text == ","][:2]
    for k in starts:
        if k < len(window):
            mention = mention_starting(window, k, c)
            if mention is not None and _can_open_sentence(mention, c):
                return mention
    return None


def _can_open_sentence(mention: Mention, c: Context) -> bool:
    """A speaker opening a sentence: not "Shortly", "Speaking" or "a joke"."""
    if mention.kind == "nominal":
        head = c.doc.tokens[mention.end_token - 1].text.lower()
        determiner = c.doc.tokens[mention.start_token].text.lower() in NOMINAL_DETERMINERS
        return bool(mention.roles) or head in lexicon.load().cue_nouns or (determiner and head.isalpha())
    if mention.kind == "name" and mention.end_token - mention.start_token == 1:
        word = mention.text.lower()
        return not word.endswith(("ly", "ing"))
    return True


def object_in_parse(mention: Mention, c: Context) -> bool:
    """"She says to Nevadans:", "Reyes told WGN Radio:": the parse makes the words before the colon
    the object of a speech verb, the one spoken to. ("Listen to Obama:" is not a speech verb.)"""
    head = phrase_head(c.doc.tokens, mention.start_token, mention.end_token)
    return head is not None and head.deprel in OBJECT_RELATIONS and head.head is not None \
        and c.doc.tokens[head.head].text.lower() in lexicon.load().speech_verbs
