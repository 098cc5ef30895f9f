"""A synthetic class for notebook 01, built from the mutant catalog (tests/mutants/nb01.py).

Every submission is the released notebook with its answer cells filled in: the solution,
a right alternative or a wrong mutant per exercise, in planted proportions, so that the
class report's counts can be checked against what was planted. It has

* ``BLANKS`` untouched releases (every answer still ``raise NotImplementedError``);
* two copy rings: an original with distinctive answers, and near-copies of it whose local
  names are renamed and whose comments are changed (``COPY_PAIRS`` lists the planted pairs);
* honest students: per exercise the solution, a small right alternative, or a planted
  mistake (``PLANTED``: the mutant, its mistake id as the test cell names it, and how many
  students make it). Honest students never share more than one non-solution answer.

``build(folder)`` writes one ``<student>/01_gradient_descent.ipynb`` per student and returns
the specification: ``Spec.mistakes[(exercise, id)]`` is the planted count of each named
mistake, ``Spec.unnamed[exercise]`` the planted failures that name no mistake.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutation import mutate  # noqa: E402
from mutants import nb01  # noqa: E402

from nnlib.course import cells, solution, student  # noqa: E402

A = nb01.NOTEBOOK
EXERCISES = ["least_squares_loss", "least_squares_gradient", "gradient_descent",
             "cross_entropy_loss", "cross_entropy_gradient"]
BLANKS = 3

# (exercise, mutant label in the catalog): (mistake id the test cell prints or None, count).
# The ids are written out here, from the labels in the solution's test cells, as an
# independent reference for check.mistake_id.
PLANTED = {
    ("least_squares_loss", "mean instead of sum"):
        ("the-mean-of-the-squared-residuals-divide-by-nothing-the-loss", 6),
    ("least_squares_loss", "no square"): ("the-sum-of-the-residuals-without-squaring-them", 3),
    ("least_squares_loss", "half the loss"):
        ("half-the-loss-the-1-2-convention-is-not-used-here", 2),
    ("least_squares_loss", "computes the residuals in the caller's x"): (None, 2),
    ("least_squares_gradient", "sign flipped"):
        ("the-gradient-with-its-sign-flipped-residuals-taken-as-y-f", 5),
    ("least_squares_gradient", "missing factor 2"):
        ("the-gradient-without-the-factor-2-from-differentiating-the", 3),
    ("least_squares_gradient", "returns a list"): (None, 2),
    ("gradient_descent", "gradient ascent"):
        ("gradient-ascent-the-step-adds-the-gradient-instead-of", 4),
    ("gradient_descent", "start point missing"): ("a-trajectory-without-its-start-point", 3),
    ("gradient_descent", "one step short"): ("a-trajectory-missing-its-last-step", 2),
    ("cross_entropy_loss", "mean instead of sum"):
        ("the-mean-over-the-data-points-the-loss-here-is-a-sum", 4),
    ("cross_entropy_loss", "labels flipped"):
        ("the-loss-with-the-labels-flipped-y-and-1-y-swapped", 2),
    ("cross_entropy_loss", "log1p(exp(z)): still overflows"): (None, 2),
    ("cross_entropy_gradient", "sign flipped"):
        ("the-gradient-with-its-sign-flipped-y-sigma-z-instead-of-sigma-z", 3),
    ("cross_entropy_gradient", "sigmoid missing"):
        ("the-least-squares-gradient-x-t-x-w-y-the-sigmoid-is-missing", 3),
    ("cross_entropy_gradient", "mean gradient"):
        ("the-gradient-of-the-mean-loss-divided-by-n", 2),
}

# A mistake that also fails a later exercise: the in-place edit changes x_demo, the worked
# example the next test cell copies, so that test fails too (unnamed). Students who make it
# get no planted mistake in that later exercise.
CASCADE = {("least_squares_loss", "computes the residuals in the caller's x"): "least_squares_gradient"}

# Small right alternatives an honest student may write (at most one per student).
HONEST_RIGHT = [("least_squares_loss", "dot product of residuals"),
                ("least_squares_gradient", "design matrix"),
                ("cross_entropy_gradient", "sum of per-sample terms"),
                ("cross_entropy_loss", "log1p with abs (another stable form)")]

# Copy rings: the original's answers (exercise -> ("right"|"wrong", label)); near-copies.
RINGS = {
    "ring1": ({"least_squares_loss": ("right", "python loop"),
               "least_squares_gradient": ("right", "python loop, list result converted"),
               "gradient_descent": ("right", "preallocated array"),
               "cross_entropy_loss": ("right", "np.where with log1p on each side"),
               "cross_entropy_gradient": ("right", "loop over samples")}, 2),
    "ring2": ({"least_squares_loss": ("right", "torch, .item()"),
               "least_squares_gradient": ("wrong", "sign flipped"),
               "gradient_descent": ("right", "copy then in-place update"),
               "cross_entropy_loss": ("right", "torch with logits"),
               "cross_entropy_gradient": ("right", "torch autograd")}, 1),
}
RENAMES = [{"residuals": "errs", "total": "acc", "xi": "xv", "yi": "yv", "path": "traj",
            "g0": "d_int", "g1": "d_slope", "r": "err", "g": "grad_sum", "wt": "w_torch",
            "t": "step"},
           {"residuals": "res", "total": "s", "xi": "a", "yi": "b", "path": "history",
            "g0": "ga", "g1": "gb", "r": "e", "g": "gsum", "wt": "weights", "t": "k"}]


@dataclass
class Spec:
    students: dict[str, dict[str, str]] = field(default_factory=dict)   # student -> exercise -> code
    mistakes: Counter = field(default_factory=Counter)      # (exercise, id) -> planted count
    unnamed: Counter = field(default_factory=Counter)       # exercise -> planted unnamed failures
    failed: Counter = field(default_factory=Counter)        # exercise -> students failing it
    copy_pairs: set[frozenset] = field(default_factory=set)
    blanks: list[str] = field(default_factory=list)


def _solution_cells() -> dict[str, str]:
    nb = nbformat.read(str(solution(A)), as_version=4)
    return {cells.grade_id(c): c.source for c in nb.cells if cells.role(c) == cells.ANSWER}


def _strip_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")) + "\n"


def _code(sources: dict[str, str], exercise: str, kind: str | None, label: str | None) -> str:
    source = sources[exercise]
    if kind is not None:
        entry = nb01.MUTANTS[exercise][kind][label]
        entry = entry[0] if isinstance(entry, tuple) else entry
        source = mutate(entry, source, f"{exercise}/{label}")
    return _strip_markers(source)


def disguise(code: str, n: int) -> str:
    """A near-copy: local names renamed, the docstring's comment lines changed, a comment added."""
    for old, new in RENAMES[n % len(RENAMES)].items():
        code = re.sub(rf"\b{old}\b", new, code)
    lines = code.splitlines()
    out = []
    for line in lines:
        if line.lstrip().startswith("Hint:"):
            continue
        out.append(line)
        if line.startswith("def "):
            out.append(f"    # {'my version' if n % 2 else 'worked this out with the lecture notes'}")
    return "\n".join(out) + "\n"


def _record(spec: Spec, exercise: str, kind: str | None, label: str | None) -> None:
    if kind != "wrong":
        return
    mistake_id, _ = PLANTED.get((exercise, label), ("?", 0))
    if mistake_id == "?":       # a ring's wrong answer that is also planted elsewhere
        raise KeyError(f"{exercise}/{label} is not in PLANTED")
    spec.failed[exercise] += 1
    if mistake_id is None:
        spec.unnamed[exercise] += 1
    else:
        spec.mistakes[(exercise, mistake_id)] += 1


def specification(n_honest: int = 32) -> Spec:
    """Who writes what (no files): the answers of every student, and the planted counts."""
    sources = _solution_cells()
    spec = Spec()
    for i in range(BLANKS):
        spec.blanks.append(f"blank{i + 1:02d}")
    for ring, (answers, n_copies) in RINGS.items():
        names = [f"{ring}-orig"] + [f"{ring}-copy{k + 1}" for k in range(n_copies)]
        for k, name in enumerate(names):
            spec.students[name] = {}
            for ex in EXERCISES:
                kind, label = answers[ex]
                code = _code(sources, ex, kind, label)
                spec.students[name][ex] = code if k == 0 else disguise(code, k - 1)
                _record(spec, ex, kind, label)
        spec.copy_pairs |= {frozenset((a, b)) for a in names for b in names if a < b}
    honest = [f"s{i + 1:02d}" for i in range(n_honest)]
    choice: dict[str, dict[str, tuple[str | None, str | None]]] = {s: {} for s in honest}
    # planted mistakes: dealt round-robin so that one student gets at most one per exercise
    # and two students share as few wrong answers as possible
    slot = 0
    ring_wrong = Counter((ex, label) for answers, n in RINGS.values()
                         for ex, (kind, label) in answers.items() if kind == "wrong"
                         for _ in range(n + 1))
    for (ex, label), (_, count) in PLANTED.items():
        for _ in range(count - ring_wrong[(ex, label)]):
            for _try in range(n_honest):
                s = honest[slot % n_honest]
                slot += 7          # coprime with 32: spreads mistakes over the class
                blocked = any(later == ex and choice[s].get(first) == ("wrong", label_)
                              for (first, label_), later in CASCADE.items())
                if ex not in choice[s] and not blocked:
                    choice[s][ex] = ("wrong", label)
                    break
            else:
                raise ValueError("the class is too small for the planted mistakes")
    for k, (ex, label) in enumerate(HONEST_RIGHT * 2):
        s = honest[(5 * k + 3) % n_honest]
        blocked = any(later == ex and choice[s].get(first, (None, None))[1] == label_
                      for (first, label_), later in CASCADE.items())
        if ex not in choice[s] and not blocked and not any(kind == "right" for kind, _ in choice[s].values()):
            choice[s][ex] = ("right", label)
    for s in honest:
        spec.students[s] = {}
        for ex in EXERCISES:
            kind, label = choice[s].get(ex, (None, None))
            spec.students[s][ex] = _code(sources, ex, kind, label)
            _record(spec, ex, kind, label)
            later = CASCADE.get((ex, label)) if kind == "wrong" else None
            if later:
                assert later not in choice[s], (s, later)
                spec.failed[later] += 1
                spec.unnamed[later] += 1
    return spec


def write(spec: Spec, folder: Path) -> None:
    """One folder per student with the released notebook, answer cells filled in."""
    release = nbformat.read(str(student(A)), as_version=4)
    for name in spec.blanks:
        (folder / name).mkdir(parents=True, exist_ok=True)
        nbformat.write(release, str(folder / name / f"{A}.ipynb"))
    for name, answers in spec.students.items():
        nb = nbformat.from_dict(release)
        nb = nbformat.reads(nbformat.writes(release), as_version=4)
        for cell in nb.cells:
            if cells.role(cell) == cells.ANSWER and cells.grade_id(cell) in answers:
                cell.source = answers[cells.grade_id(cell)]
        (folder / name).mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(folder / name / f"{A}.ipynb"))


def build(folder: Path, n_honest: int = 32) -> Spec:
    spec = specification(n_honest)
    write(spec, folder)
    return spec


def clone(src: Path, dst: Path, assignment: str, n: int) -> None:
    """A grading folder of ``n`` submissions from a graded one, without regrading: the
    autograded notebooks, grades.csv rows and gradebook scores of the graded students,
    repeated under new ids (``<id>-x<k>``)."""
    import csv
    import shutil
    import warnings

    from nbgrader.api import Gradebook

    dst.mkdir(parents=True)
    shutil.copy2(src / "gradebook.db", dst / "gradebook.db")
    with (src / "grades.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Gradebook(f"sqlite:///{dst / 'gradebook.db'}") as gb:
            scores = {}
            for r in rows:
                try:
                    sub = gb.find_submission(assignment, r["student_id"])
                except Exception:  # noqa: BLE001 - not graded: not cloned
                    continue
                scores[r["student_id"]] = {g.name: (g.auto_score, g.manual_score,
                                                    g.needs_manual_grade)
                                           for nb in sub.notebooks for g in nb.grades}
            rows = [r for r in rows if r["student_id"] in scores]
            bases = [r["student_id"] for r in rows]
            for b in bases:
                shutil.copytree(src / "autograded" / b, dst / "autograded" / b)
            out = list(rows)
            for k in range(n - len(bases)):
                b = bases[k % len(bases)]
                name = f"{b}-x{k:03d}"
                gb.update_or_create_student(name)
                sub = gb.add_submission(assignment, name)
                for nb in sub.notebooks:
                    for g in nb.grades:
                        g.auto_score, g.manual_score, g.needs_manual_grade = scores[b][g.name]
                shutil.copytree(src / "autograded" / b, dst / "autograded" / name)
                out.append({**rows[k % len(bases)], "student_id": name})
            gb.db.commit()
    with (dst / "grades.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(out)


if __name__ == "__main__":
    s = build(Path(sys.argv[1]))
    print(len(s.students) + len(s.blanks), "submissions;", sum(s.mistakes.values()),
          "named mistakes;", sum(s.unnamed.values()), "unnamed")
