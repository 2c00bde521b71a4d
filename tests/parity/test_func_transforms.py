"""torch.func (grad, vjp, jvp, jacrev, jacfwd, hessian, vmap, functional_call …) and
torch.autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp) give torch's numbers."""
import numpy as np
import pytest

import learntorch as lt

torch = pytest.importorskip("torch")


def pair(*shape, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape)
    return lt.tensor(a), torch.tensor(a)


def same(ours, theirs, atol=1e-12):
    if isinstance(theirs, (tuple, list)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            same(o, t, atol)
        return
    if isinstance(theirs, dict):
        assert ours.keys() == theirs.keys()
        for k in theirs:
            same(ours[k], theirs[k], atol)
        return
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.requires_grad == theirs.requires_grad
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=atol,
                               rtol=1e-10)


def two_outputs(m):
    return lambda u, v: (u * v.exp(), (u ** 2).sum() + v.sin())


def scalar(m):
    return lambda u, v: (u * u * v).sum() + (u * v).tanh().sum()


# -- torch.autograd.functional --------------------------------------------------------------
def test_jacobian_of_tuples_and_single_tensors():
    (x, tx), (y, ty) = pair(3), pair(3, seed=1)
    F, TF = lt.autograd.functional, torch.autograd.functional
    same(F.jacobian(two_outputs(lt), (x, y)), TF.jacobian(two_outputs(torch), (tx, ty)))
    same(F.jacobian(lambda u: u ** 3, x), TF.jacobian(lambda u: u ** 3, tx))
    same(F.jacobian(lambda u: u.sum(), x), TF.jacobian(lambda u: u.sum(), tx))
    same(F.jacobian(lambda u: u ** 3, x, create_graph=True),
         TF.jacobian(lambda u: u ** 3, tx, create_graph=True))


@pytest.mark.parametrize("name", ["vjp", "jvp", "hvp", "vhp"])
def test_products_with_a_vector(name):
    (x, tx), (y, ty) = pair(3), pair(3, seed=1)
    ours_f, theirs_f = getattr(lt.autograd.functional, name), getattr(torch.autograd.functional,
                                                                      name)
    if name == "vjp":
        same(ours_f(two_outputs(lt), (x, y), (x, y)),
             theirs_f(two_outputs(torch), (tx, ty), (tx, ty)))
    elif name == "jvp":
        same(ours_f(two_outputs(lt), (x, y), (y, x)), theirs_f(two_outputs(torch), (tx, ty),
                                                                (ty, tx)))
    else:
        v, tv = (y, x), (ty, tx)
        same(ours_f(scalar(lt), (x, y), v), theirs_f(scalar(torch), (tx, ty), tv))


def test_hessian_of_a_scalar_function():
    (x, tx), (y, ty) = pair(3), pair(3, seed=1)
    same(lt.autograd.functional.hessian(scalar(lt), (x, y)),
         torch.autograd.functional.hessian(scalar(torch), (tx, ty)))
    same(lt.autograd.functional.hessian(lambda u: (u ** 3).sum(), x),
         torch.autograd.functional.hessian(lambda u: (u ** 3).sum(), tx))


def test_v_may_be_left_out_only_for_a_single_element_output():
    x, tx = pair(3)
    with pytest.raises(RuntimeError, match="The vector v can only be None"):
        torch.autograd.functional.vjp(lambda u: u * 2, tx)
    with pytest.raises(RuntimeError, match="The vector v can only be None"):
        lt.autograd.functional.vjp(lambda u: u * 2, x)
    same(lt.autograd.functional.vjp(lambda u: u.sum(), x),
         torch.autograd.functional.vjp(lambda u: u.sum(), tx))


# -- torch.func ------------------------------------------------------------------------------
def test_grad_composes_with_itself():
    x, tx = pair()
    f = lambda m: (lambda u: u.sin() * u ** 2)  # noqa: E731
    same(lt.func.grad(f(lt))(x), torch.func.grad(f(torch))(tx))
    same(lt.func.grad(lt.func.grad(f(lt)))(x), torch.func.grad(torch.func.grad(f(torch)))(tx))


def test_grad_over_several_arguments_with_aux():
    (x, tx), (y, ty) = pair(3), pair(3, seed=1)

    def f(u, v):
        loss = (u * v).sum()
        return loss, {"loss": loss}
    same(lt.func.grad(f, argnums=(0, 1), has_aux=True)(x, y),
         torch.func.grad(f, argnums=(0, 1), has_aux=True)(tx, ty))
    same(lt.func.grad_and_value(lambda u, v: (u * v).sum(), argnums=1)(x, y),
         torch.func.grad_and_value(lambda u, v: (u * v).sum(), argnums=1)(tx, ty))


def test_grad_demands_a_scalar_like_torch():
    x, tx = pair(3)
    with pytest.raises(RuntimeError) as theirs:
        torch.func.grad(lambda u: u * 2)(tx)
    with pytest.raises(RuntimeError) as ours:
        lt.func.grad(lambda u: u * 2)(x)
    assert str(ours.value) == str(theirs.value)


def test_vjp_and_jvp():
    (x, tx), (y, ty) = pair(3), pair(3, seed=1)
    out, fn = lt.func.vjp(two_outputs(lt), x, y)
    tout, tfn = torch.func.vjp(two_outputs(torch), tx, ty)
    same(out, tout)
    same(fn((x, y)), tfn((tx, ty)))
    same(lt.func.jvp(two_outputs(lt), (x, y), (y, x)),
         torch.func.jvp(two_outputs(torch), (tx, ty), (ty, tx)))
    out, fn = lt.func.linearize(lambda u: u.sin(), x)
    tout, tfn = torch.func.linearize(lambda u: u.sin(), tx)
    same(out, tout)
    same(fn(y), tfn(ty))


@pytest.mark.parametrize("transform", ["jacrev", "jacfwd"])
def test_jacobians(transform):
    (x, tx), (y, ty) = pair(3), pair(3, seed=1)
    ours, theirs = getattr(lt.func, transform), getattr(torch.func, transform)
    same(ours(two_outputs(lt), argnums=(0, 1))(x, y),
         theirs(two_outputs(torch), argnums=(0, 1))(tx, ty))
    same(ours(lambda u: u.exp() * u)(x), theirs(lambda u: u.exp() * u)(tx))


def test_hessian_and_grad_inside_jacrev():
    (x, tx), (y, ty) = pair(3), pair(3, seed=1)
    same(lt.func.hessian(scalar(lt), argnums=(0, 1))(x, y),
         torch.func.hessian(scalar(torch), argnums=(0, 1))(tx, ty))
    f = lambda u: (u.sin() ** 2).sum()  # noqa: E731
    same(lt.func.jacrev(lt.func.grad(f))(x), torch.func.jacrev(torch.func.grad(f))(tx))


def test_vmap_maps_over_the_given_dims():
    (x, tx), (w, tw) = pair(5, 3), pair(3, 4, seed=1)
    same(lt.vmap(lambda row, m: row @ m, in_dims=(0, None))(x, w),
         torch.vmap(lambda row, m: row @ m, in_dims=(0, None))(tx, tw))
    same(lt.func.vmap(lambda col: col.sum(), in_dims=1)(x),
         torch.func.vmap(lambda col: col.sum(), in_dims=1)(tx))
    same(lt.vmap(lambda row: (row * 2, row.sum()), out_dims=(1, 0))(x),
         torch.vmap(lambda row: (row * 2, row.sum()), out_dims=(1, 0))(tx))


def test_per_sample_gradients_with_vmap_of_grad():
    (x, tx), (w, tw) = pair(6, 3), pair(3, seed=1)
    loss = lambda m: (lambda weights, row: (row @ weights).tanh())  # noqa: E731
    same(lt.vmap(lt.func.grad(loss(lt)), in_dims=(None, 0))(w, x),
         torch.vmap(torch.func.grad(loss(torch)), in_dims=(None, 0))(tw, tx))


def test_vmap_refuses_mismatched_batch_sizes():
    (x, tx), (y, ty) = pair(4, 2), pair(5, 2, seed=1)
    with pytest.raises(ValueError, match="Expected all tensors to have the same size"):
        torch.vmap(lambda a, b: a + b)(tx, ty)
    with pytest.raises(ValueError, match="Expected all tensors to have the same size"):
        lt.vmap(lambda a, b: a + b)(x, y)


def _models(m, n):
    m.manual_seed(0)
    return [m.nn.Linear(3, 2).double() for _ in range(n)]


def test_an_ensemble_with_stack_module_state_and_functional_call():
    models, tmodels = _models(lt, 3), _models(torch, 3)
    params, buffers = lt.func.stack_module_state(models)
    tparams, tbuffers = torch.func.stack_module_state(tmodels)
    same(params, tparams)
    x, tx = pair(4, 3)
    base, tbase = models[0], tmodels[0]

    def run(p, b, data):
        return lt.func.functional_call(base, (p, b), (data,))

    def trun(p, b, data):
        return torch.func.functional_call(tbase, (p, b), (data,))
    same(lt.vmap(run, in_dims=(0, 0, None))(params, buffers, x),
         torch.vmap(trun, in_dims=(0, 0, None))(tparams, tbuffers, tx), atol=1e-12)


def test_replace_all_batch_norm_modules_drops_running_stats():
    net = lt.nn.Sequential(lt.nn.Linear(2, 3), lt.nn.BatchNorm1d(3))
    tnet = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
    lt.func.replace_all_batch_norm_modules_(net), torch.func.replace_all_batch_norm_modules_(tnet)
    assert net[1].running_mean is None and tnet[1].running_mean is None
    assert net[1].track_running_stats is tnet[1].track_running_stats is False


def test_functionalize_and_debug_unwrap_are_identities_eagerly():
    x, tx = pair(3)
    same(lt.func.functionalize(lambda u: u.add_(1))(x.clone()),
         torch.func.functionalize(lambda u: u.add_(1))(tx.clone()))
    same(lt.func.debug_unwrap(x), torch.func.debug_unwrap(tx))


@pytest.mark.parametrize("pattern,lengths", [
    ("a b c d -> d a b c", {}), ("a b c d -> a (b c) d", {}), ("a (b1 b2) c d -> a b1 b2 c d",
                                                            {"b1": 1}),
    ("a ... -> ... a", {}), ("a ... -> a (...)", {}), ("a b ... -> (b a) ...", {}),
    ("a b c d -> d 1 (c b) a", {}), ("... -> ...", {})])
def test_rearrange_names_the_axes_like_torch(pattern, lengths):
    x = np.arange(120).reshape(2, 3, 4, 5)
    ours = lt.func.rearrange(lt.tensor(x), pattern, **lengths)
    theirs = torch.func.rearrange(torch.tensor(x), pattern, **lengths)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_rearrange_stacks_a_list_and_is_differentiable():
    (x, tx) = pair(2, 3)
    x.requires_grad_(), tx.requires_grad_()
    ours = lt.func.rearrange([x, x * 2], "n a b -> a (n b)")
    theirs = torch.func.rearrange([tx, tx * 2], "n a b -> a (n b)")
    same(ours, theirs)
    ours.sum().backward(), theirs.sum().backward()
    same(x.grad, tx.grad)


@pytest.mark.parametrize("pattern,lengths", [("a b c d e -> a b c d e", {}), ("a b c d", {}),
                                             ("a 2 c d -> a c d", {}),
                                             ("a b c d -> a b c", {}),
                                             ("a b c d -> a b c d", {"z": 2})])
def test_rearrange_errors_are_torch_s(pattern, lengths):
    x = np.zeros((2, 3, 4, 5))
    with pytest.raises(ValueError) as theirs:
        torch.func.rearrange(torch.tensor(x), pattern, **lengths)
    with pytest.raises(ValueError) as ours:
        lt.func.rearrange(lt.tensor(x), pattern, **lengths)
    assert str(ours.value) == str(theirs.value)
