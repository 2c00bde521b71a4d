"""Bessel functions and the Airy function on arrays, in vectorized NumPy (float64 inside).

NumPy has only ``i0``.  Rather than tables of fitted coefficients, each function is computed
from a textbook representation that converges fast where it is used:

* I₀, I₁ (and the scaled e^−|x| Iᵥ): the power series Σ (x²/4)ᵏ / (k! (k+ν)!) for |x| ≤ 30
  (all terms positive, so no cancellation), Hankel's asymptotic series beyond;
* K₀, K₁ (and the scaled eˣ Kᵥ): the series with ψ(k + 1) for x ≤ 2; beyond it the integral
  Kᵥ(x) = ∫₀^∞ e^(−x cosh t) cosh(νt) dt by the trapezoidal rule, which converges
  geometrically for such smooth, fast-decaying integrands;
* J₀, J₁, Y₀, Y₁: the power series for x ≤ 4, Miller's backward recurrence with Neumann's
  series for Y between 4 and 30, Hankel's asymptotic series beyond;
* Ai: its Maclaurin series near 0, K₁/₃ for x > 2.09, J±₁/₃ (Miller again) and the
  asymptotic series for x < −2.09.

Edge values (0, ±inf, NaN, negative arguments of Y and K) follow torch.  Where torch's own
values are off (its J₀, J₁, Y₀, Y₁ for 2.7 < x < 20 and Ai for −10 < x < −2.09 evaluate
Cephes' ``p1evl`` denominators without their leading 1: errors up to 3e−6), these stay exact.
"""
import math

import numpy as np

from .gamma import float64_kernel, horner

_EULER = 0.57721566490153286061
_SERIES_TERMS = 64
# 1 / (k! (k + ν)!) for ν = 0, 1, listed from the highest power down (for ``horner``)
_I_SERIES = {nu: [1 / (math.factorial(k) * math.factorial(k + nu))
                  for k in range(_SERIES_TERMS)][::-1]
             for nu in (0, 1)}


def _harmonic(k):
    return math.fsum(1 / j for j in range(1, k + 1))


def _psi_int(k):
    """ψ(k) for a positive integer k."""
    return -_EULER + _harmonic(k - 1)


def _hankel_terms(nu, count=30):
    """aₖ(ν) = Π_{j≤k} (4ν² − (2j − 1)²) / (k! 8ᵏ), the coefficients of Hankel's expansions."""
    a, out = 1.0, [1.0]
    for k in range(1, count):
        a *= (4 * nu * nu - (2 * k - 1) ** 2) / (8 * k)
        out.append(a)
    return out


_HANKEL = {nu: _hankel_terms(nu) for nu in (0, 1)}


def _scaled_i_large(x, nu):
    """e^−x Iᵥ(x) for x > 30: (2πx)^−½ Σ (−1)ᵏ aₖ(ν) / xᵏ."""
    coefficients = [(-1) ** k * a for k, a in enumerate(_HANKEL[nu])][::-1]
    return horner(1 / x, coefficients) / np.sqrt(2 * np.pi * x)


def _scaled_i(x, nu):
    """e^−|x| Iᵥ(|x|) for ν = 0 or 1."""
    ax = np.abs(x)
    out = np.empty_like(ax)
    small = ax <= 30
    t = ax[small]
    series = horner(t * t / 4, _I_SERIES[nu])
    if nu:
        series *= t / 2
    out[small] = series * np.exp(-t)
    out[~small] = _scaled_i_large(ax[~small], nu)
    return out


@float64_kernel
def i0(x):
    return _scaled_i(x, 0) * np.exp(np.abs(x))


@float64_kernel
def i0e(x):
    return _scaled_i(x, 0)


@float64_kernel
def i1(x):
    return np.copysign(_scaled_i(x, 1), x) * np.exp(np.abs(x))


@float64_kernel
def i1e(x):
    return np.copysign(_scaled_i(x, 1), x)


# -- K₀, K₁ -------------------------------------------------------------------------------------
_K_SMALL_TERMS = 30
_K0_SERIES = [_harmonic(k) / math.factorial(k) ** 2 for k in range(_K_SMALL_TERMS)][::-1]
_K1_SERIES = [(_psi_int(k + 1) + _psi_int(k + 2)) / (math.factorial(k) * math.factorial(k + 1))
              for k in range(_K_SMALL_TERMS)][::-1]
_K_NODES = 40


def _k_small(x, nu):
    """Kᵥ(x) for 0 < x ≤ 2 from its series around 0 (DLMF 10.31.1)."""
    t = x * x / 4
    log_half = np.log(x / 2)
    i_nu = horner(t, _I_SERIES[nu]) * (x / 2 if nu else 1)
    if nu == 0:
        return -(log_half + _EULER) * i_nu + horner(t, _K0_SERIES)
    return 1 / x + log_half * i_nu - (x / 4) * horner(t, _K1_SERIES)


def scaled_k_integral(x, nu):
    """eˣ Kᵥ(x) = ∫₀^∞ e^(−x (cosh t − 1)) cosh(νt) dt by the trapezoidal rule (x ≳ 1)."""
    end = np.arccosh(1 + 40 / x)  # the integrand is below e^−40 beyond
    h = end / _K_NODES
    total = 0.5 * np.ones_like(x)
    for j in range(1, _K_NODES + 1):
        t = j * h
        total = total + np.exp(-x * (np.cosh(t) - 1)) * np.cosh(nu * t)
    return total * h


def _k(x, nu, scaled):
    out = np.full_like(x, np.nan)
    out[x == 0] = np.inf
    out[x == np.inf] = 0.0
    small = (x > 0) & (x <= 2)
    large = (x > 2) & (x < np.inf)
    v = x[small]
    out[small] = _k_small(v, nu) * (np.exp(v) if scaled else 1)
    v = x[large]
    out[large] = scaled_k_integral(v, nu) * (1 if scaled else np.exp(-v))
    return out


@float64_kernel
def k0(x):
    return _k(x, 0, scaled=False)


@float64_kernel
def k1(x):
    return _k(x, 1, scaled=False)


@float64_kernel
def k0e(x):
    return _k(x, 0, scaled=True)


@float64_kernel
def k1e(x):
    return _k(x, 1, scaled=True)


# -- J₀, J₁, Y₀, Y₁ ------------------------------------------------------------------------------
_J_SERIES = {nu: [(-1) ** k * c for k, c in enumerate(_I_SERIES[nu][::-1][:30])][::-1]
             for nu in (0, 1)}
_Y0_SERIES = [(-1) ** k * 2 * _psi_int(k + 1) / math.factorial(k) ** 2 for k in range(30)][::-1]
_Y1_SERIES = [(-1) ** k * (_psi_int(k + 1) + _psi_int(k + 2))
              / (math.factorial(k) * math.factorial(k + 1)) for k in range(30)][::-1]
_MILLER_START = 80


def _bessel_small(x, which):
    """J₀, J₁, Y₀ or Y₁ (``which`` = 0 … 3) for 0 < x ≤ 4 from the power series (DLMF 10.2.2,
    10.8.1)."""
    t = x * x / 4
    if which == 0:
        return horner(t, _J_SERIES[0])
    if which == 1:
        return horner(t, _J_SERIES[1]) * x / 2
    log_half = np.log(x / 2)
    if which == 2:
        return (2 / np.pi) * log_half * horner(t, _J_SERIES[0]) - horner(t, _Y0_SERIES) / np.pi
    j1 = horner(t, _J_SERIES[1]) * x / 2
    return -2 / (np.pi * x) + (2 / np.pi) * log_half * j1 - (x / 2) * horner(t, _Y1_SERIES) / np.pi


def _bessel_miller(x):
    """J₀, J₁, Y₀, Y₁ for moderate x: Jₘ by backward recurrence, normalised by
    J₀ + 2 Σ J₂ₖ = 1; Y from Neumann's series in the same Jₘ (A&S 9.1.88)."""
    upper = np.zeros_like(x)   # J_{m+1}
    current = np.full_like(x, 1e-30)  # J_m, unnormalised
    norm = np.zeros_like(x)
    s0 = np.zeros_like(x)  # Σ (−1)ᵏ J₂ₖ / k
    s1 = np.zeros_like(x)  # Σ (−1)ᵏ (J₂ₖ₋₁ − J₂ₖ₊₁) / k
    j_odd_above = np.zeros_like(x)  # J_{2k+1} for the current even index 2k
    for m in range(_MILLER_START, 0, -1):
        lower = (2 * m / x) * current - upper  # J_{m−1}
        if m % 2 == 0:  # current is J_{2k}, k = m/2
            k = m // 2
            norm += 2 * current
            s0 += (-1) ** k * current / k
            j_odd_above = upper
        else:  # current is J_{2k−1} with k = (m + 1)/2; its partner J_{2k+1} was saved
            k = (m + 1) // 2
            s1 += (-1) ** k * (current - j_odd_above) / k
        upper, current = current, lower
    j0 = current
    j1 = upper
    norm += j0
    j0, j1, s0, s1 = j0 / norm, j1 / norm, s0 / norm, s1 / norm
    log_term = np.log(x / 2) + _EULER
    y0 = (2 / np.pi) * (log_term * j0 - 2 * s0)
    y1 = (2 / np.pi) * (-j0 / x + log_term * j1 + s1)
    return j0, j1, y0, y1


def _bessel_large(x, which):
    """Hankel's expansions (DLMF 10.17.3–4) for x > 30."""
    nu = which % 2
    r = 1 / x
    a = _HANKEL[nu]
    p = horner(r * r, [(-1) ** k * a[2 * k] for k in range(15)][::-1])
    q = r * horner(r * r, [(-1) ** k * a[2 * k + 1] for k in range(14)][::-1])
    # ω = x − νπ/2 − π/4, with cos ω and sin ω from cos x and sin x (no rounding of ω)
    c, s = np.cos(x), np.sin(x)
    cos_w, sin_w = ((c + s), (s - c)) if nu == 0 else ((s - c), -(s + c))
    scale = np.sqrt(2 / (np.pi * x)) / math.sqrt(2)
    if which < 2:
        return scale * (p * cos_w - q * sin_w)
    return scale * (p * sin_w + q * cos_w)


def _bessel_jy(x, which):
    """J₀, J₁, Y₀ or Y₁ (``which`` = 0 … 3) of x > 0 (finite), each region by its method."""
    out = np.empty_like(x)
    for region, method in (((x <= 4), _bessel_small),
                           ((x > 4) & (x <= 30), lambda v, w: _bessel_miller(v)[w]),
                           ((x > 30), _bessel_large)):
        if region.any():
            out[region] = method(x[region], which)
    return out


def _jy(x, which):
    ax = np.abs(x)
    out = np.full_like(x, np.nan)
    inner = (ax > 0) & np.isfinite(ax)
    out[inner] = _bessel_jy(ax[inner], which)
    return out


@float64_kernel
def j0(x):
    out = _jy(x, 0)
    out[x == 0] = 1.0
    return out


@float64_kernel
def j1(x):
    out = np.where(x < 0, -1, 1) * _jy(x, 1)  # J₁ is odd
    out[x == 0] = 0.0
    return out


def _y(x, which):
    out = _jy(x, which)
    out[x < 0] = np.nan
    out[x == 0] = -np.inf
    return out


@float64_kernel
def y0(x):
    return _y(x, 2)


@float64_kernel
def y1(x):
    return _y(x, 3)


@float64_kernel
def spherical_j0(x):
    """sin(x)/x, by its Taylor polynomial for |x| < 1/2 (no cancellation)."""
    x2 = x * x
    taylor = horner(x2, [(-1) ** k / math.factorial(2 * k + 1) for k in range(8)][::-1])
    out = np.where(np.abs(x) < 0.5, taylor, np.sin(x) / np.where(x == 0, 1, x))
    return np.where(np.isinf(x), 0.0, out)


# -- Airy Ai ------------------------------------------------------------------------------------
_AI_C1, _AI_C2 = 0.355028053887817239260, 0.258819403792806798405  # Ai(0), −Ai'(0)


def _airy_series(x):
    """Ai(x) = c₁ f(x) − c₂ g(x), the Maclaurin series (DLMF 9.4.1), for |x| ≤ 2.09."""
    z = x * x * x
    f, g = np.ones_like(x), x.copy()
    m, n = np.ones_like(x), x.copy()
    for k in range(1, 40):
        m = m * z / ((3 * k - 1) * (3 * k))
        n = n * z / ((3 * k) * (3 * k + 1))
        f += m
        g += n
    return _AI_C1 * f - _AI_C2 * g


def _j_fractional(x, nu):
    """J_ν(x) for ν = ±1/3 by Miller's recurrence, normalised with Gegenbauer's sum
    Σₖ (ν + 2k) (ν)ₖ / k! J_{ν+2k}(x) = (x/2)^ν / Γ(ν)."""
    upper, current = np.zeros_like(x), np.full_like(x, 1e-30)
    start = 2 * _MILLER_START // 2
    weights = [1.0]
    for k in range(1, start // 2 + 1):
        weights.append(weights[-1] * (nu + k - 1) / k)
    norm = np.zeros_like(x)
    for m in range(start, 0, -1):  # current = J_{ν+m}
        if m % 2 == 0:
            k = m // 2
            norm += (nu + 2 * k) * weights[k] * current
        upper, current = current, (2 * (nu + m) / x) * current - upper
    norm += nu * current  # k = 0: current = J_ν
    return current * ((x / 2) ** nu / math.gamma(nu)) / norm


def _airy_negative_asymptotic(z):
    """Ai(−z) for large z (DLMF 9.7.9)."""
    zeta = 2 / 3 * z * np.sqrt(z)
    u = [1.0]
    for k in range(1, 20):
        u.append(u[-1] * (6 * k - 5) * (6 * k - 3) * (6 * k - 1) / (216 * k * (2 * k - 1)))
    r = 1 / zeta
    even = horner(r * r, [(-1) ** k * u[2 * k] for k in range(10)][::-1])
    odd = r * horner(r * r, [(-1) ** k * u[2 * k + 1] for k in range(10)][::-1])
    phase = zeta + np.pi / 4
    return (np.sin(phase) * even - np.cos(phase) * odd) / (np.sqrt(np.pi) * z ** 0.25)


@float64_kernel
def airy_ai(x):
    out = np.full_like(x, np.nan)
    near = np.abs(x) <= 2.09
    out[near] = _airy_series(x[near])
    right = (x > 2.09) & (x <= 103.892)
    v = x[right]
    zeta = 2 / 3 * v * np.sqrt(v)
    out[right] = np.sqrt(v / 3) / np.pi * scaled_k_integral(zeta, 1 / 3) * np.exp(-zeta)
    out[(x > 103.892) & np.isfinite(x)] = 0.0
    left = (x < -2.09) & (x >= -9.5)
    z = -x[left]
    zeta = 2 / 3 * z * np.sqrt(z)
    out[left] = np.sqrt(z) / 3 * (_j_fractional(zeta, 1 / 3) + _j_fractional(zeta, -1 / 3))
    far = (x < -9.5) & np.isfinite(x)
    out[far] = _airy_negative_asymptotic(-x[far])
    return out
