"""Tasks, their test cases, and the helpers that build cases.

A case knows how to describe itself (``given`` → ``want``) and how to test a student's
object; it raises ``Mismatch`` with what actually came out and what differs.  Every message
the grader prints is built from these strings, so they must be deterministic: no ids, no
timings.
"""
import inspect
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .._tensor import Tensor
from .compare import Difference, difference

_MAX_SHOWN = 160

_HINT_IN_PLACE = ("never change an input in place (x *= w, x[...] = 0, x.add_(...), or through "
                  "x.numpy()): compute new tensors, or work on x.clone()")
_HINT_REQUIRES_GRAD = ("leave the input as it is: x.detach() is a new tensor (sharing x's memory) "
                       "on which you may call requires_grad_()")


class Mismatch(Exception):
    """The student's object answered, but wrongly: what came out, and what differs."""

    def __init__(self, got, differences=()):
        super().__init__(got)
        self.got = got
        self.differences = [d for d in differences if d]


@dataclass(frozen=True)
class Case:
    given: str                     # the input, in words or values
    want: str                      # what a correct object gives
    hint: str                      # shown under a ✗ when the values are wrong: the likely mistake
    test: Callable[[Any], None]    # raises Mismatch when the object is wrong


@dataclass(frozen=True)
class Task:
    id: str                                # "1.1": chapter, then position
    title: str
    name: str                              # what the student defines: function or class name
    make_cases: Callable[[], list]         # fresh cases per run: a student may mutate inputs

    @property
    def chapter(self):
        return int(self.id.split(".")[0])


def promise(holds, what):
    """Guard a case's inputs: a case that breaks its task's promise would fail correct answers."""
    if not holds:
        raise AssertionError(f"a grading case breaks its task's promise: {what}")


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


def describe_error(error):
    """``TypeError: message`` on one line: a traceback into the grader would only confuse."""
    message = " ".join(str(error).split())
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def describe(args):
    """The inputs as values when that is short, else tensors by their shapes."""
    text = ", ".join(show(a) for a in args)
    if len(text) <= 160:  # room for three small tensors with their dtype
        return text
    return ", ".join(f"a tensor of shape {tuple(a.shape)}" if isinstance(a, Tensor) else show(a)
                     for a in args)


def returns(args, expected, hint, *, given=None, atol=0.0, rtol=0.0, labels=None):
    """Case: calling the object with ``args`` gives ``expected`` and leaves ``args`` unchanged.

    Tensors must match in shape, dtype and values (floats within ``atol + rtol·|expected|``);
    tuples and lists must be the container the task asks for; ``labels`` name a tuple's parts.
    """
    def test(fn):
        before = freeze(args)
        got = fn(*args)
        changed = changed_argument(fn, args, before)
        found = difference(got, expected, atol=atol, rtol=rtol, labels=labels)
        if changed or found:
            raise Mismatch(show(got), [changed, found])
    return Case(given or describe(args), show(expected), hint, test)


def raises(args, error, hint, *, given=None):
    """Case: calling the object with ``args`` raises ``error`` (a different one is a failure)."""
    def test(fn):
        try:
            got = fn(*args)
        except error:
            return
        except NotImplementedError:
            raise  # the stub (or the student's own): grade() tells which
        except Exception as other:  # the student raised, but not what the task asks for
            raise Mismatch(describe_error(other), [Difference(
                f"raised {type(other).__name__}, expected {error.__name__}")]) from None
        raise Mismatch(show(got), [Difference(f"returned instead of raising {error.__name__}")])
    return Case(given or describe(args), error.__name__, hint, test)


# -- inputs must not change ---------------------------------------------------------------------
def freeze(value):
    """Everything about ``value`` that a function could change in place, copied."""
    if isinstance(value, Tensor):
        return ("tensor", tuple(value.shape), value.dtype, value.detach().numpy().tobytes(),
                value.requires_grad)
    if isinstance(value, np.ndarray):
        return ("array", value.shape, value.dtype.str, value.tobytes())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(freeze(v) for v in value))
    return value


def changed_argument(fn, args, before):
    """The Difference naming the first argument ``fn`` changed (``before = freeze(args)``)."""
    names = _parameter_names(fn, len(args))
    return next(filter(None, (change(name, old, freeze(value))
                              for name, value, old in zip(names, args, before[1]))), None)


def change(name, old, new, who="your function"):
    """None when ``old == new`` (two ``freeze`` results); else what ``who`` did to ``name``."""
    if new == old:
        return None
    if old[0] == "tensor" and new[:4] == old[:4]:
        return Difference(f"{who} set requires_grad on its argument {name}", _HINT_REQUIRES_GRAD)
    return Difference(f"{who} changed its argument {name}", _HINT_IN_PLACE)


def _parameter_names(fn, count):
    try:
        names = [p.name for p in inspect.signature(fn).parameters.values()]
    except (TypeError, ValueError):  # a builtin, or not a function at all
        names = []
    return names[:count] + [f"number {i + 1}" for i in range(len(names), count)]
