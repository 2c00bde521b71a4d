"""learntorch/_printing.py against the oracle: the real torch's repr of the same data."""
import importlib.util
import math
import pathlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

torch = pytest.importorskip("torch")

# _printing depends on NumPy only, so load it by path: these tests then need no
# other part of learntorch to import.
_PATH = pathlib.Path(__file__).resolve().parents[2] / "learntorch" / "_printing.py"
_spec = importlib.util.spec_from_file_location("learntorch_printing_under_test", _PATH)
printing = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(printing)

nan, inf = math.nan, math.inf
rng = np.random.default_rng(0)


@pytest.fixture(autouse=True)
def default_options():
    """Every test starts, and leaves torch, with the default print options and dtype."""
    yield
    torch.set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)
    printing.set_printoptions(profile="default")


def set_both(**kwargs):
    torch.set_printoptions(**kwargs)
    printing.set_printoptions(**kwargs)


def ours(array, **kwargs):
    return printing.format_tensor(array, str(array.dtype), **kwargs)


def assert_matches_torch(array):
    assert ours(array) == repr(torch.from_numpy(array))


def a(values, dtype=np.float32):
    return np.array(values, dtype=dtype)


CASES = {
    # floats: notation
    "int_valued": a([1.0, 2.0]),
    "fixed_point": a([1.5, 2.0]),
    "negative": a([-1.5, 2.25, -300.125]),
    "sci_small": a([1e-5, 1.0]),
    "sci_large": a([1e9, 1.0]),
    "sci_ratio": a([1.0, 1001.0]),
    "ratio_exactly_1000": a([1.0, 1000.0]),
    "max_exactly_1e8": a([1e8, 1e8 - 64]),
    "min_exactly_1e-4": np.array([1e-4, 1e-4 * 3]),
    "int_valued_sci": a([1e7, 1.0, -3.0]),
    "nan_inf_only": a([nan, inf, -inf]),
    "nan_inf_int_valued": a([nan, 1.0, -inf, 100.0]),
    "nan_inf_fixed": a([nan, 1.5, inf]),
    "nan_inf_sci": a([nan, 1e-7, -inf]),
    "zeros": a([0.0, 0.0]),
    "negative_zero": a([-0.0, 0.0]),
    "negative_zero_fixed": a([-0.0, 0.5, 5.0]),
    "all_nan": a([nan]),
    # other dtypes
    "float64": a([1.0, 2.0], np.float64),
    "float64_fixed": a([0.1, 0.2], np.float64),
    "float64_denormal": a([5e-324, 1e308], np.float64),
    "float16": a([1.5, 2.0, -0.333], np.float16),
    "float16_max": a([65504.0, 1e-3], np.float16),
    "int64": a([1, -20, 300], np.int64),
    "int32": a([1, 2, 3], np.int32),
    "int16": a([-32768, 32767], np.int16),
    "int8": a([-128, 0, 127], np.int8),
    "uint8": a([0, 255], np.uint8),
    "bool": a([True, False], np.bool_),
    "bool_2d": a([[True], [False]], np.bool_),
    # 0-d
    "scalar_float": a(6.0),
    "scalar_fixed": a(6.5),
    "scalar_int": a(3, np.int64),
    "scalar_int32": a(3, np.int32),
    "scalar_bool": a(True, np.bool_),
    "scalar_nan": a(nan, np.float64),
    "scalar_sci": a(1e-9),
    # empty
    "empty": a([]),
    "empty_int64": a([], np.int64),
    "empty_bool": a([], np.bool_),
    "empty_float64": a([], np.float64),
    "empty_0x3": np.zeros((0, 3), np.float32),
    "empty_2x0x3_int32": np.zeros((2, 0, 3), np.int32),
    # layout
    "matrix": np.arange(12, dtype=np.float32).reshape(3, 4) / 3,
    "cube": np.arange(24, dtype=np.int64).reshape(2, 3, 4) - 5,
    "four_d": rng.standard_normal((2, 2, 2, 3)),
    "long_row": np.arange(50, dtype=np.float32) / 7,
    "long_int_row": np.arange(100, dtype=np.int64) * 1001,
    "long_rows_2d": rng.standard_normal((3, 40)).astype(np.float32),
    "long_rows_3d": rng.standard_normal((2, 2, 30)) * 1e6,
    # summarized (numel > 1000)
    "summarized_1d": np.arange(2000, dtype=np.float32),
    "summarized_1000x1000": rng.standard_normal((1000, 1000)).astype(np.float32),
    "summarized_columns": rng.standard_normal((2, 1000)),
    "summarized_rows": np.arange(2000, dtype=np.int32).reshape(1000, 2),
    "summarized_3d": rng.standard_normal((20, 20, 20)).astype(np.float16),
    "summarized_sci_hidden": np.concatenate([np.ones(500), [1e-9], np.ones(500)]),
}


@pytest.mark.parametrize("array", CASES.values(), ids=CASES.keys())
def test_matches_torch(array):
    assert_matches_torch(array)


def test_summarizing_formats_only_the_shown_elements(monkeypatch):
    seen = []

    class Spy(printing._Formatter):
        def __init__(self, values):
            seen.append(values.size)
            super().__init__(values)

    monkeypatch.setattr(printing, "_Formatter", Spy)
    ours(np.zeros((1000, 1000)))
    assert seen == [36]


# --- suffixes ---------------------------------------------------------------

GRAD_CASES = {
    "float32": a([1.0, 2.0]),
    "float64": a([1.5, 2.0], np.float64),
    "float16": a([[1.5], [2.0]], np.float16),
    "scalar": a(3.0, np.float64),
    "empty_2d": np.zeros((0, 2)),
    "wraps_suffix": np.linspace(0, 1, 11),
    "multiline": rng.standard_normal((3, 12)),
}


@pytest.mark.parametrize("array", GRAD_CASES.values(), ids=GRAD_CASES.keys())
def test_requires_grad(array):
    expected = repr(torch.tensor(array, requires_grad=True))
    assert ours(array, requires_grad=True) == expected


@pytest.mark.parametrize("array", GRAD_CASES.values(), ids=GRAD_CASES.keys())
def test_grad_fn(array):
    leaf = torch.tensor(array, requires_grad=True)
    for result in (leaf * 2, (leaf * 2).sum()):
        name = type(result.grad_fn).__name__
        got = ours(result.detach().numpy(), requires_grad=True, grad_fn_name=name)
        assert got == repr(result)


def test_grad_fn_name_example():
    result = (torch.tensor([1.0, 2.0], requires_grad=True) * 2).sum()
    assert repr(result) == "tensor(6., grad_fn=<SumBackward0>)"
    assert ours(a(6.0), grad_fn_name="SumBackward0") == repr(result)


def test_device_comes_before_dtype_and_grad():
    # This torch is CPU-only; the expected strings follow _str_intern's order.
    assert ours(a([1.0, 2.0]), device="cuda:0") == "tensor([1., 2.], device='cuda:0')"
    assert ours(a([1.0], np.float64), device="cuda:0", requires_grad=True) == (
        "tensor([1.], device='cuda:0', dtype=torch.float64, requires_grad=True)"
    )
    assert ours(a([], np.int64), device="cuda:1") == (
        "tensor([], device='cuda:1', dtype=torch.int64)"
    )
    assert ours(a([1.0]), device="cpu") == "tensor([1.])"


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int64])
@pytest.mark.parametrize("values", [[1.0, 2.5], [], 7.0], ids=["vector", "empty", "scalar"])
def test_default_dtype_float64(dtype, values):
    torch.set_default_dtype(torch.float64)
    array = a(values, dtype)
    expected = repr(torch.from_numpy(array))
    assert ours(array, default_dtype_name="float64") == expected


# --- print options ----------------------------------------------------------

OPTION_CASES = [
    (dict(precision=2), a([1.12345, -2.5])),
    (dict(precision=0), a([1.5, 2.25, 1e-6])),
    (dict(precision=8), a([1 / 3, 2.0], np.float64)),
    (dict(threshold=5), np.arange(10)),
    (dict(threshold=5, edgeitems=1), np.arange(60.0).reshape(3, 4, 5)),
    (dict(threshold=5, edgeitems=0), np.arange(10)),
    (dict(threshold=5, edgeitems=0), np.arange(40.0).reshape(4, 10)),
    (dict(edgeitems=0), a([1.0, 2.0])),
    (dict(threshold=0), a(5.0)),
    (dict(linewidth=20), np.arange(30.0) / 3),
    (dict(linewidth=22), np.arange(10.0)),  # 15 columns for 4-wide items: 3 per line
    (dict(linewidth=23), np.arange(10.0)),  # 16 columns: exactly 4 per line
    (dict(linewidth=20), np.arange(12).reshape(2, 6)),
    (dict(linewidth=1), np.arange(4)),
    (dict(linewidth=200), np.arange(60.0)),
    (dict(sci_mode=True), a([1.0, 2.0])),
    (dict(sci_mode=True), a([0.0, -0.0, nan])),
    (dict(sci_mode=True), a([1.5, nan, inf])),
    (dict(sci_mode=False), a([1e-9, 1e9], np.float64)),
    (dict(sci_mode=False), a([1e20, 1.0], np.float64)),
    (dict(profile="full"), np.arange(2000).reshape(2, 1000)),
    (dict(profile="short"), rng.standard_normal(3000)),
    (dict(profile="full", precision=1), a([1.25, 3.5])),
]


@pytest.mark.parametrize("options,array", OPTION_CASES, ids=[str(o) for o, _ in OPTION_CASES])
def test_print_options(options, array):
    set_both(**options)
    assert_matches_torch(array)


def test_get_printoptions_matches_torch():
    for kwargs in [{}, dict(profile="short"), dict(profile="full", sci_mode=True), dict(precision=7)]:
        set_both(**kwargs)
        assert printing.get_printoptions() == torch._tensor_str.get_printoptions()


def test_set_printoptions_resets_sci_mode_but_keeps_the_rest():
    printing.set_printoptions(precision=2, sci_mode=True)
    printing.set_printoptions(linewidth=100)
    assert printing.get_printoptions() == dict(
        precision=2, threshold=1000, edgeitems=3, linewidth=100, sci_mode=None
    )
    printing.set_printoptions(**printing.get_printoptions())
    assert printing.options.linewidth == 100


# --- random arrays ----------------------------------------------------------

DTYPES = [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64,
          np.uint8, np.bool_]
SPECIAL_FLOATS = [0.0, -0.0, nan, inf, -inf, 1.0, 0.5, 1e-4, 1e8, 1e-30, 1e30]


@st.composite
def float_elements(draw):
    """One "style" of float per array, so notations get exercised, plus special values."""
    scale = 10.0 ** draw(st.integers(-12, 12))
    style = draw(st.sampled_from([
        st.floats(allow_nan=True, allow_infinity=True),  # anything, huge and tiny too
        st.integers(-10**6, 10**6).map(float),  # integer-valued
        st.floats(-10, 10).map(lambda x: x * scale),  # one magnitude
    ]))
    return st.one_of(style, st.sampled_from(SPECIAL_FLOATS))


@st.composite
def arrays(draw, max_side=6):
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=max_side))
    if dtype.kind != "f":
        return draw(hnp.arrays(dtype, shape))
    values = draw(hnp.arrays(np.float64, shape, elements=draw(float_elements())))
    with np.errstate(over="ignore"):  # e.g. 1e300 becomes inf in float16, as in torch
        return values.astype(dtype)


FAST = settings(max_examples=100, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(arrays())
def test_random_arrays(array):
    assert_matches_torch(array)


@FAST
@given(
    arrays(max_side=8),
    st.fixed_dictionaries(dict(
        precision=st.integers(0, 8),
        threshold=st.sampled_from([0, 1, 5, 20, 1000]),
        edgeitems=st.integers(0, 3),
        linewidth=st.integers(10, 120),
        sci_mode=st.sampled_from([None, True, False]),
    )),
    st.booleans(),
)
def test_random_arrays_with_options(array, options, requires_grad):
    set_both(**options)
    tensor = torch.from_numpy(array)
    requires_grad = requires_grad and array.dtype.kind == "f"
    tensor.requires_grad_(requires_grad)
    assert ours(array, requires_grad=requires_grad) == repr(tensor)
