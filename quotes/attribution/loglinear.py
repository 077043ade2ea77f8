"""The log-linear model both learned stages use: candidates described by binary features, a
score that is the sum of their features' weights, a softmax over one decision's candidates.

decide.py weighs a quote's candidate sources with it (models/attribution_scorer.json) and
resolver.py a pronoun's candidate entities (models/pronoun_resolver.json); the two files share
this format. Linear on purpose: `--explain` can list which pieces of evidence moved a choice.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..speakers.mentions import Mention

FORMAT = "quotes-attribution-scorer/1"


# The scorer replaces the sieves' answer only with a candidate it finds more likely right than
# not. Below this, its replacements were wrong about as often as right in cross-validation on
# PolNeAR train, and a wrong speaker is worse than none.
MIN_PROBABILITY = 0.5


@dataclass
class Candidate:
    """One possible source of a quote; mention None is "nobody said it" (unattributed)."""
    mention: Mention | None
    features: list[str]
    chosen_by_sieve: bool = False

    @property
    def label(self) -> str:
        return f"'{self.mention.text}'" if self.mention is not None else "nobody"


@dataclass(frozen=True)
class Decision:
    """The scorer's verdict on one quote's candidates."""
    ranked: list[tuple[Candidate, float]]   # every candidate with its probability, most probable first
    sieves_choice: Candidate
    sieves_p: float
    best: Candidate
    best_p: float
    bar: str | None                         # why the best may not replace the sieves' choice, or None

    @property
    def replaced(self) -> bool:
        """Whether the best candidate replaces the sieves' choice."""
        return self.best is not self.sieves_choice and self.bar is None

    @property
    def choice(self) -> Candidate:
        return self.best if self.replaced else self.sieves_choice


@dataclass(frozen=True)
class Scorer:
    weights: dict[str, float]
    margin: float             # how much more probable than the sieves' choice another must be to replace it
    min_probability: float = MIN_PROBABILITY

    def replaces(self, best: float, sieves: float) -> bool:
        """Whether a candidate of probability `best` replaces the sieves' choice of probability `sieves`."""
        return best >= self.min_probability and best - sieves >= self.margin

    def score(self, candidate: Candidate) -> float:
        return sum(self.weights.get(f, 0.0) for f in candidate.features)

    def rank(self, options: list[Candidate]) -> list[tuple[Candidate, float]]:
        """Candidates with their probabilities, most probable first (ties: the sieves' choice, then text order)."""
        scores = [self.score(o) for o in options]
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        ranked = [(o, e / total) for o, e in zip(options, exp)]
        order = sorted(range(len(ranked)), key=lambda i: (-round(ranked[i][1], 12), not options[i].chosen_by_sieve, i))
        return [ranked[i] for i in order]

    def decide(self, options: list[Candidate],
               bar: Callable[[Candidate, Candidate], str | None] | None = None) -> Decision:
        """The sieves' choice, or the most probable candidate where it is probable enough, clearly
        better, and not barred (bar: why a candidate may not replace the sieves' choice, or None)."""
        ranked = self.rank(options)
        sieves_choice, sieves_p = next((o, p) for o, p in ranked if o.chosen_by_sieve)
        best, best_p = ranked[0]
        if best is sieves_choice or not self.replaces(best_p, sieves_p):
            return Decision(ranked, sieves_choice, sieves_p, sieves_choice, sieves_p, None)
        return Decision(ranked, sieves_choice, sieves_p, best, best_p, bar(best, sieves_choice) if bar else None)

    def evidence(self, candidate: Candidate, most: int = 3) -> list[tuple[str, float]]:
        """The features that weigh most for (or against) a candidate, strongest first."""
        weighted = [(f, self.weights.get(f, 0.0)) for f in candidate.features]
        return sorted((w for w in weighted if w[1]), key=lambda w: -abs(w[1]))[:most]

    def as_dict(self) -> dict:
        return {"format": FORMAT, "margin": self.margin, "min_probability": self.min_probability,
                "weights": {f: round(w, 6) for f, w in sorted(self.weights.items()) if w}}


class ScorerError(Exception):
    pass


def from_file(path: Path) -> Scorer:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ScorerError(f"cannot read the attribution scorer {path}: {error}") from error
    if value.get("format") != FORMAT:
        raise ScorerError(f"{path}: not a {FORMAT} file")
    return Scorer({f: float(w) for f, w in value["weights"].items()}, float(value["margin"]),
                  float(value.get("min_probability", MIN_PROBABILITY)))
