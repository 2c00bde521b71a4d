"""The MLP workloads: one training step of a small MLP written with tensor ops (forward, MSE,
backward, SGD), and one epoch of the digits MLP 64-256-128-10 written with ``nn.Linear``,
``CrossEntropyLoss`` and ``optim.SGD`` (bench/digits.py, the same code for learntorch and torch)."""
from functools import partial

import numpy as np
import torch

import learntorch

from . import digits
from .core import Target, Workload

BATCH, IN, HIDDEN, OUT = 64, 784, 128, 10
LR = 0.01


def _setup(rng):
    def normal(*shape, scale=1.0):
        return rng.standard_normal(shape, dtype=np.float32) * np.float32(scale)
    return {
        "x": normal(BATCH, IN),
        "y": normal(BATCH, OUT),
        "w1": normal(IN, HIDDEN, scale=IN ** -0.5),
        "b1": normal(HIDDEN, scale=0.1),
        "w2": normal(HIDDEN, OUT, scale=HIDDEN ** -0.5),
        "b2": normal(OUT, scale=0.1),
    }


def _tensor_step(lib, x, y, w1, b1, w2, b2):
    """``lib`` is learntorch or torch: the code is the same for both."""
    x, y = lib.tensor(x), lib.tensor(y)
    params = [lib.tensor(p, requires_grad=True) for p in (w1, b1, w2, b2)]
    w1, b1, w2, b2 = params

    def step():
        hidden = (x @ w1 + b1).relu()
        loss = ((hidden @ w2 + b2 - y) ** 2).mean()
        loss.backward()
        with lib.no_grad():
            for p in params:
                p -= LR * p.grad
                p.grad = None
        return loss
    return step


def _numpy_step(x, y, w1, b1, w2, b2):
    """The same step with the gradients written out by hand."""
    params = [p.copy() for p in (w1, b1, w2, b2)]
    w1, b1, w2, b2 = params

    def step():
        pre = x @ w1 + b1
        hidden = np.maximum(pre, 0)
        diff = hidden @ w2 + b2 - y
        loss = (diff * diff).mean()
        grad_out = diff * (2 / diff.size)
        grad_hidden = grad_out @ w2.T
        grad_hidden *= pre > 0
        grads = (x.T @ grad_hidden, grad_hidden.sum(0), hidden.T @ grad_out, grad_out.sum(0))
        for p, g in zip(params, grads):
            p -= LR * g
        return loss
    return step


def _numpy_epoch(x, y, order, weights):
    """The digits MLP's epoch with its backward written by hand."""
    p = {name: w.copy() for name, w in weights.items()}
    momentum = {}
    data = digits.batches(x, y, order)

    def step(xb, yb):
        h1 = np.maximum(xb @ p["fc1.weight"].T + p["fc1.bias"], 0)
        h2 = np.maximum(h1 @ p["fc2.weight"].T + p["fc2.bias"], 0)
        loss, gz = digits.cross_entropy(h2 @ p["fc3.weight"].T + p["fc3.bias"], yb)
        g2 = (gz @ p["fc3.weight"]) * (h2 > 0)
        g1 = (g2 @ p["fc2.weight"]) * (h1 > 0)
        digits.sgd_momentum(p, {"fc3.weight": gz.T @ h2, "fc3.bias": gz.sum(0),
                                "fc2.weight": g2.T @ h1, "fc2.bias": g2.sum(0),
                                "fc1.weight": g1.T @ xb, "fc1.bias": g1.sum(0)}, momentum)
        return loss

    def epoch():
        return np.array([step(xb, yb) for xb, yb in data], np.float32)
    return epoch


WORKLOADS = [
    Workload(
        name="mlp step",
        setup=_setup,
        learntorch=partial(_tensor_step, learntorch),
        numpy=_numpy_step,
        torch=partial(_tensor_step, torch),
        target=Target("numpy", 1.2),   # issue 15
        note=f"batch {BATCH}, {IN}->{HIDDEN}->{OUT}, relu, MSE, backward, SGD "
             "(p -= lr * p.grad; p.grad = None under no_grad)",
    ),
    Workload(
        name="mlp: digits epoch",
        setup=partial(digits.setup, "mlp"),
        learntorch=partial(digits.trainer, learntorch, "mlp"),
        numpy=_numpy_epoch,
        torch=partial(digits.trainer, torch, "mlp"),
        target=Target("numpy", 1.2),   # issue 15: the MLP at the NumPy floor
        note=f"1,438 8x8 images, batch {digits.BATCH}, nn.Linear 64-256-128-10, relu, "
             f"cross-entropy, SGD(lr={digits.LR}, momentum={digits.MOMENTUM})",
    ),
]
