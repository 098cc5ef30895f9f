"""notebooks/ is exactly what `release` makes from solutions/, and nothing secret leaks."""
import re
from pathlib import Path

import nbformat
import pytest

from nnlib.course import NOTEBOOKS, SOLUTIONS, assignments, cells
from nnlib.course.release import release_one

ASSIGNMENTS = assignments()
REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)(.*?)### END \1", re.S)
MARKERS = re.compile(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS|"
                     r"BEGIN MARK SCHEME|END MARK SCHEME")


def _cells(nb):
    return [(c.cell_type, c.source, dict(cells.meta(c)), c.get("outputs"),
             c.get("execution_count")) for c in nb.cells]


def test_every_solution_has_a_student_notebook_and_vice_versa():
    solutions = {p.relative_to(SOLUTIONS) for p in SOLUTIONS.glob("*/*.ipynb")}
    students = {p.relative_to(NOTEBOOKS) for p in NOTEBOOKS.glob("*/*.ipynb")}
    assert solutions == students
    assert ASSIGNMENTS == sorted(p.parent.name for p in SOLUTIONS.glob("*/*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_release_equals_a_fresh_one(tmp_path, assignment):
    # One release per test (not one fixture for all): under xdist the ten nbgrader runs
    # spread over the workers.
    fresh = tmp_path / "release"
    release_one(assignment, dest=fresh)
    made = sorted(p.relative_to(fresh / assignment) for p in (fresh / assignment).rglob("*") if p.is_file())
    committed = sorted(p.relative_to(NOTEBOOKS / assignment)
                       for p in (NOTEBOOKS / assignment).rglob("*") if p.is_file())
    assert made == committed, "files differ: run `make release`"
    new = nbformat.read(str(fresh / assignment / f"{assignment}.ipynb"), as_version=4)
    old = nbformat.read(str(NOTEBOOKS / assignment / f"{assignment}.ipynb"), as_version=4)
    assert _cells(new) == _cells(old), f"notebooks/{assignment} is stale: run `make release NB={assignment}`"
    assert new.metadata == old.metadata


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_solution_hidden_test_or_mark_scheme_leaks(assignment):
    source = nbformat.read(str(SOLUTIONS / assignment / f"{assignment}.ipynb"), as_version=4)
    student_path = NOTEBOOKS / assignment / f"{assignment}.ipynb"
    student = nbformat.read(str(student_path), as_version=4)
    text = student_path.read_text()
    assert not MARKERS.search(text), "solution / hidden-test markers in the student notebook"
    # Every substantial line of a solution or hidden-test region, unless it also appears
    # outside those regions in the solution notebook, must be absent from the release.
    public = "\n".join(REGION.sub("", c.source) for c in source.cells)
    secret = {line.strip() for c in source.cells for m in REGION.finditer(c.source)
              for line in m.group(2).splitlines()}
    secret = {s for s in secret if len(s) > 12 and not s.startswith("#") and s not in public}
    student_text = "\n".join(c.source for c in student.cells)
    leaked = sorted(s for s in secret if s in student_text)
    assert not leaked, f"leaked into notebooks/{assignment}: {leaked[:5]}"
    for cell in student.cells:
        assert not cell.get("outputs"), "student notebooks are released without outputs"
        assert "jupytext" not in student.metadata


def test_a_file_beside_a_solution_is_not_released(tmp_path, monkeypatch):
    """Only notebooks travel into notebooks/: a note or data file that nbgrader would copy
    from solutions/<assignment>/ (it ignores no text file, see nbgrader_config.py) is refused."""
    from nnlib.course import release as rel

    real = rel.nbgrader

    def nbgrader_with_a_note(*args, **overrides):
        proc = real(*args, **overrides)
        out = Path(overrides["CourseDirectory.release_directory"]) / args[1]
        (out / "answers.txt").write_text("the mark scheme\n")
        return proc

    monkeypatch.setattr(rel, "nbgrader", nbgrader_with_a_note)
    with pytest.raises(rel.ReleaseError, match=r"only notebooks are released.*answers\.txt"):
        rel.release_one("01_gradient_descent", dest=tmp_path)
    assert not (tmp_path / "01_gradient_descent").exists()
