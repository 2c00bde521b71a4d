"""Lookup tables: ``embedding`` (rows of a weight matrix by index), ``embedding_bag``
(their sum, mean or max per bag) and ``one_hot``.

The gradient of a lookup adds each output row's gradient into the row it came from.
That scatter-add is an op of its own (``EmbeddingDenseBackward``, as in torch) whose
own gradient is again a lookup, so double backward works.
"""
import numpy as np

from ... import _dtype
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ...ops._op import Op

_wrap = Tensor._make


def _bucket_sums(rows, buckets, count):
    """``out[k] = Σ rows[i] over i with buckets[i] == k``, for ``count`` buckets: one sort and
    one ``np.add.reduceat`` instead of ``np.add.at`` (which is slow)."""
    out = np.zeros((count,) + rows.shape[1:], dtype=rows.dtype)
    if buckets.size:
        order = np.argsort(buckets, kind="stable")
        ordered = buckets[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        out[ordered[starts]] = np.add.reduceat(rows[order], starts, axis=0)
    return out


class EmbeddingDenseBackward(Op):
    """``rows`` (…, D) added into ``count`` rows of a (count, D) result at ``index`` (flat),
    each scaled by ``scale`` (one factor per row, or None)."""

    @staticmethod
    def forward(ctx, rows, index, count, scale):
        ctx.index, ctx.scale, ctx.rows_shape = index, scale, rows.shape
        flat = rows.reshape(index.size, rows.shape[-1])
        if scale is not None:
            flat = flat * scale[:, None]
        return _bucket_sums(flat, index, count)

    @staticmethod
    def backward(ctx, grad):
        picked = grad.index_select(0, _wrap(ctx.index))
        if ctx.scale is not None:
            picked = picked * _wrap(ctx.scale[:, None])
        return picked.reshape(ctx.rows_shape)


class Embedding(Op):
    @staticmethod
    def forward(ctx, weight, index, padding_idx, scale_grad_by_freq):
        ctx.index, ctx.count = index, weight.shape[0]
        ctx.padding_idx, ctx.scale_grad_by_freq = padding_idx, scale_grad_by_freq
        return np.take(weight, index, axis=0)

    @staticmethod
    def backward(ctx, grad):
        flat = ctx.index.reshape(-1)
        scale = None
        if ctx.scale_grad_by_freq:
            scale = (1.0 / np.bincount(flat, minlength=ctx.count)[flat]).astype(grad._array.dtype)
        if ctx.padding_idx >= 0:  # the padding row gets no gradient
            keep = (flat != ctx.padding_idx).astype(grad._array.dtype)
            scale = keep if scale is None else scale * keep
        return EmbeddingDenseBackward.apply(grad, index=flat, count=ctx.count, scale=scale)


def _check_indices(input, fn="embedding"):
    if input.dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following "
                           f"scalar types: Long, Int; but got {_dtype.legacy_type_name(input.dtype)} "
                           f"instead (while checking arguments for {fn})")


def _check_in_range(index, count):
    if index.size and (index.min() < 0 or index.max() >= count):
        raise IndexError("index out of range in self")


def _padding_index(padding_idx, count):
    """torch's checks; a negative ``padding_idx`` counts from the end, None becomes -1."""
    if padding_idx is None:
        return -1
    if not -count <= padding_idx < count:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx + count if padding_idx < 0 else padding_idx


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """``weight[input]``: the rows of ``weight`` named by the integer tensor ``input``.

    The ``padding_idx`` row gets no gradient; with ``max_norm`` the rows looked up are first
    rescaled *in place* (in ``weight``) to norm at most ``max_norm``, as in torch.
    ``sparse=True`` is accepted, but the gradient is dense (learntorch has no sparse tensors).
    """
    padding_idx = _padding_index(padding_idx, weight.shape[0])
    if max_norm is not None:
        embedding_renorm_(weight, input, max_norm, norm_type)
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    _check_indices(input)
    index = input._array
    _check_in_range(index, weight.shape[0])
    return Embedding.run((weight,), (weight._array,), {
        "index": index, "padding_idx": padding_idx, "scale_grad_by_freq": scale_grad_by_freq})


def embedding_renorm_(weight, input, max_norm, norm_type):
    """Rescale, in place and without gradient, each row named in ``input`` whose
    ``norm_type``-norm exceeds ``max_norm`` to norm ``max_norm`` (torch's 1e-7 included)."""
    from ...linalg import vector_norm
    _check_indices(input, "embedding_renorm_")
    rows = np.unique(input._array)
    _check_in_range(rows, weight.shape[0])
    with no_grad():
        index = _wrap(rows)
        picked = weight.index_select(0, index)
        norms = vector_norm(picked, norm_type, dim=1)._array
        scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        weight[index] = picked * _wrap(scale.astype(weight._array.dtype)[:, None])
    return weight


# -- embedding_bag -----------------------------------------------------------------------------
_MODES = {"sum": 0, "mean": 1, "max": 2}


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False,
                  padding_idx=None):
    """The sum, mean or max of each bag of embeddings, without the (bags, length, D) tensor.

    A 2-D ``input`` is a batch of equal bags; a 1-D one is split into bags at ``offsets``.
    Entries equal to ``padding_idx`` are left out (and not counted by the mean); an empty
    bag gives zeros.  ``scale_grad_by_freq`` divides each row's gradient by the row's
    frequency in ``input``, as documented (torch 2.13's CPU kernel divides some rows by
    another row's count: pytorch/pytorch#190063, fixed after 2.13).
    """
    if weight.dtype == _dtype.int64 and input.is_floating_point():
        import warnings
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage "
                      "`embedding_bag(weight, input, ...)` is deprecated, and should now be "
                      "`embedding_bag(input, weight, ...)`.", stacklevel=2)
        weight, input = input, weight
    if per_sample_weights is not None and input.shape != per_sample_weights.shape:
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not "
                         f"None, then it must have the same shape as the input ({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError(f"if input is 2D, then offsets has to be None, as input is treated is a "
                             f"mini-batch of fixed length sequences. However, found offsets of type "
                             f"{type(offsets)}")
        starts = np.arange(0, input.numel(), input.shape[1], dtype=np.int64)
        include_last_offset = False
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        starts = offsets._array.astype(np.int64)
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    if mode not in _MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")
    if max_norm is not None:
        embedding_renorm_(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                  f"per_sample_weights is only supported for mode='sum' (got "
                                  f"mode='{mode}'). Please open a feature request on GitHub.")
    end = input.numel()
    if include_last_offset:  # the last offset ends the last bag; entries after it are ignored
        starts, end = starts[:-1], int(starts[-1])
    rows = embedding(input, weight, scale_grad_by_freq=scale_grad_by_freq)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.unsqueeze(1)
    return _reduce_bags(rows, input._array, starts, end,
                        _padding_index(padding_idx, weight.shape[0]), mode)


def _reduce_bags(rows, index, starts, end, padding_idx, mode):
    """Combine the (L, D) ``rows`` into one row per bag; bag ``b`` is ``starts[b]:starts[b+1]``
    (the last one ends at ``end``); padding entries are left out."""
    position = np.arange(index.size)
    bag = np.searchsorted(starts, position, side="right") - 1
    keep = (index != padding_idx) & (position < end)
    if mode == "max":
        return _bag_max(rows, bag, keep, starts.size)
    scale = keep.astype(rows._array.dtype)
    if mode == "mean":
        counts = np.bincount(bag[keep], minlength=starts.size)
        scale = scale / np.maximum(counts, 1)[bag].astype(scale.dtype)
    return EmbeddingDenseBackward.apply(rows, index=bag, count=starts.size, scale=scale)


def _bag_max(rows, bag, keep, count):
    """Per bag and column, the largest row (the first one on ties); an empty bag gives 0.

    Bags are contiguous, so ``reduceat`` finds each bag's maximum and the first row that
    reaches it; indexing ``rows`` with those rows routes the gradient to them.
    """
    which = np.flatnonzero(keep)
    if not which.size:
        return rows.new_zeros((count, rows.shape[1]))
    values, bag = rows._array[which], bag[which]
    starts = np.flatnonzero(np.r_[True, bag[1:] != bag[:-1]])
    best = np.maximum.reduceat(values, starts, axis=0)
    lengths = np.diff(np.r_[starts, which.size])
    position = np.where(values == np.repeat(best, lengths, axis=0),
                        np.arange(which.size)[:, None], which.size)
    pick = which[np.minimum.reduceat(position, starts, axis=0)]
    columns = np.broadcast_to(np.arange(rows.shape[1]), pick.shape).copy()
    out = rows[_wrap(pick), _wrap(columns)]
    if starts.size == count:
        return out
    return EmbeddingDenseBackward.apply(out, index=bag[starts], count=count, scale=None)


# -- one_hot ----------------------------------------------------------------------------------
def one_hot(tensor, num_classes=-1):
    """A (…, num_classes) int64 tensor with a 1 at each entry's class; ``-1``: max + 1."""
    if not isinstance(tensor, Tensor) or tensor.dtype != _dtype.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    index = tensor._array
    if index.size == 0:
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
    else:
        if index.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if num_classes == -1:
            num_classes = int(index.max()) + 1
        elif index.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(index.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, index[..., None], 1, axis=-1)
    return _wrap(out)


__all__ = ["embedding", "embedding_bag", "one_hot"]
