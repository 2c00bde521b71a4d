"""The floating-point arithmetic of torch's compiled CPU kernels, reproduced bit for bit in NumPy.

torch's random numbers are defined by C++ compiled with GCC for x86-64. Three things there
decide the last bit of a sample, and NumPy does none of them by itself:

* **FMA contraction.** GCC turns ``x * (to - from) + from`` into one fused multiply-add
  (a single rounding). ``fma`` below gives that result exactly, from float64 arithmetic.
* **The AVX2 kernel for float32 normals.** ``log_avx2`` and ``sincos_avx2`` are the Cephes
  polynomials of ATen's ``avx_mathfun.h`` (``log256_ps``, ``sincos256_ps``), with the
  multiply-adds that GCC fuses inside them fused here too.
* **glibc's libm** for float64 ``log``, ``sin``, ``cos`` … ``libm(name)`` is NumPy's function
  when it agrees with Python's ``math`` (which calls libm) on a probe, else ``math``'s.

The simple version of every function here is one NumPy expression; each comment says which.
"""
import math

import numpy as np

_f32, _f64 = np.float32, np.float64


# -- fused multiply-add --------------------------------------------------------------------------
def fma(a, b, c):
    """``a * b + c`` with one rounding, in ``a``'s dtype (float32 or float64 arrays).

    ``b`` and ``c`` are scalars or arrays. With ``c == 0`` a plain product is already exact
    (``rand`` and ``randn`` take that path).
    """
    if not isinstance(c, np.ndarray) and c == 0:
        return a if not isinstance(b, np.ndarray) and b == 1 else a * a.dtype.type(b)
    return _fma32(a, b, c) if a.dtype == _f32 else _fma64(a, b, c)


def _fma32(a, b, c):
    """float32 FMA: the float64 product of two float32s is exact, so only the sum rounds.

    Rounding that sum to float64 and then to float32 is right except when the float64 sum
    lands exactly on a float32 tie it did not start on (double rounding); those rare
    elements are redone with round-to-odd, which makes the second rounding exact.
    """
    total = np.multiply(a, b, dtype=_f64)   # exact: both factors have 24 bits
    total += c
    ties = _tie_mask(total)
    if ties.any():  # only those elements are redone: a few per 10**4 in randn's polynomials
        where = np.nonzero(ties)
        a, b, c = (np.broadcast_to(np.asarray(v, _f64), total.shape)[where] for v in (a, b, c))
        total[where] = _round_to_odd_sum(a * b, c)
    return total.astype(_f32)


def fma_rounded_twice(a, b, c):
    """``a * b + c`` for float32 ``a``: the exact product's sum rounded to float64, then to
    float32 -- ``fma`` without its tie repair, so half the NumPy passes.

    It differs from ``fma`` only when the float64 sum lands on a float32 tie. For the inputs
    randn's kernel can give ``log_avx2`` and ``sincos_avx2`` (1 - k/2**24 and
    float32(2pi) * k/2**24, k < 2**24) that never changes their results: every one of them is
    checked in tests/unit/test_cpu_math.py.
    """
    total = np.multiply(a, b, dtype=_f64)
    total += c
    return total.astype(_f32)


def _tie_mask(x):
    """Where a float64 is exactly halfway between two float32s: its 29 extra bits are 1000…0."""
    return (x.view(np.uint64) & 0x1FFFFFFF) == 0x10000000


def _fma64(a, b, c):
    """float64 FMA (Boldo & Melquiond): exact product as hi + lo (Dekker), exact sum with c,
    the low parts added with round-to-odd, then one final rounding."""
    b = np.asarray(b, _f64)
    c = np.broadcast_to(np.asarray(c, _f64), np.broadcast_shapes(a.shape, b.shape))
    hi, lo = _two_product(a, b)
    s, t = _two_sum(c, hi)
    return s + _round_to_odd_sum(t, lo)


def _two_sum(a, b):
    """``a + b == s + t`` exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _split(a):
    """Veltkamp: ``a == hi + lo`` with both halves 26 bits wide, so their products are exact."""
    t = a * 134217729.0  # 2**27 + 1
    hi = t - (t - a)
    return hi, a - hi


def _two_product(a, b):
    """``a * b == p + e`` exactly (Dekker)."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _round_to_odd_sum(a, b):
    """``a + b`` rounded to odd: when inexact, the neighbour whose last bit is 1."""
    s, err = _two_sum(a, b)
    bits = s.view(np.int64).copy()
    even = (err != 0) & ((bits & 1) == 0)
    step = np.where(np.signbit(err) == np.signbit(s), 1, -1)
    bits[even] += step[even]
    return bits.view(_f64)


# -- ATen's avx_mathfun.h, float32 ---------------------------------------------------------------
_LOG_P = [_f32(v) for v in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1,
                            1.4249322787E-1, -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1,
                            3.3333331174E-1)]
_LOG_Q1, _LOG_Q2 = _f32(-2.12194440e-4), _f32(0.693359375)
_SQRTHF = _f32(0.707106781186547524)


def log_avx2(x, fma=fma):
    """``log256_ps`` for positive normal float32 ``x`` (simple version: ``np.log(x)``, which
    differs in the last bit for about 1 value in 10). ``fma``: the fused multiply-add to use
    (``fma_rounded_twice`` where it is known to give the same results)."""
    bits = x.view(np.int32)
    exponent = ((bits >> 23) - 127).astype(_f32) + _f32(1)
    m = ((bits & ~0x7f800000) | 0x3f000000).view(_f32)  # the mantissa, scaled into [0.5, 1)
    small = m < _SQRTHF
    exponent -= small.astype(_f32)
    m = (m - _f32(1)) + np.where(small, m, _f32(0))
    z = m * m
    y = fma(m, _LOG_P[0], _LOG_P[1])
    for p in _LOG_P[2:]:
        y = fma(y, m, p)
    y = fma(y * m, z, exponent * _LOG_Q1)
    y = y - z * _f32(0.5)
    return (m + y) + exponent * _LOG_Q2


_FOPI = _f32(1.27323954473516)  # 4 / pi
_DP1, _DP2, _DP3 = _f32(-0.78515625), _f32(-2.4187564849853515625e-4), _f32(-3.77489497744594108e-8)
_SIN_P = [_f32(-1.9515295891E-4), _f32(8.3321608736E-3), _f32(-1.6666654611E-1)]
_COS_P = [_f32(2.443315711809948E-005), _f32(-1.388731625493765E-003), _f32(4.166664568298827E-002)]


def sincos_avx2(x, fma=fma):
    """``sincos256_ps`` for float32 ``x`` in [0, 2pi): returns (sin, cos) (simple version:
    ``np.sin(x), np.cos(x)``, which differ in the last bit for many values). ``fma`` as for
    ``log_avx2``."""
    octant = ((x * _FOPI).astype(np.int32) + 1) & ~1
    y = octant.astype(_f32)
    # Extended-precision reduction x - y*pi/4, each step one fused multiply-add.
    x = fma(y, _DP3, fma(y, _DP2, fma(y, _DP1, x)))
    z = x * x
    cos = fma(fma(z, _COS_P[0], _COS_P[1]), z, _COS_P[2]) * z
    cos = fma(cos, z, -(z * _f32(0.5))) + _f32(1)
    sin = fma(fma(z, _SIN_P[0], _SIN_P[1]), z, _SIN_P[2]) * z
    sin = fma(sin, x, x)
    use_sin_poly = (octant & 2) == 0
    sin, cos = np.where(use_sin_poly, sin, cos), np.where(use_sin_poly, cos, sin)
    # The signs, flipped as the kernel does: by xor-ing the sign bit.
    sin.view(np.int32)[...] ^= (octant & 4) << 29
    cos.view(np.int32)[...] ^= (~(octant - 2) & 4) << 29
    return sin, cos


# -- glibc's libm, float64 -----------------------------------------------------------------------
_LIBM = {}
# Where each function is probed: the arguments torch's samplers give it.
_PROBE = {"log": lambda r: 1 - r, "log1p": lambda r: -r, "sin": lambda r: 2 * math.pi * r,
          "cos": lambda r: 2 * math.pi * r, "tan": lambda r: math.pi * (r - 0.5),
          "exp": lambda r: 20 * r - 10}


def libm(name):
    """The float64 array function ``name`` (``"log"``, ``"sin"`` …) giving glibc's results.

    NumPy's own loops equal libm's on many machines, but its AVX-512 versions do not; a probe
    against ``math`` (which calls libm) picks NumPy's loop only where the two agree.
    """
    if name not in _LIBM:
        fast, exact = getattr(np, name), np.frompyfunc(getattr(math, name), 1, 1)
        probe = _PROBE[name](np.random.default_rng(0).random(4096))
        if np.array_equal(fast(probe), exact(probe).astype(_f64)):
            _LIBM[name] = fast
        else:
            _LIBM[name] = lambda x: exact(x).astype(_f64)
    return _LIBM[name]
