"""How a tensor crosses to another process: shared memory as a file descriptor, else a copy.

``multiprocessing`` pickles what it sends with its ``ForkingPickler``; a reducer registered
there sees each tensor. A tensor in shared memory (``share_memory_()``) is sent as a
duplicate of its memory file's descriptor plus its shape, strides and offset; the child maps
the same file, so both processes look at one buffer.
"""
from multiprocessing.reduction import DupFd, ForkingPickler

import numpy as np

from .. import storage as _storage
from .._tensor import Tensor


def _reduce_tensor(tensor):
    on_host = isinstance(tensor._array, np.ndarray)
    memory = _storage.shared_memory_of(tensor._array) if on_host else None
    if memory is None:
        return tensor.__reduce_ex__(2)
    array = tensor._array
    whole = _storage._bytes_of(array)
    offset = _storage._address(array) - _storage._address(whole) if array.size else 0
    return (_rebuild_shared, (DupFd(memory.fd), whole.size, array.dtype.str, array.shape,
                              array.strides, offset, tensor._requires_grad, type(tensor)))


def _rebuild_shared(dup, nbytes, dtype, shape, strides, offset, requires_grad, cls):
    memory = _storage.shared_bytes(nbytes, fd=dup.detach())
    tensor = Tensor._make(np.ndarray(shape, np.dtype(dtype), memory, offset, strides))
    if cls is not Tensor:
        return cls(tensor, requires_grad)  # nn.Parameter(data, requires_grad)
    tensor._requires_grad = requires_grad
    return tensor


def init_reductions():
    from ..nn.parameter import Parameter
    for cls in (Tensor, Parameter):
        ForkingPickler.register(cls, _reduce_tensor)
