"""Counting and searching: bincount, histc, histogram, histogramdd, bucketize, searchsorted.

None of these is differentiable (torch gives their results no ``grad_fn``). Bin edges are
computed in the input's dtype exactly as torch does (its ``linspace``), so a value on an
edge lands in the same bin as in torch.
"""
import numpy as np

from .. import _dtype, return_types
from .._tensor import Tensor
from .creation import _linspace_like_torch
from .pointwise import _out

_wrap = Tensor._make


def _not_implemented(name, dtype):
    return NotImplementedError(f"\"{name}\" not implemented for '{_dtype.type_word(dtype)}'")


# -- bincount ----------------------------------------------------------------------------------
def bincount(input, weights=None, minlength=0):
    """How often each value 0, 1, 2 … occurs in a 1-D non-negative integer tensor (or the sum
    of ``weights`` there)."""
    if input.dtype.is_floating_point or input.dtype is _dtype.bool:
        raise _not_implemented("bincount_cpu", input.dtype)
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    x = input._array
    if x.ndim != 1 or (x.size and x.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return _wrap(np.bincount(x, minlength=minlength).astype(np.int64))
    w = weights._array
    if w.ndim != 1 or w.shape[0] != x.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dt = w.dtype if weights.dtype.is_floating_point else np.float64
    return _wrap(np.bincount(x, weights=w, minlength=minlength).astype(dt))


# -- histograms --------------------------------------------------------------------------------
def _edges(lo, hi, bins, np_dtype):
    """``bins + 1`` edges from ``lo`` to ``hi`` in the input's dtype (torch's linspace)."""
    t = np.dtype(np_dtype).type
    if bins == 0:
        return np.zeros(1, np_dtype)[:0]
    return _linspace_like_torch(t(lo), t(hi), bins + 1) if bins + 1 > 1 else np.array([t(lo)])


def histc(input, bins=100, min=0, max=0, *, out=None):
    """Counts in ``bins`` equal-width bins between ``min`` and ``max`` (the data's range when
    both are equal); values outside are ignored."""
    if not input.dtype.is_floating_point:
        raise _not_implemented("histogram_cpu", input.dtype)
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    x = input._array.reshape(-1)
    lo, hi = float(min), float(max)
    if lo == hi and x.size:
        lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{_c_number(lo)}, {_c_number(hi)}] is not "
                           f"finite")
    if not lo < hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    edges = _edges(lo, hi, bins, x.dtype)
    left, right = edges[0], edges[-1]
    x = x[(x >= left) & (x <= right)]
    pos = ((x - left) * x.dtype.type(bins) / (right - left)).astype(np.int64)
    pos[pos == bins] = bins - 1
    return _out(_wrap(np.bincount(pos, minlength=bins).astype(x.dtype)), out)


def _c_number(v):
    """A double as C++'s ostream prints it (torch's messages): 1, 0.5, inf, -nan."""
    if v != v:
        return "-nan"
    return f"{v:g}"


def _bin_edges(input, x, bins, range):
    """One edge array per dimension of the points ``x`` (n, D), with torch's checks, and
    whether each is evenly spaced (made from a number of bins)."""
    d = x.shape[1]
    if isinstance(bins, Tensor):
        bins = [bins]
    if isinstance(bins, int):
        bins = [bins] * d
    bins = list(bins)
    if len(bins) != d:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost "
                           "dimension of the input.")
    if range is not None and len(range) != 2 * d:
        raise RuntimeError(f"torch.histogramdd: for a {d}-dimensional histogram range should have "
                           f"{2 * d} elements, but got {len(range)}")
    edges, uniform = [], []
    for k, b in enumerate(bins):
        uniform.append(not isinstance(b, Tensor))
        if isinstance(b, Tensor):
            if b.dtype is not input.dtype:
                raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have "
                                   f"the same dtype, but got input with dtype "
                                   f"{_dtype.type_word(input.dtype).lower()} and bins for "
                                   f"dimension "
                                   f"{k} with dtype {_dtype.type_word(b.dtype).lower()}")
            if b.dim() != 1:
                raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but "
                                   f"got {b.dim()} dimensions in the bins tensor for dimension {k}")
            edges.append(b._array)
            continue
        if b <= 0:
            raise RuntimeError(f"torch.histogramdd(): bins must be > 0, but got {b} for dimension "
                               f"{k}")
        if range is not None:
            lo, hi = float(range[2 * k]), float(range[2 * k + 1])
        elif x.shape[0]:
            lo, hi = float(x[:, k].min()), float(x[:, k].max())
        else:
            lo, hi = 0.0, 1.0
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise RuntimeError(f"torch.histogramdd: dimension {k}'s range [{_c_number(lo)}, "
                               f"{_c_number(hi)}] is not finite")
        if lo > hi:
            raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min "
                               f"{_c_number(lo)} max {_c_number(hi)} for dimension {k}")
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges.append(_edges(lo, hi, b, x.dtype))
    return edges, uniform


_BLOCK = 65536


def _bin_of(e, v, uniform):
    """The bin of each value: ``edges[i] <= v < edges[i + 1]`` (the last bin closed).

    Evenly spaced edges: torch's linear interpolation, then one step left or right where
    rounding put a value next to its bin (as fast as arithmetic, exact as a search).
    """
    last = max(e.size - 2, 0)
    if not uniform or e.size < 2:
        return np.clip(np.searchsorted(e, v, side="right") - 1, 0, last)
    t = v.dtype.type
    with np.errstate(invalid="ignore"):
        pos = ((v - e[0]) * t(e.size - 1) / (e[-1] - e[0])).astype(np.int64)
    pos = np.clip(pos, 0, last)
    pos -= ((v < e[pos]) & (pos > 0)).astype(np.int64)  # (int - bool is NumPy's slow path)
    pos += ((v >= e[pos + 1]) & (pos < last)).astype(np.int64)
    return pos


def _count(input, x, edges, uniform, weight, density):
    """The D-dimensional histogram of the points ``x`` (n, D) for the given edges.

    A point lands in bin i of a dimension when ``edges[i] <= v < edges[i + 1]``; the last bin
    also holds the right edge; points outside any dimension's range are dropped.
    """
    shape = tuple(e.size - 1 for e in edges)
    size = int(np.prod(shape))
    counts = np.zeros(size, np.float64)
    for start in range(0, x.shape[0], _BLOCK):  # blocks that stay in cache, as NumPy does
        points = x[start:start + _BLOCK]
        w = None if weight is None else weight[start:start + _BLOCK]
        keep = None
        for k, e in enumerate(edges):
            inside = (points[:, k] >= e[0]) & (points[:, k] <= e[-1])
            keep = inside if keep is None else keep & inside
        if not keep.all():
            points = points[keep]
            w = None if w is None else w[keep]
        flat = _bin_of(edges[0], points[:, 0], uniform[0])
        for k, e in enumerate(edges[1:], 1):
            flat = flat * max(shape[k], 1) + _bin_of(e, points[:, k], uniform[k])
        counts += np.bincount(flat, weights=w, minlength=size)[:size]
    hist = counts.astype(x.dtype)
    hist = hist.reshape(shape)
    if density:
        total = hist.sum()
        widths = np.ones(shape, x.dtype)
        for k, e in enumerate(edges):
            widths = widths * np.diff(e).reshape((-1,) + (1,) * (len(edges) - k - 1))
        hist = hist / (total * widths)
    return hist


def _check_weight(input, points, weight):
    """``weight``'s values, one per point of ``points`` (n, D)."""
    if weight is None:
        return None
    if tuple(weight.shape) != tuple(points.shape[:-1]):
        raise RuntimeError(f"torch.histogramdd: if weight tensor is provided it should have the "
                           f"same shape as the input tensor excluding its innermost dimension, "
                           f"but got input with shape {list(points.shape)} and weight with shape "
                           f"{list(weight.shape)}")
    if weight.dtype is not input.dtype:
        raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, input tensor and "
                           f"weight tensor should have the same dtype, but got input("
                           f"{_dtype.type_word(input.dtype).lower()}), and weight("
                           f"{_dtype.type_word(weight.dtype).lower()})")
    return weight._array.reshape(-1)


def histogramdd(input, bins, *, range=None, weight=None, density=False, out=None):
    """The histogram of the points in the last dim of ``input`` (``(..., D)``) and the edges."""
    if not input.dtype.is_floating_point:
        raise _not_implemented("histogramdd", input.dtype)
    if input.dim() == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    if input.dim() < 2:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 2 dimensions")
    d = input.shape[-1]
    x = input._array.reshape(-1, d)
    edges, uniform = _bin_edges(input, x, bins, range)
    w = _check_weight(input, input._array.reshape(input.shape), weight)
    hist = _count(input, x, edges, uniform, w, density)
    return return_types.histogramdd(_wrap(hist), tuple(_wrap(e.copy()) for e in edges))


def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    """``(hist, bin_edges)`` of the flattened ``input``: ``bins`` equal-width bins over
    ``range`` (the data's range by default), or the edges given as a 1-D tensor."""
    if not input.dtype.is_floating_point:
        raise _not_implemented("histogramdd", input.dtype)
    x = input._array.reshape(-1, 1)
    edges, uniform = _bin_edges(input, x, bins, range)
    w = None if weight is None else _check_weight(input, x, weight.reshape(-1))
    hist = _wrap(_count(input, x, edges, uniform, w, density))
    bin_edges = _wrap(edges[0].copy())
    if out is not None:
        hist, bin_edges = _out(hist, out[0]), _out(bin_edges, out[1])
    return return_types.histogram(hist, bin_edges)


# -- searching ---------------------------------------------------------------------------------
def _side(right, side):
    if side is None:
        return "right" if right else "left"
    if side not in ("left", "right"):
        raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got "
                           f"{side}")
    if right and side == "left":
        raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got "
                           "side of left while right was True")
    return side


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, out=None,
                 sorter=None):
    """For each value, the index in the last dim of ``sorted_sequence`` where it would be
    inserted to keep the order (``side='right'``: after equal entries)."""
    side = _side(right, side)
    seq = sorted_sequence._array
    scalar = not isinstance(input, Tensor)
    values = np.asarray(input) if scalar else input._array
    if scalar and seq.ndim != 1:
        raise RuntimeError(f"torch.searchsorted(): input value can be a scalar only when "
                           f"boundaries tensor dimension is 1, but we got boundaries tensor dim("
                           f"{seq.ndim}) and input value's dim(0) numel(1)")
    if seq.ndim != 1 and (seq.shape[:-1] != values.shape[:-1] or values.ndim != seq.ndim):
        raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the "
                           f"first N-1 dimensions of boundaries tensor and input value tensor "
                           f"must match, but we got boundaries tensor {list(seq.shape)} and input "
                           f"value tensor {list(values.shape)}")
    if sorter is not None:
        if sorter.dtype is not _dtype.int64:
            raise RuntimeError(f"torch.searchsorted(): sorter must be a tensor of long dtype but "
                               f"got dtype {_dtype.type_word(sorter.dtype)}")
        if tuple(sorter.shape) != seq.shape:
            raise RuntimeError(f"torch.searchsorted(): boundary and sorter must have the same "
                               f"size, but got boundary tensor {list(seq.shape)}and got sorter "
                               f"tensor {list(sorter.shape)}")
        seq = np.take_along_axis(seq, sorter._array, -1)
    common = np.result_type(seq.dtype, values.dtype)
    seq, values = seq.astype(common, copy=False), values.astype(common, copy=False)
    if seq.ndim == 1:
        found = np.searchsorted(seq, values, side=side)
    else:
        found = _batched_searchsorted(seq, values, side)
    result = _wrap(np.asarray(found, dtype=np.int32 if out_int32 else np.int64))
    return _out(result, out)


def _batched_searchsorted(seq, values, side):
    """``searchsorted`` row by row for (..., M) sequences and (..., N) values, in one sort:
    queries and entries of all rows sorted together by (row, value), queries before equal
    entries for ``side='left'``; a query's answer is the number of its row's entries before it."""
    m, n = seq.shape[-1], values.shape[-1]
    rows = int(np.prod(seq.shape[:-1]))
    s, v = seq.reshape(rows, m), values.reshape(rows, n)
    keys = np.concatenate([s, v], axis=1).reshape(-1)
    row = np.repeat(np.arange(rows), m + n)
    is_query = np.tile(np.r_[np.zeros(m, np.bool_), np.ones(n, np.bool_)], rows)
    order = np.lexsort((is_query if side == "right" else ~is_query, keys, row))
    entries_before = np.cumsum(~is_query[order]) - ~is_query[order]
    answer = np.empty(keys.size, np.int64)
    answer[order] = entries_before
    answer = answer.reshape(rows, m + n)[:, m:] - (np.arange(rows) * m)[:, None]
    return answer.reshape(values.shape)


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The bucket of each value: ``i`` with ``boundaries[i-1] < x <= boundaries[i]``
    (``right=True``: ``boundaries[i-1] <= x < boundaries[i]``)."""
    if boundaries.dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got "
                           f"dim({boundaries.dim()})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


__all__ = ["bincount", "histc", "histogram", "histogramdd", "bucketize", "searchsorted"]

TENSOR_METHODS = ("bincount", "histc", "histogram")
