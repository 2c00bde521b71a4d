"""ColorJitter, GaussianBlur and RandomAffine against torchvision 0.28: the same random draws after
the same seed, so the same images, on PIL images and (ColorJitter, GaussianBlur) on tensors."""
import numpy as np
import pytest
import torch

import learntorch as lt
import learntorch.vision as ltv
from test_vision import GRAY, RGB, TENSOR, run
from torchvision_oracle import import_torchvision

import_torchvision()
import torchvision.transforms as T  # noqa: E402
import torchvision.transforms.functional as TF  # noqa: E402

UINT8 = np.random.default_rng(1).integers(0, 256, (3, 10, 13), dtype=np.uint8)
GRAY_TENSOR = np.random.default_rng(2).random((1, 9, 8), dtype=np.float32)

JITTER = {
    "brightness": lambda T: T.ColorJitter(brightness=0.5),
    "contrast": lambda T: T.ColorJitter(contrast=(0.2, 1.8)),
    "saturation": lambda T: T.ColorJitter(saturation=0.9),
    "hue": lambda T: T.ColorJitter(hue=0.3),
    "all four, random order": lambda T: T.ColorJitter(0.4, 0.4, 0.4, 0.1),
}
BLUR = {
    "GaussianBlur 3": lambda T: T.GaussianBlur(3),
    "GaussianBlur (5, 3), sigma range": lambda T: T.GaussianBlur((5, 3), sigma=(0.5, 3.0)),
    "GaussianBlur 7, fixed sigma": lambda T: T.GaussianBlur(7, sigma=1.5),
}
AFFINE = {
    "degrees": lambda T: T.RandomAffine(25),
    "translate": lambda T: T.RandomAffine(0, translate=(0.3, 0.2)),
    "scale": lambda T: T.RandomAffine((-5, 5), scale=(0.7, 1.3)),
    "shear x": lambda T: T.RandomAffine(0, shear=20),
    "shear x and y, bilinear, fill": lambda T: T.RandomAffine(
        10, shear=(-10, 10, -5, 15), interpolation=T.InterpolationMode.BILINEAR, fill=128),
    "everything, centre": lambda T: T.RandomAffine(
        30, translate=(0.1, 0.1), scale=(0.8, 1.2), shear=8, center=(2, 3)),
}


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("img", [GRAY, RGB], ids=["gray", "rgb"])
@pytest.mark.parametrize("name", list(JITTER) + list(BLUR) + list(AFFINE))
def test_seeded_transforms_on_pil_match_torchvision(name, img, seed):
    build = {**JITTER, **BLUR, **AFFINE}[name]
    run(build, img, seed=seed, repeats=5)


@pytest.mark.parametrize("img", [TENSOR, UINT8, GRAY_TENSOR], ids=["float", "uint8", "gray"])
@pytest.mark.parametrize("name", list(JITTER) + list(BLUR))
def test_seeded_transforms_on_tensors_match_torchvision(name, img):
    atol = 1 if img.dtype == np.uint8 else 1e-6
    run({**JITTER, **BLUR}[name], img, seed=3, repeats=5, atol=atol)


def test_uint8_blur_is_torchvisions_exactly():
    run(BLUR["GaussianBlur (5, 3), sigma range"], UINT8, seed=4, repeats=5)


@pytest.mark.parametrize("factor", [0.0, 0.5, 1.7])
@pytest.mark.parametrize("fn", ["adjust_brightness", "adjust_contrast", "adjust_saturation"])
def test_colour_functions_match_torchvision(fn, factor):
    for img in (TENSOR, UINT8):
        got = getattr(ltv.transforms, fn)(lt.from_numpy(img.copy()), factor).numpy()
        want = getattr(TF, fn)(torch.from_numpy(img.copy()), factor).numpy()
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got.astype(float), want.astype(float), atol=1e-6, rtol=0)


@pytest.mark.parametrize("hue", [-0.5, -0.2, 0.0, 0.35])
def test_adjust_hue_on_tensors_matches_torchvision(hue):
    got = ltv.transforms.adjust_hue(lt.from_numpy(TENSOR.copy()), hue).numpy()
    want = TF.adjust_hue(torch.from_numpy(TENSOR.copy()), hue).numpy()
    np.testing.assert_allclose(got, want, atol=1e-6, rtol=0)


def test_reprs_match_torchvision():
    for build in (*JITTER.values(), *BLUR.values(), *AFFINE.values()):
        assert repr(build(ltv.transforms)) == repr(build(T))


def test_bad_arguments_raise_torchvisions_errors():
    cases = [
        (lambda T: T.ColorJitter(brightness=-1), ValueError, "must be non negative"),
        (lambda T: T.ColorJitter(hue=0.7), ValueError, "hue values should be between"),
        (lambda T: T.ColorJitter(contrast=(1, 2, 3)), TypeError, "list/tuple with length 2"),
        (lambda T: T.GaussianBlur(4), ValueError, "odd and positive"),
        (lambda T: T.GaussianBlur(3, sigma=(2.0, 1.0)), ValueError, "of the form \\(min, max\\)"),
        (lambda T: T.RandomAffine(-3), ValueError, "must be positive"),
        (lambda T: T.RandomAffine(0, translate=(0.5, 1.5)), ValueError, "between 0 and 1"),
        (lambda T: T.RandomAffine(0, scale=(0.0, 1.0)), ValueError, "scale values should be"),
        (lambda T: T.RandomAffine(0, shear=(1, 2, 3)), ValueError, "length 2 or 4"),
    ]
    for build, error, message in cases:
        for module in (ltv.transforms, T):
            with pytest.raises(error, match=message):
                build(module)
    tensor = TENSOR.copy()
    for fn, bad, message in (("adjust_brightness", -0.1, "is not non-negative"),
                             ("adjust_hue", 0.6, "is not in \\[-0.5, 0.5\\]")):
        for module, lib in ((ltv.transforms, lt), (TF, torch)):
            with pytest.raises(ValueError, match=message):
                getattr(module, fn)(lib.from_numpy(tensor), bad)


@pytest.mark.parametrize("img", [TENSOR, UINT8, GRAY_TENSOR], ids=["float", "uint8", "gray"])
@pytest.mark.parametrize("name", list(AFFINE))
def test_seeded_random_affine_on_tensors_matches_torchvision(name, img):
    """Up to float32 rounding: at the border, a mask weight that differs from torchvision's in
    its last bits (the grid's matmul rounds differently) is multiplied by the fill, 128."""
    run(AFFINE[name], img, seed=5, repeats=5, atol=5e-4)


def test_random_affine_fill_must_fit_the_channels():
    for module, lib in ((ltv.transforms, lt), (T, torch)):
        with pytest.raises(ValueError, match="cannot broadcast"):
            module.RandomAffine(10, fill=(1, 2))(lib.from_numpy(TENSOR.copy()))
