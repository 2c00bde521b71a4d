"""torch's legacy tensor types: ``FloatTensor``, ``LongTensor`` …

They are not subclasses of ``Tensor``: each is a constructor with a fixed dtype
(``FloatTensor([1, 2])``, ``LongTensor(2, 3)``), and ``isinstance(x, FloatTensor)`` asks
whether ``x`` is a CPU float32 tensor, as torch's ``tensortype`` metaclass does.
"""
import warnings

from . import _dtype
from ._tensor import Tensor, _legacy_new


class tensortype(type):  # noqa: N801 (torch's name)
    """The metaclass of the legacy tensor types."""

    def __instancecheck__(cls, obj):
        return (isinstance(obj, Tensor) and obj.dtype is cls._legacy_dtype
                and obj.device.type == "cpu")

    def __subclasscheck__(cls, sub):
        return type.__subclasscheck__(cls, sub)

    def __call__(cls, *args, device=None):
        if device is not None and str(device).split(":")[0] != "cpu":
            raise RuntimeError(f"legacy constructor expects device type: cpu but device type: "
                               f"{str(device).split(':')[0]} was passed")
        return _legacy_new(Tensor, args, None, cls._legacy_dtype, same_dtype=True)

    @property
    def dtype(cls):
        return cls._legacy_dtype

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


def _legacy_type(d):
    name = _dtype.legacy_type_name(d)[len("torch."):]
    return tensortype(name, (), {"_legacy_dtype": d, "is_cuda": False, "is_sparse": False,
                                 "__module__": "learntorch", "__doc__": f"Legacy {d} tensors."})


LEGACY_TYPES = {d: _legacy_type(d) for d in _dtype.ALL}
FloatTensor, DoubleTensor, HalfTensor = (LEGACY_TYPES[d] for d in (_dtype.float32, _dtype.float64,
                                                                   _dtype.float16))
LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor = (
    LEGACY_TYPES[d] for d in (_dtype.int64, _dtype.int32, _dtype.int16, _dtype.int8, _dtype.uint8,
                              _dtype.bool))


_warned = False


def set_default_tensor_type(t, /):
    """Deprecated by torch (which warns once per process): sets the default float dtype from a
    legacy type or its name."""
    global _warned
    if not _warned:
        _warned = True
        warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                      "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
                      UserWarning, stacklevel=2)
    if isinstance(t, str):
        import learntorch
        name = t[len("torch."):] if t.startswith("torch.") else t
        try:
            t = getattr(learntorch, name)
        except AttributeError:
            raise AttributeError(f"module 'torch' has no attribute '{name}'") from None
    d = t._legacy_dtype
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _dtype.set_default_dtype(d)


def typename(obj):
    """``'torch.FloatTensor'`` for a tensor, else the object's qualified name."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if qualname is None:
        qualname = type(obj).__qualname__
        module = type(obj).__module__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


__all__ = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor",
           "CharTensor", "ByteTensor", "BoolTensor", "set_default_tensor_type", "typename"]
