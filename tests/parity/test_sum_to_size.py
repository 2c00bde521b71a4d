"""``Tensor.sum_to_size`` against torch: the reverse of ``expand``, and torch's error otherwise."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
from helpers import FLOAT_DTYPES, arrays, check_op, check_raises, dtypes, shapes, \
    shapes_broadcasting_to


@settings(max_examples=120)
@given(data=st.data(), shape=shapes(max_side=3), dt=dtypes(FLOAT_DTYPES))
def test_sums_every_broadcast_dim_back_to_the_smaller_shape(data, shape, dt):
    """Leading dims are summed away, size-1 dims are summed with keepdim; the grad is expanded."""
    size = data.draw(shapes_broadcasting_to(shape))
    x = data.draw(arrays(dt, shape))
    check_op(lambda t: t.sum_to_size(size), lambda t: t.sum_to_size(size), x, rtol=1e-5, atol=1e-5)
    if size:
        check_op(lambda t: t.sum_to_size(*size), lambda t: t.sum_to_size(*size), x, grad=False,
                 rtol=1e-5, atol=1e-5)


def test_its_own_size_returns_the_tensor_itself_as_torch_does():
    for lib in (lt, torch):
        x = lib.ones(2, 3)
        assert x.sum_to_size(2, 3) is x, lib.__name__


@pytest.mark.parametrize("x_shape, size", [
    ((4, 2, 3), (2, 1, 3)),     # broadcasts with (4, 2, 3) but is not a suffix of it
    ((4, 2, 3), (5,)),
    ((4, 2, 3), (1, 1, 1, 3)),  # more dims than the tensor
    ((2, 3), (-1, 3)),
    ((2, 3), (0, 3)),
    ((), (1,)),
])
def test_a_size_that_does_not_expand_to_the_tensor_raises_torchs_error(x_shape, size):
    lt_err, _ = check_raises(lambda: lt.zeros(x_shape).sum_to_size(size),
                             lambda: torch.zeros(x_shape).sum_to_size(size))
    assert "is not expandable to size" in str(lt_err)
