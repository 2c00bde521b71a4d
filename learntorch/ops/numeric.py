"""Functions about how numbers are represented: sign bits, mantissa and exponent, the next
float, bit shifts, gcd/lcm, the Heaviside step, and the degree/radian conversions.

Most are NumPy ufuncs with torch's dtype rules and edge cases around them: ``ldexp`` and
``copysign`` make integers floats, ``gcd``/``lcm``/shifts accept integers only, shifts by a
negative or too large amount give 0 (or the sign fill), and ``frexp`` returns
``torch.return_types.frexp(mantissa, exponent)``.
"""
import math

import numpy as np

from .. import _dtype, return_types
from .._tensor import Tensor
from ._mutation import inplace_of
from ._op import Op
from ._promote import NUMBER, broadcast_error
from .pointwise import Sign, _out, where
from .unary import _unary


def _require_tensor(name, value, arg, position):
    if not isinstance(value, Tensor):
        raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
                        f"{type(value).__name__}")


def _operands(input, other, dt):
    """(tensors, arrays) of two operands cast to ``dt``; a Python number stands in as NUMBER."""
    tensors, arrays = [], []
    for value in (input, other):
        if isinstance(value, Tensor):
            tensors.append(value)
            arrays.append(value._array.astype(dt.np, copy=False))
        else:
            tensors.append(NUMBER)
            arrays.append(np.asarray(value, dtype=dt.np))
    try:
        np.broadcast_shapes(arrays[0].shape, arrays[1].shape)
    except ValueError:
        raise broadcast_error(arrays[0].shape, arrays[1].shape) from None
    return tuple(tensors), tuple(arrays)


def _not_implemented(kernel, dt):
    return NotImplementedError(f'"{kernel}_cpu" not implemented for \'{_dtype.type_word(dt)}\'')


# -- sign and magnitude -----------------------------------------------------------------------
class Sgn(Sign):
    """For real numbers sgn is sign (torch keeps both names for complex numbers)."""


def sgn(input, *, out=None):
    if input.dtype is _dtype.bool:
        return _out(input.clone(), out)
    return _out(Sgn.apply(input), out)


def signbit(input, *, out=None):
    """True where the sign bit is set: for −0.0 too, never for NaN with a clear bit."""
    array = input._array
    result = np.signbit(array) if array.dtype.kind == "f" else np.less(array, 0)
    return _out(Tensor._make(np.asarray(result)), out)


def positive(input):
    """``+x``: the tensor itself, as in torch."""
    if input.dtype is _dtype.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


class Copysign(Op):
    """|input| with the sign of other; the gradient passes through the sign that was chosen."""

    @staticmethod
    def forward(ctx, a, b):
        out = np.copysign(a, b)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        return (where(a == 0, 0.0, grad * (out / a)) if ctx.needs_input_grad[0] else None,
                grad * 0 if ctx.needs_input_grad[1] else None)


def copysign(input, other, *, out=None):
    dt = _dtype.result_type(input, other)
    if not dt.is_floating_point:
        dt = _dtype.get_default_dtype()
    return _out(Copysign.run(*_operands(input, other, dt), {}), out)


class Nextafter(Op):
    @staticmethod
    def forward(ctx, a, b):
        return np.nextafter(a, b)

    @staticmethod
    def backward(ctx, grad):
        return grad, grad * 0 if ctx.needs_input_grad[1] else None


def nextafter(input, other, *, out=None):
    """The next float after input towards other."""
    _require_tensor("nextafter", other, "other", 2)
    dt = _dtype.result_type(input, other)
    if not dt.is_floating_point:
        raise _not_implemented("nextafter", dt)
    return _out(Nextafter.run(*_operands(input, other, dt), {}), out)


# -- mantissa and exponent --------------------------------------------------------------------
class Ldexp(Op):
    """input · 2^other."""

    @staticmethod
    def forward(ctx, a, b):
        scale = np.exp2(b)
        ctx.save_for_backward(a, b)
        return np.asarray(a * scale)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        scale = pow(2.0, b)
        return (grad * scale if ctx.needs_input_grad[0] else None,
                grad * a * scale * math.log(2) if ctx.needs_input_grad[1] else None)


def ldexp(input, other, *, out=None):
    _require_tensor("ldexp", other, "other", 2)
    dt = _dtype.result_type(input, other)
    if not dt.is_floating_point:
        dt = _dtype.get_default_dtype()
    return _out(Ldexp.run(*_operands(input, other, dt), {}), out)


class Frexp(Op):
    """The mantissa in ±[0.5, 1); its gradient is grad / 2^exponent."""

    @staticmethod
    def forward(ctx, x):
        mantissa, exponent = np.frexp(x)
        ctx.exponent = exponent
        return np.asarray(mantissa)

    @staticmethod
    def backward(ctx, grad):
        return grad / Tensor._make(np.exp2(ctx.exponent).astype(grad._array.dtype))


def frexp(input, *, out=None):
    if not input.is_floating_point():
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    mantissa = Frexp.apply(input)
    exponent = Tensor._make(np.frexp(input._array)[1].astype(np.int32))
    if out is not None:
        _out(mantissa, out[0])
        _out(exponent, out[1])
        return return_types.frexp(*out)
    return return_types.frexp(mantissa, exponent)


# -- integers: gcd, lcm, shifts ---------------------------------------------------------------
def _integer_operands(kernel, input, other, tensors_only):
    if tensors_only:
        _require_tensor(kernel, other, "other", 2)
    dt = _dtype.result_type(input, other)
    if dt.is_floating_point or dt is _dtype.bool:
        raise _not_implemented({"bitwise_left_shift": "lshift",
                                "bitwise_right_shift": "rshift"}.get(kernel, kernel), dt)
    return dt, _operands(input, other, dt)[1]


def gcd(input, other, *, out=None):
    """Greatest common divisor, always ≥ 0; gcd(0, 0) = 0."""
    _, (a, b) = _integer_operands("gcd", input, other, True)
    return _out(Tensor._make(np.asarray(np.gcd(a, b))), out)


def lcm(input, other, *, out=None):
    _, (a, b) = _integer_operands("lcm", input, other, True)
    return _out(Tensor._make(np.asarray(np.lcm(a, b))), out)


def bitwise_left_shift(input, other, *, out=None):
    """input << other, wrapping; shifts by a negative amount or ≥ the bit width give 0."""
    dt, (a, b) = _integer_operands("bitwise_left_shift", input, other, False)
    bits = dt.np.itemsize * 8
    valid = (b >= 0) & (b < bits)
    shifted = np.left_shift(a, np.where(valid, b, 0).astype(a.dtype))
    return _out(Tensor._make(np.asarray(np.where(valid, shifted, 0).astype(dt.np))), out)


def bitwise_right_shift(input, other, *, out=None):
    """input >> other (arithmetic); out-of-range shifts fill with the sign bit."""
    dt, (a, b) = _integer_operands("bitwise_right_shift", input, other, False)
    bits = dt.np.itemsize * 8
    valid = (b >= 0) & (b < bits)
    shift = np.where(valid, b, bits - 1).astype(a.dtype)
    return _out(Tensor._make(np.asarray(np.right_shift(a, shift).astype(dt.np))), out)


# -- the Heaviside step ------------------------------------------------------------------------
class Heaviside(Op):
    @staticmethod
    def forward(ctx, x, values):
        return np.asarray(np.where(x == 0, values, x > 0).astype(x.dtype))

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::heaviside is not implemented")


def heaviside(input, values, *, out=None):
    """0 below zero, 1 above, ``values`` at zero (NaN counts as below)."""
    _require_tensor("heaviside", values, "values", 2)
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _out(Heaviside.run(*_operands(input, values, input.dtype), {}), out)


# -- angles -----------------------------------------------------------------------------------
Deg2Rad, deg2rad = _unary("Deg2Rad", lambda a: a * (math.pi / 180), math.pi / 180, uses=None,
                          module=__name__)
Rad2Deg, rad2deg = _unary("Rad2Deg", lambda a: a * (180 / math.pi), 180 / math.pi, uses=None,
                          module=__name__)


# -- in-place twins -----------------------------------------------------------------------------
sgn_ = inplace_of(sgn)
deg2rad_ = inplace_of(deg2rad)
rad2deg_ = inplace_of(rad2deg)
copysign_ = inplace_of(copysign)
nextafter_ = inplace_of(nextafter)
ldexp_ = inplace_of(ldexp)
gcd_ = inplace_of(gcd)
lcm_ = inplace_of(lcm)
heaviside_ = inplace_of(heaviside)
bitwise_left_shift_ = inplace_of(bitwise_left_shift)
bitwise_right_shift_ = inplace_of(bitwise_right_shift)


__all__ = ["sgn", "signbit", "positive", "copysign", "nextafter", "ldexp", "frexp", "gcd", "lcm",
           "bitwise_left_shift", "bitwise_right_shift", "heaviside", "deg2rad", "rad2deg",
           "deg2rad_", "rad2deg_", "ldexp_", "gcd_", "lcm_"]
TENSOR_METHODS = tuple(__all__) + ("sgn_", "copysign_", "nextafter_", "heaviside_",
                                   "bitwise_left_shift_", "bitwise_right_shift_")
