"""Statistics and numerical calculus: diff, gradient, trapezoid, quantile, nanmedian, cov,
corrcoef, logcumsumexp, renorm.

Most are *composite* in torch too: written with other ops (slices, sums, sort, lerp), so
their gradients — and gradients of gradients — come from those ops, and their ``grad_fn``
names are the ones torch shows (``SubBackward0`` for ``diff`` …).
"""
import builtins
import warnings

import numpy as np

from .. import _dtype, return_types
from .._tensor import Tensor, _wrap_dim
from ..autograd.grad_mode import _State
from ._mutation import inplace_of
from ._op import Op
from .comparison import _pick, _sort_order
from .indexing import Gather, cat, gather, narrow, select
from .pointwise import _out, lerp, logical_xor, where
from .reduction import _EvenExtreme
from .shape import movedim

_wrap = Tensor._make


def _slice(t, d, start, stop=None):
    """``t`` from ``start`` to ``stop`` along ``d`` (negative bounds count from the end)."""
    size = t.shape[d]
    start = builtins.max(start + size, 0) if start < 0 else builtins.min(start, size)
    stop = size if stop is None else (builtins.max(stop + size, 0) if stop < 0 else
                                      builtins.min(stop, size))
    return narrow(t, d, start, builtins.max(stop - start, 0))


# -- differences -----------------------------------------------------------------------------
def diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None):
    """``n``-th forward difference ``x[i+1] - x[i]`` along ``dim`` (``xor`` for bools), after
    joining ``prepend`` and ``append`` to the ends."""
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = _wrap_dim(dim, input.dim())
    for extra in (prepend, append):
        if extra is not None and extra.dim() != input.dim():
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    if prepend is not None or append is not None:
        input = cat([t for t in (prepend, input, append) if t is not None], d)
    for _ in range(n):
        if input.shape[d] == 0:
            break
        right, left = _slice(input, d, 1), _slice(input, d, 0, -1)
        input = logical_xor(right, left) if input.dtype is _dtype.bool else right - left
    return _out(input, out)


def _dims_of(input, dim):
    if dim is None:
        return list(range(input.dim()))
    dims = [dim] if isinstance(dim, int) else list(dim)
    dims = [_wrap_dim(k, input.dim()) for k in dims]
    for k in dims:
        if dims.count(k) > 1:
            raise RuntimeError(f"dim {k} appears multiple times in the list of dims")
    return dims


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """The derivative estimated along each of ``dim``: central differences inside, one-sided
    (first or second order) at the two ends; ``spacing`` is the sample distance (a number per
    dim) or the sample coordinates (a 1-D tensor per dim)."""
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = _dims_of(input, dim)
    if isinstance(spacing, (int, float, Tensor)) and not (isinstance(spacing, Tensor)
                                                          and spacing.dim()):
        spacing = [spacing] * len(dims)
    spacing = list(spacing)
    if len(spacing) != len(dims):
        if dim is None:
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar, or a "
                               f"list of length equal to 'self.dim() = {input.dim()}', since dim "
                               f"argument was not given, but got a list of length {len(spacing)}")
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's "
                           f"spacing and dim arguments to have the same length, but got a spacing "
                           f"argument of length {len(spacing)} and a dim argument of length "
                           f"{len(dims)}.")
    for k in dims:
        if input.shape[k] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least "
                               "edge_order+1")
    if not input.dtype.is_floating_point:
        input = input.to(_dtype.get_default_dtype())
    return tuple(_gradient_along(input, k, h, edge_order) for k, h in zip(dims, spacing))


def _gradient_along(y, d, h, edge_order):
    if isinstance(h, Tensor) and h.dim() == 1:
        return _gradient_coordinates(y, d, h, edge_order)
    h = h.item() if isinstance(h, Tensor) else h
    center = (_slice(y, d, 2) - _slice(y, d, 0, -2)) / h
    if edge_order == 1:
        first = (_slice(y, d, 1, 2) - _slice(y, d, 0, 1)) / h
        last = (_slice(y, d, -1) - _slice(y, d, -2, -1)) / h
    else:
        first = (_slice(y, d, 0, 1) * -1.5 + _slice(y, d, 1, 2) * 2 - _slice(y, d, 2, 3) * 0.5) / h
        last = (_slice(y, d, -3, -2) * 0.5 + _slice(y, d, -2, -1) * -2 + _slice(y, d, -1) * 1.5) / h
    return cat([first, center / 2, last], d)


def _gradient_coordinates(y, d, x, edge_order):
    """Second-order accurate differences for unevenly spaced samples at coordinates ``x``."""
    shape = [1] * y.dim()
    shape[d] = -1
    dx = diff(x)
    dx1, dx2 = dx[:-1], dx[1:]
    a = (-dx2 / (dx1 * (dx1 + dx2))).reshape(shape)
    b = ((dx2 - dx1) / (dx1 * dx2)).reshape(shape)
    c = (dx1 / (dx2 * (dx1 + dx2))).reshape(shape)
    center = a * _slice(y, d, 0, -2) + b * _slice(y, d, 1, -1) + c * _slice(y, d, 2)
    if edge_order == 1:
        first = (_slice(y, d, 1, 2) - _slice(y, d, 0, 1)) / dx[0]
        last = (_slice(y, d, -1) - _slice(y, d, -2, -1)) / dx[-1]
    else:
        h0, h1 = dx[0], dx[1]
        first = (-(2.0 * h0 + h1) / (h0 * (h0 + h1)) * _slice(y, d, 0, 1)
                 + (h0 + h1) / (h0 * h1) * _slice(y, d, 1, 2)
                 + -h0 / (h1 * (h0 + h1)) * _slice(y, d, 2, 3))
        h0, h1 = dx[-1], dx[-2]
        last = (h0 / (h1 * (h0 + h1)) * _slice(y, d, -3, -2)
                - (h0 + h1) / (h0 * h1) * _slice(y, d, -2, -1)
                + (2 * h0 + h1) / (h0 * (h0 + h1)) * _slice(y, d, -1))
    return cat([first, center, last], d)


# -- integration -----------------------------------------------------------------------------
def _sample_steps(name, y, x, d):
    """``x``'s differences along ``d``, shaped to broadcast against ``y``'s."""
    if x.dim() == 1:
        if x.shape[0] != y.shape[d]:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        shape = [1] * y.dim()
        shape[d] = x.shape[0]
        x = x.view(shape)
    elif x.dim() < y.dim():
        x = x.view((1,) * (y.dim() - x.dim()) + tuple(x.shape))
    return _slice(x, d, 1) - _slice(x, d, 0, -1)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The integral of the samples ``y`` along ``dim`` by the trapezoid rule, at spacing ``dx``
    (1 by default) or at the sample points ``x``."""
    d = _wrap_dim(dim, y.dim())
    if y.shape[d] == 0:
        shape = y.shape[:d] + y.shape[d + 1:]
        return _wrap(np.zeros(shape, y._array.dtype))
    if isinstance(x, Tensor):
        if y.dtype is _dtype.bool or x.dtype is _dtype.bool:
            raise RuntimeError("trapezoid: received a bool input for `x` or `y`, but bool is not "
                               "supported")
        steps = _sample_steps("trapezoid", y, x, d)
        return ((steps * (_slice(y, d, 1) + _slice(y, d, 0, -1))) / 2.0).sum(d)
    if y.dtype is _dtype.bool:
        raise RuntimeError("trapezoid: received a bool input for `y`, but bool is not supported")
    dx = 1 if dx is None and x is None else dx if dx is not None else x
    return (y.sum(d) - (select(y, d, 0) + select(y, d, -1)) * 0.5) * dx


def trapz(y, x=None, *, dx=None, dim=-1):
    """The older name of ``trapezoid``."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoid-rule integral along ``dim`` (one element shorter than ``y``)."""
    d = _wrap_dim(dim, y.dim())
    if isinstance(x, Tensor):
        if y.dtype is _dtype.bool or x.dtype is _dtype.bool:
            raise RuntimeError("cumulative_trapezoid: received a bool input for `x` or `y`, but "
                               "bool is not supported")
        steps = _sample_steps("cumulative_trapezoid", y, x, d)
        return (steps / 2.0 * (_slice(y, d, 0, -1) + _slice(y, d, 1))).cumsum(d)
    if y.dtype is _dtype.bool:
        raise RuntimeError("cumulative_trapezoid: received a bool input for `y`, but bool is not "
                           "supported")
    dx = 1 if dx is None and x is None else dx if dx is not None else x
    return (dx / 2.0 * (_slice(y, d, 0, -1) + _slice(y, d, 1))).cumsum(d)


# -- quantiles and medians -----------------------------------------------------------------------
_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The ``q``-th quantiles along ``dim`` (all elements when None); a row with a NaN gives
    NaN. ``interpolation`` says what to do between two samples, as in NumPy."""
    return _out(_quantile(input, q, dim, keepdim, interpolation, False), out)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """``quantile`` ignoring NaNs (a row of only NaNs gives NaN)."""
    return _out(_quantile(input, q, dim, keepdim, interpolation, True), out)


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    name = "quantile"  # torch's messages say quantile() for nanquantile too
    scalar_q = not isinstance(q, Tensor)
    qs = np.asarray(q, dtype=np.float64) if scalar_q else q._array
    if input.numel() == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if not scalar_q and q.dim() > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
    if not input.dtype.is_floating_point or input.dtype is _dtype.float16:
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if not scalar_q and q.dtype is not input.dtype:
        raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
    if ((qs < 0) | (qs > 1)).any():
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]" if not scalar_q else
                           f"{name}() q must be in the range [0, 1] but got {q:g}")
    if interpolation not in _MODES:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest, but got {interpolation}")
    ndim = input.dim()
    if dim is None:
        rows = input.reshape(-1)
        kept_shape = (1,) * ndim if keepdim else ()
    else:
        d = _wrap_dim(dim, builtins.max(ndim, 1))
        rows = movedim(input, d, -1) if ndim else input.reshape(1)
        kept_shape = tuple(1 if k == d else s for k, s in enumerate(input.shape)) if keepdim \
            else tuple(s for k, s in enumerate(input.shape) if k != d)
    qs = qs.reshape(-1).astype(input._array.dtype)
    array = rows._array
    ranks, weights = _ranks(array, qs, interpolation, ignore_nan)
    at = _sample_reader(rows, array, ranks)
    below = at(np.floor(ranks))
    if interpolation in ("linear", "midpoint"):
        below = lerp(below, at(np.ceil(ranks)), _wrap(weights))
    result = movedim(below, -1, 0)  # q first, then the kept dims
    shape = kept_shape if scalar_q else (qs.size,) + kept_shape
    return result.reshape(shape)


def _sample_reader(rows, array, ranks):
    """``at(r)``: the r-th smallest sample of each row (NaN last), for the ranks needed.

    A partial sort suffices when the ranks are few, as in NumPy's quantile; only a graph
    needs to know *which* element was picked (``gather`` of its index, for the gradient).
    """
    kth = np.unique(np.concatenate([np.floor(ranks).ravel(), np.ceil(ranks).ravel()]))
    kth = kth.astype(np.int64)
    if not (_State.enabled and rows.requires_grad):
        part = np.partition(array, kth, axis=-1) if kth.size <= 64 else np.sort(array, axis=-1)
        return lambda r: _wrap(np.take_along_axis(part, r.astype(np.int64), -1))
    order = (np.argpartition(array, kth, axis=-1) if kth.size <= 64 else
             np.argsort(array, axis=-1, kind="stable"))
    return lambda r: gather(rows, -1, _wrap(np.take_along_axis(order, r.astype(np.int64), -1)))


def _ranks(sorted_rows, qs, interpolation, ignore_nan):
    """Fractional positions of the quantiles in each row once sorted, (rows…, len(q)), and
    the interpolation weights between the samples either side (``sorted_rows`` is only
    counted, so any order will do)."""
    last = sorted_rows.shape[-1] - 1
    nan = np.isnan(sorted_rows)
    if ignore_nan:
        count = (~nan).sum(-1, keepdims=True)
        ranks = qs * (count - 1).astype(qs.dtype)
        ranks = np.where(ranks < 0, last, ranks)
    else:
        ranks = np.broadcast_to(qs * qs.dtype.type(last), sorted_rows.shape[:-1] + qs.shape)
        ranks = np.where(nan.any(-1, keepdims=True), last, ranks)
    ranks = ranks.astype(qs.dtype)
    if interpolation == "lower":
        ranks = np.floor(ranks)
    elif interpolation == "higher":
        ranks = np.ceil(ranks)
    elif interpolation == "nearest":
        ranks = np.round(ranks)  # half to even, as NumPy and torch
    weights = (np.full_like(ranks, 0.5) if interpolation == "midpoint" else
               ranks - np.floor(ranks))
    return ranks, weights


class NanmedianAll(_EvenExtreme):
    """``nanmedian()`` of all elements: the lower middle of the non-NaN values."""

    node_name = "NanmedianBackward0"

    @staticmethod
    def reduce(x, axis, keepdims):
        flat = np.sort(x.reshape(-1))
        valid = int((~np.isnan(flat)).sum())
        return flat[builtins.max(valid - 1, 0) // 2] if flat.size else np.asarray(np.nan, x.dtype)


class NanmedianValues(Gather):
    node_name = "NanmedianBackward1"


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """The lower median ignoring NaNs; with ``dim``: ``(values, indices)``.

    Differs from torch only in which index is reported when the median value occurs more
    than once (torch's partial sort leaves that unspecified).
    """
    if dim is None:
        return NanmedianAll.apply(input, axes=None, keepdim=False)
    array = input._array if input.dim() else input._array.reshape(1)
    d = _wrap_dim(dim, array.ndim)
    if array.shape[d] == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    order = _sort_order(array, d, False)
    valid = (~np.isnan(array)).sum(d, keepdims=True)
    middle = np.take_along_axis(order, np.maximum(valid - 1, 0) // 2, d)
    result = return_types.nanmedian(*_pick(NanmedianValues, input, middle, d, keepdim))
    if out is not None:
        result = return_types.nanmedian(_out(result[0], out[0]), _out(result[1], out[1]))
    return result


# -- covariance --------------------------------------------------------------------------------
def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in the rows of ``input`` (observations in the
    columns), with frequency weights ``fweights`` and observation weights ``aweights``."""
    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.dim()} dimensions")
    if input.dtype is _dtype.bool:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = input.view(1, -1) if input.dim() < 2 else input
    n = x.shape[1]
    w = None
    if fweights is not None:
        _check_weights("fweights", fweights, n, "integral",
                       not fweights.dtype.is_floating_point and fweights.dtype is not _dtype.bool)
        w = fweights
    if aweights is not None:
        _check_weights("aweights", aweights, n, "floating point", aweights.dtype.is_floating_point)
        w = aweights if w is None else w * aweights
    w_sum = w.sum() if w is not None else _wrap(np.asarray(n, np.int64))
    if w is not None and not bool(w_sum._array != 0):
        raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    avg = (x * w if w is not None else x).sum(1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm = w_sum - correction
    if bool(norm._array <= 0):
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)
        norm = norm * 0
    x = x - avg.unsqueeze(1)
    c = x.mm((x * w if w is not None else x).t())
    return (c / norm).squeeze()


def _check_weights(name, w, n, kind, kind_ok):
    if w.dim() > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got "
                           f"{name} with {w.dim()} dimensions")
    if not kind_ok:
        raise RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} with "
                           f"{_dtype.type_word(w.dtype)} dtype")
    if w.numel() != n:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are "
                           f"observations in the input but got {w.numel()} != {n}")
    if n and w._array.min() < 0:
        raise RuntimeError(f"cov(): {name} cannot be negative")


def corrcoef(input):
    """Pearson correlation coefficients of the rows of ``input``, clipped to [-1, 1]."""
    if input.dim() > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got "
                           f"an input with {input.dim()} dimensions")
    c = cov(input)
    if c.dim() == 0:
        return c / c  # nan for a constant or empty row, 1 otherwise
    std = c.diagonal().sqrt()
    c = c / std.view(-1, 1)
    c = c / std.view(1, -1)
    return c.clip(-1, 1)


# -- logcumsumexp and renorm -------------------------------------------------------------------
class Logcumsumexp(Op):
    """``log(cumsum(exp(x)))`` along ``dim``, without overflow."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        out = np.logaddexp.accumulate(x, axis=dim) if x.ndim else x.copy()
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # torch's formula (from TensorFlow's): split the gradient by sign and sum the
        # weights exp(x_i - out_j) over j >= i in log space, so nothing overflows.
        x, out = ctx.saved_tensors
        if x.dim() == 0:
            return grad
        d = ctx.dim
        lowest = np.finfo(x._array.dtype).min

        def reverse_logcumsumexp(t):
            return logcumsumexp(t.flip(d), d).flip(d)

        floor = _wrap(np.asarray(lowest, x._array.dtype))
        log_pos = where(grad > 0, grad.log(), floor)
        log_neg = where(grad < 0, (-grad).log(), floor)
        return ((reverse_logcumsumexp(log_pos - out) + x).exp()
                - (reverse_logcumsumexp(log_neg - out) + x).exp())


def logcumsumexp(input, dim, *, out=None):
    """``log(exp(x_0) + … + exp(x_i))`` for every ``i`` along ``dim``."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for "
                                  f"'{_dtype.type_word(input.dtype)}'")
    d = _wrap_dim(dim, input.dim())
    return _out(Logcumsumexp.apply(input, dim=d), out)


def renorm(input, p, dim, maxnorm, *, out=None):
    """Each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` scaled down to
    ``maxnorm`` (the max-norm constraint of embedding layers)."""
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {_dtype.type_word(input.dtype)}")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if input.dim() <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.dim()} "
                           f"dimensions")
    from ..linalg import vector_norm
    d = _wrap_dim(dim, input.dim())
    others = tuple(k for k in range(input.dim()) if k != d)
    norm = vector_norm(input, p, others, keepdim=True)
    factor = where(norm > maxnorm, maxnorm / (norm + 1e-7), _wrap(np.ones((), input._array.dtype)))
    return _out(input * factor, out)


renorm_ = inplace_of(renorm)


__all__ = ["diff", "gradient", "trapezoid", "trapz", "cumulative_trapezoid", "quantile",
           "nanquantile", "nanmedian", "cov", "corrcoef", "logcumsumexp", "renorm"]

TENSOR_METHODS = ("diff", "quantile", "nanquantile", "nanmedian", "cov", "corrcoef",
                  "logcumsumexp", "renorm", "renorm_")
