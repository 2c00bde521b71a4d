"""nn.utils vs torch: gradient clipping (norms of every order, error_if_nonfinite, foreach),
clip_grad_value_, and parameters_to_vector / vector_to_parameters."""
import math
import warnings

import numpy as np
import pytest
import torch

import learntorch as lt

GRADS = [np.random.default_rng(i).standard_normal(s).astype(np.float32)
         for i, s in enumerate([(3, 4), (4,), (2, 2, 2)])]


def params_with_grads(lib, scale=1.0):
    params = []
    for g in GRADS:
        p = lib.nn.Parameter(lib.zeros(*g.shape))
        p.grad = lib.tensor(g * scale)
        params.append(p)
    params.append(lib.nn.Parameter(lib.zeros(2)))  # no grad: skipped
    return params


def grads(params):
    return [p.grad.numpy().copy() for p in params if p.grad is not None]


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, math.inf, "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
@pytest.mark.parametrize("foreach", [None, True, False])
def test_clip_grad_norm_matches_torch(norm_type, max_norm, foreach):
    results = []
    for lib in (lt, torch):
        params = params_with_grads(lib)
        total = lib.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type, foreach=foreach)
        results.append((float(total), total.dtype.name if hasattr(total.dtype, "name") else str(total.dtype),
                        grads(params)))
    (t1, _, g1), (t2, _, g2) = results
    assert t1 == pytest.approx(t2, rel=1e-6)
    for a, b in zip(g1, g2):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_clip_grad_norm_of_one_tensor_and_a_generator():
    for lib in (lt, torch):
        p = params_with_grads(lib)[0]
        assert float(lib.nn.utils.clip_grad_norm_(p, 1.0)) > 1.0
        assert float(p.grad.norm()) == pytest.approx(1.0, rel=1e-5)


def test_empty_generator_warns_and_gives_zero():
    for lib in (lt, torch):
        with pytest.warns(UserWarning, match="empty generator"):
            total = lib.nn.utils.clip_grad_norm_((p for p in []), 1.0)
        assert float(total) == 0.0


def test_nonfinite_norm_errors_only_when_asked():
    messages = []
    for lib in (lt, torch):
        params = params_with_grads(lib)
        params[0].grad[0, 0] = float("inf")
        with pytest.raises(RuntimeError) as info:
            lib.nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
        messages.append(str(info.value))
        assert math.isinf(float(lib.nn.utils.clip_grad_norm_(params, 1.0)))
    assert messages[0] == messages[1]


def test_deprecated_clip_grad_norm_warns_like_torch():
    out = []
    for lib in (lt, torch):
        params = params_with_grads(lib)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            total = lib.nn.utils.clip_grad_norm(params, 0.5)
        out.append(([(x.category.__name__, str(x.message)) for x in w], round(float(total), 5)))
    assert out[0] == out[1]


def test_get_total_norm_and_clip_grads_with_norm():
    out = []
    for lib in (lt, torch):
        params = params_with_grads(lib)
        total = lib.nn.utils.get_total_norm([p.grad for p in params if p.grad is not None], 3.0)
        lib.nn.utils.clip_grads_with_norm_(params, 1.0, total)
        out.append((float(total), grads(params)))
    assert out[0][0] == pytest.approx(out[1][0], rel=1e-6)
    for a, b in zip(out[0][1], out[1][1]):
        np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize("clip", [0.1, 1, 5.0])
def test_clip_grad_value(clip):
    out = []
    for lib in (lt, torch):
        params = params_with_grads(lib, scale=2.0)
        assert lib.nn.utils.clip_grad_value_(params, clip) is None
        out.append(grads(params))
    for a, b in zip(*out):
        np.testing.assert_array_equal(a, b)


def test_clipping_is_not_recorded_by_autograd():
    params = params_with_grads(lt)
    lt.nn.utils.clip_grad_norm_(params, 0.1)
    assert all(p.grad.grad_fn is None for p in params if p.grad is not None)


def test_parameters_to_vector_and_back():
    for lib in (lt, torch):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.Linear(2, 1))
        vec = lib.nn.utils.parameters_to_vector(model.parameters())
        assert tuple(vec.shape) == (11,) and vec.requires_grad
        new = lib.arange(11.0)
        lib.nn.utils.vector_to_parameters(new, model.parameters())
        assert model[0].weight.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
        assert model[1].bias.tolist() == [10.0]
        new[0] = 100.0  # the parameters now share the vector's memory
        assert model[0].weight[0, 0].item() == 100.0


def test_parameters_to_vector_is_differentiable():
    model = lt.nn.Linear(2, 2)
    (lt.nn.utils.parameters_to_vector(model.parameters()) ** 2).sum().backward()
    np.testing.assert_allclose(model.weight.grad.numpy(), 2 * model.weight.detach().numpy())


def test_vector_to_parameters_wants_a_tensor():
    msgs = []
    for lib in (lt, torch):
        with pytest.raises(TypeError) as info:
            lib.nn.utils.vector_to_parameters([1.0], lib.nn.Linear(1, 1).parameters())
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1]
