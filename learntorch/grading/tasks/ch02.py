"""Chapter 2, autograd: derivatives by hand, backward rules, graphs, custom Functions.

References are closed-form derivatives and NumPy; gradients of custom Functions are also
compared with ``learntorch.autograd.gradcheck`` (finite differences).
"""
import math

import numpy as np

import learntorch

from ..cases import Case, Mismatch, Task, change, freeze, promise, returns, show
from ..compare import Difference, difference, type_difference

F64 = learntorch.float64


def _t(values):
    return learntorch.tensor(np.asarray(values, dtype=np.float64), dtype=F64)


# -- 2.1 numerical_derivative -----------------------------------------------------------------
def _derivative_cases():
    hint = "use the central difference (f(x + h) - f(x - h)) / (2 * h) with the h you are given"

    def cube(x):
        return x ** 3

    def case(f, name, x, h, expected, why=hint):
        promise(isinstance(f(x), float), f"f(x) = {name} maps a float to a float")
        args = (f, x) if h is None else (f, x, h)
        given = f"f(x) = {name}, x={x}" + ("" if h is None else f", h={h}")
        return returns(args, expected, why, given=given, atol=1e-7, rtol=1e-7)

    # For x**3 the central difference is exactly 3x² + h², whatever h is.
    return [
        case(cube, "x**3", 2.0, 0.1, 12.01),
        case(cube, "x**3", -1.0, 0.5, 3.25),
        case(abs, "abs(x)", 0.0, 0.1, 0.0, "a central difference is symmetric around x"),
        case(math.sin, "sin(x)", 0.0, None, 1.0, "the default h should be small, e.g. 1e-5"),
        case(math.exp, "exp(x)", 1.0, None, math.e, "the default h should be small, e.g. 1e-5"),
        case(lambda x: 5.0, "5", 3.0, 0.1, 0.0, "a constant has derivative 0"),
    ]


# -- 2.2 mul_backward -------------------------------------------------------------------------
def _mul_case(grad, a, b, hint):
    grad, a, b = (np.asarray(v, dtype=np.float64) for v in (grad, a, b))
    promise(grad.shape == a.shape == b.shape, "grad_out, a and b have the same shape")
    return returns((_t(grad), _t(a), _t(b)), (_t(grad * b), _t(grad * a)), hint,
                   atol=1e-6, rtol=1e-5, labels=_GRADS)


_GRADS = ("grad_a", "grad_b")


def _mul_cases():
    rng = np.random.default_rng(22)
    hint = "out = a * b, so grad_a = grad_out * b and grad_b = grad_out * a"
    return [
        _mul_case(1.0, 3.0, -2.0, hint),
        _mul_case([1.0, 1.0, 1.0], [1.0, 2.0, 3.0], [4.0, 5.0, 6.0], hint),
        _mul_case([2.0, -1.0, 0.5], [1.0, 2.0, 3.0], [4.0, 5.0, 6.0],
                  "multiply by grad_out: the gradient flowing in from above"),
        _mul_case(*rng.standard_normal((3, 2, 3)), hint),
        _mul_case(np.zeros((0, 2)), np.zeros((0, 2)), np.zeros((0, 2)), hint),
    ]


# -- 2.3 matmul_backward ----------------------------------------------------------------------
def _matmul_case(n, k, m, seed, hint):
    rng = np.random.default_rng(seed)
    grad, a, b = rng.standard_normal((n, m)), rng.standard_normal((n, k)), rng.standard_normal((k, m))
    return returns((_t(grad), _t(a), _t(b)), (_t(grad @ b.T), _t(a.T @ grad)), hint,
                   given=f"grad_out {(n, m)}, a {(n, k)}, b {(k, m)}", atol=1e-6, rtol=1e-5,
                   labels=_GRADS)


def _matmul_cases():
    hint = "grad_a = grad_out @ b.T has a's shape; grad_b = a.T @ grad_out has b's shape"
    return [
        _matmul_case(2, 3, 4, 231, hint),
        _matmul_case(3, 3, 3, 232, "with square matrices a wrong order or a missing .T still "
                                   "runs: grad_a = grad_out @ b.T, grad_b = a.T @ grad_out"),
        _matmul_case(1, 1, 1, 233, hint),
        _matmul_case(4, 2, 1, 234, hint),
        _matmul_case(0, 3, 2, 235, "no rows: grad_a is (0, k) and grad_b is all zeros"),
    ]


# -- 2.4 unbroadcast --------------------------------------------------------------------------
def _unbroadcast_reference(grad, shape):
    extra = grad.ndim - len(shape)
    summed = grad.sum(axis=tuple(range(extra)))
    ones = tuple(d for d, size in enumerate(shape) if size == 1 and summed.shape[d] != 1)
    return summed.sum(axis=ones, keepdims=True)


def _unbroadcast_case(grad_shape, shape, hint, seed=24):
    lead = len(grad_shape) - len(shape)
    promise(lead >= 0 and all(s in (1, g) for s, g in zip(shape, grad_shape[lead:])),
            f"shape {shape} broadcasts to the gradient's shape {grad_shape}")
    grad = np.random.default_rng(seed).standard_normal(grad_shape).round(2)
    expected = _unbroadcast_reference(grad, shape)
    promise(expected.shape == tuple(shape), f"the reference reduces to {shape}")
    return returns((_t(grad), shape), _t(expected), hint,
                   given=f"grad of shape {grad_shape}, shape={shape}", atol=1e-6, rtol=1e-5)


def _unbroadcast_cases():
    hint = ("sum over the leading dims the input did not have, then over each dim where the "
            "input had size 1 (keeping it as size 1)")
    return [
        _unbroadcast_case((2, 3), (2, 3), "same shape: nothing was broadcast, return grad as is"),
        _unbroadcast_case((2, 3), (3,), hint),
        _unbroadcast_case((2, 3), (1, 3), hint),
        _unbroadcast_case((2, 3), (2, 1), "a size-1 dim stays in the result: sum with keepdim"),
        _unbroadcast_case((4, 2, 3), (2, 1), hint),
        _unbroadcast_case((4, 2, 3), (4, 1, 3), "a size-1 dim in the middle: sum it with keepdim"),
        _unbroadcast_case((2, 3), (), "a 0-d input received everything: sum it all"),
        _unbroadcast_case((0, 3), (3,), "summing over an empty dim gives zeros"),
        _unbroadcast_case((5, 1, 4), (1, 1), hint),
    ]


# -- 2.5 topo_sort ----------------------------------------------------------------------------
class _Node:
    """The smallest graph node a topological sort needs: a label and its inputs ``_children``
    (the name chapter 2's ``Value`` uses)."""

    def __init__(self, label, *children):
        self.label, self._children = label, children

    def __repr__(self):
        return self.label


def _reference_order(root):
    order, seen, stack = [], set(), [(root, False)]
    while stack:  # depth first without recursion: the inputs of a node before the node
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node._children))
    return order


def _structure(root):
    """Each node's label and inputs, to tell whether topo_sort rewired the graph."""
    return [(id(node), node.label, tuple(map(id, node._children)))
            for node in _reference_order(root)]


def _order_problem(order, root):
    """Why the list ``order`` is not a topological order of ``root``'s graph; None when it is."""
    nodes = _reference_order(root)
    if sorted(map(id, order)) != sorted(map(id, nodes)):
        return "each node of the graph must appear exactly once"
    position = {id(node): i for i, node in enumerate(order)}
    for node in nodes:
        for child in node._children:
            if position[id(child)] > position[id(node)]:
                return f"{node.label} comes before {child.label}, which it depends on"
    return None


def _topo_case(root, hint, given):
    def test(topo_sort):
        before = _structure(root)
        order = topo_sort(root)
        if _structure(root) != before:
            raise Mismatch(show(order), [Difference(
                "your function changed the graph (a node's _children)",
                "only read the nodes: keep your bookkeeping (visited nodes) in a set of your own")])
        if not isinstance(order, list):
            raise Mismatch(show(order), [type_difference(order, "list", "return a list")])
        problem = _order_problem(order, root)
        if problem:
            raise Mismatch(show(order), [Difference(problem)])
    order = _reference_order(root)
    promise(_order_problem(order, root) is None, "the reference order is topological")
    example = show(order) if len(order) <= 6 else f"[{order[0]}, {order[1]}, …, {order[-1]}]"
    return Case(given, f"a valid order such as {example}", hint, test)


def _topo_cases():
    hint = ("visit a node's _children first (depth first), append the node after them, "
            "skip nodes seen")
    a = _Node("a")
    b = _Node("b", a)
    chain = _Node("c", b)
    diamond = _Node("d", _Node("b", a), _Node("c", a))
    square = _Node("y", a, a)
    # Reversed breadth-first order puts b before a here.
    b2 = _Node("b", a)
    tricky = _Node("e", _Node("d", _Node("c", b2)), a)
    long_chain = a
    for i in range(150):
        long_chain = _Node(f"n{i}", long_chain)
    return [
        _topo_case(_Node("a"), "a single node is its own order: [a]", "a lone node a"),
        _topo_case(chain, hint, "a chain a → b → c"),
        _topo_case(diamond, "a node used twice still appears once: remember visited nodes",
                   "a diamond: d uses b and c, both use a"),
        _topo_case(square, "y = a * a lists a twice in _children; a still appears once",
                   "y = a * a"),
        _topo_case(tricky, "a breadth-first order does not respect every dependency; "
                           "go depth first", "e uses d and a; d → c → b → a"),
        _topo_case(long_chain, hint, "a chain of 151 nodes"),
    ]


# -- 2.6 Softplus (a custom Function) ---------------------------------------------------------
def _softplus(values):
    return _t(np.logaddexp(0.0, values))


def _forward_difference(out, values):
    """What is wrong with ``Softplus.apply(x)``'s result; a wrong forward spoils every gradient."""
    found = difference(out, _softplus(values), atol=1e-9, rtol=1e-7)
    if found is None:
        return None
    return Difference(f"forward: {found.text}", found.hint or
                      "forward is wrong for this x, so its gradient cannot be judged: "
                      "fix forward first")


def _softplus_forward_case(values, hint, given):
    def test(softplus):
        x = _t(values)
        before = freeze(x)
        out = softplus.apply(x)
        changed = change("x", before, freeze(x), who="your forward")
        found = difference(out, _softplus(values), atol=1e-9, rtol=1e-7)
        if changed or found:
            raise Mismatch(show(out), [changed, found])
    return Case(given, show(_softplus(values)), hint, test)


def _softplus_grad_case(values, grad_out, hint, given):
    values, grad_out = np.asarray(values, dtype=np.float64), np.asarray(grad_out, dtype=np.float64)
    expected = _t(grad_out * 0.5 * (1.0 + np.tanh(values / 2)))  # sigmoid, overflow-free

    def test(softplus):
        x, upstream = _t(values).requires_grad_(), _t(grad_out)
        x_before, upstream_before = freeze(x), freeze(upstream)
        out = softplus.apply(x)
        wrong_forward = (change("x", x_before, freeze(x), who="your forward")
                         or _forward_difference(out, values))
        if wrong_forward:
            raise Mismatch(f"Softplus.apply(x) = {show(out)}", [wrong_forward])
        out.backward(upstream)
        changed = change("grad_output", upstream_before, freeze(upstream), who="your backward")
        if changed:
            raise Mismatch(f"x.grad = {show(x.grad)}", [changed])
        if x.grad is None:
            raise Mismatch("x.grad = None", [Difference(
                "backward gave no gradient for x", "backward returns the gradient for x")])
        found = difference(x.grad, expected, atol=1e-9, rtol=1e-7)
        if found:
            raise Mismatch(f"x.grad = {show(x.grad)}", [Difference(f"x.grad: {found.text}",
                                                                 found.hint)])
    return Case(given, f"x.grad = {show(expected)}", hint, test)


def _softplus_gradcheck_case():
    values = np.random.default_rng(26).standard_normal((3, 4)) * 3

    def test(softplus):
        x = _t(values).requires_grad_()
        out = softplus.apply(x)
        wrong_forward = _forward_difference(out, values)
        if wrong_forward:
            raise Mismatch(f"Softplus.apply(x) = {show(out)}", [wrong_forward])
        if not learntorch.autograd.gradcheck(softplus.apply, (x,), raise_exception=False):
            raise Mismatch("gradcheck(Softplus.apply, x) returned False", [Difference(
                "backward's gradient differs from the finite differences of forward")])
    return Case("gradcheck on a random 3×4 float64 x", "True",
                "backward must match finite differences: d softplus/dx = sigmoid(x)", test)


def _softplus_cases():
    hint_stable = ("log(1 + exp(x)) overflows for large x; use max(x, 0) + log(1 + exp(-|x|)), "
                   "which never exponentiates a large number")
    hint_grad = "backward returns grad_output * sigmoid(x), with x saved in forward"
    return [
        _softplus_forward_case([-2.0, 0.0, 0.5, 3.0], "softplus(x) = log(1 + exp(x))",
                               "forward of tensor([-2., 0., 0.5, 3.])"),
        _softplus_forward_case([-1000.0, -30.0, 30.0, 1000.0], hint_stable,
                               "forward of tensor([-1000., -30., 30., 1000.])"),
        _softplus_forward_case(0.25, "a 0-d input gives a 0-d output", "forward of a 0-d tensor"),
        _softplus_forward_case(np.zeros(0), "an empty input gives an empty output",
                               "forward of an empty tensor"),
        _softplus_grad_case([-3.0, -0.5, 0.0, 2.0], [1.0, 1.0, 1.0, 1.0], hint_grad,
                            "backward with grad_output of ones"),
        _softplus_grad_case([-3.0, -0.5, 0.0, 2.0], [2.0, -1.0, 0.5, 3.0],
                            "multiply by grad_output: it is not always ones",
                            "backward with grad_output [2., -1., 0.5, 3.]"),
        _softplus_grad_case([-1000.0, 1000.0], [1.0, 1.0],
                            "compute sigmoid stably, e.g. learntorch.sigmoid(x), not exp(x) / (1 + exp(x))",
                            "backward at x = ±1000"),
        _softplus_gradcheck_case(),
    ]


# -- 2.7 my_gradcheck -------------------------------------------------------------------------
EPS, ATOL, RTOL = 1e-6, 1e-5, 1e-3  # the defaults of the task's my_gradcheck


def _square_function(name, rule):
    """A custom Function computing x², whose backward gives ``rule(x, grad_output)``."""
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return rule(x, grad_output)
    return type(name, (learntorch.autograd.Function,),
                {"forward": staticmethod(forward), "backward": staticmethod(backward)})


def _last_zeroed(x, grad_output):
    mask = np.ones(x.shape)
    mask.reshape(-1)[-1] = 0.0
    return 2 * x * grad_output * _t(mask)


def _first_up_last_down(x, grad_output):
    shift = np.zeros(x.shape)
    shift.reshape(-1)[[0, -1]] = [1.0, -1.0]
    return 2 * x * grad_output + _t(shift)


_RIGHT_SQUARE = _square_function("Square", lambda x, g: 2 * x * g)
_WRONG_SQUARES = {
    "backward with the wrong sign": _square_function("SquareWrongSign", lambda x, g: -2 * x * g),
    "backward missing the factor 2": _square_function("SquareHalf", lambda x, g: x * g),
    "backward wrong only in the last element": _square_function("SquareLastWrong", _last_zeroed),
    "backward ignoring grad_output": _square_function("SquareNoGrad", lambda x, g: 2 * x),
}
# Wrong element by element, right in total: only a checker that looks at every element of the
# gradient on its own catches these (one perturbing all of x at once sees grad.sum() only).
_CANCELLING_SQUARES = {
    "backward giving the elements' gradients in reverse order":
        _square_function("SquareFlipped", lambda x, g: (2 * x * g).flip(0)),
    "backward giving every element the mean gradient":
        _square_function("SquareMean", lambda x, g: (2 * x * g).mean() * learntorch.ones_like(x)),
    "backward 1 too large in the first element, 1 too small in the last":
        _square_function("SquareShifted", _first_up_last_down),
}


def _gradcheck_case(f, name, x, expected, hint):
    promise(x.dtype == F64 and not x.requires_grad and f(x).dim() == 0,
            f"x is float64 without requires_grad and {name} is 0-d")
    leaf = x.detach().clone().requires_grad_()
    promise(learntorch.autograd.gradcheck(f, (leaf,), eps=EPS, atol=ATOL, rtol=RTOL,
                                          raise_exception=False) == expected,
            f"gradcheck says {expected} for {name}")
    return returns((f, x), expected, hint, given=f"f(x) = {name}, x = {show(x)}")


def _gradcheck_cases():
    rng = np.random.default_rng(27)
    hint_true = ("a correct backward must pass: compare with a tolerance, "
                 "|analytical - numerical| <= atol + rtol * |numerical|")
    hint_false = ("a wrong backward must fail: compare every element of leaf.grad with its own "
                  "central difference (f(x + eps·e_k) - f(x - eps·e_k)) / (2·eps)")
    hint_each = ("these errors cancel in the sum: perturb one element at a time, and compare "
                 "each element of leaf.grad with its own central difference")
    cases = [
        _gradcheck_case(lambda x: (x ** 2).sum(), "(x ** 2).sum()", _t([1.0, -2.0, 0.5]), True,
                        hint_true),
        _gradcheck_case(lambda x: (x.sin() * x).sum(), "(x.sin() * x).sum()",
                        _t(rng.standard_normal((2, 3)).round(3)), True, hint_true),
        _gradcheck_case(lambda x: (x ** 3).sum(), "(x ** 3).sum()", _t([1000.0, -2000.0]), True,
                        "large values: the tolerance must be relative as well as absolute"),
        _gradcheck_case(lambda x: _RIGHT_SQUARE.apply(x) * 3, "Square.apply(x) * 3 (a 0-d x)",
                        _t(1.5), True, "a 0-d x has a single element to perturb"),
    ]
    for wrongs, hint in ((_WRONG_SQUARES, hint_false), (_CANCELLING_SQUARES, hint_each)):
        for name, wrong in wrongs.items():
            cases.append(_gradcheck_case(lambda x, wrong=wrong: (wrong.apply(x) * 3).sum(),
                                         f"(Square.apply(x) * 3).sum() with a {name}",
                                         _t([0.5, -1.0, 2.0, 1.5]), False, hint))
    return cases


TASKS = [
    Task("2.1", "Central-difference derivative", "numerical_derivative", _derivative_cases),
    Task("2.2", "Backward of multiplication", "mul_backward", _mul_cases),
    Task("2.3", "Backward of matrix multiplication", "matmul_backward", _matmul_cases),
    Task("2.4", "Reducing a broadcast gradient", "unbroadcast", _unbroadcast_cases),
    Task("2.5", "Topological order of a graph", "topo_sort", _topo_cases),
    Task("2.6", "A custom Function: Softplus", "Softplus", _softplus_cases),
    Task("2.7", "Your own gradient checker", "my_gradcheck", _gradcheck_cases),
]
