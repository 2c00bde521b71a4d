"""Reductions: sum, mean, max/min (with indices), amax/amin, argmax/argmin.

The backward of a reduction spreads the gradient back over the reduced dims: ``sum``
copies it, ``mean`` divides by the count, ``max`` sends it to the winning element.
"""
import warnings

import numpy as np

from .. import _dtype, return_types
from .._tensor import Tensor, _wrap_dim
from ._op import Op
from .indexing import Gather
from .shape import Expand


def reduction_axes(dim, ndim):
    """``dim`` (None, int, tuple or list) as a sorted tuple of axes, or None for "all"."""
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if not dims:
        return None
    axes = tuple(sorted(_wrap_dim(d, ndim) for d in dims))
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"dim {axes[0]} appears multiple times in the list of dims")
    if ndim == 0:
        return None  # a 0-d tensor accepts dim 0 / -1: reducing it reduces "everything"
    return axes


def _expand_back(grad, in_shape, axes, keepdim):
    """Undo a reduction's shape change: put reduced dims back as size 1, then broadcast."""
    if not keepdim and axes is not None and in_shape:
        kept = list(in_shape)
        for a in axes:
            kept[a] = 1
        grad = grad.reshape(kept)
    return Expand.apply(grad, shape=in_shape)


class Sum(Op):
    @staticmethod
    def forward(ctx, x, axes, keepdim, dtype):
        ctx.in_shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        return x.sum(axis=axes, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.in_shape, ctx.axes, ctx.keepdim)


class SumDim(Sum):
    node_name = "SumBackward1"


def sum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum of all elements, or over ``dim``; bools and integers sum as int64, like torch."""
    array = input._array
    if dim is None and dtype is None and array.dtype.kind == "f":  # the common case, kept quick
        return Sum.run((input,), (array,), {"axes": None, "keepdim": keepdim, "dtype": None})
    axes = reduction_axes(dim, array.ndim)
    out_dtype = _sum_dtype(input, dtype)
    if array.dtype != out_dtype.np:
        array = array.astype(out_dtype.np)
    op = Sum if dim is None else SumDim
    return op.run((input,), (array,), {"axes": axes, "keepdim": keepdim, "dtype": None})


def _sum_dtype(input, dtype):
    if dtype is not None:
        return _dtype.to_dtype(dtype)
    return input.dtype if input.is_floating_point() else _dtype.int64


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    return sum(_nan_to_zero(input), dim, keepdim, dtype=dtype)


def _nan_to_zero(input):
    from .pointwise import where
    return where(input != input, 0.0, input) if input.is_floating_point() else input


class Mean(Op):
    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.in_shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        ctx.count = _count(x.shape, axes)
        with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # "Mean of empty slice": torch gives NaN silently
            return np.mean(x, axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.in_shape, ctx.axes, ctx.keepdim) / ctx.count


class MeanDim(Mean):
    node_name = "MeanBackward1"


def _count(shape, axes):
    n = 1
    for a in (range(len(shape)) if axes is None else axes):
        n *= shape[a]
    return n


def mean(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    if not input.is_floating_point():
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                           f"floating point or complex dtype. Got: {_type_word(input.dtype)}")
    axes = reduction_axes(dim, input.dim())
    return (Mean if dim is None else MeanDim).apply(input, axes=axes, keepdim=keepdim)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    not_nan = (input == input)
    return nansum(input, dim, keepdim, dtype=dtype) / not_nan.sum(dim, keepdim)


def _type_word(dt):
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(dt.name, dt.name)


# -- max / min ---------------------------------------------------------------------------------
class _EvenExtreme(Op):
    """Full ``max()``/``amax``: ties share the gradient evenly, as in torch."""

    reduce = None

    @classmethod
    def forward(cls, ctx, x, axes, keepdim):
        out = cls.reduce(x, axis=axes, keepdims=keepdim)
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        in_shape = x.shape
        winners = x == _expand_back(out, in_shape, ctx.axes, ctx.keepdim)
        count = winners.sum(dim=ctx.axes, keepdim=True) if ctx.axes is not None else winners.sum()
        return _expand_back(grad, in_shape, ctx.axes, ctx.keepdim) * winners / count


class MaxAll(_EvenExtreme):
    node_name = "MaxBackward1"
    reduce = staticmethod(np.max)


class MinAll(_EvenExtreme):
    node_name = "MinBackward1"
    reduce = staticmethod(np.min)


class Amax(_EvenExtreme):
    reduce = staticmethod(np.max)


class Amin(_EvenExtreme):
    reduce = staticmethod(np.min)


class MaxDim(Gather):
    node_name = "MaxBackward0"


class MinDim(Gather):
    node_name = "MinBackward0"


def max(input, dim=None, keepdim=False, *, out=None):
    """``max(x)``: the largest value; ``max(x, dim)``: (values, indices); ``max(x, y)``: elementwise."""
    if isinstance(dim, Tensor):
        from .extra import maximum
        return maximum(input, dim)
    return _extreme(input, dim, keepdim, "max", MaxAll, MaxDim, np.argmax, return_types.max)


def min(input, dim=None, keepdim=False, *, out=None):
    if isinstance(dim, Tensor):
        from .extra import minimum
        return minimum(input, dim)
    return _extreme(input, dim, keepdim, "min", MinAll, MinDim, np.argmin, return_types.min)


def _extreme(input, dim, keepdim, name, all_op, dim_op, arg, result_type):
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() "
                               f"== 0. Specify the reduction dim with the 'dim' argument.")
        return all_op.apply(input, axes=None, keepdim=False)
    d = _wrap_dim(dim, input.dim())
    _check_nonempty(input, d, name)
    index = arg(input._array, axis=d, keepdims=True) if input.dim() else np.zeros((), np.int64)
    values = dim_op.apply(input, index=index, dim=d, keepdim=keepdim)
    indices = Tensor._make((index if keepdim or not input.dim() else np.squeeze(index, d))
                           .astype(np.int64, copy=False))
    return result_type(values, indices)


def _check_nonempty(input, d, name):
    if input.dim() and input.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def amax(input, dim=(), keepdim=False):
    return _amaxmin(input, dim, keepdim, Amax, "amax")


def amin(input, dim=(), keepdim=False):
    return _amaxmin(input, dim, keepdim, Amin, "amin")


def _amaxmin(input, dim, keepdim, op, name):
    axes = reduction_axes(dim, input.dim())
    if input.numel() == 0:
        if axes is None:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() "
                             "== 0. Specify the reduction dim with the 'dim' argument.")
        for d in axes:
            _check_nonempty(input, d, name)
    return op.apply(input, axes=axes, keepdim=keepdim)


def argmax(input, dim=None, keepdim=False):
    return _arg(np.argmax, input, dim, keepdim, "argmax")


def argmin(input, dim=None, keepdim=False):
    return _arg(np.argmin, input, dim, keepdim, "argmin")


def _arg(fn, input, dim, keepdim, name):
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() "
                               f"== 0.")
        index = fn(input._array.reshape(-1))
        shape = (1,) * input.dim() if keepdim else ()
        return Tensor._make(np.asarray(index, dtype=np.int64).reshape(shape))
    d = _wrap_dim(dim, input.dim())
    _check_nonempty(input, d, name)
    if input.dim() == 0:
        return Tensor._make(np.zeros((), np.int64))
    return Tensor._make(fn(input._array, axis=d, keepdims=keepdim).astype(np.int64, copy=False))


def all(input, dim=None, keepdim=False):
    """True where every element (along ``dim``) is non-zero; a bool tensor."""
    axes = reduction_axes(dim, input.dim())
    return Tensor._make(np.all(input._array, axis=axes, keepdims=keepdim))


def any(input, dim=None, keepdim=False):
    """True where some element (along ``dim``) is non-zero; a bool tensor."""
    axes = reduction_axes(dim, input.dim())
    return Tensor._make(np.any(input._array, axis=axes, keepdims=keepdim))


__all__ = ["sum", "nansum", "mean", "nanmean", "max", "min", "amax", "amin", "argmax", "argmin",
           "all", "any"]

# Also Tensor methods, with the tensor as the first argument: x.f(...) == f(x, ...).
TENSOR_METHODS = (
    "sum", "nansum", "mean", "nanmean", "max", "min", "amax", "amin", "argmax", "argmin", "all",
    "any",
)
