"""``save``/``load`` in torch's own file format, with torch's rules for what may be loaded.

A checkpoint is a zip archive (records uncompressed, each aligned to 64 bytes)::

    <name>/data.pkl                 the object, pickled (protocol 2)
    <name>/.format_version  .storage_alignment  byteorder
    <name>/data/0, data/1, ...      the raw bytes of each storage, one record per storage
    <name>/version  .data/serialization_id

Inside ``data.pkl`` a tensor is ``torch._utils._rebuild_tensor_v2(storage, offset, size,
stride, requires_grad, hooks)`` and each storage is a *persistent id*
``('storage', torch.FloatStorage, key, location, numel)`` pointing at its record.  Views of
one tensor's memory are saved as one storage with offsets and strides, so they share memory
again after loading.  learntorch writes these names without importing torch, so torch loads
learntorch's files and learntorch loads torch's.

Unpickling runs code, so ``load`` is ``weights_only=True`` by default, as in torch 2.6+:
a restricted unpickler builds tensors, numbers, strings and containers and refuses any other
global.  ``weights_only=False`` (or ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1``) unpickles fully;
do it only for files you trust.  Archives written by learntorch before it used torch's format
(``structure.json`` + ``.npy``) still load, and so do files in torch's legacy pre-1.6 format
(not the even older tar archives of torch < 0.4).
"""
import collections
import hashlib
import io
import json
import os
import pickle
import struct
import sys
import warnings
import zipfile
import zlib

import numpy as np

from . import _device, _dtype, _utils
from . import _weights_only_unpickler
from ._tensor import Size, Tensor, _host
from ._weights_only_unpickler import _safe_globals

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals",
           "safe_globals", "get_unsafe_globals_in_checkpoint", "DEFAULT_PROTOCOL"]

DEFAULT_PROTOCOL = 2
MAGIC_NUMBER = 0x1950A86A20F9469CFC6C  # torch's legacy (pre-1.6) format starts with it
_LEGACY_PROTOCOL_VERSION = 1001
_ALIGNMENT = 64

UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` "
    "from `False` to `True`. Re-running `torch.load` with `weights_only` set to `False` will "
    "likely succeed, but it can result in arbitrary code execution. Do it only if you got the "
    "file from a trusted source.")
_DOCS_MESSAGE = (
    "\n\nCheck the documentation of torch.load to learn more about types accepted by default "
    "with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


# -- the safe-globals allowlist (torch.serialization's API) --------------------------------------
def add_safe_globals(safe_globals):
    """Allow these classes/functions (or ``(obj, "module.name")`` pairs) when weights_only."""
    _weights_only_unpickler._add_safe_globals(safe_globals)


def get_safe_globals():
    return _weights_only_unpickler._get_safe_globals()


def clear_safe_globals():
    _weights_only_unpickler._clear_safe_globals()


class safe_globals(_safe_globals):
    """``with safe_globals([MyClass]): load(f)`` allows ``MyClass`` inside the block only."""


def get_unsafe_globals_in_checkpoint(f):
    """The globals of a checkpoint that ``weights_only=True`` would refuse; nothing is run."""
    safe = set(_weights_only_unpickler._PYTHON_GLOBALS) | set(_utils.torch_globals()) | \
        set(_weights_only_unpickler._get_user_allowed_globals())
    with _open_file(f) as file:
        if not _is_zipfile(file):
            raise ValueError("Expected input to be a checkpoint returned by torch.save")
        with zipfile.ZipFile(file) as archive:
            data = io.BytesIO(_Reader(archive, None, None)._record("data.pkl"))
            return list(_weights_only_unpickler.get_globals_in_pkl(data) - safe)


# -- save ------------------------------------------------------------------------------------------
class _TorchName:
    """A global of torch's (``torch._utils._rebuild_tensor_v2``), pickled by its name only."""

    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle wants a callable; torch's function is the real one
        raise TypeError(f"{self.module}.{self.name} is torch's; learntorch only writes its name")


_REBUILD_TENSOR_V2 = _TorchName("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = _TorchName("torch._utils", "_rebuild_parameter")
_REBUILD_PARAMETER_WITH_STATE = _TorchName("torch._utils", "_rebuild_parameter_with_state")
_REBUILD_FROM_TYPE_V2 = _TorchName("torch._tensor", "_rebuild_from_type_v2")
_TORCH_TENSOR = _TorchName("torch", "Tensor")
_TORCH_SIZE = _TorchName("torch", "Size")
_TORCH_DEVICE = _TorchName("torch", "device")
_TORCH_DTYPES = {d: _TorchName("torch", d.name) for d in _dtype.ALL}
_STORAGE_TYPES = {d: _TorchName("torch", _utils.storage_type_name(d)) for d in _dtype.ALL}


class _StorageRef:
    """Stands for one storage record while pickling; ``persistent_id`` turns it into its id."""

    __slots__ = ("fields",)

    def __init__(self, *fields):
        self.fields = fields  # storage type, key, location, numel

    def pid(self):
        """A new tuple each time, as torch makes: the pickle then matches torch's byte for byte."""
        return ("storage",) + self.fields


class _Storages:
    """The storages a pickle refers to: one record per block of memory, shared by its views."""

    def __init__(self):
        self.records = {}   # key -> uint8 array of the storage's bytes
        self._refs = {}     # (address, nbytes) -> (_StorageRef, dtype)

    def view_of(self, tensor):
        """(storage ref, offset, stride) that rebuild ``tensor``'s view of its memory."""
        array = tensor._array
        location = str(tensor.device)
        if not isinstance(array, np.ndarray):  # GPU arrays come to the host, each on its own
            array = _host(array)
        block = _memory_block(array)
        strides = _element_strides(array)
        if block is not None and strides is not None:
            offset = _address(array) - _address(block)
            if offset % array.itemsize == 0 and block.nbytes % array.itemsize == 0:
                return self._ref(block, tensor.dtype, location), offset // array.itemsize, strides
        own = np.ascontiguousarray(array)
        return self._ref(own.reshape(-1).view(np.uint8), tensor.dtype, location), 0, \
            _element_strides(own)

    def _ref(self, block, dtype, location):
        identity = (_address(block), block.nbytes) if block.nbytes else id(block)
        if identity in self._refs:
            ref, saved_dtype = self._refs[identity]
            if saved_dtype is not dtype:
                raise RuntimeError("Cannot save multiple tensors or storages that view the same "
                                   "data as different types")
            return ref
        key = str(len(self.records))
        self.records[key] = block
        ref = _StorageRef(_STORAGE_TYPES[dtype], key, location, block.nbytes // dtype.itemsize)
        self._refs[identity] = (ref, dtype)
        return ref


def _address(array):
    return array.__array_interface__["data"][0]


def _memory_block(array):
    """The whole memory ``array`` views, as a flat uint8 array, or None if not one plain block."""
    root = array
    while True:
        base = root.base
        if isinstance(base, np.ndarray):
            root = base
        elif isinstance(getattr(base, "base", None), np.ndarray):  # as_strided's DummyArray
            root = base.base
        else:
            break
    if root.size == 0:
        return None
    if root.flags.c_contiguous:
        return root.reshape(-1).view(np.uint8)
    if root.flags.f_contiguous:
        return root.T.reshape(-1).view(np.uint8)
    return None


def _element_strides(array):
    """Strides in elements, as torch keeps them; None when torch cannot express them."""
    strides = []
    for n, s in zip(array.shape, array.strides):
        if n <= 1:
            s = max(s, 0) // array.itemsize * array.itemsize  # any stride does for length 1
        if s < 0 or s % array.itemsize:
            return None
        strides.append(s // array.itemsize)
    return tuple(strides)


def _object_state(tensor):
    """The Python attributes a user set on ``tensor`` (learntorch's own bookkeeping left out)."""
    return {k: v for k, v in tensor.__dict__.items() if not hasattr(type(tensor), k)}


class _TorchPickler(pickle._Pickler):
    """Python's pickler, taught to write tensors, dtypes, sizes and devices under torch's names.

    The pure-Python pickler is used because its dispatch table can be taught to write a global by
    name: the C pickler would import ``torch`` to check that the name exists.
    """

    def __init__(self, file, protocol, storages):
        from .nn.parameter import Parameter, UninitializedTensorMixin  # (nn imports serialization)
        super().__init__(file, protocol)
        self.storages = storages
        self.parameter, self.lazy = Parameter, UninitializedTensorMixin

    def persistent_id(self, obj):
        return obj.pid() if type(obj) is _StorageRef else None

    def save_torch_name(self, obj):
        """Write ``torch.float32`` or ``torch._utils._rebuild_tensor_v2`` as a GLOBAL opcode."""
        name = _TORCH_DTYPES[obj] if type(obj) is _dtype.dtype else obj
        if self.proto >= 4:
            self.save(name.module)
            self.save(name.name)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + f"{name.module}\n{name.name}\n".encode("utf-8"))
        self.memoize(obj)

    dispatch = {**pickle._Pickler.dispatch, _TorchName: save_torch_name,
                _dtype.dtype: save_torch_name}

    def reducer_override(self, obj):
        if isinstance(obj, Tensor) and not isinstance(obj, self.lazy):
            state = _object_state(obj)
            if isinstance(obj, self.parameter):
                data, args = obj.detach(), (obj.requires_grad, collections.OrderedDict())
                if state:
                    return _REBUILD_PARAMETER_WITH_STATE, (data,) + args + (state,)
                return _REBUILD_PARAMETER, (data,) + args
            storage, offset, stride = self.storages.view_of(obj)
            args = (storage, offset, tuple(obj.shape), stride, obj.requires_grad,
                    collections.OrderedDict())
            if type(obj) is Tensor and not state:
                return _REBUILD_TENSOR_V2, args
            new_type = _TORCH_TENSOR if type(obj) is Tensor else type(obj)
            return _REBUILD_FROM_TYPE_V2, (_REBUILD_TENSOR_V2, new_type, args, state)
        if type(obj) is Size:
            return _TORCH_SIZE, (tuple(obj),)
        if type(obj) is _device.device:
            return _TORCH_DEVICE, (obj.type,) if obj.index is None else (obj.type, obj.index)
        return NotImplemented


def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """Write ``obj`` (anything picklable) to ``f`` (a path or a binary file) as torch.save does.

    Python's own pickler always does the pickling (``pickle_module`` is accepted for torch's
    signature): it is the one that can write torch's names without importing torch.
    """
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("learntorch.save writes only torch's zip format "
                                  "(_use_new_zipfile_serialization=True)")
    if isinstance(f, (str, os.PathLike)):
        parent = os.path.dirname(os.fspath(f))
        if parent and not os.path.isdir(parent):
            raise RuntimeError(f"Parent directory {parent} does not exist.")
    storages = _Storages()
    data = io.BytesIO()
    _TorchPickler(data, pickle_protocol, storages).dump(obj)
    records = [("data.pkl", data.getvalue()), (".format_version", b"1"),
               (".storage_alignment", str(_ALIGNMENT).encode())]
    if not _disable_byteorder_record:
        records.append(("byteorder", sys.byteorder.encode()))
    records += [(f"data/{key}", block) for key, block in storages.records.items()]
    records.append(("version", b"3\n"))
    _write_archive(f, _archive_name(f), records)


def _archive_name(f):
    """torch names the archive's folder after the file (``model.pt`` -> ``model``)."""
    if isinstance(f, (str, os.PathLike)):
        return os.path.splitext(os.path.basename(os.fspath(f)))[0]
    return "archive"


def _write_archive(f, name, records):
    crcs = []
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as archive:
        for record, data in records:
            crcs.append(_write_record(archive, f"{name}/{record}", data))
        digest = hashlib.sha256(struct.pack(f"<{len(crcs)}I", *crcs)).digest()
        serialization_id = "".join(f"{int.from_bytes(digest[i:i + 8], 'little'):020d}"
                                   for i in (0, 8))
        _write_record(archive, f"{name}/.data/serialization_id", serialization_id.encode())


def _write_record(archive, name, data):
    """Write one uncompressed record whose data starts on a 64-byte boundary, as torch does.

    Returns the record's CRC-32 (zipfile computes it while writing)."""
    data = memoryview(data).cast("B")
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    zip64 = data.nbytes * 1.05 > zipfile.ZIP64_LIMIT
    header = 30 + len(name.encode("utf-8")) + (20 if zip64 else 0) + 4
    pad = -(archive.fp.tell() + header) % _ALIGNMENT
    info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
    info.file_size = data.nbytes
    with archive.open(info, "w", force_zip64=zip64) as out:
        out.write(data)
    return info.CRC


# -- load ------------------------------------------------------------------------------------------
def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Read what ``torch.save`` (or ``learntorch.save``) wrote, following torch.load's rules.

    ``map_location``: a device or device string for every storage, a dict from the saved
    location tag (``'cpu'``, ``'cuda:0'``) to another, or ``fn(storage, location)`` returning
    the storage to use (or None for the default).  ``mmap=True`` maps the file's storages
    copy-on-write instead of reading them (``f`` must then be a path).
    """
    weights_only = _weights_only_setting(weights_only, pickle_module)
    if weights_only:
        if pickle_module is not None:
            raise RuntimeError("Can not safely load weights when explicit pickle_module is "
                               "specified")
    elif pickle_module is None:
        pickle_module = pickle
    if pickle_load_args and weights_only:
        warnings.warn("pickle_load_args only works if `weights_only=False`.", stacklevel=2)
    pickle_load_args.setdefault("encoding", "utf-8")
    with _open_file(f) as file:
        if not _is_zipfile(file):
            if mmap:
                name = f"{f}, " if isinstance(f, str) else ""
                raise RuntimeError(
                    "mmap can only be used with files saved with `torch.save("
                    f"{name}_use_new_zipfile_serialization=True), please torch.save your "
                    "checkpoint with this option in order to use mmap.")
            return _load_non_zip(file, weights_only, pickle_module, map_location,
                                 pickle_load_args)
        if mmap and not isinstance(f, (str, os.PathLike)):
            raise ValueError("f must be a file path in order to use the mmap argument")
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            if "structure.json" in names:
                return _load_learntorch_v1(archive, map_location)
            reader = _Reader(archive, os.fspath(f) if mmap else None, map_location)
            if not weights_only:
                return reader.unpickle(_full_unpickler(pickle_module), pickle_load_args)
            try:
                return reader.unpickle(_weights_only_unpickler.Unpickler, pickle_load_args)
            except pickle.UnpicklingError as e:
                raise pickle.UnpicklingError(_weights_only_message(str(e))) from None


def _weights_only_setting(weights_only, pickle_module):
    """torch's rule: True unless a pickle_module is given; the environment can force either."""
    not_set = weights_only is None
    if not_set:
        weights_only = pickle_module is None
    true_values = ("1", "y", "yes", "true")
    force = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in true_values
    force_no = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in true_values
    if force and force_no:
        raise RuntimeError("Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or "
                           "`TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` should be set, but both were set.")
    if force:
        return True
    if force_no and not_set:
        warnings.warn("Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the"
                      "`weights_only` argument was not explicitly passed to `torch.load`, forcing "
                      "weights_only=False.", UserWarning, stacklevel=3)
        return False
    return weights_only


def _weights_only_message(message):
    """torch's wording around a refusal of the restricted unpickler."""
    if "was not an allowed global by default" in message:
        return ("Weights only load failed. This file can still be loaded, to do so you have two "
                "options, \033[1mdo those steps only if you trust the source of the "
                f"checkpoint\033[0m. \n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with "
                "`weights_only=True` please check the recommended steps in the following error "
                "message.\n\tWeightsUnpickler error: " + message + _DOCS_MESSAGE)
    updated = f"Weights only load failed. {UNSAFE_MESSAGE}\n"
    if "is blocked" not in message:
        updated += ("Please file an issue with the following so that we can make "
                    "`weights_only=True` compatible with your use case: WeightsUnpickler error: ")
    return updated + "\n\n" + message + _DOCS_MESSAGE


class _open_file:
    """A path is opened (and closed again); a file object is used as it is."""

    def __init__(self, f):
        self.f, self.opened = f, isinstance(f, (str, os.PathLike))

    def __enter__(self):
        self.file = open(self.f, "rb") if self.opened else self.f
        return self.file

    def __exit__(self, *exc):
        if self.opened:
            self.file.close()


def _is_zipfile(file):
    start = file.tell()
    magic = file.read(4)
    file.seek(start)
    return magic == b"PK\x03\x04"


class _Reader:
    """Unpickles ``data.pkl`` of a torch archive, reading each storage record once."""

    def __init__(self, archive, mmap_path, map_location):
        self.archive, self.mmap_path, self.map_location = archive, mmap_path, map_location
        first = archive.namelist()[0]
        self.prefix = first[:first.index("/") + 1] if "/" in first else ""
        for record in ("version", "data.pkl"):
            if self.prefix + record not in archive.namelist():
                raise RuntimeError(
                    f'Expected hasRecord("{record}") to be true, but got false.  (Could this '
                    'error message be improved?  If so, please report an enhancement request '
                    'to PyTorch.)')
        byteorder = self._record("byteorder") if self.prefix + "byteorder" in \
            archive.namelist() else b"little"
        if byteorder not in (b"little", b"big"):
            raise ValueError("Unknown endianness type: " + byteorder.decode())
        self.swap = byteorder.decode() != sys.byteorder
        self.storages = {}

    def _record(self, name):
        return self.archive.read(self.prefix + name)

    def unpickle(self, unpickler_class, pickle_load_args):
        unpickler = unpickler_class(io.BytesIO(self._record("data.pkl")), **pickle_load_args)
        unpickler.persistent_load = self.persistent_load
        return unpickler.load()

    def persistent_load(self, saved_id):
        if not isinstance(saved_id, tuple):
            raise AssertionError(f"saved_id must be a tuple, got {type(saved_id).__name__}")
        typename, storage_type, key, location, numel = saved_id
        if _decode(typename) != "storage":
            raise AssertionError("Unknown typename for persistent_load, expected 'storage' but "
                                 f"got '{_decode(typename)}'")
        if key not in self.storages:
            storage = Tensor._make(self._storage_array(f"data/{key}", storage_type.dtype, numel))
            self.storages[key] = _restore_location(storage, _decode(location), self.map_location)
        return self.storages[key]

    def _storage_array(self, name, dtype, numel):
        info = self.archive.getinfo(self.prefix + name)
        if info.file_size != numel * dtype.itemsize:
            raise RuntimeError(f"learntorch.load: record {name} holds {info.file_size} bytes, "
                               f"expected {numel * dtype.itemsize}")
        if info.compress_type != zipfile.ZIP_STORED:
            with self.archive.open(info) as record:
                array = np.frombuffer(bytearray(record.read()), dtype.np)
        elif self.mmap_path is not None and numel:
            array = np.memmap(self.mmap_path, dtype=dtype.np, mode="c", shape=(numel,),
                              offset=_data_offset(self.archive, info))
        else:  # straight from the file into the array; the checksum guards against corruption
            array = np.empty(numel, dtype.np)
            self.archive.fp.seek(_data_offset(self.archive, info))
            self.archive.fp.readinto(memoryview(array).cast("B"))
            if zlib.crc32(array) != info.CRC:
                raise RuntimeError(f"learntorch.load: record {name} is corrupt (its CRC-32 does "
                                   "not match)")
        return array.byteswap(inplace=True) if self.swap else array


def _data_offset(archive, info):
    """Where a record's bytes start in the file: after its local header, name and extra."""
    archive.fp.seek(info.header_offset)
    header = archive.fp.read(30)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + name_length + extra_length


def _decode(s):
    return s.decode("ascii") if isinstance(s, bytes) else s


def _restore_location(storage, location, map_location):
    """Place a storage (a 1-D tensor on the CPU) where ``map_location`` says, as torch does."""
    if isinstance(map_location, dict):
        location = map_location.get(location, location)
    elif isinstance(map_location, (str, bytes, _device.device)):
        location = _decode(map_location) if isinstance(map_location, bytes) else str(map_location)
    elif map_location is not None:
        result = map_location(storage, location)
        if result is not None:
            return result
    if location == "cpu":
        return storage
    if location.startswith("cuda"):
        if not _device.cuda_available():
            raise RuntimeError(
                "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() "
                "is False. If you are running on a CPU-only machine, please use torch.load with "
                "map_location=torch.device('cpu') to map your storages to the CPU.")
        return storage.to(location)
    raise RuntimeError("don't know how to restore data location of torch.storage.UntypedStorage "
                       f"(tagged with {location})")


def _full_unpickler(pickle_module):
    """``pickle_module``'s Unpickler, reading torch's names as learntorch's objects."""

    class Unpickler(pickle_module.Unpickler):
        def find_class(self, module, name):
            target = _utils.torch_global(f"{module}.{name}")
            if target is not None:
                return target
            if module == "torch" or module.startswith("torch."):  # torch.nn... -> learntorch.nn...
                module = "learntorch" + module[len("torch"):]
            return super().find_class(module, name)

    return Unpickler


def _load_non_zip(file, weights_only, pickle_module, map_location, pickle_load_args):
    """Not a zip: torch's legacy format, read under the same rules as the zip format."""
    if not weights_only:
        return _load_legacy(file, _full_unpickler(pickle_module), map_location, pickle_load_args)
    try:
        return _load_legacy(file, _weights_only_unpickler.Unpickler, map_location,
                            pickle_load_args)
    except pickle.UnpicklingError as e:
        raise pickle.UnpicklingError(_weights_only_message(str(e))) from None


def _load_legacy(file, unpickler_class, map_location, pickle_load_args):
    """torch's format before 1.6: pickles of a magic number, the protocol, system information,
    the object and its storage keys, then each storage's bytes (an int64 count, then the data).

    The tensors are built before their data is read, so each storage is filled in place.
    """
    def next_pickle():
        return unpickler_class(file, **pickle_load_args).load()

    if next_pickle() != MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    protocol_version = next_pickle()
    if protocol_version != _LEGACY_PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {protocol_version}")
    next_pickle()  # the saving machine's byte order and type sizes
    storages = {}  # key -> (array the file's bytes go to, the storage as restored)

    def persistent_load(saved_id):
        typename, data = _decode(saved_id[0]), saved_id[1:]
        if typename == "module":  # a whole module's class, with its source when it was saved
            return data[0]
        if typename != "storage":
            raise RuntimeError(f"Unknown saved id type: {saved_id[0]}")
        storage_type, root_key, location, numel, view_metadata = data
        if root_key not in storages:
            host = np.empty(numel, storage_type.dtype.np)
            storages[root_key] = host, _restore_location(Tensor._make(host), _decode(location),
                                                         map_location)
        storage = storages[root_key][1]
        if view_metadata is not None:
            _, offset, size = view_metadata
            storage = storage[offset:offset + size]
        return storage

    unpickler = unpickler_class(file, **pickle_load_args)
    unpickler.persistent_load = persistent_load
    result = unpickler.load()
    for key in next_pickle():
        host, storage = storages[key]
        file.read(8)  # the element count, which the storage already knows
        memoryview(host).cast("B")[:] = file.read(host.nbytes)
        if storage._array is not host:  # map_location moved it: copy the data after it
            storage._array[...] = _device.move(host, storage.device)
    return result


# -- learntorch's first format: structure.json + one .npy per tensor (read only) -------------------
def _load_learntorch_v1(archive, map_location):
    structure = json.loads(archive.read("structure.json"))
    if structure.get("format") != "learntorch-save-v1":
        raise RuntimeError(f"learntorch.load: unknown format {structure.get('format')!r}")

    def decode(node):
        if "tensor" in node:
            array = np.load(io.BytesIO(archive.read(f"tensors/{node['tensor']}.npy")),
                            allow_pickle=False)
            storage = _restore_location(Tensor._make(array.reshape(-1)), "cpu", map_location)
            t = storage.reshape(array.shape)
            if node.get("parameter"):
                from .nn.parameter import Parameter
                return Parameter(t, requires_grad=node["requires_grad"])
            return t.requires_grad_(node["requires_grad"])
        if "value" in node:
            return node["value"]
        for kind, make in (("dict", dict), ("ordered_dict", collections.OrderedDict)):
            if kind in node:
                return make((decode(k), decode(v)) for k, v in node[kind])
        if "list" in node:
            return [decode(v) for v in node["list"]]
        if "tuple" in node:
            return tuple(decode(v) for v in node["tuple"])
        raise RuntimeError(f"learntorch.load: unknown entry {sorted(node)}")

    return decode(structure["object"])
