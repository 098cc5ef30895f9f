"""Command line: python -m nnlib.course {release,validate,grade,report,run,pack,unpack,student-edition} ...

release, validate, run, pack, unpack and student-edition report every error they expect (a missing file, a
file that is not a notebook, a malformed text form, an unknown assignment, a failed
nbgrader run) as one line on stderr, ``python -m nnlib.course COMMAND: error: ...``, and
exit with status 2; never with a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PROG = "python -m nnlib.course"


def _one_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type name when it has none)."""
    text = str(exc).strip()
    if isinstance(exc, OSError) and exc.filename is not None:
        text = f"{exc.strerror or type(exc).__name__}: {exc.filename}"
    first = text.splitlines()[0] if text else type(exc).__name__
    return first if len(first) <= 300 else first[:297] + "..."


def _expected_errors() -> tuple[type[BaseException], ...]:
    from nbformat.reader import NotJSONError
    from nbformat.validator import ValidationError

    from .release import ReleaseError
    return (OSError, ValueError, json.JSONDecodeError, NotJSONError, ValidationError,
            ReleaseError, KeyError)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog=PROG,
                                description="Course tooling: release, validate, grade, report, run.")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("release", help="regenerate notebooks/ from solutions/ (all, or named ones)")
    r.add_argument("assignments", nargs="*", help="assignment ids or prefixes, e.g. 01")

    v = sub.add_parser("validate", help="run a notebook's tests and print a readable summary")
    v.add_argument("path", type=Path)
    v.add_argument("--timeout", type=int, default=120, help="seconds per cell (default 120)")

    g = sub.add_parser("grade", help="autograde a folder of submissions, write feedback and CSV")
    g.add_argument("submissions", type=Path, help="folder: one sub-folder per student, "
                   "or flat files named <student_id>_....ipynb")
    g.add_argument("--assignment", "-a", required=True, help="assignment id or prefix, e.g. 01")
    g.add_argument("--out", type=Path, default=None,
                   help="working folder (default .grading/<assignment>)")
    g.add_argument("--id-pattern", default=None,
                   help="regex with a group 'student' that finds the id in a flat file name")
    g.add_argument("--jobs", "-j", type=int, default=None,
                   help="submissions graded at a time (default: all cores)")
    g.add_argument("--no-sandbox", action="store_true",
                   help="grade without bubblewrap isolation (student code runs with your rights)")
    g.add_argument("--cell-timeout", type=int, default=None,
                   help="seconds a cell may run (default: nbgrader_config.py, 120)")
    g.add_argument("--timeout", type=float, default=None,
                   help="seconds a whole notebook may run; it is stopped there, on the worker, "
                        "and graded up to that cell (default 900)")
    g.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="grade on the Dask cluster at ADDRESS, e.g. tcp://host:8786 (needs "
                        "pip install -e '.[cluster]'; see the README, 'Grading on a cluster')")
    g.add_argument("--resume", action="store_true",
                   help="continue a stopped run with the same --out: skip the submissions "
                        "already merged from the same file and settings")

    c = sub.add_parser("report", help="after grade: the class report (mistakes counted by name, "
                       "score distributions, similar submissions, per-cell and LMS CSVs)")
    c.add_argument("--assignment", "-a", required=True, help="assignment id or prefix, e.g. 01")
    c.add_argument("--out", type=Path, default=None,
                   help="grading folder of `grade` (default .grading/<assignment>)")
    c.add_argument("--threshold", type=float, default=0.6,
                   help="similarity (0-1) from which a pair is flagged (default 0.6)")
    c.add_argument("--min-overlap", type=int, default=80,
                   help="shared code tokens a flagged pair needs at least (default 80)")

    x = sub.add_parser("run", help="execute solution notebooks and print seconds per notebook")
    x.add_argument("assignments", nargs="*")
    x.add_argument("--save", action="store_true", help="write the outputs back to solutions/")

    k = sub.add_parser("pack", help="build a solution .ipynb from its text form (see nbtext.py)")
    k.add_argument("text", type=Path)
    k.add_argument("notebook", type=Path)
    u = sub.add_parser("unpack", help="print the text form of a notebook")
    u.add_argument("notebook", type=Path)

    e = sub.add_parser("student-edition", help="write a repository for students: notebooks, "
                       "nnlib's core, data; no solutions, hidden tests or grader")
    e.add_argument("dest", type=Path, help="an absent or empty folder outside this repository")

    a = p.parse_args(argv)
    try:
        return _run_command(a)
    except SystemExit as exc:
        if isinstance(exc.code, str):          # resolve(): unknown assignment, one line
            print(f"{PROG} {a.command}: error: {exc.code}", file=sys.stderr)
            return 2
        raise
    except _expected_errors() as exc:
        print(f"{PROG} {a.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 2


def _run_command(a: argparse.Namespace) -> int:
    if a.command == "release":
        from .release import release
        for path in release(a.assignments):
            print(f"released {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
        return 0
    if a.command == "validate":
        from .validate import validate
        return validate(a.path, timeout=a.timeout)
    if a.command == "grade":
        from .grade import grade
        return grade(a.submissions, a.assignment, a.out, a.id_pattern,
                     jobs=a.jobs, sandbox=False if a.no_sandbox else None,
                     cell_timeout=a.cell_timeout, timeout=a.timeout, scheduler=a.scheduler,
                     resume=a.resume)
    if a.command == "report":
        from .report import report
        report(a.assignment, a.out, threshold=a.threshold, min_overlap=a.min_overlap)
        return 0
    if a.command == "run":
        from .run import run
        return run(a.assignments, save=a.save)
    if a.command == "student-edition":
        from .edition import build
        files = build(a.dest)
        print(f"wrote the student edition to {a.dest}: {len(files)} files "
              "(notebooks/, nnlib core, data/, README.md, environment files)")
        return 0
    if a.command == "pack":
        from .nbtext import pack_file
        pack_file(a.text, a.notebook)
        return 0
    if a.command == "unpack":
        from .nbtext import unpack_file
        sys.stdout.write(unpack_file(a.notebook))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
