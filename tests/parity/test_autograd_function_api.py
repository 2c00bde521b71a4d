"""``autograd.Function`` beyond forward/backward, each case run in learntorch and in torch:
the ``setup_context`` style, ``vjp``, gradients of non-tensor outputs, ``once_differentiable``,
what ``save_for_backward`` accepts, and torch's error texts."""
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
    assert case(lt) == case(torch)


def node_name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


def test_forward_without_ctx_and_setup_context_with_bound_defaults():
    def case(lib):
        seen = []

        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(x, k, shift=1.0):
                return x * k + shift

            @staticmethod
            def setup_context(ctx, inputs, output):
                seen.append((len(inputs), inputs[1:], output.tolist()))
                ctx.k = inputs[1]
                ctx.save_for_backward(inputs[0])

            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return g * ctx.k * x, None, None

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = Scale.apply(x, 3.0)
        y.sum().backward()
        return node_name(y), seen, x.grad.tolist()
    same(case)


@pytest.mark.parametrize("style", ["all positional", "defaults", "keyword", "keyword only",
                                   "varargs", "tensor default", "missing", "too many",
                                   "unknown keyword", "forward replaced"])
def test_setup_context_sees_forwards_arguments_bound_on_every_call(style):
    """The signature is read once per class; each call still binds its own arguments."""
    def case(lib):
        seen = []
        tensor_default = lib.tensor([5.0])

        def forward(x, k=2.0, shift=tensor_default):
            return x * k + shift

        def forward_kw(x, *, k=2.0):
            return x * k

        def forward_var(x, *rest):
            return x * len(rest)

        chosen = {"keyword only": forward_kw, "varargs": forward_var}.get(style, forward)

        class F(lib.autograd.Function):
            @staticmethod
            def setup_context(ctx, inputs, output):
                seen.append([v.tolist() if isinstance(v, lib.Tensor) else v for v in inputs])

            @staticmethod
            def backward(ctx, g):
                return (g,) + (None,) * (len(seen[-1]) - 1)

        F.forward = staticmethod(chosen)
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        calls = {
            "all positional": lambda: [F.apply(x, 3.0, x), F.apply(x, 4.0, x)],
            "defaults": lambda: [F.apply(x), F.apply(x, 3.0), F.apply(x)],
            "keyword": lambda: [F.apply(x, shift=1.0), F.apply(x, k=3.0)],
            "keyword only": lambda: [F.apply(x, k=3.0), F.apply(x)],
            "varargs": lambda: [F.apply(x, 1, 2), F.apply(x)],
            "tensor default": lambda: [F.apply(x, 1.0)],
            "missing": lambda: [F.apply()],
            "too many": lambda: [F.apply(x, 1.0, 2.0, 3.0)],
            "unknown keyword": lambda: [F.apply(x, scale=1.0)],
            "forward replaced": lambda: [F.apply(x), _replace(F, lib), F.apply(x)],
        }[style]
        result = outcome(lambda: [y.tolist() if isinstance(y, lib.Tensor) else y
                                  for y in calls()])
        return result, seen
    same(case)


def _replace(F, lib):
    def forward(x, k=10.0):
        return x * k
    F.forward = staticmethod(forward)
    return None


def test_vjp_is_backward_and_defining_both_is_an_error():
    def case(lib):
        class ByVjp(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def vjp(ctx, g):
                return g * 5

        class Both(ByVjp):
            @staticmethod
            def backward(ctx, g):
                return g

        x = lib.ones(2, requires_grad=True)
        ByVjp.apply(x).sum().backward()
        return x.grad.tolist(), outcome(lambda: Both.apply(x).sum().backward())
    same(case)


def test_non_tensor_outputs_get_none_gradients_and_tensor_outputs_zeros():
    def case(lib):
        seen = []

        class Mixed(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2, 5, x * 3

            @staticmethod
            def backward(ctx, g, g_number, g_unused):
                seen.append((g_number, g_unused.tolist()))
                return g * 2

        x = lib.ones(2, requires_grad=True)
        y, number, _ = Mixed.apply(x)
        y.sum().backward()
        return number, seen, x.grad.tolist()
    same(case)


def test_once_differentiable_backward_cannot_be_differentiated_again():
    def case(lib):
        class Square(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 2

            @staticmethod
            @lib.autograd.function.once_differentiable
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return 2 * x * g

        x = lib.ones(2, requires_grad=True)
        plain, = lib.autograd.grad(Square.apply(x).sum(), x, create_graph=True)
        v = lib.ones(2, requires_grad=True)
        guarded, = lib.autograd.grad(Square.apply(x), x, v, create_graph=True)
        return (plain.requires_grad, guarded.requires_grad, node_name(guarded), guarded.is_leaf,
                outcome(lambda: guarded.sum().backward()), Square.backward.__name__)
    same(case)


@pytest.mark.parametrize("requires_grad", [True, False])
def test_save_for_backward_takes_tensors_or_none_only_when_a_graph_is_made(requires_grad):
    def case(lib):
        class SaveNumber(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, None, 3)
                return x * 1

            @staticmethod
            def backward(ctx, g):
                return g

        return outcome(lambda: SaveNumber.apply(lib.ones(1, requires_grad=requires_grad)).tolist())
    same(case)


def test_a_tensor_saved_then_changed_in_forward_is_saved_as_forward_left_it():
    def case(lib):
        class DoubleInPlace(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                x.mul_(2)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return g * x

        a = lib.ones(2, requires_grad=True)
        y = DoubleInPlace.apply(a.clone())
        y.sum().backward()
        return a.grad.tolist()
    same(case)


def test_a_saved_input_changed_in_place_names_its_current_grad_fn():
    def case(lib):
        class Keep(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * 2

            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return g * x

        b = lib.ones(2, requires_grad=True) * 1
        y = Keep.apply(b)
        b.add_(1)
        return outcome(lambda: y.sum().backward())
    same(case)


def test_calling_a_function_object_is_the_legacy_error():
    def case(lib):
        class Legacy(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

        with pytest.warns(DeprecationWarning) as caught:
            instance = Legacy()
        return str(caught[0].message).split(".<locals>")[-1], outcome(lambda: instance(lib.ones(1)))
    same(case)
