"""nnlib.trace: the trace tables of the lecture example, random expressions against
torch.autograd, and the messages for bad input."""
import contextlib
import io
import math
import re

import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnlib import trace

LECTURE_PRIMAL = """\
Forward primal trace
i     operation  expression    value
v_-1  input      x1           2.0000
v_0   input      x2           5.0000
v_1   log        ln v_-1      0.6931
v_2   mul        v_-1 * v_0  10.0000
v_3   sin        sin v_0     -0.9589
v_4   add        v_1 + v_2   10.6931
v_5   sub        v_4 - v_3   11.6521
y = v_5 = 11.6521
"""


def lecture_example():
    """f(x1, x2) = ln x1 + x1 x2 - sin x2 at (2, 5), numbered as in Baydin et al. (2018)."""
    x1, x2 = trace.inputs(x1=2.0, x2=5.0)
    v1 = trace.log(x1)
    v2 = x1 * x2
    v3 = trace.sin(x2)
    return v1 + v2 - v3


def printed(capsys, table, y):
    assert table(y) is None          # the tables print; they hand no numbers back
    return capsys.readouterr().out


def parse(text):
    """The printed y and the printed gradient {input name: dy/dx}."""
    ys = re.findall(r"^y = v_-?\d+ = (\S+)$", text, re.M)
    grads = dict(re.findall(r"^dy/d(\w+) = vbar_-?\d+ = (\S+)$", text, re.M))
    return (float(ys[0]) if ys else None), {k: float(v) for k, v in grads.items()}


def test_lecture_primal_trace(capsys):
    text = printed(capsys, trace.primal_table, lecture_example())
    assert text == LECTURE_PRIMAL
    y, _ = parse(text)
    assert round(y, 3) == 11.652


def test_lecture_adjoint_trace(capsys):
    text = printed(capsys, trace.adjoint_table, lecture_example())
    _, grad = parse(text)
    assert (round(grad["x1"], 3), round(grad["x2"], 3)) == (5.5, 1.716)
    lines = text.splitlines()
    assert lines[0] == "Reverse adjoint trace of y = v_5 (vbar_i = dy/dv_i)"
    assert lines[2].split() == ["vbar_5", "=", "1", "(seed,", "dy/dy)", "1.0000", "1.0000"]
    # the two paths into x2: through sin (cos 5 = 0.2837, sign flipped) and through the product
    assert "vbar_0   += vbar_3 * dv_3/dv_0   cos v_0 = 0.2837  -0.2837     -0.2837" in lines
    assert "vbar_0   += vbar_2 * dv_2/dv_0   v_-1 = 2.0000      2.0000      1.7163" in lines
    assert lines[-2:] == ["dy/dx1 = vbar_-1 = 5.5000", "dy/dx2 = vbar_0 = 1.7163"]


def test_show_prints_both_and_methods_match_functions(capsys):
    x1, x2 = trace.inputs(2.0, 5.0)                   # positional inputs are named x1, x2
    y = x1.log() + x1 * x2 - x2.sin()                 # Python's order: sin comes 4th
    trace.show(y)
    text = capsys.readouterr().out
    assert "v_3   add        v_1 + v_2   10.6931" in text and "v_4   sin        sin v_0" in text
    assert parse(text) == (11.6521, {"x1": 5.5, "x2": 1.7163})
    assert repr(y) == "<trace.Var sub = 11.6521>"


def test_reused_node_gets_one_row_per_path_and_unused_work_is_left_out(capsys):
    (x,) = trace.inputs(x=3.0)
    unused = trace.exp(x)                              # computed but not part of y: not listed
    y = x * x
    assert unused is not None and trace.count_ops(y) == 1
    text = printed(capsys, trace.adjoint_table, y)
    assert text.count("vbar_0   += vbar_1 * dv_1/dv_0") == 2
    assert parse(text)[1] == {"x": 6.0}
    assert "exp v_0" not in printed(capsys, trace.primal_table, y)


def test_constants_appear_in_the_expressions(capsys):
    (x,) = trace.inputs(x=0.3)
    y = 4 * x * (1 - x)                                # one step of the logistic map
    text = printed(capsys, trace.primal_table, y)
    assert "4 * v_0" in text and "1 - v_0" in text and "v_1 * v_2" in text
    assert trace.count_ops(y) == 3
    assert parse(printed(capsys, trace.adjoint_table, y))[1] == {"x": 1.6}   # 4 - 8x


def test_count_ops_of_the_logistic_map_grows_linearly():
    (x,) = trace.inputs(x=0.3)
    counts, l = [], x
    for _ in range(6):
        l = 4 * l * (1 - l)
        counts.append(trace.count_ops(l))
    assert counts == [3, 6, 9, 12, 15, 18]


# --- random expressions against torch.autograd --------------------------------------------

OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b.cos(),                  # bounded factor: values stay moderate
    "div": lambda a, b: a / (b * b + 1.0),
    "rsub": lambda a, b: 1.5 - a,
    "rdiv": lambda a, b: 2.0 / (a * a + 1.0),
    "radd": lambda a, b: 0.25 + a * 0.5,
    "neg": lambda a, b: -a,
    "exp": lambda a, b: a.sin().exp(),
    "log": lambda a, b: (a * a + 0.5).log(),
    "pow": lambda a, b: a.cos() ** 3,
    "square": lambda a, b: a * a,
}

expressions = st.lists(st.tuples(st.sampled_from(sorted(OPS)), st.integers(0, 50),
                                 st.integers(0, 50)), min_size=1, max_size=10)
points = st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=1, max_size=3)


def build(leaves, steps):
    pool = list(leaves)
    for op, i, j in steps:
        pool.append(OPS[op](pool[i % len(pool)], pool[j % len(pool)]))
    return pool[-1]


@settings(max_examples=60, deadline=None)
@given(point=points, steps=expressions)
def test_random_expressions_match_torch(point, steps):
    xs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
    y_torch = build(xs, steps)
    assume(abs(y_torch.item()) < 1e6)
    y_torch.backward()
    grads = [0.0 if x.grad is None else x.grad.item() for x in xs]
    assume(all(abs(g) < 1e6 for g in grads))

    y = build(trace.inputs(*point), steps)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        trace.show(y)
    y_printed, grad_printed = parse(out.getvalue())
    tol = 6e-5                                          # the tables print 4 decimals
    assert y_printed == pytest.approx(y_torch.item(), abs=tol)
    assert list(grad_printed) == [f"x{k + 1}" for k in range(len(point))]
    for k, g in enumerate(grads):
        assert grad_printed[f"x{k + 1}"] == pytest.approx(g, abs=tol), f"dy/dx{k + 1}"


# --- messages for bad input -----------------------------------------------------------------

def test_inputs_messages():
    with pytest.raises(TypeError, match=r"trace.inputs: `x1` must be a real number, got str 'a'"):
        trace.inputs(x1="a")
    with pytest.raises(TypeError, match=r"`x2` must be a real number, got list \[1, 2\]"):
        trace.inputs(1.0, [1, 2])
    with pytest.raises(TypeError, match=r"`x1` must be a real number, got bool True"):
        trace.inputs(True)
    with pytest.raises(ValueError, match=r"trace.inputs: `a` must be a finite number, got nan"):
        trace.inputs(a=math.nan)
    with pytest.raises(ValueError, match=r"give at least one input"):
        trace.inputs()
    with pytest.raises(TypeError, match=r"all by position or all by name, got 1 by position "
                                        r"and 1 by name"):
        trace.inputs(1.0, b=2.0)


def test_operation_messages():
    x1, x2 = trace.inputs(x1=2.0, x2=5.0)
    with pytest.raises(TypeError, match=r"each operand of \* must be a trace.Var or a real "
                                        r"number, got str 'a'"):
        x1 * "a"
    with pytest.raises(TypeError, match=r"each operand of - must be a trace.Var or a real number"):
        "a" - x1
    with pytest.raises(ValueError, match=r"each operand of \+ must be a finite number, got inf"):
        x1 + math.inf
    with pytest.raises(ZeroDivisionError, match=r"division by zero in a / b"):
        x1 / (x2 - x2)
    with pytest.raises(TypeError, match=r"exponent of \*\* must be an int, got float 0.5"):
        x1 ** 0.5
    with pytest.raises(ValueError, match=r"cannot combine variables of two different "
                                         r"trace.inputs\(...\) calls in \+"):
        x1 + trace.inputs(1.0)[0]


def test_function_messages():
    (x,) = trace.inputs(x=2.0)
    with pytest.raises(TypeError, match=r"trace.sin: `x` must be a trace.Var .*got float 2.0; "
                                        r"for a number use math.sin"):
        trace.sin(2.0)
    with pytest.raises(ValueError, match=r"trace.log: `x` must be positive, got a variable "
                                         r"with value -2"):
        trace.log(-x)
    with pytest.raises(OverflowError, match=r"trace.exp: `x` = 2000 is too large"):
        trace.exp(x * 1000)


def test_table_messages():
    for table in (trace.primal_table, trace.adjoint_table, trace.show, trace.count_ops):
        with pytest.raises(TypeError, match=rf"trace.{table.__name__}: `y` must be a trace.Var "
                                            r"\(an expression built from trace.inputs\), got "
                                            r"float 11.652"):
            table(11.652)


def test_messages_show_plain_numbers_and_overflow():
    import numpy as np

    with pytest.raises(TypeError, match=r"trace.sin: `x` must be a trace.Var .*got float64 2.0;"):
        trace.sin(np.float64(2.0))                     # not np.float64(2.0)
    with pytest.raises(ValueError, match=r"`x` must be a finite number, got inf$"):
        trace.inputs(x=np.float32("inf"))
    (x,) = trace.inputs(x=1e200)
    with pytest.raises(OverflowError, match=r"trace: a \* b = inf overflows a float "
                                            r"\(a = 1e\+200, b = 1e\+200\)"):
        x * x
    with pytest.raises(OverflowError, match=r"trace: a \*\* 3 overflows a float \(a = 1e\+200\)"):
        x ** 3
