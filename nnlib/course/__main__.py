"""Command line: python -m nnlib.course {release,validate,grade,run,pack,unpack} ..."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m nnlib.course",
                                description="Course tooling: release, validate, grade, run.")
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

    x = sub.add_parser("run", help="execute solution notebooks and print seconds per notebook")
    x.add_argument("assignments", nargs="*")
    x.add_argument("--save", action="store_true", help="write the outputs back to solutions/")

    k = sub.add_parser("pack", help="build a solution .ipynb from its text form (see nbtext.py)")
    k.add_argument("text", type=Path)
    k.add_argument("notebook", type=Path)
    u = sub.add_parser("unpack", help="print the text form of a notebook")
    u.add_argument("notebook", type=Path)

    a = p.parse_args(argv)
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
                     cell_timeout=a.cell_timeout)
    if a.command == "run":
        from .run import run
        return run(a.assignments, save=a.save)
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
