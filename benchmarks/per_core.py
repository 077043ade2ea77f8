"""Per-core speed of `quotes extract` and `quotes index`: tokens/s, each processor's share, start-up
and peak memory, on one thread.

    python benchmarks/per_core.py [--splits dev train] [--repeat 2]

Each run is a fresh process (`OMP_NUM_THREADS=1`, `--jobs 1`) that runs the command through its
click entry point with a stopwatch around every Stanza processor call, so the shares and the
total come from the same run. Start-up is the time from the process's first line to a built
pipeline (imports and model loading). Peak memory is the process's maximum resident set.
Tokens are Stanza's tokens of the whole corpus. Prints a Markdown table; BENCHMARKS.md keeps the
measured ones. Not part of the tests.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "eval" / "polnear"

RUN = """
import time
started = time.perf_counter()
import json, resource, sys, tempfile
sys.path.insert(0, {repo!r})
from quotes import nlp
from quotes.cli import main
shares, tokens, startup, inside = {{}}, [0], [None], [0]
def stopwatch(name, function):
    # Only the outermost processor call counts: bulk_process may call process.
    def timed(*args, **kwargs):
        inside[0] += 1
        began = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            inside[0] -= 1
            if inside[0] == 0:
                shares[name] = shares.get(name, 0.0) + time.perf_counter() - began
    return timed
build = nlp.get_pipeline
def get_pipeline(*args, **kwargs):
    pipeline = build(*args, **kwargs)
    if startup[0] is None:
        startup[0] = time.perf_counter() - started
        for name, processor in pipeline.processors.items():
            processor.process = stopwatch(name, processor.process)
            processor.bulk_process = stopwatch(name, processor.bulk_process)
            if name == "tokenize":
                def counted(docs, _process=processor.bulk_process):
                    done = _process(docs)
                    tokens[0] += sum(len(s.tokens) for d in done for s in d.sentences)
                    return done
                processor.bulk_process = counted
    return pipeline
nlp.get_pipeline = get_pipeline
args = {args!r}
if args[0] == "index":
    args = args + ["--db", tempfile.mktemp(suffix=".db"), "--jobs", "1", "--quiet"]
try:
    main(args, standalone_mode=False)
finally:
    total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({{"total": total, "startup": startup[0], "shares": shares, "tokens": tokens[0], "peak_mb": peak}}),
          file=sys.stderr)
"""


def measure(command: str, corpus: Path) -> dict:
    code = RUN.format(repo=str(REPO), args=[command, str(corpus)])
    env = {**os.environ, "OMP_NUM_THREADS": "1", "QUOTES_TORCH_THREADS": "1"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    last = [line for line in result.stderr.splitlines() if line.startswith("{")]
    if not last:
        raise SystemExit(f"{command} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return json.loads(last[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--splits", nargs="+", default=["dev", "train"], help="PolNeAR splits (default: dev train)")
    parser.add_argument("--commands", nargs="+", default=["extract", "index"])
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; the fastest is shown")
    args = parser.parse_args(argv)
    print("| command | split | tokens | wall s | tokens/s per core | start-up s | tokenize | ner | pos | lemma "
          "| depparse | quotes' own | peak MB |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for split in args.splits:
        for command in args.commands:
            runs = [measure(command, CORPUS / split / "text") for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["total"])
            stanza = sum(best["shares"].values())
            share = {name: best["shares"].get(name, 0.0) / best["total"] for name in
                     ("tokenize", "ner", "pos", "lemma", "depparse")}
            own = (best["total"] - stanza - best["startup"]) / best["total"]
            walls = ", ".join(f"{r['total']:.1f}" for r in runs)
            print(f"| quotes {command} | {split} | {best['tokens']:,} | {best['total']:.1f} ({walls}) | "
                  f"{best['tokens'] / best['total']:,.0f} | {best['startup']:.1f} | "
                  + " | ".join(f"{share[name]:.0%}" for name in share)
                  + f" | {own:.0%} | {best['peak_mb']:,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
