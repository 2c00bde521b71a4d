"""Digits: the 8×8 handwritten digits embedded in the package, so the course never needs
the network (and their 28×28 MNIST-like view for LeNet)."""
from importlib import resources

import numpy as np

import learntorch

from .vision import VisionDataset

__all__ = ["Digits"]


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
        super().__init__(root, transform=transform, target_transform=target_transform)
        if size not in (8, 28):
            raise ValueError(f"Digits size must be 8 or 28, but got {size}")
        with resources.files("learntorch.vision").joinpath("data/digits.npz").open("rb") as f:
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

    def __getitem__(self, index):
        from PIL import Image
        img = Image.fromarray(self.data[index].numpy(), mode="L")
        return self._transformed(img, int(self.targets[index]))

    def __len__(self):
        return len(self.data)
