"""training/ is a package: its scripts run as files and as modules, with no sys.path edits, and
share one CoNLL-U reader."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from training import conllu

REPO = Path(__file__).resolve().parents[1]
SYS_PATH_EDIT = re.compile(r"sys\.path\.(insert|append|extend)\b|sys\.path\s*(\[[^]]*\]\s*)?\+?=")


def test_no_module_of_quotes_or_training_edits_sys_path():
    sources = sorted(REPO.glob("quotes/**/*.py")) + sorted(REPO.glob("training/*.py"))
    assert len(sources) > 20
    editing = [str(p.relative_to(REPO)) for p in sources if SYS_PATH_EDIT.search(p.read_text(encoding="utf-8"))]
    assert editing == []


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_documented_commands_run_as_files_from_any_folder(tmp_path):
    # README: `python training/train.py`; the resume command of a training run:
    # `python training/train_syntax.py --only parser --run NAME ...`.
    for script, option in (("train.py", "--install-syntax"), ("train_syntax.py", "--benchmark")):
        done = _run([str(REPO / "training" / script), "--help"], tmp_path)
        assert done.returncode == 0, done.stderr
        assert option in done.stdout


def test_a_script_runs_as_a_module_of_the_package():
    done = _run(["-m", "training.train_syntax", "--help"], REPO)
    assert done.returncode == 0, done.stderr
    assert "--benchmark" in done.stdout


def test_training_refuses_a_quotes_that_is_not_this_checkout_s(tmp_path):
    # The models are written into this checkout's quotes/models/: a quotes installed elsewhere
    # would measure others.
    (tmp_path / "quotes").mkdir()
    (tmp_path / "quotes" / "__init__.py").write_text("")
    code = "from training.common import checkout_quotes; checkout_quotes()"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(REPO), "PATH": ""})     # quotes from the folder it runs in
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"training: quotes is imported from {tmp_path / 'quotes'}, not from this checkout ({REPO / 'quotes'}): "
        "install it with pip install -e . or run from the repository root as python -m training.<script>"]
    here = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert here.returncode == 0, here.stderr


CONLLU = """# newdoc id = a
# text = Don't go.
1-2\tDon't\t_\t_\t_\t_\t_\t_\t_\t_
1\tDo\tdo\tAUX\tVB\t_\t3\taux\t_\t_
2\tn't\tnot\tPART\tRB\t_\t3\tadvmod\t_\t_
3\tgo\tgo\tVERB\tVB\t_\t0\troot\t_\tSpaceAfter=No
3.1\tgone\tgo\tVERB\tVBN\t_\t_\t_\t_\t_
4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_

# text = Yes
1\tYes\tyes\tINTJ\tUH\t_\t0\troot\t_\t_
"""


def test_conllu_sentences_are_read_and_written_back_unchanged(tmp_path):
    source, copy = tmp_path / "in.conllu", tmp_path / "out.conllu"
    source.write_text(CONLLU, encoding="utf-8")
    sentences = conllu.read_conllu(source)
    assert [s.comments for s in sentences] == [["# newdoc id = a", "# text = Don't go."], ["# text = Yes"]]
    assert [[r[0] for r in s.rows if conllu.is_word(r)] for s in sentences] == [["1", "2", "3", "4"], ["1"]]
    assert conllu.sentence_text(sentences[0]) == "Do n't go."
    conllu.write_conllu(sentences, copy)
    assert copy.read_text(encoding="utf-8") == CONLLU + "\n"
