"""learntorch.vision against torchvision 0.28 (imported through torchvision_oracle.py).

Transforms run on the same fixed PIL images and tensors in both libraries, random ones after the
same seed; make_grid on the same batches; datasets on files the tests write themselves.
"""
import gzip
import io

import numpy as np
import pytest
import torch
from PIL import Image

import learntorch as lt
import learntorch.vision as ltv
from learntorch.utils.data import DataLoader
from torchvision_oracle import import_torchvision

tv = import_torchvision()
import torchvision.transforms as T  # noqa: E402
import torchvision.utils  # noqa: E402

RNG = np.random.default_rng(0)
GRAY = Image.fromarray(RNG.integers(0, 256, (13, 10), dtype=np.uint8))
RGB = Image.fromarray(RNG.integers(0, 256, (9, 12, 3), dtype=np.uint8))
TENSOR = RNG.random((3, 11, 14), dtype=np.float32)


def as_array(img):
    if isinstance(img, Image.Image):
        return ("PIL", img.mode, np.asarray(img))
    return ("tensor", str(img.dtype).split(".")[-1], img.numpy())


def assert_same_images(a, b, atol=0.0):
    (ka, ma, va), (kb, mb, vb) = as_array(a), as_array(b)
    assert (ka, ma, va.shape) == (kb, mb, vb.shape)
    np.testing.assert_allclose(va.astype(np.float64), vb.astype(np.float64), atol=atol, rtol=0)


def run(build, img, seed=0, repeats=1, atol=0.0):
    """``build(T)`` → a transform, for each library; applied ``repeats`` times after one seed."""
    outs = []
    for lib, module in ((lt, ltv.transforms), (torch, T)):
        lib.manual_seed(seed)
        transform = build(module)
        source = lib.from_numpy(img.copy()) if isinstance(img, np.ndarray) else img
        outs.append([transform(source) for _ in range(repeats)])
    for a, b in zip(*outs):
        assert_same_images(a, b, atol)


DETERMINISTIC = {
    "ToTensor": lambda T: T.ToTensor(),
    "PILToTensor": lambda T: T.PILToTensor(),
    "ToTensor+Normalize": lambda T: T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.25,))]),
    "CenterCrop smaller": lambda T: T.CenterCrop(5),
    "CenterCrop larger": lambda T: T.CenterCrop((15, 20)),
    "CenterCrop odd": lambda T: T.CenterCrop((4, 7)),
    "Pad int": lambda T: T.Pad(2, fill=7),
    "Pad lr-tb": lambda T: T.Pad((1, 3)),
    "Pad 4 reflect": lambda T: T.Pad((1, 2, 3, 0), padding_mode="reflect"),
    "Pad edge": lambda T: T.Pad(2, padding_mode="edge"),
    "Pad symmetric": lambda T: T.Pad(2, padding_mode="symmetric"),
    "Resize short side": lambda T: T.Resize(6),
    "Resize hw nearest": lambda T: T.Resize((20, 7), interpolation=T.InterpolationMode.NEAREST),
    "Lambda": lambda T: T.Lambda(lambda im: im),
    "Grayscale": lambda T: T.Grayscale(),
    "Grayscale 3": lambda T: T.Grayscale(3),
    "ConvertImageDtype": lambda T: T.Compose([T.PILToTensor(), T.ConvertImageDtype(torch_or_lt(
        T).float32)]),
    "ToTensor then ToPILImage": lambda T: T.Compose([T.ToTensor(), T.ToPILImage()]),
}


@pytest.mark.parametrize("img", [GRAY, RGB], ids=["gray", "rgb"])
@pytest.mark.parametrize("name", list(DETERMINISTIC))
def test_deterministic_transforms_on_pil(name, img):
    run(DETERMINISTIC[name], img)


TENSOR_CASES = {
    "Normalize": lambda T: T.Normalize((0.1, 0.2, 0.3), (0.5, 0.25, 2.0)),
    "CenterCrop": lambda T: T.CenterCrop((6, 9)),
    "CenterCrop larger": lambda T: T.CenterCrop(16),
    "Pad": lambda T: T.Pad((1, 2, 3, 4), fill=0.5),
    "Pad reflect": lambda T: T.Pad(3, padding_mode="reflect"),
    "Resize nearest": lambda T: T.Resize((5, 20), interpolation=T.InterpolationMode.NEAREST),
    "Resize bilinear no antialias": lambda T: T.Resize((22, 7), antialias=False),
    "ToPILImage": lambda T: T.ToPILImage(),
}


@pytest.mark.parametrize("name", list(TENSOR_CASES))
def test_transforms_on_tensors(name):
    run(TENSOR_CASES[name], TENSOR, atol=1e-6)


def torch_or_lt(transforms_module):
    return lt if transforms_module is ltv.transforms else torch


RANDOM = {
    "RandomCrop": lambda T: T.RandomCrop(6),
    "RandomCrop padding": lambda T: T.RandomCrop((9, 9), padding=2, fill=3),
    "RandomCrop pad_if_needed": lambda T: T.RandomCrop((15, 15), pad_if_needed=True,
                                                       padding_mode="edge"),
    "RandomHorizontalFlip": lambda T: T.RandomHorizontalFlip(),
    "RandomVerticalFlip": lambda T: T.RandomVerticalFlip(0.3),
    "RandomRotation": lambda T: T.RandomRotation(30),
    "RandomRotation bilinear expand": lambda T: T.RandomRotation(
        (-10, 80), interpolation=T.InterpolationMode.BILINEAR, expand=True, fill=9),
    "RandomApply": lambda T: T.RandomApply([T.Pad(1), T.CenterCrop(8)], p=0.4),
    "RandomResizedCrop": lambda T: T.RandomResizedCrop(7),
    "RandomResizedCrop narrow": lambda T: T.RandomResizedCrop((5, 9), scale=(0.5, 0.9),
                                                              ratio=(0.2, 0.3)),
    "RandomGrayscale": lambda T: T.RandomGrayscale(0.5),
    "augmentation pipeline": lambda T: T.Compose([
        T.RandomCrop(8, padding=1), T.RandomHorizontalFlip(), T.RandomRotation(15),
        T.ToTensor(), T.Normalize((0.5,), (0.5,))]),
}


@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("img", [GRAY, RGB], ids=["gray", "rgb"])
@pytest.mark.parametrize("name", list(RANDOM))
def test_seeded_random_transforms_match_torchvision(name, img, seed):
    run(RANDOM[name], img, seed=seed, repeats=6, atol=1e-6)


TENSOR_RANDOM = {
    **{name: RANDOM[name] for name in ["RandomCrop", "RandomCrop padding",
                                       "RandomHorizontalFlip", "RandomVerticalFlip",
                                       "RandomApply"]},
    "RandomErasing": lambda T: T.RandomErasing(p=0.7),
    "RandomErasing random": lambda T: T.RandomErasing(p=0.9, value="random", scale=(0.1, 0.5)),
    "RandomErasing per channel": lambda T: T.RandomErasing(p=1.0, value=(0.1, 0.2, 0.3)),
}


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("name", list(TENSOR_RANDOM))
def test_seeded_random_transforms_on_tensors(name, seed):
    run(TENSOR_RANDOM[name], TENSOR, seed=seed, repeats=6)


def test_random_choice_draws_from_pythons_random():
    import random
    outs = []
    for module in (ltv.transforms, T):
        random.seed(5)
        choice = module.RandomChoice([module.Pad(1), module.CenterCrop(4), module.Pad(3)],
                                     p=[0.2, 0.5, 0.3])
        outs.append([np.asarray(choice(GRAY)).shape for _ in range(8)])
    assert outs[0] == outs[1] and len(set(outs[0])) > 1


def test_transform_errors():
    for module in (ltv.transforms, T):
        with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"):
            module.ToTensor()([1, 2])
        with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
            module.Normalize((0.5,), (0.5,))(module.PILToTensor()(GRAY))
        with pytest.raises(ValueError, match="Required crop size"):
            module.RandomCrop(20)(GRAY)


# -- make_grid and save_image -----------------------------------------------------------------
GRID_CASES = {
    "defaults": {},
    "nrow 3, padding 1": {"nrow": 3, "padding": 1},
    "pad_value": {"padding": 3, "pad_value": 0.7},
    "normalize": {"normalize": True},
    "value_range": {"normalize": True, "value_range": (0.2, 0.6)},
    "scale_each": {"normalize": True, "scale_each": True, "nrow": 2},
}


@pytest.mark.parametrize("shape", [(7, 1, 5, 6), (5, 3, 4, 4), (1, 1, 3, 3), (2, 5, 5)])
@pytest.mark.parametrize("case", list(GRID_CASES))
def test_make_grid_matches_torchvision(case, shape):
    batch = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    ours = ltv.utils.make_grid(lt.from_numpy(batch.copy()), **GRID_CASES[case])
    theirs = torchvision.utils.make_grid(torch.from_numpy(batch.copy()), **GRID_CASES[case])
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-6)


def test_make_grid_of_a_list_and_save_image_png():
    images = [lt.rand(1, 4, 4) for _ in range(3)]
    grid = ltv.utils.make_grid(images, nrow=2)
    expected = torchvision.utils.make_grid([torch.from_numpy(i.numpy()) for i in images], nrow=2)
    np.testing.assert_array_equal(grid.numpy(), expected.numpy())
    ours, theirs = io.BytesIO(), io.BytesIO()
    ltv.utils.save_image(images, ours, format="png", nrow=2)
    torchvision.utils.save_image([torch.from_numpy(i.numpy()) for i in images], theirs,
                                 format="png", nrow=2)
    np.testing.assert_array_equal(np.asarray(Image.open(ours)), np.asarray(Image.open(theirs)))


# -- datasets -----------------------------------------------------------------------------------
def test_digits_split_is_fixed_stratified_and_complete():
    train, test = ltv.datasets.Digits(), ltv.datasets.Digits(train=False)
    assert (len(train), len(test)) == (1438, 359)
    assert train.data.dtype == lt.uint8 and tuple(train.data.shape[1:]) == (8, 8)
    assert train.targets.dtype == lt.int64
    counts = np.bincount(test.targets.numpy(), minlength=10)
    assert counts.min() >= 35 and counts.max() <= 37
    both = np.concatenate([train.data.numpy(), test.data.numpy()]).reshape(1797, -1)
    assert len(np.unique(both, axis=0)) > 1700  # two disjoint parts of the same 1,797 images
    img, label = train[0]
    assert isinstance(img, Image.Image) and img.size == (8, 8) and label == 0
    assert int(train.data.max()) == 255


def test_digits_28_view_transforms_and_a_loader():
    ds = ltv.datasets.Digits(size=28, transform=ltv.transforms.ToTensor(),
                             target_transform=lambda y: y + 100)
    x, y = ds[3]
    assert tuple(x.shape) == (1, 28, 28) and x.dtype == lt.float32 and y >= 100
    assert float(x[:, :2].abs().sum()) == 0 and float(x[:, :, -2:].abs().sum()) == 0
    small = ltv.datasets.Digits(transform=ltv.transforms.ToTensor())[3][0]
    # the 28x28 view is the 8x8 image upsampled: averaging 3x3 blocks comes back close to it
    blocks = x[0, 2:26, 2:26].numpy().reshape(8, 3, 8, 3).mean(axis=(1, 3))
    assert np.abs(blocks - small[0].numpy()).mean() < 0.08
    xb, yb = next(iter(DataLoader(ds, batch_size=16, shuffle=True)))
    assert tuple(xb.shape) == (16, 1, 28, 28) and tuple(yb.shape) == (16,)


def write_idx(path, array, compress):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(
        int(s).to_bytes(4, "big") for s in array.shape)
    data = header + array.astype(np.uint8).tobytes()
    with (gzip.open if compress else open)(path, "wb") as f:
        f.write(data)


@pytest.mark.parametrize("cls", ["MNIST", "FashionMNIST", "KMNIST"])
@pytest.mark.parametrize("compress", [False, True])
def test_mnist_style_idx_files_match_torchvision(tmp_path, cls, compress):
    raw = tmp_path / cls / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(2)
    for prefix, n in (("train", 6), ("t10k", 4)):
        suffix = ".gz" if compress else ""
        write_idx(raw / f"{prefix}-images-idx3-ubyte{suffix}",
                  rng.integers(0, 256, (n, 28, 28)), compress)
        write_idx(raw / f"{prefix}-labels-idx1-ubyte{suffix}", rng.integers(0, 10, n), compress)
    for train in (True, False):
        ours = getattr(ltv.datasets, cls)(str(tmp_path), train=train)
        if not compress:  # torchvision reads the uncompressed files
            theirs = getattr(tv.datasets, cls)(str(tmp_path), train=train)
            np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
            np.testing.assert_array_equal(ours.targets.numpy(), theirs.targets.numpy())
            assert ours.classes == theirs.classes
            (a, la), (b, lb) = ours[1], theirs[1]
            assert la == lb and np.array_equal(np.asarray(a), np.asarray(b))
        assert len(ours) == (6 if train else 4)


def test_missing_or_corrupt_files_raise_runtime_error(tmp_path):
    with pytest.raises(RuntimeError, match=r"put train-images-idx3-ubyte .* in .*MNIST/raw"):
        ltv.datasets.MNIST(str(tmp_path), download=True)
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "train-images-idx3-ubyte").write_bytes(b"not an idx file")
    with pytest.raises(RuntimeError, match="train-images-idx3-ubyte is corrupt"):
        ltv.datasets.MNIST(str(tmp_path))


def test_image_folder_matches_torchvision(tmp_path):
    rng = np.random.default_rng(3)
    for cls, names in {"cat": ["b.png", "a.png", "notes.txt"], "dog": ["x/z.bmp", "c.jpg"]}.items():
        for name in names:
            path = tmp_path / cls / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if name.endswith(".txt"):
                path.write_text("not an image")
            else:
                Image.fromarray(rng.integers(0, 256, (5, 4, 3), dtype=np.uint8)).save(path)
    ours, theirs = ltv.datasets.ImageFolder(tmp_path), tv.datasets.ImageFolder(tmp_path)
    assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
    assert ours.samples == theirs.samples and len(ours) == 4
    for i in range(len(ours)):
        (a, la), (b, lb) = ours[i], theirs[i]
        assert la == lb and a.mode == b.mode and np.array_equal(np.asarray(a), np.asarray(b))
    (tmp_path / "empty").mkdir()
    for lib in (ltv, tv):
        with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty"):
            lib.datasets.ImageFolder(tmp_path)


def test_fake_data_matches_torchvision():
    ours = ltv.datasets.FakeData(size=3, image_size=(3, 6, 5), num_classes=4, random_offset=2)
    theirs = tv.datasets.FakeData(size=3, image_size=(3, 6, 5), num_classes=4, random_offset=2)
    lt.manual_seed(0)
    for i in range(3):
        (a, la), (b, lb) = ours[i], theirs[i]
        assert la == lb and np.array_equal(np.asarray(a), np.asarray(b))
    after = lt.rand(1).item()
    lt.manual_seed(0)
    assert after == lt.rand(1).item()  # the global generator is left where it was


def write_cifar(folder, names, meta_name, meta_key, labels_key, n, rng):
    import pickle
    folder.mkdir(parents=True)
    for name in names:
        batch = {"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                 labels_key: [int(v) for v in rng.integers(0, 10, n)], "batch_label": b"x"}
        with open(folder / name, "wb") as f:
            pickle.dump(batch, f)
    with open(folder / meta_name, "wb") as f:
        pickle.dump({meta_key: [f"class{i}" for i in range(10)]}, f)


@pytest.mark.parametrize("cls", ["CIFAR10", "CIFAR100"])
def test_cifar_python_batches(tmp_path, cls):
    """torchvision refuses fixtures (it checks the real files' md5), so its recipe is the oracle:
    rows of 3072 bytes are 3×32×32 planes, transposed to 32×32×3."""
    ds_cls = getattr(ltv.datasets, cls)
    folder = tmp_path / ds_cls.base_folder
    rng = np.random.default_rng(4)
    write_cifar(folder, ds_cls.train_list + ds_cls.test_list, ds_cls.meta["filename"],
                ds_cls.meta["key"], ds_cls.labels_key, 3, rng)
    import pickle
    for train, names in ((True, ds_cls.train_list), (False, ds_cls.test_list)):
        ds = ds_cls(tmp_path, train=train)
        raw = [pickle.loads((folder / n).read_bytes()) for n in names]
        expected = np.vstack([r["data"] for r in raw]).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        np.testing.assert_array_equal(ds.data, expected)
        assert ds.targets == [t for r in raw for t in r[ds_cls.labels_key]]
        img, label = ds[1]
        assert img.mode == "RGB" and np.array_equal(np.asarray(img), expected[1])
        assert ds.classes[3] == "class3" and label == ds.targets[1]


def test_cifar_refuses_code_in_a_pickle_and_names_missing_files(tmp_path):
    import pickle
    with pytest.raises(RuntimeError, match=r"put data_batch_1, .* in .*cifar-10-batches-py"):
        ltv.datasets.CIFAR10(tmp_path)
    folder = tmp_path / "cifar-10-batches-py"
    write_cifar(folder, ["test_batch"], "batches.meta", "label_names", "labels", 2,
                np.random.default_rng(5))

    class Evil:
        def __reduce__(self):
            return (print, ("owned",))
    with open(folder / "test_batch", "wb") as f:
        pickle.dump({"data": Evil()}, f)
    with pytest.raises(RuntimeError, match="test_batch is corrupt: global builtins.print is not "
                                           "allowed"):
        ltv.datasets.CIFAR10(tmp_path, train=False)


# -- RandomSizedCrop, FiveCrop/TenCrop, RandomOrder ------------------------------------------
def test_random_sized_crop_is_the_deprecated_random_resized_crop():
    # torchvision 0.28 has dropped the old name: its crops are RandomResizedCrop's.
    with pytest.warns(UserWarning, match="transforms.RandomSizedCrop transform is deprecated"):
        ours = ltv.transforms.RandomSizedCrop(7, scale=(0.3, 0.9))
    assert isinstance(ours, ltv.transforms.RandomResizedCrop)
    lt.manual_seed(4), torch.manual_seed(4)
    theirs = T.RandomResizedCrop(7, scale=(0.3, 0.9))
    for _ in range(5):
        assert_same_images(ours(RGB), theirs(RGB))


@pytest.mark.parametrize("build", [lambda T: T.FiveCrop(4), lambda T: T.FiveCrop((5, 3)),
                                   lambda T: T.TenCrop(4),
                                   lambda T: T.TenCrop((3, 6), vertical_flip=True)])
@pytest.mark.parametrize("img", [RGB, lt.from_numpy(TENSOR)], ids=["pil", "tensor"])
def test_five_and_ten_crop_match_torchvision(build, img):
    theirs_img = torch.from_numpy(img.numpy()) if isinstance(img, lt.Tensor) else img
    ours, theirs = build(ltv.transforms)(img), build(T)(theirs_img)
    assert repr(build(ltv.transforms)) == repr(build(T))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert_same_images(a, b)


def test_five_crop_larger_than_the_image_raises_torchvisions_error():
    with pytest.raises(ValueError, match=r"Requested crop size \(20, 20\) is bigger than input"):
        ltv.transforms.FiveCrop(20)(RGB)


def test_random_order_shuffles_with_pythons_random():
    import random
    outs = []
    for module in (ltv.transforms, T):
        random.seed(7)
        transform = module.RandomOrder([module.Pad(1), module.CenterCrop(6), module.Pad((0, 2))])
        outs.append([transform(RGB) for _ in range(6)])
    assert repr(transform).replace("torchvision.", "") == repr(
        ltv.transforms.RandomOrder([ltv.transforms.Pad(1), ltv.transforms.CenterCrop(6),
                                    ltv.transforms.Pad((0, 2))]))
    for a, b in zip(*outs):
        assert_same_images(a, b)


# -- STL10 -----------------------------------------------------------------------------------
def write_stl10(root, n_train=6, n_test=4, n_unlabeled=3):
    folder = root / "stl10_binary"
    folder.mkdir()
    rng = np.random.default_rng(5)
    for name, n in [("train", n_train), ("test", n_test), ("unlabeled", n_unlabeled)]:
        rng.integers(0, 256, n * 3 * 96 * 96, dtype=np.uint8).tofile(folder / f"{name}_X.bin")
        if name != "unlabeled":
            rng.integers(1, 11, n, dtype=np.uint8).tofile(folder / f"{name}_y.bin")
    (folder / "class_names.txt").write_text("\n".join(f"class{i}" for i in range(10)) + "\n")
    (folder / "fold_indices.txt").write_text("\n".join(f"{i % 6} {(i + 2) % 6}" for i in range(10)))
    return folder


@pytest.mark.parametrize("split,folds", [("train", None), ("train", 3), ("test", None),
                                         ("unlabeled", None), ("train+unlabeled", 1)])
def test_stl10_matches_torchvision(tmp_path, monkeypatch, split, folds):
    write_stl10(tmp_path)
    # torchvision checks the real files' md5 sums; the fixture has its own bytes.
    monkeypatch.setattr(tv.datasets.STL10, "_check_integrity", lambda self: True)
    ours = ltv.datasets.STL10(tmp_path, split=split, folds=folds, transform=T.ToTensor())
    theirs = tv.datasets.STL10(str(tmp_path), split=split, folds=folds, transform=T.ToTensor())
    assert len(ours) == len(theirs)
    np.testing.assert_array_equal(ours.data, theirs.data)
    np.testing.assert_array_equal(ours.labels, theirs.labels)
    assert ours.classes == theirs.classes
    assert repr(ours).splitlines()[:4] == repr(theirs).splitlines()[:4]
    for i in range(len(ours)):
        (a, ta), (b, tb) = ours[i], theirs[i]
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert ta == tb


def test_stl10_missing_files_and_bad_arguments(tmp_path):
    with pytest.raises(RuntimeError, match="put train_X.bin, train_y.bin in .*stl10_binary"):
        ltv.datasets.STL10(tmp_path, download=True)
    folder = write_stl10(tmp_path)
    (folder / "test_y.bin").unlink()
    with pytest.raises(RuntimeError, match="put test_y.bin in"):
        ltv.datasets.STL10(tmp_path, split="test")
    with pytest.raises(ValueError, match=r"Unknown value 'val' for argument split. Valid "
                       r"values are \{'train', 'train\+unlabeled', 'unlabeled', 'test'\}"):
        ltv.datasets.STL10(tmp_path, split="val")
    with pytest.raises(ValueError, match=r"folds should be in the range \[0, 10\), but got 10"):
        ltv.datasets.STL10(tmp_path, folds=10)
    (folder / "train_X.bin").write_bytes(b"\0" * 100)
    with pytest.raises(RuntimeError, match="train_X.bin is corrupt"):
        ltv.datasets.STL10(tmp_path)


# -- COCO (torchvision reads it through pycocotools, which the oracle lacks: checked on the format)
def write_coco(root):
    images = [{"id": 7, "file_name": "b.png"}, {"id": 3, "file_name": "a.png"},
              {"id": 9, "file_name": "c.png"}]
    for img in images:
        Image.fromarray(np.full((4, 5), img["id"], dtype=np.uint8)).save(root / img["file_name"])
    anns = [{"id": 1, "image_id": 7, "bbox": [0, 0, 2, 2], "caption": "seven first"},
            {"id": 2, "image_id": 3, "bbox": [1, 1, 1, 1], "caption": "three"},
            {"id": 5, "image_id": 7, "bbox": [2, 2, 1, 1], "caption": "seven second"}]
    path = root / "ann.json"
    path.write_text(__import__("json").dumps({"images": images, "annotations": anns}))
    return str(path), anns


def test_coco_detection_and_captions_follow_the_annotation_file(tmp_path):
    ann_file, anns = write_coco(tmp_path)
    det = ltv.datasets.CocoDetection(str(tmp_path), ann_file,
                                     transform=ltv.transforms.PILToTensor())
    assert len(det) == 3 and det.ids == [3, 7, 9]  # sorted image ids, as pycocotools' index
    image, target = det[1]
    assert image.shape == (3, 4, 5) and int(image[0, 0, 0]) == 7  # converted to RGB
    assert target == [anns[0], anns[2]]
    assert det[2][1] == []
    caps = ltv.datasets.CocoCaptions(str(tmp_path), ann_file, target_transform=len)
    assert [caps[i][1] for i in range(3)] == [1, 2, 0]
    assert ltv.datasets.CocoCaptions(str(tmp_path), ann_file)[1][1] == ["seven first",
                                                                        "seven second"]
    joint = ltv.datasets.CocoDetection(str(tmp_path), ann_file,
                                       transforms=lambda i, t: (i.size, len(t)))
    assert joint[1] == ((5, 4), 2)
    with pytest.raises(ValueError, match="Index must be of type integer"):
        det[0.0]
    with pytest.raises(ValueError, match="Only transforms or transform/target_transform"):
        ltv.datasets.CocoDetection(str(tmp_path), ann_file, transform=len, transforms=len)
    with pytest.raises(RuntimeError, match="Annotation file not found"):
        ltv.datasets.CocoDetection(str(tmp_path), str(tmp_path / "missing.json"))
