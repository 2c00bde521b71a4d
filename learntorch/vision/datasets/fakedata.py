"""FakeData: random images drawn from torch's generator, item by item, as torchvision's."""
import learntorch

from .vision import VisionDataset

__all__ = ["FakeData"]


class FakeData(VisionDataset):
    """Random images: item ``i`` is drawn after ``manual_seed(i + random_offset)`` (the global
    generator's state is restored afterwards), so items are torchvision's, pixel for pixel."""

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None,
                 target_transform=None, random_offset=0):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size, self.num_classes = size, num_classes
        self.image_size, self.random_offset = image_size, random_offset

    def __len__(self):
        return self.size

    def __getitem__(self, index):
        from ..transforms import ToPILImage
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        rng_state = learntorch.get_rng_state()
        learntorch.manual_seed(index + self.random_offset)
        img = learntorch.randn(*self.image_size)
        target = learntorch.randint(0, self.num_classes, size=(1,), dtype=learntorch.long)[0]
        learntorch.set_rng_state(rng_state)
        img = ToPILImage()(img)
        img, target = self._transformed(img, target)
        return img, target.item()
