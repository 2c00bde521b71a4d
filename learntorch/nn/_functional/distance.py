"""Distances and similarities between vectors, written as torch composes them, so that the
values — and the gradients at the awkward points (equal vectors, tiny norms) — are torch's."""
import numpy as np

from ... import _dtype
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad

_wrap = Tensor._make


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``‖x1 − x2 + eps‖_p`` over the last dim (``eps`` keeps the gradient finite when x1 == x2)."""
    innermost = max(x1.dim(), x2.dim()) - 1
    return (x1 - x2 + eps).norm(p, innermost, keepdim)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """``x1·x2 / (max(‖x1‖, eps) · max(‖x2‖, eps))`` along ``dim``.

    As in torch, each input is divided by its clamped norm first (no overflow for large
    vectors), and the clamp is applied without gradient: the norm's gradient is unclamped.
    """
    from ...linalg import vector_norm
    from ...ops._promote import broadcast_shape
    common = _dtype.result_type(x1, x2)
    if not common.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{_dtype.type_word(common)}")
    shape = broadcast_shape(tuple(x1.shape), tuple(x2.shape))
    x1, x2 = x1.to(common).expand(shape), x2.to(common).expand(shape)
    n1, n2 = vector_norm(x1, 2, dim, True).clone(), vector_norm(x2, 2, dim, True).clone()
    with no_grad():
        n1.clamp_min_(eps)
        n2.clamp_min_(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pdist(input, p=2):
    """The p-norm distance between every pair of rows ``i < j`` of a 2-D input, in the order
    of ``triu_indices(n, n, 1)``."""
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    if not input.is_floating_point():
        raise RuntimeError("pdist only supports floating-point dtypes")
    from ...linalg import vector_norm
    i, j = np.triu_indices(input.shape[0], 1)
    difference = input.index_select(0, _wrap(i)) - input.index_select(0, _wrap(j))
    if p == 0:  # the count of nonzero differences, whose gradient is zero (as torch's)
        return difference.abs().sign().sum(1)
    return vector_norm(difference, p, 1)


__all__ = ["pairwise_distance", "cosine_similarity", "pdist"]
