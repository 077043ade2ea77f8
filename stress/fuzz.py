"""The fuzz properties of tests/test_hardening.py at scale, through the real Stanza pipeline.

    python stress/fuzz.py [--examples 10000] [--seed 0] [--max-size 80]
                          [--growth] [--sizes 1000,...,1000000] [--per-size 2] [--factor 3]

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

--growth then checks that the work is bounded by the input's length: for each kind of
tests/fuzz_properties.py's LONG_PIECES (news-like pieces; quotation marks alone) and each of
--sizes (characters; 1 KB to 1 MB by default), --per-size inputs go through extract with every
property checked, and their time and peak memory are printed, one line per input:

    growth: NEWSY      64,000 chars    18.23 s cpu    31.02 s wall   +121 MB  1,541 quotes

Each input runs in a process of its own, with the models loaded first, so that its peak memory
is its own and not what a larger input before it left allocated. The property: between any two
sizes, the CPU time per character (least of the inputs of a size; CPU time, so that other work
on the machine does not count) and the peak memory above the loaded models per character
(largest) grow by at most --factor. Below 1 s and 64 MB a cost is noise, not a measure of the
cost per character: a shorter size counts as costing at least that. A pair that breaks it is
printed, and the exit status is 1. A megabyte of news-like text takes minutes of Stanza;
--sizes can stop lower. --examples 0 runs the growth check alone.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import traceback
from collections import Counter
from dataclasses import asdict
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
SIZES = (1_000, 4_000, 16_000, 64_000, 256_000, 1_000_000)
TIME_ALLOWANCE = 1.0      # seconds of noise (a busy machine) that no per-character rule should count
MEMORY_ALLOWANCE = 64.0   # megabytes: a first allocation, the allocator's arenas


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=10_000, help="in all, half from each strategy")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-size", type=int, default=80,
                        help="most NEWSY pieces per input; plain text gets 2.5 times as many characters")
    parser.add_argument("--growth", action="store_true", help="also check that time and memory grow linearly")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="input lengths in characters for --growth, comma-separated")
    parser.add_argument("--per-size", type=int, default=2, help="inputs of each kind and size for --growth")
    parser.add_argument("--factor", type=float, default=3.0,
                        help="most that the cost per character may grow between two sizes")
    parser.add_argument("--measure", nargs=3, metavar=("KIND", "SIZE", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:            # one input of --growth, in a process of its own
        kind, size, example_seed = args.measure
        return measure_one(kind, int(size), int(example_seed))
    failed = fuzz_examples(args) if args.examples > 0 else False
    if args.growth:
        failed = not growth([int(size) for size in args.sizes.split(",")], args.per_size, args.factor,
                            args.seed) or failed
    return 1 if failed else 0


def fuzz_examples(args: argparse.Namespace) -> bool:
    """The properties on --examples inputs drawn by hypothesis; True where one failed."""
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
    return bool(minimal)


def growth(sizes: list[int], per_size: int, factor: float, seed: int) -> bool:
    """The growth check (see the module's docstring): True where time and memory grew linearly
    and every input held every property."""
    sizes = sorted(sizes)
    problems = []
    for kind in fuzz_properties.LONG_PIECES:
        times, memory = [], []
        for size in sizes:
            results = []
            for example in range(per_size):
                try:
                    result = measured_apart(kind, size, seed + example)
                except RuntimeError as error:
                    problems.append(f"{kind} {size:,} characters (seed {seed + example}): {error}")
                    continue
                results.append(result)
                shown = "?" if result.megabytes is None else f"+{result.megabytes:,.0f} MB"
                print(f"growth: {kind:6} {size:>10,} chars {result.seconds:8.2f} s cpu {result.wall:8.2f} s wall "
                      f"{shown:>9}  {result.outcome}", flush=True)
            if results:
                times.append((size, min(r.seconds for r in results)))
                if all(r.megabytes is not None for r in results):
                    memory.append((size, max(r.megabytes for r in results)))
        problems += [f"{kind} time: {p}" for p in fuzz_properties.superlinear(times, factor, TIME_ALLOWANCE)]
        problems += [f"{kind} memory: {p}"
                     for p in fuzz_properties.superlinear(memory, factor, MEMORY_ALLOWANCE)]
    for problem in problems:
        print(f"growth: {problem}", file=sys.stderr)
    print(f"growth: {'linear' if not problems else f'{len(problems)} problems'} from {sizes[0]:,} to "
          f"{sizes[-1]:,} characters ({per_size} inputs of each kind and size, factor {factor:g})")
    return not problems


def measured_apart(kind: str, size: int, seed: int) -> fuzz_properties.Measured:
    """One long input through extract in a process of its own: its peak memory then counts from
    the loaded models, not from what a larger input before it left allocated. RuntimeError with
    the last line of the process's error output where a property failed."""
    run = subprocess.run([sys.executable, __file__, "--measure", kind, str(size), str(seed)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError((run.stderr.strip().splitlines() or [f"exit status {run.returncode}"])[-1])
    return fuzz_properties.Measured(**json.loads(run.stdout.splitlines()[-1]))


def measure_one(kind: str, size: int, seed: int) -> int:
    """--measure: the models loaded, one input measured; its Measured as a JSON line."""
    fuzz_properties.check_extract("“Loaded,” he said.")
    print(json.dumps(asdict(fuzz_properties.measure(fuzz_properties.long_text(kind, size, seed)))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
