"""Matrix products.  ``matmul`` follows torch's rules for 1-D, 2-D and batched operands.

Backward of ``C = A @ B``: ``dA = dC @ Bᵀ`` and ``dB = Aᵀ @ dC``; batch dims that were
broadcast are summed away by ``OpNode`` like any other broadcast.
"""
import numpy as np

from .._tensor import Tensor
from ._op import Op
from ._promote import broadcast_shape


class Matmul(Op):
    """torch records a batched matmul as several nodes (views + ``BmmBackward0``); we use one."""

    node_name = "MatmulBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        a_vec, b_vec = a.dim() == 1, b.dim() == 1
        a2 = a.unsqueeze(0) if a_vec else a
        b2 = b.unsqueeze(-1) if b_vec else b
        g = grad.unsqueeze(-1) if b_vec else grad
        g = g.unsqueeze(-2) if a_vec else g
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = g.matmul(b2.transpose(-1, -2))
            grad_a = grad_a.squeeze(-2) if a_vec else grad_a
        if ctx.needs_input_grad[1]:
            grad_b = a2.transpose(-1, -2).matmul(g)
            grad_b = grad_b.squeeze(-1) if b_vec else grad_b
        return grad_a, grad_b


class Mm(Matmul):
    node_name = "MmBackward0"


class Mv(Matmul):
    node_name = "MvBackward0"


class Dot(Matmul):
    node_name = "DotBackward0"


def matmul(input, other, *, out=None):
    """Matrix product with torch's semantics: dot (1-D·1-D), mv, mm, and broadcast batches."""
    a, b = _operands(input, other, "matmul")
    da, db = a.dim(), b.dim()
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D "
                           f"and {db}D")
    if da >= 2 and db >= 2 and max(da, db) >= 3:
        broadcast_shape(a.shape[:-2], b.shape[:-2])  # torch checks the batch dims first
    ka = a.shape[-1]
    kb = b.shape[0] if db == 1 else b.shape[-2]
    if ka != kb:
        raise RuntimeError(_mismatch_message(a.shape, b.shape))
    if da == 2 and db == 2:
        op = Mm
    elif da == 2 and db == 1:
        op = Mv
    elif da == 1 and db == 1:
        op = Dot
    else:
        op = Matmul
    try:
        return op.apply(a, b)
    except ValueError:
        raise RuntimeError(_mismatch_message(a.shape, b.shape)) from None


def _mismatch_message(sa, sb):
    if len(sa) == 1 and len(sb) == 1:
        return (f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] to have the "
                f"same number of elements, but got {sa[0]} and {sb[0]} elements respectively")
    if len(sa) >= 2 and len(sb) == 1:
        rows = _rows(sa)  # torch folds the batch dims of a into its rows
        return f"size mismatch, got input ({rows}), mat ({rows}x{sa[-1]}), vec ({sb[0]})"
    if len(sb) >= 3:
        # torch runs a batched matmul as bmm over the broadcast batch dims
        batch = _rows(np.broadcast_shapes(tuple(sa[:-2]), tuple(sb[:-2])) + (1,))
        return (f"Expected size for first two dimensions of batch2 tensor to be: "
                f"[{batch}, {sa[-1]}] but got: [{batch}, {sb[-2]}].")
    a2 = f"{_rows(sa)}x{sa[-1]}"
    b2 = f"{sb[0]}x{sb[1]}" if len(sb) == 2 else "x".join(str(s) for s in sb)
    return f"mat1 and mat2 shapes cannot be multiplied ({a2} and {b2})"


def _rows(shape):
    n = 1
    for s in shape[:-1]:
        n *= s
    return n


def _operands(a, b, name):
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(b if isinstance(a, Tensor) else a).__name__}")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_c_name(a.dtype)} != {_c_name(b.dtype)}")
    return a, b


def _c_name(dt):
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
            "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}[dt.name]


def mm(input, mat2, *, out=None):
    a, b = _operands(input, mat2, "mm")
    if a.dim() != 2:
        raise RuntimeError(f"self must be a matrix")
    if b.dim() != 2:
        raise RuntimeError(f"mat2 must be a matrix")
    return matmul(a, b)


def bmm(input, mat2, *, out=None):
    a, b = _operands(input, mat2, "bmm")
    if a.dim() != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor")
    if b.dim() != 3:
        raise RuntimeError(f"batch2 must be a 3D tensor")
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    return matmul(a, b)


def mv(input, vec, *, out=None):
    a, b = _operands(input, vec, "mv")
    if a.dim() != 2 or b.dim() != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.dim()}, {b.dim()}")
    return matmul(a, b)


def dot(input, other, *, out=None):
    a, b = _operands(input, other, "dot")
    if a.dim() != 1 or b.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.dim()}D and {b.dim()}D tensors")
    return matmul(a, b)


inner = dot

__all__ = ["matmul", "mm", "bmm", "mv", "dot"]

# Also Tensor methods, with the tensor as the first argument: x.f(...) == f(x, ...).
TENSOR_METHODS = (
    "matmul", "mm", "bmm", "mv", "dot",
)
