"""``layout`` and ``memory_format`` values: names torch code passes around (``torch.strided``,
``torch.channels_last``), and what the channels-last formats mean for an array's strides.

learntorch's tensors are all ``strided``; the sparse and mkldnn layouts exist only as values,
so code that compares ``x.layout == torch.strided`` or passes ``layout=`` keeps working.
"""


class _Named:
    """A singleton value that prints as ``torch.<name>`` and pickles back to itself."""

    __slots__ = ("_name",)
    _instances = None

    def __new__(cls, *args, **kwargs):
        raise TypeError(f"cannot create 'torch.{cls.__name__}' instances")

    @classmethod
    def _make(cls, name):
        obj = object.__new__(cls)
        obj._name = name
        return obj

    def __repr__(self):
        return f"torch.{self._name}"

    def __reduce__(self):
        return self._name  # pickle finds the singleton by its module-level name

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class layout(_Named):
    """How a tensor's elements are stored; learntorch has only ``strided``."""

    __slots__ = ()
    __module__ = "learntorch._layout"


class memory_format(_Named):
    """The order of a dense tensor's dimensions in memory."""

    __slots__ = ()
    __module__ = "learntorch._layout"


strided = layout._make("strided")
sparse_coo = layout._make("sparse_coo")
sparse_csr = layout._make("sparse_csr")
sparse_csc = layout._make("sparse_csc")
sparse_bsr = layout._make("sparse_bsr")
sparse_bsc = layout._make("sparse_bsc")
jagged = layout._make("jagged")
_mkldnn = layout._make("_mkldnn")

contiguous_format = memory_format._make("contiguous_format")
channels_last = memory_format._make("channels_last")
channels_last_3d = memory_format._make("channels_last_3d")
preserve_format = memory_format._make("preserve_format")
legacy_contiguous_format = contiguous_format  # torch: the same object under an old name

import numpy as np

__all__ = ["layout", "memory_format", "strided", "sparse_coo", "sparse_csr", "sparse_csc",
           "sparse_bsr", "sparse_bsc", "jagged", "contiguous_format", "channels_last",
           "channels_last_3d", "preserve_format", "legacy_contiguous_format"]


# The dims from outermost to innermost in memory: channels (dim 1) become the innermost.
_ORDERS = {"channels_last": (4, (0, 2, 3, 1)), "channels_last_3d": (5, (0, 2, 3, 4, 1))}


def dim_order_of(fmt, ndim):
    """The memory order ``fmt`` asks for on an ``ndim``-d tensor; None for contiguous/preserve."""
    if fmt is None or fmt._name not in _ORDERS:
        return None
    rank, order = _ORDERS[fmt._name]
    if ndim != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {fmt._name} format")
    return order


def is_laid_out(array, order):
    """``array`` is dense with its dims in memory in ``order`` (size-1 dims may have any stride)."""
    expected = array.itemsize
    for axis in reversed(order):
        if array.shape[axis] != 1:
            if array.strides[axis] != expected:
                return False
            expected *= array.shape[axis]
    return True


def copy_in_order(array, order):
    """A copy of ``array`` whose memory holds its dims in ``order`` (strides as torch sets them,
    a size-1 dim included)."""
    strides, step = [0] * array.ndim, array.itemsize
    for axis in reversed(order):
        strides[axis] = step
        step *= max(array.shape[axis], 1)
    out = np.ndarray(array.shape, array.dtype, np.empty(array.size, array.dtype), 0, strides)
    out[...] = array
    return out


def suggested_format(array):
    """The format a tensor's strides resemble (torch's suggest_memory_format): channels-last
    when its dims sit in memory in that order, else contiguous."""
    for name, (rank, order) in _ORDERS.items():
        if array.ndim == rank and array.strides[1] < min(array.strides[2:]) and \
                tuple(sorted(range(rank), key=lambda d: -array.strides[d])) == order:
            return globals()[name]
    return contiguous_format
