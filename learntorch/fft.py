"""``torch.fft``: discrete Fourier transforms, computed by NumPy's pocketfft (torch's CPU build
uses MKL or pocketfft; the results agree to a few ulps).

Real inputs give complex outputs, and learntorch has complex tensors only for this: the results
are ``ComplexTensor``s (learntorch/_complex.py says exactly what they support). float32 gives
complex64 and float64 complex128; integer and bool inputs are read as the default float dtype.

learntorch does not differentiate through complex values, so a transform of a tensor that
requires grad raises (torch would record a graph) — except ``fftfreq``, ``rfftfreq``,
``fftshift`` and ``ifftshift``, which are ordinary real ops (a shift is a ``roll``).
"""
import numpy as np

from . import _device, _dtype
from ._complex import ComplexTensor, _no_grad_inputs, resize_warning, write_complex
from ._tensor import Tensor, _is_int, _wrap_dim
from .ops.shape import roll

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2",
           "rfftn", "irfftn", "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq",
           "rfftfreq", "fftshift", "ifftshift", "Tensor"]

_NORMS = ("backward", "ortho", "forward")
_SWAPPED = {"backward": "forward", "ortho": "ortho", "forward": "backward"}
_REAL_ONLY = {"rfftn": "{name} expects a real-valued input tensor, but got {word}",
              "ihfftn": "Only supports floating-point dtypes, but found: {word}"}


# -- reading the arguments as torch does ------------------------------------------------------
def _input(name, input, real_only=False):
    """The array to transform: complex as it is, real in a float dtype pocketfft takes."""
    if not isinstance(input, Tensor):
        raise TypeError(f"fft_{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if isinstance(input, ComplexTensor):
        if real_only:
            word = _dtype.type_word(input.dtype)
            kernel = _kernel(name)
            raise RuntimeError(_REAL_ONLY.get(kernel, "{name} expects a real input tensor, but "
                                              "got {word}").format(name=kernel, word=word))
        return input._z
    _no_grad_inputs(f"fft.{name}", input)
    a = input._array
    if a.dtype.kind in "biu":
        return a.astype(_dtype.get_default_dtype().np)
    if a.dtype == np.float16:
        raise RuntimeError("Unsupported dtype Half")
    return a


def _norm(norm):
    if norm is None:
        return "backward"
    if norm not in _NORMS:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    return norm


def _points(n):
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return n


def _one_dim(name, a, n, dim, c2r=False):
    """(n, dim) of a 1-D transform; ``c2r``: n defaults to the full real length 2 * (m - 1)."""
    if n is not None and not _is_int(n):
        raise TypeError(f"fft_{name}(): argument 'n' (position 2) must be int, not "
                        f"{type(n).__name__}")
    if not _is_int(dim):
        raise TypeError(f"fft_{name}(): argument 'dim' must be int, not {type(dim).__name__}")
    if a.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    dim = _wrap_dim(dim, a.ndim)
    if n is None:
        n = 2 * (a.shape[dim] - 1) if c2r else a.shape[dim]
    return _points(int(n)), dim


def _ints(name, arg, value):
    if value is None or _is_int(value):
        return value if value is None else (int(value),)
    value = tuple(value)
    if not all(_is_int(v) for v in value):
        raise TypeError(f"fft_{name}(): argument '{arg}' must be tuple of ints, not "
                        f"{type(value).__name__}")
    return tuple(int(v) for v in value) or None


def _n_dims(name, a, s, dim, c2r=False, at_least_one=False):
    """(sizes, dims) of an n-D transform; -1 in ``s`` keeps that dimension's size."""
    s, dim = _ints(name, "s", s), _ints(name, "dim", dim)
    if dim is not None:
        dims = tuple(_wrap_dim(d, a.ndim) for d in dim)
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
        if s is not None and len(s) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    elif s is not None:
        if len(s) > a.ndim:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has "
                               f"{a.ndim} dimensions.")
        dims = tuple(range(a.ndim - len(s), a.ndim))
    else:
        dims = tuple(range(a.ndim))
    if at_least_one and not dims:
        raise RuntimeError(f"{_kernel(name)} must transform at least one axis")
    sizes = []
    for i, d in enumerate(dims):
        size = -1 if s is None else s[i]
        if size == -1:
            size = 2 * (a.shape[d] - 1) if c2r and i == len(dims) - 1 else a.shape[d]
        sizes.append(_points(size))
    return sizes, dims


def _kernel(name):
    """torch runs fft2 as fftn, rfft2 as rfftn …, and its runtime messages say so."""
    return name.replace("2", "n")


# -- results -----------------------------------------------------------------------------------
def _complex_result(z, out, name):
    return write_complex(ComplexTensor._wrap(z), out, name)


def _real_result(r, out, name):
    result = Tensor._make(r)
    if out is None:
        return result
    if isinstance(out, ComplexTensor) or not out.is_floating_point():
        raise RuntimeError(f"{name} expects a floating point output tensor, but got "
                           f"{_dtype.type_word(out.dtype)}")
    if out.shape != result.shape:
        resize_warning(out.shape, result.shape)
        out._array = np.empty(result.shape, dtype=out._array.dtype)
    out._array[...] = r
    out._version_counter[0] += 1
    return out


def _fft_module(a):
    return _device.array_module(a).fft


# -- complex to complex -----------------------------------------------------------------------
def _c2c(name, inverse, input, s, dim, norm, out):
    a = _input(name, input)
    sizes, dims = _n_dims(name, a, s, dim)
    name = _kernel(name)
    norm = _norm(norm)
    if not dims:  # nothing to transform (a 0-d input): the values, as complex numbers
        return _complex_result(a.astype(np.result_type(a.dtype, np.complex64)), out, name)
    transform = _fft_module(a).ifftn if inverse else _fft_module(a).fftn
    return _complex_result(transform(a, sizes, dims, norm=norm), out, name)


def fft(input, n=None, dim=-1, norm=None, *, out=None):
    """The 1-D discrete Fourier transform along ``dim``, zero-padded or cropped to ``n``."""
    a = _input("fft", input)
    n, dim = _one_dim("fft", a, n, dim)
    return _complex_result(_fft_module(a).fft(a, n, dim, norm=_norm(norm)), out, "fft")


def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    """The inverse of ``fft``: ``ifft(fft(x)) == x``."""
    a = _input("ifft", input)
    n, dim = _one_dim("ifft", a, n, dim)
    return _complex_result(_fft_module(a).ifft(a, n, dim, norm=_norm(norm)), out, "ifft")


def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _c2c("fft2", False, input, s, dim, norm, out)


def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _c2c("ifft2", True, input, s, dim, norm, out)


def fftn(input, s=None, dim=None, norm=None, *, out=None):
    """The n-D transform over ``dim`` (all dims by default, or the last ``len(s)``)."""
    return _c2c("fftn", False, input, s, dim, norm, out)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    return _c2c("ifftn", True, input, s, dim, norm, out)


# -- real to complex (half spectrum) and back -------------------------------------------------
def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The transform of a real signal: the n // 2 + 1 non-negative frequencies."""
    a = _input("rfft", input, real_only=True)
    n, dim = _one_dim("rfft", a, n, dim)
    return _complex_result(_fft_module(a).rfft(a, n, dim, norm=_norm(norm)), out, "rfft")


def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The real signal of length ``n`` (default 2 * (m - 1)) whose half spectrum is ``input``."""
    a = _input("irfft", input)
    n, dim = _one_dim("irfft", a, n, dim, c2r=True)
    return _real_result(_fft_module(a).irfft(a, n, dim, norm=_norm(norm)), out, "irfft")


def _r2c(name, input, s, dim, norm, out):
    a = _input(name, input, real_only=True)
    sizes, dims = _n_dims(name, a, s, dim, at_least_one=True)
    name = _kernel(name)
    return _complex_result(_fft_module(a).rfftn(a, sizes, dims, norm=_norm(norm)), out, name)


def _c2r(name, input, s, dim, norm, out):
    a = _input(name, input)
    sizes, dims = _n_dims(name, a, s, dim, c2r=True, at_least_one=True)
    name = _kernel(name)
    return _real_result(_fft_module(a).irfftn(a, sizes, dims, norm=_norm(norm)), out, name)


def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _r2c("rfft2", input, s, dim, norm, out)


def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _c2r("irfft2", input, s, dim, norm, out)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    """The n-D transform of a real signal, halved along the last of ``dim``."""
    return _r2c("rfftn", input, s, dim, norm, out)


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _c2r("irfftn", input, s, dim, norm, out)


# -- Hermitian signals: the transforms above, conjugated, with the norm swapped ----------------
def hfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The (real) transform of a signal with Hermitian symmetry given by its first half."""
    a = _input("hfft", input)
    n, dim = _one_dim("hfft", a, n, dim, c2r=True)
    return _real_result(_fft_module(a).hfft(a, n, dim, norm=_norm(norm)), out, "hfft")


def ihfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The inverse of ``hfft``: the first half of a real signal's inverse transform."""
    a = _input("ihfft", input, real_only=True)
    n, dim = _one_dim("ihfft", a, n, dim)
    return _complex_result(_fft_module(a).ihfft(a, n, dim, norm=_norm(norm)), out, "ihfft")


def _hermitian(name, input, s, dim, norm, out):
    """hfftn(x) = irfftn(conj(x)) with the normalisation of the forward transform."""
    a = _input(name, input)
    sizes, dims = _n_dims(name, a, s, dim, c2r=True, at_least_one=True)
    name = _kernel(name)
    r = _fft_module(a).irfftn(np.conj(a), sizes, dims, norm=_SWAPPED[_norm(norm)])
    return _real_result(r, out, name)


def _inverse_hermitian(name, input, s, dim, norm, out):
    """ihfftn(x) = conj(rfftn(x)) with the normalisation of the inverse transform."""
    a = _input(name, input, real_only=True)
    sizes, dims = _n_dims(name, a, s, dim, at_least_one=True)
    name = _kernel(name)
    z = _fft_module(a).rfftn(a, sizes, dims, norm=_SWAPPED[_norm(norm)])
    return _complex_result(np.conj(z, out=z), out, name)


def hfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _hermitian("hfft2", input, s, dim, norm, out)


def ihfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _inverse_hermitian("ihfft2", input, s, dim, norm, out)


def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _hermitian("hfftn", input, s, dim, norm, out)


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _inverse_hermitian("ihfftn", input, s, dim, norm, out)


# -- frequencies and shifts: ordinary real tensors --------------------------------------------
def _frequencies(name, n, d, count, out, dtype, device, requires_grad):
    if not _is_int(n):
        raise TypeError(f"fft_{name}(): argument 'n' (position 1) must be int, not "
                        f"{type(n).__name__}")
    n = int(n)
    if dtype is None:  # torch computes in out's dtype when it is given
        dtype = _dtype.get_default_dtype() if out is None else out.dtype
    elif not isinstance(dtype, _dtype.dtype):
        dtype = _dtype.to_dtype(dtype)
    if not (dtype.is_floating_point or dtype.is_complex):
        raise RuntimeError(f"{name} requires a floating point or complex dtype")
    if dtype.is_complex:  # torch's arange has no complex kernel either
        raise NotImplementedError(f'"arange_cpu" not implemented for '
                                  f"'{_dtype.type_word(dtype)}'")
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    k = np.arange(count(n), dtype=dtype.np)
    if name == "fftfreq":
        k[(n + 1) // 2:] -= n
    with np.errstate(divide="ignore", invalid="ignore"):  # n * d == 0: inf and nan, as torch
        k *= dtype.np.type(np.float64(1.0) / (n * float(d)))
    result = Tensor._make(_device.move(k, _device.to_device(device)))
    if out is not None:
        return _real_result(result._array, out, name)
    return result.requires_grad_(requires_grad)


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The sample frequencies of an n-point ``fft``: ``[0, 1, …, -2, -1] / (n * d)``."""
    return _frequencies("fftfreq", n, d, lambda n: n, out, dtype, device, requires_grad)


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The sample frequencies of an n-point ``rfft``: ``[0, 1, …, n // 2] / (n * d)``."""
    return _frequencies("rfftfreq", n, d, lambda n: n // 2 + 1, out, dtype, device,
                        requires_grad)


def _shift(input, dim, half):
    dims = tuple(range(input.dim())) if dim is None else (dim,) if _is_int(dim) else tuple(dim)
    shifts = [half(input.shape[_wrap_dim(d, input.dim())]) for d in dims]
    if isinstance(input, ComplexTensor):
        if not dims:
            raise RuntimeError("`shifts` required")
        return ComplexTensor._wrap(np.roll(input._z, shifts, dims))
    return roll(input, shifts, dims)


def fftshift(input, dim=None):
    """Moves the zero frequency to the centre: a ``roll`` by half of each dim (differentiable)."""
    return _shift(input, dim, lambda size: size // 2)


def ifftshift(input, dim=None):
    """Undoes ``fftshift`` (they differ for odd sizes)."""
    return _shift(input, dim, lambda size: (size + 1) // 2)
