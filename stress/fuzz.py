"""The fuzz properties of tests/test_hardening.py at scale, through the real Stanza pipeline.

    python stress/fuzz.py [--examples 10000] [--seed 0] [--max-size 80]

Draws half the inputs from NEWSY (news-like pieces: marks, "said", names, labels), then
half from plain Unicode text, the strategies of tests/fuzz_properties.py, and checks every
property there on each one: `quotes.extract` never raises, every quote, cue and mention
offset points at its text, quotes are sorted, disjoint and inside their paragraph, and so on.

Hypothesis drives it, as in the test, so a failure is shrunk to a minimal input; it runs
with no example database and a fixed seed (--seed), so the same command draws the same
inputs. --max-size bounds an input: pieces for NEWSY, characters for plain text (2.5 times
as many, the test's 80 and 200 by default). Unlike the test, lengths are drawn evenly up
to the bound: left to itself hypothesis averages five pieces however many are allowed,
and ten thousand short inputs find little that sixty do not.

Prints progress to stderr, then one line:

    fuzz: 10000 examples, 0 failures (NEWSY 5000, text 5000), 312 s

On a failure, every distinct minimal failing input is printed as a Python repr with its
error, and the exit status is 1 (an input that failed once and passed when replayed is
printed as it was drawn, unshrunk).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

# Inputs are a few hundred characters: more torch threads only contend for the cores.
os.environ.setdefault("OMP_NUM_THREADS", "1")
HERE = Path(__file__).resolve().parent
# Not this folder: stress/concurrent.py would shadow the standard library's concurrent package.
sys.path[:] = [str(HERE.parent / "tests")] + [p for p in sys.path if Path(p or ".").resolve() != HERE]

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis.control import current_build_context  # noqa: E402

import fuzz_properties  # noqa: E402  (needs the path above)

PROGRESS_EVERY = 30.0     # seconds between progress lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=10_000, help="in all, half from each strategy")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-size", type=int, default=80,
                        help="most NEWSY pieces per input; plain text gets 2.5 times as many characters")
    args = parser.parse_args(argv)
    strategies = {"NEWSY": fuzz_properties.any_length(fuzz_properties.newsy, args.max_size),
                  "text": fuzz_properties.any_length(fuzz_properties.plain_text, args.max_size * 5 // 2)}
    shares = {"NEWSY": args.examples - args.examples // 2, "text": args.examples // 2}
    drawn: Counter = Counter()        # examples per strategy, up to its first failure
    after = 0                         # calls after a failure: shrinking it, and looking for other bugs
    minimal: list[tuple[str, str, BaseException]] = []
    started = last_report = time.perf_counter()
    for name, strategy in strategies.items():
        failed = False
        first: tuple[str, BaseException] | None = None

        @seed(args.seed)
        @settings(max_examples=shares[name], deadline=None, database=None, print_blob=False,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(strategy)
        def fuzz(text: str) -> None:
            nonlocal after, failed, first, last_report
            if failed:
                after += 1
            else:
                drawn[name] += 1
            now = time.perf_counter()
            if now - last_report >= PROGRESS_EVERY:
                last_report = now
                print(f"fuzz: {name} {drawn[name]}/{shares[name]} examples, {len(minimal)} failures"
                      + (", shrinking a failure" if failed else "") + f", {now - started:.0f} s",
                      file=sys.stderr, flush=True)
            try:
                fuzz_properties.check(text)
            except Exception as error:
                failed = True
                first = first or (text, error)
                # Hypothesis replays each distinct bug's minimal input last, as the "final" run.
                if current_build_context().is_final:
                    minimal.append((name, text, error))
                raise

        try:
            fuzz()
        except Exception:     # the failures are in `minimal`; hypothesis's own report repeats them
            if not failed:
                raise
            if first is not None and not any(n == name for n, _, _ in minimal):
                # Flaky: it failed once and not when replayed, so it was never shrunk.
                minimal.append((f"{name}, failed once and not when replayed", first[0], first[1]))
    elapsed = time.perf_counter() - started
    for name, text, error in minimal:
        where = traceback.extract_tb(error.__traceback__)[-1]
        print(f"\nminimal failing input ({name}): {text!r}\n  {type(error).__name__}: {error}\n"
              f"  at {Path(where.filename).name}:{where.lineno} in {where.name}", file=sys.stderr)
    counts = ", ".join(f"{name} {drawn[name]}" for name in strategies)
    print(f"fuzz: {sum(drawn.values())} examples, {len(minimal)} failures ({counts}), {elapsed:.0f} s"
          + (f", {after} more after a failure (shrinking)" if after else ""))
    return 1 if minimal else 0


if __name__ == "__main__":
    sys.exit(main())
