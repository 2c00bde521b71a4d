"""What autograd promises, written as a specification (torch's behaviour is the reference)."""
import gc
import weakref

import numpy as np
import pytest

import learntorch as torch
from learntorch.autograd.function import AccumulateGrad


def close(t, expected):
    return np.allclose(t.detach().numpy(), np.asarray(expected, dtype=np.float64), rtol=1e-6)


# -- the study notes' examples ----------------------------------------------------------------
def test_q_equals_3a_cubed_minus_b_squared_with_external_gradient():
    a = torch.tensor([2., 3.], requires_grad=True)
    b = torch.tensor([6., 4.], requires_grad=True)
    Q = 3 * a**3 - b**2
    Q.backward(gradient=torch.tensor([1., 1.]))
    assert close(a.grad, [36., 81.])        # dQ/da = 9a²
    assert close(b.grad, [-12., -8.])       # dQ/db = -2b
    assert bool((a.grad == 9 * a**2).all())


def test_grad_fn_next_functions_walk_back_to_the_leaves():
    a = torch.tensor([2., 3.], requires_grad=True)
    b = torch.tensor([6., 4.], requires_grad=True)
    Q = 3 * a**3 - b**2
    assert Q.grad_fn.name() == "SubBackward0"
    (mul, _), (pow_b, _) = Q.grad_fn.next_functions
    assert (mul.name(), pow_b.name()) == ("MulBackward0", "PowBackward0")
    (pow_a, _), (const, _) = mul.next_functions
    assert pow_a.name() == "PowBackward0" and const is None   # the Python 3 needs no gradient
    (leaf, index), = pow_a.next_functions
    assert isinstance(leaf, AccumulateGrad) and leaf.variable is a and index == 0
    assert type(leaf).__name__ == "AccumulateGrad"


def test_gradients_accumulate_until_zeroed():
    x = torch.ones(2, 2, requires_grad=True)
    for _ in range(2):
        (x * 3).sum().backward()
    assert close(x.grad, np.full((2, 2), 6.))
    x.grad.zero_()
    assert close(x.grad, np.zeros((2, 2)))
    (x * 3).sum().backward()
    assert close(x.grad, np.full((2, 2), 3.))


def test_the_tutorials_mean_of_3_y_squared():
    x = torch.ones(2, 2, requires_grad=True)
    out = ((x + 2) * (x + 2) * 3).mean()
    out.backward()
    assert close(x.grad, np.full((2, 2), 4.5))


# -- leaves, requires_grad, grad_fn ---------------------------------------------------------
def test_leaf_and_non_leaf():
    x = torch.randn(3, requires_grad=True)
    y = x * 2
    assert x.is_leaf and x.grad_fn is None
    assert not y.is_leaf and y.requires_grad and y.grad_fn.name() == "MulBackward0"
    assert torch.randn(3).is_leaf


def test_ops_on_tensors_that_need_no_grad_record_nothing():
    x = torch.randn(3)
    y = (x * 2).exp().sum()
    assert y.grad_fn is None and not y.requires_grad


def test_only_floating_tensors_can_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        torch.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        torch.tensor([1, 2]).requires_grad_()


def test_integer_results_do_not_require_grad():
    x = torch.randn(3, requires_grad=True)
    assert not (x > 0).requires_grad
    assert not x.argmax().requires_grad


def test_non_leaf_grad_is_none_unless_retained():
    x = torch.randn(3, requires_grad=True)
    y = x * 2
    z = x * 3
    z.retain_grad()
    (y + z).sum().backward()
    with pytest.warns(UserWarning, match="not a leaf"):
        assert y.grad is None
    assert close(z.grad, np.ones(3))
    assert z.retains_grad


# -- backward() arguments --------------------------------------------------------------------
def test_implicit_gradient_only_for_scalars():
    x = torch.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()


def test_backward_on_a_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        torch.ones(2).sum().backward()


def test_gradient_shape_must_match_output():
    x = torch.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(torch.ones(4))


def test_second_backward_through_a_freed_graph_raises_torch_error():
    x = torch.randn(3, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = torch.randn(3, requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert close(x.grad, 4 * x.detach().numpy())


def test_backward_inputs_restricts_accumulation():
    a = torch.randn(2, requires_grad=True)
    b = torch.randn(2, requires_grad=True)
    (a * b).sum().backward(inputs=[a])
    assert close(a.grad, b.detach().numpy())
    assert b.grad is None


def test_a_leaf_used_twice_gets_both_contributions():
    x = torch.tensor([3.], requires_grad=True)
    (x * x + x).sum().backward()
    assert close(x.grad, [7.])


def test_shared_gradient_is_not_aliased_between_leaves():
    """Add passes one gradient to both inputs; the leaves must not share its memory."""
    a = torch.zeros(2, requires_grad=True)
    b = torch.zeros(2, requires_grad=True)
    (a + b).sum().backward()
    a.grad.add_(1)
    assert close(b.grad, [1., 1.])


def test_broadcast_gradient_is_reduced_to_the_input_shape():
    x = torch.randn(2, 3, requires_grad=True)
    bias = torch.randn(3, requires_grad=True)
    (x + bias).sum().backward()
    assert bias.grad.shape == (3,)
    assert close(bias.grad, [2., 2., 2.])


# -- autograd.grad -------------------------------------------------------------------------
def test_autograd_grad_returns_gradients_without_touching_dot_grad():
    x = torch.tensor([1., 2.], requires_grad=True)
    g, = torch.autograd.grad((x ** 2).sum(), x)
    assert close(g, [2., 4.])
    assert x.grad is None


def test_autograd_grad_allow_unused():
    x = torch.randn(2, requires_grad=True)
    unused = torch.randn(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="appears to not have been used"):
        torch.autograd.grad((x * 2).sum(), [x, unused])
    gx, gu = torch.autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)
    assert gu is None and close(gx, [2., 2.])


def test_autograd_grad_with_grad_outputs_and_non_leaf_input():
    x = torch.randn(3, requires_grad=True)
    h = x * 2
    y = h * h
    g, = torch.autograd.grad(y, h, grad_outputs=torch.ones(3))
    assert close(g, 2 * h.detach().numpy())


def test_higher_order_gradients_with_create_graph():
    x = torch.tensor(3.0, requires_grad=True)
    y = x ** 3
    dy, = torch.autograd.grad(y, x, create_graph=True)
    assert close(dy, 27.) and dy.requires_grad
    d2y, = torch.autograd.grad(dy, x, create_graph=True)
    assert close(d2y, 18.)
    d3y, = torch.autograd.grad(d2y, x)
    assert close(d3y, 6.)


def test_create_graph_backward_gives_differentiable_grad():
    x = torch.tensor([1., 2.], requires_grad=True)
    (x.sin().sum()).backward(create_graph=True)
    assert x.grad.requires_grad
    g2, = torch.autograd.grad(x.grad.sum(), x)
    assert close(g2, -np.sin([1., 2.]))


# -- grad modes ----------------------------------------------------------------------------
def test_no_grad_context_and_decorator():
    x = torch.randn(2, requires_grad=True)
    with torch.no_grad():
        assert not (x * 2).requires_grad
        with torch.enable_grad():
            assert (x * 2).requires_grad

    @torch.no_grad()
    def doubled(t):
        return t * 2

    assert not doubled(x).requires_grad
    assert torch.is_grad_enabled()


def test_set_grad_enabled_as_call_context_and_decorator():
    x = torch.randn(2, requires_grad=True)
    torch.set_grad_enabled(False)
    assert not (x * 2).requires_grad
    torch.set_grad_enabled(True)
    with torch.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad

    @torch.set_grad_enabled(False)
    def f(t):
        return t * 2
    assert torch.is_grad_enabled() and not f(x).requires_grad


def test_inference_mode():
    x = torch.randn(2, requires_grad=True)
    with torch.inference_mode():
        assert not (x * 2).requires_grad
    with torch.inference_mode(False):
        assert (x * 2).requires_grad


def test_grad_mode_is_restored_after_an_exception():
    with pytest.raises(ValueError):
        with torch.no_grad():
            raise ValueError
    assert torch.is_grad_enabled()


# -- detach, .data, requires_grad_ ---------------------------------------------------------
def test_detach_shares_memory_but_not_history():
    x = torch.randn(3, requires_grad=True)
    y = x * 2
    d = y.detach()
    assert d.grad_fn is None and not d.requires_grad
    d[0] = 100.
    assert y[0].item() == 100.


def test_detach_in_place():
    x = torch.randn(3, requires_grad=True)
    y = x * 2
    y.detach_()
    assert y.is_leaf and not y.requires_grad


def test_data_is_an_untracked_tensor_view():
    x = torch.ones(3, requires_grad=True)
    assert isinstance(x.data, torch.Tensor) and not x.data.requires_grad
    x.data.mul_(2)      # the old way to update a parameter by hand
    assert close(x, [2., 2., 2.])


# -- hooks -----------------------------------------------------------------------------------
def test_tensor_hook_can_replace_the_gradient():
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    seen = []
    y.register_hook(lambda g: seen.append(g.clone()) or g * 10)
    y.sum().backward()
    assert close(seen[0], [1., 1.])
    assert close(x.grad, [20., 20.])


def test_leaf_hook_runs_before_accumulation_and_can_be_removed():
    x = torch.tensor([1., 2.], requires_grad=True)
    handle = x.register_hook(lambda g: g * 0)
    (x * 3).sum().backward()
    assert close(x.grad, [0., 0.])
    handle.remove()
    (x * 3).sum().backward()
    assert close(x.grad, [3., 3.])


def test_node_hooks_see_grad_inputs_and_outputs():
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 3
    calls = []
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: calls.append(
        (grad_inputs[0].tolist(), grad_outputs[0].tolist())))
    y.grad_fn.register_prehook(lambda grad_outputs: (grad_outputs[0] * 2,))
    y.sum().backward()
    assert calls == [([6., 6.], [2., 2.])]
    assert close(x.grad, [6., 6.])


# -- in-place ops and the version counter --------------------------------------------------
def test_in_place_on_a_leaf_that_requires_grad_raises():
    x = torch.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an "
                                           "in-place operation"):
        x.add_(1)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x[0] = 1.


def test_in_place_under_no_grad_is_allowed_on_leaves():
    x = torch.ones(3, requires_grad=True)
    with torch.no_grad():
        x.mul_(2)
    assert close(x, [2., 2., 2.]) and x.is_leaf


def test_modifying_a_saved_tensor_is_detected():
    a = torch.randn(3, requires_grad=True)
    b = a.sigmoid()            # sigmoid saves its output for backward
    b.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        b.sum().backward()


def test_in_place_ops_bump_the_version_counter():
    x = torch.zeros(3)
    v0 = x._version
    x.add_(1)
    x[0] = 5
    x.zero_()
    assert x._version == v0 + 3


def test_views_share_the_version_counter():
    x = torch.zeros(2, 3)
    v = x[0]
    x.add_(1)
    assert v._version == x._version


def test_gradient_flows_through_in_place_ops_on_non_leaves():
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 1
    y.mul_(3)
    y.add_(x)
    y.sum().backward()
    assert close(x.grad, [4., 4.])
    assert y.grad_fn.name() == "AddBackward0"


def test_setitem_on_a_non_leaf_is_differentiable():
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    v = torch.tensor(10., requires_grad=True)
    y = x.clone()
    y[1] = v
    (y * torch.tensor([1., 2., 3.])).sum().backward()
    assert close(x.grad, [1., 0., 3.])
    assert close(v.grad, 2.)
    assert y.grad_fn.name() == "torch::autograd::CopySlices"
    assert type(y.grad_fn).__name__ == "CopySlices"


def test_in_place_change_through_a_view_rewrites_the_base_history():
    x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    y = x * 1
    row = y[0]
    row.mul_(10)                       # changes y too
    assert y.tolist() == [[10., 20.], [3., 4.]]
    assert y.grad_fn.name() == "torch::autograd::CopySlices"
    assert row.grad_fn.name() == "AsStridedBackward0"
    (y * torch.tensor([[1., 2.], [3., 4.]])).sum().backward()
    assert close(x.grad, [[10., 20.], [3., 4.]])


def test_a_view_taken_before_its_base_changed_sees_the_new_history():
    x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    y = x * 1
    other_row = y[1]
    y[0] = 5.                          # y changes after other_row was taken
    (other_row * 2).sum().backward()
    assert close(x.grad, [[0., 0.], [2., 2.]])


def test_setitem_through_a_view_and_a_value_from_elsewhere():
    x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    y = x * 1
    column = y[:, 1]
    column[0] = 7.
    y.sum().backward()
    assert close(x.grad, [[1., 0.], [1., 1.]])
    x.grad = None
    y = x * 1
    y[0].add_(x[1])
    (y * y).sum().backward()
    assert close(x.grad, [[8., 12.], [14., 20.]])   # matches torch


def test_in_place_through_a_view_of_a_leaf_that_requires_grad_raises():
    x = torch.ones(2, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x[0].mul_(2)


# -- custom Functions --------------------------------------------------------------------------
class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * 3 * x ** 2


def test_custom_function_forward_backward_and_node_name():
    x = torch.tensor([1., 2.], requires_grad=True)
    y = Cube.apply(x)
    assert y.grad_fn.name() == "CubeBackward"
    y.sum().backward()
    assert close(x.grad, [3., 12.])


def test_custom_function_needs_input_grad_and_non_tensor_args():
    seen = {}

    class Scale(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y, factor):
            seen["needs"] = ctx.needs_input_grad
            ctx.factor = factor
            return x * y * factor

        @staticmethod
        def backward(ctx, grad):
            return grad * ctx.factor, None, None

    x = torch.ones(2, requires_grad=True)
    Scale.apply(x, torch.ones(2), 5.0).sum().backward()
    assert seen["needs"] == (True, False, False)
    assert close(x.grad, [5., 5.])


def test_custom_function_mark_non_differentiable():
    class SortWithIndex(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            idx = x.argmax().reshape(1)
            ctx.mark_non_differentiable(idx)
            return x * 1, idx

        @staticmethod
        def backward(ctx, grad, grad_idx):
            return grad

    x = torch.randn(3, requires_grad=True)
    out, idx = SortWithIndex.apply(x)
    assert out.requires_grad and not idx.requires_grad


def test_custom_function_wrong_number_of_gradients():
    class Bad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, grad):
            return grad

    x = torch.randn(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="returned an incorrect number of gradients"):
        Bad.apply(x, x).sum().backward()


def test_custom_function_saved_tensors_version_check():
    x = torch.randn(3, requires_grad=True)
    h = x * 1
    y = Cube.apply(h)
    h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


# -- the engine -----------------------------------------------------------------------------
def test_a_100000_op_chain_backprops_without_recursion():
    w = torch.tensor(1.0, requires_grad=True)
    h = w
    for _ in range(100_000):
        h = h * 1.0
    h.backward()
    assert w.grad.item() == 1.0


def test_diamond_graph_runs_each_node_once():
    x = torch.tensor(2., requires_grad=True)
    h = x * x
    calls = []
    h.grad_fn.register_hook(lambda gi, go: calls.append(1))
    (h * 3 + h * 4).backward()
    assert len(calls) == 1
    assert close(x.grad, 28.)   # d/dx 7x² = 14x


def test_graph_is_freed_when_no_longer_referenced():
    x = torch.randn(3, requires_grad=True)
    y = (x * 2).sum()
    node = weakref.ref(y.grad_fn)
    y.backward()
    del y
    gc.collect()
    assert node() is None


def test_accumulate_grad_node_is_shared_while_a_graph_holds_it():
    x = torch.randn(2, requires_grad=True)
    y = x * 2
    z = x * 3
    assert y.grad_fn.next_functions[0][0] is z.grad_fn.next_functions[0][0]


def test_gradcheck_on_a_composite_function():
    x = torch.randn(4, dtype=torch.float64, requires_grad=True)
    w = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: (a @ b).tanh().sum(), (x, w))
    assert torch.autograd.gradgradcheck(lambda a, b: (a @ b).sigmoid(), (x, w))


def test_backward_through_two_outputs_of_one_node():
    """backward([h, c]) where h and c come from the same node counts that node once."""
    class TwoOutputs(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, gh, gc):
            return gh * 2 + gc * 3

    x = torch.ones(3, requires_grad=True)
    h, c = TwoOutputs.apply(x)
    assert h.grad_fn is c.grad_fn
    torch.autograd.backward([h, c], [torch.ones(3), torch.ones(3)])
    assert x.grad.tolist() == [5.0, 5.0, 5.0]
