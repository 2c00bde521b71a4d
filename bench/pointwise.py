"""Elementwise ops on 1e6-element float32 tensors (no grad)."""
from functools import partial

import numpy as np
import torch

import learntorch

from .core import Target, Workload

SIZE = 1_000_000


def _setup(rng):
    return {name: rng.standard_normal(SIZE, dtype=np.float32) for name in "ab"}


def _numpy_sigmoid(a):
    """The cheapest stable NumPy form: one temporary, updated in place."""
    out = np.multiply(a, 0.5)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


# (label, the op on learntorch/torch tensors, the same op in NumPy, note); every op takes (a, b).
OPS = [
    ("a + b", lambda lib, a, b: a + b, lambda a, b: a + b, ""),
    ("a * b", lambda lib, a, b: a * b, lambda a, b: a * b, ""),
    ("exp(a)", lambda lib, a, b: lib.exp(a), lambda a, b: np.exp(a), ""),
    ("relu(a)", lambda lib, a, b: lib.relu(a), lambda a, b: np.maximum(a, 0),
     "NumPy floor: np.maximum(a, 0)"),
    ("sigmoid(a)", lambda lib, a, b: lib.sigmoid(a), lambda a, b: _numpy_sigmoid(a),
     "NumPy floor: 0.5 * tanh(0.5 * a) + 0.5, in place on one temporary"),
]


def _tensor_step(lib, op, a, b):
    a, b = lib.tensor(a), lib.tensor(b)
    return partial(op, lib, a, b)


def _numpy_step(op, a, b):
    return partial(op, a, b)


WORKLOADS = [
    Workload(
        name=f"pointwise 1e6: {label}",
        setup=_setup,
        learntorch=partial(_tensor_step, learntorch, tensor_op),
        numpy=partial(_numpy_step, numpy_op),
        torch=partial(_tensor_step, torch, tensor_op),
        target=Target("numpy", 1.1),   # issue 15
        note=note,
    )
    for label, tensor_op, numpy_op, note in OPS
]
