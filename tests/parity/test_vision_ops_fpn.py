"""learntorch.vision.ops' FeaturePyramidNetwork and MultiScaleRoIAlign against torchvision's.

MultiScaleRoIAlign calls the compiled roi_align in torchvision; here torchvision's own
pure-PyTorch ``_roi_align`` stands in for it (test_vision_ops_roi checks that it is the
kernel's arithmetic for boxes inside the image)."""
import sys
from collections import OrderedDict

import numpy as np
import pytest
import torch

import learntorch as lt
import learntorch.vision.ops as lt_ops
from torchvision_oracle import import_torchvision

import_torchvision()
import torchvision.ops as tv_ops  # noqa: E402
from torchvision.ops import feature_pyramid_network as tv_fpn  # noqa: E402

from learntorch.vision import _feature_pyramid_network as lt_fpn  # noqa: E402


def pyramid(rng, batch, channels, sizes, dtype=np.float32):
    return OrderedDict((f"f{i}", rng.standard_normal((batch, c, s, s + 1)).astype(dtype))
                       for i, (c, s) in enumerate(zip(channels, sizes)))


@pytest.mark.parametrize("extra", [None, "maxpool", "p6p7_same", "p6p7_c5"])
def test_fpn_matches_torchvision_after_the_same_seed(extra):
    channels = [4, 6, 8]
    blocks = {None: lambda m: None, "maxpool": lambda m: m.LastLevelMaxPool(),
              "p6p7_same": lambda m: m.LastLevelP6P7(5, 5),
              "p6p7_c5": lambda m: m.LastLevelP6P7(8, 5)}[extra]
    lt.manual_seed(0)
    ours = lt_ops.FeaturePyramidNetwork(channels, 5, extra_blocks=blocks(lt_fpn))
    torch.manual_seed(0)
    theirs = tv_ops.FeaturePyramidNetwork(channels, 5, extra_blocks=blocks(tv_fpn))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (k, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)
    feats = pyramid(np.random.default_rng(1), 2, channels, [16, 8, 4])
    out_lt = ours(OrderedDict((k, lt.tensor(v)) for k, v in feats.items()))
    out_tv = theirs(OrderedDict((k, torch.tensor(v)) for k, v in feats.items()))
    assert list(out_lt) == list(out_tv)
    for k in out_tv:
        np.testing.assert_allclose(out_lt[k].detach().numpy(), out_tv[k].detach().numpy(),
                                   rtol=1e-5, atol=1e-5, err_msg=k)
    assert repr(ours) == repr(theirs)


def test_fpn_loads_version_1_checkpoints_and_checks_its_arguments():
    ours = lt_ops.FeaturePyramidNetwork([3, 4], 2)
    old = OrderedDict((k.replace(".0.", "."), v) for k, v in ours.state_dict().items())
    old._metadata = {"": {"version": 1}}
    fresh = lt_ops.FeaturePyramidNetwork([3, 4], 2)
    fresh.load_state_dict(old)
    for a, b in zip(fresh.state_dict().values(), ours.state_dict().values()):
        assert lt.equal(a, b)
    with pytest.raises(ValueError, match="in_channels=0 is currently not supported"):
        lt_ops.FeaturePyramidNetwork([3, 0], 2)
    with pytest.raises(TypeError, match="extra_blocks should be of type ExtraFPNBlock not"):
        lt_ops.FeaturePyramidNetwork([3], 2, extra_blocks=lt.nn.ReLU())


@pytest.fixture
def tv_poolers(monkeypatch):
    """torchvision's poolers with the pure-PyTorch roi_align in place of the compiled one."""
    poolers = sys.modules["torchvision.ops.poolers"]
    python_roi_align = sys.modules["torchvision.ops.roi_align"]._roi_align.__wrapped__

    def roi_align(input, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
        return python_roi_align(input, rois, spatial_scale, output_size[0], output_size[1],
                                sampling_ratio, aligned)
    monkeypatch.setattr(poolers, "roi_align", roi_align)
    return poolers


@pytest.mark.parametrize("names,sampling_ratio", [(["f0"], 2), (["f0", "f1", "f2"], -1),
                                                  (["f1", "f2"], 2)])
def test_multiscale_roi_align_matches_torchvision(tv_poolers, names, sampling_ratio):
    rng = np.random.default_rng(2)
    feats = pyramid(rng, 2, [3, 3, 3], [32, 16, 8], np.float64)
    image_shapes = [(128, 132), (120, 128)]
    boxes = []
    for n in (5, 3):  # small and large boxes, so that several levels are used
        xy = rng.uniform(0, 60, (n, 2))
        boxes.append(np.concatenate([xy, xy + rng.uniform(4, 60, (n, 2))], 1))
    ours = lt_ops.MultiScaleRoIAlign(names, 3, sampling_ratio)
    theirs = tv_poolers.MultiScaleRoIAlign(names, 3, sampling_ratio)
    assert repr(ours) == repr(theirs)
    lt_feats = OrderedDict((k, lt.tensor(v, requires_grad=True)) for k, v in feats.items())
    tv_feats = OrderedDict((k, torch.tensor(v, requires_grad=True)) for k, v in feats.items())
    out_lt = ours(lt_feats, [lt.tensor(b) for b in boxes], image_shapes)
    out_tv = theirs(tv_feats, [torch.tensor(b) for b in boxes], image_shapes)
    assert ours.scales == theirs.scales
    np.testing.assert_allclose(out_lt.detach().numpy(), out_tv.detach().numpy(), rtol=1e-12,
                               atol=1e-12)
    grad = rng.standard_normal(tuple(out_tv.shape))
    out_lt.backward(lt.tensor(grad))
    out_tv.backward(torch.tensor(grad))
    for k in names:
        np.testing.assert_allclose(lt_feats[k].grad.numpy(), tv_feats[k].grad.numpy(),
                                   rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="images list should not be empty"):
        lt_ops.MultiScaleRoIAlign(names, 3, 2)(lt_feats, [lt.tensor(b) for b in boxes], [])
