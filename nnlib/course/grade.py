"""Grade: autograde a folder of submissions, write feedback and a CSV of grades.

Accepts either layout:

* one folder per student: ``SUBS/<student_id>/<anything>.ipynb`` (also
  ``SUBS/<student_id>/<assignment>/<assignment>.ipynb``, nbgrader's own layout);
* a flat folder of files, as a learning-management system exports them. By default the
  student id is ``name-number`` for Moodle and Canvas names (``Anna Berg_12345_...`` gives
  ``Anna-Berg-12345``) and otherwise the text before the first ``_`` (``s123_01.ipynb``
  gives ``s123``); ``--id-pattern`` sets a regular expression whose group ``student``
  finds the id instead.

Only plain notebook files are graded: a link, a pipe or a device (as a file or anywhere in
a student's folder) is refused with the reason, and nothing downstream follows a link.

Each submission is autograded by nbgrader's Autograde converter (:func:`autograde_task`,
bytes in, bytes out, in a temporary folder with a private copy of the gradebook as prepared)
in a worker process: one of ``--jobs N`` local processes, or of a Dask cluster with
``--scheduler ADDRESS`` (cluster.py); what the course adds (sandbox, limits, guard, verdict,
inert outputs, redacted feedback) is part of nbgrader's pipeline (pipeline.py, configured
in nbgrader_config.py), so nbgrader's own commands apply it too. Results are merged into one
gradebook on this machine in the same way whatever the number of jobs or workers;
``graded.jsonl`` records each merged submission, so ``--resume`` continues a stopped run.
Whatever one submission does, the others are graded and the reports written: any failure
while handling it makes that one ``failed`` with the reason.

Output, in ``OUT`` (default ``.grading/<assignment>/``, git-ignored): ``gradebook.db``,
``submitted/``, ``autograded/``, ``feedback/<student>/<assignment>/*.html`` (failed checks
and their messages, never the source of hidden tests) and ``grades.csv``. The exit status is
1 when any submission could not be graded or was flagged for review.
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import re
import shutil
import stat
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path


from . import GRADING, ROOT, SOLUTIONS, nbgrader, new_gradebook, resolve, solution, tool_env
from . import sandbox as sandbox_mod
from .pipeline import VERDICT_KEY

DEFAULT_ID_PATTERN = r"^(?P<student>[^_.\s]+)"
# Moodle: "Anna Berg_12345_assignsubmission_file_01.ipynb"; Canvas: "bergeranna_12345_678_01.ipynb"
# (also "bergeranna_LATE_12345_678_01.ipynb")
LMS_PATTERN = re.compile(r"^(?P<name>[^_]+?)_(?:LATE_)?(?P<number>\d{3,})_")
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.@+-]*$")
MAX_NOTEBOOK_BYTES = 64 << 20
# Written by nbgrader's exchange beside a submitted notebook, and carried with it through
# grading: autograde reads the submission time from timestamp.txt (late penalties), and
# release_feedback needs both beside the feedback. Nothing else travels with a notebook.
EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")
MAX_EXCHANGE_FILE = 4096


@dataclass
class Submission:
    student: str
    source: Path | None
    problem: str | None = None     # why it cannot be graded, found before grading
    extras: tuple[Path, ...] = ()  # EXCHANGE_FILES found beside the notebook


@dataclass
class Result:
    student: str
    status: str                    # "graded", "flagged" (graded, needs review), "crashed"
                                   # (graded up to where it stopped) or "failed" (not graded)
    score: float = 0.0             # autograded points
    max_score: float = 0.0         # autograded points available
    manual_max: float = 0.0        # points for written answers, graded by hand
    message: str = ""
    seconds: float = 0.0
    flags: list[str] = field(default_factory=list)


def _id_from_name(name: str, pattern: re.Pattern | None) -> str | None:
    if pattern is not None:
        m = pattern.search(name)
        return m.group("student") if m else None
    m = LMS_PATTERN.match(name)
    if m:
        slug = re.sub(r"[^A-Za-z0-9.@+]+", "-", m.group("name")).strip("-")
        return f"{slug}-{m.group('number')}" if slug else m.group("number")
    m = re.match(DEFAULT_ID_PATTERN, name)
    return m.group("student") if m else None


def _plain_file_problem(path: Path) -> str | None:
    """Why ``path`` is not a plain notebook file we may read, or None."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        return f"cannot read {path.name}: {exc.strerror}"
    if stat.S_ISLNK(st.st_mode):
        return f"{path.name} is a link, not a notebook file"
    if not stat.S_ISREG(st.st_mode):
        return f"{path.name} is not a plain file (a pipe, device or socket)"
    if st.st_size > MAX_NOTEBOOK_BYTES:
        return f"{path.name} is larger than {MAX_NOTEBOOK_BYTES >> 20} MiB"
    return None


def _exchange_files(notebook: Path) -> tuple[Path, ...]:
    """The EXCHANGE_FILES beside a notebook in a student's folder: small plain files only."""
    found = []
    for name in EXCHANGE_FILES:
        path = notebook.parent / name
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and st.st_size <= MAX_EXCHANGE_FILE:
            found.append(path)
    return tuple(found)


def read_plain(path: Path) -> bytes:
    """The bytes of a plain file, opened without following a link."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError(f"{Path(path).name} is not a plain file")
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(MAX_NOTEBOOK_BYTES + 1)
    finally:
        os.close(fd)


def _notebooks_in(folder: Path) -> tuple[list[Path], str | None]:
    """The .ipynb files under a student's folder, without following links."""
    found, problem = [], None
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d != ".ipynb_checkpoints")
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            if path.is_symlink():
                problem = problem or f"{path.relative_to(folder)} is a link"
            elif name in filenames and name.endswith(".ipynb"):
                why = _plain_file_problem(path)
                if why:
                    problem = problem or why
                else:
                    found.append(path)
    return found, problem


def collect(folder: Path, id_pattern: str | None = None) -> list[Submission]:
    """Find one plain notebook file per student in ``folder`` (either layout)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SystemExit(f"submissions folder not found: {folder}")
    pattern = None
    if id_pattern is not None:
        try:
            pattern = re.compile(id_pattern)
        except re.error as exc:
            raise SystemExit(f"--id-pattern is not a valid regular expression: {exc}")
        if "student" not in pattern.groupindex:
            raise SystemExit("--id-pattern needs a group named student, e.g. "
                             "'^(?P<student>[^_]+)_'")
    found: dict[str, list[Path]] = {}
    problems: dict[str, str] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            who = _id_from_name(entry.name, pattern) or entry.name
            problems[who] = f"{entry.name} is a link, not a notebook file or folder"
        elif entry.is_dir():
            notebooks, problem = _notebooks_in(entry)
            found.setdefault(entry.name, []).extend(notebooks)
            if problem:
                problems[entry.name] = problem
            elif not notebooks:
                problems[entry.name] = "the folder holds no .ipynb file"
        elif entry.suffix == ".ipynb":
            who = _id_from_name(entry.name, pattern)
            if not who:
                problems[entry.name] = (f"no student id in the file name (pattern "
                                        f"{id_pattern!r}; set --id-pattern)")
                continue
            why = _plain_file_problem(entry)
            if why:
                problems[who] = why
            found.setdefault(who, []).append(entry)
    subs = []
    for student in sorted(set(found) | set(problems)):
        files = found.get(student, [])
        if student in problems:
            subs.append(Submission(student, None, problems[student]))
        elif not SAFE_ID.match(student):
            subs.append(Submission(student, None, "the student id may use only letters, digits "
                                                  "and . @ + -"))
        elif len(files) > 1:
            flat = all(f.parent == folder for f in files)
            subs.append(Submission(student, None, (
                "more than one file gives this student id: " if flat else
                "more than one notebook: ") + ", ".join(str(f.relative_to(folder)) for f in files)
                + ("; set --id-pattern (a regular expression with a group named student) "
                   "to tell them apart" if flat else "")))
        else:
            one = files[0]
            subs.append(Submission(student, one, extras=(
                _exchange_files(one) if one.parent != folder else ())))
    return subs


# ------------------------------------------------------------ the unit of work
# One submission's autograde, bytes in and bytes out: the submitted notebook and the
# gradebook as prepared (the assignment's cells, no submissions) go in; the autograded
# folder's files, the private gradebook with this student's grades and nbgrader's log come
# out. It runs nbgrader's Autograde converter in-process through NbGraderAPI (the call
# formgrader's button makes), in a temporary folder of its own, in a long-lived process that
# imported nbgrader once: a worker of the local pool below or a Dask worker (cluster.py).
# Both paths grade with this one function and merge on the instructor's machine the same way.
# Student code never runs in these processes: it runs in the sandboxed kernel that
# GuardedExecute starts, which also stops a notebook that runs past its time
# (GuardedExecute.wall, ``--timeout``) there, on the worker.

_BASE_CONFIG = None
_SETUP_LOCK = threading.Lock()


def _setup_process(root: str, quiet: bool) -> None:
    """Once per process: the course root as working folder, nbgrader imported, config read."""
    global _BASE_CONFIG
    with _SETUP_LOCK:
        if _BASE_CONFIG is not None:
            return
        from traitlets.config.loader import PyFileConfigLoader

        os.chdir(root)
        os.environ.update(tool_env())
        if quiet:     # nbgrader's console log: kept per submission (the task's "log")
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            import logging
            logging.getLogger().handlers.clear()
        config = PyFileConfigLoader("nbgrader_config.py", path=root).load_config()
        from nbgrader.apps import NbGraderAPI  # noqa: F401  (imported once per process)
        # and what the first autograde and feedback would import: a worker is ready before
        # the gradebook is (grade warms the workers while it prepares the gradebook)
        import jupyter_client.manager  # noqa: F401
        import nbconvert.exporters  # noqa: F401
        import nbgrader.converters  # noqa: F401
        import nbgrader.preprocessors  # noqa: F401
        with contextlib.suppress(ImportError):   # the feedback's code highlighting (IPython)
            import ipython_pygments_lexers  # noqa: F401
            import jinja2.ext  # noqa: F401

        from . import pipeline  # noqa: F401
        _BASE_CONFIG = config


def _worker_init(root: str) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the instructor's, not the pool's
    _setup_process(root, quiet=True)


def working_paths(folder: Path, db: Path) -> dict[str, str]:
    """nbgrader's working folders and gradebook, all under ``folder``."""
    return {
        "CourseDirectory.submitted_directory": str(folder / "submitted"),
        "CourseDirectory.autograded_directory": str(folder / "autograded"),
        "CourseDirectory.feedback_directory": str(folder / "feedback"),
        "CourseDirectory.release_directory": str(folder / "release"),
        "CourseDirectory.db_url": f"sqlite:///{db}",
    }


def _files_under(folder: Path) -> dict[str, bytes]:
    """The plain files under ``folder`` (relative path -> bytes); links are not followed."""
    files = {}
    for dirpath, _dirs, filenames in os.walk(folder):
        for name in filenames:
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                files[str(path.relative_to(folder))] = path.read_bytes()
    return files


def _api(folder: Path, db: Path, settings: dict | None = None):
    """nbgrader's API in this process, on the course config with its working folders under
    ``folder``, the gradebook ``db`` and ``settings`` ({"Class.trait": value})."""
    import copy

    from nbgrader.apps import NbGraderAPI

    cfg = copy.deepcopy(_BASE_CONFIG)
    for key, value in {**working_paths(folder, db), **(settings or {})}.items():
        section, trait = key.rsplit(".", 1)
        cfg[section][trait] = value
    return NbGraderAPI(config=cfg)


def prepare_task(assignment: str, out: str, dbs: list[str]) -> dict:
    """Register ``assignment`` (generate_assignment: its cells and checksums) in each of the
    gradebooks ``dbs``, with nbgrader's working folders under ``out``; in a grading worker,
    which imported nbgrader already (:meth:`Grader.prepare`)."""
    import warnings

    if _BASE_CONFIG is None:
        _setup_process(str(ROOT), quiet=False)
    log = ""
    for db in map(Path, dbs):
        new_gradebook(db)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module="sqlalchemy")
            result = _api(Path(out), db).generate_assignment(assignment, force=True, create=True)
        log += (result.get("log") or "") + (result.get("error") or "")
        if not result.get("success"):
            return {"ok": False, "log": log}
    return {"ok": True, "log": log}


def autograde_task(task: dict) -> dict:
    """Autograde one submission and write its feedback. ``task``: assignment, student,
    notebook (bytes), extras (EXCHANGE_FILES: name -> bytes), gradebook (bytes), settings
    (nbgrader config values). Returns ok, files (the autograded folder: relative path ->
    bytes), feedback (the feedback folder, likewise), rows (this student's grades:
    gradebook_rows), verdict (the pipeline's, from the autograded notebook), log, host,
    seconds. The feedback is nbgrader's generate_feedback on the worker, from the worker's
    gradebook (the same scores the merge writes), so feedback costs no serial step."""
    import socket
    import tempfile
    import warnings

    start = time.perf_counter()
    if _BASE_CONFIG is None:          # a Dask worker: this process's own checkout
        _setup_process(str(ROOT), quiet=False)
    assignment, student = task["assignment"], task["student"]
    with tempfile.TemporaryDirectory(prefix="nnlib-autograde-") as tmp:
        tmp = Path(tmp)
        submitted = tmp / "submitted" / student / assignment
        submitted.mkdir(parents=True)
        (submitted / f"{assignment}.ipynb").write_bytes(task["notebook"])
        for name, blob in (task.get("extras") or {}).items():
            if name in EXCHANGE_FILES and len(blob) <= MAX_EXCHANGE_FILE:
                (submitted / name).write_bytes(blob)
        db = tmp / "gradebook.db"
        db.write_bytes(task["gradebook"])
        with warnings.catch_warnings():   # nbgrader's add/remove cycle: SQLAlchemy's noise
            warnings.filterwarnings("ignore", module="sqlalchemy")
            warnings.filterwarnings("ignore", message=".*not in session")
            api = _api(tmp, db, task["settings"])
            result = api.autograde(assignment, student, force=True, create=True)
            feedback_log = ""
            if result.get("success"):
                made = api.generate_feedback(assignment, student, force=True)
                if not made.get("success"):
                    feedback_log = (made.get("log") or "") + (made.get("error") or "")
        files = _files_under(tmp / "autograded" / student / assignment)
        feedback = _files_under(tmp / "feedback" / student / assignment)
        rows = gradebook_rows(db, assignment, student) if result.get("success") else None
        verdict = None
        notebook = files.get(f"{assignment}.ipynb")
        if notebook is not None:
            try:
                verdict = json.loads(notebook).get("metadata", {}).get(VERDICT_KEY)
            except ValueError:
                pass
        return {"ok": bool(result.get("success")), "files": files, "feedback": feedback,
                "rows": rows, "verdict": verdict,
                "log": (result.get("log") or "") + (result.get("error") or "") + feedback_log,
                "host": socket.gethostname(), "seconds": time.perf_counter() - start}


class LocalRunner:
    """The embedded default: ``jobs`` spawned processes on this machine run autograde_task."""

    def __init__(self, jobs: int):
        self.slots = max(1, jobs)
        self.lock = threading.Lock()
        self.pool: ProcessPoolExecutor | None = None
        self.where = f"{self.slots} job(s)"
        self.aborted = False

    def start(self) -> ProcessPoolExecutor | None:
        """The pool, started if need be (None once the run was stopped)."""
        import multiprocessing

        with self.lock:
            if self.pool is None and not self.aborted:
                self.pool = ProcessPoolExecutor(
                    max_workers=self.slots, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_worker_init, initargs=(str(ROOT),))
            return self.pool

    def warm(self) -> None:
        """Start the workers now (each imports nbgrader and reads the config), so that they
        are ready when the gradebook is: nothing to wait for."""
        pool = self.start()
        if pool is not None:
            for _ in range(self.slots):
                pool.submit(os.getpid)

    def call(self, fn, *args, timeout: float | None = None):
        """``fn(*args)`` in a worker of the pool (the first one ready)."""
        pool = self.start()
        if pool is None:
            raise RuntimeError("the run was stopped")
        return pool.submit(fn, *args).result(timeout=timeout)

    def stop(self, abort: bool = False) -> None:
        with self.lock:
            pool, self.pool = self.pool, None
            self.aborted = self.aborted or abort
        if pool is None:
            return
        if abort:                          # Ctrl-C: the kernels die with their worker
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.kill()
        pool.shutdown(wait=not abort, cancel_futures=True)

    def run(self, task: dict, timeout: float) -> dict:
        """A worker that dies is replaced and the submission tried once more, then failed
        (the others are never lost). Raises TimeoutError past ``timeout`` seconds."""
        for attempt in (1, 2):
            pool = self.start()
            if pool is None:
                return {"ok": False, "log": "Cancelled: the run was stopped\n"}
            try:
                return pool.submit(autograde_task, task).result(timeout=timeout)
            except BrokenProcessPool:
                with self.lock:
                    if self.pool is pool:       # the first thread to notice replaces it
                        pool.shutdown(wait=False, cancel_futures=True)
                        self.pool = None
        return {"ok": False, "log": "BrokenProcessPool: the grading worker died twice while "
                                    "grading it\n"}


class Grader:
    """One grading run for one assignment, with its working folders under ``out``."""

    def __init__(self, assignment: str, out: Path | None = None, *, cell_timeout: int | None = None,
                 sandbox: bool = True, timeout: float = 1800, wall: float | None = None,
                 runner=None, threads: int = 0):
        self.assignment = assignment
        self.out = Path(out or GRADING / assignment).resolve()
        self.cell_timeout = cell_timeout
        self.sandbox = sandbox
        self.timeout = timeout              # the instructor's side stops waiting after this
        self.wall = wall                    # seconds for a whole notebook, on the worker
        self.db = self.out / "gradebook.db"
        self.prepared_db = self.out / "work" / "prepared.db"
        self.prepared = b""                 # the gradebook each task starts from
        self.records = self.out / "graded.jsonl"
        self.merge_lock = threading.Lock()
        self.merger: Merger | None = None     # open from prepare() to close()
        self.merge_seconds = 0.0
        self.runner = runner or LocalRunner(1)
        self.threads = threads              # per kernel (GuardedExecute.threads); 0: defaults

    def settings(self) -> dict:
        """The nbgrader settings of this run, sent with every task."""
        s: dict = {"OverwriteCells.add_missing_cells": True}
        if self.cell_timeout:
            s["Execute.timeout"] = int(self.cell_timeout)
        if not self.sandbox:
            s["GuardedExecute.sandbox"] = False
        if self.wall:
            s["GuardedExecute.wall"] = float(self.wall)
        if self.threads:
            s["GuardedExecute.threads"] = int(self.threads)
        return s

    def fingerprint(self) -> str:
        """What a resumed run must share with the run it continues: the assignment's
        solution (its tests and points), the nbgrader config and this run's settings."""
        h = hashlib.sha256()
        for path in (solution(self.assignment), ROOT / "nbgrader_config.py"):
            h.update(path.read_bytes())
        same = {k: v for k, v in self.settings().items()          # threads change no grade
                if k != "GuardedExecute.threads"}
        h.update(json.dumps(same, sort_keys=True).encode())
        return h.hexdigest()

    # ------------------------------------------------------------ set-up
    def overrides(self, db: Path | None = None) -> dict[str, str]:
        return working_paths(self.out, db or self.db)

    def prepare(self) -> None:
        """Register the assignment (test cells, checksums) in a fresh gradebook that every
        task starts from, and in the run's gradebook (created from it on a first run)."""
        self.out.mkdir(parents=True, exist_ok=True)
        self.prepared_db.parent.mkdir(parents=True, exist_ok=True)
        self.prepared_db.unlink(missing_ok=True)
        dbs = [self.prepared_db] + ([self.db] if self.db.exists() else [])
        if isinstance(self.runner, LocalRunner):     # in a worker, which has nbgrader loaded
            done = self.runner.call(prepare_task, self.assignment, str(self.out),
                                    [str(db) for db in dbs], timeout=self.timeout)
            if not done["ok"]:
                raise SystemExit(f"could not register {self.assignment} in the "
                                 f"gradebook:\n{done['log']}")
        else:                     # a cluster's workers have their own checkout: here
            for db in dbs:
                new_gradebook(db)
                proc = nbgrader("generate_assignment", self.assignment, "--force", "--create",
                                **self.overrides(db))
                if proc.returncode != 0:
                    raise SystemExit(f"could not register {self.assignment} in the "
                                     f"gradebook:\n{proc.stdout}{proc.stderr}")
        if not self.db.exists():
            shutil.copy2(self.prepared_db, self.db)
        self.prepared = self.prepared_db.read_bytes()
        self.merger = Merger(self.db, self.assignment)
        import matplotlib.font_manager  # noqa: F401  (build the font cache outside the sandbox)

    def stage(self, sub: Submission, data: bytes | None = None) -> bytes:
        """Copy the submission into submitted/ (a plain file: checked again, never through a
        link) and clear its earlier results; return its bytes."""
        if data is None:
            data = read_plain(sub.source)
        dest = self.out / "submitted" / sub.student / self.assignment
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        for step in ("autograded", "feedback"):
            old = self.out / step / sub.student / self.assignment
            if old.is_symlink() or old.is_file():
                old.unlink()
            elif old.exists():
                shutil.rmtree(old)
        (dest / f"{self.assignment}.ipynb").write_bytes(data)
        for path in sub.extras:
            blob = read_plain(path)
            if len(blob) <= MAX_EXCHANGE_FILE:
                (dest / path.name).write_bytes(blob)
        return data

    # ------------------------------------------------------------ one submission
    def grade_one(self, sub: Submission, data: bytes | None = None) -> Result:
        """Stage, autograde (in a worker: local or Dask), merge. Never raises."""
        start = time.perf_counter()
        try:
            data = self.stage(sub, data)
            result = self._autograde(sub, data)
        except Exception as exc:  # noqa: BLE001 - one submission never stops the batch
            result = Result(sub.student, "failed",
                            message=f"the grader could not handle it: {type(exc).__name__}: "
                                    f"{str(exc)[:200]}")
        result.seconds = time.perf_counter() - start
        return result

    def _autograde(self, sub: Submission, data: bytes) -> Result:
        work = self.out / "work" / sub.student
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        staged = self.out / "submitted" / sub.student / self.assignment
        extras = {name: (staged / name).read_bytes() for name in EXCHANGE_FILES
                  if (staged / name).is_file() and not (staged / name).is_symlink()}
        task = {"assignment": self.assignment, "student": sub.student, "notebook": data,
                "extras": extras, "gradebook": self.prepared, "settings": self.settings()}
        try:
            outcome = self.runner.run(task, self.timeout)
        except TimeoutError:
            outcome = {"ok": False, "log": "TimeoutExpired: grading took too long\n"}
        log_path = work / "autograde.log"
        log_path.write_text(outcome.get("log") or "")
        self._write_files("autograded", sub.student, outcome.get("files") or {})
        self._write_files("feedback", sub.student, outcome.get("feedback") or {})
        log_text = _tail(log_path)
        done = self.out / "autograded" / sub.student / self.assignment / f"{self.assignment}.ipynb"
        if not outcome.get("ok") or not done.is_file() or done.is_symlink() \
                or not outcome.get("rows"):
            return Result(sub.student, "failed", message=_reason(log_text))
        verdict = outcome.get("verdict")
        if not isinstance(verdict, dict) or verdict.get("status") not in (
                "graded", "flagged", "crashed"):
            return Result(sub.student, "failed", message="the grading pipeline left no verdict "
                          "(is nbgrader_config.py the course's?)")
        result = Result(sub.student, verdict["status"], flags=list(verdict.get("flags", [])))
        parts = list(verdict.get("reasons", []))
        if result.flags:
            parts.append("needs review: " + "; ".join(result.flags[:4]) + (
                f" (+{len(result.flags) - 4} more)" if len(result.flags) > 4 else ""))
        if result.status == "crashed":
            parts.append("graded up to that cell, later tests score 0")
        result.message = "; ".join(dict.fromkeys(parts))
        with self.merge_lock:
            t = time.perf_counter()
            self.merger.apply(sub.student, outcome["rows"])
            self.merge_seconds += time.perf_counter() - t
            self._record(result, data)
        return result

    def close(self) -> None:
        if self.merger is not None:
            self.merger.close()
            self.merger = None

    def _write_files(self, step: str, student: str, files: dict[str, bytes]) -> None:
        """A worker's files for ``step`` (autograded, feedback) of one student's submission."""
        dest = self.out / step / student / self.assignment
        for rel, data in files.items():
            parts = Path(rel).parts
            if not parts or Path(rel).is_absolute() or ".." in parts:
                raise ValueError(f"the worker returned a file outside the submission: {rel!r}")
            path = dest.joinpath(*parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    # ------------------------------------------------------------ resume
    def _record(self, result: Result, data: bytes) -> None:
        """One line per merged submission: what --resume may skip (called under merge_lock)."""
        line = {"student": result.student, "sha256": hashlib.sha256(data).hexdigest(),
                "setup": self._fingerprint, "status": result.status, "message": result.message,
                "flags": result.flags, "seconds": round(time.perf_counter() - self._t0, 3)}
        with self.records.open("a") as f:
            f.write(json.dumps(line) + "\n")

    _fingerprint = ""
    _t0 = 0.0

    def start_run(self, resume: bool) -> dict[str, dict]:
        """Start the record of this run; with ``resume``, the records of the run it continues
        (the last per student) made with the same assignment and settings."""
        self._fingerprint, self._t0 = self.fingerprint(), time.perf_counter()
        earlier: dict[str, dict] = {}
        if resume and self.records.is_file():
            for text in self.records.read_text().splitlines():
                try:
                    line = json.loads(text)
                except ValueError:
                    continue             # a line cut short when the run was stopped
                if isinstance(line, dict) and line.get("setup") == self._fingerprint:
                    earlier[line.get("student")] = line
        elif self.records.exists():
            self.records.unlink()
        if earlier:                       # keep only what is still true, for the next resume
            self.records.write_text("".join(json.dumps(v) + "\n" for v in earlier.values()))
        return earlier

    def already_graded(self, sub: Submission, data: bytes, earlier: dict[str, dict]) -> Result | None:
        """The recorded result of ``sub``, when it was merged from these very bytes."""
        line = earlier.get(sub.student)
        done = self.out / "autograded" / sub.student / self.assignment / f"{self.assignment}.ipynb"
        if not line or line.get("sha256") != hashlib.sha256(data).hexdigest() \
                or not done.is_file():
            return None
        return Result(sub.student, line["status"], message=line.get("message", ""),
                      flags=list(line.get("flags", [])))

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
        """HTML feedback through nbgrader's generate_feedback (RedactFeedback in its pipeline)
        for each graded submission whose worker did not write it (the workers write it with
        the grading, autograde_task); one at a time, so that one broken notebook never costs
        the others their feedback."""
        graded = [r for r in results if r.status != "failed" and not (
            self.out / "feedback" / r.student / self.assignment / f"{self.assignment}.html"
        ).is_file()]
        problems = []
        for r in graded:
            one = nbgrader("generate_feedback", self.assignment, "--force",
                           f"--student={r.student}", **self.overrides())
            if one.returncode != 0:
                problems.append(f"{r.student}: {_reason(one.stdout + one.stderr)}")
        return "; ".join(problems)

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


def gradebook_rows(db: Path, assignment: str, student: str) -> dict | None:
    """One student's autograded submission in a gradebook, as plain data (None if absent):
    what a worker sends back and the merge writes into the run's gradebook."""
    import warnings

    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{db}") as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            s = gb.find_submission(assignment, student)
        except MissingEntry:
            return None
        return {"timestamp": s.timestamp, "notebooks": {nb.name: {
            "flagged": nb.flagged,
            "grades": {g.name: (g.auto_score, g.manual_score, g.extra_credit,
                                g.needs_manual_grade) for g in nb.grades},
            "comments": {c.name: (c.auto_comment, c.manual_comment) for c in nb.comments},
        } for nb in s.notebooks}}


class Merger:
    """Writes submissions into the run's one gradebook, which it keeps open for the run: the
    instructor's serial step. It reuses one SQLAlchemy session (compiled queries, loaded
    cells), and the gradebook is in write-ahead-log mode while it is open, so a commit does not
    wait for the disk (a crash of the grader loses nothing; a power cut may lose the last
    merges, which --resume then grades again). Opening the gradebook, removing and re-adding
    each submission and syncing every commit cost 0.5 s per submission, growing with the
    gradebook; this costs milliseconds (README, "Grading on a cluster")."""

    def __init__(self, db: Path, assignment: str):
        import sqlite3

        from nbgrader.api import Gradebook
        from sqlalchemy import event

        self.assignment, self.path = assignment, Path(db)
        with sqlite3.connect(self.path) as con:
            con.execute("pragma journal_mode=wal")
        con.close()
        from sqlalchemy.orm import scoped_session, sessionmaker

        self.gb = Gradebook(f"sqlite:///{self.path}")
        event.listen(self.gb.engine, "connect",
                     lambda dbapi_con, _rec: dbapi_con.execute("pragma synchronous=normal"))
        self.gb.db.remove()
        self.gb.engine.dispose()           # connections from now on get the pragma
        # one session for the run, whichever thread merges (they take turns under the
        # grader's merge lock), that keeps what it loaded after a commit: nothing else
        # writes this gradebook while the run is merging
        self.gb.db = scoped_session(sessionmaker(bind=self.gb.engine, autoflush=True,
                                                 expire_on_commit=False, future=True),
                                    scopefunc=lambda: self)

    def close(self) -> None:
        import sqlite3

        self.gb.close()
        with sqlite3.connect(self.path) as con:   # back to one file for formgrader and copies
            con.execute("pragma journal_mode=delete")
        con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def apply(self, student: str, rows: dict) -> None:
        import warnings

        from nbgrader.api import MissingEntry

        gb, a = self.gb, self.assignment
        with warnings.catch_warnings():
            # nbgrader's own remove/add cycle makes SQLAlchemy warn about detached objects
            warnings.simplefilter("ignore")
            try:
                try:
                    gb.find_student(student)
                except MissingEntry:
                    gb.add_student(student)
                try:
                    sub = gb.find_submission(a, student)
                except MissingEntry:
                    sub = gb.add_submission(a, student, timestamp=rows["timestamp"])
                if not self._fill(sub, rows):   # cells the old submission lacks: start anew
                    gb.db.rollback()
                    gb.remove_submission(a, student)
                    sub = gb.add_submission(a, student, timestamp=rows["timestamp"])
                    if not self._fill(sub, rows):
                        raise MissingEntry(f"the gradebook lacks cells of {student}'s grades")
                gb.db.commit()
            except BaseException:
                gb.db.rollback()
                raise

    @staticmethod
    def _fill(sub, rows: dict) -> bool:
        sub.timestamp = rows["timestamp"]
        notebooks = {nb.name: nb for nb in sub.notebooks}
        for name, data in rows["notebooks"].items():
            nb = notebooks.get(name)
            if nb is None:
                return False
            nb.flagged = data["flagged"]
            grades = {g.name: g for g in nb.grades}
            comments = {c.name: c for c in nb.comments}
            if not (set(data["grades"]) <= set(grades) and set(data["comments"]) <= set(comments)):
                return False
            for gname, (auto, manual, extra, needs) in data["grades"].items():
                g = grades[gname]
                g.auto_score, g.manual_score = auto, manual
                g.extra_credit, g.needs_manual_grade = extra, needs
            for cname, (auto, manual) in data["comments"].items():
                comments[cname].auto_comment, comments[cname].manual_comment = auto, manual
        return True


def merge(private_db: Path, main_db: Path, assignment: str, student: str) -> None:
    """Copy one student's autograded submission from a private gradebook into the main one."""
    rows = gradebook_rows(private_db, assignment, student)
    if rows is None:
        from nbgrader.api import MissingEntry
        raise MissingEntry(f"no submission of {student} in {private_db}")
    with Merger(main_db, assignment) as m:
        m.apply(student, rows)


def _tail(path: Path, limit: int = 64 << 10) -> str:
    with open(path, "rb") as f:
        f.seek(max(0, os.fstat(f.fileno()).st_size - limit))
        return f.read().decode(errors="replace")


def _reason(log: str) -> str:
    """A one-line reason for a failed autograde, from nbgrader's log."""
    checks = [
        (r"KilledWorker|BrokenProcessPool", "the grading worker died twice while grading it"),
        (r"cannot sandbox student code", "the worker cannot sandbox student code"),
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


class Progress:
    """done/total and an estimate of the time left: one line per finished submission, under a
    tqdm bar when ``stream`` is a terminal."""

    def __init__(self, total: int, stream, done: int = 0):
        self.total, self.done, self.stream = total, done, stream
        self.start_done, self.t0 = done, time.perf_counter()
        self.bar = None
        if getattr(stream, "isatty", lambda: False)():
            from tqdm import tqdm
            self.bar = tqdm(total=total, initial=done, file=stream, unit="submission",
                            smoothing=0.1, dynamic_ncols=True)

    def eta(self) -> str:
        elapsed = time.perf_counter() - self.t0
        graded = self.done - self.start_done
        left = elapsed / graded * (self.total - self.done) if graded else 0.0
        return f"{elapsed:.0f} s so far, about {_duration(left)} left"

    def line(self, text: str) -> None:
        self.done += 1
        text = f"[{self.done}/{self.total}] {text} | {self.eta()}"
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
            self.bar.update(1)
        else:
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


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
          id_pattern: str | None = None, stream=sys.stdout, *, jobs: int | None = None,
          sandbox: bool | None = None, cell_timeout: int | None = None,
          scheduler: str | None = None, resume: bool = False,
          timeout: float | None = None) -> int:
    """Grade every submission in ``folder``; return the exit status.

    0: all graded; 1: some submission failed or was flagged for review; 2: cannot grade here;
    130: stopped (Ctrl-C; run again with ``resume=True`` to grade the rest).
    ``sandbox=None`` means: use the sandbox, and refuse to grade if it is unavailable (here,
    or on any worker of the Dask cluster at ``scheduler``). ``resume``: skip the submissions
    that an earlier run with the same ``out`` merged from the same bytes and settings.
    ``timeout``: seconds a whole notebook may run (GuardedExecute.wall, on the worker).
    """
    assignment = resolve([assignment])[0]
    if not solution(assignment).is_file():
        raise SystemExit(f"no solution notebook for {assignment}")
    if timeout is not None and timeout <= 0:
        raise SystemExit(f"--timeout must be a positive number of seconds, got {timeout}")
    check_sandbox = sandbox is None or bool(sandbox)
    if check_sandbox:
        ok, why = sandbox_mod.available()
        if not ok and scheduler is None:
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
    if scheduler is not None:
        from .cluster import DaskRunner
        runner = DaskRunner(scheduler)
        refusal = runner.check(sandbox=bool(sandbox))
        if refusal:
            runner.stop()
            print(f"grade: {refusal}", file=stream)
            return 2
    else:
        runner = LocalRunner(max(1, jobs or os.cpu_count() or 1))
    wall = float(timeout) if timeout else None
    # local kernels share this machine's cores: each gets its share of threads
    threads = 0 if scheduler is not None else max(1, (os.cpu_count() or 1) // runner.slots)
    grader = Grader(assignment, out, cell_timeout=cell_timeout, sandbox=bool(sandbox),
                    runner=runner, wall=wall, threads=threads,
                    timeout=max(1800.0, 2 * (wall or 0) + 4 * (cell_timeout or 120)))
    t0 = time.perf_counter()
    if scheduler is None:
        runner.warm()                 # the workers start while the gradebook is prepared
    grader.prepare()
    earlier = grader.start_run(resume)
    results: list[Result] = []
    todo: list[Submission] = []
    skipped = 0
    for sub in subs:
        if sub.problem:
            results.append(Result(sub.student, "failed", message=sub.problem))
            continue
        known = None
        if earlier:
            try:
                known = grader.already_graded(sub, read_plain(sub.source), earlier)
            except (OSError, ValueError):
                pass                      # grade_one says why
        if known is not None:
            results.append(known)
            skipped += 1
        else:
            todo.append(sub)
    print(f"Grading {len(todo)} submission(s) of {assignment} on {runner.where}, sandbox "
          f"{'on' if sandbox else 'OFF'}"
          + (f" ({skipped} already graded, kept from the run being resumed)" if skipped else ""),
          file=stream, flush=True)
    progress = Progress(len(subs), stream, done=len(results))
    runner.start()
    # one thread per slot: stage, send, receive, merge; a slot or two more keep the workers
    # busy while the instructor's side writes and merges
    threads = runner.slots + (2 if scheduler is not None else 0)
    pool = ThreadPoolExecutor(max_workers=threads)
    stopped = False
    try:
        futures = {pool.submit(grader.grade_one, sub): sub for sub in todo}
        for future in as_completed(futures):
            try:
                r = future.result()
            except Exception as exc:  # noqa: BLE001 - grade_one never raises; belt and braces
                r = Result(futures[future].student, "failed", message=f"grader error: {exc}")
            results.append(r)
            progress.line(f"{r.student}: {r.status}" + (f" ({r.message})" if r.message else "")
                          + f" {r.seconds:.1f} s")
    except KeyboardInterrupt:
        stopped = True
        pool.shutdown(wait=False, cancel_futures=True)
        runner.stop(abort=True)
        progress.close()
        grader.close()
        done = sum(1 for r in results if r.status != "failed")
        print(f"\ngrade: stopped; {done} of {len(subs)} submission(s) are graded and merged "
              f"in {grader.out}.\n  Run the same command with --resume to grade the rest.",
              file=stream, flush=True)
        return 130
    finally:
        if not stopped:
            pool.shutdown(wait=True)
            runner.stop()
    progress.close()
    grader.close()
    try:
        grader.scores(results)
    except Exception as exc:  # noqa: BLE001 - still write the CSV with what is known
        print(f"warning: could not read the scores from the gradebook: {exc}", file=stream)
    t_feedback = time.perf_counter()
    try:
        problem = grader.feedback(results)     # only what the workers could not write
    except Exception as exc:  # noqa: BLE001
        problem = f"{type(exc).__name__}: {exc}"
    t_feedback = time.perf_counter() - t_feedback
    csv_path = grader.write_csv(results)
    print_table(assignment, results, stream)
    elapsed = time.perf_counter() - t0
    print(f"\nGrades: {csv_path}\nFeedback: {grader.out / 'feedback'}\n"
          f"Total {elapsed:.1f} s for {len(subs)} submission(s): "
          f"{elapsed / len(subs):.2f} s per submission on {runner.where}"
          + (f"; merging {1000 * grader.merge_seconds / len(todo):.0f} ms per submission"
             if todo else "") + f"; feedback {t_feedback:.1f} s", file=stream)
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
