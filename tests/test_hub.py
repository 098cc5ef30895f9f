"""The real classroom: a JupyterHub with one instructor and two students (local system users),
nbgrader's exchange in a temporary root, this course's config (hub/jupyterhub_config.py,
hub/classroom.py: the same set-up as `make hub`).

One round trip of assignment 01, driven through the hub's REST API (users' servers, tokens,
and each student's server behind the hub's proxy: the Assignments tab's own endpoints,
Validate, the contents API) and nbgrader's commands run as the instructor:
release -> fetch (each student) -> work (ana right, ben with the mean instead of the sum in
least_squares_loss) -> validate -> submit -> collect -> `python -m nnlib.course grade`
(sandbox on) -> hand-grade the written answer -> generate and release feedback -> each
student fetches feedback and sees their own only, without hidden tests.
Scores, files, owners and modes are checked at each step; at the end no process of the
class is left and its users are gone.

Skipped, with the reason, where the platform cannot run it (not Linux, not root, no
jupyterhub in .venv, no node or configurable-http-proxy: `.ci/run` installs them).
"""
from __future__ import annotations

import csv
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import nbformat
import pytest

from nnlib.course import ROOT, cells, solution

sys.path.insert(0, str(ROOT / "hub"))
from classroom import COURSE_ID, VENV, Classroom, missing  # noqa: E402

A = "01_gradient_descent"
NB = f"{A}/{A}.ipynb"
MISTAKE = "least_squares_loss"
WRONG = ("def least_squares_loss(phi, x, y):\n"
         "    return float(np.mean((phi[0] + phi[1] * x - y) ** 2))\n")
REGION = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", re.M)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.S)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(missing() is not None, reason=str(missing()))]

TIMES: dict[str, float] = {}
FEEDBACK: dict[str, str] = {}


@pytest.fixture(scope="module")
def room():
    t0 = time.monotonic()
    r = Classroom(students=("ana", "ben", "cy"))
    try:
        r.setup()
        r.start()
        TIMES["hub up"] = time.monotonic() - t0
        yield r
    finally:
        users, prefix = list(r.created_users), r.prefix
        r.stop()
        left = subprocess.run(["ps", "-eo", "pid,user:32,args"], capture_output=True, text=True).stdout
        assert prefix not in left, f"processes left running:\n{left}"
        for user in users:
            assert subprocess.run(["id", user], capture_output=True).returncode != 0, f"{user} not deleted"
        assert r.state is None or not r.state.exists()


def _answers(wrong: bool) -> dict[str, str]:
    """The solution of every exercise of 01 (markers dropped); with `wrong`, the known
    mistake in least_squares_loss."""
    src = nbformat.read(str(solution(A)), as_version=4)
    out = {cells.grade_id(c): REGION.sub("", c.source) for c in src.cells
           if cells.role(c) in (cells.ANSWER, cells.WRITTEN)}
    if wrong:
        out[MISTAKE] = WRONG
    return out


def _expected() -> tuple[float, float, float]:
    src = nbformat.read(str(solution(A)), as_version=4)
    auto, written = cells.max_points(src)
    lost = sum(cells.points(src.cells[i]) for i in cells.exercises(src)[MISTAKE])
    return auto, written, lost


def _owner(path: Path) -> str:
    import pwd
    return pwd.getpwuid(path.stat().st_uid).pw_name


def test_round_trip(room):
    t0 = time.monotonic()
    ana, ben = room.students[:2]
    teacher = room.admin
    auto_max, written_max, lost = _expected()
    assert lost > 0

    # --- the servers start through the hub's REST API, each as its own system user -------
    tokens = {}
    for user in room.users:
        room.start_server(user)
        tokens[user] = room.user_token(user)
        assert room.api("GET", f"/users/{user}")["servers"][""]["ready"]
    TIMES["servers up"] = time.monotonic() - t0
    # a student's token does not open another student's server
    with pytest.raises(Exception, match="403|404"):
        room.http("GET", f"/user/{ben}/api/contents", token=tokens[ana])

    # --- the instructor releases (nbgrader as that user, in their course folder) ----------
    nbgrader = str(VENV / "bin" / "nbgrader")
    r = room.as_user(teacher, nbgrader, "release_assignment", A, cwd=room.course)
    assert r.returncode == 0, r.stdout + r.stderr
    outbound = room.exchange / COURSE_ID / "outbound" / A / f"{A}.ipynb"
    assert outbound.is_file() and _owner(outbound) == teacher
    assert outbound.read_bytes() == (ROOT / "notebooks" / NB).read_bytes()

    # --- each student: Assignments tab (list, fetch), work, Validate, submit -------------
    validated = {}
    for student, wrong in ((ana, False), (ben, True)):
        tok = tokens[student]
        listing = room.http("GET", f"/user/{student}/assignments?course_id={COURSE_ID}", token=tok)
        assert [a["status"] for a in listing["value"] if a["assignment_id"] == A] == ["released"]
        room.http("POST", f"/user/{student}/assignments/fetch",
                  {"course_id": COURSE_ID, "assignment_id": A}, token=tok)
        fetched = room.home(student) / NB
        assert fetched.is_file() and _owner(fetched) == student
        model = room.http("GET", f"/user/{student}/api/contents/{NB}", token=tok)
        nb = nbformat.from_dict(model["content"])
        answers = _answers(wrong)
        for cell in nb.cells:
            if cells.role(cell) in (cells.ANSWER, cells.WRITTEN):
                cell.source = answers[cells.grade_id(cell)]
        room.http("PUT", f"/user/{student}/api/contents/{NB}",
                  {"type": "notebook", "format": "json", "content": nb}, token=tok)
        result = room.http("POST", f"/user/{student}/assignments/validate", {"path": NB},
                           token=tok, timeout=300)
        validated[student] = result
        assert result["success"], result
        value = result["value"] if isinstance(result["value"], dict) else {}
        if wrong:
            assert value.get("failed"), result
        else:
            assert not value.get("failed") and not value.get("errored"), result
        submitted = room.http("POST", f"/user/{student}/assignments/submit",
                              {"course_id": COURSE_ID, "assignment_id": A}, token=tok)
        assert any(a["status"] == "submitted" for a in submitted["value"]
                   if a["assignment_id"] == A), submitted
    TIMES["students submitted"] = time.monotonic() - t0
    inbound = room.exchange / COURSE_ID / "inbound"
    subs = sorted(inbound.iterdir())
    assert [p.name.split("+")[0] for p in subs] == [ana, ben]
    assert [_owner(p) for p in subs] == [ana, ben]
    # students may drop into inbound but not list it (nbgrader's exchange modes)
    ls = room.as_user(ana, "ls", str(inbound))
    assert ls.returncode != 0, "a student can list the exchange's inbound folder"
    cat = room.as_user(ana, "cat", str(room.home(ben) / NB))
    assert cat.returncode != 0, "a student can read another student's home"

    # --- the instructor collects and grades (the course's grader, sandbox on) ------------
    r = room.as_user(teacher, nbgrader, "collect", A, cwd=room.course)
    assert r.returncode == 0, r.stdout + r.stderr
    submitted_dir = room.course / ".grading" / "submitted"
    assert sorted(p.name for p in submitted_dir.iterdir()) == [ana, ben]
    out = room.course / ".grading" / A
    g = room.as_user(teacher, str(VENV / "bin" / "python"), "-m", "nnlib.course", "grade",
                     str(submitted_dir), "-a", "01", "--out", str(out), "--jobs", "2",
                     cwd=room.course)
    TIMES["graded"] = time.monotonic() - t0
    grades = {row["student_id"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert g.returncode == 0, g.stdout[-3000:] + g.stderr[-3000:]
    assert float(grades[ana]["autograded_score"]) == auto_max, grades[ana]
    assert float(grades[ben]["autograded_score"]) == auto_max - lost, grades[ben]
    assert {grades[s]["status"] for s in (ana, ben)} == {"graded"}
    assert float(grades[ana]["manual_max"]) == written_max

    # --- hand-grading the written answer (nbgrader's gradebook, as formgrader does) -------
    hand = {ana: written_max, ben: written_max - 1}
    script = ("import sys; from nbgrader.api import Gradebook\n"
              f"gb = Gradebook('sqlite:///{out / 'gradebook.db'}')\n"
              f"for student, pts in {hand!r}.items():\n"
              f"    sub = gb.find_submission_notebook({A!r}, {A!r}, student)\n"
              "    for g in sub.grades:\n"
              "        if g.cell.cell_type == 'markdown':\n"
              "            g.manual_score = pts\n"
              "    gb.db.commit()\n"
              "gb.close()\n")
    r = room.as_user(teacher, str(VENV / "bin" / "python"), "-c", script, cwd=room.course)
    assert r.returncode == 0, r.stderr

    # --- feedback: generate (redacted by the course's pipeline) and release ---------------
    env = {"NNLIB_GRADING_DIR": f".grading/{A}"}
    r = room.as_user(teacher, nbgrader, "generate_feedback", A, "--force", cwd=room.course, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    # release_feedback reads timestamp.txt and submission_secret.txt beside each feedback
    # file: collect, grade and generate_feedback carried them from the exchange, untouched
    for student in (ana, ben):
        fb = out / "feedback" / student / A
        latest = sorted((room.exchange / COURSE_ID / "inbound").glob(f"{student}+{A}+*"))[-1]
        for name in ("timestamp.txt", "submission_secret.txt"):
            assert (fb / name).read_bytes() == (latest / name).read_bytes(), (student, name)
    r = room.as_user(teacher, nbgrader, "release_feedback", A, cwd=room.course, env=env)
    assert r.returncode == 0, r.stdout + r.stderr

    # --- each student fetches feedback and sees their own only -------------------------------
    hidden_lines = {line.strip() for c in nbformat.read(str(solution(A)), as_version=4).cells
                    for m in HIDDEN.finditer(c.source) for line in m.group(1).splitlines()
                    if len(line.strip()) > 12}
    assert hidden_lines
    for student, other in ((ana, ben), (ben, ana)):
        tok = tokens[student]
        room.http("POST", f"/user/{student}/assignments/fetch_feedback",
                  {"course_id": COURSE_ID, "assignment_id": A}, token=tok)
        files = sorted((room.home(student) / A / "feedback").rglob("*.html"))
        assert len(files) == 1, files
        assert _owner(files[0]) == student
        rel = urllib.parse.quote(files[0].relative_to(room.home(student)).as_posix())
        html = room.http("GET", f"/user/{student}/api/contents/{rel}?type=file&format=text",
                         token=tok)["content"]
        total = auto_max - (lost if student == ben else 0) + hand[student]
        assert re.search(rf"Score:\s*{total:g}(\.0)?\s*/\s*{auto_max + written_max:g}", html), \
            re.findall(r"Score:[^<]*", html)[:3]
        assert other not in html, f"{student}'s feedback mentions {other}"
        leaked = [s for s in hidden_lines if s in html]
        assert not leaked, f"hidden test text in {student}'s feedback: {leaked[:2]}"
        if student == ben:
            assert "least_squares_loss" in html and "mean of the squared residuals" in html
            FEEDBACK["ben"] = html
    TIMES["round trip"] = time.monotonic() - t0
    print("\nround-trip times (s): " + ", ".join(f"{k} {v:.1f}" for k, v in TIMES.items()))
    print(f"validate: ana {validated[ana]['value'] if isinstance(validated[ana]['value'], str) else 'ok'}")


CHROMIUM = __import__("shutil").which("chromium") or __import__("shutil").which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                             "(apt-get install chromium; .ci/run does this)")
def test_student_path_in_a_browser(room):
    """Chromium through a student's path on the hub: log in, Nbgrader > Assignment List,
    Fetch, open, Run All, Validate, Submit. Screenshots: .grading/hub-browser/ (git-ignored)."""
    from playwright.sync_api import expect, sync_playwright

    from nnlib.course import GRADING

    cy = room.students[2]
    outbound = room.exchange / COURSE_ID / "outbound" / A
    if not outbound.exists():
        r = room.as_user(room.admin, str(VENV / "bin" / "nbgrader"), "release_assignment", A,
                         cwd=room.course)
        assert r.returncode == 0, r.stderr
    shots = room.state / "screenshots"
    shots.mkdir(exist_ok=True)
    t0 = time.monotonic()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{room.url}/hub/login")
            page.fill("input[name=username]", cy)
            page.fill("input[name=password]", room.password)
            page.screenshot(path=str(shots / "1-login.png"))
            page.click("input[type=submit], button[type=submit]")
            page.wait_for_url(re.compile(rf".*/user/{cy}/lab.*"), timeout=180_000)
            expect(page.locator("#jp-main-dock-panel")).to_be_visible(timeout=120_000)
            page.screenshot(path=str(shots / "2-lab.png"))

            page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
            page.get_by_role("menuitem", name="Assignment List", exact=True).click()
            fetch = page.get_by_role("button", name="Fetch", exact=True)
            expect(fetch.first).to_be_visible(timeout=60_000)
            page.screenshot(path=str(shots / "3-assignments.png"))
            fetch.first.click()
            expect(page.get_by_role("button", name="Submit", exact=True).first).to_be_visible(timeout=60_000)
            assert (room.home(cy) / NB).is_file()
            page.screenshot(path=str(shots / "4-fetched.png"))

            page.goto(f"{room.url}/user/{cy}/lab/tree/{NB}")
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=90_000)
            expect(page.locator(".jp-StatusBar-Widget", has_text="Idle").first).to_be_visible(timeout=120_000)
            first_prompt = page.locator(".jp-InputPrompt", has_text="[1]:")
            for attempt in range(3):
                page.get_by_role("menuitem", name="Run", exact=True).click()
                page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
                try:
                    first_prompt.first.wait_for(timeout=60_000)
                    break
                except Exception:
                    pass
            expect(page.locator(".jp-OutputArea-output img").first).to_be_visible(timeout=120_000)
            # the blank notebook stops at exercise 1's test: not answered yet
            expect(page.locator(".jp-OutputArea-output", has_text="NotImplementedError").first
                   ).to_be_visible(timeout=120_000)
            page.screenshot(path=str(shots / "5-ran.png"))
            page.get_by_role("button", name="Validate").click()
            dialog = page.locator(".jp-Dialog")
            expect(dialog).to_be_visible(timeout=180_000)
            expect(dialog).to_contain_text("least_squares_loss", timeout=180_000)
            page.screenshot(path=str(shots / "6-validated.png"))
            dialog.get_by_role("button").last.click()
            page.keyboard.press("Control+s")

            page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
            page.get_by_role("menuitem", name="Assignment List", exact=True).click()
            submit = page.get_by_role("button", name="Submit", exact=True).first
            expect(submit).to_be_visible(timeout=60_000)
            submit.click()
            expect(page.get_by_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")).first
                   ).to_be_visible(timeout=60_000)
            page.screenshot(path=str(shots / "7-submitted.png"))
            inbound = room.exchange / COURSE_ID / "inbound"
            mine = [p for p in inbound.iterdir() if p.name.startswith(f"{cy}+{A}+")]
            assert len(mine) == 1 and _owner(mine[0]) == cy
        except Exception:
            page.screenshot(path=str(shots / "failure.png"), full_page=True)
            raise
        finally:
            browser.close()
            keep = GRADING / "hub-browser"
            __import__("shutil").rmtree(keep, ignore_errors=True)
            __import__("shutil").copytree(shots, keep)
    print(f"\nbrowser path on the hub: {time.monotonic() - t0:.1f} s")


AXE = ROOT / "hub" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.skipif(CHROMIUM is None or not AXE.exists(),
                    reason="needs Debian's chromium and axe-core (npm ci --prefix hub; .ci/run)")
def test_feedback_html_passes_axe(room, tmp_path):
    """The feedback a student fetched in the round trip passes axe-core's WCAG 2.1 A/AA rules."""
    from playwright.sync_api import sync_playwright

    from test_accessibility import axe_violations

    if "ben" not in FEEDBACK:
        pytest.fail("the round trip produced no feedback (see test_round_trip)")
    page_file = tmp_path / "feedback.html"
    page_file.write_text(FEEDBACK["ben"])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        try:
            page.goto(page_file.as_uri())
            found = axe_violations(page)
        finally:
            browser.close()
    from nnlib.course import GRADING
    (GRADING / "a11y").mkdir(parents=True, exist_ok=True)
    (GRADING / "a11y" / "feedback.json").write_text(__import__("json").dumps(found, indent=1))
    assert not found, found
