"""USPS: 16×16 grey zip-code digits from LIBSVM's bz2 files (``usps.bz2``, ``usps.t.bz2``)."""
import bz2

import numpy as np

from .utils import require_files
from .vision import VisionDataset

__all__ = ["USPS"]


class USPS(VisionDataset):
    """Each line is ``label index:value …`` with values in [-1, 1] and labels 1..10."""

    split_list = {"train": "usps.bz2", "test": "usps.t.bz2"}

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        filename = self.split_list["train" if train else "test"]
        folder = require_files(self.root, [filename], "LIBSVM's multiclass usps files")
        with bz2.open(folder / filename) as f:
            rows = [line.decode().split() for line in f]
        values = [[item.split(":")[-1] for item in row[1:]] for row in rows]
        images = np.asarray(values, dtype=np.float32).reshape(-1, 16, 16)
        self.data = ((images + 1) / 2 * 255).astype(np.uint8)
        self.targets = [int(row[0]) - 1 for row in rows]

    def __getitem__(self, index):
        from PIL import Image
        return self._transformed(Image.fromarray(self.data[index], mode="L"),
                                 int(self.targets[index]))

    def __len__(self):
        return len(self.data)
