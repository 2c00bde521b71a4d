"""Joining, splitting, scattering and rearranging (indexing.py, shape.py) against torch.

Each op is described once, as a hypothesis strategy that draws its NumPy inputs and the
call's other arguments; the same description is then run as ``torch.op(x, ...)``, as
``x.op(...)`` and, where torch has one, as the in-place ``x.clone().op_(...)``.
Values, dtypes, shapes and the gradients of every float input must agree.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
from helpers import (FLOAT_DTYPES, NUMERIC_DTYPES, arrays, broadcastable_shapes, check_op,
                     check_raises, dtypes, python_scalars, shapes)

SMALL = dict(max_dims=3, max_side=4)


# -- shared strategies -------------------------------------------------------------------------
def dim_of(ndim):
    """A valid dim for an ``ndim``-D tensor, negative ones included (0 or -1 for 0-d)."""
    return st.integers(-ndim, ndim - 1) if ndim else st.sampled_from([0, -1])


def rng_from(draw):
    """A NumPy generator seeded by hypothesis (so examples stay reproducible)."""
    return np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))


def index_values(draw, size, count):
    """``count`` int64 indices into a dim of ``size`` (repeats allowed)."""
    if size == 0:
        return np.zeros(0, np.int64)
    return np.array(draw(st.lists(st.integers(0, size - 1), min_size=count, max_size=count)),
                    np.int64)


def tensor_value(draw, dtype):
    """A fill value: a Python number, or a 0-d tensor of the same kind as ``dtype``."""
    if draw(st.booleans()):
        return draw(arrays(dtype, ()))
    value = draw(python_scalars())
    return value if dtype in FLOAT_DTYPES else int(value)


# Each case: a strategy drawing (arrays, call); call(*tensors) -> (args, kwargs) for the op
# applied to tensors[0].
CASES = {}


def case(name, styles=("function", "method")):
    def register(fn):
        CASES[name] = (st.composite(fn), styles)
        return fn
    return register


@case("scatter", styles=("function", "method", "inplace"))
def _scatter(draw):
    """Distinct targets along dim in each line, so the result does not depend on write order."""
    shape = draw(shapes(min_dims=1, **SMALL))
    dt = draw(dtypes(NUMERIC_DTYPES))
    dim = draw(dim_of(len(shape)))
    d = dim % len(shape)
    index_shape = [draw(st.integers(0, s)) for s in shape]
    keys = rng_from(draw).random(index_shape[:d] + [shape[d]] + index_shape[d + 1:])
    index = np.argsort(keys, axis=d)[(slice(None),) * d + (slice(0, index_shape[d]),)]
    x = draw(arrays(dt, shape))
    if draw(st.booleans()):
        value = draw(python_scalars())
        value = value if dt in FLOAT_DTYPES else int(value)
        return [x, index], lambda x, i: ((dim, i, value), {})
    return [x, index, draw(arrays(dt, index.shape))], lambda x, i, s: ((dim, i), {"src": s})


@case("scatter_add", styles=("function", "method", "inplace"))
def _scatter_add(draw):
    shape = draw(shapes(min_dims=1, **SMALL))
    dim = draw(dim_of(len(shape)))
    d = dim % len(shape)
    index_shape = tuple(draw(st.integers(0, 4 if k == d else s)) for k, s in enumerate(shape))
    if shape[d] == 0:
        index_shape = tuple(0 if k == d else s for k, s in enumerate(index_shape))
    index = draw(arrays("int64", index_shape, "any").map(lambda a: np.abs(a) % max(shape[d], 1)))
    dt = draw(dtypes(NUMERIC_DTYPES))
    return [draw(arrays(dt, shape)), index, draw(arrays(dt, index_shape))], \
        lambda x, i, s: ((dim, i, s), {})


@case("index_select")
def _index_select(draw):
    shape = draw(shapes(min_dims=1, **SMALL))
    dim = draw(dim_of(len(shape)))
    index = index_values(draw, shape[dim], draw(st.integers(0, 5)))
    index = index.astype(draw(st.sampled_from(["int64", "int32"])))
    return [draw(arrays(draw(dtypes(NUMERIC_DTYPES)), shape)), index], \
        lambda x, i: ((dim, i), {})


@case("index_add", styles=("function", "method", "inplace"))
def _index_add(draw):
    shape = draw(shapes(min_dims=1, **SMALL))
    dim = draw(dim_of(len(shape)))
    d = dim % len(shape)
    index = index_values(draw, shape[d], draw(st.integers(0, 4)) if shape[d] else 0)
    dt = draw(dtypes(NUMERIC_DTYPES))
    alpha = draw(st.sampled_from([1, 2, -1]) | (st.floats(-2, 2) if dt in FLOAT_DTYPES else
                                                st.integers(-2, 2)))
    source = draw(arrays(dt, shape[:d] + (index.size,) + shape[d + 1:]))
    return [draw(arrays(dt, shape)), index, source], \
        lambda x, i, s: ((dim, i, s), {"alpha": alpha} if alpha != 1 else {})


@case("index_fill", styles=("function", "method", "inplace"))
def _index_fill(draw):
    shape = draw(shapes(min_dims=1, **SMALL))
    dim = draw(dim_of(len(shape)))
    size = shape[dim]
    dt = draw(dtypes(NUMERIC_DTYPES))
    value = tensor_value(draw, dt)
    # Negative indices only with a number: torch's backward for a tensor value rejects them.
    low = 0 if isinstance(value, np.ndarray) else -size
    index = np.array(draw(st.lists(st.integers(low, size - 1), max_size=4)) if size else [],
                     np.int64)
    inputs = [draw(arrays(dt, shape)), index]
    if isinstance(value, np.ndarray):
        return inputs + [value], lambda x, i, v: ((dim, i, v), {})
    return inputs, lambda x, i: ((dim, i, value), {})


@case("masked_fill", styles=("function", "method", "inplace"))
def _masked_fill(draw):
    """The in-place form needs a mask that broadcasts to x; the copy broadcasts both."""
    x_shape, mask_shape = draw(broadcastable_shapes(2, **SMALL))
    x_shape = np.broadcast_shapes(x_shape, mask_shape)
    dt = draw(dtypes(NUMERIC_DTYPES))
    value = tensor_value(draw, dt)
    inputs = [draw(arrays(dt, x_shape)), draw(arrays("bool", mask_shape))]
    if isinstance(value, np.ndarray):
        return inputs + [value], lambda x, m, v: ((m, v), {})
    return inputs, lambda x, m: ((m, value), {})


@case("masked_select")
def _masked_select(draw):
    x_shape, mask_shape = draw(broadcastable_shapes(2, **SMALL))
    return [draw(arrays(draw(dtypes(NUMERIC_DTYPES)), x_shape)), draw(arrays("bool", mask_shape))], \
        lambda x, m: ((m,), {})


@case("take")
def _take(draw):
    shape = draw(shapes(**SMALL))
    n = int(np.prod(shape))
    index_shape = draw(shapes(max_dims=2, max_side=3)) if n else (0,)
    index = draw(arrays("int64", index_shape).map(lambda a: np.asarray((a % n) - n * (a < 0))
                                                  if n else a))
    return [draw(arrays(draw(dtypes(NUMERIC_DTYPES)), shape)), index], lambda x, i: ((i,), {})


@case("put", styles=("function", "method", "inplace"))
def _put(draw):
    """Without ``accumulate`` the positions are distinct (torch leaves repeats unordered)."""
    shape = draw(shapes(**SMALL))
    n = int(np.prod(shape))
    accumulate = draw(st.booleans())
    count = draw(st.integers(0, 5 if accumulate else n)) if n else 0
    index = rng_from(draw).choice(n, count, replace=accumulate).astype(np.int64) if n else \
        np.zeros(0, np.int64)
    index = index - n * draw(arrays("bool", index.shape))
    dt = draw(dtypes(NUMERIC_DTYPES))
    return [draw(arrays(dt, shape)), index, draw(arrays(dt, index.shape))], \
        lambda x, i, s: ((i, s), {"accumulate": accumulate} if accumulate else {})


@case("take_along_dim")
def _take_along_dim(draw):
    shape = draw(shapes(min_dims=1, **SMALL))
    dt = draw(dtypes(NUMERIC_DTYPES))
    if draw(st.booleans()):
        index = index_values(draw, int(np.prod(shape)), draw(st.integers(0, 4)))
        return [draw(arrays(dt, shape)), index], lambda x, i: ((i,), {})
    dim = draw(dim_of(len(shape)))
    d = dim % len(shape)
    index_shape = [draw(st.sampled_from([1, s])) for s in shape]
    index_shape[d] = draw(st.integers(0, 3)) if shape[d] else 0
    x_shape = tuple(draw(st.sampled_from([1, s])) if k != d else s for k, s in enumerate(shape))
    index = draw(arrays("int64", tuple(index_shape)).map(lambda a: np.abs(a) % max(shape[d], 1)))
    return [draw(arrays(dt, x_shape)), index], lambda x, i: ((i, dim), {})


@case("repeat_interleave")
def _repeat_interleave(draw):
    shape = draw(shapes(**SMALL))
    dim = draw(st.none() | dim_of(len(shape))) if shape else None
    size = int(np.prod(shape)) if dim is None else shape[dim]
    x = draw(arrays(draw(dtypes(NUMERIC_DTYPES)), shape))
    kind = draw(st.sampled_from(["int", "tensor", "one"]))
    if kind == "int":
        repeats = draw(st.integers(0, 3))
        return [x], lambda x: ((repeats,), {"dim": dim})
    counts = np.array(draw(st.lists(st.integers(0, 3), min_size=size, max_size=size))
                      if kind == "tensor" else [draw(st.integers(0, 3))], np.int64)
    return [x, counts], lambda x, r: ((r,), {"dim": dim})


@case("flip")
def _flip(draw):
    shape = draw(shapes(**SMALL))
    dims = draw(st.permutations(range(len(shape))))[:draw(st.integers(0, len(shape)))]
    dims = [d - len(shape) * draw(st.booleans()) for d in dims]
    return [draw(arrays(draw(dtypes(NUMERIC_DTYPES)), shape))], lambda x: ((dims,), {})


@case("fliplr")
def _fliplr(draw):
    return [draw(arrays(draw(dtypes(NUMERIC_DTYPES)), draw(shapes(min_dims=2, **SMALL))))], \
        lambda x: ((), {})


@case("flipud")
def _flipud(draw):
    return [draw(arrays(draw(dtypes(NUMERIC_DTYPES)), draw(shapes(min_dims=1, **SMALL))))], \
        lambda x: ((), {})


@case("roll")
def _roll(draw):
    shape = draw(shapes(**SMALL))
    x = draw(arrays(draw(dtypes(NUMERIC_DTYPES)), shape))
    if not shape or draw(st.booleans()):
        shift = draw(st.integers(-7, 7))
        return [x], lambda x: ((shift,), {})
    dims = draw(st.lists(dim_of(len(shape)), min_size=1, max_size=3))
    shifts = draw(st.lists(st.integers(-7, 7), min_size=len(dims), max_size=len(dims)))
    single = len(dims) == 1 and draw(st.booleans())
    return [x], lambda x: ((shifts[0], dims[0]) if single else (tuple(shifts), tuple(dims)), {})


@case("repeat", styles=("method",))
def _repeat(draw):
    shape = draw(shapes(**SMALL))
    sizes = draw(st.lists(st.integers(0, 3), min_size=len(shape), max_size=len(shape) + 2))
    return [draw(arrays(draw(dtypes(NUMERIC_DTYPES)), shape))], lambda x: ((tuple(sizes),), {})


@case("tile")
def _tile(draw):
    shape = draw(shapes(**SMALL))
    sizes = draw(st.lists(st.integers(0, 3), max_size=len(shape) + 2))
    return [draw(arrays(draw(dtypes(NUMERIC_DTYPES)), shape))], lambda x: ((tuple(sizes),), {})


def _triangle(draw):
    shape = draw(shapes(min_dims=2, **SMALL))
    diagonal = draw(st.integers(-4, 4))
    return [draw(arrays(draw(dtypes(NUMERIC_DTYPES + ("bool",))), shape))], \
        lambda x: ((), {"diagonal": diagonal})


case("tril", styles=("function", "method", "inplace"))(_triangle)
case("triu", styles=("function", "method", "inplace"))(_triangle)


@case("diag")
def _diag(draw):
    shape = draw(shapes(min_dims=1, max_dims=2, max_side=4))
    offset = draw(st.integers(-4, 4))
    return [draw(arrays(draw(dtypes(NUMERIC_DTYPES)), shape))], lambda x: ((offset,), {})


@case("diagonal")
def _diagonal(draw):
    shape = draw(shapes(min_dims=2, **SMALL))
    dims = draw(st.permutations(range(len(shape))))[:2]
    dim1, dim2 = (d - len(shape) * draw(st.booleans()) for d in dims)
    offset = draw(st.integers(-4, 4))
    return [draw(arrays(draw(dtypes(NUMERIC_DTYPES)), shape))], \
        lambda x: ((), {"offset": offset, "dim1": dim1, "dim2": dim2})


@case("diag_embed")
def _diag_embed(draw):
    shape = draw(shapes(min_dims=1, **SMALL))
    dims = draw(st.permutations(range(len(shape) + 1)))[:2]
    dim1, dim2 = (d - (len(shape) + 1) * draw(st.booleans()) for d in dims)
    offset = draw(st.integers(-3, 3))
    return [draw(arrays(draw(dtypes(NUMERIC_DTYPES)), shape))], \
        lambda x: ((offset, dim1, dim2), {})


@case("unfold", styles=("method",))
def _unfold(draw):
    shape = draw(shapes(**SMALL))
    dim = draw(dim_of(len(shape)))
    size = draw(st.integers(0, shape[dim] if shape else 1))
    step = draw(st.integers(1, 3))
    return [draw(arrays(draw(dtypes(NUMERIC_DTYPES)), shape))], lambda x: ((dim, size, step), {})


@case("split")
def _split(draw):
    shape = draw(shapes(min_dims=1, **SMALL))
    dim = draw(dim_of(len(shape)))
    size = shape[dim]
    if draw(st.booleans()):
        sizes = draw(st.integers(1, 4)) if size else draw(st.integers(0, 2))
    else:
        cuts = sorted(draw(st.lists(st.integers(0, size), max_size=3)))
        sizes = [b - a for a, b in zip([0] + cuts, cuts + [size])]
    return [draw(arrays(draw(dtypes(NUMERIC_DTYPES)), shape))], lambda x: ((sizes, dim), {})


@case("chunk")
def _chunk(draw):
    shape = draw(shapes(min_dims=1, **SMALL))
    chunks, dim = draw(st.integers(1, 5)), draw(dim_of(len(shape)))
    return [draw(arrays(draw(dtypes(NUMERIC_DTYPES)), shape))], lambda x: ((chunks, dim), {})


@case("tensor_split")
def _tensor_split(draw):
    shape = draw(shapes(min_dims=1, **SMALL))
    dim = draw(dim_of(len(shape)))
    size = shape[dim]
    arg = draw(st.integers(1, 5) | st.lists(st.integers(-size - 1, size + 1), max_size=3))
    return [draw(arrays(draw(dtypes(NUMERIC_DTYPES)), shape))], lambda x: ((arg,), {"dim": dim})


STYLE_CALLS = {
    "function": lambda lib, name, x, args, kw: getattr(lib, name)(x, *args, **kw),
    "method": lambda lib, name, x, args, kw: getattr(x, name)(*args, **kw),
    "inplace": lambda lib, name, x, args, kw: getattr(x.clone(), name + "_")(*args, **kw),
}


def _runner(lib, name, style, call):
    def run(*tensors):
        args, kwargs = call(*tensors)
        return STYLE_CALLS[style](lib, name, tensors[0], args, kwargs)
    return run


@pytest.mark.parametrize("name,style", [(n, s) for n, (_, styles) in CASES.items() for s in styles])
@settings(max_examples=25)
@given(data=st.data())
def test_op_matches_torch_including_gradients(name, style, data):
    """Every op (as function, method, in-place on a clone) against torch: random shapes with
    size-0 dims, negative dims, keyword arguments, mixed dtypes."""
    strategy, _ = CASES[name]
    inputs, call = data.draw(strategy())
    # Backward of repeat/tile/scatter_add/index_add sums many upstream values in float32; torch
    # sums them in another order, so gradients agree to float32 summation error, not to 1e-6.
    check_op(_runner(lt, name, style, call), _runner(torch, name, style, call), *inputs,
             grad_rtol=1e-4, grad_atol=1e-5)


# -- joining lists of tensors ------------------------------------------------------------------
JOIN_AXIS = {  # which dim of the inputs may differ in size (None: none may)
    "hstack": lambda ndim: 0 if ndim == 1 else 1 if ndim > 1 else None,
    "vstack": lambda ndim: 0 if ndim > 1 else None,
    "row_stack": lambda ndim: 0 if ndim > 1 else None,
    "dstack": lambda ndim: 2 if ndim > 2 else None,
    "column_stack": lambda ndim: 1 if ndim > 1 else None,
}


@pytest.mark.parametrize("name", JOIN_AXIS)
@settings(max_examples=40)
@given(data=st.data(), shape=shapes(max_dims=4, max_side=3), n=st.integers(1, 3))
def test_stacking_functions_join_like_torch_and_split_the_gradient(name, data, shape, n):
    """hstack/vstack/dstack/column_stack first raise each tensor to enough dims, then cat;
    dtypes promote."""
    axis = JOIN_AXIS[name](len(shape))
    part_shapes = [tuple(data.draw(st.integers(0, 3)) if k == axis else s
                         for k, s in enumerate(shape)) for _ in range(n)]
    parts = [data.draw(arrays(data.draw(dtypes(NUMERIC_DTYPES)), s)) for s in part_shapes]
    check_op(lambda *ts: getattr(lt, name)(ts), lambda *ts: getattr(torch, name)(list(ts)), *parts)


@pytest.mark.parametrize("name", ["atleast_1d", "atleast_2d", "atleast_3d"])
@pytest.mark.parametrize("as_list", [False, True])
def test_atleast_nd_raises_dims_and_returns_a_tuple_for_several_tensors(name, as_list):
    parts = [np.array(1.5, np.float32), np.arange(3, dtype=np.float32),
             np.ones((2, 3), np.float32), np.ones((1, 2, 3), np.float32)]
    call = (lambda lib: lambda *ts: getattr(lib, name)(list(ts))) if as_list else \
        (lambda lib: lambda *ts: getattr(lib, name)(*ts))
    check_op(call(lt), call(torch), *parts)
    for part in parts:
        check_op(getattr(lt, name), getattr(torch, name), part)


@pytest.mark.parametrize("name,args", [
    ("hsplit", (2,)), ("hsplit", ([1, 3],)), ("vsplit", (3,)), ("vsplit", ([-1],)),
    ("dsplit", (2,)), ("dsplit", ([0, 1],)),
])
@pytest.mark.parametrize("style", ["function", "method"])
def test_hsplit_vsplit_dsplit_split_along_their_dim(name, args, style):
    x = np.arange(48, dtype=np.float32).reshape(3, 4, 4)
    check_op(_runner(lt, name, style, lambda t: (args, {})),
             _runner(torch, name, style, lambda t: (args, {})), x)


def test_split_sections_as_a_tensor_and_split_with_sizes():
    x = np.arange(10, dtype=np.float32).reshape(5, 2)
    check_op(lambda t: lt.tensor_split(t, lt.tensor([1, 3])), lambda t: torch.tensor_split(
        t, torch.tensor([1, 3])), x)
    check_op(lambda t: lt.tensor_split(t, lt.tensor(2)), lambda t: torch.tensor_split(
        t, torch.tensor(2)), x)
    check_op(lambda t: t.split_with_sizes([2, 3]), lambda t: t.split_with_sizes([2, 3]), x)


# -- graph node names, views, 0-d tensors ------------------------------------------------------
NODE_NAMES = [
    lambda lib, x: x.split(2, 1)[0], lambda lib, x: x.split([1, 2], 1)[1],
    lambda lib, x: x.chunk(2)[0], lambda lib, x: x.tensor_split(2)[0],
    lambda lib, x: x.index_select(0, lib.tensor([0])),
    lambda lib, x: x.index_add(0, lib.tensor([0]), x[:1]),
    lambda lib, x: x.index_fill(0, lib.tensor([0]), 1.0),
    lambda lib, x: x.scatter(0, lib.tensor([[0]]), x), lambda lib, x: x.scatter(0, lib.tensor([[0]]), 2.0),
    lambda lib, x: x.scatter_add(0, lib.tensor([[0]]), x),
    lambda lib, x: x.masked_fill(x > 0, 0.0), lambda lib, x: x.masked_fill(x > 0, x.sum()),
    lambda lib, x: x.masked_select(x > 0), lambda lib, x: x.take(lib.tensor([0])),
    lambda lib, x: x.put(lib.tensor([0]), x[0, :1]),
    lambda lib, x: lib.take_along_dim(x, lib.tensor([[0]]), 1),
    lambda lib, x: x.flip(0), lambda lib, x: x.roll(1), lambda lib, x: x.repeat(2, 1),
    lambda lib, x: x.tile(2), lambda lib, x: x.repeat_interleave(2),
    lambda lib, x: x.repeat_interleave(lib.tensor([1, 2]), dim=0),
    lambda lib, x: x.tril(), lambda lib, x: x.triu(), lambda lib, x: (x * 1).tril_(),
    lambda lib, x: x.diag(), lambda lib, x: x[0].diag(), lambda lib, x: x.diagonal(),
    lambda lib, x: x.diag_embed(), lambda lib, x: x.unfold(1, 2, 1),
    lambda lib, x: lib.hstack([x, x]), lambda lib, x: lib.atleast_3d(x),
]


@pytest.mark.parametrize("fn", NODE_NAMES, ids=range(len(NODE_NAMES)))
def test_grad_fn_names_and_views_match_torch(fn):
    """``grad_fn.name()`` and whether the result is a view (``_base``) are as in torch."""
    x = np.arange(6, dtype=np.float32).reshape(2, 3) - 2
    ours, theirs = fn(lt, lt.tensor(x, requires_grad=True)), fn(torch, torch.tensor(
        x, requires_grad=True))
    assert ours.grad_fn.name() == theirs.grad_fn.name()
    assert (ours._base is None) == (theirs._base is None)


@pytest.mark.parametrize("lib", [lt, torch], ids=["learntorch", "torch"])
def test_diagonal_and_split_are_views_that_see_and_make_writes(lib):
    x = lib.zeros(3, 3)
    d, top = x.diagonal(), x.split(1)[0]
    d.add_(1)
    top[0, 2] = 5.0
    assert x.tolist() == [[1, 0, 5], [0, 1, 0], [0, 0, 1]]
    assert d.tolist() == [1, 1, 1] and x._version == d._version


ZERO_D = [
    lambda lib, s: s.scatter(0, lib.tensor(0), s * 3), lambda lib, s: s.scatter_add(
        0, lib.tensor([0]), (s * 3).reshape(1)), lambda lib, s: s.index_select(0, lib.tensor(0)),
    lambda lib, s: s.index_select(0, lib.tensor([0])),
    lambda lib, s: s.index_add(0, lib.tensor(0), s * 2, alpha=3),
    lambda lib, s: s.index_fill(0, lib.tensor([0]), 4.0), lambda lib, s: s.masked_fill(
        lib.tensor(True), 2.0), lambda lib, s: s.masked_select(lib.tensor(True)),
    lambda lib, s: s.take(lib.tensor([0, 0])), lambda lib, s: lib.take_along_dim(s, lib.tensor(0)),
    lambda lib, s: s.flip(0), lambda lib, s: s.roll(2), lambda lib, s: s.repeat(2, 3),
    lambda lib, s: s.repeat(()), lambda lib, s: lib.tile(s, ()), lambda lib, s: s.repeat_interleave(3),
    lambda lib, s: s.unfold(0, 1, 1), lambda lib, s: lib.hstack([s, s]),
    lambda lib, s: lib.dstack([s, s]), lambda lib, s: lib.column_stack([s, s]),
    lambda lib, s: s.gather(0, lib.tensor(0)), lambda lib, s: s.put(lib.tensor([0]), s.reshape(1)),
]


@pytest.mark.parametrize("fn", ZERO_D, ids=range(len(ZERO_D)))
def test_zero_dim_tensors_work_where_torch_allows_them(fn):
    check_op(lambda s: fn(lt, s), lambda s: fn(torch, s), np.array(1.5, np.float32))


# -- errors ------------------------------------------------------------------------------------
def _x(lib, *shape, dtype="float32"):
    return lib.ones(shape, dtype=getattr(lib, dtype))


def _i(lib, values, dtype="int64"):
    return lib.tensor(values, dtype=getattr(lib, dtype))


ERRORS = {
    "split sizes must sum": lambda lib: _x(lib, 5).split([2, 2]),
    "split negative size": lambda lib: _x(lib, 5).split(-1),
    "split size 0": lambda lib: _x(lib, 5).split(0),
    "split negative entry": lambda lib: _x(lib, 5).split([6, -1]),
    "split 0-d": lambda lib: _x(lib).split(1),
    "chunk 0": lambda lib: _x(lib, 3).chunk(0),
    "chunk 0-d": lambda lib: _x(lib).chunk(1),
    "tensor_split 0 sections": lambda lib: _x(lib, 3).tensor_split(0),
    "tensor_split 0-d": lambda lib: lib.tensor_split(_x(lib), 1),
    "tensor_split float tensor": lambda lib: lib.tensor_split(_x(lib, 3), lib.tensor([1.0])),
    "tensor_split 2-d tensor": lambda lib: lib.tensor_split(_x(lib, 3), _i(lib, [[1]])),
    "hsplit not divisible": lambda lib: lib.hsplit(_x(lib, 2, 3), 2),
    "hsplit 0-d": lambda lib: lib.hsplit(_x(lib), 1),
    "vsplit 1-d": lambda lib: lib.vsplit(_x(lib, 3), 1),
    "hstack empty": lambda lib: lib.hstack([]),
    "column_stack empty": lambda lib: lib.column_stack([]),
    "gather out of bounds": lambda lib: _x(lib, 2, 3).gather(1, _i(lib, [[5]])),
    "gather negative": lambda lib: _x(lib, 2, 3).gather(1, _i(lib, [[-1]])),
    "gather float index": lambda lib: _x(lib, 2, 3).gather(1, lib.tensor([[1.0]])),
    "gather index dims": lambda lib: _x(lib, 2, 3).gather(1, _i(lib, [1])),
    "gather index too big": lambda lib: _x(lib, 2, 3).gather(1, lib.zeros(3, 1, dtype=lib.long)),
    "scatter out of bounds": lambda lib: _x(lib, 2, 3).scatter(1, _i(lib, [[7]]), 1.0),
    "scatter dtype": lambda lib: _x(lib, 2, 3).scatter(1, _i(lib, [[0]]), _x(lib, 1, 1, dtype="float64")),
    "scatter float index": lambda lib: _x(lib, 2, 3).scatter(1, lib.zeros(2, 2), 1.0),
    "scatter index dims": lambda lib: _x(lib, 2, 3).scatter(1, _i(lib, [0]), 1.0),
    "scatter src dims": lambda lib: _x(lib, 2, 3).scatter(1, _i(lib, [[0]]), _x(lib)),
    "scatter index too big": lambda lib: _x(lib, 2, 3).scatter(1, lib.zeros(3, 3, dtype=lib.long),
                                                               _x(lib, 2, 3)),
    "scatter index too big value": lambda lib: _x(lib, 2, 3).scatter(
        1, lib.zeros(3, 1, dtype=lib.long), 1.0),
    "scatter_add needs a tensor": lambda lib: _x(lib, 3).scatter_add(0, _i(lib, [0]), 2.0),
    "index_select float index": lambda lib: _x(lib, 2, 3).index_select(1, lib.tensor([0.0])),
    "index_select 2-d index": lambda lib: _x(lib, 2, 3).index_select(1, _i(lib, [[0]])),
    "index_select out of range dim 1": lambda lib: _x(lib, 2, 3).index_select(1, _i(lib, [3])),
    "index_select out of range dim 0": lambda lib: _x(lib, 2, 3).index_select(0, _i(lib, [-1])),
    "index_select scalar": lambda lib: _x(lib).index_select(0, _i(lib, [0, 0])),
    "index_add count": lambda lib: _x(lib, 2, 3).index_add(1, _i(lib, [0, 2]), _x(lib, 2, 3)),
    "index_add dtype": lambda lib: _x(lib, 2, 3).index_add(1, _i(lib, [0, 1, 2]),
                                                           _x(lib, 2, 3, dtype="float64")),
    "index_add out of bounds": lambda lib: _x(lib, 2, 3).index_add(1, _i(lib, [0, 5, 1]), _x(lib, 2, 3)),
    "index_add out of range 1-d": lambda lib: _x(lib, 3).index_add(0, _i(lib, [3]), _x(lib, 1)),
    "index_add shape": lambda lib: _x(lib, 2, 3).index_add(1, _i(lib, [0, 1, 2]), _x(lib, 3, 3)),
    "index_add float index": lambda lib: _x(lib, 3).index_add(0, lib.tensor([0.0]), _x(lib, 1)),
    "index_add 2-d index": lambda lib: _x(lib, 3).index_add(0, _i(lib, [[0]]), _x(lib, 1)),
    "index_add source dims": lambda lib: _x(lib, 2, 3).index_add(1, _i(lib, [0, 1, 2]), _x(lib, 3)),
    "index_fill int32 index": lambda lib: _x(lib, 3).index_fill(0, _i(lib, [0], "int32"), 1.0),
    "index_fill out of bounds": lambda lib: _x(lib, 3).index_fill(0, _i(lib, [-4]), 1.0),
    "index_fill 1-d value": lambda lib: _x(lib, 3).index_fill(0, _i(lib, [0]), _x(lib, 1)),
    "index_fill 2-d index": lambda lib: _x(lib, 2, 3).index_fill(1, _i(lib, [[0]]), 1),
    "masked_fill float mask": lambda lib: _x(lib, 3).masked_fill(_x(lib, 3), 1.0),
    "masked_fill long mask": lambda lib: _x(lib, 3).masked_fill(_i(lib, [1, 1, 1]), 1.0),
    "masked_fill 1-d value": lambda lib: _x(lib, 3).masked_fill(_x(lib, 3) > 0, _x(lib, 1)),
    "masked_fill shapes": lambda lib: _x(lib, 3).masked_fill(_x(lib, 2) > 0, 1.0),
    "masked_fill_ broadcast": lambda lib: _x(lib, 3).masked_fill_(_x(lib, 2, 3) > 0, 1.0),
    "masked_fill_ leaf": lambda lib: lib.ones(3, requires_grad=True).masked_fill_(_x(lib, 3) > 0, 1),
    "masked_select uint8": lambda lib: _x(lib, 3).masked_select(_i(lib, [1, 1, 1], "uint8")),
    "masked_select shapes": lambda lib: _x(lib, 3).masked_select(_x(lib, 2) > 0),
    "take out of range": lambda lib: _x(lib, 2, 3).take(_i(lib, [6])),
    "take negative out of range": lambda lib: _x(lib, 2, 3).take(_i(lib, [-7])),
    "take int32": lambda lib: _x(lib, 2, 3).take(_i(lib, [1], "int32")),
    "take from empty": lambda lib: _x(lib, 0).take(_i(lib, [0])),
    "put count": lambda lib: _x(lib, 2, 3).put(_i(lib, [0, 4]), _x(lib, 1)),
    "put out of range": lambda lib: _x(lib, 2, 3).put_(_i(lib, [0, 9]), _x(lib, 2)),
    "put dtype": lambda lib: _x(lib, 2, 3).put(_i(lib, [0]), _x(lib, 1, dtype="float64")),
    "put int32": lambda lib: _x(lib, 2, 3).put_(_i(lib, [1], "int32"), _x(lib, 1)),
    "take_along_dim int32": lambda lib: lib.take_along_dim(_x(lib, 2, 3), _i(lib, [[0]], "int32"), 1),
    "take_along_dim dims": lambda lib: lib.take_along_dim(_x(lib, 2, 3), _i(lib, [0]), 1),
    "take_along_dim 0-d dim": lambda lib: lib.take_along_dim(_x(lib), _i(lib, 0), 0),
    "take_along_dim broadcast": lambda lib: lib.take_along_dim(_x(lib, 2, 3), lib.zeros(
        3, 1, dtype=lib.long), 1),
    "flip duplicate dims": lambda lib: _x(lib, 2, 3).flip(0, -2),
    "fliplr 1-d": lambda lib: lib.fliplr(_x(lib, 3)),
    "flipud 0-d": lambda lib: lib.flipud(_x(lib)),
    "roll misaligned": lambda lib: _x(lib, 2, 3).roll((1, 2), (0,)),
    "roll no shifts": lambda lib: _x(lib, 2, 3).roll(()),
    "roll 0-d dim": lambda lib: _x(lib).roll(1, 0),
    "roll shifts without dims": lambda lib: _x(lib, 2, 3).roll([1, 2]),
    "repeat too few": lambda lib: _x(lib, 2, 3).repeat(2),
    "repeat negative": lambda lib: _x(lib, 2, 3).repeat(2, -1),
    "tile negative": lambda lib: lib.tile(_x(lib), (-1,)),
    "repeat_interleave negative": lambda lib: _x(lib, 3).repeat_interleave(-1),
    "repeat_interleave negative tensor": lambda lib: _x(lib, 3).repeat_interleave(_i(lib, [1, -1, 1])),
    "repeat_interleave size": lambda lib: _x(lib, 2, 3).repeat_interleave(_i(lib, [2, 1]), dim=1),
    "repeat_interleave float repeats": lambda lib: _x(lib, 3).repeat_interleave(_x(lib, 3)),
    "repeat_interleave 2-d repeats": lambda lib: _x(lib, 3).repeat_interleave(_i(lib, [[1, 1, 1]])),
    "repeat_interleave counts 0-d": lambda lib: lib.repeat_interleave(_i(lib, 2)),
    "tril 1-d": lambda lib: _x(lib, 3).tril(),
    "triu_ leaf": lambda lib: lib.ones(2, 2, requires_grad=True).triu_(),
    "diag 3-d": lambda lib: _x(lib, 2, 2, 2).diag(),
    "diag 0-d": lambda lib: _x(lib).diag(),
    "diagonal same dims": lambda lib: _x(lib, 2, 3).diagonal(0, 1, 1),
    "diagonal 1-d": lambda lib: _x(lib, 3).diagonal(),
    "diag_embed same dims": lambda lib: lib.diag_embed(_x(lib, 2, 3), dim1=1, dim2=-2),
    "unfold too big": lambda lib: _x(lib, 2, 3).unfold(1, 4, 1),
    "unfold step 0": lambda lib: _x(lib, 2, 3).unfold(1, 2, 0),
    "unfold negative size": lambda lib: _x(lib, 2, 3).unfold(1, -1, 1),
    "unfold 0-d too big": lambda lib: _x(lib).unfold(0, 2, 1),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_match_torch_type_and_message(name):
    check_raises(lambda: ERRORS[name](lt), lambda: ERRORS[name](torch))
