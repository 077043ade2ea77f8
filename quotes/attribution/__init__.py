"""Who said each quote: ordered sieves over the tokens around it.

Each sieve is a small function `(quote index, Context) -> Attribution | None`.
They are tried in the order of SIEVES; the first that answers wins and its
name is stored on the quote as `rule`, with the cue, the mention and the
resolution chain, so `--explain` can show a fact-checker why. A quote no sieve
claims stays unattributed: no credible speaker is better than a guessed one.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from typing import Callable

from .. import lexicon, marks
from . import decide
from .candidates import Candidate, CueSubjects, candidates
from ..document import ParsedArticle, Token
from ..records import UNATTRIBUTED, Attribution, Quote, QuoteSpan, Span
from .decide import Scorer
from ..speakers.mentions import (NER_PERSON, NOMINAL_DETERMINERS, POSSESSIVE, Mention, after_preposition,
                                nominal_ending_at, nominal_starting_at, title_case_paragraph)
from ..speakers.names import SMALL_WORDS
from ..speakers.resolution import (Entities, campaign_owner, document_author, resolve, resolve_document,
                                  resolve_nominal, resolve_pronoun)

SENTENCE_FINAL = {".", "!", "?", "…"}
DASHES = ("—", "–", "-", "―", "--")
BE = {"is", "was", "were", "are", "been", "be", "'s", "’s"}
WINDOW_AFTER = 45     # tokens read after a quote for its cue (long appositives included)
WINDOW_BEFORE = 40    # tokens read back from a quote to the start of its sentence
TRANSCRIPT_LABEL = re.compile(r"[\"“'‘]*\s*([A-Z][A-Z.’'\- ]{1,40}):\s*$")


@dataclass
class Context:
    doc: ParsedArticle
    spans: list[QuoteSpan]
    entities: Entities
    first_token: list[int]        # per quote: first token of the quote, its opening mark included
    end_token: list[int]          # per quote: one past its last token, closing mark included
    quote_of_token: dict[int, int]
    paragraph_of_token: list[int]
    paragraph_bounds: list[tuple[int, int]]
    results: list[Attribution]    # attributions decided so far, in quote order
    speaker_entities: list[int | None]  # per decided quote: the speaker's entity index in this article
    name_tokens: set[int]               # tokens inside a name or organisation mention
    dependents: dict[int, list[Token]]  # the parse: head token -> its dependents (empty without a parser)
    pending_entity: int | None = None   # entity of the attribution being built
    probing: bool = False               # sieves asked only for their opinion: they must not teach entities
    headlines: dict[int, bool] = field(default_factory=dict)   # paragraph -> Title Case, once asked


BUNDLED = "bundled"


def attribute(doc: ParsedArticle, spans: list[QuoteSpan], article_id: str = "",
              model: Scorer | None | str = BUNDLED,
              collect: list[tuple[int, list[Candidate]]] | None = None) -> tuple[list[Quote], Entities]:
    """Quotes with their attribution, in text order, and the article's resolved entities.

    model: the scorer that weighs the sieves' choice against the other candidates (the
    bundled one by default; None: the sieves decide alone). collect: where given, receives
    (quote index, candidates) for every quote the sieves take for speech, for training.
    """
    if model == BUNDLED:
        model = decide.bundled()
    context = _context(doc, spans)
    for index in range(len(spans)):
        found = None
        for position, sieve in enumerate(SIEVES):
            found = sieve(index, context)
            if found is not None:
                break
        decided = found or UNATTRIBUTED
        if decided.rule not in NOT_SPEECH_RULES and (model is not None or collect is not None):
            opinions = _opinions(index, context, SIEVES[position + 1:])
            options, cues = _candidates(index, context, decided, opinions)
            if collect is not None:
                collect.append((index, options))
            if model is not None:
                decided = _weigh(decided, options, cues, model, context)
        context.results.append(decided)
        context.speaker_entities.append(context.pending_entity if decided.speaker else None)
        context.pending_entity = None
    text = doc.text
    quotes = [Quote(article_id, s.start, s.end, text[s.start:s.end], s.paragraph, s.open_mark, s.close_mark,
                    a, s.continues, s.repairs) for s, a in zip(spans, context.results)]
    return quotes, context.entities


def _context(doc: ParsedArticle, spans: list[QuoteSpan]) -> Context:
    tokens = doc.tokens
    starts = [t.start for t in tokens]
    first, end, quote_of = [], [], {}
    for q, s in enumerate(spans):
        lo = s.start - len(s.open_mark)
        hi = s.end + len(s.close_mark)
        a = bisect.bisect_left(starts, lo)
        # A token that began before the opening mark but reaches into the quote belongs to it.
        if a > 0 and tokens[a - 1].end > lo:
            a -= 1
        b = bisect.bisect_left(starts, hi)
        first.append(a)
        end.append(max(a, b))
        for t in range(a, b):
            quote_of[t] = q
    bounds = marks.paragraphs(doc.text)
    para_starts = [p[0] for p in bounds]
    paragraph = [max(0, bisect.bisect_right(para_starts, t.start) - 1) for t in tokens]
    entities = resolve(doc, set(quote_of), bounds)
    # Words inside a name are never cues ("Stevie Wonder", "the United States"), nor are words
    # NER put in a place or other entity that is no speaker mention.
    name_tokens = {t for m in entities.mentions if m.kind in ("name", "organisation")
                   for t in range(m.start_token, m.end_token)}
    name_tokens |= {t.index for t in tokens if t.ner not in (None, "O") and t.ner.split("-")[-1] not in NER_PERSON}
    dependents: dict[int, list[Token]] = {}
    for token in tokens:
        if token.head is not None:
            dependents.setdefault(token.head, []).append(token)
    return Context(doc, spans, entities, first, end, quote_of, paragraph, bounds, [], [], name_tokens, dependents)


# --- windows of tokens around a quote ---------------------------------------------------

def _ends_sentence(tokens: tuple[Token, ...], k: int) -> bool:
    """A full stop, ? or ! where the tokenizer also ends the sentence ("R-Ky." inside one does not)."""
    return tokens[k].text in SENTENCE_FINAL and (k + 1 >= len(tokens) or tokens[k + 1].sentence != tokens[k].sentence)


def _after(index: int, c: Context) -> list[Token]:
    """Tokens after the quote up to the end of its sentence, the next quote or the paragraph end.

    A quote that ends its own sentence (“… badge numbers.” Johnson reiterated …) has no
    after-window: what follows is a new sentence about something else.
    """
    tokens = c.doc.tokens
    out: list[Token] = []
    k = c.end_token[index]
    para = c.spans[index].paragraph
    span = c.spans[index]
    last_char = c.doc.text[span.start:span.end].rstrip()[-1:]
    if span.close_mark and k < len(tokens) and last_char in ".!?" and not tokens[k].text[:1].islower() \
            and tokens[k].text not in DASHES:
        # After ! or ? the attribution may still follow, past an appositive:
        # “… Bobby Scott!” Scott's niece, state Del. Marcia Price, shouted to the crowd.
        follow = []
        for t in tokens[k:k + 14]:
            if t.text in SENTENCE_FINAL or (t.index in c.quote_of_token and not follow):
                break
            follow.append(t.text.lower())
        if last_char == "." or not any(w in lexicon.load().speech_verbs for w in follow):
            return out
    while k < len(tokens) and len(out) < WINDOW_AFTER and c.paragraph_of_token[k] == para:
        if k in c.quote_of_token:
            # A nickname inside the speaker's name reads on: “…,” Del. Marcia "Cia" Price shouted.
            inner = c.quote_of_token[k]
            verdict = not_speech(inner, c)
            if verdict is None or verdict.rule != "nickname":
                break
            out.extend(tokens[c.first_token[inner]:c.end_token[inner]])
            k = c.end_token[inner]
            continue
        out.append(tokens[k])
        if _ends_sentence(tokens, k):
            break
        k += 1
    return out


def _before(index: int, c: Context, through_quotes: bool = False) -> list[Token]:
    """Tokens from the start of the quote's sentence (or the previous quote) up to the quote.

    through_quotes: read on past earlier quotes that sit inside the same sentence
    (Johnson called it ‘uncoordinated,’ arguing it ‘has …’), leaving their words out.
    """
    tokens = c.doc.tokens
    out = []
    k = c.first_token[index] - 1
    para = c.spans[index].paragraph
    while k >= 0 and len(out) < WINDOW_BEFORE and c.paragraph_of_token[k] == para \
            and not _ends_sentence(tokens, k):
        inside = c.quote_of_token.get(k)
        if inside is not None:
            quoted = c.doc.text[c.spans[inside].start:c.spans[inside].end].rstrip()
            if not through_quotes or quoted[-1:] in ".!?":
                break
            # A quoted speech verb is still the cue: the order “affirms” police will not “…”.
            if _single_word(quoted):
                out.extend(t for t in tokens[c.first_token[inside]:c.end_token[inside]]
                           if t.text.lower() in lexicon.load().speech_verbs)
            k = c.first_token[inside] - 1
            continue
        out.append(tokens[k])
        k -= 1
    return out[::-1]


def _single_word(text: str) -> bool:
    return len(text.split()) == 1


def quoted_cue(index: int, c: Context) -> Attribution | None:
    """The mayor's order “affirms” …: a quote that is itself one speech verb, its subject before it."""
    span = c.spans[index]
    text = c.doc.text[span.start:span.end].strip(" ,.")
    if not _single_word(text) or text.lower() not in lexicon.load().speech_verbs:
        return None
    window = _before(index, c)
    while window and _is_filler(window[-1]):      # the order also “urges”
        window.pop()
    if not window:
        return None
    quoted = Span(span.start, span.end, c.doc.text[span.start:span.end])
    mention = c.entities.by_end_token.get(window[-1].index) or _nominal(nominal_ending_at(c.doc, window[-1].index), c)
    return _attribution(mention, quoted, "quoted-cue", c) if mention is not None else None


def _next_quote_follows(index: int, window: list[Token], c: Context) -> bool:
    """True where the window runs into the next quote after a colon ("Johnson replied: “…"): a lead-in.

    After a comma (“A,” Scott said, “B.”) the cue serves both halves of a split quote.
    """
    if index + 1 >= len(c.spans) or not window:
        return False
    last = window[-1].index
    return last + 1 == c.first_token[index + 1] and window[-1].text == ":"


def _starts_sentence(index: int, c: Context) -> bool:
    """True for a quote that opens its sentence (not a fragment inside paraphrase)."""
    return not _before(index, c)


# --- cues and mentions ---------------------------------------------------------------------

def _is_filler(token: Token) -> bool:
    low = token.text.lower()
    return low in lexicon.load().cue_fillers or (low.endswith("ly") and len(low) > 3 and low.isalpha())


def _cue_phrase_at(tokens: list[Token], k: int) -> int:
    """Length of the cue phrase ("according to") starting at window position k, or 0."""
    if tokens[k].text.lower() != "according":
        return 0
    for phrase in lexicon.load().cue_phrases:
        words = tuple(t.text.lower() for t in tokens[k:k + len(phrase)])
        if words == phrase:
            return len(phrase)
    return 0


def _subject_before(window: list[Token], k: int, c: Context) -> Mention | None:
    """The mention that ends just before window position k, past fillers ("Johnson has also said")."""
    j = k - 1
    while j >= 0 and _is_filler(window[j]):
        j -= 1
    if window[k].text.lower().endswith("ing") and not any(window[x].text.lower() in BE for x in range(j + 1, k)):
        # "recalled Mr. Obama talking about": an object, not the subject of "talking"; but
        # "footage of Trump saying", "a video with Obama telling": the person shown speaking.
        shown = c.entities.by_end_token.get(window[j].index) if j >= 0 else None
        if shown is not None and shown.kind == "name" and shown.start_token > 0 \
                and c.doc.tokens[shown.start_token - 1].text.lower() in ("of", "with"):
            return shown
        return None
    if j >= 0 and window[j].text == ")":
        # "Sen. Claire McCaskill (D-Mo.) said": step over the parenthesis.
        while j >= 0 and window[j].text != "(":
            j -= 1
        j -= 1
    if j < 0:
        return None
    if window[j].text.lower() in RELATIVE_PRONOUNS and j > 0:
        return _relative_pronoun(window, j, c)
    mention = c.entities.by_end_token.get(window[j].index)
    if mention is None and window[j].text in ("," , "—", "--", "–") and j > 0:
        mention = _before_appositive(window, j, c)
    if mention is None:
        mention = _nominal(nominal_ending_at(c.doc, window[j].index), c)
    return mention


RELATIVE_PRONOUNS = {"who", "which"}


def _relative_pronoun(window: list[Token], j: int, c: Context) -> Mention | None:
    """"Stevie Wonder, who joked …" / "the Police Department which reported …": the relative
    pronoun is the source mention and stands for the noun phrase it follows."""
    k = j - 1
    antecedent = _before_appositive(window, k, c) if window[k].text == "," and k > 0 else None
    if antecedent is None:
        end = k - 1 if window[k].text == "," else k
        antecedent = c.entities.by_end_token.get(window[end].index) if end >= 0 else None
    if antecedent is None or antecedent.kind == "pronoun":
        return None
    token = window[j]
    entity = antecedent.entity if antecedent.kind in ("name", "organisation") or antecedent.roles else None
    return Mention(token.index, token.index + 1, token.start, token.end, token.text, "pronoun", token.sentence,
                   entity=entity, chain=(f"'{token.text}' → '{antecedent.text}' (the noun phrase it follows)",))


def _nominal(mention: Mention | None, c: Context) -> Mention | None:
    """A nominal found at a cue ("the Vermont senator said"), resolved by its role where it has one,
    or by its author where it is a document ("the mayor's order urges")."""
    if mention is not None and mention.roles:
        resolve_nominal(mention, c.entities.mentions, c.entities.entities)
    elif mention is not None:
        resolve_document(mention, c.entities, c.doc)
    return mention


def _title_word(word: str) -> bool:
    """'director', 'spokeswoman': a word that names a role ("McFaul, director of …, said")."""
    return (word,) in lexicon.load().titles


APPOSITIVE_OPENERS = {"a", "an", "the", "who", "whose", "one", "his", "her", "their", "its", "now", "then",
                      "also", "himself", "herself", "which"}


def _before_appositive(window: list[Token], comma: int, c: Context) -> Mention | None:
    """"Hugh Hill, a doctor, said" / "Jason Sims — a teacher — says": the name before the appositive,
    which is set off by the same mark (comma or dash) on both sides.

    Appositives can be stacked ("Scott Pruitt, the attorney general of Oklahoma, one of the
    states suing the EPA, said"): where the words before one appositive are no mention, a place
    (NER) or the object of a preposition ("of Oklahoma"), the search goes on to the mark before them.
    """
    place = None
    for back in range(comma - 1, max(-1, comma - 30), -1):
        if window[back].text == window[comma].text and back > 0:
            opener = window[back + 1].text.lower() if back + 1 < comma else ""
            if not (opener in APPOSITIVE_OPENERS or opener.endswith("ing") or _title_word(opener)
                    or comma - back <= 6):
                return None
            name_end = back - 1
            if window[name_end].text == ")":        # "Rep. Jim Jordan (R-Ohio), an oversight panel member,"
                while name_end > 0 and window[name_end].text != "(":
                    name_end -= 1
                name_end -= 1
            mention = c.entities.by_end_token.get(window[name_end].index) if name_end >= 0 else None
            if mention is not None and not mention.place \
                    and not after_preposition(c.doc, mention.start_token):
                return mention
            place = place or mention
            comma = back
    return place


INVERSION_FOLLOWERS = {",", ".", ";", ":", "!", "?", "—", "in", "on", "at", "during", "after", "before", "when",
                       "while", "who", "according", "to", "from", "last", "this", "earlier", "later", "(", ")",
                       "of", "for", "as", "about"}


def _subject_after(window: list[Token], k: int, c: Context) -> Mention | None:
    """The speaker in an inversion: “…,” said Johnson / “…,” said the mayor, adding …

    Only right after the quote or a comma, only for finite verbs, and only where
    the mention ends the clause; "says Chicago law enforcement will …" is no inversion.
    """
    verb = window[k].text.lower()
    if verb.endswith("ing") or (k > 0 and window[k - 1].text not in (",", "—", ":") and not _is_filler(window[k - 1])):
        return None
    j = k + 1
    while j < len(window) and _is_filler(window[j]):
        j += 1
    if j >= len(window):
        return None
    mention = _mention_starting(window, j, c)
    if mention is None:
        return None
    after = mention.end_token
    last = window[-1].index
    if after <= last and c.doc.tokens[after].text.lower() not in INVERSION_FOLLOWERS:
        return None
    return mention


def _mention_starting(window: list[Token], j: int, c: Context) -> Mention | None:
    """The mention starting at window position j, or after a few lower-case words before it
    ("according to the White House", "according to conservative talk radio host Rush Limbaugh")."""
    if j >= len(window):
        return None
    nominal = nominal_starting_at(c.doc, window[j].index, window[-1].index + 1)
    for k in range(j, min(j + 5, len(window))):
        mention = c.entities.by_start_token.get(window[k].index)
        if mention is not None:
            if nominal is not None and k > j and nominal.end_token != mention.end_token:
                # "said the Florida senator", "said one source who identified Sullivan": the name
                # is a modifier inside the noun phrase, or comes after it.
                return _nominal(nominal, c)
            return mention
        if not window[k].text.isalpha() or not window[k].text.islower():
            break
    return _nominal(nominal, c)


def _find_cue(window: list[Token], c: Context, nearest_last: bool) -> tuple[Span, Mention | None] | None:
    """A speech cue in the window and the speaker mention beside it.

    nearest_last: read the window from its end (cues before a quote are nearest at the end).
    A cue whose mention is found wins over one without. Where the nearest speaker is a
    pronoun or a common noun and an outer clause of the same sentence names a speaker ("Clinton says she
    appreciated … what she calls “…”"), the outer, named one is the attribution.
    """
    found = _cues_with_mentions(window, c, nearest_last)
    with_mention = [(cue, mention) for cue, mention in found if mention is not None]
    if not with_mention:
        return found[0] if found else None
    cue, mention = with_mention[0]
    if mention.kind in ("pronoun", "nominal") and nearest_last:
        opening = window[0].index
        for outer_cue, outer in with_mention[1:]:
            # An outer clause's named speaker, or the pronoun that opens the sentence
            # ("She said she recalls …") speaks for the inner one.
            if outer.kind in ("name", "organisation") or (outer.kind == mention.kind == "pronoun"
                                                          and outer.start_token == opening):
                return outer_cue, outer
    return cue, mention


def _cues_with_mentions(window: list[Token], c: Context, nearest_last: bool) -> list[tuple[Span, Mention | None]]:
    """Every speech cue in the window, in reading order, with its subject mention or None."""
    lex = lexicon.load()
    order = range(len(window) - 1, -1, -1) if nearest_last else range(len(window))
    out = []
    for k in order:
        token = window[k]
        n = _cue_phrase_at(window, k)
        if n:
            cue = Span(token.start, window[k + n - 1].end, c.doc.text[token.start:window[k + n - 1].end])
            out.append((cue, _mention_starting(window, k + n, c)))
        elif token.text.lower() in lex.speech_verbs and not _noun_not_verb(window, k, c):
            cue = Span(token.start, token.end, token.text)
            if _passive(window, k):
                # "Oz has been criticised by physicians for …": the subject is the one spoken
                # about; the speaker, if any, is the agent after "by".
                out.append((cue, _mention_starting(window, k + 2, c) if k + 2 < len(window) else None))
                continue
            mention = _subject_before(window, k, c) or _subject_after(window, k, c)
            if mention is None and not _shares_sentence_subject(window, k):
                mention = _parsed_subject(token, c)
            ends_clause = k + 1 >= len(window) or window[k + 1].text in CLAUSE_ENDS
            if mention is not None and _could_be_noun(token.text) and mention.end_token == token.index \
                    and (_bare_noun_phrase(mention, c)
                         or (after_preposition(c.doc, mention.start_token) and not ends_clause)):
                # "Republican claims", "32% of Republican claims as …": the word is a noun here,
                # not a verb with a subject; but "a narrator in the Clinton ad asks." ends its
                # clause on the verb. "Johnson's executive order also urges": a word between
                # makes it a verb.
                mention = None
            if mention is not None and mention.kind == "pronoun" and mention.text.lower() == "it" \
                    and not _organisation_before(mention, c) and not document_author(mention, c.entities, c.doc):
                mention = None      # "said it would tell …": 'it' is a thing, not a speaker
            out.append((cue, mention))
    return out


# Verbs that share the subject of the verb they depend on in UD: "Trump called it … and added",
# "she went on to say".
SUBJECT_SHARING = ("conj", "xcomp")
SUBJECT_TAGS = ("NOUN", "PROPN", "PRON")    # "despite" parsed as a subject is no speaker
VERB_TAGS = ("VERB", "AUX")


def _shares_sentence_subject(window: list[Token], k: int) -> bool:
    """"to accuse", "and said": word order says the cue's subject is the sentence's, which
    cue-sentence-subject finds; the parse of such clauses was wrong as often as right on PolNeAR
    train. An -ing cue ("a statement calling the plan …") is left to the parse."""
    return _cue_lacks_subject(window, k) and not window[k].text.lower().endswith("ing")


def _parsed_subject(verb: Token, c: Context) -> Mention | None:
    """The speech verb's subject in the dependency parse, where the word-order rules found none:
    "Clinton, whose campaign has struggled …, told reporters", "A federal lawsuit … alleging".

    Only a subject outside every quote, and only a mention the article's speakers know or a noun
    phrase ending at the subject's head word. Without a parser there are no dependents: None.
    """
    subject = _subject_of(verb, c)
    if subject is None and verb.deprel in SUBJECT_SHARING and verb.head is not None \
            and c.doc.tokens[verb.head].upos in VERB_TAGS:
        subject = _subject_of(c.doc.tokens[verb.head], c)
    if subject is None or subject.index in c.quote_of_token or subject.text.lower() in RELATIVE_PRONOUNS \
            or subject.upos not in SUBJECT_TAGS:
        return None
    mention = c.entities.by_end_token.get(subject.index) or next(
        iter(c.entities.near(subject.index, subject.index + 1)), None)     # the mention holding it
    if mention is None:
        mention = _nominal(nominal_ending_at(c.doc, subject.index), c)
    # A subject right before the verb is one the word-order rules have already judged and
    # declined ("recalled Mr. Obama talking about": an object, which parsers often misread).
    if mention is None or (verb.index - mention.end_token <= 1 and subject.index < verb.index):
        return None
    return replace(mention, chain=mention.chain + (f"'{subject.text}' is the subject of '{verb.text}' in the parse",))


def _subject_of(verb: Token, c: Context) -> Token | None:
    """The verb's nsubj dependent; of several (a misparse), the nearest before the verb."""
    subjects = [t for t in c.dependents.get(verb.index, ()) if t.deprel == "nsubj"]
    before = [t for t in subjects if t.index < verb.index]
    return before[-1] if before else (subjects[0] if subjects else None)


PASSIVE_AUXILIARIES = BE | {"being", "get", "gets", "got", "gotten"}
CLAUSE_ENDS = {".", ",", ";", "!", "?", ":"}


def _passive(window: list[Token], k: int) -> bool:
    """"was accused by", "has been criticised by": a speech verb in the passive, its agent after "by"."""
    if k + 1 >= len(window) or window[k + 1].text.lower() != "by":
        return False
    j = k - 1
    while j >= 0 and (_is_filler(window[j]) or window[j].text.lower() in PASSIVE_AUXILIARIES):
        if window[j].text.lower() in PASSIVE_AUXILIARIES:
            return True
        j -= 1
    return False


def _could_be_noun(word: str) -> bool:
    """Base and -s forms of a speech verb can be nouns (a report, claims); said, told, wrote cannot."""
    form = word.lower()
    lemma = lexicon.load().speech_verb_lemma.get(form, form)
    return form in (lemma, lemma + "s", lemma + "es", lemma[:-1] + "ies")


def _bare_noun_phrase(mention: Mention, c: Context) -> bool:
    return mention.kind == "nominal" and c.doc.tokens[mention.start_token].text.lower() not in NOMINAL_DETERMINERS


NOUN_TAGS = ("NOUN", "PROPN")


def _noun_not_verb(window: list[Token], k: int, c: Context) -> bool:
    """True where a speech-verb word is used as a noun or a name.

    "Stevie Wonder", "the United States": inside a name. "a call", "his remarks",
    "Trump's claims": a base or -s form right after a determiner or possessive.
    "angry posts": one the tagger reads as a noun after an adjective (where the tagger ran).
    """
    token = window[k]
    if token.index in c.name_tokens:
        return True
    if not _could_be_noun(token.text) or k == 0:
        return False
    if token.upos in NOUN_TAGS and token.text.islower() and window[k - 1].upos == "ADJ":
        # "early-morning tweets", "new questions": the tagger read a noun after an adjective.
        # Only there: after a noun phrase ("the document states", "Conway notes") the tagger
        # misreads the verb as often as not, and in a Title Case headline every word is a name.
        return True
    before = window[k - 1].text
    return before.lower() in NOMINAL_DETERMINERS or before in ("’s", "'s")


def _organisation_before(mention: Mention, c: Context) -> bool:
    return any(e.kind == "organisation" and e.first_seen < mention.start for e in c.entities.entities)


def _attribution(mention: Mention | None, cue: Span | None, rule: str, c: Context,
                 extra: tuple[str, ...] = ()) -> Attribution:
    """An Attribution for a mention: its entity's canonical name where it resolved."""
    if mention is None:
        return Attribution(None, None, None, None, cue, rule, extra + ("no speaker mention beside the cue",))
    if mention.kind == "pronoun" and mention.text.lower() not in RELATIVE_PRONOUNS:
        # A copy: the article's own mention stays as the mention finder left it.
        mention = replace(mention, entity=None, chain=())
        resolve_pronoun(mention, c.entities, c.doc, _recent_speakers(c), learn_gender=not c.probing)
        mention = _sentence_subject_for(mention, c)
    entity = c.entities.entity_of(mention)
    c.pending_entity = mention.entity
    span = Span(mention.start, mention.end, mention.text)
    chain = extra + mention.chain
    if entity is None and mention.kind == "nominal":
        owner = campaign_owner(mention, c.entities, c.doc, _recent_speakers(c))
        if owner is not None:
            name = f"{c.entities.entities[owner].name} campaign"
            return Attribution(name, "organisation", span, mention.kind, cue, rule,
                               chain + (f"'{mention.text}' → {name} (the campaign of "
                                        f"{c.entities.entities[owner].name})",))
    if entity is None:
        return Attribution(None, None, span, mention.kind, cue, rule,
                           chain + (f"'{mention.text}' could not be resolved to a person: left unattributed",))
    return Attribution(entity.name, entity.kind, span, mention.kind, cue, rule, chain)


# Words before a pronoun that make it part of a clause the sentence's subject governs.
SUBJECT_CLAUSE_OPENERS = {"what", "and", "but"}


def _sentence_subject_for(pronoun: Mention, c: Context) -> Mention:
    """"Trump took to Twitter … to check out what he called Machado’s “sex tape”" / "Kerry said …,
    and he urged …": the source is the name that opens the sentence, when the pronoun stands for
    it and sits in a clause ("what he called", "and he urged") before the quote; otherwise the
    pronoun itself ("“…,” she said" is the pronoun's own attribution)."""
    index = len(c.results)
    if pronoun.start_token == 0 or index >= len(c.spans) or pronoun.start > c.spans[index].start \
            or c.doc.tokens[pronoun.start_token - 1].text.lower() not in SUBJECT_CLAUSE_OPENERS:
        return pronoun
    earlier = [m for m in c.entities.mentions if m.sentence == pronoun.sentence and m.start < pronoun.start]
    if not earlier or earlier[0].possessive:
        return pronoun
    subject = earlier[0]
    # "It’s denouncing what it calls …": the same pronoun opening the sentence.
    same_pronoun = subject.kind == "pronoun" and subject.text.lower() == pronoun.text.lower()
    # "Putney, the police chief, said …, but he said …": a person opening the sentence is who
    # a he/she in its coordinated clause stands for.
    owner = c.entities.entity_of(subject)
    coordinated_person = (owner is not None and owner.kind == "person" and subject.kind != "pronoun"
                          and c.doc.tokens[pronoun.start_token - 1].text.lower() in ("and", "but")
                          and pronoun.gender is not None and owner.gender in (None, pronoun.gender))
    if not same_pronoun and not coordinated_person \
            and (pronoun.entity is None or subject.entity != pronoun.entity or subject.kind == "pronoun"):
        return pronoun
    if same_pronoun:
        subject = replace(subject, entity=pronoun.entity)
    return replace(subject, chain=pronoun.chain + (f"'{pronoun.text}' repeats the sentence's subject '{subject.text}'",))


def _recent_speakers(c: Context) -> list[int]:
    """Entities that spoke the latest quotes, if those sit in this paragraph or the one before."""
    index = len(c.results)
    paragraph = c.spans[index].paragraph if index < len(c.spans) else 0
    # Backwards from the latest quote, to the paragraph before (quotes are in paragraph order).
    for q in range(len(c.speaker_entities) - 1, -1, -1):
        if c.spans[q].paragraph < paragraph - 1:
            break
        if c.speaker_entities[q] is not None:
            return [c.speaker_entities[q]]
    return []


def _title_case(text: str, most: int) -> bool:
    """"State of the Union", "Make Your Kid a Millionaire": every word capitalised but small ones."""
    words = [w for w in (w.strip(".,!?;:’'\"") for w in text.split()) if w]
    if not 0 < len(words) <= most or not (words[0][:1].isupper() or words[0][:1].isdigit()):
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in SMALL_WORDS for w in words)


def not_speech(index: int, c: Context) -> Attribution | None:
    """Titles of shows and books, and nicknames, are quoted but nobody said them.

    on CNN's “State of the Union”, the book ''Make Your Kid a Millionaire'', Rep. Robert C. "Bobby" Scott.
    """
    span = c.spans[index]
    text = c.doc.text[span.start:span.end]
    tokens = c.doc.tokens
    first, end = c.first_token[index], c.end_token[index]
    if _headline(span.paragraph, c):
        return None         # in a Title Case headline every word is capitalised anyway
    before = tokens[first - 1] if first > 0 else None
    after = tokens[end] if end < len(tokens) else None
    # Between two name words (Rep. Robert C. "Bobby" Scott) or after a lower-case word
    # (television personality ‘Dr. Phil’ McGraw), with no speech verb just after: “Yes,” Scott said.
    following = {t.text.lower() for t in tokens[end:end + 3]}
    if _title_case(text, 3) and before is not None and after is not None and _is_name_word(after) \
            and text.rstrip()[-1:].isalnum() and after.sentence == before.sentence \
            and (_is_name_word(before) or (before.text.isalpha() and before.text.islower())) \
            and not following & lexicon.load().speech_verbs:
        return Attribution(None, None, None, None, None, "nickname",
                           (f"a name in quotation marks between '{before.text}' and '{after.text}': a nickname",))
    if _title_case(text, 8) and before is not None:
        context = [t.text.lower() for t in tokens[max(0, first - 2):first]]
        if any(w in lexicon.load().title_contexts for w in context) or before.text in ("’s", "'s") \
                or before.text.endswith(("’s", "'s")):
            return Attribution(None, None, None, None, None, "title",
                               (f"a Title Case phrase after '{' '.join(context)}': the title of a work",))
    return None


def _headline(paragraph: int, c: Context) -> bool:
    """A paragraph written in Title Case: "Trump Was ‘Mocking’ Clinton Camp"."""
    if paragraph not in c.headlines:     # asked for each quote: a paragraph of thousands is read once
        start, end = c.paragraph_bounds[paragraph]
        c.headlines[paragraph] = title_case_paragraph(c.doc.text[start:end])
    return c.headlines[paragraph]


def _first_token_of(paragraph: int, c: Context) -> int | None:
    """The paragraph's first token, or None where it has none (paragraph_of_token never decreases)."""
    t = bisect.bisect_left(c.paragraph_of_token, paragraph)
    return t if t < len(c.paragraph_of_token) and c.paragraph_of_token[t] == paragraph else None


def _is_name_word(token: Token) -> bool:
    return token.text[:1].isupper() and token.text.lower() not in lexicon.load().not_names


NOT_SPEECH_RULES = ("title", "nickname", "scare-quote")


# --- the sieves ----------------------------------------------------------------------------

def transcript_label(index: int, c: Context) -> Attribution | None:
    """"WALLACE: …" inside a quote: the label names the speaker."""
    span = c.spans[index]
    para_start = c.paragraph_bounds[span.paragraph][0] if c.paragraph_bounds else 0
    # Matched in place, not on a copy of the paragraph up to the quote (one per quote).
    match = TRANSCRIPT_LABEL.match(c.doc.text, para_start, span.start)
    if not match:
        return None
    label = match.group(1).strip()
    start = match.start(1)
    mention = Span(start, start + len(label), c.doc.text[start:start + len(label)])
    name = _entity_for_label(label, c) or label.title()
    # The colon ends the matched label, not the stripped one: "WALLACE :" has a space between.
    colon = match.end(1)
    return Attribution(name, "person", mention, "name", Span(colon, colon + 1, ":"),
                       "transcript-label", (f"transcript label '{label}' → {name}",))


def _entity_for_label(label: str, c: Context) -> str | None:
    key = label.lower().split()[-1]
    names = {e.name for e in c.entities.entities if e.kind == "person"
             and any(f.lower().split()[-1] == key for f in e.forms)}
    return names.pop() if len(names) == 1 else None


def cue_after_quote(index: int, c: Context) -> Attribution | None:
    """“…,” Johnson said. / “…,” said Johnson, the city's mayor. / “…” according to the mayor."""
    window = _after(index, c)
    if _next_quote_follows(index, window, c):
        return None
    opening = [t.text.lower() for t in window[:2] if t.text != ","][:1]
    if opening and opening[0] in AFTER_QUOTE_CLAUSE_OPENERS:
        return None     # “That makes me smart,” when Clinton blasted him / “…,” but he said: another clause
    found = _find_cue(window, c, nearest_last=False)
    if found is None or found[1] is None:
        return None
    # A fragment inside a sentence goes with the nearer cue: "what he described as the “…”
    # plan …, AP reported" is the mayor's phrase, reported by AP.
    before = _before(index, c, through_quotes=True)
    earlier = _find_cue(before, c, nearest_last=True) if before else None
    if earlier is not None and earlier[1] is not None:
        distance_after = next(k for k, t in enumerate(window) if t.start == found[0].start)
        distance_before = len(before) - next(k for k, t in enumerate(before) if t.start == earlier[0].start)
        if distance_before < distance_after:
            return None
    return _attribution(found[1], found[0], "cue-after-quote", c)


def cue_before_quote(index: int, c: Context) -> Attribution | None:
    """Johnson said: “…” / He accused the president of “…” / According to the mayor, “…”."""
    window = _before(index, c, through_quotes=True)
    found = _find_cue(window, c, nearest_last=True)
    if found is None:
        return None
    if found[1] is not None:
        return _attribution(found[1], found[0], "cue-before-quote", c)
    # "Trump took to Twitter to accuse Clinton's campaign of being “duped”": the cue has no
    # subject of its own, so the sentence's subject speaks, if the sentence opens with one.
    position = next(k for k, t in enumerate(window) if t.start == found[0].start)
    if not _cue_lacks_subject(window, position):
        return None
    subject = _sentence_subject(window, c)
    if subject is None:
        return None
    return _attribution(subject, found[0], "cue-sentence-subject", c)


OBJECT_PRONOUNS = {"him", "her", "them", "us", "me"}


def _cue_lacks_subject(window: list[Token], k: int) -> bool:
    """True for "to accuse", "accusing", "and said": a cue whose subject is the sentence's.

    "Workers call it" has a subject of its own, which is not a named speaker.
    """
    verb = window[k].text.lower()
    j = k - 1
    while j >= 0 and _is_filler(window[j]):
        j -= 1
    before = window[j].text.lower() if j >= 0 else ""
    if verb.endswith("ing") and (before in OBJECT_PRONOUNS or (j >= 1 and window[j - 1].text.lower() == "with")):
        return False    # "with him likening it to a war zone": the -ing verb has a subject of its own
    return verb.endswith("ing") or before in ("to", "and", ",", "but", "then")


def _sentence_subject(window: list[Token], c: Context) -> Mention | None:
    """The mention opening the sentence, or opening it after an introductory phrase ("On Monday, …")."""
    starts = [0] + [k + 1 for k, t in enumerate(window[:25]) if t.text == ","][:2]
    for k in starts:
        if k < len(window):
            mention = _mention_starting(window, k, c)
            if mention is not None and _can_open_sentence(mention, c):
                return mention
    return None


def _can_open_sentence(mention: Mention, c: Context) -> bool:
    """A speaker opening a sentence: not "Shortly", "Speaking" or "a joke"."""
    if mention.kind == "nominal":
        head = c.doc.tokens[mention.end_token - 1].text.lower()
        determiner = c.doc.tokens[mention.start_token].text.lower() in NOMINAL_DETERMINERS
        return bool(mention.roles) or head in lexicon.load().cue_nouns or (determiner and head.isalpha())
    if mention.kind == "name" and mention.end_token - mention.start_token == 1:
        word = mention.text.lower()
        return not word.endswith(("ly", "ing"))
    return True


def colon_sentence_subject(index: int, c: Context) -> Attribution | None:
    """President Obama is rolling out a new message: “…” — a sentence ending in a colon before
    the quote is said by its subject."""
    window = _before(index, c)
    if len(window) < 3 or window[-1].text != ":":
        return None
    subject = _sentence_subject(window, c) or _nominal(nominal_starting_at(c.doc, window[0].index,
                                                                           window[-1].index), c)
    if subject is None:
        return None
    colon = window[-1]
    return _attribution(subject, Span(colon.start, colon.end, ":"), "colon-sentence-subject", c)


def colon_lead_in(index: int, c: Context) -> Attribution | None:
    """Johnson: “…” — a mention followed only by a colon or dash introduces the quote."""
    window = _before(index, c)
    if len(window) < 2 or window[-1].text not in (":",) + DASHES:
        return None
    mention = c.entities.by_end_token.get(window[-2].index)
    if mention is None or mention.kind in ("pronoun",) or _object_in_parse(mention, c):
        return None
    cue = Span(window[-1].start, window[-1].end, window[-1].text)
    return _attribution(mention, cue, "colon-lead-in", c)


OBJECT_RELATIONS = ("obj", "iobj", "obl")


def _object_in_parse(mention: Mention, c: Context) -> bool:
    """"She says to Nevadans:", "Reyes told WGN Radio:": the parse makes the words before the colon
    the object of a speech verb, the one spoken to. ("Listen to Obama:" is not a speech verb.)"""
    head = c.doc.tokens[mention.end_token - 1]
    return head.deprel in OBJECT_RELATIONS and head.head is not None \
        and c.doc.tokens[head.head].text.lower() in lexicon.load().speech_verbs


def headline_colon(index: int, c: Context) -> Attribution | None:
    """Pence: Gennifer Flowers Won’t Be at Debate, Trump Was ‘Mocking’ — a paragraph opening with "Name:"."""
    span = c.spans[index]
    tokens = c.doc.tokens
    first = _first_token_of(span.paragraph, c)
    if first is None:
        return None
    mention = c.entities.by_start_token.get(first)
    if mention is None or mention.kind == "pronoun" or mention.end_token >= len(tokens) \
            or tokens[mention.end_token].text != ":" or mention.end_token >= c.first_token[index]:
        return None
    colon = tokens[mention.end_token]
    return _attribution(mention, Span(colon.start, colon.end, ":"), "headline-colon", c)


def headline_subject(index: int, c: Context) -> Attribution | None:
    """Chris Christie Calls Hillary Clinton ‘A Disgrace’ / Obama on Climate Change: The Trends Are
    'Terrifying' — in a Title Case headline the person or organisation it opens with speaks.

    Title Case hides where a name ends ("Black Lawmakers Rip Donald Trump"), so the opening words
    must spell a name the article's body uses; a headline about nobody the body names is left to
    the other rules.
    """
    span = c.spans[index]
    if span.paragraph > 1 or not _headline(span.paragraph, c):
        return None
    tokens = c.doc.tokens
    para_end = c.paragraph_bounds[span.paragraph][1]
    first = _first_token_of(span.paragraph, c)
    if first is None or first >= c.first_token[index]:
        return None
    speech_verbs = lexicon.load().speech_verbs
    after = []          # the paragraph's words after the quote (tokens are in text order)
    for t in range(c.end_token[index], len(tokens)):
        if tokens[t].start >= para_end:
            break
        after.append(tokens[t].text.lower())
    if "," in after and set(after[after.index(","):]) & speech_verbs:
        return None     # "Trump ‘The Dealmaker’ Could Address Clean Energy, Lindsey Graham Says"
    best: tuple[int, int, str] | None = None     # (tokens matched, entity, form)
    for e, entity in enumerate(c.entities.entities):
        if entity.kind == "organisation" and entity.place:
            continue
        in_body = [m for m in c.entities.mentions if m.entity == e and m.start >= para_end]
        forms = {form for m in in_body if m.kind in ("name", "organisation") for form in (m.text, m.name) if form}
        if entity.kind == "person":     # "Pence: …" for the body's "Gov. Mike Pence"
            forms |= {form.split()[-1] for form in entity.forms if len(form.split()) > 1}
        for form in forms:
            words = form.split()
            end = first + len(words)
            if end <= c.first_token[index] and [t.text for t in tokens[first:end]] == words \
                    and (best is None or len(words) > best[0]):
                best = (len(words), e, form)
    if best is None:
        return None
    count, e, form = best
    last = tokens[first + count - 1]
    mention = Mention(first, first + count, tokens[first].start, last.end, c.doc.text[tokens[first].start:last.end],
                      c.entities.entities[e].kind if c.entities.entities[e].kind == "organisation" else "name",
                      tokens[first].sentence, entity=e,
                      chain=(f"'{form}' opens the headline and is named in the article",))
    verb = tokens[first + count]
    cue = Span(verb.start, verb.end, verb.text) if verb.text[:1].isalpha() or verb.text == ":" else None
    return _attribution(mention, cue, "headline-subject", c)


def dash_signature(index: int, c: Context) -> Attribution | None:
    """“…” — Brandon Johnson: a dash and a name alone after the quote."""
    window = _after(index, c)
    if len(window) < 2 or window[0].text not in DASHES:
        return None
    mention = c.entities.by_start_token.get(window[1].index)
    if mention is None or mention.kind == "pronoun":
        return None
    rest = window[mention.end_token - window[0].index:]
    if any(t.text not in SENTENCE_FINAL and t.text != "," for t in rest[:1]):
        return None
    return _attribution(mention, Span(window[0].start, window[0].end, window[0].text), "dash-signature", c)


def lead_in_previous_paragraph(index: int, c: Context) -> Attribution | None:
    """Johnson said:¶“…” — the paragraph before ends with a colon after a speech cue."""
    span = c.spans[index]
    if span.paragraph == 0 or not _starts_sentence(index, c) or span.continues:
        return None
    first = c.first_token[index]
    if first == 0 or c.doc.tokens[first - 1].text != ":" or (first - 1) in c.quote_of_token:
        return None
    window = []
    k = first - 1
    while k >= 0 and len(window) < WINDOW_BEFORE and k not in c.quote_of_token \
            and not _ends_sentence(c.doc.tokens, k):
        window.append(c.doc.tokens[k])
        k -= 1
    window.reverse()
    found = _find_cue(window, c, nearest_last=True)
    if found and found[1]:
        return _attribution(found[1], found[0], "lead-in-previous-paragraph", c)
    colon = Span(window[-1].start, window[-1].end, ":")
    if len(window) >= 2 and (mention := c.entities.by_end_token.get(window[-2].index)):
        return _attribution(mention, colon, "lead-in-previous-paragraph", c)
    # "Donald Trump issued the following statement:¶“…”": the sentence's subject speaks.
    subject = _sentence_subject(window, c)
    return _attribution(subject, colon, "lead-in-previous-paragraph", c) if subject else None


def continued_quote(index: int, c: Context) -> Attribution | None:
    """The second paragraph of a multi-paragraph quote keeps the first one's speaker."""
    if not c.spans[index].continues or index == 0:
        return None
    previous = c.results[index - 1]
    if previous.speaker is None and previous.mention is None:
        return None
    return _follow(index, c, "continued-quote", "continues the quote in the previous paragraph")


def same_paragraph(index: int, c: Context) -> Attribution | None:
    """“A,” Johnson said. “B.” — a quote opening a sentence after an attributed one in its paragraph.

    Titles and scare quotes in between are passed over: “A,” Flynn said on “Fox and Friends.” “B.”
    """
    if index == 0 or not _starts_sentence(index, c):
        return None
    source = index - 1
    while source > 0 and c.results[source].rule in NOT_SPEECH_RULES \
            and c.spans[source].paragraph == c.spans[index].paragraph:
        source -= 1
    if c.spans[source].paragraph != c.spans[index].paragraph:
        return None
    previous = c.results[source]
    if previous.speaker is None and previous.mention is None:
        return None
    return _follow(index, c, "same-paragraph", "follows a quote by the same speaker in this paragraph", source)


def cue_previous_sentence(index: int, c: Context) -> Attribution | None:
    """The administration may wait, Schiff said. “The other factor …” — a quote opening a sentence
    right after a paraphrase that ends in its speaker and cue (", Schiff said."), in one paragraph."""
    first = c.first_token[index]
    tokens = c.doc.tokens
    if not _starts_sentence(index, c) or first < 3 or not _ends_sentence(tokens, first - 1) \
            or c.paragraph_of_token[first - 1] != c.spans[index].paragraph or (first - 1) in c.quote_of_token:
        return None
    tail: list[Token] = []
    k = first - 2
    while k >= 0 and len(tail) < 8 and tokens[k].text != "," and k not in c.quote_of_token \
            and not _ends_sentence(tokens, k):
        tail.append(tokens[k])
        k -= 1
    if k < 0 or tokens[k].text != "," or not tail:
        return None
    tail.reverse()
    found = _find_cue(tail, c, nearest_last=False)
    if found is None or found[1] is None:
        return None
    return _attribution(found[1], found[0], "cue-previous-sentence", c,
                        ("the sentence before the quote ends in its speaker and cue",))


def follow_on_paragraph(index: int, c: Context) -> Attribution | None:
    """A paragraph that opens with a quote, right after a paragraph that ended with an attributed quote."""
    span = c.spans[index]
    if index == 0 or not _starts_sentence(index, c):
        return None
    previous_span = c.spans[index - 1]
    if previous_span.paragraph != span.paragraph - 1:
        return None
    # Only where the previous paragraph ended in that quote or its attribution sentence.
    after_previous = _after(index - 1, c)
    last_token_of_para = c.doc.tokens[c.first_token[index] - 1] if c.first_token[index] > 0 else None
    ends_there = last_token_of_para is not None and (
        c.quote_of_token.get(last_token_of_para.index) == index - 1
        or (after_previous and after_previous[-1].index == last_token_of_para.index))
    previous = c.results[index - 1]
    if not ends_there or (previous.speaker is None and previous.mention is None):
        return None
    if any(t.text.lower() in lexicon.load().speech_verbs for t in _after(index, c)):
        # “…,” Thomas O’Neill told reporters: the quote's own sentence has a cue, whose speaker the
        # rules could not read; borrowing the previous paragraph's speaker would be a guess.
        return None
    return _follow(index, c, "follow-on-paragraph", "opens the paragraph after a quote by the same speaker")


NOT_VERBS = {"and", "or", "but", "of", "who", "whom", "whose", "which", "that", "to", "in", "on", "at", "for", "with",
             "from", "by", "as", "about", "than", "the", "a", "an"}


SUBORDINATORS = {"which", "who", "whom", "whose", "where", "when", "because", "while", "although", "though",
                 "if", "unless", "whereas"}
# Words that open another clause right after a quote: what follows is not its attribution.
AFTER_QUOTE_CLAUSE_OPENERS = SUBORDINATORS | {"after", "before", "as", "until", "but"}


def possessive_claim(index: int, c: Context) -> Attribution | None:
    """Politifact seized on Trump’s claim that there have been “thousands of shootings” — words
    quoted after a person's claim, statement or remarks are that person's.

    The nearest speech noun before the quote in its sentence counts, with its possessor
    at most two words before it ("Stumpf’s repeated emphasis", "Bornstein's earlier missive").
    """
    window = _before(index, c, through_quotes=True)
    nouns = lexicon.load().cue_nouns
    for k in range(len(window) - 1, 0, -1):
        word = window[k].text.lower()
        if word not in nouns and not (word.endswith("s") and word[:-1] in nouns):
            continue
        for j in range(k - 1, max(-1, k - 4), -1):
            if window[j].text in POSSESSIVE and j > 0:
                owner = c.entities.by_end_token.get(window[j - 1].index)
                if owner is None or owner.kind not in ("name", "organisation") or owner.place:
                    return None
                noun = window[k]
                return _attribution(owner, Span(noun.start, noun.end, noun.text), "possessive-claim", c,
                                    (f"the quote follows '{owner.text}'s {noun.text}'",))
            if not (window[j].text.isalpha() and window[j].text.islower()):
                break
        return None
    return None


def paraphrase_subject(index: int, c: Context) -> Attribution | None:
    """Trump attacked “the hateful ideology …” / Reid has gone after Trump as a “human leech”:
    words quoted inside a sentence with no speech cue are the sentence subject's, where that
    subject is a person, an organisation or a pronoun directly before its verb.

    Tried last: every cue-based rule has had its chance. The verb is recorded as the cue.
    """
    window = _before(index, c, through_quotes=True)
    if not window:
        return None
    subject = _sentence_subject(window, c)
    if subject is None or subject.kind not in ("name", "organisation", "pronoun", "nominal") or subject.possessive \
            or subject.place:
        return None     # "Chicago has long been one of Trump's targets … a ‘hellhole’": a place is talked about
    k = next((j for j, t in enumerate(window) if t.index >= subject.end_token), len(window))
    while k < len(window) and _is_filler(window[k]):
        k += 1
    if k >= len(window):
        return None
    verb = window[k]
    if not (verb.text.isalpha() and verb.text.islower()) or verb.text in NOT_VERBS or verb.text in BE \
            or verb.text in lexicon.load().speech_verbs:
        # "Cruz is a “maverick”": a description of the subject, not its words. A speech
        # verb here was already weighed, and turned down, by the cue rules.
        return None
    if any(t.text.lower() in SUBORDINATORS for t in window[k + 1:]):
        return None     # "Lopez visited the plant, which the workers call “the furnace”": another clause's words
    why = (f"no speech cue: the quoted words sit in a sentence whose subject is '{subject.text}'",)
    return _attribution(subject, Span(verb.start, verb.end, verb.text), "sentence-subject", c, why)


def scare_quote(index: int, c: Context) -> Attribution | None:
    """The “sex tape” reference / promoting “quack” cures — one word in quotation marks inside a
    sentence, with no speech cue and no speaker anywhere near: a scare quote, not speech.

    Tried after every other rule. On PolNeAR train such one-word quotes are as often
    the reporter's distance-marking as anyone's words (102 not in the gold quotes, 99 in it,
    and nearly all of those unattributable), so they are listed only with --all.
    """
    span = c.spans[index]
    text = c.doc.text[span.start:span.end].strip(" ,.;:!?")
    if not _single_word(text) or span.continues or not _before(index, c):
        return None
    return Attribution(None, None, None, None, None, "scare-quote",
                       ("one word in quotation marks inside a sentence, no speech cue or speaker near it",))


def _follow(index: int, c: Context, rule: str, why: str, source: int | None = None) -> Attribution:
    """The speaker, cue and mention of an earlier quote (source; default the previous one), under this rule."""
    source = index - 1 if source is None else source
    previous = c.results[source]
    c.pending_entity = c.speaker_entities[source]
    return Attribution(previous.speaker, previous.speaker_kind, previous.mention, previous.mention_kind,
                       previous.cue, rule, (why,) + previous.chain)


# --- weighing the sieves' choice against the other candidates ------------------------------

def _opinions(index: int, c: Context, sieves: list[Sieve]) -> dict[tuple[int, int] | None, list[str]]:
    """What the sieves after the deciding one would have answered: mention span (None: no mention)
    -> 'also:<rule>' features. They run as probes: nothing they find is kept."""
    pending, c.probing = c.pending_entity, True
    out: dict[tuple[int, int] | None, list[str]] = {}
    try:
        for sieve in sieves:
            answer = sieve(index, c)
            if answer is not None:
                key = (answer.mention.start, answer.mention.end) if answer.mention is not None else None
                out.setdefault(key, []).append(f"also:{answer.rule}")
    finally:
        c.pending_entity, c.probing = pending, False
    return out


def _candidates(index: int, c: Context, decided: Attribution,
                opinions: dict[tuple[int, int] | None, list[str]]) -> tuple[list[Candidate], dict[tuple[int, int], Span]]:
    """The quote's candidates, and the cue each cue subject was found with."""
    found: CueSubjects = {}
    cues: dict[tuple[int, int], Span] = {}
    windows = (("cue-after", _after(index, c), False), ("cue-before", _before(index, c, through_quotes=True), True))
    unread: list[str] = []      # windows whose nearest cue has no subject that could be read
    for where, window, nearest_last in windows:
        found_cues = _cues_with_mentions(window, c, nearest_last)
        if found_cues and found_cues[0][1] is None:
            unread.append(where)
        subjects = [(cue, m) for cue, m in found_cues if m is not None]
        for rank, (cue, m) in enumerate(subjects[:3], 1):
            key = (m.start, m.end)
            found.setdefault(key, (m, []))[1].append(f"{where}:{rank}")
            cues.setdefault(key, cue)
    sieve_mention = None
    if decided.mention is not None:
        key = (decided.mention.start, decided.mention.end)
        at = c.entities.count_before(key[0])     # mentions are in text order and never overlap
        listed = c.entities.mentions[at] if at < len(c.entities.mentions) else None
        sieve_mention = (listed if listed is not None and (listed.start, listed.end) == key else None) \
            or (found[key][0] if key in found else _mention_for_span(decided, c))
    return candidates(index, c, decided, found, sieve_mention, opinions, unread), cues


def _mention_for_span(decided: Attribution, c: Context) -> Mention:
    """A stand-in Mention for a sieve's mention that no mention finder listed (a follow rule's far source)."""
    span = decided.mention
    tokens = c.doc.tokens
    first = max(0, bisect.bisect_right(tokens, span.start, key=_token_start) - 1)
    last = max(first + 1, bisect.bisect_left(tokens, span.end, key=_token_start))
    return Mention(first, last, span.start, span.end, span.text, decided.mention_kind or "name",
                   c.doc.tokens[first].sentence)


def _token_start(token: Token) -> int:
    return token.start


def _weigh(decided: Attribution, options: list[Candidate], cues: dict[tuple[int, int], Span], model: Scorer,
           c: Context) -> Attribution:
    """The sieves' attribution, or the candidate the scorer finds clearly more probable; with the scores."""
    verdict = model.decide(options)
    best, best_p, sieve_p = verdict.best, verdict.best_p, verdict.sieves_p
    alternatives = tuple((o.label, round(p, 3)) for o, p in verdict.ranked[:4])
    if not verdict.replaced:
        kept = (f"scorer: kept the sieves' choice over {best.label} ({best_p:.2f}): {verdict.bar}",) if verdict.bar else ()
        return replace(decided, chain=decided.chain + kept, score=round(sieve_p, 3), alternatives=alternatives)
    evidence = ", ".join(f"{f} {w:+.2f}" for f, w in model.evidence(best))
    why = (f"scorer: {best.label} ({best_p:.2f}) over the sieves' choice ({sieve_p:.2f}, {decided.rule}); "
           f"evidence {evidence}")
    if best.mention is None:
        return Attribution(None, None, None, None, None, "scorer", (why,), round(best_p, 3), alternatives)
    key = (best.mention.start, best.mention.end)
    # The quote's speech cue stays the sieves' where the chosen mention has none of its own.
    chosen = _attribution(replace(best.mention), cues.get(key) or decided.cue, "scorer", c, (why,))
    return replace(chosen, score=round(best_p, 3), alternatives=alternatives)


Sieve = Callable[[int, Context], "Attribution | None"]
SIEVES: list[Sieve] = [
    not_speech,
    transcript_label,
    headline_subject,
    continued_quote,
    cue_after_quote,
    colon_lead_in,
    quoted_cue,
    cue_before_quote,
    colon_sentence_subject,
    headline_colon,
    dash_signature,
    lead_in_previous_paragraph,
    same_paragraph,
    cue_previous_sentence,
    follow_on_paragraph,
    possessive_claim,
    paraphrase_subject,
    scare_quote,
]
