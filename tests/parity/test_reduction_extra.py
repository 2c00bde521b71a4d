"""prod, var/std (and their _mean pairs), the cumulative ops, logsumexp, aminmax, norm and
dist against torch: values, dtypes, named-tuple results and gradients."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import learntorch as lt
from helpers import (FLOAT_DTYPES, NUMERIC_DTYPES, arrays, check_op, check_raises, dims_for,
                     dtypes, shapes)


def small_ints(dt, shape):
    """Whole numbers in [-2, 2]: zeros (for prod/cumprod) and ties (for cummax) are common."""
    return hnp.arrays(np.dtype(dt), shape, elements=st.integers(-2, 2))


# -- prod ---------------------------------------------------------------------------------------
@settings(max_examples=60)
@given(data=st.data(), shape=shapes(max_dims=3), dt=dtypes(NUMERIC_DTYPES + ("bool",)),
       keepdim=st.booleans(), to=st.sampled_from([None, "float64"]))
def test_prod_over_everything_or_one_dim_with_zeros(data, shape, dt, keepdim, to):
    """Integers and bools multiply as int64; the gradient is exact where the input has zeros."""
    x = data.draw(small_ints(dt, shape)) if dt != "bool" else data.draw(arrays(dt, shape))
    dim = data.draw(st.none() | dims_for(len(shape), allow_none=False, allow_tuple=False))
    dtype = None if to is None else getattr(torch, to)
    kwargs = {"dtype": dtype and getattr(lt, to)}
    if dim is None:
        check_op(lambda t: lt.prod(t, **kwargs), lambda t: torch.prod(t, dtype=dtype), x)
    else:
        check_op(lambda t: t.prod(dim, keepdim, **kwargs),
                 lambda t: t.prod(dim, keepdim, dtype=dtype), x)


# -- var and std ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["var", "std"])
@settings(max_examples=50)
@given(data=st.data(), shape=shapes(max_dims=3, min_side=1), dt=dtypes(FLOAT_DTYPES),
       keepdim=st.booleans(), spec=st.sampled_from(["default", "unbiased", "biased", "corr0",
                                                     "corr2"]))
def test_var_std_with_unbiased_or_correction(name, data, shape, dt, keepdim, spec):
    """``unbiased=`` (old) and ``correction=`` (new) over all or some dims, as function and
    method; a too-small sample gives NaN/inf like torch."""
    x = data.draw(arrays(dt, shape))
    dim = data.draw(dims_for(len(shape)))
    kwargs = {"default": {}, "unbiased": {"unbiased": True}, "biased": {"unbiased": False},
              "corr0": {"correction": 0}, "corr2": {"correction": 2}}[spec]
    fn = (lambda m: lambda t: getattr(m, name)(t, dim, keepdim=keepdim, **kwargs))
    check_op(fn(lt), fn(torch), x, rtol=1e-4, atol=1e-5)
    method = (lambda t: getattr(t, name)(dim=dim, keepdim=keepdim, **kwargs))
    check_op(method, method, x, grad=False, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["var_mean", "std_mean"])
@pytest.mark.parametrize("args, kwargs", [((), {}), ((False,), {}), ((1,), {"keepdim": True}),
                                          ((0, True), {}), ((), {"dim": (0, 1), "correction": 0})])
def test_var_mean_std_mean_return_both_and_differentiate(name, args, kwargs):
    x = np.array([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]], np.float32)
    check_op(lambda t: getattr(lt, name)(t, *args, **kwargs),
             lambda t: getattr(torch, name)(t, *args, **kwargs), x)


# -- cumulative ops ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
@settings(max_examples=50)
@given(data=st.data(), shape=shapes(max_dims=3), dt=dtypes(NUMERIC_DTYPES + ("bool",)),
       to=st.sampled_from([None, "float64"]))
def test_cumsum_cumprod_dtypes_and_gradients_with_zeros(name, data, shape, dt, to):
    """Integer and bool inputs accumulate as int64; cumprod's gradient is exact with zeros."""
    x = data.draw(small_ints(dt, shape)) if dt != "bool" else data.draw(arrays(dt, shape))
    dim = data.draw(dims_for(len(shape), allow_none=False, allow_tuple=False))
    kwargs = {} if to is None else {"dtype": to}
    check_op(lambda t: getattr(lt, name)(t, dim, **{k: getattr(lt, v) for k, v in kwargs.items()}),
             lambda t: getattr(torch, name)(t, dim, **{k: getattr(torch, v) for k, v in kwargs.items()}),
             x)
    if dt in FLOAT_DTYPES:
        twin = (lambda t: getattr(t.clone(), name + "_")(dim))
        check_op(twin, twin, x)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@settings(max_examples=50)
@given(data=st.data(), shape=shapes(max_dims=3), dt=dtypes(NUMERIC_DTYPES + ("bool",)))
def test_cummax_cummin_values_indices_and_gradient_on_ties(name, data, shape, dt):
    """The index is the latest one on ties; the gradient goes to that element."""
    x = data.draw(small_ints(dt, shape)) if dt != "bool" else data.draw(arrays(dt, shape))
    dim = data.draw(dims_for(len(shape), allow_none=False, allow_tuple=False))
    lt_out, th_out = check_op(lambda t: getattr(lt, name)(t, dim), lambda t: getattr(t, name)(dim), x)
    assert type(lt_out).__name__ == type(th_out).__name__ == name
    assert repr(lt_out).startswith(f"torch.return_types.{name}(\nvalues=")


def test_cummax_takes_nan_as_the_running_max():
    x = np.array([1.0, np.nan, 3.0, np.nan, 0.0], np.float32)
    check_op(lambda t: lt.cummax(t, 0), lambda t: torch.cummax(t, 0), x)
    check_op(lambda t: lt.cummin(t, 0), lambda t: torch.cummin(t, 0), x)


# -- logsumexp, aminmax ---------------------------------------------------------------------
@settings(max_examples=50)
@given(data=st.data(), shape=shapes(max_dims=3), dt=dtypes(NUMERIC_DTYPES),
       keepdim=st.booleans(), scale=st.sampled_from([1.0, 200.0]))
def test_logsumexp_over_dims_is_stable_for_large_values(data, shape, dt, keepdim, scale):
    """``scale`` 200 would overflow ``exp`` in float32 without the max shift."""
    x = data.draw(arrays(dt, shape))
    x = np.asarray(x * scale) if dt in FLOAT_DTYPES else x
    dim = data.draw(dims_for(len(shape), allow_none=False))
    check_op(lambda t: lt.logsumexp(t, dim, keepdim), lambda t: torch.logsumexp(t, dim, keepdim),
             x, rtol=1e-5, atol=1e-4)
    method = (lambda t: t.logsumexp(dim, keepdim=keepdim))
    check_op(method, method, x, grad=False, rtol=1e-5, atol=1e-4)


def test_logsumexp_of_infinities():
    x = np.array([[-np.inf, -np.inf], [np.inf, 1.0], [-np.inf, 0.0]], np.float32)
    check_op(lambda t: lt.logsumexp(t, 1), lambda t: torch.logsumexp(t, 1), x, grad=False)


@settings(max_examples=50)
@given(data=st.data(), shape=shapes(max_dims=3, min_side=1), dt=dtypes(NUMERIC_DTYPES),
       keepdim=st.booleans(), use_dim=st.booleans())
def test_aminmax_returns_the_named_pair(data, shape, dt, keepdim, use_dim):
    x = data.draw(small_ints(dt, shape))
    kwargs = {"keepdim": keepdim}
    if use_dim:
        kwargs["dim"] = data.draw(dims_for(len(shape), allow_none=False, allow_tuple=False))
    lt_out, th_out = check_op(lambda t: lt.aminmax(t, **kwargs), lambda t: t.aminmax(**kwargs), x)
    assert (lt_out.min, lt_out.max) == tuple(lt_out) and type(lt_out).__name__ == "aminmax"


# -- norm and dist ------------------------------------------------------------------------------
@settings(max_examples=60)
@given(data=st.data(), shape=shapes(min_dims=1, max_dims=3, min_side=1), dt=dtypes(FLOAT_DTYPES),
       p=st.sampled_from(["fro", 1, 2, 3, 0.5, float("inf"), -float("inf"), None]),
       keepdim=st.booleans())
def test_top_level_norm_with_p_and_dim(data, shape, dt, p, keepdim):
    """``torch.norm``: 'fro' or a number, over everything or over dims; ``x.norm`` too."""
    x = data.draw(arrays(dt, shape, "nonzero"))
    dim = data.draw(dims_for(len(shape)))
    if isinstance(dim, tuple) and len(dim) > 2:
        dim = dim[:2]
    if p is not None:  # learntorch/__init__.py's norm does not take p=None yet (see the report)
        check_op(lambda t: lt.norm(t, p, dim, keepdim), lambda t: torch.norm(t, p, dim, keepdim),
                 x, rtol=1e-4, atol=1e-5)
    check_op(lambda t: t.norm(p, dim, keepdim), lambda t: t.norm(p, dim, keepdim), x, grad=False,
             rtol=1e-4, atol=1e-5)


def test_nuclear_norm_of_a_matrix():
    x = np.array([[1.0, 2.0, 0.5], [-1.0, 0.25, 3.0]], np.float64)
    check_op(lambda t: lt.norm(t, "nuc"), lambda t: torch.norm(t, "nuc"), x)


@settings(max_examples=40)
@given(data=st.data(), shape=shapes(max_dims=3, min_side=1),
       p=st.sampled_from([1, 2, 3, float("inf"), 0]))
def test_dist_is_the_norm_of_the_difference(data, shape, p):
    a = data.draw(arrays("float64", shape, "nonzero"))
    b = data.draw(arrays("float64", shape, "nonzero"))
    # torch's own backward of dist(p=0) fails ("Expected a proper Tensor but got None")
    check_op(lambda x, y: lt.dist(x, y, p), lambda x, y: torch.dist(x, y, p), a, b, rtol=1e-5,
             atol=1e-6, grad=p != 0)
    check_op(lambda x, y: x.dist(y, p), lambda x, y: x.dist(y, p), a, b, grad=False)


# -- errors --------------------------------------------------------------------------------------
F = np.arange(6, dtype=np.float32).reshape(2, 3)
ERRORS = {
    "std of integers": (lambda m: m.std(m.tensor([1, 2, 3])), True),
    "var with unbiased and correction": (lambda m: m.var(m.tensor(F), 0, True, correction=1),
                                         False),
    "prod over a tuple of dims": (lambda m: m.prod(m.tensor(F), (0, 1)), False),
    "prod over a dim out of range": (lambda m: m.prod(m.tensor(F), 2), True),
    "cumsum over a dim out of range": (lambda m: m.cumsum(m.tensor(F), -3), True),
    "cummax over a dim out of range": (lambda m: m.cummax(m.tensor(F), 2), True),
    "aminmax of an empty tensor": (lambda m: m.aminmax(m.ones(0)), True),
    "logsumexp over a dim out of range": (lambda m: m.logsumexp(m.tensor(F), 5), True),
    "norm of integers": (lambda m: m.norm(m.tensor([1, 2])), True),
    "dist of integers": (lambda m: m.tensor([1, 2]).dist(m.tensor([1, 2])), True),
}


@pytest.mark.parametrize("name", ERRORS)
def test_bad_input_raises_torchs_exception(name):
    call, exact = ERRORS[name]
    check_raises(lambda: call(lt), lambda: call(torch), exact_message=exact)
