"""Pictures the notebooks share: loss surfaces with trajectories, training curves,
decision boundaries and image grids. Every function draws on ``ax`` (a new figure when
``ax`` is None) and returns the Axes, so a notebook can add to it.

Every figure of the course is shown with :func:`show`, which gives it a text alternative
(what the figure shows, for a screen reader and in every export) in place of ``plt.show()``.
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

from .utils import _reject, as_array, describe, as_flag, as_function, as_int, as_number, as_text

__all__ = ["show", "colour_only", "loss_surface", "trajectory", "training_curves",
           "decision_boundary", "image_grid"]

MIN_ALT_WORDS = 6
# cues besides colour for the n-th curve (training_curves); 4 x 5 distinct pairs
LINE_STYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v")


def colour_only(fig) -> list[str]:
    """The legend entries of ``fig`` that differ from another entry of the same legend in
    colour alone (same line style, marker and width): a reader who cannot tell the colours
    apart cannot tell those entries apart. Empty when every entry has another cue."""
    from matplotlib.collections import PathCollection
    from matplotlib.lines import Line2D

    found = []
    for ax in fig.get_axes():
        legend = ax.get_legend()
        if legend is None:
            continue
        seen: dict[tuple, list[str]] = {}
        for handle, text in zip(legend.legend_handles, legend.get_texts()):
            if isinstance(handle, Line2D):
                key = ("line", handle.get_linestyle(), handle.get_marker(),
                       round(float(handle.get_linewidth()), 1))
            elif isinstance(handle, PathCollection):
                paths = handle.get_paths()      # the marker's shape
                key = ("points", paths[0].vertices.round(2).tobytes() if paths else b"")
            else:
                continue        # patches (bars, areas) carry hatching or labels of their own
            seen.setdefault(key, []).append(text.get_text())
        for labels in seen.values():
            if len(labels) > 1:
                title = ax.get_title() or "a panel"
                found.append(f"{title}: " + ", ".join(labels))
    return found


def show(alt: str, fig=None) -> None:
    """Show ``fig`` (the current figure when None) with ``alt``, a text alternative that
    says what the figure shows (at least six words): in JupyterLab the image carries it as
    its alt text, exports and feedback pages keep it, and a screen reader reads it. Use it in
    place of ``plt.show()``. Outside IPython it calls ``plt.show()``."""
    import base64
    import html

    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    func = "plot.show"
    if not isinstance(alt, str) or len(alt.split()) < MIN_ALT_WORDS:
        _reject(func, "alt", f"a sentence of at least {MIN_ALT_WORDS} words saying what the "
                "figure shows", alt)
    fig = plt.gcf() if fig is None else fig
    if not isinstance(fig, Figure):
        _reject(func, "fig", "a matplotlib Figure or None (the current figure)", fig)
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import print_figure
        from IPython.display import display
    except ImportError:          # pragma: no cover - IPython comes with the course
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        plt.show()
        return
    alt = " ".join(alt.split())
    png = base64.b64encode(print_figure(fig, "png", bbox_inches="tight")).decode("ascii")
    text = html.escape(alt)
    bundle = {"image/png": png,
              "text/html": f'<img src="data:image/png;base64,{png}" alt="{text}"/>',
              "text/plain": f"[figure: {alt}]"}
    metadata = {"image/png": {"alt": alt}}
    mixed = colour_only(fig)
    if mixed:                    # for the course's own check (tests/test_figures.py)
        metadata["nnlib_colour_only"] = mixed
    display(bundle, raw=True, metadata=metadata)
    plt.close(fig)


def _axes(ax, func: str, figsize=(5.0, 4.0)):
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    elif not isinstance(ax, Axes):
        _reject(func, "ax", "a matplotlib Axes (e.g. from plt.subplots()) or None", ax)
    return ax


def _call(fn, arg, name: str, func: str, where: str):
    """fn(arg); an exception from inside fn gets a note saying which call raised it."""
    try:
        return fn(arg)
    except Exception as exc:
        exc.add_note(f"{func}: raised while calling `{name}` {where}")
        raise


def _range(r, name: str, func: str) -> tuple[float, float]:
    arr = as_array(r, name, shape=(2,), func=func)
    if not np.all(np.isfinite(arr)):
        _reject(func, name, "(low, high), two finite numbers", r, got=str(tuple(arr.tolist())))
    if not arr[0] < arr[1]:
        _reject(func, name, "(low, high) with low < high", r, got=str(tuple(arr.tolist())))
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
    as_function(loss, "loss", func, "a function of phi (shape (2,)) returning a number")
    lo0, hi0 = _range(range0, "range0", func)
    lo1, hi1 = _range(range1, "range1", func)
    resolution = as_int(resolution, "resolution", func, minimum=2)
    levels = as_int(levels, "levels", func, minimum=1)
    log = as_flag(log, "log", func)
    if (not isinstance(labels, (tuple, list)) or len(labels) != 2
            or not all(isinstance(t, str) for t in labels)):
        _reject(func, "labels", "a pair of strings (label of phi0, label of phi1)", labels)
    as_text(title, "title", func)
    if path is not None:
        path = as_array(path, "path", shape=(None, 2), func=func, min_len=1)
    p0, p1 = np.meshgrid(np.linspace(lo0, hi0, resolution), np.linspace(lo1, hi1, resolution))
    values = np.empty(p0.size)
    for k, (a, b) in enumerate(zip(p0.ravel(), p1.ravel())):
        phi = np.array([a, b])
        value = _call(loss, phi, "loss", func, f"at phi = [{a:.6g}, {b:.6g}]")
        if type(value).__module__.startswith("torch"):
            value = value.detach().cpu().numpy()
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            arr = None
        if arr is None or arr.size != 1:
            got = f"an array of shape {arr.shape}" if arr is not None else None
            _reject(func, "loss", "a function returning a single number", value,
                    got=f"{got or describe(value)} at phi = [{a:.6g}, {b:.6g}]"
                        + (" (did you forget to sum over the data points?)" if got else ""))
        values[k] = arr.reshape(())
    values = values.reshape(p0.shape)
    ax = _axes(ax, func)
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
    func = "plot.trajectory"
    pts = as_array(path, "path", shape=(None, 2), func=func, min_len=1)
    from matplotlib.colors import is_color_like

    if not is_color_like(color):
        _reject(func, "color", "a matplotlib colour ('tab:red', 'k', '#1f77b4' or an RGB tuple)",
                color)
    as_text(label, "label", func)
    ax = _axes(ax, func)
    ax.plot(pts[:, 0], pts[:, 1], "-", color=color, lw=1.2, marker=".", ms=3, label=label)
    ax.plot(*pts[0], "o", color="white", mec=color, ms=7)
    ax.plot(*pts[-1], "x", color=color, ms=9, mew=2)
    return ax


def training_curves(history: Mapping[str, Sequence[float]], *, ax=None, xlabel: str = "epoch",
                    ylabel: str = "loss", log: bool = False, title: str | None = None):
    """Plot named curves, e.g. ``{"train": [...], "validation": [...]}``, against the step.
    Each curve has its own line style and marker as well as its own colour, so the legend
    reads without colour."""
    func = "plot.training_curves"
    if not isinstance(history, Mapping) or not history:
        raise TypeError(f"{func}: `history` must be a non-empty dict of name -> list of numbers, "
                        f"got {type(history).__name__}")
    for text, arg in ((xlabel, "xlabel"), (ylabel, "ylabel")):
        as_text(text, arg, func, optional=False)
    log = as_flag(log, "log", func)
    as_text(title, "title", func)
    curves = {}
    for name, values in history.items():
        ys = as_array(values, f"history[{name!r}]", ndim=1, func=func, min_len=1)
        if log and not np.all(ys[np.isfinite(ys)] > 0):
            _reject(func, f"history[{name!r}]", "positive numbers when log=True", values,
                    got=f"minimum {float(np.nanmin(ys)):g}")
        curves[name] = ys
    ax = _axes(ax, func)
    for i, (name, ys) in enumerate(curves.items()):
        ax.plot(np.arange(1, len(ys) + 1), ys, label=str(name),
                linestyle=LINE_STYLES[i % len(LINE_STYLES)], marker=MARKERS[i % len(MARKERS)],
                markevery=max(1, len(ys) // 10), markersize=5)
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
    """Shade the classes that ``predict`` assigns over the plane of the 2D points ``X``
    (N, 2) with labels ``y`` (N,), integers 0, 1, ..., K-1, and draw the boundaries.

    ``predict`` takes an (M, 2) array of points and returns, for two classes, the
    probability of class 1, shape (M,) (shaded from blue to red, with the 0.5 contour);
    for any number of classes, an (M, K) array of class probabilities or scores (each point
    gets the class of its largest entry), or (M,) integer class labels.
    """
    func = "plot.decision_boundary"
    as_function(predict, "predict", func, "a function of an (M, 2) array of points")
    X = as_array(X, "X", shape=(None, 2), func=func, min_len=1)
    if not np.all(np.isfinite(X)):
        _reject(func, "X", "finite numbers", X, got="nan or inf in X")
    y = as_array(y, "y", shape=(len(X),), func=func)
    if not np.all((y == np.round(y)) & (y >= 0)):
        bad = y[(y != np.round(y)) | (y < 0) | ~np.isfinite(y)][0]
        _reject(func, "y", "integer class labels 0, 1, ..., K-1", y,
                got=f"the label {float(bad):g}")
    y = y.astype(np.int64)
    resolution = as_int(resolution, "resolution", func, minimum=2)
    margin = as_number(margin, "margin", func, minimum=0.0)
    as_text(title, "title", func)
    ax = _axes(ax, func)
    k = max(int(y.max()) + 1, 2)
    lo, hi = X.min(0) - margin, X.max(0) + margin
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.c_[g0.ravel(), g1.ravel()]
    out = _call(predict, grid, "predict", func, f"on the ({len(grid)}, 2) grid of points")
    want = (f"a function returning, for an (M, 2) array, shape (M,) (probability of class 1"
            f"{', or integer labels' if k > 2 else ''}) or (M, K) (one column per class, "
            f"K >= {k})")
    p = as_array(out, "predict(grid)", func=func)
    if p.ndim == 2 and p.shape[1] == 1:
        p = p[:, 0]
    if p.shape[:1] != (len(grid),) or p.ndim > 2 or (p.ndim == 2 and p.shape[1] < k):
        _reject(func, "predict", want, out, got=f"an array of shape {p.shape} for M = {len(grid)}")
    if not np.all(np.isfinite(p)):
        _reject(func, "predict", "a function returning finite numbers", out, got="nan or inf")
    if p.ndim == 1 and k == 2:
        if p.min() < 0 or p.max() > 1:
            _reject(func, "predict", "a function returning probabilities in [0, 1] (for two "
                    "classes: the probability of class 1)", out,
                    got=f"values from {p.min():.4g} to {p.max():.4g}")
        p = p.reshape(g0.shape)
        ax.contourf(g0, g1, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
        ax.contour(g0, g1, p, levels=[0.5], colors="k", linewidths=1.5)
        styles = [("tab:blue", "o"), ("tab:red", "^")]
    else:
        if p.ndim == 1:
            if not np.all((p == np.round(p)) & (p >= 0) & (p < max(k, 2))):
                _reject(func, "predict", f"a function returning class labels 0 to {k - 1} "
                        "(shape (M,)) or class probabilities (shape (M, K))", out,
                        got=f"values from {p.min():.4g} to {p.max():.4g}")
            labels = p.astype(np.int64)
        else:
            labels = p.argmax(1)
        k = max(k, int(labels.max()) + 1, p.shape[1] if p.ndim == 2 else 0)
        labels = labels.reshape(g0.shape)
        from matplotlib.colors import ListedColormap

        colours = [_class_colour(i) for i in range(k)]
        ax.contourf(g0, g1, labels, levels=np.arange(k + 1) - 0.5, cmap=ListedColormap(colours),
                    alpha=0.35)
        ax.contour(g0, g1, labels, levels=np.arange(k - 1) + 0.5, colors="k", linewidths=1.0)
        markers = "o^sDvP*Xh<>p"
        styles = [(colours[i], markers[i % len(markers)]) for i in range(k)]
    for label in range(k):
        pts = X[y == label]
        if len(pts) == 0:
            continue
        colour, marker = styles[label]
        ax.scatter(pts[:, 0], pts[:, 1], c=colour, marker=marker, edgecolors="white",
                   linewidths=0.6, s=22, label=f"class {label}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def _class_colour(i: int) -> str:
    """The i-th colour of matplotlib's tab10/tab20 cycle (class colours)."""
    import matplotlib

    cmap = matplotlib.colormaps["tab10" if i < 10 else "tab20"]
    return matplotlib.colors.to_hex(cmap(i % cmap.N))


def image_grid(images: np.ndarray, *, titles: Sequence[str] | None = None, cols: int = 8,
               cmap: str = "gray", size: float = 1.2, symmetric: bool = False):
    """Show (N, H, W) images (filters, feature maps, digits) in a grid; returns the figure.

    ``symmetric=True`` centres the colour scale on zero (for filters with signed weights).
    """
    import matplotlib.pyplot as plt

    func = "plot.image_grid"
    imgs = as_array(images, "images", ndim=3, func=func, min_len=1)
    n = len(imgs)
    if titles is not None:
        if isinstance(titles, str) or not hasattr(titles, "__len__"):
            _reject(func, "titles", f"a list of {n} strings or None", titles)
        if len(titles) != n:
            _reject(func, "titles", f"have {n} entries (one per image)", titles,
                    got=f"{len(titles)}")
    cols = as_int(cols, "cols", func, minimum=1)
    import matplotlib
    from matplotlib.colors import Colormap

    if not (isinstance(cmap, Colormap) or isinstance(cmap, str) and cmap in matplotlib.colormaps):
        _reject(func, "cmap", "a matplotlib colour map or its name ('gray', 'viridis', ...)", cmap)
    size = as_number(size, "size", func, above=0.0)
    symmetric = as_flag(symmetric, "symmetric", func)
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
