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


# -- differences and integration --------------------------------------------------------------
def _values(shape, dtype="float64"):
    if dtype in ("int64", "int32"):
        return RNG.integers(-5, 6, shape).astype(dtype)
    if dtype == "bool":
        return RNG.integers(0, 2, shape).astype(bool)
    return RNG.normal(size=shape).astype(dtype)


def _gradcheck(fn, *arrays):
    inputs = [lt.tensor(a, requires_grad=True) for a in arrays]
    assert gradcheck(fn, inputs)


@pytest.mark.parametrize("shape, dim", [((5,), -1), ((3, 4), 0), ((2, 3, 4), -2), ((0, 3), 0),
                                        ((3, 0), 1)])
@pytest.mark.parametrize("n", [0, 1, 2, 4])
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_diff(shape, dim, n, dtype):
    x = _values(shape, dtype)
    a, b = both(x)
    assert_same(lt.diff(a, n, dim), torch.diff(b, n, dim))
    assert_same(a.diff(n=n, dim=dim), b.diff(n=n, dim=dim))


def test_diff_prepend_append_grad_and_errors():
    x, p, q = _values((3, 4)), _values((3, 1)), _values((3, 2))
    check_op(lambda x, p, q: lt.diff(x, 2, 1, prepend=p, append=q),
             lambda x, p, q: torch.diff(x, 2, 1, prepend=p, append=q), x, p, q)
    _gradcheck(lambda x, p: lt.diff(x, 2, 1, prepend=p), x, p)
    for call in (lambda lib: lib.diff(lib.tensor(1.0)), lambda lib: lib.diff(lib.tensor([1.0]), n=-1),
                 lambda lib: lib.diff(lib.tensor([1.0, 2]), prepend=lib.tensor(1.0))):
        check_raises(lambda: call(lt), lambda: call(torch))


@pytest.mark.parametrize("shape", [(5,), (3, 4), (3, 3, 4)])
@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("spacing, dim", [(1, None), (2.5, None), (0.5, -1), ("list", None),
                                          ("coords", None), ("coords", 0)])
def test_gradient(shape, edge_order, spacing, dim):
    x = _values(shape)
    dims = list(range(len(shape))) if dim is None else [dim]
    if spacing == "list":
        lt_sp = th_sp = [1.5 + k for k in range(len(dims))]
    elif spacing == "coords":
        coords = [np.cumsum(RNG.uniform(0.5, 2, shape[k])) for k in dims]
        lt_sp, th_sp = [lt.tensor(c) for c in coords], [torch.from_numpy(c) for c in coords]
    else:
        lt_sp = th_sp = spacing
    check_op(lambda t: lt.gradient(t, spacing=lt_sp, dim=dim, edge_order=edge_order),
             lambda t: torch.gradient(t, spacing=th_sp, dim=dim, edge_order=edge_order), x,
             rtol=1e-10, atol=1e-10)
    _gradcheck(lambda t: lt.gradient(t, spacing=lt_sp, dim=dim, edge_order=edge_order), x)


def test_gradient_ints_and_errors():
    a, b = both(np.array([1, 2, 4, 8, 16]))
    assert_same(lt.gradient(a), torch.gradient(b))
    for call in (lambda lib: lib.gradient(lib.tensor([1.0, 2, 3]), edge_order=3),
                 lambda lib: lib.gradient(lib.tensor([[1.0, 2, 3]]), dim=0),
                 lambda lib: lib.gradient(lib.tensor([[1.0, 2, 3]]), spacing=[1.0, 2.0, 3]),
                 lambda lib: lib.gradient(lib.tensor([[1.0, 2, 3]]), spacing=[1.0, 2.0], dim=1),
                 lambda lib: lib.gradient(lib.tensor([1.0, 2, 3]), dim=(0, 0))):
        check_raises(lambda: call(lt), lambda: call(torch))


@pytest.mark.parametrize("shape, dim", [((5,), -1), ((3, 4), 0), ((2, 3, 4), 1), ((3, 0), 1),
                                        ((3, 1), 1)])
@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_trapezoid(shape, dim, dtype):
    y = _values(shape, dtype)
    for kw in ({}, {"dx": 0.5}):
        check_op(lambda t: lt.trapezoid(t, dim=dim, **kw),
                 lambda t: torch.trapezoid(t, dim=dim, **kw), y)
        check_op(lambda t: lt.trapz(t, dim=dim, **kw), lambda t: torch.trapz(t, dim=dim, **kw), y)
        if shape[dim]:
            check_op(lambda t: lt.cumulative_trapezoid(t, dim=dim, **kw),
                     lambda t: torch.cumulative_trapezoid(t, dim=dim, **kw), y)
    x1 = np.cumsum(RNG.uniform(0.1, 1, shape[dim]))
    xfull = np.cumsum(RNG.uniform(0.1, 1, shape), axis=dim)
    for x in (x1, xfull):
        check_op(lambda t, s: lt.trapezoid(t, s, dim=dim), lambda t, s: torch.trapezoid(t, s, dim=dim),
                 y, x)
        check_op(lambda t, s: lt.trapz(t, s, dim=dim), lambda t, s: torch.trapz(t, s, dim=dim), y, x)
        if shape[dim]:
            check_op(lambda t, s: lt.cumulative_trapezoid(t, s, dim=dim),
                     lambda t, s: torch.cumulative_trapezoid(t, s, dim=dim), y, x)
    if dtype == "float64" and shape[dim]:
        _gradcheck(lambda t, s: lt.trapezoid(t, s, dim=dim), y, x1)
        _gradcheck(lambda t, s: lt.cumulative_trapezoid(t, s, dim=dim), y, xfull)


def test_trapezoid_errors():
    for call in (lambda lib: lib.trapezoid(lib.tensor([True])),
                 lambda lib: lib.trapezoid(lib.tensor([1.0, 2]), lib.tensor([1.0, 2, 3])),
                 lambda lib: lib.cumulative_trapezoid(lib.tensor([1.0, 2]), lib.tensor([1.0, 2, 3]))):
        check_raises(lambda: call(lt), lambda: call(torch))


# -- quantiles and medians ---------------------------------------------------------------------
@pytest.mark.parametrize("shape, dim, keepdim", [((7,), None, False), ((7,), 0, True),
                                                 ((3, 5), 1, False), ((3, 5), -2, True),
                                                 ((2, 3, 4), None, True), ((4, 1), 1, False),
                                                 ((), None, False), ((), 0, True)])
@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
@pytest.mark.parametrize("q", [0.5, 0.0, 1.0, "vector"])
@pytest.mark.parametrize("nan", [False, True])
def test_quantile(shape, dim, keepdim, interpolation, q, nan):
    x = RNG.integers(0, 4, shape).astype(np.float64)  # ties
    if nan and x.size:
        x.reshape(-1)[RNG.integers(0, x.size, builtins_max(1, x.size // 3))] = np.nan
    qs = np.array([0.1, 0.25, 0.5, 0.75, 0.9]) if q == "vector" else q
    lt_q = lt.tensor(qs) if q == "vector" else q
    th_q = torch.from_numpy(qs) if q == "vector" else q
    distinct = RNG.permutation(x.size).reshape(shape).astype(np.float64)
    distinct[np.isnan(x)] = np.nan
    for lt_fn, th_fn in ((lt.quantile, torch.quantile), (lt.nanquantile, torch.nanquantile)):
        for values, grad in ((x, False), (distinct, not nan)):  # ties, NaNs: torch's sort order
            check_op(lambda t: lt_fn(t, lt_q, dim, keepdim, interpolation=interpolation),
                     lambda t: th_fn(t, th_q, dim, keepdim, interpolation=interpolation), values,
                     grad=grad)


def builtins_max(a, b):
    return a if a > b else b


def test_quantile_method_out_grad_and_errors():
    x = RNG.normal(size=(4, 6))
    a, b = both(x)
    assert_same(a.quantile(0.3, dim=1), b.quantile(0.3, dim=1))
    assert_same(a.nanquantile(0.3), b.nanquantile(0.3))
    out_a, out_b = lt.empty(0, dtype=lt.float64), torch.empty(0, dtype=torch.float64)
    lt.quantile(a, 0.2, 0, out=out_a), torch.quantile(b, 0.2, 0, out=out_b)
    assert_same(out_a, out_b)
    q = np.array([0.2, 0.7])
    _gradcheck(lambda t: lt.quantile(t, lt.tensor(q), dim=1), x)
    _gradcheck(lambda t: lt.nanquantile(t, 0.4, interpolation="midpoint"), x)
    T = lambda lib, v, **kw: lib.tensor(v, **kw)  # noqa: E731
    for call in (lambda lib: lib.quantile(T(lib, [1.0, 2]), 2.0),
                 lambda lib: lib.quantile(T(lib, [1.0, 2]), T(lib, [2.0])),
                 lambda lib: lib.quantile(T(lib, [1.0, 2]), 0.5, interpolation="x"),
                 lambda lib: lib.quantile(T(lib, [1, 2]), 0.5),
                 lambda lib: lib.quantile(T(lib, [1.0, 2]), T(lib, [0.5], dtype=lib.float64)),
                 lambda lib: lib.quantile(T(lib, [[1.0, 2]]), T(lib, [[0.5]])),
                 lambda lib: lib.nanquantile(T(lib, []), 0.5)):
        check_raises(lambda: call(lt), lambda: call(torch))


@pytest.mark.parametrize("shape, dim, keepdim", [((7,), None, False), ((7,), 0, False),
                                                 ((3, 6), 1, True), ((3, 6), -2, False),
                                                 ((2, 3, 4), 2, False), ((), None, False),
                                                 ((), 0, False)])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64"])
@pytest.mark.parametrize("nan", [False, True])
def test_nanmedian(shape, dim, keepdim, dtype, nan):
    x = RNG.permutation(max(1, int(np.prod(shape))))[:int(np.prod(shape))].reshape(shape)
    x = x.astype(dtype)  # distinct values: the index of the median is unambiguous
    if nan and dtype != "int64" and x.size > 1:
        x.reshape(-1)[::3] = np.nan
    if dim is None:
        check_op(lambda t: lt.nanmedian(t), lambda t: torch.nanmedian(t), x)
        return
    got, expected = check_op(lambda t: lt.nanmedian(t, dim, keepdim),
                             lambda t: torch.nanmedian(t, dim, keepdim), x)
    assert type(got).__name__ == "nanmedian"


def test_nanmedian_all_nan_rows_ties_grad_and_errors():
    x = np.array([[1.0, np.nan, 3, 5], [np.nan] * 4, [2, 2, 2, np.nan]])
    got, expected = lt.nanmedian(lt.tensor(x), 1), torch.nanmedian(torch.from_numpy(x), 1)
    assert_same(got.values, expected.values)  # indices of ties and of all-NaN rows unspecified
    check_op(lambda t: lt.nanmedian(t), lambda t: torch.nanmedian(t), np.array([2.0, 1, 2, 2, 3]))
    assert_same(lt.tensor(x).nanmedian(), torch.from_numpy(x).nanmedian())
    _gradcheck(lambda t: lt.nanmedian(t, 0).values, RNG.normal(size=(5, 3)))
    check_raises(lambda: lt.nanmedian(lt.tensor([]), 0), lambda: torch.nanmedian(torch.tensor([]), 0))


# -- covariance and correlation ----------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 7), (1, 5), (6,), (2, 1), ()])
@pytest.mark.parametrize("correction", [0, 1, 2])
@pytest.mark.parametrize("weights", [None, "f", "a", "fa"])
def test_cov(shape, correction, weights):
    x = _values(shape)
    n = 1 if len(shape) == 0 else shape[-1]
    f = RNG.integers(1, 4, n) if weights and "f" in weights else None
    a = RNG.uniform(0.5, 2, n) if weights and "a" in weights else None
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_op(lambda t, f, a: lt.cov(t, correction=correction, fweights=f, aweights=a),
                 lambda t, f, a: torch.cov(t, correction=correction, fweights=f, aweights=a),
                 x, f, a, rtol=1e-10, atol=1e-12, grad=n > 1)  # torch's backward fails for n = 1
    if shape == (3, 7):
        _gradcheck(lambda t: lt.cov(t, correction=correction, aweights=lt.tensor(RNG_A)), x)


RNG_A = np.random.default_rng(3).uniform(0.5, 2, 7)


def test_cov_ints_degrees_of_freedom_and_errors():
    a, b = both(RNG.integers(0, 9, (2, 6)))
    assert_same(lt.cov(a), torch.cov(b))
    assert_same(a.cov(correction=0), b.cov(correction=0))
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        got = lt.cov(lt.tensor([[1.0, 2.0]]), correction=2)
    assert_same(got, torch.cov(torch.tensor([[1.0, 2.0]]), correction=2))
    T = lambda lib, v: lib.tensor(v)  # noqa: E731
    for call in (lambda lib: lib.cov(T(lib, [[[1.0]]])), lambda lib: lib.cov(T(lib, [True])),
                 lambda lib: lib.cov(T(lib, [[1, 2]]), fweights=T(lib, [1.0, 2])),
                 lambda lib: lib.cov(T(lib, [[1.0, 2]]), aweights=T(lib, [1, 2])),
                 lambda lib: lib.cov(T(lib, [[1.0, 2]]), fweights=T(lib, [1, 2, 3])),
                 lambda lib: lib.cov(T(lib, [[1.0, 2]]), fweights=T(lib, [-1, 2])),
                 lambda lib: lib.cov(T(lib, [[1.0, 2]]), aweights=T(lib, [[1.0, 2]])),
                 lambda lib: lib.cov(T(lib, [[1.0, 2]]), fweights=T(lib, [0, 0])),
                 lambda lib: lib.corrcoef(T(lib, [[[1.0]]]))):
        check_raises(lambda: call(lt), lambda: call(torch))


@pytest.mark.parametrize("shape", [(3, 7), (1, 5), (6,), (4, 2)])
def test_corrcoef(shape):
    x = _values(shape)
    check_op(lambda t: lt.corrcoef(t), lambda t: torch.corrcoef(t), x, rtol=1e-10, atol=1e-12)
    a, b = both(np.ones((2, 3)))
    assert_same(a.corrcoef(), b.corrcoef())
    if len(shape) == 2 and shape[0] > 1:
        _gradcheck(lt.corrcoef, x)


# -- logcumsumexp and renorm -------------------------------------------------------------------
@pytest.mark.parametrize("shape, dim", [((6,), 0), ((3, 5), 1), ((3, 5), -2), ((), 0), ((0, 3), 0),
                                        ((2, 3, 4), 1)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_logcumsumexp(shape, dim, dtype):
    x = np.asarray(RNG.normal(size=shape) * 30).astype(dtype)  # exp would overflow in float32
    check_op(lambda t: lt.logcumsumexp(t, dim), lambda t: torch.logcumsumexp(t, dim), x,
             rtol=1e-5, atol=1e-5)
    if dtype == "float64" and x.size:
        _gradcheck(lambda t: lt.logcumsumexp(t, dim), x / 30)
        inputs = [lt.tensor(x / 30, requires_grad=True)]
        assert lt.autograd.gradgradcheck(lambda t: lt.logcumsumexp(t, dim), inputs)


def test_logcumsumexp_inf_method_and_errors():
    x = np.array([-np.inf, -np.inf, 0.0, np.inf, 1.0])
    a, b = both(x)
    assert_same(a.logcumsumexp(0), b.logcumsumexp(0))
    check_raises(lambda: lt.logcumsumexp(lt.tensor([1, 2]), 0),
                 lambda: torch.logcumsumexp(torch.tensor([1, 2]), 0))


@pytest.mark.parametrize("p", [1, 2, 3.5])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("maxnorm", [0.0, 1.0, 100.0])
def test_renorm(p, dim, maxnorm):
    x = RNG.normal(size=(3, 4, 2))
    check_op(lambda t: lt.renorm(t, p, dim, maxnorm), lambda t: torch.renorm(t, p, dim, maxnorm), x,
             rtol=1e-10, atol=1e-12)
    check_op(lambda t: t.renorm(p, dim, maxnorm), lambda t: t.renorm(p, dim, maxnorm), x,
             rtol=1e-10, atol=1e-12)
    a, b = both(x)
    a.renorm_(p, dim, maxnorm), b.renorm_(p, dim, maxnorm)
    assert_same(a, b, rtol=1e-10, atol=1e-12)
    if maxnorm == 1.0:
        _gradcheck(lambda t: lt.renorm(t, p, dim, maxnorm), x)


def test_renorm_errors():
    T = lambda lib, v: lib.tensor(v)  # noqa: E731
    for call in (lambda lib: lib.renorm(T(lib, [[1.0]]), 2, 0, -1),
                 lambda lib: lib.renorm(T(lib, [[1.0]]), -2, 0, 1),
                 lambda lib: lib.renorm(T(lib, [1.0]), 2, 0, 1),
                 lambda lib: lib.renorm(T(lib, [[1]]), 2, 0, 1)):
        check_raises(lambda: call(lt), lambda: call(torch))


# -- second derivatives: composites of differentiable ops -------------------------------------------
@pytest.mark.parametrize("name, fn, shape", [
    ("diff", lambda x: lt.diff(x * x, 2, 0), (5, 2)),
    ("gradient", lambda x: lt.gradient(x * x, spacing=2.0, edge_order=2)[0], (4, 3)),
    ("trapezoid", lambda x: lt.trapezoid(x * x, dim=0), (4, 3)),
    ("cumulative_trapezoid", lambda x: lt.cumulative_trapezoid(x * x), (3, 4)),
    ("quantile", lambda x: lt.quantile(x * x, lt.tensor([0.3, 0.8], dtype=lt.float64), dim=1),
     (3, 5)),
    ("nanmedian", lambda x: lt.nanmedian(x * x, 0).values, (5, 2)),
    ("cov", lambda x: lt.cov(x), (3, 6)),
    ("corrcoef", lambda x: lt.corrcoef(x), (3, 6)),
    ("renorm", lambda x: lt.renorm(x, 2, 0, 1.0), (3, 4)),
])
def test_double_backward(name, fn, shape):
    x = lt.tensor(RNG.permutation(int(np.prod(shape))).reshape(shape) / 7.0 + 0.1,
                  requires_grad=True)
    assert lt.autograd.gradgradcheck(fn, [x]), name
