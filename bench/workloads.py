"""The registry: every workload, in the order of the table."""
from . import matmul, mlp, overhead, pointwise, reduction, rng

WORKLOADS = [
    *overhead.WORKLOADS,
    *matmul.WORKLOADS,
    *pointwise.WORKLOADS,
    *reduction.WORKLOADS,
    *mlp.WORKLOADS,
    *rng.WORKLOADS,
]
