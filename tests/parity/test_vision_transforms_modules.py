"""The transforms torchvision makes nn.Modules are learntorch.nn.Modules too, so they go into
nn.Sequential (and print there) as torchvision's do; the rest stay plain callables."""
import inspect

import numpy as np
import torch

import learntorch as lt
import learntorch.vision.transforms as LT
from torchvision_oracle import import_torchvision

tv = import_torchvision()
import torchvision.transforms as T  # noqa: E402


def classes(module):
    return {n: getattr(module, n) for n in dir(module)
            if inspect.isclass(getattr(module, n)) and not n.startswith("_")}


def test_the_same_transforms_are_modules():
    theirs = {n for n, c in classes(T).items() if issubclass(c, torch.nn.Module)}
    ours = {n for n, c in classes(LT).items() if issubclass(c, lt.nn.Module) and n in classes(T)}
    assert ours == theirs


def test_a_sequential_of_transforms_runs_and_prints_like_torchvisions():
    image = np.random.default_rng(0).random((3, 9, 9), dtype=np.float32)
    ours = lt.nn.Sequential(LT.CenterCrop(5), LT.Normalize((0.5, 0.4, 0.3), (0.2, 0.2, 0.2)),
                            LT.RandomHorizontalFlip(p=1.0))
    theirs = torch.nn.Sequential(T.CenterCrop(5), T.Normalize((0.5, 0.4, 0.3), (0.2, 0.2, 0.2)),
                                 T.RandomHorizontalFlip(p=1.0))
    assert repr(ours) == repr(theirs)
    np.testing.assert_allclose(ours(lt.from_numpy(image)).numpy(),
                               theirs(torch.from_numpy(image)).numpy(), rtol=1e-6)
    assert [type(m).__name__ for m in ours.modules()] == \
        [type(m).__name__ for m in theirs.modules()]
