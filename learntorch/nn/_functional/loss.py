"""Loss functions (torch.nn.functional), written as torch computes them.

The losses torch computes in one kernel are single ops here too, so their ``grad_fn`` is
torch's (``MseLossBackward0`` …): ``nll_loss`` picks ``-w[t]·logp[n, t]`` with one gather,
``cross_entropy`` is ``log_softmax`` (one op) followed by it, and mse, smooth_l1, huber and
the two binary cross entropies compute the pointwise loss and its reduction in one forward,
with a backward in tensor ops (differentiable again).  The other losses are short
compositions of tensor ops, as torch's Python code writes them, so their gradients (first and
second order) come from autograd.

``size_average``/``reduce`` are torch's deprecated pair: either one given overrides
``reduction`` by torch's legacy rule, with torch's warning.
"""
import math
import warnings

import numpy as np

from ... import _dtype, ops
from ..._tensor import Tensor
from ...autograd.grad_mode import _State, is_grad_enabled, no_grad
from ...ops._op import Op
from ...ops._promote import broadcast_shape
from ...ops.activation import softmax
from .activation import logsigmoid
from .distance import pairwise_distance
from .linear import linear

_wrap = Tensor._make


# -- reduction arguments ------------------------------------------------------------------------
def _legacy_reduction(size_average, reduce):
    """torch's ``_Reduction.legacy_get_string``: both default to True; warns."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use "
                  f"reduction='{reduction}' instead.", UserWarning, stacklevel=3)
    return reduction


def _reduction(size_average, reduce, reduction):
    """The reduction to apply, validated like torch's ``_Reduction.get_enum``."""
    if size_average is not None or reduce is not None:
        return _legacy_reduction(size_average, reduce)
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' "
                      "instead.", UserWarning, stacklevel=3)
        return "mean"
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _warn_size(input, target):
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size "
                      f"({input.shape}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", UserWarning,
                      stacklevel=3)


def _check_weight_size(weight, input):
    if weight is not None and weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")


def _weighted(loss, weight, reduction):
    """torch's rule for l1/mse with ``weight``: 'mean' divides by the weights' sum."""
    loss = loss * weight
    if reduction == "mean":
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


def _not_implemented(kernel, t):
    return NotImplementedError(f"\"{kernel}\" not implemented for '{_dtype.type_word(t.dtype)}'")


def _broadcast(input, target):
    """``broadcast_tensors(input, target)``, with torch's error when they cannot."""
    shape = broadcast_shape(tuple(input.shape), tuple(target.shape))
    return (input if input.shape == shape else input.expand(shape),
            target if target.shape == shape else target.expand(shape))


def _regression(input, target, kernel):
    """Broadcast input and target (torch's warning when they differ); their common dtype."""
    _warn_size(input, target)
    input, target = _broadcast(input, target)
    return input, target, _float_dtype(input, target, kernel)


def _float_dtype(input, target, kernel):
    """The NumPy dtype input and target are computed in (torch's promotion); floats only."""
    dt = _dtype.result_type(input, target)
    if not dt.is_floating_point:
        raise _not_implemented(kernel, input)
    return dt.np


# -- the losses torch computes in one kernel: pointwise loss and reduction in one op ------------
def _reduced(ctx, loss, reduction):
    """``loss`` (an array) reduced as ``ops.reduction``'s Mean and Sum do (the mean of nothing
    is NaN, without NumPy's warning); ctx keeps how, for the backward."""
    ctx.reduction, ctx.count = reduction, loss.size
    if reduction == "mean":
        return np.true_divide(loss.sum(), loss.size, dtype=loss.dtype)
    if reduction == "sum":
        return loss.sum()
    return loss


def _per_element(ctx, grad):
    """The gradient reaching each element of the pointwise loss: ``grad / count`` for 'mean'."""
    return grad / ctx.count if ctx.reduction == "mean" else grad


def _as(array, dtype):
    return array if array.dtype == dtype else array.astype(dtype)


class MseLoss(Op):
    """``(x − y)²`` reduced; the gradient is ``2(x − y)`` (÷ count for 'mean'), and its
    negative for y."""

    @staticmethod
    def forward(ctx, x, y, reduction, dtype):
        ctx.save_for_backward(x, y)
        difference = _as(x, dtype) - _as(y, dtype)
        return _reduced(ctx, difference * difference, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        grad_x = _per_element(ctx, grad) * (x - y) * 2
        return grad_x, -grad_x if ctx.needs_input_grad[1] else None


def _huber(difference, delta):
    """``½z²`` for ``|z| < delta``, else ``delta·(|z| − ½delta)`` (arrays)."""
    z = np.abs(difference)
    return np.where(z < delta, 0.5 * difference * difference, delta * (z - 0.5 * delta))


class SmoothL1Loss(Op):
    """``huber(x − y, beta) / beta`` reduced; the gradient is ``(x − y)/beta`` inside
    ``|x − y| < beta``, ``sign(x − y)`` outside."""

    @staticmethod
    def forward(ctx, x, y, reduction, beta, dtype):
        ctx.save_for_backward(x, y)
        ctx.beta = beta
        return _reduced(ctx, _huber(_as(x, dtype) - _as(y, dtype), beta) / beta, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        difference = x - y
        slope = ops.where(difference.abs() < ctx.beta, difference / ctx.beta, difference.sign())
        grad_x = _per_element(ctx, grad) * slope
        return grad_x, -grad_x if ctx.needs_input_grad[1] else None


class HuberLoss(Op):
    """``huber(x − y, delta)`` reduced; the gradient is ``x − y`` inside ``|x − y| < delta``,
    ``delta·sign(x − y)`` outside."""

    @staticmethod
    def forward(ctx, x, y, reduction, delta, dtype):
        """Computed in the common ``dtype``, returned in the input's (torch's huber_loss)."""
        ctx.save_for_backward(x, y)
        ctx.delta = delta
        loss = _huber(_as(x, dtype) - _as(y, dtype), delta)
        return _as(_reduced(ctx, loss, reduction), x.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        if x.dtype is not y.dtype:  # torch's backward kernel takes one dtype only
            raise RuntimeError(f"Found dtype {_dtype.type_word(y.dtype)} but expected "
                               f"{_dtype.type_word(x.dtype)}")
        difference = x - y
        slope = ops.where(difference.abs() < ctx.delta, difference,
                          difference.sign() * ctx.delta)
        grad_x = _per_element(ctx, grad) * slope
        return grad_x, -grad_x if ctx.needs_input_grad[1] else None


# -- regression losses --------------------------------------------------------------------------
def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """``|input − target|``, reduced."""
    reduction = _reduction(size_average, reduce, reduction)
    input, target, _ = _regression(input, target, "abs_cpu")
    _check_weight_size(weight, input)
    loss = (input - target).abs()
    return _weighted(loss, weight, reduction) if weight is not None else _reduce(loss, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """``(input − target)²``, reduced (one op; with ``weight``, torch's composition)."""
    reduction = _reduction(size_average, reduce, reduction)
    input, target, dtype = _regression(input, target, "mse_cpu")
    _check_weight_size(weight, input)
    if weight is not None:
        return _weighted((input - target) ** 2, weight, reduction)
    return MseLoss.apply(input, target, reduction=reduction, dtype=dtype)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Huber loss divided by ``beta``: quadratic below ``beta``, linear above (l1 when beta = 0)."""
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    input, target = _broadcast(input, target)
    if beta == 0.0:  # torch's l1_loss: abs of the difference
        return _reduce((input - target).abs(), reduction)
    dtype = _float_dtype(input, target, "smooth_l1_cpu")
    return SmoothL1Loss.apply(input, target, reduction=reduction, beta=beta, dtype=dtype)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """``½(x − y)²`` where ``|x − y| < delta``, else ``delta·(|x − y| − ½delta)``."""
    _warn_size(input, target)
    reduction = _reduction(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    input, target = _broadcast(input, target)
    _check_weight_size(weight, input)
    dtype = _float_dtype(input, target, "huber_cpu")
    if weight is None:
        return HuberLoss.apply(input, target, reduction=reduction, delta=delta, dtype=dtype)
    loss = HuberLoss.apply(input, target, reduction="none", delta=delta, dtype=dtype)
    return _reduce(loss * weight, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    """``exp(input) − target·input`` (log_input) or ``input − target·log(input + eps)``;
    ``full`` adds Stirling's term for targets > 1."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not a valid value for reduction")
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """``½(log var + (input − target)²/var)`` with ``var`` clamped at ``eps`` (without gradient)."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ops.ones_like(input)
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif not (input.dim() == var.dim()
                  and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """``target·(log target − input)`` pointwise (input holds log-probabilities);
    ``'batchmean'`` divides the sum by the batch size, the KL divergence proper."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.", UserWarning, stacklevel=2)
    elif reduction != "batchmean":
        reduction = _reduction(None, None, reduction)
    loss = kl_div_pointwise(input, target, log_target)
    if reduction == "batchmean":
        total = loss.sum()
        return total / input.shape[0] if input.dim() != 0 else total
    return _reduce(loss, reduction)


def kl_div_pointwise(input, target, log_target):
    """Each element's ``target·(log target − input)`` (torch.kl_div reduces it without warning)."""
    if log_target:
        return target.exp() * (target - input)
    return ops.xlogy(target, target) - target * input


# -- classification: negative log likelihood and cross entropy ---------------------------------
def _classes_view(array):
    """An (N, C, ...) array as (N, C, K): one layout for every number of extra dims."""
    n, c = array.shape[0], array.shape[1]
    return array.reshape(n, c, math.prod(array.shape[2:]))


def _pick(ctx, x, target, weight, ignore_index):
    """The index of each target's entry in the (N, C, K) array — ignored targets point at
    class 0 with weight 0 — and the weight of each target (IndexError out of range, as torch)."""
    n, c, k = x.shape
    t = target.reshape(n, k)
    inside = not t.size or (t.min() >= 0 and t.max() < c)
    if inside and not 0 <= ignore_index < c:   # the usual case: no target is ignored
        safe = t
        w = weight[t] if weight is not None else np.ones(t.shape, x.dtype)
    else:
        keep = t != ignore_index
        bad = keep & ((t < 0) | (t >= c))
        if bad.any():
            raise IndexError(f"Target {t[bad][0]} is out of bounds.")
        safe = np.where(keep, t, 0)
        w = weight[safe] * keep if weight is not None else keep.astype(x.dtype)
    ctx.index, ctx.w = index, w = (np.arange(n)[:, None], safe, np.arange(k)), w
    return index, w


def _reduce_losses(ctx, losses, w, reduction, shape):
    """'none': per target; 'sum'; 'mean': divided by the total weight of the kept targets."""
    ctx.reduction, ctx.total_weight = reduction, None
    if reduction == "none":
        return losses.reshape(shape)
    total = losses.sum(dtype=losses.dtype)
    if reduction == "sum":
        return np.asanyarray(total)
    ctx.total_weight = total_weight = w.sum(dtype=losses.dtype)
    return np.asanyarray(total / total_weight)


def _target_scale(ctx):
    """d loss / d picked, per target: −w (÷ total weight for 'mean'; all ignored: 0, as torch)."""
    w = -ctx.w
    return w / ctx.total_weight if ctx.total_weight else w


def _grad_rows(ctx, grad, n, k):
    return grad.reshape(n, 1, k) if ctx.reduction == "none" else grad


class NllLoss(Op):
    """``-w[t]·logp[n, t, k]`` on logp viewed as (N, C, K) and t as (N, K); ignored targets give 0.

    The backward scatters ``-w[t]·grad`` (÷ total weight) back to the picked entries: one
    coefficient array, so the gradient is ``grad × constant`` (linear in grad, as it should be).
    """

    @staticmethod
    def forward(ctx, logp, target, weight, ignore_index, reduction, shape):
        x = _classes_view(logp)
        index, w = _pick(ctx, x, target, weight, ignore_index)
        ctx.save_for_backward(logp)
        return _reduce_losses(ctx, -x[index] * w, w, reduction, shape)

    @staticmethod
    def backward(ctx, grad):
        logp, = ctx.saved_tensors
        n, c, k = _classes_view(logp._array).shape
        coefficient = np.zeros((n, c, k), dtype=logp._array.dtype)
        coefficient[ctx.index] = _target_scale(ctx)
        grad = _grad_rows(ctx, grad, n, k)
        if _State.enabled:  # create_graph: keep the path to logp (zero), as torch
            return NllLossBackward.apply(grad, logp, coefficient=coefficient)
        coefficient *= grad._array
        return _wrap(coefficient.reshape(logp.shape))


class NllLossBackward(Op):
    """``grad · coefficient`` shaped like logp: linear in grad, flat in logp (zero gradient,
    as torch's nll_loss_backward), so a gradient of the loss can be differentiated again."""

    @staticmethod
    def forward(ctx, grad, logp, coefficient):
        ctx.coefficient = coefficient
        return np.multiply(grad, coefficient, dtype=logp.dtype).reshape(logp.shape)

    @staticmethod
    def backward(ctx, grad):
        coefficient = ctx.coefficient  # the grad-gradient is summed back to grad's shape by OpNode
        return (grad.reshape(coefficient.shape) * _wrap(coefficient) if ctx.needs_input_grad[0]
                else None,
                grad.new_zeros(grad.shape) if ctx.needs_input_grad[1] else None)


class CrossEntropy(Op):
    """``nll_loss(log_softmax(x))`` fused: softmax's sums once, the log-probabilities of the
    targets only, and a one-pass backward ``(softmax(x)·w_t − onehot·w_t) · scale``.

    Named ``NllLossBackward0`` as torch's outermost node.  With ``create_graph`` the backward
    is written in tensor ops (``softmax(x)`` is itself differentiable), so it differentiates
    again; otherwise it reuses forward's exponentials.
    """

    node_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, logits, target, weight, ignore_index, reduction, shape):
        x = _classes_view(logits)
        index, w = _pick(ctx, x, target, weight, ignore_index)
        shifted = x - (x.max(axis=1, keepdims=True) if x.size else 0)
        e = np.exp(shifted)
        sums = e.sum(axis=1, keepdims=True)
        log_p = shifted[index] - np.log(sums[:, 0, :])
        ctx.save_for_backward(logits)
        ctx.e, ctx.sums = e, sums
        return _reduce_losses(ctx, -log_p * w, w, reduction, shape)

    @staticmethod
    def backward(ctx, grad):
        logits, = ctx.saved_tensors
        n, c, k = ctx.e.shape
        scale = _target_scale(ctx)                        # (N, K): −w_t (÷ total weight)
        grad = _grad_rows(ctx, grad, n, k)
        if _State.enabled:  # create_graph: a differentiable function of the logits
            onehot = np.zeros((n, c, k), dtype=ctx.e.dtype)
            onehot[ctx.index] = scale
            p = softmax(logits.reshape(n, c, k), 1)
            return (grad * (onehot - p * _wrap(scale[:, None, :]))).reshape(logits.shape)
        g = ctx.e * (-scale[:, None, :] / ctx.sums)
        g[ctx.index] += scale
        g *= grad._array
        return _wrap(g.reshape(logits.shape))


def _nll_check(input, target, weight):
    """torch's checks, in torch's order (nll_loss_nd, then the kernel's)."""
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if input.dim() == 1:
        raise RuntimeError(f"size mismatch (got input: {list(input.shape)}, target: "
                           f"{list(target.shape)})")
    if target.dim() == 0 or input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0]}).")
    if input.dim() <= 2 and target.dim() > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.dim() == 4 and target.dim() != 3:
        raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got "
                           f"targets of dimension: {target.dim()}")
    if input.dim() >= 3 and tuple(target.shape[1:]) != tuple(input.shape[2:]):
        expected = [input.shape[0]] + list(input.shape[2:])
        raise RuntimeError(f"Expected target size {expected}, got {list(target.shape)}")
    classes = input.shape[-1] if input.dim() == 1 else input.shape[1]
    if weight is not None and (weight.dim() != 1 or weight.numel() != classes):
        raise RuntimeError(f"weight tensor should be defined either for all {classes} classes or "
                           f"no classes but got weight tensor of shape: {list(weight.shape)}")
    if target.dtype not in (_dtype.int64, _dtype.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{_dtype.type_word(target.dtype)}")
    if not input.is_floating_point():
        raise _not_implemented("nll_loss_out_frame", input)
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {_dtype.type_word(input.dtype)} but found "
                           f"{_dtype.type_word(weight.dtype)}")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """``-w[t]·input[n, t]``: the negative log likelihood of class ``t`` given log-probabilities.

    Input ``(C)``, ``(N, C)`` or ``(N, C, d1, …)`` with targets ``()``, ``(N)``, ``(N, d1, …)``.
    """
    reduction = _reduction(size_average, reduce, reduction)
    return _run_nll(NllLoss, input, target, weight, ignore_index, reduction)


def _run_nll(op, input, target, weight, ignore_index, reduction):
    """Check like torch, then run ``op`` (NllLoss, or CrossEntropy on logits)."""
    unbatched = input.dim() == 1 and target.dim() == 0
    if unbatched:
        input, target = input.unsqueeze(0), target.unsqueeze(0)
    _nll_check(input, target, weight)
    if weight is not None and weight.requires_grad and is_grad_enabled():
        raise RuntimeError("The function 'nll_loss_forward' is not differentiable with respect to "
                           "argument 'weight'. This input cannot have requires_grad True.")
    loss = op.run((input,), (input._array,), {
        "target": target._array.astype(np.int64, copy=False),
        "weight": None if weight is None else weight._array, "ignore_index": ignore_index,
        "reduction": reduction, "shape": tuple(target.shape)})
    return loss.squeeze(0) if unbatched and reduction == "none" else loss


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """``nll_loss(log_softmax(input, class dim), target)``; ``target`` may also hold class
    probabilities (same shape as input), and ``label_smoothing`` mixes in the uniform target."""
    reduction = _reduction(size_average, reduce, reduction)
    class_dim = 0 if input.dim() == 1 else 1
    if target.shape == input.shape:
        if not target.is_floating_point():
            raise RuntimeError(f"Expected floating point type for target with class "
                               f"probabilities, got {_dtype.type_word(target.dtype)}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing,
                                            class_dim)
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")
    if label_smoothing <= 0.0:
        if not input.is_floating_point() or input.dim() == 0:
            ops.log_softmax(input, class_dim)  # raises torch's error for it
        return _run_nll(CrossEntropy, input, target, weight, ignore_index, reduction)
    logp = ops.log_softmax(input, class_dim)
    loss = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    return (1 - label_smoothing) * loss + _smoothing_term(logp, target, weight, ignore_index,
                                                          reduction, class_dim) * (
        label_smoothing / input.shape[class_dim])


def _class_view(weight, logp, class_dim):
    """``weight`` shaped to broadcast along the class dim of ``logp``."""
    shape = [1] * logp.dim()
    shape[class_dim] = weight.shape[0]
    return weight.reshape(shape)


def _smoothing_term(logp, target, weight, ignore_index, reduction, class_dim):
    """torch's cross_entropy_loss_label_smoothing: the uniform target's loss (ignored: 0)."""
    ignored = target == ignore_index
    if weight is not None:
        smooth = -(logp * _class_view(weight, logp, class_dim)).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    smooth = smooth.masked_fill(ignored, 0.0)
    if reduction == "mean":
        if weight is not None:
            return smooth.sum() / weight.gather(0, target.masked_select(~ignored).flatten()).sum()
        return smooth.sum() / (~ignored).sum()
    return _reduce(smooth, reduction)


def _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing, class_dim):
    classes = input.shape[class_dim]
    if weight is not None and (weight.dim() != 1 or weight.numel() != classes):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all "
                           f"{classes} classes or no classes but got weight tensor of shape: "
                           f"{list(weight.shape)}")
    logp = ops.log_softmax(input, class_dim)
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                               f"{label_smoothing:g}")
        target = target * (1 - label_smoothing) + label_smoothing / classes
    product = logp * target
    if weight is not None:
        product = product * (_class_view(weight, logp, class_dim) if logp.dim() > 1 else weight)
    if reduction == "none":
        return -product.sum(class_dim)
    total = -product.sum()
    if reduction == "sum":
        return total
    if input.numel() == 0:
        return total * float("nan")
    return total / (input.numel() // classes)


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None,
                         reduction="mean", ignore_index=None, label_smoothing=0.0, options=None):
    """``cross_entropy(linear(input, W, b), target)``, with W of shape (C, *out_features, in).

    torch can chunk the batch to save memory (``options``); learntorch computes the logits
    in one go — the same values — and accepts ``options`` for compatibility.
    """
    if input.dim() < 1 or input.dim() > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got "
                           f"{linear_weight.dim()}")
    batches, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError(f"expected equal input and linear_weight last dimensions "
                           f"(in_features), got {input.shape[-1]} and {linear_weight.shape[-1]}, "
                           "respectively")
    classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(classes, *out_features)}, got "
                           f"{tuple(linear_bias.shape)}")
    if out_features and not batches:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape "
                           f"{tuple(linear_weight.shape)} requires batched input, (N, "
                           f"{in_features}), got unbatched input with shape {tuple(input.shape)}")
    logits_shape = (*batches, classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    outputs = int(np.prod((classes, *out_features)))
    logits = linear(input, linear_weight.reshape(outputs, in_features),
                    None if linear_bias is None else linear_bias.reshape(outputs))
    return cross_entropy(logits.reshape(logits_shape), target, weight=weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index,
                         label_smoothing=label_smoothing)


# -- binary classification ----------------------------------------------------------------------
class BinaryCrossEntropy(Op):
    """``-w·(t·log x + (1 − t)·log(1 − x))`` reduced, each log clamped at −100 as torch does;
    the x-gradient is torch's ``w·(x − t) / max(x(1 − x), 1e-12)``, finite at 0 and 1."""

    @staticmethod
    def forward(ctx, x, t, weight, reduction):
        ctx.save_for_backward(x, t)
        ctx.weight = weight
        with np.errstate(divide="ignore"):  # log 0 = -inf, clamped: no warning
            log_x = np.maximum(np.log(x), -100)
            log_1mx = np.maximum(np.log1p(-x), -100)
        loss = -(t * log_x + (1 - t) * log_1mx)
        return _reduced(ctx, loss if weight is None else loss * weight, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_tensors
        scale = _weigh(ctx, _per_element(ctx, grad))
        grad_x = grad_t = None
        if ctx.needs_input_grad[0]:
            grad_x = scale * (x - t) / (x * (1 - x)).clamp(min=1e-12)
        if ctx.needs_input_grad[1]:
            grad_t = scale * ((1 - x).log() - x.log())  # unclamped, as torch's
        return grad_x, grad_t


def _weigh(ctx, scale):
    return scale if ctx.weight is None else scale * _wrap(ctx.weight)


def _no_grad_for(function, argument, tensor):
    if tensor is not None and tensor.requires_grad and is_grad_enabled():
        raise RuntimeError(f"The function '{function}' is not differentiable with respect to "
                           f"argument '{argument}'. This input cannot have requires_grad True.")


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """The cross entropy between probabilities ``input`` and binary (or soft) ``target``."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the same "
                         "size.")
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {_dtype.type_word(target.dtype)} but expected "
                           f"{_dtype.type_word(input.dtype)}")
    if bool(((input._array < 0) | (input._array > 1)).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    _no_grad_for("binary_cross_entropy", "weight", weight)
    return BinaryCrossEntropy.apply(  # the loss keeps the input's dtype, whatever the weight's
        input, target, weight=None if weight is None else _as(weight._array, input._array.dtype),
        reduction=reduction)


class BinaryCrossEntropyWithLogits(Op):
    """``w·((1 − t)·x − (1 + (p − 1)·t)·log σ(x))`` reduced (p: pos_weight), with
    ``log σ(x) = −log(1 + e^−x)`` stable for any logit; torch's gradients
    ``w·((1 + (p − 1)·t)·σ(x) − p·t)`` for x and ``w·(log σ(−x) − p·log σ(x))`` for t."""

    @staticmethod
    def forward(ctx, x, t, weight, pos_weight, reduction, dtype):
        """Computed in the common ``dtype``, returned in the target's: torch builds the loss
        in place on ``1 − target``."""
        ctx.save_for_backward(x, t)
        ctx.weight, ctx.pos_weight = weight, pos_weight
        out_dtype = t.dtype
        x, t = _as(x, dtype), _as(t, dtype)
        log_sigmoid = -np.logaddexp(0, -x)
        if pos_weight is not None:
            log_sigmoid = log_sigmoid * ((pos_weight - 1) * t + 1)
        loss = (1 - t) * x - log_sigmoid
        return _as(_reduced(ctx, loss if weight is None else loss * weight, reduction), out_dtype)

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_tensors
        scale = _weigh(ctx, _per_element(ctx, grad))
        pos_weight = None if ctx.pos_weight is None else _wrap(ctx.pos_weight)
        grad_x = grad_t = None
        if ctx.needs_input_grad[0]:
            if pos_weight is None:
                grad_x = scale * (x.sigmoid() - t)
            else:
                positive = pos_weight * t
                grad_x = scale * ((positive + 1 - t) * x.sigmoid() - positive)
        if ctx.needs_input_grad[1]:
            if pos_weight is None:
                grad_t = scale * -x
            else:
                grad_t = scale * (logsigmoid(-x) - logsigmoid(x) * pos_weight)
        return grad_x, grad_t


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """``binary_cross_entropy(sigmoid(input), target)`` computed from the logits with
    ``log σ(x)``, so it is stable for any logit; ``pos_weight`` weighs the positive term."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    if not input.is_floating_point():
        raise _not_implemented("log_sigmoid_cpu", input)
    _no_grad_for("binary_cross_entropy_with_logits", "weight", weight)
    _no_grad_for("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
    dt = _dtype.result_type(*[t for t in (input, target, weight, pos_weight) if t is not None])
    return BinaryCrossEntropyWithLogits.apply(
        input, target, weight=None if weight is None else _as(weight._array, dt.np),
        pos_weight=None if pos_weight is None else _as(pos_weight._array, dt.np),
        reduction=reduction, dtype=dt.np)


# -- margin and embedding losses ----------------------------------------------------------------
def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """``max(0, −y·(x1 − x2) + margin)``: x1 should rank above x2 where y = 1, below where −1."""
    reduction = _reduction(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                           f"but got sizes: input1: {input1.shape}, input2: {input2.shape}, "
                           f"target: {target.shape} ")
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """``x`` where y = 1, ``max(0, margin − x)`` where y = −1."""
    reduction = _reduction(size_average, reduce, reduction)
    zeros = ops.zeros_like(input)
    margin_clamp = (margin - input).clamp_min(0)
    loss = ops.where(target != 1, margin_clamp, zeros) + ops.where(target != -1, input, zeros)
    return _reduce(loss, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """``log(1 + exp(−y·x))``: the logistic loss for labels ±1."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.requires_grad and is_grad_enabled():
        raise RuntimeError("The function 'soft_margin_loss' is not differentiable with respect to "
                           "argument 'target'. This input cannot have requires_grad True.")
    loss = (-input * target).exp().log1p()
    return _reduce(loss if loss.dtype is input.dtype else loss.to(input.dtype), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """The mean over classes of the per-class logistic loss."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(dim=class_dim) / input.shape[class_dim]
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    return _reduce(loss, reduction)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """``1 − cos(x1, x2)`` where y = 1, ``max(0, cos(x1, x2) − margin)`` where y = −1."""
    reduction = _reduction(size_average, reduce, reduction)
    dim = target.dim()
    if dim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if dim == 1 and not (input1.dim() == 2 and input2.dim() == 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with "
                           f"sizes {list(input1.shape)} and {list(input2.shape)}.")
    if dim == 0 and not (input1.dim() == 1 and input2.dim() == 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with "
                           f"sizes {list(input1.shape)} and {list(input2.shape)}.")
    eps = 1e-12
    product = (input1 * input2).sum(dim)
    cos = product / (((input1 * input1).sum(dim) + eps) * ((input2 * input2).sum(dim) + eps)).sqrt()
    zeros = ops.zeros_like(cos)
    loss = (ops.where(target == 1, 1 - cos, zeros)
            + ops.where(target == -1, (cos - margin).clamp_min(0), zeros))
    return _reduce(loss, reduction)


def _check_long(target):
    if target.dtype is not _dtype.int64:
        raise RuntimeError(f"expected scalar type Long but found {_dtype.type_word(target.dtype)}")


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """``Σ_{i≠y} max(0, margin − x[y] + x[i])^p · w[y] / C`` per sample."""
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    if input.dim() > 2 or (input.dim() == 2 and input.shape[1] == 0) or (
            input.dim() < 2 and input.numel() == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, "
                           f"but got: {list(input.shape)}")
    x = input if input.dim() == 2 else input.reshape(1, -1)
    n, c = x.shape
    if target.numel() != n or target.dim() > 1:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to "
                           f"the number of input samples (batch size). Expected target size "
                           f"[{n}], but got {list(target.shape)}. Input has shape "
                           f"{list(input.shape)}.")
    _check_long(target)
    if weight is not None and weight.numel() != c:
        raise RuntimeError(f"inconsistent weight size, expected {c} but got {list(weight.shape)}")
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {_dtype.type_word(input.dtype)} but found "
                           f"{_dtype.type_word(weight.dtype)}")
    t = target.reshape(n, 1)
    if bool(((t._array < 0) | (t._array >= c)).any()):
        raise RuntimeError("target out of range")
    margins = (margin - x.gather(1, t) + x).clamp_min(0)
    if p == 2:
        margins = margins * margins
    if weight is not None:
        margins = margins * weight[t.reshape(-1)].reshape(n, 1)
    others = _wrap(np.arange(c) != t._array)
    loss = (margins * others).sum(1) / c
    if input.dim() < 2 and reduction == "none":
        loss = loss.reshape(target.shape)
    return _reduce(loss, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """``Σ_j Σ_{i ∉ targets} max(0, 1 − (x[y_j] − x[i])) / C`` per sample; ``target`` lists
    class indices, ended by the first −1."""
    reduction = _reduction(size_average, reduce, reduction)
    if input.dim() > 2 or target.shape != input.shape:
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    _check_long(target)
    x = input.reshape(1, -1) if input.dim() < 2 else input
    t = target._array.reshape(x.shape)
    c = x.shape[1]
    valid = np.cumprod(t != -1, axis=1).astype(bool)  # the targets before the first -1
    if (valid & ((t < 0) | (t >= c))).any():
        raise RuntimeError("argument #2 'target' is out of range")
    safe = np.where(valid, t, 0)
    is_target = ((np.arange(c) == safe[:, :, None]) & valid[:, :, None]).any(1)  # (N, C)
    picked = x.gather(1, _wrap(safe))                                  # x[y_j], (N, J)
    pair = (1 - picked.unsqueeze(2) + x.unsqueeze(1)).clamp_min(0)     # (N, J, C)
    mask = _wrap(valid[:, :, None] & ~is_target[:, None, :])
    loss = (pair * mask).sum((1, 2)) / c
    if input.dim() < 2:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """``max(0, d(a, p) − d(a, n) + margin)`` with the p-norm distance."""
    reduction = _reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    return _triplet(anchor, positive, negative,
                    lambda a, b: pairwise_distance(a, b, p, eps), margin, swap, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    """The triplet loss with any distance (default: pairwise_distance)."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    return _triplet(anchor, positive, negative, distance_function or pairwise_distance, margin,
                    swap, reduction)


def _triplet(anchor, positive, negative, distance, margin, swap, reduction):
    a, p, n = anchor.dim(), positive.dim(), negative.dim()
    if not a == p == n:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {a}D, positive {p}D, and "
                           f"negative {n}D inputs")
    dist_pos = distance(anchor, positive)
    dist_neg = distance(anchor, negative)
    if swap:
        dist_neg = ops.minimum(dist_neg, distance(positive, negative))
    return _reduce((margin + dist_pos - dist_neg).clamp_min(0), reduction)


# -- connectionist temporal classification -----------------------------------------------------
def _shift(a, k):
    """``a`` moved ``k`` places right along the last axis (k < 0: left), filled with -inf."""
    out = np.full_like(a, -np.inf)
    if k > 0:
        out[..., k:] = a[..., :-k]
    else:
        out[..., :k] = a[..., -k:]
    return out


class CtcLoss(Op):
    """Per-sample ``-log p(target | input)``, summed over alignments by the forward (alpha)
    recursion in log space: one vectorised step per time step, over batch and target states.

    States are the target with blanks around and between its labels (length 2S + 1); a state
    is reached from itself, the one before, or — for a label that differs from the label two
    back — from two before.  The gradient is torch's: ``exp(lp) − exp(log Σαβ + nll − lp)``
    (β: the same recursion run backwards), zero beyond each input length.
    """

    @staticmethod
    def forward(ctx, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
        lp = log_probs.astype(np.float64)
        t_max, n, _ = lp.shape
        states = 2 * targets.shape[1] + 1
        extended = np.full((n, states), blank, np.int64)
        extended[:, 1::2] = targets
        lengths = 2 * target_lengths + 1
        outside = np.arange(states) >= lengths[:, None]
        skip = np.zeros((n, states), bool)
        skip[:, 2:] = (extended[:, 2:] != blank) & (extended[:, 2:] != extended[:, :-2])
        emit = np.take_along_axis(lp, np.broadcast_to(extended, (t_max, n, states)), axis=2)
        emit[:, outside] = -np.inf                       # (T, N, states): log p of each state
        alpha = np.full((t_max, n, states), -np.inf)
        alpha[0, :, :2] = emit[0, :, :2]
        for t in range(1, t_max):
            prev = alpha[t - 1]
            via = np.logaddexp(prev, _shift(prev, 1))
            alpha[t] = np.logaddexp(via, np.where(skip, _shift(prev, 2), -np.inf)) + emit[t]
        rows = np.arange(n)
        last = alpha[input_lengths - 1, rows]             # (N, states) at each sample's end
        end = last[rows, lengths - 1]
        before = np.where(lengths > 1, last[rows, np.maximum(lengths - 2, 0)], -np.inf)
        nll = -np.logaddexp(end, before)
        infinite = np.isinf(nll)
        if zero_infinity:
            nll = np.where(infinite, 0.0, nll)
        ctx.save_for_backward(log_probs)
        ctx.saved = (lp, emit, alpha, extended, skip, input_lengths, lengths, nll,
                     infinite if zero_infinity else np.zeros(n, bool), log_probs.dtype)
        return nll.astype(log_probs.dtype)

    @staticmethod
    def backward(ctx, grad):
        lp, emit, alpha, extended, skip, input_lengths, lengths, nll, zeroed, dtype = ctx.saved
        t_max, n, classes = lp.shape
        rows = np.arange(n)
        beta = np.full_like(alpha, -np.inf)
        skip_back = _shift(skip.astype(float), -2) > 0   # state s may jump to s + 2
        for t in range(t_max - 1, -1, -1):
            nxt = beta[t + 1] if t + 1 < t_max else np.full((n, alpha.shape[2]), -np.inf)
            via = np.logaddexp(nxt, _shift(nxt, -1))
            beta[t] = np.logaddexp(via, np.where(skip_back, _shift(nxt, -2), -np.inf)) + emit[t]
            starts = input_lengths - 1 == t                # each sample's beta starts at its end
            if starts.any():
                init = np.full((n, alpha.shape[2]), -np.inf)
                init[rows, lengths - 1] = emit[t, rows, lengths - 1]
                second = np.maximum(lengths - 2, 0)
                init[rows, second] = np.where(lengths > 1, emit[t, rows, second],
                                              init[rows, second])
                beta[t] = np.where(starts[:, None], init, beta[t])
        occupancy = alpha + beta                           # log αβ, (T, N, states)
        peak = np.max(occupancy, axis=2, keepdims=True)
        peak[~np.isfinite(peak)] = 0
        one_hot = extended[:, :, None] == np.arange(classes)       # (N, states, C)
        summed = np.einsum("tns,nsc->tnc", np.exp(occupancy - peak), one_hot)
        with np.errstate(divide="ignore", invalid="ignore"):  # log 0 = -inf where no path
            log_ab = np.log(summed) + peak                  # passes; inf - inf = NaN as torch's
            gradient = np.exp(lp) - np.exp(log_ab + nll[None, :, None] - lp)
        inside = np.arange(t_max)[:, None] < input_lengths[None, :]
        gradient = np.where(inside[:, :, None] & ~zeroed[None, :, None], gradient, 0.0)
        log_probs, = ctx.saved_tensors
        return CtcLossBackward.apply(grad.reshape(1, n, 1), log_probs,
                                     gradient=gradient.astype(dtype))


class CtcLossBackward(Op):
    """``grad · gradient`` (a function of log_probs too); like torch's, it has no derivative."""

    @staticmethod
    def forward(ctx, grad, log_probs, gradient):
        return grad * gradient

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::_ctc_loss_backward is not implemented")


def _lengths(values):
    if isinstance(values, Tensor):
        return values._array.astype(np.int64).reshape(-1)
    return np.asarray(values, np.int64).reshape(-1)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """The CTC loss of log-probabilities ``(T, N, C)`` (or ``(T, C)``) against targets
    ``(N, S)`` padded or 1-D concatenated; 'mean' divides each loss by its target length
    before averaging over the batch, as torch does."""
    reduction = _reduction(None, None, reduction)
    if not log_probs.is_floating_point():
        raise _not_implemented("ctc_loss_cpu", log_probs)
    unbatched = log_probs.dim() == 2
    if unbatched:
        log_probs, targets = log_probs.unsqueeze(1), targets.reshape(1, -1)
    t_max, n, classes = log_probs.shape
    in_lengths, tg_lengths = _lengths(input_lengths), _lengths(target_lengths)
    if in_lengths.size != n:
        raise RuntimeError("input_lengths must be of size batch_size")
    if tg_lengths.size != n:
        raise RuntimeError("target_lengths must be of size batch_size")
    if not 0 <= blank < classes:
        raise RuntimeError("blank must be in label range")
    if (in_lengths > t_max).any():
        raise RuntimeError(f"Expected input_lengths to have value at most {t_max}, but got value "
                           f"{in_lengths.max()} (while checking arguments for "
                           "ctc_loss_allocate_outputs)")
    labels = targets._array.astype(np.int64)
    if labels.ndim == 1:  # concatenated: cut into rows, padded to the longest
        padded = np.zeros((n, max(int(tg_lengths.max(initial=0)), 0)), np.int64)
        starts = np.concatenate([[0], np.cumsum(tg_lengths)[:-1]])
        for row, (start, length) in enumerate(zip(starts, tg_lengths)):
            padded[row, :length] = labels[start:start + length]
        labels = padded
    elif (tg_lengths > labels.shape[1]).any():
        raise RuntimeError(f"Expected tensor to have size at least {tg_lengths.max()} at dimension "
                           f"1, but got size {labels.shape[1]} for argument #2 'targets' (while "
                           "checking arguments for ctc_loss_allocate_outputs)")
    losses = CtcLoss.run((log_probs,), (log_probs._array,), {
        "targets": labels, "input_lengths": in_lengths, "target_lengths": tg_lengths,
        "blank": blank, "zero_infinity": zero_infinity})
    if reduction == "mean":
        divisor = _wrap(np.maximum(tg_lengths, 1).astype(log_probs._array.dtype))
        return (losses / divisor).mean()
    if unbatched and reduction == "none":
        return losses.squeeze(0)
    return _reduce(losses, reduction)


__all__ = ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "poisson_nll_loss",
           "gaussian_nll_loss", "kl_div", "nll_loss", "cross_entropy", "linear_cross_entropy",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "margin_ranking_loss",
           "hinge_embedding_loss", "soft_margin_loss", "multilabel_soft_margin_loss",
           "cosine_embedding_loss", "multi_margin_loss", "multilabel_margin_loss",
           "triplet_margin_loss",
           "triplet_margin_with_distance_loss", "ctc_loss"]
