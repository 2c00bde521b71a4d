"""nn.functional with float32, float64 (and float16) operands mixed, against torch.

torch's CPU kernels do not promote here: normalization layers allow a half input with
float32 parameters ("mixed dtype") and refuse everything else with one of three texts, which
one depending on which parameter differs; prelu, grid_sample and scaled_dot_product_attention
refuse mixed dtypes; rms_norm returns the input's dtype.  Each case runs in both libraries.
"""
import itertools

import numpy as np
import pytest
import torch

import learntorch as lt

NAMES = ("float32", "float64")


def outcome(fn):
    try:
        out = fn()
        return str(out.dtype).split(".")[-1], np.round(out.double().numpy(), 4).tolist()
    except Exception as err:  # noqa: BLE001 (the type and text are what is compared)
        return (type(err).__name__, str(err))


def _x(lib, dtype):
    return (lib.arange(24.0).reshape(2, 3, 4) / 10 - 1).to(getattr(lib, dtype))


def _v(lib, n, dtype, value=1.0):
    return lib.full((n,), value, dtype=getattr(lib, dtype))


CASES = {
    "layer_norm": lambda L, a, b, c: L.nn.functional.layer_norm(_x(L, a), (4,), _v(L, 4, b),
                                                                _v(L, 4, c, 0.5)),
    "layer_norm weight only": lambda L, a, b, c: L.nn.functional.layer_norm(_x(L, a), (4,),
                                                                            _v(L, 4, b)),
    "group_norm": lambda L, a, b, c: L.nn.functional.group_norm(_x(L, a), 3, _v(L, 3, b),
                                                                _v(L, 3, c, 0.5)),
    "batch_norm training": lambda L, a, b, c: L.nn.functional.batch_norm(
        _x(L, a), _v(L, 3, b, 0.0), _v(L, 3, b), _v(L, 3, c), _v(L, 3, c, 0.5), training=True),
    "batch_norm eval": lambda L, a, b, c: L.nn.functional.batch_norm(
        _x(L, a), _v(L, 3, b, 0.1), _v(L, 3, b, 2.0), _v(L, 3, c), _v(L, 3, c, 0.5)),
    "instance_norm": lambda L, a, b, c: L.nn.functional.instance_norm(
        _x(L, a), _v(L, 3, b, 0.0), _v(L, 3, b), _v(L, 3, c), _v(L, 3, c, 0.5)),
    "rms_norm": lambda L, a, b, c: L.nn.functional.rms_norm(_x(L, a), (4,), _v(L, 4, b, 2.0)),
    "prelu": lambda L, a, b, c: L.nn.functional.prelu(_x(L, a), _v(L, 3, b, 0.25)),
    "grid_sample": lambda L, a, b, c: L.nn.functional.grid_sample(
        _x(L, a)[None], L.full((1, 2, 2, 2), 0.3, dtype=getattr(L, b)), align_corners=False),
    "scaled_dot_product_attention": lambda L, a, b, c:
        L.nn.functional.scaled_dot_product_attention(_x(L, a), _x(L, b), _x(L, c)),
    "sdpa float mask": lambda L, a, b, c: L.nn.functional.scaled_dot_product_attention(
        _x(L, a), _x(L, a), _x(L, a), attn_mask=L.zeros(3, 3, dtype=getattr(L, b))),
    "bilinear": lambda L, a, b, c: L.nn.functional.bilinear(
        _x(L, a)[0, :, :3], _x(L, b)[1, :, 1:], _x(L, c)[:, :3, :3]),
    "bilinear bias": lambda L, a, b, c: L.nn.functional.bilinear(
        _x(L, a)[0, :, :3], _x(L, a)[1, :, 1:], _x(L, b)[:, :3, :3], _v(L, 2, c)),
    "linear": lambda L, a, b, c: L.nn.functional.linear(_x(L, a)[0], _x(L, b)[1], _v(L, 3, c)),
    "addmm": lambda L, a, b, c: L.addmm(_v(L, 4, a), _x(L, b)[0], _x(L, c)[1].T),
    "rnn cell": lambda L, a, b, c: _seeded(L, lambda: L.nn.RNNCell(4, 2).to(getattr(L, b)))(
        _x(L, a)[0]),
}


def _seeded(L, build):
    L.manual_seed(0)
    return build()


@pytest.mark.parametrize("a, b, c", list(itertools.product(NAMES, NAMES, NAMES)))
@pytest.mark.parametrize("name", list(CASES))
def test_mixed_float_dtypes_give_torchs_result_or_error(name, a, b, c):
    assert outcome(lambda: CASES[name](lt, a, b, c)) == outcome(lambda: CASES[name](torch, a, b, c))


HALF = {
    "layer_norm": lambda L, x: L.nn.functional.layer_norm(x, (4,), L.ones(4), L.zeros(4)),
    "layer_norm half weight float bias": lambda L, x: L.nn.functional.layer_norm(
        x, (4,), L.ones(4).half(), L.zeros(4)),
    "group_norm": lambda L, x: L.nn.functional.group_norm(x, 3, L.ones(3), L.zeros(3)),
    "batch_norm training": lambda L, x: L.nn.functional.batch_norm(
        x, L.zeros(3), L.ones(3), L.ones(3), L.zeros(3), training=True),
    "batch_norm eval": lambda L, x: L.nn.functional.batch_norm(x, L.zeros(3), L.ones(3),
                                                               L.ones(3), L.zeros(3)),
    "instance_norm": lambda L, x: L.nn.functional.instance_norm(x, weight=L.ones(3),
                                                                bias=L.zeros(3)),
    "BatchNorm1d": lambda L, x: L.nn.BatchNorm1d(3)(x),
}


@pytest.mark.parametrize("name", list(HALF))
def test_a_half_input_with_float32_parameters_stays_half(name):
    def case(lib):
        result = outcome(lambda: HALF[name](lib, _x(lib, "float16")))
        return result if result[0] != "float16" else (result[0], np.asarray(result[1]))
    got, want = case(lt), case(torch)
    assert got[0] == want[0]
    if got[0] == "float16":
        np.testing.assert_allclose(got[1], want[1], atol=2e-2)
    else:
        assert got == want


NON_FLOAT = {
    "prelu long": lambda L: L.nn.functional.prelu(L.ones(2, 3).long(), L.ones(1)),
    "prelu long weight": lambda L: L.nn.functional.prelu(L.ones(2, 3).long(), L.ones(1).long()),
    "grid_sample long grid": lambda L: L.nn.functional.grid_sample(
        L.ones(1, 1, 2, 2), L.zeros(1, 2, 2, 2).long(), align_corners=False),
    "grid_sample long input": lambda L: L.nn.functional.grid_sample(
        L.ones(1, 1, 2, 2).long(), L.zeros(1, 2, 2, 2), align_corners=False),
    "grid_sample 3d long": lambda L: L.nn.functional.grid_sample(
        L.ones(1, 1, 2, 2, 2).long(), L.zeros(1, 2, 2, 2, 3).long(), align_corners=False),
    "sdpa long": lambda L: L.nn.functional.scaled_dot_product_attention(
        *[L.ones(1, 2, 2).long()] * 3),
    "sdpa long mask": lambda L: L.nn.functional.scaled_dot_product_attention(
        *[L.ones(1, 2, 2)] * 3, attn_mask=L.zeros(2, 2).long()),
    "sdpa half query": lambda L: L.nn.functional.scaled_dot_product_attention(
        L.ones(1, 2, 2).half(), L.ones(1, 2, 2), L.ones(1, 2, 2)),
    "affine_grid long theta": lambda L: L.nn.functional.affine_grid(
        L.zeros(1, 2, 3).long(), [1, 1, 2, 2], align_corners=False),
}


@pytest.mark.parametrize("name", list(NON_FLOAT))
def test_non_float_and_mismatched_operands_raise_torchs_error(name):
    assert outcome(lambda: NON_FLOAT[name](lt)) == outcome(lambda: NON_FLOAT[name](torch))


_RMS_WARNINGS = """
import sys, warnings
import {lib} as lib
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    x = (lib.arange(24.0).reshape(2, 3, 4) / 10).to(getattr(lib, "{a}"))
    lib.nn.functional.rms_norm(x, (4,), lib.ones(4, dtype=getattr(lib, "{b}")))
print(repr([str(w.message).split(" (Triggered internally")[0] for w in caught]))
"""


@pytest.mark.parametrize("a, b", [("float32", "float64"), ("float64", "float32"),
                                  ("float16", "float32"), ("float32", "float32")])
def test_rms_norm_warns_like_torch_when_the_weight_has_another_dtype(a, b):
    """Each in a fresh process: torch warns once per process."""
    import subprocess
    import sys

    def case(lib):
        code = _RMS_WARNINGS.format(lib=lib, a=a, b=b)
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True).stdout
    assert case("learntorch") == case("torch")


CONV_AND_POOL_ERRORS = {
    "conv1d double input, float bias": lambda L: L.nn.Conv1d(1, 1, 1)(L.ones(1, 1, 2).double()),
    "conv2d float bias": lambda L: L.nn.functional.conv2d(
        L.ones(1, 1, 2, 2), L.ones(1, 1, 1, 1), L.ones(1).double()),
    "conv2d no bias": lambda L: L.nn.Conv2d(1, 1, 1, bias=False)(L.ones(1, 1, 2, 2).double()),
    "avg_pool2d 5-D": lambda L: L.nn.functional.avg_pool2d(L.ones(2, 1, 1, 4, 4), 2),
    "avg_pool2d empty channels": lambda L: L.nn.functional.avg_pool2d(L.ones(1, 0, 4, 4), 2),
    "avg_pool2d empty 3-D": lambda L: L.nn.functional.avg_pool2d(L.ones(0, 4, 4), 2),
    "avg_pool2d empty batch": lambda L: L.nn.functional.avg_pool2d(L.ones(0, 1, 4, 4), 2),
    "max_pool2d 5-D": lambda L: L.nn.functional.max_pool2d(L.ones(2, 1, 1, 4, 4), 2),
}


@pytest.mark.parametrize("name", list(CONV_AND_POOL_ERRORS))
def test_conv_and_pool_refusals_are_torchs(name):
    assert outcome(lambda: CONV_AND_POOL_ERRORS[name](lt)) == \
        outcome(lambda: CONV_AND_POOL_ERRORS[name](torch))
