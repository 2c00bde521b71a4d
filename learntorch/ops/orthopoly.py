"""Orthogonal polynomials of torch.special (Chebyshev T/U/V/W and their shifted forms,
Hermite H/He, Laguerre L, Legendre P), evaluated like torch: by their three-term recurrences,
or by the trigonometric closed forms of the Chebyshev polynomials for |x| < 1 and large n.

``n`` is truncated to an integer per element (a negative or non-finite n gives 0); the
recurrence runs once for all elements, each stopping at its own n.  No gradients (as in torch).
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from .gamma import float64_kernel
from .pointwise import _out


def _degrees(n):
    finite = np.isfinite(n)
    return np.where(finite, np.trunc(np.where(finite, n, -1)), -1).astype(np.int64)


def _recurrence(x, n, first, step, start=1):
    """P_n(x) from P_0 = 1, P_1 = ``first``, P_{k+1} = step(k, x, P_{k−1}, P_k)."""
    p, q = np.ones_like(x), first
    out = np.where(n == 0, 1.0, np.where(n == 1, first, 0.0))
    top = int(n.max(initial=1))
    for k in range(start, top):
        live = (k + 1 <= n) & ~np.isnan(q)
        if not live.any():
            break
        r = step(k, x, p, q)
        p, q = np.where(live, q, p), np.where(live, r, q)
        out = np.where(live & (n == k + 1), r, out)
    # an element whose recurrence hit NaN keeps its last value, as torch's loop stops there
    stuck = (n > 1) & np.isnan(q)
    return np.where(stuck & (out == 0), q, out)


def _chebyshev(x, n, kind):
    """Chebyshev polynomials T, U, V, W: P_{k+1} = 2x P_k − P_{k−1}, P_1 of each kind."""
    first = {"t": x, "u": 2 * x, "v": 2 * x - 1, "w": 2 * x + 1}[kind]
    out = _recurrence(x, n, first, lambda k, x, p, q: 2 * x * q - p)
    theta = np.arccos(np.clip(x, -1, 1))
    inside = np.abs(x) < 1
    with np.errstate(all="ignore"):
        if kind == "t":
            closed, limit = np.cos(n * theta), 6
        elif kind == "u":
            closed = np.where(np.sin(theta) != 0, np.sin((n + 1) * theta) / np.sin(theta),
                              (n + 1) * np.cos((n + 1) * theta) / x)
            limit = 8
        elif kind == "v":
            closed = np.where(np.sin(theta / 2) != 1, np.cos((n + 0.5) * theta) / np.cos(theta / 2),
                              np.where(n % 2 == 0, 2 * n + 1, -(2 * n + 1)))
            limit = 8
        else:
            closed = np.where(np.cos(theta / 2) != 1, np.sin((n + 0.5) * theta) / np.sin(theta / 2),
                              np.where(x > 0, 2 * n + 1, np.where(n % 2 == 0, 1, -1)))
            limit = 8
    out = np.where((n > limit) & inside, closed, out)
    # the values at x = ±1
    even = n % 2 == 0
    at_one = {"t": (1, np.where(even, 1, -1)), "u": (n + 1, np.where(even, n + 1, -(n + 1))),
              "v": (1, np.where(even, 2 * n + 1, -(2 * n + 1))),
              "w": (2 * n + 1, np.where(even, 1, -1))}[kind]
    out = np.where(x == 1, at_one[0], np.where(x == -1, at_one[1], out))
    return np.where(n < 0, 0.0, out)


def _shifted_chebyshev(x, n, kind):
    """P*(x) = P(2x − 1); torch's closed form starts above n = 6 (n = 4 for W)."""
    y = 2 * x - 1
    first = {"t": y, "u": 2 * y, "v": 2 * y - 1, "w": 2 * y + 1}[kind]
    out = _recurrence(y, n, first, lambda k, y, p, q: 2 * y * q - p)
    theta = np.arccos(np.clip(y, -1, 1))
    inside = np.abs(y) < 1
    with np.errstate(all="ignore"):
        closed = {
            "t": lambda: np.cos(n * theta),
            "u": lambda: np.where(np.sin(theta) != 0, np.sin((n + 1) * theta) / np.sin(theta),
                                  (n + 1) * np.cos((n + 1) * theta) / y),
            "v": lambda: np.where(np.sin(theta / 2) != 1,
                                  np.cos((n + 0.5) * theta) / np.cos(theta / 2),
                                  np.where(n % 2 == 0, 2 * n + 1, -(2 * n + 1))),
            "w": lambda: np.where(np.cos(theta / 2) != 1,
                                  np.sin((n + 0.5) * theta) / np.sin(theta / 2),
                                  np.where(n % 2 == 0, 1, -1)),
        }[kind]()
    out = np.where((n > (4 if kind == "w" else 6)) & inside, closed, out)
    even = n % 2 == 0
    at = {"t": (1, np.where(even, 1, -1)), "u": (n + 1, np.where(even, n + 1, -(n + 1))),
          "v": (1, np.where(even, 2 * n + 1, -(2 * n + 1))),
          "w": (2 * n + 1, np.where(even, 1, -1))}
    out = np.where(x == 1, at[kind][0], np.where(x == 0, at[kind][1], out))
    return np.where(n < 0, 0.0, out)


def _hermite(x, n, physicists, limit):
    if physicists:  # H_{k+1} = 2x H_k − 2k H_{k−1}
        out = _recurrence(x, n, 2 * x, lambda k, x, p, q: 2 * x * q - 2 * k * p)
    else:  # He_{k+1} = x He_k − k He_{k−1}
        out = _recurrence(x, n, x, lambda k, x, p, q: x * q - k * p)
    out = np.where(n > limit, np.nan, out)
    return np.where(n < 0, 0.0, out)


def _laguerre(x, n):
    out = _recurrence(x, n, 1 - x, lambda k, x, p, q: ((2 * k + 1 - x) * q - k * p) / (k + 1))
    out = np.where(x == 0, 1.0, out)
    return np.where(n < 0, 0.0, out)


def _legendre(x, n):
    out = _recurrence(x, n, x, lambda k, x, p, q: ((2 * k + 1) * x * q - k * p) / (k + 1))
    out = np.where(x == 1, 1.0, np.where(x == -1, np.where(n % 2 == 0, 1.0, -1.0), out))
    return np.where(n < 0, 0.0, out)


def _polynomial(name, evaluate):
    def apply(input, n, *, out=None):
        x_is, n_is = isinstance(input, Tensor), isinstance(n, Tensor)
        dt = _dtype.result_type(input, n) if (x_is or n_is) else _dtype.get_default_dtype()
        if not dt.is_floating_point:
            dt = _dtype.get_default_dtype()
        x = input._array if x_is else np.asarray(input)
        degrees = n._array if n_is else np.asarray(n)

        @float64_kernel
        def run(x, degree):
            x, degree = np.broadcast_arrays(x, _degrees(degree))
            return evaluate(x, degree, dt)

        result = run(x.astype(dt.np), degrees.astype(np.float64))
        return _out(Tensor._make(np.asarray(result, dtype=dt.np)), out)
    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = f"``{name}(input, n)``: the polynomial of degree n at input (no gradient)."
    return apply


chebyshev_polynomial_t = _polynomial("chebyshev_polynomial_t",
                                     lambda x, n, dt: _chebyshev(x, n, "t"))
chebyshev_polynomial_u = _polynomial("chebyshev_polynomial_u",
                                     lambda x, n, dt: _chebyshev(x, n, "u"))
chebyshev_polynomial_v = _polynomial("chebyshev_polynomial_v",
                                     lambda x, n, dt: _chebyshev(x, n, "v"))
chebyshev_polynomial_w = _polynomial("chebyshev_polynomial_w",
                                     lambda x, n, dt: _chebyshev(x, n, "w"))
shifted_chebyshev_polynomial_t = _polynomial("shifted_chebyshev_polynomial_t",
                                             lambda x, n, dt: _shifted_chebyshev(x, n, "t"))
shifted_chebyshev_polynomial_u = _polynomial("shifted_chebyshev_polynomial_u",
                                             lambda x, n, dt: _shifted_chebyshev(x, n, "u"))
shifted_chebyshev_polynomial_v = _polynomial("shifted_chebyshev_polynomial_v",
                                             lambda x, n, dt: _shifted_chebyshev(x, n, "v"))
shifted_chebyshev_polynomial_w = _polynomial("shifted_chebyshev_polynomial_w",
                                             lambda x, n, dt: _shifted_chebyshev(x, n, "w"))
# torch gives NaN above degree 128 (float32) or 512 (float64)
def _hermite_limit(dt):
    return 512 if dt is _dtype.float64 else 128


hermite_polynomial_h = _polynomial("hermite_polynomial_h",
                                   lambda x, n, dt: _hermite(x, n, True, _hermite_limit(dt)))
hermite_polynomial_he = _polynomial("hermite_polynomial_he",
                                    lambda x, n, dt: _hermite(x, n, False, _hermite_limit(dt)))
laguerre_polynomial_l = _polynomial("laguerre_polynomial_l", lambda x, n, dt: _laguerre(x, n))
legendre_polynomial_p = _polynomial("legendre_polynomial_p", lambda x, n, dt: _legendre(x, n))
