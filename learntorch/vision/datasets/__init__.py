"""Datasets read from local files only (no downloads).  ``Digits`` is embedded in the package.

Items are ``(PIL image, label)`` like torchvision's, after ``transform`` / ``target_transform``;
the modules are torchvision's (``datasets.folder``, ``datasets.mnist``, ``datasets.utils`` …),
so its import paths work too.
"""
from .cifar import CIFAR10, CIFAR100
from .coco import CocoCaptions, CocoDetection
from .digits import Digits
from .eurosat import EuroSAT
from .fakedata import FakeData
from .fer2013 import FER2013
from .folder import DatasetFolder, ImageFolder
from .listed import (DTD, GTSRB, Caltech256, Country211, Food101, Imagenette, OxfordIIITPet,
                     RenderedSST2)
from .mnist import EMNIST, KMNIST, MNIST, QMNIST, FashionMNIST
from .moving_mnist import MovingMNIST
from .semeion import SEMEION
from .stl10 import STL10
from .usps import USPS
from .vision import VisionDataset

__all__ = ["VisionDataset", "Digits", "MNIST", "FashionMNIST", "KMNIST", "EMNIST", "QMNIST",
           "DatasetFolder", "ImageFolder", "FakeData", "CIFAR10", "CIFAR100", "STL10",
           "CocoDetection", "CocoCaptions", "SEMEION", "USPS", "FER2013", "MovingMNIST", "EuroSAT",
           "Country211", "RenderedSST2", "DTD", "Food101", "Imagenette", "GTSRB", "OxfordIIITPet",
           "Caltech256"]
