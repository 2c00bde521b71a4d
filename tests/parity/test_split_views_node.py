"""``unbind``/``split``/``chunk`` record one multi-output node, as torch does.

torch's ``x.unbind()`` returns views that are outputs 0, 1, … of one ``UnbindBackward0``
(``SplitBackward0``, ``SplitWithSizesBackward0``); the gradients of all the pieces meet there
and become the input's gradient in one step. ``tensor_split`` and ``hsplit`` instead take
ordinary slices (``SliceBackward0``, each output 0). Each case runs in both libraries.
"""
import numpy as np
import pytest
import torch

import learntorch as lt
from learntorch.viz import draw_graph

CALLS = {
    "unbind": lambda x: x.unbind(1),
    "unbind_dim0_one": lambda x: x[:1].unbind(),
    "split": lambda x: x.split(4, 1),
    "split_exact": lambda x: x.split(6, 1),
    "split_list": lambda x: x.split([2, 4], 1),
    "split_with_sizes": lambda x: x.split_with_sizes([1, 0, 5], -1),
    "chunk": lambda x: x.chunk(3, 1),
    "chunk_rows": lambda x: x.chunk(3),
    "tensor_split": lambda x: x.tensor_split(4, 1),
    "tensor_split_indices": lambda x: x.tensor_split([1, 3], 1),
    "hsplit": lambda x: x.hsplit(2),
}


def _x(lib, dtype="float64", requires_grad=True):
    data = np.arange(24, dtype=dtype).reshape(4, 6) / 7
    return lib.tensor(data, requires_grad=requires_grad)


def _graph(pieces):
    first = pieces[0].grad_fn
    saved = {a: getattr(first, a) for a in dir(first) if a.startswith("_saved_")
             and a != "_saved_self"}
    return ([(p.grad_fn.name(), p.output_nr, p._base is not None) for p in pieces],
            all(p.grad_fn is first for p in pieces), saved,
            [type(n).__name__ if n is not None else None for n, _ in first.next_functions])


@pytest.mark.parametrize("call", list(CALLS))
def test_the_pieces_share_torchs_node_with_its_output_numbers_and_saved_values(call):
    got, want = _graph(CALLS[call](_x(lt))), _graph(CALLS[call](_x(torch)))
    if want[0][0][0] == "SliceBackward0":  # learntorch's SliceBackward0 shows no _saved_ values
        got, want = got[:2] + got[3:], want[:2] + want[3:]
    assert got == want


def test_the_zero_length_chunk_is_split_with_sizes_as_in_torch():
    def case(lib):
        pieces = lib.zeros(0, 2, requires_grad=True).chunk(3)
        return _graph(pieces)[:3]
    assert case(lt) == case(torch)


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("used", [(0,), (1,), (0, -1), "all"])
def test_gradients_of_some_or_all_pieces_meet_in_the_input(call, used):
    def case(lib):
        x = _x(lib)
        pieces = CALLS[call](x)
        chosen = pieces if used == "all" else [pieces[i] for i in used if -len(pieces) <= i
                                               < len(pieces)]
        loss = sum(((k + 2) * p ** 2).sum() for k, p in enumerate(chosen)) + 0 * x.sum()
        loss.backward()
        return x.grad.numpy()
    np.testing.assert_allclose(case(lt), case(torch), rtol=1e-12)


@pytest.mark.parametrize("call", ["unbind", "split", "split_list", "chunk"])
def test_second_derivatives_through_the_joint_node(call):
    def case(lib):
        x = _x(lib)
        pieces = CALLS[call](x)
        y = sum(((k + 1) * p ** 3).sum() for k, p in enumerate(pieces[:2]))
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), x)
        return g.detach().numpy(), gg.numpy()
    for a, b in zip(case(lt), case(torch)):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_gradcheck_and_gradgradcheck_of_the_pieces():
    x = lt.randn(3, 5, dtype=lt.float64, requires_grad=True)
    for fn in (lambda t: t.unbind(1), lambda t: t.split(2, 1), lambda t: t.split([1, 4], 1),
               lambda t: t.chunk(2)):
        assert lt.autograd.gradcheck(fn, (x,))
        assert lt.autograd.gradgradcheck(fn, (x,))


def test_hooks_and_retain_grad_on_single_pieces():
    def case(lib):
        x = _x(lib)
        a, b, c = x.chunk(3, 1)
        seen = []
        b.register_hook(lambda g: seen.append(g.sum().item()) or g * 10)
        c.retain_grad()
        (a.sum() + (b * 2).sum() + (c * 3).sum()).backward()
        return x.grad.numpy(), seen, c.grad.numpy(), a.retains_grad
    got, want = case(lt), case(torch)
    np.testing.assert_allclose(got[0], want[0])
    assert got[1] == want[1]
    np.testing.assert_allclose(got[2], want[2])
    assert got[3] is False and want[3] is False


def _outcome(fn):
    try:
        return fn()
    except Exception as err:  # noqa: BLE001 (the type and text are what is compared)
        return (type(err).__name__, str(err))


@pytest.mark.parametrize("call", ["unbind", "split", "split_list", "chunk"])
def test_changing_a_piece_in_place_names_its_output_number_as_torch(call):
    def case(lib):
        x = _x(lib) * 1
        pieces = CALLS[call](x)
        return _outcome(lambda: pieces[1].mul_(2))
    assert case(lt) == case(torch)


@pytest.mark.parametrize("call", ["unbind", "split", "chunk"])
def test_pieces_without_grad_are_views_sharing_the_version_counter(call):
    def case(lib):
        x = _x(lib, requires_grad=False)
        pieces = CALLS[call](x)
        pieces[1].add_(1)
        with lib.no_grad():
            q = CALLS[call](_x(lib))
        return (x.numpy().tolist(), x._version, pieces[0]._version, [p.grad_fn for p in pieces],
                [(p.requires_grad, p.grad_fn) for p in q])
    assert case(lt) == case(torch)


def test_integer_pieces_have_no_node():
    def case(lib):
        return [p.grad_fn for p in lib.arange(6).split(2)]
    assert case(lt) == case(torch)


def test_draw_graph_shows_one_node_for_all_pieces():
    x = lt.ones(2, 3, requires_grad=True)
    a, b = x.unbind()
    dot = draw_graph(a + b).source
    assert dot.count("UnbindBackward0") == 1


UNSAFE = {
    "unsafe_split": lambda lib, x: lib.unsafe_split(x, 4, -1),
    "unsafe_chunk": lambda lib, x: x.unsafe_chunk(3, 1),
    "unsafe_chunk_empty": lambda lib, x: lib.unsafe_chunk(x[:0], 3),
    "unsafe_split_with_sizes": lambda lib, x: lib.unsafe_split_with_sizes(x, [1, 3], 0),
}


@pytest.mark.parametrize("call", list(UNSAFE))
def test_unsafe_splits_record_unsafe_split_nodes_and_return_no_views(call):
    def case(lib):
        x = _x(lib) * 1
        pieces = UNSAFE[call](lib, x)
        node = _graph(pieces)
        loss = sum(((k + 2) * p ** 2).sum() for k, p in enumerate(pieces[:1]))
        grad = lib.autograd.grad(loss, x, allow_unused=True)[0] if pieces[0].numel() else None
        return node[:3], [p._base is None for p in pieces], None if grad is None else grad.tolist()
    assert case(lt) == case(torch)


def test_an_unsafe_piece_changed_in_place_writes_through_without_bumping_the_base():
    def case(lib):
        y = _x(lib, requires_grad=False)
        pieces = lib.unsafe_split(y, 3, 1)
        pieces[0].mul_(2)
        return y.tolist(), y._version, pieces[0]._version, pieces[1]._version
    assert case(lt) == case(torch)


@pytest.mark.parametrize("call", ["split -1", "split 0", "sizes sum"])
def test_unsafe_split_errors_are_splits(call):
    def case(lib):
        x = _x(lib)
        act = {"split -1": lambda: lib.unsafe_split(x, -1), "split 0": lambda: lib.unsafe_split(x, 0),
               "sizes sum": lambda: lib.unsafe_split_with_sizes(x, [1, 2])}[call]
        return _outcome(act)
    assert case(lt) == case(torch)
