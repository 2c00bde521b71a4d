"""Parity with torch: counting and searching (bincount, histc, histogram, histogramdd,
bucketize, searchsorted) and statistics (quantile, nanmedian, cov, diff, trapezoid …)."""
import numpy as np
import pytest
import torch

import learntorch as lt
from learntorch.autograd import gradcheck
from tests.parity.helpers import assert_same, check_op, check_raises

RNG = np.random.default_rng(14)


def both(array):
    return lt.tensor(array), torch.from_numpy(np.array(array))


# -- bincount ----------------------------------------------------------------------------------
@pytest.mark.parametrize("n, minlength", [(0, 0), (0, 3), (20, 0), (20, 30)])
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8"])
def test_bincount_counts(n, minlength, dtype):
    x = RNG.integers(0, 10, n).astype(dtype)
    a, b = both(x)
    assert_same(lt.bincount(a, minlength=minlength), torch.bincount(b, minlength=minlength))
    assert_same(a.bincount(), b.bincount())


@pytest.mark.parametrize("wdtype", ["float32", "float64", "int64"])
def test_bincount_weights(wdtype):
    x, w = RNG.integers(0, 6, 15), RNG.uniform(-2, 2, 15).astype(wdtype)
    assert_same(lt.bincount(lt.tensor(x), lt.tensor(w), 8),
                torch.bincount(torch.from_numpy(x), torch.from_numpy(w), 8))


@pytest.mark.parametrize("x, kwargs", [
    ([-1, 2], {}), ([[1]], {}), ([1.0], {}), ([True], {}), ([1], {"minlength": -1}),
    ([1, 2], {"weights": [1.0]}),
])
def test_bincount_errors(x, kwargs):
    def call(lib):
        kw = dict(kwargs)
        if "weights" in kw:
            kw["weights"] = lib.tensor(kw["weights"])
        return lambda: lib.bincount(lib.tensor(x), **kw)
    check_raises(call(lt), call(torch))


# -- histc, histogram, histogramdd ------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("bins, lo, hi", [(10, 0, 0), (7, -1, 1), (3, 0.5, 0.5), (100, -3, 2)])
def test_histc(dtype, bins, lo, hi):
    x = RNG.normal(size=(4, 50)).astype(dtype)
    x[0, :5] = [lo, hi, -1, 1, 0]  # values on edges
    a, b = both(x)
    assert_same(lt.histc(a, bins, lo, hi), torch.histc(b, bins, lo, hi))
    assert_same(a.histc(bins=bins, min=lo, max=hi), b.histc(bins=bins, min=lo, max=hi))


def test_histc_edge_cases_and_out():
    for x in ([], [2.0, 2.0], [1.0]):
        a, b = both(np.array(x, np.float32))
        assert_same(lt.histc(a, 4), torch.histc(b, 4))
    a, b = both(np.arange(12, dtype=np.float32))
    out_a, out_b = lt.empty(0), torch.empty(0)
    lt.histc(a, 5, out=out_a), torch.histc(b, 5, out=out_b)
    assert_same(out_a, out_b)


@pytest.mark.parametrize("call", [
    lambda lib: lib.histc(lib.tensor([1, 2]), 3),
    lambda lib: lib.histc(lib.tensor([1.0]), bins=-1),
    lambda lib: lib.histc(lib.tensor([1.0]), min=3, max=2),
    lambda lib: lib.histc(lib.tensor([1.0, float("inf")])),
    lambda lib: lib.histogram(lib.tensor([1, 2]), 3),
    lambda lib: lib.histogram(lib.tensor([1.0]), 3, range=(2.0, 1.0)),
    lambda lib: lib.histogram(lib.tensor([1.0]), 3, range=(1.0, 2.0, 3.0)),
    lambda lib: lib.histogram(lib.tensor([1.0]), 3, weight=lib.tensor([1.0, 2.0])),
    lambda lib: lib.histogram(lib.tensor([1.0]), 3, weight=lib.tensor([1.0], dtype=lib.float64)),
    lambda lib: lib.histogram(lib.tensor([1.0]), lib.tensor([1.0], dtype=lib.float64)),
    lambda lib: lib.histogram(lib.tensor([1.0]), lib.tensor([[1.0]])),
    lambda lib: lib.histogramdd(lib.tensor([[1.0]]), [2, 2]),
    lambda lib: lib.histogramdd(lib.tensor([1.0, 2.0]), 2),
    lambda lib: lib.histogramdd(lib.tensor([[1.0]]), 2, range=(float("inf"), 1.0)),
])
def test_histogram_errors(call):
    check_raises(lambda: call(lt), lambda: call(torch))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("bins, rng, density, weighted", [
    (5, None, False, False), (8, (-1.0, 1.0), True, False), (4, None, False, True),
    (6, (0.0, 0.0), True, True), ("edges", None, False, False), ("edges", None, True, True),
])
def test_histogram(dtype, bins, rng, density, weighted):
    x = RNG.normal(size=(3, 40)).astype(dtype)
    w = RNG.uniform(0, 2, size=(3, 40)).astype(dtype) if weighted else None
    lt_bins, th_bins = (both(np.array([-2, -0.5, 0, 0.3, 2.5], dtype)) if bins == "edges"
                        else (bins, bins))
    kw = {"density": density} if rng is None else {"range": rng, "density": density}
    got = lt.histogram(lt.tensor(x), lt_bins, weight=None if w is None else lt.tensor(w), **kw)
    expected = torch.histogram(torch.from_numpy(x), th_bins,
                               weight=None if w is None else torch.from_numpy(w), **kw)
    assert type(got).__name__ == "histogram" and got._fields == ("hist", "bin_edges")
    assert_same(tuple(got), tuple(expected))
    assert_same(tuple(lt.tensor(x).histogram(lt_bins)), tuple(torch.from_numpy(x).histogram(th_bins)))


def test_histogram_empty_and_constant():
    for x in ([], [1.0, 1.0]):
        a, b = both(np.array(x, np.float32))
        assert_same(tuple(lt.histogram(a, 2)), tuple(torch.histogram(b, 2)))


@pytest.mark.parametrize("bins", [3, [2, 5], "edges"])
@pytest.mark.parametrize("density", [False, True])
def test_histogramdd(bins, density):
    x = RNG.uniform(-1, 1, size=(30, 2)).astype(np.float32)
    w = RNG.uniform(0, 1, size=30).astype(np.float32)
    if bins == "edges":
        e = [np.array([-1, 0, 0.5, 1], np.float32), np.array([-0.5, 0.5], np.float32)]
        lt_bins, th_bins = [lt.tensor(v) for v in e], [torch.from_numpy(v) for v in e]
    else:
        lt_bins = th_bins = bins
    got = lt.histogramdd(lt.tensor(x), lt_bins, weight=lt.tensor(w), density=density)
    expected = torch.histogramdd(torch.from_numpy(x), th_bins, weight=torch.from_numpy(w),
                                 density=density)
    assert type(got).__name__ == "histogramdd"
    assert_same(got.hist, expected.hist)
    assert_same(tuple(got.bin_edges), tuple(expected.bin_edges))
    got = lt.histogramdd(lt.tensor(x), 4, range=[-1.0, 1.0, 0.0, 1.0])
    expected = torch.histogramdd(torch.from_numpy(x), 4, range=[-1.0, 1.0, 0.0, 1.0])
    assert_same(got.hist, expected.hist)


# -- searchsorted, bucketize ------------------------------------------------------------------
@pytest.mark.parametrize("seq_shape, val_shape", [((7,), (5,)), ((7,), (2, 3)), ((7,), ()),
                                                  ((3, 7), (3, 4)), ((2, 3, 6), (2, 3, 5)),
                                                  ((0,), (3,)), ((7,), (0,)), ((2, 0), (2, 3))])
@pytest.mark.parametrize("side", [None, "left", "right"])
@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_searchsorted(seq_shape, val_shape, side, dtype):
    seq = np.sort(RNG.integers(-5, 5, seq_shape), axis=-1).astype(dtype)  # ties included
    values = RNG.integers(-6, 6, val_shape).astype(dtype)
    sa, sb = both(seq)
    va, vb = both(values)
    assert_same(lt.searchsorted(sa, va, side=side), torch.searchsorted(sb, vb, side=side))
    assert_same(lt.searchsorted(sa, va, right=True, out_int32=True),
                torch.searchsorted(sb, vb, right=True, out_int32=True))


def test_searchsorted_sorter_scalar_and_nan():
    seq = RNG.permutation(10).astype(np.float64)
    order = np.argsort(seq)
    values = np.array([-1, 0, 3.5, 9, 12, np.nan])
    assert_same(lt.searchsorted(lt.tensor(seq), lt.tensor(values), sorter=lt.tensor(order)),
                torch.searchsorted(torch.from_numpy(seq), torch.from_numpy(values),
                                   sorter=torch.from_numpy(order)))
    sorted_seq = np.sort(seq)
    assert_same(lt.searchsorted(lt.tensor(sorted_seq), 4.5),
                torch.searchsorted(torch.from_numpy(sorted_seq), 4.5))
    assert_same(lt.searchsorted(lt.tensor(sorted_seq), lt.tensor(values), side="right"),
                torch.searchsorted(torch.from_numpy(sorted_seq), torch.from_numpy(values),
                                   side="right"))


@pytest.mark.parametrize("right", [False, True])
def test_bucketize(right):
    boundaries = np.array([-1.0, 0.0, 0.0, 2.5])
    x = RNG.integers(-3, 4, size=(3, 4)).astype(np.float64)
    a, b = both(x)
    ba, bb = both(boundaries)
    assert_same(lt.bucketize(a, ba, right=right), torch.bucketize(b, bb, right=right))
    assert_same(lt.bucketize(2, ba, out_int32=True), torch.bucketize(2, bb, out_int32=True))


@pytest.mark.parametrize("call", [
    lambda lib: lib.searchsorted(lib.tensor([[1, 2], [3, 4]]), lib.tensor([1, 2])),
    lambda lib: lib.searchsorted(lib.tensor([[1, 2], [3, 4]]), 3),
    lambda lib: lib.searchsorted(lib.tensor([1, 3]), lib.tensor([1]), side="x"),
    lambda lib: lib.searchsorted(lib.tensor([1, 3]), lib.tensor([1]), side="left", right=True),
    lambda lib: lib.searchsorted(lib.tensor([1, 2]), lib.tensor([1]), sorter=lib.tensor([0, 1.0])),
    lambda lib: lib.searchsorted(lib.tensor([1, 2]), lib.tensor([1]), sorter=lib.tensor([0])),
    lambda lib: lib.bucketize(lib.tensor([1]), lib.tensor([[1, 2]])),
])
def test_search_errors(call):
    check_raises(lambda: call(lt), lambda: call(torch))
