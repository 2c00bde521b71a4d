"""``learntorch.accelerator``: the current accelerator, which is CUDA when learntorch's GPU
backend (CuPy and a GPU) is present and none otherwise, as torch reports on a CPU-only machine."""
from . import _device, cuda

__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index",
           "current_device_idx", "set_device_index", "set_device_idx", "synchronize",
           "empty_cache", "memory_allocated", "device_index"]


def _none_available():
    return RuntimeError("Cannot access accelerator device when none is available.")


def is_available():
    return cuda.is_available()


def current_accelerator(check_available=False):
    return _device.device("cuda") if cuda.is_available() else None


def device_count():
    return cuda.device_count()


def _require():
    if not cuda.is_available():
        raise _none_available()


def current_device_index():
    _require()
    return cuda.current_device()


current_device_idx = current_device_index


def set_device_index(device, /):
    _require()
    cuda.set_device(device)


set_device_idx = set_device_index


def synchronize(device=None, /):
    _require()
    cuda.synchronize(device)


def empty_cache():
    _require()
    cuda.empty_cache()


def memory_allocated(device_index=None, /):
    _require()
    return _device._cupy().get_default_memory_pool().used_bytes()


class device_index:  # noqa: N801 (torch's name)
    """``with device_index(i):`` runs the block on accelerator ``i`` (nothing when ``i`` is None)."""

    def __init__(self, device, /):
        self.idx = device

    def __enter__(self):
        if self.idx is not None:
            self._prev = current_device_index()
            set_device_index(self.idx)
        return self

    def __exit__(self, *exc):
        if self.idx is not None:
            set_device_index(self._prev)
        return False
