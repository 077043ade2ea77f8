"""The index knows what analysed it, and the library does what `quotes index` does."""
from __future__ import annotations

import dataclasses
import json
import shutil
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner

import quotes
from quotes import analyser, batch, lexicon, pipeline, results
from quotes.attribution import decide as scorer
from quotes.articles import build_article, load
from quotes.cli import main
from quotes.records import quote_dict, quote_from_dict

from conftest import FIXTURES, indexed_articles, wait_for_first_article

BEAMED = "“This is fantastic!” beamed Donald Hartley of Madison, Alabama.\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def listed(db) -> list[dict]:
    return json.loads(run("list", "--db", db, "--format", "json").output)


def upgrade_lexicon(tmp_path, monkeypatch) -> None:
    """As if quotes were upgraded to a release whose lexicon knows one more speech verb."""
    folder = tmp_path / "new-lexicon"
    shutil.copytree(lexicon.LEXICON_DIR, folder)
    with (folder / "speech_verbs.txt").open("a", encoding="utf-8") as f:
        f.write("beam beams beamed beaming\n")
    monkeypatch.setattr(lexicon, "LEXICON_DIR", folder)
    lexicon.load.cache_clear()
    analyser._current.cache_clear()


@pytest.fixture
def sieves_only(monkeypatch):
    """Attribution by the sieves alone: the learned scorer reads "beamed Donald Hartley" as speech
    even before the lexicon knows the verb, and these tests are about what a lexicon upgrade does."""
    monkeypatch.setattr(scorer, "bundled", lambda: None)


@pytest.fixture(autouse=True)
def _fresh_lexicon():
    yield
    lexicon.load.cache_clear()      # after monkeypatch restores LEXICON_DIR, nothing cached stays
    analyser._current.cache_clear()


# --- an index that knows what analysed it ---------------------------------------------------

def test_an_upgrade_re_analyses_what_the_older_quotes_indexed(tmp_path, monkeypatch, sieves_only):
    (tmp_path / "story.txt").write_text(BEAMED, encoding="utf-8")
    db = tmp_path / "q.db"
    assert run("index", tmp_path / "story.txt", "--db", db).exit_code == 0
    assert [r["speaker"] for r in listed(db)] == [None]       # 'beamed' is no speech verb yet
    upgrade_lexicon(tmp_path, monkeypatch)
    result = run("index", tmp_path / "story.txt", "--db", db)
    assert result.exit_code == 0, result.output
    assert "re-analysing 1 indexed article: they were analysed by another quotes (lexicon differs)" in result.output
    assert "indexed 0 articles and re-analysed 1 (1 quotes), 0 unchanged" in result.output
    assert [r["speaker"] for r in listed(db)] == ["Donald Hartley"]
    assert "indexed 0 articles (0 quotes), 1 unchanged" in run("index", tmp_path / "story.txt", "--db", db).output


def test_articles_are_re_analysed_from_the_stored_text_when_their_files_are_gone(tmp_path, monkeypatch, sieves_only):
    story = tmp_path / "story.txt"
    story.write_text(BEAMED, encoding="utf-8")
    db = tmp_path / "q.db"
    run("index", story, "--db", db, "-q")
    story.unlink()
    upgrade_lexicon(tmp_path, monkeypatch)
    result = run("index", "--db", db)       # no PATH: bring the index up to date
    assert result.exit_code == 0, result.output
    assert "re-analysed 1" in result.output
    rows = listed(db)
    assert [(r["speaker"], r["source"]) for r in rows] == [("Donald Hartley", str(story))]
    assert BEAMED[rows[0]["start"]:rows[0]["end"]] == rows[0]["text"]


def test_the_fingerprint_names_version_code_models_lexicon_and_stanza(tmp_path, monkeypatch):
    before = analyser.current()
    assert before.version == quotes.__version__ and before.models.startswith("bundled ")
    upgrade_lexicon(tmp_path, monkeypatch)
    after = analyser.current()
    assert after.fingerprint != before.fingerprint and after.differences(before) == ["lexicon"]


def test_a_change_to_a_module_in_a_subpackage_changes_the_code_fingerprint(tmp_path, monkeypatch):
    copy = tmp_path / "quotes"
    shutil.copytree(analyser.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("models", "lexicon", "__pycache__"))
    monkeypatch.setattr(analyser, "PACKAGE_DIR", copy)
    analyser._current.cache_clear()
    try:
        before = analyser.current()
        with (copy / "articles" / "text.py").open("a", encoding="utf-8") as f:
            f.write("# how a header is read changed\n")
        analyser._current.cache_clear()
        assert analyser.current().differences(before) == ["code"]
    finally:
        analyser._current.cache_clear()


def test_reanalyse_does_the_whole_index_and_keeps_quote_ids(tmp_path):
    for name in ("curly_quotes", "organisation_speaker"):
        shutil.copy(FIXTURES / "quotes" / f"{name}.txt", tmp_path / f"{name}.txt")
    db = tmp_path / "q.db"
    run("index", tmp_path, "--db", db, "-q")
    before = listed(db)
    result = run("index", "--reanalyse", "--db", db)
    assert result.exit_code == 0 and "indexed 0 articles and re-analysed 2" in result.output
    assert listed(db) == before


def test_results_from_another_quotes_load_as_they_are_and_the_next_run_re_analyses_them(tmp_path, monkeypatch, sieves_only):
    article = build_article(BEAMED, id="story", source="story.txt")
    old = pipeline.analyse(article)                 # analysed before the lexicon knew 'beamed'
    (tmp_path / "part.jsonl").write_text(results.to_line(old) + "\n", encoding="utf-8")
    upgrade_lexicon(tmp_path, monkeypatch)
    db = tmp_path / "q.db"
    loaded = run("index", "--from-jsonl", tmp_path / "part.jsonl", "--db", db)
    assert loaded.exit_code == 0, loaded.output
    assert "1 article in these results was analysed by another quotes; the next `quotes index` re-analyses it" \
        in loaded.output
    assert [r["speaker"] for r in listed(db)] == [None]
    assert "re-analysed 1" in run("index", "--db", db).output
    assert [r["speaker"] for r in listed(db)] == ["Donald Hartley"]


def test_results_files_of_the_first_format_still_load(tmp_path):
    result = pipeline.analyse(build_article("“Yes,” Mayor Ann Lee said.", id="ok", source="ok.txt"))
    line = json.loads(results.to_line(result))
    line["format"] = "quotes-result/1"
    del line["analyser"]
    line["quotes"] = [{**{k: q[k] for k in ("start", "end", "text", "open_mark", "close_mark", "continues",
                                            "repairs")}, "paragraph": q["paragraph"] - 1,
                       "attribution": {"speaker": q["speaker"], "speaker_kind": q["speaker_kind"],
                                       "mention": q["speaker_mention"], "mention_kind": q["mention_kind"],
                                       "cue": q["cue"], "rule": q["rule"], "chain": q["chain"]}}
                      for q in line["quotes"]]
    loaded = results.from_line(json.dumps(line))
    # The first format had no scorer probabilities.
    unscored = [dataclasses.replace(q, attribution=dataclasses.replace(q.attribution, score=None, alternatives=()))
                for q in result.quotes]
    assert loaded.quotes == unscored and loaded.analyser is None


def test_show_explain_says_which_quotes_analysed_the_article(tmp_path):
    (tmp_path / "a.txt").write_text("“We are ready,” Mayor Ann Lee said.\n", encoding="utf-8")
    db = tmp_path / "q.db"
    run("index", tmp_path, "--db", db, "-q")
    out = run("show", listed(db)[0]["id"], "--explain", "--db", db).output
    assert f"analysed by: quotes {quotes.__version__} (code " in out and "lexicon " in out


# --- the library does the work --------------------------------------------------------------

def test_index_is_a_class_and_add_gives_what_the_command_gives(tmp_path):
    assert isinstance(quotes.Index, type)
    (tmp_path / "a.txt").write_text("“We are ready,” Mayor Ann Lee said.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("“Not yet,” Gov. JB Pritzker said on Monday.\n", encoding="utf-8")
    (tmp_path / "c.txt").write_bytes(b"\x00\x01binary")
    with quotes.Index(tmp_path / "lib.db", create=True) as index:
        report = index.add([str(tmp_path)])
        assert (report.indexed, report.quotes, report.unchanged) == (2, 2, 0)
        assert [s.source for s in report.skipped] == [str(tmp_path / "c.txt")]
        assert [(r.speaker, r.quote.text) for r in index.quotes()] == [("Ann Lee", "We are ready,"),
                                                                       ("JB Pritzker", "Not yet,")]
    assert run("index", tmp_path, "--db", tmp_path / "cli.db", "-q").exit_code == 1
    assert listed(tmp_path / "lib.db") == listed(tmp_path / "cli.db")


def test_one_shape_of_a_quote_for_the_index_results_extract_and_list(tmp_path):
    path = FIXTURES / "quotes" / "pronouns_nominals.txt"
    article = next(load([str(path)]))
    result = pipeline.analyse(article)
    shapes = [quote_dict(q) for q in result.quotes]
    assert [quote_from_dict(d, article.id) for d in shapes] == result.quotes
    line = json.loads(results.to_line(result))
    assert line["quotes"] == shapes
    extracted = [json.loads(x) for x in run("extract", path, "--all").output.splitlines()]
    assert [{k: v for k, v in r.items() if k != "article"} for r in extracted] == shapes
    db = tmp_path / "q.db"
    run("index", path, "--db", db, "-q")
    rows = listed(db)
    assert [{k: r[k] for k in shapes[0] if k != "speaker"} for r in rows] == \
           [{k: d[k] for k in d if k != "speaker"} for d in shapes]


def test_extract_gives_the_caller_back_its_torch_thread_count():
    import torch
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        assert quotes.extract("“Yes,” Mayor Ann Lee said.")[0].attribution.speaker == "Ann Lee"
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


# --- small runs, big runs -------------------------------------------------------------------

def test_workers_start_only_where_the_work_pays_for_them(monkeypatch):
    monkeypatch.setattr(batch, "default_jobs", lambda: 4)
    small = [build_article("“Yes,” Mayor Ann Lee said.", id=f"s{i}", source=f"s{i}") for i in range(40)]
    assert batch.workers_for(small) == 0
    big = [build_article("x" * batch.CHARS_PER_WORKER, id=f"b{i}", source=f"b{i}") for i in range(3)]
    assert batch.workers_for(big) == 3
    assert batch.workers_for(small, jobs=2) == 2        # asked for: honoured
    assert batch.workers_for(small[:1], jobs=4) == 0    # but never more workers than batches


def test_indexing_two_short_articles_starts_no_worker_process(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "_pool", lambda *a, **k: pytest.fail("started worker processes"))
    (tmp_path / "a.txt").write_text("“Yes,” Mayor Ann Lee said.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("“No,” Gov. JB Pritzker said.\n", encoding="utf-8")
    result = run("index", tmp_path, "--db", tmp_path / "q.db")
    assert result.exit_code == 0 and "indexed 2 articles" in result.output


@pytest.mark.parametrize("command", [["list"], ["list", "--speaker", "Johnson"], ["speakers"], ["show", "1"],
                                     ["variants"], ["diff", "1"]])
def test_reading_a_missing_index_says_so_and_creates_nothing(tmp_path, command):
    db = tmp_path / "typo.db"
    result = run(*command, "--db", db)
    assert result.exit_code == 1
    assert result.output == f"quotes: no index at {db}; run `quotes index` first\n"
    assert not db.exists()


def test_index_with_no_path_and_no_index_is_a_usage_error(tmp_path):
    result = run("index", "--db", tmp_path / "none.db")
    assert result.exit_code == 2 and "give the PATHs of the articles to index" in result.output
    assert not (tmp_path / "none.db").exists()


def test_a_second_run_skips_articles_the_first_saved_meanwhile(tmp_path, monkeypatch):
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(f"“Point {name},” Mayor Ann Lee said.\n", encoding="utf-8")
    db = tmp_path / "q.db"
    other_run = quotes.Index(db, create=True)
    real = pipeline.analyse_many
    parsed = []

    def analyse_many(articles, models=None):
        parsed.extend(a.id for a in articles)
        if articles[0].id == "a":       # meanwhile another run, ahead of this one, saves c
            other_run.save(real([next(load([str(tmp_path / "c.txt")]))])[0])
        return real(articles, models)

    monkeypatch.setattr(pipeline, "analyse_many", analyse_many)
    monkeypatch.setattr(batch, "BATCH", 1)
    with quotes.Index(db) as index:
        report = index.add([str(tmp_path)], jobs=1)
    assert parsed == ["a", "b"]
    assert (report.indexed, report.unchanged) == (2, 1)
    assert [r["article"] for r in listed(db)] == ["a", "b", "c"]


# --- Ctrl-C ---------------------------------------------------------------------------------

@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_keeps_what_was_saved_says_so_and_the_next_run_resumes(tmp_path, jobs):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = sorted((FIXTURES / "quotes").glob("*.txt"))
    for copy in range(6):       # about a hundred articles: several batches of 32
        for path in texts:
            shutil.copy(path, corpus / f"{copy}_{path.name}")
    db = tmp_path / "q.db"
    command = [sys.executable, "-m", "quotes", "index", str(corpus), "--db", str(db), "--jobs", jobs]
    # A test runner started in the background ignores SIGINT, and its children inherit that:
    # the run under test gets the default, as from a terminal.
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    wait_for_first_article(db, process)
    process.send_signal(signal.SIGINT)
    stderr = process.communicate(timeout=120)[1]
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "Aborted" not in stderr
    saved = indexed_articles(db)
    assert 0 < saved < 6 * len(texts)
    assert f"interrupted: {saved} articles (" in stderr and "run the same command again to resume" in stderr
    warned = run("list", "--db", db)
    assert "quote groups in" in warned.output and "are out of date" in warned.output
    again = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"{saved} unchanged" in again.stderr
    assert "out of date" not in run("list", "--db", db).output

