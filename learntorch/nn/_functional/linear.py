"""Affine maps (torch.nn.functional): ``linear`` is ``x @ Wᵀ + b``, ``bilinear`` is ``x₁ᵀ A x₂ + b``.

``linear`` is one op (for a 2-D input with a bias, torch's ``addmm(bias, input, weight.t())``,
so the graph is torch's), forward and backward side by side, because every MLP runs it:

    y = x Wᵀ + b          dx = dy W          dW = dyᵀ x          db = Σ dy

The weight is stored ``(out_features, in_features)``, as torch does (each row is one output
unit's weights, and ``x @ W.T`` reads them without a copy).  Leading batch dims of ``x`` are
folded into rows for the backward.
"""
import numpy as np

from ... import _dtype
from ..._tensor import Tensor
from ...ops._op import Op
from ..._dtype import c_type_name as _c_name

__all__ = ["linear", "bilinear"]


class _Linear(Op):
    """``linear`` in one node, named after the op torch's graph ends in (see ``_OPS``)."""

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        ctx.save_for_backward(x, weight)
        out = np.matmul(x, weight.T)
        if bias is not None:
            out += bias
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need = ctx.needs_input_grad
        grad_x = grad.matmul(weight) if need[0] else None
        rows = grad.reshape(-1, weight.shape[0])
        grad_w = rows.t().matmul(x.reshape(-1, weight.shape[1])) if need[1] else None
        if len(need) == 2:
            return grad_x, grad_w
        return grad_x, grad_w, grad if need[2] else None  # OpNode sums it to the bias's shape

    @staticmethod
    def backward_arrays(ctx, grad):
        """``backward`` on arrays (see ops/_op.py): the same products."""
        x, weight = ctx.saved_arrays
        need = ctx.needs_input_grad
        grad_x = np.matmul(grad, weight) if need[0] else None
        rows = grad.reshape(-1, weight.shape[0])
        grad_w = np.matmul(rows.T, x.reshape(-1, weight.shape[1])) if need[1] else None
        if len(need) == 2:
            return grad_x, grad_w
        return grad_x, grad_w, grad if need[2] else None


class _Addmm(Op):
    """A 2-D ``linear`` with a bias is ``addmm(bias, input, weight.t())`` in torch: its graph
    (AddmmBackward0 → bias, input, TBackward0 → weight) is what tutorials print."""

    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, bias, x, weight_t):
        ctx.save_for_backward(x, weight_t)
        out = np.matmul(x, weight_t)
        out += bias
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight_t = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad if need[0] else None,  # OpNode sums it to the bias's shape
                grad.matmul(weight_t.t()) if need[1] else None,
                grad.t().matmul(x).t() if need[2] else None)

    @staticmethod
    def backward_arrays(ctx, grad):
        """``backward`` on arrays.  The weight's gradient is made ``(out, in)`` and handed on
        transposed, so TBackward0 gives back that contiguous array (torch's mm does the same)."""
        x, weight_t = ctx.saved_arrays
        need = ctx.needs_input_grad
        return (grad if need[0] else None,
                np.matmul(grad, weight_t.T) if need[1] else None,
                np.matmul(grad.T, x).T if need[2] else None)


# torch's grad_fn for each case: addmm/mm on 2-D input, a view of the result otherwise.
_OPS = {}
for _key, _name in (((2, False), "MmBackward0"), ((1, True), "ViewBackward0"),
                    ((1, False), "SqueezeBackward4"), ((3, True), "ViewBackward0"),
                    ((3, False), "UnsafeViewBackward0")):
    _OPS[_key] = type(f"_Linear{_name}", (_Linear,), {"node_name": _name})


def linear(input, weight, bias=None):
    """``input @ weight.T + bias`` over the last dim of ``input`` (any number of batch dims)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"linear(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if input.dim() == 0 or weight.dim() == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                           f"{input.dim()}D and {weight.dim()}D")
    if weight.dim() == 1:  # torch allows a vector weight: a dot product per row
        return input.matmul(weight) if bias is None else input.matmul(weight) + bias
    _check_linear(input, weight, bias)
    if input.dim() == 2 and bias is not None:
        return _Addmm.apply(bias, input, weight.t())
    op = _OPS[min(input.dim(), 3), bias is not None]
    return op.apply(input, weight) if bias is None else op.apply(input, weight, bias)


def _check_linear(input, weight, bias):
    """torch's messages for what ``addmm(bias, input, weight.t())`` would reject."""
    x, w = input._array, weight._array
    if x.shape[-1] == w.shape[1] and x.dtype == w.dtype and (
            bias is None or bias._array.dtype == w.dtype
            and (bias._array.ndim == 0 or bias._array.shape[-1] in (1, w.shape[0]))):
        return  # the common case, checked on the arrays: this runs on every forward
    rows = _rows(input.shape)
    out_features, in_features = weight.shape
    if input.shape[-1] != in_features:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} "
                           f"and {in_features}x{out_features})")
    if bias is None:
        if input.dtype is not weight.dtype:
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                               f"{_c_name(input.dtype)} != {_c_name(weight.dtype)}")
        return
    if bias.dtype is not weight.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{_dtype.type_word(bias.dtype)} and {_dtype.type_word(weight.dtype)}")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                           f"{_dtype.type_word(input.dtype)} and {_dtype.type_word(weight.dtype)}")
    if bias.dim() and bias.shape[-1] not in (1, out_features):
        raise RuntimeError(
            f"The expanded size of the tensor ({out_features}) must match the existing size "
            f"({bias.shape[-1]}) at non-singleton dimension {max(bias.dim(), 2) - 1}.  Target "
            f"sizes: [{rows}, {out_features}].  Tensor sizes: [{', '.join(map(str, bias.shape))}]")


def _rows(shape):
    n = 1
    for s in shape[:-1]:
        n *= s
    return n


def bilinear(input1, input2, weight, bias=None):
    """``y[..., o] = Σᵢⱼ input1[..., i] · weight[o, i, j] · input2[..., j] + bias[o]``.

    Written as one matmul against the weight laid out ``(in1, out·in2)``, then a product
    with ``input2`` summed over j, so the gradients (of any order) come from those ops.
    """
    _check_bilinear(input1, input2, weight, bias)
    out_features, in1, in2 = weight.shape
    batch = input1.shape[:-1]
    x1 = input1.reshape(-1, in1)
    x2 = input2.reshape(-1, in2)
    mixed = x1.matmul(weight.permute(1, 0, 2).reshape(in1, out_features * in2))
    y = (mixed.reshape(-1, out_features, in2) * x2.unsqueeze(1)).sum(-1)
    if bias is not None:
        y = y + bias
    return y.reshape(*batch, out_features)


def _check_bilinear(input1, input2, weight, bias):
    named = [("input1", input1), ("input2", input2), ("weight", weight)]
    named += [] if bias is None else [("bias", bias)]
    if any(t.dtype is not input1.dtype for _, t in named):
        listed = ", ".join(f"{name}: {_c_name(t.dtype)}" for name, t in named)
        raise RuntimeError(f"All tensors must have the same dtype, got {listed}")
    if input1.dim() != input2.dim():
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.dim()} and "
                           f"{input2.dim()}")
    for i in range(input1.dim() - 1):
        if input1.shape[i] != input2.shape[i]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: got "
                               f"{input1.shape[i]} and {input2.shape[i]}")
    if weight.dim() != 3:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[-{weight.dim()}, {weight.dim() - 1}], but got 2)")
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{input1.shape[-1]} but expected {weight.shape[1]}")
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{input2.shape[-1]} but expected {weight.shape[2]}")
    if bias is not None and bias.shape[-1] != weight.shape[0]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias.shape[-1]} but expected {weight.shape[0]}")
