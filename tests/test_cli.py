"""Every error of release, validate, run, pack and unpack is one line, not a traceback."""
import subprocess
import sys

import pytest

import nnlib.course
from nnlib.course import ROOT
from nnlib.course.__main__ import main


def _cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _one_line_error(code, out, err, command, *words):
    text = (out + err).strip()
    assert code == 2, text
    assert len(text.splitlines()) == 1, text
    assert "Traceback" not in text
    for w in words:
        assert w in text, (w, text)
    if err:
        assert err.startswith(f"python -m nnlib.course {command}: error: "), err


@pytest.fixture
def corrupt_course(tmp_path, monkeypatch):
    """A solutions/ folder whose only notebook is not JSON."""
    folder = tmp_path / "solutions" / "01_broken"
    folder.mkdir(parents=True)
    (folder / "01_broken.ipynb").write_text("{ this is not a notebook")
    monkeypatch.setattr(nnlib.course, "SOLUTIONS", tmp_path / "solutions")
    return folder / "01_broken.ipynb"


@pytest.mark.parametrize("command", ["release", "run"])
def test_unknown_assignment(capsys, command):
    _one_line_error(*_cli(capsys, command, "99"), command, "unknown assignment '99'", "01_gradient_descent")


@pytest.mark.parametrize("command", ["release", "run"])
def test_corrupt_solution_notebook(capsys, corrupt_course, command):
    _one_line_error(*_cli(capsys, command, "01"), command, "01_broken.ipynb")


@pytest.mark.parametrize("content", ["", "{ not json", "[1, 2]", '{"nbformat": 4, "nbformat_minor": 5}'])
def test_validate_and_unpack_a_corrupt_notebook(capsys, tmp_path, content):
    path = tmp_path / "bad.ipynb"
    path.write_text(content)
    _one_line_error(*_cli(capsys, "validate", str(path)), "validate", "bad.ipynb")
    _one_line_error(*_cli(capsys, "unpack", str(path)), "unpack")


@pytest.mark.parametrize("command", ["validate", "unpack"])
def test_missing_notebook(capsys, tmp_path, command):
    _one_line_error(*_cli(capsys, command, str(tmp_path / "nope.ipynb")), command, "nope.ipynb")


def test_pack_errors(capsys, tmp_path):
    out = tmp_path / "out.ipynb"
    _one_line_error(*_cli(capsys, "pack", str(tmp_path / "nope.txt"), str(out)), "pack", "nope.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("# %% solutoin id=a\nx = 1\n")
    _one_line_error(*_cli(capsys, "pack", str(bad), str(out)), "pack", "unknown cell role 'solutoin'")
    bad.write_text("# %% tests id=t\nx = 1\n")
    _one_line_error(*_cli(capsys, "pack", str(bad), str(out)), "pack", "needs points")
    assert not out.exists()


def test_a_real_process_prints_one_line_and_exits_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "nnlib.course", "unpack", str(tmp_path / "x.ipynb")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_a_failed_nbgrader_run_is_one_line_with_the_log_kept(tmp_path, monkeypatch):
    from nnlib.course import release

    monkeypatch.setattr(release, "GRADING", tmp_path)
    log = "[GenerateAssignmentApp | INFO] start\n[GenerateAssignmentApp | ERROR] There was an error\n" \
          "Traceback (most recent call last):\n  File x\nValueError: a cell has no grade_id\n"
    line = release._nbgrader_failure("01_x", log)
    assert len(line.splitlines()) == 1
    assert "01_x failed: ValueError: a cell has no grade_id" in line and str(tmp_path) in line
    assert (tmp_path / "release-01_x.log").read_text() == log
