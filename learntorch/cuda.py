"""``learntorch.cuda``: a GPU runs through CuPy when it is installed (``pip install learntorch[gpu]``)."""
from . import _device
from ._runtime import OutOfMemoryError  # noqa: F401  (torch.cuda.OutOfMemoryError)


def is_available():
    return _device.cuda_available()


def device_count():
    if not is_available():
        return 0
    return _device._cupy().cuda.runtime.getDeviceCount()


def current_device():
    _require()
    return _device._cupy().cuda.runtime.getDevice()


def set_device(device):
    _require()
    index = device if isinstance(device, int) else _device.device(device).index or 0
    _device._cupy().cuda.Device(index).use()


def get_device_name(device=None):
    _require()
    index = 0 if device is None else (device if isinstance(device, int) else device.index or 0)
    props = _device._cupy().cuda.runtime.getDeviceProperties(index)
    name = props["name"]
    return name.decode() if isinstance(name, bytes) else name


def synchronize(device=None):
    _require()
    _device._cupy().cuda.Device().synchronize()


def manual_seed(seed):
    """Seeds CuPy's generator when a GPU is present; a no-op otherwise, like torch."""
    if is_available():
        _device._cupy().random.seed(seed)


manual_seed_all = manual_seed


def empty_cache():
    if is_available():
        _device._cupy().get_default_memory_pool().free_all_blocks()


def _require():
    if not is_available():
        raise AssertionError("Torch not compiled with CUDA enabled")
