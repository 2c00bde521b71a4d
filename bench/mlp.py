"""One training step of a small MLP written with tensor ops: forward, MSE, backward, SGD."""
from functools import partial

import numpy as np
import torch

import learntorch

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
]
