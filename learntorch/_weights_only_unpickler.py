"""The unpickler ``load(weights_only=True)`` uses: it can build tensors, never run code.

A pickle is a little program: ``GLOBAL os system`` fetches a function, ``REDUCE`` calls it.
Python's unpickler runs whatever the file says.  This one (a port of torch's
``_weights_only_unpickler``, with learntorch's objects behind torch's names) reads the
opcodes itself and fetches only allowlisted globals: the tensor rebuild functions, storage
types, dtypes, ``torch.Size``/``device``, ``Parameter``, ``OrderedDict``/``Counter``, ``set``,
``bytearray``, ``complex``, ``_codecs.encode`` (how protocol 2 writes ``bytes``) and what the
user allowlisted with ``add_safe_globals``.  Anything else stops the load before it is called.
"""
import codecs
import warnings
from collections import Counter, OrderedDict
from pickle import (APPEND, APPENDS, BINFLOAT, BINGET, BININT, BININT1, BININT2, BINPERSID,
                    BINPUT, BINUNICODE, BUILD, EMPTY_DICT, EMPTY_LIST, EMPTY_SET, EMPTY_TUPLE,
                    GLOBAL, LONG1, LONG_BINGET, LONG_BINPUT, MARK, NEWFALSE, NEWOBJ, NEWTRUE, NONE,
                    PROTO, REDUCE, SETITEM, SETITEMS, SHORT_BINSTRING, STOP, TUPLE, TUPLE1,
                    TUPLE2, TUPLE3, UnpicklingError, decode_long)
from struct import unpack
from sys import maxsize

from . import _utils
from ._tensor import Tensor

# Never allowed, even when a user allowlists something from them.
_BLOCKLISTED_MODULES = ("sys", "os", "posix", "nt")

_marked_safe_globals_set = set()


def _add_safe_globals(safe_globals):
    global _marked_safe_globals_set
    _marked_safe_globals_set = _marked_safe_globals_set.union(set(safe_globals))


def _get_safe_globals():
    return list(_marked_safe_globals_set)


def _clear_safe_globals():
    global _marked_safe_globals_set
    _marked_safe_globals_set = set()


def _remove_safe_globals(globals_to_remove):
    global _marked_safe_globals_set
    _marked_safe_globals_set = _marked_safe_globals_set - set(globals_to_remove)


class _safe_globals:
    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        _add_safe_globals(self.safe_globals)

    def __exit__(self, type, value, tb):
        _remove_safe_globals(self.safe_globals)


def _get_user_allowed_globals():
    rc = {}
    for f in _marked_safe_globals_set:
        if isinstance(f, tuple):
            if len(f) != 2:
                raise ValueError(f"Expected tuple of length 2 (global, str of callable full path), "
                                 f"but got tuple of length: {len(f)}")
            if type(f[1]) is not str:
                raise TypeError(f"Expected second item in tuple to be str of callable full path, "
                                f"but got: {type(f[1])}")
            f, name = f
            rc[name] = f
        else:
            rc[f"{f.__module__}.{f.__qualname__}"] = f
    return rc


_PYTHON_GLOBALS = {
    "collections.OrderedDict": OrderedDict,
    "collections.Counter": Counter,
    "_codecs.encode": codecs.encode,  # for bytes
    "builtins.bytearray": bytearray,
    "builtins.set": set,
    "builtins.complex": complex,
}

# Python 2 names a protocol-2 pickle may use (the easy part of CPython's _compat_pickle).
IMPORT_MAPPING = {"__builtin__": "builtins", "copy_reg": "copyreg", "Queue": "queue",
                  "repr": "reprlib", "_abcoll": "collections.abc", "UserDict": "collections",
                  "UserList": "collections", "UserString": "collections", "whichdb": "dbm",
                  "StringIO": "io", "cStringIO": "io"}
NAME_MAPPING = {
    ("__builtin__", "xrange"): ("builtins", "range"),
    ("__builtin__", "reduce"): ("functools", "reduce"),
    ("__builtin__", "intern"): ("sys", "intern"),
    ("__builtin__", "unichr"): ("builtins", "chr"),
    ("__builtin__", "unicode"): ("builtins", "str"),
    ("__builtin__", "long"): ("builtins", "int"),
    ("itertools", "izip"): ("builtins", "zip"),
    ("itertools", "imap"): ("builtins", "map"),
    ("itertools", "ifilter"): ("builtins", "filter"),
    ("itertools", "ifilterfalse"): ("itertools", "filterfalse"),
    ("itertools", "izip_longest"): ("itertools", "zip_longest"),
    ("UserDict", "IterableUserDict"): ("collections", "UserDict"),
    ("UserList", "UserList"): ("collections", "UserList"),
    ("UserString", "UserString"): ("collections", "UserString"),
    ("__builtin__", "basestring"): ("builtins", "str"),
    ("exceptions", "StandardError"): ("builtins", "Exception"),
    ("UserDict", "UserDict"): ("collections", "UserDict"),
}


def _allowed_global(full_path):
    """The object an allowed global names, or None."""
    if full_path in _PYTHON_GLOBALS:
        return _PYTHON_GLOBALS[full_path]
    target = _utils.torch_global(full_path)  # raises for torch names learntorch cannot build
    if target is not None:
        return target
    return _get_user_allowed_globals().get(full_path)


def _is_allowed_value(obj):
    return any(obj is v for v in _PYTHON_GLOBALS.values()) or \
        any(obj is v for v in _utils.torch_globals().values()) or \
        any(obj is v for v in _get_user_allowed_globals().values())


def _read_global_instruction(readline):
    module = readline()[:-1].decode("utf-8")
    name = readline()[:-1].decode("utf-8")
    if (module, name) in NAME_MAPPING:
        module, name = NAME_MAPPING[(module, name)]
    elif module in IMPORT_MAPPING:
        module = IMPORT_MAPPING[module]
    return module, name


def _unsupported_global_message(full_path):
    if full_path.startswith("builtins"):  # torch shows builtins.exec as plain `exec`
        rest = full_path[len("builtins"):]
        full_path = rest[1:] if rest.startswith(".") else "builtins" + rest
    return (f"Unsupported global: GLOBAL {full_path} was not an allowed global by default. "
            f"Please use `torch.serialization.add_safe_globals([{full_path}])` or the "
            f"`torch.serialization.safe_globals([{full_path}])` context manager to allowlist this "
            "global if you trust this class/function.")


def get_globals_in_pkl(file):
    """Every ``module.name`` a protocol-2 pickle fetches, found without running any of it."""
    globals_in_checkpoint = set()
    while True:
        key = file.read(1)
        if not key:
            raise EOFError
        if key == GLOBAL:
            module, name = _read_global_instruction(file.readline)
            globals_in_checkpoint.add(f"{module}.{name}")
        elif key in _ARGUMENT_BYTES:
            file.read(_ARGUMENT_BYTES[key])
        elif key == BINUNICODE:
            strlen = unpack("<I", file.read(4))[0]
            if strlen > maxsize:
                raise UnpicklingError("String is too long")
            file.read(strlen)
        elif key in (SHORT_BINSTRING, LONG1):  # a length byte, then the data
            file.read(file.read(1)[0])
        elif key == PROTO:
            file.read(1)
        elif key == STOP:
            return globals_in_checkpoint
        else:
            raise UnpicklingError(f"Unsupported operand {key[0]}")


# Opcodes whose argument has a fixed size: how many bytes to skip when only scanning.
_ARGUMENT_BYTES = {
    **dict.fromkeys((NEWOBJ, REDUCE, BUILD, APPEND, APPENDS, SETITEM, SETITEMS, MARK, TUPLE,
                     TUPLE1, TUPLE2, TUPLE3, NONE, NEWFALSE, NEWTRUE, EMPTY_TUPLE, EMPTY_LIST,
                     EMPTY_DICT, EMPTY_SET, BINPERSID), 0),
    BININT: 4, BININT1: 1, BININT2: 2, BINFLOAT: 8, BINGET: 1, LONG_BINGET: 4, BINPUT: 1,
    LONG_BINPUT: 4,
}


class Unpickler:
    """Reads the opcodes torch.save's protocol 2 writes; any other opcode is refused."""

    def __init__(self, file, *, encoding="bytes"):
        self.encoding = encoding
        self.readline = file.readline
        self.read = file.read
        self.memo = {}
        self.proto = -1

    def load(self):
        self.metastack = []
        self.stack = []
        while True:
            key = self.read(1)
            if not key:
                raise EOFError
            op = _OPS.get(key)
            if op is None:
                raise UnpicklingError(f"Unsupported operand {key[0]}")
            if op(self):  # STOP
                return self.stack.pop()

    # -- the risky opcodes: fetching and calling ---------------------------------------------
    def _global(self):
        module, name = _read_global_instruction(self.readline)
        full_path = f"{module}.{name}"
        if module in _BLOCKLISTED_MODULES:
            raise UnpicklingError(f"Trying to load unsupported GLOBAL {full_path} whose module "
                                  f"{module} is blocked.")
        target = _allowed_global(full_path)
        if target is None:
            raise UnpicklingError(_unsupported_global_message(full_path))
        self.stack.append(target)

    def _newobj(self):
        from .nn.parameter import Parameter
        args = self.stack.pop()
        cls = self.stack.pop()
        if cls is Parameter:
            self.stack.append(Parameter(*args))
        elif _is_allowed_value(cls):
            self.stack.append(cls.__new__(cls, *args))
        else:
            raise UnpicklingError("Can only create new object for nn.Parameter or classes "
                                  f"allowlisted via `add_safe_globals` but got {cls}")

    def _reduce(self):
        args = self.stack.pop()
        func = self.stack[-1]
        if not _is_allowed_value(func):
            message = f"Trying to call reduce for unrecognized function {func}"
            if hasattr(func, "__self__"):
                message += f" which belongs to {func.__self__}"
            raise UnpicklingError(message)
        self.stack[-1] = func(*args)

    def _build(self):
        from .nn.parameter import Parameter
        state = self.stack.pop()
        inst = self.stack[-1]
        if type(inst) is OrderedDict:
            inst.__dict__.update(state)
        elif type(inst) in (Tensor, Parameter):
            if isinstance(state, tuple) and len(state) == 4:  # legacy: set_(storage, offset, ...)
                inst._array = _utils._rebuild_tensor(*state)._array
            else:
                _utils._set_obj_state(inst, state)
        elif _is_allowed_value(type(inst)):
            if hasattr(inst, "__setstate__"):
                inst.__setstate__(state)
            else:
                _utils._set_obj_state(inst, state)
        else:
            raise UnpicklingError("Can only build Tensor, Parameter, OrderedDict or types "
                                  f"allowlisted via `add_safe_globals`, but got {type(inst)}")

    def _binpersid(self):
        pid = self.stack.pop()
        if type(pid) is not tuple and type(pid) is not int:
            raise UnpicklingError(f"persistent_load id must be tuple or int, but got {type(pid)}")
        if type(pid) is tuple and len(pid) > 0 and _decode_ascii(pid[0]) != "storage":
            raise UnpicklingError(f"Only persistent_load of storage is allowed, but got "
                                  f"{type(pid[0])}")
        self.stack.append(self.persistent_load(pid))

    def persistent_load(self, pid):
        raise UnpicklingError("unsupported persistent id encountered")

    # -- containers ----------------------------------------------------------------------------
    def _append(self):
        item = self.stack.pop()
        if type(self.stack[-1]) is not list:
            raise UnpicklingError(f"Can only append to lists, but got {type(self.stack[-1])}")
        self.stack[-1].append(item)

    def _appends(self):
        items = self._pop_mark()
        if type(self.stack[-1]) is not list:
            raise UnpicklingError(f"Can only extend lists, but got {type(self.stack[-1])}")
        self.stack[-1].extend(items)

    def _setitem(self):
        v, k = self.stack.pop(), self.stack.pop()
        self._check_set_item_target("SETITEM")
        self.stack[-1][k] = v

    def _setitems(self):
        items = self._pop_mark()
        self._check_set_item_target("SETITEMS")
        for i in range(0, len(items), 2):
            self.stack[-1][items[i]] = items[i + 1]

    def _check_set_item_target(self, opcode):
        if type(self.stack[-1]) not in (dict, OrderedDict, Counter):
            raise UnpicklingError(f"Can only {opcode} for dict, collections.OrderedDict, "
                                  f"collections.Counter, but got {type(self.stack[-1])}")

    def _mark(self):
        self.metastack.append(self.stack)
        self.stack = []

    def _pop_mark(self):
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def _tuple(self):
        items = self._pop_mark()  # (before self.stack names the outer stack again)
        self.stack.append(tuple(items))

    # -- values --------------------------------------------------------------------------------
    def _binunicode(self):
        strlen = unpack("<I", self.read(4))[0]
        if strlen > maxsize:
            raise UnpicklingError("String is too long")
        self.stack.append(str(self.read(strlen), "utf-8", "surrogatepass"))

    def _short_binstring(self):
        data = self.read(self.read(1)[0])
        self.stack.append(data.decode(self.encoding, "strict") if self.encoding != "bytes"
                          else data)

    def _long1(self):
        self.stack.append(decode_long(self.read(self.read(1)[0])))

    def _get(self, index):
        self.stack.append(self.memo[index])

    def _put(self, index):
        if index < 0:
            raise ValueError("negative argument")
        self.memo[index] = self.stack[-1]

    def _proto(self):
        self.proto = self.read(1)[0]
        if self.proto != 2:
            warnings.warn(
                f"Detected pickle protocol {self.proto} in the checkpoint, which was not the "
                "default pickle protocol used by `torch.load` (2). The weights_only Unpickler "
                "might not support all instructions implemented by this protocol, please file an "
                "issue for adding support if you encounter this.", stacklevel=4)

    def _stop(self):
        return True


def _decode_ascii(s):
    return s.decode("ascii") if isinstance(s, bytes) else s


def _tuple_n(n):
    def op(self):
        self.stack[-n:] = [tuple(self.stack[-n:])]
    return op


def _push(value):
    """An opcode that pushes ``value`` (a fresh one each time when it is a type: list, dict)."""
    return lambda self: self.stack.append(value() if isinstance(value, type) else value)


def _unpack(fmt, size):
    return lambda self: self.stack.append(unpack(fmt, self.read(size))[0])


_U = Unpickler
_OPS = {  # opcode -> what it does; an opcode missing here is refused
    GLOBAL: _U._global, NEWOBJ: _U._newobj, REDUCE: _U._reduce, BUILD: _U._build,
    BINPERSID: _U._binpersid,
    APPEND: _U._append, APPENDS: _U._appends, SETITEM: _U._setitem, SETITEMS: _U._setitems,
    MARK: _U._mark, TUPLE: _U._tuple, TUPLE1: _tuple_n(1), TUPLE2: _tuple_n(2),
    TUPLE3: _tuple_n(3),
    NONE: _push(None), NEWFALSE: _push(False), NEWTRUE: _push(True), EMPTY_TUPLE: _push(()),
    EMPTY_LIST: _push(list), EMPTY_DICT: _push(dict), EMPTY_SET: _push(set),
    BININT: _unpack("<i", 4), BININT1: _unpack("<B", 1), BININT2: _unpack("<H", 2),
    BINFLOAT: _unpack(">d", 8),
    BINUNICODE: _U._binunicode, SHORT_BINSTRING: _U._short_binstring, LONG1: _U._long1,
    BINGET: lambda self: self._get(self.read(1)[0]),
    LONG_BINGET: lambda self: self._get(unpack("<I", self.read(4))[0]),
    BINPUT: lambda self: self._put(self.read(1)[0]),
    LONG_BINPUT: lambda self: self._put(unpack("<I", self.read(4))[0]),
    PROTO: _U._proto, STOP: _U._stop,
}
