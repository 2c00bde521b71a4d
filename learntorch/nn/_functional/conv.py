"""Convolution as im2col + one matmul, and its backward, which is a convolution too.

Forward: the padded input is viewed as every window at once (``as_strided``, no copy),
the view is copied into columns ``(N, C·k…, L)`` and one batched matmul with the weight
``(O, C·k…)`` gives the output, already in torch's ``(N, O, *out)`` layout.

Backward of ``y = conv(x, w)`` (a bilinear map):
  * ``dx`` = the transposed convolution of ``dy`` with ``w``: ``dcols = wᵀ @ dy``, then each
    kernel offset's slice of ``dcols`` is added back where its window came from
    (k₁·k₂… strided adds, never ``np.add.at``);
  * ``dw`` = the correlation of ``x`` with ``dy``: ``dy @ colsᵀ`` summed over the batch.
Both are ops of this file (``Convolution`` with ``transposed=True`` and ``ConvolutionWeight``),
and each one's backward is again one of them, so double backward works.
"""
import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ... import _dtype
from ...ops._op import Op

# -- arrays ----------------------------------------------------------------------------------


def pad_array(x, pads, value=0):
    """``x`` with its last ``len(pads)`` dims padded by ``(lo, hi)`` pairs, filled with ``value``."""
    if not any(lo or hi for lo, hi in pads):
        return x
    lead = x.ndim - len(pads)
    out = np.full(x.shape[:lead] + tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[lead:], pads)),
                  value, dtype=x.dtype)
    out[(Ellipsis,) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(x.shape[lead:], pads))] = x
    return out


def crop_array(x, pads, shape):
    """The part of padded ``x`` that is not padding (``shape`` = the unpadded spatial sizes)."""
    if not any(lo or hi for lo, hi in pads):
        return x
    return np.ascontiguousarray(x[(Ellipsis,) + tuple(slice(lo, lo + s)
                                                     for s, (lo, _) in zip(shape, pads))])


def out_size(padded, kernel, stride, dilation):
    """Window positions along each dim: ``(padded - d·(k-1) - 1) // s + 1``."""
    return tuple((p - d * (k - 1) - 1) // s + 1
                 for p, k, s, d in zip(padded, kernel, stride, dilation))


def windows(xp, kernel, stride, dilation, out=None, writeable=False):
    """A view ``(…, *kernel, *out)`` of every window of ``xp``'s trailing dims (the first
    ``out`` windows along each dim, when given); read-only unless asked, since windows overlap."""
    n = len(kernel)
    lead, spatial = xp.shape[:-n], xp.shape[-n:]
    out = out_size(spatial, kernel, stride, dilation) if out is None else tuple(out)
    steps = xp.strides[-n:]
    return as_strided(xp, lead + tuple(kernel) + out,
                      xp.strides[:-n] + tuple(st * d for st, d in zip(steps, dilation))
                      + tuple(st * s for st, s in zip(steps, stride)), writeable=writeable)


def col2im(cols, padded, stride, dilation, out=None):
    """The adjoint of ``windows``: every window ``(…, *kernel, *out)`` added back into
    ``padded`` (into ``out``, an array of that shape, when given).

    One strided add per kernel offset; windows that overlap add up.
    """
    n = len(padded)
    kernel, positions = cols.shape[-2 * n:-n], cols.shape[-n:]
    if out is None:
        out = np.zeros(cols.shape[:-2 * n] + tuple(padded), dtype=cols.dtype)
    for offset in itertools.product(*map(range, kernel)):
        region = tuple(slice(i * d, i * d + s * (o - 1) + 1, s)
                       for i, d, s, o in zip(offset, dilation, stride, positions))
        out[(Ellipsis,) + region] += cols[(Ellipsis,) + offset + (slice(None),) * n]
    return out


def _columns(x, kernel, stride, pads, dilation, groups, out=None):
    """im2col: ``(N, groups, C/groups·prod(kernel), L)`` and the output's spatial shape."""
    view = windows(pad_array(x, pads), kernel, stride, dilation, out)
    out = view.shape[-len(kernel):]
    rows = x.shape[1] // groups * math.prod(kernel)
    return np.ascontiguousarray(view).reshape(x.shape[0], groups, rows, math.prod(out)), out


def _channels_last(x_shape, kernel, stride, dilation, groups, out):
    """Whether to take the columns from the channels-last image.

    Copying a strided view costs about one loop per contiguous run.  Channels first, a run
    is one window row across the output (``OW`` numbers); channels last, it is one kernel row
    across the channels (``kW·C``): LeNet's second conv has runs of 8 or 30 (forward 1.4×
    faster channels last), its first of 24 or 5.
    """
    last = kernel[-1] * x_shape[1] if dilation[-1] == 1 else x_shape[1]
    first = out[-1] if stride[-1] == 1 else 1
    return groups == 1 and last > first


def _columns_last(x, kernel, stride, pads, dilation, out):
    """im2col of the channels-last image: ``(N·L, prod(kernel)·C)``, one row per window,
    its columns ordered (kernel offset, channel)."""
    n, c = x.shape[:2]
    moved = np.moveaxis(x, 1, -1)                                         # (N, *spatial, C)
    if any(lo or hi for lo, hi in pads):
        xp = np.zeros((n,) + tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[2:], pads)) + (c,),
                      x.dtype)
        xp[(slice(None),) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(x.shape[2:], pads))] \
            = moved
    else:
        xp = np.ascontiguousarray(moved)
    steps = xp.strides[1:-1]
    view = as_strided(xp, (n,) + tuple(out) + tuple(kernel) + (c,),
                      xp.strides[:1] + tuple(st * s for st, s in zip(steps, stride))
                      + tuple(st * d for st, d in zip(steps, dilation)) + xp.strides[-1:])
    return np.ascontiguousarray(view).reshape(n * math.prod(out), -1)


def _weight_last(w):
    """``w (O, C, *kernel)`` as ``(O, prod(kernel)·C)``: columns in ``_columns_last``'s order."""
    return np.ascontiguousarray(np.moveaxis(w, 1, -1)).reshape(w.shape[0], -1)


def conv_forward(x, w, stride, pads, dilation, groups, out=None):
    """``y = conv(x, w)`` (its first ``out`` positions, if given) and the columns used.

    The windows of the padded input are copied into columns and multiplied by the weight in
    one matrix product per group, from the channels-last image where that copy is quicker
    (``_channels_last``; the columns are then 2-D, ``(N·L, k…·C)``).
    """
    kernel = w.shape[2:]
    if out is None:
        out = out_size([s + lo + hi for s, (lo, hi) in zip(x.shape[2:], pads)], kernel, stride,
                       dilation)
    n, o, skip = x.shape[0], w.shape[0], _skips_padding(x, w, pads, groups)
    if _channels_last(x.shape, kernel, stride, dilation, groups, out) and not skip:
        cols = _columns_last(x, kernel, stride, pads, dilation, out)
        y = (cols @ _weight_last(w).T).reshape(n, -1, o)
        return np.ascontiguousarray(y.transpose(0, 2, 1)).reshape((n, o) + tuple(out)), cols
    cols, out = _columns(x, kernel, stride, pads, dilation, groups, out)
    w = w.reshape(groups, o // groups, math.prod(w.shape[1:]))
    y = _without_padding(w, cols, x.shape[2:], kernel, stride, pads, dilation, out) if skip \
        else np.matmul(w, cols)
    return y.reshape((n, o) + tuple(out)), cols


def _skips_padding(x, w, pads, groups):
    """Whether the padding must add nothing even where ``w`` holds inf or NaN (where its
    zeros in the columns would give 0·inf = NaN): torch's float32 convolution does so for a
    batch of more than one in one group (oneDNN) and for a depthwise one of one output
    channel per input channel; its other paths give NaN, as the plain product does."""
    depthwise = groups == x.shape[1] == w.shape[0]
    return (x.dtype == np.float32 and (x.shape[0] > 1 and groups == 1 or depthwise)
            and any(lo or hi for lo, hi in pads) and not np.isfinite(w).all())


def _without_padding(w, cols, spatial, kernel, stride, pads, dilation, out):
    """``w (G, O/G, R) @ cols (N, G, R, L)`` leaving out the products of inf or NaN weights
    with the columns' padding: the finite weights in one product, then each row of the
    columns times the non-finite weights that meet it, where its tap lies inside the input."""
    finite = np.isfinite(w)
    y = np.matmul(np.where(finite, w, 0), cols)                            # (N, G, O/G, L)
    inside = windows(pad_array(np.ones(spatial, bool), pads, False), kernel, stride, dilation,
                     out).reshape(math.prod(kernel), -1)                   # (taps, L)
    with np.errstate(invalid="ignore"):   # inf·0 and inf - inf are NaN, as in torch
        for row in np.flatnonzero(~finite.all((0, 1))):
            mask = ~finite[:, :, row, None] & inside[row % len(inside)]    # (G, O/G, L)
            y += np.where(mask, w[:, :, row, None] * cols[:, :, row, None, :], 0)
    return y


def _row_step(padded, out, stride):
    """How far apart two output rows are in the padded image's flat last two dims, counted
    in steps of the last stride — or None when rows cannot share one axis that way."""
    if len(out) < 2 or (stride[-2] * padded[-1]) % stride[-1]:
        return None
    step = stride[-2] * padded[-1] // stride[-1]
    return step if step >= out[-1] else None


def _wide(a, row):
    """``a (…, rows, width)`` as ``(…, (rows - 1)·row + width)``: rows ``row`` apart, zeros between."""
    rows, width = a.shape[-2:]
    result = np.zeros(a.shape[:-2] + ((rows - 1) * row + width,), a.dtype)
    item = result.itemsize
    as_strided(result, a.shape, result.strides[:-1] + (row * item, item))[...] = a
    return result


def conv_input_grad(g, w, shape, stride, pads, dilation, groups):
    """The transposed convolution: ``dx`` of spatial ``shape`` for ``dy = g``.

    ``dcols = wᵀ @ dy`` is one matrix product for the whole batch; then each kernel offset's
    slice of ``dcols`` is added back where its window came from (``col2im``).  Images take
    the faster ``_input_grad_wide`` — not when ``w`` holds inf or NaN, where its zeros
    between rows would turn into NaN (0·inf).
    """
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(shape, pads))
    row = _row_step(padded, g.shape[2:], stride) if np.isfinite(w).all() else None
    if row is not None:
        return crop_array(_input_grad_wide(g, w, padded, row, stride, dilation, groups),
                          pads, shape)
    n, channels, kernel = g.shape[0], w.shape[1] * groups, w.shape[2:]
    o_group, columns = w.shape[0] // groups, n * math.prod(g.shape[2:])
    gt = np.ascontiguousarray(g.swapaxes(0, 1)).reshape(groups, o_group, columns)
    wt = np.moveaxis(w.reshape((groups, o_group) + w.shape[1:]), 1, -1)  # (groups, C/g, …, O/g)
    dcols = np.matmul(wt.reshape(groups, -1, o_group), gt)
    dcols = dcols.reshape((channels,) + kernel + (n,) + g.shape[2:])     # (C, *kernel, N, *out)
    result = np.zeros((n, channels) + padded, dcols.dtype)
    col2im(np.moveaxis(dcols, len(kernel) + 1, 1), padded, stride, dilation,
           out=result.swapaxes(0, 1))                                    # result as (C, N, …)
    return crop_array(result, pads, shape)


def _input_grad_wide(g, w, padded, row, stride, dilation, groups):
    """``conv_input_grad`` before cropping, on wide rows: ``dy``'s last two dims laid out as one
    axis with output rows ``row`` apart in the flat padded image (zeros between rows), so
    that each kernel offset's share is added into the flat image as one long strided run
    instead of one short run per output row (3× faster at LeNet's sizes).

    With stride 1 along the rows, the last kernel dim can be summed inside the matmul instead:
    ``dy`` shifted by each of its ``k`` offsets (``k`` copies) times the kernel flipped along
    that dim leaves ``k``× fewer columns to write and add back.  Taken when the copies are
    fewer numbers than the columns they save (LeNet's second conv: 2× faster again).
    """
    n, channels = g.shape[0], w.shape[1] * groups
    kernel, out = w.shape[2:], g.shape[2:]
    o_group, c_group, k, d = w.shape[0] // groups, w.shape[1], kernel[-1], dilation[-1]
    kept = kernel[:-1]     # the kernel dims whose offsets are added back one by one
    shift = stride[-1] == 1 and \
        o_group * k + 2 * c_group * math.prod(kept) < 2 * c_group * math.prod(kernel)
    gt = _wide(g.swapaxes(0, 1), row)                                    # (O, N, …, L)
    wt = w.reshape((groups, o_group) + w.shape[1:])                      # (groups, O/g, C/g, …)
    if shift:   # gt[o, j, n, …, q] = the wide dy at q - (k - 1 - j)·d, zero outside
        gt = windows(pad_array(gt, ((d * (k - 1),) * 2,)), (k,), (1,), (d,))
        gt = np.moveaxis(gt, -2, 1)                                      # (O, k, N, …, L')
        wt = np.moveaxis(wt[..., ::-1], 1, -2)                           # (groups, C/g, …, O/g, k)
    else:
        kept, wt = kernel, np.moveaxis(wt, 1, -1)                        # (groups, C/g, …, O/g)
    positions = gt.shape[-1]
    rows = o_group * (k if shift else 1)
    gt = np.ascontiguousarray(gt).reshape(groups, rows, n * math.prod(out[:-2]) * positions)
    dcols = np.matmul(wt.reshape(groups, c_group * math.prod(kept), rows), gt)
    dcols = dcols.reshape((channels,) + kept + (n,) + out[:-2] + (positions,))
    result = np.zeros((n, channels) + padded, g.dtype)
    flat = result.reshape(result.shape[:-2] + (padded[-2] * padded[-1],)).swapaxes(0, 1)
    for offset in itertools.product(*map(range, kept)):
        full = offset + (0,) * (len(kernel) - len(kept))   # a shifted last dim starts at 0
        region = tuple(slice(i * dd, i * dd + s * (m - 1) + 1, s)
                       for i, dd, s, m in zip(full[:-2], dilation, stride, out))
        start = full[-2] * dilation[-2] * padded[-1] + full[-1] * dilation[-1]
        region += (slice(start, start + stride[-1] * (positions - 1) + 1, stride[-1]),)
        flat[(slice(None), slice(None)) + region] += dcols[(slice(None),) + offset]
    return result


_CHUNK = 1 << 22  # elements of the per-sample weight gradients summed at a time


def conv_weight_grad(x, g, kernel_shape, stride, pads, dilation, groups, cols=None):
    """``dw = Σₙ dyₙ @ colsₙᵀ`` for ``y = conv(x, w)``, ``dy = g`` (``cols``: the forward's,
    2-D when taken channels last)."""
    kernel, out = kernel_shape[2:], g.shape[2:]
    if cols is None:
        cols = _columns_last(x, kernel, stride, pads, dilation, out) \
            if _channels_last(x.shape, kernel, stride, dilation, groups, out) else \
            _columns(x, kernel, stride, pads, dilation, groups, out)[0]
    n, o = g.shape[:2]
    if cols.ndim == 2:   # channels last: one product for the whole batch
        gt = np.ascontiguousarray(np.moveaxis(g.reshape(n, o, -1), 1, 0)).reshape(o, -1)
        dw = (gt @ cols).reshape((o,) + tuple(kernel) + (kernel_shape[1],))
        return np.ascontiguousarray(np.moveaxis(dw, -1, 1))
    gr = g.reshape(n, groups, o // groups, math.prod(out))
    cols_t = cols.transpose(0, 1, 3, 2)
    step = max(1, _CHUNK // max(1, math.prod(kernel_shape)))
    total = np.zeros((groups, gr.shape[2], cols.shape[2]), dtype=g.dtype)
    for start in range(0, n, step):
        total += np.matmul(gr[start:start + step], cols_t[start:start + step]).sum(0)
    return total.reshape(kernel_shape)


# -- ops -------------------------------------------------------------------------------------
class Convolution(Op):
    """``conv(x, w) + b``, or with ``transposed`` its adjoint in ``x`` (``conv_transpose``).

    ``geometry`` is ``(stride, pads, dilation, groups)`` with ``pads`` as ``(lo, hi)`` pairs.
    ``shape`` is the spatial shape of the result: needed by a transposed convolution, and
    given to a plain one that differentiates a transposed one whose ``output_padding`` left
    room for one window more than its input had.
    """

    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, b=None, *, geometry, transposed=False, shape=None):
        if transposed:
            y = conv_input_grad(x, w, shape, *geometry)
        else:
            y, ctx.cols = conv_forward(x, w, *geometry, out=shape)
        if b is not None:
            y += b.reshape((-1,) + (1,) * (y.ndim - 2))
        ctx.save_for_backward(x, w)
        ctx.geometry, ctx.transposed = geometry, transposed
        return y

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        geometry, need = ctx.geometry, ctx.needs_input_grad
        gx = gw = gb = None
        if ctx.transposed:  # z = conv(·, w)ᵀ x: dx = conv(dz, w), dw = correlation of dz with x
            if need[0]:
                gx = Convolution.apply(grad, w, geometry=geometry, shape=x.shape[2:])
            if need[1]:
                gw = ConvolutionWeight.apply(grad, x, geometry=geometry, kernel_shape=w.shape)
        else:
            if need[0]:
                gx = Convolution.apply(grad, w, geometry=geometry, transposed=True,
                                       shape=x.shape[2:])
            # the columns are freed with the saved tensors (a graph kept alive by a tensor
            # that still refers to it must not hold them); a second backward recomputes them
            cols, ctx.cols = ctx.cols, None
            if need[1]:
                gw = ConvolutionWeight.apply(x, grad, geometry=geometry, kernel_shape=w.shape,
                                             cols=cols)
        if len(need) > 2 and need[2]:
            gb = grad.sum((0,) + tuple(range(2, grad.dim())))
        return gx, gw, gb


class ConvolutionWeight(Op):
    """``dw`` of ``y = conv(x, w)`` for ``dy = g``: bilinear in ``(x, g)``, so its backward is
    a transposed convolution (for ``x``) and a convolution (for ``g``)."""

    node_name = "ConvolutionBackwardBackward0"

    @staticmethod
    def forward(ctx, x, g, *, geometry, kernel_shape, cols=None):
        ctx.save_for_backward(x, g)
        ctx.geometry = geometry
        return conv_weight_grad(x, g, kernel_shape, *geometry, cols=cols)

    @staticmethod
    def backward(ctx, grad):
        x, g = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = (Convolution.apply(g, grad, geometry=ctx.geometry, transposed=True, shape=x.shape[2:])
              if need[0] else None)
        gg = (Convolution.apply(x, grad, geometry=ctx.geometry, shape=g.shape[2:])
              if need[1] else None)
        return gx, gg


# -- argument checks (torch's messages) ------------------------------------------------------
def expand_arg(value, n, name):
    """An int or a length-``n`` sequence as an ``n``-tuple, with torch's error otherwise."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * n
    if len(value) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values "
                           f"to match the convolution dimensions, but got {name}={list(value)}")
    return value


def _shape(t):
    return f"[{', '.join(map(str, t.shape))}]"


def _check_rank(input, dim, name):
    if input.dim() not in (dim + 1, dim + 2):
        raise RuntimeError(f"Expected {dim + 1}D (unbatched) or {dim + 2}D (batched) input to "
                           f"{name}, but got input of size: {list(input.shape)}")


def _check_common(input, weight, bias, stride, padding, dilation, groups, transposed):
    if weight.dim() != input.dim():
        raise RuntimeError(f"Expected {weight.dim()}-dimensional input for {weight.dim()}-dimensional "
                           f"weight {_shape(weight)}, but got {input.dim()}-dimensional input of "
                           f"size {_shape(input)} instead")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if bias is not None and bias.dtype is not input.dtype:  # torch checks the bias first
        raise RuntimeError(f"Input type ({_dtype.c_type_name(input.dtype)}) and bias type "
                           f"({_dtype.c_type_name(bias.dtype)}) should be the same")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"expected scalar type {_dtype.type_word(input.dtype)} but found "
                           f"{_dtype.type_word(weight.dtype)}")
    if weight.shape[0] == 0:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least 1 at dimension "
                           f"0, but got weight of size {_shape(weight)} instead")
    if weight.shape[0] % groups:  # torch's message has the doubled brackets
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at "
                           f"dimension 0, but got weight of size [{_shape(weight)}] instead")
    expected = weight.shape[0] if transposed else weight.shape[1] * groups
    if input.shape[1] != expected:
        given = "transposed=1" if transposed else f"groups={groups}"
        raise RuntimeError(f"Given {given}, weight of size {_shape(weight)}, expected input"
                           f"{_shape(input)} to have {expected} channels, but got {input.shape[1]} "
                           f"channels instead")
    out_channels = weight.shape[1] * groups if transposed else weight.shape[0]
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != out_channels):
        raise RuntimeError(f"Given weight of size {_shape(weight)}, expected bias to be 1-dimensional "
                           f"with {out_channels} elements, but got bias of size {_shape(bias)} "
                           f"instead")


def _check_kernel_fits(input, weight, pads, dilation):
    padded = [s + lo + hi for s, (lo, hi) in zip(input.shape[2:], pads)]
    kernel = [d * (k - 1) + 1 for k, d in zip(weight.shape[2:], dilation)]
    if any(p < k for p, k in zip(padded, kernel)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}"
                           f"). Kernel size: ({' x '.join(map(str, kernel))}). Kernel size can't be "
                           f"greater than actual input size")


def _padding_pairs(padding, kernel, stride, dilation):
    """``(lo, hi)`` per dim from an int/tuple or torch's ``'same'``/``'valid'``."""
    n = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * n, (0,) * n
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals), (0,) * n
    padding = expand_arg(padding, n, "padding")
    return tuple((p, p) for p in padding), padding


def _batched(input, dim, run):
    """torch accepts one unbatched sample ``(C, *spatial)``: run on a batch of one."""
    if input.dim() == dim + 1:
        return run(input.unsqueeze(0)).squeeze(0)
    return run(input)


def _conv(name, dim, input, weight, bias, stride, padding, dilation, groups):
    _check_rank(input, dim, name)

    def run(x):
        s = expand_arg(stride, dim, "stride")
        d = expand_arg(dilation, dim, "dilation")
        pads, plain = _padding_pairs(padding, weight.shape[2:], s, d)
        _check_common(x, weight, bias, s, plain, d, groups, transposed=False)
        _check_kernel_fits(x, weight, pads, d)
        tensors = (x, weight) if bias is None else (x, weight, bias)
        return Convolution.apply(*tensors, geometry=(s, pads, d, groups))
    return _batched(input, dim, run)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D cross-correlation of ``(N, C, L)`` with ``weight (O, C/groups, k)``."""
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation of ``(N, C, H, W)`` with ``weight (O, C/groups, kH, kW)``."""
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D cross-correlation of ``(N, C, D, H, W)`` with ``weight (O, C/groups, kD, kH, kW)``."""
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def _check_output_padding(output_padding, stride, dilation):
    for op, s, d in zip(output_padding, stride, dilation):
        if op >= s and op >= d:
            names = ["height", "width"] if len(stride) == 2 else None
            if names is None:
                raise RuntimeError("output padding must be smaller than either stride or dilation, "
                                   f"but got output_padding={list(output_padding)} "
                                   f"stride={list(stride)} dilation={list(dilation)}")
            raise RuntimeError(
                "output padding must be smaller than either stride or dilation, but got "
                f"output_padding_height: {output_padding[0]} output_padding_width: "
                f"{output_padding[1]} stride_height: {stride[0]} stride_width: {stride[1]} "
                f"dilation_height: {dilation[0]} dilation_width: {dilation[1]}")


def _conv_transpose(name, dim, input, weight, bias, stride, padding, output_padding, groups,
                    dilation):
    _check_rank(input, dim, name)

    def run(x):
        s = expand_arg(stride, dim, "stride")
        d = expand_arg(dilation, dim, "dilation")
        p = expand_arg(padding, dim, "padding")
        op = expand_arg(output_padding, dim, "output_padding")
        _check_common(x, weight, bias, s, p, d, groups, transposed=True)
        _check_output_padding(op, s, d)
        shape = tuple((i - 1) * st - 2 * pp + dd * (k - 1) + o + 1 for i, st, pp, dd, k, o in
                      zip(x.shape[2:], s, p, d, weight.shape[2:], op))
        if any(v <= 0 for v in shape):
            raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, x.shape[2:]))})"
                               f". Calculated output size per channel: "
                               f"({' x '.join(map(str, shape))}). Output size is too small")
        tensors = (x, weight) if bias is None else (x, weight, bias)
        return Convolution.apply(*tensors, geometry=(s, tuple((v, v) for v in p), d, groups),
                                 transposed=True, shape=shape)
    return _batched(input, dim, run)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """The adjoint of ``conv1d`` in its input ("deconvolution"); ``weight (C_in, O/groups, k)``."""
    return _conv_transpose("conv_transpose1d", 1, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """The adjoint of ``conv2d`` in its input; ``weight (C_in, O/groups, kH, kW)``."""
    return _conv_transpose("conv_transpose2d", 2, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """The adjoint of ``conv3d`` in its input; ``weight (C_in, O/groups, kD, kH, kW)``."""
    return _conv_transpose("conv_transpose3d", 3, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


def conv_tbc(input, weight, bias, pad=0):
    """1-D convolution of a (time, batch, channels) sequence with ``weight (k, C_in, C_out)``:
    ``conv1d`` with the axes moved, as torch's ``conv_tbc`` computes it."""
    out = conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=pad)
    return out.permute(2, 0, 1)


__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "conv_tbc"]
