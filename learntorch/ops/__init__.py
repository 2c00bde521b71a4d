"""All tensor operations, grouped by kind; ``learntorch`` re-exports them.

Tensor methods such as ``x.exp()`` are these same functions: the tables at the end of
this file attach them to ``Tensor`` (torch has both ``torch.exp(x)`` and ``x.exp()``).
"""
from .._tensor import Tensor
from . import comparison, creation, indexing, inplace, linalg, pointwise, reduction, shape
from .comparison import *  # noqa: F401,F403
from .creation import *  # noqa: F401,F403
from .indexing import *  # noqa: F401,F403
from .inplace import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .pointwise import *  # noqa: F401,F403
from .reduction import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403

# `from learntorch.ops import *` gives the functions, not the submodules (learntorch.linalg
# is torch.linalg's namespace, not ops/linalg.py).
__all__ = [name for module in (comparison, creation, indexing, inplace, linalg, pointwise,
                               reduction, shape) for name in module.__all__]

# Methods whose signature is the function's with the tensor first: x.f(...) == f(x, ...).
_SAME_AS_FUNCTION = (
    # pointwise
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "neg", "negative",
    "pow", "float_power", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "abs", "absolute",
    "relu", "sign", "clamp", "clip", "clamp_min", "clamp_max", "eq", "ne", "lt", "le", "gt", "ge",
    "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and", "logical_or",
    "logical_xor", "logical_not", "bitwise_not", "bitwise_and", "bitwise_or", "bitwise_xor",
    "floor_divide", "remainder",
    # reductions
    "sum", "nansum", "mean", "nanmean", "max", "min", "amax", "amin", "argmax", "argmin", "all",
    "any",
    # comparison and ranking
    "equal", "isclose", "allclose", "isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal",
    "sort", "argsort", "msort", "topk", "kthvalue", "median", "mode", "unique",
    "unique_consecutive", "count_nonzero",
    # shape
    "view_as", "reshape_as", "flatten", "unflatten", "ravel", "transpose", "swapaxes", "swapdims",
    "t", "movedim", "moveaxis", "squeeze", "unsqueeze", "expand_as", "broadcast_to", "clone",
    "contiguous",
    # indexing
    "select", "narrow", "unbind", "gather", "nonzero",
    # linear algebra
    "matmul", "mm", "bmm", "mv", "dot",
    # in place
    "add_", "sub_", "mul_", "div_", "pow_", "clamp_", "clip_", "neg_", "exp_", "sqrt_", "relu_",
    "sigmoid_", "tanh_", "abs_", "fill_", "zero_", "copy_",
)

# Methods that take sizes as varargs (x.view(2, 3)) like the functions.
_SIZE_METHODS = ("view", "reshape", "permute", "expand", "sum_to_size")

for _name in _SAME_AS_FUNCTION + _SIZE_METHODS:
    setattr(Tensor, _name, globals()[_name])


def _where_method(self, condition, other):
    """``x.where(cond, y)`` is ``where(cond, x, y)``."""
    return pointwise.where(condition, self, other)


Tensor.where = _where_method


def _new(fill):
    def method(self, *size, dtype=None, device=None, requires_grad=False):
        return fill(*size, dtype=dtype or self.dtype, device=device or self.device,
                    requires_grad=requires_grad)
    method.__name__ = f"new_{fill.__name__}"
    method.__doc__ = f"``{fill.__name__}`` with this tensor's dtype and device by default."
    return method


Tensor.new_zeros = _new(creation.zeros)
Tensor.new_ones = _new(creation.ones)
Tensor.new_empty = _new(creation.empty)


def _new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    return creation.full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                         requires_grad=requires_grad)


def _new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    return creation.tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                           requires_grad=requires_grad)


Tensor.new_full = _new_full
Tensor.new_tensor = _new_tensor
