"""torchvision.ops' detection losses: focal loss and the (generalized, distance, complete) IoU
losses of matched box pairs.  Written with learntorch ops, so their gradients are autograd's."""
import math

from .. import no_grad, where, zeros_like
from ..nn import functional as F

__all__ = ["complete_box_iou_loss", "distance_box_iou_loss", "generalized_box_iou_loss",
           "sigmoid_focal_loss"]


def _reduce(loss, reduction, empty_mean_is_zero=True):
    """'none' / 'mean' / 'sum'; the box losses give 0 (not NaN) for the mean of no boxes."""
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean() if loss.numel() > 0 or not empty_mean_is_zero else 0.0 * loss.sum()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction "
                     f"modes: 'none', 'mean', 'sum'")


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"):
    """Binary cross-entropy down-weighted by ``(1 - p_t) ** gamma`` for easy examples (RetinaNet);
    ``alpha`` balances positives and negatives (``-1`` switches it off)."""
    if not 0 <= alpha <= 1 and alpha != -1:
        raise ValueError(f"Invalid alpha value: {alpha}. alpha must be in the range [0,1] or -1 "
                         f"for ignore.")
    p = inputs.sigmoid()
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return _reduce(loss, reduction, empty_mean_is_zero=False)


def _upcast_non_float(t):
    return t if t.is_floating_point() and t.element_size() >= 4 else t.float()


def _loss_inter_union(boxes1, boxes2):
    """Intersection and union of each matched pair (``[..., 4]`` each → ``[...]``)."""
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    xkis1, ykis1 = x1.maximum(x1g), y1.maximum(y1g)
    xkis2, ykis2 = x2.minimum(x2g), y2.minimum(y2g)
    overlap = (ykis2 > ykis1) & (xkis2 > xkis1)
    intsctk = where(overlap, (xkis2 - xkis1) * (ykis2 - ykis1), zeros_like(x1))
    unionk = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - intsctk
    return intsctk, unionk


def _enclosing(boxes1, boxes2):
    """Corners ``xc1, yc1, xc2, yc2`` of the smallest box enclosing each matched pair."""
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    return x1.minimum(x1g), y1.minimum(y1g), x2.maximum(x2g), y2.maximum(y2g)


def generalized_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``1 - GIoU`` of matched pairs: it still has a gradient when the boxes do not overlap."""
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    intsctk, unionk = _loss_inter_union(boxes1, boxes2)
    iouk = intsctk / (unionk + eps)
    xc1, yc1, xc2, yc2 = _enclosing(boxes1, boxes2)
    area_c = (xc2 - xc1) * (yc2 - yc1)
    return _reduce(1 - (iouk - (area_c - unionk) / (area_c + eps)), reduction)


def _diou_iou_loss(boxes1, boxes2, eps=1e-7):
    intsct, union = _loss_inter_union(boxes1, boxes2)
    iou = intsct / (union + eps)
    xc1, yc1, xc2, yc2 = _enclosing(boxes1, boxes2)
    diagonal_distance_squared = (xc2 - xc1) ** 2 + (yc2 - yc1) ** 2 + eps
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    centers_distance_squared = (((x2 + x1) / 2 - (x1g + x2g) / 2) ** 2
                                + ((y2 + y1) / 2 - (y1g + y2g) / 2) ** 2)
    return 1 - iou + centers_distance_squared / diagonal_distance_squared, iou


def distance_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``1 - IoU`` plus the squared centre distance over the enclosing box's squared diagonal."""
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    loss, _ = _diou_iou_loss(boxes1, boxes2, eps)
    return _reduce(loss, reduction)


def complete_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """Distance-IoU loss plus an aspect-ratio term ``alpha * v`` (``alpha`` carries no gradient).

    As in torchvision, ``eps`` reaches only the ``alpha`` term: the distance part uses 1e-7."""
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    diou_loss, iou = _diou_iou_loss(boxes1, boxes2)
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    v = (4 / math.pi ** 2) * ((((x2g - x1g) / (y2g - y1g)).atan()
                               - ((x2 - x1) / (y2 - y1)).atan()) ** 2)
    with no_grad():
        alpha = v / (1 - iou + v + eps)
    return _reduce(diou_loss + alpha * v, reduction)
