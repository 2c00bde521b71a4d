"""torch.cond/torch.while_loop run eagerly, torch's constants, and torch.empty_permuted."""
import math

import numpy as np
import pytest

import learntorch as lt

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("name", ["e", "pi", "inf", "newaxis"])
def test_constants_are_torch_s(name):
    assert getattr(lt, name) == getattr(torch, name)


def test_nan_is_a_float_nan():
    assert math.isnan(lt.nan) and math.isnan(torch.nan)


@pytest.mark.parametrize("pred", [True, False, 1, 0.0])
def test_cond_picks_the_branch_like_torch(pred):
    x = np.arange(3.0)
    ours = lt.cond(lt.tensor(pred) if isinstance(pred, bool) else pred, lambda a: a + 1,
                   lambda a: a * 2, (lt.tensor(x),))
    theirs = torch.cond(torch.tensor(pred) if isinstance(pred, bool) else pred, lambda a: a + 1,
                        lambda a: a * 2, (torch.tensor(x),))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_cond_gradient_flows_through_the_branch_taken():
    x, tx = lt.tensor([1.0, 2.0], requires_grad=True), torch.tensor([1.0, 2.0], requires_grad=True)
    lt.cond(x.sum() > 0, lambda a: (a * a).sum(), lambda a: a.sum(), (x,)).backward()
    torch.cond(tx.sum() > 0, lambda a: (a * a).sum(), lambda a: a.sum(), (tx,)).backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


def test_cond_rejects_a_many_element_predicate_like_torch():
    with pytest.raises(RuntimeError, match="Expected pred to be bool or single-element tensor"):
        torch.cond(torch.tensor([True, False]), lambda a: a, lambda a: a, (torch.ones(2),))
    with pytest.raises(RuntimeError, match="Expected pred to be bool or single-element tensor"):
        lt.cond(lt.tensor([True, False]), lambda a: a, lambda a: a, (lt.ones(2),))


def test_while_loop_carries_its_values_like_torch():
    ours = lt.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2),
                         (lt.tensor(0), lt.ones(2)))
    theirs = torch.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2),
                              (torch.tensor(0), torch.ones(2)))
    assert isinstance(ours, tuple) and len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        np.testing.assert_array_equal(o.numpy(), t.numpy())


@pytest.mark.parametrize("size,layout", [((2, 3, 4), (0, 2, 1)), ((2, 3, 4, 5), (0, 2, 3, 1)),
                                         ((5,), (0,)), ((3, 1, 2), (2, 1, 0))])
def test_empty_permuted_lays_memory_out_in_the_given_order(size, layout):
    ours, theirs = lt.empty_permuted(size, layout), torch.empty_permuted(size, layout)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.stride() == theirs.stride()
    assert ours.dtype == lt.float32
    assert lt.empty_permuted(size, layout, dtype=lt.int64).dtype == lt.int64


@pytest.mark.parametrize("layout", [(0, 1), (0, 1, 1), (0, 1, 5)])
def test_empty_permuted_bad_layouts_get_torch_s_errors(layout):
    with pytest.raises(RuntimeError) as theirs:
        torch.empty_permuted((2, 3, 4), layout)
    with pytest.raises(RuntimeError) as ours:
        lt.empty_permuted((2, 3, 4), layout)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("size", [(3, 0, 2), (0,), (0, 4), (2, 3, 0)])
def test_an_empty_tensor_has_torch_s_row_major_strides(size):
    assert lt.empty(size).stride() == torch.empty(size).stride()
