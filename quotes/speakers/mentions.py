"""Finding the mentions of speakers in one parsed article: names ("White House spokeswoman
Abigail Jackson"), pronouns ("he"), nominals ("the mayor", "the city's mayor") and
organisations ("the White House"). Titles are roles, never part of a name.

Where the NER processor ran, its PERSON/ORG tags decide what is a name; without
it, capitalisation and the lexicon do."""
from __future__ import annotations

import bisect
import collections
import re
from dataclasses import dataclass, field

from .. import lexicon
from ..document import ParsedArticle, Token
from .names import SMALL_WORDS, repaired, split_abbreviation, title_at_token

_WORDS = lexicon.load().word_classes

DETERMINERS = _WORDS["determiners"]
POSSESSIVE = _WORDS["possessive_marks"]
NAME_PARTICLES = _WORDS["name_particles"]
NER_PERSON = {"PERSON", "PER"}
NER_ORG = {"ORG", "ORGANIZATION", "NORP_ORG"}
NER_PLACE = {"GPE", "LOC", "LOCATION", "FAC"}
NOMINAL_WORDS = lexicon.load().settings["nominal_words"]     # lexicon/settings.tsv


@dataclass
class Mention:
    start_token: int
    end_token: int                   # exclusive
    start: int                       # character offsets into the article
    end: int
    text: str
    kind: str                        # 'name' | 'organisation' | 'pronoun' | 'nominal'
    sentence: int
    name: str | None = None          # the name without titles, for names and organisations
    roles: tuple[str, ...] = ()      # roles from titles ('mayor') or the nominal's role
    gender: str | None = None
    possessive: bool = False
    tagged_person: bool = False      # NER tagged a word of the name PER
    place: bool = False              # NER tagged every word a place ("Chicago", "China")
    entity: int | None = None        # index into Entities.entities once resolved
    chain: tuple[str, ...] = ()      # how the entity was found, for --explain


_INITIAL = re.compile(r"[^\W\d_]\.")


def _is_capitalised(token: Token) -> bool:
    """A word that starts with a capital ("Johnson", "McCain", "U.S."), not a number."""
    t = token.text
    return bool(t) and t[0].isupper() and any(c.isalpha() for c in t)


def title_case_paragraph(text: str) -> bool:
    """A paragraph written in Title Case, as headlines are: "Trump Was ‘Mocking’ Clinton Camp"."""
    words = [w for w in text.split() if w[:1].isalpha()]
    content = [w for w in words if w.lower() not in SMALL_WORDS]
    return len(words) >= 3 and sum(w[:1].isupper() for w in content) >= 0.8 * len(content)


def find_mentions(doc: ParsedArticle, skip: set[int], paragraphs: list[tuple[int, int]]) -> list[Mention]:
    """Speaker mentions in the tokens outside quotes (token indexes in skip are quoted).

    paragraphs: the article's (start, end) paragraphs (marks.paragraphs), in order.
    """
    lex = lexicon.load()
    tokens = doc.tokens
    headlines = [(s, e) for s, e in paragraphs if title_case_paragraph(doc.text[s:e])]
    headline_starts = [s for s, _ in headlines]
    # How often each word is printed, counted once: a headline name's words are checked against it.
    printed = collections.Counter(t.text for t in tokens) if headlines else collections.Counter()

    def in_headline(token: Token) -> bool:
        k = bisect.bisect_right(headline_starts, token.start) - 1
        return k >= 0 and token.start < headlines[k][1]

    mentions: list[Mention] = []
    i = 0
    while i < len(tokens):
        if headlines and in_headline(tokens[i]) and i not in skip \
                and tokens[i].text.lower() not in lex.pronoun_refers_to:
            found = _headline_name(doc, i, skip, printed)
            if found is not None:
                mentions.append(found)
            i = found.end_token if found is not None else i + 1
            continue
        if i in skip:
            i += 1
            continue
        token = tokens[i]
        low = token.text.lower()
        if low in lex.pronoun_refers_to:
            mentions.append(make_mention(doc, i, i + 1, "pronoun", gender=lex.pronoun_gender.get(low)))
            i += 1
            continue
        found = _noun_phrase(doc, i, skip)
        if found is None:
            i += 1
            continue
        mentions.append(found)
        i = found.end_token
    return mentions


def make_mention(doc: ParsedArticle, first: int, last: int, kind: str, **fields) -> Mention:
    """The Mention of tokens first to last (exclusive), with the article's own characters."""
    tokens = doc.tokens
    start, end = tokens[first].start, tokens[last - 1].end
    return Mention(first, last, start, end, doc.text[start:end], kind, tokens[first].sentence, **fields)


@dataclass
class _Run:
    """The words _noun_phrase has read from its first token: capitalised words, titles and title
    modifiers ("Illinois Democratic Gov. JB Pritzker")."""
    first: int                       # the token the run starts at
    end: int                         # one past the last token read
    name_start: int | None = None    # where the words after the last title start (None: no name yet)
    roles: list[str] = field(default_factory=list)   # the roles of the titles read
    gender: str | None = None        # the gender the titles give ("Mrs.")
    nickname: tuple[int, int] | None = None   # the tokens of a quoted nickname inside the name, marks included


def _noun_phrase(doc: ParsedArticle, i: int, skip: set[int], stop: int | None = None) -> Mention | None:
    """A name, organisation or nominal mention starting at token i, or None.

    Collects a run of capitalised words, titles and title modifiers
    ("Illinois Democratic Gov. JB Pritzker"), then splits it: the words after
    the last title are the name, the titles are roles.
    """
    tokens = doc.tokens
    run = _read_run(tokens, i, skip, len(tokens) if stop is None else stop)
    if run.end == i:
        return None
    possessive = run.end < len(tokens) and tokens[run.end].text in POSSESSIVE
    prev = tokens[i - 1].text.lower() if i > 0 else ""
    if run.name_start is None:
        return _nominal_of_titles(doc, run, prev, possessive)
    return _name_mention(doc, run, prev, possessive)


def _read_run(tokens: tuple[Token, ...], i: int, skip: set[int], stop: int) -> _Run:
    """The run of name words and titles from token i, up to stop, a quoted token or the sentence's end."""
    run = _Run(first=i, end=i)
    sentence = tokens[i].sentence
    while run.end < stop and _same_sentence(tokens, run.end, sentence):
        sentence = tokens[run.end].sentence
        if run.end in skip:
            if _take_nickname(tokens, run, skip, stop):
                continue
            break
        if not (_take_title(tokens, run, skip) or _take_word(tokens, run)):
            break
    return run


NICKNAME_OPENERS = frozenset('"“‘\'') | {"``", "''"}
NICKNAME_CLOSERS = frozenset('"”’\'') | {"''"}


def _take_nickname(tokens: tuple[Token, ...], run: _Run, skip: set[int], stop: int) -> bool:
    """A nickname in quotation marks inside a name, read over: "Marcia "Cia" Price", "John “Tig”
    Tiegen" (the marks found it as a quote of one word; the name goes on after it)."""
    j = run.end
    if run.name_start is None or j + 3 >= stop or tokens[j].text not in NICKNAME_OPENERS \
            or tokens[j + 2].text not in NICKNAME_CLOSERS or not tokens[j + 1].text.isalpha() \
            or not _is_capitalised(tokens[j + 1]) or j + 3 in skip or not _is_capitalised(tokens[j + 3]) \
            or tokens[j + 3].text.lower() in lexicon.load().not_names \
            or not all(_same_sentence(tokens, k, tokens[j].sentence) for k in range(j + 1, j + 4)):
        return False
    run.nickname = (j, j + 3)
    run.end += 3
    return True


def _take_title(tokens: tuple[Token, ...], run: _Run, skip: set[int]) -> bool:
    """Read the title at run.end as a role, where it is one: where nothing name-like came before
    it, or where a name follows ("Chicago Mayor Brandon Johnson": "Chicago" was an affiliation,
    not the name). After "Mr." a title word is the name itself: "Mr. King, 82, said"."""
    j = run.end
    title = title_at_token(tokens, j)
    if title is None:
        return False
    n, found = title
    title_is_name = j > run.first and run.name_start is None and _is_capitalised(tokens[j]) \
        and title_at_token(tokens, j - 1) is not None and not _name_follows(tokens, j + n, skip)
    if title_is_name or (run.name_start is not None and not _name_follows(tokens, j + n, skip)):
        return False
    if found.role:
        run.roles.append(found.role)
    run.gender = found.gender or run.gender
    run.end += n
    run.name_start = None
    return True


def _take_word(tokens: tuple[Token, ...], run: _Run) -> bool:
    """Read the word at run.end into the run: a word of a name, a title modifier, a hyphen inside
    a word or a particle inside a name. False where the run ends before it."""
    lex = lexicon.load()
    j = run.end
    token = tokens[j]
    low = token.text.lower()
    if low in lex.speech_verbs and low.endswith(("s", "ed")) and token.text not in lex.organisation_words:
        return False        # a headline: "Lindsey Graham Says", "Chris Christie Calls Hillary Clinton …"
    if run.name_start is not None and _apostrophe_part(tokens, j):
        run.end += 1        # "O’Donnell", "D’Souza": the tokenizer split the name at its apostrophe
        return True
    if _is_capitalised(token) and not (low in lex.not_names and run.name_start is None and j == run.first):
        if run.name_start is None:
            run.name_start = j
        run.end += 1
        return True
    if low in lex.title_modifiers and run.name_start is None:
        run.end += 1
        return True
    return _take_hyphen(tokens, run) or _take_particle(tokens, run)


def _apostrophe_part(tokens: tuple[Token, ...], j: int) -> bool:
    """Token j is the rest of a name split at its apostrophe: "’Donnell" right after "O"."""
    text = tokens[j].text
    return len(text) > 2 and text[0] in "’'" and text[1].isupper() and tokens[j - 1].end == tokens[j].start


def _take_hyphen(tokens: tuple[Token, ...], run: _Run) -> bool:
    """A hyphen the tokenizer split off inside a word, with the word part after it."""
    j = run.end
    token = tokens[j]
    if not (token.text in ("-", "‐") and j > run.first and j + 1 < len(tokens) and tokens[j - 1].end == token.start
            and token.end == tokens[j + 1].start and tokens[j + 1].text.isalpha()):
        return False
    if _is_capitalised(tokens[j + 1]):
        run.end += 1        # Holtz-Eakin, split by the tokenizer
    else:
        run.end += 2        # "Florida-based Republican strategist Al Cardenas": a modifier, not the name
        run.name_start = None
    return True


def _take_particle(tokens: tuple[Token, ...], run: _Run) -> bool:
    """A particle inside a name, before a capitalised word ("Charles de Gaulle"); "of" only in the
    name of an organisation ("Department of Justice")."""
    j = run.end
    low = tokens[j].text.lower()
    if low in NAME_PARTICLES and run.name_start is not None and j + 1 < len(tokens) \
            and _is_capitalised(tokens[j + 1]) \
            and (low != "of" or any(t.text in lexicon.load().organisation_words for t in tokens[run.name_start:j])):
        run.end += 1
        return True
    return False


def _nominal_of_titles(doc: ParsedArticle, run: _Run, prev: str, possessive: bool) -> Mention | None:
    """A run of titles only: a nominal such as "the mayor" or "the city's mayor", else None."""
    i = run.first
    if run.roles and (prev in DETERMINERS or _after_possessor(doc.tokens, i)):
        first = i - 1 if prev in DETERMINERS else i
        return make_mention(doc, first, run.end, "nominal", roles=tuple(dict.fromkeys(run.roles)), gender=run.gender,
                            possessive=possessive)
    return None


def _name_mention(doc: ParsedArticle, run: _Run, prev: str, possessive: bool) -> Mention | None:
    """The name after the run's last title (the titles are its roles), or None where the words
    left are no speaker's name."""
    lex = lexicon.load()
    tokens = doc.tokens
    end = run.end
    name_tokens = tokens[run.name_start:end]
    # Trim capitalised words that cannot be part of a name at the run's end ("Johnson Saturday").
    while name_tokens and name_tokens[-1].text.lower() in lex.not_names:
        name_tokens = name_tokens[:-1]
        end -= 1
        possessive = False
    # A lone initial is no name: "I." is what is left of "F.B.I." when the tokenizer splits it.
    if not name_tokens or (len(name_tokens) == 1 and _INITIAL.fullmatch(name_tokens[0].text)):
        return None
    while len(name_tokens) > 1 and _lead_in(doc, name_tokens):
        name_tokens = name_tokens[1:]
    # The article's own characters, not tokens joined by spaces ("Holtz-Eakin", not "Holtz - Eakin"),
    # without a quoted nickname: "Marcia "Cia" Price" is Marcia Price.
    text = doc.text[name_tokens[0].start:name_tokens[-1].end]
    if run.nickname is not None and name_tokens[0].index < run.nickname[0] and run.nickname[1] <= name_tokens[-1].index:
        text = doc.text[name_tokens[0].start:tokens[run.nickname[0]].start] + " " \
            + doc.text[tokens[run.nickname[1]].start:name_tokens[-1].end]
        name_tokens = [t for t in name_tokens if not run.nickname[0] <= t.index < run.nickname[1]]
    if len(name_tokens) == 1 and name_tokens[0].index == run.name_start and run.name_start > run.first \
            and tokens[run.name_start - 1].text.lower() in REGNAL_TITLES:
        # "Pope Francis", "Prince Harry", "Queen Elizabeth": the title is how the one name is known.
        text = doc.text[tokens[run.name_start - 1].start:name_tokens[-1].end]
    name = repaired(" ".join(text.split()))
    kind = _name_kind(name_tokens, prev, bool(run.roles))
    if kind is None:
        return None
    first = run.first
    while first < run.name_start and tokens[first].text.lower() in lex.title_modifiers and not run.roles:
        first += 1
    tags = {(t.ner or "O").split("-")[-1] for t in name_tokens}
    return make_mention(doc, first, end, kind, name=name, roles=tuple(dict.fromkeys(run.roles)), gender=run.gender,
                        possessive=possessive, tagged_person=bool(tags & NER_PERSON), place=tags <= NER_PLACE)


def _headline_name(doc: ParsedArticle, i: int, skip: set[int], printed: collections.Counter) -> Mention | None:
    """A name in a Title Case headline, where capitals do not show where it ends ("Black
    Lawmakers Rip Donald Trump"): the words before a colon ("Pence: …"); else, with NER, the
    person or organisation it tagged, exactly; without, capitalised words up to a small word
    or one the article prints in lower case elsewhere ("Obama Sees 'Personal Insult'": "sees")."""
    tokens = doc.tokens
    whole = _noun_phrase(doc, i, skip)
    if whole is not None and whole.end_token < len(tokens) and tokens[whole.end_token].text == ":":
        return whole        # "OK Gov Fallin: Trump Is …": the words before a headline's colon name its speaker
    if tokens[i].ner is not None:
        tag = tokens[i].ner
        if tag[:2] not in ("B-", "S-") or tag[2:] not in NER_PERSON | NER_ORG:
            return None
        end = i + 1
        while tag[:2] == "B-" and end < len(tokens) and end not in skip and tokens[end].ner[:2] in ("I-", "E-"):
            tag = tokens[end].ner
            end += 1
        end = _confirmed_end(tokens, i, end, printed)
    else:
        end = i
        while end < len(tokens) and end not in skip and _is_capitalised(tokens[end]) \
                and tokens[end].text.lower() not in SMALL_WORDS | lexicon.load().not_names \
                and re.search(rf"(?<![\w’']){re.escape(tokens[end].text.lower())}(?!\w)", doc.text) is None:
            end += 1
    if end == i:
        return None
    found = _noun_phrase(doc, i, skip, stop=end)
    return found if found is not None and found.kind != "nominal" else None


def _confirmed_end(tokens: tuple[Token, ...], first: int, end: int, printed: collections.Counter) -> int:
    """Where a name the NER tagged in a Title Case headline ends, once the words at its end that
    the article prints nowhere else are dropped: in Title Case a verb looks like a name
    ("Obama Sees 'Personal Insult'"), and the body names the person again ("Mr. Obama").
    A name the body never repeats keeps the NER's span. printed: how often each word is printed."""
    confirmed = end
    while confirmed - 1 > first and printed[tokens[confirmed - 1].text] < 2:
        confirmed -= 1
    return confirmed if printed[tokens[confirmed - 1].text] >= 2 else end


def _lead_in(doc: ParsedArticle, name_tokens: list[Token]) -> bool:
    """The first word is no part of the person's name that follows it: "Rival Hillary Clinton",
    "Does Rubio", "Republican Donald Trump".

    With NER: the person starts at the second word (B- or S-PERSON), and the first word is one
    the lexicon says is no name or one the article itself prints in lower case ("does",
    "despite"); NER alone also leaves out first names it does not know ("Gene Sperling").
    Without NER: a modifier before a known first name and a surname.
    """
    first, second = name_tokens[0], name_tokens[1]
    lex = lexicon.load()
    low = first.text.lower()
    if first.ner is not None and second.ner is not None:
        return first.ner.split("-")[-1] not in NER_PERSON and second.ner in PERSON_STARTS and (
            low in lex.not_names or low in lex.title_modifiers
            or re.search(rf"(?<!\w){re.escape(low)}(?!\w)", doc.text) is not None)
    return len(name_tokens) > 2 and low in lex.title_modifiers and second.text.lower() in lex.first_name_gender


PERSON_STARTS = {"B-PERSON", "S-PERSON", "B-PER", "S-PER"}


def _same_sentence(tokens: tuple[Token, ...], k: int, sentence: int) -> bool:
    """Token k is in the sentence, or the tokenizer wrongly ended one after "Rep.", "Gov." or an
    initial, or after a title's abbreviation it split from its period ("Capt" ".")."""
    if tokens[k].sentence == sentence:
        return True
    if k >= 2 and split_abbreviation(tokens, k - 2):
        return True
    previous = tokens[k - 1].text if k > 0 else ""
    initial = len(previous) == 2 and previous[0].isupper() and previous[1] == "."
    return previous.endswith(".") and (initial or title_at_token(tokens, k - 1) is not None)


def _name_follows(tokens: tuple[Token, ...], k: int, skip: set[int]) -> bool:
    """True where token k starts a name or another title (so the title before it is a role)."""
    if k >= len(tokens) or k in skip or not _same_sentence(tokens, k, tokens[k - 1].sentence):
        return False
    low = tokens[k].text.lower()
    return (_is_capitalised(tokens[k]) and low not in lexicon.load().not_names) or title_at_token(tokens, k) is not None \
        or low in lexicon.load().title_modifiers


NOMINAL_DETERMINERS = _WORDS["nominal_determiners"]


def nominal_ending_at(doc: ParsedArticle, last: int, limit: int = NOMINAL_WORDS) -> Mention | None:
    """A noun phrase such as "the New York businessman" or "the letter" ending at token last.

    Read back from its head to a determiner; the head's role ("businessman") is kept
    so it can resolve to a person the article named with that title.
    """
    tokens = doc.tokens
    head = tokens[last]
    if not head.text.isalpha() or head.text.lower() in lexicon.load().not_names | lexicon.load().cue_fillers:
        return None
    role = next((t.role for words, t in lexicon.load().titles.items() if words[-1] == head.text.lower() and t.role),
                None)
    roles = (role,) if role else ()
    first = last
    for k in range(last - 1, max(-1, last - limit), -1):
        word = tokens[k].text
        if tokens[k].sentence != head.sentence:
            break
        if word.lower() in NOMINAL_DETERMINERS:
            return make_mention(doc, k, last + 1, "nominal", roles=roles)
        if not (word.replace("-", "").isalnum() or word in POSSESSIVE) or word.lower() in lexicon.load().not_names \
                or _governs_phrase(tokens[k]):
            break
        first = k
    # No determiner: a bare noun phrase ("Oversight Committee Republicans", "73 percent"),
    # taken from the last boundary. Its head is what matters for the citation.
    return make_mention(doc, first, last + 1, "nominal", roles=roles)


def _governs_phrase(token: Token) -> bool:
    """A verb before a noun phrase is no part of it: "said Concord resident" is "Concord resident".
    A participle that modifies the noun is ("the newly elected mayor"); without tags, a speech verb."""
    if token.upos is None:
        return token.text.lower() in lexicon.load().speech_verbs
    return token.upos in ("VERB", "AUX") and token.deprel not in ("amod", "compound")


def nominal_starting_at(doc: ParsedArticle, first: int, stop: int, limit: int = NOMINAL_WORDS) -> Mention | None:
    """A noun phrase opening with a determiner at token first: "said the New York businessman"."""
    tokens = doc.tokens
    if first >= len(tokens) or tokens[first].text.lower() not in NOMINAL_DETERMINERS:
        return None
    last = first
    for k in range(first + 1, min(stop, first + limit)):
        word = tokens[k].text
        if not (word.replace("-", "").isalnum() or word in POSSESSIVE) or word.lower() in ("who", "that", "and") \
                or _time_expression_at(tokens, k):
            break
        last = k
    return nominal_ending_at(doc, last, limit) if last > first else None


def _time_expression_at(tokens: tuple[Token, ...], k: int) -> bool:
    """"Tuesday", "this summer", "last week": the noun phrase before it has ended ("the Sunday Times"
    has not: a capitalised word follows)."""
    word = tokens[k].text.lower()
    if word in ("this", "last", "next") and k + 1 < len(tokens):
        k, word = k + 1, tokens[k + 1].text.lower()
    return word in TIME_WORDS and not (k + 1 < len(tokens) and tokens[k + 1].text[:1].isupper())


TIME_WORDS = _WORDS["time_words"]


def is_possessive(token: Token) -> bool:
    """"’s" split off by the tokenizer, or a word that kept it ("Chicago‘s")."""
    return token.text in POSSESSIVE or (len(token.text) > 2 and token.text[-2:] in POSSESSIVE)


def _after_possessor(tokens: tuple[Token, ...], i: int) -> bool:
    """True for the role in "Chicago's mayor" / "the city's mayor"."""
    return i >= 1 and is_possessive(tokens[i - 1]) and (tokens[i - 1].text not in POSSESSIVE or i >= 2)


def _name_kind(name_tokens: list[Token], prev: str, titled: bool) -> str | None:
    """'name' (a person), 'organisation', or None for words that are not a speaker's name."""
    lex = lexicon.load()
    tags = {(t.ner or "O").split("-")[-1] for t in name_tokens}
    words = [t.text for t in name_tokens]
    if any(w in lex.organisation_words for w in words) or " ".join(words) in lex.organisation_acronyms:
        return "organisation"
    if tags & NER_ORG:
        return "organisation"
    if tags & NER_PERSON or titled:
        return "name"
    if tags <= NER_PLACE:
        # A place speaks as an institution in news ("China said it was opposed").
        return "organisation"
    if prev in DETERMINERS:
        return None         # "the Trump administration", "the Chicago Police": a modifier, not a person
    return "name"


PREPOSITIONS = _WORDS["prepositions"]
REGNAL_TITLES = _WORDS["regnal_titles"]


def after_preposition(doc: ParsedArticle, first: int) -> bool:
    """True for a mention inside a prepositional phrase: "with CNN's Anderson Cooper", "of the mayor"."""
    return preposition_before(doc, first) is not None


def preposition_before(doc: ParsedArticle, first: int) -> str | None:
    """The preposition (lower case) whose phrase the mention at token first is in, or None."""
    k = preposition_index(doc, first)
    return doc.tokens[k].text.lower() if k is not None else None


def preposition_index(doc: ParsedArticle, first: int) -> int | None:
    """The token index of the preposition whose phrase the mention at token first is in, or None."""
    k = first - 1
    # Step back over a possessor ("CNN ’s") or a determiner to the word that governs the phrase.
    for _ in range(4):
        if k < 0:
            return None
        word = doc.tokens[k].text
        if word in POSSESSIVE or word.lower() in DETERMINERS or (_is_capitalised(doc.tokens[k]) and k < first - 1):
            k -= 1
            continue
        break
    return k if k >= 0 and doc.tokens[k].text.lower() in PREPOSITIONS else None
