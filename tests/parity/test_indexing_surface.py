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
