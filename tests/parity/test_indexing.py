"""Indexing and joining (learntorch/ops/indexing.py) against torch.

``x[idx]`` and ``x[idx] = v`` for every kind of index torch accepts (ints, negative
ints, slices with steps, None, Ellipsis, bool masks, integer tensors and lists, and
mixtures), plus ``gather``, ``cat`` and ``stack`` — values, dtypes and gradients.
"""
import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import learntorch as lt
from helpers import (ALL_DTYPES, FLOAT_DTYPES, NUMERIC_DTYPES, arrays, check_op, check_raises,
                     dtypes,
                     python_scalars, shapes, shapes_broadcasting_to)


# -- index strategies --------------------------------------------------------------------------
def _int_in(size):
    return st.integers(-size, size - 1)


def _slices(size):
    bound = st.none() | st.integers(-size - 1, size + 1)
    return st.builds(slice, bound, bound, st.none() | st.integers(1, 3))


def _int_arrays(size, unique):
    """An int64 index array (0-d to 2-d) of valid indices; ``[]`` for an empty dim."""
    if size == 0:
        return st.just(np.zeros(0, np.int64))
    return st.one_of(
        st.lists(_int_in(size), min_size=1, max_size=4, unique_by=lambda i: i % size if unique
                 else object()).map(lambda v: np.array(v, np.int64)),
        _int_in(size).map(lambda i: np.array(i, np.int64)),
        st.just(np.arange(size, dtype=np.int64).reshape(-1, 1)[:2]),
    )


@st.composite
def indices(draw, shape, advanced=True, unique=False):
    """A torch index for ``shape`` as a tuple of items.

    NumPy int arrays stand for integer index tensors and Python lists for lists; a bool
    array is a mask over the leading dims.  Items index a prefix of the dims and, after
    an optional Ellipsis, a suffix.  ``unique``: arrays hold no repeated index.
    """
    ndim = len(shape)
    use_ellipsis = draw(st.booleans())
    n_prefix = draw(st.integers(0, ndim))
    n_suffix = draw(st.integers(0, ndim - n_prefix)) if use_ellipsis else 0
    items, dim = [], 0
    if advanced and n_prefix and draw(st.booleans()) and draw(st.booleans()):
        dim = draw(st.integers(1, n_prefix))
        items.append(draw(arrays("bool", shape[:dim])))

    def item_for(size):
        options = [_slices(size)] + ([_int_in(size)] if size else [])
        if advanced:
            options.append(_int_arrays(size, unique))
            options.append(_int_arrays(size, unique).map(lambda a: a.tolist() if a.ndim == 1 else a))
        return draw(st.one_of(*options))

    items += [item_for(size) for size in shape[dim:n_prefix]]
    if use_ellipsis:
        items.append(Ellipsis)
        items += [item_for(size) for size in shape[ndim - n_suffix:]]
    for _ in range(draw(st.integers(0, 2))):
        items.insert(draw(st.integers(0, len(items))), None)
    return tuple(items)


def _for(lib, index):
    """The index with arrays turned into ``lib`` tensors (bool masks and int64 tensors)."""
    convert = (lambda a: lt.tensor(a)) if lib is lt else (lambda a: torch.from_numpy(a.copy()))
    return tuple(convert(i) if isinstance(i, np.ndarray) else i for i in index)


def _valid_in_torch(x, index):
    """False when torch rejects the index (e.g. index arrays that do not broadcast)."""
    try:
        torch.from_numpy(x)[_for(torch, index)]
    except IndexError:
        return False
    return True


def _untuple(index, as_single):
    return index[0] if as_single and len(index) == 1 else index


def _addresses_each_element_once(shape, index):
    """True when ``x[index]`` never names the same element twice (for tensor writes)."""
    np_index = tuple(i for i in index)
    ids = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)[np_index]
    return np.unique(ids).size == ids.size


# -- reading -------------------------------------------------------------------------------
@settings(max_examples=150)
@given(data=st.data(), shape=shapes(min_dims=1), dt=dtypes(ALL_DTYPES))
def test_getitem_with_any_index_matches_torch_including_gradient(data, shape, dt):
    """``x[idx]``: basic indices give views, advanced ones copies; repeated indices add up
    their gradients."""
    index = data.draw(indices(shape))
    single = data.draw(st.booleans())
    x = data.draw(arrays(dt, shape))
    if not _valid_in_torch(x, index):
        check_raises(lambda: lt.tensor(x)[_for(lt, index)], lambda: torch.from_numpy(x)[_for(torch, index)],
                     exact_message=False)
        return
    lt_out, th_out = check_op(lambda t: t[_untuple(_for(lt, index), single)],
                              lambda t: t[_untuple(_for(torch, index), single)], x)
    assert (lt_out._base is not None) == (th_out._base is not None), "view or copy differs"


@pytest.mark.parametrize("index", [
    0, -1, slice(None, None, 2), None, Ellipsis, (Ellipsis, 1), (slice(None), [0, 2]),
    ([0, 2], slice(1, None)), ([1, 0, 1],), ([[0], [1]], [1, 2]), (slice(None), None, -2),
    (np.array([0, 2]), 1), (np.array([True, False, True]),), (np.array(1),),
], ids=repr)
def test_getitem_worked_examples(index):
    """The index forms a user writes most (``x[:, [0, 2]]``, ``x[idx, 1:]``, ``x[mask]`` …)."""
    x = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    index = index if isinstance(index, tuple) else (index,)
    check_op(lambda t: t[_untuple(_for(lt, index), True)],
             lambda t: t[_untuple(_for(torch, index), True)], x)


@settings(max_examples=60)
@given(data=st.data(), shape=shapes(min_dims=1), dt=dtypes(ALL_DTYPES))
def test_getitem_with_a_full_bool_mask_selects_in_row_major_order(data, shape, dt):
    """``x[mask]`` with a mask of x's shape gives a 1-D tensor of the selected elements."""
    x = data.draw(arrays(dt, shape))
    mask = data.draw(arrays("bool", shape))
    check_op(lambda t, m: t[m], lambda t, m: t[m], x, mask)


# -- writing -------------------------------------------------------------------------------
@settings(max_examples=150)
@given(data=st.data(), shape=shapes(min_dims=1), dt=dtypes(NUMERIC_DTYPES),
       value_kind=st.sampled_from(["scalar", "tensor"]))
def test_setitem_writes_values_and_routes_gradients_to_x_and_value(data, shape, dt, value_kind):
    """``y = x.clone(); y[idx] = v``: written elements take v (cast to y's dtype); x's
    gradient is zero there and v's gradient is the sum of the upstream gradient there."""
    index = data.draw(indices(shape, unique=value_kind == "tensor"))
    x = data.draw(arrays(dt, shape))
    assume(_valid_in_torch(x, index))
    target_shape = tuple(torch.from_numpy(x)[_for(torch, index)].shape)
    if value_kind == "scalar":
        value = data.draw(python_scalars())
        if dt in ("int64", "int32"):
            value = int(value)
    else:
        assume(_addresses_each_element_once(shape, index))
        value = data.draw(arrays(data.draw(dtypes(NUMERIC_DTYPES if dt in FLOAT_DTYPES else
                                                  ("int64", "int32"))),
                                 data.draw(shapes_broadcasting_to(target_shape))))

    def write(lib):
        def fn(t, v):
            y = t.clone()
            y[_for(lib, index)] = v
            return y
        return fn

    if isinstance(value, np.ndarray) and value.dtype != x.dtype and not _casts(x, index, value):
        check_raises(lambda: write(lt)(lt.tensor(x), lt.tensor(value)),
                     lambda: write(torch)(torch.from_numpy(x), torch.from_numpy(value)))
        return
    check_op(write(lt), write(torch), x, value)


def _casts(x, index, value):
    """Whether torch casts a tensor value of another dtype for this write (or refuses)."""
    try:
        torch.from_numpy(x.copy())[_for(torch, index)] = torch.from_numpy(value)
    except RuntimeError:
        return False
    return True


@pytest.mark.parametrize("lib", [lt, torch], ids=["learntorch", "torch"])
def test_setitem_bumps_the_version_and_is_seen_through_views(lib):
    """An indexed write is an in-place change: version + 1, visible in every view."""
    x = lib.zeros(2, 3)
    row = x[1]
    before = x._version
    x[1, 1:] = 5.0
    assert x._version == before + 1
    assert row.tolist() == [0.0, 5.0, 5.0]


# -- gather, cat, stack ------------------------------------------------------------------------
@st.composite
def gather_args(draw, shape):
    """A dim and an int64 index no larger than ``shape`` (except along dim) with valid values."""
    ndim = len(shape)
    dim = draw(st.integers(-ndim, ndim - 1))
    d = dim % ndim
    index_shape = tuple(draw(st.integers(0, 4)) if k == d else draw(st.integers(0, s))
                        for k, s in enumerate(shape))
    if shape[d] == 0:
        index_shape = tuple(0 if k == d else s for k, s in enumerate(index_shape))
    index = draw(hnp.arrays(np.int64, index_shape, elements=st.integers(0, max(shape[d] - 1, 0))))
    return dim, index


@settings(max_examples=120)
@given(data=st.data(), shape=shapes(min_dims=1), dt=dtypes(NUMERIC_DTYPES))
def test_gather_picks_along_a_dim_and_scatters_the_gradient_back(data, shape, dt):
    """``gather(x, dim, index)``: repeated indices accumulate their gradients."""
    dim, index = data.draw(gather_args(shape))
    x = data.draw(arrays(dt, shape))
    check_op(lambda t, i: lt.gather(t, dim, i), lambda t, i: torch.gather(t, dim, i), x, index)
    check_op(lambda t, i: t.gather(dim, i), lambda t, i: t.gather(dim, i), x, index, grad=False)


@pytest.mark.parametrize("name", ["cat", "stack"])
@settings(max_examples=100)
@given(data=st.data(), shape=shapes(min_dims=1), n=st.integers(1, 3))
def test_cat_and_stack_join_tensors_promote_dtypes_and_split_the_gradient(name, data, shape, n):
    """``cat`` along an existing dim (sizes may differ there), ``stack`` along a new one."""
    ndim = len(shape)
    if name == "cat":
        dim = data.draw(st.integers(-ndim, ndim - 1))
        part_shapes = [tuple(data.draw(st.integers(0, 3)) if k == dim % ndim else s
                             for k, s in enumerate(shape)) for _ in range(n)]
    else:
        dim = data.draw(st.integers(-ndim - 1, ndim))
        part_shapes = [shape] * n
    parts = [data.draw(arrays(data.draw(dtypes(NUMERIC_DTYPES)), s)) for s in part_shapes]
    check_op(lambda *ts: getattr(lt, name)(ts, dim), lambda *ts: getattr(torch, name)(ts, dim),
             *parts)
