"""Small utilities every notebook uses: seeding, device choice, timing, input checks."""
from __future__ import annotations

import os
import random
import time
from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np

__all__ = ["seed", "device", "timer", "Timer", "as_array"]


def seed(value: int = 0) -> np.random.Generator:
    """Seed Python's, numpy's and (if installed) torch's random generators.

    Returns a fresh ``numpy.random.Generator`` seeded with ``value``: prefer passing that
    generator around to relying on global state.
    """
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
        raise TypeError(f"seed: `value` must be a non-negative int, got {value!r}")
    value = int(value)
    random.seed(value)
    np.random.seed(value % 2**32)
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        pass
    else:
        torch.manual_seed(value)
    return np.random.default_rng(value)


def device(prefer: str | None = None):
    """The torch device to compute on: CUDA if present, else Apple's MPS, else the CPU.

    ``prefer="cpu"`` (or the environment variable ``NNLIB_DEVICE=cpu``) forces a choice.
    """
    import torch

    choice = prefer or os.environ.get("NNLIB_DEVICE")
    if choice is not None:
        if choice not in ("cpu", "cuda", "mps"):
            raise ValueError(f"device: `prefer` must be 'cpu', 'cuda' or 'mps', got {choice!r}")
        if choice == "cuda" and not torch.cuda.is_available():
            raise RuntimeError("device: 'cuda' was asked for but torch sees no CUDA device")
        return torch.device(choice)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


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

    Pass ``sync=torch.device("cuda")`` (or ``"mps"``) to wait for queued GPU work before
    reading the clock.
    Prints ``label: 0.123 s`` when a label is given.
    """
    def _sync() -> None:
        kind = None if sync is None else getattr(sync, "type", str(sync))
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
             func: str = "nnlib") -> np.ndarray:
    """Convert ``value`` to a numpy array or raise a message naming the argument.

    ``shape`` may contain ``None`` for "any length". Used by nnlib's public functions so
    that bad input gives ``plot.training_curves: `history` must be ...`` instead of a numpy
    error from deep inside.
    """
    if type(value).__module__.startswith("torch"):
        value = value.detach().cpu().numpy()
    try:
        arr = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{func}: `{name}` must be an array of numbers, got "
                        f"{type(value).__name__} ({exc})") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{func}: `{name}` must be {want}, got shape {arr.shape}")
    if shape is not None:
        ok = arr.ndim == len(shape) and all(s is None or s == n for s, n in zip(shape, arr.shape))
        if not ok:
            want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{func}: `{name}` must have shape {want}, got {arr.shape}")
    return arr
