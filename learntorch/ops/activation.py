"""``softmax`` and ``log_softmax`` along one dim, each a single op.

Both subtract the max before exponentiating, so logits of ±1e4 stay finite.  Their
backward formulas:

    softmax:      dx = y · (g − Σ g·y)          with y = softmax(x)
    log_softmax:  dx = g − exp(y) · Σ g         with y = log_softmax(x)

are written in tensor ops when the gradient must be differentiable again
(``create_graph=True``); otherwise they run on arrays, and log_softmax reuses the
exponentials of its forward instead of computing ``exp(y)`` again.
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ..autograd.grad_mode import _State
from ._op import Op


def _shifted(x, axis):
    """``x - max(x)`` along ``axis`` (infinite maxima left alone, as torch does)."""
    m = np.max(x, axis=axis, keepdims=True) if x.size else np.zeros((), x.dtype)
    return np.asanyarray(np.subtract(x, m))  # an array even for 0-d x (NumPy gives a scalar)


class Softmax(Op):
    @staticmethod
    def forward(ctx, x, axis):
        e = _shifted(x, axis)
        np.exp(e, out=e)
        out = np.divide(e, e.sum(axis=axis, keepdims=True), out=e)
        ctx.axis = axis
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        if _State.enabled:
            return y * (grad - (grad * y).sum(ctx.axis, keepdim=True))
        g, y = grad._array, y._array
        return Tensor._make(y * (g - (g * y).sum(axis=ctx.axis, keepdims=True)))


class LogSoftmax(Op):
    @staticmethod
    def forward(ctx, x, axis):
        shifted = _shifted(x, axis)
        e = np.exp(shifted)
        sums = e.sum(axis=axis, keepdims=True)
        if e.ndim and e.shape[axis] == 0:  # an empty dim sums to 0: no log 0 (or 0/0 later)
            sums = np.ones_like(sums)
        out = np.subtract(shifted, np.log(sums), out=shifted)
        ctx.axis, ctx.e, ctx.sums = axis, e, sums  # softmax = e / sums, for the backward
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        if _State.enabled:
            return grad - y.exp() * grad.sum(ctx.axis, keepdim=True)
        g = grad._array
        return Tensor._make(g - ctx.e * (g.sum(axis=ctx.axis, keepdims=True) / ctx.sums))


def _run(op, kernel, input, dim, dtype):
    """Cast to ``dtype`` first (as torch does), check the dim, then apply ``op``."""
    if dtype is not None:
        input = input.to(dtype)
    axis = _wrap_dim(dim, input.dim())
    if not input.is_floating_point():
        where = "lastdim_" if axis == max(input.dim() - 1, 0) else ""
        raise NotImplementedError(f'"{kernel}_{where}kernel_impl" not implemented for '
                                  f"'{_dtype.type_word(input.dtype)}'")
    return op.apply(input, axis=axis)


def softmax(input, dim, dtype=None):
    """``exp(x) / Σ exp(x)`` along ``dim``; ``dtype`` casts the input first."""
    return _run(Softmax, "softmax", input, dim, dtype)


def log_softmax(input, dim, dtype=None):
    """``x − log Σ exp(x)`` along ``dim``, without forming the softmax (stable for large logits)."""
    return _run(LogSoftmax, "log_softmax", input, dim, dtype)


__all__ = ["softmax", "log_softmax"]
TENSOR_METHODS = tuple(__all__)  # x.softmax(dim) is softmax(x, dim)
