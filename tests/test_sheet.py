"""The citation sheet as a web page: self-contained, structured, and safe with any article text."""
from __future__ import annotations

from html.parser import HTMLParser

from click.testing import CliRunner

from quotes.cli import main


class Outline(HTMLParser):
    """The tags, attributes and text of a page, as a test reads it."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def outline(page: str) -> Outline:
    parsed = Outline()
    parsed.feed(page)
    return parsed


def sheet(db, *args) -> str:
    result = CliRunner().invoke(main, ["list", "--db", str(db), "--format", "html", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_johnson_sheet_page_has_his_quote_groups_diffs_and_places(seeded_db):
    page = sheet(seeded_db, "--speaker", "Johnson")
    parsed = outline(page)
    tags = [t for t, _ in parsed.tags]
    text = " ".join(parsed.text)
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert [t for t in tags if t == "h2"] == ["h2"] and "Brandon Johnson" in text
    groups = [a["id"] for t, a in parsed.tags if t == "section" and a.get("id", "").startswith("group-")]
    assert len(groups) >= 4
    assert "del" in tags and "ins" in tags                       # the diff of his statement
    assert "militarized immigration enforcement" in text
    assert "963–1121" in text and "004_cfab31235fc94158" in text  # where each version sits


def test_sheet_page_needs_nothing_from_outside_and_runs_no_script(seeded_db):
    parsed = outline(sheet(seeded_db))
    assert not any(t == "script" for t, _ in parsed.tags)
    for _, attrs in parsed.tags:
        assert not any(k in ("src", "href") for k in attrs), attrs


def test_article_text_is_escaped_in_the_page(tmp_path):
    article = tmp_path / "evil.txt"
    article.write_text("Mayor Jane Doe spoke on Monday.\n\n"
                       "“<script>alert('x')</script> & <b>bold</b> words,” Doe said.\n", encoding="utf-8")
    db = tmp_path / "q.db"
    assert CliRunner().invoke(main, ["index", str(article), "--db", str(db), "--quiet"]).exit_code == 0
    page = sheet(db)
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
