"""Pictures the notebooks share: loss surfaces with trajectories, training curves,
decision boundaries and image grids. Every function draws on ``ax`` (a new figure when
``ax`` is None) and returns the Axes, so a notebook can add to it."""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

from .utils import as_array

__all__ = ["loss_surface", "trajectory", "training_curves", "decision_boundary", "image_grid"]


def _axes(ax, figsize=(5.0, 4.0)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _range(r, name: str, func: str) -> tuple[float, float]:
    arr = as_array(r, name, shape=(2,), func=func)
    if not arr[0] < arr[1]:
        raise ValueError(f"{func}: `{name}` must be (low, high) with low < high, got {tuple(arr)}")
    return float(arr[0]), float(arr[1])


def loss_surface(loss: Callable[[np.ndarray], float], range0: Sequence[float],
                 range1: Sequence[float], *, path: np.ndarray | None = None,
                 resolution: int = 81, levels: int = 30, log: bool = False,
                 labels: tuple[str, str] = (r"$\phi_0$", r"$\phi_1$"), ax=None,
                 title: str | None = None):
    """Contour plot of ``loss(phi)`` for phi = (phi0, phi1) on a grid, with an optional path.

    Args:
        loss: function of a parameter vector of shape (2,) returning a number.
        range0, range1: (low, high) of the two parameters.
        path: optional (T, 2) array of parameters visited (e.g. by gradient descent).
        log: colour by log10 of the loss (for losses spanning many orders of magnitude).
    """
    func = "plot.loss_surface"
    if not callable(loss):
        raise TypeError(f"{func}: `loss` must be a function of phi (shape (2,)), got {type(loss).__name__}")
    lo0, hi0 = _range(range0, "range0", func)
    lo1, hi1 = _range(range1, "range1", func)
    p0, p1 = np.meshgrid(np.linspace(lo0, hi0, resolution), np.linspace(lo1, hi1, resolution))
    values = np.array([float(loss(np.array([a, b]))) for a, b in zip(p0.ravel(), p1.ravel())])
    values = values.reshape(p0.shape)
    ax = _axes(ax)
    shown = np.log10(np.maximum(values, 1e-12)) if log else values
    cs = ax.contourf(p0, p1, shown, levels=levels, cmap="viridis")
    ax.contour(p0, p1, shown, levels=levels, colors="k", linewidths=0.3, alpha=0.5)
    ax.figure.colorbar(cs, ax=ax, label="log10 loss" if log else "loss")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    if title:
        ax.set_title(title)
    if path is not None:
        trajectory(path, ax=ax)
        ax.set_xlim(lo0, hi0)
        ax.set_ylim(lo1, hi1)
    return ax


def trajectory(path: np.ndarray, *, ax=None, color: str = "tab:red", label: str | None = None):
    """Draw a (T, 2) parameter path: a line through the steps, start marked o, end marked x."""
    pts = as_array(path, "path", shape=(None, 2), func="plot.trajectory")
    ax = _axes(ax)
    ax.plot(pts[:, 0], pts[:, 1], "-", color=color, lw=1.2, marker=".", ms=3, label=label)
    ax.plot(*pts[0], "o", color="white", mec=color, ms=7)
    ax.plot(*pts[-1], "x", color=color, ms=9, mew=2)
    return ax


def training_curves(history: Mapping[str, Sequence[float]], *, ax=None, xlabel: str = "epoch",
                    ylabel: str = "loss", log: bool = False, title: str | None = None):
    """Plot named curves, e.g. ``{"train": [...], "validation": [...]}``, against the step."""
    func = "plot.training_curves"
    if not isinstance(history, Mapping) or not history:
        raise TypeError(f"{func}: `history` must be a non-empty dict of name -> list of numbers, "
                        f"got {type(history).__name__}")
    ax = _axes(ax)
    for name, values in history.items():
        ys = as_array(values, f"history[{name!r}]", ndim=1, func=func)
        ax.plot(np.arange(1, len(ys) + 1), ys, label=str(name))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def decision_boundary(predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray,
                      *, ax=None, resolution: int = 200, margin: float = 0.5,
                      title: str | None = None):
    """Shade ``predict`` (probability of class 1 for an (N, 2) array) over the plane of
    the 2D points ``X`` (N, 2) with labels ``y`` (N,), and draw the 0.5 contour."""
    func = "plot.decision_boundary"
    X = as_array(X, "X", shape=(None, 2), func=func)
    y = as_array(y, "y", shape=(len(X),), func=func)
    if not callable(predict):
        raise TypeError(f"{func}: `predict` must be a function of an (N, 2) array, "
                        f"got {type(predict).__name__}")
    lo, hi = X.min(0) - margin, X.max(0) + margin
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.c_[g0.ravel(), g1.ravel()]
    p = as_array(predict(grid), "predict(grid)", func=func).reshape(g0.shape)
    ax = _axes(ax)
    ax.contourf(g0, g1, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
    ax.contour(g0, g1, p, levels=[0.5], colors="k", linewidths=1.5)
    for label, colour, marker in ((0, "tab:blue", "o"), (1, "tab:red", "^")):
        pts = X[y == label]
        ax.scatter(pts[:, 0], pts[:, 1], c=colour, marker=marker, edgecolors="white",
                   linewidths=0.6, s=22, label=f"class {label}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def image_grid(images: np.ndarray, *, titles: Sequence[str] | None = None, cols: int = 8,
               cmap: str = "gray", size: float = 1.2, symmetric: bool = False):
    """Show (N, H, W) images (filters, feature maps, digits) in a grid; returns the figure.

    ``symmetric=True`` centres the colour scale on zero (for filters with signed weights).
    """
    import matplotlib.pyplot as plt

    imgs = as_array(images, "images", ndim=3, func="plot.image_grid")
    n = len(imgs)
    if titles is not None and len(titles) != n:
        raise ValueError(f"plot.image_grid: `titles` must have {n} entries, got {len(titles)}")
    cols = max(1, min(cols, n))
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(size * cols, size * rows), squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i < n:
            kw = {}
            if symmetric:
                m = float(np.abs(imgs[i]).max()) or 1.0
                kw = {"vmin": -m, "vmax": m}
            ax.imshow(imgs[i], cmap=cmap, **kw)
            if titles is not None:
                ax.set_title(titles[i], fontsize=8)
    fig.tight_layout()
    return fig
