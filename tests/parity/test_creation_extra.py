"""Random sampling (bernoulli, multinomial, normal, the in-place ``x.uniform_()`` family) and
the default dtype, against torch.

Random values never match torch's streams, so these tests compare shapes, dtypes, graph
nodes and errors with torch, and check ranges and seeding determinism on their own.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
from helpers import FLOAT_DTYPES, arrays, assert_same, check_raises, dtypes, shapes


def _same_kind(ours, theirs):
    """Same shape and dtype (the values are random)."""
    assert tuple(ours.shape) == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype)


# -- bernoulli and multinomial -----------------------------------------------------------------
@settings(max_examples=30)
@given(shape=shapes(max_dims=3), dt=dtypes(FLOAT_DTYPES), data=st.data())
def test_bernoulli_draws_zeros_and_ones_in_the_input_dtype(shape, dt, data):
    p = np.asarray(np.clip(data.draw(arrays(dt, shape, "any")), 0, 1))
    ours, theirs = lt.bernoulli(lt.tensor(p)), torch.bernoulli(torch.from_numpy(p))
    _same_kind(ours, theirs)
    values = ours.numpy()
    assert np.isin(values, [0, 1]).all()
    assert (values[p == 0] == 0).all() and (values[p == 1] == 1).all()


@settings(max_examples=30)
@given(rows=st.none() | st.integers(0, 3), k=st.integers(1, 6), n=st.integers(1, 8),
       replacement=st.booleans(), data=st.data())
def test_multinomial_draws_valid_categories(rows, k, n, replacement, data):
    """int64 indices in [0, k); never a zero-weight category while others remain; no
    repeats without replacement."""
    n = n if replacement else min(n, k)
    shape = (k,) if rows is None else (rows, k)
    weights = data.draw(arrays("float32", shape, "any")).clip(0, None)
    weights[..., 0] = 1.0  # at least one positive weight per row
    ours = lt.multinomial(lt.tensor(weights), n, replacement)
    _same_kind(ours, torch.multinomial(torch.from_numpy(weights), n, replacement))
    picks = ours.numpy().reshape(-1, n)
    for row, w in zip(picks, weights.reshape(-1, k)):
        assert ((0 <= row) & (row < k)).all()
        if replacement or n <= (w > 0).sum():
            assert (w[row] > 0).all()
        if not replacement:
            assert len(set(row.tolist())) == n


def test_multinomial_follows_the_weights():
    counts = np.bincount(lt.multinomial(lt.tensor([1.0, 3.0]), 4000, True).numpy(), minlength=2)
    assert 0.7 < counts[1] / 4000 < 0.8


# -- normal ------------------------------------------------------------------------------------
NORMAL_CALLS = {
    "tensor, tensor": lambda lib, m, s: lib.normal(m, s),
    "tensor, number": lambda lib, m, s: lib.normal(m, 2.0),
    "number, tensor": lambda lib, m, s: lib.normal(1.0, s),
    "broadcast": lambda lib, m, s: lib.normal(m.reshape(1, 3), s.reshape(3, 1)),
}


@pytest.mark.parametrize("name", NORMAL_CALLS)
def test_normal_with_tensors_has_torch_shape_dtype_node_and_zero_gradient(name):
    """torch's normal does not reparametrise: mean and std get a zero gradient."""
    mean, std = np.zeros(3, np.float32), np.ones(3, np.float32)
    results = []
    for lib in (lt, torch):
        m, s = (lib.tensor(a, requires_grad=True) for a in (mean, std))
        out = NORMAL_CALLS[name](lib, m, s)
        out.sum().backward()
        results.append((out, out.grad_fn.name(), m.grad, s.grad))
    (ours, our_node, *our_grads), (theirs, their_node, *their_grads) = results
    _same_kind(ours, theirs)
    assert our_node == their_node
    for a, b in zip(our_grads, their_grads):
        assert (a is None) == (b is None)
        if b is not None:
            assert_same(a, b)


@pytest.mark.parametrize("kwargs", [{}, {"dtype": "float64"}])
def test_normal_with_numbers_needs_a_size(kwargs):
    make = {lib: (lambda lib=lib: lib.normal(0.0, 1.0, (2, 3), **{
        k: getattr(lib, v) for k, v in kwargs.items()})) for lib in (lt, torch)}
    _same_kind(make[lt](), make[torch]())


# -- in-place random fills ---------------------------------------------------------------------
FILLS = {  # name -> (call, check of the values, dtypes accepted)
    "uniform_": (lambda x: x.uniform_(-2, 3), lambda v: ((-2 <= v) & (v < 3)).all()),
    "uniform_ default": (lambda x: x.uniform_(), lambda v: ((0 <= v) & (v < 1)).all()),
    "normal_": (lambda x: x.normal_(5, 0.001), lambda v: (np.abs(v - 5) < 0.1).all()),
    "exponential_": (lambda x: x.exponential_(2.0), lambda v: (v >= 0).all()),
    "bernoulli_": (lambda x: x.bernoulli_(0.5), lambda v: np.isin(v, [0, 1]).all()),
    "bernoulli_ tensor p": (lambda x: x.bernoulli_(x.new_ones(x.shape[-1:]).float()),
                            lambda v: (v == 1).all()),
    "random_": (lambda x: x.random_(), lambda v: ((0 <= v) & (v == np.round(v))).all()),
    "random_ to": (lambda x: x.random_(3), lambda v: np.isin(v, [0, 1, 2]).all()),
    "random_ from to": (lambda x: x.random_(-2, 0), lambda v: np.isin(v, [-2, -1]).all()),
}
INT_FILLS = ("bernoulli_", "bernoulli_ tensor p", "random_", "random_ to", "random_ from to")


@pytest.mark.parametrize("name", FILLS)
@pytest.mark.parametrize("dt", ["float32", "float64", "int64", "int32"])
def test_random_fills_write_in_place_with_torch_dtype_rules(name, dt):
    """Returns self, keeps shape and dtype, bumps the version; float-only fills refuse ints
    like torch does."""
    call, valid = FILLS[name]
    if dt not in FLOAT_DTYPES and name not in INT_FILLS:
        check_raises(lambda: call(lt.zeros(2, 3, dtype=getattr(lt, dt))),
                     lambda: call(torch.zeros(2, 3, dtype=getattr(torch, dt))))
        return
    x = lt.zeros(2, 3, dtype=getattr(lt, dt))
    before = x._version
    assert call(x) is x
    assert x._version > before and str(x.dtype) == f"torch.{dt}" and x.shape == (2, 3)
    assert valid(x.numpy())


@pytest.mark.parametrize("name", FILLS)
def test_random_fills_follow_torch_autograd_rules(name):
    """A leaf that requires grad may be filled only under no_grad (nn.init does this); a
    non-leaf gets torch's node and passes back a zero gradient."""
    call, _ = FILLS[name]
    check_raises(lambda: call(lt.zeros(3, requires_grad=True)),
                 lambda: call(torch.zeros(3, requires_grad=True)))
    nodes = []
    for lib in (lt, torch):
        leaf = lib.zeros(2, 3, requires_grad=True)
        with lib.no_grad():
            call(leaf)
        assert leaf.is_leaf and leaf.requires_grad
        out = call(leaf * 1)
        out.sum().backward()
        assert leaf.grad.abs().sum().item() == 0
        nodes.append(out.grad_fn.name())
    assert nodes[0] == nodes[1]


@pytest.mark.parametrize("draw", [
    lambda g: lt.rand(4, generator=g), lambda g: lt.bernoulli(lt.full((8,), 0.5), generator=g),
    lambda g: lt.multinomial(lt.ones(5), 3, generator=g),
    lambda g: lt.normal(lt.zeros(3), 1.0, generator=g), lambda g: lt.zeros(4).uniform_(generator=g),
    lambda g: lt.zeros(4).normal_(generator=g), lambda g: lt.zeros(4).random_(10, generator=g),
    lambda g: lt.zeros(4).bernoulli_(0.5, generator=g),
    lambda g: lt.zeros(4).exponential_(generator=g),
], ids=["rand", "bernoulli", "multinomial", "normal", "uniform_", "normal_", "random_",
        "bernoulli_", "exponential_"])
@pytest.mark.parametrize("source", ["manual_seed", "generator"])
def test_the_same_seed_gives_the_same_samples(draw, source):
    def sample(seed):
        if source == "manual_seed":
            lt.manual_seed(seed)
            return draw(None).numpy()
        return draw(lt.Generator().manual_seed(seed)).numpy()
    np.testing.assert_array_equal(sample(3), sample(3))
    assert not np.array_equal(sample(3), sample(4)) or sample(3).size == 0


ERRORS = {
    "bernoulli p out of [0, 1]": lambda lib: lib.bernoulli(lib.full((3,), 1.5)),
    "bernoulli of ints": lambda lib: lib.bernoulli(lib.ones(3, dtype=lib.long)),
    "bernoulli_ p out of [0, 1]": lambda lib: lib.zeros(3).bernoulli_(-0.25),
    "bernoulli_ tensor p out of [0, 1]": lambda lib: lib.zeros(3).bernoulli_(lib.full((3,), 1.5)),
    "bernoulli_ int tensor p": lambda lib: lib.zeros(3).bernoulli_(lib.ones(3, dtype=lib.long)),
    "uniform_ reversed floats": lambda lib: lib.zeros(3).uniform_(1.5, 0.5),
    "exponential_ negative lambda": lambda lib: lib.zeros(3).exponential_(-0.5),
    "multinomial 3-d": lambda lib: lib.multinomial(lib.ones(2, 2, 2), 1),
    "multinomial 0-d": lambda lib: lib.multinomial(lib.tensor(1.0), 1),
    "multinomial negative weight": lambda lib: lib.multinomial(lib.tensor([-1.0, 2.0]), 1),
    "multinomial nan": lambda lib: lib.multinomial(lib.tensor([float("nan"), 2.0]), 1),
    "multinomial zero sum": lambda lib: lib.multinomial(lib.zeros(2), 1),
    "multinomial no samples": lambda lib: lib.multinomial(lib.ones(2), 0),
    "multinomial ints": lambda lib: lib.multinomial(lib.ones(2, dtype=lib.long), 1),
    "multinomial too many": lambda lib: lib.multinomial(lib.ones(2), 3),
    "normal negative std": lambda lib: lib.normal(lib.zeros(3), -lib.ones(3)),
    "normal negative std number": lambda lib: lib.normal(0.0, -1.0, (2,)),
    "normal of ints": lambda lib: lib.normal(lib.zeros(3, dtype=lib.long), 1.0),
    "normal shapes": lambda lib: lib.normal(lib.zeros(2, 3), lib.ones(2)),
    "uniform_ reversed": lambda lib: lib.zeros(3).uniform_(1, 0),
    "normal_ negative std": lambda lib: lib.zeros(3).normal_(0, -1),
    "exponential_ lambda 0": lambda lib: lib.zeros(3).exponential_(0),
    "random_ reversed": lambda lib: lib.zeros(3).random_(5, 2),
}


@pytest.mark.parametrize("name", ERRORS)
def test_sampling_errors_match_torch(name):
    check_raises(lambda: ERRORS[name](lt), lambda: ERRORS[name](torch))


# -- the default dtype -------------------------------------------------------------------------
@pytest.fixture
def float64_default():
    """Both libraries default to float64 for the test, and back to float32 after it."""
    lt.set_default_dtype(lt.float64)
    torch.set_default_dtype(torch.float64)
    yield
    lt.set_default_dtype(lt.float32)
    torch.set_default_dtype(torch.float32)


DEFAULT_DTYPE_CALLS = [
    lambda lib: lib.tensor([1.5]), lambda lib: lib.tensor(2.5), lambda lib: lib.zeros(2),
    lambda lib: lib.ones(2, 3), lambda lib: lib.empty(1), lambda lib: lib.full((2,), 1.5),
    lambda lib: lib.arange(0.0, 2.0, 0.5), lambda lib: lib.linspace(0, 1, 3),
    lambda lib: lib.eye(2), lambda lib: lib.rand(2), lambda lib: lib.randn(2),
    lambda lib: lib.normal(0.0, 1.0, (2,)), lambda lib: lib.tensor([1, 2]) * 0.5,
    lambda lib: lib.tensor([1, 2]) / 2,
]


@pytest.mark.parametrize("make", DEFAULT_DTYPE_CALLS, ids=range(len(DEFAULT_DTYPE_CALLS)))
def test_set_default_dtype_float64_reaches_every_creation_function(make, float64_default):
    assert lt.get_default_dtype() is lt.float64
    _same_kind(make(lt), make(torch))


def test_the_default_dtype_is_float32_again_after_the_fixture():
    assert lt.get_default_dtype() is lt.float32 and lt.tensor([1.5]).dtype is lt.float32
