"""interpolate/upsample, pixel (un)shuffle, channel_shuffle, unfold/fold, grid_sample and
affine_grid, functional and layers, vs torch: values, gradients (input and grid/theta),
float64 gradcheck and gradgradcheck, reprs and torch's errors."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
from learntorch.autograd import gradcheck, gradgradcheck

from helpers import check_op, check_raises

LT_F, TH_F = lt.nn.functional, torch.nn.functional


def _x(shape, dtype="float32", seed=0, low=None, high=None):
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(shape) if low is None else rng.uniform(low, high, shape)
    return values.astype(dtype)


def _call(name, *args, **kwargs):
    return (lambda *a: getattr(LT_F, name)(*a, *args, **kwargs),
            lambda *a: getattr(TH_F, name)(*a, *args, **kwargs))


# -- interpolate -----------------------------------------------------------------------------
INTERPOLATE_2D = [
    dict(scale_factor=2), dict(size=(8, 3)), dict(scale_factor=1.7), dict(scale_factor=(0.5, 2.3)),
    dict(size=(11, 13), mode="nearest-exact"), dict(scale_factor=0.7, mode="nearest-exact"),
    dict(size=(8, 3), mode="bilinear"), dict(size=(8, 11), mode="bilinear", align_corners=True),
    dict(scale_factor=1.5, mode="bilinear"), dict(size=(1, 1), mode="bilinear", align_corners=True),
    dict(scale_factor=(0.6, 1.3), mode="bicubic"), dict(size=(9, 4), mode="bicubic",
                                                        align_corners=True),
    dict(size=(3, 4), mode="area"), dict(scale_factor=0.5, mode="area"),
    dict(scale_factor=2.5, mode="bilinear", recompute_scale_factor=True),
    dict(scale_factor=2.5, mode="nearest", recompute_scale_factor=True),
]


@pytest.mark.parametrize("kwargs", INTERPOLATE_2D, ids=str)
def test_interpolate_2d(kwargs):
    for dtype in ("float32", "float64"):
        check_op(*_call("interpolate", **kwargs), _x((2, 3, 5, 7), dtype))


@pytest.mark.parametrize("kwargs", [
    dict(scale_factor=1.6, mode="linear"), dict(size=9, mode="linear", align_corners=True),
    dict(size=3, mode="linear"), dict(scale_factor=3), dict(size=4, mode="area"),
    dict(size=(12,), mode="nearest-exact")], ids=str)
def test_interpolate_1d(kwargs):
    for dtype in ("float32", "float64"):
        check_op(*_call("interpolate", **kwargs), _x((2, 3, 7), dtype))


@pytest.mark.parametrize("kwargs", [
    dict(size=(3, 4, 5), mode="trilinear"), dict(scale_factor=1.5, mode="trilinear",
                                                 align_corners=True),
    dict(scale_factor=2), dict(size=(2, 3, 2), mode="area"), dict(scale_factor=(1, 2, 0.5))],
    ids=str)
def test_interpolate_3d(kwargs):
    check_op(*_call("interpolate", **kwargs), _x((2, 2, 3, 4, 5)))


@settings(max_examples=40, deadline=None)
@given(mode=st.sampled_from(["nearest", "nearest-exact", "bilinear", "bicubic", "area"]),
       align=st.booleans(), h=st.integers(1, 6), w=st.integers(1, 6),
       oh=st.integers(1, 12), ow=st.integers(1, 12), seed=st.integers(0, 999))
def test_interpolate_hypothesis(mode, align, h, w, oh, ow, seed):
    align = align if mode in ("bilinear", "bicubic") else None
    check_op(*_call("interpolate", size=(oh, ow), mode=mode, align_corners=align),
             _x((1, 2, h, w), "float64", seed))


def test_upsample_aliases_warn_like_torch():
    x = _x((1, 2, 3, 4))
    for name, kwargs in [("upsample", dict(scale_factor=2, mode="bilinear")),
                         ("upsample_nearest", dict(scale_factor=2)),
                         ("upsample_bilinear", dict(size=(5, 7)))]:
        with pytest.warns(UserWarning, match="is deprecated. Use `nn.functional.interpolate`"):
            ours = getattr(LT_F, name)(lt.tensor(x), **kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = getattr(TH_F, name)(torch.tensor(x), **kwargs)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)


# -- channel rearrangements and unfold/fold ---------------------------------------------------
def test_pixel_shuffle_unshuffle_and_channel_shuffle():
    x = _x((2, 8, 3, 4))
    check_op(*_call("pixel_shuffle", 2), x)
    check_op(*_call("pixel_shuffle", 2), x[0])
    check_op(*_call("pixel_unshuffle", 2), _x((2, 3, 4, 6)))
    check_op(*_call("pixel_unshuffle", 3), _x((5, 2, 3, 6, 9)))
    check_op(*_call("channel_shuffle", 4), x, grad=False)   # torch's op has no autograd on CPU
    check_op(*_call("channel_shuffle", 2), _x((2, 6, 5)), grad=False)


@pytest.mark.parametrize("kernel,dilation,padding,stride", [
    (2, 1, 0, 1), ((2, 3), (1, 2), 1, (2, 1)), (3, 2, (2, 1), 2), (1, 1, 0, 3)])
def test_unfold_and_fold(kernel, dilation, padding, stride):
    x = _x((2, 3, 7, 8))
    check_op(*_call("unfold", kernel, dilation, padding, stride), x)
    check_op(*_call("unfold", kernel, dilation, padding, stride), x[0])
    cols = torch.nn.functional.unfold(torch.tensor(x), kernel, dilation, padding, stride)
    check_op(*_call("fold", (7, 8), kernel, dilation, padding, stride), cols.numpy())
    check_op(*_call("fold", (7, 8), kernel, dilation, padding, stride), cols.numpy()[0])


# -- grid_sample / affine_grid ----------------------------------------------------------------
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [True, False])
def test_grid_sample_bilinear_gradients_of_input_and_grid(padding_mode, align_corners):
    for dtype in ("float32", "float64"):
        x, grid = _x((2, 3, 5, 6), dtype), _x((2, 4, 5, 2), dtype, 1, -1.3, 1.3)
        check_op(*_call("grid_sample", padding_mode=padding_mode, align_corners=align_corners),
                 x, grid, rtol=1e-4, atol=1e-5)
        x3, grid3 = _x((1, 2, 3, 4, 5), dtype), _x((1, 2, 3, 4, 3), dtype, 2, -1.2, 1.2)
        check_op(*_call("grid_sample", padding_mode=padding_mode, align_corners=align_corners),
                 x3, grid3, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [True, False])
def test_grid_sample_nearest(padding_mode, align_corners):
    x, grid = _x((2, 3, 5, 6)), _x((2, 4, 5, 2), "float32", 3, -1.3, 1.3)
    check_op(lambda x, g: LT_F.grid_sample(x, lt.tensor(g.detach().numpy()), "nearest",
                                           padding_mode, align_corners),
             lambda x, g: TH_F.grid_sample(x, g.detach(), "nearest", padding_mode, align_corners),
             x, grid)


@pytest.mark.filterwarnings("ignore:Since version 1.3.0")   # both warn on unit-size grids
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 1, 1, 3), (2, 3, 2, 3, 4)])
@pytest.mark.parametrize("align_corners", [True, False])
def test_affine_grid(size, align_corners):
    n = len(size) - 2
    theta = _x((2, n, n + 1), "float64", 4)
    check_op(*_call("affine_grid", size, align_corners), theta)


def test_grid_sample_and_affine_grid_warn_without_align_corners():
    theta = lt.tensor(_x((1, 2, 3)))
    with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior"):
        grid = LT_F.affine_grid(theta, (1, 1, 3, 3))
    with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior"):
        LT_F.grid_sample(lt.zeros(1, 1, 3, 3), grid)


# -- higher order ----------------------------------------------------------------------------
GRADCHECKS = [
    (lambda t: LT_F.interpolate(t, scale_factor=1.5, mode="bicubic"), 1),
    (lambda t: LT_F.interpolate(t, size=(3, 7), mode="bilinear", align_corners=True), 1),
    (lambda t: LT_F.interpolate(t, scale_factor=2), 1),
    (lambda t: LT_F.unfold(t, 2, padding=1), 1),
    (lambda t: LT_F.fold(LT_F.unfold(t, 2, stride=1), (4, 5), 2), 1),
    (lambda t: LT_F.pixel_shuffle(t, 2).sin(), 1),
    (lambda t, g: LT_F.grid_sample(t, g, align_corners=False, padding_mode="reflection"), 2),
    (lambda t, g: LT_F.grid_sample(t, g, align_corners=True, padding_mode="zeros"), 2),
]


@pytest.mark.parametrize("index", range(len(GRADCHECKS)))
def test_gradcheck_and_gradgradcheck(index):
    fn, arity = GRADCHECKS[index]
    inputs = [lt.tensor(_x((1, 4, 4, 5), "float64", index), requires_grad=True)]
    if arity == 2:   # a grid away from pixel edges, where bilinear sampling is not smooth
        inputs.append(lt.tensor(_x((1, 3, 2, 2), "float64", 9, -0.9, 0.9), requires_grad=True))
    assert gradcheck(fn, tuple(inputs))
    assert gradgradcheck(fn, tuple(inputs))


# -- layers ----------------------------------------------------------------------------------
LAYERS = [
    ("Upsample(scale_factor=2)", (1, 2, 3, 4)),
    ("Upsample(size=(3, 4), mode='bilinear', align_corners=True)", (1, 2, 5, 6)),
    ("Upsample(scale_factor=(2.0, 3.0), mode='bicubic')", (1, 2, 3, 4)),
    ("Upsample(scale_factor=1.5, mode='linear')", (1, 2, 5)),
    ("UpsamplingNearest2d(scale_factor=2)", (1, 2, 3, 4)),
    ("UpsamplingBilinear2d(size=5)", (1, 2, 3, 4)),
    ("PixelShuffle(2)", (1, 8, 3, 4)), ("PixelUnshuffle(3)", (1, 2, 6, 9)),
    ("Fold((4, 5), 2)", (2, 8, 12)), ("Unfold(2, dilation=2, padding=1, stride=3)", (2, 3, 7, 8)),
]


@pytest.mark.parametrize("layer,shape", LAYERS)
def test_layers(layer, shape):
    ours, theirs = eval("lt.nn." + layer), eval("torch.nn." + layer)
    assert repr(ours) == repr(theirs)
    check_op(ours, theirs, _x(shape))


def test_channel_shuffle_layer():
    assert repr(lt.nn.ChannelShuffle(2)) == repr(torch.nn.ChannelShuffle(2))
    check_op(lt.nn.ChannelShuffle(3), torch.nn.ChannelShuffle(3), _x((2, 6, 2, 2)), grad=False)


# -- errors ----------------------------------------------------------------------------------
def _z(lib, *shape):
    return lib.zeros(*shape)


ERRORS = [
    lambda L: L.nn.functional.pixel_shuffle(_z(L, 4, 5), 2),
    lambda L: L.nn.functional.pixel_shuffle(_z(L, 5, 5, 5), 2),
    lambda L: L.nn.functional.pixel_unshuffle(_z(L, 4, 5, 6), 2),
    lambda L: L.nn.functional.pixel_unshuffle(_z(L, 4, 6, 5), 2),
    lambda L: L.nn.functional.pixel_unshuffle(_z(L, 4, 6), 2),
    lambda L: L.nn.functional.channel_shuffle(_z(L, 1, 5, 2, 2), 2),
    lambda L: L.nn.functional.channel_shuffle(_z(L, 5), 2),
    lambda L: L.nn.functional.channel_shuffle(_z(L, 1, 4, 2, 2), 0),
    lambda L: L.nn.functional.unfold(_z(L, 1, 2, 3, 3), 4),
    lambda L: L.nn.functional.fold(_z(L, 1, 8, 5), (3, 3), 2),
    lambda L: L.nn.functional.fold(_z(L, 1, 7, 4), (3, 3), 2),
    lambda L: L.nn.functional.interpolate(_z(L, 1, 4, 5, 6), size=3, scale_factor=2),
    lambda L: L.nn.functional.interpolate(_z(L, 1, 4, 5, 6)),
    lambda L: L.nn.functional.interpolate(_z(L, 1, 4, 5, 6), size=(3,)),
    lambda L: L.nn.functional.interpolate(_z(L, 1, 4, 5, 6), scale_factor=(3,)),
    lambda L: L.nn.functional.interpolate(_z(L, 1, 4, 5, 6), size=3, align_corners=True),
    lambda L: L.nn.functional.interpolate(_z(L, 1, 4, 5, 6), size=3, mode="linear"),
    lambda L: L.nn.functional.interpolate(_z(L, 1, 4, 5, 6), size=3, mode="trilinear"),
    lambda L: L.nn.functional.interpolate(_z(L, 4, 5, 6), size=3, mode="bilinear"),
    lambda L: L.nn.functional.interpolate(_z(L, 4, 5, 6), size=3, mode="bicubic"),
    lambda L: L.nn.functional.interpolate(_z(L, 1, 4, 5, 6), size=3, mode="foo"),
    lambda L: L.nn.functional.interpolate(_z(L, 5, 6), size=3),
    lambda L: L.nn.functional.interpolate(_z(L, 1, 4, 5, 6), size=3, mode="bilinear",
                                          recompute_scale_factor=True),
    lambda L: L.nn.functional.interpolate(_z(L, 1, 4, 5, 6), size=0),
    lambda L: L.nn.functional.grid_sample(_z(L, 1, 4, 5, 6), _z(L, 1, 2, 2, 3),
                                          align_corners=False),
    lambda L: L.nn.functional.grid_sample(_z(L, 1, 4, 5, 6), _z(L, 2, 2, 2, 2),
                                          align_corners=False),
    lambda L: L.nn.functional.grid_sample(_z(L, 1, 4, 5, 6), _z(L, 1, 2, 2, 2), mode="foo",
                                          align_corners=False),
    lambda L: L.nn.functional.grid_sample(_z(L, 1, 4, 5, 6), _z(L, 1, 2, 2, 2),
                                          padding_mode="foo", align_corners=False),
    lambda L: L.nn.functional.affine_grid(_z(L, 1, 3, 3), (1, 1, 4, 4), align_corners=False),
    lambda L: L.nn.functional.affine_grid(_z(L, 1, 2, 3), (1, 1, 4), align_corners=False),
    lambda L: L.nn.functional.affine_grid(_z(L, 2, 2, 3), (1, 1, 4, 4), align_corners=False),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_torch(index):
    check_raises(lambda: ERRORS[index](lt), lambda: ERRORS[index](torch))
