"""What every parity test shares: hypothesis strategies and the two-library comparison.

The oracle is the real torch.  A parity test builds NumPy inputs, runs the same call
in ``learntorch`` and in ``torch`` and asserts that the results (shape, dtype name,
values) and the gradients of every input agree.
"""
import zlib

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import learntorch as lt

FLOAT_DTYPES = ("float32", "float64")
INT_DTYPES = ("int64", "int32")
NUMERIC_DTYPES = FLOAT_DTYPES + INT_DTYPES
ALL_DTYPES = NUMERIC_DTYPES + ("bool",)

# Default tolerances of the suite: float32 forward values and gradients.
RTOL, ATOL = 1e-5, 1e-6


# -- strategies ------------------------------------------------------------------------------
def shapes(min_dims=0, max_dims=4, min_side=0, max_side=5):
    """Shapes from 0-d up to ``max_dims`` dims, sizes 0..5 by default (size-0 dims included)."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=0, max_side=5):
    """A tuple of ``num_shapes`` shapes that broadcast together (torch's rules are NumPy's)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
        max_side=max_side).map(lambda b: b.input_shapes)


def shapes_broadcasting_to(shape):
    """Shapes that broadcast *to* ``shape`` without enlarging it: a suffix, some sizes 1."""
    shape = tuple(shape)
    return st.integers(0, len(shape)).flatmap(
        lambda k: st.tuples(*[st.sampled_from([1, s]) for s in shape[len(shape) - k:]]))


def dtypes(names=ALL_DTYPES):
    """A dtype name such as ``'float32'`` (valid for NumPy, torch and learntorch alike)."""
    return st.sampled_from(names)


def elements(dtype, kind="any"):
    """Finite values of moderate magnitude for ``dtype``.

    ``kind``: ``"any"`` in [-5, 5]; ``"positive"`` in [0.125, 5] (log, sqrt, pow bases);
    ``"nonzero"`` with |x| in [0.5, 5] (divisors).  Integer kinds use the same ranges.
    """
    if dtype == "bool":
        return st.just(True) if kind != "any" else st.booleans()
    if dtype in INT_DTYPES:
        ints = {"any": st.integers(-5, 5), "positive": st.integers(1, 5),
                "nonzero": st.integers(1, 5) | st.integers(-5, -1)}
        return ints[kind]
    width = 32 if dtype == "float32" else 64
    floats = {
        "any": st.floats(-5, 5, width=width),
        "positive": st.floats(0.125, 5, width=width),
        "nonzero": st.floats(0.5, 5, width=width) | st.floats(-5, -0.5, width=width),
    }
    return floats[kind]


def arrays(dtype, shape, kind="any", unique=False):
    """A NumPy array of ``dtype`` and ``shape`` with values as described by ``elements``."""
    elems = elements(dtype, kind)
    if unique and dtype != "bool":
        # Wider range so that unique values exist for every shape we draw (at most 625 elements).
        elems = st.floats(-1e3, 1e3, width=32) if dtype in FLOAT_DTYPES else st.integers(-1000, 1000)
    return hnp.arrays(np.dtype(dtype), shape, elements=elems, unique=unique)


def python_scalars(kind="any", allow_bool=False):
    """A Python ``int`` or ``float`` (and optionally ``bool``) operand."""
    ints = {"any": st.integers(-5, 5), "positive": st.integers(1, 5),
            "nonzero": st.integers(1, 5) | st.integers(-5, -1)}[kind]
    floats = {"any": st.floats(-5, 5), "positive": st.floats(0.125, 5),
              "nonzero": st.floats(0.5, 5) | st.floats(-5, -0.5)}[kind]
    options = [ints, floats] + ([st.booleans()] if allow_bool and kind == "any" else [])
    return st.one_of(*options)


def dims_for(ndim, allow_none=True, allow_tuple=True):
    """A reduction ``dim``: None, an int (negative too) or a tuple of distinct dims."""
    low, high = (-ndim, ndim - 1) if ndim else (-1, 0)
    options = [st.integers(low, high)]
    if allow_none:
        options.append(st.none())
    if allow_tuple and ndim:
        options.append(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True)
                       .flatmap(lambda ds: st.tuples(*[st.sampled_from([d, d - ndim]) for d in ds])))
    return st.one_of(*options)


# -- comparisons -----------------------------------------------------------------------------
def to_numpy(t):
    """The values of a learntorch or torch tensor as a NumPy array."""
    return t.detach().numpy()


def assert_same(lt_result, torch_result, rtol=RTOL, atol=ATOL):
    """Same type of result, shape, dtype name (``'torch.float32'``) and values (NaN == NaN).

    Tuples (e.g. ``max(x, dim)``'s ``(values, indices)``) are compared element by element.
    """
    if isinstance(torch_result, (tuple, list)):
        assert isinstance(lt_result, (tuple, list)), f"expected a tuple, got {type(lt_result)}"
        assert len(lt_result) == len(torch_result)
        for a, b in zip(lt_result, torch_result):
            assert_same(a, b, rtol, atol)
        return
    if not isinstance(torch_result, torch.Tensor):
        assert not isinstance(lt_result, lt.Tensor), "expected a Python value, got a tensor"
        assert lt_result == torch_result or (lt_result != lt_result and torch_result != torch_result)
        return
    assert isinstance(lt_result, lt.Tensor), f"expected a Tensor, got {type(lt_result).__name__}"
    assert tuple(lt_result.shape) == tuple(torch_result.shape), \
        f"shape: learntorch {tuple(lt_result.shape)} != torch {tuple(torch_result.shape)}"
    assert str(lt_result.dtype) == str(torch_result.dtype), \
        f"dtype: learntorch {lt_result.dtype} != torch {torch_result.dtype}"
    got, expected = to_numpy(lt_result), to_numpy(torch_result)
    if expected.dtype.kind == "f":
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, expected)


# -- running one call in both libraries ------------------------------------------------------
def _inputs(values, lib, requires_grad):
    """Tensors of ``lib`` for every NumPy array in ``values`` (other values pass through)."""
    out = []
    for v in values:
        if isinstance(v, np.ndarray):
            t = lib.tensor(v.copy()) if lib is lt else torch.from_numpy(v.copy())
            if requires_grad and v.dtype.kind == "f":
                t.requires_grad_(True)
            v = t
        out.append(v)
    return out


def _seed(values):
    data = b"".join(v.tobytes() + str(v.shape).encode() for v in values if isinstance(v, np.ndarray))
    return zlib.crc32(data)


def _flat(result):
    return list(result) if isinstance(result, (tuple, list)) else [result]


def check_op(lt_fn, torch_fn, *values, grad=True, rtol=RTOL, atol=ATOL, grad_rtol=None,
             grad_atol=None):
    """Run ``lt_fn(*values)`` and ``torch_fn(*values)`` with NumPy arrays turned into tensors.

    Float inputs require grad (when ``grad``); the results must agree (``assert_same``);
    then every differentiable output is backpropagated with the same random upstream
    gradient in both libraries, and every input's ``.grad`` must agree too (``None``
    where torch has ``None``).  Returns ``(lt_result, torch_result)``.
    """
    lt_in, th_in = _inputs(values, lt, grad), _inputs(values, torch, grad)
    lt_out, th_out = lt_fn(*lt_in), torch_fn(*th_in)
    assert_same(lt_out, th_out, rtol, atol)
    if not grad:
        return lt_out, th_out
    lt_outs, th_outs = _flat(lt_out), _flat(th_out)
    for a, b in zip(lt_outs, th_outs):
        if isinstance(b, torch.Tensor):
            assert a.requires_grad == b.requires_grad, \
                f"requires_grad: learntorch {a.requires_grad} != torch {b.requires_grad}"
    rng = np.random.default_rng(_seed(values))
    pairs = [(a, b) for a, b in zip(lt_outs, th_outs)
             if isinstance(b, torch.Tensor) and b.requires_grad]
    if not pairs:
        return lt_out, th_out
    upstream = [rng.uniform(-2, 2, size=b.shape).astype(to_numpy(b).dtype) for _, b in pairs]
    lt.autograd.backward([a for a, _ in pairs], [lt.tensor(g) for g in upstream])
    torch.autograd.backward([b for _, b in pairs], [torch.from_numpy(g) for g in upstream])
    for i, (a, b) in enumerate(zip(lt_in, th_in)):
        if isinstance(b, torch.Tensor) and b.requires_grad:
            assert (a.grad is None) == (b.grad is None), \
                f"input {i}: learntorch grad {a.grad} but torch grad {b.grad}"
            if b.grad is not None:
                assert_same(a.grad, b.grad, grad_rtol or rtol, grad_atol or atol)
    return lt_out, th_out


def check_raises(lt_fn, torch_fn, exact_message=True):
    """Both calls raise the same exception type; with ``exact_message``, the same message.

    Returns ``(lt_error, torch_error)`` for further checks.
    """
    try:
        torch_fn()
    except Exception as err:  # noqa: BLE001 (the oracle decides what is expected)
        torch_err = err
    else:
        raise AssertionError("torch did not raise: the test itself is wrong")
    try:
        lt_fn()
    except Exception as err:  # noqa: BLE001
        lt_err = err
    else:
        raise AssertionError(f"learntorch did not raise; torch raised {type(torch_err).__name__}: "
                             f"{torch_err}")
    assert type(lt_err) is type(torch_err) or isinstance(lt_err, type(torch_err)), \
        f"learntorch raised {type(lt_err).__name__}({lt_err}), torch {type(torch_err).__name__}"
    if exact_message:
        assert str(lt_err) == first_line(torch_err), \
            f"\nlearntorch: {lt_err}\ntorch:      {first_line(torch_err)}"
    return lt_err, torch_err


def first_line(err):
    """torch's message without the C++ context some errors append on later lines."""
    return str(err).split("\n")[0]
