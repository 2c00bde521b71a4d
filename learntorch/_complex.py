"""Complex tensors, as far as learntorch has them: the results of ``torch.fft``.

learntorch's kernels and autograd are real-valued. ``torch.fft`` still has to return complex
numbers, so its results are ``ComplexTensor``s: a NumPy complex array with a small, fixed set
of operations — ``.real``/``.imag`` (float views), ``.abs()``, ``.angle()``, ``.conj()``,
``.numpy()``, ``.tolist()``, ``.item()``, ``.clone()``, indexing, ``+ - * /`` and ``==``/``!=``
with real or complex tensors and numbers, printing like torch's, ``torch.view_as_real``,
``torch.real``/``imag``/``conj``/``angle`` and the ``torch.fft`` functions. Nothing records
a graph: complex tensors never require grad.

Everything else must fail with a clear message, not compute something wrong: every op reads its
input's data as ``tensor._array``, and here ``_array`` is a property that raises the TypeError
below. The real path pays nothing for this.
"""
import numbers

import numpy as np

from . import _dtype
from ._dtype import COMPLEX_ONLY_FROM_FFT
from ._tensor import Size, Tensor, _host, _wrap_dim
from .autograd.grad_mode import _State
from .ops._op import Op

__all__ = ["view_as_real", "view_as_complex", "complex", "polar", "angle"]


def _refuse(*_):
    raise TypeError(COMPLEX_ONLY_FROM_FFT)


class ComplexTensor(Tensor):
    """A complex64/complex128 tensor; its array is ``_z``. ``isinstance(z, Tensor)`` holds."""

    __slots__ = ("_z",)

    # Any op that reaches for the data of a complex tensor stops here (see the module docstring).
    _array = property(_refuse, _refuse)

    @classmethod
    def _wrap(cls, z):
        t = object.__new__(cls)
        t._z = np.asarray(z)
        t._requires_grad = False
        t._grad_fn = None
        t._version_counter = [0]
        return t

    # -- what it is ------------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._z.shape)

    def size(self, dim=None):
        return Size(self._z.shape) if dim is None else self._z.shape[_wrap_dim(dim, self._z.ndim)]

    def dim(self):
        return self._z.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._z.ndim

    def numel(self):
        return self._z.size

    nelement = numel

    @property
    def dtype(self):
        return _dtype.complex64 if self._z.dtype == np.complex64 else _dtype.complex128

    @property
    def device(self):
        from ._device import device_of
        return device_of(self._z)

    def is_complex(self):
        return True

    def is_floating_point(self):
        return False

    def element_size(self):
        return self._z.itemsize

    @property
    def requires_grad(self):
        return False

    @requires_grad.setter
    def requires_grad(self, value):
        if value:
            raise RuntimeError("learntorch does not differentiate through complex values: "
                               "complex tensors cannot require grad")

    # -- conversions ---------------------------------------------------------------------
    def numpy(self, *, force=False):
        if not isinstance(self._z, np.ndarray):
            if not force:
                raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use "
                                "Tensor.cpu() to copy the tensor to host memory first.")
            return self._z.get()
        return self._z

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        return array if dtype is None else array.astype(dtype, copy=False)

    def item(self):
        if self._z.size != 1:
            raise RuntimeError(f"a Tensor with {self._z.size} elements cannot be converted to "
                               "Scalar")
        return self._z.reshape(()).item()

    def tolist(self):
        return self._z.tolist()

    def __len__(self):
        if self._z.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._z.shape[0]

    def __iter__(self):
        if self._z.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (ComplexTensor._wrap(row) for row in self._z)

    def clone(self, *, memory_format=None):
        return ComplexTensor._wrap(self._z.copy())

    def detach(self):
        return ComplexTensor._wrap(self._z)

    def __repr__(self, *, tensor_contents=None):
        from ._printing import format_tensor
        # torch hides the dtype that matches the default float one: complex64 beside float32,
        # but for an empty tensor it compares with the float dtype itself, so always shows it.
        default = _dtype.get_default_dtype()
        if self._z.size:
            default = _dtype.complex128 if default is _dtype.float64 else _dtype.complex64
        return format_tensor(_host(self._z), self.dtype.name, default_dtype_name=default.name)

    __str__ = __repr__

    # -- the supported operations -------------------------------------------------------------
    @property
    def real(self):
        """A float view: writing to it writes the real parts."""
        return Tensor._make(self._z.real)

    @property
    def imag(self):
        return Tensor._make(self._z.imag)

    def abs(self):
        return Tensor._make(np.abs(self._z))

    absolute = abs
    __abs__ = abs

    def angle(self):
        return Tensor._make(np.angle(self._z))

    def conj(self):
        """The conjugate, computed at once (torch's is a lazy view; ``is_conj()`` stays False)."""
        return ComplexTensor._wrap(np.conj(self._z))

    conj_physical = resolve_conj = conj

    def __getitem__(self, index):
        return ComplexTensor._wrap(self._z[_numpy_index(index)])

    def __neg__(self):
        return ComplexTensor._wrap(-self._z)

    def __add__(self, other):
        return _arith(np.add, self, other)

    def __radd__(self, other):
        return _arith(np.add, other, self)

    def __sub__(self, other):
        return _arith(np.subtract, self, other)

    def __rsub__(self, other):
        return _arith(np.subtract, other, self)

    def __mul__(self, other):
        return _arith(np.multiply, self, other)

    def __rmul__(self, other):
        return _arith(np.multiply, other, self)

    def __truediv__(self, other):
        return _arith(np.divide, self, other)

    def __rtruediv__(self, other):
        return _arith(np.divide, other, self)

    add, sub, mul, div = __add__, __sub__, __mul__, __truediv__

    def __eq__(self, other):
        return Tensor._make(np.equal(*_operands(self, other)[:2]))

    def __ne__(self, other):
        return Tensor._make(np.not_equal(*_operands(self, other)[:2]))

    __hash__ = Tensor.__hash__


def _numpy_index(index):
    """Tensors inside an index become arrays (a complex tensor is no index)."""
    if isinstance(index, tuple):
        return tuple(_numpy_index(i) for i in index)
    if isinstance(index, Tensor):
        return index.numpy()
    return index


def _operand(x):
    """(array or number, its dtype, whether 0-d: None for a Python number) — the key
    ``_dtype._result_type_cached`` takes, so torch's promotion rules live in one place."""
    if isinstance(x, ComplexTensor):
        return x._z, x.dtype, x._z.ndim == 0
    if isinstance(x, Tensor):
        if x._requires_grad and _State.enabled:
            raise RuntimeError("learntorch does not differentiate through complex values: this "
                               "real operand requires grad (torch would record a graph; use "
                               ".detach())")
        return x._array, x.dtype, x._array.ndim == 0
    if isinstance(x, numbers.Complex):
        if isinstance(x, numbers.Real):
            return x, _dtype.scalar_dtype(x), None
        return x, _dtype.get_default_dtype().to_complex(), None
    raise TypeError(f"unsupported operand type: expected a Tensor or a number, got "
                    f"{type(x).__name__}")


def _operands(a, b):
    """Both operands' data and the dtype torch gives their result."""
    (x, dx, zx), (y, dy, zy) = _operand(a), _operand(b)
    return x, y, (dx, dy), _dtype._result_type_cached(((dx, zx), (dy, zy)))


def _arith(ufunc, a, b):
    x, y, dtypes, d = _operands(a, b)
    if ufunc is np.subtract and _dtype.bool in dtypes:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    if not d.is_complex:
        d = d.to_complex() if d.is_floating_point else _dtype.get_default_dtype().to_complex()
    with np.errstate(all="ignore"):
        return ComplexTensor._wrap(ufunc(x, y, dtype=d.np))


# -- top-level functions --------------------------------------------------------------------
def view_as_real(input):
    """The complex tensor's memory as floats, with a last dimension of size 2 (real, imag)."""
    if not isinstance(input, ComplexTensor):
        raise RuntimeError("view_as_real is only supported for complex tensors")
    r = input._z.real
    return Tensor._make(np.lib.stride_tricks.as_strided(
        r, r.shape + (2,), r.strides + (r.itemsize,)))


def view_as_complex(input):
    """A float tensor whose last dimension is (real, imag) pairs, read as complex numbers."""
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError("view_as_complex is only supported for float and double tensors, but "
                           f"got a tensor of scalar type: {_dtype.type_word(input.dtype)}")
    _no_grad_inputs("view_as_complex", input)
    a = input._array
    if a.ndim == 0 or a.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if a.strides[-1] != a.itemsize:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    complex_type = np.complex64 if a.dtype == np.float32 else np.complex128
    return ComplexTensor._wrap(a.view(complex_type)[..., 0])


def _two_floats(name, a, b):
    """torch.complex/polar's checks: two float32 or two float64 tensors, here without grad."""
    if a.dtype is not b.dtype:
        raise RuntimeError(f"Expected object of scalar type {_dtype.type_word(a.dtype)} but "
                           f"got scalar type {_dtype.type_word(b.dtype)} for second argument")
    if a.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{_dtype.type_word(a.dtype)} and {_dtype.type_word(b.dtype)}")
    _no_grad_inputs(name, a, b)


def complex(real, imag, *, out=None):
    """``real + 1j * imag`` from two float tensors of one dtype."""
    _two_floats("complex", real, imag)
    z = np.empty(np.broadcast_shapes(real._array.shape, imag._array.shape),
                 dtype=real.dtype.to_complex().np)
    z.real, z.imag = real._array, imag._array
    return write_complex(ComplexTensor._wrap(z), out, "complex")


def polar(abs, angle, *, out=None):
    """``abs * (cos(angle) + 1j * sin(angle))``."""
    _two_floats("polar", abs, angle)
    r, t = abs._array, angle._array
    return complex(Tensor._make(r * np.cos(t)), Tensor._make(r * np.sin(t)), out=out)


class Angle(Op):
    """The angle of a real number: 0 for x >= 0, pi for x < 0 (nan stays nan); zero gradient."""

    @staticmethod
    def forward(ctx, x):
        if x.dtype.kind != "f":
            x = x.astype(_dtype.get_default_dtype().np)
        out = np.where(x < 0, np.pi, 0).astype(x.dtype)
        out[np.isnan(x)] = np.nan
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


def angle(input, *, out=None):
    """The argument of each element (radians): ``atan2(imag, real)``, as a float tensor."""
    result = input.angle() if isinstance(input, ComplexTensor) else Angle.apply(input)
    if out is None:
        return result
    from .ops.pointwise import _out
    return _out(result.to(out.dtype), out)


def write_complex(result, out, name):
    """Put a complex result into ``out=`` (a complex tensor, resized like torch when needed)."""
    if out is None:
        return result
    if not isinstance(out, ComplexTensor):
        raise RuntimeError(f"{name} expects a complex output tensor, but got "
                           f"{_dtype.type_word(out.dtype)}")
    if out._z.shape != result._z.shape:
        resize_warning(out._z.shape, result._z.shape)
        out._z = np.empty(result._z.shape, dtype=out._z.dtype)
    out._z[...] = result._z
    out._version_counter[0] += 1
    return out


def resize_warning(old, new):
    """torch's warning when ``out=`` has elements but the wrong shape (it is then resized)."""
    if int(np.prod(old)):
        import warnings
        warnings.warn(f"An output with one or more elements was resized since it had shape "
                      f"{list(old)}, which does not match the required output shape {list(new)}. "
                      "This behavior is deprecated, and in a future PyTorch release outputs will "
                      "not be resized unless they have zero elements. You can explicitly reuse an "
                      "out tensor t by resizing it, inplace, to zero elements with t.resize_(0).",
                      UserWarning, stacklevel=4)


def _no_grad_inputs(name, *tensors):
    """torch differentiates through complex ops; learntorch refuses rather than drop the graph."""
    if _State.enabled and any(t._requires_grad for t in tensors):
        raise RuntimeError(f"torch.{name} is differentiable in torch, but learntorch does not "
                           "differentiate through complex values: pass a tensor that does not "
                           "require grad (e.g. input.detach())")


def _converter(name, d):
    def method(self):
        if isinstance(self, ComplexTensor):
            return ComplexTensor._wrap(self._z.astype(d.np))
        _no_grad_inputs(f"Tensor.{name}", self)
        return ComplexTensor._wrap(self._array.astype(d.np))
    method.__name__ = name
    method.__doc__ = f"A {d} copy (with no gradient: learntorch's autograd is real-valued)."
    return method


Tensor.angle = angle  # x.angle() of a real tensor: 0 or pi (ComplexTensor has its own)
Tensor.cfloat = _converter("cfloat", _dtype.complex64)
Tensor.cdouble = _converter("cdouble", _dtype.complex128)
