"""Run a solution notebook's code in-process, swapping exercise answers for mutants.

Used by the mutant suite: for every graded exercise, plausible wrong answers must fail the
exercise's test cells and different correct answers must pass them. A notebook is run once,
top to bottom, in one namespace; at each solution cell that has mutants, every mutant is
executed in a shallow copy of the namespace followed by the exercise's test cells (visible
and hidden), and the outcome recorded; then the real solution runs and the notebook goes on.

The exercises and their test cells come from nnlib.course.cells (see its docstring).
"""
from __future__ import annotations

import contextlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat

from mutation import StaleMutant, mutate
from nnlib.course import cells
from nnlib.course.cells import exercises  # noqa: F401  (re-exported for the tests)

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Outcome:
    exercise: str
    kind: str            # "wrong" or "right"
    label: str
    error: BaseException | None
    expect: str | None = None

    @property
    def message(self) -> str:
        return "" if self.error is None else f"{type(self.error).__name__}: {self.error}"


def _exec(source: str, ns: dict, name: str) -> None:
    if any(line.lstrip().startswith(("%", "!")) for line in source.splitlines()):
        raise RuntimeError(f"{name}: IPython magics are not supported in course notebooks")
    code = compile(source, name, "exec")
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(code, ns)


def run_with_mutants(assignment: str, mutants: dict[str, dict]) -> list[Outcome]:
    """Run solutions/<assignment> with the given mutants; return one Outcome per mutant."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    tests_of = exercises(nb)
    unknown = set(mutants) - set(tests_of)
    if unknown:
        raise KeyError(f"{assignment}: no solution cell with grade_id {sorted(unknown)}")
    ns: dict = {"__name__": "__main__"}
    outcomes: list[Outcome] = []
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            grade_id = cells.grade_id(cell)
            if grade_id in mutants:
                spec = mutants[grade_id]
                for kind in ("wrong", "right"):
                    for label, entry in spec.get(kind, {}).items():
                        entry, expect = (entry if isinstance(entry, tuple) else (entry, None))
                        name = f"{assignment}:{grade_id}:{kind}:{label}"
                        try:
                            code = mutate(entry, cell.source, name)
                        except StaleMutant as exc:
                            outcomes.append(Outcome(grade_id, kind, label, exc, expect))
                            continue
                        trial = dict(ns)
                        error = None
                        try:
                            _exec(code, trial, f"<{kind} mutant {label!r}>")
                            for j in tests_of[grade_id]:
                                _exec(nb.cells[j].source, trial, f"<test cell {j}>")
                        except BaseException as exc:  # noqa: BLE001 - recorded, judged later
                            if isinstance(exc, KeyboardInterrupt):
                                raise
                            error = exc
                        outcomes.append(Outcome(grade_id, kind, label, error, expect))
                        plt.close("all")
            _exec(cell.source, ns, f"<cell {i}>")
            plt.close("all")
    finally:
        os.chdir(cwd)
    return outcomes
