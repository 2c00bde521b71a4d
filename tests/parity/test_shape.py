"""Shape ops (learntorch/ops/shape.py) against torch: results, gradients and which are views."""
import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import learntorch as lt
from helpers import ALL_DTYPES, FLOAT_DTYPES, arrays, check_op, dtypes, shapes

# Shapes with many size-1 dims, which squeeze/expand/view care about.
SMALL_SHAPES = shapes(max_side=3)


def _is_view(t):
    return t._base is not None


def _check_view_parity(lt_out, th_out):
    """A result is a view (shares its input's memory) exactly when torch's is."""
    assert _is_view(lt_out) == _is_view(th_out), \
        f"learntorch view: {_is_view(lt_out)}, torch view: {_is_view(th_out)}"


@st.composite
def same_numel_shapes(draw, shape):
    """A shape with the same number of elements, possibly with one -1 to infer."""
    numel = math.prod(shape)
    if numel == 0:
        sizes = list(draw(st.permutations(list(shape) + [1] * draw(st.integers(0, 2)))))
        return tuple(sizes)
    factors = []
    n = numel
    for p in (2, 3, 5):
        while n % p == 0:
            factors.append(p)
            n //= p
    factors = draw(st.permutations(factors))
    sizes, i = [], 0
    while i < len(factors):
        take = draw(st.integers(1, len(factors) - i))
        sizes.append(math.prod(factors[i:i + take]))
        i += take
    sizes += [1] * draw(st.integers(0, 2))
    sizes = list(draw(st.permutations(sizes)))
    if sizes and draw(st.booleans()):
        sizes[draw(st.integers(0, len(sizes) - 1))] = -1
    return tuple(sizes)


def _maybe_permuted(data, x):
    """Either ``x`` itself, or a permutation of its dims (a non-contiguous input)."""
    order = tuple(data.draw(st.permutations(range(x.ndim))))
    return order if data.draw(st.booleans()) else None


@pytest.mark.parametrize("name", ["view", "reshape"])
@settings(max_examples=120)
@given(data=st.data(), shape=shapes(max_dims=3), dt=dtypes(ALL_DTYPES))
def test_view_and_reshape_to_a_shape_with_the_same_numel(name, data, shape, dt):
    """``x.view(*s)`` / ``x.reshape(*s)`` (with -1): same values, gradient reshaped back.

    ``view`` is always a view; ``reshape`` of a permuted (non-contiguous) input is a view
    exactly when torch's is, and a copy otherwise.
    """
    target = data.draw(same_numel_shapes(shape))
    assume(not (-1 in target and math.prod(shape) == 0))
    x = data.draw(arrays(dt, shape))
    order = _maybe_permuted(data, x) if name == "reshape" else None
    prep = (lambda t: t.permute(order)) if order else (lambda t: t)
    args = target if target else (target,)  # torch's x.view() needs a size: x.view(())
    lt_out, th_out = check_op(lambda t: getattr(prep(t), name)(*args),
                              lambda t: getattr(prep(t), name)(*args), x)
    _check_view_parity(lt_out, th_out)
    check_op(lambda t: lt.reshape(prep(t), target), lambda t: torch.reshape(prep(t), target),
                      x, grad=False)


@settings(max_examples=100)
@given(data=st.data(), shape=shapes(), dt=dtypes(ALL_DTYPES))
def test_permute_reorders_dims_and_its_gradient_is_the_inverse_permutation(data, shape, dt):
    """``x.permute(*dims)`` with negative dims allowed; a view."""
    ndim = len(shape)
    order = data.draw(st.permutations(range(ndim)))
    dims = tuple(d - ndim if data.draw(st.booleans()) else d for d in order)
    x = data.draw(arrays(dt, shape))
    args = dims if dims else (dims,)
    lt_out, th_out = check_op(lambda t: t.permute(*args), lambda t: t.permute(*args), x)
    _check_view_parity(lt_out, th_out)
    check_op(lambda t: lt.permute(t, dims), lambda t: torch.permute(t, dims), x, grad=False)


@settings(max_examples=100)
@given(data=st.data(), shape=shapes(), dt=dtypes(ALL_DTYPES))
def test_transpose_swaps_two_dims(data, shape, dt):
    """``transpose(x, d0, d1)`` for any two dims (equal, negative, 0-d tensors' 0/-1)."""
    ndim = max(len(shape), 1)
    d0, d1 = data.draw(st.integers(-ndim, ndim - 1)), data.draw(st.integers(-ndim, ndim - 1))
    x = data.draw(arrays(dt, shape))
    lt_out, th_out = check_op(lambda t: t.transpose(d0, d1), lambda t: t.transpose(d0, d1), x)
    _check_view_parity(lt_out, th_out)


@settings(max_examples=60)
@given(data=st.data(), shape=shapes(max_dims=2), dt=dtypes(ALL_DTYPES))
def test_t_transposes_matrices_and_leaves_vectors_and_scalars(data, shape, dt):
    """``x.t()`` and ``x.T`` for tensors of at most 2 dims."""
    x = data.draw(arrays(dt, shape))
    lt_out, th_out = check_op(lambda t: t.t(), lambda t: t.t(), x)
    _check_view_parity(lt_out, th_out)
    check_op(lt.t, torch.t, x)
    if len(shape) == 2:  # torch deprecates .T on other ranks
        check_op(lambda t: t.T, lambda t: t.T, x)


@settings(max_examples=120)
@given(data=st.data(), shape=SMALL_SHAPES, dt=dtypes(ALL_DTYPES))
def test_squeeze_removes_size_one_dims(data, shape, dt):
    """``squeeze()``, ``squeeze(d)`` and ``squeeze((d0, d1))``: only size-1 dims go."""
    ndim = len(shape)
    low, high = (-ndim, ndim - 1) if ndim else (-1, 0)
    dim = data.draw(st.none() | st.integers(low, high)
                    | st.lists(st.integers(low, high), max_size=3,
                               unique_by=lambda d: d % max(ndim, 1)).map(tuple))
    x = data.draw(arrays(dt, shape))
    call = (lambda t: t.squeeze()) if dim is None else (lambda t: t.squeeze(dim))
    lt_out, th_out = check_op(call, call, x)
    _check_view_parity(lt_out, th_out)


@settings(max_examples=80)
@given(data=st.data(), shape=shapes(), dt=dtypes(ALL_DTYPES))
def test_unsqueeze_inserts_a_size_one_dim(data, shape, dt):
    """``unsqueeze(d)`` for d in [-ndim-1, ndim]."""
    ndim = len(shape)
    dim = data.draw(st.integers(-ndim - 1, ndim))
    x = data.draw(arrays(dt, shape))
    lt_out, th_out = check_op(lambda t: t.unsqueeze(dim), lambda t: t.unsqueeze(dim), x)
    _check_view_parity(lt_out, th_out)


@st.composite
def expand_sizes(draw, shape):
    """Sizes ``expand`` accepts: size-1 dims grow, others stay (or -1), new leading dims."""
    sizes = [draw(st.sampled_from([-1, 0, 1, 2, 3])) if s == 1 else draw(st.sampled_from([-1, s]))
             for s in shape]
    lead = draw(st.lists(st.integers(0, 3), max_size=2))
    return tuple(lead + sizes)


@settings(max_examples=120)
@given(data=st.data(), shape=SMALL_SHAPES, dt=dtypes(ALL_DTYPES))
def test_expand_broadcasts_without_copying_and_sums_the_gradient_back(data, shape, dt):
    """``x.expand(*sizes)`` (-1 keeps a size, leading dims are new); the grad is summed."""
    sizes = data.draw(expand_sizes(shape))
    x = data.draw(arrays(dt, shape))
    args = sizes if sizes else (sizes,)
    lt_out, th_out = check_op(lambda t: t.expand(*args), lambda t: t.expand(*args), x,
                              rtol=1e-5, atol=1e-5)
    _check_view_parity(lt_out, th_out)
    check_op(lambda t: t.expand(sizes), lambda t: t.expand(sizes), x, grad=False)


@settings(max_examples=100)
@given(data=st.data(), shape=shapes(), dt=dtypes(ALL_DTYPES))
def test_flatten_merges_a_range_of_dims(data, shape, dt):
    """``flatten(x, start, end)`` (defaults, negative dims; 0-d gives shape [1])."""
    ndim = max(len(shape), 1)
    start = data.draw(st.integers(-ndim, ndim - 1))
    end = data.draw(st.integers(-ndim, ndim - 1))
    assume(start % ndim <= end % ndim)
    x = data.draw(arrays(dt, shape))
    order = _maybe_permuted(data, x)
    prep = (lambda t: t.permute(order)) if order else (lambda t: t)
    lt_out, th_out = check_op(lambda t: prep(t).flatten(start, end),
                              lambda t: prep(t).flatten(start, end), x)
    _check_view_parity(lt_out, th_out)
    check_op(lambda t: lt.flatten(prep(t)), lambda t: torch.flatten(prep(t)), x)


@pytest.mark.parametrize("name", ["contiguous", "clone"])
@settings(max_examples=60)
@given(data=st.data(), shape=shapes(), dt=dtypes(ALL_DTYPES))
def test_contiguous_and_clone_copy_values_and_pass_the_gradient(name, data, shape, dt):
    """``clone()`` always copies; ``contiguous()`` copies only a non-contiguous input."""
    x = data.draw(arrays(dt, shape))
    order = _maybe_permuted(data, x)
    prep = (lambda t: t.permute(order)) if order else (lambda t: t)
    lt_out, th_out = check_op(lambda t: getattr(prep(t), name)(), lambda t: getattr(prep(t), name)(), x)
    assert lt_out.is_contiguous() == th_out.is_contiguous()
    _check_view_parity(lt_out, th_out)


@pytest.mark.parametrize("name", ["view", "permute", "transpose", "unsqueeze", "expand",
                                  "squeeze"])
def test_a_write_through_a_view_is_seen_by_its_base(name):
    """Views share memory: writing into the view changes the base (and vice versa)."""
    calls = {"view": lambda t: t.view(6), "permute": lambda t: t.permute(1, 0),
             "transpose": lambda t: t.transpose(0, 1), "unsqueeze": lambda t: t.unsqueeze(0),
             "expand": lambda t: t.expand(2, 2, 3), "squeeze": lambda t: t.squeeze()}
    for lib in (lt, torch):
        base = lib.zeros(2, 3)
        view = calls[name](base)
        base.fill_(7.0)
        assert (view == 7).all(), f"{lib.__name__}: the view does not see the write"


@pytest.mark.parametrize("dt", FLOAT_DTYPES)
def test_reshape_of_a_transposed_matrix_copies(dt):
    """A transposed matrix cannot be viewed as a vector: reshape copies, view refuses."""
    x = np.arange(6, dtype=dt).reshape(2, 3)
    lt_out, th_out = check_op(lambda t: t.t().reshape(6), lambda t: t.t().reshape(6), x)
    _check_view_parity(lt_out, th_out)
