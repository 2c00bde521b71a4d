"""F.conv1d/2d/3d, F.conv_transpose1d/2d/3d and the Conv/ConvTranspose layers vs torch.

Values and gradients (input, weight, bias) over a grid of stride/padding/dilation/groups
and with hypothesis; float64 gradcheck and gradgradcheck; second derivatives against
torch's; reprs, state_dict keys, default initialisation bit for bit; torch's errors.
"""
import itertools
import re
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


def _conv_inputs(rng, n, batch, cin, cout, size, kernel, groups, dtype, bias=True,
                 transposed=False):
    x = rng.standard_normal((batch, cin) + (size,) * n).astype(dtype)
    shape = (cin, cout // groups) if transposed else (cout, cin // groups)
    w = rng.standard_normal(shape + (kernel,) * n).astype(dtype)
    b = rng.standard_normal(cout).astype(dtype) if bias else None
    return x, w, b


def _tol(dtype):
    return dict(rtol=1e-4, atol=1e-4) if dtype == "float32" else dict(rtol=1e-9, atol=1e-9)


# -- functional forward and gradients -------------------------------------------------------
# torch rejects padding='same' with stride > 1 (one of the error cases below)
GRID = [(s, p, d, g) for s, p, d, g in itertools.product([1, 2], [0, 1, "same", "valid"], [1, 2],
                                                         [1, 2]) if not (p == "same" and s > 1)]


@pytest.mark.filterwarnings("ignore:Using padding='same'")   # torch's note on its own copy
@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("stride,padding,dilation,groups", GRID)
def test_conv_matches_torch(n, stride, padding, dilation, groups):
    size = {1: 9, 2: 7, 3: 5}[n]
    for dtype in ("float32", "float64"):
        x, w, b = _conv_inputs(_rng(n, stride, padding, dilation, groups, dtype), n, 2, 4, 6,
                               size, 3 if n < 3 else 2, groups, dtype)
        name = f"conv{n}d"
        check_op(lambda x, w, b: getattr(LT_F, name)(x, w, b, stride, padding, dilation, groups),
                 lambda x, w, b: getattr(TH_F, name)(x, w, b, stride, padding, dilation, groups),
                 x, w, b, **_tol(dtype))


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("stride,padding,output_padding,dilation,groups", [
    (1, 0, 0, 1, 1), (2, 1, 1, 1, 1), (3, 2, 2, 1, 2), (2, 0, 1, 2, 1), (1, 1, 1, 2, 2),
    (2, 2, 0, 3, 1)])
def test_conv_transpose_matches_torch(n, stride, padding, output_padding, dilation, groups):
    size = {1: 6, 2: 5, 3: 3}[n]
    for dtype in ("float32", "float64"):
        x, w, b = _conv_inputs(_rng(n, stride, padding, dtype), n, 2, 4, 6, size, 3, groups,
                               dtype, transposed=True)
        name = f"conv_transpose{n}d"
        args = (stride, padding, output_padding, groups, dilation)
        check_op(lambda x, w, b: getattr(LT_F, name)(x, w, b, *args),
                 lambda x, w, b: getattr(TH_F, name)(x, w, b, *args), x, w, b, **_tol(dtype))


@settings(max_examples=40, deadline=None)
@given(batch=st.integers(1, 3), groups=st.integers(1, 3), cin_per=st.integers(1, 2),
       cout_per=st.integers(1, 2), kh=st.integers(1, 4), kw=st.integers(1, 4),
       sh=st.integers(1, 3), sw=st.integers(1, 3), ph=st.integers(0, 2), pw=st.integers(0, 2),
       dh=st.integers(1, 2), dw=st.integers(1, 2), extra_h=st.integers(0, 4),
       extra_w=st.integers(0, 4), bias=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_conv2d_hypothesis(batch, groups, cin_per, cout_per, kh, kw, sh, sw, ph, pw, dh, dw,
                           extra_h, extra_w, bias, seed):
    rng = np.random.default_rng(seed)
    h = max(1, dh * (kh - 1) + 1 - 2 * ph) + extra_h   # always at least one window
    w_ = max(1, dw * (kw - 1) + 1 - 2 * pw) + extra_w
    x = rng.standard_normal((batch, groups * cin_per, h, w_)).astype(np.float32)
    weight = rng.standard_normal((groups * cout_per, cin_per, kh, kw)).astype(np.float32)
    b = rng.standard_normal(groups * cout_per).astype(np.float32)
    args = ((sh, sw), (ph, pw), (dh, dw), groups)
    if bias:
        check_op(lambda x, w, b: LT_F.conv2d(x, w, b, *args),
                 lambda x, w, b: TH_F.conv2d(x, w, b, *args), x, weight, b, rtol=1e-4, atol=1e-4)
    else:
        check_op(lambda x, w: LT_F.conv2d(x, w, None, *args),
                 lambda x, w: TH_F.conv2d(x, w, None, *args), x, weight, rtol=1e-4, atol=1e-4)


@settings(max_examples=25, deadline=None)
@given(groups=st.integers(1, 2), k=st.integers(1, 4), s=st.integers(1, 3), p=st.integers(0, 2),
       d=st.integers(1, 2), size=st.integers(1, 5), seed=st.integers(0, 2 ** 16),
       op_seed=st.integers(0, 10))
def test_conv_transpose2d_hypothesis(groups, k, s, p, d, size, seed, op_seed):
    rng = np.random.default_rng(seed)
    op = op_seed % max(s, d)               # output_padding must be < stride or < dilation
    if (size - 1) * s - 2 * p + d * (k - 1) + op + 1 <= 0:
        return
    x = rng.standard_normal((2, 2 * groups, size, size + 1)).astype(np.float32)
    w = rng.standard_normal((2 * groups, 3, k, k)).astype(np.float32)
    b = rng.standard_normal(3 * groups).astype(np.float32)
    args = (s, p, op, groups, d)
    check_op(lambda x, w, b: LT_F.conv_transpose2d(x, w, b, *args),
             lambda x, w, b: TH_F.conv_transpose2d(x, w, b, *args), x, w, b, rtol=1e-4,
             atol=1e-4)


def test_unbatched_inputs_are_accepted():
    rng = _rng("unbatched")
    for n in (1, 2, 3):
        x = rng.standard_normal((3,) + (5,) * n)
        w = rng.standard_normal((4, 3) + (2,) * n)
        check_op(lambda x, w: getattr(LT_F, f"conv{n}d")(x, w, padding=1),
                 lambda x, w: getattr(TH_F, f"conv{n}d")(x, w, padding=1), x, w)
        wt = rng.standard_normal((3, 4) + (2,) * n)
        check_op(lambda x, w: getattr(LT_F, f"conv_transpose{n}d")(x, w, stride=2),
                 lambda x, w: getattr(TH_F, f"conv_transpose{n}d")(x, w, stride=2), x, wt)


def test_integer_convolution_and_empty_batch():
    rng = _rng("int")
    x = rng.integers(-3, 4, (2, 2, 5, 5))
    w = rng.integers(-3, 4, (3, 2, 2, 2))
    check_op(LT_F.conv2d, TH_F.conv2d, x, w, grad=False)
    x0 = np.zeros((0, 2, 5, 5), np.float32)
    check_op(LT_F.conv2d, TH_F.conv2d, x0, w.astype(np.float32))


def test_inf_weights_unused_nan_inputs_and_channels_last_inputs_match_torch():
    # the input gradient lays dy's rows out with zeros between them: an inf in w must not
    # turn those into NaN (0·inf), and a NaN that no window reads (the last column, skipped
    # by stride 2) must stay out of every result, as in torch
    rng = _rng("inf")
    x = rng.standard_normal((2, 3, 7, 8)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    w_inf = w.copy()
    w_inf[1, 2, 0, 1] = np.inf
    check_op(lambda x, w: LT_F.conv2d(x, w, stride=(2, 1)),
             lambda x, w: TH_F.conv2d(x, w, stride=(2, 1)), x, w_inf, **_tol("float32"))
    x_nan = x.copy()
    x_nan[..., 7] = np.nan
    check_op(lambda x, w: LT_F.conv2d(x, w, stride=2), lambda x, w: TH_F.conv2d(x, w, stride=2),
             x_nan, w, **_tol("float32"))
    channels_last = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    check_op(lambda x, w: LT_F.conv2d(x.permute(0, 3, 1, 2), w, padding=1),
             lambda x, w: TH_F.conv2d(x.permute(0, 3, 1, 2), w, padding=1), channels_last, w,
             **_tol("float32"))


@pytest.mark.parametrize("case", [
    dict(batch=2, groups=1, dtype="float32", pad=1),    # torch (oneDNN) skips the padding
    dict(batch=2, groups=1, dtype="float32", pad=(2, 0)),
    dict(batch=1, groups=1, dtype="float32", pad=1),    # torch's other paths: NaN, as ours
    dict(batch=2, groups=2, dtype="float32", pad=1),
    dict(batch=1, groups="depthwise", dtype="float32", pad=1),   # torch's depthwise: skipped
    dict(batch=2, groups=1, dtype="float64", pad=1)])
@pytest.mark.parametrize("cin", [2, 8])   # 8 channels: the channels-last columns' shape class
def test_inf_and_nan_weights_next_to_padding_match_torch(case, cin):
    rng = _rng("inf-pad", str(case), cin)
    case = dict(case, groups=cin if case["groups"] == "depthwise" else case["groups"])
    x = rng.standard_normal((case["batch"], cin, 5, 6)).astype(case["dtype"])
    w = rng.standard_normal((cin, cin // case["groups"], 3, 3)).astype(case["dtype"])
    w[0, 0, 1, 0], w[1, -1, 0, 2], w[-1, 0, 2, 2] = np.inf, -np.inf, np.nan
    args = dict(padding=case["pad"], groups=case["groups"])
    if _kernel_dependent(case, cin):
        _check_grouped_nan("conv2d", x, w, args)
    else:
        ours, theirs = check_op(lambda x, w: LT_F.conv2d(x, w, **args),
                                lambda x, w: TH_F.conv2d(x, w, **args), x, w,
                                **_tol(case["dtype"]))
        assert np.isinf(theirs.detach().numpy()).any()   # the case is not all NaN
    for n in (1, 3):
        xn = rng.standard_normal((case["batch"], cin) + (4,) * n).astype(case["dtype"])
        wn = rng.standard_normal((cin, cin // case["groups"]) + (3,) * n).astype(case["dtype"])
        wn.reshape(-1)[1] = np.inf
        if _kernel_dependent(case, cin):
            _check_grouped_nan(f"conv{n}d", xn, wn, dict(padding=1, groups=case["groups"]))
            continue
        check_op(lambda x, w: getattr(LT_F, f"conv{n}d")(x, w, padding=1, groups=case["groups"]),
                 lambda x, w: getattr(TH_F, f"conv{n}d")(x, w, padding=1, groups=case["groups"]),
                 xn, wn, **_tol(case["dtype"]))


def _kernel_dependent(case, cin):
    """A float32 batch in 1 < groups < channels: torch hands it to oneDNN, whose grouped kernel
    leaves the padding out on some CPUs (AVX-512: an AMD EPYC, 2026-12-01) and multiplies it
    in, giving NaN, on others (the machine of 2026-11-30)."""
    return case["dtype"] == "float32" and case["batch"] > 1 and 1 < case["groups"] < cin


def _check_grouped_nan(conv, x, w, args):
    """Ours is the plain product, as torch's float64 path gives it (NaN where the padding meets
    inf or NaN); torch's float32 result agrees wherever that product is a number."""
    ours = getattr(LT_F, conv)(lt.tensor(x), lt.tensor(w), **args).numpy()
    plain = getattr(TH_F, conv)(torch.tensor(x).double(), torch.tensor(w).double(),
                                **args).float().numpy()
    np.testing.assert_allclose(ours, plain, **_tol("float32"))
    theirs = getattr(TH_F, conv)(torch.tensor(x), torch.tensor(w), **args).numpy()
    number = ~np.isnan(plain)
    np.testing.assert_allclose(theirs[number], plain[number], **_tol("float32"))


# many channels, a narrow output: the columns come from the channels-last image
CHANNELS_LAST = [dict(), dict(stride=2), dict(padding=2), dict(dilation=(2, 1), padding=(1, 2)),
                 dict(stride=(1, 2), padding=1), dict(padding="same")]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("kwargs", CHANNELS_LAST)
def test_channels_last_columns_match_torch(kwargs):
    from learntorch.nn._functional import conv as conv_module
    rng = _rng("last", str(kwargs))
    x = rng.standard_normal((3, 6, 9, 8)).astype(np.float32)
    w = rng.standard_normal((5, 6, 3, 3)).astype(np.float32)
    b = rng.standard_normal(5).astype(np.float32)
    out = TH_F.conv2d(torch.tensor(x), torch.tensor(w), **kwargs).shape[2:]
    stride = conv_module.expand_arg(kwargs.get("stride", 1), 2, "stride")
    dilation = conv_module.expand_arg(kwargs.get("dilation", 1), 2, "dilation")
    assert conv_module._channels_last(x.shape, (3, 3), stride, dilation, 1, out)
    check_op(lambda x, w, b: LT_F.conv2d(x, w, b, **kwargs),
             lambda x, w, b: TH_F.conv2d(x, w, b, **kwargs), x, w, b, **_tol("float32"))
    # a non-contiguous input (every other column of a wider one) and float64 gradcheck
    wide = rng.standard_normal((3, 6, 9, 16)).astype(np.float32)
    check_op(lambda x, w: LT_F.conv2d(x[..., ::2], w, **kwargs),
             lambda x, w: TH_F.conv2d(x[..., ::2], w, **kwargs), wide, w, **_tol("float32"))
    xd = lt.tensor(x[:2, :, :6, :5].astype(np.float64), requires_grad=True)
    wd = lt.tensor(w[:2].astype(np.float64), requires_grad=True)
    assert gradcheck(lambda x, w: LT_F.conv2d(x, w, **kwargs), (xd, wd))
    assert gradgradcheck(lambda x, w: LT_F.conv2d(x, w, **kwargs), (xd, wd))


def test_grad_fn_name_and_edges():
    x = lt.randn(1, 2, 5, 5, requires_grad=True)
    w = lt.randn(3, 2, 3, 3, requires_grad=True)
    y = LT_F.conv2d(x, w, lt.randn(3))
    assert y.grad_fn.name() == "ConvolutionBackward0"
    assert LT_F.conv_transpose2d(y, w).grad_fn.name() == "ConvolutionBackward0"
    assert [e[0] is None for e in y.grad_fn.next_functions] == [False, False, True]


def test_backward_twice_with_retain_graph_gives_the_same_gradients():
    # the columns forward made are freed by the first backward and recomputed by the second
    x = np.random.default_rng(5).standard_normal((2, 3, 6, 6)).astype(np.float32)
    w = np.random.default_rng(6).standard_normal((4, 3, 3, 3)).astype(np.float32)
    results = []
    for lib in (lt, torch):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = lib.nn.functional.conv2d(xt, wt, padding=1)
        y.square().sum().backward(retain_graph=True)
        first = wt.grad.clone()
        y.square().sum().backward()
        results.append((first.numpy(), wt.grad.numpy(), xt.grad.numpy()))
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(results[0][1], 2 * results[0][0], rtol=1e-6)


# -- higher order ----------------------------------------------------------------------------
@pytest.mark.parametrize("n,kwargs", [
    (1, dict(stride=2, padding=1)), (2, dict(stride=(2, 1), padding=1, dilation=(1, 2))),
    (2, dict(groups=2, padding="same")), (3, dict(padding=1, stride=2))])
def test_conv_gradcheck_and_gradgradcheck(n, kwargs):
    rng = _rng("gc", n)
    x = lt.tensor(rng.standard_normal((2, 2) + (4,) * n), requires_grad=True)
    w = lt.tensor(rng.standard_normal((2, 2 // kwargs.get("groups", 1)) + (3,) * n),
                  requires_grad=True)
    b = lt.tensor(rng.standard_normal(2), requires_grad=True)
    fn = lambda x, w, b: getattr(LT_F, f"conv{n}d")(x, w, b, **kwargs)  # noqa: E731
    assert gradcheck(fn, (x, w, b))
    assert gradgradcheck(fn, (x, w, b))


@pytest.mark.parametrize("kwargs", [dict(stride=2, padding=1, output_padding=1),
                                    dict(groups=2, dilation=2)])
def test_conv_transpose_gradcheck_and_gradgradcheck(kwargs):
    rng = _rng("gct", str(kwargs))
    x = lt.tensor(rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    w = lt.tensor(rng.standard_normal((2, 2 // kwargs.get("groups", 1), 3, 2)), requires_grad=True)
    b = lt.tensor(rng.standard_normal(2 // kwargs.get("groups", 1) * kwargs.get("groups", 1)),
                  requires_grad=True)
    fn = lambda x, w, b: LT_F.conv_transpose2d(x, w, b, **kwargs)  # noqa: E731
    assert gradcheck(fn, (x, w, b))
    assert gradgradcheck(fn, (x, w, b))


def test_second_derivatives_match_torch():
    """d/d(x, w) of <∇ₓL, v> + <∇_wL, u>: the double-backward ops against torch's."""
    rng = _rng("second")
    x, w = rng.standard_normal((2, 4, 6, 5)), rng.standard_normal((6, 2, 3, 2))
    gy = rng.standard_normal((2, 6, 3, 6))
    v, u = rng.standard_normal(x.shape), rng.standard_normal(w.shape)
    results = []
    for lib in (lt, torch):
        xs, ws = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = lib.nn.functional.conv2d(xs, ws, stride=(2, 1), padding=1, groups=2)
        gx, gw = lib.autograd.grad(y, (xs, ws), lib.tensor(gy), create_graph=True)
        total = (gx * lib.tensor(v)).sum() + (gw * lib.tensor(u)).sum()
        results.append([g.detach().numpy() for g in lib.autograd.grad(total, (xs, ws))])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)


# -- errors ----------------------------------------------------------------------------------
def _t(lib, *shape, dtype="float32"):
    return lib.zeros(*shape, dtype=getattr(lib, dtype))


ERRORS = [
    lambda L: L.nn.functional.conv2d(_t(L, 1, 3, 28, 28), _t(L, 6, 1, 5, 5)),
    lambda L: L.nn.functional.conv2d(_t(L, 1, 1, 4, 4), _t(L, 6, 1, 5, 5)),
    lambda L: L.nn.functional.conv2d(_t(L, 1, 1, 2, 28, 28), _t(L, 6, 1, 5, 5)),
    lambda L: L.nn.functional.conv2d(_t(L, 28, 28), _t(L, 6, 1, 5, 5)),
    lambda L: L.nn.functional.conv1d(_t(L, 28, 28), _t(L, 3, 28, 2, 2)),
    lambda L: L.nn.functional.conv2d(_t(L, 1, 1, 8, 8), _t(L, 6, 1, 5, 5), stride=0),
    lambda L: L.nn.functional.conv2d(_t(L, 1, 1, 8, 8), _t(L, 6, 1, 5, 5), padding=-1),
    lambda L: L.nn.functional.conv2d(_t(L, 1, 1, 8, 8), _t(L, 6, 1, 5, 5), dilation=0),
    lambda L: L.nn.functional.conv2d(_t(L, 1, 1, 8, 8), _t(L, 6, 1, 5, 5), stride=(1, 1, 1)),
    lambda L: L.nn.functional.conv2d(_t(L, 1, 1, 8, 8), _t(L, 6, 1, 5, 5), padding="same",
                                     stride=2),
    lambda L: L.nn.functional.conv2d(_t(L, 1, 1, 8, 8), _t(L, 6, 1, 5, 5), padding="foo"),
    lambda L: L.nn.functional.conv2d(_t(L, 1, 4, 8, 8), _t(L, 6, 2, 3, 3), groups=3),
    lambda L: L.nn.functional.conv2d(_t(L, 1, 4, 8, 8), _t(L, 6, 2, 3, 3), _t(L, 5), groups=2),
    lambda L: L.nn.functional.conv2d(_t(L, 1, 4, 8, 8), _t(L, 6, 2, 3, 3), groups=0),
    lambda L: L.nn.functional.conv2d(_t(L, 1, 4, 8, 8), _t(L, 5, 2, 3, 3), groups=2),
    lambda L: L.nn.functional.conv2d(_t(L, 1, 4, 8, 8, dtype="float64"), _t(L, 6, 4, 3, 3)),
    lambda L: L.nn.functional.conv2d(_t(L, 1, 4, 8, 8), _t(L, 6, 4, 3, 3),
                                     _t(L, 6, dtype="float64")),
    lambda L: L.nn.functional.conv2d(_t(L, 2, 1, 8, 8), _t(L, 0, 1, 5, 5)),
    lambda L: L.nn.functional.conv2d(_t(L, 1, 1, 8, 8), _t(L, 6, 1, 4, 4), dilation=3),
    lambda L: L.nn.functional.conv_transpose2d(_t(L, 1, 4, 8, 8), _t(L, 3, 4, 3, 3)),
    lambda L: L.nn.functional.conv_transpose2d(_t(L, 1, 4, 8, 8), _t(L, 4, 2, 3, 3),
                                               output_padding=1),
    lambda L: L.nn.functional.conv_transpose2d(_t(L, 1, 4, 8, 8), _t(L, 4, 2, 3, 3), stride=2,
                                               output_padding=2),
    lambda L: L.nn.functional.conv_transpose2d(_t(L, 1, 4, 8), _t(L, 4, 2, 3, 3)),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_torch(index):
    check_raises(lambda: ERRORS[index](lt), lambda: ERRORS[index](torch))


MODULE_ERRORS = [
    lambda L: L.nn.Conv2d(1, 6, 5, padding="same", stride=2),
    lambda L: L.nn.Conv2d(1, 6, 5, padding="full"),
    lambda L: L.nn.Conv2d(1, 6, 5, padding_mode="foo"),
    lambda L: L.nn.Conv2d(4, 6, 5, groups=3),
    lambda L: L.nn.Conv2d(3, 5, 5, groups=3),
    lambda L: L.nn.Conv2d(3, 6, 5, groups=0),
    lambda L: L.nn.ConvTranspose2d(3, 6, 5, padding_mode="reflect"),
    lambda L: L.nn.ConvTranspose2d(2, 3, 3, stride=2)(_t(L, 1, 2, 4, 4), output_size=(20, 20)),
    lambda L: L.nn.ConvTranspose2d(2, 3, 3, stride=2)(_t(L, 1, 2, 4, 4), output_size=(9,)),
    lambda L: L.nn.Conv2d(1, 6, 5)(_t(L, 1, 3, 28, 28)),
]


def _sorted_sets(message):
    """The message with each ``{...}`` set's items sorted: a set prints in an order that
    depends on the interpreter's string hashing, for torch's message as for ours."""
    return re.sub(r"\{([^}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}",
                  message)


@pytest.mark.parametrize("index", range(len(MODULE_ERRORS)))
def test_module_errors_match_torch(index):
    ours, theirs = check_raises(lambda: MODULE_ERRORS[index](lt),
                                lambda: MODULE_ERRORS[index](torch), exact_message=False)
    assert _sorted_sets(str(ours)) == _sorted_sets(str(theirs))


# -- modules ---------------------------------------------------------------------------------
CONSTRUCTIONS = [
    ("Conv1d", (2, 4, 3), {}), ("Conv2d", (1, 6, 5), {}), ("Conv3d", (2, 4, 2), {}),
    ("Conv2d", (1, 6, 5), dict(stride=2, padding=1, dilation=2, bias=False,
                               padding_mode="reflect")),
    ("Conv2d", (4, 6, (3, 2)), dict(padding="same", groups=2, padding_mode="circular")),
    ("Conv2d", (4, 6, 3), dict(padding="valid")),
    ("Conv1d", (4, 4, 3), dict(padding=2, padding_mode="replicate", groups=4)),
    ("Conv3d", (2, 2, 3), dict(padding=(1, 0, 1), padding_mode="zeros", stride=(1, 2, 1))),
    ("ConvTranspose1d", (2, 4, 3), dict(stride=2, output_padding=1)),
    ("ConvTranspose2d", (4, 6, 3), dict(stride=2, padding=1, output_padding=1, groups=2)),
    ("ConvTranspose3d", (2, 3, 2), dict(dilation=2, bias=False)),
]


@pytest.mark.parametrize("cls,args,kwargs", CONSTRUCTIONS)
def test_module_repr_state_dict_and_default_init(cls, args, kwargs):
    lt.manual_seed(7)
    torch.manual_seed(7)
    ours, theirs = getattr(lt.nn, cls)(*args, **kwargs), getattr(torch.nn, cls)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy(), err_msg=name)


@pytest.mark.parametrize("cls,args,kwargs", CONSTRUCTIONS)
def test_module_forward_and_parameter_gradients(cls, args, kwargs):
    ours, theirs = getattr(lt.nn, cls)(*args, **kwargs), getattr(torch.nn, cls)(*args, **kwargs)
    with torch.no_grad():
        for p, q in zip(ours.parameters(), theirs.parameters()):
            q.copy_(torch.from_numpy(p.detach().numpy().copy()))
    n = int(cls[-2])
    x = _rng(cls, str(kwargs)).standard_normal((2, args[0]) + (10,) * n).astype(np.float32)
    xa, xb = lt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yb = ours(xa), theirs(xb)
    np.testing.assert_allclose(ya.detach().numpy(), yb.detach().numpy(), rtol=1e-4, atol=1e-5)
    g = _rng("g", cls).standard_normal(tuple(yb.shape)).astype(np.float32)
    ya.backward(lt.tensor(g))
    yb.backward(torch.tensor(g))
    np.testing.assert_allclose(xa.grad.numpy(), xb.grad.numpy(), rtol=1e-4, atol=1e-4)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-4, atol=1e-4,
                                   err_msg=name)


def test_conv_transpose_output_size():
    for lib in (lt, torch):
        lib.manual_seed(0)
    ours, theirs = lt.nn.ConvTranspose2d(2, 3, 3, stride=2), torch.nn.ConvTranspose2d(2, 3, 3, stride=2)
    x = _rng("os").standard_normal((1, 2, 4, 4)).astype(np.float32)
    for size in [(9, 9), (10, 9), [1, 3, 10, 10]]:
        a, b = ours(lt.tensor(x), output_size=size), theirs(torch.tensor(x), output_size=size)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", ["LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose2d"])
def test_lazy_modules(cls):
    lt.manual_seed(3)
    torch.manual_seed(3)
    ours, theirs = getattr(lt.nn, cls)(4, 3), getattr(torch.nn, cls)(4, 3)
    assert repr(ours) == repr(theirs)
    n = int(cls[-2])
    x = _rng(cls).standard_normal((2, 5) + (5,) * n).astype(np.float32)
    a, b = ours(lt.tensor(x)), theirs(torch.tensor(x))
    assert repr(ours) == repr(theirs) and type(ours).__name__ == type(theirs).__name__
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_lenet_layers_start_from_torchs_weights():
    def build(lib):
        lib.manual_seed(0)
        return lib.nn.Sequential(lib.nn.Conv2d(1, 6, 5), lib.nn.Conv2d(6, 16, 5))
    ours, theirs = build(lt), build(torch)
    for (k, a), (_, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)


def test_conv_tbc_and_the_small_functional_helpers_match_torch():
    import torch as real
    x, w, b = (np.random.default_rng(3).standard_normal(s).astype(np.float32)
               for s in ((7, 2, 3), (3, 3, 4), (4,)))
    for pad in (0, 1):
        ours = lt.nn.functional.conv_tbc(lt.tensor(x), lt.tensor(w), lt.tensor(b), pad)
        theirs = real.nn.functional.conv_tbc(real.tensor(x), real.tensor(w), real.tensor(b), pad)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-5)
    F, TF = lt.nn.functional, real.nn.functional
    assert F.GRID_SAMPLE_INTERPOLATION_MODES == TF.GRID_SAMPLE_INTERPOLATION_MODES
    assert F.GRID_SAMPLE_PADDING_MODES == TF.GRID_SAMPLE_PADDING_MODES
    y = np.arange(2 * 6 * 2 * 2, dtype=np.float32).reshape(2, 6, 2, 2)
    assert np.array_equal(F.native_channel_shuffle(lt.tensor(y), 3).numpy(),
                          TF.native_channel_shuffle(real.tensor(y), 3).numpy())
    with pytest.raises(AssertionError, match="kernel_size must be"):
        F.assert_int_or_pair((1, 2, 3), "kernel_size", "{} must be an int or a pair")
