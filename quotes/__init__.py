"""quotes: find who said what, where, and in which words, in news articles.

The Python API is the command line's twin:

    import quotes
    for q in quotes.extract("“We will not back down,” Mayor Brandon Johnson said."):
        print(q.attribution.speaker, q.text, q.start, q.end)

    with quotes.Index("quotes.db", create=True) as index:   # the SQLite index `quotes index` writes
        report = index.add(["seeds/"])                       # what `quotes index seeds/` does
        rows = index.select(speaker="Johnson").rows          # what `quotes list --speaker Johnson` shows

Stanza and torch load on first use, not on `import quotes`.
"""
from ._version import __version__
from .records import Analyser, Article, Attribution, Quote, QuoteSpan, Skipped, Span, Speaker
from .index import Index
from .indexing import IndexInterrupted, IndexReport, Progress
from .rows import QuoteRow
from .store import NoIndex, StoreError

__all__ = ["extract", "extract_files", "Index", "IndexInterrupted", "IndexReport", "NoIndex", "Progress", "QuoteRow", "StoreError",
           "load_articles", "Analyser", "Article", "Attribution", "Quote", "QuoteSpan", "Skipped", "Span", "Speaker"]


def extract(text: str, models: str | None = None, include_all: bool = False) -> list[Quote]:
    """Every quote in text, attributed: what `quotes extract` prints for it. Titles, nicknames and
    scare quotes in quotation marks are left out as `quotes extract` and `quotes list` leave them
    out, unless include_all (their attribution.rule then says what they are). See quotes.pipeline.extract."""
    from .pipeline import extract as run, is_speech
    found = run(text, models)
    return found if include_all else [q for q in found if is_speech(q)]


def extract_files(paths, outlet: str | None = None, models: str | None = None, include_all: bool = False):
    """(Article, quotes) per file, or Skipped: what `quotes extract` prints. See quotes.batch.extract_files."""
    from .batch import extract_files as run
    return run(paths, outlet, models, include_all)


def load_articles(paths, outlet: str | None = None):
    """Articles (and Skipped inputs) from files and folders. See quotes.articles.load."""
    from .articles import load
    return load(paths, outlet=outlet)
