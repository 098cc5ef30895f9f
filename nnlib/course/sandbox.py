"""Where a submission's kernel runs while it is graded: a bubblewrap sandbox with limits.

The grader (``python -m nnlib.course grade``, ``nbgrader autograde`` or formgrader's button:
all go through :class:`nnlib.course.pipeline.GuardedExecute`) starts each kernel through
this module's launcher, ``python -m nnlib.course.sandbox CONFIG CONNECTION_FILE``. The
launcher runs with the grader's rights, prepares the sandbox, starts the kernel in it and
stays beside it as its supervisor. Each choice and the attack it answers:

* **An unprivileged user.** When the grader is root (CI, containers), bubblewrap builds the
  sandbox with root's rights and ``setpriv`` then drops to a user id of the sandbox's own
  (61000 + a slot, no name, no groups), clears every capability (effective, permitted,
  inheritable, bounding) and sets no-new-privileges, so nothing in the kernel can remount,
  unmount, ``nsenter``, read root-only files or gain rights through a setuid program.
  Concurrent sandboxes get different ids (a lock file per slot), so one cannot signal or
  read another's files, and the process limit counts one submission at a time. A grader
  that is not root runs bubblewrap in a user namespace: the kernel has the grader's id
  and no capabilities.
* **Its own namespaces**: PID (it sees only its own processes; when the kernel exits, every
  process it left behind is killed with the namespace, and it cannot reach the grader's or
  another student's processes), IPC, UTS, cgroup and network (no network at all: the kernel
  talks to the grader over unix sockets). ``--die-with-parent`` ends it with its grader and
  ``--new-session`` detaches it from the grader's terminal.
* **Only what it needs is visible**, read-only: the system's /usr, the interpreter and its
  packages, the course's ``nnlib`` package and ``data/``. Not the course's ``.git``,
  ``tests/``, ``solutions/``, the grading folder, other submissions, /root, /home, /etc
  (beyond the loader cache) or the host's /proc. The parents of these folders are made
  fresh (mode 755), so a checkout under /root works too.
* **Writable places are small and private**: /tmp, /dev/shm and the working folder are
  size-limited memory file systems that vanish with the sandbox; the notebook file itself
  stays outside (nbgrader holds it), so nothing the kernel does can change it or leave a
  link, pipe or file in the grading folder. The one host folder it can write is its socket
  folder, watched by the supervisor (bytes and files) and capped by the file-size limit.
* **A clean environment**: only the variables listed in :func:`kernel_env` reach the
  kernel; nothing of the grader's (tokens, paths, credentials) does.
* **Limits**, each named in the grading reason when hit (:class:`Limits`): address space,
  processes (threads count), file size, bytes on disk, and (enforced by the grader, which
  receives them) output through any channel and wall time.

Where bubblewrap is missing or cannot create namespaces, ``grade`` refuses to run unless
told ``--no-sandbox`` (student code then runs with the grader's rights: for self-checks).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

KERNEL_NAME = "nnlib-grading"
UID_BASE = 61000
SLOTS = 256
SLOT_DIR = Path("/tmp/nnlib-sandbox-slots")


@dataclass
class Limits:
    """Per-submission limits. The solution notebooks' peaks (see the README) sit far below."""

    memory: int = 8 << 30          # address space per process (RLIMIT_AS), bytes
    processes: int = 256           # processes + threads of the sandbox's user (RLIMIT_NPROC)
    file_size: int = 64 << 20      # largest file it may write (RLIMIT_FSIZE), bytes
    tmp: int = 256 << 20           # /tmp and the working folder (memory file systems), bytes each
    shm: int = 256 << 20           # /dev/shm, bytes
    socket_dir: int = 16 << 20     # bytes the kernel may leave in its socket folder on disk
    socket_files: int = 200        # files it may leave there
    output: int = 4 << 20          # output bytes the grader keeps per cell (print, display, fd)
    notebook_output: int = 32 << 20  # ... and per notebook
    wall: float = 900.0            # seconds for the whole notebook (each cell: Execute.timeout)

    def describe(self, what: str) -> str:
        mib = lambda n: f"{n / (1 << 20):g} MiB"  # noqa: E731
        return {
            "memory": f"memory limit ({mib(self.memory)} per process)",
            "processes": f"process limit ({self.processes} processes and threads)",
            "file_size": f"file size limit ({mib(self.file_size)})",
            "disk": f"disk limit ({mib(self.tmp)} in /tmp and the working folder, "
                    f"{mib(self.socket_dir)} / {self.socket_files} files elsewhere)",
            "output": f"output limit ({mib(self.output)} per cell, "
                      f"{mib(self.notebook_output)} per notebook)",
            "wall": f"time limit ({self.wall:g} s for the notebook)",
        }[what]


@cache
def available() -> tuple[bool, str]:
    """Whether bubblewrap can make the grading sandbox here, and why not."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False, "bubblewrap (bwrap) is not installed"
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return False, "setpriv (util-linux) is missing: it drops root's rights in the sandbox"
    try:
        proc = subprocess.run([bwrap, "--unshare-net", "--unshare-pid", "--ro-bind", "/", "/",
                               "--dev", "/dev", "--proc", "/proc", "true"],
                              capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bubblewrap failed to start: {exc}"
    if proc.returncode != 0:
        return False, f"bubblewrap cannot create namespaces here: {proc.stderr.strip()[:200]}"
    return True, ""


# ---------------------------------------------------------------- what the kernel sees

def visible_paths() -> list[Path]:
    """Folders the kernel reads: the interpreter's prefixes, the course's nnlib and data/."""
    from . import ROOT

    data = Path(os.environ.get("NNLIB_DATA") or ROOT / "data")
    paths = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
             (ROOT / "nnlib").resolve(), data.resolve()}
    # an interpreter outside /usr may link to libraries beside it (pyenv, conda): its prefix
    # is in the set already; a venv's python is a link into the base prefix
    return sorted(p for p in paths if p.exists())


def kernel_env(workdir: str, uid: int | None, extra: dict[str, str]) -> dict[str, str]:
    """The whole environment of the kernel: nothing else of the grader's reaches it."""
    home = "/tmp/home"
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": home, "USER": "student", "LOGNAME": "student",
        "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "TMPDIR": "/tmp",
        "PYTHONWARNINGS": "ignore",
        "PYTHONDONTWRITEBYTECODE": "1",
        "IPYTHONDIR": "/tmp/ipython",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "NBGRADER_EXECUTION": "autograde",
    }
    for name in ("NNLIB_DATA", "NNLIB_DEVICE", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                 "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                 "CUDA_VISIBLE_DEVICES"):
        if name in os.environ:
            env[name] = os.environ[name]     # the course's own knobs, named here on purpose
    env.update(extra)
    return env


def bwrap_argv(*, workdir: str, kernel_dir: str, env: dict[str, str], limits: Limits,
               uid: int | None, files: dict[str, int]) -> list[str]:
    """The bubblewrap command line (see the module docstring for each choice)."""
    argv = [shutil.which("bwrap") or "bwrap",
            "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv"]
    if uid is None:
        argv += ["--unshare-user"]
    for key, value in env.items():
        argv += ["--setenv", key, value]
    # a fresh root; the memory file systems first, so that binds below them (a course
    # cloned under /tmp, say) stay visible
    argv += ["--tmpfs", "/", "--dev", "/dev", "--proc", "/proc",
             "--perms", "1777", "--size", str(limits.tmp), "--tmpfs", "/tmp",
             "--perms", "1777", "--size", str(limits.shm), "--tmpfs", "/dev/shm"]
    binds = visible_paths()
    parents = sorted({str(p) for b in binds + [Path(workdir), Path(kernel_dir)]
                      for p in b.parents if str(p) not in ("/", "/tmp")}, key=len)
    for parent in parents:
        argv += ["--perms", "0755", "--dir", parent]
    argv += ["--ro-bind", "/usr", "/usr"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = Path("/") / link
        if target.is_symlink():
            argv += ["--symlink", os.readlink(target), str(target)]
        elif target.is_dir():
            argv += ["--ro-bind", str(target), str(target)]
    if Path("/etc/ld.so.cache").exists():
        argv += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    for path in binds:
        argv += ["--ro-bind", str(path), str(path)]
    argv += ["--perms", "0777", "--dir", "/tmp/home",
             "--perms", "0777", "--dir", "/tmp/ipython",
             "--perms", "0777", "--dir", "/tmp/matplotlib"]
    for dest, fd in files.items():
        argv += ["--perms", "0644", "--file", str(fd), dest]
    # the working folder: a fresh, size-limited, writable folder at the notebook's path
    argv += ["--perms", "1777", "--size", str(limits.tmp), "--tmpfs", workdir,
             "--bind", kernel_dir, kernel_dir, "--remount-ro", "/", "--chdir", workdir]
    if uid is not None:
        argv += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                 "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all"]
    return argv


# ---------------------------------------------------------------- the launcher

def _claim_slot() -> tuple[int, int]:
    """A user id no other running sandbox has: (uid, fd of the held lock)."""
    import fcntl

    SLOT_DIR.mkdir(mode=0o700, exist_ok=True)
    start = os.getpid() % SLOTS
    for i in range(SLOTS):
        slot = (start + i) % SLOTS
        fd = os.open(SLOT_DIR / f"{slot}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        return UID_BASE + slot, fd
    raise RuntimeError(f"all {SLOTS} sandbox user ids are in use")


def _set_limits(limits: Limits, root: bool) -> None:
    import ctypes
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size, limits.file_size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if root:   # counted per user: the sandbox's own id, so only this submission counts
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    try:       # the sandbox dies with this launcher, however it ends
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _usage(folder: str) -> tuple[int, int]:
    total = count = 0
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in filenames + dirnames:
            count += 1
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
            except OSError:
                pass
    return total, count


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _memory_and_threads(pids: list[int]) -> tuple[int, int]:
    rss = threads = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Threads:"):
                        threads += int(line.split()[1])
        except OSError:
            pass
    return rss, threads


def launch(config_path: str, connection_file: str, extra_args: list[str]) -> int:
    """Start the kernel in the sandbox and supervise it; return its exit status."""
    cfg = json.loads(Path(config_path).read_text())
    limits = Limits(**cfg["limits"])
    kernel_dir, workdir = cfg["kernel_dir"], cfg["workdir"]
    verdict_path = Path(cfg["verdict"])
    report_fd = os.open(cfg["report"], os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW,
                        0o600)
    root = os.geteuid() == 0
    uid = None
    if cfg["sandbox"] and root:
        uid, _slot_lock = _claim_slot()
        for path in [kernel_dir, connection_file]:
            os.chown(path, uid, uid)
    guard = [sys.executable, "-m", "nnlib.course.guard", "-f", connection_file,
             "--HistoryManager.enabled=False", *extra_args]
    env = {"NNLIB_GUARD_FD": str(report_fd), **cfg.get("env", {})}
    if cfg["sandbox"]:
        files, keep = {}, [report_fd]
        for cache_file in cfg.get("font_cache", []):
            fd = os.open(cache_file, os.O_RDONLY)
            files[f"/tmp/matplotlib/{Path(cache_file).name}"] = fd
            keep.append(fd)
        argv = bwrap_argv(workdir=workdir, kernel_dir=kernel_dir, limits=limits, uid=uid,
                          env=kernel_env(workdir, uid, env), files=files) + guard
        child_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    else:
        argv, keep = guard, [report_fd]
        child_env = {**os.environ, **kernel_env(workdir, None, env)}
        for name in ("IPYTHONDIR", "MPLCONFIGDIR", "HOME"):
            child_env[name] = str(Path(kernel_dir) / name.lower())
            Path(child_env[name]).mkdir(exist_ok=True)
        for cache_file in cfg.get("font_cache", []):
            shutil.copy2(cache_file, child_env["MPLCONFIGDIR"])
    log = open(Path(config_path).with_name("sandbox.log"), "wb")
    proc = subprocess.Popen(argv, env=child_env, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=log, pass_fds=keep,
                            preexec_fn=lambda: _set_limits(limits, root and cfg["sandbox"]))
    for fd in keep:
        os.close(fd)

    def forward(signum, _frame):
        try:
            proc.send_signal(signum)
        except ProcessLookupError:
            pass
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)

    peak = {"rss": 0, "processes": 0, "threads": 0, "disk": 0}
    reason = None
    tick = 0
    # The grading process normally stops the kernel (its wall clock, the interrupt, the
    # kill). If it dies first (a killed grading worker, Ctrl-C), nobody waits for this kernel
    # any more: it is stopped here, and in any case a while after the notebook's time is up.
    parent, deadline = os.getppid(), time.monotonic() + limits.wall + 60
    while proc.poll() is None:
        time.sleep(0.2)
        tick += 1
        if os.getppid() != parent:
            reason = reason or "orphaned"
            proc.kill()
            break
        if time.monotonic() > deadline:
            reason = "wall"
        disk, files_n = _usage(kernel_dir)
        pids = _descendants(proc.pid)
        rss, threads = _memory_and_threads(pids)
        peak.update(rss=max(peak["rss"], rss), processes=max(peak["processes"], len(pids) - 2),
                    threads=max(peak["threads"], threads), disk=max(peak["disk"], disk))
        if disk > limits.socket_dir or files_n > limits.socket_files:
            reason = "disk"
        if reason:
            proc.kill()
            break
        if tick % 5 == 0:
            _write_verdict(verdict_path, {"peak": peak, "reason": reason})
    code = proc.wait()
    _write_verdict(verdict_path, {"peak": peak, "reason": reason, "exit": code})
    return code


def _write_verdict(path: Path, verdict: dict) -> None:
    """The launcher's record for the grader; the grader may have removed its folder already
    (it has read what it needs once the kernel stopped)."""
    try:
        path.write_text(json.dumps(verdict))
    except OSError:
        pass


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit("usage: python -m nnlib.course.sandbox CONFIG CONNECTION_FILE [ARGS]")
    sys.exit(launch(sys.argv[1], sys.argv[2], sys.argv[3:]))
