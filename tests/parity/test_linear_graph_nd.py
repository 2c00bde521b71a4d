"""F.linear on every input rank and layout records torch's graph, node for node.

torch runs ``linear`` as one of three things, and its ``grad_fn`` chain shows which:
``addmm(bias, input, weight.t())`` for a 2-D input with a bias; for a contiguous input of
another rank with a (nearly) 1-D contiguous bias, that addmm on the input viewed as rows, viewed
back (ViewBackward0 → AddmmBackward0 → ViewBackward0); otherwise ``matmul(input, weight.t())``
(MmBackward0 of the unsqueezed vector squeezed back in place, of the folded rows, or a
BmmBackward0 when the rows cannot be folded without a copy and the weight needs no gradient)
then ``add_(bias)``.  Each case here compares, with torch 2.13: the node names down
``next_functions`` with their output numbers, every ``_saved_*`` attribute (tensors by shape,
strides and values), the output's shape, ``_version`` and view-ness, the values, the gradients
of the input, weight and bias (float32 and float64), and the error text where torch raises.
"""
import itertools

import numpy as np
import pytest
import torch

import learntorch as lt
from learntorch.autograd import gradcheck, gradgradcheck

# name -> (base shape, view of it taken in both libraries); every input ends in 4 features
LAYOUTS = {
    "1d": ((4,), lambda t: t),
    "1d_strided": ((8,), lambda t: t[::2]),
    "2d": ((5, 4), lambda t: t),
    "2d_transposed": ((4, 5), lambda t: t.t()),
    "3d": ((2, 3, 4), lambda t: t),
    "3d_transposed": ((3, 2, 4), lambda t: t.transpose(0, 1)),      # reshape copies
    "3d_strided_features": ((2, 3, 8), lambda t: t[..., ::2]),      # reshape is a view
    "3d_features_transposed": ((2, 4, 3), lambda t: t.transpose(1, 2)),
    "3d_one_row_transposed": ((3, 1, 4), lambda t: t.transpose(0, 1)),  # contiguous
    "3d_empty": ((0, 3, 4), lambda t: t),
    "4d": ((5, 2, 3, 4), lambda t: t),
    "4d_transposed": ((5, 3, 2, 4), lambda t: t.transpose(1, 2)),
}
# name -> (shape, view): the shapes torch tells apart (1-D, 0-d, nearly 1-D, broadcast, strided)
BIASES = {
    "none": None,
    "1d": ((3,), lambda t: t),
    "0d": ((), lambda t: t),
    "one": ((1,), lambda t: t),
    "row": ((1, 3), lambda t: t),
    "column": ((3, 1), lambda t: t),
    "matrix": ((3, 3), lambda t: t),
    "1d_strided": ((6,), lambda t: t[::2]),
}
WEIGHTS = {"matrix": (3, 4), "vector": (4,)}
# torch's AddBackward0 (pointwise add_, not linear's own node) shows _saved_alpha; ours has none
NOT_SHOWN = {("AddBackward0", "_saved_alpha")}


def _make(lib, spec, array, dtype, requires_grad):
    shape, view = spec
    t = view(lib.tensor(array.reshape(shape), dtype=getattr(lib, dtype)))
    return t.detach().requires_grad_(requires_grad)


def _arrays(layout, bias, weight, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(LAYOUTS[layout][0])
    w = rng.standard_normal(WEIGHTS[weight])
    b = None if BIASES[bias] is None else rng.standard_normal(BIASES[bias][0])
    return x, w, b


def _run(lib, layout, bias, weight, grads, dtype="float64", seed=0):
    """``F.linear`` of one case: (output, (x, w, b)) or the error it raised."""
    x, w, b = _arrays(layout, bias, weight, seed)
    x = _make(lib, LAYOUTS[layout], x, dtype, grads[0])
    w = _make(lib, (WEIGHTS[weight], lambda t: t), w, dtype, grads[1])
    if b is not None:
        b = _make(lib, BIASES[bias], b, dtype, grads[2])
    try:
        return lib.nn.functional.linear(x, w, b), (x, w, b)
    except Exception as err:
        return (type(err).__name__, str(err)), None


def _saved(value):
    if isinstance(value, (torch.Tensor, lt.Tensor)):
        return ("tensor", tuple(value.shape), tuple(value.stride()),
                value.detach().numpy().round(12).tolist())
    return value


def _graph(node):
    """``(name, {_saved_*: value}, [(child, output_nr)])`` down ``next_functions``."""
    if node is None:
        return None
    name = type(node).__name__
    saved = {a: _saved(getattr(node, a)) for a in dir(node)
             if a.startswith("_saved_") and (name, a) not in NOT_SHOWN}
    return name, saved, [(_graph(n), nr) for n, nr in node.next_functions]


def _grad_combinations(bias):
    n = 2 if BIASES[bias] is None else 3
    return [c + (False,) * (3 - n) for c in itertools.product([True, False], repeat=n) if any(c)]


@pytest.mark.parametrize("weight", WEIGHTS)
@pytest.mark.parametrize("bias", BIASES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_graph_is_torchs_node_for_node(layout, bias, weight):
    for grads in _grad_combinations(bias):
        ours, _ = _run(lt, layout, bias, weight, grads)
        theirs, _ = _run(torch, layout, bias, weight, grads)
        if isinstance(theirs, tuple) or isinstance(ours, tuple):
            assert ours == theirs, grads
            continue
        assert _graph(ours.grad_fn) == _graph(theirs.grad_fn), grads
        assert ours._version == theirs._version, grads
        assert (ours._base is None) == (theirs._base is None), grads
        assert tuple(ours.shape) == tuple(theirs.shape)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("weight", WEIGHTS)
@pytest.mark.parametrize("bias", BIASES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_values_and_gradients_are_torchs(layout, bias, weight, dtype):
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == "float32" else dict(rtol=1e-12, atol=1e-12)
    for grads in _grad_combinations(bias):
        ours, our_inputs = _run(lt, layout, bias, weight, grads, dtype, seed=1)
        theirs, their_inputs = _run(torch, layout, bias, weight, grads, dtype, seed=1)
        if their_inputs is None:
            assert ours == theirs
            continue
        assert ours.dtype is getattr(lt, dtype) and theirs.dtype is getattr(torch, dtype)
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), **tol)
        g = np.random.default_rng(2).standard_normal(tuple(theirs.shape))
        ours.backward(lt.tensor(g, dtype=ours.dtype))
        theirs.backward(torch.tensor(g, dtype=theirs.dtype))
        for a, t in zip(our_inputs, their_inputs):
            if t is None or not t.requires_grad:
                continue
            assert a.grad.shape == t.grad.shape and a.grad.dtype is getattr(lt, dtype)
            np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), **tol)


def _torch_accepts(layout, bias, weight):
    return _run(torch, layout, bias, weight, (True, True, True))[1] is not None


GRADCHECK_CASES = [(layout, bias, weight) for layout in LAYOUTS
                   for bias in ("none", "1d", "0d", "row", "1d_strided") for weight in WEIGHTS
                   if _torch_accepts(layout, bias, weight)]


def test_the_gradcheck_cases_cover_every_layout_and_both_weights():
    assert {c[0] for c in GRADCHECK_CASES} == set(LAYOUTS) and len(GRADCHECK_CASES) > 80
    assert {c[2] for c in GRADCHECK_CASES if c[1] == "0d"} == set(WEIGHTS)


@pytest.mark.parametrize("layout, bias, weight", GRADCHECK_CASES)
def test_gradcheck_and_gradgradcheck_through_each_path(layout, bias, weight):
    x, w, b = _arrays(layout, bias, weight, 3)
    shape, view = LAYOUTS[layout]
    base = lt.tensor(x.reshape(shape), requires_grad=True)
    weight_t = lt.tensor(w, requires_grad=True)
    frozen = lt.tensor(w)  # a weight without a gradient takes torch's bmm route
    # the bias too is viewed inside the function: gradcheck may hand it in as a copy
    bias_shape, bias_view = BIASES[bias] or ((), None)
    extra = () if b is None else (lt.tensor(b.reshape(bias_shape), requires_grad=True),)

    def with_weight(base, weight_t, *bias_base):
        return lt.nn.functional.linear(view(base), weight_t, *map(bias_view, bias_base))

    def with_frozen_weight(base, *bias_base):
        return lt.nn.functional.linear(view(base), frozen, *map(bias_view, bias_base))

    assert gradcheck(with_weight, (base, weight_t) + extra)
    assert gradgradcheck(with_weight, (base, weight_t) + extra)
    assert gradcheck(with_frozen_weight, (base,) + extra)
    assert gradgradcheck(with_frozen_weight, (base,) + extra)


def test_the_saved_tensors_are_freed_after_backward_but_their_sizes_stay():
    outcomes = []
    for lib in (lt, torch):
        x = lib.ones(2, 3, 4, requires_grad=True)
        y = lib.nn.functional.linear(x, lib.ones(5, 4, requires_grad=True),
                                     lib.ones(5, requires_grad=True))
        addmm = y.grad_fn.next_functions[0][0]
        y.sum().backward()
        with pytest.raises(RuntimeError) as info:
            addmm._saved_mat1
        outcomes.append((str(info.value), addmm._saved_mat1_sym_sizes,
                         addmm._saved_mat2_sym_strides, y.grad_fn._saved_self_sym_sizes))
    assert outcomes[0] == outcomes[1]


def test_a_saved_input_is_the_view_of_the_callers_tensor():
    for lib in (lt, torch):
        x = lib.ones(4, requires_grad=True)
        w = lib.ones(3, 4, requires_grad=True)
        addmm = lib.nn.functional.linear(x, w, lib.ones(3)).grad_fn.next_functions[0][0]
        assert addmm._saved_mat1._base is x and tuple(addmm._saved_mat1.shape) == (1, 4)
        assert addmm._saved_mat2._base is w and type(addmm._saved_mat2.grad_fn).__name__ == \
            "TBackward0"


@pytest.mark.parametrize("layout", ["1d", "3d", "3d_transposed", "4d_transposed"])
@pytest.mark.parametrize("bias", ["none", "1d", "0d"])
def test_without_grad_mode_the_output_is_the_same_kind_of_tensor(layout, bias):
    outs = []
    for lib in (lt, torch):
        with lib.no_grad():
            y, _ = _run(lib, layout, bias, "matrix", (True, True, True))
        outs.append((tuple(y.shape), y._version, y._base is None, y.requires_grad, y.grad_fn))
    assert outs[0] == outs[1]


def test_a_linear_layer_on_a_sequence_records_torchs_graph():
    graphs = []
    for lib in (lt, torch):
        lib.manual_seed(0)
        layer = lib.nn.Linear(4, 3)
        y = layer(lib.randn(2, 5, 4).relu())
        graphs.append(_graph(y.grad_fn))
        y.sum().backward()
        assert layer.weight.grad.is_contiguous()
    assert graphs[0] == graphs[1]


# -- errors: the messages of the op torch runs for that case (addmm, mm, mv, dot, bmm, add_) ----
ERROR_CASES = [  # (in features of x, x dtype, weight shape, weight dtype, weight grad, bias shape, bias dtype)
    (5, "float32", (3, 4), "float32", True, None, "float32"),
    (5, "float32", (3, 4), "float32", False, None, "float32"),
    (5, "float32", (3, 4), "float32", True, (3,), "float32"),
    (5, "float32", (3, 4), "float32", False, (3,), "float32"),
    (4, "float64", (3, 4), "float32", True, None, "float32"),
    (4, "float64", (3, 4), "float32", False, None, "float32"),
    (4, "float32", (3, 4), "float64", False, None, "float32"),
    (4, "float64", (3, 4), "float32", True, (3,), "float32"),
    (4, "float32", (3, 4), "float32", True, (3,), "float64"),
    (4, "float32", (3, 4), "float32", True, (), "float64"),
    (4, "float64", (3, 4), "float64", True, (3,), "float32"),
    (4, "float32", (3, 4), "float32", True, (2,), "float32"),
    (4, "float32", (3, 4), "float32", True, (1,), "float32"),
    (4, "float32", (3, 4), "float32", True, (2, 3), "float32"),
    (4, "float32", (3, 4), "float32", True, (1, 3), "float32"),
    (4, "float32", (3, 4), "float32", True, (2, 1), "float32"),
    (4, "float32", (3, 4), "float32", True, (3, 1), "float32"),
    (4, "float32", (3, 4), "float32", True, (1, 1), "float32"),
    (4, "float32", (3, 4), "float32", True, (1, 1, 3), "float32"),
    (4, "float32", (3, 4), "float32", True, (1, 2), "float32"),
    (4, "float32", (4,), "float32", True, None, "float32"),
    (4, "float32", (4,), "float32", True, (), "float32"),
    (4, "float32", (4,), "float32", True, (1,), "float32"),
    (5, "float32", (4,), "float32", True, None, "float32"),
    (5, "float32", (4,), "float32", False, None, "float32"),
    (4, "float64", (4,), "float32", True, None, "float32"),
    (4, "float32", (4,), "float64", False, None, "float32"),
    (4, "float32", (2, 3, 4), "float32", True, None, "float32"),
    (4, "float32", (2, 3, 4), "float32", True, (3,), "float32"),
]
ERROR_LAYOUTS = {
    "1d": lambda lib, n, d: lib.ones(n, dtype=d),
    "1d_strided": lambda lib, n, d: lib.ones(2 * n, dtype=d)[::2],
    "2d": lambda lib, n, d: lib.ones(2, n, dtype=d),
    "3d": lambda lib, n, d: lib.ones(2, 3, n, dtype=d),
    "3d_transposed": lambda lib, n, d: lib.ones(3, 2, n, dtype=d).transpose(0, 1),
    "4d_transposed": lambda lib, n, d: lib.ones(5, 3, 2, n, dtype=d).transpose(1, 2),
}


def _outcome(lib, layout, case):
    n, x_dtype, w_shape, w_dtype, w_grad, b_shape, b_dtype = case
    x = ERROR_LAYOUTS[layout](lib, n, getattr(lib, x_dtype))
    w = lib.ones(w_shape, dtype=getattr(lib, w_dtype), requires_grad=w_grad)
    b = None if b_shape is None else lib.ones(b_shape, dtype=getattr(lib, b_dtype))
    try:
        y = lib.nn.functional.linear(x, w, b)
    except Exception as err:
        return type(err).__name__, str(err)
    return "ok", tuple(y.shape), str(y.dtype)


@pytest.mark.parametrize("case", ERROR_CASES, ids=str)
@pytest.mark.parametrize("layout", ERROR_LAYOUTS)
def test_bad_arguments_get_torchs_error_for_the_path_taken(layout, case):
    assert _outcome(lt, layout, case) == _outcome(torch, layout, case)
