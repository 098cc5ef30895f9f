"""nnlib.utils: seeding, device choice, timing, input validation."""
import random
import time

import numpy as np
import pytest
import torch

from nnlib import utils


def test_seed_makes_every_generator_repeat():
    g1 = utils.seed(5)
    a = (random.random(), np.random.rand(), torch.rand(1).item(), g1.random())
    g2 = utils.seed(5)
    b = (random.random(), np.random.rand(), torch.rand(1).item(), g2.random())
    assert a == b


def test_seed_rejects_bad_values():
    with pytest.raises(TypeError, match="`value` must be an int >= 0, got int -1"):
        utils.seed(-1)
    with pytest.raises(TypeError, match="got float 1.5"):
        utils.seed(1.5)


def test_device_is_cpu_without_gpu_and_can_be_forced(monkeypatch):
    monkeypatch.setenv("NNLIB_DEVICE", "cpu")
    assert utils.device().type == "cpu"
    monkeypatch.delenv("NNLIB_DEVICE")
    expected = "cuda" if torch.cuda.is_available() else utils.device().type
    assert utils.device().type == expected
    with pytest.raises(ValueError, match="device: `prefer` must be 'cpu', 'cuda', 'cuda:N' "
                                         "\\(N a GPU number\\), 'mps', 'auto' or None, got str 'tpu'"):
        utils.device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="asks for CUDA, but torch sees no CUDA device"):
            utils.device("cuda")


def test_timer_measures_and_prints(capsys):
    with utils.timer("nap") as t:
        time.sleep(0.05)
    assert 0.04 < t.seconds < 1.0
    assert capsys.readouterr().out.startswith("nap: 0.0")


def test_as_array_messages():
    assert utils.as_array([1, 2], "x", ndim=1).shape == (2,)
    with pytest.raises(ValueError, match="f: `x` must be 2-D, got shape \\(2,\\)"):
        utils.as_array([1, 2], "x", ndim=2, func="f")
    with pytest.raises(ValueError, match="`path` must have shape \\(any, 2\\), got \\(3, 3\\)"):
        utils.as_array(np.zeros((3, 3)), "path", shape=(None, 2))
    with pytest.raises(TypeError, match="`x` must be an array of numbers, got str"):
        utils.as_array("abc", "x")
    with pytest.raises(ValueError, match="f: `x` must have at least 1 entry, got shape \\(0,\\)"):
        utils.as_array([], "x", min_len=1, func="f")


def _fake_torch_devices(monkeypatch, cuda=0, mps=False):
    """Pretend torch sees ``cuda`` CUDA devices and (or not) Apple's MPS."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    monkeypatch.delenv("NNLIB_DEVICE", raising=False)


@pytest.mark.parametrize("prefer, message", [
    ("tpu", "got str 'tpu'"),
    ("mps:0", "got str 'mps:0'"),
    ("cuda:x", "got str 'cuda:x'"),
    (0, "got int 0"),
    (True, "got bool True"),
])
def test_device_rejects_unknown_devices(monkeypatch, prefer, message):
    _fake_torch_devices(monkeypatch, cuda=1)
    with pytest.raises(ValueError) as exc:
        utils.device(prefer)
    assert str(exc.value).startswith("device: `prefer` must be 'cpu', 'cuda', 'cuda:N'")
    assert str(exc.value).endswith(message)


def test_device_checks_that_the_asked_device_exists(monkeypatch):
    """device("mps") used to be returned unchecked, on any machine."""
    _fake_torch_devices(monkeypatch, cuda=0, mps=False)
    with pytest.raises(RuntimeError, match="'mps' asks for Apple's MPS, but torch sees no MPS device"):
        utils.device("mps")
    with pytest.raises(RuntimeError, match="'cuda:0' asks for CUDA, but torch sees no CUDA device"):
        utils.device("cuda:0")
    assert utils.device("auto").type == "cpu" and utils.device(None).type == "cpu"
    assert utils.device(torch.device("cpu")).type == "cpu"
    monkeypatch.setenv("NNLIB_DEVICE", "gpu")
    with pytest.raises(ValueError, match="`NNLIB_DEVICE \\(environment variable\\)` must be .*got str 'gpu'"):
        utils.device()
    _fake_torch_devices(monkeypatch, cuda=2, mps=True)
    assert utils.device("cuda:1") == torch.device("cuda:1")
    assert utils.device() == torch.device("cuda") and utils.device("MPS") == torch.device("mps")
    with pytest.raises(RuntimeError, match="asks for GPU 2, but torch sees 2 CUDA device\\(s\\), "
                                           "numbered 0 to 1"):
        utils.device("cuda:2")


def test_timer_and_seed_check_their_arguments():
    with pytest.raises(ValueError, match="timer: `sync` must be a torch.device, 'cpu', 'cuda', "
                                         "'cuda:N', 'mps' or None, got bool True"):
        with utils.timer(sync=True):
            pass
    with pytest.raises(TypeError, match="timer: `label` must be a string or None, got int 3"):
        with utils.timer(3):
            pass
    with utils.timer(sync=torch.device("cpu")) as t:
        pass
    assert t.seconds >= 0.0
    with pytest.raises(TypeError, match="seed: `value` must be an int >= 0, got str '1'"):
        utils.seed("1")


@pytest.mark.parametrize("call, message", [
    (lambda: utils.as_int(2.0, "n", "f", minimum=1), "f: `n` must be an int >= 1, got float 2.0"),
    (lambda: utils.as_int(np.int64(0), "n", "f", minimum=1), "f: `n` must be an int >= 1, got int64 0"),
    (lambda: utils.as_number("1", "lr", "f", above=0), "f: `lr` must be a number > 0, got str '1'"),
    (lambda: utils.as_number(np.float64(-1), "lr", "f", above=0), "f: `lr` must be a number > 0, got float64 -1.0"),
    (lambda: utils.as_number(float("inf"), "lr", "f"), "f: `lr` must be a finite number, got float inf"),
    (lambda: utils.as_choice("Sine", "kind", "f", ("sine",)), "f: `kind` must be 'sine', got str 'Sine'"),
    (lambda: utils.as_flag(1, "log", "f"), "f: `log` must be True or False, got int 1"),
    (lambda: utils.as_text(["a"], "title", "f"), "f: `title` must be a string or None, got list ['a']"),
    (lambda: utils.as_function(3, "loss", "f", "a function of phi"),
     "f: `loss` must be a function of phi, got int 3"),
    (lambda: utils.as_array(np.zeros((2, 2)), "x", ndim=1, func="f"), "f: `x` must be 1-D, got shape (2, 2)"),
])
def test_validation_helpers_name_argument_expectation_and_value(call, message):
    with pytest.raises(utils.BadArgument) as exc:
        call()
    assert str(exc.value) == message
    assert isinstance(exc.value, TypeError) and isinstance(exc.value, ValueError)


def test_describe_shows_type_and_plain_value():
    assert utils.describe(np.float64(1.5)) == "float64 1.5"        # not np.float64(1.5)
    assert utils.describe([np.int64(1), 2]) == "list [1, 2]"
    assert utils.describe(np.zeros((2, 3))) == "an array of shape (2, 3) (float64)"
    assert utils.describe(torch.zeros(2)) == "a tensor of shape (2,) (float32)"
    assert utils.describe(list(range(100))) == "list of 100 items"
    assert utils.describe(None) == "None" and utils.describe(len) == "function len"
