"""Matrix products.  ``matmul`` follows torch's rules for 1-D, 2-D and batched operands.

Backward of ``C = A @ B``: ``dA = dC @ Bᵀ`` and ``dB = Aᵀ @ dC``; batch dims that were
broadcast are summed away by ``OpNode`` like any other broadcast.
"""
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._op import Op
from ._promote import broadcast_shape
from .pointwise import _out


class Matmul(Op):
    """torch records a batched matmul as several nodes (views + ``BmmBackward0``); we use one."""

    node_name = "MatmulBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        a_vec, b_vec = a.dim() == 1, b.dim() == 1
        a2 = a.unsqueeze(0) if a_vec else a
        b2 = b.unsqueeze(-1) if b_vec else b
        g = grad.unsqueeze(-1) if b_vec else grad
        g = g.unsqueeze(-2) if a_vec else g
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = g.matmul(b2.transpose(-1, -2))
            grad_a = grad_a.squeeze(-2) if a_vec else grad_a
        if ctx.needs_input_grad[1]:
            grad_b = a2.transpose(-1, -2).matmul(g)
            grad_b = grad_b.squeeze(-1) if b_vec else grad_b
        return grad_a, grad_b


class Mm(Matmul):
    node_name = "MmBackward0"

    @staticmethod
    def backward(ctx, grad):
        """``Matmul.backward`` for two matrices, without its vector and batch cases."""
        a, b = ctx.saved_tensors
        return (grad.matmul(b.t()) if ctx.needs_input_grad[0] else None,
                a.t().matmul(grad) if ctx.needs_input_grad[1] else None)

    @staticmethod
    def backward_arrays(ctx, grad):
        a, b = ctx.saved_arrays
        return (np.matmul(grad, b.T) if ctx.needs_input_grad[0] else None,
                np.matmul(a.T, grad) if ctx.needs_input_grad[1] else None)


class Mv(Matmul):
    node_name = "MvBackward0"


class Dot(Matmul):
    node_name = "DotBackward0"


def matmul(input, other, *, out=None):
    """Matrix product with torch's semantics: dot (1-D·1-D), mv, mm, and broadcast batches."""
    a, b = _operands(input, other, "matmul")
    sa, sb = a._array.shape, b._array.shape  # plain tuples: cheaper to index than torch.Size
    da, db = len(sa), len(sb)
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D "
                           f"and {db}D")
    if da >= 2 and db >= 2 and max(da, db) >= 3:
        broadcast_shape(sa[:-2], sb[:-2])  # torch checks the batch dims first
    if sa[-1] != (sb[0] if db == 1 else sb[-2]):
        raise RuntimeError(_mismatch_message(sa, sb))
    if da == 2 and db == 2:
        op = Mm
    elif da == 2 and db == 1:
        op = Mv
    elif da == 1 and db == 1:
        op = Dot
    else:
        op = Matmul
    try:
        result = op.run((a, b), (a._array, b._array), {})
    except ValueError:
        raise RuntimeError(_mismatch_message(sa, sb)) from None
    return result if out is None else _out(result, out)


def _mismatch_message(sa, sb):
    if len(sa) == 1 and len(sb) == 1:
        return (f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] to have the "
                f"same number of elements, but got {sa[0]} and {sb[0]} elements respectively")
    if len(sa) >= 2 and len(sb) == 1:
        rows = _rows(sa)  # torch folds the batch dims of a into its rows
        return f"size mismatch, got input ({rows}), mat ({rows}x{sa[-1]}), vec ({sb[0]})"
    if len(sb) >= 3:
        # torch runs a batched matmul as bmm over the broadcast batch dims
        batch = _rows(np.broadcast_shapes(tuple(sa[:-2]), tuple(sb[:-2])) + (1,))
        return (f"Expected size for first two dimensions of batch2 tensor to be: "
                f"[{batch}, {sa[-1]}] but got: [{batch}, {sb[-2]}].")
    a2 = f"{_rows(sa)}x{sa[-1]}"
    b2 = f"{sb[0]}x{sb[1]}" if len(sb) == 2 else "x".join(str(s) for s in sb)
    return f"mat1 and mat2 shapes cannot be multiplied ({a2} and {b2})"


def _rows(shape):
    n = 1
    for s in shape[:-1]:
        n *= s
    return n


def _operands(a, b, name):
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(b if isinstance(a, Tensor) else a).__name__}")
    if a._array.dtype != b._array.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_dtype.c_type_name(a.dtype)} != {_dtype.c_type_name(b.dtype)}")
    return a, b


def mm(input, mat2, *, out=None):
    a, b = _operands(input, mat2, "mm")
    if a.dim() != 2:
        raise RuntimeError("self must be a matrix")
    if b.dim() != 2:
        raise RuntimeError("mat2 must be a matrix")
    return matmul(a, b)


def bmm(input, mat2, *, out=None):
    a, b = _operands(input, mat2, "bmm")
    if a.dim() != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.dim() != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    return matmul(a, b)


def mv(input, vec, *, out=None):
    a, b = _operands(input, vec, "mv")
    if a.dim() != 2 or b.dim() != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.dim()}, {b.dim()}")
    return matmul(a, b)


def dot(input, other, *, out=None):
    a, b = _operands(input, other, "dot")
    if a.dim() != 1 or b.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.dim()}D and {b.dim()}D tensors")
    return matmul(a, b)


inner = dot

def vdot(input, other, *, out=None):
    """``Σ conj(input)·other`` of two 1-D tensors: ``dot`` for real dtypes."""
    if isinstance(input, Tensor) and isinstance(other, Tensor) and input.dtype is not other.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{_dtype.type_word(input.dtype)} and {_dtype.type_word(other.dtype)}")
    return dot(input, other)


def outer(input, vec2, *, out=None):
    """``input[i] · vec2[j]``: a broadcast product of a column and a row (dtypes promote)."""
    for name, t in (("self", input), ("vec2", vec2)):
        if t.dim() != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.dim()}-D")
    return input.unsqueeze(1) * vec2


ger = outer


# -- fused ``beta·input + alpha·product`` (addmm and friends) -----------------------------------
class AddScaled(Op):
    """``beta·input + alpha·product``; ``beta == 0`` ignores input's values (NaN included), as torch."""

    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, input, product, beta, alpha):
        ctx.beta, ctx.alpha = beta, alpha
        out = product * alpha if alpha != 1 else product.copy()
        if beta != 0:
            out += input * beta if beta != 1 else input
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.beta, grad * ctx.alpha


def _add_scaled(input, product, beta, alpha, name):
    """Check that ``input`` expands to ``product``'s shape and dtype, then add them scaled."""
    if input.dtype is not product.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{_dtype.type_word(input.dtype)} and {_dtype.type_word(product.dtype)}")
    target = product.shape
    _check_expands(input.shape, target)
    if not product.is_floating_point():
        beta, alpha = int(beta), int(alpha)
    return AddScaled.run((input, product), (input._array, product._array),
                         {"beta": beta, "alpha": alpha})


def _check_expands(shape, target):
    """torch's ``expand`` error when ``shape`` cannot grow into ``target``."""
    lead = len(target) - len(shape)
    for i, size in enumerate(shape):
        if lead < 0 or (size != 1 and size != target[lead + i]):
            d = i + max(lead, 0)
            want = target[d] if lead >= 0 else "?"
            raise RuntimeError(f"The expanded size of the tensor ({want}) must match the existing "
                               f"size ({size}) at non-singleton dimension {d}.  Target sizes: "
                               f"{list(target)}.  Tensor sizes: {list(shape)}")


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """``beta·input + alpha·(mat1 @ mat2)``, input broadcast to the product's shape."""
    for name, t in (("mat1", mat1), ("mat2", mat2)):
        if t.dim() != 2:
            raise RuntimeError(f"{name} must be a matrix, got {t.dim()}-D tensor")
    for name, t, other in (("self", input, mat2), ("mat1", mat1, mat2)):  # torch's order
        if t.dtype is not other.dtype:
            raise RuntimeError(f"{name} and mat2 must have the same dtype, but got "
                               f"{_dtype.type_word(t.dtype)} and {_dtype.type_word(other.dtype)}")
    return _add_scaled(input, mm(mat1, mat2), beta, alpha, "addmm")


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """``beta·input + alpha·(mat @ vec)``."""
    if mat.dim() == 2 and vec.dim() == 1 and mat.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0] if input.dim() else 1}), mat "
                           f"({mat.shape[0]}x{mat.shape[1]}), vec ({vec.shape[0]})")
    return _add_scaled(input, mv(mat, vec), beta, alpha, "addmv")


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """``beta·input + alpha·outer(vec1, vec2)``."""
    product = outer(vec1, vec2)
    if input.dtype is not product.dtype:
        input = input.to(_dtype.promote_types(input.dtype, product.dtype))
        product = product.to(input.dtype)
    return _add_scaled(input, product, beta, alpha, "addr")


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta·input + alpha·(batch1 @ batch2)`` batch by batch."""
    return _add_scaled(input, bmm(batch1, batch2), beta, alpha, "baddbmm")


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta·input + alpha·Σ_b batch1[b] @ batch2[b]``."""
    if batch1.dim() == 3 and batch2.dim() == 3 and batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got "
                           f"{batch1.shape[0]} and {batch2.shape[0]}")
    return _add_scaled(input, bmm(batch1, batch2).sum(0), beta, alpha, "addbmm")


# -- trace, cross, kron ------------------------------------------------------------------------
class Trace(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        return np.asarray(np.trace(x))

    @staticmethod
    def backward(ctx, grad):
        from .creation import eye
        n, m = ctx.shape
        return grad * eye(n, m, dtype=grad.dtype)


def trace(input):
    """Sum of the main diagonal of a matrix; integers sum as int64."""
    if input.dim() != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.dim()}")
    if input.dtype is _dtype.bool:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    array = input._array if input.is_floating_point() else input._array.astype(np.int64)
    return Trace.run((input,), (array,), {})


class Cross(Op):
    """Backward: ``grad_a = b × grad``, ``grad_b = grad × a``."""

    node_name = "LinalgCrossBackward0"

    @staticmethod
    def forward(ctx, a, b, dim):
        ctx.dim = dim
        ctx.save_for_backward(a, b)
        return np.cross(a, b, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (linalg_cross(b, grad, dim=ctx.dim) if ctx.needs_input_grad[0] else None,
                linalg_cross(grad, a, dim=ctx.dim) if ctx.needs_input_grad[1] else None)


def linalg_cross(input, other, *, dim=-1, out=None):
    """``torch.linalg.cross``: the 3-vector cross product along ``dim``; batch dims broadcast."""
    if input.dim() != other.dim():
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = _wrap_dim(dim, input.dim())
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[d]} and {other.shape[d]}")
    if input.dtype is not other.dtype:
        raise RuntimeError(f"expected scalar type {_dtype.type_word(input.dtype)} but found "
                           f"{_dtype.type_word(other.dtype)}")
    broadcast_shape(input.shape, other.shape)
    return Cross.apply(input, other, dim=d)


def cross(input, other, dim=None, *, out=None):
    """``torch.cross``: without ``dim``, the first dim of size 3 (torch's deprecated default)."""
    if dim is None:
        if input.dim() != other.dim():
            raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
        shape = broadcast_shape(input.shape, other.shape)
        dim = next((d for d, s in enumerate(shape) if s == 3), -1)
    return linalg_cross(input, other, dim=dim)


def kron(input, other, *, out=None):
    """Kronecker product: every element of ``input`` times a whole copy of ``other``."""
    n = max(input.dim(), other.dim())
    a = input.reshape((1,) * (n - input.dim()) + tuple(input.shape))
    b = other.reshape((1,) * (n - other.dim()) + tuple(other.shape))
    interleaved_a = [s for size in a.shape for s in (size, 1)]
    interleaved_b = [s for size in b.shape for s in (1, size)]
    product = a.reshape(interleaved_a) * b.reshape(interleaved_b)
    return product.reshape([sa * sb for sa, sb in zip(a.shape, b.shape)])


# -- einsum and tensordot -----------------------------------------------------------------------
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _parse_einsum(equation, operands):
    """The equation with ``...`` spelled out as letters and the output made explicit.

    Returns (input subscripts per operand, output subscripts), all plain letters.
    """
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(operands) > len(terms) else
                           "einsum(): fewer operands were provided than specified in the equation")
    used = set(equation) - set(".,->")
    spare = [c for c in _LETTERS if c not in used]
    ell_dims = 0
    for term, op in zip(terms, operands):
        if "..." in term:
            ell_dims = max(ell_dims, op.dim() - (len(term) - 3))
    ell = "".join(spare[:ell_dims])
    inputs = []
    for term, op in zip(terms, operands):
        if "..." in term:
            k = op.dim() - (len(term) - 3)
            term = term.replace("...", ell[ell_dims - k:] if k else "")
        if len(term) != op.dim():
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(term)}) "
                               f"does not match the number of dimensions ({op.dim()}) for operand "
                               f"{len(inputs)} and no ellipsis was given")
        inputs.append(term)
    if arrow:
        output = rhs.replace("...", ell)
    else:
        counts = "".join(inputs)
        output = ell + "".join(sorted(c for c in set(counts) - set(ell) if counts.count(c) == 1))
    return inputs, output


class Einsum(Op):
    """Forward is ``np.einsum``.  The gradient of operand k is another einsum: the upstream
    gradient with every other operand, producing k's subscripts.  Two additions make that
    general: a label repeated within operand k (a diagonal, ``ii``) is renamed and tied back
    with an identity matrix, and a label only operand k has (summed away) comes in through a
    ones vector, so the gradient is broadcast along it.  Limits: an ellipsis must span the
    same sizes in every operand (no size-1 broadcasting between operands)."""

    @staticmethod
    def forward(ctx, *arrays, inputs, output):
        ctx.inputs, ctx.output = inputs, output
        ctx.save_for_backward(*arrays)
        equation = ",".join(inputs) + "->" + output
        return np.asarray(np.einsum(equation, *arrays, optimize=len(arrays) > 2))

    @staticmethod
    def backward(ctx, grad):
        operands = ctx.saved_tensors
        return tuple(_einsum_grad(k, grad, operands, ctx.inputs, ctx.output) if needed else None
                     for k, needed in enumerate(ctx.needs_input_grad))


def _einsum_grad(k, grad, operands, inputs, output):
    from .creation import eye, ones
    target = inputs[k]
    spare = iter(c for c in _LETTERS if c not in "".join(inputs) + output)
    terms = [output] + [s for i, s in enumerate(inputs) if i != k]
    tensors = [grad] + [t for i, t in enumerate(operands) if i != k]
    sizes = dict(zip(target, operands[k].shape))
    renamed = ""
    for c in target:
        if c in renamed:  # a repeated label: a fresh one, tied to the first by an identity
            fresh = next(spare)
            terms.append(c + fresh)
            tensors.append(eye(sizes[c], dtype=grad.dtype))
            c = fresh
        renamed += c
    available = set("".join(terms))
    for c in set(renamed) - available:  # summed away by operand k alone: broadcast back
        terms.append(c)
        tensors.append(ones(sizes[c], dtype=grad.dtype))
    return Einsum.apply(*tensors, inputs=terms, output=renamed)


def einsum(equation, *operands):
    """Einstein summation, e.g. ``einsum('bij,bjk->bik', a, b)``; operands may be one list."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    dts = {t.dtype for t in operands}
    if len(dts) > 1:
        first = operands[0].dtype
        other = next(t.dtype for t in operands if t.dtype is not first)
        raise RuntimeError(f"expected scalar type {_dtype.type_word(first)} but found "
                           f"{_dtype.type_word(other)}")
    inputs, output = _parse_einsum(equation, operands)
    seen = {}
    for i, (term, t) in enumerate(zip(inputs, operands)):
        for c, size in zip(term, t.shape):
            if seen.setdefault(c, size) != size:
                raise RuntimeError(f"einsum(): subscript {c} has size {size} for operand {i} which "
                                   f"does not broadcast with previously seen size {seen[c]}")
    return Einsum.apply(*operands, inputs=inputs, output=output)


def tensordot(a, b, dims=2, out=None):
    """Contract ``a``'s ``dims[0]`` with ``b``'s ``dims[1]`` (an int n: a's last n, b's first n)."""
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(-dims, 0)), list(range(dims))  # torch names a's dims from the end
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[da]} in dim {da} and second has size {b.shape[db]} "
                               f"in dim {db}")
    dims_a = [_wrap_dim(d, a.dim()) for d in dims_a]
    dims_b = [_wrap_dim(d, b.dim()) for d in dims_b]
    letters = iter(_LETTERS)
    sub_a = [next(letters) for _ in range(a.dim())]
    sub_b = [next(letters) for _ in range(b.dim())]
    for da, db in zip(dims_a, dims_b):
        sub_b[db] = sub_a[da]
    out_sub = [c for i, c in enumerate(sub_a) if i not in dims_a] + \
              [c for i, c in enumerate(sub_b) if i not in dims_b]
    return Einsum.apply(a, b, inputs=["".join(sub_a), "".join(sub_b)], output="".join(out_sub))


# -- Tensor methods for torch.linalg functions (``x.det()``, ``x.norm()`` …) -------------------
def det(input):
    from .. import linalg
    return linalg.det(input)


def inverse(input, *, out=None):
    from .. import linalg
    return linalg.inv(input)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """torch.norm: 'fro' or a number p is a vector norm (over ``dim``, or everything);
    'nuc' is a matrix norm over ``dim`` (all dims when None, which must then be two)."""
    from .. import linalg
    dims = [dim] if isinstance(dim, int) else dim
    if isinstance(p, str):
        if p == "fro" and (dims is None or len(dims) <= 2):
            return linalg.vector_norm(input, 2, dims, keepdim, dtype=dtype)
        return linalg.matrix_norm(input, p, dims if dims is not None else
                                  tuple(range(input.dim())), keepdim, dtype=dtype)
    return linalg.vector_norm(input, 2.0 if p is None else p, dims, keepdim, dtype=dtype)


def dist(input, other, p=2):
    """The p-norm of ``input - other``."""
    from .. import linalg
    difference = input - other
    if not difference.is_floating_point():
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. "
                           f"Got {_dtype.type_word(difference.dtype)} instead.")
    return linalg.vector_norm(difference, p)


# -- torch's top-level factorizations and solvers (most are torch.linalg's, older spellings) ----
_WARNED = set()


def _warn_once(key, message):
    """torch's TORCH_WARN_ONCE: a UserWarning the first time in a process, then silence."""
    if key not in _WARNED:
        _WARNED.add(key)
        warnings.warn(message, UserWarning, stacklevel=3)


def _la():
    from .. import linalg
    return linalg


def _return_types():
    from .. import return_types
    return return_types


def svd(input, some=True, compute_uv=True, *, out=None):
    """(U, S, V) with input = U diag(S) Vᵀ — V, not linalg.svd's Vh.  ``some=False``: full U and
    V; ``compute_uv=False``: U and V are zero-filled (m×m, n×n), as torch's."""
    from .creation import zeros
    if input.dim() < 2:
        raise RuntimeError(f"linalg.svd: input should have at least 2 dimensions, but has "
                           f"{input.dim()} dimensions instead")
    if not compute_uv:
        m, n = input.shape[-2:]
        batch = tuple(input.shape[:-2])
        return _return_types().svd(zeros(batch + (m, m), dtype=input.dtype),
                                   _la().svdvals(input),
                                   zeros(batch + (n, n), dtype=input.dtype))
    U, S, Vh = _la().svd(input, full_matrices=not some)
    return _return_types().svd(U, S, Vh.mT)


def qr(input, some=True, *, out=None):
    _warn_once("qr", "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a "
                     "future PyTorch release.\nThe boolean parameter 'some' has been replaced with "
                     "a string parameter 'mode'.\nQ, R = torch.qr(A, some)\nshould be replaced "
                     "with\nQ, R = torch.linalg.qr(A, 'reduced' if some else 'complete')")
    Q, R = _la().qr(input, "reduced" if some else "complete")
    return _return_types().qr(Q, R)


def slogdet(input):
    return _return_types().slogdet(*_la().slogdet(input))


def logdet(input):
    """log det A: NaN for a negative determinant, -inf for a singular A (torch's)."""
    from .pointwise import where
    if input.dim() >= 2 and not input.is_floating_point():
        raise RuntimeError(f"logdet: Expected a floating point or complex tensor as input. Got "
                           f"{_dtype.type_word(input.dtype)}")
    sign, logabsdet = _la().slogdet(input)
    return where(sign == -1, float("nan"), logabsdet)


def matrix_power(input, n):
    return _la().matrix_power(input, n)


def matrix_exp(input):
    return _la().matrix_exp(input)


def pinverse(input, rcond=1e-15):
    """``linalg.pinv(input, rtol=rcond)``."""
    return _la().pinv(input, rtol=rcond)


def cholesky(input, upper=False, *, out=None):
    _warn_once("cholesky", "torch.cholesky is deprecated in favor of torch.linalg.cholesky and "
                           "will be removed in a future PyTorch release.\nL = torch.cholesky(A)\n"
                           "should be replaced with\nL = torch.linalg.cholesky(A)\nand\nU = "
                           "torch.cholesky(A, upper=True)\nshould be replaced with\nU = "
                           "torch.linalg.cholesky(A).mH\nThis transform will produce equivalent "
                           "results for all valid (symmetric positive definite) inputs.")
    return _la().cholesky(input, upper=upper)


def cholesky_solve(input, input2, upper=False, *, out=None):
    """X with A X = input, A = L Lᵀ from its Cholesky factor ``input2`` (Uᵀ U when ``upper``)."""
    for name, t in (("b", input), ("A", input2)):
        if t.dim() < 2:
            raise RuntimeError(f"{name} should have at least 2 dimensions, but has {t.dim()} "
                               f"dimensions instead")
    if input.dtype is not input2.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{_dtype.type_word(input.dtype)} and A of type "
                           f"{_dtype.type_word(input2.dtype)} instead.")
    if input2.shape[-1] != input2.shape[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are "
                           f"{input2.shape[-2]} by {input2.shape[-1]} matrices")
    if input2.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for cholesky_solve: each A matrix is "
                           f"{input2.shape[-1]} by {input2.shape[-1]} but each b matrix is "
                           f"{input.shape[-2]} by {input.shape[-1]}")
    return _la().CholeskySolve.apply(input, input2, upper=upper)


def cholesky_inverse(input, upper=False, *, out=None):
    """(L Lᵀ)⁻¹ from the Cholesky factor L (or U with ``upper``)."""
    if input.dim() < 2:
        raise RuntimeError("cholesky_inverse: The input tensor A must have at least 2 dimensions.")
    if input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"cholesky_inverse: A must be batches of square matrices, but they are "
                           f"{input.shape[-2]} by {input.shape[-1]} matrices")
    _la()._no_integer_kernel(input, "cholesky_inverse_out_cpu")
    return _la().CholeskyInverse.apply(input, upper=upper)


def lu(A, pivot=True, get_infos=False, out=None):
    """(LU, pivots) — with ``get_infos`` also info — as ``linalg.lu_factor_ex``."""
    _warn_once("lu", "torch.lu is deprecated in favor of torch.linalg.lu_factor / "
                     "torch.linalg.lu_factor_ex and will be removed in a future PyTorch release.\n"
                     "LU, pivots = torch.lu(A, compute_pivots)\nshould be replaced with\nLU, "
                     "pivots = torch.linalg.lu_factor(A, compute_pivots)\nand\nLU, pivots, info "
                     "= torch.lu(A, compute_pivots, get_infos=True)\nshould be replaced with\nLU, "
                     "pivots, info = torch.linalg.lu_factor_ex(A, compute_pivots)")
    LU, pivots, info = _la().lu_factor_ex(A, pivot=pivot, check_errors=not get_infos)
    if get_infos:
        return _return_types()._lu_with_info(LU, pivots, info)
    return LU, pivots


def lu_solve(input, LU_data, LU_pivots, *, out=None):
    _warn_once("lu_solve", "torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will "
                           "be removed in a future PyTorch release.\nNote that torch.linalg.lu_solve "
                           "has its arguments reversed.\nX = torch.lu_solve(B, LU, pivots)\nshould "
                           "be replaced with\nX = torch.linalg.lu_solve(LU, pivots, B)")
    return _la().lu_solve(LU_data, LU_pivots, input)


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """(P, L, U) with A = P L U from ``lu_factor``'s output; differentiable in LU_data."""
    return _return_types().lu_unpack(*_la()._lu_unpack(LU_data, LU_pivots, unpack_data,
                                                       unpack_pivots))


def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """(solution, cloned_coefficient): X with A X = input (Aᵀ X = input when ``transpose``)."""
    _warn_once("triangular_solve", "torch.triangular_solve is deprecated in favor of "
               "torch.linalg.solve_triangularand will be removed in a future PyTorch release.\n"
               "torch.linalg.solve_triangular has its arguments reversed and does not return a "
               "copy of one of the inputs.\nX = torch.triangular_solve(B, A).solution\nshould be "
               "replaced with\nX = torch.linalg.solve_triangular(A, B).")
    for name, t in (("b", input), ("A", A)):
        if t.dim() < 2:
            raise RuntimeError(f"torch.triangular_solve: Expected {name} to have at least 2 "
                               f"dimensions, but it has {t.dim()} dimensions instead")
    if input.dtype is not A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{_dtype.type_word(input.dtype)} and A of type "
                           f"{_dtype.type_word(A.dtype)} instead.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    coefficient = A.mT if transpose else A
    solution = _la().solve_triangular(coefficient, input, upper=upper != transpose,
                                      unitriangular=unitriangular)
    batch = broadcast_shape(tuple(input.shape[:-2]), tuple(A.shape[:-2]))
    return _return_types().triangular_solve(solution, A.expand(batch + tuple(A.shape[-2:])).clone())


def geqrf(input, *, out=None):
    """(a, tau): LAPACK's QR — R on and above the diagonal, the Householder vectors below it."""
    if input.dim() < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    _la()._no_integer_kernel(input, "geqrf_cpu")
    h, tau = np.linalg.qr(input._array, mode="raw")
    return _return_types().geqrf(Tensor._make(np.ascontiguousarray(np.swapaxes(h, -1, -2))),
                                 Tensor._make(tau.astype(input._array.dtype, copy=False)))


def orgqr(input, tau):
    return _la().householder_product(input, tau)


def ormqr(input, tau, other, left=True, transpose=False, *, out=None):
    """Q @ other (other @ Q with ``left=False``; Qᵀ with ``transpose``) for geqrf's Q, applied
    one reflector at a time without forming Q; differentiable through its ops."""
    name = "torch.ormqr"
    if input.dim() < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if other.dim() < 2:
        raise RuntimeError(f"{name}: other must have at least 2 dimensions.")
    side = -2 if left else -1
    if other.shape[side] != input.shape[-2]:
        raise RuntimeError(f"{name}: other.shape[{side}] must be equal to input.shape[-2]")
    if tau.shape[-1] != min(other.shape[side], input.shape[-1]):
        raise RuntimeError(f"{name}: tau.shape[-1] must be equal to min(other.shape[{side}], "
                           f"input.shape[-1])")
    if tau.dim() != input.dim() - 1:
        raise RuntimeError(f"{name}: Expected tau to have one dimension less than input, but got "
                           f"tau.ndim equal to {tau.dim()} and input.ndim is equal to {input.dim()}")
    for t, what in ((tau, "tau"), (other, "other")):
        if t.dtype is not input.dtype:  # (torch's message lacks the space after "dtype")
            raise RuntimeError(f"{name}: Expected input and {what} to have the same dtype, but "
                               f"input has dtype{_dtype.type_word(input.dtype)} and {what} has "
                               f"dtype {_dtype.type_word(t.dtype)}")
    k = tau.shape[-1]
    first_to_last = left == transpose  # Qᵀ C and C Q apply H_1 first
    order = range(k) if first_to_last else range(k - 1, -1, -1)
    V = _la()._reflectors(input, k)
    return _la()._reflect(other, V, tau, order, "left" if left else "right")


_REMOVED = "This function was deprecated since version 1.9 and is now removed. "


def solve(input, A, *, out=None):
    raise RuntimeError(
        _REMOVED + "`torch.solve` is deprecated in favor of `torch.linalg.solve`. "
        "`torch.linalg.solve` has its arguments reversed and does not return the LU "
        "factorization.\n\nTo get the LU factorization see `torch.lu`, which can be used with "
        "`torch.lu_solve` or `torch.lu_unpack`.\nX = torch.solve(B, A).solution should be "
        "replaced with:\nX = torch.linalg.solve(A, B)")


def lstsq(input, A, *, out=None):
    raise RuntimeError(
        _REMOVED + "`torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n"
        "`torch.linalg.lstsq` has reversed arguments and does not return the QR decomposition in "
        "the returned tuple (although it returns other information about the problem).\n\nTo get "
        "the QR decomposition consider using `torch.linalg.qr`.\n\nThe returned solution in "
        "`torch.lstsq` stored the residuals of the solution in the last m - n columns of the "
        "returned value whenever m > n. In torch.linalg.lstsq, the residuals are in the field "
        "'residuals' of the returned named tuple.\n\nThe unpacking of the solution, as in\nX, _ "
        "= torch.lstsq(B, A).solution[:A.size(1)]\nshould be replaced with:\nX = "
        "torch.linalg.lstsq(A, B).solution")


def eig(self, eigenvectors=False, *, e=None, v=None):
    raise RuntimeError(
        _REMOVED + "`torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` "
        "rather than real tensors mimicking complex tensors.\n\nL, _ = torch.eig(A) should be "
        "replaced with:\nL_complex = torch.linalg.eigvals(A)\n\nand\n\nL, V = torch.eig(A, "
        "eigenvectors=True) should be replaced with:\nL_complex, V_complex = torch.linalg.eig(A)")


def symeig(input, eigenvectors=False, upper=True, *, out=None):
    raise RuntimeError(
        _REMOVED + "The default behavior has changed from using the upper triangular portion of "
        "the matrix by default to using the lower triangular portion.\n\nL, _ = torch.symeig(A, "
        "upper=upper) should be replaced with:\nL = torch.linalg.eigvalsh(A, UPLO='U' if upper "
        "else 'L')\n\nand\n\nL, V = torch.symeig(A, eigenvectors=True) should be replaced "
        "with:\nL, V = torch.linalg.eigh(A, UPLO='U' if upper else 'L')")


def matrix_rank(input, tol=None, symmetric=False, *, out=None):
    raise RuntimeError(
        "This function was deprecated since version 1.9 and is now removed.\nPlease use the "
        "`torch.linalg.matrix_rank` function instead. The parameter 'symmetric' was renamed in "
        "`torch.linalg.matrix_rank()` to 'hermitian'.")


def chain_matmul(*matrices, out=None):
    _warn_once("chain_matmul", "torch.chain_matmul is deprecated and will be removed in a future "
                               "PyTorch release. Use torch.linalg.multi_dot instead, which accepts "
                               "a list of two or more tensors rather than multiple parameters.")
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    if len(matrices) == 1:
        return matrices[0].clone()
    return _la().multi_dot(matrices)


def frobenius_norm(input, dim, keepdim=False, *, out=None):
    _warn_once("frobenius_norm", "at::frobenius_norm is deprecated and it is just left for JIT "
                                 "compatibility. It will be removed in a future PyTorch release. "
                                 "Please use `linalg.vector_norm(A, 2., dim, keepdim)` instead")
    return _la().vector_norm(input, 2, dim, keepdim)


def nuclear_norm(input, dim=None, keepdim=False, *, out=None):
    """Σ singular values over ``dim`` (the only two dims when None); ``nuclear_norm(x, True)``
    is keepdim, as in torch's two overloads."""
    if isinstance(dim, bool):
        dim, keepdim = None, dim
    if dim is None:
        _warn_once("nuclear_norm", "at::nuclear_norm is deprecated and it is just left for JIT "
                                   "compatibility. It will be removed in a future PyTorch release. "
                                   "Please use `linalg.matrix_norm(A, 'nuc', dim, keepdim)` instead")
        dim = (-2, -1)
    return _la().matrix_norm(input, "nuc", dim, keepdim)


def adjoint(input):
    """The (conjugate) transpose of the last two dims: a view, as ``x.mH``."""
    if input.dim() < 2:
        raise RuntimeError(f"tensor.adjoint() is only supported on matrices or batches of matrices. "
                           f"Got {input.dim()}-D tensor.")
    return input.transpose(-2, -1)


# -- distances -----------------------------------------------------------------------------------
_CDIST_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                "donot_use_mm_for_euclid_dist")


class EuclideanDist(Op):
    """‖x1_i − x2_j‖ as torch's ``_euclidean_dist``: √max(|x1|² + |x2|² − 2 x1·x2, 0) with one
    matmul.  Backward (torch's): r = g/d (0 where d = 0), gx1 = x1 Σ_j r − r x2."""

    node_name = "CdistBackward0"

    @staticmethod
    def forward(ctx, x1, x2):
        n1 = (x1 * x1).sum(-1, keepdims=True)
        n2 = (x2 * x2).sum(-1, keepdims=True)
        a = np.concatenate([x1 * -2, n1, np.ones_like(n1)], -1)
        b = np.concatenate([x2, np.ones_like(n2), n2], -1)
        out = np.sqrt(np.maximum(a @ np.swapaxes(b, -1, -2), 0))
        ctx.save_for_backward(x1, x2, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        from .pointwise import where
        x1, x2, dist = ctx.saved_tensors
        ratio = where(dist == 0, 0.0, grad / dist)
        return (x1 * ratio.sum(-1, keepdim=True) - ratio @ x2,
                x2 * ratio.sum(-2).unsqueeze(-1) - ratio.mT @ x1)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The p-norm distance between each row of x1 (…×P×M) and each row of x2 (…×R×M).

    For p = 2 torch uses one matmul (``compute_mode``: always, never, or when P or R > 25),
    otherwise the differences; so does learntorch, giving torch's values and gradients.
    """
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for name, t in (("X1", x1), ("X2", x2)):
        if t.dim() < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t.dim()}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} "
                           f"X2: {x2.shape[-1]}")
    for name, t in (("X1", x1), ("X2", x2)):
        if not t.is_floating_point():
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{_dtype.type_word(t.dtype)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if x1.dtype is not x2.dtype:
        raise RuntimeError(f"expected scalar type {_dtype.type_word(x1.dtype)} but found "
                           f"{_dtype.type_word(x2.dtype)}")
    batch = broadcast_shape(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))
    x1 = x1.expand(batch + tuple(x1.shape[-2:]))
    x2 = x2.expand(batch + tuple(x2.shape[-2:]))
    P, R = x1.shape[-2], x2.shape[-2]
    use_mm = p == 2 and (compute_mode == "use_mm_for_euclid_dist" or (
        compute_mode == "use_mm_for_euclid_dist_if_necessary" and (P > 25 or R > 25)))
    if use_mm:
        return EuclideanDist.apply(x1, x2)
    return _la().vector_norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, -1)


__all__ = ["matmul", "mm", "bmm", "mv", "dot", "inner", "vdot", "outer", "ger", "addmm", "addmv",
           "addr", "baddbmm", "addbmm", "trace", "cross", "kron", "einsum", "tensordot", "det",
           "inverse", "norm", "dist",
           "svd", "qr", "slogdet", "logdet", "matrix_power", "matrix_exp", "pinverse", "cholesky",
           "cholesky_solve", "cholesky_inverse", "lu", "lu_solve", "lu_unpack", "triangular_solve",
           "geqrf", "orgqr", "ormqr", "solve", "lstsq", "eig", "symeig", "matrix_rank",
           "chain_matmul", "frobenius_norm", "nuclear_norm", "adjoint", "cdist"]

# Also Tensor methods, with the tensor as the first argument: x.f(...) == f(x, ...).
TENSOR_METHODS = (
    "matmul", "mm", "bmm", "mv", "dot", "inner", "vdot", "outer", "ger", "addmm", "addmv", "addr",
    "baddbmm", "addbmm", "trace", "cross", "kron", "det", "inverse", "norm", "dist",
    "svd", "qr", "slogdet", "logdet", "matrix_power", "matrix_exp", "pinverse", "cholesky",
    "cholesky_solve", "cholesky_inverse", "lu", "lu_solve", "triangular_solve", "geqrf", "orgqr",
    "ormqr", "solve", "lstsq", "eig", "symeig", "adjoint",
)
