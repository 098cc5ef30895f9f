"""A plain-text form of a solution notebook, for authors who prefer an editor and git diffs.

Cells are separated by header lines that start with ``# %%``::

    # %% [markdown]
    # Gradient descent            <- markdown is written as it is, no comment prefix
    # %%
    import numpy as np            <- an ordinary code cell
    # %% solution id=loss
    def loss(phi, x, y): ...      <- an autograded answer (### BEGIN/END SOLUTION inside)
    # %% tests id=test_loss points=2
    check.close(...)              <- a locked test cell worth 2 points
    # %% [markdown] answer id=why_lr points=2
    Explain ...                   <- a manually graded written answer
    # %% [markdown] readonly id=intro
                                  <- a locked cell

The header words are this format's own (kept stable for authors' files); in
nnlib.course.cells's vocabulary ``solution`` is an *answer* cell, ``tests`` a *test* cell
and ``answer`` a *written* answer (``TEXT_ROLE`` maps one onto the other).

Only lines starting with ``# %%`` are headers, so a markdown heading ``# Title`` is fine.
``pack`` turns the text into an .ipynb with nbgrader's cell metadata (no outputs);
``unpack`` does the reverse, dropping outputs. Execute with ``python -m nnlib.course run``.
"""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import nbformat

from . import cells

ROLES = ("solution", "tests", "answer", "readonly", "task")
#: cells.role() -> the header word of the text form
TEXT_ROLE = {cells.ANSWER: "solution", cells.TEST: "tests", cells.WRITTEN: "answer",
             cells.READONLY: "readonly", cells.TASK: "task"}
_HEADER = re.compile(r"^# %%(?P<rest>.*)$")


def _nbgrader_meta(role: str, opts: dict[str, str], where: str) -> dict:
    grade_id = opts.get("id")
    if grade_id is None:
        raise ValueError(f"{where}: a '{role}' cell needs id=...")
    if role in ("tests", "answer", "task") and "points" not in opts:
        raise ValueError(f"{where}: a '{role}' cell needs points=...")
    if "points" in opts:
        try:
            opts["points"] = float(opts["points"])
        except ValueError:
            raise ValueError(f"{where}: points must be a number, got {opts['points']!r}") from None
    meta = {"schema_version": 3, "grade_id": grade_id}
    if role == "solution":
        meta.update(solution=True, grade=False, locked=False)
    elif role == "tests":
        meta.update(solution=False, grade=True, locked=True, points=float(opts["points"]))
    elif role == "answer":
        meta.update(solution=True, grade=True, locked=False, points=float(opts["points"]))
    elif role == "readonly":
        meta.update(solution=False, grade=False, locked=True)
    elif role == "task":
        meta.update(solution=False, grade=False, locked=True, task=True,
                    points=float(opts["points"]))
    return meta


def pack(text: str, name: str = "notebook") -> nbformat.NotebookNode:
    """Build a notebook (no outputs) from the text form."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python", "version": "3.11"},
    }
    header, body, lineno = None, [], 0

    def flush() -> None:
        if header is None:
            if any(line.strip() for line in body):
                raise ValueError(f"{name}: text before the first '# %%' header")
            return
        rest, at = header
        kind = "code"
        if rest.startswith("[markdown]"):
            kind, rest = "markdown", rest[len("[markdown]"):]
        words = shlex.split(rest)
        role = words[0] if words and "=" not in words[0] else None
        if role is not None and role not in ROLES:
            raise ValueError(f"{name}:{at}: unknown cell role {role!r} (one of {ROLES})")
        opts = dict(w.split("=", 1) for w in words[1 if role else 0:])
        while body and not body[-1].strip():
            body.pop()
        source = "\n".join(body)
        cell = (nbformat.v4.new_markdown_cell(source) if kind == "markdown"
                else nbformat.v4.new_code_cell(source))
        cell.id = opts.get("id") or f"cell-{len(nb.cells):03d}"
        if role:
            cell.metadata["nbgrader"] = _nbgrader_meta(role, opts, f"{name}:{at}")
        if "tags" in opts:
            cell.metadata["tags"] = opts["tags"].split(",")
        nb.cells.append(cell)

    for lineno, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line)
        if m:
            flush()
            header, body = (m.group("rest").strip(), lineno), []
        else:
            body.append(line)
    flush()
    ids = [c.id for c in nb.cells]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValueError(f"{name}: duplicate cell ids {sorted(dupes)}")
    nbformat.validate(nb)
    return nb


def unpack(nb: nbformat.NotebookNode) -> str:
    """The text form of a notebook (outputs dropped)."""
    out = []
    for i, cell in enumerate(nb.cells):
        words = []
        if cells.meta(cell):
            kind = cells.role(cell)
            if kind == cells.PLAIN:
                raise ValueError(f"cell {i + 1} has nbgrader metadata without a role "
                                 f"(solution, grade, locked or task): {dict(cells.meta(cell))}")
            if not cells.grade_id(cell):
                raise ValueError(f"cell {i + 1} ({kind}) has no nbgrader grade_id")
            role = TEXT_ROLE[kind]
            words.append(role)
            words.append(f"id={cells.grade_id(cell)}")
            if role in ("tests", "answer", "task"):
                pts = cells.points(cell)
                words.append(f"points={int(pts) if float(pts).is_integer() else pts}")
        elif not cell.get("id", "").startswith("cell-"):
            words.append(f"id={cell.id}")
        if cell.metadata.get("tags"):
            words.append("tags=" + ",".join(cell.metadata["tags"]))
        prefix = "# %% [markdown]" if cell.cell_type == "markdown" else "# %%"
        out.append(" ".join([prefix] + words))
        out.append(cell.source)
        out.append("")
    return "\n".join(out)


def pack_file(src: Path, dest: Path) -> None:
    nb = pack(Path(src).read_text(), str(src))
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(dest))


def unpack_file(src: Path) -> str:
    from .execute import read_notebook
    return unpack(read_notebook(src))
