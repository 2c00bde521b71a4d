"""One optimizer step over 10^6 float32 parameters in 10 tensors (gradients already there).

The NumPy floor is the same update hand-written in place on the arrays; torch runs its
default CPU implementation (the single-tensor for-loop).
"""
from functools import partial

import numpy as np
import torch

import learntorch

from .core import Target, Workload

TENSORS, SIZE = 10, 100_000
SAMPLE = 1000   # a step returns copies of each tensor's first elements, for the cross-check


def _sample(arrays):
    return tuple(np.array(a[:SAMPLE]) for a in arrays)


def _setup(rng):
    return {"params": [rng.standard_normal(SIZE, dtype=np.float32) for _ in range(TENSORS)],
            "grads": [rng.standard_normal(SIZE, dtype=np.float32) for _ in range(TENSORS)]}


def _tensor_step(lib, make, params, grads):
    ps = [lib.nn.Parameter(lib.tensor(p)) for p in params]
    for p, g in zip(ps, grads):
        p.grad = lib.tensor(g)
    opt = make(lib.optim, ps)

    def step():
        opt.step()
        return _sample([p.detach().numpy() for p in ps])
    return step


def _numpy_sgd(params, grads, lr=1e-3, momentum=0.9):
    params = [p.copy() for p in params]
    bufs = [None] * len(params)

    def step():
        for i, (p, g) in enumerate(zip(params, grads)):
            if bufs[i] is None:
                bufs[i] = g.copy()
            else:
                bufs[i] *= momentum
                bufs[i] += g
            p -= lr * bufs[i]
        return _sample(params)
    return step


def _numpy_adam(params, grads, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    params = [p.copy() for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    t = [0]

    def step():
        t[0] += 1
        step_size = lr / (1 - betas[0] ** t[0])
        root = (1 - betas[1] ** t[0]) ** 0.5
        for p, g, m_i, v_i in zip(params, grads, m, v):
            m_i *= betas[0]
            m_i += (1 - betas[0]) * g
            v_i *= betas[1]
            v_i += (1 - betas[1]) * g * g
            denom = np.sqrt(v_i)
            denom /= root
            denom += eps
            p -= step_size * m_i / denom
        return _sample(params)
    return step


STEPS = [
    ("SGD momentum=0.9", lambda optim, ps: optim.SGD(ps, lr=1e-3, momentum=0.9), _numpy_sgd),
    ("Adam", lambda optim, ps: optim.Adam(ps, lr=1e-3), _numpy_adam),
]

WORKLOADS = [
    Workload(
        name=f"optim 10x1e5: {label}",
        setup=_setup,
        learntorch=partial(_tensor_step, learntorch, make),
        numpy=numpy_step,
        torch=partial(_tensor_step, torch, make),
        target=Target("torch", 1.0),
    )
    for label, make, numpy_step in STEPS
]
