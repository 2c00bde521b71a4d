"""Distances (learntorch/nn/_functional/distance.py, nn/modules/distance.py) against torch:
pairwise_distance, cosine_similarity, pdist and their modules — values, gradients (also at
equal vectors and tiny norms), broadcasting, dtypes, double backward, errors, reprs."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
import learntorch.nn.functional as F
from learntorch.autograd import gradcheck, gradgradcheck
from helpers import FLOAT_DTYPES, broadcastable_shapes, check_op, check_raises

P_VALUES = [2.0, 1.0, 3.0, 0.5, 0.0, float("inf")]


def _random(shape, dtype="float64", seed=0):
    return np.random.default_rng(seed).uniform(-2, 2, size=shape).astype(dtype)


# -- pairwise_distance --------------------------------------------------------------------
@pytest.mark.parametrize("p", P_VALUES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("shapes", [((4, 5), (4, 5)), ((4, 5), (5,)), ((5,), (5,)),
                                    ((2, 3, 4), (3, 1)), ((), ())], ids=str)
def test_pairwise_distance(p, dtype, keepdim, shapes):
    a, b = _random(shapes[0], dtype, 1), _random(shapes[1], dtype, 2)
    if a.ndim == b.ndim == 2:
        b[1] = a[1]  # equal rows: eps keeps the gradient finite
    check_op(lambda x, y: F.pairwise_distance(x, y, p, keepdim=keepdim),
             lambda x, y: TF.pairwise_distance(x, y, p, keepdim=keepdim), a, b,
             rtol=1e-4, atol=1e-5)


@settings(max_examples=40)
@given(shapes=broadcastable_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4),
       p=st.sampled_from(P_VALUES), eps=st.sampled_from([1e-6, 0.0, 0.1]))
def test_pairwise_distance_broadcasts_like_torch(shapes, p, eps):
    a, b = _random(shapes[0], seed=3), _random(shapes[1], seed=4)
    check_op(lambda x, y: F.pairwise_distance(x, y, p, eps),
             lambda x, y: TF.pairwise_distance(x, y, p, eps), a, b)


# -- cosine_similarity ----------------------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("shapes", [((4, 5), (4, 5)), ((4, 5), (1, 5)), ((3, 4, 2), (3, 4, 2)),
                                    ((4, 5), (5,))], ids=str)
def test_cosine_similarity(dtype, dim, shapes):
    a, b = _random(shapes[0], dtype, 1), _random(shapes[1], dtype, 2)
    check_op(lambda x, y: F.cosine_similarity(x, y, dim), lambda x, y: TF.cosine_similarity(x, y, dim),
             a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("eps", [1e-8, 1e-3, 1.0])
def test_cosine_similarity_at_tiny_norms(eps):
    """The norms are clamped to ``eps`` without gradient (torch's clone + clamp_min_ under
    no_grad), so the gradient there is torch's, not that of a clamped norm."""
    a = _random((4, 3), seed=5)
    a[0] = 1e-9
    a[1] = 0.0
    b = _random((4, 3), seed=6)
    b[2] *= 1e-4
    check_op(lambda x, y: F.cosine_similarity(x, y, eps=eps),
             lambda x, y: TF.cosine_similarity(x, y, eps=eps), a, b)


def test_cosine_similarity_promotes_mixed_dtypes():
    check_op(F.cosine_similarity, TF.cosine_similarity, _random((3, 4), "float32"),
             _random((3, 4), "float64"), rtol=1e-5)
    check_op(F.cosine_similarity, TF.cosine_similarity, _random((3, 4), "float32"),
             np.arange(12).reshape(3, 4), rtol=1e-5)


# -- pdist ----------------------------------------------------------------------------------
@pytest.mark.parametrize("p", P_VALUES + [1.5])
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("rows", [1, 2, 5])
def test_pdist(p, dtype, rows):
    """Distances of all pairs i < j in torch's order; a repeated row (distance 0) gets a
    zero gradient, as torch's backward gives."""
    x = _random((rows, 3), dtype, 7)
    if rows == 5:
        x[3] = x[0]
    check_op(lambda t: F.pdist(t, p), lambda t: TF.pdist(t, p), x, rtol=1e-4, atol=1e-5)


def test_pdist_of_no_columns():
    check_op(F.pdist, TF.pdist, np.zeros((3, 0)))


# -- double backward and gradcheck ---------------------------------------------------------------
def _t(shape, seed):
    return lt.tensor(_random(shape, seed=seed), requires_grad=True)


@pytest.mark.parametrize("name,fn", [
    ("pairwise_distance", lambda x, y: F.pairwise_distance(x, y)),
    ("pairwise_distance_p1", lambda x, y: F.pairwise_distance(x, y, 3.0, keepdim=True)),
    ("cosine_similarity", lambda x, y: F.cosine_similarity(x, y)),
    ("cosine_similarity_dim0", lambda x, y: F.cosine_similarity(x, y, 0)),
    ("pdist", lambda x, y: F.pdist(x * y)),
    ("pdist_p3", lambda x, y: F.pdist(x + y, 3)),
])
def test_gradcheck_and_gradgradcheck(name, fn):
    inputs = (_t((4, 3), 1), _t((4, 3), 2))
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


# -- errors ---------------------------------------------------------------------------------------
ERRORS = {
    "pairwise_shapes": lambda lib: lib.nn.functional.pairwise_distance(lib.ones(3, 4), lib.ones(3, 5)),
    "cosine_shapes": lambda lib: lib.nn.functional.cosine_similarity(lib.ones(3, 4), lib.ones(3, 5)),
    "cosine_integers": lambda lib: lib.nn.functional.cosine_similarity(
        lib.ones(3, 4, dtype=lib.int64), lib.ones(3, 4, dtype=lib.int64)),
    "pdist_rank": lambda lib: lib.nn.functional.pdist(lib.ones(3)),
    "pdist_negative_p": lambda lib: lib.nn.functional.pdist(lib.ones(3, 2), -1),
    "pdist_integers": lambda lib: lib.nn.functional.pdist(lib.ones(3, 2, dtype=lib.int64)),
}


@pytest.mark.parametrize("case", ERRORS)
def test_errors_match_torch(case):
    check_raises(lambda: ERRORS[case](lt), lambda: ERRORS[case](torch))


# -- modules ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name,args,kwargs", [("PairwiseDistance", (), {}),
                                              ("PairwiseDistance", (1.0,), {"keepdim": True}),
                                              ("PairwiseDistance", (3,), {"eps": 0.1}),
                                              ("CosineSimilarity", (), {}),
                                              ("CosineSimilarity", (0,), {"eps": 1e-3})])
def test_modules(name, args, kwargs):
    lm, tm = getattr(lt.nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(lm) == repr(tm)
    assert list(lm.state_dict()) == []
    check_op(lambda x, y: lm(x, y), lambda x, y: tm(x, y), _random((4, 5), seed=1),
             _random((4, 5), seed=2))
