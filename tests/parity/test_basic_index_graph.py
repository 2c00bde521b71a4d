"""An index records torch's chain of nodes: one view per basic item, left to right
(``SelectBackward0`` for an int, ``SliceBackward0`` for a slice that does not keep its whole
dim, ``UnsqueezeBackward0`` for None or a bool, ``AliasBackward0`` when no item makes a view),
then one ``IndexBackward0`` for the arrays, each node showing torch's ``_saved_*`` values;
out-of-range ints raise torch's message, which counts the dimension by the item's position
in the index."""
import math

import numpy as np
import pytest

import learntorch

torch = pytest.importorskip("torch")

INDICES = {
    "int": 1, "negative int": -1, "slice": slice(1, 3), "step": slice(None, None, 2),
    "whole slice alone": slice(None), "full slice written out": slice(0, 4),
    "negative slice": slice(-5, 10), "past the end": slice(2, 100), "empty": slice(3, 1),
    "ellipsis": Ellipsis, "none": None,
    "two ints": (0, 0), "three ints": (0, 0, 0), "colon then int": (slice(None), 0),
    "int then slice": (0, slice(1, 3)), "slice then int": (slice(1, 3), 0),
    "ellipsis then int": (Ellipsis, 0), "int ellipsis int": (-1, Ellipsis, 2),
    "none then int": (None, 0), "int none int": (0, None, 1), "none ellipsis none": (None, Ellipsis, None),
    "whole slice in a tuple": (slice(None),), "full slice then int": (slice(0, 4), 1),
    "slice ellipsis int": (slice(None), slice(1, 2), Ellipsis, 0), "strided then int": (slice(None, None, 2), 1),
    "negative stop": (slice(None), slice(None, -1)),
    "int then list": (0, [1, 2]), "list then int": ([1, 2], 0), "list": [1, 2],
    "colon then list": (slice(None), [1, 2]), "two lists": ([0, 1], [1, 2]),
    "lists apart": ([1, 2], slice(None), [0, 1]), "ellipsis then list": (Ellipsis, [1]),
    "lists around a slice": ([0, 1], slice(1, 3), [1, 2]), "int colon list": (0, slice(None), [1, 2]),
    "true": True, "false": False, "int then true": (1, True), "none then list": (None, [1]),
    "list of bools": [True, False, True, False],
}
ZERO_D = {"a 0-d true": True, "a 0-d false": False, "a 0-d int": 0}


@pytest.mark.parametrize("value", ZERO_D.values(), ids=ZERO_D.keys())
@pytest.mark.parametrize("shape", [(), (3,)], ids=["0-d", "1-d"])
def test_a_0d_tensor_as_the_index(value, shape):
    """A 0-d bool tensor indexes like a bool (a new dim of 1 or 0), a 0-d int like an int."""
    results = []
    for lib in (learntorch, torch):
        x = lib.arange(float(math.prod(shape))).reshape(shape).requires_grad_()
        if not shape and type(value) is int:
            continue
        y = x[lib.tensor(value)]
        results.append((list(y.shape), y.tolist(), _chain(y.grad_fn)))
    assert not results or results[0] == results[1]


def _shown(value):
    """A saved value in a form both libraries compare equal in (tensors as dtype and list)."""
    if isinstance(value, tuple):
        return tuple(_shown(v) for v in value)
    if hasattr(value, "tolist"):
        return (str(value.dtype).split(".")[-1], value.tolist())
    return value


def _chain(fn):
    """Each node from the result back to the leaf: name and torch's ``_saved_*`` values."""
    out = []
    while fn is not None and not fn.name().endswith("AccumulateGrad"):
        out.append((fn.name(), {a: _shown(getattr(fn, a)) for a in dir(fn)
                                if a.startswith("_saved_")}))
        fn = fn.next_functions[0][0]
    return out


def _run(lib, index):
    x = lib.tensor(np.arange(64, dtype=np.float32).reshape(4, 4, 4), requires_grad=True)
    y = x[index]
    return x, y


@pytest.mark.parametrize("index", INDICES.values(), ids=INDICES.keys())
def test_the_chain_of_nodes_is_torchs(index):
    _, ours = _run(learntorch, index)
    _, theirs = _run(torch, index)
    assert _chain(ours.grad_fn) == _chain(theirs.grad_fn)


@pytest.mark.parametrize("index", INDICES.values(), ids=INDICES.keys())
def test_values_views_and_gradients_are_torchs(index):
    (x, y), (tx, ty) = _run(learntorch, index), _run(torch, index)
    assert list(y.shape) == list(ty.shape)
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    assert (y._base is x) == (ty._base is tx)
    weights = np.random.default_rng(0).standard_normal(tuple(ty.shape)).astype(np.float32)
    (y * learntorch.tensor(weights)).sum().backward()
    (ty * torch.tensor(weights)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


@pytest.mark.parametrize("index", [(0, 9), (slice(None), 9), (None, 0, 9), (Ellipsis, 9), 9,
                                   -5, (0, 0, 0, 0), (1, slice(None), -7)])
def test_an_index_out_of_range_raises_torchs_error(index):
    x, tx = learntorch.ones(4, 4, 4), torch.ones(4, 4, 4)
    with pytest.raises(IndexError) as theirs:
        tx[index]
    with pytest.raises(IndexError, match=f"^{theirs.value}$".replace("[", r"\[")):
        x[index]


def test_gradcheck_through_a_chain():
    x = learntorch.randn(3, 4, 5, dtype=learntorch.float64, requires_grad=True)
    assert learntorch.autograd.gradcheck(lambda t: t[1, None, 1:3, ..., -2] * 2, (x,))
    assert learntorch.autograd.gradgradcheck(lambda t: t[:, 0, ::2] ** 2, (x,))
