"""torch's aliases and in-place twins (``x.exp_()``, ``torch.multiply``, ``x.swapdims`` …) give
torch's values and dtypes: each name is called with the first argument set torch accepts, on the
same inputs, in torch and in learntorch. The names are the ones tools/torch_surface.py found no
other test spelling out."""
import numpy as np
import pytest

import learntorch as lt

torch = pytest.importorskip("torch")

# Tensor methods: in-place twins of pointwise and reduction ops, and aliases
TENSOR_METHODS = [
    "abs_", "absolute", "acos_", "addbmm_", "addcdiv_", "addcmul_", "addmm_", "addr_",
    "arcsin", "arctan2_", "asin_", "atan2_", "atan_", "ceil_", "clamp_max",
    "clamp_max_", "clamp_min", "clamp_min_", "clip_", "cos_", "cosh_", "cumprod_", "cumsum_",
    "divide", "eq_", "erf_", "erfinv_", "exp2_", "exp_", "expm1_", "fix", "float_power",
    "floor_", "floor_divide", "floor_divide_", "fmod_", "frac_", "ge_", "greater",
    "greater_equal", "gt_", "hypot_", "index_add_", "index_fill_", "isreal", "le_", "lerp_",
    "less", "less_equal", "log10_", "log1p_", "log2_", "log_", "logical_and", "logical_or",
    "logical_xor", "moveaxis", "msort", "multiply", "nanmean", "nansum", "ndimension", "ne_",
    "neg_", "nelement", "not_equal", "pow_", "reciprocal_", "remainder_", "reshape_as", "round_",
    "rsqrt_", "scatter_", "scatter_add_", "select", "sigmoid_", "sign_", "sin_", "sinh_",
    "sqrt_", "square_", "squeeze_", "subtract", "swapaxes_", "swapdims", "swapdims_", "t_",
    "tan_", "tanh_", "transpose_", "true_divide", "trunc_", "unflatten", "unsqueeze_", "view_as",
    "xlogy_", "bitwise_and", "bitwise_not", "bitwise_or", "bitwise_xor", "char",
]
# Functions at the top level
FUNCTIONS = [
    "abs_", "absolute", "acos_", "acosh", "arccosh", "arcsin", "asin_", "asinh",
    "atan_", "atanh", "broadcast_to", "ceil_", "clamp_max", "clamp_max_", "clamp_min",
    "clamp_min_", "clip_", "cos_", "cosh_", "divide", "erf_", "exp2_", "exp_",
    "expm1_", "fix", "float_power", "floor_", "floor_divide", "frac_", "greater",
    "greater_equal", "isreal", "less", "less_equal", "log10_", "log1p_", "log2_", "log_",
    "logical_and", "logical_not", "logical_or", "logical_xor", "moveaxis", "msort", "multiply",
    "nan_to_num_", "nanmean", "nansum", "neg_", "not_equal", "numel", "ravel", "reciprocal_",
    "round_", "rsqrt_", "rsub", "select", "sigmoid_", "sin_", "sinh_", "split_with_sizes",
    "sqrt_", "square_", "subtract", "swapaxes", "swapdims", "tan_", "tanh_", "true_divide",
    "trunc_", "unflatten", "xlogy_", "bitwise_and", "bitwise_not", "bitwise_or",
    "bitwise_xor", "as_tensor", "asarray", "result_type", "can_cast",
    "is_same_size", "is_conj", "is_neg", "is_inference",
]
# (addmv_, baddbmm_, concatenate, is_nonzero take inputs of other shapes: their own tests cover
# them — test_blas.py, test_joining.py, test_runtime_surface.py)


def _inputs(m, kind):
    """The same values in module ``m``: a (3, 4) matrix in (0.1, 0.9) (every unary function is
    defined there), its partners, and integer/bool versions for the bitwise and logical ops."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0.1, 0.9, (3, 4))
    if kind == "int":
        return m.tensor(rng.integers(0, 7, (3, 4)))
    if kind == "bool":
        return m.tensor(x > 0.5)
    return m.tensor(x)


def _argument_sets(m, kind):
    """Candidate arguments after the input, in the order tried."""
    y = _inputs(m, kind) * (1 if kind != "float" else 0.5) if kind != "bool" else \
        m.tensor(np.random.default_rng(1).uniform(0, 1, (3, 4)) > 0.5)
    if kind == "float":
        y = m.tensor(np.random.default_rng(1).uniform(0.1, 0.9, (3, 4)))
    sq = m.tensor(np.random.default_rng(2).uniform(0.1, 0.9, (4, 4)))
    v4 = m.tensor(np.random.default_rng(3).uniform(0.1, 0.9, 4))
    v3 = m.tensor(np.random.default_rng(4).uniform(0.1, 0.9, 3))
    b3 = m.tensor(np.random.default_rng(5).uniform(0.1, 0.9, (2, 3, 4)))
    b4 = m.tensor(np.random.default_rng(6).uniform(0.1, 0.9, (2, 4, 4)))
    index = m.tensor([0, 2])
    return [(), (y,), (0.5,), (y, y), (y, 0.5), (0, 1), (0,), (1,), (y, sq), (sq, sq), (sq, v4),
            (v3, v4), (b3, b4), (0, index, 0.5), (1, index, m.ones(3, 2, dtype=m.float64)),
            (0, m.zeros(3, 4, dtype=m.int64), y), ((3, 4),), ([1, 2],), (1, (2, 2)),
            (m.float32,), (m.float32, m.float64), (y, y, 0.5)]


def _kind(name):
    if name.startswith(("bitwise", "char")):
        return "int"
    if name.startswith("logical"):
        return "bool"
    return "float"


def _call(m, name, as_method):
    """The first argument set torch accepts (found with torch; the same index is used for
    learntorch), and the result."""
    kind = _kind(name)
    for index, args in enumerate(_argument_sets(m, kind)):
        x = _inputs(m, kind)
        target = getattr(x, name) if as_method else getattr(m, name)
        call_args = args if as_method or name in ("result_type", "can_cast") and not args else \
            (x,) + args
        if name == "can_cast":
            call_args = args
        try:
            result = target(*call_args)
        except Exception:  # noqa: BLE001 — trying argument sets until torch accepts one
            continue
        return index, x, result
    return None


def _plain(value):
    if hasattr(value, "detach") and hasattr(value, "numpy"):
        return value.detach().numpy(), str(value.dtype).split(".")[-1]
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value if not hasattr(value, "is_floating_point") else str(value)


def _compare(ours, theirs):
    a, b = _plain(ours), _plain(theirs)
    if isinstance(b, tuple):
        assert a[1] == b[1], f"dtype {a[1]} != {b[1]}"
        np.testing.assert_allclose(a[0], b[0], rtol=1e-12, atol=1e-12)
    elif isinstance(b, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            np.testing.assert_allclose(x[0], y[0], rtol=1e-12, atol=1e-12)
    else:
        assert str(a) == str(b), f"{a!r} != {b!r}"


def _check(name, as_method):
    found = _call(torch, name, as_method)
    assert found is not None, f"no argument set works in torch for {name}"
    index, tx, theirs = found
    kind = _kind(name)
    args = _argument_sets(lt, kind)[index]
    x = _inputs(lt, kind)
    target = getattr(x, name) if as_method else getattr(lt, name)
    ours = target(*(args if as_method or name == "can_cast" else (x,) + args))
    _compare(ours, theirs)
    _compare(x, tx)  # an in-place twin changed its input as torch's did


@pytest.mark.parametrize("name", TENSOR_METHODS)
def test_tensor_method_equals_torch(name):
    _check(name, as_method=True)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_equals_torch(name):
    _check(name, as_method=False)
