"""Devices: ``cpu`` runs on NumPy, ``cuda`` on CuPy when it is installed and a GPU is present,
``meta`` has no data at all (shapes and dtypes only, see _meta.py).

Every tensor keeps its data in an array of its device's *array module* (``numpy`` or
``cupy``); ops call ``xp(...)`` functions on that module, so the same code runs on both.
"""
import re

import numpy as np

from . import _meta


def _type_name(value):
    return "torch.device" if isinstance(value, device) else type(value).__name__


# torch 2.13's device types, in the order its "Expected one of ..." error lists them
DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
                "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                "privateuseone")
_TYPE_SET = frozenset(DEVICE_TYPES)
_STRING = re.compile(r"([a-zA-Z_]+)(?::([1-9][0-9]*|0))?")  # torch's device-string grammar
_NO_INDEX = object()  # device(type) without an index argument at all


def _parse(string):
    """``'cuda:1'`` -> ``('cuda', 1)``, with torch's errors (c10::Device's string parser)."""
    if string in _TYPE_SET:
        return string, None
    if not string:
        raise RuntimeError("Device string must not be empty")
    match = _STRING.fullmatch(string)
    if match is None:
        raise RuntimeError(f"Invalid device string: '{string}'")
    name, digits = match.groups()
    index = None
    if digits is not None:
        if int(digits) > 2 ** 31 - 1:  # std::stoi
            raise RuntimeError(f"Could not parse device index '{digits}' in device string "
                               f"'{string}'")
        index = _small_index(int(digits))
    if name not in DEVICE_TYPES:
        raise RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of "
                           f"device string: {name}")
    return name, index


def _small_index(index):
    """torch keeps a device index in 8 bits (c10::DeviceIndex): 300 is 44, 255 is -1 (none)."""
    index = (index + 128) % 256 - 128
    return None if index == -1 else index


def _invalid_arguments(value):
    name = type(value).__name__
    return TypeError(f"device() received an invalid combination of arguments - got ({name}), "
                     f"but expected one of:\n * (torch.device device)\n      didn't match because "
                     f"some of the arguments have invalid types: (!{name}!)\n * (str type, int "
                     f"index = -1)\n")


class device:
    """``device('cpu')``, ``device('cuda')``, ``device('cuda:1')``, ``device('cuda', 0)``.

    Every device type torch 2.13 knows can be named (``device('mps')``), with torch's parsing and
    errors; tensors live only on cpu, cuda (CuPy) and meta (``to_device`` says so for the rest).
    """

    __slots__ = ("type", "index")

    def __init__(self, type, index=_NO_INDEX):
        if isinstance(type, device):
            if index is not _NO_INDEX:
                raise TypeError("device(): argument 'type' (position 1) must be str, not "
                                "torch.device")
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, bytes):
            type = type.decode()
        if index is _NO_INDEX:
            if isinstance(type, int) and not isinstance(type, bool):  # an accelerator's index
                if type < 0:
                    raise RuntimeError("Device index must not be negative")
                if not cuda_available():
                    raise RuntimeError("Cannot access accelerator device when none is available.")
                type, index = "cuda", type
            elif not isinstance(type, str):
                raise _invalid_arguments(type)
            else:
                self.type, self.index = _parse(type)
                return
        if not isinstance(type, str):
            raise TypeError(f"device(): argument 'type' (position 1) must be str, not "
                            f"{_type_name(type)}")
        if index is not None and (not isinstance(index, int) or isinstance(index, bool)):
            raise TypeError(f"device(): argument 'index' (position 2) must be int, not "
                            f"{_type_name(index)}")
        if index is not None and not -2 ** 63 <= index < 2 ** 63:
            raise ValueError("Overflow when unpacking long long")
        name, own_index = _parse(type)
        if own_index is not None:
            raise RuntimeError(f"type (string) must not include an index because index was passed "
                               f"explicitly: {type}")
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type, self.index = name, None if index is None else _small_index(index)

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
        return f"device(type='{self.type}', index={self.index % 65536})"  # torch's, unsigned


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
    if d.type not in ("cpu", "cuda", "meta"):
        raise NotImplementedError(f"learntorch: tensors cannot live on '{d.type}' devices (cpu, "
                                  f"cuda and meta only)")
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
