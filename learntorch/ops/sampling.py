"""Random sampling: ``rand``, ``randn``, ``randint``, ``randperm``, ``bernoulli`` … and the
in-place fills (``uniform_``, ``normal_`` …) — torch's numbers, bit for bit.

Each function draws 32- or 64-bit words from a ``learntorch.Generator`` (torch's mt19937)
and turns them into numbers the way ATen's CPU kernels do (``DistributionsHelper.h``,
``TransformationHelper.h``, ``cpu/DistributionTemplates.h``), vectorized. The rules:

* A kernel fills its output in memory order (``TensorIterator``), one sample per element,
  so a transposed tensor is filled column by column. ``creation.memory_order`` gives that order.
* Uniforms: float32 ``(word & (2**24 - 1)) * 2**-24`` from one word; float64
  ``(word64 & (2**53 - 1)) * 2**-53`` from two. ``uniform_(a, b)`` is one fused
  ``x * (b - a) + a``.
* Normals: 16 or more contiguous elements take ``normal_fill`` — all uniforms first, then
  Box-Muller on blocks of 16 (cos for the first 8, sin for the last 8); an incomplete last
  block is redone from 16 fresh uniforms. Otherwise each element draws from
  ``normal_distribution<double>``, whose second Box-Muller value waits on the generator
  for the next element or call.
* Integers: ``word % range + low``, from 64-bit words once the range reaches 2**28.
"""
import functools
import math
import sys

import numpy as np

from .. import _cpu_math, _device, _dtype, _meta
from .. import random as _random
from .._cpu_math import fma, libm
from .._tensor import Tensor, _shape_arg
from ._mutation import apply_inplace
from .creation import _default, _finish, _sizes, memory_order, zeros_in_layout_of
from ._op import Op
from ._promote import broadcast_shape

_TWO_PI = 2.0 * math.pi


# -- where the samples go ----------------------------------------------------------------------
def _in_fill_order(values, like):
    """``values`` (flat, in the order torch fills ``like``) arranged in ``like``'s shape."""
    order = memory_order(like)
    if order == tuple(range(like.ndim)):
        return values.reshape(like.shape)
    return values.reshape([like.shape[axis] for axis in order]).transpose(np.argsort(order))


# -- uniforms ----------------------------------------------------------------------------------
# How many random mantissa bits each float dtype's uniform takes (std::numeric_limits::digits).
_DIGITS = {"float64": 53, "float32": 24, "float16": 11, "bfloat16": 8}


def _uniform(gen, n, np_dtype):
    """``uniform_real_distribution(0, 1)``: float64 from 64-bit words, the others from 32-bit
    words, computed in float32 (torch's accumulate type for them)."""
    if np_dtype == np.float64:  # the low 53 bits of (high << 32 | low), exactly, in float64
        words = gen.random(2 * n)
        values = (words[0::2] & np.uint32(2 ** 21 - 1)).astype(np.float64)
        values *= 2.0 ** 32
        values += words[1::2]
        values *= 2.0 ** -53
        return values
    digits = _DIGITS[np.dtype(np_dtype).name]
    words = gen.random(n)
    words &= np.uint32(2 ** digits - 1)
    values = words.view(np.int32).astype(np.float32)  # int32 converts faster than uint32
    values *= np.float32(2.0 ** -digits)
    return values


def _uniform53(gen, n):
    return _uniform(gen, n, np.float64)


def _compute_dtype(np_dtype):
    """The dtype a kernel computes in: float64 stays, every other float works in float32."""
    return np.float64 if np_dtype == np.float64 else np.float32


# -- normals -----------------------------------------------------------------------------------
def _normal(gen, like, mean, std):
    """Samples for ``like.normal_(mean, std)``, flat in fill order."""
    n = like.size
    if n >= 16 and like.flags.c_contiguous:  # NumPy's flag ignores size-1 dims, as torch
        return _normal_fill(gen, n, like.dtype, mean, std)
    return _chunked(fma, _box_muller_serial(gen, n), float(std), float(mean))


def _box_muller_serial(gen, n):
    """``n`` draws of ``normal_distribution<double>``: (cos, sin) pairs from two uniforms each,
    ``u1`` for the angle and ``u2`` for the radius; a value left over waits on ``gen``."""
    values = np.empty(n)
    start = 0
    if n and gen._normal_cache is not None:
        values[0], gen._normal_cache, start = gen._normal_cache, None, 1
    pairs = (n - start + 1) // 2
    u = _uniform53(gen, 2 * pairs).reshape(pairs, 2)
    radius = np.sqrt(-2.0 * libm("log1p")(-u[:, 1]))
    theta = _TWO_PI * u[:, 0]
    both = np.stack([radius * libm("cos")(theta), radius * libm("sin")(theta)], axis=1).ravel()
    values[start:] = both[:n - start]
    if (n - start) % 2:
        gen._normal_cache = float(both[-1])
    return values


def _normal_fill(gen, n, np_dtype, mean, std):
    """ATen's ``normal_fill``: ``n`` uniforms, Box-Muller per block of 16; a ragged end is
    recomputed from 16 fresh uniforms, overwriting the last 16 outputs."""
    dtype = _compute_dtype(np_dtype)
    values = _uniform(gen, n, dtype)
    whole = n - n % 16
    for start in range(0, whole, _CHUNK):   # a multiple of 16: chunks hold whole blocks
        _box_muller_16(values[start:min(start + _CHUNK, whole)], dtype, mean, std)
    if n % 16:
        values[n - 16:] = _box_muller_16(_uniform(gen, 16, dtype), dtype, mean, std)
    return values


def _box_muller_16(uniforms, dtype, mean, std):
    """``normal_fill_16`` on each row of 16, in place: radius from the first 8, angle from the
    last 8; returns ``uniforms``, now the normals.

    float32 is ATen's AVX2 kernel (Cephes polynomials, ``_cpu_math``); float64 uses libm.
    """
    blocks = uniforms.reshape(-1, 16)
    u1, u2 = dtype(1) - blocks[:, :8], blocks[:, 8:]
    if dtype == np.float32:
        # The uniforms are k / 2**24: on those inputs the plain float64 sum is the exact FMA.
        fused = _cpu_math.fma_rounded_twice
        radius = np.sqrt(np.float32(-2) * _cpu_math.log_avx2(u1, fma=fused))
        sin, cos = _cpu_math.sincos_avx2(np.float32(_TWO_PI) * u2, fma=fused)
        std, mean = np.float32(std), np.float32(mean)
    else:
        radius = np.sqrt(-2.0 * libm("log")(u1))
        theta = _TWO_PI * u2
        sin, cos = libm("sin")(theta), libm("cos")(theta)
    cos *= radius
    sin *= radius
    blocks[:, :8] = fma(cos, std, mean)
    blocks[:, 8:] = fma(sin, std, mean)
    return uniforms


# Elementwise work on large arrays is done this many elements at a time: every temporary then
# stays in cache and is reused by malloc. One NumPy expression over 10**6 elements makes
# fresh multi-megabyte temporaries, and the page faults to map them cost more than the maths.
# Smaller chunks pay NumPy's per-call cost more often: randn's polynomials make ~200 calls a
# chunk, and 2**14 was 30% slower than 2**16 (a float64 temporary of 2**16 is 512 KiB, one L2).
_CHUNK = 2 ** 16


def _chunked(function, values, *args):
    """``function(values, *args)`` for a flat array, computed ``_CHUNK`` elements at a time."""
    if values.size <= _CHUNK:
        return function(values, *args)
    out = None
    for start in range(0, values.size, _CHUNK):
        part = function(values[start:start + _CHUNK], *args)
        if out is None:
            out = np.empty(values.size, dtype=part.dtype)
        out[start:start + part.size] = part
    return out


# -- integers ----------------------------------------------------------------------------------
def _integers(gen, n, low, span):
    """``n`` integers in [low, low + span): ``word % span + low``, 64-bit words from 2**28 on."""
    if span < 2 ** 28:
        return (gen.random(n) % np.uint32(span)).astype(np.int64) + low
    words = gen.random64(n)
    if span == 2 ** 64:
        return words.view(np.int64)
    return (words % np.uint64(span)).astype(np.int64) + low


def _full_range_integers(gen, n, np_dtype):
    """``random_()`` without bounds: [0, 2**digits] for floats, [0, max] for integers."""
    name = np.dtype(np_dtype).name
    if name == "bool":
        return gen.random(n) & np.uint32(1)
    if name in _DIGITS:
        modulus = 2 ** _DIGITS[name] + 1
        words = gen.random64(n) if name == "float64" else gen.random(n)
    else:
        modulus = int(np.iinfo(np_dtype).max) + 1
        words = gen.random64(n) if name == "int64" else gen.random(n)
    return (words.astype(np.uint64) % np.uint64(modulus)).astype(np.int64)


def _fisher_yates(n, words):
    """torch's randperm: ``for i < n-1: swap(r[i], r[i + words[i] % (n - i)])`` from r = 0..n-1,
    without the sequential loop.

    Step i settles position i for good: it takes what position ``j[i]`` holds then, and
    leaves there what position i held. So a position's content is the value handed to it by
    the last earlier step that targeted it (or its own index); steps targeting the same
    position form a chain, and following chains back is pointer jumping: log2(n) gathers.
    """
    order, targets = _by_target(n, words)
    first = np.empty(n, dtype=bool)             # in that order: the first step of its group
    first[0] = True
    np.not_equal(targets[1:], targets[:-1], out=first[1:])
    # held[i]: the step whose value position i holds when step i comes (or i itself), i.e.
    # the last step before i that targeted i: the last of i's group, unless that is step i
    # swapping i with itself (about log(n) steps do), when it is the one before it.
    held = np.arange(n)
    ends = np.flatnonzero(first[1:])            # the last step of every group but the final one
    held[targets[ends]] = order[ends]
    held[targets[-1]] = order[-1]
    stay = np.flatnonzero(order == targets)
    held[targets[stay]] = np.where(first[stay], targets[stay], order[stay - 1])
    _follow_to_roots(held)
    # held[i] is now the step whose *own index* started the chain, i.e. the value step i
    # hands on. A group's first step takes its target's own value; each later step the value
    # the step before it in the group handed on.
    perm = np.empty(n, dtype=np.intp)
    perm[order[0]] = targets[0]
    perm[order[1:]] = np.where(first[1:], targets[1:], held[order[:-1]])
    return perm


def _by_target(n, words):
    """The steps sorted by target, then by step, and their targets: one sort of packed keys
    ``target << bits | step`` (unique, so any sort is stable; 32-bit keys while n <= 2**16,
    3x faster than a stable argsort of the targets), built in place in the keys' dtype."""
    half, whole = (np.uint16, np.uint32) if n <= 2 ** 16 else (np.uint32, np.uint64)
    steps = np.arange(n, dtype=whole)
    keys = np.empty(n, dtype=whole)             # step i swaps i and i + words[i] % (n - i)
    np.remainder(words, np.arange(n, 1, -1, dtype=np.uint32), out=keys[:-1])
    keys[-1] = 0                                # the last step swaps n-1 with itself
    keys += steps
    keys <<= 8 * np.dtype(half).itemsize
    keys |= steps
    keys.sort()
    low, high = (0, 1) if sys.byteorder == "little" else (1, 0)
    pairs = keys.view(half).reshape(n, 2)       # each key as (step, target) halves
    return pairs[:, low].astype(np.intp), pairs[:, high].astype(np.intp)


def _follow_to_roots(parent):
    """Point every entry of a forest's ``parent`` array (a root is its own parent) at its root,
    in place: pointer jumping, each round only over the entries whose parent is no root yet.

    (The simple loop, ``parent = parent[parent]`` until nothing changes, gathers all n entries
    every round; here most are settled after one, which makes randperm about 15% faster.)
    """
    active = np.flatnonzero(parent[parent] != parent)
    while active.size:
        grandparents = parent[parent[active]]
        parent[active] = grandparents
        active = active[parent[grandparents] != grandparents]


# -- the public functions ------------------------------------------------------------------------
def _new(size, dtype, device, requires_grad, fill):
    """A fresh tensor of ``size`` filled in place by ``fill`` (as torch does: empty, then fill)."""
    if _device.is_meta(device):  # no data, no generator: nothing is drawn
        return _finish(_meta.empty(_shape_arg(size), dtype.np), None, None, requires_grad)
    t = _finish(np.empty(_shape_arg(size), dtype=dtype.np), None, None, False)
    fill(t)
    return _finish(t._array, None, device, requires_grad)


def _new_like(input, dtype, device, requires_grad, fill):
    """``empty_like(input)``, filled: torch keeps a dense ``input``'s strides, so the fill order
    too; the result handed back is C-contiguous with the same values."""
    dtype = input.dtype if dtype is None else _dtype.to_dtype(dtype)
    if _device.is_meta(input.device if device is None else device):
        return _finish(_meta.empty(input.shape, dtype.np), None, None, requires_grad)
    t = Tensor._make(zeros_in_layout_of(input._array, dtype.np))
    fill(t)
    array = t._array if t._array.flags.c_contiguous else t._array.copy(order="C")
    return _finish(array, None, input.device if device is None else device, requires_grad)


def rand(*sizes, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    """Uniform on [0, 1)."""
    return _new(_sizes(sizes, size), _default(dtype), device, requires_grad,
                lambda t: uniform_(t, generator=generator))


def randn(*sizes, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False):
    """Standard normal."""
    return _new(_sizes(sizes, size), _default(dtype), device, requires_grad,
                lambda t: normal_(t, generator=generator))


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None,
            device=None, requires_grad=False, pin_memory=False):
    """Integers in [low, high); ``randint(high, size)`` or ``randint(low, high, size)``."""
    if size is None:
        low, high, size = 0, low, high
    if high is None or size is None:
        raise TypeError("randint() missing required arguments: 'high' and 'size'")
    return _new((size,), dtype or _dtype.int64, device, requires_grad,
                lambda t: random_(t, low, high, generator=generator))


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """A random permutation of 0..n-1 (torch's Fisher-Yates, one 32-bit word per step)."""
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    if _device.is_meta(device):
        return _finish(_meta.empty((n,), (dtype or _dtype.int64).np), None, None, requires_grad)
    gen = _random._of(generator)
    if n >= 2 ** 32 // 20:
        raise RuntimeError(f"randperm of n={n} is beyond learntorch (torch switches to a "
                           f"different algorithm at 2**32 / 20)")
    perm = _fisher_yates(n, gen.random(n - 1)) if n > 1 else np.arange(n)
    return _finish(perm.astype(np.int64, copy=False), dtype or _dtype.int64, device, requires_grad)


def rand_like(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    return _new_like(input, dtype, device, requires_grad,
                     lambda t: uniform_(t, generator=generator))


def randn_like(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    return _new_like(input, dtype, device, requires_grad,
                     lambda t: normal_(t, generator=generator))


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None, generator=None):
    if high is None:
        low, high = 0, low
    return _new_like(input, dtype, device, requires_grad,
                     lambda t: random_(t, low, high, generator=generator))


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad=False, pin_memory=False):
    """Normal samples; ``mean``/``std`` may be tensors (broadcast) or numbers (then ``size`` is needed).

    Tensor ``mean``/``std`` get a zero gradient, as in torch (the samples are not reparametrised).
    With tensors, torch draws standard normals and then scales and shifts them (two roundings).
    """
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        return _normal_of_tensors(mean, std, generator)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    if size is None:
        raise TypeError("normal() missing required argument 'size' when mean and std are numbers")
    return _new((size,), _default(dtype), device, requires_grad,
                lambda t: normal_(t, mean, std, generator=generator))


def _normal_of_tensors(mean, std, generator):
    like = mean if isinstance(mean, Tensor) else std
    _check_floating(like, "normal_kernel_cpu")
    m = mean._array if isinstance(mean, Tensor) else mean
    s = std._array if isinstance(std, Tensor) else std
    if np.any(np.asarray(s) < 0):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    shape = broadcast_shape(np.shape(m), np.shape(s))
    np_dtype = like._array.dtype
    if isinstance(std, Tensor):
        draws = _normal(_random._of(generator), np.empty(shape, np_dtype), 0.0, 1.0)
        values = draws.astype(np_dtype).reshape(shape) * s + np.asarray(m, np_dtype)
    else:  # torch: normal_(0, std), then add the mean
        draws = _normal(_random._of(generator), np.empty(shape, np_dtype), 0.0, s)
        values = draws.astype(np_dtype).reshape(shape) + m
    inputs = tuple(t for t in (mean, std) if isinstance(t, Tensor))
    node = ("NormalBackward3" if len(inputs) == 2 else
            "NormalBackward1" if isinstance(mean, Tensor) else "NormalBackward2")
    return _DRAWS[node].apply(*inputs, values=np.asarray(values, np_dtype))


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
    "RandomBackward0", "RandomBackward1", "RandomBackward2", "GeometricBackward0",
    "LogNormalBackward0", "CauchyBackward0")}


def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 samples (in ``input``'s dtype): 1 with probability ``input`` (or ``p``) per element."""
    if p is None:
        _check_probabilities(input)
        fill = lambda t: bernoulli_(t, input, generator=generator)  # noqa: E731
    else:
        _check_floating(input, "bernoulli_scalar_cpu_")
        fill = lambda t: bernoulli_(t, p, generator=generator)  # noqa: E731
    sample = _new_like(input, None, None, False, fill)
    return _DRAWS["BernoulliBackward0"].apply(input, values=sample._array)


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
    """``num_samples`` category indices per row, drawn with the row's (unnormalised) weights.

    As torch: without replacement (or for one sample) the top ``num_samples`` of
    ``weight / Exp(1)``; with replacement, a search of the normalised running sum.
    """
    probs = _check_multinomial(input, num_samples, replacement)
    gen = _random._of(generator)
    rows = probs.reshape(-1, probs.shape[-1])
    if not replacement or num_samples == 1:
        noise = _exponential(gen, rows.size, 1.0).astype(rows.dtype).reshape(rows.shape)
        keys = rows / noise
        picks = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    else:
        picks = np.array([_inverse_cdf(row, _uniform53(gen, num_samples)) for row in rows])
    shape = probs.shape[:-1] + (num_samples,)
    return Tensor._make(picks.astype(np.int64).reshape(shape))


def _inverse_cdf(weights, u):
    """The first category whose normalised running sum (in the weights' dtype) reaches ``u``."""
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    cdf[-1] = 1
    return np.searchsorted(cdf.astype(np.float64), u, side="left")


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
def _nothing_drawn_on_meta(fill):
    """A meta tensor has no data to fill and, as in torch, no generator: the fill returns it
    and the stream stays where it was (a model built on ``meta`` draws nothing)."""
    @functools.wraps(fill)
    def method(self, *args, **kwargs):
        return self if type(self._array) is _meta.MetaArray else fill(self, *args, **kwargs)
    return method


def _fill_random(self, node, values):
    """Write ``values`` (flat, in fill order) into ``self`` as the in-place op ``node`` (a zero
    gradient to the old values, as in torch; a leaf that requires grad needs ``no_grad``)."""
    values = _in_fill_order(np.asarray(values).astype(self._array.dtype, copy=False), self._array)
    return apply_inplace(self, lambda x: _DRAWS[node].apply(x, values=values))


@_nothing_drawn_on_meta
def uniform_(self, from_=0, to=1, *, generator=None):
    """Fill with samples uniform on [from_, to): one fused ``u * (to - from_) + from_``."""
    _check_floating(self, "check_uniform_bounds")
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={from_:g} > "
                           f"to={to:g}")
    dtype = _compute_dtype(self._array.dtype)
    low = self._array.dtype.type(from_)
    width = self._array.dtype.type(to) - low
    sample = _uniform(_random._of(generator), self._array.size, dtype)
    return _fill_random(self, "UniformBackward0", _chunked(fma, sample, dtype(width), dtype(low)))


@_nothing_drawn_on_meta
def normal_(self, mean=0, std=1, *, generator=None):
    """Fill with normal samples of the given mean and standard deviation."""
    _check_floating(self, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    return _fill_random(self, "NormalBackward0", _normal(_random._of(generator), self._array,
                                                         mean, std))


def _exponential(gen, n, lambd):
    """``-1/lambd * log1p(-u)`` in float64 (two roundings, as torch's CPU kernel)."""
    return (-1.0 / lambd) * libm("log1p")(-_uniform53(gen, n))


@_nothing_drawn_on_meta
def exponential_(self, lambd=1, *, generator=None):
    """Fill with samples of the exponential distribution with rate ``lambd``."""
    if not self.is_floating_point():
        raise RuntimeError(f"Exponential distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified "
                           f"{_dtype.type_word(self.dtype)}")
    if lambd <= 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    sample = _exponential(_random._of(generator), self._array.size, float(lambd))
    return _fill_random(self, "ExponentialBackward0", sample)


@_nothing_drawn_on_meta
def geometric_(self, p, *, generator=None):
    """Fill with the number of Bernoulli(p) trials up to the first success: ``ceil(log u / log1p(-p))``."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    u = _uniform53(_random._of(generator), self._array.size)
    return _fill_random(self, "GeometricBackward0", np.ceil(libm("log")(u) / math.log1p(-p)))


@_nothing_drawn_on_meta
def log_normal_(self, mean=1, std=2, *, generator=None):
    """Fill with ``exp`` of normal samples (drawn one element at a time, as torch does)."""
    _check_floating(self, "log_normal_cpu")
    if std <= 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    z = fma(_box_muller_serial(_random._of(generator), self._array.size), float(std), float(mean))
    return _fill_random(self, "LogNormalBackward0", libm("exp")(z))


@_nothing_drawn_on_meta
def cauchy_(self, median=0, sigma=1, *, generator=None):
    """Fill with ``median + sigma * tan(pi * (u - 1/2))`` (one fused multiply-add)."""
    _check_floating(self, "cauchy_cpu")
    u = _uniform53(_random._of(generator), self._array.size)
    tangent = libm("tan")(math.pi * (u - 0.5))
    return _fill_random(self, "CauchyBackward0", fma(tangent, float(sigma), float(median)))


@_nothing_drawn_on_meta
def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 0/1 samples, 1 with probability ``p`` (a number or a broadcastable tensor).

    A number is compared with a float64 uniform per element; a tensor of probabilities with
    a uniform of its own dtype (float32 takes one 32-bit word per element).
    """
    gen = _random._of(generator)
    if isinstance(p, Tensor):
        probs = _check_probabilities(p if p.shape == self.shape else p.expand(self.shape))
        probs = probs.transpose(memory_order(self._array)).ravel()  # in fill order
        u = _uniform(gen, probs.size, _compute_dtype(probs.dtype))
        return _fill_random(self, "BernoulliBackward1", u < probs)
    return _fill_random(self, "BernoulliBackward2",
                        _uniform53(gen, self._array.size) < _check_probability(p))


_UNSET = object()  # ``random_(5)`` means to=5, while ``random_(5, None)`` means from=5 to the top


@_nothing_drawn_on_meta
def random_(self, from_=None, to=_UNSET, *, generator=None):
    """Fill with integers: ``random_()`` in [0, 2^mantissa] (floats) or [0, max] (integers),
    ``random_(to)`` in [0, to), ``random_(from_, to)`` in [from_, to), ``random_(from_, None)``
    from ``from_`` to the top of the dtype."""
    gen, n = _random._of(generator), self._array.size
    if from_ is None and to is _UNSET:
        return _fill_random(self, "RandomBackward2", _full_range_integers(gen, n, self._array.dtype))
    if to is _UNSET:
        from_, to, node = 0, from_, "RandomBackward1"
    else:
        node = "RandomBackward0"
    from_ = int(from_ or 0)
    if to is None:
        return _fill_random(self, node, _integers(gen, n, from_, _top(self._array.dtype) - from_ + 1))
    to = int(to)
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= "
                           f"to={to}")
    return _fill_random(self, node, _integers(gen, n, from_, to - from_))


def _top(np_dtype):
    """The largest value ``random_(from_, None)`` may draw: 2**digits for floats, else the max."""
    name = np.dtype(np_dtype).name
    return 1 if name == "bool" else 2 ** _DIGITS[name] if name in _DIGITS else int(np.iinfo(np_dtype).max)


__all__ = ["rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like",
           "normal", "bernoulli", "multinomial"]

TENSOR_METHODS = ("bernoulli", "multinomial", "uniform_", "normal_", "exponential_", "bernoulli_",
                  "random_", "geometric_", "log_normal_", "cauchy_")
