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


@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_loss_of_an_impossible_alignment_gives_torchs_gradient_without_a_numpy_warning(
        zero_infinity):
    import warnings

    import numpy as np

    def case(lib):
        logits = lib.tensor(np.linspace(-1, 1, 2 * 1 * 4).reshape(2, 1, 4), requires_grad=True)
        loss = lib.nn.functional.ctc_loss(logits.log_softmax(2), lib.tensor([[1, 2, 3]]), [2], [3],
                                          zero_infinity=zero_infinity)
        loss.backward()
        return loss.item(), logits.grad.numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = case(lt)
    want = case(torch)
    assert got[0] == want[0]
    np.testing.assert_allclose(got[1], want[1], equal_nan=True)
