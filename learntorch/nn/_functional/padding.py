"""``F.pad``: constant, reflect, replicate and circular padding, and its adjoint.

``pad`` lists ``(left, right)`` pairs starting from the *last* dimension, as in torch.
The backward of padding folds the padded gradient back onto the input (each padded cell
adds its gradient to the input cell it copied); the backward of that fold is padding
again, so the pair is closed under differentiation.  A negative pad crops.
"""
import numpy as np

from ...ops._op import Op

_NUMPY_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge",
                "circular": "wrap"}


def _crop(x, pairs):
    """Negative pads remove cells; the result's pairs are the non-negative remainder."""
    lead = x.ndim - len(pairs)
    region = tuple(slice(-min(lo, 0), x.shape[lead + i] + min(hi, 0) if hi < 0 else None)
                   for i, (lo, hi) in enumerate(pairs))
    return x[(Ellipsis,) + region], [(max(lo, 0), max(hi, 0)) for lo, hi in pairs]


def pad_forward(x, pairs, mode, value):
    x, pairs = _crop(x, pairs)
    widths = [(0, 0)] * (x.ndim - len(pairs)) + pairs
    if mode == "constant":
        return np.pad(x, widths, constant_values=value)
    return np.pad(x, widths, mode=_NUMPY_MODES[mode])


def _fold_dim(g, axis, lo, hi, n, mode):
    """The input's gradient along ``axis`` (length ``n``) from the padded gradient ``g``."""
    take = lambda start, stop, step=1: g[(slice(None),) * axis + (slice(start, stop, step),)]  # noqa: E731
    out = take(lo, lo + n).copy()
    view = lambda start, stop: out[(slice(None),) * axis + (slice(start, stop),)]  # noqa: E731
    if mode == "reflect":
        if lo:
            view(1, lo + 1)[...] += take(lo - 1, None, -1)
        if hi:
            view(n - 1 - hi, n - 1)[...] += take(lo + n, lo + n + hi)[
                (slice(None),) * axis + (slice(None, None, -1),)]
    elif mode == "replicate":
        if lo:
            view(0, 1)[...] += take(0, lo).sum(axis, keepdims=True)
        if hi:
            view(n - 1, n)[...] += take(lo + n, None).sum(axis, keepdims=True)
    elif mode == "circular":
        if lo:
            view(n - lo, n)[...] += take(0, lo)
        if hi:
            view(0, hi)[...] += take(lo + n, None)
    return out


def pad_adjoint(g, pairs, mode, shape):
    """The gradient for an input of ``shape`` from ``g``, the gradient of its padding."""
    lead = len(shape) - len(pairs)
    cropped = [(max(lo, 0), max(hi, 0)) for lo, hi in pairs]
    sizes = [s + min(lo, 0) + min(hi, 0) for s, (lo, hi) in zip(shape[lead:], pairs)]
    if mode == "constant":
        g = g[(Ellipsis,) + tuple(slice(lo, lo + s) for (lo, _), s in zip(cropped, sizes))]
    else:
        for i, ((lo, hi), s) in enumerate(zip(cropped, sizes)):
            g = _fold_dim(g, lead + i, lo, hi, s, mode)
    # cells that negative pads cropped away get no gradient
    back = [(-min(lo, 0), -min(hi, 0)) for lo, hi in pairs]
    return np.pad(g, [(0, 0)] * lead + back) if any(a or b for a, b in back) else \
        np.ascontiguousarray(g)


class Pad(Op):
    """``x`` padded by ``pairs`` (``(lo, hi)`` per trailing dim, the first dim first)."""

    node_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, *, pairs, mode, value):
        ctx.pairs, ctx.mode, ctx.shape = pairs, mode, x.shape
        return pad_forward(x, pairs, mode, value)

    @staticmethod
    def backward(ctx, grad):
        return PadGrad.apply(grad, pairs=ctx.pairs, mode=ctx.mode, shape=ctx.shape)


class PadGrad(Op):
    """The adjoint of ``Pad``: the padded gradient folded back onto the input."""

    @staticmethod
    def forward(ctx, g, *, pairs, mode, shape):
        ctx.pairs, ctx.mode = pairs, mode
        return pad_adjoint(g, pairs, mode, shape)

    @staticmethod
    def backward(ctx, grad):
        return Pad.apply(grad, pairs=ctx.pairs, mode=ctx.mode, value=0)


def _pad_op(mode, n):
    if mode == "circular":  # torch pads circularly by copying slices
        return type("CircularPad", (Pad,), {"node_name": "CopySlices", "__module__": __name__,
                                            "torch_name": "torch::autograd::CopySlices"})
    name = {"reflect": "ReflectionPad", "replicate": "ReplicationPad"}.get(mode)
    if name is None:
        return Pad
    return type(f"{name}{n}D", (Pad,), {"node_name": f"{name}{n}DBackward0",
                                         "__module__": __name__})


_OPS = {(mode, n): _pad_op(mode, n) for mode in _NUMPY_MODES for n in (1, 2, 3)}


def _check(input, pad, mode, value):
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.dim():
        raise RuntimeError(f"Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad)} and input of dimension "
                           f"{input.dim()}")
    if mode not in _NUMPY_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode == "constant":
        return
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    n = len(pad) // 2
    if n > 3 or input.dim() not in (n + 1, n + 2):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {input.dim()}D "
                                  f"input tensor.")
    if 0 in input.shape[input.dim() - n - 1 + (input.dim() == n + 1):]:
        raise RuntimeError(f"Expected {n + 1}D or {n + 2}D (batch mode) tensor with possibly 0 "
                           f"batch size and other non-zero dimensions for input, but got: "
                           f"{list(input.shape)}")
    for i in range(n):
        lo, hi = pad[2 * i], pad[2 * i + 1]
        dim = input.dim() - 1 - i
        size = input.shape[dim]
        if mode == "reflect" and (lo >= size or hi >= size):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding "
                               f"input dimension, but got: padding ({lo}, {hi}) at dimension "
                               f"{dim} of input {list(input.shape)}")
        if mode == "circular" and (lo > size or hi > size):
            raise RuntimeError("Padding value causes wrapping around more than once.")


def pad(input, pad, mode="constant", value=None):
    """Pad the last ``len(pad) // 2`` dims: ``pad = (left_last, right_last, left_prev, …)``."""
    pad = tuple(int(p) for p in pad)
    _check(input, pad, mode, value)
    n = len(pad) // 2
    pairs = [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(n))]
    op = _OPS[(mode, max(1, min(n, 3)))] if mode != "constant" else Pad
    return op.apply(input, pairs=pairs, mode=mode, value=0 if value is None else value)


__all__ = ["pad"]
