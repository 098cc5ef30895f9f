"""Grading on a Dask cluster: ``python -m nnlib.course grade SUBS -a 01 --scheduler ADDRESS``.

Each submission travels to a worker as bytes (the notebook and the gradebook as prepared, a
few hundred kB), is autograded there by :func:`nnlib.course.grade.autograde_task` (the
function the local pool runs: same sandbox, limits, guard and verdict) in a temporary folder,
and comes back as bytes (the autograded notebook, the private gradebook with the student's
grades, nbgrader's log). Stage, merge into the one gradebook, feedback and CSV stay on the
instructor's machine, on the code path of local grading. No shared file system is assumed:
each worker needs the course checkout (the same commit, at any path) and its environment
(``pip install -e '.[cluster]'``), and bubblewrap to sandbox student code.

Start a scheduler and workers (one process per concurrent submission, one thread each,
because nbgrader's log capture and the working folder are per process)::

    dask scheduler                                   # on the instructor's machine: port 8786
    dask worker tcp://HOST:8786 --nworkers $(nproc) --nthreads 1 --memory-limit 0
                                                     # in the course checkout on each machine

On a Slurm or PBS cluster, dask-jobqueue starts the same workers as batch jobs (see the
README's "Grading on a cluster").

Before sending work, ``grade`` asks every worker (``client.run``) whether it can sandbox
(:func:`nnlib.course.sandbox.available`), whether it has one thread, and whether its course
code and package versions are the instructor's; it refuses to grade otherwise (``--no-sandbox``
lifts only the sandbox condition). A worker that joins later and cannot sandbox fails the
submissions it gets, with that reason (GuardedExecute checks again on every notebook).

Faults: a worker that dies while grading a submission (killed, out of memory, machine lost)
makes the scheduler run that submission once more on a worker that is alive; a second death
marks it ``failed`` ("the grading worker died twice while grading it"). ``grade`` sets the
scheduler's ``allowed_failures`` to 1 for this (set
``DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=1`` where the scheduler refuses remote calls).
A result is merged once, when it reaches the instructor, so a submission is never counted
twice; one that never comes back is ``failed``, never missing from the CSV.
"""
from __future__ import annotations

import hashlib
import socket
import sys
import threading
import uuid
from concurrent.futures import CancelledError

#: the packages whose versions decide a grade (the kernel's and the pipeline's)
GRADING_PACKAGES = ("nbgrader", "nbclient", "nbconvert", "nbformat", "jupyter_client",
                    "ipykernel", "numpy", "torch", "scikit-learn", "matplotlib", "dask",
                    "distributed")


def _require_dask():
    try:
        import distributed
    except ImportError:
        raise SystemExit("grade --scheduler needs Dask on this machine and on every worker: "
                         "pip install -e '.[cluster]' (in the course checkout)") from None
    return distributed


def environment() -> dict[str, str]:
    """What must be equal on the instructor's machine and every worker: the course code
    that grades (nnlib/, nbgrader_config.py) and the versions of the grading packages."""
    from importlib.metadata import PackageNotFoundError, version

    from . import ROOT

    out = {"python": ".".join(map(str, sys.version_info[:2]))}
    for name in GRADING_PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "missing"
    h = hashlib.sha256()
    files = sorted((ROOT / "nnlib").rglob("*.py")) + [ROOT / "nbgrader_config.py"]
    for path in files:
        h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    out["course code"] = h.hexdigest()[:16]
    return out


def worker_report() -> dict:
    """Run on each worker (client.run): can it grade here, and with what?"""
    from . import ROOT
    from . import sandbox

    ok, why = sandbox.available()
    return {"host": socket.gethostname(), "root": str(ROOT), "sandbox": ok, "why": why,
            "environment": environment()}


def _allow_one_retry(dask_scheduler=None) -> int:
    """Run on the scheduler: a task whose worker dies is retried once, then erred."""
    dask_scheduler.allowed_failures = 1
    return dask_scheduler.allowed_failures


class DaskRunner:
    """Runs autograde_task on the workers of the Dask scheduler at ``address``."""

    def __init__(self, address: str, *, connect_timeout: float = 30, worker_wait: float = 60):
        distributed = _require_dask()
        self.distributed = distributed
        self.address = address
        self.worker_wait = worker_wait
        try:
            self.client = distributed.Client(address, timeout=connect_timeout,
                                             set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise SystemExit(f"grade: cannot reach the Dask scheduler at {address}: {exc}") from None
        self.slots = 0
        self.where = f"the Dask cluster at {address}"
        self._lock = threading.Lock()
        self._prepared: tuple[str, object] | None = None

    def _gradebook(self, data: bytes):
        """The prepared gradebook, sent to every worker once (not with each task)."""
        digest = hashlib.sha256(data).hexdigest()
        with self._lock:
            if self._prepared is None or self._prepared[0] != digest:
                self._prepared = (digest, self.client.scatter(data, broadcast=True, hash=False))
            return self._prepared[1]

    def check(self, sandbox: bool) -> str | None:
        """Why grading on this cluster must be refused, or None. Sets ``slots``."""
        try:
            self.client.wait_for_workers(1, timeout=self.worker_wait)
        except TimeoutError:
            return (f"no Dask worker joined the scheduler at {self.address} within "
                    f"{self.worker_wait:g} s (start them: see the README, 'Grading on a cluster')")
        workers = self.client.scheduler_info(n_workers=-1)["workers"]
        reports = self.client.run(worker_report)
        mine = environment()
        problems = []
        for addr, info in sorted(workers.items()):
            r = reports.get(addr)
            if r is None:
                problems.append(f"{addr}: did not answer")
                continue
            where = f"{addr} ({r['host']}, {r['root']})"
            if sandbox and not r["sandbox"]:
                problems.append(f"{where} cannot sandbox student code: {r['why']} (install "
                                "bubblewrap there, or pass --no-sandbox to grade without "
                                "isolation)")
            if info.get("nthreads", 1) != 1:
                problems.append(f"{where} has {info.get('nthreads')} threads: start workers "
                                "with --nthreads 1 (and --nworkers N for N at a time)")
            diff = [f"{k} {r['environment'].get(k)} (here {v})" for k, v in mine.items()
                    if r["environment"].get(k) != v]
            if diff:
                problems.append(f"{where} grades with another environment: " + ", ".join(diff))
        if problems:
            return ("refusing to grade on this cluster:\n  " + "\n  ".join(problems))
        self.slots = sum(info.get("nthreads", 1) for info in workers.values())
        hosts = sorted({r["host"] for r in reports.values()})
        self.where = (f"{self.slots} Dask worker(s) on {len(hosts)} machine(s) "
                      f"({self.address})")
        return None

    def start(self) -> None:
        try:
            self.client.run_on_scheduler(_allow_one_retry)
        except Exception as exc:  # noqa: BLE001 - the scheduler's own setting then applies
            print(f"warning: could not set the scheduler's allowed_failures to 1 ({exc}); "
                  "start it with DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=1",
                  file=sys.stderr)

    def stop(self, abort: bool = False) -> None:
        try:
            self.client.close(timeout=10)
        except Exception:  # noqa: BLE001 - closing anyway
            pass

    def run(self, task: dict, timeout: float) -> dict:
        from .grade import autograde_task

        key = f"autograde-{task['student']}-{uuid.uuid4().hex[:8]}"
        task = {**task, "gradebook": self._gradebook(task["gradebook"])}
        future = self.client.submit(autograde_task, task, key=key, pure=False)
        try:
            return future.result(timeout=timeout)
        except self.distributed.KilledWorker:
            return {"ok": False, "log": "KilledWorker: the grading worker died twice while "
                                        "grading it\n"}
        except (TimeoutError, self.distributed.TimeoutError):
            future.cancel()
            raise TimeoutError from None
        except CancelledError:
            return {"ok": False, "log": "Cancelled: the run was stopped\n"}
        except Exception as exc:  # noqa: BLE001 - the task failed on the worker: say why
            return {"ok": False, "log": f"Error on the worker: {type(exc).__name__}: {exc}\n"}
        finally:
            future.release()


# ---------------------------------------------------------------- the merge's own cost
def merge_cost(private_db, prepared_db, assignment: str, student: str, total: int,
               every: int = 100) -> list[tuple[int, float]]:
    """Seconds per merge while one gradebook fills up to ``total`` submissions: the grades of
    ``student`` in ``private_db`` (one autograded submission) merged under new student ids
    into a copy of ``prepared_db``, as ``grade`` merges. Returns (submissions in the gradebook,
    mean seconds per merge over the last ``every``). The merge is the instructor's serial
    step: with a worker core grading a submission in T seconds, it keeps up with T / (this)
    worker cores."""
    import shutil
    import tempfile
    import time
    from pathlib import Path

    from .grade import Merger, gradebook_rows

    rows = gradebook_rows(Path(private_db), assignment, student)
    out, spent = [], 0.0
    with tempfile.TemporaryDirectory(prefix="nnlib-merge-cost-") as tmp:
        main = Path(tmp) / "gradebook.db"
        shutil.copy2(prepared_db, main)
        with Merger(main, assignment) as merger:
            for i in range(1, total + 1):
                t = time.perf_counter()
                merger.apply(f"s{i:06d}", rows)
                spent += time.perf_counter() - t
                if i % every == 0:
                    out.append((i, spent / every))
                    spent = 0.0
    return out


if __name__ == "__main__":      # python -m nnlib.course.cluster merge-cost PRIVATE PREPARED N
    import argparse

    p = argparse.ArgumentParser(prog="python -m nnlib.course.cluster")
    p.add_argument("what", choices=["merge-cost"])
    p.add_argument("private_db")
    p.add_argument("prepared_db")
    p.add_argument("total", type=int)
    p.add_argument("--assignment", default="01_gradient_descent")
    p.add_argument("--student", default="honest")
    p.add_argument("--every", type=int, default=100)
    a = p.parse_args()
    for n, s in merge_cost(a.private_db, a.prepared_db, a.assignment, a.student, a.total,
                           a.every):
        print(f"{n:6d} submissions in the gradebook: {s * 1000:6.1f} ms per merge", flush=True)
