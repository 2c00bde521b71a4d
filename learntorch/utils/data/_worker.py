"""Worker processes: each holds a copy of the dataset, takes batches of indices from its own
queue and puts collated batches on one shared result queue; the main process hands indices
out round robin (``prefetch_factor`` batches ahead per worker) and yields results in order.

Like torch: worker ``i`` seeds learntorch and ``random`` with ``base_seed + i`` and NumPy with
torch's ``_generate_state``; exceptions come back with their traceback, naming the worker; a
dead worker, a timeout or an unpicklable notebook class raise at once instead of hanging.
"""
import multiprocessing
import os
import random
import sys
import traceback
from dataclasses import dataclass

import numpy as np

from .fetch import create_fetcher

POLL_S = 0.1  # how often a waiting main process checks that its workers are alive

_worker_info = None


@dataclass
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker (``None`` in the main process)."""
    id: int
    num_workers: int
    seed: int
    dataset: object


def get_worker_info():
    """This worker's id, the number of workers, its seed and its dataset copy — what an
    IterableDataset needs to shard its stream.  ``None`` outside a worker."""
    return _worker_info


class ExceptionWrapper:
    """An exception from a worker, with its formatted traceback, re-raised in the main process."""

    def __init__(self, worker_id):
        exc_type, exc, tb = sys.exc_info()
        self.exc_type = exc_type
        self.exc_msg = "".join(traceback.format_exception(exc_type, exc, tb))
        self.where = f"in DataLoader worker process {worker_id}"

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


class IterableDatasetStopIteration:
    def __init__(self, worker_id):
        self.worker_id = worker_id


RESUME = "resume"  # persistent workers: start a new epoch (rebuild the fetcher)


def _generate_state(base_seed, worker_id):
    """torch's SeedSequence-like mix of (worker_id, base_seed) into NumPy's 4-word seed."""
    mask32 = 0xFFFFFFFF
    xshift = 16
    entropy = [worker_id, base_seed & mask32, base_seed >> 32, 0]
    hash_const_a = 0x43B0D7E5

    def hash_(value):
        nonlocal hash_const_a
        value = (value ^ hash_const_a) & mask32
        hash_const_a = (hash_const_a * 0x931E8875) & mask32
        value = (value * hash_const_a) & mask32
        return (value ^ (value >> xshift)) & mask32

    def mix(x, y):
        result = ((0xCA01F9DD * x) - (0x4973F715 * y)) & mask32
        return (result ^ (result >> xshift)) & mask32

    pool = [hash_(e) for e in entropy]
    for i_src in range(4):
        for i_dst in range(4):
            if i_src != i_dst:
                pool[i_dst] = mix(pool[i_dst], hash_(pool[i_src]))
    hash_const_b = 0x8B51F9DD
    state = []
    for value in pool:
        value = (value ^ hash_const_b) & mask32
        hash_const_b = (hash_const_b * 0x58F38DED) & mask32
        value = (value * hash_const_b) & mask32
        state.append((value ^ (value >> xshift)) & mask32)
    return state


def worker_loop(job, index_queue, data_queue, base_seed, worker_id, num_workers):
    """The body of one worker process (module level, so spawn can find it)."""
    global _worker_info
    import learntorch
    dataset, iterable, auto_collation, collate_fn, drop_last, worker_init_fn = job
    seed = base_seed + worker_id
    random.seed(seed)
    learntorch.manual_seed(seed)
    np.random.seed(_generate_state(base_seed, worker_id))
    _worker_info = WorkerInfo(worker_id, num_workers, seed, dataset)
    init_error = None
    try:
        if worker_init_fn is not None:
            worker_init_fn(worker_id)
        fetcher = create_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
    except Exception:
        init_error = ExceptionWrapper(worker_id)
    while True:
        try:
            message = index_queue.get()
        except (EOFError, KeyboardInterrupt):
            return
        if message is None:
            return
        if message == RESUME:
            fetcher = create_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
            data_queue.put((RESUME, None))
            continue
        idx, index = message
        if init_error is not None:
            data, init_error = init_error, None
        else:
            try:
                data = fetcher.fetch(index)
            except StopIteration:
                data = IterableDatasetStopIteration(worker_id)
            except Exception:
                data = ExceptionWrapper(worker_id)
        data_queue.put((idx, data))


def _main_is_importable():
    """Spawned workers re-import ``__main__`` by file; a notebook's or REPL's has no file, and
    a script read from stdin (``python -``) has the file name "<stdin>", which does not exist."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return path is not None and os.path.isfile(path)


def _defined_in_main(obj):
    return getattr(type(obj), "__module__", None) == "__main__" or \
        getattr(obj, "__module__", None) == "__main__"


def check_spawnable(context, objects):
    if context.get_start_method() == "fork" or _main_is_importable():
        return
    names = [getattr(o, "__qualname__", type(o).__qualname__) for o in objects
             if o is not None and _defined_in_main(o)]
    if names:
        raise RuntimeError(
            f"DataLoader workers start with {context.get_start_method()!r}, which re-imports "
            f"your classes and functions by name, but {', '.join(names)} is defined in "
            "__main__ (a notebook cell or an interactive session), which a worker cannot import. "
            "Move it into a .py file next to the notebook and import it from there, use "
            "num_workers=0, or on Linux pass multiprocessing_context='fork'.")


def get_context(loader):
    context = loader.multiprocessing_context
    if context is None:
        return multiprocessing.get_context()
    if isinstance(context, str):
        return multiprocessing.get_context(context)
    return context


def shutdown(workers, index_queues):
    """Ask each worker to stop, wait a moment, then terminate the ones that did not."""
    for q in index_queues:
        try:
            q.put(None)
        except (OSError, ValueError):
            pass
    for w in workers:
        w.join(timeout=1.0)
        if w.is_alive():
            w.terminate()
            w.join()
    for q in index_queues:
        q.cancel_join_thread()
        q.close()
