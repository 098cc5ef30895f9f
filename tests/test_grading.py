"""Grading through real nbgrader, with the course's `grade` command.

* every graded notebook: the solution earns full autograded marks, the blank release 0;
* notebook 01: a batch of honest and hostile submissions, graded with 2 jobs in the
  sandbox, gives exactly the expected scores; honest ones score as when graded alone with
  1 job; the gradebook, the submitted files and everything outside the grading folder come
  out intact; no hidden-test source reaches the feedback.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import nbformat
import pytest

from nnlib.course import ROOT, SOLUTIONS, assignments, solution, student
from nnlib.course import sandbox as sandbox_mod
from nnlib.course.grade import grade

pytestmark = pytest.mark.slow
A = "01_gradient_descent"
GRADED = [a for a in assignments()
          if any(c.metadata.get("nbgrader", {}).get("grade")
                 for c in nbformat.read(str(solution(a)), as_version=4).cells)]
SANDBOX = sandbox_mod.available()[0]


def _rows(out: Path) -> dict[str, dict]:
    with (out / "grades.csv").open() as f:
        return {r["student_id"]: r for r in csv.DictReader(f)}


def _grade(subs: Path, out: Path, assignment: str, **kw) -> tuple[int, str]:
    text = io.StringIO()
    kw.setdefault("sandbox", SANDBOX)
    code = grade(subs, assignment, out, stream=text, **kw)
    return code, text.getvalue()


@pytest.mark.parametrize("assignment", GRADED)
def test_solution_full_marks_and_blank_zero(tmp_path, assignment):
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(solution(assignment), subs / f"sol_{assignment}.ipynb")      # flat LMS layout
    (subs / "blank").mkdir()                                                   # folder layout
    shutil.copy(student(assignment), subs / "blank" / f"{assignment}.ipynb")
    code, log = _grade(subs, tmp_path / "out", assignment, jobs=2)
    rows = _rows(tmp_path / "out")
    assert code == 0, log
    assert rows["sol"]["status"] == "graded" and rows["blank"]["status"] == "graded", log
    assert float(rows["sol"]["autograded_score"]) == float(rows["sol"]["autograded_max"]) > 0, log
    assert float(rows["blank"]["autograded_score"]) == 0.0, log
    for who in ("sol", "blank"):
        assert (tmp_path / "out" / "feedback" / who / assignment / f"{assignment}.html").is_file()


# --------------------------------------------------------------------------- hostile batch

def _notebook(edit=None) -> nbformat.NotebookNode:
    nb = nbformat.read(str(solution(A)), as_version=4)
    if edit:
        edit(nb)
    return nb


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _prepend(grade_id, code):
    def edit(nb):
        cell = _cell(nb, grade_id)
        cell.source = code + "\n" + cell.source
    return edit


def _replace(grade_id, code):
    def edit(nb):
        _cell(nb, grade_id).source = code
    return edit


def _add_cell(code, after="least_squares_loss"):
    def edit(nb):
        i = nb.cells.index(_cell(nb, after))
        nb.cells.insert(i + 1, nbformat.v4.new_code_cell(code))
    return edit


def _delete(grade_id):
    def edit(nb):
        nb.cells.remove(_cell(nb, grade_id))
    return edit


WRONG_LOSS = "def least_squares_loss(phi, x, y):\n    return 0.0\n"
WRONG_GRAD = "def least_squares_gradient(phi, x, y):\n    return np.zeros(2)\n"
# name: (how the submission is made, expected autograded score out of 12, expected status)
# os._exit is graded as a crash at that cell: tests before it count, tests after it score 0.
CASES = {
    "honest": (None, 12, "graded"),
    "blank": ("blank", 0, "graded"),
    "loop": (_prepend("gradient_descent", "while True:\n    pass"), 9, "graded"),
    "osexit": (_prepend("least_squares_loss", "import os\nos._exit(1)"), 0, "crashed"),
    "osexitlate": (_prepend("cross_entropy_gradient", "import os\nos._exit(1)"), 9, "crashed"),
    "syntax": (_prepend("cross_entropy_loss", "def broken(:\n    pass"), 10, "graded"),
    "sysexit": (_prepend("cross_entropy_gradient", "import sys\nsys.exit(0)"), 9, "graded"),
    "deletedtest": (_delete("test_least_squares_loss"), 12, "graded"),
    "editedtest": (_replace("test_gradient_descent", "print('all good')"), 12, "graded"),
    "spam": (_add_cell("print('x' * 300_000_000)"), 12, "graded"),
    "patchnumpy": (_replace("least_squares_loss", WRONG_LOSS + "np.allclose = lambda *a, **k: True\n"
                            "np.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)\n"
                            "import numpy.testing\n"
                            "numpy.testing.assert_allclose = lambda *a, **k: None\n"), 10, "flagged"),
    "patchcheck": (_replace("least_squares_gradient", WRONG_GRAD + "from nnlib import check as _c\n"
                            "_c.close = lambda *a, **k: None\n_c.array = lambda *a, **k: None\n"),
                   10, "flagged"),
    "patchduringtest": (_replace("least_squares_loss",
                                 "def least_squares_loss(phi, x, y):\n"
                                 "    import builtins\n    from nnlib import check\n"
                                 "    check.close = lambda *a, **k: None\n"
                                 "    check.scalar = lambda *a, **k: 0.0\n"
                                 "    builtins.abs = lambda v: 0\n"
                                 "    return 0.0\n"), 10, "flagged"),
    "swallowerrors": (_replace("least_squares_gradient", WRONG_GRAD +
                               "get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)\n"),
                      10, "flagged"),
    "readsecrets": (_replace("least_squares_loss",
                             "import glob\n"
                             "def _steal(pattern):\n"
                             "    for path in glob.glob(pattern, recursive=True):\n"
                             "        try:\n"
                             "            return open(path).read()\n"
                             "        except OSError:\n"
                             "            pass\n"
                             f"_steal('{SOLUTIONS}/**/*.ipynb')\n"
                             "_steal('{OUT}/gradebook.db')\n"
                             "_steal('{OUT}/submitted/honest/**/*.ipynb')\n"
                             f"source = open('{solution(A)}').read()\n"
                             "exec(source)\n"), 10, "flagged"),
    "network": (_add_cell("import socket\ntry:\n    socket.create_connection(('127.0.0.1', 9), timeout=2)\n"
                          "except OSError as e:\n    print('no network:', type(e).__name__)\n"), 12, "flagged"),
}


def _make_batch(folder: Path, out: Path) -> None:
    for name, (how, _, _) in CASES.items():
        if how == "blank":
            nb = nbformat.read(str(student(A)), as_version=4)
        else:
            nb = _notebook(how)
        text = nbformat.writes(nb).replace("{OUT}", str(out))
        (folder / f"{name}_{A}.ipynb").write_text(text)
    (folder / "corrupt_01.ipynb").write_text("{ this is not a notebook")


def _tree_digest(root: Path, skip: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if p.is_file() and not any(part in skip for part in rel.parts):
            out[str(rel)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    subs, out = tmp / "subs", tmp / "out"
    subs.mkdir()
    _make_batch(subs, out)
    before_subs = _tree_digest(subs, ())
    skip = (".git", ".venv", ".grading", "__pycache__", ".pytest_cache", ".hypothesis")
    before_repo = _tree_digest(ROOT, skip)
    code, log = _grade(subs, out, A, jobs=2, cell_timeout=10)
    return {"code": code, "log": log, "rows": _rows(out), "out": out, "subs": subs,
            "subs_intact": before_subs == _tree_digest(subs, ()),
            "repo_intact": before_repo == _tree_digest(ROOT, skip)}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_case_scores_exactly(batch, case):
    _, expected, status = CASES[case]
    row = batch["rows"][case]
    assert float(row["autograded_score"]) == expected, (case, row, batch["log"])
    assert row["status"] == status, (case, row)


def test_corrupt_file_fails_alone_and_the_batch_completes(batch):
    assert batch["rows"]["corrupt"]["status"] == "failed"
    assert float(batch["rows"]["corrupt"]["autograded_score"]) == 0
    assert set(batch["rows"]) == set(CASES) | {"corrupt"}
    assert batch["code"] == 1, "a failed or flagged submission must make grade exit non-zero"
    assert "crashed or could not be graded" in batch["log"]
    assert "flagged for manual review" in batch["log"]


def test_gradebook_submissions_and_repository_intact(batch):
    assert batch["subs_intact"], "grading changed a submitted file"
    assert batch["repo_intact"], "grading changed a file outside the grading folder"
    con = sqlite3.connect(batch["out"] / "gradebook.db")
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    students = {r[0] for r in con.execute("select id from student")}
    assert set(CASES) <= students


def test_honest_submissions_score_as_when_graded_alone(batch, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("honest", "blank"):
        shutil.copy(batch["subs"] / f"{name}_{A}.ipynb", subs)
    code, log = _grade(subs, tmp_path / "out", A, jobs=1)
    assert code == 0, log
    alone = _rows(tmp_path / "out")
    for name in ("honest", "blank"):
        assert alone[name]["autograded_score"] == batch["rows"][name]["autograded_score"]
        assert alone[name]["status"] == batch["rows"][name]["status"]
    # the same grades cell by cell in both gradebooks (1 job vs 2 jobs)
    assert _cell_grades(tmp_path / "out" / "gradebook.db") == _cell_grades(batch["out"] / "gradebook.db")


def _cell_grades(db: Path) -> list[tuple]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        rows = [(s, g.name, g.auto_score, g.manual_score, g.needs_manual_grade)
                for s in ("honest", "blank")
                for nb in gb.find_submission(A, s).notebooks for g in nb.grades]
    assert len(rows) == 2 * 6
    return sorted(rows)


def test_feedback_shows_failed_checks_but_never_hidden_tests(batch):
    source = nbformat.read(str(solution(A)), as_version=4)
    hidden = set()
    for cell in source.cells:
        m = re.search(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", cell.source, re.S)
        if m:
            hidden |= {line.strip() for line in m.group(1).splitlines() if len(line.strip()) > 20}
    assert hidden
    files = list((batch["out"] / "feedback").rglob("*.html"))
    assert len(files) >= len(CASES) - 1
    for path in files:
        text = path.read_text()
        import html
        plain = html.unescape(re.sub(r"<[^>]+>", "", text))
        leaked = [h for h in hidden if h in plain]
        assert not leaked, f"{path}: hidden test source in feedback: {leaked[:3]}"
        assert "BEGIN HIDDEN TESTS" not in plain
    blank = (batch["out"] / "feedback" / "blank" / A / f"{A}.html").read_text()
    assert "NotImplementedError" in blank
    patched = html_text = (batch["out"] / "feedback" / "patchcheck" / A / f"{A}.html").read_text()
    assert "least_squares_gradient" in html_text and "wrong value" in patched


@pytest.mark.skipif(not SANDBOX, reason="bubblewrap is not available on this machine")
def test_sandboxed_kernel_sees_no_secrets_and_no_network(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import os, socket\n"
        f"print('solutions visible:', bool(os.listdir('{SOLUTIONS}')))\n"
        "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=2); print('network: yes')\n"
        "except OSError:\n    print('network: no')\n"
        "try:\n    open('/usr/probe-write', 'w'); print('root writable: yes')\n"
        "except OSError:\n    print('root writable: no')\n")
    kd = tmp_path / "k"
    kd.mkdir()
    spec = sandbox_mod.kernelspec(tmp_path / "j", sandbox=True, workdir=tmp_path, kernel_dir=kd,
                                  hide=[SOLUTIONS], report=kd / "r", protect=[])
    import json
    argv = json.loads((spec / "kernels" / sandbox_mod.KERNEL_NAME / "kernel.json").read_text())["argv"]
    cmd = argv[: argv.index("-m") - 1] + ["python3", str(probe)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout
    assert "solutions visible: False" in out
    assert "network: no" in out
    assert "root writable: no" in out
