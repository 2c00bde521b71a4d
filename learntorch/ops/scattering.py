"""Writing into a copy of a tensor at given places: index_put, index_copy, index_reduce,
scatter_reduce, the ``*_scatter`` family (the out-of-place forms of writing through a
view), masked_scatter and fill_diagonal_.

Each forward is one NumPy write (``out[where] = src`` or ``ufunc.at``); each backward is
written with tensor ops (index_select/gather, index_add/scatter_add, masked_fill …), so
second derivatives work too.
"""
import math
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._mutation import apply_inplace, inplace_of
from ._op import Op
from ._promote import broadcast_shape
from .indexing import (IndexGrad, cat, _check_index_put_dtype, _flat_if_0d, _index_error, _region,
                       along_dim_index, check_bounds, check_index_tensor, gather, getitem,
                       index_add, index_fill, index_select, scatter, scatter_add,
                       to_numpy_index)
from .pointwise import _out, where
from .shape import broadcast_to

_wrap = Tensor._make


def _zeros_like_array(t):
    return _wrap(np.zeros(t.shape, t._array.dtype))


# -- index_put ---------------------------------------------------------------------------------
class IndexPutImpl(Op):
    """``x`` with ``values`` written (or added, ``accumulate``) at an advanced index."""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, x, values, index, accumulate):
        ctx.index, ctx.accumulate = index, accumulate
        out = x.copy()
        if accumulate:
            np.add.at(out, index, np.broadcast_to(values, out[index].shape))
        else:
            out[index] = values
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_x = grad
        if not ctx.accumulate:
            grad_x = IndexPutImpl.apply(grad, _wrap(np.zeros((), grad._array.dtype)),
                                        index=ctx.index, accumulate=False)
        return grad_x, getitem(grad, ctx.index)


def index_put(input, indices, values, accumulate=False):
    """A copy of ``input`` with ``input[indices] = values`` (``+=`` when ``accumulate``, where
    repeated indices add up)."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put(): argument 'indices' (position 2) must be tuple of Tensors, "
                        f"not {type(indices).__name__}")
    for k, i in enumerate(indices):
        if not isinstance(i, Tensor):
            raise TypeError(f"expected Tensor as element {k} in argument 1, but got "
                            f"{type(i).__name__}")
    np_index, _ = to_numpy_index(tuple(indices), input.dim())
    if values.dtype is not input.dtype:
        _check_index_put_dtype(input, np_index, values)
        values = values.to(input.dtype)
    try:
        input._array[np_index]  # torch's IndexError for an index out of range
        return IndexPutImpl.apply(input, values, index=np_index, accumulate=bool(accumulate))
    except IndexError as err:
        raise _index_error(err, input.shape) from None
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} cannot be "
                           f"broadcast to indexing result of shape "
                           f"{list(input._array[np_index].shape)}") from None


index_put_ = inplace_of(index_put)


# -- index_copy -------------------------------------------------------------------------------
class IndexCopy(Op):
    """``x`` with the slices ``index`` along ``dim`` replaced by ``source``'s."""

    @staticmethod
    def forward(ctx, x, source, index, dim):
        ctx.index, ctx.dim = index, dim
        out = x.copy()
        out[(slice(None),) * dim + (index,)] = source
        return out

    @staticmethod
    def backward(ctx, grad):
        index = _wrap(ctx.index)
        return (index_fill(grad, ctx.dim, index, 0) if ctx.needs_input_grad[0] else None,
                index_select(grad, ctx.dim, index))


def _check_index_copy(input, d, index, source):
    if not isinstance(index, Tensor) or index.dtype is not _dtype.int64:
        word = _dtype.type_word(index.dtype) if isinstance(index, Tensor) else type(index).__name__
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got {word}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but "
                           f"got (self) {_dtype.type_word(input.dtype)} and (source) "
                           f"{_dtype.type_word(source.dtype)}")
    if index.dim() > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {index.dim()})")
    idx = index._array.reshape(-1)
    n_src = source.shape[d] if source.dim() else 1
    if idx.size != n_src:
        raise IndexError(f"index_copy_(): Number of indices ({idx.size}) should be equal to "
                         f"source.size(dim) ({n_src})")
    for k, (a, b) in enumerate(zip(input.shape, source.shape)):
        if k != d and a != b:
            raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice "
                               f"shapes. Destination slice shape: {_slice_shape(input, d)} at "
                               f"dimension {d} and source slice shape: {_slice_shape(source, d)} "
                               f"at dimension {d}.")
    size = input.shape[d]
    bad = idx[(idx < 0) | (idx >= size)]
    if bad.size:
        raise IndexError(f"index_copy_(): index {bad[0]} is out of bounds for dimension {d} with "
                         f"size {size}")
    return idx


def _slice_shape(t, d):
    return " ".join(str(s) for k, s in enumerate(t.shape) if k != d)


def index_copy(input, dim, index, source, *, out=None):
    """A copy of ``input`` with ``source``'s slices along ``dim`` at the positions ``index``."""
    d = _wrap_dim(dim, input.dim())
    result = _flat_if_0d(lambda x, s: IndexCopy.apply(x, s, index=_check_index_copy(x, d, index, s),
                                                      dim=d), input, source)
    return _out(result, out)


index_copy_ = inplace_of(index_copy)


# -- reductions into positions: index_reduce and scatter_reduce ---------------------------------
_UFUNCS = {"sum": np.add, "prod": np.multiply, "mean": np.add, "amax": np.maximum,
           "amin": np.minimum}


def _identity(reduce, dtype):
    """The value that leaves ``reduce`` unchanged (where ``include_self=False`` starts)."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    if dtype.kind == "b":
        return reduce == "amin"
    return np.iinfo(dtype).min if reduce == "amax" else np.iinfo(dtype).max


def _reduce_into(x, where, src, reduce, include_self):
    """``x`` with ``src`` folded in at ``where`` (a NumPy index; repeats all count)."""
    out = x.copy()
    if not include_self:
        out[where] = _identity(reduce, x.dtype)
    _UFUNCS[reduce].at(out, where, src)
    if reduce == "mean":
        count = np.full(x.shape, 1 if include_self else 0, np.int64)
        count[where] = 1 if include_self else 0
        np.add.at(count, where, 1)
        count = np.maximum(count, 1)
        out = (out // count if x.dtype.kind in "iub" else out / count).astype(x.dtype)
    return out


class _ReduceInto(Op):
    """Shared by index_reduce and scatter_reduce: forward folds ``src`` into ``x``; backward is
    torch's (``_select`` reads the gradient at src's targets, ``_add`` adds at them)."""

    @classmethod
    def forward(cls, ctx, x, src, index, dim, reduce, include_self):
        ctx.index, ctx.dim, ctx.reduce, ctx.include_self = index, dim, reduce, include_self
        out = _reduce_into(x, cls.where(x, src, index, dim), cls.values(src, index), reduce,
                           include_self)
        ctx.save_for_backward(x, src, out)
        return out

    @classmethod
    def backward(cls, ctx, grad):
        x, src, result = ctx.saved_tensors
        reduce, include_self = ctx.reduce, ctx.include_self
        sel, add = (lambda t: cls.select(t, ctx)), (lambda t, s: cls.add(t, s, ctx))
        if reduce == "sum":
            grad_x, grad_src = grad, sel(grad)
        elif reduce == "mean":
            n = add(_wrap(np.full(grad.shape, 1 if include_self else 0, grad._array.dtype)),
                    _wrap(np.ones(src.shape, grad._array.dtype)))
            n = n.masked_fill(n == 0, 1)
            grad_x = grad / n
            grad_src = sel(grad_x)
        elif reduce == "prod":
            masked_x = x.masked_fill(x == 0, 1)
            masked_result = cls.call(masked_x, src, ctx)
            grad_x = grad * masked_result / masked_x
            src_zero = src == 0
            zeros_in_target = sel(add(_zeros_like_array(x), src_zero.to(x.dtype)))
            single_zero = src_zero & (zeros_in_target == 1)
            others = cls.call(x, src.masked_fill(single_zero, 1), ctx)
            grad_src = where(single_zero, sel(grad * others),
                             sel(grad * result) / src.masked_fill(src_zero, 1))
        else:  # amax, amin: ties share the gradient evenly
            x_wins = (x == result).to(x.dtype)
            src_wins = (src == sel(result)).to(x.dtype)
            shared = grad / add(x_wins, src_wins)
            grad_x, grad_src = x_wins * shared, src_wins * sel(shared)
        if not include_self:
            grad_x = cls.unwritten(grad_x, ctx)
        return grad_x, grad_src


class IndexReduce(_ReduceInto):
    @staticmethod
    def where(x, src, index, dim):
        return (slice(None),) * dim + (index,)

    @staticmethod
    def values(src, index):
        return src

    @staticmethod
    def select(t, ctx):
        return index_select(t, ctx.dim, _wrap(ctx.index))

    @staticmethod
    def add(t, s, ctx):
        return index_add(t, ctx.dim, _wrap(ctx.index), s)

    @staticmethod
    def unwritten(t, ctx):
        return index_fill(t, ctx.dim, _wrap(ctx.index), 0)

    @staticmethod
    def call(x, src, ctx):
        return IndexReduce.apply(x, src, index=ctx.index, dim=ctx.dim, reduce=ctx.reduce,
                                 include_self=ctx.include_self)


class ScatterReduce(_ReduceInto):
    node_name = "ScatterReduceBackward0"

    @staticmethod
    def where(x, src, index, dim):
        return along_dim_index(index, dim)

    @staticmethod
    def values(src, index):
        return _region(src, index.shape)

    @staticmethod
    def select(t, ctx):
        picked = gather(t, ctx.dim, _wrap(ctx.index))
        if tuple(picked.shape) == ctx.src_shape:
            return picked
        return IndexGrad.apply(picked, shape=ctx.src_shape,  # src entries no index reads: 0
                               index=tuple(slice(0, s) for s in ctx.index.shape))

    @staticmethod
    def add(t, s, ctx):
        return scatter_add(t, ctx.dim, _wrap(ctx.index), s)

    @staticmethod
    def unwritten(t, ctx):
        return scatter(t, ctx.dim, _wrap(ctx.index), value=0)

    @staticmethod
    def call(x, src, ctx):
        return ScatterReduce.apply(x, src, index=ctx.index, dim=ctx.dim, reduce=ctx.reduce,
                                   include_self=ctx.include_self)

    @classmethod
    def forward(cls, ctx, x, src, index, dim, reduce, include_self):
        ctx.src_shape = src.shape
        return super().forward(ctx, x, src, index, dim, reduce, include_self)


def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    """A copy of ``input`` with ``source``'s slices folded in (``prod``, ``mean``, ``amax``,
    ``amin``) at the positions ``index`` along ``dim``."""
    warnings.warn("index_reduce() is in beta and the API may change at any time.", UserWarning,
                  stacklevel=2)
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin "
                           f"but got {reduce}.")
    d = _wrap_dim(dim, input.dim())
    if not isinstance(index, Tensor) or index.dtype not in (_dtype.int64, _dtype.int32):
        word = _dtype.type_word(index.dtype) if isinstance(index, Tensor) else type(index).__name__
        raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: {word}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_reduce_(): self ({_dtype.type_word(input.dtype)}) and source "
                           f"({_dtype.type_word(source.dtype)}) must have the same scalar type")
    idx = index._array.reshape(-1)
    size = input.shape[d] if input.dim() else 1
    if ((idx < 0) | (idx >= size)).any():
        raise IndexError("index out of range in self")

    def run(x, s):
        return IndexReduce.apply(x, s, index=idx, dim=d, reduce=reduce,
                                 include_self=bool(include_self))
    return _out(_flat_if_0d(run, input, source), out)


def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
    return apply_inplace(self, index_reduce, dim, index, source, reduce, include_self=include_self)


_SCATTER_REDUCES = ("sum", "prod", "mean", "amax", "amin")


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    """A copy of ``input`` with ``src[i][j]`` folded into ``[index[i][j]][j]`` (for dim 0) by
    ``reduce``: sum, prod, mean, amax or amin; ``include_self=False`` leaves the old values
    of written positions out."""
    if reduce not in _SCATTER_REDUCES:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    d = _wrap_dim(dim, input.dim())

    def run(x, i, s):
        idx = check_index_tensor(i, "scatter")
        if idx.ndim != x.dim():
            raise RuntimeError("Index tensor must have the same number of dimensions as self "
                               "tensor")
        if s.dtype is not x.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        check_bounds(idx, x.shape[d], d)
        return ScatterReduce.apply(x, s, index=idx, dim=d, reduce=reduce,
                                   include_self=bool(include_self))
    return _out(_flat_if_0d(run, input, index, src), out)


def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
    return apply_inplace(self, scatter_reduce, dim, index, src, reduce, include_self=include_self)


# -- the *_scatter family: writing through a view, out of place --------------------------------
class _Embed(Op):
    """``x`` with ``src`` written into the view ``read(x)``; ``read`` is a view op on tensors
    and ``locate`` the same place as a writable NumPy view."""

    @staticmethod
    def forward(ctx, x, src, read, locate):
        ctx.read, ctx.locate = read, locate
        out = x.copy()
        locate(out)[...] = src
        return out

    @classmethod
    def backward(cls, ctx, grad):
        grad_x = None
        if ctx.needs_input_grad[0]:
            zeros = _wrap(np.zeros((), grad._array.dtype))
            grad_x = cls.apply(grad, broadcast_to(zeros, ctx.read(grad).shape), read=ctx.read,
                               locate=ctx.locate)
        return grad_x, ctx.read(grad).clone()


class DiagonalScatter(_Embed):
    pass


class SelectScatter(_Embed):
    pass


class SliceScatter(_Embed):
    pass


class AsStridedScatter(_Embed):
    pass


def _embed(op, input, src, read, locate):
    shape = tuple(read(input).shape)
    if tuple(src.shape) != shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(shape)}")
    return op.apply(input, src.to(input.dtype), read=read, locate=locate)


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of ``input`` with ``src`` on its diagonal (as ``input.diagonal(offset, dim1, dim2)``
    would see it)."""
    d1, d2 = _wrap_dim(dim1, input.dim()), _wrap_dim(dim2, input.dim())

    def locate(a):
        moved = np.moveaxis(a, (d1, d2), (-2, -1))
        rows, cols = moved.shape[-2:]
        n = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
        i = np.arange(n)
        return _Positions(moved, (Ellipsis, i - min(offset, 0), i + max(offset, 0)))
    return _embed(DiagonalScatter, input, src, lambda t: t.diagonal(offset, d1, d2), locate)


class _Positions:
    """A writable stand-in for ``array[index]`` with an advanced ``index``."""

    __slots__ = ("array", "index")

    def __init__(self, array, index):
        self.array, self.index = array, index

    def __setitem__(self, _, value):
        self.array[self.index] = value


def select_scatter(input, src, dim, index):
    """A copy of ``input`` with ``src`` as its slice ``index`` along ``dim``."""
    d = _wrap_dim(dim, input.dim())
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    where_ = (slice(None),) * d + (index,)
    return _embed(SelectScatter, input, src, lambda t: t.select(d, index),
                  lambda a: a[where_ + (Ellipsis,)])


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """A copy of ``input`` with ``src`` as its slice ``start:end:step`` along ``dim``."""
    d = _wrap_dim(dim, input.dim())
    where_ = (slice(None),) * d + (slice(start, end, step),)
    return _embed(SliceScatter, input, src, lambda t: getitem(t, where_), lambda a: a[where_])


def _strided_positions(shape, size, stride, offset):
    """Flat positions (in a C-contiguous tensor of ``shape``) of an as_strided window."""
    numel = math.prod(shape)
    positions = np.full(tuple(size), offset, np.int64)
    for k, (n, s) in enumerate(zip(size, stride)):
        view = [1] * len(size)
        view[k] = n
        positions = positions + (np.arange(n, dtype=np.int64) * s).reshape(view)
    if positions.size and positions.max() >= numel:
        need = int(positions.max()) + 1
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {offset}, and itemsize 4 requiring a storage size of "
                           f"{need * 4} are out of bounds for storage of size {numel * 4}")
    return positions


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """A copy of ``input`` (laid out contiguously) with ``src`` written into the window
    ``as_strided(size, stride, storage_offset)``."""
    positions = _strided_positions(tuple(input.shape), tuple(size), tuple(stride),
                                   storage_offset or 0)
    return _embed(AsStridedScatter, input, src, lambda t: t.reshape(-1)[_wrap(positions)],
                  lambda a: _Positions(a.reshape(-1), positions))


# -- masked_scatter ------------------------------------------------------------------------------
class MaskedScatter(Op):
    """``x`` with ``source``'s first elements written, in order, where ``mask`` is True."""

    @staticmethod
    def forward(ctx, x, source, mask):
        ctx.mask, ctx.src_shape = mask, source.shape
        out = x.copy()
        n = int(mask.sum())
        out[mask] = source.reshape(-1)[:n]
        return out

    @staticmethod
    def backward(ctx, grad):
        mask = _wrap(ctx.mask)
        grad_x = grad.masked_fill(mask, 0)
        picked = grad.masked_select(mask)
        total = math.prod(ctx.src_shape)
        rest = _wrap(np.zeros(total - picked.shape[0], grad._array.dtype))
        return grad_x, cat([picked, rest]).reshape(ctx.src_shape)


def masked_scatter(input, mask, source):
    """A copy of ``input`` with consecutive elements of ``source`` where ``mask`` is True."""
    if not isinstance(mask, Tensor) or mask.dtype is not _dtype.bool:
        word = _dtype.type_word(mask.dtype) if isinstance(mask, Tensor) else type(mask).__name__
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{word}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{_dtype.type_word(input.dtype)} and {_dtype.type_word(source.dtype)}")
    shape = broadcast_shape(tuple(input.shape), tuple(mask.shape))
    if tuple(input.shape) != shape:
        input = broadcast_to(input, shape)
    m = np.broadcast_to(mask._array, shape)
    if int(m.sum()) > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return MaskedScatter.apply(input, source, mask=m)


def masked_scatter_(self, mask, source):
    if tuple(np.broadcast_shapes(tuple(self.shape), tuple(mask.shape))) != tuple(self.shape):
        raise RuntimeError(f"masked_scatter_: mask of shape {list(mask.shape)} cannot be broadcast "
                           f"to a tensor of shape {list(self.shape)}")
    return apply_inplace(self, masked_scatter, mask, source)


# -- fill_diagonal_ ------------------------------------------------------------------------------
class FillFlat(Op):
    """``x`` with ``value`` at the flat positions ``positions``."""

    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, x, positions, value):
        ctx.positions = positions
        out = x.copy()
        out.reshape(-1)[positions] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        return FillFlat.apply(grad, positions=ctx.positions, value=0)


def _filled_diagonal(input, fill_value, wrap):
    shape = input.shape
    if input.dim() < 2:
        raise RuntimeError("dimensions must larger than 1")
    if input.dim() > 2 and len(set(shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    if input.dim() == 2:
        h, w = shape
        step = w + 1
        count = min(h, w)
        if wrap and h > w + 1:
            count = -(-input.numel() // step)
    else:
        step = sum(math.prod(shape[k + 1:]) for k in range(len(shape)))
        count = shape[0]
    positions = np.arange(count, dtype=np.int64) * step
    return FillFlat.apply(input, positions=positions, value=fill_value)


def fill_diagonal_(self, fill_value, wrap=False):
    """Write ``fill_value`` on the main diagonal, in place (``wrap``: tall matrices restart
    the diagonal every ``cols + 1`` rows, as NumPy's ``fill_diagonal``)."""
    return apply_inplace(self, _filled_diagonal, fill_value, wrap)


# -- segment_reduce --------------------------------------------------------------------------------
_SEGMENT_UFUNCS = {"sum": np.add, "mean": np.add, "prod": np.multiply, "max": np.maximum,
                   "min": np.minimum}


class SegmentReduce(Op):
    """Each run of ``lengths`` consecutive slices along ``axis`` reduced to one slice."""

    @staticmethod
    def forward(ctx, data, ids, counts, shape, axis, reduce, initial):
        ctx.ids, ctx.counts, ctx.data_shape, ctx.axis = ids, counts, data.shape, axis
        ctx.reduce, ctx.initial = reduce, initial
        lead = math.prod(data.shape[:axis])
        rows = data.reshape(lead * data.shape[axis], -1)
        start = _identity("amax" if reduce == "max" else "amin" if reduce == "min" else reduce,
                          data.dtype) if initial is None else initial
        out = np.full((counts.size, rows.shape[1]), start, data.dtype)
        _SEGMENT_UFUNCS[reduce].at(out, ids, rows)
        if reduce == "mean":
            n = counts.reshape(-1, 1).astype(data.dtype)
            out = np.where(n > 0, out / np.maximum(n, 1), np.nan if initial is None else initial)
        out = out.reshape(shape).astype(data.dtype, copy=False)
        ctx.save_for_backward(data, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        data, out = ctx.saved_tensors
        d = ctx.axis
        spread = _Spread(ctx)
        if ctx.reduce == "sum":
            return spread(grad)
        if ctx.reduce == "mean":
            n = _wrap(np.maximum(ctx.counts, 1).astype(grad._array.dtype).reshape(
                out.shape[:d + 1] + (1,) * (out.dim() - d - 1)))
            return spread(grad / n)
        if ctx.reduce in ("max", "min"):
            wins = (data == spread(out)).to(data.dtype)
            ties = SegmentReduce.apply(wins, ids=ctx.ids, counts=ctx.counts, shape=out.shape,
                                       axis=d, reduce="sum", initial=None)
            return wins * spread(grad / ties)
        zero = data == 0
        zeros = SegmentReduce.apply(zero.to(data.dtype), ids=ctx.ids, counts=ctx.counts,
                                    shape=out.shape, axis=d, reduce="sum", initial=None)
        others = SegmentReduce.apply(data.masked_fill(zero, 1), ids=ctx.ids, counts=ctx.counts,
                                     shape=out.shape, axis=d, reduce="prod", initial=ctx.initial)
        zeros, g = spread(zeros), spread(grad)
        no_zero = spread(out) / data.masked_fill(zero, 1)
        return g * where(zeros == 0, no_zero,
                         where(zero & (zeros == 1), spread(others), no_zero * 0))


class _Spread:
    """A segment's value copied to every slice of that segment (data's shape)."""

    def __init__(self, ctx):
        self.ctx = ctx

    def __call__(self, t):
        ctx = self.ctx
        rows = t.reshape(ctx.counts.size, -1)[_wrap(ctx.ids)]
        return rows.reshape(ctx.data_shape)


def segment_reduce(data, reduce, *, lengths=None, indices=None, offsets=None, axis=0,
                   unsafe=False, initial=None):
    """Reduce consecutive segments of ``data`` along ``axis`` (their sizes ``lengths``, or
    their starts ``offsets``): sum, mean, max, min or prod; an empty segment gives
    ``initial`` (or the reduction's identity; NaN for mean)."""
    if reduce not in _SEGMENT_UFUNCS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    if indices is not None:
        raise RuntimeError("segment_reduce(): indices based reduction is not supported yet.")
    if lengths is None and offsets is None:
        raise RuntimeError("segment_reduce(): Either lengths or offsets must be defined.")
    if not data.dtype.is_floating_point:
        raise NotImplementedError(f"\"_segment_reduce_cpu\" not implemented for "
                                  f"'{_dtype.type_word(data.dtype)}'")
    counts = lengths._array if lengths is not None else np.diff(offsets._array, axis=-1)
    if counts.dtype.kind not in "iu":
        word = _dtype.type_word(_dtype.from_numpy_dtype(counts.dtype))
        raise NotImplementedError(f"\"_segment_reduce_lengths_cpu_kernel1\" not implemented "
                                  f"for '{word}'")
    d = _wrap_dim(axis, data.dim())
    if (counts < 0).any():
        raise RuntimeError("lengths contains negative value!")
    if not unsafe and (counts.sum(-1) != data.shape[d]).any():
        raise RuntimeError("segment_reduce(): Expected all rows of lengths along axis to sum to "
                           "data.size(lengths.dim()-1) when !unsafe.")
    ids = np.repeat(np.arange(counts.size), counts.reshape(-1).astype(np.int64))
    shape = tuple(data.shape[:d]) + (counts.shape[-1],) + tuple(data.shape[d + 1:])
    return SegmentReduce.apply(data, ids=ids, counts=counts.reshape(-1), shape=shape, axis=d,
                               reduce=reduce, initial=initial)


__all__ = ["index_put", "index_put_", "index_copy", "index_reduce", "scatter_reduce",
           "diagonal_scatter", "select_scatter", "slice_scatter", "as_strided_scatter",
           "masked_scatter", "segment_reduce"]

TENSOR_METHODS = ("index_put", "index_put_", "index_copy", "index_copy_", "index_reduce",
                  "index_reduce_", "scatter_reduce", "scatter_reduce_", "diagonal_scatter",
                  "select_scatter", "slice_scatter", "as_strided_scatter", "masked_scatter",
                  "masked_scatter_", "fill_diagonal_")
