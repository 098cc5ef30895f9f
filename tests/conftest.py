"""Shared test set-up: off-screen plots, the GPU skip, the mutant summary, and the
scheduler that lets ``make test`` run on several cores (pytest-xdist, ``-n N --dist loadgroup``).

Under ``--dist loadgroup`` this conftest supplies the scheduler (``pytest_xdist_make_scheduler``;
xdist 3.8's own loadgroup renames node ids in a way pytest 9 no longer honours). A work unit,
sent whole to one worker, is decided from the node id (``group_of``):
- an nbval notebook's cells share one kernel: one unit per notebook (required);
- the mutant suite runs each notebook once per process (a cache): one unit per notebook;
- a test that uses, directly or through another fixture, a fixture wider than a function
  (``scope="module"`` ...) shares it with its module: one unit per module, so the fixture is
  built once (e.g. the hostile grading batch);
- every other test is its own unit and goes wherever a worker is free.
Workers put the long units first (``COST``) so that no long unit starts last.
"""
import ast
import functools
import os
import sys
from pathlib import Path

import matplotlib
import pytest

# In-process tests draw off screen. (Not through MPLBACKEND: the kernels that nbval, the
# browser test and the grader start inherit the environment and must use the inline backend.)
matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))     # `bench`, also under plain `pytest`

ROOT = Path(__file__).resolve().parents[1]
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


_WIDE = {"module", "class", "package", "session"}


def _fixture_scope(node: ast.FunctionDef) -> str | None:
    """'function', 'module', ... for a @pytest.fixture function; None for anything else."""
    for dec in node.decorator_list:
        call = dec if isinstance(dec, ast.Call) else None
        target = call.func if call else dec
        if ast.unparse(target) in ("pytest.fixture", "fixture"):
            for kw in call.keywords if call else ():
                if kw.arg == "scope" and isinstance(kw.value, ast.Constant):
                    return kw.value.value
            return "function"
    return None


@functools.cache
def _fixtures(path: str) -> dict[str, tuple[str, list[str]]]:
    """Fixtures defined in a file: name -> (scope, the names it requests)."""
    try:
        tree = ast.parse(Path(path).read_text())
    except (OSError, SyntaxError):
        return {}
    return {n.name: (scope, [a.arg for a in n.args.args])
            for n in tree.body if isinstance(n, ast.FunctionDef)
            and (scope := _fixture_scope(n)) is not None}


@functools.cache
def _wide_users(path: str) -> frozenset[str]:
    """Test functions of a module that use a wide fixture of the module or of this conftest."""
    fixtures = {**_fixtures(__file__), **_fixtures(path)}
    wide = {name for name, (scope, _) in fixtures.items() if scope in _WIDE}
    changed = True
    while changed:                       # fixtures that request a wide fixture count as wide
        changed = False
        for name, (_, args) in fixtures.items():
            if name not in wide and wide.intersection(args):
                wide.add(name)
                changed = True
    try:
        tree = ast.parse(Path(path).read_text())
    except (OSError, SyntaxError):
        return frozenset()
    return frozenset(n.name for n in tree.body if isinstance(n, ast.FunctionDef)
                     and n.name.startswith("test") and wide.intersection(a.arg for a in n.args.args))


def group_of(nodeid: str, rootdir: Path = ROOT) -> str:
    """The work unit of a test (see the module docstring)."""
    file, _, rest = nodeid.partition("::")
    if file.endswith(".ipynb"):
        return f"nbval:{file}"
    func, _, param = rest.partition("[")
    if file.endswith("test_mutants.py") and func == "test_mutant" and ":" in param:
        return f"mutants:{param.split(':', 1)[0]}"
    if func in _wide_users(str(rootdir / file)):
        return f"module:{file}"
    return nodeid


#: workers order the units, longest first, so that no long unit starts last (the order of
#: a greedy longest-first schedule): roughly the seconds of a file's longest unit on an idle
#: 2-core machine, from `pytest --durations`; files not named here are short and keep their order
COST = {"test_hub.py": 360, "test_grading.py": 240, "test_report.py": 220,
        "test_cluster.py": 180, "test_accessibility.py": 150, "test_browser.py": 90,
        ".ipynb": 40, "test_mutants.py": 40, "test_student_edition.py": 20}


def _rank(item) -> int:
    name = Path(str(item.fspath)).name
    return -COST.get(name, COST.get(Path(name).suffix, 0))


@pytest.hookimpl(optionalhook=True)        # the suite also runs without xdist (-p no:xdist)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class CourseScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid, Path(str(config.rootpath)))

    config.option.loadscopereorder = False       # keep the workers' order: long units first
    return CourseScheduling(config, log)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Long units first under xdist; skip `gpu` tests without CUDA."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=_rank)                    # stable: a notebook's cells keep their order

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
