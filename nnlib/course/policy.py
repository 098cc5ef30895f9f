"""The static policy for answer cells: default-deny, per notebook.

The grader reads every code cell a student could have written (the answer cells, cells they
added, course cells they edited) before it judges a submission, and :func:`check` lists what
in it an answer has no reason to do. A finding does not change the score: it marks the
submission ``flagged`` so an instructor reviews it (pipeline.py prefixes each finding with
the cell's grade_id). The policy allows, and flags everything else:

* **imports** of the modules in :data:`BASE` (numpy, math, torch, matplotlib, nnlib and a
  few small standard modules, each with the reason it is there) and of the notebook's extras
  in :data:`NOTEBOOKS` (keyed by assignment id, one sentence per extra). Never allowed, in
  any notebook: :data:`DENIED` (os, sys, subprocess, gc, inspect, threading, IPython ...),
  private parts of a library (``torch._C``), relative and star imports;
* **names** an answer never needs: exec, eval, compile, __import__, globals, locals, vars,
  breakpoint, open (answers never use files: the data come from nnlib.data), input,
  get_ipython, exit/quit, IPython's history (In, Out, _ih, _oh, _i1 ..., unless the cell
  binds that name itself: ``for _i in ...``), and any name the
  notebook's setup cell bound to a denied module (notebook 08's setup imports os for its
  worker demo: an answer that uses ``os`` is flagged, without importing it);
* **attributes** that reach the interpreter's machinery: frames, tracebacks and code objects
  (f_back, f_globals, tb_frame, gi_frame, co_*, __code__, __globals__ ...), every dunder
  attribute except :data:`DUNDERS` (the operator and container methods an honest class
  calls, ``__class__``, ``__name__``, ``__doc__``), and private attributes of a library
  (``np._core``), or a denied module reached through one (``torch.os``); also string
  literals naming a frame or code attribute or a dunder outside :data:`DUNDERS`
  (``type("A", (), {"__eq__": ...})``); ``__class__`` and ``__name__`` are allowed because
  ``type(self).__name__`` in a ``__repr__`` and ``if __name__ == "__main__"`` are honest;
* getattr, setattr, delattr, hasattr and operator.attrgetter/methodcaller with a computed
  (non-literal) name, or passed as a value (``map(setattr, ...)``): they can reach anything;
* **patching**: assigning to, or deleting, an attribute or item of an imported module or of
  anything reached from one, aliases included (``np.allclose = ...``, ``F = torch.nn.functional;
  F.relu = ...``, ``setattr(np, "isclose", f)``), and to an attribute of a computed object
  (``[np][0].allclose = ...``); ``plt.rcParams[...] = ...`` is a plot setting, allowed;
* **rebinding a name the test cells use**, at module level: ``np``, ``torch``, ``math``,
  ``check``, ``nnlib``, every name the notebook's setup cells import (derived by
  :func:`setup_names` from the released notebook's cells before the first exercise that
  import) and the builtins (``abs = ...``, ``float = ...``); by assignment, ``def``, ``class``,
  ``for``, ``with``, ``except ... as``, a walrus, ``del``, ``global`` or a star import.
  Importing the same thing again under the same name is not a rebinding;
* **class bodies** that define a dunder method outside :data:`DUNDERS`: ``__eq__``,
  ``__bool__``, ``__float__``, ``__array__``, ``__array_function__``, ``__torch_function__``,
  ``__getattr__``, ``__del__`` ... decide how the checks compare, convert or inspect the
  answer, which an answer has no reason to decide; so do metaclasses and subclasses of
  numpy's or torch's array types (``class A(np.ndarray)``). nn.Module subclasses are fine.

Decisions: ``random`` is allowed (it cannot reach the grader; seeding it changes nothing the
checks use), ``io`` is allowed for ``torch.save`` into a ``BytesIO`` (``io.open`` and
``io.FileIO`` are files: flagged), ``open`` is flagged (answers never use files), ``time``
and ``warnings`` are allowed (timing a loop, silencing a noisy call), ``json``, ``pickle``,
``pathlib`` are not (files and unpickling).

IPython's syntax is judged as the kernel runs it: ``!cmd`` and every magic are findings,
except ``%time``/``%timeit`` (their code is checked like any code), ``%matplotlib`` and
``obj?``. A cell whose source is exactly one of the released notebook's own (non-answer) code cells is
course code, not the student's: it raises no finding (notebook 08's setup imports ``os``
for its worker demo). A syntax error is not a finding: the cell fails on its own.

This is a list of what honest answers use, not of known tricks; to allow something new,
add it to :data:`BASE` or the notebook's entry in :data:`NOTEBOOKS` with the reason.
tests/test_policy.py checks that every solution notebook's answer cells (and every cell the
grader reads in a solution submission) are clean, that the mutant catalogs' alternative right
answers and a set of idiomatic answers are clean, and that one attack of each class is
flagged with its reason.
"""
from __future__ import annotations

import ast
import builtins
import functools
import re
from collections.abc import Iterable

import nbformat

from .cells import ANSWER, role

# ---------------------------------------------------------------- what answers may import

#: module (and its submodules) -> why any notebook's answers may import it
BASE: dict[str, str] = {
    "numpy": "the course's array library; every exercise computes with it",
    "math": "scalar functions (exp, log, sqrt, isclose) in loops and in the autodiff classes",
    "torch": "tensors, autograd, nn and optim from notebook 04 on",
    "matplotlib": "every notebook plots; a student's own cell may plot too",
    "nnlib": "the course's library (data, plot, seed, timer, trace); already in the notebook",
    "copy": "deepcopy of a model or its state_dict (best weights in early stopping)",
    "itertools": "product / chain / accumulate over grids and batches",
    "functools": "lru_cache, partial and reduce in idiomatic answers",
    "collections": "defaultdict, Counter, deque, namedtuple",
    "operator": "operator.mul and friends passed to reduce (attrgetter only with a literal name)",
    "random": "shuffles and samples; it cannot reach the grader",
    "dataclasses": "small records for trial results and settings",
    "typing": "type hints in a signature (List, Optional, Callable)",
    "statistics": "mean, median of plain lists",
    "fractions": "exact arithmetic for budgets and brackets (hyperband) without rounding",
    "heapq": "the k best trials without sorting them all",
    "bisect": "searching a sorted list of thresholds or steps",
    "numbers": "isinstance(x, numbers.Number) in the autodiff classes",
    "enum": "named choices (an activation or a schedule by name)",
    "tqdm": "progress bars in training loops (tqdm.auto), as notebooks 04, 05 and 07 show",
    "time": "timing a loop with time.perf_counter, as notebook 07 does; it cannot reach the grader",
    "warnings": "every setup cell uses it; catch_warnings around a noisy call is harmless",
    "io": "torch.save / np.save into an in-memory BytesIO (io.open and io.FileIO are files: flagged)",
}

#: assignment id -> {module: why this notebook's answers or own cells need it}
NOTEBOOKS: dict[str, dict[str, str]] = {
    "00_welcome": {},
    "01_gradient_descent": {},
    "02_shallow_deep": {},
    "03_backprop": {},
    "04_autodiff": {
        "sympy": "the notebook compares autodiff with symbolic derivatives; a student may too",
        "networkx": "the notebook draws computational graphs with it; a student may draw their own",
    },
    "05_sgd": {},
    "06_deep_networks": {
        "sklearn.preprocessing": "StandardScaler / MinMaxScaler give right answers to standardise "
                                 "and minmax_scale (the test cells compare with them)",
    },
    "07_regularisation": {},
    "08_cnn": {},
    "09_hyperparameters": {
        "optuna": "the tuning exercises and demos use Optuna's studies and trials",
    },
}

#: never allowed, in any notebook (also when a setup cell imports them): module -> why
DENIED: dict[str, str] = {}
for _names, _why in (
    ("os posix pathlib shutil glob tempfile fnmatch io.open io.open_code io.FileIO", "files and processes"),
    ("sys builtins __builtin__ site sysconfig runpy pkgutil zipimport importlib types code codeop"
     " dis marshal pickle shelve copyreg", "the interpreter's machinery"),
    ("inspect traceback linecache tracemalloc faulthandler pdb bdb trace gc weakref",
     "frames, source and objects of the grader"),
    ("threading _thread multiprocessing concurrent asyncio signal atexit sched resource"
     " contextvars", "code that runs later or elsewhere"),
    ("subprocess pty socket ssl select selectors mmap urllib http requests ctypes cffi",
     "processes, the network or raw memory"),
    ("IPython ipykernel jupyter_client nbgrader nbformat nbconvert nbclient nnlib.course",
     "the kernel or the grader"),
    ("numpy.ctypeslib numpy.f2py numpy.distutils torch.utils.cpp_extension torch.hub"
     " torch.multiprocessing torch.distributed torch.library torch.package",
     "a part of numpy/torch that builds or loads code or spawns processes"),
    ("platform tomllib", "the environment"),
):
    for _name in _names.split():
        DENIED[_name] = _why

#: names an answer never needs (builtins and IPython's) -> why
NAMES: dict[str, str] = {
    "exec": "runs code built at run time", "eval": "runs code built at run time",
    "compile": "builds code at run time", "__import__": "imports by a computed name",
    "globals": "reads or rewrites the notebook's variables",
    "locals": "reads or rewrites the notebook's variables",
    "vars": "reads or rewrites an object's or module's variables",
    "breakpoint": "starts a debugger", "open": "files: answers never use them",
    "input": "waits for input", "get_ipython": "changes the kernel",
    "exit": "stops the kernel", "quit": "stops the kernel",
    "In": "reads the kernel's input history", "Out": "reads the kernel's output history",
    "_ih": "reads the kernel's input history", "_oh": "reads the kernel's output history",
    "_dh": "reads the kernel's history", "_i": "reads the kernel's input history",
    "_ii": "reads the kernel's input history", "_iii": "reads the kernel's input history",
    "__": "reads the kernel's output history", "___": "reads the kernel's output history",
}
_HISTORY = re.compile(r"_i?\d+$")
_ATTR_FUNCTIONS = {"getattr", "setattr", "delattr", "hasattr"}
_HISTORY_NAMES = {"In", "Out", "_ih", "_oh", "_dh", "_i", "_ii", "_iii", "__", "___"}

#: dunder names an honest answer uses: defining them in a class body, calling them
#: (super().__init__(), other.__add__(x)), and reading __class__, __name__, __doc__
_ARITH = ("add sub mul matmul truediv floordiv mod pow divmod and or xor lshift rshift").split()
DUNDERS: frozenset[str] = frozenset(
    [f"__{p}{op}__" for op in _ARITH for p in ("", "r", "i")]
    + [f"__{m}__" for m in ("init neg pos abs invert repr str call len iter next reversed"
                            " getitem setitem delitem contains enter exit lt le gt ge").split()]
    + ["__class__", "__name__", "__doc__", "__slots__", "__qualname__", "__version__"])
#: dunders that may be read but not defined in a class body
_READ_ONLY_DUNDERS = {"__class__", "__name__", "__doc__", "__qualname__", "__version__"}
#: dunder names (as names, not attributes) an answer may use
_DUNDER_NAMES = {"__name__", "__doc__"}

#: attributes of frames, tracebacks, generators and code objects
_FRAME_ATTRS = {"f_back", "f_globals", "f_locals", "f_builtins", "f_code", "f_trace",
                "f_trace_lines", "f_trace_opcodes", "f_lasti", "tb_frame", "tb_next",
                "gi_frame", "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "cr_await",
                "ag_frame", "ag_code", "cell_contents", "_getframe", "_current_frames"}

#: denied modules that libraries import and so expose as attributes (torch.os, np.linalg.sys);
#: not trace, types, signal ...: np.trace and torch.signal are honest
_REACHABLE = {"os", "sys", "builtins", "gc", "inspect", "importlib", "subprocess", "ctypes",
              "linecache", "threading", "atexit", "socket", "pickle", "marshal", "traceback",
              "weakref", "shutil", "tempfile", "glob", "multiprocessing", "IPython", "ipykernel"}

#: names the test cells use in every notebook (besides the setup cells' imports)
ALWAYS_PROTECTED = {"check": "nnlib.check", "np": "numpy", "numpy": "numpy", "torch": "torch",
                    "math": "math", "nnlib": "nnlib"}

_WHY_NOT = "not among the modules this notebook's answers may use"


# ---------------------------------------------------------------- the notebook's own cells

def resolve(notebook: str | None) -> str | None:
    """The assignment id a notebook name or prefix ("01", "01_gradient_descent") names."""
    if notebook is None:
        return None
    if not isinstance(notebook, str):
        raise TypeError(f"check: notebook must be an assignment id or prefix (str) or None, "
                        f"got {type(notebook).__name__}")
    name = notebook[:-6] if notebook.endswith(".ipynb") else notebook
    hits = [a for a in NOTEBOOKS if a == name] or [a for a in NOTEBOOKS if a.startswith(name)]
    if len(hits) != 1:
        raise ValueError(f"check: notebook {notebook!r} names no assignment of the policy; "
                         f"expected one of {', '.join(NOTEBOOKS)}")
    return hits[0]


def allowed_modules(notebook: str | None = None) -> dict[str, str]:
    """Modules the answers of ``notebook`` may import -> why (BASE plus the notebook's extras)."""
    out = dict(BASE)
    nb = resolve(notebook)
    if nb is not None:
        out.update(NOTEBOOKS[nb])
    return out


def _code_cells(nb: nbformat.NotebookNode) -> list:
    return [c for c in nb.cells if c.get("cell_type") == "code"]


def setup_cells(nb: nbformat.NotebookNode) -> list[str]:
    """Sources of the setup cells: code cells before the first answer cell that import."""
    out = []
    for cell in nb.cells:
        if role(cell) == ANSWER:
            break
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(_python(cell.source))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree)):
            out.append(cell.source)
    return out


def _bindings(node: ast.Import | ast.ImportFrom) -> list[tuple[str, str]]:
    """(name bound, what it is bound to: a dotted path) for one import statement."""
    out = []
    if isinstance(node, ast.Import):
        for a in node.names:
            if a.asname:
                out.append((a.asname, a.name))
            else:
                root = a.name.split(".")[0]
                out.append((root, root))
    else:
        base = "." * node.level + (node.module or "")
        for a in node.names:
            if a.name != "*":
                out.append((a.asname or a.name, f"{base}.{a.name}"))
    return out


def setup_names(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Names the notebook's setup cells import -> the dotted path each is bound to."""
    names: dict[str, str] = {}
    for source in setup_cells(nb):
        for node in ast.walk(ast.parse(_python(source))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update(_bindings(node))
    return names


@functools.lru_cache(maxsize=None)
def _course(notebook: str) -> tuple[dict[str, str], frozenset[str]]:
    """(setup names, sources of the course's own non-answer code cells) of an assignment,
    read from the released notebook (the solution notebook where there is no release)."""
    from . import solution, student

    path = student(notebook)
    if not path.is_file():
        path = solution(notebook)
    if not path.is_file():
        return {}, frozenset()
    nb = nbformat.read(str(path), as_version=4)
    own = frozenset(c.source.strip() for c in _code_cells(nb) if role(c) != ANSWER)
    return setup_names(nb), own


# ---------------------------------------------------------------- the check

def _denied(path: str) -> str | None:
    """Why the dotted module path is never allowed, or None."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        why = DENIED.get(".".join(parts[:i]))
        if why:
            return why
    if any(p.startswith("_") for p in parts[1:]):
        return f"a private part of {parts[0]}"
    return None


def _allowed(path: str, allowed: Iterable[str]) -> bool:
    return any(path == m or path.startswith(m + ".") for m in allowed)


def _root(node: ast.AST) -> ast.AST:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


class _Policy(ast.NodeVisitor):
    def __init__(self, notebook: str | None):
        self.allowed = allowed_modules(notebook)
        self.setup = _course(notebook)[0] if notebook else {}
        self.protected = {**ALWAYS_PROTECTED, **self.setup}
        self.modules: dict[str, str] = dict(self.protected)   # name -> dotted path it is bound to
        self.found: list[str] = []
        self.bound: set[str] = set()       # names the cell binds somewhere (set by check)
        self.called: set[int] = set()      # ids of the Name nodes that are called
        self.scopes: list[set[str]] = []   # local names of the functions/comprehensions we are in
        self.classes = 0                   # >0 directly inside a class body
        self.functions = 0                 # >0 inside a function or lambda

    def flag(self, text: str) -> None:
        text = text if len(text) <= 120 else text[:117] + "..."
        if text not in self.found:
            self.found.append(text)

    @property
    def module_level(self) -> bool:
        return not self.scopes and not self.classes

    def module_of(self, node: ast.AST) -> str | None:
        """The dotted path a name refers to, when it is bound to a module or to something
        imported from one (and not shadowed by a local name)."""
        if isinstance(node, ast.Name) and node.id in self.modules \
                and not any(node.id in s for s in self.scopes):
            return self.modules[node.id]
        return None

    # -- imports
    def _check_module(self, path: str) -> None:
        if path.startswith("."):
            self.flag(f"imports {path} (a relative import)")
            return
        why = _denied(path)
        if why:
            self.flag(f"imports {path} ({why}; answers never need it)")
        elif not _allowed(path, self.allowed):
            self.flag(f"imports {path} ({_WHY_NOT})")

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            self._check_module(a.name)
        self._bind_import(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = "." * node.level + (node.module or "")
        self._check_module(base)
        for a in node.names:
            if a.name == "*":
                self.flag(f"from {base} import * (can rebind names the tests use)")
            elif not base.startswith(".") and not _denied(base):
                why = _denied(f"{base}.{a.name}")
                if why:
                    self.flag(f"imports {base}.{a.name} ({why}; answers never need it)")
        self._bind_import(node)

    def _bind_import(self, node) -> None:
        for name, target in _bindings(node):
            if self.module_level and name in self.protected and self.protected[name] != target:
                self.flag(f"rebinds {name}, which the test cells use (to {target})")
            if not self.scopes:
                self.modules[name] = target
            else:
                self.scopes[-1].discard(name)      # a local import of a module: still a module
                self.modules.setdefault(name, target)

    # -- names
    def visit_Name(self, node: ast.Name) -> None:
        name = node.id
        if not isinstance(node.ctx, ast.Load):
            self._store_name(name)
        elif (name in _HISTORY_NAMES or _HISTORY.match(name)) and name in self.bound:
            pass            # the cell's own variable (for _i in ...), not IPython's history
        elif name in NAMES:
            self.flag(f"uses {name} ({NAMES[name]})")
        elif name in _ATTR_FUNCTIONS and id(node) not in self.called:
            self.flag(f"passes {name} as a value (a computed attribute name in disguise)")
        elif _HISTORY.match(name):
            self.flag(f"uses {name} (reads the kernel's history)")
        elif _is_dunder(name) and name not in _DUNDER_NAMES \
                and not (self.classes and name in DUNDERS):     # __radd__ = __add__
            self.flag(f"uses {name} (the interpreter's machinery)")
        elif name in self.setup and self.module_of(node) == self.setup[name]:
            why = _denied(self.setup[name])
            if why:
                self.flag(f"uses {name}, which the setup cell imported ({why})")

    def _store_name(self, name: str) -> None:
        if not self.module_level:
            return
        if name in self.protected:
            self.flag(f"rebinds {name}, which the test cells use")
        elif name in _BUILTINS:
            self.flag(f"rebinds the builtin {name}, which the test cells use")
        self.modules.pop(name, None)

    # -- attributes
    def _attr_name(self, attr: str, base: ast.AST | None, store: bool) -> None:
        path = self.module_of(base) if base is not None else None
        if attr in _FRAME_ATTRS or attr.startswith("co_"):
            self.flag(f"uses .{attr} (frames and code objects reach the grader)")
        elif _is_dunder(attr):
            if store or attr not in DUNDERS:
                self.flag(f"uses .{attr} (a dunder attribute answers never need)")
        elif path is not None and attr.startswith("_") and not _denied(path):
            self.flag(f"uses {base.id}.{attr} (a private part of a library)")
        elif path is not None and not _denied(path):
            why = _denied(f"{path}.{attr}")
            if why:
                self.flag(f"uses {base.id}.{attr} ({why})")
            elif attr in _REACHABLE:
                self.flag(f"uses {base.id}.{attr} (reaches {attr} through {path.split('.')[0]})")
        elif base is not None and self.module_of(_root(base)) is not None and attr in _REACHABLE \
                and not _denied(self.module_of(_root(base))):
            self.flag(f"uses .{attr} of {_short(base)} (reaches {attr} through a library)")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        store = not isinstance(node.ctx, ast.Load)
        self._attr_name(node.attr, node.value, store)
        if store:
            self._patch(node)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if not isinstance(node.ctx, ast.Load):
            self._patch(node)
        self.generic_visit(node)

    def _patch(self, target: ast.Attribute | ast.Subscript) -> None:
        if isinstance(target, ast.Attribute) and not isinstance(_root(target.value), ast.Name):
            self.flag(f"assigns to {_short(target)} (an attribute of a computed object)")
            return
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute) \
                and target.value.attr == "rcParams":
            return          # plt.rcParams["figure.dpi"] = 80: a plot setting, as the setup does
        if self.module_of(_root(target.value)) is not None:
            self.flag(f"assigns to {_short(target)} (patching a library)")

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for t in node.targets:
            self.visit(t)
        # an alias of a module or of something in it (F = torch.nn.functional) stays one
        value, tail = node.value, []
        while isinstance(value, ast.Attribute):
            tail.insert(0, value.attr)
            value = value.value
        path = self.module_of(value)
        if path is not None and not self.scopes:
            for t in node.targets:
                if isinstance(t, ast.Name) and t.id not in self.protected:
                    self.modules[t.id] = ".".join([path] + tail)

    def visit_Constant(self, node: ast.Constant) -> None:
        v = node.value
        if isinstance(v, str) and (v in _FRAME_ATTRS or v.startswith("co_") and v.isidentifier()):
            self.flag(f"mentions {v!r} (frames and code objects reach the grader)")
        elif isinstance(v, str) and _is_dunder(v) and v.isidentifier() \
                and v not in DUNDERS and v != "__main__":
            self.flag(f"mentions {v!r} (a hook of the interpreter, by name)")

    # -- IPython syntax (the kernel turns !cmd, %magic and %%magic into these calls)
    def _ipython_call(self, node: ast.Call) -> bool:
        """Judge get_ipython().<method>(...) made by IPython's syntax; True when handled."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call)
                and isinstance(func.value.func, ast.Name) and func.value.func.id == "get_ipython"
                and not func.value.args):
            return False
        args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                for a in node.args]
        if func.attr in ("system", "getoutput"):
            self.flag(f"runs a shell command (!{_clip(args[0] if args else '')})")
            return True
        if func.attr not in ("run_line_magic", "run_cell_magic") or not args or args[0] is None:
            return False
        name, code = args[0], args[-1] if len(args) > 1 else ""
        mark = "%" if func.attr == "run_line_magic" else "%%"
        if name in _MAGICS_WITH_CODE and code is not None:
            if mark == "%":
                code = re.sub(r"^(\s*-[a-z]+(\s+\d+)?)*\s*", "", code)    # %timeit -n 10 f(x)
            try:
                tree = ast.parse(code)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return True
            self.visit(tree)
        elif name not in _HARMLESS_MAGICS:
            self.flag(f"uses the IPython magic {mark}{name} (magics reach the kernel and the shell)")
        return True

    # -- calls: getattr & co
    def visit_Call(self, node: ast.Call) -> None:
        if self._ipython_call(node):
            return
        func = node.func
        self.called.add(id(func))
        for k in node.keywords:     # np.load(f, allow_pickle=True), torch.load(f, weights_only=False)
            unsafe = {"allow_pickle": True, "weights_only": False}.get(k.arg)
            if unsafe is not None and not (isinstance(k.value, ast.Constant)
                                           and k.value.value is not unsafe):
                self.flag(f"calls {_short(func)} with {k.arg}={_short(k.value)} "
                          "(unpickling runs code)")
        if isinstance(func, ast.Name) and func.id in ("getattr", "setattr", "delattr", "hasattr"):
            name = func.id
            if len(node.args) < 2 or not (isinstance(node.args[1], ast.Constant)
                                          and isinstance(node.args[1].value, str)):
                self.flag(f"calls {name} with a computed name (it can reach anything)")
            else:
                self._attr_name(node.args[1].value, node.args[0],
                                store=name in ("setattr", "delattr"))
                if name in ("setattr", "delattr") \
                        and self.module_of(_root(node.args[0])) is not None:
                    self.flag(f"calls {name} on {_short(node.args[0])} (patching a library)")
        elif isinstance(func, (ast.Name, ast.Attribute)) and \
                (func.id if isinstance(func, ast.Name) else func.attr) in ("attrgetter",
                                                                           "methodcaller"):
            args = node.args if _name_of(func) == "attrgetter" else node.args[:1]
            for arg in args:
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    self.flag(f"calls {_name_of(func)} with a computed name (it can reach anything)")
                else:
                    for part in arg.value.split("."):
                        self._attr_name(part, None, store=False)
        self.generic_visit(node)

    # -- scopes and bindings
    def _function(self, node) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._store_name(node.name)
            if _is_dunder(node.name):
                if not self.classes:
                    self.flag(f"defines {node.name} outside a class")
                elif node.name not in DUNDERS or node.name in _READ_ONLY_DUNDERS:
                    self.flag(f"defines {node.name} (decides how the checks compare, convert "
                              "or inspect the answer)")
            for d in node.decorator_list:
                self.visit(d)
            if node.returns:
                self.visit(node.returns)
            body = node.body
        else:
            body = [node.body]
        self.visit(node.args)
        a = node.args
        local = {x.arg for x in a.posonlyargs + a.args + a.kwonlyargs}
        local |= {x.arg for x in (a.vararg, a.kwarg) if x is not None}
        declared = set()
        for stmt in body:
            for n in ast.walk(stmt):
                if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
                    local.add(n.id)
                elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    local.add(n.name)
                elif isinstance(n, (ast.Global, ast.Nonlocal)):
                    declared.update(n.names)
        outer = self.classes
        self.scopes.append(local - declared)
        self.classes = 0
        self.functions += 1
        for stmt in body:
            self.visit(stmt)
        self.functions -= 1
        self.scopes.pop()
        self.classes = outer

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_arguments(self, node: ast.arguments) -> None:
        for d in node.defaults + [d for d in node.kw_defaults if d is not None]:
            self.visit(d)
        for x in node.posonlyargs + node.args + node.kwonlyargs + [node.vararg, node.kwarg]:
            if x is not None and x.annotation is not None:
                self.visit(x.annotation)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._store_name(node.name)
        for k in node.keywords:
            if k.arg == "metaclass":
                self.flag(f"class {node.name} has a metaclass (answers never need one)")
        for b in node.bases:
            root = b
            while isinstance(root, ast.Attribute):
                root = root.value
            path = self.module_of(root)
            full = f"{path}{ast.unparse(b)[len(root.id):]}" if path else ""
            if full and any(full == a or full.startswith(a + ".") or full.startswith(a)
                            and a.endswith("_") for a in _ARRAY_BASES) \
                    or isinstance(b, ast.Name) and b.id == "type" and path is None:
                self.flag(f"class {node.name} subclasses {_short(b)} (it would decide how the "
                          "checks see it)")
        for d in node.decorator_list + node.bases + [k.value for k in node.keywords]:
            self.visit(d)
        self.classes += 1
        for stmt in node.body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for t in targets:
                    if isinstance(t, ast.Name) and _is_dunder(t.id) and (
                            t.id not in DUNDERS or t.id in _READ_ONLY_DUNDERS):
                        self.flag(f"defines {t.id} (decides how the checks compare, convert "
                                  "or inspect the answer)")
            self.visit(stmt)
        self.classes -= 1

    def _comprehension(self, node) -> None:
        local = {n.id for g in node.generators for n in ast.walk(g.target)
                 if isinstance(n, ast.Name)}
        self.scopes.append(local)
        self.generic_visit(node)
        self.scopes.pop()

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        # a walrus binds in the enclosing function or module, even inside a comprehension
        if node.target.id in self.protected and not self.functions and not self.classes:
            self.flag(f"rebinds {node.target.id}, which the test cells use")
        self.visit(node.value)

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            if name in self.protected:
                self.flag(f"declares global {name}, a name the test cells use")

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._store_name(node.name)
        self.generic_visit(node)


#: IPython magics an answer may use: timing its own code (which is checked like any code)
_MAGICS_WITH_CODE = {"time", "timeit"}
#: and magics that run no code: plots inline, help (obj? and obj??)
_HARMLESS_MAGICS = {"matplotlib", "pinfo", "pinfo2"}


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[:width - 3] + "..."


@functools.lru_cache(maxsize=1)
def _ipython_transformer():
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:         # pragma: no cover - IPython is part of the course's environment
        return None
    return TransformerManager()


def _python(source: str) -> str:
    """The Python the kernel runs for a cell: IPython's syntax (!cmd, %magic) made calls."""
    manager = _ipython_transformer()
    if manager is None:
        return source
    try:
        return manager.transform_cell(source)
    except Exception:           # noqa: BLE001 - then the source is judged as it is
        return source


def _bound_names(tree: ast.AST) -> set[str]:
    """Every name the cell binds anywhere (variables, parameters, functions, imports)."""
    out = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            out.add(n.id)
        elif isinstance(n, ast.arg):
            out.add(n.arg)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(n.name)
        elif isinstance(n, ast.alias):
            out.add(n.asname or n.name.split(".")[0])
    return out


def _name_of(func: ast.AST) -> str:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


_BUILTINS = frozenset(n for n in dir(builtins) if not n.startswith("_"))
#: base classes that make an object that decides how numpy/torch and the checks see it
_ARRAY_BASES = ("numpy", "torch.Tensor", "torch._")


def _short(node: ast.AST, width: int = 50) -> str:
    text = ast.unparse(node)
    return text if len(text) <= width else text[:width - 3] + "..."


def check(source: str, notebook: str | None = None) -> list[str]:
    """What in an answer cell's ``source`` the policy does not allow, as short sentences for
    an instructor (empty when nothing). ``notebook``: the assignment id or its prefix
    ("03", "03_autodiff"), for its extra modules, its setup cells' names and its own cells;
    None applies the base policy only."""
    if not isinstance(source, str):
        raise TypeError(f"check: source must be the cell's source (str), "
                        f"got {type(source).__name__}")
    nb = resolve(notebook)
    if nb is not None and source.strip() in _course(nb)[1]:
        return []
    try:
        tree = ast.parse(_python(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []       # the kernel cannot compile it either: the cell fails on its own
    policy = _Policy(nb)
    policy.bound = _bound_names(tree)
    try:
        policy.visit(tree)
    except RecursionError:
        return ["is nested too deeply to be read (the policy cannot vouch for it)"]
    except Exception as exc:    # noqa: BLE001 - a finding to review, never a failed grading
        return [f"could not be read by the policy ({type(exc).__name__}): review it by hand"]
    return policy.found
