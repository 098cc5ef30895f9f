"""Run: execute solution notebooks, print a table of seconds per notebook.

With ``save=True`` the executed notebooks (outputs included) are written back to
solutions/, which is how the committed outputs are refreshed after an edit.
"""
from __future__ import annotations

import sys

import nbformat

from . import cells, resolve, solution
from .execute import execute, read_notebook

BUDGET_S = 60.0


def execute_all(names: list[str] | None = None, save: bool = False) -> list[tuple[str, float, list[str]]]:
    """Execute solution notebooks: (name, seconds, problems) per notebook."""
    rows = []
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover
        tqdm = None
    todo = resolve(names)
    for name in todo:              # every notebook readable before any runs: errors come first
        read_notebook(solution(name))
    bar = tqdm(todo, desc="notebooks", file=sys.stderr, leave=False) if tqdm else todo
    for name in bar:
        if tqdm:
            bar.set_postfix_str(name)
        path = solution(name)
        result = execute(path)
        problems = []
        if result.crashed:
            problems.append(result.crashed)
        problems += [f"{cells.describe(result.nb, i)}: {e}" for i, e in result.errors]
        problems += [f"{cells.describe(result.nb, i)} wrote to stderr: {t.strip().splitlines()[0][:80]}"
                     for i, t in result.stderr]
        if save and not result.crashed:
            nbformat.write(result.nb, str(path))
        rows.append((name, result.seconds, problems))
    return rows


def run(names: list[str] | None = None, save: bool = False, out=None) -> int:
    """Execute, print the table (to ``out``, default stdout); 1 when a notebook had a problem."""
    out = sys.stdout if out is None else out
    rows = execute_all(names, save)
    status = any(problems or secs > BUDGET_S for _, secs, problems in rows)
    width = max(len(r[0]) for r in rows) if rows else 8
    print(f"{'notebook':<{width}}  {'seconds':>8}  status", file=out)
    for name, secs, problems in rows:
        flag = "ok" if not problems else "; ".join(problems)
        if secs > BUDGET_S:
            flag += f" (over the {BUDGET_S:.0f} s budget)"
        print(f"{name:<{width}}  {secs:8.1f}  {flag}", file=out)
    total = sum(r[1] for r in rows)
    print(f"{'total':<{width}}  {total:8.1f}", file=out)
    return int(status)
