"""COCO detection and captions from an annotation JSON (no pycocotools needed)."""
import json
import os

from .vision import VisionDataset

__all__ = ["CocoDetection", "CocoCaptions"]


class CocoDetection(VisionDataset):
    """COCO: the images under ``root`` listed in the JSON ``annFile``, each with the list of its
    annotation dicts (in file order), as torchvision's, which reads the same index through
    pycocotools; learntorch reads the JSON itself, so pycocotools is not needed."""

    def __init__(self, root, annFile, transform=None, target_transform=None, transforms=None):
        super().__init__(root, transforms, transform, target_transform)
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
            image, target = self.transforms(image, target)
        return image, target

    def __len__(self):
        return len(self.ids)


class CocoCaptions(CocoDetection):
    """COCO captions: each image with the list of its caption strings."""

    def _load_target(self, id):
        return [ann["caption"] for ann in super()._load_target(id)]
