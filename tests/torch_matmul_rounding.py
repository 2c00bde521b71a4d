"""How torch's CPU matmul rounds on this machine, and learntorch set to round the same way.

torch computes affine grids with ``bmm`` (F.affine_grid; torchvision's rotate, affine and
perspective), which MKL sums one term at a time, left to right; whether each step is a fused
multiply-add (one rounding) depends on the CPU: fused on an Intel AVX-512 Xeon, a rounded
product then a rounded sum on an AMD EPYC. Grid points at pixel centres and half pixels sit on
rounding boundaries (a 90° rotation's are exact ties, nudged by cos 90° = 6e-17), so one ulp
picks another pixel, and the tests compare such grids and images bit for bit.

learntorch does both (``learntorch.nn._functional.vision.FUSED_MATMUL``; the plain sum by
default, so that its own answers do not depend on the CPU); the fixture below (autouse for
every test, from tests/conftest.py) sets it to what the torch under test does, so the
comparisons stay exact on either kind of CPU instead of allowing an ulp everywhere.
"""
import functools

import numpy as np
import pytest


@functools.cache
def torch_matmul_fuses():
    """Whether torch's float32 bmm rounds ``a·b + c`` once: rows [1, a, 0] times columns
    [-1, a, 0] with a = 1 + 2⁻¹² give a² − 1 = 2⁻¹¹ + 2⁻²⁴ fused, 2⁻¹¹ when a² is rounded
    first. 1000 rows and two columns, the shape of an image's grid, so that torch takes the
    same BLAS path (not its own loop for small products, nor a matrix-vector kernel)."""
    import torch
    a = 1 + 2.0 ** -12
    rows = torch.tensor([[1.0, a, 0.0]] * 1000).unsqueeze(0)
    columns = torch.tensor([[-1.0, -1.0], [a, a], [0.0, 0.0]]).unsqueeze(0)
    out = rows.bmm(columns).numpy()
    fused, unfused = np.float32(2.0 ** -11 + 2.0 ** -24), np.float32(2.0 ** -11)
    assert np.isin(out, [fused, unfused]).all(), "torch's bmm rounds neither way"
    return bool((out == fused).all())


@pytest.fixture(autouse=True)
def matmul_rounding_as_torchs(monkeypatch):
    from learntorch.nn._functional import vision
    monkeypatch.setattr(vision, "FUSED_MATMUL", torch_matmul_fuses())
