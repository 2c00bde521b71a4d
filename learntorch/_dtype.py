"""dtype objects (``learntorch.float32`` …) and torch's type-promotion rules.

A dtype is a thin, immutable name for a NumPy dtype.  Two rules matter most and
differ from NumPy, so they live here, in one place:

* a Python ``float`` next to an integer tensor gives the *default* float dtype
  (float32), never float64;
* 0-d tensors and Python numbers only "win" when they belong to a higher
  category (bool < integer < floating) than the dimensioned operands.
"""
import builtins
import functools

import numpy as np

# The names float/int/bool below are dtypes, as in torch; keep the Python types at hand.
_builtin_float, _builtin_int, _builtin_bool = builtins.float, builtins.int, builtins.bool


class dtype:
    """A tensor element type; ``str(learntorch.float32) == 'torch.float32'``."""

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize")

    def __init__(self, name, np_dtype):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.is_signed = self.np.kind in "fi"
        self.itemsize = self.np.itemsize

    @property
    def is_complex(self):
        return False

    def to_real(self):
        return self

    def to_complex(self):
        """complex64 for float32, complex128 for float64 (the dtypes torch.fft returns)."""
        if self.name == "float64":
            return complex128
        if self.name == "float32":
            return complex64
        raise TypeError(COMPLEX_ONLY_FROM_FFT)

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_lookup, (self.name,))


float16 = half = dtype("float16", np.float16)
float32 = float = dtype("float32", np.float32)
float64 = double = dtype("float64", np.float64)
uint8 = dtype("uint8", np.uint8)
int8 = dtype("int8", np.int8)
int16 = short = dtype("int16", np.int16)
int32 = int = dtype("int32", np.int32)
int64 = long = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)

ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool)

# torch's "limited support" unsigned types: creation, conversion, printing, comparisons for
# equality and bitwise ops; no promotion with other integer types (see ``promote_types``).
# Not in ``ALL``: torch files have no legacy storage class for them.
uint16 = dtype("uint16", np.uint16)
uint32 = dtype("uint32", np.uint32)
uint64 = dtype("uint64", np.uint64)
WIDE_UNSIGNED = (uint16, uint32, uint64)

# The words torch's C++ core uses in messages ("Float", "Long") and its legacy tensor types.
_TYPE_WORDS = {"float16": "Half", "float32": "Float", "float64": "Double", "uint8": "Byte",
               "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long", "bool": "Bool",
               "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64"}


# The C++ scalar type names torch's messages print for a dtype ("float", "long int").
_C_TYPE_NAMES = {"float16": "c10::Half", "float32": "float", "float64": "double",
                 "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
                 "uint8": "unsigned char", "bool": "bool"}


def c_type_name(d):
    """torch's C++ name of a dtype's scalar type: ``double`` for float64, ``long int``."""
    return _C_TYPE_NAMES.get(d.name, d.name)


def type_word(d):
    """torch's word for a dtype in error messages: ``Float`` for float32, ``Long`` for int64."""
    return _TYPE_WORDS[d.name]


def legacy_type_name(d):
    """``torch.FloatTensor`` for float32, as ``Tensor.type()`` prints it."""
    return f"torch.{_TYPE_WORDS[d.name]}Tensor"


class _ComplexDtype(dtype):
    """complex64/complex128: the dtypes of torch.fft's results (learntorch/_complex.py).

    A subclass, so that ``to_dtype``'s fast path (``type(d) is dtype``) never lets one through:
    no other op makes or takes complex tensors, and asking one to raises a clear TypeError.
    """

    __slots__ = ("_real",)

    def __init__(self, name, np_dtype, real):
        super().__init__(name, np_dtype)
        self.is_signed = True
        self._real = real

    @property
    def is_complex(self):
        return True

    def to_real(self):
        return self._real


complex64 = cfloat = _ComplexDtype("complex64", np.complex64, float32)
complex128 = cdouble = _ComplexDtype("complex128", np.complex128, float64)
COMPLEX = (complex64, complex128)
_TYPE_WORDS.update(complex64="ComplexFloat", complex128="ComplexDouble")
COMPLEX_ONLY_FROM_FFT = (
    "learntorch supports complex tensors only as torch.fft results (and view_as_complex, "
    "complex, polar): they offer .real, .imag, .abs(), .angle(), .conj(), .numpy(), indexing, "
    "+ - * / and the torch.fft functions; other ops and complex dtypes elsewhere are not "
    "supported (see README, 'What learntorch leaves out')")

_BY_NAME = {d.name: d for d in ALL + WIDE_UNSIGNED + COMPLEX}
_FROM_NUMPY = {d.np: d for d in ALL + WIDE_UNSIGNED}


def _lookup(name):
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype):
    """The learntorch dtype for a NumPy dtype; TypeError names what is unsupported."""
    try:
        return _FROM_NUMPY[np_dtype]
    except KeyError:
        if np.dtype(np_dtype).kind == "c":
            raise TypeError(f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).name}: "
                            f"{COMPLEX_ONLY_FROM_FFT}") from None
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).name}. The only supported "
            "types are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


def to_dtype(d):
    """Accept a learntorch dtype, a NumPy dtype or a Python type (``float``, ``int``, ``bool``)."""
    if type(d) is dtype:
        return d
    if d is _builtin_float:
        return get_default_dtype()
    if d is _builtin_int:
        return int64
    if d is _builtin_bool:
        return bool
    if isinstance(d, _ComplexDtype):
        raise TypeError(COMPLEX_ONLY_FROM_FFT)
    try:
        return from_numpy_dtype(np.dtype(d))
    except (TypeError, ValueError):
        raise TypeError(f"expected a dtype (e.g. torch.float32), got {d!r}") from None


_default_float = float32


def get_default_dtype():
    return _default_float


def set_default_dtype(d):
    """Set the dtype of new float tensors (and of Python floats in mixed arithmetic)."""
    global _default_float
    d = to_dtype(d)
    if not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_float = d
    _result_type_cached.cache_clear()
    for follow in DEFAULT_DTYPE_FOLLOWERS:
        follow(d)


DEFAULT_DTYPE_FOLLOWERS = []  # callbacks, e.g. learntorch.Storage follows the default dtype


# ---------------------------------------------------------------------------
# Promotion
# ---------------------------------------------------------------------------
_BOOL, _INT, _FLOAT = 0, 1, 2


def _category(d):
    return _FLOAT if d.is_floating_point else (_BOOL if d is bool else _INT)


def promote_types(a, b):
    """torch.promote_types: a float beats any integer; otherwise NumPy's lattice agrees with torch."""
    if a is b:
        return a
    if type(a) is _ComplexDtype or type(b) is _ComplexDtype:
        return _promote_complex(a, b)
    ca, cb = _category(a), _category(b)
    if ca == _FLOAT and cb != _FLOAT:
        return a
    if cb == _FLOAT and ca != _FLOAT:
        return b
    if a in WIDE_UNSIGNED or b in WIDE_UNSIGNED:
        raise RuntimeError("Promotion for uint16, uint32, uint64 types is not supported, attempted "
                           f"to promote {type_word(a)} and {type_word(b)}")
    return _FROM_NUMPY[np.promote_types(a.np, b.np)]


def _promote_complex(a, b):
    """A complex dtype wide enough for both: complex64 with float64 gives complex128."""
    ra, rb = a.to_real(), b.to_real()
    if not ra.is_floating_point:
        ra = rb
    elif rb.is_floating_point:
        ra = promote_types(ra, rb)
    return ra.to_complex()


def scalar_dtype(value):
    """The dtype a Python number takes when it becomes a tensor on its own."""
    if isinstance(value, _builtin_bool):
        return bool
    if isinstance(value, _builtin_int):
        return int64
    return get_default_dtype()


def _combine(higher, lower):
    """How a lower-priority group (0-d tensors, then Python numbers) may lift the result."""
    if higher is None:
        return lower
    if lower is None or higher.is_floating_point and not lower.is_complex:
        return higher
    if type(lower) is _ComplexDtype or type(higher) is _ComplexDtype:  # only from _complex.py
        if higher.is_complex:
            return higher
        return higher.to_complex() if higher.is_floating_point else lower  # torch keeps float64
    if higher is bool or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def result_type(*operands):
    """torch.result_type over tensors and Python numbers (three priority groups)."""
    key = []
    for op in operands:
        if hasattr(op, "_array"):
            key.append((op.dtype, op._array.ndim == 0))
        else:
            key.append((scalar_dtype(op), None))
    return _result_type_cached(tuple(key))


@functools.lru_cache(maxsize=1024)
def _result_type_cached(key):
    groups = {False: None, True: None, None: None}  # dimensioned, 0-d, Python number
    for d, zero_dim in key:
        g = groups[zero_dim]
        groups[zero_dim] = d if g is None else promote_types(g, d)
    return _combine(groups[False], _combine(groups[True], groups[None]))
