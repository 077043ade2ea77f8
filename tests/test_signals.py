"""Signals: SIGTERM stops `quotes index` as Ctrl-C does, and worker processes end with their parent.

A real `quotes index --jobs 2` run is killed with real signals. The corpus is built so that the workers are busy when the signal comes: two batches of short
articles that are saved within a second of the workers starting, then two batches of long
ones that would take minutes. The run is stopped as soon as it has saved an article, so each
test costs little more than starting two workers (each loads Stanza).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import quotes
from conftest import SEEDS, indexed_articles, wait_for_first_article
from quotes.cli import _terminate_as_interrupt
from quotes.indexing import IndexInterrupted

ON_LINUX = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")

SHORT = "“We will win this,” said Mayor Brandon Johnson on Monday, in statement {}.\n"
GONE_WITHIN_SECONDS = 5


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """66 articles on 2 workers: 4 batches of 17 (see batch.plan); batches 3 and 4 are long."""
    folder = tmp_path_factory.mktemp("corpus")
    for n in range(34):
        (folder / f"a_{n:03d}.txt").write_text(SHORT.format(n), encoding="utf-8")
    long_text = (SEEDS / "003_b295f3cf550afbc6.txt").read_text(encoding="utf-8") * 6
    for n in range(32):
        (folder / f"b_{n:03d}.txt").write_text(f"{long_text}\nPart {n}.\n", encoding="utf-8")
    return folder


def _start(corpus: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "quotes", "index", str(corpus), "--db", str(db), "--jobs", "2",
                             "--quiet"], stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "OMP_NUM_THREADS": "1"})


def _children(parent: int) -> set[int]:
    """The live processes whose parent is `parent`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat and stat[1] == str(parent) and stat[0] != "Z":
                found.add(int(entry.name))
    return found


def _stat(pid: int) -> list[str] | None:
    """(state, parent pid, …) of a process, or None where it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rpartition(")")[2].split()      # the name, in parentheses, may hold spaces


def _left_running(pids: set[int], seconds: float) -> set[int]:
    """Those of pids still running (not gone, not zombies) after waiting up to `seconds` for them to
    end; those are then killed, so that a failing test leaves no worker behind."""
    deadline = time.monotonic() + seconds
    while True:
        running = {pid for pid in pids if (_stat(pid) or ["Z"])[0] != "Z"}
        if not running or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    for pid in running:
        os.kill(pid, signal.SIGKILL)
    return running


def _busy_run(corpus: Path, db: Path) -> tuple[subprocess.Popen, set[int]]:
    """A run that has saved its first article, and its worker processes (busy with the long batches)."""
    process = _start(corpus, db)
    wait_for_first_article(db, process, seconds=120)
    workers = _children(process.pid)
    if process.poll() is not None or len(workers) < 2:     # the two workers and multiprocessing's resource tracker
        _left_running({process.pid} | workers, 0)
        pytest.fail(f"no run busy with its workers: {workers}; {process.communicate()[1]}")
    return process, workers


@ON_LINUX
def test_sigterm_stops_the_run_like_ctrl_c_with_exit_status_143(corpus, tmp_path):
    db = tmp_path / "q.db"
    process, workers = _busy_run(corpus, db)
    process.send_signal(signal.SIGTERM)
    try:
        stderr = process.communicate(timeout=60)[1]
    except subprocess.TimeoutExpired:
        _left_running({process.pid} | workers, 0)
        raise
    assert process.returncode == 143, stderr
    saved = indexed_articles(db)
    assert 0 < saved < 66
    assert f"quotes: interrupted: {saved} articles (" in stderr
    assert f"saved to {db}; run the same command again to resume" in stderr
    assert "Traceback" not in stderr
    assert not _left_running(workers, GONE_WITHIN_SECONDS)


@ON_LINUX
def test_workers_end_within_seconds_when_the_run_is_killed_with_sigkill(corpus, tmp_path):
    process, workers = _busy_run(corpus, tmp_path / "q.db")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()
    assert not _left_running(workers, GONE_WITHIN_SECONDS)


def test_a_worker_whose_parent_is_already_gone_ends_at_once():
    # The parent may die before the worker asks to die with it: then the worker is someone else's.
    script = "import os; from quotes import batch; batch.die_with_parent(os.getppid() + 1); print('still here')"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "still here" not in done.stdout


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_a_save_waits_for_it_so_the_report_matches_the_index(tmp_path, monkeypatch, number):
    story = tmp_path / "story.txt"
    story.write_text(SHORT.format(1), encoding="utf-8")
    db = tmp_path / "q.db"
    index = quotes.Index(db, create=True)
    save = index.save

    def save_then_signal(result):       # the signal lands after the write, before the run counts it
        article_id = save(result)
        signal.raise_signal(number)
        return article_id

    monkeypatch.setattr(index, "save", save_then_signal)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)     # a background runner ignores SIGINT
    try:
        with _terminate_as_interrupt([]), pytest.raises(IndexInterrupted) as stop:
            index.add([str(story)], jobs=1)
    finally:
        signal.signal(signal.SIGINT, previous)
        index.close()
    assert stop.value.report.saved == indexed_articles(db) == 1
