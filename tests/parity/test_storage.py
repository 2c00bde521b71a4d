"""Storages and raw memory against torch: which memory a tensor and its views share
(``untyped_storage``, ``data_ptr``), TypedStorage and the legacy ``FloatStorage`` classes
(values, reprs, the deprecation warning, ``isinstance``), ``set_``/``resize_``/``is_set_to``,
``frombuffer``/``from_file``, DLPack, and their errors."""
import warnings

import numpy as np
import pytest
import torch

import learntorch as lt
from helpers import assert_same, check_raises


@pytest.fixture(autouse=True)
def quiet_typed_storage():
    """TypedStorage warns once per process in both libraries; the warning has its own test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def both(fn):
    return fn(lt), fn(torch)


VIEWS = {
    "slice": lambda x: x[1:],
    "row": lambda x: x[1],
    "transpose": lambda x: x.t(),
    "strided": lambda x: x[:, ::2],
    "reshape": lambda x: x.reshape(-1),
    "expand": lambda x: x[:1].expand(3, 4),
    "detach": lambda x: x.detach(),
    "unsqueeze": lambda x: x.unsqueeze(0),
}


@pytest.mark.parametrize("view", VIEWS)
def test_views_share_the_storage_of_their_base(view):
    for lib in (lt, torch):
        x = lib.arange(12.).reshape(3, 4)
        v = VIEWS[view](x)
        assert v.untyped_storage().data_ptr() == x.untyped_storage().data_ptr() == x.data_ptr()
        assert v.untyped_storage().nbytes() == 48
    a, b = both(lambda lib: VIEWS[view](lib.arange(12.).reshape(3, 4)))
    assert a.storage_offset() == b.storage_offset()
    assert a.data_ptr() - a.untyped_storage().data_ptr() == 4 * a.storage_offset()


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "int16",
                                   "int8", "uint8", "bool"])
def test_untyped_storage_holds_the_bytes(dtype):
    (a, b) = both(lambda lib: lib.arange(5).to(getattr(lib, dtype)))
    sa, sb = a.untyped_storage(), b.untyped_storage()
    assert type(sa).__name__ == type(sb).__name__ == "UntypedStorage"
    assert sa.nbytes() == sb.nbytes() == len(sa) == sa.size() == a.nbytes
    assert sa.tolist() == sb.tolist()
    assert sa[1] == sb[1] and sa[-1] == sb[-1]
    assert sa.element_size() == sb.element_size() == 1
    assert str(sa.device) == str(sb.device)
    assert repr(sa) == repr(sb)
    assert (a.nbytes, a.itemsize) == (b.nbytes, b.itemsize)


def test_untyped_storage_writes_reach_the_tensor():
    a, b = both(lambda lib: lib.zeros(2, dtype=lib.int32))
    for t in (a, b):
        s = t.untyped_storage()
        s[4] = 7
        s[0:2] = 1  # a slice assignment writes bytes
    assert_same(a, b)
    assert both(lambda lib: lib.arange(3.).untyped_storage()[0:4].nbytes()) == (4, 4)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int16", "uint8", "bool"])
def test_typed_storage_reads_elements(dtype):
    a, b = both(lambda lib: lib.arange(6).reshape(2, 3).to(getattr(lib, dtype)))
    ta, tb = a.storage(), b.storage()
    assert str(ta.dtype) == str(tb.dtype)
    assert (ta.size(), len(ta), ta.nbytes(), ta.element_size()) == \
        (tb.size(), len(tb), tb.nbytes(), tb.element_size())
    assert ta.tolist() == tb.tolist()
    assert ta[2] == tb[2] and ta[-1] == tb[-1]
    assert ta.type() == tb.type() == "torch." + tb.pickle_storage_type()
    assert repr(ta) == repr(tb)
    assert ta.data_ptr() == a.data_ptr() and ta.untyped().data_ptr() == a.data_ptr()
    name = a.storage_type().__name__
    assert name == b.storage_type().__name__
    assert isinstance(ta, getattr(lt, name)) and isinstance(tb, getattr(torch, name))
    other = "LongStorage" if name != "LongStorage" else "IntStorage"
    assert not isinstance(ta, getattr(lt, other)) and not isinstance(tb, getattr(torch, other))


def test_typed_storage_writes_and_conversions():
    a, b = both(lambda lib: lib.arange(4.))
    for t in (a, b):
        s = t.storage()
        s[0] = 7
        s[-1] = 3
    assert_same(a, b)
    for t in (a, b):
        t.storage().fill_(2)
    assert_same(a, b)
    sa, sb = a.storage(), b.storage()
    assert sa.double().tolist() == sb.double().tolist()
    assert str(sa.double().dtype) == str(sb.double().dtype)
    assert sa.long().tolist() == sb.long().tolist()
    assert sa.float() is not sa and sa.float().data_ptr() != sa.data_ptr()  # a copy, as torch's
    assert sb.float() is not sb and sb.float().data_ptr() != sb.data_ptr()
    assert sa.clone().tolist() == sb.clone().tolist()
    assert sa.clone().data_ptr() != sa.data_ptr()


def test_typed_storage_errors():
    check_raises(lambda: lt.arange(3.).storage()[0:1], lambda: torch.arange(3.).storage()[0:1])
    check_raises(lambda: lt.arange(3.).storage()[5], lambda: torch.arange(3.).storage()[5])
    check_raises(lambda: lt.arange(3.).untyped_storage()[50],
                 lambda: torch.arange(3.).untyped_storage()[50])
    check_raises(lambda: lt.UntypedStorage(3).copy_(lt.UntypedStorage(4)),
                 lambda: torch.UntypedStorage(3).copy_(torch.UntypedStorage(4)))


@pytest.mark.parametrize("args", [(3,), ([1, 2, 3],), ()])
@pytest.mark.parametrize("name", ["FloatStorage", "DoubleStorage", "LongStorage", "IntStorage",
                                  "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage",
                                  "HalfStorage"])
def test_legacy_storage_classes(name, args):
    a, b = getattr(lt, name)(*args), getattr(torch, name)(*args)
    assert str(a.dtype) == str(b.dtype) == str(getattr(torch, name).dtype)
    assert str(getattr(lt, name).dtype) == str(getattr(torch, name).dtype)
    assert len(a) == len(b)
    if args and isinstance(args[0], list):
        assert a.tolist() == b.tolist()
    assert lt.is_storage(a) and torch.is_storage(b)
    assert isinstance(a, lt.TypedStorage) and isinstance(b, torch.TypedStorage)


def test_untyped_storage_constructor_and_is_storage():
    assert len(lt.UntypedStorage(5)) == len(torch.UntypedStorage(5)) == 5  # torch's is uninitialised
    assert lt.UntypedStorage([1, 2, 255]).tolist() == torch.UntypedStorage([1, 2, 255]).tolist()
    assert repr(lt.UntypedStorage(0)) == repr(torch.UntypedStorage(0))
    assert repr(lt.FloatStorage(0)) == repr(torch.FloatStorage(0))
    for lib in (lt, torch):
        x = lib.zeros(2)
        assert lib.is_storage(x.untyped_storage()) and lib.is_storage(x.storage())
        assert not lib.is_storage(x) and not lib.is_storage([1])


def test_storage_follows_the_default_dtype():
    assert lt.Storage.__name__ == torch.Storage.__name__ == "FloatStorage"
    try:
        lt.set_default_dtype(lt.float64)
        torch.set_default_dtype(torch.float64)
        assert lt.Storage.__name__ == torch.Storage.__name__ == "DoubleStorage"
    finally:
        lt.set_default_dtype(lt.float32)
        torch.set_default_dtype(torch.float32)
    assert lt.Storage is lt.FloatStorage


def test_typed_storage_warns_once_per_process():
    import learntorch.storage as lt_storage
    import torch.storage as th_storage

    def messages(lib, fn, reset):
        reset()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fn(lib)
            fn(lib)
        return [(w.category, str(w.message), w.filename) for w in caught]

    def reset_lt():
        lt_storage._warned = False

    def reset_torch():
        th_storage._warn_typed_storage_removal.__dict__.pop("has_warned", None)

    for fn in (lambda lib: lib.zeros(2).storage(), lambda lib: lib.FloatStorage(2)):
        got, want = messages(lt, fn, reset_lt), messages(torch, fn, reset_torch)
        assert got == want and len(got) == 1 and got[0][2] == __file__


# -- set_, resize_, is_set_to -------------------------------------------------------------------
@pytest.mark.parametrize("offset, size, stride", [(None, None, None), (2, (2, 3), (3, 1)),
                                                  (1, (3,), (2,)), (0, (2, 2), (1, 2)), (9, (1,), None)])
def test_set_to_a_storage(offset, size, stride):
    def run(lib):
        source = lib.arange(10.)
        y = lib.zeros(3)
        args = [source.untyped_storage()] + [a for a in (offset, size, stride) if a is not None]
        out = y.set_(*args)
        assert out is y and y.data_ptr() == source.data_ptr() + 4 * (offset or 0)
        source[offset or 0] = -1.  # the memory is shared
        return y
    assert_same(run(lt), run(torch))


def test_set_to_a_tensor_or_nothing_and_is_set_to():
    a, b = both(lambda lib: lib.zeros(2).set_())
    assert_same(a, b)
    for lib in (lt, torch):
        x, src = lib.zeros(2), lib.arange(6.).view(2, 3)
        x.set_(src)
        assert x.is_set_to(src) and src.is_set_to(x)
        assert not src.is_set_to(src.t()) and not src.view(6).is_set_to(src)
        assert not lib.zeros(2).is_set_to(lib.zeros(2))
        typed = lib.arange(4.).storage()
        assert lib.zeros(1).set_(typed).tolist() == [0., 1., 2., 3.]


def test_set_with_a_byte_storage_of_another_dtype_reads_its_bytes():
    a, b = both(lambda lib: lib.zeros(3).set_(lib.arange(4).untyped_storage()))
    assert a.shape == b.shape == (8,)


def test_set_errors():
    check_raises(lambda: lt.zeros(3).set_(lt.arange(4.).untyped_storage(), 2, (3,), (1,)),
                 lambda: torch.zeros(3).set_(torch.arange(4.).untyped_storage(), 2, (3,), (1,)))
    check_raises(lambda: lt.zeros(3, requires_grad=True).set_(lt.arange(4.).untyped_storage()),
                 lambda: torch.zeros(3, requires_grad=True).set_(torch.arange(4.).untyped_storage()))
    check_raises(lambda: lt.zeros(3).set_(lt.arange(4).storage()),
                 lambda: torch.zeros(3).set_(torch.arange(4).storage()))
    check_raises(lambda: lt.zeros(3).set_(lt.arange(4.).untyped_storage(), 1),
                 lambda: torch.zeros(3).set_(torch.arange(4.).untyped_storage(), 1))


def test_set_to_a_tensor_with_offset_views_its_storage():
    a, b = both(lambda lib: lib.zeros(3).set_(lib.arange(8.)[1:], 1, (2, 2), (1, 2)))
    assert_same(a, b)


def test_resize_shrinks_in_place_and_grows_keeping_the_values():
    for lib in (lt, torch):
        r = lib.arange(6.)
        ptr, version = r.data_ptr(), r._version
        assert r.resize_(2, 2) is r and r.data_ptr() == ptr and r._version > version
        assert r.tolist() == [[0., 1.], [2., 3.]]
        r.resize_(3, 3)
        assert r.shape == (3, 3) and r.flatten()[:6].tolist() == [0., 1., 2., 3., 4., 5.]
        view = lib.arange(6.)[2:]
        view.resize_(2)
        assert view.tolist() == [2., 3.]
        assert lib.zeros(2).resize_as_(lib.zeros(3, 1)).shape == (3, 1)
        assert lib.zeros(2).resize_((4,)).shape == (4,)


def test_resize_errors():
    check_raises(lambda: lt.zeros(2, requires_grad=True).resize_(3),
                 lambda: torch.zeros(2, requires_grad=True).resize_(3))
    check_raises(lambda: lt.zeros(2).resize_(-1), lambda: torch.zeros(2).resize_(-1),
                 exact_message=False)


# -- tensors over raw memory --------------------------------------------------------------------
@pytest.mark.parametrize("dtype, count, offset", [("float32", -1, 0), ("int16", 3, 2),
                                                  ("uint8", -1, 5), ("float64", 1, 8)])
def test_frombuffer_shares_the_buffer(dtype, count, offset):
    def run(lib):
        buffer = bytearray(np.arange(16, dtype=np.float32).tobytes())
        t = lib.frombuffer(buffer, dtype=getattr(lib, dtype), count=count, offset=offset)
        buffer[offset] = 200  # the tensor sees the change
        return t
    assert_same(run(lt), run(torch))


def test_frombuffer_errors_and_warning():
    for buffer, kw in [(b"abc", {"dtype": "float32"}), (b"abcd", {"dtype": "float32", "count": 2}),
                       (b"abcd", {"dtype": "int8", "offset": 4}), (bytearray(), {"dtype": "int8"})]:
        check_raises(lambda: lt.frombuffer(buffer, **{**kw, "dtype": getattr(lt, kw["dtype"])}),
                     lambda: torch.frombuffer(buffer, **{**kw, "dtype": getattr(torch, kw["dtype"])}))
    import learntorch.storage as lt_storage
    lt_storage._warned_readonly = False  # torch's flag (in C++) may be spent already: only ours
    with pytest.warns(UserWarning, match="The given buffer is not writable, and PyTorch does not "):
        assert lt.frombuffer(b"\x01\x02", dtype=lt.int8).tolist() == [1, 2]
    assert torch.frombuffer(b"\x01\x02", dtype=torch.int8).tolist() == [1, 2]


@pytest.mark.parametrize("shared", [False, True])
def test_from_file(tmp_path, shared):
    def run(lib):
        path = tmp_path / f"{lib.__name__}.bin"
        path.write_bytes(np.arange(4, dtype=np.float32).tobytes())
        t = lib.from_file(str(path), shared, 3, dtype=lib.float32)
        t += 1
        return t, np.frombuffer(path.read_bytes(), np.float32).tolist()
    (a, file_a), (b, file_b) = run(lt), run(torch)
    assert_same(a, b)
    assert file_a == file_b == ([1., 2., 3., 3.] if shared else [0., 1., 2., 3.])
    path = tmp_path / "short.bin"
    path.write_bytes(b"\x00" * 8)
    check_raises(lambda: lt.from_file(str(path), False, 4, dtype=lt.float32),
                                     lambda: torch.from_file(str(path), False, 4, dtype=torch.float32))


def test_storage_from_file_and_from_buffer(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(8)))
    assert lt.UntypedStorage.from_file(str(path), False, 6).tolist() == \
        torch.UntypedStorage.from_file(str(path), False, 6).tolist()
    assert lt.FloatStorage.from_file(str(path), False, 2).tolist() == \
        torch.FloatStorage.from_file(str(path), False, 2).tolist()
    assert lt.UntypedStorage.from_buffer(b"abc", dtype=lt.uint8).tolist() == \
        torch.UntypedStorage.from_buffer(b"abc", dtype=torch.uint8).tolist()
    assert lt.TypedStorage.from_buffer(b"\x01\x00", dtype=lt.int16).tolist() == \
        torch.TypedStorage.from_buffer(b"\x01\x00", "native", dtype=torch.int16).tolist()


# -- DLPack -------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool", "uint8"])
def test_dlpack_round_trips_share_memory(dtype):
    a, b = both(lambda lib: lib.arange(6).reshape(2, 3).to(getattr(lib, dtype)))
    assert a.__dlpack_device__() == tuple(b.__dlpack_device__())
    na = np.from_dlpack(a)
    assert np.shares_memory(na, a.numpy()) and na.tolist() == np.from_dlpack(b).tolist()
    back = lt.from_dlpack(lt.to_dlpack(a))
    assert back.data_ptr() == a.data_ptr()
    assert_same(back, torch.from_dlpack(torch.to_dlpack(b)))
    array = np.arange(4)
    t = lt.from_dlpack(array)
    assert_same(t, torch.from_dlpack(array))
    array[0] = 9
    assert t[0].item() == 9
    assert_same(lt.from_dlpack(b), torch.from_dlpack(b))  # any __dlpack__ object: a torch tensor


def test_dlpack_refuses_tensors_that_require_grad():
    check_raises(lambda: lt.zeros(2, requires_grad=True).__dlpack__(),
                 lambda: torch.zeros(2, requires_grad=True).__dlpack__())


# -- shared memory (within one process; tests/parity/test_multiprocessing.py crosses processes) --
def test_share_memory_keeps_values_shape_and_strides():
    for lib in (lt, torch):
        x = lib.arange(12.).reshape(3, 4).t()
        assert not x.is_shared()
        strides = x.stride()
        assert x.share_memory_() is x and x.is_shared()
        assert x.stride() == strides and x.tolist() == lib.arange(12.).reshape(3, 4).t().tolist()
        assert x.untyped_storage().is_shared()
        s = lib.UntypedStorage(4)
        assert not s.is_shared() and s.share_memory_().is_shared()
    assert not lt.zeros(2).is_pinned() and not torch.zeros(2).is_pinned()


@pytest.mark.parametrize("name", ["uint16", "uint32", "uint64"])
def test_storages_of_the_wide_unsigned_dtypes(name):
    a, b = both(lambda lib: lib.tensor([1, 2], dtype=getattr(lib, name)))
    assert repr(a.storage()) == repr(b.storage())
    assert a.storage().type() == b.storage().type() == "torch.storage.TypedStorage"
    assert a.storage_type() is None and b.storage_type() is None
    check_raises(lambda: a.storage().pickle_storage_type(), lambda: b.storage().pickle_storage_type())
