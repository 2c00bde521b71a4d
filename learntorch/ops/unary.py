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
from .special import erf_array, erfinv_array


class UnaryOp(Op):
    """``forward`` applies ``function``; backward multiplies by ``derivative(x, out)``."""

    function = None     # array -> array
    derivative = None   # (x, out) tensors -> tensor

    @classmethod
    def forward(cls, ctx, x):
        out = cls.function(x)
        ctx.save_for_backward(x, out)
        return out

    @classmethod
    def backward(cls, ctx, grad):
        x, out = ctx.saved_tensors
        return grad * cls.derivative(x, out)


def _unary(name, function, derivative, float_only=True):
    """Make the Op class ``{name}`` and the public function that applies it."""
    op = type(name, (UnaryOp,), {"function": staticmethod(function),
                                 "derivative": staticmethod(derivative),
                                 "__module__": __name__})

    def apply(input, *, out=None):
        array = float_array(input) if float_only else input._array
        result = op.run((input,), (array,), {})
        if out is not None:
            from .pointwise import _out
            return _out(result, out)
        return result

    apply.__name__ = apply.__qualname__ = name.lower()
    apply.__doc__ = f"Elementwise ``{name.lower()}``; its derivative is written next to it in {__name__}."
    return op, apply


_LN2, _LN10 = math.log(2), math.log(10)

# name        forward on arrays              derivative on tensors (x = input, out = result)
Acos, acos = _unary("Acos", np.arccos, lambda x, out: -(1 - x * x).rsqrt())
Asin, asin = _unary("Asin", np.arcsin, lambda x, out: (1 - x * x).rsqrt())
Atan, atan = _unary("Atan", np.arctan, lambda x, out: 1 / (1 + x * x))
Cosh, cosh = _unary("Cosh", np.cosh, lambda x, out: x.sinh())
Sinh, sinh = _unary("Sinh", np.sinh, lambda x, out: x.cosh())
Tan, tan = _unary("Tan", np.tan, lambda x, out: 1 + out * out)
Asinh, asinh = _unary("Asinh", np.arcsinh, lambda x, out: (x * x + 1).rsqrt())
Acosh, acosh = _unary("Acosh", np.arccosh, lambda x, out: (x * x - 1).rsqrt())
Atanh, atanh = _unary("Atanh", np.arctanh, lambda x, out: 1 / (1 - x * x))
Exp2, exp2 = _unary("Exp2", np.exp2, lambda x, out: out * _LN2)
Expm1, expm1 = _unary("Expm1", np.expm1, lambda x, out: out + 1)
Log1p, log1p = _unary("Log1p", np.log1p, lambda x, out: 1 / (x + 1))
Log2, log2 = _unary("Log2", np.log2, lambda x, out: 1 / (x * _LN2))
Log10, log10 = _unary("Log10", np.log10, lambda x, out: 1 / (x * _LN10))
Reciprocal, reciprocal = _unary("Reciprocal", np.reciprocal, lambda x, out: -out * out)
Rsqrt, rsqrt = _unary("Rsqrt", lambda a: 1 / np.sqrt(a), lambda x, out: -0.5 * out * out * out)
Erf, erf = _unary("Erf", erf_array, lambda x, out: (2 / math.sqrt(math.pi)) * (-x * x).exp())
Erfc, erfc = _unary("Erfc", lambda a: 1 - erf_array(a),
                    lambda x, out: (-2 / math.sqrt(math.pi)) * (-x * x).exp())
Erfinv, erfinv = _unary("Erfinv", erfinv_array,
                        lambda x, out: (math.sqrt(math.pi) / 2) * (out * out).exp())
Square, _square = _unary("Square", np.square, lambda x, out: 2 * x, float_only=False)
Frac, frac = _unary("Frac", lambda a: a - np.trunc(a), lambda x, out: x.new_ones(()),
                    float_only=False)

# Rounding: piecewise constant, so the gradient is zero (torch: ``grad * 0``).
_ZERO = (lambda x, out: x.new_zeros(()))
Ceil, ceil = _unary("Ceil", np.ceil, _ZERO, float_only=False)
Floor, floor = _unary("Floor", np.floor, _ZERO, float_only=False)
Trunc, trunc = _unary("Trunc", np.trunc, _ZERO, float_only=False)
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
        return grad * 0


def round(input, *, decimals=0, out=None):
    result = Round.run((input,), (input._array,), {"decimals": decimals})
    if out is not None:
        from .pointwise import _out
        return _out(result, out)
    return result


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

__all__ = ["acos", "asin", "atan", "arccos", "arcsin", "arctan", "cosh", "sinh", "tan", "asinh",
           "acosh", "atanh", "exp2", "expm1", "log1p", "log2", "log10", "reciprocal", "rsqrt", "erf",
           "erfc", "erfinv", "square", "frac", "ceil", "floor", "trunc", "fix", "round",
           "nan_to_num"]

# Also Tensor methods, with the tensor as the first argument: x.f(...) == f(x, ...).
TENSOR_METHODS = tuple(__all__)
