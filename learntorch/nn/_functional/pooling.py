"""Pooling: max and average over windows, and their adaptive, fractional, Lp and unpool kin.

Windows are strided views of the padded input (``conv.windows``); a reduction over a
window runs as one NumPy op per kernel offset over the whole output (``np.maximum`` of
k₁·k₂ slices), never as a slow reduction over a tiny trailing axis.

A max pool records, per window, which kernel offset won (``MaxPool``); its backward
(``MaxPoolGrad``) adds each gradient back at that offset, one masked add per offset, and
the two are each other's backward, so double backward works.  Adaptive and fractional
max pools, whose windows vary, end in ``GatherAt`` (the values at the flat spatial indices
of the maxima) and its adjoint ``ScatterAt`` (summed with ``np.bincount``).
Average pooling is a linear map and its adjoint (``AvgPool``/``AvgPoolGrad``), adaptive
average pooling too (one averaging matrix per dim: ``AdaptiveAvgPool``/``AdaptiveAvgPoolGrad``).
"""
import itertools
import math

import numpy as np

from ..._tensor import Tensor
from ...autograd.grad_mode import _State
from ...ops._op import Op
from .conv import col2im, crop_array, pad_array, windows

_WORDS = {1: "one", 2: "two", 3: "three"}


# -- gather / scatter at flat spatial indices ------------------------------------------------
def _gather(x, index, n):
    """Values of ``x (…, *spatial)`` at ``index (…, *out)``, flat over the ``n`` spatial dims."""
    lead = x.shape[:x.ndim - n]
    flat = x.reshape(lead + (-1,))
    return np.take_along_axis(flat, index.reshape(lead + (-1,)), -1).reshape(index.shape)


def _scatter(g, index, shape, n):
    """Zeros of ``shape`` with ``g`` added at ``index`` (flat over the ``n`` spatial dims)."""
    rows, size = math.prod(shape[:len(shape) - n]), math.prod(shape[len(shape) - n:])
    if index.size and index.max() >= size:  # a window wholly in padding points past the input
        g, index = np.where(index < size, g, 0), np.minimum(index, size - 1)
    flat = index.reshape(rows, -1) + (np.arange(rows) * size)[:, None]
    out = np.bincount(flat.ravel(), weights=g.reshape(-1), minlength=rows * size)
    return out.astype(g.dtype, copy=False).reshape(shape)


class GatherAt(Op):
    """``x`` at flat spatial ``index`` (``values``: the same, already computed by the caller)."""

    @staticmethod
    def forward(ctx, x, *, index, n, values=None):
        ctx.index, ctx.n, ctx.shape = index, n, x.shape
        return _gather(x, index, n) if values is None else values

    @staticmethod
    def backward(ctx, grad):
        return ScatterAt.apply(grad, index=ctx.index, n=ctx.n, shape=ctx.shape)


class ScatterAt(Op):
    """Zeros of ``shape`` plus ``g`` summed in at flat spatial ``index`` (``GatherAt``'s adjoint)."""

    @staticmethod
    def forward(ctx, g, *, index, n, shape):
        ctx.index, ctx.n = index, n
        return _scatter(g, index, shape, n)

    @staticmethod
    def backward(ctx, grad):
        return GatherAt.apply(grad, index=ctx.index, n=ctx.n)


def _named(base, name):
    """``base`` under the name torch gives its ``grad_fn`` (``MaxPool2DWithIndicesBackward0``)."""
    return type(name, (base,), {"node_name": f"{name}Backward0", "__module__": __name__})


_ADAPTIVE_MAX_OPS = {n: _named(GatherAt, f"AdaptiveMaxPool{n}D") for n in (2, 3)}
_FRACTIONAL_MAX_OPS = {n: _named(GatherAt, f"FractionalMaxPool{n}D") for n in (2, 3)}
class Unpool(Op):
    """Zeros of ``shape`` with ``g`` written at flat spatial ``index`` (the last write wins)."""

    @staticmethod
    def forward(ctx, g, *, index, n, shape):
        ctx.index, ctx.n = index, n
        rows, size = math.prod(shape[:len(shape) - n]), math.prod(shape[len(shape) - n:])
        out = np.zeros((rows, size), g.dtype)
        out[np.arange(rows)[:, None], index.reshape(rows, -1)] = g.reshape(rows, -1)
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return GatherAt.apply(grad, index=ctx.index, n=ctx.n)


_UNPOOL_OPS = {n: type(f"MaxUnpool{n}D", (Unpool,), {"__module__": __name__}) for n in (1, 2, 3)}


# -- arguments -------------------------------------------------------------------------------
def _tuple(value, n, name, op):
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * n
    if len(value) != n:
        raise RuntimeError(f"{op}: {name} must either be a single int, or a tuple of "
                           f"{_WORDS[n]} ints")
    return value


def _pool_args(op, n, kernel_size, stride, padding, dilation):
    """Kernel, stride, padding, dilation as n-tuples, checked in torch's order and words."""
    kernel = _tuple(kernel_size, n, "kernel_size", op)
    stride = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _tuple(stride, n, "stride", op)
    padding = _tuple(padding, n, "padding", op)
    dilation = _tuple(dilation, n, "dilation", op)
    if op == "max_pool1d":
        for name, value in (("kernel_size", kernel), ("stride", stride), ("dilation", dilation)):
            if value[0] <= 0:
                raise RuntimeError(f"max_pool1d() {name} must be greater than zero, but got "
                                   f"{value[0]}")
        if padding[0] > kernel[0] // 2:
            raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but "
                               f"got padding={padding[0]} and kernel_size={kernel[0]}")
        return kernel, stride, padding, dilation
    if any(s == 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero, but got "
                           + " ".join(f"dilation{a}: {d}" for a, d in zip("THW"[3 - n:], dilation)))
    for k, p, d in zip(kernel, padding, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    if op.startswith("max") and any(p > k // 2 for k, p in zip(kernel, padding)):
        if n == 2:
            raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got "
                               f"padW = {padding[1]}, padH = {padding[0]}, kW = {kernel[1]}, "
                               f"kH = {kernel[0]}")
        raise RuntimeError("pad should be smaller than or equal to half of kernel size, but got "
                           f"kT: {kernel[0]} kW: {kernel[2]} kH: {kernel[1]} padT: {padding[0]} "
                           f"padW: {padding[2]} padH: {padding[1]}")
    return kernel, stride, padding, dilation


def _pooled_size(size, k, s, p, d, ceil_mode):
    """torch's output length: floor (or ceil) of the window count, no window starting in padding."""
    span = size + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _out_shape(input, n, kernel, stride, padding, dilation, ceil_mode, name=None):
    spatial = input.shape[-n:]
    out = tuple(_pooled_size(*a, ceil_mode) for a in zip(spatial, kernel, stride, padding, dilation))
    if any(o <= 0 for o in out):
        if n == 1 and name:
            raise RuntimeError(f"{name}() Invalid computed output size: {out[0]}")
        channels = input.shape[-n - 1]
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, (channels,) + spatial))}). "
                           f"Calculated output size: ({'x'.join(map(str, (channels,) + out))}). "
                           f"Output size is too small")
    return out


def _pads(spatial, out, kernel, stride, padding, dilation):
    """``(lo, hi)`` pairs: ``padding`` each side, plus what ceil_mode's last window needs."""
    return tuple((p, max(p, (o - 1) * s + d * (k - 1) + 1 - size - p))
                 for size, o, k, s, p, d in zip(spatial, out, kernel, stride, padding, dilation))


def _check_rank(input, n, message):
    """torch's error (``message``, its ``{shape}`` filled in) unless ``input`` is ``n + 1``-D or
    ``n + 2``-D with nothing empty but the batch."""
    if input.dim() not in (n + 1, n + 2) or (input.dim() == n + 2 and 0 in input.shape[1:]) \
            or (input.dim() == n + 1 and 0 in input.shape):
        raise RuntimeError(message.format(shape=list(input.shape)))


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


# -- max pooling -----------------------------------------------------------------------------
def _planes(a, kernel, stride, dilation, out, writeable=False):
    """One strided view ``(…, *out)`` per kernel offset (C order): the element at that offset
    of every window of ``a``'s trailing dims."""
    n = len(kernel)
    view = windows(a, kernel, stride, dilation, out, writeable)
    return [view[(Ellipsis,) + offset + (slice(None),) * n]
            for offset in itertools.product(*map(range, kernel))]


def _window_max(x, kernel, stride, pads, dilation, out, want_which):
    """Max over each window and, if wanted, which kernel offset holds it (``which``).

    One pass per kernel offset over the whole output, torch's rule: a later element takes
    over when it is greater or NaN, so ties keep the first maximum and the last NaN wins.
    """
    planes = _planes(pad_array(x, pads, _lowest(x.dtype)), kernel, stride, dilation, out)
    best = planes[0].copy()
    if not want_which:
        for plane in planes[1:]:
            np.maximum(best, plane, out=best)
        return best, None
    # which = the last offset that beat every earlier one; offsets only grow, so that is the
    # running maximum of j·(plane > best).  (The plain np.copyto(which, j, where=plane > best)
    # is ~20× slower: NumPy's masked copy of a scalar is a slow loop.)
    which = np.zeros(best.shape, np.int8 if len(planes) <= 128 else np.int32)
    greater, beat = np.empty(best.shape, bool), np.empty(best.shape, which.dtype)
    for j, plane in enumerate(planes[1:], 1):
        np.multiply(np.greater(plane, best, out=greater), j, out=beat, dtype=which.dtype)
        np.maximum(which, beat, out=which)
        np.maximum(best, plane, out=best)   # a NaN stays in best: no later value is greater
    if x.dtype.kind == "f" and np.isnan(best).any():
        for j, plane in enumerate(planes):  # torch moves on to each later NaN
            np.copyto(which, j, where=plane != plane)
    if any(lo or hi for lo, hi in pads):
        _start_inside(which, best, out, kernel, stride, pads, dilation)
    return best, which


def _start_inside(which, best, out, kernel, stride, pads, dilation):
    """Where every candidate is -inf (padding, or -inf values) torch reports the window's
    first position inside the input, not one in the padding."""
    lowest = best == _lowest(best.dtype)
    if not lowest.any():
        return
    n = len(kernel)
    firsts = []
    for i in range(n):
        start = np.arange(out[i]) * stride[i] - pads[i][0]
        first = np.minimum(-(np.minimum(start, 0) // dilation[i]), kernel[i] - 1)
        firsts.append(first.reshape((-1,) + (1,) * (n - 1 - i)))
    first = np.ravel_multi_index(np.broadcast_arrays(*firsts), kernel)
    np.copyto(which, np.broadcast_to(first, which.shape), where=lowest)


def _flat_index(which, spatial, geometry):
    """torch's indices: the flat position in the unpadded spatial dims of each window's max."""
    kernel, stride, pads, dilation = geometry
    n = len(kernel)
    # flat index = Σ_dims (o·s − lo + k·d) · (stride of that dim in x's spatial layout)
    steps = [math.prod(spatial[i + 1:]) for i in range(n)]
    table = sum(np.asarray(k) * d * st for k, d, st in
                zip(np.unravel_index(np.arange(math.prod(kernel)), kernel), dilation, steps))
    index = table[which]
    for i in range(n):
        index += ((np.arange(which.shape[which.ndim - n + i]) * stride[i] - pads[i][0])
                  * steps[i]).reshape((-1,) + (1,) * (n - 1 - i))
    return index


def _gather_offsets(x, which, geometry):
    """``x``'s element at kernel offset ``which`` of each window (``MaxPoolGrad``'s adjoint)."""
    kernel, stride, pads, dilation = geometry
    planes = _planes(pad_array(x, pads), kernel, stride, dilation, which.shape[-len(kernel):])
    result = planes[0].copy()
    for j, plane in enumerate(planes[1:], 1):
        np.copyto(result, plane, where=which == j)
    return result


def _scatter_offsets(g, which, geometry, shape):
    """Zeros of ``shape`` with each ``g`` added at kernel offset ``which`` of its window.

    One add per kernel offset (overlapping windows add up), never ``np.add.at``.  The simple
    add is ``np.add(plane, g, out=plane, where=which == j)``; adding ``g * (which == j)``
    instead is 2-5× faster on strided planes and gives the same bits when ``g`` is finite
    (the ``-0.0`` of ``-g * 0`` turns into ``+0.0`` when added to the zeros, as in torch).
    Windows that do not overlap (a 2×2 pool of stride 2) need no add: each plane is written
    once, 2× faster again, and one ``+= 0`` at the end turns the ``-0.0`` into ``+0.0``.
    """
    kernel, stride, pads, dilation = geometry
    n = len(kernel)
    padded = np.zeros(shape[:-n] + tuple(s + lo + hi for s, (lo, hi) in zip(shape[-n:], pads)),
                      g.dtype)
    finite = g.dtype.kind != "f" or np.isfinite(g).all()
    disjoint = finite and all(s > d * (k - 1) for k, s, d in zip(kernel, stride, dilation))
    for j, plane in enumerate(_planes(padded, kernel, stride, dilation, g.shape[-n:], True)):
        if disjoint:
            np.multiply(g, which == j, out=plane)
        elif finite:
            plane += g * (which == j)
        else:   # inf · 0 would be NaN
            np.add(plane, g, out=plane, where=which == j)
    if disjoint:
        padded += 0
    return crop_array(padded, pads, shape[-n:])


class MaxPool(Op):
    """The max of each window, ``x`` at the winning kernel offsets ``which`` (``values``: the
    same, when the caller has them); ``geometry`` is ``(kernel, stride, pads, dilation)``."""

    @staticmethod
    def forward(ctx, x, *, which, geometry, values=None):
        ctx.save_for_backward(x)
        ctx.which, ctx.geometry = which, geometry
        return _gather_offsets(x, which, geometry) if values is None else values

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return _MAX_POOL_GRAD_OPS[len(ctx.geometry[0])].apply(
            grad, x, which=ctx.which, geometry=ctx.geometry)


class MaxPoolGrad(Op):
    """``MaxPool``'s adjoint: each gradient sent back to its window's max.  It takes the
    pool's input too, as torch's does, so that a second differentiation finds the path to it
    (whose gradient is zero)."""

    @staticmethod
    def forward(ctx, g, x, *, which, geometry):
        ctx.which, ctx.geometry, ctx.shape = which, geometry, x.shape
        return _scatter_offsets(g, which, geometry, x.shape)

    @staticmethod
    def backward(ctx, grad):
        need = ctx.needs_input_grad
        gg = (_MAX_POOL_OPS[len(ctx.geometry[0])].apply(grad, which=ctx.which,
                                                        geometry=ctx.geometry)
              if need[0] else None)
        return gg, grad.new_zeros(ctx.shape) if need[1] else None


_MAX_POOL_OPS = {n: _named(MaxPool, f"MaxPool{n}DWithIndices") for n in (2, 3)}
_MAX_POOL_GRAD_OPS = {n: _named(MaxPoolGrad, f"MaxPool{n}DWithIndicesBackward")
                      for n in (2, 3)}


def _max_pool(n, name, message, input, kernel_size, stride, padding, dilation, ceil_mode,
              return_indices):
    _check_rank(input, n, message)
    kernel, stride, padding, dilation = _pool_args(name, n, kernel_size, stride, padding, dilation)
    out = _out_shape(input, n, kernel, stride, padding, dilation, ceil_mode,
                     name if n == 1 else None)
    if n == 1:   # torch pools a 1-D signal as a one-row image (grad_fn SqueezeBackward1)
        result = _max_pool(2, "max_pool2d", message, input.unsqueeze(-2), (1,) + kernel,
                           (1,) + stride, (0,) + padding, (1,) + dilation, ceil_mode,
                           return_indices)
        return tuple(r.squeeze(-2) for r in result) if return_indices else result.squeeze(-2)
    pads = _pads(input.shape[-n:], out, kernel, stride, padding, dilation)
    x = input._array
    need_grad = input.requires_grad and _State.enabled
    values, which = _window_max(x, kernel, stride, pads, dilation, out,
                                return_indices or need_grad)
    if which is None:
        return Tensor._make(values)
    geometry = (kernel, stride, pads, dilation)
    result = _MAX_POOL_OPS[n].apply(input, which=which, geometry=geometry, values=values)
    if not return_indices:
        return result
    return result, Tensor._make(_flat_index(which, x.shape[-n:], geometry))


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_pool(1, "max_pool1d", "max_pool1d: Expected 2D or 3D (batch mode) tensor with "
                     f"optional 0 dim batch size for input, but got:{list(input.shape)}",
                     input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_pool(2, "max_pool2d", "non-empty 3D or 4D (batch mode) tensor expected for input",
                     input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_pool(3, "max_pool3d", "non-empty 4D or 5D (batch mode) tensor expected for input",
                     input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


# -- max unpooling ---------------------------------------------------------------------------
def _unpool(n, input, indices, kernel_size, stride, padding, output_size):
    kernel = _tuple(kernel_size, n, "kernel_size", f"max_unpool{n}d")
    stride = kernel if stride is None else _tuple(stride, n, "stride", f"max_unpool{n}d")
    padding = _tuple(padding, n, "padding", f"max_unpool{n}d")
    default = tuple((i - 1) * s - 2 * p + k for i, s, p, k in
                    zip(input.shape[-n:], stride, padding, kernel))
    if output_size is None:
        size = default
    else:
        size = tuple(output_size)[-n:]
        if len(tuple(output_size)) not in (n, input.dim()):
            raise ValueError(f"output_size should be a sequence containing {n} or {n + 2} "
                             f"elements, but it has a length of '{len(tuple(output_size))}'")
        shown = output_size[2:] if len(tuple(output_size)) == n + 2 else output_size
        for d, (want, base, s) in enumerate(zip(size, default, stride)):
            if not base - s < want < base + s:   # torch shows the size as it was given
                raise ValueError(f'invalid output_size "{shown}" (dim {d} must be between '
                                 f'{base - s} and {base + s})')
    index = indices._array
    limit = math.prod(size)
    if index.size and (index.min() < 0 or index.max() >= limit):
        bad = int(index.max() if index.max() >= limit else index.min())
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size "
                           f"{'x'.join(map(str, size))})")
    shape = tuple(input.shape[:-n]) + size
    return _UNPOOL_OPS[n].apply(input, index=index, n=n, shape=shape)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _unpool(1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _unpool(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _unpool(3, input, indices, kernel_size, stride, padding, output_size)


# -- average pooling -------------------------------------------------------------------------
class AvgPool(Op):
    """Sum over each window times ``scale`` (1 / the divisor, per output position)."""

    @staticmethod
    def forward(ctx, x, *, geometry, scale):
        kernel, stride, pads, shape = geometry
        ctx.geometry, ctx.scale = geometry, scale
        view = windows(pad_array(x, pads), kernel, stride, (1,) * len(kernel))
        n = len(kernel)
        pick = [slice(None)] * view.ndim
        total = None
        for offset in itertools.product(*map(range, kernel)):
            pick[view.ndim - 2 * n:view.ndim - n] = offset
            part = view[tuple(pick)]
            total = part.copy() if total is None else np.add(total, part, out=total)
        total *= scale
        return total

    @staticmethod
    def backward(ctx, grad):
        return AvgPoolGrad.apply(grad, geometry=ctx.geometry, scale=ctx.scale)


class AvgPoolGrad(Op):
    """The adjoint of ``AvgPool``: each output's share added back over its window."""

    @staticmethod
    def forward(ctx, g, *, geometry, scale):
        kernel, stride, pads, shape = geometry
        ctx.geometry, ctx.scale = geometry, scale
        n = len(kernel)
        share = g * scale
        spread = np.broadcast_to(share[(Ellipsis,) + (None,) * n + (slice(None),) * n],
                                 share.shape[:-n] + tuple(kernel) + share.shape[-n:])
        padded = tuple(s + lo + hi for s, (lo, hi) in zip(shape, pads))
        return crop_array(col2im(spread, padded, stride, (1,) * n), pads, shape)

    @staticmethod
    def backward(ctx, grad):
        return AvgPool.apply(grad, geometry=ctx.geometry, scale=ctx.scale)


def _avg_op(n):
    return type(f"AvgPool{n}D", (AvgPool,), {"__module__": __name__})


_AVG_OPS = {n: _avg_op(n) for n in (2, 3)}


def _avg_scale(spatial, out, kernel, stride, padding, count_include_pad, divisor_override, dtype):
    """1 / divisor per output position, as torch counts it (separable over dims)."""
    if divisor_override is not None:
        return np.asarray(1 / divisor_override, dtype)
    scale = np.ones((), np.float64)
    for size, o, k, s, p in zip(spatial, out, kernel, stride, padding):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, size + p)
        count = end - start if count_include_pad else \
            np.minimum(end, size) - np.maximum(start, 0)
        scale = scale[..., None] / count
    return scale.astype(dtype)


def _avg_pool(n, name, message, input, kernel_size, stride, padding, ceil_mode,
              count_include_pad, divisor_override=None):
    _check_rank(input, n, message)
    kernel, stride, padding, _ = _pool_args(name, n, kernel_size, stride, padding, 1)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    out = _out_shape(input, n, kernel, stride, padding, (1,) * n, ceil_mode)
    if n == 1:   # torch pools a 1-D signal as a one-row image (grad_fn SqueezeBackward1)
        return _avg_pool(2, "avg_pool2d", message, input.unsqueeze(-2), (1,) + kernel,
                         (1,) + stride, (0,) + padding, ceil_mode, count_include_pad).squeeze(-2)
    spatial = tuple(input.shape[-n:])
    pads = _pads(spatial, out, kernel, stride, padding, (1,) * n)
    dtype = input._array.dtype
    scale = _avg_scale(spatial, out, kernel, stride, padding, count_include_pad,
                       divisor_override, dtype if dtype.kind == "f" else np.dtype(np.float64))
    if dtype.kind != "f":  # integer pooling: float arithmetic, truncated like torch's
        result = AvgPool.forward(_Discard(), input._array.astype(np.float64),
                                 geometry=(kernel, stride, pads, spatial), scale=scale)
        return Tensor._make(np.trunc(result).astype(dtype))
    return _AVG_OPS[n].apply(input, geometry=(kernel, stride, pads, spatial), scale=scale)


class _Discard:
    """A ctx that forgets what it is given (for running an op's forward on its own)."""

    def __setattr__(self, name, value):
        pass


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor "
                           "for argument #1 'self' (while checking arguments for avg_pool1d)")
    if 0 in input.shape[-2:]:   # torch checks the one-row image it pools
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size "
                           f"for input, but got:{list(input.unsqueeze(-2).shape)}")
    return _avg_pool(1, "avg_pool1d", "", input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    if input.dim() < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-max(input.dim(), 1)}, {max(input.dim(), 1) - 1}], but got -3)")
    return _avg_pool(2, "avg_pool2d", "Expected 3D or 4D (batch mode) tensor with optional 0 dim "
                     "batch size for input, but got:{shape}", input, kernel_size, stride, padding,
                     ceil_mode, count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _avg_pool(3, "avg_pool3d", "non-empty 4D or 5D (batch mode) tensor expected for input",
                     input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


# -- adaptive pooling ------------------------------------------------------------------------
def _adaptive_bounds(size, out):
    """torch's windows: ``[floor(i·size/out), ceil((i+1)·size/out))`` for each output ``i``."""
    i = np.arange(out)
    return (i * size) // out, -(-((i + 1) * size) // out)


def _adaptive_sizes(input, n, output_size, name):
    if isinstance(output_size, (int, np.integer)) or output_size is None:
        output_size = (output_size,) * n
    output_size = tuple(output_size)
    if len(output_size) != n:
        raise ValueError(f"Input dimension should be at least {len(output_size) + 1}")
    sizes = tuple(s if o is None else int(o) for o, s in zip(output_size, input.shape[-n:]))
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0 "
                           f"but received {list(sizes)}")
    return sizes


def linear_along(x, dim, matrix):
    """``x`` with the linear map ``matrix (out, in)`` applied along ``dim`` (one 2-D matmul)."""
    moved = x.movedim(dim, -1)
    lead = tuple(moved.shape[:-1])
    weight = Tensor._make(np.ascontiguousarray(matrix.T, dtype=x._array.dtype))
    y = moved.reshape(-1, matrix.shape[1]).matmul(weight)
    return y.reshape(lead + (matrix.shape[0],)).movedim(-1, dim)


def _along(a, dim, matrix):
    """Array ``a`` with ``matrix (out, in)`` applied along ``dim`` (``linear_along``'s numbers)."""
    moved = np.moveaxis(a, dim, -1)
    y = moved.reshape(math.prod(moved.shape[:-1]), matrix.shape[1]) \
        @ np.ascontiguousarray(matrix.T, dtype=a.dtype)
    return np.moveaxis(y.reshape(moved.shape[:-1] + (matrix.shape[0],)), -1, dim)


class AdaptiveAvgPool(Op):
    """Averages over adaptive windows: one averaging ``matrix (out, in)`` per spatial dim,
    applied dim after dim (``matrices``, the last ``len(matrices)`` dims)."""

    @staticmethod
    def forward(ctx, x, *, matrices):
        ctx.save_for_backward(x)
        ctx.matrices = matrices
        y = x
        for i, matrix in enumerate(matrices):
            y = _along(y, i - len(matrices), matrix)
        return np.ascontiguousarray(y)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return _ADAPTIVE_AVG_GRAD_OPS[len(ctx.matrices)].apply(grad, x, matrices=ctx.matrices)


class AdaptiveAvgPoolGrad(Op):
    """``AdaptiveAvgPool``'s adjoint (the transposed matrices).  It takes the pool's input
    too, as torch's does (only its shape is used; its gradient is zero)."""

    @staticmethod
    def forward(ctx, g, x, *, matrices):
        ctx.matrices, ctx.shape = matrices, x.shape
        for i, matrix in enumerate(matrices):
            g = _along(g, i - len(matrices), matrix.T)
        return np.ascontiguousarray(g)

    @staticmethod
    def backward(ctx, grad):
        need = ctx.needs_input_grad
        gg = _ADAPTIVE_AVG_OPS[len(ctx.matrices)].apply(grad, matrices=ctx.matrices) \
            if need[0] else None
        return gg, grad.new_zeros(ctx.shape) if need[1] else None


_ADAPTIVE_AVG_OPS = {n: _named(AdaptiveAvgPool, f"AdaptiveAvgPool{n}D") for n in (2, 3)}
_ADAPTIVE_AVG_GRAD_OPS = {n: _named(AdaptiveAvgPoolGrad, f"AdaptiveAvgPool{n}DBackward")
                          for n in (2, 3)}


def _averaging(size, out):
    """The ``(out, size)`` matrix of torch's adaptive windows' averages."""
    start, end = _adaptive_bounds(size, out)
    cols = np.arange(size)
    inside = (cols >= start[:, None]) & (cols < end[:, None])
    matrix = np.zeros((out, size))
    matrix[inside] = np.broadcast_to(1 / (end - start)[:, None], matrix.shape)[inside]
    return matrix


def _adaptive_avg(n, input, output_size):
    name = f"adaptive_avg_pool{n}d"
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"{name}(): Expected {n + 1}D or {n + 2}D tensor, but got "
                           f"{list(input.shape)}")
    sizes = _adaptive_sizes(input, n, output_size, name)
    if n == 1:   # torch pools a 1-D signal as a one-row image (grad_fn SqueezeBackward1)
        return _adaptive_avg(2, input.unsqueeze(-2), (1,) + sizes).squeeze(-2)
    if all(s == 1 for s in sizes):   # torch: a mean over the spatial dims (MeanBackward1)
        return input.mean(tuple(range(-n, 0)), keepdim=True)
    matrices = tuple(_averaging(size, out) for size, out in zip(input.shape[-n:], sizes))
    return _ADAPTIVE_AVG_OPS[n].apply(input, matrices=matrices)


def adaptive_avg_pool1d(input, output_size):
    return _adaptive_avg(1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    return _adaptive_avg(2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    return _adaptive_avg(3, input, output_size)


def _table_max(x, table, n):
    """Max of ``x (…, *spatial)`` over each row of ``table (…, *out, K)`` of flat indices."""
    lead = x.shape[:x.ndim - n]
    out = table.shape[-1 - n:-1]
    flat = np.broadcast_to(table, lead + table.shape[-1 - n:]).reshape(lead + (-1,))
    values = np.take_along_axis(x.reshape(lead + (-1,)), flat, -1)
    values = values.reshape(lead + (math.prod(out), table.shape[-1]))
    best = values.argmax(-1)[..., None]
    picked = np.take_along_axis(flat.reshape(values.shape), best, -1)
    return (np.take_along_axis(values, best, -1).reshape(lead + out),
            picked.reshape(lead + out).astype(np.int64))


def _flat_table(starts, lengths, spatial):
    """Flat indices ``(…, *out, K)`` of every window: per dim, positions ``start..start+len-1``
    (a window shorter than the longest is padded with its own last position, which leaves its
    maximum — and the first index of it — unchanged)."""
    n = len(spatial)
    table = 0
    for i, (start, length) in enumerate(zip(starts, lengths)):
        k = int(np.max(length)) if np.size(length) else 1
        idx = np.minimum(start[..., None] + np.arange(k), (start + length - 1)[..., None])
        step = math.prod(spatial[i + 1:])
        shape = idx.shape[:-2] + tuple(idx.shape[-2] if j == i else 1 for j in range(n)) \
            + tuple(k if j == i else 1 for j in range(n))
        table = table + (idx * step).reshape(shape)
    return table.reshape(table.shape[:table.ndim - n] + (-1,))


def _adaptive_max(n, input, output_size, return_indices):
    name = f"adaptive_max_pool{n}d"
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"{name}(): Expected {n + 1}D or {n + 2}D tensor, but got: "
                           f"{list(input.shape)}")
    sizes = _adaptive_sizes(input, n, output_size, name)
    if n == 1:   # torch pools a 1-D signal as a one-row image (grad_fn SqueezeBackward1)
        result = _adaptive_max(2, input.unsqueeze(-2), (1,) + sizes, return_indices)
        return tuple(r.squeeze(-2) for r in result) if return_indices else result.squeeze(-2)
    spatial = tuple(input.shape[-n:])
    bounds = [_adaptive_bounds(s, o) for s, o in zip(spatial, sizes)]
    table = _flat_table([b[0] for b in bounds], [b[1] - b[0] for b in bounds], spatial)
    values, index = _table_max(input._array, table, n)
    result = _ADAPTIVE_MAX_OPS[n].apply(input, index=index, n=n, values=values)
    return (result, Tensor._make(index)) if return_indices else result


def adaptive_max_pool1d(input, output_size, return_indices=False):
    return _adaptive_max(1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    return _adaptive_max(2, input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    return _adaptive_max(3, input, output_size, return_indices)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    return _adaptive_max(1, input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    return _adaptive_max(2, input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=True):
    return _adaptive_max(3, input, output_size, True)


# -- fractional max pooling ------------------------------------------------------------------
def _intervals(sample, size, out, k):
    """torch's pseudo-random window starts, computed in the input's float type as torch does."""
    dtype = sample.dtype
    starts = np.empty(sample.shape + (out,), np.int64)
    if out > 1:
        alpha = dtype.type(size - k) / dtype.type(out - 1)
        i = np.arange(out - 1, dtype=dtype)
        starts[..., :-1] = (((i + sample[..., None]) * alpha).astype(np.int64)
                            - (sample * alpha).astype(np.int64)[..., None])
    starts[..., -1] = size - k
    return starts


def _fractional(n, input, kernel_size, output_size, output_ratio, return_indices,
                _random_samples):
    name = f"fractional_max_pool{n}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"{name}(): Expected {n + 1}D or {n + 2}D tensor, but got: "
                           f"{list(input.shape)}")
    kernel = _tuple(kernel_size, n, "kernel_size", name)
    spatial = tuple(input.shape[-n:])
    if output_size is None:
        ratio = _tuple_float(output_ratio, n)
        output_size = tuple(int(s * r) for s, r in zip(spatial, ratio))
    out = _tuple(output_size, n, "output_size", name)
    for d, (s, o, k) in enumerate(zip(spatial, out, kernel)):
        if o + k - 1 > s:
            word = ("height", "width") if n == 2 else ("time", "height", "width")
            where = f"{name}()" if n == 2 else f"{name}_out()"
            raise RuntimeError(f"{where}: pool {word[d]} {k} too large relative to input "
                               f"{word[d]} {s}")
    if _random_samples is None:
        from ... import rand
        batch = 1 if input.dim() == n + 1 else input.shape[0]
        _random_samples = rand(batch, input.shape[-n - 1], n, dtype=input.dtype)
    samples = _random_samples._array.reshape(-1, input.shape[-n - 1], n)
    # torch reads the samples as (w, h) in 2-D and (t, h, w) in 3-D
    order = (1, 0) if n == 2 else (0, 1, 2)
    starts = [_intervals(samples[..., order[d]], spatial[d], out[d], kernel[d]) for d in range(n)]
    if input.dim() == n + 1:
        starts = [s[0] for s in starts]
    table = _flat_table(starts, [np.full(s.shape, k) for s, k in zip(starts, kernel)], spatial)
    values, index = _table_max(input._array, table, n)
    result = _FRACTIONAL_MAX_OPS[n].apply(input, index=index, n=n, values=values)
    return (result, Tensor._make(index)) if return_indices else result


def _tuple_float(value, n):
    if len(value) > n:   # torch takes len() of it, so a bare float is a TypeError there too
        raise ValueError(f"fractional_max_pool{n}d requires output_ratio to either be a single "
                         f"Int or tuple of Ints.")
    return tuple(float(v) for v in value) * (n if len(value) == 1 else 1)


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    return _fractional(2, input, kernel_size, output_size, output_ratio, return_indices,
                       _random_samples)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    return _fractional(3, input, kernel_size, output_size, output_ratio, return_indices,
                       _random_samples)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=True, _random_samples=None):
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True,
                                 _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=True, _random_samples=None):
    return fractional_max_pool3d(input, kernel_size, output_size, output_ratio, True,
                                 _random_samples)


# -- Lp pooling (torch's composite) ----------------------------------------------------------
def _lp_pool(n, avg, input, norm_type, kernel_size, stride, ceil_mode):
    kernel = _tuple(kernel_size, n, "kernel_size", f"lp_pool{n}d")
    if stride is not None:
        out = avg(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = avg(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    return (out.sign() * out.abs().relu()).mul(math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(1, avg_pool1d, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(2, avg_pool2d, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(3, avg_pool3d, input, norm_type, kernel_size, stride, ceil_mode)


def assert_int_or_pair(arg, arg_name, message):
    """torch's argument check for pooling sizes: an int or a pair."""
    if not (isinstance(arg, int) or len(arg) == 2):
        raise AssertionError(message.format(arg_name))


__all__ = ["assert_int_or_pair", "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
           "max_pool2d_with_indices", "max_pool3d_with_indices", "max_unpool1d", "max_unpool2d",
           "max_unpool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d",
           "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
           "adaptive_max_pool2d", "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices",
           "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices",
           "fractional_max_pool2d", "fractional_max_pool3d", "fractional_max_pool2d_with_indices",
           "fractional_max_pool3d_with_indices", "lp_pool1d", "lp_pool2d", "lp_pool3d"]
