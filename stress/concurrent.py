"""Several `quotes index` processes on one database at once, with readers running `quotes list`.

    python stress/concurrent.py [--writers 2] [--corpus ../shared/eval/polnear/dev/text] [--reference DB]

The corpus is dealt out to the writers (every writer also gets a few articles another one
has, so two processes save the same article); while they run, a reader lists the index in
a loop. Checks: every process exits 0, no 'database is locked' anywhere, the final index
holds every article with exactly the quotes a one-process index has, nothing twice. That
one-process index is built first, unless --reference names one already built from the corpus.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kill_index import QUOTES, check, quotes_by_article  # noqa: E402  (needs the path above)

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=REPO / "fixtures" / "quotes")
    parser.add_argument("--reference", type=Path, help="a one-process index of the corpus, already built")
    args = parser.parse_args(argv)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    files = sorted(args.corpus.glob("*.txt"))
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        everything = work / "all"
        everything.mkdir()
        for path in files:
            shutil.copy(path, everything / path.name)
        copies = sorted(everything.glob("*.txt"))
        # Each writer gets its share of the files plus two of the next writer's: the same
        # article (same path) is saved by two processes.
        shares = [[str(p) for p in copies[w::args.writers] + copies[(w + 1) % args.writers::args.writers][:2]]
                  for w in range(args.writers)]
        reference = args.reference or work / "clean.db"
        if not args.reference:
            subprocess.run([*QUOTES, "index", str(everything), "--db", str(reference), "--quiet", "--jobs", "1"],
                           check=True, env=env)
        db = work / "shared.db"
        writers = [subprocess.Popen([*QUOTES, "index", *share, "--db", str(db), "--quiet", "--jobs", "1"],
                                    env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for share in shares]
        reads, read_errors = 0, []
        while any(w.poll() is None for w in writers):
            if db.exists():
                result = subprocess.run([*QUOTES, "list", "--db", str(db), "--format", "csv"], capture_output=True,
                                        text=True, env=env)
                reads += 1
                if result.returncode != 0:
                    read_errors.append(result.stderr.strip().splitlines()[-1:])
            time.sleep(0.2)
        outputs = [w.communicate() for w in writers]
        problems = [f"writer {i} exited {w.returncode}: {err.strip()[-300:]}"
                    for i, (w, (_, err)) in enumerate(zip(writers, outputs)) if w.returncode != 0]
        problems += [f"reader failed: {e}" for e in read_errors]
        problems += ["'database is locked' seen" for _, err in outputs if "locked" in err]
        clean = quotes_by_article(reference)
        problems += check(db, clean)
        if quotes_by_article(db) != clean:
            problems.append("the shared index differs from a one-process index")
        rows = sum(map(len, quotes_by_article(db).values()))
        print(f"{args.writers} concurrent writers, {len(files)} articles ({rows} quotes), {reads} reads while "
              f"writing: " + ("all checks passed" if not problems else "; ".join(problems[:5])))
        return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
