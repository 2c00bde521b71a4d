"""Every differentiable op passes ``gradcheck`` (float64 finite differences), a core
subset passes ``gradgradcheck``, and gradcheck itself rejects a wrong backward.

Inputs are small and kept away from points where an op is not differentiable
(|x| near 0 for abs, 0 for relu, the clamp bounds, ties for max/min).
"""
import numpy as np
import pytest

import learntorch as lt
from learntorch.autograd import Function, gradcheck, gradgradcheck

rng = np.random.default_rng(1234)


def rand(*shape, low=-1.0, high=1.0, away_from=None, margin=0.1):
    """A float64 leaf requiring grad, uniform in [low, high), at least ``margin`` from
    each value in ``away_from``."""
    values = rng.uniform(low, high, size=shape)
    for point in away_from or ():
        close = np.abs(values - point) < margin
        values[close] = point + np.where(values[close] >= point, margin, -margin) * 2
    return lt.tensor(values, dtype=lt.float64, requires_grad=True)


def distinct(*shape):
    """Values with no two closer than 0.1 (no ties for max/min), shuffled."""
    values = rng.permutation(np.arange(int(np.prod(shape))) * 0.3 - 1.0)
    return lt.tensor(values.reshape(shape), requires_grad=True, dtype=lt.float64)


def positive(*shape):
    return rand(*shape, low=0.5, high=2.0)


IDX = lt.tensor([[0, 2, 2], [1, 0, 0]])
MASK = lt.tensor([[True, False, True], [False, True, True]])

# name -> (function, inputs): one entry per differentiable op of the parity suite.
OPS = {
    "add": (lambda a, b: a + b, lambda: (rand(2, 3), rand(3))),
    "add scalar": (lambda a: 2.5 + a, lambda: (rand(2, 3),)),
    "sub": (lambda a, b: a - b, lambda: (rand(2, 1), rand(3))),
    "rsub": (lambda a: 2 - a, lambda: (rand(3),)),
    "mul": (lambda a, b: a * b, lambda: (rand(2, 3), rand(2, 1))),
    "div": (lambda a, b: a / b, lambda: (rand(2, 3), positive(3))),
    "rdiv": (lambda a: 2.0 / a, lambda: (positive(3),)),
    "pow scalar exponent": (lambda a: a ** 2.5, lambda: (positive(2, 3),)),
    "pow scalar base": (lambda a: 1.5 ** a, lambda: (rand(2, 3),)),
    "pow tensor": (lambda a, b: a ** b, lambda: (positive(2, 3), rand(3))),
    "neg": (lambda a: -a, lambda: (rand(2, 3),)),
    "matmul 2-D": (lambda a, b: a @ b, lambda: (rand(2, 3), rand(3, 4))),
    "matmul 1-D": (lambda a, b: a @ b, lambda: (rand(3), rand(3))),
    "matmul batched broadcast": (lambda a, b: a @ b, lambda: (rand(2, 1, 2, 3), rand(3, 3, 2))),
    "matmul vector-batch": (lambda a, b: a @ b, lambda: (rand(3), rand(2, 3, 2))),
    "mm": (lt.mm, lambda: (rand(2, 3), rand(3, 2))),
    "exp": (lt.exp, lambda: (rand(2, 3),)),
    "log": (lt.log, lambda: (positive(2, 3),)),
    "sqrt": (lt.sqrt, lambda: (positive(2, 3),)),
    "abs": (lt.abs, lambda: (rand(2, 3, away_from=[0.0]),)),
    "sin": (lt.sin, lambda: (rand(2, 3),)),
    "cos": (lt.cos, lambda: (rand(2, 3),)),
    "tanh": (lt.tanh, lambda: (rand(2, 3),)),
    "sigmoid": (lt.sigmoid, lambda: (rand(2, 3),)),
    "relu": (lt.relu, lambda: (rand(2, 3, away_from=[0.0]),)),
    "sum": (lambda a: a.sum(), lambda: (rand(2, 3),)),
    "sum dims keepdim": (lambda a: a.sum((0, -1), keepdim=True), lambda: (rand(2, 3, 2),)),
    "mean": (lambda a: a.mean(1), lambda: (rand(2, 3),)),
    "max": (lambda a: a.max(), lambda: (distinct(2, 3),)),
    "max dim": (lambda a: a.max(1)[0], lambda: (distinct(2, 3),)),
    "min dim keepdim": (lambda a: a.min(0, keepdim=True).values, lambda: (distinct(2, 3),)),
    "amax": (lambda a: lt.amax(a, (0, 2)), lambda: (distinct(2, 3, 2),)),
    "amin": (lambda a: lt.amin(a, -1), lambda: (distinct(2, 3),)),
    "view": (lambda a: a.view(3, 2), lambda: (rand(2, 3),)),
    "reshape": (lambda a: a.t().reshape(-1), lambda: (rand(2, 3),)),
    "permute": (lambda a: a.permute(2, 0, 1), lambda: (rand(2, 3, 2),)),
    "transpose": (lambda a: a.transpose(0, -1), lambda: (rand(2, 3, 2),)),
    "t": (lambda a: a.t(), lambda: (rand(2, 3),)),
    "squeeze": (lambda a: a.squeeze(1), lambda: (rand(2, 1, 3),)),
    "unsqueeze": (lambda a: a.unsqueeze(-1), lambda: (rand(2, 3),)),
    "expand": (lambda a: a.expand(2, 4, 3), lambda: (rand(4, 1),)),
    "flatten": (lambda a: a.flatten(1), lambda: (rand(2, 3, 2),)),
    "contiguous": (lambda a: a.t().contiguous(), lambda: (rand(2, 3),)),
    "clone": (lambda a: a.clone(), lambda: (rand(2, 3),)),
    "getitem basic": (lambda a: a[1:, None, ::2], lambda: (rand(3, 4),)),
    "getitem advanced with repeats": (lambda a: a[[0, 2, 2], 1:], lambda: (rand(3, 4),)),
    "getitem mask": (lambda a: a[MASK], lambda: (rand(2, 3),)),
    "setitem": (lambda a, v: _setitem(a, v), lambda: (rand(3, 4), rand(2))),
    "cat": (lambda a, b: lt.cat([a, b], 1), lambda: (rand(2, 3), rand(2, 2))),
    "stack": (lambda a, b: lt.stack([a, b], -1), lambda: (rand(2, 3), rand(2, 3))),
    "gather": (lambda a: lt.gather(a, 1, IDX), lambda: (rand(2, 3),)),
    "clamp numbers": (lambda a: a.clamp(-0.5, 0.5), lambda: (rand(2, 3, away_from=[-0.5, 0.5]),)),
    "clamp tensors": (lambda a, lo, hi: lt.clamp(a, lo, hi),
                      lambda: (rand(2, 3, away_from=[-0.5, 0.5]), lt.full((3,), -0.5,
                               dtype=lt.float64, requires_grad=True),
                               lt.full((2, 1), 0.5, dtype=lt.float64, requires_grad=True))),
    "where": (lambda a, b: lt.where(MASK, a, b), lambda: (rand(2, 3), rand(3))),
    "add_ on a non-leaf": (lambda a, b: a.clone().add_(b, alpha=2), lambda: (rand(2, 3), rand(3))),
    "mul_ on a non-leaf": (lambda a, b: a.clone().mul_(b), lambda: (rand(2, 3), rand(3))),
    "div_ on a non-leaf": (lambda a, b: a.clone().div_(b), lambda: (rand(2, 3), positive(3))),
    "sub_ on a non-leaf": (lambda a: a.clone().sub_(1.5), lambda: (rand(2, 3),)),
    "clamp_ on a non-leaf": (lambda a: a.clone().clamp_(max=0.5),
                             lambda: (rand(2, 3, away_from=[0.5]),)),
    "copy_ on a non-leaf": (lambda a, b: a.clone().copy_(b) * a, lambda: (rand(2, 3), rand(3))),
}


def _setitem(a, v):
    y = a * 1
    y[[0, 2], 1:3] = v
    return y


@pytest.mark.parametrize("name", OPS)
def test_gradcheck_passes_for_every_differentiable_op(name):
    fn, make_inputs = OPS[name]
    assert gradcheck(fn, make_inputs())


SECOND_ORDER = ["mul", "div", "exp", "tanh", "sigmoid", "matmul 2-D", "matmul batched broadcast",
                "sum dims keepdim", "pow scalar exponent", "pow tensor", "where", "gather"]


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_gradgradcheck_passes_for_core_ops(name):
    """Backward formulas are themselves differentiable (``create_graph=True``)."""
    fn, make_inputs = OPS[name]
    assert gradgradcheck(fn, make_inputs())


class _WrongSquare(Function):
    """``x ** 2`` with a deliberately wrong backward (3x instead of 2x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * 3 * x


class _RightSquare(_WrongSquare):
    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * 2 * x


def test_gradcheck_rejects_a_wrong_backward():
    """The checker must not pass silently: a wrong Jacobian raises a RuntimeError."""
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):
        gradcheck(_WrongSquare.apply, (rand(3),))
    assert gradcheck(_WrongSquare.apply, (rand(3),), raise_exception=False) is False
    assert gradcheck(_RightSquare.apply, (rand(3),))


def test_gradgradcheck_rejects_a_wrong_second_derivative():
    """A backward whose values are right but which detaches x: its own derivative is 0
    where it should be 2 * grad, and gradgradcheck must say so."""

    class _FrozenBackward(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * 2 * x.detach() + 0 * x * x  # second derivative wrong (0 instead of 2)

    with pytest.raises(RuntimeError):
        gradgradcheck(_FrozenBackward.apply, (rand(3),))
