"""Assertions for the course's test cells, with messages that teach.

Every check raises :class:`CheckFailed` (an ``AssertionError``) with a message that says
what was checked, what was expected, what came back, where they differ and, when the
answer matches a known mistake, names it::

    check.close(grad, expected, name="dL/dphi",
                mistakes={"the gradient with its sign flipped": -expected})

Arrays may be numpy arrays, torch tensors, Python numbers or nested lists. Comparison is
elementwise ``|actual - expected| <= atol + rtol * |expected|`` (numpy's ``isclose`` rule),
computed here rather than through ``numpy.allclose``.

When a value is wrong and no named mistake fits, :func:`close` and :func:`equal` try a few
generic ones (a constant factor such as 2, 1/2, -1 or an axis length, a transpose, the right
numbers in another order, a shift by one position, float32 rounding) and name one only when
exactly one of them fits. Further checks cover contracts that a value comparison misses:
:func:`unchanged` (the input was modified in place), :func:`not_alias` (the result shares
memory with an input), :func:`dtype`, :func:`detached` (a tensor still attached to the
autograd graph) and :func:`is_array` (a list where a numpy array is promised).
"""
from __future__ import annotations

# Everything a verdict depends on is bound here, at import: the numpy functions and types
# and the builtins this module calls. A notebook that later reassigns ``np.all``,
# ``np.isclose``, ``builtins.abs`` ... changes nothing that a check computes (module-level
# names are found before builtins, and only base-class ndarray methods are called: answers
# are converted with ``asarray``, which drops ndarray subclasses).
from builtins import (abs, all, any, bool, callable, complex, dict, enumerate, float,  # noqa: A004
                      format, getattr, hasattr, int, isinstance, issubclass, len, list, max,
                      min, range, repr, sorted, str, tuple, type, zip)
import sys
from collections.abc import Mapping
from typing import Any, Callable, Iterable

import numpy as np

from .utils import _plain, _reject, as_int, as_number, as_text

__all__ = [
    "CheckFailed",
    "close",
    "equal",
    "shape",
    "array",
    "scalar",
    "that",
    "raises",
    "passed",
    "unchanged",
    "not_alias",
    "dtype",
    "detached",
    "is_array",
    "mistake_id",
]

_asarray = np.asarray
_abs = np.abs
_isfinite = np.isfinite
_isnan = np.isnan
_argmax = np.argmax
_argwhere = np.argwhere
_where = np.where
_unravel = np.unravel_index
_sort = np.sort
_roll = np.roll
_swapaxes = np.swapaxes
_transpose = np.transpose
_array2string = np.array2string
_shares_memory = np.shares_memory
_may_share_memory = np.may_share_memory
_finfo = np.finfo
_errstate = np.errstate
_np_dtype = np.dtype
_ndarray = np.ndarray
_PLAIN_TYPES = frozenset({bool, int, float, complex, str, bytes})
_NUMPY_SCALARS = frozenset(np.sctypeDict.values())
_generic = np.generic
_np_bool = np.bool_
_np_integer = np.integer
_np_floating = np.floating
_float64 = np.float64
_float32 = np.float32
_complex128 = np.complex128
_TooHard = np.exceptions.TooHardError

_MAX_SIG = 17   # significant digits that identify any float64


class CheckFailed(AssertionError):
    """A course check failed. The message is written for the student."""


def _fail(name: str, lines: Iterable[str]) -> None:
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    lines = list(lines)
    ids = [line for line in lines if line.startswith(_ID_OPEN)]
    lines = [line for line in lines if not line.startswith(_ID_OPEN)] + ids[:1]   # id last
    body = "\n".join("  " + line for line in lines)
    raise CheckFailed(f"{name}\n{body}")


# --- arguments of the checks themselves (errors of the test cell, not of the answer) --------

def _args(func: str, name: Any, *, rtol: Any = 0.0, atol: Any = 0.0, mistakes: Any = None,
          hint: Any = None, n: Any = None) -> int | None:
    as_text(name, "name", func, optional=False)
    as_number(rtol, "rtol", func, minimum=0.0)
    as_number(atol, "atol", func, minimum=0.0)
    if mistakes is not None and not isinstance(mistakes, Mapping):
        _reject(func, "mistakes", "a dict {description: wrong value or function} or None", mistakes)
    as_text(hint, "hint", func)
    return None if n is None else as_int(n, "n", func, minimum=1)


# --- formatting -------------------------------------------------------------------------

def _num(x: Any, sig: int | None = None) -> str:
    """A number as plain text (``1.5``, never ``np.float64(1.5)``): ``sig`` significant
    digits, or by default the shortest text that reads back as the same float."""
    x = _plain(x)
    if isinstance(x, (bool, int, str)):
        return repr(x)
    if isinstance(x, (float, complex)):
        return repr(x) if sig is None else format(x, f".{sig}g")
    return repr(x)


def _digits(e: Any, a: Any) -> int:
    """The fewest significant digits (6 to 17) at which ``e`` and ``a`` print differently."""
    for sig in range(6, _MAX_SIG + 1):
        if _num(e, sig) != _num(a, sig):
            return sig
    return _MAX_SIG


def _short(value: Any, width: int = 300, precision: int = 6) -> str:
    if isinstance(value, _ndarray) and value.ndim:
        try:
            text = _array2string(value, separator=", ", precision=precision, threshold=20,
                                 edgeitems=3, suppress_small=True)
        except Exception:    # numpy's printer looks some numpy names up when it runs
            text = _nested(value, precision)
    elif isinstance(value, _ndarray):
        text = _num(value.item())
    else:
        text = repr(_plain(value))
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _nested(value: np.ndarray, precision: int) -> str:
    """A plain rendering of an array, for when numpy's printer fails: [[1.0, 2.5], ...]."""
    if value.ndim == 0:
        item = value.item()
        return _num(item, precision + 1) if isinstance(item, float) else _num(item)
    rows = [_nested(value[k], precision) for k in range(min(len(value), 3))]
    if len(value) > 6:
        rows.append("...")
    rows += [_nested(value[k], precision) for k in range(max(3, len(value) - 3), len(value))]
    return "[" + ", ".join(rows) + "]"


def _both(e: Any, a: Any) -> tuple[str, str]:
    """``e`` and ``a`` as text, with more digits when the default ones hide the difference."""
    if not (isinstance(e, _ndarray) and e.ndim):
        return _short(e), _short(a)
    te, ta = _short(e), _short(a)
    for precision in range(7, _MAX_SIG + 1):
        if te != ta:
            break
        te, ta = _short(e, precision=precision), _short(a, precision=precision)
    return (te, ta) if te != ta else (_short(e), _short(a))


def _difference(e: Any, a: Any, where: str = "") -> str:
    """The absolute and relative difference of two numbers."""
    d = abs(complex(a) - complex(e)) if isinstance(_plain(a), complex) or isinstance(
        _plain(e), complex) else abs(float(a) - float(e))
    rel = (f"relative {format(d / abs(_plain(e)), '.3g')}" if _plain(e) != 0
           else "relative: undefined, the expected value is 0")
    return f"difference{where}: absolute {format(d, '.3g')}, {rel}"


# --- conversion -------------------------------------------------------------------------

def _is_torch(value: Any) -> bool:
    return type(value).__module__.startswith("torch")


def _only_plain_data(value: Any, name: str, depth: int = 0) -> None:
    """Only plain data reaches a check: Python numbers and strings, numpy arrays and scalars,
    torch tensors, and lists or tuples of these. An object of another class (a subclass, or
    one with its own ``__array__``, ``__float__`` or ``__eq__``) could run code while the check
    holds the expected value, so it is refused before any of its methods is called."""
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    kind = type(value)
    if kind in _PLAIN_TYPES or kind in _NUMPY_SCALARS or value is None:
        return
    if kind is _ndarray:
        if value.dtype.kind == "O":
            for item in value.flat[:10_000]:
                _only_plain_data(item, name, depth + 1)
        return
    if kind in _torch_types():
        return
    if kind in (list, tuple) and depth < 32:
        for item in value[:100_000]:
            _only_plain_data(item, name, depth + 1)
        return
    _fail(f"{name}: expected numbers, an array or a tensor, got an object of class "
          f"{kind.__name__}", [
              "Return plain data: a float or int, a numpy array, a torch tensor, or a list of "
              "numbers; not an object of a class of your own (or a subclass of these)."])


def _torch_types() -> tuple:
    torch = sys.modules.get("torch")
    if torch is None:
        return ()
    return (torch.Tensor, torch.nn.Parameter) if hasattr(torch, "nn") else (torch.Tensor,)


def _to_numpy(value: Any, name: str) -> np.ndarray:
    """Turn numbers, lists, numpy arrays and torch tensors into a (base-class) numpy array."""
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    if value is None:
        _fail(f"{name}: got None", [
            "Your function returned nothing. Did you forget a `return` statement?"])
    _only_plain_data(value, name)
    if _is_torch(value) and hasattr(value, "detach"):
        value = value.detach().cpu()
        try:
            value = value.numpy()
        except TypeError:          # bfloat16 and other dtypes numpy lacks
            value = value.float().numpy()
    try:
        arr = _asarray(value)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.dtype == object:
        _fail(f"{name}: expected numbers, got {type(value).__name__}", [
            f"value: {_short(value)}",
            "Return a number or an array of numbers (not a list of arrays of different sizes)."])
    return arr


def _numeric(x: np.ndarray) -> bool:
    return x.dtype.kind in "biufc"


def _wide(*arrays: np.ndarray) -> list[np.ndarray]:
    """The arrays as float64, or complex128 when any of them is complex."""
    kind = _complex128 if any(x.dtype.kind == "c" for x in arrays) else _float64
    return [x.astype(kind) for x in arrays]


def _all_close(actual: np.ndarray, cand: np.ndarray, rtol: float, atol: float) -> bool:
    """Same shape and every entry within ``atol + rtol * |cand|`` (nan matches nan)."""
    if actual.shape != cand.shape:
        return False
    if not (_numeric(actual) and _numeric(cand)):
        return bool(_asarray(actual == cand).all())
    a, c = _wide(actual, cand)
    with _errstate(invalid="ignore", over="ignore"):
        ok = (_abs(a - c) <= atol + rtol * _abs(c)) | (a == c) | (_isnan(a) & _isnan(c))
    return bool(ok.all())


# --- named and generic mistakes ---------------------------------------------------------

_ID_OPEN = "[mistake: "
_ID_MAX = 64


def mistake_id(label: str) -> str:
    """The stable identifier of a named mistake: its label as a slug (lower-case letters and
    digits joined by ``-``, at most 64 characters, cut at a ``-``).

    A failure that names a mistake ends with the line ``[mistake: <id>]``, which the class
    report (``python -m nnlib.course report``) counts::

        >>> mistake_id("Adam without bias correction")
        'adam-without-bias-correction'
    """
    as_text(label, "label", "check.mistake_id", optional=False)
    words, word = [], []
    for ch in label.lower():
        if ("a" <= ch <= "z") or ("0" <= ch <= "9"):
            word.append(ch)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    slug = "-".join(words)
    if len(slug) > _ID_MAX:
        cut = slug.rfind("-", 0, _ID_MAX + 1)
        slug = slug[:cut if cut > 0 else _ID_MAX]
    return slug or "unnamed"


def _named(label: Any) -> list[str]:
    """The hint naming a matched mistake, and its id line."""
    text = str(label)
    return [f"hint: your answer matches {text}.", f"{_ID_OPEN}{mistake_id(text)}]"]


def _mistake_lines(actual: np.ndarray, mistakes: Mapping[str, Any] | None,
                   rtol: float, atol: float) -> list[str]:
    """The hint naming the known mistake that ``actual`` matches; nothing when none does,
    or when several do (they coincide on this input, and naming one could be wrong)."""
    matched = []
    for label, candidate in (mistakes or {}).items():
        try:
            if callable(candidate):
                candidate = candidate()
            cand = _to_numpy(candidate, "candidate")
        except Exception:          # a mistake that cannot be evaluated names nothing
            continue
        if _all_close(actual, cand, max(rtol, 1e-6), max(atol, 1e-9)):
            matched.append(label)
    if len(matched) == 1:
        return _named(matched[0])
    if matched:
        return ["hint: on this input your answer matches several known mistakes at once, so "
                "none is named; go through your code step by step."]
    return []


def _precision_lines(act: np.ndarray, exp: np.ndarray, atol: float) -> list[str]:
    """Say so when a float32 (or float16) answer differs only at its own precision."""
    if act.dtype.kind not in "fc" or act.dtype.itemsize >= (16 if act.dtype.kind == "c" else 8):
        return []
    if exp.dtype.kind in "fc" and exp.dtype.itemsize <= act.dtype.itemsize:
        return []
    a, e = _wide(act, exp)
    if not (bool(_isfinite(a).all()) and bool(_isfinite(e).all())):
        return []
    scale = float(_abs(e).max()) if e.size else 0.0
    eps = float(_finfo(act.dtype).eps)
    if float(_abs(a - e).max()) > min(512 * eps, 1e-2) * scale + atol:
        return []
    digits = 3 if act.dtype.itemsize == 2 else 7
    wanted = "complex128" if exp.dtype.kind == "c" else "float64"
    return [f"hint: your answer is {act.dtype}: it differs from the expected {wanted} value only "
            f"at {act.dtype} precision (about {digits} significant digits); compute in "
            f"float64 (np.float64 arrays, or .double() for a torch tensor)."]


def _generic_lines(act: np.ndarray, exp: np.ndarray, rtol: float, atol: float,
                   n: int | None) -> list[str]:
    """One generic diagnosis of a wrong answer, when exactly one of them holds."""
    loose = (max(rtol, 1e-6), max(atol, 1e-9))
    found: list[str] = []
    # Candidates that fit, by kind of mistake. Within a kind the same array twice is one
    # mistake said twice (.T of a 3-D array is swapaxes(0, 2); np.roll by +1 and -1 agree on
    # an axis of length 2); different kinds that fit the same answer are ambiguous.
    seen: dict[str, list[np.ndarray]] = {}

    def holds(cand: np.ndarray, kind: str, tol: tuple[float, float] = loose) -> bool:
        if (cand.shape != act.shape or _all_close(exp, cand, rtol, atol)
                or not _all_close(act, cand, *tol)):
            return False
        same_kind = seen.setdefault(kind, [])
        if any(_all_close(cand, other, 0.0, 0.0) for other in same_kind):
            return False
        same_kind.append(cand)
        return True

    if exp.ndim >= 2:                                   # transposes and swapped axes
        pairs = [(i, j) for i in range(exp.ndim) for j in range(i + 1, exp.ndim)]
        for i, j in pairs:
            if holds(_swapaxes(exp, i, j), "axes"):
                found.append("your answer is the transpose of the expected value (rows and "
                             "columns swapped): check the order of the axes" if exp.ndim == 2
                             else f"your answer is the expected value with axes {i} and {j} "
                             "swapped: check the order of the axes")
        if exp.ndim > 2 and holds(_transpose(exp), "axes"):
            found.append("your answer is the expected value with all its axes reversed (.T): "
                         "check the order of the axes")
    if act.shape == exp.shape and _numeric(act) and _numeric(exp):
        factors: dict[float, str] = {
            -1.0: "your answer is the expected value with its sign flipped (times -1)",
            2.0: "your answer is twice the expected value (a factor 2 too many)",
            0.5: "your answer is half the expected value (a factor 2 missing, or a 1/2 too many)",
        }
        lengths = [(n, f"n = {n}")] if n is not None else []
        lengths += [(size, f"the length of axis {k}") for k, size in enumerate(exp.shape)]
        for size, what in lengths:
            if size > 1:
                factors.setdefault(float(size), (
                    f"your answer is {size} times the expected value ({size} is {what}): a sum "
                    f"where a mean was expected, or a missing division by {size}?"))
                factors.setdefault(1.0 / size, (
                    f"your answer is the expected value divided by {size} ({size} is {what}): "
                    f"a mean where a sum was expected, or a division by {size} too many?"))
        (e,) = _wide(exp)
        for factor, line in factors.items():
            if holds(e * factor, "factor"):
                found.append(line)
        if e.dtype == _float64 and act.dtype.itemsize >= 8:
            if holds(e.astype(_float32).astype(_float64), "float32", (rtol, atol)):
                found.append("your answer equals the expected value rounded to float32: part "
                             "of your computation ran in float32; compute in float64")
    if act.shape == exp.shape and exp.ndim >= 1:        # shifted by one position
        for axis, size in enumerate(exp.shape):
            for step in ((1,) if size == 2 else (1, -1) if size > 2 else ()):
                if holds(_roll(exp, step, axis=axis), "roll"):
                    where = "" if exp.ndim == 1 else f" along axis {axis}"
                    found.append(
                        f"your answer is the expected value shifted by one position{where} "
                        f"(np.roll by {step:+d}: entry i holds the expected entry i{-step:+d}): "
                        "an off-by-one index?")
    if len(found) == 1:
        return [f"hint: {found[0]}" + ("" if found[0].endswith("?") else ".")]
    if (not found and act.shape == exp.shape and exp.size > 1
            and not _all_close(act, exp, *loose)
            and _all_close(_sort(act.ravel()), _sort(exp.ravel()), *loose)):
        return ["hint: your answer has the expected numbers, but in a different order: check "
                "the order of the entries (an index, a sort, a reshape or a loop order)."]
    return []


def _hints(act: np.ndarray, exp: np.ndarray, rtol: float, atol: float,
           mistakes: Mapping[str, Any] | None, n: int | None) -> list[str]:
    """Named mistakes first; else the precision hint; else one generic diagnosis."""
    lines = _mistake_lines(act, mistakes, rtol, atol)
    if lines and "several known mistakes" not in lines[0]:
        return lines
    precision = _precision_lines(act, exp, atol) if act.shape == exp.shape else []
    return lines + (precision or _generic_lines(act, exp, rtol, atol, n))


# --- the checks -------------------------------------------------------------------------

def shape(actual: Any, expected: tuple[int, ...], name: str = "value") -> None:
    """Check that ``actual`` has exactly the shape ``expected``."""
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    _args("check.shape", name)
    _check_shape(actual, _shape_arg(expected, "check.shape", "expected"), name)


def _shape_arg(expected: Any, func: str, arg: str) -> tuple[int, ...]:
    if (not isinstance(expected, (tuple, list))
            or not all(isinstance(k, (int, _np_integer)) and not isinstance(k, bool) and k >= 0
                       for k in expected)):
        _reject(func, arg, "a shape: a tuple of non-negative ints such as (3,) or (2, 4)",
                expected)
    return tuple(int(k) for k in expected)


def _check_shape(actual: Any, expected: tuple[int, ...], name: str) -> None:
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    arr = _to_numpy(actual, name)
    if arr.shape != expected:
        lines = [f"expected shape {expected}, got {arr.shape}"]
        if arr.shape == expected[::-1] and len(expected) == 2:
            lines.append("hint: the shape is transposed: check the order of the axes.")
        elif arr.ndim == len(expected) + 1 and 1 in arr.shape:
            lines.append("hint: there is an extra axis of length 1 (reshape or squeeze it).")
        elif arr.ndim + 1 == len(expected) and 1 in expected:
            lines.append("hint: an axis of length 1 is missing (keepdims, or reshape).")
        elif arr.ndim == 0 and len(expected) >= 1:
            lines.append("hint: you returned a single number; an array was expected "
                         "(did you sum or average over an axis too many?).")
        _fail(f"{name}: wrong shape", lines)


def array(actual: Any, name: str = "value", shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Check that ``actual`` is an array of real numbers (optionally of a given shape)."""
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    _args("check.array", name)
    if shape is not None:
        shape = _shape_arg(shape, "check.array", "shape")
    arr = _to_numpy(actual, name)
    if arr.dtype.kind not in "biuf":
        _fail(f"{name}: expected real numbers, got dtype {arr.dtype}", [f"value: {_short(actual)}"])
    if shape is not None:
        _check_shape(arr, shape, name)
    return arr


def scalar(actual: Any, name: str = "value") -> float:
    """Check that ``actual`` is a single real number and return it as a float."""
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    _args("check.scalar", name)
    arr = _to_numpy(actual, name)
    if arr.size != 1:
        _fail(f"{name}: expected a single number, got an array of shape {arr.shape}", [
            f"value: {_short(arr)}",
            "hint: did you forget to sum (or average) over the data points?"])
    if arr.dtype.kind not in "biuf":
        _fail(f"{name}: expected a real number, got {arr.dtype}", [f"value: {_short(actual)}"])
    return float(arr.reshape(()))


def close(actual: Any, expected: Any, name: str = "value", *, rtol: float = 1e-6,
          atol: float = 1e-8, mistakes: Mapping[str, Any] | None = None,
          hint: str | None = None, n: int | None = None) -> None:
    """Check that ``actual`` equals ``expected`` up to floating-point tolerance.

    Args:
        actual: the student's result (number, array, tensor or nested list).
        expected: the reference result, same shape.
        name: what is being checked, as the student knows it (``"loss(phi, x, y)"``).
        rtol, atol: tolerance, as in ``numpy.isclose``.
        mistakes: known wrong answers, ``{description: value or zero-arg callable}``. When
            ``actual`` matches exactly one of them, the message names it (when it matches
            several, none: they coincide on this input).
        hint: a sentence added to the message on failure.
        n: a count the answer may wrongly be multiplied or divided by (the number of data
            points, say), for the generic diagnosis; the axis lengths of ``expected`` are
            tried anyway.
    """
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    n = _args("check.close", name, rtol=rtol, atol=atol, mistakes=mistakes, hint=hint, n=n)
    exp = _to_numpy(expected, "expected")
    act = _to_numpy(actual, name)
    if act.dtype.kind not in "biufc":
        _fail(f"{name}: expected numbers, got dtype {act.dtype}", [f"value: {_short(actual)}"])
    extra = [f"hint: {hint}"] if hint else []
    if act.shape != exp.shape:
        lines = [f"expected shape {exp.shape}, got {act.shape}"]
        lines += _hints(act, exp, rtol, atol, mistakes, n)
        if act.size == exp.size and act.size > 1:
            lines.append("hint: same number of entries, different shape: a reshape, transpose "
                         "or missing keepdims?")
        _fail(f"{name}: wrong shape", lines + extra)
    a, e = _wide(act, exp)
    bad_nan = ~_isfinite(a) & _isfinite(e)
    if bool(bad_nan.any()):
        idx = tuple(int(i) for i in _argwhere(bad_nan)[0])
        where = f" at index {idx}" if a.ndim else ""
        lines = [f"got {_num(a[idx])}{where}, expected a finite number (the expected value "
                 f"there is {_num(e[idx])})",
                 "hint: nan or inf usually means a division by zero, log of a non-positive "
                 "number, or an overflowing exp."]
        _fail(f"{name}: not finite", lines + _mistake_lines(act, mistakes, rtol, atol) + extra)
    with _errstate(invalid="ignore", over="ignore"):
        diff = _abs(a - e)
        tol = atol + rtol * _abs(e)
        ok = (diff <= tol) | (a == e) | (_isnan(a) & _isnan(e))
    if bool(ok.all()):
        return
    n_bad = int((~ok).sum())
    if a.ndim == 0:
        ev, av = (e.item(), a.item())
        lines = [f"expected {_num(ev)}", f"got      {_num(av)}", _difference(ev, av)]
    else:
        excess = _where(ok, 0.0, _where(_isnan(diff), float("inf"), diff - tol))
        worst = tuple(int(i) for i in _unravel(int(_argmax(excess)), a.shape))
        ev, av = e[worst].item(), a[worst].item()
        sig = _digits(ev, av)
        te, ta = _both(e, a)
        lines = [f"expected {te}",
                 f"got      {ta}",
                 f"{n_bad} of {a.size} entries differ; the largest difference is at index "
                 f"{worst}: expected {_num(ev, sig)}, got {_num(av, sig)}",
                 _difference(ev, av, " there")]
    lines.append(f"(tolerance: rtol={format(rtol, 'g')}, atol={format(atol, 'g')})")
    _fail(f"{name}: wrong value", lines + _hints(act, exp, rtol, atol, mistakes, n) + extra)


def _same_plain(actual: Any, expected: Any) -> bool:
    """``actual == expected`` for a str, bool or None ``expected``, computed so that an
    object with its own ``__eq__`` cannot fake it."""
    if expected is None:
        return actual is None
    if (isinstance(actual, _ndarray) or _is_torch(actual)) and getattr(actual, "ndim", 1) == 0:
        actual = actual.item()
    if isinstance(expected, str):
        return isinstance(actual, str) and str.__eq__(str.__str__(actual), expected)
    if isinstance(actual, (bool, _np_bool)):
        return bool.__eq__(bool(actual), expected)
    if isinstance(actual, (int, float, _np_integer, _np_floating)):
        return float(actual) == float(expected)
    return False


def equal(actual: Any, expected: Any, name: str = "value", *,
          mistakes: Mapping[str, Any] | None = None, hint: str | None = None,
          n: int | None = None) -> None:
    """Check exact equality (integers, strings, tuples, integer arrays).

    ``mistakes``, ``hint`` and ``n`` work as in :func:`close`.
    """
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    n = _args("check.equal", name, mistakes=mistakes, hint=hint, n=n)
    extra = [f"hint: {hint}"] if hint else []
    if isinstance(expected, (str, bool)) or expected is None:
        _only_plain_data(actual, name)
        if not _same_plain(actual, expected):
            lines = [f"expected {expected!r}", f"got      {_short(actual)}"]
            matched = [label for label, cand in (mistakes or {}).items()
                       if (isinstance(cand, (str, bool)) or cand is None)
                       and _same_plain(actual, cand)]
            if len(matched) == 1:
                lines += _named(matched[0])
            _fail(f"{name}: wrong value", lines + extra)
        return
    act = _to_numpy(actual, name)
    exp = _to_numpy(expected, "expected")
    if act.shape != exp.shape:
        _fail(f"{name}: wrong shape", [f"expected shape {exp.shape}, got {act.shape}",
                                       f"expected {_short(exp)}", f"got      {_short(act)}"]
              + _hints(act, exp, 0.0, 0.0, mistakes, n) + extra)
    same = _asarray(act == exp)          # False when numpy cannot compare (str with numbers)
    if same.shape != act.shape:
        same = _asarray([False] * act.size, dtype=bool).reshape(act.shape)
    if not bool(same.all()):
        te, ta = _both(exp, act)
        lines = [f"expected {te}", f"got      {ta}"]
        if act.ndim:
            first = tuple(int(i) for i in _argwhere(~same)[0])
            ev, av = exp[first].item(), act[first].item()
            sig = _digits(ev, av) if isinstance(ev, float) or isinstance(av, float) else None
            lines.append(f"{int((~same).sum())} of {act.size} entries differ; first at index "
                         f"{first}: expected {_num(ev, sig)}, got {_num(av, sig)}")
        _fail(f"{name}: wrong value", lines + _hints(act, exp, 0.0, 0.0, mistakes, n) + extra)


def that(condition: Any, message: str, *, name: str = "check") -> None:
    """Check a condition; ``message`` explains what should have been true."""
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    _args("check.that", name)
    as_text(message, "message", "check.that", optional=False)
    if isinstance(condition, _ndarray) and condition.size != 1 or _is_torch(condition) and (
            getattr(condition, "numel", lambda: 1)() != 1):
        _reject("check.that", "condition", "a single True or False (use .all() or .any() for "
                "an array)", condition)
    if not bool(condition):
        _fail(f"{name}: failed", [message])


def raises(exception: type[BaseException], fn: Callable[..., Any], *args: Any,
           name: str = "call", **kwargs: Any) -> BaseException:
    """Check that ``fn(*args, **kwargs)`` raises ``exception``; return the exception."""
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    _args("check.raises", name)
    kinds = exception if isinstance(exception, tuple) else (exception,)
    if not kinds or not all(isinstance(k, type) and issubclass(k, BaseException) for k in kinds):
        _reject("check.raises", "exception", "an exception class such as ValueError (or a "
                "tuple of them)", exception)
    if not callable(fn):
        _reject("check.raises", "fn", "a function to call", fn)
    wanted = " or ".join(k.__name__ for k in kinds)
    try:
        fn(*args, **kwargs)
    except exception as exc:
        return exc
    except NotImplementedError:
        raise
    except Exception as exc:
        _fail(f"{name}: raised the wrong error", [
            f"expected {wanted}, got {type(exc).__name__}: {exc}"])
    _fail(f"{name}: should have raised {wanted}", ["it returned normally"])
    raise AssertionError("unreachable")  # pragma: no cover


def passed(name: str, detail: str | None = None) -> None:
    """Print the line a test cell shows when all its visible checks pass."""
    _args("check.passed", name)
    as_text(detail, "detail", "check.passed")
    print(f"\u2713 {name}: visible checks passed" + (f" ({detail})" if detail else ""))


# --- contracts beyond the value ---------------------------------------------------------

def unchanged(before: Any, after: Any, name: str = "input") -> None:
    """Check that a function left its input as it was (no in-place modification).

    Copy the input before the call and compare after it::

        x_before = x.copy()
        result = normalise(x)
        check.unchanged(x_before, x, "x")
    """
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    _args("check.unchanged", name)
    b = _to_numpy(before, "before")
    a = _to_numpy(after, name)
    what = f"your function changed its input `{name}` in place; it must leave it as it was"
    todo = (f"hint: work on a copy ({name} = {name}.copy() at the start), or build a new array "
            f"(y = {name} * 2 rather than {name} *= 2; {name} = {name} - m rather than "
            f"{name} -= m).")
    if a.shape != b.shape:
        _fail(f"{name}: modified in place", [what, f"shape before the call {b.shape}, after "
                                                   f"{a.shape}", todo])
    same = _asarray((a == b) | ((_isnan(a) & _isnan(b)) if _numeric(a) and _numeric(b) else False))
    if same.shape != a.shape:
        same = _asarray([False] * a.size, dtype=bool).reshape(a.shape)
    if bool(same.all()):
        return
    lines = [what, f"before the call {_short(b)}", f"after the call  {_short(a)}"]
    if a.ndim:
        first = tuple(int(i) for i in _argwhere(~same)[0])
        lines.append(f"{int((~same).sum())} of {a.size} entries changed; first at index "
                     f"{first}: was {_num(b[first].item())}, now {_num(a[first].item())}")
    _fail(f"{name}: modified in place", lines + [todo])


def _memory(x: Any) -> Any:
    """What ``x`` keeps its numbers in: a numpy array, a torch storage pointer, or None."""
    if isinstance(x, _ndarray):
        return x
    if _is_torch(x) and hasattr(x, "untyped_storage"):
        if getattr(x, "device", None) is not None and x.device.type == "cpu":
            try:
                return x.detach().resolve_conj().resolve_neg().numpy()
            except (TypeError, RuntimeError):
                pass
        return ("storage", x.untyped_storage().data_ptr())
    return None


def _overlap(x: Any, y: Any) -> bool:
    if x is y and not isinstance(x, (int, float, complex, str, bool, type(None))):
        return True
    mx, my = _memory(x), _memory(y)
    if mx is None or my is None:
        return False
    if isinstance(mx, tuple) or isinstance(my, tuple):
        return mx == my
    try:
        return bool(_shares_memory(mx, my, max_work=10**6))
    except _TooHard:
        return bool(_may_share_memory(mx, my))


def not_alias(result: Any, *inputs: Any, name: str = "value",
              labels: Iterable[str] | None = None) -> None:
    """Check that ``result`` shares no memory with any of ``inputs``.

    A result that is the input itself, or a view of it (a slice, ``reshape``, ``.T``), changes
    when the caller changes the input, and the other way round. ``labels`` names the inputs
    in the message (default: "input 1", "input 2", ...)::

        check.not_alias(relu(x), x, name="relu(x)", labels=["x"])
    """
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    _args("check.not_alias", name)
    if not inputs:
        _reject("check.not_alias", "inputs", "at least one input to compare with", inputs,
                got="none")
    labels = list(labels) if labels is not None else [f"input {k + 1}" for k in range(len(inputs))]
    if len(labels) != len(inputs) or not all(isinstance(t, str) for t in labels):
        _reject("check.not_alias", "labels", f"{len(inputs)} strings, one per input", labels)
    if result is None:
        _to_numpy(result, name)
    for label, inp in zip(labels, inputs):
        if _overlap(result, inp):
            how = ("is the input object itself" if result is inp
                   else "shares memory with it (a view: a slice, reshape, transpose or the like)")
            _fail(f"{name}: shares memory with {label}", [
                f"expected a new array, got one that {how}",
                f"so changing {label} later changes your result too, and the other way round",
                "hint: return a new array: compute the result into a fresh array, or "
                f"return .copy() of the view (np.maximum({label}, 0) rather than changing "
                f"{label} and returning it)." if label.isidentifier() else
                "hint: return a new array: compute the result into a fresh array, or "
                "return .copy() of the view."])


def _dtype_name(value: Any, func: str, arg: str) -> str:
    if _is_torch(value) and type(value).__name__ == "dtype":
        return str(value).replace("torch.", "")
    try:
        return _np_dtype(value).name
    except TypeError:
        _reject(func, arg, "a dtype such as np.float64, 'float32' or torch.float64", value)
    raise AssertionError("unreachable")  # pragma: no cover


def dtype(actual: Any, expected_dtype: Any, name: str = "value") -> None:
    """Check the element type of an array or tensor: ``check.dtype(x, np.float64, "x")``.

    ``expected_dtype`` may be a numpy dtype, its name (``"float32"``) or a torch dtype. A
    Python float counts as float64 and a Python int as int64, as numpy converts them.
    """
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    _args("check.dtype", name)
    want = _dtype_name(expected_dtype, "check.dtype", "expected_dtype")
    if _is_torch(actual) and hasattr(actual, "dtype"):
        got = str(actual.dtype).replace("torch.", "")
    else:
        got = _to_numpy(actual, name).dtype.name
    if got == want:
        return
    lines = [f"expected dtype {want}, got {got}"]
    kind_w, kind_g = want.rstrip("0123456789"), got.rstrip("0123456789")
    if kind_w == kind_g == "float":
        lines.append(f"hint: {got} keeps about {7 if '32' in got else 16 if '64' in got else 3} "
                     f"significant digits, {want} about {7 if '32' in want else 16 if '64' in want else 3}: "
                     f"convert with .astype(np.{want}) (torch: .to(torch.{want})), or create the "
                     "arrays you compute with in that dtype.")
    elif kind_w == "float" and kind_g in ("int", "uint", "bool"):
        lines.append("hint: your result holds integers: did it start from an integer array "
                     "(np.zeros(n, dtype=int), np.arange(n)) or integer data? Convert with "
                     f".astype(np.{want}).")
    elif kind_w in ("int", "uint") and kind_g == "float":
        lines.append("hint: your result holds floats: use integer arithmetic (// rather than /) "
                     f"or convert with .astype(np.{want}).")
    else:
        lines.append(f"hint: convert with .astype(np.{want}) (torch: .to(torch.{want})).")
    _fail(f"{name}: wrong dtype", lines)


def detached(value: Any, name: str = "value") -> None:
    """Check that a returned tensor carries no autograd graph (``requires_grad`` False and no
    ``grad_fn``). Lists, tuples and dicts of tensors are checked entry by entry; anything
    that is not a tensor passes."""
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    _args("check.detached", name)
    items = (list(value.items()) if isinstance(value, dict)
             else list(enumerate(value)) if isinstance(value, (list, tuple)) else [(None, value)])
    for key, t in items:
        if not (_is_torch(t) and hasattr(t, "requires_grad")):
            continue
        if t.requires_grad or t.grad_fn is not None:
            where = "" if key is None else f" (entry {key!r})"
            graph = f", grad_fn={type(t.grad_fn).__name__}" if t.grad_fn is not None else ""
            _fail(f"{name}: still attached to the autograd graph{where}", [
                "expected a tensor without gradient tracking (requires_grad=False, no grad_fn)",
                f"got a tensor with requires_grad={t.requires_grad}{graph}",
                "hint: return tensor.detach() (or compute it inside `with torch.no_grad():`), "
                "so it does not keep the graph and its memory alive, and a later .backward() "
                "cannot run through it by accident."])


def is_array(actual: Any, name: str = "value") -> np.ndarray:
    """Check that ``actual`` is a numpy array (not a list, tuple, number or tensor), as a
    function's docstring promises; return it."""
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    _args("check.is_array", name)
    if isinstance(actual, _ndarray):
        return actual
    if actual is None:
        _to_numpy(actual, name)
    kind = type(actual).__name__
    if _is_torch(actual):
        todo = "convert it: tensor.detach().cpu().numpy(), or compute with numpy throughout."
    elif isinstance(actual, _generic):
        todo = ("a numpy scalar is not an array; wrap it (np.asarray(...)) or keep the axes "
                "(keepdims=True).")
    elif isinstance(actual, (list, tuple)):
        todo = (f"wrap the result: np.array(...); a {kind} has no .shape, and + and * do not "
                "work entry by entry on it.")
    else:
        todo = "return the result as np.array(...)."
    _fail(f"{name}: expected a numpy array, got {kind}", [
        f"value: {_short(actual)}", f"hint: {todo}"])
    raise AssertionError("unreachable")  # pragma: no cover
