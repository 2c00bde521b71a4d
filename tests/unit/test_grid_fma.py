"""learntorch.nn._functional.vision.fma, the fused multiply-add that affine grids are summed
with where torch's BLAS fuses (tests/torch_matmul_rounding.py): one rounding of the exact
a·b + c, checked against exact rational arithmetic, ties included."""
from fractions import Fraction

import numpy as np
import pytest

from learntorch.nn._functional.vision import fma


def exact(a, b, c, dtype):
    """a·b + c rounded once to ``dtype`` (nearest, ties to even), from the exact rational."""
    value = Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))
    low = dtype(float(value))  # within an ulp of value; try it and its neighbours
    candidates = [np.nextafter(low, dtype(-np.inf)), low, np.nextafter(low, dtype(np.inf))]
    errors = [abs(Fraction(float(x)) - value) for x in candidates]
    best = min(errors)
    ties = [x for x, e in zip(candidates, errors) if e == best]
    return ties[0] if len(ties) == 1 else next(x for x in ties if int(x.view(
        np.int32 if dtype == np.float32 else np.int64)) % 2 == 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fma_rounds_once(dtype):
    rng = np.random.default_rng(0)
    a, b, c = (rng.standard_normal(2000).astype(dtype) for _ in range(3))
    ours = fma(a, b, c)
    assert ours.dtype == dtype
    assert all(x == exact(p, q, r, dtype) for x, p, q, r in zip(ours, a, b, c))


def test_fma_float32_breaks_a_tie_by_a_tiny_addend():
    """-4.5 · (-1/5.5) is exactly halfway between two float32s; -4.45e-17 (from cos 90°) must
    push it down. Summed in float64 the addend is lost and the tie then rounds up."""
    a, b = np.float32(-4.5), np.float32(-1) / np.float32(5.5)
    c = np.float32(-4) * np.float32(1.1133153e-17)
    assert fma(a, b, c) == exact(a, b, c, np.float32) == np.float32(0.8181818)
    assert np.float32(np.float64(a) * b + c) == np.float32(0.8181819)
