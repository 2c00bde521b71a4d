"""Elementwise math functions of one tensor, one line each: the NumPy function and its derivative.

``UnaryOp`` turns a pair (forward on arrays, derivative on tensors) into an ``Op`` whose
backward is ``grad * derivative(x, out)``: the chain rule, written once.  Integer and
bool inputs become the default float dtype first, as in torch (``exp`` of an int tensor
is float32).  The rounding functions keep integer dtypes and have zero gradient.
"""
import math

import numpy as np

from ._op import Op
from ._promote import float_array
from .pointwise import _out
from .special import erf_array, erfc_array, erfinv_array


class UnaryOp(Op):
    """``forward`` applies ``function``; backward multiplies by the local derivative.

    ``derivative`` is a function of the one tensor it needs, which ``uses`` names:
    ``"input"`` or ``"output"`` (only that one is saved, as torch saves only what its
    formula reads), or a constant when ``uses`` is None.
    """

    function = None     # array -> array
    derivative = None   # tensor -> tensor, or a number
    uses = "input"

    @classmethod
    def forward(cls, ctx, x):
        out = cls.function(x)
        if cls.uses is not None:
            ctx.save_for_backward(x if cls.uses == "input" else out)
        return out

    @classmethod
    def backward(cls, ctx, grad):
        if cls.uses is None:
            return grad * cls.derivative if cls.derivative else grad.new_zeros(grad.shape)
        saved, = ctx.saved_tensors
        return grad * cls.derivative(saved)

    @classmethod
    def _backward_on_arrays(cls, ctx, grad):
        """``backward`` on arrays (ops/_op.py), for a derivative written with operators only,
        which arrays and tensors share: ``_unary(..., on_arrays=True)``."""
        saved, = ctx.saved_arrays
        return np.multiply(grad, cls.derivative(saved))


def _unary(name, function, derivative, uses="input", float_only=True, module=__name__,
           public=None, on_arrays=False):
    """Make the Op class ``{name}`` and the public function (``public``, default the lowercase
    name) that applies it; ``module`` is where the pair is written.  ``on_arrays``: the
    derivative runs on arrays as written, so backward without create_graph skips tensors."""
    attrs = {"function": staticmethod(function),
             "derivative": staticmethod(derivative) if callable(derivative) else derivative,
             "uses": uses, "__module__": module}
    if on_arrays:
        attrs["backward_arrays"] = UnaryOp.__dict__["_backward_on_arrays"]
    op = type(name, (UnaryOp,), attrs)

    def apply(input, *, out=None):
        array = float_array(input) if float_only else input._array
        return _out(op.run((input,), (array,), {}), out)

    apply.__name__ = apply.__qualname__ = public or name.lower()
    apply.__module__ = module
    apply.__doc__ = (f"Elementwise ``{apply.__name__}``; its derivative is written next to it in "
                     f"{module}.")
    return op, apply


def _stable_sigmoid(a):
    """σ(a) = (1 + tanh(a/2)) / 2: no overflow for large |a|, unlike 1 / (1 + exp(-a)).
    Every step writes into the one new array (``out=``): one allocation, not two."""
    out = np.multiply(a, 0.5, out=np.empty_like(a))  # an array even for 0-d ``a``
    np.tanh(out, out=out)
    out += 1
    out *= 0.5
    return out


_LN2, _LN10 = math.log(2), math.log(10)
_OUT = "output"
_SQRT_PI = math.sqrt(math.pi)

# name                 forward on arrays   derivative, of the input x or the output y   uses
Exp, exp = _unary("Exp", np.exp, lambda y: y, _OUT, on_arrays=True)
Log, log = _unary("Log", np.log, lambda x: x.reciprocal())
Sqrt, sqrt = _unary("Sqrt", np.sqrt, lambda y: 0.5 / y, _OUT)
Sin, sin = _unary("Sin", np.sin, lambda x: x.cos())
Cos, cos = _unary("Cos", np.cos, lambda x: -x.sin())
Tanh, tanh = _unary("Tanh", np.tanh, lambda y: 1 - y * y, _OUT, on_arrays=True)
Sigmoid, sigmoid = _unary("Sigmoid", _stable_sigmoid, lambda y: y * (1 - y), _OUT, on_arrays=True)
Acos, acos = _unary("Acos", np.arccos, lambda x: -(1 - x * x).rsqrt())
Asin, asin = _unary("Asin", np.arcsin, lambda x: (1 - x * x).rsqrt())
Atan, atan = _unary("Atan", np.arctan, lambda x: (1 + x * x).reciprocal())
Cosh, cosh = _unary("Cosh", np.cosh, lambda x: x.sinh())
Sinh, sinh = _unary("Sinh", np.sinh, lambda x: x.cosh())
Tan, tan = _unary("Tan", np.tan, lambda y: 1 + y * y, _OUT, on_arrays=True)
Asinh, asinh = _unary("Asinh", np.arcsinh, lambda x: (x * x + 1).rsqrt())
Acosh, acosh = _unary("Acosh", np.arccosh, lambda x: (x * x - 1).rsqrt())
Atanh, atanh = _unary("Atanh", np.arctanh, lambda x: (1 - x * x).reciprocal())
Exp2, exp2 = _unary("Exp2", np.exp2, lambda y: y * _LN2, _OUT, on_arrays=True)
Expm1, expm1 = _unary("Expm1", np.expm1, lambda y: y + 1, _OUT, on_arrays=True)
Log1p, log1p = _unary("Log1p", np.log1p, lambda x: (x + 1).reciprocal())
Log2, log2 = _unary("Log2", np.log2, lambda x: (x * _LN2).reciprocal())
Log10, log10 = _unary("Log10", np.log10, lambda x: (x * _LN10).reciprocal())
Reciprocal, reciprocal = _unary("Reciprocal", np.reciprocal, lambda y: -y * y, _OUT, on_arrays=True)
Rsqrt, rsqrt = _unary("Rsqrt", lambda a: 1 / np.sqrt(a), lambda y: -0.5 * y * y * y, _OUT)
Erf, erf = _unary("Erf", erf_array, lambda x: (2 / _SQRT_PI) * (-x * x).exp())
Erfc, erfc = _unary("Erfc", erfc_array, lambda x: (-2 / _SQRT_PI) * (-x * x).exp())
Erfinv, erfinv = _unary("Erfinv", erfinv_array, lambda y: (_SQRT_PI / 2) * (y * y).exp(), _OUT)
Square, _square = _unary("Square", np.square, lambda x: 2 * x, float_only=False, on_arrays=True)
Frac, frac = _unary("Frac", lambda a: a - np.trunc(a), 1, uses=None, float_only=False)

# Rounding: piecewise constant, so the gradient is zero.
Ceil, ceil = _unary("Ceil", np.ceil, 0, uses=None, float_only=False)
Floor, floor = _unary("Floor", np.floor, 0, uses=None, float_only=False)
Trunc, trunc = _unary("Trunc", np.trunc, 0, uses=None, float_only=False)
fix = trunc


def square(input, *, out=None):
    """``input * input``; a bool tensor squares to int64, as in torch."""
    if input._array.dtype == np.bool_:
        input = input.long()
    return _square(input, out=out)


class Round(Op):
    node_name = "RoundBackward1"

    @staticmethod
    def forward(ctx, x, decimals=0):
        return np.round(x, decimals)  # round half to even, as torch

    @staticmethod
    def backward(ctx, grad):
        return grad.new_zeros(grad.shape)


def round(input, *, decimals=0, out=None):
    return _out(Round.run((input,), (input._array,), {"decimals": decimals}), out)


class NanToNum(Op):
    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.save_for_backward(x)
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * x.isfinite()


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """NaN → ``nan``, ±inf → ``posinf``/``neginf`` (default: the dtype's largest/smallest)."""
    if not input.is_floating_point():
        return input.clone()
    return NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf)


arccos, arcsin, arctan = acos, asin, atan
arccosh, arcsinh, arctanh = acosh, asinh, atanh

__all__ = ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "acos", "asin", "atan", "arccos", "arcsin", "arctan", "arccosh", "arcsinh", "arctanh", "cosh", "sinh", "tan", "asinh",
           "acosh", "atanh", "exp2", "expm1", "log1p", "log2", "log10", "reciprocal", "rsqrt", "erf",
           "erfc", "erfinv", "square", "frac", "ceil", "floor", "trunc", "fix", "round",
           "nan_to_num"]

# Also Tensor methods, with the tensor as the first argument: x.f(...) == f(x, ...).
TENSOR_METHODS = tuple(__all__)
