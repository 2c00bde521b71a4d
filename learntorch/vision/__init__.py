"""learntorch.vision: the torchvision pieces the course needs (``import learntorch.vision as
torchvision``): ``datasets`` (the embedded digits, MNIST-style IDX files, CIFAR, STL10, COCO),
``models``, ``transforms``, ``ops``, ``io`` (images ↔ uint8 tensors) and ``utils`` (make_grid,
save_image, the drawing helpers)."""
from . import datasets, io, models, ops, transforms, utils  # noqa: F401
