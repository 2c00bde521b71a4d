"""``learntorch.testing`` against ``torch.testing``: ``assert_close`` passes and fails on the
same inputs, with the same exception type and the same report (tolerances per dtype, NaN,
shapes, dtypes, numbers, sequences, mappings, ``msg``); ``make_tensor`` draws the same
numbers as torch after the same seed."""
import math

import numpy as np
import pytest
import torch

import learntorch as lt

NAN, INF = float("nan"), float("inf")


def _convert(value, lib):
    """The same input for either library: ("t", data, dtype) becomes a tensor."""
    if isinstance(value, tuple) and value and value[0] == "t":
        _, data, dtype = value
        return lib.tensor(data, dtype=getattr(lib, dtype))
    if isinstance(value, list):
        return [_convert(v, lib) for v in value]
    if isinstance(value, dict):
        return {k: _convert(v, lib) for k, v in value.items()}
    return value


def _outcome(lib, actual, expected, kwargs):
    try:
        lib.testing.assert_close(_convert(actual, lib), _convert(expected, lib), **kwargs)
    except Exception as err:  # noqa: BLE001 (the oracle decides)
        return type(err), str(err)
    return None


def t(data, dtype="float32"):
    return ("t", data, dtype)


CASES = {
    "equal": (t([1., 2.]), t([1., 2.]), {}),
    "within float32 tolerance": (t([1., 2.]), t([1., 2.000001]), {}),
    "one element off": (t([1., 2., 3.]), t([1., 2.5, 3.]), {}),
    "float64 tolerance": (t([1., 2.], "float64"), t([1., 2. + 1e-6], "float64"), {}),
    "float16 tolerance": (t([1., 2.], "float16"), t([1.001, 2.], "float16"), {}),
    "2-d index": (t([[1., 2.], [3., 4.]]), t([[1., 2.], [3., 5.]]), {}),
    "nan is not close": (t([1., NAN]), t([1., NAN]), {}),
    "equal_nan": (t([1., NAN]), t([1., NAN]), {"equal_nan": True}),
    "nan against a number": (t([[1., 2.], [3., 4.]]), t([[1., 2.], [3., NAN]]), {}),
    "inf equal": (t([1., INF]), t([1., INF]), {}),
    "inf against -inf": (t([1., INF]), t([1., -INF]), {}),
    "relative inf": (t([0., 1.]), t([0., 0.]), {}),
    "tiny absolute": (t([0., 1e-6]), t([0., 0.]), {}),
    "large values": (t([1e10]), t([1.00001e10]), {}),
    "ints exact": (t([1, 2, 3], "int64"), t([1, 2, 4], "int64"), {}),
    "ints 2-d": (t([[1, 2], [3, 4]], "int32"), t([[1, 2], [3, 5]], "int32"), {}),
    "bools": (t([True, False], "bool"), t([True, True], "bool"), {}),
    "0-d": (t(1.), t(2.), {}),
    "explicit tolerances": (t([1., 2.]), t([1.1, 2.]), {"rtol": 0.2, "atol": 0.}),
    "zero tolerances": (t([1., 2.]), t([1.5, 3.]), {"rtol": 0, "atol": 0}),
    "only rtol": (t([1.]), t([1.]), {"rtol": 1e-3}),
    "only atol": (t([1.]), t([1.]), {"atol": 1e-3}),
    "shape": (t([0., 0.]), t([0., 0., 0.]), {}),
    "shape 2-d": (t([[0., 0., 0.]] * 2), t([[0., 0.]] * 3), {}),
    "dtype": (t([0., 0.]), t([0., 0.], "float64"), {}),
    "dtype not checked": (t([1., 2.]), t([1., 2.], "float64"), {"check_dtype": False}),
    "dtype not checked, off": (t([1., 2.]), t([1., 2.1], "float64"), {"check_dtype": False}),
    "float against int, not checked": (t([1., 2.]), t([1, 3], "int64"), {"check_dtype": False}),
    "msg string": (t([1.]), t([2.]), {"msg": "custom"}),
    "python floats": (1.0, 1.5, {}),
    "python floats close": (1.0, 1.0 + 1e-9, {}),
    "python ints": (1, 2, {}),
    "int against float": (1, 1.0, {}),
    "int against float, unchecked": (1, 1.0, {"check_dtype": False}),
    "bools python": (True, False, {}),
    "nan floats": (NAN, NAN, {}),
    "nan floats equal_nan": (NAN, NAN, {"equal_nan": True}),
    "list of tensors": ([t([0., 0.]), t([1., 1.])], [t([0., 0.]), t([0., 0.])], {}),
    "nested lists": ([[1, 2], [3, 4]], [[1, 2], [3, 5]], {}),
    "list against tuple": ([1, 2], (1, 2), {}),
    "sequence lengths": ([1, 2], [1], {}),
    "mapping": ({"a": t([0., 0.])}, {"a": t([1., 1.])}, {}),
    "mapping keys": ({"a": 1}, {"b": 1}, {}),
    "tensor against list": (t([0., 0.]), [0., 0.], {}),
    "strings": ("a", "b", {}),
    "none": (None, None, {}),
}


@pytest.mark.parametrize("case", CASES)
def test_assert_close_matches_torch(case):
    actual, expected, kwargs = CASES[case]
    got, want = _outcome(lt, actual, expected, kwargs), _outcome(torch, actual, expected, kwargs)
    if want is None:
        assert got is None, f"learntorch raised {got}"
        return
    assert got is not None, f"torch raised {want}, learntorch passed"
    assert got[0] is want[0], f"{got[0].__name__} != {want[0].__name__}"
    message = want[1].replace("torch.Tensor", "learntorch._tensor.Tensor")
    assert got[1] == message


def test_msg_callable_receives_the_report():
    def mark(text):
        return "X" + text[:27]
    for lib in (lt, torch):
        with pytest.raises(AssertionError) as caught:
            lib.testing.assert_close(lib.tensor([1.]), lib.tensor([2.]), msg=mark)
        assert str(caught.value) == "XTensor-likes are not close!"


def test_numpy_arrays_compare_in_their_own_dtype():
    a, b = np.zeros(2), np.ones(2)
    got, want = _outcome(lt, a, b, {}), _outcome(torch, a, b, {})
    assert got == want
    assert _outcome(lt, np.float32([1., 2.]), np.float32([1., 2.]), {}) is None
    assert _outcome(lt, lt.zeros(2), np.zeros(2, dtype=np.float32), {})[0] is TypeError


def test_parameters_compare_with_tensors_unless_subclasses_are_refused():
    for lib in (lt, torch):
        p = lib.nn.Parameter(lib.zeros(2))
        lib.testing.assert_close(p, lib.zeros(2))
        with pytest.raises(TypeError):
            lib.testing.assert_close(p, lib.zeros(2), allow_subclasses=False)


def test_requires_grad_and_strides():
    lt.testing.assert_close(lt.zeros(2, requires_grad=True), lt.zeros(2))
    torch.testing.assert_close(torch.zeros(2, requires_grad=True), torch.zeros(2))
    got = _outcome(lt, None, None, {})
    assert got is None
    for lib in (lt, torch):
        with pytest.raises(AssertionError, match=r"The values for attribute 'stride\(\)' do not "
                                                 r"match: \(1,\) != \(2,\)\."):
            lib.testing.assert_close(lib.zeros(2), lib.zeros(4)[::2], check_stride=True)


# -- make_tensor ------------------------------------------------------------------------------
MAKE = [
    ((2, 3), "float32", {}),
    ((4,), "float64", {"low": -1, "high": 1}),
    ((3, 2), "float32", {"noncontiguous": True}),
    ((5,), "float32", {"exclude_zero": True, "low": 0, "high": 1}),
    ((2, 2), "int64", {}),
    ((6,), "int32", {"low": 0, "high": 3}),
    ((6,), "uint8", {}),
    ((6,), "int8", {"exclude_zero": True}),
    ((4,), "bool", {}),
    ((4,), "bool", {"low": 1}),
    ((2, 3), "int64", {"noncontiguous": True}),
    (([2, 2],), "float32", {"requires_grad": True}),
    ((3,), "float16", {}),
    ((3,), "float32", {"low": -math.inf, "high": math.inf}),
]


@pytest.mark.parametrize("shape, dtype, kwargs", MAKE)
def test_make_tensor_draws_torchs_numbers(shape, dtype, kwargs):
    lt.manual_seed(7)
    torch.manual_seed(7)
    a = lt.testing.make_tensor(*shape, dtype=getattr(lt, dtype), device="cpu", **kwargs)
    b = torch.testing.make_tensor(*shape, dtype=getattr(torch, dtype), device="cpu", **kwargs)
    assert (tuple(a.shape), str(a.dtype), a.requires_grad, a.is_contiguous(), a.stride()) == \
        (tuple(b.shape), str(b.dtype), b.requires_grad, b.is_contiguous(), b.stride())
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


@pytest.mark.parametrize("kwargs", [{"low": 2, "high": 1}, {"low": NAN}, {"low": 300, "high": 400},
                                    {"requires_grad": True, "dtype": "int64"},
                                    {"noncontiguous": True, "memory_format": "contiguous_format"}])
def test_make_tensor_errors(kwargs):
    kwargs = dict(kwargs)
    dtype = kwargs.pop("dtype", "uint8" if kwargs.get("low") == 300 else "float32")

    def options(lib):
        fmt = kwargs.get("memory_format")
        return {**kwargs, **({"memory_format": getattr(lib, fmt)} if fmt else {})}
    with pytest.raises(ValueError) as ours:
        lt.testing.make_tensor(2, dtype=getattr(lt, dtype), device="cpu", **options(lt))
    with pytest.raises(ValueError) as theirs:
        torch.testing.make_tensor(2, dtype=getattr(torch, dtype), device="cpu", **options(torch))
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("actual, expected, kwargs", [
    (t([1., 2.]), t([1., 2.00001]), {}), (t([1., 2.]), t([1., 2.1]), {}),
    (t([1., NAN]), t([1., NAN]), {}), (t([1., 2.]), [1, 2.5], {}),
    (t([1., 2.]), t([1., 2.0001], "float64"), {}), (t([1, 2], "int64"), t([1, 3], "int64"), {}),
    (t([1., 2.]), t([1., 2.5]), {"msg": "mine"}), (t([1., 2.]), t([1.1, 2.]), {"rtol": 0.2, "atol": 0})])
def test_assert_allclose_is_deprecated_with_looser_defaults(actual, expected, kwargs):
    def outcome(lib):
        with pytest.warns(FutureWarning, match=r"`torch.testing.assert_allclose\(\)` is deprecated"):
            try:
                lib.testing.assert_allclose(_convert(actual, lib), _convert(expected, lib), **kwargs)
            except AssertionError as err:
                return str(err)
        return None
    assert outcome(lt) == outcome(torch)
