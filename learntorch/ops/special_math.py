"""Special functions as differentiable ops: the gamma family, Bessel functions, the normal
distribution's functions, sinc, logit, entr, xlog1py and zeta (torch's top level and
``torch.special``).

The array kernels live in ``gamma.py``, ``bessel.py`` and ``special.py``; here each one is
paired with its derivative, written in learntorch ops so it can be differentiated again
(lgamma' = digamma, digamma' = polygamma(1, ·), i0' = i1, …).  The Bessel, Airy and
polynomial functions have no gradient in torch: their results do not require grad.
"""
import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from . import bessel, gamma
from ._mutation import apply_inplace, inplace_of
from ._op import Op
from ._promote import NUMBER, broadcast_error, float_array
from .pointwise import _out, where
from .special import erfcx_array, log_ndtr_array, ndtr_array, ndtri_array
from .unary import _unary

_SQRT_2PI = math.sqrt(2 * math.pi)
_OUT = "output"


# -- functions of one tensor with a gradient ---------------------------------------------------
def _special_unary(name, function, derivative, uses="input", public=None):
    return _unary(name, function, derivative, uses, module=__name__, public=public)


Lgamma, lgamma = _special_unary("Lgamma", gamma.lgamma, lambda x: digamma(x))
Digamma, digamma = _special_unary("Digamma", gamma.digamma, lambda x: polygamma(1, x))
I0, i0 = _special_unary("I0", bessel.i0, lambda x: special_i1(x))
SpecialI0e, special_i0e = _special_unary(
    "SpecialI0e", bessel.i0e, lambda x: special_i1e(x) - x.sgn() * special_i0e(x),
    public="special_i0e")
SpecialI1, special_i1 = _special_unary(
    "SpecialI1", bessel.i1, lambda x: where(x == 0, 0.5, i0(x) - special_i1(x) / x),
    public="special_i1")
SpecialI1e, special_i1e = _special_unary(
    "SpecialI1e", bessel.i1e,
    lambda x: where(x == 0, 0.5, special_i0e(x) - special_i1e(x) * (x.sgn() + 1 / x)),
    public="special_i1e")
SpecialErfcx, special_erfcx = _special_unary(
    "SpecialErfcx", erfcx_array, lambda x: 2 * x * special_erfcx(x) - 2 / math.sqrt(math.pi),
    public="special_erfcx")
SpecialNdtri, special_ndtri = _special_unary(
    "SpecialNdtri", ndtri_array, lambda y: _SQRT_2PI * (0.5 * y * y).exp(), _OUT,
    public="special_ndtri")
SpecialLogNdtr, special_log_ndtr = _special_unary(
    "SpecialLogNdtr", log_ndtr_array,
    lambda x: (-0.5 * x * x - special_log_ndtr(x)).exp() / _SQRT_2PI, public="special_log_ndtr")
for _op in (SpecialI0e, SpecialI1e):  # torch spells these nodes SpecialI0EBackward0, …
    _op._node_class.__name__ = _op._node_class.__name__.replace("eBackward", "EBackward")


class _Ndtr(Op):
    """Φ(x); torch builds it from erf, so its grad_fn is a MulBackward1."""

    node_name = "MulBackward1"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ndtr_array(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * (-0.5 * x * x).exp() / _SQRT_2PI


def special_ndtr(input, *, out=None):
    return _out(_Ndtr.run((input,), (float_array(input),), {}), out)


class Polygamma(Op):
    @staticmethod
    def forward(ctx, x, n):
        ctx.n = n
        ctx.save_for_backward(x)
        return gamma.polygamma(n, x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * polygamma(ctx.n + 1, x)


def polygamma(n, input, *, out=None):
    """ψ⁽ⁿ⁾(x), the n-th derivative of digamma."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return _out(Polygamma.run((input,), (float_array(input),), {"n": int(n)}), out)


class Mvlgamma(Op):
    """log of the multivariate gamma function: Σᵢ lgamma(x − i/2) + p(p − 1)/4 · log π."""

    @staticmethod
    def forward(ctx, x, p):
        ctx.p = p
        ctx.save_for_backward(x)
        total = sum(gamma.lgamma(np.asarray(x - i / 2, dtype=x.dtype)) for i in range(p))
        return np.asarray(total + p * (p - 1) / 4 * math.log(math.pi), dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * sum(digamma(x - i / 2) for i in range(ctx.p))


def mvlgamma(input, p, *, out=None):
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    return _out(Mvlgamma.run((input,), (float_array(input),), {"p": int(p)}), out)


class Sinc(Op):
    """sin(πx)/(πx), 1 at 0; computed in the input's dtype, as torch does."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        product = np.pi * x
        zero = x == 0
        with np.errstate(all="ignore"):
            return np.where(zero, 1, np.sin(product) / np.where(zero, 1, product)).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        px = math.pi * x
        slope = (px * px.cos() - px.sin()) / (px * x)
        return grad * where(x == 0, 0.0, slope)


def sinc(input, *, out=None):
    return _out(Sinc.run((input,), (float_array(input),), {}), out)


class Logit(Op):
    """log(x / (1 − x)), x clamped to [eps, 1 − eps] first when eps is given."""

    @staticmethod
    def forward(ctx, x, eps):
        ctx.eps = eps
        ctx.save_for_backward(x)
        if eps is not None:
            x = np.clip(x, eps, 1 - eps)
        with np.errstate(all="ignore"):
            return np.log(x / (1 - x))

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        slope = grad / (x * (1 - x))
        if ctx.eps is None:
            return slope
        return where((x < ctx.eps) | (x > 1 - ctx.eps), 0.0, slope)


def logit(input, eps=None, *, out=None):
    return _out(Logit.run((input,), (float_array(input),), {"eps": eps}), out)


class SpecialEntr(Op):
    """−x log x, 0 at 0 and −inf below 0."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(all="ignore"):
            out = np.where(x > 0, -x * np.log(np.where(x > 0, x, 1)), np.where(x == 0, 0, -np.inf))
        return np.where(np.isnan(x), np.nan, out).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * -(1 + x.log())


def special_entr(input, *, out=None):
    return _out(SpecialEntr.run((input,), (float_array(input),), {}), out)


# -- functions of two tensors -------------------------------------------------------------------
def _floats_of(name, input, other, numbers=False):
    """Promote two operands like torch; integer results are refused or made floats."""
    if not numbers:
        for position, (arg, value) in enumerate((("input", input), ("other", other)), 1):
            if not isinstance(value, Tensor):
                raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Tensor, "
                                f"not {type(value).__name__}")
    dt = _dtype.result_type(input, other)
    if not dt.is_floating_point:
        if not numbers:
            raise NotImplementedError(
                f'"{name}_cpu" not implemented for \'{_dtype.type_word(dt)}\'')
        dt = _dtype.get_default_dtype()
    tensors, arrays = [], []
    for value in (input, other):
        if isinstance(value, Tensor):
            tensors.append(value)
            arrays.append(value._array.astype(dt.np, copy=False))
        else:
            tensors.append(NUMBER)
            arrays.append(np.asarray(value, dtype=dt.np))
    return tensors, arrays


def _run2(op, name, input, other, numbers=False):
    tensors, arrays = _floats_of(name, input, other, numbers)
    try:
        np.broadcast_shapes(arrays[0].shape, arrays[1].shape)
    except ValueError:
        raise broadcast_error(arrays[0].shape, arrays[1].shape) from None
    return op.run(tuple(tensors), tuple(arrays), {})


class Igamma(Op):
    """P(a, x); torch differentiates it only in x: ∂P/∂x = x^(a−1) e^(−x) / Γ(a)."""

    kernel = staticmethod(gamma.igamma)
    sign = 1
    label = "igamma"

    @classmethod
    def forward(cls, ctx, a, x):
        ctx.save_for_backward(a, x)
        return cls.kernel(a, x)

    @classmethod
    def backward(cls, ctx, grad):
        if ctx.needs_input_grad[0]:
            raise NotImplementedError(
                f"the derivative for '{cls.label}: input' is not implemented.")
        a, x = ctx.saved_tensors
        return None, cls.sign * grad * ((a - 1) * x.log() - x - lgamma(a)).exp()


class Igammac(Igamma):
    kernel = staticmethod(gamma.igammac)
    sign = -1
    label = "igammac"


def igamma(input, other, *, out=None):
    """The regularized lower incomplete gamma function P(input, other)."""
    return _out(_run2(Igamma, "igamma", input, other), out)


def igammac(input, other, *, out=None):
    """The regularized upper incomplete gamma function Q(input, other) = 1 − P."""
    return _out(_run2(Igammac, "igammac", input, other), out)


class SpecialZeta(Op):
    """Hurwitz ζ(x, q); torch differentiates it only in q: ∂ζ/∂q = −x ζ(x + 1, q)."""

    @staticmethod
    def forward(ctx, x, q):
        ctx.save_for_backward(x, q)
        return gamma.zeta(x, q)

    @staticmethod
    def backward(ctx, grad):
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'zeta' is not implemented.")
        x, q = ctx.saved_tensors
        return None, grad * -x * special_zeta(x + 1, q)


def special_zeta(input, other, *, out=None):
    """Either side may be a Python number; integers give the default float dtype."""
    node = {(True, False): "SpecialZetaBackward2", (False, True): "SpecialZetaBackward1"}
    result = _run2(SpecialZeta, "zeta", input, other, numbers=True)
    name = node.get((isinstance(input, Tensor), isinstance(other, Tensor)))
    if name and result.grad_fn is not None:
        result.grad_fn.__class__ = _zeta_nodes[name]
    return _out(result, out)


_zeta_nodes = {name: type(name, (SpecialZeta._node_class,), {})
               for name in ("SpecialZetaBackward1", "SpecialZetaBackward2")}


class SpecialXlog1py(Op):
    """x · log1p(y), 0 where x == 0 (unless y is NaN)."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        with np.errstate(all="ignore"):
            out = np.asarray(x * np.log1p(y))
        return np.where((x == 0) & ~np.isnan(y), 0, out).astype(out.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return (where((x == 0) & (y <= -1), 0.0, grad * y.log1p()) if ctx.needs_input_grad[0]
                else None,
                grad * x / (1 + y) if ctx.needs_input_grad[1] else None)


def special_xlog1py(input, other, *, out=None):
    return _out(_run2(SpecialXlog1py, "xlog1py", input, other, numbers=True), out)


# -- functions without a gradient in torch ---------------------------------------------------
def _values_only(kernel):
    """A function whose result never requires grad (torch defines no derivative for it)."""
    def apply(input, *, out=None):
        return _out(Tensor._make(kernel(float_array(input))), out)
    apply.__name__ = apply.__qualname__ = kernel.__name__
    apply.__doc__ = f"``{kernel.__name__}`` elementwise (no gradient, as in torch)."
    return apply


special_bessel_j0 = _values_only(bessel.j0)
special_bessel_j1 = _values_only(bessel.j1)
special_bessel_y0 = _values_only(bessel.y0)
special_bessel_y1 = _values_only(bessel.y1)
special_modified_bessel_i0 = _values_only(bessel.i0)
special_modified_bessel_i1 = _values_only(bessel.i1)
special_modified_bessel_k0 = _values_only(bessel.k0)
special_modified_bessel_k1 = _values_only(bessel.k1)
special_scaled_modified_bessel_k0 = _values_only(bessel.k0e)
special_scaled_modified_bessel_k1 = _values_only(bessel.k1e)
special_spherical_bessel_j0 = _values_only(bessel.spherical_j0)
special_airy_ai = _values_only(bessel.airy_ai)


# -- in-place twins -----------------------------------------------------------------------------
lgamma_ = inplace_of(lgamma)
digamma_ = inplace_of(digamma)
i0_ = inplace_of(i0)
sinc_ = inplace_of(sinc)
logit_ = inplace_of(logit)
mvlgamma_ = inplace_of(mvlgamma)
igamma_ = inplace_of(igamma)
igammac_ = inplace_of(igammac)


def polygamma_(self, n):
    """``x.polygamma_(n)``: the tensor is the argument x, n comes first in ``torch.polygamma``."""
    return apply_inplace(self, lambda x: polygamma(n, x))


def _polygamma_method(self, n):
    return polygamma(n, self)


__all__ = ["lgamma", "digamma", "polygamma", "mvlgamma", "i0", "igamma", "igammac", "sinc",
           "logit", "lgamma_", "digamma_", "i0_", "sinc_", "logit_"]
TENSOR_METHODS = ("lgamma", "digamma", "mvlgamma", "i0", "igamma", "igammac", "sinc", "logit",
                  "lgamma_", "digamma_", "i0_", "sinc_", "logit_", "mvlgamma_", "igamma_",
                  "igammac_", "polygamma_")

Tensor.polygamma = _polygamma_method  # x.polygamma(n) is polygamma(n, x)
