"""Benchmarks: ``python -m bench`` (or ``make bench``).

Measures how long students and instructors wait, and how the course's vectorised numpy code
compares with PyTorch, then writes bench/results/bench.json, bench/results/bench.md and the
table in README.md (between the bench markers). Figures, not pass/fail: each budget is
marked met or missed.

- start-up: ``python -X importtime -c "import nbformat"`` (cumulative, best of 3) and the
  wall time of ``python -m nnlib.course --help`` (best of 3);
- every solution notebook, on an idle machine and with a second core busy (a busy-loop
  process pinned to the last core while the notebook runs);
- ``make test-fast`` (the pytest command it runs) and, unless skipped, ``make test``;
- grading 20 submissions of notebook 01 with 1 job and with all cores: the overhead per
  submission beyond the notebook's own run, and the speed-up;
- the course's vectorised conv2d (08) and numpy MLP (03) against PyTorch, and the GPU
  speed-up of the notebooks' own models (06's ``build_model``, 08's ``make_cnn_1d``, taken
  from the solution notebooks, not re-typed here).

    --submissions N     submissions per grading run (default 20)
    --skip-grading      leave out the grading runs (a few minutes)
    --skip-test-suite   leave out ``make test`` (about 10 minutes)
    --skip-busy         leave out the notebook runs with a busy core
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np

from nnlib.course import ROOT, cells, solution, student
from nnlib.course.run import execute_all

RESULTS = ROOT / "bench" / "results"
BUDGETS = {
    "import_nbformat_s": 2.0,        # every course tool and each graded submission pays it
    "cli_help_s": None,              # recorded, no budget
    "notebook_s": 60.0,              # each notebook, idle machine
    "notebook_busy_s": 60.0,         # each notebook with a second core busy
    "series_s": 300.0,
    "grading_overhead_s": 1.5,       # per submission, beyond the notebook's own run
    "grading_speedup": 1.8,          # all cores (2) against 1 job
    "test_fast_s": 15.0,
    "test_s": 600.0,
}
TEST_FAST = [sys.executable, "-m", "pytest", "tests", "-m", "not slow", "-q", "-p", "no:cacheprovider"]


def machine() -> dict:
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return {"date": dt.date.today().isoformat(), "cores": os.cpu_count(), "cpu": cpu, "gpu": gpu,
            "python": platform.python_version(), "torch": torch.__version__}


def solution_namespace(assignment: str, grade_ids: list[str]) -> dict:
    """Run a solution notebook's setup cell and the named solution cells; return the namespace.

    The benchmark times the course's reference solutions without copying them into nnlib.
    """
    nb = nbformat.read(str(solution(assignment)), as_version=4)
    ns: dict = {"__name__": "bench"}
    code = [c for c in nb.cells if c.cell_type == "code"]
    exec(compile(code[0].source, f"{assignment}:setup", "exec"), ns)
    for gid in grade_ids:
        cell = nb.cells[cells.find(nb, gid)]
        exec(compile(cell.source, f"{assignment}:{gid}", "exec"), ns)
    missing = [g for g in grade_ids if g not in ns]
    if missing:
        raise KeyError(f"{assignment}: no solution cell defines {missing}")
    return ns


def notebook_definition(assignment: str, name: str) -> str:
    """The source of the top-level ``def name`` (decorators included) in a solution notebook.

    Lets the benchmark time the notebook's own model, whatever else its cell holds.
    """
    nb = nbformat.read(str(solution(assignment)), as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or f"def {name}" not in cell.source:
            continue
        tree = ast.parse(cell.source)
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
                lines = cell.source.splitlines()
                start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
                return "\n".join(lines[start:node.end_lineno]) + "\n"
    raise KeyError(f"{assignment}: no code cell defines {name!r} at the top level")


def notebook_function(assignment: str, name: str):
    """``name`` as the solution notebook defines it, run after the notebook's setup cell."""
    nb = nbformat.read(str(solution(assignment)), as_version=4)
    setup = next(c for c in nb.cells if c.cell_type == "code")
    ns: dict = {"__name__": "bench"}
    exec(compile(setup.source, f"{assignment}:setup", "exec"), ns)
    exec(compile(notebook_definition(assignment, name), f"{assignment}:{name}", "exec"), ns)
    return ns[name]


@contextlib.contextmanager
def busy_core():
    """A busy-loop process pinned to the last core for the duration of the block.

    Yields (core, pid) of the busy loop, or None where there is a single core or no
    affinity call."""
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cores) < 2:
        yield None
        return
    proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        os.sched_setaffinity(proc.pid, {cores[-1]})
        yield cores[-1], proc.pid
    finally:
        proc.kill()
        proc.wait()


def best_seconds(cmd: list[str], repeats: int = 3) -> float:
    """Best wall time of a command (it must succeed)."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return min(times)


def import_seconds(module: str) -> float:
    """Cumulative import time of ``module`` in a fresh interpreter (-X importtime)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    for line in proc.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1e6
    raise RuntimeError(f"no -X importtime line for {module}")


def bench_startup() -> dict:
    return {"import_nbformat_s": round(min(import_seconds("nbformat") for _ in range(3)), 3),
            "cli_help_s": round(best_seconds([sys.executable, "-m", "nnlib.course", "--help"]), 3)}


def bench_tests(full: bool) -> dict:
    """Wall time of test-fast's pytest command, and of ``make test`` when ``full``."""
    out = {}
    t = time.perf_counter()
    proc = subprocess.run(TEST_FAST, cwd=ROOT, capture_output=True, text=True)
    out["test_fast"] = {"seconds": round(time.perf_counter() - t, 1), "exit": proc.returncode,
                        "summary": (proc.stdout.strip().splitlines() or [""])[-1]}
    if full:
        t = time.perf_counter()
        proc = subprocess.run(["make", "-s", "test"], cwd=ROOT, capture_output=True, text=True)
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "make-test.log").write_text(proc.stdout + proc.stderr)
        out["test"] = {"seconds": round(time.perf_counter() - t, 1), "exit": proc.returncode,
                       "summary": (proc.stdout.strip().splitlines() or [""])[-1]}
    return out


def best_of(fn, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bench_notebooks(busy: bool = False) -> dict:
    """Seconds per solution notebook; with ``busy``, while a busy loop holds the last core."""
    with busy_core() if busy else contextlib.nullcontext() as loop:
        rows = execute_all()
    per = {name: round(secs, 2) for name, secs, _ in rows}
    problems = {name: p for name, _, p in rows if p}
    out = {"seconds": per, "series_s": round(sum(per.values()), 2), "problems": problems}
    if busy:
        out["busy_core"] = loop[0] if loop else None
    return out


def bench_grading(n: int, rounds: int = 3) -> dict:
    """Grade n submissions of notebook 01 (alternately the solution and the blank) with 1 job
    and with all cores; the overhead is grading time per submission minus the mean of the two
    notebooks' own runs (each executed here as nbclient runs it, no grader). Each is measured
    ``rounds`` times, alternating, and the best counts: on a shared or virtual machine a
    single run varies by 10% or more (the same 20 submissions with 2 jobs: 38.0-41.0 s in
    six runs of one afternoon)."""
    from nnlib.course.execute import execute
    from io import StringIO

    from nnlib.course.grade import grade
    from nnlib.course.sandbox import available

    assignment = "01_gradient_descent"
    out = {"assignment": assignment, "submissions": n, "sandbox": available()[0]}
    own = {"solution": min(execute(solution(assignment)).seconds for _ in range(rounds)),
           "blank": min(execute(student(assignment)).seconds for _ in range(rounds))}
    notebook_seconds = (own["solution"] + own["blank"]) / 2      # the submissions alternate
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        subs = Path(tmp) / "subs"
        subs.mkdir()
        for i in range(n):
            src = solution(assignment) if i % 2 == 0 else student(assignment)
            shutil.copy(src, subs / f"s{i:03d}_{assignment}.ipynb")
        for r in range(rounds):
            for jobs in sorted({1, os.cpu_count() or 1}):
                log = StringIO()
                t = time.perf_counter()
                code = grade(subs, assignment, Path(tmp) / f"out{jobs}-{r}", stream=log,
                             jobs=jobs, sandbox=available()[0])
                secs = time.perf_counter() - t
                best = out.get(f"jobs_{jobs}")
                if best is None or secs < best["seconds"]:
                    out[f"jobs_{jobs}"] = {"seconds": round(secs, 1),
                                           "per_submission_s": round(secs / n, 2), "exit": code}
                out.setdefault(f"jobs_{jobs}_runs_s", []).append(round(secs, 1))
        one = out["jobs_1"]["per_submission_s"]
        many = out[f"jobs_{os.cpu_count() or 1}"]["per_submission_s"]
        out["speedup"] = round(one / many, 2)
        out["notebook_s"] = round(notebook_seconds, 2)
        out["notebook_own_s"] = {k: round(v, 2) for k, v in own.items()}
        out["overhead_per_submission_s"] = round(one - notebook_seconds, 2)
    return out


def bench_peaks() -> dict:
    """Grade every solution notebook once in the sandbox; the peaks its kernel reached
    (resident memory, processes, threads, bytes in its socket folder), against the limits."""
    from io import StringIO

    import nbformat

    from nnlib.course import assignments
    from nnlib.course.grade import grade
    from nnlib.course.pipeline import VERDICT_KEY
    from nnlib.course.sandbox import Limits, available

    out = {"limits": vars(Limits()), "sandbox": available()[0], "notebooks": {}}
    with tempfile.TemporaryDirectory(prefix="bench-peaks-") as tmp:
        for assignment in assignments():
            subs = Path(tmp) / assignment / "subs"
            subs.mkdir(parents=True)
            shutil.copy(solution(assignment), subs / f"sol_{assignment}.ipynb")
            grade(subs, assignment, Path(tmp) / assignment / "out", stream=StringIO(), jobs=1,
                  sandbox=available()[0])
            done = Path(tmp) / assignment / "out" / "autograded" / "sol" / assignment / f"{assignment}.ipynb"
            if done.is_file():
                verdict = nbformat.read(str(done), as_version=4).metadata.get(VERDICT_KEY, {})
                out["notebooks"][assignment] = verdict.get("peak", {})
    return out


def bench_conv2d() -> dict:
    import torch
    import torch.nn.functional as F

    ns = solution_namespace("08_cnn", ["conv2d_vectorised"])
    conv = ns["conv2d_vectorised"]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3, 32, 32)).astype(np.float32)
    w = rng.standard_normal((16, 3, 3, 3)).astype(np.float32)
    b = rng.standard_normal(16).astype(np.float32)
    xt, wt, bt = map(torch.from_numpy, (x, w, b))
    diff = float(np.abs(conv(x, w, b, 1, 1) - F.conv2d(xt, wt, bt, padding=1).numpy()).max())
    ours = best_of(lambda: conv(x, w, b, 1, 1))
    with torch.no_grad():
        theirs = best_of(lambda: F.conv2d(xt, wt, bt, padding=1))
    return {"shape": "(64, 3, 32, 32), 16 filters 3x3, stride 1, padding 1, float32",
            "course_ms": round(1e3 * ours, 2), "torch_ms": round(1e3 * theirs, 2),
            "ratio": round(ours / theirs, 2), "max_abs_diff": diff, "torch_threads": torch.get_num_threads(),
            "backward": "the course has no vectorised conv2d backward (autograd is used for training)"}


def bench_mlp() -> dict:
    """One epoch of minibatch SGD on MNIST-1D: the course's numpy MLP (notebook 03) vs torch."""
    import torch

    from nnlib import data

    ns = solution_namespace("03_backprop", ["mlp_forward", "mlp_backward", "softmax_cross_entropy"])
    fwd, bwd, sce = ns["mlp_forward"], ns["mlp_backward"], ns["softmax_cross_entropy"]
    d = data.mnist1d()
    X, y = d["x_train"].astype(np.float32), d["y_train"]
    sizes, batch, lr = [40, 100, 100, 10], 100, 0.01
    rng = np.random.default_rng(0)
    Om0 = [(rng.standard_normal((o, i)) * np.sqrt(2 / i)).astype(np.float32) for i, o in zip(sizes, sizes[1:])]
    be0 = [np.zeros(o, np.float32) for o in sizes[1:]]

    def numpy_epoch():
        Om, be = [o.copy() for o in Om0], [b.copy() for b in be0]
        for s in range(0, len(X), batch):
            fs, hs = fwd(X[s:s + batch], Om, be)
            _, g = sce(fs[-1], y[s:s + batch])
            dO, db = bwd(g, Om, fs, hs)
            Om = [o - lr * d_ for o, d_ in zip(Om, dO)]
            be = [b - lr * d_ for b, d_ in zip(be, db)]

    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def torch_epoch():
        Om = [torch.tensor(o, requires_grad=True) for o in Om0]
        be = [torch.tensor(b, requires_grad=True) for b in be0]
        for s in range(0, len(Xt), batch):
            h = Xt[s:s + batch]
            for k, (o, b) in enumerate(zip(Om, be)):
                h = h @ o.T + b
                if k < len(Om) - 1:
                    h = torch.relu(h)
            loss = torch.nn.functional.cross_entropy(h, yt[s:s + batch], reduction="sum")
            loss.backward()
            with torch.no_grad():
                for p in Om + be:
                    p -= lr * p.grad
                    p.grad = None

    ours, theirs = best_of(numpy_epoch, 3), best_of(torch_epoch, 3)
    return {"setup": "MNIST-1D 4000 x 40, MLP 40-100-100-10, batch 100, float32",
            "course_ms": round(1e3 * ours, 1), "torch_ms": round(1e3 * theirs, 1),
            "ratio": round(ours / theirs, 2)}


def bench_gpu() -> dict:
    import torch

    if not torch.cuda.is_available():
        return {"skipped": "no CUDA device"}
    from nnlib import data, timer

    d = data.mnist1d()
    out = {}
    # The notebooks' own models: 06's graded build_model (its timing cell uses widths 100
    # and 512) and 08's make_cnn_1d, read from the solution notebooks.
    build_model = solution_namespace("06_deep_networks", ["build_model"])["build_model"]
    make_cnn_1d = notebook_function("08_cnn", "make_cnn_1d")
    # torch's CPU threads stay as the notebooks' setup cells set them (1): the CPU figure is
    # what a student's training cell gets; the row says how many threads it had.
    models = {
        "06 build_model(40, 10, hidden_dim=100)": lambda: build_model(40, 10, hidden_dim=100),
        "06 build_model(40, 10, hidden_dim=512)": lambda: build_model(40, 10, hidden_dim=512),
        "08 make_cnn_1d()": make_cnn_1d,
    }
    for name, make in models.items():
        row = {}
        for dev in ("cpu", "cuda"):
            torch.manual_seed(0)
            model = make().to(dev)
            opt = torch.optim.SGD(model.parameters(), lr=0.01)
            X = torch.from_numpy(d["x_train"]).to(dev)
            y = torch.from_numpy(d["y_train"]).to(dev)

            def epoch():
                for s in range(0, len(X), 100):
                    opt.zero_grad()
                    torch.nn.functional.cross_entropy(model(X[s:s + 100]), y[s:s + 100]).backward()
                    opt.step()
            epoch()
            with timer(sync=torch.device(dev)) as t:
                for _ in range(5):
                    epoch()
            row[f"{dev}_epoch_ms"] = round(1e3 * t.seconds / 5, 1)
        row["speedup"] = round(row["cpu_epoch_ms"] / row["cuda_epoch_ms"], 2)
        row["cpu_threads"] = torch.get_num_threads()
        out[name] = row
    return out


def _budget(value: float | None, budget: float | None, unit: str = "s", *, at_least=False,
            at_most=False) -> str:
    """'< 60 s: met' / '>= 1.8x: **missed**' / '<= 1.5 s: not measured'."""
    if budget is None:
        return ""
    sign = ">=" if at_least else "<=" if at_most else "<"
    if value is None:
        return f"{sign} {budget:g} {unit}: not measured".replace(" x:", "x:")
    good = value >= budget if at_least else value <= budget if at_most else value < budget
    text = f"{sign} {budget:g}{'x' if unit == 'x' else ' ' + unit}"
    return f"{text}: {'met' if good else '**missed**'}"


def markdown(r: dict) -> str:
    """The results as a markdown table: what, measured, budget (met or missed)."""
    m, b = r["machine"], BUDGETS
    lines = [f"Measured {m['date']} on {m['cores']} cores, {m['cpu']}, "
             f"{'GPU ' + m['gpu'] if m['gpu'] else 'no GPU'} (Python {m['python']}, torch {m['torch']}).",
             "", "| What | Measured | Budget |", "|---|---|---|"]
    st = r.get("startup")
    if st:
        lines.append(f"| `import nbformat` (cumulative, -X importtime) | {st['import_nbformat_s']:.2f} s | "
                     f"{_budget(st['import_nbformat_s'], b['import_nbformat_s'])} |")
        lines.append(f"| `python -m nnlib.course --help` (wall) | {st['cli_help_s']:.2f} s | |")
    nbs, busy = r["notebooks"], r.get("notebooks_busy")
    for name, secs in nbs["seconds"].items():
        lines.append(f"| notebook {name} | {secs:.1f} s | {_budget(secs, b['notebook_s'])} |")
        if busy and name in busy["seconds"]:
            bs = busy["seconds"][name]
            lines.append(f"| notebook {name}, second core busy | {bs:.1f} s | "
                         f"{_budget(bs, b['notebook_busy_s'])} |")
    lines.append(f"| the whole series | {nbs['series_s']:.1f} s | {_budget(nbs['series_s'], b['series_s'])} |")
    if busy:
        lines.append(f"| the whole series, second core busy | {busy['series_s']:.1f} s | |")
    g = r.get("grading")
    if g:
        jobs = sorted((k for k in g if re.fullmatch(r"jobs_\d+", k)), key=lambda k: int(k.split("_")[1]))
        for k in jobs:
            runs = g.get(f"{k}_runs_s")
            lines.append(f"| grading {g['submissions']} submissions of 01, {k.split('_')[1]} job(s) | "
                         f"{g[k]['seconds']:.1f} s, {g[k]['per_submission_s']:.2f} s per submission"
                         + (f" (best of {', '.join(f'{x:g}' for x in runs)} s)" if runs else "")
                         + " | |")
        many = jobs[-1].split("_")[1]
        lines.append(f"| grading speed-up with {many} jobs | {g['speedup']:.2f}x | "
                     f"{_budget(g['speedup'], b['grading_speedup'], 'x', at_least=True)} |")
        own = g.get("notebook_own_s")
        base = (f"the mean of the solution's {own['solution']:.1f} s and the blank's "
                f"{own['blank']:.1f} s own runs" if own else f"the notebook's {g['notebook_s']:.1f} s")
        lines.append(f"| grading overhead per submission (1 job, beyond {base}) | "
                     f"{g['overhead_per_submission_s']:.2f} s | "
                     f"{_budget(g['overhead_per_submission_s'], b['grading_overhead_s'], at_most=True)} |")
    pk = r.get("peaks")
    if pk and pk["notebooks"]:
        lim = pk["limits"]
        for name, p in pk["notebooks"].items():
            lines.append(f"| graded in the sandbox: {name} peak | {p.get('rss', 0) / 2**20:.0f} MiB "
                         f"resident, {p.get('processes', 0)} processes, {p.get('threads', 0)} threads | "
                         f"limits {lim['memory'] / 2**30:g} GiB address space per process, "
                         f"{lim['processes']} processes and threads |")
    t = r.get("tests", {})

    def suite(run: dict, budget: float, log: str) -> str:
        """A suite's budget counts only when every test passed."""
        if run.get("exit", 0) != 0:
            return f"**failed** (exit {run['exit']}: {log})"
        return _budget(run["seconds"], budget)

    tf = t.get("test_fast")
    if tf:
        lines.append(f"| `make test-fast` | {tf['seconds']:.1f} s ({tf['summary'].strip('= ')}) | "
                     f"{suite(tf, b['test_fast_s'], 'run it for the failures')} |")
    full = t.get("test")
    lines.append(f"| `make test` | " + (f"{full['seconds'] / 60:.1f} min ({full['summary'].strip('= ')})"
                                       if full else "not measured (--skip-test-suite)")
                 + " | " + (suite(full, b["test_s"], "bench/results/make-test.log") if full
                            else _budget(None, b["test_s"])) + " |")
    c, p = r.get("conv2d"), r.get("mlp")
    if c:
        lines.append(f"| vectorised conv2d forward (08) vs torch CPU ({c['torch_threads']} thread(s)), "
                     f"{c['shape']} | {c['course_ms']:.2f} ms vs {c['torch_ms']:.2f} ms: **{c['ratio']:.2f}x** | |")
    if p:
        lines.append(f"| numpy MLP epoch (03) vs torch CPU, {p['setup']} | {p['course_ms']:.1f} ms vs "
                     f"{p['torch_ms']:.1f} ms: **{p['ratio']:.2f}x** | |")
    gpu = r.get("gpu", {})
    if "skipped" in gpu:
        lines.append(f"| GPU speed-up of the notebooks' models (06 build_model, 08 make_cnn_1d) | "
                     f"skipped: {gpu['skipped']} | |")
    else:
        for name, row in gpu.items():
            lines.append(f"| GPU speed-up, {name}, one epoch | {row['cpu_epoch_ms']} ms CPU "
                         f"({row.get('cpu_threads', '?')} thread(s)) vs {row['cuda_epoch_ms']} ms GPU: "
                         f"**{row['speedup']:.2f}x** | |")
    return "\n".join(lines) + "\n"


def update_readme(table: str) -> None:
    readme = ROOT / "README.md"
    if not readme.is_file():
        return
    text = readme.read_text()
    new, n = re.subn(r"(<!-- bench:start -->\n).*?(<!-- bench:end -->)",
                     lambda m: m.group(1) + table + m.group(2), text, flags=re.S)
    if n:
        readme.write_text(new)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--submissions", type=int, default=20)
    ap.add_argument("--skip-grading", action="store_true")
    ap.add_argument("--skip-test-suite", action="store_true", help="do not time `make test`")
    ap.add_argument("--skip-busy", action="store_true", help="no notebook runs with a busy core")
    ap.add_argument("--no-readme", action="store_true", help="do not rewrite README.md's table")
    a = ap.parse_args(argv)
    import warnings
    warnings.filterwarnings("ignore")
    r = {"machine": machine(), "budgets": BUDGETS}
    print("start-up ...", flush=True)
    r["startup"] = bench_startup()
    print("timing the solution notebooks ...", flush=True)
    r["notebooks"] = bench_notebooks()
    if not a.skip_busy:
        print("timing the solution notebooks with a busy second core ...", flush=True)
        r["notebooks_busy"] = bench_notebooks(busy=True)
    if not a.skip_grading:
        print(f"grading {a.submissions} submissions with 1 job and with all cores ...", flush=True)
        r["grading"] = bench_grading(a.submissions)
        print("peak memory and processes of each solution notebook, graded ...", flush=True)
        r["peaks"] = bench_peaks()
    print("test suites ...", flush=True)
    r["tests"] = bench_tests(full=not a.skip_test_suite)
    print("vectorised code vs torch ...", flush=True)
    r["conv2d"] = bench_conv2d()
    r["mlp"] = bench_mlp()
    r["gpu"] = bench_gpu()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench.json").write_text(json.dumps(r, indent=2) + "\n")
    table = markdown(r)
    (RESULTS / "bench.md").write_text(table)
    if not a.no_readme:
        update_readme(table)
    print(table)
    print(f"wrote {RESULTS / 'bench.json'} and {RESULTS / 'bench.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
