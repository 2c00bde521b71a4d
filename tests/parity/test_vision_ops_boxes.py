"""learntorch.vision.ops' box functions against torchvision 0.28's (values, gradients, errors).

nms is compiled in torchvision and does not run here: it is checked against a plain loop that
follows torchvision's CPU kernel, and on hand-computed cases."""
import numpy as np
import pytest
import torch

import learntorch as lt
import learntorch.vision.ops as lt_ops
from helpers import assert_same, check_op, check_raises
from torchvision_oracle import import_torchvision

import_torchvision()
import torchvision.ops as tv_ops  # noqa: E402

FORMATS = ("xyxy", "xywh", "cxcywh")


def random_boxes(rng, shape, dtype="float64"):
    """Valid ``xyxy`` boxes ``shape + (4,)``: corners in [0, 10], sides in [0.5, 5]."""
    xy = rng.uniform(0, 10, shape + (2,))
    return np.concatenate([xy, xy + rng.uniform(0.5, 5, shape + (2,))], -1).astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["box_iou", "generalized_box_iou", "distance_box_iou",
                                  "complete_box_iou"])
def test_pairwise_ious_match_torchvision(name, dtype):
    rng = np.random.default_rng(0)
    for shape1, shape2 in [((5,), (7,)), ((2, 3), (2, 4)), ((0,), (3,))]:
        a, b = random_boxes(rng, shape1, dtype), random_boxes(rng, shape2, dtype)
        check_op(getattr(lt_ops, name), getattr(tv_ops, name), a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fmt", FORMATS)
def test_box_iou_and_area_in_every_format(fmt):
    rng = np.random.default_rng(1)
    a, b = random_boxes(rng, (4,), "float32"), random_boxes(rng, (6,), "float32")
    a, b = (tv_ops.box_convert(torch.tensor(v), "xyxy", fmt).numpy() for v in (a, b))
    check_op(lambda x, y: lt_ops.box_iou(x, y, fmt=fmt),
             lambda x, y: tv_ops.box_iou(x, y, fmt=fmt), a, b)
    check_op(lambda x: lt_ops.box_area(x, fmt=fmt), lambda x: tv_ops.box_area(x, fmt=fmt), a)


def test_integer_boxes_keep_their_dtype_rules():
    boxes = np.array([[0, 0, 4, 3], [1, 1, 3, 5]], dtype=np.int16)
    check_op(lt_ops.box_area, tv_ops.box_area, boxes, grad=False)  # int16 → int32
    check_op(lt_ops.box_iou, tv_ops.box_iou, boxes.astype(np.int64), boxes.astype(np.int64),
             grad=False)


def test_ious_pass_float64_gradcheck():
    """complete_box_iou is left out on purpose: its ``alpha`` is computed under no_grad (in
    torchvision too), so its gradient is not the derivative; test_pairwise_ious checks it
    against torchvision's."""
    rng = np.random.default_rng(2)
    a = lt.tensor(random_boxes(rng, (3,)), requires_grad=True)
    b = lt.tensor(random_boxes(rng, (4,)), requires_grad=True)
    for fn in (lt_ops.box_iou, lt_ops.generalized_box_iou, lt_ops.distance_box_iou):
        assert lt.autograd.gradcheck(fn, (a, b))


@pytest.mark.parametrize("in_fmt", FORMATS + ("xywhr", "cxcywhr", "xyxyxyxy"))
def test_box_convert_every_pair(in_fmt):
    rng = np.random.default_rng(3)
    rotated = ("xywhr", "cxcywhr", "xyxyxyxy")
    for out_fmt in (rotated if in_fmt in rotated else FORMATS):
        for dtype in ("float32", "float64"):
            if in_fmt == "xyxyxyxy":
                src = tv_ops.box_convert(torch.tensor(rng.uniform(1, 9, (5, 5))), "xywhr",
                                         "xyxyxyxy").numpy().astype(dtype)
            else:
                src = rng.uniform(1, 9, (2, 3, 5 if in_fmt in rotated else 4)).astype(dtype)
            check_op(lambda x: lt_ops.box_convert(x, in_fmt, out_fmt),
                     lambda x: tv_ops.box_convert(x, in_fmt, out_fmt), src, rtol=1e-5, atol=1e-5)
    ints = rng.integers(0, 20, (4, 5 if in_fmt in rotated else 4))
    if in_fmt != "xyxyxyxy":
        for out_fmt in (rotated if in_fmt in rotated else FORMATS):
            check_op(lambda x: lt_ops.box_convert(x, in_fmt, out_fmt),
                     lambda x: tv_ops.box_convert(x, in_fmt, out_fmt), ints, grad=False)


def test_box_errors_match_torchvision():
    b = np.zeros((2, 4), dtype=np.float32)
    lt_b, tv_b = lt.tensor(b), torch.tensor(b)
    check_raises(lambda: lt_ops.box_convert(lt_b, "xyxy", "abc"),
                 lambda: tv_ops.box_convert(tv_b, "xyxy", "abc"))
    check_raises(lambda: lt_ops.box_convert(lt_b, "xyxy", "xywhr"),
                 lambda: tv_ops.box_convert(tv_b, "xyxy", "xywhr"))
    check_raises(lambda: lt_ops.box_area(lt_b, fmt="xywhr"),
                 lambda: tv_ops.box_area(tv_b, fmt="xywhr"))
    check_raises(lambda: lt_ops.box_iou(lt_b, lt_b, fmt="abc"),
                 lambda: tv_ops.box_iou(tv_b, tv_b, fmt="abc"))


def test_clip_and_remove_small_boxes_match_torchvision():
    rng = np.random.default_rng(4)
    boxes = rng.uniform(-5, 15, (3, 6, 4)).astype(np.float32)
    check_op(lambda x: lt_ops.clip_boxes_to_image(x, (8, 10)),
             lambda x: tv_ops.clip_boxes_to_image(x, (8, 10)), boxes)
    flat = random_boxes(rng, (20,), "float32")
    for min_size in (0.0, 1.0, 2.5, 10.0):
        check_op(lambda x: lt_ops.remove_small_boxes(x, min_size),
                 lambda x: tv_ops.remove_small_boxes(x, min_size), flat, grad=False)


def test_masks_to_boxes_matches_torchvision():
    rng = np.random.default_rng(5)
    masks = rng.random((4, 6, 7)) > 0.8
    masks[1] = False  # an empty mask gives [0, 0, 0, 0]
    masks[2] = False
    masks[2, 3, 4] = True  # a single pixel: x1 == x2, y1 == y2
    for m in (masks, masks.astype(np.uint8), masks.astype(np.float32), np.zeros((0, 3, 3))):
        check_op(lt_ops.masks_to_boxes, tv_ops.masks_to_boxes, m, grad=False)


# -- nms -------------------------------------------------------------------------------------
def reference_nms(boxes, scores, threshold):
    """torchvision's nms_kernel.cpp as a plain double loop (stable descending sort)."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    x1, y1, x2, y2 = boxes.T
    areas = (x2 - x1) * (y2 - y1)
    suppressed, keep = [False] * len(scores), []
    for pos, i in enumerate(order):
        if suppressed[i]:
            continue
        keep.append(i)
        for j in order[pos + 1:]:
            if suppressed[j]:
                continue
            w = max(0, min(x2[i], x2[j]) - max(x1[i], x1[j]))
            h = max(0, min(y2[i], y2[j]) - max(y1[i], y1[j]))
            inter = w * h
            if inter / (areas[i] + areas[j] - inter) > threshold:
                suppressed[j] = True
    return keep


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_nms_matches_the_kernel_loop(dtype):
    rng = np.random.default_rng(6)
    for n, threshold in [(1, 0.5), (30, 0.0), (60, 0.3), (200, 0.5), (200, 0.9)]:
        boxes = random_boxes(rng, (n,), dtype)
        scores = rng.random(n).astype(dtype)
        keep = lt_ops.nms(lt.tensor(boxes), lt.tensor(scores), threshold)
        assert keep.dtype == lt.int64
        assert keep.tolist() == reference_nms(boxes, scores, threshold)


def test_nms_hand_computed_ties_and_threshold():
    boxes = lt.tensor([[0., 0., 2., 2.], [1., 0., 3., 2.], [0., 0., 2., 2.], [5., 5., 6., 6.]])
    # IoU(0, 1) = 2 / 6 = 1/3: "greater than" the threshold suppresses, equal does not
    scores = lt.tensor([0.9, 0.8, 0.9, 0.1])
    assert lt_ops.nms(boxes[:2], scores[:2], 1 / 3).tolist() == [0, 1]
    assert lt_ops.nms(boxes[:2], scores[:2], 0.33).tolist() == [0]
    # equal scores: the lower index comes first and suppresses its twin
    assert lt_ops.nms(boxes, scores, 0.5).tolist() == [0, 1, 3]
    assert lt_ops.nms(lt.zeros(0, 4), lt.zeros(0), 0.5).tolist() == []


def test_nms_errors():
    good, scores = lt.zeros(3, 4), lt.zeros(3)
    with pytest.raises(RuntimeError, match="boxes should be a 2d tensor, got 1D"):
        lt_ops.nms(lt.zeros(4), scores, 0.5)
    with pytest.raises(RuntimeError, match="boxes should have 4 elements in dimension 1, got 5"):
        lt_ops.nms(lt.zeros(3, 5), scores, 0.5)
    with pytest.raises(RuntimeError, match="scores should be a 1d tensor, got 2D"):
        lt_ops.nms(good, lt.zeros(3, 1), 0.5)
    with pytest.raises(RuntimeError, match="same number of elements in dimension 0, got 3 and 2"):
        lt_ops.nms(good, lt.zeros(2), 0.5)
    with pytest.raises(RuntimeError, match="dets should have the same type as scores"):
        lt_ops.nms(good, lt.zeros(3, dtype=lt.float64), 0.5)


@pytest.mark.parametrize("n", [80, 1200])   # torchvision loops per category above 1,000 boxes
def test_batched_nms_is_nms_per_category(n):
    rng = np.random.default_rng(7)
    boxes = random_boxes(rng, (n,), "float32")
    scores = rng.random(n).astype(np.float32)
    idxs = rng.integers(0, 4, n)
    keep = lt_ops.batched_nms(lt.tensor(boxes), lt.tensor(scores), lt.tensor(idxs), 0.4).tolist()
    expected = []
    for c in range(4):
        members = np.flatnonzero(idxs == c)
        expected += [members[k] for k in reference_nms(boxes[members], scores[members], 0.4)]
    assert keep == sorted(expected, key=lambda i: -scores[i])
    assert lt_ops.batched_nms(lt.zeros(0, 4), lt.zeros(0), lt.zeros(0, dtype=lt.int64),
                              0.5).dtype == lt.int64
    assert_same(lt_ops.batched_nms(lt.zeros(0, 4), lt.zeros(0), lt.zeros(0, dtype=lt.int64), 0.5),
                torch.zeros(0, dtype=torch.int64))


def test_every_public_name_of_torchvision_ops_exists():
    assert sorted(set(tv_ops.__all__) - set(lt_ops.__all__)) == []
    for module, names in [("boxes", ["box_iou", "nms", "batched_nms", "box_convert"]),
                          ("poolers", ["MultiScaleRoIAlign", "LevelMapper"]),
                          ("feature_pyramid_network", ["LastLevelMaxPool", "LastLevelP6P7",
                                                       "ExtraFPNBlock"]),
                          ("deform_conv", ["deform_conv2d"]), ("drop_block", ["DropBlock2d"])]:
        for name in names:
            assert hasattr(getattr(tv_ops, module), name)
            assert hasattr(getattr(lt_ops, module), name), f"{module}.{name}"


# -- rotated IoU (torchvision's box_iou_rotated is compiled: checked by geometry) ---------------
def test_rotated_iou_hand_computed_and_corner_convention():
    from learntorch.vision._boxes import _rectangle_corners
    square = lt.tensor([[0.0, 0.0, 2.0, 2.0, 0.0]])
    turned = lt.tensor([[0.0, 0.0, 2.0, 2.0, 45.0]])
    # a square and itself turned by 45 degrees overlap in a regular octagon: IoU = 1/sqrt(2)
    assert abs(lt_ops.box_iou(square, turned, fmt="cxcywhr").item() - 2 ** -0.5) < 1e-7  # float32
    far = lt.tensor([[10.0, 0.0, 2.0, 2.0, 30.0], [0.0, 0.0, 0.0, 2.0, 10.0]])  # disjoint, empty
    assert lt_ops.box_iou(square, far, fmt="cxcywhr").tolist() == [[0.0, 0.0]]
    boxes = np.random.default_rng(8).uniform(1, 9, (6, 5))
    ours = _rectangle_corners(boxes).reshape(6, 8)
    theirs = tv_ops.box_convert(torch.tensor(boxes), "cxcywhr", "xyxyxyxy").numpy()
    np.testing.assert_allclose(ours, theirs, atol=1e-12)


@pytest.mark.parametrize("fmt", ["cxcywhr", "xywhr", "xyxyxyxy"])
def test_rotated_iou_is_box_iou_turned_about_the_origin(fmt):
    """Axis-aligned boxes keep their IoUs when the whole scene turns by any angle."""
    rng = np.random.default_rng(9)
    a, b = random_boxes(rng, (20,)), random_boxes(rng, (25,))
    b[:3] = a[:3]  # identical boxes: IoU 1
    expected = lt_ops.box_iou(lt.tensor(a), lt.tensor(b)).numpy()
    for degrees in (0.0, 37.0, 90.0, -120.0):
        turn = np.deg2rad(degrees)
        rotation = np.array([[np.cos(turn), np.sin(turn)], [-np.sin(turn), np.cos(turn)]])

        def turned(boxes):
            cxcywh = tv_ops.box_convert(torch.tensor(boxes), "xyxy", "cxcywh").numpy()
            out = np.concatenate([cxcywh, np.full((len(boxes), 1), degrees)], 1)
            out[:, :2] = cxcywh[:, :2] @ rotation.T
            return tv_ops.box_convert(torch.tensor(out), "cxcywhr", fmt)
        got = lt_ops.box_iou(lt.tensor(turned(a).numpy()), lt.tensor(turned(b).numpy()), fmt=fmt)
        assert got.dtype == lt.float64 and not got.requires_grad
        np.testing.assert_allclose(got.numpy(), expected, atol=1e-9)
