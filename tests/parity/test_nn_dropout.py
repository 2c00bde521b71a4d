"""Dropout (learntorch/nn/_functional/dropout.py, nn/modules/dropout.py) against torch.

The masks are random, so most tests check what holds for *any* mask (kept elements are
scaled by 1/(1-p), whole channels drop together, alpha dropout's two values) and compare
with torch where no randomness is involved (p=0, p=1, eval mode, errors, reprs).  The
seeded tests demand torch's exact masks: they need learntorch's torch-identical generator.
"""
import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import learntorch as lt
import learntorch.nn.functional as F
from helpers import assert_same, check_raises

FUNCTIONS = ["dropout", "alpha_dropout", "feature_alpha_dropout", "dropout1d", "dropout2d",
             "dropout3d"]
MODULES = {"Dropout": "dropout", "AlphaDropout": "alpha_dropout",
           "FeatureAlphaDropout": "feature_alpha_dropout", "Dropout1d": "dropout1d",
           "Dropout2d": "dropout2d", "Dropout3d": "dropout3d"}
# A batched input of the rank each function is meant for.
SHAPES = {"dropout": (6, 5, 4), "alpha_dropout": (6, 5, 4), "feature_alpha_dropout": (6, 5, 4),
          "dropout1d": (6, 5, 4), "dropout2d": (4, 5, 3, 2), "dropout3d": (3, 4, 2, 3, 2)}
ALPHA = 1.7580993408473766  # SELU's λα


def _x(shape, dtype="float32", seed=0):
    return np.random.default_rng(seed).uniform(0.5, 2.0, size=shape).astype(dtype)


def _run(name, x, p, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(F, name)(x, p, True, **kw)


# -- masks drawn exactly as torch draws them --------------------------------------------------
@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_same_seed_gives_torchs_exact_output(name, p, dtype):
    """``empty(noise_shape).bernoulli_(1 - p)`` in both: with the same seed, the same mask
    and so bit-identical outputs (needs the torch-identical generator)."""
    x = _x(SHAPES[name], dtype)
    lt.manual_seed(1234)
    ours = _run(name, lt.tensor(x), p)
    torch.manual_seed(1234)
    theirs = getattr(TF, name)(torch.from_numpy(x), p, True)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_dropout_module_with_the_same_seed_matches_torch():
    lt.manual_seed(7)
    ours = lt.nn.Dropout(0.3)(lt.ones(50, 40))
    torch.manual_seed(7)
    theirs = torch.nn.Dropout(0.3)(torch.ones(50, 40))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_the_mask_is_bernoulli_of_one_minus_p_scaled():
    """torch's CPU dropout *is* ``input * empty_like(input).bernoulli_(1 - p) / (1 - p)``:
    after the same seed, both draws are the same in learntorch too."""
    x = lt.tensor(_x((30, 20)))
    lt.manual_seed(5)
    out = F.dropout(x, 0.4)
    lt.manual_seed(5)
    expected = x * (lt.empty_like(x).bernoulli_(0.6) / 0.6)
    np.testing.assert_array_equal(out.numpy(), expected.numpy())


def test_feature_noise_has_shape_n_c_1_1():
    """dropout2d draws N·C numbers (a (N, C, 1, 1) noise), not one per element."""
    x = lt.ones(4, 5, 3, 2)
    lt.manual_seed(9)
    out = F.dropout2d(x, 0.5)
    lt.manual_seed(9)
    noise = lt.empty(4, 5, 1, 1).bernoulli_(0.5) / 0.5
    np.testing.assert_array_equal(out.numpy(), noise.expand(4, 5, 3, 2).numpy())


# -- what any mask satisfies ------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dropout_keeps_elements_scaled_and_drops_about_p(p, dtype):
    x = _x((200, 100), dtype)
    lt.manual_seed(0)
    out = F.dropout(lt.tensor(x), p).numpy()
    assert out.dtype == np.dtype(dtype)
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] / np.asarray(1 - p, dtype), rtol=1e-6)
    assert abs((1 - kept.mean()) - p) < 0.02  # 20 000 draws: 4+ standard deviations


@pytest.mark.parametrize("name", ["dropout1d", "dropout2d", "dropout3d", "feature_alpha_dropout"])
def test_channel_dropout_drops_whole_channels(name):
    shape = SHAPES[name]
    x = np.ones(shape, dtype="float32")
    lt.manual_seed(3)
    out = _run(name, lt.tensor(x), 0.5).numpy()
    per_channel = out.reshape(shape[0], shape[1], -1)
    assert (per_channel == per_channel[:, :, :1]).all()
    assert len(np.unique(per_channel[:, :, 0])) == 2  # both dropped and kept channels


@pytest.mark.parametrize("name", ["alpha_dropout", "feature_alpha_dropout"])
@pytest.mark.parametrize("p", [0.2, 0.5])
def test_alpha_dropout_values(name, p):
    """Kept: ``a·x + αap``; dropped: ``−αa + αap``, with ``a = 1/√((α²p + 1)(1 − p))``."""
    x = _x(SHAPES[name], "float64")
    lt.manual_seed(11)
    out = _run(name, lt.tensor(x), p).numpy()
    a = 1 / math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p))
    kept, dropped = a * x + ALPHA * a * p, -ALPHA * a + ALPHA * a * p
    is_kept = np.isclose(out, kept)
    assert (is_kept | np.isclose(out, dropped)).all()
    assert is_kept.any() and not is_kept.all()


@pytest.mark.parametrize("name", FUNCTIONS)
def test_gradient_is_the_mask(name):
    """d out / d x is the scaled mask (alpha dropout: its scale ``a`` on kept elements)."""
    x = lt.ones(*SHAPES[name], dtype=lt.float64, requires_grad=True)
    lt.manual_seed(2)
    out = _run(name, x, 0.4)
    out.sum().backward()
    if "alpha" in name:
        a = 1 / math.sqrt((ALPHA * ALPHA * 0.4 + 1) * 0.6)
        expected = np.where(np.isclose(out.detach().numpy(), a + ALPHA * a * 0.4), a, 0.0)
    else:
        expected = out.detach().numpy()  # x = 1: the output is the mask
    np.testing.assert_allclose(x.grad.numpy(), expected)
    assert out.grad_fn.name() == ("AddBackward0" if "alpha" in name else "MulBackward0")


# -- no randomness: p = 0, p = 1, eval mode, in place ----------------------------------------
@pytest.mark.parametrize("name", FUNCTIONS)
def test_p_zero_and_eval_mode_return_the_input_itself(name):
    x = lt.tensor(_x(SHAPES[name]), requires_grad=True)
    assert _run(name, x, 0.0) is x
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert getattr(F, name)(x, 0.5, False) is x
        tx = torch.from_numpy(_x(SHAPES[name]))
        assert getattr(TF, name)(tx, 0.5, False) is tx  # torch does the same


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("inplace", [False, True])
def test_p_one_gives_zeros_like_torch(name, inplace):
    x = _x(SHAPES[name])
    lx, tx = lt.tensor(x), torch.from_numpy(x.copy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = getattr(F, name)(lx, 1.0, True, inplace)
        theirs = getattr(TF, name)(tx, 1.0, True, inplace)
    assert_same(ours, theirs)
    assert (ours is lx) == (theirs is tx)
    assert lx._version == tx._version


@pytest.mark.parametrize("name", FUNCTIONS)
def test_inplace_writes_into_the_input(name):
    x = lt.tensor(_x(SHAPES[name]))
    before = x.numpy().copy()
    out = _run(name, x, 0.5, inplace=True)
    assert out is x
    assert x._version >= 1
    assert not np.array_equal(x.numpy(), before)


def test_inplace_dropout_of_a_leaf_that_requires_grad_fails_like_torch():
    check_raises(lambda: F.dropout(lt.ones(3, requires_grad=True), 0.5, inplace=True),
                 lambda: TF.dropout(torch.ones(3, requires_grad=True), 0.5, inplace=True))


@pytest.mark.parametrize("name,shape", [("dropout1d", (5, 4)), ("dropout3d", (4, 2, 3, 2))])
@pytest.mark.parametrize("inplace", [False, True])
def test_unbatched_channel_dropout_keeps_the_shape(name, shape, inplace):
    x = lt.ones(*shape)
    out = getattr(F, name)(x, 0.5, True, inplace)
    assert tuple(out.shape) == shape
    assert tuple(x.shape) == shape  # unsqueeze_/squeeze_ undone
    flat = out.numpy().reshape(shape[0], -1)
    assert (flat == flat[:, :1]).all()


def test_empty_input_is_returned():
    x = lt.ones(0, 3)
    assert F.dropout(x, 0.5) is x


# -- errors and warnings ----------------------------------------------------------------------
@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_probability_out_of_range(name, p):
    check_raises(lambda: getattr(F, name)(lt.ones(2, 3, 4), p),
                 lambda: getattr(TF, name)(torch.ones(2, 3, 4), p))


@pytest.mark.parametrize("module", MODULES)
def test_module_constructor_checks_p(module):
    check_raises(lambda: getattr(lt.nn, module)(1.5), lambda: getattr(torch.nn, module)(1.5))


def test_dropout1d_rank_error():
    check_raises(lambda: F.dropout1d(lt.ones(2, 3, 4, 5)), lambda: TF.dropout1d(torch.ones(2, 3, 4, 5)))


def test_feature_dropout_needs_two_dims():
    check_raises(lambda: F.feature_alpha_dropout(lt.ones(3), 0.5, True),
                 lambda: TF.feature_alpha_dropout(torch.ones(3), 0.5, True))


@pytest.mark.parametrize("name,shape", [("dropout2d", (2, 3)), ("dropout2d", (2, 3, 4)),
                                        ("dropout2d", (2, 3, 4, 5, 6)), ("dropout3d", (2, 3, 4)),
                                        ("dropout3d", (2, 3))])
def test_rank_warnings_like_torch(name, shape):
    def caught(fn, x):
        with warnings.catch_warnings(record=True) as got:
            warnings.simplefilter("always")
            fn(x, 0.5)
        return [(w.category, str(w.message)) for w in got]
    assert caught(getattr(F, name), lt.ones(*shape)) == caught(getattr(TF, name), torch.ones(*shape))


# -- modules ----------------------------------------------------------------------------------
@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("args", [(), (0.2,), (0.3, True)])
def test_module_repr_like_torch(module, args):
    assert repr(getattr(lt.nn, module)(*args)) == repr(getattr(torch.nn, module)(*args))


def test_the_brief_s_repr():
    assert repr(lt.nn.Dropout()) == "Dropout(p=0.5, inplace=False)"


@pytest.mark.parametrize("module", MODULES)
def test_module_eval_is_identity_and_train_drops(module):
    m = getattr(lt.nn, module)(0.5)
    x = lt.tensor(_x(SHAPES[MODULES[module]]))
    assert m.eval()(x) is x
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = m.train()(x)
    assert out is not x and not np.array_equal(out.numpy(), x.numpy())
    assert list(m.state_dict()) == [] and list(m.parameters()) == []


def test_module_inplace():
    x = lt.ones(20, 10)
    out = lt.nn.Dropout(0.5, inplace=True)(x)
    assert out is x and x._version == 1


@pytest.mark.parametrize("name", ["dropout", "alpha_dropout"])
@pytest.mark.parametrize("values", [[1, 2, 3], [True, False]])
def test_integer_and_bool_inputs_fail_like_torch(name, values):
    """The float noise cannot be multiplied into an integer tensor: torch's casting error."""
    check_raises(lambda: getattr(F, name)(lt.tensor(values), 0.5, True),
                 lambda: getattr(TF, name)(torch.tensor(values), 0.5, True))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_gradcheck_and_gradgradcheck_with_a_fixed_mask(name):
    """Reseeding inside the function fixes the mask, so dropout is a differentiable map."""
    from learntorch.autograd import gradcheck, gradgradcheck

    def fn(x):
        lt.manual_seed(4)
        return _run(name, x * x, 0.4)

    x = lt.tensor(_x(SHAPES[name], "float64")[:2, :3], requires_grad=True)
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))
