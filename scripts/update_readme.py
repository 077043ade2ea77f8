"""Re-run the example commands in README.md and put their real output under them.

    python scripts/update_readme.py          # rewrite README.md
    python scripts/update_readme.py --check  # exit 1 if README.md is out of date

Each example is a fenced block whose first line is `$ quotes ...`. The commands run in a
scratch folder holding copies of seeds/ and fixtures/, in README order; the first one is
`quotes index seeds/`, so ids and offsets are the ones a reader gets from the set-up command. Examples that need other inputs (`quotes index mixed/`)
are left alone.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"```\n\$ (quotes [^\n]*)\n(.*?)```", re.S)
SKIP = ("quotes index mixed/", "quotes speakers --check")   # --check: an index with wrong names, not the seeds


def run_example(command: str, cwd: Path) -> str:
    result = subprocess.run(command, shell=True, cwd=cwd, capture_output=True, text=True)
    return result.stdout + result.stderr


def updated_readme(text: str, cwd: Path) -> str:
    def replace(match: re.Match) -> str:
        command = match.group(1)
        if command.startswith(SKIP):
            return match.group(0)
        return f"```\n$ {command}\n{run_example(command, cwd)}```"

    return BLOCK.sub(replace, text)


def main(argv: list[str]) -> int:
    readme = REPO / "README.md"
    with tempfile.TemporaryDirectory() as scratch:
        cwd = Path(scratch)
        shutil.copytree(REPO / "seeds", cwd / "seeds")
        shutil.copytree(REPO / "fixtures", cwd / "fixtures")
        new = updated_readme(readme.read_text(encoding="utf-8"), cwd)
    if "--check" in argv:
        if new != readme.read_text(encoding="utf-8"):
            print("README.md examples are out of date: run python scripts/update_readme.py", file=sys.stderr)
            return 1
        return 0
    readme.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
