"""Random numbers: torch's CPU generator, bit for bit.

torch's CPU generator is a 32-bit Mersenne Twister (mt19937) seeded the way C++'s
``std::mt19937(seed)`` is; every random function draws 32-bit words from it, one stream
for all (``aten/src/ATen/CPUGeneratorImpl.cpp``). NumPy's ``MT19937`` runs the same engine
and draws many words at once, so here it does the drawing; only the seeding (NumPy seeds
differently) and the state layout are torch's own. ``manual_seed(s)`` therefore gives the
numbers torch gives, and ``get_rng_state`` the bytes torch's gives (5,056 of them), so a
state saved by torch restores here and back. How each distribution turns words into
numbers is in ``learntorch/ops/sampling.py``.

On a GPU, learntorch draws with this CPU generator and moves the numbers: they are
torch's CPU numbers, not the numbers torch draws on CUDA (its Philox generator).
"""
import contextlib
import os
import struct

import numpy as np

_DEFAULT_SEED = 67280421310721  # torch's
_STATE_WORDS = 624
# torch's CPUGeneratorImplState: initial seed, left, seeded, next, 624 state words (each in a
# uint64), three legacy doubles (the cached normal in the middle), its valid flag, then the
# cached float normal and its flag; C struct padding included.
_STATE_LAYOUT = struct.Struct("<QiiQ624Qdddi4xf?3x")


def _seeded_key(seed):
    """mt19937's initial state for ``seed`` (``init_genrand``), as ``std::mt19937`` makes it."""
    key = np.empty(_STATE_WORDS, dtype=np.uint32)
    word = seed & 0xFFFFFFFF
    for i in range(_STATE_WORDS):
        key[i] = word
        word = (1812433253 * (word ^ (word >> 30)) + i + 1) & 0xFFFFFFFF
    return key


def _check_seed(seed):
    seed = int(seed)
    if not -2 ** 63 <= seed < 2 ** 64:
        raise ValueError("Overflow when unpacking long long")
    return seed & (2 ** 64 - 1)  # torch keeps negative seeds as their unsigned 64-bit pattern


class Generator:
    """A stream of random numbers; pass one as ``generator=`` to make a call independent."""

    def __init__(self, device="cpu"):
        from ._device import to_device
        self.device = to_device(device)
        self._engine = np.random.MT19937()
        # integers(0, 2**32, dtype=uint32) takes exactly one engine word per value: the raw
        # words, as uint32 (random_raw returns them as uint64, twice the memory to fill).
        self._words = np.random.Generator(self._engine).integers
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed):
        """Restart the stream from ``seed`` (any integer in [-2**63, 2**64)); returns self."""
        self._seed = _check_seed(seed)
        self._set_engine(_seeded_key(self._seed), _STATE_WORDS)
        self._fresh = True  # torch tells a fresh state (next word 0) from a used-up block
        self._normal_cache = None  # the second value of a Box-Muller pair, kept for later
        self._next_float_normal = None
        return self

    def seed(self):
        """Re-seed from the operating system's entropy; returns the new seed."""
        new = int.from_bytes(os.urandom(8), "little") & (2 ** 63 - 1)
        self.manual_seed(new)
        return new

    def initial_seed(self):
        return self._seed

    # -- drawing ---------------------------------------------------------------------------
    def random(self, n):
        """The next ``n`` 32-bit words (torch's ``random()``), as uint32."""
        self._fresh = self._fresh and n == 0
        return self._words(0, 2 ** 32, n, dtype=np.uint32)

    def random64(self, n):
        """The next ``n`` 64-bit words (torch's ``random64()``): two draws each, high word first."""
        words = self.random(2 * n)
        return (words[0::2].astype(np.uint64) << np.uint64(32)) | words[1::2]

    # -- state, in torch's byte layout -----------------------------------------------------
    def get_state(self):
        """The state as torch's 5,056-byte ``uint8`` tensor."""
        from ._tensor import Tensor
        state = self._engine.state["state"]
        position = int(state["pos"])
        next_word = 0 if self._fresh else position
        cached = self._normal_cache
        cached_float = self._next_float_normal
        raw = _STATE_LAYOUT.pack(
            self._seed, _STATE_WORDS + 1 - position, 1, next_word, *state["key"].tolist(),
            0.0, cached or 0.0, 0.0, cached is not None,
            cached_float or 0.0, cached_float is not None)
        return Tensor._make(np.frombuffer(raw, dtype=np.uint8).copy())

    def set_state(self, new_state):
        """Restore a state from ``get_state`` here or ``torch.get_rng_state()``; returns self."""
        raw = np.ascontiguousarray(new_state.numpy()).tobytes() if hasattr(new_state, "numpy") \
            else bytes(new_state)
        if len(raw) != _STATE_LAYOUT.size:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_LAYOUT.size} but "
                               f"found the input RNG state size to be {len(raw)}")
        fields = _STATE_LAYOUT.unpack(raw)
        seed, left, _, next_word = fields[:4]
        key = np.array(fields[4:4 + _STATE_WORDS], dtype=np.uint64).astype(np.uint32)
        _, normal_y, _, normal_valid, float_normal, float_valid = fields[4 + _STATE_WORDS:]
        if not 1 <= left <= _STATE_WORDS:
            raise RuntimeError("The generator state has an invalid 'left' value")
        self._seed = seed
        self._set_engine(key, _STATE_WORDS + 1 - left)
        self._fresh = next_word == 0 and left == 1
        self._normal_cache = normal_y if normal_valid else None
        self._next_float_normal = float(float_normal) if float_valid else None
        return self

    def _set_engine(self, key, position):
        self._engine.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": position}}

    def clone_state(self):
        """A new Generator in this one's state (torch's ``Generator.clone_state``)."""
        twin = Generator(self.device)
        return twin.set_state(self.get_state())


default_generator = Generator()


def _of(generator):
    """The generator a random function draws from."""
    return default_generator if generator is None else generator


def manual_seed(seed):
    """Seed the default generator (and CuPy's, when a GPU is in use); returns the generator."""
    default_generator.manual_seed(seed)
    return default_generator


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, device_type="cuda"):
    """Run a block with the default generator's state restored afterwards (torch.random.fork_rng)."""
    if not enabled:
        yield
        return
    saved = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(saved)
