"""Datasets read from local files only (no downloads).  ``Digits`` is embedded in the package.

Items are ``(PIL image, int label)`` like torchvision's, after ``transform`` /
``target_transform``; ``.data`` (uint8 tensor N×H×W) and ``.targets`` (int64) hold them all.
"""
import gzip
import json
import os
import pickle
from importlib import resources
from pathlib import Path

import numpy as np

from ..utils.data import Dataset

__all__ = ["VisionDataset", "Digits", "MNIST", "FashionMNIST", "KMNIST", "DatasetFolder",
           "ImageFolder", "FakeData", "CIFAR10", "CIFAR100", "STL10", "CocoDetection",
           "CocoCaptions"]


class VisionDataset(Dataset):
    """Images in ``data``, labels in ``targets``; each item goes through the transforms."""

    def __init__(self, root=None, transform=None, target_transform=None):
        self.root = root
        self.transform, self.target_transform = transform, target_transform

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        from PIL import Image
        img = Image.fromarray(self.data[index].numpy(), mode="L")
        target = int(self.targets[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __repr__(self):
        lines = [f"Dataset {self.__class__.__name__}", f"    Number of datapoints: {len(self)}"]
        if self.root is not None:
            lines.append(f"    Root location: {self.root}")
        lines += [f"    {line}" for line in self.extra_repr().splitlines()]
        if self.transform is not None:
            lines.append(f"    Transform: {self.transform!r}")
        if self.target_transform is not None:
            lines.append(f"    Target transform: {self.target_transform!r}")
        return "\n".join(lines)

    def extra_repr(self):
        return ""


def _bilinear_matrix(n_in, n_out):
    """(n_out, n_in) weights of bilinear resampling, align_corners=False (F.interpolate's)."""
    src = np.maximum((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0)
    lo = np.minimum(np.floor(src).astype(int), n_in - 1)
    hi = np.minimum(lo + 1, n_in - 1)
    frac = src - lo
    weights = np.zeros((n_out, n_in))
    np.add.at(weights, (np.arange(n_out), lo), 1 - frac)
    np.add.at(weights, (np.arange(n_out), hi), frac)
    return weights


def _digits_28(images):
    """8×8 → 24×24 bilinear, then a 2-pixel black border: 28×28, the digit centred as in MNIST."""
    w = _bilinear_matrix(8, 24)
    big = np.einsum("ij,njk,lk->nil", w, images.astype(np.float64), w)
    big = np.clip(np.round(big), 0, 255).astype(np.uint8)
    return np.pad(big, ((0, 0), (2, 2), (2, 2)))


class Digits(VisionDataset):
    """The 1,797 8×8 handwritten digits scikit-learn ships (UCI optdigits test set, BSD-3),
    embedded in the package (``vision/data/digits.npz``), so no network is ever needed.

    Pixels are the original 0..16 counts scaled to 0..255 (``round(v * 255 / 16)``).
    ``train=True`` gives the fixed training split (1,438 images), ``train=False`` the test split
    (359): within each class a seeded permutation (``numpy.random.default_rng(20)``) put 20 %
    (rounded) in the test set; the split is stored in the file, so it never changes.
    ``size=28`` upsamples each image bilinearly to 24×24 and pads 2 black pixels a side, a
    28×28 MNIST-like view for LeNet.
    """

    def __init__(self, root=None, train=True, transform=None, target_transform=None, size=8,
                 download=False):
        super().__init__(root, transform, target_transform)
        if size not in (8, 28):
            raise ValueError(f"Digits size must be 8 or 28, but got {size}")
        import learntorch
        with resources.files(__package__).joinpath("data/digits.npz").open("rb") as f:
            stored = np.load(f, allow_pickle=False)
            keep = stored["train"] == train
            images, labels = stored["images"][keep], stored["labels"][keep]
        if size == 28:
            images = _digits_28(images)
        self.train, self.size = train, size
        self.data = learntorch.from_numpy(np.ascontiguousarray(images))
        self.targets = learntorch.from_numpy(labels.astype(np.int64))
        self.classes = [str(d) for d in range(10)]

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


def _read_idx(path):
    """An IDX file (MNIST's format: magic, dims, big-endian uint8 data), gzipped or not."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
        magic = int.from_bytes(raw[0:4], "big")
        ndim, kind = magic % 256, magic // 256
        if kind != 8 or not 1 <= ndim <= 3:
            raise ValueError(f"magic number {magic:#x} is not an uint8 IDX file")
        shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
        data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
        return data.reshape(shape)
    except (OSError, ValueError, EOFError) as e:
        raise RuntimeError(f"Dataset file {path} is corrupt: {e}") from None


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
        if isinstance(root, str):
            root = Path(root).expanduser()
        super().__init__(root, transform, target_transform)
        self.train = train
        import learntorch
        prefix = "train" if train else "t10k"
        images = _read_idx(self._find(f"{prefix}-images-idx3-ubyte"))
        labels = _read_idx(self._find(f"{prefix}-labels-idx1-ubyte"))
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise RuntimeError(f"Dataset files in {self.raw_folder} do not match: "
                               f"images {images.shape}, labels {labels.shape}")
        self.data = learntorch.from_numpy(images.copy())
        self.targets = learntorch.from_numpy(labels.astype(np.int64))

    @property
    def raw_folder(self):
        return Path(self.root) / self.__class__.__name__ / "raw"

    def _find(self, name):
        for candidate in (self.raw_folder / name, self.raw_folder / f"{name}.gz"):
            if candidate.exists():
                return candidate
        raise RuntimeError(f"Dataset not found: put {name} (or {name}.gz) in {self.raw_folder}. "
                           "learntorch never downloads; copy the files there, or use "
                           "learntorch.vision.datasets.Digits, which is built in.")

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class FashionMNIST(MNIST):
    """Zalando's clothing images, same files and layout as MNIST under ``root/FashionMNIST/raw``."""
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]


class KMNIST(MNIST):
    """Kuzushiji-MNIST (cursive Japanese), same files and layout under ``root/KMNIST/raw``."""
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


def pil_loader(path):
    from PIL import Image
    with open(path, "rb") as f:
        return Image.open(f).convert("RGB")


class DatasetFolder(VisionDataset):
    """Samples in ``root/<class>/**/<file>``: classes are the sorted folder names, files are
    walked in sorted order and kept when ``is_valid_file`` (or their extension) allows."""

    def __init__(self, root, loader, extensions=None, transform=None, target_transform=None,
                 is_valid_file=None, allow_empty=False):
        super().__init__(str(root), transform, target_transform)
        if (extensions is None) == (is_valid_file is None):
            raise ValueError("Both extensions and is_valid_file cannot be None or not None at "
                             "the same time")
        if is_valid_file is None:
            def is_valid_file(path):
                return path.lower().endswith(tuple(extensions))
        self.classes, self.class_to_idx = self.find_classes(self.root)
        self.samples = self._make_dataset(is_valid_file, extensions, allow_empty)
        self.loader, self.extensions = loader, extensions
        self.targets = [s[1] for s in self.samples]
        self.imgs = self.samples

    @staticmethod
    def find_classes(directory):
        import os
        classes = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
        if not classes:
            raise FileNotFoundError(f"Couldn't find any class folder in {directory}.")
        return classes, {name: i for i, name in enumerate(classes)}

    def _make_dataset(self, is_valid_file, extensions, allow_empty):
        import os
        instances, found = [], set()
        for target_class in sorted(self.class_to_idx):
            target_dir = os.path.join(self.root, target_class)
            for root, _, fnames in sorted(os.walk(target_dir, followlinks=True)):
                for fname in sorted(fnames):
                    path = os.path.join(root, fname)
                    if is_valid_file(path):
                        instances.append((path, self.class_to_idx[target_class]))
                        found.add(target_class)
        empty = set(self.class_to_idx) - found
        if empty and not allow_empty:
            msg = f"Found no valid file for the classes {', '.join(sorted(empty))}. "
            if extensions is not None:
                msg += ("Supported extensions are: "
                        f"{extensions if isinstance(extensions, str) else ', '.join(extensions)}")
            raise FileNotFoundError(msg)
        return instances

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        path, target = self.samples[index]
        sample = self.loader(path)
        if self.transform is not None:
            sample = self.transform(sample)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return sample, target


class ImageFolder(DatasetFolder):
    """Images in ``root/<class>/…`` loaded with PIL as RGB."""

    def __init__(self, root, transform=None, target_transform=None, loader=pil_loader,
                 is_valid_file=None, allow_empty=False):
        super().__init__(root, loader, IMG_EXTENSIONS if is_valid_file is None else None,
                         transform, target_transform, is_valid_file, allow_empty)


class FakeData(VisionDataset):
    """Random images: item ``i`` is drawn after ``manual_seed(i + random_offset)`` (the global
    generator's state is restored afterwards), so items are torchvision's, pixel for pixel."""

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None,
                 target_transform=None, random_offset=0):
        super().__init__(None, transform, target_transform)
        self.size, self.num_classes = size, num_classes
        self.image_size, self.random_offset = image_size, random_offset

    def __len__(self):
        return self.size

    def __getitem__(self, index):
        import learntorch
        from .transforms import ToPILImage
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        rng_state = learntorch.get_rng_state()
        learntorch.manual_seed(index + self.random_offset)
        img = learntorch.randn(*self.image_size)
        target = learntorch.randint(0, self.num_classes, size=(1,), dtype=learntorch.long)[0]
        learntorch.set_rng_state(rng_state)
        img = ToPILImage()(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target.item()


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
        super().__init__(str(root), transform, target_transform)
        self.train = train
        folder = Path(root).expanduser() / self.base_folder
        names = self.train_list if train else self.test_list
        missing = [n for n in names + [self.meta["filename"]] if not (folder / n).exists()]
        if missing:
            raise RuntimeError(f"Dataset not found: put {', '.join(missing)} in {folder} "
                               "(unpack the python version of the archive there). learntorch "
                               "never downloads.")
        entries = [_load_batch(folder / n) for n in names]
        self.data = np.vstack([e["data"] for e in entries]).reshape(-1, 3, 32, 32)
        self.data = self.data.transpose((0, 2, 3, 1))
        self.targets = [t for e in entries for t in e[self.labels_key]]
        self.classes = _load_batch(folder / self.meta["filename"])[self.meta["key"]]
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def __getitem__(self, index):
        from PIL import Image
        img, target = Image.fromarray(self.data[index]), self.targets[index]
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class CIFAR100(CIFAR10):
    """CIFAR-100 (fine labels) from ``root/cifar-100-python``."""
    base_folder = "cifar-100-python"
    train_list = ["train"]
    test_list = ["test"]
    meta = {"filename": "meta", "key": "fine_label_names"}
    labels_key = "fine_labels"


def _verify_str_arg(value, arg, valid_values):
    if value not in valid_values:
        choices = "'" + "', '".join(valid_values) + "'"
        raise ValueError(f"Unknown value '{value}' for argument {arg}. "
                         f"Valid values are {{{choices}}}.")
    return value


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
        super().__init__(str(root), transform, target_transform)
        self.split = _verify_str_arg(split, "split", self.splits)
        self.folds = self._verify_folds(folds)
        folder = Path(root).expanduser() / self.base_folder
        parts = split.split("+")
        needed = [n for part in parts for n in self._files[part]]
        needed += [self.folds_list_file] if folds is not None and "train" in parts else []
        missing = [n for n in needed if not (folder / n).exists()]
        if missing:
            raise RuntimeError(f"Dataset not found: put {', '.join(missing)} in {folder} "
                               "(unpack stl10_binary.tar.gz there). learntorch never downloads.")
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
        target = int(self.labels[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def extra_repr(self):
        return f"Split: {self.split}"


class CocoDetection(VisionDataset):
    """COCO: the images under ``root`` listed in the JSON ``annFile``, each with the list of its
    annotation dicts (in file order), as torchvision's, which reads the same index through
    pycocotools; learntorch reads the JSON itself, so pycocotools is not needed."""

    def __init__(self, root, annFile, transform=None, target_transform=None, transforms=None):
        if transforms is not None and (transform is not None or target_transform is not None):
            raise ValueError("Only transforms or transform/target_transform can be passed as "
                             "argument")
        super().__init__(root, transform, target_transform)
        self.transforms = transforms
        if not os.path.isfile(annFile):
            raise RuntimeError(f"Annotation file not found: {annFile}. learntorch never downloads.")
        with open(annFile) as f:
            dataset = json.load(f)
        self.imgs = {img["id"]: img for img in dataset.get("images", [])}
        self.img_to_anns = {}
        for ann in dataset.get("annotations", []):
            self.img_to_anns.setdefault(ann["image_id"], []).append(ann)
        self.ids = sorted(self.imgs)

    def _load_image(self, id):
        from PIL import Image
        return Image.open(os.path.join(self.root, self.imgs[id]["file_name"])).convert("RGB")

    def _load_target(self, id):
        return list(self.img_to_anns.get(id, []))

    def __getitem__(self, index):
        if not isinstance(index, int):
            raise ValueError(f"Index must be of type integer, got {type(index)} instead.")
        id = self.ids[index]
        image, target = self._load_image(id), self._load_target(id)
        if self.transforms is not None:
            return self.transforms(image, target)
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def __len__(self):
        return len(self.ids)


class CocoCaptions(CocoDetection):
    """COCO captions: each image with the list of its caption strings."""

    def _load_target(self, id):
        return [ann["caption"] for ann in super()._load_target(id)]
