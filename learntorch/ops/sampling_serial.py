"""Samplers that ATen runs one element at a time: the gamma (Marsaglia–Tsang), Dirichlet,
Poisson (Hörmann's transformed rejection, or multiplication of uniforms) and binomial (BTRS, or
inversion) draws behind ``torch.distributions`` — torch's numbers, bit for bit.

Each element draws a varying number of uniforms and normals (rejection sampling), and the next
element continues from wherever the generator stands, so the draws cannot be vectorized: these
loops run per element, in the tensor's memory order (torch's ``cpu_serial_kernel``), with
``uniform_real_distribution<double>`` and ``normal_distribution<double>`` computed as in
sampling.py from a block of words drawn ahead (``_Draws``). The arithmetic follows ATen's types: for float32 inputs some steps are float32
(``np.float32`` below), the rest double.
"""
import ctypes
import ctypes.util
import math

import numpy as np

from .. import _dtype
from .. import random as _random
from .._tensor import Tensor
from .sampling import _check_floating

_F32 = np.float32


def _glibc_lgamma():
    """glibc's ``lgamma`` (Python's ``math.lgamma`` is CPython's own and can differ in the
    last bit, which can flip an acceptance test)."""
    name = ctypes.util.find_library("m")
    if name:
        try:
            function = ctypes.CDLL(name).lgamma
            function.restype, function.argtypes = ctypes.c_double, [ctypes.c_double]
            return function
        except (OSError, AttributeError):
            pass
    return math.lgamma


_lgamma = _glibc_lgamma()


class _Draws:
    """ATen's ``standard_uniform`` and ``standard_normal`` for a serial kernel, read from a
    block of generator words drawn ahead; ``close()`` leaves the generator exactly where the
    draws used would have (the unused words are given back by replaying the engine).

    The simple version draws each number from the generator (``_uniform53(gen, 1)``) — the same
    numbers, at ~10 µs of NumPy call overhead per draw; here a draw is a few float operations.
    """
    _BLOCK = 4096

    def __init__(self, gen):
        self.gen = gen
        self.start = gen._engine.state
        self.words, self.used = [], 0
        self.cache = gen._normal_cache

    def uniform(self):
        """``uniform_real_distribution<double>(0, 1)``: 53 bits of two words, high word first."""
        if self.used + 2 > len(self.words):
            self.words.extend(self.gen.random(self._BLOCK).tolist())
        high, low = self.words[self.used], self.words[self.used + 1]
        self.used += 2
        return ((high & 0x1FFFFF) * 4294967296.0 + low) * 2.0 ** -53

    def normal(self):
        """``normal_distribution<double>``: Box-Muller, the second value kept for the next call
        (math's log1p/cos/sin are glibc's, as torch's)."""
        if self.cache is not None:
            value, self.cache = self.cache, None
            return value
        u1, u2 = self.uniform(), self.uniform()
        radius = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        self.cache = radius * math.sin(theta)
        return radius * math.cos(theta)

    def close(self):
        """Rewind the engine and advance it by the words actually used."""
        fresh = self.gen._fresh
        self.gen._engine.state = self.start
        self.gen._fresh = fresh
        self.gen.random(self.used)
        self.gen._normal_cache = self.cache


def _serial(sample, generator, *arrays, out_dtype):
    """``sample(draws, *scalars)`` for each element of the ``arrays`` (broadcast to the first
    one's shape) in row-major order — torch's output is a fresh contiguous tensor, and
    TensorIterator walks it in its own memory order."""
    shape = arrays[0].shape
    try:
        flat = [np.broadcast_to(a, shape).ravel() for a in arrays]
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({list(arrays[1].shape)}) must match the size "
                           f"of tensor b ({list(shape)})") from None
    result = np.empty(arrays[0].size, dtype=out_dtype)
    draws = _Draws(_random._of(generator))
    try:
        for k, values in enumerate(zip(*flat)):
            result[k] = sample(draws, *values)
    finally:
        draws.close()
    return result.reshape(shape)


# -- gamma ------------------------------------------------------------------------------------
def _gamma_one(draws, alpha, single):
    """ATen's ``sample_gamma``: Marsaglia and Tsang (2000), boosted below alpha = 1."""
    scalar = _F32 if single else float
    alpha = scalar(alpha)
    scale = 1.0
    if alpha < 1.0:
        if alpha == 0:
            return 0.0
        scale *= math.pow(1 - draws.uniform(), float(scalar(1.0) / alpha))
        alpha = scalar(alpha + scalar(1.0))
    d = float(alpha - scalar(_F32(1.0) / _F32(3.0)))
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        while True:
            x = draws.normal()
            y = 1.0 + c * x
            if y > 0:
                break
        v = y * y * y
        u = 1 - draws.uniform()
        xx = x * x
        if u < 1.0 - float(_F32(0.0331)) * xx * xx:
            return scale * d * v
        if math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v


def _standard_gamma(input, generator=None):
    """Gamma(α, 1) samples for each α of ``input`` (``torch._standard_gamma``)."""
    _check_floating(input, "gamma_cpu")
    array = input._array
    single = array.dtype != np.float64
    tiny = np.finfo(array.dtype).tiny
    values = _serial(lambda draws, a: max(tiny, _cast(_gamma_one(draws, a, single), array.dtype)),
                     generator, array, out_dtype=array.dtype)
    return Tensor._make(values)


def _sample_dirichlet(input, generator=None):
    """Dirichlet samples: one double-precision gamma per concentration, normalized along the
    last dim, clamped into (0, 1) in the input's dtype (``torch._sample_dirichlet``)."""
    _check_floating(input, "dirichlet")
    array = input._array
    tiny = np.finfo(np.float64).tiny
    gammas = _serial(lambda draws, a: max(tiny, _gamma_one(draws, a, False)), generator,
                     array.astype(np.float64), out_dtype=np.float64)
    ratio = (gammas / gammas.sum(-1, keepdims=True)).astype(array.dtype)
    upper = np.nextafter(np.array(1.0, dtype=array.dtype), np.array(0.0, dtype=array.dtype))
    return Tensor._make(np.clip(ratio, np.finfo(array.dtype).tiny, upper))


def _cast(value, np_dtype):
    return float(np.array(value, dtype=np_dtype))


# -- poisson ----------------------------------------------------------------------------------
def _poisson_one(draws, lam):
    """ATen's ``sample_poisson``: transformed rejection (Hörmann 1993) from rate 10 up, the
    product of uniforms below."""
    if lam >= 10:
        slam, loglam = math.sqrt(lam), math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            U = draws.uniform() - 0.5
            V = draws.uniform()
            us = 0.5 - abs(U)
            k = math.floor((2 * a / us + b) * U + lam + 0.43)
            if us >= 0.07 and V <= vr:
                return k
            if k < 0 or (us < 0.013 and V > us):
                continue
            if (math.log(V) + math.log(invalpha) - math.log(a / (us * us) + b)) <= \
                    (-lam + k * loglam - _lgamma(k + 1.0)):
                return k
    if lam == 0:
        return 0
    enlam = math.exp(-lam)
    count, product = 0, 1.0
    while True:
        product *= draws.uniform()
        if product > enlam:
            count += 1
        else:
            return count


def poisson(input, generator=None):
    """A Poisson draw for each rate in ``input``, in ``input``'s dtype."""
    _check_floating(input, "poisson_cpu")
    array = input._array
    if array.size and not bool(np.all(array >= 0)):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    return Tensor._make(_serial(lambda draws, lam: _poisson_one(draws, float(lam)), generator,
                                array, out_dtype=array.dtype))


# -- binomial ---------------------------------------------------------------------------------
_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
         0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
         0.00925546218271273, 0.00833056343336287)


def _stirling_tail(k):
    """``log k! − (log √(2π) + (k + ½) log(k + 1) − (k + 1))``: a table, then its series."""
    if k <= 9:
        return _TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _binomial_inversion(draws, count, prob, scalar):
    geom_sum, num_geom = 0.0, scalar(0)
    logprob = math.log1p(-float(prob))
    while True:
        geom = math.ceil(math.log(draws.uniform()) / logprob)
        geom_sum += geom
        if geom_sum > count:
            return num_geom
        num_geom = scalar(num_geom + scalar(1))


def _binomial_btrs(draws, count, prob, scalar):
    """Hörmann's BTRS (transformed rejection with squeeze), as ATen writes it."""
    count_d, prob_d = float(count), float(prob)
    stddev = float(np.sqrt(scalar(scalar(count * prob) * scalar(scalar(1) - prob))))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * prob_d
    c = float(scalar(count * prob)) + 0.5
    v_r = 0.92 - 4.2 / b
    r = prob_d / (1 - prob_d)
    alpha = (2.83 + 5.1 / b) * stddev
    m = math.floor((count_d + 1) * prob_d)
    while True:
        U = draws.uniform() - 0.5
        V = draws.uniform()
        us = 0.5 - abs(U)
        k = float(scalar(math.floor((2 * a / us + b) * U + c)))
        if k < 0 or k > count_d:
            continue
        if us >= 0.07 and V <= v_r:
            return k
        V = math.log(V * alpha / (a / (us * us) + b))
        upperbound = ((m + 0.5) * math.log((m + 1) / (r * (count_d - m + 1)))
                      + (count_d + 1) * math.log((count_d - m + 1) / (count_d - k + 1))
                      + (k + 0.5) * math.log(r * (count_d - k + 1) / (k + 1))
                      + _stirling_tail(m) + _stirling_tail(count_d - m)
                      - _stirling_tail(k) - _stirling_tail(count_d - k))
        if V <= upperbound:
            return k


def _binomial_one(draws, count, prob, single):
    scalar = _F32 if single else float
    count, prob = scalar(count), scalar(prob)
    if count <= 0.0 or prob <= 0.0:
        return 0.0
    if prob >= 1.0:
        return float(count)
    if prob <= 0.5:
        if scalar(count * prob) >= 10.0:
            return _binomial_btrs(draws, count, prob, scalar)
        return float(_binomial_inversion(draws, count, prob, scalar))
    if prob > 0.5:
        qprob = scalar(scalar(1.0) - prob)
        if scalar(count * qprob) >= 10.0:
            return float(count - scalar(_binomial_btrs(draws, count, qprob, scalar)))
        return float(count - scalar(_binomial_inversion(draws, count, qprob, scalar)))
    return math.nan


def binomial(count, prob, generator=None):
    """A Binomial(count, prob) draw for each element of ``count`` (``prob`` broadcasts to it)."""
    if not count.is_floating_point():
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: "
                         f"{_dtype.type_word(count.dtype)}")
    array = count._array
    single = array.dtype != np.float64
    return Tensor._make(_serial(lambda draws, n, p: _binomial_one(draws, n, p, single),
                                generator, array, prob._array.astype(array.dtype),
                                out_dtype=array.dtype))


__all__ = ["poisson", "binomial"]
TENSOR_METHODS = ()
