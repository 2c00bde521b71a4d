"""Storages: the flat memory a tensor and all its views look into (``x.untyped_storage()``).

In learntorch a tensor's memory is its NumPy array's *root*: the array that owns the buffer
(or was made from one), found by following ``.base`` from the tensor's array.  Every view of
a tensor has the same root, so ``x[1:].untyped_storage().data_ptr() == x.data_ptr()``, as in
torch.

* ``UntypedStorage`` is that memory as bytes (a 1-D uint8 array over the root's buffer);
* ``TypedStorage`` (deprecated in torch, and warns like it) reads the bytes as one dtype;
  ``FloatStorage`` and its kin are TypedStorages of a fixed dtype, and ``isinstance`` asks
  the dtype, as torch's metaclass does;
* ``share_memory_`` moves a storage into shared memory (an ``mmap`` of a memory file), which
  ``learntorch.multiprocessing`` hands to child processes as a file descriptor.

Unlike torch, a storage is not an object the tensors point to: moving memory (``resize_``
growing, ``share_memory_``) changes the tensor it is called on, not other views of the
old memory.
"""
import mmap
import os
import tempfile
import warnings
import weakref

import numpy as np

from . import _device, _dtype
from ._tensor import Tensor
from ._utils import _rebuild_tensor

__all__ = ["UntypedStorage", "TypedStorage", "is_storage", "frombuffer", "from_file", "resize_as_"]


# -- the memory behind an array ---------------------------------------------------------------
def _root(array):
    """The array that owns the memory ``array`` views (``as_strided`` hides it one level down).
    NumPy or CuPy: the owner is an array of the same kind."""
    kind = type(array)
    while True:
        base = array.base
        if not isinstance(base, kind):
            base = getattr(base, "base", None)  # as_strided's DummyArray keeps the array
            if not isinstance(base, kind):
                return array
        array = base


def _bytes_of(array):
    """All of ``array``'s root memory as a 1-D uint8 array (a view, never a copy)."""
    root = _root(array)
    if root.flags.c_contiguous:
        return root.reshape(-1).view(np.uint8)
    if root.flags.f_contiguous:
        return root.T.reshape(-1).view(np.uint8)
    nbytes = 0 if root.size == 0 else \
        sum((n - 1) * s for n, s in zip(root.shape, root.strides)) + root.itemsize
    first = root[(slice(0, 1),) * root.ndim].reshape(-1).view(np.uint8)
    return np.lib.stride_tricks.as_strided(first, (nbytes,), (1,))


def _address(array):
    if isinstance(array, np.ndarray):
        return array.__array_interface__["data"][0]
    return array.data.ptr  # a CuPy array


# -- shared memory ------------------------------------------------------------------------------
class _SharedMemory(mmap.mmap):
    """Memory other processes can map: an ``mmap`` of an anonymous memory file, plus its fd."""

    def __new__(cls, fd, nbytes):
        self = super().__new__(cls, fd, max(nbytes, 1))
        self.fd = fd
        weakref.finalize(self, os.close, fd)
        return self


def _memory_file(nbytes):
    """A file descriptor of ``nbytes`` of memory with no name left on disk."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("learntorch", 0)
    else:  # pragma: no cover - not Linux
        shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
        fd, path = tempfile.mkstemp(prefix="learntorch_", dir=shm)
        os.unlink(path)
    os.ftruncate(fd, max(nbytes, 1))
    return fd


def shared_bytes(nbytes, fd=None):
    """``nbytes`` of shared memory as a uint8 array (a fresh memory file unless ``fd`` is given)."""
    memory = _SharedMemory(_memory_file(nbytes) if fd is None else fd, nbytes)
    return np.frombuffer(memory, np.uint8, count=nbytes)


def shared_memory_of(array):
    """The ``_SharedMemory`` holding ``array``, or None when it is private memory."""
    base = _root(array).base
    if isinstance(base, memoryview):  # np.frombuffer keeps a memoryview of the mmap
        base = base.obj
    return base if isinstance(base, _SharedMemory) else None


def _view_on(new_bytes, array, old_bytes):
    """``array``'s shape, strides and offset, laid over ``new_bytes`` instead of ``old_bytes``."""
    offset = _address(array) - _address(old_bytes) if array.size else 0
    return np.ndarray(array.shape, array.dtype, new_bytes, offset, array.strides)


# -- storages -----------------------------------------------------------------------------------
class _StorageBase:
    """What both storage kinds share; ``_array`` is the memory as this storage's elements."""

    __slots__ = ("_array",)
    is_sparse = False
    is_sparse_csr = False
    is_cuda = False
    is_hpu = False

    @property
    def device(self):
        return _device.device_of(self._array)

    def data_ptr(self):
        return _address(self._array)

    def nbytes(self):
        return self._array.nbytes

    def size(self):
        return self._array.size

    def __len__(self):
        return self._array.size

    def element_size(self):
        return self._array.itemsize

    def tolist(self):
        return self._array.tolist()

    def __iter__(self):
        return iter(self.tolist())

    def _index(self, idx):
        n = self._array.size
        if not -n <= idx < n:
            raise IndexError(f"index {idx} out of range for storage of size {n}")
        return idx % n

    def __setitem__(self, idx, value):
        if isinstance(idx, slice):
            self._array[idx] = value
        else:
            self._array[self._index(idx)] = value

    def fill_(self, value):
        self._array[...] = value
        return self

    def copy_(self, source, non_blocking=None):
        if source.nbytes() != self.nbytes():
            raise RuntimeError(f"size does not match, self was {self.nbytes()} bytes but src was "
                               f"{source.nbytes()} bytes")
        self._array.view(np.uint8)[...] = source._array.view(np.uint8)
        return self

    def is_shared(self):
        return shared_memory_of(self._array) is not None

    def is_pinned(self, device="cuda"):
        return False

    def pin_memory(self, device="cuda"):
        from .ops.tensor_info import pin_memory_error
        raise pin_memory_error()

    def resizable(self):
        return True

    def get_device(self):
        return None if self.device.type == "cpu" else self.device.index

    def _body(self):
        return " " + "\n ".join(str(v) for v in self.tolist())


class UntypedStorage(_StorageBase):
    """Raw bytes: ``UntypedStorage(n)``, ``UntypedStorage([1, 2])``, ``x.untyped_storage()``."""

    __slots__ = ()
    __module__ = "learntorch.storage"

    def __init__(self, *args, device=None):
        _device.to_device(device)
        if not args:
            data = np.zeros(0, np.uint8)
        elif len(args) == 1 and isinstance(args[0], (list, tuple)):
            data = np.array(args[0], dtype=np.uint8)
        elif len(args) == 1 and isinstance(args[0], (int, np.integer)):
            data = np.zeros(int(args[0]), np.uint8)
        else:
            raise TypeError(f"UntypedStorage(): invalid arguments {args!r}; expected a size or a "
                            "sequence of ints")
        self._array = data

    @classmethod
    def _wrap(cls, byte_array):
        storage = object.__new__(cls)
        storage._array = byte_array
        return storage

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return UntypedStorage._wrap(self._array[idx])
        return int(self._array[self._index(idx)])

    def untyped(self):
        return self

    def clone(self):
        return UntypedStorage._wrap(self._array.copy())

    def cpu(self):
        return self

    def type(self, dtype=None, non_blocking=False):
        return "torch.storage.UntypedStorage"

    def resize_(self, size):
        grown = np.zeros(size, np.uint8)
        n = min(size, self._array.size)
        grown[:n] = self._array[:n]
        self._array = grown
        return self

    def share_memory_(self):
        if not self.is_shared():
            shared = shared_bytes(self._array.size)
            shared[...] = self._array
            self._array = shared
        return self

    @classmethod
    def from_buffer(cls, buffer, byte_order="native", count=-1, offset=0, dtype=None):
        """The bytes of ``buffer`` (copied, as torch does)."""
        return cls._wrap(np.frombuffer(buffer, np.uint8, count, offset).copy())

    @classmethod
    def from_file(cls, filename, shared=False, nbytes=0):
        return cls._wrap(_map_file(filename, shared, nbytes))

    def _typed(self, d):
        return TypedStorage(wrap_storage=self, dtype=d, _internal=True)

    def __repr__(self):
        return (f"{self._body()}\n[torch.storage.UntypedStorage(device={self.device}) of size "
                f"{len(self)}]")

    __str__ = __repr__


def _map_file(filename, shared, nbytes):
    """``nbytes`` of ``filename``: a private copy, or (``shared=True``) the file's own pages."""
    flags = os.O_RDWR if shared else os.O_RDONLY
    if shared and not os.path.exists(filename):
        flags |= os.O_CREAT
    fd = os.open(filename, flags)
    try:
        size = os.fstat(fd).st_size
        if shared and size < nbytes:
            os.ftruncate(fd, nbytes)
        elif size < nbytes:
            raise RuntimeError(f"file <{filename}> size <{size}> is smaller than the required "
                               f"mapping size <{nbytes}>")
        if nbytes == 0:
            return np.zeros(0, np.uint8)
        memory = mmap.mmap(fd, nbytes, flags=mmap.MAP_SHARED if shared else mmap.MAP_PRIVATE)
    finally:
        os.close(fd)
    return np.frombuffer(memory, np.uint8, count=nbytes)


# -- TypedStorage -------------------------------------------------------------------------------
_warned = False


def _warn_typed_storage_removal(stacklevel=3):
    """torch warns once per process."""
    global _warned
    if _warned:
        return
    _warned = True
    warnings.warn("TypedStorage is deprecated. It will be removed in the future and UntypedStorage "
                  "will be the only storage class. This should only matter to you if you are using "
                  "storages directly.  To access UntypedStorage directly, use "
                  "tensor.untyped_storage() instead of tensor.storage()", UserWarning,
                  stacklevel=stacklevel)


class _LegacyStorageMeta(type):
    """``isinstance(x.storage(), FloatStorage)`` asks the storage's dtype, as torch does."""

    def __instancecheck__(cls, instance):
        fixed = cls.__dict__.get("_fixed_dtype")
        if fixed is None:
            return type.__instancecheck__(cls, instance)
        return isinstance(instance, TypedStorage) and instance.dtype is fixed


class TypedStorage(_StorageBase, metaclass=_LegacyStorageMeta):
    """An UntypedStorage read as elements of one dtype (deprecated by torch)."""

    __slots__ = ("_dtype", "_untyped_storage")
    __module__ = "learntorch.storage"
    _fixed_dtype = None  # the legacy subclasses (FloatStorage …) fix it

    @property
    def dtype(self):
        return self._dtype

    def __init__(self, *args, wrap_storage=None, dtype=None, device=None, _internal=False):
        if not _internal:
            _warn_typed_storage_removal()
        fixed = type(self)._fixed_dtype
        d = _dtype.to_dtype(dtype) if dtype is not None else (fixed or _dtype.get_default_dtype())
        if wrap_storage is not None:
            if args:
                raise RuntimeError("TypedStorage.__init__ received an invalid combination of "
                                   "arguments: 'wrap_storage' cannot be given with positional ones")
            untyped = wrap_storage.untyped()
        elif not args:
            untyped = UntypedStorage._wrap(np.zeros(0, np.uint8))
        elif len(args) == 1 and isinstance(args[0], (int, np.integer)):
            untyped = UntypedStorage._wrap(np.zeros(int(args[0]), d.np).view(np.uint8))
        elif len(args) == 1:
            untyped = UntypedStorage._wrap(np.array(args[0], dtype=d.np).reshape(-1).view(np.uint8))
        else:
            raise TypeError(f"TypedStorage(): invalid arguments {args!r}")
        self._dtype = d
        self._untyped_storage = untyped
        self._array = untyped._array.view(d.np)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            raise RuntimeError("slices are only supported in UntypedStorage.__getitem__")
        return self._array[self._index(idx)].item()

    def untyped(self):
        return self._untyped_storage

    def _new(self, d, array):
        return TypedStorage(wrap_storage=UntypedStorage._wrap(array.view(np.uint8)), dtype=d,
                            _internal=True)

    def clone(self):
        return self._new(self.dtype, self._array.copy())

    def cpu(self):
        return self

    def to(self, *, device=None, non_blocking=False):
        _device.to_device(device)
        return self

    def _to(self, d):
        """A copy in dtype ``d`` (a copy even when it is this dtype, as torch gives)."""
        return self._new(d, self._array.astype(d.np))

    def double(self):
        return self._to(_dtype.float64)

    def float(self):
        return self._to(_dtype.float32)

    def half(self):
        return self._to(_dtype.float16)

    def long(self):
        return self._to(_dtype.int64)

    def int(self):
        return self._to(_dtype.int32)

    def short(self):
        return self._to(_dtype.int16)

    def char(self):
        return self._to(_dtype.int8)

    def byte(self):
        return self._to(_dtype.uint8)

    def bool(self):
        return self._to(_dtype.bool)

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:  # uint16/32/64 have no legacy class
            legacy = LEGACY_STORAGES.get(self.dtype)
            return "torch." + legacy.__name__ if legacy else "torch.storage.TypedStorage"
        if isinstance(dtype, _LegacyStorageMeta):
            return self._to(dtype.dtype)
        return self._to(_dtype.to_dtype(dtype))

    def pickle_storage_type(self):
        if self.dtype not in LEGACY_STORAGES:
            raise KeyError(f"dtype {self.dtype} is not recognized")
        return legacy_storage_name(self.dtype)

    def resize_(self, size):
        self._untyped_storage.resize_(size * self.dtype.itemsize)
        self._array = self._untyped_storage._array.view(self.dtype.np)
        return self

    def share_memory_(self):
        self._untyped_storage.share_memory_()
        self._array = self._untyped_storage._array.view(self.dtype.np)
        return self

    @classmethod
    def from_file(cls, filename, shared=False, size=0):
        d = cls._fixed_dtype or _dtype.get_default_dtype()
        return TypedStorage(wrap_storage=UntypedStorage.from_file(filename, shared,
                                                                  size * d.itemsize),
                            dtype=d, _internal=True)

    @classmethod
    def from_buffer(cls, buffer, byte_order="native", count=-1, offset=0, dtype=None):
        d = _dtype.to_dtype(dtype) if dtype is not None else cls._fixed_dtype
        if d is None:
            raise RuntimeError("from_buffer: must specify a 'dtype' argument")
        return TypedStorage(wrap_storage=UntypedStorage._wrap(
            np.frombuffer(buffer, d.np, count, offset).copy().view(np.uint8)), dtype=d,
            _internal=True)

    def __repr__(self):
        return (f"{self._body()}\n[torch.storage.TypedStorage(dtype={self.dtype}, "
                f"device={self.device}) of size {len(self)}]")

    __str__ = __repr__


def legacy_storage_name(d):
    return _dtype.type_word(d) + "Storage"


def _legacy_storage_class(d):
    name = legacy_storage_name(d)
    return _LegacyStorageMeta(name, (TypedStorage,), {"__slots__": (), "_fixed_dtype": d,
                                                    "dtype": d, "__module__": "learntorch"})


LEGACY_STORAGES = {d: _legacy_storage_class(d) for d in _dtype.ALL}


def is_storage(obj):
    return isinstance(obj, _StorageBase)


StorageBase = _StorageBase  # torch.StorageBase: what every storage class derives from


# -- Tensor methods -----------------------------------------------------------------------------
def untyped_storage(self):
    """The bytes this tensor (and every view of its memory) looks into."""
    return UntypedStorage._wrap(_bytes_of(self._array))


def storage(self):
    """``untyped_storage`` read as this tensor's dtype (torch's deprecated TypedStorage)."""
    _warn_typed_storage_removal()
    return untyped_storage(self)._typed(self.dtype)


def storage_type(self):
    """The legacy storage class of this dtype (None for uint16/32/64, which have none)."""
    return LEGACY_STORAGES.get(self.dtype)


def _check_in_place(self):
    from ._tensor import _State
    if self._requires_grad and self._grad_fn is None and _State.enabled:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")


def _bump(self, array):
    self._array = array
    self._version_counter[0] += 1
    return self


def set_(self, source=None, storage_offset=None, size=None, stride=None):
    """Make this tensor look into ``source``'s memory: ``set_()`` (nothing), ``set_(tensor)``,
    ``set_(storage)``, or ``set_(storage or tensor, storage_offset, size, stride=None)``."""
    if storage_offset is not None and size is None:
        got = ", ".join(_type_name(a) for a in (source, storage_offset))
        raise TypeError(f"set_() received an invalid combination of arguments - got ({got}), but "
                        "expected one of:")
    _check_in_place(self)
    if source is None:
        return _bump(self, np.zeros(0, self._array.dtype))
    if isinstance(source, Tensor) and storage_offset is None:
        return _bump(self, source._array)
    if isinstance(source, Tensor):  # the offset counts from the tensor's own first element
        storage_offset += source.storage_offset()
        source = untyped_storage(source)._typed(source.dtype)
    if isinstance(source, TypedStorage) and source.dtype is not self.dtype:
        raise RuntimeError(f"Expected a Storage of type {_dtype.type_word(self.dtype).lower()} or "
                           f"an UntypedStorage, but got type {_dtype.type_word(source.dtype)} for "
                           "argument 1 'storage'")
    elements = source.untyped()._array
    usable = elements[:elements.size - elements.size % self._array.itemsize]
    flat = Tensor._make(usable.view(self._array.dtype))
    if size is None:
        size = (flat._array.size,)
    if stride is None:
        stride = _contiguous_strides(size)
    return _bump(self, _rebuild_tensor(flat, storage_offset or 0, size, stride)._array)


def _type_name(value):
    """How torch's argument parser names an argument's type."""
    if isinstance(value, Tensor):
        return "Tensor"
    if isinstance(value, (UntypedStorage, TypedStorage)):
        return "torch.storage." + ("UntypedStorage" if isinstance(value, UntypedStorage)
                                   else "TypedStorage")
    return type(value).__name__


def _contiguous_strides(size):
    strides, step = [], 1
    for n in reversed(tuple(size)):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def resize_(self, *sizes, memory_format=None):
    """Give this tensor a new shape, contiguous from its offset, growing its memory if needed."""
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    from ._tensor import _shape_arg
    shape = _shape_arg(sizes)
    n = int(np.prod(shape))
    old = _bytes_of(self._array)
    itemsize = self._array.itemsize
    start = _address(self._array) - _address(old) if old.size else 0
    if start + n * itemsize > old.size:  # torch grows the storage and keeps its bytes
        grown = np.zeros(start + n * itemsize, np.uint8)
        grown[:old.size] = old
        old = grown
    return _bump(self, np.ndarray(shape, self._array.dtype, old, start))


def resize_as_(self, the_template, *, memory_format=None):
    return resize_(self, the_template.shape)


def is_set_to(self, tensor):
    """Same memory, offset, shape and strides."""
    a, b = self._array, tensor._array
    return (_address(a) == _address(b) and a.shape == b.shape and a.strides == b.strides
            and a.dtype == b.dtype and _address(_bytes_of(a)) == _address(_bytes_of(b)))


def share_memory_(self):
    """Move this tensor's memory into shared memory that child processes can map."""
    if not isinstance(self._array, np.ndarray) or shared_memory_of(self._array) is not None:
        return self
    old = _bytes_of(self._array)
    new = shared_bytes(old.size)
    new[...] = old
    self._array = _view_on(new, self._array, old)
    return self


def is_shared(self):
    return isinstance(self._array, np.ndarray) and shared_memory_of(self._array) is not None


@property
def nbytes(self):
    return self._array.nbytes


@property
def itemsize(self):
    return self._array.itemsize


TENSOR_METHODS = {"untyped_storage": untyped_storage, "storage": storage,
                  "storage_type": storage_type, "set_": set_, "resize_": resize_,
                  "resize_as_": resize_as_, "is_set_to": is_set_to,
                  "share_memory_": share_memory_, "is_shared": is_shared, "nbytes": nbytes,
                  "itemsize": itemsize}
for _name, _method in TENSOR_METHODS.items():
    setattr(Tensor, _name, _method)


# -- tensors from raw memory --------------------------------------------------------------------
_warned_readonly = False  # torch warns about a read-only buffer once per process


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor sharing ``buffer``'s memory (Python's buffer protocol)."""
    d = _dtype.to_dtype(dtype)
    view = memoryview(buffer)
    length = view.nbytes
    if length <= 0 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than "
                         f"buffer length ({length} bytes) minus 1")
    if count < 0 and (length - offset) % d.itemsize:
        raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} bytes) "
                         f"must be a multiple of element size ({d.itemsize})")
    if count > 0 and count * d.itemsize > length - offset:
        raise ValueError(f"requested buffer length ({count} * {d.itemsize} bytes) after offset "
                         f"({offset} bytes) must not be greater than actual buffer length "
                         f"({length} bytes)")
    global _warned_readonly
    if view.readonly and not _warned_readonly:
        _warned_readonly = True
        warnings.warn("The given buffer is not writable, and PyTorch does not support non-writable "
                      "tensors. This means you can write to the underlying (supposedly "
                      "non-writable) buffer using the tensor. You may want to copy the buffer to "
                      "protect its data "
                      "or make it writable before converting it to a tensor. This type of warning "
                      "will be suppressed for the rest of this program.", UserWarning, stacklevel=2)
    out = Tensor._make(np.frombuffer(buffer, d.np, count, offset))
    if requires_grad:
        out.requires_grad_()
    return out


def from_file(filename, shared=None, size=0, *, dtype=None, layout=None, device=None,
              pin_memory=False, requires_grad=False):
    """``size`` elements of ``filename`` as a tensor: a private copy unless ``shared=True``,
    where writes go to the file."""
    d = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
    out = Tensor._make(_map_file(filename, bool(shared), size * d.itemsize).view(d.np))
    if requires_grad:
        out.requires_grad_()
    return out
