"""Region-of-interest pooling (Fast/Mask R-CNN): roi_align, roi_pool and their modules.

torchvision runs these as compiled kernels; here the index and weight bookkeeping is done in
NumPy and the pooling itself is a learntorch op on the input, so autograd differentiates it:

* ``roi_align`` averages bilinear samples.  Bilinear weights factor into a y part and an x
  part, so each RoI's output is ``Ay @ plane @ Ax.T`` with ``Ay [PH, H]`` and ``Ax [PW, W]``
  holding the summed sample weights: two matmuls per image instead of a gather per sample.
* ``ps_roi_align`` / ``ps_roi_pool`` (R-FCN) do the same with one input channel group per bin;
  ps_roi_pool's bin average is separable too (row indicator @ plane @ column indicator).
* ``roi_pool`` takes the maximum of each bin: the winning positions are found in NumPy, and
  the output is the input gathered there (its gradient flows to those positions only).

Boxes carry no gradient, as in torchvision.
"""
import numpy as np

from .. import cat, einsum, full_like, nn, tensor

__all__ = ["PSRoIAlign", "PSRoIPool", "RoIAlign", "RoIPool", "ps_roi_align", "ps_roi_pool",
           "roi_align", "roi_pool"]


def _pair(x):
    return tuple(x) if isinstance(x, (list, tuple)) else (x, x)


def _rois_of(boxes):
    """``Tensor[K, 5]`` (batch index, x1, y1, x2, y2) from a Tensor or a list of ``[L, 4]``."""
    if isinstance(boxes, (list, tuple)):
        for b in boxes:
            if b.size(1) != 4:
                raise AssertionError("The shape of the tensor in the boxes list is not correct as "
                                     "List[Tensor[L, 4]]")
        ids = cat([full_like(b[:, :1], i) for i, b in enumerate(boxes)], 0)
        return cat([ids, cat(list(boxes), 0)], 1)
    if not hasattr(boxes, "size"):
        raise AssertionError("boxes is expected to be a Tensor[L, 5] or a List[Tensor[K, 4]]")
    if boxes.size(1) != 5:
        raise AssertionError("The boxes tensor shape is not correct as Tensor[K, 5]")
    return boxes


def _check(input, rois, pooled=None):
    if rois.size(1) != 5:
        raise RuntimeError("rois must have shape as Tensor[K, 5]")
    if input.dtype != rois.dtype:
        raise RuntimeError("input should have the same type as rois")
    if pooled is not None and input.shape[1] % (pooled[0] * pooled[1]) != 0:
        raise RuntimeError("input channels must be a multiple of pooling height * pooling width")


def _empty(input, shape):
    """A result without elements that still hangs on ``input``'s graph (its gradient is zeros,
    not None, as from torchvision's kernels)."""
    return input.reshape(-1)[:0].reshape(shape)


def _rois_array(rois, dtype):
    return rois.detach().cpu().numpy().astype(dtype, copy=False)


# -- roi_align -------------------------------------------------------------------------------
def _axis_weights(start, bin_size, grid, pooled, size, dtype):
    """``[K, pooled, size]``: for each RoI and bin, the bilinear weights its samples put on each
    pixel row (or column), divided by the number of samples along this axis.

    Follows torchvision's CPU kernel: sample ``p = start + i*bin + (s + .5)*bin/grid``; samples
    outside ``[-1, size]`` (or NaN) count as zero; below 0 they clamp to 0; at the last pixel
    they stick to it."""
    k = len(start)
    most = max(int(grid.max()), 0) if k else 0
    s = np.arange(most, dtype=dtype)
    i = np.arange(pooled, dtype=dtype)
    g = grid.astype(dtype)[:, None, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        p = (start[:, None, None] + i[None, :, None] * bin_size[:, None, None]
             + (s + dtype(0.5))[None, None, :] * bin_size[:, None, None] / g)
    inside = (p >= -1.0) & (p <= size) & (s[None, None, :] < g)
    p = np.where(inside, np.maximum(p, 0), 0).astype(dtype, copy=False)
    low = p.astype(np.int64)
    last = low >= size - 1
    low = np.where(last, size - 1, low)
    high = np.where(last, size - 1, low + 1)
    frac = np.where(last, 0, p - low).astype(dtype, copy=False)
    scale = np.where(inside, 1 / np.maximum(g, 1), 0)
    rows = np.arange(k * pooled).reshape(k, pooled, 1) * size
    weights = np.bincount((rows + low).ravel(), ((1 - frac) * scale).ravel(), k * pooled * size)
    weights += np.bincount((rows + high).ravel(), (frac * scale).ravel(), k * pooled * size)
    return weights.astype(dtype).reshape(k, pooled, size)


def _align_weights(rois, spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned,
                   height, width):
    dtype = rois.dtype.type
    offset = dtype(0.5 if aligned else 0.0)
    scale = dtype(spatial_scale)
    x1, y1, x2, y2 = (rois[:, j] * scale - offset for j in range(1, 5))
    roi_w, roi_h = x2 - x1, y2 - y1
    if not aligned:  # malformed RoIs are forced to 1x1
        roi_w, roi_h = np.maximum(roi_w, dtype(1)), np.maximum(roi_h, dtype(1))
    bin_h, bin_w = roi_h / dtype(pooled_height), roi_w / dtype(pooled_width)
    if sampling_ratio > 0:
        grid_h = grid_w = np.full(len(rois), sampling_ratio)
    else:
        with np.errstate(invalid="ignore"):
            grid_h = np.nan_to_num(np.ceil(roi_h / dtype(pooled_height))).astype(np.int64)
            grid_w = np.nan_to_num(np.ceil(roi_w / dtype(pooled_width))).astype(np.int64)
    ay = _axis_weights(y1, bin_h, grid_h, pooled_height, height, dtype)
    ax = _axis_weights(x1, bin_w, grid_w, pooled_width, width, dtype)
    return ay, ax, grid_h * grid_w


def _per_image(input, batch, compute):
    """Run ``compute(image, picked)`` for the RoIs of each image and put the results back in
    RoI order (one call per image in the batch, not per RoI)."""
    images = np.unique(batch)
    if len(images) == 1:
        return compute(input[int(images[0])], np.arange(len(batch)))
    parts, order = [], []
    for n in images:
        picked = np.flatnonzero(batch == n)
        parts.append(compute(input[int(n)], picked))
        order.append(picked)
    return cat(parts, 0)[tensor(np.argsort(np.concatenate(order), kind="stable"))]


def roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    """RoI Align (Mask R-CNN): ``[N, C, H, W]`` and ``K`` boxes → ``[K, C, PH, PW]``, each bin
    the average of ``sampling_ratio²`` bilinear samples (adaptive ``ceil(roi/bins)`` when
    ``sampling_ratio <= 0``); ``aligned=True`` shifts boxes by half a pixel (Detectron2)."""
    rois = _rois_of(boxes)
    pooled_height, pooled_width = _pair(output_size)
    _check(input, rois)
    n, c, h, w = input.shape
    k = rois.shape[0]
    if k == 0 or c == 0 or pooled_height * pooled_width == 0:
        return _empty(input, (k, c, pooled_height, pooled_width))
    r = _rois_array(rois, input.detach().cpu().numpy().dtype)
    ay, ax, _ = _align_weights(r, spatial_scale, pooled_height, pooled_width, sampling_ratio,
                               aligned, h, w)
    batch = r[:, 0].astype(np.int64)

    def compute(image, picked):  # image [C, H, W] → [k, C, PH, PW]
        wy = tensor(ay[picked], device=input.device)  # [k, PH, H]
        wx = tensor(ax[picked], device=input.device)  # [k, PW, W]
        rows = wy.reshape(-1, h) @ image.permute(1, 0, 2).reshape(h, -1)  # [k*PH, C*W]
        rows = rows.reshape(len(picked), pooled_height, c, w)
        # per-RoI weights: einsum's loop, not a stack of tiny matmuls (BLAS is slow at those)
        return einsum("kpcw,kqw->kcpq", rows, wx)

    return _per_image(input, batch, compute)


class _RoIModule(nn.Module):
    """The RoI pooling modules: they keep their arguments by name (``_arguments``, in the
    function's order), pass them to ``_function`` and list them in their repr."""

    _arguments = ()

    def forward(self, input, rois):
        return self._function(input, rois, *[getattr(self, name) for name in self._arguments])

    def __repr__(self):
        listed = ", ".join(f"{name}={getattr(self, name)}" for name in self._arguments)
        return f"{self.__class__.__name__}({listed})"


class RoIAlign(_RoIModule):
    """See :func:`roi_align`."""

    _function = staticmethod(roi_align)
    _arguments = ("output_size", "spatial_scale", "sampling_ratio", "aligned")

    def __init__(self, output_size, spatial_scale, sampling_ratio, aligned=False):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio
        self.aligned = aligned


# -- position-sensitive pooling (R-FCN) ------------------------------------------------------
def _ps_pool(input, rois, ay, ax, pooled_height, pooled_width):
    """Output channel ``co``'s bin ``(ph, pw)`` reads input channel ``(co*PH + ph)*PW + pw``:
    the channels are viewed as ``[CO, PH, PW]`` and each bin pools its own slice."""
    c, h, w = input.shape[1:]
    co = c // (pooled_height * pooled_width)
    batch = rois[:, 0].astype(np.int64)

    def compute(image, picked):  # image [C, H, W] → [k, CO, PH, PW]
        wy = tensor(ay[picked], device=input.device)  # [k, PH, H]
        wx = tensor(ax[picked], device=input.device)  # [k, PW, W]
        planes = image.reshape(co, pooled_height, pooled_width, h, w)
        cols = einsum("cpqhw,kqw->kcpqh", planes, wx)
        return einsum("kcpqh,kph->kcpq", cols, wy)

    return _per_image(input, batch, compute)


def ps_roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1):
    """Position-sensitive RoI Align (R-FCN): like ``roi_align(aligned=True)``, but bin
    ``(ph, pw)`` of output channel ``c`` averages input channel ``(c*PH + ph)*PW + pw``, so
    ``C`` must be a multiple of ``PH*PW``.  A RoI without samples gives NaN, as the kernel's 0/0."""
    rois = _rois_of(boxes)
    pooled_height, pooled_width = _pair(output_size)
    _check(input, rois, (pooled_height, pooled_width))
    k, c, h, w = rois.shape[0], *input.shape[1:]
    co = c // (pooled_height * pooled_width)
    if k == 0 or co == 0:
        return _empty(input, (k, co, pooled_height, pooled_width))
    r = _rois_array(rois, input.detach().cpu().numpy().dtype)
    ay, ax, count = _align_weights(r, spatial_scale, pooled_height, pooled_width,
                                   sampling_ratio, True, h, w)
    out = _ps_pool(input, r, ay, ax, pooled_height, pooled_width)
    if (count == 0).any():  # the kernel divides by grid_h * grid_w without a floor of 1
        out = out.masked_fill(tensor(count[:, None, None, None] == 0, device=input.device),
                              float("nan"))
    return out


def _indicator_weights(start, bin_size, pooled, size, dtype):
    """``[K, pooled, size]``: 1/(bin length) on the pixels of each ps_roi_pool bin; its bins are
    clipped to ``size - 1`` (the kernel's forward), so the last row/column is never read."""
    i = np.arange(pooled, dtype=dtype)
    lo = np.clip(np.floor(i[None, :] * bin_size[:, None]).astype(np.int64) + start[:, None],
                 0, size - 1)
    hi = np.clip(np.ceil((i[None, :] + 1) * bin_size[:, None]).astype(np.int64) + start[:, None],
                 0, size - 1)
    pixels = np.arange(size)
    inside = (pixels >= lo[..., None]) & (pixels < hi[..., None])
    length = np.maximum(hi - lo, 1)[..., None]
    return np.where(inside, 1 / length, 0).astype(dtype), hi <= lo


def ps_roi_pool(input, boxes, output_size, spatial_scale=1.0):
    """Position-sensitive RoI average pooling (R-FCN): boxes rounded to whole pixels, bin
    ``(ph, pw)`` of output channel ``c`` averages input channel ``(c*PH + ph)*PW + pw``.

    The gradient is this forward's derivative.  torchvision's backward kernel clips the bins to
    ``size`` where its forward clips to ``size - 1``, so for bins touching the last row or
    column its gradient is not the derivative of its output; ours is."""
    rois = _rois_of(boxes)
    pooled_height, pooled_width = _pair(output_size)
    _check(input, rois, (pooled_height, pooled_width))
    k, c, h, w = rois.shape[0], *input.shape[1:]
    co = c // (pooled_height * pooled_width)
    if k == 0 or co == 0:
        return _empty(input, (k, co, pooled_height, pooled_width))
    r = _rois_array(rois, input.detach().cpu().numpy().dtype)
    dtype = r.dtype.type
    x1, y1, x2, y2 = _round_corners(r, spatial_scale)
    bin_h = np.maximum(y2 - y1, 1).astype(dtype) / dtype(pooled_height)
    bin_w = np.maximum(x2 - x1, 1).astype(dtype) / dtype(pooled_width)
    ay, _ = _indicator_weights(y1, bin_h, pooled_height, h, dtype)
    ax, _ = _indicator_weights(x1, bin_w, pooled_width, w, dtype)
    return _ps_pool(input, r, ay, ax, pooled_height, pooled_width)


class PSRoIAlign(_RoIModule):
    """See :func:`ps_roi_align`."""

    _function = staticmethod(ps_roi_align)
    _arguments = ("output_size", "spatial_scale", "sampling_ratio")

    def __init__(self, output_size, spatial_scale, sampling_ratio):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio


class PSRoIPool(_RoIModule):
    """See :func:`ps_roi_pool`."""

    _function = staticmethod(ps_roi_pool)
    _arguments = ("output_size", "spatial_scale")

    def __init__(self, output_size, spatial_scale):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale


# -- roi_pool --------------------------------------------------------------------------------
def _bin_bounds(start, bin_size, pooled, size, dtype):
    """``[K, pooled]`` first and one-past-last pixel of each bin, clipped to the image."""
    i = np.arange(pooled, dtype=dtype)
    lo = np.floor(i[None, :] * bin_size[:, None]).astype(np.int64)
    hi = np.ceil((i[None, :] + 1) * bin_size[:, None]).astype(np.int64)
    return np.clip(lo + start[:, None], 0, size), np.clip(hi + start[:, None], 0, size)


def _round_corners(rois, spatial_scale):
    """Box corners scaled and rounded half away from zero (C's ``round``), as int64."""
    coords = rois[:, 1:] * rois.dtype.type(spatial_scale)
    return tuple(np.copysign(np.floor(np.abs(coords[:, j]) + 0.5), coords[:, j]).astype(np.int64)
                 for j in range(4))


def _pool_argmax(values, rois, spatial_scale, pooled_height, pooled_width):
    """Flat input index of each bin's maximum ``[K, C, PH, PW]`` (-1 where the bin is empty or
    holds nothing above ``-FLT_MAX``) and which bins are empty, as torchvision's CPU kernel:
    corners rounded half away from zero, the first maximum in row-major order, NaN never wins."""
    n, c, h, w = values.shape
    dtype = values.dtype.type
    x1, y1, x2, y2 = _round_corners(rois, spatial_scale)
    roi_w, roi_h = np.maximum(x2 - x1 + 1, 1), np.maximum(y2 - y1 + 1, 1)
    hs, he = _bin_bounds(y1, roi_h.astype(dtype) / dtype(pooled_height), pooled_height, h, dtype)
    ws, we = _bin_bounds(x1, roi_w.astype(dtype) / dtype(pooled_width), pooled_width, w, dtype)
    span_h, span_w = max(int((he - hs).max()), 1), max(int((we - ws).max()), 1)
    ys = hs[:, :, None] + np.arange(span_h)  # [K, PH, span]
    xs = ws[:, :, None] + np.arange(span_w)
    in_y, in_x = ys < he[:, :, None], xs < we[:, :, None]
    ys, xs = np.minimum(ys, h - 1), np.minimum(xs, w - 1)
    batch = rois[:, 0].astype(np.int64)
    k = len(rois)
    # every bin's window as pixel rows of a channels-last copy: [K, PH, PW, span_h*span_w, C]
    # (a row gather copies C values at a time; a crop of each RoI, never a copy per RoI)
    spot = (batch[:, None, None, None, None] * h + ys[:, :, None, :, None]) * w \
        + xs[:, None, :, None, :]
    spot = spot.reshape(k, pooled_height, pooled_width, -1)
    pixels = np.ascontiguousarray(values.transpose(0, 2, 3, 1)).reshape(-1, c)
    window = pixels[spot.reshape(-1)].reshape(*spot.shape, c)
    inside = (in_y[:, :, None, :, None] & in_x[:, None, :, None, :]).reshape(*spot.shape, 1)
    window = np.where(inside & ~np.isnan(window), window, -np.inf)
    best = window.argmax(3)  # [K, PH, PW, C]: the first maximum in row-major order
    top = np.take_along_axis(window, best[:, :, :, None], 3)[:, :, :, 0]
    # flat NCHW index of the winner: its pixel in the image plus the channel's plane
    plane = (batch[:, None, None, None] * (c - 1) + np.arange(c)) * h * w
    pos = np.take_along_axis(spot, best, 3) + plane
    empty = ((he <= hs)[:, :, None] | (we <= ws)[:, None, :])[..., None]
    found = (top > -np.finfo(np.float32).max) & ~empty
    winner = np.where(found, pos, -1).transpose(0, 3, 1, 2)
    return winner, np.broadcast_to(empty, found.shape).transpose(0, 3, 1, 2)


def roi_pool(input, boxes, output_size, spatial_scale=1.0):
    """RoI max pooling (Fast R-CNN): each box, rounded to whole pixels, is cut into
    ``PH x PW`` bins and each bin keeps its maximum (empty bins give 0)."""
    rois = _rois_of(boxes)
    pooled_height, pooled_width = _pair(output_size)
    _check(input, rois)
    k, c = rois.shape[0], input.shape[1]
    if k == 0 or c == 0 or pooled_height * pooled_width == 0:
        return _empty(input, (k, c, pooled_height, pooled_width))
    values = input.detach().cpu().numpy()
    argmax, empty = _pool_argmax(values, _rois_array(rois, values.dtype), spatial_scale,
                                 pooled_height, pooled_width)
    picked = input.reshape(-1)[tensor(np.maximum(argmax, 0), device=input.device)]
    # bins with no winner: 0 when empty, -FLT_MAX when nothing beat it (the kernel's start value)
    fill = np.where(empty, 0, -np.finfo(np.float32).max).astype(values.dtype)
    keep = tensor(argmax >= 0, device=input.device)
    return picked.where(keep, tensor(fill, device=input.device))


class RoIPool(_RoIModule):
    """See :func:`roi_pool`."""

    _function = staticmethod(roi_pool)
    _arguments = ("output_size", "spatial_scale")

    def __init__(self, output_size, spatial_scale):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale