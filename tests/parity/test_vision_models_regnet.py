"""RegNet X/Y against torchvision's: the width rule for every size, seeded weights and layout
of the small ones, forward with torchvision's weights, and the weight enums."""
import warnings

import pytest

from vision_model_parity import built_pair, check_forward, check_seeded, ltm, tvm

SIZES = ["y_400mf", "y_800mf", "y_1_6gf", "y_3_2gf", "y_8gf", "y_16gf", "y_32gf", "y_128gf",
         "x_400mf", "x_800mf", "x_1_6gf", "x_3_2gf", "x_8gf", "x_16gf", "x_32gf"]


@pytest.mark.parametrize("name,kwargs", [("regnet_y_400mf", {}),
                                         ("regnet_x_400mf", {"num_classes": 5}),
                                         ("regnet_x_800mf", {})])
def test_seeded_construction_gives_torchvisions_weights_and_repr(name, kwargs):
    check_seeded(*built_pair(name, **kwargs))


def test_every_size_has_torchvisions_stage_settings():
    # The settings decide the whole module tree; building the big sizes would take minutes.
    for size in SIZES:
        theirs_fn, ours_fn = getattr(tvm, f"regnet_{size}"), getattr(ltm, f"regnet_{size}")
        captured = []
        for module, fn, sink in ((tvm.regnet, theirs_fn, captured), (ltm.regnet, ours_fn,
                                                                     captured)):
            original = module.RegNet

            def record(block_params, *args, _sink=sink, **kwargs):
                _sink.append(vars(block_params))
                raise StopIteration
            module.RegNet = record
            try:
                with pytest.raises(StopIteration):
                    fn()
            finally:
                module.RegNet = original
        assert captured[0] == captured[1], size


def test_forward_with_torchvisions_weights_matches():
    check_forward(*built_pair("regnet_y_400mf", seed=3, num_classes=10), (2, 3, 64, 64),
                  "float32", rtol=1e-4)


def test_weight_enums_and_legacy_interface():
    for size in SIZES:
        name = f"RegNet_{size.upper()}_Weights"
        theirs, ours = getattr(tvm, name), getattr(ltm, name)
        assert [(w.name, w.url) for w in ours] == [(w.name, w.url) for w in theirs]
        assert repr(ours.DEFAULT) == repr(theirs.DEFAULT)
    with pytest.raises(ValueError, match="No weights available for model regnet_y_128gf"):
        tvm.regnet_y_128gf(pretrained=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="No weights available for model regnet_y_128gf"):
            ltm.regnet_y_128gf(pretrained=True)
    with pytest.raises(ValueError, match="Invalid RegNet settings"):
        ltm.regnet.BlockParams.from_init_params(depth=3, w_0=12, w_a=1.0, w_m=2.0, group_width=8)
