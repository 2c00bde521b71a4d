"""Dropout: zero a random part of the input while training, and rescale the rest.

The mask is drawn exactly as torch draws it — ``empty(noise_shape).bernoulli_(1 - p)`` —
so with the same seed the same elements are dropped.  ``noise_shape`` is the input's
own shape for ``dropout``, and ``(N, C, 1, …)`` for the channel-wise ("feature") forms,
which drop whole feature maps.
"""
import math
import warnings

from ...ops.creation import empty, empty_like, zeros

# SELU's negative saturation value, -λα: where alpha dropout sends dropped elements.
_SELU_ALPHA = 1.7580993408473766


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout(input, p, training, inplace, feature=False, alpha=False):
    """torch's ``_dropout_impl``: the noise, its scaling, then ``input * noise (+ b)``."""
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        nothing = zeros((), dtype=input.dtype, device=input.device)
        return input.mul_(nothing) if inplace else input * nothing
    if feature:
        if input.dim() < 2:
            raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
        shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
    else:
        shape = tuple(input.shape)
    # torch: empty_like(input) (the input's layout, so its fill order) or the feature shape
    noise = (empty(shape, dtype=input.dtype, device=input.device) if feature
             else empty_like(input)).bernoulli_(1 - p)
    if alpha:
        a = 1.0 / math.sqrt((_SELU_ALPHA * _SELU_ALPHA * p + 1) * (1 - p))
        b = noise.add(-1).mul_(_SELU_ALPHA * a).add_(_SELU_ALPHA * a * p)
        noise.mul_(a)
        return (input.mul_(noise) if inplace else input * noise).add_(b)
    noise.div_(1 - p)
    return input.mul_(noise) if inplace else input * noise


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p``; scale the kept ones by ``1 / (1 - p)``."""
    _check_p(p)
    return _dropout(input, p, training, inplace)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: dropped elements become -λα, then an affine map keeps
    the mean and variance at 0 and 1."""
    _check_p(p)
    return _dropout(input, p, training, inplace, alpha=True)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """``alpha_dropout`` of whole channels."""
    _check_p(p)
    return _dropout(input, p, training, inplace, feature=True, alpha=True)


def _unbatched(input, inplace):
    return input.unsqueeze_(0) if inplace else input.unsqueeze(0)


def _rebatched(result, inplace):
    return result.squeeze_(0) if inplace else result.squeeze(0)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of an ``(N, C, L)`` or ``(C, L)`` input."""
    _check_p(p)
    ndim = input.dim()
    if ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {ndim}D input. Note that dropout1d "
            "exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel "
            "dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    if ndim == 3:
        return _dropout(input, p, training, inplace, feature=True)
    return _rebatched(_dropout(_unbatched(input, inplace), p, training, inplace, feature=True),
                      inplace)


def _warn_rank(name, ndim, spatial):
    warnings.warn(
        f"{name}: Received a {ndim}-D input to {name}, which is deprecated and will result in an "
        f"error in a future release. To retain the behavior and silence this warning, please use "
        f"dropout instead. Note that {name} exists to provide channel-wise dropout on inputs with "
        f"{spatial} spatial dimensions, a channel dimension, and an optional batch dimension (i.e. "
        f"{spatial + 1}D or {spatial + 2}D inputs).", stacklevel=3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of an ``(N, C, H, W)`` input (a 3-D input is taken as ``(N, C, L)``,
    as torch still does, with its warning)."""
    _check_p(p)
    ndim = input.dim()
    if ndim not in (3, 4):
        _warn_rank("dropout2d", ndim, 2)
    if ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
            "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel "
            "dim. This behavior will change in a future release to interpret the input as one "
            "without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise "
            "dropout behavior, please switch to using dropout1d instead.", stacklevel=2)
    return _dropout(input, p, training, inplace, feature=True)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of an ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input."""
    _check_p(p)
    ndim = input.dim()
    if ndim not in (4, 5):
        _warn_rank("dropout3d", ndim, 3)
    if ndim == 5:
        return _dropout(input, p, training, inplace, feature=True)
    return _rebatched(_dropout(_unbatched(input, inplace), p, training, inplace, feature=True),
                      inplace)


__all__ = ["dropout", "alpha_dropout", "feature_alpha_dropout", "dropout1d", "dropout2d",
           "dropout3d"]
