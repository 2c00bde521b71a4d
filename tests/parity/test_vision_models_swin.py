"""Swin Transformer v1/v2 against torchvision's: seeded weights and layout (small hand-built
models and swin_t / swin_v2_t), forward with torchvision's weights through shifted, padded
windows, stochastic depth in training mode."""
import pytest
import torch

import learntorch as lt
from vision_model_parity import built_pair, check_forward, check_seeded, ltm, tvm


def small_pair(v2, seed=0, **kwargs):
    def make(models):
        extra = ({"block": models.swin_transformer.SwinTransformerBlockV2,
                  "downsample_layer": models.swin_transformer.PatchMergingV2} if v2 else {})
        return models.SwinTransformer([4, 4], 8, [2, 2], [2, 4], [3, 3], num_classes=5,
                                      stochastic_depth_prob=0.5, **extra, **kwargs)
    torch.manual_seed(seed)
    theirs = make(tvm)
    lt.manual_seed(seed)
    return theirs, make(ltm)


@pytest.mark.parametrize("v2", [False, True])
def test_small_swin_seeded_and_forward(v2):
    theirs, ours = small_pair(v2, dropout=0.1, attention_dropout=0.1)
    check_seeded(theirs, ours)
    # 36 x 36 → 9 x 9 patches: three 3x3 windows per side, shifted by 1; then 5 x 5, padded.
    check_forward(theirs, ours, (3, 3, 36, 36), "float64")


@pytest.mark.parametrize("name", ["swin_t", "swin_v2_t"])
def test_seeded_tiny_models_give_torchvisions_weights_and_repr(name):
    check_seeded(*built_pair(name, num_classes=4))


def test_bad_window_arguments_and_weight_enums():
    with pytest.raises(ValueError, match="window_size and shift_size must be of length 2"):
        ltm.swin_transformer.ShiftedWindowAttention(8, [3], [0, 0], 2)
    for name in ["Swin_T_Weights", "Swin_S_Weights", "Swin_B_Weights", "Swin_V2_T_Weights",
                 "Swin_V2_S_Weights", "Swin_V2_B_Weights"]:
        assert [w.url for w in getattr(ltm, name)] == [w.url for w in getattr(tvm, name)]
