"""ConvNeXt against torchvision's: seeded weights and layout, forward (layer scale, stochastic
depth masks in training mode) with torchvision's weights."""
import pytest
import torch

import learntorch as lt
from vision_model_parity import built_pair, check_forward, check_seeded, ltm, tvm


@pytest.fixture(scope="module")
def tiny_pair():
    return built_pair("convnext_tiny", seed=3, num_classes=10, stochastic_depth_prob=0.5,
                      layer_scale=0.5)


def test_seeded_convnext_tiny_gives_torchvisions_weights_and_repr(tiny_pair):
    check_seeded(*tiny_pair)


def test_small_hand_built_convnext_seeded_and_forward():
    def make(models):
        return models.ConvNeXt([models.convnext.CNBlockConfig(8, 16, 2),
                                models.convnext.CNBlockConfig(16, None, 1)],
                               stochastic_depth_prob=0.5, layer_scale=0.3, num_classes=3)
    torch.manual_seed(0)
    theirs = make(tvm)
    lt.manual_seed(0)
    ours = make(ltm)
    check_seeded(theirs, ours)
    check_forward(theirs, ours, (4, 3, 32, 32), "float64")


def test_convnext_tiny_forward_with_torchvisions_weights(tiny_pair):
    check_forward(*tiny_pair, (2, 3, 32, 32), "float32", rtol=1e-4)


def test_bad_arguments_and_config_repr():
    with pytest.raises(ValueError, match="The block_setting should not be empty"):
        ltm.ConvNeXt([])
    with pytest.raises(TypeError, match=r"The block_setting should be List\[CNBlockConfig\]"):
        ltm.ConvNeXt([1])
    assert repr(ltm.convnext.CNBlockConfig(96, None, 3)) == \
        repr(tvm.convnext.CNBlockConfig(96, None, 3))
    assert [w.url for w in ltm.ConvNeXt_Large_Weights] == \
        [w.url for w in tvm.ConvNeXt_Large_Weights]
