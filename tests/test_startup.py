"""Start-up cost of the notebook tooling: every validate, release and grade process (and
each graded submission's nbgrader process) imports nbformat first.

jsonschema imports the optional ``rfc3987_syntax`` when it is installed, and that module
builds a lark grammar at import time: ~0.8 s of a 0.9 s ``import nbformat`` on this
machine. The Makefile removes it from the environment; these tests fail if it comes back.
"""
import subprocess
import sys


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
