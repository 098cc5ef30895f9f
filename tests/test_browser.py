"""The student's path in a real browser: JupyterLab from the project's environment, headless
Chromium driven by Playwright.

A copy of the student notebook 01 with exercise 1 answered wrongly (the mean instead of the
sum) is opened; "Run All Cells" must render the first plot and stop at exercise 1's test
cell with the check's readable message naming the mistake; nbgrader's Validate button must
report the failing tests. Screenshots of every step are kept in the test's temporary folder
and copied to .grading/browser/ (git-ignored) after each run.

Skipped, with the reason, when Debian's chromium is not installed (`.ci/run` installs it).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from labsettings import write_lab_settings

from nnlib.course import GRADING, ROOT, student

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
A = "01_gradient_descent"
WRONG_ANSWER = ("def least_squares_loss(phi, x, y):\n"
                "    return float(np.mean((phi[0] + phi[1] * x - y) ** 2))\n")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                                "(apt-get install chromium; .ci/run does this)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def lab(tmp_path):
    """JupyterLab on a free localhost port, serving a copy of notebook 01."""
    root = tmp_path / "notebooks"
    shutil.copytree(student(A).parent, root / A)
    path = root / A / f"{A}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "least_squares_loss":
            cell.source = WRONG_ANSWER
    nbformat.write(nb, str(path))
    settings = write_lab_settings(tmp_path / "settings")
    port = _free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    env.pop("MPLBACKEND", None)      # tests/conftest.py sets Agg; a student's kernel uses inline
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=",
           f"--ServerApp.root_dir={root}", f"--LabApp.user_settings_dir={settings}",
           f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(f"{url}/api", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited: {(tmp_path / 'lab.log').read_text()[-2000:]}")
            time.sleep(0.5)
    else:
        pytest.fail("JupyterLab did not start in 120 s")
    yield url, tmp_path
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_student_runs_all_cells_and_validates(lab):
    from playwright.sync_api import expect, sync_playwright

    url, tmp = lab
    shots = tmp / "screenshots"
    shots.mkdir()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{url}/lab/tree/{A}/{A}.ipynb")
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=90_000)
            # wait until the kernel is up before running anything
            expect(page.locator(".jp-StatusBar-Widget", has_text="Idle").first).to_be_visible(
                timeout=120_000)
            page.screenshot(path=str(shots / "1-opened.png"))

            # Run > Run All Cells (again if the kernel was not connected yet at the first click)
            first_prompt = page.locator(".jp-InputPrompt", has_text="[1]:")
            for attempt in range(3):
                page.get_by_role("menuitem", name="Run", exact=True).click()
                page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
                try:
                    first_prompt.first.wait_for(timeout=60_000)
                    break
                except Exception:
                    page.screenshot(path=str(shots / f"run-all-attempt-{attempt}.png"))

            # The first figure (the training data and three lines) renders as an image ...
            expect(page.locator(".jp-OutputArea-output img").first).to_be_visible(timeout=120_000)
            # ... and exercise 1's visible test explains the mistake in words.
            message = page.locator(".jp-OutputArea-output", has_text="least_squares_loss(phi_demo, x_demo, y_demo): wrong value")
            expect(message.first).to_be_visible(timeout=120_000)
            expect(message.first).to_contain_text("hint: your answer matches the mean of the squared residuals")
            message.first.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "2-ran-all.png"))

            # nbgrader's Validate button runs the notebook and reports the failing tests.
            page.get_by_role("button", name="Validate").click()
            dialog = page.locator(".jp-Dialog")
            expect(dialog).to_be_visible(timeout=180_000)
            expect(dialog).to_contain_text("least_squares_loss", timeout=180_000)
            text = dialog.inner_text()
            page.screenshot(path=str(shots / "3-validated.png"))
            assert "failed" in text.lower() or "error" in text.lower(), text
        except Exception:
            page.screenshot(path=str(shots / "failure.png"), full_page=True)
            prompts = page.locator(".jp-InputPrompt").all_inner_texts()
            (shots / "state.txt").write_text(
                f"prompts: {prompts}\nimages: {page.locator('img').count()}\n"
                f"outputs: {page.locator('.jp-OutputArea-output').all_inner_texts()[:6]}\n")
            raise
        finally:
            browser.close()
            keep = GRADING / "browser"          # git-ignored: the latest run's screenshots
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(shots, keep)
