"""Train the pronoun resolver (quotes/models/pronoun_resolver.json) on PolNeAR train.

    python training/train_resolver.py [--gold ../shared/eval/polnear] [--folds 5] [--install]

The examples are the quotes whose attributed mention is a pronoun that PolNeAR's gold marks as
the quote's source: for each, the candidates quotes/attribution/resolver.py describes (the
article's entities named in the sentences before the pronoun, the recent speakers, nobody),
labelled with the gold speaker of speakers.jsonl (an entity one of whose names is that
speaker's name or its ending, "Obama" for Barack Obama; nobody where no candidate is, so that
the model learns to say nothing rather than a wrong name). A null gold speaker is skipped: on
train it mostly means the annotators' rule left the pronoun unresolved, not that nobody spoke. The parses are train_attribution's
(step 1 there, cached under training/work/attribution/).

Settings (regularisation, margin over the rules' answer) are chosen by cross-validation on
train by article; dev is reported, never fitted on. The model is a decide.Scorer, fitted by
train_attribution.fit; the rules stay the answer unless the model is clearly surer.
"""
from __future__ import annotations

import argparse
import collections
import json
import logging
import random
from pathlib import Path

if not __package__:            # run as a file, `python training/train_resolver.py`: see as_package.py
    import as_package
    __package__ = as_package.register()

from quotes import attribution, marks  # noqa: E402
from quotes.attribution import resolver  # noqa: E402
from quotes.attribution.loglinear import Scorer  # noqa: E402
from quotes.speakers.names import name_key  # noqa: E402

from .common import checkout_quotes  # noqa: E402
from .train_attribution import DEFAULT_GOLD, WORK, fit, gold_quotes, parses, score_module  # noqa: E402

L2_CHOICES = (1e-4, 1e-3, 1e-2)
MARGIN_CHOICES = (0.1, 0.2, 0.3)     # replacing the rules' answer needs some evidence: never 0
log = logging.getLogger("train_resolver")


def speakers_by_quote(gold: Path, split: str) -> dict[tuple[str, int, int], str | None]:
    """(article, start, end) of each gold quote -> its canonical speaker (speakers.jsonl)."""
    out = {}
    for line in (gold / split / "speakers.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out[(row["article"], row["start"], row["end"])] = row["speaker"]
    return out


def names_speaker(entity, speaker: str) -> bool:
    """Whether one of the entity's names is the speaker's name or its ending ("Obama", "the Times")."""
    wanted = _words(speaker)
    for form in {*entity.forms, entity.name}:
        words = _words(form)
        if words and (words == wanted or (len(words) < len(wanted) and wanted[-len(words):] == words)):
            return True
    return False


def _words(name: str) -> list[str]:
    words = name_key(name).split()
    return words[1:] if words[:1] == ["the"] else words


def examples(items: list, golds: dict, speakers: dict, score) -> list[tuple[str, list, list[int]]]:
    """(article name, candidates, indexes of the right ones) for each pronoun source gold confirms."""
    out = []
    for article, doc in items:
        seen: list = []
        quotes, entities = attribution.attribute(doc, marks.find(article.text), article.id,
                                                 pronouns=resolver.Resolver(None, seen))
        name = Path(article.source).stem
        gold = golds.get(name, [])
        matched = dict(score.match([{"start": q.start, "end": q.end} for q in quotes], gold))
        for index, q in enumerate(quotes):
            a = q.attribution
            if index not in matched or a.mention_kind != "pronoun" or a.mention is None:
                continue
            g = gold[matched[index]]
            if not score.mention_correct({"speaker_mention": {"start": a.mention.start, "end": a.mention.end}}, g):
                continue        # a wrong mention: the first stage's error, not the resolver's
            found = [s for s in seen if (s[0].start, s[0].end) == (a.mention.start, a.mention.end)]
            if not found:
                continue        # resolved by another route (the sentence's subject it repeats)
            _, options, stands_for, _ = found[-1]
            speaker = speakers.get((name, g["start"], g["end"]))
            if not speaker:
                continue        # train leaves most pronoun sources unresolved (null): unknown, not nobody
            right = [i for i, e in enumerate(stands_for)
                     if e is not None and speaker and names_speaker(entities.entities[e], speaker)]
            out.append((name, options, right or [len(options) - 1]))
    return out


def accuracy(model: Scorer | None, data: list) -> float:
    """Share of pronouns resolved right: the model's choice, or the rules' where model is None."""
    right = 0
    for _, options, good in data:
        chosen = next(o for o in options if o.chosen_by_sieve) if model is None \
            else model.decide(options, resolver.overrule_bar).choice
        right += options.index(chosen) in good
    return right / max(1, len(data))


def run(gold: Path, folds: int, install: bool) -> int:
    checkout_quotes()
    score = score_module(gold)
    data = {}
    for split in ("train", "dev"):
        items = parses(split, gold, 1)
        data[split] = examples(items, gold_quotes(gold, split, score), speakers_by_quote(gold, split), score)
        nobody = sum(1 for _, options, right in data[split] if right == [len(options) - 1])
        log.info("examples: %s %d pronoun sources, %d whose speaker is no candidate (nobody)", split,
                 len(data[split]), nobody)
    names = sorted({name for name, _, _ in data["train"]})
    random.Random(0).shuffle(names)
    fold_of = {name: i % folds for i, name in enumerate(names)}
    best = None
    for l2 in L2_CHOICES:
        models = [fit([x for x in data["train"] if fold_of[x[0]] != k], l2, 0.0) for k in range(folds)]
        for margin in MARGIN_CHOICES:
            right = sum(accuracy(Scorer(m.weights, margin), held) * len(held) for m, held in
                        zip(models, ([x for x in data["train"] if fold_of[x[0]] == k] for k in range(folds))))
            cv = right / len(data["train"])
            log.info("settings: l2 %g margin %.1f  train %d-fold CV %.4f", l2, margin, folds, cv)
            if best is None or cv > best[0]:
                best = (cv, l2, margin)
    cv, l2, margin = best
    final = fit(data["train"], l2, margin)
    summary = {"l2": l2, "margin": margin, "train_examples": len(data["train"]), "dev_examples": len(data["dev"]),
               "train_rules": round(accuracy(None, data["train"]), 4), "train_cv": round(cv, 4),
               "dev_rules": round(accuracy(None, data["dev"]), 4), "dev_model": round(accuracy(final, data["dev"]), 4)}
    print(json.dumps(summary, indent=1))
    changed = collections.Counter((next(o for o in options if o.chosen_by_sieve).label,
                                   final.decide(options, resolver.overrule_bar).choice.label) for _, options, _ in data["dev"])
    log.info("dev: %d of %d pronouns resolved otherwise than by the rules",
             sum(n for (a, b), n in changed.items() if a != b), len(data["dev"]))
    target = resolver.MODEL_FILE if install else WORK / "pronoun_resolver.json"
    target.write_text(json.dumps(final.as_dict(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    (WORK / "pronoun_resolver.summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    log.info("resolver: %d weights written to %s", len(final.weights), target)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD,
                        help="PolNeAR folder with train/ and dev/ and score.py (default: %(default)s)")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds on train (default: 5)")
    parser.add_argument("--install", action="store_true", help="write the model into quotes/models/")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    return run(args.gold.resolve(), args.folds, args.install)


if __name__ == "__main__":
    raise SystemExit(main())
