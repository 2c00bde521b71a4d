"""GoogLeNet and Inception v3 against torchvision's: seeded (truncated-normal) weights, layout,
forward in eval mode (logits) and train mode (GoogLeNetOutputs / InceptionOutputs with the
auxiliary logits), transform_input, and the checkpoint rules for the aux heads."""
import warnings

import pytest

import learntorch as lt
from vision_model_parity import built_pair, check_forward, check_seeded, ltm, tvm


@pytest.fixture(scope="module")
def googlenets():
    return built_pair("googlenet", seed=3, num_classes=10, init_weights=True)


@pytest.fixture(scope="module")
def inceptions():
    return built_pair("inception_v3", seed=3, num_classes=10, init_weights=True)


def test_googlenet_seeded_weights_and_repr(googlenets):
    check_seeded(*googlenets)


def test_inception_v3_seeded_weights_and_repr(inceptions):
    check_seeded(*inceptions)


def test_googlenet_forward_eval_and_train_outputs(googlenets):
    check_forward(*googlenets, (2, 3, 64, 64), "float32", rtol=1e-4)


def test_inception_v3_forward_eval_and_train_outputs(inceptions):
    check_forward(*inceptions, (2, 3, 80, 80), "float32", rtol=1e-4, modes=("eval",))


def test_inception_aux_head_in_training_mode(inceptions):
    # In the whole model the head's 5x5 convolution needs Mixed_6e's 17 x 17 maps, i.e. 299 x 299
    # inputs: too slow here, so the head runs alone on such maps (float64: its training-mode BN
    # normalises 2 values per channel, which amplifies rounding).
    theirs, ours = inceptions
    check_forward(theirs.AuxLogits, ours.AuxLogits, (2, 768, 17, 17), "float64", rtol=1e-8)


def test_googlenet_transform_input_and_no_aux_heads():
    theirs, ours = built_pair("googlenet", seed=1, num_classes=4, init_weights=True,
                              transform_input=True, aux_logits=False, dropout=0.0)
    check_seeded(theirs, ours)
    # Train-mode BN over 2 x 1 x 1 maps amplifies rounding a thousandfold, even in float64.
    check_forward(theirs, ours, (2, 3, 80, 80), "float64", rtol=1e-7)


def test_inception_v3_transform_input(inceptions):
    theirs, ours = inceptions  # built once: Inception3 takes seconds to initialise
    theirs.transform_input = ours.transform_input = True
    check_forward(theirs, ours, (2, 3, 80, 80), "float32", rtol=1e-4, modes=("eval",))
    theirs.transform_input = ours.transform_input = False


@pytest.mark.parametrize("name,message", [
    ("googlenet", "The default weight initialization of GoogleNet will be changed"),
    ("inception_v3", "The default weight initialization of inception_v3 will be changed")])
def test_default_init_warns_as_torchvision(name, message):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        getattr(ltm, name)(aux_logits=False, num_classes=2)
    assert [w.category for w in caught] == [FutureWarning]
    assert str(caught[0].message).startswith(message)


# googlenet drops the loaded aux heads unless aux_logits=True; inception_v3 keeps them (a
# checkpoint needs aux_logits=True, so torchvision's own drop branch is never reached).
@pytest.mark.parametrize("name,aux_attrs,keeps_aux", [("googlenet", ["aux1", "aux2"], False),
                                                      ("inception_v3", ["AuxLogits"], True)])
def test_checkpoints_set_transform_input_and_the_aux_heads(monkeypatch, name, aux_attrs,
                                                          keeps_aux):
    lt.manual_seed(0)
    state = getattr(ltm, name)(init_weights=False).state_dict()
    asked = []

    def fake_load(url, *args, **kwargs):
        asked.append(url)
        return dict(state)
    monkeypatch.setattr(lt.hub, "load_state_dict_from_url", fake_load)
    weights = ltm.get_model_weights(name).DEFAULT
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = getattr(ltm, name)(weights=weights)
        assert asked == [getattr(tvm, type(weights).__name__).DEFAULT.url]
        assert model.transform_input and model.aux_logits == keeps_aux
        assert all((getattr(model, a) is not None) == keeps_aux for a in aux_attrs)
        with pytest.raises(ValueError, match="'aux_logits' expected value True but got False"):
            getattr(ltm, name)(weights=weights, aux_logits=False)
        model = getattr(ltm, name)(weights=weights, transform_input=False, aux_logits=True)
        assert not model.transform_input and model.aux_logits
    with pytest.raises(ValueError, match="'num_classes' expected value 1000 but got 3"):
        getattr(ltm, name)(weights=weights, num_classes=3)


def test_googlenet_checkpoint_with_aux_heads_warns(monkeypatch):
    state = ltm.googlenet(init_weights=False).state_dict()
    monkeypatch.setattr(lt.hub, "load_state_dict_from_url", lambda url, *a, **k: dict(state))
    with pytest.warns(UserWarning, match="auxiliary heads in the pretrained googlenet model"):
        ltm.googlenet(weights="DEFAULT", aux_logits=True)


def test_bad_block_lists_raise_torchvisions_errors():
    with pytest.raises(ValueError, match="blocks length should be 3 instead of 2"):
        ltm.GoogLeNet(blocks=[1, 2], init_weights=False)
    with pytest.raises(ValueError, match="length of inception_blocks should be 7 instead of 1"):
        ltm.Inception3(inception_blocks=[1], init_weights=False)
    assert ltm.GoogLeNetOutputs._fields == tvm.GoogLeNetOutputs._fields
    assert ltm.InceptionOutputs._fields == tvm.InceptionOutputs._fields
