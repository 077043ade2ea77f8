"""Score `quotes extract` output against gold quotes and sources: `quotes evaluate PRED GOLD_DIR`
(the command is here, `command`, and cli.py adds it to `quotes`).

The gold folder holds `gold.jsonl` (one object per gold quote: `article` (the file-name
stem), `start`, `end`, `source` ({start, end[, parts]} or null), `source_kind`, and
optionally `source_name`) and `text/NAME.txt`. PolNeAR's evaluation folders have this
shape; so can anyone's own gold data.

The judgements are those of PolNeAR's score.py, so the figures agree with it:
- a prediction matches a gold quote when they overlap by at least half of each span, pairs
  made one to one, greedily by overlap;
- mention: on a matched pair, the predicted speaker mention overlaps the gold source
  (a gold quote with no source wants no mention);
- entity: where the gold source has a name token, the predicted speaker or mention contains it;
- end to end: a prediction counts only when matched with the right mention.
Where the folder also holds `speakers.jsonl` (one line per gold quote, in gold.jsonl's order, with
the quote's canonical `speaker`, as PolNeAR's do), two speaker figures are added, with the
judgement of PolNeAR's score_speakers.py (names equal ignoring case, spacing, quote-mark shapes
and a leading "the"): name accuracy over every matched quote whose gold speaker is known, and
speaker resolution *given the right mention*, the second stage's own accuracy (the mention "he"
was right; was he resolved to the right person?), broken down by the kind of gold source.
Beyond score.py it breaks the attribution down by the rule that decided it, by the kind of
mention chosen, and by what the scorer did, so a change can be judged by where it helps.
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import click

from .console import color_option, fail

SOURCE_KINDS = {"pronoun": "pronoun", "name": "name", "nominal": "nominal", "organisation": "other", "empty": "other"}


class GoldError(Exception):
    pass


@dataclass
class Tally:
    """Counts for one row of a table: matched quotes and how many were right."""
    matched: int = 0
    mention: int = 0
    entity_eligible: int = 0
    entity: int = 0
    gold: int = 0
    named_eligible: int = 0     # matched quotes whose gold speaker is known (speakers.jsonl)
    named: int = 0              # ... and the predicted speaker is that name
    resolved_eligible: int = 0  # ... of those, the ones with the right mention
    resolved: int = 0

    def add(self, mention_ok: bool, entity_ok: bool | None, name_ok: bool | None = None) -> None:
        self.matched += 1
        self.mention += mention_ok
        if entity_ok is not None:
            self.entity_eligible += 1
            self.entity += entity_ok
        if name_ok is not None:
            self.named_eligible += 1
            self.named += name_ok
            if mention_ok:
                self.resolved_eligible += 1
                self.resolved += name_ok


@dataclass
class Evaluation:
    predicted: int = 0
    gold: int = 0
    exact: int = 0
    problems: Counter = field(default_factory=Counter)
    overall: Tally = field(default_factory=Tally)
    by_source_kind: dict[str, Tally] = field(default_factory=dict)
    by_rule: dict[str, Tally] = field(default_factory=dict)
    by_mention_kind: dict[str, Tally] = field(default_factory=dict)

    def scores(self) -> dict[str, float]:
        matched, right = self.overall.matched, self.overall.mention
        p, r, f = _prf(matched, self.predicted, self.gold)
        e2e = _prf(right, self.predicted, self.gold)
        return {"quotes_p": p, "quotes_r": r, "quotes_f1": f, "end2end_p": e2e[0], "end2end_r": e2e[1],
                "end2end_f1": e2e[2], "mention": right / matched if matched else 0.0,
                "entity": self.overall.entity / self.overall.entity_eligible if self.overall.entity_eligible else 0.0,
                "name": self.overall.named / self.overall.named_eligible if self.overall.named_eligible else 0.0,
                "resolution": (self.overall.resolved / self.overall.resolved_eligible
                               if self.overall.resolved_eligible else 0.0),
                "exact": self.exact / matched if matched else 0.0}


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p, r = (tp / n_pred if n_pred else 0.0), (tp / n_gold if n_gold else 0.0)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise GoldError(f"cannot read {path}: {error}") from error


def _read_jsonl(path: Path) -> list[dict]:
    return _jsonl_rows(_read_text(path), str(path))


def _jsonl_rows(text: str, source: str) -> list[dict]:
    """One JSON object per non-blank line (`source` names the text in errors)."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise GoldError(f"{source}, line {number}: not JSON ({error.msg})") from error
        if not isinstance(value, dict):
            raise GoldError(f"{source}, line {number}: not a JSON object")
        out.append(value)
    return out


def load_gold(gold_dir: Path) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """Gold quotes by article name, and the article texts. Where speakers.jsonl is there, each gold
    quote also holds its canonical "speaker" (None: the annotators could name nobody)."""
    if not (gold_dir / "gold.jsonl").is_file():
        raise GoldError(f"{gold_dir}: no gold.jsonl (a gold folder holds gold.jsonl and text/NAME.txt)")
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted((gold_dir / "text").glob("*.txt"))}
    golds: dict[str, list[dict]] = {name: [] for name in texts}
    rows = _read_jsonl(gold_dir / "gold.jsonl")
    for g in rows:
        if not all(isinstance(g.get(k), int) for k in ("start", "end")) or "article" not in g:
            raise GoldError(f"{gold_dir / 'gold.jsonl'}: a gold quote without article, start and end: {str(g)[:80]}")
        golds.setdefault(article_name(g["article"]), []).append(g)
    if (gold_dir / "speakers.jsonl").is_file():
        _add_speakers(rows, _read_jsonl(gold_dir / "speakers.jsonl"), gold_dir / "speakers.jsonl")
    return golds, texts


def _add_speakers(rows: list[dict], speakers: list[dict], path: Path) -> None:
    """Each gold quote's canonical speaker, from the line of speakers.jsonl in the same place."""
    if len(speakers) != len(rows):
        raise GoldError(f"{path}: {len(speakers)} lines, gold.jsonl has {len(rows)}")
    for number, (g, s) in enumerate(zip(rows, speakers), 1):
        if (s.get("article"), s.get("start"), s.get("end")) != (g["article"], g["start"], g["end"]):
            raise GoldError(f"{path}, line {number}: not the quote on line {number} of gold.jsonl")
        g["speaker"] = s.get("speaker")


QUOTE_MARK_SHAPES = str.maketrans({**dict.fromkeys("‘’‚‛′`´", "'"), **dict.fromkeys("“”„‟″«»", '"')})


def comparable_name(name) -> str:
    """A speaker name as PolNeAR's score_speakers.py compares it: case, spacing, quote-mark shapes
    and a leading "the" ignored ('' for none)."""
    if not isinstance(name, str):
        return ""
    folded = " ".join(unicodedata.normalize("NFC", name).translate(QUOTE_MARK_SHAPES).split()).casefold()
    return folded[4:] if folded.startswith("the ") else folded


def name_right(predicted: dict, gold: dict) -> bool | None:
    """The predicted speaker is the gold quote's canonical speaker; None where that is unknown."""
    if not gold.get("speaker"):
        return None
    return comparable_name(predicted.get("speaker")) == comparable_name(gold["speaker"]) != ""


def article_name(value) -> str:
    """The gold folder's name of an article: a path's file name, less a .txt, .md or .html ending
    (an index id such as "nyt_2016-01-19_bush.s" keeps its dots)."""
    name = Path(str(value)).name
    for ending in (".txt", ".md", ".html"):
        if name.endswith(ending):
            return name[:-len(ending)]
    return name


def _overlap(a: dict, b: dict) -> int:
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def match(predicted: list[dict], gold: list[dict]) -> list[tuple[int, int]]:
    """(prediction index, gold index) pairs: overlap of at least half of each span, greedy by overlap."""
    options = []
    for i, p in enumerate(predicted):
        for j, g in enumerate(gold):
            shared = _overlap(p, g)
            if shared and 2 * shared >= max(p["end"] - p["start"], g["end"] - g["start"]):
                options.append((-shared, j, i))
    used_p, used_g, pairs = set(), set(), []
    for _, j, i in sorted(options):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def mention_right(mention: dict | None, gold: dict) -> bool:
    source = gold.get("source")
    if source is None:
        return mention is None
    parts = source.get("parts") or [[source["start"], source["end"]]]
    return mention is not None and any(_overlap(mention, {"start": s, "end": e}) for s, e in parts)


def _words(text: str) -> set[str]:
    bare = re.sub(r"['’]s\b", "", text)
    return {w.lower() for w in (w.strip(".,;:!?()[]\"'“”‘’") for w in bare.split()) if w}


def entity_right(predicted: dict, gold: dict) -> bool | None:
    if not gold.get("source_name"):
        return None
    said = " ".join(str(x) for x in (predicted.get("speaker"), (predicted.get("speaker_mention") or {}).get("text")) if x)
    return gold["source_name"].lower() in _words(said)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without whitespace, punctuation or symbols at its ends."""

    def skip(c: str) -> bool:
        return c.isspace() or unicodedata.category(c)[0] in "PS"
    while start < end and skip(text[start]):
        start += 1
    while end > start and skip(text[end - 1]):
        end -= 1
    return start, end


def evaluate(predictions: list[dict], golds: dict[str, list[dict]], texts: dict[str, str]) -> Evaluation:
    result = Evaluation()
    by_article: dict[str, list[dict]] = {}
    for p in predictions:
        name = article_name(p.get("article", ""))
        text = texts.get(name)
        if text is None:
            result.problems["article not in the gold folder (ignored)"] += 1
            continue
        if not (isinstance(p.get("start"), int) and isinstance(p.get("end"), int) and 0 <= p["start"] < p["end"] <= len(text)):
            result.problems["bad start/end (ignored)"] += 1
            continue
        by_article.setdefault(name, []).append(p)
    for name, gold in golds.items():
        predicted = by_article.get(name, [])
        result.predicted += len(predicted)
        result.gold += len(gold)
        for g in gold:
            result.by_source_kind.setdefault(SOURCE_KINDS.get(g.get("source_kind"), "other"), Tally()).gold += 1
        for i, j in match(predicted, gold):
            p, g = predicted[i], gold[j]
            judged = (mention_right(p.get("speaker_mention"), g), entity_right(p, g), name_right(p, g))
            result.exact += _strip(texts[name], p["start"], p["end"]) == _strip(texts[name], g["start"], g["end"])
            result.overall.add(*judged)
            result.by_source_kind[SOURCE_KINDS.get(g.get("source_kind"), "other")].add(*judged)
            result.by_rule.setdefault(str(p.get("rule", "?")), Tally()).add(*judged)
            result.by_mention_kind.setdefault(str(p.get("mention_kind") or "none"), Tally()).add(*judged)
    return result


def _rate(num: int, den: int) -> str:
    return f"{num / den:.3f} ({num}/{den})" if den else "n/a"


def report(result: Evaluation, name: str) -> str:
    """The score table, then breakdowns by gold source kind, by rule and by mention kind; the
    last line is a one-line summary for scripts."""
    s = result.scores()
    lines = [f"{name}: {result.gold} gold quotes, {result.predicted} predicted"]
    lines += [f"  warning: {n} predictions: {problem}" for problem, n in sorted(result.problems.items())]
    lines += [f"{'':24s}{'P':>7s}{'R':>7s}{'F1':>7s}",
              f"{'quotes (50% overlap)':24s}{s['quotes_p']:7.3f}{s['quotes_r']:7.3f}{s['quotes_f1']:7.3f}"
              f"   matched {result.overall.matched}",
              f"{'end-to-end (mention)':24s}{s['end2end_p']:7.3f}{s['end2end_r']:7.3f}{s['end2end_f1']:7.3f}"
              f"   correct {result.overall.mention}",
              f"exact span, of matched:   {_rate(result.exact, result.overall.matched)}",
              f"mention accuracy:         {_rate(result.overall.mention, result.overall.matched)}",
              f"entity accuracy:          {_rate(result.overall.entity, result.overall.entity_eligible)}"]
    speakers = result.overall.named_eligible > 0
    if speakers:
        lines += [f"name accuracy:            {_rate(result.overall.named, result.overall.named_eligible)}"
                  "   (speakers.jsonl)",
                  f"speaker, right mention:   {_rate(result.overall.resolved, result.overall.resolved_eligible)}"
                  "   (resolution given the right mention)"]
    lines += ["", f"{'gold source kind':22s}{'gold':>6s}  {'recall':20s}{'mention':20s}{'entity':20s}"
              + ("speaker, right mention" if speakers else "")]
    for kind, t in sorted(result.by_source_kind.items(), key=lambda x: -x[1].gold):
        lines.append((f"  {kind:20s}{t.gold:6d}  {_rate(t.matched, t.gold):20s}{_rate(t.mention, t.matched):20s}"
                      f"{_rate(t.entity, t.entity_eligible):20s}"
                      + (_rate(t.resolved, t.resolved_eligible) if speakers else "")).rstrip())
    for title, table in (("rule that decided", result.by_rule), ("mention kind chosen", result.by_mention_kind)):
        lines += ["", f"{title:30s}{'matched':>8s}  {'mention right':20s}entity right"]
        for key, t in sorted(table.items(), key=lambda x: -x[1].matched):
            lines.append(f"  {key:28s}{t.matched:8d}  {_rate(t.mention, t.matched):20s}{_rate(t.entity, t.entity_eligible)}")
    lines.append(f"{name} quotes P={s['quotes_p']:.2f} R={s['quotes_r']:.2f} F1={s['quotes_f1']:.2f} | "
                 f"attribution mention={s['mention']:.2f} entity={s['entity']:.2f} | end2end F1={s['end2end_f1']:.2f}")
    return "\n".join(lines)


def read_predictions(path: Path) -> list[dict]:
    """`quotes extract` JSON Lines, or the JSON list `quotes list --format json` prints (whose
    speakers are the index's, linked across articles)."""
    return parse_predictions(_read_text(path), str(path))


def parse_predictions(text: str, source: str) -> list[dict]:
    """Rows from the text of a predictions file (`source` names it in errors)."""
    if text.lstrip().startswith("["):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as error:
            raise GoldError(f"{source}: not a JSON list ({error.msg})") from error
        if not all(isinstance(row, dict) for row in rows):
            raise GoldError(f"{source}: a JSON list whose items are not all objects")
        return rows
    return _jsonl_rows(text, source)


@click.command(name="evaluate")
@click.argument("predictions", type=click.Path(dir_okay=False, allow_dash=True), metavar="PRED.jsonl")
@click.argument("gold_dir", type=click.Path(file_okay=False, exists=True), metavar="GOLD_DIR")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object instead of tables.")
@color_option
def command(predictions, gold_dir, as_json):
    """Score `quotes extract` output against gold quotes and their sources.

    GOLD_DIR holds gold.jsonl (article, start, end, source, source_kind,
    source_name per gold quote) and text/NAME.txt, as PolNeAR's folders do.
    Prints quote P/R/F1, attribution accuracy, and breakdowns by gold source
    kind, by the rule that decided and by the kind of mention chosen. Where
    GOLD_DIR also holds speakers.jsonl (each gold quote's canonical speaker),
    it adds name accuracy and the speaker accuracy given the right mention.
    PRED may also be the JSON list `quotes list --format json` prints, whose
    speakers are the index's, linked across articles.

    \b
    Example:
      quotes extract ../shared/eval/polnear/dev/text > pred.jsonl
      quotes evaluate pred.jsonl ../shared/eval/polnear/dev
      quotes index ../shared/eval/polnear/dev/text --db dev.db
      quotes list --db dev.db --format json > rows.json
      quotes evaluate rows.json ../shared/eval/polnear/dev
    """
    gold = Path(gold_dir)
    try:
        golds, texts = load_gold(gold)
        if predictions == "-":
            found = parse_predictions(sys.stdin.read(), "standard input")
        else:
            found = read_predictions(Path(predictions))
    except GoldError as error:
        fail(str(error))
    result = evaluate(found, golds, texts)
    if as_json:
        by_kind = {kind: {"matched": t.matched, "mention": t.mention, "named": t.named, "named_of": t.named_eligible,
                          "resolved": t.resolved, "resolved_of": t.resolved_eligible}
                   for kind, t in sorted(result.by_source_kind.items())}
        click.echo(json.dumps({"scores": result.scores(), "predicted": result.predicted, "gold": result.gold,
                               "matched": result.overall.matched, "by_source_kind": by_kind}, indent=2))
    else:
        click.echo(report(result, gold.resolve().name))


if __name__ == "__main__":
    # `python -m quotes.evaluate PRED.jsonl GOLD_DIR` is `quotes evaluate`, the same command.
    command()
