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


# --- messages: plain numbers, enough digits, the difference --------------------------------

def test_messages_print_plain_numbers_never_numpy_reprs():
    cases = [
        lambda: check.equal(np.array([1, 2, 19]), [1, 2, 20], "counts"),
        lambda: check.equal(np.float64(1.0), "relu", "activation"),
        lambda: check.equal(np.array(["a", "b"]), ["a", "c"], "names"),
        lambda: check.close([1.0, np.nan], [1.0, 2.0], "loss"),
        lambda: check.close(np.float32(1.5), 2.0, "x"),
        lambda: check.array([np.float64(1.0), "a"], "x"),
    ]
    for case in cases:
        with pytest.raises(CheckFailed) as exc:
            case()
        assert "np." not in str(exc.value) and "float64(" not in str(exc.value), str(exc.value)
    with pytest.raises(CheckFailed) as exc:
        check.equal(np.array([1, 2, 19]), [1, 2, 20], "counts")
    assert "first at index (2,): expected 20, got 19" in str(exc.value)


def test_more_digits_when_the_default_ones_print_the_same():
    with pytest.raises(CheckFailed) as exc:
        check.close([1.0, 2.0000001, 3.0], [1.0, 2.0, 3.0], "x", rtol=1e-9)
    msg = str(exc.value)
    assert "expected 2, got 2.0000001" in msg                 # was "expected 2, got 2"
    assert "got      [1. , 2.0000001, 3. ]" in msg            # was "got [1., 2., 3.]"
    assert "difference there: absolute 1e-07, relative 5e-08" in msg
    with pytest.raises(CheckFailed) as exc:
        check.close([1.0, np.nextafter(1.0, 2.0)], [1.0, 1.0], "x", rtol=0, atol=0)
    assert "expected 1, got 1.0000000000000002" in str(exc.value)   # up to 17 digits
    with pytest.raises(CheckFailed) as exc:
        check.close(2.25, 3.0, "mean")
    assert "expected 3.0\n  got      2.25\n  difference: absolute 0.75, relative 0.25" in str(exc.value)
    with pytest.raises(CheckFailed) as exc:
        check.close(1.0, 0.0, "x")
    assert "difference: absolute 1, relative: undefined, the expected value is 0" in str(exc.value)


def test_float32_answer_is_named_when_the_difference_is_float32_rounding():
    expected = np.array([0.1, 0.2, 0.3]) / 7
    with pytest.raises(CheckFailed) as exc:
        check.close(expected.astype(np.float32), expected, "p", rtol=1e-9, atol=0)
    assert "hint: your answer is float32: it differs from the expected float64 value only at " \
           "float32 precision" in str(exc.value) and "compute in float64" in str(exc.value)
    with pytest.raises(CheckFailed) as exc:                    # torch tensors too
        check.close(torch.tensor(expected, dtype=torch.float32), expected, "p", rtol=1e-9, atol=0)
    assert "your answer is float32" in str(exc.value)
    with pytest.raises(CheckFailed) as exc:                    # a real mistake is not blamed on it
        check.close((2 * expected).astype(np.float32), expected, "p")
    assert "float32" not in str(exc.value) and "twice the expected value" in str(exc.value)


# --- generic diagnoses ------------------------------------------------------------------------

E = np.array([[1.0, 2.5, -3.0], [4.0, 0.5, 7.0]])
SQUARE = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 10.0]])


@pytest.mark.parametrize("actual, expected, kw, text", [
    (-E, E, {}, "with its sign flipped (times -1)"),
    (2 * E, E, {}, "twice the expected value"),
    (E / 2, E, {}, "half the expected value"),
    (3 * E, E, {}, "3 times the expected value (3 is the length of axis 1): a sum where a mean"),
    (E / 3, E, {}, "the expected value divided by 3 (3 is the length of axis 1)"),
    (5.0 * 7, 5.0, {"n": 7}, "7 times the expected value (7 is n = 7)"),
    (5.0 / 7, 5.0, {"n": 7}, "the expected value divided by 7 (7 is n = 7)"),
    (E.T, E, {}, "the transpose of the expected value (rows and columns swapped)"),
    (SQUARE.T, SQUARE, {}, "the transpose of the expected value"),
    (np.arange(24.0).reshape(2, 3, 4).swapaxes(0, 2), np.arange(24.0).reshape(2, 3, 4), {},
     "with axes 0 and 2 swapped"),
    (np.array([3.0, 1.0, 4.0, 1.5, 9.0])[[4, 0, 1, 2, 3]], [3.0, 1.0, 4.0, 1.5, 9.0], {},
     "shifted by one position (np.roll by +1: entry i holds the expected entry i-1)"),
    (np.array([3.0, 1.0, 4.0, 1.5, 9.0])[[1, 2, 3, 4, 0]], [3.0, 1.0, 4.0, 1.5, 9.0], {},
     "shifted by one position (np.roll by -1: entry i holds the expected entry i+1)"),
    (np.roll(E, 1, axis=0), E, {}, "shifted by one position along axis 0"),
    (np.array([3.0, 1.0, 4.0, 1.5, 9.0])[[2, 0, 4, 1, 3]], [3.0, 1.0, 4.0, 1.5, 9.0], {},
     "the expected numbers, but in a different order"),
    (np.float64(np.float32(0.1)), 0.1, {"rtol": 1e-12, "atol": 0.0},
     "the expected value rounded to float32"),
])
def test_unanticipated_mistakes_get_a_generic_diagnosis(actual, expected, kw, text):
    with pytest.raises(CheckFailed) as exc:
        check.close(actual, expected, "f(x)", **kw)
    msg = str(exc.value)
    assert text in msg, msg
    assert msg.count("hint:") - ("same number of entries" in msg) == 1    # one diagnosis only


def test_equal_gets_the_generic_diagnoses_too():
    with pytest.raises(CheckFailed, match="the expected numbers, but in a different order"):
        check.equal([3, 1, 4, 2], [1, 2, 3, 4], "order")
    with pytest.raises(CheckFailed, match="shifted by one position"):
        check.equal(["b", "c", "d", "a"], ["a", "b", "c", "d"], "names")
    with pytest.raises(CheckFailed, match="4 times the expected value \\(4 is n = 4\\)"):
        check.equal(20, 5, "count", n=4)


@pytest.mark.parametrize("actual, expected", [
    ([-1.0, 1.0], [1.0, -1.0]),          # sign flip and swapped order both fit: ambiguous
    ([0.0, 0.0], [1.0, 2.0]),            # nothing fits
    ([1.0, 2.0, 3.5], [1.0, 2.0, 3.0]),  # one entry off
    (np.zeros(3), [0.0, 0.0, 1e-3]),     # every factor of zero is zero: not "times 2"
])
def test_no_generic_diagnosis_when_none_or_several_fit(actual, expected):
    with pytest.raises(CheckFailed) as exc:
        check.close(actual, expected, "f(x)")
    assert "hint:" not in str(exc.value)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(2, 12), elements=st.floats(-10, 10)), st.data())
def test_a_random_wrong_answer_gets_no_diagnosis(x, data):
    y = x + data.draw(arrays(np.float64, x.shape, elements=st.floats(-1, 1)))
    y[0] = x[0] + 0.5                    # surely wrong somewhere
    try:
        check.close(y, x, "f(x)")
    except CheckFailed as exc:
        msg = str(exc)
        for line in msg.splitlines():
            if "hint:" in line:          # a hint may only say what is exactly true
                if "twice" in line:
                    np.testing.assert_allclose(y, 2 * x, rtol=1e-6, atol=1e-9)
                elif "sign flipped" in line:
                    np.testing.assert_allclose(y, -x, rtol=1e-6, atol=1e-9)
                elif "different order" in line:
                    np.testing.assert_allclose(np.sort(y), np.sort(x), rtol=1e-6, atol=1e-9)
                else:
                    raise AssertionError(msg)


def test_named_mistakes_come_before_generic_ones():
    with pytest.raises(CheckFailed) as exc:
        check.close([-2.0, -3.0], [2.0, 3.0], "grad", mistakes={"the ascent direction": [-2.0, -3.0]})
    msg = str(exc.value)
    assert "hint: your answer matches the ascent direction." in msg and "sign flipped" not in msg


def test_several_matching_named_mistakes_name_none():
    """Two mistakes that coincide on this input: naming either could be wrong (the old code
    named the first one)."""
    with pytest.raises(CheckFailed) as exc:
        check.close(4.0, 2.0, "f(2)", mistakes={"x squared": 4.0, "twice x": 4.0, "x cubed": 8.0})
    msg = str(exc.value)
    assert "x squared" not in msg and "twice x" not in msg and "matches several known mistakes" in msg
    with pytest.raises(CheckFailed) as exc:
        check.equal("tanh", "relu", "act", mistakes={"the hidden activation": "tanh", "B": "tanh"})
    assert "hidden activation" not in str(exc.value)
    with pytest.raises(CheckFailed, match="hint: your answer matches x cubed."):
        check.close(8.0, 2.0, "f(2)", mistakes={"x squared": 4.0, "twice x": 4.0, "x cubed": 8.0})


def test_a_mistake_that_cannot_be_evaluated_is_skipped():
    with pytest.raises(CheckFailed, match="matches half of it"):
        check.close(1.0, 2.0, mistakes={"broken": lambda: 1 / 0, "half of it": 1.0})


def test_equal_cannot_be_fooled_by_a_custom_eq():
    class Anything:
        def __eq__(self, other):
            return True

        def __ne__(self, other):
            return False

    with pytest.raises(CheckFailed):
        check.equal(Anything(), "relu", "act")
    with pytest.raises(CheckFailed):
        check.equal(Anything(), None, "result")
    check.equal(np.str_("relu"), "relu")
    check.equal(np.True_, True)
    check.equal(np.array(True), True)
    check.equal(1, True)                  # as Python itself says 1 == True
