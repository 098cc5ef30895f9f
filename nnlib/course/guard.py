"""The grading kernel: ipykernel with a tamper guard installed before any student code.

``python -m nnlib.course.guard -f CONNECTION_FILE`` is the kernel that ``grade`` runs each
submission in (inside the bubblewrap sandbox when there is one). Before the first cell it:

* snapshots what the test cells rely on: the namespaces of ``builtins``, ``numpy`` (and
  ``numpy.linalg``, ``numpy.testing``, ``numpy.random``), ``torch`` (``torch.nn.functional``,
  ``torch.Tensor``), ``nnlib`` and ``nnlib.check``, the IPython shell's exception and
  traceback machinery, and ``sys.stdout`` / ``sys.stderr``. After every cell, anything
  changed is recorded and put back, so a patch made in an answer cell is undone before the
  test cells run, and a patch made while a test cell runs marks that test cell as attacked;
* adds an audit hook (``sys.addaudithook``; it cannot be removed) that refuses and records
  opening the protected paths (solutions, the gradebook, other submissions), network
  connections, ctypes and tracing hooks;
* caps each cell's printed output (``NNLIB_GUARD_MAX_OUTPUT`` bytes, default 1 MB; the
  grader also caps what it receives, whatever the channel: pipeline.py).

A kernel that dies (``os._exit``, a crash, a limit) is graded up to that cell by the
pipeline (pipeline.py), not here. Every cell leaves a record (whether it raised, the
sha256 of its source, what it changed) in an append-only report whose descriptor the
sandbox launcher opened outside the sandbox; :func:`read_report` is the one reader, and
anything in it that is not a well-formed record is tampering. So the grader can tell a
swallowed error or a silenced guard from an honest run. This is defence in depth for a course, not a security boundary:
code in the kernel's process can always find the guard. The sandbox keeps secrets out of
reach; the guard makes cheating visible.

The static half is policy.py: a default-deny policy that flags what an answer cell has no
reason to use (the pipeline applies it to every cell a student could have written).
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import types
from dataclasses import dataclass

PROTECTED_MODULES = ("builtins", "numpy", "numpy.linalg", "numpy.testing", "numpy.random",
                     "torch", "torch.nn.functional", "nnlib", "nnlib.check", "math")
BLOCKED_EVENTS = ("socket.connect", "socket.bind", "socket.sendto", "socket.getaddrinfo",
                  "ctypes.dlopen", "ctypes.dlsym", "ctypes.addressof", "ctypes.cdata",
                  "sys.settrace", "sys.setprofile", "os.truncate")


# ---------------------------------------------------------------- the report, read in one place

@dataclass(frozen=True)
class Record:
    """One line of the guard's report. Anything else in the report is tampering."""

    event: str                      # "start", "cell" or "blocked"
    cell: int
    sha: str = ""                   # cell: sha256 of the source the kernel ran
    error: bool = False             # cell: it raised
    changed: tuple[str, ...] = ()   # cell: protected names changed (then restored)
    what: str = ""                  # blocked: what was refused


_FIELDS = {"start": {"event", "cell"},
           "cell": {"event", "cell", "sha", "error", "changed"},
           "blocked": {"event", "cell", "what"}}


def read_report(data: bytes, max_records: int = 100_000) -> tuple[list[Record], list[str]]:
    """Parse the guard's report: (well-formed records, problems found). Never raises."""
    records: list[Record] = []
    problems: list[str] = []
    for n, raw in enumerate(data.splitlines()[:max_records], 1):
        try:
            entry = json.loads(raw)
            if not isinstance(entry, dict) or entry.get("event") not in _FIELDS \
                    or set(entry) != _FIELDS[entry["event"]]:
                raise ValueError("unexpected fields")
            cell = entry["cell"]
            if type(cell) is not int or cell < 0:
                raise ValueError("bad cell number")
            if entry["event"] == "cell":
                sha, error, changed = entry["sha"], entry["error"], entry["changed"]
                if not (isinstance(sha, str) and len(sha) == 64 and type(error) is bool
                        and isinstance(changed, list)
                        and all(isinstance(c, str) for c in changed)):
                    raise ValueError("bad cell record")
                records.append(Record("cell", cell, sha=sha, error=error,
                                      changed=tuple(c[:200] for c in changed[:50])))
            elif entry["event"] == "blocked":
                if not isinstance(entry["what"], str):
                    raise ValueError("bad blocked record")
                records.append(Record("blocked", cell, what=entry["what"][:300]))
            else:
                records.append(Record("start", cell))
        except (ValueError, TypeError, KeyError, RecursionError):
            problems.append(f"the guard report was written to by the notebook (line {n})")
            break
    if len(data.splitlines()) > max_records:
        problems.append("the guard report is too long")
    return records, problems


# ---------------------------------------------------------------- in-kernel guard

def _snapshot(namespace: dict) -> dict:
    return dict(namespace)


class Guard:
    def __init__(self, report_fd: int, protect: list[str], allow: list[str], max_output: int):
        self.fd = report_fd
        self.protect = [os.path.realpath(p) for p in protect]
        self.allow = [os.path.realpath(p) for p in allow]
        self.max_output = max_output
        self.cell = 0
        self.in_cell = False
        self.events: list[dict] = []
        self.snapshots: dict[str, tuple[dict, dict]] = {}
        self.write = os.write

    # -- reporting
    def record(self, **entry) -> None:
        entry.setdefault("cell", self.cell)
        try:
            self.write(self.fd, (json.dumps(entry, default=str) + "\n").encode())
        except OSError:
            pass

    # -- audit hook: refuse protected paths, network, ctypes, tracing
    def audit(self, event: str, args: tuple) -> None:
        if not self.in_cell:
            return          # the kernel's own start-up and shutdown, not student code
        if event in ("open", "os.listdir", "os.scandir") and args and args[0] is not None:
            path = args[0]
            if isinstance(path, int):
                return
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            try:
                full = os.path.realpath(path)
            except Exception:
                return
            if any(full == a or full.startswith(a + os.sep) for a in self.allow):
                return
            if any(full == p or full.startswith(p + os.sep) for p in self.protect):
                self.record(event="blocked", what=f"open {path}")
                raise PermissionError(f"the grader does not allow opening {path}")
        elif event in BLOCKED_EVENTS:
            if event == "os.truncate" and args and args[0] == self.fd:
                self.record(event="blocked", what="truncating the guard report")
                raise PermissionError("not allowed while grading")
            if event == "os.truncate":
                return
            self.record(event="blocked", what=event)
            raise PermissionError(f"the grader does not allow {event}")

    # -- snapshots of what the checks rely on
    def take_snapshots(self, shell) -> None:
        import builtins

        import numpy
        for name in PROTECTED_MODULES:
            mod = sys.modules.get(name)
            if mod is not None and name not in self.snapshots:
                self.snapshots[name] = (vars(mod), _snapshot(vars(mod)))
        # every numpy and nnlib module (their internals are what the checks call): the
        # functions and classes they hold, so that replacing one is caught and put back
        for name, mod in list(sys.modules.items()):
            if mod is None or name in self.snapshots or name.split(".")[0] not in ("numpy", "nnlib"):
                continue
            live = vars(mod)
            self.snapshots[name] = (live, {k: v for k, v in live.items()
                                           if isinstance(v, _ROUTINES + (numpy.ufunc,))})
        # the code inside the functions of those modules (swapping __code__ keeps the object)
        self.code = {}
        for name, (live, saved) in self.snapshots.items():
            for key, value in saved.items():
                if isinstance(value, types.FunctionType):
                    self.code[(name, key)] = (value, value.__code__, value.__defaults__,
                                              value.__kwdefaults__)
        import torch
        self.snapshots["torch.Tensor"] = (None, _snapshot(dict(vars(torch.Tensor))))
        self.tensor = torch.Tensor
        self.builtins = builtins
        self.shell = shell
        self.shell_state = self._shell_state()
        self.hooks = self._hooks()
        self.bound: dict[str, object] = {}   # notebook names bound to protected modules/functions
        self.streams = None          # taken at the first cell, once ipykernel has set them up

    def _shell_state(self) -> dict:
        s = self.shell
        state = {"custom_exceptions": s.custom_exceptions, "CustomTB": s.CustomTB}
        for cls in type(s).__mro__:
            if cls.__module__.startswith(("IPython", "ipykernel")):
                state[f"class {cls.__name__}"] = dict(vars(cls))
        for attr in ("showtraceback", "_showtraceback", "run_cell", "run_code", "showsyntaxerror"):
            state[f"attr {attr}"] = s.__dict__.get(attr)
        return state

    def _hooks(self) -> dict[str, list]:
        """IPython's per-cell hooks: event callbacks, input and AST transformers."""
        s = self.shell
        hooks = {f"event {name}": list(callbacks) for name, callbacks in s.events.callbacks.items()}
        for attr in ("input_transformers_cleanup", "input_transformers_post", "ast_transformers"):
            hooks[attr] = list(getattr(s, attr, []))
        return hooks

    def _restore_hooks(self) -> list[str]:
        """Hooks a cell added are removed (IPython's and the inline backend's own excepted);
        the guard's own callbacks, if removed, are put back."""
        changed = []
        mine = (self.pre_run_cell, self.post_run_cell)
        for key, saved in self.hooks.items():
            live = (self.shell.events.callbacks.setdefault(key[6:], []) if key.startswith("event ")
                    else getattr(self.shell, key, []))
            foreign = [f for f in live if not any(f is g or f == g for g in saved)
                       and not _own_hook(f)]
            missing = [g for g in saved if any(g == m for m in mine)
                       and not any(f is g or f == g for f in live)]
            if foreign or missing:
                changed.append(f"IPython {key}")
                for f in foreign:
                    live.remove(f)
                for g in missing:
                    live.append(g)
        return changed

    def _restore_bindings(self) -> list[str]:
        """Names in the notebook bound to protected modules or their functions (np, check,
        torch ...): rebinding them in an answer cell is undone."""
        changed = []
        ns = self.shell.user_ns
        protected = {id(m) for n, m in sys.modules.items()
                     if m is not None and n.split(".")[0] in ("numpy", "nnlib", "torch", "math")}
        for name, value in list(ns.items()):
            if name.startswith("_"):
                continue                    # private names are the notebook's own temporaries
            if name not in self.bound and (id(value) in protected or (
                    isinstance(value, types.FunctionType)
                    and getattr(value, "__module__", "").startswith("nnlib"))):
                self.bound[name] = value
        for name, value in self.bound.items():
            if ns.get(name, _MISSING) is not value:
                changed.append(f"the notebook's name {name!r}")
                ns[name] = value
        return changed

    def verify_and_restore(self) -> list[str]:
        """Names whose value changed since the snapshot (put back). New names are ignored:
        adding attributes (numpy's lazily imported submodules, say) cannot fool a check."""
        changed = self._restore_hooks() + self._restore_bindings()
        for (name, key), (func, code, defaults, kwdefaults) in self.code.items():
            if func.__code__ is not code or func.__defaults__ is not defaults \
                    or func.__kwdefaults__ is not kwdefaults:
                changed.append(f"{name}.{key}.__code__")
                func.__code__, func.__defaults__, func.__kwdefaults__ = code, defaults, kwdefaults
        for name, (live, saved) in self.snapshots.items():
            if name == "torch.Tensor":
                now = dict(vars(self.tensor))
                for key, value in saved.items():
                    if now.get(key, _MISSING) is not value:
                        changed.append(f"torch.Tensor.{key}")
                        setattr(self.tensor, key, value)
                continue
            for key, value in saved.items():
                now = live.get(key, _MISSING)
                if now is not value:
                    if name == "builtins" and key in _BUILTINS_IPYTHON_MANAGES:
                        continue
                    if name.startswith("torch") and getattr(now, "__wrapped__", None) is value \
                            and getattr(now, "__module__", "").startswith("torch"):
                        saved[key] = now   # torch._dynamo wraps torch.manual_seed on first use
                        continue
                    changed.append(f"{name}.{key}")
                    live[key] = value
        state = self._shell_state()
        for key, value in self.shell_state.items():
            if key.startswith("class "):
                cls = next(c for c in type(self.shell).__mro__ if f"class {c.__name__}" == key)
                for attr in set(value) | set(state[key]):
                    if state[key].get(attr, _MISSING) is not value.get(attr, _MISSING):
                        changed.append(f"IPython {cls.__name__}.{attr}")
                        if attr in value:
                            setattr(cls, attr, value[attr])
            elif state[key] is not value and state[key] != value:
                changed.append(f"IPython shell {key}")
                if key in ("custom_exceptions", "CustomTB"):
                    setattr(self.shell, key, value)
                elif value is None:
                    self.shell.__dict__.pop(key.split()[-1], None)
        out, err = self.streams
        if sys.stdout is not out or sys.stderr is not err:
            changed.append("sys.stdout / sys.stderr")
            sys.stdout, sys.stderr = out, err
        return changed

    # -- IPython events
    def pre_run_cell(self, info) -> None:
        self.cell += 1
        self.in_cell = True
        self.printed = 0
        self.source_sha = hashlib.sha256(info.raw_cell.encode()).hexdigest()
        if self.streams is None:
            self.streams = (sys.stdout, sys.stderr)

    def post_run_cell(self, result) -> None:
        self.in_cell = False
        changed = self.verify_and_restore()
        error = bool(result.error_in_exec is not None or result.error_before_exec is not None)
        self.record(event="cell", sha=self.source_sha, error=error, changed=changed)

    def limit_output(self, stream) -> None:
        guard, write = self, stream.write

        def capped(text):
            if not guard.in_cell:
                return write(text)
            guard.printed += len(text)
            if guard.printed > guard.max_output:
                if guard.printed - len(text) <= guard.max_output:
                    write("\n... output truncated by the grader ...\n")
                return len(text)
            return write(text)

        stream.write = capped


_MISSING = object()


def _own_hook(f) -> bool:
    """A hook of IPython, ipykernel or matplotlib's inline backend (registered on first use)."""
    module = getattr(f, "__module__", None) or getattr(type(f), "__module__", "") or ""
    return module.startswith(("IPython", "ipykernel", "matplotlib", "ipywidgets", "comm"))

_ROUTINES = (types.FunctionType, types.BuiltinFunctionType, type, types.ModuleType)
# IPython's BuiltinTrap adds and removes these around each cell.
_BUILTINS_IPYTHON_MANAGES = {"exit", "quit", "get_ipython", "display", "_", "__", "___",
                             "__IPYTHON__", "dreload", "__IPYTHON__active", "input", "raw_input",
                             "getpass"}


def main() -> None:
    inherited = os.environ.pop("NNLIB_GUARD_FD", "")
    report = os.environ.pop("NNLIB_GUARD_REPORT", "")
    protect = json.loads(os.environ.pop("NNLIB_GUARD_PROTECT", "[]"))
    allow = json.loads(os.environ.pop("NNLIB_GUARD_ALLOW", "[]"))
    max_output = int(os.environ.pop("NNLIB_GUARD_MAX_OUTPUT", str(1 << 20)))
    if inherited:        # opened for appending by the sandbox launcher, outside the sandbox
        fd = int(inherited)
    elif report:
        fd = os.open(report, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    else:
        fd = os.open(os.devnull, os.O_WRONLY)
    guard = Guard(fd, protect + ([report] if report else []), allow, max_output)

    import warnings
    warnings.filterwarnings("ignore")
    import numpy  # noqa: F401  (snapshotted before any student code)
    import numpy.testing  # noqa: F401
    import torch  # noqa: F401
    import torch.nn.functional  # noqa: F401
    import nnlib.check  # noqa: F401

    sys.addaudithook(guard.audit)
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(sys.argv[1:])
    guard.take_snapshots(app.shell)
    app.shell.events.register("pre_run_cell", guard.pre_run_cell)
    app.shell.events.register("post_run_cell", guard.post_run_cell)
    guard.hooks = guard._hooks()          # the guard's own callbacks belong to the snapshot
    guard.record(event="start", cell=0)
    app.start()


if __name__ == "__main__":
    main()
