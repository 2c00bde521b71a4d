"""``learntorch.multiprocessing``: Python's ``multiprocessing``, plus tensors that stay shared.

Everything of ``multiprocessing`` is here under the same names (``Process``, ``Queue``,
``get_context`` …), as torch re-exports it. What it adds: a tensor whose memory was moved to
shared memory with ``share_memory_()`` travels to a child process (as a ``Process``
argument or through a ``Queue``) as a handle to the *same* memory, so writes on either side
are seen by the other. Any other tensor is copied, as pickle copies it.

torch also moves every tensor it sends through a queue into shared memory; learntorch leaves
that choice to ``share_memory_()``, so sending a tensor never changes the sender's tensor.
"""
import multiprocessing
from multiprocessing import *  # noqa: F401,F403

from . import reductions
from .spawn import (ProcessContext, ProcessExitedException, ProcessRaisedException, SpawnContext,
                    spawn, start_processes)

__all__ = ["set_sharing_strategy", "get_sharing_strategy", "get_all_sharing_strategies",
           "init_reductions", "spawn", "start_processes", "ProcessContext", "SpawnContext",
           "ProcessRaisedException", "ProcessExitedException"] + multiprocessing.__all__

_STRATEGIES = {"file_descriptor", "file_system"}
_strategy = "file_descriptor"


def set_sharing_strategy(new_strategy):
    """Recorded; learntorch always passes shared memory as a file descriptor."""
    global _strategy
    assert new_strategy in _STRATEGIES, (f"invalid sharing strategy '{new_strategy}', expected one "
                                         f"of {_STRATEGIES}")
    _strategy = new_strategy


def get_sharing_strategy():
    return _strategy


def get_all_sharing_strategies():
    return set(_STRATEGIES)


def init_reductions():
    """Teach multiprocessing's pickler how to send tensors (done on import)."""
    reductions.init_reductions()


init_reductions()
