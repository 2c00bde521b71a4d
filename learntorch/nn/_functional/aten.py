"""torch's top-level spellings of nn operations: ``torch.dropout``, ``torch.layer_norm``,
``torch.lstm`` … with ATen's signatures, which differ from ``torch.nn.functional``'s.

ATen passes what ``F`` spells as strings as integers (``reduction``: 0 none, 1 mean, 2 sum;
grid sampling's modes as indices) and takes positional flags ``F`` takes as keywords
(``torch.dropout(x, p, train)``). Each function here translates and calls the ``F`` function
that does the work, so there is one implementation of each idea. torch's Python binding does not
apply ATen's ``reduction=Mean`` default: leaving ``reduction`` out gives no reduction, and so
it does here.
"""
import numpy as np

from ... import ops
from ..._tensor import Tensor as _Tensor
from ..._dtype import bool as _bool, float64 as _float64
from ...autograd import no_grad
from ..modules.rnn import _CELLS, _Weights, _run_direction, run_layers
from . import conv, distance, dropout as _drop, linear, loss, normalization, padding, pooling, \
    sparse as _sparse, vision

_REDUCTIONS = ("none", "mean", "sum")


def _reduction(code):
    return _REDUCTIONS[code]


# -- dropout: (input, p, train) ------------------------------------------------------------
def dropout(input, p, train):
    return _drop.dropout(input, p, train)


def dropout_(input, p, train):
    return _drop.dropout(input, p, train, inplace=True)


def alpha_dropout(input, p, train):
    return _drop.alpha_dropout(input, p, train)


def alpha_dropout_(input, p, train):
    return _drop.alpha_dropout(input, p, train, inplace=True)


def feature_dropout(input, p, train):
    """Whole channels (dim 1) of an input of any rank ≥ 2, as ``dropout2d`` without its
    rank checks."""
    _drop._check_p(p)
    return _drop._dropout(input, p, train, False, feature=True)


def feature_dropout_(input, p, train):
    _drop._check_p(p)
    return _drop._dropout(input, p, train, True, feature=True)


def feature_alpha_dropout(input, p, train):
    return _drop.feature_alpha_dropout(input, p, train)


def feature_alpha_dropout_(input, p, train):
    return _drop.feature_alpha_dropout(input, p, train, inplace=True)


def native_dropout(input, p, train):
    """``(output, mask)``: the mask says which elements were kept (torch's bool tensor)."""
    if train is False or p == 0:
        return input.clone(), ops.ones_like(input, dtype=_bool)
    keep = ops.empty_like(input).bernoulli_(1 - p)
    scale = 0.0 if p == 1 else 1 / (1 - p)
    return input * keep * scale, keep.bool()


# -- normalization --------------------------------------------------------------------------
def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
               cudnn_enabled):
    return normalization.batch_norm(input, running_mean, running_var, weight, bias, training,
                                    momentum, eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps,
                  cudnn_enabled):
    return normalization.instance_norm(input, running_mean, running_var, weight, bias,
                                       use_input_stats, momentum, eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=True):
    return normalization.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=True):
    return normalization.group_norm(input, num_groups, weight, bias, eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    return normalization.rms_norm(input, normalized_shape, weight, eps)


def _mean_rstd(x, dims, eps):
    """The mean and 1/√(biased variance + eps) over ``dims``, as the native norms save them."""
    mean = x.mean(dims, keepdim=True)
    var = x.var(dims, correction=0, keepdim=True)
    return mean, (var + eps).rsqrt()


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """``(output, save_mean, save_invstd)``; in eval mode the saved statistics are empty."""
    out = normalization.batch_norm(input, running_mean, running_var, weight, bias, training,
                                   momentum, eps)
    if not training:
        empty = ops.empty(0, dtype=input.dtype)
        return out, empty, empty.clone()
    dims = [0] + list(range(2, input.dim()))
    mean, rstd = _mean_rstd(input.detach(), dims, eps)
    return out, mean.flatten(), rstd.flatten()


def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """``(output, mean, rstd)`` with the statistics shaped like the input with the normalized
    dims kept as size 1."""
    out = normalization.layer_norm(input, normalized_shape, weight, bias, eps)
    n = len(normalized_shape) if not isinstance(normalized_shape, int) else 1
    mean, rstd = _mean_rstd(input.detach(), list(range(input.dim() - n, input.dim())), eps)
    return out, mean, rstd


def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """``(output, mean, rstd)`` with the statistics of shape ``(N, group)``."""
    out = normalization.group_norm(input, group, weight, bias, eps)
    grouped = input.detach().reshape(N, group, -1)
    mean, rstd = _mean_rstd(grouped, [2], eps)
    return out, mean.squeeze(2), rstd.squeeze(2)


def batch_norm_update_stats(input, running_mean, running_var, momentum):
    """The batch's per-channel mean and unbiased variance, with the running statistics moved
    towards them in place (SyncBatchNorm's CPU step)."""
    dims = [0] + list(range(2, input.dim()))
    x = input.detach()
    mean = x.mean(dims)
    var = x.var(dims, correction=0)
    n = input.numel() // input.size(1)
    with no_grad():
        if running_mean is not None:
            running_mean.mul_(1 - momentum).add_(mean, alpha=momentum)
        if running_var is not None:
            running_var.mul_(1 - momentum).add_(var * (n / max(n - 1, 1)), alpha=momentum)
    return mean, var


def _cuda_only(name):
    def function(*args, **kwargs):
        raise NotImplementedError(
            f"Could not run 'aten::{name}' with arguments from the 'CPU' backend. This could be "
            f"because the operator doesn't exist for this backend, or was omitted during the "
            f"selective/custom build process (if using custom build).")
    function.__name__ = name
    function.__doc__ = "SyncBatchNorm's CUDA kernel: torch has no CPU version, and says so."
    return function


batch_norm_stats = _cuda_only("batch_norm_stats")
batch_norm_elemt = _cuda_only("batch_norm_elemt")
batch_norm_gather_stats = _cuda_only("batch_norm_gather_stats")
batch_norm_gather_stats_with_counts = _cuda_only("batch_norm_gather_stats_with_counts")
batch_norm_backward_reduce = _cuda_only("batch_norm_backward_reduce")
batch_norm_backward_elemt = _cuda_only("batch_norm_backward_elemt")
native_norm = _cuda_only("native_norm")


# -- embeddings -------------------------------------------------------------------------------
def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """Note the order: the table first. ``padding_idx=-1`` means no padding row."""
    return _sparse.embedding(indices, weight, None if padding_idx == -1 else padding_idx,
                             scale_grad_by_freq=scale_grad_by_freq)


_BAG_MODES = ("sum", "mean", "max")


def embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, sparse=False,
                  per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """``(output, offset2bag, bag_size, max_indices)``: ``F.embedding_bag``'s output and the
    bookkeeping torch's backward keeps — each entry's bag, the bags' sizes (padding left out)
    and, in max mode, which row of ``weight`` gave each maximum. torch's CPU kernel leaves
    the bookkeeping it does not need empty or zero (sum mode), and so does this. ``indices``
    is 1-D and ``offsets`` a tensor (``F.embedding_bag`` turns a 2-D batch into these)."""
    if not isinstance(offsets, _Tensor):
        raise TypeError(f"embedding_bag(): argument 'offsets' (position 3) must be Tensor, not "
                        f"{type(offsets).__name__}")
    if padding_idx is not None and padding_idx < 0:
        padding_idx = None if padding_idx == -1 else padding_idx
    output = _sparse.embedding_bag(indices, weight, offsets, None, 2, scale_grad_by_freq,
                                   _BAG_MODES[mode], sparse, per_sample_weights,
                                   include_last_offset, padding_idx)
    index = indices._array.reshape(-1).astype(np.int64)
    starts = offsets._array.astype(np.int64)[:-1 if include_last_offset else None]
    bags = starts.size
    bag = np.searchsorted(starts, np.arange(index.size), side="right") - 1
    keep = index != (-1 if padding_idx is None else padding_idx % weight.shape[0])
    sizes = np.bincount(bag[keep], minlength=bags).astype(np.int64)
    if mode == 0:  # torch's float32/float16 fast path (fbgemm) keeps no offset2bag
        fast = padding_idx is None and weight.dtype != _float64
        offset2bag = np.empty(0, dtype=np.int64) if fast else bag
        return output, _wrap(offset2bag), _wrap(np.zeros(bags, np.int64)), \
            _wrap(np.zeros(bags, np.int64))
    if mode == 1:
        return output, _wrap(bag), _wrap(sizes), _wrap(sizes.copy())
    return output, _wrap(bag), _wrap(sizes), _wrap(_bag_argmax(weight._array, index, bag, keep,
                                                                 bags))


def _bag_argmax(table, index, bag, keep, bags):
    """For each bag and column, the row of ``table`` holding the bag's maximum (0 if empty);
    the first such entry wins a tie, as in torch's loop."""
    result = np.zeros((bags, table.shape[1]), dtype=np.int64)
    rows = table[index[keep]]
    kept_bags, kept_index = bag[keep], index[keep]
    for b in np.unique(kept_bags):  # one vectorized argmax per non-empty bag
        members = kept_bags == b
        result[b] = kept_index[members][np.argmax(rows[members], axis=0)]
    return result


def _wrap(array):
    return _Tensor._make(array)


def embedding_renorm_(weight, indices, max_norm, norm_type):
    return _sparse.embedding_renorm_(weight, indices, max_norm, norm_type)


# -- convolution and pooling --------------------------------------------------------------
conv1d, conv2d, conv3d = conv.conv1d, conv.conv2d, conv.conv3d
conv_transpose1d, conv_transpose2d, conv_transpose3d = (
    conv.conv_transpose1d, conv.conv_transpose2d, conv.conv_transpose3d)
conv_tbc = conv.conv_tbc


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
                groups):
    """The one entry point every convolution goes through in ATen: ``transposed`` and the
    weight's rank pick the function."""
    dim = weight.dim() - 2
    if dim not in (1, 2, 3):
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got "
                           f"input of size: {list(input.shape)}")
    if transposed:
        function = (conv.conv_transpose1d, conv.conv_transpose2d, conv.conv_transpose3d)[dim - 1]
        return function(input, weight, bias, stride, padding, output_padding, groups, dilation)
    function = (conv.conv1d, conv.conv2d, conv.conv3d)[dim - 1]
    return function(input, weight, bias, stride, padding, dilation, groups)


def _stride(stride):
    return None if stride is None or (hasattr(stride, "__len__") and len(stride) == 0) else stride


def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False,
               count_include_pad=True):
    return pooling.avg_pool1d(input, kernel_size, _stride(stride), padding, ceil_mode,
                              count_include_pad)


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return pooling.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return pooling.max_pool2d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return pooling.max_pool3d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1,
                            ceil_mode=False):
    return pooling.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode,
                              True)


adaptive_avg_pool1d = pooling.adaptive_avg_pool1d


def adaptive_max_pool1d(input, output_size):
    """Always ``(values, indices)``, as ATen returns them."""
    return pooling.adaptive_max_pool1d(input, output_size, True)


# -- losses: reduction as ATen's integer ----------------------------------------------------
def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    return loss.binary_cross_entropy_with_logits(input, target, weight,
                                                 reduction=_reduction(reduction),
                                                 pos_weight=pos_weight)


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    return loss.cosine_embedding_loss(input1, input2, target, margin,
                                      reduction=_reduction(reduction))


def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    return loss.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


def kl_div(input, target, reduction=0, *, log_target=False):
    return loss._reduce(loss.kl_div_pointwise(input, target, log_target), _reduction(reduction))


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    return loss.margin_ranking_loss(input1, input2, target, margin,
                                    reduction=_reduction(reduction))


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    return loss.poisson_nll_loss(input, target, log_input, full, eps=eps,
                                 reduction=_reduction(reduction))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False,
                        reduction=0):
    return loss.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                    reduction=_reduction(reduction))


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0,
             zero_infinity=False):
    return loss.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                         _reduction(reduction), zero_infinity)


# -- vision and padding -------------------------------------------------------------------
pixel_shuffle, pixel_unshuffle = vision.pixel_shuffle, vision.pixel_unshuffle
channel_shuffle = native_channel_shuffle = vision.channel_shuffle
bilinear = linear.bilinear


def constant_pad_nd(input, pad, value=0):
    return padding.pad(input, pad, "constant", value)


_INTERPOLATION = ("bilinear", "nearest", "bicubic")
_PADDING = ("zeros", "border", "reflection")


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    """``F.grid_sample`` with its modes as ATen's indices (0 bilinear, 1 nearest, 2 bicubic;
    0 zeros, 1 border, 2 reflection)."""
    return vision.grid_sample(input, grid, _INTERPOLATION[interpolation_mode],
                              _PADDING[padding_mode], align_corners)


grid_sampler_2d = grid_sampler_3d = grid_sampler


def affine_grid_generator(theta, size, align_corners):
    return vision.affine_grid(theta, list(size), align_corners)


# -- recurrent layers: flat weight lists, as nn.LSTM's _flat_weights ----------------------
def _layer_weights(mode, params, has_biases):
    """``weights(k)`` over torch's flat list: per layer-direction (w_ih, w_hh[, b_ih, b_hh])."""
    per = 4 if has_biases else 2

    def weights(k):
        group = params[k * per:(k + 1) * per]
        return _Weights(mode, *group) if has_biases else _Weights(mode, group[0], group[1])
    return weights


def _recurrent(mode, input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
               batch_first):
    x = input.transpose(0, 1) if batch_first else input
    steps, batch = x.size(0), x.size(1)
    output, hidden = run_layers(mode, x.reshape(-1, x.size(2)), hx, [batch] * steps,
                                _layer_weights(mode, params, has_biases), num_layers,
                                bidirectional, dropout if train else 0.0)
    output = output.reshape(steps, batch, -1)
    return (output.transpose(0, 1) if batch_first else output), hidden


def lstm(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """``(output, h_n, c_n)`` of a stacked LSTM whose weights are the flat list ``params``."""
    output, (h, c) = _recurrent("LSTM", input, tuple(hx), params, has_biases, num_layers, dropout,
                                train, bidirectional, batch_first)
    return output, h, c


def gru(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    output, (h,) = _recurrent("GRU", input, (hx,), params, has_biases, num_layers, dropout, train,
                              bidirectional, batch_first)
    return output, h


def rnn_tanh(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
             batch_first):
    output, (h,) = _recurrent("RNN_TANH", input, (hx,), params, has_biases, num_layers, dropout,
                              train, bidirectional, batch_first)
    return output, h


def rnn_relu(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
             batch_first):
    output, (h,) = _recurrent("RNN_RELU", input, (hx,), params, has_biases, num_layers, dropout,
                              train, bidirectional, batch_first)
    return output, h


def _cell(mode, input, state, w_ih, w_hh, b_ih, b_hh):
    weights = _Weights(mode, w_ih, w_hh, b_ih, b_hh)
    return _run_direction(_CELLS[mode], weights, input, [input.size(0)], state, False)[1]


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step: ``(h', c')`` from ``hx = (h, c)``."""
    return _cell("LSTM", input, tuple(hx), w_ih, w_hh, b_ih, b_hh)


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _cell("GRU", input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _cell("RNN_TANH", input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _cell("RNN_RELU", input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


cosine_similarity = distance.cosine_similarity
pairwise_distance = distance.pairwise_distance
pdist = distance.pdist

__all__ = [
    "dropout", "dropout_", "alpha_dropout", "alpha_dropout_", "feature_dropout",
    "feature_dropout_", "feature_alpha_dropout", "feature_alpha_dropout_", "native_dropout",
    "batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm", "native_batch_norm",
    "native_layer_norm", "native_group_norm", "batch_norm_update_stats", "batch_norm_stats",
    "batch_norm_elemt", "batch_norm_gather_stats", "batch_norm_gather_stats_with_counts",
    "batch_norm_backward_reduce", "batch_norm_backward_elemt", "native_norm", "embedding",
    "embedding_bag",
    "embedding_renorm_", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
    "conv_transpose3d", "conv_tbc", "convolution", "avg_pool1d", "max_pool1d", "max_pool2d",
    "max_pool3d", "max_pool1d_with_indices", "adaptive_avg_pool1d", "adaptive_max_pool1d",
    "binary_cross_entropy_with_logits", "cosine_embedding_loss", "hinge_embedding_loss", "kl_div",
    "margin_ranking_loss", "poisson_nll_loss", "triplet_margin_loss", "ctc_loss", "pixel_shuffle",
    "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle", "bilinear", "constant_pad_nd",
    "grid_sampler", "grid_sampler_2d", "grid_sampler_3d", "affine_grid_generator", "lstm", "gru",
    "rnn_tanh", "rnn_relu", "lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell",
    "cosine_similarity", "pairwise_distance", "pdist",
]
