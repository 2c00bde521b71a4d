"""Indexing and joining: ``x[idx]``, ``x[idx] = v``, gather, cat, stack, nonzero.

Basic indexing (ints, slices, None, ``...``) gives a *view*; advanced indexing (bool
masks, integer tensors or lists) gives a copy — the same rule as torch and NumPy.
The backward of reading ``x[idx]`` writes the gradient into a zero tensor at ``idx``
(adding, so an index that appears twice gets both contributions).
"""
import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ..autograd.function import Node, edge_of
from ..autograd.grad_mode import _State
from ._mutation import apply_inplace, check_inplace, inplace_of, take_history, view_inplace_error
from ._op import Op
from ._promote import broadcast_shape
from .shape import _alias, as_view, atleast_1d, atleast_2d, atleast_3d, no_dims_error, reshape


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
        elif isinstance(item, range):  # a sequence of ints, like a list (x[range(n), target])
            item = np.arange(item.start, item.stop, item.step, dtype=np.int64)
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
    """One step of basic indexing (a view): ``index`` is ``(:, …, item, ...)``, the item at
    dim ``len(index) - 2``; each node shows torch's ``_saved_*`` of that step."""


class Select(Index):
    pass


class Unsqueeze(Index):
    """``x[None]`` in torch's graph."""


def _u64(value):
    """torch shows a saved negative int as the unsigned 64-bit number of its bits."""
    return value % (1 << 64)


def _item(node):
    return node.index[-2]


class _Shown:
    """A node's ``_saved_*`` value, read off what the node keeps; unlike a property, a value
    set on the node itself wins (a ``*_copy`` op sets its own, ``strided._copy_of``)."""

    def __init__(self, read):
        self.read = read

    def __get__(self, node, owner=None):
        return self if node is None else self.read(node)


for _op in (Slice, Select, Unsqueeze):
    _op._node_class._saved_dim = _Shown(lambda node: len(node.index) - 2)
for _op in (Index, Slice, Select):
    _op._node_class._saved_self_sym_sizes = _Shown(lambda node: node.in_shape)
Index._node_class._saved_indices = _Shown(lambda node: tuple(
    None if isinstance(i, slice) else Tensor._make(i) for i in node.index))
Select._node_class._saved_index = _Shown(lambda node: _u64(_item(node)))
Slice._node_class._saved_start = _Shown(lambda node: _u64(_item(node).start or 0))
Slice._node_class._saved_end = _Shown(
    lambda node: (1 << 63) - 1 if _item(node).stop is None else _u64(_item(node).stop))
Slice._node_class._saved_step = _Shown(lambda node: _item(node).step or 1)


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
    if advanced:
        return _advanced(input, np_index)
    return _basic(input, np_index, whole=not isinstance(index, tuple))


def _advanced(input, np_index):
    """An index holding arrays (tensors, lists) or bools, as torch applies it: the other items
    first, as views (``_basic``), then the arrays in one ``IndexBackward0`` over the dims they
    landed on — ``x[0, [1, 2]]`` is IndexBackward0 over SelectBackward0, and a bool is a new
    dim indexed by ``[0]`` (True) or ``[]`` (False)."""
    basic, arrays = [], []   # arrays: (position in the result's dims, array)
    for item in np_index:
        if isinstance(item, (bool, np.bool_)) or (isinstance(item, np.ndarray)
                                                  and item.dtype == np.bool_ and item.ndim == 0):
            basic.append(None)
            arrays.append((len(basic) - 1, np.zeros(1 if item else 0, np.int64)))
        elif isinstance(item, np.ndarray):
            span = item.ndim if item.dtype == np.bool_ else 1
            basic.extend([slice(None)] * span)
            arrays.append((len(basic) - span, item))
        else:
            basic.append(item)
    basic = tuple(basic)
    # the usual case, arrays and whole slices only (x[rows, labels]): no view comes first
    plain = all(i is Ellipsis or type(i) is slice and i.start is None and i.stop is None
                and i.step is None for i in basic)
    result = input if plain else _views(input, basic, whole=False)
    # where each array landed: ints before it took their dim away, an Ellipsis spans the rest
    ndim = input._array.ndim
    specified = len(basic) - basic.count(Ellipsis) - basic.count(None)
    dims, dim = [], 0
    for item in basic:
        dims.append(dim)
        if item is Ellipsis:
            dim += ndim - specified
        elif not isinstance(item, (int, np.integer)):
            dim += 1
    index = [slice(None)] * (max(dims[p] for p, _ in arrays) + 1)
    for position, array in arrays:
        index[dims[position]] = array
    index = tuple(index)
    try:
        return Index.apply(result, index=index)
    except IndexError as err:
        raise _index_error(err, result.shape) from None


def _basic(input, np_index, whole):
    """``x[index]`` for ints, slices, None and ``...``: ``_views``, or an alias of ``x``
    (AliasBackward0, as torch's ``x[...]``) where no item makes a view."""
    out = _views(input, np_index, whole)
    return _alias(input) if out is input else out


def _views(input, np_index, whole):
    """A basic index as torch applies it: one view per item, left to right — ``select`` for
    an int, ``slice`` for a slice, ``unsqueeze`` for None — so that ``x[0, 1:3]`` records
    SliceBackward0 over SelectBackward0 (``input`` itself if no item makes a view).  A slice
    that keeps its whole dim makes no view (``x[:, 0]`` is one select) unless it is the
    whole index (``x[:]``, ``whole``).  The simple version, one NumPy index for the lot, is
    one node where torch draws several."""
    ndim, ellipses = input._array.ndim, np_index.count(Ellipsis)  # (no arrays in np_index)
    if ellipses > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    specified = len(np_index) - ellipses - np_index.count(None)
    if specified > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    result, dim = input, 0
    for position, item in enumerate(np_index):
        if item is Ellipsis:
            dim += ndim - specified
        elif item is None:
            result = _step(Unsqueeze, result, dim, None)
            dim += 1
        elif isinstance(item, slice):
            size, item = result._array.shape[dim], _int_slice(item)
            if whole or item.indices(size) != (0, size, 1):
                result = _step(Slice, result, dim, item)
            dim += 1
        else:
            size, item = result._array.shape[dim], int(item)
            if not -size <= item < size:  # torch counts the dimension by the item's position
                raise IndexError(f"index {item} is out of bounds for dimension {position} with "
                                 f"size {size}")
            result = _step(Select, result, dim, item)
    return result


def _int_slice(item):
    """``item`` with its bounds as ints (a 0-d tensor may stand for one)."""
    parts = (item.start, item.stop, item.step)
    if all(type(v) is int or v is None for v in parts):
        return item
    return slice(*(None if v is None else _as_int(v) for v in parts))


def _step(op, input, dim, item):
    """``op`` at ``dim`` only: ``x[:, …, item, ...]`` (the Ellipsis keeps an int's result a
    0-d view, not a scalar)."""
    return as_view(op.apply(input, index=(slice(None),) * dim + (item, Ellipsis)), input)


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


class _JointViews(Node):
    """The one ``grad_fn`` of all the views ``unbind``/``split`` return, as in torch: piece
    ``i`` is output ``i`` of it, so the pieces' gradients meet here and are joined back into
    the input's gradient in one step (a piece that got none counts as zeros)."""

    views = True  # the pieces are views of the input (share its version counter)

    def __init__(self, input, pieces, dim):
        self.next_functions = (edge_of(input),)
        self.needs_input_grad = (True,)
        self._input_meta = ((input._array.shape, input._array.dtype),)
        self._num_outputs = len(pieces)
        self._shapes = [p._array.shape for p in pieces]
        self._dim = dim
        for i, p in enumerate(pieces):
            p._grad_fn, p._output_nr, p._requires_grad = self, i, True

    @property
    def _output_meta(self):
        """What the engine fills a piece's missing gradient with zeros from (made when needed)."""
        dtype = _dtype.from_numpy_dtype(self._input_meta[0][1])
        return [(shape, dtype) for shape in self._shapes]


class UnbindBackward0(_JointViews):
    def apply(self, *grads):
        return (stack(grads, self._dim),)


class SplitBackward0(_JointViews):
    def __init__(self, input, pieces, dim):
        super().__init__(input, pieces, dim)
        self._saved_self_sym_sizes = tuple(input.shape)

    def apply(self, *grads):
        return (cat(grads, self._dim),)


class SplitWithSizesBackward0(SplitBackward0):
    pass


class UnsafeSplitBackward0(SplitBackward0):
    """``unsafe_split``'s node: the same pieces, but autograd does not track them as views."""

    views = False


class UnsafeSplitWithSizesBackward0(UnsafeSplitBackward0):
    pass


def _views_together(input, d, indices, node_class, **saved):
    """The views ``input[index]`` one op returns together: one shared grad_fn when recorded,
    and torch forbids changing them in place under grad mode.  ``saved``: what the node shows
    as ``_saved_<name>``; torch keeps the dim as it was given, a negative one read unsigned."""
    array = input._array
    if not node_class.views:
        pieces = tuple(Tensor._make(array[index]) for index in indices)
    else:
        pieces = tuple(as_view(Tensor._make(array[index]), input) for index in indices)
    if _State.enabled:
        for p in pieces if node_class.views else ():
            if p._view_kind != "inference":
                p._view_kind = "multi"
        if input._requires_grad and array.dtype.kind in "fc":
            node = node_class(input, pieces, d)
            saved["dim"] = saved["dim"] % 2 ** 64
            for name, value in saved.items():
                setattr(node, "_saved_" + name, value)
    return pieces


def unbind(input, dim=0):
    d = _wrap_dim(dim, input.dim())
    lead = (slice(None),) * d
    return _views_together(input, d, [lead + (i, Ellipsis) for i in range(input.shape[d])],
                           UnbindBackward0, dim=dim)


# -- writing -------------------------------------------------------------------------------
class IndexPut(Op):
    """``x[index] = value`` written into x's own memory; torch calls this node CopySlices."""

    node_name = "CopySlices"
    torch_name = "torch::autograd::CopySlices"

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
    if recording and input._base is not None:  # writing through a view: the base's history changes
        if input._view_kind is not None and not advanced:  # torch writes into input[index]
            raise RuntimeError(view_inplace_error(getitem(input, index), indirect=False))
        apply_inplace(input, lambda source, value: _put(source.clone(), np_index, value), value_t)
        return
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


def _put(target, np_index, value):
    """``target[index] = value`` on a tensor that is not a view; returns ``target``."""
    setitem(target, np_index, value)
    return target


def _check_index_put_dtype(input, np_index, value):
    """torch's index_put_ does not cast a tensor value, except a one-element value written
    through a single bool mask (that is a masked_fill)."""
    split = split_basic(np_index)
    arrays = [i for i in (split[1] if split else np_index) if isinstance(i, np.ndarray)]
    if len(arrays) == 1 and arrays[0].dtype == np.bool_ and arrays[0].ndim and value.numel() == 1:
        return
    raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                       f"{_dtype.type_word(input.dtype)} for the destination and "
                       f"{_dtype.type_word(value.dtype)} for the source.")


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
    if not isinstance(index, Tensor) or index.dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError(f"{op_name}(): Expected dtype int32/int64 for index")
    return index._array


def check_bounds(idx, size, dim):
    """torch's gather/scatter accept no negative index (unlike ``x[idx]``)."""
    bad = _out_of_range(idx, size)
    if bad is not None:
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


# -- more joining: hstack and friends ----------------------------------------------------------
def _nonempty(tensors, name):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


def hstack(tensors, *, out=None):
    """Join along dim 1, or dim 0 when the (at least 1-D) tensors are 1-D."""
    tensors = atleast_1d(_nonempty(tensors, "hstack"))
    return cat(tensors, 0 if tensors[0].dim() == 1 else 1)


def vstack(tensors, *, out=None):
    """Join rows; 0-d and 1-D tensors become rows first."""
    return cat(atleast_2d(_nonempty(tensors, "vstack")), 0)


row_stack = vstack


def dstack(tensors, *, out=None):
    """Join along dim 2 ("depth"); smaller tensors get dims as ``atleast_3d`` gives them."""
    return cat(atleast_3d(_nonempty(tensors, "dstack")), 2)


def column_stack(tensors, *, out=None):
    """Join columns; 0-d and 1-D tensors become (n, 1) columns first."""
    tensors = _nonempty(tensors, "column_stack")
    return hstack([reshape(t, (t.numel(), 1)) if t.dim() <= 1 else t for t in tensors])


# -- splitting ---------------------------------------------------------------------------------
def _windows(d, sizes):
    """Indices of consecutive lengths ``sizes`` along dim ``d``."""
    indices, start = [], 0
    for size in sizes:
        indices.append((slice(None),) * d + (slice(start, start + size), Ellipsis))
        start += size
    return indices


def _split_dim(input, dim):
    if input.dim() == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    return _wrap_dim(dim, input.dim())


def split(tensor, split_size_or_sections, dim=0):
    """Pieces of ``split_size`` along ``dim`` (the last may be shorter), or of the given sizes."""
    if isinstance(split_size_or_sections, Tensor):
        split_size_or_sections = split_size_or_sections.tolist()
    if not isinstance(split_size_or_sections, int):
        return split_with_sizes(tensor, split_size_or_sections, dim)
    return _split_by_size(tensor, split_size_or_sections, dim, SplitBackward0)


def _split_by_size(tensor, size, dim, node_class):
    d = _split_dim(tensor, dim)
    length = tensor.shape[d]
    if size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
    if size == 0 and length:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension "
                           f"size of {length}")
    count = max(-(-length // size), 1) if size else 1
    sizes = [size] * (count - 1) + [length - size * (count - 1)]
    return _views_together(tensor, d, _windows(d, sizes), node_class, dim=dim, split_size=size)


def split_with_sizes(input, split_sizes, dim=0):
    return _split_by_sizes(input, split_sizes, dim, SplitWithSizesBackward0)


def _split_by_sizes(input, split_sizes, dim, node_class):
    d = _split_dim(input, dim)
    sizes = [int(s) for s in split_sizes]
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, "
                           f"but got split_sizes={sizes}")
    if sum(sizes) != input.shape[d]:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {input.shape[d]} "
                           f"(input tensor's size at dimension {d}), but got split_sizes={sizes}")
    return _views_together(input, d, _windows(d, sizes), node_class, dim=dim,
                           split_sizes=tuple(sizes))


def chunk(input, chunks, dim=0):
    """At most ``chunks`` views of equal size (``ceil(n / chunks)``; the last may be smaller)."""
    return _chunk(input, chunks, dim, unsafe=False)


def _chunk(input, chunks, dim, unsafe):
    if input.dim() == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    length = input.shape[_wrap_dim(dim, input.dim())]
    if length == 0:  # split(0) would give one piece; torch keeps the number of chunks
        return _split_by_sizes(input, [0] * chunks, dim, UnsafeSplitWithSizesBackward0 if unsafe
                               else SplitWithSizesBackward0)
    return _split_by_size(input, -(-length // chunks), dim,
                          UnsafeSplitBackward0 if unsafe else SplitBackward0)


def tensor_split(input, indices_or_sections, dim=0):
    """``sections`` near-equal views (the first ``n % sections`` one longer), or views between
    ``indices`` (read like Python slice bounds)."""
    if input.dim() == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor "
                           "with 0 dims")
    arg = indices_or_sections
    if isinstance(arg, Tensor):
        if arg.dtype is not _dtype.int64:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have dtype of "
                               f"long, but got {_dtype.type_word(arg.dtype)}")
        if arg.dim() > 1:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to be a "
                               f"zero-dimensional or one-dimensional tensor, but got a tensor with "
                               f"{arg.dim()} dims")
        arg = arg.tolist()
    d = _wrap_dim(dim, input.dim())
    if isinstance(arg, int):
        if arg <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {arg}")
        small, extra = divmod(input.shape[d], arg)
        sizes = [small + 1] * extra + [small] * (arg - extra)
        return tuple(as_view(Slice.apply(input, index=i), input) for i in _windows(d, sizes))
    bounds = [int(i) for i in arg]
    return tuple(getitem(input, (slice(None),) * d + (slice(a, b),))
                 for a, b in zip([0] + bounds, bounds + [None]))


def _split_along(name, min_dims, dim_of):
    """``hsplit``/``vsplit``/``dsplit``: ``tensor_split`` along a fixed dim, sections must divide."""
    def function(input, indices_or_sections):
        if input.dim() < min_dims:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} dimension, "
                               f"but got a tensor with {input.dim()} dimensions!")
        d = dim_of(input.dim())
        sections = indices_or_sections
        if isinstance(sections, int) and sections and input.shape[d] % sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but the size "
                               f"of the dimension {input.shape[d]} is not divisible by the "
                               f"split_size {sections}!")
        return tensor_split(input, sections, d)
    function.__name__ = function.__qualname__ = name
    return function


hsplit = _split_along("hsplit", 1, lambda ndim: 1 if ndim > 1 else 0)
vsplit = _split_along("vsplit", 2, lambda ndim: 0)
dsplit = _split_along("dsplit", 3, lambda ndim: 2)


# -- scatter -----------------------------------------------------------------------------------
def _flat_if_0d(function, input, *tensors):
    """torch reads a 0-d self/index/src of a ≤1-D op as a 1-element 1-D one: run ``function``
    on such flattened tensors and give the result ``input``'s shape back."""
    operands = (input,) + tensors
    if input.dim() > 1 or all(t.dim() for t in operands if isinstance(t, Tensor)):
        return function(*operands)
    flat = [reshape(t, (-1,)) if isinstance(t, Tensor) else t for t in operands]
    return reshape(function(*flat), tuple(input.shape))


def _region(array, shape):
    """The leading ``shape`` block of ``array`` (scatter reads src only where index has entries)."""
    return array[tuple(slice(0, s) for s in shape)]


class ScatterValue(Op):
    """``x`` with ``value`` written at ``index`` along ``dim``; also scatter's gradient for x."""

    node_name = "ScatterBackward1"

    @staticmethod
    def forward(ctx, x, index, dim, value):
        ctx.index, ctx.dim = index, dim
        out = x.copy()
        out[along_dim_index(index, dim)] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        return ScatterValue.apply(grad, index=ctx.index, dim=ctx.dim, value=0)


class Scatter(Op):
    """``x`` with ``src`` written at ``index`` along ``dim`` (of duplicates, the last wins)."""

    @staticmethod
    def forward(ctx, x, src, index, dim):
        ctx.index, ctx.dim, ctx.src_shape = index, dim, src.shape
        out = x.copy()
        out[along_dim_index(index, dim)] = _region(src, index.shape)
        return out

    @staticmethod
    def backward(ctx, grad):
        return ScatterValue.apply(grad, index=ctx.index, dim=ctx.dim, value=0), _src_grad(grad, ctx)


class ScatterAdd(Op):
    """``x`` with ``src`` added at ``index`` along ``dim`` (duplicates accumulate)."""

    @staticmethod
    def forward(ctx, x, src, index, dim):
        ctx.index, ctx.dim, ctx.src_shape = index, dim, src.shape
        out = x.copy()
        np.add.at(out, along_dim_index(index, dim), _region(src, index.shape))
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad, _src_grad(grad, ctx)


def _src_grad(grad, ctx):
    """The gradient at each src entry's target, placed back at that entry (zero where unused)."""
    picked = Gather.apply(grad, index=ctx.index, dim=ctx.dim)
    if picked.shape == ctx.src_shape:
        return picked
    return IndexGrad.apply(picked, shape=ctx.src_shape,
                           index=tuple(slice(0, s) for s in ctx.index.shape))


def _check_scatter(input, d, index, src):
    """torch's checks for scatter and scatter_add: index dtype, dims, sizes, bounds."""
    idx = check_index_tensor(index, "scatter")
    if idx.ndim != input.dim():
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if src is not None and idx.ndim != src.dim():
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    if src is not None and src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    too_big = any(k != d and n > s for k, (n, s) in enumerate(zip(idx.shape, input.shape)))
    if src is not None:
        too_big = too_big or any(n > s for n, s in zip(idx.shape, src.shape))
    if too_big and idx.size:
        also = "" if src is None else f" and to be no larger size than src {list(src.shape)}"
        raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self "
                           f"{list(input.shape)} apart from dimension {d}{also}")
    check_bounds(idx, input.shape[d], d)
    return idx


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """A copy of ``input`` with ``src[i][j]`` (or ``value``) written at ``[index[i][j]][j]``
    (for dim 0; likewise along other dims)."""
    if reduce is not None:
        raise NotImplementedError("learntorch: scatter(..., reduce=) is not implemented; use "
                                  "scatter_add (torch deprecates reduce= here too)")
    d = _wrap_dim(dim, input.dim())
    if isinstance(src, Tensor):
        def run(x, i, s):
            return Scatter.apply(x, s, index=_check_scatter(x, d, i, s), dim=d)
        return _flat_if_0d(run, input, index, src)
    fill = value if src is None else src
    if fill is None:
        raise TypeError("scatter() missing 1 required positional argument: 'src' or 'value'")
    return _flat_if_0d(lambda x, i: ScatterValue.apply(x, index=_check_scatter(x, d, i, None),
                                                       dim=d, value=fill), input, index)


def scatter_add(input, dim, index, src):
    """A copy of ``input`` with ``src`` added at ``index`` along ``dim``; repeats accumulate."""
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_add(): argument 'src' (position 3) must be Tensor, not "
                        f"{type(src).__name__}")
    d = _wrap_dim(dim, input.dim())
    return _flat_if_0d(lambda x, i, s: ScatterAdd.apply(x, s, index=_check_scatter(x, d, i, s),
                                                        dim=d), input, index, src)


scatter_ = inplace_of(scatter)
scatter_add_ = inplace_of(scatter_add)


# -- index_select, index_add, index_fill -------------------------------------------------------
class IndexSelect(Op):
    @staticmethod
    def forward(ctx, x, index, dim):
        ctx.in_shape = x.shape
        ctx.where = where = (slice(None),) * dim + (index,)
        return x[where]

    @staticmethod
    def backward(ctx, grad):
        return IndexGrad.apply(grad, shape=ctx.in_shape, index=ctx.where)


def _out_of_range(idx, size):
    """The first index (in order) outside ``[0, size)``, or None."""
    bad = idx[(idx < 0) | (idx >= size)]
    return int(bad[0]) if bad.size else None


def index_select(input, dim, index):
    """The entries ``index`` (a 1-D int tensor) along ``dim``, in that order (a copy)."""
    d = _wrap_dim(dim, input.dim())
    if not isinstance(index, Tensor) or index.dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if index.dim() > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    idx = index._array.reshape(-1)
    if input.dim() == 0 and idx.size != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {idx.size} "
                           f"value(s)")
    bad = _out_of_range(idx, input.shape[d] if input.dim() else 1)
    if bad is not None:
        if d == 1 and input.dim() > 1:  # torch's dim-1 fast path words it differently
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} "
                               f"axis_dim={input.shape[d]}")
        raise IndexError("index out of range in self")
    if input.dim() == 0:
        return reshape(IndexSelect.apply(reshape(input, (1,)), index=idx, dim=0), ())
    return IndexSelect.apply(input, index=idx, dim=d)


class IndexAdd(Op):
    @staticmethod
    def forward(ctx, x, source, index, dim, alpha):
        ctx.where = where = (slice(None),) * dim + (index,)
        ctx.alpha = alpha
        out = x.copy()
        np.add.at(out, where, source if alpha == 1 else source * np.asarray(alpha, x.dtype))
        return out

    @staticmethod
    def backward(ctx, grad):
        picked = grad[ctx.where]
        return grad, picked if ctx.alpha == 1 else picked * ctx.alpha


def _check_index_add(input, d, index, source):
    """torch's checks for index_add, in torch's order; returns the 1-D index array."""
    if not isinstance(index, Tensor) or index.dtype not in (_dtype.int64, _dtype.int32):
        word = _dtype.type_word(index.dtype) if isinstance(index, Tensor) else type(index).__name__
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: {word}")
    if index.dim() > 1:
        raise IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: "
                         f"{index.dim()} with type: {_dtype.type_word(index.dtype)} and size: "
                         f"{list(index.shape)}")
    idx = index._array.reshape(-1)
    if source.dim() and d >= source.dim():
        raise RuntimeError(f"index_add_(): Indexing dim {d} is out of bounds of the source tensor "
                           f"with dim {source.dim()}")
    if idx.size != (source.shape[d] if source.dim() else 1):
        raise RuntimeError(f"index_add_(): Number of indices ({idx.size}) should be equal to "
                           f"source.size(dim): ({source.shape[d]}), for dim: {d}")
    if any(k != d and a != b for k, (a, b) in enumerate(zip(input.shape, source.shape))) or \
            source.dim() != input.dim():
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(input.shape)} "
                           f"source.shape = {list(source.shape)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_add_(): self ({_dtype.type_word(input.dtype)}) and source "
                           f"({_dtype.type_word(source.dtype)}) must have the same scalar type")
    bad = _out_of_range(idx, input.shape[d])
    if bad is not None:
        if input.dim() <= 1:
            raise IndexError("index out of range in self")
        raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size "
                           f"{input.shape[d]}")
    return idx


def index_add(input, dim, index, source, *, alpha=1):
    """A copy of ``input`` with ``alpha * source`` added at ``index`` along ``dim``."""
    d = _wrap_dim(dim, input.dim())
    return _flat_if_0d(lambda x, s: IndexAdd.apply(x, s, index=_check_index_add(x, d, index, s),
                                                   dim=d, alpha=alpha), input, source)


index_add_ = inplace_of(index_add)


def index_fill(input, dim, index, value):
    """A copy of ``input`` with ``value`` at the positions ``index`` along ``dim``."""
    d = _wrap_dim(dim, input.dim())
    if not isinstance(index, Tensor) or index.dtype is not _dtype.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if index.dim() > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    _check_fill_value(value, "index_fill_")
    size = input.shape[d] if input.dim() else 1
    idx = index._array.reshape(-1)
    bad = idx[(idx < -size) | (idx >= size)]
    if bad.size:
        raise IndexError(f"index {bad[0]} is out of bounds for dimension {d} with size {size}")
    chosen = np.zeros(size, dtype=np.bool_)
    chosen[idx] = True
    mask = chosen.reshape((size,) + (1,) * (input.dim() - d - 1) if input.dim() else ())
    return _fill(input, mask, value, IndexFill, IndexFillTensor)


index_fill_ = inplace_of(index_fill)


# -- masks -------------------------------------------------------------------------------------
class MaskedFill(Op):
    """``x`` with the number ``value`` where ``mask`` (broadcast with x) is True."""

    @staticmethod
    def forward(ctx, x, mask, value):
        ctx.mask = mask
        return np.where(mask, np.asarray(value).astype(x.dtype), x)

    @staticmethod
    def backward(ctx, grad):
        return MaskedFill.apply(grad, mask=ctx.mask, value=0)


class MaskedFillTensor(Op):
    """``x`` with a 0-d tensor's value where ``mask`` is True; that tensor gets the sum there."""

    node_name = "MaskedFillBackward1"

    @staticmethod
    def forward(ctx, x, value, mask):
        ctx.mask = mask
        return np.where(mask, value.astype(x.dtype), x)

    @staticmethod
    def backward(ctx, grad):
        return (MaskedFill.apply(grad, mask=ctx.mask, value=0),
                MaskedFill.apply(grad, mask=~ctx.mask, value=0).sum())


class IndexFill(MaskedFill):
    pass


class IndexFillTensor(MaskedFillTensor):
    node_name = "IndexFillBackward1"


def _fill(input, mask, value, number_op, tensor_op):
    if isinstance(value, Tensor):
        return tensor_op.apply(input, value, mask=mask)
    return number_op.apply(input, mask=mask, value=value)


def _check_fill_value(value, name):
    if isinstance(value, Tensor) and value.dim():
        raise RuntimeError(f"{name} only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")


def _mask_array(input, mask, message):
    """``mask``'s array after torch's dtype and broadcast checks."""
    if not isinstance(mask, Tensor) or mask.dtype is not _dtype.bool:
        raise RuntimeError(message)
    broadcast_shape(tuple(mask.shape), tuple(input.shape))
    return mask._array


def masked_fill(input, mask, value):
    """A copy of ``input`` with ``value`` (a number or 0-d tensor) where ``mask`` is True."""
    word = _dtype.c_type_name(mask.dtype) if isinstance(mask, Tensor) else type(mask).__name__
    array = _mask_array(input, mask, f"masked_fill_ only supports boolean masks, but got mask with "
                                      f"dtype {word}")
    _check_fill_value(value, "masked_fill_")
    return _fill(input, array, value, MaskedFill, MaskedFillTensor)


masked_fill_ = inplace_of(masked_fill)


class MaskedSelect(Op):
    """The elements where ``mask`` (broadcast with x) is True, as a 1-D tensor."""

    @staticmethod
    def forward(ctx, x, mask):
        shape = np.broadcast_shapes(x.shape, mask.shape) or (1,)
        ctx.shape = shape
        ctx.where = where = np.nonzero(np.broadcast_to(mask, shape))
        return np.broadcast_to(x, shape)[where]

    @staticmethod
    def backward(ctx, grad):
        return IndexGrad.apply(grad, shape=ctx.shape, index=ctx.where)


def masked_select(input, mask):
    array = _mask_array(input, mask, "masked_select: expected BoolTensor for mask")
    return MaskedSelect.apply(input, mask=array)


# -- flat positions: take and put --------------------------------------------------------------
class Take(Op):
    """Elements of the flattened ``x`` at ``index``, in ``index``'s shape."""

    @staticmethod
    def forward(ctx, x, index):
        ctx.in_shape, ctx.index = x.shape, index
        return x.reshape(-1)[index.reshape(-1)].reshape(index.shape)

    @staticmethod
    def backward(ctx, grad):
        flat = IndexGrad.apply(grad.reshape(-1), shape=(math.prod(ctx.in_shape),),
                               index=(ctx.index.reshape(-1),))
        return flat.reshape(ctx.in_shape)


def _flat_index(input, index, name):
    """``index``'s array after torch's checks for take/put (int64, within the element count)."""
    if not isinstance(index, Tensor) or index.dtype is not _dtype.int64:
        word = _dtype.type_word(index.dtype) if isinstance(index, Tensor) else type(index).__name__
        raise RuntimeError(f"{name}(): Expected a long tensor for index, but got {word}")
    idx, n = index._array, input.numel()
    if idx.size and n == 0:
        raise IndexError(f"{name}(): tried to take from an empty tensor")
    bad = idx[(idx < -n) | (idx >= n)]
    if bad.size:
        raise IndexError(f"out of range: tried to access index {bad[0]} on a tensor of {n} "
                         f"elements.")
    return idx


def take(input, index):
    """``input.flatten()[index]``, shaped like ``index``."""
    return Take.apply(input, index=_flat_index(input, index, "take"))


class Put(Op):
    """``x`` with ``source`` written (or added) at flat positions ``index``."""

    @staticmethod
    def forward(ctx, x, source, index, accumulate):
        ctx.index, ctx.accumulate, ctx.src_shape = index, accumulate, source.shape
        out = x.reshape(-1).copy()
        if accumulate:
            np.add.at(out, index, source.reshape(-1))
        else:
            out[index] = source.reshape(-1)
        return out.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        grad_x = grad
        if not ctx.accumulate:
            zeros = Tensor._make(np.zeros(ctx.src_shape, grad._array.dtype))
            grad_x = Put.apply(grad, zeros, index=ctx.index, accumulate=False)
        return grad_x, Take.apply(grad, index=ctx.index).reshape(ctx.src_shape)


def put(input, index, source, accumulate=False):
    """A copy of ``input`` with ``source``'s elements at the flat positions ``index``."""
    idx = _flat_index(input, index, "put_")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {_dtype.type_word(input.dtype)} and source.dtype = "
                           f"{_dtype.type_word(source.dtype)}")
    if source.numel() != idx.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, "
                         f"but got source.numel() = {source.numel()}, index.numel() = {idx.size}")
    return Put.apply(input, source, index=idx.reshape(-1), accumulate=accumulate)


put_ = inplace_of(put)


def take_along_dim(input, indices, dim=None):
    """``gather`` with ``input`` and ``indices`` broadcast against each other (except along
    ``dim``); with ``dim=None``, along the flattened tensors."""
    if not isinstance(indices, Tensor) or indices.dtype is not _dtype.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{_dtype.type_word(indices.dtype)}")
    if dim is None:
        return gather(reshape(input, (-1,)), 0, reshape(indices, (-1,)))
    if input.dim() == 0:
        raise no_dims_error(dim)
    d = _wrap_dim(dim, input.dim())
    if input.dim() != indices.dim():
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number "
                           f"of dimensions, but got {input.dim()} dimensions for input, and "
                           f"{indices.dim()} dimensions for indices")
    index_shape = broadcast_shape(_with_size(input.shape, d, indices.shape[d]), indices.shape)
    input_shape = broadcast_shape(_with_size(indices.shape, d, input.shape[d]), input.shape)
    return gather(input.expand(input_shape), d, indices.expand(index_shape))


def _with_size(shape, d, size):
    return tuple(shape[:d]) + (size,) + tuple(shape[d + 1:])


# -- repeat_interleave ---------------------------------------------------------------------------
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element ``repeats`` times along ``dim`` (the flattened tensor when None).

    ``repeat_interleave(counts)`` alone gives ``0`` counts[0] times, ``1`` counts[1] times …
    """
    if repeats is None:
        return Tensor._make(_repeated_positions(input))
    if dim is None:
        input, dim = reshape(input, (-1,)), 0
    d = _wrap_dim(dim, input.dim())
    if isinstance(repeats, Tensor):
        return index_select(input, d, Tensor._make(_repeated_positions(repeats, input, d)))
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    shape = list(input.shape)
    expanded = input.unsqueeze(d + 1).expand(shape[:d + 1] + [repeats] + shape[d + 1:])
    return expanded.clone().flatten(d, d + 1)


def _repeated_positions(repeats, input=None, d=0):
    """``[0]*r0 + [1]*r1 + …`` for the counts in ``repeats`` (one count each for ``input``'s
    dim ``d`` when given; a single count applies to all)."""
    if repeats.dim() > 1 or (input is None and repeats.dim() == 0):
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor" if input is not None else
                           "repeat_interleave only accept 1D vector as repeat")
    if repeats.dtype not in (_dtype.int64, _dtype.int32):
        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for "
                                  f"'{_dtype.type_word(repeats.dtype)}'")
    counts = repeats._array.reshape(-1)
    size = counts.size if input is None else input.shape[d] if input.dim() else 1
    if counts.size == 1 and input is not None:
        counts = np.full(size, counts[0])
    if counts.size != size:
        raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                           f"repeats.size(0) = {counts.size} and input.size({d}) = {size}")
    if (counts < 0).any():
        raise RuntimeError("repeats can not be negative")
    return np.repeat(np.arange(size, dtype=repeats._array.dtype), counts)

__all__ = ["getitem", "setitem", "select", "narrow", "unbind", "gather", "cat", "concat",
           "concatenate", "stack", "nonzero", "hstack", "vstack", "row_stack", "dstack",
           "column_stack", "split", "split_with_sizes", "chunk", "tensor_split", "hsplit", "vsplit",
           "dsplit", "scatter", "scatter_add", "index_select", "index_add", "index_fill",
           "masked_fill", "masked_select", "take", "put", "take_along_dim", "repeat_interleave"]

# Also Tensor methods, with the tensor as the first argument: x.f(...) == f(x, ...).
TENSOR_METHODS = (
    "select", "narrow", "unbind", "gather", "nonzero", "split", "split_with_sizes", "chunk",
    "tensor_split", "hsplit", "vsplit", "dsplit", "scatter", "scatter_", "scatter_add",
    "scatter_add_", "index_select", "index_add", "index_add_", "index_fill", "index_fill_",
    "masked_fill", "masked_fill_", "masked_select", "take", "put", "put_", "take_along_dim",
    "repeat_interleave",
)
