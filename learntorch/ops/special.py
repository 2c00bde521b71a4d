"""``erf`` and ``erfinv`` in pure NumPy (NumPy has neither), accurate to float64 precision.

erf(x) for |x| ≤ 2 is its Taylor series, summed by Horner's rule in x²; beyond that
erf(x) = 1 − erfc(x) with erfc's continued fraction, which converges fast for large x.
erfinv starts from Winitzki's closed-form approximation and polishes it with Newton steps
on erf, whose derivative 2/√π·e^(−x²) is known exactly.
"""
import math

import numpy as np

_SERIES_TERMS = 45
# erf(x) = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))
_SERIES = [(-1) ** n / (math.factorial(n) * (2 * n + 1)) for n in range(_SERIES_TERMS)]
_FRACTION_DEPTH = 60
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


def _erf_series(x):
    x2 = x * x
    total = np.full_like(x, _SERIES[-1])
    for c in reversed(_SERIES[:-1]):
        total = total * x2 + c
    return _TWO_OVER_SQRT_PI * x * total


def _erfc_fraction(x):
    """erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), for x > 0."""
    tail = x
    for k in range(_FRACTION_DEPTH, 0, -1):
        tail = x + (k / 2) / tail
    return np.exp(-x * x) / (math.sqrt(math.pi) * tail)


def erf_array(a):
    x = np.asarray(a, dtype=np.float64)
    out = np.empty_like(x)
    small = np.abs(x) <= 2
    out[small] = _erf_series(x[small])
    large = ~small & ~np.isnan(x)
    ax = np.abs(x[large])
    out[large] = np.sign(x[large]) * (1 - _erfc_fraction(ax))
    out[np.isnan(x)] = np.nan
    return out.astype(a.dtype, copy=False) if a.dtype.kind == "f" else out


def erfinv_array(a):
    y = np.asarray(a, dtype=np.float64)
    with np.errstate(all="ignore"):
        log_term = np.log1p(-y * y)
        k = 0.147  # Winitzki's constant
        first = 2 / (math.pi * k) + log_term / 2
        x = np.sign(y) * np.sqrt(np.sqrt(first * first - log_term / k) - first)
        for _ in range(4):
            step = (erf_array(x) - y) / (_TWO_OVER_SQRT_PI * np.exp(-x * x))
            x = np.where(np.isfinite(step), x - step, x)
        x = np.where(np.abs(y) == 1, np.sign(y) * np.inf, x)
        x = np.where(np.abs(y) > 1, np.nan, x)
    return x.astype(a.dtype, copy=False) if a.dtype.kind == "f" else x
