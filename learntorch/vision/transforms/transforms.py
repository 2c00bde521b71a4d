"""Image transforms on PIL images and on tensors ``[..., H, W]`` (torchvision.transforms' API).

Geometric transforms run on NumPy arrays, so a PIL image and a tensor go through the same code;
random ones draw from learntorch's global generator with torchvision's calls, in its order
(``rand(1)`` for a flip, two ``randint`` for a crop, one ``uniform_`` for an angle), so a seed
gives torchvision's augmentation.
"""
import math
import numbers
import random
import warnings
from collections.abc import Sequence
from enum import Enum

import numpy as np

__all__ = ["Compose", "ToTensor", "PILToTensor", "ToPILImage", "ConvertImageDtype", "Normalize",
           "Resize", "CenterCrop", "Pad", "RandomCrop", "RandomHorizontalFlip",
           "RandomVerticalFlip", "RandomRotation", "RandomResizedCrop", "RandomApply", "RandomChoice",
           "RandomErasing", "Grayscale", "ColorJitter", "GaussianBlur", "RandomAffine",
           "Lambda", "InterpolationMode", "RandomSizedCrop", "RandomOrder", "RandomGrayscale",
           "FiveCrop", "TenCrop"]


def _lt():
    import learntorch
    return learntorch


class InterpolationMode(Enum):
    NEAREST = "nearest"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"


def _pil_filter(mode):
    from PIL import Image
    return {InterpolationMode.NEAREST: Image.NEAREST, InterpolationMode.BILINEAR: Image.BILINEAR,
            InterpolationMode.BICUBIC: Image.BICUBIC}[mode]


def _is_tensor(img):
    return isinstance(img, _lt().Tensor)


def _is_pil(img):
    try:
        from PIL import Image
    except ImportError:
        return False
    return isinstance(img, Image.Image)


def _check_image(img):
    if not (_is_tensor(img) or _is_pil(img)):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")


def _apply(img, fn):
    """Run ``fn`` on the image as an array ``[..., H, W]`` and give back the same kind of image."""
    _check_image(img)
    if _is_tensor(img):
        return _lt().from_numpy(np.ascontiguousarray(fn(img.numpy())))
    from PIL import Image
    array = np.asarray(img)
    chw = array.transpose(2, 0, 1) if array.ndim == 3 else array
    out = fn(chw)
    out = out.transpose(1, 2, 0) if out.ndim == 3 else out
    return Image.fromarray(np.ascontiguousarray(out), mode=img.mode)


def get_dimensions(img):
    """[channels, height, width] of a PIL image or tensor."""
    _check_image(img)
    if _is_tensor(img):
        c = 1 if img.dim() == 2 else img.shape[-3]
        return [c, img.shape[-2], img.shape[-1]]
    return [len(img.getbands()), img.height, img.width]


def _setup_size(size, error_msg):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, (tuple, list)) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return tuple(size)


class Compose:
    """Apply the transforms one after another."""

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{self.__class__.__name__}({body}\n)"


class Lambda:
    """Any function as a transform."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {repr(type(lambd).__name__)}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


def _hwc_array(pic):
    array = np.array(pic)
    if array.ndim == 2:
        array = array[:, :, None]
    return array


class PILToTensor:
    """PIL image (or HWC array) → uint8 tensor C×H×W, values unchanged."""

    def __call__(self, pic):
        return _lt().from_numpy(np.ascontiguousarray(_hwc_array(pic).transpose(2, 0, 1)))

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class ToTensor:
    """PIL image or H×W×C ndarray → float tensor C×H×W; uint8 values are scaled to [0, 1]."""

    def __call__(self, pic):
        if not (_is_pil(pic) or isinstance(pic, np.ndarray)):
            raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
        if isinstance(pic, np.ndarray) and pic.ndim not in {2, 3}:
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        array = np.ascontiguousarray(_hwc_array(pic).transpose(2, 0, 1))
        lt = _lt()
        tensor = lt.from_numpy(array)
        if array.dtype == np.uint8:
            return tensor.to(lt.get_default_dtype()).div(255)
        return tensor

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class ToPILImage:
    """Tensor C×H×W (float in [0, 1] → ×255, truncated, like torchvision) → PIL image."""

    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        from PIL import Image
        if _is_tensor(pic):
            if pic.dim() not in {2, 3}:
                raise ValueError(f"pic should be 2/3 dimensional. Got {pic.dim()} dimensions.")
            if pic.dim() == 2:
                pic = pic.unsqueeze(0)
            if pic.is_floating_point() and self.mode != "F":
                pic = pic.mul(255).byte()
            array = pic.numpy().transpose(1, 2, 0)
        else:
            array = _hwc_array(pic)
        if array.shape[2] == 1:
            array = array[:, :, 0]
        return Image.fromarray(np.ascontiguousarray(array), mode=self.mode)

    def __repr__(self):
        return f"{self.__class__.__name__}()" if self.mode is None else \
            f"{self.__class__.__name__}(mode={self.mode})"


class ConvertImageDtype:
    """Float ↔ integer images with rescaling (uint8 255 ↔ 1.0)."""

    def __init__(self, dtype):
        self.dtype = dtype

    def __call__(self, image):
        lt = _lt()
        if image.is_floating_point():
            if self.dtype.is_floating_point:
                return image.to(self.dtype)
            top = float(np.iinfo(np.dtype(str(self.dtype).split(".")[-1])).max)
            return image.mul(top + 1.0 - 0.001).to(self.dtype)
        top = float(np.iinfo(image.numpy().dtype).max)
        if self.dtype.is_floating_point:
            return image.to(self.dtype).div(top)
        return lt.from_numpy(image.numpy()).to(self.dtype)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class Normalize:
    """(image − mean) / std per channel, on a float tensor C×H×W."""

    def __init__(self, mean, std, inplace=False):
        self.mean, self.std, self.inplace = mean, std, inplace

    def __call__(self, tensor):
        lt = _lt()
        if not _is_tensor(tensor):
            raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
        if not tensor.is_floating_point():
            raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
        if tensor.dim() < 3:
            raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                             f"tensor.size() = {tensor.size()}")
        mean = lt.as_tensor(self.mean, dtype=tensor.dtype)
        std = lt.as_tensor(self.std, dtype=tensor.dtype)
        if (std == 0).any():
            raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, "
                             "leading to division by zero.")
        if mean.dim() == 1:
            mean = mean.view(-1, 1, 1)
        if std.dim() == 1:
            std = std.view(-1, 1, 1)
        out = tensor if self.inplace else tensor.clone()
        return out.sub_(mean).div_(std)

    def __repr__(self):
        return f"{self.__class__.__name__}(mean={self.mean}, std={self.std})"


def _resized_size(height, width, size):
    if isinstance(size, (list, tuple)) and len(size) == 2:
        return list(size)
    requested = size if isinstance(size, int) else size[0]
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = requested, int(requested * long / short)
    new_w, new_h = (new_short, new_long) if width <= height else (new_long, new_short)
    return [new_h, new_w]


class Resize:
    """Resize to ``size`` (h, w), or the shorter side to ``size`` keeping the aspect ratio.

    PIL images go through PIL's resampling (as torchvision's do); tensors through
    ``nn.functional.interpolate``.
    """

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None,
                 antialias=True):
        self.size, self.interpolation = size, interpolation
        self.max_size, self.antialias = max_size, antialias

    def __call__(self, img):
        _, h, w = get_dimensions(img)
        new_h, new_w = _resized_size(h, w, self.size)
        if _is_pil(img):
            return img.resize((new_w, new_h), _pil_filter(self.interpolation))
        lt = _lt()
        x = img.reshape(-1, *img.shape[-3 if img.dim() > 2 else -2:])
        x = x if img.dim() > 2 else x.unsqueeze(0)
        batch = x.reshape(-1, 1, h, w) if img.dim() == 2 else x
        dtype = batch.dtype
        mode = self.interpolation.value
        out = lt.nn.functional.interpolate(
            batch.to(lt.float32) if not batch.is_floating_point() else batch,
            size=[new_h, new_w], mode=mode,
            align_corners=None if mode == "nearest" else False,
            antialias=self.antialias and mode != "nearest")
        if not dtype.is_floating_point:
            out = out.round().clamp(0, 255).to(dtype) if mode != "nearest" else out.to(dtype)
        return out.reshape(*img.shape[:-2], new_h, new_w)

    def __repr__(self):
        return (f"{self.__class__.__name__}(size={self.size}, "
                f"interpolation={self.interpolation.value}, max_size={self.max_size}, "
                f"antialias={self.antialias})")


def _pad_array(array, left, top, right, bottom, fill, padding_mode):
    widths = [(0, 0)] * (array.ndim - 2) + [(top, bottom), (left, right)]
    if padding_mode == "constant":
        return np.pad(array, widths, mode="constant", constant_values=fill)
    return np.pad(array, widths, mode=padding_mode)


def _padding_sides(padding):
    if isinstance(padding, numbers.Number):
        return (padding,) * 4
    if len(padding) == 1:
        return (padding[0],) * 4
    if len(padding) == 2:
        return padding[0], padding[1], padding[0], padding[1]
    if len(padding) == 4:
        return tuple(padding)
    raise ValueError("Padding must be an int or a 1, 2, or 4 element tuple, not a "
                     f"{len(padding)} element tuple")


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad (left, top, right, bottom); ``padding_mode``: constant, edge, reflect, symmetric."""
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, top, right, bottom = _padding_sides(padding)
    return _apply(img, lambda a: _pad_array(a, left, top, right, bottom, fill, padding_mode))


def crop(img, top, left, height, width):
    """The height×width box at (top, left); parts outside the image are zero-padded."""
    _, h, w = get_dimensions(img)
    pads = (max(-left, 0), max(-top, 0), max(left + width - w, 0), max(top + height - h, 0))
    if any(pads):
        img = pad(img, pads)
        top, left = top + pads[1], left + pads[0]
    return _apply(img, lambda a: a[..., top:top + height, left:left + width])


def center_crop(img, output_size):
    crop_height, crop_width = _setup_size(output_size, "Please provide only two dimensions "
                                                       "(h, w) for size.")
    _, image_height, image_width = get_dimensions(img)
    top = int(round((image_height - crop_height) / 2.0))
    left = int(round((image_width - crop_width) / 2.0))
    return crop(img, top, left, crop_height, crop_width)


class CenterCrop:
    def __init__(self, size):
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")

    def __call__(self, img):
        return center_crop(img, self.size)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size})"


class Pad:
    def __init__(self, padding, fill=0, padding_mode="constant"):
        self.padding, self.fill, self.padding_mode = padding, fill, padding_mode

    def __call__(self, img):
        return pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self):
        return (f"{self.__class__.__name__}(padding={self.padding}, fill={self.fill}, "
                f"padding_mode={self.padding_mode})")


class RandomCrop:
    """A random (h, w) crop after optional ``padding``: two ``randint`` draws, as torchvision."""

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        self.size = tuple(_setup_size(size, "Please provide only two dimensions (h, w) for size."))
        self.padding, self.pad_if_needed = padding, pad_if_needed
        self.fill, self.padding_mode = fill, padding_mode

    @staticmethod
    def get_params(img, output_size):
        lt = _lt()
        _, h, w = get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(f"Required crop size {(th, tw)} is larger than input image size "
                             f"{(h, w)}")
        if w == tw and h == th:
            return 0, 0, h, w
        i = lt.randint(0, h - th + 1, size=(1,)).item()
        j = lt.randint(0, w - tw + 1, size=(1,)).item()
        return i, j, th, tw

    def __call__(self, img):
        if self.padding is not None:
            img = pad(img, self.padding, self.fill, self.padding_mode)
        _, height, width = get_dimensions(img)
        if self.pad_if_needed and width < self.size[1]:
            img = pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            img = pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        i, j, h, w = self.get_params(img, self.size)
        return crop(img, i, j, h, w)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size}, padding={self.padding})"


class RandomHorizontalFlip:
    """Mirror left-right when ``rand(1) < p``."""

    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, img):
        if _lt().rand(1) < self.p:
            return _apply(img, lambda a: a[..., ::-1])
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"


class RandomVerticalFlip(RandomHorizontalFlip):
    """Flip upside down when ``rand(1) < p``."""

    def __call__(self, img):
        if _lt().rand(1) < self.p:
            return _apply(img, lambda a: a[..., ::-1, :])
        return img


class RandomApply:
    """Apply all ``transforms`` with probability ``p`` (skipped when ``p < rand(1)``)."""

    def __init__(self, transforms, p=0.5):
        self.transforms, self.p = transforms, p

    def __call__(self, img):
        if self.p < _lt().rand(1):
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{self.__class__.__name__}(\n    p={self.p}{body}\n)"


class RandomRotation:
    """Rotate by an angle drawn with ``empty(1).uniform_(lo, hi)`` (PIL images: PIL's rotate).

    learntorch rotates PIL images only; for tensors convert with ToPILImage first.
    """

    def __init__(self, degrees, interpolation=InterpolationMode.NEAREST, expand=False,
                 center=None, fill=0):
        if isinstance(degrees, numbers.Number):
            if degrees < 0:
                raise ValueError("If degrees is a single number, it must be positive.")
            degrees = [-degrees, degrees]
        elif len(degrees) != 2:
            raise ValueError("If degrees is a sequence, it must be of len 2.")
        self.degrees = [float(d) for d in degrees]
        self.interpolation, self.expand, self.center, self.fill = \
            interpolation, expand, center, fill

    @staticmethod
    def get_params(degrees):
        return float(_lt().empty(1).uniform_(float(degrees[0]), float(degrees[1])).item())

    def __call__(self, img):
        if not _is_pil(img):
            raise TypeError("learntorch's RandomRotation rotates PIL images; got "
                            f"{type(img)}: apply it before ToTensor")
        angle = self.get_params(self.degrees)
        fill = self.fill
        if isinstance(fill, (int, float)) and len(img.getbands()) > 1:
            fill = tuple([int(fill)] * len(img.getbands()))
        return img.rotate(angle, _pil_filter(self.interpolation), self.expand, self.center,
                          fillcolor=fill)

    def __repr__(self):
        return (f"{self.__class__.__name__}(degrees={self.degrees}, "
                f"interpolation={self.interpolation.value}, expand={self.expand}, "
                f"fill={self.fill})")


class RandomResizedCrop:
    """A crop of random area (``scale``) and aspect ratio (``ratio``), resized to ``size``:
    up to ten tries drawing (area, log-ratio) then the corner, as torchvision, else the centre."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")
        self.scale, self.ratio = scale, ratio
        self.interpolation, self.antialias = interpolation, antialias

    @staticmethod
    def get_params(img, scale, ratio):
        lt = _lt()
        _, height, width = get_dimensions(img)
        area = height * width
        log_ratio = lt.log(lt.tensor(ratio))
        for _ in range(10):
            target_area = area * lt.empty(1).uniform_(scale[0], scale[1]).item()
            aspect_ratio = lt.exp(lt.empty(1).uniform_(float(log_ratio[0]),
                                                       float(log_ratio[1]))).item()
            w = int(round(math.sqrt(target_area * aspect_ratio)))
            h = int(round(math.sqrt(target_area / aspect_ratio)))
            if 0 < w <= width and 0 < h <= height:
                i = lt.randint(0, height - h + 1, size=(1,)).item()
                j = lt.randint(0, width - w + 1, size=(1,)).item()
                return i, j, h, w
        in_ratio = float(width) / float(height)
        if in_ratio < min(ratio):
            w, h = width, int(round(width / min(ratio)))
        elif in_ratio > max(ratio):
            h, w = height, int(round(height * max(ratio)))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def __call__(self, img):
        i, j, h, w = self.get_params(img, self.scale, self.ratio)
        resize = Resize(list(self.size), self.interpolation, antialias=self.antialias)
        return resize(crop(img, i, j, h, w))

    def __repr__(self):
        return (f"{self.__class__.__name__}(size={self.size}, "
                f"scale={tuple(round(s, 4) for s in self.scale)}, "
                f"ratio={tuple(round(r, 4) for r in self.ratio)}, "
                f"interpolation={self.interpolation.value}, antialias={self.antialias})")


class RandomSizedCrop(RandomResizedCrop):
    """The pre-0.2 name of ``RandomResizedCrop`` (torchvision has since dropped it)."""

    def __init__(self, *args, **kwargs):
        warnings.warn("The use of the transforms.RandomSizedCrop transform is deprecated, "
                      "please use transforms.RandomResizedCrop instead.")
        super().__init__(*args, **kwargs)


def five_crop(img, size):
    """The four corner crops and the centre crop: (tl, tr, bl, br, center)."""
    crop_height, crop_width = _setup_size(size, "Please provide only two dimensions (h, w) "
                                                "for size.")
    _, image_height, image_width = get_dimensions(img)
    if crop_width > image_width or crop_height > image_height:
        raise ValueError(f"Requested crop size {size} is bigger than input size "
                         f"{(image_height, image_width)}")
    bottom, right = image_height - crop_height, image_width - crop_width
    corners = [(0, 0), (0, right), (bottom, 0), (bottom, right)]
    return (*(crop(img, top, left, crop_height, crop_width) for top, left in corners),
            center_crop(img, [crop_height, crop_width]))


def ten_crop(img, size, vertical_flip=False):
    """``five_crop`` of the image, then of its mirror image (left-right, or upside down)."""
    flip = (lambda a: a[..., ::-1, :]) if vertical_flip else (lambda a: a[..., ::-1])
    return five_crop(img, size) + five_crop(_apply(img, flip), size)


class FiveCrop:
    def __init__(self, size):
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")

    def __call__(self, img):
        return five_crop(img, self.size)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size})"


class TenCrop:
    def __init__(self, size, vertical_flip=False):
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")
        self.vertical_flip = vertical_flip

    def __call__(self, img):
        return ten_crop(img, self.size, self.vertical_flip)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size}, vertical_flip={self.vertical_flip})"


class Grayscale:
    """PIL images to luminance (PIL's ``convert("L")``), repeated to 3 channels if asked."""

    def __init__(self, num_output_channels=1):
        self.num_output_channels = num_output_channels

    def __call__(self, img):
        if not _is_pil(img):
            raise TypeError("learntorch's Grayscale converts PIL images; got "
                            f"{type(img)}: apply it before ToTensor")
        from PIL import Image
        gray = img.convert("L")
        if self.num_output_channels == 3:
            array = np.asarray(gray)
            return Image.fromarray(np.dstack([array, array, array]), "RGB")
        return gray

    def __repr__(self):
        return f"{self.__class__.__name__}(num_output_channels={self.num_output_channels})"


class RandomChoice:
    """One of ``transforms``, picked with Python's ``random.choices`` (as torchvision does)."""

    def __init__(self, transforms, p=None):
        if p is not None and not isinstance(p, Sequence):
            raise TypeError("Argument p should be a sequence")
        if p is not None and len(p) != len(transforms):
            raise ValueError(f"Length of p doesn't match the number of transforms: {len(p)} != "
                             f"{len(transforms)}")
        self.transforms, self.p = transforms, p

    def __call__(self, *args):
        return random.choices(self.transforms, weights=self.p)[0](*args)

    def __repr__(self):
        return f"{self.__class__.__name__}(transforms={self.transforms}, p={self.p})"


class RandomOrder:
    """All of ``transforms``, in an order shuffled by Python's ``random`` (as torchvision)."""

    def __init__(self, transforms):
        if not isinstance(transforms, Sequence):
            raise TypeError("Argument transforms should be a sequence")
        self.transforms = transforms

    def __call__(self, img):
        order = list(range(len(self.transforms)))
        random.shuffle(order)
        for i in order:
            img = self.transforms[i](img)
        return img

    def __repr__(self):
        lines = "".join(f"\n    {t}" for t in self.transforms)
        return f"{self.__class__.__name__}({lines}\n)"


class RandomGrayscale:
    """``Grayscale`` keeping the channel count, when ``rand(1) < p``."""

    def __init__(self, p=0.1):
        self.p = p

    def __call__(self, img):
        channels = get_dimensions(img)[0]
        if _lt().rand(1) < self.p:
            return Grayscale(channels)(img)
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"


class RandomErasing:
    """With probability ``p``, overwrite a random box of a tensor image C×H×W with ``value``
    (a number, one per channel, or ``"random"`` normals): torchvision's draws, in its order."""

    def __init__(self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False):
        if not isinstance(value, (numbers.Number, str, tuple, list)):
            raise TypeError("Argument value should be either a number or str or a sequence")
        if isinstance(value, str) and value != "random":
            raise ValueError("If value is str, it should be 'random'")
        if not isinstance(scale, Sequence):
            raise TypeError("Scale should be a sequence")
        if not isinstance(ratio, Sequence):
            raise TypeError("Ratio should be a sequence")
        if (scale[0] > scale[1]) or (ratio[0] > ratio[1]):
            warnings.warn("Scale and ratio should be of kind (min, max)")
        if scale[0] < 0 or scale[1] > 1:
            raise ValueError("Scale should be between 0 and 1")
        if p < 0 or p > 1:
            raise ValueError("Random erasing probability should be between 0 and 1")
        self.p, self.scale, self.ratio, self.value, self.inplace = p, scale, ratio, value, inplace

    @staticmethod
    def get_params(img, scale, ratio, value=None):
        lt = _lt()
        img_c, img_h, img_w = img.shape[-3], img.shape[-2], img.shape[-1]
        area = img_h * img_w
        log_ratio = lt.log(lt.tensor(ratio))
        for _ in range(10):
            erase_area = area * lt.empty(1).uniform_(scale[0], scale[1]).item()
            aspect_ratio = lt.exp(lt.empty(1).uniform_(float(log_ratio[0]),
                                                       float(log_ratio[1]))).item()
            h = int(round(math.sqrt(erase_area * aspect_ratio)))
            w = int(round(math.sqrt(erase_area / aspect_ratio)))
            if not (h < img_h and w < img_w):
                continue
            if value is None:
                v = lt.empty([img_c, h, w], dtype=lt.float32).normal_()
            else:
                v = lt.tensor(value)[:, None, None]
            i = lt.randint(0, img_h - h + 1, size=(1,)).item()
            j = lt.randint(0, img_w - w + 1, size=(1,)).item()
            return i, j, h, w, v
        return 0, 0, img_h, img_w, img

    def __call__(self, img):
        if not _lt().rand(1) < self.p:
            return img
        if isinstance(self.value, (int, float)):
            value = [float(self.value)]
        elif isinstance(self.value, str):
            value = None
        else:
            value = [float(v) for v in self.value]
        if value is not None and len(value) not in (1, img.shape[-3]):
            raise ValueError("If value is a sequence, it should have either a single value or "
                             f"{img.shape[-3]} (number of input channels)")
        i, j, h, w, v = self.get_params(img, scale=self.scale, ratio=self.ratio, value=value)
        out = img if self.inplace else img.clone()
        out[..., i:i + h, j:j + w] = v
        return out

    def __repr__(self):
        return (f"{self.__class__.__name__}(p={self.p}, scale={self.scale}, ratio={self.ratio}, "
                f"value={self.value}, inplace={self.inplace})")


# -- colour: brightness, contrast, saturation, hue (torchvision's PIL and tensor functions) ------
def _work_dtype(array):
    """The float dtype torchvision computes an image in: its own if float, else float32."""
    return array.dtype if array.dtype.kind == "f" else np.dtype(np.float32)


def _blend(img, other, ratio):
    """``ratio·img + (1 − ratio)·other``, clamped to the dtype's range and cast back."""
    work = _work_dtype(img)
    bound = float(np.iinfo(img.dtype).max) if img.dtype.kind in "ui" else 1.0
    out = work.type(ratio) * img.astype(work) + work.type(1.0 - ratio) * other.astype(work)
    return np.clip(out, 0, bound).astype(img.dtype)


def _rgb_to_grayscale(img):
    """ITU-R 601 luma of [..., 3, H, W] in the image's dtype (1 channel: the image itself)."""
    if img.shape[-3] == 1:
        return img.copy()
    work = _work_dtype(img)
    r, g, b = (img[..., c, :, :].astype(work) for c in range(3))
    gray = work.type(0.2989) * r + work.type(0.587) * g + work.type(0.114) * b
    return gray.astype(img.dtype)[..., None, :, :]


def _check_channels(img):
    channels = img.shape[-3] if img.ndim >= 3 else 1
    if channels not in (1, 3):
        raise TypeError(f"Input image tensor permitted channel values are [1, 3], but found "
                        f"{channels}")


def _color(img, factor, name, pil_enhancer, on_array):
    """PIL images go to PIL's ImageEnhance (which takes any factor, as in torchvision), tensors
    to ``on_array``."""
    _check_image(img)
    if _is_pil(img):
        from PIL import ImageEnhance
        return getattr(ImageEnhance, pil_enhancer)(img).enhance(factor)
    if factor < 0:
        raise ValueError(f"{name}_factor ({factor}) is not non-negative.")
    if img.dim() < 2:
        raise TypeError("Tensor is not a torch image.")
    array = img.numpy()
    _check_channels(array)
    return _lt().from_numpy(np.ascontiguousarray(on_array(array)))


def adjust_brightness(img, brightness_factor):
    """Blend with black: 0 gives black, 1 the image, 2 twice as bright (clamped)."""
    return _color(img, brightness_factor, "brightness", "Brightness",
                  lambda a: _blend(a, np.zeros_like(a), brightness_factor))


def adjust_contrast(img, contrast_factor):
    """Blend with the mean grey of the image: 0 gives a flat grey image."""
    def contrast(a):
        mean = _rgb_to_grayscale(a).astype(_work_dtype(a)).mean(axis=(-3, -2, -1), keepdims=True,
                                                                 dtype=np.float64)
        return _blend(a, mean.astype(_work_dtype(a)), contrast_factor)
    return _color(img, contrast_factor, "contrast", "Contrast", contrast)


def adjust_saturation(img, saturation_factor):
    """Blend with the image's greyscale: 0 gives grey, 2 twice as saturated."""
    def saturation(a):
        return a if a.shape[-3] == 1 else _blend(a, _rgb_to_grayscale(a), saturation_factor)
    return _color(img, saturation_factor, "saturation", "Color", saturation)


def _rgb_to_hsv(img):
    """torchvision's float32 RGB → HSV (Pillow's algorithm), all three in [0, 1]."""
    r, g, b = img[..., 0, :, :], img[..., 1, :, :], img[..., 2, :, :]
    maxc, minc = img.max(axis=-3), img.min(axis=-3)
    eqc = maxc == minc
    cr = maxc - minc
    ones = np.ones_like(maxc)
    s = cr / np.where(eqc, ones, maxc)
    cr_divisor = np.where(eqc, ones, cr)
    rc, gc, bc = (maxc - r) / cr_divisor, (maxc - g) / cr_divisor, (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (img.dtype.type(2.0) + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (img.dtype.type(4.0) + gc - rc)
    h = np.fmod((hr + hg + hb) / img.dtype.type(6.0) + img.dtype.type(1.0), img.dtype.type(1.0))
    return h, s, maxc


def _hsv_to_rgb(h, s, v):
    one = h.dtype.type(1.0)
    i = np.floor(h * h.dtype.type(6.0))
    f = h * h.dtype.type(6.0) - i
    i = i.astype(np.int32) % 6
    p = np.clip(v * (one - s), 0.0, 1.0)
    q = np.clip(v * (one - s * f), 0.0, 1.0)
    t = np.clip(v * (one - s * (one - f)), 0.0, 1.0)
    return np.stack([np.choose(i, (v, q, p, p, t, v)), np.choose(i, (t, v, v, q, p, p)),
                     np.choose(i, (p, p, t, v, v, q))], axis=-3)


def adjust_hue(img, hue_factor):
    """Rotate every pixel's hue by ``hue_factor`` turns (in [-0.5, 0.5]) in HSV space."""
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _check_image(img)
    if _is_pil(img):
        from PIL import Image
        if img.mode in {"L", "1", "I", "F"}:
            return img
        h, s, v = img.convert("HSV").split()
        shifted = np.array(h, dtype=np.uint8)
        with np.errstate(over="ignore"):
            shifted += np.int32(hue_factor * 255).astype(np.uint8)   # wraps around, as wanted
        return Image.merge("HSV", (Image.fromarray(shifted, "L"), s, v)).convert(img.mode)
    _check_channels(img.numpy())
    if img.shape[-3] == 1:
        return img
    lt = _lt()
    as_float = ConvertImageDtype(lt.float32)
    h, s, v = _rgb_to_hsv(as_float(img).numpy())
    h = np.mod(h + np.float32(hue_factor), np.float32(1.0))
    rgb = lt.from_numpy(np.ascontiguousarray(_hsv_to_rgb(h, s, v)))
    return ConvertImageDtype(img.dtype)(rgb)


def _check_range(value, name, center=1.0, bound=(0.0, float("inf")), clip_first_on_zero=True):
    """ColorJitter's argument as a (min, max) range, or None when it changes nothing."""
    if isinstance(value, numbers.Number):
        if value < 0:
            raise ValueError(f"If {name} is a single number, it must be non negative.")
        value = [center - float(value), center + float(value)]
        if clip_first_on_zero:
            value[0] = max(value[0], 0.0)
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        value = [float(value[0]), float(value[1])]
    else:
        raise TypeError(f"{name} should be a single number or a list/tuple with length 2.")
    if not bound[0] <= value[0] <= value[1] <= bound[1]:
        raise ValueError(f"{name} values should be between {bound}, but got {value}.")
    return None if value[0] == value[1] == center else tuple(value)


class ColorJitter:
    """Change brightness, contrast, saturation and hue by random factors, in a random order:
    ``randperm(4)``, then one ``uniform_`` per adjustment that is on (torchvision's draws)."""

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        self.brightness = _check_range(brightness, "brightness")
        self.contrast = _check_range(contrast, "contrast")
        self.saturation = _check_range(saturation, "saturation")
        self.hue = _check_range(hue, "hue", center=0, bound=(-0.5, 0.5), clip_first_on_zero=False)

    @staticmethod
    def get_params(brightness, contrast, saturation, hue):
        lt = _lt()
        fn_idx = lt.randperm(4)
        b, c, s, h = (None if r is None else float(lt.empty(1).uniform_(r[0], r[1]))
                      for r in (brightness, contrast, saturation, hue))
        return fn_idx, b, c, s, h

    def __call__(self, img):
        fn_idx, *factors = self.get_params(self.brightness, self.contrast, self.saturation,
                                           self.hue)
        adjust = (adjust_brightness, adjust_contrast, adjust_saturation, adjust_hue)
        for fn_id in fn_idx.tolist():
            if factors[fn_id] is not None:
                img = adjust[fn_id](img, factors[fn_id])
        return img

    def __repr__(self):
        return (f"{self.__class__.__name__}(brightness={self.brightness}, "
                f"contrast={self.contrast}, saturation={self.saturation}, hue={self.hue})")


# -- blur -------------------------------------------------------------------------------------
def _gaussian_kernel1d(size, sigma, dtype):
    half = (size - 1) * 0.5
    x = np.linspace(-half, half, size).astype(dtype)
    pdf = np.exp(dtype.type(-0.5) * (x / dtype.type(sigma)) ** 2)
    return pdf / pdf.sum(dtype=dtype)


def gaussian_blur(img, kernel_size, sigma=None):
    """Convolve each channel with a (ky, kx) Gaussian, reflecting the borders (torchvision's
    ``gaussian_blur``: float32 for integer images, rounded back)."""
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError("kernel_size should be int or a sequence of integers. Got "
                        f"{type(kernel_size)}")
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2:
        raise ValueError("If kernel_size is a sequence its length should be 2. Got "
                         f"{len(kernel_size)}")
    if any(k % 2 == 0 or k < 0 for k in kernel_size):
        raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigma = [k * 0.15 + 0.35 for k in kernel_size]
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    if len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    if any(s <= 0.0 for s in sigma):
        raise ValueError(f"sigma should have positive values. Got {sigma}")
    kx, ky = kernel_size

    def blur(array):
        work = _work_dtype(array)
        kernel = np.outer(_gaussian_kernel1d(ky, sigma[1], work),
                          _gaussian_kernel1d(kx, sigma[0], work))
        pad = [(0, 0)] * (array.ndim - 2) + [(ky // 2, ky // 2), (kx // 2, kx // 2)]
        padded = np.pad(array.astype(work), pad, mode="reflect")
        windows = np.lib.stride_tricks.sliding_window_view(padded, (ky, kx), axis=(-2, -1))
        out = np.einsum("...ij,ij->...", windows, kernel)
        return out if array.dtype.kind == "f" else np.round(out).astype(array.dtype)
    return _apply(img, blur)


class GaussianBlur:
    """Blur with a Gaussian whose sigma is drawn with ``empty(1).uniform_(min, max)``."""

    def __init__(self, kernel_size, sigma=(0.1, 2.0)):
        self.kernel_size = _setup_size(kernel_size, "Kernel size should be a tuple/list of two "
                                                    "integers")
        if any(k <= 0 or k % 2 == 0 for k in self.kernel_size):
            raise ValueError("Kernel size value should be an odd and positive number.")
        if isinstance(sigma, numbers.Number):
            if sigma <= 0:
                raise ValueError("If sigma is a single number, it must be positive.")
            sigma = (sigma, sigma)
        elif isinstance(sigma, Sequence) and len(sigma) == 2:
            if not 0.0 < sigma[0] <= sigma[1]:
                raise ValueError("sigma values should be positive and of the form (min, max).")
        else:
            raise ValueError("sigma should be a single number or a list/tuple with length 2.")
        self.sigma = sigma

    @staticmethod
    def get_params(sigma_min, sigma_max):
        return _lt().empty(1).uniform_(sigma_min, sigma_max).item()

    def __call__(self, img):
        sigma = self.get_params(self.sigma[0], self.sigma[1])
        return gaussian_blur(img, list(self.kernel_size), [sigma, sigma])

    def __repr__(self):
        return f"{self.__class__.__name__}(kernel_size={self.kernel_size}, sigma={self.sigma})"


# -- affine -----------------------------------------------------------------------------------
def _check_sequence(x, name, req_sizes):
    msg = req_sizes[0] if len(req_sizes) < 2 else " or ".join(str(s) for s in req_sizes)
    if not isinstance(x, Sequence):
        raise TypeError(f"{name} should be a sequence of length {msg}.")
    if len(x) not in req_sizes:
        raise ValueError(f"{name} should be a sequence of length {msg}.")


def _setup_angle(x, name, req_sizes=(2,)):
    if isinstance(x, numbers.Number):
        if x < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        x = [-x, x]
    else:
        _check_sequence(x, name, req_sizes)
    return [float(d) for d in x]


def _inverse_affine_matrix(center, angle, translate, scale, shear):
    """The 2×3 matrix PIL's ``Image.transform`` wants (output → input pixel) for a rotation by
    ``angle`` degrees about ``center``, a scale, shears (degrees) and then a translation."""
    rot, sx, sy = math.radians(angle), math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    matrix = [x / scale for x in (d, -b, 0.0, -c, a, 0.0)]
    matrix[2] += matrix[0] * (-cx - tx) + matrix[1] * (-cy - ty) + cx
    matrix[5] += matrix[3] * (-cx - tx) + matrix[4] * (-cy - ty) + cy
    return matrix


def _pil_fill(fill, img):
    """``fill`` as PIL wants it for ``img``: one int per band (a float for mode "F")."""
    bands = len(img.getbands())
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and bands > 1:
        fill = tuple([fill] * bands)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = tuple(fill) * bands
        elif len(fill) != bands:
            raise ValueError("The number of elements in 'fill' does not match the number of "
                             f"channels of the image ({len(fill)} != {bands})")
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(x) for x in fill) if isinstance(fill, tuple) else int(fill)
    return fill


def _affine_grid(theta, width, height):
    """torchvision's sampling grid: pixel centres about the image centre, mapped by ``theta``
    (1×2×3, in pixels) and scaled to grid_sample's [-1, 1]."""
    lt = _lt()
    base = lt.empty(1, height, width, 3, dtype=theta.dtype)
    base[..., 0].copy_(lt.linspace(-width * 0.5 + 0.5, width * 0.5 - 0.5, steps=width))
    base[..., 1].copy_(lt.linspace(-height * 0.5 + 0.5, height * 0.5 - 0.5,
                                   steps=height).unsqueeze_(-1))
    base[..., 2].fill_(1)
    rescaled = theta.transpose(1, 2) / lt.tensor([0.5 * width, 0.5 * height], dtype=theta.dtype)
    return base.view(1, height * width, 3).bmm(rescaled).view(1, height, width, 2)


def _affine_tensor(img, matrix, interpolation, fill):
    """torchvision's tensor affine: grid_sample of [..., C, H, W] (integer images in float32,
    rounded back), with a mask channel to paint ``fill`` where the image has no pixel."""
    lt = _lt()
    channels, height, width = get_dimensions(img)
    if len(fill) not in (1, channels):
        raise ValueError("The number of elements in 'fill' cannot broadcast to match the number "
                         f"of channels of the image ({len(fill)} != {channels})")
    dtype = img.dtype if img.is_floating_point() else lt.float32
    theta = lt.tensor(matrix, dtype=dtype).reshape(1, 2, 3)
    squeeze, work = img.dim() < 4, img if img.dim() == 4 else img.unsqueeze(0)
    work = work.to(dtype)
    grid = _affine_grid(theta, width, height).expand(work.shape[0], height, width, 2)
    mask = lt.ones((work.shape[0], 1, height, width), dtype=dtype)
    mode = interpolation.value
    out = lt.nn.functional.grid_sample(lt.cat((work, mask), dim=1), grid, mode=mode,
                                       padding_mode="zeros", align_corners=False)
    out, mask = out[:, :-1], out[:, -1:].expand_as(out[:, :-1])
    fill_img = lt.tensor(fill, dtype=dtype).view(1, len(fill), 1, 1).expand_as(out)
    if mode == "nearest":
        out = lt.where(mask < 0.5, fill_img, out)
    else:
        out = out * mask + (1.0 - mask) * fill_img
    if squeeze:
        out = out.squeeze(0)
    if not img.is_floating_point():
        out = lt.round(out).to(img.dtype)
    return out


class RandomAffine:
    """A random rotation, translation, scale and shear about the centre, drawn as torchvision
    draws them (one ``uniform_`` each for the angle, dx, dy, the scale and each shear that is on).

    PIL images go through PIL's ``Image.transform``, tensors [..., C, H, W] through
    ``grid_sample`` (nearest or bilinear), as in torchvision.
    """

    def __init__(self, degrees, translate=None, scale=None, shear=None,
                 interpolation=InterpolationMode.NEAREST, fill=0, center=None):
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if translate is not None:
            _check_sequence(translate, "translate", req_sizes=(2,))
            if not all(0.0 <= t <= 1.0 for t in translate):
                raise ValueError("translation values should be between 0 and 1")
        if scale is not None:
            _check_sequence(scale, "scale", req_sizes=(2,))
            if any(s <= 0 for s in scale):
                raise ValueError("scale values should be positive")
        self.translate, self.scale = translate, scale
        self.shear = None if shear is None else _setup_angle(shear, name="shear",
                                                             req_sizes=(2, 4))
        if fill is None:
            fill = 0
        elif not isinstance(fill, (Sequence, numbers.Number)):
            raise TypeError("Fill should be either a sequence or a number.")
        if center is not None:
            _check_sequence(center, "center", req_sizes=(2,))
        self.interpolation, self.fill, self.center = interpolation, fill, center

    @staticmethod
    def get_params(degrees, translate, scale_ranges, shears, img_size):
        def uniform(low, high):
            return float(_lt().empty(1).uniform_(low, high).item())
        angle = uniform(float(degrees[0]), float(degrees[1]))
        if translate is not None:
            max_dx, max_dy = float(translate[0] * img_size[0]), float(translate[1] * img_size[1])
            translations = (int(round(uniform(-max_dx, max_dx))),
                            int(round(uniform(-max_dy, max_dy))))
        else:
            translations = (0, 0)
        scale = 1.0 if scale_ranges is None else uniform(scale_ranges[0], scale_ranges[1])
        shear_x = shear_y = 0.0
        if shears is not None:
            shear_x = uniform(shears[0], shears[1])
            if len(shears) == 4:
                shear_y = uniform(shears[2], shears[3])
        return angle, translations, scale, (shear_x, shear_y)

    def __call__(self, img):
        channels, height, width = get_dimensions(img)
        angle, translate, scale, shear = self.get_params(self.degrees, self.translate,
                                                         self.scale, self.shear, [width, height])
        if _is_tensor(img):   # the centre is (0, 0) in the grid's coordinates
            center = [0.0, 0.0] if self.center is None else \
                [c - size * 0.5 for c, size in zip(self.center, (width, height))]
            matrix = _inverse_affine_matrix(center, angle, [float(t) for t in translate], scale,
                                            shear)
            fill = ([float(self.fill)] * channels if isinstance(self.fill, (int, float))
                    else [float(f) for f in self.fill])
            return _affine_tensor(img, matrix, self.interpolation, fill)
        from PIL import Image
        center = self.center if self.center is not None else [width * 0.5, height * 0.5]
        matrix = _inverse_affine_matrix(center, angle, translate, scale, shear)
        return img.transform(img.size, Image.AFFINE, matrix, _pil_filter(self.interpolation),
                             fillcolor=_pil_fill(self.fill, img))

    def __repr__(self):
        s = f"{self.__class__.__name__}(degrees={self.degrees}"
        s += f", translate={self.translate}" if self.translate is not None else ""
        s += f", scale={self.scale}" if self.scale is not None else ""
        s += f", shear={self.shear}" if self.shear is not None else ""
        s += (f", interpolation={self.interpolation.value}"
              if self.interpolation != InterpolationMode.NEAREST else "")
        s += f", fill={self.fill}" if self.fill != 0 else ""
        s += f", center={self.center}" if self.center is not None else ""
        return s + ")"
