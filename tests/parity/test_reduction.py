"""Reductions (learntorch/ops/reduction.py) against torch: sum, mean, max/min, amax/amin, argmax/argmin."""
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import learntorch as lt
from helpers import (ALL_DTYPES, FLOAT_DTYPES, NUMERIC_DTYPES, arrays, check_op, dims_for, dtypes,
                     shapes)

# Sums over up to 625 elements: torch accumulates in a different (pairwise/vectorised)
# order than NumPy, so float32 results may differ by more than a few ulps.
SUM_RTOL, SUM_ATOL = 1e-4, 1e-5


def _reduced_sizes(shape, dim):
    """The sizes that ``dim`` reduces (all of them for None)."""
    if dim is None or not shape:
        return tuple(shape)
    dims = (dim,) if isinstance(dim, int) else dim
    return tuple(shape[d] for d in dims)


def _call(fn, dim, keepdim):
    """``fn(x)`` when dim is None, else ``fn(x, dim, keepdim=keepdim)``."""
    if dim is None:
        return lambda t: fn(t)
    return lambda t: fn(t, dim, keepdim=keepdim)


@pytest.mark.parametrize("name", ["sum", "mean"])
@settings(max_examples=120)
@given(data=st.data(), shape=shapes(), keepdim=st.booleans())
def test_sum_and_mean_over_all_int_negative_and_tuple_dims(name, data, shape, keepdim):
    """``sum``/``mean`` with dim None, int, negative int or tuple, keepdim or not.

    Integer and bool inputs sum to int64; mean needs a float input.  Reducing size-0
    dims gives 0 (sum) or NaN (mean), as in torch.
    """
    dt = data.draw(dtypes(ALL_DTYPES if name == "sum" else FLOAT_DTYPES))
    dim = data.draw(dims_for(len(shape)))
    x = data.draw(arrays(dt, shape))
    fn = getattr(torch, name)
    check_op(_call(getattr(lt, name), dim, keepdim), _call(fn, dim, keepdim), x,
             rtol=SUM_RTOL, atol=SUM_ATOL)
    method = (lambda t: getattr(t, name)(dim=dim, keepdim=keepdim))
    check_op(method, method, x, grad=False, rtol=SUM_RTOL, atol=SUM_ATOL)


@pytest.mark.parametrize("name", ["max", "min"])
@settings(max_examples=100)
@given(data=st.data(), shape=shapes(), dt=dtypes(NUMERIC_DTYPES))
def test_max_min_over_everything_share_the_gradient_between_ties(name, data, shape, dt):
    """``max(x)`` / ``min(x)``: a 0-d tensor; tied winners split the gradient evenly."""
    assume(all(shape))
    x = data.draw(arrays(dt, shape))
    check_op(getattr(lt, name), getattr(torch, name), x)


@pytest.mark.parametrize("name", ["max", "min"])
@settings(max_examples=100)
@given(data=st.data(), shape=shapes(), dt=dtypes(NUMERIC_DTYPES), keepdim=st.booleans())
def test_max_min_along_a_dim_return_values_and_indices(name, data, shape, dt, keepdim):
    """``max(x, dim)``: a (values, indices) pair, both compared; the gradient goes to the
    winner.  Values are distinct so that the winning index is unambiguous."""
    dim = data.draw(dims_for(len(shape), allow_none=False, allow_tuple=False))
    assume(all(_reduced_sizes(shape, dim)))
    x = data.draw(arrays(dt, shape, unique=True))
    lt_out, th_out = check_op(_call(getattr(lt, name), dim, keepdim),
                              _call(getattr(torch, name), dim, keepdim), x)
    assert lt_out.values is lt_out[0] and lt_out.indices is lt_out[1]
    method = (lambda t: getattr(t, name)(dim, keepdim))
    check_op(method, method, x, grad=False)


@pytest.mark.parametrize("name", ["amax", "amin"])
@settings(max_examples=100)
@given(data=st.data(), shape=shapes(), dt=dtypes(NUMERIC_DTYPES), keepdim=st.booleans())
def test_amax_amin_reduce_any_dims_and_split_ties(name, data, shape, dt, keepdim):
    """``amax(x, dim)`` with int or tuple dims (or all dims); ties share the gradient.

    Only the reduced dims must be non-empty: ``amax(zeros(0, 3), dim=1)`` is an empty tensor.
    """
    dim = data.draw(dims_for(len(shape), allow_none=False) | st.just(()))
    sizes = _reduced_sizes(shape, dim) if dim != () else tuple(shape)
    assume(all(sizes))
    x = data.draw(arrays(dt, shape))
    check_op(lambda t: getattr(lt, name)(t, dim, keepdim),
             lambda t: getattr(torch, name)(t, dim, keepdim), x)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@settings(max_examples=100)
@given(data=st.data(), shape=shapes(), dt=dtypes(NUMERIC_DTYPES), keepdim=st.booleans())
def test_argmax_argmin_give_int64_indices(name, data, shape, dt, keepdim):
    """``argmax(x)`` (flat index) and ``argmax(x, dim, keepdim)``; values are distinct."""
    dim = data.draw(dims_for(len(shape), allow_tuple=False))
    assume(all(_reduced_sizes(shape, dim)))
    x = data.draw(arrays(dt, shape, unique=True))
    check_op(lambda t: getattr(lt, name)(t, dim, keepdim),
             lambda t: getattr(torch, name)(t, dim, keepdim), x)
    method = (lambda t: getattr(t, name)(dim=dim, keepdim=keepdim))
    check_op(method, method, x)
