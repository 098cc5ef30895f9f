"""Shared test set-up: off-screen plots, the GPU skip, the mutant summary, and the grouping
that lets ``make test`` run on several cores (pytest-xdist, ``--dist loadgroup``).

Grouping rule (``pytest_collection_modifyitems``; xdist sends each group to one worker):
- an nbval notebook's cells share one kernel: one group per notebook;
- the mutant suite runs each notebook once per process (a cache): one group per notebook;
- a test that uses a fixture wider than a function (``scope="module"`` ...) defined in this
  test suite shares it with the module's other tests: one group per module, so the
  fixture is built once (e.g. the hostile grading batch);
- every other test is independent and goes wherever a worker is free.
Without xdist the marks do nothing.
"""
import sys
from pathlib import Path

import matplotlib
import pytest

# In-process tests draw off screen. (Not through MPLBACKEND: the kernels that nbval, the
# browser test and the grader start inherit the environment and must use the inline backend.)
matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).parent))

MUTANT_PROPERTY = "mutant"      # test_mutants.py records (kind, id, ok) under this name
_mutants: list[tuple[str, str, bool]] = []


def pytest_runtest_logreport(report):
    """Collect the mutant outcomes, from this process or (under xdist) from the workers."""
    if report.when != "call":
        return
    for name, value in getattr(report, "user_properties", ()):
        if name == MUTANT_PROPERTY:
            kind, ident, ok = value
            _mutants.append((kind, ident, bool(ok)))


def pytest_terminal_summary(terminalreporter):
    if not _mutants:
        return
    wrong = [r for r in _mutants if r[0] == "wrong"]
    right = [r for r in _mutants if r[0] == "right"]
    killed = sum(ok for _, _, ok in wrong)
    false_fails = sum(not ok for _, _, ok in right)
    rate = 100.0 * killed / len(wrong) if wrong else 100.0
    terminalreporter.write_sep("-", "mutant suite")
    terminalreporter.write_line(
        f"wrong answers caught with a message naming the mistake: {killed}/{len(wrong)} "
        f"(kill rate {rate:.1f}%); correct alternatives rejected (false fails): "
        f"{false_fails}/{len(right)}")
    for kind, ident, ok in sorted(_mutants):
        if not ok:
            terminalreporter.write_line(f"  {'not caught with a message naming it' if kind == 'wrong' else 'false fail'}: {ident}")


def _shares_a_wide_fixture(item) -> bool:
    """Whether the item uses a fixture of this suite whose scope is wider than a function."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    here = str(Path(__file__).parent)
    for defs in info.name2fixturedefs.values():
        for d in defs:
            code = getattr(d.func, "__code__", None)
            if d.scope != "function" and code is not None and code.co_filename.startswith(here):
                return True
    return False


def xdist_group(item) -> str | None:
    """The group an item must share a worker with, or None when it can run anywhere."""
    path = Path(str(item.fspath))
    if path.suffix == ".ipynb":
        return f"nbval:{path.stem}"
    if path.name == "test_mutants.py" and getattr(item, "callspec", None) \
            and "notebook" in item.callspec.params and item.originalname == "test_mutant":
        return f"mutants:{item.callspec.params['notebook']}"
    if _shares_a_wide_fixture(item):
        return f"module:{path.name}"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Group items for xdist (see the module docstring); skip `gpu` tests without CUDA."""
    for item in items:
        group = xdist_group(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(name=group))

    try:
        import torch
        has_cuda = torch.cuda.is_available()
    except ImportError:  # pragma: no cover
        has_cuda = False
    if has_cuda:
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU (torch.cuda.is_available() is False)")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
