"""What notebook 06's GPU cells rely on: nnlib.device() finds the GPU, a training step of the
notebook's model gives the same result on CUDA as on the CPU, and nnlib.timer(sync=...)
waits for queued GPU work.

Tests marked ``gpu`` are skipped, with the reason, where torch sees no CUDA device (see
conftest.py). The unmarked tests run everywhere.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from torch import nn

from nnlib import data, device, timer


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return mps is not None and mps.is_available()


def _notebook_model(hidden_dim: int = 100) -> nn.Sequential:
    """The network notebook 06 trains on MNIST-1D: three hidden ReLU layers, linear output."""
    return nn.Sequential(
        nn.Linear(40, hidden_dim), nn.ReLU(),
        nn.Linear(hidden_dim, hidden_dim), nn.ReLU(),
        nn.Linear(hidden_dim, hidden_dim), nn.ReLU(),
        nn.Linear(hidden_dim, 10),
    )


def _batches(n: int = 400, batch_size: int = 100):
    """The first n standardised MNIST-1D training signals, in batches (float32, int64)."""
    d = data.mnist1d()
    x, y = d["x_train"][:n], d["y_train"][:n]
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    xt, yt = torch.tensor(x, dtype=torch.float32), torch.tensor(y)
    return [(xt[i:i + batch_size], yt[i:i + batch_size]) for i in range(0, n, batch_size)]


def _train(model: nn.Module, batches, dev: torch.device, make_optimiser) -> list[float]:
    """The notebook's train_epoch, written out: returns the loss of every step."""
    model.to(dev).train()
    optimiser = make_optimiser(model.parameters())
    losses = []
    for x, y in batches:
        x, y = x.to(dev), y.to(dev)
        optimiser.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    return losses


@pytest.fixture
def no_device_override(monkeypatch):
    monkeypatch.delenv("NNLIB_DEVICE", raising=False)


# ------------------------------------------------------------------ everywhere

@pytest.mark.skipif(torch.cuda.is_available() or _mps_available(),
                    reason="this machine has an accelerator")
def test_device_is_cpu_without_an_accelerator(no_device_override):
    assert device() == torch.device("cpu")


def test_nnlib_device_env_forces_cpu(monkeypatch):
    monkeypatch.setenv("NNLIB_DEVICE", "cpu")
    assert device() == torch.device("cpu")
    assert device("cpu") == torch.device("cpu")


def test_timer_on_cpu_accepts_a_cpu_device():
    with timer(sync=torch.device("cpu")) as t:
        torch.ones(64, 64) @ torch.ones(64, 64)
    assert t.seconds >= 0.0


# ------------------------------------------------------------------ on a GPU

@pytest.mark.gpu
def test_device_is_cuda(no_device_override):
    dev = device()
    assert dev.type == "cuda"
    assert torch.ones(2, device=dev).device.type == "cuda"


@pytest.mark.gpu
def test_cuda_forced_by_name(monkeypatch):
    monkeypatch.setenv("NNLIB_DEVICE", "cuda")
    assert device().type == "cuda"


@pytest.fixture
def strict_float32():
    """Full float32 matrix products on the GPU (no TF32), restored afterwards."""
    saved = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    yield
    torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved


@pytest.mark.gpu
@pytest.mark.parametrize("optimiser", ["sgd", "adam"])
def test_training_steps_match_cpu(no_device_override, strict_float32, optimiser):
    makers = {"sgd": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
              "adam": lambda p: torch.optim.Adam(p, lr=1e-3)}
    torch.manual_seed(0)
    cpu_model = _notebook_model()
    gpu_model = copy.deepcopy(cpu_model)
    batches = _batches()
    cpu_losses = _train(cpu_model, batches, torch.device("cpu"), makers[optimiser])
    gpu_losses = _train(gpu_model, batches, device(), makers[optimiser])
    np.testing.assert_allclose(gpu_losses, cpu_losses, rtol=1e-4, atol=1e-5)
    for p_cpu, p_gpu in zip(cpu_model.parameters(), gpu_model.parameters()):
        assert p_gpu.device.type == "cuda"
        np.testing.assert_allclose(p_gpu.detach().cpu().numpy(), p_cpu.detach().numpy(),
                                   rtol=1e-3, atol=1e-5)


@pytest.mark.gpu
def test_evaluation_matches_cpu(no_device_override, strict_float32):
    torch.manual_seed(1)
    model = _notebook_model().eval()
    x, y = _batches(n=1000, batch_size=1000)[0]
    with torch.no_grad():
        cpu_logits = model(x)
        gpu_logits = copy.deepcopy(model).to(device())(x.to(device()))
    np.testing.assert_allclose(gpu_logits.cpu().numpy(), cpu_logits.numpy(), rtol=1e-4, atol=1e-5)
    loss_cpu = nn.functional.cross_entropy(cpu_logits, y).item()
    loss_gpu = nn.functional.cross_entropy(gpu_logits, y.to(device())).item()
    assert abs(loss_cpu - loss_gpu) < 1e-4


@pytest.mark.gpu
def test_timer_waits_for_the_gpu(no_device_override):
    dev = device()
    a = torch.randn(4096, 4096, device=dev)
    a @ a                                   # warm-up
    torch.cuda.synchronize()
    with timer(sync=dev) as t:
        for _ in range(20):
            b = a @ a
    # With sync, the work queued in the block has finished when the clock is read.
    assert torch.cuda.current_stream().query()
    assert t.seconds > 0.0
    assert torch.isfinite(b).all()
