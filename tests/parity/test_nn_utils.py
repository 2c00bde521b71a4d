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


# -- weight_norm / spectral_norm ------------------------------------------------------------------
def _train_step(lib, module, x):
    y = module(lib.tensor(x))
    (y * y).sum().backward()
    return y


def test_weight_norm_matches_torch_values_gradients_and_keys():
    x = np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32)
    out = []
    for lib in (lt, torch):
        lib.manual_seed(0)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m = lib.nn.utils.weight_norm(lib.nn.Linear(5, 4), dim=0)
        y = _train_step(lib, m, x)
        out.append((list(m.state_dict()), tuple(m.weight_g.shape), y.detach().numpy(),
                    m.weight_g.grad.numpy(), m.weight_v.grad.numpy(),
                    [str(x.message) for x in w]))
        lib.nn.utils.remove_weight_norm(m)
        out[-1] += (list(m.state_dict()), type(m.weight).__name__)
    a, b = out
    assert a[0] == b[0] and a[1] == b[1] and a[5] == b[5] and a[6:] == b[6:]
    for u, v in zip(a[2:5], b[2:5]):
        np.testing.assert_allclose(u, v, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dim", [None, 1])
def test_weight_norm_other_dims(dim):
    out = []
    for lib in (lt, torch):
        lib.manual_seed(1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = lib.nn.utils.weight_norm(lib.nn.Linear(3, 2), dim=dim)
        out.append((tuple(m.weight_g.shape), m(lib.ones(1, 3)).detach().numpy()))
    assert out[0][0] == out[1][0]
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-5)


def test_weight_norm_errors_like_torch():
    msgs = []
    for lib in (lt, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = lib.nn.utils.weight_norm(lib.nn.Linear(3, 2))
            with pytest.raises(RuntimeError) as twice:
                lib.nn.utils.weight_norm(m)
        with pytest.raises(ValueError) as missing:
            lib.nn.utils.remove_weight_norm(lib.nn.Linear(1, 1))
        msgs.append((str(twice.value), str(missing.value)))
    assert msgs[0] == msgs[1]


def test_spectral_norm_matches_torch_through_training_and_eval():
    x = np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32)
    out = []
    for lib in (lt, torch):
        lib.manual_seed(0)
        m = lib.nn.utils.spectral_norm(lib.nn.Linear(5, 4), n_power_iterations=2)
        ys = [_train_step(lib, m, x).detach().numpy() for _ in range(2)]
        m.eval()
        ys.append(m(lib.tensor(x)).detach().numpy())
        sd = m.state_dict()
        out.append((list(sd), sd._metadata, ys, m.weight_u.numpy().copy(),
                    m.weight_orig.grad.numpy()))
    (ka, ma, ya, ua, ga), (kb, mb, yb, ub, gb) = out
    assert ka == kb and ma == mb
    for u, v in zip(ya + [ua, ga], yb + [ub, gb]):
        np.testing.assert_allclose(u, v, rtol=1e-4, atol=1e-5)


def test_spectral_norm_state_dict_round_trip_and_remove():
    m = lt.nn.utils.spectral_norm(lt.nn.Linear(4, 3))
    m(lt.ones(1, 4))
    fresh = lt.nn.utils.spectral_norm(lt.nn.Linear(4, 3))
    fresh.load_state_dict(m.state_dict())
    fresh.eval(), m.eval()
    np.testing.assert_allclose(fresh(lt.ones(1, 4)).detach().numpy(), m(lt.ones(1, 4)).detach().numpy(),
                               rtol=1e-6)
    lt.nn.utils.remove_spectral_norm(m)
    assert list(m.state_dict()) == ["bias", "weight"]
    assert not m._forward_pre_hooks and not m._state_dict_hooks and not m._load_state_dict_pre_hooks


def test_spectral_norm_loads_a_version_0_checkpoint_like_torch():
    out = []  # W is 4x3, so WᵀW is invertible and the solved v is well defined
    for lib in (lt, torch):
        lib.manual_seed(0)
        m = lib.nn.utils.spectral_norm(lib.nn.Linear(3, 4))
        m(lib.ones(1, 3))
        sd = m.state_dict()
        del sd._metadata[""]["spectral_norm"]  # an old checkpoint: weight stored, no weight_v
        sd["weight"] = m.weight.detach()
        v = sd.pop("weight_v")
        fresh = lib.nn.utils.spectral_norm(lib.nn.Linear(3, 4))
        fresh.load_state_dict(sd)
        out.append((v.numpy(), fresh.weight_v.numpy()))
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-4, atol=1e-5)


def test_spectral_norm_errors_like_torch():
    msgs = []
    for lib in (lt, torch):
        errs = []
        for call in (lambda: lib.nn.utils.spectral_norm(lib.nn.Linear(2, 2), n_power_iterations=0),
                     lambda: lib.nn.utils.spectral_norm(lib.nn.Linear(2, 2, bias=False), name="bias"),
                     lambda: lib.nn.utils.spectral_norm(lib.nn.utils.spectral_norm(lib.nn.Linear(2, 2))),
                     lambda: lib.nn.utils.remove_spectral_norm(lib.nn.Linear(1, 1))):
            with pytest.raises(Exception) as info:
                call()
            errs.append((type(info.value).__name__, str(info.value)))
        msgs.append(errs)
    assert msgs[0] == msgs[1]


# -- fusion, skip_init, memory format, factory_kwargs --------------------------------------------
def _trained_bn(lib, bn, shape):
    lib.manual_seed(0)
    with lib.no_grad():
        for _ in range(3):
            bn(lib.randn(*shape) * 2 + 1)
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-1, 1)
    return bn.eval()


def test_fuse_linear_bn_eval_matches_torch():
    x = np.random.default_rng(0).standard_normal((6, 5)).astype(np.float32)
    out = []
    for lib in (lt, torch):
        lib.manual_seed(0)
        lin = lib.nn.Linear(5, 3).eval()
        bn = _trained_bn(lib, lib.nn.BatchNorm1d(3), (8, 3))
        fused = lib.nn.utils.fuse_linear_bn_eval(lin, bn)
        out.append((fused(lib.tensor(x)).detach().numpy(), bn(lin(lib.tensor(x))).detach().numpy(),
                    type(fused.weight).__name__))
    np.testing.assert_allclose(out[0][0], out[0][1], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=1e-5, atol=1e-5)
    assert out[0][2] == out[1][2] == "Parameter"


def test_fuse_conv_bn_eval_matches_torch():
    x = np.random.default_rng(0).standard_normal((2, 2, 5, 5)).astype(np.float32)
    out = []
    for lib in (lt, torch):
        lib.manual_seed(0)
        conv = lib.nn.Conv2d(2, 3, 3, bias=False).eval()
        bn = _trained_bn(lib, lib.nn.BatchNorm2d(3), (4, 3, 2, 2))
        fused = lib.nn.utils.fuse_conv_bn_eval(conv, bn)
        out.append((fused(lib.tensor(x)).detach().numpy(), bn(conv(lib.tensor(x))).detach().numpy()))
    np.testing.assert_allclose(out[0][0], out[0][1], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=1e-4, atol=1e-5)


def test_fusion_errors_like_torch():
    msgs = []
    for lib in (lt, torch):
        errs = []
        for call in (lambda: lib.nn.utils.fuse_linear_bn_eval(lib.nn.Linear(2, 3), lib.nn.BatchNorm1d(3)),
                     lambda: lib.nn.utils.fuse_linear_bn_eval(lib.nn.Linear(2, 3).eval(),
                                                              lib.nn.BatchNorm1d(4).eval())):
            with pytest.raises(AssertionError) as info:
                call()
            errs.append(str(info.value))
        msgs.append(errs)
    assert msgs[0] == msgs[1]


def test_skip_init_builds_without_drawing():
    lt.manual_seed(3)
    expected = lt.rand(4).tolist()
    lt.manual_seed(3)
    m = lt.nn.utils.skip_init(lt.nn.Linear, 10, 5)
    assert lt.rand(4).tolist() == expected
    assert m.weight.shape == (5, 10) and isinstance(m.weight, lt.nn.Parameter)
    msgs = []
    for lib in (lt, torch):
        errs = []
        for call in (lambda: lib.nn.utils.skip_init(int), lambda: lib.nn.utils.skip_init(lib.nn.Identity)):
            with pytest.raises(RuntimeError) as info:
                call()
            errs.append(str(info.value))
        msgs.append(errs)
    assert msgs[0] == msgs[1]


def test_convert_conv_weight_memory_format_keeps_values():
    model = lt.nn.Sequential(lt.nn.Conv2d(1, 2, 3), lt.nn.Linear(2, 2))
    before = model[0].weight.detach().numpy().copy()
    assert lt.nn.utils.convert_conv2d_weight_memory_format(model, None) is model
    np.testing.assert_array_equal(model[0].weight.detach().numpy(), before)
    assert lt.nn.utils.convert_conv3d_weight_memory_format(model, None) is model


@pytest.mark.parametrize("kwargs", [None, {}, {"device": "cpu", "dtype": "x"},
                                    {"factory_kwargs": {"device": "cpu"}, "dtype": 1},
                                    {"factory_kwargs": {"device": "cpu"}, "device": "cpu"},
                                    {"colour": 1}])
def test_factory_kwargs(kwargs):
    results = []
    for lib in (lt, torch):
        try:
            results.append(lib.nn.factory_kwargs(kwargs))
        except TypeError as e:
            results.append(("TypeError", str(e)))
    assert results[0] == results[1]


# -- parametrize, parametrizations, stateless ----------------------------------------------------
def _symmetric(lib):
    class Symmetric(lib.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

        def right_inverse(self, A):
            return A.triu()
    return Symmetric()


def test_register_parametrization_like_torch():
    out = []
    for lib in (lt, torch):
        P = lib.nn.utils.parametrize
        lib.manual_seed(0)
        m = lib.nn.Linear(3, 3)
        P.register_parametrization(m, "weight", _symmetric(lib))
        w = m.weight
        (m(lib.ones(2, 3)) ** 2).sum().backward()
        row = [type(m).__name__, repr(m), list(m.state_dict()), P.is_parametrized(m),
               P.is_parametrized(m, "bias"), P.type_before_parametrizations(m).__name__,
               w.detach().numpy().copy(), m.parametrizations.weight.original.grad.numpy().copy()]
        m.weight = lib.eye(3) * 2  # through right_inverse
        row.append(m.weight.detach().numpy().copy())
        with P.cached():
            row.append(m.weight is m.weight)
        row.append(m.weight is m.weight)
        P.remove_parametrizations(m, "weight")
        row += [type(m).__name__, list(m.state_dict()), m.weight.detach().numpy().copy()]
        out.append(row)
    a, b = out
    for x, y in zip(a, b):
        if isinstance(x, np.ndarray):
            np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)
        else:
            assert x == y


@pytest.mark.parametrize("bad", ["shape", "missing", "no_inverse", "remove"])
def test_parametrization_errors_like_torch(bad):
    msgs = []
    for lib in (lt, torch):
        P = lib.nn.utils.parametrize

        class Shrink(lib.nn.Module):
            def forward(self, X):
                return X[:1]

        class NoInverse(lib.nn.Module):
            def forward(self, X):
                return X * 2

        m = lib.nn.Linear(2, 2)
        calls = {"shape": lambda: P.register_parametrization(m, "weight", Shrink()),
                 "missing": lambda: P.register_parametrization(m, "nothing", NoInverse()),
                 "no_inverse": lambda: (P.register_parametrization(m, "weight", NoInverse()),
                                        setattr(m, "weight", lib.ones(2, 2))),
                 "remove": lambda: P.remove_parametrizations(m, "bias")}
        with pytest.raises(Exception) as info:
            calls[bad]()
        msgs.append((type(info.value).__name__, str(info.value).split("\n")[0][:60]))
    assert msgs[0] == msgs[1]


def test_parametrizations_weight_and_spectral_norm_like_torch():
    x = np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32)
    out = []
    for lib in (lt, torch):
        P = lib.nn.utils.parametrizations
        lib.manual_seed(0)
        sn = P.spectral_norm(lib.nn.Linear(5, 4))
        wn = P.weight_norm(lib.nn.Linear(5, 4))
        ys = [_train_step(lib, sn, x).detach().numpy(), _train_step(lib, wn, x).detach().numpy()]
        out.append((list(sn.state_dict()), list(wn.state_dict()), ys,
                    sn.parametrizations.weight.original.grad.numpy(),
                    wn.parametrizations.weight.original0.grad.numpy()))
    (a, b) = out
    assert a[0] == b[0] and a[1] == b[1]
    for u, v in zip(a[2] + [a[3], a[4]], b[2] + [b[3], b[4]]):
        np.testing.assert_allclose(u, v, rtol=1e-4, atol=1e-5)


def test_parametrized_weight_norm_loads_old_weight_g_v_checkpoints():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        old = lt.nn.utils.weight_norm(lt.nn.Linear(3, 2))
    new = lt.nn.utils.parametrizations.weight_norm(lt.nn.Linear(3, 2))
    new.load_state_dict(old.state_dict())
    np.testing.assert_allclose(new(lt.ones(1, 3)).detach().numpy(), old(lt.ones(1, 3)).detach().numpy(),
                               rtol=1e-6)


def test_functional_call_like_torch():
    out = []
    for lib in (lt, torch):
        lib.manual_seed(0)
        m = lib.nn.Linear(3, 2)
        w = lib.ones(2, 3, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = lib.nn.utils.stateless.functional_call(m, {"weight": w}, (lib.ones(1, 3),))
        y.sum().backward()
        errors = []
        for call in (lambda: lib.nn.utils.stateless.functional_call(
                        m, {"weight": w, "x": w}, lib.ones(1, 3), strict=True),
                     lambda: lib.nn.utils.stateless.functional_call(
                        lib.nn.DataParallel(m), {}, lib.ones(1, 3))):
            with pytest.raises(Exception) as info:
                call()
            errors.append(str(info.value))
        out.append((y.tolist(), w.grad.tolist(), m.weight.grad, type(m.weight).__name__,
                    [str(c.message) for c in caught], errors))
    assert out[0] == out[1]


def test_functional_call_ties_shared_weights():
    class Tied(lt.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = lt.nn.Linear(2, 2, bias=False)
            self.b = lt.nn.Linear(2, 2, bias=False)
            self.b.weight = self.a.weight

        def forward(self, x):
            return self.b(self.a(x))

    m = Tied()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = lt.nn.utils.stateless.functional_call(m, {"a.weight": lt.eye(2) * 2}, lt.ones(1, 2))
    assert y.tolist() == [[4.0, 4.0]]
    assert m.b.weight is m.a.weight  # restored
