"""Execute a notebook with nbclient and summarise what happened in each cell."""
from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError


class NotebookError(ValueError):
    """A file that is missing or is not a readable notebook; the message is one line."""


def read_notebook(path: Path | str) -> nbformat.NotebookNode:
    """Read and validate a notebook, or raise NotebookError naming the file and the reason."""
    path = Path(path)
    if not path.is_file():
        raise NotebookError(f"no such notebook: {path} {'is not a file' if path.exists() else 'does not exist'}")
    try:
        nb = nbformat.read(str(path), as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - json, schema or structure: one line either way
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if len(reason) > 160:
            reason = reason[:157] + "..."
        raise NotebookError(f"{path} is not a readable notebook ({reason})") from None
    return nb


@dataclass
class Execution:
    nb: nbformat.NotebookNode
    seconds: float
    crashed: str | None = None              # the kernel died or timed out
    errors: list[tuple[int, str]] = field(default_factory=list)   # (cell index, "Name: msg")
    stderr: list[tuple[int, str]] = field(default_factory=list)   # (cell index, text)


def cell_error(cell) -> str | None:
    """'ename: evalue' of a code cell's error output, or None."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename')}: {out.get('evalue')}"
    return None


def cell_stderr(cell) -> str:
    return "".join(out.get("text", "") for out in cell.get("outputs", [])
                   if out.get("output_type") == "stream" and out.get("name") == "stderr")


def execute(path: Path | str, *, timeout: int = 120, nb: nbformat.NotebookNode | None = None,
            kernel: str = "python3") -> Execution:
    """Run every cell of the notebook at ``path`` (errors do not stop the run).

    The working directory is the notebook's folder. The notebook on disk is not changed.
    """
    path = Path(path)
    nb = nb if nb is not None else read_notebook(path)
    sockets = tempfile.TemporaryDirectory(prefix="nnlib-kernel-")
    # Unix-socket transport: no open TCP port, no "running over TCP" warning on stderr.
    km = KernelManager(kernel_name=kernel, transport="ipc", ip=os.path.join(sockets.name, "k"))
    client = NotebookClient(nb, km=km, timeout=timeout, kernel_name=kernel, allow_errors=True,
                            record_timing=False, interrupt_on_timeout=True,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    crashed = None
    try:
        client.execute()
    except DeadKernelError as exc:
        crashed = f"the kernel died ({exc.__class__.__name__})"
    except CellTimeoutError:
        crashed = f"a cell ran longer than {timeout} s"
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        sockets.cleanup()
    seconds = time.perf_counter() - start
    run = Execution(nb=nb, seconds=seconds, crashed=crashed)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        err = cell_error(cell)
        if err:
            run.errors.append((i, err))
        text = cell_stderr(cell)
        if text.strip():
            run.stderr.append((i, text))
    return run
