"""The Tensor object itself: construction, attributes, memory sharing, conversions, printing."""
import copy
import io
import pickle

import numpy as np
import pytest

import learntorch as lt

torch = pytest.importorskip("torch")


# -- construction and the NumPy bridge ------------------------------------------------------
def test_from_numpy_and_numpy_share_memory():
    array = np.arange(3, dtype=np.float32)
    t = lt.from_numpy(array)
    array[0] = 100
    assert t[0].item() == 100
    t.numpy()[1] = 200
    assert array[1] == 200
    t.add_(1)
    assert array[2] == 3


def test_as_tensor_shares_memory_and_tensor_copies():
    array = np.ones(3)
    shared, copied = lt.as_tensor(array), lt.tensor(array)
    array[0] = 5
    assert shared[0].item() == 5 and copied[0].item() == 1
    assert shared.dtype is lt.float64 and copied.dtype is lt.float64


def test_legacy_constructor_copies_and_is_float32():
    array = np.array([1, 2], dtype=np.int64)
    t = lt.Tensor(array)
    array[0] = 9
    assert t.dtype is lt.float32 and t.tolist() == [1.0, 2.0]
    assert lt.Tensor(2, 3).shape == (2, 3)
    assert lt.Tensor().shape == (0,)


@pytest.mark.parametrize("data", [[1, 2], [1.5, 2], [True, False], 3, 3.5, True, [[1, 2], [3, 4]],
                                  [], [[]]])
def test_dtype_inference_matches_torch(data):
    assert str(lt.tensor(data).dtype) == str(torch.tensor(data).dtype)
    assert tuple(lt.tensor(data).shape) == tuple(torch.tensor(data).shape)


def test_ragged_nested_list_is_a_value_error():
    with pytest.raises(ValueError, match="expected sequence of length 2 at dim 1 \\(got 3\\)"):
        lt.tensor([[1, 2], [3, 4, 5]])
    with pytest.raises(ValueError):
        torch.tensor([[1, 2], [3, 4, 5]])


def test_unsupported_numpy_dtype_is_a_type_error():
    with pytest.raises(TypeError, match="can't convert np.ndarray of type numpy.complex128"):
        lt.from_numpy(np.ones(2, dtype=np.complex128))


def test_numpy_on_a_tensor_that_requires_grad_raises():
    t = lt.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="Use tensor.detach\\(\\).numpy\\(\\) instead"):
        t.numpy()
    assert t.detach().numpy().tolist() == [1.0, 1.0]


# -- attributes ---------------------------------------------------------------------------------
def test_shape_is_a_size_like_torch():
    t = lt.zeros(2, 3)
    assert t.shape == (2, 3) and repr(t.shape) == "torch.Size([2, 3])"
    assert t.shape.numel() == 6 and t.size(1) == 3 and t.size(-1) == 3
    assert isinstance(t.shape[1:], lt.Size)
    assert (t.dim(), t.ndim, t.numel()) == (2, 2, 6)


def test_dim_out_of_range_is_an_index_error_with_torchs_words():
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-2, 1\], but got 2\)"):
        lt.zeros(2, 3).size(2)


@pytest.mark.parametrize("name", ["float16", "float32", "float64", "int8", "int16", "int32",
                                  "int64", "uint8", "bool"])
def test_dtype_names_and_itemsize_match_torch(name):
    ours, theirs = getattr(lt, name), getattr(torch, name)
    assert str(ours) == str(theirs) and repr(ours) == repr(theirs)
    assert ours.is_floating_point == theirs.is_floating_point
    assert lt.zeros(1, dtype=ours).element_size() == torch.zeros(1, dtype=theirs).element_size()


def test_dtype_aliases():
    assert lt.float is lt.float32 and lt.double is lt.float64 and lt.long is lt.int64
    assert lt.half is lt.float16 and lt.int is lt.int32 and lt.short is lt.int16


@pytest.mark.parametrize("method, dtype", [("float", "float32"), ("double", "float64"),
                                           ("half", "float16"), ("long", "int64"), ("int", "int32"),
                                           ("bool", "bool"), ("byte", "uint8"), ("short", "int16")])
def test_conversion_methods(method, dtype):
    t = getattr(lt.tensor([1.7, 0.0]), method)()
    assert t.dtype.name == dtype
    assert t.tolist() == getattr(torch.tensor([1.7, 0.0]), method)().tolist()


def test_to_returns_self_when_nothing_changes():
    t = lt.ones(2)
    assert t.to(lt.float32) is t and t.to("cpu") is t and t.to(t) is t
    assert t.to(lt.float32, copy=True) is not t
    assert t.to(lt.zeros(1, dtype=lt.float64)).dtype is lt.float64


def test_type_and_type_as():
    t = lt.ones(2)
    assert t.type() == "torch.FloatTensor"
    assert t.type(lt.int64).dtype is lt.int64
    assert t.type("torch.DoubleTensor").dtype is lt.float64
    assert t.type_as(lt.zeros(1, dtype=lt.int32)).dtype is lt.int32


def test_device_is_cpu_and_cuda_is_unavailable_here():
    t = lt.ones(1)
    assert str(t.device) == "cpu" and t.device == lt.device("cpu") and not t.is_cuda
    assert repr(lt.device("cuda", 1)) == repr(torch.device("cuda", 1))
    assert lt.cuda.is_available() == torch.cuda.is_available()
    if not lt.cuda.is_available():
        with pytest.raises(AssertionError, match="not compiled with CUDA"):
            lt.ones(1, device="cuda")


@pytest.mark.parametrize("make", [
    lambda m: m.arange(12).reshape(3, 4),
    lambda m: m.arange(12).reshape(3, 4).t(),
    lambda m: m.arange(24).reshape(2, 3, 4).permute(2, 0, 1),
    lambda m: m.arange(12).reshape(3, 4)[1:, ::2],
    lambda m: m.arange(12).reshape(3, 4)[:, 1],
    lambda m: m.arange(4).reshape(4, 1).expand(4, 3),
])
def test_strides_offsets_and_contiguity_match_torch(make):
    ours, theirs = make(lt), make(torch)
    assert ours.stride() == theirs.stride()
    assert ours.storage_offset() == theirs.storage_offset()
    assert ours.is_contiguous() == theirs.is_contiguous()
    assert ours.tolist() == theirs.tolist()


def test_writes_through_a_view_reach_the_base():
    base = lt.zeros(2, 3)
    view = base[1].view(3, 1)
    view[0, 0] = 7
    base.t()[2, 0] = 5
    assert base.tolist() == [[0, 0, 5], [7, 0, 0]]


def test_invalid_view_is_a_runtime_error():
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        lt.zeros(2, 3).t().view(6)
    with pytest.raises(RuntimeError, match="shape '\\[4, 4\\]' is invalid for input of size 6"):
        lt.zeros(2, 3).view(4, 4)
    assert lt.zeros(2, 3).t().reshape(6).shape == (6,)


# -- Python protocols -----------------------------------------------------------------------
def test_scalar_conversions():
    assert float(lt.tensor(2.5)) == 2.5 and int(lt.tensor(3)) == 3 and bool(lt.tensor([1]))
    assert [10, 20, 30][lt.tensor(1)] == 20
    assert lt.tensor([1.5]).item() == 1.5
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(lt.ones(2))
    with pytest.raises(RuntimeError, match="a Tensor with 2 elements cannot be converted to Scalar"):
        lt.ones(2).item()


def test_len_and_iteration():
    t = lt.arange(6).reshape(3, 2)
    assert len(t) == 3 and [row.tolist() for row in t] == [[0, 1], [2, 3], [4, 5]]
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(lt.tensor(1))
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(lt.tensor(1))


def test_tensors_are_hashable_by_identity():
    a, b = lt.ones(1), lt.ones(1)
    assert len({a, b}) == 2


def test_numpy_arrays_defer_to_tensor_operators():
    result = np.ones(2, dtype=np.float32) * lt.ones(2)
    assert isinstance(result, lt.Tensor)


def test_deepcopy_and_pickle_round_trip():
    t = lt.tensor([1., 2.], requires_grad=True)
    c = copy.deepcopy(t)
    assert c.tolist() == [1., 2.] and c.requires_grad and c is not t
    p = pickle.loads(pickle.dumps(t))
    assert p.tolist() == [1., 2.] and p.requires_grad


def test_save_and_load_round_trip():
    state = {"w": lt.randn(2, 3), "step": 5, "names": ["a", "b"], "pair": (lt.ones(1), None)}
    buffer = io.BytesIO()
    lt.save(state, buffer)
    buffer.seek(0)
    loaded = lt.load(buffer)
    assert loaded["w"].tolist() == state["w"].tolist() and loaded["step"] == 5
    assert loaded["names"] == ["a", "b"] and loaded["pair"][1] is None


def test_load_of_a_plain_pickle_is_not_a_checkpoint():
    buffer = io.BytesIO(pickle.dumps({"evil": 1}, protocol=2))
    with pytest.raises(RuntimeError, match="Invalid magic number; corrupt file"):
        lt.load(buffer)


def test_save_refuses_what_pickle_refuses():
    with pytest.raises(pickle.PicklingError, match="Can't pickle"):
        lt.save({"f": lambda: 1}, io.BytesIO())


# -- printing --------------------------------------------------------------------------------
def test_reprs_match_torch_for_the_common_cases():
    cases = [
        (lambda m: m.tensor([1., 2.])),
        (lambda m: m.tensor([[1, 2]])),
        (lambda m: m.tensor([1., 2.], requires_grad=True)),
        (lambda m: (m.tensor([1., 2., 3.], requires_grad=True) * 2).sum()),
        (lambda m: m.tensor([1., 2.], dtype=m.float64)),
        (lambda m: m.tensor([True, False])),
        (lambda m: m.arange(2000).reshape(40, 50)),
    ]
    for make in cases:
        assert repr(make(lt)) == repr(make(torch))


def test_set_printoptions_changes_precision():
    try:
        lt.set_printoptions(precision=2)
        torch.set_printoptions(precision=2)
        assert repr(lt.tensor([1.23456])) == repr(torch.tensor([1.23456]))
    finally:
        lt.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")


# -- random numbers --------------------------------------------------------------------------
def test_manual_seed_makes_random_numbers_reproducible():
    lt.manual_seed(3)
    a = lt.randn(4)
    lt.manual_seed(3)
    assert lt.randn(4).tolist() == a.tolist()
    assert lt.initial_seed() == 3


def test_generator_objects_are_independent_streams():
    g = lt.Generator().manual_seed(1)
    first = lt.rand(3, generator=g)
    g.manual_seed(1)
    assert lt.rand(3, generator=g).tolist() == first.tolist()


def test_rng_state_round_trip():
    state = lt.get_rng_state()
    a = lt.rand(3)
    lt.set_rng_state(state)
    assert lt.rand(3).tolist() == a.tolist()


@pytest.mark.parametrize("make, dtype, low, high", [
    (lambda: lt.rand(1000), "float32", 0, 1),
    (lambda: lt.randint(3, 7, (1000,)), "int64", 3, 6),
    (lambda: lt.randperm(10), "int64", 0, 9),
    (lambda: lt.rand(10, dtype=lt.float64), "float64", 0, 1),
])
def test_random_functions_dtypes_and_ranges(make, dtype, low, high):
    t = make()
    assert t.dtype.name == dtype
    assert low <= t.min().item() and t.max().item() <= high


def test_randperm_is_a_permutation():
    assert sorted(lt.randperm(50).tolist()) == list(range(50))
