"""learntorch.vision: the torchvision pieces the course needs (``import learntorch.vision as
torchvision``): ``datasets`` (the embedded digits, MNIST-style IDX files, CIFAR, STL10, COCO),
``models`` (AlexNet, VGG, ResNet, SqueezeNet, MobileNetV2, DenseNet), ``transforms`` and
``utils`` (make_grid, save_image)."""
from . import datasets, models, ops, transforms, utils  # noqa: F401
