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
           "RandomErasing", "Grayscale",
           "Lambda", "InterpolationMode"]


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
