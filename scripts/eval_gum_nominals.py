"""How well `quotes` resolves "the mayor", "the company" to the person or organisation the text
named before, measured on GUM's gold coreference (news by default; never trained on).

    python scripts/eval_gum_nominals.py                 # GUM news documents, about a minute
    python scripts/eval_gum_nominals.py --genre news --genre interview -v
    python scripts/eval_gum_nominals.py --descriptions --genre news   # "the Vermont senator" as a source

For every gold mention of a person or organisation that starts with "the" and ends in a common
noun ("the Indiana governor", "the company") and whose entity GUM names earlier in the document
with a proper name, it asks what `quotes` made of the same words: no mention, a mention left
unresolved, resolved to an entity that holds that earlier name (right) or to another (wrong).
The text is each document's sentences (`# text`), a blank line between paragraphs, run through
this checkout's pipeline and speaker resolution (`speakers.resolution.resolve`), as articles are.
Gold: GUM's `Entity` annotations (CC BY-NC-SA 4.0, ../shared/data/gum). Not part of the tests.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GUM = REPO.parent / "shared" / "data" / "gum"
KINDS = ("person", "organization")
OPENING = re.compile(r"\((\d+)-([a-z]+)-")
CLOSING = re.compile(r"(\d+)\)")
NOUN_PHRASE = ("DET", "ADJ", "NOUN", "PROPN", "NUM", "PART")


@dataclass
class GoldMention:
    entity: str
    kind: str
    start: int          # character offsets into the document text
    end: int
    words: list[tuple[str, str]]   # (form, upos)
    heads: list[int]               # character offset of each word

    def head(self) -> int:
        """Where the head noun starts: the last noun of the words before any clause or
        prepositional phrase ("lead" of "the Star Wars lead", "organization" of "the
        organization founded by …")."""
        at = 0
        for k, (form, upos) in enumerate(self.words[1:], 1):
            if upos not in NOUN_PHRASE:
                break
            if upos == "NOUN":
                at = k
        return self.heads[at]


def read_document(path: Path) -> tuple[str, list[GoldMention]]:
    """The document's text and its gold mentions of people and organisations."""
    text, mentions, open_ = "", [], {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        sentence = next((line[len("# text = "):] for line in lines if line.startswith("# text = ")), None)
        if sentence is None:
            continue
        if text:
            text += "\n\n" if any(line.startswith("# newpar") for line in lines) else " "
        base, cursor = len(text), 0
        text += sentence
        for line in lines:
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 10 or not cols[0].isdigit():
                continue        # a multi-word token's range line, or an empty node
            form, upos, misc = cols[1], cols[3], cols[9]
            at = sentence.find(form, cursor)
            start = base + (at if at >= 0 else cursor)
            if at >= 0:
                cursor = at + len(form)
            annotation = next((part[len("Entity="):] for part in misc.split("|") if part.startswith("Entity=")), "")
            for entity, kind in OPENING.findall(annotation):
                open_.setdefault(entity, []).append(GoldMention(entity, kind, start, start, [], []))
            for stack in open_.values():
                for m in stack:
                    m.words.append((form, upos))
                    m.heads.append(start)
                    m.end = start + len(form)
            # "(12-person-…)" opens and closes on one word; "12)" closes the latest open one.
            closing = CLOSING.findall(re.sub(r"\(\d+-[^()]*?\)", lambda x: x.group(0)[1:x.group(0).index("-")] + ")",
                                             annotation))
            for entity in closing:
                if open_.get(entity):
                    m = open_[entity].pop()
                    if m.kind in KINDS:
                        mentions.append(m)
    return text, sorted(mentions, key=lambda m: (m.start, m.end))


def is_name(m: GoldMention) -> bool:
    """A proper name, perhaps with "the" and small words inside ("Daughters of the American Revolution")."""
    words = [(f, u) for f, u in m.words if f.lower() != "the" and f[:1].isalpha()]
    return bool(words) and words[0][1] == "PROPN" and words[-1][1] == "PROPN"


def is_definite_nominal(m: GoldMention) -> bool:
    return len(m.words) >= 2 and m.words[0][0].lower() == "the" and m.words[-1][1] == "NOUN"


def parsed_documents(paths: list[Path]):
    """Each document's path, text, gold mentions, parse and entities, as `quotes` resolves an article's."""
    from quotes import marks, pipeline
    from quotes.speakers.resolution import resolve

    for path in paths:
        text, gold = read_document(path)
        doc = pipeline.parse(text)
        yield path, text, gold, doc, resolve(doc, set(), marks.paragraphs(text))


def evaluate(paths: list[Path], verbose: bool) -> Counter:
    outcome: Counter = Counter()
    for path, text, gold, doc, entities in parsed_documents(paths):
        names: dict[str, list[GoldMention]] = {}
        for m in gold:
            if is_name(m):
                names.setdefault(m.entity, []).append(m)
                continue
            earlier = [n for n in names.get(m.entity, []) if n.end <= m.start]
            if not is_definite_nominal(m) or not earlier:
                continue
            head = m.head()
            ours = [x for x in entities.mentions if x.start <= head < x.end]
            if not ours:
                result = "no mention"
            else:
                found = ours[0]
                if found.entity is None:
                    result = "unresolved"
                else:
                    spans = [(x.start, x.end) for x in entities.mentions if x.entity == found.entity]
                    right = any(s < n.end and n.start < e for s, e in spans for n in names[m.entity])
                    result = "right" if right else "wrong"
                    if verbose:
                        print(f"  {result:5s} {path.stem}: {text[m.start:m.end]!r} -> "
                              f"{entities.entities[found.entity].name!r} (gold: {earlier[-1].words and text[earlier[-1].start:earlier[-1].end]!r})")
            outcome[result] += 1
            outcome[f"{m.kind}:{result}"] += 1
    return outcome


def evaluate_descriptions(paths: list[Path], verbose: bool) -> Counter:
    """What the speaker stage makes of every definite description of a person ("the governor",
    "the New York businessman": "the", a noun of titles.txt) taken as a quote's source, as
    speakers.resolution.resolve_description resolves it: right (an entity holding a name GUM gives
    the same entity earlier), wrong (another entity, or anyone where GUM names nobody earlier),
    left alone where GUM names the entity earlier (missed) or not (rightly alone)."""
    from quotes.speakers.descriptions import resolve_description
    from quotes.speakers.mentions import nominal_ending_at

    outcome: Counter = Counter()
    for path, text, gold, doc, entities in parsed_documents(paths):
        names: dict[str, list[GoldMention]] = {}
        token_at = {t.start: t.index for t in doc.tokens}
        for m in gold:
            if is_name(m):
                names.setdefault(m.entity, []).append(m)
                continue
            if m.kind != "person" or not is_definite_nominal(m) or m.head() not in token_at:
                continue
            ours = nominal_ending_at(doc, token_at[m.head()])
            if ours is None or not ours.roles or doc.tokens[ours.start_token].text.lower() != "the":
                continue
            earlier = [n for n in names.get(m.entity, []) if n.end <= m.start]
            if not resolve_description(ours, entities, doc):
                result = "missed" if earlier else "rightly alone"
            else:
                spans = [(x.start, x.end) for x in entities.mentions if x.entity == ours.entity]
                right = bool(earlier) and any(s < n.end and n.start < e for s, e in spans for n in earlier)
                result = "right" if right else "wrong"
                if verbose:
                    print(f"  {result:5s} {path.stem}: {text[m.start:m.end]!r} -> "
                          f"{entities.entities[ours.entity].name!r} (gold: "
                          f"{text[earlier[-1].start:earlier[-1].end] if earlier else 'no name before'!r})")
            outcome[result] += 1
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--genre", action="append", help="GUM genre(s) to read (default: news)")
    parser.add_argument("--gum", type=Path, default=GUM, help="folder of GUM .conllu files (default: %(default)s)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every resolved nominal")
    parser.add_argument("--descriptions", action="store_true",
                        help="score the speaker stage's reading of definite descriptions of people as sources")
    args = parser.parse_args()
    paths = sorted(p for g in (args.genre or ["news"]) for p in args.gum.glob(f"GUM_{g}_*.conllu"))
    if not paths:
        print(f"no GUM documents of {args.genre or ['news']} in {args.gum}", file=sys.stderr)
        return 1
    if args.descriptions:
        outcome = evaluate_descriptions(paths, args.verbose)
        resolved = outcome["right"] + outcome["wrong"]
        print(f"{len(paths)} documents, {sum(outcome.values())} definite descriptions of a person taken as sources")
        for key in ("right", "wrong", "missed", "rightly alone"):
            print(f"  {key:13s} {outcome[key]:4d}")
        if resolved:
            print(f"precision {outcome['right'] / resolved:.3f} ({outcome['right']}/{resolved})")
        return 0
    outcome = evaluate(paths, args.verbose)
    total = sum(outcome[k] for k in ("right", "wrong", "unresolved", "no mention"))
    print(f"{len(paths)} documents, {total} definite nominals of a person or organisation named earlier")
    for key in ("right", "wrong", "unresolved", "no mention"):
        print(f"  {key:11s} {outcome[key]:4d}  (person {outcome['person:' + key]}, organisation {outcome['organization:' + key]})")
    resolved = outcome["right"] + outcome["wrong"]
    if resolved:
        print(f"precision {outcome['right'] / resolved:.3f} ({outcome['right']}/{resolved}), "
              f"recall {outcome['right'] / total:.3f} ({outcome['right']}/{total})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
