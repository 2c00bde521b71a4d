"""learntorch.vision.transforms.functional against torchvision.transforms.functional (0.28).

Every public function of torchvision's functional module runs on the same PIL images (L, RGB)
and tensors (uint8 and float32, one or three channels, a batch) in both libraries; results must
agree in kind (PIL mode / tensor dtype), shape and values. Integer images must agree exactly,
float ones to float32 rounding (grid_sample and convolution sum in a different order).
Warps stay exact on every CPU: torch's grid bmm fuses its multiply-adds on some CPUs and not on
others, and learntorch is set to round as the torch here does (tests/torch_matmul_rounding.py).
"""
import numpy as np
import pytest
import torch
from PIL import Image

import learntorch as lt
import learntorch.vision.transforms.functional as LF
from torchvision_oracle import import_torchvision

import_torchvision()
import torchvision.transforms.functional as TF  # noqa: E402

RNG = np.random.default_rng(11)
PIL_L = Image.fromarray(RNG.integers(0, 256, (13, 17), dtype=np.uint8))
PIL_RGB = Image.fromarray(RNG.integers(0, 256, (12, 15, 3), dtype=np.uint8))
# uint8 images with a narrow range (autocontrast has something to stretch) and flat channels
UINT8 = RNG.integers(30, 200, (3, 14, 11), dtype=np.uint8)
UINT8_GRAY = RNG.integers(0, 256, (1, 10, 12), dtype=np.uint8)
UINT8_BATCH = RNG.integers(0, 256, (2, 3, 9, 10), dtype=np.uint8)
FLOAT = RNG.random((3, 11, 13), dtype=np.float32)
FLOAT_GRAY = RNG.random((1, 9, 8), dtype=np.float32)

PIL_IMAGES = {"pil L": PIL_L, "pil RGB": PIL_RGB}
UINT8_TENSORS = {"uint8": UINT8, "uint8 gray": UINT8_GRAY, "uint8 batch": UINT8_BATCH}
FLOAT_TENSORS = {"float": FLOAT, "float gray": FLOAT_GRAY}
ALL = {**PIL_IMAGES, **UINT8_TENSORS, **FLOAT_TENSORS}


def source(img, lib):
    return lib.from_numpy(img.copy()) if isinstance(img, np.ndarray) else img.copy()


def described(img):
    if isinstance(img, Image.Image):
        return "PIL", img.mode, np.asarray(img)
    return "tensor", str(img.dtype).split(".")[-1], img.numpy()


def assert_same(ours, theirs, atol, int_atol=0):
    if isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b, atol, int_atol)
        return
    (ka, ma, va), (kb, mb, vb) = described(ours), described(theirs)
    assert (ka, ma, va.shape) == (kb, mb, vb.shape)
    np.testing.assert_allclose(va.astype(np.float64), vb.astype(np.float64),
                               atol=atol if ma.startswith("float") else int_atol, rtol=0)


def compare(call, img, atol=1e-6, int_atol=0):
    """``call(F, lib, image)`` in both libraries on the same image."""
    ours = call(LF, lt, source(img, lt))
    theirs = call(TF, torch, source(img, torch))
    assert_same(ours, theirs, atol, int_atol)


def nearest(F):
    return F.InterpolationMode.NEAREST


def bilinear(F):
    return F.InterpolationMode.BILINEAR


# name → (call, the images torchvision supports it on, tolerance for float images[, for integer
# tensors]). Integer tensors match exactly except where a float32 value torchvision rounds lies
# at a tie (x.5) and our float differs in its last bit: the Gaussian kernel (NumPy's exp is not
# torch's SLEEF exp) and the antialiased interpolate of nn.functional.
CASES = {
    "hflip": (lambda F, lib, x: F.hflip(x), ALL, 0),
    "vflip": (lambda F, lib, x: F.vflip(x), ALL, 0),
    "crop inside": (lambda F, lib, x: F.crop(x, 2, 3, 5, 4), ALL, 0),
    "crop over the edge": (lambda F, lib, x: F.crop(x, -2, 5, 14, 9), ALL, 0),
    "center_crop larger": (lambda F, lib, x: F.center_crop(x, [15, 20]), ALL, 0),
    "center_crop": (lambda F, lib, x: F.center_crop(x, 5), ALL, 0),
    "pad 4 sides": (lambda F, lib, x: F.pad(x, [1, 2, 3, 0], fill=7), ALL, 0),
    "pad reflect": (lambda F, lib, x: F.pad(x, 2, padding_mode="reflect"), ALL, 0),
    "pad symmetric": (lambda F, lib, x: F.pad(x, [2, 1], padding_mode="symmetric"), ALL, 0),
    "resize short side": (lambda F, lib, x: F.resize(x, 7), ALL, 1e-5, 1),
    "resize max_size": (lambda F, lib, x: F.resize(x, [6], max_size=8), ALL, 1e-5),
    "resize nearest": (lambda F, lib, x: F.resize(x, [20, 6], nearest(F)), ALL, 0),
    "resize bicubic": (lambda F, lib, x: F.resize(x, [8, 9], F.InterpolationMode.BICUBIC),
                       {**PIL_IMAGES, **UINT8_TENSORS, **FLOAT_TENSORS}, 1e-5),
    "resize PIL integer code": (lambda F, lib, x: F.resize(x, [8, 9], 2), PIL_IMAGES, 0),
    "resized_crop": (lambda F, lib, x: F.resized_crop(x, 1, 2, 6, 7, [9, 5]), ALL, 1e-5, 1),
    "five_crop": (lambda F, lib, x: F.five_crop(x, [4, 3]), ALL, 0),
    "ten_crop vertical": (lambda F, lib, x: F.ten_crop(x, 5, vertical_flip=True), ALL, 0),
    "adjust_brightness": (lambda F, lib, x: F.adjust_brightness(x, 1.4), ALL, 1e-6),
    "adjust_contrast": (lambda F, lib, x: F.adjust_contrast(x, 0.6), ALL, 1e-6),
    "adjust_saturation": (lambda F, lib, x: F.adjust_saturation(x, 1.7), ALL, 1e-6),
    "adjust_hue": (lambda F, lib, x: F.adjust_hue(x, 0.2), ALL, 1e-6),
    "adjust_gamma": (lambda F, lib, x: F.adjust_gamma(x, 0.7, gain=1.1),
                     {"pil RGB": PIL_RGB, **UINT8_TENSORS, **FLOAT_TENSORS}, 1e-6),
    "adjust_sharpness blur": (lambda F, lib, x: F.adjust_sharpness(x, 0.3), ALL, 1e-6),
    "adjust_sharpness sharpen": (lambda F, lib, x: F.adjust_sharpness(x, 2.5), ALL, 1e-6),
    "invert": (lambda F, lib, x: F.invert(x), ALL, 0),
    "posterize": (lambda F, lib, x: F.posterize(x, 3), {**PIL_IMAGES, **UINT8_TENSORS}, 0),
    "posterize 0 bits": (lambda F, lib, x: F.posterize(x, 0), UINT8_TENSORS, 0),
    "solarize": (lambda F, lib, x: F.solarize(x, 128), {**PIL_IMAGES, **UINT8_TENSORS}, 0),
    "solarize float": (lambda F, lib, x: F.solarize(x, 0.4), FLOAT_TENSORS, 0),
    "autocontrast": (lambda F, lib, x: F.autocontrast(x), ALL, 1e-6),
    "equalize": (lambda F, lib, x: F.equalize(x), {**PIL_IMAGES, **UINT8_TENSORS}, 0),
    "rgb_to_grayscale": (lambda F, lib, x: F.rgb_to_grayscale(x),
                         {"pil RGB": PIL_RGB, "uint8": UINT8, "float": FLOAT}, 1e-6),
    "rgb_to_grayscale 3": (lambda F, lib, x: F.rgb_to_grayscale(x, num_output_channels=3),
                           {"pil RGB": PIL_RGB, "uint8": UINT8, "float": FLOAT}, 1e-6),
    "to_grayscale": (lambda F, lib, x: F.to_grayscale(x, 3), PIL_IMAGES, 0),
    "gaussian_blur": (lambda F, lib, x: F.gaussian_blur(x, [5, 3], [1.2, 0.8]), ALL, 1e-6, 1),
    "rotate": (lambda F, lib, x: F.rotate(x, 33.0), ALL, 1e-5),
    "rotate bilinear, fill": (lambda F, lib, x: F.rotate(x, -20, bilinear(F), fill=[60]),
                              ALL, 5e-4),
    "rotate expand, centre": (lambda F, lib, x: F.rotate(x, 70.0, expand=True, center=[3, 4]),
                              ALL, 1e-5),
    "rotate 90, expand": (lambda F, lib, x: F.rotate(x, 90.0, expand=True), ALL, 1e-5),
    "affine": (lambda F, lib, x: F.affine(x, 15.0, [2, -1], 1.1, [5.0, -8.0]), ALL, 1e-5),
    "affine shear number, centre, fill": (
        lambda F, lib, x: F.affine(x, -30, (1, 3), 0.9, 12.0, bilinear(F), fill=200,
                                   center=[0, 0]), ALL, 5e-4),
    "perspective": (lambda F, lib, x: F.perspective(
        x, [[0, 0], [9, 0], [9, 8], [0, 8]], [[1, 2], [8, 0], [9, 7], [2, 8]]), ALL, 1e-4),
    "perspective nearest, fill": (lambda F, lib, x: F.perspective(
        x, [[0, 0], [9, 0], [9, 8], [0, 8]], [[3, 1], [7, 2], [8, 6], [0, 7]], nearest(F),
        fill=90), ALL, 1e-4),
    "erase": (lambda F, lib, x: F.erase(x, 1, 2, 4, 3, lib.tensor(0.5).to(x.dtype)),
              {**UINT8_TENSORS, **FLOAT_TENSORS}, 0),
    "get_dimensions": (lambda F, lib, x: lib.tensor(F.get_dimensions(x)), ALL, 0),
    "get_image_size": (lambda F, lib, x: lib.tensor(F.get_image_size(x)), ALL, 0),
    "get_image_num_channels": (lambda F, lib, x: lib.tensor(F.get_image_num_channels(x)), ALL,
                               0),
}


@pytest.mark.parametrize("name,kind", [(name, kind) for name, (_, images, *_) in CASES.items()
                                       for kind in images])
def test_function_matches_torchvision(name, kind):
    call, images, *tolerances = CASES[name]
    compare(call, images[kind], *tolerances)


ELASTIC = {"pil RGB": PIL_RGB, "uint8": UINT8, "float": FLOAT}


@pytest.mark.parametrize("kind", list(ELASTIC))
@pytest.mark.parametrize("interpolation", ["NEAREST", "BILINEAR"])
def test_elastic_transform_with_a_given_displacement(kind, interpolation):
    img = ELASTIC[kind]
    height, width = (img.height, img.width) if isinstance(img, Image.Image) else img.shape[-2:]
    displacement = RNG.uniform(-0.3, 0.3, (1, height, width, 2)).astype(np.float32)

    def call(F, lib, x):
        mode = getattr(F.InterpolationMode, interpolation)
        return F.elastic_transform(x, lib.from_numpy(displacement.copy()), mode, fill=[17.0])
    compare(call, img, atol=1e-5)


CONVERSIONS = {
    "to_tensor PIL": (lambda F, lib, x: F.to_tensor(x), PIL_IMAGES),
    "to_tensor PIL mode 1": (lambda F, lib, x: F.to_tensor(x.convert("1")), PIL_IMAGES),
    "pil_to_tensor": (lambda F, lib, x: F.pil_to_tensor(x), PIL_IMAGES),
    "to_pil_image": (lambda F, lib, x: F.to_pil_image(x), {"uint8": UINT8, "float": FLOAT,
                                                          "uint8 gray": UINT8_GRAY}),
    "to_pil_image HSV": (lambda F, lib, x: F.to_pil_image(x, mode="HSV"), {"uint8": UINT8}),
    "to_pil_image float as F": (lambda F, lib, x: F.to_pil_image(x, mode="F"),
                                {"float gray": FLOAT_GRAY}),
    "convert_image_dtype uint8→float": (
        lambda F, lib, x: F.convert_image_dtype(x, lib.float32), UINT8_TENSORS),
    "convert_image_dtype uint8→int32": (
        lambda F, lib, x: F.convert_image_dtype(x, lib.int32), UINT8_TENSORS),
    "convert_image_dtype float→uint8": (
        lambda F, lib, x: F.convert_image_dtype(x, lib.uint8), FLOAT_TENSORS),
    "convert_image_dtype int32→uint8": (
        lambda F, lib, x: F.convert_image_dtype(F.convert_image_dtype(x, lib.int32), lib.uint8),
        UINT8_TENSORS),
    "normalize": (lambda F, lib, x: F.normalize(x, [0.5], [0.2]), FLOAT_TENSORS),
}


@pytest.mark.parametrize("name,kind", [(name, kind) for name, (_, images) in CONVERSIONS.items()
                                       for kind in images])
def test_conversions_match_torchvision(name, kind):
    call, images = CONVERSIONS[name]
    compare(call, images[kind], atol=1e-7)


def test_to_tensor_of_an_ndarray_and_interpolation_modes():
    array = RNG.integers(0, 256, (5, 6, 3), dtype=np.uint8)
    assert_same(LF.to_tensor(array.copy()), TF.to_tensor(array.copy()), 1e-7)
    assert [m.name for m in LF.InterpolationMode] == [m.name for m in TF.InterpolationMode]
    assert [m.value for m in LF.InterpolationMode] == [m.value for m in TF.InterpolationMode]


def test_every_public_function_of_torchvision_exists():
    public = [n for n in dir(TF) if not n.startswith("_") and callable(getattr(TF, n))
              and getattr(getattr(TF, n), "__module__", "").startswith("torchvision")]
    assert [n for n in public if not hasattr(LF, n)] == []


def raises_like_torchvision(call, images, error, match):
    for F, lib in ((LF, lt), (TF, torch)):
        for img in images:
            with pytest.raises(error, match=match):
                call(F, lib, source(img, lib))


@pytest.mark.parametrize("call,images,error,match", [
    (lambda F, lib, x: F.posterize(x, 9), [UINT8], ValueError, "number if bits"),
    (lambda F, lib, x: F.posterize(x, 3), [FLOAT], TypeError, "Only torch.uint8"),
    (lambda F, lib, x: F.equalize(x), [FLOAT], TypeError, "Only torch.uint8"),
    (lambda F, lib, x: F.solarize(x, 2.0), [FLOAT], TypeError, "Threshold should be less"),
    (lambda F, lib, x: F.invert(x[0]), [UINT8], TypeError, "at least 3 dimensions"),
    (lambda F, lib, x: F.adjust_sharpness(x, -1), [UINT8], ValueError, "is not non-negative"),
    (lambda F, lib, x: F.adjust_gamma(x, -1), [UINT8, PIL_RGB], ValueError, "non-negative"),
    (lambda F, lib, x: F.rotate(x, 10, F.InterpolationMode.BICUBIC), [UINT8], ValueError,
     "unsupported with Tensor input"),
    (lambda F, lib, x: F.rotate(x, "10"), [UINT8], TypeError, "angle should be int or float"),
    (lambda F, lib, x: F.rotate(x, 10, "nearest"), [UINT8], TypeError,
     "Argument interpolation should be a InterpolationMode"),
    (lambda F, lib, x: F.affine(x, 0, [1], 1.0, 0.0), [UINT8], ValueError,
     "translate should be a sequence of length 2"),
    (lambda F, lib, x: F.affine(x, 0, [1, 1], 0.0, 0.0), [UINT8], ValueError,
     "scale should be positive"),
    (lambda F, lib, x: F.affine(x, 0, [1, 1], 1.0, [1, 2, 3]), [UINT8], ValueError,
     "Shear should be a sequence containing two values"),
    (lambda F, lib, x: F.affine(x, 0, [0, 0], 1.0, 0.0, fill=[1, 2]), [UINT8], ValueError,
     "cannot broadcast"),
    (lambda F, lib, x: F.rotate(x, 5, fill=[1, 2]), [PIL_RGB], ValueError, "does not match"),
    (lambda F, lib, x: F.perspective(x, [[0, 0]] * 3, [[0, 0]] * 4), [UINT8], ValueError,
     "exactly four corners"),
    (lambda F, lib, x: F.to_pil_image(x, mode="RGBA"), [UINT8], ValueError,
     "Only modes \\['RGB', 'YCbCr', 'HSV'\\]"),
    (lambda F, lib, x: F.to_grayscale(x), [UINT8], TypeError, "Input should be PIL Image"),
    (lambda F, lib, x: F.rgb_to_grayscale(x, 2), [UINT8], ValueError, "either 1 or 3"),
    (lambda F, lib, x: F.resize(x, [1, 2, 3]), [UINT8], ValueError, "1 or 2 element"),
    (lambda F, lib, x: F.resize(x, [4, 5], max_size=9), [UINT8], ValueError,
     "max_size should only be passed"),
    (lambda F, lib, x: F.resize(x, 6, max_size=6), [UINT8], ValueError,
     "must be strictly greater"),
    (lambda F, lib, x: F.convert_image_dtype(x, lib.int64), [FLOAT], RuntimeError,
     "cannot be performed safely"),
    (lambda F, lib, x: F.elastic_transform(x, lib.zeros(1, 2, 2, 2)), [UINT8], ValueError,
     "displacement shape should be"),
    (lambda F, lib, x: F.erase(np.zeros((3, 3)), 0, 0, 1, 1, 0), [UINT8], TypeError,
     "img should be Tensor Image"),
])
def test_bad_arguments_raise_torchvisions_errors(call, images, error, match):
    raises_like_torchvision(call, images, error, match)
