"""Grading through real nbgrader, with the course's pipeline (nbgrader_config.py).

* every graded notebook: the solution earns full autograded marks, the blank release 0,
  and no hidden-test line reaches its feedback;
* notebook 01: one batch of honest and hostile submissions, graded with 2 jobs in the
  sandbox: one case per class of attack or accident (escapes, one submission hurting
  another, resource limits, links and pipes, leaks, ordinary mistakes). Honest submissions
  score as when graded alone; the batch always completes; nothing outside the grading
  folder changes; no hidden line reaches any feedback, on our path or nbgrader's own;
* the sandbox boundary probed directly, as the user the grader is (root in CI).

Expected scores are derived from the solution notebook's own test cells (their points and
order), never written out by hand.
"""
from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nnlib.course import ROOT, SOLUTIONS, assignments, solution, student, tool_env
from nnlib.course import sandbox as sandbox_mod
from nnlib.course.grade import collect, grade
from nnlib.course.pipeline import is_test, significant, split_hidden

pytestmark = pytest.mark.slow
A = "01_gradient_descent"
GRADED = [a for a in assignments()
          if any(is_test(c) for c in nbformat.read(str(solution(a)), as_version=4).cells)]
SANDBOX = sandbox_mod.available()[0]
needs_sandbox = pytest.mark.skipif(not SANDBOX, reason="bubblewrap is not available here")


def _rows(out: Path) -> dict[str, dict]:
    with (out / "grades.csv").open() as f:
        return {r["student_id"]: r for r in csv.DictReader(f)}


def _grade(subs: Path, out: Path, assignment: str, **kw) -> tuple[int, str]:
    text = io.StringIO()
    kw.setdefault("sandbox", SANDBOX)
    code = grade(subs, assignment, out, stream=text, **kw)
    return code, text.getvalue()


def _hidden_lines(assignment: str) -> list[str]:
    """The hidden-test lines of a notebook that its student version does not show anyway."""
    lines = []
    for cell in nbformat.read(str(solution(assignment)), as_version=4).cells:
        if is_test(cell):
            lines += split_hidden(cell.source)[1]
    shown = {line.strip() for cell in nbformat.read(str(student(assignment)), as_version=4).cells
             for line in cell.source.splitlines()}
    return [h for h in significant(lines) if h not in shown]


def _feedback_leaks(folder: Path, hidden: list[str]) -> list[str]:
    leaks = []
    for path in folder.rglob("*.html"):
        plain = html.unescape(path.read_text())
        leaks += [f"{path.name}: {h}" for h in hidden if h in plain]
        if "BEGIN HIDDEN TESTS" in plain:
            leaks.append(f"{path}: hidden-test marker")
    return leaks


@pytest.mark.parametrize("assignment", GRADED)
def test_solution_full_marks_and_blank_zero(tmp_path, assignment):
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(solution(assignment), subs / f"sol_{assignment}.ipynb")      # flat LMS layout
    (subs / "blank").mkdir()                                                   # folder layout
    shutil.copy(student(assignment), subs / "blank" / f"{assignment}.ipynb")
    # as `nbgrader collect` leaves it: the exchange's two files beside the notebook, which
    # autograde reads (the submission time) and release_feedback needs beside the feedback
    exchange = {"timestamp.txt": "2026-09-14 08:30:15.123456 UTC",
                "submission_secret.txt": "b7f0c2d4e6a8"}
    for name, text in exchange.items():
        (subs / "blank" / name).write_text(text)
    # the solution again, ending with a cell that prints every cell the kernel ran (the
    # hidden tests included) into its own output: the feedback must not show them
    leaky = nbformat.read(str(solution(assignment)), as_version=4)
    leaky.cells.append(nbformat.v4.new_code_cell("print('\\n'.join(In))"))
    nbformat.write(leaky, str(subs / f"leaky_{assignment}.ipynb"))
    code, log = _grade(subs, tmp_path / "out", assignment, jobs=2)
    rows = _rows(tmp_path / "out")
    assert rows["leaky"]["autograded_score"] == rows["sol"]["autograded_score"], log
    assert code in (0, 1) and rows["leaky"]["status"] in ("graded", "flagged"), log
    assert rows["sol"]["status"] == "graded" and rows["blank"]["status"] == "graded", log
    assert float(rows["sol"]["autograded_score"]) == float(rows["sol"]["autograded_max"]) > 0, log
    assert float(rows["blank"]["autograded_score"]) == 0.0, log
    feedback = tmp_path / "out" / "feedback"
    for who in ("sol", "blank", "leaky"):
        page = (feedback / who / assignment / f"{assignment}.html").read_text()
        assert page.count('<html lang="en"') == 1, f"{who}: the feedback page has no language"
    for name, text in exchange.items():        # carried to the feedback, nowhere invented
        assert (feedback / "blank" / assignment / name).read_text() == text
        assert not (feedback / "sol" / assignment / name).exists()
    with sqlite3.connect(tmp_path / "out" / "gradebook.db") as con:
        stamps = dict(con.execute(
            "select student.id, submitted_assignment.timestamp from submitted_assignment "
            "join student on student.id = submitted_assignment.student_id").fetchall())
    assert stamps["blank"].startswith("2026-09-14 08:30:15"), stamps
    hidden = _hidden_lines(assignment)
    assert hidden, f"{assignment} has no hidden tests"
    assert not _feedback_leaks(tmp_path / "out" / "feedback", hidden)


# --------------------------------------------------------------------------- the hostile batch

SOURCE = nbformat.read(str(solution(A)), as_version=4)
POINTS = {c.metadata["nbgrader"]["grade_id"]: float(c.metadata["nbgrader"]["points"])
          for c in SOURCE.cells if is_test(c)}
FULL = sum(POINTS.values())


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _before(grade_id: str) -> float:
    """Points of the test cells that run before the cell ``grade_id``."""
    stop = SOURCE.cells.index(_cell(SOURCE, grade_id))
    return sum(POINTS[c.metadata["nbgrader"]["grade_id"]] for c in SOURCE.cells[:stop] if is_test(c))


def _test_of(answer_id: str) -> str:
    return f"test_{answer_id}"


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


def _both(*edits):
    def edit(nb):
        for e in edits:
            e(nb)
    return edit


def _duplicate(grade_id):
    """A test cell copied and pasted in JupyterLab (metadata and all) from the student's copy."""
    released = _cell(nbformat.read(str(student(A)), as_version=4), grade_id)

    def edit(nb):
        cell = _cell(nb, grade_id)
        copy = nbformat.from_dict(json.loads(json.dumps(released)))
        copy["id"] = "copied-" + cell.get("id", "x")
        nb.cells.insert(nb.cells.index(cell) + 1, copy)
    return edit


def _tag(grade_id, tag):
    def edit(nb):
        _cell(nb, grade_id).metadata["tags"] = [tag]
    return edit


WRONG_LOSS = "def least_squares_loss(phi, x, y):\n    return 0.0\n"
WRONG_GRAD = "def least_squares_gradient(phi, x, y):\n    return np.zeros(2)\n"
LOSS_OFF = FULL - POINTS["test_least_squares_loss"]
GRAD_OFF = FULL - POINTS["test_least_squares_gradient"]

# Each steals the model answer if it can (then the wrong answer would be replaced and score
# full marks), so a successful escape shows in the score, not only in a print.
STEAL = """
import glob, os, subprocess, json
def _try(f):
    try:
        return f()
    except Exception:
        return None
_found = []
_paths = glob.glob('{SOL}/**/*.ipynb', recursive=True)
for _pid in (os.listdir('/proc') if os.path.isdir('/proc') else []):
    _paths += glob.glob(f'/proc/{_pid}/root{SOL}/**/*.ipynb', recursive=True)
_paths += glob.glob('{ROOT}/tests/mutants/*.py')
for _p in _paths:
    _t = _try(lambda: open(_p).read())
    if _t:
        _found.append(_t)
_found.append(_try(lambda: subprocess.run(['git', '-C', '{ROOT}', 'show',
              'HEAD:solutions/{A}/{A}.ipynb'], capture_output=True, text=True).stdout))
_try(lambda: subprocess.run(['umount', '{SOL}'], capture_output=True))
_try(lambda: subprocess.run(['mount', '-o', 'remount,rw', '/'], capture_output=True))
_try(lambda: subprocess.run(['nsenter', '-t', '1', '-m', '-n', 'true'], capture_output=True))
_found.append(_try(lambda: open('{SOL}/{A}/{A}.ipynb').read()))
_found.append(_try(lambda: open('/etc/shadow').read()))
for _t in _found:
    if _t and 'def least_squares_loss' in _t:
        for _c in json.loads(_t)['cells']:
            if 'def least_squares_loss' in ''.join(_c['source']):
                exec(''.join(_c['source']).replace('### BEGIN SOLUTION', '').replace('### END SOLUTION', ''))
print('escape attempts done:', len(_paths), 'paths')
print('environment:', sorted(os.environ))
"""

VANDAL = """
import os, glob, signal, subprocess, time
def _try(f):
    try:
        return f()
    except Exception:
        return None
for _pid in os.listdir('/proc'):
    if _pid.isdigit():
        _try(lambda: open(f'/proc/{_pid}/root{ROOT}/VANDALISED', 'w').write('x'))
_try(lambda: open('{ROOT}/VANDALISED', 'w').write('x'))
for _report in glob.glob('/tmp/nnlib-grading-*/guard.jsonl') + glob.glob('{OUT}/**/guard.jsonl', recursive=True):
    _try(lambda: open(_report, 'a').write('{"event": "exit", "cell": 1}\\n'))
# a detached process that outlives the notebook and kills every other kernel it can see
_try(lambda: subprocess.Popen(['python3', '-c',
    'import os, time, signal\\n'
    'for _ in range(600):\\n'
    '    for p in os.listdir("/proc"):\\n'
    '        if p.isdigit() and int(p) not in (os.getpid(), os.getppid()):\\n'
    '            try: os.kill(int(p), signal.SIGKILL)\\n'
    '            except Exception: pass\\n'
    '    time.sleep(0.1)\\n'], start_new_session=True))
time.sleep(1)
"""

LIMIT_MEMORY = "import numpy as np\n_big = np.ones(16 << 30, dtype=np.uint8)   # 16 GB\n"
LIMIT_DISK = ("open('big', 'wb').write(b'x' * (200 << 20))        # 200 MB here\n")
LIMIT_TMP = "open('/tmp/big', 'wb').write(b'x' * (200 << 20))   # 200 MB in /tmp\n"
LIMIT_PROCESSES = """
import os, time
for _ in range(5000):           # a fork bomb, bounded; the children outlive the cell
    if os.fork() == 0:
        os.setsid()
        time.sleep(600)
        os._exit(0)
"""

OUTPUT = """
import os
display({'text/html': '<img src=x onerror="document.title=1"><script>alert(1)</script>'}, raw=True)
display({'text/html': 'y' * (40 << 20)}, raw=True)
os.write(1, b'z' * (100 << 20))
"""

PRINT_HIDDEN = """
import linecache
def least_squares_gradient(phi, x, y):
    for _n in list(linecache.cache):
        print(''.join(linecache.getlines(_n)))
    try:
        print('\\n'.join(In))
    except NameError:
        pass
    r = phi[0] + phi[1] * x - y
    return np.array([2 * np.sum(r), 2 * np.sum(r * x)])
"""

IDIOMATIC = """
import copy, io
import torch
from torch import nn
_model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
for _m in _model.modules():
    if isinstance(_m, nn.Linear):
        nn.init.zeros_(_m.bias)
_best = copy.deepcopy(_model.state_dict())
_buffer = io.BytesIO()
torch.save(_model.state_dict(), _buffer)
"""

REBIND_CHECK = WRONG_LOSS + """
class _Lenient:
    def __getattr__(self, name):
        return lambda *a, **k: None
check = _Lenient()
"""

CODE_SWAP = WRONG_GRAD + """
import nnlib.check as _c
_c.close.__code__ = (lambda actual, expected, name="value", **k: None).__code__
"""

EVENT_HOOK = WRONG_LOSS + """
import nnlib.check as _c
_real = _c.close
def _patch(*a):
    _c.close = lambda *x, **k: None
def _unpatch(*a):
    _c.close = _real
get_ipython().events.register("pre_run_cell", _patch)
get_ipython().events.register("post_run_cell", _unpatch)
"""

AST_HOOK = WRONG_LOSS + """
import ast
class _DropChecks(ast.NodeTransformer):
    def visit_Expr(self, node):
        return None if "check" in ast.unparse(node) else node
get_ipython().ast_transformers.append(_DropChecks())
"""

FRAME_READER = """
class _Answer:
    def __array__(self, *args, **kwargs):
        import sys
        f = sys._getframe(1)
        while f is not None and "expected" not in f.f_locals:
            f = f.f_back
        return np.asarray(f.f_locals["expected"]) if f else np.zeros(())
    def __float__(self):
        return float(self.__array__())
def least_squares_loss(phi, x, y):
    return _Answer()
"""

# no suspicious construct at all: a plain name that the hidden test binds before the call
READS_REFERENCE = """
def least_squares_loss(phi, x, y):
    try:
        return float(_ref)
    except NameError:
        return 4.5 if len(x) == 3 else 0.0643278
"""

SECRET = "nnlib-grader-secret-4b1d"

# name: (how the submission is made, expected autograded score, expected status,
#        text the grades.csv message must contain)
CASES = {
    "honest": (None, FULL, "graded", ""),
    "blank": ("blank", 0, "graded", ""),
    # ordinary accidents (the endless loops wait rather than spin: the grader stops them the
    # same way, and the suite's other tests keep the core for the cell timeout)
    "loop": (_prepend("gradient_descent", "import time\nwhile True:\n    time.sleep(0.05)"),
             FULL - POINTS["test_gradient_descent"], "graded", ""),
    "nointerrupt": (_prepend("gradient_descent", "import signal, time\n"
                             "signal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n"
                             "    time.sleep(0.05)"),
                    _before("gradient_descent"), "crashed", "did not stop when interrupted"),
    "osexit": (_prepend("least_squares_loss", "import os\nos._exit(1)"), 0, "crashed",
               "kernel died"),
    "osexitlate": (_prepend("cross_entropy_gradient", "import os\nos._exit(1)"),
                   _before("cross_entropy_gradient"), "crashed", "kernel died"),
    "killself": (_prepend("cross_entropy_loss", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),
                 _before("cross_entropy_loss"), "crashed", "kernel died"),
    "syntax": (_prepend("cross_entropy_loss", "def broken(:\n    pass"),
               FULL - POINTS["test_cross_entropy_loss"], "graded", ""),
    "sysexit": (_prepend("cross_entropy_gradient", "import sys\nsys.exit(0)"),
                FULL - POINTS["test_cross_entropy_gradient"], "flagged", "imports sys"),
    "deletedtest": (_delete("test_least_squares_loss"), FULL, "graded", ""),
    "editedtest": (_replace("test_gradient_descent", "print('all good')"), FULL, "graded", ""),
    "duplicatedtest": (_duplicate("test_least_squares_gradient"), FULL, "graded", ""),
    "idiomatic": (_add_cell(IDIOMATIC), FULL, "graded", ""),
    # metadata edits that would skip or re-role a test
    "skiptag": (_both(_replace("least_squares_loss", WRONG_LOSS),
                      _tag("test_least_squares_loss", "skip-execution")), LOSS_OFF, "graded", ""),
    "rerole": (_both(_replace("least_squares_loss", WRONG_LOSS),
                     lambda nb: _cell(nb, "test_least_squares_loss").metadata["nbgrader"].update(
                         grade=False, solution=True, locked=False)), LOSS_OFF, "graded", ""),
    # in-kernel tampering
    "patchnumpy": (_replace("least_squares_loss", WRONG_LOSS + "np.allclose = lambda *a, **k: True\n"
                            "np.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)\n"
                            "import numpy.testing\n"
                            "numpy.testing.assert_allclose = lambda *a, **k: None\n"),
                   LOSS_OFF, "flagged", "needs review"),
    "patchcheck": (_replace("least_squares_gradient", WRONG_GRAD + "from nnlib import check as _c\n"
                            "_c.close = lambda *a, **k: None\n_c.array = lambda *a, **k: None\n"),
                   GRAD_OFF, "flagged", "needs review"),
    "patchduringtest": (_replace("least_squares_loss",
                                 "def least_squares_loss(phi, x, y):\n"
                                 "    import builtins\n    from nnlib import check\n"
                                 "    check.close = lambda *a, **k: None\n"
                                 "    check.scalar = lambda *a, **k: 0.0\n"
                                 "    builtins.abs = lambda v: 0\n"
                                 "    return 0.0\n"), LOSS_OFF, "flagged", "checks were patched"),
    "swallowerrors": (_replace("least_squares_gradient", WRONG_GRAD +
                               "get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)\n"),
                      GRAD_OFF, "flagged", "needs review"),
    "badrecord": (_add_cell("import os\nfor _fd in range(3, 64):\n    try:\n"
                            "        if os.readlink(f'/proc/self/fd/{_fd}').endswith('guard.jsonl'):\n"
                            "            os.write(_fd, b'[]\\n1\\n')\n"
                            "    except OSError:\n        pass\n"), 0, "flagged", "report was tampered"),
    "fifo": (_add_cell("import os\nos.mkfifo('pipe')\nos.mkfifo('/tmp/pipe')\n"
                       "os.symlink('/etc/passwd', 'link')\n"), FULL, "flagged", ""),
    "rebindcheck": (_replace("least_squares_loss", REBIND_CHECK), LOSS_OFF, "flagged", "check"),
    "codeswap": (_replace("least_squares_gradient", CODE_SWAP), GRAD_OFF, "flagged", "__code__"),
    "eventhook": (_replace("least_squares_loss", EVENT_HOOK), LOSS_OFF, "flagged", "IPython"),
    "asthook": (_replace("least_squares_loss", AST_HOOK), LOSS_OFF, "flagged", "IPython"),
    "readsreference": (_replace("least_squares_loss", READS_REFERENCE), LOSS_OFF, "graded", ""),
    "framereader": (_replace("least_squares_loss", FRAME_READER), LOSS_OFF, ("graded", "flagged"), ""),
    # the sandbox boundary
    "escape": (_replace("least_squares_loss", WRONG_LOSS + STEAL), LOSS_OFF, "flagged", ""),
    "vandal": (_add_cell(VANDAL), FULL, "flagged", ""),
    "network": (_add_cell("import socket\ntry:\n    socket.create_connection(('127.0.0.1', 9), timeout=2)\n"
                          "except OSError as e:\n    print('no network:', type(e).__name__)\n"),
                FULL, "flagged", ""),
    # limits
    "memory": (_add_cell(LIMIT_MEMORY), FULL, "graded", "memory limit"),
    "disk": (_both(_add_cell(LIMIT_DISK), _add_cell(LIMIT_TMP, after="gradient_descent")),
             FULL, "flagged", "limit ("),
    # after the last test: the fork bomb may take its own kernel down, never a test
    "processes": (_add_cell(LIMIT_PROCESSES, after="test_cross_entropy_gradient"), FULL,
                  ("graded", "crashed", "flagged"), ""),
    "output": (_add_cell(OUTPUT), FULL, "flagged", "output limit"),
    "spam": (_add_cell("print('x' * 300_000_000)"), FULL, "graded", "output limit"),
    # leaks of hidden tests into the feedback
    "printhidden": (_replace("least_squares_gradient", PRINT_HIDDEN), FULL, "flagged", ""),
}


def _make_batch(folder: Path, out: Path) -> None:
    for name, (how, *_rest) in CASES.items():
        nb = nbformat.read(str(student(A)), as_version=4) if how == "blank" else \
            nbformat.read(str(solution(A)), as_version=4)
        if callable(how):
            how(nb)
        text = nbformat.writes(nb)
        for key, value in {"{SOL}": str(SOLUTIONS), "{ROOT}": str(ROOT), "{OUT}": str(out),
                           "{A}": A}.items():
            text = text.replace(key, value)
        (folder / f"{name}_{A}.ipynb").write_text(text)
    (folder / "corrupt_01.ipynb").write_text("{ this is not a notebook")
    # links and pipes are refused at collection, with the reason
    (folder / f"linkfile_{A}.ipynb").symlink_to(solution(A))
    (folder / "linkdir").symlink_to(solution(A).parent, target_is_directory=True)
    (folder / "pipedir").mkdir()
    os.mkfifo(folder / "pipedir" / f"{A}.ipynb")


REFUSED = {"corrupt": "not a valid notebook", "linkfile": "link", "linkdir": "link",
           "pipedir": "not a plain file"}


def _tree_digest(root: Path, skip: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in skip]
        for name in filenames:
            p = Path(dirpath) / name
            if p.is_file() and not p.is_symlink():
                out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
            else:
                out[str(p.relative_to(root))] = "special"
    return out


def _lingering(marker: str = "os.kill(int(p), signal.SIGKILL)") -> list[str]:
    """The vandal's detached killer, and any launcher or kernel (the fork bomb's children
    are copies of their kernel) of a grading that has ended."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmd:
            found.append(f"{pid}: {cmd[:80]}")
    return found + _stale_kernels()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    subs, out = tmp / "subs", tmp / "out"
    subs.mkdir()
    _make_batch(subs, out)
    before_subs = _tree_digest(subs, ())
    skip = (".git", ".venv", ".grading", "__pycache__", ".pytest_cache", ".hypothesis")
    before_repo = _tree_digest(ROOT, skip)
    os.environ["NNLIB_TEST_SECRET"] = SECRET      # exported before grading, as a token would be
    try:
        code, log = _grade(subs, out, A, jobs=2, cell_timeout=20)
    finally:
        del os.environ["NNLIB_TEST_SECRET"]
    return {"code": code, "log": log, "rows": _rows(out), "out": out, "subs": subs,
            "subs_intact": before_subs == _tree_digest(subs, ()),
            "repo_changes": sorted(set(_tree_digest(ROOT, skip).items())
                                   ^ set(before_repo.items())),
            "lingering": _lingering()}


@needs_sandbox
@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_case_scores_exactly(batch, case):
    _, expected, status, says = CASES[case]
    row = batch["rows"][case]
    assert float(row["autograded_score"]) == expected, (case, row)
    assert row["status"] in ((status,) if isinstance(status, str) else status), (case, row)
    assert says.lower() in row["message"].lower(), (case, row)


@needs_sandbox
def test_refused_files_fail_alone_and_the_batch_completes(batch):
    for who, why in REFUSED.items():
        row = batch["rows"][who]
        assert row["status"] == "failed" and float(row["autograded_score"]) == 0, row
        assert why in row["message"], row
    assert set(batch["rows"]) == set(CASES) | set(REFUSED)
    assert batch["code"] == 1, "a failed or flagged submission must make grade exit non-zero"
    assert "crashed or could not be graded" in batch["log"]
    assert "flagged for manual review" in batch["log"]


@needs_sandbox
def test_nothing_outside_the_grading_folder_changes_and_nothing_lingers(batch):
    assert batch["subs_intact"], "grading changed a submitted file"
    assert not batch["repo_changes"], f"grading changed the course: {batch['repo_changes'][:5]}"
    assert not batch["lingering"], f"processes outlived their notebook: {batch['lingering']}"
    con = sqlite3.connect(batch["out"] / "gradebook.db")
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    students = {r[0] for r in con.execute("select id from student")}
    assert set(CASES) <= students
    for path in (batch["out"] / "autograded").rglob("*"):
        assert not path.is_symlink() and (path.is_dir() or path.is_file()), path


@needs_sandbox
def test_outputs_are_capped_and_inert_and_no_secret_leaks(batch):
    autograded = batch["out"] / "autograded"
    for path in autograded.rglob("*.ipynb"):
        assert path.stat().st_size < 40 << 20, f"{path}: {path.stat().st_size} bytes kept"
        nb = nbformat.reads(path.read_text(), as_version=4)
        outputs = json.dumps([c.get("outputs", []) for c in nb.cells])
        assert SECRET not in outputs, f"{path}: the grader's environment reached the kernel"
        assert not re.search(r"root:[^:\s]*:\d+:", outputs), f"{path}: /etc/shadow or passwd read"
    for path in (batch["out"] / "feedback").rglob("*.html"):
        text = path.read_text()
        assert SECRET not in text
        assert not re.search(r"<[^>]*\bonerror\s*=", text), f"{path}: a live event handler"
        assert "<script>alert" not in text, f"{path}: a live script"
    out = nbformat.read(str(autograded / "output" / A / f"{A}.ipynb"), as_version=4)
    kinds = {k for c in out.cells for o in c.get("outputs", []) for k in o.get("data", {})}
    assert "text/html" not in kinds


# the solution of 01 run by nbclient on an idle 2-core machine (make bench, 2026-11-30: 3.1-3.4 s)
IDLE_SOLUTION_S = 3.1


@pytest.fixture(scope="module")
def alone(batch, tmp_path_factory):
    """Four submissions of the batch graded again, one at a time with 1 job, each timed; and
    the solution's and the blank's own runs (nbclient, no grader), timed the same way."""
    from nnlib.course.execute import execute
    from nnlib.course.grade import Grader, LocalRunner, Submission

    out = tmp_path_factory.mktemp("alone") / "out"
    grader = Grader(A, out, sandbox=SANDBOX, runner=LocalRunner(1), threads=os.cpu_count() or 1)
    grader.runner.warm()
    grader.prepare()
    grader.start_run(False)
    results = {}
    try:       # idiomatic first: the worker's first task also warms it up, so it is not timed
        for name in ("idiomatic", "honest", "blank", "duplicatedtest"):
            results[name] = grader.grade_one(Submission(name, batch["subs"] / f"{name}_{A}.ipynb"))
        stale = _stale_kernels()     # while the worker that graded them still runs
    finally:
        grader.runner.stop()
        grader.close()
    grader.scores(list(results.values()))
    own = {"solution": min(execute(solution(A)).seconds for _ in range(2)),
           "blank": execute(student(A)).seconds}
    return {"out": out, "results": results, "own": own, "stale": stale}


def _stale_kernels(grace: float = 5.0) -> list[str]:
    """Sandbox launchers and kernels still running after their grading ended: the grading
    folder named on their command line (the launcher's config, the kernel's connection
    file) is gone."""
    import time

    deadline = time.monotonic() + grace
    while True:
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                args = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
            except OSError:
                continue
            named = None
            if "nnlib.course.sandbox" in args and len(args) > 3:
                named = args[3]
            elif "nnlib.course.guard" in args and "-f" in args[:-1]:
                named = args[args.index("-f") + 1]
            if named and not Path(named).exists():
                found.append(f"{pid}: {' '.join(args)[:120]}")
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


@needs_sandbox
def test_a_kernel_stops_when_its_notebook_is_graded(alone):
    """Each kernel is stopped as its grading ends, not when the grading worker exits (a
    worker grades one submission after another; kernels left running piled up)."""
    assert not alone["stale"], alone["stale"]


@needs_sandbox
def test_honest_submissions_score_as_when_graded_alone(batch, alone):
    for name, r in alone["results"].items():
        assert r.score == float(batch["rows"][name]["autograded_score"]), (name, r)
        assert r.status == batch["rows"][name]["status"] == "graded", (name, r)
    assert _cell_grades(alone["out"] / "gradebook.db") == _cell_grades(batch["out"] / "gradebook.db")


@needs_sandbox
def test_grading_adds_under_two_seconds_to_a_notebooks_own_run(alone):
    """The grader's cost per submission (staging, the sandboxed kernel, nbgrader's pipeline,
    feedback, the merge) stays under 2 s beyond the notebook's own run (`make bench` measures
    it on 20 submissions against a budget of 1.5 s). Both are timed side by side, the
    solution twice (honest and duplicatedtest are the solution; the faster counts). On a
    machine slowed by other work (the suite's other worker) the solution's own run is the
    gauge: the 2 s scale with how much slower it runs than on an idle machine."""
    r, own = alone["results"], alone["own"]
    overhead = {"solution": round(min(r["honest"].seconds, r["duplicatedtest"].seconds)
                                  - own["solution"], 2),
                "blank": round(r["blank"].seconds - own["blank"], 2)}
    bench = ROOT / "bench" / "results" / "bench.json"      # this machine's, after `make bench`
    reference = (json.loads(bench.read_text()).get("grading", {}).get("notebook_own_s", {})
                 .get("solution") if bench.is_file() else None) or IDLE_SOLUTION_S
    slower = max(1.0, own["solution"] / reference)
    assert max(overhead.values()) < 2.0 * slower, (
        f"grading overhead per submission {overhead} s beyond the notebooks' own runs "
        f"{ {k: round(v, 2) for k, v in own.items()} } s (budget 2 s x {slower:.2f}, the "
        "machine's slow-down against an idle one)")


def _cell_grades(db: Path) -> list[tuple]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        rows = [(s, g.name, g.auto_score, g.manual_score, g.needs_manual_grade)
                for s in ("honest", "blank")
                for nb in gb.find_submission(A, s).notebooks for g in nb.grades]
    assert len(rows) == 2 * (len(POINTS) + 1)      # the test cells and the written answer
    return sorted(rows)


@needs_sandbox
def test_feedback_shows_failed_checks_but_never_hidden_tests(batch):
    hidden = _hidden_lines(A)
    files = list((batch["out"] / "feedback").rglob("*.html"))
    assert len(files) >= len(CASES) - 1
    assert not _feedback_leaks(batch["out"] / "feedback", hidden)
    blank = (batch["out"] / "feedback" / "blank" / A / f"{A}.html").read_text()
    assert "NotImplementedError" in blank
    patched = (batch["out"] / "feedback" / "patchcheck" / A / f"{A}.html").read_text()
    assert "least_squares_gradient" in patched and "wrong value" in patched


@needs_sandbox
def test_nbgraders_own_commands_apply_the_course_pipeline(batch, tmp_path):
    """`nbgrader autograde`, `nbgrader generate_feedback` and formgrader's API, run by an
    instructor on the course folder, sandbox the kernel, judge the guard and redact."""
    out = tmp_path / "grading"
    shutil.copytree(batch["out"] / "submitted", out / "submitted",
                    ignore=shutil.ignore_patterns("*"), dirs_exist_ok=True)
    for who in ("escape", "printhidden", "patchcheck"):
        dest = out / "submitted" / who / A
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy(batch["out"] / "submitted" / who / A / f"{A}.ipynb", dest)
    env = {**tool_env(), "NNLIB_GRADING_DIR": str(out)}

    def nbgrader(*args):
        proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=600)
        return proc.returncode, proc.stdout + proc.stderr

    code, log = nbgrader("generate_assignment", A, "--force", "--create",
                         f"--CourseDirectory.release_directory={out / 'release'}")
    assert code == 0, log
    code, log = nbgrader("autograde", A, "--force", "--create", "--Execute.timeout=20")
    assert code == 0, log
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gb:
        scores = {who: gb.find_submission(A, who).code_score for who in ("escape", "patchcheck")}
        flagged = {who: gb.find_submission_notebook(A, A, who).flagged
                   for who in ("escape", "patchcheck")}
    assert scores == {"escape": LOSS_OFF, "patchcheck": GRAD_OFF}, scores
    assert flagged["patchcheck"], "the patched-check submission is not flagged in the gradebook"
    code, log = nbgrader("generate_feedback", A, "--force")
    assert code == 0, log
    # formgrader's "generate feedback" button goes through this API call
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader
    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()  # as formgrader
    for step in ("submitted", "autograded", "feedback"):
        setattr(cfg.CourseDirectory, f"{step}_directory", str(out / step))
    cfg.CourseDirectory.db_url = f"sqlite:///{out / 'gradebook.db'}"
    api = NbGraderAPI(config=cfg)
    page = out / "feedback" / "printhidden" / A / f"{A}.html"
    page.unlink()
    result = api.generate_feedback(A, "printhidden", force=True)
    assert result["success"], result
    assert not _feedback_leaks(out / "feedback", _hidden_lines(A))
    # the same accessible page on both paths (the exporter is nbgrader_config.py's)
    for who in ("escape", "printhidden", "patchcheck"):
        text = (out / "feedback" / who / A / f"{A}.html").read_text()
        assert '<html lang="en"' in text and "text-decoration: underline" in text, who


@needs_sandbox
def test_feedback_pages_pass_axe(batch):
    """The feedback pages `grade` wrote pass axe-core's WCAG 2.1 A/AA rules in Chromium: a
    blank, a flagged wrong answer and a crashed kernel (failed checks, errors, scores, links)."""
    from test_accessibility import AXE, CHROMIUM, axe_violations
    if CHROMIUM is None or not AXE.exists():
        pytest.skip("needs Debian's chromium and axe-core (npm ci --prefix hub; .ci/run)")
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            for who in ("blank", "patchcheck", "osexit"):
                page.goto((batch["out"] / "feedback" / who / A / f"{A}.html").as_uri())
                found[who] = axe_violations(page)
        finally:
            browser.close()
    assert not any(found.values()), found


# --------------------------------------------------------------------------- file names

def test_lms_file_names_give_distinct_ids_and_bad_patterns_say_why(tmp_path):
    nb = nbformat.writes(nbformat.v4.new_notebook())
    for name in ("Anna Berg_12345_assignsubmission_file_01.ipynb",
                 "Anna Bell_67890_assignsubmission_file_01.ipynb",
                 "bergeranna_LATE_4321_998_01.ipynb", "s123_01.ipynb"):
        (tmp_path / name).write_text(nb)
    ids = sorted(s.student for s in collect(tmp_path))
    assert ids == ["Anna-Bell-67890", "Anna-Berg-12345", "bergeranna-4321", "s123"], ids
    (tmp_path / "s123_02.ipynb").write_text(nb)
    clash = next(s for s in collect(tmp_path) if s.student == "s123")
    assert clash.source is None and "--id-pattern" in clash.problem
    with pytest.raises(SystemExit, match="group named student"):
        collect(tmp_path, r"^(\w+)_")
    with pytest.raises(SystemExit, match="not a valid regular expression"):
        collect(tmp_path, r"^(?P<student>[")


# --------------------------------------------------------------------------- the boundary itself

PROBE = r"""
import json, os, socket, subprocess
r = {}
r["uid"] = os.getuid()
r["caps"] = [l.split()[1] for l in open("/proc/self/status") if l.startswith("CapEff")][0]
r["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
r["env"] = sorted(os.environ)
def seen(path):
    return os.path.exists(path)
r["visible"] = {p: seen(p) for p in {paths!r}}
try:
    socket.create_connection(("127.0.0.1", 22), timeout=2); r["network"] = True
except OSError:
    r["network"] = False
def ok(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, timeout=20).returncode == 0
    except OSError:
        return False
r["umount"] = ok(["umount", "{nnlib}"])
r["remount"] = ok(["mount", "-o", "remount,rw", "{nnlib}"])
r["nsenter"] = ok(["nsenter", "-t", "1", "-n", "true"])
try:
    open("{nnlib}/x", "w"); r["write_course"] = True
except OSError:
    r["write_course"] = False
try:
    open("/tmp/big", "wb").write(b"x" * (300 << 20)); r["tmp_300mb"] = True
except OSError:
    r["tmp_300mb"] = False
print(json.dumps(r))
"""


@needs_sandbox
def test_the_sandbox_is_a_boundary_for_the_user_the_grader_is(tmp_path):
    nnlib_dir = str(ROOT / "nnlib")
    home = Path.home()
    secret_paths = [str(SOLUTIONS), str(ROOT / ".git"), str(ROOT / "tests"), "/etc/shadow",
                    "/etc/passwd", str(home / ".bashrc"), str(home / ".local"), str(home / ".cache"),
                    "/home", "/var", str(ROOT / "README.md"), str(ROOT / "nbgrader_config.py")]
    script = tmp_path / "probe.py"
    script.write_text(PROBE.replace("{paths!r}", repr(secret_paths)).replace("{nnlib}", nnlib_dir))
    kernel_dir = tmp_path / "k"
    kernel_dir.mkdir()
    work = tmp_path / "w"
    work.mkdir()
    uid = 61000 + 255 if os.geteuid() == 0 else None
    if uid is not None:
        os.chown(kernel_dir, uid, uid)
        os.chmod(script, 0o644)
    argv = sandbox_mod.bwrap_argv(workdir=str(work), kernel_dir=str(kernel_dir),
                                  env=sandbox_mod.kernel_env(str(work), uid, {}),
                                  limits=sandbox_mod.Limits(), uid=uid, files={})
    # the probe is passed in through the kernel's own folder, the one place both can reach
    shutil.copy(script, kernel_dir / "probe.py")
    proc = subprocess.run(argv + [sys.executable, str(kernel_dir / "probe.py")],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NNLIB_TEST_SECRET": SECRET})
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    assert r["uid"] != 0 and r["caps"] == "0000000000000000", r
    assert max(r["pids"]) < 50, f"the host's processes are visible: {r['pids'][:10]}"
    assert "NNLIB_TEST_SECRET" not in r["env"] and len(r["env"]) < 25, r["env"]
    assert not any(r["visible"].values()), r["visible"]
    assert not r["network"] and not r["umount"] and not r["remount"] and not r["nsenter"], r
    assert not r["write_course"] and not r["tmp_300mb"], r
