"""learntorch.vision: the torchvision pieces the course needs (``import learntorch.vision as
torchvision``): ``datasets`` (the embedded digits, MNIST-style IDX files), ``transforms`` and
``utils`` (make_grid, save_image)."""
from . import datasets, transforms, utils  # noqa: F401
