"""Matrix products (learntorch/ops/linalg.py) against torch: matmul in all its forms, mm."""
import operator

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
from helpers import FLOAT_DTYPES, arrays, check_op, dtypes

# torch (MKL/oneDNN) and NumPy (OpenBLAS) accumulate the k products in different orders
# and with different blocking, so float32 results differ by more than a few ulps.
MATMUL_RTOL, MATMUL_ATOL = 1e-4, 1e-5

SIZE = st.integers(0, 4)
BATCH = st.lists(st.integers(1, 3), max_size=2)


@st.composite
def matmul_shapes(draw):
    """Operand shapes for every matmul case: dot, mv, vm, mm, batched, broadcast batches,
    and a 1-D operand next to a batched one."""
    n, k, m = draw(SIZE), draw(SIZE), draw(SIZE)
    case = draw(st.sampled_from(["dot", "mv", "vm", "mm", "batched", "vec_batched",
                                 "batched_vec"]))
    if case == "dot":
        return (k,), (k,)
    if case == "mv":
        return (n, k), (k,)
    if case == "vm":
        return (k,), (k, m)
    if case == "mm":
        return (n, k), (k, m)
    batch_a = draw(BATCH)
    batch_b = [draw(st.sampled_from([1, b])) for b in batch_a][draw(st.integers(0, len(batch_a))):]
    if draw(st.booleans()):
        batch_a, batch_b = batch_b, batch_a
    if case == "vec_batched":
        return (k,), tuple(batch_b + [k, m])
    if case == "batched_vec":
        return tuple(batch_a + [n, k]), (k,)
    return tuple(batch_a + [n, k]), tuple(batch_b + [k, m])


@settings(max_examples=150)
@given(data=st.data(), shape_pair=matmul_shapes(), dt=dtypes(FLOAT_DTYPES + ("int64",)))
def test_matmul_in_every_form_matches_torch_and_differentiates_both_operands(data, shape_pair, dt):
    """``a @ b`` and ``matmul(a, b)``: 1-D operands are promoted and squeezed back, batch
    dims broadcast and their gradients are summed back to each operand's shape."""
    a = data.draw(arrays(dt, shape_pair[0]))
    b = data.draw(arrays(dt, shape_pair[1]))
    check_op(operator.matmul, operator.matmul, a, b, rtol=MATMUL_RTOL, atol=MATMUL_ATOL)
    check_op(lt.matmul, torch.matmul, a, b, grad=False, rtol=MATMUL_RTOL, atol=MATMUL_ATOL)


@settings(max_examples=80)
@given(data=st.data(), n=SIZE, k=SIZE, m=SIZE, dt=dtypes(FLOAT_DTYPES + ("int64",)))
def test_mm_multiplies_two_matrices(data, n, k, m, dt):
    """``mm(a, b)`` and ``a.mm(b)`` for 2-D operands (size-0 dims included)."""
    a, b = data.draw(arrays(dt, (n, k))), data.draw(arrays(dt, (k, m)))
    check_op(lt.mm, torch.mm, a, b, rtol=MATMUL_RTOL, atol=MATMUL_ATOL)
    check_op(lambda x, y: x.mm(y), lambda x, y: x.mm(y), a, b, grad=False, rtol=MATMUL_RTOL,
             atol=MATMUL_ATOL)
