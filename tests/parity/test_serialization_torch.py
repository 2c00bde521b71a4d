"""save/load against torch 2.13, both ways: learntorch writes torch's file format, reads it,
and follows torch.load's rules for what a file may make the unpickler do.

Each test writes a checkpoint with one library and reads it with the other (or compares the
two libraries' answers on the very same bytes).
"""
import collections
import io
import json
import os
import pathlib
import pickle
import zipfile

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
from helpers import ALL_DTYPES, arrays, shapes

DTYPES = ("float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool")


def to_bytes(save, obj, **kwargs):
    buffer = io.BytesIO()
    save(obj, buffer, **kwargs)
    return buffer.getvalue()


def lt_roundtrip_through_torch(obj, **load_kwargs):
    """learntorch.save, then torch.load (weights_only=True unless told otherwise)."""
    return torch.load(io.BytesIO(to_bytes(lt.save, obj)), **load_kwargs)


def torch_roundtrip_through_lt(obj, **load_kwargs):
    """torch.save, then learntorch.load."""
    return lt.load(io.BytesIO(to_bytes(torch.save, obj)), **load_kwargs)


def assert_same_tensor(ours, theirs):
    """A learntorch and a torch tensor agree in dtype, shape, values and requires_grad."""
    assert str(ours.dtype) == str(theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.requires_grad == theirs.requires_grad
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())


def sample(dtype, shape):
    values = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) - 3
    return values.astype(dtype) if dtype != "bool" else values > 0


# -- tensors of every dtype, both ways -------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 3), (2, 0, 3), (2, 3, 4)])
def test_learntorch_tensor_loads_in_torch(dtype, shape):
    ours = lt.tensor(sample(dtype, shape))
    theirs = lt_roundtrip_through_torch(ours)
    assert type(theirs) is torch.Tensor
    assert_same_tensor(ours, theirs)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 3), (2, 0, 3), (2, 3, 4)])
def test_torch_tensor_loads_in_learntorch(dtype, shape):
    theirs = torch.tensor(sample(dtype, shape))
    ours = torch_roundtrip_through_lt(theirs)
    assert type(ours) is lt.Tensor
    assert_same_tensor(ours, theirs)


@settings(max_examples=30)
@given(st.data())
def test_random_tensors_round_trip_both_ways(data):
    dtype = data.draw(st.sampled_from(ALL_DTYPES))
    values = data.draw(arrays(dtype, data.draw(shapes(max_dims=3))))
    assert_same_tensor(torch_roundtrip_through_lt(torch.from_numpy(values.copy())),
                       torch.from_numpy(values))
    assert_same_tensor(lt.tensor(values), lt_roundtrip_through_torch(lt.tensor(values)))


def test_learntorch_writes_the_records_torch_writes():
    """Same state dict, same archive: record names, data.pkl opcodes and storage bytes."""
    def state(lib):
        w = lib.arange(12.).reshape(3, 4)
        sd = collections.OrderedDict(w=w, wt=w.t(), row=w[1], b=lib.tensor([1, 2], dtype=lib.int16),
                                     p=lib.nn.Parameter(lib.ones(2)), n=3, d=lib.float64,
                                     s=lib.Size([2, 3]), raw=b"\x00\xff")
        sd._metadata = collections.OrderedDict([("", {"version": 1})])
        return sd

    ours = zipfile.ZipFile(io.BytesIO(to_bytes(lt.save, state(lt))))
    theirs = zipfile.ZipFile(io.BytesIO(to_bytes(torch.save, state(torch))))
    assert ours.namelist() == theirs.namelist()
    for name in theirs.namelist():
        if not name.endswith("serialization_id"):
            assert ours.read(name) == theirs.read(name), name


def test_records_are_aligned_to_64_bytes_like_torch():
    raw = to_bytes(lt.save, {"a": lt.ones(3), "b": lt.zeros(7, dtype=lt.int8)})
    archive = zipfile.ZipFile(io.BytesIO(raw))
    for info in archive.infolist():
        name_length, extra_length = np.frombuffer(raw[info.header_offset + 26:
                                                      info.header_offset + 30], "<u2")
        assert (info.header_offset + 30 + name_length + extra_length) % 64 == 0, info.filename


def rewrite_records(raw, change):
    """A copy of the archive ``raw`` with each record's bytes passed through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    return zip_with({name: change(name, source.read(name)) for name in source.namelist()})


def test_big_endian_checkpoint_is_byte_swapped_like_torch():
    raw = to_bytes(torch.save, {"f": torch.arange(4.) - 1.5, "i": torch.tensor([1, -2, 300]),
                                "h": torch.tensor([0.5, -2.0], dtype=torch.float16)})
    types = {"archive/data/0": "f4", "archive/data/1": "i8", "archive/data/2": "f2"}

    def to_big_endian(name, data):
        if name.endswith("byteorder"):
            return b"big"
        return np.frombuffer(data, "<" + types[name]).astype(">" + types[name]).tobytes() \
            if name in types else data

    big = rewrite_records(raw, to_big_endian)
    assert_same_nested(lt.load(io.BytesIO(big)), torch.load(io.BytesIO(big)))


def test_save_to_a_stream_that_cannot_seek():
    class Stream:  # a pipe or a socket: it can only be written to
        def __init__(self):
            self.chunks = []

        def write(self, data):
            self.chunks.append(bytes(data))
            return len(data)

        def flush(self):
            pass

    stream = Stream()
    lt.save({"w": lt.arange(5.), "n": 1}, stream)
    loaded = torch.load(io.BytesIO(b"".join(stream.chunks)))
    assert loaded["w"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0] and loaded["n"] == 1


def test_other_pickle_protocols_load_fully_but_not_weights_only_as_in_torch():
    raw = to_bytes(lt.save, {"w": lt.ones(2), "d": lt.int8}, pickle_protocol=4)
    theirs = torch.load(io.BytesIO(raw), weights_only=False)
    assert theirs["w"].tolist() == [1.0, 1.0] and theirs["d"] is torch.int8
    with pytest.warns(UserWarning, match="Detected pickle protocol 4"):
        assert refusal(lt.load, raw) == refusal(torch.load, raw)


def test_a_corrupted_storage_record_is_reported_not_loaded():
    """Deliberately stricter than torch, which loads the damaged values without a word."""
    raw = bytearray(to_bytes(torch.save, {"a": torch.arange(4.)}))
    archive = zipfile.ZipFile(io.BytesIO(bytes(raw)))
    info = archive.getinfo("archive/data/0")
    name_length, extra_length = np.frombuffer(raw[info.header_offset + 26:
                                                  info.header_offset + 30], "<u2")
    raw[info.header_offset + 30 + name_length + extra_length] ^= 0xFF
    with pytest.raises(RuntimeError, match="record data/0 is corrupt"):
        lt.load(io.BytesIO(bytes(raw)))


# -- views and shared storage -------------------------------------------------------------------
VIEWS = {
    "transpose": lambda x: x.t(),
    "row": lambda x: x[1],
    "column": lambda x: x[:, 2],
    "step": lambda x: x[:, ::2],
    "expand": lambda x: x[0:1].expand(3, 4),
    "narrow": lambda x: x.narrow(1, 1, 2),
}


@pytest.mark.parametrize("view", VIEWS)
def test_views_keep_offset_stride_and_whole_storage_in_torch(view):
    ours = VIEWS[view](lt.arange(12.).reshape(3, 4))
    expected = VIEWS[view](torch.arange(12.).reshape(3, 4))
    theirs = lt_roundtrip_through_torch(ours)
    assert theirs.stride() == expected.stride()
    assert theirs.storage_offset() == expected.storage_offset()
    assert theirs.untyped_storage().nbytes() == expected.untyped_storage().nbytes()
    assert_same_tensor(ours, theirs)


@pytest.mark.parametrize("view", VIEWS)
def test_torch_views_load_as_learntorch_views(view):
    theirs = VIEWS[view](torch.arange(12.).reshape(3, 4))
    ours = torch_roundtrip_through_lt(theirs)
    assert ours.stride() == theirs.stride()
    assert ours.storage_offset() == theirs.storage_offset()
    assert_same_tensor(ours, theirs)


def test_two_views_of_one_tensor_share_one_storage_in_torch():
    base = lt.arange(6.).reshape(2, 3)
    raw = to_bytes(lt.save, {"t": base.t(), "row": base[1]})
    records = [n for n in zipfile.ZipFile(io.BytesIO(raw)).namelist() if "/data/" in n]
    assert records == ["archive/data/0"]
    loaded = torch.load(io.BytesIO(raw))
    assert loaded["t"].untyped_storage().data_ptr() == loaded["row"].untyped_storage().data_ptr()
    loaded["row"][0] = 100.0
    assert loaded["t"][0, 1].item() == 100.0


def test_two_views_of_one_torch_tensor_share_memory_after_learntorch_load():
    base = torch.arange(6.).reshape(2, 3)
    loaded = torch_roundtrip_through_lt({"t": base.t(), "row": base[1], "base": base})
    loaded["row"][0] = 100.0
    assert loaded["t"][0, 1].item() == 100.0 and loaded["base"][1, 0].item() == 100.0
    again = lt.load(io.BytesIO(to_bytes(lt.save, loaded)))  # and learntorch keeps it so
    again["base"][0, 0] = -1.0
    assert again["t"][0, 0].item() == -1.0


def test_the_same_tensor_twice_is_one_object_after_load():
    t = torch.ones(2)
    ours = torch_roundtrip_through_lt([t, t])
    assert ours[0] is ours[1]
    x = lt.ones(2)
    theirs = lt_roundtrip_through_torch([x, x])
    assert theirs[0] is theirs[1]


# -- autograd flags and Parameters --------------------------------------------------------------
def test_requires_grad_survives_both_ways():
    theirs = lt_roundtrip_through_torch(lt.ones(2, requires_grad=True))
    assert theirs.requires_grad and theirs.is_leaf
    ours = torch_roundtrip_through_lt(torch.ones(2, requires_grad=True))
    assert ours.requires_grad and ours.is_leaf


def test_parameters_become_parameters_both_ways():
    theirs = lt_roundtrip_through_torch({"w": lt.nn.Parameter(lt.ones(2, 3)),
                                         "frozen": lt.nn.Parameter(lt.zeros(1), False)})
    assert type(theirs["w"]) is torch.nn.Parameter and theirs["w"].requires_grad
    assert type(theirs["frozen"]) is torch.nn.Parameter and not theirs["frozen"].requires_grad
    ours = torch_roundtrip_through_lt({"w": torch.nn.Parameter(torch.ones(2, 3)),
                                       "frozen": torch.nn.Parameter(torch.zeros(1), False)})
    assert type(ours["w"]) is lt.nn.Parameter and ours["w"].requires_grad
    assert type(ours["frozen"]) is lt.nn.Parameter and not ours["frozen"].requires_grad
    assert_same_tensor(ours["w"], theirs["w"])


def test_python_attributes_on_tensors_and_parameters_survive_both_ways():
    x, p = lt.ones(2), lt.nn.Parameter(lt.ones(1))
    x.note, p.note = "x", "p"
    theirs = lt_roundtrip_through_torch([x, p])
    assert theirs[0].note == "x" and type(theirs[0]) is torch.Tensor
    assert theirs[1].note == "p" and type(theirs[1]) is torch.nn.Parameter
    t, q = torch.ones(2), torch.nn.Parameter(torch.ones(1))
    t.note, q.note = "t", "q"
    ours = torch_roundtrip_through_lt([t, q])
    assert ours[0].note == "t" and type(ours[0]) is lt.Tensor
    assert ours[1].note == "q" and type(ours[1]) is lt.nn.Parameter


@pytest.mark.parametrize("name", ["_array", "_grad_fn", "_hooks", "requires_grad", "__class__"])
def test_a_file_cannot_overwrite_learntorchs_own_tensor_attributes(name):
    t = torch.ones(2)
    t.__dict__[name] = 5  # torch keeps it as a Python attribute and saves it as such
    with pytest.raises(RuntimeError, match=f"'{name}' is one of learntorch's own tensor"):
        torch_roundtrip_through_lt(t)


# -- containers and plain values ----------------------------------------------------------------
def nested(lib):
    return {"tensors": [lib.ones(2), (lib.zeros(1, dtype=lib.int64), None)],
            "numbers": (1, 2.5, -3, 2 ** 70, True, complex(1, 2)),
            "text": {"name": "ünïcode", "raw": b"\x00\x01", "buf": bytearray(b"ab")},
            "set": {1, 2, 3}, "nested": {"deeper": {"deepest": [lib.arange(3)]}},
            "dtype": lib.float16, "device": lib.device("cpu"), "size": lib.Size([1, 2])}


def assert_same_nested(ours, theirs):
    if isinstance(theirs, torch.Tensor):
        assert_same_tensor(ours, theirs)
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and list(ours) == list(theirs)
        for key in theirs:
            assert_same_nested(ours[key], theirs[key])
    elif isinstance(theirs, (list, tuple)) and not isinstance(theirs, torch.Size):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same_nested(a, b)
    else:
        assert str(ours) == str(theirs) and type(ours).__name__ == type(theirs).__name__


def test_nested_containers_and_values_learntorch_to_torch():
    assert_same_nested(nested(lt), lt_roundtrip_through_torch(nested(lt)))


def test_nested_containers_and_values_torch_to_learntorch():
    assert_same_nested(torch_roundtrip_through_lt(nested(torch)), nested(torch))


def test_ordered_dict_state_dict_keeps_metadata_both_ways():
    sd = collections.OrderedDict([("layer.weight", lt.ones(2, 2)), ("layer.bias", lt.zeros(2))])
    sd._metadata = collections.OrderedDict([("", {"version": 1}), ("layer", {"version": 1})])
    theirs = lt_roundtrip_through_torch(sd)
    assert type(theirs) is collections.OrderedDict and list(theirs) == list(sd)
    assert theirs._metadata == sd._metadata
    ours = torch_roundtrip_through_lt(theirs)
    assert type(ours) is collections.OrderedDict and ours._metadata == sd._metadata


def test_numpy_array_is_saved_but_refused_by_weights_only_as_in_torch():
    raw = to_bytes(lt.save, {"a": np.arange(3)})
    message = refusal(torch.load, raw)
    with pytest.raises(pickle.UnpicklingError) as ours:
        lt.load(io.BytesIO(raw))
    assert str(ours.value) == message
    np.testing.assert_array_equal(lt.load(io.BytesIO(raw), weights_only=False)["a"], np.arange(3))


# -- modules -------------------------------------------------------------------------------------
def test_torch_linear_state_dict_loads_into_learntorch_linear():
    torch.manual_seed(0)
    theirs = torch.nn.Linear(4, 3)
    ours = lt.nn.Linear(4, 3)
    result = ours.load_state_dict(torch_roundtrip_through_lt(theirs.state_dict()))
    assert list(result.missing_keys) == [] and list(result.unexpected_keys) == []
    x = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(lt.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-6, atol=1e-6)


def test_learntorch_linear_state_dict_loads_into_torch_linear():
    ours = lt.nn.Linear(4, 3)
    theirs = torch.nn.Linear(4, 3)
    theirs.load_state_dict(lt_roundtrip_through_torch(ours.state_dict()))
    np.testing.assert_array_equal(theirs.weight.detach().numpy(), ours.weight.detach().numpy())
    np.testing.assert_array_equal(theirs.bias.detach().numpy(), ours.bias.detach().numpy())


def test_whole_learntorch_model_saves_and_loads_with_weights_only_false():
    model = lt.nn.Sequential(lt.nn.Linear(3, 4), lt.nn.BatchNorm1d(4), lt.nn.Dropout(0.5),
                             lt.nn.Linear(4, 1))
    model(lt.randn(8, 3))  # running statistics move away from their initial values
    model.eval()
    raw = to_bytes(lt.save, model)
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL learntorch"):
        lt.load(io.BytesIO(raw))
    loaded = lt.load(io.BytesIO(raw), weights_only=False)
    assert type(loaded) is lt.nn.Sequential and repr(loaded) == repr(model)
    x = lt.randn(5, 3)
    np.testing.assert_array_equal(loaded(x).detach().numpy(), model(x).detach().numpy())
    assert all(type(p) is lt.nn.Parameter for p in loaded.parameters())
    assert not loaded.training and loaded[1].num_batches_tracked.item() == 1


def test_whole_torch_model_loads_as_learntorch_modules_with_weights_only_false():
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    theirs(torch.randn(8, 3))
    theirs.eval()
    ours = torch_roundtrip_through_lt(theirs, weights_only=False)
    assert type(ours) is lt.nn.Sequential and repr(ours) == repr(theirs)
    x = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(ours(lt.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


# -- files: paths, pathlib, file objects, buffers -------------------------------------------
@pytest.mark.parametrize("kind", ["str", "pathlib", "file object", "BytesIO"])
def test_every_kind_of_file_both_ways(tmp_path, kind):
    def target(name, mode):
        path = tmp_path / name
        if kind == "str":
            return str(path)
        if kind == "pathlib":
            return path
        return open(path, mode) if kind == "file object" else buffers.setdefault(name, io.BytesIO())

    def done(f):
        if kind == "file object":
            f.close()
        elif kind == "BytesIO":
            f.seek(0)

    buffers = {}
    f = target("ours.pt", "wb")
    lt.save({"x": lt.arange(4)}, f)
    done(f)
    f = target("ours.pt", "rb")
    assert torch.load(f)["x"].tolist() == [0, 1, 2, 3]
    done(f)
    f = target("theirs.pt", "wb")
    torch.save({"x": torch.arange(4)}, f)
    done(f)
    f = target("theirs.pt", "rb")
    assert lt.load(f)["x"].tolist() == [0, 1, 2, 3]
    done(f)


def test_archive_folder_is_named_like_torchs(tmp_path):
    for name in ("model.pt", "model.pth.tar", "weights"):
        lt.save(1, tmp_path / ("lt_" + name))
        torch.save(1, tmp_path / ("torch_" + name))
        ours = zipfile.ZipFile(tmp_path / ("lt_" + name)).namelist()[0]
        theirs = zipfile.ZipFile(tmp_path / ("torch_" + name)).namelist()[0]
        assert ours == theirs.replace("torch_", "lt_")
    assert zipfile.ZipFile(io.BytesIO(to_bytes(lt.save, 1))).namelist()[0] == "archive/data.pkl"


def test_saving_into_a_missing_folder_fails_like_torch(tmp_path):
    path = tmp_path / "missing" / "x.pt"
    with pytest.raises(RuntimeError) as theirs:
        torch.save(1, path)
    with pytest.raises(RuntimeError) as ours:
        lt.save(1, path)
    assert str(ours.value) == str(theirs.value)


def test_mmap_load_reads_the_same_values(tmp_path):
    path = tmp_path / "w.pt"
    torch.save({"w": torch.arange(10.).reshape(2, 5), "i": torch.arange(3)}, path)
    loaded = lt.load(path, mmap=True)
    assert loaded["w"].tolist() == torch.arange(10.).reshape(2, 5).tolist()
    assert loaded["i"].tolist() == [0, 1, 2]
    loaded["w"].add_(1)  # a private mapping: the file keeps its values
    assert lt.load(path)["w"][0, 0].item() == 0.0


def test_mmap_needs_a_path_like_torch():
    raw = to_bytes(torch.save, torch.ones(1))
    with pytest.raises(ValueError, match="f must be a file path in order to use the mmap argument"):
        lt.load(io.BytesIO(raw), mmap=True)


# -- map_location ----------------------------------------------------------------------------------
@pytest.mark.parametrize("map_location", ["cpu", "device", "dict", "callable", "callable None"])
def test_map_location_forms(map_location):
    seen = []

    def keep(storage, location):
        seen.append(location)
        return storage

    forms = {"cpu": "cpu", "device": lt.device("cpu"), "dict": {"cpu": "cpu"}, "callable": keep,
             "callable None": lambda storage, location: seen.append(location)}
    loaded = lt.load(io.BytesIO(to_bytes(torch.save, {"a": torch.ones(2), "b": torch.zeros(1)})),
                     map_location=forms[map_location])
    assert loaded["a"].tolist() == [1.0, 1.0] and loaded["b"].device == lt.device("cpu")
    assert seen == (["cpu", "cpu"] if map_location.startswith("callable") else [])


def test_map_location_to_cuda_without_cuda_fails_like_torch():
    raw = to_bytes(torch.save, torch.ones(2))
    with pytest.raises(RuntimeError) as theirs:
        torch.load(io.BytesIO(raw), map_location="cuda")
    with pytest.raises(RuntimeError) as ours:
        lt.load(io.BytesIO(raw), map_location="cuda")
    assert str(ours.value) == str(theirs.value)


# -- what a file may make the unpickler do ---------------------------------------------------------
class RunsShellCommand:
    """Unpickling this calls os.system: the classic malicious checkpoint."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


class RunsPython:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return exec, (f"open({str(self.marker)!r}, 'w').close()",)


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


def refusal(load, raw, **kwargs):
    """The UnpicklingError message ``load`` gives for ``raw``."""
    with pytest.raises(pickle.UnpicklingError) as caught:
        load(io.BytesIO(raw), **kwargs)
    return str(caught.value)


@pytest.mark.parametrize("evil", [RunsShellCommand, RunsPython])
@pytest.mark.parametrize("writer", ["torch.save", "learntorch.save", "plain pickle"])
def test_malicious_pickle_is_refused_with_torchs_message_and_runs_nothing(tmp_path, evil, writer):
    marker = tmp_path / "pwned"
    obj = {"weights": [evil(marker)]}
    raw = {"torch.save": lambda: to_bytes(torch.save, obj),
           "learntorch.save": lambda: to_bytes(lt.save, obj),
           "plain pickle": lambda: pickle.dumps(obj, protocol=2)}[writer]()
    expected = refusal(torch.load, raw)
    assert refusal(lt.load, raw) == expected
    assert ("posix.system whose module posix is blocked" in expected if evil is RunsShellCommand
            else "Unsupported global: GLOBAL exec was not an allowed global" in expected)
    assert not marker.exists()


def test_weights_only_refuses_opcodes_torch_refuses():
    raw = to_bytes(torch.save, {"a": 1}, pickle_protocol=4)
    with pytest.warns(UserWarning, match="Detected pickle protocol 4"):
        expected = refusal(torch.load, raw)
    with pytest.warns(UserWarning, match="Detected pickle protocol 4"):
        assert refusal(lt.load, raw) == expected


def test_custom_class_needs_allowlisting_or_weights_only_false():
    raw = to_bytes(lt.save, {"p": Point(1, 2)})
    assert refusal(lt.load, raw) == refusal(torch.load, raw)
    assert lt.load(io.BytesIO(raw), weights_only=False)["p"].y == 2
    with lt.serialization.safe_globals([Point]):
        assert lt.load(io.BytesIO(raw))["p"].x == 1
        assert Point in lt.serialization.get_safe_globals()
    assert Point not in lt.serialization.get_safe_globals()
    lt.serialization.add_safe_globals([Point])
    try:
        assert lt.load(io.BytesIO(raw))["p"].x == 1
    finally:
        lt.serialization.clear_safe_globals()
    assert lt.serialization.get_safe_globals() == []
    with pytest.raises(pickle.UnpicklingError):
        lt.load(io.BytesIO(raw))


def test_unsafe_globals_in_checkpoint_are_listed_like_torch(tmp_path):
    obj = {"p": Point(1, 2), "w": torch.ones(2), "evil": RunsShellCommand(tmp_path / "pwned")}
    raw = to_bytes(torch.save, obj)
    ours = lt.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(raw))
    assert sorted(ours) == sorted(torch.serialization.get_unsafe_globals_in_checkpoint(
        io.BytesIO(raw))) == sorted([f"{Point.__module__}.Point", "posix.system"])
    with lt.serialization.safe_globals([Point]):
        assert lt.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(raw)) == \
            ["posix.system"]
    assert not (tmp_path / "pwned").exists()


def test_environment_switches_like_torch(monkeypatch):
    raw = to_bytes(lt.save, {"p": Point(1, 2)})
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    with pytest.warns(UserWarning, match="TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected"):
        assert lt.load(io.BytesIO(raw))["p"].x == 1
    with pytest.raises(pickle.UnpicklingError):  # an explicit weights_only=True still wins
        lt.load(io.BytesIO(raw), weights_only=True)
    monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "true")
    with pytest.raises(RuntimeError, match="Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or"):
        lt.load(io.BytesIO(raw))
    monkeypatch.delenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD")
    with pytest.raises(pickle.UnpicklingError):
        lt.load(io.BytesIO(raw), weights_only=False)


def test_explicit_pickle_module_means_full_unpickling_as_in_torch():
    raw = to_bytes(lt.save, {"p": Point(3, 4)})
    assert lt.load(io.BytesIO(raw), pickle_module=pickle)["p"].x == 3
    with pytest.raises(RuntimeError) as theirs:
        torch.load(io.BytesIO(raw), pickle_module=pickle, weights_only=True)
    with pytest.raises(RuntimeError) as ours:
        lt.load(io.BytesIO(raw), pickle_module=pickle, weights_only=True)
    assert str(ours.value) == str(theirs.value)


def test_dtypes_learntorch_lacks_are_refused_by_name():
    raw = to_bytes(torch.save, {"w": torch.ones(2, dtype=torch.bfloat16)})
    with pytest.raises(RuntimeError, match="BFloat16Storage.*learntorch has no BFloat16"):
        lt.load(io.BytesIO(raw))


def test_tensors_viewing_one_memory_as_two_dtypes_are_refused_like_torch():
    memory = np.arange(4, dtype=np.int32)
    for lib in (torch, lt):
        with pytest.raises(RuntimeError, match="Cannot save multiple tensors or storages that "
                                               "view the same data as different types"):
            lib.save([lib.from_numpy(memory), lib.from_numpy(memory.view(np.float32))],
                     io.BytesIO())


def test_safe_globals_accept_an_object_with_its_full_name():
    raw = to_bytes(lt.save, {"p": Point(5, 6)})
    with lt.serialization.safe_globals([(Point, f"{Point.__module__}.Point")]):
        assert lt.load(io.BytesIO(raw))["p"].y == 6
    with pytest.raises(ValueError, match="Expected tuple of length 2"):
        with lt.serialization.safe_globals([(Point, "a", "b")]):
            lt.load(io.BytesIO(raw))


def test_pickle_load_args_only_apply_without_weights_only():
    raw = to_bytes(lt.save, {"w": lt.ones(1)})
    with pytest.warns(UserWarning, match="pickle_load_args only works if `weights_only=False`"):
        lt.load(io.BytesIO(raw), encoding="utf-8")
    assert lt.load(io.BytesIO(raw), weights_only=False, encoding="latin1")["w"].tolist() == [1.0]


def test_plain_pickle_or_a_zip_without_records_fail_like_torch():
    for raw in (pickle.dumps({"a": 1}, protocol=2), zip_with({"x/y": b"1"})):
        with pytest.raises(RuntimeError) as theirs:
            torch.load(io.BytesIO(raw))
        with pytest.raises(RuntimeError) as ours:
            lt.load(io.BytesIO(raw))
        assert str(ours.value) == str(theirs.value)


def test_torchs_legacy_format_loads_with_shared_views_and_parameters():
    base = torch.arange(6.).reshape(2, 3)
    obj = {"t": base.t(), "row": base[1], "i": torch.tensor([7, -8], dtype=torch.int16),
           "p": torch.nn.Parameter(torch.ones(2)), "n": [1, "two"]}
    ours = lt.load(io.BytesIO(to_bytes(torch.save, obj, _use_new_zipfile_serialization=False)))
    assert_same_nested(ours, obj)
    assert type(ours["p"]) is lt.nn.Parameter
    ours["row"][0] = 100.0
    assert ours["t"][0, 1].item() == 100.0


def test_torchs_legacy_format_whole_model_with_weights_only_false():
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 2)).eval()
    raw = to_bytes(torch.save, theirs, _use_new_zipfile_serialization=False)
    assert refusal(lt.load, raw) == refusal(torch.load, raw)
    ours = lt.load(io.BytesIO(raw), weights_only=False)
    assert type(ours) is lt.nn.Sequential and repr(ours) == repr(theirs)
    np.testing.assert_array_equal(ours[0].weight.detach().numpy(),
                                  theirs[0].weight.detach().numpy())


def test_malicious_legacy_file_is_refused_like_torch(tmp_path):
    marker = tmp_path / "pwned"
    raw = to_bytes(torch.save, [RunsShellCommand(marker)], _use_new_zipfile_serialization=False)
    assert refusal(lt.load, raw) == refusal(torch.load, raw)
    assert not marker.exists()


def zip_with(records):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in records.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# -- learntorch's own first format -------------------------------------------------------------
def test_archives_in_learntorchs_first_format_still_load():
    """structure.json + one .npy per tensor, as learntorch.save wrote before torch's format."""
    def npy(array):
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        return buffer.getvalue()

    structure = {"format": "learntorch-save-v1", "object": {"ordered_dict": [
        [{"value": "w"}, {"tensor": 0, "requires_grad": True, "parameter": True}],
        [{"value": "b"}, {"tensor": 1, "requires_grad": False, "parameter": False}],
        [{"value": "meta"}, {"tuple": [{"value": 1}, {"list": [{"value": None}]}]}]]}}
    raw = zip_with({"structure.json": json.dumps(structure),
                    "tensors/0.npy": npy(np.ones((2, 3), np.float32)),
                    "tensors/1.npy": npy(np.arange(3))})
    loaded = lt.load(io.BytesIO(raw))
    assert type(loaded) is collections.OrderedDict and list(loaded) == ["w", "b", "meta"]
    assert type(loaded["w"]) is lt.nn.Parameter and loaded["w"].shape == (2, 3)
    assert loaded["b"].tolist() == [0, 1, 2] and loaded["b"].dtype == lt.int64
    assert loaded["meta"] == (1, [None])
    assert lt.load(io.BytesIO(raw), map_location="cpu")["b"].tolist() == [0, 1, 2]


def test_pathlib_path_round_trip_in_learntorch(tmp_path):
    path = pathlib.Path(tmp_path) / "x.pt"
    lt.save({"x": lt.ones(2, dtype=lt.float16)}, path)
    assert lt.load(path)["x"].dtype == lt.float16
