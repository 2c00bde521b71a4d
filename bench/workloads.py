"""The registry: every workload, in the order of the table."""
from . import cnn, conv, loader, matmul, memory, mlp, optim, overhead, pointwise, reduction, rng, \
    rnn

WORKLOADS = [
    *overhead.WORKLOADS,
    *matmul.WORKLOADS,
    *pointwise.WORKLOADS,
    *reduction.WORKLOADS,
    *mlp.WORKLOADS,
    *conv.WORKLOADS,
    *cnn.WORKLOADS,
    *rnn.WORKLOADS,
    *rng.WORKLOADS,
    *loader.WORKLOADS,
    *optim.WORKLOADS,
    *memory.WORKLOADS,
]
