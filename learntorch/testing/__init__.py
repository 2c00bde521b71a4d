"""``learntorch.testing``: ``assert_close`` and ``make_tensor``, as torch.testing has them.

``assert_close`` compares tensors (and NumPy arrays, Python numbers, and sequences or mappings
of them) with torch's default tolerances per dtype and fails with torch's mismatch report.
"""
import collections.abc
import math
import warnings

import numpy as np

from .. import _dtype
from .._finfo import finfo, iinfo
from .._tensor import Tensor

__all__ = ["assert_close", "assert_allclose", "make_tensor"]

# (rtol, atol) when neither is given; integers and bools compare exactly.
_DEFAULT_TOLERANCES = {_dtype.float16: (1e-3, 1e-5), _dtype.float32: (1.3e-6, 1e-5),
                       _dtype.float64: (1e-7, 1e-7)}


class _Mismatch(Exception):
    """One failed comparison: the exception type to raise, its message, and where it was."""

    def __init__(self, kind, msg, where=()):
        super().__init__(msg)
        self.kind, self.msg, self.where = kind, msg, where


def _tolerances(*dtypes, rtol, atol):
    if (rtol is None) ^ (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                         f"{'rtol' if rtol is None else 'atol'}.")
    if rtol is not None:
        return rtol, atol
    pairs = [_DEFAULT_TOLERANCES.get(d, (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


# -- the mismatch report --------------------------------------------------------------------------
def _report(default_identifier, identifier, extra, abs_diff, abs_idx, atol, rel_diff, rel_idx,
            rtol):
    equality = rtol == 0 and atol == 0

    def line(kind, diff, idx, tol):
        text = f"{kind.title()} difference: {diff}" if idx is None else \
            f"Greatest {kind} difference: {diff} at index {idx}"
        return text + ("" if equality else f" (up to {tol} allowed)") + "\n"

    if identifier is None:
        identifier = default_identifier
    elif callable(identifier):
        identifier = identifier(default_identifier)
    msg = f"{identifier} are not {'equal' if equality else 'close'}!\n\n"
    if extra:
        msg += f"{extra.strip()}\n"
    msg += line("absolute", abs_diff, abs_idx, atol) + line("relative", rel_diff, rel_idx, rtol)
    return msg.strip()


def _scalar_report(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _report("Scalars", None, f"Expected {expected} but got {actual}.", abs_diff, None, atol,
                   rel_diff, None, rtol)


def _tensor_report(actual, expected, matches, rtol, atol):
    """Mismatch count and the greatest differences among the mismatched elements, as torch
    computes them (integers in int64, their relative difference in the default float dtype)."""
    total = matches.size
    wrong = total - int(matches.sum())
    extra = f"Mismatched elements: {wrong} / {total} ({wrong / total:.1%})"
    a, e, ok = actual.reshape(-1), expected.reshape(-1), matches.reshape(-1)
    if a.dtype.kind != "f":
        a, e = a.astype(np.int64), e.astype(np.int64)
    abs_diff = np.abs(a - e)
    abs_diff[ok] = 0
    if abs_diff.dtype.kind != "f":
        float_np = _dtype.get_default_dtype().np
        abs_diff_f, e = abs_diff.astype(float_np), e.astype(float_np)
    else:
        abs_diff_f = abs_diff
    with np.errstate(divide="ignore", invalid="ignore"):  # x/0 is inf and 0/0 nan, as in torch
        rel_diff = abs_diff_f / np.abs(e)
    rel_diff[ok] = 0

    def greatest(diff):
        nan = np.isnan(diff) if diff.dtype.kind == "f" else None
        flat = int(np.argmax(nan)) if nan is not None and nan.any() else int(np.argmax(diff))
        return diff[flat].item(), tuple(int(i) for i in np.unravel_index(flat, matches.shape))

    (abs_max, abs_idx), (rel_max, rel_idx) = greatest(abs_diff), greatest(rel_diff)
    return _report("Tensor-likes", None, extra, abs_max, abs_idx, atol, rel_max, rel_idx, rtol)


# -- pairs ----------------------------------------------------------------------------------------
def _is_number(x):
    numbers = (int, float, np.integer, np.floating)
    return isinstance(x, numbers) and not isinstance(x, (bool, np.bool_))


def _as_tensor_like(x):
    return x if isinstance(x, Tensor) else Tensor._make(np.asarray(x))


def _compare_attribute(name, a, b):
    if a != b:
        raise _Mismatch(AssertionError,
                        f"The values for attribute '{name}' do not match: {a} != {b}.")


def _compare_tensors(actual, expected, *, allow_subclasses, rtol, atol, equal_nan, check_device,
                     check_dtype, check_layout, check_stride):
    if not allow_subclasses and type(actual) is not type(expected):
        raise _Mismatch(TypeError, f"No comparison pair was able to handle inputs of type "
                        f"{type(actual)} and {type(expected)}.")
    actual, expected = _as_tensor_like(actual), _as_tensor_like(expected)
    _compare_attribute("shape", actual.shape, expected.shape)
    if check_device:
        _compare_attribute("device", actual.device, expected.device)
    if check_dtype:
        _compare_attribute("dtype", actual.dtype, expected.dtype)
    if check_stride:
        _compare_attribute("stride()", actual.stride(), expected.stride())
    rtol, atol = _tolerances(actual.dtype, expected.dtype, rtol=rtol, atol=atol)
    a, e = actual._array, expected._array
    a, e = (a, e) if isinstance(a, np.ndarray) else (a.get(), e.get())
    if a.dtype != e.dtype:
        common = _dtype.promote_types(actual.dtype, expected.dtype).np
        a, e = a.astype(common), e.astype(common)
    matches = _isclose(a, e, rtol, atol, equal_nan)
    if matches.all():
        return
    if a.ndim == 0:
        raise _Mismatch(AssertionError, _scalar_report(a.item(), e.item(), rtol, atol))
    raise _Mismatch(AssertionError, _tensor_report(a, e, matches, rtol, atol))


def _isclose(a, e, rtol, atol, equal_nan):
    """torch.isclose: equal values (infinities included), or finite and within tolerance."""
    if a.dtype.kind == "b" or (rtol == 0 and atol == 0):
        close = a == e
    else:
        with np.errstate(invalid="ignore", over="ignore"):
            close = (a == e) | (np.isfinite(a) & np.isfinite(e) &
                                (np.abs(a - e) <= atol + rtol * np.abs(e)))
    if equal_nan and a.dtype.kind == "f":
        close |= np.isnan(a) & np.isnan(e)
    return np.asarray(close)


def _compare_numbers(actual, expected, *, rtol, atol, equal_nan, check_dtype):
    if check_dtype and type(actual) is not type(expected):
        raise _Mismatch(AssertionError,
                        f"The (d)types do not match: {type(actual)} != {type(expected)}.")
    floats = (float, np.floating)
    is_float = isinstance(actual, floats) or isinstance(expected, floats)
    rtol, atol = _tolerances(_dtype.float64 if is_float else _dtype.int64, rtol=rtol, atol=atol)
    both_nan = is_float and math.isnan(actual) and math.isnan(expected)
    if actual == expected or (equal_nan and both_nan):
        return
    if not (math.isinf(actual) or math.isinf(expected)) and \
            abs(actual - expected) <= atol + rtol * abs(expected):
        return
    raise _Mismatch(AssertionError, _scalar_report(actual, expected, rtol, atol))


def _compare(actual, expected, where, **options):
    """Compare one pair, recursing into sequences and mappings; raise ``_Mismatch`` on failure."""
    if actual is None and expected is None:
        return
    if isinstance(actual, (bool, np.bool_)) and isinstance(expected, (bool, np.bool_)):
        if bool(actual) != bool(expected):
            raise _Mismatch(AssertionError, f"Booleans mismatch: {actual} is not {expected}", where)
        return
    if _is_number(actual) and _is_number(expected):
        options = {k: options[k] for k in ("rtol", "atol", "equal_nan", "check_dtype")}
        return _wrap(_compare_numbers, where, actual, expected, **options)
    tensor_like = (Tensor, np.ndarray)
    if isinstance(actual, tensor_like) and isinstance(expected, tensor_like) and \
            isinstance(actual, Tensor) == isinstance(expected, Tensor):
        return _wrap(_compare_tensors, where, actual, expected, **options)
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise _Mismatch(AssertionError, f"The length of the sequences mismatch: "
                            f"{len(actual)} != {len(expected)}", where)
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, where + (i,), **options)
        return
    mapping = collections.abc.Mapping
    if isinstance(actual, mapping) and isinstance(expected, mapping):
        missing = sorted(set(expected) - set(actual), key=repr)
        extra = sorted(set(actual) - set(expected), key=repr)
        if missing or extra:
            raise _Mismatch(AssertionError, "The keys of the mappings do not match:\n"
                            f"Missing keys in the actual mapping: {missing}\n"
                            f"Additional keys in the actual mapping: {extra}", where)
        for key in actual:
            _compare(actual[key], expected[key], where + (key,), **options)
        return
    raise _Mismatch(TypeError, f"No comparison pair was able to handle inputs of type "
                    f"{type(actual)} and {type(expected)}.", where)


def _is_sequence(x):
    return isinstance(x, collections.abc.Sequence) and not isinstance(x, str)


def _wrap(compare, where, *args, **options):
    try:
        compare(*args, **options)
    except _Mismatch as mismatch:
        mismatch.where = where
        raise


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False,
                 msg=None):
    """Raise unless ``actual`` and ``expected`` are close: ``|a - e| <= atol + rtol * |e|``
    elementwise, with torch's (rtol, atol) for the dtype unless both are given: float16
    (1e-3, 1e-5), float32 (1.3e-6, 1e-5), float64 (1e-7, 1e-7), integers and bools exact.

    Shapes, devices and dtypes must match too (``check_device``/``check_dtype`` turn the last
    two off). ``msg``, a string or ``msg(generated_message)``, replaces the report.
    """
    __tracebackhide__ = True
    try:
        _compare(actual, expected, (), allow_subclasses=allow_subclasses, rtol=rtol, atol=atol,
                 equal_nan=equal_nan, check_device=check_device, check_dtype=check_dtype,
                 check_layout=check_layout, check_stride=check_stride)
    except _Mismatch as mismatch:
        text = mismatch.msg
        if callable(msg):
            text = msg(text)
        elif msg is not None:
            text = msg
        elif mismatch.where and mismatch.kind is AssertionError:
            text += "\n\nThe failure occurred for item " + "".join(str([i]) for i in mismatch.where)
        raise mismatch.kind(text) from None


# The older, looser defaults of the deprecated assert_allclose.
_ALLCLOSE_TOLERANCES = {_dtype.float16: (1e-3, 1e-3), _dtype.float32: (1e-4, 1e-5),
                        _dtype.float64: (1e-5, 1e-8)}


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated by torch (use ``assert_close``): dtypes need not match, NaNs are equal."""
    from .. import ops
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed "
                  "in a future release. Please use `torch.testing.assert_close()` instead. You can "
                  "find detailed upgrade instructions in "
                  "https://github.com/pytorch/pytorch/issues/61844.",
                  FutureWarning, stacklevel=2)
    if not isinstance(actual, Tensor):
        actual = ops.tensor(actual)
    if not isinstance(expected, Tensor):
        expected = ops.tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        pairs = [_ALLCLOSE_TOLERANCES.get(t.dtype, (0.0, 0.0)) for t in (actual, expected)]
        rtol, atol = max(p[0] for p in pairs), max(p[1] for p in pairs)
    __tracebackhide__ = True
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=True,
                 check_dtype=False, check_stride=False, msg=msg or None)


# -- make_tensor ----------------------------------------------------------------------------------
def _low_high(dtype, low, high, lowest, highest, default_low, default_high):
    low = default_low if low is None else low
    high = default_high if high is None else high
    if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        raise ValueError(f"`low` and `high` cannot be NaN, but got {low=} and {high=}")
    if low == high and dtype.is_floating_point:
        warnings.warn("Passing `low==high` to `torch.testing.make_tensor` for floating or complex "
                      "types is deprecated since 2.1 and will be removed in 2.3. Use "
                      "`torch.full(...)` instead.", FutureWarning, stacklevel=3)
    elif low >= high:
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    elif high < lowest or low >= highest:
        raise ValueError(f"The value interval specified by `low` and `high` is [{low}, {high}), "
                         f"but {dtype} only supports [{lowest}, {highest})")
    low, high = min(max(low, lowest), highest), min(max(high, lowest), highest)
    if not dtype.is_floating_point:
        return math.ceil(low), math.ceil(high)
    return low, high


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False,
                noncontiguous=False, exclude_zero=False, memory_format=None):
    """A random tensor for tests, drawn as torch draws it (the same numbers after the same
    ``manual_seed``): floats uniform in ``[low, high)`` (default [-9, 9)), integers in
    ``[low, high)`` (default [-9, 10)), bools 0 or 1."""
    from .. import ops
    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = shape[0]
    shape = tuple(shape)
    d = _dtype.to_dtype(dtype)
    if noncontiguous and memory_format is not None:
        raise ValueError(f"The parameters `noncontiguous` and `memory_format` are mutually "
                         f"exclusive, but got {noncontiguous=} and {memory_format=}")
    if requires_grad and not d.is_floating_point:
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral dtypes, "
                         f"but got dtype={d}")
    noncontiguous = noncontiguous and math.prod(shape) > 1
    if noncontiguous:  # twice the last dim, then every other element from the second on
        shape = (*shape[:-1], 2 * shape[-1])
    if d is _dtype.bool:
        low, high = _low_high(d, low, high, 0, 2, 0, 2)
        result = ops.randint(low, high, shape, device=device, dtype=d)
    elif not d.is_floating_point:
        info = iinfo(d)
        highest = info.max + (1 if d is not _dtype.int64 else 0)  # randint's int64 bound
        low, high = _low_high(d, low, high, info.min, highest, -9, 10)
        result = ops.randint(low, high, shape, device=device, dtype=d)
    else:
        info = finfo(d)
        low, high = _low_high(d, low, high, info.min, info.max, -9, 9)
        result = ops.empty(shape, device=device, dtype=d)
        if high - low >= info.max:
            result.uniform_(low / 2, high / 2).mul_(2)
        else:
            result.uniform_(low, high)
    if noncontiguous:
        result = result[..., 1::2]
    elif memory_format is not None:
        result = result.clone(memory_format=memory_format)
    if exclude_zero:
        result[result == 0] = 1 if not d.is_floating_point else info.tiny
    if d.is_floating_point:
        result.requires_grad = requires_grad
    return result
