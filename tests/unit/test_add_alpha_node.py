"""``add``/``sub``/``rsub`` with ``alpha`` record one node, as torch's (the inputs' own edges,
``_saved_alpha`` shown, no MulBackward0 between), keep the tensor's dtype when the other side is
a Python number, and refuse a float alpha for an integer result with torch's error."""
import numpy as np
import pytest

import learntorch

torch = pytest.importorskip("torch")

CALLS = {
    "add tensors": lambda lib, x, y: lib.add(x, y, alpha=2),
    "add float alpha": lambda lib, x, y: lib.add(x, y, alpha=0.25),
    "add alpha 1.0": lambda lib, x, y: lib.add(x, y, alpha=1.0),
    "add a number": lambda lib, x, y: lib.add(x, 3, alpha=2),
    "method": lambda lib, x, y: x.add(y, alpha=-1.5),
    "sub tensors": lambda lib, x, y: lib.sub(x, y, alpha=0.5),
    "sub a number": lambda lib, x, y: lib.sub(x, 1.5, alpha=3),
    "add float64 other": lambda lib, x, y: lib.add(x, y.double(), alpha=2),
}


def _node(t):
    fn = t.grad_fn
    return fn.name(), fn._saved_alpha, [n.name() if n else None for n, _ in fn.next_functions]


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_one_node_values_dtype_and_gradients_are_torchs(call):
    results = []
    for lib in (learntorch, torch):
        x = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
        y = lib.tensor([3.0, 4.0, -1.0], requires_grad=True)
        z = call(lib, x, y)
        (z * lib.tensor([1.0, 2.0, 3.0], dtype=z.dtype)).sum().backward()
        grads = [None if t.grad is None else t.grad.tolist() for t in (x, y)]
        results.append((_node(z), z.tolist(), str(z.dtype), grads))
    assert results[0] == results[1]


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_an_integer_tensor_keeps_its_dtype_and_refuses_a_float_alpha(dtype):
    for lib in (learntorch, torch):
        x = lib.tensor([1, 2], dtype=getattr(lib, dtype))
        assert str(lib.sub(x, 1, alpha=2).dtype).endswith(dtype)
        assert lib.add(x, x, alpha=3).tolist() == [4, 8]
        with pytest.raises(RuntimeError, match="^For integral input tensors, argument alpha "
                                               "must not be a floating point number.$"):
            lib.add(x, x, alpha=0.5)


def test_gradcheck_with_alpha():
    x = learntorch.randn(4, dtype=learntorch.float64, requires_grad=True)
    y = learntorch.randn(3, 1, dtype=learntorch.float64, requires_grad=True)
    assert learntorch.autograd.gradcheck(lambda a, b: learntorch.sub(a, b, alpha=-0.7), (x, y))
    assert learntorch.autograd.gradgradcheck(lambda a, b: learntorch.add(a, b * a, alpha=2.5),
                                             (x, y))
    assert np.isfinite(learntorch.rsub(x, y, alpha=2).detach().numpy()).all()
