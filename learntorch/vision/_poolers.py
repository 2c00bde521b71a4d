"""``MultiScaleRoIAlign``: RoI Align over a feature pyramid (Faster/Mask R-CNN's box head).

Each box is pooled from the pyramid level that suits its size (FPN paper, eq. 1:
``k = floor(k0 + log2(sqrt(area) / 224))``); the levels' scales are inferred from the feature
and image sizes on the first call, as torchvision does."""
import math

from .. import cat, float32, full_like, int64, log2, nn, tensor, where, zeros
from ._boxes import box_area
from ._roi import roi_align

__all__ = ["MultiScaleRoIAlign"]


class LevelMapper:
    """Which pyramid level (counted from ``k_min``) each box is pooled from."""

    def __init__(self, k_min, k_max, canonical_scale=224, canonical_level=4, eps=1e-6):
        self.k_min = k_min
        self.k_max = k_max
        self.s0 = canonical_scale
        self.lvl0 = canonical_level
        self.eps = eps

    def __call__(self, boxlists):
        s = cat([box_area(boxlist) for boxlist in boxlists]).sqrt()
        target_lvls = (self.lvl0 + log2(s / self.s0) + tensor(self.eps, dtype=s.dtype)).floor()
        target_lvls = target_lvls.clamp(min=self.k_min, max=self.k_max)
        return (target_lvls.to(int64) - self.k_min).to(int64)


def _convert_to_roi_format(boxes):
    concat_boxes = cat(boxes, dim=0)
    ids = cat([full_like(b[:, :1], i, dtype=concat_boxes.dtype) for i, b in enumerate(boxes)],
              dim=0)
    return cat([ids, concat_boxes], dim=1)


def _infer_scale(feature, original_size):
    """The power of two closest to feature size / image size (from the height, as torchvision)."""
    size = feature.shape[-2:]
    scales = [2 ** float(round(math.log2(float(s1) / float(s2)))) for s1, s2 in
              zip(size, original_size)]
    return scales[0]


def _setup_scales(features, image_shapes, canonical_scale, canonical_level):
    if not image_shapes:
        raise ValueError("images list should not be empty")
    max_x = max(shape[0] for shape in image_shapes)
    max_y = max(shape[1] for shape in image_shapes)
    scales = [_infer_scale(feat, (max_x, max_y)) for feat in features]
    lvl_min = -log2(tensor(scales[0], dtype=float32)).item()
    lvl_max = -log2(tensor(scales[-1], dtype=float32)).item()
    return scales, LevelMapper(int(lvl_min), int(lvl_max), canonical_scale=canonical_scale,
                               canonical_level=canonical_level)


def _multiscale_roi_align(x_filtered, boxes, output_size, sampling_ratio, scales, mapper):
    if scales is None or mapper is None:
        raise ValueError("scales and mapper should not be None")
    rois = _convert_to_roi_format(boxes)
    if len(x_filtered) == 1:
        return roi_align(x_filtered[0], rois, output_size=output_size, spatial_scale=scales[0],
                         sampling_ratio=sampling_ratio)
    levels = mapper(boxes)
    first = x_filtered[0]
    result = zeros((len(rois), first.shape[1]) + tuple(output_size), dtype=first.dtype,
                   device=first.device)
    for level, (per_level_feature, scale) in enumerate(zip(x_filtered, scales)):
        idx_in_level = where(levels == level)[0]
        pooled = roi_align(per_level_feature, rois[idx_in_level], output_size=output_size,
                           spatial_scale=scale, sampling_ratio=sampling_ratio)
        result[idx_in_level] = pooled.to(result.dtype)
    return result


class MultiScaleRoIAlign(nn.Module):
    """RoI Align of ``boxes`` (a list, one ``[L, 4]`` per image) from the feature maps of
    ``x`` named in ``featmap_names``, each box from the level its size maps to."""

    def __init__(self, featmap_names, output_size, sampling_ratio, *, canonical_scale=224,
                 canonical_level=4):
        super().__init__()
        if isinstance(output_size, int):
            output_size = (output_size, output_size)
        self.featmap_names = featmap_names
        self.sampling_ratio = sampling_ratio
        self.output_size = tuple(output_size)
        self.scales = None
        self.map_levels = None
        self.canonical_scale = canonical_scale
        self.canonical_level = canonical_level

    def forward(self, x, boxes, image_shapes):
        x_filtered = [v for k, v in x.items() if k in self.featmap_names]
        if self.scales is None or self.map_levels is None:
            self.scales, self.map_levels = _setup_scales(x_filtered, image_shapes,
                                                         self.canonical_scale,
                                                         self.canonical_level)
        return _multiscale_roi_align(x_filtered, boxes, self.output_size, self.sampling_ratio,
                                     self.scales, self.map_levels)

    def __repr__(self):
        return (f"{self.__class__.__name__}(featmap_names={self.featmap_names}, "
                f"output_size={self.output_size}, sampling_ratio={self.sampling_ratio})")
