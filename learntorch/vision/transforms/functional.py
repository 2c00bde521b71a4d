"""torchvision.transforms.functional: every transform as a function of one image.

An image is a PIL image or a tensor ``[..., C, H, W]`` (uint8 or float). PIL images go through
PIL, as in torchvision (so the pixels are PIL's); tensors through NumPy for pointwise colour maps
and through ``grid_sample`` for geometric warps, computed in the dtypes torchvision uses (float32
for integer images, rounded back), so results match torchvision's.
"""
import math
import numbers
from collections.abc import Sequence
from enum import Enum

import numpy as np

__all__ = ["InterpolationMode", "get_dimensions", "get_image_size", "get_image_num_channels",
           "to_tensor", "pil_to_tensor", "to_pil_image", "convert_image_dtype", "normalize",
           "resize", "pad", "crop", "center_crop", "resized_crop", "hflip", "vflip",
           "perspective", "five_crop", "ten_crop", "adjust_brightness", "adjust_contrast",
           "adjust_saturation", "adjust_hue", "adjust_gamma", "adjust_sharpness", "rotate",
           "affine", "to_grayscale", "rgb_to_grayscale", "erase", "gaussian_blur", "invert",
           "posterize", "solarize", "autocontrast", "equalize", "elastic_transform"]


def _lt():
    import learntorch
    return learntorch


class InterpolationMode(Enum):
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    # For PIL compatibility
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_PIL_CODES = {"nearest": 0, "nearest-exact": 0, "lanczos": 1, "bilinear": 2, "bicubic": 3,
              "box": 4, "hamming": 5}


def _interpolation(mode):
    """An InterpolationMode, from itself or from Pillow's integer constant (as torchvision)."""
    if isinstance(mode, int):
        codes = {0: "nearest", 1: "lanczos", 2: "bilinear", 3: "bicubic", 4: "box", 5: "hamming"}
        return InterpolationMode(codes[mode])
    if not isinstance(mode, InterpolationMode):
        raise TypeError("Argument interpolation should be a InterpolationMode or a corresponding "
                        "Pillow integer constant")
    return mode


def _pil_filter(mode):
    return _PIL_CODES[mode.value]


# -- kinds of image ----------------------------------------------------------------------------
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


def _check_tensor_image(img, min_dim=2):
    if not _is_tensor(img):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    if img.dim() < 2:
        raise TypeError("Tensor is not a torch image.")
    if img.dim() < min_dim:
        raise TypeError(f"Input image tensor should have at least {min_dim} dimensions, but found "
                        f"{img.dim()}")


def _check_channels(img):
    channels = img.shape[-3] if img.ndim >= 3 else 1
    if channels not in (1, 3):
        raise TypeError(f"Input image tensor permitted channel values are [1, 3], but found "
                        f"{channels}")


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


def _on_tensor(img, fn, min_dim=3):
    """``fn`` on a tensor image's array, after torchvision's checks of its rank and channels."""
    _check_tensor_image(img, min_dim)
    array = img.numpy()
    _check_channels(array)
    return _lt().from_numpy(np.ascontiguousarray(fn(array)))


def get_dimensions(img):
    """[channels, height, width] of a PIL image or tensor."""
    _check_image(img)
    if _is_tensor(img):
        c = 1 if img.dim() == 2 else img.shape[-3]
        return [c, img.shape[-2], img.shape[-1]]
    return [len(img.getbands()), img.height, img.width]


def get_image_size(img):
    """[width, height] (PIL's order, as torchvision)."""
    _, height, width = get_dimensions(img)
    return [width, height]


def get_image_num_channels(img):
    return get_dimensions(img)[0]


def _max_value(dtype):
    """The value of white: the integer dtype's maximum, 1 for floats."""
    dtype = np.dtype(dtype)
    return int(np.iinfo(dtype).max) if dtype.kind in "ui" else 1


def _work_dtype(array):
    """The float dtype torchvision computes an image in: its own if float, else float32."""
    return array.dtype if array.dtype.kind == "f" else np.dtype(np.float32)


# -- conversions -------------------------------------------------------------------------------
def _hwc_array(pic):
    array = np.array(pic)
    if array.ndim == 2:
        array = array[:, :, None]
    return array


def to_tensor(pic):
    """PIL image or H×W×C ndarray → tensor C×H×W; uint8 is scaled to [0, 1] in the default
    float dtype (mode "1" images count as 0/255)."""
    if not (_is_pil(pic) or isinstance(pic, np.ndarray)):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if isinstance(pic, np.ndarray) and pic.ndim not in {2, 3}:
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    array = _hwc_array(pic)
    if _is_pil(pic) and pic.mode == "1":
        array = array.astype(np.uint8) * np.uint8(255)
    lt = _lt()
    tensor = lt.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))
    if array.dtype == np.uint8:
        return tensor.to(lt.get_default_dtype()).div(255)
    return tensor


def pil_to_tensor(pic):
    """PIL image → tensor C×H×W, values and dtype unchanged."""
    if not _is_pil(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    return _lt().from_numpy(np.ascontiguousarray(_hwc_array(pic).transpose(2, 0, 1)))


_ONE_CHANNEL_MODES = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16",
                      np.dtype(np.int32): "I", np.dtype(np.float32): "F"}


def _pil_mode(npimg, mode):
    """The PIL mode torchvision picks (or accepts) for an H×W×C array."""
    channels = npimg.shape[2]
    if channels == 1:
        expected = _ONE_CHANNEL_MODES.get(npimg.dtype)
        if mode is not None and mode != expected:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {np.dtype}. Should "
                             f"be {expected}")
        return expected
    permitted, default = {2: (["LA"], "LA"), 4: (["RGBA", "CMYK", "RGBX"], "RGBA")}.get(
        channels, (["RGB", "YCbCr", "HSV"], "RGB"))
    if mode is not None and mode not in permitted:
        kind = {2: "2D", 4: "4D"}.get(channels, "3D")
        raise ValueError(f"Only modes {permitted} are supported for {kind} inputs")
    return default if mode is None and npimg.dtype == np.uint8 else mode


def to_pil_image(pic, mode=None):
    """Tensor C×H×W or ndarray H×W×C → PIL image; floats are ×255 and truncated to uint8."""
    from PIL import Image
    if _is_tensor(pic):
        pic = pic.numpy()
        if pic.ndim == 3:
            pic = pic.transpose(1, 2, 0)
    elif not isinstance(pic, np.ndarray):
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if pic.ndim == 2:
        pic = pic[:, :, None]
    if pic.ndim != 3:
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    if pic.shape[-1] > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {pic.shape[-1]} channels.")
    npimg = pic
    if npimg.dtype.kind == "f" and mode != "F":
        npimg = (npimg * 255).astype(np.uint8)
    mode = _pil_mode(npimg, mode)
    if mode is None:
        raise TypeError(f"Input type {npimg.dtype} is not supported")
    if npimg.shape[2] == 1:
        npimg = npimg[:, :, 0]
    return Image.fromarray(np.ascontiguousarray(npimg), mode=mode)


def convert_image_dtype(image, dtype=None):
    """Change the dtype and rescale: uint8 255 ↔ float 1.0, int ↔ int by powers of two."""
    lt = _lt()
    dtype = lt.float32 if dtype is None else dtype
    if not _is_tensor(image):
        raise TypeError("Input img should be Tensor Image")
    if image.dtype == dtype:
        return image
    if image.is_floating_point():
        if dtype.is_floating_point:
            return image.to(dtype)
        if (image.dtype == lt.float32 and dtype in (lt.int32, lt.int64)) or \
                (image.dtype == lt.float64 and dtype == lt.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed "
                               "safely.")
        # max + 1 - eps spreads [0, 1] evenly over the integers (only 1.0 gives the maximum)
        return image.mul(float(_max_value(_np_dtype(dtype))) + 1.0 - 1e-3).to(dtype)
    input_max = float(_max_value(image.numpy().dtype))
    if dtype.is_floating_point:
        return image.to(dtype) / input_max
    output_max = float(_max_value(_np_dtype(dtype)))
    if input_max > output_max:
        factor = int((input_max + 1) // (output_max + 1))
        return lt.div(image, factor, rounding_mode="floor").to(dtype)
    factor = int((output_max + 1) // (input_max + 1))
    return image.to(dtype) * factor


def _np_dtype(dtype):
    return np.dtype(str(dtype).split(".")[-1])


def _lt_dtype(np_dtype):
    return getattr(_lt(), np.dtype(np_dtype).name)


def normalize(tensor, mean, std, inplace=False):
    """(image − mean) / std per channel, on a float tensor [..., C, H, W]."""
    lt = _lt()
    if not _is_tensor(tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.dim() < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {tensor.size()}")
    out = tensor if inplace else tensor.clone()
    mean = lt.as_tensor(mean, dtype=tensor.dtype)
    std = lt.as_tensor(std, dtype=tensor.dtype)
    if (std == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, "
                         "leading to division by zero.")
    if mean.dim() == 1:
        mean = mean.view(-1, 1, 1)
    if std.dim() == 1:
        std = std.view(-1, 1, 1)
    return out.sub_(mean).div_(std)


# -- size: resize, pad, crop, flips ------------------------------------------------------------
def _resized_size(height, width, size, max_size=None):
    """torchvision's output size: (h, w) as given, or the short side to size[0] (≤ max_size)."""
    if len(size) == 2:
        return [size[0], size[1]]
    short, long = (width, height) if width <= height else (height, width)
    requested = size[0]
    new_short, new_long = requested, int(requested * long / short)
    if max_size is not None:
        if max_size <= requested:
            raise ValueError(f"max_size = {max_size} must be strictly greater than the requested "
                             f"size for the smaller edge size = {size}")
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    new_w, new_h = (new_short, new_long) if width <= height else (new_long, new_short)
    return [new_h, new_w]


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` (h, w), or the shorter side to ``size`` keeping the aspect ratio.

    PIL images go through PIL's resampling (as torchvision's do); tensors through
    ``nn.functional.interpolate`` in float (integer images rounded back).
    """
    interpolation = _interpolation(interpolation)
    if isinstance(size, (list, tuple)):
        if len(size) not in [1, 2]:
            raise ValueError("Size must be an int or a 1 or 2 element tuple/list, not a "
                             f"{len(size)} element tuple/list")
        if max_size is not None and len(size) != 1:
            raise ValueError("max_size should only be passed if size specifies the length of the "
                             "smaller edge, i.e. size should be an int or a sequence of length 1 "
                             "in torchscript mode.")
    _, h, w = get_dimensions(img)
    new_h, new_w = _resized_size(h, w, [size] if isinstance(size, int) else list(size), max_size)
    if [h, w] == [new_h, new_w]:
        return img
    if _is_pil(img):
        return img.resize((new_w, new_h), _pil_filter(interpolation))
    lt = _lt()
    mode = interpolation.value
    smooth = mode in ("bilinear", "bicubic")
    batch = img.reshape(-1, 1 if img.dim() == 2 else img.shape[-3], h, w)
    work = batch if batch.dtype in (lt.float32, lt.float64) else batch.to(lt.float32)
    out = lt.nn.functional.interpolate(work, size=[new_h, new_w], mode=mode,
                                       align_corners=False if smooth else None,
                                       antialias=bool(antialias) and smooth)
    if mode == "bicubic" and img.dtype == lt.uint8:
        out = out.clamp(0, 255)
    if work is not batch:
        out = out.round().to(img.dtype) if not img.dtype.is_floating_point else out.to(img.dtype)
    return out.reshape(*img.shape[:-2], new_h, new_w)


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
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, top, right, bottom = _padding_sides(padding)
    return _apply(img, lambda a: _pad_array(a, left, top, right, bottom, fill, padding_mode))


def crop(img, top, left, height, width):
    """The height×width box at (top, left); parts outside the image are zero-padded."""
    if _is_pil(img):
        return img.crop((left, top, left + width, top + height))
    _, h, w = get_dimensions(img)
    pads = (max(-left, 0), max(-top, 0), max(left + width - w, 0), max(top + height - h, 0))
    if any(pads):
        img = pad(img, pads)
        top, left = top + pads[1], left + pads[0]
    return _apply(img, lambda a: a[..., top:top + height, left:left + width])


def _setup_size(size, error_msg):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return tuple(size)


def center_crop(img, output_size):
    """The central crop; an image smaller than ``output_size`` is zero-padded around first."""
    crop_height, crop_width = _setup_size(output_size, "Please provide only two dimensions "
                                                       "(h, w) for size.")
    _, image_height, image_width = get_dimensions(img)
    if crop_width > image_width or crop_height > image_height:
        extra_w, extra_h = max(crop_width - image_width, 0), max(crop_height - image_height, 0)
        img = pad(img, [extra_w // 2, extra_h // 2, (extra_w + 1) // 2, (extra_h + 1) // 2])
        _, image_height, image_width = get_dimensions(img)
        if crop_width == image_width and crop_height == image_height:
            return img
    top = int(round((image_height - crop_height) / 2.0))
    left = int(round((image_width - crop_width) / 2.0))
    return crop(img, top, left, crop_height, crop_width)


def resized_crop(img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR,
                 antialias=True):
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def hflip(img):
    """Mirror left-right."""
    if _is_pil(img):
        from PIL import Image
        return img.transpose(Image.FLIP_LEFT_RIGHT)
    return _apply(img, lambda a: a[..., ::-1])


def vflip(img):
    """Flip upside down."""
    if _is_pil(img):
        from PIL import Image
        return img.transpose(Image.FLIP_TOP_BOTTOM)
    return _apply(img, lambda a: a[..., ::-1, :])


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
    return five_crop(img, size) + five_crop(vflip(img) if vertical_flip else hflip(img), size)


# -- colour ------------------------------------------------------------------------------------
def _blend(img, other, ratio):
    """``ratio·img + (1 − ratio)·other``, clamped to the dtype's range and cast back."""
    work = _work_dtype(img)
    out = work.type(ratio) * img.astype(work) + work.type(1.0 - ratio) * other.astype(work)
    return np.clip(out, 0, _max_value(img.dtype)).astype(img.dtype)


def _gray(img):
    """ITU-R 601 luma of [..., 3, H, W] in the image's dtype (1 channel: the image itself)."""
    if img.shape[-3] == 1:
        return img.copy()
    work = _work_dtype(img)
    r, g, b = (img[..., c, :, :].astype(work) for c in range(3))
    gray = work.type(0.2989) * r + work.type(0.587) * g + work.type(0.114) * b
    return gray.astype(img.dtype)[..., None, :, :]


def _color(img, factor, name, pil_enhancer, on_array):
    """PIL images go to PIL's ImageEnhance (which takes any factor, as in torchvision), tensors
    to ``on_array``."""
    _check_image(img)
    if _is_pil(img):
        from PIL import ImageEnhance
        return getattr(ImageEnhance, pil_enhancer)(img).enhance(factor)
    if factor < 0:
        raise ValueError(f"{name}_factor ({factor}) is not non-negative.")
    return _on_tensor(img, on_array, min_dim=2)


def adjust_brightness(img, brightness_factor):
    """Blend with black: 0 gives black, 1 the image, 2 twice as bright (clamped)."""
    return _color(img, brightness_factor, "brightness", "Brightness",
                  lambda a: _blend(a, np.zeros_like(a), brightness_factor))


def adjust_contrast(img, contrast_factor):
    """Blend with the mean grey of the image: 0 gives a flat grey image."""
    def contrast(a):
        mean = _gray(a).astype(_work_dtype(a)).mean(axis=(-3, -2, -1), keepdims=True,
                                                     dtype=np.float64)
        return _blend(a, mean.astype(_work_dtype(a)), contrast_factor)
    return _color(img, contrast_factor, "contrast", "Contrast", contrast)


def adjust_saturation(img, saturation_factor):
    """Blend with the image's greyscale: 0 gives grey, 2 twice as saturated."""
    def saturation(a):
        return a if a.shape[-3] == 1 else _blend(a, _gray(a), saturation_factor)
    return _color(img, saturation_factor, "saturation", "Color", saturation)


def _correlate(padded, kernel):
    """Σ kernel[i, j] · shifted image, tap by tap in row-major order, each step one fused
    multiply-add (one rounding), as torch's CPU conv2d sums: so the values are torch's to the
    last bit, and integer images round the same way at ties like 104.5."""
    kh, kw = kernel.shape
    h, w = padded.shape[-2] - kh + 1, padded.shape[-1] - kw + 1
    wide = np.float64 if padded.dtype == np.float32 else padded.dtype   # f32·f32 is exact in f64
    acc = np.zeros(padded.shape[:-2] + (h, w), padded.dtype)
    for i in range(kh):
        for j in range(kw):
            acc = (acc + wide(kernel[i, j]) * padded[..., i:i + h, j:j + w].astype(wide)).astype(
                padded.dtype)
    return acc


def _degenerate_sharpness(img):
    """torchvision's "degenerate" image for sharpness: the interior smoothed by the 3×3 kernel
    [[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13 (rounded for integer images), the border kept."""
    work = _work_dtype(img)
    kernel = np.ones((3, 3), work)
    kernel[1, 1] = 5.0
    kernel /= kernel.sum()
    smooth = _correlate(img.astype(work), kernel)
    out = img.copy()
    out[..., 1:-1, 1:-1] = smooth if img.dtype.kind == "f" else np.round(smooth)
    return out


def adjust_sharpness(img, sharpness_factor):
    """Blend with a smoothed copy: 0 blurs, 1 is the image, 2 sharpens."""
    def sharpness(a):
        if a.shape[-1] <= 2 or a.shape[-2] <= 2:
            return a
        return _blend(a, _degenerate_sharpness(a), sharpness_factor)
    return _color(img, sharpness_factor, "sharpness", "Sharpness", sharpness)


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
    _check_tensor_image(img)
    _check_channels(img.numpy())
    if img.shape[-3] == 1:
        return img
    lt = _lt()
    h, s, v = _rgb_to_hsv(convert_image_dtype(img, lt.float32).numpy())
    h = np.mod(h + np.float32(hue_factor), np.float32(1.0))
    rgb = lt.from_numpy(np.ascontiguousarray(_hsv_to_rgb(h, s, v)))
    return convert_image_dtype(rgb, img.dtype)


def adjust_gamma(img, gamma, gain=1):
    """``gain · image^gamma`` on [0, 1] intensities (PIL: through a 256-entry lookup table)."""
    _check_image(img)
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    if _is_pil(img):
        mode = img.mode
        table = [int((255 + 1 - 0.001) * gain * pow(v / 255.0, gamma)) for v in range(256)] * 3
        return img.convert("RGB").point(table).convert(mode)
    _check_channels(img.numpy())
    lt = _lt()
    result = img if img.is_floating_point() else convert_image_dtype(img, lt.float32)
    return convert_image_dtype((gain * result.pow(gamma)).clamp(0, 1), img.dtype)


def rgb_to_grayscale(img, num_output_channels=1):
    """Luma ``0.2989 R + 0.587 G + 0.114 B`` (PIL: its own ``convert("L")``), 1 or 3 channels."""
    if _is_pil(img):
        return to_grayscale(img, num_output_channels)
    _check_tensor_image(img, min_dim=3)
    _check_channels(img.numpy())
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    gray = _lt().from_numpy(np.ascontiguousarray(_gray(img.numpy())))
    return gray.expand(img.shape) if num_output_channels == 3 else gray


def to_grayscale(img, num_output_channels=1):
    """A PIL image in mode "L" (or "RGB" with three equal channels)."""
    if not _is_pil(img):
        raise TypeError("Input should be PIL Image")
    from PIL import Image
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    gray = img.convert("L")
    if num_output_channels == 3:
        array = np.asarray(gray)
        return Image.fromarray(np.dstack([array, array, array]), "RGB")
    return gray


def invert(img):
    """White minus the image."""
    if _is_pil(img):
        from PIL import ImageOps
        return ImageOps.invert(img)
    return _on_tensor(img, lambda a: np.asarray(_max_value(a.dtype), a.dtype) - a)


def posterize(img, bits):
    """Keep the ``bits`` highest bits of each uint8 value."""
    if not 0 <= bits <= 8:
        raise ValueError(f"The number if bits should be between 0 and 8. Got {bits}")
    if _is_pil(img):
        from PIL import ImageOps
        return ImageOps.posterize(img, bits)
    _check_tensor_image(img, min_dim=3)
    if img.numpy().dtype != np.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {img.dtype}")
    return _on_tensor(img, lambda a: a & np.uint8(-(2 ** (8 - bits)) & 0xFF))


def solarize(img, threshold):
    """Invert the values at or above ``threshold``."""
    if _is_pil(img):
        from PIL import ImageOps
        return ImageOps.solarize(img, threshold)

    def solar(a):
        if threshold > _max_value(a.dtype):
            raise TypeError("Threshold should be less than bound of img.")
        return np.where(a >= threshold, np.asarray(_max_value(a.dtype), a.dtype) - a, a)
    return _on_tensor(img, solar)


def autocontrast(img):
    """Stretch each channel so that its darkest pixel is black and its brightest white."""
    if _is_pil(img):
        from PIL import ImageOps
        return ImageOps.autocontrast(img)

    def stretch(a):
        bound, work = _max_value(a.dtype), _work_dtype(a)
        low = a.min(axis=(-2, -1), keepdims=True).astype(work)
        high = a.max(axis=(-2, -1), keepdims=True).astype(work)
        with np.errstate(divide="ignore", invalid="ignore"):   # torch: number / t = 1/t · number
            scale = np.reciprocal(high - low) * work.type(bound)
        flat = ~np.isfinite(scale)
        low[flat], scale[flat] = 0, 1
        return np.clip((a.astype(work) - low) * scale, 0, bound).astype(a.dtype)
    return _on_tensor(img, stretch)


def _equalize_channel(channel):
    """torchvision's (= PIL's) histogram equalisation of one uint8 channel: a lookup table from
    the cumulative histogram in steps of (all but the last non-empty bin) / 255."""
    hist = np.bincount(channel.reshape(-1), minlength=256)
    nonzero = hist[hist != 0]
    step = nonzero[:-1].sum() // 255
    if step == 0:
        return channel
    lut = (np.cumsum(hist) + step // 2) // step
    lut = np.clip(np.concatenate([[0], lut[:-1]]), 0, 255)
    return lut[channel].astype(np.uint8)


def equalize(img):
    """Equalise each channel's histogram (uint8 images)."""
    if _is_pil(img):
        from PIL import ImageOps
        return ImageOps.equalize(img)
    _check_tensor_image(img)
    if not 3 <= img.dim() <= 4:
        raise TypeError(f"Input image tensor should have 3 or 4 dimensions, but found {img.dim()}")
    if img.numpy().dtype != np.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {img.dtype}")

    def per_channel(a):
        flat = a.reshape(-1, *a.shape[-2:])
        return np.stack([_equalize_channel(c) for c in flat]).reshape(a.shape)
    return _on_tensor(img, per_channel)


# -- blur and erase ----------------------------------------------------------------------------
def _gaussian_kernel1d(size, sigma, dtype):
    half = (size - 1) * 0.5
    x = _lt().linspace(-half, half, steps=size, dtype=_lt_dtype(dtype)).numpy()
    pdf = np.exp(dtype.type(-0.5) * (x / dtype.type(sigma)) ** 2)
    return pdf / pdf.sum(dtype=dtype)


# Above this many taps (ElasticTransform blurs with 41 × 41) the blur runs as two 1-D passes:
# the sums then differ from torch's in their last bits, as the kernel already does (NumPy's exp
# is not torch's), and the cost drops from kx·ky to kx + ky operations a pixel.
_MAX_TAPS = 81


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
    if not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(f"sigma should be either float or sequence of floats. Got {type(sigma)}")
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
        kernel_y = _gaussian_kernel1d(ky, sigma[1], work)[:, None]
        kernel_x = _gaussian_kernel1d(kx, sigma[0], work)[None, :]
        widths = [(0, 0)] * (array.ndim - 2) + [(ky // 2, ky // 2), (kx // 2, kx // 2)]
        padded = np.pad(array.astype(work), widths, mode="reflect")
        if kx * ky <= _MAX_TAPS:   # torch's 2-D kernel, summed in torch's order
            out = _correlate(padded, kernel_y * kernel_x)
        else:                      # the same Gaussian as two 1-D passes: kx + ky taps
            out = _correlate(_correlate(padded, kernel_y), kernel_x)
        return out if array.dtype.kind == "f" else np.round(out).astype(array.dtype)
    return _apply(img, blur)


def erase(img, i, j, h, w, v, inplace=False):
    """The h×w box at (i, j) of a tensor image set to ``v``."""
    if not _is_tensor(img):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    out = img if inplace else img.clone()
    out[..., i:i + h, j:j + w] = v
    return out


# -- geometry: affine, rotate, perspective, elastic (PIL's transform, or grid_sample) -----------
def _get_inverse_affine_matrix(center, angle, translate, scale, shear):
    """The 2×3 matrix (output → input pixel) of a rotation by ``angle`` degrees about
    ``center``, a scale, shears (degrees) and then a translation: PIL's ``Image.transform``
    takes it as it is, tensors sample through it."""
    rot, sx, sy = math.radians(angle), math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    matrix = [x / scale for x in (d, -b, 0.0, -c, a, 0.0)]
    matrix[2] += matrix[0] * (-cx - tx) + matrix[1] * (-cy - ty)
    matrix[5] += matrix[3] * (-cx - tx) + matrix[4] * (-cy - ty)
    matrix[2] += cx
    matrix[5] += cy
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


def _check_grid_inputs(img, fill, interpolation):
    """torchvision's checks before a tensor warp: the fill fits the channels, and the mode is
    nearest or bilinear."""
    channels = get_dimensions(img)[0]
    if isinstance(fill, (tuple, list)) and len(fill) > 1 and len(fill) != channels:
        raise ValueError("The number of elements in 'fill' cannot broadcast to match the number "
                         f"of channels of the image ({len(fill)} != {channels})")
    if interpolation.value not in ("nearest", "bilinear"):
        raise ValueError(f"Interpolation mode '{interpolation.value}' is unsupported with "
                         "Tensor input")


def _pixel_centres(start_x, stop_x, width, start_y, stop_y, height, dtype):
    """The output grid's x (1×W) and y (H×1) coordinates, with torch's linspace."""
    lt = _lt()
    xs = lt.linspace(start_x, stop_x, steps=width, dtype=dtype).numpy()[None, :]
    ys = lt.linspace(start_y, stop_y, steps=height, dtype=dtype).numpy()[:, None]
    return xs, ys


def _map_points(xs, ys, matrix):
    """[x, y, 1] @ matrix (3×2) at every point, summed as torch's bmm does it:
    (x·m0 + y·m1) + m2 per output column, fused or rounded step by step as the CPU's MKL does
    (``sum_of_products`` in nn/_functional/vision.py) — NumPy's matmul may round otherwise,
    and on a grid at half-pixel positions that picks other pixels."""
    from ...nn._functional.vision import bmm_fuses, sum_of_products
    one = matrix.dtype.type(1)
    fused = bmm_fuses(xs.size * ys.size, 2, 3)
    columns = [[(xs, matrix[0, k]), (ys, matrix[1, k]), (one, matrix[2, k])] for k in (0, 1)]
    return np.stack([sum_of_products(column, fused) for column in columns], axis=-1)


def _affine_grid(matrix, dtype, width, height, out_width, out_height):
    """torchvision's sampling grid (1×oh×ow×2): output pixel centres about the image centre,
    mapped by the 2×3 ``matrix`` (in pixels) and scaled to grid_sample's [-1, 1] by the
    input's size."""
    np_dtype = _np_dtype(dtype)
    xs, ys = _pixel_centres(-out_width * 0.5 + 0.5, out_width * 0.5 - 0.5, out_width,
                            -out_height * 0.5 + 0.5, out_height * 0.5 - 0.5, out_height, dtype)
    theta = np.array(matrix, np_dtype).reshape(2, 3).T
    rescaled = theta / np.array([0.5 * width, 0.5 * height], np_dtype)
    return _lt().from_numpy(_map_points(xs, ys, rescaled)[None])


def _bilinear_sample(images, grid):
    """``grid_sample(images, grid, "bilinear", "zeros", align_corners=False)`` computed as
    torch's CPU kernel computes it: the pixel position (g + 1)·size/2 − 0.5 and the sum of the
    four weighted neighbours each by fused multiply-adds (emulated in float64, exact for
    float32 operands). nn.functional.grid_sample rounds every step instead, and an image warp
    rounded to uint8 then differs from torchvision's at ties, which AugMix's chains amplify."""
    dtype = images.dtype
    wide = np.float64 if dtype == np.float32 else dtype

    def fma(a, b, c):
        return (np.asarray(a, wide) * b + c).astype(dtype)
    batch, _, height, width = images.shape
    x = fma(grid[..., 0] + dtype.type(1), width / 2, -0.5)
    y = fma(grid[..., 1] + dtype.type(1), height / 2, -0.5)
    x0, y0 = np.floor(x), np.floor(y)
    east, south = x - x0, y - y0
    west, north = dtype.type(1) - east, dtype.type(1) - south
    x0, y0 = x0.astype(np.int64), y0.astype(np.int64)
    rows = np.arange(batch)[:, None, None]
    out = None
    for dx, dy, weight in ((0, 0, north * west), (1, 0, north * east), (0, 1, south * west),
                           (1, 1, south * east)):
        xi, yi = x0 + dx, y0 + dy
        inside = (xi >= 0) & (xi < width) & (yi >= 0) & (yi < height)
        values = images[rows, :, np.clip(yi, 0, height - 1), np.clip(xi, 0, width - 1)]
        values = np.moveaxis(values * inside[..., None], -1, 1)
        out = values * weight[:, None] if out is None else fma(values, weight[:, None], out)
    return out


def _grid_transform(img, grid, mode, fill):
    """torchvision's ``_apply_grid_transform``: grid_sample of [..., C, H, W] (integer images in
    the grid's float dtype, rounded back), with a mask channel to paint ``fill`` where the image
    has no pixel."""
    lt = _lt()
    squeeze, work = img.dim() < 4, img if img.dim() >= 4 else img.unsqueeze(0)
    cast = work.dtype != grid.dtype
    work = work.to(grid.dtype)
    if work.shape[0] > 1:
        grid = grid.expand(work.shape[0], *grid.shape[1:])
    if fill is not None:
        mask = lt.ones((work.shape[0], 1, work.shape[2], work.shape[3]), dtype=work.dtype)
        work = lt.cat((work, mask), dim=1)
    if mode == "bilinear":
        out = lt.from_numpy(_bilinear_sample(work.numpy(), grid.numpy()))
    else:
        out = lt.nn.functional.grid_sample(work, grid, mode=mode, padding_mode="zeros",
                                           align_corners=False)
    if fill is not None:
        out, mask = out[:, :-1], out[:, -1:].expand_as(out[:, :-1])
        fill = list(fill) if isinstance(fill, (tuple, list)) else [float(fill)]
        fill_img = lt.tensor(fill, dtype=out.dtype).view(1, len(fill), 1, 1).expand_as(out)
        if mode == "nearest":
            out = lt.where(mask < 0.5, fill_img, out)
        else:
            out = out * mask + (1.0 - mask) * fill_img
    if squeeze:
        out = out.squeeze(0)
    if cast:
        out = (lt.round(out) if not img.is_floating_point() else out).to(img.dtype)
    return out


def _grid_dtype(img):
    return img.dtype if img.is_floating_point() else _lt().float32


def _affine_output_size(matrix, width, height):
    """The (w, h) that holds the whole rotated image (PIL's ``expand=True``)."""
    pts = np.array([[-0.5 * width, -0.5 * height, 1.0], [-0.5 * width, 0.5 * height, 1.0],
                    [0.5 * width, 0.5 * height, 1.0], [0.5 * width, -0.5 * height, 1.0]],
                   np.float32)
    new_pts = pts @ np.array(matrix, np.float32).reshape(2, 3).T
    low = new_pts.min(axis=0) + np.array([width * 0.5, height * 0.5], np.float32)
    high = new_pts.max(axis=0) + np.array([width * 0.5, height * 0.5], np.float32)
    tol = np.float32(1e-4)   # so that 1e-15 above an integer is not rounded up
    size = np.ceil(np.trunc(high / tol) * tol) - np.floor(np.trunc(low / tol) * tol)
    return int(size[0]), int(size[1])


def _check_center(center):
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")


def _tensor_center(img, center):
    """A centre in pixels as grid coordinates, whose origin is the image centre."""
    if center is None:
        return [0.0, 0.0]
    _, height, width = get_dimensions(img)
    return [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None,
           fill=None):
    """Rotate counter-clockwise by ``angle`` degrees about ``center`` (default: the centre);
    ``expand`` grows the output to hold the whole rotated image."""
    interpolation = _interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    _check_center(center)
    if _is_pil(img):
        return img.rotate(angle, _pil_filter(interpolation), expand, center,
                          fillcolor=_pil_fill(fill, img))
    _check_tensor_image(img)
    _check_grid_inputs(img, fill, interpolation)
    matrix = _get_inverse_affine_matrix(_tensor_center(img, center), -angle, [0.0, 0.0], 1.0,
                                        [0.0, 0.0])
    width, height = img.shape[-1], img.shape[-2]
    out_w, out_h = _affine_output_size(matrix, width, height) if expand else (width, height)
    grid = _affine_grid(matrix, _grid_dtype(img), width, height, out_w, out_h)
    return _grid_transform(img, grid, interpolation.value, fill)


def affine(img, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST,
           fill=None, center=None):
    """Rotate by ``angle`` about ``center``, scale, shear (degrees, x and y) and translate
    (pixels), keeping the image's size."""
    interpolation = _interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (numbers.Number, list, tuple)):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    shear = [shear, 0.0] if isinstance(shear, numbers.Number) else list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    _check_center(center)
    angle, translate = float(angle), list(translate)
    _, height, width = get_dimensions(img)
    if _is_pil(img):
        center = [width * 0.5, height * 0.5] if center is None else center
        matrix = _get_inverse_affine_matrix(center, angle, translate, scale, shear)
        from PIL import Image
        return img.transform(img.size, Image.AFFINE, matrix, _pil_filter(interpolation),
                             fillcolor=_pil_fill(fill, img))
    _check_tensor_image(img)
    _check_grid_inputs(img, fill, interpolation)
    matrix = _get_inverse_affine_matrix(_tensor_center(img, center), angle,
                                        [1.0 * t for t in translate], scale, shear)
    grid = _affine_grid(matrix, _grid_dtype(img), width, height, width, height)
    return _grid_transform(img, grid, interpolation.value, fill)


def _get_perspective_coeffs(startpoints, endpoints):
    """The 8 coefficients of the homography that maps each end point to its start point
    (PIL's PERSPECTIVE data), solved in float64 by least squares and rounded to float32."""
    if len(startpoints) != 4 or len(endpoints) != 4:
        raise ValueError(f"Please provide exactly four corners, got {len(startpoints)} "
                         f"startpoints and {len(endpoints)} endpoints.")
    rows = []
    for (x, y), (u, v) in zip(endpoints, startpoints):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    b = np.array(startpoints, np.float64).reshape(8)
    solution = np.linalg.lstsq(np.array(rows, np.float64), b, rcond=None)[0]
    return solution.astype(np.float32).tolist()


def _perspective_grid(coeffs, width, height, dtype):
    """torchvision's grid: x_in = (c0 x + c1 y + c2) / (c6 x + c7 y + 1), likewise y_in, at the
    output pixel centres, scaled to [-1, 1]."""
    np_dtype = _np_dtype(dtype)
    xs, ys = _pixel_centres(0.5, width * 1.0 + 0.5 - 1.0, width, 0.5, height * 1.0 + 0.5 - 1.0,
                            height, dtype)
    theta1 = np.array([coeffs[0:3], coeffs[3:6]], np_dtype).T
    rescaled = theta1 / np.array([0.5 * width, 0.5 * height], np_dtype)
    theta2 = np.array([[coeffs[6], coeffs[7], 1.0]] * 2, np_dtype).T
    with np.errstate(divide="ignore", invalid="ignore"):
        grid = _map_points(xs, ys, rescaled) / _map_points(xs, ys, theta2) - np_dtype.type(1.0)
    # a degenerate warp divides by zero: those points take no pixel, as in torch
    grid[~np.isfinite(grid)] = -2.0
    return _lt().from_numpy(grid[None])


def perspective(img, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR,
                fill=None):
    """Warp so that the four ``startpoints`` (corners, [x, y]) land on ``endpoints``."""
    coeffs = _get_perspective_coeffs(startpoints, endpoints)
    interpolation = _interpolation(interpolation)
    if _is_pil(img):
        from PIL import Image
        return img.transform(img.size, Image.PERSPECTIVE, coeffs, _pil_filter(interpolation),
                             fillcolor=_pil_fill(fill, img))
    _check_tensor_image(img)
    _check_grid_inputs(img, fill, interpolation)
    grid = _perspective_grid(coeffs, img.shape[-1], img.shape[-2], _grid_dtype(img))
    return _grid_transform(img, grid, interpolation.value, fill)


def elastic_transform(img, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Move every pixel by ``displacement`` (1×H×W×2, in grid_sample's [-1, 1] units)."""
    lt = _lt()
    if isinstance(interpolation, int):
        interpolation = _interpolation(interpolation)
    if not _is_tensor(displacement):
        raise TypeError("Argument displacement should be a Tensor")
    tensor = img
    if not _is_tensor(img):
        if not _is_pil(img):
            raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
        tensor = pil_to_tensor(img)
    shape = (1, *tensor.shape[-2:], 2)
    if tuple(displacement.shape) != shape:
        raise ValueError(f"Argument displacement shape should be {shape}, but given "
                         f"{displacement.shape}")
    height, width = tensor.shape[-2:]
    ys, xs = (lt.linspace((-s + 1) / s, (s - 1) / s, s) for s in (height, width))
    grid_y, grid_x = lt.meshgrid(ys, xs, indexing="ij")
    identity = lt.stack([grid_x, grid_y], -1).unsqueeze(0)
    out = _grid_transform(tensor, identity + displacement, interpolation.value, fill)
    return out if _is_tensor(img) else to_pil_image(out, mode=img.mode)

