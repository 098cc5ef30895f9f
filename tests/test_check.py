"""nnlib.check: what passes, what fails, and what the student reads when it fails."""
import re

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
                elif "half the expected" in line:
                    np.testing.assert_allclose(y, x / 2, rtol=1e-6, atol=1e-9)
                elif m := re.search(r"is (\d+) times the expected", line):
                    np.testing.assert_allclose(y, int(m.group(1)) * x, rtol=1e-6, atol=1e-9)
                elif m := re.search(r"expected value divided by (\d+)", line):
                    np.testing.assert_allclose(y, x / int(m.group(1)), rtol=1e-6, atol=1e-9)
                elif "different order" in line:
                    np.testing.assert_allclose(np.sort(y), np.sort(x), rtol=1e-6, atol=1e-9)
                elif "shifted by one position" in line:
                    step = 1 if "np.roll by +1" in line else -1
                    np.testing.assert_allclose(y, np.roll(x, step), rtol=1e-6, atol=1e-9)
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


def test_a_named_mistake_ends_with_its_stable_id():
    """The class report counts mistakes by the id on the message's last line: the label as a
    slug, the same for every check and input that names it, after every other line."""
    with pytest.raises(CheckFailed) as exc:
        check.close(np.zeros(3), [1.0, 2.0, 3.0], "m_hat", hint="see the lecture.",
                    mistakes={"Adam without bias correction": np.zeros(3)})
    lines = str(exc.value).splitlines()
    assert lines[-1] == "  [mistake: adam-without-bias-correction]"
    assert "  hint: your answer matches Adam without bias correction." in lines
    assert "  hint: see the lecture." in lines[:-1]
    with pytest.raises(CheckFailed) as exc:                      # equal, on strings and arrays
        check.equal("tanh", "relu", "act", mistakes={"The hidden layer's activation (tanh)!": "tanh"})
    assert str(exc.value).splitlines()[-1] == "  [mistake: the-hidden-layer-s-activation-tanh]"
    with pytest.raises(CheckFailed) as exc:
        check.equal([3, 4], [4, 5], "counts", mistakes={"a count off by one": [3, 4]})
    assert str(exc.value).endswith("[mistake: a-count-off-by-one]")
    with pytest.raises(CheckFailed) as exc:                      # also when not finite
        check.close([np.inf], [1.0], "p", mistakes={"exp overflowing": [np.inf]})
    assert str(exc.value).endswith("[mistake: exp-overflowing]")


def test_no_id_without_exactly_one_named_mistake():
    for actual, mistakes in ((4.0, {"x squared": 4.0, "twice x": 4.0}), (5.0, {"x squared": 4.0}),
                             (4.0, None)):
        with pytest.raises(CheckFailed) as exc:
            check.close(actual, 2.0, "f(2)", mistakes=mistakes)
        assert "[mistake:" not in str(exc.value)


@pytest.mark.parametrize("label, expected", [
    ("Adam without bias correction", "adam-without-bias-correction"),
    ("the gradient with its sign flipped (y - f instead of f - y)",
     "the-gradient-with-its-sign-flipped-y-f-instead-of-f-y"),
    ("  *ascent*: +alpha  ", "ascent-alpha"),
    ("x" * 70, "x" * 64),
    ("a trajectory whose rows all share one array updated in place (use phi = phi - ...)",
     "a-trajectory-whose-rows-all-share-one-array-updated-in-place-use"),
    ("???", "unnamed"),
])
def test_mistake_id_is_a_short_slug(label, expected):
    assert check.mistake_id(label) == expected
    assert len(expected) <= 64


def test_mistake_id_rejects_a_non_string():
    with pytest.raises(TypeError, match="check.mistake_id: `label` must be a string"):
        check.mistake_id(3)


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


# --- contracts beyond the value ---------------------------------------------------------------

def test_unchanged_catches_an_input_modified_in_place():
    x = np.array([1.0, -2.0, 3.0])
    before = x.copy()
    check.unchanged(before, x, "x")
    x[1] = 0.0                                          # what relu(x) with x[x < 0] = 0 does
    with pytest.raises(CheckFailed) as exc:
        check.unchanged(before, x, "x")
    msg = str(exc.value)
    assert msg.startswith("x: modified in place")
    assert "your function changed its input `x` in place" in msg
    assert "1 of 3 entries changed; first at index (1,): was -2.0, now 0.0" in msg
    assert "work on a copy (x = x.copy()" in msg
    check.unchanged([np.nan, 1.0], np.array([np.nan, 1.0]), "x")       # nan stays nan
    t = torch.ones(2)
    t_before = t.clone()
    t.mul_(2)
    with pytest.raises(CheckFailed, match="modified in place"):
        check.unchanged(t_before, t, "t")


def test_not_alias_catches_views_and_the_input_itself():
    x = np.arange(6.0)
    check.not_alias(x * 2, x, name="double(x)")
    check.not_alias(x.copy(), x, name="f(x)")
    for result in (x, x[1:], x.reshape(2, 3).T):
        with pytest.raises(CheckFailed) as exc:
            check.not_alias(result, x, name="f(x)", labels=["x"])
        assert str(exc.value).startswith("f(x): shares memory with x")
        assert "expected a new array" in str(exc.value) and ".copy()" in str(exc.value)
    with pytest.raises(CheckFailed, match="shares memory with input 2"):
        check.not_alias(x[:2], np.zeros(2), x, name="f")
    t = torch.arange(4.0)
    with pytest.raises(CheckFailed, match="shares memory"):
        check.not_alias(t.view(2, 2), t, name="g")
    with pytest.raises(CheckFailed, match="shares memory"):
        check.not_alias(torch.from_numpy(x), x, name="h")
    check.not_alias(t.clone(), t, name="g")
    lst = [1.0, 2.0]
    with pytest.raises(CheckFailed, match="is the input object itself"):
        check.not_alias(lst, lst, name="k")
    check.not_alias(3.0, 3.0, name="k")                  # numbers are never shared state


def test_dtype_names_expected_and_got():
    check.dtype(np.zeros(2), np.float64, "x")
    check.dtype(np.zeros(2, np.float32), "float32", "x")
    check.dtype(torch.zeros(2, dtype=torch.float64), torch.float64, "t")
    check.dtype(torch.zeros(2, dtype=torch.float64), np.float64, "t")
    check.dtype(1.5, np.float64, "x")
    with pytest.raises(CheckFailed) as exc:
        check.dtype(np.zeros(2, np.float32), np.float64, "probs")
    msg = str(exc.value)
    assert msg.startswith("probs: wrong dtype\n  expected dtype float64, got float32")
    assert ".astype(np.float64)" in msg
    with pytest.raises(CheckFailed, match="expected dtype float64, got int64\n  hint: your result holds integers"):
        check.dtype(np.arange(3), np.float64, "x")
    with pytest.raises(CheckFailed, match="expected dtype int64, got float64\n  hint: your result holds floats"):
        check.dtype(np.zeros(3), "int64", "counts")


def test_detached_catches_a_tensor_with_a_graph():
    w = torch.ones(2, requires_grad=True)
    check.detached((w * 2).detach(), "out")
    check.detached(np.ones(2), "out")                    # not a tensor: nothing attached
    with pytest.raises(CheckFailed) as exc:
        check.detached(w * 2, "predict(x)")
    msg = str(exc.value)
    assert msg.startswith("predict(x): still attached to the autograd graph")
    assert "got a tensor with requires_grad=True, grad_fn=MulBackward0" in msg
    assert "tensor.detach()" in msg and "torch.no_grad()" in msg
    with pytest.raises(CheckFailed, match="attached to the autograd graph \\(entry 'loss'\\)"):
        check.detached({"acc": torch.tensor(0.5), "loss": (w ** 2).sum()}, "metrics")
    with pytest.raises(CheckFailed, match="requires_grad=True"):
        check.detached(w, "w")


def test_is_array_names_a_list_where_an_array_is_promised():
    assert check.is_array(np.zeros(2), "x").shape == (2,)
    with pytest.raises(CheckFailed) as exc:
        check.is_array([1.0, np.float64(2.0)], "features(x)")
    msg = str(exc.value)
    assert msg.startswith("features(x): expected a numpy array, got list")
    assert "value: [1.0, 2.0]" in msg and "np.array(...)" in msg
    with pytest.raises(CheckFailed, match="(?s)got Tensor.*detach\\(\\).cpu\\(\\).numpy\\(\\)"):
        check.is_array(torch.zeros(2), "x")
    with pytest.raises(CheckFailed, match="(?s)got float64.*numpy scalar is not an array"):
        check.is_array(np.float64(1.0), "x")
    with pytest.raises(CheckFailed, match="got None"):
        check.is_array(None, "x")


# --- the test cell's own arguments --------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: check.close(1.0, 1.0, rtol=-1), "check.close: `rtol` must be a number >= 0.0, got int -1"),
    (lambda: check.close(1.0, 1.0, atol="0"), "check.close: `atol` must be a number >= 0.0, got str '0'"),
    (lambda: check.close(1.0, 1.0, 3), "check.close: `name` must be a string, got int 3"),
    (lambda: check.close(1.0, 1.0, mistakes=[2.0]),
     "check.close: `mistakes` must be a dict {description: wrong value or function} or None, got list [2.0]"),
    (lambda: check.close(1.0, 1.0, hint=1), "check.close: `hint` must be a string or None, got int 1"),
    (lambda: check.close(1.0, 1.0, n=0), "check.close: `n` must be an int >= 1, got int 0"),
    (lambda: check.equal(1, 1, n=2.5), "check.equal: `n` must be an int >= 1, got float 2.5"),
    # shape(x, 3) used to fail with "'int' object is not iterable"
    (lambda: check.shape(np.zeros(3), 3, "x"),
     "check.shape: `expected` must be a shape: a tuple of non-negative ints such as (3,) or (2, 4), got int 3"),
    (lambda: check.array(np.zeros(3), "x", shape=(3.0,)),
     "check.array: `shape` must be a shape: a tuple of non-negative ints such as (3,) or (2, 4), got tuple (3.0,)"),
    # that(array, ...) used to fail with numpy's "truth value of an array ... is ambiguous"
    (lambda: check.that(np.array([True, False]), "all positive"),
     "check.that: `condition` must be a single True or False (use .all() or .any() for an array), "
     "got an array of shape (2,) (bool)"),
    (lambda: check.that(True, None), "check.that: `message` must be a string, got None"),
    (lambda: check.raises("ValueError", int, "x"),
     "check.raises: `exception` must be an exception class such as ValueError (or a tuple of them), "
     "got str 'ValueError'"),
    (lambda: check.raises(ValueError, None), "check.raises: `fn` must be a function to call, got None"),
    (lambda: check.passed(None), "check.passed: `name` must be a string, got None"),
    (lambda: check.dtype(np.zeros(2), "floaty", "x"),
     "check.dtype: `expected_dtype` must be a dtype such as np.float64, 'float32' or torch.float64, got str 'floaty'"),
    (lambda: check.not_alias(np.zeros(2), name="f"),
     "check.not_alias: `inputs` must be at least one input to compare with, got none"),
    (lambda: check.not_alias(np.zeros(2), np.zeros(2), labels=["a", "b"]),
     "check.not_alias: `labels` must be 1 strings, one per input, got list ['a', 'b']"),
])
def test_bad_arguments_of_a_check_name_the_argument(call, message):
    with pytest.raises((TypeError, ValueError)) as exc:
        call()
    assert not isinstance(exc.value, CheckFailed)        # the test cell is wrong, not the answer
    assert str(exc.value) == message


def test_raises_accepts_a_tuple_of_exceptions():
    assert isinstance(check.raises((KeyError, ValueError), int, "x"), ValueError)
    with pytest.raises(CheckFailed, match="should have raised KeyError or ValueError"):
        check.raises((KeyError, ValueError), int, "3")


# --- numpy and builtins are bound at import ----------------------------------------------------

def _code_objects(module):
    import types

    stack = [f.__code__ for f in vars(module).values()
             if isinstance(f, types.FunctionType) and f.__module__ == module.__name__]
    while stack:
        code = stack.pop()
        yield code
        stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))


def test_no_check_looks_numpy_up_at_call_time():
    """Every numpy function or type a check uses was bound at import: no function of
    nnlib.check (nor a nested one) reads the global `np` when it runs."""
    offenders = sorted({code.co_qualname for code in _code_objects(check) if "np" in code.co_names})
    assert offenders == [], f"these read np.<name> at call time: {offenders}"


_X = np.arange(4.0)
_F32 = np.float32(0.1)
_Z2, _O2, _Z32, _Z3, _Z32x2, _Z23 = (np.zeros(2), np.ones(2), np.zeros(2, np.float32), np.zeros(3),
                                     np.zeros((3, 2)), np.zeros((2, 3)))
_NAN = [1.0, float("nan")]
CASES = [        # inputs made before numpy is patched: only the checks run while it is
    lambda: check.equal([1, 2, 3], [9, 9, 9], "e"),
    lambda: check.equal([1, 2, 3], [1, 2, 3], "e"),
    lambda: check.equal("tanh", "relu", "s"),
    lambda: check.close(1.0, 2.0, "c"),
    lambda: check.close([1.0, 2.0, 3.0], [1.0, 2.0, 3.0000001], "c"),
    lambda: check.close([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], "c"),
    lambda: check.close(_NAN, [1.0, 2.0], "c"),
    lambda: check.close([2.0, 4.0, 6.0], [1.0, 2.0, 3.0], "c", mistakes={"double": [2.0, 4.0, 6.0]}),
    lambda: check.close([4.0, 1.0, 3.0, 2.0], [1.0, 2.0, 3.0, 4.0], "c"),
    lambda: check.close([2.0, 4.0, 6.0], [1.0, 2.0, 3.0], "c"),
    lambda: check.close(_F32, 0.1, "c", rtol=1e-12, atol=0),
    lambda: check.close(_Z32x2, _Z23, "c"),
    lambda: check.shape(_Z3, (3,), "s"),
    lambda: check.shape(_Z3, (4,), "s"),
    lambda: check.scalar([1.0, 2.0], "s"),
    lambda: check.array(["a"], "a"),
    lambda: check.that(False, "never", name="t"),
    lambda: check.unchanged(_Z2, _O2, "x"),
    lambda: check.not_alias(_X[1:], _X, name="v"),
    lambda: check.not_alias(_X + 1, _X, name="v"),
    lambda: check.dtype(_Z32, "float64", "d"),
    lambda: check.is_array([1.0], "i"),
]


def _verdicts():
    out = []
    for case in CASES:
        try:
            case()
            out.append("passed")
        except CheckFailed as exc:
            out.append(str(exc))
    return out


SABOTAGED_NUMPY = ["all", "any", "where", "argwhere", "isclose", "allclose", "array_equal", "abs",
                   "absolute", "subtract", "equal", "isnan", "isfinite", "sum", "asarray", "array",
                   "sort", "roll", "swapaxes", "transpose", "argmax", "unravel_index", "finfo",
                   "errstate", "array2string", "printoptions", "shares_memory", "may_share_memory",
                   "float64", "float32", "complex128", "ndarray", "generic", "bool_", "integer",
                   "floating", "dtype", "exceptions", "maximum", "zeros"]
# numpy's own array printer looks these numpy names (and builtins such as max) up when it runs:
# with them patched, arrays in a message may print differently or by check's plain fallback
# (the verdict and every other line stay the same)
PRINTER = {"isnan", "isfinite", "finfo", "maximum", "array", "dtype", "ndarray"}
SABOTAGED_BUILTINS = ["abs", "all", "any", "min", "max", "sorted", "round", "sum"]


def _patched(names, builtin_names):
    import builtins

    def liar(*args, **kwargs):
        return True

    saved_np = {n: getattr(np, n) for n in names}
    saved_b = {n: getattr(builtins, n) for n in builtin_names}
    try:
        for n in names:
            setattr(np, n, liar)
        for n in builtin_names:
            setattr(builtins, n, liar)
        return _verdicts()
    finally:
        for n, v in saved_np.items():
            setattr(np, n, v)
        for n, v in saved_b.items():
            setattr(builtins, n, v)


def _without_arrays(message):
    return [line for line in message.splitlines()
            if not line.lstrip().startswith(("expected [", "got      [", "value:", "before the call",
                                             "after the call"))]


def test_patching_numpy_or_builtins_changes_no_verdict_and_no_message():
    """After `np.all = lambda *a, **k: True` in a notebook, check.equal([1, 2, 3], [9, 9, 9])
    passed. Now every numpy name that nnlib.check uses (and the usual suspects) is replaced
    by a function that always says True: every verdict and message stays the same."""
    import re

    used = set(re.findall(r"\bnp\.([A-Za-z_]\w*)", open(check.__file__).read()))
    names = sorted((used | set(SABOTAGED_NUMPY)) & set(dir(np)))
    assert {"asarray", "abs", "isfinite", "argwhere", "where", "all"} <= set(names)
    before = _verdicts()
    assert before[0] != "passed" and before[1] == "passed" and before[5] == "passed"
    assert _patched(sorted(set(names) - PRINTER), []) == before
    after = _patched(names, SABOTAGED_BUILTINS)
    assert [a == "passed" for a in after] == [b == "passed" for b in before]
    assert [_without_arrays(a) for a in after] == [_without_arrays(b) for b in before]
    for name in names:                                   # one at a time, as a notebook would
        after = _patched([name], [])
        assert [_without_arrays(a) for a in after] == [_without_arrays(b) for b in before], name


def test_np_all_patched_in_a_notebook_does_not_make_equal_pass(monkeypatch):
    monkeypatch.setattr(np, "all", lambda *a, **k: True)
    monkeypatch.setattr(np, "argwhere", lambda *a, **k: np.zeros((1, 1), int))
    with pytest.raises(CheckFailed, match="3 of 3 entries differ; first at index \\(0,\\)"):
        check.equal([1, 2, 3], [9, 9, 9])


# --- only plain data reaches a check -----------------------------------------------------

class _ReadsTheFrame:
    """An answer that would read the expected value out of the check's frame."""
    calls = 0

    def __array__(self, *args, **kwargs):
        _ReadsTheFrame.calls += 1
        import sys
        frame = sys._getframe(1)
        while frame is not None and "expected" not in frame.f_locals:
            frame = frame.f_back
        return np.asarray(frame.f_locals["expected"]) if frame else np.zeros(1)

    def __float__(self):
        return float(self.__array__())

    def __eq__(self, other):
        return True


class _Float(float):
    def __eq__(self, other):
        return True


def _object_array():
    out = np.empty(1, dtype=object)
    out[0] = _ReadsTheFrame()
    return out


@pytest.mark.parametrize("answer", [_ReadsTheFrame(), [1.0, _ReadsTheFrame()], _Float(2.0),
                                    _object_array()])
@pytest.mark.parametrize("how", ["close", "equal", "scalar", "array"])
def test_objects_that_run_code_are_refused_before_any_method_runs(answer, how):
    _ReadsTheFrame.calls = 0
    with pytest.raises(check.CheckFailed, match="expected numbers, an array or a tensor"):
        if how == "close":
            check.close(answer, [1.0, 2.0] if isinstance(answer, list) else 1.0)
        elif how == "equal":
            check.equal(answer, 1.0)
        elif how == "scalar":
            check.scalar(answer)
        else:
            check.array(answer)
    assert _ReadsTheFrame.calls == 0, "the check called the answer's own method"


def test_plain_data_of_every_accepted_kind_still_passes():
    import torch
    check.close(np.float32(1.5), 1.5)
    check.close([1, 2.0, np.int64(3)], np.array([1.0, 2.0, 3.0]))
    check.close((1.0, 2.0), [1.0, 2.0])
    check.close(torch.ones(2, dtype=torch.float64), np.ones(2))
    check.close(torch.nn.Parameter(torch.ones(2)), np.ones(2))
    check.equal("relu", "relu")
    check.equal(True, True)
