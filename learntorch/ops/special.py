"""The error-function family in pure NumPy (NumPy has none of it), accurate to float64 precision:
erf, erfc, erfcx, erfinv, and the normal distribution's ndtr, log_ndtr and ndtri.

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


def _erfc_fraction(x, depth=_FRACTION_DEPTH):
    """erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), for x > 0."""
    return np.exp(-x * x) * _erfcx_fraction(x, depth)


def _erfcx_fraction(x, depth=_FRACTION_DEPTH):
    """e^(x²) erfc(x): the continued fraction without its e^(−x²) factor."""
    tail = x
    for k in range(depth, 0, -1):
        tail = x + (k / 2) / tail
    return 1 / (math.sqrt(math.pi) * tail)


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


# erfc and erfcx switch to the continued fraction already at 1.5 (deeper, to converge there)
_TAIL_START, _TAIL_DEPTH = 1.5, 100


def erfc_array(a):
    """1 − erf(x) without the cancellation: the continued fraction for x > 1.5 (relative
    accuracy down to the underflow of e^(−x²)), 1 − erf(x) below, 2 − erfc(−x) for x < −1.5."""
    x = np.asarray(a, dtype=np.float64)
    with np.errstate(all="ignore"):
        out = 1 - erf_array(x)
        tail = np.abs(x) > _TAIL_START
        ax = np.abs(x[tail])
        far = _erfc_fraction(ax, _TAIL_DEPTH)
        out[tail] = np.where(x[tail] > 0, far, 2 - far)
    return out.astype(a.dtype, copy=False) if a.dtype.kind == "f" else out



def erfcx_array(a):
    """The scaled complementary error function e^(x²) erfc(x), finite for large x."""
    x = np.asarray(a, dtype=np.float64)
    with np.errstate(all="ignore"):
        ax = np.abs(x)
        near = ax <= _TAIL_START
        positive = np.empty_like(x)  # erfcx(|x|)
        positive[near] = np.exp(ax[near] ** 2) * (1 - erf_array(ax[near]))
        positive[~near] = np.where(ax[~near] > 5e7, 1 / (math.sqrt(math.pi) * ax[~near]),
                                   _erfcx_fraction(np.minimum(ax[~near], 5e7), _TAIL_DEPTH))
        # erfcx(−x) = 2 e^(x²) − erfcx(x); e^(x²) overflows below x ≈ −26.6
        out = np.where(x >= 0, positive, np.where(x < -26.7, np.inf, 2 * np.exp(x * x) - positive))
        out = np.where(np.isnan(x), np.nan, out)
    return out.astype(a.dtype, copy=False) if a.dtype.kind == "f" else out


_SQRT_HALF = math.sqrt(0.5)


def ndtr_array(a):
    """Φ(x), the standard normal CDF: ½ erfc(−x/√2), accurate in both tails."""
    x = np.asarray(a, dtype=np.float64)
    out = 0.5 * erfc_array(-x * _SQRT_HALF)
    return out.astype(a.dtype, copy=False) if a.dtype.kind == "f" else out


def log_ndtr_array(a):
    """log Φ(x): through erfcx in the left tail, so it stays finite far below −38."""
    x = np.asarray(a, dtype=np.float64)
    t = x * _SQRT_HALF
    with np.errstate(all="ignore"):
        out = np.where(x < -1, np.log(erfcx_array(-t) / 2) - t * t, np.log1p(-erfc_array(t) / 2))
    return out.astype(a.dtype, copy=False) if a.dtype.kind == "f" else out


def ndtri_array(a):
    """Φ⁻¹(p): a rational first guess (Abramowitz & Stegun 26.2.23), then Newton steps on
    log Φ(x) = log p, which is concave, so the steps converge from any guess; p > ½ by symmetry."""
    p = np.asarray(a, dtype=np.float64)
    with np.errstate(all="ignore"):
        central = np.sqrt(2) * erfinv_array(2 * p - 1)  # exact 2p − 1: relative accuracy near ½
        low = np.minimum(p, 1 - p)
        t = np.sqrt(-2 * np.log(low))
        x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
              (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t ** 3))
        target = np.log(low)
        for _ in range(6):
            log_cdf = log_ndtr_array(x)
            slope = np.exp(-0.5 * x * x - 0.5 * math.log(2 * math.pi) - log_cdf)  # φ/Φ
            step = (log_cdf - target) / slope
            x = np.where(np.isfinite(step), x - step, x)
        x = np.where(p > 0.5, -x, x)
        x = np.where(np.abs(p - 0.5) <= 0.25, central, x)
        x = np.where(p == 0, -np.inf, np.where(p == 1, np.inf, x))
        x = np.where((p < 0) | (p > 1) | np.isnan(p), np.nan, x)
    return x.astype(a.dtype, copy=False) if a.dtype.kind == "f" else x
