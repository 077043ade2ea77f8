"""The parsed article as plain tokens: what attribution reads from Stanza's output.

Attribution never touches Stanza objects directly. It reads `Token`s, which
carry whatever the loaded processors produced (NER tags, POS, dependencies) or
None where a processor is absent, so every rule works with and without them.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
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
    tokens: list[Token] = []
    sentence_index = -1
    for sentence in doc.sentences:
        first = len(tokens)
        if not (tokens and sentence.tokens and _split_inside_sentence(text, tokens[-1], sentence.tokens[0].start_char)):
            sentence_index += 1
        word_to_token: dict[int, int] = {}
        # A multi-word token (English "don't" is not one here, but the map keeps
        # dependency heads right if a model splits one) maps all its words to itself.
        for offset, token in enumerate(sentence.tokens):
            for word in token.words:
                word_to_token[word.id] = first + offset
        for offset, token in enumerate(sentence.tokens):
            word = token.words[0]
            head = word_to_token.get(word.head) if getattr(word, "head", None) else None
            tokens.append(Token(
                index=first + offset,
                text=text[token.start_char:token.end_char],
                start=token.start_char,
                end=token.end_char,
                sentence=sentence_index,
                ner=getattr(token, "ner", None),
                upos=getattr(word, "upos", None),
                head=head,
                deprel=getattr(word, "deprel", None),
            ))
    return ParsedArticle(text, tuple(tokens), processors)


def _split_inside_sentence(text: str, last: Token, next_start: int) -> bool:
    """True where the tokenizer ended a sentence after a plain word on the same line
    ("Dr. Mehmet | Oz said"): without a full stop, ?, !, quote mark or line break
    there, the sentence goes on."""
    return last.text[-1:].isalnum() and "\n" not in text[last.end:next_start]
