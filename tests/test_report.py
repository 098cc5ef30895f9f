"""The class report (nnlib/course/report.py).

* fast: which mistake ids the solution's test cells can print (written out by hand here);
  that an id counts only from a failed test cell and only when that cell can print it; the
  flag on a hidden check most of the class fails; the Canvas and Moodle CSV layouts; CLI
  errors are one line;
* slow: a synthetic class of 40 submissions of notebook 01 built from the mutant catalog
  (tests/synthetic_class.py: planted mistakes in known proportions, two rings of near-copies,
  blanks) graded with the real grader, then reported: every named mistake counted exactly,
  the planted copies the top similarity pairs and no honest pair flagged, the HTML opens in
  Chromium with its plots; and the report of a class of 300 (the 40 cloned, not regraded)
  takes under 30 s.
"""
from __future__ import annotations

import csv
import io
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_output

import synthetic_class as sc
from nnlib.course import cells, solution
from nnlib.course import report as rp
from nnlib.course.__main__ import main

A = "01_gradient_descent"


def _rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- fast

def test_the_solution_declares_every_planted_mistake_id():
    lay = rp.layout(A)
    for (exercise, label), (mistake_id, _) in sc.PLANTED.items():
        if mistake_id is None:
            continue
        cell = lay.exercises[exercise][0]
        assert mistake_id in lay.known[cell], (exercise, label, sorted(lay.known[cell]))
    assert lay.test_cells == ["test_least_squares_loss", "test_least_squares_gradient",
                              "test_gradient_descent", "test_cross_entropy_loss",
                              "test_cross_entropy_gradient"]
    assert lay.written_cells == ["learning_rate_answer"]
    src = lay.sources["test_least_squares_loss"]
    assert src[lay.hidden_from["test_least_squares_loss"] - 1].strip() == "### BEGIN HIDDEN TESTS"


def _graded_copy(errors: dict[str, tuple[str, str, int]], extra_outputs=()) -> nbformat.NotebookNode:
    """The solution notebook as if graded: the given test cells failed with (ename, evalue,
    line in the cell); ``extra_outputs`` go into the first plain code cell."""
    nb = nbformat.read(str(solution(A)), as_version=4)
    for cell in nb.cells:
        gid = cells.grade_id(cell)
        if cells.role(cell) == cells.TEST and gid in errors:
            ename, evalue, line = errors[gid]
            cell.outputs = [new_output("error", ename=ename, evalue=evalue, traceback=[
                "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
                f"\x1b[0;31m{ename}\x1b[0m                            Traceback (most recent call last)",
                f"Cell \x1b[0;32mIn[7], line {line}\x1b[0m\n\x1b[1;32m      3\x1b[0m ...",
                f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])]
    plain = next(c for c in nb.cells if c.cell_type == "code" and cells.role(c) == cells.PLAIN)
    plain.outputs = list(extra_outputs)
    return nb


def _scores(lay, failed=()):
    return {c: rp.CellScore(c, "test", 0.0 if c in failed else lay.points[c], lay.points[c])
            for c in lay.test_cells}


MEAN_ID = "the-mean-of-the-squared-residuals-divide-by-nothing-the-loss"
MEAN_MSG = ("least_squares_loss(phi_demo, x_demo, y_demo): wrong value\n  expected 4.5\n"
            "  got      1.5\n  hint: your answer matches the mean of the squared residuals "
            "(divide by nothing: the loss here is a sum).\n  [mistake: " + MEAN_ID + "]")


def test_an_id_counts_only_from_a_failed_test_cell_that_can_print_it(tmp_path):
    lay = rp.layout(A)
    ascent = "gradient-ascent-the-step-adds-the-gradient-instead-of"
    nb = _graded_copy({
        "test_least_squares_loss": ("CheckFailed", MEAN_MSG, 6),
        # an id from another exercise, raised by the student's own code: not this cell's
        "test_least_squares_gradient": ("CheckFailed", f"oops\n[mistake: {ascent}]", 4),
        # a real id in a test cell that the gradebook says passed: nothing to count
        "test_gradient_descent": ("CheckFailed", f"x\n  [mistake: {ascent}]", 5),
    }, extra_outputs=[new_output("stream", name="stdout", text=f"[mistake: {ascent}]\n"),
                      new_output("error", ename="CheckFailed", evalue=f"[mistake: {ascent}]",
                                 traceback=[])])
    path = tmp_path / "graded.ipynb"
    nbformat.write(nb, str(path))
    sub = rp.read_submission(path, "alice", "graded", lay,
                             _scores(lay, failed={"test_least_squares_loss",
                                                  "test_least_squares_gradient"}))
    got = {(f.cell, f.mistake) for f in sub.failures}
    assert got == {("test_least_squares_loss", MEAN_ID), ("test_least_squares_gradient", None)}
    f = next(f for f in sub.failures if f.mistake)
    assert f.label == "the mean of the squared residuals (divide by nothing: the loss here is a sum)"
    assert "[mistake:" not in f.message and f.message.startswith("CheckFailed: least_squares_loss")
    assert f.line == 6 and not f.hidden and f.check == lay.sources["test_least_squares_loss"][5].strip()
    rows = rp.mistake_table([sub], lay)
    assert [(r["mistake_id"], r["count"]) for r in rows] == [(MEAN_ID, 1), ("", 1)]


def test_the_message_is_shown_as_the_feedback_shows_it(tmp_path):
    """A message that quotes a hidden test line loses that line, as in the student's feedback."""
    lay = rp.layout(A)
    cell = "test_least_squares_loss"
    hidden = lay.sources[cell][lay.hidden_from[cell]]          # the first hidden line
    assert len(hidden.strip()) >= 8
    evalue = f"least_squares_loss on 7 random points: wrong value\n  {hidden.strip()}\n  expected 1.0"
    nb = _graded_copy({cell: ("CheckFailed", evalue, lay.hidden_from[cell] + 9)})
    path = tmp_path / "graded.ipynb"
    nbformat.write(nb, str(path))
    sub = rp.read_submission(path, "bob", "graded", lay, _scores(lay, failed={cell}))
    (f,) = sub.failures
    assert f.hidden and hidden.strip() not in f.message
    assert f.message == "CheckFailed: least_squares_loss on 7 random points: wrong value\n  expected 1.0"


def test_a_class_where_nothing_was_graded_still_renders():
    lay = rp.layout(A)
    subs = [rp.Submission("bob", "failed")]
    page = rp.render(lay, subs, rp.exercise_table(subs, lay), rp.mistake_table(subs, lay),
                     rp.check_table(subs, lay), [], {"noise": 25, "compared": 0, "common_limit": 10,
                                                     "threshold": 0.6, "min_overlap": 80}, {})
    assert "<h2 id='similarity'>" in page and "not graded yet" in page


def test_a_hidden_check_most_of_the_class_fails_is_flagged():
    lay = rp.layout(A)
    cell = "test_gradient_descent"
    hidden_line = lay.hidden_from[cell] + 3
    subs = []
    for i in range(10):
        s = rp.Submission(f"s{i}", "graded", cells=_scores(lay, failed={cell} if i < 6 else set()))
        if i < 6:      # 6 of 10 fail the same hidden line: flagged
            s.failures.append(rp.Failure(s.student, "gradient_descent", cell, None, None,
                                         "CheckFailed: x", hidden_line,
                                         lay.sources[cell][hidden_line - 1].strip(), True))
        if i < 8:      # 8 of 10 fail a visible line: many, but visible, so not flagged
            s.failures.append(rp.Failure(s.student, "least_squares_loss", "test_least_squares_loss",
                                         None, None, "CheckFailed: y", 6, "check.close(...)", False))
        subs.append(s)
    rows = rp.check_table(subs, lay)
    assert [(r["test_cell"], r["count"], r["hidden"], r["flagged"]) for r in rows] == [
        ("test_least_squares_loss", 8, False, False), (cell, 6, True, True)]
    assert rp.check_table(subs[4:], lay)[0]["flagged"] is False     # 2 of 6: not most


def test_similarity_ranks_the_planted_copies_first_without_grading():
    """The synthetic class's answers straight from its specification: the near-copies
    (renamed variables, changed comments) are the top pairs and the only flagged ones; blank
    answers and answers equal to the solution never pair up."""
    lay = rp.layout(A)
    spec = sc.specification()
    release = nbformat.read(str(sc.student(A)), as_version=4)
    stubs = {cells.grade_id(c): c.source for c in release.cells if cells.role(c) == cells.ANSWER}
    subs = [rp.Submission(name, "graded", answers=answers) for name, answers in spec.students.items()]
    subs += [rp.Submission(name, "graded", answers=dict(stubs)) for name in spec.blanks]
    subs += [rp.Submission("solution", "graded", answers={ex: sc._strip_markers(src) for ex, src
                                                          in sc._solution_cells().items()})]
    pairs, info = rp.similarity(subs, lay)
    top = {frozenset((p.a, p.b)) for p in pairs[:len(spec.copy_pairs)]}
    assert top == spec.copy_pairs
    assert {frozenset((p.a, p.b)) for p in pairs if p.flagged} == spec.copy_pairs
    assert all(p.similarity > 0.75 for p in pairs[:len(spec.copy_pairs)])
    assert all(p.similarity < 0.4 for p in pairs[len(spec.copy_pairs):])
    for p in pairs:
        assert "blank" not in p.a + p.b and "solution" not in (p.a, p.b), p
    assert "<mark>" in pairs[0].excerpt_a and ";;;;" not in pairs[0].excerpt_a


def _class(lay):
    subs = [rp.Submission("bergeranna-12345", "graded", cells=_scores(lay)),
            rp.Submission("Anna-Berg-777", "graded", cells=_scores(lay, {"test_gradient_descent"})),
            rp.Submission("alice", "flagged", cells=_scores(lay, set(lay.test_cells))),
            rp.Submission("bob", "failed")]
    subs[0].cells["learning_rate_answer"] = rp.CellScore("learning_rate_answer", "written", 1.5, 2.0)
    subs[1].cells["learning_rate_answer"] = rp.CellScore("learning_rate_answer", "written", None, 2.0)
    return subs


def test_canvas_csv_follows_the_gradebook_import_layout(tmp_path):
    """Canvas imports a CSV whose columns are Student, ID, SIS User ID, SIS Login ID, Section
    and then one column per assignment, with an optional second row 'Points Possible'."""
    lay = rp.layout(A)
    path = rp.write_canvas(tmp_path / "canvas.csv", _class(lay), lay, A)
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A]
    assert rows[1][0] == "Points Possible" and float(rows[1][5]) == 14.0       # 12 auto + 2 written
    body = {r[0]: r for r in rows[2:]}
    assert body["bergeranna"][1:4] == ["12345", "", ""] and float(body["bergeranna"][5]) == 13.5
    assert body["Anna Berg"][1] == "777" and float(body["Anna Berg"][5]) == 9.0  # written not graded yet
    assert body["alice"][1:4] == ["", "", "alice"] and float(body["alice"][5]) == 0.0
    assert body["bob"][5] == ""                                                 # not graded: left empty
    assert all(len(r) == 6 for r in rows)
    assert all(r[1] == "" or r[1].isdigit() for r in rows[2:])


def test_moodle_and_per_cell_csv(tmp_path):
    lay = rp.layout(A)
    subs = _class(lay)
    rows = _rows(rp.write_moodle(tmp_path / "moodle.csv", subs, lay))
    assert list(rows[0]) == rp.MOODLE_HEADER
    by = {r["Identifier"]: r for r in rows}
    assert by["Participant 12345"]["Grade"] == "13.5" and by["Participant 12345"]["Maximum Grade"] == "14"
    assert by["Participant 777"]["Full name"] == "Anna Berg"
    rows = _rows(rp.write_per_cell(tmp_path / "cells.csv", subs, lay))
    assert list(rows[0])[:3] == ["student_id", "status", "test_least_squares_loss (2)"]
    assert "learning_rate_answer (2)" in rows[0]
    r = {row["student_id"]: row for row in rows}
    assert r["Anna-Berg-777"]["test_gradient_descent (3)"] == "0"
    assert r["Anna-Berg-777"]["learning_rate_answer (2)"] == "" and r["Anna-Berg-777"]["total"] == ""
    assert r["bergeranna-12345"]["total"] == "13.5"


def test_report_cli_errors_are_one_line(capsys, tmp_path):
    code = main(["report", "-a", "01", "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 2 and len((out + err).strip().splitlines()) == 1
    assert err.startswith("python -m nnlib.course report: error: ") and "gradebook" in err
    code = main(["report", "-a", "99"])
    out, err = capsys.readouterr()
    assert code == 2 and "unknown assignment '99'" in err and len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------- slow: a graded class

@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    from nnlib.course import sandbox
    from nnlib.course.grade import grade

    root = tmp_path_factory.mktemp("class")
    spec = sc.build(root / "subs")
    text = io.StringIO()
    t0 = time.perf_counter()
    grade(root / "subs", A, root / "out", stream=text, jobs=2,
          sandbox=sandbox.available()[0])
    spec.grading_seconds = time.perf_counter() - t0
    return spec, root / "out", text.getvalue()


@pytest.mark.slow
def test_the_report_counts_every_planted_mistake(graded_class):
    spec, out, log = graded_class
    rows = _rows(out / "grades.csv")
    assert len(rows) == 40 and {r["status"] for r in rows} <= {"graded", "flagged"}, log
    t0 = time.perf_counter()
    page = rp.report(A, out, stream=io.StringIO())
    seconds = time.perf_counter() - t0
    print(f"report of 40 submissions: {seconds:.1f} s (grading took {spec.grading_seconds:.0f} s)")
    named = {(r["exercise"], r["mistake_id"]): int(r["count"])
             for r in _rows(out / "report" / "mistakes.csv") if r["mistake_id"]}
    assert named == dict(spec.mistakes)
    unnamed = {r["exercise"]: int(r["count"]) for r in _rows(out / "report" / "mistakes.csv")
               if r["mistake"] == rp.UNNAMED}
    assert unnamed == {ex: n for ex, n in spec.unnamed.items() if n}
    blank = {r["exercise"]: int(r["count"]) for r in _rows(out / "report" / "mistakes.csv")
             if r["mistake"] == rp.BLANK}
    assert blank == {ex: sc.BLANKS for ex in sc.EXERCISES}
    exercises = {r["exercise"]: r for r in _rows(out / "report" / "exercises.csv")}
    for ex in sc.EXERCISES:
        assert int(exercises[ex]["zero"]) == spec.failed[ex] + sc.BLANKS, ex
        assert int(exercises[ex]["full"]) == 40 - spec.failed[ex] - sc.BLANKS, ex
    # nbgrader scores an unchanged written answer 0 by itself; these students left it blank
    assert exercises["learning_rate_answer"]["zero"] == "40"
    mistakes = _rows(out / "report" / "mistakes.csv")
    counts = [int(r["count"]) for r in mistakes]
    assert counts == sorted(counts, reverse=True)
    assert "hint: your answer matches" in mistakes[0]["message"]
    assert not any(r["flagged"] == "True" for r in _rows(out / "report" / "checks.csv"))
    # similarity: the planted copies first, all flagged, and nothing else flagged
    pairs = _rows(out / "report" / "similarity.csv")
    top = [frozenset((p["student_a"], p["student_b"])) for p in pairs[:len(spec.copy_pairs)]]
    assert set(top) == spec.copy_pairs, pairs[:6]
    flagged = {frozenset((p["student_a"], p["student_b"])) for p in pairs if p["flagged"] == "True"}
    assert flagged == spec.copy_pairs, [p for p in pairs if p["flagged"] == "True"]
    assert not any(p["student_a"].startswith("blank") and p["student_b"].startswith("blank")
                   for p in pairs)
    canvas = list(csv.reader((out / "report" / "canvas.csv").open()))
    assert canvas[0][:5] == rp.CANVAS_HEADER and len(canvas) == 42
    per_cell = _rows(out / "report" / "grades_per_cell.csv")
    assert len(per_cell) == 40
    assert all(float(r["autograded"]) == float(g["autograded_score"])
               for r, g in zip(per_cell, sorted(rows, key=lambda g: g["student_id"])))
    assert page.is_file()


@pytest.mark.slow
def test_the_report_opens_in_a_browser_with_its_plots(graded_class, tmp_path):
    pytest.importorskip("playwright")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    spec, out, _ = graded_class
    page_path = out / "report.html"
    if not page_path.is_file():
        rp.report(A, out, stream=io.StringIO())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_path.as_uri())
        images = page.locator("img")
        assert images.count() == 2
        for i in range(2):
            assert page.evaluate("(i) => { const im = document.images[i]; "
                                 "return im.complete && im.naturalWidth > 200; }", i)
            assert len(images.nth(i).get_attribute("alt")) > 40
        assert page.get_by_text("Mistakes, most common first").is_visible()
        assert page.locator("tr.flag").count() >= len(spec.copy_pairs)
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert not errors


@pytest.mark.slow
def test_a_class_of_300_is_reported_in_under_30_seconds(graded_class, tmp_path):
    """Beyond grading, on two cores. The report is one process: its CPU time is what it
    needs of the machine (the wall time on a busy shared machine is printed as well)."""
    spec, out, _ = graded_class
    big = tmp_path / "big"
    sc.clone(out, big, A, 300)
    t0, c0 = time.perf_counter(), time.process_time()
    rp.report(A, big, stream=io.StringIO())
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"report of 300 submissions: {wall:.1f} s wall, {cpu:.1f} s CPU")
    assert len(_rows(big / "report" / "grades_per_cell.csv")) == 300
    assert cpu < 30
