"""Parity with torch: torch.fft, and the complex tensors its results are (learntorch/_complex.py).

Both libraries use pocketfft, so values agree to a few ulps: rtol 1e-12 in float64, 1e-5 in
float32 (atol scaled by the signal's size, for the near-zero bins).
"""
import operator
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
from learntorch.autograd import gradcheck
from tests.parity.helpers import assert_same, check_raises

NORMS = [None, "backward", "ortho", "forward"]
C2C = ["fft", "ifft"]
ONE_DIM = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
N_DIM = ["fft2", "ifft2", "fftn", "ifftn", "rfft2", "irfft2", "rfftn", "irfftn", "hfft2",
         "ihfft2", "hfftn", "ihfftn"]
REAL_ONLY = {"rfft", "ihfft", "rfft2", "ihfft2", "rfftn", "ihfftn"}  # refuse complex input
TORCH_FUNCTIONS = {  # spelled out, so the coverage table sees each one tested
    "fft": torch.fft.fft, "ifft": torch.fft.ifft, "rfft": torch.fft.rfft,
    "irfft": torch.fft.irfft, "hfft": torch.fft.hfft, "ihfft": torch.fft.ihfft,
    "fft2": torch.fft.fft2, "ifft2": torch.fft.ifft2, "fftn": torch.fft.fftn,
    "ifftn": torch.fft.ifftn, "rfft2": torch.fft.rfft2, "irfft2": torch.fft.irfft2,
    "rfftn": torch.fft.rfftn, "irfftn": torch.fft.irfftn, "hfft2": torch.fft.hfft2,
    "ihfft2": torch.fft.ihfft2, "hfftn": torch.fft.hfftn, "ihfftn": torch.fft.ihfftn,
    "fftfreq": torch.fft.fftfreq, "rfftfreq": torch.fft.rfftfreq,
    "fftshift": torch.fft.fftshift, "ifftshift": torch.fft.ifftshift,
}


def _tensors(array):
    """(learntorch, torch) tensors of ``array``; a complex one enters through view_as_complex."""
    if array.dtype.kind == "c":
        pairs = np.stack([array.real, array.imag], axis=-1)
        return lt.view_as_complex(lt.from_numpy(pairs)), torch.from_numpy(array.copy())
    return lt.from_numpy(array.copy()), torch.from_numpy(array.copy())


def _same(got, expected, single=None):
    """Same class of result (complex or real), shape, dtype and values (``single``: computed
    in single precision whatever the dtype)."""
    assert isinstance(got, lt.Tensor)
    assert tuple(got.shape) == tuple(expected.shape), (tuple(got.shape), tuple(expected.shape))
    assert str(got.dtype) == str(expected.dtype), (got.dtype, expected.dtype)
    assert got.is_complex() == expected.is_complex()
    if single is None:
        single = expected.dtype in (torch.float32, torch.complex64)
    want = expected.resolve_conj().numpy()
    scale = max(1.0, float(np.abs(want).max())) if want.size else 1.0
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5 if single else 1e-12,
                               atol=(1e-5 if single else 1e-12) * scale)


def _signal(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


# -- values, dtypes and shapes ----------------------------------------------------------------
@pytest.mark.parametrize("name, dtype", [
    (name, dtype) for name in ONE_DIM for dtype in (np.float32, np.float64, np.complex64,
                                                    np.complex128)
    if name not in REAL_ONLY or np.dtype(dtype).kind == "f"])  # (complex input refused: below)
@pytest.mark.parametrize("norm", NORMS)
def test_one_dim_transforms_every_norm_and_dtype(name, dtype, norm):
    x = _signal((3, 8), dtype)
    a, b = _tensors(x)
    _same(getattr(lt.fft, name)(a, norm=norm), TORCH_FUNCTIONS[name](b, norm=norm))


@pytest.mark.parametrize("name", ONE_DIM)
@pytest.mark.parametrize("n", [1, 3, 5, 8, 13])
@pytest.mark.parametrize("dim", [0, 1, -1, -2])
def test_one_dim_padding_cropping_and_dims(name, n, dim):
    x = _signal((6, 5), np.complex128 if name not in REAL_ONLY else np.float64, seed=n)
    a, b = _tensors(x)
    _same(getattr(lt.fft, name)(a, n, dim), TORCH_FUNCTIONS[name](b, n, dim))
    _same(getattr(lt.fft, name)(a, n=n, dim=dim, norm="ortho"),
          TORCH_FUNCTIONS[name](b, n=n, dim=dim, norm="ortho"))


@pytest.mark.parametrize("name", N_DIM)
@pytest.mark.parametrize("s, dim", [
    (None, None), ((4, 6), None), ((3,), None), (None, (0, 2)), ((5, 2), (2, 0)), ((-1, 4), None),
    (None, (-1,)), ((7,), (1,)), (None, 1), (4, None),
])
@pytest.mark.parametrize("norm", NORMS)
def test_n_dim_transforms(name, s, dim, norm):
    if name.endswith("2") and dim is None:
        dim = (-2, -1)
        if s is not None and not isinstance(s, int) and len(s) == 1:
            dim = (-1,)
        if isinstance(s, int):
            dim = -1
    x = _signal((3, 4, 5), np.float64 if name in REAL_ONLY else np.complex128, seed=7)
    a, b = _tensors(x)
    _same(getattr(lt.fft, name)(a, s, dim, norm), TORCH_FUNCTIONS[name](b, s, dim, norm))


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(ONE_DIM + N_DIM), shape=st.lists(st.integers(1, 6), min_size=1,
                                                             max_size=3),
       data=st.data(), norm=st.sampled_from(NORMS), double=st.booleans())
def test_random_shapes_sizes_and_dims(name, shape, data, norm, double):
    ndim = len(shape)
    complex_input = name not in REAL_ONLY and data.draw(st.booleans())
    dtype = (np.complex128 if double else np.complex64) if complex_input else \
        (np.float64 if double else np.float32)
    a, b = _tensors(_signal(tuple(shape), dtype, seed=len(shape)))
    if name in ONE_DIM:
        args = (data.draw(st.none() | st.integers(1, 9)), data.draw(st.integers(-ndim, ndim - 1)))
    else:
        dims = data.draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim,
                                  unique=True))
        sizes = data.draw(st.none() | st.lists(st.integers(1, 8), min_size=len(dims),
                                                max_size=len(dims)))
        args = (sizes, dims)
    if name.startswith(("irfft", "hfft")) and args[0] is None:
        last = args[1] if name in ONE_DIM else args[1][-1]
        if shape[last] == 1:  # 2 * (1 - 1) = 0 points: an error, checked elsewhere
            return
    _same(getattr(lt.fft, name)(a, *args, norm=norm), TORCH_FUNCTIONS[name](b, *args, norm=norm))


@pytest.mark.parametrize("name", N_DIM)
def test_n_dim_transforms_of_float32(name):
    x = _signal((4, 6), np.float32)
    a, b = _tensors(x)
    _same(getattr(lt.fft, name)(a), TORCH_FUNCTIONS[name](b))


@pytest.mark.parametrize("name", ONE_DIM + N_DIM)
@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "uint8"])
def test_integer_and_bool_inputs_become_the_default_float(name, dtype):
    x = np.arange(12).reshape(3, 4) % 3
    a = lt.tensor(x).to(getattr(lt, dtype))
    b = torch.tensor(x).to(getattr(torch, dtype))
    _same(getattr(lt.fft, name)(a), TORCH_FUNCTIONS[name](b))
    with lt_default(lt.float64), torch_default(torch.float64):
        _same(getattr(lt.fft, name)(a), TORCH_FUNCTIONS[name](b))


class lt_default:
    def __init__(self, d):
        self.d = d

    def __enter__(self):
        self.old = lt.get_default_dtype()
        lt.set_default_dtype(self.d)

    def __exit__(self, *exc):
        lt.set_default_dtype(self.old)


class torch_default(lt_default):
    def __enter__(self):
        self.old = torch.get_default_dtype()
        torch.set_default_dtype(self.d)

    def __exit__(self, *exc):
        torch.set_default_dtype(self.old)


def test_zero_dim_input_to_fftn_is_the_value_as_complex():
    _same(lt.fft.fftn(lt.tensor(2.5)), torch.fft.fftn(torch.tensor(2.5)))
    _same(lt.fft.ifftn(lt.tensor(2, dtype=lt.float64)),
          torch.fft.ifftn(torch.tensor(2, dtype=torch.float64)))


def test_round_trips_and_non_contiguous_inputs():
    x = _signal((8, 6), np.float64)
    a, b = _tensors(x)
    _same(lt.fft.irfft(lt.fft.rfft(a), 6), torch.fft.irfft(torch.fft.rfft(b), 6))
    _same(lt.fft.fft(a.T), torch.fft.fft(b.T))
    _same(lt.fft.fft2(a[::2, 1:]), torch.fft.fft2(b[::2, 1:]))
    z, w = lt.fft.fft(a), torch.fft.fft(b)
    _same(lt.fft.ifft(z[:, ::2]), torch.fft.ifft(w[:, ::2]))
    _same(lt.fft.hfft(z[1]), torch.fft.hfft(w[1]))
    _same(lt.fft.irfftn(lt.fft.rfftn(a), a.shape), torch.fft.irfftn(torch.fft.rfftn(b), b.shape))


# -- out= --------------------------------------------------------------------------------------
def test_out_takes_the_result_with_its_own_dtype():
    x = _signal((4, 6), np.float32)
    a, b = _tensors(x)
    got, expected = lt.zeros(0).cdouble(), torch.empty(0, dtype=torch.cdouble)
    assert lt.fft.rfft(a, out=got) is got
    torch.fft.rfft(b, out=expected)
    _same(got, expected, single=True)
    got, expected = lt.empty(0, dtype=lt.float64), torch.empty(0, dtype=torch.float64)
    lt.fft.irfft(lt.fft.rfft(a), out=got)
    torch.fft.irfft(torch.fft.rfft(b), out=expected)
    _same(got, expected, single=True)
    got, expected = lt.empty(3, dtype=lt.float64), torch.empty(3, dtype=torch.float64)
    with pytest.warns(UserWarning, match="resized since it had shape \\[3\\]"):
        lt.fft.fftfreq(5, out=got)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.fft.fftfreq(5, out=expected)
    _same(got, expected)


@pytest.mark.parametrize("name, out_dtype", [("fft", "float32"), ("ihfft", "float32"),
                                             ("irfft", "cfloat"), ("hfft", "cfloat"),
                                             ("fft2", "float64"), ("irfftn", "cdouble")])
def test_out_of_the_wrong_kind_is_refused(name, out_dtype):
    x = _signal((4, 6), np.float32)
    a, b = _tensors(x)
    lt_out = lt.zeros(0).to(getattr(lt, out_dtype)) if not out_dtype.startswith("c") else \
        getattr(lt.zeros(0), out_dtype)()
    check_raises(lambda: getattr(lt.fft, name)(a, out=lt_out),
                 lambda: TORCH_FUNCTIONS[name](b, out=torch.empty(0, dtype=getattr(torch,
                                                                                 out_dtype))))


# -- errors ------------------------------------------------------------------------------------
ERRORS = [
    ("fft", lambda f, x: f.fft(x, norm="bad")),
    ("fft", lambda f, x: f.fft(x, norm="")),
    ("fft", lambda f, x: f.fft(x, n=0)),
    ("fft", lambda f, x: f.fft(x, n=-1)),
    ("fft", lambda f, x: f.fft(x, dim=2)),
    ("fft", lambda f, x: f.fft(x, dim=-3)),
    ("fft", lambda f, x: f.fft(x, 3.5)),
    ("fft", lambda f, x: f.fft(x, True)),
    ("fft", lambda f, x: f.fft(x, dim=(0,))),
    ("fft", lambda f, x: f.fft("x")),
    ("fftn", lambda f, x: f.fftn(x, dim=(0, 0))),
    ("fftn", lambda f, x: f.fftn(x, dim=(0, 5))),
    ("fftn", lambda f, x: f.fftn(x, s=(2,), dim=(0, 1))),
    ("fftn", lambda f, x: f.fftn(x, s=(2, 0))),
    ("fftn", lambda f, x: f.fftn(x, s=(2, 3, 4))),
    ("fftn", lambda f, x: f.fftn(x, dim=(0.5,))),
    ("fftn", lambda f, x: f.fftn(x, s=(2.5,))),
    ("fft2", lambda f, x: f.fft2(x[0])),
    ("rfft2", lambda f, x: f.rfft2(x, norm="backwards")),
    ("irfft", lambda f, x: f.irfft(x[:, :1])),
    ("irfft2", lambda f, x: f.irfft2(x[:, :1])),
    ("hfft2", lambda f, x: f.hfft2(x[:, :1])),
    ("fft", lambda f, x: f.fft(x[0, 0])),
    ("irfftn", lambda f, x: f.irfftn(x[0, 0])),
    ("rfftn", lambda f, x: f.rfftn(x[0, 0])),
    ("hfftn", lambda f, x: f.hfftn(x[0, 0])),
    ("ihfftn", lambda f, x: f.ihfftn(x[0, 0])),
    ("fft", lambda f, x: f.fft(x[:, :0])),
    ("rfft", lambda f, x: f.rfft(x.half())),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_bad_arguments_raise_torch_s_errors(case):
    _, call = ERRORS[case]
    x = _signal((4, 6), np.float32)
    a, b = _tensors(x)
    check_raises(lambda: call(lt.fft, a), lambda: call(torch.fft, b))


@pytest.mark.parametrize("name", sorted(REAL_ONLY))
def test_real_only_transforms_refuse_complex_input(name):
    a, b = _tensors(_signal((4, 6), np.complex64))
    check_raises(lambda: getattr(lt.fft, name)(a), lambda: TORCH_FUNCTIONS[name](b))


@pytest.mark.parametrize("name", ONE_DIM + N_DIM)
def test_an_input_that_requires_grad_is_refused(name):
    x = lt.randn(4, 6, requires_grad=True)
    with pytest.raises(RuntimeError, match=f"torch.fft.{name} is differentiable in torch, but "
                                           "learntorch does not differentiate through complex"):
        getattr(lt.fft, name)(x)
    with lt.no_grad():  # no graph asked for: the transform runs
        _same(getattr(lt.fft, name)(x), TORCH_FUNCTIONS[name](torch.from_numpy(x.numpy(
            force=True))))
    _same(getattr(lt.fft, name)(x.detach()),
          TORCH_FUNCTIONS[name](torch.from_numpy(x.detach().numpy())))


# -- frequencies and shifts --------------------------------------------------------------------
@pytest.mark.parametrize("name", ["fftfreq", "rfftfreq"])
@pytest.mark.parametrize("n", [0, 1, 2, 5, 8, 101])
@pytest.mark.parametrize("d", [1.0, 0.1, 3, 2.5])
@pytest.mark.parametrize("dtype", [None, "float64", "float32"])
def test_frequencies(name, n, d, dtype):
    got = getattr(lt.fft, name)(n, d, dtype=dtype and getattr(lt, dtype))
    expected = TORCH_FUNCTIONS[name](n, d, dtype=dtype and getattr(torch, dtype))
    assert_same(got, expected, rtol=0, atol=0)
    assert getattr(lt.fft, name)(n, requires_grad=True).requires_grad


@pytest.mark.parametrize("call", [
    lambda f, t: f.fftfreq(-1), lambda f, t: f.fftfreq(5.0), lambda f, t: f.rfftfreq(4.0),
    lambda f, t: f.fftfreq(5, dtype=t.int64), lambda f, t: f.rfftfreq(5, dtype=t.bool),
    lambda f, t: f.fftfreq(4, dtype=t.cfloat),
    lambda f, t: f.fftfreq(4, out=t.zeros(0).cfloat()),
])
def test_frequency_errors(call):
    check_raises(lambda: call(lt.fft, lt), lambda: call(torch.fft, torch))


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
@pytest.mark.parametrize("shape, dim", [((5,), None), ((6,), 0), ((3, 4), None), ((3, 4), 1),
                                        ((3, 4), (0,)), ((2, 3, 5), (-1, 0)), ((3, 4), (0, 0)),
                                        ((0, 3), None)])
def test_shifts_are_rolls_with_gradients(name, shape, dim):
    x = np.random.default_rng(1).standard_normal(shape)
    a, b = lt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    got, expected = getattr(lt.fft, name)(a, dim), TORCH_FUNCTIONS[name](b, dim)
    assert_same(got, expected, rtol=0, atol=0)
    assert got.grad_fn.name() == expected.grad_fn.name()
    assert gradcheck(lambda t: getattr(lt.fft, name)(t, dim), (a,))
    z, w = a.detach().cdouble(), b.detach().cdouble()
    _same(getattr(lt.fft, name)(z, dim), TORCH_FUNCTIONS[name](w, dim))
    assert_same(getattr(lt.fft, name)(lt.arange(7), dim and 0),
                TORCH_FUNCTIONS[name](torch.arange(7), dim and 0))


@pytest.mark.parametrize("call", [lambda f, x: f.fftshift(x, dim=5),
                                  lambda f, x: f.ifftshift(x[0, 0])])
def test_shift_errors(call):
    x = _signal((3, 4), np.float64)
    a, b = _tensors(x)
    check_raises(lambda: call(lt.fft, a), lambda: call(torch.fft, b))


# -- what a complex tensor supports ------------------------------------------------------------
def _pair(shape=(3, 4), dtype=np.complex64, seed=3):
    return _tensors(_signal(shape, dtype, seed))


def test_complex_dtypes():
    assert lt.complex64 is lt.cfloat and lt.complex128 is lt.cdouble
    assert torch.complex64 is torch.cfloat and torch.complex128 is torch.cdouble
    for name in ("complex64", "complex128"):
        ours, theirs = getattr(lt, name), getattr(torch, name)
        assert str(ours) == str(theirs)
        assert ours.is_complex and not ours.is_floating_point
        assert (ours.is_signed, ours.itemsize) == (theirs.is_signed, theirs.itemsize)
        assert str(ours.to_real()) == str(theirs.to_real())
    assert lt.float32.to_complex() is lt.complex64 and lt.float64.to_complex() is lt.complex128
    for a, b in [("complex64", "float64"), ("int64", "complex64"), ("complex128", "float32"),
                 ("complex64", "complex128"), ("bool", "complex128"), ("float16", "complex64")]:
        assert str(lt.promote_types(getattr(lt, a), getattr(lt, b))) == \
            str(torch.promote_types(getattr(torch, a), getattr(torch, b)))


def test_complex_tensor_basics():
    a, b = _pair()
    assert isinstance(a, lt.Tensor) and a.is_complex() and not a.is_floating_point()
    assert (a.shape, a.dim(), a.ndim, a.numel(), a.element_size(), a.size(1)) == \
        (b.shape, b.dim(), b.ndim, b.numel(), b.element_size(), b.size(1))
    assert lt.is_complex(a) and not lt.is_complex(a.real)
    assert not a.requires_grad and str(a.device) == "cpu"
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(np.asarray(a), b.numpy())
    assert a.tolist() == b.tolist() and a[1, 2].item() == b[1, 2].item()
    assert len(a) == len(b)
    for row, expected in zip(a, b):
        _same(row, expected)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_real_imag_abs_angle_conj(dtype):
    a, b = _pair(dtype=dtype)
    _same(a.real, b.real)
    _same(a.imag, b.imag)
    _same(lt.real(a), torch.real(b))
    _same(lt.imag(a), torch.imag(b))
    assert lt.is_complex(a) == torch.is_complex(b)
    _same(a.abs(), b.abs())
    _same(abs(a), abs(b))
    _same(a.angle(), b.angle())
    _same(lt.angle(a), torch.angle(b))
    _same(a.conj(), b.conj().resolve_conj())
    _same(lt.conj(a), torch.conj(b).resolve_conj())
    _same(lt.view_as_real(a), torch.view_as_real(b))
    _same(lt.view_as_real(a[:, ::2]), torch.view_as_real(b[:, ::2]))
    a.real[0, 0] = 5.0  # .real is a view, as in torch
    assert a[0, 0].item().real == 5.0


def test_view_as_complex_complex_and_polar():
    x = np.random.default_rng(2).standard_normal((3, 2))
    for lt_x, torch_x in [(lt.tensor(x), torch.tensor(x)), (lt.tensor(x).float(),
                                                            torch.tensor(x).float())]:
        _same(lt.view_as_complex(lt_x), torch.view_as_complex(torch_x))
        _same(lt.complex(lt_x[:, 0], lt_x[:, 1]), torch.complex(torch_x[:, 0], torch_x[:, 1]))
        _same(lt.polar(lt_x[:, 0].abs(), lt_x[:, 1]), torch.polar(torch_x[:, 0].abs(),
                                                                  torch_x[:, 1]))
    check_raises(lambda: lt.view_as_complex(lt.ones(3)), lambda: torch.view_as_complex(
        torch.ones(3)))
    check_raises(lambda: lt.view_as_real(lt.ones(3)), lambda: torch.view_as_real(torch.ones(3)))
    check_raises(lambda: lt.complex(lt.ones(3), lt.ones(3).double()),
                 lambda: torch.complex(torch.ones(3), torch.ones(3).double()))


def test_angle_of_real_tensors_is_zero_or_pi_with_zero_gradient():
    x = np.array([-1.5, 0.0, 2.0, np.nan, -0.0, -3.0])
    for dtype in ("float64", "float32"):
        a, b = lt.tensor(x).to(getattr(lt, dtype)), torch.tensor(x).to(getattr(torch, dtype))
        assert_same(lt.angle(a), torch.angle(b))
        assert_same(a.angle(), b.angle())
    assert_same(lt.angle(lt.tensor([-2, 0, 3])), torch.angle(torch.tensor([-2, 0, 3])))
    a = lt.tensor([-1.5, 2.0], dtype=lt.float64, requires_grad=True)
    b = torch.tensor([-1.5, 2.0], dtype=torch.float64, requires_grad=True)
    lt.angle(a).sum().backward()
    torch.angle(b).sum().backward()
    assert_same(a.grad, b.grad)
    assert gradcheck(lt.angle, (a,))


def test_indexing():
    a, b = _pair((4, 5, 3))
    for index in [0, (1, 2), (slice(None), 1), (Ellipsis, 0), (None, 1, slice(1, 3)),
                  (slice(None, None, 2),), ([0, 2],), (1, [0, 0, 3], 2)]:
        _same(a[index], b[index])
    mask = np.array([True, False, True, True])
    _same(a[lt.tensor(mask)], b[torch.tensor(mask)])
    _same(a[lt.tensor([3, 1])], b[torch.tensor([3, 1])])


OPERANDS = [
    ("complex64", lambda lib, z: z), ("complex128 0-d", lambda lib, z: z[0, 0].cdouble()),
    ("float64", lambda lib, z: lib.ones(3, 4, dtype=lib.float64) * 1.5),
    ("float64 0-d", lambda lib, z: lib.tensor(2.5, dtype=lib.float64)),
    ("int64", lambda lib, z: lib.arange(4) + 1), ("float", lambda lib, z: 1.5),
    ("int", lambda lib, z: 3), ("complex", lambda lib, z: 2 - 0.5j), ("bool", lambda lib, z: True),
]


@pytest.mark.parametrize("op", ["add", "sub", "mul", "truediv"])
@pytest.mark.parametrize("left, right", [  # at least one complex tensor among the two
    (i, j) for i in range(len(OPERANDS)) for j in range(len(OPERANDS)) if min(i, j) <= 1])
def test_arithmetic_with_real_and_complex_operands(op, left, right):
    a, b = _pair(seed=5)
    x, y = OPERANDS[left][1](lt, a), OPERANDS[right][1](lt, a)
    u, v = OPERANDS[left][1](torch, b), OPERANDS[right][1](torch, b)
    if op == "sub" and "bool" in (OPERANDS[left][0], OPERANDS[right][0]):
        check_raises(lambda: x - y, lambda: u - v)
        return
    _same(getattr(operator, op)(x, y), getattr(operator, op)(u, v))


def test_equality_and_negation():
    a, b = _pair()
    assert_same(a == a.clone(), b == b.clone())
    assert_same(a != a.conj(), b != b.conj())
    _same(-a, -b)


REPR_CASES = [
    lambda lib: lib.fft.fft(lib.arange(4.0)),
    lambda lib: lib.fft.rfft(lib.tensor([[1.0, -2.0, 0.5], [3.0, 4.0, -1.0]], dtype=lib.float64)),
    lambda lib: lib.fft.fft(lib.tensor([1e-6, 1e6, 3.0])),
    lambda lib: lib.view_as_complex(lib.arange(6000.0).reshape(3, 1000, 2) * 1.5),
    lambda lib: lib.fft.fftn(lib.tensor(2.0)),
    lambda lib: lib.fft.fft(lib.zeros(0, 3), n=2, dim=0)[:0],
    lambda lib: lib.complex(lib.tensor([float("nan"), 1.0, float("inf"), -0.0]),
                            lib.tensor([1.0, float("-inf"), 0.0, -2.5])),
    lambda lib: lib.fft.fft(lib.tensor([1.0, 2.0, 3.0, 4.0]), norm="ortho") * 1000,
]


@pytest.mark.parametrize("case", range(len(REPR_CASES)))
def test_complex_tensors_print_like_torch(case):
    assert repr(REPR_CASES[case](lt)) == repr(REPR_CASES[case](torch))
    with lt_default(lt.float64), torch_default(torch.float64):
        assert repr(REPR_CASES[case](lt)) == repr(REPR_CASES[case](torch))


# -- what a complex tensor refuses -------------------------------------------------------------
REFUSED = [lambda z: lt.exp(z), lambda z: z.sum(), lambda z: z @ z.T, lambda z: z.reshape(-1),
           lambda z: lt.abs(z), lambda z: lt.cat([z, z]), lambda z: z.to(lt.float32),
           lambda z: z.exp(), lambda z: lt.tensor([z[0, 0].item()]),
           lambda z: lt.zeros(3, dtype=lt.complex64), lambda z: lt.ones(2).to(lt.cfloat),
           lambda z: lt.from_numpy(z.numpy()), lambda z: z.sum(1), lambda z: z.T,
           lambda z: lt.ones(3, 4) + lt.ones(3, 4).add(z)]


@pytest.mark.parametrize("case", range(len(REFUSED)))
def test_other_ops_on_complex_tensors_raise_a_clear_error(case):
    z, _ = _pair()
    with pytest.raises(TypeError, match="learntorch supports complex tensors only as torch.fft "
                                        "results"):
        REFUSED[case](z)


def test_complex_tensors_never_require_grad():
    z, _ = _pair()
    with pytest.raises(RuntimeError, match="learntorch does not differentiate through complex"):
        z.requires_grad_()
    with pytest.raises(RuntimeError, match="learntorch does not differentiate through complex"):
        z * lt.ones(4, requires_grad=True)
    with pytest.raises(RuntimeError, match="torch.view_as_complex is differentiable in torch"):
        lt.view_as_complex(lt.ones(3, 2, requires_grad=True))


def test_names_now_implemented_are_not_reported_as_left_out():
    from learntorch._unsupported import family_of
    for name in ("complex64", "complex128", "cfloat", "cdouble", "view_as_real",
                 "view_as_complex", "complex", "polar", "angle"):
        assert family_of(name) is None, name
        assert hasattr(lt, name)
    for name in ("complex32", "chalf", "stft", "istft", "view_as_real_copy"):
        assert family_of(name) == "complex dtypes"
