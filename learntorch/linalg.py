"""``learntorch.linalg``: norms, inverses, determinants, solves and factorizations.

``inv``, ``det`` and ``solve`` are differentiable; the factorizations (``eig``, ``eigh``,
``svd``, ``qr``, ``cholesky``) compute values only for now: their results do not
record a graph, and the docstrings say so.
"""
import numpy as np

from . import _dtype
from ._tensor import Tensor, _wrap_dim
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


# -- factorizations (values only) ---------------------------------------------------------------
def _values(*arrays):
    return tuple(Tensor._make(np.ascontiguousarray(a)) for a in arrays)


def svd(A, full_matrices=True, *, driver=None, out=None):
    """U, S, Vh with A = U diag(S) Vh.  No gradient (values only)."""
    u, s, vh = np.linalg.svd(A._array, full_matrices=full_matrices)
    return _values(u, s, vh)


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


def qr(A, mode="reduced", *, out=None):
    """Q, R with A = QR.  No gradient (values only)."""
    return _values(*np.linalg.qr(A._array, mode=mode))


def cholesky(A, *, upper=False, out=None):
    """L lower-triangular with A = L Lᴴ.  No gradient (values only)."""
    _square(A, "cholesky")
    try:
        lower = np.linalg.cholesky(A._array)
    except np.linalg.LinAlgError:
        raise LinAlgError("linalg.cholesky: The factorization could not be completed because the "
                          f"input is not positive-definite (the leading minor of order "
                          f"{_first_bad_minor(A._array)} is not positive-definite).") from None
    return _values(np.swapaxes(lower, -1, -2) if upper else lower)[0]


def _first_bad_minor(a):
    """The order of the first leading minor that is not positive-definite (torch's message)."""
    for matrix in a.reshape((-1,) + a.shape[-2:]):
        for k in range(1, matrix.shape[-1] + 1):
            try:
                np.linalg.cholesky(matrix[:k, :k])
            except np.linalg.LinAlgError:
                return k
    return a.shape[-1]


def eigh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix.  No gradient."""
    _square(A, "eigh")
    return _values(*np.linalg.eigh(A._array, UPLO=UPLO))


def eigvalsh(A, UPLO="L", *, out=None):
    return _values(np.linalg.eigvalsh(A._array, UPLO=UPLO))[0]


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
