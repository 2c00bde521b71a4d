"""In-place ops (``x.add_(y)``, ``x.zero_()``, ``x.copy_(y)`` …).

Each writes an out-of-place result into ``x``'s own memory (so views and NumPy arrays
sharing it see the change) and bumps ``x``'s version counter.  When a graph is being
recorded, ``x`` takes the result's place in it; the old value is first copied aside,
so a backward formula that needs it still finds it.
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.grad_mode import _State
from . import linalg, pointwise, reduction, unary
from ._op import Op
from .indexing import check_inplace, take_history


OVERLAP_MESSAGE = ("unsupported operation: more than one element of the written-to tensor refers to "
                   "a single memory location. Please clone() the tensor before performing the "
                   "operation.")


def apply_inplace(self, op, *args, **kwargs):
    """``self = op(self, *args)`` in ``self``'s memory; returns ``self``."""
    recording = _State.enabled and (self._requires_grad or any(
        isinstance(a, Tensor) and a._requires_grad for a in args))
    source = self
    if recording:
        check_inplace(self)
        source = _snapshot(self)
    result = op(source, *args, **kwargs)
    write_into(self, result)
    if recording:
        take_history(self, result)
    return self


def _snapshot(t):
    """A copy of ``t`` that keeps ``t``'s place in the graph."""
    copy = Tensor._make(t._array.copy())
    copy._grad_fn, copy._output_nr, copy._requires_grad = t._grad_fn, t._output_nr, t._requires_grad
    return copy


def write_into(self, result):
    """Copy ``result`` into ``self``'s memory with torch's shape and dtype checks."""
    if result.shape != self.shape:
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                           f"{list(result.shape)}")
    if result.dtype is not self.dtype and not _can_cast(result.dtype, self.dtype):
        raise RuntimeError(f"result type {_dtype.type_word(result.dtype)} can't be cast to the "
                           f"desired output type {_dtype.type_word(self.dtype)}")
    if not self._array.flags.writeable:
        raise RuntimeError(OVERLAP_MESSAGE)
    self._array[...] = result._array
    self._version_counter[0] += 1


def _can_cast(src, dst):
    """torch's rule: no float into an integer, nothing but bool into bool."""
    if src.is_floating_point and not dst.is_floating_point:
        return False
    if dst is _dtype.bool and src is not _dtype.bool:
        return False
    return True


def _inplace_of(function):
    """The in-place twin of ``function``: ``x.f_(...)`` writes ``f(x, ...)`` into ``x``."""
    def method(self, *args, **kwargs):
        return apply_inplace(self, function, *args, **kwargs)
    method.__name__ = method.__qualname__ = function.__name__ + "_"
    method.__doc__ = f"In-place ``{function.__name__}``: writes the result into this tensor."
    return method


add_ = _inplace_of(pointwise.add)
sub_ = _inplace_of(pointwise.sub)
mul_ = _inplace_of(pointwise.mul)
div_ = _inplace_of(pointwise.div)
pow_ = _inplace_of(pointwise.pow)
remainder_ = _inplace_of(pointwise.remainder)
floor_divide_ = _inplace_of(pointwise.floor_divide)
clamp_ = clip_ = _inplace_of(pointwise.clamp)
clamp_min_ = _inplace_of(pointwise.clamp_min)
clamp_max_ = _inplace_of(pointwise.clamp_max)
neg_ = _inplace_of(pointwise.neg)
abs_ = _inplace_of(pointwise.abs)
sign_ = _inplace_of(pointwise.sign)
exp_ = _inplace_of(pointwise.exp)
log_ = _inplace_of(pointwise.log)
sqrt_ = _inplace_of(pointwise.sqrt)
sin_ = _inplace_of(pointwise.sin)
cos_ = _inplace_of(pointwise.cos)
tanh_ = _inplace_of(pointwise.tanh)
sigmoid_ = _inplace_of(pointwise.sigmoid)
relu_ = _inplace_of(pointwise.relu)
acos_ = _inplace_of(unary.acos)
asin_ = _inplace_of(unary.asin)
atan_ = _inplace_of(unary.atan)
cosh_ = _inplace_of(unary.cosh)
sinh_ = _inplace_of(unary.sinh)
tan_ = _inplace_of(unary.tan)
exp2_ = _inplace_of(unary.exp2)
expm1_ = _inplace_of(unary.expm1)
log1p_ = _inplace_of(unary.log1p)
log2_ = _inplace_of(unary.log2)
log10_ = _inplace_of(unary.log10)
reciprocal_ = _inplace_of(unary.reciprocal)
rsqrt_ = _inplace_of(unary.rsqrt)
erf_ = _inplace_of(unary.erf)
erfinv_ = _inplace_of(unary.erfinv)
square_ = _inplace_of(unary.square)
frac_ = _inplace_of(unary.frac)
ceil_ = _inplace_of(unary.ceil)
floor_ = _inplace_of(unary.floor)
trunc_ = _inplace_of(unary.trunc)
round_ = _inplace_of(unary.round)
nan_to_num_ = _inplace_of(unary.nan_to_num)
atan2_ = arctan2_ = _inplace_of(pointwise.atan2)
hypot_ = _inplace_of(pointwise.hypot)
fmod_ = _inplace_of(pointwise.fmod)
xlogy_ = _inplace_of(pointwise.xlogy)
lerp_ = _inplace_of(pointwise.lerp)
addcmul_ = _inplace_of(pointwise.addcmul)
addcdiv_ = _inplace_of(pointwise.addcdiv)
cumsum_ = _inplace_of(reduction.cumsum)
cumprod_ = _inplace_of(reduction.cumprod)
addmm_ = _inplace_of(linalg.addmm)
addmv_ = _inplace_of(linalg.addmv)
addr_ = _inplace_of(linalg.addr)
addbmm_ = _inplace_of(linalg.addbmm)
baddbmm_ = _inplace_of(linalg.baddbmm)


class Fill(Op):
    """Every element becomes ``value``: the old values get a zero gradient."""

    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, x, value):
        return np.full_like(x, value)

    @staticmethod
    def backward(ctx, grad):
        return grad.new_zeros(grad.shape)


class Zero(Fill):
    node_name = "ZeroBackward0"


def fill_(self, value):
    if isinstance(value, Tensor):
        if value.dim():
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.dim()} dimensions.")
        return copy_(self, value)  # a 0-d tensor value receives the (summed) gradient
    return apply_inplace(self, lambda x: Fill.apply(x, value=value))


def zero_(self):
    return apply_inplace(self, lambda x: Zero.apply(x, value=0))


class Copy(Op):
    """``x.copy_(src)``: x's old values get a zero gradient; src gets it (summed if broadcast)."""

    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, x, src):
        return np.broadcast_to(src, x.shape).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad.new_zeros(grad.shape) if ctx.needs_input_grad[0] else None, grad


def copy_(self, src, non_blocking=False):
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not "
                        f"{type(src).__name__}")
    try:
        np.broadcast_shapes(src.shape, self.shape)
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({self.shape[-1] if self.dim() else 1}) must match "
                           f"the size of tensor b ({src.shape[-1] if src.dim() else 1}) at "
                           f"non-singleton dimension {max(self.dim() - 1, 0)}") from None
    src = src.to(self.device)
    return apply_inplace(self, lambda x, s: Copy.run((x, s), (x._array, s._array), {}), src)


__all__ = ["add_", "sub_", "mul_", "div_", "pow_", "remainder_", "floor_divide_", "clamp_",
           "clip_", "clamp_min_", "clamp_max_", "neg_", "abs_", "sign_", "exp_", "log_", "sqrt_",
           "sin_", "cos_", "tanh_", "sigmoid_", "relu_", "acos_", "asin_", "atan_", "cosh_",
           "sinh_", "tan_", "exp2_", "expm1_", "log1p_", "log2_", "log10_", "reciprocal_", "rsqrt_",
           "erf_", "erfinv_", "square_", "frac_", "ceil_", "floor_", "trunc_", "round_",
           "nan_to_num_", "fill_", "zero_", "copy_", "atan2_", "arctan2_", "hypot_", "fmod_",
           "xlogy_", "lerp_", "addcmul_", "addcdiv_", "cumsum_", "cumprod_", "addmm_", "addmv_",
           "addr_", "addbmm_", "baddbmm_"]

# Also Tensor methods, with the tensor as the first argument: x.f(...) == f(x, ...).
TENSOR_METHODS = tuple(__all__)
