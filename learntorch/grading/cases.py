"""Tasks, their test cases, and the helpers that build cases.

A case knows how to describe itself (``given`` → ``want``) and how to test a student's
object; it raises ``Mismatch`` with what actually came out.  Every message the grader prints
is built from these strings, so they must be deterministic: no ids, no timings.
"""
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .._tensor import Tensor

_MAX_SHOWN = 160


class Mismatch(Exception):
    """The student's object answered, but wrongly; ``args[0]`` says what came out."""


@dataclass(frozen=True)
class Case:
    given: str                     # the input, in words or values
    want: str                      # what a correct object gives
    hint: str                      # shown under a ✗: the likely mistake
    test: Callable[[Any], None]    # raises Mismatch(got) when the object is wrong


@dataclass(frozen=True)
class Task:
    id: str                                # "1.1": chapter, then position
    title: str
    name: str                              # what the student defines: function or class name
    make_cases: Callable[[], list]         # fresh cases per run: a student may mutate inputs

    @property
    def chapter(self):
        return int(self.id.split(".")[0])


def show(value):
    """One short, deterministic line for any value a student might return."""
    if isinstance(value, Tensor):
        text = repr(value.detach())  # exactly what printing it in the notebook shows
    elif isinstance(value, np.ndarray):
        text = "array(" + _show_array(value) + ")"
    elif isinstance(value, (float, np.floating)):
        text = format(float(value), ".6g")
    elif isinstance(value, tuple):
        text = "(" + ", ".join(show(v) for v in value) + (",)" if len(value) == 1 else ")")
    elif isinstance(value, list):
        text = "[" + ", ".join(show(v) for v in value) + "]"
    elif isinstance(value, type):
        text = value.__name__
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN - 1] + "…"


def _show_array(array):
    """Values to 4 digits, long arrays elided; the size when values alone cannot show it."""
    text = np.array2string(array, separator=", ", precision=4, suppress_small=True,
                           threshold=12, edgeitems=2)
    if array.size == 0:
        text += f", size={array.shape}"
    if array.dtype.kind not in "fib":
        text += f", dtype={array.dtype}"
    return text


def returns(args, expected, hint, *, given=None, compare=None):
    """Case: calling the object with ``args`` gives ``expected`` (by ``compare``, else ==)."""
    compare = compare or _equal

    def test(fn):
        got = fn(*args)
        if not compare(got, expected):
            raise Mismatch(show(got))
    return Case(given or describe(args), show(expected), hint, test)


def describe(args):
    """The inputs as values when that is short, else tensors by their shapes."""
    text = ", ".join(show(a) for a in args)
    if len(text) <= 160:  # room for three small tensors with their dtype
        return text
    return ", ".join(f"a tensor of shape {tuple(a.shape)}" if isinstance(a, Tensor) else show(a)
                     for a in args)


def raises(args, error, hint, *, given=None):
    """Case: calling the object with ``args`` raises ``error`` (a different one is a failure)."""
    def test(fn):
        try:
            got = fn(*args)
        except error:
            return
        raise Mismatch(show(got))
    return Case(given or describe(args), error.__name__, hint, test)


def _equal(got, expected):
    if isinstance(expected, tuple):
        return isinstance(got, (tuple, list)) and tuple(got) == expected
    return got == expected


def as_array(value):
    """A student's answer as a NumPy array (tensors, arrays, numbers); None when it is none of these."""
    if isinstance(value, Tensor):
        return value.detach().numpy()
    if isinstance(value, (np.ndarray, np.generic, int, float)):
        return np.asarray(value)
    return None


def close(got, expected, *, atol=1e-6, rtol=1e-5, dtype=False):
    """Same shape, same values within tolerance (and the same dtype when asked); NaN never matches."""
    got_array, want = as_array(got), as_array(expected)
    if got_array is None or got_array.shape != want.shape:
        return False
    if dtype and not (isinstance(got, Tensor) and got.dtype == expected.dtype):
        return False
    return bool(np.allclose(got_array.astype(np.float64), want.astype(np.float64),
                            atol=atol, rtol=rtol))


def close_pair(got, expected):
    """A pair of gradients: two results, each ``close`` to its expected value."""
    return (isinstance(got, (tuple, list)) and len(got) == 2
            and all(close(g, e) for g, e in zip(got, expected)))
