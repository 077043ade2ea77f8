"""Reading articles: what a user gets back for each kind of file they point at."""
from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from quotes.articles import decoding, files, load
from quotes.articles.text import split_header
from quotes.records import Article, Skipped

ROOT = Path(__file__).parents[1]
FIXTURES = ROOT / "fixtures" / "articles"
SEEDS = ROOT / "seeds"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"

HEADER = b"---\nid: mayor-order\noutlet: Lakeside Courier\ntitle: Mayor signs order\n---\n"
BODY = "Mayor Ana Ruiz signed the order on Saturday.\n\n“We will not help,” Ruiz said.\n"


def load_all(*paths, outlet=None) -> list:
    """Everything load() yields, as a list."""
    return list(load([str(p) for p in paths], outlet=outlet))


def load_one(path, outlet=None) -> Article | Skipped:
    """The single result of loading one path."""
    results = load_all(path, outlet=outlet)
    assert len(results) == 1, results
    return results[0]


def write(path: Path, data: bytes | str) -> Path:
    """Write bytes (or UTF-8 text, newlines untouched) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --------------------------------------------------------------------------
# Metadata header
# --------------------------------------------------------------------------

def test_header_fields_become_article_metadata():
    article = load_one(FIXTURES / "council_vote.md")
    assert isinstance(article, Article)
    assert article.id == "council-vote-2025-03"
    assert article.outlet == "Riverside Ledger"
    assert article.title == "Council approves bus lane plan after late-night debate"
    assert article.url == "https://example.org/riverside/council-bus-lanes"
    assert article.published == "2025-03-14"
    assert article.author == "Dana Whitfield"
    assert article.source == str(FIXTURES / "council_vote.md")


def test_body_is_the_file_after_the_header_so_offsets_check_against_the_file(tmp_path):
    path = write(tmp_path / "order.txt", HEADER + BODY.encode("utf-8"))
    article = load_one(path)
    assert article.text == BODY
    # A quote found in the article must be the same characters in the raw file.
    raw = path.read_bytes()[len(HEADER):].decode("utf-8")
    start = article.text.index("We will")
    end = article.text.index(",”")
    assert raw[start:end] == article.text[start:end] == "We will not help"


def test_file_without_header_is_all_body(tmp_path):
    path = write(tmp_path / "plain.txt", BODY)
    article = load_one(path)
    assert article.text == BODY
    assert article.title is None


def test_markdown_horizontal_rule_at_top_does_not_eat_text(tmp_path):
    text = "---\nThe mayor spoke for an hour.\n---\nThen she left.\n"
    article = load_one(write(tmp_path / "rule.md", text))
    assert article.text == text


def test_rule_followed_by_a_colon_line_and_no_closing_fence_is_body(tmp_path):
    text = "---\nUpdate: the vote was moved to Monday.\n\nCouncil members said little.\n"
    article = load_one(write(tmp_path / "update.md", text))
    assert article.text == text


def test_block_of_only_unknown_keys_is_body_not_header(tmp_path):
    # "Update: …" between two rules is prose, not our header.
    text = "---\nUpdate: corrected a name.\n---\nThe mayor said no.\n"
    article = load_one(write(tmp_path / "note.md", text))
    assert article.text == text


def test_header_closing_fence_too_far_down_is_body(tmp_path):
    lines = ["---", "title: Long"] + [f"k{i}: v" for i in range(40)] + ["---", "Body."]
    text = "\n".join(lines) + "\n"
    article = load_one(write(tmp_path / "long.txt", text))
    assert article.text == text


def test_unknown_header_keys_are_ignored(tmp_path):
    path = write(tmp_path / "x.txt", "---\nid: a1\nsection: Metro\ntags: city, police\n---\nBody text.\n")
    article = load_one(path)
    assert (article.id, article.text) == ("a1", "Body text.\n")


def test_header_values_in_quotes_lose_the_quotes(tmp_path):
    path = write(tmp_path / "q.md", '---\ntitle: "Mayor: no help"\nauthor: \'J. Doe\'\n---\nBody.\n')
    article = load_one(path)
    assert (article.title, article.author) == ("Mayor: no help", "J. Doe")


def test_url_line_is_not_mistaken_for_a_header_key(tmp_path):
    text = "---\nhttp://example.org/story\n---\nBody.\n"
    assert load_one(write(tmp_path / "u.md", text)).text == text


def test_header_only_file_is_skipped_as_empty(tmp_path):
    result = load_one(write(tmp_path / "h.txt", HEADER + b"\n  \n"))
    assert isinstance(result, Skipped)
    assert result.reason.startswith("empty file")


# --------------------------------------------------------------------------
# Bytes and encodings
# --------------------------------------------------------------------------

def test_windows_newlines_are_kept_in_header_and_body(tmp_path):
    raw = b"---\r\nid: crlf\r\ntitle: Windows\r\n---\r\nFirst line.\r\n\r\nSecond line.\r\n"
    article = load_one(write(tmp_path / "crlf.txt", raw))
    assert (article.id, article.title) == ("crlf", "Windows")
    assert article.text == "First line.\r\n\r\nSecond line.\r\n"


def test_utf8_byte_order_mark_is_dropped(tmp_path):
    article = load_one(write(tmp_path / "bom.txt", codecs.BOM_UTF8 + HEADER + BODY.encode()))
    assert article.id == "mayor-order"
    assert article.text == BODY


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_byte_order_mark_is_decoded(tmp_path, encoding):
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    text = HEADER.decode() + BODY.replace("\n", "\r\n")
    article = load_one(write(tmp_path / "wide.txt", bom + text.encode(encoding)))
    assert article.id == "mayor-order"
    assert article.text == BODY.replace("\n", "\r\n")


def test_invalid_utf8_is_skipped_naming_the_byte_and_its_offset(tmp_path):
    result = load_one(write(tmp_path / "latin1.txt", "The café opened.".encode("latin-1")))
    assert result == Skipped(
        str(tmp_path / "latin1.txt"),
        "not valid UTF-8 (byte 0xE9 at offset 7); convert it to UTF-8")


def test_invalid_utf8_offset_counts_the_byte_order_mark(tmp_path):
    result = load_one(write(tmp_path / "bom.txt", codecs.BOM_UTF8 + b"ab\xff"))
    assert "byte 0xFF at offset 5" in result.reason


def test_file_with_nul_bytes_is_skipped_as_binary(tmp_path):
    result = load_one(write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert result == Skipped(str(tmp_path / "image.txt"), "binary file, not text")


def test_file_of_mostly_control_bytes_is_skipped_as_binary(tmp_path):
    data = bytes(range(1, 256)) * 20          # no NUL, but full of control bytes
    assert load_one(write(tmp_path / "blob.md", data)).reason == "binary file, not text"


def test_empty_file_is_skipped(tmp_path):
    assert load_one(write(tmp_path / "empty.txt", b"")) == Skipped(str(tmp_path / "empty.txt"), "empty file")


def test_whitespace_only_file_is_skipped_as_empty(tmp_path):
    result = load_one(write(tmp_path / "blank.md", " \r\n\t\n  \n"))
    assert result == Skipped(str(tmp_path / "blank.md"), "empty file")


def test_too_large_file_is_skipped_with_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 1024 * 1024)
    result = load_one(write(tmp_path / "huge.txt", b"word " * 300_000))
    assert isinstance(result, Skipped)
    assert result.reason == "file too large (1.4 MiB; the limit is 1 MiB)"


# --------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------

def test_missing_path_is_skipped():
    assert load_one("no/such/story.txt") == Skipped("no/such/story.txt", "no such file or folder")


def test_named_file_of_unsupported_type_is_skipped(tmp_path):
    result = load_one(write(tmp_path / "story.pdf", b"%PDF-1.7"))
    assert result == Skipped(
        str(tmp_path / "story.pdf"),
        "unsupported file type '.pdf' (expected .txt, .md, .jsonl, .csv, .html or .htm)")


def test_named_file_without_extension_is_skipped(tmp_path):
    result = load_one(write(tmp_path / "README", BODY))
    assert result.reason == "unsupported file with no extension (expected .txt, .md, .jsonl, .csv, .html or .htm)"


def test_upper_case_extension_is_accepted(tmp_path):
    assert isinstance(load_one(write(tmp_path / "STORY.TXT", BODY)), Article)


def test_unreadable_file_is_skipped_as_permission_denied(tmp_path, monkeypatch):
    path = write(tmp_path / "locked.txt", BODY)

    def refuse(_path):
        raise PermissionError(13, "Permission denied")

    # Tests often run as root, where chmod cannot take read access away.
    monkeypatch.setattr(files, "_read_bytes", refuse)
    assert load_one(path) == Skipped(str(path), "cannot read: permission denied")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_file_without_read_permission_is_skipped(tmp_path):
    path = write(tmp_path / "locked.txt", BODY)
    path.chmod(0)
    assert load_one(path) == Skipped(str(path), "cannot read: permission denied")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_skipped_instead_of_blocking(tmp_path):
    pipe = tmp_path / "feed.txt"
    os.mkfifo(pipe)
    assert load_one(pipe) == Skipped(str(pipe), "not a regular file")


def test_a_single_path_string_is_not_split_into_characters(tmp_path):
    path = write(tmp_path / "one.txt", BODY)
    assert [a.id for a in load(str(path))] == ["one"]


# --------------------------------------------------------------------------
# Folders
# --------------------------------------------------------------------------

def test_folder_is_walked_recursively_in_sorted_order(tmp_path):
    for name in ["b.txt", "a/z.md", "a/c/d.txt", "c.jsonl", "B.txt", "a0.txt"]:
        if name.endswith(".jsonl"):
            write(tmp_path / name, '{"text": "From the feed."}\n')
        else:
            write(tmp_path / name, f"Text of {name}.\n")
    sources = [a.source for a in load_all(tmp_path)]
    rel = [os.path.relpath(s, tmp_path) for s in sources]
    assert rel == ["B.txt", "a/c/d.txt", "a/z.md", "a0.txt", "b.txt", "c.jsonl:1"]


def test_folder_source_joins_the_folder_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "seeds" / "003_x.txt", BODY)
    write(tmp_path / "seeds" / "more" / "004_y.txt", BODY)
    for path_given in ["seeds", "seeds/", "seeds//"]:
        assert [a.source for a in load([path_given])] == ["seeds/003_x.txt", "seeds/more/004_y.txt"]


def test_other_file_types_in_a_folder_are_ignored_silently(tmp_path):
    write(tmp_path / "story.txt", BODY)
    write(tmp_path / "photo.jpg", b"\xff\xd8\xff\xe0")
    write(tmp_path / "notes.pdf", b"%PDF")
    assert [a.id for a in load_all(tmp_path)] == ["story"]


def test_hidden_files_and_folders_are_ignored(tmp_path):
    write(tmp_path / "story.txt", BODY)
    write(tmp_path / ".draft.txt", BODY)
    write(tmp_path / ".git" / "notes.md", BODY)
    assert [a.id for a in load_all(tmp_path)] == ["story"]


def test_empty_folder_is_reported_once(tmp_path):
    (tmp_path / "inbox").mkdir()
    assert load_all(tmp_path / "inbox") == [
        Skipped(str(tmp_path / "inbox"), "no .txt, .md, .jsonl, .csv, .html or .htm files")]


def test_folder_of_only_unusable_files_is_reported_once(tmp_path):
    write(tmp_path / "scan.pdf", b"%PDF")
    write(tmp_path / ".hidden.txt", BODY)
    assert load_all(tmp_path) == [Skipped(str(tmp_path), "no .txt, .md, .jsonl, .csv, .html or .htm files")]


def test_bad_file_in_a_folder_does_not_stop_the_others(tmp_path):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "b.txt", b"")
    write(tmp_path / "c.txt", BODY)
    kinds = [type(r).__name__ for r in load_all(tmp_path)]
    assert kinds == ["Article", "Skipped", "Article"]


def test_symlink_loop_in_a_folder_terminates(tmp_path):
    write(tmp_path / "news" / "sub" / "story.txt", BODY)
    (tmp_path / "news" / "sub" / "loop").symlink_to(tmp_path / "news", target_is_directory=True)
    ids = [a.id for a in load_all(tmp_path / "news")]
    assert ids == ["story"]


def test_broken_symlink_in_a_folder_is_reported(tmp_path):
    write(tmp_path / "story.txt", BODY)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    assert load_all(tmp_path)[0] == Skipped(str(tmp_path / "gone.txt"), "broken symbolic link")


# --------------------------------------------------------------------------
# JSONL
# --------------------------------------------------------------------------

def test_jsonl_good_lines_load_and_bad_lines_are_skipped_alone():
    path = str(FIXTURES / "wire_feed.jsonl")
    results = load_all(path)
    assert [r.source for r in results] == [f"{path}:{n}" for n in (1, 3, 4, 5)]
    first, second, malformed, no_text = results
    assert (first.id, first.outlet, first.title, first.published) == (
        "wire-001", "Northern Wire", "Port strike enters second week", "2025-04-02")
    assert first.text.startswith("Dock workers stayed off the job")
    assert "\n\n“We will stay out" in first.text
    assert (second.id, second.author) == ("wire_feed-3", "K. Osei")
    assert malformed.reason.startswith("not valid JSON (unterminated string")
    assert no_text.reason == 'no "text" field'


@pytest.mark.parametrize("line, reason", [
    ('["text", "a list"]', "not a JSON object (got a list)"),
    ('{"text": 42}', '"text" must be a string (got a number)'),
    ('{"text": "   "}', 'empty "text"'),
    ('{"text": null}', '"text" must be a string (got null)'),
])
def test_jsonl_line_without_usable_text_is_skipped_with_reason(tmp_path, line, reason):
    path = write(tmp_path / "feed.jsonl", line + "\n")
    assert load_one(path) == Skipped(f"{path}:1", reason)


def test_jsonl_metadata_scalars_become_strings_and_others_are_ignored(tmp_path):
    line = '{"text": "Body.", "id": 17, "published": 2025, "title": ["x"], "author": true, "extra": 1}'
    article = load_one(write(tmp_path / "feed.jsonl", line + "\n"))
    assert (article.id, article.published, article.title, article.author) == ("17", "2025", None, "true")


def test_jsonl_invalid_utf8_line_is_skipped_and_the_rest_load(tmp_path):
    data = b'{"text": "caf\xe9"}\n{"text": "Fine."}\n'
    results = load_all(write(tmp_path / "feed.jsonl", data))
    assert results[0] == Skipped(
        f"{tmp_path / 'feed.jsonl'}:1",
        "not valid UTF-8 (byte 0xE9 at offset 13); convert it to UTF-8")
    assert results[1].text == "Fine."


def test_jsonl_with_bom_and_windows_newlines_loads(tmp_path):
    data = codecs.BOM_UTF8 + b'{"text": "One."}\r\n\r\n{"text": "Two."}\r\n'
    results = load_all(write(tmp_path / "feed.jsonl", data))
    assert [(a.id, a.text) for a in results] == [("feed-1", "One."), ("feed-3", "Two.")]


def test_empty_jsonl_is_skipped(tmp_path):
    path = write(tmp_path / "feed.jsonl", "\n\n")
    assert load_one(path) == Skipped(str(path), "empty file")


def test_utf16_jsonl_is_skipped_with_advice(tmp_path):
    data = codecs.BOM_UTF16_LE + '{"text": "One."}\n'.encode("utf-16-le")
    path = write(tmp_path / "feed.jsonl", data)
    assert load_one(path) == Skipped(str(path), "UTF-16 text; convert it to UTF-8 (JSONL must be UTF-8)")


def test_binary_jsonl_is_skipped_once(tmp_path):
    path = write(tmp_path / "feed.jsonl", b"\x00\x01\x02" * 100)
    assert load_one(path) == Skipped(str(path), "binary file, not text")


# --------------------------------------------------------------------------
# Outlet and id defaults
# --------------------------------------------------------------------------

def test_outlet_option_is_a_default_for_articles_without_one(tmp_path):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "b.txt", HEADER + BODY.encode())
    write(tmp_path / "c.jsonl", '{"text": "x"}\n{"text": "y", "outlet": "Own Outlet"}\n')
    outlets = [a.outlet for a in load_all(tmp_path, outlet="Given Outlet")]
    assert outlets == ["Given Outlet", "Lakeside Courier", "Given Outlet", "Own Outlet"]


def test_id_defaults_to_the_file_stem(tmp_path):
    assert load_one(write(tmp_path / "003_abc.txt", BODY)).id == "003_abc"


# --------------------------------------------------------------------------
# Hash
# --------------------------------------------------------------------------

def test_hash_is_stable_across_loads_and_moves(tmp_path):
    first = load_one(write(tmp_path / "one" / "story.txt", BODY))
    again = load_one(tmp_path / "one" / "story.txt")
    moved = load_one(write(tmp_path / "two" / "story.txt", BODY))
    assert first.sha256 == again.sha256 == moved.sha256
    assert len(first.sha256) == 64 and int(first.sha256, 16) >= 0


def test_hash_changes_when_the_text_changes(tmp_path):
    before = load_one(write(tmp_path / "story.txt", BODY)).sha256
    after = load_one(write(tmp_path / "story.txt", BODY.replace("Saturday", "Sunday"))).sha256
    assert before != after


def test_hash_changes_when_the_outlet_changes(tmp_path):
    path = write(tmp_path / "story.txt", BODY)
    assert load_one(path, outlet="A").sha256 != load_one(path, outlet="B").sha256
    fixed = write(tmp_path / "fixed.txt", HEADER.replace(b"Lakeside", b"Hillside") + BODY.encode())
    original = write(tmp_path / "orig.txt", HEADER + BODY.encode())
    assert load_one(fixed).sha256 != load_one(original).sha256


# --------------------------------------------------------------------------
# Seeds
# --------------------------------------------------------------------------

def test_seed_articles_load_with_honest_metadata():
    results = load_all(SEEDS)
    assert len(results) == 5
    for article in results:
        assert isinstance(article, Article), article
        number = article.id.split("_")[0]
        assert article.id == Path(article.source).stem
        assert article.outlet == f"unknown (seed {number})"


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="shared seeds not present")
def test_seed_bodies_are_byte_identical_to_the_shared_seeds():
    shared = sorted(SHARED_SEEDS.glob("*.txt"))
    assert [p.name for p in shared] == sorted(p.name for p in SEEDS.glob("*.txt"))
    for original in shared:
        article = load_one(SEEDS / original.name)
        assert article.text.encode("utf-8") == original.read_bytes()
        raw = (SEEDS / original.name).read_bytes()
        assert raw.endswith(original.read_bytes())
        assert raw[: len(raw) - len(original.read_bytes())].endswith(b"\n---\n")


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

@given(st.text())
def test_header_split_never_changes_the_body_text(text):
    meta, body = split_header(text)
    assert text.endswith(body)
    if not meta:
        assert body == text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1))
def test_any_utf8_text_reads_back_exactly(text):
    # decode() must never translate newlines or drop characters.
    data = text.encode("utf-8")
    try:
        decoded = decoding.decode(data)
    except decoding.Unreadable as problem:
        assert str(problem) == "binary file, not text"
    else:
        assert decoded == text.removeprefix("\ufeff")
