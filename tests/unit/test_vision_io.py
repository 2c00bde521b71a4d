"""learntorch.vision.io (torchvision.io's image functions) on files written with Pillow.

torchvision's own decoders are compiled and do not load beside the CPU torch here, so the
reference is Pillow reading the same bytes: PNG/GIF/WebP-lossless pixels must be equal, and a
JPEG written by ``encode_jpeg`` must decode to what Pillow decodes."""
import io

import numpy as np
import pytest
from PIL import Image

import learntorch as lt
from learntorch.vision import io as vio

RNG = np.random.default_rng(4)
RGB = RNG.integers(0, 256, (6, 7, 3), dtype=np.uint8)


def png_bytes(picture, **save):
    buffer = io.BytesIO()
    picture.save(buffer, format=save.pop("format", "PNG"), **save)
    return buffer.getvalue()


def chw(array):
    return (array[:, :, None] if array.ndim == 2 else array).transpose(2, 0, 1)


def test_read_file_and_write_file_round_trip(tmp_path):
    data = lt.from_numpy(RNG.integers(0, 256, 50, dtype=np.uint8))
    vio.write_file(tmp_path / "b.bin", data)
    back = vio.read_file(tmp_path / "b.bin")
    assert back.dtype == lt.uint8 and back.tolist() == data.tolist()
    with pytest.raises(RuntimeError, match="uint8"):
        vio.write_file(tmp_path / "c.bin", data.float())


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA", "P", "1"])
def test_read_image_unchanged_keeps_the_channels(tmp_path, mode):
    picture = Image.fromarray(RGB).convert(mode)
    (tmp_path / "x.png").write_bytes(png_bytes(picture))
    expected = {"P": "RGB", "1": "L"}.get(mode, mode)
    image = vio.read_image(str(tmp_path / "x.png"))
    assert image.dtype == lt.uint8
    np.testing.assert_array_equal(image.numpy(), chw(np.array(picture.convert(expected))))


@pytest.mark.parametrize("mode,pil", [(vio.ImageReadMode.GRAY, "L"), ("gray_alpha", "LA"),
                                      (vio.ImageReadMode.RGB, "RGB"), ("RGBA", "RGBA"),
                                      (vio.ImageReadMode.RGB_ALPHA, "RGBA")])
def test_decode_image_converts_to_the_mode_asked(mode, pil):
    data = lt.from_numpy(np.frombuffer(png_bytes(Image.fromarray(RGB)), np.uint8).copy())
    image = vio.decode_image(data, mode=mode)
    np.testing.assert_array_equal(image.numpy(), chw(np.array(Image.fromarray(RGB).convert(pil))))


def test_a_palette_png_with_transparency_decodes_to_rgba():
    picture = Image.fromarray(RGB).convert("P")
    picture.info["transparency"] = 0
    data = png_bytes(picture, transparency=0)
    image = vio.decode_png(lt.from_numpy(np.frombuffer(data, np.uint8).copy()))
    assert tuple(image.shape) == (4, 6, 7)


@pytest.mark.parametrize("mode,channels", [("UNCHANGED", 1), ("GRAY", 1), ("RGB", 3),
                                           ("RGBA", 4)])
def test_sixteen_bit_png_stays_uint16_in_every_mode(tmp_path, mode, channels):
    deep = RNG.integers(0, 65536, (5, 4), dtype=np.uint16)
    Image.fromarray(deep).save(tmp_path / "d.png")
    image = vio.read_image(tmp_path / "d.png", mode=mode)
    assert image.dtype == lt.uint16 and tuple(image.shape) == (channels, 5, 4)
    for c in range(min(channels, 3)):
        assert image.numpy()[c].tolist() == deep.tolist()
    if channels == 4:
        assert (image.numpy()[3] == 65535).all()


@pytest.mark.parametrize("channels", [1, 3])
def test_encode_png_is_lossless_and_write_png_writes_it(tmp_path, channels):
    image = lt.from_numpy(chw(RGB)[:channels].copy())
    encoded = vio.encode_png(image, compression_level=9)
    assert encoded.dtype == lt.uint8 and encoded.dim() == 1
    np.testing.assert_array_equal(vio.decode_png(encoded).numpy(), image.numpy())
    vio.write_png(image, str(tmp_path / "w.png"))
    np.testing.assert_array_equal(vio.read_image(tmp_path / "w.png").numpy(), image.numpy())


def test_encode_jpeg_decodes_like_pillow_and_keeps_quality_order(tmp_path):
    smooth = np.clip(np.add.outer(np.arange(32), np.arange(32)) * 4, 0, 255).astype(np.uint8)
    image = lt.from_numpy(np.stack([smooth] * 3))
    small, large = vio.encode_jpeg(image, quality=10), vio.encode_jpeg(image, quality=95)
    assert small.numel() < large.numel()
    decoded = vio.decode_jpeg(large)
    reference = np.array(Image.open(io.BytesIO(large.numpy().tobytes())))
    np.testing.assert_array_equal(decoded.numpy(), chw(reference))
    assert np.abs(decoded.numpy().astype(int) - image.numpy()).mean() < 3
    pair = vio.decode_jpeg([small, large])
    assert isinstance(pair, list) and len(pair) == 2
    vio.write_jpeg(image, str(tmp_path / "j.jpg"), quality=90)
    assert vio.read_image(tmp_path / "j.jpg").shape == image.shape


def test_decode_gif_gives_frames():
    frames = [Image.fromarray(RGB), Image.fromarray(255 - RGB)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    data = lt.from_numpy(np.frombuffer(buffer.getvalue(), np.uint8).copy())
    assert tuple(vio.decode_gif(data).shape) == (2, 3, 6, 7)
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF")
    assert tuple(vio.decode_gif(lt.from_numpy(
        np.frombuffer(buffer.getvalue(), np.uint8).copy())).shape) == (3, 6, 7)


def test_bad_inputs_raise_torchvisions_errors():
    image = lt.from_numpy(chw(RGB).copy())
    with pytest.raises(RuntimeError, match="Input tensor dtype should be uint8"):
        vio.encode_png(image.float())
    with pytest.raises(RuntimeError, match="Input data should be a 3-dimensional tensor"):
        vio.encode_png(image[0])
    with pytest.raises(RuntimeError, match="The number of channels should be 1 or 3, got: 2"):
        vio.encode_jpeg(image[:2])
    with pytest.raises(RuntimeError, match="Compression level should be between 0 and 9"):
        vio.encode_png(image, compression_level=-1)
    with pytest.raises(ValueError, match="Image quality should be a positive number"):
        vio.encode_jpeg(image, quality=0)
    with pytest.raises(ValueError, match="at least one element"):
        vio.decode_jpeg([])
    with pytest.raises(KeyError):
        vio.decode_image(vio.encode_png(image), mode="CMYK")
