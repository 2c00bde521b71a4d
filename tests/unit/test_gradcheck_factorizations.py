"""The factorizations ``cholesky``, ``qr``, ``svd`` and ``eigh`` (and ``eigvalsh``) are
differentiable: float64 ``gradcheck`` against finite differences, then the same loss
backpropagated through learntorch and torch gives the same gradient on batched inputs.

Inputs are kept where the factorizations are smooth: SPD matrices (built inside the
function, so the input itself is unconstrained) for cholesky, well-separated singular
values / eigenvalues for svd and eigh, and losses that do not depend on the sign of each
singular vector, eigenvector or Q column (``x * x``, ``U diag(S) Vh``, ``Q R``)."""
import numpy as np
import pytest

import learntorch as lt
from learntorch.autograd import gradcheck

torch = pytest.importorskip("torch")

rng = np.random.default_rng(1234)


def rand(*shape):
    return lt.tensor(rng.normal(size=shape), dtype=lt.float64, requires_grad=True)


def spd(lib, X):
    n = X.shape[-1]
    return X @ X.transpose(-2, -1) + n * lib.eye(n, dtype=X.dtype)


def sym(X):
    return X + X.transpose(-2, -1)


# -- gradcheck (float64, finite differences) ------------------------------------------------------
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (2, 4, 4)])
def test_cholesky_gradcheck(shape, upper):
    assert gradcheck(lambda X: lt.linalg.cholesky(spd(lt, X), upper=upper), (rand(*shape),))


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (2, 5, 3), (2, 3, 5), (3, 1)])
def test_qr_reduced_gradcheck(shape):
    assert gradcheck(lambda X: lt.linalg.qr(X), (rand(*shape),))


def test_qr_complete_gradcheck_when_not_tall():
    assert gradcheck(lambda X: lt.linalg.qr(X, mode="complete"), (rand(2, 3, 4),))


def _svd_outputs(X, full_matrices=False):
    U, S, Vh = lt.linalg.svd(X, full_matrices=full_matrices)
    k = S.shape[-1]
    return (U[..., :, :k] * U[..., :, :k], S, Vh[..., :k, :] * Vh[..., :k, :],
            U[..., :, :k] @ lt.diag_embed(S) @ Vh[..., :k, :])


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (2, 5, 3), (2, 3, 5), (1, 3)])
def test_svd_gradcheck(shape):
    assert gradcheck(_svd_outputs, (rand(*shape),))


@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
def test_svd_full_matrices_gradcheck_of_the_thin_part(shape):
    assert gradcheck(lambda X: _svd_outputs(X, full_matrices=True), (rand(*shape),))


def test_svd_only_singular_values():
    assert gradcheck(lambda X: lt.linalg.svd(X, full_matrices=False)[1], (rand(2, 4, 3),))


@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (2, 3, 3)])
def test_eigh_gradcheck(shape):
    def f(X):
        L, V = lt.linalg.eigh(sym(X))
        return L, V * V, V @ lt.diag_embed(L.exp()) @ V.mT
    assert gradcheck(f, (rand(*shape),))


def test_eigh_upper_and_eigvalsh_gradcheck():
    assert gradcheck(lambda X: lt.linalg.eigh(sym(X), UPLO="U")[1].abs(), (rand(3, 3),))
    assert gradcheck(lambda X: lt.linalg.eigvalsh(sym(X)), (rand(2, 3, 3),))


# -- parity of gradients with torch ---------------------------------------------------------------
TOL = {"float64": dict(rtol=1e-7, atol=1e-8), "float32": dict(rtol=2e-3, atol=2e-3)}
DTYPES = ["float32", "float64"]


def _grad_pair(loss, values):
    """``d loss / d input`` from learntorch and from torch for the same NumPy input."""
    ours = lt.tensor(values, requires_grad=True)
    theirs = torch.tensor(values, requires_grad=True)
    loss(lt, ours).backward()
    loss(torch, theirs).backward()
    assert ours.grad.dtype.name == str(theirs.grad.dtype).split(".")[-1]
    return ours.grad.numpy(), theirs.grad.numpy()


def _check(loss, values, dt):
    ours, theirs = _grad_pair(loss, values)
    np.testing.assert_allclose(ours, theirs, **TOL[dt])


def _weights(*shape):
    return rng.uniform(-1, 1, size=shape)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_grad_matches_torch(dt, upper):
    x = rng.normal(size=(3, 4, 4)).astype(dt)
    a = (x @ np.swapaxes(x, -1, -2) + 4 * np.eye(4)).astype(dt)
    w = _weights(4, 4).astype(dt)

    def loss(lib, A):
        return (lib.linalg.cholesky(A, upper=upper) * lib.tensor(w)).sum()
    _check(loss, a, dt)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape", [(2, 5, 3), (3, 4, 4), (2, 3, 5)])
def test_qr_grad_matches_torch(dt, shape):
    a = rng.normal(size=shape).astype(dt)
    k = min(shape[-2:])
    wq, wr, wa = (_weights(shape[-2], k), _weights(k, shape[-1]), _weights(*shape[-2:]))

    def loss(lib, A):
        Q, R = lib.linalg.qr(A)
        return ((Q * Q * lib.tensor(wq.astype(dt))).sum() + (R * R * lib.tensor(wr.astype(dt))).sum()
                + (Q @ R * lib.tensor(wa.astype(dt))).sum())
    _check(loss, a, dt)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("shape", [(2, 5, 3), (3, 4, 4), (2, 3, 5)])
def test_svd_grad_matches_torch(dt, full, shape):
    a = rng.normal(size=shape).astype(dt)
    m, n = shape[-2:]
    k = min(m, n)
    wu, ws, wv = _weights(m, m if full else k), _weights(k), _weights(n if full else k, n)

    def loss(lib, A):
        U, S, Vh = lib.linalg.svd(A, full_matrices=full)
        return ((U * U * lib.tensor(wu.astype(dt))).sum() + (S * lib.tensor(ws.astype(dt))).sum()
                + (Vh * Vh * lib.tensor(wv.astype(dt))).sum())
    _check(loss, a, dt)


@pytest.mark.parametrize("dt", DTYPES)
def test_svd_values_only_loss_matches_torch(dt):
    a = rng.normal(size=(2, 4, 6)).astype(dt)
    _check(lambda lib, A: lib.linalg.svd(A, full_matrices=False)[1].pow(2).sum(), a, dt)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_grad_matches_torch(dt, uplo):
    x = rng.normal(size=(3, 4, 4))
    a = (x + np.swapaxes(x, -1, -2)).astype(dt)
    wl, wv = _weights(4).astype(dt), _weights(4, 4).astype(dt)

    def loss(lib, A):
        L, V = lib.linalg.eigh(A, UPLO=uplo)
        return (L * lib.tensor(wl)).sum() + (V * V * lib.tensor(wv)).sum()
    _check(loss, a, dt)
    _check(lambda lib, A: (lib.linalg.eigvalsh(A) * lib.tensor(wl)).sum(), a, dt)


# -- graph bookkeeping and torch's refusals -------------------------------------------------------
def test_grad_fn_names_match_torch():
    x = rng.normal(size=(3, 3))
    a = x @ x.T + 3 * np.eye(3)
    for name, call in [("cholesky", lambda lib, A: lib.linalg.cholesky(A)),
                       ("qr", lambda lib, A: lib.linalg.qr(A)[0]),
                       ("svd", lambda lib, A: lib.linalg.svd(A)[1]),
                       ("eigh", lambda lib, A: lib.linalg.eigh(A)[1])]:
        ours = call(lt, lt.tensor(a, requires_grad=True)).grad_fn.name()
        theirs = call(torch, torch.tensor(a, requires_grad=True)).grad_fn.name()
        assert ours == theirs, name


def test_no_graph_without_requires_grad():
    a = lt.tensor(rng.normal(size=(3, 3)))
    assert not any(t.requires_grad for t in lt.linalg.svd(a) + lt.linalg.qr(a) + lt.linalg.eigh(a))


@pytest.mark.parametrize("shape, mode", [((5, 3), "complete"), ((3, 5), "r"), ((4, 4), "r")])
def test_qr_backward_refusals_match_torch(shape, mode):
    a = rng.normal(size=shape)
    errors = []
    for lib in (lt, torch):
        A = lib.tensor(a, requires_grad=True)
        Q, R = lib.linalg.qr(A, mode=mode)
        assert tuple(Q.shape) == tuple(torch.linalg.qr(torch.tensor(a), mode=mode)[0].shape)
        with pytest.raises(RuntimeError) as err:
            (R.sum() if mode == "r" else Q.sum()).backward()
        errors.append(str(err.value))
    assert errors[0] == errors[1]
