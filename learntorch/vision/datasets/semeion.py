"""SEMEION: 1,593 handwritten digits, 16×16 binary pixels, one text row each."""
import numpy as np

from .utils import require_files
from .vision import VisionDataset

__all__ = ["SEMEION"]


class SEMEION(VisionDataset):
    """``root/semeion.data``: 256 pixel values then a one-hot label per row."""

    filename = "semeion.data"

    def __init__(self, root, transform=None, target_transform=None, download=True):
        super().__init__(root, transform=transform, target_transform=target_transform)
        folder = require_files(self.root, [self.filename], "the UCI file semeion.data")
        rows = np.loadtxt(folder / self.filename)
        self.data = (rows[:, :256] * 255).astype(np.uint8).reshape(-1, 16, 16)
        self.labels = np.nonzero(rows[:, 256:])[1]

    def __getitem__(self, index):
        from PIL import Image
        return self._transformed(Image.fromarray(self.data[index], mode="L"),
                                 int(self.labels[index]))

    def __len__(self):
        return len(self.data)
