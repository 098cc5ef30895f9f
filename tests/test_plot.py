"""nnlib.plot: each picture draws what it promises and rejects bad input clearly."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnlib import plot  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_loss_surface_with_path():
    path = np.array([[1.0, 1.0], [0.5, 0.5], [0.1, 0.0]])
    ax = plot.loss_surface(lambda p: float(p @ p), (-1, 1), (-1, 1), path=path, resolution=21)
    lines = [l for l in ax.get_lines() if len(l.get_xdata()) == 3]
    np.testing.assert_allclose(lines[0].get_xdata(), path[:, 0])     # the path is drawn as given
    assert ax.get_xlim() == (-1.0, 1.0)
    assert len(ax.figure.axes) == 2                                   # axes + colour bar


def test_loss_surface_messages():
    with pytest.raises(TypeError, match="`loss` must be a function"):
        plot.loss_surface(3.0, (0, 1), (0, 1))
    with pytest.raises(ValueError, match="`range0` must be \\(low, high\\) with low < high"):
        plot.loss_surface(lambda p: 0.0, (1, 0), (0, 1))
    with pytest.raises(ValueError, match="`path` must have shape \\(any, 2\\), got \\(3,\\)"):
        plot.loss_surface(lambda p: 0.0, (0, 1), (0, 1), path=[1, 2, 3], resolution=5)


def test_training_curves():
    ax = plot.training_curves({"train": [3, 2, 1], "validation": [3, 2.5, 2.4]})
    assert [l.get_label() for l in ax.get_lines()] == ["train", "validation"]
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [1, 2, 3])
    with pytest.raises(TypeError, match="`history` must be a non-empty dict"):
        plot.training_curves([1, 2, 3])
    with pytest.raises(ValueError, match="history\\['a'\\]` must be 1-D"):
        plot.training_curves({"a": [[1, 2]]})


def test_decision_boundary():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    y = np.array([0, 1, 1])
    ax = plot.decision_boundary(lambda P: (P.sum(1) > 0.5).astype(float), X, y, resolution=30)
    assert len(ax.collections) >= 3
    with pytest.raises(ValueError, match="`y` must have shape \\(3\\), got \\(2,\\)"):
        plot.decision_boundary(lambda P: P[:, 0], X, y[:2])


def test_image_grid():
    fig = plot.image_grid(np.random.default_rng(0).normal(size=(5, 3, 3)), cols=3, symmetric=True,
                          titles=list("abcde"))
    assert len(fig.axes) == 6 and sum(bool(ax.images) for ax in fig.axes) == 5
    with pytest.raises(ValueError, match="`images` must be 3-D"):
        plot.image_grid(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="`titles` must have 2 entries, got 1"):
        plot.image_grid(np.zeros((2, 3, 3)), titles=["x"])
