"""Backward without create_graph passes gradients between nodes as arrays (engine.py).

What must hold: the gradients are the ones the tensor-op backward gives (create_graph=True
runs it), bit for bit; torch's numbers where an op meets a Python number; and everything
that hands a user a gradient (hooks, retain_grad, autograd.grad, custom Functions) still
hands them tensors that behave like torch's.
"""
import numpy as np
import pytest
import torch

import learntorch as lt


def _leaves(lib, arrays):
    return [lib.tensor(a, requires_grad=True) for a in arrays]


def _grads(fn, arrays, create_graph):
    leaves = _leaves(lt, arrays)
    fn(*leaves).backward(create_graph=create_graph)
    return [None if t.grad is None else t.grad.detach().numpy().copy() for t in leaves]


GRAPHS = {
    "mlp": (lambda x, w1, b1, w2, b2: ((((x @ w1 + b1).relu()) @ w2 + b2 - 0.5) ** 2).mean(),
            [(8, 20), (20, 16), (16,), (16, 3), (3,)]),
    "pointwise": (lambda a, b, c: (a * b + c - a / (b * b + 1) - (-c) * 3 + 2 / (a * a + 1)).sum(),
                  [(4, 5), (5,), (4, 1)]),
    "numbers": (lambda a: (2 * a + 0.1 * a - 0.3 / (a * a + 1.7) - 1.1 - a / 3.3).sum(), [(6,)]),
    "powers": (lambda a: (a.abs() ** 0.5 + a ** 2 + a ** 3 + a ** -1 + a ** 0 + a ** 1).sum(),
               [(7,)]),
    "reductions": (lambda a: a.mean(0).sum() + a.mean((0, 2), keepdim=True).sum() * 3
                   + a.sum(1).mean() + a.sum((0, 1), keepdim=True).mean(), [(3, 4, 5)]),
    "zero_dim": (lambda a, b: (a * 0.1 + b * 0.3) * a / 0.7 - b ** 2.5, [(), ()]),
    "linear": (lambda x, w, b: (lt.nn.functional.linear(x, w, b).relu() ** 2).mean(),
               [(2, 3, 4), (5, 4), (5,)]),
    "mixed_ops": (lambda a: (a.exp() + a.tanh() * a.sigmoid() + a.abs().log()).sum(), [(9,)]),
    "unary": (lambda a: (a.tan() + a.exp2() * a.expm1() - a.reciprocal() + a.square() * 0.3).sum(),
              [(9,)]),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_array_backward_gives_the_tensor_backwards_bits(name, dtype):
    fn, shapes = GRAPHS[name]
    rng = np.random.default_rng(sorted(GRAPHS).index(name))
    arrays = [rng.uniform(0.2, 2, s).astype(dtype) * rng.choice([-1, 1], s) for s in shapes]
    for fast, slow in zip(_grads(fn, arrays, False), _grads(fn, arrays, True)):
        assert fast.dtype == slow.dtype and fast.tobytes() == slow.tobytes()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(), (5,)])
def test_a_python_number_operand_gives_torchs_gradient_bits(shape, dtype):
    """A saved number is typed as the op's output, as torch uses it: a 0-d float32 input's
    gradient was computed in float64 before (one rounding more, torch's bits 73% of the time)."""
    rng = np.random.default_rng(0)
    for _ in range(50):
        a, b = rng.standard_normal((2,) + shape).astype(dtype)
        c = float(rng.uniform(0.01, 3))
        grads = []
        for lib in (lt, torch):
            x, y = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
            ((x * c) * y / 0.7 + x / c - c * y).sum().backward()
            grads.append([x.grad.detach().numpy().tobytes(), y.grad.detach().numpy().tobytes()])
        assert grads[0] == grads[1]


def test_float16_number_operands_stay_within_an_ulp_of_torch():
    """torch computes float16 in float32 and rounds once; learntorch rounds the number to
    float16 first (as its forward does): at most one unit in the last place apart."""
    rng = np.random.default_rng(1)
    for shape in [(), (64,)]:
        a = rng.standard_normal(shape).astype("float16")
        c = float(rng.uniform(0.01, 3))
        got = []
        for lib in (lt, torch):
            x = lib.tensor(a, requires_grad=True)
            (x * c / 0.7).sum().backward()
            got.append(x.grad.detach().numpy().astype(np.float64))
        assert np.all(np.abs(got[0] - got[1]) <= np.spacing(np.abs(got[1]).astype("float16")))


def test_hooks_see_tensors_and_may_change_the_gradient_in_place():
    got = {}
    for lib in (lt, torch):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        h = x * 2
        h.register_hook(lambda g: g.mul_(10))           # the mean's gradient, changed in place
        seen = []
        x.register_hook(lambda g: seen.append(type(g).__name__))
        (h ** 2).mean().backward()
        got[lib.__name__] = (x.grad.tolist(), seen)
    assert got["learntorch"] == (got["torch"][0], ["Tensor"])


def test_retain_grad_and_grad_targets_get_tensors_and_share_memory_as_in_torch():
    seen = {}
    for lib in (lt, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.retain_grad()
        z = (y * y).sum()
        gy, = lib.autograd.grad(z, [y], retain_graph=True)
        log = [type(gy).__name__, gy.tolist(), y.grad.tolist()]
        z.backward()
        log += [gy.tolist(), y.grad.tolist(), x.grad.tolist()]  # torch's gy is y.grad's memory
        y.grad.add_(1)
        log += [gy.tolist(), x.grad.tolist()]
        seen[lib.__name__] = log
    assert seen["learntorch"] == seen["torch"]


def test_a_custom_function_between_array_nodes_gets_and_returns_tensors():
    class Twice(lt.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            assert isinstance(grad, lt.Tensor)
            return grad * 2

    x = lt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (Twice.apply(x * x) ** 2).sum().backward()
    tx = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    ((tx * tx * 2) ** 2).sum().backward()
    assert x.grad.tolist() == tx.grad.tolist()


def test_a_tensor_modified_in_place_after_being_saved_is_still_an_error():
    x = lt.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = y * y
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_autograd_grad_names_the_unused_input_by_its_index_as_torch():
    for lib in (lt, torch):
        x = lib.ones(2, requires_grad=True)
        y = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError) as error:
            lib.autograd.grad((x * 2).sum(), [x, y])
        assert str(error.value) == ("The differentiated Tensor at index 1 appears to not have been "
                                    "used in the graph. Set allow_unused=True if this is the "
                                    "desired behavior.")
        with pytest.raises(ValueError, match="Expected allow_unused to be True or not passed when "
                                             "materialize_grads=True, but got: allow_unused=False."):
            lib.autograd.grad((x * 2).sum(), [x, y], materialize_grads=True, allow_unused=False)
