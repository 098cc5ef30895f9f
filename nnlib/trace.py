"""Primal and adjoint trace tables, for checking a trace made by hand.

A tiny tracer in the style of Baydin et al. (2018), tables 2 and 3::

    from nnlib import trace
    x1, x2 = trace.inputs(x1=2.0, x2=5.0)   # v_-1 and v_0
    v1 = trace.log(x1)                      # v_1, v_2, ...: numbered in the order they run
    v2 = x1 * x2
    v3 = trace.sin(x2)
    y = v1 + v2 - v3                        # v_4 and v_5
    trace.primal_table(y)                   # the forward primal trace
    trace.adjoint_table(y)                  # the reverse adjoint trace, edge by edge

Inputs are numbered v_{1-n} ... v_0, intermediates v_1, v_2, ... in the order Python computed
them (only those y depends on). Plain numbers are constants, not variables: they appear in
the expression text. Supported: + - * / with variables or numbers on either side, unary
minus, ``** int``, and log, exp, sin, cos (as functions or as methods, ``x.sin()``).

Tables show values rounded to 4 decimals, and no function hands numbers back: this is a
checking aid for traces you work out yourself, not a differentiation library.
"""
from __future__ import annotations

import itertools
import math
import numbers
from typing import Callable

from .utils import BadArgument, describe

__all__ = ["Var", "inputs", "log", "exp", "sin", "cos", "primal_table", "adjoint_table",
           "show", "count_ops"]


_serial = itertools.count()   # creation order: a topological order of any expression


class Var:
    """A traced scalar, made by :func:`inputs` or by an elementary operation on Vars."""

    __slots__ = ("_tape", "_serial", "_op", "_text", "_args", "_value", "_partials")

    def __init__(self, tape: list[Var], op: str, text: str, args: tuple, value: float,
                 partials: tuple[tuple[str, float], ...]) -> None:
        self._tape, self._serial, self._op, self._text = tape, next(_serial), op, text
        self._args, self._value, self._partials = args, value, partials

    @property
    def _parents(self) -> list[Var]:
        return [a for a in self._args if isinstance(a, Var)]

    def __repr__(self) -> str:
        return f"<trace.Var {self._op} = {self._value:.4f}>"

    def __add__(self, other): return _binary("+", self, other)
    def __radd__(self, other): return _binary("+", other, self)
    def __sub__(self, other): return _binary("-", self, other)
    def __rsub__(self, other): return _binary("-", other, self)
    def __mul__(self, other): return _binary("*", self, other)
    def __rmul__(self, other): return _binary("*", other, self)
    def __truediv__(self, other): return _binary("/", self, other)
    def __rtruediv__(self, other): return _binary("/", other, self)
    def __neg__(self): return Var(self._tape, "neg", "-{0}", (self,), -self._value, (("-1", -1.0),))
    def log(self) -> Var: return log(self)
    def exp(self) -> Var: return exp(self)
    def sin(self) -> Var: return sin(self)
    def cos(self) -> Var: return cos(self)

    def __pow__(self, p) -> Var:
        if isinstance(p, bool) or not isinstance(p, numbers.Integral):
            raise TypeError(f"trace: the exponent of ** must be an int, got {_describe(p)} "
                            "(for other powers write exp(p * log(a)))")
        a, p = self._value, int(p)
        if a == 0 and p < 0:
            raise ZeroDivisionError(f"trace: 0 ** {p} is undefined (the base is 0)")
        try:
            local, value = (p * a ** (p - 1) if p != 0 else 0.0), a ** p
        except OverflowError:
            local = value = math.inf
        if not (math.isfinite(value) and math.isfinite(local)):
            raise OverflowError(f"trace: a ** {p} overflows a float (a = {a:g})")
        return Var(self._tape, "pow", f"{{0}} ** {p}", (self,), value,
                   ((f"{p} * {{0}} ** {p - 1}", local),))


def _describe(x: object) -> str:
    return describe(x, width=70)


def _number(x: object, subject: str, expected: str = "a real number") -> float:
    """x as a float, or an error naming the argument (``subject``) and what it should be."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise BadArgument(f"{subject} must be {expected}, got {_describe(x)}")
    if not math.isfinite(x):
        raise BadArgument(f"{subject} must be a finite number, got {float(x)!r}")
    return float(x)


def _binary(op: str, a: object, b: object) -> Var:
    """a op b, where at least one of a, b is a Var (the other may be a number)."""
    tapes = {id(v._tape): v._tape for v in (a, b) if isinstance(v, Var)}
    if len(tapes) > 1:
        raise ValueError(f"trace: cannot combine variables of two different trace.inputs(...) "
                         f"calls in {op}; build the whole expression from one call's variables")
    what = f"trace: each operand of {op}", "a trace.Var or a real number"
    x = a._value if isinstance(a, Var) else _number(a, *what)
    y = b._value if isinstance(b, Var) else _number(b, *what)
    if op == "+":
        value, da, db = x + y, ("1", 1.0), ("1", 1.0)
    elif op == "-":
        value, da, db = x - y, ("1", 1.0), ("-1", -1.0)
    elif op == "*":
        value, da, db = x * y, ("{1}", y), ("{0}", x)
    elif y == 0.0:
        raise ZeroDivisionError("trace: division by zero in a / b (the divisor b is 0)")
    else:
        value, da, db = x / y, ("1/{1}", 1 / y), ("-{0}/{1}^2", -x / y ** 2)
    if not math.isfinite(value):
        raise OverflowError(f"trace: a {op} b = {value} overflows a float (a = {x:g}, b = {y:g})")
    partials = tuple(d for d, v in ((da, a), (db, b)) if isinstance(v, Var))
    name = {"+": "add", "-": "sub", "*": "mul", "/": "div"}[op]
    return Var(next(iter(tapes.values())), name, f"{{0}} {op} {{1}}", (a, b), value, partials)


def _elementary(name: str, fn: Callable[[float], float], text: str, dtext: str,
                dfn: Callable[[float], float]) -> Callable[[Var], Var]:
    """Make trace.<name>: apply ``fn`` to a Var, recording ``dfn`` as the local derivative."""
    def apply(x: Var) -> Var:
        if not isinstance(x, Var):
            raise TypeError(f"trace.{name}: `x` must be a trace.Var (from trace.inputs or an "
                            f"operation on one), got {_describe(x)}; for a number use math.{name}")
        if name == "log" and x._value <= 0:
            raise ValueError(f"trace.log: `x` must be positive, got a variable with value {x._value:g}")
        try:
            value, local = fn(x._value), dfn(x._value)
        except OverflowError:
            raise OverflowError(f"trace.{name}: `x` = {x._value:g} is too large (the result "
                                "overflows a float)") from None
        return Var(x._tape, name, text, (x,), value, ((dtext, local),))

    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = f"{text.format('x')} of a traced variable (local derivative {dtext.format('x')})."
    return apply


log = _elementary("log", math.log, "ln {0}", "1/{0}", lambda a: 1 / a)
exp = _elementary("exp", math.exp, "exp {0}", "exp {0}", math.exp)
sin = _elementary("sin", math.sin, "sin {0}", "cos {0}", math.cos)
cos = _elementary("cos", math.cos, "cos {0}", "-sin {0}", lambda a: -math.sin(a))


def inputs(*values: float, **named: float) -> tuple[Var, ...]:
    """Start a trace: the input variables v_{1-n}, ..., v_0, in the order given.

    ``trace.inputs(x1=2.0, x2=5.0)`` names them; ``trace.inputs(2.0, 5.0)`` calls them
    x1, x2. Always returns a tuple, also for one input: ``(x,) = trace.inputs(x=0.5)``.
    """
    if values and named:
        raise TypeError("trace.inputs: give the inputs all by position or all by name, got "
                        f"{len(values)} by position and {len(named)} by name")
    pairs = list(named.items()) if named else [(f"x{i + 1}", v) for i, v in enumerate(values)]
    if not pairs:
        raise ValueError("trace.inputs: give at least one input, e.g. trace.inputs(x1=2.0, x2=5.0)")
    tape: list[Var] = []   # the inputs; every Var of this trace refers to this list
    for name, v in pairs:
        tape.append(Var(tape, "input", name, (), _number(v, f"trace.inputs: `{name}`"), ()))
    return tuple(tape)


def _numbered(y: object, func: str) -> tuple[list[Var], dict[int, int]]:
    """The variables y depends on (all inputs first), and the index i of each one's v_i."""
    if not isinstance(y, Var):
        raise TypeError(f"trace.{func}: `y` must be a trace.Var (an expression built from "
                        f"trace.inputs), got {_describe(y)}")
    seen, stack = {id(y): y}, [y]
    while stack:
        for p in stack.pop()._parents:
            if id(p) not in seen:
                seen[id(p)] = p
                stack.append(p)
    rest = sorted((v for v in seen.values() if v._op != "input"), key=lambda v: v._serial)
    order = y._tape + rest
    return order, {id(v): k + 1 - len(y._tape) for k, v in enumerate(order)}


def _table(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]],
           footer: list[str], right: set[int]) -> None:
    widths = [max(len(r[k]) for r in rows + [header]) for k in range(len(header))]
    lines = ["  ".join(c.rjust(w) if k in right else c.ljust(w)
                       for k, (c, w) in enumerate(zip(r, widths))).rstrip() for r in [header] + rows]
    print("\n".join([title] + lines + footer))


def primal_table(y: Var) -> None:
    """Print the forward primal trace of ``y``: index i, operation, expression, value of v_i."""
    order, index = _numbered(y, "primal_table")
    rows = []
    for v in order:
        labels = [f"v_{index[id(a)]}" if isinstance(a, Var) else f"{a:g}" for a in v._args]
        rows.append((f"v_{index[id(v)]}", v._op, v._text.format(*labels), f"{v._value:.4f}"))
    _table("Forward primal trace", ("i", "operation", "expression", "value"), rows,
           [f"y = v_{index[id(y)]} = {y._value:.4f}"], {3})


def adjoint_table(y: Var) -> None:
    """Print the reverse adjoint trace of ``y``, one row per edge of the graph.

    The sweep seeds vbar_y = dy/dy = 1 and walks the variables from the last to the first;
    for each parent v_i of v_j it adds the term vbar_j * dv_j/dv_i to vbar_i. The last column
    is vbar_i after that update; the gradient dy/dx (vbar of each input) closes the table.
    """
    order, index = _numbered(y, "adjoint_table")
    adj = {id(v): 0.0 for v in order}
    adj[id(y)] = 1.0
    rows = [(f"vbar_{index[id(y)]}", "= 1 (seed, dy/dy)", "", "1.0000", "1.0000")]
    for v in reversed(order):
        j = index[id(v)]
        labels = [f"v_{index[id(a)]}" if isinstance(a, Var) else f"{a:g}" for a in v._args]
        for p, (dtext, dval) in zip(v._parents, v._partials):
            i, term = index[id(p)], adj[id(v)] * dval
            adj[id(p)] += term
            local = dtext.format(*labels)
            local = f"{local} = {dval:.4f}" if "v_" in local else f"{dval:.4f}"
            rows.append((f"vbar_{i}", f"+= vbar_{j} * dv_{j}/dv_{i}", local, f"{term:.4f}",
                         f"{adj[id(p)]:.4f}"))
    _table(f"Reverse adjoint trace of y = v_{index[id(y)]} (vbar_i = dy/dv_i)",
           ("adjoint", "update", "local derivative", "term", "vbar_i now"), rows,
           [f"dy/d{v._text} = vbar_{index[id(v)]} = {adj[id(v)]:.4f}" for v in y._tape],
           {3, 4})


def show(y: Var) -> None:
    """Print both tables: the primal trace, then the adjoint trace."""
    _numbered(y, "show")
    primal_table(y)
    print()
    adjoint_table(y)


def count_ops(y: Var) -> int:
    """The number of elementary operations (intermediates v_1 ... v_l) that ``y`` depends on."""
    order, _ = _numbered(y, "count_ops")
    return sum(v._op != "input" for v in order)
