"""Helpers the distributions share: broadcasting parameters, probabilities ⇄ logits, lazily
computed attributes."""
import numbers
from functools import update_wrapper

from .. import ops
from .._dtype import get_default_dtype
from .._finfo import finfo
from .._tensor import Size, Tensor
from ..nn import functional as F


def broadcast_all(*values):
    """Tensors (numbers become tensors of the others' dtype) broadcast to one shape."""
    if not all(isinstance(v, (Tensor, numbers.Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, torch.Tensor "
                         "or objects implementing __torch_function__.")
    if not all(isinstance(v, Tensor) for v in values):
        like = next((v for v in values if isinstance(v, Tensor)), None)
        dtype = like.dtype if like is not None else get_default_dtype()
        values = [v if isinstance(v, Tensor) else ops.tensor(v, dtype=dtype) for v in values]
    return ops.broadcast_tensors(*values)


def standard_normal(shape, dtype, device):
    return ops.empty(shape, dtype=dtype, device=device).normal_()


def sum_rightmost(value, dim):
    """Sum out the ``dim`` rightmost dimensions (a number passes through)."""
    if dim == 0:
        return value
    return value.reshape(value.shape[:-dim] + (-1,)).sum(-1)


def logits_to_probs(logits, is_binary=False):
    return ops.sigmoid(logits) if is_binary else F.softmax(logits, dim=-1)


def clamp_probs(probs):
    eps = finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return ops.log(ps_clamped) - ops.log1p(-ps_clamped)
    return ops.log(ps_clamped)


class lazy_property:
    """Computed on first access, then stored on the instance (``probs`` from ``logits`` …)."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        from ..autograd import enable_grad
        with enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    def __init__(self, wrapped):
        property.__init__(self, wrapped)


def as_size(shape):
    return Size(shape) if not isinstance(shape, Size) else shape


__all__ = ["broadcast_all", "logits_to_probs", "probs_to_logits", "clamp_probs", "lazy_property"]
