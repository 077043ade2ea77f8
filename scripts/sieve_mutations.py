"""Delete each attribution rule in turn and check that a test named after it fails.

    python scripts/sieve_mutations.py                    # every sieve (and speech rule)
    python scripts/sieve_mutations.py dash_signature     # only the rules named

The rules are the sieves of quotes.attribution.SIEVES and, where the package has it, the speech
stage's quotes.attribution.speech.SPEECH_RULES (title, nickname). For each rule,
`pytest tests/test_sieves.py` runs in a subprocess with that one rule taken out, and the rule is
guarded where some test named `test_<rule name>…` fails. A rule whose tests all pass (or that
has none) survives its deletion: the script exits 1. A first run with every rule in place must
pass, or the verdicts mean nothing. The code tested is the checkout this script lives in.

This file is also the pytest plugin that takes the rule out (`-p sieve_mutations`, with
$REMOVE_SIEVE naming it). It assumes what quotes.attribution promises: each sequence of rules is
read at call time from its module's globals, each item a function whose __name__ is the rule's
name. A list is filtered in place; a tuple (or other sequence) is rebound, as a tuple, on every
loaded quotes module that holds that very object (the package re-exports SIEVES).
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TESTS = "tests/test_sieves.py"
ENV = "REMOVE_SIEVE"
# Where the rules live: (module, sequence); the first must exist, the others are used where present.
RULES = (("quotes.attribution", "SIEVES"), ("quotes.attribution.speech", "SPEECH_RULES"))


# --- the plugin, in the pytest subprocess -------------------------------------------------------

def pytest_configure(config) -> None:
    name = os.environ.get(ENV)
    if name:
        _remove_sieve(name)


def _remove_sieve(name: str) -> None:
    import pytest
    for rules in _rule_sequences():
        kept = [r for r in rules if r.__name__ != name]
        if len(kept) == len(rules):
            continue
        if isinstance(rules, list):
            rules[:] = kept
            return
        for module in [m for n, m in sys.modules.items() if n == "quotes" or n.startswith("quotes.")]:
            for attribute, value in list(vars(module).items()):
                if value is rules:
                    setattr(module, attribute, tuple(kept))
        return
    raise pytest.UsageError(f"{ENV}={name}: no rule of that name in {', '.join(n for _, n in RULES)}")


def _rule_sequences() -> list:
    import importlib
    found = []
    for position, (module_name, attribute) in enumerate(RULES):
        try:
            found.append(getattr(importlib.import_module(module_name), attribute))
        except (ImportError, AttributeError):
            if position == 0:
                raise
    return found


# --- the driver ---------------------------------------------------------------------------------

def sieve_names() -> list[str]:
    """The rules of the checkout this script lives in, read in a subprocess (no Stanza loaded here)."""
    code = "import sieve_mutations as m; print('\\n'.join(r.__name__ for s in m._rule_sequences() for r in s))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=_env(None), capture_output=True,
                         text=True, check=True)
    return out.stdout.split()


def _env(removed: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(REPO / "scripts")]
                                        + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.pop(ENV, None)
    if removed:
        env[ENV] = removed
    return env


def run_tests(removed: str | None) -> tuple[int, set[str], set[str]]:
    """pytest's exit status, the names of the tests that ran and of those that failed."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.xml"
        # No cache: the deliberate failures must not become the developer's --last-failed.
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "sieve_mutations",
                   f"--junitxml={report}", TESTS]
        done = subprocess.run(command, cwd=REPO, env=_env(removed), capture_output=True, text=True)
        if not report.exists():
            sys.stderr.write(done.stdout + done.stderr)
            return done.returncode, set(), set()
        ran, failed = set(), set()
        for case in ET.parse(report).iter("testcase"):
            ran.add(case.get("name"))
            if case.find("failure") is not None or case.find("error") is not None:
                failed.add(case.get("name"))
        return done.returncode, ran, failed


def named_after(test: str, sieve: str, sieves: list[str]) -> bool:
    """test_<sieve> or test_<sieve>_…, and no longer sieve name that the test name also fits."""
    def fits(name: str) -> bool:
        return re.fullmatch(rf"test_{re.escape(name)}(_.*)?", test) is not None
    return fits(sieve) and not any(len(other) > len(sieve) and fits(other) for other in sieves)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sieves", nargs="*", help="rule names (default: every sieve and speech rule)")
    args = parser.parse_args(argv)
    every = sieve_names()
    unknown = [s for s in args.sieves if s not in every]
    if unknown:
        parser.error(f"no such rule: {', '.join(unknown)} (the rules: {', '.join(every)})")
    status, ran, failed = run_tests(None)
    if status != 0 or failed:
        print(f"{TESTS} fails with every rule in place ({', '.join(sorted(failed)) or f'exit {status}'}): "
              "fix that first", file=sys.stderr)
        return 1
    survivors = []
    for sieve in args.sieves or every:
        own = sorted(t for t in ran if named_after(t, sieve, every))
        status, _, failed = run_tests(sieve) if own else (0, set(), set())
        caught = sorted(set(own) & failed)
        if status not in (0, 1):
            verdict = f"ERROR (pytest exit {status})"
        elif caught:
            verdict = f"guarded: {', '.join(caught)}"
        else:
            verdict = "SURVIVES: " + ("no test is named after it" if not own else f"{len(own)} tests pass without it")
        others = sorted(failed - set(own))
        print(f"{sieve}: {verdict}" + (f" (also failing: {', '.join(others)})" if others else ""), flush=True)
        if not caught:
            survivors.append(sieve)
    if survivors:
        print(f"{len(survivors)} rule(s) can be deleted with {TESTS} green: {', '.join(survivors)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
