"""MNASNet against torchvision's: seeded weights, layout, forward, version-1 checkpoints."""
import warnings

import numpy as np
import pytest
import torch

import learntorch as lt
from vision_model_parity import built_pair, check_forward, check_seeded, converted, ltm, tvm


@pytest.mark.parametrize("name,kwargs", [
    ("mnasnet0_5", {}), ("mnasnet0_75", {"num_classes": 7}), ("mnasnet1_0", {"dropout": 0.5}),
    ("mnasnet1_3", {"num_classes": 3})])
def test_seeded_construction_gives_torchvisions_weights_and_repr(name, kwargs):
    check_seeded(*built_pair(name, **kwargs))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_forward_with_torchvisions_weights_matches(dtype):
    check_forward(*built_pair("mnasnet0_5", seed=3, num_classes=10), (2, 3, 48, 48), dtype)


def v1_checkpoint():
    """A version-1 MNASNet0_5 state_dict: torchvision swaps in the old stem when told so."""
    model = tvm.mnasnet0_5()
    state = model.state_dict()
    state._metadata[""]["version"] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="size mismatch"):
            model.load_state_dict(state)  # the stem is replaced, then its old weights rejected
    return model.state_dict()


def test_a_state_dict_without_versions_is_refused_as_by_torchvision():
    state = dict(tvm.mnasnet0_5().state_dict())
    with pytest.raises(ValueError, match="version should be set to 1 or 2 instead of None"):
        tvm.mnasnet0_5().load_state_dict(state)
    with pytest.raises(ValueError, match="version should be set to 1 or 2 instead of None"):
        ltm.mnasnet0_5().load_state_dict({k: lt.tensor(v.numpy()) for k, v in state.items()})


def test_version_1_checkpoints_load_with_the_old_stem_as_torchvision():
    state = v1_checkpoint()
    assert state._metadata[""]["version"] == 1 and tuple(state["layers.0.weight"].shape)[0] == 32
    theirs, ours = tvm.mnasnet0_5(), ltm.mnasnet0_5()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        theirs.load_state_dict(state)
        ours.load_state_dict(converted(state))
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2 and messages[0] == messages[1]
    assert messages[0].startswith("A new version of MNASNet model has been implemented.")
    assert repr(ours) == repr(theirs) and ours._version == 1
    x = np.random.default_rng(0).standard_normal((1, 3, 32, 32)).astype("float32")
    np.testing.assert_allclose(ours.eval()(lt.tensor(x)).detach().numpy(),
                               theirs.eval()(torch.tensor(x)).detach().numpy(), rtol=1e-4,
                               atol=1e-5)


def test_bad_arguments_raise_torchvisions_errors():
    for call, message in [(lambda m: m.MNASNet(0.0), "alpha should be greater than 0.0"),
                          (lambda m: m.mnasnet._InvertedResidual(8, 8, 4, 1, 3),
                           "kernel_size should be 3 or 5 instead of 4"),
                          (lambda m: m.mnasnet._InvertedResidual(8, 8, 3, 3, 3),
                           "stride should be 1 or 2 instead of 3"),
                          (lambda m: m.mnasnet._stack(8, 8, 3, 1, 3, 0, 0.1),
                           "repeats should be >= 1, instead got 0")]:
        for module in (tvm, ltm):
            with pytest.raises(ValueError, match=message):
                call(module)
