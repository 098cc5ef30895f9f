"""Grading on a Dask cluster (``grade --scheduler``) gives what grading on this machine gives.

* a representative part of the hostile batch (tests/test_grading.py), graded once with the
  local pool and once on a LocalCluster of two worker processes: the same grades.csv rows,
  the same per-cell scores in the gradebook, and the scores the batch expects;
* a worker killed while it grades: the submission is graded again on a worker that is
  alive; every submission is in the CSV and the gradebook exactly once;
* a notebook past its time is stopped on the worker; a stopped run resumes without
  regrading what is merged; a cluster whose workers cannot sandbox is refused.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import sqlite3
import threading
import time
from pathlib import Path

import nbformat
import pytest

from nnlib.course import sandbox as sandbox_mod
from nnlib.course import solution
from nnlib.course.grade import Grader, Submission, grade

from test_grading import A, CASES, _make_batch

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.slow
needs_sandbox = pytest.mark.skipif(not sandbox_mod.available()[0],
                                   reason="bubblewrap is not available here")

SUBSET = ["honest", "blank", "loop", "nointerrupt", "osexit", "patchcheck", "escape", "output",
          "badrecord"]


def _rows(out: Path) -> dict[str, dict]:
    with (out / "grades.csv").open() as f:
        return {r["student_id"]: r for r in csv.DictReader(f)}


def _cell_scores(db: Path) -> list[tuple]:
    """Every grade in the gradebook, by student and cell (the per-cell scores)."""
    con = sqlite3.connect(db)
    try:
        return sorted(con.execute(
            "select sa.student_id, bc.name, g.auto_score, g.manual_score, g.extra_credit, "
            "g.needs_manual_grade, sn.flagged "
            "from grade g join submitted_notebook sn on g.notebook_id = sn.id "
            "join submitted_assignment sa on sn.assignment_id = sa.id "
            "join grade_cells gc on g.cell_id = gc.id join base_cell bc on gc.id = bc.id"))
    finally:
        con.close()


def _grade(subs: Path, out: Path, **kw) -> tuple[int, str, float]:
    text = io.StringIO()
    t = time.perf_counter()
    code = grade(subs, A, out, stream=text, cell_timeout=10, **kw)
    return code, text.getvalue(), time.perf_counter() - t


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0", memory_limit=0) as c:
        yield c


@pytest.fixture(scope="module")
def both(tmp_path_factory, cluster):
    """The subset graded with the local pool (2 jobs) and on the two-worker cluster."""
    tmp = tmp_path_factory.mktemp("cluster")
    every, subs = tmp / "every", tmp / "subs"
    every.mkdir()
    subs.mkdir()
    _make_batch(every, tmp / "out")
    for name in SUBSET:
        shutil.copy(every / f"{name}_{A}.ipynb", subs)
    shutil.copy(every / "corrupt_01.ipynb", subs)
    local = _grade(subs, tmp / "local", jobs=2)
    remote = _grade(subs, tmp / "remote", scheduler=cluster.scheduler_address)
    print(f"\nlocal pool, 2 jobs: {local[2]:.1f} s; LocalCluster, 2 workers: {remote[2]:.1f} s "
          f"for {len(SUBSET) + 1} submissions")
    print(local[1].splitlines()[-1] if local[1] else "", remote[1].splitlines()[-1])
    return {"subs": subs, "tmp": tmp, "local": (tmp / "local", *local),
            "remote": (tmp / "remote", *remote)}


@needs_sandbox
def test_the_cluster_grades_exactly_as_the_local_pool(both):
    (lout, lcode, llog, _), (rout, rcode, rlog, _) = both["local"], both["remote"]
    assert "Dask worker(s)" in rlog, rlog
    local, remote = _rows(lout), _rows(rout)
    assert set(local) == set(remote) == set(SUBSET) | {"corrupt"}, (local, remote)
    for name in SUBSET:                       # the batch's own expectations, on both paths
        _, expected, status, says = CASES[name]
        for rows, log in ((local, llog), (remote, rlog)):
            row = rows[name]
            assert float(row["autograded_score"]) == expected, (name, row, log)
            assert row["status"] in ((status,) if isinstance(status, str) else status), (name, row)
            assert says.lower() in row["message"].lower(), (name, row)
    assert remote["corrupt"]["status"] == "failed" and "not a valid notebook" in \
        remote["corrupt"]["message"]
    assert local == remote                    # every column of every row
    assert lcode == rcode == 1
    scores = _cell_scores(rout / "gradebook.db")
    assert len(scores) == len(SUBSET) * len({c for _, c, *_ in scores})
    assert scores == _cell_scores(lout / "gradebook.db")
    for out in (lout, rout):
        con = sqlite3.connect(out / "gradebook.db")
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert con.execute("pragma journal_mode").fetchone()[0] == "delete"
        con.close()
    # the autograded notebooks came back (formgrader and feedback read them)
    for name in SUBSET:
        for out in (lout, rout):
            assert (out / "autograded" / name / A / f"{A}.ipynb").is_file(), (out, name)
            assert (out / "feedback" / name / A / f"{A}.html").is_file(), (out, name)


@needs_sandbox
def test_a_stopped_run_resumes_without_regrading_what_is_merged(both, cluster):
    """--resume skips what was merged from the same bytes, grades a changed file again."""
    out = both["tmp"] / "resumed"
    shutil.copytree(both["remote"][0], out)
    subs = both["tmp"] / "subs2"
    shutil.copytree(both["subs"], subs)
    shutil.copy(solution(A), subs / f"blank_{A}.ipynb")         # blank resubmits, honest now
    (out / "graded.jsonl").write_text(                         # as if stopped mid-write
        (out / "graded.jsonl").read_text() + '{"student": "hon')
    code, log, _ = _grade(subs, out, resume=True, scheduler=cluster.scheduler_address)
    # blank (changed) and corrupt (never merged) are graded; the others are kept
    assert "Grading 2 submission(s)" in log and f"{len(SUBSET) - 1} already graded" in log, log
    rows = _rows(out)
    assert float(rows["blank"]["autograded_score"]) == CASES["honest"][1], rows["blank"]
    before = _rows(both["remote"][0])
    for name in set(SUBSET) - {"blank"}:
        assert rows[name] == before[name], name
    assert [r for r in _cell_scores(out / "gradebook.db") if r[0] != "blank"] == \
        [r for r in _cell_scores(both["remote"][0] / "gradebook.db") if r[0] != "blank"]


@needs_sandbox
def _orphaned_kernels(timeout: float = 10.0) -> list[str]:
    """Sandbox launchers whose grading process is gone (reparented to init), once they had
    ``timeout`` seconds to notice and stop their kernel."""
    deadline = time.monotonic() + timeout
    while True:
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if "nnlib.course.sandbox" in cmd and ppid == 1:
                found.append(f"{pid}: {cmd[:100]}")
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def test_a_killed_worker_loses_nothing(cluster, tmp_path):
    from distributed import Client

    subs = tmp_path / "subs"
    subs.mkdir()
    for who in ("a", "b", "c"):
        shutil.copy(solution(A), subs / f"{who}_{A}.ipynb")
    killed = []

    def kill_one_worker_mid_submission():
        with Client(cluster.scheduler_address, set_as_default=False) as client:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline and not killed:
                busy = {w: ks for w, ks in client.processing().items()
                        if any(str(k).startswith("autograde-") for k in ks)}
                if busy:
                    time.sleep(4)            # well inside the submission
                    worker = sorted(busy)[0]
                    pid = client.run(os.getpid, workers=[worker])[worker]
                    os.kill(pid, signal.SIGKILL)
                    killed.append((worker, busy[worker]))
                time.sleep(0.5)

    killer = threading.Thread(target=kill_one_worker_mid_submission)
    killer.start()
    code, log, _ = _grade(subs, tmp_path / "out", scheduler=cluster.scheduler_address)
    killer.join()
    assert killed, "no worker was killed: the test did not test anything"
    rows = _rows(tmp_path / "out")
    assert sorted(rows) == ["a", "b", "c"], rows
    for who in ("a", "b", "c"):                # retried on a live worker, graded once
        assert rows[who]["status"] == "graded", (rows[who], log)
        assert float(rows[who]["autograded_score"]) == CASES["honest"][1], rows[who]
    scores = _cell_scores(tmp_path / "out" / "gradebook.db")
    assert sorted({s for s, *_ in scores}) == ["a", "b", "c"]
    per_student = {s: sum(1 for r in scores if r[0] == s) for s in ("a", "b", "c")}
    assert len(set(per_student.values())) == 1, per_student      # no submission twice
    assert len((tmp_path / "out" / "graded.jsonl").read_text().splitlines()) == 3
    assert log.count("] a: ") == log.count("] b: ") == log.count("] c: ") == 1, log
    assert code == 0, log
    # the kernel of the killed worker's submission does not outlive it
    assert not _orphaned_kernels(), _orphaned_kernels(0)


@needs_sandbox
def test_a_notebook_past_its_time_is_stopped_on_the_worker(cluster, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    nb = nbformat.read(str(solution(A)), as_version=4)
    for _ in range(12):                       # 12 x 5 s of sleeping, each under --cell-timeout
        nb.cells.insert(3, nbformat.v4.new_code_cell("import time\ntime.sleep(5)"))
    nbformat.write(nb, str(subs / f"slow_{A}.ipynb"))
    code, log, seconds = _grade(subs, tmp_path / "out", scheduler=cluster.scheduler_address,
                                timeout=8)
    row = _rows(tmp_path / "out")["slow"]
    assert row["status"] == "crashed" and "8 s time limit" in row["message"], (row, log)
    assert float(row["autograded_score"]) == 0, row      # stopped before the first test


def test_a_cluster_whose_workers_cannot_sandbox_or_share_a_process_is_refused(tmp_path):
    from distributed import LocalCluster

    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(solution(A), subs / f"a_{A}.ipynb")
    bin_only = str(Path(os.sys.executable).parent)            # no bwrap on the worker's PATH
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=":0",
                      env={"PATH": bin_only}) as c:
        text = io.StringIO()
        code = grade(subs, A, tmp_path / "out", stream=text, scheduler=c.scheduler_address)
    log = text.getvalue()
    assert code == 2, log
    assert "cannot sandbox student code" in log and "--no-sandbox" in log, log
    assert "--nthreads 1" in log, log
    assert not (tmp_path / "out" / "grades.csv").exists()


def test_a_submission_whose_worker_died_twice_fails_with_the_reason(tmp_path):
    class Dying:
        slots, where = 1, "a test"

        def run(self, task, timeout):
            return {"ok": False, "log": "KilledWorker: the grading worker died twice while "
                                        "grading it\n"}

    grader = Grader(A, tmp_path / "out", runner=Dying())
    grader.out.mkdir(parents=True)
    sub = tmp_path / f"a_{A}.ipynb"
    shutil.copy(solution(A), sub)
    r = grader.grade_one(Submission("a", sub))
    assert r.status == "failed" and r.message == "the grading worker died twice while grading it"


@needs_sandbox
def test_ctrl_c_stops_the_run_and_resume_grades_only_the_rest(tmp_path):
    """The command line, local pool: Ctrl-C after the first merge, then --resume."""
    import subprocess
    import sys

    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    for who in ("a", "b", "c"):
        shutil.copy(solution(A), subs / f"{who}_{A}.ipynb")
    cmd = [sys.executable, "-m", "nnlib.course", "grade", str(subs), "-a", A, "--out", str(out),
           "-j", "1", "--cell-timeout", "10"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    first = ""
    for line in proc.stdout:
        if line.startswith("[1/3]"):
            first = line.split("]")[1].split(":")[0].strip()
            proc.send_signal(signal.SIGINT)
            break
    rest = proc.communicate(timeout=120)[0]
    assert proc.returncode == 130, rest
    assert not _orphaned_kernels(), _orphaned_kernels(0)     # the stopped kernels are gone
    assert "--resume" in rest and not (out / "grades.csv").exists(), rest
    again = subprocess.run(cmd + ["--resume"], capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Grading 2 submission(s)" in again.stdout and "1 already graded" in again.stdout
    assert f"] {first}: " not in again.stdout, again.stdout      # not graded again
    rows = _rows(out)
    assert sorted(rows) == ["a", "b", "c"]
    assert all(float(r["autograded_score"]) == CASES["honest"][1] for r in rows.values()), rows
