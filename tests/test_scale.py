"""Parallel and distributed indexing give the same index as one process; results load without parsing."""
from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from quotes.cli import main

from conftest import FIXTURES, SEEDS

QUOTE_COLUMNS = "article_id, start, \"end\", text, speaker, speaker_kind, rule, data"


def index(*args):
    result = CliRunner().invoke(main, ["index", *map(str, args), "--quiet"])
    assert result.exit_code == 0, result.output
    return result


def contents(db):
    with sqlite3.connect(db) as conn:
        quotes = conn.execute(f"SELECT {QUOTE_COLUMNS} FROM quotes ORDER BY article_id, start").fetchall()
        groups = conn.execute("SELECT q.article_id, q.start, g.group_id, g.group_kind, g.version_kind "
                              "FROM quote_groups g JOIN quotes q ON q.id = g.quote_id ORDER BY 1, 2").fetchall()
        links = conn.execute("SELECT * FROM speaker_links ORDER BY 1, 2").fetchall()
    return quotes, groups, links


@pytest.fixture(scope="module")
def one_process(tmp_path_factory):
    db = tmp_path_factory.mktemp("jobs") / "one.db"
    index(SEEDS, FIXTURES / "quotes", "--db", db, "--jobs", 1)
    return db


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory):
    """The same articles indexed with --jobs 2, and the calls the parent made meanwhile for a
    Stanza pipeline (each worker builds its own; one more in the parent would cost seconds and
    ~400 MB). One run serves the tests of both."""
    from quotes import nlp
    db = tmp_path_factory.mktemp("jobs") / "two.db"
    asked = []
    real = nlp.get_pipeline

    def get_pipeline(*args, **kwargs):
        asked.append(args)
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nlp, "get_pipeline", get_pipeline)
        index(SEEDS, FIXTURES / "quotes", "--db", db, "--jobs", 2)
    return db, asked


def test_jobs_two_builds_the_same_index_as_jobs_one(one_process, two_processes):
    db, _ = two_processes       # 23 articles: two batches of 12 and 11, one per worker
    assert contents(db) == contents(one_process)


def test_batches_through_worker_processes_keep_input_order(tmp_path):
    from quotes.articles import build_article
    from quotes.batch import analyse_all
    articles = [build_article(f"“Number {i} is here,” Mayor Ann Lee said.", id=f"a{i}", source=f"a{i}")
                for i in range(6)]
    results = list(analyse_all(articles, jobs=2, batch=1))
    assert [a.id for a, _ in results] == [f"a{i}" for i in range(6)]
    assert [r.quotes[0].text for _, r in results] == [f"Number {i} is here," for i in range(6)]


def test_results_jsonl_loads_into_the_same_index_without_parsing(one_process, tmp_path, monkeypatch):
    from quotes import pipeline, results
    from quotes.articles import load
    lines = [results.to_line(pipeline.analyse(a)) for a in load([str(SEEDS), str(FIXTURES / "quotes")])]
    (tmp_path / "part-00000.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(pipeline, "analyse", lambda *a, **k: pytest.fail("--from-jsonl must not parse"))
    db = tmp_path / "loaded.db"
    index("--from-jsonl", tmp_path, "--db", db)
    assert contents(db) == contents(one_process)


def test_a_malformed_results_line_is_named_and_the_rest_loads(tmp_path):
    from quotes import pipeline, results
    from quotes.articles import build_article
    good = results.to_line(pipeline.analyse(build_article("“Yes,” Mayor Ann Lee said.", id="ok", source="ok")))
    broken = json.loads(good)
    broken["quotes"][0]["end"] += 3          # an offset that no longer matches the text
    path = tmp_path / "part.jsonl"
    path.write_text("\n".join([good, "{not json", json.dumps(broken), '{"format": "other"}']) + "\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["index", "--from-jsonl", str(path), "--db", str(tmp_path / "q.db")])
    assert result.exit_code == 1
    assert f"{path}:2: not JSON" in result.output
    assert f"{path}:3: quote at" in result.output and f"{path}:4: not a quotes-result/2 record" in result.output
    assert "indexed 1 article" in result.output


def test_dask_job_on_a_local_cluster_gives_the_same_index(one_process, tmp_path):
    pytest.importorskip("distributed")
    from quotes import distributed
    written, skipped = distributed.run([str(SEEDS), str(FIXTURES / "quotes")], str(tmp_path / "out"),
                                       workers=2, partition=8)
    articles = len(list(SEEDS.glob("*.txt"))) + len(list((FIXTURES / "quotes").glob("*.txt")))
    assert skipped == [] and written == articles
    assert len(list((tmp_path / "out").glob("part-*.jsonl"))) == -(-articles // 8)     # one part per 8 articles
    db = tmp_path / "dask.db"
    index("--from-jsonl", tmp_path / "out", "--db", db)
    assert contents(db) == contents(one_process)


def test_with_worker_processes_the_parent_loads_no_stanza_pipeline(two_processes):
    _, asked = two_processes
    assert asked == []


def test_a_worker_that_cannot_load_the_models_is_one_error_for_the_run():
    from quotes import nlp
    from quotes.articles import build_article
    from quotes.batch import analyse_all
    articles = [build_article(f"“Number {i},” Ann Lee said.", id=f"a{i}", source=f"a{i}") for i in range(4)]
    # An unknown model set passes nothing to check in the parent and fails inside each worker.
    with pytest.raises(nlp.ModelsUnavailable, match="a worker process could not load the Stanza models: "
                                                     "ValueError: unknown model set 'missing'"):
        list(analyse_all(articles, models="missing", jobs=2, batch=1))


def test_index_with_jobs_checks_the_model_files_before_starting_workers(tmp_path, monkeypatch):
    from quotes import nlp
    monkeypatch.setattr(nlp, "MODELS_DIR", tmp_path / "no-models")
    result = CliRunner().invoke(main, ["index", str(SEEDS), "--db", str(tmp_path / "q.db"), "--jobs", "2"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "bundled tokenize model file" in result.output
    assert "is missing" in result.output
