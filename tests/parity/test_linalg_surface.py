"""The rest of torch's linear-algebra surface against torch: the legacy top-level
factorizations (torch.svd, torch.lu, torch.triangular_solve …), the torch.linalg names added
for issue 14 (lu_factor, solve_triangular, matrix_exp, lstsq, the *_ex variants …), distances
(cdist, pdist), the randomized low-rank SVD, and torch's errors and removed functions.

Values, dtypes and shapes (batches, empty matrices) are compared with ``check_op``, which also
backpropagates the same upstream gradient through both libraries; float64 ``gradcheck`` and
``gradgradcheck`` check the backward formulas against finite differences."""
import warnings

import numpy as np
import pytest
import torch

import learntorch as lt
from helpers import check_op, check_raises, first_line
from learntorch.autograd import gradcheck, gradgradcheck

# torch's (and learntorch's) once-per-process deprecation warnings of the legacy spellings
pytestmark = pytest.mark.filterwarnings("ignore:.*(is deprecated|left for JIT).*:UserWarning")

rng = np.random.default_rng(14)
TOL = {"rtol": 1e-4, "atol": 1e-4}
BATCHES = [(), (2,), (2, 1)]


def randn(*shape, dtype="float64"):
    return rng.normal(size=shape).astype(dtype)


def well_conditioned(*shape, dtype="float64"):
    """Diagonally dominant (invertible, modest condition number) matrices."""
    n = shape[-1]
    return (randn(*shape) + (2 * n + 1) * np.eye(n)).astype(dtype)


def spd(*shape, dtype="float64"):
    a = randn(*shape)
    return (a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)


def triangular(*shape, upper, dtype="float64"):
    a = well_conditioned(*shape)
    return (np.triu(a) if upper else np.tril(a)).astype(dtype)


def leaf(a):
    return lt.tensor(a, requires_grad=True)


def signless(result):
    """Factors fixed only up to the sign of each vector: compare magnitudes."""
    return tuple(t.abs() for t in result)


# -- triangular solves ---------------------------------------------------------------------------
@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("unitriangular", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_solve_triangular(upper, left, unitriangular, dtype):
    a = randn(2, 1, 3, 3, dtype=dtype) + 5 * np.eye(3, dtype=dtype)  # the other triangle is ignored
    b = randn(3, 2, dtype=dtype) if left else randn(4, 2, 3, dtype=dtype)
    check_op(lambda A, B: lt.linalg.solve_triangular(A, B, upper=upper, left=left,
                                                     unitriangular=unitriangular),
             lambda A, B: torch.linalg.solve_triangular(A, B, upper=upper, left=left,
                                                        unitriangular=unitriangular), a, b, **TOL)


def test_solve_triangular_casts_b_to_a_dtype_and_zero_diagonal_gives_inf():
    a, b = np.triu(randn(3, 3)), randn(3, 1, dtype="float32")
    check_op(lambda A, B: lt.linalg.solve_triangular(A, B, upper=True),
             lambda A, B: torch.linalg.solve_triangular(A, B, upper=True), a, b, grad=False)
    singular = np.triu(np.ones((2, 2)))
    singular[1, 1] = 0
    ours = lt.linalg.solve_triangular(lt.tensor(singular), lt.ones(2, 1, dtype=lt.float64), upper=True)
    assert not np.isfinite(ours.numpy()).all()


@pytest.mark.parametrize("upper, transpose, unitriangular",
                         [(True, False, False), (False, False, True), (True, True, False),
                          (False, True, True)])
def test_triangular_solve_returns_solution_and_copy(upper, transpose, unitriangular):
    a, b = well_conditioned(2, 3, 3), randn(2, 3, 2)
    check_op(lambda B, A: tuple(lt.triangular_solve(B, A, upper, transpose, unitriangular)),
             lambda B, A: tuple(torch.triangular_solve(B, A, upper, transpose, unitriangular)),
             b, a, **TOL)


# -- LU ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (5, 3), (3, 5), (0, 0), (2, 0, 3)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_lu_factor_and_lu_match_torch(shape, dtype):
    a = randn(*shape, dtype=dtype)
    check_op(lambda A: tuple(lt.linalg.lu_factor_ex(A)), lambda A: tuple(torch.linalg.lu_factor_ex(A)),
             a, **TOL)
    check_op(lambda A: tuple(lt.linalg.lu(A)), lambda A: tuple(torch.linalg.lu(A)), a, **TOL)
    if shape[-1] == shape[-2]:
        check_op(lambda A: tuple(lt.linalg.lu_factor(A)),
                 lambda A: tuple(torch.linalg.lu_factor(A)), a, **TOL)


def test_lu_of_a_singular_matrix_reports_the_zero_pivot():
    s = np.array([[1.0, 2.0], [2.0, 4.0]])
    check_op(lambda A: tuple(lt.linalg.lu_factor_ex(A)), lambda A: tuple(torch.linalg.lu_factor_ex(A)),
             s, grad=False)
    check_raises(lambda: lt.linalg.lu_factor(lt.tensor(s)),
                 lambda: torch.linalg.lu_factor(torch.tensor(s)))


@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3), (5, 3), (3, 5)])
def test_lu_unpack_and_legacy_lu(shape):
    a = randn(*shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        check_op(lambda A: tuple(lt.lu(A, get_infos=True)), lambda A: tuple(torch.lu(A, get_infos=True)),
                 a, **TOL)
        check_op(lambda A: lt.lu(A), lambda A: torch.lu(A), a, **TOL)
    check_op(lambda A: tuple(lt.lu_unpack(*lt.linalg.lu_factor_ex(A)[:2])),
             lambda A: tuple(torch.lu_unpack(*torch.linalg.lu_factor_ex(A)[:2])), a, **TOL)
    LU, piv = torch.linalg.lu_factor_ex(torch.tensor(a))[:2]
    ours = lt.lu_unpack(lt.tensor(LU.numpy()), lt.tensor(piv.numpy()), unpack_data=False)
    theirs = torch.lu_unpack(LU, piv, unpack_data=False)
    assert [tuple(t.shape) for t in ours] == [tuple(t.shape) for t in theirs]


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [False, True])
def test_lu_solve(left, adjoint):
    a = well_conditioned(2, 3, 3)
    b = randn(2, 3, 2) if left else randn(2, 2, 3)
    check_op(lambda A, B: lt.linalg.lu_solve(*lt.linalg.lu_factor(A), B, left=left, adjoint=adjoint),
             lambda A, B: torch.linalg.lu_solve(*torch.linalg.lu_factor(A), B, left=left,
                                                adjoint=adjoint), a, b, **TOL)
    if left and not adjoint:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            check_op(lambda A, B: lt.lu_solve(B, *lt.linalg.lu_factor(A)),
                     lambda A, B: torch.lu_solve(B, *torch.linalg.lu_factor(A)), a, b, **TOL)


# -- determinants, inverses and solves with info --------------------------------------------------
@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_slogdet_logdet_det(batch, dtype):
    a = randn(*batch, 3, 3, dtype=dtype)
    check_op(lambda A: tuple(lt.linalg.slogdet(A)), lambda A: tuple(torch.linalg.slogdet(A)), a, **TOL)
    check_op(lambda A: tuple(lt.slogdet(A)), lambda A: tuple(torch.slogdet(A)), a, **TOL)
    check_op(lambda A: tuple(A.slogdet()), lambda A: tuple(A.slogdet()), a, **TOL)
    check_op(lt.logdet, torch.logdet, a, **TOL)  # NaN for a negative determinant
    check_op(lambda A: A.logdet(), lambda A: A.logdet(), spd(*batch, 3, 3, dtype=dtype), **TOL)
    check_op(lt.det, torch.det, a, **TOL)


def test_determinants_of_empty_and_singular_matrices():
    check_op(lambda A: tuple(lt.linalg.slogdet(A)), lambda A: tuple(torch.linalg.slogdet(A)),
             np.zeros((2, 0, 0)))
    singular = np.array([[[1.0, 2.0], [2.0, 4.0]], [[2.0, 1.0], [0.5, 3.0]]])
    check_op(lt.logdet, torch.logdet, singular, grad=False)
    rank_two = randn(3, 2) @ randn(2, 3)  # its det's gradient is the cofactor matrix, not inf
    check_op(lt.linalg.det, torch.linalg.det, np.stack([rank_two, well_conditioned(3, 3)]), **TOL)
    check_op(lt.linalg.det, torch.linalg.det, np.zeros((3, 3)), **TOL)


def test_inv_ex_solve_ex_cholesky_ex_report_info():
    s = np.array([[1.0, 2.0], [2.0, 4.0]])
    batch = np.stack([np.eye(2), s])
    check_op(lambda A: tuple(lt.linalg.inv_ex(A)), lambda A: tuple(torch.linalg.inv_ex(A)), batch,
             grad=False)
    check_op(lambda A: tuple(lt.linalg.solve_ex(A, lt.ones(2, dtype=A.dtype))),
             lambda A: tuple(torch.linalg.solve_ex(A, torch.ones(2, dtype=A.dtype))), batch,
             grad=False)
    indefinite = np.array([[4.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    check_op(lambda A: tuple(lt.linalg.cholesky_ex(A)), lambda A: tuple(torch.linalg.cholesky_ex(A)),
             np.stack([np.eye(3), indefinite]), grad=False)
    a = well_conditioned(2, 3, 3)
    check_op(lambda A: tuple(lt.linalg.inv_ex(A)), lambda A: tuple(torch.linalg.inv_ex(A)), a, **TOL)
    check_op(lambda A: tuple(lt.linalg.cholesky_ex(A, upper=True)),
             lambda A: tuple(torch.linalg.cholesky_ex(A, upper=True)), spd(2, 3, 3), **TOL)
    check_op(lambda A, B: tuple(lt.linalg.solve_ex(A, B, left=False)),
             lambda A, B: tuple(torch.linalg.solve_ex(A, B, left=False)), a, randn(2, 4, 3), **TOL)


def check_linalg_error(lt_fn, torch_fn):
    """torch raises torch.linalg.LinAlgError, learntorch its twin (both RuntimeErrors)."""
    with pytest.raises(torch.linalg.LinAlgError) as expected:
        torch_fn()
    with pytest.raises(lt.linalg.LinAlgError) as got:
        lt_fn()
    assert isinstance(got.value, RuntimeError)
    assert str(got.value) == first_line(expected.value)


@pytest.mark.parametrize("call", ["inv", "solve", "cholesky", "inv_ex", "solve_ex", "cholesky_ex"])
def test_singular_batch_element_is_named(call):
    s = np.array([[4.0, 2.0], [2.0, 1.0]])
    batch = np.stack([np.eye(2), s])
    calls = {
        "inv": lambda m, A: m.linalg.inv(A),
        "solve": lambda m, A: m.linalg.solve(A, m.ones(2, dtype=A.dtype)),
        "cholesky": lambda m, A: m.linalg.cholesky(A),
        "inv_ex": lambda m, A: m.linalg.inv_ex(A, check_errors=True),
        "solve_ex": lambda m, A: m.linalg.solve_ex(A, m.ones(2, dtype=A.dtype), check_errors=True),
        "cholesky_ex": lambda m, A: m.linalg.cholesky_ex(A[1], check_errors=True),
    }
    check_linalg_error(lambda: calls[call](lt, lt.tensor(batch)),
                       lambda: calls[call](torch, torch.tensor(batch)))


# -- Cholesky family -----------------------------------------------------------------------------
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cholesky_solve_inverse_and_legacy_cholesky(upper, dtype):
    a = spd(2, 3, 3, dtype=dtype)
    factor = np.linalg.cholesky(a)
    factor = np.swapaxes(factor, -1, -2).copy() if upper else factor
    b = randn(2, 3, 2, dtype=dtype)
    check_op(lambda B, L: lt.cholesky_solve(B, L, upper), lambda B, L: torch.cholesky_solve(B, L, upper),
             b, factor, **TOL)
    check_op(lambda L: lt.cholesky_inverse(L, upper), lambda L: torch.cholesky_inverse(L, upper),
             factor, **TOL)
    check_op(lambda L: L.cholesky_inverse(upper), lambda L: L.cholesky_inverse(upper), factor, **TOL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        check_op(lambda A: lt.cholesky(A, upper), lambda A: torch.cholesky(A, upper), a, **TOL)


# -- matrix functions ------------------------------------------------------------------------------
@pytest.mark.parametrize("shape, scale", [((3, 3), 1.0), ((2, 4, 4), 0.3), ((3, 3), 8.0),
                                          ((1, 1), 2.0), ((0, 0), 1.0)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_matrix_exp(shape, scale, dtype):
    a = (randn(*shape) * scale).astype(dtype)
    check_op(lt.linalg.matrix_exp, torch.linalg.matrix_exp, a, rtol=1e-4, atol=1e-4 * scale ** 3)
    check_op(lt.matrix_exp, torch.matrix_exp, a, grad=False, rtol=1e-4, atol=1e-4 * scale ** 3)


@pytest.mark.parametrize("n", [0, 1, 2, 5, -1, -3])
def test_matrix_power(n):
    a = well_conditioned(2, 3, 3) / 7
    check_op(lambda A: lt.linalg.matrix_power(A, n), lambda A: torch.linalg.matrix_power(A, n), a,
             **TOL)
    check_op(lambda A: A.matrix_power(n), lambda A: A.matrix_power(n), a, grad=False, **TOL)
    if n >= 0:
        ints = rng.integers(-3, 4, size=(3, 3))
        check_op(lambda A: lt.matrix_power(A, n), lambda A: torch.matrix_power(A, n), ints)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4), (2, 3, 5)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_pinv_and_pinverse(shape, dtype):
    a = randn(*shape, dtype=dtype)
    check_op(lt.linalg.pinv, torch.linalg.pinv, a, **TOL)
    check_op(lt.pinverse, torch.pinverse, a, **TOL)
    check_op(lambda A: A.pinverse(), lambda A: A.pinverse(), a, grad=False, **TOL)


def test_pinv_tolerances_and_hermitian():
    low_rank = randn(4, 2) @ randn(2, 4)
    check_op(lt.linalg.pinv, torch.linalg.pinv, low_rank, grad=False, **TOL)
    check_op(lambda A: lt.linalg.pinv(A, atol=1.0), lambda A: torch.linalg.pinv(A, atol=1.0),
             low_rank, grad=False, **TOL)
    check_op(lambda A: lt.linalg.pinv(A, rtol=0.5), lambda A: torch.linalg.pinv(A, rtol=0.5),
             low_rank, grad=False, **TOL)
    sym = spd(3, 3) - 4 * np.eye(3)
    check_op(lambda A: lt.linalg.pinv(A, hermitian=True), lambda A: torch.linalg.pinv(A, hermitian=True),
             sym, **TOL)


@pytest.mark.parametrize("driver", [None, "gels", "gelsy", "gelsd", "gelss"])
@pytest.mark.parametrize("shape, rhs", [((5, 3), (5, 2)), ((2, 5, 3), (2, 5, 2)), ((3, 5), (3, 2)),
                                        ((5, 3), (5,))])
def test_lstsq_outputs_per_driver(driver, shape, rhs):
    a, b = randn(*shape), randn(*rhs)
    check_op(lambda A, B: tuple(lt.linalg.lstsq(A, B, driver=driver)),
             lambda A, B: tuple(torch.linalg.lstsq(A, B, driver=driver)), a, b, **TOL)


@pytest.mark.parametrize("kwargs", [{}, {"atol": 1.0}, {"rtol": 0.3}, {"atol": 0.5, "rtol": 0.1},
                                    {"hermitian": True}, {"hermitian": True, "atol": 2.0}])
def test_matrix_rank_tolerances(kwargs):
    a = randn(2, 5, 3) @ randn(2, 3, 5)
    a = a + np.swapaxes(a, -1, -2) if kwargs.get("hermitian") else a
    check_op(lambda A: lt.linalg.matrix_rank(A, **kwargs),
             lambda A: torch.linalg.matrix_rank(A, **kwargs), a, grad=False)


def test_lstsq_rank_deficient_gives_the_minimum_norm_solution():
    a = randn(5, 2) @ randn(2, 3)
    b = randn(5, 2)
    check_op(lambda A, B: tuple(lt.linalg.lstsq(A, B, driver="gelsd")),
             lambda A, B: tuple(torch.linalg.lstsq(A, B, driver="gelsd")), a, b, grad=False, **TOL)


# -- Householder reflectors ------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(4, 3), (2, 5, 2), (3, 3)])
def test_geqrf_householder_product_orgqr(shape):
    a = randn(*shape)
    check_op(lambda A: tuple(lt.geqrf(A)), lambda A: tuple(torch.geqrf(A)), a, grad=False, **TOL)
    check_op(lambda A: tuple(A.geqrf()), lambda A: tuple(A.geqrf()), a, grad=False, **TOL)
    h, tau = (t.numpy() for t in torch.geqrf(torch.tensor(a)))
    check_op(lt.linalg.householder_product, torch.linalg.householder_product, h, tau, **TOL)
    check_op(lt.orgqr, torch.orgqr, h, tau[..., :1], **TOL)


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("transpose", [False, True])
def test_ormqr(left, transpose):
    h, tau = (t.numpy() for t in torch.geqrf(torch.tensor(randn(2, 4, 3))))
    c = randn(2, 4, 2) if left else randn(2, 2, 4)
    check_op(lambda H, T, C: lt.ormqr(H, T, C, left, transpose),
             lambda H, T, C: torch.ormqr(H, T, C, left, transpose), h, tau, c, **TOL)


# -- legacy spellings of the factorizations ------------------------------------------------------
@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 3, 3)])
@pytest.mark.parametrize("some", [True, False])
def test_torch_svd_and_qr(shape, some):
    a = randn(*shape) + 6 * np.eye(*shape[-2:])
    check_op(lambda A: signless(lt.svd(A, some)), lambda A: signless(torch.svd(A, some)), a,
             grad=False, **TOL)
    check_op(lambda A: tuple(lt.svd(A, compute_uv=False)), lambda A: tuple(torch.svd(A, compute_uv=False)),
             a, grad=False, **TOL)
    check_op(lambda A: lt.svd(A)[1], lambda A: torch.svd(A)[1], a, **TOL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        check_op(lambda A: signless(lt.qr(A, some)), lambda A: signless(torch.qr(A, some)), a,
                 grad=False, **TOL)
    assert type(lt.svd(lt.tensor(a))).__name__ == "svd"
    assert repr(lt.linalg.svd(lt.eye(2))).startswith("torch.return_types.linalg_svd(")


# -- products, reshaped systems, norms ------------------------------------------------------------
def test_products_and_the_rest_of_the_namespace():
    x, y = randn(2, 3, 4), randn(3, 4)
    check_op(lambda a, b: lt.linalg.vecdot(a, b), lambda a, b: torch.linalg.vecdot(a, b), x, y)
    check_op(lambda a, b: lt.linalg.vecdot(a, b, dim=-2), lambda a, b: torch.linalg.vecdot(a, b, dim=-2),
             x, y)
    check_op(lambda a: lt.linalg.diagonal(a, offset=1), lambda a: torch.linalg.diagonal(a, offset=1), x)
    check_op(lt.linalg.matmul, torch.linalg.matmul, x, randn(4, 2))
    mats = [randn(2, 5), randn(5, 3), randn(3, 7), randn(7, 1)]
    check_op(lambda *m: lt.linalg.multi_dot(m), lambda *m: torch.linalg.multi_dot(m), *mats)
    vecs = [randn(5), randn(5, 3), randn(3)]
    check_op(lambda *m: lt.linalg.multi_dot(m), lambda *m: torch.linalg.multi_dot(m), *vecs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        check_op(lambda *m: lt.chain_matmul(*m), lambda *m: torch.chain_matmul(*m), *mats)
    check_op(lambda a: lt.linalg.tensorinv(a, ind=1), lambda a: torch.linalg.tensorinv(a, ind=1),
             well_conditioned(4, 4).reshape(4, 2, 2), **TOL)
    check_op(lambda a, b: lt.linalg.tensorsolve(a, b), lambda a, b: torch.linalg.tensorsolve(a, b),
             well_conditioned(6, 6).reshape(2, 3, 6), randn(2, 3), **TOL)
    check_op(lambda a, b: lt.linalg.tensorsolve(a, b, dims=(0,)),
             lambda a, b: torch.linalg.tensorsolve(a, b, dims=(0,)),
             well_conditioned(6, 6).reshape(6, 2, 3), randn(2, 3), **TOL)
    check_op(lambda a: lt.linalg.vander(a), lambda a: torch.linalg.vander(a), randn(2, 3))
    check_op(lambda a: lt.linalg.vander(a, N=5), lambda a: torch.linalg.vander(a, N=5),
             rng.integers(-3, 4, size=(4,)))
    assert lt.linalg.common_notes == torch.linalg.common_notes


@pytest.mark.parametrize("p", [None, 2, -2, 1, -1, float("inf"), float("-inf"), "fro", "nuc"])
def test_cond(p):
    a = well_conditioned(2, 3, 3)
    svd_based = p in (None, 2, -2)  # torch's other orders fill the inverse in place: no backward
    check_op(lambda A: lt.linalg.cond(A, p), lambda A: torch.linalg.cond(A, p), a, grad=svd_based,
             **TOL)
    if p in (None, 2, -2):
        check_op(lambda A: lt.linalg.cond(A, p), lambda A: torch.linalg.cond(A, p), randn(3, 5),
                 grad=False, **TOL)
    if p in (1, float("inf")):
        check_op(lambda A: lt.linalg.cond(A, p), lambda A: torch.linalg.cond(A, p),
                 np.array([[1.0, 2.0], [2.0, 4.0]]), grad=False)


def test_deprecated_norms_and_norm_except_dim():
    a = randn(2, 3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        check_op(lambda x: lt.frobenius_norm(x, (1, 2)), lambda x: torch.frobenius_norm(x, (1, 2)), a)
        check_op(lambda x: lt.frobenius_norm(x, (0, 2), True),
                 lambda x: torch.frobenius_norm(x, (0, 2), True), a)
        check_op(lambda x: lt.nuclear_norm(x[0]), lambda x: torch.nuclear_norm(x[0]), a, **TOL)
        check_op(lambda x: lt.nuclear_norm(x, True), lambda x: torch.nuclear_norm(x, True), a, **TOL)
        check_op(lambda x: lt.nuclear_norm(x, (0, 2), True),
                 lambda x: torch.nuclear_norm(x, (0, 2), True), a, **TOL)
    for pow_, dim in [(2, 0), (3, 1), (2, -1), (1, 2)]:
        check_op(lambda x: lt.norm_except_dim(x, pow_, dim),
                 lambda x: torch.norm_except_dim(x, pow_, dim), a)


def test_adjoint_mH_and_H():
    a = randn(2, 3, 4)
    check_op(lt.adjoint, torch.adjoint, a)
    check_op(lambda x: x.adjoint(), lambda x: x.adjoint(), a)
    check_op(lambda x: x.mH, lambda x: x.mH, a)
    check_op(lambda x: x[0].H, lambda x: x[0].H, a)
    for call in (lambda m: m.ones(3).H, lambda m: m.ones(2, 2, 2).H, lambda m: m.ones(3).mH,
                 lambda m: m.adjoint(m.ones(3))):
        check_raises(lambda: call(lt), lambda: call(torch))


# -- distances -----------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [2.0, 1.0, 0.5, 3.0, float("inf"), 0.0])
@pytest.mark.parametrize("mode", ["use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                                  "donot_use_mm_for_euclid_dist"])
@pytest.mark.parametrize("sizes", [((5, 3), (4, 3)), ((2, 30, 3), (1, 4, 3)), ((0, 3), (4, 3))])
def test_cdist(p, mode, sizes):
    x1, x2 = randn(*sizes[0]), randn(*sizes[1])
    check_op(lambda a, b: lt.cdist(a, b, p, mode), lambda a, b: torch.cdist(a, b, p, mode), x1, x2,
             grad=p != 0.0, rtol=1e-6, atol=1e-6)


def test_cdist_equal_rows_have_zero_gradient_as_torch():
    x = randn(4, 3)
    for mode in ("use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"):
        check_op(lambda a, b: lt.cdist(a, b, compute_mode=mode),
                 lambda a, b: torch.cdist(a, b, compute_mode=mode), x, x.copy(), atol=1e-6)


@pytest.mark.parametrize("p", [2, 1, 3, float("inf")])
def test_pdist_pairwise_distance_cosine_similarity(p):
    x, y = randn(5, 3), randn(5, 3)
    check_op(lambda a: lt.pdist(a, p), lambda a: torch.pdist(a, p), x)
    check_op(lambda a, b: lt.pairwise_distance(a, b, p), lambda a, b: torch.pairwise_distance(a, b, p),
             x, y)
    check_op(lambda a, b: lt.cosine_similarity(a, b), lambda a, b: torch.cosine_similarity(a, b), x, y)


# -- randomized low-rank SVD, seeded --------------------------------------------------------------
@pytest.mark.parametrize("shape", [(8, 5), (5, 8), (2, 9, 6)])
def test_svd_lowrank_and_pca_lowrank_draw_torchs_numbers(shape):
    a = randn(*shape)
    lt.manual_seed(7)
    torch.manual_seed(7)
    check_op(lambda A: signless(lt.svd_lowrank(A, q=3)), lambda A: signless(torch.svd_lowrank(A, q=3)),
             a, grad=False, **TOL)
    check_op(lambda A: signless(lt.pca_lowrank(A, q=3)), lambda A: signless(torch.pca_lowrank(A, q=3)),
             a, grad=False, **TOL)
    assert np.array_equal(lt.randn(3).numpy(), torch.randn(3, dtype=torch.float32).numpy())
    check_raises(lambda: lt.pca_lowrank(lt.tensor(a), q=99), lambda: torch.pca_lowrank(torch.tensor(a), q=99))


# -- gradients: float64 gradcheck and gradgradcheck ----------------------------------------------
def _sym_pd(X):
    return X @ X.mT + X.shape[-1] * lt.eye(X.shape[-1], dtype=X.dtype)


GRADCHECKS = {
    "solve_triangular": (lambda A, B: lt.linalg.solve_triangular(A, B, upper=True),
                         lambda: (well_conditioned(2, 3, 3), randn(3, 2))),
    "solve_triangular right unit": (
        lambda A, B: lt.linalg.solve_triangular(A, B, upper=False, left=False, unitriangular=True),
        lambda: (well_conditioned(3, 3), randn(2, 3))),
    "triangular_solve transpose": (lambda A, B: lt.triangular_solve(B, A, False, True)[0],
                                   lambda: (well_conditioned(3, 3), randn(3, 2))),
    "lu_factor": (lambda A: lt.linalg.lu_factor(A)[0], lambda: (randn(2, 3, 3),)),
    "lu square": (lambda A: lt.linalg.lu(A)[1:], lambda: (randn(3, 3),)),
    "lu wide": (lambda A: lt.linalg.lu(A)[1:], lambda: (randn(3, 5),)),
    "lu tall": (lambda A: lt.linalg.lu(A)[1:], lambda: (randn(5, 3),)),
    "lu U only": (lambda A: lt.linalg.lu(A)[2], lambda: (randn(3, 4),)),
    "lu L only": (lambda A: lt.linalg.lu(A)[1], lambda: (randn(4, 3),)),
    "lu_solve": (lambda A, B: lt.linalg.lu_solve(*lt.linalg.lu_factor(A), B, adjoint=True),
                 lambda: (well_conditioned(3, 3), randn(3, 2))),
    "lu_unpack": (lambda LU: lt.lu_unpack(LU, lt.tensor(np.array([2, 3, 3], dtype=np.int32)))[1:],
                  lambda: (randn(3, 3),)),
    "slogdet": (lambda A: lt.linalg.slogdet(A)[1], lambda: (randn(2, 3, 3),)),
    "logdet": (lambda X: lt.logdet(_sym_pd(X)), lambda: (randn(3, 3),)),
    "det singular": (lt.linalg.det, lambda: (randn(3, 2) @ randn(2, 3),)),
    "matrix_power": (lambda A: lt.linalg.matrix_power(A, 3), lambda: (randn(2, 3, 3),)),
    "matrix_power negative": (lambda A: lt.linalg.matrix_power(A, -2), lambda: (well_conditioned(3, 3),)),
    "matrix_exp": (lt.linalg.matrix_exp, lambda: (randn(2, 3, 3),)),
    "pinv wide": (lt.linalg.pinv, lambda: (randn(2, 4),)),
    "pinv tall": (lt.pinverse, lambda: (randn(4, 2),)),
    "lstsq": (lambda A, B: lt.linalg.lstsq(A, B).solution, lambda: (randn(5, 3), randn(5, 2))),
    "cholesky_solve": (lambda B, X: lt.cholesky_solve(B, lt.linalg.cholesky(_sym_pd(X))),
                       lambda: (randn(3, 2), randn(3, 3))),
    # torch's gradient for the factor is not masked to its triangle: check it on a triangle
    "cholesky_solve upper factor": (lambda B, X: lt.cholesky_solve(B, X.triu(), True),
                                    lambda: (randn(3, 2), well_conditioned(3, 3))),
    "cholesky_inverse": (lambda X: lt.cholesky_inverse(X.tril()),
                         lambda: (well_conditioned(2, 3, 3),)),
    "householder_product": (lt.linalg.householder_product, lambda: (randn(4, 3), randn(2))),
    "ormqr": (lambda H, T, C: lt.ormqr(H, T, C, False, True), lambda: (randn(4, 3), randn(3), randn(2, 4))),
    "cdist mm": (lambda a, b: lt.cdist(a, b, compute_mode="use_mm_for_euclid_dist"),
                 lambda: (randn(3, 2), randn(4, 2))),
    "cdist p=3": (lambda a, b: lt.cdist(a, b, 3.0), lambda: (randn(2, 3, 2), randn(4, 2))),
    "pdist": (lambda a: lt.pdist(a, 1.5), lambda: (randn(4, 3),)),
}


@pytest.mark.parametrize("name", GRADCHECKS)
def test_gradcheck(name):
    fn, make = GRADCHECKS[name]
    inputs = tuple(leaf(a) for a in make())
    assert gradcheck(fn, inputs)


@pytest.mark.parametrize("name", ["solve_triangular", "lu square", "slogdet", "matrix_exp",
                                  "pinv wide", "cholesky_inverse", "cholesky_solve upper factor",
                                  "householder_product", "cdist mm"])
def test_gradgradcheck(name):
    fn, make = GRADCHECKS[name]
    inputs = tuple(leaf(a) for a in make())
    assert gradgradcheck(fn, inputs)


# -- removed functions, unsupported complex results, deprecation warnings --------------------------
REMOVED = {
    "torch.solve": lambda m, a: m.solve(a, a),
    "torch.lstsq": lambda m, a: m.lstsq(a, a),
    "torch.eig": lambda m, a: m.eig(a),
    "torch.symeig": lambda m, a: m.symeig(a),
    "torch.matrix_rank": lambda m, a: m.matrix_rank(a),
    "Tensor.solve": lambda m, a: a.solve(a),
    "Tensor.lstsq": lambda m, a: a.lstsq(a),
    "Tensor.eig": lambda m, a: a.eig(True),
    "Tensor.symeig": lambda m, a: a.symeig(),
}


@pytest.mark.parametrize("name", REMOVED)
def test_removed_functions_raise_torchs_message(name):
    call = REMOVED[name]
    lt_err, torch_err = check_raises(lambda: call(lt, lt.eye(3)), lambda: call(torch, torch.eye(3)),
                                     exact_message=False)
    assert str(lt_err) == str(torch_err)


@pytest.mark.parametrize("name", ["eig", "eigvals"])
def test_eig_needs_complex_dtypes_and_says_so(name):
    with pytest.raises(RuntimeError, match="learntorch has no complex linear algebra"):
        getattr(lt.linalg, name)(lt.eye(3))  # all real here, but torch would return cfloat
    assert getattr(torch.linalg, name)(torch.eye(3))[0].is_complex()


@pytest.mark.parametrize("name, call", [
    ("qr", lambda m, a: m.qr(a)), ("cholesky", lambda m, a: m.cholesky(a)),
    ("lu", lambda m, a: m.lu(a)), ("triangular_solve", lambda m, a: m.triangular_solve(a, a)),
    ("chain_matmul", lambda m, a: m.chain_matmul(a, a)),
    ("frobenius_norm", lambda m, a: m.frobenius_norm(a, (0, 1))),
    ("nuclear_norm", lambda m, a: m.nuclear_norm(a)),
    ("lu_solve", lambda m, a: m.lu_solve(a, *m.linalg.lu_factor(a)))])
def test_deprecated_spellings_warn_once_with_torchs_text(name, call):
    from learntorch.ops import linalg as ops_linalg
    ops_linalg._WARNED.discard(name)
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        call(lt, lt.eye(3, dtype=lt.float64))
        call(lt, lt.eye(3, dtype=lt.float64))
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        call(torch, torch.eye(3, dtype=torch.float64))
    assert len(ours) == 1 and ours[0].category is UserWarning
    if theirs:  # torch warns once per process: only the first test run sees its text
        assert str(theirs[0].message).startswith(str(ours[0].message))


# -- bad input: torch's exception type and wording -----------------------------------------------
ERRORS = {
    "solve_triangular vector B": lambda m: m.linalg.solve_triangular(m.eye(3), m.ones(3), upper=True),
    "solve_triangular shapes": lambda m: m.linalg.solve_triangular(m.eye(3), m.ones(2, 1), upper=True),
    "solve_triangular right shapes": lambda m: m.linalg.solve_triangular(m.eye(3), m.ones(3, 1),
                                                                         upper=True, left=False),
    "solve_triangular non-square": lambda m: m.linalg.solve_triangular(m.ones(2, 3), m.ones(2, 1),
                                                                       upper=True),
    "triangular_solve vector": lambda m: m.triangular_solve(m.ones(3), m.eye(3)),
    "triangular_solve dtypes": lambda m: m.triangular_solve(m.ones(3, 1, dtype=m.float64), m.eye(3)),
    "lu of a vector": lambda m: m.linalg.lu(m.ones(3)),
    "lu without pivoting": lambda m: m.linalg.lu_factor(m.eye(2), pivot=False),
    "lu_unpack int64 pivots": lambda m: m.lu_unpack(m.eye(3), m.ones(3, dtype=m.int64)),
    "lu_solve vector B": lambda m: m.linalg.lu_solve(m.eye(3), m.ones(3, dtype=m.int32), m.ones(3)),
    "lu_solve shapes": lambda m: m.linalg.lu_solve(m.eye(3), m.ones(3, dtype=m.int32), m.ones(2, 1)),
    "slogdet non-square": lambda m: m.linalg.slogdet(m.ones(2, 3)),
    "matrix_exp vector": lambda m: m.linalg.matrix_exp(m.ones(3)),
    "matrix_exp non-square": lambda m: m.linalg.matrix_exp(m.ones(2, 3)),
    "matrix_exp integers": lambda m: m.linalg.matrix_exp(m.ones(2, 2, dtype=m.int64)),
    "matrix_power vector": lambda m: m.linalg.matrix_power(m.ones(3), 2),
    "matrix_power non-square": lambda m: m.linalg.matrix_power(m.ones(2, 3), 2),
    "matrix_power negative integers": lambda m: m.linalg.matrix_power(m.ones(2, 2, dtype=m.int64), -1),
    "pinv vector": lambda m: m.linalg.pinv(m.ones(3)),
    "lstsq driver": lambda m: m.linalg.lstsq(m.ones(5, 3), m.ones(5, 2), driver="foo"),
    "lstsq shapes": lambda m: m.linalg.lstsq(m.ones(5, 3), m.ones(4, 2)),
    "lstsq vector A": lambda m: m.linalg.lstsq(m.ones(5), m.ones(5)),
    "lstsq dtypes": lambda m: m.linalg.lstsq(m.ones(5, 3), m.ones(5, 2, dtype=m.float64)),
    "householder wide": lambda m: m.linalg.householder_product(m.ones(3, 4), m.ones(2)),
    "householder tau": lambda m: m.linalg.householder_product(m.ones(4, 3), m.ones(4)),
    "householder dtypes": lambda m: m.linalg.householder_product(m.ones(3, 3), m.ones(3, dtype=m.float64)),
    "ormqr shapes": lambda m: m.ormqr(m.ones(3, 3), m.ones(3), m.ones(2, 3)),
    "geqrf vector": lambda m: m.geqrf(m.ones(3)),
    "cholesky_inverse vector": lambda m: m.cholesky_inverse(m.ones(3)),
    "cholesky_inverse non-square": lambda m: m.cholesky_inverse(m.ones(2, 3)),
    "cholesky_solve vector": lambda m: m.cholesky_solve(m.ones(3), m.eye(3)),
    "inv_ex non-square": lambda m: m.linalg.inv_ex(m.ones(2, 3)),
    "solve dtypes": lambda m: m.linalg.solve(m.eye(3), m.ones(3, dtype=m.float64)),
    "cholesky_ex integers": lambda m: m.linalg.cholesky_ex(m.ones(3, 3, dtype=m.int64)),
    "vecdot integers": lambda m: m.linalg.vecdot(m.ones(3, dtype=m.int64), m.ones(3, dtype=m.int64)),
    "vecdot dtypes": lambda m: m.linalg.vecdot(m.ones(3), m.ones(3, dtype=m.float64)),
    "multi_dot one": lambda m: m.linalg.multi_dot([m.ones(2, 2)]),
    "multi_dot shapes": lambda m: m.linalg.multi_dot([m.ones(2, 2), m.ones(3, 2)]),
    "multi_dot 3-D": lambda m: m.linalg.multi_dot([m.ones(2, 2, 2), m.ones(2, 2)]),
    "multi_dot middle vector": lambda m: m.linalg.multi_dot([m.ones(2, 2), m.ones(2), m.ones(2, 2)]),
    "multi_dot dtypes": lambda m: m.linalg.multi_dot([m.ones(2, 2), m.ones(2, 2, dtype=m.float64)]),
    "tensorinv ind": lambda m: m.linalg.tensorinv(m.ones(4, 2, 2), ind=0),
    "tensorinv shape": lambda m: m.linalg.tensorinv(m.ones(4, 2, 3), ind=1),
    "tensorsolve shape": lambda m: m.linalg.tensorsolve(m.ones(2, 3, 6), m.ones(2, 4)),
    "cond vector": lambda m: m.linalg.cond(m.ones(3)),
    "cond non-square fro": lambda m: m.linalg.cond(m.ones(2, 3), "fro"),
    "cond non-square 1": lambda m: m.linalg.cond(m.ones(2, 3), 1),
    "cond bad ord": lambda m: m.linalg.cond(m.ones(3, 3), "foo"),
    "vander N": lambda m: m.linalg.vander(m.ones(3), N=1),
    "cdist columns": lambda m: m.cdist(m.ones(3, 2), m.ones(4, 3)),
    "cdist vector": lambda m: m.cdist(m.ones(3), m.ones(4, 3)),
    "cdist negative p": lambda m: m.cdist(m.ones(3, 2), m.ones(4, 2), p=-1),
    "cdist integers": lambda m: m.cdist(m.ones(3, 2, dtype=m.int64), m.ones(4, 2, dtype=m.int64)),
    "cdist mode": lambda m: m.cdist(m.ones(3, 2), m.ones(4, 2), compute_mode="x"),
    "matrix_rank vector": lambda m: m.linalg.matrix_rank(m.ones(3)),
    "matrix_rank integers": lambda m: m.linalg.matrix_rank(m.ones(3, 3, dtype=m.int64)),
    "cdist dtypes": lambda m: m.cdist(m.ones(3, 2), m.ones(4, 2, dtype=m.float64)),
    "cholesky_solve non-square": lambda m: m.cholesky_solve(m.ones(3, 1), m.ones(3, 2)),
    "cholesky_solve sizes": lambda m: m.cholesky_solve(m.ones(2, 1), m.eye(3)),
    "cholesky_solve dtypes": lambda m: m.cholesky_solve(m.ones(3, 1, dtype=m.float64), m.eye(3)),
    "cholesky_inverse integers": lambda m: m.cholesky_inverse(m.ones(3, 3, dtype=m.int64)),
    "geqrf integers": lambda m: m.geqrf(m.ones(3, 3, dtype=m.int64)),
    "lu integers": lambda m: m.linalg.lu_factor(m.ones(3, 3, dtype=m.int64)),
    "solve_triangular integers": lambda m: m.linalg.solve_triangular(
        m.ones(3, 3, dtype=m.int64), m.ones(3, 1, dtype=m.int64), upper=True),
    "householder integers": lambda m: m.linalg.householder_product(m.ones(3, 3, dtype=m.int64),
                                                                   m.ones(3, dtype=m.int64)),
    "householder tau ndim": lambda m: m.linalg.householder_product(m.ones(3, 3), m.ones(1, 3)),
    "ormqr vector other": lambda m: m.ormqr(m.ones(3, 3), m.ones(3), m.ones(3)),
    "ormqr right shapes": lambda m: m.ormqr(m.ones(3, 3), m.ones(3), m.ones(2, 2), left=False),
    "ormqr tau length": lambda m: m.ormqr(m.ones(4, 3), m.ones(2), m.ones(4, 2)),
    "ormqr tau ndim": lambda m: m.ormqr(m.ones(4, 3), m.ones(1, 3), m.ones(4, 2)),
    "ormqr dtypes": lambda m: m.ormqr(m.ones(3, 3), m.ones(3, dtype=m.float64), m.ones(3, 2)),
    "triangular_solve non-square": lambda m: m.triangular_solve(m.ones(3, 1), m.ones(3, 2)),
    "lu_solve non-square": lambda m: m.linalg.lu_solve(m.ones(3, 2), m.ones(2, dtype=m.int32),
                                                       m.ones(3, 1)),
    "lu_solve int64 pivots": lambda m: m.linalg.lu_solve(m.eye(3), m.ones(3, dtype=m.int64),
                                                         m.ones(3, 1)),
    "logdet integers": lambda m: m.logdet(m.ones(3, 3, dtype=m.int64)),
    "torch.svd vector": lambda m: m.svd(m.ones(3)),
    "linalg.svd integers": lambda m: m.linalg.svd(m.ones(3, 3, dtype=m.int64)),
    "svdvals vector": lambda m: m.linalg.svdvals(m.ones(3)),
    "qr vector": lambda m: m.linalg.qr(m.ones(3)),
    "qr integers": lambda m: m.linalg.qr(m.ones(3, 3, dtype=m.int64)),
    "chain_matmul nothing": lambda m: m.chain_matmul(),
}


@pytest.mark.parametrize("name", ERRORS)
def test_bad_input_raises_torchs_exception(name):
    call = ERRORS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        check_raises(lambda: call(lt), lambda: call(torch))


# -- LDLᵀ (Bunch-Kaufman, LAPACK's sytrf/sytrs) ----------------------------------------------------
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [1, 4, 7])
def test_ldl_factor_and_solve_match_lapacks_pivots(seed, n):
    r = np.random.default_rng(seed)
    a = r.normal(size=(2, n, n))
    a = a + np.swapaxes(a, -1, -2)
    a[1, r.integers(0, n)] *= 0.01  # small rows force 2×2 pivots
    a[1] = np.tril(a[1]) + np.tril(a[1], -1).T
    check_op(lambda A: tuple(lt.linalg.ldl_factor_ex(A)), lambda A: tuple(torch.linalg.ldl_factor_ex(A)),
             a, grad=False, rtol=1e-9, atol=1e-9)
    check_op(lambda A: tuple(lt.linalg.ldl_factor(A, hermitian=True)),
             lambda A: tuple(torch.linalg.ldl_factor(A, hermitian=True)), a, grad=False, rtol=1e-9,
             atol=1e-9)
    b = r.normal(size=(2, n, 3))
    check_op(lambda A, B: lt.linalg.ldl_solve(*lt.linalg.ldl_factor(A), B),
             lambda A, B: torch.linalg.ldl_solve(*torch.linalg.ldl_factor(A), B), a, b, grad=False,
             rtol=1e-8, atol=1e-8)


def test_ldl_of_a_singular_matrix():
    check_op(lambda A: tuple(lt.linalg.ldl_factor_ex(A)), lambda A: tuple(torch.linalg.ldl_factor_ex(A)),
             np.zeros((3, 3)), grad=False)
    with pytest.raises(RuntimeError, match="singular"):
        lt.linalg.ldl_factor(lt.zeros(3, 3))
    with pytest.raises(RuntimeError):  # torch's says "Unknown error code: 1" (an internal assert)
        torch.linalg.ldl_factor(torch.zeros(3, 3))


LDL_ERRORS = {
    "non-square": lambda m: m.linalg.ldl_factor(m.zeros(2, 3)),
    "vector": lambda m: m.linalg.ldl_factor_ex(m.zeros(3)),
    "solve vector B": lambda m: m.linalg.ldl_solve(m.eye(3), m.ones(3, dtype=m.int32), m.ones(3)),
    "solve shapes": lambda m: m.linalg.ldl_solve(m.eye(3), m.ones(3, dtype=m.int32), m.ones(2, 1)),
    "solve dtypes": lambda m: m.linalg.ldl_solve(m.eye(3), m.ones(3, dtype=m.int32),
                                                 m.ones(3, 1, dtype=m.float64)),
}


@pytest.mark.parametrize("name", LDL_ERRORS)
def test_ldl_bad_input(name):
    check_raises(lambda: LDL_ERRORS[name](lt), lambda: LDL_ERRORS[name](torch))


# -- lobpcg ----------------------------------------------------------------------------------------
def _spd_with_spectrum(m, seed):
    r = np.random.default_rng(seed)
    q = np.linalg.qr(r.normal(size=(m, m)))[0]
    return q @ np.diag(np.sort(r.uniform(1, 10, size=m))) @ q.T


@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("k, generalized, batch", [(1, False, ()), (3, False, ()), (2, True, ()),
                                                   (2, False, (2,))])
def test_lobpcg_converges_to_torchs_eigenpairs_from_torchs_random_start(largest, k, generalized,
                                                                        batch):
    a = np.stack([_spd_with_spectrum(12, s) for s in range(max(1, int(np.prod(batch))))])
    a = a.reshape(batch + (12, 12))
    b = spd(*batch, 12, 12) if generalized else None
    lt.manual_seed(5)
    torch.manual_seed(5)
    ours = lt.lobpcg(lt.tensor(a), k=k, B=None if b is None else lt.tensor(b), largest=largest)
    theirs = torch.lobpcg(torch.tensor(a), k=k, B=None if b is None else torch.tensor(b),
                          largest=largest)
    np.testing.assert_allclose(ours[0].numpy(), theirs[0].numpy(), rtol=1e-10)
    np.testing.assert_allclose(np.abs(ours[1].numpy()), np.abs(theirs[1].numpy()), atol=1e-6)
    assert ours[1].shape == theirs[1].shape
    assert lt.randn(3).tolist() == torch.randn(3).tolist()  # the same start block was drawn


def test_lobpcg_with_a_given_start_and_its_errors():
    a, x = _spd_with_spectrum(9, 3), randn(9, 2)
    ours = lt.lobpcg(lt.tensor(a), X=lt.tensor(x))
    theirs = torch.lobpcg(torch.tensor(a), X=torch.tensor(x))
    np.testing.assert_allclose(ours[0].numpy(), theirs[0].numpy(), rtol=1e-10)
    check_raises(lambda: lt.lobpcg(lt.tensor(a), k=4), lambda: torch.lobpcg(torch.tensor(a), k=4))
    check_raises(lambda: lt.lobpcg(lt.ones(3, 4)), lambda: torch.lobpcg(torch.ones(3, 4)),
                 exact_message=False)
