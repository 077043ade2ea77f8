"""One article through every stage: parse, detect, attribute, collect speakers.

This is the Python API's core: `extract(text)` for a string, `analyse(article)`
for an Article (`batch.extract_files(paths)` for files). The CLI and the index call these
and nothing deeper.
"""
from __future__ import annotations

from collections.abc import Iterable

from . import attribution, marks, nlp
from .analyser import current as current_analyser
from .articles import build_article
from .document import ParsedArticle, from_stanza
from .records import Analyser, Article, ArticleResult, Quote, Skipped, Speaker
from .speakers.resolution import Entities


def parse(text: str, models: str | None = None) -> ParsedArticle:
    """The article text through the Stanza pipeline, flattened to tokens."""
    pipeline = nlp.get_pipeline(models)
    processors = tuple(nlp.processors_used(pipeline))
    return from_stanza(text, nlp.parse(text, models, syntax_ranges(text)), processors)


def syntax_ranges(text: str) -> list[tuple[int, int]]:
    """Where attribution reads the parse: at each quotation's opening and closing marks (the
    parser also takes the sentence before and after). The sentences inside a long quotation are
    never read for a cue, and parsing them would cost a third of the parser's time."""
    ranges = []
    for span in marks.find(text):
        opening = span.start - len(span.open_mark)
        ranges += [(opening, span.start + 1), (span.end - 1, span.end + len(span.close_mark))]
    return ranges


def analyse_parsed(article: Article, doc: ParsedArticle, analyser: Analyser | None = None,
                   scorer=attribution.BUNDLED) -> ArticleResult:
    """Detection and attribution on an already parsed article (`analyser`: what parsed it;
    `scorer`: the attribution scorer, None for the sieves alone)."""
    spans = marks.find(article.text)
    quotes, entities = attribution.attribute(doc, spans, article.id, scorer)
    return ArticleResult(article, quotes, _speakers(quotes, entities), doc.processors, analyser)


class NotArticleText(ValueError):
    """The text is refused before any analysis (marks.not_prose says why)."""


def _refuse_non_prose(articles: Iterable[Article]) -> None:
    for article in articles:
        reason = marks.not_prose(article.text)
        if reason:
            raise NotArticleText(reason)


def analyse(article: Article, models: str | None = None) -> ArticleResult:
    """Raises NotArticleText for a text that is not prose (see marks.not_prose)."""
    _refuse_non_prose([article])
    return analyse_parsed(article, parse(article.text, models), current_analyser(models))


def analyse_many(articles: list[Article], models: str | None = None) -> list[ArticleResult]:
    """Several articles, parsed in one Stanza batch (faster than one call each). Raises
    NotArticleText, before any parsing, where one of them is not prose: batch.analyse_chunk then
    analyses them one at a time and names the one refused."""
    if not articles:
        return []
    _refuse_non_prose(articles)
    pipeline = nlp.get_pipeline(models)
    processors = tuple(nlp.processors_used(pipeline))
    docs = nlp.parse_many([a.text for a in articles], models, [syntax_ranges(a.text) for a in articles])
    analyser = current_analyser(models)
    return [analyse_parsed(a, from_stanza(a.text, d, processors), analyser) for a, d in zip(articles, docs)]


def extract(text: str, models: str | None = None, article_id: str = "text") -> list[Quote]:
    """Every quote in a text with its attribution: the library's one-call entry point. Raises
    NotArticleText for a long text that is mostly quotation marks (see marks.not_prose)."""
    return analyse(build_article(text, id=article_id, source=article_id), models).quotes


def _speakers(quotes: list[Quote], entities: Entities) -> list[Speaker]:
    """The article's speakers: every entity that has a quote, with all the ways the article names it."""
    speaking = {(q.attribution.speaker, q.attribution.speaker_kind) for q in quotes if q.attribution.speaker}
    found: dict[tuple[str, str], Speaker] = {}
    for entity in entities.entities:
        key = (entity.name, entity.kind)
        if key in speaking:
            speaker = found.setdefault(key, Speaker(entity.name, entity.kind, gender=entity.gender))
            speaker.aliases.update(entity.aliases | {entity.name})
    for name, kind in speaking - set(found):     # speakers named only by a transcript label
        found[(name, kind)] = Speaker(name, kind or "person", {name})
    return list(found.values())


def is_speech(quote: Quote) -> bool:
    """False for a title, nickname or scare quote in quotation marks: words in marks that nobody said."""
    return quote.attribution.rule not in attribution.NOT_SPEECH_RULES
