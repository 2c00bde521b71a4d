"""Making tensors: from data, filled, ranges, ``*_like``, and dtype/device conversion.

Random tensors are in ``sampling.py``.

dtype rules (torch's): Python floats give the default float dtype (float32), ints
give int64, bools give bool; a NumPy array keeps its dtype.  ``tensor()`` always
copies; ``as_tensor``/``from_numpy`` share memory with a NumPy array when they can.
"""
import builtins
import math

import numpy as np

from .. import _device, _dtype, _layout, _meta
from .._cpu_math import fma
from .._tensor import Tensor, _shape_arg, _to_nested_data
from ._op import Op


def _finish(array, dtype, device, requires_grad):
    """Cast/move ``array`` and wrap it; the one exit of every creation function."""
    if dtype is not None:
        dtype = _dtype.to_dtype(dtype)
        if array.dtype != dtype.np:
            array = array.astype(dtype.np)
    if device is not None:
        array = _device.move(array, _device.to_device(device))
    t = Tensor._make(array)
    if requires_grad:
        if array.dtype.kind != "f":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        t._requires_grad = True
    return t


def _infer_array(data, dtype=None):
    """NumPy array for Python data, with torch's dtype inference and ragged-list error.

    Python floats are read as float64 and only then narrowed, to ``dtype`` when given (so
    ``tensor(0.1, dtype=float64)`` is exactly 0.1), else to the default float dtype.
    """
    if isinstance(data, np.ndarray):
        _dtype.from_numpy_dtype(data.dtype)
        return data.copy()
    if isinstance(data, Tensor):
        return data._array.copy()
    if isinstance(data, (np.generic,)):
        return np.asarray(data)
    nested = _to_nested_data(data)
    if dtype in _dtype.WIDE_UNSIGNED:  # values past int64's range read straight into the dtype
        return np.array(nested, dtype=dtype.np)
    try:
        array = np.array(nested)
    except ValueError:
        _check_ragged(nested)
        raise
    if array.dtype == object:
        _check_ragged(nested)
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    if array.dtype.kind == "f" and not _has_numpy_floats(nested):
        return array.astype((dtype or _dtype.get_default_dtype()).np)
    if array.dtype.kind in "iu" and array.dtype != np.int64 and not _has_numpy_floats(nested):
        return array.astype(np.int64)
    if array.dtype.kind in "US":
        raise TypeError(f"new(): invalid data type '{array.dtype.kind == 'U' and 'str'}'")
    if array.dtype.kind == "c":  # Python complex numbers: the TypeError saying what exists
        _dtype.from_numpy_dtype(array.dtype)
    return array


def _has_numpy_floats(data):
    """True when the data holds NumPy scalars/arrays, whose dtype torch keeps."""
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return isinstance(data, (np.generic, np.ndarray))


def _check_ragged(data, dim=0):
    """Raise torch's ValueError naming the first dim whose lengths disagree."""
    if not isinstance(data, (list, tuple)) or not data:
        return
    first = data[0]
    first_len = len(first) if isinstance(first, (list, tuple)) else None
    for item in data:
        length = len(item) if isinstance(item, (list, tuple)) else None
        if length != first_len:
            if first_len is None or length is None:
                raise ValueError(f"expected sequence of length {first_len or 0} at dim {dim + 1} "
                                 f"(got {length or 0})" if length is not None else
                                 f"setting an array element with a sequence at dim {dim + 1}")
            raise ValueError(f"expected sequence of length {first_len} at dim {dim + 1} (got {length})")
        _check_ragged(item, dim + 1)


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (a number, nested lists, an array or a tensor)."""
    dtype = None if dtype is None else _dtype.to_dtype(dtype)
    return _finish(_infer_array(data, dtype), dtype, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with ``data`` when no copy is needed."""
    if isinstance(data, Tensor):
        return data.to(dtype=dtype, device=device)
    if isinstance(data, np.ndarray):
        _dtype.from_numpy_dtype(data.dtype)
        return _finish(data, dtype, device, False)
    return tensor(data, dtype=dtype, device=device)


asarray = as_tensor


def from_numpy(ndarray):
    """A tensor sharing memory with ``ndarray``: a change to either shows in both."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return Tensor._make(ndarray)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.is_floating_point()


def numel(input):
    return input.numel()


# -- filled --------------------------------------------------------------------------------
def _default(dtype):
    return _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)


def _filled(fill, name, positional, size, dtype, device, requires_grad):
    """``fill`` (``np.zeros`` …) of the size given as ``name(2, 3)``, ``name((2, 3))`` or
    ``name(size=(2, 3))``; ``name`` for torch's words on a bad size."""
    shape = _shape_arg(_sizes(positional, size), name, keyword=size is not None)
    dtype = _default(dtype)
    if _device.is_meta(device):  # nothing to fill: no data
        return _finish(_meta.empty(shape, dtype.np), None, None, requires_grad)
    return _finish(fill(shape, dtype=dtype.np), None, device, requires_grad)


def _sizes(positional, size):
    """The size given as ``zeros(2, 3)``, ``zeros((2, 3))`` or ``zeros(size=(2, 3))``."""
    if size is None:
        return positional
    if positional:
        raise TypeError(f"size given both as positional arguments {positional} and by keyword")
    return (size,)


def zeros(*sizes, size=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False):
    return _filled(np.zeros, "zeros", sizes, size, dtype, device, requires_grad)


def ones(*sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _filled(np.ones, "ones", sizes, size, dtype, device, requires_grad)


def empty(*sizes, size=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, memory_format=None):
    """Uninitialised in torch; we return zeros so results never depend on leftover memory."""
    return _filled(np.zeros, "empty", sizes, size, dtype, device, requires_grad)


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None,
                   requires_grad=False, pin_memory=False):
    """``empty(size)`` whose memory runs in the order ``physical_layout`` gives (outermost dim
    first): allocated in that order, then viewed back in logical order."""
    size = tuple(_shape_arg((size,)))
    if len(physical_layout) != len(size):
        raise RuntimeError(f"Number of dimensions in size does not match the length of the "
                           f"physical_layout; i.e. len(size) = {len(size)} is not equal to "
                           f"len(physical_layout) = {len(physical_layout)}")
    for index, d in enumerate(physical_layout):
        if not 0 <= d < len(size):
            raise RuntimeError(f"Dimension out of range (expected to be between 0 and "
                               f"{len(size) - 1}, but got {d} at index {index}).  NB: negative "
                               f"dims not currently supported; file an issue if you want it.")
    if len(set(physical_layout)) != len(size):
        raise RuntimeError("Duplicate dim not allowed")
    physical = np.zeros([size[d] for d in physical_layout], dtype=_dtype.to_dtype(
        dtype or _dtype.get_default_dtype()).np)
    return _finish(physical.transpose(np.argsort(physical_layout)), None, device, requires_grad)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if dtype is None:
        dtype = _dtype.scalar_dtype(fill_value)
    dtype = _dtype.to_dtype(dtype)
    return _finish(np.full(_shape_arg((size,), "full"), fill_value, dtype=dtype.np), None, device,
                   requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"n must be greater or equal to 0, got {n if n < 0 else m}")
    return _finish(np.eye(n, m, dtype=_default(dtype).np), None, device, requires_grad)


def _like(input, dtype, device):
    return (input.dtype if dtype is None else _dtype.to_dtype(dtype),
            input.device if device is None else device)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    dtype, device = _like(input, dtype, device)
    return zeros(input.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    dtype, device = _like(input, dtype, device)
    return ones(input.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """Zeros (see ``empty``) laid out like ``input``: torch keeps the strides of a dense input
    (``preserve_format``), and the layout decides the order a random fill visits it in."""
    dtype, device = _like(input, dtype, device)
    order = _layout.dim_order_of(memory_format, input._array.ndim)
    if order is not None:  # channels_last: that layout whatever the input's
        array = _layout.copy_in_order(np.zeros(input.shape, dtype.np), order)
    elif memory_format is _layout.contiguous_format:
        array = np.zeros(input.shape, dtype.np)
    else:
        array = zeros_in_layout_of(input._array, dtype.np)
    return _finish(array, None, device, requires_grad)


def memory_order(array):
    """Axes from the largest stride to the smallest (size-1 axes first, where they do not
    matter): the order torch's kernels visit elements in, and ``empty_like`` keeps."""
    axes = [axis for axis in builtins.range(array.ndim) if array.shape[axis] != 1]
    axes.sort(key=lambda axis: -abs(array.strides[axis]))
    return tuple([axis for axis in builtins.range(array.ndim) if array.shape[axis] == 1] + axes)


def zeros_in_layout_of(array, np_dtype):
    """Zeros shaped like ``array`` with its strides' order when it is dense (no gaps, no
    overlap), else C-contiguous: torch's ``empty_like`` rule."""
    order = memory_order(array)
    permuted = [array.shape[axis] for axis in order]
    dense_strides = np.empty(permuted, dtype=array.dtype).strides
    dense = all(array.strides[axis] == dense_strides[k] or array.shape[axis] == 1
                for k, axis in enumerate(order))
    if not dense or array.flags.c_contiguous:
        return np.zeros(array.shape, dtype=np_dtype)
    itemsize = np.dtype(np_dtype).itemsize  # dense: torch keeps the strides exactly
    strides = tuple(st // array.itemsize * itemsize for st in array.strides)
    return np.ndarray(array.shape, np_dtype, np.zeros(array.size, np_dtype), 0, strides)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    dtype, device = _like(input, dtype, device)
    return full(input.shape, fill_value, dtype=dtype, device=device, requires_grad=requires_grad)


# -- ranges ------------------------------------------------------------------------------------
def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """``[start, end)`` by ``step``; int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = _dtype.get_default_dtype() if is_float else _dtype.int64
    dtype = _dtype.to_dtype(dtype)
    count = builtins.max(0, math.ceil((end - start) / step))
    array = (start + np.arange(count, dtype=np.float64) * step) if dtype.is_floating_point or \
        any(isinstance(v, float) for v in (start, end, step)) else np.arange(start, end, step)
    return _finish(array.astype(dtype.np), None, device, requires_grad)


def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
          requires_grad=False):
    """Deprecated in torch: like ``arange`` but includes ``end``; float32 by default."""
    if end is None:
        start, end = 0, start
    count = int(math.floor((end - start) / step)) + 1
    array = start + np.arange(count, dtype=np.float64) * step
    return _finish(array.astype(_default(dtype).np), None, device, requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dtype = _default(dtype)
    if dtype.is_floating_point and steps > 1:
        array = _linspace_like_torch(dtype.np.type(start), dtype.np.type(end), steps)
    else:
        array = np.linspace(float(start), float(end), steps, dtype=np.float64)
    return _finish(array.astype(dtype.np), None, device, requires_grad)


def _linspace_like_torch(start, end, steps):
    """torch's kernel, to the last bit: the first half counts up from ``start``, the second
    down from ``end``, each point one fused multiply-add (``np.linspace`` rounds differently)."""
    step = (end - start) / start.dtype.type(steps - 1)
    i = np.arange(steps, dtype=start.dtype)
    up = fma(i, step, start)
    down = fma(i - start.dtype.type(steps - 1), step, end)
    return np.where(np.arange(steps) < steps // 2, up, down)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    array = np.power(float(base), np.linspace(float(start), float(end), steps, dtype=np.float64))
    return _finish(array.astype(_default(dtype).np), None, device, requires_grad)


# -- conversion ------------------------------------------------------------------------------
class ToCopy(Op):
    """A dtype/device change; backward converts the gradient back (``OpNode`` casts it)."""

    @staticmethod
    def forward(ctx, x, dtype, device):
        if device is not None:
            x = _device.move(x, device)
        return x.astype(dtype.np) if dtype is not None and x.dtype != dtype.np else x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


def convert(input, dtype, device, copy=False):
    """What ``Tensor.to`` does: return ``input`` itself when nothing changes (unless ``copy``)."""
    same_dtype = dtype is None or dtype.np == input._array.dtype
    same_device = device is None or device == input.device
    if same_dtype and same_device and not copy:
        return input
    return ToCopy.apply(input, dtype=None if same_dtype else dtype,
                        device=None if same_device else device)


__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "is_tensor", "is_floating_point", "numel",
           "zeros", "ones", "empty", "empty_permuted", "full", "eye", "zeros_like", "ones_like", "empty_like",
           "full_like", "arange", "range", "linspace", "logspace"]
