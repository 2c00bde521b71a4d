"""MovingMNIST: 10,000 clips of 20 frames of two digits bouncing in 64×64, from one ``.npy``."""
import os

import numpy as np

import learntorch

from .utils import dataset_not_found, verify_str_arg
from .vision import VisionDataset

__all__ = ["MovingMNIST"]


class MovingMNIST(VisionDataset):
    """Items are ``(frames, 1, 64, 64)`` uint8 clips; ``split`` keeps the first
    ``split_ratio`` frames ("train") or the rest ("test")."""

    _filename = "mnist_test_seq.npy"

    def __init__(self, root, split=None, split_ratio=10, download=False, transform=None):
        super().__init__(root, transform=transform)
        self._base_folder = os.path.join(self.root, self.__class__.__name__)
        if split is not None:
            verify_str_arg(split, "split", ("train", "test"))
        self.split = split
        if not isinstance(split_ratio, int):
            raise TypeError(f"`split_ratio` should be an integer, but got {type(split_ratio)}")
        if not 1 <= split_ratio <= 19:
            raise ValueError(f"`split_ratio` should be `1 <= split_ratio <= 19`, but got "
                             f"{split_ratio} instead.")
        self.split_ratio = split_ratio
        path = os.path.join(self._base_folder, self._filename)
        if not os.path.exists(path):
            raise dataset_not_found(f"put {self._filename} in {self._base_folder}")
        frames = np.load(path, allow_pickle=False)   # (20 frames, clips, 64, 64)
        frames = {"train": frames[:split_ratio], "test": frames[split_ratio:]}.get(split, frames)
        clips = np.ascontiguousarray(frames.transpose(1, 0, 2, 3)[:, :, None])
        self.data = learntorch.from_numpy(clips)

    def __getitem__(self, index):
        clip = self.data[index]
        return clip if self.transform is None else self.transform(clip)

    def __len__(self):
        return len(self.data)
