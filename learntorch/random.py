"""Random numbers: ``manual_seed``, ``Generator`` (a NumPy ``Generator`` underneath).

The same seed always gives the same numbers in learntorch, so notebooks are
reproducible; they are *not* the numbers torch draws for that seed (torch uses its own
Mersenne-Twister/Philox streams).
"""
import json

import numpy as np

_DEFAULT_SEED = 67280421310721  # torch's default seed, kept for familiarity


class Generator:
    """A stream of random numbers; pass one as ``generator=`` to make a call independent."""

    def __init__(self, device="cpu"):
        self.device = device
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed):
        seed = int(seed)
        if seed < 0:
            seed &= (1 << 64) - 1
        self._seed = seed
        self._np = np.random.Generator(np.random.PCG64(seed))
        return self

    def seed(self):
        """Re-seed from the operating system's entropy; returns the new seed."""
        new = int(np.random.SeedSequence().entropy % (1 << 63))
        self.manual_seed(new)
        return new

    def initial_seed(self):
        return self._seed

    def get_state(self):
        from ._tensor import Tensor
        encoded = json.dumps(self._np.bit_generator.state).encode()
        return Tensor._make(np.frombuffer(encoded, dtype=np.uint8).copy())  # a uint8 tensor, as in torch

    def set_state(self, new_state):
        self._np.bit_generator.state = json.loads(bytes(new_state.numpy()).decode())
        return self


default_generator = Generator()


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


def numpy_generator(generator=None):
    """The NumPy generator behind ``generator`` (the default one when None)."""
    return (generator or default_generator)._np
