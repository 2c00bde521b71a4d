"""Normalization (learntorch/nn/_functional/normalization.py, nn/modules/batchnorm.py,
instancenorm.py, normalization.py) against torch: values, gradients of the input and of
every parameter, running statistics, eval mode, double backward, errors, reprs, state_dict."""
import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import learntorch as lt
import learntorch.nn.functional as F
from learntorch.autograd import gradcheck, gradgradcheck
from helpers import FLOAT_DTYPES, assert_same, check_op, check_raises

# Means and variances over up to a few hundred float32 values: torch sums in another order.
RTOL, ATOL = 1e-4, 1e-5
# Input gradients of norms over small groups cancel heavily (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)):
# torch's float32 kernel is off by up to ~5e-5 there, learntorch less (see
# test_float32_input_gradient_is_at_least_as_accurate_as_torchs).
GRAD_ATOL = 1e-4


def _random(shape, dtype="float32", seed=0, low=-3.0, high=3.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape).astype(dtype)


def _pair(array):
    """The same values as a learntorch and a torch tensor (no grad): running statistics."""
    return lt.tensor(array.copy()), torch.from_numpy(array.copy())


def _affine(channels, dtype, weight, bias, seed=1):
    """Weight and bias arrays (or None) — check_op makes them require grad."""
    w = _random(channels, dtype, seed, 0.5, 2.0) if weight else None
    b = _random(channels, dtype, seed + 1) if bias else None
    return w, b


def _call_with(fn, w, b):
    """Call ``fn(x, w, b)`` through check_op, which only turns arrays (not None) into tensors."""
    args = [a for a in (w, b) if a is not None]

    def call(x, *params):
        it = iter(params)
        return fn(x, next(it) if w is not None else None, next(it) if b is not None else None)
    return call, args


BATCH_SHAPES = [(4, 3), (5, 2, 4), (3, 4, 2, 3), (2, 3, 2, 2, 3)]


# -- batch_norm -------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", BATCH_SHAPES, ids=str)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("weight,bias", [(True, True), (True, False), (False, True), (False, False)])
@pytest.mark.parametrize("running", [True, False])
def test_batch_norm_training_values_gradients_and_running_stats(shape, dtype, weight, bias,
                                                                running):
    """Training: the batch's statistics normalize; the running ones move by ``momentum``
    (the variance unbiased, N/(N−1)), in place, like torch's."""
    c = shape[1]
    x = _random(shape, dtype)
    w, b = _affine(c, dtype, weight, bias)
    lm, tm = _pair(_random(c, dtype, 7))
    lv, tv = _pair(_random(c, dtype, 8, 0.5, 2.0))
    if not running:
        lm = tm = lv = tv = None
    call_lt, params = _call_with(lambda x, w, b: F.batch_norm(x, lm, lv, w, b, True, 0.3, 1e-3), w, b)
    call_th, _ = _call_with(lambda x, w, b: TF.batch_norm(x, tm, tv, w, b, True, 0.3, 1e-3), w, b)
    lt_out, _ = check_op(call_lt, call_th, x, *params, rtol=RTOL, atol=ATOL,
                         grad_atol=GRAD_ATOL)
    assert lt_out.grad_fn.name() == "NativeBatchNormBackward0"
    if running:
        assert_same(lm, tm, RTOL, ATOL)
        assert_same(lv, tv, RTOL, ATOL)
        assert lm._version == tm._version and lv._version == tv._version


@pytest.mark.parametrize("shape", BATCH_SHAPES, ids=str)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("weight,bias", [(True, True), (False, False)])
def test_batch_norm_eval_uses_the_running_statistics(shape, dtype, weight, bias):
    c = shape[1]
    x = _random(shape, dtype)
    w, b = _affine(c, dtype, weight, bias)
    lm, tm = _pair(_random(c, dtype, 7))
    lv, tv = _pair(_random(c, dtype, 8, 0.5, 2.0))
    call_lt, params = _call_with(lambda x, w, b: F.batch_norm(x, lm, lv, w, b, False), w, b)
    call_th, _ = _call_with(lambda x, w, b: TF.batch_norm(x, tm, tv, w, b, False), w, b)
    lt_out, _ = check_op(call_lt, call_th, x, *params, rtol=RTOL, atol=ATOL,
                         grad_atol=GRAD_ATOL)
    assert lt_out.grad_fn.name() == "NativeBatchNormBackward0"
    assert_same(lm, tm)  # untouched
    assert_same(lv, tv)
    assert lm._version == 0


@settings(max_examples=40)
@given(n=st.integers(2, 5), c=st.integers(1, 4), spatial=st.lists(st.integers(1, 4), max_size=2),
       momentum=st.sampled_from([0.0, 0.1, 0.5, 1.0]), eps=st.sampled_from([1e-5, 1e-2, 1.0]))
def test_batch_norm_over_random_shapes_and_hyper_parameters(n, c, spatial, momentum, eps):
    shape = (n, c, *spatial)
    x = _random(shape, "float64", n * 7 + c)
    w, b = _affine(c, "float64", True, True)
    lm, tm = _pair(np.zeros(c))
    lv, tv = _pair(np.ones(c))
    check_op(lambda x, w, b: F.batch_norm(x, lm, lv, w, b, True, momentum, eps),
             lambda x, w, b: TF.batch_norm(x, tm, tv, w, b, True, momentum, eps), x, w, b)
    assert_same(lm, tm)
    assert_same(lv, tv)


@pytest.mark.parametrize("call", [
    lambda x, w, b: F.batch_norm(x, None, None, w, b, True),
    lambda x, w, b: F.batch_norm(x, lt.zeros(3), lt.ones(3), w, b, False),
    lambda x, w, b: F.layer_norm(x, (3, 2), w.reshape(3, 1).expand(3, 2), b.reshape(3, 1).expand(3, 2)),
    lambda x, w, b: F.group_norm(x, 3, w, b),
    lambda x, w, b: F.instance_norm(x, weight=w, bias=b),
], ids=["batch_norm", "batch_norm_eval", "layer_norm", "group_norm", "instance_norm"])
def test_each_norm_is_one_node_of_the_graph(call):
    """One op (forward and analytic backward), not a chain of small ones: its grad_fn leads
    straight to the leaves."""
    x = lt.tensor(_random((4, 3, 2)), requires_grad=True)
    w, b = lt.ones(3, requires_grad=True), lt.zeros(3, requires_grad=True)
    out = call(x, w, b)
    leaves = [node for node, _ in out.grad_fn.next_functions]
    assert type(leaves[0]).__name__ == "AccumulateGrad" and leaves[0].variable is x
    assert out.grad_fn.name().startswith("Native")


def test_batch_norm_of_a_constant_channel_is_finite():
    """Zero variance: invstd = 1/sqrt(eps) keeps values and gradients finite, as in torch."""
    x = np.ones((4, 2, 3), dtype="float32")
    check_op(lambda x: F.batch_norm(x, None, None, training=True),
             lambda x: TF.batch_norm(x, None, None, training=True), x)


@pytest.mark.parametrize("shape", [(0, 3), (0, 3, 4), (2, 3, 0)], ids=str)
def test_batch_norm_of_an_empty_batch(shape):
    """Empty in, empty out; the running statistics stay as they were (as in torch)."""
    c = shape[1]
    lm, tm = _pair(np.zeros(c, "float32"))
    lv, tv = _pair(np.ones(c, "float32"))
    w = np.ones(c, "float32")
    check_op(lambda x, w: F.batch_norm(x, lm, lv, w, None, True),
             lambda x, w: TF.batch_norm(x, tm, tv, w, None, True), np.zeros(shape, "float32"), w)
    assert_same(lm, tm)
    assert_same(lv, tv)


# -- layer norm, group norm, instance norm, rms norm -----------------------------------------
@pytest.mark.parametrize("shape,normalized", [((6,), (6,)), ((3, 4), (4,)), ((2, 3, 4), (3, 4)),
                                              ((2, 2, 3, 4), (2, 3, 4)), ((3, 1), (1,))], ids=str)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("weight,bias", [(True, True), (True, False), (False, False)])
def test_layer_norm(shape, normalized, dtype, weight, bias):
    x = _random(shape, dtype)
    w, b = _affine(normalized, dtype, weight, bias)
    call_lt, params = _call_with(lambda x, w, b: F.layer_norm(x, normalized, w, b, 1e-4), w, b)
    call_th, _ = _call_with(lambda x, w, b: TF.layer_norm(x, normalized, w, b, 1e-4), w, b)
    lt_out, _ = check_op(call_lt, call_th, x, *params, rtol=RTOL, atol=ATOL, grad_atol=GRAD_ATOL)
    assert lt_out.grad_fn.name() == "NativeLayerNormBackward0"


@pytest.mark.parametrize("shape,groups", [((2, 6), 3), ((3, 4, 5), 2), ((2, 6, 3, 2), 6),
                                          ((2, 6, 3, 2), 1), ((1, 4, 2, 2, 2), 2)], ids=str)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("weight,bias", [(True, True), (False, True), (False, False)])
def test_group_norm(shape, groups, dtype, weight, bias):
    x = _random(shape, dtype)
    w, b = _affine(shape[1], dtype, weight, bias)
    call_lt, params = _call_with(lambda x, w, b: F.group_norm(x, groups, w, b), w, b)
    # torch 2.13's backward fails ("tensor does not have a device") for a bias without a
    # weight; a weight of ones is the same function, so it stands in on torch's side.
    ones = lambda x: torch.ones(shape[1], dtype=x.dtype) if b is not None else None  # noqa: E731
    call_th, _ = _call_with(lambda x, w, b: TF.group_norm(x, groups, w if w is not None else
                                                          ones(x), b), w, b)
    lt_out, _ = check_op(call_lt, call_th, x, *params, rtol=RTOL, atol=ATOL,
                         grad_atol=GRAD_ATOL)
    assert lt_out.grad_fn.name() == "NativeGroupNormBackward0"


@settings(max_examples=40)
@given(lead=st.lists(st.integers(1, 3), max_size=2), trailing=st.lists(st.integers(1, 4), min_size=1,
                                                                      max_size=3),
       affine=st.booleans(), eps=st.sampled_from([1e-5, 0.1]))
def test_layer_norm_over_random_shapes(lead, trailing, affine, eps):
    shape, normalized = tuple(lead + trailing), tuple(trailing)
    x = _random(shape, "float64", len(shape))
    w, b = _affine(normalized, "float64", affine, affine)
    call_lt, params = _call_with(lambda x, w, b: F.layer_norm(x, normalized, w, b, eps), w, b)
    call_th, _ = _call_with(lambda x, w, b: TF.layer_norm(x, normalized, w, b, eps), w, b)
    check_op(call_lt, call_th, x, *params)


@settings(max_examples=40)
@given(n=st.integers(1, 3), groups=st.integers(1, 3), per_group=st.integers(1, 3),
       spatial=st.lists(st.integers(1, 3), max_size=2), eps=st.sampled_from([1e-5, 0.1]))
def test_group_norm_over_random_shapes(n, groups, per_group, spatial, eps):
    shape = (n, groups * per_group, *spatial)
    assume(n * per_group * math.prod(spatial) > 1)  # one value per group: refused (tested below)
    x = _random(shape, "float64", n + groups)
    w, b = _affine(shape[1], "float64", True, True)
    check_op(lambda x, w, b: F.group_norm(x, groups, w, b, eps),
             lambda x, w, b: TF.group_norm(x, groups, w, b, eps), x, w, b)


@pytest.mark.parametrize("shape", [(2, 3, 4), (3, 2, 3, 4), (2, 2, 2, 3, 2)], ids=str)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("use_input_stats", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_instance_norm_and_its_running_statistics(shape, dtype, use_input_stats, affine):
    """Per (sample, channel) statistics; the running ones move towards their batch average."""
    c = shape[1]
    x = _random(shape, dtype)
    w, b = _affine(c, dtype, affine, affine)
    lm, tm = _pair(_random(c, dtype, 7))
    lv, tv = _pair(_random(c, dtype, 8, 0.5, 2.0))
    call_lt, params = _call_with(
        lambda x, w, b: F.instance_norm(x, lm, lv, w, b, use_input_stats, 0.2), w, b)
    call_th, _ = _call_with(
        lambda x, w, b: TF.instance_norm(x, tm, tv, w, b, use_input_stats, 0.2), w, b)
    check_op(call_lt, call_th, x, *params, rtol=RTOL, atol=ATOL,
                         grad_atol=GRAD_ATOL)
    assert_same(lm, tm, RTOL, ATOL)
    assert_same(lv, tv, RTOL, ATOL)


def test_instance_norm_without_running_statistics():
    x = _random((3, 2, 5), "float64")
    check_op(F.instance_norm, TF.instance_norm, x)


@pytest.mark.parametrize("shape,normalized", [((3, 4), (4,)), ((2, 3, 4), (3, 4)), ((5,), (5,))],
                         ids=str)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("weight", [True, False])
@pytest.mark.parametrize("eps", [None, 1e-3])
def test_rms_norm(shape, normalized, dtype, weight, eps):
    """``eps=None`` means the dtype's machine epsilon."""
    x = _random(shape, dtype)
    w = _random(normalized, dtype, 3) if weight else None
    if weight:
        check_op(lambda x, w: F.rms_norm(x, normalized, w, eps),
                 lambda x, w: TF.rms_norm(x, normalized, w, eps), x, w, rtol=RTOL, atol=ATOL)
    else:
        check_op(lambda x: F.rms_norm(x, normalized, eps=eps),
                 lambda x: TF.rms_norm(x, normalized, eps=eps), x, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("shape", [(2, 5, 3), (2, 6, 3, 2), (1, 4, 2, 2, 2), (2, 1, 3)], ids=str)
@pytest.mark.parametrize("size", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_local_response_norm(shape, size, dtype):
    x = _random(shape, dtype)
    kw = {"alpha": 0.3, "beta": 0.6, "k": 2.0}
    check_op(lambda x: F.local_response_norm(x, size, **kw),
             lambda x: TF.local_response_norm(x, size, **kw), x, rtol=RTOL, atol=ATOL)
    check_op(lambda x: F.local_response_norm(x, size), lambda x: TF.local_response_norm(x, size),
             x, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("size", [2, 3, 4, 5, 7])
@pytest.mark.parametrize("channels", [1, 3, 6, 9])
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_cross_map_lrn2d_reproduces_torchs_legacy_windows(size, channels, dtype):
    """torch's CrossMapLRN2d never drops channel 0 from its running sum, and its backward
    uses a window of its own: values and gradients must be torch's all the same."""
    x = _random((2, channels, 3, 2), dtype)
    lm = lt.nn.CrossMapLRN2d(size, 0.3, 0.7, 1.5)
    tm = torch.nn.CrossMapLRN2d(size, 0.3, 0.7, 1.5)
    lt_out, _ = check_op(lm, tm, x, rtol=RTOL, atol=ATOL)
    assert lt_out.grad_fn.name() == "CrossMapLRN2dBackward"
    assert repr(lm) == repr(tm)


def test_cross_map_lrn2d_errors():
    check_raises(lambda: lt.nn.CrossMapLRN2d(3)(lt.ones(2, 3, 4)),
                 lambda: torch.nn.CrossMapLRN2d(3)(torch.ones(2, 3, 4)))
    # size 1: torch's forward runs, its backward's buffer is too short
    check_raises(lambda: lt.nn.CrossMapLRN2d(1)(lt.ones(2, 3, 2, 2, requires_grad=True)).sum()
                 .backward(),
                 lambda: torch.nn.CrossMapLRN2d(1)(torch.ones(2, 3, 2, 2, requires_grad=True)).sum()
                 .backward())


def test_local_response_norm_of_an_empty_input_returns_it():
    x = lt.zeros(0, 3, 2)
    assert F.local_response_norm(x, 2) is x


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, float("inf"), 0.5])
@pytest.mark.parametrize("dim", [0, 1, -1, (0, 1)])
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_normalize(p, dim, dtype):
    x = _random((3, 4, 2), dtype, 5)
    x[0, 0] = 0  # a zero vector along dim 2 (with dim=-1): the eps clamp
    check_op(lambda x: F.normalize(x, p, dim), lambda x: TF.normalize(x, p, dim), x,
             rtol=RTOL, atol=ATOL)


def test_normalize_with_a_large_eps_and_out():
    x = _random((3, 4), "float64")
    check_op(lambda x: F.normalize(x, eps=10.0), lambda x: TF.normalize(x, eps=10.0), x)
    lt_out, th_out = lt.empty(3, 4, dtype=lt.float64), torch.empty(3, 4, dtype=torch.float64)
    result = F.normalize(lt.tensor(x), out=lt_out)
    TF.normalize(torch.from_numpy(x), out=th_out)
    assert result is lt_out
    assert_same(lt_out, th_out)


@pytest.mark.parametrize("norm", ["group_norm", "layer_norm", "batch_norm"])
def test_float32_input_gradient_is_at_least_as_accurate_as_torchs(norm):
    """Measured against torch in float64, learntorch's float32 gradient errs about as much as
    torch's own float32 one, at most twice as much (which is why GRAD_ATOL is looser than
    ATOL: the two float32 results differ by their two errors)."""
    x, g = _random((2, 6), seed=3), _random((2, 6), seed=4)
    w, b = _random(6, seed=5, low=0.5, high=2.0), _random(6, seed=6)
    calls = {"group_norm": lambda F_, x, w, b: F_.group_norm(x, 3, w, b),
             "layer_norm": lambda F_, x, w, b: F_.layer_norm(x, (6,), w, b),
             "batch_norm": lambda F_, x, w, b: F_.batch_norm(x, None, None, w, b, True)}

    def grad(lib, F_, dtype):
        t = lambda a, rg=False: (lt.tensor(a.astype(dtype), requires_grad=rg) if lib is lt else
                                 torch.tensor(a.astype(dtype), requires_grad=rg))
        xt = t(x, True)
        calls[norm](F_, xt, t(w), t(b)).backward(t(g))
        return xt.grad.numpy().astype("float64")

    exact = grad(torch, TF, "float64")
    ours, theirs = grad(lt, F, "float32"), grad(torch, TF, "float32")
    assert np.abs(ours - exact).max() <= 2 * max(np.abs(theirs - exact).max(), 1e-6)


# -- first and second derivatives (float64) --------------------------------------------------
def _t(shape, seed, low=-2.0, high=2.0):
    return lt.tensor(_random(shape, "float64", seed, low, high), requires_grad=True)


GRADCHECK_CASES = {
    "batch_norm_train": (lambda x, w, b: F.batch_norm(x, None, None, w, b, True), (3, 2, 2)),
    "batch_norm_train_running": (lambda x, w, b: F.batch_norm(
        x, lt.zeros(2, dtype=lt.float64), lt.ones(2, dtype=lt.float64), w, b, True), (3, 2, 2)),
    "batch_norm_eval": (lambda x, w, b: F.batch_norm(
        x, lt.tensor([0.5, -1.0], dtype=lt.float64), lt.tensor([2.0, 0.5], dtype=lt.float64), w, b),
        (3, 2, 2)),
    "layer_norm": (lambda x, w, b: F.layer_norm(x, (2, 2), w.reshape(2, 1).expand(2, 2),
                                                b.reshape(1, 2).expand(2, 2)), (3, 2, 2)),
    "group_norm": (lambda x, w, b: F.group_norm(x, 1, w, b), (3, 2, 2)),
    "instance_norm": (lambda x, w, b: F.instance_norm(x, weight=w, bias=b), (3, 2, 3)),
    "rms_norm": (lambda x, w, b: F.rms_norm(x, (2,), w) + b, (3, 2)),
    "local_response_norm": (lambda x, w, b: F.local_response_norm(x * w[0] + b[1], 3, alpha=0.5),
                            (2, 3, 2)),
    "normalize": (lambda x, w, b: F.normalize(x * w + b, dim=-1), (3, 2)),
}


@pytest.mark.parametrize("name", GRADCHECK_CASES)
def test_gradcheck_and_gradgradcheck(name):
    """The analytic backward is right, and so is its own derivative (double backward)."""
    fn, shape = GRADCHECK_CASES[name]
    inputs = (_t(shape, 0), _t(2, 1, 0.5, 2.0), _t(2, 2))
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


def test_double_backward_matches_torch():
    """Second derivatives of batch norm's loss against torch's (not only finite differences)."""
    x, w = _random((4, 3), "float64"), _random(3, "float64", 1, 0.5, 2.0)

    def second(lib, norm):
        xt = (lt.tensor(x, requires_grad=True) if lib is lt else
              torch.tensor(x, requires_grad=True))
        wt = (lt.tensor(w, requires_grad=True) if lib is lt else
              torch.tensor(w, requires_grad=True))
        y = norm(xt, None, None, wt, None, True)
        gx, = lib.autograd.grad((y ** 3).sum(), [xt], create_graph=True)
        return lib.autograd.grad((gx * gx).sum(), [xt, wt])

    for a, b in zip(second(lt, F.batch_norm), second(torch, TF.batch_norm)):
        assert_same(a, b, 1e-8, 1e-9)


# -- modules ----------------------------------------------------------------------------------
def _both(make):
    return make(lt.nn), make(torch.nn)


def _train_steps(lm, tm, shape, steps=3, dtype="float32", train=True):
    """Run both modules on the same batches (forward and backward) and compare everything."""
    lm.train(train)
    tm.train(train)
    for step in range(steps):
        x = _random(shape, dtype, 10 + step)
        g = _random(shape, dtype, 20 + step)
        lx, tx = lt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ly, ty = lm(lx), tm(tx)
        assert_same(ly, ty, RTOL, ATOL)
        ly.backward(lt.tensor(g))
        ty.backward(torch.from_numpy(g))
        assert_same(lx.grad, tx.grad, RTOL, ATOL)
    for (name, lp), (_, tp) in zip(lm.named_parameters(), tm.named_parameters()):
        assert_same(lp.grad, tp.grad, RTOL, ATOL)
    lsd, tsd = lm.state_dict(), tm.state_dict()
    assert list(lsd) == list(tsd)
    for key in tsd:
        assert_same(lsd[key], tsd[key], RTOL, ATOL)


BATCHNORM_CASES = [
    ("BatchNorm1d", (3,), {}, (5, 3)),
    ("BatchNorm1d", (3,), {"momentum": None}, (4, 3, 6)),
    ("BatchNorm2d", (3,), {}, (4, 3, 2, 5)),
    ("BatchNorm2d", (3,), {"momentum": None, "eps": 1e-3}, (2, 3, 3, 3)),
    ("BatchNorm2d", (3,), {"affine": False}, (4, 3, 2, 2)),
    ("BatchNorm2d", (3,), {"bias": False}, (4, 3, 2, 2)),
    ("BatchNorm2d", (3,), {"track_running_stats": False}, (4, 3, 2, 2)),
    ("BatchNorm3d", (2,), {"momentum": 0.5}, (2, 2, 2, 3, 2)),
    ("SyncBatchNorm", (3,), {}, (4, 3, 2)),
    ("InstanceNorm1d", (3,), {}, (4, 3, 5)),
    ("InstanceNorm1d", (3,), {"affine": True, "track_running_stats": True}, (4, 3, 5)),
    ("InstanceNorm1d", (3,), {"affine": True}, (3, 5)),  # no batch dimension
    ("InstanceNorm2d", (2,), {"affine": True, "track_running_stats": True, "momentum": None},
     (3, 2, 3, 2)),
    ("InstanceNorm3d", (2,), {"track_running_stats": True}, (2, 2, 2, 3, 2)),
    ("LayerNorm", ((2, 3),), {}, (4, 2, 3)),
    ("LayerNorm", (3,), {"elementwise_affine": False}, (4, 3)),
    ("LayerNorm", (3,), {"bias": False, "eps": 1e-2}, (2, 4, 3)),
    ("GroupNorm", (2, 4), {}, (3, 4, 5)),
    ("GroupNorm", (4, 4), {"affine": False}, (2, 4, 2, 2)),
    ("RMSNorm", (3,), {}, (4, 3)),
    ("RMSNorm", ((2, 3),), {"eps": 1e-3, "elementwise_affine": False}, (4, 2, 3)),
    ("LocalResponseNorm", (3,), {"alpha": 0.2, "beta": 0.5, "k": 2.0}, (2, 5, 3)),
]


@pytest.mark.parametrize("name,args,kwargs,shape", BATCHNORM_CASES,
                         ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in BATCHNORM_CASES])
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_modules_train_and_eval_like_torch(name, args, kwargs, shape, dtype):
    """Several training steps (outputs, input and parameter gradients, running statistics,
    num_batches_tracked), then eval mode; float64 modules through ``.double()``."""
    lm, tm = _both(lambda nn: getattr(nn, name)(*args, **kwargs))
    if dtype == "float64":
        lm, tm = lm.double(), tm.double()
    _train_steps(lm, tm, shape, dtype=dtype)
    _train_steps(lm, tm, shape, steps=1, dtype=dtype, train=False)


@pytest.mark.parametrize("name,args,kwargs,shape", BATCHNORM_CASES,
                         ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in BATCHNORM_CASES])
def test_module_reprs_and_state_dict_keys(name, args, kwargs, shape):
    lm, tm = _both(lambda nn: getattr(nn, name)(*args, **kwargs))
    assert repr(lm) == repr(tm)
    assert [(k, tuple(v.shape), str(v.dtype)) for k, v in lm.state_dict().items()] == \
        [(k, tuple(v.shape), str(v.dtype)) for k, v in tm.state_dict().items()]
    assert [k for k, _ in lm.named_parameters()] == [k for k, _ in tm.named_parameters()]


def test_batch_norm_default_init_and_buffers():
    m = lt.nn.BatchNorm2d(6)
    assert repr(m) == "BatchNorm2d(6, eps=1e-05, momentum=0.1, affine=True, bias=True, " \
                      "track_running_stats=True)"  # torch 2.13 prints bias=
    assert m.weight.tolist() == [1.0] * 6 and m.bias.tolist() == [0.0] * 6
    assert m.running_mean.tolist() == [0.0] * 6 and m.running_var.tolist() == [1.0] * 6
    assert m.num_batches_tracked.dtype == lt.int64 and m.num_batches_tracked.item() == 0
    assert m.state_dict()._metadata[""]["version"] == 2


def test_batch_norm_counts_batches_and_resets():
    lm, tm = _both(lambda nn: nn.BatchNorm1d(2, momentum=None))
    for step in range(4):
        x = _random((3, 2), seed=step)
        lm(lt.tensor(x))
        tm(torch.from_numpy(x))
    assert lm.num_batches_tracked.item() == tm.num_batches_tracked.item() == 4
    assert_same(lm.running_mean, tm.running_mean, RTOL, ATOL)
    lm.eval()
    lm(lt.tensor(_random((3, 2))))
    assert lm.num_batches_tracked.item() == 4  # eval mode tracks nothing
    lm.reset_running_stats()
    assert lm.num_batches_tracked.item() == 0 and lm.running_var.tolist() == [1.0, 1.0]


def test_batch_norm_eval_without_running_stats_uses_the_batch():
    lm, tm = _both(lambda nn: nn.BatchNorm1d(3, track_running_stats=False).eval())
    x = _random((4, 3))
    assert_same(lm(lt.tensor(x)), tm(torch.from_numpy(x)), RTOL, ATOL)


@pytest.mark.parametrize("version", [None, 1])
def test_loading_an_old_state_dict_without_num_batches_tracked(version):
    """Before version 2 there was no num_batches_tracked: torch keeps the module's own."""
    def load(nn, lib):
        m = nn.BatchNorm1d(2)
        m.num_batches_tracked.fill_(7)
        sd = nn.BatchNorm1d(2).state_dict()
        del sd["num_batches_tracked"]
        if version is None:
            del sd._metadata[""]["version"]
        else:
            sd._metadata[""]["version"] = version
        result = m.load_state_dict(sd)
        return result.missing_keys, m.num_batches_tracked.item()
    assert load(lt.nn, lt) == load(torch.nn, torch) == ([], 7)


def test_loading_a_current_state_dict_without_num_batches_tracked_is_missing():
    def load(nn):
        sd = nn.BatchNorm1d(2).state_dict()
        del sd["num_batches_tracked"]
        return nn.BatchNorm1d(2).load_state_dict(sd, strict=False).missing_keys
    assert load(lt.nn) == load(torch.nn) == ["num_batches_tracked"]


def test_batch_norm_state_dict_round_trips_through_torch():
    tm = torch.nn.BatchNorm2d(3)
    tm(torch.randn(4, 3, 2, 2))
    lm = lt.nn.BatchNorm2d(3)
    lm.load_state_dict({k: lt.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    lm.eval()
    tm.eval()
    x = _random((2, 3, 2, 2))
    assert_same(lm(lt.tensor(x)), tm(torch.from_numpy(x)), RTOL, ATOL)


@pytest.mark.parametrize("name,shape", [("LazyBatchNorm1d", (4, 3)), ("LazyBatchNorm2d", (2, 3, 2, 2)),
                                        ("LazyBatchNorm3d", (2, 3, 2, 2, 2)),
                                        ("LazyInstanceNorm1d", (2, 3, 4)),
                                        ("LazyInstanceNorm2d", (2, 3, 2, 2)),
                                        ("LazyInstanceNorm3d", (2, 3, 2, 2, 2))])
def test_lazy_norms_read_num_features_from_the_first_input(name, shape):
    lm, tm = _both(lambda nn: getattr(nn, name)())
    assert repr(lm) == repr(tm)
    _train_steps(lm, tm, shape, steps=2)
    assert type(lm).__name__ == type(tm).__name__
    assert repr(lm) == repr(tm)


def test_instance_norm_warns_when_num_features_does_not_match():
    def run(nn, lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            nn.InstanceNorm1d(3)(lib.ones(2, 4, 5))
        return [str(w.message) for w in caught]
    assert run(lt.nn, lt) == run(torch.nn, torch)


def test_module_reprs_match_the_brief():
    assert repr(lt.nn.LayerNorm(4)) == "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"
    assert repr(lt.nn.GroupNorm(2, 4)) == "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"
    assert repr(lt.nn.LocalResponseNorm(2)) == "LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)"
    assert repr(lt.nn.RMSNorm(3)) == "RMSNorm((3,), eps=None, elementwise_affine=True)"


# -- errors -----------------------------------------------------------------------------------
ERROR_CASES = {
    "bn2d_rank": lambda nn, lib: nn.BatchNorm2d(3)(lib.ones(2, 3, 4)),
    "bn1d_rank": lambda nn, lib: nn.BatchNorm1d(3)(lib.ones(2, 3, 4, 5)),
    "bn3d_rank": lambda nn, lib: nn.BatchNorm3d(3)(lib.ones(2, 3, 4, 5)),
    "bn_one_value": lambda nn, lib: nn.BatchNorm1d(3)(lib.ones(1, 3)),
    "bn_one_value_spatial": lambda nn, lib: nn.BatchNorm2d(3)(lib.ones(1, 3, 1, 1)),
    "bn_channels": lambda nn, lib: nn.BatchNorm1d(3)(lib.ones(2, 4)),
    "bn_weight_size": lambda nn, lib: nn.functional.batch_norm(lib.ones(2, 3), None, None,
                                                               lib.ones(4), training=True),
    "bn_1d_input": lambda nn, lib: nn.functional.batch_norm(lib.ones(2), lib.zeros(2), lib.ones(2)),
    "bn_mixed_dtype": lambda nn, lib: nn.functional.batch_norm(
        lib.ones(2, 3, dtype=lib.float64), lib.zeros(3), lib.ones(3), training=True),
    "bn_eps": lambda nn, lib: nn.functional.batch_norm(lib.ones(2, 3), None, None, training=True,
                                                       eps=0.0),
    "bn_negative_eps": lambda nn, lib: nn.functional.batch_norm(lib.ones(2, 3), lib.zeros(3),
                                                                lib.ones(3), eps=-1.0),
    "bn_eval_no_running_mean": lambda nn, lib: nn.functional.batch_norm(lib.ones(2, 3), None, None),
    "bn_eval_no_running_var": lambda nn, lib: nn.functional.batch_norm(lib.ones(2, 3), lib.zeros(3),
                                                                       None),
    "in_no_running_stats": lambda nn, lib: nn.functional.instance_norm(
        lib.ones(2, 3, 4), None, None, use_input_stats=False),
    "sync_bn_rank": lambda nn, lib: nn.SyncBatchNorm(3)(lib.ones(3)),
    "ln_shape": lambda nn, lib: nn.functional.layer_norm(lib.ones(2, 3), (4,)),
    "ln_shape2": lambda nn, lib: nn.functional.layer_norm(lib.ones(2, 3), (2, 4)),
    "ln_module_shape": lambda nn, lib: nn.LayerNorm(4)(lib.ones(2, 3)),
    "ln_int_shape": lambda nn, lib: nn.functional.layer_norm(lib.ones(2, 3), 3),
    "ln_weight_shape": lambda nn, lib: nn.functional.layer_norm(lib.ones(2, 3), (3,), lib.ones(4)),
    "ln_bias_shape": lambda nn, lib: nn.functional.layer_norm(lib.ones(2, 3), (3,), None,
                                                              lib.ones(2)),
    "rms_shape": lambda nn, lib: nn.functional.rms_norm(lib.ones(2, 3), (4,)),
    "gn_groups": lambda nn, lib: nn.functional.group_norm(lib.ones(2, 6, 4), 4),
    "gn_one_value": lambda nn, lib: nn.functional.group_norm(lib.ones(1, 6), 6),
    "gn_rank": lambda nn, lib: nn.functional.group_norm(lib.ones(6), 6),
    "gn_weight": lambda nn, lib: nn.functional.group_norm(lib.ones(2, 6, 4), 3, lib.ones(5)),
    "gn_module": lambda nn, lib: nn.GroupNorm(4, 6),
    "in_spatial": lambda nn, lib: nn.functional.instance_norm(lib.ones(2, 3, 1)),
    "in1d_affine_channels": lambda nn, lib: nn.InstanceNorm1d(3, affine=True)(lib.ones(4, 5)),
    "in2d_rank": lambda nn, lib: nn.InstanceNorm2d(3)(lib.ones(2, 3, 4, 5, 6)),
    "in2d_rank_low": lambda nn, lib: nn.InstanceNorm2d(3)(lib.ones(4, 5)),
    "lrn_rank": lambda nn, lib: nn.functional.local_response_norm(lib.ones(2, 3), 2),
}


@pytest.mark.parametrize("case", ERROR_CASES)
def test_errors_match_torch(case):
    """Same exception type and message as torch, raised before any NumPy code runs."""
    fn = ERROR_CASES[case]
    check_raises(lambda: fn(lt.nn, lt), lambda: fn(torch.nn, torch))


def test_the_brief_s_error_messages():
    with pytest.raises(ValueError, match=r"^expected 4D input \(got 3D input\)$"):
        lt.nn.BatchNorm2d(3)(lt.ones(2, 3, 4))
    with pytest.raises(ValueError, match=r"^Expected more than 1 value per channel when training, "
                                         r"got input size torch.Size\(\[1, 3\]\)$"):
        lt.nn.BatchNorm1d(3)(lt.ones(1, 3))
