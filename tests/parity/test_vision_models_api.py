"""The model registry (get_model, list_models, get_model_weights, get_weight) and the
torchvision.ops blocks the models are made of, and what each checkpoint says about itself
(transforms, meta), against torchvision's."""
import json

import numpy as np
import pytest
import torch
from PIL import Image

import learntorch as lt
import learntorch.vision.ops as lto
from vision_model_parity import check_seeded, ltm, tvm

import torchvision.ops as tvo  # noqa: E402


def test_list_models_names_torchvisions_classification_builders_we_have():
    ours = ltm.list_models(ltm)
    assert ours == sorted(ours) and len(ours) == len(set(ours))
    assert ours == tvm.list_models(tvm)  # every classification model torchvision has
    assert ltm.list_models() == ours
    for include, exclude in [("resnet*", None), (["vgg1?", "alex*"], "*_bn"),
                             ("*", ["dense*", "resne*"]), (None, "*net*")]:
        theirs = [n for n in tvm.list_models(tvm, include=include, exclude=exclude) if n in ours]
        assert ltm.list_models(ltm, include=include, exclude=exclude) == theirs


def test_get_model_builds_the_registered_builder_with_config():
    lt.manual_seed(0)
    model = ltm.get_model("ResNet18", num_classes=4)
    torch.manual_seed(0)
    check_seeded(tvm.get_model("resnet18", num_classes=4), model)
    assert ltm.get_model_builder("squeezenet1_1") is ltm.squeezenet1_1
    with pytest.raises(ValueError, match="Unknown model nope"):
        ltm.get_model("nope")


def test_get_model_weights_finds_the_enum_of_every_builder():
    for name in ltm.list_models():
        ours, theirs = ltm.get_model_weights(name), tvm.get_model_weights(name)
        assert ours is ltm.get_model_weights(getattr(ltm, name))
        assert ours.__name__ == theirs.__name__
        assert [(w.name, w.url) for w in ours] == [(w.name, w.url) for w in theirs], name
        assert repr(ours.DEFAULT) == repr(theirs.DEFAULT)
        for w, t in zip(ours, theirs):
            assert described(w) == described(t), f"{name}: {w}"


def described(weights):
    """What a checkpoint's entry says, comparable across the libraries (their enums differ;
    JSON writes NaN accuracies, which compare unequal, as the same word)."""
    preset = weights.transforms
    keywords = {k: getattr(v, "value", v) for k, v in preset.keywords.items()}
    return (preset.func.__name__, json.dumps(keywords), repr(preset()), preset().describe(),
            json.dumps(weights.meta))


def test_weights_transforms_prepare_an_image_as_torchvisions():
    image = np.random.default_rng(0).integers(0, 256, (300, 260, 3), dtype=np.uint8)
    for name in ["ResNet50_Weights.IMAGENET1K_V2", "ViT_B_16_Weights.IMAGENET1K_SWAG_E2E_V1",
                 "Inception_V3_Weights.IMAGENET1K_V1", "VGG16_Weights.IMAGENET1K_FEATURES"]:
        ours, theirs = ltm.get_weight(name).transforms(), tvm.get_weight(name).transforms()
        assert isinstance(ours, lt.nn.Module)
        # Pillow resizes a PIL image for both; a uint8 tensor's antialiased resize may round
        # a pixel one level apart from torchvision's integer kernel: 1/255 before normalizing.
        one_level = 1 / 255 / min(ours.std)
        for make, wrap, atol in [(Image.fromarray, Image.fromarray, 1e-5),
                                 (lambda a: lt.tensor(a).permute(2, 0, 1),
                                  lambda a: torch.tensor(a).permute(2, 0, 1), one_level + 1e-5)]:
            got, want = ours(make(image)), theirs(wrap(image))
            assert got.dtype == lt.float32 and tuple(got.shape) == tuple(want.shape), name
            np.testing.assert_allclose(got.numpy(), want.numpy(), atol=atol, err_msg=name)


def test_a_builder_takes_its_class_count_from_the_weights_categories():
    for library in (ltm, tvm):
        with pytest.raises(ValueError, match="The parameter 'num_classes' expected value 1000 "
                                             "but got 10 instead."):
            library.resnet18(weights=library.ResNet18_Weights.DEFAULT, num_classes=10)


def test_get_weight_by_full_name():
    for name in ["ResNet50_Weights.IMAGENET1K_V2", "ResNet50_Weights.DEFAULT",
                 "AlexNet_Weights.IMAGENET1K_V1"]:
        assert repr(ltm.get_weight(name)) == repr(tvm.get_weight(name))
    with pytest.raises(ValueError, match="Invalid weight name provided: 'ResNet50_Weights'."):
        ltm.get_weight("ResNet50_Weights")
    with pytest.raises(ValueError, match="The weight enum 'Nope_Weights' for the specific"):
        ltm.get_weight("Nope_Weights.X")
    with pytest.raises(ValueError, match="missing the 'weights' argument"):
        ltm.get_model_weights(lambda: None)


def test_weights_entries_carry_url_and_meta():
    w = ltm.ResNet18_Weights.IMAGENET1K_V1
    assert isinstance(w, ltm.WeightsEnum) and isinstance(w.value, ltm.Weights)
    assert w.url == tvm.ResNet18_Weights.IMAGENET1K_V1.url
    assert w.meta["categories"][:2] == ["tench", "goldfish"] and len(w.meta["categories"]) == 1000


# -- torchvision.ops blocks ------------------------------------------------------------------
def seeded(build_theirs, build_ours, seed=0):
    torch.manual_seed(seed)
    theirs = build_theirs()
    lt.manual_seed(seed)
    return theirs, build_ours()


@pytest.mark.parametrize("args,kwargs", [
    ((3, 8), {}), ((4, 6, 5), {"stride": 2, "groups": 2, "dilation": 2}),
    ((4, 6, (3, 5)), {"norm_layer": None, "activation_layer": "Hardswish"}),
    ((4, 6, 1), {"bias": True, "inplace": None, "activation_layer": "SiLU"})])
def test_conv2d_norm_activation(args, kwargs):
    def make(mod, ops):
        kw = dict(kwargs)
        if isinstance(kw.get("activation_layer"), str):
            kw["activation_layer"] = getattr(mod.nn, kw["activation_layer"])
        return lambda: ops.Conv2dNormActivation(*args, **kw)
    theirs, ours = seeded(make(torch, tvo), make(lt, lto))
    check_seeded(theirs, ours)
    assert ours.out_channels == theirs.out_channels
    x = np.random.default_rng(0).standard_normal((2, args[0], 9, 9)).astype("float32")
    ours.load_state_dict({k: lt.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    np.testing.assert_allclose(ours(lt.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-5)


def test_conv3d_norm_activation_and_frozen_batchnorm():
    check_seeded(*seeded(lambda: tvo.Conv3dNormActivation(2, 4),
                         lambda: lto.Conv3dNormActivation(2, 4)))
    theirs, ours = tvo.FrozenBatchNorm2d(5, eps=1e-3), lto.FrozenBatchNorm2d(5, eps=1e-3)
    assert repr(ours) == repr(theirs) == "FrozenBatchNorm2d(5, eps=0.001)"
    bn = torch.nn.BatchNorm2d(5)
    for v in bn.state_dict().values():
        if v.is_floating_point():
            v.uniform_(0.5, 1.5)
    theirs.load_state_dict(bn.state_dict())  # drops num_batches_tracked
    ours.load_state_dict({k: lt.tensor(v.numpy()) for k, v in bn.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 5, 3, 3))
    np.testing.assert_allclose(ours(lt.tensor(x)).numpy(), theirs(torch.tensor(x)).numpy(),
                               rtol=1e-12)


def test_squeeze_excitation_mlp_permute():
    theirs, ours = seeded(lambda: tvo.SqueezeExcitation(8, 2), lambda: lto.SqueezeExcitation(8, 2))
    check_seeded(theirs, ours)
    x = np.random.default_rng(0).standard_normal((2, 8, 5, 5))
    theirs, ours = theirs.double(), ours.double()
    np.testing.assert_allclose(ours(lt.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-12)
    check_seeded(*seeded(lambda: tvo.MLP(4, [8, 3], norm_layer=torch.nn.LayerNorm, dropout=0.1),
                         lambda: lto.MLP(4, [8, 3], norm_layer=lt.nn.LayerNorm, dropout=0.1)))
    check_seeded(*seeded(lambda: tvo.MLP(4, [5, 6, 2], inplace=False, bias=False),
                         lambda: lto.MLP(4, [5, 6, 2], inplace=False, bias=False)))
    assert tuple(lto.Permute([0, 2, 3, 1])(lt.zeros(2, 3, 4, 5)).shape) == (2, 4, 5, 3)


@pytest.mark.parametrize("p,mode", [(0.3, "row"), (0.5, "batch"), (0.0, "row"), (1.0, "row")])
def test_stochastic_depth_draws_torchvisions_masks(p, mode):
    x = np.random.default_rng(0).standard_normal((64, 3, 2)).astype("float32")
    for seed in range(3):
        torch.manual_seed(seed), lt.manual_seed(seed)
        np.testing.assert_array_equal(lto.stochastic_depth(lt.tensor(x), p, mode).numpy(),
                                      tvo.stochastic_depth(torch.tensor(x), p, mode).numpy())
    np.testing.assert_array_equal(
        lto.stochastic_depth(lt.tensor(x), p, mode, training=False).numpy(), x)
    module = lto.StochasticDepth(p, mode).eval()
    np.testing.assert_array_equal(module(lt.tensor(x)).numpy(), x)
    assert repr(module) == repr(tvo.StochasticDepth(p, mode))


def test_stochastic_depth_rejects_bad_arguments():
    x = lt.zeros(2, 3)
    with pytest.raises(ValueError, match="drop probability has to be between 0 and 1, but got 1.5"):
        lto.stochastic_depth(x, 1.5, "row")
    with pytest.raises(ValueError, match="mode has to be either 'batch' or 'row', but got col"):
        lto.stochastic_depth(x, 0.5, "col")
