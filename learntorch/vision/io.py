"""torchvision.io's image half: files as uint8 byte tensors, and images decoded to and
encoded from ``C×H×W`` uint8 tensors.

torchvision decodes with its own libjpeg/libpng build; learntorch decodes with Pillow. PNG,
GIF and WebP (lossless) pixels are the same; JPEG pixels can differ by the decoder's IDCT
rounding, and encoded JPEG bytes differ from torchvision's (each library writes its own
headers and tables), though both decode to the same picture for the same quality.
"""
import io
from enum import Enum
from pathlib import Path

import numpy as np

import learntorch

__all__ = ["ImageReadMode", "read_file", "write_file", "decode_image", "decode_png",
           "decode_jpeg", "decode_gif", "decode_webp", "encode_png", "encode_jpeg", "write_png",
           "write_jpeg", "read_image"]


class ImageReadMode(Enum):
    """What channels a decoded image gets (or a string: ``mode="RGB"``)."""
    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = RGB_ALPHA  # alias


_PIL_MODES = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
              ImageReadMode.RGB_ALPHA: "RGBA"}


def read_file(path):
    """The bytes of a file as a 1-D uint8 tensor."""
    return learntorch.from_numpy(np.frombuffer(Path(path).read_bytes(), dtype=np.uint8).copy())


def write_file(filename, data):
    """Write a 1-D uint8 tensor's bytes to a file."""
    _check_bytes(data)
    Path(filename).write_bytes(data.numpy().tobytes())


def _check_bytes(data):
    if not isinstance(data, learntorch.Tensor):
        raise TypeError(f"Expected a Tensor of bytes, but got {type(data)}")
    if data.dtype != learntorch.uint8:
        raise RuntimeError(f"Expected a torch.uint8 tensor, got {data.dtype}")
    if data.dim() != 1:
        raise RuntimeError(f"Expected a one dimensional tensor, got {data.dim()} dims")


def _mode(mode):
    return ImageReadMode[mode.upper()] if isinstance(mode, str) else mode


def _open(data, apply_exif_orientation=False):
    from PIL import Image, ImageOps
    if not isinstance(data, learntorch.Tensor):
        data = read_file(str(data))
    _check_bytes(data)
    picture = Image.open(io.BytesIO(data.numpy().tobytes()))
    return ImageOps.exif_transpose(picture) if apply_exif_orientation else picture


def _unchanged(picture):
    """Pillow's modes as the channel layouts torchvision decodes to: palettes and bilevel
    images expanded, 16-bit greys kept as uint16."""
    if picture.mode == "P":
        return picture.convert("RGBA" if "transparency" in picture.info else "RGB")
    if picture.mode == "1":
        return picture.convert("L")
    if picture.mode in ("L", "LA", "RGB", "RGBA"):
        return picture
    return picture.convert("RGB")


def _deep_grey(picture, mode):
    """A 16-bit grey image in ``mode``'s channels, kept uint16 (Pillow's convert would clip it
    to 8 bits; torchvision's libpng path keeps the depth)."""
    grey = np.array(picture).astype(np.uint16)
    opaque = np.full_like(grey, np.iinfo(np.uint16).max)
    channels = {ImageReadMode.UNCHANGED: [grey], ImageReadMode.GRAY: [grey],
                ImageReadMode.GRAY_ALPHA: [grey, opaque], ImageReadMode.RGB: [grey] * 3,
                ImageReadMode.RGB_ALPHA: [grey] * 3 + [opaque]}[mode]
    return np.stack(channels, axis=-1)


def _to_tensor(picture, mode):
    mode = _mode(mode)
    if picture.mode.startswith("I;16"):
        array = _deep_grey(picture, mode)
    else:
        picture = _unchanged(picture) if mode is ImageReadMode.UNCHANGED else \
            picture.convert(_PIL_MODES[mode])
        array = np.array(picture)
    array = array[:, :, None] if array.ndim == 2 else array
    return learntorch.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))


def decode_image(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """A PNG, JPEG, GIF or WebP (bytes tensor or path) as a ``C×H×W`` uint8 tensor."""
    return _to_tensor(_open(input, apply_exif_orientation), mode)


def read_image(path, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    return decode_image(read_file(path), mode, apply_exif_orientation=apply_exif_orientation)


def decode_png(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    return decode_image(input, mode, apply_exif_orientation)


def decode_webp(input, mode=ImageReadMode.UNCHANGED):
    return decode_image(input, mode)


def decode_jpeg(input, mode=ImageReadMode.UNCHANGED, device="cpu", apply_exif_orientation=False):
    """One JPEG, or a list of them (a list back)."""
    if str(device) != "cpu":
        raise RuntimeError("learntorch decodes on the CPU only; nvjpeg is not available")
    if isinstance(input, list):
        if not input:
            raise ValueError("Input list must contain at least one element")
        if not all(isinstance(t, learntorch.Tensor) for t in input):
            raise ValueError("All elements of the input list must be tensors.")
        return [decode_image(t, mode, apply_exif_orientation) for t in input]
    return decode_image(input, mode, apply_exif_orientation)


def decode_gif(input):
    """RGB frames: ``(C, H, W)`` for one frame, ``(N, C, H, W)`` for an animation."""
    from PIL import ImageSequence
    picture = _open(input)
    frames = [_to_tensor(frame.convert("RGB"), ImageReadMode.RGB)
              for frame in ImageSequence.Iterator(picture)]
    return frames[0] if len(frames) == 1 else learntorch.stack(frames)


def _check_image(input):
    """torchvision's checks (and words) before encoding."""
    if input.dtype != learntorch.uint8:
        raise RuntimeError("Input tensor dtype should be uint8")
    if input.dim() != 3:
        raise RuntimeError("Input data should be a 3-dimensional tensor")
    if input.size(0) not in (1, 3):
        raise RuntimeError(f"The number of channels should be 1 or 3, got: {input.size(0)}")


def _encode(input, **save):
    from PIL import Image
    array = input.detach().numpy().transpose(1, 2, 0)
    picture = Image.fromarray(np.ascontiguousarray(array[:, :, 0] if array.shape[2] == 1
                                                   else array))
    buffer = io.BytesIO()
    picture.save(buffer, **save)
    return learntorch.from_numpy(np.frombuffer(buffer.getvalue(), dtype=np.uint8).copy())


def encode_png(input, compression_level=6):
    """A 1- or 3-channel uint8 image as PNG bytes (``compression_level`` 0–9)."""
    _check_image(input)
    if not 0 <= compression_level <= 9:
        raise RuntimeError("Compression level should be between 0 and 9")
    return _encode(input, format="PNG", compress_level=compression_level)


def write_png(input, filename, compression_level=6):
    write_file(filename, encode_png(input, compression_level))


def encode_jpeg(input, quality=75):
    """A 1- or 3-channel uint8 image (or a list of them) as JPEG bytes."""
    if quality < 1 or quality > 100:
        raise ValueError("Image quality should be a positive number between 1 and 100")
    if isinstance(input, list):
        if not input:
            raise ValueError("encode_jpeg requires at least one input tensor when a list is "
                             "passed")
        return [encode_jpeg(image, quality) for image in input]
    _check_image(input)
    return _encode(input, format="JPEG", quality=quality)


def write_jpeg(input, filename, quality=75):
    write_file(filename, encode_jpeg(input, quality))
