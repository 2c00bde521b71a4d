"""Parity with torch for small API rows that fit no other file: aliases, views, threads."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
from helpers import FLOAT_DTYPES, arrays, check_op, dtypes, shapes


def test_is_tensor_and_is_floating_point():
    for value in (lt.ones(1), lt.tensor(1), 1.0, np.ones(1), [1]):
        mirrored = torch.ones(1) if isinstance(value, lt.Tensor) else value
        assert lt.is_tensor(value) == torch.is_tensor(mirrored)
    assert lt.is_floating_point(lt.ones(1)) and not lt.is_floating_point(lt.tensor([1]))


@settings(max_examples=40)
@given(data=st.data(), shape=shapes(min_dims=1, max_dims=3), dt=dtypes(FLOAT_DTYPES))
def test_concat_unbind_narrow_movedim_and_expand_as(data, shape, dt):
    a, b = data.draw(arrays(dt, shape)), data.draw(arrays(dt, shape))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    check_op(lambda x, y: lt.concat([x, y], dim), lambda x, y: torch.concat([x, y], dim), a, b)
    check_op(lambda x: lt.unbind(x, dim), lambda x: torch.unbind(x, dim), a)
    start = data.draw(st.integers(0, shape[dim]))
    length = data.draw(st.integers(0, shape[dim] - start))
    check_op(lambda x: x.narrow(dim, start, length), lambda x: x.narrow(dim, start, length), a)
    target = data.draw(st.integers(-len(shape), len(shape) - 1))
    check_op(lambda x: lt.movedim(x, dim, target), lambda x: torch.movedim(x, dim, target), a)
    row = data.draw(arrays(dt, shape[-1:]))
    check_op(lambda r, x: r.expand_as(x), lambda r, x: r.expand_as(x), row, a)


@settings(max_examples=40)
@given(data=st.data(), b=st.integers(0, 3), n=st.integers(0, 4), k=st.integers(0, 4),
       m=st.integers(0, 4), dt=dtypes(FLOAT_DTYPES))
def test_bmm(data, b, n, k, m, dt):
    x, y = data.draw(arrays(dt, (b, n, k))), data.draw(arrays(dt, (b, k, m)))
    check_op(lt.bmm, torch.bmm, x, y, rtol=1e-4, atol=1e-5)  # BLAS summation order differs


@pytest.mark.parametrize("n", [1, 2])
def test_set_num_threads_limits_the_blas_pool(n):
    before = lt.get_num_threads()
    try:
        lt.set_num_threads(n)
        assert lt.get_num_threads() == n
    finally:
        lt.set_num_threads(before)
    with pytest.raises(RuntimeError):
        lt.set_num_threads(0)
    with pytest.raises(RuntimeError):
        torch.set_num_threads(0)
