"""Who said each quote: the article's quotes through four stages, in text order.

1. speech (speech.py): a title or nickname in quotation marks is nobody's words; decided for
   every quote before anything else.
2. mention (sieves.py, over cues.py and subjects.py): the sieves, tried in the order of SIEVES;
   the first that answers finds the speaker's mention and cue (or an earlier quote to follow).
3. speaker (speaker.py): the mention resolved to the person or organisation it names.
4. decide (decide.py, features.py): the sieves' answer weighed by the learned scorer against the
   other candidates, replaced only by a clearly more probable one that no bar holds back.

The Attribution keeps the deciding rule's name (a speech rule, a sieve, or "scorer"), the cue,
the mention and each step of the reasoning, so `--explain` can show a fact-checker why. A quote
no sieve claims stays unattributed: no credible speaker is better than a guessed one.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..document import ParsedArticle
from ..records import UNATTRIBUTED, Quote, QuoteSpan
from ..speakers.resolution import Entities
from . import context, decide, resolver, speech
from .context import Context
from .decide import Candidate, Scorer
from .findings import Decided, Finding, rule_name
from .resolver import Resolver
from .sieves import SIEVES, Sieve
from .speaker import speaker
from .speech import NOT_SPEECH_RULES

__all__ = ("BUNDLED", "NOT_SPEECH_RULES", "SIEVES", "Candidate", "Context", "Decided", "Resolver", "Scorer", "Sieve",
           "attribute", "bundled", "read_article", "rule_name")

BUNDLED = "bundled"


def bundled() -> Scorer | None:
    """The scorer shipped with quotes (None where its file is absent)."""
    return decide.bundled()


def attribute(doc: ParsedArticle, spans: list[QuoteSpan], article_id: str = "",
              model: Scorer | None | str = BUNDLED,
              collect: list[tuple[int, list[Candidate]]] | None = None,
              pronouns: Resolver | str = BUNDLED) -> tuple[list[Quote], Entities]:
    """Quotes with their attribution, in text order, and the article's resolved entities.

    model: the scorer that weighs the sieves' choice against the other candidates (the
    bundled one by default; None: the sieves decide alone). collect: where given, receives
    (quote index, candidates) for every quote the sieves take for speech, for training.
    pronouns: the model that weighs which entity a pronoun stands for (resolver.py; the
    bundled one by default, Resolver(None): the resolution rules alone).
    """
    if model == BUNDLED:
        model = decide.bundled()
    if pronouns == BUNDLED:
        pronouns = Resolver(resolver.bundled())
    article = replace(read_article(doc, spans), resolver=pronouns)
    earlier: list[Decided] = []
    for index in range(len(spans)):
        decided = _attribute_one(index, article, earlier, model, collect)
        earlier.append(decided if decided.attribution.speaker else replace(decided, entity=None))
    text = doc.text
    quotes = [Quote(article_id, s.start, s.end, text[s.start:s.end], s.paragraph, s.open_mark, s.close_mark,
                    d.attribution, s.continues, s.repairs) for s, d in zip(spans, earlier)]
    return quotes, article.entities


def read_article(doc: ParsedArticle, spans: list[QuoteSpan]) -> Context:
    """The article's Context, with the speech stage's verdict on every quote: what each sieve reads."""
    article = context.build(doc, spans)
    return replace(article, speech=speech.verdicts(article))


def _attribute_one(index: int, c: Context, earlier: Sequence[Decided], model: Scorer | None,
                   collect: list | None) -> Decided:
    """Quote `index` through the stages, given what the quotes before it decided."""
    verdict = c.speech[index]
    if verdict is not None:
        return Decided(verdict)
    sieve, found, rest = _first_answer(index, c, earlier, SIEVES)
    decided = Decided(UNATTRIBUTED) if found is None else speaker(found, rule_name(sieve), index, c, earlier)
    _learn(decided, c.entities)
    if decided.attribution.rule in NOT_SPEECH_RULES or (model is None and collect is None):
        return decided
    opinions = decide.opinions(index, c, earlier, rest)
    options, cues = decide.candidates(index, c, earlier, decided.attribution, opinions)
    if collect is not None:
        collect.append((index, options))
    if model is None:
        return decided
    weighed = decide.weigh(decided, options, cues, model, index, c, earlier)
    _learn(weighed, c.entities)
    return weighed


def _first_answer(index: int, c: Context, earlier: Sequence[Decided],
                  sieves: Sequence[Sieve]) -> tuple[Sieve | None, Finding | None, Sequence[Sieve]]:
    """(the sieve that answered, its finding, the sieves after it), or (None, None, ()) where none did."""
    for position, sieve in enumerate(sieves):
        found = sieve(index, c, earlier)
        if found is not None:
            return sieve, found, sieves[position + 1:]
    return None, None, ()


def _learn(decided: Decided, entities: Entities) -> None:
    """The gender a decided pronoun taught its person. (The mention helpers' nominals and documents
    are attached to their entities by speakers.resolution, as the article's own are.)"""
    if decided.taught is not None:
        entity, gender = decided.taught
        if not entities.entities[entity].gender:
            entities.entities[entity].gender = gender
