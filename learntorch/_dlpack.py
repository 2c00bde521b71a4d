"""DLPack: handing a tensor's memory to another array library without a copy (NumPy's DLPack)."""
import numpy as np

from ._tensor import Tensor

__all__ = ["from_dlpack", "to_dlpack"]


class _Capsule:
    """Lets ``np.from_dlpack`` read a bare DLPack capsule (what ``to_dlpack`` returns)."""

    def __init__(self, capsule):
        self._capsule = capsule

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        return self._capsule

    def __dlpack_device__(self):
        return (1, 0)  # kDLCPU


def from_dlpack(ext_tensor):
    """A tensor sharing the memory of any object with ``__dlpack__`` (or of a DLPack capsule)."""
    if type(ext_tensor).__name__ == "PyCapsule":
        ext_tensor = _Capsule(ext_tensor)
    return Tensor._make(np.from_dlpack(ext_tensor))


def to_dlpack(tensor):
    """A DLPack capsule of ``tensor``'s memory (consumed once by ``from_dlpack``)."""
    return tensor.__dlpack__()


def _dlpack(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    if self._requires_grad:
        raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
    if max_version is None:
        return self._array.__dlpack__(stream=stream)
    return self._array.__dlpack__(stream=stream, max_version=max_version, dl_device=dl_device,
                                  copy=copy)


def _dlpack_device(self):
    return self._array.__dlpack_device__()


Tensor.__dlpack__ = _dlpack
Tensor.__dlpack_device__ = _dlpack_device
