"""Every differentiable row added with the math, reduction and BLAS ops passes ``gradcheck``
(float64 finite differences).  Inputs stay away from kinks: ties for max-like ops, zero for
abs-like ones, the domain edges of acos/asin/erfinv."""
import numpy as np
import pytest

import learntorch as lt
from learntorch.autograd import gradcheck

rng = np.random.default_rng(2024)


def rand(*shape, low=-1.0, high=1.0):
    return lt.tensor(rng.uniform(low, high, size=shape), dtype=lt.float64, requires_grad=True)


def positive(*shape):
    return rand(*shape, low=0.5, high=2.0)


def distinct(*shape, offset=0.0):
    """No two values closer than 0.3 (0.15 from a tensor with offset 0.15): no ties."""
    values = rng.permutation(np.arange(int(np.prod(shape))) * 0.3 - 1.0 + offset)
    return lt.tensor(values.reshape(shape), dtype=lt.float64, requires_grad=True)


def with_zeros(*shape):
    """Values with exact zeros in them (prod and cumprod have special gradients there)."""
    values = rng.uniform(0.5, 1.5, size=shape) * rng.choice([-1, 1], size=shape)
    values.reshape(-1)[::3] = 0.0
    return lt.tensor(values, dtype=lt.float64, requires_grad=True)


def square(n, batch=()):
    values = rng.uniform(-1, 1, size=batch + (n, n)) + 3 * np.eye(n)
    return lt.tensor(values, dtype=lt.float64, requires_grad=True)


UNARY = {name: (getattr(lt, name), lambda: (rand(2, 3),)) for name in
         ("atan", "cos", "cosh", "exp2", "expm1", "sigmoid", "sin", "sinh", "tan", "tanh", "erf")}
UNARY.update({name: (getattr(lt, name), lambda: (positive(2, 3),)) for name in
              ("log", "log1p", "log2", "log10", "reciprocal", "rsqrt", "sqrt")})
UNARY.update({
    "acos": (lt.acos, lambda: (rand(2, 3, low=-0.8, high=0.8),)),
    "asin": (lt.asin, lambda: (rand(2, 3, low=-0.8, high=0.8),)),
    "erfinv": (lt.erfinv, lambda: (rand(2, 3, low=-0.8, high=0.8),)),
    "square": (lt.square, lambda: (rand(2, 3),)),
    "frac": (lt.frac, lambda: (rand(2, 3, low=0.1, high=0.9),)),
    "nan_to_num": (lt.nan_to_num, lambda: (rand(2, 3),)),
})

BINARY = {
    "atan2": (lt.atan2, lambda: (rand(2, 3), positive(3))),
    "hypot": (lt.hypot, lambda: (positive(2, 3), rand(3))),
    "maximum": (lt.maximum, lambda: (distinct(2, 3), distinct(3, offset=0.15))),
    "minimum": (lt.minimum, lambda: (distinct(2, 3), distinct(3, offset=0.15))),
    "fmax": (lt.fmax, lambda: (distinct(2, 3), distinct(3, offset=0.15))),
    "fmin": (lt.fmin, lambda: (distinct(2, 3), distinct(3, offset=0.15))),
    "logaddexp": (lt.logaddexp, lambda: (rand(2, 3), rand(3))),
    "logaddexp2": (lt.logaddexp2, lambda: (rand(2, 3), rand(3))),
    "fmod": (lt.fmod, lambda: (rand(2, 3, low=0.1, high=0.9), positive(3))),
    "remainder": (lt.remainder, lambda: (rand(2, 3, low=0.1, high=0.9), positive(3))),
    "xlogy": (lt.xlogy, lambda: (rand(2, 3), positive(3))),
    "add alpha": (lambda a, b: lt.add(a, b, alpha=2.5), lambda: (rand(2, 3), rand(3))),
    "pow number base": (lambda a: lt.pow(2.5, a), lambda: (rand(2, 3),)),
    "addcmul": (lambda a, b, c: lt.addcmul(a, b, c, value=0.5), lambda: (rand(3), rand(2, 3), rand(3))),
    "addcdiv": (lambda a, b, c: lt.addcdiv(a, b, c, value=2), lambda: (rand(3), rand(2, 3), positive(3))),
    "lerp number": (lambda a, b: lt.lerp(a, b, 0.3), lambda: (rand(2, 3), rand(3))),
    "lerp tensor": (lt.lerp, lambda: (rand(2, 3), rand(3), rand(2, 1))),
    "clamp tensors": (lt.clamp, lambda: (distinct(2, 3), lt.tensor(-0.5, dtype=lt.float64),
                                         lt.tensor(0.55, dtype=lt.float64, requires_grad=True))),
}

REDUCTIONS = {
    "prod": (lt.prod, lambda: (rand(2, 3),)),
    "prod with zeros": (lt.prod, lambda: (with_zeros(2, 3),)),
    "prod dim with zeros": (lambda a: lt.prod(a, 1, keepdim=True), lambda: (with_zeros(3, 4),)),
    "var": (lambda a: lt.var(a, 1), lambda: (rand(2, 3),)),
    "std correction": (lambda a: lt.std(a, (0, 1), correction=0), lambda: (rand(2, 3),)),
    "std_mean": (lambda a: lt.std_mean(a, 0), lambda: (rand(3, 2),)),
    "var_mean": (lambda a: lt.var_mean(a, unbiased=False), lambda: (rand(3, 2),)),
    "cumsum": (lambda a: lt.cumsum(a, 1), lambda: (rand(2, 3),)),
    "cumprod": (lambda a: lt.cumprod(a, 1), lambda: (rand(2, 4),)),
    "cumprod with zeros": (lambda a: lt.cumprod(a, -1), lambda: (with_zeros(3, 5),)),
    "cummax": (lambda a: lt.cummax(a, 1).values, lambda: (distinct(2, 4),)),
    "cummin": (lambda a: lt.cummin(a, 0).values, lambda: (distinct(3, 2),)),
    "logsumexp": (lambda a: lt.logsumexp(a, 1), lambda: (rand(2, 3),)),
    "aminmax": (lambda a: tuple(lt.aminmax(a, dim=1)), lambda: (distinct(2, 3),)),
    "norm p=3": (lambda a: lt.norm(a, 3, 1), lambda: (rand(2, 3),)),
    "norm fro": (lt.norm, lambda: (rand(2, 3),)),
    "dist": (lambda a, b: lt.dist(a, b, 1.5), lambda: (rand(2, 3), rand(3))),
}

BLAS = {
    "vdot": (lt.vdot, lambda: (rand(3), rand(3))),
    "outer": (lt.outer, lambda: (rand(3), rand(2))),
    "addmm": (lambda i, a, b: lt.addmm(i, a, b, beta=0.5, alpha=2), lambda: (rand(4), rand(2, 3), rand(3, 4))),
    "addmv": (lambda i, a, b: lt.addmv(i, a, b, alpha=-1), lambda: (rand(2), rand(2, 3), rand(3))),
    "addr": (lambda i, a, b: lt.addr(i, a, b, beta=2), lambda: (rand(2, 3), rand(2), rand(3))),
    "baddbmm": (lt.baddbmm, lambda: (rand(3), rand(2, 2, 3), rand(2, 3, 3))),
    "addbmm": (lt.addbmm, lambda: (rand(2, 3), rand(2, 2, 4), rand(2, 4, 3))),
    "cross": (lambda a, b: lt.cross(a, b, dim=0), lambda: (rand(3, 2), rand(3, 2))),
    "linalg.cross": (lt.linalg.cross, lambda: (rand(2, 3), rand(1, 3))),
    "trace": (lt.trace, lambda: (rand(3, 4),)),
    "kron": (lt.kron, lambda: (rand(2, 3), rand(2))),
    "tensordot": (lambda a, b: lt.tensordot(a, b, ([0, 2], [1, 0])), lambda: (rand(2, 3, 2), rand(2, 2, 3))),
    "einsum matmul": (lambda a, b: lt.einsum("ij,jk->ik", a, b), lambda: (rand(2, 3), rand(3, 2))),
    "einsum diagonal": (lambda a: lt.einsum("ii->i", a), lambda: (rand(3, 3),)),
    "einsum three operands": (lambda a, b, c: lt.einsum("bij,bjk,k->bi", a, b, c),
                              lambda: (rand(2, 2, 3), rand(2, 3, 2), rand(2))),
    "einsum summed-away label": (lambda a, b: lt.einsum("ij,k->i", a, b), lambda: (rand(2, 3), rand(2))),
    "det": (lt.det, lambda: (square(3),)),
    "inverse": (lt.inverse, lambda: (square(3, (2,)),)),
    "linalg.solve": (lt.linalg.solve, lambda: (square(3), rand(3, 2))),
    "matrix_norm nuc": (lambda a: lt.linalg.matrix_norm(a, "nuc"), lambda: (square(3),)),
    "vector_norm p=0.5": (lambda a: lt.linalg.vector_norm(a, 0.5), lambda: (positive(4),)),
}

OPS = {**UNARY, **BINARY, **REDUCTIONS, **BLAS}


@pytest.mark.parametrize("name", OPS)
def test_gradcheck(name):
    fn, make_inputs = OPS[name]
    assert gradcheck(fn, make_inputs())


@pytest.mark.parametrize("name", ["cumprod with zeros", "prod dim with zeros"])
def test_zero_inputs_really_contain_zeros(name):
    """The zero-aware gradient paths are only exercised when zeros are present."""
    _, make_inputs = OPS[name]
    assert (make_inputs()[0].detach().numpy() == 0).any()
