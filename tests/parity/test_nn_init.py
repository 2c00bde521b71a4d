"""nn.init vs torch: same seed, same calls, same numbers (bit for bit where only uniform/normal
draws are involved; to rounding where a QR decomposition is), plus gains, errors and warnings.
"""
import math
import warnings

import numpy as np
import pytest
import torch

import learntorch as lt


def seeded(lib, fn, shape, seed=0, dtype="float32"):
    lib.manual_seed(seed)
    t = lib.empty(*shape, dtype=getattr(lib, dtype))
    fn(lib, t)
    return t.numpy().copy()


def error(fn):
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value).__name__, str(info.value)


DRAWS = {
    "uniform_": lambda lib, t: lib.nn.init.uniform_(t, -0.3, 0.7),
    "normal_": lambda lib, t: lib.nn.init.normal_(t, 0.5, 2.0),
    "xavier_uniform_": lambda lib, t: lib.nn.init.xavier_uniform_(t, gain=1.7),
    "xavier_normal_": lambda lib, t: lib.nn.init.xavier_normal_(t),
    "kaiming_uniform_": lambda lib, t: lib.nn.init.kaiming_uniform_(t, a=math.sqrt(5)),
    "kaiming_uniform_relu_fan_out": lambda lib, t: lib.nn.init.kaiming_uniform_(
        t, mode="fan_out", nonlinearity="relu"),
    "kaiming_normal_": lambda lib, t: lib.nn.init.kaiming_normal_(t, nonlinearity="tanh"),
    "trunc_normal_wide": lambda lib, t: lib.nn.init.trunc_normal_(t, 0.0, 1.0, -2.0, 2.0),
    "trunc_normal_narrow": lambda lib, t: lib.nn.init.trunc_normal_(t, 0.0, 1.0, 1.0, 1.2),
    "sparse_": lambda lib, t: lib.nn.init.sparse_(t.view(t.shape[0], -1), 0.4),
}


@pytest.mark.parametrize("name", sorted(DRAWS))
@pytest.mark.parametrize("shape", [(7, 5), (4, 3, 2, 2)])
def test_random_inits_are_torchs_numbers(name, shape):
    fn = DRAWS[name]
    ours, theirs = seeded(lt, fn, shape), seeded(torch, fn, shape)
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("shape", [(6, 4), (3, 8), (4, 2, 3)])
def test_orthogonal_matches_torch_and_is_orthogonal(shape):
    fn = lambda lib, t: lib.nn.init.orthogonal_(t, gain=2.0)  # noqa: E731
    ours, theirs = seeded(lt, fn, shape, dtype="float64"), seeded(torch, fn, shape, dtype="float64")
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    flat = ours.reshape(shape[0], -1) / 2.0
    gram = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
    np.testing.assert_allclose(gram, np.eye(gram.shape[0]), atol=1e-12)


def test_generator_argument_is_used():
    g1, g2 = lt.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    ours = lt.nn.init.kaiming_normal_(lt.empty(3, 4), generator=g1).numpy()
    theirs = torch.nn.init.kaiming_normal_(torch.empty(3, 4), generator=g2).numpy()
    np.testing.assert_array_equal(ours, theirs)


def test_trunc_normal_stays_in_its_window_and_has_the_right_spread():
    t = lt.nn.init.trunc_normal_(lt.empty(20000), mean=1.0, std=0.5, a=0.5, b=2.0)
    assert float(t.min()) >= 0.5 and float(t.max()) <= 2.0
    narrow = lt.nn.init.trunc_normal_(lt.empty(20000), 0.0, 1.0, 1.0, 1.2)
    assert float(narrow.min()) >= 1.0 and float(narrow.max()) <= 1.2


@pytest.mark.parametrize("fill", [
    lambda lib, t: lib.nn.init.constant_(t, 0.25),
    lambda lib, t: lib.nn.init.ones_(t),
    lambda lib, t: lib.nn.init.zeros_(t),
    lambda lib, t: lib.nn.init.eye_(t.view(t.shape[0], -1)),
])
def test_deterministic_fills(fill):
    ours, theirs = seeded(lt, fill, (3, 5)), seeded(torch, fill, (3, 5))
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("shape,groups", [((4, 2, 3), 1), ((6, 3, 3, 3), 2), ((2, 4, 3, 3, 3), 1),
                                          ((3, 1, 5), 3)])
def test_dirac(shape, groups):
    fill = lambda lib, t: lib.nn.init.dirac_(t, groups)  # noqa: E731
    np.testing.assert_array_equal(seeded(lt, fill, shape), seeded(torch, fill, shape))


def test_inits_return_their_tensor():
    t = lt.empty(3, 4)
    for fn in DRAWS.values():
        assert fn(lt, t) is t or fn is DRAWS["sparse_"]


def test_inits_do_not_record_gradients_and_work_on_parameters():
    p = lt.nn.Parameter(lt.empty(3, 3))
    lt.nn.init.kaiming_uniform_(p)
    lt.nn.init.eye_(p)
    assert p.is_leaf and p.requires_grad and p.grad_fn is None


@pytest.mark.parametrize("args", [("linear",), ("conv2d",), ("sigmoid",), ("tanh",), ("relu",),
                                  ("leaky_relu",), ("leaky_relu", 0.2), ("leaky_relu", 3),
                                  ("selu",), ("conv_transpose3d",)])
def test_calculate_gain(args):
    assert lt.nn.init.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.init.calculate_gain("softmax"),
    lambda lib: lib.nn.init.calculate_gain("leaky_relu", True),
    lambda lib: lib.nn.init.kaiming_uniform_(lib.empty(3)),
    lambda lib: lib.nn.init.kaiming_normal_(lib.empty(3, 2), mode="fan_avg"),
    lambda lib: lib.nn.init.xavier_uniform_(lib.empty(3)),
    lambda lib: lib.nn.init.eye_(lib.empty(3, 2, 2)),
    lambda lib: lib.nn.init.dirac_(lib.empty(3, 2)),
    lambda lib: lib.nn.init.dirac_(lib.empty(3, 2, 2), groups=2),
    lambda lib: lib.nn.init.orthogonal_(lib.empty(3)),
    lambda lib: lib.nn.init.sparse_(lib.empty(3, 2, 1), 0.1),
])
def test_init_errors_match_torch(call):
    assert error(lambda: call(lt)) == error(lambda: call(torch))


def test_zero_element_tensor_warns_and_is_left_alone():
    for lib in (lt, torch):
        with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
            lib.nn.init.kaiming_uniform_(lib.empty(0, 3))


def test_trunc_normal_far_mean_warns():
    for lib in (lt, torch):
        with pytest.warns(UserWarning, match="mean is more than 2 std"):
            lib.nn.init.trunc_normal_(lib.empty(3), mean=10.0, std=1.0, a=-1.0, b=1.0)


@pytest.mark.parametrize("old", ["uniform", "normal", "constant", "eye", "dirac", "xavier_uniform",
                                 "xavier_normal", "kaiming_uniform", "kaiming_normal", "orthogonal",
                                 "sparse"])
def test_deprecated_names_warn_like_torch_and_still_work(old):
    args = {"constant": (0.5,), "sparse": (0.5,)}.get(old, ())
    shape = (3, 2, 3) if old == "dirac" else (4, 3)

    def run(lib):
        lib.manual_seed(0)
        t = lib.empty(*shape)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            getattr(lib.nn.init, old)(t, *args)
        return [(x.category.__name__, str(x.message)) for x in w], t.numpy().copy()
    ours, theirs = run(lt), run(torch)
    assert ours[0] == theirs[0]
    assert getattr(lt.nn.init, old).__name__ == old
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5, atol=1e-6)  # orthogonal: QR rounding
