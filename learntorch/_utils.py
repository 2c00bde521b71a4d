"""torch's rebuild functions and global names, answered by learntorch objects.

A file written by ``torch.save`` names torch's own functions and classes:
``torch._utils._rebuild_tensor_v2`` rebuilds each tensor from a storage,
``torch.FloatStorage`` tags a storage's dtype, ``torch.float32`` is a dtype.  learntorch
never imports torch; ``torch_global(name)`` gives the learntorch object that does the
same job, and ``learntorch.save`` writes these same names so torch can read its files.

A storage, here, is a 1-D tensor of the storage's elements: the tensors rebuilt from it
are strided views of its memory, so tensors that shared memory when saved share it again.
"""
import functools

import numpy as np

from . import _device, _dtype
from ._tensor import Size, Tensor


class StorageType:
    """``torch.FloatStorage`` and its kin as a file names them: a dtype tag for a storage."""

    def __init__(self, name, dtype):
        self.name = name
        self.dtype = dtype

    def __repr__(self):
        return f"StorageType(dtype={self.dtype})"


def storage_type_name(dtype):
    """torch's legacy storage class for a dtype: ``FloatStorage`` for float32."""
    return _dtype.type_word(dtype) + "Storage"


def _rebuild_tensor(storage, storage_offset, size, stride):
    """A tensor viewing ``storage`` (a 1-D tensor) from ``storage_offset`` on, strided."""
    array = storage._array
    itemsize = array.itemsize
    size, stride = tuple(size), tuple(stride)
    needed = 0 if 0 in size else storage_offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if needed > array.size or storage_offset < 0 or min(stride, default=0) < 0:
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
            f"{storage_offset}, and itemsize {itemsize} requiring a storage size of "
            f"{needed * itemsize} are out of bounds for storage of size {array.size * itemsize}")
    strides = tuple(s * itemsize for s in stride)
    if isinstance(array, np.ndarray):  # keeps `array` as the view's base, as learntorch views do
        view = np.ndarray(size, array.dtype, array, storage_offset * itemsize if needed else 0,
                          strides)
    else:
        xp = _device.array_module(array)
        view = xp.lib.stride_tricks.as_strided(array[storage_offset:], size, strides)
    return Tensor._make(view)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       metadata=None):
    """What every tensor in a torch file is rebuilt by; hooks and metadata are not kept."""
    tensor = _rebuild_tensor(storage, storage_offset, size, stride)
    tensor.requires_grad = requires_grad
    return tensor


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    from .nn.parameter import _rebuild_parameter
    return _set_obj_state(_rebuild_parameter(data, requires_grad, backward_hooks), state)


def _rebuild_from_type_v2(func, new_type, args, state):
    """A tensor of a subclass, or one carrying Python attributes: rebuild, retype, restore."""
    ret = func(*args)
    if type(ret) is not new_type:
        ret.__class__ = new_type
    if hasattr(new_type, "__setstate__"):
        ret.__setstate__(state)
        return ret
    return _set_obj_state(ret, state)


def _set_obj_state(obj, state):
    """Set the attributes ``state`` holds (a dict, or a (dict, slots) pair) on ``obj``.

    A tensor's own machinery (``_array``, ``_grad_fn``, hooks, properties) lives in Python
    attributes here, not in C++ as in torch, so a file may not set those on a tensor.
    """
    if isinstance(state, tuple):
        if len(state) != 2:
            raise RuntimeError(f"Invalid serialized state: {state}")
        dict_state, slots_state = state
    else:
        dict_state, slots_state = state, None
    for k, v in {**(dict_state or {}), **(slots_state or {})}.items():
        if isinstance(obj, Tensor) and hasattr(type(obj), k):
            raise RuntimeError(f"Invalid serialized state: {k!r} is one of learntorch's own "
                               "tensor attributes")
        setattr(obj, k, v)
    return obj


# torch names a file may hold for things learntorch does not have: loading one stops with a
# clear message instead of torch's "unsupported global" (these are safe; they are just missing).
_MISSING_DTYPES = ("bfloat16", "complex32", "complex64", "complex128", "cfloat", "cdouble",
                   "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz",
                   "uint16", "uint32", "uint64", "qint8", "quint8", "qint32", "quint4x2")
_MISSING_STORAGES = ("BFloat16", "ComplexFloat", "ComplexDouble", "QInt8", "QUInt8", "QInt32",
                     "QUInt4x2", "QUInt2x4")
_MISSING_REBUILDS = ("_rebuild_qtensor", "_rebuild_sparse_tensor", "_rebuild_nested_tensor",
                     "_rebuild_wrapper_subclass", "_rebuild_meta_tensor_no_storage",
                     "_rebuild_tensor_v3", "_rebuild_device_tensor_from_numpy",
                     "_rebuild_device_tensor_from_cpu_tensor")


class _Refused:
    """A torch global learntorch knows but cannot build; ``torch_global`` raises for it."""

    def __init__(self, message):
        self.message = message


@functools.cache
def torch_globals():
    """``{"torch._utils._rebuild_tensor_v2": learntorch's twin, ...}`` for every torch name
    a checkpoint of tensors, dtypes, devices, sizes and Parameters uses."""
    from .nn.parameter import Parameter, _rebuild_parameter
    table = {
        "torch._utils._rebuild_tensor": _rebuild_tensor,
        "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
        "torch._utils._rebuild_parameter": _rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
        "torch.nn.parameter.Parameter": Parameter,
        "torch.Tensor": Tensor,
        "torch.Size": Size,
        "torch.device": _device.device,
        "torch.storage.UntypedStorage": StorageType("UntypedStorage", _dtype.uint8),
    }
    for d in _dtype.ALL:
        table[f"torch.{d.name}"] = d
        name = storage_type_name(d)
        table[f"torch.{name}"] = StorageType(name, d)
    for name in _MISSING_DTYPES:
        table[f"torch.{name}"] = _Refused(f"torch.{name}: learntorch has no such dtype")
    for word in _MISSING_STORAGES:
        table[f"torch.{word}Storage"] = _Refused(
            f"torch.{word}Storage: learntorch has no {word} dtype")
    for name in _MISSING_REBUILDS:
        table[f"torch._utils.{name}"] = _Refused(
            f"torch._utils.{name}: learntorch has no quantized, sparse, nested, meta or "
            "wrapper-subclass tensors")
    table["torch.serialization._get_layout"] = _Refused(
        "torch.serialization._get_layout: learntorch has only strided tensors")
    return table


def torch_global(full_name):
    """The learntorch object for a torch global, ``None`` if it is not one learntorch maps."""
    target = torch_globals().get(full_name)
    if type(target) is _Refused:
        raise RuntimeError(f"learntorch.load: {target.message}")
    return target
