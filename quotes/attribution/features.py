"""The evidence for each candidate source of a quote, as binary features the scorer weighs:
where a mention sits relative to the quote, what kind of mention it is, what the parse says of
it, how far back a pronoun's person was named. Nothing here changes a mention or an entity.
"""
from __future__ import annotations

from dataclasses import replace

from .. import lexicon
from ..document import phrase_head
from ..speakers.mentions import Mention, preposition_before
from ..speakers.names import shouted
from ..speakers.resolution import resolve_pronoun
from .context import DASHES, Context, first_token_of

_WORDS = lexicon.load().word_classes

REACH = lexicon.load().settings["reach"]     # tokens either side of a quote where a mention can be its source
DISTANCE_BUCKETS = (0, 2, 5, 10, 20, 40)
LENGTH_BUCKETS = (1, 3, 8, 20, 50)
SUBJECT_RELATIONS = ("nsubj", "nsubj:pass", "csubj")
PARSE_RELATIONS = SUBJECT_RELATIONS + ("obj", "iobj", "obl", "obl:agent", "nmod", "nmod:poss", "appos",
                                       "compound", "conj", "root")
# How a describing phrase hangs from the name it describes, and how many steps up to look:
# "Washington Post" -compound-> "columnist" -appos/compound-> "Gerson".
MODIFIER_RELATIONS = ("compound", "nmod", "nmod:poss", "appos", "amod", "flat")
MODIFIER_STEPS = 3
UNRESOLVED = ("unresolved", "resolves:none")
OWN_CUE_UNREAD = "other-paragraph&own-cue-unread"


def unread_cue(where: str) -> str:
    """The "nobody" feature for a window ('cue-before', 'cue-after') whose nearest cue has no subject."""
    return f"nobody&{where}:1:no-subject"


# The nearest cue before the quote is a verb of asking with no subject ("When asked about agents
# “taking orders,” Johnson replied"): the quoted words are the question's.
QUESTION_CUE = unread_cue("question-before")
QUESTION_VERBS = _WORDS["question_verbs"]
# Its subject in the parse is a noun phrase no mention holds ("which commuters call “the
# dungeon”"): the words are someone's the article does not name.
UNNAMED_SUBJECT_CUE = unread_cue("unnamed-subject-before")


def bucket(value: int, bounds: tuple[int, ...]) -> str:
    """'<=5' for value 4 with bounds (0, 2, 5, …); '>40' past the last bound."""
    for bound in bounds:
        if value <= bound:
            return f"<={bound}"
    return f">{bounds[-1]}"


def in_reach(index: int, c: Context) -> dict[tuple[int, int], Mention]:
    """The mentions near the quote, from the paragraph before it to its last paragraph, by (start, end)."""
    first, end = c.first_token[index], c.end_token[index]
    span = c.spans[index]
    last_paragraph = c.paragraph_of_token[end - 1] if end > first else span.paragraph
    pool: dict[tuple[int, int], Mention] = {}
    for m in c.entities.near(first - REACH, end + REACH):
        if _cut_word(m, c.doc.text):
            continue
        paragraph = c.paragraph_of_token[m.start_token]
        if span.paragraph - 1 <= paragraph <= last_paragraph:
            pool[(m.start, m.end)] = m
    return pool


def _cut_word(m: Mention, text: str) -> bool:
    """A mention that starts or ends inside a word ("Thomas O" of "Thomas O’Neill", where the
    tokenizer split at the apostrophe) would name nobody: no candidate."""
    after = text[m.end:m.end + 3]
    cut_at_apostrophe = after[:1] in ("’", "'") and after[1:2].isalpha() \
        and not (after[1:2] in ("s", "S") and not after[2:3].isalpha())     # "Trump’s" is whole
    return cut_at_apostrophe or (m.start > 0 and text[m.start - 1].isalpha())


def quote_features(index: int, c: Context) -> list[str]:
    span = c.spans[index]
    n_tokens = c.end_token[index] - c.first_token[index]
    out = [f"qlen:{bucket(n_tokens, LENGTH_BUCKETS)}"]
    first = c.first_token[index]
    para_start = c.paragraph_bounds[span.paragraph][0] if span.paragraph < len(c.paragraph_bounds) else 0
    if c.doc.tokens[first].start <= para_start + 1:
        out.append("q:opens-paragraph")
    if span.continues:
        out.append("q:continues")
    if first > 0 and c.doc.tokens[first - 1].text == ":":
        out.append("q:after-colon")
    return out


def side_ranks(mentions, first: int, end: int) -> dict[tuple[int, int], str]:
    """'before:1' for the nearest mention before the quote, 'after:2' for the second after it."""
    before = sorted((m for m in mentions if m.end_token <= first), key=lambda m: -m.end_token)
    after = sorted((m for m in mentions if m.start_token >= end), key=lambda m: m.start_token)
    ranks = {}
    for side, ordered in (("before", before), ("after", after)):
        for rank, m in enumerate(ordered, 1):
            ranks[(m.start, m.end)] = f"{side}:{min(rank, 4)}"
    for m in mentions:
        ranks.setdefault((m.start, m.end), "inside:1")
    return ranks


def mention_features(m: Mention, index: int, c: Context, rank: str, previous: int | None) -> list[str]:
    """previous: the entity of the latest attributed quote in this paragraph or the one before."""
    tokens = c.doc.tokens
    first, end = c.first_token[index], c.end_token[index]
    side = rank.split(":")[0]
    distance = first - m.end_token if side == "before" else m.start_token - end if side == "after" else 0
    dist = bucket(max(0, distance), DISTANCE_BUCKETS)
    quote_sentence = tokens[first].sentence if side != "after" else tokens[max(first, end - 1)].sentence
    sentences = abs(m.sentence - quote_sentence)
    paragraph = c.paragraph_of_token[m.start_token]
    out = [f"kind:{m.kind}", f"rank:{rank}", f"dist:{side}:{dist}", f"kind:{m.kind}&rank:{rank}",
           f"sentences:{min(sentences, 3)}", f"sentences:{min(sentences, 3)}&side:{side}",
           f"kind:{m.kind}&dist:{side}:{dist}"]
    if paragraph != c.spans[index].paragraph:
        out.append("other-paragraph")
    if m.possessive:
        out.append("possessive")
    if m.kind == "pronoun":
        out += [f"pronoun:{m.text.lower()}", _pronoun_resolution(m, c, previous)]
    if m.place:
        out.append("place")
    if m.tagged_person:
        out.append("ner-person")
    if is_dateline(m, c):
        out.append(DATELINE)
    if is_medium(m, c):
        out.append(MEDIUM)
    entity = c.entities.entity_of(m)
    if m.kind != "pronoun" and entity is None:
        out.append("unresolved")
    if previous is not None and m.entity == previous:
        out += ["previous-speaker", f"previous-speaker&sentences:{min(sentences, 3)}"]
    if _opens_sentence(m, c):
        out.append(f"opens-sentence&kind:{m.kind}")
    if _between_other_quote(m, index, c, side):
        out.append("other-quote-between")
    out += _verb_features(m, c)
    out += _parse_features(m, index, c)
    return out


DATELINE = "dateline"


def is_dateline(m: Mention, c: Context) -> bool:
    """"WASHINGTON (AP) —", "BROADWAY BEAT—": words in capitals that open a paragraph and end at a
    dash (after an agency in brackets) are a dateline or a section's label, never a speaker. A
    transcript's "WALLACE:" ends at a colon."""
    tokens = c.doc.tokens
    k = m.end_token
    if k + 2 < len(tokens) and tokens[k].text == "(" and tokens[k + 2].text == ")":
        k += 3
    return first_token_of(c.paragraph_of_token[m.start_token], c) == m.start_token \
        and k < len(tokens) and tokens[k].text in DASHES and shouted(m.text)


MEDIUM = "medium"
# "by Times' Ben Sisario:", "according to Lynch:" and "A lesson from Loretta Lynch:" name the
# speaker; "on Twitter:" and "in a Facebook post:" name where the words appeared.
PLACE_PREPOSITIONS = _WORDS["place_prepositions"]


def is_medium(m: Mention, c: Context) -> bool:
    """"celebrated the vote on Twitter: “…”": a mention after "on", "in" … that a colon or dash
    ends is where the words appeared, not who said them."""
    tokens = c.doc.tokens
    return m.end_token < len(tokens) and tokens[m.end_token].text in (":",) + DASHES \
        and preposition_before(c.doc, m.start_token) in PLACE_PREPOSITIONS


def _opens_sentence(m: Mention, c: Context) -> bool:
    """At most two words into its sentence."""
    tokens = c.doc.tokens
    sentence_start = m.start_token      # walked back in place: a slice copied every token before it
    if tokens[sentence_start].sentence != m.sentence:
        sentence_start += 1
    else:
        while sentence_start > 0 and tokens[sentence_start - 1].sentence == m.sentence:
            sentence_start -= 1
    return m.start_token - sentence_start <= 2


def _pronoun_resolution(m: Mention, c: Context, previous: int | None) -> str:
    """How far back the person a pronoun stands for was named: 'resolves:back-1' (a sentence
    before), 'resolves:previous-speaker', 'resolves:none'. Resolved on a copy, teaching nothing."""
    probe = replace(m, entity=None, chain=())
    resolve_pronoun(probe, c.entities, c.doc, [previous] if previous is not None else [])
    if probe.entity is None:
        return "resolves:none"
    if probe.entity == previous:
        return "resolves:previous-speaker"
    # The latest earlier mention of that entity, if it is at most two sentences back (any older
    # one reads as "back-2" too): found backwards from m.
    back = 9
    k = c.entities.count_before(m.start)
    while k > 0 and c.entities.mentions[k - 1].sentence >= m.sentence - 2:
        k -= 1
        if c.entities.mentions[k].entity == probe.entity:
            back = m.sentence - c.entities.mentions[k].sentence
            break
    return f"resolves:back-{min(back, 2)}"


def _between_other_quote(m: Mention, index: int, c: Context, side: str) -> bool:
    lo, hi = (m.end_token, c.first_token[index]) if side == "before" else (c.end_token[index], m.start_token)
    return any(c.quote_of_token.get(t, index) != index for t in range(lo, hi))


def _verb_features(m: Mention, c: Context) -> list[str]:
    """Speech verbs right beside the mention: "Johnson said", "said Johnson", "according to Johnson"."""
    lex = lexicon.load()
    tokens = c.doc.tokens
    out = []
    for k in range(m.end_token, min(len(tokens), m.end_token + 3)):
        if k in c.quote_of_token or tokens[k].sentence != m.sentence:
            break
        if tokens[k].text.lower() in lex.speech_verbs:
            out.append(f"verb-after:{k - m.end_token}")
            break
    for k in range(m.start_token - 1, max(-1, m.start_token - 3), -1):
        if k in c.quote_of_token or tokens[k].sentence != m.sentence:
            break
        word = tokens[k].text.lower()
        if word in lex.speech_verbs:
            out.append(f"verb-before:{m.start_token - 1 - k}")
            break
        if word == "to" and k > 0 and tokens[k - 1].text.lower() == "according":
            out.append("according-to")
            break
        if word == "by":
            out.append("after-by")
            break
    return out


def _modifies_name(m: Mention, head_token, c: Context) -> bool:
    """The mention only describes a person named in the same phrase: "Washington Post" in
    "Washington Post columnist Michael Gerson", "the American Enterprise Institute" in "James
    Pethokoukis of the American Enterprise Institute", "Google" in "Google's chief, Laszlo Bock"."""
    tokens = c.doc.tokens
    token = head_token
    for _ in range(MODIFIER_STEPS):
        if token.deprel not in MODIFIER_RELATIONS or token.head is None:
            return False
        token = tokens[token.head]
        for other in c.entities.near(token.index, token.index + 1):
            if other is not m and other.kind == "name":
                return True
    return False


def subject_verb(head_token, index: int, c: Context):
    """The verb whose subject head_token (a phrase's head word) is in the parse, or None. After an
    inverted verb its object counts: in "“…,” fumed Senator Smith" parsers often read the subject
    after the verb as its object."""
    if head_token.head is None:
        return None
    verb = c.doc.tokens[head_token.head]
    inverted = head_token.deprel == "obj" and c.end_token[index] <= verb.index < head_token.index
    return verb if head_token.deprel in SUBJECT_RELATIONS or inverted else None


def _governs_quote(m: Mention, head_token, index: int, c: Context) -> list[str]:
    """The mention is the subject of the verb the quote hangs from in the parse ("“…,” fumed
    Smith", "Smith riffed: “…”"), whether or not the lexicon lists the verb: evidence of a cue
    that generalises to verbs of saying the lexicon has never seen."""
    verb = subject_verb(head_token, index, c)
    if verb is None or verb.index in c.quote_of_token \
            or not any(c.quote_of_token.get(d.index) == index for d in c.dependents.get(verb.index, [])):
        return []
    listed = verb.text.lower() in lexicon.load().speech_verbs
    return ["subject-of-quote-verb", f"subject-of-quote-verb&{'listed' if listed else 'unlisted'}"]


def _parse_features(m: Mention, index: int, c: Context) -> list[str]:
    """The mention's relation in the parse, whether its head is a speech verb, whether it only
    describes a name, and whether it is the subject of the verb quote `index` hangs from."""
    tokens = c.doc.tokens
    head_token = phrase_head(tokens, m.start_token, m.end_token)
    if head_token is None or head_token.deprel is None:
        return []
    relation = head_token.deprel if head_token.deprel in PARSE_RELATIONS else "other"
    out = [f"rel:{relation}"]
    if _modifies_name(m, head_token, c):
        out.append(f"modifies-name&kind:{m.kind}")
    if head_token.head is not None and tokens[head_token.head].text.lower() in lexicon.load().speech_verbs:
        out.append(f"rel:{relation}&head-speech-verb")
        if head_token.head in c.quote_of_token:
            out.append("head-in-quote")
    return out + _governs_quote(m, head_token, index, c)
