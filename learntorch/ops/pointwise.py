"""Elementwise ops: each ``Op`` has its forward (on arrays) and backward (on tensors) side by side.

NumPy ufuncs also accept CuPy arrays (they dispatch through ``__array_ufunc__``), so
``np.exp`` here runs on the GPU for a CUDA tensor.  Broadcasting is NumPy's; the
gradient is reduced back to each input's shape by ``OpNode`` (see ``_op.py``).
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ._op import _NO_CTX, Op
from ._promote import binary, broadcast_error


# -- arithmetic ------------------------------------------------------------------------------
def _scaled(operand, alpha):
    """``alpha·operand``; a Python-number operand stays a Python number (NumPy's product of
    two would be a NumPy scalar, which would promote a float32 or int32 tensor)."""
    return operand * alpha if type(operand) in (int, float, bool) else np.multiply(operand, alpha)


class Add(Op):
    """``a + b``, and ``a + alpha·b`` for ``add(a, b, alpha=)``: one node, as torch's."""

    @staticmethod
    def forward(ctx, a, b, alpha=None):
        if alpha is not None:
            ctx._alpha = alpha
            b = _scaled(b, alpha)
        return np.add(a, b)

    @staticmethod
    def backward(ctx, grad):
        alpha = ctx._alpha
        return grad, (grad if alpha == 1 else grad * alpha)

    backward_arrays = backward  # the same formula on arrays (see _op.py)


class Sub(Op):
    @staticmethod
    def forward(ctx, a, b, alpha=None):
        if alpha is not None:
            ctx._alpha = alpha
            b = _scaled(b, alpha)
        return np.subtract(a, b)

    @staticmethod
    def backward(ctx, grad):
        alpha = ctx._alpha
        if not ctx.needs_input_grad[1]:
            return grad, None
        return grad, (-grad if alpha == 1 else grad * -alpha)

    backward_arrays = backward


class Rsub(Op):
    node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, b, alpha=None):
        if alpha is not None:
            ctx._alpha = alpha
            a = _scaled(a, alpha)
        return np.subtract(b, a)

    @staticmethod
    def backward(ctx, grad):
        alpha = ctx._alpha
        if not ctx.needs_input_grad[0]:
            return None, grad
        return (-grad if alpha == 1 else grad * -alpha), grad

    backward_arrays = backward


# torch's AddBackward0, SubBackward0 and RsubBackward nodes show the alpha they were called with
# as ``_saved_alpha``. Ours keep it only when one was given (forward's ``alpha``), so ``x + y``
# pays nothing for it.
for _op in (Add, Sub, Rsub):
    _op._node_class._alpha = 1
    _op._node_class._saved_alpha = property(lambda node: node._alpha)


def _alpha(input, other, alpha):
    """``alpha`` as the Python number forward scales by (and the node shows), after torch's
    check: an integer result cannot be scaled by a float."""
    if isinstance(alpha, np.generic):
        alpha = alpha.item()
    if isinstance(alpha, float):
        result = _dtype.result_type(input, other)
        if not (result.is_floating_point or result.is_complex):
            raise RuntimeError("For integral input tensors, argument alpha must not be a "
                               "floating point number.")
    return alpha


class Mul(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.multiply(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (grad * b if ctx.needs_input_grad[0] else None,
                grad * a if ctx.needs_input_grad[1] else None)

    @staticmethod
    def backward_arrays(ctx, grad):
        a, b = ctx.saved_arrays
        return (np.multiply(grad, b) if ctx.needs_input_grad[0] else None,
                np.multiply(grad, a) if ctx.needs_input_grad[1] else None)


class Div(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.true_divide(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (grad / b if ctx.needs_input_grad[0] else None,
                -grad * a / (b * b) if ctx.needs_input_grad[1] else None)

    @staticmethod
    def backward_arrays(ctx, grad):
        a, b = ctx.saved_arrays
        return (np.true_divide(grad, b) if ctx.needs_input_grad[0] else None,
                -grad * a / (b * b) if ctx.needs_input_grad[1] else None)


class Neg(Op):
    @staticmethod
    def forward(ctx, x):
        return np.negative(x)

    @staticmethod
    def backward(ctx, grad):
        return -grad

    backward_arrays = backward


def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other``."""
    if type(alpha) is int and alpha == 1:
        return _out(binary(Add, input, other), out)
    return _out(binary(Add, input, other, alpha=_alpha(input, other, alpha)), out)


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other``."""
    _check_bool_subtraction(input, other)
    if type(alpha) is int and alpha == 1:
        return _out(binary(Sub, input, other), out)
    return _out(binary(Sub, input, other, alpha=_alpha(input, other, alpha)), out)


def _check_bool_subtraction(a, b):
    """torch refuses ``-`` with a bool operand, a tensor or a Python bool, in its own words."""
    a_bool, b_bool = _is_bool(a), _is_bool(b)
    if a_bool and b_bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if a_bool or b_bool:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")


def _is_bool(value):
    if isinstance(value, Tensor):
        return value._array.dtype.kind == "b"
    return isinstance(value, (bool, np.bool_))


subtract = sub


def rsub(input, other, *, alpha=1):
    """``other - alpha * input`` (what ``2 - x`` calls)."""
    _check_bool_subtraction(other, input)
    if type(alpha) is int and alpha == 1:
        return binary(Rsub, input, other)
    return binary(Rsub, input, other, alpha=_alpha(input, other, alpha))


def mul(input, other, *, out=None):
    return _out(binary(Mul, input, other), out)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    """True division (integers give floats), or ``rounding_mode='trunc'|'floor'``."""
    if rounding_mode is None:
        return _out(binary(Div, input, other, to_float=True), out)
    if rounding_mode == "floor":
        result = floor_divide(input, other)
    elif rounding_mode == "trunc":
        result = binary(Div, input, other, to_float=True).trunc()
        dt = _dtype.result_type(input, other)
        if not dt.is_floating_point:
            result = result.to(dt)
    else:
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                           f"found '{rounding_mode}'")
    return _out(result, out)


divide = true_divide = div


def neg(input):
    if input.dtype is _dtype.bool:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are "
                           "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    return Neg.apply(input)


negative = neg


class Pow(Op):
    """``x ** exponent`` with a Python-number exponent."""

    @staticmethod
    def forward(ctx, x, exponent):
        ctx.save_for_backward(x)
        ctx.exponent = exponent
        if exponent == 2:  # torch computes x * x: the same bits as np.power, 3x quicker
            return np.square(x)
        return np.power(x, exponent)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        e = ctx.exponent
        if e == 0:
            return grad * 0
        return grad * e * (x if e == 2 else x ** (e - 1))  # x ** 1 is x: one pass saved for x ** 2

    @staticmethod
    def backward_arrays(ctx, grad):
        x, = ctx.saved_arrays
        e = ctx.exponent
        if e == 0:
            return np.multiply(grad, 0.0)
        power = x if e == 2 else Pow.forward(_NO_CTX, x, e - 1)  # x ** (e - 1) as the op does it
        return np.multiply(grad, e) * power


def _power(base, exponent):
    """``np.power``, except that an integer to a negative integer power gives torch's answer
    (1 for base 1, ±1 for base -1, 0 otherwise) where NumPy raises ValueError."""
    b, e = np.asarray(base), np.asarray(exponent)
    if e.dtype.kind not in "iu" or b.dtype.kind not in "iu" or not (e < 0).any():
        return np.power(base, exponent)
    negative = e < 0
    out = np.power(base, np.where(negative, 0, e).astype(e.dtype))
    odd = (e % 2) == 1
    small = np.where(b == 1, 1, np.where(b == -1, np.where(odd, -1, 1), 0)).astype(out.dtype)
    return np.where(negative, small, out)


class PowTensor(Op):
    """``base ** exponent`` with both tensors."""

    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, base, exponent):
        out = _power(base, exponent)
        ctx.save_for_backward(base, exponent, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        base, exponent, out = ctx.saved_tensors
        grad_base = grad_exp = None
        if ctx.needs_input_grad[0]:
            grad_base = where(exponent == 0, 0.0, grad * exponent * base ** (exponent - 1))
        if ctx.needs_input_grad[1]:
            grad_exp = where((base == 0) & (exponent >= 0), 0.0, grad * out * base.log())
        return grad_base, grad_exp


class PowScalarBase(Op):
    """``number ** tensor``."""

    node_name = "PowBackward2"

    @staticmethod
    def forward(ctx, exponent, base):
        out = _power(base, exponent)
        ctx.save_for_backward(out)
        ctx.base = base
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        if ctx.base == 0:
            return grad * 0
        return grad * out * float(np.log(ctx.base))


def pow(input, exponent, *, out=None):
    """``input ** exponent``; either side may be a Python number."""
    if not isinstance(input, Tensor):
        exponent_t = exponent
        dt = _dtype.result_type(exponent_t, input)
        array = exponent_t._array if exponent_t.dtype is dt else exponent_t._array.astype(dt.np)
        return _out(PowScalarBase.run((exponent_t,), (array,), {"base": _as_python(input, dt)}), out)
    if type(exponent) in (float, int) and input._array.dtype.kind == "f":  # x ** 2: the usual case
        return _out(Pow.run((input,), (input._array,), {"exponent": float(exponent)}), out)
    if not isinstance(exponent, Tensor):
        dt = _dtype.result_type(input, exponent)
        if not dt.is_floating_point and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        array = input._array if input.dtype is dt else input._array.astype(dt.np)
        return _out(Pow.run((input,), (array,), {"exponent": _as_python(exponent, dt)}), out)
    return _out(binary(PowTensor, input, exponent), out)


def _as_python(number, dt):
    """A Python number typed for ``dt`` so NumPy keeps the tensor's dtype (NEP 50)."""
    return float(number) if dt.is_floating_point else int(number)


def float_power(input, exponent):
    """``pow`` computed in float64, as torch does."""
    to64 = (lambda v: v.double() if isinstance(v, Tensor) else float(v))
    return pow(to64(input), to64(exponent))


# -- functions that keep integer dtypes ---------------------------------------------------------
class Abs(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * sign(x)


class Relu(Op):
    @staticmethod
    def forward(ctx, x):
        out = np.maximum(x, 0)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return ThresholdBackward.apply(grad, out)

    @staticmethod
    def backward_arrays(ctx, grad):
        out, = ctx.saved_arrays
        return ThresholdBackward.forward(_NO_CTX, grad, out)


_UINT_OF_SIZE = {2: np.uint16, 4: np.uint32, 8: np.uint64}


class ThresholdBackward(Op):
    """relu's gradient, ``grad`` where ``out > 0``: an op of its own (torch's threshold_backward)
    so that it depends on ``out`` too, and a second differentiation finds the path to x (zero)."""

    node_name = "ThresholdBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, out):
        """``np.where(out <= 0, 0, grad)`` (torch's rule: a NaN output passes its gradient),
        computed on the bits: ``grad & mask``, the mask all ones where the gradient passes.
        Exactly the same numbers (an inf or NaN gradient of a dead unit still gives +0),
        and 2x quicker than ``np.where``, whose scalar branch NumPy does not vectorise."""
        ctx.save_for_backward(out)
        bits = _UINT_OF_SIZE[grad.dtype.itemsize]
        mask = np.subtract(out <= 0, 1, dtype=bits)  # True - 1 = 0; False - 1 = all ones
        return np.bitwise_and(grad.view(bits), mask).view(grad.dtype)

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return (ThresholdBackward.apply(grad, out) if ctx.needs_input_grad[0] else None,
                grad.new_zeros(out.shape) if ctx.needs_input_grad[1] else None)


class Sign(Op):
    @staticmethod
    def forward(ctx, x):
        out = np.sign(x)
        if out.dtype.kind == "f" and np.isnan(out).any():  # torch: sign(NaN) = 0
            out = np.where(np.isnan(out), 0, out).astype(out.dtype)
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


def abs(input, *, out=None):
    return _out(Abs.apply(input), out)


absolute = abs


def relu(input):
    array = input._array
    if array.dtype.kind == "b":
        raise RuntimeError('"clamp_min_cpu" not implemented for \'Bool\'')
    return Relu.run((input,), (array,), {})  # Relu.apply(input), without its frame


def sign(input, *, out=None):
    if input.dtype is _dtype.bool:
        return _out(input.clone(), out)
    return _out(Sign.apply(input), out)


class Clamp(Op):
    """``clamp`` with Python-number bounds; the gradient passes where min <= x <= max."""

    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, x, min, max):
        ctx.save_for_backward(x)
        ctx.min, ctx.max = min, max
        return np.clip(x, min, max)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        inside = None
        if ctx.min is not None:
            inside = x >= ctx.min
        if ctx.max is not None:
            inside = (x <= ctx.max) if inside is None else inside & (x <= ctx.max)
        return grad * inside


class ClampTensor(Op):
    """``clamp`` with tensor bounds (each broadcast against x)."""

    node_name = "ClampBackward0"

    @staticmethod
    def forward(ctx, x, low, high):
        ctx.save_for_backward(x, low, high)
        return np.minimum(np.maximum(x, low), high)

    @staticmethod
    def backward(ctx, grad):
        x, low, high = ctx.saved_tensors
        # torch's rule (clamp_backward_min_max): when low >= high the output is ``high``, so
        # ``high`` gets the gradient; ``low`` only where it is active and below ``high``.
        return (where((x >= low) & (x <= high), grad, 0.0),
                where((x < low) & (low < high), grad, 0.0) if ctx.needs_input_grad[1] else None,
                where((x > high) | (high < low), grad, 0.0) if ctx.needs_input_grad[2] else None)


def clamp(input, min=None, max=None, *, out=None):
    """Limit values to ``[min, max]``; either bound may be None, a number or a tensor."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        inf = float("inf")
        low = min if isinstance(min, Tensor) else _scalar_tensor(-inf if min is None else min, input)
        high = max if isinstance(max, Tensor) else _scalar_tensor(inf if max is None else max, input)
        dt = _dtype.result_type(input, low, high)
        arrays = tuple(t._array.astype(dt.np, copy=False) for t in (input, low, high))
        return _out(ClampTensor.run((input, low, high), arrays, {}), out)
    dt = _dtype.result_type(input, *(b for b in (min, max) if b is not None))
    array = input._array if input.dtype is dt else input._array.astype(dt.np)
    cast = float if dt.is_floating_point else int
    return _out(Clamp.run((input,), (array,), {"min": None if min is None else cast(min),
                                                "max": None if max is None else cast(max)}), out)


clip = clamp


def clamp_min(input, min):
    return clamp(input, min=min)


def clamp_max(input, max):
    return clamp(input, max=max)


def _scalar_tensor(value, like=None, dt=None):
    """A 0-d tensor for a Python number: of ``dt``, or of the dtype ``like op value`` has."""
    return Tensor._make(np.asarray(value, dtype=(dt or _dtype.result_type(like, value)).np))


class Where(Op):
    @staticmethod
    def forward(ctx, condition, x, y):
        ctx.save_for_backward(condition)
        return np.where(condition, x, y)

    @staticmethod
    def backward(ctx, grad):
        condition, = ctx.saved_tensors
        zero = grad.new_zeros(())
        return (None,
                where(condition, grad, zero) if ctx.needs_input_grad[1] else None,
                where(condition, zero, grad) if ctx.needs_input_grad[2] else None)


def where(condition, input=None, other=None, *, out=None):
    """``where(c, x, y)`` picks x where c is True, else y; ``where(c)`` is ``nonzero(c, as_tuple=True)``."""
    if input is None and other is None:
        from .indexing import nonzero
        return nonzero(condition, as_tuple=True)
    if condition.dtype is not _dtype.bool:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with "
                           f"dtype {_dtype.type_word(condition.dtype)}")
    dt = _dtype.result_type(input, other)
    x = input if isinstance(input, Tensor) else _scalar_tensor(input, dt=dt)
    y = other if isinstance(other, Tensor) else _scalar_tensor(other, dt=dt)
    arrays = (condition._array, x._array.astype(dt.np, copy=False), y._array.astype(dt.np, copy=False))
    try:
        return _out(Where.run((condition, x, y), arrays, {}), out)
    except ValueError:
        raise broadcast_error(condition.shape, x.shape, y.shape) from None


# -- comparisons and logic (results are bool tensors, never differentiable) ---------------------
class _Compare(Op):
    ufunc = None

    @classmethod
    def forward(cls, ctx, a, b):
        return cls.ufunc(a, b)


class Eq(_Compare):
    ufunc = np.equal


class Ne(_Compare):
    ufunc = np.not_equal


class Lt(_Compare):
    ufunc = np.less


class Le(_Compare):
    ufunc = np.less_equal


class Gt(_Compare):
    ufunc = np.greater


class Ge(_Compare):
    ufunc = np.greater_equal


def eq(input, other, *, out=None):
    return _out(binary(Eq, input, other), out)


def ne(input, other, *, out=None):
    return _out(binary(Ne, input, other), out)


def lt(input, other, *, out=None):
    return _out(binary(Lt, input, other), out)


def le(input, other, *, out=None):
    return _out(binary(Le, input, other), out)


def gt(input, other, *, out=None):
    return _out(binary(Gt, input, other), out)


def ge(input, other, *, out=None):
    return _out(binary(Ge, input, other), out)


not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge


def _logical(ufunc, input, other=None):
    arrays = (input._array,) if other is None else (input._array, _array_of(other))
    try:
        return Tensor._make(ufunc(*arrays).astype(np.bool_, copy=False))
    except ValueError:
        raise broadcast_error(input.shape, other.shape) from None


def _array_of(value):
    return value._array if isinstance(value, Tensor) else np.asarray(value)


def logical_and(input, other):
    return _logical(np.logical_and, input, other)


def logical_or(input, other):
    return _logical(np.logical_or, input, other)


def logical_xor(input, other):
    return _logical(np.logical_xor, input, other)


def logical_not(input):
    return _logical(np.logical_not, input)


def _bitwise(ufunc, input, other=None):
    if input.is_floating_point() or (isinstance(other, Tensor) and other.is_floating_point()):
        raise RuntimeError(f'"{ufunc.__name__}_cpu" not implemented for \'Float\'')
    arrays = (input._array,) if other is None else (input._array, _array_of(other))
    return Tensor._make(ufunc(*arrays))


def bitwise_not(input):
    return _bitwise(np.invert, input)


def bitwise_and(input, other):
    return _bitwise(np.bitwise_and, input, other)


def bitwise_or(input, other):
    return _bitwise(np.bitwise_or, input, other)


def bitwise_xor(input, other):
    return _bitwise(np.bitwise_xor, input, other)


# -- integer-style division ------------------------------------------------------------------
class FloorDivide(Op):
    @staticmethod
    def forward(ctx, a, b):
        return np.floor_divide(a, b)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0, grad * 0


class Remainder(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.remainder(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad, -grad * floor_divide(a, b) if ctx.needs_input_grad[1] else None


def floor_divide(input, other, *, out=None):
    _check_integer_division(input, other)
    return _out(binary(FloorDivide, input, other), out)


def remainder(input, other, *, out=None):
    _check_integer_division(input, other)
    return _out(binary(Remainder, input, other), out)


def _check_integer_division(a, b):
    if not _dtype.result_type(a, b).is_floating_point:
        divisor = b._array if isinstance(b, Tensor) else np.asarray(b)
        if (divisor == 0).any():
            raise RuntimeError("ZeroDivisionError")


# -- two-tensor math: extremes, atan2, hypot, logaddexp, fmod, xlogy -------------------------
def _require_tensors(name, input, other):
    """These ops take no Python-number operand in torch (``maximum(x, 2)`` is a TypeError)."""
    for position, (arg, value) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(value, Tensor):
            raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
                            f"{type(value).__name__}")


def _require_float(name, input, other):
    dt = _dtype.result_type(input, other)
    if not dt.is_floating_point:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{_dtype.type_word(dt)}\'')


class Maximum(Op):
    """Ties split the gradient in half; a NaN (which wins) passes it to both, as in torch."""

    ufunc = staticmethod(np.maximum)
    sign = 1

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        return cls.ufunc(a, b)

    @classmethod
    def backward(cls, ctx, grad):
        a, b = ctx.saved_tensors
        a_loses, b_loses = (a < b, a > b) if cls.sign > 0 else (a > b, a < b)
        shared = where(a == b, grad * 0.5, grad)
        return (where(a_loses, 0.0, shared) if ctx.needs_input_grad[0] else None,
                where(b_loses, 0.0, shared) if ctx.needs_input_grad[1] else None)


class Minimum(Maximum):
    ufunc = staticmethod(np.minimum)
    sign = -1


class Fmax(Op):
    """NaN-ignoring max; the whole gradient goes to ``input`` on ties, as in torch."""

    ufunc = staticmethod(np.fmax)
    input_wins = staticmethod(lambda a, b: (a >= b) | b.isnan())

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        return cls.ufunc(a, b)

    @classmethod
    def backward(cls, ctx, grad):
        a, b = ctx.saved_tensors
        wins = cls.input_wins(a, b)
        return (where(wins, grad, 0.0) if ctx.needs_input_grad[0] else None,
                where(wins, 0.0, grad) if ctx.needs_input_grad[1] else None)


class Fmin(Fmax):
    ufunc = staticmethod(np.fmin)
    input_wins = staticmethod(lambda a, b: (a <= b) | b.isnan())


def maximum(input, other, *, out=None):
    """Elementwise max of two tensors; NaN propagates."""
    _require_tensors("maximum", input, other)
    return _out(binary(Maximum, input, other), out)


def minimum(input, other, *, out=None):
    _require_tensors("minimum", input, other)
    return _out(binary(Minimum, input, other), out)


def fmax(input, other, *, out=None):
    """Elementwise max that prefers a number over NaN."""
    _require_tensors("fmax", input, other)
    return _out(binary(Fmax, input, other), out)


def fmin(input, other, *, out=None):
    _require_tensors("fmin", input, other)
    return _out(binary(Fmin, input, other), out)


class Atan2(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        scale = grad / (a * a + b * b)
        return (scale * b if ctx.needs_input_grad[0] else None,
                -scale * a if ctx.needs_input_grad[1] else None)


def atan2(input, other, *, out=None):
    """Angle of the point (other, input); integers give the default float dtype."""
    _require_tensors("atan2", input, other)
    return _out(binary(Atan2, input, other, to_float=True), out)


arctan2 = atan2


class Hypot(Op):
    @staticmethod
    def forward(ctx, a, b):
        out = np.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        scale = grad / out
        return (scale * a if ctx.needs_input_grad[0] else None,
                scale * b if ctx.needs_input_grad[1] else None)


def hypot(input, other, *, out=None):
    """``sqrt(input² + other²)`` without overflow; floating point only."""
    _require_tensors("hypot", input, other)
    _require_float("hypot", input, other)
    return _out(binary(Hypot, input, other), out)


class Logaddexp(Op):
    """``log(eˣ + eʸ)``; its gradients are the softmax weights of the two inputs."""

    ufunc = staticmethod(np.logaddexp)
    power = staticmethod(lambda t: t.exp())

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        return cls.ufunc(a, b)

    @classmethod
    def backward(cls, ctx, grad):
        a, b = ctx.saved_tensors
        return (grad / (1 + cls.power(b - a)) if ctx.needs_input_grad[0] else None,
                grad / (1 + cls.power(a - b)) if ctx.needs_input_grad[1] else None)


class Logaddexp2(Logaddexp):
    ufunc = staticmethod(np.logaddexp2)
    power = staticmethod(lambda t: pow(2.0, t))


def logaddexp(input, other, *, out=None):
    _require_tensors("logaddexp", input, other)
    _require_float("logaddexp", input, other)
    return _out(binary(Logaddexp, input, other), out)


def logaddexp2(input, other, *, out=None):
    _require_tensors("logaddexp2", input, other)
    _require_float("logaddexp2", input, other)
    return _out(binary(Logaddexp2, input, other), out)


class Fmod(Op):
    """C's remainder: the sign of the dividend (``remainder`` takes the divisor's)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.fmod(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad, -grad * div(a, b, rounding_mode="trunc") if ctx.needs_input_grad[1] else None


def fmod(input, other, *, out=None):
    if not isinstance(input, Tensor):
        raise TypeError(f"fmod(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if _dtype.result_type(input, other) is _dtype.bool:
        raise NotImplementedError("\"fmod_cpu\" not implemented for 'Bool'")
    _check_integer_division(input, other)
    return _out(binary(Fmod, input, other), out)


class Xlogy(Op):
    """``x · log(y)``, defined as 0 where x == 0 (unless y is NaN)."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        dt = np.result_type(x, y)  # a Python-number side must not widen the result (NEP 50)
        out = np.asarray(np.multiply(x, np.log(np.asarray(y, dtype=dt)), dtype=dt))
        out[np.equal(x, 0) & ~np.isnan(y)] = 0
        return out

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        # torch: xlogy(grad, y), except 0 where x == 0 and y <= 0 (log would be -inf or NaN)
        return (where((x == 0) & (y <= 0), 0.0, xlogy(grad, y)) if ctx.needs_input_grad[0] else None,
                grad * x / y if ctx.needs_input_grad[1] else None)


def xlogy(input, other, *, out=None):
    """Either side may be a Python number; integers give the default float dtype."""
    return _out(binary(Xlogy, input, other, to_float=True), out)


# -- fused multiply-adds and interpolation ----------------------------------------------------
class Addcmul(Op):
    """``input + value · t1 · t2`` in one pass over a fresh array (no extra copies)."""

    combine = staticmethod(np.multiply)

    @classmethod
    def forward(cls, ctx, input, t1, t2, value):
        ctx.value = value
        ctx.save_for_backward(t1, t2)
        out = np.asarray(cls.combine(t1, t2))
        if value != 1:
            out *= value
        if out.shape == np.broadcast_shapes(out.shape, np.shape(input)):
            out += input
            return out
        return np.add(out, input)

    @staticmethod
    def backward(ctx, grad):
        t1, t2 = ctx.saved_tensors
        scaled = grad * ctx.value if ctx.value != 1 else grad
        return (grad,
                scaled * t2 if ctx.needs_input_grad[1] else None,
                scaled * t1 if ctx.needs_input_grad[2] else None)


class Addcdiv(Addcmul):
    combine = staticmethod(np.true_divide)

    @staticmethod
    def backward(ctx, grad):
        t1, t2 = ctx.saved_tensors
        scaled = (grad * ctx.value if ctx.value != 1 else grad) / t2
        return (grad,
                scaled if ctx.needs_input_grad[1] else None,
                -scaled * t1 / t2 if ctx.needs_input_grad[2] else None)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 * tensor2`` (value is truncated to an int for integer results)."""
    return _out(_fused(Addcmul, input, tensor1, tensor2, value), out)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 / tensor2``; integer ``tensor1``/``tensor2`` are refused."""
    if not tensor1.is_floating_point() and not tensor2.is_floating_point():
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
            "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))"
            ".to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for "
            "float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes.")
    return _out(_fused(Addcdiv, input, tensor1, tensor2, value), out)


def _fused(op, input, t1, t2, value):
    """Promote all three like torch, type ``value`` for the result (int for integer results)."""
    if isinstance(value, Tensor):
        raise TypeError("addcmul(): argument 'value' must be Number, not Tensor")
    dt = _dtype.result_type(input, t1, t2)
    value = float(value) if dt.is_floating_point else int(value)
    arrays = tuple(t._array if t._array.dtype == dt.np else t._array.astype(dt.np)
                   for t in (input, t1, t2))
    try:
        return op.run((input, t1, t2), arrays, {"value": value})
    except ValueError:
        raise broadcast_error(input.shape, t1.shape, t2.shape) from None


class Lerp(Op):
    """``start + weight · (end - start)``; ``weight`` is an array or a Python number."""

    node_name = "LerpBackward1"

    @staticmethod
    def forward(ctx, start, end, weight):
        ctx.save_for_backward(start, end, weight)
        out = np.asarray(np.subtract(end, start))
        if out.shape == np.broadcast_shapes(out.shape, weight.shape):
            out *= weight  # in place when weight does not enlarge the shape
        else:
            out = np.multiply(out, weight)
        out += start
        return out

    @staticmethod
    def backward(ctx, grad):
        start, end, weight = ctx.saved_tensors
        needs = ctx.needs_input_grad
        return (grad * (1 - weight) if needs[0] else None,
                grad * weight if needs[1] else None,
                grad * (end - start) if needs[2] else None)


class LerpScalar(Lerp):
    node_name = "LerpBackward0"

    @staticmethod
    def forward(ctx, start, end, weight):
        ctx.weight = weight
        out = np.subtract(end, start)
        out *= weight
        out += start
        return out

    @staticmethod
    def backward(ctx, grad):
        w = ctx.weight
        return (grad * (1 - w) if ctx.needs_input_grad[0] else None,
                grad * w if ctx.needs_input_grad[1] else None)


def lerp(input, end, weight, *, out=None):
    """Linear interpolation; ``end`` and a tensor ``weight`` must have ``input``'s dtype."""
    if not input.is_floating_point():
        raise NotImplementedError(f'"lerp_kernel_scalar" not implemented for '
                                  f"'{_dtype.type_word(input.dtype)}'")
    _same_dtype(input, end, "end")
    if isinstance(weight, Tensor):
        if weight.dim():  # a 0-d weight of another float dtype is accepted, as in torch
            _same_dtype(input, weight, "weight")
        # torch promotes the three together: a 0-d float64 weight makes 0-d float32 ends float64
        np_dtype = _dtype.result_type(input, end, weight).np
        try:
            result = Lerp.run((input, end, weight), tuple(
                t._array.astype(np_dtype, copy=False) for t in (input, end, weight)), {})
        except ValueError:
            raise broadcast_error(input.shape, end.shape, weight.shape) from None
    else:
        try:
            result = LerpScalar.run((input, end), (input._array, end._array), {"weight": float(weight)})
        except ValueError:
            raise broadcast_error(input.shape, end.shape) from None
    return _out(result, out)


def _same_dtype(input, other, name):
    if other.dtype is not input.dtype:
        raise RuntimeError(f"expected dtype {_dtype.c_type_name(input.dtype)} for `{name}` but "
                           f"got dtype {_dtype.c_type_name(other.dtype)}")


# -- results written into ``out=`` ------------------------------------------------------------
def _out(result, out):
    """Support ``out=``: copy the result into ``out`` (resizing it like torch when empty)."""
    if out is None:
        return result
    if out.shape != result.shape:
        if out.numel() != 0:
            raise RuntimeError(f"output with shape {list(out.shape)} doesn't match the broadcast "
                               f"shape {list(result.shape)}")
        out._array = np.empty(result.shape, dtype=out._array.dtype)
    out._array[...] = result._array
    out._version_counter[0] += 1
    return out


__all__ = [name for name in dir() if not name.startswith("_") and name not in
           ("np", "Op", "Tensor", "binary", "broadcast_error", "float_array")
           and not name[0].isupper()]

# Also Tensor methods, with the tensor as the first argument: x.f(...) == f(x, ...).
TENSOR_METHODS = (
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "neg", "negative",
    "pow", "float_power", "abs", "absolute",
    "relu", "sign", "clamp", "clip", "clamp_min", "clamp_max", "eq", "ne", "lt", "le", "gt", "ge",
    "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and", "logical_or",
    "logical_xor", "logical_not", "bitwise_not", "bitwise_and", "bitwise_or", "bitwise_xor",
    "floor_divide", "remainder", "maximum", "minimum", "fmax", "fmin", "atan2", "arctan2",
    "hypot", "logaddexp", "logaddexp2", "fmod", "xlogy", "addcmul", "addcdiv", "lerp",
)
