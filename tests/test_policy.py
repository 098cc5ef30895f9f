"""The static policy for answer cells (nnlib/course/policy.py): default-deny, per notebook.

The reference for "honest" is the course's own solution notebooks and a set of idiomatic
answers written here (what a student writes for these exercises); the reference for
"attack" is one submission per class of tampering, each flagged with its reason.
"""
from __future__ import annotations

import nbformat
import pytest

from nnlib.course import assignments, solution, student
from nnlib.course.cells import ANSWER, role
from nnlib.course.pipeline import is_answer
from nnlib.course.policy import (BASE, DENIED, NOTEBOOKS, allowed_modules, check, setup_cells,
                                 setup_names)

ASSIGNMENTS = assignments()


def _answers(assignment):
    nb = nbformat.read(str(solution(assignment)), as_version=4)
    return [(c.metadata["nbgrader"]["grade_id"], c.source) for c in nb.cells
            if c.cell_type == "code" and role(c) == ANSWER]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_solution_answer_cell_is_clean(assignment):
    for grade_id, source in _answers(assignment):
        assert check(source, assignment) == [], (assignment, grade_id)
        # also without the notebook (the base policy), where its extras are not needed
        if not NOTEBOOKS[assignment]:
            assert check(source) == [], (assignment, grade_id)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_cell_the_grader_reads_in_a_solution_submission_is_clean(assignment):
    """The pipeline applies the policy to every unlocked non-test code cell (a student can
    edit them all): the course's own cells in a solution submission raise nothing."""
    nb = nbformat.read(str(solution(assignment)), as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and is_answer(cell):
            assert check(cell.source, assignment) == [], (assignment, i, cell.source[:200])


def test_every_assignment_has_a_policy_entry_and_every_setup_import_is_decided():
    """A maintainer who adds a notebook or a setup import must decide: allow it (with a
    reason) or deny it."""
    assert set(NOTEBOOKS) == set(ASSIGNMENTS)
    for a in ASSIGNMENTS:
        nb = nbformat.read(str(student(a)), as_version=4)
        allowed = allowed_modules(a)
        for name, path in setup_names(nb).items():
            decided = any(path == m or path.startswith(m + ".")
                          for m in list(allowed) + list(DENIED))
            assert decided, (a, name, path)
    for why in list(BASE.values()) + [w for extra in NOTEBOOKS.values() for w in extra.values()]:
        assert len(why.split()) >= 4, why   # a reason, not a word


def test_the_base_never_allows_what_is_denied():
    for m in ("os", "sys", "subprocess", "socket", "ctypes", "importlib", "inspect", "linecache",
              "gc", "threading", "signal", "atexit", "IPython", "ipykernel", "nbgrader",
              "builtins"):
        assert m in DENIED and m not in BASE
        assert check(f"import {m}"), m
        assert check(f"from {m} import x as y"), m


# ---------------------------------------------------------------- setup cells

def test_setup_names_are_derived_from_the_cells_before_the_first_exercise():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("import numpy as np\nfrom nnlib import check, data as d\n"
                                  "import torch.nn.functional as F\nimport matplotlib.pyplot"),
        nbformat.v4.new_code_cell("x = 1   # no import: not a setup cell"),
        nbformat.v4.new_code_cell("def f(x):\n    return x\n"),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport copy"),
    ]
    answer = nbformat.v4.new_code_cell("import itertools\n")
    answer.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False,
                                   "grade_id": "ex", "schema_version": 3}
    nb.cells += [answer, nbformat.v4.new_code_cell("import math")]
    assert len(setup_cells(nb)) == 2
    assert setup_names(nb) == {"np": "numpy", "check": "nnlib.check", "d": "nnlib.data",
                               "F": "torch.nn.functional", "matplotlib": "matplotlib",
                               "copy": "copy"}


def test_the_course_setup_names_are_protected_per_notebook():
    names = setup_names(nbformat.read(str(student("05_sgd")), as_version=4))
    assert names["F"] == "torch.nn.functional" and names["plt"] == "matplotlib.pyplot"
    assert check("F = None", "05") == ["rebinds F, which the test cells use"]
    assert check("F = None", "04") == []          # 04's setup does not import F
    assert check("plt = None", "01") == ["rebinds plt, which the test cells use"]
    assert check("seed = 3", "01_gradient_descent") == ["rebinds seed, which the test cells use"]
    # importing the same thing again under the same name is not a rebinding
    assert check("import numpy as np\nfrom nnlib import check\nimport torch.nn.functional as F\n"
                 "from torch.nn import functional as F", "05") == []
    assert check("import torch as np", "05") == [
        "rebinds np, which the test cells use (to torch)"]
    # names bound in a function, a class or a comprehension are not the module's
    assert check("def f(np, check):\n    F = 1\n    return [plt for plt in range(3)]\n"
                 "class A:\n    torch = 1\n", "05") == []


def test_the_notebooks_own_cells_are_not_the_students():
    nb = nbformat.read(str(student("09_hyperparameters")), as_version=4)
    setup = setup_cells(nb)[0]
    assert "import os" in setup
    assert check(setup, "09") == []
    edited = check(setup + "\nprint(1)\n", "09")
    assert "imports os (files and processes; answers never need it)" in edited
    # 08's setup binds os: an answer that uses it is flagged without importing it
    assert check("def f():\n    return os.listdir('.')\n", "09") == [
        "uses os, which the setup cell imported (files and processes)"]
    assert check("def f(os):\n    return os.listdir('.')\n", "09") == []


def test_syntax_errors_are_not_findings_and_bad_input_is_rejected():
    assert check("def broken(:\n    pass") == []
    assert check("import os\ndef broken(:") == []
    with pytest.raises(TypeError, match="source"):
        check(b"import os")
    with pytest.raises(ValueError, match="notebook '99'.*01_gradient_descent"):
        check("x = 1", "99")


# ---------------------------------------------------------------- honest answers

HONEST = {
    "loop": """
def least_squares_loss(phi, x, y):
    total = 0.0
    for xi, yi in zip(x, y):
        total += (phi[0] + phi[1] * xi - yi) ** 2
    return total
""",
    "comprehension": """
def softmax(z):
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    return np.array([v / s for v in e])
""",
    "vectorised": """
def mlp_forward(x, weights, biases):
    h = x
    for k, (omega, beta) in enumerate(zip(weights, biases)):
        f = beta[:, None] + omega @ h
        h = np.maximum(f, 0) if k < len(weights) - 1 else f
    return h
""",
    "dual": """
class Dual:
    __slots__ = ("value", "deriv")

    def __init__(self, value, deriv=0.0):
        self.value, self.deriv = float(value), float(deriv)

    def __repr__(self):
        return f"{type(self).__name__}({self.value}, {self.deriv})"

    @staticmethod
    def lift(c):
        return c if isinstance(c, Dual) else Dual(c)

    def __add__(self, other):
        other = Dual.lift(other)
        return Dual(self.value + other.value, self.deriv + other.deriv)

    __radd__ = __add__

    def __neg__(self):
        return Dual(-self.value, -self.deriv)

    def __sub__(self, other):
        return self + (-Dual.lift(other))

    def __rsub__(self, other):
        return Dual.lift(other).__sub__(self)

    def __mul__(self, other):
        o = Dual.lift(other)
        return Dual(self.value * o.value, self.deriv * o.value + self.value * o.deriv)

    def __rmul__(self, other):
        return self.__mul__(other)

    def __truediv__(self, other):
        o = Dual.lift(other)
        return Dual(self.value / o.value, (self.deriv * o.value - self.value * o.deriv) / o.value ** 2)

    def __rtruediv__(self, other):
        return Dual.lift(other) / self

    def __pow__(self, n):
        return Dual(self.value ** n, n * self.value ** (n - 1) * self.deriv)

    def sin(self):
        return Dual(math.sin(self.value), math.cos(self.value) * self.deriv)
""",
    "value": """
class Value:
    def __init__(self, data, _parents=()):
        self.data = float(data)
        self.grad = 0.0
        self._parents = tuple(_parents)
        self._backward = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))
        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))
        def _backward():
            self.grad += out.grad * other.data
            other.grad += out.grad * self.data
        out._backward = _backward
        return out

    def __pow__(self, k):
        out = Value(self.data ** k, (self,))
        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def __neg__(self): return self * -1
    def __sub__(self, other): return self + (-other)
    def __radd__(self, other): return self + other
    def __rmul__(self, other): return self * other
    def __truediv__(self, other): return self * other ** -1
    def __lt__(self, other): return self.data < (other.data if isinstance(other, Value) else other)

    @property
    def is_leaf(self):
        return not self._parents
""",
    "topological_generator": """
def topological_order(root):
    seen, order = set(), []
    def visit(v):
        if id(v) in seen:
            return
        seen.add(id(v))
        for p in v._parents:
            visit(p)
        order.append(v)
    visit(root)
    return order

def nodes(root):
    yield from reversed(topological_order(root))
""",
    "nn_module": """
import torch
from torch import nn

class TwoLayer(nn.Module):
    def __init__(self, n_in, n_hidden, n_out):
        super().__init__()
        self.hidden = nn.Linear(n_in, n_hidden)
        self.out = nn.Linear(n_hidden, n_out)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))

def build_model(sizes):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)
    return model
""",
    "early_stopping_deepcopy_bytesio": """
import copy, io

def fit_early_stopping(model, train_step, val_loss, patience=5, max_epochs=100):
    best, best_state, waited = float("inf"), copy.deepcopy(model.state_dict()), 0
    for epoch in range(max_epochs):
        train_step(model)
        loss = val_loss(model)
        if loss < best:
            best, best_state, waited = loss, copy.deepcopy(model.state_dict()), 0
        else:
            waited += 1
            if waited >= patience:
                break
    buffer = io.BytesIO()
    torch.save(best_state, buffer)
    buffer.seek(0)
    model.load_state_dict(torch.load(buffer))
    return model, best
""",
    "no_grad_eval": """
def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
    return float((logits.argmax(dim=1) == y).float().mean())
""",
    "rng": """
def split_indices(n, fraction, seed=0):
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    k = int(round(fraction * n))
    return order[k:], order[:k]
""",
    "lru_cache": """
import functools

@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
""",
    "defaultdict_counter": """
from collections import defaultdict, Counter

def class_counts(labels):
    counts = defaultdict(int)
    for label in labels:
        counts[int(label)] += 1
    assert sum(counts.values()) == len(labels)
    return dict(counts), Counter(labels).most_common(1)
""",
    "itertools_product": """
import itertools

def grid(lrs, sizes):
    return [{"lr": lr, "hidden": h} for lr, h in itertools.product(lrs, sizes)]
""",
    "isclose_fstring_assert": """
def robbins_monro_rate(alpha0, t, power=1.0):
    assert alpha0 > 0, f"alpha0 must be positive, got {alpha0}"
    rate = alpha0 / (1 + t) ** power
    if math.isclose(rate, 0.0):
        print(f"rate at step {t:d} is {rate:.2e}")
    return rate
""",
    "try_except": """
def safe_log(v):
    try:
        return math.log(v)
    except ValueError:
        return float("-inf")
""",
    "private_loop_names": """
def pairs(xs):
    out = []
    for _i, _x in enumerate(xs):
        out.append((_i, _x))
    return out
""",
    "lambda_sort": """
def best_trial(trials, maximise=True):
    sign = 1 if maximise else -1
    return max(trials, key=lambda t: sign * t["val"])
""",
    "staticmethod_property": """
class Schedule:
    def __init__(self, alpha):
        self._alpha = alpha

    @property
    def alpha(self):
        return self._alpha

    @staticmethod
    def step(t):
        return 1.0 / (1 + t)

    @classmethod
    def constant(cls, alpha):
        return cls(alpha)

    def __call__(self, t):
        return self.alpha * self.step(t)

    def __len__(self):
        return 1

    def __getitem__(self, t):
        return self(t)
""",
    "adam_inplace": """
def adam_step(params, grads, m, v, t, alpha=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    for p, g, m_k, v_k in zip(params, grads, m, v):
        m_k *= beta1
        m_k += (1 - beta1) * g
        v_k[:] = beta2 * v_k + (1 - beta2) * g ** 2
        m_hat = m_k / (1 - beta1 ** t)
        v_hat = v_k / (1 - beta2 ** t)
        p -= alpha * m_hat / (np.sqrt(v_hat) + eps)
""",
    "torch_training": """
import torch.nn.functional as F

def train_epoch(model, optimiser, x, y, batch_size=32):
    model.train()
    order = torch.randperm(len(x))
    total = 0.0
    for start in range(0, len(x), batch_size):
        batch = order[start:start + batch_size]
        optimiser.zero_grad()
        loss = F.cross_entropy(model(x[batch]), y[batch])
        loss.backward()
        optimiser.step()
        total += loss.item() * len(batch)
    return total / len(x)
""",
    "conv_loops": """
def conv1d(x, w, stride=1, padding=0):
    x = np.pad(x, padding)
    n_out = (len(x) - len(w)) // stride + 1
    return np.array([np.dot(x[i * stride:i * stride + len(w)], w) for i in range(n_out)])

def traces(a, model, x):
    return np.trace(a), torch.trace(torch.as_tensor(a)), torch.jit.trace(model, x), nnlib.trace
""",
    "dataclass_random_getattr_literal": """
import random
from dataclasses import dataclass, field

@dataclass
class Trial:
    lr: float
    history: list = field(default_factory=list)

def sample(n, seed=0):
    r = random.Random(seed)
    trials = [Trial(10 ** r.uniform(-4, -1)) for _ in range(n)]
    return [getattr(t, "lr") for t in trials], hasattr(trials[0], "history")
""",
    "walrus_and_with": """
def dead_fraction(model, x):
    acts = []
    with torch.no_grad():
        h = x
        for layer in model:
            h = layer(h)
            if (n := h.shape[1]) and isinstance(layer, torch.nn.ReLU):
                acts.append((h <= 0).all(dim=0).float().mean().item())
    return sum(acts) / len(acts) if acts else 0.0
""",
    "main_guard_and_repr": """
class Point:
    def __init__(self, x):
        self.x = x
    def __repr__(self):
        return f"{self.__class__.__name__}({self.x!r})"

if __name__ == "__main__":
    print(Point(1), torch.__version__)
""",
    "plot_own_cell": """
fig, ax = plt.subplots(figsize=(4, 3))
ax.plot(np.arange(10), np.arange(10) ** 2, label="squares")
ax.legend()
plt.rcParams["figure.dpi"] = 100
plt.show()
""",
    "ipython_timing_and_help": """
%matplotlib inline
%timeit -n 3 sum(range(100))
np.allclose?
""",
    "operator_reduce_warnings": """
import functools, operator, warnings

def product(xs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return functools.reduce(operator.mul, xs, 1)
""",
}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_idiomatic_answers_are_clean(name):
    source = HONEST[name]
    for notebook in ("01", "04", "05", "06", "07", "09"):
        assert check(source, notebook) == [], (name, notebook)


def _right_mutants():
    import importlib
    import sys
    from pathlib import Path

    here = Path(__file__).parent
    sys.path[:0] = [str(here), str(here / "mutants")]
    try:
        from mutation import mutate
        for path in sorted((here / "mutants").glob("nb*.py")):
            catalog = importlib.import_module(path.stem)
            nb = nbformat.read(str(solution(catalog.NOTEBOOK)), as_version=4)
            cells = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
                     if role(c) == ANSWER}
            for grade_id, kinds in catalog.MUTANTS.items():
                for label, entry in kinds.get("right", {}).items():
                    entry = entry[0] if isinstance(entry, tuple) else entry
                    source = entry if isinstance(entry, str) else mutate(entry, cells[grade_id],
                                                                         grade_id)
                    yield catalog.NOTEBOOK, grade_id, label, source
    finally:
        del sys.path[:2]


def test_every_alternative_right_answer_of_the_mutant_catalogs_is_clean():
    """The catalogs' right answers (loops, vectorised, torch, scikit-learn ...) are honest
    answers written independently of the policy."""
    rights = list(_right_mutants())
    assert len(rights) > 50
    for notebook, grade_id, label, source in rights:
        assert check(source, notebook) == [], (notebook, grade_id, label)


def test_there_are_at_least_twenty_honest_answers():
    assert len(HONEST) >= 20


# ---------------------------------------------------------------- attacks: one per class

ATTACKS = {
    # rebinding names the test cells use
    "rebind_check": ("class _Pass:\n    def __getattr__(self, name):\n        return lambda *a, **k: None\n"
                     "check = _Pass()\n", "rebinds check, which the test cells use"),
    "rebind_np": ("import torch as np\n", "rebinds np, which the test cells use"),
    "rebind_loop": ("for np in [None]:\n    pass\n", "rebinds np"),
    "rebind_global": ("def f():\n    global torch\n    torch = None\n", "declares global torch"),
    "rebind_star": ("from math import *\n", "import *"),
    "rebind_builtin": ("abs = lambda v: 0\n", "rebinds the builtin abs"),
    "rebind_del": ("del check\n", "rebinds check"),
    "rebind_walrus": ("[(np := None) for _ in range(1)]\n", "rebinds np"),
    # patching the checks and numpy
    "patch_code": ("from nnlib import check as c\nc.close.__code__ = (lambda *a, **k: None).__code__\n",
                   "uses .__code__"),
    "patch_module": ("np.allclose = lambda *a, **k: True\n", "assigns to np.allclose (patching"),
    "patch_alias": ("F = torch.nn.functional\nF.mse_loss = lambda a, b: 0\n", "assigns to F.mse_loss"),
    "patch_setattr_computed": ("setattr(np, 'all' + 'close', lambda *a, **k: True)\n",
                               "calls setattr with a computed name"),
    "patch_setattr_literal": ("setattr(np.testing, 'assert_allclose', print)\n",
                              "calls setattr on np.testing (patching"),
    "patch_dict": ("np.__dict__['allclose'] = print\n", "uses .__dict__"),
    "patch_computed_root": ("[np][0].allclose = print\n", "an attribute of a computed object"),
    "through_torch": ("torch.os.system('true')\n", "uses torch.os (reaches os through torch)"),
    "through_library": ("np.linalg.sys.modules.clear()\n", "reaches sys through a library"),
    "setattr_as_value": ("import functools\npatch = functools.partial(setattr, np)\n",
                         "passes setattr as a value"),
    "getattr_computed": ("f = getattr(np, 'al' + 'lclose')\n", "calls getattr with a computed name"),
    # IPython hooks and history
    "ipython_events": ("ip = get_ipython()\nip.events.register('post_run_cell', lambda r: None)\n",
                       "uses get_ipython"),
    "ipython_module": ("import IPython\nIPython.get_ipython().set_custom_exc((Exception,), print)\n",
                       "imports IPython (the kernel or the grader"),
    "history_in": ("print(In[-1])\n", "uses In (reads the kernel's input history)"),
    "history_ih": ("src = _ih[3] + _i2\n", "uses _ih"),
    "linecache": ("import linecache\nprint(linecache.cache)\n", "imports linecache"),
    # finding the guard
    "gc": ("import gc\nguards = [o for o in gc.get_objects() if hasattr(o, 'verify_and_restore')]\n",
           "imports gc"),
    "subclasses": ("hooks = ().__class__.__base__.__subclasses__()\n", "uses .__subclasses__"),
    "callbacks_vars": ("for v in vars(check).values():\n    pass\n", "uses vars"),
    "globals": ("globals()['check'] = None\n", "uses globals"),
    # frames
    "frames": ("import sys\nf = sys._getframe(1)\n", "imports sys"),
    "frames_without_import": ("def grab():\n    try:\n        raise ValueError\n"
                              "    except ValueError as e:\n        return e.__traceback__.tb_frame.f_back.f_locals\n",
                              "uses .f_back"),
    "generator_frame": ("g = (x for x in [1])\nfr = g.gi_frame\n", "uses .gi_frame"),
    "attrgetter_string": ("import operator\nget = operator.attrgetter('f_back')\n", "'f_back'"),
    # objects that decide how they are compared or converted
    "custom_eq": ("class Anything:\n    def __eq__(self, other):\n        return True\n",
                  "defines __eq__"),
    "custom_array_frames": ("class Sneaky:\n    def __array__(self, dtype=None):\n"
                            "        import inspect\n        return inspect.currentframe().f_back.f_locals['expected']\n",
                            "defines __array__"),
    "custom_float": ("class F:\n    def __float__(self):\n        return 0.0\n", "defines __float__"),
    "dunder_by_name": ("Anything = type('Anything', (), {'__eq__': lambda s, o: True})\n",
                       "mentions '__eq__'"),
    "metaclass": ("class M(type):\n    pass\nclass A(metaclass=M):\n    pass\n", "metaclass"),
    "ndarray_subclass": ("class Sneaky(np.ndarray):\n    pass\n", "subclasses np.ndarray"),
    "tensor_subclass": ("from torch import Tensor\nclass T(Tensor):\n    pass\n",
                        "subclasses Tensor"),
    "torch_function": ("class T:\n    @classmethod\n    def __torch_function__(cls, f, t, a=(), k=None):\n"
                       "        return True\n", "defines __torch_function__"),
    # code that runs later or elsewhere
    "thread": ("import threading\nthreading.Thread(target=lambda: None).start()\n",
               "imports threading"),
    "signal": ("import signal\nsignal.signal(signal.SIGALRM, lambda *a: None)\n", "imports signal"),
    "atexit": ("import atexit\natexit.register(print)\n", "imports atexit"),
    # dynamic code and imports
    "importlib": ("import importlib\nm = importlib.import_module('o' + 's')\n", "imports importlib"),
    "dunder_import": ("m = __import__('o' + 's')\n", "uses __import__"),
    "exec_built": ("exec('impo' + 'rt os')\n", "uses exec (runs code built at run time)"),
    "eval_built": ("x = eval(''.join(['n', 'p']))\n", "uses eval"),
    "builtins_dunder": ("__builtins__.open\n", "uses __builtins__"),
    "open_file": ("text = open('/etc/passwd').read()\n", "uses open"),
    "io_open": ("import io\nio.open('x')\n", "uses io.open"),
    "unpickle": ("m = torch.load(buffer, weights_only=False)\n", "(unpickling runs code)"),
    "private_torch": ("torch._C._set_grad_enabled(False)\n", "uses torch._C (a private part"),
    "os_process": ("import os\nos.system('true')\n", "imports os"),
    "subprocess": ("import subprocess\n", "imports subprocess"),
    "ctypes": ("import ctypes\n", "imports ctypes"),
    "grader": ("from nnlib.course import guard\n", "imports nnlib.course"),
    "shell": ("files = !ls /\n", "runs a shell command (!ls /)"),
    "magic_run": ("%run -i other.py\n", "uses the IPython magic %run"),
    "cell_magic": ("%%bash\ncat /etc/passwd\n", "uses the IPython magic %%bash"),
    "timeit_hiding": ("%timeit -n 1 exec('x = 1')\n", "uses exec"),
    "unknown_module": ("import requests_like_thing\n", "not among the modules"),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_each_attack_class_is_flagged_with_its_reason(name):
    source, reason = ATTACKS[name]
    found = check(source, "01_gradient_descent")
    assert any(reason in f for f in found), (name, found)
    assert all(len(f) <= 120 for f in found), found


def test_findings_name_what_and_why():
    found = check("import os\nimport numpy as np\n")
    assert found == ["imports os (files and processes; answers never need it)"]
    found = check("import sympy\n", "01")
    assert found == ["imports sympy (not among the modules this notebook's answers may use)"]
    assert check("import sympy\n", "04") == []


def test_the_policy_names_exactly_the_course_notebooks():
    from nnlib.course import assignments
    from nnlib.course.policy import NOTEBOOKS
    assert list(NOTEBOOKS) == assignments(), (
        "nnlib/course/policy.py's NOTEBOOKS must have one entry per notebook (renamed or added?)")
