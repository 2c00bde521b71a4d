"""In-place twins of the pointwise, unary, reduction and linalg ops (``x.add_(y)``, ``x.exp_()``),
and the ops that only exist in place (``x.zero_()``, ``x.fill_(v)``, ``x.copy_(y)``).

The mechanism they share is in ``_mutation.py``.
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from . import linalg, pointwise, reduction, unary
from ._op import Op
from ._mutation import apply_inplace, inplace_of


eq_ = inplace_of(pointwise.eq)   # x.eq_(y): x becomes 1/0 in its own dtype, as in torch
ne_ = inplace_of(pointwise.ne)
lt_ = inplace_of(pointwise.lt)
le_ = inplace_of(pointwise.le)
gt_ = inplace_of(pointwise.gt)
ge_ = inplace_of(pointwise.ge)
add_ = inplace_of(pointwise.add, np.add)
sub_ = inplace_of(pointwise.sub, np.subtract)
mul_ = inplace_of(pointwise.mul, np.multiply)
div_ = inplace_of(pointwise.div, np.true_divide)
pow_ = inplace_of(pointwise.pow)
remainder_ = inplace_of(pointwise.remainder)
floor_divide_ = inplace_of(pointwise.floor_divide)
clamp_ = clip_ = inplace_of(pointwise.clamp)
clamp_min_ = inplace_of(pointwise.clamp_min)
clamp_max_ = inplace_of(pointwise.clamp_max)
neg_ = inplace_of(pointwise.neg)
abs_ = inplace_of(pointwise.abs)
sign_ = inplace_of(pointwise.sign)
exp_ = inplace_of(unary.exp)
log_ = inplace_of(unary.log)
sqrt_ = inplace_of(unary.sqrt)
sin_ = inplace_of(unary.sin)
cos_ = inplace_of(unary.cos)
tanh_ = inplace_of(unary.tanh)
sigmoid_ = inplace_of(unary.sigmoid)
relu_ = inplace_of(pointwise.relu)
acos_ = inplace_of(unary.acos)
asin_ = inplace_of(unary.asin)
atan_ = inplace_of(unary.atan)
cosh_ = inplace_of(unary.cosh)
sinh_ = inplace_of(unary.sinh)
tan_ = inplace_of(unary.tan)
exp2_ = inplace_of(unary.exp2)
expm1_ = inplace_of(unary.expm1)
log1p_ = inplace_of(unary.log1p)
log2_ = inplace_of(unary.log2)
log10_ = inplace_of(unary.log10)
reciprocal_ = inplace_of(unary.reciprocal)
rsqrt_ = inplace_of(unary.rsqrt)
erf_ = inplace_of(unary.erf)
erfinv_ = inplace_of(unary.erfinv)
square_ = inplace_of(unary.square)
frac_ = inplace_of(unary.frac)
ceil_ = inplace_of(unary.ceil)
floor_ = inplace_of(unary.floor)
trunc_ = inplace_of(unary.trunc)
round_ = inplace_of(unary.round)
nan_to_num_ = inplace_of(unary.nan_to_num)
atan2_ = arctan2_ = inplace_of(pointwise.atan2)
hypot_ = inplace_of(pointwise.hypot)
fmod_ = inplace_of(pointwise.fmod)
xlogy_ = inplace_of(pointwise.xlogy)
lerp_ = inplace_of(pointwise.lerp)
addcmul_ = inplace_of(pointwise.addcmul)
addcdiv_ = inplace_of(pointwise.addcdiv)
cumsum_ = inplace_of(reduction.cumsum)
cumprod_ = inplace_of(reduction.cumprod)
addmm_ = inplace_of(linalg.addmm)
addmv_ = inplace_of(linalg.addmv)
addr_ = inplace_of(linalg.addr)
addbmm_ = inplace_of(linalg.addbmm)
baddbmm_ = inplace_of(linalg.baddbmm)
acosh_ = arccosh_ = inplace_of(unary.acosh)
asinh_ = arcsinh_ = inplace_of(unary.asinh)
atanh_ = arctanh_ = inplace_of(unary.atanh)
arccos_, arcsin_, arctan_ = acos_, asin_, atan_
erfc_ = inplace_of(unary.erfc)
fix_ = trunc_
negative_ = neg_
# Tensor methods only (torch has no torch.absolute_ …): aliases and the logic/bitwise twins
absolute_ = abs_
divide_ = true_divide_ = div_
multiply_, subtract_ = mul_, sub_
greater_, greater_equal_, less_, less_equal_, not_equal_ = gt_, ge_, lt_, le_, ne_
logical_and_ = inplace_of(pointwise.logical_and)
logical_or_ = inplace_of(pointwise.logical_or)
logical_xor_ = inplace_of(pointwise.logical_xor)
logical_not_ = inplace_of(pointwise.logical_not)
bitwise_and_ = inplace_of(pointwise.bitwise_and)
bitwise_or_ = inplace_of(pointwise.bitwise_or)
bitwise_xor_ = inplace_of(pointwise.bitwise_xor)
bitwise_not_ = inplace_of(pointwise.bitwise_not)


def float_power_(self, exponent):
    """In-place ``float_power``: only a float64 tensor can hold its float64 result."""
    if self.dtype is not _dtype.float64:
        raise RuntimeError(f"the base given to float_power_ has dtype {_dtype.type_word(self.dtype)} "
                           "but the operation's result requires dtype Double")
    return apply_inplace(self, pointwise.float_power, exponent)


class Fill(Op):
    """Every element becomes ``value``: the old values get a zero gradient."""

    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, x, value):
        return np.full_like(x, value)

    @staticmethod
    def backward(ctx, grad):
        return grad.new_zeros(grad.shape)


class Zero(Fill):
    node_name = "ZeroBackward0"


def fill_(self, value):
    if isinstance(value, Tensor):
        if value.dim():
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.dim()} dimensions.")
        return copy_(self, value)  # a 0-d tensor value receives the (summed) gradient
    return apply_inplace(self, lambda x: Fill.apply(x, value=value))


def zero_(self):
    return apply_inplace(self, lambda x: Zero.apply(x, value=0))


class Copy(Op):
    """``x.copy_(src)``: x's old values get a zero gradient; src gets it (summed if broadcast)."""

    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, x, src):
        return np.broadcast_to(src, x.shape).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad.new_zeros(grad.shape) if ctx.needs_input_grad[0] else None, grad


def copy_(self, src, non_blocking=False):
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not "
                        f"{type(src).__name__}")
    try:
        np.broadcast_shapes(src.shape, self.shape)
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({self.shape[-1] if self.dim() else 1}) must match "
                           f"the size of tensor b ({src.shape[-1] if src.dim() else 1}) at "
                           f"non-singleton dimension {max(self.dim() - 1, 0)}") from None
    src = src.to(self.device)
    return apply_inplace(self, lambda x, s: Copy.run((x, s), (x._array, s._array), {}), src)


__all__ = ["eq_", "ne_", "lt_", "le_", "gt_", "ge_", "add_", "sub_", "mul_", "div_", "pow_", "remainder_", "floor_divide_", "clamp_",
           "clip_", "clamp_min_", "clamp_max_", "neg_", "abs_", "sign_", "exp_", "log_", "sqrt_",
           "sin_", "cos_", "tanh_", "sigmoid_", "relu_", "acos_", "asin_", "atan_", "cosh_",
           "sinh_", "tan_", "exp2_", "expm1_", "log1p_", "log2_", "log10_", "reciprocal_", "rsqrt_",
           "erf_", "erfinv_", "square_", "frac_", "ceil_", "floor_", "trunc_", "round_",
           "nan_to_num_", "fill_", "zero_", "copy_", "atan2_", "arctan2_", "hypot_", "fmod_",
           "xlogy_", "lerp_", "addcmul_", "addcdiv_", "cumsum_", "cumprod_", "addmm_", "addmv_",
           "addr_", "addbmm_", "baddbmm_"]

# Also Tensor methods, with the tensor as the first argument: x.f(...) == f(x, ...).
__all__ += ["acosh_", "arccosh_", "asinh_", "arcsinh_", "atanh_", "arctanh_", "arccos_",
            "arcsin_", "arctan_", "erfc_", "fix_", "negative_"]
TENSOR_METHODS = tuple(__all__) + (
    "absolute_", "divide_", "true_divide_", "multiply_", "subtract_", "greater_", "greater_equal_",
    "less_", "less_equal_", "not_equal_", "logical_and_", "logical_or_", "logical_xor_",
    "logical_not_", "bitwise_and_", "bitwise_or_", "bitwise_xor_", "bitwise_not_", "float_power_")
