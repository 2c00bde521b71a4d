"""Randomized low-rank SVD and PCA (Halko, Martinsson & Tropp 2009), as torch/_lowrank.py.

The random test matrix is drawn with ``learntorch.randn`` exactly as torch draws it, so a
seeded call gives torch's numbers.  Everything else is differentiable tensor code.
"""
from . import linalg
from .ops.sampling import randn


def _floating(A):
    """torch's get_floating_dtype: floating dtypes stay, integers compute in float32."""
    from . import _dtype
    return A.dtype if A.is_floating_point() else _dtype.float32


def get_approximate_basis(A, q, niter=2, M=None):
    """Q with q orthonormal columns such that Q Qᴴ (A − M) ≈ A − M (Algorithm 4.4)."""
    niter = 2 if niter is None else niter
    R = randn(A.shape[-1], q, dtype=_floating(A))
    X = A @ R if M is None else A @ R - M @ R
    Q = linalg.qr(X).Q
    for _ in range(niter):
        X = A.mH @ Q if M is None else A.mH @ Q - M.mH @ Q
        Q = linalg.qr(X).Q
        X = A @ Q if M is None else A @ Q - M @ Q
        Q = linalg.qr(X).Q
    return Q


def svd_lowrank(A, q=6, niter=2, M=None):
    """(U, S, V) with A − M ≈ U diag(S) Vᴴ, of rank q (Algorithm 5.1); batches of matrices."""
    q = 6 if q is None else q
    m, n = A.shape[-2:]
    if M is not None:
        M = M.broadcast_to(A.shape)
    if m < n:
        A = A.mH
        M = None if M is None else M.mH
    Q = get_approximate_basis(A, q, niter=niter, M=M)
    B = Q.mH @ A if M is None else Q.mH @ A - Q.mH @ M
    U, S, Vh = linalg.svd(B, full_matrices=False)
    U, V = Q @ U, Vh.mH
    return (V, S, U) if m < n else (U, S, V)


def pca_lowrank(A, q=None, center=True, niter=2):
    """(U, S, V) of the centred data matrix A (samples × features): V's columns are the
    principal directions and S²/(m − 1) the variances along them."""
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not 0 <= q <= min(m, n):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)="
                         f"{min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return svd_lowrank(A, q, niter=niter)
    return svd_lowrank(A - A.mean(dim=(-2,), keepdim=True), q, niter=niter)


__all__ = ["svd_lowrank", "pca_lowrank"]
