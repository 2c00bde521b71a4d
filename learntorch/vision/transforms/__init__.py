"""Image transforms on PIL images and tensors, laid out as torchvision.transforms."""
from .transforms import *  # noqa: F401,F403
from .transforms import (adjust_brightness, adjust_contrast, adjust_hue,  # noqa: F401
                         adjust_saturation, center_crop, crop, five_crop, gaussian_blur,
                         get_dimensions, pad, ten_crop)
