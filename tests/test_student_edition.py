"""The student edition (`python -m nnlib.course student-edition DEST`): what a graded class
gets. Nothing of solutions/ may be in it, and its own two commands (`make lab`,
`make validate NB=...`) must work in a fresh folder, with nnlib from the edition itself."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from nnlib.course import ROOT, SOLUTIONS, assignments, cells
from nnlib.course.edition import EditionError, build

REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS|MARK SCHEME)(.*?)### END \1", re.S)
SECRET_WORDS = re.compile(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS|"
                          r"BEGIN MARK SCHEME|END MARK SCHEME|HIDDEN TESTS")


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    dest = tmp_path_factory.mktemp("edition") / "nn-course-student"
    r = subprocess.run([sys.executable, "-m", "nnlib.course", "student-edition", str(dest)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "wrote the student edition" in r.stdout
    return dest


def _secrets() -> list[str]:
    """Every line of every solution region (answers, written answers), hidden test and mark
    scheme in solutions/, read here from the notebooks themselves (not from edition.py)."""
    secret, public = set(), []
    for a in assignments():
        nb = nbformat.read(str(SOLUTIONS / a / f"{a}.ipynb"), as_version=4)
        for cell in nb.cells:
            public.append(REGION.sub("", cell.source))
            for m in REGION.finditer(cell.source):
                secret.update(line.strip() for line in m.group(2).splitlines())
            if cells.role(cell) == cells.TEST and cells.HIDDEN_BEGIN in cell.source:
                hidden = cell.source.split(cells.HIDDEN_BEGIN, 1)[1]
                secret.update(line.strip() for line in hidden.splitlines())
    text = "\n".join(public)
    # a line short or generic enough to occur in public text (`return out`) says nothing
    return sorted(s for s in secret if len(s) > 12 and not s.startswith("#") and s not in text)


def test_layout_has_what_students_need_and_nothing_of_the_grader(edition):
    files = {p.relative_to(edition).as_posix() for p in edition.rglob("*") if p.is_file()}
    tops = {f.split("/")[0] for f in files}
    assert tops == {"notebooks", "nnlib", "data", "README.md", "pyproject.toml",
                    "environment.yml", "Makefile", ".gitignore"}
    for a in assignments():
        assert f"notebooks/{a}/{a}.ipynb" in files
        assert (edition / "notebooks" / a / f"{a}.ipynb").read_bytes() == \
            (ROOT / "notebooks" / a / f"{a}.ipynb").read_bytes()
    assert not any(f.startswith(("nnlib/course", "solutions", "tests")) for f in files)
    assert "nbgrader_config.py" not in files
    assert {"nnlib/check.py", "nnlib/data.py", "nnlib/plot.py", "data/mnist1d.npz",
            "data/MANIFEST.json"} <= files
    # the student pyproject keeps the course's exact pins (notebook 00 compares them)
    import tomllib
    mine = tomllib.loads((edition / "pyproject.toml").read_text())["project"]["dependencies"]
    full = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert mine == full


def test_nothing_of_solutions_leaks(edition):
    secrets = _secrets()
    assert len(secrets) > 200, "the reference set of solution lines is implausibly small"
    for path in edition.rglob("*"):
        if not path.is_file() or path.suffix == ".npz":
            continue
        text = path.read_text()
        if path.suffix == ".ipynb":      # JSON escapes quotes and backslashes: read the cells too
            text += "\n".join(c.source for c in nbformat.read(str(path), as_version=4).cells)
        rel = path.relative_to(edition)
        assert not SECRET_WORDS.search(text), f"nbgrader marker in {rel}"
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"solution text in {rel}: {leaked[:3]}"
    for nb_path in (edition / "notebooks").rglob("*.ipynb"):
        nb = nbformat.read(str(nb_path), as_version=4)
        assert all(not c.get("outputs") for c in nb.cells), nb_path


def test_a_leak_is_refused(tmp_path):
    """A solution line that slipped into a student notebook stops the build (nothing written)."""
    fake = tmp_path / "repo"
    for name in ("solutions", "notebooks", "nnlib", "data"):
        shutil.copytree(ROOT / name, fake / name, ignore=shutil.ignore_patterns("course", "__pycache__"))
    for name in ("pyproject.toml", "environment.yml"):
        shutil.copy(ROOT / name, fake / name)
    line = _secrets()[0]
    nb_path = fake / "notebooks" / assignments()[1] / f"{assignments()[1]}.ipynb"
    nb = nbformat.read(str(nb_path), as_version=4)
    nb.cells[-1].source += "\n" + line
    nbformat.write(nb, str(nb_path))
    with pytest.raises(EditionError, match="solution or hidden-test text"):
        build(tmp_path / "out", root=fake)
    assert not (tmp_path / "out").exists()


def test_dest_must_be_empty(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "f").write_text("")
    r = subprocess.run([sys.executable, "-m", "nnlib.course", "student-edition", str(tmp_path / "x")],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "empty folder" in r.stderr


def _fresh_venv(folder: Path) -> Path:
    """A new virtual environment in the fresh folder that sees this environment's packages
    (a .pth line: no download) but not its editable nnlib (.pth files are read only in
    site-packages itself, not in folders a .pth line adds)."""
    venv = folder / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3.*/site-packages"))
    (site / "course-packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


@pytest.mark.slow
def test_its_two_commands_work_in_a_fresh_folder(edition, tmp_path):
    fresh = tmp_path / "student"
    shutil.copytree(edition, fresh)
    venv = _fresh_venv(fresh)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MPLBACKEND")}
    # `make` installs the edition itself into .venv (pip install -e .), then validates:
    # blank notebook 01 fails its tests, notebook 00 (no exercises) passes.
    r = subprocess.run(["make", "validate", "NB=notebooks/00_welcome/00_welcome.ipynb"],
                       cwd=fresh, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "Success! Your notebook passes all the tests." in r.stdout, r.stdout[-3000:]
    where = subprocess.run([str(venv / "bin/python"), "-c", "import nnlib, importlib.util as u; "
                            "print(nnlib.__file__); print(u.find_spec('nnlib.course'))"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.splitlines() == [str(fresh / "nnlib" / "__init__.py"), "None"]
    r = subprocess.run(["make", "validate", "NB=notebooks/01_gradient_descent/01_gradient_descent.ipynb"],
                       cwd=fresh, env=env, capture_output=True, text=True, timeout=600)
    assert "NotImplementedError" in r.stdout or "failed" in r.stdout.lower(), r.stdout[-3000:]

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    lab = subprocess.Popen(["make", "lab", f"LAB_ARGS=--no-browser --port={port} --ServerApp.ip=127.0.0.1 "
                            "--ServerApp.token= --ServerApp.password="],
                           cwd=fresh, env=dict(env, JUPYTER_RUNTIME_DIR=str(tmp_path / "rt")),
                           stdout=(tmp_path / "lab.log").open("w"), stderr=subprocess.STDOUT,
                           start_new_session=True)
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/"
                                            "01_gradient_descent", timeout=2) as resp:
                    listing = resp.read().decode()
                break
            except OSError:
                assert lab.poll() is None, (tmp_path / "lab.log").read_text()[-3000:]
                time.sleep(0.5)
        else:
            pytest.fail("make lab did not serve in 120 s")
        assert "01_gradient_descent.ipynb" in listing
    finally:
        try:
            os.killpg(lab.pid, 15)
        except ProcessLookupError:
            pass
        lab.wait(30)
