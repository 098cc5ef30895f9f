"""The class report: what the class got wrong, counted by name, and which submissions look copied.

``python -m nnlib.course report -a 01`` (after ``grade``) reads the grading folder
(``.grading/<assignment>/``: the gradebook, ``grades.csv`` and the autograded notebooks) and
writes, in ``<folder>/report/`` and ``report.html`` beside it:

* ``exercises.csv``: per exercise, the points, the mean, and how many students got full,
  partial and zero marks (a plot of the score distribution in the HTML);
* ``mistakes.csv``: the named mistakes counted across the class, most common first, with
  the exercise and the message the students saw; failures that name no mistake are counted
  as *unnamed*;
* ``checks.csv``: the checks that failed most, each a line of a test cell; a *hidden* check
  that most of the graded class fails is flagged (the instructions, not the students, may
  be wrong);
* ``similarity.csv``: pairs of submissions whose answer cells are alike, with side-by-side
  excerpts of the top pairs in the HTML;
* ``grades_per_cell.csv``: one row per student, one column per graded cell (test cells;
  written answers once hand-graded in formgrader), and the totals;
* ``canvas.csv`` and ``moodle.csv``: the total in the column layouts the two gradebooks
  import (see :func:`write_canvas` and :func:`write_moodle`).

**Named mistakes.** A check that recognises a known mistake ends its message with
``[mistake: <id>]`` (``nnlib.check.mistake_id``). Only the error output of a *test cell*
is read (cells.py tells roles; the grader restored those cells from the gradebook), only
when the gradebook gives that cell less than its points, and only an id that the solution's
own test cell can print (its ``mistakes={...}`` labels): a student who prints or raises an
id changes at most the description of their own failed cell, never a score and never
another student's record. An id the test cell cannot print counts as unnamed.

**Similarity** uses copydetect (winnowing over the tokenised code, as MOSS does; names,
strings and comments do not count, so renamed variables do not hide a copy). Chosen over
pycode_similar (AST diff per function, unmaintained since 2020, no excluded text), Dolos and
JPlag (Node.js and Java programs, not a library of this environment) and MOSS (a web
service: students' code would leave the grading machine): copydetect is a small pure-Python
library (MIT, numpy and pygments), offline, with excluded ("boilerplate") code built in. Each student's
answer cells are one document. Excluded: the released template (the stubs), the given code
(every other code cell of the release) and the reference solution's answers, so that blank
answers and correct answers written as in the solution never count, and fingerprints shared
by more than ``max(10, 20 %)`` of the class (a common mistake is not evidence of copying).
A pair's *similarity* is the larger of the two shares: the part of a student's own code
(the template excluded, solution-like code included) whose fingerprints are found in the
other's, counting only fingerprints that are not excluded. So an answer that differs from
the solution by one shared mistake is barely similar, a notebook of the same unusual code is
nearly 100 %. A pair is flagged when its similarity is at least ``threshold`` (0.6) and the
shared code is at least ``min_overlap`` (80) tokens of copydetect's filtered code.
"""
from __future__ import annotations

import base64
import csv
import html
import io
import math
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import GRADING, cells, resolve, solution, student

ID_LINE = re.compile(r"^\s*\[mistake: ([a-z0-9][a-z0-9-]{0,63})\]\s*$")
HINT_LINE = re.compile(r"^\s*hint: your answer matches (.+)\.\s*$")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CELL_LINE = re.compile(r"(?:Cell In\s*\[[^\]]*\]|<ipython-input-[^>]*>|File \"[^\"]*\")"
                       r"[^\n]*?line (\d+)")
# Okabe & Ito's colour-blind-safe palette
FULL, PARTIAL, ZERO, BLUE, GREY = "#009E73", "#E69F00", "#D55E00", "#0072B2", "#999999"
UNNAMED, BLANK = "(unnamed)", "(not answered)"


# ---------------------------------------------------------------- reading

@dataclass
class CellScore:
    grade_id: str
    kind: str                  # "test" or "written"
    score: float | None        # None: not graded (a written answer not yet hand-graded)
    max_score: float


@dataclass
class Failure:
    student: str
    exercise: str
    cell: str                  # the test cell's grade_id
    mistake: str | None        # a known id, or None (unnamed)
    label: str | None          # the mistake as the message names it
    message: str               # the first lines of the message the student saw
    line: int | None           # line of the test cell that failed (1-based), None if unknown
    check: str                 # that line's source
    hidden: bool


@dataclass
class Submission:
    student: str
    status: str
    cells: dict[str, CellScore] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)     # exercise -> answer source
    failures: list[Failure] = field(default_factory=list)


@dataclass
class Pair:
    a: str
    b: str
    similarity: float
    sim_a: float
    sim_b: float
    overlap: int
    flagged: bool
    excerpt_a: str = ""
    excerpt_b: str = ""


@dataclass
class Layout:
    """What the solution says about the assignment: cells, exercises, known mistake ids."""
    assignment: str
    test_cells: list[str]
    written_cells: list[str]
    points: dict[str, float]
    exercise_of: dict[str, str]               # test cell -> exercise
    exercises: dict[str, list[str]]           # exercise -> test cells (written: itself)
    known: dict[str, dict[str, str]]          # test cell -> {id: label}
    hidden_from: dict[str, int]               # test cell -> first hidden line (1-based)
    hidden_lines: list[str]                   # hidden-test lines, as feedback removes them
    sources: dict[str, list[str]]             # test cell -> source lines
    template: list[str]                       # the release's code cells: stubs, given code
    reference: list[str]                      # the solution's answers


def _labels(source: str) -> list[str]:
    """The string keys of every ``mistakes={...}`` literal in a test cell."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "mistakes" and isinstance(node.value, ast.Dict):
            for key in node.value.keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    out.append(key.value)
                elif key is not None:
                    try:
                        value = ast.literal_eval(key)
                    except (ValueError, SyntaxError):
                        continue
                    if isinstance(value, str):
                        out.append(value)
    return out


def layout(assignment: str) -> Layout:
    from ..check import mistake_id

    sol = nbformat.read(str(solution(assignment)), as_version=4)
    rel = nbformat.read(str(student(assignment)), as_version=4)
    tests, written, points, exercise_of, known, hidden_from, sources = [], [], {}, {}, {}, {}, {}
    exercises: dict[str, list[str]] = {}
    for ex, idx in cells.exercises(sol).items():
        exercises[ex] = [cells.grade_id(sol.cells[i]) for i in idx]
        for t in exercises[ex]:
            exercise_of[t] = ex
    for cell in sol.cells:
        r, gid = cells.role(cell), cells.grade_id(cell)
        if r == cells.TEST:
            tests.append(gid)
            points[gid] = cells.points(cell)
            exercise_of.setdefault(gid, gid)
            exercises.setdefault(exercise_of[gid], [])
            if gid not in exercises[exercise_of[gid]]:
                exercises[exercise_of[gid]].append(gid)
            known[gid] = {mistake_id(label): label for label in _labels(cell.source)}
            lines = cell.source.splitlines()
            sources[gid] = lines
            hidden_from[gid] = next((i + 1 for i, line in enumerate(lines)
                                     if line.strip() == cells.HIDDEN_BEGIN), len(lines) + 1)
        elif r in (cells.WRITTEN, cells.TASK):
            written.append(gid)
            points[gid] = cells.points(cell)
            exercises[gid] = [gid]
            exercise_of[gid] = gid
    exercises = {ex: ts for ex, ts in exercises.items() if ts}
    from .pipeline import significant, split_hidden

    hidden_lines = significant([h for c in sol.cells if cells.role(c) == cells.TEST
                                for h in split_hidden(c.source)[1]])
    template = [c.source for c in rel.cells if c.cell_type == "code"]
    reference = [_strip_markers(c.source) for c in sol.cells if cells.role(c) == cells.ANSWER]
    return Layout(assignment, tests, written, points, exercise_of, exercises, known,
                  hidden_from, hidden_lines, sources, template, reference)


def _strip_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def _statuses(folder: Path) -> dict[str, str]:
    path = folder / "grades.csv"
    if not path.is_file():
        return {}
    with path.open(newline="") as f:
        return {r["student_id"]: r["status"] for r in csv.DictReader(f)}


def _scores(folder: Path, lay: Layout) -> dict[str, dict[str, CellScore]]:
    """Per student, per graded cell: the score in the gradebook (nbgrader.api, one query)."""
    import warnings

    from nbgrader.api import (Assignment, Grade, GradeCell, Gradebook, SubmittedAssignment,
                              SubmittedNotebook)

    db = folder / "gradebook.db"
    if not db.is_file():
        raise FileNotFoundError(f"no gradebook at {db}: run `python -m nnlib.course grade` first")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Gradebook(f"sqlite:///{db}") as gb:
            rows = (gb.db.query(SubmittedAssignment.student_id, GradeCell.name, GradeCell.max_score,
                                Grade.auto_score, Grade.manual_score, Grade.needs_manual_grade)
                    .select_from(Grade)
                    .join(GradeCell, Grade.cell_id == GradeCell.id)
                    .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                    .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                    .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                    .filter(Assignment.name == lay.assignment).all())
    out: dict[str, dict[str, CellScore]] = defaultdict(dict)
    for student_id, name, max_score, auto, manual, needs_manual in rows:
        if name in lay.test_cells:
            score = manual if manual is not None else auto
            out[student_id][name] = CellScore(name, "test", float(score or 0.0), float(max_score))
        elif name in lay.points:
            score = manual if manual is not None else (None if needs_manual else auto)
            out[student_id][name] = CellScore(name, "written",
                                              None if score is None else float(score),
                                              float(max_score))
    return out


def _message(evalue: str, hidden: list[str]) -> str:
    """The message as the student's feedback shows it: without the id line, without any
    line that quotes a hidden test (pipeline.scrub), at most 8 lines."""
    from .pipeline import scrub

    lines = [line.rstrip() for line in scrub(str(evalue), hidden).splitlines() if line.strip()]
    lines = [line for line in lines if not ID_LINE.match(line)]
    return "\n".join(lines[:8])


def _failed_line(out: dict, source_lines: list[str]) -> int | None:
    text = ANSI.sub("", "\n".join(out.get("traceback") or []))
    for m in CELL_LINE.finditer(text):
        n = int(m.group(1))
        if 1 <= n <= len(source_lines):
            return n
        break
    return None


def read_submission(path: Path, name: str, status: str, lay: Layout,
                    scores: dict[str, CellScore]) -> Submission:
    sub = Submission(name, status, cells=dict(scores))
    try:      # the graded notebook, as written by nbgrader (not validated again: speed)
        import json

        nb = json.loads(path.read_text(encoding="utf-8"))
        if nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
            return sub
        for cell in nb["cells"]:
            if isinstance(cell.get("source"), list):
                cell["source"] = "".join(cell["source"])
    except Exception:  # noqa: BLE001 - a notebook that cannot be read has no answers to show
        return sub
    current = None
    for cell in nb["cells"]:
        if not isinstance(cell, dict):
            continue
        r, gid = cells.role(cell), cells.grade_id(cell)
        if r == cells.ANSWER and cell.get("cell_type") == "code":
            current = gid
            sub.answers[gid] = str(cell.get("source", ""))
            continue
        if r != cells.TEST or gid not in lay.points:
            continue
        cs = scores.get(gid)
        if cs is None or cs.score is None or cs.score >= cs.max_score:
            continue                           # passed (or unknown): nothing to count
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        exercise = lay.exercise_of.get(gid, current or gid)
        if not errors:
            sub.failures.append(Failure(name, exercise, gid, None, None,
                                        "no error: output on stderr, or the cell did not run",
                                        None, "", False))
            continue
        out = errors[0]
        evalue = str(out.get("evalue", ""))
        lines = [line for line in evalue.splitlines() if line.strip()]
        mistake, label = None, None
        if lines:
            m = ID_LINE.match(lines[-1])
            if m and m.group(1) in lay.known.get(gid, {}):
                mistake = m.group(1)
                hints = [HINT_LINE.match(line) for line in lines]
                label = next((h.group(1) for h in hints if h), lay.known[gid][mistake])
        src = lay.sources.get(gid, [])
        line = _failed_line(out, src)
        check = src[line - 1].strip() if line else ""
        hidden = bool(line and line > lay.hidden_from.get(gid, 10 ** 9))
        ename = str(out.get("ename", "Error"))
        sub.failures.append(Failure(name, exercise, gid, mistake, label,
                                    f"{ename}: {_message(evalue, lay.hidden_lines)}", line, check,
                                    hidden))
    return sub


def load(folder: Path, lay: Layout) -> list[Submission]:
    statuses = _statuses(folder)
    scores = _scores(folder, lay)
    names = sorted(set(statuses) | set(scores))
    subs = []
    for name in names:
        status = statuses.get(name, "graded")
        path = folder / "autograded" / name / lay.assignment / f"{lay.assignment}.ipynb"
        if status == "failed" or name not in scores:
            subs.append(Submission(name, "failed"))
            continue
        subs.append(read_submission(path, name, status, lay, scores[name]))
    return subs


# ---------------------------------------------------------------- counting

def exercise_table(subs: list[Submission], lay: Layout) -> list[dict]:
    graded = [s for s in subs if s.status != "failed"]
    rows = []
    for ex, members in lay.exercises.items():
        top = sum(lay.points[c] for c in members)
        scores = []
        for s in graded:
            got = [s.cells.get(c) for c in members]
            if any(g is None or g.score is None for g in got):
                continue
            scores.append(sum(g.score for g in got))
        full = sum(1 for x in scores if x >= top - 1e-9)
        zero = sum(1 for x in scores if x <= 1e-9)
        written = all(c in lay.written_cells for c in members)
        rows.append({"exercise": ex, "kind": "written" if written else "autograded",
                     "points": top, "graded": len(scores),
                     "mean": (sum(scores) / len(scores)) if scores else float("nan"),
                     "full": full, "partial": len(scores) - full - zero, "zero": zero,
                     "scores": scores})
    return rows


def mistake_table(subs: list[Submission], lay: Layout) -> list[dict]:
    graded = sum(1 for s in subs if s.status != "failed")
    named: dict[tuple[str, str], list[Failure]] = defaultdict(list)
    unnamed: dict[str, list[Failure]] = defaultdict(list)
    blank: dict[str, list[Failure]] = defaultdict(list)
    for s in subs:
        for f in s.failures:
            if f.mistake:
                named[(f.exercise, f.mistake)].append(f)
            elif f.message.startswith("NotImplementedError"):
                blank[f.exercise].append(f)      # the stub's raise: not answered
            else:
                unnamed[f.exercise].append(f)
    rows = []
    for (ex, mid), fs in named.items():
        label = Counter(f.label for f in fs).most_common(1)[0][0]
        rows.append({"exercise": ex, "mistake_id": mid, "mistake": label, "count": len(fs),
                     "of": graded, "test_cell": fs[0].cell,
                     "message": Counter(f.message for f in fs).most_common(1)[0][0],
                     "students": sorted({f.student for f in fs})})
    for kind, groups in ((UNNAMED, unnamed), (BLANK, blank)):
        for ex, fs in groups.items():
            rows.append({"exercise": ex, "mistake_id": "", "mistake": kind, "count": len(fs),
                         "of": graded, "test_cell": fs[0].cell,
                         "message": Counter(f.message.splitlines()[0] for f in fs).most_common(1)[0][0],
                         "students": sorted({f.student for f in fs})})
    order = list(lay.exercises)
    rows.sort(key=lambda r: (-r["count"], r["mistake"] in (UNNAMED, BLANK),
                             order.index(r["exercise"]) if r["exercise"] in order else 99,
                             r["mistake_id"]))
    return rows


def check_table(subs: list[Submission], lay: Layout, flag_share: float = 0.5) -> list[dict]:
    graded = sum(1 for s in subs if s.status != "failed")
    groups: dict[tuple, list[Failure]] = defaultdict(list)
    for s in subs:
        for f in s.failures:
            groups[(f.cell, f.line)].append(f)
    rows = []
    for (cell, line), fs in groups.items():
        share = len(fs) / graded if graded else 0.0
        hidden = fs[0].hidden
        rows.append({"exercise": fs[0].exercise, "test_cell": cell, "line": line or "",
                     "hidden": hidden, "check": fs[0].check or "(no line: see the messages)",
                     "count": len(fs), "of": graded, "share": share,
                     "flagged": bool(hidden and share > flag_share),
                     "message": Counter(f.message.splitlines()[0] for f in fs).most_common(1)[0][0]})
    rows.sort(key=lambda r: (-r["count"], r["test_cell"], str(r["line"])))
    return rows


# ---------------------------------------------------------------- similarity

# Between two answers in a student's document: longer than a k-gram once tokenised, so that
# no fingerprint spans two answers (each excluded text is fingerprinted with it on both sides)
SEPARATOR = "\n" + ";" * 32 + "\n"


def _without_separators(text: str) -> str:
    """An excerpt without the separator lines (their marks kept, so tags stay balanced)."""
    lines = [re.sub(";", "", line) if re.fullmatch(r"(?:;|</?mark>)+", line) else line
             for line in text.split("\n")]
    return "\n".join(line for line in lines if line != "").strip("\n")


def _document(sub: Submission, lay: Layout) -> str:
    parts = [f"# {ex}\n{sub.answers[ex].rstrip()}\n" for ex in lay.exercises if ex in sub.answers]
    return SEPARATOR + SEPARATOR.join(parts) + SEPARATOR


def similarity(subs: list[Submission], lay: Layout, *, threshold: float = 0.6,
               min_overlap: int = 80, noise: int = 25, guarantee: int = 30,
               max_share: float = 0.20, top: int = 8) -> tuple[list[Pair], dict]:
    """Pairs of submissions with any shared code beyond the excluded text, most alike first."""
    import numpy as np
    from copydetect import CodeFingerprint, compare_files
    from copydetect.utils import get_token_coverage, highlight_overlap

    win = guarantee - noise + 1

    def hashes(texts):
        out: list = []
        for text in texts:
            out.extend(CodeFingerprint("excluded.py", noise, 1,
                                       fp=io.StringIO(SEPARATOR + text + SEPARATOR)).hashes)
        return np.unique(np.array(out, dtype=np.int64)) if out else np.array([], dtype=np.int64)

    template = hashes(lay.template)
    reference = set(hashes(lay.reference).tolist())
    docs, prints, size = {}, {}, {}
    for s in subs:
        if s.status == "failed" or not s.answers:
            continue
        docs[s.student] = doc = _document(s, lay)
        fp = CodeFingerprint(f"{s.student}.py", noise, win, boilerplate=template,
                             fp=io.StringIO(doc))
        size[s.student] = fp.token_coverage   # the student's own code, solution-like parts too
        prints[s.student] = fp
    n = len(prints)
    limit = max(10, math.ceil(max_share * n))
    df = Counter(h for fp in prints.values() for h in fp.hashes)
    common = {h for h, c in df.items() if c > limit}
    drop = reference | common
    index: dict[int, list[str]] = defaultdict(list)
    for name, fp in prints.items():
        gone = fp.hashes & drop
        if gone:
            fp.hashes = fp.hashes - gone
            for h in gone:
                fp.hash_idx.pop(h, None)
            fp.token_coverage = get_token_coverage(fp.hash_idx, fp.k, len(fp.filtered_code))
        for h in fp.hashes:
            index[h].append(name)
    candidates = set()
    for names in index.values():
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                candidates.add((a, b) if a < b else (b, a))
    pairs = []
    for a, b in candidates:
        overlap, (sa, sb), slices = compare_files(prints[a], prints[b])
        sa = float(min(1.0, sa * prints[a].token_coverage / max(size[a], 1)))
        sb = float(min(1.0, sb * prints[b].token_coverage / max(size[b], 1)))
        sim = max(sa, sb)
        p = Pair(a, b, sim, sa, sb, int(overlap), sim >= threshold and overlap >= min_overlap)
        p.slices = slices  # type: ignore[attr-defined]
        pairs.append(p)
    pairs.sort(key=lambda p: (not p.flagged, -p.overlap, -p.similarity, p.a, p.b))
    for p in pairs[:top]:
        for who, sl, attr in ((p.a, p.slices[0], "excerpt_a"), (p.b, p.slices[1], "excerpt_b")):
            if getattr(sl, "size", 0):
                text, _ = highlight_overlap(docs[who], np.asarray(sl, dtype=int),
                                            "<mark>", "</mark>", truncate=6, escape_html=True)
            else:
                text = html.escape(docs[who])
            setattr(p, attr, _without_separators(text))
    for p in pairs:
        p.__dict__.pop("slices", None)
    info = {"compared": n, "candidates": len(candidates), "common_fingerprints": len(common),
            "common_limit": limit, "threshold": threshold, "min_overlap": min_overlap,
            "noise": noise, "guarantee": guarantee}
    return pairs, info


# ---------------------------------------------------------------- CSV

def _write(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _g(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def totals(sub: Submission, lay: Layout) -> tuple[float, float | None]:
    auto = sum((sub.cells[c].score or 0.0) for c in lay.test_cells if c in sub.cells)
    written = [sub.cells.get(c) for c in lay.written_cells]
    manual = None if any(w is None or w.score is None for w in written) else \
        sum(w.score for w in written)
    return auto, manual


def write_per_cell(path: Path, subs: list[Submission], lay: Layout) -> Path:
    cols = lay.test_cells + lay.written_cells
    rows = []
    for s in subs:
        auto, manual = totals(s, lay)
        rows.append([s.student, s.status]
                    + [_g(s.cells[c].score) if c in s.cells else "" for c in cols]
                    + [_g(auto) if s.status != "failed" else "", _g(manual),
                       _g(auto + manual) if manual is not None and s.status != "failed" else ""])
    header = (["student_id", "status"] + [f"{c} ({lay.points[c]:g})" for c in cols]
              + ["autograded", "written", "total"])
    return _write(path, header, rows)


CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_HEADER = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                 "Grade can be changed", "Last modified (submission)", "Last modified (grade)",
                 "Feedback comments"]


def _lms_name(student_id: str) -> tuple[str, str]:
    """(name, number) of an id that grade made from an LMS file name (``Anna-Berg-12345``)."""
    m = re.fullmatch(r"(.+?)-(\d{3,})", student_id)
    return (m.group(1).replace("-", " "), m.group(2)) if m else (student_id, "")


def write_canvas(path: Path, subs: list[Submission], lay: Layout, title: str) -> Path:
    """Canvas's gradebook import: the columns Student, ID, SIS User ID, SIS Login ID, Section,
    then one column per assignment, and a second row ``Points Possible``. ``ID`` is Canvas's
    user id, the number in Canvas's submission file names (``bergeranna_12345_678_01.ipynb``);
    an id without one goes to ``SIS Login ID``. The column is the total (autograded, plus the
    written answers once all are hand-graded)."""
    auto_max = sum(lay.points[c] for c in lay.test_cells)
    top = auto_max + sum(lay.points[c] for c in lay.written_cells)
    rows = [["Points Possible", "", "", "", "", _g(top)]]
    for s in subs:
        name, number = _lms_name(s.student)
        auto, manual = totals(s, lay)
        score = "" if s.status == "failed" else _g(auto + (manual or 0.0))
        rows.append([name, number, "", "" if number else s.student, "", score])
    return _write(path, CANVAS_HEADER + [title], rows)


def write_moodle(path: Path, subs: list[Submission], lay: Layout) -> Path:
    """Moodle's assignment grading worksheet (Assignment > View all submissions > Upload
    grading worksheet): ``Identifier`` is ``Participant <n>``, n the number in Moodle's
    submission file names (``Anna Berg_12345_assignsubmission_file_...``)."""
    top = sum(lay.points[c] for c in lay.test_cells + lay.written_cells)
    rows = []
    for s in subs:
        name, number = _lms_name(s.student)
        auto, manual = totals(s, lay)
        score = "" if s.status == "failed" else _g(auto + (manual or 0.0))
        note = "autograded; written answers not yet graded" if manual is None and lay.written_cells \
            else "autograded and hand-graded"
        rows.append([f"Participant {number}" if number else s.student, name, "", s.status,
                     score, _g(top), "Yes", "", "", note])
    return _write(path, MOODLE_HEADER, rows)


# ---------------------------------------------------------------- HTML

def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode()


def _plots(ex_rows: list[dict]) -> tuple[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    shown = [r for r in ex_rows if r["graded"]]
    n = max(1, len(shown))
    cols = min(4, n)
    nrows = math.ceil(n / cols)
    fig = Figure(figsize=(3.1 * cols, 2.3 * nrows))
    for i, r in enumerate(shown):
        ax = fig.add_subplot(nrows, cols, i + 1)
        values = Counter(round(x, 3) for x in r["scores"])
        xs = sorted(set(values) | {0.0, r["points"]})
        colours = [ZERO if x <= 0 else FULL if x >= r["points"] else PARTIAL for x in xs]
        hatches = ["//" if x <= 0 else "" if x >= r["points"] else ".." for x in xs]
        bars = ax.bar([f"{x:g}" for x in xs], [values.get(x, 0) for x in xs], color=colours,
                      edgecolor="black", linewidth=0.6)
        for b, h in zip(bars, hatches):
            b.set_hatch(h)
        ax.set_title(r["exercise"], fontsize=9)
        ax.set_xlabel(f"points (of {r['points']:g})", fontsize=8)
        ax.set_ylabel("students", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.tight_layout()
    dist = _png(fig)
    fig = Figure(figsize=(7.5, 0.42 * n + 1.0))
    ax = fig.add_subplot(1, 1, 1)
    names = [r["exercise"] for r in shown][::-1]
    left = [0.0] * len(names)
    for key, colour, hatch, label in (("full", FULL, "", "full marks"),
                                      ("partial", PARTIAL, "..", "partial"),
                                      ("zero", ZERO, "//", "zero")):
        share = [100 * r[key] / r["graded"] for r in shown][::-1]
        ax.barh(names, share, left=left, color=colour, hatch=hatch, edgecolor="black",
                linewidth=0.6, label=label)
        left = [a + b for a, b in zip(left, share)]
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of the graded submissions (%)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25 if n < 4 else -0.12), ncol=3,
              frameon=False)
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    return dist, _png(fig)


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;
     padding:0 1rem;color:#222;line-height:1.4}
h1{font-size:1.6rem} h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f2f2} td.n{text-align:right;font-variant-numeric:tabular-nums}
.flag{background:#fbe3d6;font-weight:600} .muted{color:#666}
pre{margin:0;white-space:pre-wrap;font-size:.8rem}
mark{background:#ffe08a;outline:1px solid #b58900}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:.8rem;margin:.4rem 0 1.4rem}
.pair>div{border:1px solid #ccc;padding:.4rem;overflow:auto;max-height:24rem}
figure{margin:.6rem 0} figcaption{font-size:.85rem;color:#444}
.summary span{display:inline-block;margin-right:1.5rem}
"""


def _e(x) -> str:
    return html.escape(str(x))


def render(lay: Layout, subs: list[Submission], ex_rows, m_rows, c_rows, pairs, sim_info,
           timings: dict) -> str:
    graded = [s for s in subs if s.status != "failed"]
    status = Counter(s.status for s in subs)
    dist, shares = _plots(ex_rows)
    auto_max = sum(lay.points[c] for c in lay.test_cells)
    autos = [totals(s, lay)[0] for s in graded]
    mean = sum(autos) / len(autos) if autos else float("nan")
    out = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
           f"<title>Class report: {_e(lay.assignment)}</title><style>{CSS}</style></head><body>",
           f"<h1>Class report: {_e(lay.assignment)}</h1>",
           "<p class='summary'>" + "".join(
               f"<span><b>{v}</b> {k}</span>" for k, v in
               [("submissions", len(subs))] + sorted(status.items()))
           + f"<span>mean autograded score <b>{mean:.2f}</b> of {auto_max:g}</span></p>"]
    # exercises
    alt = "; ".join(f"{r['exercise']}: {r['full']} full, {r['partial']} partial, {r['zero']} zero"
                    f" of {r['graded']}" for r in ex_rows if r["graded"])
    out.append("<h2 id='exercises'>Exercises</h2>")
    out.append(f"<figure><img src='data:image/png;base64,{dist}' alt='Score distribution per "
               f"exercise (bars: number of students per score; green full, orange dotted "
               f"partial, red hatched zero). {_e(alt)}' style='max-width:100%'>"
               "<figcaption>Score distribution per exercise: students per score (green: full "
               "marks, orange dotted: partial, red hatched: zero). The table below has the "
               "same numbers.</figcaption></figure>")
    out.append(f"<figure><img src='data:image/png;base64,{shares}' alt='Share of full, partial "
               f"and zero marks per exercise. {_e(alt)}' style='max-width:100%'>"
               "<figcaption>Share of full, partial and zero marks per exercise.</figcaption></figure>")
    out.append("<table><tr><th>exercise</th><th>kind</th><th>points</th><th>graded</th>"
               "<th>mean</th><th>full</th><th>partial</th><th>zero</th></tr>")
    for r in ex_rows:
        mean_txt = "not graded yet" if not r["graded"] else f"{r['mean']:.2f}"
        out.append(f"<tr><td>{_e(r['exercise'])}</td><td>{r['kind']}</td><td class=n>{r['points']:g}"
                   f"</td><td class=n>{r['graded']}</td><td class=n>{mean_txt}</td>"
                   + "".join(f"<td class=n>{r[k]} ({100 * r[k] / r['graded']:.0f}%)</td>"
                             if r["graded"] else "<td></td>" for k in ("full", "partial", "zero"))
                   + "</tr>")
    out.append("</table>")
    # mistakes
    out.append("<h2 id='mistakes'>Mistakes, most common first</h2>")
    out.append("<p class='muted'>Named mistakes are recognised by the checks (the last line "
               "<code>[mistake: id]</code> of a failed test cell's message); <i>unnamed</i> "
               "counts the failed test cells that name none, <i>not answered</i> those that stopped at "
               "the template's <code>raise NotImplementedError</code>.</p>")
    out.append("<table><tr><th>mistake</th><th>students</th><th>exercise</th><th>id</th>"
               "<th>message the students saw</th></tr>")
    for r in m_rows:
        out.append(f"<tr><td>{_e(r['mistake'])}</td><td class=n><b>{r['count']}</b> of {r['of']}"
                   f"</td><td>{_e(r['exercise'])}</td><td><code>{_e(r['mistake_id'])}</code></td>"
                   f"<td><pre>{_e(r['message'])}</pre></td></tr>")
    out.append("</table>")
    # checks
    out.append("<h2 id='checks'>Checks failed most</h2>")
    flagged = [r for r in c_rows if r["flagged"]]
    if flagged:
        out.append("<p class='flag'>Most of the class fails the same hidden check in "
                   + ", ".join(_e(r["test_cell"]) for r in flagged)
                   + ": check the instructions and the test before the students' work.</p>")
    out.append("<table><tr><th>test cell</th><th>line</th><th>hidden</th><th>check</th>"
               "<th>students</th><th>first line of the message</th></tr>")
    for r in c_rows[:15]:
        cls = " class='flag'" if r["flagged"] else ""
        out.append(f"<tr{cls}><td>{_e(r['test_cell'])}</td><td class=n>{r['line']}</td>"
                   f"<td>{'hidden' if r['hidden'] else 'visible'}</td><td><code>{_e(r['check'])}"
                   f"</code></td><td class=n>{r['count']} of {r['of']} ({100 * r['share']:.0f}%)"
                   f"{' <b>flagged</b>' if r['flagged'] else ''}</td><td><pre>{_e(r['message'])}"
                   "</pre></td></tr>")
    out.append("</table>")
    # similarity
    out.append("<h2 id='similarity'>Similar submissions</h2>")
    out.append(f"<p class='muted'>copydetect (winnowing, k={sim_info['noise']}) over each "
               f"student's answer cells, {sim_info['compared']} submissions; excluded: the "
               "released template, the given code, the reference solution's answers and code "
               f"found in more than {sim_info['common_limit']} submissions. Flagged: similarity "
               f"&ge; {sim_info['threshold']:.0%} and at least {sim_info['min_overlap']} shared "
               "tokens. Similar code is a reason to look, not proof.</p>")
    top = [p for p in pairs if p.flagged] or pairs[:3]
    out.append("<table><tr><th>pair</th><th>similarity</th><th>share of each found in the "
               "other</th><th>shared tokens</th><th>flagged</th></tr>")
    shown = pairs[:min(50, max(10, len(top)))]
    for p in shown:
        cls = " class='flag'" if p.flagged else ""
        out.append(f"<tr{cls}><td>{_e(p.a)} &amp; {_e(p.b)}</td><td class=n>{p.similarity:.0%}</td>"
                   f"<td class=n>{p.sim_a:.0%} / {p.sim_b:.0%}</td><td class=n>{p.overlap}</td>"
                   f"<td>{'yes' if p.flagged else 'no'}</td></tr>")
    out.append("</table>")
    if len(pairs) > len(shown):
        out.append(f"<p class='muted'>{len(shown)} of {len(pairs)} pairs with shared code shown; "
                   "all are in <code>report/similarity.csv</code>.</p>")
    for p in top[:8]:
        if not (p.excerpt_a or p.excerpt_b):
            continue
        out.append(f"<h3>{_e(p.a)} &amp; {_e(p.b)}: {p.similarity:.0%}</h3><div class='pair'>"
                   f"<div><b>{_e(p.a)}</b><pre>{p.excerpt_a}</pre></div>"
                   f"<div><b>{_e(p.b)}</b><pre>{p.excerpt_b}</pre></div></div>")
    out.append("<h2>Files</h2><p>exercises.csv, mistakes.csv, checks.csv, similarity.csv, "
               "grades_per_cell.csv, canvas.csv, moodle.csv (in <code>report/</code>). "
               + f"Report built in {timings.get('total', 0):.1f} s.</p></body></html>")
    return "\n".join(out)


# ---------------------------------------------------------------- entry point

def report(assignment: str, folder: Path | None = None, *, threshold: float = 0.6,
           min_overlap: int = 80, stream=None) -> Path:
    """Write the report for a graded assignment; return the path of report.html."""
    import sys

    stream = stream or sys.stdout
    t0 = time.perf_counter()
    assignment = resolve([assignment])[0]
    folder = Path(folder or GRADING / assignment)
    lay = layout(assignment)
    subs = load(folder, lay)
    if not subs:
        raise ValueError(f"no graded submissions in {folder}: run `python -m nnlib.course grade` first")
    t_load = time.perf_counter()
    ex_rows, m_rows, c_rows = exercise_table(subs, lay), mistake_table(subs, lay), check_table(subs, lay)
    pairs, info = similarity(subs, lay, threshold=threshold, min_overlap=min_overlap)
    t_sim = time.perf_counter()
    out = folder / "report"
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "exercises.csv", ["exercise", "kind", "points", "graded", "mean", "full",
                                   "partial", "zero"],
           [[r["exercise"], r["kind"], _g(r["points"]), r["graded"],
             "" if not r["graded"] else f"{r['mean']:.3f}", r["full"], r["partial"], r["zero"]]
            for r in ex_rows])
    _write(out / "mistakes.csv", ["exercise", "mistake_id", "mistake", "count", "of",
                                  "test_cell", "message", "students"],
           [[r["exercise"], r["mistake_id"], r["mistake"], r["count"], r["of"], r["test_cell"],
             r["message"], " ".join(r["students"])] for r in m_rows])
    _write(out / "checks.csv", ["exercise", "test_cell", "line", "hidden", "check", "count",
                                "of", "share", "flagged", "message"],
           [[r["exercise"], r["test_cell"], r["line"], r["hidden"], r["check"], r["count"],
             r["of"], f"{r['share']:.3f}", r["flagged"], r["message"]] for r in c_rows])
    _write(out / "similarity.csv", ["student_a", "student_b", "similarity", "share_a", "share_b",
                                    "shared_tokens", "flagged"],
           [[p.a, p.b, f"{p.similarity:.3f}", f"{p.sim_a:.3f}", f"{p.sim_b:.3f}", p.overlap,
             p.flagged] for p in pairs])
    write_per_cell(out / "grades_per_cell.csv", subs, lay)
    write_canvas(out / "canvas.csv", subs, lay, assignment)
    write_moodle(out / "moodle.csv", subs, lay)
    timings = {"load": t_load - t0, "similarity": t_sim - t_load}
    timings["total"] = time.perf_counter() - t0
    page = folder / "report.html"
    page.write_text(render(lay, subs, ex_rows, m_rows, c_rows, pairs, info, timings),
                    encoding="utf-8")
    timings["total"] = time.perf_counter() - t0
    print(f"Report: {page}\nTables: {out}\n{len(subs)} submission(s); {len(m_rows)} mistake "
          f"row(s); {sum(p.flagged for p in pairs)} similar pair(s) flagged; "
          f"{timings['total']:.1f} s (similarity {timings['similarity']:.1f} s)", file=stream)
    return page
