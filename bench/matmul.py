"""Matrix multiply: time spent in BLAS, where learntorch should add almost nothing."""
from functools import partial

import numpy as np
import torch

import learntorch

from .core import Target, Workload

N = 1024


def _setup(rng):
    return {name: rng.standard_normal((N, N), dtype=np.float32) for name in "ab"}


def _tensor_step(lib, a, b):
    a, b = lib.tensor(a), lib.tensor(b)
    return lambda: a @ b


def _numpy_step(a, b):
    return lambda: a @ b


WORKLOADS = [
    Workload(
        name=f"matmul {N}",
        setup=_setup,
        learntorch=partial(_tensor_step, learntorch),
        numpy=_numpy_step,
        torch=partial(_tensor_step, torch),
        target=Target("numpy", 1.11),
        note=f"{N}x{N} @ {N}x{N} float32, no grad; target = throughput >= 90% of NumPy's",
    ),
]
