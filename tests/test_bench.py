"""Pieces of the benchmark (python -m bench) that can be checked in seconds."""
import ast
import os
import time

import nbformat
import pytest

from bench.__main__ import BUDGETS, busy_core, markdown, notebook_definition, notebook_function
from nnlib.course import solution


def test_the_gpu_row_times_notebook_07s_own_cnn():
    src = notebook_definition("08_cnn", "make_cnn_1d")
    assert src.startswith("def make_cnn_1d(") and [n.name for n in ast.parse(src).body] == ["make_cnn_1d"]
    # independently: the cell of 07 that builds the CNN contains exactly this text
    nb = nbformat.read(str(solution("08_cnn")), as_version=4)
    assert any(src.strip() in c.source for c in nb.cells if c.cell_type == "code")
    model = notebook_function("08_cnn", "make_cnn_1d")()
    import torch
    assert model(torch.zeros(3, 40)).shape == (3, 10)
    with pytest.raises(KeyError, match="no code cell defines 'no_such_function'"):
        notebook_definition("08_cnn", "no_such_function")


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores")
def test_busy_core_occupies_the_last_core_and_stops():
    with busy_core() as (core, pid):
        assert core == max(os.sched_getaffinity(0))
        assert os.sched_getaffinity(pid) == {core}
        cpu = lambda: sum(map(int, open(f"/proc/{pid}/stat").read().split()[13:15]))  # noqa: E731
        before = cpu()
        time.sleep(0.5)
        assert cpu() > before, "the loop is not running"
    assert not os.path.exists(f"/proc/{pid}"), "the busy loop outlived the block"


def test_the_table_shows_every_budget():
    r = {"machine": {"date": "2026-11-30", "cores": 2, "cpu": "x", "gpu": None, "python": "3.11", "torch": "2"},
         "startup": {"import_nbformat_s": 0.2, "cli_help_s": 0.4},
         "notebooks": {"seconds": {"01_a": 5.0}, "series_s": 5.0},
         "notebooks_busy": {"seconds": {"01_a": 70.0}, "series_s": 70.0},
         "grading": {"submissions": 4, "jobs_1": {"seconds": 20.0, "per_submission_s": 5.0},
                     "jobs_2": {"seconds": 12.0, "per_submission_s": 3.0}, "speedup": 1.67,
                     "notebook_s": 4.0, "overhead_per_submission_s": 1.0},
         "tests": {"test_fast": {"seconds": 9.0, "summary": "120 passed"}},
         "gpu": {"skipped": "no CUDA device"}}
    table = markdown(r)
    assert "| `import nbformat` (cumulative, -X importtime) | 0.20 s | < 2 s: met |" in table
    assert "| notebook 01_a, second core busy | 70.0 s | < 60 s: **missed** |" in table
    assert "| grading speed-up with 2 jobs | 1.67x | >= 1.8x: **missed** |" in table
    assert "| 1.00 s | <= 1.5 s: met |" in table
    assert "| `make test-fast` | 9.0 s (120 passed) | < 15 s: met |" in table
    assert "| `make test` | not measured (--skip-test-suite) | < 600 s: not measured |" in table
    r["tests"]["test"] = {"seconds": 540.0, "exit": 1,
                          "summary": "==== 1 failed, 1434 passed in 539.0s (0:08:59) ===="}
    table = markdown(r)             # fast, but a failing suite meets no budget
    assert ("| `make test` | 9.0 min (1 failed, 1434 passed in 539.0s (0:08:59)) | **failed** "
            "(exit 1: bench/results/make-test.log) |") in table
    assert BUDGETS["test_s"] == 600 and BUDGETS["grading_speedup"] == 1.8
