"""Every differentiable joining, splitting, scattering and rearranging op passes ``gradcheck``
(float64 finite differences), and those whose backward is built from other new ops also
pass ``gradgradcheck``.

Index arguments are fixed tensors (with repeats where the op allows them, so accumulation
is checked); inputs are small random float64 leaves.
"""
import numpy as np
import pytest

import learntorch as lt
from learntorch.autograd import gradcheck, gradgradcheck

rng = np.random.default_rng(4321)


def rand(*shape):
    return lt.tensor(rng.uniform(-1, 1, size=shape), dtype=lt.float64, requires_grad=True)


IDX = lt.tensor([[0, 2, 1], [1, 0, 0]])       # gather/scatter_add index for a (2, 3) input
PERM = lt.tensor([[2, 0, 1], [1, 2, 0]])      # distinct per row: scatter's result is defined
MASK = lt.tensor([[True, False, True], [False, True, True]])
SCALAR = lambda: lt.tensor(0.5, dtype=lt.float64, requires_grad=True)  # noqa: E731

# name -> (function, inputs)
OPS = {
    "hstack": (lambda a, b: lt.hstack([a, b]), lambda: (rand(2, 3), rand(2, 1))),
    "vstack": (lambda a, b: lt.vstack([a, b]), lambda: (rand(3), rand(2, 3))),
    "dstack": (lambda a, b: lt.dstack([a, b]), lambda: (rand(2, 3), rand(2, 3))),
    "column_stack": (lambda a, b: lt.column_stack([a, b]), lambda: (rand(2), rand(2, 2))),
    "atleast_3d": (lambda a: lt.atleast_3d(a), lambda: (rand(3),)),
    "chunk": (lambda a: a.chunk(2, 1), lambda: (rand(2, 5),)),
    "split size": (lambda a: lt.split(a, 2, dim=-1), lambda: (rand(2, 5),)),
    "split sizes": (lambda a: a.split([1, 3, 1]), lambda: (rand(5, 2),)),
    "tensor_split": (lambda a: a.tensor_split([1, -1], 1), lambda: (rand(2, 5),)),
    "hsplit": (lambda a: lt.hsplit(a, 2), lambda: (rand(2, 4),)),
    "scatter src": (lambda a, s: a.scatter(1, PERM, s), lambda: (rand(2, 3), rand(2, 3))),
    "scatter value": (lambda a: a.scatter(1, PERM[:, :2], 1.5), lambda: (rand(2, 3),)),
    "scatter_add": (lambda a, s: lt.scatter_add(a, 1, IDX, s), lambda: (rand(2, 3), rand(2, 3))),
    "scatter_ on a non-leaf": (lambda a, s: (a * 1).scatter_(1, PERM[:1], s),
                               lambda: (rand(2, 3), rand(1, 3))),
    "scatter_add_ on a non-leaf": (lambda a, s: (a * 1).scatter_add_(1, IDX, s),
                                   lambda: (rand(2, 3), rand(2, 3))),
    "index_select": (lambda a: a.index_select(1, lt.tensor([2, 0, 2])), lambda: (rand(2, 3),)),
    "index_add": (lambda a, s: a.index_add(0, lt.tensor([1, 1, 0]), s, alpha=-2),
                  lambda: (rand(2, 3), rand(3, 3))),
    "index_add_ on a non-leaf": (lambda a, s: (a * 1).index_add_(1, lt.tensor([2]), s),
                                 lambda: (rand(2, 3), rand(2, 1))),
    "index_fill number": (lambda a: a.index_fill(1, lt.tensor([0, 2]), 3.0), lambda: (rand(2, 3),)),
    "index_fill tensor": (lambda a, v: a.index_fill(-1, lt.tensor([1, 1]), v),
                          lambda: (rand(2, 3), SCALAR())),
    "masked_fill number": (lambda a: a.masked_fill(MASK, 2.0), lambda: (rand(2, 3),)),
    "masked_fill broadcast tensor": (lambda a, v: lt.masked_fill(a, MASK, v),
                                     lambda: (rand(3), SCALAR())),
    "masked_fill_ on a non-leaf": (lambda a, v: (a * 1).masked_fill_(MASK, v),
                                   lambda: (rand(2, 3), SCALAR())),
    "masked_select": (lambda a: a.masked_select(MASK), lambda: (rand(3),)),
    "take": (lambda a: a.take(lt.tensor([[5, 0], [-1, 0]])), lambda: (rand(2, 3),)),
    "put": (lambda a, s: a.put(lt.tensor([4, 0]), s), lambda: (rand(2, 3), rand(2))),
    "put accumulate": (lambda a, s: lt.put(a, lt.tensor([1, 1, -1]), s, accumulate=True),
                       lambda: (rand(2, 3), rand(3))),
    "put_ on a non-leaf": (lambda a, s: (a * 1).put_(lt.tensor([3]), s),
                           lambda: (rand(2, 3), rand(1))),
    "take_along_dim": (lambda a: lt.take_along_dim(a, lt.tensor([[0], [2]]), 1),
                       lambda: (rand(2, 3),)),
    "take_along_dim broadcast": (lambda a: lt.take_along_dim(a, lt.tensor([[0], [2]]), 1),
                                 lambda: (rand(1, 3),)),
    "take_along_dim flat": (lambda a: lt.take_along_dim(a, lt.tensor([5, 5, 1])),
                            lambda: (rand(2, 3),)),
    "flip": (lambda a: a.flip(0, -1), lambda: (rand(2, 3),)),
    "fliplr": (lt.fliplr, lambda: (rand(2, 3),)),
    "flipud": (lt.flipud, lambda: (rand(3),)),
    "roll flat": (lambda a: a.roll(4), lambda: (rand(2, 3),)),
    "roll dims": (lambda a: a.roll((1, -1), (0, 1)), lambda: (rand(2, 3),)),
    "repeat": (lambda a: a.repeat(2, 1, 3), lambda: (rand(2, 3),)),
    "tile": (lambda a: a.tile(2), lambda: (rand(2, 3),)),
    "repeat_interleave int": (lambda a: a.repeat_interleave(2, dim=1), lambda: (rand(2, 3),)),
    "repeat_interleave tensor": (lambda a: lt.repeat_interleave(a, lt.tensor([1, 0, 3])),
                                 lambda: (rand(3),)),
    "tril": (lambda a: a.tril(-1), lambda: (rand(2, 3, 3),)),
    "triu": (lambda a: lt.triu(a, diagonal=1), lambda: (rand(3, 4),)),
    "tril_ on a non-leaf": (lambda a: (a * 1).tril_(), lambda: (rand(3, 3),)),
    "diag vector": (lambda a: a.diag(1), lambda: (rand(3),)),
    "diag matrix": (lambda a: lt.diag(a, -1), lambda: (rand(3, 4),)),
    "diagonal": (lambda a: a.diagonal(1, 2, 0), lambda: (rand(3, 2, 4),)),
    "diag_embed": (lambda a: lt.diag_embed(a, -1, 0, 2), lambda: (rand(2, 3),)),
    "unfold": (lambda a: a.unfold(1, 3, 1), lambda: (rand(2, 5),)),
}

SECOND_ORDER = ["scatter src", "scatter_add", "index_select", "index_add", "masked_fill broadcast tensor",
                "masked_select", "take", "put", "roll dims", "repeat", "tril", "diagonal",
                "diag_embed", "unfold", "split sizes"]


@pytest.mark.parametrize("name", OPS)
def test_gradcheck_passes(name):
    fn, make_inputs = OPS[name]
    assert gradcheck(fn, make_inputs())


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_gradgradcheck_passes(name):
    """The backward formulas are differentiable too (``create_graph=True``)."""
    fn, make_inputs = OPS[name]
    assert gradgradcheck(fn, make_inputs())
