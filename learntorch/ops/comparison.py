"""Equality tests and everything that ranks elements: sort, topk, kthvalue, median, mode, unique.

Selections by rank return ``(values, indices)``; the values are a ``gather`` of the input
at the indices, so their gradient flows back to exactly the chosen elements.
"""
import numpy as np

from .. import return_types
from .._tensor import Tensor, _wrap_dim
from .indexing import Gather
from .reduction import _EvenExtreme


# -- equality -----------------------------------------------------------------------------------
def equal(input, other):
    """True when both tensors have the same shape and the same elements."""
    return input.shape == other.shape and bool(np.array_equal(input._array, other._array))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``|input - other| <= atol + rtol * |other|`` elementwise (a bool tensor)."""
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{input.dtype} did not match {other.dtype}")
    return Tensor._make(np.isclose(input._array, other._array, rtol=rtol, atol=atol,
                                   equal_nan=equal_nan))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(isclose(input, other, rtol, atol, equal_nan).all())  # meta: item()'s error


def _float_test(fn, input):
    array = input._array
    if array.dtype.kind != "f":
        return Tensor._make(np.zeros(array.shape, dtype=np.bool_) if fn is not np.isfinite
                            else np.ones(array.shape, dtype=np.bool_))
    return Tensor._make(fn(array))


def isnan(input):
    return _float_test(np.isnan, input)


def isinf(input):
    return _float_test(np.isinf, input)


def isfinite(input):
    return _float_test(np.isfinite, input)


def isposinf(input):
    return _float_test(np.isposinf, input)


def isneginf(input):
    return _float_test(np.isneginf, input)


def isreal(input):
    return Tensor._make(np.ones(input.shape, dtype=np.bool_))


# -- sorting --------------------------------------------------------------------------------
def _sort_order(array, axis, descending):
    """Stable sort indices along ``axis``; NaN counts as the largest value, like torch."""
    if array.dtype == np.bool_ or array.dtype.kind == "u":
        array = array.astype(np.int16 if array.dtype.itemsize == 1 else np.int64)
    if not descending:
        return np.argsort(array, axis=axis, kind="stable")
    # Sorting the reversed array and reversing the result keeps ties in their original order.
    n = array.shape[axis]
    flipped = np.flip(array, axis=axis)
    order = np.argsort(flipped, axis=axis, kind="stable")
    return np.flip(n - 1 - order, axis=axis)


class SortValues(Gather):
    node_name = "SortBackward0"


class TopkValues(Gather):
    node_name = "TopkBackward0"


class KthvalueValues(Gather):
    node_name = "KthvalueBackward0"


class MedianValues(Gather):
    node_name = "MedianBackward1"


class ModeValues(Gather):
    node_name = "ModeBackward0"


def _dim_and_array(input, dim):
    """``input``'s array seen as at least 1-D (a 0-d tensor sorts like a 1-element one)."""
    array = input._array
    d = _wrap_dim(dim, array.ndim)
    return (array if array.ndim else array.reshape(1)), d


def _pick(op, input, index, d, keepdim=True):
    """(values, indices) for ``index`` (an int64 array along ``d``, kept-dim shaped)."""
    scalar = input.dim() == 0
    values = op.apply(input, index=index if not scalar else np.zeros((), np.int64), dim=d,
                      keepdim=keepdim or scalar)
    if scalar:
        return values, Tensor._make(np.zeros((), np.int64))
    indices = index if keepdim else np.squeeze(index, d)
    return values, Tensor._make(indices.astype(np.int64, copy=False))


def sort(input, dim=-1, descending=False, stable=False):
    """Sorted values and where they came from (ties keep their order: the sort is stable)."""
    array, d = _dim_and_array(input, dim)
    order = _sort_order(array, d, descending)
    return return_types.sort(*_pick(SortValues, input, order, d))


def argsort(input, dim=-1, descending=False, stable=False):
    return sort(input, dim, descending, stable).indices


def msort(input):
    return sort(input, 0).values


def topk(input, k, dim=-1, largest=True, sorted=True):
    array, d = _dim_and_array(input, dim)
    if not 0 <= k <= array.shape[d]:
        raise RuntimeError("selected index k out of range")
    order = np.take(_sort_order(array, d, largest), np.arange(k), axis=d)
    return return_types.topk(*_pick(TopkValues, input, order, d))


def kthvalue(input, k, dim=-1, keepdim=False):
    """The k-th smallest element (k counts from 1) along ``dim``."""
    array, d = _dim_and_array(input, dim)
    if not 1 <= k <= array.shape[d]:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    order = np.take(_sort_order(array, d, False), [k - 1], axis=d)
    return return_types.kthvalue(*_pick(KthvalueValues, input, order, d, keepdim))


class MedianAll(_EvenExtreme):
    """``median()`` of all elements: ties share the gradient, as in torch."""

    node_name = "MedianBackward0"

    @staticmethod
    def reduce(x, axis, keepdims):
        flat = np.sort(x.reshape(-1), kind="stable")
        return flat[(flat.size - 1) // 2] if not np.isnan(flat).any() else np.asarray(np.nan, x.dtype)


def median(input, dim=None, keepdim=False):
    """The lower of the two middle values; with ``dim``: (values, indices)."""
    if dim is None:
        if input.numel() == 0:
            return Tensor._make(np.asarray(np.nan, dtype=input._array.dtype))
        return MedianAll.apply(input, axes=None, keepdim=False)
    array, d = _dim_and_array(input, dim)
    order = _sort_order(array, d, False)
    middle = np.take(order, [(array.shape[d] - 1) // 2], axis=d)
    return return_types.median(*_pick(MedianValues, input, middle, d, keepdim))


def mode(input, dim=-1, keepdim=False):
    """The most frequent value (the smallest on a tie) and the index of its last occurrence."""
    array, d = _dim_and_array(input, dim)
    moved = np.moveaxis(array, d, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    index = np.array([_mode_index(row) for row in flat], dtype=np.int64)
    index = np.moveaxis(index.reshape(moved.shape[:-1] + (1,)), -1, d)
    return return_types.mode(*_pick(ModeValues, input, index, d, keepdim))


def _mode_index(row):
    values, counts = np.unique(row, return_counts=True)
    best = values[np.argmax(counts)]
    return int(np.flatnonzero(row == best)[-1])


# -- counting ---------------------------------------------------------------------------------
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Distinct elements (always sorted here), optionally with inverse indices and counts."""
    if dim is not None:
        d = _wrap_dim(dim, input.dim())
        result = np.unique(input._array, return_inverse=return_inverse,
                           return_counts=return_counts, axis=d)
    else:
        result = np.unique(input._array, return_inverse=return_inverse, return_counts=return_counts)
    if not isinstance(result, tuple):
        return Tensor._make(result)
    values, *extra = result
    out = [Tensor._make(values)]
    if return_inverse:
        inverse = extra.pop(0).reshape(input.shape if dim is None else -1)
        out.append(Tensor._make(inverse.astype(np.int64)))
    if return_counts:
        out.append(Tensor._make(extra.pop(0).astype(np.int64)))
    return tuple(out)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    flat = input._array.reshape(-1)
    if flat.size == 0:
        starts = np.zeros(0, dtype=np.int64)
    else:
        starts = np.concatenate([[0], np.flatnonzero(flat[1:] != flat[:-1]) + 1])
    out = [Tensor._make(flat[starts])]
    if return_inverse:
        out.append(Tensor._make((np.cumsum(np.isin(np.arange(flat.size), starts)) - 1)
                                .reshape(input.shape).astype(np.int64)))
    if return_counts:
        out.append(Tensor._make(np.diff(np.append(starts, flat.size)).astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def count_nonzero(input, dim=None):
    axes = None if dim is None else (dim if isinstance(dim, int) else tuple(dim))
    return Tensor._make(np.asarray(np.count_nonzero(input._array, axis=axes), dtype=np.int64))


__all__ = ["equal", "isclose", "allclose", "isnan", "isinf", "isfinite", "isposinf", "isneginf",
           "isreal", "sort", "argsort", "msort", "topk", "kthvalue", "median", "mode", "unique",
           "unique_consecutive", "count_nonzero"]

# Also Tensor methods, with the tensor as the first argument: x.f(...) == f(x, ...).
TENSOR_METHODS = (
    "equal", "isclose", "allclose", "isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal",
    "sort", "argsort", "msort", "topk", "kthvalue", "median", "mode", "unique",
    "unique_consecutive", "count_nonzero",
)
