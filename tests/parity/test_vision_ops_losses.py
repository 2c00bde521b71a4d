"""learntorch.vision.ops' detection losses and DropBlock against torchvision 0.28's."""
import numpy as np
import pytest
import torch

import learntorch as lt
import learntorch.vision.ops as lt_ops
from helpers import assert_same, check_op, check_raises
from torchvision_oracle import import_torchvision

import_torchvision()
import torchvision.ops as tv_ops  # noqa: E402

BOX_LOSSES = ["generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss"]


def matched_boxes(rng, n, dtype):
    """Two ``[n, 4]`` box sets: some pairs overlap, some are disjoint."""
    xy = rng.uniform(0, 10, (2, n, 2))
    boxes = np.concatenate([xy, xy + rng.uniform(0.5, 5, (2, n, 2))], -1)
    return boxes[0].astype(dtype), boxes[1].astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("name", BOX_LOSSES)
def test_box_losses_match_torchvision(name, reduction, dtype):
    rng = np.random.default_rng(0)
    a, b = matched_boxes(rng, 12, dtype)
    a[0] = b[0]  # identical pair: loss 0
    check_op(lambda x, y: getattr(lt_ops, name)(x, y, reduction=reduction, eps=1e-6),
             lambda x, y: getattr(tv_ops, name)(x, y, reduction=reduction, eps=1e-6), a, b,
             rtol=1e-5, atol=1e-6)
    for empty in ("none", "mean", "sum"):  # no boxes: 'mean' is 0 (not NaN)
        z = np.zeros((0, 4), dtype)
        check_op(lambda x, y: getattr(lt_ops, name)(x, y, reduction=empty),
                 lambda x, y: getattr(tv_ops, name)(x, y, reduction=empty), z, z)


def test_box_losses_gradcheck_and_integer_upcast():
    rng = np.random.default_rng(1)
    a, b = (lt.tensor(v, requires_grad=True) for v in matched_boxes(rng, 5, "float64"))
    for name in ("generalized_box_iou_loss", "distance_box_iou_loss"):
        assert lt.autograd.gradcheck(lambda x, y: getattr(lt_ops, name)(x, y), (a, b))
    ints = [np.array([[0, 0, 4, 4], [1, 1, 3, 6]]), np.array([[1, 1, 5, 5], [0, 0, 2, 2]])]
    for name in BOX_LOSSES:
        check_op(getattr(lt_ops, name), getattr(tv_ops, name), *ints, grad=False)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("alpha,gamma", [(0.25, 2), (-1, 2), (0.5, 0), (1.0, 1.5)])
def test_sigmoid_focal_loss_matches_torchvision(alpha, gamma, dtype):
    rng = np.random.default_rng(2)
    logits = rng.normal(0, 3, (4, 6)).astype(dtype)
    targets = (rng.random((4, 6)) > 0.6).astype(dtype)
    for reduction in ("none", "mean", "sum"):
        check_op(lambda x, t: lt_ops.sigmoid_focal_loss(x, t, alpha, gamma, reduction),
                 lambda x, t: tv_ops.sigmoid_focal_loss(x, t, alpha, gamma, reduction),
                 logits, targets, rtol=1e-5, atol=1e-6)
    x = lt.tensor(logits.astype("float64"), requires_grad=True)
    assert lt.autograd.gradcheck(
        lambda v: lt_ops.sigmoid_focal_loss(v, lt.tensor(targets.astype("float64")), alpha, gamma),
        (x,))


def test_loss_errors_match_torchvision():
    """Whole messages compared: torchvision's reduction error spans two lines."""
    z = np.tile(np.float32([0, 0, 1, 1]), (2, 1))
    cases = [(name, {"reduction": "max"}) for name in BOX_LOSSES]
    cases += [("sigmoid_focal_loss", {"alpha": 1.5}), ("sigmoid_focal_loss", {"reduction": "avg"})]
    for name, kwargs in cases:
        ours, theirs = check_raises(
            lambda: getattr(lt_ops, name)(lt.tensor(z), lt.tensor(z), **kwargs),
            lambda: getattr(tv_ops, name)(torch.tensor(z), torch.tensor(z), **kwargs),
            exact_message=False)
        assert str(ours) == str(theirs)


# -- DropBlock -------------------------------------------------------------------------------
@pytest.mark.parametrize("dims", [2, 3])
@pytest.mark.parametrize("p,block_size", [(0.1, 3), (0.5, 5), (0.9, 7), (1.0, 3), (0.3, 4)])
def test_drop_block_draws_torchvisions_blocks(dims, p, block_size):
    """Same seed, same dropped blocks: the values match torchvision's exactly.  A block size
    is first clipped to the smallest side; an even one is rejected as in torchvision."""
    shape = (2, 3, 6, 8) if dims == 2 else (2, 2, 5, 6, 7)
    x = np.random.default_rng(3).normal(size=shape).astype(np.float32)
    ours = getattr(lt_ops, f"drop_block{dims}d")
    theirs = getattr(tv_ops, f"drop_block{dims}d")
    if min(block_size, *shape[2:]) % 2 == 0:
        check_raises(lambda: ours(lt.tensor(x), p, block_size),
                     lambda: theirs(torch.tensor(x), p, block_size))
        return

    def seeded(lib, fn):
        def run(v):
            lib.manual_seed(7)
            return fn(v, p, block_size)
        return run
    check_op(seeded(lt, ours), seeded(torch, theirs), x)


def test_drop_block_modules_inplace_eval_and_errors():
    x = np.random.default_rng(4).normal(size=(1, 2, 9, 9)).astype(np.float32)
    for lt_cls, tv_cls in ((lt_ops.DropBlock2d, tv_ops.DropBlock2d),
                           (lt_ops.DropBlock3d, tv_ops.DropBlock3d)):
        ours, theirs = lt_cls(0.2, 3, inplace=True), tv_cls(0.2, 3, inplace=True)
        assert repr(ours) == repr(theirs)
        data = x if lt_cls is lt_ops.DropBlock2d else np.stack([x] * 3, 2)
        a, b = lt.tensor(data), torch.tensor(data)
        lt.manual_seed(1), torch.manual_seed(1)
        assert ours(a) is a and theirs(b) is b
        assert_same(a, b)
        ours.eval(), theirs.eval()
        assert ours(a) is a
    for args in ((lt.zeros(2, 3, 4), 0.1, 3), (lt.zeros(1, 1, 4, 4), 1.5, 3)):
        check_raises(lambda: lt_ops.drop_block2d(*args),
                     lambda: tv_ops.drop_block2d(torch.zeros(tuple(args[0].shape)), *args[1:]))
    check_raises(lambda: lt_ops.drop_block3d(lt.zeros(1, 1, 4, 4), 0.1, 3),
                 lambda: tv_ops.drop_block3d(torch.zeros(1, 1, 4, 4), 0.1, 3))
