"""Start-up cost of the notebook tooling: every validate, release and grade process (and
each graded submission's nbgrader process) imports nbformat first.

jsonschema imports the optional ``rfc3987_syntax`` when it is installed, and that module
builds a lark grammar at import time: ~0.8 s of a 0.9 s ``import nbformat`` on this
machine. The Makefile removes it from the environment; these tests fail if it comes back.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _import_seconds(module: str) -> tuple[float, str]:
    """Cumulative import time of ``module`` in a fresh interpreter, from -X importtime."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          capture_output=True, text=True, check=True)
    for line in proc.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1e6, proc.stderr
    raise AssertionError(f"no import-time line for {module}:\n{proc.stderr[-2000:]}")


def test_nbformat_does_not_import_the_grammar_building_format_checker():
    loaded = subprocess.run([sys.executable, "-c", "import sys, nbformat; "
                             "print('rfc3987_syntax' in sys.modules)"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "False", (
        "import nbformat pulled in rfc3987_syntax (it builds a lark grammar at import, ~0.8 s "
        "per process): run `make venv` again or `pip uninstall rfc3987-syntax lark`")


def test_nbformat_imports_in_under_two_seconds():
    # Best of three, so a busy moment on a shared machine does not fail the suite; the
    # cost this guards against was 0.9-12 s depending on load, against ~0.15 s without it.
    best = min(_import_seconds("nbformat")[0] for _ in range(3))
    assert best < 2.0, f"import nbformat took {best:.2f} s (budget 2 s)"


@pytest.mark.slow
def test_a_new_gradebook_is_nbgraders_own_without_the_alembic_subprocess(tmp_path, monkeypatch):
    """nbgrader asks a subprocess (`alembic heads`, 0.8 s) for the schema version of every new
    gradebook; grade's prepare step starts its gradebooks with grade.new_gradebook instead.
    The reference is a gradebook nbgrader creates its own way."""
    import sqlite3

    import nbgrader.api
    from nbgrader.api import Gradebook

    from nnlib.course import new_gradebook

    def layout(db):
        with sqlite3.connect(db) as con:
            tables = sorted(con.execute("select type, name, sql from sqlite_master").fetchall(),
                            key=lambda row: (row[0], row[1]))
            version = con.execute("select version_num from alembic_version").fetchall()
        con.close()
        return tables, version

    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    Gradebook(f"sqlite:///{tmp_path / 'stock.db'}").close()     # runs `alembic heads`

    def no_subprocess():
        raise AssertionError("nbgrader asked alembic for the schema version")

    monkeypatch.setattr(nbgrader.api, "get_alembic_version", no_subprocess)
    new_gradebook(tmp_path / "ours.db")
    Gradebook(f"sqlite:///{tmp_path / 'ours.db'}").close()
    assert layout(tmp_path / "ours.db") == layout(tmp_path / "stock.db")
