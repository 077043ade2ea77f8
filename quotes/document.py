"""The parsed article as plain tokens: what attribution reads from Stanza's output.

Attribution never touches Stanza objects directly. It reads `Token`s, which
carry whatever the loaded processors produced (NER tags, POS, dependencies) or
None where a processor is absent, so every rule works with and without them.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import marks


# The longest sentence read whole. Stanza's tagger, parser and NER get sentences no longer (the
# parser's work grows with the square of a sentence's length, and so does Stanza's building of
# NER input: a text with no sentence end, a page of quotation marks, made one sentence of 60,000
# tokens that took minutes and gigabytes), and attribution's sentences are no longer. The longest
# sentence in PolNeAR train and dev has 222 tokens.
MAX_SENTENCE_TOKENS = 400


# Not frozen: a frozen dataclass's __init__ costs 1.8 µs against 0.34 µs for a slotted one
# (measured), and an index run builds one Token per word of every article. Nothing mutates them.
@dataclass(slots=True)
class Token:
    index: int              # position in ParsedArticle.tokens
    text: str
    start: int              # character offsets into the article text
    end: int
    sentence: int           # 0-based sentence index
    ner: str | None = None  # BIOES tag such as 'S-PERSON', when NER ran
    upos: str | None = None
    head: int | None = None  # index (into tokens) of the syntactic head, when the parser ran
    deprel: str | None = None


@dataclass(frozen=True)
class ParsedArticle:
    text: str
    tokens: tuple[Token, ...]
    processors: tuple[str, ...]   # the Stanza processors that produced the tokens


def from_stanza(text: str, doc, processors: tuple[str, ...] = ("tokenize",)) -> ParsedArticle:
    """Flatten a stanza Document into Tokens with offsets into text."""
    # This runs over every token of every article, so it reads only what the processors
    # produced: word-level fields (POS, dependencies) exist only where a tagger or parser ran.
    words_needed = bool({"pos", "depparse"} & set(processors))
    view = marks.unwrapped(text)     # a line break inside a hard-wrapped paragraph does not end a sentence
    tokens: list[Token] = []
    sentence_index = -1
    sentence_first = 0               # the first token of the sentence being read
    for sentence in doc.sentences:
        stanza_tokens = sentence.tokens
        first = len(tokens)
        # Never past MAX_SENTENCE_TOKENS: text with no sentence end, cut into pieces that long for
        # the parser, would otherwise be one sentence that attribution reads again for each quote.
        if not (tokens and stanza_tokens and first - sentence_first + len(stanza_tokens) <= MAX_SENTENCE_TOKENS
                and continues_sentence(view, tokens[-1].text, tokens[-1].end, stanza_tokens[0].start_char)):
            sentence_index += 1
            sentence_first = first
        if words_needed:
            tokens.extend(_tokens_with_words(text, stanza_tokens, first, sentence_index))
            continue
        for offset, token in enumerate(stanza_tokens):
            start, end = token.start_char, token.end_char
            tokens.append(Token(first + offset, text[start:end], start, end, sentence_index, token.ner))
    return ParsedArticle(text, tuple(tokens), processors)


def _tokens_with_words(text: str, stanza_tokens, first: int, sentence_index: int) -> list[Token]:
    """One sentence's Tokens with the POS tag and dependency head of each token's first word."""
    word_to_token: dict[int, int] = {}
    # A multi-word token (English "don't" is not one here, but the map keeps
    # dependency heads right if a model splits one) maps all its words to itself.
    for offset, token in enumerate(stanza_tokens):
        for word in token.words:
            word_to_token[word.id] = first + offset
    out = []
    for offset, token in enumerate(stanza_tokens):
        word = token.words[0]
        start, end = token.start_char, token.end_char
        head = word_to_token.get(word.head) if getattr(word, "head", None) else None
        out.append(Token(first + offset, text[start:end], start, end, sentence_index, token.ner,
                         getattr(word, "upos", None), head, getattr(word, "deprel", None)))
    return out


def continues_sentence(text: str, last_word: str, last_end: int, next_start: int) -> bool:
    """Whether a sentence the tokenizer ended with last_word (ending at last_end) goes on at
    next_start: where it ended after a plain word on the same line ("Dr. Mehmet | Oz said"),
    without a full stop, ?, !, quote mark or line break there. from_stanza joins the two, and
    what reads one must read both."""
    return last_word[-1:].isalnum() and "\n" not in text[last_end:next_start]


def phrase_head(tokens: tuple[Token, ...], start: int, end: int) -> Token | None:
    """The token of tokens[start:end] that the parse attaches outside the phrase: its head word.
    UD heads a name by its first word ("Brandon" in "Brandon Johnson", with "Johnson" flat) and a
    noun phrase by its noun, so neither the first nor the last token will do. Without a parse, the
    first token (whose deprel is then None)."""
    return next((t for t in tokens[start:end] if t.head is None or not start <= t.head < end), None)
