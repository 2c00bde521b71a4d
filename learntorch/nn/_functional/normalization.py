"""Normalization: batch, layer, group, instance, RMS and local-response norm, and ``normalize``.

Batch, layer, group and instance norm are one idea: standardize ``x`` over some axes,
``x̂ = (x − mean) / sqrt(var + eps)``, then scale and shift per channel, ``y = x̂·w + b``.
They differ only in *which* axes are averaged and which axes the weight runs along, so
one ``Op`` (``_Standardize``) serves all four; its backward is the textbook formula

    dx = invstd · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)),   dx̂ = dy · w,
    dw = Σ dy · x̂,   db = Σ dy   (over the axes the weight is broadcast along),

written in tensor ops, so that it can itself be differentiated (double backward).
With running statistics (eval mode) mean and invstd are constants: dx = invstd · dx̂.
"""
import math
import warnings
from collections import namedtuple

import numpy as np

from ... import _dtype
from ..._tensor import Tensor
from ...autograd.grad_mode import _State
from ...ops._op import Op
from .attention import _cpp_name

_wrap = Tensor._make

# How a norm sees its input: ``view`` is the shape it is computed in (None: the input's own),
# ``axes`` are averaged over, the weight is reshaped to ``param_shape`` to broadcast, and its
# gradient sums over ``param_axes``.
Layout = namedtuple("Layout", "view axes param_shape param_axes")


def _moments(x, axes):
    """Mean and biased variance of the array ``x`` over ``axes`` (kept as size-1 dims);
    zeros for an empty ``x``, whose normalization is empty anyway."""
    if x.size == 0:
        shape = tuple(1 if a in axes else s for a, s in enumerate(x.shape))
        return np.zeros(shape, x.dtype), np.zeros(shape, x.dtype)
    mean = x.mean(axis=axes, keepdims=True)
    centered = x - mean
    np.square(centered, out=centered)
    return mean, centered.mean(axis=axes, keepdims=True)


def _invstd(var, eps):
    out = np.sqrt(var + eps)
    return np.reciprocal(out, out=out)


class _Standardize(Op):
    """``y = (x − mean)·invstd·w + b`` for given statistics (arrays shaped like ``layout.axes``).

    ``batch_stats`` says whether ``mean``/``invstd`` were computed from this ``x`` (training)
    or came from outside (running statistics): only then does the gradient flow through them.
    """

    @staticmethod
    def forward(ctx, x, *affine, mean, invstd, layout, has_weight, batch_stats, eps):
        xv = x.reshape(layout.view) if layout.view else x
        out = xv - mean
        out *= invstd
        weight, bias = _split_affine(affine, has_weight)
        if weight is not None:
            out *= weight.reshape(layout.param_shape)
        if bias is not None:
            out += bias.reshape(layout.param_shape)
        ctx.mean, ctx.invstd, ctx.layout = mean, invstd, layout
        ctx.batch_stats, ctx.eps, ctx.in_shape = batch_stats, eps, x.shape
        ctx.count = math.prod(xv.shape[a] for a in layout.axes)
        ctx.bias_shape = None if bias is None else bias.shape
        ctx.save_for_backward(x, weight)
        return out.reshape(x.shape).astype(x.dtype, copy=False)  # half x, float32 statistics

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        layout, needs = ctx.layout, ctx.needs_input_grad
        if layout.view:
            x, grad = x.reshape(layout.view), grad.reshape(layout.view)
        xhat, invstd = _standardized(ctx, x)
        w = weight.reshape(layout.param_shape) if weight is not None else None
        # Batch norm's weight is constant over the averaged axes: it factors out of dx̂ = dy·w,
        # and the sums Σdy, Σdy·x̂ of dx are those of db, dw (fewer full-size temporaries).
        shared = layout.axes == layout.param_axes
        sums = {}
        grads = [None]
        if needs[0]:
            d = grad if w is None or shared else grad * w
            if ctx.batch_stats:
                sum_d = d.sum(layout.axes, keepdim=True)
                sum_dx = (d * xhat).sum(layout.axes, keepdim=True)
                if shared:
                    sums = {"bias": sum_d, "weight": sum_dx}
                d = d - sum_d / ctx.count - xhat * (sum_dx / ctx.count)
            scale = invstd * w if w is not None and shared else invstd
            grads[0] = (d * scale).reshape(ctx.in_shape)
        if weight is not None:
            grads.append(sums.get("weight", _sum(grad * xhat, layout.param_axes))
                         .reshape(weight.shape) if needs[1] else None)
        if ctx.bias_shape is not None:
            grads.append(sums.get("bias", _sum(grad, layout.param_axes)).reshape(ctx.bias_shape)
                         if needs[-1] else None)
        return tuple(grads)


def _split_affine(affine, has_weight):
    if has_weight:
        return affine[0], (affine[1] if len(affine) > 1 else None)
    return None, (affine[0] if affine else None)


def _standardized(ctx, x):
    """``x̂`` and ``invstd`` as tensors for the backward.

    In a differentiable backward (``create_graph=True``) batch statistics are recomputed
    from ``x`` with tensor ops, so that their dependence on ``x`` is part of the new graph.
    """
    if _State.enabled and ctx.batch_stats:
        axes = ctx.layout.axes
        centered = x - x.mean(axes, keepdim=True)
        invstd = ((centered * centered).mean(axes, keepdim=True) + ctx.eps).rsqrt()
        return centered * invstd, invstd
    invstd = _wrap(ctx.invstd)
    return (x - _wrap(ctx.mean)) * invstd, invstd


def _sum(t, axes):
    return t.sum(axes, keepdim=True) if axes else t


class NativeBatchNorm(_Standardize):
    pass


class NativeLayerNorm(_Standardize):
    pass


class NativeGroupNorm(_Standardize):
    pass


def _standardize(op, input, weight, bias, mean, invstd, layout, batch_stats, eps):
    affine = tuple(t for t in (weight, bias) if t is not None)
    return op.run((input,) + affine, [t._array for t in (input,) + affine],
                  {"mean": mean, "invstd": invstd, "layout": layout,
                   "has_weight": weight is not None, "batch_stats": batch_stats, "eps": eps})


# -- batch norm --------------------------------------------------------------------------------
def _verify_batch_size(size):
    count = size[0]
    for s in size[2:]:
        count *= s
    if count == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                         f"{size}")


def _channel_layout(ndim, channel_axes=(1,), stats_axes=None):
    """Statistics over every axis but the channel (batch norm), or over ``stats_axes``."""
    other = tuple(a for a in range(ndim) if a not in channel_axes)
    param_shape = tuple(-1 if a in channel_axes else 1 for a in range(ndim))
    return Layout(None, other if stats_axes is None else stats_axes, param_shape, other)


def _check_channel_vectors(input, named):
    channels = input.shape[1] if input.dim() > 1 else 0
    for name, t in named:
        if t is not None and t.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {t.numel()}")


def _check_dtypes(input, params, kernel=()):
    """torch's CPU rules for parameters of another dtype than the input: the first given
    parameter decides; if its dtype differs, the call is "mixed", allowed only for a half
    input with float32 parameters; otherwise the kernel wants ``kernel`` in the input's dtype."""
    first = next((p for p in params if p is not None), None)
    if first is not None and first.dtype is not input.dtype:
        if any(p is not None and p.dtype is not _dtype.float32 for p in params):
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
        if input.dtype is not _dtype.float16:
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
        return
    for t in kernel:
        if t is not None and t.dtype is not input.dtype:
            raise RuntimeError(f"expected scalar type {_dtype.type_word(input.dtype)} but found "
                               f"{_dtype.type_word(t.dtype)}")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalize each channel (dim 1) over the batch and every spatial position.

    In training the batch's statistics are used and the running ones (if given) move
    towards them by ``momentum``, the variance unbiased; otherwise the running ones are used.
    """
    if training:
        _verify_batch_size(input.shape)
    _check_stats_need_no_grad(running_mean, running_var)
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    _check_channel_vectors(input, (("running_mean", running_mean), ("running_var", running_var),
                                   ("weight", weight), ("bias", bias)))
    stats = (weight, bias, running_mean, running_var)
    _check_dtypes(input, stats, stats)
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        if not training and t is None:
            raise RuntimeError(f"{name} must be defined in evaluation mode")
    layout = _channel_layout(input.dim())
    if training:
        mean, var = _moments(input._array, layout.axes)
        if input.numel():
            _update_running(running_mean, running_var, mean, var, input.numel() // input.shape[1],
                            momentum)
    else:
        shape = layout.param_shape
        mean, var = running_mean._array.reshape(shape), running_var._array.reshape(shape)
    return _standardize(NativeBatchNorm, input, weight, bias, mean, _invstd(var, eps), layout,
                        training, eps)


def _update_running(running_mean, running_var, mean, var, count, momentum):
    """``running ← (1 − momentum)·running + momentum·batch``, the variance unbiased.

    Written straight into the buffers' arrays: torch's kernel updates them in place
    without bumping their version counters, and so does this.
    """
    unbiased = var * (count / (count - 1)) if count > 1 else var * np.nan
    for running, batch in ((running_mean, mean), (running_var, unbiased)):
        if running is not None:
            array = running._array
            array *= 1 - momentum
            array += (momentum * batch).reshape(array.shape).astype(array.dtype, copy=False)


# -- instance norm -----------------------------------------------------------------------------
def _verify_spatial_size(size):
    count = 1
    for s in size[2:]:
        count *= s
    if count == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"{size}")


def _check_stats_need_no_grad(running_mean, running_var):
    """torch refuses running statistics that require grad while grad mode is on."""
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        if _State.enabled and t is not None and t._requires_grad:
            raise RuntimeError(f"The function 'native_batch_norm' is not differentiable with "
                               f"respect to argument '{name}'. This input cannot have "
                               "requires_grad True.")


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Normalize each (sample, channel) over its spatial positions; the running statistics
    move towards the batch-average of the per-instance ones."""
    if use_input_stats:
        _verify_spatial_size(input.shape)
    _check_stats_need_no_grad(running_mean, running_var)
    _check_channel_vectors(input, (("weight", weight), ("bias", bias)))
    _check_dtypes(input, (weight, bias))
    spatial = tuple(range(2, input.dim()))
    layout = _channel_layout(input.dim(), stats_axes=spatial)
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when "
                           "use_input_stats is false")
    if use_input_stats:
        mean, var = _moments(input._array, spatial)
        if input.numel():
            _update_running(running_mean, running_var, mean.mean(0), var.mean(0),
                            math.prod(input.shape[2:]), momentum)
    else:
        shape = layout.param_shape
        mean, var = running_mean._array.reshape(shape), running_var._array.reshape(shape)
    return _standardize(NativeBatchNorm, input, weight, bias, mean, _invstd(var, eps), layout,
                        use_input_stats, eps)


# -- layer norm and RMS norm -------------------------------------------------------------------
def _normalized_shape(normalized_shape, fn="layer_norm"):
    if isinstance(normalized_shape, int) or not all(isinstance(s, int) for s in normalized_shape):
        raise TypeError(f"{fn}(): argument 'normalized_shape' (position 2) must be tuple of ints, "
                        f"not {type(normalized_shape).__name__}")
    shape = tuple(normalized_shape)
    if not shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing "
                           "at least one element, but got normalized_shape = []")
    return shape


def _check_trailing(input, shape, star="*, "):
    k = len(shape)
    if input.dim() < k or tuple(input.shape[input.dim() - k:]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[{star}{', '.join(map(str, shape))}], but got input of size"
                           f"{list(input.shape)}")


def _check_param_shape(name, t, shape):
    if t is not None and tuple(t.shape) != shape:
        raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} "
                           f"of shape {list(t.shape)} and normalized_shape = {list(shape)}")


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalize over the last ``len(normalized_shape)`` dims of each sample."""
    shape = _normalized_shape(normalized_shape)
    _check_param_shape("weight", weight, shape)
    _check_param_shape("bias", bias, shape)
    _check_trailing(input, shape)
    _check_dtypes(input, (weight, bias), (weight, bias))
    lead = input.dim() - len(shape)
    layout = Layout(None, tuple(range(lead, input.dim())), shape, tuple(range(lead)))
    mean, var = _moments(input._array, layout.axes)
    return _standardize(NativeLayerNorm, input, weight, bias, mean, _invstd(var, eps), layout,
                        True, eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """``x / sqrt(mean(x²) + eps) · w`` over the trailing dims; ``eps`` defaults to the dtype's."""
    shape = _normalized_shape(normalized_shape, "rms_norm")
    _check_trailing(input, shape, star="*")
    if eps is None:
        eps = float(np.finfo(input._array.dtype).eps)
    if weight is not None and weight.dtype is not input.dtype:
        warnings.warn(f"Mismatch dtype between input and weight: input dtype = "
                      f"{_cpp_name(input.dtype)}, weight dtype = {_cpp_name(weight.dtype)}, Cannot "
                      "dispatch to fused implementation.", UserWarning, stacklevel=2)
    dims = tuple(range(input.dim() - len(shape), input.dim()))
    out = input * (input.pow(2).mean(dims, keepdim=True) + eps).rsqrt()
    if weight is not None:
        out = out * weight
    return out if out.dtype is input.dtype else out.to(input.dtype)  # torch's type_as(input)


# -- group norm --------------------------------------------------------------------------------
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Split the channels into ``num_groups`` groups; normalize each sample's group."""
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.dim()}")
    n, c = input.shape[0], input.shape[1]
    _verify_batch_size([n * c // num_groups, num_groups] + list(input.shape[2:]))
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {list(input.shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape {list(t.shape)} and "
                               f"input of shape {list(input.shape)}")
    _check_dtypes(input, (weight, bias), (weight, bias))
    view = (n, num_groups, c // num_groups, math.prod(input.shape[2:]))
    layout = Layout(view, (2, 3), (1, num_groups, c // num_groups, 1), (0, 3))
    mean, var = _moments(input._array.reshape(view), layout.axes)
    return _standardize(NativeGroupNorm, input, weight, bias, mean, _invstd(var, eps), layout,
                        True, eps)


# -- local response norm and normalize -------------------------------------------------------
def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """``x / (k + alpha · mean of x² over `size` neighbouring channels) ** beta``."""
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input "
                         f"(got {dim} dimensions)")
    if input.numel() == 0:
        return input
    from ...ops.indexing import cat
    squares = input * input
    n, channels, spatial = input.shape[0], input.shape[1], tuple(input.shape[2:])
    padded = cat([squares.new_zeros((n, size // 2) + spatial), squares,
                  squares.new_zeros((n, (size - 1) // 2) + spatial)], 1)
    window = padded[:, 0:channels]
    for offset in range(1, size):  # one shifted slice per neighbour: `size` is small
        window = window + padded[:, offset:offset + channels]
    return input / (window * (alpha / size) + k).pow(beta)


class CrossMapLRN2d(Op):
    """torch's legacy ``nn.CrossMapLRN2d``, window quirks included, so its numbers are torch's.

    Forward: ``x · (k + alpha/size · S)^-beta`` with ``S`` the sum of squares over channels
    ``c − pre + 1 … c + pre − 1`` (``pre = (size − 1)/2 + 1``) — except that torch's running
    sum never drops channel 0.  Backward is torch's own formula, whose window runs over
    ``c − ipp … c − ipp + size − 1`` (``ipp = size − (size − 1)/2``): the derivative of the
    intended, symmetric LRN rather than of the forward above.
    """

    node_name = "CrossMapLRN2dBackward"

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        channels = x.shape[1]
        pre = int((size - 1) / 2 + 1)
        totals = np.cumsum(x * x, axis=1)
        c = np.arange(channels)
        window = totals[:, np.minimum(c + pre - 1, channels - 1)]
        late = c > pre  # these have dropped channels 1 … c − pre (never channel 0)
        window[:, late] -= totals[:, c[late] - pre] - totals[:, :1]
        scale = window * (alpha / size) + k
        out = x * scale ** -beta
        ctx.size, ctx.alpha, ctx.beta = size, alpha, beta
        ctx.save_for_backward(x, out, scale)
        return out

    @staticmethod
    def backward(ctx, grad):
        from ...ops.indexing import cat
        x, out, scale = ctx.saved_tensors
        size, channels = ctx.size, x.shape[1]
        shift = int(size - (size - 1) / 2)
        if shift > size - 1:  # torch's padded buffer is too short for size 1
            raise RuntimeError(f"start ({shift}) + length ({channels}) exceeds dimension size "
                               f"({channels + size - 1}).")
        start = np.arange(channels) - shift
        ratio = grad * out / scale
        zeros = ratio.new_zeros((ratio.shape[0], 1) + tuple(ratio.shape[2:]))
        totals = cat([zeros, ratio.cumsum(1)], 1)
        window = totals.index_select(1, _wrap(np.clip(start + size, 0, channels))) \
            - totals.index_select(1, _wrap(np.clip(start, 0, channels)))
        return scale.pow(-ctx.beta) * grad - x * window * (2 * ctx.alpha * ctx.beta / size)


def cross_map_lrn2d(input, size, alpha=1e-4, beta=0.75, k=1):
    """What ``nn.CrossMapLRN2d`` computes (not in torch.nn.functional, so not exported)."""
    if input.dim() != 4:
        raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
    return CrossMapLRN2d.apply(input, size=size, alpha=alpha, beta=beta, k=k)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``v / max(‖v‖_p, eps)`` for every vector ``v`` along ``dim``."""
    from ...ops.pointwise import div
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denom if out is None else div(input, denom, out=out)


__all__ = ["batch_norm", "instance_norm", "layer_norm", "rms_norm", "group_norm",
           "local_response_norm", "normalize"]
