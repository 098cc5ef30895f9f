"""Course tooling for instructors: release, validate, grade, run (``python -m nnlib.course``).

Wraps nbgrader and nbclient. The core library (nnlib.check, data, plot, utils) never
imports this package.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
NOTEBOOKS = ROOT / "notebooks"
GRADING = ROOT / ".grading"

#: stderr lines that do not fail a test cell: nbgrader's IgnorePattern (nbgrader_config.py)
#: and `validate` use this one pattern, so both judge a cell the same way.
IGNORED_STDERR = r"(?m)^(\S*Warning: |Matplotlib is building the font cache)"


def assignments() -> list[str]:
    """Assignment ids: the folders solutions/<id>/ that hold <id>.ipynb, in lecture order."""
    return sorted(p.parent.name for p in SOLUTIONS.glob("*/*.ipynb")
                  if p.stem == p.parent.name)


def resolve(names: list[str] | None) -> list[str]:
    """Expand assignment names or prefixes ("01", "01_gradient_descent") to assignment ids."""
    known = assignments()
    if not names:
        return known
    out = []
    for name in names:
        name = Path(name).stem if name.endswith(".ipynb") else Path(name).name
        hits = [a for a in known if a == name] or [a for a in known if a.startswith(name)]
        if len(hits) != 1:
            raise SystemExit(f"unknown assignment {name!r}: choose from {', '.join(known)}")
        out.append(hits[0])
    return out


def solution(assignment: str) -> Path:
    return SOLUTIONS / assignment / f"{assignment}.ipynb"


def student(assignment: str) -> Path:
    return NOTEBOOKS / assignment / f"{assignment}.ipynb"


def tool_env() -> dict[str, str]:
    """Environment for nbgrader subprocesses: this interpreter's bin first on PATH (alembic)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("PYTHONWARNINGS", "ignore")
    return env


def nbgrader(*args: str, timeout: float | None = None, **overrides: str) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` from the course root with ``--Class.trait=value`` overrides."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    cmd += [f"--{k}={v}" for k, v in overrides.items()]
    return subprocess.run(cmd, cwd=ROOT, env=tool_env(), capture_output=True, text=True,
                          timeout=timeout)


def alembic_head() -> str | None:
    """The schema version nbgrader writes into a new gradebook, read in-process from nbgrader's
    own migration scripts (nbgrader asks a subprocess, ``alembic heads``: 0.8 s each time);
    None when there is not exactly one."""
    import nbgrader as package
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory(str(Path(package.__file__).parent / "alembic")).get_heads()
    return heads[0] if len(heads) == 1 else None


def new_gradebook(db: Path) -> None:
    """Start an empty gradebook at ``db`` holding only its schema version, as nbgrader's
    Gradebook writes it; nbgrader then creates its tables there and, finding a database that
    exists, does not ask ``alembic`` again. Without a single version nothing is written, and
    nbgrader creates the gradebook its own way."""
    import sqlite3

    if db.exists():
        return
    head = alembic_head()
    if head is None:
        return
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        con.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (head,))
    con.close()
