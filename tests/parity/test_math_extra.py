"""The pointwise rows of the API table against torch: one table per arity, each row run as
function, Tensor method and (where torch has one) in-place twin, with gradients."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import learntorch as lt
from helpers import (FLOAT_DTYPES, INT_DTYPES, NUMERIC_DTYPES, broadcastable_shapes, check_op,
                     check_raises, dtypes, shapes, shapes_broadcasting_to)

# Value ranges each op needs, as (low, high, exclude |x| below).  "ties" draws whole numbers
# so that maximum/minimum meet equal elements (torch splits the gradient there).
RANGES = {
    "any": (-4, 4, 0), "positive": (0.25, 4, 0), "unit": (-0.875, 0.875, 0),
    "nonzero": (-4, 4, 0.5), "tan": (-1.25, 1.25, 0), "ties": (-2, 2, 0), "away0": (-4, 4, 0.125),
}


def values(dtype, shape, kind="any"):
    """An array of ``dtype`` in the range ``kind`` names (integers rounded into it)."""
    low, high, gap = RANGES[kind]
    if dtype == "bool":
        return hnp.arrays(np.bool_, shape)
    if dtype in INT_DTYPES or kind == "ties":
        ints = st.integers(int(np.ceil(low)), int(high)).filter(lambda v: abs(v) >= gap)
        return hnp.arrays(np.dtype(dtype), shape, elements=ints.map(float) if dtype in FLOAT_DTYPES
                          else ints)
    width = 32 if dtype == "float32" else 64
    floats = st.floats(low, high, width=width).filter(lambda v: abs(v) >= gap)
    return hnp.arrays(np.dtype(dtype), shape, elements=floats)


# -- one input ---------------------------------------------------------------------------------
# name -> (values, dtypes, has an in-place twin)
UNARY = {
    "abs": ("away0", NUMERIC_DTYPES, True), "acos": ("unit", NUMERIC_DTYPES, True),
    "asin": ("unit", NUMERIC_DTYPES, True), "atan": ("any", NUMERIC_DTYPES, True),
    "ceil": ("any", NUMERIC_DTYPES, True), "cos": ("any", NUMERIC_DTYPES, True),
    "cosh": ("any", NUMERIC_DTYPES, True), "exp": ("any", NUMERIC_DTYPES, True),
    "exp2": ("any", NUMERIC_DTYPES, True), "expm1": ("any", NUMERIC_DTYPES, True),
    "floor": ("any", NUMERIC_DTYPES, True), "frac": ("any", FLOAT_DTYPES, True),
    "log": ("positive", NUMERIC_DTYPES, True), "log1p": ("positive", NUMERIC_DTYPES, True),
    "log2": ("positive", NUMERIC_DTYPES, True), "log10": ("positive", NUMERIC_DTYPES, True),
    "neg": ("any", NUMERIC_DTYPES, True), "reciprocal": ("nonzero", NUMERIC_DTYPES, True),
    "rsqrt": ("positive", NUMERIC_DTYPES, True), "sigmoid": ("any", NUMERIC_DTYPES, True),
    "sign": ("any", NUMERIC_DTYPES, True), "sin": ("any", NUMERIC_DTYPES, True),
    "sinh": ("any", NUMERIC_DTYPES, True), "sqrt": ("positive", NUMERIC_DTYPES, True),
    "square": ("any", NUMERIC_DTYPES + ("bool",), True), "tan": ("tan", NUMERIC_DTYPES, True),
    "tanh": ("any", NUMERIC_DTYPES, True), "trunc": ("any", NUMERIC_DTYPES, True),
    "erf": ("any", NUMERIC_DTYPES, True), "erfinv": ("unit", NUMERIC_DTYPES, True),
    "arccos": ("unit", FLOAT_DTYPES, False), "arctan": ("any", FLOAT_DTYPES, False),
}


@pytest.mark.parametrize("name", UNARY)
@settings(max_examples=25)
@given(data=st.data(), shape=shapes(max_dims=3))
def test_unary_row_as_function_method_and_inplace(name, data, shape):
    """``f(x)``, ``x.f()`` and, for float x, ``y.f_()`` on a copy: values, dtype (integers give
    float32 except for the rounding ops, sign, neg, abs, square) and gradients."""
    kind, allowed, inplace = UNARY[name]
    dt = data.draw(dtypes(allowed))
    x = data.draw(values(dt, shape, kind))
    tol = {"rtol": 1e-4, "atol": 1e-5}
    check_op(getattr(lt, name), getattr(torch, name), x, **tol)
    method = (lambda t: getattr(t, name)())
    check_op(method, method, x, grad=False, **tol)
    if inplace and dt in FLOAT_DTYPES:
        twin = (lambda t: getattr(t.clone(), name + "_")())
        check_op(twin, twin, x, **tol)


@settings(max_examples=30)
@given(data=st.data(), shape=shapes(max_dims=3), dt=dtypes(FLOAT_DTYPES),
       decimals=st.integers(-1, 3))
def test_round_with_decimals_rounds_half_to_even(data, shape, dt, decimals):
    """``round(x, decimals=d)`` (keyword only); values are multiples of 1/8 so halves occur."""
    x = data.draw(hnp.arrays(np.dtype(dt), shape, elements=st.integers(-40, 40).map(lambda v: v / 8)))
    fn = (lambda t: t.round(decimals=decimals))
    check_op(fn, fn, x)
    check_op(lambda t: lt.round(t, decimals=decimals), lambda t: torch.round(t, decimals=decimals), x)


SPECIALS = [0.0, 1.5, -2.0, float("nan"), float("inf"), -float("inf")]


@pytest.mark.parametrize("kwargs", [{}, {"nan": 2.0}, {"posinf": 9.0, "neginf": -9.0},
                                    {"nan": -1.0, "posinf": 1.0}])
@pytest.mark.parametrize("dt", FLOAT_DTYPES)
def test_nan_to_num_replaces_specials_and_passes_gradient_only_to_finite(kwargs, dt):
    """Default replacements are the dtype's largest/smallest finite values."""
    x = np.array([SPECIALS, SPECIALS[::-1]], dtype=dt)
    check_op(lambda t: lt.nan_to_num(t, **kwargs), lambda t: torch.nan_to_num(t, **kwargs), x)
    check_op(lambda t: t.clone().nan_to_num_(**kwargs), lambda t: t.clone().nan_to_num_(**kwargs), x)


# -- two inputs ----------------------------------------------------------------------------------
# name -> (dtypes, left values, right values, Python number allowed on the right)
BINARY = {
    "atan2": (NUMERIC_DTYPES, "any", "nonzero", False),
    "arctan2": (FLOAT_DTYPES, "any", "nonzero", False),
    "hypot": (FLOAT_DTYPES, "nonzero", "nonzero", False),
    "fmod": (NUMERIC_DTYPES, "any", "nonzero", True),
    "remainder": (NUMERIC_DTYPES, "any", "nonzero", True),
    "maximum": (NUMERIC_DTYPES, "ties", "ties", False),
    "minimum": (NUMERIC_DTYPES, "ties", "ties", False),
    "fmax": (NUMERIC_DTYPES, "ties", "ties", False),
    "fmin": (NUMERIC_DTYPES, "ties", "ties", False),
    "logaddexp": (FLOAT_DTYPES, "any", "any", False),
    "logaddexp2": (FLOAT_DTYPES, "any", "any", False),
    "xlogy": (NUMERIC_DTYPES, "ties", "positive", True),
    "mul": (NUMERIC_DTYPES, "any", "any", True),
    "pow": (FLOAT_DTYPES, "positive", "any", True),
}


@pytest.mark.parametrize("name", BINARY)
@settings(max_examples=30)
@given(data=st.data(), shape_pair=broadcastable_shapes(max_dims=3))
def test_binary_row_broadcasts_promotes_and_differentiates(name, data, shape_pair):
    """``f(a, b)`` for tensors of mixed dtypes and broadcastable shapes (0-d and size-0 too),
    and ``f(a, number)`` where torch accepts one."""
    allowed, left, right, takes_number = BINARY[name]
    da, db = data.draw(dtypes(allowed)), data.draw(dtypes(allowed))
    a = data.draw(values(da, shape_pair[0], left))
    b = data.draw(values(db, shape_pair[1], right))
    tol = {"rtol": 1e-4, "atol": 1e-5}
    check_op(getattr(lt, name), getattr(torch, name), a, b, **tol)
    method = (lambda x, y: getattr(x, name)(y))
    check_op(method, method, a, b, grad=False, **tol)
    if takes_number:
        number = data.draw(st.sampled_from([2, -3, 0.5, 2.5]))
        check_op(lambda x: getattr(lt, name)(x, number), lambda x: getattr(torch, name)(x, number),
                 a, **tol)


@pytest.mark.parametrize("name", ["maximum", "minimum", "fmax", "fmin"])
def test_nan_propagates_through_maximum_but_not_fmax(name):
    a = np.array([np.nan, 1.0, np.nan, 2.0], np.float32)
    b = np.array([1.0, np.nan, np.nan, 2.0], np.float32)
    check_op(getattr(lt, name), getattr(torch, name), a, b)


@pytest.mark.parametrize("name", ["atan2", "hypot", "fmod", "xlogy", "lerp", "addcmul", "addcdiv"])
@settings(max_examples=20)
@given(data=st.data(), shape=shapes(max_dims=3), dt=dtypes(FLOAT_DTYPES))
def test_inplace_twins_of_binary_and_ternary_rows(name, data, shape, dt):
    """``y.f_(other, …)`` writes ``f(y, other, …)`` into y; the others broadcast *to* y."""
    extra = {"lerp": 1, "addcmul": 1, "addcdiv": 1}.get(name, 0)
    others = [data.draw(values(dt, data.draw(shapes_broadcasting_to(shape)), "nonzero"))
              for _ in range(1 + extra)]
    x = data.draw(values(dt, shape, "positive"))
    twin = (lambda t, *o: getattr(t.clone(), name + "_")(*o))
    check_op(twin, twin, x, *others, rtol=1e-4, atol=1e-5)


# -- add/sub alpha, div rounding, pow both sides ------------------------------------------------
@pytest.mark.parametrize("name", ["add", "sub"])
@settings(max_examples=30)
@given(data=st.data(), shape_pair=broadcastable_shapes(max_dims=3), dt=dtypes(NUMERIC_DTYPES),
       alpha=st.sampled_from([1, 2, -3]))
def test_add_and_sub_scale_other_by_alpha(name, data, shape_pair, dt, alpha):
    a, b = (data.draw(values(dt, s)) for s in shape_pair)
    check_op(lambda x, y: getattr(lt, name)(x, y, alpha=alpha),
             lambda x, y: getattr(torch, name)(x, y, alpha=alpha), a, b)


@pytest.mark.parametrize("mode", [None, "trunc", "floor"])
@settings(max_examples=40)
@given(data=st.data(), shape_pair=broadcastable_shapes(max_dims=3))
def test_div_with_each_rounding_mode(mode, data, shape_pair):
    """Rounded division keeps integer dtypes and has a zero gradient; true division floats."""
    da, db = data.draw(dtypes(NUMERIC_DTYPES)), data.draw(dtypes(NUMERIC_DTYPES))
    a, b = data.draw(values(da, shape_pair[0])), data.draw(values(db, shape_pair[1], "nonzero"))
    check_op(lambda x, y: lt.div(x, y, rounding_mode=mode),
             lambda x, y: torch.div(x, y, rounding_mode=mode), a, b, rtol=1e-5, atol=1e-5)
    check_op(lambda x, y: x.div(y, rounding_mode=mode), lambda x, y: x.div(y, rounding_mode=mode),
             a, b, grad=False, rtol=1e-5, atol=1e-5)


@settings(max_examples=40)
@given(data=st.data(), shape=shapes(max_dims=3), dt=dtypes(NUMERIC_DTYPES),
       number=st.sampled_from([2, 3, 0.5, 2.5]), number_is_base=st.booleans())
def test_pow_with_a_number_on_either_side(data, shape, dt, number, number_is_base):
    x = data.draw(values(dt, shape, "positive" if not number_is_base else "any"))
    if number_is_base:
        check_op(lambda t: lt.pow(number, t), lambda t: torch.pow(number, t), x, rtol=1e-4)
    else:
        check_op(lambda t: t.pow(number), lambda t: t.pow(number), x, rtol=1e-4)


# -- three inputs ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
@settings(max_examples=40)
@given(data=st.data(), shapes3=broadcastable_shapes(3, max_dims=3),
       value=st.sampled_from([None, 1, 2, -0.5]))
def test_addcmul_addcdiv_with_value(name, data, shapes3, value):
    """``input + value · t1 ∘ t2``: dtypes promote over all three; int results truncate value."""
    dts = [data.draw(dtypes(NUMERIC_DTYPES if name == "addcmul" else FLOAT_DTYPES))
           for _ in range(3)]
    arrays = [data.draw(values(dt, s, "nonzero")) for dt, s in zip(dts, shapes3)]
    kwargs = {} if value is None else {"value": value}
    check_op(lambda *t: getattr(lt, name)(*t, **kwargs), lambda *t: getattr(torch, name)(*t, **kwargs),
             *arrays, rtol=1e-4, atol=1e-5)
    method = (lambda a, *t: getattr(a, name)(*t, **kwargs))
    check_op(method, method, *arrays, grad=False, rtol=1e-4, atol=1e-5)


@settings(max_examples=40)
@given(data=st.data(), shapes3=broadcastable_shapes(3, max_dims=3), dt=dtypes(FLOAT_DTYPES),
       weight_kind=st.sampled_from(["number", "tensor", "0-d other dtype"]))
def test_lerp_with_number_or_tensor_weight(data, shapes3, dt, weight_kind):
    """``start + weight · (end − start)``; a tensor weight also receives a gradient."""
    start, end = data.draw(values(dt, shapes3[0])), data.draw(values(dt, shapes3[1]))
    if weight_kind == "number":
        w = data.draw(st.sampled_from([0.0, 0.25, 0.5, 1.0, 2]))
        check_op(lambda a, b: lt.lerp(a, b, w), lambda a, b: torch.lerp(a, b, w), start, end)
        return
    other = {"float32": "float64", "float64": "float32"}[dt]
    weight = (data.draw(values(dt, shapes3[2], "unit")) if weight_kind == "tensor"
              else data.draw(values(other, (), "unit")))
    check_op(lt.lerp, torch.lerp, start, end, weight, rtol=1e-4, atol=1e-5)
    check_op(lambda a, b, w: a.lerp(b, w), lambda a, b, w: a.lerp(b, w), start, end, weight,
             grad=False, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["clamp", "clip"])
@settings(max_examples=30)
@given(data=st.data(), shape=shapes(max_dims=3), dt=dtypes(FLOAT_DTYPES))
def test_clamp_and_clip_with_tensor_bounds(name, data, shape, dt):
    """Both bounds as tensors that broadcast to x; ``clip`` is the same function."""
    x = data.draw(values(dt, shape, "ties"))
    low, high = (data.draw(values(dt, data.draw(shapes_broadcasting_to(shape)), "ties"))
                 for _ in range(2))
    check_op(getattr(lt, name), getattr(torch, name), x, low, high)
    method = (lambda t, lo, hi: getattr(t, name)(min=lo, max=hi))
    check_op(method, method, x, low, high, grad=False)


# -- errors --------------------------------------------------------------------------------------
F = np.array([1.0, 2.0, 3.0], np.float32)
I = np.array([1, 2, 3])
Z = np.array([1, 0, 2])
ERRORS = {
    "maximum with a number": lambda m: m.maximum(m.tensor(F), 2),
    "atan2 with a number": lambda m: m.atan2(m.tensor(F), 2.0),
    "hypot of integers": lambda m: m.hypot(m.tensor(I), m.tensor(I)),
    "logaddexp of integers": lambda m: m.logaddexp(m.tensor(I), m.tensor(I)),
    "logaddexp2 of bools": lambda m: m.logaddexp2(m.tensor([True]), m.tensor([False])),
    "fmod of integers by zero": lambda m: m.fmod(m.tensor(I), m.tensor(Z)),
    "fmod of integers by number zero": lambda m: m.fmod(m.tensor(I), 0),
    "fmod of bools": lambda m: m.fmod(m.tensor([True]), m.tensor([True])),
    "remainder of integers by zero": lambda m: m.remainder(m.tensor(I), m.tensor(Z)),
    "addcdiv of integers": lambda m: m.addcdiv(m.tensor(F), m.tensor(I), m.tensor(I)),
    "lerp end of another dtype": lambda m: m.lerp(m.tensor(F), m.tensor(F).double(), 0.5),
    "lerp weight of another dtype": lambda m: m.lerp(m.tensor(F), m.tensor(F), m.tensor(F).double()),
    "lerp of integers": lambda m: m.lerp(m.tensor(I), m.tensor(I), 0.5),
    "maximum of mismatched shapes": lambda m: m.maximum(m.tensor(F), m.ones(2)),
    "atan2 of mismatched shapes": lambda m: m.atan2(m.tensor(F), m.ones(2)),
    "clamp without bounds": lambda m: m.clamp(m.tensor(F)),
    "div with a bad rounding mode": lambda m: m.div(m.tensor(F), 2, rounding_mode="round"),
}


@pytest.mark.parametrize("name", ERRORS)
def test_bad_input_raises_torchs_exception(name):
    call = ERRORS[name]
    check_raises(lambda: call(lt), lambda: call(torch))
