"""torchvision.utils: make_grid and save_image (a batch of images laid out in one picture),
and the drawing helpers detection and pose examples use — boxes, masks, keypoints, flow."""
import math
import warnings

import numpy as np

__all__ = ["make_grid", "save_image", "draw_bounding_boxes", "draw_segmentation_masks",
           "draw_keypoints", "flow_to_image"]


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


# -- drawing ---------------------------------------------------------------------------------
def _check_image(image, rgb_only=True):
    import learntorch
    if not isinstance(image, learntorch.Tensor):
        raise TypeError(f"The image must be a tensor, got {type(image)}")
    if not (image.dtype == learntorch.uint8 or image.is_floating_point()):
        raise ValueError(f"The image dtype must be uint8 or float, got {image.dtype}")
    if image.dim() != 3:
        raise ValueError("Pass individual images, not batches")
    if rgb_only and image.size(0) != 3:
        raise ValueError("Pass an RGB image. Other Image formats are not supported")


def _palette(count):
    """torchvision's default colours: object ``i`` gets ``i·(2²⁵−1, 2¹⁵−1, 2²¹−1) mod 255``."""
    return [tuple(int(i * p % 255) for p in (2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1))
            for i in range(count)]


def _parse_colors(colors, num_objects, floating=False):
    """One RGB tuple per object from None (the palette), one colour or a list of colours
    (PIL names, "#rrggbb" or tuples); in [0, 1] for float images."""
    from PIL import ImageColor
    if colors is None:
        colors = _palette(num_objects)
    elif isinstance(colors, list):
        if len(colors) < num_objects:
            raise ValueError(f"Number of colors must be equal or larger than the number of "
                             f"objects, but got {len(colors)} < {num_objects}.")
    elif not isinstance(colors, (tuple, str)):
        raise ValueError(f"colors must be a tuple or a string, or a list thereof, but got "
                         f"{colors}.")
    elif isinstance(colors, tuple) and len(colors) != 3:
        raise ValueError(f"If passed as tuple, colors should be an RGB triplet, but got {colors}.")
    else:
        colors = [colors] * num_objects
    colors = [ImageColor.getrgb(c) if isinstance(c, str) else c for c in colors]
    return [tuple(v / 255 for v in c) for c in colors] if floating else colors


def _to_pil(image):
    """A C×H×W uint8/float tensor as an RGB PIL image (float scaled as convert_image_dtype)."""
    from PIL import Image

    import learntorch
    from .transforms.functional import convert_image_dtype
    if image.size(0) == 1:
        image = image.repeat(3, 1, 1)
    if image.is_floating_point():
        image = convert_image_dtype(image, learntorch.uint8)
    return Image.fromarray(np.ascontiguousarray(image.permute(1, 2, 0).numpy()))


def _from_pil(picture, dtype):
    """Back to a C×H×W tensor of ``dtype``; float as torchvision's v2 ``to_dtype`` scales it
    (times 1/255, which can differ from ÷255 in the last bit)."""
    import learntorch
    out = learntorch.from_numpy(np.array(picture)).permute(2, 0, 1)
    return out.to(dtype).mul_(1.0 / 255) if dtype.is_floating_point else out


def _dashed_line(draw, start, end, fill, width, dash=5, space=5):
    """Alternate ``dash`` drawn and ``space`` skipped pixels from ``start`` to ``end``."""
    (x1, y1), (x2, y2) = start, end
    left, drawing = math.hypot(x2 - x1, y2 - y1), True
    angle = math.atan2(y2 - y1, x2 - x1)
    while left > 0:
        step = min(left, dash if drawing else space)
        nx, ny = x1 + math.cos(angle) * step, y1 + math.sin(angle) * step
        if drawing:
            draw.line([(x1, y1), (nx, ny)], fill, width)
        left -= step
        x1, y1, drawing = nx, ny, not drawing


def _oriented_rectangle(draw, xy, fill, outline, width):
    """A rotated box (x1, y1, …, x4, y4): its first side dashed (it marks the heading)."""
    _dashed_line(draw, xy[0:2], xy[2:4], outline, width)
    corners = len(xy)
    for i in range(2, corners, 2):
        draw.line(((xy[i], xy[i + 1]), (xy[(i + 2) % corners], xy[(i + 3) % corners])),
                  width=width, fill=outline)
    draw.polygon(xy, fill=fill, outline=None, width=0)


def draw_bounding_boxes(image, boxes, labels=None, colors=None, fill=False, width=1, font=None,
                        font_size=None, label_colors=None, label_background_colors=None,
                        fill_labels=False):
    """The image (uint8, or float in [0, 1]) with each box (x₁, y₁, x₂, y₂ — or the 8
    corners of a rotated box) outlined, optionally filled at alpha 100/255 and labelled."""
    from PIL import ImageDraw, ImageFont
    import learntorch
    _check_image(image, rgb_only=False)
    if image.size(0) not in (1, 3):
        raise ValueError("Only grayscale and RGB images are supported")
    if boxes.shape[-1] == 4 and (bool((boxes[:, 0] > boxes[:, 2]).any())
                                 or bool((boxes[:, 1] > boxes[:, 3]).any())):
        raise ValueError("Boxes need to be in (xmin, ymin, xmax, ymax) format. Use "
                         "torchvision.ops.box_convert to convert them")
    count = boxes.shape[0]
    if count == 0:
        warnings.warn("boxes doesn't contain any box. No box was drawn")
        return image
    if labels is None:
        labels = [None] * count
    elif len(labels) != count:
        raise ValueError(f"Number of boxes ({count}) and labels ({len(labels)}) mismatch. "
                         "Please specify labels for each box.")
    colors = _parse_colors(colors, count)
    text_colors = (_parse_colors(label_colors or "black", count)
                   if label_colors or fill_labels else colors)
    backgrounds = (_parse_colors(label_background_colors, count)
                   if fill_labels and label_background_colors else colors)
    if font is None:
        if font_size is not None:
            warnings.warn("Argument 'font_size' will be ignored since 'font' is not set.")
        text_font = ImageFont.load_default()
    else:
        text_font = ImageFont.truetype(font=font, size=font_size or 10)
    picture = _to_pil(image)
    draw = ImageDraw.Draw(picture, "RGBA" if fill else None)
    rows = boxes.to(learntorch.int64).tolist()
    for box, color, label, text_color, background in zip(rows, colors, labels, text_colors,
                                                         backgrounds):
        inside = color + (100,) if fill else None
        if len(box) > 4:
            _oriented_rectangle(draw, box, inside, color, width)
        else:
            draw.rectangle(box, width=width, outline=color, fill=inside)
        if label is not None:
            margin = width + 1
            corner = (box[0] + margin, box[1] + margin)
            if fill_labels:
                left, top, right, bottom = draw.textbbox(corner, label, font=text_font)
                draw.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill=background)
            draw.text(corner, label, fill=text_color, font=text_font)
    return _from_pil(picture, image.dtype)


def draw_segmentation_masks(image, masks, alpha=0.8, colors=None):
    """The RGB image blended (weight ``alpha``) with each boolean mask's colour; pixels two
    masks claim are blended with black."""
    import learntorch
    _check_image(image)
    if masks.ndim == 2:
        masks = masks[None, :, :]
    if masks.ndim != 3:
        raise ValueError("masks must be of shape (H, W) or (batch_size, H, W)")
    if masks.dtype != learntorch.bool:
        raise ValueError(f"The masks must be of dtype bool. Got {masks.dtype}")
    if masks.shape[-2:] != image.shape[-2:]:
        raise ValueError("The image and the masks must have the same height and width")
    if masks.size(0) == 0:
        warnings.warn("masks doesn't contain any mask. No mask was drawn")
        return image
    with learntorch.no_grad():
        colors = _parse_colors(colors, masks.size(0), image.is_floating_point())
        painted = image.detach().clone()
        for mask, color in zip(masks, colors):
            painted[:, mask] = learntorch.tensor(color, dtype=image.dtype)[:, None]
        painted[:, masks.sum(dim=0) > 1] = 0
        return (image * (1 - alpha) + painted * alpha).to(image.dtype)


def draw_keypoints(image, keypoints, connectivity=None, colors=None, radius=2, width=3,
                   visibility=None):
    """The RGB image with each visible keypoint (``(instances, K, 2)``) as a disc and the
    ``connectivity`` pairs joined by lines."""
    from PIL import ImageDraw
    import learntorch
    _check_image(image)
    if keypoints.ndim != 3:
        raise ValueError("keypoints must be of shape (num_instances, K, 2)")
    if visibility is None:
        visibility = learntorch.ones(keypoints.shape[:-1], dtype=learntorch.bool)
    if visibility.ndim == 3:   # as pred.split([2, 1], dim=-1) gives it
        visibility = visibility.squeeze(-1)
    if visibility.ndim != 2:
        raise ValueError(f"visibility must be of shape (num_instances, K). Got "
                         f"ndim={visibility.ndim}")
    if visibility.shape != keypoints.shape[:-1]:
        raise ValueError("keypoints and visibility must have the same dimensionality for "
                         f"num_instances and K. Got visibility.shape={visibility.shape} and "
                         f"keypoints.shape={keypoints.shape}")
    picture = _to_pil(image)
    draw = ImageDraw.Draw(picture)
    for points, seen in zip(keypoints.to(learntorch.int64).tolist(), visibility.bool().tolist()):
        for (x, y), visible in zip(points, seen):
            if visible:
                draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colors,
                             outline=None, width=0)
        for a, b in connectivity or ():
            if seen[a] and seen[b]:
                draw.line((tuple(points[a]), tuple(points[b])), width=width)
    return _from_pil(picture, image.dtype)


def _colorwheel():
    """Baker et al.'s 55-colour wheel (red→yellow→green→cyan→blue→magenta) for optical flow."""
    wheel = []
    for count, start, ramp in ((15, (255, 0, 0), (0, 1, 0)), (6, (255, 255, 0), (-1, 0, 0)),
                               (4, (0, 255, 0), (0, 0, 1)), (11, (0, 255, 255), (0, -1, 0)),
                               (13, (0, 0, 255), (1, 0, 0)), (6, (255, 0, 255), (0, 0, -1))):
        steps = np.floor(255 * np.arange(count, dtype=np.float32) / count)
        wheel.append(np.array(start, np.float32) + np.outer(steps, ramp).astype(np.float32))
    return np.concatenate(wheel)


def flow_to_image(flow):
    """An optical flow ``(2, H, W)`` or ``(N, 2, H, W)`` float32 as uint8 RGB: hue is the
    direction, saturation the length relative to the longest vector."""
    import learntorch
    if flow.dtype != learntorch.float32:
        raise ValueError(f"Flow should be of dtype torch.float, got {flow.dtype}.")
    shape = flow.shape
    batch = flow[None] if flow.ndim == 3 else flow
    if batch.ndim != 4 or batch.shape[1] != 2:
        raise ValueError(f"Input flow should have shape (2, H, W) or (N, 2, H, W), got {shape}.")
    f = batch.detach().numpy()
    longest = np.sqrt(np.sum(f ** 2, axis=1)).max()
    f = f / (longest + np.finfo(np.float32).eps)
    wheel = _colorwheel()
    norm = np.sqrt(np.sum(f ** 2, axis=1))
    position = (np.arctan2(-f[:, 1], -f[:, 0]) / np.float32(math.pi) + 1) / 2 * (len(wheel) - 1)
    k0 = np.floor(position).astype(np.int64)
    k1 = np.where(k0 + 1 == len(wheel), 0, k0 + 1)
    frac = position - k0
    colour = (1 - frac)[:, None] * (wheel[k0] / 255).transpose(0, 3, 1, 2) \
        + frac[:, None] * (wheel[k1] / 255).transpose(0, 3, 1, 2)
    image = np.floor(255 * (1 - norm[:, None] * (1 - colour))).astype(np.uint8)
    out = learntorch.from_numpy(np.ascontiguousarray(image))
    return out[0] if len(shape) == 3 else out
