"""CIFAR-10 and CIFAR-100 from their python batches, unpickled safely (arrays only)."""
import pickle

import numpy as np

from .utils import require_files
from .vision import VisionDataset

__all__ = ["CIFAR10", "CIFAR100"]


class _ArraysOnlyUnpickler(pickle.Unpickler):
    """Unpickles what CIFAR's python batches hold — dicts, lists, bytes, str, numbers and NumPy
    arrays — and refuses every other global, so a doctored file cannot run code."""

    ALLOWED = {("numpy.core.multiarray", "_reconstruct"),
               ("numpy._core.multiarray", "_reconstruct"), ("numpy", "ndarray"), ("numpy", "dtype"),
               ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar")}

    def find_class(self, module, name):
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"global {module}.{name} is not allowed in a dataset file")


def _load_batch(path):
    try:
        with open(path, "rb") as f:
            return _ArraysOnlyUnpickler(f, encoding="latin1").load()
    except FileNotFoundError:
        raise
    except Exception as e:  # a truncated or doctored file
        raise RuntimeError(f"Dataset file {path} is corrupt: {e}") from None


class CIFAR10(VisionDataset):
    """CIFAR-10 from the python batches in ``root/cifar-10-batches-py`` (never downloaded).

    ``data`` is a uint8 array N×32×32×3 and ``targets`` a list, as in torchvision.
    """

    base_folder = "cifar-10-batches-py"
    train_list = [f"data_batch_{i}" for i in range(1, 6)]
    test_list = ["test_batch"]
    meta = {"filename": "batches.meta", "key": "label_names"}
    labels_key = "labels"

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        names = self.train_list if train else self.test_list
        folder = require_files(f"{self.root}/{self.base_folder}", names + [self.meta["filename"]],
                               "unpack the python version of the archive there")
        entries = [_load_batch(folder / n) for n in names]
        self.data = np.vstack([e["data"] for e in entries]).reshape(-1, 3, 32, 32)
        self.data = self.data.transpose((0, 2, 3, 1))
        self.targets = [t for e in entries for t in e[self.labels_key]]
        self.classes = _load_batch(folder / self.meta["filename"])[self.meta["key"]]
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def __getitem__(self, index):
        from PIL import Image
        return self._transformed(Image.fromarray(self.data[index]), self.targets[index])

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class CIFAR100(CIFAR10):
    """CIFAR-100 (fine labels) from ``root/cifar-100-python``."""
    base_folder = "cifar-100-python"
    train_list = ["train"]
    test_list = ["test"]
    meta = {"filename": "meta", "key": "fine_label_names"}
    labels_key = "fine_labels"
