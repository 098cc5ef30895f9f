"""Validate: run a notebook and report each test cell's result in plain words.

Mirrors how nbgrader scores a test cell (any error or any stderr output scores 0), but
shows the check's message so a student knows what to fix. Exit status 1 when any test fails.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import IGNORED_STDERR as IGNORED_STDERR_PATTERN
from .execute import cell_error, cell_stderr, execute

IGNORED_STDERR = re.compile(IGNORED_STDERR_PATTERN)


@dataclass
class TestResult:
    grade_id: str
    points: float
    status: str          # "passed", "failed", "not answered"
    message: str = ""


def _error_text(cell) -> tuple[str, str]:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return out.get("ename", ""), out.get("evalue", "")
    return "", ""


def results(nb: nbformat.NotebookNode) -> tuple[list[TestResult], list[str]]:
    """Per-test-cell results of an executed notebook, and problems in answer cells."""
    tests, problems = [], []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        if meta.get("solution") and cell_error(cell):
            ename, evalue = _error_text(cell)
            if ename != "NotImplementedError":
                problems.append(f"your code cell '{meta.get('grade_id')}' raised {ename}: {evalue}")
        if not meta.get("grade") or meta.get("solution"):
            continue
        points = float(meta.get("points", 0))
        ename, evalue = _error_text(cell)
        stderr = cell_stderr(cell)
        if ename == "NotImplementedError":
            res = TestResult(meta["grade_id"], points, "not answered",
                             "the exercise still raises NotImplementedError: replace that line "
                             "with your solution")
        elif ename:
            res = TestResult(meta["grade_id"], points, "failed", f"{ename}: {evalue}")
        elif stderr.strip() and not IGNORED_STDERR.search(stderr):
            res = TestResult(meta["grade_id"], points, "failed",
                             "the cell printed to stderr, which the grader scores as a failure:\n"
                             + stderr.strip())
        else:
            res = TestResult(meta["grade_id"], points, "passed")
        tests.append(res)
    return tests, problems


def manual_answers(nb: nbformat.NotebookNode) -> list[tuple[str, float]]:
    return [(c.metadata["nbgrader"]["grade_id"], float(c.metadata["nbgrader"].get("points", 0)))
            for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.metadata["nbgrader"].get("solution")]


def validate(path: str | Path, out=sys.stdout, timeout: int = 120) -> int:
    """Run the notebook at ``path``, print the report, return the exit status."""
    path = Path(path)
    if not path.is_file():
        print(f"validate: no such notebook: {path}", file=out)
        return 2
    try:
        nbformat.read(str(path), as_version=4)
    except Exception as exc:
        print(f"validate: {path} is not a readable notebook ({exc})", file=out)
        return 2
    run = execute(path, timeout=timeout)
    tests, problems = results(run.nb)
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
    for p in problems:
        print(f"  ! {p}", file=out)
    for grade_id, pts in manual_answers(run.nb):
        print(f"  ? {grade_id:<28} {pts:g} pt  written answer, graded by your instructor", file=out)
    passed = [t for t in tests if t.status == "passed"]
    got = sum(t.points for t in passed)
    total = sum(t.points for t in tests)
    print(f"Visible tests: {len(passed)} of {len(tests)} passed ({got:g} of {total:g} points). "
          "Hidden tests run when the notebook is graded.", file=out)
    ok = len(passed) == len(tests) and not run.crashed
    return 0 if ok else 1
