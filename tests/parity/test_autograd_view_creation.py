"""Views autograd must refuse to change in place, and what a custom Function's outputs become.

torch remembers how a view was made (its CreationMeta): in no-grad or inference mode, as one of
several views one op returned (``unbind``, ``split``), or inside a custom ``autograd.Function``.
Such a view keeps ``requires_grad`` from its base but no history, and changing it (or its base)
in place under grad mode is an error.  A Function's outputs follow torch's ``_wrap_outputs``:
an input returned as-is comes back as a new view, ``mark_non_differentiable`` outputs carry no
history, ``mark_dirty`` inputs take the node as theirs.  Each case runs in both libraries.
"""
import warnings

import pytest
import torch

import learntorch as lt


def outcome(fn):
    """What ``fn()`` gives: its value, or the exception's type and text."""
    try:
        return fn()
    except Exception as err:  # noqa: BLE001 (the type is part of what is compared)
        return (type(err).__name__, str(err))


def same(case):
    """``case(lib)`` gives the same in learntorch and torch."""
    assert case(lt) == case(torch)


def node_name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


# -- views taken in no-grad mode --------------------------------------------------------------
def no_grad_view_state(lib):
    x = lib.ones(2, 3, requires_grad=True)
    with lib.no_grad():
        v = x[0]
    w = v * 2
    w.sum().backward()
    return (v.requires_grad, v.grad_fn, v.is_leaf, v._base is x, w.requires_grad, node_name(w),
            [(n, i) for n, i in w.grad_fn.next_functions], x.grad, v.grad)


def test_a_no_grad_view_of_a_tensor_requiring_grad_requires_grad_without_history():
    same(no_grad_view_state)


@pytest.mark.parametrize("change", ["mul_", "zero_", "fill_", "copy_", "clamp_", "uniform_",
                                    "setitem_int", "setitem_slice", "add_other"])
@pytest.mark.parametrize("base", ["leaf", "nonleaf", "plain"])
def test_changing_a_no_grad_view_in_place_under_grad_mode_is_torchs_error(change, base):
    def case(lib):
        a = lib.ones(2, 3, requires_grad=base != "plain")
        b = a * 2 if base == "nonleaf" else a
        with lib.no_grad():
            v = b[0]
        other = lib.ones(3, requires_grad=True)
        act = {"mul_": lambda: v.mul_(2), "zero_": v.zero_, "fill_": lambda: v.fill_(1.0),
               "copy_": lambda: v.copy_(other), "clamp_": lambda: v.clamp_(0, 1),
               "uniform_": v.uniform_, "setitem_int": lambda: v.__setitem__(0, 5.0),
               "setitem_slice": lambda: v.__setitem__(slice(0, 2), 5.0),
               "add_other": lambda: v.add_(other)}[change]
        result = outcome(act)
        return result if isinstance(result, tuple) else "no error"
    same(case)


def test_the_view_may_change_inside_no_grad_but_then_using_it_with_grad_mode_on_is_an_error():
    def case(lib):
        x = lib.ones(2, 3, requires_grad=True)
        with lib.no_grad():
            v = x[0]
            v.mul_(2)
            inside = (v * 2).requires_grad
        return inside, v.requires_grad, outcome(lambda: v.grad_fn), outcome(lambda: v.is_leaf), \
            outcome(lambda: v * 2)
    same(case)


def test_a_base_changed_in_place_makes_its_no_grad_views_unusable():
    def case(lib):
        a = lib.ones(2, 3, requires_grad=True)
        b = a.clone()
        with lib.no_grad():
            v = b[0]
        b.mul_(2)
        return v.requires_grad, outcome(lambda: v + 1)
    same(case)


def test_views_of_a_no_grad_view_keep_its_kind():
    def case(lib):
        a = lib.ones(2, 3, requires_grad=True)
        with lib.no_grad():
            v = a.view(-1)
        u = v[1:]
        return (u.requires_grad, node_name(u), u._base is a,
                [(n, i) for n, i in u.grad_fn.next_functions], outcome(lambda: u.mul_(2)))
    same(case)


def test_requires_grad_false_and_detach_on_a_no_grad_view():
    def case(lib):
        a = lib.ones(2, 3, requires_grad=True)
        with lib.no_grad():
            v = a[0]
        v.requires_grad_(False)
        d = v.detach()
        return v.requires_grad, outcome(v.detach_), d.requires_grad, d._base, \
            outcome(lambda: d.mul_(2).tolist())
    same(case)


def test_a_plain_view_cannot_be_detached_in_place_either():
    same(lambda lib: outcome(lambda: lib.ones(3)[0:2].detach_()))


@pytest.mark.parametrize("make", ["T", "t", "transpose", "permute", "narrow", "select", "diagonal",
                                  "unfold", "view", "expand", "squeeze", "unsqueeze", "as_strided",
                                  "view_as", "flatten", "unflatten", "movedim"])
def test_every_view_op_under_no_grad_gives_such_a_view(make):
    def case(lib):
        a = lib.ones(2, 3, requires_grad=True)
        with lib.no_grad():
            v = {"T": lambda: a.T, "t": a.t, "transpose": lambda: a.transpose(0, 1),
                 "permute": lambda: a.permute(1, 0), "narrow": lambda: a.narrow(0, 0, 1),
                 "select": lambda: a.select(0, 1), "diagonal": a.diagonal,
                 "unfold": lambda: a.unfold(1, 2, 1), "view": lambda: a.view(3, 2),
                 "expand": lambda: a.expand(2, 2, 3), "squeeze": a.squeeze,
                 "unsqueeze": lambda: a.unsqueeze(0),
                 "as_strided": lambda: a.as_strided((2,), (1,)), "view_as": lambda: a.view_as(a),
                 "flatten": a.flatten, "unflatten": lambda: a.unflatten(1, (3, 1)),
                 "movedim": lambda: a.movedim(0, 1)}[make]()
        return v.requires_grad, v.grad_fn, outcome(lambda: v.mul_(2) and None)
    same(case)


def test_views_made_in_inference_mode_have_their_own_message():
    def case(lib):
        a = lib.ones(2, 3, requires_grad=True)
        with lib.inference_mode():
            v = a[0]
        return v.requires_grad, outcome(lambda: v.mul_(2))
    same(case)


def test_integer_views_and_views_of_plain_tensors_change_in_place_freely():
    def case(lib):
        i = lib.ones(3, dtype=lib.long)
        c = lib.ones(3)
        with lib.no_grad():
            iv, cv = i[0:2], c[0:2]
        return iv.add_(1).tolist(), cv.add_(1).tolist(), cv.requires_grad
    same(case)


def test_setitem_into_a_view_of_a_plain_tensor_records_the_value_gradient():
    def case(lib):
        c = lib.zeros(3)
        v = c[0:2]
        w = lib.ones(2, requires_grad=True)
        v[:] = w * 3
        c.sum().backward()
        return w.grad.tolist(), node_name(c), node_name(v)
    same(case)


# -- several views from one op ---------------------------------------------------------------
@pytest.mark.parametrize("split", ["unbind", "split", "chunk", "split_with_sizes"])
def test_views_returned_together_cannot_change_in_place(split):
    def case(lib):
        b = lib.ones(2, 3, requires_grad=True) * 1
        parts = {"unbind": b.unbind, "split": lambda: b.split(1), "chunk": lambda: b.chunk(2),
                 "split_with_sizes": lambda: b.split_with_sizes([1, 1])}[split]()
        plain = {"unbind": lib.ones(2, 3).unbind, "split": lambda: lib.ones(2, 3).split(1),
                 "chunk": lambda: lib.ones(2, 3).chunk(2),
                 "split_with_sizes": lambda: lib.ones(2, 3).split_with_sizes([1, 1])}[split]()
        other = lib.ones(3, requires_grad=True)
        return (node_name(parts[0]), outcome(lambda: parts[0].mul_(2)),
                outcome(lambda: plain[0].add_(other)), plain[1].add_(1).sum().item())
    same(case)


def test_a_base_changed_after_unbind_makes_its_pieces_unusable():
    def case(lib):
        b = lib.ones(2, 3, requires_grad=True).clone()
        parts = b.unbind()
        b.mul_(2)
        return outcome(lambda: parts[0] * 2)
    same(case)


def test_tensor_split_pieces_are_ordinary_views():
    def case(lib):
        a = lib.ones(2, 3, requires_grad=True)
        b = a * 1
        parts = b.tensor_split(2)
        parts[0].mul_(2)
        b.sum().backward()
        return node_name(b), a.grad.tolist()
    same(case)


def test_an_ordinary_view_shows_its_rebuilt_history_after_its_base_changed():
    def case(lib):
        b = lib.ones(2, 3, requires_grad=True).clone()
        v = b[0]
        b.mul_(2)
        return node_name(v)
    same(case)


# -- custom Function outputs --------------------------------------------------------------------
def functions(lib):
    """The Functions of these tests, defined on ``lib``'s autograd.Function."""
    Function = lib.autograd.Function

    class ReturnInput(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class ReturnInputNonDiff(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_non_differentiable(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class ReturnViewNonDiff(Function):
        @staticmethod
        def forward(ctx, x):
            v = x.view(-1)
            ctx.mark_non_differentiable(v)
            return v

        @staticmethod
        def backward(ctx, g):
            return g

    class ReturnView(Function):
        @staticmethod
        def forward(ctx, x):
            return x.view(-1)

        @staticmethod
        def backward(ctx, g):
            return g.view(2, 2) * 3

    class Double(Function):  # in place, marked dirty
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class DoubleReturnsCopy(Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class DoubleAndTriple(Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x, x * 3

        @staticmethod
        def backward(ctx, g, h):
            return g * 2 + h * 6

    class MarkNew(Function):
        @staticmethod
        def forward(ctx, x):
            z = x * 2
            ctx.mark_dirty(z)
            return z

        @staticmethod
        def backward(ctx, g):
            return g

    class ValueAndIndex(Function):
        @staticmethod
        def forward(ctx, x):
            index = lib.tensor([1])
            ctx.mark_non_differentiable(index)
            return x * 2, index

        @staticmethod
        def backward(ctx, g, gi):
            return g * 2

    class Twice(Function):
        @staticmethod
        def forward(ctx, x):
            return x, x

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 + g2

    return {c.__name__: c for c in (ReturnInput, ReturnInputNonDiff, ReturnViewNonDiff,
                                    ReturnView, Double, DoubleReturnsCopy, DoubleAndTriple,
                                    MarkNew, ValueAndIndex, Twice)}


def state(lib, x, y):
    return (y is x, y.requires_grad, node_name(y), y.is_leaf, y._base is x, x._version)


def test_an_input_returned_as_is_comes_back_as_a_new_view_with_the_node():
    def case(lib):
        x = lib.ones(2, 2, requires_grad=True)
        y = functions(lib)["ReturnInput"].apply(x)
        before = state(lib, x, y)
        y.sum().backward()
        return before, x.grad.tolist(), outcome(lambda: y.mul_(2) and None)
    same(case)


@pytest.mark.parametrize("mode", ["plain input", "under no_grad"])
def test_an_input_returned_without_a_graph_is_still_a_new_tensor(mode):
    def case(lib):
        x = lib.ones(3, requires_grad=mode == "under no_grad")
        with lib.set_grad_enabled(mode == "plain input"):
            y = functions(lib)["ReturnInput"].apply(x)
        return y is x, y.requires_grad, node_name(y), y._base is x
    same(case)


def test_a_non_differentiable_input_comes_back_detached():
    def case(lib):
        x = lib.ones(2, 2, requires_grad=True)
        y = functions(lib)["ReturnInputNonDiff"].apply(x)
        return state(lib, x, y), outcome(lambda: y.sum().backward())
    same(case)


def test_a_non_differentiable_view_is_a_view_made_without_grad():
    def case(lib):
        x = lib.ones(2, 2, requires_grad=True)
        y = functions(lib)["ReturnViewNonDiff"].apply(x)
        return state(lib, x, y), outcome(lambda: y.sum().backward()), x.grad
    same(case)


def test_a_returned_view_gets_the_node_and_refuses_in_place_changes():
    def case(lib):
        x = lib.ones(2, 2, requires_grad=True)
        y = functions(lib)["ReturnView"].apply(x)
        before = state(lib, x, y)
        y.sum().backward()
        return before, x.grad.tolist(), outcome(lambda: y.mul_(2) and None)
    same(case)


def test_a_dirty_leaf_requiring_grad_is_torchs_error():
    same(lambda lib: outcome(lambda: functions(lib)["Double"].apply(
        lib.ones(2, 2, requires_grad=True)) and None))


def test_a_dirty_input_takes_the_node_as_its_history_and_its_version_goes_up_again():
    def case(lib):
        a = lib.ones(2, 2, requires_grad=True)
        x = a.clone()
        y = functions(lib)["Double"].apply(x)
        result = state(lib, x, y)
        y.sum().backward()
        return result, a.grad.tolist()
    same(case)


def test_a_dirty_input_without_any_graph_still_counts_its_version():
    def case(lib):
        x = lib.ones(3)
        y = functions(lib)["Double"].apply(x)
        return y is x, y.tolist(), x._version
    same(case)


def test_a_dirty_view_rewrites_its_bases_history():
    def case(lib):
        a = lib.ones(2, 2, requires_grad=True)
        b = a.clone()
        x = b[0]
        y = functions(lib)["Double"].apply(x)
        names = (y is x, node_name(y), node_name(b))
        b.sum().backward()
        return names, a.grad.tolist()
    same(case)


def test_a_dirty_view_of_a_leaf_and_a_dirty_view_with_two_outputs_are_errors():
    def case(lib):
        fns = functions(lib)
        a = lib.ones(2, 2, requires_grad=True)
        return (outcome(lambda: fns["Double"].apply(a[0]) and None),
                outcome(lambda: fns["DoubleAndTriple"].apply(a.clone()[0]) and None))
    same(case)


def test_a_dirty_input_among_two_outputs():
    def case(lib):
        a = lib.ones(2, requires_grad=True)
        y, z = functions(lib)["DoubleAndTriple"].apply(a.clone())
        names = node_name(y), node_name(z), y.output_nr, z.output_nr
        (y.sum() + z.sum()).backward()
        return names, a.grad.tolist()
    same(case)


def test_a_dirty_input_not_returned_is_an_error():
    same(lambda lib: outcome(lambda: functions(lib)["DoubleReturnsCopy"].apply(
        lib.ones(2, 2, requires_grad=True).clone()) and None))


def test_marking_a_new_tensor_dirty_warns_as_torch():
    def case(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = functions(lib)["MarkNew"].apply(lib.ones(2, requires_grad=True))
        # torch's C++ warnings end with where they were raised
        return node_name(y).endswith("MarkNewBackward"), [
            str(w.message).split(" (Triggered internally")[0] for w in caught]
    same(case)


def test_non_differentiable_integer_output_next_to_a_differentiable_one():
    def case(lib):
        x = lib.ones(3, requires_grad=True)
        y, i = functions(lib)["ValueAndIndex"].apply(x)
        return y.requires_grad, node_name(y), i.requires_grad, node_name(i)
    same(case)


def test_an_input_returned_twice_gives_two_views_that_refuse_in_place_changes():
    def case(lib):
        x = lib.ones(2, requires_grad=True)
        y1, y2 = functions(lib)["Twice"].apply(x)
        names = (y1 is y2, y1 is x, node_name(y1), y1._base is x, y2._base is x,
                 y1.output_nr, y2.output_nr)
        (y1.sum() + y2.sum()).backward()
        return names, x.grad.tolist(), outcome(lambda: y1.mul_(2) and None)
    same(case)
