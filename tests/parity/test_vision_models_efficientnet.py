"""EfficientNet B0-B7 / V2 against torchvision's: seeded weights and layout, forward with
stochastic depth drawing torchvision's masks in training mode."""
import pytest

from vision_model_parity import built_pair, check_forward, check_seeded, ltm


# B0 and V2-S cover both block kinds; B5 the TF batch-norm settings. The others differ in
# numbers only and take long to build twice.
@pytest.mark.parametrize("name,kwargs", [
    ("efficientnet_b0", {}), ("efficientnet_b5", {"num_classes": 3}),
    ("efficientnet_v2_s", {"num_classes": 4, "dropout": 0.1, "stochastic_depth_prob": 0.5})])
def test_seeded_construction_gives_torchvisions_weights_and_repr(name, kwargs):
    check_seeded(*built_pair(name, **kwargs))


@pytest.mark.parametrize("name", ["efficientnet_b0", "efficientnet_v2_s"])
def test_forward_with_stochastic_depth_matches(name):
    # A high drop probability, so that training mode really drops rows of the batch.
    pair = built_pair(name, seed=3, num_classes=10, stochastic_depth_prob=0.8)
    # float32: torch's float64 depthwise convolutions are ten times slower than its float32.
    check_forward(*pair, (4, 3, 48, 48), "float32", rtol=1e-4)


def test_bad_arguments_raise_torchvisions_errors():
    with pytest.raises(ValueError, match="The inverted_residual_setting should not be empty"):
        ltm.EfficientNet([], 0.2)
    with pytest.raises(TypeError, match=r"should be List\[MBConvConfig\]"):
        ltm.EfficientNet([1], 0.2)
    with pytest.raises(ValueError, match="Unsupported model type efficientnet_v3"):
        ltm.efficientnet._efficientnet_conf("efficientnet_v3")
    cnf = ltm.efficientnet.MBConvConfig(1, 3, 3, 8, 8, 1)
    with pytest.raises(ValueError, match="illegal stride value"):
        ltm.efficientnet.MBConv(cnf, 0.0, ltm.efficientnet.nn.BatchNorm2d)
