"""STL-10 from its binary files (96×96 colour images, column-major on disk)."""
import numpy as np

from .utils import require_files, verify_str_arg
from .vision import VisionDataset

__all__ = ["STL10"]


class STL10(VisionDataset):
    """STL-10 from the binary files in ``root/stl10_binary`` (never downloaded).

    ``data`` is a uint8 array N×3×96×96 and ``labels`` int (-1 for the unlabeled images), as in
    torchvision; ``folds`` picks one of the ten 1,000-image training folds.
    """

    base_folder = "stl10_binary"
    class_names_file = "class_names.txt"
    folds_list_file = "fold_indices.txt"
    splits = ("train", "train+unlabeled", "unlabeled", "test")
    _files = {"train": ["train_X.bin", "train_y.bin"], "test": ["test_X.bin", "test_y.bin"],
              "unlabeled": ["unlabeled_X.bin"]}

    def __init__(self, root, split="train", folds=None, transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = verify_str_arg(split, "split", self.splits)
        self.folds = self._verify_folds(folds)
        parts = split.split("+")
        needed = [n for part in parts for n in self._files[part]]
        needed += [self.folds_list_file] if folds is not None and "train" in parts else []
        folder = require_files(f"{self.root}/{self.base_folder}", needed,
                               "unpack stl10_binary.tar.gz there")
        datas, labels = [], []
        for part in parts:
            data = self._images(folder / self._files[part][0])
            if part == "unlabeled":
                label = np.full(len(data), -1, dtype=np.int64)
            else:
                label = np.fromfile(folder / self._files[part][1], dtype=np.uint8) - 1
                if part == "train" and folds is not None:
                    data, label = self._fold(folder, data, label)
            datas.append(data)
            labels.append(label)
        self.data = datas[0] if len(datas) == 1 else np.concatenate(datas)
        self.labels = labels[0] if len(labels) == 1 else np.concatenate(labels)
        if len(self.labels) != len(self.data):
            raise RuntimeError(f"Dataset files in {folder} do not match: {len(self.data)} images, "
                               f"{len(self.labels)} labels")
        class_file = folder / self.class_names_file
        if class_file.is_file():
            self.classes = class_file.read_text().splitlines()

    @staticmethod
    def _verify_folds(folds):
        if folds is None:
            return folds
        if isinstance(folds, int):
            if folds in range(10):
                return folds
            raise ValueError(f"Value for argument folds should be in the range [0, 10), "
                             f"but got {folds}.")
        raise ValueError("Expected type None or int for argument folds, "
                         f"but got type {type(folds)}.")

    @staticmethod
    def _images(path):
        """Column-major 3×96×96 images, turned row-major as torchvision reads them."""
        everything = np.fromfile(path, dtype=np.uint8)
        if everything.size % (3 * 96 * 96):
            raise RuntimeError(f"{path} is corrupt: {everything.size} bytes is not a whole "
                               "number of 3x96x96 images")
        return everything.reshape(-1, 3, 96, 96).transpose(0, 1, 3, 2)

    def _fold(self, folder, data, labels):
        line = (folder / self.folds_list_file).read_text().splitlines()[self.folds]
        index = np.array(line.split(), dtype=np.int64)
        return data[index], labels[index]

    def __len__(self):
        return self.data.shape[0]

    def __getitem__(self, index):
        from PIL import Image
        img = Image.fromarray(np.transpose(self.data[index], (1, 2, 0)))
        return self._transformed(img, int(self.labels[index]))

    def extra_repr(self):
        return f"Split: {self.split}"
