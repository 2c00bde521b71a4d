"""learntorch.utils.data against torch.utils.data: the same seed gives the same batches.

Every loader is built twice, once from each library, from the same NumPy data and seed; the
batches (structure, dtypes, values) and the global generator's state afterwards must agree.
"""
import collections
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import learntorch as lt
import learntorch.utils.data as ldata

from helpers import check_raises

LIBS = {"lt": (lt, ldata), "torch": (torch, tdata)}
X = np.random.default_rng(0).standard_normal((23, 3)).astype(np.float32)
Y = np.arange(23) % 4
Point = collections.namedtuple("Point", "x y")


def plain(obj):
    """A batch as nested Python/NumPy values, with the container types kept and dtypes named."""
    if isinstance(obj, (lt.Tensor, torch.Tensor)):
        return ("tensor", str(obj.dtype).split(".")[-1], obj.numpy().tolist())
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return (type(obj).__name__, *map(plain, obj))
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [plain(v) for v in obj])
    return obj


def run_both(build, seed=0, epochs=1):
    """``build(lib, data)`` → a loader, for each library; its batches over ``epochs`` epochs,
    and one number drawn from the global generator afterwards (same state ⇒ same number)."""
    out = []
    for lib, data in LIBS.values():
        lib.manual_seed(seed)
        loader = build(lib, data)
        batches = [plain(b) for _ in range(epochs) for b in loader]
        out.append((batches, lib.rand(1).item()))
    assert out[0] == out[1]
    return out[0][0]


def tensor_dataset(lib, data):
    return data.TensorDataset(lib.tensor(X), lib.tensor(Y))


# -- batches and order ------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 1234])
@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize("batch_size", [1, 5, 23, 64])
def test_tensor_dataset_batches_match_torch(seed, shuffle, drop_last, batch_size):
    batches = run_both(lambda lib, data: data.DataLoader(
        tensor_dataset(lib, data), batch_size=batch_size, shuffle=shuffle,
        drop_last=drop_last), seed=seed, epochs=2)
    expected = (23 // batch_size if drop_last else -(-23 // batch_size)) * 2
    assert len(batches) == expected


@pytest.mark.parametrize("seed", [0, 7])
def test_shuffle_with_explicit_generator_leaves_global_generator_alone(seed):
    def build(lib, data):
        g = lib.Generator().manual_seed(seed)
        return data.DataLoader(tensor_dataset(lib, data), batch_size=4, shuffle=True,
                               generator=g)
    run_both(build, seed=99, epochs=3)


class Squares:
    """A map-style dataset without __getitems__: per-sample indexing and collate."""

    def __init__(self, lib, n=17):
        self.lib, self.n = lib, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": self.lib.tensor([i, i * i], dtype=self.lib.float32), "y": i,
                "name": f"s{i}", "np": np.full(2, i, dtype=np.int16)}


@pytest.mark.parametrize("shuffle", [False, True])
def test_per_sample_dataset_of_dicts(shuffle):
    run_both(lambda lib, data: data.DataLoader(Squares(lib), batch_size=4, shuffle=shuffle),
             seed=3, epochs=2)


def test_batch_size_none_converts_without_batching():
    batches = run_both(lambda lib, data: data.DataLoader(Squares(lib, 5), batch_size=None,
                                                         shuffle=True), seed=2)
    assert len(batches) == 5


def test_custom_collate_fn_sees_samples_of_tensor_dataset():
    def collate(samples):
        return [len(samples), [int(y) for _, y in samples], samples[0][0].shape[0]]
    run_both(lambda lib, data: data.DataLoader(tensor_dataset(lib, data), batch_size=6,
                                               shuffle=True, collate_fn=collate), seed=5)


# -- samplers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("num_samples", [None, 7, 40, 75])
@pytest.mark.parametrize("replacement", [False, True])
def test_random_sampler(replacement, num_samples):
    def build(lib, data):
        if not replacement and num_samples is not None and num_samples > 23:
            return list(data.RandomSampler(range(23), num_samples=num_samples))
        return list(data.RandomSampler(range(23), replacement=replacement,
                                       num_samples=num_samples))
    run_both(build, seed=11, epochs=1)


def test_random_sampler_with_generator_inside_a_loader():
    def build(lib, data):
        sampler = data.RandomSampler(range(23), replacement=True, num_samples=50,
                                     generator=lib.Generator().manual_seed(4))
        return data.DataLoader(tensor_dataset(lib, data), sampler=sampler, batch_size=8)
    run_both(build, seed=1, epochs=2)


def test_subset_random_and_weighted_samplers():
    weights = [0.1, 2.0, 0.5, 0.0, 3.0, 1.0]
    for replacement in (True, False):
        run_both(lambda lib, data: [list(data.SubsetRandomSampler([3, 9, 4, 12, 20])),
                                    list(data.WeightedRandomSampler(weights, 5, replacement))],
                 seed=8, epochs=1)
    run_both(lambda lib, data: data.DataLoader(
        tensor_dataset(lib, data), batch_size=4,
        sampler=data.WeightedRandomSampler(list(range(1, 24)), 30)), seed=2, epochs=2)


@pytest.mark.parametrize("drop_last", [False, True])
def test_batch_sampler_and_its_length(drop_last):
    for lib, data in LIBS.values():
        bs = data.BatchSampler(data.SequentialSampler(range(10)), 3, drop_last)
        assert list(bs) == ([[0, 1, 2], [3, 4, 5], [6, 7, 8]] + ([] if drop_last else [[9]]))
        assert len(bs) == (3 if drop_last else 4)
    run_both(lambda lib, data: data.DataLoader(
        tensor_dataset(lib, data),
        batch_sampler=data.BatchSampler(data.RandomSampler(range(23)), 5, drop_last)), seed=6)


@pytest.mark.parametrize("n, replicas, drop_last", [(10, 3, False), (10, 3, True), (4, 3, False),
                                                    (2, 5, False), (12, 4, True)])
@pytest.mark.parametrize("shuffle", [False, True])
def test_distributed_sampler_shards(n, replicas, drop_last, shuffle):
    def build(lib, data):
        out = []
        for rank in range(replicas):
            s = data.distributed.DistributedSampler(range(n), replicas, rank, shuffle=shuffle,
                                                    seed=3, drop_last=drop_last)
            out.append([len(s), list(s)])
            s.set_epoch(1)
            out.append(list(s))
        return out
    run_both(build)


def test_loader_lengths():
    for lib, data in LIBS.values():
        ds = tensor_dataset(lib, data)
        assert len(data.DataLoader(ds, batch_size=5)) == 5
        assert len(data.DataLoader(ds, batch_size=5, drop_last=True)) == 4
        assert len(data.DataLoader(ds, batch_size=None)) == 23


# -- datasets and random_split ----------------------------------------------------------------
@pytest.mark.parametrize("lengths", [[3, 20], [0.3, 0.7], [0.25, 0.25, 0.5], [23], [0.5, 0.5]])
def test_random_split_matches_torch(lengths):
    def build(lib, data):
        default = [list(s.indices) for s in data.random_split(range(23), lengths)]
        seeded = data.random_split(range(23), lengths, generator=lib.Generator().manual_seed(42))
        return default, [list(s) for s in seeded]
    run_both(build, seed=9)


def test_dataset_combinators():
    def build(lib, data):
        a, b = tensor_dataset(lib, data), data.TensorDataset(lib.ones(5, 3), lib.arange(5))
        concat = a + b
        stack_t = data.StackDataset(a, data.TensorDataset(lib.tensor(Y)))
        stack_d = data.StackDataset(x=a, y=range(23))
        subset = data.Subset(a, [5, 0, 22])
        return [len(concat), concat[22], concat[23], concat[-1], concat.cumulative_sizes,
                stack_t[3], stack_d[4], len(stack_d), subset[1], len(subset),
                list(subset.__getitems__([0, 2])),
                list(data.DataLoader(concat, batch_size=10, shuffle=True)),
                list(data.DataLoader(subset, batch_size=2))]
    out = run_both(build, seed=4)
    assert out[0] == 28


class CountBody:
    """range(start, stop), sharded by worker when there are workers (the docs' recipe)."""

    def __init__(self, data, start, stop):
        self.info, self.start, self.stop = data.get_worker_info, start, stop

    def __iter__(self):
        info = self.info()
        if info is None:
            return iter(range(self.start, self.stop))
        per = -(-(self.stop - self.start) // info.num_workers)
        lo = self.start + info.id * per
        return iter(range(lo, min(lo + per, self.stop)))

    def __len__(self):
        return self.stop - self.start


class LtCount(CountBody, ldata.IterableDataset):
    pass


class TorchCount(CountBody, tdata.IterableDataset):
    pass


def count(data, start, stop):
    return (LtCount if data is ldata else TorchCount)(data, start, stop)


@pytest.mark.parametrize("batch_size, drop_last", [(None, False), (1, False), (4, False),
                                                    (4, True)])
def test_iterable_dataset(batch_size, drop_last):
    def build(lib, data):
        ds = count(data, 3, 13)
        chained = data.ChainDataset([ds, count(data, 0, 2)])
        loader = data.DataLoader(ds, batch_size=batch_size, drop_last=drop_last)
        return [len(loader), list(loader), list(data.DataLoader(chained, batch_size=3)),
                len(chained)]
    run_both(build)


# -- collate ------------------------------------------------------------------------------------
COLLATE_CASES = {
    "ints": lambda lib: [1, 2, 3],
    "floats": lambda lib: [1.5, 2.0],
    "bools": lambda lib: [True, False],
    "strings": lambda lib: ["a", "bc"],
    "tensors": lambda lib: [lib.tensor([1, 2]), lib.tensor([3, 4])],
    "0-d tensors": lambda lib: [lib.tensor(1.5), lib.tensor(2.5)],
    "numpy arrays": lambda lib: [np.ones((2, 2), np.float32), np.zeros((2, 2), np.float32)],
    "numpy scalars": lambda lib: [np.float64(1.5), np.int32(3)],
    "tuples": lambda lib: [(1, "a", 2.0), (2, "b", 3.0)],
    "lists": lambda lib: [[1, 2], [3, 4]],
    "dicts": lambda lib: [{"a": 1, "b": [lib.tensor(1.0)]}, {"a": 2, "b": [lib.tensor(2.0)]}],
    "namedtuples": lambda lib: [Point(1, lib.tensor([1.0])), Point(2, lib.tensor([2.0]))],
    "nested": lambda lib: [{"p": Point((1, 2), {"z": np.int64(3)})},
                           {"p": Point((3, 4), {"z": np.int64(5)})}],
    "ordered dict": lambda lib: [collections.OrderedDict(b=1, a=2)] * 2,
}


@pytest.mark.parametrize("case", list(COLLATE_CASES))
def test_default_collate_and_convert(case):
    run_both(lambda lib, data: [data.default_collate(COLLATE_CASES[case](lib)),
                                data.default_convert(COLLATE_CASES[case](lib))])


def test_collate_errors():
    check_raises(lambda: ldata.default_collate([lt.zeros(3), lt.zeros(4)]),
                 lambda: tdata.default_collate([torch.zeros(3), torch.zeros(4)]))
    check_raises(lambda: ldata.default_collate([object()]),
                 lambda: tdata.default_collate([object()]), exact_message=False)
    check_raises(lambda: ldata.default_collate([[1, 2], [3]]),
                 lambda: tdata.default_collate([[1, 2], [3]]))
    check_raises(lambda: ldata.default_collate([np.array(["a"]), np.array(["b"])]),
                 lambda: tdata.default_collate([np.array(["a"]), np.array(["b"])]))


# -- bad arguments ------------------------------------------------------------------------------
BAD_LOADERS = {
    "batch_size=0": lambda lib, data, ds: data.DataLoader(ds, batch_size=0),
    "shuffle with sampler": lambda lib, data, ds: data.DataLoader(
        ds, shuffle=True, sampler=data.SequentialSampler(ds)),
    "batch_sampler with batch_size": lambda lib, data, ds: data.DataLoader(
        ds, batch_size=2, batch_sampler=[[0]]),
    "batch_sampler with drop_last": lambda lib, data, ds: data.DataLoader(
        ds, drop_last=True, batch_sampler=[[0]]),
    "batch_size=None with drop_last": lambda lib, data, ds: data.DataLoader(
        ds, batch_size=None, drop_last=True),
    "negative workers": lambda lib, data, ds: data.DataLoader(ds, num_workers=-1),
    "negative timeout": lambda lib, data, ds: data.DataLoader(ds, timeout=-1),
    "prefetch without workers": lambda lib, data, ds: data.DataLoader(ds, prefetch_factor=2),
    "persistent without workers": lambda lib, data, ds: data.DataLoader(
        ds, persistent_workers=True),
    "iterable with shuffle": lambda lib, data, ds: data.DataLoader(
        count(data, 0, 3), shuffle=True),
    "num_samples=0": lambda lib, data, ds: data.RandomSampler(ds, num_samples=0),
    "replacement not bool": lambda lib, data, ds: data.RandomSampler(ds, replacement=1),
    "2-d weights": lambda lib, data, ds: data.WeightedRandomSampler([[1.0]], 1),
    "lengths don't sum": lambda lib, data, ds: data.random_split(range(5), [2, 2]),
    "fraction above one": lambda lib, data, ds: data.random_split(range(5), [1.5, -0.5]),
    "tensors of different lengths": lambda lib, data, ds: data.TensorDataset(
        lib.zeros(3), lib.zeros(4)),
    "rank out of range": lambda lib, data, ds: data.DistributedSampler(ds, 2, 2),
    "set batch_size later": lambda lib, data, ds: setattr(data.DataLoader(ds), "batch_size", 3),
}


@pytest.mark.parametrize("case", list(BAD_LOADERS))
def test_bad_arguments_raise_torchs_errors(case):
    build = BAD_LOADERS[case]
    check_raises(lambda: build(lt, ldata, tensor_dataset(lt, ldata)),
                 lambda: build(torch, tdata, tensor_dataset(torch, tdata)))


def test_iterable_length_warning():
    for lib, data in LIBS.values():
        class Liar(data.IterableDataset):
            def __iter__(self):
                return iter(range(5))

            def __len__(self):
                return 3
        loader = data.DataLoader(Liar(), batch_size=None)
        len(loader)
        with pytest.warns(UserWarning, match="was reported to be 3"):
            list(loader)


# -- worker processes ---------------------------------------------------------------------------
class Noisy:
    """Each sample draws from the worker's global generator: workers must be seeded like torch."""

    def __init__(self, libname, n=20):
        self.libname, self.n = libname, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        lib = LIBS[self.libname][0]
        info = LIBS[self.libname][1].get_worker_info()
        return lib.rand(2), i, -1 if info is None else info.id, float(np.random.rand())


class Fails:
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise KeyError(f"no sample {i}")
        return i


class Slow:
    def __len__(self):
        return 4

    def __getitem__(self, i):
        time.sleep(5)
        return i


class Dies:
    def __len__(self):
        return 4

    def __getitem__(self, i):
        os.kill(os.getpid(), signal.SIGKILL)


def record_init(worker_id):
    info = ldata.get_worker_info()
    assert info.id == worker_id
    info.dataset.started_by = worker_id


class Started:
    started_by = None

    def __len__(self):
        return 4

    def __getitem__(self, i):
        return self.started_by


START_METHODS = ["fork", "spawn"]


@pytest.mark.parametrize("ctx", START_METHODS)
def test_workers_give_torchs_batches_and_seeds(ctx):
    names = iter(LIBS)

    def build(lib, data):
        return data.DataLoader(Noisy(next(names)), batch_size=3, shuffle=True, num_workers=2,
                               multiprocessing_context=ctx, timeout=60)
    batches = run_both(build, seed=21)
    assert {b[1][2][2][0] for b in batches} == {0, 1}  # both workers took part
    # and the same batches as without workers (the sampler runs in the main process)
    lt.manual_seed(21)
    inline = [plain(b)[1][1] for b in ldata.DataLoader(Noisy("lt"), batch_size=3, shuffle=True)]
    assert [b[1][1] for b in batches] == inline


@pytest.mark.parametrize("ctx", START_METHODS)
def test_iterable_dataset_sharded_by_worker_info(ctx):
    def build(lib, data):
        return data.DataLoader(count(data, 0, 11), batch_size=2, num_workers=2,
                               multiprocessing_context=ctx, timeout=60)
    batches = run_both(build)
    assert sorted(v for b in batches for v in b[2]) == list(range(11))


@pytest.mark.parametrize("ctx", START_METHODS)
def test_worker_exception_names_worker_and_keeps_traceback(ctx):
    loader = ldata.DataLoader(Fails(), batch_size=2, num_workers=2, multiprocessing_context=ctx,
                              timeout=60)
    it = iter(loader)
    with pytest.raises(KeyError) as info:
        list(it)
    text = str(info.value)
    assert "Caught KeyError in DataLoader worker process 0" in text
    assert "Traceback (most recent call last)" in text and "no sample 5" in text
    for w in it._workers:  # and the workers are gone
        w.join(5)
        assert not w.is_alive()


@pytest.mark.parametrize("ctx", START_METHODS)
def test_worker_init_fn_persistent_workers_and_prefetch(ctx):
    loader = ldata.DataLoader(Started(), batch_size=1, num_workers=2, worker_init_fn=record_init,
                              persistent_workers=True, prefetch_factor=1,
                              multiprocessing_context=ctx, timeout=60)
    first = [int(b) for b in loader]
    assert first == [0, 1, 0, 1]
    workers = list(loader._iterator._workers)
    assert [int(b) for b in loader] == first
    assert loader._iterator._workers == workers and all(w.is_alive() for w in workers)
    del loader
    for w in workers:
        w.join(5)
        assert not w.is_alive()


def test_in_order_false_yields_every_batch():
    loader = ldata.DataLoader(Noisy("lt", 12), batch_size=2, num_workers=2, in_order=False,
                              multiprocessing_context="fork", timeout=60)
    assert sorted(int(i) for b in loader for i in b[1]) == list(range(12))


def test_timeout_raises():
    loader = ldata.DataLoader(Slow(), num_workers=1, timeout=0.3, multiprocessing_context="fork")
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.3 seconds"):
        next(iter(loader))


def test_killed_worker_raises_instead_of_hanging():
    loader = ldata.DataLoader(Dies(), num_workers=2, multiprocessing_context="fork")
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) .*\) exited "
                                           r"unexpectedly"):
        list(loader)


def test_break_and_garbage_collection_stop_the_workers():
    loader = ldata.DataLoader(Noisy("lt", 40), batch_size=2, num_workers=2,
                              multiprocessing_context="fork")
    it = iter(loader)
    next(it)
    workers = list(it._workers)
    assert all(w.is_alive() for w in workers)
    del it
    for w in workers:
        w.join(5)
        assert not w.is_alive()


NOTEBOOK_CELL = textwrap.dedent("""
    import learntorch as torch
    from learntorch.utils.data import DataLoader, Dataset

    class Cell(Dataset):      # defined in __main__, as in a notebook cell
        def __len__(self):
            return 6
        def __getitem__(self, i):
            return i * 10

    loader = DataLoader(Cell(), batch_size=2, num_workers=2, multiprocessing_context={ctx!r})
    try:
        print([b.tolist() for b in loader])
    except RuntimeError as e:
        print("RuntimeError:", e)
""")


@pytest.mark.parametrize("ctx", ["fork", "spawn", "forkserver"])
def test_notebook_defined_dataset_works_or_fails_at_once(ctx):
    """``python -c`` has a __main__ without a file, like a Jupyter kernel."""
    out = subprocess.run([sys.executable, "-c", NOTEBOOK_CELL.format(ctx=ctx)],
                         capture_output=True, text=True, timeout=60)
    if ctx == "fork":
        assert out.stdout.strip() == "[[0, 10], [20, 30], [40, 50]]", out.stderr
    else:
        assert out.stdout.startswith("RuntimeError: DataLoader workers start with"), out.stderr
        assert "Cell is defined in __main__" in out.stdout
        assert "Move it into a .py file" in out.stdout


def test_a_script_read_from_stdin_fails_at_once_under_spawn():
    """``python -`` names its __main__ "<stdin>", a file a spawned worker cannot run."""
    out = subprocess.run([sys.executable, "-"], input=NOTEBOOK_CELL.format(ctx="spawn"),
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.startswith("RuntimeError: DataLoader workers start with 'spawn'"), out.stderr
    assert "FileNotFoundError" not in out.stderr


def test_exit_with_live_iterator_leaves_no_process():
    code = textwrap.dedent("""
        import os, learntorch as torch
        from learntorch.utils.data import DataLoader, TensorDataset
        it = iter(DataLoader(TensorDataset(torch.arange(100)), num_workers=2,
                             multiprocessing_context="fork"))
        next(it)
        print(" ".join(str(w.pid) for w in it._workers))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) == 2, out.stderr
    time.sleep(0.2)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_pin_memory_is_accepted():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_both(lambda lib, data: data.DataLoader(tensor_dataset(lib, data), batch_size=8,
                                                   pin_memory=True))


def test_notebook_cell_dataset_in_a_real_jupyter_kernel():
    """The same cell in an ipykernel (whose __main__ has no file): fork works, spawn and
    forkserver fail at once with the advice, none hangs."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    cell = "\n".join(NOTEBOOK_CELL.format(ctx=ctx) for ctx in ("fork", "spawn", "forkserver"))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    lines = "".join(o.get("text", "") for o in nb.cells[0].outputs).splitlines()
    assert lines[0] == "[[0, 10], [20, 30], [40, 50]]"
    assert lines[1].startswith("RuntimeError: DataLoader workers start with 'spawn'")
    assert lines[2].startswith("RuntimeError: DataLoader workers start with 'forkserver'")


GENERIC_NAMES = ["Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset",
                 "ChainDataset", "Subset", "Sampler", "SequentialSampler", "RandomSampler",
                 "SubsetRandomSampler", "WeightedRandomSampler", "BatchSampler",
                 "DistributedSampler", "DataLoader"]


@pytest.mark.parametrize("name", GENERIC_NAMES)
def test_the_same_classes_are_generic_as_in_torch(name):
    """Typed code subclasses ``Dataset[tuple[Tensor, int]]`` and ``Sampler[int]``."""
    def subscript(cls):
        try:
            cls[int]
            return "generic"
        except TypeError as e:
            return type(e)
    assert subscript(getattr(lt.utils.data, name)) == subscript(getattr(tdata, name))


def test_a_typed_sampler_subclass_feeds_a_loader_and_sampler_takes_no_arguments():
    for data in (lt.utils.data, tdata):
        class EveryOther(data.Sampler[int]):
            def __init__(self, n):
                self.n = n

            def __iter__(self):
                return iter(range(0, self.n, 2))

            def __len__(self):
                return (self.n + 1) // 2

        class Squares(data.Dataset[int]):
            def __getitem__(self, i):
                return i * i

            def __len__(self):
                return 7

        batches = [b.tolist() for b in data.DataLoader(Squares(), sampler=EveryOther(7),
                                                       batch_size=2)]
        assert batches == [[0, 4], [16, 36]]
        with pytest.raises(TypeError, match="Sampler\\(\\) takes no arguments"):
            data.Sampler([1, 2])
