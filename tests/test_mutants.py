"""The mutant suite: every graded exercise of every notebook rejects plausible wrong
answers (each with a helpful message) and accepts different correct answers.

Specs live in tests/mutants/nbNN.py: ``NOTEBOOK = "NN_topic"`` and
``MUTANTS = {solution_grade_id: {"wrong": {label: (code, expected_text_or_None)},
"right": {label: code}}}`` (edits of the solution cell, see tests/mutation.py).
``expected_text`` must appear in the failure message: it is how we check that the feedback
names the mistake.

Each notebook runs once per pytest process (``outcomes`` is cached); under pytest-xdist the
conftest keeps one notebook's mutants on one worker (``xdist_group``), and the kill-rate
summary is gathered from every worker's reports (``user_properties``).
"""
from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import nbformat
import pytest

from mutation import StaleMutant, edit, rewrite
from nnlib.course import cells, solution
from notebook_runner import run_with_mutants

SPEC_DIR = Path(__file__).parent / "mutants"
MIN_WRONG, MIN_RIGHT = 3, 2
MUTANT_PROPERTY = "mutant"   # user_properties key: (kind, id, ok), read by conftest's summary


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"mutants_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SPECS = {mod.NOTEBOOK: mod.MUTANTS for mod in map(_load, sorted(SPEC_DIR.glob("nb*.py")))}
GRADED = cells.graded_assignments()


@functools.cache
def outcomes(notebook: str):
    return {(o.exercise, o.kind, o.label): o for o in run_with_mutants(notebook, SPECS[notebook])}


def _cases():
    for nb, spec in SPECS.items():
        for exercise, kinds in spec.items():
            for kind in ("wrong", "right"):
                for label in kinds.get(kind, {}):
                    yield pytest.param(nb, exercise, kind, label, id=f"{nb}:{exercise}:{kind}:{label}")


@pytest.mark.parametrize("notebook", GRADED)
def test_every_exercise_has_mutants(notebook):
    assert notebook in SPECS, f"tests/mutants/ has no spec for {notebook}"
    nb = nbformat.read(str(solution(notebook)), as_version=4)
    assert cells.exercises(nb), f"{notebook} has test cells but no autograded answer cell"
    for exercise, test_cells in cells.exercises(nb).items():
        assert test_cells, f"{notebook}: exercise {exercise} has no test cell after it"
        spec = SPECS[notebook].get(exercise, {})
        assert len(spec.get("wrong", {})) >= MIN_WRONG, \
            f"{notebook}:{exercise} needs at least {MIN_WRONG} wrong answers"
        assert len(spec.get("right", {})) >= MIN_RIGHT, \
            f"{notebook}:{exercise} needs at least {MIN_RIGHT} alternative correct answers"


@pytest.mark.slow
@pytest.mark.parametrize("notebook,exercise,kind,label", list(_cases()))
def test_mutant(record_property, notebook, exercise, kind, label):
    o = outcomes(notebook)[(exercise, kind, label)]
    ident = f"{notebook}:{exercise}:{label}"
    if isinstance(o.error, StaleMutant):
        record_property(MUTANT_PROPERTY, (kind, ident, False))
        pytest.fail(str(o.error))
    if kind == "wrong":
        ok = o.error is not None and (o.expect is None or o.expect.lower() in o.message.lower())
        record_property(MUTANT_PROPERTY, (kind, ident, ok))
        assert o.error is not None, f"wrong answer {label!r} passed the tests of {exercise}"
        assert isinstance(o.error, AssertionError) or o.expect is None, (
            f"wrong answer {label!r} crashed the test instead of failing a check: {o.message}")
        if o.expect:
            assert o.expect.lower() in o.message.lower(), (
                f"wrong answer {label!r} was caught, but the message does not name the "
                f"mistake (expected to find {o.expect!r}):\n{o.message}")
    else:
        record_property(MUTANT_PROPERTY, (kind, ident, o.error is None))
        assert o.error is None, f"correct answer {label!r} failed:\n{o.message}"


def test_a_mutant_whose_anchor_is_gone_fails_naming_itself():
    source = "def f(x):\n    return np.sum(x ** 2)\n"
    assert edit("np.sum(", "np.mean(").apply(source, "nbXX:f:wrong:mean") == \
        "def f(x):\n    return np.mean(x ** 2)\n"
    changed = source.replace("np.sum(x ** 2)", "(x ** 2).sum()")
    with pytest.raises(StaleMutant, match="nbXX:f:wrong:mean.*'np.sum\\('"):
        edit("np.sum(", "np.mean(").apply(changed, "nbXX:f:wrong:mean")
    with pytest.raises(StaleMutant, match="occurs 2 time"):
        edit("x", "y").apply("x + x", "nbXX:f:wrong:twice")
    both = edit("np.sum(", "np.mean(") & edit("** 2", "** 3")
    assert both.apply(source, "n") == "def f(x):\n    return np.mean(x ** 3)\n"
    loop = rewrite("def f(x):\n    return sum(v * v for v in x)\n")
    assert loop.apply(source, "n").startswith("def f(x):")
    with pytest.raises(StaleMutant, match="def f\\(x\\):"):
        loop.apply("def g(x):\n    return x\n", "nbXX:f:right:loop")
