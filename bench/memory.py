"""Peak memory of 10 training epochs of the digits MLP and of LeNet (bench/digits.py),
learntorch against torch, each run in a fresh Python process.

The child imports the library, builds the data, the model and its optimizer, then trains.
Two rows per model: the process's peak resident set (what the operating system reports,
imports included: torch's own libraries are most of its number) and the growth of the
resident set during training over what the process held before it (the framework's working
memory: activations, gradients, saved tensors, optimizer state, freed arrays not yet returned).
On Linux the growth is measured exactly (the kernel's high-water mark is reset before
training); elsewhere it is the process peak minus the resident set before training.
"""
import json
import resource
import subprocess
import sys
from functools import lru_cache, partial
from pathlib import Path

import numpy as np

from .core import Target, Workload

EPOCHS = 10
MODELS = {"mlp": "digits MLP 64-256-128-10", "lenet": "LeNet"}


def _setup(rng):
    return {}


@lru_cache(maxsize=None)
def _child(model, library, threads, run):
    """Train in a fresh process; its ``{"peak": bytes, "growth": bytes}`` (``run`` numbers the
    repetition, so that each one gets its own process and the two rows share them)."""
    command = [sys.executable, "-m", "bench.memory", model, library, str(threads)]
    done = subprocess.run(command, cwd=Path(__file__).parent.parent, capture_output=True,
                          text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command[1:])} failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.splitlines()[-1])


def _memory_step(model, key, library):
    threads = _threads()
    runs = iter(range(1 << 30))

    def step():
        return _child(model, library, threads, next(runs))[key]
    return step


def _threads():
    """The threads the parent was given (``python -m bench --threads``), for the children."""
    import torch
    return torch.get_num_threads()


WORKLOADS = [
    Workload(
        name=f"memory {label} x{EPOCHS}: {what}",
        setup=_setup,
        learntorch=partial(_memory_step, model, key, "learntorch"),
        numpy=None,
        torch=partial(_memory_step, model, key, "torch"),
        target=Target("torch", 1.5) if model == "lenet" else None,
        unit="B",
        compare=False,
        note=(f"{EPOCHS} epochs, batch 64, SGD momentum, in a fresh process; "
              + ("peak resident set, imports included" if key == "peak" else
                 "resident-set growth during training")
              + ("; target = issue 13's" if model == "lenet" else "")),
    )
    for model, label in MODELS.items() for key, what in (("peak", "peak RSS"),
                                                         ("growth", "RSS growth"))
]


# -- the child process ------------------------------------------------------------------------
def _rss(field):
    """``VmRSS`` or ``VmHWM`` of this process in bytes, or None off Linux."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _peak_so_far():
    """The process's peak resident set in bytes: ``VmHWM`` on Linux (``ru_maxrss`` there
    would start from the parent's peak at the fork), else ``ru_maxrss`` (bytes on macOS)."""
    peak = _rss("VmHWM")
    if peak is not None:
        return peak
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _train(model, library, threads):
    import threadpoolctl
    if library == "torch":
        import torch as lib
        lib.set_num_threads(threads)
    else:
        import learntorch as lib
    from . import digits
    with threadpoolctl.threadpool_limits(limits=threads, user_api="blas"):
        epoch = digits.trainer(lib, model, **digits.setup(model, np.random.default_rng(0)))
        before, peak_before = _rss("VmRSS"), _peak_so_far()
        try:   # reset the high-water mark to the resident set now (Linux)
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")
        except OSError:   # then the growth is how far the process's peak rose
            before = peak_before
        for _ in range(EPOCHS):
            epoch()
        during = _peak_so_far()
        return {"peak": max(peak_before, during), "growth": during - before}


if __name__ == "__main__":
    print(json.dumps(_train(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
