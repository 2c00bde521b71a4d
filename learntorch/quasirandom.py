"""torch.quasirandom: ``SobolEngine``, low-discrepancy (optionally scrambled) Sobol sequences.

A Sobol point is a vector of 30-bit integers, one per dimension, read as binary fractions.
Point t+1 is point t XOR one *direction number* per dimension: the one whose index is the
number of trailing 1 bits of t (a Gray-code walk).  The direction numbers come from the
primitive polynomials and initial values of S. Joe and F. Y. Kuo's table new-joe-kuo-6.21201
(learntorch/data/sobol_joe_kuo.npz, written by tools/sobol_table.py; licence in
learntorch/data/README.md), the table torch compiles into ATen.

Scrambling (Owen 1998, as torch does it) draws a random digital shift and one random lower
triangular bit matrix per dimension through the generator, in torch's order, so a seeded
scrambled engine gives torch's numbers bit for bit.
"""
import functools
import operator
import pathlib

import numpy as np

from . import _dtype
from .ops import arange, cat, empty, from_numpy, mv, randint, zeros
from .ops import pow as _pow
from .random import Generator

_TABLE = pathlib.Path(__file__).parent / "data" / "sobol_joe_kuo.npz"
_MAXBIT = 30
_BITS = np.arange(_MAXBIT - 1, -1, -1)  # column j of the state holds bit 29 - j and below


@functools.cache
def _joe_kuo():
    with np.load(_TABLE) as z:
        return {name: z[name] for name in z.files}


def _initial_state(dimension, table=None):
    """Direction numbers, ``(dimension, 30)`` int64, as ATen's _sobol_engine_initialize_state_.

    Row d holds v_1 … v_30 of dimension d+1 as 30-bit fractions.  The first ``s`` (the degree
    of the dimension's polynomial) are the table's m_i; the rest follow Bratley and Fox's
    recurrence  m_j = m_{j-s} ^ (m_{j-s} << s) ^ XOR_k a_k (m_{j-k} << k),  computed for all
    dimensions at once, one column at a time.
    """
    table = table or _joe_kuo()
    poly = table["poly"][:dimension].astype(np.int64)
    m = np.hstack([table[k][:dimension] for k in ("m8", "m16", "m32")]).astype(np.int64)
    degree = np.frexp(poly)[1] - 1  # bit_length - 1; dimension 1 has degree 0
    maxdeg = int(degree.max())
    v = np.zeros((dimension, _MAXBIT), np.int64)
    v[:, :m.shape[1]] = m
    v[0] = 1  # van der Corput's sequence
    k = np.arange(1, maxdeg + 1)
    # uses[d, k-1]: does m_{j-k} << k enter the recurrence (k = s is the polynomial's 1 bit)
    uses = (k <= degree[:, None]) & ((poly[:, None] >> np.maximum(degree[:, None] - k, 0)) & 1 == 1)
    for j in range(1, _MAXBIT):
        rows = np.flatnonzero((degree >= 1) & (degree <= j))
        new = v[rows, j - degree[rows]]
        for kk in range(1, min(j, maxdeg) + 1):
            new ^= np.where(uses[rows, kk - 1], v[rows, j - kk] << kk, 0)
        v[rows, j] = new
    return v << _BITS


def _int(value, op, name, position):
    """ATen's argument parser: an integer (or a 0-d integer tensor), else torch's TypeError."""
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be int, not "
                        f"{type(value).__name__}") from None


def _trailing_ones(k):
    """Index of the direction number that takes point k to point k+1."""
    return np.bitwise_count(k ^ (k + 1)).astype(np.intp) - 1


def _draw(quasi, n, sobolstate, dimension, num_generated, dtype):
    """ATen's _sobol_engine_draw: the ``n`` points after ``quasi`` (point ``num_generated``)."""
    n = _int(n, "_sobol_engine_draw", "n", 2)
    start = _int(num_generated, "_sobol_engine_draw", "num_generated", 5)
    result = empty((n, dimension), dtype=dtype)
    if dtype not in (_dtype.float32, _dtype.float64):
        raise NotImplementedError(f"\"_sobol_engine_draw\" not implemented for "
                                  f"'{_dtype.type_word(dtype)}'")
    steps = sobolstate.numpy().T.astype(np.uint32)[_trailing_ones(np.arange(start, start + n))]
    np.bitwise_xor.accumulate(steps, axis=0, out=steps)
    steps ^= quasi.numpy().astype(np.uint32)
    out = result.numpy()
    out[...] = steps  # rounds to float32 as ATen's int64 -> float does, then scales exactly
    out *= 2.0 ** -_MAXBIT
    return result, from_numpy(steps[-1].astype(np.int64) if n else quasi.numpy().copy())


def _fast_forward_(quasi, n, sobolstate, num_generated):
    """ATen's _sobol_engine_ff_: advance ``quasi`` by ``n`` points in place.

    The XOR of the steps from point a to point b is the XOR of the direction numbers at the
    set bits of gray(a) ^ gray(b), gray(t) = t ^ (t >> 1): O(30), not O(n).
    """
    n = _int(n, "_sobol_engine_ff_", "n", 2)
    a = _int(num_generated, "_sobol_engine_ff_", "num_generated", 5)
    if n > 0:
        b = a + n
        flips = ((a ^ (a >> 1) ^ b ^ (b >> 1)) >> np.arange(_MAXBIT)) & 1 == 1
        quasi.numpy()[...] ^= np.bitwise_xor.reduce(sobolstate.numpy()[:, flips], axis=1)
    return quasi


def _scramble_(sobolstate, ltm):
    """ATen's _sobol_engine_scramble_: v <- L v over GF(2), one unit lower triangular L per row.

    Bit 29 - k of v is entry k of the bit vector (most significant first).  L v is the XOR of
    the columns of L picked by v's bits; column k of L, read as a 30-bit number, is ``cols[:, k]``.
    """
    cols = np.einsum("dpk,p->dk", ltm.numpy(), 1 << _BITS)  # (dimension, k)
    cols |= 1 << _BITS  # the unit diagonal
    state = sobolstate.numpy()
    scrambled = np.zeros_like(state)
    for k in range(_MAXBIT):
        scrambled ^= ((state >> _BITS[k]) & 1) * cols[:, k:k + 1]
    state[...] = scrambled
    return sobolstate


class SobolEngine:
    r"""An engine for (scrambled) Sobol sequences, up to 21201 dimensions.

    ``draw(n)`` returns the next ``n`` points as an ``(n, dimension)`` tensor (default dtype);
    ``draw_base2(m)`` the next ``2**m``, keeping the total a power of two; ``fast_forward(n)``
    skips ``n``; ``reset()`` starts over.  ``scramble=True`` randomises the sequence (seeded by
    ``seed``, else the global generator), as in torch.
    """

    MAXBIT = _MAXBIT
    MAXDIM = 21201

    def __init__(self, dimension, scramble=False, seed=None):
        if dimension > self.MAXDIM or dimension < 1:
            raise ValueError("Supported range of dimensionality "
                             f"for SobolEngine is [1, {self.MAXDIM}]")
        self.seed = seed
        self.scramble = scramble
        self.dimension = dimension
        self.sobolstate = zeros(dimension, self.MAXBIT, dtype=_dtype.int64)
        self.sobolstate.numpy()[...] = _initial_state(dimension)
        if self.scramble:
            self._scramble()
        else:
            self.shift = zeros(self.dimension, dtype=_dtype.int64)
        self.quasi = self.shift.clone()
        # Point 0 is the shift itself, in the default dtype of the moment (draw casts it later).
        self._first_point = (self.quasi / 2 ** self.MAXBIT).reshape(1, -1)
        self.num_generated = 0

    def draw(self, n=1, out=None, dtype=None):
        """The next ``n`` points, ``(n, dimension)``; they depend on the points drawn before."""
        if dtype is None:
            dtype = _dtype.get_default_dtype()
        if self.num_generated == 0:
            first = self._first_point.to(dtype)
            if n == 1:
                result = first
            else:
                rest, self.quasi = _draw(self.quasi, n - 1, self.sobolstate, self.dimension, 0,
                                         dtype)
                result = cat((first, rest), dim=-2)
        else:
            result, self.quasi = _draw(self.quasi, n, self.sobolstate, self.dimension,
                                       self.num_generated - 1, dtype)
        self.num_generated += n
        if out is not None:
            out.resize_as_(result).copy_(result)
            return out
        return result

    def draw_base2(self, m, out=None, dtype=None):
        """The next ``2**m`` points; the total drawn must stay a power of two (balance)."""
        n = 2 ** m
        total_n = self.num_generated + n
        if not (total_n & (total_n - 1) == 0):
            raise ValueError("The balance properties of Sobol' points require "
                             f"n to be a power of 2. {self.num_generated} points have been "
                             f"previously generated, then: n={self.num_generated}+2**{m}="
                             f"{total_n}. If you still want to do this, please use "
                             "'SobolEngine.draw()' instead.")
        return self.draw(n=n, out=out, dtype=dtype)

    def reset(self):
        """Back to the first point (the scrambling, if any, stays)."""
        self.quasi.copy_(self.shift)
        self.num_generated = 0
        return self

    def fast_forward(self, n):
        """Skip ``n`` points, as if drawn and thrown away."""
        if self.num_generated == 0:
            _fast_forward_(self.quasi, n - 1, self.sobolstate, 0)
        else:
            _fast_forward_(self.quasi, n, self.sobolstate, self.num_generated - 1)
        self.num_generated += n
        return self

    def _scramble(self):
        generator = None
        if self.seed is not None:
            generator = Generator()
            generator.manual_seed(self.seed)
        # torch's draws, in torch's order: the shift bits, then the matrices.
        shift_bits = randint(2, (self.dimension, self.MAXBIT), generator=generator)
        self.shift = mv(shift_bits, _pow(2, arange(0, self.MAXBIT)))
        ltm = randint(2, (self.dimension, self.MAXBIT, self.MAXBIT), generator=generator).tril()
        _scramble_(self.sobolstate, ltm)

    def __repr__(self):
        args = [f"dimension={self.dimension}"]
        if self.scramble:
            args.append("scramble=True")
        if self.seed is not None:
            args.append(f"seed={self.seed}")
        return f"{type(self).__name__}({', '.join(args)})"
