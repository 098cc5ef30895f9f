"""The student edition: a repository to publish to a graded class.

``python -m nnlib.course student-edition DEST`` writes into DEST (which must be absent or
empty) what a student needs to work the notebooks and nothing that would give away a grade:

- ``notebooks/`` (the released student notebooks, as committed: stubs, visible tests only);
- the core of ``nnlib`` (check, data, plot, trace, utils; not ``nnlib/course``, the
  instructor tooling with the grader);
- ``data/`` (MNIST-1D and its manifest);
- ``README.md`` for students, ``pyproject.toml`` (the same pins, without the test extra),
  ``environment.yml``, a ``Makefile`` with two commands (``make lab``, ``make validate``),
  ``.gitignore``.

Left out: ``solutions/`` (model answers, hidden tests, mark schemes), ``tests/`` (the
mutants name every known mistake and quote the hidden checks), ``nbgrader_config.py``,
``bench/``, the grading folder. Before writing, every file that goes in is checked against
the solutions: no solution or hidden-test line and no nbgrader marker may appear in it;
a leak raises :class:`EditionError` and nothing is written.

Instructors who run a graded class keep the full repository private and publish this.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import nbformat

from . import ROOT
from .release import ReleaseError

#: the core library: what the notebooks import (nnlib/course is instructor tooling)
CORE = ("__init__.py", "check.py", "data.py", "plot.py", "trace.py", "utils.py")
REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS|MARK SCHEME)(.*?)### END \1", re.S)
MARKERS = re.compile(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS|"
                     r"BEGIN MARK SCHEME|END MARK SCHEME")


class EditionError(ReleaseError):
    """The student edition would leak something, or cannot be written where asked."""


def secret_lines(root: Path = ROOT) -> set[str]:
    """Every substantial line of a solution, hidden-test or mark-scheme region of any solution
    notebook (and of a whole solution cell), that does not also appear in public text."""
    secret: set[str] = set()
    public: list[str] = []
    for path in sorted((root / "solutions").glob("*/*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            public.append(REGION.sub("", cell.source))
            for m in REGION.finditer(cell.source):
                secret.update(line.strip() for line in m.group(2).splitlines())
    text = "\n".join(public)
    return {s for s in secret if len(s) > 12 and not s.startswith("#") and s not in text}


def student_readme() -> str:
    return """# How neural networks learn: student edition

The notebooks of the course, the small library `nnlib` they import, and the data. Your
instructor grades your work; this repository holds no solutions and no hidden tests.

## Two commands

Needs Python 3.11, pip and make (Linux or macOS; on Windows use WSL).

```bash
make lab                                   # first run: creates .venv with the pinned packages, then opens JupyterLab on notebooks/
make validate NB=notebooks/01_gradient_descent/01_gradient_descent.ipynb   # run a notebook's tests in a fresh kernel
```

Conda users: `conda env create -f environment.yml && conda activate nn-course && jupyter lab notebooks/`.
In a class on JupyterHub you need neither: the notebooks come from the **Assignments** tab.

## How to work

1. Start with `notebooks/00_welcome`: it explains how the notebooks, the tests and handing in work.
2. Each exercise is a function with a docstring and a hint. Replace the line
   `raise NotImplementedError("not answered yet")` with your code and run the test cell below it:
   it says what was expected, what your code returned and, for a known mistake, which one.
3. Passing the visible tests is not the grade: hidden tests run your function on fresh inputs
   when your notebook is graded. Written answers are graded by your instructor.
4. Before you hand in: Kernel > Restart Kernel and Run All Cells, then **Validate** (toolbar
   button, or `make validate NB=...`), save, and submit the way your course says (the Submit
   button of the Assignments tab, or upload the `.ipynb`). Do not rename the notebook or delete
   test cells.

## Folders

```
notebooks/NN_topic/NN_topic.ipynb   the notebooks you work in
nnlib/                              the course's library: check, data, plot, trace, utils
data/                               MNIST-1D with its sha256 manifest (nothing is downloaded)
```
"""


MAKEFILE = """# Two commands: make lab, make validate NB=notebooks/NN_topic/NN_topic.ipynb
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LAB_ARGS ?=
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab validate

$(STAMP): pyproject.toml
\ttest -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
\t$(BIN)/python -m pip install --quiet -e .
\ttouch $(STAMP)

lab: $(STAMP)
\t$(BIN)/python -m jupyterlab --ServerApp.root_dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

validate: $(STAMP)
\t@test -n "$(NB)" || { echo "usage: make validate NB=notebooks/NN_topic/NN_topic.ipynb"; exit 2; }
\tcd $(dir $(NB)) && $(abspath $(BIN))/python -m nbgrader validate $(notdir $(NB))
"""

GITIGNORE = ".venv/\n__pycache__/\n*.egg-info/\n.ipynb_checkpoints/\n"


def _pyproject(root: Path) -> str:
    """pyproject.toml without the test extra (pytest, playwright ... are for the course's
    own tests), the same exact pins otherwise."""
    text = (root / "pyproject.toml").read_text()
    out = re.sub(r"\n\[project\.optional-dependencies\]\n.*?(?=\n\[)", "\n", text, flags=re.S)
    out = re.sub(r"\n\[tool\.pytest\.ini_options\].*", "\n", out, flags=re.S)
    tomllib.loads(out)                                  # still valid
    return out


def _environment(root: Path) -> str:
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    dev = {d.split("==")[0] for d in project.get("optional-dependencies", {}).get("dev", [])}
    lines = []
    for line in (root / "environment.yml").read_text().splitlines():
        m = re.match(r"^\s+-\s+([A-Za-z0-9_.-]+)==", line)
        if m and m.group(1) in dev:
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


def build(dest: Path, root: Path = ROOT) -> list[Path]:
    """Write the student edition into ``dest``; return the files written (relative)."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise EditionError(f"DEST must be absent or an empty folder: {dest} is not")
    if dest.resolve().is_relative_to(root.resolve()):
        raise EditionError(f"DEST must be outside the course repository: {dest}")
    files: dict[str, bytes] = {}
    for path in sorted((root / "notebooks").rglob("*")):
        if path.is_file() and ".ipynb_checkpoints" not in path.parts:
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    for name in CORE:
        files[f"nnlib/{name}"] = (root / "nnlib" / name).read_bytes()
    for path in sorted((root / "data").iterdir()):
        if path.is_file():
            files[f"data/{path.name}"] = path.read_bytes()
    files["README.md"] = student_readme().encode()
    files["pyproject.toml"] = _pyproject(root).encode()
    files["environment.yml"] = _environment(root).encode()
    files["Makefile"] = MAKEFILE.encode()
    files[".gitignore"] = GITIGNORE.encode()

    secret = secret_lines(root)
    for rel, blob in files.items():
        if rel.endswith(".npz"):
            continue
        text = blob.decode("utf-8")
        if rel.endswith(".ipynb"):       # the JSON escapes quotes and backslashes: read the cells
            nb = nbformat.reads(text, as_version=4)
            text += "\n".join(c.source for c in nb.cells)
        if MARKERS.search(text):
            raise EditionError(f"{rel}: an nbgrader solution/hidden-test marker would be published")
        leaked = sorted(s for s in secret if s in text)
        if leaked:
            raise EditionError(f"{rel}: solution or hidden-test text would be published: {leaked[0]!r}")

    dest.mkdir(parents=True, exist_ok=True)
    for rel, blob in files.items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
    return [Path(rel) for rel in files]

