"""The word lists attribution relies on, loaded once from the data files in lexicon/.

The lists are data, not code: to teach `quotes` a new speech verb or title, add a
line to the file beside this module. Everything else imports the sets from here.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).parent / "lexicon"


def _lines(name: str) -> list[str]:
    """Non-blank, non-comment lines of one lexicon file."""
    text = (LEXICON_DIR / name).read_text(encoding="utf-8")
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class Title:
    words: tuple[str, ...]   # lower-case words of the title, e.g. ('vice', 'president')
    role: str | None         # the role a nominal mention names ('the mayor'), None for Mr./Ms.
    gender: str | None       # 'm' | 'f' | None


@dataclass(frozen=True)
class Lexicon:
    speech_verbs: frozenset[str]          # every inflected form
    speech_verb_lemma: dict[str, str]     # form -> first form on its line
    cue_phrases: tuple[tuple[str, ...], ...]  # longest first
    cue_nouns: frozenset[str]
    titles: dict[tuple[str, ...], Title]
    title_max_words: int
    title_first_words: frozenset[str]     # first words of titles, to skip most tokens at once
    title_modifiers: frozenset[str]
    roles: frozenset[str]                 # every role word usable as "the <role>"
    pronoun_gender: dict[str, str | None]
    pronoun_refers_to: dict[str, str]
    organisation_words: frozenset[str]
    organisation_acronyms: frozenset[str]
    not_names: frozenset[str]
    cue_fillers: frozenset[str]
    first_name_gender: dict[str, str]     # 'barack' -> 'm', for he/she agreement
    title_contexts: frozenset[str]        # "the book", "titled": a quoted Title Case phrase is a title
    uk_to_us: dict[str, str]              # 'colour' -> 'color', where no rule gives the American form
    ise_words: frozenset[str]             # 'promise': -ise on both sides, never folded to -ize
    possessive_subject: dict[str, str]    # 'her' -> 'she'
    first_name_forms: dict[str, frozenset[str]]   # 'ben' -> {'ben', 'benjamin'}: one first name's forms
    campaign_nouns: frozenset[str]        # 'campaign': the organisation of the person who owns it
    initialled_names: frozenset[str]      # people known with their middle initial: 'George W. Bush'
    stop_words: frozenset[str]            # function words, normalised ('dont'): not evidence of one utterance
    common_words: frozenset[str]          # English words that are rarely names ('correction'; built from UD EWT)
    settings: dict[str, int | float]     # the windows and thresholds of settings.tsv, by name
    word_classes: dict[str, frozenset[str]]  # closed classes of word_classes.tsv ('be', 'determiners'), by name


def _name_forms(lines: list[str]) -> dict[str, frozenset[str]]:
    """Each first name in the lines mapped to every form it shares a line with."""
    forms: dict[str, set[str]] = {}
    for line in lines:
        names = line.split("\t")
        for name in names:
            forms.setdefault(name, set()).update(names)
    return {name: frozenset(found) for name, found in forms.items()}


SETTINGS = ("window_after", "window_before", "reach", "nominal_words", "sentences_back", "dominant_quotes",
            "dominant_share", "shingle", "min_shared", "max_holders", "short_words", "min_content_words",
            "overlap_days", "short_identical_days", "fragment_days")


def _settings(lines: list[str]) -> dict[str, int | float]:
    """settings.tsv as numbers by name; every name of SETTINGS, and no other, exactly once."""
    found: dict[str, int | float] = {}
    for line in lines:
        name, value = line.split("\t")[:2]
        if name not in SETTINGS or name in found:
            raise ValueError(f"lexicon/settings.tsv: {'unknown' if name not in SETTINGS else 'repeated'} setting {name!r}")
        found[name] = int(value) if value.isdigit() else float(value)
    missing = [name for name in SETTINGS if name not in found]
    if missing:
        raise ValueError(f"lexicon/settings.tsv: missing {', '.join(missing)}")
    return found


def _plural_titles(titles: dict[tuple[str, ...], Title]) -> dict[tuple[str, ...], Title]:
    """"Professors Foner", "Senators Cruz and Paul": the plural of a one-word title is a title too,
    never part of a name. It names no role, so "the senators" resolves to no one senator."""
    plural = {}
    for (word, *more) in titles:
        if not more and word.isalpha() and not word.endswith("s") and (word + "s",) not in titles:
            plural[(word + "s",)] = Title((word + "s",), None, None)
    return plural


WORD_CLASSES = ("be", "passive_auxiliaries", "relative_pronouns", "appositive_openers", "inversion_followers",
                "subject_clause_openers", "object_pronouns", "clause_ends", "not_verbs", "subordinators",
                "after_quote_clause_openers", "sentence_final", "determiners", "possessive_marks", "name_particles",
                "nominal_determiners", "prepositions", "small_words", "name_suffixes", "time_words",
                "office_nouns", "verb_particles", "question_verbs", "place_prepositions", "adjunct_prepositions",
                "regnal_titles")


def _word_classes(lines: list[str]) -> dict[str, frozenset[str]]:
    """word_classes.tsv as sets by name; every name of WORD_CLASSES, and no other, exactly once."""
    found: dict[str, frozenset[str]] = {}
    for line in lines:
        name, words = line.split("\t")[:2]
        if name not in WORD_CLASSES or name in found:
            raise ValueError(f"lexicon/word_classes.tsv: {'unknown' if name not in WORD_CLASSES else 'repeated'} class {name!r}")
        found[name] = frozenset(words.split())
    missing = [name for name in WORD_CLASSES if name not in found]
    if missing:
        raise ValueError(f"lexicon/word_classes.tsv: missing {', '.join(missing)}")
    return found


@lru_cache(maxsize=1)
def load() -> Lexicon:
    """The lexicon, read from disk once per process."""
    verbs: dict[str, str] = {}
    for line in _lines("speech_verbs.txt"):
        forms = line.split()
        for form in forms:
            verbs.setdefault(form, forms[0])
    phrases = sorted((tuple(p.split()) for p in _lines("cue_phrases.txt")), key=len, reverse=True)
    titles: dict[tuple[str, ...], Title] = {}
    for line in _lines("titles.txt"):
        title, role, gender = line.split("\t")
        words = tuple(title.split())
        titles[words] = Title(words, None if role == "-" else role, None if gender == "-" else gender)
    titles.update(_plural_titles(titles))
    pronoun_gender, pronoun_refers = {}, {}
    for line in _lines("pronouns.txt"):
        word, gender, refers = line.split("\t")
        pronoun_gender[word] = None if gender == "-" else gender
        pronoun_refers[word] = refers
    roles = {t.role for t in titles.values() if t.role} | {" ".join(w) for w in titles if titles[w].role}
    return Lexicon(
        speech_verbs=frozenset(verbs),
        speech_verb_lemma=verbs,
        cue_phrases=tuple(phrases),
        cue_nouns=frozenset(_lines("cue_nouns.txt")),
        titles=titles,
        title_max_words=max(len(w) for w in titles),
        title_first_words=frozenset(w[0] for w in titles),
        title_modifiers=frozenset(_lines("title_modifiers.txt")),
        roles=frozenset(roles),
        pronoun_gender=pronoun_gender,
        pronoun_refers_to=pronoun_refers,
        organisation_words=frozenset(_lines("organisation_words.txt")),
        organisation_acronyms=frozenset(_lines("organisation_acronyms.txt")),
        not_names=frozenset(w for line in _lines("not_names.txt") for w in line.split()),
        cue_fillers=frozenset(w for line in _lines("cue_fillers.txt") for w in line.split()),
        first_name_gender=dict(line.split("\t") for line in _lines("first_names.tsv")),
        title_contexts=frozenset(_lines("title_contexts.txt")),
        uk_to_us=dict(line.split() for line in _lines("spelling_uk_us.txt")),
        ise_words=frozenset(w for line in _lines("ise_words.txt") for w in line.split()),
        first_name_forms=_name_forms(_lines("nicknames.tsv")),
        possessive_subject=dict(line.split("\t") for line in _lines("possessive_pronouns.txt")),
        campaign_nouns=frozenset(_lines("campaign_nouns.txt")),
        initialled_names=frozenset(_lines("initialled_names.txt")),
        stop_words=frozenset(w for line in _lines("stop_words.txt") for w in line.split()),
        common_words=frozenset(_lines("common_words.txt")),
        settings=_settings(_lines("settings.tsv")),
        word_classes=_word_classes(_lines("word_classes.tsv")),
    )
