"""Kill `quotes index` with SIGKILL at random moments, many times, and check the index each time.

    python stress/kill_index.py [--kills 30] [--corpus fixtures/quotes]

Each round starts `quotes index CORPUS` on one database (every third round on a fresh one,
otherwise resuming what the killed run left), kills it after a random delay (0.2 s to the
time a full run takes), and then checks: `PRAGMA integrity_check` is ok,
every article in the index has exactly the quotes a clean index has for it (wholly
indexed or absent, never half), and no quote is stored twice. A final run without a
kill must complete the index, identical to the clean one. Prints a summary line.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUOTES = [sys.executable, "-m", "quotes"]
ROW = "article_id, start, \"end\", text, speaker, rule"


def quotes_by_article(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        out: dict[str, list[tuple]] = {}
        for row in conn.execute(f"SELECT {ROW} FROM quotes ORDER BY article_id, start"):
            out.setdefault(row[0], []).append(row)
        for (article_id,) in conn.execute("SELECT id FROM articles"):
            out.setdefault(article_id, [])
        return out


def check(db: Path, clean: dict[str, list[tuple]]) -> list[str]:
    problems = []
    with sqlite3.connect(db) as conn:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            problems.append(f"integrity_check: {verdict}")
        duplicates = conn.execute("SELECT COUNT(*) FROM (SELECT article_id, start, \"end\" FROM quotes "
                                  "GROUP BY 1, 2, 3 HAVING COUNT(*) > 1)").fetchone()[0]
        if duplicates:
            problems.append(f"{duplicates} quotes stored twice")
    for article_id, rows in quotes_by_article(db).items():
        if rows != clean.get(article_id):
            problems.append(f"{article_id}: {len(rows)} quotes, a clean index has {len(clean.get(article_id, []))}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--corpus", type=Path, default=REPO / "fixtures" / "quotes")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        corpus = work / "corpus"
        corpus.mkdir()
        for path in sorted(args.corpus.glob("*.txt")):
            (corpus / path.name).write_bytes(path.read_bytes())
        reference = work / "clean.db"
        started = time.perf_counter()
        subprocess.run([*QUOTES, "index", str(corpus), "--db", str(reference), "--quiet", "--jobs", "1"],
                       check=True, env=env)
        full_run = time.perf_counter() - started
        clean = quotes_by_article(reference)
        db = work / "killed.db"
        killed_with_work = 0
        for round_ in range(args.kills):
            if round_ % 3 == 0:     # start over now and then, so there is always work to kill
                for leftover in work.glob("killed.db*"):
                    leftover.unlink(missing_ok=True)
            process = subprocess.Popen([*QUOTES, "index", str(corpus), "--db", str(db), "--quiet", "--jobs", "1"],
                                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.2, full_run))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                killed_with_work += 1
            process.wait()
            problems = check(db, clean)
            if problems:
                print(f"round {round_ + 1}: " + "; ".join(problems[:5]), file=sys.stderr)
                return 1
        final = subprocess.run([*QUOTES, "index", str(corpus), "--db", str(db), "--quiet", "--jobs", "1"], env=env)
        problems = check(db, clean) + ([] if quotes_by_article(db) == clean else ["final index differs"])
        with sqlite3.connect(db) as conn, sqlite3.connect(reference) as ref:
            groups = conn.execute("SELECT COUNT(*) FROM quote_groups").fetchone()[0]
            want = ref.execute("SELECT COUNT(*) FROM quote_groups").fetchone()[0]
        if groups != want:
            problems.append(f"{groups} grouped quotes after the final run, a clean index has {want}")
        print(f"{args.kills} rounds, {killed_with_work} killed mid-run (SIGKILL after 0.2-{full_run:.1f} s), "
              f"{len(clean)} articles, {sum(map(len, clean.values()))} quotes: "
              + ("all checks passed" if not problems and final.returncode == 0 else "; ".join(problems)))
        return 1 if problems or final.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
