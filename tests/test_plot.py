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
    with pytest.raises(ValueError, match="`titles` must have 2 entries \\(one per image\\), got 1"):
        plot.image_grid(np.zeros((2, 3, 3)), titles=["x"])


def test_decision_boundary_for_three_classes():
    """Labels other than 0 and 1 used to be dropped silently (and (M, K) outputs crashed
    with a reshape error): every class is drawn, each in its own colour."""
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 3.0]])
    y = np.repeat([0, 1, 2], 10)
    X = centres[y] + 0.3 * rng.standard_normal((30, 2))

    def scores(P):                                     # (M, 3): minus the distance to each centre
        return -((P[:, None, :] - centres[None]) ** 2).sum(-1)

    ax = plot.decision_boundary(scores, X, y, resolution=40)
    drawn = [c for c in ax.collections if c.get_label().startswith("class")]
    assert [c.get_label() for c in drawn] == ["class 0", "class 1", "class 2"]
    for k, c in enumerate(drawn):                      # each class's points, as given
        np.testing.assert_allclose(c.get_offsets(), X[y == k])
    assert len({tuple(c.get_facecolor()[0]) for c in drawn}) == 3
    plt.close("all")
    ax = plot.decision_boundary(lambda P: scores(P).argmax(1), X, y, resolution=40)   # labels
    assert sum(c.get_label().startswith("class") for c in ax.collections) == 3


@pytest.mark.parametrize("call, message", [
    # a loss returning the residual vector used to fail with numpy's bare
    # "only length-1 arrays can be converted to Python scalars"
    (lambda: plot.loss_surface(lambda p: p * 2.0, (0, 1), (0, 1), resolution=5),
     "plot.loss_surface: `loss` must be a function returning a single number, got an array of "
     "shape (2,) at phi = [0, 0]"),
    (lambda: plot.loss_surface(lambda p: "low", (0, 1), (0, 1), resolution=5),
     "plot.loss_surface: `loss` must be a function returning a single number, got str 'low' at phi"),
    (lambda: plot.loss_surface(lambda p: 0.0, (0, 1), (0, 1), resolution=1),
     "plot.loss_surface: `resolution` must be an int >= 2, got int 1"),
    (lambda: plot.loss_surface(lambda p: 0.0, (0, 1), (0, 1), levels="many"),
     "plot.loss_surface: `levels` must be an int >= 1, got str 'many'"),
    (lambda: plot.loss_surface(lambda p: 0.0, (0, 1), (0, 1), log="yes"),
     "plot.loss_surface: `log` must be True or False, got str 'yes'"),
    (lambda: plot.loss_surface(lambda p: 0.0, (0, 1), (0, 1), labels="phi"),
     "plot.loss_surface: `labels` must be a pair of strings"),
    (lambda: plot.loss_surface(lambda p: 0.0, (0, np.inf), (0, 1)),
     "plot.loss_surface: `range0` must be (low, high), two finite numbers, got (0.0, inf)"),
    (lambda: plot.loss_surface(lambda p: 0.0, (0, 1), (1, 1)),
     "plot.loss_surface: `range1` must be (low, high) with low < high, got (1.0, 1.0)"),
    (lambda: plot.loss_surface(lambda p: 0.0, (0, 1), (0, 1), ax="left"),
     "plot.loss_surface: `ax` must be a matplotlib Axes (e.g. from plt.subplots()) or None, got str"),
    (lambda: plot.trajectory(np.zeros((0, 2))),
     "plot.trajectory: `path` must have at least 1 entry along its first axis, got shape (0, 2)"),
    (lambda: plot.trajectory([[0, 0], [1, 1]], color=3),
     "plot.trajectory: `color` must be a matplotlib colour ('tab:red', 'k', '#1f77b4' or an RGB "
     "tuple), got int 3"),
    (lambda: plot.image_grid(np.zeros((2, 3, 3)), cmap="gary"),
     "plot.image_grid: `cmap` must be a matplotlib colour map or its name ('gray', 'viridis', ...), "
     "got str 'gary'"),
    (lambda: plot.training_curves({"train": []}),
     "plot.training_curves: `history['train']` must have at least 1 entry, got shape (0,)"),
    (lambda: plot.training_curves({"train": [1.0, 0.0]}, log=True),
     "plot.training_curves: `history['train']` must be positive numbers when log=True, got minimum 0"),
    (lambda: plot.training_curves({"train": [1.0]}, xlabel=None),
     "plot.training_curves: `xlabel` must be a string, got None"),
    (lambda: plot.decision_boundary(lambda P: P[:, 0], [[0, 0], [1, 1]], [0, 0.5]),
     "plot.decision_boundary: `y` must be integer class labels 0, 1, ..., K-1, got the label 0.5"),
    (lambda: plot.decision_boundary(lambda P: P[:, 0], [[0, 0], [1, 1]], [0, -1]),
     "plot.decision_boundary: `y` must be integer class labels 0, 1, ..., K-1, got the label -1"),
    # an (M, 2) output used to fail with "cannot reshape array of size 80000 into shape (200,200)"
    (lambda: plot.decision_boundary(lambda P: P[:5], [[0, 0], [1, 1]], [0, 1], resolution=10),
     "plot.decision_boundary: `predict` must be a function returning, for an (M, 2) array, shape "
     "(M,) (probability of class 1) or (M, K) (one column per class, K >= 2), got an array of "
     "shape (5, 2) for M = 100"),
    (lambda: plot.decision_boundary(lambda P: P[:, :2], [[0, 0], [1, 1]], [0, 2], resolution=10),
     "plot.decision_boundary: `predict` must be a function returning, for an (M, 2) array, shape "
     "(M,) (probability of class 1, or integer labels) or (M, K) (one column per class, K >= 3), "
     "got an array of shape (100, 2) for M = 100"),
    (lambda: plot.decision_boundary(lambda P: P[:, 0] * 5, [[0, 0], [1, 1]], [0, 1], resolution=10),
     "plot.decision_boundary: `predict` must be a function returning probabilities in [0, 1] (for "
     "two classes: the probability of class 1), got values from -2.5 to 7.5"),
    (lambda: plot.decision_boundary(lambda P: P[:, 0], [[0, 0], [1, 1]], [0, 1], margin=-1),
     "plot.decision_boundary: `margin` must be a number >= 0.0, got int -1"),
    (lambda: plot.decision_boundary("model", [[0, 0]], [0]),
     "plot.decision_boundary: `predict` must be a function of an (M, 2) array of points, got str"),
    (lambda: plot.image_grid(np.zeros((0, 3, 3))),
     "plot.image_grid: `images` must have at least 1 entry along its first axis, got shape (0, 3, 3)"),
    (lambda: plot.image_grid(np.zeros((2, 3, 3)), cols=0),
     "plot.image_grid: `cols` must be an int >= 1, got int 0"),
    (lambda: plot.image_grid(np.zeros((2, 3, 3)), size=0),
     "plot.image_grid: `size` must be a number > 0.0, got int 0"),
    (lambda: plot.image_grid(np.zeros((2, 3, 3)), titles="ab"),
     "plot.image_grid: `titles` must be a list of 2 strings or None, got str 'ab'"),
])
def test_every_argument_is_checked_with_a_message(call, message):
    with pytest.raises((TypeError, ValueError)) as exc:
        call()
    assert str(exc.value).startswith(message), str(exc.value)


def test_colours_and_colour_maps_in_any_form_matplotlib_takes():
    import matplotlib

    ax = plot.trajectory([[0, 0], [1, 1]], color=(0.1, 0.2, 0.3), label="path")
    assert ax.get_lines()[0].get_label() == "path"
    plot.image_grid(np.zeros((2, 3, 3)), cmap=matplotlib.colormaps["magma"])


def test_an_error_inside_the_callback_says_where_it_was_raised():
    def loss(phi):
        raise KeyError("w")

    with pytest.raises(KeyError) as exc:
        plot.loss_surface(loss, (0, 1), (0, 1), resolution=3)
    assert "plot.loss_surface: raised while calling `loss` at phi = [0, 0]" in exc.value.__notes__


# --------------------------------------------------------------------------- show and colour


def _two_lines(**second):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="train")
    ax.plot([0, 1], [1, 0], label="test", **second)
    ax.legend()
    ax.set_title("loss")
    return fig


def test_colour_only_finds_entries_told_apart_by_colour_alone():
    assert plot.colour_only(_two_lines()) == ["loss: train, test"]
    assert plot.colour_only(_two_lines(linestyle="--")) == []     # a dash tells them apart
    assert plot.colour_only(_two_lines(marker="o")) == []
    fig, ax = plt.subplots()
    ax.scatter([0], [0], label="class 0")
    ax.scatter([1], [1], label="class 1")
    ax.legend()
    assert plot.colour_only(fig) == ["a panel: class 0, class 1"]
    ax.cla()
    ax.scatter([0], [0], marker="o", label="class 0")
    ax.scatter([1], [1], marker="s", label="class 1")
    ax.legend()
    assert plot.colour_only(fig) == []


def test_show_gives_the_figure_its_text_alternative():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    alt = 'Two lines, "train" & "test", cross at the centre'
    with capture_output() as shown:
        plot.show(alt, _two_lines(linestyle="--"))
    (out,) = shown.outputs
    assert out.metadata == {"image/png": {"alt": alt}}
    assert out.data["image/png"] and out.data["text/plain"] == f"[figure: {alt}]"
    html = out.data["text/html"]
    assert 'alt="Two lines, &quot;train&quot; &amp; &quot;test&quot;, cross at the centre"' in html
    assert out.data["image/png"] in html                     # the same pixels in both
    assert not plt.get_fignums()                              # closed: shown once, not twice
    with capture_output() as shown:
        plot.show("Two lines cross at the centre of the panel", _two_lines())
    assert shown.outputs[0].metadata["nnlib_colour_only"] == ["loss: train, test"]


def test_show_rejects_a_missing_or_empty_description():
    with pytest.raises(ValueError, match=r"`alt` must be a sentence of at least 6 words"):
        plot.show("a plot")
    with pytest.raises(ValueError, match="`alt` must be"):
        plot.show(None)
    with pytest.raises(ValueError, match="`fig` must be a matplotlib Figure"):
        plot.show("what the figure shows in six words", fig="figure")


def test_training_curves_tell_curves_apart_without_colour():
    history = {name: np.linspace(1, 0.1, 30) + k for k, name in enumerate("abcde")}
    ax = plot.training_curves(history)
    assert plot.colour_only(ax.figure) == []
    styles = {(line.get_linestyle(), line.get_marker()) for line in ax.get_lines()}
    assert len(styles) == 5
