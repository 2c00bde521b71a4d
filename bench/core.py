"""What a workload is, and how one step is timed."""
import itertools
import statistics
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import numpy as np

LABELS = {"learntorch": "learntorch", "numpy": "NumPy", "torch": "torch"}

# A workload's inputs are NumPy arrays made once by ``setup``; each library's ``make`` turns
# them into its own objects and returns the zero-argument step that is timed.
Inputs = dict
Step = Callable[[], object]
Make = Callable[..., Step]


@dataclass(frozen=True)
class Target:
    """learntorch's time must be at most ``max_ratio`` times ``baseline``'s ("numpy" or "torch")."""
    baseline: str
    max_ratio: float

    def met(self, ratio):
        return ratio <= self.max_ratio

    def __str__(self):
        return f"<= {self.max_ratio}x {LABELS[self.baseline]}"


@dataclass(frozen=True)
class Workload:
    """One table row: the same computation written for learntorch, NumPy and torch.

    ``setup(rng)`` returns the NumPy inputs as a dict; ``learntorch``, ``numpy`` and ``torch``
    are called with them as keyword arguments and return the step to time.  A step returns its
    result (an array, tensor, or tuple of them) so that the three can be checked against each
    other before timing.  ``ops`` is how many operations one step counts as, for a per-op time.
    ``numpy`` is None where no hand-written floor makes sense.  With ``unit="B"`` a step is not
    timed: it returns a number of bytes it measured, and the row shows the median of
    ``repeats`` steps.
    """
    name: str
    setup: Callable[[np.random.Generator], Inputs]
    learntorch: Make
    numpy: Optional[Make]
    torch: Make
    target: Optional[Target] = None
    ops: Optional[int] = None
    note: str = ""
    compare: bool = True   # False where the libraries rightly compute different values (random draws)
    unit: str = "s"        # "s": seconds per step, timed; "B": bytes, returned by the step

    def make(self, library, inputs):
        return getattr(self, library)(**inputs)


# OpenBLAS's worker threads spin for about 0.1-0.2 s after a product before they sleep, and
# torch's intra-op threads after an op: a 2-thread torch loop started at once after a NumPy
# one ran 2-3x slower here (a 1-core-busy machine) until 0.2 s had passed.
SETTLE = 0.25


def calibrate(step, min_time):
    """How many calls of ``step`` make one loop last ``min_time``, and that loop's seconds.

    The loop length doubles until one loop lasts ``min_time``; those loops are the warm-up,
    and the last of them counts as the first timed loop.
    """
    number = 1
    while True:
        elapsed = _loop(step, number)
        if elapsed >= min_time:
            return number, elapsed
        number *= 2


def _loop(step, number):
    start = time.perf_counter()
    for _ in itertools.repeat(None, number):
        step()
    return time.perf_counter() - start


@dataclass
class Result:
    """One workload's outcome: seconds per step (or bytes, see ``Workload.unit``) by library,
    and what went wrong where."""
    workload: Workload
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)       # library -> the exception, described
    mismatches: dict = field(default_factory=dict)   # library -> how its result differs

    def ratio(self, baseline):
        """learntorch's value over ``baseline``'s, or None if either is missing."""
        if "learntorch" in self.values and baseline in self.values:
            return self.values["learntorch"] / self.values[baseline]
        return None

    def target_met(self):
        """None when there is no target, or no trustworthy learntorch time to hold against it."""
        target = self.workload.target
        if target is None or self.ratio(target.baseline) is None or "learntorch" in self.mismatches:
            return None
        return target.met(self.ratio(target.baseline))


def measure(workload, min_time, repeats, seed=0):
    """Run ``workload`` for each library: check its first result against NumPy's, then time it
    (or, for a ``unit="B"`` workload, take the median of ``repeats`` measurements).

    The libraries' timed loops take turns (NumPy, learntorch, torch, NumPy, …), and each
    library's time is the median of its ``repeats`` loops: a machine whose speed drifts while
    the row runs (a shared host) slows all three alike, so the ratios hold still.  Each loop
    starts ``SETTLE`` seconds after the last one ended, when the other library's idle threads
    have stopped spinning.
    """
    inputs = workload.setup(np.random.default_rng(seed))
    result = Result(workload)
    reference = None
    timed = {}   # library -> (step, calls per loop, seconds per call of each loop)
    for library in ("numpy", "learntorch", "torch"):   # NumPy first: its result is the reference
        if getattr(workload, library) is None:
            continue
        try:
            step = workload.make(library, inputs)
            output = step()
            if workload.unit == "B":
                result.values[library] = statistics.median(
                    [output] + [step() for _ in range(repeats - 1)])
                continue
            if library == "numpy":
                reference = output
            elif reference is not None and workload.compare:
                difference = _difference(output, reference)
                if difference:
                    result.mismatches[library] = difference
            time.sleep(SETTLE)
            number, elapsed = calibrate(step, min_time)
            timed[library] = (step, number, [elapsed / number])
        except Exception as error:   # reported in the table and its notes, never hidden
            result.errors[library] = _describe(error)
    for _ in range(repeats - 1):
        for step, number, times in timed.values():
            time.sleep(SETTLE)
            times.append(_loop(step, number) / number)
    for library, (_, _, times) in timed.items():
        result.values[library] = statistics.median(times)
    return result


def _difference(got, want):
    """How ``got`` (a tensor, array, or tuple of them) differs from NumPy's ``want``, or ''."""
    if isinstance(want, tuple):
        if not isinstance(got, tuple) or len(got) != len(want):
            return f"returned {type(got).__name__}, expected a {len(want)}-tuple"
        return "; ".join(filter(None, map(_difference, got, want)))
    got = np.asarray(got.detach().numpy() if hasattr(got, "detach") else got)
    want = np.asarray(want)
    if got.shape != want.shape:
        return f"shape {got.shape}, NumPy's {want.shape}"
    if got.dtype != want.dtype:
        return f"dtype {got.dtype}, NumPy's {want.dtype}"
    scale = max(1.0, float(np.max(np.abs(want), initial=0)))
    if not np.allclose(got, want, rtol=1e-3, atol=1e-3 * scale):
        return f"values differ (max abs difference {float(np.max(np.abs(got - want))):.3g})"
    return ""


def _describe(error):
    """``Type: message``, where the bench made the call, and where it was raised."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if Path(f.filename).parent == Path(__file__).parent]
    where = []
    if ours:
        call = ours[-1]
        where.append(f"called at {Path(call.filename).name}:{call.lineno} `{call.line}`")
    if frames and frames[-1] is not (ours[-1] if ours else None):
        where.append(f"raised at {_short(frames[-1].filename)}:{frames[-1].lineno}")
    return f"{type(error).__name__}: {error}" + (f" ({'; '.join(where)})" if where else "")


def _short(filename):
    parts = Path(filename).parts
    return str(Path(*parts[parts.index("learntorch"):])) if "learntorch" in parts else filename
