"""A custom ``autograd.Function`` that saves its own output keeps it as the built-in ops do
(``_SavedOutput``): no output <-> grad_fn reference cycle, so a dropped graph is freed by
reference counting alone, while backward, double backward and the in-place check behave as in
torch, whose error names the op that saved the tensor as its output and, for a saved input,
the tensor's grad_fn as it is now."""
import gc
import weakref

import pytest
import torch

import learntorch as lt


def _functions(autograd):
    """``exp`` written both ways torch allows, with ``autograd`` being torch's or learntorch's."""

    class Exp(autograd.Function):  # forward(ctx, ...) saves the output itself
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            y, = ctx.saved_tensors
            return grad * y

    class SetupExp(autograd.Function):  # forward without ctx; setup_context saves the output
        @staticmethod
        def forward(x):
            return x.exp()

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(output)

        @staticmethod
        def backward(ctx, grad):
            y, = ctx.saved_tensors
            return grad * y

    class ExpSin(autograd.Function):  # two outputs, the second one saved before an input
        @staticmethod
        def forward(ctx, x):
            y, z = x.exp(), x.sin()
            ctx.save_for_backward(z, x, y)
            return y, z

        @staticmethod
        def backward(ctx, grad_y, grad_z):
            z, x, y = ctx.saved_tensors
            return grad_y * y + grad_z * x.cos()

    class Double_(autograd.Function):  # changes its input in place and saves it (mark_dirty)
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            ctx.save_for_backward(x)
            return x

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * 2

    return {"Exp": Exp, "SetupExp": SetupExp, "ExpSin": ExpSin, "Double_": Double_}


OURS, THEIRS = _functions(lt.autograd), _functions(torch.autograd)
SINGLE = ["Exp", "SetupExp"]


def _pair(*shape, dtype="float32"):
    data = lt.rand(*shape, dtype=getattr(lt, dtype)) + 0.5
    return (data.clone().requires_grad_(),
            torch.tensor(data.numpy(), requires_grad=True))


def _both_raise(ours, theirs):
    """Run both callables; both must raise RuntimeError with the same text. Returns it."""
    with pytest.raises(RuntimeError) as their_error:
        theirs()
    with pytest.raises(RuntimeError) as our_error:
        ours()
    assert str(our_error.value) == str(their_error.value)
    return str(our_error.value)


@pytest.mark.parametrize("name", SINGLE)
def test_dropping_the_output_frees_it_and_its_node(no_gc, name):
    y = OURS[name].apply(lt.rand(4, 3, requires_grad=True))
    output, node = weakref.ref(y), weakref.ref(y.grad_fn)
    del y
    assert output() is None and node() is None


def test_dropping_both_outputs_of_a_two_output_function_frees_the_graph(no_gc):
    y, z = OURS["ExpSin"].apply(lt.rand(4, requires_grad=True))
    refs = [weakref.ref(y), weakref.ref(z), weakref.ref(y.grad_fn)]
    del y, z
    assert all(r() is None for r in refs)


@pytest.mark.parametrize("name", SINGLE)
def test_a_graph_kept_by_retain_graph_is_freed_once_dropped(no_gc, name):
    x = lt.rand(4, 3, requires_grad=True)
    y = OURS[name].apply(x)
    loss = (y * 2).sum()
    loss.backward(retain_graph=True)
    refs = [weakref.ref(t) for t in (y, loss, y.grad_fn, loss.grad_fn)]
    del y, loss
    assert all(r() is None for r in refs)
    assert x.grad is not None


@pytest.mark.parametrize("name", SINGLE)
def test_saved_output_unpacks_with_its_values_and_history(name):
    y = OURS[name].apply(lt.rand(4, 3, requires_grad=True))
    node, values = y.grad_fn, y.detach().clone()
    alive, = node.saved_tensors
    assert alive is y  # while the output lives, unpacking gives it back
    del y, alive
    unpacked, = node.saved_tensors  # afterwards, a new tensor re-attached to the node
    assert unpacked.grad_fn is node and unpacked.requires_grad and not unpacked.is_leaf
    assert lt.equal(unpacked.detach(), values)


def test_second_output_unpacks_with_its_output_number():
    y, z = OURS["ExpSin"].apply(lt.rand(4, requires_grad=True))
    node = y.grad_fn
    del y, z
    z, x, y = node.saved_tensors
    assert (z.grad_fn, z.output_nr) == (node, 1) and (y.grad_fn, y.output_nr) == (node, 0)
    assert x.is_leaf  # the saved input is the input itself


@pytest.mark.parametrize("name", SINGLE + ["ExpSin"])
def test_backward_after_the_outputs_were_dropped_matches_torch(name):
    x, tx = _pair(4, 3)

    def loss(fn, t):
        out = fn.apply(t)
        return sum(o.pow(2).sum() for o in (out if isinstance(out, tuple) else (out,)))

    ours, theirs = loss(OURS[name], x), loss(THEIRS[name], tx)
    gc.collect()  # nothing but the graph holds the Function's outputs now
    ours.backward()
    theirs.backward()
    assert lt.allclose(x.grad, lt.tensor(tx.grad.numpy()), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", SINGLE)
def test_double_backward_through_a_saved_output_matches_torch(name):
    x, tx = _pair(5, dtype="float64")
    assert lt.autograd.gradgradcheck(OURS[name].apply, (x.detach().clone().requires_grad_(),))
    g, = lt.autograd.grad(OURS[name].apply(x).sum(), x, create_graph=True)
    tg, = torch.autograd.grad(THEIRS[name].apply(tx).sum(), tx, create_graph=True)
    gg, = lt.autograd.grad(g.sum(), x)
    tgg, = torch.autograd.grad(tg.sum(), tx)
    assert lt.allclose(gg, lt.tensor(tgg.numpy()))


@pytest.mark.parametrize("keep_output", [True, False])
@pytest.mark.parametrize("name", SINGLE)
def test_changing_a_saved_output_in_place_names_the_function(name, keep_output):
    x, tx = _pair(3)
    y, ty = OURS[name].apply(x), THEIRS[name].apply(tx)
    loss, tloss = y.sum(), ty.sum()
    y.mul_(2)
    ty.mul_(2)
    if not keep_output:
        del y  # the change is seen through the saved version counter alone
    message = _both_raise(loss.backward, tloss.backward)
    assert f"output 0 of {name}," in message


def test_changing_a_second_output_names_its_output_number():
    x, tx = _pair(3)
    (y, z), (ty, tz) = OURS["ExpSin"].apply(x), THEIRS["ExpSin"].apply(tx)
    loss, tloss = (y + z).sum(), (ty + tz).sum()
    z.add_(1)
    tz.add_(1)
    assert "output 1 of ExpSin," in _both_raise(loss.backward, tloss.backward)


def test_changing_a_saved_dirty_input_names_the_function():
    x, tx = _pair(3)
    a, ta = x.clone(), tx.clone()
    loss, tloss = OURS["Double_"].apply(a).sum(), THEIRS["Double_"].apply(ta).sum()
    a.add_(1)
    ta.add_(1)
    message = _both_raise(loss.backward, tloss.backward)
    assert "output 0 of Double_, is at version 3; expected version 2" in message


def test_a_dirty_input_saved_and_unchanged_backpropagates_as_torch():
    x, tx = _pair(3)
    OURS["Double_"].apply(x.clone()).sum().backward()
    THEIRS["Double_"].apply(tx.clone()).sum().backward()
    assert x.grad.tolist() == tx.grad.tolist()


def test_changing_a_saved_input_of_a_builtin_op_names_its_current_grad_fn():
    """torch names the tensor's grad_fn as it is now (``Add``), not the op that made it."""
    x, tx = _pair(3)
    a, ta = x * 2, tx * 2
    y, ty = a * a, ta * ta
    a.add_(1)
    ta.add_(1)
    message = _both_raise(y.sum().backward, ty.sum().backward)
    assert "output 0 of Add," in message


def test_changing_a_saved_input_of_a_function_names_its_current_grad_fn():
    x, tx = _pair(3)
    a, ta = x * 2, tx * 2
    (y, z), (ty, tz) = OURS["ExpSin"].apply(a), THEIRS["ExpSin"].apply(ta)
    loss, tloss = (y + z).sum(), (ty + tz).sum()
    a.sub_(1)
    ta.sub_(1)
    assert "output 0 of Sub," in _both_raise(loss.backward, tloss.backward)
