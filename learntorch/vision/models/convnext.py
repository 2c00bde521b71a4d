"""ConvNeXt tiny/small/base/large: torchvision's module tree (LayerNorm2d, CNBlock with layer
scale and stochastic depth) and initialisation."""
from functools import partial

from ... import nn, ones
from ...nn import functional as F
from ..ops import Conv2dNormActivation, Permute, StochasticDepth
from ._api import _ovewrite_named_param, handle_legacy_interface, named, weights_enum

__all__ = ["ConvNeXt", "ConvNeXt_Tiny_Weights", "ConvNeXt_Small_Weights", "ConvNeXt_Base_Weights",
           "ConvNeXt_Large_Weights", "convnext_tiny", "convnext_small", "convnext_base",
           "convnext_large"]


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels of an NCHW tensor."""

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    """Depthwise 7x7 → LayerNorm → Linear 4x → GELU → Linear, scaled, dropped, added."""

    def __init__(self, dim, layer_scale, stochastic_depth_prob, norm_layer=None):
        super().__init__()
        norm_layer = partial(nn.LayerNorm, eps=1e-6) if norm_layer is None else norm_layer
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True),
            Permute([0, 2, 3, 1]), norm_layer(dim),
            nn.Linear(in_features=dim, out_features=4 * dim, bias=True), nn.GELU(),
            nn.Linear(in_features=4 * dim, out_features=dim, bias=True), Permute([0, 3, 1, 2]))
        self.layer_scale = nn.Parameter(ones(dim, 1, 1) * layer_scale)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")

    def forward(self, input):
        result = self.stochastic_depth(self.layer_scale * self.block(input))
        result += input
        return result


class CNBlockConfig:
    """A stage: ``num_layers`` blocks on ``input_channels``, then a downsampling to
    ``out_channels`` (None for the last stage)."""

    def __init__(self, input_channels, out_channels, num_layers):
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers

    def __repr__(self):
        return (f"{self.__class__.__name__}(input_channels={self.input_channels}, "
                f"out_channels={self.out_channels}, num_layers={self.num_layers})")


class ConvNeXt(nn.Module):
    def __init__(self, block_setting, stochastic_depth_prob=0.0, layer_scale=1e-6,
                 num_classes=1000, block=None, norm_layer=None, **kwargs):
        super().__init__()
        if not block_setting:
            raise ValueError("The block_setting should not be empty")
        elif not (isinstance(block_setting, (list, tuple))
                  and all(isinstance(s, CNBlockConfig) for s in block_setting)):
            raise TypeError("The block_setting should be List[CNBlockConfig]")
        block = CNBlock if block is None else block
        norm_layer = partial(LayerNorm2d, eps=1e-6) if norm_layer is None else norm_layer
        layers = [Conv2dNormActivation(3, block_setting[0].input_channels, kernel_size=4,
                                       stride=4, padding=0, norm_layer=norm_layer,
                                       activation_layer=None, bias=True)]  # 4x4 "patchify" stem
        total_stage_blocks = sum(cnf.num_layers for cnf in block_setting)
        stage_block_id = 0
        for cnf in block_setting:
            stage = []
            for _ in range(cnf.num_layers):
                sd_prob = stochastic_depth_prob * stage_block_id / (total_stage_blocks - 1.0)
                stage.append(block(cnf.input_channels, layer_scale, sd_prob))
                stage_block_id += 1
            layers.append(nn.Sequential(*stage))
            if cnf.out_channels is not None:
                layers.append(nn.Sequential(
                    norm_layer(cnf.input_channels),
                    nn.Conv2d(cnf.input_channels, cnf.out_channels, kernel_size=2, stride=2)))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        lastblock = block_setting[-1]
        lastconv_output_channels = (lastblock.out_channels if lastblock.out_channels is not None
                                    else lastblock.input_channels)
        self.classifier = nn.Sequential(norm_layer(lastconv_output_channels), nn.Flatten(1),
                                        nn.Linear(lastconv_output_channels, num_classes))
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def _forward_impl(self, x):
        return self.classifier(self.avgpool(self.features(x)))

    def forward(self, x):
        return self._forward_impl(x)


def _convnext(block_setting, stochastic_depth_prob, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = ConvNeXt(block_setting, stochastic_depth_prob=stochastic_depth_prob, **kwargs)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


_URL = "https://download.pytorch.org/models/"


def _enum(name, file):
    return weights_enum(name, {"IMAGENET1K_V1": _URL + file}, "IMAGENET1K_V1")


ConvNeXt_Tiny_Weights = _enum("ConvNeXt_Tiny_Weights", "convnext_tiny-983f1562.pth")
ConvNeXt_Small_Weights = _enum("ConvNeXt_Small_Weights", "convnext_small-0c510722.pth")
ConvNeXt_Base_Weights = _enum("ConvNeXt_Base_Weights", "convnext_base-6075fbad.pth")
ConvNeXt_Large_Weights = _enum("ConvNeXt_Large_Weights", "convnext_large-ea097f82.pth")


def _builder(name, enum, widths, depths, stochastic_depth_prob):
    @handle_legacy_interface(enum.IMAGENET1K_V1)
    def builder(*, weights=None, progress=True, **kwargs):
        weights = enum.verify(weights)
        outs = widths[1:] + [None]
        block_setting = [CNBlockConfig(i, o, n) for i, o, n in zip(widths, outs, depths)]
        sd_prob = kwargs.pop("stochastic_depth_prob", stochastic_depth_prob)
        return _convnext(block_setting, sd_prob, weights, progress, **kwargs)
    return named(builder, name, enum)


convnext_tiny = _builder("convnext_tiny", ConvNeXt_Tiny_Weights, [96, 192, 384, 768],
                         [3, 3, 9, 3], 0.1)
convnext_small = _builder("convnext_small", ConvNeXt_Small_Weights, [96, 192, 384, 768],
                          [3, 3, 27, 3], 0.4)
convnext_base = _builder("convnext_base", ConvNeXt_Base_Weights, [128, 256, 512, 1024],
                         [3, 3, 27, 3], 0.5)
convnext_large = _builder("convnext_large", ConvNeXt_Large_Weights, [192, 384, 768, 1536],
                          [3, 3, 27, 3], 0.5)
