"""Assertions for the course's test cells, with messages that teach.

Every check raises :class:`CheckFailed` (an ``AssertionError``) with a message that says
what was checked, what was expected, what came back, where they differ and, when the
answer matches a known mistake, names it::

    check.close(grad, expected, name="dL/dphi",
                mistakes={"the gradient with its sign flipped": -expected})

Arrays may be numpy arrays, torch tensors, Python numbers or nested lists. Comparison is
elementwise ``|actual - expected| <= atol + rtol * |expected|`` (numpy's ``isclose`` rule),
computed here rather than through ``numpy.allclose``.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

import numpy as np

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
]

# Bound once at import, so that later reassignment of numpy's attributes in a notebook
# does not change what a check computes.
_asarray = np.asarray
_abs = np.abs
_isfinite = np.isfinite
_isnan = np.isnan
_argmax = np.argmax
_unravel = np.unravel_index


class CheckFailed(AssertionError):
    """A course check failed. The message is written for the student."""


def _fail(name: str, lines: Iterable[str]) -> None:
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    body = "\n".join("  " + line for line in lines)
    raise CheckFailed(f"{name}\n{body}")


def _to_numpy(value: Any, name: str) -> np.ndarray:
    """Turn numbers, lists, numpy arrays and torch tensors into a numpy array."""
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    if value is None:
        _fail(f"{name}: got None", [
            "Your function returned nothing. Did you forget a `return` statement?"])
    if type(value).__module__.startswith("torch"):
        value = value.detach().cpu().numpy()
    try:
        arr = _asarray(value)
    except (TypeError, ValueError):
        _fail(f"{name}: expected numbers, got {type(value).__name__}", [
            f"value: {_short(value)}",
            "Return a number or an array of numbers (not a list of arrays of different sizes)."])
    if arr.dtype == object:
        _fail(f"{name}: expected numbers, got {type(value).__name__}", [
            f"value: {_short(value)}",
            "Return a number or an array of numbers (not a list of arrays of different sizes)."])
    return arr


def _short(value: Any, width: int = 300) -> str:
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=6, threshold=20, edgeitems=3, suppress=True):
            text = np.array2string(value, separator=", ")
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _matches(actual: np.ndarray, candidate: Any, rtol: float, atol: float) -> bool:
    try:
        cand = _to_numpy(candidate, "candidate")
    except CheckFailed:
        return False
    if cand.shape != actual.shape:
        return False
    if actual.dtype.kind not in "biufc" or cand.dtype.kind not in "biufc":
        return bool((actual == cand).all())
    a = actual.astype(np.complex128 if "c" in (actual.dtype.kind + cand.dtype.kind) else np.float64)
    c = cand.astype(a.dtype)
    both_nan = _isnan(a) & _isnan(c)
    ok = (_abs(a - c) <= atol + rtol * _abs(c)) | both_nan | (a == c)
    return bool(ok.all())


def _mistake_lines(actual: np.ndarray, mistakes: Mapping[str, Any] | None,
                   rtol: float, atol: float) -> list[str]:
    for label, candidate in (mistakes or {}).items():
        if callable(candidate):
            candidate = candidate()
        if _matches(actual, candidate, max(rtol, 1e-6), max(atol, 1e-9)):
            return [f"hint: your answer matches {label}."]
    return []


def shape(actual: Any, expected: tuple[int, ...], name: str = "value") -> None:
    """Check that ``actual`` has exactly the shape ``expected``."""
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    _check_shape(actual, expected, name)


def _check_shape(actual: Any, expected: tuple[int, ...], name: str) -> None:
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    arr = _to_numpy(actual, name)
    expected = tuple(int(n) for n in expected)
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
    arr = _to_numpy(actual, name)
    if arr.dtype.kind not in "biuf":
        _fail(f"{name}: expected real numbers, got dtype {arr.dtype}", [f"value: {_short(actual)}"])
    if shape is not None:
        _check_shape(arr, shape, name)
    return arr


def scalar(actual: Any, name: str = "value") -> float:
    """Check that ``actual`` is a single real number and return it as a float."""
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
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
          hint: str | None = None) -> None:
    """Check that ``actual`` equals ``expected`` up to floating-point tolerance.

    Args:
        actual: the student's result (number, array, tensor or nested list).
        expected: the reference result, same shape.
        name: what is being checked, as the student knows it (``"loss(phi, x, y)"``).
        rtol, atol: tolerance, as in ``numpy.isclose``.
        mistakes: known wrong answers, ``{description: value or zero-arg callable}``. When
            ``actual`` matches one of them, the message names it.
        hint: a sentence added to the message on failure.
    """
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    exp = _to_numpy(expected, "expected")
    act = _to_numpy(actual, name)
    if act.dtype.kind not in "biufc":
        _fail(f"{name}: expected numbers, got dtype {act.dtype}", [f"value: {_short(actual)}"])
    extra = [f"hint: {hint}"] if hint else []
    if act.shape != exp.shape:
        lines = [f"expected shape {exp.shape}, got {act.shape}"]
        lines += _mistake_lines(act, mistakes, rtol, atol)
        if act.size == exp.size and act.size > 1:
            lines.append("hint: same number of entries, different shape: a reshape, transpose "
                         "or missing keepdims?")
        _fail(f"{name}: wrong shape", lines + extra)
    a = act.astype(np.complex128 if act.dtype.kind == "c" or exp.dtype.kind == "c" else np.float64)
    e = exp.astype(a.dtype)
    bad_nan = ~_isfinite(a) & _isfinite(e)
    if bad_nan.any():
        idx = tuple(int(i) for i in np.argwhere(bad_nan)[0])
        where = f" at index {idx}" if a.ndim else ""
        lines = [f"got {a[idx] if a.ndim else a} {where}".rstrip() + ", expected a finite number",
                 "hint: nan or inf usually means a division by zero, log of a non-positive "
                 "number, or an overflowing exp."]
        _fail(f"{name}: not finite", lines + _mistake_lines(act, mistakes, rtol, atol) + extra)
    diff = _abs(a - e)
    tol = atol + rtol * _abs(e)
    ok = (diff <= tol) | (a == e) | (_isnan(a) & _isnan(e))
    if ok.all():
        return
    n_bad = int((~ok).sum())
    if a.ndim == 0:
        lines = [f"expected {_short(e.real if e.dtype.kind == 'c' else float(e))}",
                 f"got      {_short(a.real if a.dtype.kind == 'c' else float(a))}"]
    else:
        excess = np.where(ok, 0.0, diff - tol)
        worst = tuple(int(i) for i in _unravel(int(_argmax(excess)), a.shape))
        lines = [f"expected {_short(e)}",
                 f"got      {_short(a)}",
                 f"{n_bad} of {a.size} entries differ; the largest difference is at index "
                 f"{worst}: expected {e[worst]:.6g}, got {a[worst]:.6g}"]
    lines.append(f"(tolerance: rtol={rtol:g}, atol={atol:g})")
    lines += _mistake_lines(act, mistakes, rtol, atol)
    _fail(f"{name}: wrong value", lines + extra)


def equal(actual: Any, expected: Any, name: str = "value", *,
          mistakes: Mapping[str, Any] | None = None, hint: str | None = None) -> None:
    """Check exact equality (integers, strings, tuples, integer arrays)."""
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    extra = [f"hint: {hint}"] if hint else []
    if isinstance(expected, (str, bool)) or expected is None:
        if actual != expected:
            lines = [f"expected {expected!r}", f"got      {actual!r}"]
            for label, cand in (mistakes or {}).items():
                if actual == cand:
                    lines.append(f"hint: your answer matches {label}.")
                    break
            _fail(f"{name}: wrong value", lines + extra)
        return
    act = _to_numpy(actual, name)
    exp = _to_numpy(expected, "expected")
    if act.shape != exp.shape:
        _fail(f"{name}: wrong shape", [f"expected shape {exp.shape}, got {act.shape}",
                                       f"expected {_short(exp)}", f"got      {_short(act)}"]
              + _mistake_lines(act, mistakes, 0, 0) + extra)
    same = act == exp
    if not bool(np.all(same)):
        lines = [f"expected {_short(exp)}", f"got      {_short(act)}"]
        if act.ndim:
            first = tuple(int(i) for i in np.argwhere(~same)[0])
            lines.append(f"{int((~same).sum())} of {act.size} entries differ; first at index "
                         f"{first}: expected {exp[first]!r}, got {act[first]!r}")
        _fail(f"{name}: wrong value", lines + _mistake_lines(act, mistakes, 0, 0) + extra)


def that(condition: Any, message: str, *, name: str = "check") -> None:
    """Check a condition; ``message`` explains what should have been true."""
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    if not bool(condition):
        _fail(f"{name}: failed", [message])


def raises(exception: type[BaseException], fn: Callable[..., Any], *args: Any,
           name: str = "call", **kwargs: Any) -> BaseException:
    """Check that ``fn(*args, **kwargs)`` raises ``exception``; return the exception."""
    __tracebackhide__ = True  # IPython and pytest show the caller, not this frame
    try:
        fn(*args, **kwargs)
    except exception as exc:
        return exc
    except NotImplementedError:
        raise
    except Exception as exc:
        _fail(f"{name}: raised the wrong error", [
            f"expected {exception.__name__}, got {type(exc).__name__}: {exc}"])
    _fail(f"{name}: should have raised {exception.__name__}", ["it returned normally"])
    raise AssertionError("unreachable")  # pragma: no cover


def passed(name: str, detail: str | None = None) -> None:
    """Print the line a test cell shows when all its visible checks pass."""
    print(f"\u2713 {name}: visible checks passed" + (f" ({detail})" if detail else ""))

