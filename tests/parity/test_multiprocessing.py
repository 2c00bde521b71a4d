"""``learntorch.multiprocessing`` with real child processes: a tensor moved to shared memory
with ``share_memory_()`` and handed to a child (as a Process argument or through a Queue) is
the same memory in both processes, under every start method; other tensors are copies. The
module re-exports Python's multiprocessing and torch's sharing-strategy functions."""
import multiprocessing

import pytest
import torch
import torch.multiprocessing as torch_mp

import learntorch as lt
import learntorch.multiprocessing as lt_mp

from mp_children import TIMEOUT, add_ten, double_what_arrives, fail, fill_slot

METHODS = ["fork", "spawn", "forkserver"]


def _run(ctx, target, *args):
    process = ctx.Process(target=target, args=args)
    process.start()
    return process


@pytest.mark.parametrize("method", METHODS)
def test_a_shared_tensor_passed_to_a_child_is_the_same_memory(method):
    ctx = lt_mp.get_context(method)
    x = lt.arange(6.).reshape(2, 3).t().share_memory_()  # a non-contiguous view
    done = ctx.Queue()
    child = _run(ctx, add_ten, x, done)
    assert done.get(timeout=TIMEOUT) == 75.0
    child.join(TIMEOUT)
    assert child.exitcode == 0
    assert x.tolist() == [[10., 13.], [11., 14.], [12., 15.]]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_shared_tensor_sent_through_a_queue_stays_shared(method):
    ctx = lt_mp.get_context(method)
    inbox, outbox = ctx.Queue(), ctx.Queue()
    child = _run(ctx, double_what_arrives, inbox, outbox)
    y = lt.ones(4)[1:].share_memory_()
    inbox.put(y)
    assert outbox.get(timeout=TIMEOUT) == (True, [2., 2., 2.], "Tensor", False)
    child.join(TIMEOUT)
    assert y.tolist() == [2., 2., 2.]


@pytest.mark.parametrize("method", ["fork"])
def test_shared_parameters_arrive_as_parameters(method):
    ctx = lt_mp.get_context(method)
    inbox, outbox = ctx.Queue(), ctx.Queue()
    child = _run(ctx, double_what_arrives, inbox, outbox)
    p = lt.nn.Parameter(lt.ones(2)).share_memory_()
    inbox.put(p)
    shared, values, kind, requires_grad = outbox.get(timeout=TIMEOUT)
    child.join(TIMEOUT)
    assert (shared, values, kind, requires_grad) == (True, [2., 2.], "Parameter", True)
    assert p.tolist() == [2., 2.]


@pytest.mark.parametrize("method", ["fork"])
def test_an_unshared_tensor_is_copied(method):
    ctx = lt_mp.get_context(method)
    inbox, outbox = ctx.Queue(), ctx.Queue()
    child = _run(ctx, double_what_arrives, inbox, outbox)
    z = lt.ones(3)
    inbox.put(z)
    assert outbox.get(timeout=TIMEOUT) == (False, [2., 2., 2.], "Tensor", False)
    child.join(TIMEOUT)
    assert z.tolist() == [1., 1., 1.] and not z.is_shared()


def test_share_memory_in_both_libraries():
    for lib in (lt, torch):
        t = lib.arange(3.)
        assert not t.is_shared()
        assert t.share_memory_() is t and t.is_shared() and t.tolist() == [0., 1., 2.]
        assert t.share_memory_() is t  # already shared: nothing to do


def test_it_re_exports_multiprocessing():
    for name in ("Process", "Queue", "SimpleQueue", "Pool", "get_context", "cpu_count",
                 "set_start_method", "get_start_method", "Lock", "Event", "Manager"):
        assert getattr(lt_mp, name) is getattr(torch_mp, name) is getattr(multiprocessing, name)
    assert set(torch_mp.__all__) <= set(lt_mp.__all__) | {"ENV_VAR_PARALLEL_START"}


def test_sharing_strategies():
    assert lt_mp.get_sharing_strategy() == torch_mp.get_sharing_strategy() == "file_descriptor"
    assert lt_mp.get_all_sharing_strategies() == torch_mp.get_all_sharing_strategies()
    try:
        lt_mp.set_sharing_strategy("file_system")
        assert lt_mp.get_sharing_strategy() == "file_system"
    finally:
        lt_mp.set_sharing_strategy("file_descriptor")
    for mp in (lt_mp, torch_mp):
        with pytest.raises(AssertionError, match="invalid sharing strategy 'foo', expected one of"):
            mp.set_sharing_strategy("foo")


def test_spawn_runs_fn_in_each_process_and_reports_failures():
    shared = lt.zeros(3).share_memory_()
    assert lt_mp.spawn(fill_slot, args=(shared,), nprocs=3, start_method="fork") is None
    assert shared.tolist() == [1., 2., 3.]
    with pytest.raises(lt_mp.ProcessRaisedException, match="ValueError: rank 0 failed"):
        lt_mp.spawn(fail, nprocs=1, start_method="fork")
    context = lt_mp.start_processes(fill_slot, args=(shared,), nprocs=1, join=False,
                                    start_method="fork")
    while not context.join():
        pass
    assert len(context.pids()) == 1
