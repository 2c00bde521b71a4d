"""Parity with torch: equality tests and the ranking ops (sort, topk, kthvalue, median, mode, unique).

Where torch leaves the index of tied elements unspecified (topk, kthvalue, median with a
dim), the inputs are drawn without ties.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
from helpers import FLOAT_DTYPES, NUMERIC_DTYPES, arrays, assert_same, check_op, dtypes, shapes


def _same_call(name, *args, **kwargs):
    return (lambda *t: getattr(lt, name)(*t, *args, **kwargs),
            lambda *t: getattr(torch, name)(*t, *args, **kwargs))


# -- equality ----------------------------------------------------------------------------------
@settings(max_examples=60)
@given(data=st.data(), shape=shapes(max_dims=3), dt=dtypes(FLOAT_DTYPES))
def test_isclose_allclose_and_equal(data, shape, dt):
    a = data.draw(arrays(dt, shape))
    nudge = data.draw(arrays(dt, shape)) * np.asarray(1e-6, dtype=dt) * data.draw(st.integers(0, 3))
    b = np.asarray(a + nudge, dtype=dt)
    for kwargs in ({}, {"rtol": 1e-3}, {"atol": 1e-2, "equal_nan": True}):
        check_op(*_same_call("isclose", **kwargs), a, b, grad=False)
        assert lt.allclose(lt.tensor(a), lt.tensor(b), **kwargs) == \
            torch.allclose(torch.from_numpy(a), torch.from_numpy(b), **kwargs)
    assert lt.equal(lt.tensor(a), lt.tensor(b)) == torch.equal(torch.from_numpy(a), torch.from_numpy(b))


@pytest.mark.parametrize("name", ["isnan", "isinf", "isfinite", "isposinf", "isneginf"])
@pytest.mark.parametrize("dt", ["float32", "float64", "int64", "bool"])
def test_float_class_predicates(name, dt):
    values = np.array([0.0, -1.5, np.inf, -np.inf, np.nan, 3.0])
    array = values.astype(dt) if dt in FLOAT_DTYPES else np.array([0, 1, 2, 0, 1, 3]).astype(dt)
    check_op(*_same_call(name), array, grad=False)


# -- sorting -----------------------------------------------------------------------------------
@settings(max_examples=80)
@given(data=st.data(), shape=shapes(max_dims=3), dt=dtypes(NUMERIC_DTYPES),
       descending=st.booleans())
def test_stable_sort_and_argsort_match_torch_even_with_ties(data, shape, dt, descending):
    array = data.draw(arrays(dt, shape))
    dim = data.draw(st.integers(-max(len(shape), 1), max(len(shape), 1) - 1))
    check_op(*_same_call("sort", dim=dim, descending=descending, stable=True), array)
    check_op(*_same_call("argsort", dim=dim, descending=descending, stable=True), array, grad=False)


def test_sort_puts_nan_last_ascending_and_first_descending():
    array = np.array([1.0, np.nan, -2.0, 3.0], dtype=np.float32)
    for descending in (False, True):
        check_op(*_same_call("sort", descending=descending, stable=True), array)


@settings(max_examples=60)
@given(data=st.data(), shape=shapes(min_dims=1, max_dims=3, min_side=1), dt=dtypes(FLOAT_DTYPES))
def test_topk_and_kthvalue_without_ties(data, shape, dt):
    array = data.draw(arrays(dt, shape, unique=True))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    k = data.draw(st.integers(1, shape[dim]))
    check_op(*_same_call("topk", k, dim=dim, largest=data.draw(st.booleans())), array)
    check_op(*_same_call("kthvalue", k, dim=dim, keepdim=data.draw(st.booleans())), array)


@settings(max_examples=60)
@given(data=st.data(), shape=shapes(min_dims=1, max_dims=3, min_side=1), dt=dtypes(FLOAT_DTYPES))
def test_median_with_and_without_dim(data, shape, dt):
    """Without a dim, ties share the gradient (torch's rule); with a dim the inputs are tie-free."""
    check_op(*_same_call("median"), data.draw(arrays(dt, shape)))
    array = data.draw(arrays(dt, shape, unique=True))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    check_op(*_same_call("median", dim, keepdim=data.draw(st.booleans())), array)


@settings(max_examples=60)
@given(data=st.data(), shape=shapes(min_dims=1, max_dims=3, min_side=1))
def test_mode_picks_the_smallest_most_frequent_value_and_its_last_index(data, shape):
    array = data.draw(arrays("int64", shape)).astype(np.float32)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    check_op(*_same_call("mode", dim), array)


# -- counting -----------------------------------------------------------------------------------
@settings(max_examples=60)
@given(data=st.data(), shape=shapes(max_dims=3), dt=dtypes(NUMERIC_DTYPES))
def test_unique_with_inverse_and_counts(data, shape, dt):
    array = data.draw(arrays(dt, shape))
    for kwargs in ({}, {"return_counts": True}, {"return_inverse": True, "return_counts": True}):
        check_op(*_same_call("unique", **kwargs), array, grad=False)


@settings(max_examples=60)
@given(data=st.data(), shape=shapes(max_dims=3), dt=dtypes())
def test_count_nonzero(data, shape, dt):
    array = data.draw(arrays(dt, shape))
    check_op(*_same_call("count_nonzero"), array, grad=False)
    if shape:
        dim = data.draw(st.integers(-len(shape), len(shape) - 1))
        check_op(*_same_call("count_nonzero", dim=dim), array, grad=False)


def test_unique_consecutive():
    array = np.array([1, 1, 2, 2, 3, 1, 1, 2])
    check_op(*_same_call("unique_consecutive", return_inverse=True, return_counts=True), array,
             grad=False)


def test_selection_results_are_torch_return_types():
    x = np.array([[3.0, 1.0, 2.0]], dtype=np.float32)
    ours, theirs = lt.sort(lt.tensor(x)), torch.sort(torch.from_numpy(x))
    assert repr(ours) == repr(theirs)
    assert_same(ours.values, theirs.values)
