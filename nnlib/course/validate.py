"""Validate: run a notebook and report, in plain words, each test cell's result and every
error in any other cell.

Mirrors how nbgrader scores a test cell (any error or any stderr output scores 0), but
shows the check's message so a student knows what to fix. An error in any other cell (an
answer, a demo, a plot) is reported with where it happened, because it usually means an
answer that passes its visible checks is still wrong for the code that uses it. Exit status
1 when any test fails or any cell raised an error, 2 when the file is not a readable notebook.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import IGNORED_STDERR as IGNORED_STDERR_PATTERN
from . import cells
from .execute import NotebookError, cell_stderr, execute, read_notebook

IGNORED_STDERR = re.compile(IGNORED_STDERR_PATTERN)


@dataclass
class TestResult:
    grade_id: str
    points: float
    status: str          # "passed", "failed", "not answered"
    message: str = ""


@dataclass
class CellError:
    index: int           # position in the notebook, from 0
    where: str           # cells.describe(): "cell 15 (In [12], under "...", starting `...`)"
    error: str           # "ValueError: ..."
    not_answered: bool   # it stopped at an exercise that still raises NotImplementedError


def _error_text(cell) -> tuple[str, str]:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return out.get("ename", ""), out.get("evalue", "")
    return "", ""


def test_results(nb: nbformat.NotebookNode) -> list[TestResult]:
    """Per-test-cell results of an executed notebook, in notebook order."""
    tests = []
    for i in cells.of_role(nb, cells.TEST):
        cell = nb.cells[i]
        gid, pts = cells.grade_id(cell), cells.points(cell)
        ename, evalue = _error_text(cell)
        stderr = cell_stderr(cell)
        if ename == "NotImplementedError":
            res = TestResult(gid, pts, "not answered",
                             "the exercise still raises NotImplementedError: replace that line "
                             "with your solution")
        elif ename:
            res = TestResult(gid, pts, "failed", f"{ename}: {evalue}")
        elif stderr.strip() and not IGNORED_STDERR.search(stderr):
            res = TestResult(gid, pts, "failed",
                             "the cell printed to stderr, which the grader scores as a failure:\n"
                             + stderr.strip())
        else:
            res = TestResult(gid, pts, "passed")
        tests.append(res)
    return tests


def cell_errors(nb: nbformat.NotebookNode) -> list[CellError]:
    """Errors in every code cell that is not a test cell (answers, setup, demos, plots)."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code" or cells.role(cell) == cells.TEST:
            continue
        ename, evalue = _error_text(cell)
        if ename:
            found.append(CellError(i, cells.describe(nb, i), f"{ename}: {evalue}".strip(),
                                   ename == "NotImplementedError"))
    return found


def results(nb: nbformat.NotebookNode) -> tuple[list[TestResult], list[CellError]]:
    """Test-cell results and errors in other cells of an executed notebook."""
    return test_results(nb), cell_errors(nb)


def manual_answers(nb: nbformat.NotebookNode) -> list[tuple[str, float]]:
    """(grade_id, points) of the written answers and tasks, graded by hand."""
    return [(cells.grade_id(nb.cells[i]), cells.points(nb.cells[i]))
            for i in cells.of_role(nb, cells.WRITTEN, cells.TASK)]


def validate(path: str | Path, out=None, timeout: int = 120) -> int:
    """Run the notebook at ``path``, print the report (to ``out``, default stdout), return
    the exit status: 0 all passed, 1 a test failed or a cell raised, 2 not a readable notebook."""
    out = sys.stdout if out is None else out
    path = Path(path)
    try:
        nb = read_notebook(path)
    except NotebookError as exc:
        print(f"validate: {exc}", file=out)
        return 2
    run = execute(path, timeout=timeout, nb=nb)
    tests, errors = results(run.nb)
    print(f"Validating {path} ({run.seconds:.1f} s)", file=out)
    if run.crashed:
        print(f"  ! the run stopped early: {run.crashed}", file=out)
    if not tests:
        print("  (this notebook has no graded test cells)", file=out)
    symbol = {"passed": "\u2713", "failed": "\u2717", "not answered": "\u2026"}
    for t in tests:
        print(f"  {symbol[t.status]} {t.grade_id:<28} {t.points:g} pt  {t.status}", file=out)
        if t.message:
            for line in t.message.splitlines():
                print(f"        {line}", file=out)
    crashes = [e for e in errors if not e.not_answered]
    waiting = [e for e in errors if e.not_answered]
    for e in crashes:
        print(f"  ! error in {e.where}:", file=out)
        print(f"        {e.error}", file=out)
    if waiting:
        print(f"  \u2026 {len(waiting)} other cell(s) stopped at an exercise that is not answered "
              f"yet (first: {waiting[0].where})", file=out)
    for grade_id, pts in manual_answers(run.nb):
        print(f"  ? {grade_id:<28} {pts:g} pt  written answer, graded by your instructor", file=out)
    passed = [t for t in tests if t.status == "passed"]
    got = sum(t.points for t in passed)
    total = sum(t.points for t in tests)
    print(f"Visible tests: {len(passed)} of {len(tests)} passed ({got:g} of {total:g} points). "
          "Hidden tests run when the notebook is graded.", file=out)
    if crashes:
        print(f"Errors in other cells: {len(crashes)}. Where such a cell uses an exercise's "
              "answer, fix the answer, even when its visible tests pass.", file=out)
    ok = len(passed) == len(tests) and not run.crashed and not errors
    return 0 if ok else 1
