"""Image transforms on PIL images and tensors, laid out as torchvision.transforms: the classes
(``transforms``), the augmentation policies (``autoaugment``) and one function per transform
(``functional``, usually imported as ``TF``)."""
from . import autoaugment, functional, transforms  # noqa: F401
from .autoaugment import *  # noqa: F401,F403
from .transforms import *  # noqa: F401,F403
# The functions the single-module learntorch.vision.transforms offered at its top level.
from .functional import (adjust_brightness, adjust_contrast, adjust_hue,  # noqa: F401
                         adjust_saturation, center_crop, crop, five_crop, gaussian_blur,
                         get_dimensions, pad, ten_crop)
