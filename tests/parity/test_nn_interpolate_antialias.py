"""interpolate(antialias=True) — bilinear, bicubic and lanczos with PIL's stretched filters —
and its errors, against torch: values, gradients, the modes and ranks it refuses."""
import numpy as np
import pytest

import learntorch as lt
from learntorch.autograd import gradcheck

torch = pytest.importorskip("torch")
F, TF = lt.nn.functional, torch.nn.functional


def pair(shape, dtype="float64", seed=0, requires_grad=False):
    a = np.random.default_rng(seed).standard_normal(shape)
    return (lt.tensor(a, dtype=getattr(lt, dtype), requires_grad=requires_grad),
            torch.tensor(a, dtype=getattr(torch, dtype), requires_grad=requires_grad))


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "lanczos"])
@pytest.mark.parametrize("size", [(4, 5), (2, 3), (1, 1), (14, 15), (3, 17)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_antialiased_resize_equals_torch(mode, size, dtype):
    x, tx = pair((2, 3, 9, 9), dtype)
    corners = [False] if mode == "lanczos" else [False, True]
    for align_corners in corners:
        ours = F.interpolate(x, size=size, mode=mode, antialias=True, align_corners=align_corners)
        theirs = TF.interpolate(tx, size=size, mode=mode, antialias=True,
                                align_corners=align_corners)
        assert ours.dtype == x.dtype and tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(),
                                   atol=1e-5 if dtype == "float32" else 1e-12)


@pytest.mark.parametrize("scale_factor", [0.37, 0.5, 2.5, (0.5, 1.5)])
def test_scale_factors(scale_factor):
    x, tx = pair((1, 2, 11, 13))
    ours = F.interpolate(x, scale_factor=scale_factor, mode="bilinear", antialias=True)
    theirs = TF.interpolate(tx, scale_factor=scale_factor, mode="bilinear", antialias=True)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-12)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "lanczos"])
def test_gradients_equal_torch_s_and_pass_gradcheck(mode):
    x, tx = pair((1, 2, 7, 8), requires_grad=True)
    w, tw = pair((1, 2, 3, 5), seed=1)
    (F.interpolate(x, size=(3, 5), mode=mode, antialias=True) * w).sum().backward()
    (TF.interpolate(tx, size=(3, 5), mode=mode, antialias=True) * tw).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=1e-12)
    small = lt.tensor(np.random.default_rng(2).standard_normal((1, 1, 5, 4)), requires_grad=True)
    assert gradcheck(lambda t: F.interpolate(t, size=(2, 3), mode=mode, antialias=True), (small,))


@pytest.mark.parametrize("call", [
    lambda m, x: m.nn.functional.interpolate(x, scale_factor=0.5, mode="nearest", antialias=True),
    lambda m, x: m.nn.functional.interpolate(x[0], scale_factor=0.5, mode="linear",
                                             antialias=True),
    lambda m, x: m.nn.functional.interpolate(x, size=(2, 2), mode="lanczos"),
    lambda m, x: m.nn.functional.interpolate(x, size=(2, 2), mode="lanczos", antialias=True,
                                             align_corners=True),
])
def test_refusals_are_torch_s(call):
    x, tx = pair((1, 1, 5, 5))
    with pytest.raises(ValueError) as theirs:
        call(torch, tx)
    with pytest.raises(ValueError) as ours:
        call(lt, x)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("interpolation", ["BILINEAR", "BICUBIC"])
def test_vision_resize_of_tensors_is_antialiased_like_torchvision(interpolation):
    from torchvision_oracle import import_torchvision
    import learntorch.vision as ltv
    tv = import_torchvision()
    image = (np.random.default_rng(3).random((3, 20, 24)) * 255).astype(np.uint8)
    ours = ltv.transforms.Resize((9, 11), getattr(ltv.transforms.InterpolationMode,
                                                  interpolation))(lt.tensor(image))
    theirs = tv.transforms.Resize((9, 11), getattr(tv.transforms.InterpolationMode,
                                                   interpolation))(torch.tensor(image))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_float32_weights_are_torchs_so_a_picture_rounds_as_torchs(mode):
    """torch computes the filter's centres and weights in float32 for float32 input; exact
    ones differ by ~1e-5 near pixel 300, enough to round ~1 pixel in 2,000 to the other
    integer.  Only the order of the sums may differ now."""
    image = np.random.default_rng(0).integers(0, 256, (1, 3, 300, 260)).astype(np.float32)
    ours = F.interpolate(lt.tensor(image), size=(267, 232), mode=mode, antialias=True).numpy()
    theirs = TF.interpolate(torch.tensor(image), size=(267, 232), mode=mode,
                            antialias=True).numpy()
    np.testing.assert_allclose(ours, theirs, atol=5e-4)
    assert (ours.round() != theirs.round()).mean() < 1e-4
