"""nnlib.course.cells reads the notebooks' roles, exercises and points right.

The expected numbers come from sources that cells.py does not read: each notebook's own
table of exercises (its first cell: name and points per exercise), the README's table
(exercises per notebook), and the released notebooks' metadata read as plain JSON.
"""
import json
import re

import nbformat
import pytest

from nnlib.course import NOTEBOOKS, ROOT, assignments, cells, solution

TABLE_ROW = re.compile(r"^\|\s*(\d+)\s*\|(.*)\|\s*([\d.]+)\s*\|\s*$", re.M)
README_ROW = re.compile(r"^\| (\d\d) [^|]*\|[^|]*\| (none|(\d+) \+ (\d+) written) \|$", re.M)


def _table(assignment):
    """(autograded exercises as [(name, points)], written points) from the intro table."""
    intro = nbformat.read(str(solution(assignment)), as_version=4).cells[0].source
    auto, written = [], 0.0
    for _, what, pts in TABLE_ROW.findall(intro):
        name = re.search(r"`(\w+)", what)
        if name:
            auto.append((name.group(1), float(pts)))
        else:
            written += float(pts)
    return auto, written


def _readme():
    return {m.group(1): (0, 0) if m.group(2) == "none" else (int(m.group(3)), int(m.group(4)))
            for m in README_ROW.finditer((ROOT / "README.md").read_text())}


GRADED = cells.graded_assignments()


def test_graded_assignments_are_those_with_exercises_in_the_readme():
    readme = _readme()
    assert set(readme) == {a[:2] for a in assignments()}, "README's notebook table is incomplete"
    assert GRADED == [a for a in assignments() if readme[a[:2]][0] > 0]
    for a in assignments():      # "graded" means the same whichever role one looks for
        nb = nbformat.read(str(solution(a)), as_version=4)
        has = [bool(cells.of_role(nb, r)) for r in (cells.ANSWER, cells.TEST, cells.WRITTEN)]
        assert has == [a in GRADED] * 3, (a, has)


@pytest.mark.parametrize("assignment", GRADED)
def test_exercises_and_points_match_the_notebooks_own_table(assignment):
    nb = nbformat.read(str(solution(assignment)), as_version=4)
    table, written = _table(assignment)
    ex = cells.exercises(nb)
    assert len(table) == len(ex), f"intro table: {table}, exercises: {list(ex)}"
    for (name, pts), (gid, tests) in zip(table, ex.items()):
        answer = nb.cells[cells.find(nb, gid)].source
        assert re.search(rf"^(def|class) {name}\b", answer, re.M), f"exercise {gid} defines {name}"
        assert tests, f"{gid} has no test cell"
        assert sum(cells.points(nb.cells[i]) for i in tests) == pts, gid
    assert cells.max_points(nb) == (sum(p for _, p in table), written)
    # (the README's counts are a summary for readers, not checked here: adding an exercise
    # touches only the notebook and its mutant catalog)


@pytest.mark.parametrize("assignment", assignments())
def test_roles_agree_with_the_released_json(assignment):
    """The release keeps every cell's metadata: read it as JSON and compare, cell by cell."""
    raw = json.loads((NOTEBOOKS / assignment / f"{assignment}.ipynb").read_text())
    expect = {"answer": (True, False), "test": (False, True), "written": (True, True)}
    for cell in raw["cells"]:
        flags = cell["metadata"].get("nbgrader", {})
        r = cells.role(cell)
        if r in expect:
            assert (flags.get("solution", False), flags.get("grade", False)) == expect[r]
        if r == "test":
            assert cell["cell_type"] == "code"
            assert cells.points(cell) == flags["points"] > 0
            assert not cells.has_hidden_tests(cell), "released test cells have no hidden part"
        if r == "written":
            assert cell["cell_type"] == "markdown" and cells.points(cell) == flags["points"]
        if r in ("answer", "plain", "readonly"):
            assert cells.points(cell) == 0
    auto = sum(c["metadata"]["nbgrader"]["points"] for c in raw["cells"]
               if c["metadata"].get("nbgrader", {}).get("grade")
               and not c["metadata"]["nbgrader"].get("solution"))
    assert cells.max_points(nbformat.read(str(solution(assignment)), as_version=4))[0] == auto


@pytest.mark.parametrize("assignment", GRADED)
def test_every_test_cell_in_solutions_has_a_hidden_part(assignment):
    nb = nbformat.read(str(solution(assignment)), as_version=4)
    for i in cells.of_role(nb, cells.TEST):
        assert cells.has_hidden_tests(nb.cells[i]), f"{cells.grade_id(nb.cells[i])} has no hidden tests"


def test_roles_of_each_metadata_combination():
    def cell(**flags):
        return nbformat.v4.new_code_cell("x", metadata={"nbgrader": dict(flags, grade_id="g")})

    assert cells.role(cell(solution=True, grade=False, locked=False)) == "answer"
    assert cells.role(cell(solution=False, grade=True, locked=True, points=2)) == "test"
    assert cells.role(cell(solution=True, grade=True, points=3)) == "written"
    assert cells.role(cell(solution=False, grade=False, locked=True)) == "readonly"
    assert cells.role(cell(locked=True, task=True, points=1)) == "task"
    assert cells.role(nbformat.v4.new_code_cell("x")) == "plain"
    assert cells.points(cell(solution=True, grade=True, points=3)) == 3.0
    assert cells.points(cell(solution=True, points=3)) == 0.0
    test = cell(grade=True, points=1)
    test.source = "check()\n### BEGIN HIDDEN TESTS\ncheck2()\n### END HIDDEN TESTS\n"
    assert cells.has_hidden_tests(test)
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell(grade=True, points=1), nbformat.v4.new_markdown_cell("## Part one\ntext"),
                cell(solution=True), cell(grade=True, points=2), nbformat.v4.new_code_cell("y = f()"),
                cell(grade=True, points=1), cell(solution=True), cell(solution=True, grade=True, points=4)]
    for i, c in enumerate(nb.cells):
        c.metadata.get("nbgrader", {})["grade_id"] = f"g{i}"
    assert cells.exercises(nb) == {"g2": [3, 5], "g6": []}
    assert cells.max_points(nb) == (4.0, 4.0)
    assert cells.describe(nb, 4) == 'cell 5 (under "Part one", starting `y = f()`)'
    with pytest.raises(KeyError, match="no cell has grade_id 'nope'"):
        cells.find(nb, "nope")
    with pytest.raises(ValueError, match="unknown role"):
        cells.of_role(nb, "solution")
