"""Strided views and the copy variants of view ops.

A tensor's memory is its *storage*, the NumPy array at the root of its ``.base`` chain; a
view is (shape, strides, offset) into it. ``as_strided`` makes any such view, overlapping
or not, exactly as torch does; its gradient adds the output's gradient into a zero
storage and reads the input's elements back from it.

The ``*_copy`` functions (``transpose_copy`` …) are torch's functionalization ops: the view
op followed by a copy, so the result shares no memory with the input.
"""
import numpy as np

from .._tensor import Tensor, _wrap_dim
from ._op import Op
from .creation import _default, _finish
from .indexing import (UnsafeSplitBackward0, UnsafeSplitWithSizesBackward0, _chunk, _Shown,
                       _split_by_size, _split_by_sizes, _u64, getitem, narrow, select, split,
                       split_with_sizes, unbind)
from .pointwise import _out
from .shape import Alias, as_view, diagonal, expand, permute, squeeze, t, transpose, unsqueeze, view
from ..autograd.function import Node, edge_of
from ..autograd.grad_mode import _State

_wrap = Tensor._make


def _storage(array):
    """The flat array owning ``array``'s memory and ``array``'s offset into it, in elements
    (``(None, 0)`` when the owner is not C-contiguous)."""
    root = array
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not root.flags.c_contiguous:
        return None, 0
    start = array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return root.reshape(-1), start // array.itemsize


def _check_extent(size, stride, offset, storage_numel, itemsize):
    if any(s < 0 for s in size):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}" if any(s < 0 for s in stride) else
                           f"Trying to create tensor with negative dimension {min(size)}: "
                           f"{list(size)}")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}")
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    needed = 0 if 0 in size else offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1
    if needed > storage_numel:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {offset}, and itemsize {itemsize} requiring a storage size of "
                           f"{needed * itemsize} are out of bounds for storage of size "
                           f"{storage_numel * itemsize}")


def _positions(size, stride, offset):
    """The storage position of every element of a (size, stride, offset) view."""
    pos = np.full(tuple(size), offset, np.int64)
    for k, (n, s) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[k] = n
        pos = pos + (np.arange(n, dtype=np.int64) * s).reshape(shape)
    return pos


class AsStrided(Op):
    """The window (size, stride, offset) of the input's storage (a view)."""

    @staticmethod
    def forward(ctx, x, size, stride, offset, flat):
        item = x.itemsize
        ctx.out_pos = _positions(size, stride, offset)
        ctx.in_pos = _positions(x.shape, [s // item for s in x.strides], _storage(x)[1])
        ctx.numel = flat.size
        # Built on the storage itself (not stride_tricks), so ``.base`` leads back to it.
        return np.ndarray(size, x.dtype, buffer=flat, offset=offset * item if flat.size else 0,
                          strides=[s * item for s in stride])

    @staticmethod
    def backward(ctx, grad):
        return StorageGrad.apply(grad, out_pos=ctx.out_pos, in_pos=ctx.in_pos, numel=ctx.numel)


class StorageGrad(Op):
    """``grad`` added into a zero storage at ``out_pos``, read back at ``in_pos``."""

    node_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, grad, out_pos, in_pos, numel):
        ctx.out_pos, ctx.in_pos, ctx.numel = out_pos, in_pos, numel
        storage = np.zeros(numel, grad.dtype)
        np.add.at(storage, out_pos, grad)
        return storage[in_pos]

    @staticmethod
    def backward(ctx, grad):
        return StorageGrad.apply(grad, out_pos=ctx.in_pos, in_pos=ctx.out_pos, numel=ctx.numel)


def _size_list(v):
    return (v,) if isinstance(v, int) else tuple(int(s) for s in v)


def as_strided(input, size, stride, storage_offset=None):
    """A view of ``input``'s storage with the given sizes, strides and offset (in elements)."""
    size, stride = _size_list(size), _size_list(stride)
    flat, own_offset = _storage(input._array)
    if flat is None:
        raise RuntimeError("learntorch: as_strided needs a tensor whose storage is contiguous; "
                           "clone() it first")
    offset = own_offset if storage_offset is None else int(storage_offset)
    _check_extent(size, stride, offset, flat.size, input._array.itemsize)
    return as_view(AsStrided.apply(input, size=size, stride=stride, offset=offset, flat=flat),
                   input)


def as_strided_(input, size, stride, storage_offset=None):
    """``as_strided`` in place: this tensor becomes that view of its storage."""
    input._array = as_strided(input.detach(), size, stride, storage_offset)._array
    return input


def slice_inverse(input, src, dim=0, start=None, end=None, step=1):
    """The view of ``input``'s storage laid out like ``src`` (the inverse of taking the slice
    ``src[start:end:step]`` along ``dim``, which ``input`` is); used by functionalization."""
    return as_strided(input, tuple(src.shape), src.stride(), src.storage_offset())


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False):
    """A new (zero-filled) tensor with the given sizes and strides."""
    size, stride = _size_list(size), _size_list(stride)
    dt = _default(dtype)
    numel = 0 if 0 in size else sum((n - 1) * s for n, s in zip(size, stride)) + 1
    storage = _finish(np.zeros(numel, dt.np), None, device, False)
    result = as_strided(storage, size, stride, 0).detach()
    result._base = None
    if requires_grad:
        result.requires_grad_(True)
    return result


def new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None,
                      requires_grad=False, pin_memory=False):
    return empty_strided(size, stride, dtype=dtype or self.dtype, device=device or self.device,
                         requires_grad=requires_grad)


# -- copies of views ------------------------------------------------------------------------------
# A copy records one node, as torch's: the view op's node under its ``_copy`` name
# (``SelectBackward0_copy`` …) with the input as its next function, showing torch's ``_saved_*``
# values (the arguments as given; a negative int read as unsigned 64-bit, as torch shows it).
_COPY_NODES = {}


def _unsigned(value):
    if type(value) is int:
        return _u64(value)
    if isinstance(value, (tuple, list)):
        return tuple(_unsigned(v) for v in value)
    return value


def _copy_node_class(node_class, name):
    """``node_class`` (a view's grad_fn) under torch's name for its copy: its twin, without
    the ``_saved_*`` an indexing view reads off its index (the copy shows its own
    arguments: ``narrow_copy`` has no ``_saved_end``, though its view is a slice)."""
    key = (node_class, name)
    if key not in _COPY_NODES:
        namespace = {k: v for k, v in vars(node_class).items()
                     if not isinstance(v, _Shown) and k not in ("__dict__", "__weakref__")}
        _COPY_NODES[key] = type(name, node_class.__bases__, namespace)
    return _COPY_NODES[key]


def _copy_of(view_fn, name, node_name, saved, doc):
    """``view_fn``'s result copied; the view's node (its gradient rule) renamed ``node_name``
    and showing ``saved(input, *args, **kwargs)`` as its ``_saved_*`` attributes."""
    def function(input, *args, out=None, **kwargs):
        result = view_fn(input, *args, **kwargs)
        pieces = tuple(result) if isinstance(result, (tuple, list)) else (result,)
        node = pieces[0]._grad_fn if pieces else None
        if node is input._grad_fn:  # the view made no node of its own (no gradient recorded)
            node = None
        copies = []
        for piece in pieces:
            copy = Tensor._make(piece._array.copy(order="C"))
            if node is not None:
                copy._grad_fn, copy._output_nr, copy._requires_grad = node, piece._output_nr, True
            copies.append(copy)
        if node is not None:
            node.__class__ = _copy_node_class(type(node), node_name)
            for key, value in saved(input, *args, **kwargs).items():
                setattr(node, "_saved_" + key, _unsigned(value))
        if isinstance(result, (tuple, list)):
            return tuple(copies)
        return _out(copies[0], out)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``{doc}`` as a new tensor (no memory shared with the input)."
    return function


def _sizes(input):
    return tuple(input.shape)


def _slice(input, dim=0, start=None, end=None, step=1):
    d = _wrap_dim(dim, input.dim())
    return getitem(input, (slice(None),) * d + (slice(start, end, step),))


def _expand(input, size, *, implicit=False):
    return expand(input, size)


def _squeeze_name(input, dim=None):
    return ("SqueezeBackward0_copy" if dim is None else
            "SqueezeBackward1_copy" if isinstance(dim, int) else "SqueezeBackward2_copy")


def _squeeze_saved(input, dim=None):
    return {"self_sym_sizes": _sizes(input)} if dim is None else \
        {"dim": dim if isinstance(dim, int) else tuple(dim), "self_sym_sizes": _sizes(input)}


class _NotImplemented(Node):
    """torch's node for an op without a derivative: backward through it is an error."""

    def __init__(self, input, op):
        self.next_functions = (edge_of(input),)
        self.needs_input_grad = (True,)
        self._input_meta = ((input._array.shape, input._array.dtype),)
        self._op = op

    def name(self):
        return "torch::autograd::NotImplemented"

    def apply(self, *grads):
        raise RuntimeError(f"derivative for aten::{self._op} is not implemented")


_NotImplemented.__name__ = _NotImplemented.__qualname__ = "NotImplemented"


def detach_copy(input, *, out=None):
    """``detach`` as a new tensor.  torch records it (the result requires grad) with a node that
    has no derivative, so a backward through it raises."""
    result = Tensor._make(input._array.copy(order="C"))
    if _State.enabled and input._requires_grad:
        result._grad_fn, result._requires_grad = _NotImplemented(input, "detach_copy"), True
    return _out(result, out)


alias_copy = _copy_of(lambda x: as_view(Alias.apply(x), x), "alias_copy", "AliasBackward0_copy",
                      lambda x: {}, "alias")
as_strided_copy = _copy_of(
    as_strided, "as_strided_copy", "AsStridedBackward0_copy",
    lambda x, size, stride, storage_offset=None: {
        "size": _size_list(size), "stride": _size_list(stride), "storage_offset": storage_offset},
    "as_strided")
diagonal_copy = _copy_of(
    diagonal, "diagonal_copy", "DiagonalBackward0_copy",
    lambda x, offset=0, dim1=0, dim2=1: {"dim1": dim1, "dim2": dim2, "offset": offset,
                                         "self_sym_sizes": _sizes(x)}, "diagonal")
expand_copy = _copy_of(_expand, "expand_copy", "ExpandBackward0_copy",
                       lambda x, size, implicit=False: {"self_sym_sizes": _sizes(x)}, "expand")
narrow_copy = _copy_of(
    narrow, "narrow_copy", "NarrowCopyBackward0",
    lambda x, dim, start, length: {"dim": dim, "length": length, "self_sym_sizes": _sizes(x),
                                   "start": start}, "narrow")
permute_copy = _copy_of(permute, "permute_copy", "PermuteBackward0_copy",
                        lambda x, *dims, **named: {"dims": tuple(
                            named.get("dims", dims[0] if len(dims) == 1 else dims))}, "permute")
select_copy = _copy_of(select, "select_copy", "SelectBackward0_copy",
                       lambda x, dim, index: {"dim": dim, "index": index,
                                              "self_sym_sizes": _sizes(x)}, "select")
slice_copy = _copy_of(
    _slice, "slice_copy", "SliceBackward0_copy",
    lambda x, dim=0, start=None, end=None, step=1: {
        "dim": dim, "end": end, "self_sym_sizes": _sizes(x), "start": start, "step": step},
    "x[start:end:step] along dim")
split_copy = _copy_of(split, "split_copy", "SplitBackward0_copy",
                      lambda x, split_size, dim=0: {"dim": dim, "self_sym_sizes": _sizes(x),
                                                    "split_size": split_size}, "split")
split_with_sizes_copy = _copy_of(
    split_with_sizes, "split_with_sizes_copy", "SplitWithSizesBackward0_copy",
    lambda x, split_sizes, dim=0: {"dim": dim, "self_sym_sizes": _sizes(x),
                                   "split_sizes": tuple(split_sizes)}, "split_with_sizes")
t_copy = _copy_of(t, "t_copy", "TBackward0_copy", lambda x: {}, "t")
transpose_copy = _copy_of(transpose, "transpose_copy", "TransposeBackward0_copy",
                          lambda x, dim0, dim1: {"dim0": dim0, "dim1": dim1}, "transpose")
unbind_copy = _copy_of(unbind, "unbind_copy", "UnbindBackward0_copy",
                       lambda x, dim=0: {"dim": dim}, "unbind")
unfold_copy = _copy_of(
    lambda x, dimension, size, step: x.unfold(dimension, size, step), "unfold_copy",
    "UnfoldBackward0_copy", lambda x, dimension, size, step: {
        "dimension": dimension, "self_sym_sizes": _sizes(x), "size": size, "step": step},
    "unfold")
unsqueeze_copy = _copy_of(unsqueeze, "unsqueeze_copy", "UnsqueezeBackward0_copy",
                          lambda x, dim: {"dim": dim}, "unsqueeze")
view_copy = _copy_of(view, "view_copy", "ViewBackward0_copy",   # its node shows self_sym_sizes
                     lambda x, *size, **named: {}, "view")


def squeeze_copy(input, dim=None, *, out=None):
    """``squeeze`` as a new tensor (no memory shared with the input)."""
    return _SQUEEZE_COPIES[_squeeze_name(input, dim)](input, dim, out=out)


_SQUEEZE_COPIES = {name: _copy_of(squeeze, "squeeze_copy", name, _squeeze_saved, "squeeze")
                   for name in ("SqueezeBackward0_copy", "SqueezeBackward1_copy",
                                "SqueezeBackward2_copy")}

# torch's "unsafe" splits skip autograd's view tracking: the same pieces, their own version
# counters, and one UnsafeSplit node.
def unsafe_chunk(input, chunks, dim=0):
    """``chunk`` (torch's unsafe variant skips view tracking; the pieces are the same)."""
    return _chunk(input, chunks, dim, unsafe=True)


def unsafe_split(input, split_size, dim=0):
    """``split`` into pieces of ``split_size`` (torch's unsafe variant skips view tracking)."""
    if not isinstance(split_size, int):
        raise TypeError(f"unsafe_split(): argument 'split_size' (position 2) must be int, not "
                        f"{type(split_size).__name__}")
    return _split_by_size(input, split_size, dim, UnsafeSplitBackward0)


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    """``split_with_sizes`` (torch's unsafe variant skips view tracking)."""
    return _split_by_sizes(input, split_sizes, dim, UnsafeSplitWithSizesBackward0)


__all__ = ["as_strided", "as_strided_", "as_strided_copy", "slice_inverse", "empty_strided",
           "alias_copy", "detach_copy", "diagonal_copy", "expand_copy", "narrow_copy",
           "permute_copy", "select_copy", "slice_copy", "split_copy", "split_with_sizes_copy",
           "squeeze_copy", "t_copy", "transpose_copy", "unbind_copy", "unfold_copy",
           "unsqueeze_copy", "view_copy", "unsafe_chunk", "unsafe_split",
           "unsafe_split_with_sizes"]

TENSOR_METHODS = ("as_strided", "as_strided_", "narrow_copy", "slice_inverse", "new_empty_strided",
                  "unsafe_chunk", "unsafe_split", "unsafe_split_with_sizes")
