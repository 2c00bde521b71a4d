"""Activations (learntorch/nn/_functional/activation.py, nn/modules/activation.py, ops/activation.py)
against torch: values, dtypes, gradients, double backward, in-place variants, errors, reprs."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
import learntorch.nn.functional as F
from learntorch.autograd import gradcheck, gradgradcheck
from helpers import FLOAT_DTYPES, arrays, check_op, check_raises, dtypes, shapes

# name -> (keyword-argument grids, points where the function has a kink: gradchecks avoid them)
POINTWISE = {
    "relu": ([{}], [0]),
    "relu6": ([{}], [0, 6]),
    "threshold": ([{"threshold": 0.5, "value": -2.0}, {"threshold": -1.0, "value": 3.0}], [0.5, -1]),
    "hardtanh": ([{}, {"min_val": -0.5, "max_val": 2.0}], [-1, 1, -0.5, 2]),
    "leaky_relu": ([{}, {"negative_slope": 0.2}, {"negative_slope": -1.5}], [0]),
    "elu": ([{}, {"alpha": 0.5}, {"alpha": 2.0}], [0]),
    "selu": ([{}], [0]),
    "celu": ([{}, {"alpha": 0.7}, {"alpha": 3.0}], [0]),
    "gelu": ([{}, {"approximate": "none"}, {"approximate": "tanh"}], []),
    "silu": ([{}], []),
    "mish": ([{}], []),
    "hardswish": ([{}], [-3, 3]),
    "hardsigmoid": ([{}], [-3, 3]),
    "sigmoid": ([{}], []),
    "tanh": ([{}], []),
    "logsigmoid": ([{}], []),
    "softplus": ([{}, {"beta": 2.0}, {"beta": 0.5, "threshold": 1.0}, {"beta": 3, "threshold": 2}],
                 [0.5, 1, 2 / 3]),
    "hardshrink": ([{}, {"lambd": 1.2}, {"lambd": 0.0}], [-0.5, 0.5, -1.2, 1.2, 0]),
    "softshrink": ([{}, {"lambd": 1.2}, {"lambd": 0.0}], [-0.5, 0.5, -1.2, 1.2, 0]),
    "tanhshrink": ([{}], []),
    "softsign": ([{}], [0]),
    "rrelu": ([{}, {"lower": 0.2, "upper": 0.4}], [0]),  # evaluation mode: the mean slope
}
CASES = [(name, kw) for name, (grid, _) in POINTWISE.items() for kw in grid]
CASE_IDS = [name + "".join(f"-{k}={v}" for k, v in kw.items()) for name, kw in CASES]


def _fns(name, kw):
    return (lambda x: getattr(F, name)(x, **kw)), (lambda x: getattr(TF, name)(x, **kw))


@pytest.mark.parametrize("name, kw", CASES, ids=CASE_IDS)
@settings(max_examples=25)
@given(data=st.data(), shape=shapes(max_dims=3))
def test_activation_matches_torch_values_and_gradient(name, kw, data, shape):
    """Values, dtype and input gradient vs torch for float32/float64, 0-d and empty included;
    hypothesis draws kink points (0, ±1, ±3 …) too, so the side a kink's gradient takes is checked."""
    dt = data.draw(dtypes(FLOAT_DTYPES))
    x = data.draw(arrays(dt, shape))
    ours, theirs = _fns(name, kw)
    check_op(ours, theirs, x, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name, kw", CASES, ids=CASE_IDS)
def test_activation_large_inputs_stay_finite_like_torch(name, kw):
    x = np.array([-1e4, -80.0, -30.0, -1e-3, 1e-3, 30.0, 80.0, 1e4], np.float32)
    check_op(*_fns(name, kw), x)


def _away_from(points, shape, seed):
    rng = np.random.default_rng(seed)
    values = rng.uniform(-4, 4, size=shape)
    for p in points:
        close = np.abs(values - p) < 0.05
        values[close] += 0.2
    return lt.tensor(values, dtype=lt.float64, requires_grad=True)


@pytest.mark.parametrize("name, kw", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("shape", [(), (2, 3)], ids=["0-d", "2x3"])
def test_activation_gradcheck_and_gradgradcheck(name, kw, shape):
    fn = _fns(name, kw)[0]
    x = _away_from(POINTWISE[name][1], shape, seed=len(name))
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


# torch has no double backward for hardsigmoid ("derivative for aten::hardsigmoid_backward is not
# implemented"); learntorch's is zero, which gradgradcheck above confirms.
SECOND_ORDER_CASES = [(name, kw) for name, kw in CASES if name != "hardsigmoid"]


@pytest.mark.parametrize("name, kw", SECOND_ORDER_CASES,
                         ids=[i for i, (n, _) in zip(CASE_IDS, CASES) if n != "hardsigmoid"])
def test_second_derivative_of_a_0d_activation_matches_torch(name, kw):
    """``grad(grad(f(x), x, create_graph=True), x)`` for a 0-d x, as torch computes it."""
    results = []
    for lib, fns in ((lt, F), (torch, TF)):
        x = lib.tensor(0.7, dtype=lib.float64, requires_grad=True)
        g, = lib.autograd.grad(getattr(fns, name)(x, **kw), x, create_graph=True)
        g2, = lib.autograd.grad(g, x)
        results.append((g.item(), g2.item()))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("fn", [lt.sigmoid, lt.tanh, lt.relu, lt.exp],
                         ids=["sigmoid", "tanh", "relu", "exp"])
def test_gradient_of_0d_op_with_create_graph_is_differentiable_again(fn):
    """Regression: NumPy returns scalars for 0-d arrays, so a saved output used to lose its graph."""
    x = lt.tensor(0.3, dtype=lt.float64, requires_grad=True)
    g, = lt.autograd.grad(fn(x), x, create_graph=True)
    assert g.requires_grad
    g2, = lt.autograd.grad(g, x)
    xt = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    gt, = torch.autograd.grad(getattr(torch, fn.__name__)(xt), xt, create_graph=True)
    np.testing.assert_allclose(g2.item(), torch.autograd.grad(gt, xt)[0].item(), rtol=1e-12)


GRAD_FN_NAMES = {"relu": "ReluBackward0", "relu6": "HardtanhBackward0",
                 "hardtanh": "HardtanhBackward0", "threshold": "ThresholdBackward0",
                 "leaky_relu": "LeakyReluBackward0", "elu": "EluBackward0", "selu": "EluBackward0",
                 "celu": "CeluBackward0", "gelu": "GeluBackward0", "silu": "SiluBackward0",
                 "mish": "MishBackward0", "hardswish": "HardswishBackward0",
                 "hardsigmoid": "HardsigmoidBackward0", "logsigmoid": "LogSigmoidBackward0",
                 "softplus": "SoftplusBackward0", "hardshrink": "HardshrinkBackward0",
                 "softshrink": "SoftshrinkBackward0", "rrelu": "RreluWithNoiseBackward0"}


@pytest.mark.parametrize("name", GRAD_FN_NAMES)
def test_grad_fn_names_match_torch(name):
    kw = POINTWISE[name][0][0]
    x = lt.tensor([-0.5, 0.25, 2.0], requires_grad=True)
    xt = torch.tensor([-0.5, 0.25, 2.0], requires_grad=True)
    assert getattr(F, name)(x, **kw).grad_fn.name() == getattr(TF, name)(xt, **kw).grad_fn.name() \
        == GRAD_FN_NAMES[name]


# -- in-place variants ---------------------------------------------------------------------------
INPLACE = [("relu", {}), ("relu6", {}), ("threshold", {"threshold": 0.1, "value": 5.0}),
           ("hardtanh", {"min_val": -0.3, "max_val": 0.4}), ("leaky_relu", {"negative_slope": 0.3}),
           ("elu", {"alpha": 0.8}), ("selu", {}), ("celu", {"alpha": 2.0}), ("silu", {}),
           ("mish", {}), ("hardswish", {}), ("hardsigmoid", {}), ("rrelu", {})]


@pytest.mark.parametrize("name, kw", INPLACE, ids=[n for n, _ in INPLACE])
def test_inplace_true_writes_into_the_input_and_differentiates_through_it(name, kw):
    x = np.random.default_rng(5).standard_normal((3, 4)).astype(np.float32)

    def run(lib, fns):
        leaf = lib.tensor(x, requires_grad=True)
        y = leaf * 1.0
        out = getattr(fns, name)(y, inplace=True, **kw)
        assert out is y
        out.sum().backward()
        return y, leaf.grad

    (ours, our_grad), (theirs, their_grad) = run(lt, F), run(torch, TF)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(our_grad.numpy(), their_grad.numpy(), rtol=1e-6, atol=1e-7)


UNDERSCORED = [("relu_", ()), ("threshold_", (0.2, -1.0)), ("hardtanh_", (-0.5, 0.5)),
               ("leaky_relu_", (0.1,)), ("elu_", (0.5,)), ("selu_", ()), ("celu_", (1.5,)),
               ("rrelu_", ())]


@pytest.mark.parametrize("name, args", UNDERSCORED, ids=[n for n, _ in UNDERSCORED])
def test_underscore_functions_change_the_tensor_in_place(name, args):
    x = np.random.default_rng(6).standard_normal(7).astype(np.float32)
    ours, theirs = lt.tensor(x), torch.tensor(x)
    assert getattr(F, name)(ours, *args) is ours
    getattr(TF, name)(theirs, *args)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    check_raises(lambda: getattr(F, name)(lt.tensor(x, requires_grad=True), *args),
                 lambda: getattr(TF, name)(torch.tensor(x, requires_grad=True), *args))


# -- integer inputs and bad arguments ------------------------------------------------------------
@pytest.mark.parametrize("name", ["relu", "relu6", "hardtanh", "threshold"])
def test_integer_inputs_keep_their_dtype_where_torch_allows_them(name):
    kw = {"threshold": 1, "value": 7} if name == "threshold" else {}
    check_op(lambda t: getattr(F, name)(t, **kw), lambda t: getattr(TF, name)(t, **kw),
             np.array([-3, 0, 2, 8], np.int64))


@pytest.mark.parametrize("name", ["leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish",
                                  "hardswish", "hardsigmoid", "logsigmoid", "softplus",
                                  "hardshrink", "softshrink", "rrelu", "glu"])
def test_integer_inputs_raise_torchs_not_implemented_error(name):
    x = np.array([[-3, 0, 2, 8]], np.int64)
    check_raises(lambda: getattr(F, name)(lt.tensor(x)), lambda: getattr(TF, name)(torch.tensor(x)))


@pytest.mark.parametrize("call", [
    lambda f, lib: f.hardtanh(lib.ones(2), 2.0, 1.0),
    lambda f, lib: f.softshrink(lib.ones(2), -1.0),
    lambda f, lib: f.softshrink(lib.ones(2, dtype=lib.float64), -0.5),
    lambda f, lib: f.gelu(lib.ones(2), approximate="fast"),
    lambda f, lib: f.celu(lib.ones(2), alpha=0.0),
    lambda f, lib: f.rrelu(lib.ones(2), 0.5, 0.2),
    lambda f, lib: f.glu(lib.ones(2, 3), 1),
    lambda f, lib: f.glu(lib.ones(()), 0),
    lambda f, lib: f.prelu(lib.ones(2, 3), lib.ones(2)),
    lambda f, lib: f.prelu(lib.ones(3), lib.ones(3)),
    lambda f, lib: f.prelu(lib.ones(2, 3), lib.ones(1, 3)),
    lambda f, lib: f.softmax(lib.ones(2, 3), 2),
    lambda f, lib: f.softmax(lib.tensor([1, 2]), 0),
    lambda f, lib: f.log_softmax(lib.tensor([[1, 2]]), 0),
    lambda f, lib: lib.softmax(lib.tensor([True]), 0),
], ids=["hardtanh bounds", "softshrink negative", "softshrink double", "gelu approximate",
        "celu alpha 0", "rrelu bounds", "glu odd", "glu scalar", "prelu channels", "prelu 1-d",
        "prelu 2-d weight", "softmax dim", "softmax long", "log_softmax long", "softmax bool"])
def test_bad_arguments_raise_torchs_error(call):
    check_raises(lambda: call(F, lt), lambda: call(TF, torch))


# -- prelu, glu, rrelu in training ----------------------------------------------------------------
@pytest.mark.parametrize("x_shape, w_shape", [((2, 3), (3,)), ((2, 3, 4), (3,)), ((2, 3, 2, 2), (1,)),
                                              ((5,), (1,)), ((), (1,)), ((), ()), ((4, 3), ())])
@pytest.mark.parametrize("dt", FLOAT_DTYPES)
def test_prelu_matches_torch_for_input_and_weight(x_shape, w_shape, dt):
    rng = np.random.default_rng(7)
    x = rng.standard_normal(x_shape).astype(dt)
    w = rng.uniform(-0.5, 0.5, w_shape).astype(dt)
    check_op(F.prelu, TF.prelu, x, w)
    assert gradgradcheck(F.prelu, (lt.tensor(x + 0.05 * np.sign(x), dtype=lt.float64,
                                             requires_grad=True),
                                   lt.tensor(w, dtype=lt.float64, requires_grad=True)))


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("dt", FLOAT_DTYPES)
def test_glu_matches_torch(dim, dt):
    x = np.random.default_rng(8).standard_normal((4, 6, 2)).astype(dt)
    check_op(lambda t: F.glu(t, dim), lambda t: TF.glu(t, dim), x)
    x64 = lt.tensor(x, dtype=lt.float64, requires_grad=True)
    assert gradcheck(lambda t: F.glu(t, dim), (x64,)) and gradgradcheck(lambda t: F.glu(t, dim),
                                                                        (x64,))


@pytest.mark.parametrize("dt", FLOAT_DTYPES)
def test_rrelu_training_draws_its_slopes_like_torch(dt):
    """Per element ≤ 0 one float64 uniform in order (torch's rrelu_with_noise): with the same
    uniform numbers, the output equals torch's bit for bit, and the gradient is the drawn slope."""
    x = np.random.default_rng(9).standard_normal((5, 8)).astype(dt)
    lt.manual_seed(0)
    ours_in = lt.tensor(x, requires_grad=True)
    ours = F.rrelu(ours_in, 0.1, 0.3, training=True)
    lt.manual_seed(0)
    u = lt.rand(int((x <= 0).sum()), dtype=lt.float64).numpy()
    low, high = float(np.asarray(0.1, dt)), float(np.asarray(0.3, dt))
    slopes = np.ones_like(x)
    slopes[x <= 0] = u * (high - low) + low
    np.testing.assert_array_equal(ours.detach().numpy(), x * slopes)
    assert ours.grad_fn.name() == "RreluWithNoiseBackward0"
    ours.sum().backward()
    np.testing.assert_array_equal(ours_in.grad.numpy(), slopes)
    assert ((slopes >= low) & (slopes <= high) | (x > 0)).all()


def test_rrelu_training_draw_recipe_is_torchs():
    """The recipe above, checked on torch itself: its output is x · (u·(hi − lo) + lo)."""
    x = torch.randn(40, dtype=torch.float32)
    torch.manual_seed(3)
    y = TF.rrelu(x, 0.1, 0.3, training=True)
    torch.manual_seed(3)
    u = torch.rand(int((x <= 0).sum()), dtype=torch.float64)
    low, high = float(np.float32(0.1)), float(np.float32(0.3))
    expected = x.clone()
    expected[x <= 0] = x[x <= 0] * (u * (high - low) + low).float()
    assert torch.equal(y, expected)


# -- softmax family ------------------------------------------------------------------------------
SOFTMAX = ["softmax", "log_softmax", "softmin"]


@pytest.mark.parametrize("name", SOFTMAX)
@settings(max_examples=40)
@given(data=st.data(), shape=shapes(min_dims=0, max_dims=4))
def test_softmax_family_matches_torch(name, data, shape):
    dt = data.draw(dtypes(FLOAT_DTYPES))
    x = data.draw(arrays(dt, shape))
    ndim = len(shape)
    dim = data.draw(st.integers(-max(ndim, 1), max(ndim, 1) - 1))
    check_op(lambda t: getattr(F, name)(t, dim), lambda t: getattr(TF, name)(t, dim), x)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_top_level_and_method_forms_with_dtype(name):
    x = np.random.default_rng(10).standard_normal((3, 5)).astype(np.float32)
    check_op(lambda t: getattr(lt, name)(t, 1), lambda t: getattr(torch, name)(t, 1), x)
    check_op(lambda t: getattr(t, name)(0), lambda t: getattr(t, name)(0), x)
    check_op(lambda t: getattr(t, name)(dim=-1, dtype=lt.float64),
             lambda t: getattr(t, name)(dim=-1, dtype=torch.float64), x)
    check_op(lambda t: getattr(lt, name)(t, 0, lt.float64),
             lambda t: getattr(torch, name)(t, 0, torch.float64), x)
    check_op(lambda t: getattr(F, name)(t, 1, dtype=lt.float64),
             lambda t: getattr(TF, name)(t, 1, dtype=torch.float64), x)
    ints = np.array([[1, 2], [3, 4]])
    check_op(lambda t: getattr(lt, name)(t, 1, dtype=lt.float32),
             lambda t: getattr(torch, name)(t, 1, dtype=torch.float32), ints)


@pytest.mark.parametrize("name", SOFTMAX)
def test_softmax_family_is_stable_for_huge_logits(name):
    x = np.array([[-1e4, 0.0, 1e4], [1e4, 1e4, -1e4], [-1e4, -1e4, -1e4]], np.float32)
    ours, _ = check_op(lambda t: getattr(F, name)(t, 1), lambda t: getattr(TF, name)(t, 1), x)
    assert np.isfinite(ours.detach().numpy()).all()


@pytest.mark.parametrize("name", SOFTMAX)
@pytest.mark.parametrize("shape, dim", [((), 0), ((4,), 0), ((2, 3, 4), 1), ((2, 3, 4), -1)])
def test_softmax_family_gradcheck_and_gradgradcheck(name, shape, dim):
    x = _away_from([], shape, seed=3)
    fn = lambda t: getattr(F, name)(t, dim)  # noqa: E731
    assert gradcheck(fn, (x,)) and gradgradcheck(fn, (x,))


@pytest.mark.parametrize("name", SOFTMAX)
@pytest.mark.parametrize("ndim", [0, 1, 2, 3, 4])
def test_implicit_softmax_dim_warns_and_picks_torchs_legacy_dim(name, ndim):
    x = np.random.default_rng(11).standard_normal((2,) * ndim).astype(np.float32)
    with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name} has been "
                                         "deprecated. Change the call to include dim=X"):
        ours = getattr(F, name)(lt.tensor(x))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = getattr(TF, name)(torch.tensor(x))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_gumbel_softmax_samples_are_distributions_and_hard_ones_are_one_hot():
    logits = lt.tensor(np.random.default_rng(12).standard_normal((6, 4)), requires_grad=True)
    soft = F.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft.sum(-1).detach().numpy(), np.ones(6), rtol=1e-5)
    hard = F.gumbel_softmax(logits, hard=True)
    assert sorted(np.unique(hard.detach().numpy())) == [0.0, 1.0]
    np.testing.assert_array_equal(hard.sum(-1).detach().numpy(), np.ones(6))
    (hard * lt.arange(4.0)).sum().backward()
    assert logits.grad is not None and logits.grad.abs().sum().item() > 0


# -- modules -------------------------------------------------------------------------------------
# (constructor text, an input shape): every activation layer of torch.nn but MultiheadAttention
MODULES = [
    ("ReLU()", (3, 4)), ("ReLU(inplace=True)", (3, 4)), ("ReLU6()", (3, 4)), ("ReLU6(True)", (3, 4)),
    ("Threshold(0.1, 20.0)", (3, 4)), ("Threshold(0.1, 20, inplace=True)", (3, 4)),
    ("Hardtanh()", (3, 4)), ("Hardtanh(-2, 2)", (3, 4)), ("Hardtanh(-0.5, 0.5, True)", (3, 4)),
    ("ELU()", (3, 4)), ("ELU(alpha=0.5, inplace=True)", (3, 4)), ("SELU()", (3, 4)),
    ("SELU(inplace=True)", (3, 4)), ("CELU()", (3, 4)), ("CELU(2.0)", (3, 4)),
    ("GELU()", (3, 4)), ("GELU(approximate='tanh')", (3, 4)), ("SiLU()", (3, 4)),
    ("SiLU(inplace=True)", (3, 4)), ("Mish()", (3, 4)), ("Mish(True)", (3, 4)),
    ("LeakyReLU()", (3, 4)), ("LeakyReLU(0.2, True)", (3, 4)), ("PReLU()", (2, 3, 4)),
    ("PReLU(3)", (2, 3, 4)), ("PReLU(num_parameters=3, init=0.1)", (2, 3)), ("RReLU()", (3, 4)),
    ("RReLU(0.1, 0.3, inplace=True)", (3, 4)), ("Hardsigmoid()", (3, 4)),
    ("Hardsigmoid(inplace=True)", (3, 4)), ("Hardswish()", (3, 4)), ("Hardswish(True)", (3, 4)),
    ("Sigmoid()", (3, 4)), ("Tanh()", (3, 4)), ("LogSigmoid()", (3, 4)), ("Softplus()", (3, 4)),
    ("Softplus(beta=2, threshold=1.5)", (3, 4)), ("Softshrink()", (3, 4)), ("Softshrink(1)", (3, 4)),
    ("Hardshrink()", (3, 4)), ("Hardshrink(lambd=1.2)", (3, 4)), ("Tanhshrink()", (3, 4)),
    ("Softsign()", (3, 4)), ("Softmin(dim=1)", (3, 4)), ("Softmax(dim=0)", (3, 4)),
    ("Softmax(-1)", (2, 3, 4)), ("LogSoftmax(dim=1)", (3, 4)), ("Softmax2d()", (2, 3, 2, 2)),
    ("Softmax2d()", (3, 2, 2)), ("GLU()", (3, 4)), ("GLU(dim=0)", (4, 3)),
]


def _pair(text):
    return eval("lt.nn." + text), eval("torch.nn." + text)  # noqa: S307 (our own table)


@pytest.mark.parametrize("text, shape", MODULES, ids=[t for t, _ in MODULES])
def test_activation_module_repr_forward_and_gradients_match_torch(text, shape):
    ours, theirs = _pair(text)
    assert repr(ours) == repr(theirs)
    ours.eval(), theirs.eval()  # RReLU draws in training (checked separately)
    x = np.random.default_rng(13).standard_normal(shape).astype(np.float32)
    leaf, leaf_t = lt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, y_t = ours(leaf * 1.0), theirs(leaf_t * 1.0)  # a non-leaf, so inplace=True is allowed
    np.testing.assert_allclose(y.detach().numpy(), y_t.detach().numpy(), rtol=1e-5, atol=1e-6)
    upstream = np.random.default_rng(14).standard_normal(y_t.shape).astype(np.float32)
    y.backward(lt.tensor(upstream))
    y_t.backward(torch.tensor(upstream))
    np.testing.assert_allclose(leaf.grad.numpy(), leaf_t.grad.numpy(), rtol=1e-5, atol=1e-6)
    for (name, p), (name_t, p_t) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == name_t
        np.testing.assert_allclose(p.grad.numpy(), p_t.grad.numpy(), rtol=1e-5, atol=1e-6)
    assert list(ours.state_dict()) == list(theirs.state_dict())


@pytest.mark.parametrize("num_parameters, init", [(1, 0.25), (3, 0.1), (5, -0.5)])
def test_prelu_weight_is_a_parameter_filled_with_init(num_parameters, init):
    ours, theirs = lt.nn.PReLU(num_parameters, init), torch.nn.PReLU(num_parameters, init)
    assert isinstance(ours.weight, lt.nn.Parameter)
    assert tuple(ours.weight.shape) == tuple(theirs.weight.shape) == (num_parameters,)
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    assert lt.nn.PReLU(dtype=lt.float64).weight.dtype is lt.float64


def test_prelu_double_backward_through_the_module():
    m = lt.nn.PReLU(3, dtype=lt.float64)
    x = _away_from([0], (2, 3, 2), seed=4)
    assert gradgradcheck(lambda t, w: F.prelu(t, w), (x, m.weight))


def test_rrelu_module_draws_in_training_and_is_deterministic_in_eval():
    m = lt.nn.RReLU(0.1, 0.3)
    x = lt.tensor(-np.linspace(0.5, 2, 8, dtype=np.float32))
    slopes = (m(x) / x).numpy()
    assert ((slopes >= 0.1) & (slopes <= 0.3)).all() and len(np.unique(slopes)) > 1
    m.eval()
    np.testing.assert_allclose((m(x) / x).numpy(), np.full(8, 0.2), rtol=1e-6)


def test_hardtanh_module_checks_its_bounds_and_renamed_keywords_like_torch():
    check_raises(lambda: lt.nn.Hardtanh(1.0, 1.0), lambda: torch.nn.Hardtanh(1.0, 1.0))
    with pytest.warns(FutureWarning, match="`min_value` is deprecated and renamed to `min_val`"):
        m = lt.nn.Hardtanh(min_value=-2.0)
    assert repr(m) == "Hardtanh(min_val=-2.0, max_val=1.0)"


def test_softmax2d_rejects_other_ranks_and_softmax_without_dim_warns():
    check_raises(lambda: lt.nn.Softmax2d()(lt.zeros(2, 3)), lambda: torch.nn.Softmax2d()(torch.zeros(2, 3)))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        lt.nn.Softmax()(lt.zeros(2, 3))


def test_activation_modules_are_all_of_torchs():
    names = [n for n in torch.nn.modules.activation.__all__ if n != "MultiheadAttention"]
    assert sorted(names) == sorted(lt.nn.modules.activation.__all__)
    for name in names:
        assert issubclass(getattr(lt.nn, name), lt.nn.Module)


# -- the top-level names torch also has -----------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda lib, t: lib.selu(t), lambda lib, t: lib.celu(t, 0.7), lambda lib, t: lib.hardshrink(t, 0.3),
    lambda lib, t: lib.threshold(t, 0.1, -3.0), lambda lib, t: lib.prelu(t, lib.ones(1) * 0.2),
    lambda lib, t: lib.rrelu(t), lambda lib, t: t.hardshrink(), lambda lib, t: t.prelu(lib.ones(1)),
    lambda lib, t: lib.softmax(t, 1), lambda lib, t: lib.log_softmax(t, 0),
], ids=["selu", "celu", "hardshrink", "threshold", "prelu", "rrelu eval", "Tensor.hardshrink",
        "Tensor.prelu", "softmax", "log_softmax"])
def test_top_level_activation_functions_match_torch(call):
    x = np.random.default_rng(15).standard_normal((3, 4)).astype(np.float32)
    check_op(lambda t: call(lt, t), lambda t: call(torch, t), x)


@pytest.mark.parametrize("name, args", [("selu_", ()), ("celu_", (1.5,)), ("threshold_", (0.1, 2.0)),
                                        ("rrelu_", ())], ids=["selu_", "celu_", "threshold_", "rrelu_"])
def test_top_level_inplace_activations_match_torch(name, args):
    x = np.random.default_rng(16).standard_normal(6).astype(np.float32)
    ours, theirs = lt.tensor(x), torch.tensor(x)
    assert getattr(lt, name)(ours, *args) is ours
    getattr(torch, name)(theirs, *args)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_torch_rrelu_draws_from_the_generator_it_is_given():
    x = lt.tensor(-np.linspace(0.5, 2, 10, dtype=np.float32))
    a = lt.rrelu(x, training=True, generator=lt.Generator().manual_seed(7))
    b = lt.rrelu(x, training=True, generator=lt.Generator().manual_seed(7))
    c = lt.rrelu(x, training=True, generator=lt.Generator().manual_seed(8))
    assert np.array_equal(a.numpy(), b.numpy()) and not np.array_equal(a.numpy(), c.numpy())
