"""Articles as fact-checkers have them: saved web pages, links, pasted text, legacy encodings,
database exports. Each becomes an article with its citation, or one line saying why not."""
from __future__ import annotations

import collections
import http.server
import json
import threading

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, SEEDS
from quotes import Index, pipeline
from quotes.articles import load
from quotes.cli import main
from quotes.records import Article, Skipped

PAGES = FIXTURES / "pages"
EXPECTED = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
CITATION = ("outlet", "title", "author", "published", "url")


def _only(path, **options):
    (found,) = list(load(str(path), **options))
    return found


def _said(article: Article) -> collections.Counter:
    return collections.Counter((q.text, q.attribution.speaker) for q in pipeline.analyse(article).quotes
                               if pipeline.is_speech(q))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_saved_news_page_gives_its_citation_and_only_the_article_s_quotes(name):
    # Ten layouts (WordPress, a broadsheet, a broadcaster, a wire service, a reader-funded site,
    # a newsletter, a 1990s table layout in windows-1252, AMP, a magazine, schema.org microdata),
    # each with navigation, a cookie banner, related headlines and footers that hold quotation
    # marks of their own ("Accept all", "We're asking you to register").
    expected = EXPECTED[name]
    article = _only(PAGES / f"{name}.html")
    assert {key: getattr(article, key) for key in CITATION} == {key: expected[key] for key in CITATION}
    if "seed" in expected:
        want = _said(_only(SEEDS / f"{expected['seed']}.txt"))     # the seed as a page: the same quotes
    else:
        want = collections.Counter((q["text"], q["speaker"]) for q in expected["quotes"])
    assert _said(article) == want


def test_a_page_s_offsets_point_into_the_text_the_index_keeps():
    article = _only(PAGES / "capitol-water-bill.html")
    for quote in pipeline.analyse(article).quotes:
        assert article.text[quote.start:quote.end] == quote.text


def test_a_page_without_an_article_is_skipped_in_one_line(tmp_path):
    page = tmp_path / "index.html"
    page.write_text("<html><head><title>Home</title></head><body><nav><a href='/'>Home</a></nav></body></html>")
    assert _only(page) == Skipped(str(page), "no article text found in the page")


class _Pages(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(PAGES), **kwargs)

    def log_message(self, *args):
        pass


@pytest.fixture
def page_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_link_is_fetched_and_read_as_a_page_and_a_broken_one_is_one_line(page_server, tmp_path):
    good = f"{page_server}/airline-hearing.html"
    missing = f"{page_server}/no-such-story.html"
    found = list(load([missing, good, "http://127.0.0.1:9/refused.html"]))
    assert found[0] == Skipped(missing, "cannot fetch URL: HTTP 404 File not found")
    assert isinstance(found[1], Article) and found[1].outlet == "The Hill Brief" and found[1].id.startswith("127.0.0.1")
    assert found[2].reason.startswith("cannot fetch URL: ") and "refused" in found[2].reason


def test_index_takes_links_and_the_rest_goes_on_when_one_fails(page_server, tmp_path):
    db = tmp_path / "links.db"
    result = CliRunner().invoke(main, ["index", f"{page_server}/school-start-times.html",
                                       "https://host.invalid/story.html", "--db", str(db), "--quiet"])
    assert result.exit_code == 1
    assert "quotes: skipped https://host.invalid/story.html: cannot fetch URL:" in result.output
    listed = CliRunner().invoke(main, ["list", "--db", str(db), "--format", "json"])
    assert {q["speaker"] for q in json.loads(listed.output)} == {"Rachel Kim", "Jenna Morales"}


def test_standard_input_is_an_article_for_extract_and_index(tmp_path):
    text = "“We will win this,” said Mayor Brandon Johnson on Monday."
    result = CliRunner().invoke(main, ["extract", "-"], input=text.encode("utf-8"))
    assert result.exit_code == 0
    (record,) = [json.loads(line) for line in result.output.splitlines()]
    assert (record["article"], record["text"], record["speaker"]) == ("<stdin>", "We will win this,", "Brandon Johnson")
    db = tmp_path / "stdin.db"
    page = (PAGES / "hospital-strike.html").read_bytes()
    result = CliRunner().invoke(main, ["index", "-", "--db", str(db), "--quiet"], input=page)
    assert result.exit_code == 0, result.output
    listed = json.loads(CliRunner().invoke(main, ["list", "--db", str(db), "--format", "json"]).output)
    assert {q["outlet"] for q in listed} == {"Metro Daily"}


def test_empty_standard_input_is_one_line():
    result = CliRunner().invoke(main, ["extract", "-"], input=b"  \n")
    assert result.exit_code == 1 and "quotes: skipped <stdin>: empty input" in result.output


def test_a_legacy_encoding_is_read_with_encoding_and_named_without_it(tmp_path):
    story = tmp_path / "story.txt"
    story.write_bytes("“Ça va,” said Mayor Brandon Johnson.".encode("cp1252"))
    assert _only(story).reason.startswith("not valid UTF-8 (byte 0x93 at offset 0)")
    assert _only(story, encoding="cp1252").text == "“Ça va,” said Mayor Brandon Johnson."


def test_utf16_without_a_byte_order_mark_is_named_as_such_not_binary(tmp_path):
    story = tmp_path / "story.txt"
    story.write_bytes("“We will win,” Johnson said on Monday.".encode("utf-16-le"))
    assert _only(story).reason == ("UTF-16 text without a byte order mark; convert it to UTF-8, "
                                   "or give --encoding utf-16-le")
    assert _only(story, encoding="utf-16-le").text.startswith("“We will win,”")


def test_old_mac_line_endings_give_each_paragraph_its_number(tmp_path):
    story = tmp_path / "story.txt"
    story.write_bytes("Chicago braces for a fight.\r“We will resist,” Johnson said.\rThe order took effect.".encode())
    (quote,) = [q for q in pipeline.analyse(_only(story)).quotes]
    assert quote.paragraph == 1


def test_a_csv_export_is_one_article_per_row_with_its_metadata(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text('ID,Outlet,Title,Published,Text\n'
                      'a1,Capitol Wire,Pipes bill,2025-05-02,"“No parent should wonder,” Gov. Helen Marsh said."\n'
                      'a2,Capitol Wire,Empty,2025-05-03,\n'
                      'a3,Metro Daily,Strike ends,2025-11-03,"“It is over,” said Paul Whitman, the chief executive."\n',
                      encoding="utf-8")
    first, empty, third = list(load(str(export)))
    assert (first.id, first.outlet, first.title, first.published) == ("a1", "Capitol Wire", "Pipes bill", "2025-05-02")
    assert empty == Skipped(f"{export}:3", 'empty "text"')
    assert third.source == f"{export}:4" and third.outlet == "Metro Daily"


def test_a_csv_without_a_text_column_says_which_columns_it_has(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("id,body\n1,hello\n", encoding="utf-8")
    assert _only(export) == Skipped(str(export), 'no "text" column (columns: id, body)')


def test_an_unknown_encoding_is_a_usage_error():
    result = CliRunner().invoke(main, ["extract", "x.txt", "--encoding", "klingon"])
    assert result.exit_code == 2 and "unknown encoding 'klingon'" in result.output


def test_a_semicolon_export_is_read_by_the_separator_its_header_uses(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text('id;outlet;text\nb1;Lakeside Ledger;"“We support the research, the data, all of it,” '
                      'Superintendent Rachel Kim said."\n', encoding="utf-8")
    (article,) = list(load(str(export)))
    assert (article.id, article.outlet) == ("b1", "Lakeside Ledger") and article.text.startswith("“We support")


def test_a_binary_or_oversized_page_is_one_line_before_any_extraction(tmp_path, monkeypatch):
    from quotes.articles import pages
    binary = tmp_path / "scan.html"
    binary.write_bytes(bytes(range(256)) * 64)
    assert _only(binary) == Skipped(str(binary), "binary file, not a web page")
    monkeypatch.setattr(pages, "MAX_PAGE_BYTES", 1024)
    assert _only(PAGES / "hospital-strike.html").reason.startswith("web page too large (")


# --- untrusted inputs (issue 27): no silent loss, no escape from a folder, the true reason ------

def _extract(*args, **kwargs):
    return CliRunner().invoke(main, ["extract", *map(str, args)], **kwargs)


def _speeches(result) -> list[tuple[str, str, str]]:
    """(article, text, speaker) for every quote in `quotes extract --format jsonl` output."""
    return [(r["article"], r["text"], r["speaker"]) for r in map(json.loads, result.stdout.splitlines())]


def test_a_csv_cell_longer_than_the_csv_module_allows_is_read_and_so_are_the_rows_after_it(tmp_path):
    # 200,000 characters: beyond the csv module's 131,072, well inside the article limit. The blank
    # padding keeps the parse short; the quote after it is what the lost row used to hold.
    import csv
    long = "“We will win,” Mayor Ann Lee said on Monday." + " " * 200_000 + "“It is over,” said Paul Whitman."
    export = tmp_path / "export.csv"
    export.write_text(f'id,text\nlong,"{long}"\nnext,"“Fine,” said Tom Reyes."\n', encoding="utf-8")
    limit = csv.field_size_limit()
    result = _extract(export)
    assert result.exit_code == 0, result.output
    assert [(a, s) for a, _, s in _speeches(result)] == [(f"{export}:2", "Ann Lee"), (f"{export}:2", "Paul Whitman"),
                                                        (f"{export}:3", "Tom Reyes")]
    assert csv.field_size_limit() == limit          # a library user's csv module is left as it was


def test_a_csv_row_that_cannot_be_read_is_named_by_its_line_and_the_rows_after_it_are_indexed(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text('id,text\nfirst,"“Yes,” said Tom Reyes."\n'
                      f'huge,"{"word " * 240_000}"\n'
                      'last,"“It is over,” said Paul Whitman, the chief executive."\n', encoding="utf-8")
    db = tmp_path / "q.db"
    result = CliRunner().invoke(main, ["index", str(export), "--db", str(db), "--quiet"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"quotes: skipped {export}:3: article too long to analyse (1,200,000 "
                                          "characters; the limit is 1,000,000): split it into articles"]
    listed = json.loads(CliRunner().invoke(main, ["list", "--db", str(db), "--format", "json"]).stdout)
    assert [(q["source"], q["speaker"]) for q in listed] == [(f"{export}:2", "Tom Reyes"),
                                                             (f"{export}:4", "Paul Whitman")]


@pytest.fixture
def linked_folder(tmp_path):
    """news/ with a story, a link to it, and two links out of news/: to a file and to a folder."""
    news, private = tmp_path / "news", tmp_path / "private"
    news.mkdir()
    private.mkdir()
    (news / "story.txt").write_text("“We will win,” Mayor Ann Lee said on Monday.", encoding="utf-8")
    (private / "notes.txt").write_text("“Nobody may read this,” said Tom Reyes.", encoding="utf-8")
    (news / "again.txt").symlink_to("story.txt")                 # stays inside news/
    (news / "notes.txt").symlink_to(private / "notes.txt")
    (news / "private").symlink_to(private, target_is_directory=True)
    return news


def test_a_link_out_of_a_folder_is_skipped_in_one_line_and_links_inside_it_are_read(linked_folder):
    news = linked_folder
    result = _extract(news)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"quotes: skipped {news}/notes.txt: a link that leads outside {news}; --follow-links to index it",
        f"quotes: skipped {news}/private: a link that leads outside {news}; --follow-links to index it"]
    assert [(a, s) for a, _, s in _speeches(result)] == [(f"{news}/again.txt", "Ann Lee"), (f"{news}/story.txt", "Ann Lee")]


def test_index_follow_links_reads_links_out_of_a_folder(linked_folder, tmp_path):
    db = tmp_path / "q.db"
    result = CliRunner().invoke(main, ["index", str(linked_folder), "--follow-links", "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    listed = json.loads(CliRunner().invoke(main, ["list", "--db", str(db), "--format", "json"]).stdout)
    assert sorted(q["source"] for q in listed) == [f"{linked_folder}/{name}" for name in
                                                   ("again.txt", "notes.txt", "private/notes.txt", "story.txt")]


def test_index_add_reads_links_out_of_a_folder_only_when_asked(linked_folder, tmp_path):
    with Index(tmp_path / "q.db", create=True) as index:
        refused = index.add([str(linked_folder)])
        followed = index.add([str(linked_folder)], follow_links=True)
    assert [s.source for s in refused.skipped] == [f"{linked_folder}/notes.txt", f"{linked_folder}/private"]
    assert (followed.skipped, followed.indexed, followed.unchanged) == ([], 2, 2)


def test_a_link_the_user_names_is_read_wherever_it_leads(linked_folder):
    result = _extract(linked_folder / "notes.txt")
    assert result.exit_code == 0, result.output
    assert _speeches(result) == [(f"{linked_folder}/notes.txt", "Nobody may read this,", "Tom Reyes")]


def test_a_page_with_control_characters_is_read_as_a_browser_shows_it(tmp_path):
    # NUL, SOH, VT, ESC and a form feed (white space in HTML) inside the article's paragraphs.
    clean = PAGES / "hospital-strike.html"
    html = clean.read_bytes()
    paragraphs = [i for i in range(len(html)) if html.startswith(b"<p>", i)]
    for at, control in sorted(zip(paragraphs, [b"\x00", b"\x01", b"\x0b", b"\x1b"]), reverse=True):
        html = html[:at + 3] + control + html[at + 3:]
    page = tmp_path / "strike.html"
    page.write_bytes(html.replace(b"Paul Whitman", b"Paul\x0cWhitman"))
    result = _extract(page)
    assert result.exit_code == 0, result.output
    assert [q[1:] for q in _speeches(result)] == [q[1:] for q in _speeches(_extract(clean))]


def test_a_page_nested_too_deep_to_read_says_so(tmp_path):
    html = (PAGES / "hospital-strike.html").read_bytes()
    at = html.index(b"<body>") + len(b"<body>")
    page = tmp_path / "nested.html"
    page.write_bytes(html[:at] + b"<div>" * 5_000 + html[at:])
    result = _extract(page)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"quotes: skipped {page}: markup nested deeper than 256 levels, "
                                          "where the HTML parser stops"]


def test_source_is_the_path_as_given_in_every_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "story.txt").write_text("“We will win,” Mayor Ann Lee said on Monday.", encoding="utf-8")
    run = CliRunner().invoke
    assert run(main, ["index", "news/story.txt", "--db", "q.db", "--quiet"]).exit_code == 0
    (row,) = json.loads(run(main, ["list", "--db", "q.db", "--format", "json"]).stdout)
    assert row["source"] == "news/story.txt"
    assert "(news/story.txt)" in run(main, ["show", str(row["id"]), "--db", "q.db"]).stdout
    assert run(main, ["extract", "news", "--format", "csv"]).stdout.splitlines()[1].startswith("news/story.txt,")
    # The same file by another relative spelling is the same article, not a second one.
    again = run(main, ["index", "./news/story.txt", "--db", "q.db"])
    assert again.exit_code == 0 and "indexed 0 articles" in again.stderr, again.output
    assert len(json.loads(run(main, ["list", "--db", "q.db", "--format", "json"]).stdout)) == 1
