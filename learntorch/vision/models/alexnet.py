"""AlexNet ("One weird trick" variant), torchvision's module tree and initialisation."""
from typing import Optional

from ... import nn
from ... import flatten
from ._api import build, handle_legacy_interface, register_model, weights_enum

__all__ = ["AlexNet", "AlexNet_Weights", "alexnet"]


class AlexNet(nn.Module):
    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(p=dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        return self.classifier(flatten(self.avgpool(self.features(x)), 1))


AlexNet_Weights = weights_enum("AlexNet_Weights", {
    "IMAGENET1K_V1": "https://download.pytorch.org/models/alexnet-owt-7be5be79.pth",
}, "IMAGENET1K_V1")


@register_model()
@handle_legacy_interface(AlexNet_Weights.IMAGENET1K_V1)
def alexnet(*, weights: Optional[AlexNet_Weights] = None, progress=True, **kwargs):
    """AlexNet; ``weights`` (an ``AlexNet_Weights``) loads torchvision's checkpoint."""
    return build(AlexNet, AlexNet_Weights.verify(weights), progress, **kwargs)
