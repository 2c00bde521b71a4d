"""The random transforms torchvision 0.28 added beyond the classic ones, and the augmentation
policies (AutoAugment, RandAugment, TrivialAugmentWide, AugMix), against torchvision.

After the same seed both libraries draw the same numbers with the same calls in the same order,
so each of several calls in a row gives torchvision's image: on PIL images and on uint8 and float
tensors (one and three channels, and a batch where torchvision takes one).
"""
import numpy as np
import pytest
import torch
from PIL import Image

import learntorch as lt
import learntorch.vision.transforms as LT
from test_vision_transforms_functional import assert_same, source
from torchvision_oracle import import_torchvision

import_torchvision()
import torchvision.transforms as T  # noqa: E402

RNG = np.random.default_rng(23)
PIL_RGB = Image.fromarray(RNG.integers(0, 256, (20, 24, 3), dtype=np.uint8))
PIL_L = Image.fromarray(RNG.integers(0, 256, (18, 16), dtype=np.uint8))
UINT8 = RNG.integers(20, 230, (3, 21, 19), dtype=np.uint8)
UINT8_GRAY = RNG.integers(0, 256, (1, 16, 22), dtype=np.uint8)
UINT8_BATCH = RNG.integers(0, 256, (2, 3, 12, 14), dtype=np.uint8)
FLOAT = RNG.random((3, 17, 15), dtype=np.float32)
IMAGES = {"pil RGB": PIL_RGB, "pil L": PIL_L, "uint8": UINT8, "uint8 gray": UINT8_GRAY,
          "uint8 batch": UINT8_BATCH, "float": FLOAT}
UINT8_ONLY = {k: v for k, v in IMAGES.items() if k != "float"}


def run(build, img, seed, repeats=6, atol=1e-5, int_atol=0):
    """``build(T)`` → a transform in each library, applied ``repeats`` times after one seed."""
    outs = []
    for lib, module in ((lt, LT), (torch, T)):
        lib.manual_seed(seed)
        transform = build(module)
        outs.append([transform(source(img, lib)) for _ in range(repeats)])
    # the generators must also end in the same state: every draw was made, none extra
    outs.append([lt.rand(3).numpy()]), outs.append([torch.rand(3).numpy()])
    assert_same(outs[0], outs[1], atol, int_atol)
    np.testing.assert_array_equal(outs[2][0], outs[3][0])


def nearest(T):
    return T.InterpolationMode.NEAREST


def bilinear(T):
    return T.InterpolationMode.BILINEAR


# name → (build, images torchvision takes, float tolerance)
RANDOM = {
    "RandomInvert": (lambda T: T.RandomInvert(), IMAGES),
    "RandomPosterize": (lambda T: T.RandomPosterize(3, p=0.6), UINT8_ONLY),
    "RandomSolarize": (lambda T: T.RandomSolarize(100, p=0.7), UINT8_ONLY),
    "RandomSolarize float": (lambda T: T.RandomSolarize(0.3), {"float": FLOAT}),
    "RandomAdjustSharpness": (lambda T: T.RandomAdjustSharpness(2.0), IMAGES),
    "RandomAutocontrast": (lambda T: T.RandomAutocontrast(p=0.4), IMAGES),
    "RandomEqualize": (lambda T: T.RandomEqualize(), UINT8_ONLY),
    "RandomPerspective": (lambda T: T.RandomPerspective(), IMAGES),
    "RandomPerspective nearest, fill": (
        lambda T: T.RandomPerspective(0.8, p=0.9, interpolation=nearest(T), fill=77), IMAGES),
    "RandomRotation": (lambda T: T.RandomRotation(40), IMAGES),
    "RandomRotation bilinear, expand, fill": (
        lambda T: T.RandomRotation((-30, 60), bilinear(T), expand=True, fill=(10,)), IMAGES),
    "RandomRotation centre": (lambda T: T.RandomRotation(25, center=(3, 5)), IMAGES),
    "RandomAffine": (lambda T: T.RandomAffine(20, translate=(0.2, 0.1), scale=(0.8, 1.2),
                                              shear=(-5, 5, -10, 10)), IMAGES),
    "Grayscale": (lambda T: T.Grayscale(3), {"pil RGB": PIL_RGB, "uint8": UINT8,
                                             "float": FLOAT}),
    "RandomGrayscale": (lambda T: T.RandomGrayscale(0.5), {"pil RGB": PIL_RGB, "uint8": UINT8,
                                                           "float": FLOAT}),
    # sigma 5 (the default) blurs with 41 taps, more than these small images can reflect
    "ElasticTransform": (lambda T: T.ElasticTransform(alpha=30.0, sigma=2.5), IMAGES),
    "ElasticTransform small sigma, nearest": (
        lambda T: T.ElasticTransform(alpha=(20.0, 40.0), sigma=1.5, interpolation=nearest(T),
                                     fill=5), IMAGES),
}


@pytest.mark.parametrize("seed", [0, 4])
@pytest.mark.parametrize("name,kind", [(n, k) for n, (_, images) in RANDOM.items()
                                       for k in images])
def test_seeded_random_transforms_match_torchvision(name, kind, seed):
    build, images = RANDOM[name]
    # ElasticTransform's displacement passes through a 41-tap Gaussian blur whose float32 sums
    # end in other last bits than torch's (NumPy's exp ≠ torch's): a uint8 pixel at a tie may
    # round the other way
    run(build, images[kind], seed, int_atol=1 if name.startswith("Elastic") else 0)


POLICIES = {
    "AutoAugment imagenet": lambda T: T.AutoAugment(),
    "AutoAugment cifar10, bilinear": lambda T: T.AutoAugment(T.AutoAugmentPolicy.CIFAR10,
                                                             bilinear(T)),
    "AutoAugment svhn, fill": lambda T: T.AutoAugment(T.AutoAugmentPolicy.SVHN, fill=128),
    "RandAugment": lambda T: T.RandAugment(),
    "RandAugment 3 ops, magnitude 20, fill": lambda T: T.RandAugment(3, 20, fill=[10, 20, 30]),
    "TrivialAugmentWide": lambda T: T.TrivialAugmentWide(),
    "TrivialAugmentWide bilinear": lambda T: T.TrivialAugmentWide(11, bilinear(T), fill=50),
    "AugMix": lambda T: T.AugMix(),
    "AugMix depth 2, no colour ops": lambda T: T.AugMix(severity=6, mixture_width=2,
                                                         chain_depth=2, alpha=0.5,
                                                         all_ops=False),
}
THREE_FILLS = {"RandAugment 3 ops, magnitude 20, fill"}   # one fill per channel of RGB
POLICY_IMAGES = {"pil RGB": PIL_RGB, "pil L": PIL_L, "uint8": UINT8, "uint8 gray": UINT8_GRAY,
                 "uint8 batch": UINT8_BATCH}


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("kind", list(POLICY_IMAGES))
@pytest.mark.parametrize("name", list(POLICIES))
def test_seeded_augmentation_policies_match_torchvision(name, kind, seed):
    img = POLICY_IMAGES[kind]
    if name in THREE_FILLS and kind not in ("pil RGB", "uint8", "uint8 batch"):
        for lib, module in ((lt, LT), (torch, T)):
            lib.manual_seed(seed)
            with pytest.raises(ValueError, match="number of elements in 'fill'"):
                for _ in range(8):   # until an operation that fills is drawn
                    POLICIES[name](module)(source(img, lib))
        return
    run(POLICIES[name], img, seed, repeats=6)


def test_policies_reach_every_operation():
    """The seeds above are not all identity: over many draws each RandAugment operation runs
    (so each one is compared), and every one of torchvision's ops exists here."""
    names = list(LT.RandAugment()._augmentation_space(31, (20, 20)))
    assert names == list(T.RandAugment()._augmentation_space(31, (20, 20)))
    assert list(LT.AugMix()._augmentation_space(10, (9, 9))) == \
        list(T.AugMix()._augmentation_space(10, (9, 9)))
    assert list(LT.TrivialAugmentWide()._augmentation_space(31)) == \
        list(T.TrivialAugmentWide()._augmentation_space(31))
    lt.manual_seed(0)
    drawn = {int(lt.randint(len(names), (1,)).item()) for _ in range(2 * 4 * 8 * 5)}
    assert drawn == set(range(len(names)))


def test_linear_transformation_whitens_like_torchvision():
    data = RNG.random((3 * 4 * 5, 3 * 4 * 5)).astype(np.float32)
    matrix = data @ data.T / 100
    mean = RNG.random(60).astype(np.float32)
    img = RNG.random((2, 3, 4, 5)).astype(np.float32)
    ours = LT.LinearTransformation(lt.from_numpy(matrix), lt.from_numpy(mean))
    theirs = T.LinearTransformation(torch.from_numpy(matrix), torch.from_numpy(mean))
    np.testing.assert_allclose(ours(lt.from_numpy(img)).numpy(),
                               theirs(torch.from_numpy(img)).numpy(), atol=1e-5, rtol=1e-6)
    assert repr(LT.LinearTransformation(lt.eye(2), lt.zeros(2))) == \
        repr(T.LinearTransformation(torch.eye(2), torch.zeros(2)))


REPRS = [
    lambda T: T.RandomInvert(0.3), lambda T: T.RandomPosterize(2),
    lambda T: T.RandomSolarize(99, 0.2), lambda T: T.RandomAdjustSharpness(1.5),
    lambda T: T.RandomAutocontrast(), lambda T: T.RandomEqualize(0.1),
    lambda T: T.RandomPerspective(0.3, 0.4), lambda T: T.ElasticTransform(),
    lambda T: T.ElasticTransform((1.0, 2.0), 3.0, fill=(1, 2)),
    lambda T: T.RandomRotation(10), lambda T: T.RandomRotation((1, 5), expand=True,
                                                               center=(1, 2), fill=3),
    lambda T: T.AutoAugment(), lambda T: T.AutoAugment(T.AutoAugmentPolicy.SVHN, fill=3),
    lambda T: T.RandAugment(), lambda T: T.TrivialAugmentWide(fill=[1, 2, 3]),
    lambda T: T.AugMix(), lambda T: T.Grayscale(3),
]


@pytest.mark.parametrize("build", REPRS)
def test_reprs_match_torchvision(build):
    assert repr(build(LT)) == repr(build(T))


@pytest.mark.parametrize("build,error,match", [
    (lambda T: T.AugMix(severity=11), ValueError, "The severity must be between"),
    (lambda T: T.AutoAugment("imagenet"), ValueError, "policy imagenet is not recognized"),
    (lambda T: T.ElasticTransform(alpha=3), TypeError, "alpha should be float or a sequence"),
    (lambda T: T.ElasticTransform(sigma=(1.0, 2.0, 3.0)), ValueError, "its length should be 2"),
    (lambda T: T.ElasticTransform(fill="x"), TypeError, "fill should be int or float"),
    (lambda T: T.RandomRotation(-5), ValueError, "must be positive"),
    (lambda T: T.RandomRotation(5, center=(1,)), ValueError, "center should be a sequence"),
    (lambda T: T.RandomPerspective(fill={1: 2}), TypeError, "Fill should be either"),
    (lambda T: T.LinearTransformation(T_zeros(T, 2, 3), T_zeros(T, 2)), ValueError,
     "should be square"),
    (lambda T: T.LinearTransformation(T_zeros(T, 2, 2), T_zeros(T, 3)), ValueError,
     "mean_vector should have the same length 3"),
])
def test_bad_arguments_raise_torchvisions_errors(build, error, match):
    for module in (LT, T):
        with pytest.raises(error, match=match):
            build(module)


def T_zeros(T, *shape):
    return (lt if T is LT else torch).zeros(*shape)


def test_functional_is_importable_the_torchvision_way():
    import learntorch.vision.transforms.autoaugment as autoaugment
    import learntorch.vision.transforms.functional as F
    import learntorch.vision.transforms.transforms as transforms
    assert F.rotate is LT.functional.rotate and F.InterpolationMode is LT.InterpolationMode
    assert autoaugment.AugMix is LT.AugMix and transforms.RandomInvert is LT.RandomInvert
    missing = [n for n in dir(T) if not n.startswith("_") and n[0].isupper()
               and not hasattr(LT, n)]
    assert missing == []
    assert sorted(n for n in T.__dict__ if n in ("functional", "transforms", "autoaugment")) == \
        sorted(n for n in LT.__dict__ if n in ("functional", "transforms", "autoaugment"))
