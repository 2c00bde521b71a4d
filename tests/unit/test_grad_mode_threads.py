"""Grad mode belongs to a thread, as in torch: ``no_grad``, ``set_grad_enabled``,
``inference_mode`` and the engine's own switch while it runs a backward change the thread
that set them, never another one — a model trained in one thread keeps recording while a
second thread evaluates under ``no_grad``."""
import threading

import pytest

import learntorch

torch = pytest.importorskip("torch")


def _in_thread(fn):
    """``fn()``'s result, run in a new thread (its exception re-raised here)."""
    box = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            box["error"] = error
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _modes(lib):
    return lib.is_grad_enabled(), lib.is_inference_mode_enabled()


@pytest.mark.parametrize("lib", [learntorch, torch], ids=["learntorch", "torch"])
@pytest.mark.parametrize("block", ["no_grad", "inference_mode"])
def test_a_new_thread_starts_with_grad_mode_on(lib, block):
    with getattr(lib, block)():
        inside = _modes(lib)
        assert _in_thread(lambda: _modes(lib)) == (True, False)
    assert inside == (False, block == "inference_mode")


@pytest.mark.parametrize("lib", [learntorch, torch], ids=["learntorch", "torch"])
def test_set_grad_enabled_in_a_thread_leaves_the_others_alone(lib):
    def switch_off():
        lib.set_grad_enabled(False)
        x = lib.ones(2, requires_grad=True)
        return lib.is_grad_enabled(), (x * 2).requires_grad
    assert _in_thread(switch_off) == (False, False)
    assert lib.is_grad_enabled()
    assert (lib.ones(2, requires_grad=True) * 2).requires_grad


def test_forward_records_while_another_thread_runs_backward():
    """The engine turns recording off in its own thread only: a forward in another thread,
    run while a backward waits inside a node, still builds its graph."""
    entered, release = threading.Event(), threading.Event()

    class Wait(learntorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, grad):
            entered.set()
            assert release.wait(10)
            return grad

    x = learntorch.ones(3, requires_grad=True)
    loss = Wait.apply(x).sum()
    worker = threading.Thread(target=loss.backward)
    worker.start()
    try:
        assert entered.wait(10)
        w = learntorch.ones(3, requires_grad=True)
        y = w * 3
        recording = learntorch.is_grad_enabled(), y.requires_grad, y.grad_fn.name()
    finally:
        release.set()
        worker.join()
    assert recording == (True, True, "MulBackward0")
    assert x.grad.tolist() == [1.0, 1.0, 1.0]
    y.sum().backward()
    assert w.grad.tolist() == [3.0, 3.0, 3.0]


def test_no_grad_in_a_thread_leaves_training_in_another_recording():
    """An evaluation thread inside ``no_grad`` while the main thread records a forward."""
    inside, leave = threading.Event(), threading.Event()

    def evaluate():
        with learntorch.no_grad():
            inside.set()
            assert leave.wait(10)
            return learntorch.is_grad_enabled()

    box = {}
    worker = threading.Thread(target=lambda: box.setdefault("mode", evaluate()))
    worker.start()
    try:
        assert inside.wait(10)
        w = learntorch.ones(2, requires_grad=True)
        out = (w * w).sum()
    finally:
        leave.set()
        worker.join()
    assert box["mode"] is False
    assert out.requires_grad and out.grad_fn.name() == "SumBackward0"
