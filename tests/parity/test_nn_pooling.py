"""Max/avg/adaptive/fractional/Lp pooling and max unpooling, functional and layers, vs torch.

Values, indices and input gradients over a grid of kernel/stride/padding/dilation/
ceil_mode (and hypothesis), float32 and float64; float64 gradcheck and gradgradcheck;
NaN and ties as torch resolves them; reprs and torch's errors.
"""
import itertools
import zlib

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
from learntorch.autograd import gradcheck, gradgradcheck

from helpers import check_op, check_raises

LT_F, TH_F = lt.nn.functional, torch.nn.functional


def _rng(*key):
    """A generator seeded by ``key`` the same way in every run (``hash`` of a str is not)."""
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def _call(name, *args, **kwargs):
    return (lambda *a: getattr(LT_F, name)(*a, *args, **kwargs),
            lambda *a: getattr(TH_F, name)(*a, *args, **kwargs))


def _x(key, n, dtype="float32", batch=True, size=7):
    shape = ((2,) if batch else ()) + (3,) + tuple(size + i for i in range(n))
    return _rng(key, n, dtype, batch).standard_normal(shape).astype(dtype)


# -- max pooling -----------------------------------------------------------------------------
MAX_GRID = [(k, s, p, d, c) for k, s, p, d, c in
            itertools.product([2, 3], [None, 1, 2], [0, 1], [1, 2], [False, True])
            if p <= (d * (k - 1) + 1) // 2]


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("kernel,stride,padding,dilation,ceil_mode", MAX_GRID)
def test_max_pool_values_indices_and_gradients(n, kernel, stride, padding, dilation, ceil_mode):
    for dtype in ("float32", "float64"):
        x = _x(("max", kernel, stride, padding, dilation, ceil_mode), n, dtype)
        check_op(*_call(f"max_pool{n}d", kernel, stride, padding, dilation, ceil_mode=ceil_mode,
                        return_indices=True), x)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_max_pool_unbatched_tuple_arguments_and_no_grad_path(n):
    x = _x("unbatched", n, batch=False)
    check_op(*_call(f"max_pool{n}d", (2,) * n, (1,) * n, (1,) * n), x)
    check_op(*_call(f"max_pool{n}d", 3, 2, return_indices=True), x, grad=False)


def test_max_pool_ties_and_nan_follow_torch():
    x = np.zeros((1, 1, 4, 4), np.float32)
    x[0, 0, 1, 1] = x[0, 0, 2, 3] = np.nan
    x[0, 0, 3, 0] = x[0, 0, 3, 1] = 5
    check_op(*_call("max_pool2d", 2, 1, return_indices=True), x)
    check_op(*_call("max_pool2d", 2, return_indices=True), np.ones((1, 2, 4, 6), np.float32))


def test_max_pool_sends_inf_nan_and_negative_zero_gradients_where_torch_does():
    x = _rng("grads").standard_normal((2, 3, 6, 6)).astype(np.float32)
    x[0, 0, :2, :2] = 0   # a tie: only the first of the window gets the gradient
    g = _rng("g").standard_normal((2, 3, 3, 3)).astype(np.float32)
    g[0, 0, 0, :3] = [np.inf, np.nan, -0.0]
    g[1, 2, 2, 2] = -np.inf
    grads = []
    for lib in (lt, torch):
        t = lib.tensor(x, requires_grad=True)
        lib.nn.functional.max_pool2d(t, 2).backward(lib.tensor(g))
        grads.append(t.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])
    assert (np.signbit(grads[0]) == np.signbit(grads[1])).all()


@pytest.mark.parametrize("kernel,stride", [(2, 2), (3, 3), (2, 3)])
def test_windows_that_do_not_overlap_send_positive_zeros_as_torch_does(kernel, stride):
    # such windows' gradients are written, not added: g·0 = -0.0 must still come out +0.0
    x = _rng("disjoint", kernel).standard_normal((2, 3, 9, 9)).astype(np.float32)
    side = (9 - kernel) // stride + 1
    g = -np.abs(_rng("g", kernel).standard_normal((2, 3, side, side)).astype(np.float32))
    g[0, 0, 0, 0] = -0.0
    grads = []
    for lib in (lt, torch):
        t = lib.tensor(x, requires_grad=True)
        lib.nn.functional.max_pool2d(t, kernel, stride).backward(lib.tensor(g))
        grads.append(t.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])
    assert (np.signbit(grads[0]) == np.signbit(grads[1])).all()


def test_max_pool_double_backward_node_name_is_torchs():
    x = lt.randn(1, 2, 4, 4, requires_grad=True)
    g, = lt.autograd.grad(LT_F.max_pool2d(x, 2).sum(), x, create_graph=True)
    assert g.grad_fn.name() == "MaxPool2DWithIndicesBackwardBackward0"


def test_window_wholly_in_padding_gives_torchs_index_and_no_stray_gradient():
    x = np.arange(3, dtype=np.float32).reshape(1, 1, 1, 3)
    check_op(*_call("max_pool2d", (2, 1), 1, (1, 0), (2, 1), return_indices=True), x, grad=False)
    x_lt = lt.tensor(x, requires_grad=True)
    LT_F.max_pool2d(x_lt, (2, 1), 1, (1, 0), (2, 1)).sum().backward()
    assert x_lt.grad.tolist() == [[[[0.0, 0.0, 0.0]]]]


def test_integer_pooling():
    x = _rng("int").integers(-9, 9, (2, 3, 6, 6))
    check_op(*_call("max_pool2d", 2, return_indices=True), x, grad=False)
    check_op(*_call("avg_pool2d", 3, 2, 1), x, grad=False)


@settings(max_examples=40, deadline=None)
@given(kh=st.integers(1, 4), kw=st.integers(1, 4), sh=st.integers(1, 3), sw=st.integers(1, 3),
       dh=st.integers(1, 2), dw=st.integers(1, 2), ph=st.integers(0, 2), pw=st.integers(0, 2),
       extra=st.integers(0, 5), ceil_mode=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_max_pool2d_hypothesis(kh, kw, sh, sw, dh, dw, ph, pw, extra, ceil_mode, seed):
    ph, pw = min(ph, kh // 2), min(pw, kw // 2)   # torch's limit for max pooling
    # at least `dilation` cells, so that no window lies wholly in the padding (torch's gradient
    # for such a window lands in the neighbouring channel's memory)
    h = max(1, dh * (kh - 1) + 1 - 2 * ph, dh) + extra
    w = max(1, dw * (kw - 1) + 1 - 2 * pw, dw) + extra
    x = np.random.default_rng(seed).standard_normal((2, 2, h, w)).astype(np.float32)
    check_op(*_call("max_pool2d", (kh, kw), (sh, sw), (ph, pw), (dh, dw), ceil_mode=ceil_mode,
                    return_indices=True), x)


# -- average pooling -------------------------------------------------------------------------
AVG_GRID = [(k, s, p, c, inc) for k, s, p, c, inc in
            itertools.product([2, 3], [None, 1, 2], [0, 1], [False, True], [True, False])
            if p <= k // 2]


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("kernel,stride,padding,ceil_mode,count_include_pad", AVG_GRID)
def test_avg_pool_values_and_gradients(n, kernel, stride, padding, ceil_mode, count_include_pad):
    for dtype in ("float32", "float64"):
        x = _x(("avg", kernel, stride, padding, ceil_mode), n, dtype)
        check_op(*_call(f"avg_pool{n}d", kernel, stride, padding, ceil_mode, count_include_pad),
                 x)


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("divisor", [1, 3, 7])
def test_avg_pool_divisor_override(n, divisor):
    check_op(*_call(f"avg_pool{n}d", 3, 2, 1, True, False, divisor), _x("div", n))


@settings(max_examples=30, deadline=None)
@given(kh=st.integers(1, 4), kw=st.integers(1, 4), sh=st.integers(1, 3), sw=st.integers(1, 3),
       ph=st.integers(0, 2), pw=st.integers(0, 2), extra=st.integers(0, 5),
       ceil_mode=st.booleans(), include=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_avg_pool2d_hypothesis(kh, kw, sh, sw, ph, pw, extra, ceil_mode, include, seed):
    ph, pw = min(ph, kh // 2), min(pw, kw // 2)
    h, w = max(1, kh - 2 * ph) + extra, max(1, kw - 2 * pw) + extra
    x = np.random.default_rng(seed).standard_normal((2, 2, h, w)).astype(np.float32)
    check_op(*_call("avg_pool2d", (kh, kw), (sh, sw), (ph, pw), ceil_mode, include), x)


# -- adaptive, fractional, Lp, unpool --------------------------------------------------------
@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("sizes", [(1, 1, 1), (3, 4, 2), (7, 8, 9), (5, None, 3), (10, 3, 11)])
def test_adaptive_pools(n, sizes):
    out = sizes[0] if n == 1 else sizes[:n]
    for dtype in ("float32", "float64"):
        x = _x(("adaptive", sizes), n, dtype)
        check_op(*_call(f"adaptive_avg_pool{n}d", out), x)
        check_op(*_call(f"adaptive_max_pool{n}d", out, True), x)
        check_op(*_call(f"adaptive_avg_pool{n}d", out), x[0])


def _with_samples(name, samples, *args, **kwargs):
    """The fractional pool of each library, given the same (constant) random samples."""
    return (lambda x: getattr(LT_F, name)(x, *args, _random_samples=lt.tensor(samples), **kwargs),
            lambda x: getattr(TH_F, name)(x, *args, _random_samples=torch.tensor(samples),
                                          **kwargs))


@pytest.mark.parametrize("kernel,out", [(2, (4, 5)), (3, (3, 3)), ((2, 3), (6, 5))])
def test_fractional_max_pool2d_with_torchs_samples(kernel, out):
    x = _x(("frac", kernel), 2, "float64", size=8)
    samples = _rng("s", kernel).random((2, 3, 2))
    check_op(*_with_samples("fractional_max_pool2d", samples, kernel, out, return_indices=True),
             x)
    check_op(*_with_samples("fractional_max_pool2d", samples[:1], kernel, output_ratio=(0.5, 0.5)),
             x[0])
    check_op(*_with_samples("fractional_max_pool2d", samples.astype(np.float32), kernel, out),
             x.astype(np.float32))


def test_fractional_max_pool3d_with_torchs_samples():
    x = _x("frac3", 3, "float64", size=6)
    samples = _rng("s3").random((2, 3, 3))
    check_op(*_with_samples("fractional_max_pool3d", samples, 2, (4, 3, 5), return_indices=True),
             x)


def test_fractional_max_pool2d_layer_draws_torchs_samples():
    """Once seeded, the samples come from the generator in torch's order (torch.rand(N, C, 2))."""
    x = _x("frac-layer", 2, size=9)
    results = []
    for lib in (lt, torch):
        lib.manual_seed(5)
        results.append(lib.nn.FractionalMaxPool2d(3, output_ratio=(0.5, 0.6))(lib.tensor(x)))
    np.testing.assert_array_equal(results[0].numpy(), results[1].numpy())


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("norm,kernel,stride,ceil_mode", [(2, 2, None, False), (1.5, 3, 2, True),
                                                          (3, 2, 1, False)])
def test_lp_pool(n, norm, kernel, stride, ceil_mode):
    x = np.abs(_x(("lp", norm), n, "float64")) + 0.1
    check_op(*_call(f"lp_pool{n}d", norm, kernel, stride, ceil_mode), x)


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("kernel,stride,padding", [(2, None, 0), (3, 2, 1), (2, 3, 1)])
def test_max_unpool_inverts_max_pool(n, kernel, stride, padding):
    x = torch.tensor(_x(("unpool", kernel, stride), n, size=8))
    values, indices = getattr(TH_F, f"max_pool{n}d")(x, kernel, stride, padding,
                                                     return_indices=True)
    size = tuple(x.shape[2:])   # the pooled input's own size: every index is valid there
    check_op(lambda v, i: getattr(LT_F, f"max_unpool{n}d")(v, i, kernel, stride, padding, size),
             lambda v, i: getattr(TH_F, f"max_unpool{n}d")(v, i, kernel, stride, padding, size),
             values.numpy(), indices.numpy())
    cube = torch.tensor(_rng("cube", n).standard_normal((2, 3) + (8,) * n))
    values, indices = getattr(TH_F, f"max_pool{n}d")(cube, 2, return_indices=True)
    check_op(lambda v, i: getattr(LT_F, f"max_unpool{n}d")(v, i, 2),   # the default size
             lambda v, i: getattr(TH_F, f"max_unpool{n}d")(v, i, 2), values.numpy(),
             indices.numpy())


# -- higher order ----------------------------------------------------------------------------
GRADCHECKS = [
    lambda t: LT_F.max_pool2d(t, 2, 1, 1),
    lambda t: LT_F.max_pool1d(t[0], 3, 2, 1, ceil_mode=True),
    lambda t: LT_F.max_pool3d(t.unsqueeze(2), (1, 2, 2)),
    lambda t: LT_F.avg_pool2d(t, 3, 2, 1, ceil_mode=True, count_include_pad=False),
    lambda t: LT_F.avg_pool1d(t[0], 2, 1, 1),
    lambda t: LT_F.avg_pool2d(t, 2, divisor_override=3),
    lambda t: LT_F.adaptive_avg_pool2d(t, (2, 3)),
    lambda t: LT_F.adaptive_avg_pool3d(t.unsqueeze(0), (1, 2, 3)),
    lambda t: LT_F.adaptive_max_pool2d(t, 3),
    lambda t: LT_F.lp_pool2d(t.abs() + 1, 2, 2),
    lambda t: LT_F.fractional_max_pool2d(t, 2, 3, _random_samples=lt.tensor([[[0.3, 0.6]] * 2],
                                                                            dtype=lt.float64)),
    lambda t: LT_F.max_unpool2d(*LT_F.max_pool2d(t, 2, return_indices=True), 2, output_size=(5, 5)),
]


@pytest.mark.parametrize("index", range(len(GRADCHECKS)))
def test_gradcheck_and_gradgradcheck(index):
    x = lt.tensor(_rng("gc", index).standard_normal((1, 2, 5, 5)), requires_grad=True)
    assert gradcheck(GRADCHECKS[index], (x,))
    assert gradgradcheck(GRADCHECKS[index], (x,))


def test_grad_fn_names():
    x = lt.randn(1, 2, 4, 4, requires_grad=True)
    assert LT_F.max_pool2d(x, 2).grad_fn.name() == "MaxPool2DWithIndicesBackward0"
    assert LT_F.max_pool3d(x.unsqueeze(0), 2).grad_fn.name() == "MaxPool3DWithIndicesBackward0"
    assert LT_F.adaptive_max_pool2d(x, 2).grad_fn.name() == "AdaptiveMaxPool2DBackward0"
    assert LT_F.avg_pool2d(x, 2).grad_fn.name() == "AvgPool2DBackward0"


@pytest.mark.parametrize("n,size", [(2, 1), (2, (1, 1)), (2, 3), (2, (None, 2)), (2, (4, 5)),
                                    (3, 1), (3, (2, 1, 3))])
def test_adaptive_avg_pool_graph_matches_torch(n, size):
    """torch's nodes: a mean for a 1×1 output, else AdaptiveAvgPool2DBackward0, whose own
    backward (AdaptiveAvgPool2DBackwardBackward0) has edges to the gradient and the input."""
    x = _x(("adaptive-graph", n), n, "float64")
    names = []
    for lib in (lt, torch):
        xs = lib.tensor(x, requires_grad=True)
        y = getattr(lib.nn.functional, f"adaptive_avg_pool{n}d")(xs, size)
        gx, = lib.autograd.grad(y.square().sum(), xs, create_graph=True)
        names.append((y.grad_fn.name(), y.is_contiguous()) + (() if "Mean" in y.grad_fn.name()
                     else (gx.grad_fn.name(), [type(e[0]).__name__
                                               for e in gx.grad_fn.next_functions])))
    assert names[0] == names[1]   # (a mean's own backward is the reductions' business)
    check_op(*_call(f"adaptive_avg_pool{n}d", size), x)


@pytest.mark.parametrize("size", ["(9, 9)", "(1, 1, 9, 9)", "[9, 9]", "[1, 1, 9, 9]",
                                  "lib.Size([9, 9])", "lib.Size([1, 1, 9, 9])"])
def test_max_unpool_output_size_error_shows_the_size_as_given(size):
    def unpool(lib):
        x = lib.tensor(_x("unpool-size", 2, size=4))
        values, indices = lib.nn.functional.max_pool2d(x, 2, return_indices=True)
        return lib.nn.MaxUnpool2d(2)(values, indices, output_size=eval(size))
    check_raises(lambda: unpool(lt), lambda: unpool(torch))


@pytest.mark.parametrize("call", ["max_pool1d(x, 2)", "max_pool1d(x, 2, return_indices=True)[0]",
                                  "avg_pool1d(x, 3, 2, 1)", "adaptive_avg_pool1d(x, 3)",
                                  "adaptive_max_pool1d(x, 3)", "max_pool1d(x[0], 2)"])
def test_one_dimensional_pools_are_a_one_row_image_pool_as_in_torch(call):
    # torch runs the 2-D op on x.unsqueeze(-2): the result's grad_fn is SqueezeBackward1
    x = np.random.default_rng(0).standard_normal((2, 3, 9)).astype(np.float32)
    names = []
    for lib, functional in ((lt, LT_F), (torch, TH_F)):
        y = eval(call, {"x": lib.tensor(x, requires_grad=True), **vars(functional)})
        names.append(y.grad_fn.name())
    assert names[0] == names[1] == "SqueezeBackward1"


# -- layers ----------------------------------------------------------------------------------
LAYERS = [
    "MaxPool2d(2)", "MaxPool2d((2, 3), stride=1, padding=1, dilation=2, ceil_mode=True)",
    "MaxPool1d(3, 2, 1)", "MaxPool3d(2)", "AvgPool2d(2)", "AvgPool1d(3, 2, 1)",
    "AvgPool3d(2, divisor_override=3)", "AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False)",
    "AdaptiveAvgPool2d((5, None))", "AdaptiveAvgPool1d(3)", "AdaptiveAvgPool3d(2)",
    "AdaptiveMaxPool2d(3)", "AdaptiveMaxPool1d(4)", "AdaptiveMaxPool3d((2, 3, 1))",
    "LPPool2d(2, 3)", "LPPool1d(2, 3, stride=2)", "LPPool3d(1.5, 2)",
]


@pytest.mark.parametrize("layer", LAYERS)
def test_layers_repr_and_forward(layer):
    ours, theirs = eval("lt.nn." + layer), eval("torch.nn." + layer)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == []
    n = int(layer.split("(")[0][-2])
    x = np.abs(_x(layer, n, size=8)) + 0.1
    check_op(ours, theirs, x)


def test_return_indices_layers_and_unpool_layers():
    x = _x("layers", 2, size=8)
    check_op(lt.nn.MaxPool2d(2, return_indices=True), torch.nn.MaxPool2d(2, return_indices=True),
             x)
    check_op(lt.nn.AdaptiveMaxPool2d(3, return_indices=True),
             torch.nn.AdaptiveMaxPool2d(3, return_indices=True), x)
    values, indices = torch.nn.MaxPool2d(2, return_indices=True)(torch.tensor(x[..., :8]))
    for cls in ("MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"):
        assert repr(getattr(lt.nn, cls)(2, 3, 1)) == repr(getattr(torch.nn, cls)(2, 3, 1))
    check_op(lt.nn.MaxUnpool2d(2), torch.nn.MaxUnpool2d(2), values.numpy(), indices.numpy())
    for kwargs in (dict(output_ratio=0.5), dict(output_size=4)):
        assert repr(lt.nn.FractionalMaxPool2d(3, **kwargs)) == \
            repr(torch.nn.FractionalMaxPool2d(3, **kwargs))


# -- errors ----------------------------------------------------------------------------------
def _z(lib, *shape):
    return lib.zeros(*shape)


ERRORS = [
    lambda L: L.nn.functional.max_pool2d(_z(L, 2, 3, 4, 5, 6), 2),
    lambda L: L.nn.functional.max_pool2d(_z(L, 5, 6), 2),
    lambda L: L.nn.functional.max_pool1d(_z(L, 5), 2),
    lambda L: L.nn.functional.max_pool3d(_z(L, 5, 6, 7), 2),
    lambda L: L.nn.functional.avg_pool2d(_z(L, 5, 6), 2),
    lambda L: L.nn.functional.avg_pool1d(_z(L, 5), 2),
    lambda L: L.nn.functional.avg_pool3d(_z(L, 5, 6, 7), 2),
    lambda L: L.nn.functional.max_pool2d(_z(L, 1, 3, 4, 4), 3, padding=2),
    lambda L: L.nn.functional.avg_pool2d(_z(L, 1, 3, 4, 4), 3, padding=2),
    lambda L: L.nn.functional.max_pool2d(_z(L, 1, 3, 2, 2), 3),
    lambda L: L.nn.functional.avg_pool2d(_z(L, 1, 3, 2, 2), 3),
    lambda L: L.nn.functional.max_pool1d(_z(L, 1, 3, 2), 3),
    lambda L: L.nn.functional.max_pool2d(_z(L, 1, 3, 4, 4), 2, stride=0),
    lambda L: L.nn.functional.max_pool2d(_z(L, 1, 3, 4, 4), (2, 2, 2)),
    lambda L: L.nn.functional.adaptive_avg_pool2d(_z(L, 5, 6), 2),
    lambda L: L.nn.functional.adaptive_max_pool2d(_z(L, 5, 6), 2),
    lambda L: L.nn.functional.adaptive_avg_pool2d(_z(L, 1, 5, 6), (2, 2, 2)),
    lambda L: L.nn.functional.max_unpool2d(_z(L, 1, 1, 2, 2), _z(L, 1, 1, 2, 2).long() + 100, 2),
    lambda L: L.nn.functional.fractional_max_pool2d(_z(L, 1, 1, 5, 5), 3, output_size=4),
    lambda L: L.nn.functional.fractional_max_pool2d(_z(L, 1, 1, 5, 5), 3),
    lambda L: L.nn.FractionalMaxPool2d(3),
    lambda L: L.nn.FractionalMaxPool2d(3, output_size=2, output_ratio=0.5),
    lambda L: L.nn.FractionalMaxPool2d(3, output_ratio=1.5),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_torch(index):
    check_raises(lambda: ERRORS[index](lt), lambda: ERRORS[index](torch))


@pytest.mark.parametrize("shape", [(1, 0, 5), (0, 5), (0, 1, 5)])
def test_avg_pool1d_on_empty_planes_raises_or_returns_as_torch(shape):
    outcomes = []
    for lib in (lt, torch):
        try:
            outcomes.append(tuple(lib.nn.functional.avg_pool1d(lib.zeros(*shape), 2).shape))
        except RuntimeError as e:
            outcomes.append(str(e))
    assert outcomes[0] == outcomes[1]
