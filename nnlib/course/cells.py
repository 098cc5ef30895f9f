"""Cell roles: the one place that reads nbgrader's cell metadata.

Every course tool and test asks this module what a cell is, instead of reading
``cell.metadata["nbgrader"]`` itself. nbgrader (schema version 3) stores a cell's role as
flags in ``cell.metadata.nbgrader``; the role of a cell is decided from those flags only,
in this order:

``task``      ``task: true``. A locked, manually graded task description (nbgrader's
              "Manually graded task"); points are given by hand for work shown elsewhere.
``written``   ``solution: true`` and ``grade: true``. A manually graded answer (nbgrader's
              "Manually graded answer"): the student writes in it, the instructor awards its
              ``points`` by hand (formgrader). In this course always a markdown cell.
``answer``    ``solution: true``, ``grade`` false or missing. An autograded answer
              (nbgrader's "Autograded answer"): the student's code, between
              ``### BEGIN SOLUTION`` / ``### END SOLUTION`` in solutions/, a stub in the
              release. It has no points: its exercise's test cells carry them.
``test``      ``grade: true``, ``solution`` false or missing. A locked autograded test cell
              (nbgrader's "Autograder tests"): visible checks, then optionally a hidden part
              between ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` that the release
              removes. It scores its ``points`` when it runs without an error and without
              output on stderr, else 0.
``readonly``  ``locked: true`` and none of the above. Restored from the gradebook when graded.
``plain``     no nbgrader metadata, or none of the flags above: ordinary text or code
              (setup, demos, plots); it scores nothing, but an error in it is still an error.

An *exercise* is an answer cell together with the test cells that follow it, up to the next
answer cell (test cells before the first answer cell belong to no exercise). The exercise
is named by its answer cell's ``grade_id``.

A notebook's *autograded points* are the sum of its test cells' points; its *written
points* the sum of its written and task cells' points. An assignment is *graded* when its
solution notebook has at least one test cell (it can earn autograded points).
"""
from __future__ import annotations

from collections.abc import Mapping

import nbformat

ANSWER, TEST, WRITTEN, READONLY, TASK, PLAIN = "answer", "test", "written", "readonly", "task", "plain"
ROLES = (ANSWER, TEST, WRITTEN, READONLY, TASK, PLAIN)
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"


def meta(cell: Mapping) -> Mapping:
    """The cell's nbgrader metadata (an empty dict when it has none)."""
    return cell.get("metadata", {}).get("nbgrader") or {}


def role(cell: Mapping) -> str:
    """One of ROLES (see the module docstring for the exact rule)."""
    m = meta(cell)
    if m.get("task"):
        return TASK
    if m.get("solution"):
        return WRITTEN if m.get("grade") else ANSWER
    if m.get("grade"):
        return TEST
    if m.get("locked"):
        return READONLY
    return PLAIN


def grade_id(cell: Mapping) -> str | None:
    """nbgrader's ``grade_id`` of the cell, or None for a cell without nbgrader metadata."""
    return meta(cell).get("grade_id")


def points(cell: Mapping) -> float:
    """Points the cell is worth: those of a test, written or task cell; 0 for any other."""
    if role(cell) not in (TEST, WRITTEN, TASK):
        return 0.0
    return float(meta(cell).get("points", 0) or 0)


def has_hidden_tests(cell: Mapping) -> bool:
    """Whether a test cell has a hidden part (``### BEGIN HIDDEN TESTS``)."""
    return role(cell) == TEST and HIDDEN_BEGIN in _source(cell)


def find(nb: nbformat.NotebookNode, grade_id_: str) -> int:
    """Index of the cell with this grade_id (KeyError naming the known ids if none)."""
    for i, cell in enumerate(nb.cells):
        if grade_id(cell) == grade_id_:
            return i
    known = [grade_id(c) for c in nb.cells if grade_id(c)]
    raise KeyError(f"no cell has grade_id {grade_id_!r}; the notebook's grade_ids are {known}")


def exercises(nb: nbformat.NotebookNode) -> dict[str, list[int]]:
    """Each answer cell's grade_id -> the indices of its test cells, in notebook order."""
    out: dict[str, list[int]] = {}
    current = None
    for i, cell in enumerate(nb.cells):
        r = role(cell)
        if r == ANSWER:
            current = grade_id(cell)
            out[current] = []
        elif r == TEST and current is not None:
            out[current].append(i)
    return out


def max_points(nb: nbformat.NotebookNode) -> tuple[float, float]:
    """(autograded points, written points): sums over test cells, and written + task cells."""
    auto = sum(points(c) for c in nb.cells if role(c) == TEST)
    written = sum(points(c) for c in nb.cells if role(c) in (WRITTEN, TASK))
    return auto, written


def of_role(nb: nbformat.NotebookNode, *roles: str) -> list[int]:
    """Indices of the cells that have one of ``roles``."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"of_role: unknown role(s) {sorted(unknown)}, expected some of {ROLES}")
    return [i for i, c in enumerate(nb.cells) if role(c) in roles]


def graded_assignments() -> list[str]:
    """Assignment ids whose solution notebook has at least one test cell, in lecture order."""
    from . import assignments, solution

    return [a for a in assignments()
            if of_role(nbformat.read(str(solution(a)), as_version=4), TEST)]


def heading_above(nb: nbformat.NotebookNode, index: int) -> str | None:
    """The nearest markdown heading above cell ``index`` (its text, without the #s)."""
    for cell in reversed(nb.cells[:index]):
        if cell.get("cell_type") != "markdown":
            continue
        heads = [line.lstrip("#").strip() for line in _source(cell).splitlines()
                 if line.startswith("#") and line.lstrip("#").startswith(" ")]
        if heads:
            return heads[-1]
    return None


def first_line(cell: Mapping, width: int = 60) -> str:
    """The first line of code that says something (not blank, not an NBVAL marker)."""
    for line in _source(cell).splitlines():
        text = line.strip()
        if text and not text.startswith("# NBVAL"):
            return text if len(text) <= width else text[:width - 3] + "..."
    return ""


def describe(nb: nbformat.NotebookNode, index: int) -> str:
    """Where a cell is, in words a student can find in JupyterLab: 'cell 15 (In [12], under
    "3 · Learning rates", starting `fig, ax = ...`)'. Cells count from 1, like a reader does."""
    cell = nb.cells[index]
    parts = []
    if cell.get("execution_count"):
        parts.append(f"In [{cell['execution_count']}]")
    gid = grade_id(cell)
    if gid:
        parts.append(f"'{gid}'")
    head = heading_above(nb, index)
    if head:
        parts.append(f"under \"{head}\"")
    line = first_line(cell)
    if line:
        parts.append(f"starting `{line}`")
    return f"cell {index + 1}" + (f" ({', '.join(parts)})" if parts else "")


def _source(cell: Mapping) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src
