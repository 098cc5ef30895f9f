"""Benchmarks: ``python -m bench`` (or ``make bench``).

Measures how long students and instructors wait, and how the course's vectorised numpy code
compares with PyTorch on the CPU, then writes bench/results/bench.json, bench/results/bench.md
and the table in README.md (between the bench markers). Figures, not pass/fail: each budget
is marked met or missed.

    --submissions N   submissions per grading run (default 20)
    --skip-grading    leave out the grading runs (they take a few minutes)
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np

from nnlib.course import ROOT, solution, student
from nnlib.course.run import execute_all

RESULTS = ROOT / "bench" / "results"
BUDGETS = {"notebook_s": 60.0, "series_s": 300.0, "grading_overhead_s": 3.0}


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
    for cell in code:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in grade_ids:
            exec(compile(cell.source, f"{assignment}:{cell.metadata.nbgrader.grade_id}", "exec"), ns)
    missing = [g for g in grade_ids if g not in ns]
    if missing:
        raise KeyError(f"{assignment}: no solution cell defines {missing}")
    return ns


def best_of(fn, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bench_notebooks() -> dict:
    rows = execute_all()
    per = {name: round(secs, 2) for name, secs, _ in rows}
    problems = {name: p for name, _, p in rows if p}
    return {"seconds": per, "series_s": round(sum(per.values()), 2), "problems": problems}


def bench_grading(n: int, notebook_seconds: float) -> dict:
    """Grade n submissions of notebook 01 (alternately the solution and the blank) with 1 job
    and with all cores; the overhead is grading time per submission minus the notebook's run."""
    from io import StringIO

    from nnlib.course.grade import grade
    from nnlib.course.sandbox import available

    assignment = "01_gradient_descent"
    out = {"assignment": assignment, "submissions": n, "sandbox": available()[0]}
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        subs = Path(tmp) / "subs"
        subs.mkdir()
        for i in range(n):
            src = solution(assignment) if i % 2 == 0 else student(assignment)
            shutil.copy(src, subs / f"s{i:03d}_{assignment}.ipynb")
        for jobs in sorted({1, os.cpu_count() or 1}):
            log = StringIO()
            t = time.perf_counter()
            code = grade(subs, assignment, Path(tmp) / f"out{jobs}", stream=log, jobs=jobs,
                         sandbox=available()[0])
            secs = time.perf_counter() - t
            out[f"jobs_{jobs}"] = {"seconds": round(secs, 1), "per_submission_s": round(secs / n, 2),
                                   "exit": code}
        one = out["jobs_1"]["per_submission_s"]
        many = out[f"jobs_{os.cpu_count() or 1}"]["per_submission_s"]
        out["speedup"] = round(one / many, 2)
        out["notebook_s"] = round(notebook_seconds, 2)
        # the notebook's solution and blank take different times; use the solution's (the longer)
        out["overhead_per_submission_s"] = round(one - notebook_seconds, 2)
    return out


def bench_conv2d() -> dict:
    import torch
    import torch.nn.functional as F

    ns = solution_namespace("07_cnn", ["conv2d_vectorised"])
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
    """One epoch of minibatch SGD on MNIST-1D: the course's numpy MLP (notebook 02) vs torch."""
    import torch

    from nnlib import data

    ns = solution_namespace("02_backprop", ["mlp_forward", "mlp_backward", "softmax_cross_entropy"])
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
    models = {
        "05 MLP 40-100-100-100-10": lambda: torch.nn.Sequential(
            torch.nn.Linear(40, 100), torch.nn.ReLU(), torch.nn.Linear(100, 100), torch.nn.ReLU(),
            torch.nn.Linear(100, 100), torch.nn.ReLU(), torch.nn.Linear(100, 10)),
        "07 1D CNN": lambda: torch.nn.Sequential(
            torch.nn.Unflatten(1, (1, 40)), torch.nn.Conv1d(1, 32, 5, padding=2), torch.nn.ReLU(),
            torch.nn.Conv1d(32, 32, 5, padding=2), torch.nn.ReLU(), torch.nn.Flatten(),
            torch.nn.Linear(32 * 40, 10)),
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
        out[name] = row
    return out


def markdown(r: dict) -> str:
    m, nbs, b = r["machine"], r["notebooks"], BUDGETS
    ok = lambda good: "met" if good else "**missed**"  # noqa: E731
    lines = [f"Measured {m['date']} on {m['cores']} cores, {m['cpu']}, "
             f"{'GPU ' + m['gpu'] if m['gpu'] else 'no GPU'} (Python {m['python']}, torch {m['torch']}).",
             "", "| What | Measured | Budget |", "|---|---|---|"]
    for name, secs in nbs["seconds"].items():
        lines.append(f"| notebook {name} | {secs:.1f} s | < {b['notebook_s']:.0f} s: {ok(secs < b['notebook_s'])} |")
    lines.append(f"| the whole series | {nbs['series_s']:.1f} s | < {b['series_s']:.0f} s: "
                 f"{ok(nbs['series_s'] < b['series_s'])} |")
    g = r.get("grading")
    if g:
        jobs = sorted(k for k in g if k.startswith("jobs_"))
        for k in jobs:
            lines.append(f"| grading {g['submissions']} submissions of 01, {k.split('_')[1]} job(s) | "
                         f"{g[k]['seconds']:.1f} s, {g[k]['per_submission_s']:.2f} s per submission | |")
        lines.append(f"| grading speedup with {os.cpu_count()} jobs | {g['speedup']:.2f}x | |")
        lines.append(f"| grading overhead per submission (1 job, beyond the notebook's "
                     f"{g['notebook_s']:.1f} s) | {g['overhead_per_submission_s']:.2f} s | "
                     f"< {b['grading_overhead_s']:.0f} s: {ok(g['overhead_per_submission_s'] < b['grading_overhead_s'])} |")
    c, p = r["conv2d"], r["mlp"]
    lines.append(f"| vectorised conv2d forward (07) vs torch CPU, {c['shape']} | {c['course_ms']:.2f} ms vs "
                 f"{c['torch_ms']:.2f} ms: **{c['ratio']:.2f}x** | |")
    lines.append(f"| numpy MLP epoch (02) vs torch CPU, {p['setup']} | {p['course_ms']:.1f} ms vs "
                 f"{p['torch_ms']:.1f} ms: **{p['ratio']:.2f}x** | |")
    gpu = r["gpu"]
    if "skipped" in gpu:
        lines.append(f"| GPU speedup of the training cells of 05 and 07 | skipped: {gpu['skipped']} | |")
    else:
        for name, row in gpu.items():
            lines.append(f"| GPU speedup, {name}, one epoch | {row['cpu_epoch_ms']} ms CPU vs "
                         f"{row['cuda_epoch_ms']} ms GPU: **{row['speedup']:.2f}x** | |")
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
    ap.add_argument("--no-readme", action="store_true", help="do not rewrite README.md's table")
    a = ap.parse_args(argv)
    import warnings
    warnings.filterwarnings("ignore")
    r = {"machine": machine()}
    print("timing the solution notebooks ...", flush=True)
    r["notebooks"] = bench_notebooks()
    if not a.skip_grading:
        print(f"grading {a.submissions} submissions with 1 job and with all cores ...", flush=True)
        r["grading"] = bench_grading(a.submissions, r["notebooks"]["seconds"]["01_gradient_descent"])
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
