"""The decision: the sieves' answer weighed against every other candidate source of the quote.

The candidates are the alternatives a reader would weigh: every speaker mention near the
quote, every subject of a speech cue around it, and "nobody", each described by the binary
features of features.py, among them which sieves (the deciding one, and the later ones asked
for their opinion) chose it. The learned scorer is a log-linear model over those features: a
candidate's score is the sum of its features' weights, and a softmax over one quote's
candidates gives each a probability. Linear on purpose: `--explain` can list which pieces of
evidence moved the choice, and inference is a few dictionary look-ups. The scorer replaces the
sieves' answer only with a candidate clearly more probable (the margin) and not barred
(overrule_bar).

The weights are data (`models/attribution_scorer.json`), rebuilt by
`python training/train.py --only attribution` from PolNeAR train.
"""
from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from ..document import Token
from ..records import Attribution, Span
from ..speakers.mentions import Mention
from .context import Context, after, before
from .loglinear import MIN_PROBABILITY, Candidate, Decision, Scorer, ScorerError, from_file  # noqa: F401
from .cues import cues_with_mentions, parsed_cue
from .features import (DATELINE, MEDIUM, OWN_CUE_UNREAD, QUESTION_CUE, QUESTION_VERBS, UNNAMED_SUBJECT_CUE,
                       UNRESOLVED, in_reach, mention_features, quote_features, side_ranks, unread_cue)
from .subjects import unnamed_subject
from .findings import Cited, Decided, rule_name
from .speaker import speaker

MODEL_FILE = Path(__file__).parent.parent / "models" / "attribution_scorer.json"
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
        return "the nearest speech cue before the quote asks, and has no speaker (a question put to someone)"
    if sieves_choice.mention is None and UNNAMED_SUBJECT_CUE in sieves_choice.features:
        return "the nearest speech cue before the quote has a subject the article does not name"
    if "place" in features:
        return "a place"
    if DATELINE in features:
        return "a dateline or a section's label in capitals, before a dash"
    if MEDIUM in features:
        return "where the words appeared ('on Twitter:'), not who said them"
    if "other-paragraph" in features and "previous-speaker" not in features:
        return "in another paragraph, and not the previous quote's speaker"
    if OWN_CUE_UNREAD in features:
        # “…,” Thomas O’Neill told reporters: the quote's own cue has a speaker nobody could read.
        return "in another paragraph, while the quote's own speech cue has a subject that could not be read"
    if features & set(UNRESOLVED) and sieves_choice.mention is not None \
            and not set(sieves_choice.features) & set(UNRESOLVED):
        return "names nobody, where the sieves' choice names someone"
    return None


@lru_cache(maxsize=1)
def bundled() -> Scorer | None:
    """The scorer shipped with quotes, or None where the file is absent (the sieves decide alone)."""
    return from_file(MODEL_FILE) if MODEL_FILE.exists() else None


# --- the candidates and their evidence ---------------------------------------------------

Opinions = dict[tuple[int, int] | None, list[str]]      # mention span (None: no mention) -> 'also:<rule>' features
CueSubjects = dict[tuple[int, int], tuple[Mention, list[str]]]


def opinions(index: int, c: Context, earlier: Sequence[Decided], sieves: Sequence) -> Opinions:
    """What the sieves after the deciding one would have answered, each as an 'also:<rule>'
    feature of the mention it would have chosen. Nothing they find is kept."""
    out: Opinions = {}
    for sieve in sieves:
        found = sieve(index, c, earlier)
        if found is not None:
            answer = speaker(found, rule_name(sieve), index, c, earlier).attribution
            key = (answer.mention.start, answer.mention.end) if answer.mention is not None else None
            out.setdefault(key, []).append(f"also:{answer.rule}")
    return out


def candidates(index: int, c: Context, earlier: Sequence[Decided], decided: Attribution,
               opinions: Opinions) -> tuple[list[Candidate], dict[tuple[int, int], Span]]:
    """The candidates for quote `index` (nobody, the sieves' choice, and every mention in reach),
    and the cue each cue subject was found with."""
    cue_subjects, cues, unread = _cue_subjects(index, c)
    pool = in_reach(index, c)
    for key, (m, _) in cue_subjects.items():
        pool.setdefault(key, m)
    sieve_mention = _sieve_mention(decided, cue_subjects, c)
    if sieve_mention is not None:
        pool.setdefault((sieve_mention.start, sieve_mention.end), sieve_mention)
    chosen = (decided.mention.start, decided.mention.end) if decided.mention is not None else None
    nobody = _nobody_features(decided, quote_features(index, c)) + opinions.get(None, []) \
        + [unread_cue(w) for w in unread]
    out = [Candidate(None, nobody, chosen is None)]
    ranks = side_ranks(pool.values(), c.first_token[index], c.end_token[index])
    previous = _previous_speaker(index, c, earlier)
    for key, m in sorted(pool.items()):
        features = mention_features(m, index, c, ranks[key], previous)
        for where in cue_subjects[key][1] if key in cue_subjects else []:
            features += [where, f"{where}&kind:{m.kind}"]
        features += opinions.get(key, [])
        if unread and "other-paragraph" in features:
            features.append(OWN_CUE_UNREAD)
        if key == chosen:
            features += ["sieve", f"sieve:{decided.rule}", f"sieve&kind:{m.kind}"]
        out.append(Candidate(m, features, key == chosen))
    return out, cues


def _cue_subjects(index: int, c: Context) -> tuple[CueSubjects, dict[tuple[int, int], Span], list[str]]:
    """The subjects of the three nearest speech cues after and before the quote, each with where
    it was found ('cue-after:1': the first cue after the quote) and its cue; and the windows
    ('cue-after', 'cue-before') whose nearest cue has a subject nobody could read (and for the cue
    before the quote, why where it can be told: 'question-before', a verb of asking;
    'unnamed-subject-before', a subject in the parse that no mention holds)."""
    found: CueSubjects = {}
    cues: dict[tuple[int, int], Span] = {}
    windows = (("cue-after", after(index, c), False), ("cue-before", before(index, c, through_quotes=True), True))
    unread: list[str] = []
    for where, window, nearest_last in windows:
        found_cues = cues_with_mentions(window, c, nearest_last)
        if found_cues and found_cues[0][1] is None:
            unread.append(where)
            cue = found_cues[0][0]
            if where == "cue-before" and cue.text.lower() in QUESTION_VERBS:
                unread.append("question-before")
            elif where == "cue-before" and unnamed_subject(_token_at(cue.start, c), c):
                unread.append("unnamed-subject-before")
        subjects = [(cue, m) for cue, m in found_cues if m is not None]
        for rank, (cue, m) in enumerate(subjects[:3], 1):
            key = (m.start, m.end)
            found.setdefault(key, (m, []))[1].append(f"{where}:{rank}")
            cues.setdefault(key, cue)
    return found, cues, unread


def _sieve_mention(decided: Attribution, cue_subjects: CueSubjects, c: Context) -> Mention | None:
    """The Mention of the sieves' choice: the article's, a cue subject's, or a stand-in."""
    if decided.mention is None:
        return None
    key = (decided.mention.start, decided.mention.end)
    at = c.entities.count_before(key[0])     # mentions are in text order and never overlap
    listed = c.entities.mentions[at] if at < len(c.entities.mentions) else None
    return (listed if listed is not None and (listed.start, listed.end) == key else None) \
        or (cue_subjects[key][0] if key in cue_subjects else _mention_for_span(decided, c))


def _mention_for_span(decided: Attribution, c: Context) -> Mention:
    """A stand-in Mention for a sieve's mention that no mention finder listed (a follow rule's far source)."""
    span = decided.mention
    tokens = c.doc.tokens
    first = max(0, bisect.bisect_right(tokens, span.start, key=_token_start) - 1)
    last = max(first + 1, bisect.bisect_left(tokens, span.end, key=_token_start))
    return Mention(first, last, span.start, span.end, span.text, decided.mention_kind or "name",
                   c.doc.tokens[first].sentence)


def _token_at(start: int, c: Context) -> Token:
    """The token starting at character `start` (a cue's first word)."""
    return c.doc.tokens[bisect.bisect_left(c.doc.tokens, start, key=_token_start)]


def _token_start(token: Token) -> int:
    return token.start


def _nobody_features(decided: Attribution, quoted: list[str]) -> list[str]:
    out = ["nobody"] + [f"nobody&{f}" for f in quoted]
    if decided.mention is None:
        out += ["sieve", f"nobody&sieve:{decided.rule}"]
    return out


def _previous_speaker(index: int, c: Context, earlier: Sequence[Decided]) -> int | None:
    """The entity of the latest attributed quote in this paragraph or the one before."""
    paragraph = c.spans[index].paragraph
    for q in range(index - 1, -1, -1):
        if c.spans[q].paragraph < paragraph - 1:
            return None
        if earlier[q].entity is not None:
            return earlier[q].entity
    return None


# --- the decision --------------------------------------------------------------------------

def weigh(decided: Decided, options: list[Candidate], cues: dict[tuple[int, int], Span], model: Scorer,
          index: int, c: Context, earlier: Sequence[Decided]) -> Decided:
    """The sieves' attribution, or the candidate the scorer finds clearly more probable; with the scores."""
    verdict = model.decide(options, overrule_bar)
    best, best_p, sieve_p = verdict.best, verdict.best_p, verdict.sieves_p
    alternatives = tuple((o.label, round(p, 3)) for o, p in verdict.ranked[:4])
    sieves = decided.attribution
    if not verdict.replaced:
        kept = (f"scorer: kept the sieves' choice over {best.label} ({best_p:.2f}): {verdict.bar}",) if verdict.bar else ()
        return Decided(replace(sieves, chain=sieves.chain + kept, score=round(sieve_p, 3), alternatives=alternatives),
                       decided.entity)
    evidence = ", ".join(f"{f} {w:+.2f}" for f, w in model.evidence(best))
    why = (f"scorer: {best.label} ({best_p:.2f}) over the sieves' choice ({sieve_p:.2f}, {sieves.rule}); "
           f"evidence {evidence}")
    if best.mention is None:
        return Decided(Attribution(None, None, None, None, None, "scorer", (why,), round(best_p, 3), alternatives))
    key = (best.mention.start, best.mention.end)
    # The quote's speech cue: the chosen mention's own, else the verb it is the subject of in the
    # parse, else the sieves'.
    cue, whys = cues.get(key), (why,)
    if cue is None:
        cue = parsed_cue(best.mention, index, c)
        if cue is not None:
            whys += (f"cue '{cue.text}': the verb '{best.mention.text}' is the subject of in the parse",)
    chosen = speaker(Cited(replace(best.mention), cue or sieves.cue, whys), "scorer", index, c, earlier)
    return replace(chosen, attribution=replace(chosen.attribution, score=round(best_p, 3), alternatives=alternatives))
