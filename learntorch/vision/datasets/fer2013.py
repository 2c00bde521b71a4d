"""FER2013: 48×48 grey faces labelled with one of seven emotions, from Kaggle's CSV files."""
import csv
from pathlib import Path

import numpy as np

import learntorch

from .utils import verify_str_arg
from .vision import VisionDataset

__all__ = ["FER2013"]


class FER2013(VisionDataset):
    """``root/fer2013/``: ``train.csv``/``test.csv`` (test has no labels: targets are None), or
    the full ``fer2013.csv`` / ``icml_face_data.csv``, whose ``Usage`` column picks the split."""

    _RESOURCES = {"train": "train.csv", "test": "test.csv", "fer": "fer2013.csv",
                  "icml": "icml_face_data.csv"}

    def __init__(self, root, split="train", transform=None, target_transform=None):
        self._split = verify_str_arg(split, "split", ("train", "test"))
        super().__init__(root, transform=transform, target_transform=target_transform)
        folder = Path(self.root) / "fer2013"
        kind = next((k for k in ("fer", "icml") if (folder / self._RESOURCES[k]).exists()), split)
        path = folder / self._RESOURCES[kind]
        if not path.is_file():
            raise RuntimeError(f"{path.name} not found in {folder}. learntorch never downloads; "
                               "get it from Kaggle's facial-expression-recognition challenge")
        prefix = " " if kind == "icml" else ""   # that file's headers start with a space
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        if kind in ("fer", "icml"):
            usage = ("Training",) if split == "train" else ("PublicTest", "PrivateTest")
            rows = [row for row in rows if row[prefix + "Usage"] in usage]
        labelled = kind != "test"
        self._samples = [(self._image(row[prefix + "pixels"]),
                          int(row["emotion"]) if labelled else None) for row in rows]

    @staticmethod
    def _image(pixels):
        return learntorch.from_numpy(np.array(pixels.split(), dtype=np.uint8).reshape(48, 48))

    def __getitem__(self, index):
        from PIL import Image
        image, target = self._samples[index]
        return self._transformed(Image.fromarray(image.numpy()), target)

    def __len__(self):
        return len(self._samples)

    def extra_repr(self):
        return f"split={self._split}"
