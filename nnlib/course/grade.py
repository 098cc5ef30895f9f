"""Grade: autograde a folder of submissions, write feedback and a CSV of grades.

Accepts either layout:

* one folder per student: ``SUBS/<student_id>/<anything>.ipynb`` (also
  ``SUBS/<student_id>/<assignment>/<assignment>.ipynb``, nbgrader's own layout);
* a flat folder of files named by student id, as a learning-management system exports
  them: ``SUBS/<student_id>_<anything>.ipynb``; ``--id-pattern`` sets the regular
  expression (group ``student``) that finds the id in a file name.

Each submission is autograded by nbgrader in a process of its own, with a private copy of
the gradebook, its kernel inside the sandbox (see sandbox.py) and the tamper guard (see
guard.py); ``--jobs N`` grades N at a time. Results are merged into one gradebook in the
same way whatever the number of jobs. One broken submission (a crash, an endless loop, a
corrupt file) never stops the others.

Output, in ``OUT`` (default ``.grading/<assignment>/``, git-ignored): ``gradebook.db``,
``submitted/``, ``autograded/``, ``feedback/<student>/<assignment>/*.html`` (failed checks
and their messages, never the source of hidden tests) and ``grades.csv``. The exit status is
1 when any submission could not be graded or was flagged for review.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import GRADING, SOLUTIONS, nbgrader, resolve, solution, tool_env
from . import sandbox as sandbox_mod
from .guard import scan

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
    status: str                    # "graded", "flagged" (graded, needs review), "crashed"
                                   # (graded up to an os._exit) or "failed" (not graded)
    score: float = 0.0             # autograded points
    max_score: float = 0.0         # autograded points available
    manual_max: float = 0.0        # points for written answers, graded by hand
    message: str = ""
    seconds: float = 0.0
    flags: list[str] = field(default_factory=list)
    zeroed: list[str] = field(default_factory=list)   # test cells not rewarded (attacked)


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


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class Grader:
    """One grading run for one assignment, with its working folders under ``out``."""

    def __init__(self, assignment: str, out: Path | None = None, *, cell_timeout: int | None = None,
                 sandbox: bool = True, submissions: Path | None = None, timeout: float = 1800):
        self.assignment = assignment
        self.out = Path(out or GRADING / assignment).resolve()
        self.cell_timeout = cell_timeout
        self.sandbox = sandbox
        self.submissions = Path(submissions).resolve() if submissions else None
        self.timeout = timeout
        self.db = self.out / "gradebook.db"
        self.merge_lock = threading.Lock()

    # ------------------------------------------------------------ set-up
    def overrides(self, db: Path | None = None) -> dict[str, str]:
        return {
            "CourseDirectory.submitted_directory": str(self.out / "submitted"),
            "CourseDirectory.autograded_directory": str(self.out / "autograded"),
            "CourseDirectory.feedback_directory": str(self.out / "feedback"),
            "CourseDirectory.release_directory": str(self.out / "release"),
            "CourseDirectory.db_url": f"sqlite:///{db or self.db}",
        }

    def prepare(self) -> None:
        """Register the assignment (test cells, checksums) in the gradebook; index test cells."""
        self.out.mkdir(parents=True, exist_ok=True)
        proc = nbgrader("generate_assignment", self.assignment, "--force", "--create",
                        **self.overrides())
        if proc.returncode != 0:
            raise SystemExit(f"grade: could not register {self.assignment} in the gradebook:\n"
                             f"{proc.stdout}{proc.stderr}")
        import matplotlib.font_manager  # noqa: F401  (build the font cache outside the sandbox)

        source = nbformat.read(str(solution(self.assignment)), as_version=4)
        released = nbformat.read(str(self.out / "release" / self.assignment
                                     / f"{self.assignment}.ipynb"), as_version=4)
        self.tests = {}          # grade_id -> sha256 of the source the grader runs
        self.answers = set()     # grade_ids of autograded answer cells
        for cell in source.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
                self.tests[meta["grade_id"]] = _sha(cell.source)
            elif meta.get("solution") and cell.cell_type == "code":
                self.answers.add(meta["grade_id"])
        self.public = {c.metadata["nbgrader"]["grade_id"]: c.source for c in released.cells
                       if c.metadata.get("nbgrader", {}).get("grade_id")}

    def stage(self, sub: Submission) -> None:
        dest = self.out / "submitted" / sub.student / self.assignment
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        shutil.copy2(sub.source, dest / f"{self.assignment}.ipynb")
        for step in ("autograded", "feedback", "feedback_src"):
            old = self.out / step / sub.student / self.assignment
            if old.exists():
                shutil.rmtree(old)

    # ------------------------------------------------------------ one submission
    def grade_one(self, sub: Submission) -> Result:
        """Autograde one staged submission with a private gradebook; analyse the guard report."""
        start = time.perf_counter()
        work = self.out / "work" / sub.student
        if work.exists():
            shutil.rmtree(work)
        kernel_dir = work / "kernel"
        kernel_dir.mkdir(parents=True)
        private_db = work / "gradebook.db"
        shutil.copy2(self.db, private_db)
        report = kernel_dir / "guard.jsonl"
        autograded = self.out / "autograded" / sub.student / self.assignment
        secrets = [SOLUTIONS, self.out, GRADING] + ([self.submissions] if self.submissions else [])
        jupyter_path = sandbox_mod.kernelspec(
            work / "jupyter", sandbox=self.sandbox, workdir=autograded, kernel_dir=kernel_dir,
            hide=secrets, report=report, protect=secrets)
        env = tool_env()
        env["JUPYTER_PATH"] = str(jupyter_path) + os.pathsep + env.get("JUPYTER_PATH", "")
        env["JUPYTER_RUNTIME_DIR"] = str(kernel_dir)   # the connection file, visible in the sandbox
        extra = {"Execute.kernel_name": sandbox_mod.KERNEL_NAME,
                 "KernelManager.transport": "ipc",
                 "KernelManager.ip": str(kernel_dir / "k"),
                 "KernelManager.connection_file": str(kernel_dir / "kernel.json"),
                 "OverwriteCells.add_missing_cells": "True"}
        if self.cell_timeout:
            extra["Execute.timeout"] = str(self.cell_timeout)
        import subprocess
        cmd = [sys.executable, "-m", "nbgrader", "autograde", self.assignment, "--force",
               "--create", f"--student={sub.student}"]
        cmd += [f"--{k}={v}" for k, v in {**self.overrides(private_db), **extra}.items()]
        try:
            proc = subprocess.run(cmd, cwd=SOLUTIONS.parent, env=env, capture_output=True,
                                  text=True, timeout=self.timeout)
            log, code = proc.stdout + proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as exc:
            log, code = f"TimeoutExpired: {exc}", -1
        (work / "autograde.log").write_text(log)
        done = autograded / f"{self.assignment}.ipynb"
        seconds = time.perf_counter() - start
        if code != 0 or not done.is_file():
            return Result(sub.student, "failed", message=_reason(log), seconds=seconds)
        result = Result(sub.student, "graded", seconds=seconds)
        self.inspect(sub, done, report, result)
        if result.zeroed:
            self.zero(private_db, sub.student, result.zeroed)
        with self.merge_lock:
            merge(private_db, self.db, self.assignment, sub.student)
        result.seconds = time.perf_counter() - start
        return result

    def inspect(self, sub: Submission, done: Path, report: Path, result: Result) -> None:
        """Static scan of the answer cells and the guard's report -> flags and zeroed tests."""
        submitted = nbformat.read(str(sub.source), as_version=4)
        for cell in submitted.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and not meta.get("locked") and not meta.get("grade"):
                where = meta.get("grade_id") or f"cell {cell.get('id', '?')}"
                result.flags += [f"{where}: {finding}" for finding in scan(cell.source)]
        records = []
        if report.is_file():
            for line in report.read_text(errors="replace").splitlines():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    result.flags.append("the guard report was written to by the notebook")
        if not any(r.get("event") == "start" for r in records):
            result.flags.append("the tamper guard did not start")
        for r in records:
            if r.get("event") == "blocked":
                result.flags.append(f"blocked: {r.get('what')}")
            elif r.get("event") == "cell" and r.get("changed"):
                result.flags.append(f"cell {r.get('cell')} changed {', '.join(r['changed'][:5])} "
                                    "(restored by the grader)")
        exits = [r.get("cell", 0) for r in records if r.get("event") == "exit"]
        crash_at = min(exits) if exits else None
        by_sha: dict[str, list[dict]] = {}
        for r in records:
            if r.get("event") == "cell":
                by_sha.setdefault(r.get("sha"), []).append(r)
        graded = nbformat.read(str(done), as_version=4)
        for cell in graded.cells:
            meta = cell.metadata.get("nbgrader", {})
            grade_id = meta.get("grade_id")
            if grade_id not in self.tests or cell.cell_type != "code":
                continue
            if cell.get("execution_count") is None:
                continue
            # nbgrader restored this locked cell from the gradebook (and may have prefixed a
            # note when it re-added a deleted cell): its source is what the kernel ran.
            runs = by_sha.get(_sha(cell.source), [])
            has_error = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
            if crash_at is not None and cell.execution_count >= crash_at:
                result.zeroed.append(grade_id)     # a real crash would have ended the run here
            elif not runs:
                result.zeroed.append(grade_id)
                result.flags.append(f"{grade_id}: ran without a guard record")
            elif any(r.get("changed") for r in runs):
                result.zeroed.append(grade_id)
                result.flags.append(f"{grade_id}: the checks were patched while this test ran")
            elif any(r.get("error") for r in runs) and not has_error:
                result.zeroed.append(grade_id)
                result.flags.append(f"{grade_id}: an error was raised but hidden from the grader")
        result.flags = sorted(set(result.flags))
        if crash_at is not None:
            result.status = "crashed"
            result.message = (f"the notebook called os._exit/os.abort in cell {crash_at}: graded "
                              "up to that cell, later tests score 0")
            if result.flags:
                result.message += "; also needs review: " + "; ".join(result.flags[:3])
        elif result.flags:
            result.status = "flagged"
            result.message = "needs review: " + "; ".join(result.flags[:4]) + (
                f" (+{len(result.flags) - 4} more)" if len(result.flags) > 4 else "")

    def zero(self, db: Path, student: str, grade_ids: list[str]) -> None:
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{db}") as gb:
            for grade_id in grade_ids:
                grade = gb.find_grade(grade_id, self.assignment, self.assignment, student)
                grade.auto_score = 0.0
                grade.needs_manual_grade = True
            gb.db.commit()

    # ------------------------------------------------------------ reports
    def scores(self, results: list[Result]) -> None:
        """Fill in points from the merged gradebook."""
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(f"sqlite:///{self.db}") as gb:
            assignment = gb.find_assignment(self.assignment)
            auto_max = sum(c.max_score for nb in assignment.notebooks for c in nb.grade_cells
                           if c.cell_type == "code")
            total_max = assignment.max_score
            for r in results:
                r.max_score = auto_max
                r.manual_max = total_max - auto_max
                if r.status == "failed":
                    continue
                try:
                    sub = gb.find_submission(self.assignment, r.student)
                except MissingEntry:
                    r.status, r.message = "failed", "no grade recorded"
                    continue
                r.score = sum((g.auto_score or 0.0) for nb in sub.notebooks for g in nb.grades
                              if g.cell.cell_type == "code")

    def feedback(self, results: list[Result]) -> str:
        """HTML feedback from copies of the autograded notebooks without hidden-test source."""
        src_root = self.out / "feedback_src"
        for r in results:
            graded = self.out / "autograded" / r.student / self.assignment
            if r.status == "failed" or not graded.is_dir():
                continue
            dest = src_root / r.student / self.assignment
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(graded, dest)
            path = dest / f"{self.assignment}.ipynb"
            nb = nbformat.read(str(path), as_version=4)
            nbformat.write(self.redact(nb), str(path))
        proc = nbgrader("generate_feedback", self.assignment, "--force",
                        **{**self.overrides(), "CourseDirectory.autograded_directory": str(src_root)})
        return "" if proc.returncode == 0 else _reason(proc.stdout + proc.stderr)

    def redact(self, nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
        """Test cells as the student received them; errors as their messages, no traceback."""
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in self.tests:
                cell.source = self.public.get(grade_id, "# (test cell)")
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
        return nb

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


def merge(private_db: Path, main_db: Path, assignment: str, student: str) -> None:
    """Copy one student's autograded submission from a private gradebook into the main one."""
    import warnings

    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{private_db}") as src, Gradebook(f"sqlite:///{main_db}") as dst, \
            warnings.catch_warnings():
        # nbgrader's own remove/add cycle makes SQLAlchemy warn about detached objects
        warnings.simplefilter("ignore")
        s = src.find_submission(assignment, student)
        dst.update_or_create_student(student)
        try:
            dst.remove_submission(assignment, student)
        except MissingEntry:
            pass
        dst.add_submission(assignment, student, timestamp=s.timestamp)
        for nb in s.notebooks:
            dnb = dst.find_submission_notebook(nb.name, assignment, student)
            dnb.flagged = nb.flagged
            for g in nb.grades:
                dg = dst.find_grade(g.name, nb.name, assignment, student)
                dg.auto_score, dg.manual_score = g.auto_score, g.manual_score
                dg.extra_credit, dg.needs_manual_grade = g.extra_credit, g.needs_manual_grade
            for c in nb.comments:
                dc = dst.find_comment(c.name, nb.name, assignment, student)
                dc.auto_comment, dc.manual_comment = c.auto_comment, c.manual_comment
        dst.db.commit()


def _reason(log: str) -> str:
    """A one-line reason for a failed autograde, from nbgrader's log."""
    checks = [
        (r"DeadKernelError|Kernel died|kernel.*died", "the kernel died while running the notebook"),
        (r"TimeoutExpired", "grading it took too long"),
        (r"NotJSONError|not valid JSON|Notebook does not appear to be JSON|JSONDecodeError",
         "the file is not a valid notebook"),
        (r"cell_type.*does not match|changed its type|missing.*cell",
         "a graded cell was deleted or changed"),
    ]
    for pattern, text in checks:
        if re.search(pattern, log, re.I):
            return text
    lines = [line for line in log.splitlines() if "ERROR" in line or "Error" in line]
    return (lines[-1].strip()[:200] if lines else "nbgrader could not grade it")


def print_table(assignment: str, results: list[Result], out=sys.stdout) -> None:
    print(f"\n{assignment}: {len(results)} submission(s)", file=out)
    width = max([len(r.student) for r in results] + [7])
    print(f"  {'student':<{width}}  {'autograded':>12}  {'time':>6}  status", file=out)
    for r in sorted(results, key=lambda r: r.student):
        score = f"{r.score:g}/{r.max_score:g}"
        status = r.status + (f": {r.message}" if r.message else "")
        print(f"  {r.student:<{width}}  {score:>12}  {r.seconds:5.1f}s  {status}", file=out)
    manual = max((r.manual_max for r in results), default=0)
    if manual:
        print(f"  (+ {manual:g} points of written answers to grade by hand in formgrader)", file=out)


def grade(folder: Path, assignment: str, out: Path | None = None,
          id_pattern: str = DEFAULT_ID_PATTERN, stream=sys.stdout, *, jobs: int | None = None,
          sandbox: bool | None = None, cell_timeout: int | None = None) -> int:
    """Grade every submission in ``folder``; return the exit status.

    0: all graded; 1: some submission failed or was flagged for review; 2: cannot grade here.
    ``sandbox=None`` means: use the sandbox, and refuse to grade if it is unavailable.
    """
    assignment = resolve([assignment])[0]
    if not solution(assignment).is_file():
        raise SystemExit(f"grade: no solution notebook for {assignment}")
    if sandbox is None or sandbox:
        ok, why = sandbox_mod.available()
        if not ok:
            print(f"grade: cannot sandbox student code: {why}.\n"
                  "  Install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap), or pass "
                  "--no-sandbox to grade without isolation\n  (student code then runs with your "
                  "rights and can read your files: fine for self-checks, not for a class).",
                  file=stream)
            return 2
        sandbox = True
    subs = collect(folder, id_pattern)
    if not subs:
        print(f"grade: no submissions found in {folder}", file=stream)
        return 1
    jobs = max(1, jobs or os.cpu_count() or 1)
    grader = Grader(assignment, out, cell_timeout=cell_timeout, sandbox=sandbox, submissions=folder)
    t0 = time.perf_counter()
    grader.prepare()
    print(f"Grading {len(subs)} submission(s) of {assignment} with {jobs} job(s), sandbox "
          f"{'on' if sandbox else 'OFF'}", file=stream, flush=True)
    results: list[Result] = []
    todo = []
    for sub in subs:
        if sub.problem:
            results.append(Result(sub.student, "failed", message=sub.problem))
        else:
            grader.stage(sub)
            todo.append(sub)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(grader.grade_one, sub): sub for sub in todo}
        for future in as_completed(futures):
            r = future.result()
            results.append(r)
            print(f"[{len(results)}/{len(subs)}] {r.student}: {r.status}"
                  + (f" ({r.message})" if r.message else "") + f" {r.seconds:.1f} s",
                  file=stream, flush=True)
    grader.scores(results)
    problem = grader.feedback(results)
    csv_path = grader.write_csv(results)
    print_table(assignment, results, stream)
    elapsed = time.perf_counter() - t0
    print(f"\nGrades: {csv_path}\nFeedback: {grader.out / 'feedback'}\n"
          f"Total {elapsed:.1f} s for {len(subs)} submission(s): "
          f"{elapsed / len(subs):.2f} s per submission with {jobs} job(s)", file=stream)
    if problem:
        print(f"warning: feedback generation reported a problem: {problem}", file=stream)
    failed = [r for r in results if r.status in ("failed", "crashed")]
    flagged = [r for r in results if r.status == "flagged"]
    if failed:
        print(f"\n{len(failed)} of {len(results)} submission(s) crashed or could not be graded "
              "(see grades.csv): " + ", ".join(r.student for r in failed), file=stream)
    if flagged:
        print(f"{len(flagged)} submission(s) flagged for manual review (see grades.csv): "
              + ", ".join(r.student for r in flagged), file=stream)
    return 1 if failed or flagged else 0
