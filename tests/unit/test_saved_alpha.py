"""torch's AddBackward0, SubBackward0 and RsubBackward1 nodes show ``_saved_alpha``: the alpha
they were called with (int 1 by default, a float when given one), and nothing of their operands
(no ``_saved_self``/``_saved_other``), also for a Python number operand."""
import numpy as np
import pytest

import learntorch

torch = pytest.importorskip("torch")


def _inputs(lib):
    lib.manual_seed(0)
    return lib.randn(3, requires_grad=True), lib.randn(3, requires_grad=True)


def _in_place(op, *args, **kwargs):
    def call(m, x, y):
        z = x.clone()
        return getattr(z, op)(*[y if a == "y" else a for a in args], **kwargs)
    return call


def _augmented(symbol):
    def call(m, x, y):
        z = x.clone()
        if symbol == "+":
            z += y
        else:
            z -= y
        return z
    return call


CASES = [
    ("x + y", lambda m, x, y: x + y),
    ("x - y", lambda m, x, y: x - y),
    ("x + 2", lambda m, x, y: x + 2),
    ("x + 2.5", lambda m, x, y: x + 2.5),
    ("2 + x", lambda m, x, y: 2 + x),
    ("x - 2", lambda m, x, y: x - 2),
    ("2 - x", lambda m, x, y: 2 - x),
    ("x + 0-d tensor", lambda m, x, y: x + m.tensor(2.)),
    ("x + int tensor", lambda m, x, y: x + m.arange(3)),
    ("int tensor + x", lambda m, x, y: m.arange(3) + x),
    ("float64 + float32", lambda m, x, y: x.double() + y),
    ("add alpha=2", lambda m, x, y: m.add(x, y, alpha=2)),
    ("add alpha=2.5", lambda m, x, y: m.add(x, y, alpha=2.5)),
    ("add alpha=1.0", lambda m, x, y: m.add(x, y, alpha=1.0)),
    ("add alpha=-1", lambda m, x, y: m.add(x, y, alpha=-1)),
    ("add alpha=0", lambda m, x, y: m.add(x, y, alpha=0)),
    ("add alpha=2**40", lambda m, x, y: m.add(x, y, alpha=2 ** 40)),
    ("add alpha=np.float64", lambda m, x, y: m.add(x, y, alpha=np.float64(2.0))),
    ("add alpha=np.int64", lambda m, x, y: m.add(x, y, alpha=np.int64(2))),
    ("add a number, alpha=2", lambda m, x, y: m.add(x, 3, alpha=2)),
    ("x.add alpha=2", lambda m, x, y: x.add(y, alpha=2)),
    ("sub alpha=3", lambda m, x, y: m.sub(x, y, alpha=3)),
    ("sub alpha=0.5", lambda m, x, y: m.sub(x, y, alpha=0.5)),
    ("x.sub alpha=2", lambda m, x, y: x.sub(y, alpha=2)),
    ("subtract alpha=2", lambda m, x, y: m.subtract(x, y, alpha=2)),
    ("rsub a number", lambda m, x, y: m.rsub(x, 2)),
    ("add_ alpha=2", _in_place("add_", "y", alpha=2)),
    ("sub_ alpha=2", _in_place("sub_", "y", alpha=2)),
    ("add_ a number", _in_place("add_", 2)),
    ("sub_ a number alpha=3", _in_place("sub_", 2, alpha=3)),
    ("add_ y", _in_place("add_", "y")),
    ("+=", _augmented("+")),
    ("-=", _augmented("-")),
]


def _saved(node):
    return {name: (type(getattr(node, name)), getattr(node, name)) for name in dir(node)
            if name.startswith("_saved_")}


@pytest.mark.parametrize("name,call", CASES, ids=[case[0] for case in CASES])
def test_saved_alpha_matches_torch(name, call):
    ours, theirs = call(learntorch, *_inputs(learntorch)), call(torch, *_inputs(torch))
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
    assert _saved(ours.grad_fn) == _saved(theirs.grad_fn)  # _saved_alpha only, same type


@pytest.mark.parametrize("lib", [learntorch, torch], ids=["learntorch", "torch"])
def test_saved_alpha_outlives_backward(lib):
    x, y = _inputs(lib)
    z = lib.add(x, y, alpha=2)
    z.sum().backward()
    assert z.grad_fn._saved_alpha == 2
    assert (x + y).grad_fn._saved_alpha == 1


def test_the_default_alpha_costs_no_store():
    """``x + y`` and ``torch.add(x, y)`` read the class default; only another alpha is kept."""
    x, y = _inputs(learntorch)
    for z in (x + y, x - y, learntorch.add(x, y), learntorch.sub(x, 2), 2 - x):
        assert "_alpha" not in vars(z.grad_fn)
    assert vars(learntorch.add(x, y, alpha=3).grad_fn)["_alpha"] == 3
