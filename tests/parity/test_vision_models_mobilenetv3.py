"""MobileNetV3 large/small against torchvision's: seeded weights, layout, forward."""
import pytest

from vision_model_parity import built_pair, check_forward, check_seeded, ltm, tvm


@pytest.mark.parametrize("name,kwargs", [
    ("mobilenet_v3_small", {}), ("mobilenet_v3_large", {"num_classes": 5}),
    ("mobilenet_v3_small", {"width_mult": 0.75, "reduced_tail": True, "dilated": True,
                            "dropout": 0.5})])
def test_seeded_construction_gives_torchvisions_weights_and_repr(name, kwargs):
    check_seeded(*built_pair(name, **kwargs))


# The large model runs the same blocks on more channels: the small one's forward stands for both.
@pytest.mark.parametrize("kwargs", [{}, {"dilated": True, "reduced_tail": True}])
def test_forward_with_torchvisions_weights_matches(kwargs):
    check_forward(*built_pair("mobilenet_v3_small", seed=3, num_classes=10, **kwargs),
                  (2, 3, 48, 48))


def test_float32_forward_matches():
    check_forward(*built_pair("mobilenet_v3_small", seed=4, num_classes=10), (2, 3, 64, 64),
                  "float32", modes=("eval",))


def test_bad_arguments_raise_torchvisions_errors():
    with pytest.raises(ValueError, match="The inverted_residual_setting should not be empty"):
        ltm.MobileNetV3([], 10)
    with pytest.raises(TypeError, match=r"should be List\[InvertedResidualConfig\]"):
        ltm.MobileNetV3([1], 10)
    with pytest.raises(ValueError, match="Unsupported model type mobilenet_v3_tiny"):
        ltm.mobilenetv3._mobilenet_v3_conf("mobilenet_v3_tiny")
    assert [w.url for w in ltm.MobileNet_V3_Large_Weights] == \
        [w.url for w in tvm.MobileNet_V3_Large_Weights]
