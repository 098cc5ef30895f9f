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
    with pytest.raises(TypeError, match="`value` must be a non-negative int, got -1"):
        utils.seed(-1)
    with pytest.raises(TypeError, match="got 1.5"):
        utils.seed(1.5)


def test_device_is_cpu_without_gpu_and_can_be_forced(monkeypatch):
    monkeypatch.setenv("NNLIB_DEVICE", "cpu")
    assert utils.device().type == "cpu"
    monkeypatch.delenv("NNLIB_DEVICE")
    expected = "cuda" if torch.cuda.is_available() else utils.device().type
    assert utils.device().type == expected
    with pytest.raises(ValueError, match="`prefer` must be 'cpu', 'cuda' or 'mps', got 'tpu'"):
        utils.device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="no CUDA device"):
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
