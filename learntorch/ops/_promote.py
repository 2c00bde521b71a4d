"""Getting operands ready for an op: torch's dtype promotion and its broadcasting error."""
import numpy as np

from .. import _dtype
from .._tensor import Tensor


def binary(op, a, b, to_float=False):
    """Run a two-input ``Op`` on tensors or Python numbers, promoting dtypes like torch.

    ``to_float``: integer results become the default float dtype (true division).
    """
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a._array.dtype == b._array.dtype \
            and (not to_float or a._array.dtype.kind == "f"):
        arrays = (a._array, b._array)
    else:
        dt = _dtype.result_type(a, b)
        if to_float and not dt.is_floating_point:
            dt = _dtype.get_default_dtype()
        a, b = _as_tensor(a, dt), _as_tensor(b, dt)
        arrays = (a._array.astype(dt.np, copy=False), b._array.astype(dt.np, copy=False))
    try:
        return op.run((a, b), arrays, {})
    except ValueError:
        if _broadcastable(a.shape, b.shape):
            raise
        raise broadcast_error(a.shape, b.shape) from None


def _as_tensor(value, dt):
    if isinstance(value, Tensor):
        return value
    if not isinstance(value, (int, float, bool, np.number, np.bool_)):
        raise TypeError(f"unsupported operand type: expected a Tensor or a number, "
                        f"got {type(value).__name__}")
    return Tensor._make(np.asarray(value, dtype=dt.np))


def float_array(t):
    """``t``'s array, as the default float dtype if it holds integers or bools."""
    array = t._array
    if array.dtype.kind == "f":
        return array
    return array.astype(_dtype.get_default_dtype().np)


def _broadcastable(*shapes):
    try:
        broadcast_shape(*shapes)
        return True
    except RuntimeError:
        return False


def broadcast_shape(*shapes):
    """The shape several shapes broadcast to; torch's RuntimeError when they cannot."""
    ndim = max((len(s) for s in shapes), default=0)
    result = []
    for i in range(-ndim, 0):
        size = 1
        for s in shapes:
            d = s[i] if -i <= len(s) else 1
            if d != 1:
                if size != 1 and d != size:
                    raise broadcast_error(*shapes)
                size = d
        result.append(size)
    return tuple(result)


def broadcast_error(*shapes):
    """torch's message for the first pair of sizes that cannot broadcast."""
    ndim = max(len(s) for s in shapes)
    for i in range(-1, -ndim - 1, -1):
        sizes = [(k, s[i]) for k, s in enumerate(shapes) if -i <= len(s) and s[i] != 1]
        for (ka, sa), (kb, sb) in zip(sizes, sizes[1:]):
            if sa != sb:
                names = "abcdefgh"
                return RuntimeError(
                    f"The size of tensor {names[ka]} ({sa}) must match the size of tensor "
                    f"{names[kb]} ({sb}) at non-singleton dimension {ndim + i}")
    return RuntimeError(f"shapes {[list(s) for s in shapes]} cannot be broadcast together")
