"""``Tensor.view(dtype)``: the same bytes read as another dtype, checked against torch.

An equal element size keeps shape and strides; a smaller one multiplies the last size (and the
other strides) by the ratio, a larger one divides them, with torch's RuntimeErrors (in torch's
order) when the layout does not allow it. The result shares memory and the version counter with
its input but is no autograd view: no grad, no ``grad_fn``, ``_base`` None.
"""
import numpy as np
import pytest

import learntorch

torch = pytest.importorskip("torch")

DTYPES = ("bool", "uint8", "int8", "int16", "float16", "int32", "float32", "uint16", "uint32",
          "int64", "float64", "uint64")

# (name, shape of the contiguous base, the view of it both libraries take)
LAYOUTS = [
    ("contiguous", (3, 4, 8), lambda x: x),
    ("transposed", (3, 4, 8), lambda x: x.transpose(1, 2)),
    ("t", (4, 8), lambda x: x.t()),
    ("last dim sliced, offset 1", (3, 4, 8), lambda x: x[..., 1:5]),
    ("last dim sliced, offset 2", (3, 4, 8), lambda x: x[..., 2:6]),
    ("last size 6", (3, 4, 8), lambda x: x[..., :6]),
    ("last size 5", (3, 4, 8), lambda x: x[..., :5]),
    ("last size 1", (3, 4, 8), lambda x: x[..., :1]),
    ("every other row", (3, 4, 8), lambda x: x[:, ::2]),
    ("every other column", (4, 8), lambda x: x[:, ::2]),
    ("offset rows", (3, 4, 8), lambda x: x[1:]),
    ("offset 11", (3, 4, 8), lambda x: x[:, 1:3, 3:]),
    ("odd row stride", (95,), lambda x: x.reshape(19, 5)[:, :4]),
    ("1-d slice", (96,), lambda x: x[3:11]),
    ("1-d even slice", (96,), lambda x: x[8:24]),
    ("0-d", (3, 4), lambda x: x[1, 2]),
    ("empty rows", (0, 8), lambda x: x),
    ("empty columns", (4, 0), lambda x: x),
]


def _random_array(shape, dtype, seed):
    """Random bytes read as ``dtype`` (NaNs and all: the comparison is of bits)."""
    n = int(np.prod(shape)) * np.dtype(dtype).itemsize
    raw = np.frombuffer(np.random.default_rng(seed).bytes(n), np.uint8)
    if dtype == "bool":
        raw = raw % 2  # a bool tensor made by torch holds 0 or 1
    return raw.view(dtype).reshape(shape).copy()


def _pair(shape, dtype, view, seed=0):
    array = _random_array(shape, dtype, seed)
    if not array.size:  # torch.from_numpy gives an empty array zero strides; empty does not
        return tuple(view(lib.empty(shape, dtype=getattr(lib, dtype)))
                     for lib in (learntorch, torch))
    return (view(learntorch.from_numpy(array.copy())), view(torch.from_numpy(array.copy())))


def _outcome(fn):
    try:
        return fn(), None
    except Exception as error:  # noqa: BLE001 - compared with the other library's
        return None, error


def _bits(t):
    return np.ascontiguousarray(t.numpy()).tobytes()


def _check_same(ours, theirs, label):
    assert (type(ours[1]), str(ours[1])) == (type(theirs[1]), str(theirs[1])), label
    if theirs[1] is not None:
        return
    mine, ref = ours[0], theirs[0]
    assert str(mine.dtype) == str(ref.dtype), label
    assert tuple(mine.shape) == tuple(ref.shape), label
    if ref.numel():  # learntorch derives an empty tensor's strides from its shape
        assert mine.stride() == ref.stride(), label
        assert mine.storage_offset() == ref.storage_offset(), label
    assert _bits(mine) == _bits(ref), label


@pytest.mark.parametrize("source", DTYPES)
@pytest.mark.parametrize("name,shape,view", LAYOUTS, ids=[layout[0] for layout in LAYOUTS])
def test_view_dtype_matches_torch(name, shape, view, source):
    ours, theirs = _pair(shape, source, view, seed=DTYPES.index(source))
    for target in DTYPES:
        _check_same(_outcome(lambda: ours.view(getattr(learntorch, target))),
                    _outcome(lambda: theirs.view(getattr(torch, target))),
                    f"{name}: {source} -> {target}")


def test_the_messages_name_torch_s_checks_in_its_order():
    cases = [
        (lambda m: m.tensor(1.).view(m.half), "self.dim() cannot be 0"),
        (lambda m: m.arange(12.).reshape(3, 4)[:, ::2].view(m.half), "self.stride(-1) must be 1"),
        (lambda m: m.zeros(5, dtype=m.int8).view(m.short), "self.size(-1) must be divisible"),
        (lambda m: m.arange(8.)[1:5].view(m.float64), "self.storage_offset() must be"),
        (lambda m: m.arange(30.).reshape(5, 6)[:, ::3].view(m.float64), "self.stride(-1)"),
        (lambda m: m.arange(30.).reshape(5, 6)[:, 1::3].view(m.float64), "storage_offset"),
        (lambda m: m.arange(30.).reshape(5, 6)[:, ::2].view(m.float64), "self.size(-1)"),
        (lambda m: m.arange(60.).reshape(5, 4, 3)[:, :, :2].view(m.float64), "self.stride(1)"),
        (lambda m: m.arange(60, dtype=m.int8).reshape(3, 4, 5)[..., :4].view(m.int32),
         "self.stride(1) must be divisible by 4 to view Char as Int"),
        (lambda m: m.empty(4, 0).view(m.float64), "self.stride(0) must be divisible by 2"),
        (lambda m: m.tensor([1.]).view(m.uint64), "to view Float as UInt64"),
    ]
    for case, words in cases:
        ours, theirs = _outcome(lambda: case(learntorch)), _outcome(lambda: case(torch))
        assert type(theirs[1]) is RuntimeError and words in str(theirs[1])
        assert (type(ours[1]), str(ours[1])) == (RuntimeError, str(theirs[1]))


@pytest.mark.parametrize("lib", [learntorch, torch], ids=["learntorch", "torch"])
def test_the_view_shares_memory_and_the_version_counter(lib):
    x = lib.zeros(4)
    y = x.view(lib.int32)
    y[0] = 1065353216  # the bits of 1.0
    assert x.tolist() == [1.0, 0.0, 0.0, 0.0]
    assert x._version == y._version == 1
    x.add_(1)
    assert y.tolist() == [1073741824, 1065353216, 1065353216, 1065353216]
    assert y._version == 2
    halves = x[2:].view(lib.float16)
    halves[1] = 2.0
    assert x[2].item() == 2.0
    assert halves.storage_offset() == 4 and halves._version == x._version
    wide = x[2:].view(lib.float64)
    assert wide.storage_offset() == 1 and wide.shape == (1,)


@pytest.mark.parametrize("lib", [learntorch, torch], ids=["learntorch", "torch"])
@pytest.mark.parametrize("target", ["float32", "int32", "float16", "float64"])
def test_the_view_records_no_history(lib, target):
    x = lib.arange(4.).requires_grad_()
    for source in (x, x * 2):
        y = source.view(getattr(lib, target))
        assert (y.requires_grad, y.grad_fn, y.is_leaf, y._base) == (False, None, True, None)
        y.add_(1)  # allowed: it is no view of a leaf that requires grad
    with lib.no_grad():
        z = x.view(getattr(lib, target))
    assert (z.requires_grad, z._base) == (False, None)


@pytest.mark.parametrize("name,make", [
    ("dtype=", lambda m, x: x.view(dtype=m.int32)),
    ("float", lambda m, x: x.view(float)),
    ("int", lambda m, x: x.view(int)),
    ("bool", lambda m, x: x.view(bool)),
    ("complex", lambda m, x: x.view(complex)),
    ("dtype=float", lambda m, x: x.view(dtype=float)),
    ("dtype=bool", lambda m, x: x.view(dtype=bool)),
    ("same dtype", lambda m, x: x.view(m.float32)),
])
def test_the_dtype_forms_torch_takes(name, make):
    ours = make(learntorch, learntorch.arange(8.).reshape(2, 4))
    theirs = make(torch, torch.arange(8.).reshape(2, 4))
    assert (str(ours.dtype), tuple(ours.shape)) == (str(theirs.dtype), tuple(theirs.shape))
    assert _bits(ours) == _bits(theirs)


@pytest.mark.parametrize("name,call", [
    ("dtype and a size", lambda m, x: x.view(m.int32, 3)),
    ("sizes and dtype=", lambda m, x: x.view(2, 2, dtype=m.int32)),
    ("dtype and size=", lambda m, x: x.view(m.int32, size=(2,))),
    ("size= and dtype=", lambda m, x: x.view(dtype=m.int32, size=(4,))),
    ("two dtypes", lambda m, x: x.view(m.int32, m.int32)),
    ("two dtypes and size=", lambda m, x: x.view(m.int32, m.int32, size=(2,))),
    ("a str", lambda m, x: x.view("float64")),
    ("dtype= a str", lambda m, x: x.view(dtype="float64")),
    ("a NumPy type", lambda m, x: x.view(np.float64)),
    ("dtype= a NumPy type", lambda m, x: x.view(dtype=np.float64)),
])
def test_wrong_arguments_are_torch_s_type_errors(name, call):
    ours = _outcome(lambda: call(learntorch, learntorch.arange(4.)))
    theirs = _outcome(lambda: call(torch, torch.arange(4.)))
    assert type(theirs[1]) is TypeError
    assert (type(ours[1]), str(ours[1])) == (TypeError, str(theirs[1]))


COMPLEX_CASES = [
    ("complex64 as float32", lambda m, z: z.view(m.float32)),
    ("complex64 as float64", lambda m, z: z.view(m.float64)),
    ("complex64 as int64", lambda m, z: z.view(m.int64)),
    ("complex64 as int8", lambda m, z: z.view(m.int8)),
    ("complex64 as itself", lambda m, z: z.view(m.complex64)),
    ("complex64 as complex128", lambda m, z: z.view(m.complex128)),
    ("a row as float32", lambda m, z: z[0].view(m.float32)),
    ("a column as float32", lambda m, z: z[:, 1].view(m.float32)),
    ("0-d as float32", lambda m, z: z[1, 1].view(m.float32)),
    ("0-d as int64", lambda m, z: z[1, 1].view(m.int64)),
    ("float32 as complex64", lambda m, z: m.arange(8.).reshape(2, 4).view(m.complex64)),
    ("float32 as complex128", lambda m, z: m.arange(8.).reshape(2, 4).view(m.complex128)),
    ("odd float32 as complex64", lambda m, z: m.arange(6.).reshape(2, 3).view(m.complex64)),
    ("float64 as complex128", lambda m, z: m.arange(8.).double().view(m.complex128)),
    ("round trip", lambda m, z: m.arange(8.).double().view(m.complex128).view(m.float64)),
]


@pytest.mark.parametrize("name,call", COMPLEX_CASES, ids=[case[0] for case in COMPLEX_CASES])
def test_complex_views_match_torch(name, call):
    """Complex tensors in learntorch come from view_as_complex (and torch.fft)."""
    ours = _outcome(lambda: call(learntorch, learntorch.view_as_complex(
        learntorch.arange(8.).reshape(2, 2, 2))))
    theirs = _outcome(lambda: call(torch, torch.view_as_complex(torch.arange(8.).reshape(2, 2, 2))))
    assert (type(ours[1]), str(ours[1])) == (type(theirs[1]), str(theirs[1]))
    if theirs[1] is None:
        assert (str(ours[0].dtype), tuple(ours[0].shape)) == (str(theirs[0].dtype),
                                                               tuple(theirs[0].shape))
        assert _bits(ours[0]) == _bits(theirs[0])


@pytest.mark.parametrize("lib", [learntorch, torch], ids=["learntorch", "torch"])
def test_a_complex_view_shares_memory(lib):
    x = lib.arange(4.)
    z = x.view(lib.complex64)
    back = z.view(lib.float32)
    back[0] = 9
    assert x.tolist() == [9.0, 1.0, 2.0, 3.0]
    assert x._version == z._version == back._version == 1


def test_a_meta_tensor_views_as_a_meta_tensor():
    ours = learntorch.empty(2, 3, device="meta").view(learntorch.float16)
    theirs = torch.empty(2, 3, device="meta").view(torch.float16)
    assert (tuple(ours.shape), str(ours.dtype), str(ours.device)) == \
        (tuple(theirs.shape), str(theirs.dtype), str(theirs.device))


@pytest.mark.parametrize("as_keyword", [False, True], ids=["positional", "dtype="])
def test_view_copy_takes_a_dtype(as_keyword):
    results = []
    for lib in (learntorch, torch):
        x = lib.arange(12., requires_grad=True).reshape(3, 4).t()
        y = lib.view_copy(x, dtype=lib.int32) if as_keyword else lib.view_copy(x, lib.int32)
        results.append((y.stride(), _bits(y), y.requires_grad, y.grad_fn))
    assert results[0] == results[1]
