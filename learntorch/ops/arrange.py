"""Tensors arranged from others: grids (meshgrid, cartesian_prod, combinations), block and
triangular layouts (block_diag, diagflat, tril/triu_indices, vander), rotation, broadcasting
several tensors, and finding elements (argwhere, isin, nonzero_static, unravel_index).

Like torch's, most are composite: built from cat, expand, flip, indexing, so they are
differentiable wherever their parts are.
"""
import itertools
import operator
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Size, Tensor, _wrap_dim
from ._promote import broadcast_shape
from .creation import _finish, zeros
from .indexing import cat, nonzero, stack
from .reduction import cumprod
from .shape import diag, expand, flip, reshape

_wrap = Tensor._make


def _tensors_arg(tensors):
    """``f(a, b)`` and ``f([a, b])`` both work, as in torch."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return list(tensors[0])
    return list(tensors)


# -- broadcasting ------------------------------------------------------------------------------
def broadcast_shapes(*shapes):
    """The shape tensors of these shapes broadcast to (an int counts as a 1-D shape)."""
    shapes = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    for s in shapes:
        for d in s:
            if d < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {d}: "
                                   f"{list(s)}")
    result = []
    for i in range(-max((len(s) for s in shapes), default=0), 0):
        size = 1
        for k, s in enumerate(shapes):
            d = s[i] if -i <= len(s) else 1
            if d != 1 and size != 1 and d != size:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {d} at {i}! "
                                   f"Mismatching argument at index {k} had {tuple(s)}; but "
                                   f"expected shape should be broadcastable to "
                                   f"{_broadcast_before(shapes, k)}")
            size = d if d != 1 else size
        result.append(size)
    return Size(result)


def _broadcast_before(shapes, k):
    """The broadcast of the shapes before argument ``k`` (torch names it in its message)."""
    return list(broadcast_shape(*shapes[:k]))


def broadcast_tensors(*tensors):
    """Each tensor expanded (a view) to the shape they all broadcast to."""
    tensors = _tensors_arg(tensors)
    shape = broadcast_shape(*[tuple(t.shape) for t in tensors])
    return tuple(expand(t, shape) for t in tensors)


# -- grids ---------------------------------------------------------------------------------------
def meshgrid(*tensors, indexing=None):
    """Coordinate grids: for 1-D ``x`` (n) and ``y`` (m), two (n, m) tensors (``indexing='ij'``)
    or (m, n) ones (``'xy'``, NumPy's default and torch's future one)."""
    tensors = _tensors_arg(tensors)
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the "
                      "indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but "
                           f"received: {indexing}")
    if not tensors:
        raise RuntimeError("torch.meshgrid: Expected at least one tensor in the tensor list")
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                               f"got: {t}")
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError("torch.meshgrid: Expected all tensors in the tensor list to have "
                               "the same dtype.")
    swap = indexing == "xy" and len(tensors) >= 2
    if swap:
        tensors[0], tensors[1] = tensors[1], tensors[0]
    shape = tuple(t.numel() for t in tensors)
    grids = []
    for k, t in enumerate(tensors):
        view = [1] * len(tensors)
        view[k] = -1
        grids.append(expand(reshape(t, view), shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def cartesian_prod(*tensors):
    """All tuples with one element from each 1-D tensor, as the rows of a matrix."""
    tensors = _tensors_arg(tensors)
    for t in tensors:
        if t.dim() != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    return stack([g.flatten() for g in meshgrid(tensors, indexing="ij")], 1)


def combinations(input, r=2, with_replacement=False):
    """The length-``r`` combinations of a 1-D tensor's elements (like itertools), as rows."""
    if input.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _wrap(np.zeros(0, input._array.dtype))
    n = input.shape[0]
    # The index tuples in itertools' (lexicographic) order, built by NumPy from a grid.
    grid = np.indices((n,) * r).reshape(r, -1)
    steps = np.diff(grid, axis=0)
    keep = (steps >= 0 if with_replacement else steps > 0).all(axis=0)
    index = grid[:, keep].T if r > 1 else grid.T
    return input[_wrap(np.ascontiguousarray(index, dtype=np.int64))]


# -- triangles, blocks, diagonals -----------------------------------------------------------------
def _triangle_indices(name, row, col, offset, dtype, device, lower):
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    dt = _dtype.int64 if dtype is None else _dtype.to_dtype(dtype)
    if dt not in (_dtype.int64, _dtype.int32):
        raise RuntimeError(f"\"{name}\" not implemented for '{_dtype.type_word(dt)}'")
    rows, cols = (np.tril_indices if lower else np.triu_indices)(row, offset, col)
    return _finish(np.stack([rows, cols]).astype(dt.np).reshape(2, -1), None, device, False)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (2, N) coordinates of the lower triangle of a row×col matrix, row by row."""
    return _triangle_indices("tril_indices", row, col, offset, dtype, device, True)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (2, N) coordinates of the upper triangle of a row×col matrix, row by row."""
    return _triangle_indices("triu_indices", row, col, offset, dtype, device, False)


def block_diag(*tensors):
    """The block-diagonal matrix of the given matrices (0-d: 1×1, 1-D: one row)."""
    tensors = list(tensors)
    for i, t in enumerate(tensors):
        if t.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. "
                               f"Input {i} has {t.dim()} dimensions")
    if not tensors:
        return _wrap(np.zeros((1, 0), _dtype.get_default_dtype().np))
    dt = _dtype.result_type(*tensors)
    blocks = [t.to(dt).reshape(1, -1) if t.dim() < 2 else t.to(dt) for t in tensors]
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        h, w = b.shape
        rows.append(cat([zeros(h, left, dtype=dt), b, zeros(h, width - left - w, dtype=dt)], 1))
        left += w
    return cat(rows, 0)


def diagflat(input, offset=0):
    """The flattened input on diagonal ``offset`` of a square matrix."""
    return diag(reshape(input, (-1,)), offset)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix: columns ``x**(N-1) … x**0`` (reversed when ``increasing``)."""
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dt = _dtype.promote_types(x.dtype, _dtype.int64)
    x = x.to(dt)
    ones = _wrap(np.ones((x.shape[0], min(n, 1)), dt.np))
    if n > 1:
        powers = cumprod(expand(x.unsqueeze(1), (x.shape[0], n - 1)), 1)
        result = cat([ones, powers], 1)
    else:
        result = ones
    return result if increasing else flip(result, (1,))


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90° ``k`` times in the plane of ``dims``, from the first towards the second."""
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.dim() < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.dim()}")
    d0, d1 = _wrap_dim(dims[0], input.dim()), _wrap_dim(dims[1], input.dim())
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    k %= 4
    if k == 1:
        return flip(input, (d1,)).transpose(d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return flip(input, (d0,)).transpose(d0, d1)
    return input.clone()


# -- finding elements ------------------------------------------------------------------------------
def argwhere(input):
    """The coordinates of the non-zero elements, one row each (``nonzero``)."""
    if input.dim() == 0:
        return _wrap(np.zeros((int(input._array != 0), 0), np.int64))
    return nonzero(input)


def nonzero_static(input, *, size, fill_value=-1):
    """``nonzero`` with exactly ``size`` rows: cut off, or padded with ``fill_value``."""
    if not isinstance(size, int) or size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    found = argwhere(input)._array if input.dim() else np.zeros((int(input._array != 0), 0),
                                                                np.int64)
    out = np.full((size, found.shape[1]), fill_value, np.int64)
    n = min(size, found.shape[0])
    out[:n] = found[:n]
    return _wrap(out)


def isin(elements, test_elements, *, assume_unique=False, invert=False, out=None):
    """Whether each element of ``elements`` occurs in ``test_elements`` (either may be a
    number)."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(f"isin() received an invalid combination of arguments - got "
                        f"({type(elements).__name__}, {type(test_elements).__name__}), but "
                        f"expected one of:")
    a = elements._array if isinstance(elements, Tensor) else np.asarray(elements)
    b = test_elements._array if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    common = _dtype.result_type(*(v for v in (elements, test_elements)))
    if common is _dtype.bool:
        raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    found = np.isin(a.astype(common.np, copy=False), b.astype(common.np, copy=False),
                    assume_unique=assume_unique, invert=invert)
    result = _wrap(np.asarray(found))
    if out is not None:
        out._array = result._array
        return out
    return result


def unravel_index(indices, shape):
    """The coordinates in a tensor of ``shape`` of the flat positions ``indices`` (one tensor
    per dim)."""
    if not isinstance(indices, Tensor):
        raise TypeError(f"expected 'indices' to be a tensor, but got {type(indices)}")
    if indices.dtype.is_floating_point or indices.dtype is _dtype.bool:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if any(s < 0 for s in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    coefs = list(reversed(list(itertools.accumulate(reversed(shape[1:] + (1,)), operator.mul))))
    found = (indices._array.astype(np.int64)[..., None] // np.asarray(coefs, np.int64)
             ) % np.asarray(shape, np.int64)
    return tuple(_wrap(np.array(found[..., k])) for k in range(len(shape)))


__all__ = ["broadcast_shapes", "broadcast_tensors", "meshgrid", "cartesian_prod", "combinations",
           "tril_indices", "triu_indices", "block_diag", "diagflat", "vander", "rot90", "argwhere",
           "nonzero_static", "isin", "unravel_index"]

TENSOR_METHODS = ("diagflat", "rot90", "argwhere", "nonzero_static")
