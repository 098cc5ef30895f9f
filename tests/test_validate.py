"""`validate` tells a student, in words, which visible checks pass, what to fix, and where
any other cell failed. Expected counts and points come from the notebook's metadata."""
import io
import re

import nbformat
import pytest

from nnlib.course import cells, nbtext, solution, student
from nnlib.course.validate import results, validate

A = "01_gradient_descent"


def _run(path):
    out = io.StringIO()
    return validate(path, out=out), out.getvalue()


def _expected(assignment):
    nb = nbformat.read(str(solution(assignment)), as_version=4)
    auto, _ = cells.max_points(nb)
    return len(cells.of_role(nb, cells.TEST)), auto, len(cells.of_role(nb, cells.WRITTEN, cells.TASK))


@pytest.mark.slow
def test_solution_passes_every_check():
    n, pts, written = _expected(A)
    code, text = _run(solution(A))
    assert code == 0, text
    assert f"{n} of {n} passed ({pts:g} of {pts:g} points)" in text
    assert text.count("written answer, graded by your instructor") == written
    assert "error in" not in text


@pytest.mark.slow
def test_blank_student_notebook_fails_with_not_answered():
    n, pts, _ = _expected(A)
    code, text = _run(student(A))
    assert code == 1
    assert len(re.findall(r"\u2026 test_\w+\s+\S+ pt\s+not answered", text)) == n
    assert f"0 of {n} passed (0 of {pts:g} points)" in text


@pytest.mark.slow
def test_a_wrong_answer_shows_the_checks_message(tmp_path):
    nb = nbformat.read(str(student(A)), as_version=4)
    nb.cells[cells.find(nb, "least_squares_gradient")].source = (
        "def least_squares_gradient(phi, x, y):\n"
        "    r = y - phi[0] - phi[1] * x\n"
        "    return np.array([2 * r.sum(), 2 * (r * x).sum()])\n")
    path = tmp_path / f"{A}.ipynb"
    nbformat.write(nb, str(path))
    code, text = _run(path)
    assert code == 1
    pts = cells.points(nb.cells[cells.exercises(nb)["least_squares_gradient"][0]])
    assert re.search(rf"\u2717 test_least_squares_gradient\s+{pts:g} pt\s+failed", text)
    assert "hint: your answer matches the gradient with its sign flipped" in text


# An answer that passes its visible check (a list has a length) and breaks a later demo cell
# that needs an array: issue 15. The notebook is small, so the kernel start is most of the run.
DEMO = """\
# %% [markdown]
# Squares
# %%
import numpy as np
# %% solution id=squares
def squares(x):
    ### BEGIN SOLUTION
    return [v * v for v in x]
    ### END SOLUTION
# %% tests id=test_squares points=2
assert len(squares(np.arange(3))) == 3
# %% [markdown]
## The picture
# %%
# NBVAL_IGNORE_OUTPUT
print(squares(np.arange(4)).sum())
# %% [markdown] answer id=why points=1
Because.
"""


@pytest.mark.slow
def test_an_error_in_a_demo_cell_fails_and_says_where(tmp_path):
    path = tmp_path / "demo.ipynb"
    nbformat.write(nbtext.pack(DEMO), str(path))
    code, text = _run(path)
    assert code == 1, text
    assert "1 of 1 passed (2 of 2 points)" in text
    assert re.search(r"! error in cell 6 \(In \[\d+\], under \"The picture\", "
                     r"starting `print\(squares\(np.arange\(4\)\).sum\(\)\)`\):", text), text
    assert "AttributeError: 'list' object has no attribute 'sum'" in text
    assert "Errors in other cells: 1." in text


def test_errors_are_found_in_every_kind_of_cell_of_an_executed_notebook():
    """results() on stored outputs, no kernel: where each error is, and what counts."""
    nb = nbtext.pack(DEMO)
    error = {"output_type": "error", "ename": "AttributeError", "evalue": "no sum", "traceback": []}
    nb.cells[5].outputs = [nbformat.v4.new_output(**error)]
    nb.cells[5].execution_count = 4
    nb.cells[1].outputs = [nbformat.v4.new_output(**dict(error, ename="NotImplementedError", evalue=""))]
    tests, errors = results(nb)
    assert [(t.grade_id, t.status) for t in tests] == [("test_squares", "passed")]
    assert [(e.index, e.not_answered) for e in errors] == [(1, True), (5, False)]
    assert errors[1].where == 'cell 6 (In [4], under "The picture", starting `print(squares(np.arange(4)).sum())`)'
    assert errors[1].error == "AttributeError: no sum"


def test_missing_or_broken_files_exit_2(tmp_path):
    code, text = _run(tmp_path / "nope.ipynb")
    assert code == 2 and "no such notebook" in text and len(text.splitlines()) == 1
    for name, content in [("bad.ipynb", "{not json"), ("empty.ipynb", ""), ("list.ipynb", "[1, 2]"),
                          ("nocells.ipynb", '{"nbformat": 4, "nbformat_minor": 5}')]:
        bad = tmp_path / name
        bad.write_text(content)
        code, text = _run(bad)
        assert code == 2 and "not a readable notebook" in text, (name, text)
        assert len(text.splitlines()) == 1, (name, text)
