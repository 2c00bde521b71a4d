"""One epoch of a shuffled DataLoader over an in-memory TensorDataset (MNIST-sized, batch 64).

learntorch's TensorDataset gathers each batch with one fancy index per tensor; torch's indexes
sample by sample and stacks.  The NumPy floor is one permutation and a fancy index per batch.
Batches differ between the libraries only where their generators are seeded differently, so
the results are not compared (tests/parity/test_data.py checks that the batches are torch's).
"""
from functools import partial

import numpy as np
import torch
import torch.utils.data

import learntorch
import learntorch.utils.data

from .core import Target, Workload

N, FEATURES, BATCH = 60_000, 784, 64


def _setup(rng):
    return {"x": rng.standard_normal((N, FEATURES), dtype=np.float32),
            "y": rng.integers(0, 10, N)}


def _tensor_epoch(lib, data, x, y):
    loader = data.DataLoader(data.TensorDataset(lib.from_numpy(x), lib.from_numpy(y)),
                             batch_size=BATCH, shuffle=True)

    def epoch():
        lib.manual_seed(0)
        count = 0
        for xb, yb in loader:
            count += len(yb) + 0 * len(xb)
        return count
    return epoch


def _numpy_epoch(x, y):
    rng = np.random.default_rng(0)

    def epoch():
        order = rng.permutation(N)
        count = 0
        for start in range(0, N, BATCH):
            idx = order[start:start + BATCH]
            batch = x[idx], y[idx]
            count += len(batch[1])
        return count
    return epoch


WORKLOADS = [
    Workload(
        name="loader: epoch 60000x784, batch 64, shuffled",
        setup=_setup,
        learntorch=partial(_tensor_epoch, learntorch, learntorch.utils.data),
        numpy=_numpy_epoch,
        torch=partial(_tensor_epoch, torch, torch.utils.data),
        target=Target("torch", 1.0),
        compare=False,
        note="torch indexes and stacks per sample; learntorch gathers a batch in one index",
    ),
]
