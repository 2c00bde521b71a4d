"""Corners of torch.nn found by auditing issue 10 against torch 2.13, each run in both libraries."""
import numpy as np
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


@pytest.mark.parametrize("dim, sizes", [(1, (2, 2)), (-1, (2, 2)), (1, (-1, 2)), (1, ()),
                                        (1, (3, 1)), (-1, [1, -1])])
def test_unflatten_sizes_and_torchs_errors(dim, sizes):
    same(lambda lib: outcome(lambda: tuple(lib.zeros(2, 3).unflatten(dim, sizes).shape)))
    same(lambda lib: outcome(lambda: tuple(lib.nn.Unflatten(dim, sizes)(lib.zeros(2, 3)).shape)))


def test_unflatten_passes_other_size_errors_on_as_torch_does():
    def case(lib):  # torch's text goes on with a C++ stack trace: compare the first two lines
        kind, text = outcome(lambda: lib.zeros(2, 3).unflatten(1, (-1, -1)))
        return kind, text.splitlines()[:2]
    same(case)


def test_rnn_base_has_no_forward_of_its_own():
    def case(lib):
        base = lib.nn.RNNBase("LSTM", 3, 4, 1)
        return repr(base), list(base.state_dict()), outcome(lambda: base(lib.zeros(2, 5, 3)))
    same(case)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_the_recurrent_layers_still_run_their_forward(kind):
    x = np.random.default_rng(0).normal(size=(5, 2, 3)).astype(np.float32)

    def case(lib):
        lib.manual_seed(0)
        output, _ = getattr(lib.nn, kind)(3, 4)(lib.tensor(x))
        return output.detach().numpy().round(5).tolist()
    same(case)


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.nn.functional.elu_(x), lambda lib, x: lib.nn.functional.selu_(x),
    lambda lib, x: lib.nn.functional.celu_(x), lambda lib, x: lib.nn.functional.leaky_relu_(x),
    lambda lib, x: lib.nn.functional.threshold_(x, 0.5, 2.0),
    lambda lib, x: lib.nn.functional.rrelu_(x), lambda lib, x: lib.nn.functional.hardtanh_(x),
    lambda lib, x: lib.nn.functional.relu_(x), lambda lib, x: lib.nn.ELU(inplace=True)(x),
    lambda lib, x: lib.nn.LeakyReLU(inplace=True)(x), lambda lib, x: lib.nn.SELU(inplace=True)(x),
    lambda lib, x: lib.nn.RReLU(inplace=True).eval()(x), lambda lib, x: lib.rrelu_(x),
    lambda lib, x: lib.nn.Threshold(0.1, 20.0, inplace=True)(x)])
def test_in_place_activations_are_torchs_overloads(call):
    """torch's in-place activations whose derivative reads the result are their op's second
    overload (``EluBackward1``); the values and gradients are the out-of-place ones."""
    values = np.array([-2.0, -0.5, 0.3, 1.5, 7.0], np.float32)

    def case(lib):
        lib.manual_seed(0)
        leaf = lib.tensor(values, requires_grad=True)
        x = leaf * 1
        y = call(lib, x)
        y.sum().backward()
        return (y is x, y.grad_fn.name(), x._version, y.detach().numpy().round(5).tolist(),
                leaf.grad.numpy().round(5).tolist())
    same(case)


@pytest.mark.parametrize("stat", ["running_mean", "running_var"])
@pytest.mark.parametrize("training", [True, False])
def test_running_statistics_that_require_grad_are_refused_in_grad_mode(stat, training):
    def case(lib):
        x = lib.ones(2, 3, 4)
        stats = {"running_mean": lib.zeros(3), "running_var": lib.ones(3)}
        stats[stat].requires_grad_()
        refused = outcome(lambda: lib.nn.functional.batch_norm(x, **stats, training=training))
        with lib.no_grad():
            quiet = lib.nn.functional.batch_norm(x, **stats, training=training).shape
        instance = outcome(lambda: lib.nn.functional.instance_norm(
            x, stats["running_mean"], stats["running_var"]))
        return refused, tuple(quiet), instance
    same(case)


@pytest.mark.parametrize("dims", [2, 3])
def test_nearest_grid_sample_gives_the_grid_a_zero_gradient(dims):
    rng = np.random.default_rng(dims)
    x = rng.normal(size=(2, 3) + (4,) * dims).astype(np.float32)
    grid = rng.uniform(-1.2, 1.2, size=(2,) + (3,) * dims + (dims,)).astype(np.float32)

    def case(lib):
        inp = lib.tensor(x, requires_grad=True)
        g = lib.tensor(grid, requires_grad=True)
        out = lib.nn.functional.grid_sample(inp, g, mode="nearest", align_corners=False)
        (out * lib.tensor(np.linspace(-1, 1, out.numel(), dtype=np.float32)).reshape(
            out.shape)).sum().backward()
        return (out.detach().numpy().round(5).tolist(), inp.grad.numpy().round(5).tolist(),
                g.grad.numpy().tolist())
    same(case)
