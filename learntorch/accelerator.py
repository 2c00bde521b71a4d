"""``learntorch.accelerator``: the current accelerator, which is CUDA when learntorch's GPU
backend (CuPy and a GPU) is present and none otherwise, as torch reports on a CPU-only machine."""
from . import _device, cuda

__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index",
           "current_device_idx", "set_device_index", "set_device_idx", "synchronize",
           "empty_cache", "empty_host_cache", "memory_allocated", "memory_reserved",
           "get_memory_info", "get_device_capability", "current_stream", "set_stream",
           "max_memory_allocated", "max_memory_reserved", "memory_stats",
           "reset_accumulated_memory_stats", "reset_peak_memory_stats", "device_index"]


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


def empty_host_cache():
    """Free the cached page-locked host buffers CuPy keeps for transfers."""
    _require()
    _device._cupy().get_default_pinned_memory_pool().free_all_blocks()


def memory_reserved(device_index=None, /):
    _require()
    return _device._cupy().get_default_memory_pool().total_bytes()


def get_memory_info(device_index=None, /):
    """``(free, total)`` bytes of the device."""
    _require()
    return _device._cupy().cuda.runtime.memGetInfo()


def get_device_capability(device=None, /):
    _require()
    major, minor = _device._cupy().cuda.Device().compute_capability
    return {"major": int(major), "minor": int(minor)}


def current_stream(device=None, /):
    _require()
    return _device._cupy().cuda.get_current_stream()


def set_stream(stream):
    _require()
    stream.use()


def _untracked(name):
    def stat(device_index=None, /):
        _require()
        raise NotImplementedError(f"accelerator.{name}: learntorch's CUDA backend (CuPy's memory "
                                  "pool) does not track peak or accumulated memory statistics")
    stat.__name__ = name
    return stat


max_memory_allocated = _untracked("max_memory_allocated")
max_memory_reserved = _untracked("max_memory_reserved")
memory_stats = _untracked("memory_stats")
reset_accumulated_memory_stats = _untracked("reset_accumulated_memory_stats")
reset_peak_memory_stats = _untracked("reset_peak_memory_stats")


class device_index:  # noqa: N801 (torch's name)
    """``with device_index(i):`` runs the block on accelerator ``i`` (no change for None)."""

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
