"""The gamma-function family on arrays: lgamma, digamma, trigamma, Hurwitz zeta, polygamma,
and the regularized incomplete gamma functions, in vectorized NumPy (float64 inside).

NumPy has none of them.  Each kernel follows the method torch uses (derived from the Cephes
Math Library and SciPy), so that results agree with torch to a few ulps, including torch's
values at poles and infinities:

* ``lgamma``: Taylor series of lgamma(1 + z) (coefficients ζ(k)/k) near 1 and 2, the
  recurrence Γ(x + 1) = xΓ(x) to reach them, Stirling's series for x ≥ 15 and the
  reflection formula for x < 0;
* ``digamma``: ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic series; reflection
  for x < 0;
* ``zeta(s, q)``: Euler–Maclaurin summation (nine terms, then twelve Bernoulli corrections);
* ``polygamma(n, x) = (−1)ⁿ⁺¹ n! ζ(n + 1, x)``; trigamma has a shorter series of its own;
* ``igamma``/``igammac``: the power series (DLMF 8.11.4), the continued fraction (8.9.2)
  or the small-x series (8.7.3), chosen per element as SciPy chooses them.

Loops run over the series terms, never over elements: each iteration updates only the
elements still converging.
"""
import math

import numpy as np

_EULER = 0.57721566490153286061
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
_MACHEP = 1.11022302462515654042e-16


def float64_kernel(kernel):
    """Run ``kernel`` in float64 and give the result the input's float dtype back."""
    def run(*arrays, **params):
        dt = np.result_type(*[a for a in arrays if isinstance(a, np.ndarray)] or [np.float64])
        args = [np.asarray(a, dtype=np.float64) for a in arrays]
        with np.errstate(all="ignore"):
            out = kernel(*args, **params)
            return np.asarray(out).astype(dt if dt.kind == "f" else np.float64, copy=False)
    run.__name__, run.__doc__ = kernel.__name__, kernel.__doc__
    return run


def horner(z, coefficients):
    """Σ cₖ zᵏ with ``coefficients`` listed from the highest power down (Cephes' polevl)."""
    out = np.full_like(z, coefficients[0])
    for c in coefficients[1:]:
        out = out * z + c
    return out


def _bernoulli(count):
    """B₀ … B₂ₖ as exact fractions (the Akiyama–Tanigawa algorithm), for the series' constants."""
    from fractions import Fraction
    numbers, row = [], []
    for m in range(2 * count + 1):
        row.append(Fraction(1, m + 1))
        for j in range(m, 0, -1):
            row[j - 1] = j * (row[j - 1] - row[j])
        numbers.append(row[0])
    return numbers  # B₁ = +1/2 in this convention; only the even ones are used


_B = _bernoulli(12)
# Stirling: lgamma(x) ≈ (x − ½) log x − x + ½ log 2π + Σ B₂ₖ / (2k (2k − 1) x²ᵏ⁻¹)
_STIRLING = [float(_B[2 * k] / (2 * k * (2 * k - 1))) for k in range(1, 10)][::-1]
# Euler–Maclaurin tail of zeta: (2k)! / B₂ₖ
_ZETA_A = [float(math.factorial(2 * k) / _B[2 * k]) for k in range(1, 13)]


def _zeta_integers(count):
    """ζ(2) … ζ(count + 1) to float64 precision (for lgamma's Taylor series)."""
    out = []
    for s in range(2, count + 2):
        n = 30  # Σ_{k<n} k⁻ˢ + Euler–Maclaurin tail at n
        total = math.fsum(k ** -s for k in range(1, n))
        tail = n ** (1 - s) / (s - 1) + 0.5 * n ** -s
        rising, power = 1.0, n ** -s
        for k in range(1, 9):
            rising *= (s + 2 * k - 2) * (s + 2 * k - 3) if k > 1 else s
            power /= n * n if k > 1 else n
            tail += float(_B[2 * k]) / math.factorial(2 * k) * rising * power
        out.append(total + tail)
    return out


# lgamma(1 + z) = −γz + Σ_{k≥2} (−1)ᵏ ζ(k)/k zᵏ, for |z| ≤ 1/2
_LGAMMA1 = [(-1) ** k * zk / k for k, zk in enumerate(_zeta_integers(55), start=2)][::-1]


def _lgamma_near_1(z):
    """lgamma(1 + z) for |z| ≤ 1/2 (no cancellation near the roots 1 and 2)."""
    return z * (horner(z, _LGAMMA1) * z - _EULER)


def _sin_pi(x):
    """sin(πx) with the argument reduced first, exact at integers."""
    r = x - 2 * np.round(x / 2)  # in [-1, 1]
    return np.sin(np.pi * r)


@float64_kernel
def lgamma(x):
    """log |Γ(x)|."""
    out = np.full_like(x, np.inf)
    finite = np.isfinite(x) & ~((x <= 0) & (x == np.floor(x)))
    out[np.isnan(x)] = np.nan
    v = x[finite]
    res = np.empty_like(v)
    neg = v < 0
    pos = ~neg
    res[pos] = _lgamma_positive(v[pos])
    w = v[neg]
    res[neg] = np.log(np.pi / np.abs(_sin_pi(w))) - _lgamma_positive(1 - w)
    out[finite] = res
    return out


def _lgamma_positive(x):
    out = np.empty_like(x)
    tiny = x < 0.5
    near1 = (x >= 0.5) & (x < 1.5)
    near2 = (x >= 1.5) & (x < 2.5)
    mid = (x >= 2.5) & (x < 15)
    big = x >= 15
    t = x[tiny]
    out[tiny] = _lgamma_near_1(t) - np.log(t)  # Γ(x) = Γ(x + 1) / x
    out[near1] = _lgamma_near_1(x[near1] - 1)
    z = x[near2] - 2
    out[near2] = np.log1p(z) + _lgamma_near_1(z)
    t = x[mid]
    shifts = np.floor(t - 1.5)  # brings t down into [1.5, 2.5)
    product = np.ones_like(t)
    for k in range(1, 14):
        product = np.where(k <= shifts, product * (t - k), product)
    z = t - shifts - 2
    out[mid] = np.log1p(z) + _lgamma_near_1(z) + np.log(product)
    t = x[big]
    r = 1 / t
    out[big] = (t - 0.5) * np.log(t) - t + _LOG_SQRT_2PI + r * horner(r * r, _STIRLING)
    return out


_PSI_10 = 2.25175258906672110764
_DIGAMMA_A = [8.33333333333333333333e-2, -2.10927960927960927961e-2, 7.57575757575757575758e-3,
              -4.16666666666666666667e-3, 3.96825396825396825397e-3, -8.33333333333333333333e-3,
              8.33333333333333333333e-2]


@float64_kernel
def digamma(x):
    """ψ(x) = d/dx log Γ(x); ±0 gives ∓inf and negative integers NaN, as in torch."""
    neg = x < 0
    frac = x - np.trunc(x)
    result = np.where(neg, -np.pi / np.tan(np.pi * frac), 0.0)
    x = np.where(neg, 1 - x, x)
    for _ in range(10):
        shift = x < 10
        result = np.where(shift, result - 1 / x, result)
        x = np.where(shift, x + 1, x)
    z = 1 / (x * x)
    tail = np.where(x < 1e17, z * horner(z, _DIGAMMA_A), 0.0)
    out = np.where(x == 10, result + _PSI_10, result + np.log(x) - 0.5 / x - tail)
    out = np.where(neg & (frac == 0), np.nan, out)
    zero = x == 0
    return np.where(zero, np.copysign(np.inf, -x), out)


@float64_kernel
def trigamma(x):
    """ψ'(x): reflection below 1/2, six recurrence steps, then a short asymptotic series."""
    small = x < 0.5
    s = np.sin(np.pi * x)  # not reduced: torch's poles give large finite values
    result = np.where(small, -(np.pi * np.pi) / (s * s), 0.0)
    x = np.where(small, 1 - x, x)
    for _ in range(6):
        result = result + 1 / (x * x)
        x = x + 1
    ixx = 1 / (x * x)
    result = result + (1 + 1 / (2 * x) + ixx * (1 / 6 - ixx * (1 / 30 - ixx * (1 / 42)))) / x
    return np.where(small, -result, result)


@float64_kernel
def zeta(s, q):
    """Hurwitz zeta ζ(s, q) = Σₖ (k + q)⁻ˢ (torch's special.zeta)."""
    s, q = np.broadcast_arrays(s, q)
    out = np.full(s.shape, np.nan)
    pole_q = (q <= 0) & (q == np.floor(q))
    defined = (s > 1) & ~pole_q & ~((q <= 0) & (s != np.floor(s)))
    out[(s == 1) | ((s > 1) & pole_q)] = np.inf
    x, a = s[defined], q[defined]
    total = a ** -x
    b = np.zeros_like(x)
    converged = np.zeros(x.shape, dtype=bool)
    for _ in range(9):  # Cephes: nine terms, stopping early once they no longer count
        step = ~converged
        a = np.where(step, a + 1, a)
        b = np.where(step, a ** -x, b)
        total = np.where(step, total + b, total)
        converged |= step & (np.abs(b) < _MACHEP * total)
    more = np.flatnonzero(~converged & (a <= 9))  # negative q: sum on until q + k > 9
    while more.size:
        a[more] += 1
        b[more] = a[more] ** -x[more]
        total[more] += b[more]
        converged[more] = np.abs(b[more]) < _MACHEP * total[more]
        more = more[~converged[more] & (a[more] <= 9)]
    active = ~converged
    w = a
    total = np.where(active, total + b * w / (x - 1) - 0.5 * b, total)
    factor, k = np.ones_like(x), 0.0
    for coefficient in _ZETA_A:
        factor = factor * (x + k)
        b = b / w
        t = factor * b / coefficient
        total = np.where(active, total + t, total)
        active &= ~(np.abs(t / total) < _MACHEP)
        k += 1
        factor = factor * (x + k)
        b = b / w
        k += 1
    out[defined] = total
    return out


def polygamma(n, x):
    """ψ⁽ⁿ⁾(x), the n-th derivative of digamma (n ≥ 0 an integer)."""
    if n == 0:
        return digamma(x)
    if n == 1:
        return trigamma(x)
    sign = 1.0 if n % 2 else -1.0
    return (sign * math.exp(math.lgamma(n + 1)) * zeta(np.asarray(float(n + 1), x.dtype), x)
            ).astype(x.dtype, copy=False)


# -- regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 − P ----------------------
_LANCZOS_G = 6.024680040776729583740234375
_LANCZOS_NUM = [
    0.006061842346248906525783753964555936883222,
    0.5098416655656676188125178644804694509993,
    19.51992788247617482847860966235652136208,
    449.9445569063168119446858607650988409623,
    6955.999602515376140356310115515198987526,
    75999.29304014542649875303443598909137092,
    601859.6171681098786670226533699352302507,
    3481712.15498064590882071018964774556468,
    14605578.08768506808414169982791359218571,
    43338889.32467613834773723740590533316085,
    86363131.28813859145546927288977868422342,
    103794043.1163445451906271053616070238554,
    56906521.91347156388090791033559122686859,
]
# listed from the highest power down; the denominator is the polynomial x (x+1) … (x+10)
_LANCZOS_DEN = [1., 66., 1925., 32670., 357423., 2637558., 13339535., 45995730., 105258076.,
                150917976., 120543840., 39916800., 0.]


def _lanczos_sum_expg_scaled(a):
    """Boost's Lanczos sum, as a ratio of polynomials evaluated in 1/a for large a."""
    big = a > 1
    y = np.where(big, 1 / a, a)
    num_low, den_low = horner(y, _LANCZOS_NUM), horner(y, _LANCZOS_DEN)
    num_high, den_high = horner(y, _LANCZOS_NUM[::-1]), horner(y, _LANCZOS_DEN[::-1])
    return np.where(big, num_high / den_high, num_low / den_low)


def _igam_fac(a, x):
    """xᵃ e⁻ˣ / Γ(a), through the Lanczos form when x is near a (no cancellation)."""
    direct = np.exp(a * np.log(x) - x - lgamma(a))
    fac = a + _LANCZOS_G - 0.5
    res = np.sqrt(fac / math.e) / _lanczos_sum_expg_scaled(a)
    moderate = (a < 200) & (x < 200)
    num = x - a - _LANCZOS_G + 0.5
    numfac = num / fac
    res = res * np.where(moderate, np.exp(a - x) * (x / fac) ** a,
                         np.exp(a * (np.log1p(numfac) - numfac) + x * (0.5 - _LANCZOS_G) / fac))
    return np.where(np.abs(a - x) > 0.4 * np.abs(a), direct, res)


def _converge(step, state, max_iter=2000):
    """Iterate ``step(state) -> (state, done)`` on the elements not yet done.

    ``state`` is a dict of equally long arrays; converged elements leave it, so each
    iteration costs only what is still converging."""
    n = len(next(iter(state.values())))
    final = {k: v.copy() for k, v in state.items()}
    index = np.arange(n)
    for _ in range(max_iter):
        if not index.size:
            break
        state, done = step(state)
        if done.any():
            for k in final:
                final[k][index[done]] = state[k][done]
            keep = ~done
            index = index[keep]
            state = {k: v[keep] for k, v in state.items()}
    for k in final:
        final[k][index] = state[k]
    return final


def _igam_series(a, x):
    """P(a, x) by its power series (DLMF 8.11.4)."""
    ax = _igam_fac(a, x)

    def step(s):
        r = s["r"] + 1
        c = s["c"] * s["x"] / r
        ans = s["ans"] + c
        return dict(s, r=r, c=c, ans=ans), c <= _MACHEP * ans

    ones = np.ones_like(a)
    ans = _converge(step, {"r": a.copy(), "c": ones, "ans": ones.copy(), "x": x})["ans"]
    return np.where(ax == 0, 0.0, ans * ax / a)


def _igamc_series(a, x):
    """Q(a, x) for small x (DLMF 8.7.3), avoiding the cancellation of 1 − P."""
    def step(s):
        n = s["n"] + 1
        fac = s["fac"] * -s["x"] / n
        term = fac / (s["a"] + n)
        total = s["sum"] + term
        return dict(s, n=n, fac=fac, sum=total), np.abs(term) <= _MACHEP * np.abs(total)

    zeros = np.zeros_like(a)
    total = _converge(step, {"n": zeros, "fac": np.ones_like(a), "sum": zeros.copy(), "a": a,
                             "x": x}, max_iter=1999)["sum"]
    logx = np.log(x)
    return -np.expm1(a * logx - lgamma(1 + a)) - np.exp(a * logx - lgamma(a)) * total


def _igamc_fraction(a, x):
    """Q(a, x) by its continued fraction (DLMF 8.9.2), for x > a."""
    ax = _igam_fac(a, x)
    big, biginv = 4.503599627370496e15, 2.22044604925031308085e-16
    y = 1 - a
    z = x + y + 1
    state = {"c": np.zeros_like(a), "y": y, "z": z, "pkm2": np.ones_like(a), "qkm2": x.copy(),
             "pkm1": x + 1, "qkm1": z * x}
    state["ans"] = state["pkm1"] / state["qkm1"]

    def step(s):
        c, y, z = s["c"] + 1, s["y"] + 1, s["z"] + 2
        yc = y * c
        pk = s["pkm1"] * z - s["pkm2"] * yc
        qk = s["qkm1"] * z - s["qkm2"] * yc
        nonzero = qk != 0
        r = np.where(nonzero, pk / np.where(nonzero, qk, 1), s["ans"])
        t = np.where(nonzero, np.abs((s["ans"] - r) / r), 1.0)
        scale = np.where(np.abs(pk) > big, biginv, 1.0)
        new = {"c": c, "y": y, "z": z, "ans": r, "pkm2": s["pkm1"] * scale, "pkm1": pk * scale,
               "qkm2": s["qkm1"] * scale, "qkm1": qk * scale}
        return new, t <= _MACHEP

    ans = _converge(step, state)["ans"]
    return np.where(ax == 0, 0.0, ans * ax)


def _upper(a, x):
    """Q(a, x) inside the domain, by the branch SciPy (and torch) pick for (a, x)."""
    res = np.empty_like(a)
    fraction = (x > 1.1) & (x >= a)
    small = (x <= 1.1) & (((x <= 0.5) & (-0.4 / np.log(x) >= a)) | ((x > 0.5) & (x * 1.1 >= a)))
    series = ~fraction & ~small
    res[fraction] = _igamc_fraction(a[fraction], x[fraction])
    res[small] = _igamc_series(a[small], x[small])
    res[series] = 1 - _igam_series(a[series], x[series])
    return res


def _igamma_pair(a, x, upper):
    """P(a, x) (``upper=False``) or Q(a, x), with SciPy's boundary values and branches."""
    a, x = np.broadcast_arrays(a, x)
    out = np.full(a.shape, np.nan)
    inner = (x > 0) & (a > 0) & np.isfinite(a) & np.isfinite(x)
    at_zero_a = (a == 0) & (x > 0)
    out[at_zero_a] = 0.0 if upper else 1.0
    out[(x == 0) & (a > 0)] = 1.0 if upper else 0.0
    inf_a = np.isinf(a) & (a > 0) & (x > 0) & ~np.isinf(x)
    out[inf_a] = 1.0 if upper else 0.0
    inf_x = np.isinf(x) & (x > 0) & (a > 0) & np.isfinite(a)
    out[inf_x] = 0.0 if upper else 1.0
    a, x = a[inner], x[inner]
    if upper:
        out[inner] = _upper(a, x)
        return out
    res = np.empty_like(a)
    complement = (x > 1) & (x > a)  # P close to 1: 1 − Q
    res[complement] = 1 - _upper(a[complement], x[complement])
    res[~complement] = _igam_series(a[~complement], x[~complement])
    out[inner] = res
    return out


@float64_kernel
def igamma(a, x):
    """Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a)."""
    return _igamma_pair(a, x, upper=False)


@float64_kernel
def igammac(a, x):
    """Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a)."""
    return _igamma_pair(a, x, upper=True)
