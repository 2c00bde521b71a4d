"""Findings of the issue-10 audit (random-input probes of nn against torch), one test each.

Each case runs in learntorch and in torch and compares what comes out: values, or the
exception's type and text.
"""
import pytest
import torch

import learntorch as lt


def outcome(fn):
    try:
        out = fn()
        return tuple(out.shape) if hasattr(out, "shape") else out
    except Exception as err:  # noqa: BLE001 (the type and text are what is compared)
        return (type(err).__name__, str(err))


def same(case):
    assert outcome(lambda: case(lt)) == outcome(lambda: case(torch))


@pytest.mark.parametrize("dims", [(), (0,), (1,), (-1,), (0, 0), (0, 1), (1, -1), (2,), (-2,)])
def test_flatten_of_a_0d_tensor_checks_its_dims(dims):
    same(lambda lib: lib.tensor(1.0).flatten(*dims))


def test_nn_flatten_of_a_0d_tensor_is_torchs_index_error():
    same(lambda lib: lib.nn.Flatten()(lib.tensor(1.0)))
