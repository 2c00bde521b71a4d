"""Loss dtypes with float32 and float64 mixed, against torch: the result's dtype follows each
loss's own rule (most promote; huber_loss and soft_margin_loss keep the input's dtype,
binary_cross_entropy_with_logits the target's, binary_cross_entropy refuses a target of
another dtype), and the values, the input's gradient, or torch's error, agree.
"""
import itertools

import numpy as np
import pytest
import torch

import learntorch as lt

RNG = np.random.default_rng(10)
X = RNG.standard_normal((4, 3))
P = RNG.uniform(0.1, 0.9, (4, 3))
PROBS = RNG.dirichlet(np.ones(3), 4)
SIGNS = np.where(RNG.standard_normal((4, 3)) > 0, 1.0, -1.0)
Y1 = np.array([1.0, -1.0, -1.0, 1.0])
CLASSES = np.array([0, 2, 1, 1])
W = np.array([1.0, 2.0, 3.0])


def _t(lib, array, dtype, grad=False):
    return lib.tensor(np.array(array), dtype=getattr(lib, dtype), requires_grad=bool(grad))


# Each loss gets (lib, a, b): the input is in dtype a, the other operand named in the key in b.
LOSSES = {
    "mse_loss": lambda L, a, b: L.nn.functional.mse_loss(_t(L, X, a, 1), _t(L, P, b)),
    "mse_loss sum": lambda L, a, b: L.nn.functional.mse_loss(_t(L, X, a, 1), _t(L, P, b),
                                                             reduction="sum"),
    "mse_loss weight": lambda L, a, b: L.nn.functional.mse_loss(_t(L, X, a, 1), _t(L, P, a),
                                                                weight=_t(L, P, b)),
    "l1_loss": lambda L, a, b: L.nn.functional.l1_loss(_t(L, X, a, 1), _t(L, P, b)),
    "l1_loss none": lambda L, a, b: L.nn.functional.l1_loss(_t(L, X, a, 1), _t(L, P, b),
                                                            reduction="none"),
    "l1_loss weight": lambda L, a, b: L.nn.functional.l1_loss(_t(L, X, a, 1), _t(L, P, a),
                                                              weight=_t(L, P, b)),
    "huber_loss": lambda L, a, b: L.nn.functional.huber_loss(_t(L, X, a, 1), _t(L, P, b)),
    "huber_loss none": lambda L, a, b: L.nn.functional.huber_loss(_t(L, X, a, 1), _t(L, P, b),
                                                                  reduction="none"),
    "huber_loss weight": lambda L, a, b: L.nn.functional.huber_loss(_t(L, X, a, 1), _t(L, P, a),
                                                                    weight=_t(L, P, b)),
    "smooth_l1_loss": lambda L, a, b: L.nn.functional.smooth_l1_loss(_t(L, X, a, 1), _t(L, P, b)),
    "smooth_l1_loss beta 0": lambda L, a, b: L.nn.functional.smooth_l1_loss(
        _t(L, X, a, 1), _t(L, P, b), beta=0.0),
    "cross_entropy probabilities": lambda L, a, b: L.nn.functional.cross_entropy(
        _t(L, X, a, 1), _t(L, PROBS, b)),
    "cross_entropy probabilities smoothed": lambda L, a, b: L.nn.functional.cross_entropy(
        _t(L, X, a, 1), _t(L, PROBS, b), label_smoothing=0.1),
    "cross_entropy weight": lambda L, a, b: L.nn.functional.cross_entropy(
        _t(L, X, a, 1), _t(L, CLASSES, "int64"), weight=_t(L, W, b)),
    "nll_loss weight": lambda L, a, b: L.nn.functional.nll_loss(
        _t(L, X, a, 1), _t(L, CLASSES, "int64"), weight=_t(L, W, b)),
    "binary_cross_entropy": lambda L, a, b: L.nn.functional.binary_cross_entropy(
        _t(L, P, a, 1), _t(L, P[::-1], b)),
    "binary_cross_entropy none": lambda L, a, b: L.nn.functional.binary_cross_entropy(
        _t(L, P, a, 1), _t(L, P[::-1], b), reduction="none"),
    "binary_cross_entropy weight": lambda L, a, b: L.nn.functional.binary_cross_entropy(
        _t(L, P, a, 1), _t(L, P[::-1], a), weight=_t(L, P, b)),
    "kl_div": lambda L, a, b: L.nn.functional.kl_div(_t(L, X, a, 1), _t(L, P, b),
                                                     reduction="batchmean"),
    "kl_div none": lambda L, a, b: L.nn.functional.kl_div(_t(L, X, a, 1), _t(L, P, b),
                                                          reduction="none"),
    "kl_div log_target": lambda L, a, b: L.nn.functional.kl_div(
        _t(L, X, a, 1), _t(L, X, b), reduction="sum", log_target=True),
    "poisson_nll_loss": lambda L, a, b: L.nn.functional.poisson_nll_loss(_t(L, X, a, 1),
                                                                         _t(L, P, b)),
    "poisson_nll_loss full": lambda L, a, b: L.nn.functional.poisson_nll_loss(
        _t(L, P, a, 1), _t(L, P * 3, b), log_input=False, full=True),
    "gaussian_nll_loss target": lambda L, a, b: L.nn.functional.gaussian_nll_loss(
        _t(L, X, a, 1), _t(L, P, b), _t(L, P, a)),
    "gaussian_nll_loss var": lambda L, a, b: L.nn.functional.gaussian_nll_loss(
        _t(L, X, a, 1), _t(L, P, a), _t(L, P, b)),
    "soft_margin_loss": lambda L, a, b: L.nn.functional.soft_margin_loss(_t(L, X, a, 1),
                                                                         _t(L, SIGNS, b)),
    "soft_margin_loss none": lambda L, a, b: L.nn.functional.soft_margin_loss(
        _t(L, X, a, 1), _t(L, SIGNS, b), reduction="none"),
    "multilabel_soft_margin_loss": lambda L, a, b: L.nn.functional.multilabel_soft_margin_loss(
        _t(L, X, a, 1), _t(L, SIGNS > 0, b)),
    "multilabel_soft_margin_loss weight": lambda L, a, b:
        L.nn.functional.multilabel_soft_margin_loss(_t(L, X, a, 1), _t(L, SIGNS > 0, a),
                                                    weight=_t(L, W, b)),
    "hinge_embedding_loss": lambda L, a, b: L.nn.functional.hinge_embedding_loss(
        _t(L, X, a, 1), _t(L, SIGNS, b)),
    "margin_ranking_loss input2": lambda L, a, b: L.nn.functional.margin_ranking_loss(
        _t(L, X[:, 0], a, 1), _t(L, X[:, 1], b), _t(L, Y1, a)),
    "margin_ranking_loss target": lambda L, a, b: L.nn.functional.margin_ranking_loss(
        _t(L, X[:, 0], a, 1), _t(L, X[:, 1], a), _t(L, Y1, b)),
    "cosine_embedding_loss input2": lambda L, a, b: L.nn.functional.cosine_embedding_loss(
        _t(L, X, a, 1), _t(L, P, b), _t(L, Y1, a)),
    "cosine_embedding_loss target": lambda L, a, b: L.nn.functional.cosine_embedding_loss(
        _t(L, X, a, 1), _t(L, P, a), _t(L, Y1, b)),
    "triplet_margin_loss positive": lambda L, a, b: L.nn.functional.triplet_margin_loss(
        _t(L, X, a, 1), _t(L, P, b), _t(L, PROBS, a)),
    "triplet_margin_loss negative": lambda L, a, b: L.nn.functional.triplet_margin_loss(
        _t(L, X, a, 1), _t(L, P, a), _t(L, PROBS, b)),
    "triplet_margin_with_distance_loss": lambda L, a, b:
        L.nn.functional.triplet_margin_with_distance_loss(_t(L, X, a, 1), _t(L, P, b),
                                                          _t(L, PROBS, a)),
    "multi_margin_loss weight": lambda L, a, b: L.nn.functional.multi_margin_loss(
        _t(L, X, a, 1), _t(L, CLASSES, "int64"), weight=_t(L, W, b)),
    "multilabel_margin_loss": lambda L, a, b: L.nn.functional.multilabel_margin_loss(
        _t(L, X, a, 1), _t(L, [[0, 1, -1]] * 4, "int64")),
    "l1_loss integer target": lambda L, a, b: L.nn.functional.l1_loss(
        _t(L, X, a, 1), _t(L, np.ones((4, 3)), "int64")),
    "mse_loss integer target": lambda L, a, b: L.nn.functional.mse_loss(
        _t(L, X, a, 1), _t(L, np.ones((4, 3)), "int64")),
    "huber_loss integer target": lambda L, a, b: L.nn.functional.huber_loss(
        _t(L, X, a, 1), _t(L, np.ones((4, 3)), "int64")),
}


def _run(lib, name, a, b):
    """(dtype name, values, input gradient) — or the error's type and text where one is raised."""
    try:
        out = LOSSES[name](lib, a, b)
    except Exception as err:  # noqa: BLE001 (the type and text are what is compared)
        return ("forward", type(err).__name__, str(err))
    leaf = None
    for node in [out.grad_fn]:
        while node is not None and leaf is None:
            for child, _ in node.next_functions:
                if child is not None and type(child).__name__ == "AccumulateGrad":
                    leaf = child.variable
            node = next((c for c, _ in node.next_functions if c is not None), None)
    try:
        out.sum().backward()
        grad = leaf.grad.detach().numpy()
    except Exception as err:  # noqa: BLE001
        grad = ("backward", type(err).__name__, str(err))
    return str(out.dtype).split(".")[-1], out.detach().numpy(), grad


@pytest.mark.parametrize("a, b", [("float32", "float64"), ("float64", "float32")])
@pytest.mark.parametrize("name", list(LOSSES))
def test_mixed_float_dtypes_give_torchs_result_dtype_values_and_gradients(name, a, b):
    got, want = _run(lt, name, a, b), _run(torch, name, a, b)
    if want[0] == "forward":
        assert got == want
        return
    assert got[0] == want[0]
    np.testing.assert_allclose(got[1], want[1], rtol=1e-5, atol=1e-6)
    if isinstance(want[2], tuple):
        assert got[2] == want[2]
    else:
        assert got[2].dtype == want[2].dtype
        np.testing.assert_allclose(got[2], want[2], rtol=1e-5, atol=1e-6)


DTYPES = ("float32", "float64")


@pytest.mark.parametrize("a, b, w, pw", list(itertools.product(DTYPES, DTYPES, DTYPES + (None,),
                                                                DTYPES + (None,))))
def test_binary_cross_entropy_with_logits_takes_the_targets_dtype(a, b, w, pw):
    def case(lib):
        x = _t(lib, X, a, 1)
        out = lib.nn.functional.binary_cross_entropy_with_logits(
            x, _t(lib, P, b), weight=None if w is None else _t(lib, P, w),
            pos_weight=None if pw is None else _t(lib, W, pw))
        out.backward()
        return str(out.dtype).split(".")[-1], out.item(), x.grad.numpy()
    got, want = case(lt), case(torch)
    assert got[0] == want[0]
    np.testing.assert_allclose(got[1], want[1], rtol=1e-5)
    np.testing.assert_allclose(got[2], want[2], rtol=1e-5, atol=1e-6)
