"""Reductions over a 1000x1000 float32 tensor (no grad)."""
from functools import partial

import numpy as np
import torch

import learntorch

from .core import Target, Workload

SHAPE = (1000, 1000)


def _setup(rng):
    return {"x": rng.random(SHAPE, dtype=np.float32)}


# (label, the reduction on a learntorch/torch tensor, the same on a NumPy array)
OPS = [
    ("sum", lambda x: x.sum(), lambda x: x.sum()),
    ("mean", lambda x: x.mean(), lambda x: x.mean()),
    ("max", lambda x: x.max(), lambda x: x.max()),
    ("sum(dim=1)", lambda x: x.sum(dim=1), lambda x: x.sum(axis=1)),
]


def _tensor_step(lib, op, x):
    return partial(op, lib.tensor(x))


def _numpy_step(op, x):
    return partial(op, x)


WORKLOADS = [
    Workload(
        name=f"reduction 1e6: {label}",
        setup=_setup,
        learntorch=partial(_tensor_step, learntorch, tensor_op),
        numpy=partial(_numpy_step, numpy_op),
        torch=partial(_tensor_step, torch, tensor_op),
        target=Target("numpy", 1.1),   # issue 15
    )
    for label, tensor_op, numpy_op in OPS
]
