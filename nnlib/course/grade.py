"""Grade: autograde a folder of submissions, write feedback and a CSV of grades.

Accepts either layout:

* one folder per student: ``SUBS/<student_id>/<anything>.ipynb`` (also
  ``SUBS/<student_id>/<assignment>/<assignment>.ipynb``, nbgrader's own layout);
* a flat folder of files named by student id, as a learning-management system exports
  them: ``SUBS/<student_id>_<anything>.ipynb``; ``--id-pattern`` sets the regular
  expression (group ``student``) that finds the id in a file name.

Each submission is autograded by nbgrader in a process of its own, so one broken
submission (a crash, an endless loop, a corrupt file) never stops the others. Results go
to ``OUT`` (default ``.grading/<assignment>/``, git-ignored): ``submitted/``,
``autograded/``, ``feedback/<student>/<assignment>/*.html``, ``gradebook.db`` and
``grades.csv``. The exit status is 1 when any submission could not be graded.
"""
from __future__ import annotations

import csv
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import GRADING, nbgrader, resolve, solution

DEFAULT_ID_PATTERN = r"^(?P<student>[^_.\s]+)"
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.@+-]*$")


@dataclass
class Submission:
    student: str
    source: Path | None
    problem: str | None = None     # why it cannot be graded, found before grading


@dataclass
class Result:
    student: str
    status: str                    # "graded" or "failed"
    score: float = 0.0             # autograded points
    max_score: float = 0.0         # autograded points available
    manual_max: float = 0.0        # points for written answers, graded by hand
    message: str = ""
    seconds: float = 0.0


def collect(folder: Path, id_pattern: str = DEFAULT_ID_PATTERN) -> list[Submission]:
    """Find one notebook per student in ``folder`` (either layout)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SystemExit(f"grade: submissions folder not found: {folder}")
    pattern = re.compile(id_pattern)
    found: dict[str, list[Path]] = {}
    problems: dict[str, str] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            notebooks = [p for p in sorted(entry.rglob("*.ipynb"))
                         if ".ipynb_checkpoints" not in p.parts]
            found.setdefault(entry.name, []).extend(notebooks)
            if not notebooks:
                problems[entry.name] = "the folder holds no .ipynb file"
        elif entry.suffix == ".ipynb":
            m = pattern.search(entry.name)
            if not m:
                problems[entry.name] = f"no student id in the file name (pattern {id_pattern!r})"
                continue
            found.setdefault(m.group("student"), []).append(entry)
    subs = []
    for student in sorted(set(found) | set(problems)):
        files = found.get(student, [])
        if student in problems:
            subs.append(Submission(student, None, problems[student]))
        elif not SAFE_ID.match(student):
            subs.append(Submission(student, None, "the student id may use only letters, digits "
                                                  "and . @ + -"))
        elif len(files) > 1:
            subs.append(Submission(student, None, "more than one notebook: "
                                   + ", ".join(str(f.relative_to(folder)) for f in files)))
        else:
            subs.append(Submission(student, files[0]))
    return subs


class Grader:
    """One grading run for one assignment, with its working folders under ``out``."""

    def __init__(self, assignment: str, out: Path | None = None, timeout: float = 1200):
        self.assignment = assignment
        self.out = Path(out or GRADING / assignment).resolve()
        self.timeout = timeout
        self.db = self.out / "gradebook.db"

    def overrides(self, db: Path | None = None) -> dict[str, str]:
        return {
            "CourseDirectory.submitted_directory": str(self.out / "submitted"),
            "CourseDirectory.autograded_directory": str(self.out / "autograded"),
            "CourseDirectory.feedback_directory": str(self.out / "feedback"),
            "CourseDirectory.release_directory": str(self.out / "release"),
            "CourseDirectory.db_url": f"sqlite:///{db or self.db}",
        }

    def prepare(self) -> None:
        """Register the assignment (its test cells and their checksums) in the gradebook."""
        self.out.mkdir(parents=True, exist_ok=True)
        proc = nbgrader("generate_assignment", self.assignment, "--force", "--create",
                        **self.overrides())
        if proc.returncode != 0:
            raise SystemExit(f"grade: could not register {self.assignment} in the gradebook:\n"
                             f"{proc.stdout}{proc.stderr}")

    def stage(self, sub: Submission) -> None:
        dest = self.out / "submitted" / sub.student / self.assignment
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        shutil.copy2(sub.source, dest / f"{self.assignment}.ipynb")
        for step in ("autograded", "feedback"):
            old = self.out / step / sub.student / self.assignment
            if old.exists():
                shutil.rmtree(old)

    def autograde(self, sub: Submission) -> Result:
        start = time.perf_counter()
        try:
            proc = nbgrader("autograde", self.assignment, "--force", "--create",
                            f"--student={sub.student}", timeout=self.timeout, **self.overrides())
            log = proc.stdout + proc.stderr
            code = proc.returncode
        except Exception as exc:   # subprocess timeout
            log, code = f"{type(exc).__name__}: {exc}", -1
        seconds = time.perf_counter() - start
        done = self.out / "autograded" / sub.student / self.assignment / f"{self.assignment}.ipynb"
        if code == 0 and done.is_file():
            return Result(sub.student, "graded", seconds=seconds)
        return Result(sub.student, "failed", message=_reason(log), seconds=seconds)

    def scores(self, results: list[Result]) -> None:
        """Fill in points from the gradebook."""
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(f"sqlite:///{self.db}") as gb:
            assignment = gb.find_assignment(self.assignment)
            auto_max = sum(c.max_score for nb in assignment.notebooks for c in nb.grade_cells
                           if c.cell_type == "code")
            total_max = assignment.max_score
            for r in results:
                r.max_score = auto_max
                r.manual_max = total_max - auto_max
                if r.status != "graded":
                    continue
                try:
                    sub = gb.find_submission(self.assignment, r.student)
                except MissingEntry:
                    r.status, r.message = "failed", "no grade recorded"
                    continue
                r.score = sum((g.auto_score or 0.0) for nb in sub.notebooks for g in nb.grades
                              if g.cell.cell_type == "code")

    def feedback(self) -> str:
        proc = nbgrader("generate_feedback", self.assignment, "--force", **self.overrides())
        return "" if proc.returncode == 0 else _reason(proc.stdout + proc.stderr)

    def write_csv(self, results: list[Result]) -> Path:
        path = self.out / "grades.csv"
        with path.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["assignment", "student_id", "status", "autograded_score",
                        "autograded_max", "manual_max", "max_score", "message"])
            for r in sorted(results, key=lambda r: r.student):
                w.writerow([self.assignment, r.student, r.status, f"{r.score:g}",
                            f"{r.max_score:g}", f"{r.manual_max:g}",
                            f"{r.max_score + r.manual_max:g}", r.message])
        return path


def _reason(log: str) -> str:
    """A one-line reason for a failed autograde, from nbgrader's log."""
    checks = [
        (r"DeadKernelError|Kernel died|kernel.*died", "the kernel died while running the notebook"),
        (r"CellTimeoutError|TimeoutExpired|timed out", "it ran out of time"),
        (r"NotJSONError|not valid JSON|Notebook does not appear to be JSON|JSONDecodeError",
         "the file is not a valid notebook"),
        (r"cell_type.*does not match|changed its type|cell .* was deleted|missing.*cell",
         "a graded cell was deleted or changed"),
    ]
    for pattern, text in checks:
        if re.search(pattern, log, re.I):
            return text
    lines = [l for l in log.splitlines() if "ERROR" in l or "Error" in l]
    return (lines[-1].strip()[:200] if lines else "nbgrader could not grade it")


def print_table(assignment: str, results: list[Result], out=sys.stdout) -> None:
    print(f"\n{assignment}: {len(results)} submission(s)", file=out)
    width = max([len(r.student) for r in results] + [7])
    print(f"  {'student':<{width}}  {'autograded':>12}  {'time':>6}  status", file=out)
    for r in sorted(results, key=lambda r: r.student):
        score = f"{r.score:g}/{r.max_score:g}" if r.status == "graded" else f"0/{r.max_score:g}"
        status = r.status + (f": {r.message}" if r.message else "")
        print(f"  {r.student:<{width}}  {score:>12}  {r.seconds:5.1f}s  {status}", file=out)
    manual = max((r.manual_max for r in results), default=0)
    if manual:
        print(f"  (+ {manual:g} points of written answers to grade by hand in formgrader)", file=out)


def grade(folder: Path, assignment: str, out: Path | None = None,
          id_pattern: str = DEFAULT_ID_PATTERN, stream=sys.stdout) -> int:
    """Grade every submission in ``folder``; return the exit status (1 if any failed)."""
    assignment = resolve([assignment])[0]
    if not solution(assignment).is_file():
        raise SystemExit(f"grade: no solution notebook for {assignment}")
    subs = collect(folder, id_pattern)
    if not subs:
        print(f"grade: no submissions found in {folder}", file=stream)
        return 1
    grader = Grader(assignment, out)
    grader.prepare()
    results: list[Result] = []
    t0 = time.perf_counter()
    for i, sub in enumerate(subs, 1):
        if sub.problem:
            results.append(Result(sub.student, "failed", message=sub.problem))
        else:
            grader.stage(sub)
            results.append(grader.autograde(sub))
        r = results[-1]
        print(f"[{i}/{len(subs)}] {sub.student}: {r.status}"
              + (f" ({r.message})" if r.message else "") + f" {r.seconds:.1f} s",
              file=stream, flush=True)
    grader.scores(results)
    problem = grader.feedback()
    csv_path = grader.write_csv(results)
    print_table(assignment, results, stream)
    elapsed = time.perf_counter() - t0
    print(f"\nGrades: {csv_path}\nFeedback: {grader.out / 'feedback'}\n"
          f"Total {elapsed:.1f} s, {elapsed / len(subs):.1f} s per submission", file=stream)
    if problem:
        print(f"warning: feedback generation reported a problem: {problem}", file=stream)
    failed = [r for r in results if r.status != "graded"]
    if failed:
        print(f"\n{len(failed)} of {len(results)} submission(s) could not be graded and got 0: "
              + ", ".join(r.student for r in failed), file=stream)
        return 1
    return 0
