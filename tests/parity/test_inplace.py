"""In-place ops (learntorch/ops/inplace.py) against torch: the values written, the version
counter, the returned object, and gradients through an in-place op on a non-leaf."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
from helpers import (FLOAT_DTYPES, INT_DTYPES, NUMERIC_DTYPES, arrays, check_op, dtypes,
                     python_scalars, shapes, shapes_broadcasting_to)


def _inplace_on_a_copy(name, *args, **kwargs):
    """``y = x.clone(); y.<name>(*args)``: a non-leaf in-place op; returns y.

    Tensor ``args`` come through the call so that check_op can give them gradients.
    """
    def fn(x, *tensors):
        y = x.clone()
        before = y._version
        out = getattr(y, name)(*tensors, *args, **kwargs)
        assert out is y, f"{name} must return the tensor it changed"
        assert y._version == before + 1, f"{name} must bump the version counter once"
        return y
    return fn


ARITHMETIC = {
    # name -> (kind of values `other` needs, whether it takes alpha)
    "add_": ("any", True),
    "sub_": ("any", True),
    "mul_": ("any", False),
    "div_": ("nonzero", False),
}


@pytest.mark.parametrize("name", ARITHMETIC)
@settings(max_examples=80)
@given(data=st.data(), shape=shapes(), dt=dtypes(NUMERIC_DTYPES), tensor_other=st.booleans())
def test_inplace_arithmetic_writes_values_bumps_version_and_differentiates(name, data, shape, dt,
                                                                           tensor_other):
    """``y.add_(other, alpha=a)``, ``y.mul_(2.5)`` …: ``other`` (a tensor broadcasting to y,
    or a number) may be of another dtype as long as the result casts back to y's dtype;
    the gradient reaches both x (through the clone) and a float ``other``."""
    kind, has_alpha = ARITHMETIC[name]
    x = data.draw(arrays(dt, shape))
    int_self = dt in INT_DTYPES
    if name == "div_" and int_self:
        return  # int / int is a float: torch refuses to write it back (see test_errors)
    kwargs = {"alpha": data.draw(st.sampled_from([1, 2, -1] if int_self else [1, 2, 0.5]))} \
        if has_alpha and data.draw(st.booleans()) else {}
    if tensor_other:
        other_dt = data.draw(dtypes(INT_DTYPES if int_self else NUMERIC_DTYPES))
        other = data.draw(arrays(other_dt, data.draw(shapes_broadcasting_to(shape)), kind))
        check_op(_inplace_on_a_copy(name, **kwargs), _inplace_on_a_copy(name, **kwargs), x, other)
    else:
        number = data.draw(python_scalars(kind))
        if int_self:
            number = int(number) or 1
        check_op(_inplace_on_a_copy(name, number, **kwargs),
                 _inplace_on_a_copy(name, number, **kwargs), x)


@settings(max_examples=60)
@given(data=st.data(), shape=shapes(), dt=dtypes(NUMERIC_DTYPES),
       how=st.sampled_from(["zero_", "fill_ number", "fill_ tensor"]))
def test_zero_and_fill_overwrite_everything_and_cut_the_gradient(data, shape, dt, how):
    """``zero_()`` / ``fill_(v)`` (v a number or a 0-d tensor, which gets the summed grad)."""
    x = data.draw(arrays(dt, shape))
    if how == "zero_":
        check_op(_inplace_on_a_copy("zero_"), _inplace_on_a_copy("zero_"), x)
    elif how == "fill_ number":
        value = data.draw(python_scalars())
        value = int(value) if dt in INT_DTYPES else value
        check_op(_inplace_on_a_copy("fill_", value), _inplace_on_a_copy("fill_", value), x)
    else:
        value = data.draw(arrays(data.draw(dtypes(FLOAT_DTYPES)) if dt in FLOAT_DTYPES else dt, ()))
        check_op(_inplace_on_a_copy("fill_"), _inplace_on_a_copy("fill_"), x, value)


@settings(max_examples=80)
@given(data=st.data(), shape=shapes(), dt=dtypes(NUMERIC_DTYPES), src_dt=dtypes(NUMERIC_DTYPES))
def test_copy_broadcasts_and_casts_the_source_and_sends_it_the_gradient(data, shape, dt, src_dt):
    """``y.copy_(src)``: src broadcasts to y and is cast to y's dtype (float -> int truncates)."""
    x = data.draw(arrays(dt, shape))
    src = data.draw(arrays(src_dt, data.draw(shapes_broadcasting_to(shape))))
    check_op(_inplace_on_a_copy("copy_"), _inplace_on_a_copy("copy_"), x, src)


@settings(max_examples=60)
@given(data=st.data(), shape=shapes(), dt=dtypes(FLOAT_DTYPES))
def test_clamp_inplace_limits_values_and_masks_the_gradient(data, shape, dt):
    """``y.clamp_(min, max)`` with number bounds (either may be None)."""
    low, high = data.draw(st.none() | python_scalars()), data.draw(st.none() | python_scalars())
    if low is None and high is None:
        high = 1.0
    x = data.draw(arrays(dt, shape))
    check_op(_inplace_on_a_copy("clamp_", low, high), _inplace_on_a_copy("clamp_", low, high), x)


@pytest.mark.parametrize("lib", [lt, torch], ids=["learntorch", "torch"])
def test_inplace_op_differentiates_when_no_saved_value_was_changed(lib):
    """``y = x.sin(); y.mul_(2)``: sin saved x, not y, so backward works: 2 cos(x)."""
    x = lib.tensor([0.5, -1.0], requires_grad=True)
    y = x.sin()
    y.mul_(2)
    y.sum().backward()
    assert torch.allclose(torch.tensor(x.grad.tolist()), 2 * torch.tensor([0.5, -1.0]).cos())


@pytest.mark.parametrize("lib", [lt, torch], ids=["learntorch", "torch"])
@pytest.mark.parametrize("make", [lambda x: x * 1, lambda x: x.exp()], ids=["mul", "exp"])
def test_inplace_change_of_a_value_saved_for_backward_is_an_error(lib, make):
    """``z = y * y; y.add_(1)`` (y saved by mul) or ``y = x.exp(); y.add_(1)`` (exp saved
    its output): backward refuses, naming the version mismatch."""
    x = lib.tensor([0.5, -1.0], requires_grad=True)
    y = make(x)
    z = y * y
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


@pytest.mark.parametrize("name, args", [("zero_", ()), ("fill_", (2.0,)),
                                        ("copy_", (np.ones(3, np.float32),))], ids=str)
def test_overwriting_inplace_ops_give_the_old_value_a_zero_gradient(name, args):
    """torch's ZeroBackward/FillBackward/CopyBackwards return zeros for the overwritten
    tensor, so ``x.grad`` is a zero tensor after ``y = x.clone(); y.zero_()`` (not None)."""
    x = np.array([1.0, 2.0, 3.0], np.float32)
    check_op(_inplace_on_a_copy(name), _inplace_on_a_copy(name), x, *args)
