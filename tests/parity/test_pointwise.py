"""Elementwise ops (learntorch/ops/pointwise.py) against torch: values, dtypes, gradients."""
import operator

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
from helpers import (ALL_DTYPES, FLOAT_DTYPES, NUMERIC_DTYPES, arrays, assert_same,
                     broadcastable_shapes, check_op, dtypes, python_scalars, shapes,
                     shapes_broadcasting_to)

# name -> (operator, dtypes it accepts, kind of values its *right* operand needs)
BINARY = {
    "add": (operator.add, ALL_DTYPES, "any"),
    "sub": (operator.sub, NUMERIC_DTYPES, "any"),
    "mul": (operator.mul, ALL_DTYPES, "any"),
    "truediv": (operator.truediv, NUMERIC_DTYPES, "nonzero"),
}


@pytest.mark.parametrize("name", BINARY)
@settings(max_examples=80)
@given(data=st.data(), shape_pair=broadcastable_shapes())
def test_binary_operator_between_tensors_broadcasts_promotes_and_differentiates(name, data,
                                                                                shape_pair):
    """``a OP b`` for tensors of any (mixed) dtypes and broadcastable shapes, 0-d included."""
    op, allowed, right_kind = BINARY[name]
    da, db = data.draw(dtypes(allowed)), data.draw(dtypes(allowed))
    a = data.draw(arrays(da, shape_pair[0]))
    b = data.draw(arrays(db, shape_pair[1], right_kind))
    check_op(op, op, a, b)


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("scalar_side", ["right", "left"])
@settings(max_examples=60)
@given(data=st.data(), shape=shapes())
def test_binary_operator_with_python_number_on_either_side(name, scalar_side, data, shape):
    """``x OP 2``, ``x OP 2.5``, ``2.5 OP x``: a Python number never widens a float tensor,
    and a float next to an integer tensor gives float32 (torch's default dtype)."""
    op, allowed, right_kind = BINARY[name]
    dt = data.draw(dtypes(allowed))
    if scalar_side == "right":
        x = data.draw(arrays(dt, shape))
        s = data.draw(python_scalars(right_kind, allow_bool=name != "sub"))
        check_op(lambda t: op(t, s), lambda t: op(t, s), x)
    else:
        x = data.draw(arrays(dt, shape, right_kind))
        s = data.draw(python_scalars(allow_bool=name != "sub"))
        check_op(lambda t: op(s, t), lambda t: op(s, t), x)


@pytest.mark.parametrize("lhs, rhs, expected", [
    (np.array([1, 2], np.int64), 2.5, "torch.float32"),
    (np.array([1, 2], np.int32), 2, "torch.int32"),
    (np.array([True]), 2, "torch.int64"),
    (np.array([1.0], np.float32), np.array(2.0, np.float64), "torch.float32"),
    (np.array([1], np.int32), np.array(2.0, np.float64), "torch.float64"),
    (np.array(1, np.int64), np.array(2.0, np.float32), "torch.float32"),
    (np.array([1.0], np.float16), 2.5, "torch.float16"),
])
@pytest.mark.parametrize("op", [operator.add, operator.mul], ids=["add", "mul"])
def test_type_promotion_of_dimensioned_zero_dim_and_python_operands(lhs, rhs, expected, op):
    """The worked examples of torch's promotion rules (checked against torch, then pinned)."""
    wrap_lt = (lambda v: lt.tensor(v) if isinstance(v, np.ndarray) else v)
    wrap_th = (lambda v: torch.from_numpy(v.copy()) if isinstance(v, np.ndarray) else v)
    th = op(wrap_th(lhs), wrap_th(rhs))
    assert str(th.dtype) == expected
    assert_same(op(wrap_lt(lhs), wrap_lt(rhs)), th)


@pytest.mark.parametrize("da, db", [("int64", "int64"), ("int32", "int64"), ("bool", "int32"),
                                    ("int64", "float64")])
def test_true_division_of_integers_gives_the_default_float_dtype(da, db):
    """``int / int`` is float32 in torch (true division), never an integer or float64."""
    a = np.array([7, -7, 3], dtype=da)
    b = np.array([2, 2, -4], dtype=db) if db != "bool" else np.array([True] * 3)
    check_op(operator.truediv, operator.truediv, a, b)


# -- pow ---------------------------------------------------------------------------------------
@settings(max_examples=80)
@given(data=st.data(), shape=shapes(), dt=dtypes(NUMERIC_DTYPES))
def test_pow_tensor_to_python_number(data, shape, dt):
    """``x ** e`` with int/float exponents; integer bases only to non-negative int powers."""
    exponent = data.draw(st.sampled_from([0, 1, 2, 3, 0.5, -1, -2, 1.5, 2.0]))
    if dt in FLOAT_DTYPES:
        x = data.draw(arrays(dt, shape, "positive"))
    else:
        exponent = data.draw(st.sampled_from([0, 1, 2, 3, 0.5, 2.0]))
        x = data.draw(arrays(dt, shape))
    check_op(lambda t: t ** exponent, lambda t: t ** exponent, x)
    check_op(lambda t: lt.pow(t, exponent), lambda t: torch.pow(t, exponent), x)


@settings(max_examples=80)
@given(data=st.data(), shape=shapes(), dt=dtypes(NUMERIC_DTYPES))
def test_pow_python_number_to_tensor(data, shape, dt):
    """``2.5 ** x`` and ``2 ** x``: the gradient is ``out * log(base)``."""
    base = data.draw(st.sampled_from([2, 3, 0.5, 2.5, 1.0]))
    x = data.draw(arrays(dt, shape, "positive" if dt in FLOAT_DTYPES else "positive"))
    check_op(lambda t: base ** t, lambda t: base ** t, x)


@settings(max_examples=80)
@given(data=st.data(), shape_pair=broadcastable_shapes(), da=dtypes(FLOAT_DTYPES),
       db=dtypes(FLOAT_DTYPES))
def test_pow_tensor_to_tensor_differentiates_both(data, shape_pair, da, db):
    """``a ** b`` (positive base): grads ``b a^(b-1)`` and ``a^b log a``, broadcast-reduced."""
    a = data.draw(arrays(da, shape_pair[0], "positive"))
    b = data.draw(arrays(db, shape_pair[1]))
    check_op(operator.pow, operator.pow, a, b, rtol=1e-5, atol=1e-5)


# -- unary ---------------------------------------------------------------------------------------
# name -> (values it needs, dtypes it accepts)
UNARY = {
    "exp": ("any", ALL_DTYPES),
    "log": ("positive", ALL_DTYPES),
    "sqrt": ("positive", ALL_DTYPES),
    "abs": ("any", NUMERIC_DTYPES),
    "sin": ("any", ALL_DTYPES),
    "cos": ("any", ALL_DTYPES),
    "tanh": ("any", ALL_DTYPES),
    "sigmoid": ("any", ALL_DTYPES),
    "relu": ("any", NUMERIC_DTYPES),
    "neg": ("any", NUMERIC_DTYPES),
}


@pytest.mark.parametrize("name", UNARY)
@settings(max_examples=60)
@given(data=st.data(), shape=shapes())
def test_unary_function_values_dtype_and_gradient(name, data, shape):
    """``f(x)`` as function and method; integer/bool inputs of exp/log/… give float32,
    abs/relu/neg keep the input's dtype."""
    kind, allowed = UNARY[name]
    x = data.draw(arrays(data.draw(dtypes(allowed)), shape, kind))
    check_op(getattr(lt, name), getattr(torch, name), x)
    check_op(lambda t: getattr(t, name)(), lambda t: getattr(t, name)(), x, grad=False)


def test_negation_operator_and_abs_builtin():
    """``-x`` and ``abs(x)`` are the operator forms of neg and abs."""
    x = np.array([[-1.5, 0.25], [3.0, -0.5]], np.float32)
    check_op(operator.neg, operator.neg, x)
    check_op(abs, abs, x)


# -- clamp ---------------------------------------------------------------------------------------
@settings(max_examples=100)
@given(data=st.data(), shape=shapes(), dt=dtypes(NUMERIC_DTYPES))
def test_clamp_with_number_bounds(data, shape, dt):
    """``clamp(x, min, max)`` with None/int/float bounds (min > max gives max everywhere);
    a float bound turns an integer tensor into float32."""
    bounds = st.none() | python_scalars()
    low, high = data.draw(bounds), data.draw(bounds)
    if low is None and high is None:
        low = -1
    x = data.draw(arrays(dt, shape))
    check_op(lambda t: lt.clamp(t, low, high), lambda t: torch.clamp(t, low, high), x)
    check_op(lambda t: t.clamp(min=low, max=high), lambda t: t.clamp(min=low, max=high), x)


@settings(max_examples=100)
@given(data=st.data(), shapes3=broadcastable_shapes(3), dt=dtypes(FLOAT_DTYPES),
       which=st.sampled_from(["min", "max", "both"]))
def test_clamp_with_tensor_bounds_differentiates_input_and_bounds(data, shapes3, dt, which):
    """Tensor bounds broadcast against x; each bound gets the gradient where it is active."""
    if which == "both":
        # torch's own backward fails ("output with shape [3] doesn't match the broadcast
        # shape [2, 3]") when two tensor bounds enlarge x's shape: keep the bounds no larger.
        shapes3 = (shapes3[0],) + tuple(data.draw(shapes_broadcasting_to(shapes3[0]))
                                        for _ in range(2))
    x = data.draw(arrays(dt, shapes3[0]))
    low = data.draw(arrays(dt, shapes3[1])) if which in ("min", "both") else None
    high = data.draw(arrays(dt, shapes3[2])) if which in ("max", "both") else None
    check_op(lambda t, lo, hi: lt.clamp(t, lo, hi), lambda t, lo, hi: torch.clamp(t, lo, hi),
             x, low, high)


# -- where ---------------------------------------------------------------------------------------
@settings(max_examples=100)
@given(data=st.data(), shapes3=broadcastable_shapes(3), dx=dtypes(NUMERIC_DTYPES),
       dy=dtypes(NUMERIC_DTYPES), scalar=st.sampled_from([None, "x", "y"]))
def test_where_broadcasts_promotes_and_routes_the_gradient(data, shapes3, dx, dy, scalar):
    """``where(c, x, y)``: x's grad where c is True, y's where False; numbers allowed for x or y."""
    cond = data.draw(arrays("bool", shapes3[0]))
    x = data.draw(python_scalars()) if scalar == "x" else data.draw(arrays(dx, shapes3[1]))
    y = data.draw(python_scalars()) if scalar == "y" else data.draw(arrays(dy, shapes3[2]))
    check_op(lt.where, torch.where, cond, x, y)


# -- comparisons ---------------------------------------------------------------------------------
COMPARISONS = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le,
               "gt": operator.gt, "ge": operator.ge}


@pytest.mark.parametrize("name", COMPARISONS)
@settings(max_examples=60)
@given(data=st.data(), shape_pair=broadcastable_shapes(), da=dtypes(ALL_DTYPES),
       db=dtypes(ALL_DTYPES), scalar=st.booleans())
def test_comparison_returns_a_bool_tensor_without_grad(name, data, shape_pair, da, db, scalar):
    """``a OP b`` (tensors of mixed dtypes, or a Python number) is a bool tensor; small
    integer-valued data makes equal elements common."""
    op = COMPARISONS[name]
    ints = st.integers(-2, 2)
    a = _rounded(data.draw(arrays(da, shape_pair[0])))
    if scalar:
        b = data.draw(ints | ints.map(float))
        check_op(lambda t: op(t, b), lambda t: op(t, b), a)
        check_op(lambda t: op(b, t), lambda t: op(b, t), a)
    else:
        b = _rounded(data.draw(arrays(db, shape_pair[1])))
        check_op(op, op, a, b)
        check_op(getattr(lt, name), getattr(torch, name), a, b)


def _rounded(array):
    """Floats rounded to whole numbers, so that comparisons meet equal elements."""
    return np.asarray(array.round()) if array.dtype.kind == "f" else array
