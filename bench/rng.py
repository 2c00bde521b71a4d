"""Random numbers: learntorch draws torch's numbers bit for bit; NumPy's own samplers are the floor.

The three libraries draw different numbers (NumPy's ziggurat normals are not torch's
Box-Muller), so results are not compared here: tests/parity/test_rng.py checks learntorch
against torch bit for bit.
"""
from functools import partial

import numpy as np
import torch

import learntorch

from .core import Target, Workload

SIZE = 1_000_000


def _no_inputs(rng):
    return {}


def _numpy_step(draw):
    rng = np.random.default_rng(0)
    return partial(draw, rng)


def _tensor_step(lib, draw):
    lib.manual_seed(0)
    return partial(draw, lib)


# (label, the draw for learntorch/torch, NumPy's own sampler for the same distribution)
DRAWS = [
    ("randn(1e6) float32", lambda lib: lib.randn(SIZE),
     lambda rng: rng.standard_normal(SIZE, dtype=np.float32)),
    ("rand(1e6) float32", lambda lib: lib.rand(SIZE), lambda rng: rng.random(SIZE, dtype=np.float32)),
    ("randperm(60000)", lambda lib: lib.randperm(60_000), lambda rng: rng.permutation(60_000)),
]

WORKLOADS = [
    Workload(
        name=f"rng: {label}",
        setup=_no_inputs,
        learntorch=partial(_tensor_step, learntorch, draw),
        numpy=partial(_numpy_step, numpy_draw),
        torch=partial(_tensor_step, torch, draw),
        target=Target("numpy", 3.0),
        compare=False,
        note="NumPy floor: its own sampler (other numbers); learntorch's are torch's",
    )
    for label, draw, numpy_draw in DRAWS
]
