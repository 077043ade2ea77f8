"""The same quote in several articles: grouping and classifying the differences (the words
compared and diffed as wording.py does).

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

from collections import Counter
from dataclasses import dataclass, field

from . import dates, lexicon
from .rows import GroupRef, Occurrence, QuoteRow
from .wording import DiffOp, compound_words, contains, content_words, diff, normalise, shared_share, surface, words_of

# The thresholds of lexicon/settings.tsv, which says what each is.
_SETTINGS = lexicon.load().settings
SHINGLE = _SETTINGS["shingle"]
MIN_SHARED = _SETTINGS["min_shared"]
MAX_HOLDERS = _SETTINGS["max_holders"]
SHORT_WORDS = _SETTINGS["short_words"]
MIN_CONTENT_WORDS = _SETTINGS["min_content_words"]
OVERLAP_DAYS = _SETTINGS["overlap_days"]
SHORT_IDENTICAL_DAYS = _SETTINGS["short_identical_days"]
FRAGMENT_DAYS = _SETTINGS["fragment_days"]
KINDS = ("identical", "punctuation", "spelling", "excerpt", "wording")   # least to most serious
RELATIONS = ("identical", "excerpt", "overlap")     # the evidence for one utterance, strongest first
REFERENCE = "reference"


def classify(text: str, reference: str) -> str:
    """How a version differs from the reference version: one of KINDS."""
    if surface(text) == surface(reference):
        return "identical"
    words, ref_words = normalise(text).split(), normalise(reference).split()
    compounds = compound_words(text) != compound_words(reference)
    if words == ref_words:
        return "spelling" if compounds else "punctuation"
    spelled, ref_spelled = words_of(text), words_of(reference)
    if spelled == ref_spelled or "".join(spelled) == "".join(ref_spelled):
        return "spelling"       # criticise/criticize; "active-duty"/"active duty"/"activeduty"
    if contains(ref_spelled, spelled):
        return "excerpt"
    return "wording"


def classify_version(version: "Version", reference: "Version") -> str:
    """How one article's printing differs from the reference printing: one of KINDS.

    Where either is printed in several quotes, the parts are compared too: a version whose
    every part lies within one part of the reference is an excerpt (HuffPost's "white people"
    within "Maybe I can, by speaking directly to white people,"), however the parts read when
    joined.
    """
    kind = classify(version.text, reference.text)
    if kind != "wording" or (len(version.occurrences) == 1 and len(reference.occurrences) == 1):
        return kind
    parts = [words_of(o.text) for o in reference.occurrences]
    if all(any(own == part or contains(part, own) for part in parts)
           for own in (words_of(o.text) for o in version.occurrences)):
        return "excerpt"
    return kind


def classify_part(text: str, reference: "Version") -> str:
    """How one quote differs from the reference: its kind against the closest of the reference's
    parts or the whole reference, so that a quote printing one part unchanged is identical."""
    candidates = [reference.text] + ([o.text for o in reference.occurrences] if len(reference.occurrences) > 1 else [])
    return min((classify(text, candidate) for candidate in candidates), key=KINDS.index)


def shingles(words: list[str]) -> set[tuple[str, ...]]:
    if len(words) < SHINGLE:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


@dataclass(frozen=True)
class Match:
    """One quote of a version, the quote of another version it was judged against, and the evidence."""
    quote: int
    other: int
    evidence: Evidence


@dataclass
class Version:
    """One article's printing of the utterance: its occurrences in text order, read as one text."""
    article: str
    occurrences: list[Occurrence]
    kind: str = REFERENCE
    diff: list[DiffOp] = field(default_factory=list)
    part_kinds: list[str] = field(default_factory=list)   # each occurrence's own kind, in order
    matches: list[Match] = field(default_factory=list)     # why its quotes are in the group

    @property
    def text(self) -> str:
        """The parts read as one text, for comparing versions; never shown as one quotation."""
        return " ".join(o.text.strip() for o in self.occurrences)

    @property
    def shown(self) -> str:
        """The version as printed: each quote in its own marks, parts apart ("“…” […] “…”"), so
        that two quotes an outlet printed apart are never shown as one quotation."""
        return " […] ".join(f"“{o.text.strip()}”" for o in self.occurrences)

    @property
    def why(self) -> str:
        """Why its quotes were grouped, as `quotes diff` prints it ('' for the reference)."""
        return "; ".join(f"quote {m.quote} with quote {m.other}: {m.evidence.describe()}" for m in self.matches)


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


@dataclass(frozen=True)
class Evidence:
    """Why two printings were taken for one utterance: what `quotes diff` shows for each version."""
    relation: str            # 'identical', 'excerpt' (one contains the other) or 'overlap' (words differ)
    words: int               # words in the shorter printing
    shared: float            # share of the shorter's words the other has, in order
    content_shared: float    # the same over content words
    speaker: str | None      # the speaker both name; None where one is unattributed
    days: int | None         # days between the two articles' dates, where both are known

    def describe(self) -> str:
        text = {"identical": f"the same {self.words} words",
                "excerpt": f"all {self.words} words of the shorter printed within the longer",
                "overlap": f"{self.shared:.0%} of the shorter's {self.words} words in order, "
                           f"{self.content_shared:.0%} of its content words"}[self.relation]
        who = f"both name {self.speaker}" if self.speaker else "one printing is unattributed"
        when = ("dates unknown" if self.days is None
                else "printed the same day" if self.days == 0
                else f"printed {self.days} day{'s' if self.days != 1 else ''} apart")
        return f"{text}; {who}; {when}"


def judge(a: Occurrence, b: Occurrence, words_a: list[str] | None = None,
          words_b: list[str] | None = None) -> Evidence | None:
    """The evidence that two printings are one utterance, or None where it is too weak.

    Text first: the same words, one inside the other, or most words shared in order with
    most content words among them (a shared stock phrase is not enough). Then the speaker:
    two named speakers must agree. Then, where both articles' dates are known, time: one
    utterance is reported within days, while a stump line or catchphrase recurs for months.
    The shorter the quote, the more it needs: one under SHORT_WORDS words is a slogan or a
    stock phrase unless the same named speaker printed the same words, or the words inside a
    longer quote of theirs within FRAGMENT_DAYS.
    """
    wa = words_of(a.text) if words_a is None else words_a
    wb = words_of(b.text) if words_b is None else words_b
    if not wa or not wb or a.article == b.article:
        return None
    shorter, longer = sorted((wa, wb), key=len)
    if a.speaker and b.speaker and a.speaker != b.speaker:
        return None
    named = a.speaker if a.speaker and a.speaker == b.speaker else None
    days = abs((a.date - b.date).days) if a.date and b.date else None
    content = content_words(shorter)
    if wa == wb:
        relation, share, content_share = "identical", 1.0, 1.0
    elif contains(longer, shorter):
        relation, share, content_share = "excerpt", 1.0, 1.0
    else:
        share = shared_share(wa, wb)
        content_share = shared_share(content_words(wa), content_words(wb))
        if share < MIN_SHARED or content_share < MIN_SHARED or len(content) < MIN_CONTENT_WORDS:
            return None
        # Reworded printings must name one speaker: an unattributed line that shares most of
        # its words with someone's quote is as often another speaker's, or another occasion.
        if named is None or (days is not None and days > OVERLAP_DAYS):
            return None
        relation = "overlap"
    if len(shorter) < SHORT_WORDS:
        if named is None or not content:
            return None
        if len(shorter) == 1 and days is None:
            return None         # one word ("urges", "disaster") needs the dates to say more
        if relation == "identical" and days is not None and days > SHORT_IDENTICAL_DAYS:
            return None
        if relation == "excerpt" and (days is None or days > FRAGMENT_DAYS):
            return None
    return Evidence(relation, len(shorter), share, content_share, named, days)


def group(occurrences: list[Occurrence]) -> list[list[Occurrence]]:
    """Groups of occurrences of one utterance across at least two articles, in input order.

    Candidates are the printings of the same words, quotes sharing a shingle, and short
    quotes found inside a longer quote of the same speaker; `judge` decides each pair.
    Every member of a group must then pass `judge` against the group's fullest member by
    itself, so that a chain of shared phrases (A~B on one, B~C on another) joins nothing.
    """
    words = [words_of(o.text) for o in occurrences]
    clusters = _Clusters(occurrences, words)
    firsts = _join_same_words(clusters, words)
    _join_shared_runs(clusters, words, _shingle_pairs(occurrences, words, firsts))
    for i, j in _fragments(occurrences, words, firsts):
        clusters.join(i, j)
    out = []
    for members in clusters.members():
        for kept in _anchored(members, occurrences, words):
            found = [occurrences[i] for i in kept]
            if len({o.article for o in found}) > 1:
                out.append(found)
    return out


class _Clusters:
    """Occurrences joined into clusters (union-find): a join needs `judge`'s evidence, and a
    cluster names one speaker, so two clusters whose speakers differ stay apart."""

    def __init__(self, occurrences: list[Occurrence], words: list[list[str]]):
        self.occurrences, self.words = occurrences, words
        self.parent = list(range(len(occurrences)))
        self.speaker_of = [o.speaker for o in occurrences]

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a == b:
            return
        speaker_of = self.speaker_of
        if speaker_of[a] and speaker_of[b] and speaker_of[a] != speaker_of[b]:
            return
        if judge(self.occurrences[i], self.occurrences[j], self.words[i], self.words[j]) is None:
            return
        self.parent[b] = a
        speaker_of[a] = speaker_of[a] or speaker_of[b]

    def members(self) -> list[list[int]]:
        """Each cluster's members, clusters in the order of their first member."""
        clusters: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            clusters.setdefault(self.find(i), []).append(i)
        return list(clusters.values())


def _join_same_words(clusters: _Clusters, words: list[list[str]]) -> list[int]:
    """The same words printed again: every pair within one wording is judged (speakers and
    dates may still part them). Returns the first printing of each wording: only it goes on
    to the shingle index."""
    same_words: dict[tuple[str, ...], list[int]] = {}
    for i, own in enumerate(words):
        if own:
            same_words.setdefault(tuple(own), []).append(i)
    for printings in same_words.values():
        for x in range(len(printings)):
            for y in range(x + 1, len(printings)):
                clusters.join(printings[x], printings[y])
    return [printings[0] for printings in same_words.values()]


def _shingle_pairs(occurrences: list[Occurrence], words: list[list[str]],
                   firsts: list[int]) -> dict[tuple[int, int], int]:
    """Pairs of quotes in different articles that share shingles, with how many they share
    (a shingle held by more than MAX_HOLDERS quotes is boilerplate and counts for none)."""
    index: dict[tuple[str, ...], list[int]] = {}
    for i in firsts:
        if len(words[i]) >= SHINGLE:
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
    return shared


def _join_shared_runs(clusters: _Clusters, words: list[list[str]], shared: dict[tuple[int, int], int]) -> None:
    """Join the pairs that share enough shingles and words to be worth judging."""
    bags = {}
    for (i, j), count in sorted(shared.items()):
        shorter = min(len(words[i]), len(words[j]))
        # Cheap bounds first: a pair sharing MIN_SHARED of the shorter quote's words in order
        # shares that many words at all, and (unless nearly every third word differs) a fair
        # number of three-word runs.
        if count < MIN_SHARED * (shorter - SHINGLE + 1) / 3 or clusters.find(i) == clusters.find(j):
            continue
        a = bags.setdefault(i, Counter(words[i]))
        b = bags.setdefault(j, Counter(words[j]))
        if sum((a & b).values()) < MIN_SHARED * shorter:
            continue
        clusters.join(i, j)


def _fragments(occurrences: list[Occurrence], words: list[list[str]], firsts: list[int]) -> list[tuple[int, int]]:
    """Pairs of a short quote and a longer quote of the same named speaker that contains it,
    printed by articles of known dates at most FRAGMENT_DAYS apart ("not ready" and Paul Ryan's
    "I'm just not ready to do that at this point")."""
    short = [i for i in firsts if len(words[i]) < SHORT_WORDS and occurrences[i].speaker and occurrences[i].date
             and content_words(words[i])]
    speakers = {occurrences[i].speaker for i in short}
    holders: dict[tuple[str, str], list[int]] = {}
    for i in firsts:
        o = occurrences[i]
        if o.speaker in speakers and o.date and len(words[i]) > 1:
            for word in set(content_words(words[i])):
                holders.setdefault((o.speaker, word), []).append(i)
    pairs = []
    for i in short:
        o = occurrences[i]
        rarest = min(content_words(words[i]), key=lambda w: len(holders.get((o.speaker, w), ())))
        for j in holders.get((o.speaker, rarest), ()):
            other = occurrences[j]
            if (other.article != o.article and abs((other.date - o.date).days) <= FRAGMENT_DAYS
                    and contains(words[j], words[i])):
                pairs.append((i, j))
    return pairs


def _anchored(members: list[int], occurrences: list[Occurrence], words: list[list[str]]) -> list[list[int]]:
    """A cluster split so that every member passes `judge` against its part's fullest member.

    Joins chain: A shares a phrase with B, and B another with C, though A and C are different
    statements. Each part keeps the members that `judge` joins to the part's longest member by
    themselves (or, in the longest member's own article, to one of those); the rest are split
    the same way.
    """
    parts = []
    rest = sorted(members)
    while rest:
        anchor = max(rest, key=lambda i: (len(words[i]), -i))
        kept = [i for i in rest if i == anchor
                or judge(occurrences[i], occurrences[anchor], words[i], words[anchor]) is not None]
        # Another part of the anchor's own article's version (an outlet that split the statement
        # around "he said") is judged against the other articles' members instead.
        kept += [i for i in rest if i != anchor and occurrences[i].article == occurrences[anchor].article
                 and any(judge(occurrences[i], occurrences[k], words[i], words[k]) for k in kept)]
        # The same words reported again and again ("extremely careless", quoted for two months)
        # chain in time: each printing within the date limit of another printing of them.
        added = True
        while added:
            added = False
            taken = set(kept)
            for i in rest:
                if i not in taken and any(words[i] == words[k] and judge(occurrences[i], occurrences[k],
                                                                          words[i], words[k]) for k in kept):
                    kept.append(i)
                    added = True
        parts.append(kept)
        taken = set(kept)
        rest = [i for i in rest if i not in taken]
    return parts


def build_groups(occurrences: list[Occurrence]) -> list[Group]:
    """Every group with its versions classified and diffed, numbered by its earliest quote's key
    (the quote id in an index), so that a group keeps its number as the index grows: later
    articles' quotes get higher ids."""
    found = sorted(group(occurrences), key=lambda members: min(o.key for o in members))
    return [build_group(min(o.key for o in members), members) for members in found]


def refs(groups: list[Group]) -> dict[int, GroupRef]:
    """Each grouped quote's GroupRef, keyed by the quote's key."""
    return {o.key: GroupRef(g.id, g.kind, kind, len(g.versions))
            for g in groups for v in g.versions for o, kind in zip(v.occurrences, v.part_kinds)}


def build_group(number: int, members: list[Occurrence]) -> Group:
    """One group from its occurrences: versions per article, the reference, kinds and diffs."""
    by_article: dict[str, list[Occurrence]] = {}
    for o in sorted(members, key=lambda o: (o.article, o.start, o.key)):
        by_article.setdefault(o.article, []).append(o)
    versions = [Version(article, occ) for article, occ in by_article.items()]
    words = {o.key: words_of(o.text) for o in members}
    reference = max(versions, key=lambda v: (len(normalise(v.text).split()), -min(o.key for o in v.occurrences)))
    others = [v for v in versions if v is not reference]
    reference.part_kinds = [REFERENCE] * len(reference.occurrences)
    for version in others:
        version.kind = classify_version(version, reference)
        version.part_kinds = [classify_part(o.text, reference) for o in version.occurrences]
        version.diff = _with_gaps(diff(reference.text, f" {GAP} ".join(o.text.strip() for o in version.occurrences)))
        version.matches = [found for o in version.occurrences if (found := _best_match(o, reference, members, words))]
    kind = max((v.kind for v in others), key=KINDS.index)
    speaker = next((o.speaker for o in members if o.speaker), None)
    return Group(number, speaker, kind, [reference, *others])


def _best_match(quote: Occurrence, reference: Version, members: list[Occurrence],
                words: dict[int, list[str]]) -> Match | None:
    """Why a quote is in its group: its strongest evidence with a quote of the reference version,
    or, where it joined through another version, with that version's quote."""
    for candidates in (reference.occurrences, [o for o in members if o.article != quote.article]):
        found = [Match(quote.key, other.key, evidence) for other in candidates
                 if (evidence := judge(quote, other, words[quote.key], words[other.key])) is not None]
        if found:
            return max(found, key=lambda m: (-RELATIONS.index(m.evidence.relation), m.evidence.shared))
    return None


GAP = "\u2063"       # INVISIBLE SEPARATOR: marks where a version's quotes meet, through the diff


def _with_gaps(ops: list[DiffOp]) -> list[DiffOp]:
    """The diff with each meeting of two quotes as a 'gap' run of its own, so that a version printed
    in parts is never shown as one stitched quotation. The reference has no GAP, so one sits only
    on this version's side of a run."""
    out: list[DiffOp] = []
    for d in ops:
        side = d.new if d.new is not None else d.text
        if GAP not in side:
            out.append(d)
            continue
        pieces = [piece.strip() for piece in side.split(GAP)]
        if d.op in ("spelling", "punctuation"):
            new = " ".join(p for p in pieces if p)
            out.append(DiffOp(d.op, d.text, new) if new else DiffOp("delete", d.text))
            out.append(DiffOp("gap", "[…]"))
            continue
        for k, piece in enumerate(pieces):
            if k:
                out.append(DiffOp("gap", "[…]"))
            if piece:
                out.append(DiffOp(d.op, piece))
    return out


def occurrences_of(rows: list[QuoteRow]) -> list[Occurrence]:
    """Occurrences of the index's quotes, keyed by quote id."""
    day_of = {}     # each article's date, read once for all its quotes
    for r in rows:
        if r.article.id not in day_of:
            day_of[r.article.id] = dates.article_date(r.article.published, r.article.url, r.article.source)[0]
    return [Occurrence(r.id, r.article.id, r.speaker, r.quote.text, r.quote.start, r.quote.end, r.article.outlet,
                       r.quote.attribution.cue.text if r.quote.attribution.cue else None, day_of[r.article.id])
            for r in rows]
