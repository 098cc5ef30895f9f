"""Accessibility: the student notebooks as rendered in JupyterLab pass axe-core's WCAG 2.1 A
and AA rules (axe-core pinned in hub/package.json, `npm ci --prefix hub`; run through
Playwright in Debian's Chromium). The rules are applied to what the course writes (every rendered text
cell: headings, tables, links, math; every output), not to JupyterLab's own markup around
it; with NNLIB_A11Y_RECORD=1 the violations of the latter are recorded in
.grading/a11y/<notebook>.json.
The feedback HTML is checked the same way in tests/test_hub.py, on real feedback.

Skipped, with the reason, without chromium or axe-core.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from labsettings import write_lab_settings

from nnlib.course import GRADING, NOTEBOOKS, ROOT, SOLUTIONS, assignments

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = ROOT / "hub" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                                "(apt-get install chromium; .ci/run does this)"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed "
                                                "(npm ci --prefix hub; .ci/run does this)"),
]


def axe_violations(page, context=None) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page, or inside `context` (a CSS selector,
    or axe's {"include": [[selector], ...]})."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    ctx = json.dumps(context) if context else "document"
    result = page.evaluate(
        f"async () => await axe.run({ctx}, {{runOnly: {{type: 'tag', values: {json.dumps(TAGS)}}}}})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5],
             "summary": v["nodes"][0].get("failureSummary", "")[:300] if v["nodes"] else ""}
            for v in result["violations"]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("a11y")
    root = tmp / "notebooks"
    shutil.copytree(NOTEBOOKS, root)
    # the notebooks as a student sees them after running them: with their figures
    shutil.copytree(SOLUTIONS, root / "run", ignore=shutil.ignore_patterns("*.py"))
    settings = write_lab_settings(tmp / "settings")
    port = _free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp / "runtime"))
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=",
           f"--ServerApp.root_dir={root}", f"--LabApp.user_settings_dir={settings}",
           f"--LabApp.workspaces_dir={tmp / 'workspaces'}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = (tmp / "lab.log").open("w")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/api", timeout=1)
                break
            except OSError:
                assert proc.poll() is None, (tmp / "lab.log").read_text()[-2000:]
                time.sleep(0.5)
        from playwright.sync_api import sync_playwright
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update"])
            yield url, browser
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _settle(page, selector: str, quiet_ms: int = 750, most_ms: int = 30_000) -> None:
    """Wait until the markup under ``selector`` has not changed for ``quiet_ms`` (markdown,
    math and outputs render for a while after the first cell shows), at most ``most_ms``."""
    page.evaluate("""async ([selector, quiet, most]) => {
        const root = document.querySelector(selector);
        if (!root) return;
        const start = performance.now();
        let last = performance.now();
        const seen = new MutationObserver(() => { last = performance.now(); });
        seen.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
        while (performance.now() - last < quiet && performance.now() - start < most)
            await new Promise(done => setTimeout(done, 100));
        seen.disconnect();
    }""", [selector, quiet_ms, most_ms])


@contextlib.contextmanager
def _notebook_page(lab, path: str, ready: str):
    """A fresh page on a notebook under the lab's root, once ``ready`` shows and the notebook
    has finished rendering (?reset: a fresh workspace, so earlier tests' notebooks stay
    closed)."""
    url, browser = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{url}/lab/tree/{path}?reset")
        page.wait_for_selector(ready, timeout=240_000)
        _settle(page, ".jp-NotebookPanel .jp-Notebook")
        yield page
    finally:
        page.close()


@pytest.mark.parametrize("assignment", assignments())
def test_student_notebook_in_jupyterlab_passes_axe(lab, assignment):
    with _notebook_page(lab, f"{assignment}/{assignment}.ipynb",
                        ".jp-NotebookPanel .jp-Notebook .jp-Cell") as page:
        # What the course writes: every rendered text cell (headings, tables, links, math,
        # images) and every output. JupyterLab's own markup around them (its cell wrappers
        # and CodeMirror editors) is recorded, not asserted: the course cannot change it.
        found = axe_violations(page, {"include": [[".jp-RenderedMarkdown"], [".jp-OutputArea-output"]]})
        if os.environ.get("NNLIB_A11Y_RECORD") == "1":      # 1.5 s of axe per notebook
            lab_own = axe_violations(page, ".jp-NotebookPanel .jp-Notebook")
            keep = GRADING / "a11y"
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"{assignment}.json").write_text(json.dumps(
                {"course_content": found, "whole_notebook_including_jupyterlab": lab_own}, indent=1))
        assert page.locator(".jp-RenderedMarkdown").count() > 3
        assert not found, f"{assignment}: {json.dumps(found, indent=1)[:3000]}"


# Every figure reaches JupyterLab the same way (plot.show; tests/test_figures.py checks each
# one in every notebook): the browser checks the notebook with one figure, the one with the
# most figures and hatched and multi-figure cells, and the one with three figures in a cell.
FIGURE_PAGES = ["00_welcome", "05_sgd", "08_cnn"]


@pytest.mark.parametrize("assignment", FIGURE_PAGES)
def test_figures_in_jupyterlab_carry_their_text_alternative(lab, assignment):
    """Run, a notebook shows its figures; in JupyterLab each one is an image whose alt text is
    the description the notebook gave it (plot.show), and axe finds nothing in the outputs."""
    from test_figures import _figures

    alts = [out.metadata["image/png"]["alt"] for _, out in _figures(assignment)
            if "alt" in out.get("metadata", {}).get("image/png", {})]
    with _notebook_page(lab, f"run/{assignment}/{assignment}.ipynb",
                        ".jp-OutputArea-output img") as page:
        images = page.eval_on_selector_all(
            ".jp-OutputArea-output img", "els => els.map(e => e.getAttribute('alt'))")
        assert images == alts and len(alts) >= 1, (images, alts)
        found = axe_violations(page, {"include": [[".jp-OutputArea-output"]]})
        assert not found, f"{assignment}: {json.dumps(found, indent=1)[:3000]}"


def test_the_check_sees_a_figure_without_text_alternative(lab):
    """The same axe call finds an image without alt text and low-contrast text inside
    rendered cells (so that a pass above means something)."""
    url, browser = lab
    page = browser.new_page()
    try:
        page.set_content('<html lang="en"><head><title>t</title></head><body><main>'
                         '<div class="jp-RenderedMarkdown"><img src="data:image/png;base64,'
                         'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==">'
                         '<p style="color:#bbb;background:#fff">faint</p></div></main></body></html>')
        ids = {v["id"] for v in axe_violations(
            page, {"include": [[".jp-RenderedMarkdown"], [".jp-OutputArea-output"]]})}
        assert {"image-alt", "color-contrast"} <= ids, ids
    finally:
        page.close()
