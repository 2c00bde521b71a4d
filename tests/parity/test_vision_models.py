"""learntorch.vision.models against torchvision 0.28's models.

Same seed → the same weights (exactly); the same module tree (state_dict keys, shapes, repr);
torchvision's state_dict loaded into learntorch's model → the same logits.  Inputs stay small
(1-2 × 3 × 64 × 64) so that the large models cost only their construction.
"""
import copy
import warnings

import numpy as np
import pytest
import torch

import learntorch as lt
import learntorch.vision.models as ltm
from torchvision_oracle import import_torchvision
from vision_model_parity import assert_same_weights, built_pair

tv = import_torchvision()
import torchvision.models as tvm  # noqa: E402
import torchvision.models.vgg  # noqa: E402,F401


def load_theirs(theirs, ours):
    ours.load_state_dict({k: lt.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})


# Small enough to build twice in a few seconds: every weight compared with ==.
SEEDED = [("alexnet", {}), ("resnet18", {}), ("resnet34", {"num_classes": 7}),
          ("resnet50", {"num_classes": 10}), ("resnet18", {"zero_init_residual": True}),
          ("resnet50", {"zero_init_residual": True, "num_classes": 3}),
          ("resnext50_32x4d", {"num_classes": 5}), ("squeezenet1_0", {}),
          ("squeezenet1_1", {"num_classes": 10}), ("mobilenet_v2", {}),
          ("mobilenet_v2", {"width_mult": 0.5, "num_classes": 6}), ("densenet121", {}),
          ("densenet161", {"num_classes": 4}), ("densenet169", {"memory_efficient": True}),
          ("densenet201", {"drop_rate": 0.2, "num_classes": 3})]


@pytest.mark.parametrize("name,kwargs", SEEDED)
def test_seeded_construction_gives_torchvisions_weights_and_repr(name, kwargs):
    theirs, ours = built_pair(name, **kwargs)
    assert_same_weights(theirs, ours)
    assert repr(ours) == repr(theirs)
    assert type(ours).__name__ == type(theirs).__name__


@pytest.mark.parametrize("cfg", ["A", "B", "D", "E"])
@pytest.mark.parametrize("batch_norm", [False, True])
def test_vgg_feature_trees_match(cfg, batch_norm):
    # The full VGGs spend their time in the 102M-weight classifier; the trees differ only here.
    torch.manual_seed(1)
    theirs = tvm.vgg.make_layers(tvm.vgg.cfgs[cfg], batch_norm)
    lt.manual_seed(1)
    ours = ltm.vgg.make_layers(ltm.vgg.cfgs[cfg], batch_norm)
    assert_same_weights(theirs, ours)
    assert repr(ours) == repr(theirs)


def test_vgg11_bn_seeded_whole_model():
    theirs, ours = built_pair("vgg11_bn", num_classes=4)
    assert_same_weights(theirs, ours)
    assert repr(ours) == repr(theirs)


# VGGs with init_weights=False skip the slow normal_ over the 102M classifier weights.
@pytest.mark.parametrize("name,kwargs", [
    ("resnet101", {}), ("resnet152", {}), ("wide_resnet50_2", {}),
    *[(name, {"init_weights": False}) for name in ("vgg11", "vgg11_bn", "vgg13", "vgg13_bn",
                                                  "vgg16", "vgg16_bn", "vgg19", "vgg19_bn")]])
def test_big_models_have_torchvisions_state_dict_layout(name, kwargs):
    theirs = getattr(tvm, name)(**kwargs)
    ours = getattr(ltm, name)(**kwargs)
    a, b = theirs.state_dict(), ours.state_dict()
    assert [(k, tuple(v.shape)) for k, v in a.items()] == \
        [(k, tuple(v.shape)) for k, v in b.items()]
    assert repr(ours) == repr(theirs)


_LAST_PAIR = {}


def forward_pair(name, kwargs):
    """The seeded pair for ``name``, built once for both dtypes (dtype varies fastest below) and
    copied for each, since building a model costs more than copying it."""
    key = (name, repr(kwargs))
    if key not in _LAST_PAIR:
        _LAST_PAIR.clear()
        _LAST_PAIR[key] = built_pair(name, seed=3, **kwargs)
    return tuple(copy.deepcopy(model) for model in _LAST_PAIR[key])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kwargs,shape", [
    ("alexnet", {"num_classes": 10}, (2, 3, 64, 64)),
    ("resnet18", {"num_classes": 10}, (2, 3, 64, 64)),
    ("resnet50", {"num_classes": 10}, (1, 3, 64, 64)),
    ("resnext50_32x4d", {"num_classes": 10}, (1, 3, 64, 64)),
    ("squeezenet1_0", {"num_classes": 10}, (2, 3, 64, 64)),
    ("squeezenet1_1", {"num_classes": 10}, (2, 3, 64, 64)),
    ("mobilenet_v2", {"num_classes": 10}, (2, 3, 64, 64)),
    ("densenet121", {"num_classes": 10, "drop_rate": 0.1}, (2, 3, 64, 64)),
])
def test_forward_with_torchvisions_weights_matches(name, kwargs, shape, dtype):
    theirs, ours = forward_pair(name, kwargs)
    # BN statistics as trained models have them, so eval mode is not the identity.
    torch.manual_seed(4)
    for k, v in theirs.state_dict().items():
        if k.endswith("running_mean"):
            v.uniform_(-0.2, 0.2)
        elif k.endswith("running_var"):
            v.uniform_(0.5, 1.5)
    load_theirs(theirs, ours)
    theirs, ours = theirs.to(getattr(torch, dtype)), ours.to(getattr(lt, dtype))
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    rtol = 1e-4 if dtype == "float32" else 1e-10
    for mode in ("eval", "train"):
        getattr(theirs, mode)(), getattr(ours, mode)()
        torch.manual_seed(5), lt.manual_seed(5)  # dropout masks are torch's too
        expected = theirs(torch.tensor(x)).detach().numpy()
        got = ours(lt.tensor(x)).detach().numpy()
        # Logits reach ~40 after 50 layers: the absolute slack follows the output's scale.
        # Training-mode BN over 1x2x2 maps at layer4 amplifies float32 rounding tenfold.
        tol = rtol * (10 if mode == "train" and dtype == "float32" else 1)
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol * np.abs(expected).max())
    assert_close_state(theirs, ours, tol)  # the train pass updated BN statistics alike


def assert_close_state(theirs, ours, tol):
    b = ours.state_dict()
    for k, v in theirs.state_dict().items():
        np.testing.assert_allclose(b[k].numpy(), v.numpy(), rtol=tol, atol=tol / 10, err_msg=k)


def test_backward_through_resnet18_matches():
    theirs, ours = built_pair("resnet18", seed=2, num_classes=3)
    load_theirs(theirs, ours)
    # float64: training-mode BN over layer4's 2x2 maps is too ill-conditioned for float32 ==.
    theirs, ours = theirs.double(), ours.double()
    x = np.random.default_rng(1).standard_normal((2, 3, 64, 64))
    theirs(torch.tensor(x)).square().sum().backward()
    ours(lt.tensor(x)).square().sum().backward()
    for (k, p), q in zip(theirs.named_parameters(), ours.parameters()):
        np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), rtol=1e-8, atol=1e-10, err_msg=k)


# -- the builders' interface -----------------------------------------------------------------
def warnings_of(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in caught]


def test_pretrained_false_warns_as_torchvision():
    assert warnings_of(lambda: ltm.resnet18(pretrained=False)) == \
        warnings_of(lambda: tvm.resnet18(pretrained=False))
    assert warnings_of(lambda: ltm.alexnet(False)) == warnings_of(lambda: tvm.alexnet(False))
    assert warnings_of(lambda: ltm.resnet18(weights=None)) == []


def test_weight_enums_mirror_torchvisions():
    for name in ["AlexNet_Weights", "ResNet18_Weights", "ResNet50_Weights", "VGG16_Weights",
                 "VGG19_BN_Weights", "Wide_ResNet101_2_Weights", "MobileNet_V2_Weights",
                 "SqueezeNet1_0_Weights", "SqueezeNet1_1_Weights", "DenseNet121_Weights",
                 "DenseNet201_Weights"]:
        theirs, ours = getattr(tvm, name), getattr(ltm, name)
        assert [(w.name, w.url) for w in ours] == [(w.name, w.url) for w in theirs]
        assert repr(ours.DEFAULT) == repr(theirs.DEFAULT)
        assert ours.verify(str(theirs.DEFAULT)) is ours.DEFAULT


def test_pretrained_true_asks_for_the_checkpoint(monkeypatch):
    # No network in tests: stand in for the download and check what is fetched and loaded.
    asked = []

    def fake_load(url, *args, **kwargs):
        asked.append(url)
        return {k: lt.zeros_like(v) for k, v in ltm.resnet18().state_dict().items()}
    monkeypatch.setattr(lt.hub, "load_state_dict_from_url", fake_load)
    assert warnings_of(lambda: ltm.resnet18(pretrained=True)) == \
        warnings_of(lambda: tvm.resnet18(pretrained=False))[:1] + [
            "Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 "
            "and may be removed in the future. The current behavior is equivalent to passing "
            "`weights=ResNet18_Weights.IMAGENET1K_V1`. You can also use "
            "`weights=ResNet18_Weights.DEFAULT` to get the most up-to-date weights."]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ltm.resnet18(pretrained=True)
    assert asked == [tvm.ResNet18_Weights.IMAGENET1K_V1.url] * 2
    assert float(model.fc.weight.abs().sum()) == 0.0


def test_bad_builder_arguments_raise_torchvisions_errors():
    with pytest.raises(TypeError, match="expected ResNet18_Weights but received ResNet50_Weights"):
        ltm.resnet18(weights=ltm.ResNet50_Weights.DEFAULT)
    with pytest.raises(ValueError, match="'num_classes' expected value 1000 but got 10"):
        ltm.alexnet(weights="DEFAULT", num_classes=10)
    with pytest.raises(ValueError, match="BasicBlock only supports groups=1 and base_width=64"):
        ltm.resnet18(groups=2)
    with pytest.raises(ValueError, match="replace_stride_with_dilation should be None"):
        ltm.resnet50(replace_stride_with_dilation=[True])
    with pytest.raises(ValueError, match="Unsupported SqueezeNet version 2_0: 1_0 or 1_1 expected"):
        ltm.SqueezeNet("2_0")
    with pytest.raises(ValueError, match="inverted_residual_setting should be non-empty"):
        ltm.mobilenet_v2(inverted_residual_setting=[[1, 16, 1]])


def test_densenet_loads_checkpoints_with_the_old_layer_key_names(monkeypatch):
    # torchvision's published DenseNet files say 'denselayer1.norm.1.weight' for 'norm1.weight'.
    lt.manual_seed(0)
    source = ltm.densenet121().state_dict()
    old = {k if k.endswith("num_batches_tracked") else
           k.replace(".norm1.", ".norm.1.").replace(".conv2.", ".conv.2."): v
           for k, v in source.items()}
    assert old.keys() != source.keys()
    monkeypatch.setattr(lt.hub, "load_state_dict_from_url", lambda url, *a, **k: dict(old))
    model = ltm.densenet121(weights=ltm.DenseNet121_Weights.DEFAULT)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), source[key].numpy(), err_msg=key)
