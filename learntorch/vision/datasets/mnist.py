"""The MNIST family from their IDX files (``root/<Name>/raw``, gzipped or not): MNIST,
FashionMNIST, KMNIST, EMNIST and QMNIST, laid out and labelled as torchvision's."""
import gzip
import lzma
import string
from pathlib import Path

import numpy as np

import learntorch

from .utils import verify_str_arg
from .vision import VisionDataset

__all__ = ["MNIST", "FashionMNIST", "KMNIST", "EMNIST", "QMNIST", "read_sn3_pascalvincent_tensor",
           "read_image_file", "read_label_file"]

# IDX ("SN3 Pascal Vincent") element types, stored big-endian
_IDX_TYPES = {8: np.uint8, 9: np.int8, 11: np.dtype(">i2"), 12: np.dtype(">i4"),
              13: np.dtype(">f4"), 14: np.dtype(">f8")}
_OPENERS = {".gz": gzip.open, ".xz": lzma.open}


def _read_idx(path):
    """An IDX file as a native-endian array (MNIST's format: magic, dims, big-endian data)."""
    path = Path(path)
    try:
        with _OPENERS.get(path.suffix, open)(path, "rb") as f:
            raw = f.read()
        magic = int.from_bytes(raw[0:4], "big")
        ndim, kind = magic % 256, magic // 256
        if kind not in _IDX_TYPES or not 1 <= ndim <= 3:
            raise ValueError(f"magic number {magic:#x} is not an IDX file's")
        shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
        data = np.frombuffer(raw, dtype=_IDX_TYPES[kind], offset=4 + 4 * ndim)
        return data.reshape(shape).astype(data.dtype.newbyteorder("="))
    except (OSError, ValueError, EOFError) as e:
        raise RuntimeError(f"Dataset file {path} is corrupt: {e}") from None


def read_sn3_pascalvincent_tensor(path, strict=True):
    """An IDX file as a tensor (torchvision's reader, by its name)."""
    return learntorch.from_numpy(_read_idx(path))


def read_image_file(path):
    x = read_sn3_pascalvincent_tensor(path)
    if x.dtype is not learntorch.uint8 or x.dim() != 3:
        raise RuntimeError(f"{path} holds {x.dtype} of {x.dim()} dims, not 3-d uint8 images")
    return x


def read_label_file(path):
    x = read_sn3_pascalvincent_tensor(path)
    if x.dtype is not learntorch.uint8 or x.dim() != 1:
        raise RuntimeError(f"{path} holds {x.dtype} of {x.dim()} dims, not 1-d uint8 labels")
    return x.long()


class MNIST(VisionDataset):
    """MNIST from the four IDX files in ``root/MNIST/raw`` (torchvision's layout), gzipped or not.

    Nothing is ever downloaded: without the files (even with ``download=True``) a RuntimeError
    says which files to put where.
    """

    resources = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                 "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        self.data, self.targets = self._load_data()
        if len(self.data) != len(self.targets):
            raise RuntimeError(f"Dataset files in {self.raw_folder} do not match: "
                               f"{len(self.data)} images, {len(self.targets)} labels")

    def _file_names(self):
        prefix = "train" if self.train else "t10k"
        return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"

    def _load_data(self):
        images, labels = self._file_names()
        return read_image_file(self._find(images)), read_label_file(self._find(labels))

    @property
    def raw_folder(self):
        return Path(self.root) / self.__class__.__name__ / "raw"

    @property
    def class_to_idx(self):
        return {name: i for i, name in enumerate(self.classes)}

    def _find(self, name):
        for suffix in ("", ".gz", ".xz"):
            candidate = self.raw_folder / f"{name}{suffix}"
            if candidate.exists():
                return candidate
        raise RuntimeError(f"Dataset not found: put {name} (or {name}.gz) in {self.raw_folder}. "
                           "learntorch never downloads; copy the files there, or use "
                           "learntorch.vision.datasets.Digits, which is built in.")

    def __getitem__(self, index):
        from PIL import Image
        img = Image.fromarray(self.data[index].numpy(), mode="L")
        return self._transformed(img, int(self.targets[index]))

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class FashionMNIST(MNIST):
    """Zalando's clothing images, same files and layout as MNIST under ``root/FashionMNIST/raw``."""
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]


class KMNIST(MNIST):
    """Kuzushiji-MNIST (cursive Japanese), same files and layout under ``root/KMNIST/raw``."""
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


class EMNIST(MNIST):
    """Extended MNIST: letters and digits, one of six ``split``s, files
    ``emnist-<split>-<train|test>-{images-idx3,labels-idx1}-ubyte`` in ``root/EMNIST/raw``."""

    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    _merged_classes = {"c", "i", "j", "k", "l", "m", "o", "p", "s", "u", "v", "w", "x", "y", "z"}
    _all_classes = set(string.digits + string.ascii_letters)
    classes_split_dict = {
        "byclass": sorted(_all_classes),
        "bymerge": sorted(_all_classes - _merged_classes),
        "balanced": sorted(_all_classes - _merged_classes),
        "letters": ["N/A"] + list(string.ascii_lowercase),
        "digits": list(string.digits),
        "mnist": list(string.digits),
    }

    def __init__(self, root, split, **kwargs):
        self.split = verify_str_arg(split, "split", self.splits)
        super().__init__(root, **kwargs)
        self.classes = self.classes_split_dict[self.split]

    def _file_names(self):
        prefix = f"emnist-{self.split}-{'train' if self.train else 'test'}"
        return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"


class QMNIST(MNIST):
    """QMNIST, MNIST reconstructed with each digit's full NIST record: ``targets`` is N×8
    (class, NIST writer, …); ``compat=True`` gives the class alone per item."""

    subsets = {"train": "train", "test": "test", "test10k": "test", "test50k": "test",
               "nist": "nist"}
    _files = {"train": ("qmnist-train-images-idx3-ubyte", "qmnist-train-labels-idx2-int"),
              "test": ("qmnist-test-images-idx3-ubyte", "qmnist-test-labels-idx2-int"),
              "nist": ("xnist-images-idx3-ubyte", "xnist-labels-idx2-int")}
    _slices = {"test10k": slice(0, 10000), "test50k": slice(10000, None)}

    def __init__(self, root, what=None, compat=True, train=True, **kwargs):
        if what is None:
            what = "train" if train else "test"
        self.what = verify_str_arg(what, "what", tuple(self.subsets))
        self.compat = compat
        super().__init__(root, train, **kwargs)

    def _load_data(self):
        images, labels = self._files[self.subsets[self.what]]
        data = read_sn3_pascalvincent_tensor(self._find(images))
        targets = read_sn3_pascalvincent_tensor(self._find(labels)).long()
        if data.dim() != 3 or targets.dim() != 2:
            raise RuntimeError(f"Dataset files in {self.raw_folder} hold {data.dim()}-d images "
                               f"and {targets.dim()}-d targets, not 3-d and 2-d")
        part = self._slices.get(self.what, slice(None))
        return data[part].clone(), targets[part].clone()

    def __getitem__(self, index):
        from PIL import Image
        img = Image.fromarray(self.data[index].numpy(), mode="L")
        target = self.targets[index]
        return self._transformed(img, int(target[0]) if self.compat else target)

    def extra_repr(self):
        return f"Split: {self.what}"
