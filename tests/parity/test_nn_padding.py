"""F.pad (constant, reflect, replicate, circular) and the padding layers vs torch.

Values and gradients over pads of every rank and mode (hypothesis too), negative pads
(cropping), float64 gradcheck and gradgradcheck, grad_fn names, reprs and torch's errors.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
from learntorch.autograd import gradcheck, gradgradcheck

from helpers import check_op, check_raises

LT_F, TH_F = lt.nn.functional, torch.nn.functional
MODES = ["constant", "reflect", "replicate", "circular"]


def _x(shape, dtype="float32", seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


CASES = [((2, 3, 5), (1, 2)), ((2, 3, 5), (3, 0)), ((2, 3, 5, 6), (1, 2, 3, 4)),
         ((2, 3, 5, 6), (0, 0, 2, 1)), ((2, 3, 4, 5, 6), (1, 2, 3, 1, 1, 2)),
         ((3, 5), (2, 2)), ((3, 4, 5), (1, 1, 2, 2)), ((3, 4, 5, 6), (1, 1, 2, 2, 1, 1))]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape,pad", CASES)
def test_pad_values_and_gradients(mode, shape, pad):
    for dtype in ("float32", "float64"):
        check_op(lambda x: LT_F.pad(x, pad, mode=mode), lambda x: TH_F.pad(x, pad, mode=mode),
                 _x(shape, dtype))


@pytest.mark.parametrize("shape,pad", [((2, 3, 5), (-1, 2)), ((2, 3, 5, 6), (-1, 2, 3, -2)),
                                       ((4, 5), (-2, -1, 1, -3)), ((2, 3, 4), (1, 1, 1, 1, 1, 1))])
def test_constant_pad_any_rank_negative_pads_crop(shape, pad):
    check_op(lambda x: LT_F.pad(x, pad, value=1.5), lambda x: TH_F.pad(x, pad, value=1.5),
             _x(shape))


def test_reflect_negative_pad_and_integer_constant_pad():
    check_op(lambda x: LT_F.pad(x, (-1, 2), mode="reflect"),
             lambda x: TH_F.pad(x, (-1, 2), mode="reflect"), _x((2, 3, 5)))
    ints = np.arange(6).reshape(2, 3)
    check_op(lambda x: LT_F.pad(x, (1, 1), value=2.7), lambda x: TH_F.pad(x, (1, 1), value=2.7),
             ints, grad=False)


@settings(max_examples=40, deadline=None)
@given(mode=st.sampled_from(MODES), n=st.integers(1, 3), data=st.data())
def test_pad_hypothesis(mode, n, data):
    spatial = data.draw(st.lists(st.integers(2, 5), min_size=n, max_size=n))
    limit = {"constant": 4, "reflect": None, "replicate": 4, "circular": None}[mode]
    pad = []
    for size in reversed(spatial):
        top = limit if limit is not None else (size - 1 if mode == "reflect" else size)
        pad += [data.draw(st.integers(0, top)), data.draw(st.integers(0, top))]
    shape = (2, 2) + tuple(spatial)
    check_op(lambda x: LT_F.pad(x, pad, mode=mode), lambda x: TH_F.pad(x, pad, mode=mode),
             _x(shape, seed=data.draw(st.integers(0, 999))))


@pytest.mark.parametrize("mode", MODES)
def test_gradcheck_and_gradgradcheck(mode):
    x = lt.tensor(_x((2, 2, 4, 5), "float64"), requires_grad=True)
    fn = lambda t: LT_F.pad(t, (1, 2, 2, 1), mode=mode)  # noqa: E731
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_grad_fn_names():
    for mode in MODES:
        for pad in [(1, 1), (1, 1, 1, 1), (1, 1, 1, 1, 1, 1)]:
            x = _x((2, 2) + (3,) * (len(pad) // 2))
            a = LT_F.pad(lt.tensor(x, requires_grad=True), pad, mode=mode)
            b = TH_F.pad(torch.tensor(x, requires_grad=True), pad, mode=mode)
            assert a.grad_fn.name() == b.grad_fn.name()


LAYERS = ["ZeroPad1d(1)", "ZeroPad2d(2)", "ZeroPad2d((1, 2, 3, 4))", "ZeroPad3d(1)",
          "ConstantPad1d(2, 3.5)", "ConstantPad2d((1, 0, 2, 1), -1.0)",
          "ConstantPad3d((1, 2, 1, 2, 0, 1), 0.)", "ReflectionPad1d(2)",
          "ReflectionPad2d((1, 2, 0, 1))", "ReflectionPad3d(1)", "ReplicationPad1d((2, 1))",
          "ReplicationPad2d(2)", "ReplicationPad3d(1)", "CircularPad1d(2)",
          "CircularPad2d((1, 1, 2, 0))", "CircularPad3d(1)"]


@pytest.mark.parametrize("layer", LAYERS)
def test_layers(layer):
    ours, theirs = eval("lt.nn." + layer), eval("torch.nn." + layer)
    assert repr(ours) == repr(theirs)
    n = int(layer.split("(")[0][-2])
    check_op(ours, theirs, _x((2, 2) + (4,) * n))
    check_op(ours, theirs, _x((2,) + (4,) * n))


ERRORS = [
    lambda L: L.nn.functional.pad(L.zeros(1, 3, 4), (1,)),
    lambda L: L.nn.functional.pad(L.zeros(1, 3, 4), (1, 1, 1, 1, 1, 1, 1, 1)),
    lambda L: L.nn.functional.pad(L.zeros(5), (1, 1), mode="reflect"),
    lambda L: L.nn.functional.pad(L.zeros(5, 4), (1, 1, 1, 1), mode="reflect"),
    lambda L: L.nn.functional.pad(L.zeros(2, 5, 4, 3, 3), (1, 1, 1, 1), mode="replicate"),
    lambda L: L.nn.functional.pad(L.zeros(1, 3, 4), (4, 4), mode="reflect"),
    lambda L: L.nn.functional.pad(L.zeros(1, 3, 4), (5, 5), mode="circular"),
    lambda L: L.nn.functional.pad(L.zeros(1, 3, 4), (1, 1), mode="reflect", value=2),
    lambda L: L.nn.functional.pad(L.zeros(1, 3, 4), (1, 1), mode="foo"),
    lambda L: L.nn.functional.pad(L.zeros(1, 0, 4), (1, 1), mode="replicate"),
    lambda L: L.nn.CircularPad2d(1)(L.zeros(4, 4)),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_torch(index):
    check_raises(lambda: ERRORS[index](lt), lambda: ERRORS[index](torch))
