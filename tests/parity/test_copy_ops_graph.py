"""The ``*_copy`` ops (torch's functionalization ops) record torch's one node per op.

torch names it after the view op it copies (``SelectBackward0_copy``, ``SplitBackward0_copy``
shared by all pieces, ``NarrowCopyBackward0`` for narrow_copy, a ``NotImplemented`` node for
detach_copy) with the input as its next function and the op's arguments as ``_saved_*``
values.  Each case compares with torch 2.13: the graph (class names, ``name()``, saved values,
next functions and output numbers), that the result is a new contiguous tensor, the values,
the input's gradient (float32 and float64), gradcheck and gradgradcheck, and grad-mode-off and
integer inputs.
"""
import numpy as np
import pytest
import torch

import learntorch as lt
from learntorch.autograd import gradcheck, gradgradcheck

# name -> (input shape, call); every input is a leaf of the shape the op wants
CASES = {
    "alias_copy": ((3, 4, 5), lambda L, x: L.alias_copy(x)),
    "as_strided_copy": ((3, 4, 5), lambda L, x: L.as_strided_copy(x, (2, 2), (1, 2), 1)),
    "as_strided_copy_no_offset": ((3, 4, 5), lambda L, x: L.as_strided_copy(x, (2, 3), (3, 1))),
    "diagonal_copy": ((3, 4, 5), lambda L, x: L.diagonal_copy(x, 0, 1, 2)),
    "diagonal_copy_negative": ((3, 4, 5), lambda L, x: L.diagonal_copy(x, -1, -1, 0)),
    "diagonal_copy_defaults": ((4, 5), lambda L, x: L.diagonal_copy(x)),
    "expand_copy": ((1, 4, 5), lambda L, x: L.expand_copy(x, (2, 4, 5))),
    "expand_copy_minus_one": ((1, 4, 1), lambda L, x: L.expand_copy(x, (3, -1, 2))),
    "expand_copy_implicit": ((1, 4, 5), lambda L, x: L.expand_copy(x, (2, 3, 4, 5), implicit=True)),
    "narrow_copy": ((3, 4, 5), lambda L, x: L.narrow_copy(x, 1, 1, 2)),
    "narrow_copy_negative": ((3, 4, 5), lambda L, x: L.narrow_copy(x, -1, -3, 2)),
    "narrow_copy_method": ((3, 4, 5), lambda L, x: x.narrow_copy(1, 1, 2)),
    "permute_copy": ((3, 4, 5), lambda L, x: L.permute_copy(x, (2, 0, 1))),
    "permute_copy_negative": ((3, 4, 5), lambda L, x: L.permute_copy(x, (-1, 0, 1))),
    "select_copy": ((3, 4, 5), lambda L, x: L.select_copy(x, 0, 1)),
    "select_copy_negative": ((3, 4, 5), lambda L, x: L.select_copy(x, -1, -2)),
    "slice_copy": ((3, 4, 5), lambda L, x: L.slice_copy(x, 1, 1, 3)),
    "slice_copy_defaults": ((3, 4, 5), lambda L, x: L.slice_copy(x)),
    "slice_copy_negative_step": ((3, 4, 5), lambda L, x: L.slice_copy(x, -1, -3, -1, 2)),
    "slice_copy_past_the_end": ((3, 4, 5), lambda L, x: L.slice_copy(x, 1, 1, 100)),
    "split_copy": ((3, 4, 5), lambda L, x: L.split_copy(x, 2, 1)),
    "split_copy_negative": ((3, 4, 5), lambda L, x: L.split_copy(x, 2, -1)),
    "split_with_sizes_copy": ((3, 4, 5), lambda L, x: L.split_with_sizes_copy(x, [1, 3], 1)),
    "squeeze_copy": ((1, 4, 1), lambda L, x: L.squeeze_copy(x)),
    "squeeze_copy_dim": ((1, 4, 5), lambda L, x: L.squeeze_copy(x, 0)),
    "squeeze_copy_negative": ((1, 4, 5), lambda L, x: L.squeeze_copy(x, -3)),
    "squeeze_copy_dims": ((1, 4, 1), lambda L, x: L.squeeze_copy(x, (-3, 1, 2))),
    "t_copy": ((4, 5), lambda L, x: L.t_copy(x)),
    "t_copy_vector": ((5,), lambda L, x: L.t_copy(x)),
    "transpose_copy": ((3, 4, 5), lambda L, x: L.transpose_copy(x, 0, 2)),
    "transpose_copy_negative": ((3, 4, 5), lambda L, x: L.transpose_copy(x, -1, 0)),
    "unbind_copy": ((3, 4, 5), lambda L, x: L.unbind_copy(x, 1)),
    "unbind_copy_negative": ((3, 4, 5), lambda L, x: L.unbind_copy(x, -1)),
    "unfold_copy": ((3, 4, 5), lambda L, x: L.unfold_copy(x, 2, 2, 1)),
    "unfold_copy_negative": ((3, 4, 5), lambda L, x: L.unfold_copy(x, -1, 2, 2)),
    "unsqueeze_copy": ((3, 4, 5), lambda L, x: L.unsqueeze_copy(x, 1)),
    "unsqueeze_copy_negative": ((3, 4, 5), lambda L, x: L.unsqueeze_copy(x, -1)),
    "view_copy": ((3, 4, 5), lambda L, x: L.view_copy(x, (12, 5))),
    "view_copy_minus_one": ((3, 4, 5), lambda L, x: L.view_copy(x, (-1, 5))),
    "detach_copy": ((3, 4, 5), lambda L, x: L.detach_copy(x)),
}
DIFFERENTIABLE = [name for name in CASES if name != "detach_copy"]


def test_every_copy_op_of_the_module_has_a_case():
    import learntorch.ops.strided as strided
    ops = {n for n in strided.__all__ if n.endswith("_copy")}
    assert ops == {name for name in ops if any(case.startswith(name) for case in CASES)}


def _saved(value):
    if isinstance(value, (torch.Tensor, lt.Tensor)):
        return ("tensor", tuple(value.shape))
    return value


def _graph(node):
    if node is None:
        return None
    saved = {a: _saved(getattr(node, a)) for a in dir(node) if a.startswith("_saved_")}
    return (type(node).__name__, node.name(), saved,
            [(_graph(n), nr) for n, nr in node.next_functions])


def _pieces(result):
    return tuple(result) if isinstance(result, (tuple, list)) else (result,)


def _run(lib, case, dtype="float64", requires_grad=True, seed=0):
    shape, call = CASES[case]
    array = np.random.default_rng(seed).standard_normal(shape)
    x = lib.tensor(array, dtype=getattr(lib, dtype), requires_grad=requires_grad)
    return x, call(lib, x)


def _described(x, result):
    pieces = _pieces(result)
    return (type(result).__name__, [_graph(p.grad_fn) for p in pieces],
            [p.output_nr for p in pieces], len({id(p.grad_fn) for p in pieces}),
            [p._base is None for p in pieces], [tuple(p.stride()) for p in pieces],
            [p.is_contiguous() for p in pieces], [p.requires_grad for p in pieces],
            [str(p.dtype).split(".")[-1] for p in pieces])


@pytest.mark.parametrize("case", CASES)
def test_the_node_is_torchs(case):
    assert _described(*_run(lt, case)) == _described(*_run(torch, case))


@pytest.mark.parametrize("case", CASES)
def test_the_result_shares_no_memory_and_has_torchs_values(case):
    for dtype in ("float32", "float64"):
        x, ours = _run(lt, case, dtype)
        _, theirs = _run(torch, case, dtype)
        for a, t in zip(_pieces(ours), _pieces(theirs)):
            np.testing.assert_array_equal(a.detach().numpy(), t.detach().numpy())
            assert not np.shares_memory(a.detach().numpy(), x.detach().numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", DIFFERENTIABLE)
def test_the_input_gradient_is_torchs(case, dtype):
    grads = []
    for lib in (lt, torch):
        x, result = _run(lib, case, dtype)
        pieces = _pieces(result)
        rng = np.random.default_rng(1)
        # the last piece gets no gradient: a multi-output node fills it with zeros
        used = pieces[:-1] if len(pieces) > 1 else pieces
        total = sum((p * lib.tensor(rng.standard_normal(tuple(p.shape)), dtype=p.dtype)).sum()
                    for p in used)
        total.backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6 if dtype == "float32" else 1e-13,
                               atol=1e-6 if dtype == "float32" else 1e-13)


@pytest.mark.parametrize("case", DIFFERENTIABLE)
def test_gradcheck_and_gradgradcheck(case):
    shape, call = CASES[case]
    x = lt.tensor(np.random.default_rng(2).standard_normal(shape), requires_grad=True)

    def fn(x):
        return _pieces(call(lt, x))

    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_backward_through_detach_copy_is_torchs_error():
    errors = []
    for lib in (lt, torch):
        x, y = _run(lib, "detach_copy")
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
        errors.append(str(info.value))
    assert errors[0] == errors[1] == "derivative for aten::detach_copy is not implemented"


@pytest.mark.parametrize("case", CASES)
def test_without_grad_mode_or_grad_the_copy_records_nothing(case):
    for lib in (lt, torch):
        with lib.no_grad():
            _, result = _run(lib, case)
        assert all(p.grad_fn is None and not p.requires_grad for p in _pieces(result))
        _, result = _run(lib, case, requires_grad=False)
        assert all(p.grad_fn is None and not p.requires_grad for p in _pieces(result))


def test_an_integer_input_records_nothing():
    for lib in (lt, torch):
        x = lib.arange(12).reshape(3, 4)
        assert lib.select_copy(x, 0, 1).grad_fn is None
        assert all(p.grad_fn is None for p in lib.split_copy(x, 2, 1))


def test_a_copied_piece_changed_in_place_keeps_its_own_history():
    grads = []
    for lib in (lt, torch):
        x, pieces = _run(lib, "split_copy")
        pieces[0].mul_(3)  # not a view: allowed, and the input is untouched
        assert pieces[0]._version == 1 and x._version == 0
        assert type(pieces[0].grad_fn).__name__ == "MulBackward0"
        (pieces[0].sum() + pieces[1].sum() * 2).backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


def test_out_writes_the_copy():
    for lib in (lt, torch):
        x = lib.arange(12.0).reshape(3, 4)
        out = lib.empty(4)
        assert lib.select_copy(x, 0, 1, out=out) is out
        assert out.tolist() == [4.0, 5.0, 6.0, 7.0]
