"""The text form of notebooks round-trips the course's solution notebooks."""
from pathlib import Path

import nbformat
import pytest

from nnlib.course import cells, nbtext

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*/*.ipynb"))


def _strip(nb):
    return [(c.cell_type, c.source, dict(cells.meta(c)), c.metadata.get("tags"))
            for c in nb.cells]


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])
def test_round_trip(path):
    nb = nbformat.read(str(path), as_version=4)
    again = nbtext.pack(nbtext.unpack(nb), path.name)
    assert _strip(again) == _strip(nb)


def test_pack_roles_and_errors():
    text = "\n".join([
        "# %% [markdown]", "# Title", "# %%", "x = 1",
        "# %% solution id=f", "def f():", "    ### BEGIN SOLUTION", "    return 1", "    ### END SOLUTION",
        "# %% tests id=test_f points=2", "assert f() == 1",
        "# %% [markdown] answer id=why points=3", "Because.",
    ])
    nb = nbtext.pack(text)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code", "code", "markdown"]
    assert nb.cells[0].source == "# Title"
    assert nb.cells[2].metadata.nbgrader == {"schema_version": 3, "grade_id": "f", "solution": True,
                                             "grade": False, "locked": False}
    assert nb.cells[3].metadata.nbgrader["points"] == 2.0 and nb.cells[3].metadata.nbgrader["locked"]
    assert nb.cells[4].metadata.nbgrader["solution"] and nb.cells[4].metadata.nbgrader["grade"]
    # the text form's words name these roles in nnlib.course.cells's vocabulary
    assert [cells.role(c) for c in nb.cells] == ["plain", "plain", "answer", "test", "written"]
    with pytest.raises(ValueError, match="needs points"):
        nbtext.pack("# %% tests id=t\nx")
    with pytest.raises(ValueError, match="needs id"):
        nbtext.pack("# %% solution\nx")
    with pytest.raises(ValueError, match="unknown cell role 'solutoin'"):
        nbtext.pack("# %% solutoin id=a\nx")
    with pytest.raises(ValueError, match="duplicate cell ids"):
        nbtext.pack("# %% solution id=a\nx\n# %% solution id=a\ny")


def test_points_that_are_not_a_number_are_named():
    import pytest
    from nnlib.course.nbtext import pack
    with pytest.raises(ValueError, match=r"points must be a number, got 'abc'"):
        pack("# %% tests id=t points=abc\nx = 1\n", "bad.txt")
