"""``_cpu_math.fma_rounded_twice`` (a float64 sum rounded to float32, no tie repair) gives
``log_avx2`` and ``sincos_avx2`` exactly the results of the exact ``fma`` on every input randn's
float32 kernel can hand them, so the sampler may use the cheaper one.  The uniforms are
k / 2**24 (k < 2**24; float16 and bfloat16 normals are computed from float32 uniforms
too), so all 2**24 of them are checked."""
import numpy as np
import pytest

from learntorch import _cpu_math

K = 2 ** 24
CHUNK = 2 ** 20


def _uniforms(start):
    return np.arange(start, start + CHUNK, dtype=np.int32).astype(np.float32) * np.float32(2 ** -24)


def _same_bits(a, b):
    return np.array_equal(a.view(np.int32), b.view(np.int32))


@pytest.mark.parametrize("start", range(0, K, CHUNK))
def test_log_and_sincos_agree_with_the_exact_fma_on_every_sampler_input(start):
    u = _uniforms(start)
    radius_input = np.float32(1) - u              # _box_muller_16's u1
    angle = np.float32(2 * np.pi) * u             # its 2pi * u2
    fast = _cpu_math.fma_rounded_twice
    assert _same_bits(_cpu_math.log_avx2(radius_input, fma=fast),
                      _cpu_math.log_avx2(radius_input))
    for fast_part, exact_part in zip(_cpu_math.sincos_avx2(angle, fma=fast),
                                     _cpu_math.sincos_avx2(angle)):
        assert _same_bits(fast_part, exact_part)


def test_rounding_twice_is_not_the_exact_fma_everywhere():
    """The shortcut is a property of the sampler's inputs, not of FMAs: where the float64 sum
    rounds onto a float32 tie, the two differ (and ``fma`` is the one that is right)."""
    a = np.array([1 + 2 ** -12], dtype=np.float32)   # a*a = 1 + 2**-11 + 2**-24: a float32 tie
    c = np.array([2 ** -60], dtype=np.float32)        # just above it: the exact sum rounds up
    up, down = np.float32(1 + 2 ** -11 + 2 ** -23), np.float32(1 + 2 ** -11)
    assert _cpu_math.fma(a, a, c)[0] == up
    assert _cpu_math.fma_rounded_twice(a, a, c)[0] == down   # float64 lands on the tie: to even
