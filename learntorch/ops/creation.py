"""Making tensors: from data, filled, ranges, random, ``*_like``, and dtype/device conversion.

dtype rules (torch's): Python floats give the default float dtype (float32), ints
give int64, bools give bool; a NumPy array keeps its dtype.  ``tensor()`` always
copies; ``as_tensor``/``from_numpy`` share memory with a NumPy array when they can.
"""
import builtins
import math

import numpy as np

from .. import _device, _dtype
from .. import random as _random
from .._tensor import Tensor, _shape_arg, _to_nested_data
from ._mutation import apply_inplace
from ._op import Op
from ._promote import broadcast_shape


def _finish(array, dtype, device, requires_grad):
    """Cast/move ``array`` and wrap it; the one exit of every creation function."""
    if dtype is not None:
        dtype = _dtype.to_dtype(dtype)
        if array.dtype != dtype.np:
            array = array.astype(dtype.np)
    if device is not None:
        array = _device.move(array, _device.to_device(device))
    t = Tensor._make(array)
    if requires_grad:
        if array.dtype.kind != "f":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        t._requires_grad = True
    return t


def _infer_array(data, dtype=None):
    """NumPy array for Python data, with torch's dtype inference and ragged-list error.

    Python floats are read as float64 and only then narrowed, to ``dtype`` when given (so
    ``tensor(0.1, dtype=float64)`` is exactly 0.1), else to the default float dtype.
    """
    if isinstance(data, np.ndarray):
        _dtype.from_numpy_dtype(data.dtype)
        return data.copy()
    if isinstance(data, Tensor):
        return data._array.copy()
    if isinstance(data, (np.generic,)):
        return np.asarray(data)
    nested = _to_nested_data(data)
    try:
        array = np.array(nested)
    except ValueError:
        _check_ragged(nested)
        raise
    if array.dtype == object:
        _check_ragged(nested)
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    if array.dtype.kind == "f" and not _has_numpy_floats(nested):
        return array.astype((dtype or _dtype.get_default_dtype()).np)
    if array.dtype.kind in "iu" and array.dtype != np.int64 and not _has_numpy_floats(nested):
        return array.astype(np.int64)
    if array.dtype.kind in "US":
        raise TypeError(f"new(): invalid data type '{array.dtype.kind == 'U' and 'str'}'")
    return array


def _has_numpy_floats(data):
    """True when the data holds NumPy scalars/arrays, whose dtype torch keeps."""
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return isinstance(data, (np.generic, np.ndarray))


def _check_ragged(data, dim=0):
    """Raise torch's ValueError naming the first dim whose lengths disagree."""
    if not isinstance(data, (list, tuple)) or not data:
        return
    first = data[0]
    first_len = len(first) if isinstance(first, (list, tuple)) else None
    for item in data:
        length = len(item) if isinstance(item, (list, tuple)) else None
        if length != first_len:
            if first_len is None or length is None:
                raise ValueError(f"expected sequence of length {first_len or 0} at dim {dim + 1} "
                                 f"(got {length or 0})" if length is not None else
                                 f"setting an array element with a sequence at dim {dim + 1}")
            raise ValueError(f"expected sequence of length {first_len} at dim {dim + 1} (got {length})")
        _check_ragged(item, dim + 1)


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (a number, nested lists, an array or a tensor)."""
    dtype = None if dtype is None else _dtype.to_dtype(dtype)
    return _finish(_infer_array(data, dtype), dtype, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with ``data`` when no copy is needed."""
    if isinstance(data, Tensor):
        return data.to(dtype=dtype, device=device)
    if isinstance(data, np.ndarray):
        _dtype.from_numpy_dtype(data.dtype)
        return _finish(data, dtype, device, False)
    return tensor(data, dtype=dtype, device=device)


asarray = as_tensor


def from_numpy(ndarray):
    """A tensor sharing memory with ``ndarray``: a change to either shows in both."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return Tensor._make(ndarray)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.is_floating_point()


def numel(input):
    return input.numel()


# -- filled --------------------------------------------------------------------------------
def _default(dtype):
    return _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)


def _filled(fill, size, dtype, device, requires_grad):
    dtype = _default(dtype)
    return _finish(fill(_shape_arg(size), dtype=dtype.np), None, device, requires_grad)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _filled(np.zeros, size, dtype, device, requires_grad)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _filled(np.ones, size, dtype, device, requires_grad)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          memory_format=None):
    """Uninitialised in torch; we return zeros so results never depend on leftover memory."""
    return _filled(np.zeros, size, dtype, device, requires_grad)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if dtype is None:
        dtype = _dtype.scalar_dtype(fill_value)
    dtype = _dtype.to_dtype(dtype)
    return _finish(np.full(_shape_arg((size,)), fill_value, dtype=dtype.np), None, device,
                   requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"n must be greater or equal to 0, got {n if n < 0 else m}")
    return _finish(np.eye(n, m, dtype=_default(dtype).np), None, device, requires_grad)


def _like(input, dtype, device):
    return (input.dtype if dtype is None else _dtype.to_dtype(dtype),
            input.device if device is None else device)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    dtype, device = _like(input, dtype, device)
    return zeros(input.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    dtype, device = _like(input, dtype, device)
    return ones(input.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    return zeros_like(input, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    dtype, device = _like(input, dtype, device)
    return full(input.shape, fill_value, dtype=dtype, device=device, requires_grad=requires_grad)


# -- ranges ------------------------------------------------------------------------------------
def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """``[start, end)`` by ``step``; int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = _dtype.get_default_dtype() if is_float else _dtype.int64
    dtype = _dtype.to_dtype(dtype)
    count = builtins.max(0, math.ceil((end - start) / step))
    array = (start + np.arange(count, dtype=np.float64) * step) if dtype.is_floating_point or \
        any(isinstance(v, float) for v in (start, end, step)) else np.arange(start, end, step)
    return _finish(array.astype(dtype.np), None, device, requires_grad)


def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
          requires_grad=False):
    """Deprecated in torch: like ``arange`` but includes ``end``; float32 by default."""
    if end is None:
        start, end = 0, start
    count = int(math.floor((end - start) / step)) + 1
    array = start + np.arange(count, dtype=np.float64) * step
    return _finish(array.astype(_default(dtype).np), None, device, requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    array = np.linspace(float(start), float(end), steps, dtype=np.float64)
    return _finish(array.astype(_default(dtype).np), None, device, requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    array = np.power(float(base), np.linspace(float(start), float(end), steps, dtype=np.float64))
    return _finish(array.astype(_default(dtype).np), None, device, requires_grad)


# -- random ------------------------------------------------------------------------------------
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False):
    """Uniform on [0, 1)."""
    dtype = _default(dtype)
    gen = _random.numpy_generator(generator)
    array = gen.random(_shape_arg(size), dtype=_sample_dtype(dtype))
    return _finish(array, dtype, device, requires_grad)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False):
    """Standard normal."""
    dtype = _default(dtype)
    gen = _random.numpy_generator(generator)
    array = gen.standard_normal(_shape_arg(size), dtype=_sample_dtype(dtype))
    return _finish(array, dtype, device, requires_grad)


def _sample_dtype(dtype):
    """NumPy samples float32/float64 directly; float16 is drawn as float32 and cast."""
    return np.float64 if dtype is _dtype.float64 else np.float32


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None,
            device=None, requires_grad=False):
    """Integers in [low, high); ``randint(high, size)`` or ``randint(low, high, size)``."""
    if size is None:
        low, high, size = 0, low, high
    if high is None or size is None:
        raise TypeError("randint() missing required arguments: 'high' and 'size'")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    gen = _random.numpy_generator(generator)
    array = gen.integers(low, high, size=_shape_arg((size,)), dtype=np.int64)
    return _finish(array, dtype or _dtype.int64, device, requires_grad)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got {n}")
    array = _random.numpy_generator(generator).permutation(n).astype(np.int64)
    return _finish(array, dtype or _dtype.int64, device, requires_grad)


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    dtype, device = _like(input, dtype, device)
    return rand(input.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    dtype, device = _like(input, dtype, device)
    return randn(input.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None):
    dtype, device = _like(input, dtype, device)
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, dtype=dtype, device=device)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad=False):
    """Normal samples; ``mean``/``std`` may be tensors (broadcast) or numbers (then ``size`` is needed).

    Tensor ``mean``/``std`` get a zero gradient, as in torch (the samples are not reparametrised).
    """
    gen = _random.numpy_generator(generator)
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        return _normal_of_tensors(mean, std, gen)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    if size is None:
        raise TypeError("normal() missing required argument 'size' when mean and std are numbers")
    dtype = _default(dtype)
    array = mean + std * gen.standard_normal(_shape_arg((size,)), dtype=_sample_dtype(dtype))
    return _finish(np.asarray(array), dtype, device, requires_grad)


def _normal_of_tensors(mean, std, gen):
    like = mean if isinstance(mean, Tensor) else std
    _check_floating(like, "normal_kernel_cpu")
    m = mean._array if isinstance(mean, Tensor) else mean
    s = std._array if isinstance(std, Tensor) else std
    if np.any(np.asarray(s) < 0):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    shape = broadcast_shape(np.shape(m), np.shape(s))
    values = np.asarray(m + s * gen.standard_normal(shape)).astype(like._array.dtype)
    inputs = tuple(t for t in (mean, std) if isinstance(t, Tensor))
    node = ("NormalBackward3" if len(inputs) == 2 else
            "NormalBackward1" if isinstance(mean, Tensor) else "NormalBackward2")
    return _DRAWS[node].apply(*inputs, values=values)


def _check_floating(t, kernel):
    if not t.is_floating_point():
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dtype.type_word(t.dtype)}'")


class RandomDraw(Op):
    """Random values that do not depend on the inputs' values: each input gets a zero gradient.

    One subclass per torch node name (``UniformBackward0`` …) is in ``_DRAWS``.
    """

    @staticmethod
    def forward(ctx, *arrays, values):
        ctx.count = len(arrays)
        return values

    @staticmethod
    def backward(ctx, grad):
        zero = grad.new_zeros(grad.shape)
        return (zero,) * ctx.count


_DRAWS = {name: type(name, (RandomDraw,), {"node_name": name}) for name in (
    "NormalBackward0", "NormalBackward1", "NormalBackward2", "NormalBackward3", "UniformBackward0",
    "BernoulliBackward0", "BernoulliBackward1", "BernoulliBackward2", "ExponentialBackward0",
    "RandomBackward0", "RandomBackward1", "RandomBackward2")}


def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 samples (in ``input``'s dtype): 1 with probability ``input`` (or ``p``) per element."""
    if p is None:
        probs = _check_probabilities(input)
    else:
        _check_floating(input, "bernoulli_scalar_cpu_")
        probs = _check_probability(p)
    values = _random.numpy_generator(generator).random(input.shape) < probs
    return _DRAWS["BernoulliBackward0"].apply(input, values=values.astype(input._array.dtype))


def _check_probability(p):
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
    return p


def _check_probabilities(p):
    """A float tensor of probabilities, all in [0, 1]; returns its array."""
    _check_floating(p, "bernoulli_tensor_cpu_p_")
    probs = p._array
    if probs.size and not (probs.min() >= 0 and probs.max() <= 1):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this "
                           "error message be improved?  If so, please report an enhancement request "
                           "to PyTorch.)")
    return probs


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """``num_samples`` category indices per row, drawn with the row's (unnormalised) weights."""
    probs = _check_multinomial(input, num_samples, replacement)
    gen = _random.numpy_generator(generator)
    rows = probs.reshape(-1, probs.shape[-1]).astype(np.float64)
    picks = [_draw_categories(row, num_samples, replacement, gen) for row in rows]
    shape = probs.shape[:-1] + (num_samples,)
    return Tensor._make(np.array(picks, dtype=np.int64).reshape(shape))


def _draw_categories(weights, n, replacement, gen):
    """With replacement: inverse CDF.  Without: torch's trick, the top n of weight / Exp(1)."""
    if replacement:
        cdf = np.cumsum(weights)
        return np.searchsorted(cdf / cdf[-1], gen.random(n), side="right")
    with np.errstate(divide="ignore"):
        keys = weights / gen.exponential(size=weights.size)
    return np.argsort(-keys, kind="stable")[:n]


def _check_multinomial(input, num_samples, replacement):
    """torch's checks, in its order; returns the weights array."""
    if not input.is_floating_point():
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_dtype.type_word(input.dtype)}")
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > input.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if input.shape[-1] > 2 ** 24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    probs = input._array
    if probs.size and not (np.isfinite(probs).all() and probs.min() >= 0):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if probs.size and (probs.sum(-1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    return probs


# -- in-place random fills (Tensor methods; nn.init uses them under no_grad) -------------------
def _fill_random(self, node, values):
    """Write ``values`` into ``self`` as the in-place op ``node`` (a zero gradient to the old
    values, as in torch; a leaf that requires grad needs ``no_grad``)."""
    values = np.asarray(values).astype(self._array.dtype)
    return apply_inplace(self, lambda x: _DRAWS[node].apply(x, values=values))


def uniform_(self, from_=0, to=1, *, generator=None):
    """Fill with samples uniform on [from_, to)."""
    _check_floating(self, "check_uniform_bounds")
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={from_:g} > "
                           f"to={to:g}")
    sample = _random.numpy_generator(generator).random(self.shape)
    return _fill_random(self, "UniformBackward0", from_ + (to - from_) * sample)


def normal_(self, mean=0, std=1, *, generator=None):
    """Fill with normal samples of the given mean and standard deviation."""
    _check_floating(self, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    sample = _random.numpy_generator(generator).standard_normal(self.shape)
    return _fill_random(self, "NormalBackward0", mean + std * sample)


def exponential_(self, lambd=1, *, generator=None):
    """Fill with samples of the exponential distribution with rate ``lambd``."""
    if not self.is_floating_point():
        raise RuntimeError(f"Exponential distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified "
                           f"{_dtype.type_word(self.dtype)}")
    if lambd <= 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    sample = _random.numpy_generator(generator).exponential(1 / lambd, self.shape)
    return _fill_random(self, "ExponentialBackward0", sample)


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 0/1 samples, 1 with probability ``p`` (a number or a broadcastable tensor)."""
    if isinstance(p, Tensor):
        probs = _check_probabilities(p) if p.shape == self.shape else \
            _check_probabilities(p.expand(self.shape))
    else:
        probs = _check_probability(p)
    sample = _random.numpy_generator(generator).random(self.shape) < probs
    return _fill_random(self, "BernoulliBackward1" if isinstance(p, Tensor) else
                        "BernoulliBackward2", sample)


# random_()'s default upper bound (inclusive): the largest integer the dtype holds exactly.
_RANDOM_TOP = {"float16": 2 ** 11, "float32": 2 ** 24, "float64": 2 ** 53, "bool": 1,
               "uint8": 2 ** 8 - 1, "int8": 2 ** 7 - 1, "int16": 2 ** 15 - 1,
               "int32": 2 ** 31 - 1, "int64": 2 ** 63 - 1}


def random_(self, from_=None, to=None, *, generator=None):
    """Fill with integers: ``random_()`` in [0, 2^mantissa], ``random_(to)`` in [0, to),
    ``random_(from_, to)`` in [from_, to)."""
    if to is None and from_ is not None:
        from_, to, node = 0, from_, "RandomBackward1"
    else:
        from_, node = from_ or 0, "RandomBackward2" if to is None else "RandomBackward0"
    if to is not None and from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= "
                           f"to={to}")
    gen = _random.numpy_generator(generator)
    if to is None:
        sample = gen.integers(0, _RANDOM_TOP[self.dtype.name], self.shape, endpoint=True)
    else:
        sample = gen.integers(from_, to, self.shape)
    return _fill_random(self, node, sample)


# -- conversion ------------------------------------------------------------------------------
class ToCopy(Op):
    """A dtype/device change; backward converts the gradient back (``OpNode`` casts it)."""

    @staticmethod
    def forward(ctx, x, dtype, device):
        if device is not None:
            x = _device.move(x, device)
        return x.astype(dtype.np) if dtype is not None and x.dtype != dtype.np else x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


def convert(input, dtype, device, copy=False):
    """What ``Tensor.to`` does: return ``input`` itself when nothing changes (unless ``copy``)."""
    same_dtype = dtype is None or dtype.np == input._array.dtype
    same_device = device is None or device == input.device
    if same_dtype and same_device and not copy:
        return input
    return ToCopy.apply(input, dtype=None if same_dtype else dtype,
                        device=None if same_device else device)


__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "is_tensor", "is_floating_point", "numel",
           "zeros", "ones", "empty", "full", "eye", "zeros_like", "ones_like", "empty_like",
           "full_like", "arange", "range", "linspace", "logspace", "rand", "randn", "randint",
           "randperm", "rand_like", "randn_like", "randint_like", "normal", "bernoulli", "multinomial"]

# Also Tensor methods (x.f(...) == f(x, ...)); attached here since ops/__init__ attaches
# TENSOR_METHODS only for the modules it lists.
TENSOR_METHODS = ("bernoulli", "multinomial", "uniform_", "normal_", "exponential_", "bernoulli_",
                  "random_")
for _name in TENSOR_METHODS:
    setattr(Tensor, _name, globals()[_name])
