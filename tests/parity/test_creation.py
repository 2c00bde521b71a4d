"""Creation ops (learntorch/ops/creation.py) against torch: dtype inference, fills, ranges,
``*_like``; random functions only for shape, dtype and range (never values)."""
import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import learntorch as lt
from helpers import ALL_DTYPES, FLOAT_DTYPES, arrays, assert_same, dtypes, shapes

DTYPE_ARGS = st.none() | dtypes(ALL_DTYPES)


def _dtype_of(lib, name):
    return None if name is None else getattr(lib, name)


@st.composite
def nested_lists(draw, leaves):
    """A rectangular nested list (0-d to 3-d) whose leaves come from ``leaves``."""
    shape = draw(shapes(max_dims=3, max_side=3))
    flat = draw(st.lists(leaves, min_size=math.prod(shape), max_size=math.prod(shape)))
    if not shape:
        return flat[0]
    return np.array(flat, dtype=object).reshape(shape).tolist()


LEAVES = {
    "ints": st.integers(-5, 5),
    "floats": st.floats(-5, 5),
    "bools": st.booleans(),
    "ints and floats": st.integers(-5, 5) | st.floats(-5, 5),
    "bools and ints": st.booleans() | st.integers(-5, 5),
}


@pytest.mark.parametrize("leaves", LEAVES)
@settings(max_examples=60)
@given(data=st.data())
def test_tensor_infers_its_dtype_from_nested_python_data(leaves, data):
    """ints -> int64, floats -> float32, bools -> bool; mixtures promote (bool < int < float)."""
    value = data.draw(nested_lists(LEAVES[leaves]))
    assert_same(lt.tensor(value), torch.tensor(value))


@settings(max_examples=60)
@given(data=st.data(), shape=shapes(), dt=dtypes(ALL_DTYPES + ("float16", "int16", "int8",
                                                              "uint8")))
def test_tensor_from_a_numpy_array_keeps_its_dtype_and_copies(data, shape, dt):
    """``tensor(ndarray)`` keeps the array's dtype (float64 stays float64) and owns its memory."""
    array = data.draw(arrays(dt, shape)) if dt in ALL_DTYPES else np.zeros(shape, dt)
    out = lt.tensor(array)
    assert_same(out, torch.tensor(array))
    if array.size:
        array.reshape(-1)[0] = 1
        assert not np.shares_memory(out.numpy(), array)


@pytest.mark.parametrize("value, dtype", [(3, None), (2.5, None), (True, None), (1, "float64"),
                                          (2.5, "int32")], ids=repr)
def test_tensor_from_a_python_number_is_zero_dim(value, dtype):
    """``tensor(3)`` is a 0-d int64 tensor; an explicit dtype converts."""
    assert_same(lt.tensor(value, dtype=_dtype_of(lt, dtype)),
                torch.tensor(value, dtype=_dtype_of(torch, dtype)))


@pytest.mark.parametrize("name", ["zeros", "ones"])
@settings(max_examples=40)
@given(shape=shapes(), dt=DTYPE_ARGS, as_tuple=st.booleans())
def test_zeros_and_ones_take_varargs_or_a_tuple_and_a_dtype(name, shape, dt, as_tuple):
    """``zeros(2, 3)`` and ``zeros((2, 3))``; float32 unless ``dtype`` says otherwise."""
    args = (shape,) if as_tuple or not shape else shape
    assert_same(getattr(lt, name)(*args, dtype=_dtype_of(lt, dt)),
                getattr(torch, name)(*args, dtype=_dtype_of(torch, dt)))


@settings(max_examples=60)
@given(shape=shapes(), fill=st.integers(-5, 5) | st.floats(-5, 5) | st.booleans(), dt=DTYPE_ARGS)
def test_full_infers_the_dtype_from_the_fill_value(shape, fill, dt):
    """``full(shape, 3)`` is int64, ``full(shape, 2.5)`` float32, ``full(shape, True)`` bool."""
    assume(not (dt in ("int64", "int32", "bool") and isinstance(fill, float)))
    assert_same(lt.full(shape, fill, dtype=_dtype_of(lt, dt)),
                torch.full(shape, fill, dtype=_dtype_of(torch, dt)))


@settings(max_examples=40)
@given(n=st.integers(0, 5), m=st.none() | st.integers(0, 5), dt=DTYPE_ARGS)
def test_eye_builds_an_identity_of_n_by_m(n, m, dt):
    """``eye(n)`` and ``eye(n, m)`` (rectangular, size 0 allowed)."""
    args = (n,) if m is None else (n, m)
    assert_same(lt.eye(*args, dtype=_dtype_of(lt, dt)), torch.eye(*args, dtype=_dtype_of(torch, dt)))


@settings(max_examples=100)
@given(data=st.data(), dt=st.none() | dtypes(("float32", "float64", "int64", "int32")))
def test_arange_counts_like_torch_for_int_and_float_arguments(data, dt):
    """``arange(end)``, ``arange(start, end)``, ``arange(start, end, step)`` with int or
    float arguments (negative steps too): int64 unless an argument is a float."""
    number = st.integers(-10, 10) | st.floats(-10, 10).map(lambda v: round(v, 2))
    start, end = data.draw(number), data.draw(number)
    step = data.draw(st.sampled_from([1, 2, 3, 0.5, 0.25, 1.5]))
    step = step if end >= start else -step
    form = data.draw(st.sampled_from(["end", "start_end", "all"]))
    if form == "end":
        assume(end >= 0)
        args = (end,)
    else:
        assume(end >= start)
        args = (start, end) if form == "start_end" else (start, end, step)
    if dt in ("int64", "int32"):
        assume(all(isinstance(a, int) for a in args))
    assert_same(lt.arange(*args, dtype=_dtype_of(lt, dt)),
                torch.arange(*args, dtype=_dtype_of(torch, dt)))


@pytest.mark.parametrize("name", ["linspace", "logspace"])
@settings(max_examples=80)
@given(start=st.floats(-3, 3), end=st.floats(-3, 3), steps=st.integers(0, 12),
       dt=st.none() | dtypes(FLOAT_DTYPES))
def test_linspace_and_logspace_include_both_ends(name, start, end, steps, dt):
    """``steps`` evenly spaced points from start to end (logspace: 10 ** those points).

    torch builds float32 linspace from both ends towards the middle, NumPy from the start:
    values agree to float32 rounding (relative to the range, hence the atol)."""
    lt_out = getattr(lt, name)(start, end, steps, dtype=_dtype_of(lt, dt))
    th_out = getattr(torch, name)(start, end, steps, dtype=_dtype_of(torch, dt))
    assert_same(lt_out, th_out, rtol=1e-5, atol=1e-5 * max(abs(start), abs(end), 1))


@pytest.mark.parametrize("name", ["zeros_like", "ones_like", "empty_like", "full_like"])
@settings(max_examples=40)
@given(data=st.data(), shape=shapes(), dt=dtypes(ALL_DTYPES), new_dt=DTYPE_ARGS)
def test_like_functions_copy_shape_and_dtype_unless_told_otherwise(name, data, shape, dt, new_dt):
    """``zeros_like(x)`` has x's shape and dtype; ``dtype=`` overrides (``empty_like``: only
    shape and dtype are compared, its values are undefined)."""
    x = data.draw(arrays(dt, shape))
    args = (1,) if name == "full_like" else ()
    lt_out = getattr(lt, name)(lt.tensor(x), *args, dtype=_dtype_of(lt, new_dt))
    th_out = getattr(torch, name)(torch.from_numpy(x), *args, dtype=_dtype_of(torch, new_dt))
    if name == "empty_like":
        assert (tuple(lt_out.shape), str(lt_out.dtype)) == (tuple(th_out.shape), str(th_out.dtype))
    else:
        assert_same(lt_out, th_out)


RANDOM = {
    # name -> (call for a library and a shape, the interval its values lie in)
    "rand": (lambda lib, s, d: lib.rand(*s, dtype=d), (0, 1)),
    "randn": (lambda lib, s, d: lib.randn(s, dtype=d), (-math.inf, math.inf)),
    "randint": (lambda lib, s, d: lib.randint(-3, 4, s), (-3, 3)),
    "rand_like": (lambda lib, s, d: lib.rand_like(lib.zeros(s, dtype=d)), (0, 1)),
    "randn_like": (lambda lib, s, d: lib.randn_like(lib.zeros(s, dtype=d)), (-math.inf, math.inf)),
    "randint_like": (lambda lib, s, d: lib.randint_like(lib.zeros(s, dtype=d), 2, 5), (2, 4)),
}


@pytest.mark.parametrize("name", RANDOM)
@settings(max_examples=30)
@given(shape=shapes(min_dims=1), dt=dtypes(FLOAT_DTYPES))
def test_random_functions_give_torchs_shape_and_dtype_and_stay_in_range(name, shape, dt):
    """Random values are never compared, only shape, dtype and the interval they lie in."""
    call, (low, high) = RANDOM[name]
    lt_out, th_out = call(lt, shape, getattr(lt, dt)), call(torch, shape, getattr(torch, dt))
    assert (tuple(lt_out.shape), str(lt_out.dtype)) == (tuple(th_out.shape), str(th_out.dtype))
    values = lt_out.numpy()
    assert np.all((values >= low) & (values <= high)) and np.all(np.isfinite(values))
    if name == "rand":
        assert np.all(values < 1)
