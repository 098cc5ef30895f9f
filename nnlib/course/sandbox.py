"""Where each submission's kernel runs while grading: a bubblewrap sandbox with the guard.

With bubblewrap (Debian/Ubuntu: ``apt-get install bubblewrap``) the kernel runs in its own
network namespace (no network at all), sees the file system read-only, and sees empty
folders in place of ``solutions/``, the grading folder (gradebook, other submissions) and
the folder of submissions being graded; only its own working folder is writable. Without
bubblewrap, ``grade --no-sandbox`` grades with the guard alone (student code then runs
with the grader's rights: fine for a self-check, not for a class).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

KERNEL_NAME = "nnlib-grading"


@cache
def available() -> tuple[bool, str]:
    """Whether bubblewrap can make a sandbox here, and why not."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False, "bubblewrap (bwrap) is not installed"
    try:
        proc = subprocess.run([bwrap, "--unshare-net", "--ro-bind", "/", "/", "--dev", "/dev",
                               "--proc", "/proc", "--tmpfs", "/tmp", "true"],
                              capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bubblewrap failed to start: {exc}"
    if proc.returncode != 0:
        return False, f"bubblewrap cannot create namespaces here: {proc.stderr.strip()[:200]}"
    return True, ""


def kernelspec(folder: Path, *, sandbox: bool, workdir: Path, kernel_dir: Path,
               hide: list[Path], report: Path, protect: list[Path],
               max_output: int = 1 << 20) -> Path:
    """Write a Jupyter kernelspec for one submission under ``folder/kernels/``.

    Args:
        workdir: the notebook's working folder (the only writable place besides /tmp).
        kernel_dir: folder for the kernel's unix sockets and the guard report.
        hide: folders replaced by empty ones inside the sandbox.
        report: the guard's append-only report file.
        protect: paths the guard refuses to open (also without the sandbox).
    """
    guard = [sys.executable, "-m", "nnlib.course.guard", "-f", "{connection_file}",
             "--HistoryManager.enabled=False"]
    if sandbox:
        argv = [shutil.which("bwrap") or "bwrap", "--die-with-parent", "--unshare-net",
                "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
        # A private /tmp hides other users' files; what the kernel needs may itself live under
        # /tmp (a course cloned there, its .venv), so bring those back read-only first ...
        for path in _needed():
            argv += ["--ro-bind", str(path), str(path)]
        # ... then hide the secrets (inside those, too) and open the kernel's own folders.
        for path in hide:
            if Path(path).exists():
                argv += ["--tmpfs", str(path)]
        argv += ["--bind", str(workdir), str(workdir), "--bind", str(kernel_dir), str(kernel_dir),
                 "--chdir", str(workdir)]
        argv += guard
    else:
        argv = guard
    spec = {
        "argv": argv,
        "display_name": "Python 3 (nnlib grading)",
        "language": "python",
        "interrupt_mode": "message",
        "env": {
            "NNLIB_GUARD_REPORT": str(report),
            "NNLIB_GUARD_PROTECT": json.dumps([str(p) for p in protect]),
            "NNLIB_GUARD_ALLOW": json.dumps([str(workdir), str(Path(kernel_dir) / "ipython"),
                                             str(Path(kernel_dir) / "matplotlib")]),
            "NNLIB_GUARD_MAX_OUTPUT": str(max_output),
            "PYTHONWARNINGS": "ignore",
            "IPYTHONDIR": str(Path(kernel_dir) / "ipython"),
            # the home folder is read-only in the sandbox: a writable matplotlib folder, seeded
            # with the grader's font cache so that nothing is rebuilt or reported on stderr
            "MPLCONFIGDIR": str(Path(kernel_dir) / "matplotlib"),
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        },
    }
    _seed_matplotlib(Path(kernel_dir) / "matplotlib")
    target = Path(folder) / "kernels" / KERNEL_NAME
    target.mkdir(parents=True, exist_ok=True)
    (target / "kernel.json").write_text(json.dumps(spec, indent=1))
    return Path(folder)


def _needed() -> list[Path]:
    """Folders the kernel reads: the interpreter's prefixes and the course (nnlib, data/)."""
    from . import ROOT

    paths = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), ROOT.resolve()}
    return sorted(p for p in paths if p.exists())


def _seed_matplotlib(folder: Path) -> None:
    """Copy the grader's matplotlib font cache into the kernel's own config folder."""
    import matplotlib

    folder.mkdir(parents=True, exist_ok=True)
    for cache in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
        shutil.copy2(cache, folder / cache.name)
