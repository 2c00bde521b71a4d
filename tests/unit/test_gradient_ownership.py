"""Who owns a gradient's memory, and what a plain in-place update writes.

The engine may make a freshly computed gradient a leaf's ``.grad`` without copying it, and
``p -= lr * p.grad`` under ``no_grad`` writes straight into ``p``.  These tests pin down that
neither shortcut is visible: no two tensors a user can reach share memory they did not
share before, and every result, version bump and error is what the copying version gives.
"""
import numpy as np
import pytest

import learntorch as torch


def shares_memory(a, b):
    return np.shares_memory(a.detach().numpy(), b.detach().numpy())


# -- .grad never aliases a tensor someone else holds ----------------------------------------
def test_a_gradient_sent_to_two_leaves_gives_each_its_own_grad():
    a = torch.randn(3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    c = torch.tensor([1.0, 2.0, 3.0])
    ((a + b) * c).sum().backward()           # add sends mul's fresh gradient to both leaves
    assert not shares_memory(a.grad, b.grad)
    a.grad.add_(1)
    assert b.grad.tolist() == [1.0, 2.0, 3.0]


def test_the_callers_gradient_is_copied_into_grad():
    x = torch.randn(4, requires_grad=True)
    g = torch.ones(4)
    x.backward(g)
    assert not shares_memory(x.grad, g)
    (x * 1).backward(g)
    assert g.tolist() == [1.0] * 4           # accumulating into x.grad left g alone


def test_a_gradient_a_hook_keeps_is_not_the_leafs_grad():
    w = torch.randn(3, 2, requires_grad=True)
    kept = []
    w.register_hook(lambda g: kept.append(g))
    (torch.ones(4, 3) @ w).sum().backward()
    w.grad.zero_()
    assert float(kept[0].sum()) == 24.0      # the hook's tensor is untouched


def test_a_saved_tensor_that_is_also_the_gradient_is_not_taken():
    x = torch.randn(3, requires_grad=True)
    out = x * x
    out.backward(torch.ones(3), retain_graph=True)
    first = x.grad.clone()
    x.grad = None
    out.backward(torch.ones(3))
    assert x.grad.tolist() == first.tolist()


def test_weight_and_bias_gradients_of_an_mlp_step_match_the_formula():
    x, w, b = torch.randn(5, 4), torch.randn(4, 3, requires_grad=True), torch.randn(3, requires_grad=True)
    ((x @ w + b) ** 2).mean().backward()
    g = 2 * (x @ w + b).detach() / 15
    assert np.allclose(w.grad.numpy(), (x.t() @ g).numpy(), rtol=1e-5)
    assert np.allclose(b.grad.numpy(), g.sum(0).numpy(), rtol=1e-5)
    assert w.grad.is_contiguous() and b.grad.shape == (3,)


def test_grads_accumulate_across_backward_calls():
    w = torch.randn(2, 2, requires_grad=True)
    x = torch.randn(3, 2)
    (x @ w).sum().backward()
    once = w.grad.clone()
    (x @ w).sum().backward()
    assert np.allclose(w.grad.numpy(), 2 * once.numpy())


# -- in-place arithmetic without a graph -----------------------------------------------------
def test_sgd_update_writes_into_the_parameter_and_bumps_its_version():
    p = torch.randn(4, 3, requires_grad=True)
    p.grad = torch.randn(4, 3)
    expected = p.detach().numpy() - np.float32(0.1) * p.grad.numpy()
    view = p.detach()
    before = p._version
    with torch.no_grad():
        p -= 0.1 * p.grad
    assert np.array_equal(p.detach().numpy(), expected)
    assert np.array_equal(view.numpy(), expected)          # the same memory was written
    assert p._version == before + 1


@pytest.mark.parametrize("method", ["add_", "sub_", "mul_", "div_"])
def test_in_place_arithmetic_matches_the_out_of_place_op(method):
    a, b = torch.randn(3, 4), torch.randn(4)
    expected = getattr(a, method[:-1])(b)
    assert getattr(a, method)(b) is a
    assert np.array_equal(a.numpy(), expected.numpy())
    a2 = torch.randn(3, 4, dtype=torch.float64)
    expected = getattr(a2, method[:-1])(2)
    getattr(a2, method)(2)
    assert np.array_equal(a2.numpy(), expected.numpy())


def test_in_place_arithmetic_keeps_torchs_errors():
    with pytest.raises(RuntimeError, match=r"output with shape \[3\] doesn't match the broadcast "
                                           r"shape \[2, 3\]"):
        torch.zeros(3).add_(torch.ones(2, 3))
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output "
                                           "type Long"):
        torch.zeros(3, dtype=torch.int64).add_(0.5)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        torch.zeros(3, requires_grad=True).add_(1)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        torch.zeros(1).expand(3).add_(1)


def test_in_place_arithmetic_on_a_mixed_dtype_operand_promotes_like_torch():
    a = torch.ones(3)
    a.mul_(torch.tensor([2, 3, 4]))          # int64 operand: float32 result, as torch
    assert a.dtype is torch.float32 and a.tolist() == [2.0, 3.0, 4.0]


def test_in_place_arithmetic_is_recorded_when_an_operand_requires_grad():
    w = torch.randn(3, requires_grad=True)
    a = torch.ones(3)
    a.add_(w)
    assert a.requires_grad and a.grad_fn is not None
    a.sum().backward()
    assert w.grad.tolist() == [1.0, 1.0, 1.0]
