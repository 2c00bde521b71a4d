"""Getting operands ready for an op: torch's dtype promotion and its broadcasting error."""
import numpy as np

from .. import _dtype
from .._tensor import Tensor


# Stands in for a Python-number operand among an op's inputs: no gradient, shape ().
NUMBER = Tensor._make(np.zeros(()))


def binary(op, a, b, to_float=False, **params):
    """Run a two-input ``Op`` on tensors or Python numbers, promoting dtypes like torch.

    ``to_float``: integer results become the default float dtype (true division).
    ``params`` go to the op's forward (``add``'s ``alpha``).
    A Python number is handed to NumPy as a Python number, typed for the result dtype,
    so NumPy keeps the tensor's dtype (NEP 50); ``NUMBER`` stands in for it as an input.
    """
    a_is_tensor, b_is_tensor = isinstance(a, Tensor), isinstance(b, Tensor)
    if a_is_tensor and b_is_tensor and a._array.dtype == b._array.dtype \
            and (not to_float or a._array.dtype.kind == "f"):
        inputs, arrays = (a, b), (a._array, b._array)
    elif a_is_tensor and type(b) in (float, int) and a._array.dtype.kind == "f":
        inputs, arrays = (a, NUMBER), (a._array, float(b))  # float tensor op number: its dtype
    elif isinstance(a, np.ndarray) or isinstance(b, np.ndarray):  # `ndarray * tensor` lands here
        return binary(op, _from_numpy(a), _from_numpy(b), to_float, **params)
    else:
        dt = _dtype.result_type(a, b)
        if to_float and not dt.is_floating_point:
            dt = _dtype.get_default_dtype()
        a, a_array = _operand(a, a_is_tensor, dt)
        b, b_array = _operand(b, b_is_tensor, dt)
        inputs, arrays = (a, b), (a_array, b_array)
    try:
        return op.run(inputs, arrays, params)
    except ValueError:
        if _broadcastable(inputs[0].shape, inputs[1].shape):
            raise
        raise broadcast_error(inputs[0].shape, inputs[1].shape) from None


def _operand(value, is_tensor, dt):
    """(input tensor, array or Python number) for one side of a binary op."""
    if is_tensor:
        array = value._array
        return value, (array if array.dtype == dt.np else array.astype(dt.np))
    if not isinstance(value, (int, float, bool, np.number, np.bool_)):
        raise TypeError(f"unsupported operand type: expected a Tensor or a number, "
                        f"got {type(value).__name__}")
    number = float(value) if dt.is_floating_point else (bool(value) if dt is _dtype.bool else int(value))
    return NUMBER, number


def _from_numpy(value):
    return Tensor._make(value) if isinstance(value, np.ndarray) else value


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
