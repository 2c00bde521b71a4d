"""Identity, Linear, Bilinear, LazyLinear, Flatten, Unflatten and F.linear/F.bilinear vs torch.

Forward values, gradients of the input and of every parameter, grad_fn names, reprs,
default initialisation (bit for bit with torch's generator) and torch's error messages.
"""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
from learntorch.autograd import gradcheck, gradgradcheck

RTOL, ATOL = 1e-5, 1e-5


def both(fn):
    return fn(lt), fn(torch)


def error(fn, exc=Exception):
    with pytest.raises(exc) as info:
        fn()
    return type(info.value).__name__, str(info.value)


def copy_params(ours, theirs):
    """Give the torch module the learntorch module's parameter values."""
    with torch.no_grad():
        for (name, p), (name_t, q) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert name == name_t
            q.copy_(torch.from_numpy(p.detach().numpy().copy()))


def assert_close(a, b, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=rtol, atol=atol)


# -- default initialisation ---------------------------------------------------------------------
def test_linear_default_init_is_torchs_bit_for_bit():
    lt.manual_seed(0)
    torch.manual_seed(0)
    ours, theirs = lt.nn.Linear(784, 10), torch.nn.Linear(784, 10)
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    np.testing.assert_array_equal(ours.bias.detach().numpy(), theirs.bias.detach().numpy())


def test_seeded_mlp_starts_from_torchs_weights():
    def build(lib):
        lib.manual_seed(1)
        return lib.nn.Sequential(lib.nn.Linear(20, 16), lib.nn.Linear(16, 4, bias=False),
                                 lib.nn.Bilinear(4, 3, 2))
    ours, theirs = both(build)
    for (k, a), (_, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)


def test_linear_init_bounds():
    lin = lt.nn.Linear(50, 30)
    bound = 1 / math.sqrt(50)
    assert float(lin.weight.abs().max()) <= bound and float(lin.bias.abs().max()) <= bound
    assert float(lin.weight.std()) == pytest.approx(bound / math.sqrt(3), rel=0.1)


def test_parameters_dtype_and_requires_grad():
    lin = lt.nn.Linear(3, 2, dtype=lt.float64)
    assert lin.weight.dtype is lt.float64 and lin.bias.dtype is lt.float64
    assert isinstance(lin.weight, lt.nn.Parameter) and lin.weight.requires_grad
    assert lt.nn.Linear(3, 2, bias=False).bias is None


# -- forward and backward ------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(batch=st.lists(st.integers(0, 4), min_size=0, max_size=3),
       in_f=st.integers(1, 6), out_f=st.integers(1, 6), bias=st.booleans(),
       seed=st.integers(0, 2 ** 16))
def test_linear_matches_torch_forward_and_gradients(batch, in_f, out_f, bias, seed):
    x = np.random.default_rng(seed).standard_normal((*batch, in_f)).astype(np.float32)
    ours = lt.nn.Linear(in_f, out_f, bias=bias)
    theirs = torch.nn.Linear(in_f, out_f, bias=bias)
    copy_params(ours, theirs)
    xs = lt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ys = ours(xs[0]), theirs(xs[1])
    assert tuple(ys[0].shape) == tuple(ys[1].shape)
    assert_close(*ys)
    assert ys[0].grad_fn.name() == ys[1].grad_fn.name()
    g = np.random.default_rng(seed + 1).standard_normal(tuple(ys[1].shape)).astype(np.float32)
    ys[0].backward(lt.tensor(g))
    ys[1].backward(torch.tensor(g))
    assert_close(xs[0].grad, xs[1].grad)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert_close(p.grad, q.grad)


def test_linear_gradcheck_and_gradgradcheck_float64():
    x = lt.randn(4, 3, dtype=lt.float64, requires_grad=True)
    w = lt.randn(2, 3, dtype=lt.float64, requires_grad=True)
    b = lt.randn(2, dtype=lt.float64, requires_grad=True)
    F = lt.nn.functional
    assert gradcheck(F.linear, (x, w, b))
    assert gradgradcheck(F.linear, (x, w, b))
    assert gradcheck(F.linear, (x, w))
    assert gradcheck(F.linear, (lt.randn(3, dtype=lt.float64, requires_grad=True), w, b))
    assert gradcheck(F.linear, (lt.randn(2, 2, 3, dtype=lt.float64, requires_grad=True), w, b))


def _graph(node, depth=3):
    """``(name, children)`` down ``next_functions``, None edges kept as None."""
    if node is None:
        return None
    children = [_graph(n, depth - 1) for n, _ in node.next_functions] if depth else []
    return type(node).__name__, children


@pytest.mark.parametrize("input_requires_grad", [True, False])
def test_a_2d_linear_with_bias_has_torchs_addmm_graph(input_requires_grad):
    """AddmmBackward0 → (bias, input, TBackward0 → weight): the blitz tutorial walks it."""
    graphs = []
    for lib in (lt, torch):
        lib.manual_seed(0)
        layer = lib.nn.Linear(3, 2)
        x = lib.ones(4, 3, requires_grad=input_requires_grad)
        y = layer(x.relu() if input_requires_grad else x)
        graphs.append(_graph(y.grad_fn))
        y.sum().backward()
        assert layer.weight.grad.is_contiguous()
    assert graphs[0] == graphs[1]


def test_a_linear_weight_gradient_is_kept_without_a_copy():
    layer = lt.nn.Linear(3, 2)
    layer(lt.ones(4, 3)).sum().backward()
    assert layer.weight.grad._array.base is None  # the product itself, not a copy of a view


def test_linear_with_a_matrix_bias_and_a_vector_weight():
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    w = np.random.default_rng(1).standard_normal((2, 4)).astype(np.float32)
    b = np.random.default_rng(2).standard_normal((3, 2)).astype(np.float32)

    def run(lib):
        args = [lib.tensor(a, requires_grad=True) for a in (x, w, b)]
        y = lib.nn.functional.linear(*args)
        (y * y).sum().backward()
        v = lib.nn.functional.linear(lib.tensor(x), lib.tensor(w[0]))
        return [y, v] + [a.grad for a in args]
    for a, t in zip(*both(run)):
        assert_close(a, t)


@pytest.mark.parametrize("x_shape,bias", [((64, 20), True), ((64, 20), False), ((3, 4, 20), True),
                                          ((20,), False), ((0, 20), True)])
def test_linear_shape_mismatch_message(x_shape, bias):
    def run(lib):
        m = lib.nn.Linear(10, 5, bias=bias)
        return error(lambda: m(lib.ones(*x_shape)), RuntimeError)
    ours, theirs = both(run)
    assert ours == theirs
    if x_shape == (64, 20):
        assert ours[1] == "mat1 and mat2 shapes cannot be multiplied (64x20 and 10x5)"


@pytest.mark.parametrize("case", [
    lambda lib: lib.nn.functional.linear(lib.ones(3, 10), lib.ones(5, 10, dtype=lib.float64)),
    lambda lib: lib.nn.functional.linear(lib.ones(3, 10), lib.ones(5, 10), lib.ones(5, dtype=lib.float64)),
    lambda lib: lib.nn.functional.linear(lib.ones(3, 10, dtype=lib.float64), lib.ones(5, 10), lib.ones(5)),
    lambda lib: lib.nn.functional.linear(lib.ones(3, 4, 10), lib.ones(5, 10), lib.ones(4)),
    lambda lib: lib.nn.functional.linear(lib.ones(10), lib.ones(5, 10), lib.ones(4)),
    lambda lib: lib.nn.functional.linear(lib.ones(()), lib.ones(3, 1)),
    lambda lib: lib.nn.functional.linear([1.0], lib.ones(3, 1)),
])
def test_linear_bad_input_errors_match_torch(case):
    ours, theirs = both(lambda lib: error(lambda: case(lib)))
    assert ours == theirs


@settings(max_examples=15, deadline=None)
@given(batch=st.lists(st.integers(1, 3), min_size=0, max_size=2), in1=st.integers(1, 4),
       in2=st.integers(1, 4), out=st.integers(1, 4), bias=st.booleans(), seed=st.integers(0, 999))
def test_bilinear_matches_torch(batch, in1, in2, out, bias, seed):
    rng = np.random.default_rng(seed)
    x1 = rng.standard_normal((*batch, in1)).astype(np.float32)
    x2 = rng.standard_normal((*batch, in2)).astype(np.float32)
    ours, theirs = lt.nn.Bilinear(in1, in2, out, bias=bias), torch.nn.Bilinear(in1, in2, out, bias=bias)
    copy_params(ours, theirs)
    a = [lt.tensor(x1, requires_grad=True), lt.tensor(x2, requires_grad=True)]
    b = [torch.tensor(x1, requires_grad=True), torch.tensor(x2, requires_grad=True)]
    ya, yb = ours(*a), theirs(*b)
    assert_close(ya, yb)
    (ya * ya).sum().backward()
    (yb * yb).sum().backward()
    for p, q in zip(a + list(ours.parameters()), b + list(theirs.parameters())):
        assert_close(p.grad, q.grad, rtol=1e-4, atol=1e-5)


def test_bilinear_gradcheck_float64():
    args = [lt.randn(*s, dtype=lt.float64, requires_grad=True) for s in ((2, 3), (2, 4), (5, 3, 4), (5,))]
    assert gradcheck(lt.nn.functional.bilinear, args)
    assert gradgradcheck(lt.nn.functional.bilinear, args)


@pytest.mark.parametrize("shapes", [((2, 3), (3, 4), (6, 3, 4)), ((2, 4), (2, 4), (6, 3, 4)),
                                    ((2, 3), (2, 5), (6, 3, 4)), ((2, 3), (2, 1, 4), (6, 3, 4)),
                                    ((2, 3), (2, 4), (6, 3))])
def test_bilinear_errors_match_torch(shapes):
    def run(lib):
        x1, x2, w = (lib.ones(*s) for s in shapes)
        return error(lambda: lib.nn.functional.bilinear(x1, x2, w))
    ours, theirs = both(run)
    assert ours == theirs


def test_bilinear_bias_size_error():
    def run(lib):
        return error(lambda: lib.nn.functional.bilinear(lib.ones(2, 3), lib.ones(2, 4),
                                                        lib.ones(6, 3, 4), lib.ones(5)))
    ours, theirs = both(run)
    assert ours == theirs


# -- LazyLinear ----------------------------------------------------------------------------------
def test_lazy_linear_infers_in_features_and_becomes_linear():
    def run(lib):
        lib.manual_seed(3)
        m = lib.nn.LazyLinear(4)
        before = repr(m)
        y = m(lib.ones(2, 7))
        return before, repr(m), type(m).__name__, tuple(y.shape), m.weight.detach().numpy().copy()
    ours, theirs = both(run)
    assert ours[:4] == theirs[:4]
    np.testing.assert_array_equal(ours[4], theirs[4])


def test_lazy_linear_loads_a_state_dict_and_materializes():
    src = lt.nn.Linear(5, 3)
    lazy = lt.nn.LazyLinear(3)
    lazy.load_state_dict(src.state_dict())
    assert lazy.weight.shape == (3, 5)
    np.testing.assert_array_equal(lazy.weight.detach().numpy(), src.weight.detach().numpy())
    assert lazy(lt.ones(1, 5)).shape == (1, 3)


def test_lazy_linear_state_dict_before_forward_holds_the_placeholder():
    sd = lt.nn.LazyLinear(3).state_dict()
    assert list(sd) == ["weight", "bias"]
    assert lt.nn.parameter.is_lazy(sd["weight"])


# -- Identity, Flatten, Unflatten ----------------------------------------------------------------
def test_identity_ignores_arguments_and_returns_the_input():
    x = lt.ones(2)
    assert lt.nn.Identity(54, unused="x")(x) is x
    assert repr(lt.nn.Identity(3)) == repr(torch.nn.Identity(3))


@pytest.mark.parametrize("args", [(), (0,), (1, 2), (-3, -1), (0, -1)])
def test_flatten_matches_torch(args):
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    ours, theirs = lt.nn.Flatten(*args), torch.nn.Flatten(*args)
    assert repr(ours) == repr(theirs)
    assert_close(ours(lt.tensor(x)), theirs(torch.tensor(x)))
    assert tuple(ours(lt.tensor(x)).shape) == tuple(theirs(torch.tensor(x)).shape)


@pytest.mark.parametrize("dim,size", [(1, (3, 4)), (-1, (2, 2, 5)), (1, [12, 1]), (2, (-1, 4))])
def test_unflatten_matches_torch(dim, size):
    x = np.arange(2 * 12 * 20, dtype=np.float32).reshape(2, 12, 20)
    if dim == 2:
        x = x.reshape(2, 3, 80)
    ours, theirs = lt.nn.Unflatten(dim, size), torch.nn.Unflatten(dim, size)
    assert repr(ours) == repr(theirs)
    assert tuple(ours(lt.tensor(x)).shape) == tuple(theirs(torch.tensor(x)).shape)


@pytest.mark.parametrize("args", [(1, 3), (1, (3, "a")), (1, "ab"), ("x", ((3,), 4))])
def test_unflatten_argument_errors_match_torch(args):
    ours, theirs = both(lambda lib: error(lambda: lib.nn.Unflatten(*args)))
    assert ours == theirs
