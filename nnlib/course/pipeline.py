"""The course's steps inside nbgrader's own pipeline (configured in nbgrader_config.py).

Every way of grading goes through nbgrader's converters: ``python -m nnlib.course grade``,
``nbgrader autograde``, ``nbgrader generate_feedback`` and formgrader's buttons. So what the
course adds to grading lives here, as nbgrader preprocessors, and nowhere else:

* :class:`RestoreCellMetadata` (sanitising step): the nbgrader metadata of every cell the
  gradebook knows is rebuilt from the gradebook, and tags are dropped, so no edit of cell
  metadata (a ``skip-execution`` tag on a test cell, a test cell marked as an answer)
  changes what runs or how it is scored.
* :class:`GuardedExecute` (autograding step): runs the notebook in the sandbox (sandbox.py)
  with the tamper guard (guard.py); caps the output it receives per cell and per notebook;
  stops a cell that ignores the interrupt at its timeout; grades a notebook whose kernel
  died or was stopped up to that cell (later cells get an error, so their tests score 0);
  reads the guard's report and gives 0 to the test cells whose checks were attacked. What it
  finds is the *verdict* (status, flags, reasons), kept in the notebook's metadata.
* :class:`InertOutputs`: student-made HTML, JavaScript, SVG and markdown outputs become
  plain text, so nothing a student wrote runs in formgrader or a feedback page.
* :class:`RecordVerdict`: marks flagged submissions in the gradebook (formgrader shows them)
  and stores the verdict in the autograded notebook for ``grade``'s report.
* :class:`RedactFeedback` (feedback step): test cells as the student received them, every
  hidden-test line removed from every output, errors as one line, active content inert.
"""
from __future__ import annotations

import ast
import functools
import hashlib
import html
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from nbformat.notebooknode import NotebookNode
from nbformat.v4 import new_output
from traitlets import Bool, Float, Integer, Unicode

from nbgrader.preprocessors import Execute, NbGraderPreprocessor

from . import cells
from . import sandbox as sandbox_mod
from .guard import read_report
from .policy import NOTEBOOKS, check as policy_check

VERDICT_KEY = "nnlib_grading"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
HIDDEN_BEGIN, HIDDEN_END = cells.HIDDEN_BEGIN, "### END HIDDEN TESTS"
SAFE_MIME = ("text/plain", "image/png", "image/jpeg", "image/gif")
_NO_SKIP_TAG = "nnlib-never-skip-" + hashlib.sha256(os.urandom(16)).hexdigest()


_meta = cells.meta


def is_test(cell) -> bool:
    """A locked test cell (cells.py's TEST role) that runs code."""
    return cell.get("cell_type") == "code" and cells.role(cell) == cells.TEST


def is_answer(cell) -> bool:
    """A code cell the student may edit: an answer cell or any unlocked cell of their own."""
    return cell.get("cell_type") == "code" and cells.role(cell) in (cells.ANSWER, cells.PLAIN)


def _error(ename: str, evalue: str) -> NotebookNode:
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


# ---------------------------------------------------------------- sanitising

class RestoreCellMetadata(NbGraderPreprocessor):
    """Rebuild the nbgrader metadata of known cells from the gradebook; drop cell tags."""

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook, MissingEntry

        info = resources.get("nbgrader", {})
        db_url, notebook, assignment = (info.get("db_url"), info.get("notebook"),
                                        info.get("assignment"))
        for cell in nb.cells:
            cell.metadata.pop("tags", None)
            cell.metadata.pop("editable", None)
            cell.metadata.pop("deletable", None)
        if not db_url:
            return nb, resources
        seen: set[str] = set()
        with Gradebook(db_url) as gb:
            for cell in nb.cells:
                grade_id = _meta(cell).get("grade_id")
                if not isinstance(grade_id, str):
                    if "nbgrader" in cell.metadata and not isinstance(grade_id, str):
                        del cell.metadata["nbgrader"]
                    continue
                if grade_id in seen:
                    # a copy of a known cell (JupyterLab copies metadata): an ordinary cell now
                    del cell.metadata["nbgrader"]
                    continue
                try:
                    source = gb.find_source_cell(grade_id, notebook, assignment)
                except MissingEntry:
                    del cell.metadata["nbgrader"]
                    continue
                seen.add(grade_id)
                meta = {"schema_version": 3, "grade_id": grade_id, "locked": bool(source.locked),
                        "solution": False, "grade": False}
                try:
                    graded = gb.find_graded_cell(grade_id, notebook, assignment)
                    meta.update(grade=True, points=float(graded.max_score))
                except MissingEntry:
                    pass
                try:
                    gb.find_solution_cell(grade_id, notebook, assignment)
                    meta["solution"] = True
                except MissingEntry:
                    pass
                if source.cell_type != cell.cell_type:
                    cell.cell_type = source.cell_type
                    cell.pop("outputs", None)
                    cell.pop("execution_count", None)
                    if source.cell_type == "code":
                        cell.outputs, cell.execution_count = [], None
                    cell.pop("attachments", None) if source.cell_type == "code" else None
                cell.metadata["nbgrader"] = meta
        return nb, resources

    def preprocess_cell(self, cell, resources, index):  # pragma: no cover - preprocess above
        return cell, resources


# ---------------------------------------------------------------- execution

class GuardedExecute(Execute):
    """nbgrader's Execute, in the sandbox, with limits and the guard's judgement."""

    sandbox = Bool(True, help="Run the kernel in the bubblewrap sandbox (sandbox.py)."
                   ).tag(config=True)
    max_output = Integer(sandbox_mod.Limits.output, help="Output bytes kept per cell."
                         ).tag(config=True)
    max_notebook_output = Integer(sandbox_mod.Limits.notebook_output,
                                  help="Output bytes kept per notebook.").tag(config=True)
    wall = Float(sandbox_mod.Limits.wall, help="Seconds for the whole notebook.").tag(config=True)
    # a tag can never skip a cell (nbclient skips cells tagged with this), and a cell that
    # ignores the interrupt at its timeout gets this long before the kernel is stopped
    skip_cells_with_tag = Unicode(_NO_SKIP_TAG)
    iopub_timeout = Integer(8).tag(config=True)
    threads = Integer(0, help="Threads for the kernel's numerical libraries (OpenMP, BLAS, "
                      "PyTorch); 0 leaves their defaults. `grade --jobs N` sets cores / N, so "
                      "that N kernels do not fight over the cores.").tag(config=True)

    @staticmethod
    def _shutdown(km) -> None:
        from jupyter_core.utils import run_sync

        try:
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - already gone; the launcher also watches its parent
            pass

    # ---- kernel start
    def preprocess(self, nb, resources=None, km=None):
        from jupyter_client.kernelspec import KernelSpec
        from jupyter_client.manager import AsyncKernelManager

        self._verdict = {"status": "graded", "flags": [], "reasons": [], "zeroed": [],
                         "stopped_at": None, "limits": [], "peak": {}}
        self._stopped: str | None = None
        self._out_cell: dict[int, int] = {}
        self._out_total = 0
        self._truncated: set[int] = set()
        self._executed: dict[int, str] = {}     # cell index -> sha256 of the code it ran
        self._started = time.monotonic()
        # the static policy's notebook: its extra modules and setup names (policy.py)
        name = ((resources or {}).get("nbgrader") or {}).get("notebook")
        self._notebook = name if name in NOTEBOOKS else None
        limits = sandbox_mod.Limits(wall=self.wall, output=self.max_output,
                                    notebook_output=self.max_notebook_output)
        self._limits = limits
        use_sandbox = self.sandbox and os.environ.get("NNLIB_NO_SANDBOX") != "1"
        if use_sandbox:
            ok, why = sandbox_mod.available()
            if not ok:
                raise RuntimeError(f"cannot sandbox student code: {why} (set "
                                   "GuardedExecute.sandbox=False to grade without isolation)")
        path = (resources or {}).get("metadata", {}).get("path") or os.getcwd()
        work = Path(tempfile.mkdtemp(prefix="nnlib-grading-"))
        kernel_dir = work / "k"
        kernel_dir.mkdir()
        report = work / "guard.jsonl"
        config = work / "sandbox.json"
        verdict = work / "launcher.json"
        config.write_text(json.dumps({
            "sandbox": use_sandbox, "kernel_dir": str(kernel_dir), "workdir": str(Path(path).resolve()),
            "report": str(report), "verdict": str(verdict), "limits": vars(limits),
            "font_cache": [str(p) for p in _font_caches()],
            # without the sandbox, the guard's audit hook keeps the kernel out of these
            "env": {**({} if use_sandbox else {"NNLIB_GUARD_PROTECT": json.dumps(_secrets())}),
                    **{name: str(self.threads) for name in THREAD_VARIABLES
                       if self.threads > 0 and name not in os.environ}},
        }))
        spec = KernelSpec(argv=[os.sys.executable, "-m", "nnlib.course.sandbox", str(config),
                                "{connection_file}"],
                          display_name="Python 3 (nnlib grading)", language="python",
                          interrupt_mode="message", env={}, resource_dir=str(work))
        if km is None:
            km = AsyncKernelManager(config=self.config, transport="ipc",
                                    ip=str(kernel_dir / "k"),
                                    connection_file=str(kernel_dir / "kernel.json"))
            km._kernel_spec = spec
        self.extra_arguments = []
        try:
            try:
                super().preprocess(nb, resources, km=km)
            except Exception as exc:   # noqa: BLE001 - the kernel could not start or broke
                if self._stopped is None:
                    self._stop(None, f"the notebook could not be run: "
                                     f"{type(exc).__name__}: {str(exc)[:300]}")
                for cell in nb.cells:
                    if cell.cell_type == "code" and cell.get("execution_count") is None \
                            and not any(o.get("output_type") == "error" for o in cell.outputs):
                        cell.outputs.append(_error("NotRun", self._stopped))
            self._judge(nb, report, verdict)
        finally:
            # nbclient leaves a kernel manager it was given running: stop the kernel here
            # (the launcher, and with it the sandbox), before its folder goes
            self._shutdown(km)
            shutil.rmtree(work, ignore_errors=True)
        resources[VERDICT_KEY] = self._verdict
        nb.metadata[VERDICT_KEY] = self._verdict
        return nb, resources

    # ---- cells
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._stopped is not None:
            cell.outputs = [_error("NotRun", f"not run: {self._stopped}")]
            cell.execution_count = None
            return cell, resources
        if time.monotonic() - self._started > self.wall:
            self._stop(index, f"the notebook ran past its {self.wall:g} s time limit",
                       limit="wall")
            return self.preprocess_cell(cell, resources, index)
        original = cell.source
        if is_test(cell):
            cell.source = test_scope(original)
        self._executed[index] = hashlib.sha256(cell.source.encode()).hexdigest()
        try:
            return super().preprocess_cell(cell, resources, index)
        except Exception as exc:   # noqa: BLE001 - DeadKernelError, CellTimeoutError ...
            name = type(exc).__name__
            if "Timeout" in name:
                why = (f"cell {index} ran past its {self.timeout} s limit and did not stop when "
                       "interrupted: the grader stopped the notebook there")
                self._stop(index, why)
            else:
                self._stop(index, f"the kernel died in cell {index} ({name})")
            cell.outputs.append(_error("KernelStopped", self._stopped))
            return cell, resources
        finally:
            cell.source = original

    def _stop(self, index, why: str, limit: str | None = None) -> None:
        self._stopped = why
        self._verdict["stopped_at"] = index
        self._verdict["status"] = "crashed"
        self._verdict["reasons"].append(why)
        if limit and limit not in self._verdict["limits"]:
            self._verdict["limits"].append(limit)
        try:
            if self.km is not None and self.km.has_kernel:
                from nbclient.util import run_sync
                run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:   # noqa: BLE001 - it is being stopped anyway
            pass

    async def _async_handle_timeout(self, timeout, cell=None):
        # interrupt; a cell that ignores it is caught by the iopub wait (grace seconds)
        # and raised as CellTimeoutError, which preprocess_cell turns into a stop
        return await super()._async_handle_timeout(timeout, cell)

    # ---- output cap: counted on what the grader receives, whatever the channel
    def output(self, outs, msg, display_id, cell_index):
        size = _content_size(msg.get("content", {}))
        msg_type = msg.get("msg_type")
        self._out_cell[cell_index] = self._out_cell.get(cell_index, 0) + size
        self._out_total += size
        if msg_type != "error" and (self._out_cell[cell_index] > self.max_output
                                    or self._out_total > self.max_notebook_output):
            if cell_index not in self._truncated:
                self._truncated.add(cell_index)
                outs.append(new_output("stream", name="stdout",
                                       text="\n[output truncated by the grader: "
                                            + self._limits.describe("output") + "]\n"))
                if "output" not in self._verdict["limits"]:
                    self._verdict["limits"].append("output")
            return None
        return super().output(outs, msg, display_id, cell_index)

    def process_message(self, msg, cell, cell_index):
        if msg.get("msg_type") == "update_display_data" and (
                _content_size(msg.get("content", {})) > self.max_output):
            return None
        return super().process_message(msg, cell, cell_index)

    # ---- judgement
    def _judge(self, nb, report: Path, launcher: Path) -> None:
        v = self._verdict
        try:
            info = json.loads(launcher.read_text()) if launcher.is_file() else {}
        except (OSError, ValueError):
            info = {}
        if isinstance(info, dict):
            v["peak"] = info.get("peak") or {}
            if info.get("reason") == "disk":
                v["limits"].append("disk")
                v["reasons"].append("stopped: it wrote more than the "
                                    + self._limits.describe("disk"))
        # limits the kernel met: errors of these kinds in any cell
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") != "error":
                    continue
                text = f"{out.get('ename')}: {out.get('evalue')}"
                for pattern, limit in ((r"MemoryError|Cannot allocate memory", "memory"),
                                       (r"Resource temporarily unavailable|can't start new thread",
                                        "processes"),
                                       (r"File too large", "file_size"),
                                       (r"No space left on device", "disk")):
                    if re.search(pattern, text) and limit not in v["limits"]:
                        v["limits"].append(limit)
        for limit in v["limits"]:
            v["reasons"].append("hit the " + self._limits.describe(limit))

        records, problems = read_report(report.read_bytes() if report.is_file() else b"")
        v["flags"] += problems
        if not any(r.event == "start" for r in records) and v["stopped_at"] is None:
            v["flags"].append("the tamper guard did not start")
        for r in records:
            if r.event == "blocked":
                v["flags"].append(f"blocked: {r.what}")
            elif r.event == "cell" and r.changed:
                v["flags"].append(f"cell {r.cell} changed {', '.join(r.changed[:5])} "
                                  "(restored by the grader)")
        runs: dict[str, list] = {}
        for r in records:
            if r.event == "cell":
                runs.setdefault(r.sha, []).append(r)
        for cell in nb.cells:
            if cell.cell_type == "code" and is_answer(cell):
                where = _meta(cell).get("grade_id") or f"cell {cell.get('id', '?')}"
                v["flags"] += [f"{where}: {finding}"
                               for finding in policy_check(cell.source, self._notebook)]
        for index, cell in enumerate(nb.cells):
            if not is_test(cell) or cell.get("execution_count") is None:
                continue
            grade_id = _meta(cell)["grade_id"]
            mine = runs.get(self._executed.get(index, ""), [])
            has_error = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
            why = None
            if problems:
                why = "the guard's report was tampered with"
            elif not mine:
                why = "ran without a guard record"
            elif any(r.changed for r in mine):
                why = "the checks were patched while this test ran"
            elif any(r.error for r in mine) and not has_error:
                why = "an error was raised but hidden from the grader"
            if why:
                v["zeroed"].append(grade_id)
                v["flags"].append(f"0 points for {grade_id}: {why}")
                if not has_error:
                    cell.outputs.append(_error("GradingFlag", f"scored 0 by the grader: {why}"))
        v["flags"] = sorted(set(v["flags"]), key=lambda f: (not f.startswith("0 points"), f))
        if v["flags"] and v["status"] == "graded":
            v["status"] = "flagged"


def _secrets() -> list[str]:
    from . import GRADING, ROOT, SOLUTIONS
    return [str(p) for p in (SOLUTIONS, GRADING, ROOT / ".git", ROOT / "tests")]


TEST_SCOPE = "__nnlib_test_cell__"


def _stored_names(tree: ast.AST) -> set[str]:
    """Names a block of code binds at its own level (not inside functions it defines)."""
    out: set[str] = set()
    todo = list(ast.iter_child_nodes(tree))
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
            todo += node.decorator_list
            continue                       # its body is its own scope
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.add(node.name)
        elif isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
                               ast.GeneratorExp)):
            continue
        todo += list(ast.iter_child_nodes(node))
    return out


def test_scope(source: str) -> str:
    """The test cell's code run inside a function: what its hidden part computes (reference
    values, fresh inputs) lives in local variables, which an answer's code cannot reach by
    name, as it could reach globals of the notebook. Names the visible part binds stay
    global (the student sees that code, and later cells may use them, helpers included).
    The last expression is still the cell's value (nbgrader's partial credit)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    if not tree.body:
        return source
    visible, _hidden = split_hidden(source)
    try:
        public = sorted(_stored_names(ast.parse(visible)))
    except SyntaxError:
        public = []
    body = list(tree.body)
    if public:
        body.insert(0, ast.Global(names=public))
    last = body[-1]
    if isinstance(last, ast.Expr):
        body[-1] = ast.Return(value=last.value)
    func = ast.FunctionDef(name=TEST_SCOPE, args=ast.arguments(
        posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]),
        body=body, decorator_list=[], returns=None, type_params=[])
    call = ast.Expr(value=ast.Call(func=ast.Name(id=TEST_SCOPE, ctx=ast.Load()), args=[],
                                   keywords=[]))
    module = ast.fix_missing_locations(ast.Module(body=[func, call], type_ignores=[]))
    return ast.unparse(module) + "\n"


def _content_size(content) -> int:
    if isinstance(content, str):
        return len(content)
    if isinstance(content, dict):
        return sum(_content_size(x) for x in content.values())
    if isinstance(content, (list, tuple)):
        return sum(_content_size(x) for x in content)
    return 8


def _font_caches() -> list[Path]:
    try:
        import matplotlib
        import matplotlib.font_manager  # noqa: F401  (builds the cache outside the sandbox)
    except ImportError:
        return []
    return sorted(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))


# ---------------------------------------------------------------- inert content

def make_inert(cell) -> None:
    """Student-made active content as text: HTML, JS, SVG, markdown, LaTeX outputs."""
    for out in cell.get("outputs", []):
        data = out.get("data")
        if not isinstance(data, dict):
            continue
        removed = [k for k in data if k not in SAFE_MIME]
        for key in removed:
            del data[key]
        if removed and "text/plain" not in data:
            data["text/plain"] = f"[{', '.join(removed)} output not shown by the grader]"
        # of the metadata only an image's text alternative stays (plain text, escaped by
        # every exporter): what a figure shows, for the instructor's and the student's reader
        meta = out.get("metadata") if isinstance(out.get("metadata"), dict) else {}
        out["metadata"] = {
            mime: {"alt": meta[mime]["alt"][:1000]} for mime in ("image/png", "image/jpeg")
            if mime in data and isinstance(meta.get(mime), dict)
            and isinstance(meta[mime].get("alt"), str)}
    if cell.get("cell_type") == "markdown" and not _meta(cell).get("locked"):
        cell.source = html.escape(cell.source, quote=False)
        cell.pop("attachments", None)
    if cell.get("cell_type") == "raw":
        cell.cell_type = "markdown"
        cell.source = html.escape(cell.source, quote=False)
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


class InertOutputs(Preprocessor):
    """Render student HTML/JS/SVG inert in the notebooks an instructor opens."""

    enabled = Bool(True).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        make_inert(cell)
        return cell, resources


class RecordVerdict(NbGraderPreprocessor):
    """Store the verdict in the autograded notebook; flag the notebook in the gradebook."""

    def preprocess(self, nb, resources):
        verdict = resources.get(VERDICT_KEY) or {"status": "failed", "flags": [],
                                                 "reasons": ["not executed by GuardedExecute"]}
        nb.metadata[VERDICT_KEY] = verdict
        info = resources.get("nbgrader", {})
        if verdict["status"] != "graded" and info.get("db_url") and info.get("student"):
            from nbgrader.api import Gradebook, MissingEntry
            try:
                with Gradebook(info["db_url"]) as gb:
                    sub = gb.find_submission_notebook(info["notebook"], info["assignment"],
                                                      info["student"])
                    sub.flagged = True
                    gb.db.commit()
            except MissingEntry:
                pass
        return nb, resources

    def preprocess_cell(self, cell, resources, index):  # pragma: no cover
        return cell, resources


# ---------------------------------------------------------------- feedback

def split_hidden(source: str) -> tuple[str, list[str]]:
    """(the source without its hidden-test blocks, the hidden lines)."""
    visible, hidden, inside = [], [], False
    for line in source.splitlines():
        if line.strip() == HIDDEN_BEGIN:
            inside = True
            continue
        if line.strip() == HIDDEN_END:
            inside = False
            continue
        (hidden if inside else visible).append(line)
    return "\n".join(visible).rstrip() + "\n", hidden


def significant(lines: list[str], minimum: int = 8) -> list[str]:
    """Hidden lines long enough to be recognised (shorter ones are brackets, keywords)."""
    return sorted({line.strip() for line in lines if len(line.strip()) >= minimum}, key=len,
                  reverse=True)


def scrub(text: str, hidden: list[str]) -> str:
    """Remove every line of ``text`` that contains a hidden line."""
    if not text:
        return text
    kept = [line for line in text.splitlines(keepends=True)
            if not any(h in line for h in hidden)
            and HIDDEN_BEGIN not in line and HIDDEN_END not in line]
    return "".join(kept)


def redact_notebook(nb) -> NotebookNode:
    """The feedback form of an autograded notebook (see RedactFeedback)."""
    hidden: list[str] = []
    for cell in nb.cells:
        if cell.get("cell_type") == "code" and _meta(cell).get("grade"):
            cell.source, lines = split_hidden(cell.source)
            hidden += lines
    # a hidden line that the notebook also shows (`with torch.no_grad():` in a visible
    # check or in the student's own code) is no secret: scrubbing it would only mangle
    # the student's code in the feedback
    shown = {line.strip() for cell in nb.cells for line in cell.get("source", "").splitlines()}
    hidden = [h for h in significant(hidden) if h not in shown]
    for cell in nb.cells:
        make_inert(cell)
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream":
                out["text"] = scrub(out.get("text", ""), hidden)
            elif kind == "error":
                ename = str(out.get("ename", "Error"))
                evalue = scrub(str(out.get("evalue", "")), hidden)
                out["ename"], out["evalue"] = ename, evalue
                out["traceback"] = [f"{ename}: {evalue}"]
            elif isinstance(out.get("data"), dict):
                for key, value in list(out["data"].items()):
                    if key == "text/plain":
                        text = "".join(value) if isinstance(value, list) else str(value)
                        out["data"][key] = scrub(text, hidden)
        if cell.get("cell_type") != "code" or not _meta(cell).get("grade"):
            source = scrub(cell.get("source", ""), hidden)
            cell.source = source
    nb.metadata.pop(VERDICT_KEY, None)
    return nb


class RedactFeedback(Preprocessor):
    """Feedback without hidden tests, without tracebacks, without active content."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        return redact_notebook(nb), resources


# nbgrader's feedback template fails WCAG 2.1 AA (axe-core): its <html> has no language, its
# links (#337ab7 on #f5f5f5, 4.2:1) are neither dark enough nor underlined, and some colours
# of the code highlighting (comments #3d7b7b, 4.46:1) are too light. Links in a panel's
# heading take the heading's own colour (bootstrap's panels pass); the others are 7.6:1.
FEEDBACK_CSS = """
a, a:visited { color: #23527c; text-decoration: underline; }
a:hover, a:focus { color: #0b2a45; }
div.nbgrader_cell .panel-heading a, div.nbgrader_cell .panel-heading a:visited { color: inherit; }
"""


def _luminance(rgb: str) -> float:
    channels = [int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    """WCAG's contrast ratio of two colours written #rrggbb."""
    a, b = sorted((_luminance(fg.lstrip("#")), _luminance(bg.lstrip("#"))), reverse=True)
    return (a + 0.05) / (b + 0.05)


@functools.cache
def code_css(selector: str = ".highlight", background: str = "#f5f5f5",
             minimum: float = 4.6) -> str:
    """Pygments' default colours for code, each darkened (same hue) until it reaches
    ``minimum`` contrast on ``background`` (WCAG AA asks 4.5:1 for text)."""
    from pygments.formatters import HtmlFormatter
    from pygments.styles import get_style_by_name

    def darker(match: re.Match) -> str:
        colour = match.group(2).lower()
        if len(colour) == 3:
            colour = "".join(c * 2 for c in colour)
        while contrast(colour, background) < minimum:
            colour = "".join(f"{int(int(colour[i:i + 2], 16) * 0.92):02x}" for i in (0, 2, 4))
        return f"{match.group(1)}#{colour}"

    base = get_style_by_name("default")
    styles = {token: re.sub(r"(^|\s)#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", darker, rule)
              for token, rule in base.styles.items()}
    style = type("AccessibleDefault", (base,), {"styles": styles})
    return HtmlFormatter(style=style).get_style_defs(selector)


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback page (its ``feedback`` template, unchanged) with the page's language
    and links that meet WCAG 2.1 AA. It is GenerateFeedback.exporter_class in
    nbgrader_config.py, so `nbgrader generate_feedback`, formgrader's button (which forces the
    template, not the exporter) and ``grade`` all write the same page."""

    language = Unicode("en", help="the language of the feedback page (<html lang=...>)").tag(
        config=True)

    def from_notebook_node(self, nb, resources=None, **kw):
        output, resources = super().from_notebook_node(nb, resources, **kw)
        output = re.sub(r"<html(?=[\s>])(?![^>]*\blang=)", f'<html lang="{html.escape(self.language)}"',
                        output, count=1)
        output = output.replace("</head>", f"<style>{FEEDBACK_CSS}{code_css()}</style>\n</head>", 1)
        return output, resources
