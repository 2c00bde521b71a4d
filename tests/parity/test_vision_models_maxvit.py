"""MaxViT against torchvision's: seeded weights and layout (a small hand-built MaxVit and
maxvit_t), forward with torchvision's weights through window and grid attention."""
import pytest
import torch

import learntorch as lt
from vision_model_parity import built_pair, check_forward, check_seeded, ltm, tvm


def small_pair(seed=0):
    def make(models):
        return models.MaxVit(input_size=(32, 32), stem_channels=8, partition_size=2,
                             block_channels=[8, 16], block_layers=[1, 2], head_dim=4,
                             stochastic_depth_prob=0.5, num_classes=5, mlp_dropout=0.1,
                             attention_dropout=0.1)
    torch.manual_seed(seed)
    theirs = make(tvm)
    lt.manual_seed(seed)
    return theirs, make(ltm)


def test_small_maxvit_seeded_and_forward():
    theirs, ours = small_pair()
    check_seeded(theirs, ours)
    check_forward(theirs, ours, (3, 3, 32, 32), "float64")


def test_maxvit_t_seeded_weights_and_repr():
    check_seeded(*built_pair("maxvit_t", num_classes=4))


def test_bad_sizes_and_weight_enum():
    with pytest.raises(ValueError, match=r"Input size \(8, 8\) of block 0 is not divisible by "
                                         "partition size 3"):
        ltm.MaxVit((32, 32), 8, 3, [8], [1], 4, 0.0)
    with pytest.raises(ValueError, match="feat_dim: 10 must be divisible by head_dim: 4"):
        ltm.maxvit.RelativePositionalMultiHeadAttention(10, 4, 4)
    assert [w.url for w in ltm.MaxVit_T_Weights] == [w.url for w in tvm.MaxVit_T_Weights]
