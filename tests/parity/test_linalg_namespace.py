"""``learntorch.linalg`` against ``torch.linalg``: norms, inv/det/solve with gradients,
factorizations (compared up to the sign freedom each one has) and singular-input errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
from helpers import FLOAT_DTYPES, arrays, check_op, check_raises, dims_for, dtypes, shapes

BATCH = st.lists(st.integers(1, 3), max_size=2)
TOL = {"rtol": 1e-4, "atol": 1e-4}


def well_conditioned(draw, batch, n, dt):
    """A diagonally dominant matrix (batch): invertible, with a modest condition number."""
    a = draw(arrays(dt, tuple(batch) + (n, n)))
    return np.asarray(a + np.eye(n, dtype=dt) * (4 * n + 1))


def spd(draw, batch, n, dt):
    """Symmetric positive definite: A Aᵀ + n·I."""
    a = draw(arrays(dt, tuple(batch) + (n, n)))
    return np.asarray(a @ np.swapaxes(a, -1, -2) + n * np.eye(n, dtype=dt))


@settings(max_examples=50)
@given(data=st.data(), shape=shapes(min_dims=1, max_dims=3, min_side=1), dt=dtypes(FLOAT_DTYPES),
       ord=st.sampled_from([2, 1, 3, 0.5, 0, float("inf"), -float("inf")]), keepdim=st.booleans())
def test_vector_norm(data, shape, dt, ord, keepdim):
    x = data.draw(arrays(dt, shape, "nonzero"))
    dim = data.draw(dims_for(len(shape)))
    check_op(lambda t: lt.linalg.vector_norm(t, ord, dim, keepdim),
             lambda t: torch.linalg.vector_norm(t, ord, dim, keepdim), x, **TOL)


@settings(max_examples=40)
@given(data=st.data(), batch=BATCH, n=st.integers(1, 4), m=st.integers(1, 4),
       dt=dtypes(FLOAT_DTYPES), ord=st.sampled_from(["fro", "nuc", 1, -1, 2, -2, float("inf")]),
       keepdim=st.booleans())
def test_matrix_norm(data, batch, n, m, dt, ord, keepdim):
    x = data.draw(arrays(dt, tuple(batch) + (n, m), "nonzero"))
    grad = ord in ("fro", 1, -1, float("inf"))  # svd-based orders: values only near ties
    check_op(lambda t: lt.linalg.matrix_norm(t, ord, keepdim=keepdim),
             lambda t: torch.linalg.matrix_norm(t, ord, keepdim=keepdim), x, grad=grad, **TOL)


@pytest.mark.parametrize("ord, dim", [(None, None), (None, 0), (None, (0, 1)), ("fro", None),
                                      (1, None), (float("inf"), (1, 0)), (3, 1), ("nuc", None)])
def test_norm_picks_vector_or_matrix_norm(ord, dim):
    x = np.array([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]])
    check_op(lambda t: lt.linalg.norm(t, ord, dim), lambda t: torch.linalg.norm(t, ord, dim), x,
             **TOL)


@pytest.mark.parametrize("name", ["inv", "det"])
@settings(max_examples=30)
@given(data=st.data(), batch=BATCH, n=st.integers(1, 4), dt=dtypes(FLOAT_DTYPES))
def test_inv_and_det_differentiate(name, data, batch, n, dt):
    a = well_conditioned(data.draw, batch, n, dt)
    check_op(getattr(lt.linalg, name), getattr(torch.linalg, name), a, rtol=1e-4,
             atol=1e-4 * n ** n if name == "det" else 1e-4)


@settings(max_examples=30)
@given(data=st.data(), batch=BATCH, n=st.integers(1, 4), k=st.integers(1, 3),
       dt=dtypes(FLOAT_DTYPES), vector=st.booleans())
def test_solve_a_vector_or_matrix_right_side(data, batch, n, k, dt, vector):
    a = well_conditioned(data.draw, batch, n, dt)
    b = data.draw(arrays(dt, tuple(batch) + ((n,) if vector else (n, k))))
    check_op(lt.linalg.solve, torch.linalg.solve, a, b, **TOL)


@settings(max_examples=30)
@given(data=st.data(), batch=BATCH, n=st.integers(1, 4), dt=dtypes(FLOAT_DTYPES),
       upper=st.booleans())
def test_cholesky_factor(data, batch, n, dt, upper):
    a = spd(data.draw, batch, n, dt)
    check_op(lambda t: lt.linalg.cholesky(t, upper=upper),
             lambda t: torch.linalg.cholesky(t, upper=upper), a, grad=False, **TOL)


def _abs(result):
    """Factors are unique only up to the sign of each vector: compare magnitudes."""
    return tuple(t.abs() for t in result)


@settings(max_examples=30)
@given(data=st.data(), batch=BATCH, n=st.integers(1, 4), m=st.integers(1, 4),
       dt=dtypes(FLOAT_DTYPES), full=st.booleans())
def test_svd_and_qr_up_to_signs(data, batch, n, m, dt, full):
    a = data.draw(arrays(dt, tuple(batch) + (n, m)))
    a = np.asarray(a + np.eye(n, m, dtype=dt) * 8 * np.arange(1, min(n, m) + 1).max())
    check_op(lambda t: _abs(lt.linalg.svd(t, full_matrices=False)),
             lambda t: _abs(torch.linalg.svd(t, full_matrices=False)), a, grad=False, **TOL)
    check_op(lt.linalg.svdvals, torch.linalg.svdvals, a, grad=False, **TOL)
    mode = "complete" if full else "reduced"
    check_op(lambda t: _abs(lt.linalg.qr(t, mode=mode)),
             lambda t: _abs(torch.linalg.qr(t, mode=mode)), a, grad=False, **TOL)


@settings(max_examples=30)
@given(data=st.data(), batch=BATCH, n=st.integers(1, 4), dt=dtypes(FLOAT_DTYPES))
def test_eigh_of_symmetric_matrices(data, batch, n, dt):
    """eigh's values ascend; its vectors rebuild A (linalg.eig is complex in torch: see
    test_linalg_surface.py)."""
    a = spd(data.draw, batch, n, dt)
    check_op(lambda t: lt.linalg.eigh(t)[0], lambda t: torch.linalg.eigh(t)[0], a, grad=False,
             **TOL)
    w, v = (t.numpy() for t in lt.linalg.eigh(lt.tensor(a)))  # vectors: unique only up to a
    rebuilt = (v * w[..., None, :]) @ np.swapaxes(v, -1, -2)   # rotation on repeated values
    np.testing.assert_allclose(rebuilt, a, rtol=1e-4, atol=1e-3)
    check_op(lt.linalg.eigvalsh, torch.linalg.eigvalsh, a, grad=False, **TOL)


@pytest.mark.parametrize("rank", [0, 1, 2, 3])
def test_matrix_rank(rank):
    rng = np.random.default_rng(rank)
    a = rng.normal(size=(4, rank)) @ rng.normal(size=(rank, 3))
    check_op(lt.linalg.matrix_rank, torch.linalg.matrix_rank, a, grad=False)


# -- singular input and bad shapes ----------------------------------------------------------------
SINGULAR = [np.zeros((2, 2)), np.array([[1.0, 2.0], [2.0, 4.0]]), np.ones((3, 3))]


@pytest.mark.parametrize("matrix", SINGULAR, ids=["zeros", "rank 1", "ones"])
@pytest.mark.parametrize("call", [lambda m, a: m.linalg.inv(a), lambda m, a: m.inverse(a),
                                  lambda m, a: m.linalg.solve(a, m.ones(a.shape[0], dtype=a.dtype))],
                         ids=["linalg.inv", "inverse", "solve"])
def test_singular_matrix_raises_linalg_error(matrix, call):
    """torch raises ``torch.linalg.LinAlgError``, a RuntimeError; learntorch its own twin."""
    with pytest.raises(torch.linalg.LinAlgError):
        call(torch, torch.from_numpy(matrix))
    with pytest.raises(lt.linalg.LinAlgError) as err:
        call(lt, lt.tensor(matrix))
    assert isinstance(err.value, RuntimeError)


def test_cholesky_of_an_indefinite_matrix_names_the_failing_minor():
    a = np.array([[4.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    with pytest.raises(torch.linalg.LinAlgError) as expected:
        torch.linalg.cholesky(torch.from_numpy(a))
    with pytest.raises(lt.linalg.LinAlgError) as got:
        lt.linalg.cholesky(lt.tensor(a))
    assert str(got.value) == str(expected.value).split("\n")[0]


ERRORS = {
    "inv of a non-square matrix": lambda m: m.linalg.inv(m.ones(2, 3)),
    "inv of a vector": lambda m: m.linalg.inv(m.ones(3)),
    "det of integers": lambda m: m.linalg.det(m.ones(3, 3, dtype=m.int64)),
    "solve with a non-square matrix": lambda m: m.linalg.solve(m.ones(2, 3), m.ones(2)),
    "eigh of a non-square matrix": lambda m: m.linalg.eigh(m.ones(2, 3)),
    "vector_norm of integers": lambda m: m.linalg.vector_norm(m.ones(3, dtype=m.int64)),
    "inf norm of an empty tensor": lambda m: m.linalg.vector_norm(m.ones(0), float("inf")),
}


@pytest.mark.parametrize("name", ERRORS)
def test_bad_input_raises_torchs_exception(name):
    call = ERRORS[name]
    check_raises(lambda: call(lt), lambda: call(torch))
