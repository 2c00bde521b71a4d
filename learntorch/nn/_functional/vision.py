"""Resampling and rearranging images: interpolate, pixel shuffle, unfold/fold, grid_sample.

Linear, bilinear, trilinear and bicubic interpolation are separable: along each spatial
dim the output is a fixed linear map of the input, a small ``(out, in)`` matrix of tap
weights built with torch's source-index formulas, applied with one matmul
(``pooling.linear_along``).  Nearest modes pick rows with ``index_select``.  Both are
plain tensor ops, so gradients of every order come for free.
"""
import math
import warnings

import numpy as np

from ... import _dtype
from ..._tensor import Tensor
from ...ops import index_select, linspace
from ...ops._op import Op
from .conv import col2im, crop_array, expand_arg, out_size, pad_array, windows
from .pooling import GatherAt, adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d, \
    linear_along

_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_LINEAR = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
_CUBIC_A = -0.75


# -- interpolate -----------------------------------------------------------------------------
def _source(dst, scale, align_corners, cubic, dtype):
    """torch's ``area_pixel_compute_source_index`` in the input's float type."""
    if align_corners:
        return dst * scale
    src = scale * (dst + dtype.type(0.5)) - dtype.type(0.5)
    return src if cubic else np.maximum(src, 0)


def _scale(size, out, scale_factor, align_corners):
    if align_corners:
        return (size - 1) / (out - 1) if out > 1 else 0.0
    return 1 / scale_factor if scale_factor else size / out


def _linear_matrix(size, out, scale_factor, align_corners, cubic, dtype):
    """The ``(out, size)`` tap-weight matrix of (bi/tri)linear or bicubic resampling."""
    scale = dtype.type(_scale(size, out, scale_factor, align_corners))
    src = _source(np.arange(out, dtype=dtype), scale, align_corners, cubic, dtype)
    matrix = np.zeros((out, size), dtype)
    rows = np.arange(out)
    if cubic:
        i0 = np.floor(src).astype(np.int64)
        t = src - i0
        one = dtype.type(1)
        weights = [_cubic2(t + one), _cubic1(t), _cubic1(one - t), _cubic2(one - t + one)]
        for k, w in enumerate(weights):
            matrix[rows, np.clip(i0 - 1 + k, 0, size - 1)] += w  # one entry per row and tap
        return matrix
    i0 = src.astype(np.int64)
    lam = src - i0
    i1 = i0 + (i0 < size - 1)
    matrix[rows, i0] += 1 - lam
    matrix[rows, i1] += lam
    return matrix


# Antialiased resampling (PIL's filters, as torch's ``_upsample_*_aa``): when shrinking by
# ``scale`` the filter is stretched by ``scale``, so each output averages every input it covers.
def _triangle(x):
    return np.maximum(1 - np.abs(x), 0)


def _keys_cubic(x, a=-0.5):
    x = np.abs(x)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = (((x - 5) * x + 8) * x - 4) * a
    return np.where(x < 1, near, np.where(x < 2, far, 0))


def _lanczos3(x):
    return np.where(np.abs(x) < 3, np.sinc(x) * np.sinc(x / 3), 0)


_AA_FILTERS = {"bilinear": (_triangle, 2), "bicubic": (_keys_cubic, 4), "lanczos": (_lanczos3, 6)}


def _antialias_matrix(size, out, scale_factor, align_corners, mode, dtype):
    """The ``(out, size)`` tap weights of antialiased resampling: output ``i`` is centred at
    ``scale·(i + ½)`` and weighs the inputs within the (stretched) filter's support, the
    weights normalized to sum to 1.

    The arithmetic is torch's, in the input's float type (the filter itself in double): a
    float32 centre near 300 is off by ~1e-5, and computing it exactly instead would round
    hundreds of a picture's pixels to the other integer than torch (and torchvision) do."""
    function, width = _AA_FILTERS[mode]
    real = dtype.type
    scale = real(_scale(size, out, scale_factor, align_corners))
    support = real(width / 2) * scale if scale >= 1 else real(width / 2)
    invscale = real(1) / scale if scale >= 1 else real(1)
    matrix = np.zeros((out, size), dtype)
    for i in range(out):  # out is a picture's side: a few hundred rows at most
        center = scale * real(i + 0.5)
        low = max(int(center - support + 0.5), 0)
        high = min(int(center + support + 0.5), size)
        offsets = (np.arange(low, high, dtype=dtype) - center).astype(np.float64)
        taps = ((offsets + 0.5) * float(invscale)).astype(dtype)  # the filter's argument
        weights = function(taps.astype(np.float64)).astype(dtype)
        total = np.add.accumulate(weights)[-1] if len(weights) else real(0)  # in order, as torch
        matrix[i, low:high] = weights / total if total != 0 else weights
    return matrix


def _cubic1(x):
    return ((_CUBIC_A + 2) * x - (_CUBIC_A + 3)) * x * x + 1


def _cubic2(x):
    return ((_CUBIC_A * x - 5 * _CUBIC_A) * x + 8 * _CUBIC_A) * x - 4 * _CUBIC_A


def _nearest_index(size, out, scale_factor, exact):
    """torch's nearest source rows (float32 arithmetic, as in its kernels)."""
    scale = np.float32(1 / scale_factor if scale_factor else size / out)
    dst = np.arange(out, dtype=np.float32)
    if exact:
        dst = dst + np.float32(0.5)
    return np.minimum(np.floor(dst * scale).astype(np.int64), size - 1)


def _sizes(input, size, scale_factor, recompute_scale_factor, mode):
    dim = input.dim() - 2
    spatial = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    f"Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {spatial} and output size of {size}. Please "
                    f"provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                    f"(o1, o2, ...,oK) format.")
            out = [int(s) for s in size]
        else:
            out = [int(size)] * dim
        factors = [None] * dim
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    f"Input and scale_factor must have the same number of spatial dimensions, but "
                    f"got input with spatial dimensions of {spatial} and scale_factor of shape "
                    f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                    f"and scale_factor in (s1, s2, ...,sK) format.")
            factors = [float(f) for f in scale_factor]
        else:
            factors = [float(scale_factor)] * dim
        out = [math.floor(s * f) for s, f in zip(spatial, factors)]
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if recompute_scale_factor or mode == "area":
        factors = [None] * dim
    if any(o <= 0 for o in out) or any(s <= 0 for s in spatial):
        names = "DHW"[3 - dim:]
        raise RuntimeError(
            "Input and output sizes should be greater than 0, but got input ("
            + ", ".join(f"{n}: {s}" for n, s in zip(names, spatial)) + ") output ("
            + ", ".join(f"{n}: {o}" for n, o in zip(names, out)) + ")")
    return out, factors


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims of ``(N, C, *spatial)`` by ``size`` or ``scale_factor``."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dims = input.dim() - 2
    if mode in ("linear", "bilinear", "trilinear") and dims != _LINEAR[mode] and dims in (1, 2, 3):
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                                  f"{_LINEAR[mode] + 2}D input")
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.dim() == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes "
                         "and requires a 4-D tensor as input")
    if mode == "lanczos" and dims == 2:
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        if not antialias:
            raise ValueError("Lanczos mode requires antialias=True")
    elif dims not in (1, 2, 3) or mode not in ("nearest", "nearest-exact", "area", *_LINEAR) \
            or (mode == "bicubic" and dims != 2):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                                  f"{input.dim()}D) for the modes: {_MODES} (got {mode})")
    out, factors = _sizes(input, size, scale_factor, recompute_scale_factor, mode)
    if mode == "area":
        return (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[dims - 1](input, out)
    y = input
    for i, (s, o, f) in enumerate(zip(input.shape[2:], out, factors)):
        if s == o and mode not in _LINEAR and not antialias:
            continue
        if antialias:
            y = linear_along(y, 2 + i, _antialias_matrix(s, o, f, align_corners, mode,
                                                         input._array.dtype))
        elif mode in _LINEAR:
            matrix = _linear_matrix(s, o, f, align_corners, mode == "bicubic", input._array.dtype)
            y = linear_along(y, 2 + i, matrix)
        else:
            index = _nearest_index(s, o, f, mode == "nearest-exact")
            y = index_select(y, 2 + i, Tensor._make(index))
    return y


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# -- rearranging channels --------------------------------------------------------------------
def pixel_shuffle(input, upscale_factor):
    """``(*, C·r², H, W) -> (*, C, H·r, W·r)``: channels become sub-pixel positions."""
    r = int(upscale_factor)
    if input.dim() < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.dim()} dimension(s)")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible "
                           f"by the square of upscale_factor, but input.size(-3)={c} is not "
                           f"divisible by {r * r}")
    n = len(lead)
    y = input.reshape(*lead, c // (r * r), r, r, h, w)
    y = y.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return y.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """``(*, C, H·r, W·r) -> (*, C·r², H, W)``: the inverse of ``pixel_shuffle``."""
    r = int(downscale_factor)
    if input.dim() < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.dim()} dimension(s)")
    *lead, c, h, w = input.shape
    for name, size, dim in (("height", h, -2), ("width", w, -1)):
        if size % r:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by "
                               f"downscale_factor, but input.size({dim})={size} is not divisible "
                               f"by {r}")
    n = len(lead)
    y = input.reshape(*lead, c, h // r, r, w // r, r)
    y = y.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return y.reshape(*lead, c * r * r, h // r, w // r)


# grid_sample's modes and the codes torch's kernels know them by.
GRID_SAMPLE_INTERPOLATION_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
GRID_SAMPLE_PADDING_MODES = {"zeros": 0, "border": 1, "reflection": 2}


def channel_shuffle(input, groups):
    """``(N, g·k, *) -> (N, k·g, *)``: interleave the channels of ``groups`` groups."""
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes "
                           f"{list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")
    n, c, *rest = input.shape
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and "
                           f"{groups} groups.")
    return input.reshape(n, groups, c // groups, *rest).transpose(1, 2).reshape(n, c, *rest)


# -- unfold / fold (im2col / col2im as tensor ops) -------------------------------------------
class Im2Col(Op):
    """``(N, C, H, W) -> (N, C·kH·kW, L)``: every window as a column."""

    @staticmethod
    def forward(ctx, x, *, kernel, dilation, pads, stride):
        ctx.args, ctx.shape = (kernel, dilation, pads, stride), x.shape[2:]
        view = windows(pad_array(x, pads), kernel, stride, dilation)
        rows = x.shape[1] * math.prod(kernel)
        return np.ascontiguousarray(view).reshape(x.shape[0], rows, math.prod(view.shape[-2:]))

    @staticmethod
    def backward(ctx, grad):
        return Col2Im.apply(grad, shape=ctx.shape, args=ctx.args)


class Col2Im(Op):
    """The adjoint of ``Im2Col``: columns added back where their windows lie."""

    @staticmethod
    def forward(ctx, cols, *, shape, args):
        kernel, dilation, pads, stride = args
        ctx.args = args
        padded = tuple(s + lo + hi for s, (lo, hi) in zip(shape, pads))
        out = out_size(padded, kernel, stride, dilation)
        blocks = cols.reshape((cols.shape[0], -1) + tuple(kernel) + out)
        return crop_array(col2im(blocks, padded, stride, dilation), pads, shape)

    @staticmethod
    def backward(ctx, grad):
        kernel, dilation, pads, stride = ctx.args
        return Im2Col.apply(grad, kernel=kernel, dilation=dilation, pads=pads, stride=stride)


def _fold_args(kernel_size, dilation, padding, stride):
    return (expand_arg(kernel_size, 2, "kernel_size"), expand_arg(dilation, 2, "dilation"),
            expand_arg(padding, 2, "padding"), expand_arg(stride, 2, "stride"))


def _blocks(spatial, kernel, dilation, padding, stride):
    return tuple((s + 2 * p - d * (k - 1) - 1) // st + 1
                 for s, k, d, p, st in zip(spatial, kernel, dilation, padding, stride))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding blocks: ``(N, C, H, W) -> (N, C·kH·kW, L)`` (im2col)."""
    kernel, dilation, padding, stride = _fold_args(kernel_size, dilation, padding, stride)
    if input.dim() not in (3, 4):
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-max(input.dim(), 1)}, {max(input.dim(), 1) - 1}], but got 2)")
    spatial = tuple(input.shape[-2:])
    blocks = _blocks(spatial, kernel, dilation, padding, stride)
    if any(b < 1 for b in blocks):
        raise RuntimeError(f"Given input with spatial size {spatial}, kernel_size={kernel}, "
                           f"dilation={dilation}, padding={padding}, calculated shape of the array "
                           f"of sliding blocks as {blocks}, but its components must be at least "
                           f"one.")
    x = input if input.dim() == 4 else input.unsqueeze(0)
    y = Im2Col.apply(x, kernel=kernel, dilation=dilation, pads=tuple((p, p) for p in padding),
                     stride=stride)
    return y if input.dim() == 4 else y.squeeze(0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum sliding blocks back into an image: ``(N, C·kH·kW, L) -> (N, C, *output_size)``."""
    kernel, dilation, padding, stride = _fold_args(kernel_size, dilation, padding, stride)
    size = expand_arg(output_size, 2, "output_size")
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch "
                           f"size and non-zero dimensions for input, but got: {list(input.shape)}")
    x = input if input.dim() == 3 else input.unsqueeze(0)
    k = math.prod(kernel)
    if x.shape[1] % k:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of "
                           f"kernel_size, but got input.size(1)={x.shape[1]} and "
                           f"kernel_size={kernel}.")
    blocks = _blocks(size, kernel, dilation, padding, stride)
    if x.shape[2] != math.prod(blocks):
        raise RuntimeError(f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, "
                           f"padding={padding}, stride={stride}, expected size of input's "
                           f"dimension 2 to match the calculated number of sliding blocks "
                           f"{blocks[0]} * {blocks[1]} = {math.prod(blocks)}, but got "
                           f"input.size(2)={x.shape[2]}.")
    y = Col2Im.apply(x, shape=size, args=(kernel, dilation, tuple((p, p) for p in padding), stride))
    return y if input.dim() == 3 else y.squeeze(0)


# -- grid_sample / affine_grid ---------------------------------------------------------------
_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to align_corners=False "
                  "since 1.3.0. Please specify align_corners=True if the old behavior is desired. "
                  "See the documentation of grid_sample for details.")


def _unnormalize(coord, size, align_corners):
    """[-1, 1] grid coordinates to pixel coordinates (corners or centres of edge pixels)."""
    if align_corners:
        return (coord + 1) * ((size - 1) / 2)
    return ((coord + 1) * size - 1) / 2


def _reflect(coord, low2, high2):
    """torch's ``reflect_coordinates``: fold ``coord`` back into ``[low2/2, high2/2]``."""
    if low2 == high2:
        return coord * 0
    low, span = low2 / 2, (high2 - low2) / 2
    coord = (coord - low).abs()
    flips = (coord / span).floor().detach()
    extra = coord - flips * span
    even = (flips.remainder(2) == 0)
    return extra.where(even, span - extra) + low


def _source_coords(coord, size, padding_mode, align_corners):
    return _padded_coords(_unnormalize(coord, size, align_corners), size, padding_mode,
                          align_corners)


def _padded_coords(coord, size, padding_mode, align_corners):
    """Pixel coordinates moved inside the image as ``padding_mode`` says ('zeros' keeps them)."""
    if padding_mode == "border":
        coord = coord.clamp(0, size - 1)
    elif padding_mode == "reflection":
        coord = (_reflect(coord, 0, 2 * (size - 1)) if align_corners
                 else _reflect(coord, -1, 2 * size - 1))
        coord = coord.clamp(0, size - 1)
    return coord


class _FlatInGrid(Op):
    """Nearest sampling's output, as a function of the grid too: its gradient there is zero
    (piecewise constant), which torch gives the grid rather than none."""

    @staticmethod
    def forward(ctx, sampled, grid):
        ctx.grid_shape = grid.shape
        return sampled

    @staticmethod
    def backward(ctx, grad):
        return grad, grad.new_zeros(ctx.grid_shape)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample ``input (N, C, *spatial)`` at ``grid (N, *out, n)`` locations in ``[-1, 1]``."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' "
                         f"or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    n = input.dim() - 2
    if grid.shape[-1] != n:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {n} in last dimension, but "
                           f"got grid with sizes {list(grid.shape)}")
    if grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but "
                           f"got input with sizes {list(input.shape)} and grid with sizes "
                           f"{list(grid.shape)}")
    if mode == "bicubic" and n != 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if not input.is_floating_point():
        kernel = "grid_sampler_2d_cpu_kernel_impl" if n == 2 else "grid_sampler3d_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{_dtype.type_word(input.dtype)}'")
    if grid.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {_dtype.type_word(input.dtype)} but found "
                           f"{_dtype.type_word(grid.dtype)}")
    spatial = tuple(input.shape[2:])
    # grid's last dim is (x, y[, z]): x indexes the last spatial dim
    coords = [_source_coords(grid[..., n - 1 - d], spatial[d], padding_mode, align_corners)
              for d in range(n)]
    batch, channels = input.shape[:2]
    out_shape = tuple(grid.shape[1:-1])

    def sample(corner):
        """``input`` at integer ``corner`` coordinates (arrays), zero outside the image."""
        inside = np.ones(corner[0].shape, bool)
        flat = np.zeros(corner[0].shape, np.int64)
        for d, c in enumerate(corner):
            inside &= (c >= 0) & (c < spatial[d])
            flat = flat * spatial[d] + np.clip(c, 0, spatial[d] - 1)
        index = np.broadcast_to(flat[:, None], (batch, channels) + out_shape)
        values = GatherAt.apply(input.reshape(batch, channels, -1),
                                index=np.ascontiguousarray(index).reshape(batch, channels, -1),
                                n=1).reshape((batch, channels) + out_shape)
        return values, Tensor._make(inside[:, None].astype(input._array.dtype))

    if mode == "nearest":
        corner = [np.rint(c._array).astype(np.int64) for c in coords]
        values, inside = sample(corner)
        return _FlatInGrid.apply(values * inside, grid)
    if mode == "bicubic":
        return _bicubic_sample(grid, spatial, padding_mode, align_corners, sample)
    low = [c.detach().floor() for c in coords]
    frac = [(c - lo).unsqueeze(1) for c, lo in zip(coords, low)]
    result = None
    for bits in np.ndindex(*(2,) * n):
        corner = [lo._array.astype(np.int64) + b for lo, b in zip(low, bits)]
        values, inside = sample(corner)
        weight = inside
        for f, b in zip(frac, bits):
            weight = weight * (f if b else 1 - f)
        term = values * weight
        result = term if result is None else result + term
    return result


def _bicubic_sample(grid, spatial, padding_mode, align_corners, sample):
    """torch's bicubic grid sampling: the 4×4 pixels around each point, weighted by Keys' cubic
    (a = -0.75) in each direction. Unlike bilinear, the padding applies to the 16 integer pixel
    coordinates, not to the sampling point (so the point's gradient ignores the padding)."""
    points = [_unnormalize(grid[..., 1 - d], spatial[d], align_corners) for d in range(2)]
    low = [p.detach().floor() for p in points]
    weights = []
    for p, lo in zip(points, low):
        t = (p - lo).unsqueeze(1)
        one = 1 - t
        weights.append((_cubic2(t + 1), _cubic1(t), _cubic1(one), _cubic2(one + 1)))
    result = None
    for i, j in np.ndindex(4, 4):
        corner = []
        for d, offset in ((0, i), (1, j)):
            pixel = Tensor._make(low[d]._array + (offset - 1))
            corner.append(np.rint(_padded_coords(pixel, spatial[d], padding_mode,
                                                 align_corners)._array).astype(np.int64))
        values, inside = sample(corner)
        term = values * inside * weights[0][i] * weights[1][j]
        result = term if result is None else result + term
    return result


# torch's CPU matmul (MKL's sgemm) sums a row times a column one term at a time, left to right,
# and the CPU decides how each step rounds: on an Intel AVX-512 Xeon every step is a fused
# multiply-add (one rounding); on the AMD EPYC this project ran on before, each product was
# rounded and then the sum (the plain product-then-sum code matched torch there). Grids
# at pixel centres and half pixels sit on rounding boundaries, so one ulp picks another pixel
# or flips grid_sample's gradient. learntorch's own answer must not depend on the CPU (the
# course's stored outputs are compared in CI), so the default is the plain product-then-sum;
# set this to True to follow a torch whose BLAS fuses (the tests set it to what the torch they
# compare with does: tests/conftest.py).
FUSED_MATMUL = False


def _two_sum(p, c):
    """``p + c`` as ``s`` (rounded) and ``t`` (its exact error): s + t == p + c (Knuth)."""
    s = p + c
    v = s - p
    return s, (p - (s - v)) + (c - v)


def fma(a, b, c):
    """``a·b + c`` with one rounding, as a CPU's fused multiply-add, for float32 or float64
    NumPy arrays (``c``'s dtype). float32: the product is exact in float64 and the sum is
    rounded to odd there (an inexact sum takes its odd neighbour), which then rounds to float32
    correctly — a plain float64 sum would round twice, wrongly at ties (a 90° rotation's grid
    is full of them, nudged by cos 90° = 6e-17). float64: the product split exactly as
    ``p + e`` (Dekker), ``p + c`` as ``s + t``, then ``s + (t + e)``: right unless ``t + e``
    rounds, which we leave."""
    c = np.asarray(c)
    if c.dtype == np.float32:
        p = np.asarray(a, np.float64) * np.asarray(b, np.float64)
        s, t = _two_sum(p, c.astype(np.float64))
        even = (s.view(np.int64) & 1) == 0
        s = np.where((t != 0) & even, np.nextafter(s, np.where(t > 0, np.inf, -np.inf)), s)
        return s.astype(np.float32)
    split = 134217729.0  # 2**27 + 1
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    p = a * b
    ah = a * split - (a * split - a)
    bh = b * split - (b * split - b)
    e = ((ah * bh - p) + ah * (b - bh) + (a - ah) * bh) + (a - ah) * (b - bh)
    s, t = _two_sum(p, c)
    return s + (t + e)


def bmm_fuses(rows, columns, inner):
    """Whether torch's bmm of ``(rows × inner) @ (inner × columns)`` fuses its multiply-adds:
    as the CPU's BLAS does (``FUSED_MATMUL``), except below 400 multiply-adds, where torch
    sums in its own loop, built for any x86-64 CPU: no FMA, each step rounded."""
    return FUSED_MATMUL and rows * columns * inner >= 400


def sum_of_products(pairs, fused):
    """``a0·b0 + a1·b1 + …`` (NumPy arrays, broadcast) left to right, as torch's bmm sums
    one element: ``fused``, each step an ``fma``; otherwise a rounded product, then a sum."""
    (a, b), rest = pairs[0], pairs[1:]
    out = a * b
    for a, b in rest:
        if fused and out.dtype in (np.float32, np.float64):
            out = fma(a, b, out)
        else:
            out = out + a * b
    return out


class AffineGridGenerator(Op):
    """``base (1, P, n+1) @ thetaᵀ`` → ``(N, *spatial, n)``, every point summed as torch's
    bmm sums it (``sum_of_products``; a NumPy matmul may reorder), and theta's gradient
    ``gradᵀ @ base`` as torch's backward computes it."""

    torch_name = "AffineGridGeneratorBackward0"

    @staticmethod
    def forward(ctx, theta, *, base, size):
        ctx.base = base
        k = base.shape[-1]
        fused = bmm_fuses(base.shape[1], k - 1, k)
        grid = sum_of_products([(base[..., j:j + 1], theta[:, None, :, j]) for j in range(k)],
                               fused)
        return grid.reshape(size)

    @staticmethod
    def backward(ctx, grad):
        n = ctx.base.shape[-1] - 1
        base = Tensor._make(np.broadcast_to(ctx.base, (grad.shape[0],) + ctx.base.shape[1:])
                            .astype(grad._array.dtype))
        return grad.reshape(grad.shape[0], -1, n).transpose(1, 2) @ base


def affine_grid(theta, size, align_corners=None):
    """The sampling grid ``(N, *spatial, n)`` of the affine maps ``theta (N, n, n+1)``."""
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    size = tuple(int(s) for s in size)
    if len(size) not in (4, 5):
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine "
                                  f"transforms, respectively. Got size {size}.")
    n = len(size) - 2
    if theta.dim() != 3 or tuple(theta.shape[1:]) != (n, n + 1):
        raise ValueError(f"Expected a batch of {n}D affine matrices of shape Nx{n}x{n + 1} for size "
                         f"{size}. Got {theta.shape}.")
    if theta.shape[0] != size[0]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{size[0]}, {n + 1}] but got: [{theta.shape[0]}, {n + 1}].")
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    spatial = size[2:]
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids "
                      "when align_corners=True. This is not an intended use case of affine_grid. "
                      "See the documentation of affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    dtype = theta._array.dtype
    axes = []
    for s in spatial:
        line = linspace(-1, 1, s, dtype=theta.dtype)._array if s > 1 else np.zeros(s, dtype)
        axes.append(line if align_corners else line * dtype.type(s - 1) / dtype.type(s))
    mesh = np.meshgrid(*axes, indexing="ij")  # mesh[d] varies along spatial dim d
    base = np.stack([m for m in reversed(mesh)] + [np.ones(spatial, dtype)], -1)
    base = base.reshape(1, -1, n + 1)
    return AffineGridGenerator.apply(theta, base=base, size=(size[0], *spatial, n))


def native_channel_shuffle(input, groups):
    """torch's kernel-level ``channel_shuffle``: the same result."""
    return channel_shuffle(input, groups)


__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle",
           "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle",
           "GRID_SAMPLE_INTERPOLATION_MODES", "GRID_SAMPLE_PADDING_MODES", "unfold", "fold", "grid_sample", "affine_grid"]
