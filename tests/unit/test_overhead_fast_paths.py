"""The framework-overhead fast paths of issue 15 (ops/_op.py, autograd/engine.py) against torch.

Each fast path skips work only in the usual case; these cases sit on its edges: several roots
where one is reached from another, an input that is a view or a Python number, gradients that
must be summed back or cast, a graph freed by the fast path, and leaves whose ``.grad`` is the
engine's own array.
"""
import numpy as np
import pytest
import torch

import learntorch as lt


def _pair(shape, seed=0, dtype=np.float32):
    data = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return lt.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)


def _same(ours, theirs):
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch."), (ours.dtype, theirs.dtype)
    # float32 sums may run in another order than torch's: a few units in the last place
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6,
                               atol=1e-7)


def test_a_root_reached_from_another_root_is_counted_once():
    ours, theirs = _pair(5)
    for lib, t in ((lt, ours), (torch, theirs)):
        y = t * 3
        lib.autograd.backward([(y * y).sum(), y], [None, lib.ones_like(y)])  # y: a root and a child
    _same(ours.grad, theirs.grad)


def test_two_roots_of_one_graph_in_either_order():
    ours, theirs = _pair((3, 4))
    for lib, t in ((lt, ours), (torch, theirs)):
        h = t.exp()
        lib.autograd.backward([h.sum(), (h * t).sum(), h.mean()])
        h = t.exp()
        lib.autograd.backward([h.mean() * 2, (h * h).sum()])
    _same(ours.grad, theirs.grad)


@pytest.mark.parametrize("number", [2, 0.5, True])
def test_a_python_number_saved_by_an_op_is_typed_as_its_output(number):
    ours, theirs = _pair(4)
    for t in (ours, theirs):
        (t * number * t).sum().backward()
    _same(ours.grad, theirs.grad)


def test_an_input_that_is_a_view_of_a_leaf_sends_its_gradient_to_the_leaf():
    ours, theirs = _pair((3, 4))
    for t in (ours, theirs):
        (t[:, 1:] * t.t()[0]).sum().backward()  # views of a leaf, broadcast against each other
    _same(ours.grad, theirs.grad)


def test_broadcast_gradients_are_summed_back_and_cast_to_each_input():
    for dtypes in [(np.float32, np.float64), (np.float64, np.float32)]:
        a_ours, a_torch = _pair((2, 3), 1, dtypes[0])
        b_ours, b_torch = _pair((), 2, dtypes[1])  # 0-d: does not promote the result
        c_ours, c_torch = _pair((3,), 3, dtypes[0])
        for a, b, c in ((a_ours, b_ours, c_ours), (a_torch, b_torch, c_torch)):
            ((a * b + c) ** 2).mean().backward()
        for ours, theirs in ((a_ours, a_torch), (b_ours, b_torch), (c_ours, c_torch)):
            _same(ours.grad, theirs.grad)


def test_the_fast_path_frees_the_graph():
    ours, _ = _pair(3)
    loss = (ours * ours).relu().sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        loss.backward()
    kept = (ours * ours).relu().sum()
    kept.backward(retain_graph=True)
    kept.backward()
    np.testing.assert_allclose(ours.grad.numpy(), 3 * (2 * ours.detach().numpy()))  # 3 backwards


def test_a_node_with_a_hook_or_a_retained_output_still_sees_its_gradient():
    seen = {}
    for lib, t in zip(("ours", "torch"), _pair(4)):
        h = t * 2
        h.retain_grad()
        out = h.relu()
        out.grad_fn.register_prehook(lambda grads, lib=lib: seen.__setitem__(lib, grads[0] * 1))
        (out * out).sum().backward()
        seen[lib + " retained"] = h.grad
    _same(seen["ours"], seen["torch"])
    _same(seen["ours retained"], seen["torch retained"])


def test_a_leaf_grad_made_by_the_fast_path_owns_its_memory_and_is_not_shared():
    w = lt.tensor(np.ones((3, 2), np.float32), requires_grad=True)
    b = lt.tensor(np.zeros(2, np.float32), requires_grad=True)
    x = lt.tensor(np.arange(12, dtype=np.float32).reshape(4, 3))
    loss = (x @ w + b).sum()
    loss.backward()
    for p in (w, b):
        array = p.grad.numpy()
        assert array.flags.writeable and array.flags.c_contiguous
    before = b.grad.numpy().copy()
    w.grad.numpy()[...] = 0  # writing one .grad must not change another
    np.testing.assert_array_equal(b.grad.numpy(), before)


_OPERATORS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
              "/": lambda a, b: a / b, "r+": lambda a, b: b + a, "r-": lambda a, b: b - a,
              "r*": lambda a, b: b * a, "**": lambda a, b: a ** b}


def _operand(lib, value):
    if isinstance(value, np.ndarray):
        return lib.tensor(value)
    return value


@pytest.mark.parametrize("name", sorted(_OPERATORS))
@pytest.mark.parametrize("left, right", [
    (np.float32([1.5, -2.0]), np.float32([0.5, 4.0])),      # the fast path: one float dtype
    (np.float32([1.5, -2.0]), 3),                            # ... and a Python number
    (np.float32([1.5, -2.0]), 0.25),
    (np.float32([1.5, -2.0]), True),                         # a bool is not a fast-path number
    (np.float32([1.5, -2.0]), np.float64([0.5, 4.0])),       # two dtypes: promoted
    (np.float64([1.5, -2.0]), np.float32(0.5).reshape(())),  # a 0-d operand does not promote
    (np.int64([3, -2]), 2),                                  # integers: the general route
    (np.int64([3, -2]), 0.5),
    (np.int32([3, -2]), np.int32([1, 4])),
])
def test_operators_give_torch_dtypes_and_values(name, left, right):
    op = _OPERATORS[name]
    results = []
    for lib in (lt, torch):
        try:
            results.append(op(_operand(lib, left), _operand(lib, right)))
        except RuntimeError as error:  # torch refuses `-` with a bool
            results.append(str(error))
    ours, theirs = results
    if isinstance(theirs, str):
        assert ours == theirs
        return
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", ["+", "-", "*", "/", "r+", "r-", "r*"])
def test_shapes_that_do_not_broadcast_raise_torch_error(name):
    messages = []
    for lib in (lt, torch):
        with pytest.raises(RuntimeError) as info:
            _OPERATORS[name](lib.ones(2, 3, requires_grad=True), lib.ones(4))
        messages.append(str(info.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("name", sorted(_OPERATORS))
def test_operands_no_op_takes_raise_python_type_error(name):
    messages = []
    for lib in (lt, torch):
        with pytest.raises(TypeError) as info:
            _OPERATORS[name](lib.ones(2), "a")
        messages.append(str(info.value).replace("'Tensor'", "T"))
    assert messages[0] == messages[1]


def test_loss_backward_from_a_one_element_output_of_any_node():
    ours, theirs = _pair(3)
    for t in (ours, theirs):
        t.unbind()[1].backward()            # output 1 of a multi-output node
        (t * 2).sum(0, keepdim=True).backward(retain_graph=True)  # shape (1,), not 0-d
    _same(ours.grad, theirs.grad)
    for lib, t in ((lt, ours), (torch, theirs)):
        with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar"):
            (t * 2).backward()


@pytest.mark.parametrize("name", ["+=", "-=", "*=", "/="])
@pytest.mark.parametrize("operand", ["tensor", "number", "int tensor", "needs grad"])
def test_in_place_operators_as_torch(name, operand):
    results = []
    for lib in (lt, torch):
        x = lib.tensor([1.5, -2.0, 4.0])
        view = x[1:]
        other = {"tensor": lib.tensor([0.5, 2.0, -1.0]), "number": 3,
                 "int tensor": lib.tensor([1, 2, 3]),
                 "needs grad": lib.tensor([0.5, 2.0, -1.0], requires_grad=True)}[operand]
        before = x._version
        y = x
        if name == "+=":
            y += other
        elif name == "-=":
            y -= other
        elif name == "*=":
            y *= other
        else:
            y /= other
        assert y is x
        results.append((x.detach().numpy().copy(), view.detach().numpy().copy(),
                        x._version - before, x.requires_grad,
                        None if x.grad_fn is None else x.grad_fn.name()))
    (ours, ours_view, *ours_rest), (theirs, theirs_view, *theirs_rest) = results
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(ours_view, theirs_view)
    assert ours_rest == theirs_rest


def test_in_place_operator_on_a_leaf_that_requires_grad_raises_torch_error():
    for lib in (lt, torch):
        w = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used"):
            w -= 1
        with lib.no_grad():
            w -= 1  # SGD's update: allowed, no graph
        assert w.grad_fn is None and w._version == 1
