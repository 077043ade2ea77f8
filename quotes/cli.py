"""The `quotes` command line: a thin shell over the library.

Each command parses its options, calls the library (index.Index, batch, pipeline),
and hands the result to a renderer. Errors a user can fix are one line on stderr.
"""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from . import escape, evaluate, name_check, render, sheet, variants
from .console import color_option, fail
from .fetch import TIMEOUT_SECONDS
from .index import Index
from .indexing import IndexInterrupted, Progress
from .records import Skipped
from .store import NotFound, StoreError

MODELS_HELP = ("Stanza models: 'bundled' (shipped with quotes, no network) or 'official' (Stanza's English "
               "models, downloaded once into Stanza's cache). Default: $QUOTES_MODELS or bundled.")
EXIT_SKIPPED = 1        # some inputs could not be read; everything else was processed
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports a process ended by SIGINT
EXIT_TERMINATED = 143   # SIGTERM (`kill PID`), as a shell reports a process ended by it


def _db_option(f):
    return click.option("--db", "db", metavar="PATH", envvar="QUOTES_DB", default="quotes.db", show_default=True,
                        help="The index file (also $QUOTES_DB). `quotes index` creates it.")(f)


def _models_option(f):
    return click.option("--models", type=click.Choice(["bundled", "official"]), envvar="QUOTES_MODELS",
                        default=None, help=MODELS_HELP)(f)


def _check_encoding(ctx, param, value):
    from .articles.decoding import check_encoding
    if value is not None:
        try:
            check_encoding(value)
        except LookupError as error:
            raise click.BadParameter(str(error)) from None
    return value


def _encoding_option(f):
    return click.option("--encoding", metavar="NAME", callback=_check_encoding,
                        help="Encoding of .txt, .md, .csv files and standard input where it is not UTF-8 "
                             "(cp1252, latin-1, utf-16 …). Web pages declare their own.")(f)


def _follow_links_option(f):
    return click.option("--follow-links", is_flag=True,
                        help="Read links inside a folder that lead outside it (skipped by default: a folder of "
                             "downloaded files may link to any file you can read).")(f)


def _format_option(choices, default="table"):
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
                        help="Output format.")


def _width() -> int | None:
    """The terminal's width where output goes to one; None where it is piped or saved (no wrapping
    beyond the columns' own caps)."""
    import shutil
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def _open_index(db: str, create: bool = False) -> Index:
    """The index at db; reading a missing one is an error, not a new empty index."""
    try:
        return Index(db, create=create)
    except StoreError as error:
        fail(str(error))


def _open_for_reading(db: str) -> Index:
    """The index, with a warning where an interrupted run left its links and groups out of date."""
    store = _open_index(db)
    if store.groups_stale():
        click.echo(f"quotes: warning: speaker links and quote groups in {db} are out of date (an index run was "
                   f"interrupted); run `quotes index --db {db}` to update them", err=True)
    return store


def _report_skip(skipped: Skipped) -> None:
    click.echo(f"quotes: skipped {escape.terminal_line(str(skipped))}", err=True)     # a file name is a stranger's


@contextmanager
def _terminate_as_interrupt(received: list[int]):
    """SIGTERM (`kill PID`, a job scheduler, a container stopping) stops the run as Ctrl-C does,
    noted in `received`: the workers are stopped and what was saved is reported, where the
    default action would end the process without a word and leave the workers running."""
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield       # signals reach only the main thread
        return

    def interrupt(number, frame):
        received.append(number)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _TerminalProgress(Progress):
    """A run's progress on stderr: skipped inputs always; notes and a bar unless quiet."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar = None

    def message(self, text: str) -> None:
        if not self.quiet:
            click.echo(f"quotes: {escape.terminal(text)}", err=True)

    def skipped(self, item: Skipped) -> None:
        _report_skip(item)

    def start(self, total: int) -> None:
        if total and not self.quiet and sys.stderr.isatty():    # a bar only for a person watching
            self.bar = click.progressbar(length=total, label="indexing", file=sys.stderr, show_pos=True,
                                         item_show_func=lambda a: escape.terminal_line(a.id[:30]) if a else None)
            self.bar.__enter__()

    def advance(self, article) -> None:
        if self.bar is not None:
            self.bar.update(1, article)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _csv_raw_option(f):
    return click.option("--csv-raw", is_flag=True,
                        help="With --format csv, cells exactly as the articles have them. UNSAFE: a cell starting "
                             "with = + - @ runs as a formula where a spreadsheet opens the file, and control "
                             "characters act on a terminal. By default such a cell starts with ' and control "
                             "characters are shown as \\x1b.")(f)


def _exact(csv_raw: bool) -> bool | None:
    """click.echo's colour for a command's output: --csv-raw keeps every byte, where click would
    take escape sequences out of output that is not a terminal."""
    return True if csv_raw else None


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
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@_db_option
@click.option("--outlet", metavar="NAME", help="Outlet for articles that do not name one in a header or JSONL field.")
@_encoding_option
@_models_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes parsing articles (default: as many as the work pays for, up to the number "
                   "of cores). The index is the same whatever N.")
@click.option("--reanalyse", is_flag=True, help="Analyse every article in the index again, whatever analysed it.")
@click.option("--from-jsonl", "from_jsonl", is_flag=True,
              help="PATHs hold analysed articles (python -m quotes.distributed output): load them, no parsing.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=TIMEOUT_SECONDS, show_default=True,
              metavar="SECONDS", help="Time for each link's whole fetch: connecting, headers and page together.")
@_follow_links_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, notes or summary (skipped inputs still show).")
@color_option
def index(paths, db, outlet, encoding, models, jobs, reanalyse, from_jsonl, timeout, follow_links, quiet):
    """Parse articles and add their quotes to the index.

    PATH is a .txt, .md, .jsonl or .csv file, a saved web page (.html, .htm), a
    folder (read recursively), an http(s) link (fetched, with a time limit), or -
    for standard input. A web page's article is taken out of the page around it,
    with its outlet, headline, author, date and link. An article
    already indexed with the same content by this quotes is not parsed again; a
    changed one replaces its old quotes in one transaction. Articles that another
    quotes analysed (other rules, models or lexicon) are analysed again from the
    text the index keeps, so an index never mixes old and new attributions; with
    no PATH, that is all a run does. Unreadable inputs are named on stderr and
    skipped, and the exit status is then 1. Ctrl-C (or SIGTERM) keeps every article
    saved so far: run the same command again to resume.

    \b
    Examples:
      quotes index seeds/                  index the seed articles into ./quotes.db
      quotes index feeds/ --db news.db     into another index file
      quotes index --reanalyse             analyse the whole index again
      quotes index saved-pages/ https://example.com/news/story.html
      pbpaste | quotes index -             an article pasted from the clipboard
    """
    from .nlp import ModelsUnavailable
    if from_jsonl and (reanalyse or not paths):
        raise click.UsageError("--from-jsonl needs the PATHs of results files, and takes no --reanalyse")
    if not paths and not Path(db).exists():
        raise click.UsageError(f"no index at {db} yet: give the PATHs of the articles to index")
    store = _open_index(db, create=True)
    progress = _TerminalProgress(quiet)
    terminated: list[int] = []
    try:
        with _terminate_as_interrupt(terminated):
            report = store.load_results(paths, progress=progress) if from_jsonl else store.add(
                paths, outlet=outlet, models=models, jobs=jobs, reanalyse=reanalyse, progress=progress,
                encoding=encoding, timeout=timeout, follow_links=follow_links)
    except ModelsUnavailable as error:
        fail(str(error))     # what was saved stays; the next run links and groups it
    except IndexInterrupted as stop:
        saved = stop.report.saved
        click.echo(f"quotes: interrupted: {saved} article{'s' * (saved != 1)} ({stop.report.quotes} quotes) saved "
                   f"to {db}; run the same command again to resume", err=True)
        sys.exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)
    finally:
        store.close()
    if not quiet:
        click.echo(f"{report.summary()} → {db}", err=True)
    sys.exit(EXIT_SKIPPED if report.skipped else 0)


@main.command(name="list")
@click.option("--speaker", metavar="NAME", help="Only this speaker: a full name, surname or alias (any case).")
@click.option("--article", metavar="ID", help="Only quotes from this article id.")
@click.option("--attributed-only", is_flag=True, help="Leave out quotes with no speaker.")
@click.option("--all", "include_all", is_flag=True,
              help="Also list titles, nicknames and scare quotes (one quoted word with no speaker): words nobody "
                   "said, which `quotes extract` leaves out too.")
@_format_option(render.FORMATS + ("html",))
@click.option("--explain", is_flag=True, help="Show how each attribution was made: rule, cue, mention, chain.")
@_csv_raw_option
@_db_option
@color_option
def list_(speaker, article, attributed_only, include_all, fmt, explain, csv_raw, db):
    """The citation sheet: one row per quote, with article, outlet, cue and paragraph.

    The 'group' column names the quote's group when other articles print it too:
    '≠ #14 wording' where they print it differently (see `quotes diff 14`), '= #1
    identical' where the words are the same. A group's number is its earliest quote's id.
    --format html writes a self-contained page, one section per speaker, with every
    outlet's version of each quote and the word-level differences.

    \b
    Examples:
      quotes list --speaker Johnson                 one speaker's citation sheet
      quotes list --speaker Johnson --format html > johnson.html
      quotes list --article 003_b295f3cf550afbc6 --explain
    """
    store = _open_for_reading(db)
    try:
        found = store.select(speaker, article, attributed_only, include_all)
    except NotFound as error:
        fail(str(error))
    refs = store.group_refs([r.id for r in found.rows])
    if fmt == "html":
        wanted = sorted({refs[r.id].id for r in found.rows if r.id in refs})
        groups = {o.key: g for g in store.groups(wanted) for o in g.occurrences}
        title = f"Citation sheet: {', '.join(found.speakers)}" if found.speakers else "Citation sheet"
        click.echo(sheet.citation_sheet(found.rows, groups, store.quotes(), title, explain), nl=False)
    else:
        click.echo(render.quotes(found.rows, fmt, refs, explain=explain, headings=len(found.speakers) > 1,
                                 width=_width(), csv_raw=csv_raw), color=_exact(csv_raw))


@main.command(name="variants")
@click.option("--speaker", metavar="NAME", help="Only groups of this speaker (name, surname or alias).")
@click.option("--kind", type=click.Choice(variants.KINDS), help="Only groups of this kind.")
@_format_option(render.VARIANT_FORMATS)
@_db_option
@color_option
def variants_(speaker, kind, fmt, db):
    """Quotes printed by several articles, grouped, with how their wording differs.

    Each group is one utterance; its kind is the most serious difference between the
    outlets' versions: identical, punctuation, spelling (US/UK, hyphens), excerpt (one
    prints part of the other) or wording. The reference version is the fullest printing.
    `quotes diff GROUP` shows the word-level differences.

    \b
    Example:
      quotes variants --kind wording --format markdown
    """
    store = _open_for_reading(db)
    try:
        groups = store.variant_groups(speaker, kind)
    except NotFound as error:
        fail(str(error))
    if fmt == "html":
        click.echo(sheet.variants_page(groups, store.quotes()), nl=False)
    elif not groups and fmt != "json":
        click.echo("no quote is printed by more than one article" + (" with these filters" if speaker or kind else ""),
                   err=True)
    else:
        click.echo(render.variant_groups(groups, fmt, _width()))


@main.command()
@click.argument("group_id", type=int, metavar="GROUP")
@_format_option(render.DIFF_FORMATS, default="text")
@_db_option
@color_option
def diff(group_id, fmt, db):
    """Every version of one quote group (see `quotes variants`) against its reference version.

    GROUP is the group's number: the id of its earliest quote, which stays as the index grows.

    In a terminal, deletions are red [-struck-] and insertions green {+underlined+};
    spelling and punctuation changes show both forms in yellow. --format markdown
    marks ~~deletions~~ and **insertions**; --format html writes <del> and <ins>.

    \b
    Example:
      quotes diff 14 --format markdown
    """
    store = _open_for_reading(db)
    try:
        found = store.group(group_id)
    except NotFound as error:
        fail(str(error))
    if fmt == "html":
        click.echo(sheet.diff_page(found, store.quotes(quote_ids=[o.key for o in found.occurrences])), nl=False)
    else:
        rows = store.quotes(quote_ids=[o.key for o in found.occurrences])
        click.echo(render.group_diff(found, fmt, {r.article.id: r.article for r in rows}, _width()))


@main.command()
@click.argument("quote_id", type=int, metavar="ID")
@click.option("--explain", is_flag=True, help="Also show how the attribution was made, and by which quotes.")
@_db_option
@color_option
def show(quote_id, explain, db):
    """One quote (by the id `quotes list` prints) in its context.

    \b
    Example:
      quotes show 14 --explain
    """
    store = _open_index(db)
    row = store.quote(quote_id)
    if row is None:
        fail(f"no quote {quote_id} in {db}")
    analyser = store.analysers().get(row.article.analyser) if row.article.analyser else None
    click.echo(render.explain(row, store.article_text(row.article.id), analyser, how=explain))


@main.command()
@_format_option(render.FORMATS)
@click.option("--explain", is_flag=True, help="Also show the names other articles gave each speaker, and why they "
                                              "were linked.")
@click.option("--check", is_flag=True, help="List only the names that look wrong, with why: a common word, a "
                                            "title inside, a group, or written like another speaker's name.")
@_csv_raw_option
@_db_option
@color_option
def speakers(fmt, explain, check, csv_raw, db):
    """Everyone quoted in the index: kind, aliases, number of quotes and articles.

    \b
    Examples:
      quotes speakers --format csv > speakers.csv
      quotes speakers --explain            why "Obama" is Barack Obama
      quotes speakers --check              names to look at first ("Sens. John Smith": title in name)
    """
    entries = _open_for_reading(db).speakers()
    if check:
        click.echo(render.speaker_check(name_check.check(entries), fmt, _width(), csv_raw), color=_exact(csv_raw))
        return
    click.echo(render.speakers(entries, fmt, explain, _width(), csv_raw), color=_exact(csv_raw))


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@_format_option(["jsonl", "json", "table", "markdown", "csv"], default="jsonl")
@click.option("--outlet", metavar="NAME", help="Outlet for articles that do not name one.")
@_encoding_option
@click.option("--all", "include_all", is_flag=True,
              help="Also print titles, nicknames and scare quotes (one quoted word with no speaker): words nobody said.")
@_models_option
@_follow_links_option
@_csv_raw_option
@color_option
def extract(paths, fmt, outlet, encoding, include_all, models, follow_links, csv_raw):
    """Quotes and speakers straight from files, links or standard input (-), without an index.

    JSON Lines (the default) prints one object per quote: article (the path as
    given), start, end, text, speaker, speaker_mention, cue, rule and the rest of
    the quote's fields, the offsets being Python character offsets into the
    article text.

    \b
    Example:
      quotes extract story.txt --format table
    """
    from . import batch, nlp
    records, skipped = [], 0
    try:
        for item in batch.extract_files(paths, outlet, models, include_all, encoding, follow_links):
            if isinstance(item, Skipped):
                _report_skip(item)
                skipped += 1
                continue
            article, found = item
            for record in render.extract_records(article.source, found):
                if fmt == "jsonl":
                    click.echo(json.dumps(record, ensure_ascii=False))
                else:
                    records.append(record)
    except nlp.ModelsUnavailable as error:
        fail(str(error))
    if fmt == "json":
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    elif fmt != "jsonl":
        click.echo(render.extract_table(records, fmt, _width(), csv_raw), color=_exact(csv_raw))
    sys.exit(EXIT_SKIPPED if skipped else 0)


main.add_command(evaluate.command)
