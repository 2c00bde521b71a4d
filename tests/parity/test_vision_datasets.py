"""learntorch.vision.datasets against torchvision 0.28's on files the tests write: the MNIST
family's IDX readers (EMNIST, QMNIST), the folder layout's functions, the reprs and the
argument checks, and torchvision's module paths (datasets.folder, datasets.mnist, .utils)."""
import numpy as np
import pytest
from PIL import Image

import learntorch.vision as ltv
from learntorch.vision.datasets import folder as lt_folder
from learntorch.vision.datasets import utils as lt_utils
from torchvision_oracle import import_torchvision

tv = import_torchvision()
import torchvision.datasets.folder as tv_folder  # noqa: E402
import torchvision.datasets.utils as tv_utils  # noqa: E402
import torchvision.transforms as T  # noqa: E402

RNG = np.random.default_rng(5)


def write_idx(path, array, type_code=8):
    dtype = {8: np.uint8, 12: ">i4"}[type_code]
    header = bytes([0, 0, type_code, array.ndim]) + b"".join(
        int(s).to_bytes(4, "big") for s in array.shape)
    path.write_bytes(header + np.asarray(array).astype(dtype).tobytes())


def same_items(ours, theirs):
    assert len(ours) == len(theirs)
    for i in range(len(ours)):
        (a, la), (b, lb) = ours[i], theirs[i]
        assert np.array_equal(np.asarray(a), np.asarray(b))
        if hasattr(lb, "numpy"):
            np.testing.assert_array_equal(la.numpy(), lb.numpy())
        else:
            assert la == lb


@pytest.mark.parametrize("split", ["byclass", "letters", "mnist"])
def test_emnist_reads_its_split_files_like_torchvision(tmp_path, split):
    raw = tmp_path / "EMNIST" / "raw"
    raw.mkdir(parents=True)
    for part, n in (("train", 5), ("test", 3)):
        write_idx(raw / f"emnist-{split}-{part}-images-idx3-ubyte", RNG.integers(0, 256, (n, 28, 28)))
        write_idx(raw / f"emnist-{split}-{part}-labels-idx1-ubyte", RNG.integers(0, 10, n))
    for train in (True, False):
        ours = ltv.datasets.EMNIST(str(tmp_path), split=split, train=train)
        theirs = tv.datasets.EMNIST(str(tmp_path), split=split, train=train)
        assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
        np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
        np.testing.assert_array_equal(ours.targets.numpy(), theirs.targets.numpy())
        same_items(ours, theirs)
        assert repr(ours) == repr(theirs)


def test_emnist_rejects_an_unknown_split_with_torchvisions_message(tmp_path):
    with pytest.raises(ValueError) as theirs:
        tv.datasets.EMNIST(str(tmp_path), split="kanji")
    with pytest.raises(ValueError) as ours:
        ltv.datasets.EMNIST(str(tmp_path), split="kanji")
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("what", ["train", "test", "test10k", "test50k", "nist"])
@pytest.mark.parametrize("compat", [True, False])
def test_qmnist_subsets_and_full_targets_match_torchvision(tmp_path, monkeypatch, what, compat):
    raw = tmp_path / "QMNIST" / "raw"
    raw.mkdir(parents=True)
    for prefix, n in (("qmnist-train", 4), ("qmnist-test", 7), ("xnist", 3)):
        write_idx(raw / f"{prefix}-images-idx3-ubyte", RNG.integers(0, 256, (n, 28, 28)))
        write_idx(raw / f"{prefix}-labels-idx2-int", RNG.integers(0, 70000, (n, 8)), type_code=12)
    # the test10k/test50k split points are 10,000 images in; a 7-image file shows both sides
    monkeypatch.setattr(ltv.datasets.QMNIST, "_slices",
                        {"test10k": slice(0, 5), "test50k": slice(5, None)})
    ours = ltv.datasets.QMNIST(str(tmp_path), what=what, compat=compat)
    theirs = tv.datasets.QMNIST(str(tmp_path), what=what, compat=compat)
    if what.startswith("test") and what != "test":   # torchvision slices at 10,000
        expected = {"test10k": slice(0, 5), "test50k": slice(5, None)}[what]
        full = tv.datasets.QMNIST(str(tmp_path), what="test", compat=compat)
        np.testing.assert_array_equal(ours.data.numpy(), full.data.numpy()[expected])
        np.testing.assert_array_equal(ours.targets.numpy(), full.targets.numpy()[expected])
        return
    assert ours.targets.dtype is ltv.datasets.mnist.learntorch.int64
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
    np.testing.assert_array_equal(ours.targets.numpy(), theirs.targets.numpy())
    same_items(ours, theirs)
    assert repr(ours) == repr(theirs)


def test_mnist_family_module_paths_and_readers(tmp_path):
    path = tmp_path / "labels-idx2-int"
    write_idx(path, RNG.integers(-5, 5, (3, 2)), type_code=12)
    import torchvision.datasets.mnist as tv_mnist
    ours = ltv.datasets.mnist.read_sn3_pascalvincent_tensor(str(path))
    theirs = tv_mnist.read_sn3_pascalvincent_tensor(str(path))
    assert str(ours.dtype) == str(theirs.dtype) and ours.tolist() == theirs.tolist()


def test_repr_with_transforms_matches_torchvision(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for prefix in ("train", "t10k"):   # torchvision wants all four files
        write_idx(raw / f"{prefix}-images-idx3-ubyte", RNG.integers(0, 256, (2, 28, 28)))
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", RNG.integers(0, 10, 2))
    kwargs = dict(train=False, target_transform=lambda y: y)
    for transform in (None, "compose"):
        ours = ltv.datasets.MNIST(str(tmp_path), transform=transform and ltv.transforms.Compose(
            [ltv.transforms.ToTensor(), ltv.transforms.Normalize((0.5,), (0.5,))]), **kwargs)
        theirs = tv.datasets.MNIST(str(tmp_path), transform=transform and T.Compose(
            [T.ToTensor(), T.Normalize((0.5,), (0.5,))]), **kwargs)
        mask = repr(theirs).split("Target transform: ")[0]
        assert repr(ours).split("Target transform: ")[0] == mask


def test_vision_dataset_takes_transforms_or_the_pair_never_both():
    for lib in (ltv, tv):
        with pytest.raises(ValueError, match="Only transforms or transform/target_transform"):
            lib.datasets.VisionDataset("root", transforms=print, transform=print)
        ds = lib.datasets.VisionDataset("~/data", transform=str)
        assert ds.transforms(1, 2) == ("1", 2) and not ds.root.startswith("~")


def outcome(fn, *args, **kwargs):
    """What ``fn`` returns, or the type and message of what it raises."""
    try:
        return fn(*args, **kwargs)
    except Exception as e:
        return type(e), str(e)


def make_folder(root):
    for cls, names in {"b": ["2.png", "1.png"], "a": ["x/3.jpg"], "skip": ["4.png"]}.items():
        for name in names:
            path = root / cls / name
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(RNG.integers(0, 256, (4, 3, 3), dtype=np.uint8)).save(path)


def test_folder_functions_match_torchvision(tmp_path):
    make_folder(tmp_path)
    assert lt_folder.find_classes(tmp_path) == tv_folder.find_classes(tmp_path)
    for kwargs in ({"extensions": (".png",)}, {"extensions": (".png",), "allow_empty": True},
                   {"extensions": ".jpg", "allow_empty": True},
                   {"is_valid_file": lambda p: "1" in p or "3" in p, "allow_empty": True}):
        assert outcome(lt_folder.make_dataset, str(tmp_path), **kwargs) == \
            outcome(tv_folder.make_dataset, str(tmp_path), **kwargs)
    for name in ("a.PNG", "a.txt", "b.webp"):
        assert lt_folder.is_image_file(name) == tv_folder.is_image_file(name)
    for lib in (lt_folder, tv_folder):
        with pytest.raises(ValueError, match="Both extensions and is_valid_file"):
            lib.make_dataset(str(tmp_path))
        with pytest.raises(ValueError, match="'class_to_index' must have at least one entry"):
            lib.make_dataset(str(tmp_path), {}, extensions=".png")


def test_dataset_folder_layout_can_be_overridden_like_torchvisions(tmp_path):
    make_folder(tmp_path)

    def without_skip(base):
        class Subset(base):
            def find_classes(self, directory):
                classes = ["a", "b"]
                return classes, {c: i for i, c in enumerate(classes)}
        return Subset

    ours = without_skip(ltv.datasets.ImageFolder)(tmp_path)
    theirs = without_skip(tv.datasets.ImageFolder)(tmp_path)
    assert ours.samples == theirs.samples and ours.imgs == theirs.imgs
    assert ours.targets == theirs.targets == [0, 1, 1]
    same_items(ours, theirs)
    loaded = ltv.datasets.DatasetFolder(tmp_path, loader=lt_folder.default_loader,
                                        extensions=(".png",), allow_empty=True)
    assert not hasattr(loaded, "imgs") and len(loaded) == 3


def test_dataset_utils_match_torchvision(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"learntorch")
    md5 = tv_utils.calculate_md5(path)
    assert lt_utils.calculate_md5(path) == md5
    assert lt_utils.check_integrity(path, md5) and not lt_utils.check_integrity(path, "0" * 32)
    assert not lt_utils.check_integrity(tmp_path / "missing")
    (tmp_path / "d").mkdir()
    assert lt_utils.list_dir(tmp_path) == tv_utils.list_dir(tmp_path)
    assert lt_utils.list_files(tmp_path, ".bin", prefix=True) == \
        tv_utils.list_files(tmp_path, ".bin", prefix=True)
    for args in ((3, "split"), ("c", "split", ("a", "b")), ("c", None, ("a",), "my message")):
        with pytest.raises(ValueError) as theirs:
            tv_utils.verify_str_arg(*args)
        with pytest.raises(ValueError) as ours:
            lt_utils.verify_str_arg(*args)
        assert str(ours.value) == str(theirs.value)
    assert lt_utils.verify_str_arg("a", "split", ("a",)) == "a"


def test_semeion_reads_the_uci_rows_like_torchvision(tmp_path, monkeypatch):
    rows = np.hstack([RNG.integers(0, 2, (4, 256)), np.eye(10)[RNG.integers(0, 10, 4)]])
    np.savetxt(tmp_path / "semeion.data", rows, fmt="%.4f")
    monkeypatch.setattr(tv.datasets.SEMEION, "_check_integrity", lambda self: True)  # its md5
    ours = ltv.datasets.SEMEION(str(tmp_path))
    theirs = tv.datasets.SEMEION(str(tmp_path), download=False)
    np.testing.assert_array_equal(ours.data, theirs.data)
    same_items(ours, theirs)
    assert repr(ours) == repr(theirs)
    with pytest.raises(RuntimeError, match="put semeion.data in"):
        ltv.datasets.SEMEION(str(tmp_path / "elsewhere"))


@pytest.mark.parametrize("train", [True, False])
def test_usps_reads_libsvm_bz2_like_torchvision(tmp_path, train):
    import bz2
    lines = [f"{RNG.integers(1, 11)} " + " ".join(f"{i + 1}:{v:.6f}" for i, v in
                                                  enumerate(RNG.uniform(-1, 1, 256)))
             for _ in range(3)]
    name = "usps.bz2" if train else "usps.t.bz2"
    (tmp_path / name).write_bytes(bz2.compress("\n".join(lines).encode() + b"\n"))
    ours = ltv.datasets.USPS(str(tmp_path), train=train)
    theirs = tv.datasets.USPS(str(tmp_path), train=train)
    np.testing.assert_array_equal(ours.data, theirs.data)
    assert ours.targets == theirs.targets
    same_items(ours, theirs)


def write_fer_csv(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(",".join(header) + "\n" + "".join(",".join(r) + "\n" for r in rows))


def fer_pixels():
    return " ".join(map(str, RNG.integers(0, 256, 48 * 48)))


@pytest.mark.parametrize("layout", ["split files", "fer2013.csv", "icml_face_data.csv"])
@pytest.mark.parametrize("split", ["train", "test"])
def test_fer2013_layouts_match_torchvision(tmp_path, monkeypatch, layout, split):
    folder = tmp_path / "fer2013"
    usages = ["Training", "PublicTest", "PrivateTest", "Training"]
    if layout == "split files":
        write_fer_csv(folder / "train.csv", ["emotion", "pixels"],
                      [[str(RNG.integers(0, 7)), fer_pixels()] for _ in range(3)])
        write_fer_csv(folder / "test.csv", ["pixels"], [[fer_pixels()] for _ in range(2)])
    else:
        header = ["emotion", "pixels", "Usage"] if layout == "fer2013.csv" else \
            ["emotion", " Usage", " pixels"]
        rows = [[str(RNG.integers(0, 7)), fer_pixels(), u] for u in usages]
        if layout != "fer2013.csv":
            rows = [[e, u, p] for e, p, u in rows]
        write_fer_csv(folder / layout, header, rows)
    import torchvision.datasets.fer2013 as tv_fer
    monkeypatch.setattr(tv_fer, "check_integrity", lambda path, md5=None: True)  # its md5s
    ours = ltv.datasets.FER2013(str(tmp_path), split=split)
    theirs = tv.datasets.FER2013(str(tmp_path), split=split)
    same_items(ours, theirs)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("split", [None, "train", "test"])
def test_moving_mnist_clips_match_torchvision(tmp_path, split):
    folder = tmp_path / "MovingMNIST"
    folder.mkdir()
    np.save(folder / "mnist_test_seq.npy", RNG.integers(0, 256, (20, 3, 64, 64), dtype=np.uint8))
    ours = ltv.datasets.MovingMNIST(str(tmp_path), split=split, split_ratio=7)
    theirs = tv.datasets.MovingMNIST(str(tmp_path), split=split, split_ratio=7)
    assert tuple(ours.data.shape) == tuple(theirs.data.shape)
    np.testing.assert_array_equal(ours[2].numpy(), theirs[2].numpy())
    for bad, error in ((0, ValueError), (2.5, TypeError)):
        with pytest.raises(error) as theirs_error:
            tv.datasets.MovingMNIST(str(tmp_path), split_ratio=bad)
        with pytest.raises(error) as ours_error:
            ltv.datasets.MovingMNIST(str(tmp_path), split_ratio=bad)
        assert str(ours_error.value) == str(theirs_error.value)


def test_eurosat_is_an_image_folder_under_eurosat_2750(tmp_path):
    make_folder(tmp_path / "eurosat" / "2750")
    ours, theirs = ltv.datasets.EuroSAT(str(tmp_path)), tv.datasets.EuroSAT(str(tmp_path))
    assert ours.classes == theirs.classes and ours.root == theirs.root
    assert [p for p, _ in ours.samples] == [p for p, _ in theirs.samples]
    same_items(ours, theirs)
    with pytest.raises(RuntimeError, match="Dataset not found"):
        ltv.datasets.EuroSAT(str(tmp_path / "none"))


def test_every_dataset_takes_torchvisions_arguments():
    import inspect
    for name in ltv.datasets.__all__:
        if name == "Digits":   # learntorch's own
            continue
        ours = inspect.signature(getattr(ltv.datasets, name)).parameters.values()
        theirs = inspect.signature(getattr(tv.datasets, name)).parameters.values()
        spell = [(p.name, getattr(p.default, "__name__", p.default)) for p in ours]
        assert spell == [(p.name, getattr(p.default, "__name__", p.default)) for p in theirs], name


def save_image(path, size=(5, 4), mode="RGB"):
    path.parent.mkdir(parents=True, exist_ok=True)
    shape = size[::-1] + ((3,) if mode == "RGB" else ())
    Image.fromarray(RNG.integers(0, 256, shape, dtype=np.uint8), mode=mode).save(path)


def same_samples(ours, theirs):
    """Same items and reprs (paths may be str or Path on either side)."""
    same_items(ours, theirs)
    assert repr(ours) == repr(theirs)
    for attribute in ("classes", "class_to_idx"):
        assert getattr(ours, attribute, None) == getattr(theirs, attribute, None)


def test_country211_and_rendered_sst2_folders(tmp_path):
    for split in ("train", "valid"):
        for cls in ("AD", "AE"):
            save_image(tmp_path / "country211" / split / cls / f"{split}{cls}.jpg")
    for split in ("train", "valid"):
        for cls in ("negative", "positive"):
            save_image(tmp_path / "rendered-sst2" / split / cls / f"{cls}1.png")
    same_samples(ltv.datasets.Country211(str(tmp_path), split="valid"),
                 tv.datasets.Country211(str(tmp_path), split="valid"))
    same_samples(ltv.datasets.RenderedSST2(str(tmp_path), split="val"),
                 tv.datasets.RenderedSST2(str(tmp_path), split="val"))
    with pytest.raises(RuntimeError, match="Dataset not found"):
        ltv.datasets.RenderedSST2(str(tmp_path), split="test")


def test_dtd_and_food101_index_files(tmp_path):
    data = tmp_path / "dtd" / "dtd"
    names = ["banded/banded_0002.jpg", "dotted/dotted_0001.jpg", "banded/banded_0001.jpg"]
    for name in names:
        save_image(data / "images" / name)
    (data / "labels").mkdir()
    (data / "labels" / "val3.txt").write_text("\n".join(names) + "\n")
    same_samples(ltv.datasets.DTD(str(tmp_path), split="val", partition=3),
                 tv.datasets.DTD(str(tmp_path), split="val", partition=3))
    food = tmp_path / "food-101"
    listing = {"pizza": ["pizza/1", "pizza/2"], "apple_pie": ["apple_pie/7"]}
    for rels in listing.values():
        for rel in rels:
            save_image(food / "images" / f"{rel}.jpg")
    (food / "meta").mkdir()
    (food / "meta" / "test.json").write_text(__import__("json").dumps(listing))
    same_samples(ltv.datasets.Food101(str(tmp_path), split="test"),
                 tv.datasets.Food101(str(tmp_path), split="test"))


def test_imagenette_and_gtsrb(tmp_path):
    for wnid in ("n01440764", "n03888257"):
        save_image(tmp_path / "imagenette2-160" / "val" / wnid / f"{wnid}_1.JPEG")
    ours = ltv.datasets.Imagenette(str(tmp_path), split="val", size="160px")
    theirs = tv.datasets.Imagenette(str(tmp_path), split="val", size="160px")
    same_samples(ours, theirs)
    assert ours.wnids == theirs.wnids and ours.wnid_to_idx == theirs.wnid_to_idx
    base = tmp_path / "gtsrb"
    for cls in ("00000", "00001"):
        save_image(base / "GTSRB" / "Training" / cls / f"{cls}_a.ppm")
    save_image(base / "GTSRB" / "Final_Test" / "Images" / "00000.ppm")
    save_image(base / "GTSRB" / "Final_Test" / "Images" / "00001.ppm")
    (base / "GT-final_test.csv").write_text(
        "Filename;Width;Height;ClassId\n00000.ppm; 5; 4; 12\n00001.ppm;5;4;3\n")
    for split in ("train", "test"):
        same_samples(ltv.datasets.GTSRB(str(tmp_path), split=split),
                     tv.datasets.GTSRB(str(tmp_path), split=split))


@pytest.mark.parametrize("target_types", ["category", ["binary-category", "segmentation"], []])
def test_oxford_pets_targets(tmp_path, target_types):
    base = tmp_path / "oxford-iiit-pet"
    rows = ["Abyssinian_1 1 1 1", "great_pyrenees_2 2 2 1", "Abyssinian_3 1 1 1"]
    for row in rows:
        image_id = row.split()[0]
        save_image(base / "images" / f"{image_id}.jpg")
        save_image(base / "annotations" / "trimaps" / f"{image_id}.png", mode="L")
    (base / "annotations" / "test.txt").write_text("\n".join(rows) + "\n")
    ours = ltv.datasets.OxfordIIITPet(str(tmp_path), split="test", target_types=target_types)
    theirs = tv.datasets.OxfordIIITPet(str(tmp_path), split="test", target_types=target_types)
    assert ours.classes == theirs.classes and ours.bin_class_to_idx == theirs.bin_class_to_idx
    for i in range(len(theirs)):
        (a, ta), (b, tb) = ours[i], theirs[i]
        assert np.array_equal(np.asarray(a), np.asarray(b))
        flat = [np.asarray(t) if isinstance(t, Image.Image) else t
                for t in (ta if isinstance(ta, tuple) else (ta,))]
        expected = [np.asarray(t) if isinstance(t, Image.Image) else t
                    for t in (tb if isinstance(tb, tuple) else (tb,))]
        assert all(np.array_equal(x, y) for x, y in zip(flat, expected))
    assert repr(ours) == repr(theirs)


def test_caltech256_numbered_files(tmp_path):
    folder = tmp_path / "caltech256" / "256_ObjectCategories"
    for number, name, count in ((1, "ak47", 2), (2, "american-flag", 1)):
        for i in range(1, count + 1):
            save_image(folder / f"{number:03d}.{name}" / f"{number:03d}_{i:04d}.jpg", mode="L")
    same_samples(ltv.datasets.Caltech256(str(tmp_path)), tv.datasets.Caltech256(str(tmp_path)))
