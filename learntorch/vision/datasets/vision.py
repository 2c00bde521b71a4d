"""VisionDataset: what every torchvision-style dataset shares — a root, the transforms and
the repr students see when they print a dataset."""
import os

from ...utils.data import Dataset

__all__ = ["VisionDataset", "StandardTransform"]


class VisionDataset(Dataset):
    """Subclasses give ``__getitem__`` and ``__len__``; ``transforms`` (image and target
    together) or ``transform``/``target_transform`` (each on its own), never both."""

    _repr_indent = 4

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None):
        if isinstance(root, str):
            root = os.path.expanduser(root)
        self.root = root
        separate = transform is not None or target_transform is not None
        if transforms is not None and separate:
            raise ValueError("Only transforms or transform/target_transform can be passed as "
                             "argument")
        self.transform, self.target_transform = transform, target_transform
        self.transforms = StandardTransform(transform, target_transform) if separate else transforms

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def _transformed(self, sample, target):
        """``(sample, target)`` through ``transform`` and ``target_transform``."""
        return _apply(self, sample, target)

    def __repr__(self):
        body = [f"Number of datapoints: {self.__len__()}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if getattr(self, "transforms", None) is not None:
            body.append(repr(self.transforms))
        indent = " " * self._repr_indent
        return "\n".join([f"Dataset {self.__class__.__name__}"] + [indent + line for line in body])

    def extra_repr(self):
        return ""


def _apply(owner, sample, target):
    """``owner.transform`` on the sample and ``owner.target_transform`` on the target."""
    if owner.transform is not None:
        sample = owner.transform(sample)
    if owner.target_transform is not None:
        target = owner.target_transform(target)
    return sample, target


def _with_head(transform, head):
    lines = repr(transform).splitlines()
    return [head + lines[0]] + [" " * len(head) + line for line in lines[1:]]


class StandardTransform:
    """``transform`` on the sample and ``target_transform`` on the target, as one callable."""

    def __init__(self, transform=None, target_transform=None):
        self.transform, self.target_transform = transform, target_transform

    def __call__(self, input, target):
        return _apply(self, input, target)

    def __repr__(self):
        body = [self.__class__.__name__]
        if self.transform is not None:
            body += _with_head(self.transform, "Transform: ")
        if self.target_transform is not None:
            body += _with_head(self.target_transform, "Target transform: ")
        return "\n".join(body)
