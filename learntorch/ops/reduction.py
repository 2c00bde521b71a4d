"""Reductions: sum, mean, max/min (with indices), amax/amin, argmax/argmin.

The backward of a reduction spreads the gradient back over the reduced dims: ``sum``
copies it, ``mean`` divides by the count, ``max`` sends it to the winning element.
"""

import numpy as np

from .. import _dtype, return_types
from .._tensor import Tensor, _wrap_dim
from ._op import Op
from .indexing import Gather
from .shape import Expand, broadcast_view


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
    return Expand.apply(_keep_dims(grad, in_shape, axes, keepdim), shape=in_shape)


def _expand_back_array(grad, in_shape, axes, keepdim):
    """``_expand_back`` on an array (``backward_arrays``): a broadcast view, no copy."""
    return broadcast_view(_keep_dims(grad, in_shape, axes, keepdim), in_shape)


def _keep_dims(grad, in_shape, axes, keepdim):
    """The reduced dims put back as size 1 (a tensor or an array)."""
    if not keepdim and axes is not None and in_shape:
        kept = list(in_shape)
        for a in axes:
            kept[a] = 1
        grad = grad.reshape(kept)
    return grad


class Sum(Op):
    @staticmethod
    def forward(ctx, x, axes, keepdim, dtype):
        ctx.in_shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        return x.sum(axis=axes, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.in_shape, ctx.axes, ctx.keepdim)

    @staticmethod
    def backward_arrays(ctx, grad):
        return _expand_back_array(grad, ctx.in_shape, ctx.axes, ctx.keepdim)


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
        ctx.count = count = _count(x.shape, axes)
        # sum / count rather than np.mean: the mean of nothing is NaN without NumPy's warning
        return np.true_divide(x.sum(axis=axes, keepdims=keepdim), count, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.in_shape, ctx.axes, ctx.keepdim) / ctx.count

    @staticmethod
    def backward_arrays(ctx, grad):
        # divided after the broadcast, as backward does: a gradient of its own (writable,
        # so a hook may change it in place, as in torch)
        return np.true_divide(_expand_back_array(grad, ctx.in_shape, ctx.axes, ctx.keepdim),
                              float(ctx.count))


class MeanDim(Mean):
    node_name = "MeanBackward1"


def _count(shape, axes):
    n = 1
    for a in (range(len(shape)) if axes is None else axes):
        n *= shape[a]
    return n


def mean(input, dim=None, keepdim=False, *, dtype=None):
    if dim is None and dtype is None and input._array.dtype.kind == "f":  # a loss: kept quick
        return Mean.run((input,), (input._array,), {"axes": None, "keepdim": keepdim})
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

    # the array method "max"/"min" (x.max() skips np.max's Python wrappers), or a function
    # ``reduce(x, axis, keepdims)`` (median, nanmedian)
    reduce = None

    @classmethod
    def forward(cls, ctx, x, axes, keepdim):
        reduce = cls.reduce
        out = (getattr(x, reduce)(axis=axes, keepdims=keepdim) if isinstance(reduce, str)
               else reduce(x, axis=axes, keepdims=keepdim))
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
    reduce = "max"


class MinAll(_EvenExtreme):
    node_name = "MinBackward1"
    reduce = "min"


class Amax(_EvenExtreme):
    reduce = "max"


class Amin(_EvenExtreme):
    reduce = "min"


class MaxDim(Gather):
    node_name = "MaxBackward0"


class MinDim(Gather):
    node_name = "MinBackward0"


def max(input, dim=None, keepdim=False, *, out=None):
    """``max(x)``: the largest value; ``max(x, dim)``: (values, indices); ``max(x, y)``: elementwise."""
    if isinstance(dim, Tensor):
        from .pointwise import maximum
        return maximum(input, dim)
    return _extreme(input, dim, keepdim, "max", MaxAll, MaxDim, np.argmax, return_types.max)


def min(input, dim=None, keepdim=False, *, out=None):
    if isinstance(dim, Tensor):
        from .pointwise import minimum
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
        return Tensor._make(np.asanyarray(index, dtype=np.int64).reshape(shape))
    d = _wrap_dim(dim, input.dim())
    _check_nonempty(input, d, name)
    if input.dim() == 0:
        return Tensor._make(np.zeros((), np.int64))
    return Tensor._make(fn(input._array, axis=d, keepdims=keepdim).astype(np.int64, copy=False))


# -- products -----------------------------------------------------------------------------------
def _result_dtype(input, dtype):
    """torch's accumulate type: integers and bools reduce to int64 unless ``dtype`` is given."""
    if dtype is not None:
        return _dtype.to_dtype(dtype)
    return input.dtype if input.is_floating_point() else _dtype.int64


def _cast(input, dt):
    array = input._array
    return array if array.dtype == dt.np else array.astype(dt.np)


def _products_of_others(x, axis):
    """For each element, the product of the *other* elements along ``axis`` (exact with zeros):
    the product of everything before it times the product of everything after it."""
    ones = np.ones_like(np.take(x, [0], axis=axis))
    before = np.cumprod(np.concatenate([ones, np.delete(x, -1, axis=axis)], axis=axis), axis=axis)
    after = np.flip(np.cumprod(np.flip(np.concatenate([np.delete(x, 0, axis=axis), ones],
                                                      axis=axis), axis), axis=axis), axis)
    return before * after


class Prod(Op):
    """Backward is ``grad · out / x`` unless x holds a zero; then the product of the others."""

    @staticmethod
    def forward(ctx, x, axis, keepdim):
        ctx.axis, ctx.keepdim = axis, keepdim
        out = np.prod(x, axis=axis, keepdims=keepdim)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        axes = None if ctx.axis is None else (ctx.axis,)
        grad = _expand_back(grad, x.shape, axes, ctx.keepdim)
        if x.dim() == 0 or x.numel() == 0:
            return grad
        if (x._array != 0).all():
            return grad * _expand_back(out, x.shape, axes, ctx.keepdim) / x
        flat = x._array.reshape(-1) if ctx.axis is None else x._array
        others = _products_of_others(flat, 0 if ctx.axis is None else ctx.axis)
        return grad * Tensor._make(others.reshape(x.shape))


class ProdDim(Prod):
    node_name = "ProdBackward1"


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """Product of all elements, or along one ``dim`` (an int, not a tuple, as in torch)."""
    if dim is not None and not isinstance(dim, int):
        raise TypeError(f"prod(): argument 'dim' (position 2) must be int, not {type(dim).__name__}")
    dt = _result_dtype(input, dtype)
    axis = None if dim is None or input.dim() == 0 else _wrap_dim(dim, input.dim())
    if dim is not None and input.dim() == 0:
        _wrap_dim(dim, 0)
    op = Prod if dim is None else ProdDim
    return op.run((input,), (_cast(input, dt),), {"axis": axis, "keepdim": keepdim and dim is not None})


# -- spread: var and std -----------------------------------------------------------------------
class Var(Op):
    """Σ(x − mean)² / max(0, N − correction); backward ``grad · 2(x − mean) / (N − correction)``,
    unclamped over given dims, NaN/inf over all of them once N ≤ correction (torch's rules)."""

    @staticmethod
    def forward(ctx, x, axes, keepdim, correction, whole):
        centered = np.asarray(x - x.mean(axis=axes, keepdims=True)) if x.size else x.copy()
        np.multiply(centered, centered, out=centered)
        total = centered.sum(axis=axes, keepdims=keepdim)
        dof = _count(x.shape, axes) - correction
        out = np.asarray(np.true_divide(total, np.maximum(0, dof), dtype=x.dtype))
        ctx.axes, ctx.keepdim, ctx.dof, ctx.whole = axes, keepdim, dof, whole
        ctx.save_for_backward(x, out)
        return out

    @classmethod
    def backward(cls, ctx, grad):
        x, out = ctx.saved_tensors
        centered = x - x.mean(dim=ctx.axes, keepdim=True)
        grad = _expand_back(cls.scale(grad, out), x.shape, ctx.axes, ctx.keepdim)
        if ctx.whole and ctx.dof <= 0:  # torch: NaN where x is its mean, else infinity
            from .pointwise import where
            return grad * where(centered == 0, float("nan"), float("inf"))
        return grad * centered * (2.0 / ctx.dof if ctx.dof else float("inf"))

    @staticmethod
    def scale(grad, out):
        return grad


class Std(Var):
    """``sqrt(var)``: the var gradient scaled by ``1 / (2·std)``."""

    @classmethod
    def forward(cls, ctx, x, axes, keepdim, correction, whole):
        out = np.sqrt(Var.forward(ctx, x, axes, keepdim, correction, whole))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def scale(grad, out):
        from .pointwise import where
        return where(out == 0, 0.0, grad / (2 * out))  # torch: no gradient through std == 0


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance; ``correction`` (default 1, Bessel's) or the older ``unbiased`` flag."""
    return _spread(Var, "var", input, dim, unbiased, keepdim, correction)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Standard deviation: ``sqrt(var(...))`` with the same arguments."""
    return _spread(Std, "std", input, dim, unbiased, keepdim, correction)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(var, mean)`` in one call (a plain tuple, as torch returns)."""
    dim, unbiased = _split_legacy(dim, unbiased)
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, _all_if_none(dim, input), keepdim))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dim, unbiased = _split_legacy(dim, unbiased)
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, _all_if_none(dim, input), keepdim))


def _all_if_none(dim, input):
    """``mean(x, None, keepdim=True)`` would drop keepdim; name every dim instead."""
    return tuple(range(input.dim())) if dim is None else dim


def _split_legacy(dim, unbiased):
    """``std(x, False)`` is the ``std(input, unbiased)`` overload: a bool is never a dim."""
    if isinstance(dim, bool):
        return None, dim
    return dim, unbiased


def _spread(op, name, input, dim, unbiased, keepdim, correction):
    dim, unbiased = _split_legacy(dim, unbiased)
    if not input.is_floating_point():
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}(): pass either correction= or unbiased=, not both")
    if correction is None:
        correction = 0 if unbiased is False else 1
    axes = reduction_axes(dim, input.dim())
    whole = dim is None or input.dim() == 0  # torch's backward treats a full reduction apart
    return op.apply(input, axes=axes, keepdim=keepdim, correction=correction, whole=whole)


# -- cumulative ops -----------------------------------------------------------------------------
class Cumsum(Op):
    """Backward: the reversed cumulative sum of the gradient."""

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        return np.cumsum(x, axis=axis) if x.ndim else x.copy()

    @staticmethod
    def backward(ctx, grad):
        if grad.dim() == 0:
            return grad
        return _reverse_cumsum(grad, ctx.axis)


def _reverse_cumsum(t, axis):
    """Σ over j ≥ k, as total − cumsum + self (no flip op needed; exact for the test tolerances)."""
    return t.sum(axis, keepdim=True) - t.cumsum(axis) + t


class Cumprod(Op):
    """Backward: ``revcumsum(grad · out) / x`` before the first zero of each line; at that zero,
    the product before it times ``revcumsum(grad · product after it)``; zero after it."""

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        out = np.cumprod(x, axis=axis) if x.ndim else x.copy()
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        if x.dim() == 0:
            return grad
        axis = ctx.axis
        if (x._array != 0).all():
            return _reverse_cumsum(grad * out, axis) / x
        return Tensor._make(_cumprod_grad_with_zeros(x._array, grad._array, axis))


def _cumprod_grad_with_zeros(x, g, axis):
    is_zero = x == 0
    zeros_so_far = np.cumsum(is_zero, axis=axis)
    before_first = zeros_so_far == 0
    first_zero = is_zero & (zeros_so_far == 1)
    safe_x = np.where(before_first, x, 1)
    prefix = np.cumprod(safe_x, axis=axis)  # at the first zero: the product of what precedes it
    out = np.cumprod(x, axis=axis)
    result = np.where(before_first, _np_reverse_cumsum(g * out, axis) / safe_x, 0)
    after = np.cumprod(np.where(before_first | first_zero, 1, x), axis=axis)
    at_zero = prefix * _np_reverse_cumsum(np.where(before_first, 0, g * after), axis)
    return np.where(first_zero, at_zero, result).astype(x.dtype, copy=False)


def _np_reverse_cumsum(a, axis):
    return np.flip(np.cumsum(np.flip(a, axis), axis=axis), axis)


def cumsum(input, dim, *, dtype=None, out=None):
    """Running sum along ``dim``; integers and bools accumulate as int64."""
    return _cumulative(Cumsum, input, dim, dtype)


def cumprod(input, dim, *, dtype=None, out=None):
    """Running product along ``dim``; its gradient is exact when the input holds zeros."""
    return _cumulative(Cumprod, input, dim, dtype)


def _cumulative(op, input, dim, dtype):
    axis = _wrap_dim(dim, input.dim())
    return op.run((input,), (_cast(input, _result_dtype(input, dtype)),), {"axis": axis})


class Cummax(Gather):
    """The running max, already computed; backward (Gather's) sends the gradient to the
    positions ``index`` names."""

    @staticmethod
    def forward(ctx, x, index, dim, keepdim=True, values=None):
        ctx.in_shape, ctx.index, ctx.dim, ctx.keepdim = x.shape, index, dim, keepdim
        return values


class Cummin(Cummax):
    pass


def cummax(input, dim):
    """Running max and the index it came from (the latest one on ties; NaN wins)."""
    return _cumulative_extreme(input, dim, np.maximum, Cummax, return_types.cummax)


def cummin(input, dim):
    return _cumulative_extreme(input, dim, np.minimum, Cummin, return_types.cummin)


def _cumulative_extreme(input, dim, ufunc, op, result_type):
    axis = _wrap_dim(dim, input.dim())
    x = input._array
    if x.ndim == 0:
        index, running = np.zeros((), np.int64), x.copy()
    else:
        running = ufunc.accumulate(x, axis=axis) if x.size else x.copy()
        positions = np.arange(x.shape[axis], dtype=np.int64).reshape(
            [-1 if d == axis else 1 for d in range(x.ndim)])
        takes_over = (x == running) | (x != x)  # a new extreme, a tie, or a NaN
        index = np.maximum.accumulate(np.where(takes_over, positions, 0), axis=axis) \
            if x.size else np.zeros(x.shape, np.int64)
    values = op.apply(input, index=index, dim=axis, keepdim=True, values=running)
    return result_type(values, Tensor._make(index))


# -- logsumexp, aminmax --------------------------------------------------------------------------
class Logsumexp(Op):
    """``m + log Σ exp(x − m)`` with m the max (finite ones only), so nothing overflows."""

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        with np.errstate(invalid="ignore", divide="ignore"):
            if x.size:
                m = np.asarray(np.max(x, axis=axes, keepdims=True))
                m[~np.isfinite(m)] = 0
            else:
                m = np.zeros((), x.dtype)
            shifted = np.asarray(np.subtract(x, m))
            np.exp(shifted, out=shifted)
            out = np.asarray(np.log(shifted.sum(axis=axes, keepdims=True)))
            out += m
        ctx.axes, ctx.keepdim = axes, keepdim
        ctx.save_for_backward(x, out)
        return out if keepdim else np.squeeze(out, axes)

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors  # ``out`` was saved with the reduced dims kept
        return _expand_back(grad, x.shape, ctx.axes, ctx.keepdim) * (x - out).exp()


def logsumexp(input, dim, keepdim=False, *, out=None):
    """``log(sum(exp(x), dim))``, computed stably; integers give the default float dtype."""
    axes = reduction_axes(dim, input.dim())
    if axes is None:
        axes = tuple(range(input.dim()))
    from ._promote import float_array
    return Logsumexp.run((input,), (float_array(input),), {"axes": axes, "keepdim": keepdim})


def aminmax(input, *, dim=None, keepdim=False):
    """``(min, max)`` in one call, as ``torch.return_types.aminmax``."""
    if input.numel() == 0 and (dim is None or input.shape[_wrap_dim(dim, input.dim())] == 0):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    if dim is None:
        if keepdim:
            dims = tuple(range(input.dim()))
            return return_types.aminmax(amin(input, dims, True), amax(input, dims, True))
        return return_types.aminmax(amin(input), amax(input))
    return return_types.aminmax(amin(input, dim, keepdim), amax(input, dim, keepdim))


def all(input, dim=None, keepdim=False):
    """True where every element (along ``dim``) is non-zero; a bool tensor."""
    axes = reduction_axes(dim, input.dim())
    return Tensor._make(np.all(input._array, axis=axes, keepdims=keepdim))


def any(input, dim=None, keepdim=False):
    """True where some element (along ``dim``) is non-zero; a bool tensor."""
    axes = reduction_axes(dim, input.dim())
    return Tensor._make(np.any(input._array, axis=axes, keepdims=keepdim))


__all__ = ["sum", "nansum", "mean", "nanmean", "max", "min", "amax", "amin", "argmax", "argmin",
           "all", "any", "prod", "var", "std", "var_mean", "std_mean", "cumsum", "cumprod", "cummax",
           "cummin", "logsumexp", "aminmax"]

# Also Tensor methods, with the tensor as the first argument: x.f(...) == f(x, ...).
TENSOR_METHODS = (
    "sum", "nansum", "mean", "nanmean", "max", "min", "amax", "amin", "argmax", "argmin", "all",
    "any", "prod", "var", "std", "cumsum", "cumprod", "cummax", "cummin", "logsumexp", "aminmax",
)
