"""``learntorch.linalg``: torch.linalg — norms, inverses, determinants, solves, factorizations.

Differentiable with torch's backward formulas (written in learntorch ops, so they differentiate
again): inv, det (singular matrices too), slogdet, solve, solve_triangular, cholesky, qr, svd,
svdvals, eigh, eigvalsh, lu, lu_factor, lu_solve, matrix_exp, matrix_power, pinv, lstsq's
solution, householder_product, and the norms.  LU, Cholesky and LDLᵀ reproduce LAPACK's pivots
and info codes (getrf, potf2, sytf2).  ``eig``/``eigvals`` raise: torch returns them complex,
and learntorch has no complex linear algebra.
"""
import numpy as np

from . import _dtype
from ._tensor import Tensor, _wrap_dim
from .autograd.function import Function
from .ops._op import Op
from ._dtype import c_type_name as _c_name
from .ops.linalg import matmul  # noqa: F401 (torch.linalg.matmul is torch.matmul)
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


def _no_integer_kernel(A, kernel):
    """torch's error when a LAPACK kernel has no integer version (``"lu_cpu" not implemented
    for 'Long'``)."""
    if not A.is_floating_point():
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dtype.type_word(A.dtype)}'")


def _mT(t):
    return t.transpose(-2, -1)


class Inverse(Op):
    node_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, a, name="linalg.inv", check_errors=True):
        try:
            out = np.linalg.inv(a)
        except np.linalg.LinAlgError:
            if check_errors:
                _raise_singular(a, name, "The diagonal element {i} is zero, the inversion could "
                                         "not be completed because the input matrix is singular.")
            out = _inverse_via_lu(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        inv_a, = ctx.saved_tensors
        return -(_mT(inv_a) @ grad @ _mT(inv_a))


def _lu_info(a, result):
    """getrf's info for each matrix: 0 unless a pivot is exactly zero.  A zero pivot leaves
    inf/nan in the inverse or solution computed from the factors, so a finite, non-empty
    ``result`` answers the common case without factorizing again."""
    if result.size and np.isfinite(result).all():
        return np.zeros(a.shape[:-2], dtype=np.int32)
    return _lu_arrays(a)[2]


def _raise_singular(a, name, message):
    """torch's LinAlgError for a singular (batch of) matrices: the first bad element's info."""
    info = _lu_arrays(a)[2].reshape(-1)
    first = int(np.argmax(info > 0))
    where = f"(Batch element {first}): " if a.ndim > 2 else ""
    raise LinAlgError(f"{name}: {where}{message.format(i=int(info[first]))}") from None


def _solve_via_lu(a, b):
    """A⁻¹ B = U⁻¹ L⁻¹ Pᵀ B by substitution: a zero pivot gives inf/nan, as LAPACK's getrs."""
    lu, pivots, _ = _lu_arrays(a)
    pt = np.swapaxes(_permutation(pivots, a.shape[-1], a.dtype), -1, -2)
    y = _solve_triangular_array(lu, pt @ b, upper=False, unitriangular=True)
    return _solve_triangular_array(lu, y, upper=True)


def _inverse_via_lu(a):
    return _solve_via_lu(a, np.eye(a.shape[-1], dtype=a.dtype))


def inv(A, *, out=None):
    """A⁻¹; raises ``LinAlgError`` (a RuntimeError) for a singular matrix, as torch does."""
    _square(A, "inv")
    return Inverse.apply(A)


def inv_ex(A, *, check_errors=False, out=None):
    """(inverse, info): info is the 1-based index of LU's first zero pivot (0 when A is
    invertible); a singular A's inverse has inf/nan entries instead of raising."""
    from . import return_types
    _square(A, "inv")
    inverse = Inverse.apply(A, name="linalg.inv_ex", check_errors=check_errors)
    return return_types.linalg_inv_ex(inverse, Tensor._make(_lu_info(A._array, inverse._array)))


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
        return _det_backward(grad, det_a, a)


def _det_backward(grad, det, A):
    """torch's linalg_det_backward.  d det(A) = det(A) tr(A⁻¹ dA), so gA = g·det·A⁻ᵀ where A
    is invertible; where |det| < 100·eps, through the SVD instead (det = det U · det Vh · Πs,
    whose product rule needs no division), so a singular A gets its cofactor matrix."""
    from .ops.pointwise import where
    if A.numel() == 0 or A.shape[-1] == 1:
        return grad.unsqueeze(-1).unsqueeze(-1).expand(A.shape)
    g = (grad * det).unsqueeze(-1).unsqueeze(-1)
    singular = np.abs(det._array) < 100 * np.finfo(A._array.dtype).eps
    if not singular.any():
        return solve(_mT(A), g * _identity_like(A))
    eye = _identity_like(A)
    if singular.all():
        return _det_backward_singular(grad, A)
    mask = Tensor._make(singular[..., None, None])
    distinct = _diag_embed(Tensor._make(np.arange(1, A.shape[-1] + 1, dtype=A._array.dtype)))
    return where(mask, _det_backward_singular(grad, where(mask, A, distinct)),
                 solve(_mT(where(mask, eye, A)), g * eye))


def _det_backward_singular(grad, A):
    from .ops.indexing import cat
    U, S, Vh = svd(A)
    alpha = det(U) * det(Vh) * grad
    one = S[..., :1] * 0 + 1
    before = cat([one, S[..., :-1]], -1).cumprod(-1)              # s_0 ⋯ s_{i-1}
    after = cat([S[..., 1:], one], -1).flip(-1).cumprod(-1).flip(-1)  # s_{i+1} ⋯
    D = alpha.unsqueeze(-1) * before * after
    return (U * D.unsqueeze(-2)) @ Vh


def det(A, *, out=None):
    _square(A, "det")
    return Det.apply(A)


class Solve(Op):
    node_name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx, a, b, name="torch.linalg.solve", check_errors=True):
        vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
        rhs = b[..., None] if vector else b
        try:
            x = np.linalg.solve(a, rhs)
        except np.linalg.LinAlgError:
            if check_errors:
                _raise_singular(a, name, "The solver failed because the input matrix is "
                                         "singular.")
            x = _solve_via_lu(a, rhs)
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


def _solve(A, B, left, name, check_errors=True):
    _square(A, "solve")
    if A.dtype is not B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A "
                           f"of type {_dtype.type_word(A.dtype)} and B of type "
                           f"{_dtype.type_word(B.dtype)} instead")
    if not left:  # X A = B  ⇔  Aᵀ Xᵀ = Bᵀ
        return _mT(_solve(_mT(A), _mT(B), True, name, check_errors))
    return Solve.apply(A, B, name=name, check_errors=check_errors)


def solve(A, B, *, left=True, out=None):
    """X with A @ X = B (``left=False``: X @ A = B); B a vector or a matrix, batches broadcast."""
    return _solve(A, B, left, "torch.linalg.solve")


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """(result, info): ``solve`` that reports a singular A in ``info`` (LU's first zero pivot)."""
    from . import return_types
    _square(A, "solve")
    result = _solve(A, B, left, "torch.linalg.solve_ex", check_errors)
    return return_types.linalg_solve_ex(result, Tensor._make(_lu_info(A._array, result._array)))


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
    return tuple(Tensor._make(np.ascontiguousarray(a) if np.ndim(a) else np.asarray(a))
                 for a in arrays)


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
    from . import return_types
    _svd_input(A)
    return return_types.linalg_svd(*_Svd.apply(A, full_matrices=full_matrices))


def _svd_input(A, name="linalg.svd"):
    _at_least_matrix(A, name)
    if not A.is_floating_point():
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{_dtype.type_word(A.dtype)}")


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
    _svd_input(A)
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
    from . import return_types
    _svd_input(A, "linalg.qr")
    return return_types.linalg_qr(*_Qr.apply(A, mode=mode))


class Cholesky(Op):
    """L with A = L Lᵀ (Lᵀ when ``upper``); backward as torch's cholesky_backward (Murray 2016):

    gA = L⁻ᵀ Φ(Lᵀ gL) L⁻¹, Φ(X) = ½ (tril(X) + tril(X, −1)ᵀ)  (symmetric).
    """

    node_name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx, a, upper, name="linalg.cholesky"):
        try:
            lower = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            if name is None:  # cholesky_ex: the partial factor, as LAPACK leaves it
                lower = _partial_cholesky(a)
            else:
                info = _cholesky_info(a).reshape(-1)
                first = int(np.argmax(info > 0))
                where = f"(Batch element {first}): " if a.ndim > 2 else ""
                raise LinAlgError(f"{name}: {where}The factorization could not be completed "
                                  f"because the input is not positive-definite (the leading "
                                  f"minor of order {int(info[first])} is not "
                                  f"positive-definite).") from None
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
        gA = solve_triangular(_mT(L), gA, upper=True)            # L⁻ᵀ gA
        return solve_triangular(L, gA, upper=False, left=False)  # … L⁻¹


def cholesky(A, *, upper=False, out=None):
    """L lower-triangular with A = L Lᴴ (reads the lower triangle); differentiable."""
    _square(A, "cholesky")
    return Cholesky.apply(A, upper=upper)


def _partial_cholesky(a):
    """LAPACK's unblocked potf2, vectorized over the batch: column j is finished while the
    pivot a_jj − Σ l_jk² stays positive; the first that is not is stored and the rest of
    that matrix keeps A's lower triangle."""
    n = a.shape[-1]
    L = np.tril(a).reshape((-1, n, n)).copy()
    alive = np.ones(L.shape[0], dtype=bool)
    with np.errstate(all="ignore"):
        for j in range(n):
            pivot = L[:, j, j] - np.einsum("bk,bk->b", L[:, j, :j], L[:, j, :j])
            ok = alive & (pivot > 0)
            L[alive & ~ok, j, j] = pivot[alive & ~ok]
            alive = ok
            root = np.sqrt(np.where(ok, pivot, 1))
            L[ok, j, j] = root[ok]
            below = L[:, j + 1:, j] - np.einsum("bik,bk->bi", L[:, j + 1:, :j], L[:, j, :j])
            L[ok, j + 1:, j] = (below / root[:, None])[ok]
    return L.reshape(a.shape)


def _cholesky_info(a):
    """The order of the first leading minor that is not positive-definite (0 when none is)."""
    return _info_of_factor(_partial_cholesky(a))


def _info_of_factor(factor):
    """potrf's info from a (partial) factor: the first diagonal entry that is not > 0."""
    bad = ~(np.diagonal(factor, axis1=-2, axis2=-1) > 0)
    return np.where(bad.any(axis=-1), np.argmax(bad, axis=-1) + 1, 0).astype(np.int32)


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """(L, info): info is the order of the first leading minor that is not positive-definite
    (0 on success); then L holds the factorization up to that column, as LAPACK leaves it."""
    from . import return_types
    _square(A, "cholesky")
    L = Cholesky.apply(A, upper=upper, name="linalg.cholesky_ex" if check_errors else None)
    return return_types.linalg_cholesky_ex(L, Tensor._make(_info_of_factor(L._array)))


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
    from . import return_types
    return return_types.linalg_eigh(*_Eigh.apply(A, UPLO=UPLO))


def eigvalsh(A, UPLO="L", *, out=None):
    """Eigenvalues of a symmetric matrix, ascending; differentiable (gA = V diag(g) Vᵀ)."""
    _square(A, "eigh")
    return eigh(A, UPLO)[0]


def eig(A, *, out=None):
    """Not supported: torch returns eigenvalues and eigenvectors as complex tensors (cfloat or
    cdouble) for every input — even when all eigenvalues happen to be real — and learntorch
    has no complex linear algebra (its complex tensors are ``torch.fft`` results only).  Raises
    a RuntimeError saying so; for a symmetric matrix use ``eigh`` (real eigenvalues,
    ascending, and orthonormal eigenvectors)."""
    _square(A, "eig")
    raise RuntimeError(_NO_COMPLEX.format(name="eig"))


def eigvals(A, *, out=None):
    """Not supported, as ``eig``: torch's result is complex; use ``eigvalsh`` when A is symmetric."""
    _square(A, "eigvals")
    raise RuntimeError(_NO_COMPLEX.format(name="eigvals"))


_NO_COMPLEX = ("linalg.{name}: torch returns complex eigenvalues (cfloat/cdouble) for every "
               "input, even when they are all real, and learntorch has no complex linear "
               "algebra (its complex tensors are torch.fft results only). For a symmetric matrix "
               "use linalg.eigh or linalg.eigvalsh.")


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """The number of singular values above max(atol, rtol·σ_max) (torch's default tolerances)."""
    if A.dim() < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least 2 "
                           "dimensions.")
    if not A.is_floating_point():
        raise RuntimeError("This function doesn't handle types other than float and double")
    s = np.linalg.svd(A._array, compute_uv=False)
    tol_rel = rtol if rtol is not None else (
        max(A.shape[-2:]) * np.finfo(A._array.dtype).eps if atol is None else 0.0)
    smax = s.max(axis=-1, keepdims=True) if s.size else np.zeros(s.shape[:-1] + (1,))
    tol = np.maximum(atol or 0.0, tol_rel * smax)
    return Tensor._make((s > tol).sum(axis=-1).astype(np.int64))


# -- triangular solves -----------------------------------------------------------------------------
def _triangle_of(a, upper, unitriangular):
    """The triangle of ``a`` a solver reads (ones on the diagonal when ``unitriangular``)."""
    t = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        i = np.arange(a.shape[-1])
        t[..., i, i] = 1
    return t


def _solve_triangular_array(a, b, upper, left=True, unitriangular=False):
    """X with T X = B (``left``) or X T = B, T the triangle of ``a``; batches broadcast."""
    if not left:
        x = _solve_triangular_array(np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2), not upper,
                                    True, unitriangular)
        return np.swapaxes(x, -1, -2)
    t = _triangle_of(a, upper, unitriangular)
    if t.shape[-1] and np.all(np.diagonal(t, axis1=-2, axis2=-1) != 0):
        return np.linalg.solve(t, b)  # LAPACK in one call; the triangle is never singular here
    return _substitute(t, b, upper)


def _substitute(t, b, upper):
    """Row-by-row substitution: a zero on the diagonal gives inf/nan, as BLAS's trsm does."""
    n = t.shape[-1]
    shape = np.broadcast_shapes(t.shape[:-2], b.shape[:-2]) + b.shape[-2:]
    x = np.zeros(shape, dtype=b.dtype)
    with np.errstate(all="ignore"):
        for i in (range(n - 1, -1, -1) if upper else range(n)):
            x[..., i, :] = (b[..., i, :] - (t[..., i:i + 1, :] @ x)[..., 0, :]) / t[..., i, i, None]
    return x


class SolveTriangular(Op):
    """Backward (torch's): gB = solve_triangular(Aᴴ, g), gA = −gB Xᴴ on A's triangle."""

    node_name = "LinalgSolveTriangularBackward0"

    @staticmethod
    def forward(ctx, a, b, upper, left, unitriangular):
        x = _solve_triangular_array(a, b, upper, left, unitriangular)
        ctx.upper, ctx.left, ctx.unitriangular = upper, left, unitriangular
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        upper, left, unit = ctx.upper, ctx.left, ctx.unitriangular
        grad_b = solve_triangular(_mT(a), grad, upper=not upper, left=left, unitriangular=unit)
        grad_a = None
        if ctx.needs_input_grad[0]:
            grad_a = -(grad_b @ _mT(x)) if left else -(_mT(x) @ grad_b)
            grad_a = grad_a.triu(int(unit)) if upper else grad_a.tril(-int(unit))
        return grad_a, grad_b


def _at_least_matrix(t, name, what="A"):
    if t.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor {what} must have at least 2 dimensions.")


def _check_system(A, B, name, left, square_name=None):
    """torch's checks for ``AX = B`` / ``XA = B``: dims, a square A, matching sizes."""
    _at_least_matrix(A, name)
    _at_least_matrix(B, name, "B")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{square_name or name}: A must be batches of square matrices, but they "
                           f"are {A.shape[-2]} by {A.shape[-1]} matrices")
    if (A.shape[-1] != B.shape[-2]) if left else (A.shape[-2] != B.shape[-1]):
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation {eq} "
                           f"({A.shape[-2]}x{A.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})")


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """X with A X = B (``left=False``: X A = B) for triangular A; only that triangle is read.

    B is cast to A's dtype (torch's result dtype); batch dims broadcast; differentiable.
    """
    _check_system(A, B, "linalg.solve_triangular", left)
    _no_integer_kernel(A, "triangular_solve_cpu")
    return SolveTriangular.run((A, B), (A._array, B._array.astype(A._array.dtype, copy=False)),
                               {"upper": upper, "left": left, "unitriangular": unitriangular})


# -- LU ------------------------------------------------------------------------------------------
def _lu_arrays(a):
    """LU with partial pivoting as LAPACK's getrf: at step j the first row with the largest
    |value| in column j is swapped up.  Returns (LU packed, 1-based int32 pivots, info), info
    the 1-based index of the first zero pivot (0 when there is none).  One NumPy update per
    column, vectorized over the batch."""
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    count = int(np.prod(batch, dtype=np.int64))
    lu = np.array(a, copy=True).reshape((count, m, n))
    pivots = np.zeros((count, k), dtype=np.int32)
    info = np.zeros(count, dtype=np.int32)
    rows = np.arange(count)
    with np.errstate(all="ignore"):
        for j in range(k):
            p = j + np.argmax(np.abs(lu[:, j:, j]), axis=1)
            pivots[:, j] = p + 1
            top = lu[rows, j].copy()
            lu[rows, j] = lu[rows, p]
            lu[rows, p] = top
            pivot = lu[:, j, j]
            zero = pivot == 0
            info[zero & (info == 0)] = j + 1
            lu[:, j + 1:, j] /= np.where(zero, 1, pivot)[:, None]  # a zero column stays zero
            lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j, None] * lu[:, j, None, j + 1:]
    return lu.reshape(a.shape), pivots.reshape(batch + (k,)), info.reshape(batch)


def _permutation(pivots, m, dtype):
    """P (… m×m) with A = P L U, from getrf's sequence of row swaps."""
    batch = pivots.shape[:-1]
    count = int(np.prod(batch, dtype=np.int64))
    perm = np.broadcast_to(np.arange(m), (count, m)).copy()
    swaps = pivots.reshape((count, -1)).astype(np.int64) - 1
    rows = np.arange(count)
    for j in range(swaps.shape[1]):
        target = swaps[:, j]
        top = perm[:, j].copy()
        perm[:, j] = perm[rows, target]
        perm[rows, target] = top
    P = np.zeros((count, m, m), dtype=dtype)
    P[rows[:, None], perm, np.arange(m)] = 1
    return P.reshape(batch + (m, m))


def _unpack(LU, k):
    """L (unit lower, m×k) and U (upper, k×n) from the packed factors, differentiably."""
    from .ops.creation import eye
    m = LU.shape[-2]
    L = LU[..., :, :k].tril(-1) + eye(m, k, dtype=LU.dtype)
    U = LU[..., :k, :].triu()
    return L, U


def _lu_backward(gL, gU, P, L, U):
    """torch's linalg_lu_backward: the factors' gradients pulled back through two triangular
    solves; a wide (tall) A passes the extra block of U (L) straight through."""
    from .ops.indexing import cat
    from .ops.creation import zeros
    if gL is None and gU is None:
        return None
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    if m == n:
        gA = None if gL is None else (_mT(L) @ gL).tril(-1)
        if gU is not None:
            upper = (gU @ _mT(U)).triu()
            gA = upper if gA is None else gA + upper
        gA = solve_triangular(_mT(U), gA, upper=False, left=False)
        gA = solve_triangular(_mT(L), gA, upper=True, unitriangular=True)
    elif m < n:
        U1 = U[..., :, :k]
        gA = None if gL is None else _mT(L) @ gL
        if gU is not None:
            term = -(gU.triu() @ _mT(U))
            gA = term if gA is None else gA + term
        gA = solve_triangular(_mT(U1), gA.tril(-1), upper=False, left=False)
        if gU is not None:
            gA = cat([gA + gU[..., :, :k].triu(), gU[..., :, k:]], -1)
        gA = solve_triangular(_mT(L), gA, upper=True, unitriangular=True)
        if gU is None:
            gA = cat([gA, zeros(gA.shape[:-1] + (n - k,), dtype=gA.dtype)], -1)
    else:
        L1 = L[..., :k, :]
        gA = None if gU is None else gU @ _mT(U)
        if gL is not None:
            term = -(_mT(L) @ gL.tril(-1))
            gA = term if gA is None else gA + term
        gA = solve_triangular(_mT(L1), gA.triu(), upper=True, unitriangular=True)
        if gL is not None:
            gA = cat([gA + gL[..., :k, :].tril(-1), gL[..., k:, :]], -2)
        gA = solve_triangular(_mT(U), gA, upper=False, left=False)
        if gL is None:
            gA = cat([gA, zeros(gA.shape[:-2] + (m - k, n), dtype=gA.dtype)], -2)
    return P @ gA


def _check_lu_input(A, name):
    if A.dim() < 2:
        raise RuntimeError(f"{name}: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(A.shape)} instead")
    _no_integer_kernel(A, "lu_cpu")


def _no_pivot(pivot, name):
    if not pivot:
        raise RuntimeError(f"{name}: LU without pivoting is not implemented on the CPU")


class _LuFactor(Function):
    @staticmethod
    def forward(ctx, A):
        lu, pivots, info = _lu_arrays(A._array)
        LU, piv, inf = _values(lu, pivots, info)
        ctx.save_for_backward(LU, piv)
        return LU, piv, inf

    @staticmethod
    def backward(ctx, grad, _gpiv, _ginfo):
        LU, piv = ctx.saved_tensors
        k = min(LU.shape[-2:])
        P = Tensor._make(_permutation(piv._array, LU.shape[-2], LU._array.dtype))
        L, U = _unpack(LU, k)
        return _lu_backward(grad[..., :, :k], grad[..., :k, :], P, L, U)


_torch_node_name(_LuFactor, "LinalgLuFactorExBackward0")


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """(LU, pivots, info): getrf's packed factors, 1-based int32 pivots and its info code."""
    _check_lu_input(A, "torch.linalg.lu_factor_ex")
    _no_pivot(pivot, "linalg.lu_factor")
    from . import return_types
    result = return_types.linalg_lu_factor_ex(*_LuFactor.apply(A))
    if check_errors:
        _raise_zero_pivot(result.info, "torch.linalg.lu_factor_ex")
    return result


def _raise_zero_pivot(info, name):
    bad = info._array.reshape(-1)
    if bad.size and bad.max() > 0:
        i = int(bad[bad > 0][0])
        batch = f" for batch {int(np.argmax(bad > 0))}" if info.dim() else ""
        raise RuntimeError(f"{name}: U[{i},{i}] is zero and using it on lu_solve would result in "
                          f"a division by zero{batch}. If you still want to perform the "
                          f"factorization, consider calling linalg.lu(A, pivot) or "
                          f"linalg.lu_factor_ex(A, pivot)")


def lu_factor(A, *, pivot=True, out=None):
    """(LU, pivots) of ``A = P L U``; raises for a singular matrix (a zero pivot) like torch."""
    _check_lu_input(A, "torch.linalg.lu_factor")
    _no_pivot(pivot, "linalg.lu_factor")
    from . import return_types
    LU, pivots, info = _LuFactor.apply(A)
    _raise_zero_pivot(info, "torch.linalg.lu_factor")
    return return_types.linalg_lu_factor(LU, pivots)


class _Lu(Function):
    @staticmethod
    def forward(ctx, A):
        lu, pivots, _ = _lu_arrays(A._array)
        m, n = lu.shape[-2:]
        k = min(m, n)
        P = Tensor._make(_permutation(pivots, m, lu.dtype))
        L, U = _unpack(Tensor._make(lu), k)
        ctx.mark_non_differentiable(P)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(P, L, U)
        return P, L, U

    @staticmethod
    def backward(ctx, _gP, gL, gU):
        return _lu_backward(gL, gU, *ctx.saved_tensors)


_torch_node_name(_Lu, "LinalgLuBackward0")


def lu(A, *, pivot=True, out=None):
    """P, L, U with A = P L U (L unit lower m×k, U upper k×n, k = min(m, n)); differentiable."""
    _check_lu_input(A, "linalg.lu")
    _no_pivot(pivot, "linalg.lu")
    from . import return_types
    return return_types.linalg_lu(*_Lu.apply(A))


def _check_pivots(pivots, name):
    if pivots.dtype is not _dtype.int32:
        raise RuntimeError(f"{name}: LU_pivots is expected to be a contiguous tensor of torch.int32 "
                           f"dtype.")


def _lu_unpack(LU, pivots, unpack_data=True, unpack_pivots=True):
    """torch.lu_unpack: (P, L, U) from lu_factor's output (empty tensors for what is not asked)."""
    from .ops.creation import empty
    _check_pivots(pivots, "torch.lu_unpack")
    m, n = LU.shape[-2:]
    k = min(m, n)
    P = (Tensor._make(_permutation(pivots._array, m, LU._array.dtype)) if unpack_pivots
         else empty(0, dtype=LU.dtype))
    if not unpack_data:
        return P, empty(0, dtype=LU.dtype), empty(0, dtype=LU.dtype)
    L, U = _unpack(LU, k)
    return P, L, U


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """X with A X = B (``left=False``: X A = B; ``adjoint``: Aᴴ instead of A) from A's LU.

    Written as two triangular solves and a permutation, so it is differentiable in LU and B.
    """
    _check_system(LU, B, "linalg.lu_solve", left, "torch.linalg.lu_solve")
    if pivots.dtype is not _dtype.int32:
        raise RuntimeError("linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32")
    P, L, U = _lu_unpack(LU, pivots)
    B = B.to(LU.dtype)
    if left and not adjoint:      # P L U X = B
        return solve_triangular(U, solve_triangular(L, _mT(P) @ B, upper=False,
                                                    unitriangular=True), upper=True)
    if left:                      # Uᵀ Lᵀ Pᵀ X = B
        Y = solve_triangular(_mT(L), solve_triangular(_mT(U), B, upper=False), upper=True,
                             unitriangular=True)
        return P @ Y
    if not adjoint:               # X P L U = B
        Y = solve_triangular(L, solve_triangular(U, B, upper=True, left=False), upper=False,
                             left=False, unitriangular=True)
        return Y @ _mT(P)
    Y = B @ P                     # X Uᵀ Lᵀ Pᵀ = B
    return solve_triangular(_mT(U), solve_triangular(_mT(L), Y, upper=True, left=False,
                                                     unitriangular=True), upper=False, left=False)


# -- determinants ----------------------------------------------------------------------------------
class _Slogdet(Function):
    @staticmethod
    def forward(ctx, A):
        sign, logabsdet = np.linalg.slogdet(A._array)
        dt = A._array.dtype
        S, L = _values(np.asarray(sign, dtype=dt), np.asarray(logabsdet, dtype=dt))
        ctx.set_materialize_grads(False)  # sign requires grad, as torch's, but is ignored
        ctx.save_for_backward(A)
        return S, L

    @staticmethod
    def backward(ctx, _gsign, glogabsdet):
        """d log|det A| = tr(A⁻¹ dA): the gradient is g · A⁻ᵀ (torch solves Aᵀ X = g I)."""
        if glogabsdet is None:
            return None
        A, = ctx.saved_tensors
        return solve(_mT(A), glogabsdet.unsqueeze(-1).unsqueeze(-1) * _identity_like(A))


_torch_node_name(_Slogdet, "LinalgSlogdetBackward0")


def _identity_like(A):
    from .ops.creation import eye
    return eye(A.shape[-1], dtype=A.dtype)


def slogdet(A, *, out=None):
    """(sign, log|det A|): the determinant without overflow; sign is 0 for a singular A."""
    _square(A, "slogdet")
    from . import return_types
    return return_types.linalg_slogdet(*_Slogdet.apply(A))


# -- matrix functions ------------------------------------------------------------------------------
# Padé [13/13] coefficients (Higham 2005, "The scaling and squaring method for the matrix
# exponential revisited"); theta13 bounds the 1-norm where it is accurate to double precision.
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
           40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152


def _expm_array(a):
    """exp(A) by scaling and squaring: A/2^s has 1-norm ≤ θ13, Padé 13 there, then s squarings.
    Computed in float64 and rounded to A's dtype."""
    if a.size == 0:
        return a.copy()
    x = a.astype(np.float64)
    norm = np.abs(x).sum(axis=-2).max(axis=-1)
    with np.errstate(all="ignore"):
        s = np.where(np.isfinite(norm) & (norm > _THETA13),
                     np.ceil(np.log2(norm / _THETA13)), 0).astype(np.int64)
    x = x / np.exp2(s)[..., None, None]
    b = _PADE13
    eye = np.eye(x.shape[-1])
    x2 = x @ x
    x4 = x2 @ x2
    x6 = x4 @ x2
    u = x @ (x6 @ (b[13] * x6 + b[11] * x4 + b[9] * x2) + b[7] * x6 + b[5] * x4 + b[3] * x2
             + b[1] * eye)
    v = x6 @ (b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4 + b[2] * x2 + b[0] * eye
    r = np.linalg.solve(v - u, v + u)
    for step in range(int(s.max(initial=0))):
        r = np.where((s > step)[..., None, None], r @ r, r)
    return r.astype(a.dtype)


class MatrixExp(Op):
    """Backward (torch's): the upper-right block of exp([[Aᵀ, G], [0, Aᵀ]]) (Mathias 1996)."""

    node_name = "LinalgMatrixExpBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _expm_array(a)

    @staticmethod
    def backward(ctx, grad):
        from .ops.indexing import cat
        from .ops.creation import zeros
        a, = ctx.saved_tensors
        n = a.shape[-1]
        at = _mT(a)
        block = cat([cat([at, grad], -1), cat([zeros(grad.shape, dtype=grad.dtype), at], -1)], -2)
        return matrix_exp(block)[..., :n, n:]


def matrix_exp(A):
    """exp(A) = Σ Aᵏ/k!, batched; differentiable (twice and more)."""
    _at_least_matrix(A, "linalg.matrix_exp")
    _square(A, "matrix_exp")
    return MatrixExp.apply(A)


def matrix_power(A, n, *, out=None):
    """Aⁿ by repeated squaring (n < 0: the inverse's power); integer matrices for n ≥ 0."""
    _at_least_matrix(A, "linalg.matrix_power")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they "
                           f"are {A.shape[-2]} by {A.shape[-1]} matrices")
    if n < 0:
        return matrix_power(inv(A), -n)
    if n == 0:  # the identity, copied into A's place: a zero gradient, as torch's CopyBackwards
        return A.clone().copy_(Tensor._make(np.eye(A.shape[-1], dtype=A._array.dtype)))
    result, power = None, A
    while True:
        if n & 1:
            result = power if result is None else result @ power
        n >>= 1
        if not n:
            return result.clone() if result is A else result
        power = power @ power


# -- pseudo-inverse and least squares ------------------------------------------------------------
def _pinv_tolerances(A, atol, rtol):
    """torch's defaults: rtol = eps·max(m, n) unless only a positive atol is given."""
    if rtol is None:
        positive_atol = atol is not None and np.any(np.asarray(_to_array(atol)) > 0)
        rtol = 0.0 if positive_atol else np.finfo(A._array.dtype).eps * max(A.shape[-2:])
    return (0.0 if atol is None else _to_array(atol)), _to_array(rtol)


def _to_array(x):
    return x._array if isinstance(x, Tensor) else np.asarray(x)


def _pinv_array(a, atol, rtol, hermitian):
    tail = (lambda t: np.asarray(t)[..., None])
    if hermitian:
        w, v = np.linalg.eigh(a)
        s = np.abs(w)
        top = s.max(axis=-1, keepdims=True, initial=0)
        keep = s > np.maximum(tail(atol), tail(rtol) * top)
        with np.errstate(divide="ignore"):
            inv_w = np.where(keep, 1 / np.where(keep, w, 1), 0)
        return ((v * inv_w[..., None, :]) @ np.swapaxes(v, -1, -2)).astype(a.dtype)
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    top = s[..., :1] if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), dtype=s.dtype)
    keep = s > np.maximum(tail(atol), tail(rtol) * top)
    inv_s = np.where(keep, 1 / np.where(keep, s, 1), 0)
    return ((np.swapaxes(vh, -1, -2) * inv_s[..., None, :]) @ np.swapaxes(u, -1, -2)).astype(a.dtype)


class Pinv(Op):
    node_name = "LinalgPinvBackward0"

    @staticmethod
    def forward(ctx, a, atol, rtol, hermitian):
        out = _pinv_array(a, atol, rtol, hermitian)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, pinv_a = ctx.saved_tensors
        return _pinv_backward(grad, pinv_a, a)


def _pinv_backward(grad, pinvA, A):
    """torch's pinv_backward (Golub & Pereyra), arranged to multiply the smallest matrices."""
    m, n = A.shape[-2:]
    pinvAh, gradh = _mT(pinvA), _mT(grad)
    if m <= n:
        K = gradh @ pinvA
        KpinvAh = K @ pinvAh
        return (-_mT(pinvA @ K) + KpinvAh - (A @ pinvA) @ KpinvAh
                + (pinvAh @ pinvA) @ (gradh - K @ A))
    K = pinvA @ gradh
    pinvAhK = pinvAh @ K
    return (-_mT(K @ pinvA) + (gradh - A @ K) @ pinvA @ pinvAh + pinvAhK
            - pinvAhK @ pinvA @ A)


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """Moore-Penrose pseudo-inverse through the SVD (eigh when ``hermitian``): singular values
    at most max(atol, rtol·σ_max) count as zero.  Differentiable (torch's formula)."""
    if A.dim() < 2 or not A.is_floating_point():
        raise RuntimeError(f"linalg.pinv({_dtype.type_word(A.dtype)}{{{list(A.shape)}}}): expected "
                           f"a tensor with 2 or more dimensions of float, double, cfloat or "
                           f"cdouble types")
    atol, rtol = _pinv_tolerances(A, atol, rtol)
    return Pinv.apply(A, atol=atol, rtol=rtol, hermitian=hermitian)


_LSTSQ_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):
    """(solution, residuals, rank, singular_values) of min ‖A X − B‖ (minimum-norm X).

    The solution is pinv(A) @ B (what torch's backward differentiates, and what LAPACK's
    gelsy/gelsd/gelss return), singular values at most rcond·σ_max counting as zero.  Which
    of the other outputs are filled follows torch's ``driver`` rules: rank for all but 'gels',
    singular_values for 'gelsd'/'gelss', residuals (‖A X − B‖² per column) when m > n, every
    matrix has full rank and the driver is not 'gelsy'.
    """
    from . import return_types
    from .ops.creation import empty
    if A.dim() < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    if B.dim() < 1:
        raise RuntimeError("torch.linalg.lstsq: other must have at least 1 dimension.")
    if A.dtype is not B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, "
                           f"but got input's dtype {_dtype.type_word(A.dtype)} and other's dtype "
                           f"{_dtype.type_word(B.dtype)}")
    driver = "gelsy" if driver is None else driver
    if driver not in _LSTSQ_DRIVERS:
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of "
                           "(gels, gelsy, gelsd, gelss)")
    vector = B.dim() == A.dim() - 1
    if (B.shape[-1] if vector else B.shape[-2]) != A.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    m, n = A.shape[-2:]
    eps = np.finfo(A._array.dtype).eps
    rtol = eps * max(m, n) if rcond is None or rcond < 0 or driver == "gels" else rcond
    X = pinv(A, rtol=rtol) @ (B.unsqueeze(-1) if vector else B)
    s = np.linalg.svd(A._array, compute_uv=False)
    top = s[..., :1] if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), dtype=s.dtype)
    ranks = (s > rtol * top).sum(axis=-1)
    nothing = empty(0, dtype=A.dtype)
    residuals = X.reshape(-1)[:0]  # empty, but part of the graph like torch's
    if m > n and driver != "gelsy" and np.all(ranks == n):
        residuals = ((A @ X - (B.unsqueeze(-1) if vector else B)) ** 2).sum(-2)
    rank = nothing.long() if driver == "gels" else Tensor._make(ranks.astype(np.int64))
    values = Tensor._make(s) if driver in ("gelsd", "gelss") else nothing
    return return_types.linalg_lstsq(X.squeeze(-1) if vector else X, residuals, rank, values)


# -- Householder reflectors (geqrf's representation of Q) -----------------------------------------
def _reflectors(A, k):
    """The k Householder vectors below A's diagonal (with their implicit leading 1) as columns."""
    from .ops.creation import eye
    return A[..., :, :k].tril(-1) + eye(A.shape[-2], k, dtype=A.dtype)


def _reflect(C, V, tau, order, side):
    """C with H_i = I − τ_i v_i v_iᵀ applied for i in ``order``, from the left or the right.
    Plain tensor ops, so the result is differentiable in V, τ and C."""
    for i in order:
        v = V[..., :, i:i + 1]
        t = tau[..., i:i + 1].unsqueeze(-1)
        C = C - (t * v) @ (_mT(v) @ C) if side == "left" else C - ((C @ v) * t) @ _mT(v)
    return C


def householder_product(A, tau, *, out=None):
    """The first n columns of H_1 ⋯ H_k (geqrf's Q) from the reflectors below A's diagonal.

    Differentiable through its ops (k reflections), so the grad_fn is that of the last one
    rather than torch's single ``LinalgHouseholderProductBackward0``.
    """
    from .ops.creation import eye
    name = "torch.linalg.householder_product"
    if A.dim() < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if A.shape[-2] < A.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to "
                           f"input.shape[-1]")
    if A.shape[-1] < tau.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to "
                           f"tau.shape[-1]")
    if tau.dim() != A.dim() - 1:
        raise RuntimeError(f"{name}: Expected tau to have one dimension less than input, but got "
                           f"tau.ndim equal to {tau.dim()} and input.ndim is equal to {A.dim()}")
    if tau.dtype is not A.dtype:
        raise RuntimeError(f"{name}: tau dtype {_dtype.type_word(tau.dtype)} does not match input "
                           f"dtype {_dtype.type_word(A.dtype)}")
    _no_integer_kernel(A, "orgqr_cpu")
    m, n = A.shape[-2:]
    k = tau.shape[-1]
    Q = eye(m, n, dtype=A.dtype).expand(A.shape)
    return _reflect(Q, _reflectors(A, k), tau, range(k - 1, -1, -1), "left").contiguous()


# -- products, reshaped systems and the rest of the namespace --------------------------------------

# torch.linalg's docstring snippets (its functions' docs format them in).
common_notes = {
    "experimental_warning": 'This function is "experimental" and it may change in a future '
                            'PyTorch release.',
    "sync_note": "When inputs are on a CUDA device, this function synchronizes that device with "
                 "the CPU.",
    "sync_note_ex": "When the inputs are on a CUDA device, this function synchronizes only when "
                    ":attr:`check_errors`\\ `= True`.",
    "sync_note_has_ex": "When inputs are on a CUDA device, this function synchronizes that device "
                        "with the CPU. For a version of this function that does not synchronize, "
                        "see :func:`{}`.",
}


def vecdot(x, y, *, dim=-1, out=None):
    """Σ x·y along ``dim`` (batches broadcast); floating point only, as torch's."""
    if x.dtype is not y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x "
                           f"of type {_dtype.type_word(x.dtype)} and y of type "
                           f"{_dtype.type_word(y.dtype)} instead")
    if not x.is_floating_point():
        raise RuntimeError(f"linalg.vecdot: Expected a floating point or complex tensor as input. "
                           f"Got {_dtype.type_word(x.dtype)}")
    return (x * y).sum(dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """``torch.diagonal`` with the last two dims as the default matrix dims."""
    from .ops.shape import diagonal as _diagonal
    return _diagonal(A, offset, dim1, dim2)


def _prod(shape):
    return int(np.prod(shape, dtype=np.int64))


def tensorinv(A, ind=2, *, out=None):
    """The inverse of A seen as a map from its first ``ind`` dims to the rest."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    front, back = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    if _prod(front) != _prod(back):
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {_prod(back)} != {_prod(front)}")
    return inv(A.reshape(_prod(front), _prod(back))).reshape(back + front)


def tensorsolve(A, B, dims=None, *, out=None):
    """X with ``tensordot(A, X, X.ndim) = B``; ``dims`` of A are moved to the end first."""
    if dims is not None:
        dims = [dims] if isinstance(dims, int) else list(dims)
        A = A.movedim(dims, list(range(A.dim() - len(dims), A.dim())))
    result_shape = tuple(A.shape[B.dim():])
    rows = B.numel()
    if _prod(result_shape) != rows:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) "
                           f"== prod(self.shape[:other.ndim]), but got {_prod(result_shape)} != "
                           f"{rows}")
    return solve(A.reshape(rows, rows), B.reshape(rows)).reshape(result_shape)


def multi_dot(tensors, *, out=None):
    """A chain of matrix products in the cheapest order (the first and last may be vectors)."""
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    for i, t in enumerate(tensors):
        if i in (0, n - 1):
            if t.dim() not in (1, 2):
                which = "first" if i == 0 else "last"
                raise RuntimeError(f"multi_dot(): the {which} tensor must be 1D or 2D but got "
                                   f"{t.dim()}D")
        elif t.dim() != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.dim()}D")
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 "
                               f"is {_c_name(tensors[0].dtype)} and tensor {i} "
                               f"{_c_name(t.dtype)}")
    mats = [tensors[0].unsqueeze(0) if tensors[0].dim() == 1 else tensors[0]]
    mats += list(tensors[1:-1])
    mats.append(tensors[-1].unsqueeze(-1) if tensors[-1].dim() == 1 else tensors[-1])
    for i in range(n - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes "
                               f"{list(tensors[i].shape)} and {list(tensors[i + 1].shape)} cannot "
                               f"be multiplied")
    result = _chain(mats, _chain_order([m.shape[0] for m in mats] + [mats[-1].shape[1]]), 0, n - 1)
    if tensors[0].dim() == 1:
        result = result.squeeze(0)
    return result.squeeze(-1) if tensors[-1].dim() == 1 else result


def _chain_order(sizes):
    """The matrix-chain dynamic programme: split[i][j] is where to cut the product i..j."""
    n = len(sizes) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + sizes[i] * sizes[k + 1] * sizes[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(mats, split, i, j):
    if i == j:
        return mats[i]
    k = split[i][j]
    return _chain(mats, split, i, k) @ _chain(mats, split, k + 1, j)


def cond(A, p=None, *, out=None):
    """The condition number ‖A‖_p ‖A⁻¹‖_p: through the singular values for p in (None, 2, −2)
    (any shape), otherwise from the inverse (square A; a singular A gives inf)."""
    from .ops.pointwise import where
    if A.dim() < 2:
        raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
    if p is None or p in (2, -2):
        if not A.is_floating_point():
            raise RuntimeError(f"linalg.svd: Expected a floating point or complex tensor as input. "
                               f"Got {_dtype.type_word(A.dtype)}")
        s = svdvals(A)
        return s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
    if p not in ("fro", "nuc", 1, -1, float("inf"), float("-inf")):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    shown = p if isinstance(p, str) else ("inf" if p == float("inf") else
                                          "-inf" if p == float("-inf") else int(p))
    _square(A, f"cond(ord={shown})")
    inverse, info = inv_ex(A)
    singular = Tensor._make((info._array > 0)[..., None, None])
    inverse = where(singular, _identity_like(A), inverse)
    result = matrix_norm(A, p) * matrix_norm(inverse, p)
    return where(singular[..., 0, 0], float("inf"), result)


def vander(x, *, N=None):
    """The Vandermonde matrix [1, x, x², …, x^(N−1)] along a new last dim (N defaults to len)."""
    from .ops.indexing import cat
    n = x.shape[-1] if x.dim() else 1
    N = n if N is None else N
    if N <= 1:
        raise RuntimeError("N must be greater than 1.")
    powers = x.unsqueeze(-1).expand(tuple(x.shape) + (N - 1,)).cumprod(-1)
    return cat([(x.unsqueeze(-1) * 0 + 1), powers], -1)


# -- Cholesky-based solves (torch.cholesky_solve / cholesky_inverse live at the top level) --------
def _from_cholesky_array(l, b, upper):
    """(L Lᵀ)⁻¹ B (U = Lᵀ given when ``upper``): two triangular solves."""
    lower = np.swapaxes(l, -1, -2) if upper else l
    y = _solve_triangular_array(lower, b, upper=False)
    return _solve_triangular_array(np.swapaxes(lower, -1, -2), y, upper=True)


class CholeskySolve(Op):
    """X = (L Lᵀ)⁻¹ B.  torch's backward: gB = (L Lᵀ)⁻¹ g and, unlike a solve that reads one
    triangle, an unmasked gL = −(S + Sᵀ) L with S = gB Xᵀ (L·(…) when ``upper``)."""

    @staticmethod
    def forward(ctx, b, l, upper):
        x = _from_cholesky_array(l, b, upper)
        ctx.upper = upper
        ctx.save_for_backward(l, x)
        return x

    @staticmethod
    def backward(ctx, grad):
        l, x = ctx.saved_tensors
        grad_b = CholeskySolve.apply(grad, l, upper=ctx.upper)
        grad_l = None
        if ctx.needs_input_grad[1]:
            common = grad_b @ _mT(x)
            common = common + _mT(common)
            grad_l = -(l @ common) if ctx.upper else -(common @ l)
        return grad_b, grad_l


class CholeskyInverse(Op):
    """(L Lᵀ)⁻¹.  torch's backward: gL = −X (g + gᵀ) X L (L X (g + gᵀ) X when ``upper``)."""

    @staticmethod
    def forward(ctx, l, upper):
        out = _from_cholesky_array(l, np.broadcast_to(np.eye(l.shape[-1], dtype=l.dtype),
                                                      l.shape), upper)
        ctx.upper = upper
        ctx.save_for_backward(l, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        l, inverse = ctx.saved_tensors
        common = inverse @ ((grad + _mT(grad)) @ inverse)
        return -(l @ common) if ctx.upper else -(common @ l)


# -- LDLᵀ (Bunch-Kaufman) --------------------------------------------------------------------------
_BUNCH_KAUFMAN_ALPHA = (1 + np.sqrt(17)) / 8


def _ldl_matrix(a):
    """LAPACK's unblocked sytf2 (lower) for one symmetric matrix: A = P L D Lᵀ Pᵀ with D of
    1×1 and 2×2 blocks (Bunch-Kaufman pivoting).  Returns (LD, 1-based pivots, info) in
    LAPACK's form: a negative pair of pivots marks a 2×2 block.  The trailing block is kept
    symmetric in full, so a row-and-column swap is two NumPy swaps."""
    n = a.shape[-1]
    w = np.tril(a) + np.tril(a, -1).T
    pivots = np.zeros(n, dtype=np.int32)
    info, k = 0, 0
    with np.errstate(all="ignore"):
        while k < n:
            step, kp = 1, k
            absakk = abs(w[k, k])
            imax = k + 1 + int(np.argmax(np.abs(w[k + 1:, k]))) if k + 1 < n else k
            colmax = abs(w[imax, k]) if k + 1 < n else 0.0
            if max(absakk, colmax) == 0:
                info = info or k + 1
            elif absakk < _BUNCH_KAUFMAN_ALPHA * colmax:
                row = np.abs(w[imax, k:]) if imax + 1 < n else np.abs(w[imax, k:imax])
                row = np.delete(row, imax - k) if imax + 1 < n else row
                rowmax = row.max()
                if absakk >= _BUNCH_KAUFMAN_ALPHA * colmax * (colmax / rowmax):
                    kp = k
                elif abs(w[imax, imax]) >= _BUNCH_KAUFMAN_ALPHA * rowmax:
                    kp = imax
                else:
                    kp, step = imax, 2
            kk = k + step - 1
            if kp != kk:  # swap rows and columns kk, kp of the trailing block
                w[[kk, kp], k:] = w[[kp, kk], k:]
                w[k:, [kk, kp]] = w[k:, [kp, kk]]
            if max(absakk, colmax) != 0:
                if step == 1:
                    x = w[k + 1:, k] / w[k, k]
                    w[k + 1:, k + 1:] -= np.outer(x, w[k + 1:, k])
                    w[k + 1:, k] = x
                else:
                    d = w[k:k + 2, k:k + 2]
                    b = w[k + 2:, k:k + 2]
                    m = b @ np.linalg.inv(d)
                    w[k + 2:, k + 2:] -= m @ b.T
                    w[k + 2:, k:k + 2] = m
            pivots[k:k + step] = kp + 1 if step == 1 else -(kp + 1)
            k += step
    return np.tril(w), pivots, info


def _ldl_arrays(a):
    batch = a.shape[:-2]
    n = a.shape[-1]
    flat = a.reshape((_prod(batch), n, n))
    results = [_ldl_matrix(m) for m in flat]
    LD = np.stack([r[0] for r in results]) if results else np.zeros_like(flat)
    piv = np.stack([r[1] for r in results]) if results else np.zeros((0, n), np.int32)
    info = np.array([r[2] for r in results], dtype=np.int32)
    return (LD.reshape(a.shape).astype(a.dtype), piv.reshape(batch + (n,)),
            info.reshape(batch))


def _check_ldl_input(A):
    name = "torch.linalg.ldl_factor_ex"
    _at_least_matrix(A, name)
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")


def ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None):
    """(LD, pivots, info): the compact LDLᵀ of a symmetric A (its lower triangle is read), as
    LAPACK's sytrf — L's multipliers below the diagonal, D's blocks on it, and negative pivot
    pairs for 2×2 blocks; info is the first exactly-zero D[i, i] (1-based) or 0.  Values only,
    one matrix at a time.  torch reports a singular A with an internal-assert message; this
    raises a RuntimeError that says what happened."""
    from . import return_types
    _check_ldl_input(A)
    LD, pivots, info = _ldl_arrays(A._array)
    if check_errors and info.any():
        raise RuntimeError(f"torch.linalg.ldl_factor_ex: The factorization could not be completed "
                           f"because the input is singular: D[{int(info.reshape(-1).max())}] is "
                           f"exactly zero.")
    return return_types.linalg_ldl_factor_ex(*_values(LD, pivots, info))


def ldl_factor(A, *, hermitian=False, out=None):
    """(LD, pivots) of ``ldl_factor_ex``, raising for a singular A."""
    from . import return_types
    LD, pivots, _ = ldl_factor_ex(A, hermitian=hermitian, check_errors=True)
    return return_types.linalg_ldl_factor(LD, pivots)


def _ldl_solve_matrix(ld, piv, b):
    """LAPACK's sytrs (lower): L D y = Pᵀ b forwards, then Lᵀ x = y backwards, applying the
    row swaps in the order sytrf made them."""
    n = ld.shape[-1]
    b = b.copy()
    k = 0
    while k < n:
        if piv[k] > 0:
            kp = piv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            b[k + 1:] -= np.outer(ld[k + 1:, k], b[k])
            b[k] /= ld[k, k]
            k += 1
        else:
            kp = -piv[k] - 1
            b[[k + 1, kp]] = b[[kp, k + 1]]
            b[k + 2:] -= np.outer(ld[k + 2:, k], b[k]) + np.outer(ld[k + 2:, k + 1], b[k + 1])
            d = np.array([[ld[k, k], ld[k + 1, k]], [ld[k + 1, k], ld[k + 1, k + 1]]])
            b[k:k + 2] = np.linalg.solve(d, b[k:k + 2])
            k += 2
    k = n - 1
    while k >= 0:
        if piv[k] > 0:
            b[k] -= ld[k + 1:, k] @ b[k + 1:]
            kp = piv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 1
        else:
            b[k] -= ld[k + 1:, k] @ b[k + 1:]
            b[k - 1] -= ld[k + 1:, k - 1] @ b[k + 1:]
            kp = -piv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 2
    return b


def ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    """X with A X = B from ``ldl_factor``'s (LD, pivots); batches broadcast.  Values only."""
    if B.dim() < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of [-{max(B.dim(), 1)}, "
                         f"{max(B.dim(), 1) - 1}], but got -2)")
    if LD.shape[-1] != B.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for torch.linalg.ldl_solve: each A matrix is "
                           f"{LD.shape[-2]} by {LD.shape[-1]} but each b matrix is {B.shape[-2]} "
                           f"by {B.shape[-1]}")
    if B.dtype is not LD.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{_dtype.type_word(B.dtype)} and A of type "
                           f"{_dtype.type_word(LD.dtype)} instead.")
    batch = np.broadcast_shapes(LD.shape[:-2], pivots.shape[:-1], B.shape[:-2])
    n = LD.shape[-1]
    ld = np.broadcast_to(LD._array, batch + (n, n)).reshape((-1, n, n))
    piv = np.broadcast_to(pivots._array, batch + (n,)).reshape((-1, n))
    b = np.broadcast_to(B._array, batch + tuple(B.shape[-2:]))
    b = b.reshape((-1,) + tuple(B.shape[-2:]))
    x = [_ldl_solve_matrix(*args) for args in zip(ld, piv, b)]
    x = np.stack(x) if x else np.zeros(b.shape, dtype=b.dtype)
    return Tensor._make(x.reshape(batch + tuple(B.shape[-2:])))
