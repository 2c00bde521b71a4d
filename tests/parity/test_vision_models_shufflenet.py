"""ShuffleNetV2 against torchvision's: seeded weights, layout, forward with its weights."""
import pytest

from vision_model_parity import built_pair, check_forward, check_seeded, ltm, tvm


@pytest.mark.parametrize("name,kwargs", [
    ("shufflenet_v2_x0_5", {}), ("shufflenet_v2_x1_0", {"num_classes": 7}),
    ("shufflenet_v2_x1_5", {"num_classes": 3}), ("shufflenet_v2_x2_0", {"num_classes": 3})])
def test_seeded_construction_gives_torchvisions_weights_and_repr(name, kwargs):
    check_seeded(*built_pair(name, **kwargs))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_forward_with_torchvisions_weights_matches(dtype):
    check_forward(*built_pair("shufflenet_v2_x0_5", seed=3, num_classes=10), (2, 3, 64, 64),
                  dtype)


def test_bad_arguments_raise_torchvisions_errors():
    for kwargs, message in [({"stages_repeats": [4, 8]}, "expected stages_repeats"),
                            ({"stages_out_channels": [24]}, "expected stages_out_channels")]:
        args = {"stages_repeats": [4, 8, 4], "stages_out_channels": [24, 48, 96, 192, 1024],
                **kwargs}
        with pytest.raises(ValueError, match=message):
            tvm.ShuffleNetV2(**args)
        with pytest.raises(ValueError, match=message):
            ltm.ShuffleNetV2(**args)
    with pytest.raises(ValueError, match="illegal stride value"):
        ltm.shufflenetv2.InvertedResidual(8, 8, 4)
