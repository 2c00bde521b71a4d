"""Datasets that are a list of ``(image file, label)`` pairs, built from their own layout or
index file and read with a loader: Country211, RenderedSST2, DTD, Food101, Imagenette, GTSRB,
OxfordIIITPet and Caltech256."""
import csv
import json
import os
from pathlib import Path

from .folder import ImageFolder, default_loader, find_classes, make_dataset
from .utils import dataset_not_found, verify_str_arg
from .vision import VisionDataset

__all__ = ["Country211", "RenderedSST2", "DTD", "Food101", "Imagenette", "GTSRB",
           "OxfordIIITPet", "Caltech256"]


class _Listed(VisionDataset):
    """Items are ``self._samples[i]`` = ``(path, label)``, the image read by ``self.loader``."""

    loader = staticmethod(default_loader)

    def __getitem__(self, index):
        path, label = self._samples[index]
        return self._transformed(self.loader(path), label)

    def __len__(self):
        return len(self._samples)

    def extra_repr(self):
        return f"split={self._split}"


class Country211(ImageFolder):
    """``root/country211/<train|valid|test>/<country code>/*.jpg``: 211 countries."""

    def __init__(self, root, split="train", transform=None, target_transform=None,
                 download=False, loader=default_loader):
        self._split = verify_str_arg(split, "split", ("train", "valid", "test"))
        root = Path(root).expanduser()
        self._base_folder = root / "country211"
        if not self._base_folder.is_dir():
            raise dataset_not_found(f"{self._base_folder} should hold the unpacked country211.tgz")
        super().__init__(str(self._base_folder / self._split), transform=transform,
                         target_transform=target_transform, loader=loader)
        self.root = str(root)


class RenderedSST2(_Listed):
    """Sentences rendered as images: ``root/rendered-sst2/<train|valid|test>/<negative|positive>``."""

    def __init__(self, root, split="train", transform=None, target_transform=None,
                 download=False, loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ("train", "val", "test"))
        self._split_to_folder = {"train": "train", "val": "valid", "test": "test"}
        self._base_folder = Path(self.root) / "rendered-sst2"
        self.classes = ["negative", "positive"]
        self.class_to_idx = {"negative": 0, "positive": 1}
        folder = self._base_folder / self._split_to_folder[self._split]
        if not all((folder / c).is_dir() for c in self.classes):
            raise dataset_not_found(f"{folder} should hold the folders negative/ and positive/")
        self._samples = make_dataset(str(folder), extensions=("png",))
        self.loader = loader


class DTD(_Listed):
    """Describable Textures: ``root/dtd/dtd/images/<class>/…`` listed by
    ``labels/<split><partition>.txt``."""

    def __init__(self, root, split="train", partition=1, transform=None, target_transform=None,
                 download=False, loader=default_loader):
        self._split = verify_str_arg(split, "split", ("train", "val", "test"))
        if not isinstance(partition, int) and not (1 <= partition <= 10):  # torchvision's test
            raise ValueError("Parameter 'partition' should be an integer with `1 <= partition <= "
                             f"10`, but got {partition} instead")
        self._partition = partition
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._base_folder = Path(self.root) / type(self).__name__.lower()
        self._data_folder = self._base_folder / "dtd"
        if not self._data_folder.is_dir():
            raise dataset_not_found(f"{self._data_folder} should hold "
                                    "the unpacked dtd-r1.0.1.tar.gz")
        with open(self._data_folder / "labels" / f"{split}{partition}.txt") as f:
            names = [line.strip().split("/") for line in f]
        self.classes = sorted({cls for cls, _ in names})
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}
        images = self._data_folder / "images"
        self._samples = [(images / cls / name, self.class_to_idx[cls]) for cls, name in names]
        self.loader = loader

    def extra_repr(self):
        return f"split={self._split}, partition={self._partition}"


class Food101(_Listed):
    """``root/food-101/images/<class>/<id>.jpg`` listed by ``meta/<split>.json``."""

    def __init__(self, root, split="train", transform=None, target_transform=None,
                 download=False, loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ("train", "test"))
        self._base_folder = Path(self.root) / "food-101"
        meta, images = self._base_folder / "meta", self._base_folder / "images"
        if not (meta.is_dir() and images.is_dir()):
            raise dataset_not_found(f"{self._base_folder} should hold "
                                    "meta/ and images/ (the unpacked food-101.tar.gz)")
        with open(meta / f"{split}.json") as f:
            listing = json.load(f)
        self.classes = sorted(listing)
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}
        self._samples = [(images.joinpath(*f"{rel}.jpg".split("/")), self.class_to_idx[cls])
                         for cls, rels in listing.items() for rel in rels]
        self.loader = loader


class Imagenette(_Listed):
    """Ten easy ImageNet classes: ``root/imagenette2[-320|-160]/<train|val>/<wnid>/*.JPEG``."""

    _FOLDERS = {"full": "imagenette2", "320px": "imagenette2-320", "160px": "imagenette2-160"}
    _WNID_TO_CLASS = {
        "n01440764": ("tench", "Tinca tinca"),
        "n02102040": ("English springer", "English springer spaniel"),
        "n02979186": ("cassette player",),
        "n03000684": ("chain saw", "chainsaw"),
        "n03028079": ("church", "church building"),
        "n03394916": ("French horn", "horn"),
        "n03417042": ("garbage truck", "dustcart"),
        "n03425413": ("gas pump", "gasoline pump", "petrol pump", "island dispenser"),
        "n03445777": ("golf ball",),
        "n03888257": ("parachute", "chute"),
    }

    def __init__(self, root, split="train", size="full", download=False, transform=None,
                 target_transform=None, loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ["train", "val"])
        self._size = verify_str_arg(size, "size", ["full", "320px", "160px"])
        self._size_root = Path(self.root) / self._FOLDERS[self._size]
        if not self._size_root.exists():
            raise dataset_not_found(f"{self._size_root} should hold "
                                    f"the unpacked {self._size_root.name}.tgz")
        image_root = str(self._size_root / self._split)
        self.wnids, self.wnid_to_idx = find_classes(image_root)
        self.classes = [self._WNID_TO_CLASS[wnid] for wnid in self.wnids]
        self.class_to_idx = {name: i for wnid, i in self.wnid_to_idx.items()
                             for name in self._WNID_TO_CLASS[wnid]}
        self._samples = make_dataset(image_root, self.wnid_to_idx, extensions=".jpeg")
        self.loader = loader

    def extra_repr(self):
        return ""


class GTSRB(_Listed):
    """German traffic signs: ``root/gtsrb/GTSRB/Training/<class>/*.ppm``; the test images are
    labelled by ``root/gtsrb/GT-final_test.csv``."""

    def __init__(self, root, split="train", transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ("train", "test"))
        self._base_folder = Path(root) / "gtsrb"
        self._target_folder = self._base_folder / "GTSRB" / (
            "Training" if self._split == "train" else "Final_Test/Images")
        if not self._target_folder.is_dir():
            raise dataset_not_found(f"{self._target_folder} should hold "
                                    "the unpacked GTSRB archives")
        if self._split == "train":
            self._samples = make_dataset(str(self._target_folder), extensions=(".ppm",))
        else:
            with open(self._base_folder / "GT-final_test.csv") as f:
                rows = csv.DictReader(f, delimiter=";", skipinitialspace=True)
                self._samples = [(str(self._target_folder / row["Filename"]), int(row["ClassId"]))
                                 for row in rows]

    def extra_repr(self):
        return ""


class OxfordIIITPet(VisionDataset):
    """37 cat and dog breeds: ``root/oxford-iiit-pet/{images,annotations}``; targets are any of
    "category", "binary-category" (cat/dog) and "segmentation" (the trimap image)."""

    _VALID_TARGET_TYPES = ("category", "binary-category", "segmentation")

    def __init__(self, root, split="trainval", target_types="category", transforms=None,
                 transform=None, target_transform=None, download=False):
        self._split = verify_str_arg(split, "split", ("trainval", "test"))
        if isinstance(target_types, str):
            target_types = [target_types]
        self._target_types = [verify_str_arg(t, "target_types", self._VALID_TARGET_TYPES)
                              for t in target_types]
        super().__init__(root, transforms=transforms, transform=transform,
                         target_transform=target_transform)
        base = Path(self.root) / "oxford-iiit-pet"
        images, annotations = base / "images", base / "annotations"
        if not (images.is_dir() and annotations.is_dir()):
            raise dataset_not_found(f"{base} should hold images/ and annotations/")
        with open(annotations / f"{self._split}.txt") as f:
            rows = [line.strip().split() for line in f]
        ids = [row[0] for row in rows]
        self._labels = [int(row[1]) - 1 for row in rows]
        self._bin_labels = [int(row[2]) - 1 for row in rows]
        breeds = sorted({(i.rsplit("_", 1)[0], label) for i, label in zip(ids, self._labels)},
                        key=lambda breed_and_label: breed_and_label[1])
        self.bin_classes = ["Cat", "Dog"]
        self.classes = [" ".join(part.title() for part in name.split("_")) for name, _ in breeds]
        self.bin_class_to_idx = dict(zip(self.bin_classes, range(2)))
        self.class_to_idx = dict(zip(self.classes, range(len(self.classes))))
        self._images = [images / f"{i}.jpg" for i in ids]
        self._segs = [annotations / "trimaps" / f"{i}.png" for i in ids]

    def __len__(self):
        return len(self._images)

    def __getitem__(self, index):
        from PIL import Image
        image = Image.open(self._images[index]).convert("RGB")
        chosen = {"category": lambda: self._labels[index],
                  "binary-category": lambda: self._bin_labels[index],
                  "segmentation": lambda: Image.open(self._segs[index])}
        target = [chosen[t]() for t in self._target_types]
        target = None if not target else target[0] if len(target) == 1 else tuple(target)
        if self.transforms:
            image, target = self.transforms(image, target)
        return image, target


class Caltech256(_Listed):
    """``root/caltech256/256_ObjectCategories/<nnn.name>/<nnn>_<iiii>.jpg``."""

    def __init__(self, root, transform=None, target_transform=None, download=False):
        super().__init__(os.path.join(root, "caltech256"), transform=transform,
                         target_transform=target_transform)
        folder = Path(self.root) / "256_ObjectCategories"
        if not folder.exists():
            raise dataset_not_found(f"{folder} should hold the unpacked 256_ObjectCategories.tar")
        self.categories = sorted(os.listdir(folder))
        self.index, self.y = [], []
        for i, category in enumerate(self.categories):
            n = sum(name.endswith(".jpg") for name in os.listdir(folder / category))
            self.index.extend(range(1, n + 1))
            self.y.extend([i] * n)
        self._samples = [(folder / self.categories[y] / f"{y + 1:03d}_{i:04d}.jpg", y)
                         for i, y in zip(self.index, self.y)]

    def loader(self, path):
        from PIL import Image
        return Image.open(path)   # as torchvision: the file's own mode, not converted

    def extra_repr(self):
        return ""
