"""Release: regenerate the student notebooks in notebooks/ from the solutions in solutions/.

Runs nbgrader's ``generate_assignment`` (solutions replaced by stubs, hidden tests and mark
schemes removed, outputs cleared, checksums recorded in the gradebook), then normalises the
result and refuses to write anything that still holds solution or hidden-test text.

Errors are ReleaseError with a one-line message (the command line prints it as it is);
nbgrader's full output, when it failed, is kept in ``.grading/release-<assignment>.log``.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import nbformat

from . import GRADING, NOTEBOOKS, nbgrader, new_gradebook, resolve, solution
from .execute import NotebookError, read_notebook

LEAK_MARKERS = re.compile(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS|"
                          r"BEGIN MARK SCHEME|END MARK SCHEME")


class ReleaseError(RuntimeError):
    """A release that was refused or failed; the message is one line."""


def _nbgrader_failure(assignment: str, log: str) -> str:
    """One line that says why nbgrader failed; the whole log goes to .grading/."""
    lines = [ln.strip() for ln in log.splitlines() if ln.strip()]
    errors = [ln for ln in lines if "ERROR" in ln or "Error" in ln]
    reason = (errors or lines or ["no output"])[-1][:200]
    where = ""
    try:
        GRADING.mkdir(parents=True, exist_ok=True)
        path = GRADING / f"release-{assignment}.log"
        path.write_text(log)
        where = f" (nbgrader's output: {path})"
    except OSError:
        pass
    return f"nbgrader generate_assignment {assignment} failed: {reason}{where}"


def leaks(nb: nbformat.NotebookNode) -> list[str]:
    """Cells of a student notebook that still contain solution / hidden-test / mark-scheme markers."""
    found = []
    for i, cell in enumerate(nb.cells):
        if LEAK_MARKERS.search(cell.source):
            found.append(f"cell {i} ({cell.get('id', '?')})")
        if cell.cell_type == "code" and cell.get("outputs"):
            found.append(f"cell {i} ({cell.get('id', '?')}) has outputs")
    return found


def _normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb.metadata.pop("jupytext", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def release_one(assignment: str, dest: Path = NOTEBOOKS, db: Path | None = None) -> Path:
    """Generate ``dest/<assignment>/<assignment>.ipynb`` and return its path."""
    dest = Path(dest).resolve()
    try:
        read_notebook(solution(assignment))
    except NotebookError as exc:
        raise ReleaseError(str(exc)) from None
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        # A private gradebook unless one is named: releases never contend for a database,
        # and `grade` registers the assignment in its own gradebook anyway.
        db = Path(db) if db is not None else Path(tmp) / "gradebook.db"
        # `generate_assignment --force` deletes the old release folder before it opens the
        # gradebook, and fails when the gradebook's folder is missing: create the folder first.
        db.parent.mkdir(parents=True, exist_ok=True)
        new_gradebook(db)                # without nbgrader's `alembic heads` subprocess
        out = Path(tmp) / "release"
        proc = nbgrader("generate_assignment", assignment, "--force", "--create",
                        **{"CourseDirectory.release_directory": str(out),
                           "CourseDirectory.db_url": f"sqlite:///{db.resolve()}"})
        made = out / assignment
        if proc.returncode != 0 or not made.is_dir():
            raise ReleaseError(_nbgrader_failure(assignment, proc.stdout + proc.stderr))
        others = sorted(str(f.relative_to(made)) for f in made.rglob("*")
                        if f.is_file() and f.suffix != ".ipynb")
        if others:     # a note or data file beside a solution may hold answers
            raise ReleaseError(f"{assignment}: only notebooks are released, and "
                               f"solutions/{assignment}/ also holds: {', '.join(others[:5])} "
                               "(move it out of solutions/)")
        for nb_path in made.glob("*.ipynb"):
            nb = _normalise(nbformat.read(str(nb_path), as_version=4))
            bad = leaks(nb)
            if bad:
                raise ReleaseError(f"{assignment}: the release still contains: {', '.join(bad)}")
            nbformat.write(nb, str(nb_path))
        target = dest / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(made, target)
    return target / f"{assignment}.ipynb"


def release(names: list[str] | None = None, dest: Path = NOTEBOOKS, db: Path | None = None) -> list[Path]:
    return [release_one(a, dest, db) for a in resolve(names)]
