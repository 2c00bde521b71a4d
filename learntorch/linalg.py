"""``learntorch.linalg``: norms, inverses, determinants, solves and factorizations.

``inv``, ``det``, ``solve`` and the factorizations ``cholesky``, ``qr``, ``svd``,
``svdvals``, ``eigh`` and ``eigvalsh`` are differentiable (torch's backward formulas);
``eig``, ``matrix_rank`` and ``pinv`` compute values only.
"""
import numpy as np

from . import _dtype
from ._tensor import Tensor, _wrap_dim
from .autograd.function import Function
from .ops._op import Op
from .ops.linalg import linalg_cross as cross  # noqa: F401 (torch.linalg.cross)


class LinAlgError(RuntimeError):
    """torch raises ``torch.linalg.LinAlgError`` (a RuntimeError) for singular input."""


def _square(A, name):
    if A.dim() < 2:
        raise RuntimeError(f"linalg.{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if not A.is_floating_point():
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as input. "
                           f"Got {_dtype.type_word(A.dtype)}")


def _mT(t):
    return t.transpose(-2, -1)


class Inverse(Op):
    node_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, a):
        try:
            out = np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise LinAlgError("linalg.inv: The diagonal element 1 is zero, the inversion could not "
                              "be completed because the input matrix is singular.") from None
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        inv_a, = ctx.saved_tensors
        return -(_mT(inv_a) @ grad @ _mT(inv_a))


def inv(A, *, out=None):
    _square(A, "inv")
    return Inverse.apply(A)


class Det(Op):
    node_name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, a):
        out = np.linalg.det(a).astype(a.dtype, copy=False)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, det_a = ctx.saved_tensors
        # d det(A) / dA = det(A) · A⁻ᵀ
        return (grad * det_a).unsqueeze(-1).unsqueeze(-1) * _mT(inv(a))


def det(A, *, out=None):
    _square(A, "det")
    return Det.apply(A)


class Solve(Op):
    node_name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx, a, b):
        vector = b.ndim == a.ndim - 1
        try:
            x = np.linalg.solve(a, b[..., None] if vector else b)
        except np.linalg.LinAlgError:
            raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is "
                              "singular.") from None
        x = x[..., 0] if vector else x
        ctx.vector = vector
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        grad_b = solve(_mT(a), grad)
        if ctx.vector:
            grad_a = -grad_b.unsqueeze(-1) @ x.unsqueeze(-2)
        else:
            grad_a = -grad_b @ _mT(x)
        return grad_a, grad_b


def solve(A, B, *, left=True, out=None):
    """X with A @ X = B (B a vector or a matrix, batches broadcast)."""
    _square(A, "solve")
    dt = _dtype.result_type(A, B)
    return Solve.run((A, B), (A._array.astype(dt.np, copy=False), B._array.astype(dt.np, copy=False)),
                     {})


# -- norms (built from differentiable ops, so they have gradients) ------------------------------
def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """(Σ|x|^ord)^(1/ord) over ``dim`` (all elements when None); ord may be inf, -inf or 0."""
    if dtype is not None:
        x = x.to(dtype)
    if not x.is_floating_point():
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {_dtype.type_word(x.dtype)}")
    magnitude = x.abs()
    if ord in (float("inf"), float("-inf")) and _reduces_an_empty_dim(x, dim):
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor "
                           f"because the operation does not have an identity")
    if ord == float("inf"):
        return magnitude.amax(dim=() if dim is None else dim, keepdim=keepdim)
    if ord == float("-inf"):
        return magnitude.amin(dim=() if dim is None else dim, keepdim=keepdim)
    if ord == 0:
        return CountNonzero.apply(x, axes=_axes(dim, x.dim()), keepdim=keepdim)
    if ord == 2:
        return _safe_sqrt((x * x).sum(dim, keepdim=keepdim))
    return PNorm.apply(x, ord=ord, axes=_axes(dim, x.dim()), keepdim=keepdim)


class PNorm(Op):
    """(Σ|x|^p)^(1/p) with torch's backward, which is 0 (not NaN) for a zero vector."""

    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, ord, axes, keepdim):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = np.asarray(np.power(np.power(np.abs(x), ord).sum(axis=axes, keepdims=keepdim),
                                      1.0 / ord), dtype=x.dtype)
        ctx.ord, ctx.axes, ctx.keepdim = ord, axes, keepdim
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        from .ops.pointwise import where
        from .ops.reduction import _expand_back
        x, norm = ctx.saved_tensors
        p = ctx.ord
        grad, norm = (_expand_back(t, x.shape, ctx.axes, ctx.keepdim) for t in (grad, norm))
        scaled = x.sign() * x.abs() ** (p - 1)
        if p < 1:
            return where(x == 0, 0.0, scaled) * grad * norm ** (1 - p)
        return scaled * where(norm == 0, 0.0, grad / norm ** (p - 1))


class CountNonzero(Op):
    """The 0-"norm": piecewise constant, and torch leaves its input's gradient undefined (None)."""

    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        return np.asarray(np.count_nonzero(x, axis=axes, keepdims=keepdim), dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return None


def _axes(dim, ndim):
    if dim is None or ndim == 0:
        return None
    return tuple(_wrap_dim(d, ndim) for d in ((dim,) if isinstance(dim, int) else dim)) or None


def _reduces_an_empty_dim(x, dim):
    axes = _axes(dim, x.dim())
    return x.numel() == 0 and (axes is None or any(x.shape[a] == 0 for a in axes))


def _safe_sqrt(t):
    """sqrt whose gradient at 0 is 0 (torch's choice for the norm of a zero vector), not inf."""
    return SafeSqrt.apply(t)


class SafeSqrt(Op):
    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x):
        out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        from .ops.pointwise import where
        return where(out == 0, 0.0, grad / (2 * out))


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """'fro' (default), 'nuc', inf, -inf, 1, -1, 2, -2 over the two matrix dims."""
    if dtype is not None:
        A = A.to(dtype)
    d0, d1 = (_wrap_dim(d, A.dim()) for d in dim)
    if ord == "fro":
        return vector_norm(A, 2, dim=(d0, d1), keepdim=keepdim)
    if ord in (float("inf"), float("-inf"), 1, -1):
        rows_first = ord in (1, -1)
        summed = A.abs().sum(d0 if rows_first else d1, keepdim=True)
        pick = summed.amax if ord > 0 else summed.amin
        out = pick(dim=d1 if rows_first else d0, keepdim=True)
        return out if keepdim else out.squeeze((d0, d1))
    if ord in ("nuc", 2, -2):
        moved = A.movedim((d0, d1), (-2, -1))
        s = svdvals(moved)
        out = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
        return out.unsqueeze(-1).unsqueeze(-1).movedim((-2, -1), (d0, d1)) if keepdim else out
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):
    """A vector norm for 1 dim (or all, when ord is None), a matrix norm for 2 dims."""
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        if dim is not None and len(dim) == 2:
            return matrix_norm(A, "fro", dim, keepdim, dtype=dtype)
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if dim is None:
        dim = (-2, -1) if A.dim() == 2 else (0,) if A.dim() == 1 else None
    if dim is not None and len(dim) == 2:
        return matrix_norm(A, ord, dim, keepdim, dtype=dtype)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: Order {ord} not supported.")
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


# -- factorizations ------------------------------------------------------------------------------
# cholesky is a one-output ``Op``; svd, qr and eigh return several tensors, so they are
# ``autograd.Function``s (one node, several outputs, zeros never materialised: a ``None``
# gradient means "this output was not used", which keeps S⁻¹ out of the formulas when
# only S was used).  The backward formulas are torch's (FunctionsManual.cpp), real case.
def _values(*arrays):
    return tuple(Tensor._make(np.ascontiguousarray(a)) for a in arrays)


def _torch_node_name(fn, name):
    """Give a Function's grad_fn class torch's name (e.g. ``LinalgSvdBackward0``)."""
    fn._backward_cls.__name__ = fn._backward_cls.__qualname__ = name
    return fn


def _diag_embed(v):
    n = v.shape[-1]
    eye = Tensor._make(np.eye(n, dtype=v._array.dtype))
    return v.unsqueeze(-1) * eye


def _with_unit_diagonal(E):
    """E with its diagonal set to 1 (a division by E then leaves the diagonal alone)."""
    n = E.shape[-1]
    eye = np.eye(n, dtype=E._array.dtype)
    return E * Tensor._make(1.0 - eye) + Tensor._make(eye)


def _zero_diagonal(X):
    return X * Tensor._make(1.0 - np.eye(X.shape[-1], dtype=X._array.dtype))


def _solve_right(B, M):
    """X with X @ M = B."""
    return _mT(solve(_mT(M), _mT(B)))


class _Svd(Function):
    @staticmethod
    def forward(ctx, A, full_matrices):
        u, s, vh = np.linalg.svd(A._array, full_matrices=full_matrices)
        U, S, Vh = _values(u, s, vh)
        ctx.full_matrices = full_matrices
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(U, S, Vh)
        return U, S, Vh

    @staticmethod
    def backward(ctx, gU, gS, gVh):
        U, S, Vh = ctx.saved_tensors
        if ctx.full_matrices:  # torch's choice: only the first k = min(m, n) vectors count
            k = S.shape[-1]
            U, Vh = U[..., :, :k], Vh[..., :k, :]
            gU = None if gU is None else gU[..., :, :k]
            gVh = None if gVh is None else gVh[..., :k, :]
        return _svd_backward(gU, gS, gVh, U, S, Vh), None


_torch_node_name(_Svd, "LinalgSvdBackward0")


def _svd_backward(gU, gS, gVh, U, S, Vh):
    """torch's svd_backward (thin SVD, distinct non-zero singular values when U or V is used):

    gA = U [(skew(UᵀgU) S + S skew(VᵀgV)) / E + diag(gS)] Vᵀ
         + (I − UUᵀ) gU S⁻¹ Vᵀ + U S⁻¹ gVᵀ (I − VVᵀ),   E_jk = s_k² − s_j² (1 on the diagonal).
    """
    m, n = U.shape[-2], Vh.shape[-1]
    k = S.shape[-1]
    if gU is None and gVh is None:
        if gS is None:
            return None
        return (U * gS.unsqueeze(-2)) @ Vh
    V = _mT(Vh)
    gV = None if gVh is None else _mT(gVh)
    S2 = S * S
    E = _with_unit_diagonal(S2.unsqueeze(-2) - S2.unsqueeze(-1))
    gA = None
    if gU is not None:
        UhgU = _mT(U) @ gU
        gA = (UhgU - _mT(UhgU)) * S.unsqueeze(-2)
    if gV is not None:
        VhgV = _mT(V) @ gV
        term = S.unsqueeze(-1) * (VhgV - _mT(VhgV))
        gA = term if gA is None else gA + term
    gA = gA / E
    if gS is not None:
        gA = gA + _diag_embed(gS)
    if m > k and gU is not None:
        gA = U @ gA
        gUSinv = gU / S.unsqueeze(-2)
        gA = gA + gUSinv - U @ (_mT(U) @ gUSinv)
        return gA @ Vh
    if n > k and gV is not None:
        gA = gA @ Vh
        SinvgVh = _mT(gV) / S.unsqueeze(-1)
        gA = gA + SinvgVh - (SinvgVh @ V) @ Vh
        return U @ gA
    return U @ gA @ Vh


def svd(A, full_matrices=True, *, driver=None, out=None):
    """U, S, Vh with A = U diag(S) Vh; differentiable like torch's.

    The gradient is exact while the singular values are distinct (and non-zero where U or
    Vh is used); the loss must not depend on each vector's sign.  With ``full_matrices=True``
    (m ≠ n) only the first min(m, n) columns of U / rows of Vh carry gradient — the extra
    ones are not unique — which is what torch's backward does too.
    """
    return _Svd.apply(A, full_matrices=full_matrices)


class Svdvals(Op):
    """Singular values; ``dS/dA = U diag(grad) Vᴴ`` (exact while the values are distinct)."""

    node_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, a):
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        ctx.u, ctx.vh = u, vh
        return s

    @staticmethod
    def backward(ctx, grad):
        u, vh = Tensor._make(ctx.u), Tensor._make(ctx.vh)
        return (u * grad.unsqueeze(-2)) @ vh


def svdvals(A, *, driver=None, out=None):
    """Singular values, descending; differentiable (nuclear and spectral norms use it)."""
    return Svdvals.apply(A)


class _Qr(Function):
    @staticmethod
    def forward(ctx, A, mode):
        a = A._array
        if mode == "r":
            q, r = np.zeros((0,), dtype=a.dtype), np.linalg.qr(a, mode="r")
        else:
            q, r = np.linalg.qr(a, mode=mode)
        Q, R = _values(q, r)
        ctx.mode = mode
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(Q, R)
        return Q, R

    @staticmethod
    def backward(ctx, gQ, gR):
        Q, R = ctx.saved_tensors
        n = R.shape[-1]
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you are "
                               "going to differentiate through linalg.qr.")
        if ctx.mode == "complete" and Q.shape[-2] > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                               "and nrows > ncols.")
        if gQ is None and gR is None:
            return None, None
        m = Q.shape[-2]
        if m >= n:
            return _qr_backward_tall(gQ, gR, Q, R), None
        # m < n: A = [X | Y] with X = Q U (square), R = [U | V], V = Qᵀ Y.
        from .ops.indexing import cat
        U = R[..., :, :m]
        gU = None if gR is None else gR[..., :, :m]
        gV = None if gR is None else gR[..., :, m:]
        Y = Q @ R[..., :, m:]
        if gV is not None:
            extra = Y @ _mT(gV)
            gQ = extra if gQ is None else gQ + extra
        gX = _qr_backward_tall(gQ, gU, Q, U)
        gY = Q @ gV if gV is not None else Tensor._make(
            np.zeros(Y.shape, dtype=Y._array.dtype))
        return cat([gX, gY], -1), None


_torch_node_name(_Qr, "LinalgQrBackward0")


def _qr_backward_tall(gQ, gR, Q, R):
    """m ≥ n: gA = (gQ + Q syminvadj(triu(gR Rᵀ − Qᵀ gQ))) R⁻ᵀ (torch's linalg_qr_backward),
    with syminvadj(X) = X + Xᵀ with the diagonal halved."""
    M = None
    if gR is not None:
        M = gR @ _mT(R)
    if gQ is not None:
        QhgQ = _mT(Q) @ gQ
        M = -QhgQ if M is None else M - QhgQ
    M = M.triu()
    sym = M + _mT(_zero_diagonal(M))
    gA = Q @ sym
    if gQ is not None:
        gA = gA + gQ
    return _solve_right(gA, _mT(R))


def qr(A, mode="reduced", *, out=None):
    """Q, R with A = QR; differentiable like torch's.

    ``mode='reduced'`` (any shape) and ``mode='complete'`` with m ≤ n have gradients (R must
    have a non-zero diagonal).  As in torch, backward raises for ``mode='complete'`` with
    m > n (Q's extra columns are not unique) and for ``mode='r'`` (Q is not computed; Q is
    then an empty tensor).
    """
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           f"'reduced' (default), 'r', or 'complete'")
    return _Qr.apply(A, mode=mode)


class Cholesky(Op):
    """L with A = L Lᵀ (Lᵀ when ``upper``); backward as torch's cholesky_backward (Murray 2016):

    gA = L⁻ᵀ Φ(Lᵀ gL) L⁻¹, Φ(X) = ½ (tril(X) + tril(X, −1)ᵀ)  (symmetric).
    """

    node_name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx, a, upper):
        try:
            lower = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            raise LinAlgError("linalg.cholesky: The factorization could not be completed because "
                              f"the input is not positive-definite (the leading minor of order "
                              f"{_first_bad_minor(a)} is not positive-definite).") from None
        out = np.ascontiguousarray(np.swapaxes(lower, -1, -2) if upper else lower)
        ctx.upper = upper
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        L, gL = (_mT(out), _mT(grad)) if ctx.upper else (out, grad)
        gA = (_mT(L) @ gL).tril()
        gA = 0.5 * (gA + _mT(gA.tril(-1)))
        gA = solve(_mT(L), gA)           # L⁻ᵀ gA
        return _solve_right(gA, L)       # … L⁻¹


def cholesky(A, *, upper=False, out=None):
    """L lower-triangular with A = L Lᴴ (reads the lower triangle); differentiable."""
    _square(A, "cholesky")
    return Cholesky.apply(A, upper=upper)


def _first_bad_minor(a):
    """The order of the first leading minor that is not positive-definite (torch's message)."""
    for matrix in a.reshape((-1,) + a.shape[-2:]):
        for k in range(1, matrix.shape[-1] + 1):
            try:
                np.linalg.cholesky(matrix[:k, :k])
            except np.linalg.LinAlgError:
                return k
    return a.shape[-1]


class _Eigh(Function):
    @staticmethod
    def forward(ctx, A, UPLO):
        w, v = np.linalg.eigh(A._array, UPLO=UPLO)
        L, V = _values(w, v)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(L, V)
        return L, V

    @staticmethod
    def backward(ctx, gL, gV):
        L, V = ctx.saved_tensors
        return _eigh_backward(gL, gV, L, V), None


_torch_node_name(_Eigh, "LinalgEighBackward0")


def _eigh_backward(gL, gV, L, V):
    """torch's linalg_eig_backward for Hermitian input:

    gA = V (diag(gL) + skew½(Vᵀ gV) / E) Vᵀ,  E_ij = λ_j − λ_i (exact for distinct eigenvalues).
    """
    if gV is None:
        if gL is None:
            return None
        return (V * gL.unsqueeze(-2)) @ _mT(V)
    VhgV = _mT(V) @ gV
    VhgV = 0.5 * (VhgV - _mT(VhgV))
    inner = VhgV / _with_unit_diagonal(L.unsqueeze(-2) - L.unsqueeze(-1))
    if gL is not None:
        inner = inner + _diag_embed(gL)
    return V @ inner @ _mT(V)


def eigh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix (one triangle is read).

    Differentiable like torch's: exact for distinct eigenvalues, and the loss must not
    depend on each eigenvector's sign.  The gradient is symmetric.
    """
    _square(A, "eigh")
    return _Eigh.apply(A, UPLO=UPLO)


def eigvalsh(A, UPLO="L", *, out=None):
    """Eigenvalues of a symmetric matrix, ascending; differentiable (gA = V diag(g) Vᵀ)."""
    _square(A, "eigh")
    return eigh(A, UPLO)[0]


def eig(A, *, out=None):
    """Eigenvalues and eigenvectors.  learntorch has no complex dtypes: raises if any are complex."""
    _square(A, "eig")
    w, v = np.linalg.eig(A._array)
    # Rounding can leave a real spectrum with imaginary parts of a few ulps: those are real.
    scale = max(1.0, float(np.abs(w).max())) if w.size else 1.0
    if np.any(np.abs(np.imag(w)) > 100 * np.finfo(A._array.dtype).eps * scale):
        raise RuntimeError("linalg.eig: the eigenvalues are complex, and learntorch has no complex "
                           "dtypes")
    return _values(np.real(w).astype(A._array.dtype), np.real(v).astype(A._array.dtype))


def eigvals(A, *, out=None):
    return eig(A)[0]


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    s = np.linalg.svd(A._array, compute_uv=False)
    tol_rel = rtol if rtol is not None else (
        max(A.shape[-2:]) * np.finfo(A._array.dtype).eps if atol is None else 0.0)
    smax = s.max(axis=-1, keepdims=True) if s.size else np.zeros(s.shape[:-1] + (1,))
    tol = np.maximum(atol or 0.0, tol_rel * smax)
    return Tensor._make((s > tol).sum(axis=-1).astype(np.int64))


def matrix_power(A, n):
    _square(A, "matrix_power")
    if n < 0:
        return matrix_power(inv(A), -n)
    result = Tensor._make(np.broadcast_to(np.eye(A.shape[-1], dtype=A._array.dtype), A.shape).copy())
    for _ in range(n):
        result = result @ A
    return result


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    return Tensor._make(np.linalg.pinv(A._array))
