"""VisionTransformer against torchvision's: seeded weights and layout (a small ViT built with
the class, and vit_b_32 at a small image size), forward with torchvision's weights, the weight
enums' image sizes, old MLP key names."""
import numpy as np
import pytest
import torch

import learntorch as lt
from vision_model_parity import (built_pair, check_forward, check_seeded, converted, ltm,
                                 tvm)


def small_pair(seed=0, **kwargs):
    config = dict(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16,
                  mlp_dim=24, num_classes=5, **kwargs)
    torch.manual_seed(seed)
    theirs = tvm.VisionTransformer(**config)
    lt.manual_seed(seed)
    return theirs, ltm.VisionTransformer(**config)


def randomise_head(theirs):
    with torch.no_grad():  # the head starts as zeros: give the logits something to compare
        for p in theirs.heads.parameters():
            p.normal_()


@pytest.mark.parametrize("kwargs", [{}, {"representation_size": 12},
                                    {"dropout": 0.3, "attention_dropout": 0.2}])
def test_small_vit_seeded_and_forward(kwargs):
    theirs, ours = small_pair(**kwargs)
    check_seeded(theirs, ours)
    randomise_head(theirs)
    check_forward(theirs, ours, (3, 3, 32, 32), "float64")


def test_conv_stem_vit_seeded_and_forward():
    def stem(models):
        cfg = models.vision_transformer.ConvStemConfig
        return [cfg(out_channels=8, kernel_size=3, stride=2), cfg(4, 3, 2)]
    torch.manual_seed(1)
    theirs = tvm.VisionTransformer(32, 4, 1, 2, 8, 12, conv_stem_configs=stem(tvm))
    lt.manual_seed(1)
    ours = ltm.VisionTransformer(32, 4, 1, 2, 8, 12, conv_stem_configs=stem(ltm))
    check_seeded(theirs, ours)
    randomise_head(theirs)
    check_forward(theirs, ours, (2, 3, 32, 32), "float64")


def test_vit_b_32_seeded_at_a_small_image_size():
    theirs, ours = built_pair("vit_b_32", image_size=64, num_classes=4)
    check_seeded(theirs, ours)


def test_weight_enums_image_sizes_and_builder_errors():
    for name in ["ViT_B_16_Weights", "ViT_B_32_Weights", "ViT_L_16_Weights", "ViT_L_32_Weights",
                 "ViT_H_14_Weights"]:
        theirs, ours = getattr(tvm, name), getattr(ltm, name)
        assert [(w.name, w.url, w.meta["min_size"]) for w in ours] == \
            [(w.name, w.url, w.meta["min_size"]) for w in theirs]
        assert repr(ours.DEFAULT) == repr(theirs.DEFAULT)
    with pytest.raises(AssertionError, match="Input shape indivisible by patch size!"):
        ltm.VisionTransformer(30, 8, 1, 2, 8, 8)
    _, ours = small_pair()
    with pytest.raises(AssertionError, match="Wrong image height! Expected 32 but got 16!"):
        ours(lt.zeros(1, 3, 16, 32))
    with pytest.raises(ValueError, match="'image_size' expected value 384 but got 224"):
        ltm.vit_b_16(weights="IMAGENET1K_SWAG_E2E_V1", image_size=224)


def test_version_1_mlp_keys_load():
    theirs, ours = small_pair()
    state = theirs.state_dict()
    old = converted(state)
    for key in list(old):
        if ".mlp.0." in key or ".mlp.3." in key:
            old[key.replace(".mlp.0.", ".mlp.linear_1.").replace(".mlp.3.", ".mlp.linear_2.")] = \
                old.pop(key)
    for key in list(old._metadata):
        if key.endswith(".mlp"):
            old._metadata[key] = {"version": 1}
    ours.load_state_dict(old)
    for key, value in ours.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), state[key].numpy(), err_msg=key)


@pytest.mark.parametrize("mode", ["bicubic", "bilinear"])
def test_interpolate_embeddings_resizes_the_position_grid_as_torchvision(mode):
    theirs, ours = small_pair()
    state = theirs.state_dict()
    want = tvm.vision_transformer.interpolate_embeddings(48, 8, dict(state), mode, True)
    got = ltm.vision_transformer.interpolate_embeddings(
        48, 8, {k: lt.tensor(v.numpy()) for k, v in state.items()}, mode, True)
    assert list(got) == list(want) and not any(k.startswith("heads") for k in got)
    np.testing.assert_allclose(got["encoder.pos_embedding"].numpy(),
                               want["encoder.pos_embedding"].numpy(), rtol=1e-5, atol=1e-6)
    bigger = ltm.VisionTransformer(48, 8, 2, 2, 16, 24, num_classes=5)
    assert bigger.load_state_dict(got, strict=False).unexpected_keys == []
    same = {"encoder.pos_embedding": got["encoder.pos_embedding"]}
    assert ltm.vision_transformer.interpolate_embeddings(48, 8, same) is same  # nothing to do


def test_interpolate_embeddings_errors():
    for library, models in [(lt, ltm), (torch, tvm)]:
        with pytest.raises(ValueError, match=r"Unexpected position embedding shape"):
            models.vision_transformer.interpolate_embeddings(
                32, 8, {"encoder.pos_embedding": library.zeros(2, 17, 4)})
        with pytest.raises(ValueError, match="seq_length is not a perfect square! Instead got "
                                             "seq_length_1d \\* seq_length_1d = 16 and "
                                             "seq_length = 18"):
            models.vision_transformer.interpolate_embeddings(
                32, 8, {"encoder.pos_embedding": library.zeros(1, 19, 4)})
