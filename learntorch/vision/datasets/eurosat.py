"""EuroSAT: 27,000 Sentinel-2 RGB tiles in ten land-use classes, one folder per class."""
import os

from .folder import ImageFolder, default_loader
from .utils import dataset_not_found

__all__ = ["EuroSAT"]


class EuroSAT(ImageFolder):
    """``root/eurosat/2750/<class>/*.jpg``, read as an ImageFolder."""

    def __init__(self, root, transform=None, target_transform=None, download=False,
                 loader=default_loader):
        root = os.path.expanduser(root)
        self._base_folder = os.path.join(root, "eurosat")
        self._data_folder = os.path.join(self._base_folder, "2750")
        if not os.path.exists(self._data_folder):
            raise dataset_not_found(f"unpack EuroSAT.zip so that {self._data_folder} holds "
                                    "its class folders")
        super().__init__(self._data_folder, transform=transform,
                         target_transform=target_transform, loader=loader)
        self.root = root
