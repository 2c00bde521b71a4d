"""Say exactly how a student's answer differs from the expected one.

``difference(got, expected)`` is None when they agree, else a ``Difference``: one line that
names what differs (container type, type, shape, dtype, the first differing element and the
max error), checked in that order so the first line is the most basic mistake.  A generic
difference (a list for a tuple, a float32 result) carries its own hint, so a task's hint,
written for wrong values, never blames the wrong thing.
"""
from dataclasses import dataclass

import numpy as np

from .._tensor import Tensor


@dataclass(frozen=True)
class Difference:
    text: str          # "shape (3, 1) ≠ expected (3,)"
    hint: str = None   # the hint for this kind of difference; None: the case's own hint fits


def from_pytorch(value):
    """True for an object of the real PyTorch package (the student imported torch)."""
    return type(value).__module__.split(".")[0] == "torch"


def type_name(value):
    if value is None:
        return "None"
    if isinstance(value, Tensor):
        return "learntorch tensor"
    if from_pytorch(value):
        return "torch.Tensor from PyTorch"
    if isinstance(value, np.ndarray):
        return "NumPy array"
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    return type(value).__name__


def _article(name):
    if name == "None":
        return name
    return ("an " if name[0] in "aeiouAEIOU" else "a ") + name


def dtype_name(dtype):
    return str(dtype).rsplit(".", 1)[-1]


_HINT_NONE = "your function returned None: is a `return` missing?"
_HINT_PYTORCH = ("the course builds on learntorch: `import learntorch as torch`, not PyTorch, "
                 "and make every tensor with it")


def difference(got, expected, *, atol=0.0, rtol=0.0, labels=None):
    """None when ``got`` matches ``expected`` (numbers within ``atol + rtol·|expected|``)."""
    if isinstance(expected, (tuple, list)):
        return _sequence_difference(got, expected, atol, rtol, labels)
    if isinstance(expected, Tensor):
        return _tensor_difference(got, expected, atol, rtol)
    if isinstance(expected, (bool, np.bool_)):
        if not isinstance(got, (bool, np.bool_)):
            return type_difference(got, "bool", "return a Python bool, e.g. bool(...)")
        return None if bool(got) == bool(expected) else Difference(f"{got} ≠ expected {expected}")
    if isinstance(expected, (int, float, np.integer, np.floating)):
        return _number_difference(got, expected, atol, rtol)
    return None if got == expected else Difference(f"{got!r} ≠ expected {expected!r}")


def type_difference(got, wanted, hint):
    """``got`` is not of the type ``wanted`` names; ``hint`` says how to return one."""
    if from_pytorch(got):
        return Difference(f"got {_article(type_name(got))}; use learntorch", _HINT_PYTORCH)
    text = f"returned {_article(type_name(got))}, expected {_article(wanted)}"
    return Difference(text, _HINT_NONE if got is None else hint)


def _sequence_difference(got, expected, atol, rtol, labels):
    wanted = type(expected).__name__
    if not isinstance(got, type(expected)):
        return type_difference(got, wanted, f"the task asks for a {wanted}: return {wanted}(...)")
    if len(got) != len(expected):
        return Difference(f"{len(got)} elements ≠ expected {len(expected)}")
    for i, (g, e) in enumerate(zip(got, expected)):
        inner = difference(g, e, atol=atol, rtol=rtol)
        if inner:
            name = labels[i] if labels else f"element {i}"
            return Difference(f"{name}: {inner.text}", inner.hint)
    return None


def _number_difference(got, expected, atol, rtol):
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.integer,
                                                                  np.floating)):
        return type_difference(got, "number", "return a Python number (use .item() on a tensor)")
    error = abs(float(got) - float(expected))
    if error <= atol + rtol * abs(float(expected)):  # False for NaN
        return None
    if isinstance(expected, (int, np.integer)) and isinstance(got, (int, np.integer)):
        return Difference(f"{got} ≠ expected {expected}")
    got_text, want_text = _pair(got, expected)
    return Difference(f"{got_text} vs expected {want_text} (abs err {_number(error)})")


def _tensor_difference(got, expected, atol, rtol):
    if not isinstance(got, Tensor):
        return type_difference(got, "learntorch tensor",
                                "return a learntorch tensor: use tensor operations, or "
                                "torch.tensor(...) to turn a result into one")
    if tuple(got.shape) != tuple(expected.shape):
        return Difference(f"shape {tuple(got.shape)} ≠ expected {tuple(expected.shape)}")
    if got.dtype != expected.dtype:
        want = dtype_name(expected.dtype)
        return Difference(f"dtype {dtype_name(got.dtype)} ≠ expected {want}",
                          f"the result must be {want}: find the step that changed the dtype, "
                          f"or convert with .to(torch.{want})")
    return _values_difference(got.detach().numpy(), expected.detach().numpy(), atol, rtol)


def _values_difference(got, want, atol, rtol):
    if want.dtype.kind == "f":
        g, w = got.astype(np.float64), want.astype(np.float64)
        bad = ~np.isclose(g, w, atol=atol, rtol=rtol)
    else:
        bad = got != want
    if not bad.any():
        return None
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    where = f" at {list(first)}" if first else ""
    pair = " vs ".join(_pair(got[first], want[first]))
    if want.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            worst = float(np.abs(g - w).max())  # nan when the result has a nan
        return Difference(f"values differ{where}: {pair} (max abs err {_number(worst)})")
    return Difference(f"values differ{where}: {pair} ({int(bad.sum())} of {bad.size} elements)")


def _number(value, digits=4):
    value = value.item() if isinstance(value, np.generic) else value
    return format(value, f".{digits}g") if isinstance(value, float) else str(value)


def _pair(got, expected):
    """Both numbers with as few digits as it takes to tell them apart (4 at least)."""
    for digits in range(4, 18):
        texts = _number(got, digits), _number(expected, digits)
        if texts[0] != texts[1]:
            break
    return texts
