"""Learned and random augmentation policies: AutoAugment, RandAugment, TrivialAugmentWide, AugMix.

Each picks operations (shear, translate, rotate, colour, posterize, …) and magnitudes from a
table of bins, drawing the choices with torchvision's calls in its order, so a seeded run
gives torchvision's images.
"""
import math
from enum import Enum

from ...nn import Module
from . import functional as F
from .functional import InterpolationMode, _is_tensor

__all__ = ["AutoAugmentPolicy", "AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix"]


def _lt():
    import learntorch
    return learntorch


def _apply_op(img, op_name, magnitude, interpolation, fill):
    """One named operation at ``magnitude`` (shears as slopes, translations in pixels)."""
    if op_name in ("ShearX", "ShearY"):
        shear = math.degrees(math.atan(magnitude))
        return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0,
                        shear=[shear, 0.0] if op_name == "ShearX" else [0.0, shear],
                        interpolation=interpolation, fill=fill, center=[0, 0])
    if op_name in ("TranslateX", "TranslateY"):
        shift = [int(magnitude), 0] if op_name == "TranslateX" else [0, int(magnitude)]
        return F.affine(img, angle=0.0, translate=shift, scale=1.0, interpolation=interpolation,
                        shear=[0.0, 0.0], fill=fill)
    if op_name == "Rotate":
        return F.rotate(img, magnitude, interpolation=interpolation, fill=fill)
    factor_ops = {"Brightness": F.adjust_brightness, "Color": F.adjust_saturation,
                  "Contrast": F.adjust_contrast, "Sharpness": F.adjust_sharpness}
    if op_name in factor_ops:
        return factor_ops[op_name](img, 1.0 + magnitude)
    if op_name == "Posterize":
        return F.posterize(img, int(magnitude))
    if op_name == "Solarize":
        return F.solarize(img, magnitude)
    plain_ops = {"AutoContrast": F.autocontrast, "Equalize": F.equalize, "Invert": F.invert,
                 "Identity": lambda image: image}
    if op_name in plain_ops:
        return plain_ops[op_name](img)
    raise ValueError(f"The provided operator {op_name} is not recognized.")


def _tensor_fill(img, fill):
    """A tensor image's fill as one float per channel; None stays None (no fill)."""
    if not _is_tensor(img) or fill is None:
        return fill
    if isinstance(fill, (int, float)):
        return [float(fill)] * F.get_dimensions(img)[0]
    return [float(f) for f in fill]


def _space(num_bins, translate, rotate, shear, colour, posterize_top, posterize_span,
           colour_last=False):
    """The table of operations → (magnitude bins, signed) of torchvision's policies, in its
    order (an operation is drawn by its index); ``colour`` None leaves the colour ops out."""
    lt = _lt()

    def bins(high):
        return lt.linspace(0.0, high, num_bins), True
    zero = (lt.tensor(0.0), False)
    posterize = (posterize_top - (lt.arange(num_bins) / ((num_bins - 1) / posterize_span))
                 .round().int())
    geometric = {"ShearX": bins(shear), "ShearY": bins(shear), "TranslateX": bins(translate[1]),
                 "TranslateY": bins(translate[0]), "Rotate": bins(rotate)}
    colours = {} if colour is None else {name: bins(colour) for name in
                                         ("Brightness", "Color", "Contrast", "Sharpness")}
    tones = {"Posterize": (posterize, False),
             "Solarize": (lt.linspace(255.0, 0.0, num_bins), False),
             "AutoContrast": zero, "Equalize": zero}
    if colour_last:
        return {**geometric, **tones, **colours}
    return {**geometric, **colours, **tones}


def _rand_augment_space(num_bins, image_size):
    """RandAugment's (and AutoAugment's) operations, translations up to 150/331 of the side."""
    height, width = image_size
    return _space(num_bins, (150.0 / 331.0 * height, 150.0 / 331.0 * width), 30.0, 0.3, 0.9,
                  8, 4)


class AutoAugmentPolicy(Enum):
    """AutoAugment policies learned on different datasets.
    Available policies are IMAGENET, CIFAR10 and SVHN.
    """
    IMAGENET = "imagenet"
    CIFAR10 = "cifar10"
    SVHN = "svhn"


_POLICIES = {
    AutoAugmentPolicy.IMAGENET: [
        (("Posterize", 0.4, 8), ("Rotate", 0.6, 9)),
        (("Solarize", 0.6, 5), ("AutoContrast", 0.6, None)),
        (("Equalize", 0.8, None), ("Equalize", 0.6, None)),
        (("Posterize", 0.6, 7), ("Posterize", 0.6, 6)),
        (("Equalize", 0.4, None), ("Solarize", 0.2, 4)),
        (("Equalize", 0.4, None), ("Rotate", 0.8, 8)),
        (("Solarize", 0.6, 3), ("Equalize", 0.6, None)),
        (("Posterize", 0.8, 5), ("Equalize", 1.0, None)),
        (("Rotate", 0.2, 3), ("Solarize", 0.6, 8)),
        (("Equalize", 0.6, None), ("Posterize", 0.4, 6)),
        (("Rotate", 0.8, 8), ("Color", 0.4, 0)),
        (("Rotate", 0.4, 9), ("Equalize", 0.6, None)),
        (("Equalize", 0.0, None), ("Equalize", 0.8, None)),
        (("Invert", 0.6, None), ("Equalize", 1.0, None)),
        (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
        (("Rotate", 0.8, 8), ("Color", 1.0, 2)),
        (("Color", 0.8, 8), ("Solarize", 0.8, 7)),
        (("Sharpness", 0.4, 7), ("Invert", 0.6, None)),
        (("ShearX", 0.6, 5), ("Equalize", 1.0, None)),
        (("Color", 0.4, 0), ("Equalize", 0.6, None)),
        (("Equalize", 0.4, None), ("Solarize", 0.2, 4)),
        (("Solarize", 0.6, 5), ("AutoContrast", 0.6, None)),
        (("Invert", 0.6, None), ("Equalize", 1.0, None)),
        (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
        (("Equalize", 0.8, None), ("Equalize", 0.6, None)),
    ],
    AutoAugmentPolicy.CIFAR10: [
        (("Invert", 0.1, None), ("Contrast", 0.2, 6)),
        (("Rotate", 0.7, 2), ("TranslateX", 0.3, 9)),
        (("Sharpness", 0.8, 1), ("Sharpness", 0.9, 3)),
        (("ShearY", 0.5, 8), ("TranslateY", 0.7, 9)),
        (("AutoContrast", 0.5, None), ("Equalize", 0.9, None)),
        (("ShearY", 0.2, 7), ("Posterize", 0.3, 7)),
        (("Color", 0.4, 3), ("Brightness", 0.6, 7)),
        (("Sharpness", 0.3, 9), ("Brightness", 0.7, 9)),
        (("Equalize", 0.6, None), ("Equalize", 0.5, None)),
        (("Contrast", 0.6, 7), ("Sharpness", 0.6, 5)),
        (("Color", 0.7, 7), ("TranslateX", 0.5, 8)),
        (("Equalize", 0.3, None), ("AutoContrast", 0.4, None)),
        (("TranslateY", 0.4, 3), ("Sharpness", 0.2, 6)),
        (("Brightness", 0.9, 6), ("Color", 0.2, 8)),
        (("Solarize", 0.5, 2), ("Invert", 0.0, None)),
        (("Equalize", 0.2, None), ("AutoContrast", 0.6, None)),
        (("Equalize", 0.2, None), ("Equalize", 0.6, None)),
        (("Color", 0.9, 9), ("Equalize", 0.6, None)),
        (("AutoContrast", 0.8, None), ("Solarize", 0.2, 8)),
        (("Brightness", 0.1, 3), ("Color", 0.7, 0)),
        (("Solarize", 0.4, 5), ("AutoContrast", 0.9, None)),
        (("TranslateY", 0.9, 9), ("TranslateY", 0.7, 9)),
        (("AutoContrast", 0.9, None), ("Solarize", 0.8, 3)),
        (("Equalize", 0.8, None), ("Invert", 0.1, None)),
        (("TranslateY", 0.7, 9), ("AutoContrast", 0.9, None)),
    ],
    AutoAugmentPolicy.SVHN: [
        (("ShearX", 0.9, 4), ("Invert", 0.2, None)),
        (("ShearY", 0.9, 8), ("Invert", 0.7, None)),
        (("Equalize", 0.6, None), ("Solarize", 0.6, 6)),
        (("Invert", 0.9, None), ("Equalize", 0.6, None)),
        (("Equalize", 0.6, None), ("Rotate", 0.9, 3)),
        (("ShearX", 0.9, 4), ("AutoContrast", 0.8, None)),
        (("ShearY", 0.9, 8), ("Invert", 0.4, None)),
        (("ShearY", 0.9, 5), ("Solarize", 0.2, 6)),
        (("Invert", 0.9, None), ("AutoContrast", 0.8, None)),
        (("Equalize", 0.6, None), ("Rotate", 0.9, 3)),
        (("ShearX", 0.9, 4), ("Solarize", 0.3, 3)),
        (("ShearY", 0.8, 8), ("Invert", 0.7, None)),
        (("Equalize", 0.9, None), ("TranslateY", 0.6, 6)),
        (("Invert", 0.9, None), ("Equalize", 0.6, None)),
        (("Contrast", 0.3, 3), ("Rotate", 0.8, 4)),
        (("Invert", 0.8, None), ("TranslateY", 0.0, 2)),
        (("ShearY", 0.7, 6), ("Solarize", 0.4, 8)),
        (("Invert", 0.6, None), ("Rotate", 0.8, 4)),
        (("ShearY", 0.3, 7), ("TranslateX", 0.9, 3)),
        (("ShearX", 0.1, 6), ("Invert", 0.6, None)),
        (("Solarize", 0.7, 2), ("TranslateY", 0.6, 7)),
        (("ShearY", 0.8, 4), ("Invert", 0.8, None)),
        (("ShearX", 0.7, 9), ("TranslateY", 0.8, 3)),
        (("ShearY", 0.8, 5), ("AutoContrast", 0.7, None)),
        (("ShearX", 0.7, 2), ("Invert", 0.1, None)),
    ],
}


class AutoAugment(Module):
    """One of the policy's 25 sub-policies (``randint``), each of its two operations applied
    with its probability (``rand(2)``) and a random sign (``randint(2, (2,))``)."""

    def __init__(self, policy=AutoAugmentPolicy.IMAGENET,
                 interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__()
        self.policy, self.interpolation, self.fill = policy, interpolation, fill
        self.policies = self._get_policies(policy)

    def _get_policies(self, policy):
        if policy not in _POLICIES:
            raise ValueError(f"The provided policy {policy} is not recognized.")
        return _POLICIES[policy]

    def _augmentation_space(self, num_bins, image_size):
        return {**_rand_augment_space(num_bins, image_size),
                "Invert": (_lt().tensor(0.0), False)}

    @staticmethod
    def get_params(transform_num):
        lt = _lt()
        policy_id = int(lt.randint(transform_num, (1,)).item())
        probs = lt.rand((2,))
        signs = lt.randint(2, (2,))
        return policy_id, probs, signs

    def forward(self, img):
        fill = _tensor_fill(img, self.fill)
        _, height, width = F.get_dimensions(img)
        transform_id, probs, signs = self.get_params(len(self.policies))
        op_meta = self._augmentation_space(10, (height, width))
        for i, (op_name, p, magnitude_id) in enumerate(self.policies[transform_id]):
            if probs[i] <= p:
                magnitudes, signed = op_meta[op_name]
                magnitude = (float(magnitudes[magnitude_id].item())
                             if magnitude_id is not None else 0.0)
                if signed and signs[i] == 0:
                    magnitude *= -1.0
                img = _apply_op(img, op_name, magnitude, self.interpolation, fill)
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(policy={self.policy}, fill={self.fill})"


def _draw_op(op_meta):
    """An operation's name: ``randint(len(ops), (1,))``."""
    return list(op_meta)[int(_lt().randint(len(op_meta), (1,)).item())]


def _signed(magnitude, signed):
    """Negate a signed operation's magnitude when ``randint(2, (1,))`` says so."""
    if signed and _lt().randint(2, (1,)):
        return -magnitude
    return magnitude


class RandAugment(Module):
    """``num_ops`` operations, each drawn uniformly, all at bin ``magnitude``."""

    def __init__(self, num_ops=2, magnitude=9, num_magnitude_bins=31,
                 interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__()
        self.num_ops, self.magnitude = num_ops, magnitude
        self.num_magnitude_bins, self.interpolation, self.fill = \
            num_magnitude_bins, interpolation, fill

    def _augmentation_space(self, num_bins, image_size):
        return {"Identity": (_lt().tensor(0.0), False),
                **_rand_augment_space(num_bins, image_size)}

    def forward(self, img):
        fill = _tensor_fill(img, self.fill)
        _, height, width = F.get_dimensions(img)
        op_meta = self._augmentation_space(self.num_magnitude_bins, (height, width))
        for _ in range(self.num_ops):
            op_name = _draw_op(op_meta)
            magnitudes, signed = op_meta[op_name]
            magnitude = float(magnitudes[self.magnitude].item()) if magnitudes.ndim > 0 else 0.0
            img = _apply_op(img, op_name, _signed(magnitude, signed), self.interpolation, fill)
        return img

    def __repr__(self):
        return (f"{self.__class__.__name__}(num_ops={self.num_ops}, magnitude={self.magnitude}"
                f", num_magnitude_bins={self.num_magnitude_bins}"
                f", interpolation={self.interpolation}, fill={self.fill})")


class TrivialAugmentWide(Module):
    """One operation drawn uniformly, at a magnitude bin drawn uniformly (wide ranges)."""

    def __init__(self, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST,
                 fill=None):
        super().__init__()
        self.num_magnitude_bins, self.interpolation, self.fill = \
            num_magnitude_bins, interpolation, fill

    def _augmentation_space(self, num_bins):
        return {"Identity": (_lt().tensor(0.0), False),
                **_space(num_bins, (32.0, 32.0), 135.0, 0.99, 0.99, 8, 6)}

    def forward(self, img):
        lt = _lt()
        fill = _tensor_fill(img, self.fill)
        op_meta = self._augmentation_space(self.num_magnitude_bins)
        op_name = _draw_op(op_meta)
        magnitudes, signed = op_meta[op_name]
        magnitude = (float(magnitudes[lt.randint(len(magnitudes), (1,), dtype=lt.long)].item())
                     if magnitudes.ndim > 0 else 0.0)
        return _apply_op(img, op_name, _signed(magnitude, signed), self.interpolation, fill)

    def __repr__(self):
        return (f"{self.__class__.__name__}(num_magnitude_bins={self.num_magnitude_bins}"
                f", interpolation={self.interpolation}, fill={self.fill})")


class AugMix(Module):
    """``mixture_width`` chains of 1–3 random operations, mixed with Dirichlet weights and then
    with the original image (Beta-like weight ``m``), in float and truncated back."""

    _PARAMETER_MAX = 10

    def __init__(self, severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True,
                 interpolation=InterpolationMode.BILINEAR, fill=None):
        super().__init__()
        if not 1 <= severity <= self._PARAMETER_MAX:
            raise ValueError(f"The severity must be between [1, {self._PARAMETER_MAX}]. Got "
                             f"{severity} instead.")
        self.severity, self.mixture_width, self.chain_depth = severity, mixture_width, chain_depth
        self.alpha, self.all_ops, self.interpolation, self.fill = \
            alpha, all_ops, interpolation, fill

    def _augmentation_space(self, num_bins, image_size):
        height, width = image_size
        return _space(num_bins, (height / 3.0, width / 3.0), 30.0, 0.3,
                      0.9 if self.all_ops else None, 4, 4, colour_last=True)

    def _sample_dirichlet(self, params):
        from ...ops.sampling_serial import _sample_dirichlet
        return _sample_dirichlet(params)

    def forward(self, orig_img):
        lt = _lt()
        fill = _tensor_fill(orig_img, self.fill)
        _, height, width = F.get_dimensions(orig_img)
        img = orig_img if _is_tensor(orig_img) else F.pil_to_tensor(orig_img)
        op_meta = self._augmentation_space(self._PARAMETER_MAX, (height, width))
        orig_dims = list(img.shape)
        batch = img.view([1] * max(4 - img.dim(), 0) + orig_dims)
        batch_dims = [batch.size(0)] + [1] * (batch.dim() - 1)
        m = self._sample_dirichlet(lt.tensor([self.alpha, self.alpha]).expand(batch_dims[0], -1))
        combined_weights = self._sample_dirichlet(
            lt.tensor([self.alpha] * self.mixture_width).expand(batch_dims[0], -1)
        ) * m[:, 1].view([batch_dims[0], -1])
        mix = m[:, 0].view(batch_dims) * batch
        for i in range(self.mixture_width):
            aug = batch
            depth = (self.chain_depth if self.chain_depth > 0
                     else int(lt.randint(low=1, high=4, size=(1,)).item()))
            for _ in range(depth):
                op_name = _draw_op(op_meta)
                magnitudes, signed = op_meta[op_name]
                magnitude = (float(magnitudes[lt.randint(self.severity, (1,),
                                                         dtype=lt.long)].item())
                             if magnitudes.ndim > 0 else 0.0)
                aug = _apply_op(aug, op_name, _signed(magnitude, signed), self.interpolation,
                                fill)
            mix.add_(combined_weights[:, i].view(batch_dims) * aug)
        mix = mix.view(orig_dims).to(dtype=img.dtype)
        return mix if _is_tensor(orig_img) else F.to_pil_image(mix)

    def __repr__(self):
        return (f"{self.__class__.__name__}(severity={self.severity}"
                f", mixture_width={self.mixture_width}, chain_depth={self.chain_depth}"
                f", alpha={self.alpha}, all_ops={self.all_ops}"
                f", interpolation={self.interpolation}, fill={self.fill})")
