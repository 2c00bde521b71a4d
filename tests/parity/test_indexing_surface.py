"""Parity with torch: tensors arranged from others (meshgrid, combinations, block_diag …),
writing at indices (index_put, index_reduce, scatter_reduce, *_scatter …), strided views
(as_strided …) and the *_copy variants of view ops."""
import warnings

import numpy as np
import pytest
import torch

import learntorch as lt
from learntorch.autograd import gradcheck
from tests.parity.helpers import assert_same, check_op, check_raises

RNG = np.random.default_rng(41)


def both(array):
    return lt.tensor(array), torch.from_numpy(np.array(array))


def _values(shape, dtype="float64"):
    if dtype in ("int64", "int32"):
        return np.asarray(RNG.integers(-5, 6, shape)).astype(dtype)
    if dtype == "bool":
        return np.asarray(RNG.integers(0, 2, shape)).astype(bool)
    return np.asarray(RNG.normal(size=shape)).astype(dtype)


def _gradcheck(fn, *arrays):
    assert gradcheck(fn, [lt.tensor(a, requires_grad=True) for a in arrays])


def _errors(*calls):
    for call in calls:
        check_raises(lambda: call(lt), lambda: call(torch))


# -- broadcasting --------------------------------------------------------------------------------
@pytest.mark.parametrize("shapes", [[(2, 1), (3,)], [(), (4, 1, 2)], [(0, 1), (1, 5)], [(3,)],
                                    [(2, 3), (2, 3), (1, 3)]])
def test_broadcast_tensors_and_shapes(shapes):
    arrays = [_values(s) for s in shapes]
    check_op(lambda *t: lt.broadcast_tensors(*t), lambda *t: torch.broadcast_tensors(*t), *arrays)
    got, expected = lt.broadcast_shapes(*shapes), torch.broadcast_shapes(*shapes)
    assert type(got).__name__ == "Size" and tuple(got) == tuple(expected)
    if len(shapes) > 1:
        _gradcheck(lambda *t: lt.broadcast_tensors(*t), *arrays)


def test_broadcast_errors_and_ints():
    assert tuple(lt.broadcast_shapes(2, (3, 1))) == tuple(torch.broadcast_shapes(2, (3, 1)))
    _errors(lambda lib: lib.broadcast_shapes((2,), (3,)),
            lambda lib: lib.broadcast_shapes((2, 1), (1, 4), (3, 1)),
            lambda lib: lib.broadcast_tensors(lib.tensor([1, 2]), lib.tensor([1, 2, 3])))


# -- grids -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("sizes", [(2, 3), (4,), (2, 0, 3), (1, 2, 3), ((), 3)])
@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid(sizes, indexing):
    arrays = [_values(s) for s in sizes]
    check_op(lambda *t: lt.meshgrid(*t, indexing=indexing),
             lambda *t: torch.meshgrid(*t, indexing=indexing), *arrays)
    check_op(lambda *t: lt.meshgrid(list(t), indexing=indexing),
             lambda *t: torch.meshgrid(list(t), indexing=indexing), *arrays)


def test_meshgrid_warns_without_indexing_and_errors():
    with pytest.warns(UserWarning, match="it will be required to pass the indexing argument"):
        got = lt.meshgrid(lt.tensor([1, 2]), lt.tensor([3, 4, 5]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]))
    assert_same(got, expected)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lt.meshgrid(lt.tensor([1]), indexing="ij")
    _errors(lambda lib: lib.meshgrid(lib.tensor([1]), indexing="q"))


@pytest.mark.parametrize("sizes", [(2, 3), (4,), (2, 0), (1, 2, 3)])
@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_cartesian_prod(sizes, dtype):
    arrays = [_values(s, dtype) for s in sizes]
    check_op(lambda *t: lt.cartesian_prod(*t), lambda *t: torch.cartesian_prod(*t), *arrays)
    if dtype == "float64" and len(sizes) > 1:
        _gradcheck(lambda *t: lt.cartesian_prod(*t), *arrays)
    _errors(lambda lib: lib.cartesian_prod(lib.tensor([[1]])))


@pytest.mark.parametrize("n", [0, 1, 3, 5])
@pytest.mark.parametrize("r", [0, 1, 2, 3, 6])
@pytest.mark.parametrize("with_replacement", [False, True])
def test_combinations(n, r, with_replacement):
    x = _values((n,))
    check_op(lambda t: lt.combinations(t, r, with_replacement),
             lambda t: torch.combinations(t, r, with_replacement), x)
    if n and r and r <= 3:
        _gradcheck(lambda t: lt.combinations(t, r, with_replacement), x)


def test_combinations_errors():
    _errors(lambda lib: lib.combinations(lib.tensor([[1]])),
            lambda lib: lib.combinations(lib.tensor([1]), -1))


# -- triangles, blocks, diagonals ---------------------------------------------------------------
@pytest.mark.parametrize("row, col", [(3, 4), (4, 3), (0, 3), (1, 1), (5, 5)])
@pytest.mark.parametrize("offset", [0, 1, -2, 7, -7])
def test_tril_triu_indices(row, col, offset):
    assert_same(lt.tril_indices(row, col, offset), torch.tril_indices(row, col, offset))
    assert_same(lt.triu_indices(row, col, offset, dtype=lt.int32),
                torch.triu_indices(row, col, offset, dtype=torch.int32))
    _errors(lambda lib: lib.tril_indices(-1, 2), lambda lib: lib.triu_indices(2, -3))


@pytest.mark.parametrize("shapes", [[(2, 3), (), (4,), (0, 2)], [(1, 1)], [(3, 2), (2, 3)]])
def test_block_diag(shapes):
    arrays = [_values(s) for s in shapes]
    check_op(lambda *t: lt.block_diag(*t), lambda *t: torch.block_diag(*t), *arrays)
    _gradcheck(lambda *t: lt.block_diag(*t), *arrays)
    a, b = both(_values((2, 2), "int64"))
    assert_same(lt.block_diag(a, lt.tensor([1.5])), torch.block_diag(b, torch.tensor([1.5])))
    _errors(lambda lib: lib.block_diag(lib.tensor([[[1]]])))


@pytest.mark.parametrize("shape", [(3,), (2, 2), (0,), (), (2, 1, 3)])
@pytest.mark.parametrize("offset", [0, 1, -2])
def test_diagflat(shape, offset):
    x = _values(shape)
    check_op(lambda t: lt.diagflat(t, offset), lambda t: torch.diagflat(t, offset), x)
    check_op(lambda t: t.diagflat(offset), lambda t: t.diagflat(offset), x)
    if x.size:
        _gradcheck(lambda t: lt.diagflat(t, offset), x)


@pytest.mark.parametrize("n, N", [(4, None), (3, 5), (3, 1), (3, 0), (0, None), (2, 2)])
@pytest.mark.parametrize("increasing", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "int64", "int32", "bool"])
def test_vander(n, N, increasing, dtype):
    x = _values((n,), dtype)
    # torch's own vander backward fails (it overwrites a saved cumprod in place): values only
    check_op(lambda t: lt.vander(t, N, increasing), lambda t: torch.vander(t, N, increasing), x,
             grad=False)
    if dtype == "float64" and n:
        _gradcheck(lambda t: lt.vander(t, N, increasing), x)


def test_vander_errors():
    _errors(lambda lib: lib.vander(lib.tensor([[1]])), lambda lib: lib.vander(lib.tensor([1]), -1))


@pytest.mark.parametrize("shape, dims", [((2, 3), (0, 1)), ((2, 3, 4), (2, 0)), ((3, 2), (-1, -2)),
                                         ((0, 2), (0, 1))])
@pytest.mark.parametrize("k", [-3, -1, 0, 1, 2, 3, 4, 6])
def test_rot90(shape, dims, k):
    x = _values(shape)
    check_op(lambda t: lt.rot90(t, k, dims), lambda t: torch.rot90(t, k, dims), x)
    check_op(lambda t: t.rot90(k, dims), lambda t: t.rot90(k, dims), x)
    if k == 1 and x.size:
        _gradcheck(lambda t: lt.rot90(t, k, dims), x)


def test_rot90_errors():
    _errors(lambda lib: lib.rot90(lib.tensor([1, 2]), 1),
            lambda lib: lib.rot90(lib.tensor([[1]]), 1, [0, 0]),
            lambda lib: lib.rot90(lib.tensor([[1]]), 1, [0]))


# -- finding elements ---------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 0), (), (2, 2, 3)])
@pytest.mark.parametrize("dtype", ["float64", "int64", "bool"])
def test_argwhere_nonzero_static(shape, dtype):
    x = _values(shape, dtype)
    if dtype != "bool":
        x = np.where(np.asarray(RNG.random(shape)) < 0.5, 0, x).astype(dtype)
    a, b = both(x)
    assert_same(lt.argwhere(a), torch.argwhere(b))
    assert_same(a.argwhere(), b.argwhere())
    for size in (0, 2, 30):
        assert_same(lt.nonzero_static(a, size=size), torch.nonzero_static(b, size=size))
        assert_same(a.nonzero_static(size=size, fill_value=-7),
                    b.nonzero_static(size=size, fill_value=-7))
    _errors(lambda lib: lib.nonzero_static(lib.tensor([1]), size=-1))


@pytest.mark.parametrize("dtypes", [("int64", "int64"), ("float64", "int64"), ("int32", "float64")])
@pytest.mark.parametrize("invert", [False, True])
def test_isin(dtypes, invert):
    a, b = _values((3, 4), dtypes[0]), _values((5,), dtypes[1])
    check_op(lambda x, y: lt.isin(x, y, invert=invert), lambda x, y: torch.isin(x, y, invert=invert),
             a, b, grad=False)
    check_op(lambda x: lt.isin(x, 2, invert=invert), lambda x: torch.isin(x, 2, invert=invert), a,
             grad=False)
    _errors(lambda lib: lib.isin(lib.tensor([True]), lib.tensor([False])))
    check_op(lambda y: lt.isin(1, y), lambda y: torch.isin(1, y), b, grad=False)
    check_op(lambda x, y: lt.isin(x, y, assume_unique=True),
             lambda x, y: torch.isin(x, y, assume_unique=True), np.arange(5), np.array([1, 7, 3]),
             grad=False)


@pytest.mark.parametrize("shape", [(2, 4), (4,), (3, 1, 5), (7,), [2, 3]])
@pytest.mark.parametrize("index_shape", [(6,), (), (2, 3)])
def test_unravel_index(shape, index_shape):
    n = int(np.prod(shape))
    idx = np.asarray(RNG.integers(0, n, index_shape))
    a, b = both(idx)
    assert_same(lt.unravel_index(a, shape), torch.unravel_index(b, shape))
    big = np.asarray([n + 3, 2 * n])  # torch wraps around instead of raising
    assert_same(lt.unravel_index(lt.tensor(big), shape), torch.unravel_index(torch.tensor(big), shape))
    _errors(lambda lib: lib.unravel_index(lib.tensor([1.0]), (2, 4)),
            lambda lib: lib.unravel_index(lib.tensor([1]), (-2, 4)))


# -- index_put, index_copy ----------------------------------------------------------------------
@pytest.mark.parametrize("case", ["rows", "pairs", "bool", "broadcast", "dup"])
@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put(case, accumulate):
    x = _values((4, 3))
    idx = {"rows": (np.array([0, 2]),), "pairs": (np.array([0, 3, 1]), np.array([2, 0, 1])),
           "bool": (np.array([True, False, True, True]),), "broadcast": (np.array([[0], [3]]),
                                                                       np.array([1, 2])),
           "dup": (np.array([1, 1, 1]), np.array([0, 0, 2]))}[case]
    if case == "dup" and not accumulate:
        return  # which duplicate wins is unspecified in torch
    v_shape = {"rows": (2, 3), "pairs": (3,), "bool": (3,), "broadcast": (1,), "dup": (3,)}[case]
    v = _values(v_shape)

    def call(lib):
        def f(t, values):
            index = tuple(lib.tensor(i) for i in idx)
            return lib.index_put(t, index, values, accumulate)
        return f
    check_op(call(lt), call(torch), x, v)
    _gradcheck(call(lt), x, v)
    a, b = both(x)
    va, vb = both(v)
    a.index_put_(tuple(lt.tensor(i) for i in idx), va, accumulate)
    b.index_put_(tuple(torch.tensor(i) for i in idx), vb, accumulate)
    assert_same(a, b)
    assert_same(lt.tensor(x).index_put([lt.tensor([0])], lt.tensor(1.0, dtype=lt.float64)),
                torch.tensor(x).index_put([torch.tensor([0])], torch.tensor(1.0, dtype=torch.float64)))


def test_index_put_errors():
    x = lambda lib: lib.zeros(3, 4)  # noqa: E731
    _errors(lambda lib: lib.index_put(x(lib), (lib.tensor([0]),), lib.ones(4, dtype=lib.float64)),
            lambda lib: lib.index_put(x(lib), (lib.tensor([5]),), lib.ones(4)),
            lambda lib: lib.index_put(x(lib), (lib.tensor([0.0]),), lib.ones(4)),
            lambda lib: lib.index_put(x(lib), (None, lib.tensor([0])), lib.ones(3)))


@pytest.mark.parametrize("shape, dim, index", [((5, 3), 0, [4, 0, 2]), ((2, 5), 1, [1, 3]),
                                               ((3, 4, 2), -2, [3, 0]), ((4,), 0, [2]),
                                               ((4,), 0, []), ((), 0, [0])])
@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_index_copy(shape, dim, index, dtype):
    x = _values(shape, dtype)
    src_shape = list(shape) if shape else []
    if shape:
        src_shape[dim] = len(index)
    src = _values(tuple(src_shape), dtype)
    idx = np.array(index, dtype=np.int64).reshape(-1 if shape else ())

    def call(lib):
        return lambda t, s: lib.index_copy(t, dim, lib.tensor(idx), s)
    check_op(call(lt), call(torch), x, src)
    check_op(lambda t, s: t.index_copy(dim, lt.tensor(idx), s),
             lambda t, s: t.index_copy(dim, torch.tensor(idx), s), x, src)
    a, b = both(x)
    a.index_copy_(dim, lt.tensor(idx), lt.tensor(src))
    b.index_copy_(dim, torch.tensor(idx), torch.tensor(src))
    assert_same(a, b)
    if dtype == "float64":
        _gradcheck(call(lt), x, src)


def test_index_copy_errors():
    x = lambda lib: lib.zeros(3, 4)  # noqa: E731
    T = lambda lib, v, **k: lib.tensor(v, **k)  # noqa: E731
    _errors(lambda lib: lib.index_copy(x(lib), 0, T(lib, [0], dtype=lib.int32), lib.ones(1, 4)),
            lambda lib: lib.index_copy(x(lib), 0, T(lib, [0]), lib.ones(1, 4, dtype=lib.float64)),
            lambda lib: lib.index_copy(x(lib), 0, T(lib, [0, 1]), lib.ones(1, 4)),
            lambda lib: lib.index_copy(x(lib), 0, T(lib, [5]), lib.ones(1, 4)),
            lambda lib: lib.index_copy(x(lib), 0, T(lib, [[0]]), lib.ones(1, 4)),
            lambda lib: lib.index_copy(x(lib), 0, T(lib, [0]), lib.ones(1, 3)))


# -- index_reduce, scatter_reduce -------------------------------------------------------------
def _reduce_inputs(dtype, zeros):
    x = _values((4, 3), dtype)
    src = _values((5, 3), dtype)
    if zeros:
        x[0, 0] = 0
        src[1, 1] = src[3, 2] = 0
    return x, src


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_index_reduce(reduce, include_self, dtype):
    x, src = _reduce_inputs(dtype, zeros=True)
    idx = np.array([0, 2, 0, 3, 0])

    def call(lib):
        return lambda t, s: lib.index_reduce(t, 0, lib.tensor(idx), s, reduce,
                                             include_self=include_self)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_op(call(lt), call(torch), x, src)
        check_op(lambda t, s: t.index_reduce(1, lt.tensor([2, 0, 2]), s, reduce,
                                             include_self=include_self),
                 lambda t, s: t.index_reduce(1, torch.tensor([2, 0, 2]), s, reduce,
                                             include_self=include_self), x, x[:, :3].copy())
        a, b = both(x)
        a.index_reduce_(0, lt.tensor(idx), lt.tensor(src), reduce, include_self=include_self)
        b.index_reduce_(0, torch.tensor(idx), torch.tensor(src), reduce, include_self=include_self)
        assert_same(a, b)
        if dtype == "float64":
            xs, ss = _reduce_inputs(dtype, zeros=False)  # distinct values: no ties
            _gradcheck(call(lt), xs, ss)


def test_index_reduce_warns_and_errors():
    with pytest.warns(UserWarning, match="index_reduce\\(\\) is in beta"):
        lt.index_reduce(lt.zeros(2), 0, lt.tensor([0]), lt.ones(1), "prod")
    x = lambda lib: lib.zeros(3, 4)  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _errors(lambda lib: lib.index_reduce(x(lib), 0, lib.tensor([0]), lib.ones(1, 4), "sum"),
                lambda lib: lib.index_reduce(x(lib), 0, lib.tensor([0.0]), lib.ones(1, 4), "prod"),
                lambda lib: lib.index_reduce(x(lib), 0, lib.tensor([5]), lib.ones(1, 4), "prod"),
                lambda lib: lib.index_reduce(x(lib), 0, lib.tensor([0]),
                                             lib.ones(1, 4, dtype=lib.float64), "prod"))


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("dtype", ["float64", "int64"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_scatter_reduce(reduce, include_self, dtype, dim):
    x, big_src = _reduce_inputs(dtype, zeros=True)
    src = np.ascontiguousarray(big_src[:3, :2])
    size = x.shape[dim]
    idx = RNG.integers(0, size, (3, 2))

    def call(lib):
        return lambda t, s: lib.scatter_reduce(t, dim, lib.tensor(idx), s, reduce,
                                               include_self=include_self)
    check_op(call(lt), call(torch), x, src)
    # src larger than index: its other entries are unused (torch's backward fails here: values)
    check_op(call(lt), call(torch), x, big_src, grad=False)
    check_op(lambda t, s: t.scatter_reduce(dim, lt.tensor(idx), s, reduce, include_self=include_self),
             lambda t, s: t.scatter_reduce(dim, torch.tensor(idx), s, reduce,
                                           include_self=include_self), x, src)
    a, b = both(x)
    a.scatter_reduce_(dim, lt.tensor(idx), lt.tensor(src), reduce, include_self=include_self)
    b.scatter_reduce_(dim, torch.tensor(idx), torch.tensor(src), reduce, include_self=include_self)
    assert_same(a, b)
    if dtype == "float64":
        xs, ss = _reduce_inputs(dtype, zeros=False)
        _gradcheck(call(lt), xs, ss)


def test_scatter_reduce_errors():
    x = lambda lib: lib.zeros(3, 4)  # noqa: E731
    _errors(lambda lib: lib.scatter_reduce(x(lib), 0, lib.tensor([[0]]), lib.ones(1, 1), "foo"),
            lambda lib: lib.scatter_reduce(x(lib), 0, lib.tensor([[5]]), lib.ones(1, 1), "sum"),
            lambda lib: lib.scatter_reduce(x(lib), 0, lib.tensor([[0]]),
                                           lib.ones(1, 1, dtype=lib.float64), "sum"))


# -- *_scatter, masked_scatter, fill_diagonal_ ------------------------------------------------------
@pytest.mark.parametrize("shape, offset, dim1, dim2", [((3, 4), 0, 0, 1), ((3, 4), 1, 0, 1),
                                                       ((4, 3), -2, 1, 0), ((2, 3, 4), 1, 2, 0),
                                                       ((3, 3), 5, 0, 1)])
def test_diagonal_scatter(shape, offset, dim1, dim2):
    x = _values(shape)
    src = np.ascontiguousarray(torch.from_numpy(x).diagonal(offset, dim1, dim2).numpy() * 0 +
                               _values(torch.from_numpy(x).diagonal(offset, dim1, dim2).shape))
    check_op(lambda t, s: lt.diagonal_scatter(t, s, offset, dim1, dim2),
             lambda t, s: torch.diagonal_scatter(t, s, offset, dim1, dim2), x, src)
    check_op(lambda t, s: t.diagonal_scatter(s, offset, dim1, dim2),
             lambda t, s: t.diagonal_scatter(s, offset, dim1, dim2), x, src)
    _gradcheck(lambda t, s: lt.diagonal_scatter(t, s, offset, dim1, dim2), x, src)


@pytest.mark.parametrize("shape, dim, index", [((3, 4), 0, 1), ((3, 4), 1, -1), ((2, 3, 4), -2, 2),
                                               ((5,), 0, 3)])
def test_select_scatter(shape, dim, index):
    x = _values(shape)
    src = _values(tuple(s for k, s in enumerate(shape) if k != dim % len(shape)))
    check_op(lambda t, s: lt.select_scatter(t, s, dim, index),
             lambda t, s: torch.select_scatter(t, s, dim, index), x, src)
    check_op(lambda t, s: t.select_scatter(s, dim, index),
             lambda t, s: t.select_scatter(s, dim, index), x, src)
    _gradcheck(lambda t, s: lt.select_scatter(t, s, dim, index), x, src)


@pytest.mark.parametrize("shape, dim, start, end, step", [((6, 3), 0, 1, 5, 2), ((3, 6), 1, None, None, 3),
                                                          ((4, 5), -1, -3, None, 1), ((4,), 0, 0, 0, 1),
                                                          ((4, 5), 0, 2, 100, 1)])
def test_slice_scatter(shape, dim, start, end, step):
    x = _values(shape)
    src_shape = torch.from_numpy(x).narrow(0, 0, shape[0])[
        (slice(None),) * (dim % len(shape)) + (slice(start, end, step),)].shape
    src = _values(tuple(src_shape))
    check_op(lambda t, s: lt.slice_scatter(t, s, dim, start, end, step),
             lambda t, s: torch.slice_scatter(t, s, dim, start, end, step), x, src)
    check_op(lambda t, s: t.slice_scatter(s, dim, start, end, step),
             lambda t, s: t.slice_scatter(s, dim, start, end, step), x, src)
    _gradcheck(lambda t, s: lt.slice_scatter(t, s, dim, start, end, step), x, src)


@pytest.mark.parametrize("size, stride, offset", [((2, 2), (1, 2), 1), ((3,), (4,), None),
                                                  ((2, 3), (3, 1), 6), ((0, 2), (1, 1), 0)])
def test_as_strided_scatter(size, stride, offset):
    x = _values((3, 4))
    src = _values(size)
    # torch's input gradient here is wrong (it fails torch's own gradcheck): values, then
    # src's gradient against torch, and gradcheck for both
    check_op(lambda t, s: lt.as_strided_scatter(t, s, size, stride, offset),
             lambda t, s: torch.as_strided_scatter(t, s, size, stride, offset), x, src, grad=False)
    check_op(lambda s: lt.as_strided_scatter(lt.tensor(x), s, size, stride, offset),
             lambda s: torch.as_strided_scatter(torch.tensor(x), s, size, stride, offset), src)
    check_op(lambda t, s: t.as_strided_scatter(s, size, stride, offset),
             lambda t, s: t.as_strided_scatter(s, size, stride, offset), x, src, grad=False)
    _gradcheck(lambda t, s: lt.as_strided_scatter(t, s, size, stride, offset), x, src)


def test_scatter_family_errors():
    x = lambda lib: lib.zeros(3, 4)  # noqa: E731
    _errors(lambda lib: lib.diagonal_scatter(x(lib), lib.ones(2)),
            lambda lib: lib.select_scatter(x(lib), lib.ones(3), 0, 0),
            lambda lib: lib.slice_scatter(x(lib), lib.ones(3, 3), 1, 0, 2),
            lambda lib: lib.select_scatter(x(lib), lib.ones(4), 0, 5),
            lambda lib: lib.as_strided_scatter(x(lib), lib.ones(2, 3), (2, 2), (1, 1)))
    assert_same(lt.diagonal_scatter(lt.zeros(3, 4), lt.ones(3, dtype=lt.float64)),
                torch.diagonal_scatter(torch.zeros(3, 4), torch.ones(3, dtype=torch.float64)))


@pytest.mark.parametrize("x_shape, mask_shape", [((3, 4), (3, 4)), ((3, 4), (4,)), ((4,), (3, 4)),
                                                 ((2, 0), (2, 0))])
@pytest.mark.parametrize("extra", [0, 3])
def test_masked_scatter(x_shape, mask_shape, extra):
    x = _values(x_shape)
    mask = np.asarray(RNG.random(mask_shape) < 0.5)
    n = int(np.broadcast_to(mask, np.broadcast_shapes(x_shape, mask_shape)).sum())
    src = _values((n + extra,))
    check_op(lambda t, m, s: lt.masked_scatter(t, m, s), lambda t, m, s: torch.masked_scatter(t, m, s),
             x, mask, src)
    _gradcheck(lambda t, s: lt.masked_scatter(t, lt.tensor(mask), s), x, src)
    if np.broadcast_shapes(x_shape, mask_shape) == x_shape:
        a, b = both(x)
        a.masked_scatter_(lt.tensor(mask), lt.tensor(src))
        b.masked_scatter_(torch.tensor(mask), torch.tensor(src))
        assert_same(a, b)


def test_masked_scatter_errors():
    x = lambda lib: lib.zeros(3, 4)  # noqa: E731
    _errors(lambda lib: lib.masked_scatter(x(lib), lib.tensor([True]), lib.ones(2)),
            lambda lib: lib.masked_scatter(x(lib), lib.tensor([1]), lib.ones(12)),
            lambda lib: lib.masked_scatter(x(lib), lib.tensor([True]), lib.ones(12, dtype=lib.float64)))


@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (3, 5), (7, 2), (3, 3, 3), (2, 2, 2, 2)])
@pytest.mark.parametrize("wrap", [False, True])
def test_fill_diagonal_(shape, wrap):
    a, b = both(_values(shape))
    assert a.fill_diagonal_(2.5, wrap) is a
    b.fill_diagonal_(2.5, wrap)
    assert_same(a, b)
    leaf_a, leaf_b = both(_values(shape))
    leaf_a.requires_grad_(), leaf_b.requires_grad_()
    ya, yb = (leaf_a * 2).fill_diagonal_(0.0, wrap), (leaf_b * 2).fill_diagonal_(0.0, wrap)
    (ya * ya).sum().backward(), (yb * yb).sum().backward()
    assert_same(leaf_a.grad, leaf_b.grad)


def test_fill_diagonal_errors():
    _errors(lambda lib: lib.zeros(2, 3, 4).fill_diagonal_(1), lambda lib: lib.zeros(3).fill_diagonal_(1))


# -- strided views ----------------------------------------------------------------------------------
@pytest.mark.parametrize("size, stride, offset", [((2, 2), (1, 2), 1), ((3,), (4,), None),
                                                  ((2, 3), (3, 1), 6), ((4, 3), (1, 1), 0),
                                                  ((2, 2, 2), (6, 1, 3), 1)])
def test_as_strided(size, stride, offset):
    x = _values((3, 4))
    check_op(lambda t: lt.as_strided(t, size, stride, offset),
             lambda t: torch.as_strided(t, size, stride, offset), x)
    check_op(lambda t: t.as_strided(size, stride, offset), lambda t: t.as_strided(size, stride, offset),
             x)
    a, b = both(x)
    va, vb = a.as_strided(size, stride, offset), b.as_strided(size, stride, offset)
    assert va.stride() == vb.stride() and va.storage_offset() == vb.storage_offset()
    if size != (4, 3):  # (an overlapping window: torch adds once per alias there)
        va.add_(1), vb.add_(1)  # a view: the write lands in the base
        assert_same(a, b)
    _gradcheck(lambda t: lt.as_strided(t * 1, size, stride, offset), x)
    check_op(lambda t: lt.as_strided_copy(t, size, stride, offset),
             lambda t: torch.as_strided_copy(t, size, stride, offset), x)
    assert lt.as_strided_copy(lt.tensor(x), size, stride, offset).is_contiguous()


def test_as_strided_of_a_view_inplace_and_errors():
    x = _values((4, 5))
    a, b = both(x)
    va, vb = a[1:, 2:], b[1:, 2:]
    assert_same(va.as_strided((2, 2), (5, 1)), vb.as_strided((2, 2), (5, 1)))  # offset kept
    assert_same(va.as_strided((2, 2), (5, 1), 0), vb.as_strided((2, 2), (5, 1), 0))
    ca, cb = a.clone(), b.clone()
    assert ca.as_strided_((2, 3), (1, 2), 1) is ca
    cb.as_strided_((2, 3), (1, 2), 1)
    assert_same(ca, cb)
    assert ca.stride() == cb.stride()
    _errors(lambda lib: lib.as_strided(lib.zeros(2, 3), (4, 3), (3, 1)),
            lambda lib: lib.as_strided(lib.zeros(2, 3), (2, 2), (1, 1), 20))


def test_slice_inverse_empty_strided():
    a, b = both(np.arange(12.0).reshape(4, 3))
    assert_same(lt.slice_inverse(a[1:3], a, 0, 1, 3), torch.slice_inverse(b[1:3], b, 0, 1, 3))
    assert_same(a[1:3].slice_inverse(a, 0, 1, 3), b[1:3].slice_inverse(b, 0, 1, 3))
    for size, stride in (((2, 3), (1, 2)), ((3, 4), (4, 1)), ((0, 3), (3, 1))):
        ea, eb = lt.empty_strided(size, stride), torch.empty_strided(size, stride)
        assert ea.shape == eb.shape and ea.stride() == eb.stride() and str(ea.dtype) == str(eb.dtype)
        na = lt.zeros(1, dtype=lt.float64).new_empty_strided(size, stride)
        nb = torch.zeros(1, dtype=torch.float64).new_empty_strided(size, stride)
        assert na.stride() == nb.stride() and str(na.dtype) == str(nb.dtype)
    assert lt.empty_strided((2,), (1,), dtype=lt.int32, requires_grad=False).dtype is lt.int32
    assert lt.empty_strided((2,), (1,), requires_grad=True).requires_grad


# -- copies of view ops ------------------------------------------------------------------------------
COPIES = [
    ("alias_copy", (), {}), ("detach_copy", (), {}), ("diagonal_copy", (1, 0, 2), {}),
    ("expand_copy", ((2, 3, 4, 5),), {}), ("narrow_copy", (2, 1, 2), {}),
    ("permute_copy", ((2, 0, 1),), {}), ("select_copy", (1, -1), {}),
    ("slice_copy", (2, 1, None, 2), {}), ("split_copy", (2, 2), {}),
    ("split_with_sizes_copy", ([1, 3], 2), {}), ("squeeze_copy", (), {}),
    ("squeeze_copy", (1,), {}), ("transpose_copy", (0, 2), {}), ("unbind_copy", (1,), {}),
    ("unfold_copy", (2, 2, 1), {}), ("unsqueeze_copy", (-1,), {}), ("view_copy", ((3, 8),), {}),
]


@pytest.mark.parametrize("name, args, kwargs", COPIES)
def test_view_copies(name, args, kwargs):
    x = _values((3, 1, 4, 2) if name == "squeeze_copy" else (3, 4, 5) if name == "expand_copy"
                else (3, 2, 4))
    if name == "expand_copy":
        x = x[:1].reshape(1, 4, 5)[None].copy().reshape(1, 1, 4, 5)[0]
        x = np.ascontiguousarray(x)  # (1, 4, 5) -> (2, 3, 4, 5)
    if name == "view_copy":
        x = _values((4, 6))
    # torch's detach_copy claims requires_grad but has no derivative ("not implemented")
    got, expected = check_op(lambda t: getattr(lt, name)(t, *args, **kwargs),
                             lambda t: getattr(torch, name)(t, *args, **kwargs), x,
                             grad=name != "detach_copy")
    for g in (got if isinstance(got, tuple) else (got,)):
        assert g.is_contiguous()
        assert g._array.base is None or g._array.base is not lt.tensor(x)._array
    a = lt.tensor(x)
    result = getattr(lt, name)(a, *args, **kwargs)
    first = result[0] if isinstance(result, tuple) else result
    if first.numel():
        first.view(-1)[0] = 123.0
        assert float(a.view(-1)[0]) != 123.0 or float(x.reshape(-1)[0]) == 123.0  # no aliasing


def test_t_copy_narrow_copy_method_and_out():
    x = _values((3, 4))
    check_op(lambda t: lt.t_copy(t), lambda t: torch.t_copy(t), x)
    check_op(lambda t: t.narrow_copy(1, 1, 2), lambda t: t.narrow_copy(1, 1, 2), x)
    out_a, out_b = lt.empty(0, dtype=lt.float64), torch.empty(0, dtype=torch.float64)
    lt.transpose_copy(lt.tensor(x), 0, 1, out=out_a), torch.transpose_copy(torch.tensor(x), 0, 1,
                                                                             out=out_b)
    assert_same(out_a, out_b)


@pytest.mark.parametrize("name, args", [("unsafe_chunk", (3, 1)), ("unsafe_split", (2, 0)),
                                        ("unsafe_split_with_sizes", ([2, 3], 1))])
def test_unsafe_splits(name, args):
    x = _values((3, 5))
    check_op(lambda t: getattr(lt, name)(t, *args), lambda t: getattr(torch, name)(t, *args), x)
    check_op(lambda t: getattr(t, name)(*args), lambda t: getattr(t, name)(*args), x)
    _errors(lambda lib: lib.unsafe_split(lib.zeros(3), [1, 2]))


# -- segment_reduce ----------------------------------------------------------------------------------
@pytest.mark.parametrize("reduce", ["sum", "mean", "max", "min", "prod"])
@pytest.mark.parametrize("initial", [None, 2.0])
@pytest.mark.parametrize("how", ["lengths", "offsets", "axis1"])
def test_segment_reduce(reduce, initial, how):
    if how == "axis1":
        data, lengths = _values((2, 6, 3)), np.array([[2, 0, 4], [1, 5, 0]])
        kw_lt, kw_th = {"lengths": lt.tensor(lengths), "axis": 1}, {"lengths": torch.tensor(lengths),
                                                                     "axis": 1}
    else:
        data, lengths = _values((7, 2)), np.array([3, 0, 1, 3])
        if how == "lengths":
            kw_lt, kw_th = {"lengths": lt.tensor(lengths)}, {"lengths": torch.tensor(lengths)}
        else:
            offsets = np.concatenate([[0], np.cumsum(lengths)])
            kw_lt, kw_th = {"offsets": lt.tensor(offsets)}, {"offsets": torch.tensor(offsets)}
    check_op(lambda t: lt.segment_reduce(t, reduce, initial=initial, **kw_lt),
             lambda t: torch.segment_reduce(t, reduce, initial=initial, **kw_th), data,
             grad=how != "axis1" and not (initial is not None and reduce in ("max", "min")))
    if initial is None and how != "axis1":  # (no empty segment: a NaN mean has no derivative)
        _gradcheck(lambda t: lt.segment_reduce(t, reduce, lengths=lt.tensor([3, 1, 3])), data)


def test_segment_reduce_zeros_and_errors():
    x = np.array([1.0, 3, 3, 2, 0, 5, 0, 0, 4])
    check_op(lambda t: lt.segment_reduce(t, "prod", lengths=lt.tensor([3, 3, 3])),
             lambda t: torch.segment_reduce(t, "prod", lengths=torch.tensor([3, 3, 3])), x)
    d = lambda lib: lib.arange(6.0)  # noqa: E731
    _errors(lambda lib: lib.segment_reduce(d(lib), "max", lengths=lib.tensor([2, 0, 3])),
            lambda lib: lib.segment_reduce(d(lib), "foo", lengths=lib.tensor([2, 4])),
            lambda lib: lib.segment_reduce(d(lib), "sum"),
            lambda lib: lib.segment_reduce(d(lib), "sum", indices=lib.tensor([0])),
            lambda lib: lib.segment_reduce(d(lib), "sum", lengths=lib.tensor([-1, 7])),
            lambda lib: lib.segment_reduce(lib.arange(6), "sum", lengths=lib.tensor([2, 4])),
            lambda lib: lib.segment_reduce(d(lib), "sum", lengths=lib.tensor([2.0, 4])))


# -- second derivatives: the backward formulas are tensor ops ------------------------------------
@pytest.mark.parametrize("name, fn, shapes", [
    ("index_put", lambda x, v: lt.index_put(x, (lt.tensor([0, 2, 0]),), v, True), [(3, 2), (3, 2)]),
    ("index_copy", lambda x, s: lt.index_copy(x, 0, lt.tensor([2, 0]), s), [(3, 2), (2, 2)]),
    ("index_reduce", lambda x, s: lt.index_reduce(x, 0, lt.tensor([2, 0, 2]), s, "prod"),
     [(3, 2), (3, 2)]),
    ("scatter_reduce", lambda x, s: lt.scatter_reduce(x, 1, lt.tensor([[0, 0], [1, 0]]), s, "mean",
                                                      include_self=False), [(2, 3), (2, 2)]),
    ("diagonal_scatter", lambda x, s: lt.diagonal_scatter(x, s, 1), [(3, 4), (3,)]),
    ("masked_scatter", lambda x, s: lt.masked_scatter(x, lt.tensor([True, False, True]), s),
     [(2, 3), (5,)]),
    ("as_strided", lambda x: lt.as_strided(x * x, (2, 2), (1, 2), 1), [(3, 4)]),
    ("combinations", lambda x: lt.combinations(x * x, 2), [(4,)]),
    ("block_diag", lambda a, b: lt.block_diag(a * a, b), [(2, 2), (1, 3)]),
    ("vander", lambda x: lt.vander(x, 4), [(3,)]),
    ("segment_reduce", lambda x: lt.segment_reduce(x * x, "max", lengths=lt.tensor([2, 3])), [(5,)]),
])
def test_double_backward(name, fn, shapes):
    inputs = [lt.tensor(_values(s), requires_grad=True) for s in shapes]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert lt.autograd.gradgradcheck(fn, inputs), name
