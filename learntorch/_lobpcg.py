"""``torch.lobpcg``: the k largest (or smallest) eigenpairs of a symmetric positive definite
generalized problem A X = B X Λ by the locally optimal block preconditioned conjugate gradient
method (Knyazev 2001).

The interface, the defaults, the random initial block (drawn with ``learntorch.randn`` as torch
draws it, so the generator advances identically) and the stopping rule (every one of the k
relative residuals ‖A x − λ B x‖ / (‖x‖ (‖A‖ + |λ| ‖B‖)) below ``tol``) are torch's.  The
iteration is the textbook one: Rayleigh-Ritz on span[X, K⁻¹R, P] with an SVD-orthonormalized
basis; torch's "ortho" method reaches the same converged eigenpairs by a different path, so
results agree to the tolerance, eigenvectors up to sign.  Values only (learntorch does not
differentiate through it); ``method``, ``tracker`` and the ``ortho_*`` parameters are accepted
and not used.
"""
import numpy as np

from . import _dtype
from ._tensor import Tensor
from .ops.sampling import randn

_FEPS = {"float32": 1.2e-07, "float64": 2.23e-16}


def lobpcg(A, k=None, B=None, X=None, n=None, iK=None, niter=None, tol=None, largest=None,
           method=None, tracker=None, ortho_iparams=None, ortho_fparams=None, ortho_bparams=None):
    """(E, X): k eigenvalues of the symmetric A (against B when given) and their eigenvectors."""
    if A.shape[-2] != A.shape[-1]:
        raise AssertionError(f"A must be square, got shape {A.shape}")
    if B is not None and A.shape != B.shape:
        raise AssertionError(f"A and B must have same shape, got {A.shape} vs {B.shape}")
    dtype = A.dtype if A.dtype in (_dtype.float32, _dtype.float64) else _dtype.float32
    tol = _FEPS.get(dtype.name, _FEPS["float32"]) ** 0.5 if tol is None else tol
    m = A.shape[-1]
    k = (1 if X is None else X.shape[-1]) if k is None else k
    n = (k if n is None else n) if X is None else X.shape[-1]
    if m < 3 * n:
        raise ValueError(f"LOBPCG algorithm is not applicable when the number of A rows (={m}) is "
                         f"smaller than 3 x the number of requested eigenpairs (={n})")
    niter = 1000 if niter is None else niter
    largest = True if largest is None else largest
    batch = tuple(A.shape[:-2])
    count = int(np.prod(batch, dtype=np.int64))
    a = A._array.astype(dtype.np).reshape((count, m, m))
    b = None if B is None else B._array.astype(dtype.np).reshape((count, m, m))
    xs = None if X is None else X._array.astype(dtype.np).reshape((count, m, n))
    k_inv = None if iK is None else iK._array.astype(dtype.np)
    values, vectors = [], []
    for i in range(count):
        x0 = randn((m, n), dtype=dtype)._array if xs is None else xs[i]
        E, V = _lobpcg_one(a[i], None if b is None else b[i], x0, k_inv, k, niter, tol, largest)
        values.append(E)
        vectors.append(V)
    return (Tensor._make(np.stack(values).reshape(batch + (k,))),
            Tensor._make(np.stack(vectors).reshape(batch + (m, k))))


def _lobpcg_one(a, b, x, k_inv, k, niter, tol, largest):
    apply_b = (lambda v: v) if b is None else (lambda v: b @ v)
    x_norm = np.linalg.norm(x)
    a_norm = np.linalg.norm(a @ x) / x_norm
    b_norm = np.linalg.norm(apply_b(x)) / x_norm
    n = x.shape[-1]
    E, X = _rayleigh_ritz(a, b, x, largest)
    E, X = E[:n], X[:, :n]
    P = None
    for _ in range(niter):
        R = a @ X - apply_b(X) * E
        rerr = np.linalg.norm(R, axis=0) / (np.linalg.norm(X, axis=0) * (a_norm + np.abs(E) * b_norm))
        if np.all(rerr[:k] < tol):
            break
        W = R if k_inv is None else k_inv @ R
        S = np.concatenate([X, W] + ([] if P is None else [P]), axis=1)
        evals, Y = _rayleigh_ritz(a, b, S, largest)
        new = Y[:, :n]
        P = new - X @ (X.T @ apply_b(new))  # the step just taken, outside span(X)
        E, X = evals[:n], new
    return E[:k], X[:, :k]


def _rayleigh_ritz(a, b, S, largest):
    """Ritz pairs of A on span(S): a B-orthonormal basis T of it, then eigh of Tᵀ A T."""
    u, s, _ = np.linalg.svd(S, full_matrices=False)
    T = u[:, s > s[0] * S.shape[0] * np.finfo(S.dtype).eps]
    if b is not None:
        L = np.linalg.cholesky(T.T @ b @ T)
        T = np.linalg.solve(L, T.T).T  # T L⁻ᵀ: Tᵀ B T = I
    M = T.T @ a @ T
    evals, Z = np.linalg.eigh((M + M.T) / 2)
    order = np.argsort(-evals if largest else evals, kind="stable")
    return evals[order], T @ Z[:, order]
