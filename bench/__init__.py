"""Benchmarks: learntorch against a NumPy floor and against PyTorch.

Run ``python -m bench`` (or ``make bench``); ``python -m bench --help`` lists the options.

Layout:
    core.py       ``Workload`` / ``Target`` and the timer
    workloads.py  the registry: every workload, in table order
    overhead.py, matmul.py, pointwise.py, reduction.py, mlp.py   one module per workload group
    report.py     header, table and JSON output

To add a workload group, write a module whose ``WORKLOADS`` list holds ``Workload`` objects and
add it to ``workloads.py``.
"""
