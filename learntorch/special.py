"""``learntorch.special``: torch.special's functions, most of them also at the top level
(``special.gammaln`` is ``lgamma``, ``special.expit`` is ``sigmoid`` …).

The kernels are in ``ops/gamma.py``, ``ops/bessel.py``, ``ops/special.py`` (the error-function
family) and ``ops/orthopoly.py``; the differentiable ops in ``ops/special_math.py``.
"""
from .ops import activation as _activation
from .ops import pointwise as _pointwise
from .ops import reduction as _reduction
from .ops import special_math as _sm
from .ops import unary as _unary
from .ops.orthopoly import (chebyshev_polynomial_t, chebyshev_polynomial_u,  # noqa: F401
                            chebyshev_polynomial_v, chebyshev_polynomial_w, hermite_polynomial_h,
                            hermite_polynomial_he, laguerre_polynomial_l, legendre_polynomial_p,
                            shifted_chebyshev_polynomial_t, shifted_chebyshev_polynomial_u,
                            shifted_chebyshev_polynomial_v, shifted_chebyshev_polynomial_w)
from ._tensor import Tensor  # noqa: F401  (torch.special re-exports it too)

erf, erfc, erfinv = _unary.erf, _unary.erfc, _unary.erfinv
expit, exp2, expm1, log1p = _unary.sigmoid, _unary.exp2, _unary.expm1, _unary.log1p
erfcx, ndtr = _sm.special_erfcx, _sm.special_ndtr
ndtri, log_ndtr = _sm.special_ndtri, _sm.special_log_ndtr
logit, sinc, entr = _sm.logit, _sm.sinc, _sm.special_entr
gammaln, digamma, psi, polygamma = _sm.lgamma, _sm.digamma, _sm.digamma, _sm.polygamma
multigammaln = _sm.mvlgamma
gammainc, gammaincc = _sm.igamma, _sm.igammac
i0, i0e, i1, i1e = _sm.i0, _sm.special_i0e, _sm.special_i1, _sm.special_i1e
xlogy, xlog1py, zeta = _pointwise.xlogy, _sm.special_xlog1py, _sm.special_zeta
bessel_j0, bessel_j1 = _sm.special_bessel_j0, _sm.special_bessel_j1
bessel_y0, bessel_y1 = _sm.special_bessel_y0, _sm.special_bessel_y1
modified_bessel_i0 = _sm.special_modified_bessel_i0
modified_bessel_i1 = _sm.special_modified_bessel_i1
modified_bessel_k0 = _sm.special_modified_bessel_k0
modified_bessel_k1 = _sm.special_modified_bessel_k1
scaled_modified_bessel_k0 = _sm.special_scaled_modified_bessel_k0
scaled_modified_bessel_k1 = _sm.special_scaled_modified_bessel_k1
spherical_bessel_j0, airy_ai = _sm.special_spherical_bessel_j0, _sm.special_airy_ai
logsumexp, round = _reduction.logsumexp, _unary.round


def softmax(input, dim, *, dtype=None):
    return _activation.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    return _activation.log_softmax(input, dim, dtype=dtype)


__all__ = [name for name in dir() if not name.startswith("_") and name != "Tensor"]
