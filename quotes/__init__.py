"""quotes: find who said what, where, and in which words, in news articles.

The Python API is the command line's twin:

    import quotes
    for q in quotes.extract("“We will not back down,” Mayor Brandon Johnson said."):
        print(q.attribution.speaker, q.text, q.start, q.end)

    with quotes.Index("quotes.db") as index:     # the SQLite index `quotes index` writes
        rows = index.quotes(speaker="Brandon Johnson")

Stanza and torch load on first use, not on `import quotes`.
"""
__version__ = "0.1.0"

from .records import Analyser, Article, Attribution, Quote, QuoteSpan, Skipped, Span, Speaker  # noqa: E402
from .indexing import IndexInterrupted, IndexReport, Progress  # noqa: E402
from .store import Index, NoIndex, QuoteRow, StoreError  # noqa: E402

__all__ = ["extract", "Index", "IndexInterrupted", "IndexReport", "NoIndex", "Progress", "QuoteRow", "StoreError",
           "load_articles", "Analyser", "Article", "Attribution", "Quote", "QuoteSpan", "Skipped", "Span", "Speaker"]


def extract(text: str, models: str | None = None) -> list[Quote]:
    """Every quote in text, attributed. See quotes.pipeline.extract."""
    from .pipeline import extract as run
    return run(text, models)


def load_articles(paths, outlet: str | None = None):
    """Articles (and Skipped inputs) from files and folders. See quotes.articles.load."""
    from .articles import load
    return load(paths, outlet=outlet)
