"""Shared checks for learntorch.vision.models against torchvision's models (test helper).

``check_seeded``: the same seed gives every weight bit for bit, the same state_dict layout and
repr.  ``check_forward``: torchvision's weights loaded into ours give the same outputs in eval
and train mode (dropout/stochastic-depth masks included, since both draw from the same seed).
"""
from collections import OrderedDict

import numpy as np
import torch

import learntorch as lt
import learntorch.vision.models as ltm
from torchvision_oracle import import_torchvision

tv = import_torchvision()
import torchvision.models as tvm  # noqa: E402


def built_pair(name, seed=0, **kwargs):
    torch.manual_seed(seed)
    theirs = getattr(tvm, name)(**kwargs)
    lt.manual_seed(seed)
    ours = getattr(ltm, name)(**kwargs)
    return theirs, ours


def assert_same_weights(theirs, ours):
    a, b = theirs.state_dict(), ours.state_dict()
    assert list(a) == list(b)
    for key in a:
        assert tuple(a[key].shape) == tuple(b[key].shape), key
        assert str(a[key].dtype) == str(b[key].dtype).replace("learntorch", "torch"), key
        np.testing.assert_array_equal(b[key].numpy(), a[key].numpy(), err_msg=key)


def check_seeded(theirs, ours):
    assert_same_weights(theirs, ours)
    assert repr(ours) == repr(theirs)
    assert type(ours).__name__ == type(theirs).__name__


def converted(state):
    """A torch state_dict as learntorch tensors, its ``_metadata`` (module versions) kept."""
    result = OrderedDict((k, lt.tensor(v.detach().numpy())) for k, v in state.items())
    result._metadata = state._metadata
    return result


def load_theirs(theirs, ours):
    ours.load_state_dict(converted(theirs.state_dict()))


def perturb_bn_statistics(model):
    """BN statistics as trained models have them, so eval mode is not the identity."""
    for k, v in model.state_dict().items():
        if k.endswith("running_mean"):
            v.uniform_(-0.2, 0.2)
        elif k.endswith("running_var"):
            v.uniform_(0.5, 1.5)


def outputs(result):
    """An output as a list of arrays (named tuples such as GoogLeNetOutputs flattened)."""
    items = result if isinstance(result, tuple) else (result,)
    return [t.detach().numpy() for t in items if t is not None]


def check_forward(theirs, ours, shape, dtype="float64", modes=("eval", "train"), rtol=None,
                  seed=5):
    """Load torchvision's weights into ours, run both on one input, compare every output."""
    perturb_bn_statistics(theirs)
    load_theirs(theirs, ours)
    theirs, ours = theirs.to(getattr(torch, dtype)), ours.to(getattr(lt, dtype))
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    rtol = rtol or (1e-4 if dtype == "float32" else 1e-10)
    for mode in modes:
        getattr(theirs, mode)(), getattr(ours, mode)()
        torch.manual_seed(seed), lt.manual_seed(seed)  # dropout masks are torch's too
        expected, got = theirs(torch.tensor(x)), ours(lt.tensor(x))
        assert type(got).__name__ == type(expected).__name__
        expected, got = outputs(expected), outputs(got)
        assert len(got) == len(expected)
        for e, g in zip(expected, got):
            np.testing.assert_allclose(g, e, rtol=rtol, atol=rtol * np.abs(e).max(), err_msg=mode)
    b = ours.state_dict()  # the train pass updated BN statistics alike
    for k, v in theirs.state_dict().items():
        np.testing.assert_allclose(b[k].numpy(), v.numpy(), rtol=rtol, atol=rtol / 10, err_msg=k)
