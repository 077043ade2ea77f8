"""The accuracy gate: attribution on PolNeAR dev must not fall below what the README promises.

Runs the real `quotes extract` (bundled models, learned scorer) over the 84 dev articles and
scores it with `quotes evaluate`. The README's Accuracy section holds the committed figure; a
change that costs more than 0.01 end-to-end F1 fails here, and one that gains should update
the README so the gate follows.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "polnear" / "dev"
TOLERANCE = 0.01


def committed_end_to_end_f1() -> float:
    """The dev end-to-end F1 in the README's Accuracy section (the score table's F1 column)."""
    accuracy = ROOT.joinpath("README.md").read_text(encoding="utf-8").split("## Accuracy", 1)[1]
    dev_table = accuracy.split("\ndev: ", 1)[1]
    found = re.search(r"^end-to-end \(mention\)\s+[\d.]+\s+[\d.]+\s+([\d.]+)", dev_table, re.M)
    assert found, "README's Accuracy section has no dev table with an 'end-to-end (mention)' line"
    return float(found.group(1))


@pytest.mark.skipif(not DEV.is_dir(), reason="../shared/eval/polnear/dev not present")
def test_dev_end_to_end_f1_stays_within_0_01_of_the_readme(tmp_path):
    predictions = tmp_path / "dev.jsonl"
    with predictions.open("w", encoding="utf-8") as out:
        subprocess.run([sys.executable, "-m", "quotes", "extract", str(DEV / "text")], stdout=out, check=True)
    scored = subprocess.run([sys.executable, "-m", "quotes", "evaluate", str(predictions), str(DEV), "--json"],
                            capture_output=True, text=True, check=True)
    f1 = json.loads(scored.stdout)["scores"]["end2end_f1"]
    assert f1 >= committed_end_to_end_f1() - TOLERANCE, f"dev end-to-end F1 {f1:.3f} fell below the README's figure"
