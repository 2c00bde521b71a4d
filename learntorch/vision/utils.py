"""make_grid and save_image: a batch of images laid out in one picture (torchvision.utils)."""
import math

import numpy as np

__all__ = ["make_grid", "save_image"]


def _normalized(images, value_range, scale_each):
    """Clamp to ``value_range`` (default: the min and max) and map it to [0, 1]."""
    def norm(img):
        low, high = value_range if value_range is not None else (float(img.min()),
                                                                 float(img.max()))
        return (np.clip(img, low, high) - low) / max(high - low, 1e-5)
    if scale_each:
        return np.stack([norm(img) for img in images]).astype(images.dtype)
    return norm(images).astype(images.dtype)


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False,
              pad_value=0.0):
    """Tile a batch B×C×H×W (or a list of C×H×W) into one 3×H'×W' image, ``nrow`` per row, each
    framed by ``padding`` pixels of ``pad_value``; one-channel images are repeated to RGB."""
    import learntorch
    if isinstance(tensor, list):
        tensor = learntorch.stack(tensor, dim=0)
    if not isinstance(tensor, learntorch.Tensor):
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    images = tensor.detach().numpy()
    if images.ndim == 2:
        images = images[None]
    if images.ndim == 3:
        images = (np.concatenate([images] * 3) if images.shape[0] == 1 else images)[None]
    if images.ndim == 4 and images.shape[1] == 1:
        images = np.concatenate([images] * 3, axis=1)
    if normalize:
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and max "
                            "are numbers")
        images = _normalized(images, value_range, scale_each)
    if images.shape[0] == 1:
        return learntorch.from_numpy(np.ascontiguousarray(images[0]))
    nmaps, channels, h, w = images.shape
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    height, width = h + padding, w + padding
    grid = np.full((channels, height * ymaps + padding, width * xmaps + padding), pad_value,
                   dtype=images.dtype)
    for k in range(nmaps):
        y, x = divmod(k, xmaps)
        grid[:, y * height + padding:(y + 1) * height, x * width + padding:(x + 1) * width] = \
            images[k]
    return learntorch.from_numpy(grid)


def save_image(tensor, fp, format=None, **kwargs):
    """make_grid(tensor, **kwargs), scaled from [0, 1] to 0..255, written as PNG (via PIL)."""
    from PIL import Image
    grid = make_grid(tensor, **kwargs).numpy()
    array = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    Image.fromarray(array).save(fp, format=format)
