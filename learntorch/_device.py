"""Devices: ``cpu`` runs on NumPy, ``cuda`` on CuPy when it is installed and a GPU is present,
``meta`` has no data at all (shapes and dtypes only, see _meta.py).

Every tensor keeps its data in an array of its device's *array module* (``numpy`` or
``cupy``); ops call ``xp(...)`` functions on that module, so the same code runs on both.
"""
import numpy as np

from . import _meta


class device:
    """``device('cpu')``, ``device('cuda')``, ``device('cuda:1')``, ``device('cuda', 0)``."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, str) and ":" in type:
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in ("cpu", "cuda", "meta"):
            raise RuntimeError(
                "Expected one of cpu, cuda, meta device type at start of device string: "
                + str(type))
        self.type = type
        self.index = index

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __enter__(self):
        """``with device('meta'):`` makes it the default device inside the block, as torch."""
        _entered.append(get_default_device())
        set_default_device(self)
        return self

    def __exit__(self, *exc_info):
        set_default_device(_entered.pop())

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"


CPU = device("cpu")
META = device("meta")
_as_device = device  # set_default_device's argument is named `device`, as torch's is


def _cupy():
    try:
        import cupy
    except ImportError:
        return None
    return cupy


def cuda_available():
    cp = _cupy()
    if cp is None:
        return False
    try:
        return cp.cuda.runtime.getDeviceCount() > 0
    except Exception:  # CuPy installed but no driver/GPU: that is simply "not available"
        return False


_default = CPU  # set_default_device
_entered = []   # the default devices that `with device(...)` blocks replaced


def set_default_device(device):
    """The device factory functions use when none is given (None: back to the CPU)."""
    global _default
    _default = CPU if device is None else _as_device(device)


def get_default_device():
    return _default


def to_device(d):
    """Normalise a str/device/None argument to a device (None means the default device)."""
    if d is None:
        return _default if _default is CPU else to_device(_default)
    d = d if isinstance(d, device) else device(d)
    if d.type == "cuda":
        if not cuda_available():
            raise AssertionError("Torch not compiled with CUDA enabled")
        if d.index is None:
            d = device("cuda", _cupy().cuda.runtime.getDevice())
    return d


def is_meta(d):
    """Whether a device argument (str, device or None for the default) means ``meta``."""
    return to_device(d).type == "meta"


def array_module(arr):
    """The array module (numpy or cupy) that owns ``arr``."""
    if isinstance(arr, np.ndarray):
        return np
    return _cupy()


def device_of(arr):
    if isinstance(arr, np.ndarray):
        return META if type(arr) is _meta.MetaArray else CPU
    return device("cuda", arr.device.id)


def move(arr, d):
    """Copy an array to device ``d`` (returns ``arr`` itself when it is already there)."""
    if d.type == "meta":
        return _meta.like(arr)
    if type(arr) is _meta.MetaArray:
        raise NotImplementedError(_meta.NO_DATA)
    if d.type == "cpu":
        return arr if isinstance(arr, np.ndarray) else arr.get()
    cp = _cupy()
    with cp.cuda.Device(d.index):
        return cp.asarray(arr)
