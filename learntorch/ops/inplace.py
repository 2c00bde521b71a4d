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
from . import pointwise
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


def add_(self, other, *, alpha=1):
    return apply_inplace(self, pointwise.add, other, alpha=alpha)


def sub_(self, other, *, alpha=1):
    return apply_inplace(self, pointwise.sub, other, alpha=alpha)


def mul_(self, other):
    return apply_inplace(self, pointwise.mul, other)


def div_(self, other, *, rounding_mode=None):
    return apply_inplace(self, pointwise.div, other, rounding_mode=rounding_mode)


def pow_(self, exponent):
    return apply_inplace(self, pointwise.pow, exponent)


def clamp_(self, min=None, max=None):
    return apply_inplace(self, pointwise.clamp, min, max)


clip_ = clamp_


def neg_(self):
    return apply_inplace(self, pointwise.neg)


def exp_(self):
    return apply_inplace(self, pointwise.exp)


def sqrt_(self):
    return apply_inplace(self, pointwise.sqrt)


def relu_(self):
    return apply_inplace(self, pointwise.relu)


def sigmoid_(self):
    return apply_inplace(self, pointwise.sigmoid)


def tanh_(self):
    return apply_inplace(self, pointwise.tanh)


def abs_(self):
    return apply_inplace(self, pointwise.abs)


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


__all__ = ["add_", "sub_", "mul_", "div_", "pow_", "clamp_", "clip_", "neg_", "exp_", "sqrt_",
           "relu_", "sigmoid_", "tanh_", "abs_", "fill_", "zero_", "copy_"]
