"""torchvision.ops' box functions: formats, areas, IoU variants, clipping, NMS.

Boxes are ``(..., 4)`` tensors, ``(x1, y1, x2, y2)`` unless a ``fmt`` says otherwise.  The IoU
family is written with learntorch ops, so it is differentiable exactly where torchvision's is;
``nms`` works on the arrays (its result is a set of indices, which has no gradient).
"""
import math

import numpy as np

from .. import (argsort, float32, float64, int32, int64, no_grad, stack, tensor, unique, where,
                zeros, zeros_like)
from .. import bool as bool_

__all__ = ["batched_nms", "box_area", "box_convert", "box_iou", "clip_boxes_to_image",
           "complete_box_iou", "distance_box_iou", "generalized_box_iou", "masks_to_boxes", "nms",
           "remove_small_boxes"]

_AXIS_ALIGNED = ("xyxy", "xywh", "cxcywh")
_ROTATED = ("cxcywhr", "xywhr", "xyxyxyxy")


def _upcast(t):
    """float16/bfloat16 → float32, small ints → int32: coordinate products must not overflow."""
    if t.is_floating_point():
        return t if t.dtype in (float32, float64) else t.float()
    return t if t.dtype in (int32, int64) else t.int()


# -- formats ---------------------------------------------------------------------------------
def _cxcywh_to_xyxy(boxes):
    cx, cy, w, h = boxes.unbind(-1)
    return stack((cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h), dim=-1)


def _xyxy_to_cxcywh(boxes):
    x1, y1, x2, y2 = boxes.unbind(-1)
    return stack(((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1), dim=-1)


def _xywh_to_xyxy(boxes):
    x, y, w, h = boxes.unbind(-1)
    return stack([x, y, x + w, y + h], dim=-1)


def _xyxy_to_xywh(boxes):
    x1, y1, x2, y2 = boxes.unbind(-1)
    return stack((x1, y1, x2 - x1, y2 - y1), dim=-1)


def _rotated(convert):
    """Integer rotated boxes are computed in float and rounded back, as torchvision does."""
    def wrapper(boxes):
        out = convert(boxes)
        if not boxes.is_floating_point():
            out = out.round_().to(boxes.dtype)
        return out
    return wrapper


def _cos_sin(r):
    r_rad = r * math.pi / 180.0
    return r_rad.cos(), r_rad.sin()


@_rotated
def _cxcywhr_to_xywhr(boxes):
    cx, cy, w, h, r = boxes.unbind(-1)
    cos, sin = _cos_sin(r)
    return stack((cx - w / 2 * cos - h / 2 * sin, cy - h / 2 * cos + w / 2 * sin, w, h, r), dim=-1)


@_rotated
def _xywhr_to_cxcywhr(boxes):
    x1, y1, w, h, r = boxes.unbind(-1)
    cos, sin = _cos_sin(r)
    return stack([x1 + w / 2 * cos + h / 2 * sin, y1 - w / 2 * sin + h / 2 * cos, w, h, r], dim=-1)


@_rotated
def _xywhr_to_xyxyxyxy(boxes):
    x1, y1, w, h, r = boxes.unbind(-1)
    cos, sin = _cos_sin(r)
    x2, y2 = x1 + w * cos, y1 - w * sin
    return stack((x1, y1, x2, y2, x2 + h * sin, y2 + h * cos, x1 + h * sin, y1 + h * cos), dim=-1)


@_rotated
def _xyxyxyxy_to_xywhr(boxes):
    x1, y1, x2, y2, x3, y3, _, _ = boxes.unbind(-1)
    r = (y1 - y2).atan2(x2 - x1) * 180 / math.pi
    w = ((x2 - x1) ** 2 + (y1 - y2) ** 2).sqrt()
    h = ((x3 - x2) ** 2 + (y3 - y2) ** 2).sqrt()
    return stack((x1, y1, w, h, r), dim=-1)


# (in, out) -> the conversions applied in turn
_CONVERSIONS = {
    ("xywh", "xyxy"): (_xywh_to_xyxy,), ("cxcywh", "xyxy"): (_cxcywh_to_xyxy,),
    ("xyxy", "xywh"): (_xyxy_to_xywh,), ("xyxy", "cxcywh"): (_xyxy_to_cxcywh,),
    ("xywh", "cxcywh"): (_xywh_to_xyxy, _xyxy_to_cxcywh),
    ("cxcywh", "xywh"): (_cxcywh_to_xyxy, _xyxy_to_xywh),
    ("cxcywhr", "xywhr"): (_cxcywhr_to_xywhr,), ("xywhr", "cxcywhr"): (_xywhr_to_cxcywhr,),
    ("cxcywhr", "xyxyxyxy"): (_cxcywhr_to_xywhr, _xywhr_to_xyxyxyxy),
    ("xyxyxyxy", "cxcywhr"): (_xyxyxyxy_to_xywhr, _xywhr_to_cxcywhr),
    ("xywhr", "xyxyxyxy"): (_xywhr_to_xyxyxyxy,), ("xyxyxyxy", "xywhr"): (_xyxyxyxy_to_xywhr,),
}


def box_convert(boxes, in_fmt, out_fmt):
    """Convert boxes between 'xyxy', 'xywh', 'cxcywh' and the rotated 'xywhr', 'cxcywhr',
    'xyxyxyxy' formats (any leading batch dimensions)."""
    allowed = _AXIS_ALIGNED + _ROTATED
    if in_fmt not in allowed or out_fmt not in allowed:
        raise ValueError(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and "
                         f"out_fmt {out_fmt}")
    if in_fmt == out_fmt:
        return boxes.clone()
    steps = _CONVERSIONS.get((in_fmt, out_fmt))
    if steps is None:
        raise NotImplementedError(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} "
                                  f"and out_fmt {out_fmt}")
    for step in steps:
        boxes = step(boxes)
    return boxes


# -- areas and IoUs --------------------------------------------------------------------------
def box_area(boxes, fmt="xyxy"):
    """Area of each box (``boxes[..., 4]`` → ``[...]``)."""
    if fmt not in _AXIS_ALIGNED:
        raise ValueError(f"Unsupported Bounding Box area for given format {fmt}")
    boxes = _upcast(boxes)
    if fmt == "xyxy":
        return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])
    return boxes[..., 2] * boxes[..., 3]


def _corners(boxes, fmt):
    """Top-left and bottom-right corners, each ``[..., 2]``, of boxes in an axis-aligned fmt."""
    if fmt == "xyxy":
        return boxes[..., :2], boxes[..., 2:]
    if fmt == "xywh":
        return boxes[..., :2], boxes[..., :2] + boxes[..., 2:]
    return boxes[..., :2] - boxes[..., 2:] / 2, boxes[..., :2] + boxes[..., 2:] / 2


def _box_inter_union(boxes1, boxes2, fmt="xyxy"):
    area1, area2 = box_area(boxes1, fmt=fmt), box_area(boxes2, fmt=fmt)
    (lt1, rb1), (lt2, rb2) = _corners(boxes1, fmt), _corners(boxes2, fmt)
    lt = lt1[..., None, :].maximum(lt2[..., None, :, :])  # [..., N, M, 2]
    rb = rb1[..., None, :].minimum(rb2[..., None, :, :])
    wh = _upcast(rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter, area1[..., None] + area2[..., None, :] - inter


def box_iou(boxes1, boxes2, fmt="xyxy"):
    """Pairwise intersection over union: ``[..., N, 4]`` × ``[..., M, 4]`` → ``[..., N, M]``;
    rotated boxes (``[N, 5]`` or ``[N, 8]``) through polygon clipping, without a gradient."""
    if fmt in _AXIS_ALIGNED:
        inter, union = _box_inter_union(boxes1, boxes2, fmt=fmt)
        return inter / union
    if fmt in _ROTATED:
        if fmt != "cxcywhr":
            boxes1 = box_convert(boxes1, in_fmt=fmt, out_fmt="cxcywhr")
            boxes2 = box_convert(boxes2, in_fmt=fmt, out_fmt="cxcywhr")
        return _box_iou_rotated(boxes1, boxes2)
    raise ValueError(f"Unsupported format '{fmt}'. Supported axis-aligned formats: "
                     f"{_AXIS_ALIGNED}. Supported rotated formats: {_ROTATED}.")


def _cross(a, b):
    return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]


def _rectangle_corners(boxes):
    """``[N, 4, 2]`` corners, in order, of ``(cx, cy, w, h, degrees)`` boxes."""
    theta = np.deg2rad(boxes[:, 4])
    cos, sin = np.cos(theta), np.sin(theta)
    half = np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]])
    dx, dy = half[:, 0] * boxes[:, 2:3], half[:, 1] * boxes[:, 3:4]
    return np.stack([boxes[:, :1] + dx * cos[:, None] + dy * sin[:, None],
                     boxes[:, 1:2] - dx * sin[:, None] + dy * cos[:, None]], -1)


def _inside_rectangle(points, corners):
    """Whether each point ``[..., P, 2]`` lies in (or on) the rectangle ``[..., 4, 2]``."""
    origin = corners[..., None, 0, :]
    side1, side2 = corners[..., None, 1, :] - origin, corners[..., None, 3, :] - origin
    rel = points - origin
    along1, along2 = (rel * side1).sum(-1), (rel * side2).sum(-1)
    eps = 1e-6 * ((side1 ** 2).sum(-1) + (side2 ** 2).sum(-1))
    return ((along1 >= -eps) & (along1 <= (side1 ** 2).sum(-1) + eps)
            & (along2 >= -eps) & (along2 <= (side2 ** 2).sum(-1) + eps))


def _rotated_intersection(a, b):
    """Area of the intersection of rectangles ``a, b [N, M, 4, 2]``: its vertices are the
    edge crossings and the corners of each inside the other; convex, so sorting them by angle
    around their mean and the shoelace formula give its area."""
    pa, pb = a[..., :, None, :], b[..., None, :, :]  # every edge of a against every edge of b
    da = np.roll(a, -1, -2)[..., :, None, :] - pa
    db = np.roll(b, -1, -2)[..., None, :, :] - pb
    denom = _cross(da, db)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = _cross(pb - pa, db) / denom
        u = _cross(pb - pa, da) / denom
    crossing = (denom != 0) & (t >= 0) & (t <= 1) & (u >= 0) & (u <= 1)
    crossings = pa + np.where(crossing, t, 0)[..., None] * da
    points = np.concatenate([crossings.reshape(*a.shape[:-2], 16, 2), a, b], -2)
    valid = np.concatenate([crossing.reshape(*a.shape[:-2], 16), _inside_rectangle(a, b),
                            _inside_rectangle(b, a)], -1)
    count = valid.sum(-1, keepdims=True)
    centre = (points * valid[..., None]).sum(-2) / np.maximum(count, 1)
    rel = points - centre[..., None, :]
    angle = np.where(valid, np.arctan2(rel[..., 1], rel[..., 0]), np.inf)
    order = np.argsort(angle, -1)
    rel = np.take_along_axis(rel, order[..., None], -2)
    valid = np.take_along_axis(valid, order, -1)
    rel = np.where(valid[..., None], rel, rel[..., :1, :])  # unused slots repeat the first vertex
    area = 0.5 * np.abs(_cross(rel, np.roll(rel, -1, -2)).sum(-1))
    return np.where(count[..., 0] >= 3, area, 0.0)


def _box_iou_rotated(boxes1, boxes2):
    """IoU of ``(cx, cy, w, h, degrees)`` boxes ``[N, 5] x [M, 5] → [N, M]``, computed in
    float64 about the pair's mid-centre (as torchvision's kernel, for precision); boxes of area
    below 1e-14 give 0."""
    b1 = boxes1.detach().cpu().numpy().astype(np.float64)
    b2 = boxes2.detach().cpu().numpy().astype(np.float64)
    c1, c2 = _rectangle_corners(b1)[:, None], _rectangle_corners(b2)[None, :]
    shift = (b1[:, None, :2] + b2[None, :, :2])[..., None, :] / 2
    inter = _rotated_intersection(c1 - shift, c2 - shift)
    area1, area2 = (b1[:, 2] * b1[:, 3])[:, None], (b2[:, 2] * b2[:, 3])[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = np.where((area1 < 1e-14) | (area2 < 1e-14), 0.0, inter / (area1 + area2 - inter))
    dtype = boxes1.dtype if boxes1.is_floating_point() else float32
    return tensor(iou, device=boxes1.device).to(dtype)


def _enclosing_wh(boxes1, boxes2):
    """Width and height ``[..., N, M, 2]`` of the smallest box enclosing each pair."""
    lti = boxes1[..., None, :2].minimum(boxes2[..., None, :, :2])
    rbi = boxes1[..., None, 2:].maximum(boxes2[..., None, :, 2:])
    return _upcast(rbi - lti).clamp(min=0)


def generalized_box_iou(boxes1, boxes2):
    """IoU minus the share of the enclosing box that neither box covers (in [-1, 1])."""
    inter, union = _box_inter_union(boxes1, boxes2)
    iou = inter / union
    whi = _enclosing_wh(boxes1, boxes2)
    areai = whi[..., 0] * whi[..., 1]
    return iou - (areai - union) / areai


def _box_diou_iou(boxes1, boxes2, eps=1e-7):
    iou = box_iou(boxes1, boxes2)
    whi = _enclosing_wh(boxes1, boxes2)
    diagonal_distance_squared = (whi[..., 0] ** 2) + (whi[..., 1] ** 2) + eps
    x_p, y_p = (boxes1[..., 0] + boxes1[..., 2]) / 2, (boxes1[..., 1] + boxes1[..., 3]) / 2
    x_g, y_g = (boxes2[..., 0] + boxes2[..., 2]) / 2, (boxes2[..., 1] + boxes2[..., 3]) / 2
    centers_distance_squared = ((_upcast(x_p[..., None] - x_g[..., None, :]) ** 2)
                                + (_upcast(y_p[..., None] - y_g[..., None, :]) ** 2))
    return iou - centers_distance_squared / diagonal_distance_squared, iou


def distance_box_iou(boxes1, boxes2, eps=1e-7):
    """IoU minus the squared centre distance over the squared enclosing diagonal."""
    diou, _ = _box_diou_iou(_upcast(boxes1), _upcast(boxes2), eps=eps)
    return diou


def complete_box_iou(boxes1, boxes2, eps=1e-7):
    """Distance IoU minus an aspect-ratio term ``alpha * v`` (``alpha`` carries no gradient)."""
    boxes1, boxes2 = _upcast(boxes1), _upcast(boxes2)
    diou, iou = _box_diou_iou(boxes1, boxes2, eps)
    w_pred = boxes1[..., None, 2] - boxes1[..., None, 0]
    h_pred = boxes1[..., None, 3] - boxes1[..., None, 1]
    w_gt = boxes2[..., None, :, 2] - boxes2[..., None, :, 0]
    h_gt = boxes2[..., None, :, 3] - boxes2[..., None, :, 1]
    v = (4 / (math.pi ** 2)) * ((w_pred / h_pred).atan() - (w_gt / h_gt).atan()).pow(2)
    with no_grad():
        alpha = v / (1 - iou + v + eps)
    return diou - alpha * v


# -- selection -------------------------------------------------------------------------------
def remove_small_boxes(boxes, min_size):
    """Indices of the boxes whose width and height are both at least ``min_size``."""
    ws, hs = boxes[..., 2] - boxes[..., 0], boxes[..., 3] - boxes[..., 1]
    return where((ws >= min_size) & (hs >= min_size))[0]


def clip_boxes_to_image(boxes, size):
    """Clamp x into [0, width] and y into [0, height] (``size`` is ``(height, width)``)."""
    height, width = size
    boxes_x = boxes[..., 0::2].clamp(min=0, max=width)
    boxes_y = boxes[..., 1::2].clamp(min=0, max=height)
    return stack((boxes_x, boxes_y), dim=boxes.dim()).reshape(boxes.shape)


def masks_to_boxes(masks):
    """The ``(x1, y1, x2, y2)`` float box around each of ``N`` masks ``[N, H, W]``; empty
    masks give ``[0, 0, 0, 0]``."""
    if masks.numel() == 0:
        return zeros((0, 4), device=masks.device, dtype=float32)
    n, h, w = masks.shape
    masks_bool = masks.bool()
    rows, cols = masks_bool.any(dim=2), masks_bool.any(dim=1)
    empty = ~rows.any(dim=1)
    rows_f, cols_f = rows.float(), cols.float()
    y1, x1 = rows_f.argmax(dim=1), cols_f.argmax(dim=1)
    y2 = (h - 1) - rows_f.flip([1]).argmax(dim=1)
    x2 = (w - 1) - cols_f.flip([1]).argmax(dim=1)
    boxes = stack([x1, y1, x2, y2], dim=1).float()
    boxes[empty] = 0
    return boxes


def _nms_keep(boxes, order, iou_threshold):
    """torchvision's CPU kernel on arrays: visit boxes in ``order`` (by decreasing score), drop
    every later box whose IoU with a kept one exceeds the threshold.  One vectorized IoU row
    per kept box."""
    x1, y1, x2, y2 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    areas = (x2 - x1) * (y2 - y1)
    suppressed = np.zeros(len(order), dtype=bool)
    keep = []
    for pos, i in enumerate(order):
        if suppressed[pos]:
            continue
        keep.append(i)
        rest = order[pos + 1:]
        w = np.maximum(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]), 0)
        h = np.maximum(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]), 0)
        inter = w * h
        with np.errstate(divide="ignore", invalid="ignore"):
            iou = inter / (areas[i] + areas[rest] - inter)
        suppressed[pos + 1:] |= iou > iou_threshold
    return np.asarray(keep, dtype=np.int64)


def _check_nms(boxes, scores):
    if boxes.dim() != 2:
        raise RuntimeError(f"boxes should be a 2d tensor, got {boxes.dim()}D")
    if boxes.shape[1] != 4:
        raise RuntimeError(f"boxes should have 4 elements in dimension 1, got {boxes.shape[1]}")
    if scores.dim() != 1:
        raise RuntimeError(f"scores should be a 1d tensor, got {scores.dim()}D")
    if boxes.shape[0] != scores.shape[0]:
        raise RuntimeError(f"boxes and scores should have same number of elements in dimension 0, "
                           f"got {boxes.shape[0]} and {scores.shape[0]}")
    if boxes.dtype != scores.dtype:
        raise RuntimeError("dets should have the same type as scores")


def nms(boxes, scores, iou_threshold):
    """Indices (int64, by decreasing score) of the boxes that survive non-maximum suppression:
    a box is dropped when its IoU with a higher-scoring kept box is greater than
    ``iou_threshold``."""
    _check_nms(boxes, scores)
    # torch's stable descending sort (NaN scores first, ties in index order), as the kernel's
    order = argsort(scores.detach(), descending=True, stable=True)
    keep = _nms_keep(boxes.detach().cpu().numpy(), order.cpu().numpy(), float(iou_threshold))
    return tensor(keep, dtype=int64, device=boxes.device)


def batched_nms(boxes, scores, idxs, iou_threshold):
    """NMS within each category ``idxs``. Like torchvision on the CPU: up to 1,000 boxes are
    shifted apart by category (the coordinate trick) so that boxes of different categories
    never overlap, more go through one ``nms`` per category (large offsets would cost float32
    precision there)."""
    if boxes.numel() > 4000:
        return _batched_nms_per_category(boxes, scores, idxs, iou_threshold)
    if boxes.numel() == 0:
        return zeros((0,), dtype=int64, device=boxes.device)
    max_coordinate = boxes.max()
    offsets = idxs.to(boxes) * (max_coordinate + tensor(1).to(boxes))
    return nms(boxes + offsets[:, None], scores, iou_threshold)


def _batched_nms_per_category(boxes, scores, idxs, iou_threshold):
    keep = zeros_like(scores, dtype=bool_)
    for category in unique(idxs):
        members = where(idxs == category)[0]
        keep[members[nms(boxes[members], scores[members], iou_threshold)]] = True
    kept = where(keep)[0]
    return kept[scores[kept].sort(descending=True)[1]]
