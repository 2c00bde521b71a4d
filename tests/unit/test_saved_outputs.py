"""An op that saves its own output (exp, sigmoid, tanh, relu, sqrt …) must not form an
output <-> grad_fn reference cycle: a dropped graph is freed by reference counting alone,
as in torch, while ``saved_tensors`` keeps its meaning (values, history, version check)."""
import gc
import weakref

import pytest
import torch

import learntorch as lt

OUTPUT_SAVERS = ["exp", "sigmoid", "tanh", "relu", "sqrt", "reciprocal"]


def _leaf():
    return lt.rand(4, 3, requires_grad=True)


@pytest.mark.parametrize("name", OUTPUT_SAVERS)
def test_dropping_the_output_frees_it_and_its_node(no_gc, name):
    y = getattr(_leaf(), name)()
    output, node = weakref.ref(y), weakref.ref(y.grad_fn)
    del y
    assert output() is None and node() is None


@pytest.mark.parametrize("name", OUTPUT_SAVERS)
def test_a_graph_kept_by_retain_graph_is_freed_once_dropped(no_gc, name):
    x = _leaf()
    y = getattr(x, name)()
    loss = (y * 2).sum()
    loss.backward(retain_graph=True)
    refs = [weakref.ref(t) for t in (y, loss)] + [weakref.ref(y.grad_fn), weakref.ref(loss.grad_fn)]
    del y, loss
    assert all(r() is None for r in refs)
    assert x.grad is not None


def test_a_graph_dropped_without_backward_is_freed(no_gc):
    x = _leaf()
    h = x.exp().sigmoid().tanh().relu().sqrt()
    loss = h.sum()
    nodes, node = [], loss.grad_fn
    while node is not None:  # every node down to the leaf
        nodes.append(weakref.ref(node))
        node = node.next_functions[0][0] if node.next_functions else None
    del h, loss, node
    assert len(nodes) == 7  # sum, sqrt, relu, tanh, sigmoid, exp, AccumulateGrad
    assert all(r() is None for r in nodes)


@pytest.mark.parametrize("name", OUTPUT_SAVERS)
def test_saved_output_unpacks_with_its_values_and_history(name):
    y = getattr(_leaf(), name)()
    node, values = y.grad_fn, y.detach().clone()
    alive, = node.saved_tensors
    assert alive is y  # while the output lives, unpacking gives it back
    del y, alive
    unpacked, = node.saved_tensors  # afterwards, a new tensor re-attached to the node
    assert unpacked.grad_fn is node and unpacked.requires_grad
    assert lt.equal(unpacked.detach(), values)


@pytest.mark.parametrize("name", OUTPUT_SAVERS)
def test_backward_after_the_output_was_dropped_matches_torch(name):
    data = lt.rand(4, 3) + 0.5
    x, tx = data.clone().requires_grad_(), torch.tensor(data.numpy(), requires_grad=True)
    loss = getattr(x, name)().pow(2).sum()
    tloss = getattr(tx, name)().pow(2).sum()
    gc.collect()  # nothing but the graph holds the op's output now
    loss.backward()
    tloss.backward()
    assert lt.allclose(x.grad, lt.tensor(tx.grad.numpy()), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["exp", "sigmoid", "tanh", "sqrt"])
def test_double_backward_through_a_saved_output(name):
    data = lt.rand(5, dtype=lt.float64) + 0.5
    assert lt.autograd.gradgradcheck(lambda t: getattr(t, name)(), (data.clone().requires_grad_(),))
    x, tx = data.clone().requires_grad_(), torch.tensor(data.numpy(), requires_grad=True)
    g, = lt.autograd.grad(getattr(x, name)().sum(), x, create_graph=True)
    tg, = torch.autograd.grad(getattr(tx, name)().sum(), tx, create_graph=True)
    gg, = lt.autograd.grad(g.sum(), x)
    tgg, = torch.autograd.grad(tg.sum(), tx)
    assert lt.allclose(gg, lt.tensor(tgg.numpy()))


@pytest.mark.parametrize("keep_output", [True, False])
def test_changing_a_saved_output_in_place_is_still_caught(keep_output):
    x, tx = _leaf(), torch.rand(4, 3, requires_grad=True)
    y, ty = x.exp(), tx.exp()
    loss, tloss = y.sum(), ty.sum()
    y.add_(1)
    ty.add_(1)
    if not keep_output:
        del y  # the in-place change is seen through the saved version counter alone
    with pytest.raises(RuntimeError) as theirs:
        tloss.backward()
    with pytest.raises(RuntimeError) as ours:
        loss.backward()
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_relu_gradient_follows_torchs_threshold_rule(dtype):
    """A NaN output passes its gradient; a dead unit gives +0 even for an inf or NaN gradient."""
    values, grads = [float("nan"), -1.0, 0.0, 2.0, -3.0], [5.0, float("inf"), float("nan"), 1.0, -2.0]
    x = lt.tensor(values, dtype=getattr(lt, dtype), requires_grad=True)
    tx = torch.tensor(values, dtype=getattr(torch, dtype), requires_grad=True)
    x.relu().backward(lt.tensor(grads, dtype=getattr(lt, dtype)))
    tx.relu().backward(torch.tensor(grads, dtype=getattr(torch, dtype)))
    assert x.grad.dtype is getattr(lt, dtype)
    assert x.grad.tolist() == tx.grad.tolist()
    assert [str(v) for v in x.grad.tolist()] == [str(v) for v in tx.grad.tolist()]  # +0.0, not -0.0
