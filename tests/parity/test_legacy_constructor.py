"""``Tensor(...)``, torch's legacy constructor, against torch case by case: which inputs it
shares memory with (seen by mutating the input afterwards), which dtype and shape it gives,
what it does with a tensor (a view with history), and its errors."""
import numpy as np
import pytest
import torch

import learntorch as lt
from helpers import assert_same

LAYOUTS = {
    "contiguous": lambda a: a,
    "transposed": lambda a: a.T,
    "strided slice": lambda a: a[:, ::2],
    "0-d": lambda a: a[1, 2, ...],
}


def _array(dtype, layout):
    return LAYOUTS[layout](np.arange(12).reshape(3, 4).astype(dtype))


def _mutate(array):
    if array.dtype == np.bool_:
        np.logical_not(array, out=array)
    else:
        array += 1


def _shares(array, t):
    return np.shares_memory(array, t.numpy())


@pytest.fixture(params=["float32", "float64"])
def default_dtype(request):
    """Run the test under each default float dtype in both libraries, then restore float32."""
    name = request.param
    lt.set_default_dtype(getattr(lt, name))
    torch.set_default_dtype(getattr(torch, name))
    yield name
    lt.set_default_dtype(lt.float32)
    torch.set_default_dtype(torch.float32)


DTYPES = ["float32", "float64", "float16", "int64", "int32", "uint8", "bool"]
# A 0-d integer array is read as a size, like an int (test below), not as data.
DATA_ARRAYS = [(d, lay) for d in DTYPES for lay in LAYOUTS
               if not (lay == "0-d" and d in ("int64", "int32", "uint8"))]


@pytest.mark.parametrize("dtype, layout", DATA_ARRAYS)
def test_ndarray_shares_memory_exactly_when_torch_does(default_dtype, dtype, layout):
    ours, theirs = _array(dtype, layout), _array(dtype, layout)
    a, b = lt.Tensor(ours), torch.Tensor(theirs)
    assert _shares(ours, a) == _shares(theirs, b) == (dtype == default_dtype)
    assert a.stride() == b.stride() or not _shares(ours, a)
    _mutate(ours)
    _mutate(theirs)
    assert_same(a, b)


@pytest.mark.parametrize("data", [[1, 2], (1, 2), [1.5, -2], [True, False], [[1, 2], [3, 4]], [],
                                  [[]], [lt.tensor(1), 2.5], [np.float64(0.1), 3]])
def test_sequences_are_copied_into_the_default_dtype(default_dtype, data):
    theirs = [torch.tensor(d.item()) if isinstance(d, lt.Tensor) else d for d in data]
    assert_same(lt.Tensor(data), torch.Tensor(theirs))


@pytest.mark.parametrize("sizes", [(), (3,), (2, 3), (0,), (2, 0, 4)])
def test_sizes_allocate_in_the_default_dtype(default_dtype, sizes):
    for args in (sizes, (lt.Size(sizes),) if sizes else ()):
        a = lt.Tensor(*args)
        b = torch.Tensor(*[torch.Size(s) if isinstance(s, lt.Size) else s for s in args])
        assert (tuple(a.shape), str(a.dtype)) == (tuple(b.shape), str(b.dtype))


@pytest.mark.parametrize("size", [np.int64(3), np.uint8(3), np.array(3), np.array(3, dtype=np.int32)])
def test_a_numpy_integer_or_0d_integer_array_is_a_size(size):
    a, b = lt.Tensor(size), torch.Tensor(size)
    assert (tuple(a.shape), str(a.dtype)) == (tuple(b.shape), str(b.dtype)) == ((3,), "torch.float32")
    assert tuple(lt.Tensor(2, size).shape) == tuple(torch.Tensor(2, size).shape) == (2, 3)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "bool"])
def test_a_tensor_gives_a_view_of_it_with_its_dtype(dtype):
    a_in, b_in = lt.ones(2, 3, dtype=getattr(lt, dtype)), torch.ones(2, 3, dtype=getattr(torch, dtype))
    a, b = lt.Tensor(a_in), torch.Tensor(b_in)
    assert a is not a_in and b is not b_in
    assert (a._base is a_in) == (b._base is b_in) == True  # noqa: E712
    a_in.zero_()
    b_in.zero_()
    assert_same(a, b)
    assert a.is_leaf == b.is_leaf and a.requires_grad == b.requires_grad


def test_a_tensor_that_requires_grad_keeps_its_history():
    a_in = lt.tensor([1.0, 2.0], requires_grad=True)
    b_in = torch.tensor([1.0, 2.0], requires_grad=True)
    a, b = lt.Tensor(a_in), torch.Tensor(b_in)
    assert a.requires_grad == b.requires_grad and a.is_leaf == b.is_leaf
    assert a.grad_fn.name() == b.grad_fn.name() == "AliasBackward0"
    (a * a).sum().backward()
    (b * b).sum().backward()
    assert_same(a_in.grad, b_in.grad)


@pytest.mark.parametrize("args, kwargs", [
    ((3.0,), {}), ((None,), {}), ((True,), {}), ((np.float32(2),), {}), (("ab",), {}),
    (({1: 2},), {}), ((-1,), {}), ((2, -3), {}), (([[1], [1, 2]],), {}),
    (("tensor",), {"device": "cpu"}),
])
def test_errors_are_torchs(args, kwargs):
    def call(lib):
        real = tuple(lib.ones(2) if a == "tensor" else a for a in args)
        with pytest.raises(Exception) as info:
            lib.Tensor(*real, **kwargs)
        return info

    ours, theirs = call(lt), call(torch)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)
