"""Shape ops.  Most are *views*: the result shares memory (and a version counter) with its
input, exactly like torch — ``y = x.view(6); y[0] = 5`` changes ``x``.

The backward of a shape op is the inverse shape op on the gradient.
"""
import builtins
import functools
import math

import numpy as np

from .. import _dtype, _layout, _meta
from .._tensor import Tensor, _wrap_dim
from ._mutation import inplace_of
from ._op import Op
from ..autograd.grad_mode import _State


def as_view(out, base):
    """Mark ``out`` as a view of ``base``: same memory, same version counter.

    A view taken with grad mode off remembers it (torch's CreationMeta, kept by views of the
    view): like torch's, it requires grad when its base does yet has no history, and changing
    it in place with grad mode on is an error (``_mutation.view_inplace_error``).
    """
    out._version_counter = base._version_counter
    root = out._base = base._base if base._base is not None else base
    out._view_version = base._version_counter[0]
    if not _State.enabled:
        out._view_kind = "inference" if _State.inference or base._view_kind == "inference" \
            else "no_grad"
        out._requires_grad = root._requires_grad and out._array.dtype.kind in "fc"
    elif base._view_kind is not None:
        out._view_kind = base._view_kind
    return out


def _infer_shape(shape, numel):
    """Fill in a single -1; torch's RuntimeError when the sizes cannot match ``numel``."""
    if -1 not in shape and math.prod(shape) == numel and min(shape, default=0) >= 0:
        return shape
    shape = list(shape)
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for s in shape:
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if unknown:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{_fmt(shape)}' is invalid for input of size {numel}")
        shape[unknown[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{_fmt(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def _fmt(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _size_args(args, named=None):
    """``view(2, 3)``, ``view((2, 3))``, ``view(size=(2, 3))`` (``named``), and -1 entries."""
    if named is not None:
        if args:
            raise TypeError(f"sizes given both as positional arguments {args} and by keyword")
        args = (named,)
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    if all(type(a) is int for a in args):
        return tuple(args)
    return tuple(int(a) for a in args)


class View(Op):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        try:
            return x.reshape(shape, copy=False)
        except ValueError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead.") from None

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)

    backward_arrays = backward  # the same formula on arrays (see _op.py)


class ReshapeAlias(View):
    """What ``reshape`` records for a tensor that is not contiguous but can be viewed."""


class UnsafeView(Op):
    """What ``reshape`` records when it had to copy (over the copy's CloneBackward0)."""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return np.reshape(x, shape)

    backward = View.backward
    backward_arrays = View.backward_arrays


for _op in (View, ReshapeAlias, UnsafeView):   # torch's _saved_self_sym_sizes on their nodes
    _op._node_class._saved_self_sym_sizes = property(lambda node: node._input_meta[0][0])


class Alias(Op):
    """``Tensor(t)``: the same tensor under a new name, as torch's legacy constructor gives it."""

    @staticmethod
    def forward(ctx, x):
        return x.view()

    @staticmethod
    def backward(ctx, grad):
        return grad


def _alias(input):
    return as_view(Alias.apply(input), input)


def view(input, *sizes, size=None, dtype=None):
    """``x.view(2, 3)``: the same memory seen with another shape; ``x.view(torch.int32)``: the
    same memory read as another dtype (``_view_dtype``)."""
    if dtype is not None or sizes and isinstance(sizes[0], _DTYPE_ARGUMENTS):
        return _view_dtype(input, sizes, size, dtype)
    shape = _infer_shape(_size_args(sizes, size), input.numel())
    return as_view(View.apply(input, shape=shape), input)


# What sends view() to _view_dtype: a dtype, a Python type (torch takes float, int, bool and
# complex as dtypes) or a str (which torch refuses with a TypeError that names it).
_DTYPE_ARGUMENTS = (_dtype.dtype, type, str)
_PYTHON_DTYPES = {builtins.float: _dtype.float64, builtins.int: _dtype.int64,
                  builtins.bool: _dtype.bool, builtins.complex: _dtype.complex128}


def _view_dtype(input, sizes, size, dtype):
    """``x.view(dtype)``: the same bytes read as ``dtype`` (a bit cast), as torch does it.

    An equal element size keeps the shape and strides. A smaller one multiplies the last size
    and the other strides by the ratio; a larger one divides them, so the last dimension must be
    contiguous and the last size, the storage offset and the other strides divisible. As in
    torch, the result shares the memory and the version counter but is no autograd view: it
    never requires grad, has no ``grad_fn`` and its ``_base`` is None.
    """
    keyword = dtype is not None
    if not keyword:
        dtype = sizes[0]
        if len(sizes) > 1 or size is not None:
            raise _view_arguments_error(sizes, size, None)
    elif sizes or size is not None:
        raise _view_arguments_error(sizes, size, dtype)
    if isinstance(dtype, type):
        dtype = _PYTHON_DTYPES.get(dtype, dtype)
    if not isinstance(dtype, _dtype.dtype):
        name = _type_name(dtype)
        got, bad = (f"dtype={name}, ", f"(!dtype={name}!, )") if keyword else (name, f"(!{name}!)")
        raise TypeError(
            f"view() received an invalid combination of arguments - got ({got}), but expected "
            f"one of:\n * (torch.dtype dtype)\n      didn't match because some of the arguments "
            f"have invalid types: {bad}\n * (tuple of ints size)\n      didn't match because "
            + ("some of the keywords were incorrect: dtype\n" if keyword else
               f"some of the arguments have invalid types: {bad}\n"))
    from .._complex import ComplexTensor
    complex_input = isinstance(input, ComplexTensor)
    array = input._z if complex_input else input._array
    old, new = input.dtype.itemsize, dtype.itemsize
    shape = array.shape
    if old != new:   # a complex tensor has no stride(): a plain Tensor over its array has
        _check_view_dtype(Tensor._make(array) if complex_input else input, input.dtype, dtype)
        shape = shape[:-1] + (shape[-1] * old // new,)
    if type(array) is _meta.MetaArray:
        result = _meta.empty(shape, dtype.np)
    else:
        result = array.view(dtype.np)
    out = ComplexTensor._wrap(result) if dtype.is_complex else Tensor._make(result)
    out._version_counter = input._version_counter
    return out


def _check_view_dtype(input, old, new):
    """torch's RuntimeErrors for a view to a dtype of another element size, in its order."""
    words = f"view {_dtype.type_word(old)} as {_dtype.type_word(new)} (different element sizes)"
    if input.dim() == 0:
        raise RuntimeError(f"self.dim() cannot be 0 to {words}")
    strides = input.stride()
    ratio = new.itemsize // old.itemsize   # 0 when the new elements are smaller
    if ratio:
        if input.size(-1) % ratio:
            raise RuntimeError(f"self.size(-1) must be divisible by {ratio} to {words}, but got "
                               f"{input.size(-1)}")
        offset = input.storage_offset()
        if offset % ratio:
            raise RuntimeError(f"self.storage_offset() must be divisible by {ratio} to {words}, "
                               f"but got {offset}")
    if strides[-1] != 1:
        raise RuntimeError(f"self.stride(-1) must be 1 to {words}, but got {strides[-1]}")
    if ratio:
        for d, stride in enumerate(strides[:-1]):
            if stride % ratio:
                raise RuntimeError(f"self.stride({d}) must be divisible by {ratio} to {words}, "
                                   f"but got {stride}")


def _type_name(value):
    """How torch's argument parser names a value's type: ``torch.dtype``, ``int``, ``tuple``."""
    return "torch.dtype" if isinstance(value, _dtype.dtype) else type(value).__name__


def _view_arguments_error(sizes, size, dtype):
    """torch's TypeError for ``view`` called with a dtype and anything else."""
    named = [f"{key}={_type_name(value)}" for key, value in (("size", size), ("dtype", dtype))
             if value is not None]
    got = ", ".join(_type_name(s) for s in sizes)
    got = got + "".join(", " + n for n in named) if sizes else "".join(n + ", " for n in named)
    return TypeError(f"view() received an invalid combination of arguments - got ({got}), but "
                     "expected one of:\n * (torch.dtype dtype)\n * (tuple of ints size)\n")


def view_as(input, other):
    return view(input, other.shape)


def reshape(input, *sizes, shape=None):
    """A view when the memory layout allows it, otherwise a copy, recorded as torch records
    them: ViewBackward0 of a contiguous tensor, ReshapeAliasBackward0 of another viewable one,
    UnsafeViewBackward0 over CloneBackward0 for a copy."""
    shape = _infer_shape(_size_args(sizes, shape), input.numel())
    if input.is_contiguous():
        return as_view(View.apply(input, shape=shape), input)
    if _viewable(input._array, shape):
        return as_view(ReshapeAlias.apply(input, shape=shape), input)
    return UnsafeView.apply(Clone.apply(input, contiguous=True), shape=shape)


def _viewable(array, shape):
    if array.flags.c_contiguous:
        return True
    try:
        array.reshape(shape, copy=False)
        return True
    except ValueError:
        return False


def reshape_as(input, other):
    return reshape(input, other.shape)


def flatten(input, start_dim=0, end_dim=-1):
    ndim = input.dim()
    start, end = _wrap_dim(start_dim, ndim), _wrap_dim(end_dim, ndim)  # a 0-d tensor takes 0, -1
    if ndim == 0:
        return reshape(input, (1,))
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    shape = input.shape
    merged = 1
    for size in shape[start:end + 1]:
        merged *= size  # not -1: with a size-0 dim elsewhere, -1 could not be inferred
    return reshape(input, shape[:start] + (merged,) + shape[end + 1:])


def unflatten(input, dim, sizes):
    dim = _wrap_dim(dim, input.dim())
    shape = input.shape
    if not len(sizes):
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        sizes = _infer_shape(tuple(sizes), shape[dim])
    except RuntimeError as err:  # torch's words for it
        if "is invalid for input of size" not in str(err):
            raise RuntimeError(f"unflatten got an unexpected error:\n{err}") from None
        raise RuntimeError(f"unflatten: Provided sizes {_fmt(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({shape[dim]}) in the input tensor") from None
    return view(input, shape[:dim] + tuple(sizes) + shape[dim + 1:])


def ravel(input):
    return reshape(input, -1)


class Permute(Op):
    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.transpose(x, dims)

    @staticmethod
    def backward(ctx, grad):
        return grad.permute(tuple(np.argsort(ctx.dims)))


def permute(input, *order, dims=None):
    dims = _size_args(order, dims)
    ndim = input.dim()
    if len(dims) != ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not "
                           f"match the length of the desired ordering of dimensions i.e. input.dim() "
                           f"= {ndim} is not equal to len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(d, ndim) for d in dims)
    if len(set(dims)) != ndim:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return as_view(Permute.apply(input, dims=dims), input)


class Transpose(Op):
    @staticmethod
    def forward(ctx, x, dim0, dim1):
        ctx.dims = (dim0, dim1)
        return x.swapaxes(dim0, dim1) if x.ndim > 1 else x.view()

    @staticmethod
    def backward(ctx, grad):
        return grad.transpose(*ctx.dims)


class T(Transpose):
    @staticmethod
    def backward_arrays(ctx, grad):
        """``backward`` on arrays.  A transposed gradient that is itself a transpose (addmm's
        weight gradient, see nn/_functional/linear.py) is handed back as the array it views, so
        AccumulateGrad can keep it as ``.grad`` without a copy."""
        back = grad.T
        base = back.base
        if base is not None and base.shape == back.shape and base.strides == back.strides:
            return base
        return back


def transpose(input, dim0, dim1):
    ndim = input.dim()
    d0, d1 = _wrap_dim(dim0, ndim), _wrap_dim(dim1, ndim)
    return as_view(Transpose.apply(input, dim0=d0, dim1=d1), input)


swapaxes = swapdims = transpose


def t(input):
    """Transpose a ≤2-D tensor (0-D and 1-D come back unchanged, as views)."""
    ndim = input.dim()
    if ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {ndim}D")
    dim1 = 1 if ndim == 2 else 0
    return as_view(T.apply(input, dim0=0, dim1=dim1), input)


def movedim(input, source, destination):
    ndim = input.dim()
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) should "
                           f"contain the same number of dims as destination ({dst} dims)")
    src = [_wrap_dim(d, ndim) for d in src]
    dst = [_wrap_dim(d, ndim) for d in dst]
    order = [d for d in range(ndim) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, order)


moveaxis = movedim


class Squeeze(Op):
    node_name = "SqueezeBackward0"

    @staticmethod
    def forward(ctx, x, axes):
        ctx.in_shape = x.shape
        return np.squeeze(x, axis=axes)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


class SqueezeDim(Squeeze):
    node_name = "SqueezeBackward1"


def squeeze(input, dim=None):
    """Remove size-1 dims (all of them, or the given ones; a dim whose size isn't 1 is kept)."""
    shape, ndim = input.shape, input.dim()
    if dim is None:
        axes = tuple(i for i, s in enumerate(shape) if s == 1)
        return as_view(Squeeze.apply(input, axes=axes), input)
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    wrapped = [_wrap_dim(d, ndim) for d in dims]  # validates; a 0-d tensor accepts dim 0 and -1
    axes = tuple(sorted({d for d in wrapped if ndim and shape[d] == 1}))
    return as_view(SqueezeDim.apply(input, axes=axes), input)


class Unsqueeze(Op):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        return np.expand_dims(x, axis)

    @staticmethod
    def backward(ctx, grad):
        return grad.squeeze(ctx.axis)


def unsqueeze(input, dim):
    axis = _wrap_dim(dim, input.dim() + 1)
    return as_view(Unsqueeze.apply(input, axis=axis), input)


class Expand(Op):
    """A broadcast view; its backward sums the gradient back (done by ``OpNode``)."""

    @staticmethod
    def forward(ctx, x, shape):
        return broadcast_view(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad


def broadcast_view(x, shape):
    """``np.broadcast_to`` without its argument checking (10x faster on small arrays).

    A contiguous NumPy array can be re-viewed directly with stride 0 on the broadcast
    dims; anything else (CuPy, odd strides) takes the general route.
    """
    if type(x) is not np.ndarray or not x.flags.c_contiguous:
        return np.broadcast_to(x, shape)
    lead = len(shape) - x.ndim
    strides = [0] * lead
    for size, target, stride in zip(x.shape, shape[lead:], x.strides):
        strides.append(0 if size == 1 and target != 1 else stride)
    out = np.ndarray(shape, x.dtype, x, 0, strides)
    out.flags.writeable = False  # like broadcast_to: many elements share one memory cell
    return out


def expand(input, *sizes, size=None):
    sizes = _size_args(sizes, size)
    shape = input.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(shape)}}}, size={list(sizes)}): the "
                           f"number of sizes provided ({len(sizes)}) must be greater or equal to the "
                           f"number of dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        old = shape[i - lead] if i >= lead else None
        if s == -1:
            if old is None:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            s = old
        elif old is not None and old != 1 and old != s:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size "
                               f"({old}) at non-singleton dimension {i}.  Target sizes: {list(sizes)}."
                               f"  Tensor sizes: {list(shape)}")
        target.append(s)
    return as_view(Expand.apply(input, shape=tuple(target)), input)


def expand_as(input, other):
    return expand(input, other.shape)


def broadcast_to(input, shape):
    return expand(input, shape)


class SumToSize(Op):
    """Sum a broadcast gradient back to ``shape`` (the reverse of ``expand``)."""

    node_name = "SumBackward1"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        axes, lead = _summed_axes(x.shape, shape)
        if axes and len(axes) == lead:  # the sum has the right shape, in memory of its own
            return x.sum(axis=axes)        # (so the engine can make it a leaf's .grad uncopied)
        out = x.sum(axis=axes, keepdims=True) if axes else x
        return np.reshape(out, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.expand(ctx.in_shape)


@functools.lru_cache(maxsize=1024)
def _summed_axes(in_shape, shape):
    """The axes ``SumToSize`` sums, and how many of them lead; cached, since backward asks
    for the same few shape pairs (a bias's gradient) every step."""
    lead = len(in_shape) - len(shape)
    return tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                      if s == 1 and in_shape[i + lead] != 1), lead


def sum_to_size(input, *size):
    shape = _size_args(size)
    if input._array.shape == shape:
        return input
    if not _expandable(shape, input.shape):
        raise RuntimeError(f"size {{{_fmt(shape)}}} is not expandable to size "
                           f"{{{_fmt(input.shape)}}}.")
    return SumToSize.apply(input, shape=shape)


def _expandable(shape, target):
    """True when ``shape`` broadcasts to ``target`` without growing it (torch's is_expandable_to)."""
    extra = len(target) - len(shape)
    return extra >= 0 and all(s == t or s == 1 for s, t in zip(shape, target[extra:]))


class Clone(Op):
    @staticmethod
    def forward(ctx, x, contiguous=False, order=None):
        # torch's preserve_format: a dense but permuted tensor keeps its layout (strides);
        # anything else (slices with gaps, expanded dims) becomes C-contiguous. ``order``: a
        # channels-last memory format's dim order (_layout.dim_order_of).
        if order is not None:
            return _layout.copy_in_order(x, order)
        return x.copy(order="K" if not contiguous and _dense(x) else "C")

    @staticmethod
    def backward(ctx, grad):
        return grad


def _dense(array):
    """True when ``array`` fills its memory without gaps or overlaps (in some dim order)."""
    dims = sorted((st, n) for st, n in zip(array.strides, array.shape) if n != 1)
    expected = array.itemsize
    for st, n in dims:
        if st != expected:
            return False
        expected *= n
    return True


def clone(input, *, memory_format=None):
    order = _layout.dim_order_of(memory_format, input._array.ndim)
    if order is not None:
        return Clone.apply(input, order=order)
    return Clone.apply(input, contiguous=memory_format is _layout.contiguous_format)


def contiguous(input, memory_format=None):
    order = _layout.dim_order_of(memory_format, input._array.ndim)
    if order is not None:
        return input if _layout.is_laid_out(input._array, order) else Clone.apply(input, order=order)
    return input if input._array.flags.c_contiguous else Clone.apply(input, contiguous=True)


# -- at least n dims -------------------------------------------------------------------------
def _atleast(ndim, tensors):
    """One tensor in, one out; several (or a list) in, a tuple out (torch's rule)."""
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return _raise_to(tensors[0], ndim)
    if len(tensors) == 1:
        tensors = tensors[0]
    return tuple(_raise_to(t, ndim) for t in tensors)


def _raise_to(t, ndim):
    """A view with ``ndim`` dims: 0-d -> (1, ...), 1-d -> (1, n[, 1]), 2-d -> (m, n, 1)."""
    if t.dim() >= ndim:
        return t
    if t.dim() == 0:
        return reshape(t, (1,) * ndim)
    if t.dim() == 1:
        t = unsqueeze(t, 0)
    return unsqueeze(t, -1) if t.dim() < ndim else t


def atleast_1d(*tensors):
    return _atleast(1, tensors)


def atleast_2d(*tensors):
    return _atleast(2, tensors)


def atleast_3d(*tensors):
    return _atleast(3, tensors)


# -- flip, roll, repeat ----------------------------------------------------------------------
class Flip(Op):
    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.flip(x, dims).copy()  # a copy in torch, not a view

    @staticmethod
    def backward(ctx, grad):
        return Flip.apply(grad, dims=ctx.dims)


def flip(input, *order, dims=None):
    """Reverse the order of elements along ``dims`` (a copy)."""
    ndim = input.dim()
    dims = _size_args(order, dims)
    wrapped = tuple(_wrap_dim(d, ndim) for d in dims)
    for d in wrapped:
        if wrapped.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return Flip.apply(input, dims=wrapped if ndim else ())


def fliplr(input):
    if input.dim() < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input):
    if input.dim() < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


def no_dims_error(dim):
    """torch's words for a dim given to a 0-d tensor by ops that do not accept 0 or -1 there."""
    return IndexError(f"Dimension specified as {dim} but tensor has no dimensions")


class Roll(Op):
    """``np.roll``; ``dims=None`` rolls the flattened tensor."""

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return np.roll(x, shifts, dims)

    @staticmethod
    def backward(ctx, grad):
        back = tuple(-s for s in ctx.shifts) if ctx.dims is not None else -ctx.shifts
        return Roll.apply(grad, shifts=back, dims=ctx.dims)


def roll(input, shifts, dims=None):
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = () if dims is None else (dims,) if isinstance(dims, int) else tuple(dims)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if not dims and len(shifts) == 1:
        return Roll.apply(input, shifts=shifts[0], dims=None)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    if input.dim() == 0:
        raise no_dims_error(dims[0])
    dims = tuple(_wrap_dim(d, input.dim()) for d in dims)
    return Roll.apply(input, shifts=shifts, dims=dims)


class Repeat(Op):
    @staticmethod
    def forward(ctx, x, repeats):
        padded = (1,) * (len(repeats) - x.ndim) + x.shape
        ctx.in_shape, ctx.padded, ctx.repeats = x.shape, padded, repeats
        return np.tile(x.reshape(padded), repeats)

    @staticmethod
    def backward(ctx, grad):
        """Each output block is a copy of x: sum the blocks (dims 0, 2, 4 … of the split view)."""
        pairs = tuple(n for r, s in zip(ctx.repeats, ctx.padded) for n in (r, s))
        summed = grad.reshape(pairs).sum(tuple(range(0, len(pairs), 2))) if pairs else grad
        return summed.reshape(ctx.in_shape)


def repeat(input, *sizes, repeats=None):
    """Tile the tensor ``sizes[i]`` times along dim i (leading new dims allowed)."""
    sizes = _size_args(sizes, repeats)
    if len(sizes) < input.dim():
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                           "dimensions of tensor")
    padded = (1,) * (len(sizes) - input.dim()) + tuple(input.shape)
    target = [r * s for r, s in zip(sizes, padded)]
    if any(r < 0 for r in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension "
                           f"{next(t for t in target if t < 0)}: {target}")
    return Repeat.apply(input, repeats=sizes)


def tile(input, *order, dims=None):
    """``repeat`` with missing leading repeats taken as 1."""
    dims = _size_args(order, dims)
    return repeat(input, (1,) * (input.dim() - len(dims)) + dims)


# -- triangles and diagonals -----------------------------------------------------------------
class Tril(Op):
    keep = staticmethod(np.tril)

    @classmethod
    def forward(cls, ctx, x, diagonal):
        ctx.diagonal = diagonal
        return cls.keep(x, diagonal)

    @classmethod
    def backward(cls, ctx, grad):
        return cls.apply(grad, diagonal=ctx.diagonal)


class Triu(Tril):
    keep = staticmethod(np.triu)


def _triangle(op, name):
    def function(input, diagonal=0):
        if input.dim() < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return op.apply(input, diagonal=int(diagonal))
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"Zero the elements {'above' if name == 'tril' else 'below'} the " \
                       f"``diagonal``-th diagonal of the last two dims."
    return function


tril = _triangle(Tril, "tril")
triu = _triangle(Triu, "triu")
tril_ = inplace_of(tril)
triu_ = inplace_of(triu)


def diagonal_view(x, offset, dim1, dim2):
    """``np.diagonal`` but writable like torch's view (NumPy marks it read-only)."""
    view = np.diagonal(x, offset, dim1, dim2)
    if isinstance(view, np.ndarray) and x.flags.writeable:
        view.flags.writeable = True
    return view


class Diagonal(Op):
    """The diagonal as a view; backward puts the gradient back on a zero diagonal."""

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.in_shape, ctx.args = x.shape, (offset, dim1, dim2)
        return diagonal_view(x, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, grad):
        return DiagonalGrad.apply(grad, shape=ctx.in_shape, args=ctx.args)


class DiagonalCopy(Diagonal):
    """``diag`` of a matrix: a copy of the diagonal."""

    node_name = "DiagonalBackward0_copy"

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        return Diagonal.forward(ctx, x, offset, dim1, dim2).copy()


class DiagonalGrad(Op):
    """Zeros of ``shape`` with ``x`` on the diagonal ``args`` = (offset, dim1, dim2)."""

    node_name = "DiagonalBackwardBackward0"

    @staticmethod
    def forward(ctx, x, shape, args):
        ctx.args = args
        out = np.zeros(shape, dtype=x.dtype)
        diagonal_view(out, *args)[...] = x
        return out

    @staticmethod
    def backward(ctx, grad):
        return Diagonal.apply(grad, offset=ctx.args[0], dim1=ctx.args[1], dim2=ctx.args[2])


class DiagEmbed(DiagonalGrad):
    node_name = "DiagEmbedBackward0"


def _diagonal_dims(ndim, dim1, dim2):
    d1, d2 = _wrap_dim(dim1, ndim), _wrap_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The ``offset``-th diagonal of the (dim1, dim2) planes, as the last dim of a view."""
    d1, d2 = _diagonal_dims(input.dim(), dim1, dim2)
    return as_view(Diagonal.apply(input, offset=offset, dim1=d1, dim2=d2), input)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor whose (dim1, dim2) planes have ``input``'s last dim on their diagonal."""
    ndim = input.dim() + 1
    d1, d2 = _diagonal_dims(ndim, dim1, dim2)
    rest = list(input.shape[:-1])
    n = input.shape[-1] + abs(offset)
    for d in sorted((d1, d2)):
        rest.insert(d, n)
    return DiagEmbed.apply(input, shape=tuple(rest), args=(offset, d1, d2))


def diag(input, diagonal=0):
    """1-D: the square matrix with ``input`` on a diagonal; 2-D: that diagonal (a copy)."""
    if input.dim() == 1:
        return diag_embed(input, diagonal, 0, 1)
    if input.dim() == 2:
        return DiagonalCopy.apply(input, offset=diagonal, dim1=0, dim2=1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.dim()}D")


# -- sliding windows -------------------------------------------------------------------------
class Unfold(Op):
    """Windows of ``size`` every ``step`` along ``dim``, as a new last dim (a strided view)."""

    @staticmethod
    def forward(ctx, x, dim, size, step):
        ctx.in_shape, ctx.args = x.shape, (dim, size, step)
        count = (x.shape[dim] - size) // step + 1
        shape = x.shape[:dim] + (count,) + x.shape[dim + 1:] + (size,)
        strides = x.strides[:dim] + (x.strides[dim] * step,) + x.strides[dim + 1:] + (x.strides[dim],)
        writeable = x.flags.writeable and step >= size  # overlapping windows stay read-only
        return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=writeable)

    @staticmethod
    def backward(ctx, grad):
        return UnfoldGrad.apply(grad, shape=ctx.in_shape, args=ctx.args)


class UnfoldGrad(Op):
    """Zeros of ``shape`` with each window's gradient added back where the window was."""

    node_name = "UnfoldBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, shape, args):
        ctx.args = args
        dim, size, step = args
        out = np.zeros(shape, dtype=grad.dtype)
        for k in range(grad.shape[dim]):
            window = np.moveaxis(np.take(grad, k, axis=dim), -1, dim)
            out[(slice(None),) * dim + (slice(k * step, k * step + size),)] += window
        return out

    @staticmethod
    def backward(ctx, grad):
        dim, size, step = ctx.args
        return Unfold.apply(grad, dim=dim, size=size, step=step)



def unfold(input, dimension, size, step):
    """``x.unfold(dim, size, step)``: a view of all length-``size`` windows along ``dim``."""
    if input.dim() == 0:
        _wrap_dim(dimension, 0)
        return unfold(reshape(input, (1,)), 0, size, step).reshape(size)
    d = _wrap_dim(dimension, input.dim())
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if size > input.shape[d]:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {input.shape[d]} but size "
                           f"is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return as_view(Unfold.apply(input, dim=d, size=size, step=step), input)


__all__ = ["view", "view_as", "reshape", "reshape_as", "flatten", "unflatten", "ravel", "permute",
           "transpose", "swapaxes", "swapdims", "t", "movedim", "moveaxis", "squeeze", "unsqueeze",
           "expand", "expand_as", "broadcast_to", "sum_to_size", "clone", "contiguous",
           "atleast_1d", "atleast_2d", "atleast_3d", "flip", "fliplr", "flipud", "roll", "tile",
           "tril", "triu", "diagonal", "diag_embed", "diag"]

# Also Tensor methods, with the tensor as the first argument: x.f(...) == f(x, ...).
def _restride_in_place(view_op):
    """``x.t_()``-style ops: ``x`` itself becomes the view (same memory, new shape/strides)."""
    def method(self, *args):
        result = view_op(self, *args)
        self._array = result._array
        if result._grad_fn is not None:
            self._grad_fn, self._output_nr = result._grad_fn, result._output_nr
        return self
    method.__name__ = method.__qualname__ = view_op.__name__ + "_"
    method.__doc__ = f"In-place ``{view_op.__name__}``: this tensor takes the new shape and strides."
    return method


transpose_ = swapaxes_ = swapdims_ = _restride_in_place(transpose)
t_ = _restride_in_place(t)
squeeze_ = _restride_in_place(squeeze)
unsqueeze_ = _restride_in_place(unsqueeze)

__all__ += ["transpose_", "swapaxes_", "swapdims_", "t_", "squeeze_", "unsqueeze_"]


TENSOR_METHODS = (
    "transpose_", "swapaxes_", "swapdims_", "t_", "squeeze_", "unsqueeze_",
    "view", "reshape", "permute", "expand", "sum_to_size", "view_as", "reshape_as", "flatten",
    "unflatten", "ravel", "transpose", "swapaxes", "swapdims", "t", "movedim", "moveaxis", "squeeze",
    "unsqueeze", "expand_as", "broadcast_to", "clone", "contiguous", "flip", "fliplr", "flipud",
    "roll", "repeat", "tile", "tril", "triu", "tril_", "triu_", "diagonal", "diag_embed", "diag",
    "unfold",
)
