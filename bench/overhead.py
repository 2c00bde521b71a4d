"""Per-op overhead: autograd on tensors so small that the arithmetic costs nothing."""
from functools import partial

import numpy as np
import torch

import learntorch

from .core import Target, Workload

SIZE = 16


def _setup(rng):
    return {name: rng.standard_normal(SIZE, dtype=np.float32) for name in "abc"}


def _tensor_step(lib, a, b, c):
    """``lib`` is learntorch or torch: the code is the same for both."""
    a, b, c = (lib.tensor(v, requires_grad=True) for v in (a, b, c))

    def step():
        a.grad = b.grad = c.grad = None
        (a * b + c).sum().backward()
        return a.grad, b.grad, c.grad
    return step


def _numpy_step(a, b, c):
    """The same forward and backward by hand: sum's backward is ones, add passes it on."""
    def step():
        (a * b + c).sum()
        grad = np.ones_like(a)
        return grad * b, grad * a, grad
    return step


WORKLOADS = [
    Workload(
        name="per-op overhead",
        setup=_setup,
        learntorch=partial(_tensor_step, learntorch),
        numpy=_numpy_step,
        torch=partial(_tensor_step, torch),
        target=Target("torch", 0.8),   # issue 15
        ops=6,
        note=f"(a*b + c).sum().backward() on {SIZE}-element float32 leaves, grads set to None "
             "each step; 6 ops = forward mul, add, sum + their 3 backward",
    ),
]
