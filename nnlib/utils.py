"""Small utilities every notebook uses: seeding, device choice, timing, input checks.

The input checks (:func:`as_array`, :func:`as_int`, :func:`as_number`, :func:`as_choice`,
:func:`as_flag`, :func:`as_text`, :func:`as_function`) are the one place where nnlib's public
functions validate their arguments. They raise :class:`BadArgument` with a message that names
the function and the argument, says what was expected and what came in::

    toy_regression: `noise` must be a number >= 0, got str 'a'
"""
from __future__ import annotations

import math
import numbers
import os
import random
import re
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

import numpy as np

# Bound at import, like nnlib.check's numpy functions: the argument checks that nnlib.check
# calls keep working when a notebook reassigns numpy's attributes.
_ndarray, _generic, _np_bool = np.ndarray, np.generic, np.bool_

__all__ = ["seed", "device", "timer", "Timer", "BadArgument", "describe", "as_array", "as_int",
           "as_number", "as_choice", "as_flag", "as_text", "as_function"]


class BadArgument(TypeError, ValueError):
    """A public nnlib function got an argument it cannot use.

    Both a ``TypeError`` and a ``ValueError``, so ``except ValueError`` and
    ``except TypeError`` both catch it, whichever kind of mistake it was.
    """


def describe(value: Any, width: int = 60) -> str:
    """How a message shows a value that came in: its type and, when short, its value."""
    if value is None:
        return "None"
    kind = type(value).__name__
    if isinstance(value, _ndarray):
        return f"an array of shape {value.shape} ({value.dtype})"
    if type(value).__module__.startswith("torch") and hasattr(value, "shape"):
        return f"a tensor of shape {tuple(value.shape)} ({str(value.dtype).replace('torch.', '')})"
    if isinstance(value, _generic):
        value = value.item()
    elif callable(value) and not isinstance(value, type):
        return f"function {getattr(value, '__name__', kind)}"
    text = " ".join(repr(_plain(value)).split())
    if len(text) > width:
        if isinstance(value, (list, tuple, dict)):
            return f"{kind} of {len(value)} items"
        text = text[: width - 3] + "..."
    return f"{kind} {text}"


def _plain(value: Any) -> Any:
    """``value`` with numpy scalars (inside lists, tuples and dicts too) as Python numbers."""
    if isinstance(value, _generic):
        return value.item()
    if type(value) in (list, tuple):
        return type(value)(_plain(v) for v in value)
    if type(value) is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def _reject(func: str, name: str, expected: str, value: Any, got: str | None = None) -> None:
    """Raise BadArgument: ``func: `name` must be <expected>, got <what came in>``."""
    verb = "" if expected.startswith("have ") else "be "
    raise BadArgument(f"{func}: `{name}` must {verb}{expected}, got "
                      f"{describe(value) if got is None else got}") from None


def _bounds(minimum: Any, maximum: Any, above: Any = None) -> str:
    parts = []
    if above is not None:
        parts.append(f"> {above}")
    if minimum is not None:
        parts.append(f">= {minimum}")
    if maximum is not None:
        parts.append(f"<= {maximum}")
    return " and ".join(parts)


def as_int(value: Any, name: str, func: str, *, minimum: int | None = None,
           maximum: int | None = None) -> int:
    """``value`` as an int (not a bool, not a float), optionally within bounds."""
    want = " ".join(["an int", _bounds(minimum, maximum)]).strip()
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        _reject(func, name, want, value)
    number = int(value)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        _reject(func, name, want, value)
    return number


def as_number(value: Any, name: str, func: str, *, minimum: float | None = None,
              above: float | None = None, maximum: float | None = None,
              finite: bool = True) -> float:
    """``value`` as a float: a real number (not a bool, not a string), optionally bounded."""
    want = " ".join(["a number", _bounds(minimum, maximum, above)]).strip()
    if type(value).__module__.startswith("torch") and getattr(value, "ndim", None) == 0:
        value = value.item()
    if isinstance(value, _ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        _reject(func, name, want, value)
    number = float(value)
    if math.isnan(number) or (finite and math.isinf(number)):
        _reject(func, name, "a finite number" if finite else want, value)
    if ((minimum is not None and number < minimum) or (above is not None and number <= above)
            or (maximum is not None and number > maximum)):
        _reject(func, name, want, value)
    return number


def as_choice(value: Any, name: str, func: str, choices: Sequence[Any]) -> Any:
    """``value`` if it is one of ``choices`` (compared by type and value)."""
    for choice in choices:
        if type(value) is type(choice) and value == choice:
            return value
    names = [repr(c) for c in choices]
    want = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    _reject(func, name, want, value)


def as_flag(value: Any, name: str, func: str) -> bool:
    """``value`` if it is True or False (numpy's bools too)."""
    if not isinstance(value, (bool, _np_bool)):
        _reject(func, name, "True or False", value)
    return bool(value)


def as_text(value: Any, name: str, func: str, *, optional: bool = True) -> str | None:
    """``value`` if it is a string (or None when ``optional``)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        _reject(func, name, "a string" + (" or None" if optional else ""), value)
    return value


def as_function(value: Any, name: str, func: str, what: str) -> Callable[..., Any]:
    """``value`` if it can be called; ``what`` says what kind of function was expected."""
    if not callable(value):
        _reject(func, name, what, value)
    return value


def seed(value: int = 0) -> np.random.Generator:
    """Seed Python's, numpy's and (if installed) torch's random generators.

    Returns a fresh ``numpy.random.Generator`` seeded with ``value``: prefer passing that
    generator around to relying on global state.
    """
    value = as_int(value, "value", "seed", minimum=0)
    random.seed(value)
    np.random.seed(value % 2**32)
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        pass
    else:
        torch.manual_seed(value)
    return np.random.default_rng(value)


_DEVICES = "'cpu', 'cuda', 'cuda:N' (N a GPU number), 'mps', 'auto' or None"


def device(prefer: Any = None):
    """The torch device to compute on: CUDA if present, else Apple's MPS, else the CPU.

    ``prefer`` forces a choice: ``"cpu"``, ``"cuda"``, ``"cuda:N"`` (the N-th GPU) or
    ``"mps"``; ``None`` or ``"auto"`` choose as above. The environment variable
    ``NNLIB_DEVICE`` (same values) is used when ``prefer`` is None. Asking for a device
    that torch cannot see raises an error that says so.
    """
    import torch

    name = "prefer"
    if prefer is None and os.environ.get("NNLIB_DEVICE"):
        prefer, name = os.environ["NNLIB_DEVICE"], "NNLIB_DEVICE (environment variable)"
    if isinstance(prefer, torch.device):
        prefer = str(prefer)
    if prefer is not None and not isinstance(prefer, str):
        _reject("device", name, _DEVICES, prefer)
    choice = (prefer or "auto").strip().lower()
    if choice == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    match = re.fullmatch(r"(cpu|cuda|mps)(?::(\d+))?", choice)
    if match is None or (match[2] is not None and match[1] != "cuda"):
        _reject("device", name, _DEVICES, prefer)
    kind, index = match[1], match[2]
    if kind == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError(f"device: {name} = {prefer!r} asks for CUDA, but torch sees no "
                               "CUDA device (no NVIDIA GPU, or a CPU-only torch build); use "
                               "'cpu' or 'auto'")
        count = torch.cuda.device_count()
        if index is not None and int(index) >= count:
            raise RuntimeError(f"device: {name} = {prefer!r} asks for GPU {index}, but torch "
                               f"sees {count} CUDA device(s), numbered 0 to {count - 1}")
    if kind == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise RuntimeError(f"device: {name} = {prefer!r} asks for Apple's MPS, but torch "
                               "sees no MPS device (it needs an Apple-silicon Mac); use 'cpu' "
                               "or 'auto'")
    return torch.device(choice)


class Timer:
    """Wall-clock timer. ``seconds`` holds the elapsed time once the block ends."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.seconds: float = 0.0

    def stop(self) -> float:
        self.seconds = time.perf_counter() - self.start
        return self.seconds


@contextmanager
def timer(label: str | None = None, sync: Any = None) -> Iterator[Timer]:
    """Time a block: ``with timer("matmul") as t: ...``; then ``t.seconds``.

    Pass ``sync=torch.device("cuda")`` (or ``"cuda"``, ``"mps"``) to wait for queued GPU
    work before reading the clock; ``"cpu"`` or None wait for nothing.
    Prints ``label: 0.123 s`` when a label is given.
    """
    as_text(label, "label", "timer")
    kind = None if sync is None else getattr(sync, "type", sync)
    if kind is not None and (not isinstance(kind, str)
                             or re.fullmatch(r"(cpu|mps|cuda(:\d+)?)", kind) is None):
        _reject("timer", "sync", "a torch.device, 'cpu', 'cuda', 'cuda:N', 'mps' or None", sync)
    kind = None if kind is None else kind.split(":")[0]

    def _sync() -> None:
        if kind == "cuda":
            import torch
            torch.cuda.synchronize()
        elif kind == "mps":
            import torch
            torch.mps.synchronize()

    _sync()
    t = Timer()
    try:
        yield t
    finally:
        _sync()
        t.stop()
        if label:
            print(f"{label}: {t.seconds:.3f} s")


def as_array(value: Any, name: str, *, ndim: int | tuple[int, ...] | None = None,
             shape: tuple[int | None, ...] | None = None, dtype: Any = float,
             func: str = "nnlib", min_len: int = 0) -> np.ndarray:
    """Convert ``value`` to a numpy array or raise a message naming the argument.

    ``shape`` may contain ``None`` for "any length"; ``min_len`` is the least length of the
    first axis. Used by nnlib's public functions so that bad input gives
    ``plot.training_curves: `history` must be ...`` instead of a numpy error from deep inside.
    """
    if type(value).__module__.startswith("torch"):
        value = value.detach().cpu().numpy()
    if isinstance(value, (str, bytes)) or value is None:
        _reject(func, name, "an array of numbers", value)
    try:
        arr = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        _reject(func, name, "an array of numbers", value, got=f"{describe(value)} ({exc})")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            _reject(func, name, want, value, got=f"shape {arr.shape}")
    if shape is not None:
        ok = arr.ndim == len(shape) and all(s is None or s == n for s, n in zip(shape, arr.shape))
        if not ok:
            want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            _reject(func, name, f"have shape {want}", value, got=str(arr.shape))
    if min_len and (arr.ndim == 0 or len(arr) < min_len):
        _reject(func, name, f"have at least {min_len} entr{'y' if min_len == 1 else 'ies'}"
                f"{' along its first axis' if arr.ndim > 1 else ''}", value,
                got=f"shape {arr.shape}")
    return arr
