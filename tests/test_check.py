"""nnlib.check: what passes, what fails, and what the student reads when it fails."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib import check
from nnlib.check import CheckFailed

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=finite))
def test_close_accepts_values_within_tolerance(x):
    check.close(x * (1 + 1e-9), x, "x")          # relative wobble far below rtol=1e-6
    check.close(torch.tensor(x), x, "tensor x")  # torch tensors are accepted as they are
    check.close(x.tolist(), x, "list x")


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=finite), st.data())
def test_close_rejects_one_changed_entry_and_reports_it(x, data):
    i = data.draw(st.integers(0, len(x) - 1))
    y = x.copy()
    y[i] += 1e-3 * (1 + abs(x[i]))               # well outside the tolerance
    with pytest.raises(CheckFailed) as exc:
        check.close(y, x, "grad")
    msg = str(exc.value)
    assert msg.startswith("grad: wrong value")
    if len(x) > 1:
        assert f"index ({i},)" in msg and "1 of" in msg


def test_close_agrees_with_numpy_isclose_rule():
    rng = np.random.default_rng(0)
    for _ in range(200):
        e = rng.normal(size=5) * 10.0 ** rng.integers(-6, 6)
        a = e + rng.normal(size=5) * 10.0 ** rng.integers(-12, 0)
        expected_ok = bool(np.isclose(a, e, rtol=1e-6, atol=1e-8).all())
        try:
            check.close(a, e, rtol=1e-6, atol=1e-8)
            ok = True
        except CheckFailed:
            ok = False
        assert ok == expected_ok


def test_close_names_a_known_mistake():
    with pytest.raises(CheckFailed) as exc:
        check.close([-2.0, -3.0], [2.0, 3.0], "gradient",
                    mistakes={"the gradient with its sign flipped": [-2.0, -3.0],
                              "half the gradient": [1.0, 1.5]})
    assert "hint: your answer matches the gradient with its sign flipped." in str(exc.value)
    assert "half the gradient" not in str(exc.value)


def test_mistakes_may_be_callables_and_are_only_evaluated_on_failure():
    calls = []
    check.close(1.0, 1.0, mistakes={"never": lambda: calls.append(1)})
    assert calls == []
    with pytest.raises(CheckFailed, match="squared"):
        check.close(4.0, 2.0, mistakes={"the value squared": lambda: 4.0})


def test_close_shape_mismatch_explains():
    with pytest.raises(CheckFailed) as exc:
        check.close(np.zeros((3, 2)), np.zeros((2, 3)), "W")
    msg = str(exc.value)
    assert "W: wrong shape" in msg and "expected shape (2, 3), got (3, 2)" in msg
    assert "same number of entries" in msg


def test_close_reports_nan_with_a_hint():
    with pytest.raises(CheckFailed) as exc:
        check.close([1.0, np.nan], [1.0, 2.0], "loss")
    assert "not finite" in str(exc.value) and "log of a non-positive" in str(exc.value)


def test_none_means_a_missing_return():
    with pytest.raises(CheckFailed, match="return"):
        check.close(None, 1.0, "f(x)")


def test_scalar_rejects_arrays_and_hints_at_the_sum():
    assert check.scalar(np.float32(2.5), "loss") == 2.5
    assert check.scalar(torch.tensor(1.5), "loss") == 1.5
    with pytest.raises(CheckFailed, match="did you forget to sum"):
        check.scalar(np.ones(3), "loss")


def test_shape_hints():
    check.shape(np.zeros((2, 3)), (2, 3), "x")
    with pytest.raises(CheckFailed, match="transposed"):
        check.shape(np.zeros((3, 2)), (2, 3), "x")
    with pytest.raises(CheckFailed, match="extra axis"):
        check.shape(np.zeros((3, 1)), (3,), "x")
    with pytest.raises(CheckFailed, match="single number"):
        check.shape(np.float64(1.0), (3,), "x")


def test_array_rejects_strings_and_ragged_lists():
    with pytest.raises(CheckFailed, match="expected real numbers"):
        check.array(np.array(["a"]), "x")
    with pytest.raises(CheckFailed, match="expected numbers"):
        check.array([[1, 2], [3]], "x")


def test_equal_on_ints_strings_and_arrays():
    check.equal(3, 3)
    check.equal("relu", "relu")
    check.equal(np.arange(4), [0, 1, 2, 3])
    with pytest.raises(CheckFailed, match="first at index \\(2,\\)"):
        check.equal(np.array([0, 1, 5, 3]), [0, 1, 2, 3], "order")
    with pytest.raises(CheckFailed, match="off by one"):
        check.equal(4, 5, "n", mistakes={"the count off by one": 4})
    with pytest.raises(CheckFailed, match="expected 'relu'"):
        check.equal("tanh", "relu")


def test_that_and_raises():
    check.that(True, "never shown")
    with pytest.raises(CheckFailed, match="must be positive"):
        check.that(False, "alpha must be positive", name="alpha")
    exc = check.raises(ValueError, int, "x")
    assert isinstance(exc, ValueError)
    with pytest.raises(CheckFailed, match="should have raised ValueError"):
        check.raises(ValueError, int, "3")
    with pytest.raises(CheckFailed, match="expected ValueError, got TypeError"):
        check.raises(ValueError, int, None)
    with pytest.raises(NotImplementedError):   # an unanswered exercise is not "the wrong error"
        check.raises(ValueError, lambda: (_ for _ in ()).throw(NotImplementedError()))


def test_check_does_not_use_numpy_allclose(monkeypatch):
    """A notebook that patches numpy's comparison helpers cannot make checks pass."""
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(np, "isclose", lambda a, b, **k: np.ones(np.shape(a), bool))
    with pytest.raises(CheckFailed):
        check.close(1.0, 2.0)


def test_passed_prints_a_tick(capsys):
    check.passed("loss", "L = 1.5")
    assert capsys.readouterr().out == "\u2713 loss: visible checks passed (L = 1.5)\n"
