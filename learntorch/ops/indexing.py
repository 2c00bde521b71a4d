"""Indexing and joining: ``x[idx]``, ``x[idx] = v``, gather, cat, stack, nonzero.

Basic indexing (ints, slices, None, ``...``) gives a *view*; advanced indexing (bool
masks, integer tensors or lists) gives a copy — the same rule as torch and NumPy.
The backward of reading ``x[idx]`` writes the gradient into a zero tensor at ``idx``
(adding, so an index that appears twice gets both contributions).
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ..autograd.grad_mode import _State
from ._op import Op
from .shape import as_view


# -- turning a torch index into a NumPy one ----------------------------------------------------
def to_numpy_index(index, ndim):
    """Convert tensors in ``index`` to arrays and check what torch rejects.

    Returns ``(numpy_index, is_advanced)``.
    """
    items = index if isinstance(index, tuple) else (index,)
    out, advanced = [], False
    for item in items:
        if isinstance(item, Tensor):
            item = item._array
            if item.ndim == 0 and item.dtype.kind in "iu":
                item = int(item)  # torch reads a 0-d integer tensor as an int (a view, no copy)
        if isinstance(item, (list, np.ndarray)):
            item = _index_array(item)
            advanced = True
        elif isinstance(item, slice):
            if item.step is not None and _as_int(item.step) <= 0:
                raise ValueError("step must be greater than zero")
        elif isinstance(item, (bool, np.bool_)):
            advanced = True
        elif not (item is None or item is Ellipsis or isinstance(item, (int, np.integer))):
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                             f"Variables are valid indices (got {type(item).__name__})")
        out.append(item)
    return tuple(out), advanced


def _as_int(v):
    return int(v._array) if isinstance(v, Tensor) else int(v)


def _index_array(item):
    array = np.asarray(item) if isinstance(item, list) else item
    if isinstance(item, list) and array.size == 0:
        array = array.astype(np.int64)
    if array.dtype == np.uint8:
        array = array.astype(np.bool_)
    if array.dtype.kind not in "iub":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return array


def split_basic(np_index):
    """For an advanced index with ints in it: ``(basic, rest)`` with ``x[index]`` equal to
    ``x[basic][rest]`` in torch's sense, else None.

    NumPy counts an int next to an index array as advanced too, which moves the result's
    dims when the two are separated (``x[0, :, [1, 2]]``); torch first selects the ints.
    """
    if not any(isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_))
               for i in np_index) or not any(isinstance(i, np.ndarray) for i in np_index):
        return None
    if any(isinstance(i, (bool, np.bool_)) or (isinstance(i, np.ndarray) and i.dtype == np.bool_
                                                and i.ndim == 0) for i in np_index):
        return None
    basic, rest = [], []
    for item in np_index:
        if isinstance(item, np.ndarray):
            basic.extend([slice(None)] * (item.ndim if item.dtype == np.bool_ else 1))
            rest.append(item)
        elif isinstance(item, (int, np.integer)):
            basic.append(item)
        elif item is None or isinstance(item, slice):
            basic.append(item)
            rest.append(slice(None))
        else:  # Ellipsis
            basic.append(item)
            rest.append(item)
    return tuple(basic), tuple(rest)


def _index_error(err, shape):
    """Reword NumPy's IndexError in torch's terms (dimension, tensor, mask)."""
    msg = str(err)
    if "too many indices" in msg:
        return IndexError(f"too many indices for tensor of dimension {len(shape)}")
    if "boolean index did not match" in msg:
        axis = int(msg.split("along axis ")[1].split(";")[0]) if "along axis " in msg else 0
        got = msg.rsplit("axis is ", 1)[-1].split(" ")[0] if "axis is " in msg else "?"
        mask = msg.rsplit(" ", 1)[-1]
        return IndexError(f"The shape of the mask [{mask}] at index {axis} does not match the shape "
                          f"of the indexed tensor [{got}] at index {axis}")
    return IndexError(msg.replace("axis", "dimension"))


# -- reading -------------------------------------------------------------------------------
class Index(Op):
    """Advanced indexing (a copy)."""

    @staticmethod
    def forward(ctx, x, index):
        ctx.in_shape, ctx.index = x.shape, index
        return x[index]

    @staticmethod
    def backward(ctx, grad):
        return IndexGrad.apply(grad, shape=ctx.in_shape, index=ctx.index)


class Slice(Index):
    """Basic indexing (a view)."""


class Select(Index):
    pass


class Unsqueeze(Index):
    """``x[None]`` in torch's graph."""


class IndexGrad(Op):
    """Zeros of ``shape`` with ``grad`` added in at ``index`` (the backward of reading ``x[index]``)."""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, grad, shape, index):
        ctx.index = index
        out = np.zeros(shape, dtype=grad.dtype)
        np.add.at(out, index, grad)
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.index]


def getitem(input, index):
    if type(index) is int or (type(index) is slice and index.step is None):  # x[i], x[a:b]
        if input._array.ndim == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        try:
            out = (Select if type(index) is int else Slice).apply(input, index=(index, Ellipsis))
        except IndexError as err:
            raise _index_error(err, input.shape) from None
        return as_view(out, input)
    np_index, advanced = to_numpy_index(index, input.dim())
    try:
        if advanced:
            split = split_basic(np_index)
            if split is not None:
                return getitem(getitem(input, split[0]), split[1])
            return Index.apply(input, index=np_index)
        op = _basic_op(np_index)
        if Ellipsis not in np_index:
            np_index = np_index + (Ellipsis,)  # keeps an integer index a 0-d view, not a scalar
        return as_view(op.apply(input, index=np_index), input)
    except IndexError as err:
        raise _index_error(err, input.shape) from None


def _basic_op(np_index):
    if all(i is None or i is Ellipsis for i in np_index):
        return Unsqueeze
    if all(isinstance(i, (int, np.integer)) or i is Ellipsis for i in np_index):
        return Select
    return Slice


def select(input, dim, index):
    d = _wrap_dim(dim, input.dim())
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    return getitem(input, (slice(None),) * d + (index,))


def narrow(input, dim, start, length):
    d = _wrap_dim(dim, input.dim())
    size = input.shape[d]
    start = int(start)
    if start < 0:
        start += size
    if not 0 <= start <= size or length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return getitem(input, (slice(None),) * d + (slice(start, start + length),))


def unbind(input, dim=0):
    d = _wrap_dim(dim, input.dim())
    return tuple(select(input, d, i) for i in range(input.shape[d]))


# -- writing -------------------------------------------------------------------------------
class IndexPut(Op):
    """``x[index] = value`` written into x's own memory; torch calls this node CopySlices."""

    node_name = "CopySlices"

    @staticmethod
    def forward(ctx, x, value, index):
        ctx.index = index
        split = split_basic(index)
        if split is not None:
            x[split[0]][split[1]] = value  # x[basic] is a view: the write lands in x
        else:
            x[index] = value
        return x

    @staticmethod
    def backward(ctx, grad):
        grad_x = grad_value = None
        if ctx.needs_input_grad[0]:
            grad_x = grad.clone()
            grad_x[ctx.index] = 0
        if ctx.needs_input_grad[1]:
            grad_value = grad[ctx.index]
        return grad_x, grad_value


def setitem(input, index, value):
    np_index, advanced = to_numpy_index(index, input.dim())
    if isinstance(value, Tensor):
        if value.dtype is not input.dtype and advanced:
            _check_index_put_dtype(input, np_index, value)
        if value.dtype is not input.dtype:
            value = value.to(input.dtype)
        value_t = value
    else:
        value_t = Tensor._make(np.asarray(value, dtype=input._array.dtype))
    recording = _State.enabled and (input._requires_grad or value_t._requires_grad)
    if recording:
        check_inplace(input)
    try:
        out = IndexPut.run((input, value_t), (input._array, value_t._array), {"index": np_index})
    except IndexError as err:
        raise _index_error(err, input.shape) from None
    except ValueError as err:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(value_t.shape)} cannot be "
                           f"broadcast to indexing result ({err})") from None
    input._version_counter[0] += 1
    if recording:
        take_history(input, out)


def _check_index_put_dtype(input, np_index, value):
    """torch's index_put_ does not cast a tensor value, except a one-element value written
    through a single bool mask (that is a masked_fill)."""
    split = split_basic(np_index)
    arrays = [i for i in (split[1] if split else np_index) if isinstance(i, np.ndarray)]
    if len(arrays) == 1 and arrays[0].dtype == np.bool_ and arrays[0].ndim and value.numel() == 1:
        return
    from .pointwise import _type_word
    raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                       f"{_type_word(input.dtype)} for the destination and "
                       f"{_type_word(value.dtype)} for the source.")


def check_inplace(tensor):
    """Raise torch's error for in-place changes autograd cannot follow."""
    if tensor._grad_fn is None and tensor._requires_grad:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    if tensor._base is not None and (tensor._base._requires_grad or tensor._requires_grad):
        raise RuntimeError(
            "learntorch does not support in-place changes to a view of a tensor that requires grad "
            "(torch rewrites the base's history here). Change the base tensor itself, or clone() the "
            "view first.")


def take_history(tensor, result):
    """After an in-place op: ``tensor`` now has ``result``'s place in the graph."""
    tensor._grad_fn = result._grad_fn
    tensor._output_nr = result._output_nr
    tensor._requires_grad = result._requires_grad


# -- gather and friends --------------------------------------------------------------------
class Gather(Op):
    """Values at ``index`` along ``dim``; ``keepdim=False`` drops that dim (used by max/min)."""

    @staticmethod
    def forward(ctx, x, index, dim, keepdim=True):
        ctx.in_shape, ctx.index, ctx.dim, ctx.keepdim = x.shape, index, dim, keepdim
        if x.ndim == 0:
            return x.copy()
        region = tuple(slice(0, s) if d != dim else slice(None) for d, s in enumerate(index.shape))
        out = np.take_along_axis(x[region], index, dim)
        return out if keepdim else np.squeeze(out, dim)

    @staticmethod
    def backward(ctx, grad):
        if len(ctx.in_shape) == 0:
            return grad
        if not ctx.keepdim:
            grad = grad.unsqueeze(ctx.dim)
        return ScatterAddGrad.apply(grad, shape=ctx.in_shape, index=ctx.index, dim=ctx.dim)


class ScatterAddGrad(Op):
    """Zeros of ``shape`` plus ``grad`` added at ``index`` along ``dim`` (gather's backward)."""

    node_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, grad, shape, index, dim):
        ctx.index, ctx.dim = index, dim
        out = np.zeros(shape, dtype=grad.dtype)
        np.add.at(out, along_dim_index(index, dim), grad)
        return out

    @staticmethod
    def backward(ctx, grad):
        return Gather.apply(grad, index=ctx.index, dim=ctx.dim)


def along_dim_index(index, dim):
    """A full NumPy index that addresses ``index``'s entries along ``dim`` (for ``np.add.at``)."""
    grid = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    return tuple(grid)


def gather(input, dim, index, *, sparse_grad=False):
    d = _wrap_dim(dim, input.dim())
    idx = check_index_tensor(index, "gather")
    if idx.ndim != input.dim() and not (idx.ndim <= 1 and input.dim() <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for k, (si, sx) in enumerate(zip(idx.shape, input.shape)):
        if k != d and si > sx:
            raise RuntimeError(f"Size does not match at dimension {k} expected index "
                               f"{list(idx.shape)} to be no larger than self {list(input.shape)} "
                               f"apart from dimension {d}")
    check_bounds(idx, input.shape[d] if input.dim() else 1, d)
    return Gather.apply(input, index=idx, dim=d)


def check_index_tensor(index, op_name):
    if not isinstance(index, Tensor) or index.dtype is not _dtype.int64:
        raise RuntimeError(f"{op_name}(): Expected dtype int64 for index")
    return index._array


def check_bounds(idx, size, dim):
    if idx.size and (idx.min() < -size or idx.max() >= size):
        bad = idx.max() if idx.max() >= size else idx.min()
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {size}")


# -- joining -------------------------------------------------------------------------------
class Cat(Op):
    @staticmethod
    def forward(ctx, *arrays, dim, skip):
        """``skip[i]``: array i is a legacy empty 1-D tensor, left out of the result."""
        ctx.sizes = [None if sk else a.shape[dim] for a, sk in zip(arrays, skip)]
        ctx.dim = dim
        return np.concatenate([a for a, sk in zip(arrays, skip) if not sk], axis=dim)

    @staticmethod
    def backward(ctx, grad):
        grads, start = [], 0
        for size in ctx.sizes:
            if size is None:
                grads.append(grad.new_zeros((0,)))
                continue
            grads.append(grad.narrow(ctx.dim, start, size))
            start += size
        return tuple(grads)


def cat(tensors, dim=0, *, out=None):
    """Join tensors along an existing dim (dtypes promote; legacy empty 1-D tensors are skipped)."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t.dim() == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    legacy = [t.dim() == 1 and t.shape[0] == 0 for t in tensors]
    skip = tuple(legacy) if not all(legacy) else (False,) * len(tensors)
    kept = [(i, t) for i, t in enumerate(tensors) if not skip[i]]
    first = kept[0][1]
    d = _wrap_dim(dim, first.dim())
    for i, t in kept[1:]:
        if t.dim() != first.dim():
            raise RuntimeError(f"Tensors must have same number of dimensions: got {first.dim()} "
                               f"and {t.dim()}")
        for k, (a, b) in enumerate(zip(first.shape, t.shape)):
            if k != d and a != b:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected "
                                   f"size {a} but got size {b} for tensor number {i} in the list.")
    dt = _dtype.result_type(*tensors)  # skipped tensors still take part in promotion
    arrays = tuple(t._array.astype(dt.np, copy=False) for t in tensors)
    return Cat.run(tuple(tensors), arrays, {"dim": d, "skip": skip})


concat = concatenate = cat


class Stack(Op):
    @staticmethod
    def forward(ctx, *arrays, dim):
        ctx.dim = dim
        return np.stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return grad.unbind(ctx.dim)


def stack(tensors, dim=0, *, out=None):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    first = tensors[0]
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != first.shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(first.shape)} at entry 0 and {list(t.shape)} at entry {i}")
    d = _wrap_dim(dim, first.dim() + 1)
    dt = _dtype.result_type(*tensors)
    arrays = tuple(t._array.astype(dt.np, copy=False) for t in tensors)
    return Stack.run(tuple(tensors), arrays, {"dim": d})


def nonzero(input, *, as_tuple=False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one 1-D tensor per dim."""
    array = input._array if input.dim() else input._array.reshape(1)
    found = np.nonzero(array)
    if as_tuple:
        return tuple(Tensor._make(i.astype(np.int64)) for i in found)
    return Tensor._make(np.stack(found, axis=1).astype(np.int64) if found else
                        np.zeros((0, 0), np.int64))


__all__ = ["getitem", "setitem", "select", "narrow", "unbind", "gather", "cat", "concat",
           "concatenate", "stack", "nonzero"]

# Also Tensor methods, with the tensor as the first argument: x.f(...) == f(x, ...).
TENSOR_METHODS = (
    "select", "narrow", "unbind", "gather", "nonzero",
)
