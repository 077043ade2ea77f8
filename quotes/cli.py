"""The `quotes` command line: a thin shell over the library.

Each command parses its options, calls articles / pipeline / store, and hands
the result to a renderer. Errors a user can fix are one line on stderr.
"""
from __future__ import annotations

import json
import sys

import click

from . import articles as articles_mod
from . import render, sheet, variants
from .records import Skipped

MODELS_HELP = ("Stanza models: 'bundled' (shipped with quotes, no network) or 'official' (Stanza's English "
               "models, downloaded once into Stanza's cache). Default: $QUOTES_MODELS or bundled.")
EXIT_SKIPPED = 1    # some inputs could not be read; everything else was processed


def _db_option(f):
    return click.option("--db", "db", metavar="PATH", envvar="QUOTES_DB", default="quotes.db", show_default=True,
                        help="The index file (also $QUOTES_DB). Created on first use.")(f)


def _models_option(f):
    return click.option("--models", type=click.Choice(["bundled", "official"]), envvar="QUOTES_MODELS",
                        default=None, help=MODELS_HELP)(f)


def _format_option(choices, default="table"):
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
                        help="Output format.")


def _fail(message: str) -> None:
    click.echo(f"quotes: {message}", err=True)
    sys.exit(1)


def _open_index(db: str):
    from .store import Index, StoreError
    try:
        return Index(db)
    except StoreError as error:
        _fail(str(error))


def _report_skip(skipped: Skipped) -> None:
    click.echo(f"quotes: skipped {skipped}", err=True)


def _progress(items: list, quiet: bool, label: str):
    """A progress bar on stderr, only for a person watching a terminal."""
    show = not quiet and sys.stderr.isatty()
    return click.progressbar(items, label=label, file=sys.stderr, show_pos=True,
                             item_show_func=lambda a: a.id[:30] if a else None) if show else _NoBar(items)


class _NoBar:
    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return iter(self.items)

    def __exit__(self, *exc):
        return False


def _load_pipeline(models: str | None, jobs: int = 1) -> None:
    """Build the Stanza pipeline now, so a missing model is one clear error before any work.

    With worker processes only the model files are checked here: each worker builds its own.
    """
    from . import nlp
    try:
        nlp.get_pipeline(models) if jobs == 1 else nlp.check_models(models)
    except nlp.ModelsUnavailable as error:
        _fail(str(error))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="quotes")
def main():
    """Find who said what, where, and in which words, in news articles.

    \b
    Typical use:
      quotes index seeds/                 parse and index the articles
      quotes list --speaker Johnson       the citation sheet for one speaker
      quotes speakers                     everyone quoted, with aliases
      quotes extract article.txt          quotes as JSON Lines, no index
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@_db_option
@click.option("--outlet", metavar="NAME", help="Outlet for articles that do not name one in a header or JSONL field.")
@_models_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes parsing articles (default: the number of cores). The index is the same "
                   "whatever N.")
@click.option("--from-jsonl", "from_jsonl", is_flag=True,
              help="PATHs hold analysed articles (python -m quotes.distributed output): load them, no parsing.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary line.")
def index(paths, db, outlet, models, jobs, from_jsonl, quiet):
    """Parse articles and add their quotes to the index.

    PATH is a .txt, .md or .jsonl file, or a folder (read recursively). An article
    already indexed with the same content is not parsed again; a changed one
    replaces its old quotes in one transaction. Unreadable inputs are reported
    on stderr and skipped, and the exit status is 1 where anything was skipped.
    """
    from . import batch, nlp, results
    store = _open_index(db)
    todo, ready, skipped, unchanged = [], [], 0, 0
    items = results.read(list(paths)) if from_jsonl else articles_mod.load(paths, outlet=outlet)
    for item in items:
        if isinstance(item, Skipped):
            _report_skip(item)
            skipped += 1
        elif store.is_current(item.article if from_jsonl else item):
            unchanged += 1
        elif from_jsonl:
            ready.append(item)
        else:
            todo.append(item)
    jobs = batch.workers_needed(len(todo), jobs or batch.default_jobs())
    if todo:
        _load_pipeline(models, jobs)    # a missing model is one clear error here, not one per worker
    n_quotes = n_indexed = 0
    analysed = ((r.article, r) for r in ready) if from_jsonl else batch.analyse_all(todo, models, jobs)
    try:
        with _progress(ready or todo, quiet, "indexing") as bar:
            for (article, result), _ in zip(analysed, bar):
                if isinstance(result, str):
                    _report_skip(Skipped(article.source, result))
                    skipped += 1
                    continue
                store.save(result)
                n_indexed += 1
                n_quotes += len(result.quotes)
    except nlp.ModelsUnavailable as error:
        # Articles saved so far stay; the groups are marked stale and recomputed by the next run.
        store.close()
        _fail(str(error))
    store.relink_speakers()
    if n_indexed or store.groups_stale():
        store.regroup()
    store.close()
    if not quiet:
        click.echo(f"indexed {n_indexed} article{'s' * (n_indexed != 1)} ({n_quotes} quotes), "
                   f"{unchanged} unchanged, {skipped} skipped → {db}", err=True)
    sys.exit(EXIT_SKIPPED if skipped else 0)


@main.command(name="list")
@click.option("--speaker", metavar="NAME", help="Only this speaker: a full name, surname or alias (any case).")
@click.option("--article", metavar="ID", help="Only quotes from this article id.")
@click.option("--attributed-only", is_flag=True, help="Leave out quotes with no speaker.")
@_format_option(render.FORMATS + ("html",))
@click.option("--explain", is_flag=True, help="Show how each attribution was made: rule, cue, mention, chain.")
@_db_option
def list_(speaker, article, attributed_only, fmt, explain, db):
    """The citation sheet: one row per quote, with article, outlet, cue and paragraph.

    The 'group' column names the quote's group when other articles print it too:
    '≠ #5 wording' where they print it differently (see `quotes diff 5`), '= #2
    identical' where the words are the same.
    --format html writes a self-contained page, one section per speaker, with every
    outlet's version of each quote and the word-level differences.
    """
    store = _open_index(db)
    headings = False
    title = "Citation sheet"
    if speaker:
        names = store.match_speakers(speaker)
        if not names:
            _fail(f"no speaker matches '{speaker}' (see: quotes speakers --db {db})")
        rows = sorted((r for name in names for r in store.quotes(speaker=name)), key=lambda r: (r.article_id, r.start))
        headings = len(names) > 1
        title = f"Citation sheet: {', '.join(names)}"
    else:
        rows = store.quotes(include_unattributed=not attributed_only)
    refs = store.group_refs([r.id for r in rows])
    if article:
        if article not in store.article_ids():
            _fail(f"no article '{article}' in {db}")
        rows = [r for r in rows if r.article_id == article]
    if headings:
        rows.sort(key=lambda r: (r.speaker, r.article_id, r.start))
    if fmt == "html":
        wanted = {refs[r.id].id for r in rows if r.id in refs}
        groups = {o.key: g for g in store.groups(sorted(wanted)) for o in g.occurrences}
        click.echo(sheet.citation_sheet(rows, groups, store.quotes(), title), nl=False)
        return
    click.echo(render.quotes(rows, fmt, refs, explain=explain, headings=headings))


@main.command(name="variants")
@click.option("--speaker", metavar="NAME", help="Only groups of this speaker (name, surname or alias).")
@click.option("--kind", type=click.Choice(variants.KINDS), help="Only groups of this kind.")
@_format_option(render.VARIANT_FORMATS)
@_db_option
def variants_(speaker, kind, fmt, db):
    """Quotes printed by several articles, grouped, with how their wording differs.

    Each group is one utterance; its kind is the most serious difference between the
    outlets' versions: identical, punctuation, spelling (US/UK, hyphens), excerpt (one
    prints part of the other) or wording. The reference version is the fullest printing.
    `quotes diff GROUP` shows the word-level differences.
    """
    store = _open_index(db)
    groups = store.groups()
    if speaker:
        names = store.match_speakers(speaker)
        if not names:
            _fail(f"no speaker matches '{speaker}' (see: quotes speakers --db {db})")
        groups = [g for g in groups if g.speaker in names]
    if kind:
        groups = [g for g in groups if g.kind == kind]
    if fmt == "html":
        click.echo(sheet.variants_page(groups, store.quotes()), nl=False)
    elif not groups and fmt != "json":
        click.echo("no quote is printed by more than one article" + (" with these filters" if speaker or kind else ""),
                   err=True)
    else:
        click.echo(render.variant_groups(groups, fmt))


@main.command()
@click.argument("group_id", type=int, metavar="GROUP")
@_format_option(render.DIFF_FORMATS, default="text")
@_db_option
def diff(group_id, fmt, db):
    """Every version of one quote group (see `quotes variants`) against its reference version.

    In a terminal, deletions are red [-struck-] and insertions green {+underlined+};
    spelling and punctuation changes show both forms in yellow. --format markdown
    marks ~~deletions~~ and **insertions**; --format html writes <del> and <ins>.
    """
    store = _open_index(db)
    found = next(iter(store.groups([group_id])), None)
    if found is None:
        count = len({ref.id for ref in store.group_refs().values()})
        _fail(f"no group {group_id} in {db}: there are {count} (see: quotes variants --db {db})")
    if fmt == "html":
        click.echo(sheet.diff_page(found, store.quotes()), nl=False)
    else:
        click.echo(render.group_diff(found, fmt))


@main.command()
@click.argument("quote_id", type=int, metavar="ID")
@click.option("--explain", is_flag=True, help="Also show how the attribution was made.")
@_db_option
def show(quote_id, explain, db):
    """One quote (by the id `quotes list` prints) in its context."""
    store = _open_index(db)
    row = store.quote(quote_id)
    if row is None:
        _fail(f"no quote {quote_id} in {db}")
    text = store.article_text(row.article_id)
    out = render.explain(row, text)
    if not explain:
        out = "\n".join(line for line in out.splitlines() if not line.startswith("  "))
    click.echo(out)


@main.command()
@_format_option(render.FORMATS)
@_db_option
def speakers(fmt, db):
    """Everyone quoted in the index: kind, aliases, number of quotes and articles."""
    store = _open_index(db)
    click.echo(render.speakers(store.speakers(), fmt))


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@_format_option(["jsonl", "json", "table", "markdown", "csv"], default="jsonl")
@click.option("--outlet", metavar="NAME", help="Outlet for articles that do not name one.")
@click.option("--all", "include_all", is_flag=True,
              help="Also print titles, nicknames and scare quotes (one quoted word with no speaker): words nobody said.")
@_models_option
def extract(paths, fmt, outlet, include_all, models):
    """Quotes and speakers straight from files, without an index.

    JSON Lines (the default) prints one object per quote: article (the path as
    given), start, end, text, speaker, speaker_mention and cue, the offsets being
    Python character offsets into the article text.
    """
    from . import pipeline
    skipped = 0
    records = []
    loaded = []
    for item in articles_mod.load(paths, outlet=outlet):
        if isinstance(item, Skipped):
            _report_skip(item)
            skipped += 1
        else:
            loaded.append(item)
    if loaded:
        _load_pipeline(models)
    for article in loaded:
        try:
            result = pipeline.analyse(article, models)
        except Exception as error:
            _report_skip(Skipped(article.source, f"could not be analysed: {type(error).__name__}: {error}"))
            skipped += 1
            continue
        kept = [q for q in result.quotes if include_all or pipeline.is_speech(q)]
        found = list(render.extract_records(article.source, kept))
        if fmt == "jsonl":
            for record in found:
                click.echo(json.dumps(record, ensure_ascii=False))
        else:
            records.extend(found)
    if fmt == "json":
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    elif fmt != "jsonl":
        click.echo(render.extract_table(records, fmt))
    sys.exit(EXIT_SKIPPED if skipped else 0)
