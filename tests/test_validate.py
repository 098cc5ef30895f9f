"""`validate` tells a student, in words, which visible checks pass and what to fix."""
import io
import re

import nbformat
import pytest

from nnlib.course import solution, student
from nnlib.course.validate import validate

pytestmark = pytest.mark.slow
A = "01_gradient_descent"


def _run(path):
    out = io.StringIO()
    return validate(path, out=out), out.getvalue()


def test_solution_passes_every_check():
    code, text = _run(solution(A))
    assert code == 0, text
    assert "5 of 5 passed (12 of 12 points)" in text
    assert "written answer, graded by your instructor" in text


def test_blank_student_notebook_fails_with_not_answered():
    code, text = _run(student(A))
    assert code == 1
    assert text.count("not answered") == 5
    assert "0 of 5 passed (0 of 12 points)" in text


def test_a_wrong_answer_shows_the_checks_message(tmp_path):
    nb = nbformat.read(str(student(A)), as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "least_squares_gradient":
            cell.source = ("def least_squares_gradient(phi, x, y):\n"
                           "    r = y - phi[0] - phi[1] * x\n"
                           "    return np.array([2 * r.sum(), 2 * (r * x).sum()])\n")
    path = tmp_path / f"{A}.ipynb"
    nbformat.write(nb, str(path))
    code, text = _run(path)
    assert code == 1
    assert re.search(r"\u2717 test_least_squares_gradient\s+2 pt\s+failed", text)
    assert "hint: your answer matches the gradient with its sign flipped" in text


def test_missing_or_broken_files_exit_2(tmp_path):
    assert _run(tmp_path / "nope.ipynb")[0] == 2
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    code, text = _run(bad)
    assert code == 2 and "not a readable notebook" in text
