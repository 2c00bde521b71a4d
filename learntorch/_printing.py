"""Tensor printing: ``repr(tensor)`` character for character as torch prints it.

torch/_tensor_str.py is the specification; this module follows it on NumPy arrays.
Printing happens in four steps:

1. Summarize: a tensor with more than ``threshold`` elements shows only the first
   and last ``edgeitems`` entries of every dimension, with ``...`` in between.
2. Choose a format: a ``_Formatter`` looks at the elements that will be shown and
   picks one notation for all of them (integer, ``1.``, ``1.5000`` or ``1.5000e+10``)
   and one width, so that columns line up.
3. Lay out: nested brackets, one row per line, blank lines between 3-D blocks,
   long rows wrapped at ``linewidth``.
4. Append suffixes such as ``dtype=torch.float64`` or ``requires_grad=True``.

The module depends on NumPy only; the Tensor class calls ``format_tensor``.
"""
import dataclasses
import math

import numpy as np


@dataclasses.dataclass
class PrintOptions:
    """The current print settings (torch's ``PRINT_OPTS``); change them with set_printoptions."""

    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


options = PrintOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(
    precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None
):
    """Change how tensors print, with torch.set_printoptions' semantics.

    A ``profile`` ("default", "short", "full") resets four fields first and explicit
    arguments then override it.  ``sci_mode`` is *always* overwritten, so any call
    without it switches back to automatic notation, as in torch.  Like torch, an
    unknown profile name is silently ignored.
    """
    for name, value in _PROFILES.get(profile, {}).items():
        setattr(options, name, value)
    for name, value in dict(
        precision=precision, threshold=threshold, edgeitems=edgeitems, linewidth=linewidth
    ).items():
        if value is not None:
            setattr(options, name, value)
    options.sci_mode = sci_mode


def get_printoptions():
    """The current options as a dict that can be passed back to set_printoptions(**...)."""
    return dataclasses.asdict(options)


def format_tensor(
    array,
    dtype_name,
    *,
    default_dtype_name="float32",
    device=None,
    requires_grad=False,
    grad_fn_name=None,
):
    """Return ``repr`` of a tensor holding ``array``, exactly as torch prints it.

    array: the tensor's data as a NumPy array (already on the host).
    dtype_name: the torch dtype without its prefix, e.g. "float32", "int64", "bool".
    default_dtype_name: the current default float dtype, which is not printed.
    device: the tensor's device (a string or an object whose str() is "cuda:0");
        shown unless it is None or "cpu".
    requires_grad: shown as ``requires_grad=True`` for leaf tensors.
    grad_fn_name: e.g. "SumBackward0"; shown as ``grad_fn=<SumBackward0>`` instead
        of requires_grad, which it implies.

    The fields are keywords rather than preformatted strings because torch prints them
    in a fixed order (device, size, dtype, grad_fn or requires_grad) that this function
    owns.
    """
    prefix = "tensor("
    indent = len(prefix)
    suffixes = []
    if device is not None and str(device) != "cpu":
        suffixes.append(f"device='{device}'")
    size = f"size={tuple(array.shape)}"
    dtype = f"dtype=torch.{dtype_name}"
    if str(device) == "meta":  # no data: what it would hold, never values
        body = "..."
        suffixes.append(size)
        if dtype_name != default_dtype_name:
            suffixes.append(dtype)
    elif array.size == 0:
        body = "[]"
        # "[]" alone reads as shape (0,); any other shape must be spelled out, and so
        # must every non-default dtype, since there are no elements to hint at it.
        if array.ndim != 1:
            suffixes.append(size)
        if dtype_name != default_dtype_name:
            suffixes.append(dtype)
    else:
        body = _tensor_str(array, indent)
        if not options.edgeitems:
            suffixes.append(size)  # torch adds it even when nothing was summarized
        # int64 and bool are recognisable from the elements ("3", "True"), and so
        # is the default float dtype ("3."), so their dtype goes unsaid.
        if dtype_name not in (default_dtype_name, "int64", "bool"):
            suffixes.append(dtype)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)


def _tensor_str(array, indent):
    """The bracketed contents of a non-empty tensor whose first line starts at column ``indent``."""
    summarize = array.size > options.threshold
    shown = _summarized(array) if summarize else array
    formatter = _ComplexFormatter(shown) if array.dtype.kind == "c" else _Formatter(shown)
    return _layout(array, indent, summarize, formatter)


def _shown_indices(length, summarize):
    """Indices printed along one dimension; ``None`` marks where ``...`` goes."""
    edge = options.edgeitems
    if summarize and length > 2 * edge:
        return [*range(edge), None, *range(length - edge, length)]
    return list(range(length))


def _summarized(array):
    """Only the elements that will be printed (torch's get_summarized_data).

    The formatter looks at these alone, so a 1000x1000 tensor costs 36 formatted
    numbers, not a million.
    """
    kept = [[i for i in _shown_indices(n, True) if i is not None] for n in array.shape]
    return array[np.ix_(*kept)]


class _Formatter:
    """One notation and one width for every element shown, so that columns line up.

    Floats print in one of three notations, chosen from the nonzero finite values:
    integer-valued ("2."), scientific when magnitudes span more than 1000x or leave
    [1e-4, 1e8] (or when sci_mode forces it), fixed-point ("2.5000") otherwise.
    """

    def __init__(self, values):
        self.is_float = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if self.is_float:
            values = values[np.isfinite(values) & (values != 0)].astype(np.float64)
            if values.size == 0:
                return  # only zeros, nan, inf: "0.", "nan", even when sci_mode=True
            magnitudes = np.abs(values)
            low, high = float(magnitudes.min()), float(magnitudes.max())
            self.int_mode = bool(np.all(values == np.ceil(values)))
            automatic = high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4
            self.sci_mode = automatic if options.sci_mode is None else options.sci_mode
        self.width = max([1] + [len(self._text(v)) for v in values.ravel().tolist()])

    def format(self, value):
        """``value`` (a Python number) right-aligned to the common width."""
        return self._text(value).rjust(self.width)

    def _text(self, value):
        if not self.is_float:
            return str(value)
        if self.sci_mode:
            return f"{value:.{options.precision}e}"
        if self.int_mode:
            # The trailing dot tells a float tensor from an integer one; nan/inf need none.
            return f"{value:.0f}" + ("." if math.isfinite(value) else "")
        return f"{value:.{options.precision}f}"


class _ComplexFormatter:
    """torch's complex elements: real and imaginary parts, each with its own formatter
    ("1.0000+2.5000j"); the width counts both and the "j" (torch's line-wrapping arithmetic)."""

    def __init__(self, values):
        self.real, self.imag = _Formatter(values.real), _Formatter(values.imag)
        self.width = self.real.width + self.imag.width + 1

    def format(self, value):
        real = self.real.format(value.real)
        imag = (self.imag.format(value.imag) + "j").lstrip()
        return real + imag if imag[0] in "+-" else real + "+" + imag


def _layout(array, indent, summarize, formatter):
    """Nested brackets for ``array``; sub-arrays are separated by dim-1 newlines."""
    if array.ndim == 0:
        return formatter.format(array.item())
    if array.ndim == 1:
        return _layout_vector(array, indent, summarize, formatter)
    rows = [
        "..." if i is None else _layout(array[i], indent + 1, summarize, formatter)
        for i in _shown_indices(len(array), summarize)
    ]
    separator = "," + "\n" * (array.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(rows) + "]"


def _layout_vector(array, indent, summarize, formatter):
    """A 1-D row, wrapped so that each line fits in ``linewidth``."""
    element_length = formatter.width + 2  # ", " after each element
    per_line = max(1, math.floor((options.linewidth - indent) / element_length))
    # torch drops the usual leading space of " ..." when it stands alone (edgeitems=0).
    gap = " ..." if options.edgeitems else "..."
    items = [
        gap if i is None else formatter.format(array[i].item())
        for i in _shown_indices(len(array), summarize)
    ]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _add_suffixes(text, suffixes, indent):
    """Close ``text`` with ", suffix" pieces, moving a piece to a new line if it would overflow."""
    parts = [text]
    # torch's arithmetic: this is 2 more than the last line's real length.  Kept as is,
    # since it decides where suffixes wrap.
    line_length = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if line_length + len(suffix) + 2 > options.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            line_length = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            line_length += len(suffix) + 2
    return "".join(parts) + ")"
