"""Who could have said a quote: candidate source mentions and the evidence for each.

The sieves in attribution.py give one answer per quote. This module lists the
alternatives a reader would weigh (every speaker mention near the quote, every
subject of a speech cue around it, and "nobody"), and describes each one with
binary features: where it sits relative to the quote, what kind of mention it
is, what the parse says of it, and which sieve (if any) chose it. The rules
become evidence, not the decision; `scorer.py` weighs the evidence.

Nothing here changes a shared mention or entity: candidates only read.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .. import lexicon
from ..records import Attribution
from ..speakers.mentions import Mention
from ..speakers.resolution import resolve_pronoun

if TYPE_CHECKING:
    from . import Context

REACH = 60              # tokens either side of a quote where a mention can be its source
DISTANCE_BUCKETS = (0, 2, 5, 10, 20, 40)
LENGTH_BUCKETS = (1, 3, 8, 20, 50)
SUBJECT_RELATIONS = ("nsubj", "nsubj:pass", "csubj")
PARSE_RELATIONS = SUBJECT_RELATIONS + ("obj", "iobj", "obl", "obl:agent", "nmod", "nmod:poss", "appos",
                                       "compound", "conj", "root")


@dataclass
class Candidate:
    """One possible source of a quote; mention None is "nobody said it" (unattributed)."""
    mention: Mention | None
    features: list[str]
    chosen_by_sieve: bool = False

    @property
    def label(self) -> str:
        return f"'{self.mention.text}'" if self.mention is not None else "nobody"


UNRESOLVED = ("unresolved", "resolves:none")
OWN_CUE_UNREAD = "other-paragraph&own-cue-unread"


def unread_cue(where: str) -> str:
    """The "nobody" feature for a window ('cue-before', 'cue-after') whose nearest cue has no subject."""
    return f"nobody&{where}:1:no-subject"


QUESTION_CUE = unread_cue("cue-before")


def overrule_bar(candidate: Candidate, sieves_choice: Candidate) -> str | None:
    """Why a candidate may not replace the sieves' choice however the scorer weighs it, or None.

    Each bar keeps a guess from replacing an answer: in cross-validation on PolNeAR train these
    replacements were wrong more often than the scorer's others, and a wrong speaker is worse
    than none.
    """
    features = set(candidate.features)
    if candidate.mention is None:
        return "the scorer never takes away a speaker the sieves found" if sieves_choice.mention else None
    if sieves_choice.mention is None and QUESTION_CUE in sieves_choice.features:
        # “When asked about agents “taking orders,” Johnson replied”: the words are the question's.
        return "the nearest speech cue before the quote has no speaker (a question put to someone)"
    if "place" in features:
        return "a place"
    if "other-paragraph" in features and "previous-speaker" not in features:
        return "in another paragraph, and not the previous quote's speaker"
    if OWN_CUE_UNREAD in features:
        # “…,” Thomas O’Neill told reporters: the quote's own cue has a speaker nobody could read.
        return "in another paragraph, while the quote's own speech cue has a subject that could not be read"
    if features & set(UNRESOLVED) and sieves_choice.mention is not None \
            and not set(sieves_choice.features) & set(UNRESOLVED):
        return "names nobody, where the sieves' choice names someone"
    return None


def bucket(value: int, bounds: tuple[int, ...]) -> str:
    """'<=5' for value 4 with bounds (0, 2, 5, …); '>40' past the last bound."""
    for bound in bounds:
        if value <= bound:
            return f"<={bound}"
    return f">{bounds[-1]}"


CueSubjects = dict[tuple[int, int], tuple[Mention, list[str]]]


def candidates(index: int, c: Context, decided: Attribution, cue_subjects: CueSubjects,
               sieve_mention: Mention | None,
               opinions: dict[tuple[int, int] | None, list[str]], unread: list[str] = ()) -> list[Candidate]:
    """The candidates for quote `index`: nobody, the sieves' choice, and every mention in reach.

    cue_subjects: (start, end) of a mention -> the mention and where a speech cue took it as
    subject ('cue-after:1': the first cue after the quote); sieve_mention: the sieves' choice;
    opinions: (start, end) of a mention, or None for no mention -> the other sieves that chose it;
    unread: the windows ('cue-after', 'cue-before') whose nearest speech cue has a subject nobody
    could read.
    """
    first, end = c.first_token[index], c.end_token[index]
    span = c.spans[index]
    last_paragraph = c.paragraph_of_token[end - 1] if end > first else span.paragraph
    pool: dict[tuple[int, int], Mention] = {}
    text = c.doc.text
    for m in c.entities.near(first - REACH, end + REACH):
        if _cut_word(m, text):
            continue
        paragraph = c.paragraph_of_token[m.start_token]
        if span.paragraph - 1 <= paragraph <= last_paragraph:
            pool[(m.start, m.end)] = m
    for key, (m, _) in cue_subjects.items():
        pool.setdefault(key, m)
    if sieve_mention is not None:
        pool.setdefault((sieve_mention.start, sieve_mention.end), sieve_mention)
    chosen = (decided.mention.start, decided.mention.end) if decided.mention is not None else None

    quote_features = _quote_features(index, c)
    nobody = _nobody_features(decided, quote_features) + opinions.get(None, []) + [unread_cue(w) for w in unread]
    out = [Candidate(None, nobody, chosen is None)]
    ranks = _side_ranks(pool.values(), first, end)
    previous = _previous_speaker(index, c)
    for key, m in sorted(pool.items()):
        features = _mention_features(m, index, c, ranks[key], previous)
        for where in cue_subjects[key][1] if key in cue_subjects else []:
            features += [where, f"{where}&kind:{m.kind}"]
        features += opinions.get(key, [])
        if unread and "other-paragraph" in features:
            features.append(OWN_CUE_UNREAD)
        if key == chosen:
            features += ["sieve", f"sieve:{decided.rule}", f"sieve&kind:{m.kind}"]
        out.append(Candidate(m, features, key == chosen))
    return out


def _cut_word(m: Mention, text: str) -> bool:
    """A mention that starts or ends inside a word ("Thomas O" of "Thomas O’Neill", where the
    tokenizer split at the apostrophe) would name nobody: no candidate."""
    after = text[m.end:m.end + 3]
    cut_at_apostrophe = after[:1] in ("’", "'") and after[1:2].isalpha() \
        and not (after[1:2] in ("s", "S") and not after[2:3].isalpha())     # "Trump’s" is whole
    return cut_at_apostrophe or (m.start > 0 and text[m.start - 1].isalpha())


def _quote_features(index: int, c: Context) -> list[str]:
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


def _nobody_features(decided: Attribution, quote_features: list[str]) -> list[str]:
    out = ["nobody"] + [f"nobody&{f}" for f in quote_features]
    if decided.mention is None:
        out += ["sieve", f"nobody&sieve:{decided.rule}"]
    return out


def _side_ranks(mentions, first: int, end: int) -> dict[tuple[int, int], str]:
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


def _previous_speaker(index: int, c: Context) -> int | None:
    """The entity of the latest attributed quote in this paragraph or the one before."""
    paragraph = c.spans[index].paragraph
    for q in range(index - 1, -1, -1):
        if c.spans[q].paragraph < paragraph - 1:
            return None
        if c.speaker_entities[q] is not None:
            return c.speaker_entities[q]
    return None


def _mention_features(m: Mention, index: int, c: Context, rank: str, previous: int | None) -> list[str]:
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
    entity = c.entities.entity_of(m)
    if m.kind != "pronoun" and entity is None:
        out.append("unresolved")
    if previous is not None and m.entity == previous:
        out += ["previous-speaker", f"previous-speaker&sentences:{min(sentences, 3)}"]
    sentence_start = m.start_token      # walked back in place: a slice copied every token before it
    if tokens[sentence_start].sentence != m.sentence:
        sentence_start += 1
    else:
        while sentence_start > 0 and tokens[sentence_start - 1].sentence == m.sentence:
            sentence_start -= 1
    if m.start_token - sentence_start <= 2:
        out.append(f"opens-sentence&kind:{m.kind}")
    if _between_other_quote(m, index, c, side):
        out.append("other-quote-between")
    out += _verb_features(m, c)
    out += _parse_features(m, c)
    return out


def _pronoun_resolution(m: Mention, c: Context, previous: int | None) -> str:
    """How far back the person a pronoun stands for was named: 'resolves:back-1' (a sentence
    before), 'resolves:previous-speaker', 'resolves:none'. Resolved on a copy, teaching nothing."""
    probe = replace(m, entity=None, chain=())
    resolve_pronoun(probe, c.entities, c.doc, [previous] if previous is not None else [], learn_gender=False)
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


def _parse_features(m: Mention, c: Context) -> list[str]:
    """The mention's relation in the parse, and whether its head is a speech verb."""
    tokens = c.doc.tokens
    head_token = next((t for t in tokens[m.start_token:m.end_token]
                       if t.head is None or not m.start_token <= t.head < m.end_token), None)
    if head_token is None or head_token.deprel is None:
        return []
    relation = head_token.deprel if head_token.deprel in PARSE_RELATIONS else "other"
    out = [f"rel:{relation}"]
    if head_token.head is not None and tokens[head_token.head].text.lower() in lexicon.load().speech_verbs:
        out.append(f"rel:{relation}&head-speech-verb")
        if head_token.head in c.quote_of_token:
            out.append("head-in-quote")
    return out
