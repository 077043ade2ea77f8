"""The README's set-up commands are the ones CI runs and the ones that work."""
from __future__ import annotations

from conftest import ROOT


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci_command = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci_command in readme


def test_readme_installs_the_cpu_torch_before_anything_else():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    top = readme[:readme.index("## ", readme.index("## ") + 1)]
    assert top.count("pip install -q torch==2.13.0") == 2
    assert "quotes index seeds/ && quotes list --speaker Johnson" in top
