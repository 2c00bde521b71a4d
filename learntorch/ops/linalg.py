"""Matrix products.  ``matmul`` follows torch's rules for 1-D, 2-D and batched operands.

Backward of ``C = A @ B``: ``dA = dC @ Bᵀ`` and ``dB = Aᵀ @ dC``; batch dims that were
broadcast are summed away by ``OpNode`` like any other broadcast.
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._op import Op
from ._promote import broadcast_shape


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


class Mv(Matmul):
    node_name = "MvBackward0"


class Dot(Matmul):
    node_name = "DotBackward0"


def matmul(input, other, *, out=None):
    """Matrix product with torch's semantics: dot (1-D·1-D), mv, mm, and broadcast batches."""
    a, b = _operands(input, other, "matmul")
    da, db = a.dim(), b.dim()
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D "
                           f"and {db}D")
    if da >= 2 and db >= 2 and max(da, db) >= 3:
        broadcast_shape(a.shape[:-2], b.shape[:-2])  # torch checks the batch dims first
    ka = a.shape[-1]
    kb = b.shape[0] if db == 1 else b.shape[-2]
    if ka != kb:
        raise RuntimeError(_mismatch_message(a.shape, b.shape))
    if da == 2 and db == 2:
        op = Mm
    elif da == 2 and db == 1:
        op = Mv
    elif da == 1 and db == 1:
        op = Dot
    else:
        op = Matmul
    try:
        return op.apply(a, b)
    except ValueError:
        raise RuntimeError(_mismatch_message(a.shape, b.shape)) from None


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
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_c_name(a.dtype)} != {_c_name(b.dtype)}")
    return a, b


def _c_name(dt):
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
            "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}[dt.name]


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
    for t in (mat1, mat2):
        if t.dtype is not input.dtype:
            raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                               f"{_dtype.type_word(input.dtype)} and {_dtype.type_word(t.dtype)}")
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


__all__ = ["matmul", "mm", "bmm", "mv", "dot", "inner", "vdot", "outer", "ger", "addmm", "addmv",
           "addr", "baddbmm", "addbmm", "trace", "cross", "kron", "einsum", "tensordot", "det",
           "inverse", "norm", "dist"]

# Also Tensor methods, with the tensor as the first argument: x.f(...) == f(x, ...).
TENSOR_METHODS = (
    "matmul", "mm", "bmm", "mv", "dot", "inner", "vdot", "outer", "ger", "addmm", "addmv", "addr",
    "baddbmm", "addbmm", "trace", "cross", "kron", "det", "inverse", "norm", "dist",
)
