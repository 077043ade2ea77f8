"""The same quote in several articles: grouping, classifying the differences, word-level diffs.

After normalising (case, quotation marks, dashes, punctuation, whitespace), quotes that
share a run of SHINGLE words are candidates, found through an inverted index of word
shingles so that not all pairs are compared; two candidates are one utterance when most
of the shorter one's words appear in the other, in order, and their speakers agree. A
quote shorter than SHORT_WORDS joins only one of the same named speaker, and every member
of a group must match its fullest member by itself (no chains of shared phrases).

Within a group, each article's printing is a *version*: the group's occurrences in that
article, in text order, read as one text (an outlet that splits a statement around
"Johnson said" prints one version in two quotes). The *reference* version is the one
with the most words (the fullest printing; ties go to the earliest quote indexed), and
every other version is classified against it:

    identical    the same text, typography aside (’/', “/", dashes, spacing, the closing , or .)
    punctuation  the same words; only punctuation or case differ
    spelling     the same words up to British/American spelling or hyphenation
    excerpt      contained in the reference (a partial quote of a longer one)
    wording      words added, removed or changed

A group takes the most serious kind among its versions (the order above).
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from . import lexicon

SHINGLE = 3          # words in a run that makes two quotes candidates for one utterance
MIN_SHARED = 0.6     # share of the shorter quote's words the two must have in common, in order
MAX_HOLDERS = 50     # a shingle in more quotes than this is boilerplate, not evidence
SHORT_WORDS = 6      # a quote shorter than this joins another only with the same named speaker
KINDS = ("identical", "punctuation", "spelling", "excerpt", "wording")   # least to most serious
REFERENCE = "reference"
_PUNCT = re.compile(r"[^\w\s]")
_TOKEN = re.compile(r"[\w’'‘-]+|[^\w\s]")
_QUOTE_MARKS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "—", "―": "—"})


def normalise(text: str) -> str:
    """Lower case, no punctuation or marks, single spaces: 'We’re here!' → 'were here'."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("’", "").replace("'", "")   # we’re → were, so apostrophes never split words
    text = _PUNCT.sub(" ", text)
    return " ".join(text.split())


def spelling_key(word: str) -> str:
    """One spelling for British and American forms: 'criticise' and 'criticize' → 'criticize'."""
    lex = lexicon.load()
    if word in lex.uk_to_us:
        return lex.uk_to_us[word]
    for ending, american in (("isation", "ization"), ("isations", "izations"), ("ising", "izing"),
                             ("ised", "ized"), ("ises", "izes"), ("ise", "ize")):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            base = word[:-len(ending)] + "ise"
            if base in lex.ise_words or word in lex.ise_words:
                return word
            return word[:-len(ending)] + american
    return word


def _surface(text: str) -> str:
    """The text as printed, typography aside: quote-mark styles, dash styles, spacing, end punctuation."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_MARKS)
    return " ".join(text.split()).strip(" ,.;:\"'")


def _spelled(text: str) -> list[str]:
    return [spelling_key(w) for w in normalise(text).split()]


def classify(text: str, reference: str) -> str:
    """How a version differs from the reference version: one of KINDS."""
    if _surface(text) == _surface(reference):
        return "identical"
    words, ref_words = normalise(text).split(), normalise(reference).split()
    compounds = _compounds(text) != _compounds(reference)
    if words == ref_words:
        return "spelling" if compounds else "punctuation"
    spelled, ref_spelled = _spelled(text), _spelled(reference)
    if spelled == ref_spelled or "".join(spelled) == "".join(ref_spelled):
        return "spelling"       # criticise/criticize; "active-duty"/"active duty"/"activeduty"
    if _contains(ref_spelled, spelled):
        return "excerpt"
    return "wording"


def _compounds(text: str) -> list[str]:
    """Words with hyphenated compounds kept whole: 'active-duty' stays one word."""
    return [w for w in re.split(r"[^\w-]+", unicodedata.normalize("NFKC", text).lower().replace("’", ""))
            if w.strip("-")]


def _contains(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return 0 < n < len(longer) and any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def shared_share(a: list[str], b: list[str]) -> float:
    """Words two texts have in common, in order, as a share of the shorter one."""
    if not a or not b:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / min(len(a), len(b))


def shingles(words: list[str]) -> set[tuple[str, ...]]:
    if len(words) < SHINGLE:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


@dataclass(frozen=True)
class Occurrence:
    key: int                 # the caller's id for the quote
    article: str
    speaker: str | None
    text: str
    start: int = 0           # character offsets into the article
    end: int = 0
    outlet: str | None = None
    cue: str | None = None


@dataclass(frozen=True)
class DiffOp:
    """One run of a word-level diff against the reference: 'equal', 'delete' (only in the
    reference), 'insert' (only in this version), 'spelling' (old → new: the same word spelt
    another way) or 'punctuation' (old → new: one mark for another)."""
    op: str
    text: str
    new: str | None = None   # for 'spelling' and 'punctuation': this version's form


@dataclass
class Version:
    """One article's printing of the utterance: its occurrences in text order, read as one text."""
    article: str
    occurrences: list[Occurrence]
    kind: str = REFERENCE
    diff: list[DiffOp] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The parts read as one text, for comparing versions; never shown as one quotation."""
        return " ".join(o.text.strip() for o in self.occurrences)

    @property
    def shown(self) -> str:
        """The version as printed: each quote in its own marks, parts apart ("“…” […] “…”"), so
        that two quotes an outlet printed apart are never shown as one quotation."""
        return " […] ".join(f"“{o.text.strip()}”" for o in self.occurrences)


@dataclass
class Group:
    id: int
    speaker: str | None
    kind: str                # the most serious kind among its versions
    versions: list[Version]  # the reference first, then the others in article order

    @property
    def reference(self) -> Version:
        return self.versions[0]

    @property
    def occurrences(self) -> list[Occurrence]:
        return [o for v in self.versions for o in v.occurrences]

    @property
    def varies(self) -> bool:
        return self.kind != "identical"


def group(occurrences: list[Occurrence]) -> list[list[Occurrence]]:
    """Groups of occurrences of one utterance across at least two articles, in input order.

    Occurrences sharing a shingle are candidates; they join when the words they have
    in common, in order, cover at least MIN_SHARED of the shorter one (one is an
    excerpt of the other, or a few words differ) and their speakers agree, or one
    side is unattributed. A common phrase such as "from the federal government" is
    not enough to join two different quotes.
    """
    parent = list(range(len(occurrences)))
    speaker_of = [o.speaker for o in occurrences]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a == b:
            return
        sa, sb = speaker_of[a], speaker_of[b]
        if sa and sb and sa != sb:
            return
        # A short quote ("Make America great again", "build the wall") is a slogan or stock
        # phrase that many people say on many occasions: only the same named speaker joins it.
        if min(len(words[i]), len(words[j])) < SHORT_WORDS and not (sa and sa == sb):
            return
        parent[b] = a
        speaker_of[a] = sa or sb

    words = [_spelled(o.text) for o in occurrences]
    # The same words printed again are one utterance at once; only the first printing of
    # each wording goes on to the shingle index.
    first_of: dict[tuple[str, ...], int] = {}
    for i, own in enumerate(words):
        if len(own) < 3:
            continue        # "next", "hellhole": too short to tell one utterance from another
        key = tuple(own)
        if key in first_of:
            union(first_of[key], i)
        else:
            first_of[key] = i
    index: dict[tuple[str, ...], list[int]] = {}
    for i in first_of.values():
        for shingle in shingles(words[i]):
            index.setdefault(shingle, []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for holders in index.values():
        if len(holders) > MAX_HOLDERS:
            continue
        for x in range(len(holders)):
            for y in range(x + 1, len(holders)):
                if occurrences[holders[x]].article != occurrences[holders[y]].article:
                    pair = (holders[x], holders[y])
                    shared[pair] = shared.get(pair, 0) + 1
    bags = {}
    for (i, j), count in sorted(shared.items()):
        shorter = min(len(words[i]), len(words[j]))
        # Cheap bounds first: a pair sharing MIN_SHARED of the shorter quote's words in order
        # shares that many words at all, and (unless nearly every third word differs) a fair
        # number of three-word runs.
        if count < MIN_SHARED * (shorter - SHINGLE + 1) / 3 or find(i) == find(j):
            continue
        a = bags.setdefault(i, Counter(words[i]))
        b = bags.setdefault(j, Counter(words[j]))
        if sum((a & b).values()) < MIN_SHARED * shorter:
            continue
        if shared_share(words[i], words[j]) >= MIN_SHARED:
            union(i, j)
    clusters: dict[int, list[int]] = {}
    for i in range(len(occurrences)):
        clusters.setdefault(find(i), []).append(i)
    out = []
    for members in clusters.values():
        for kept in _anchored(members, words):
            found = [occurrences[i] for i in kept]
            if len({o.article for o in found}) > 1:
                out.append(found)
    return out


def _anchored(members: list[int], words: list[list[str]]) -> list[list[int]]:
    """A cluster split so that every member matches its fullest member by itself.

    Joins chain: A shares a phrase with B, and B another with C, though A and C are different
    statements. Each part keeps the members that share MIN_SHARED of their words, in order,
    with the part's longest member; the rest are split the same way.
    """
    parts = []
    rest = sorted(members)
    while rest:
        anchor = max(rest, key=lambda i: (len(words[i]), -i))
        kept = [i for i in rest if i == anchor or words[i] == words[anchor]
                or shared_share(words[i], words[anchor]) >= MIN_SHARED]
        parts.append(kept)
        taken = set(kept)
        rest = [i for i in rest if i not in taken]
    return parts


@dataclass(frozen=True)
class GroupRef:
    """What a quote row shows of its group: the number, kinds and size, without the diffs."""
    id: int
    kind: str                # the group's kind
    version: str             # the kind of the quote's own version ('reference' for the reference)
    articles: int

    @property
    def varies(self) -> bool:
        return self.kind != "identical"


def build_groups(occurrences: list[Occurrence]) -> list[Group]:
    """Every group with its versions classified and diffed, numbered by its earliest quote's key
    (the quote id in an index), so that a group keeps its number as the index grows: later
    articles' quotes get higher ids."""
    found = sorted(group(occurrences), key=lambda members: min(o.key for o in members))
    return [build_group(min(o.key for o in members), members) for members in found]


def refs(groups: list[Group]) -> dict[int, GroupRef]:
    """Each grouped quote's GroupRef, keyed by the quote's key."""
    return {o.key: GroupRef(g.id, g.kind, v.kind, len(g.versions))
            for g in groups for v in g.versions for o in v.occurrences}


def build_group(number: int, members: list[Occurrence]) -> Group:
    """One group from its occurrences: versions per article, the reference, kinds and diffs."""
    by_article: dict[str, list[Occurrence]] = {}
    for o in sorted(members, key=lambda o: (o.article, o.start, o.key)):
        by_article.setdefault(o.article, []).append(o)
    versions = [Version(article, occ) for article, occ in by_article.items()]
    reference = max(versions, key=lambda v: (len(normalise(v.text).split()), -min(o.key for o in v.occurrences)))
    others = [v for v in versions if v is not reference]
    for version in others:
        version.kind = classify(version.text, reference.text)
        version.diff = diff(reference.text, version.text)
    kind = max((v.kind for v in others), key=KINDS.index)
    speaker = next((o.speaker for o in members if o.speaker), None)
    return Group(number, speaker, kind, [reference, *others])


def diff(reference: str, text: str) -> list[DiffOp]:
    """Word-level diff of text against the reference, case and quote-mark style ignored."""
    ref_tokens, ref_space = _tokens(reference)
    tokens, space = _tokens(text)
    matcher = difflib.SequenceMatcher(None, [_fold(t) for t in ref_tokens], [_fold(t) for t in tokens],
                                      autojunk=False)
    ops: list[DiffOp] = []

    def run(seq: list[str], spaces: list[bool], lo: int, hi: int) -> str:
        return "".join((" " if spaces[k] and k > lo else "") + seq[k] for k in range(lo, hi))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = run(ref_tokens, ref_space, i1, i2), run(tokens, space, j1, j2)
        if tag == "equal":
            ops.append(DiffOp("equal", new))
        elif tag == "replace" and not normalise(old) and not normalise(new):
            ops.append(DiffOp("punctuation", old, new))
        elif tag == "replace" and "".join(_spelled(old)) == "".join(_spelled(new)):
            ops.append(DiffOp("spelling", old, new))
        else:
            if i2 > i1:
                ops.append(DiffOp("delete", old))
            if j2 > j1:
                ops.append(DiffOp("insert", new))
    return ops


def _tokens(text: str) -> tuple[list[str], list[bool]]:
    """Words and punctuation marks, and whether whitespace came before each.

    A quotation mark is typography, not a word: it is kept on the token it touches ("safer,”",
    "‘Look"), so that a stray closing mark is never shown as an inserted word.
    """
    tokens, spaces, last = [], [], 0
    for match in _TOKEN.finditer(text):
        spaced = match.start() > last and text[last:match.start()].isspace()
        last = match.end()
        token = match.group()
        if tokens and not spaced and (_is_mark(token) or (_is_mark(tokens[-1]) and len(tokens) == 1)):
            tokens[-1] += token         # "safer," + "”"; an opening "“" + "We"
            continue
        tokens.append(token)
        spaces.append(spaced)
    if len(tokens) > 1 and _is_mark(tokens[0]):
        tokens[1] = tokens[0] + tokens[1]           # a spaced opening mark: "“ We"
        spaces[1] = spaces[0]
        del tokens[0], spaces[0]
    return tokens, spaces


def _is_mark(token: str) -> bool:
    return bool(token) and all(c in QUOTATION_MARKS for c in token)


QUOTATION_MARKS = "\"'“”„‟‘’‚‛«»‹›`´"
_NO_MARKS = str.maketrans("", "", QUOTATION_MARKS)


def _fold(token: str) -> str:
    """A token as compared: case, quotation marks and apostrophe styles aside."""
    return unicodedata.normalize("NFKC", token).lower().translate(_NO_MARKS)


def occurrences_of(rows: list) -> list[Occurrence]:
    """Occurrences of the index's quotes (store.QuoteRow), keyed by quote id."""
    return [Occurrence(r.id, r.article.id, r.speaker, r.quote.text, r.quote.start, r.quote.end, r.article.outlet,
                       r.quote.attribution.cue.text if r.quote.attribution.cue else None) for r in rows]
