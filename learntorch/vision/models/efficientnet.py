"""EfficientNet B0-B7 and V2 S/M/L: torchvision's module tree (MBConv / FusedMBConv blocks with
squeeze-excitation and stochastic depth) and initialisation."""
import copy
import math
from dataclasses import dataclass
from functools import partial
from typing import Callable

from ... import flatten, nn
from ..ops import Conv2dNormActivation, SqueezeExcitation, StochasticDepth
from ._api import _ovewrite_named_param, handle_legacy_interface, named, weights_enum
from ._utils import _make_divisible

__all__ = ["EfficientNet", "EfficientNet_B0_Weights", "EfficientNet_B1_Weights",
           "EfficientNet_B2_Weights", "EfficientNet_B3_Weights", "EfficientNet_B4_Weights",
           "EfficientNet_B5_Weights", "EfficientNet_B6_Weights", "EfficientNet_B7_Weights",
           "EfficientNet_V2_S_Weights", "EfficientNet_V2_M_Weights", "EfficientNet_V2_L_Weights",
           "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
           "efficientnet_b4", "efficientnet_b5", "efficientnet_b6", "efficientnet_b7",
           "efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l"]


@dataclass
class _MBConvConfig:
    expand_ratio: float
    kernel: int
    stride: int
    input_channels: int
    out_channels: int
    num_layers: int
    block: Callable

    @staticmethod
    def adjust_channels(channels, width_mult, min_value=None):
        return _make_divisible(channels * width_mult, 8, min_value)


class MBConvConfig(_MBConvConfig):
    """One stage of EfficientNet-B0, widened by ``width_mult`` and deepened by ``depth_mult``."""

    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers,
                 width_mult=1.0, depth_mult=1.0, block=None):
        input_channels = self.adjust_channels(input_channels, width_mult)
        out_channels = self.adjust_channels(out_channels, width_mult)
        num_layers = self.adjust_depth(num_layers, depth_mult)
        super().__init__(expand_ratio, kernel, stride, input_channels, out_channels, num_layers,
                         MBConv if block is None else block)

    @staticmethod
    def adjust_depth(num_layers, depth_mult):
        return int(math.ceil(num_layers * depth_mult))


class FusedMBConvConfig(_MBConvConfig):
    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers,
                 block=None):
        super().__init__(expand_ratio, kernel, stride, input_channels, out_channels, num_layers,
                         FusedMBConv if block is None else block)


class _Residual(nn.Module):
    """A block whose branch, when shapes allow, is randomly dropped and added to its input."""

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result)
            result += input
        return result


class MBConv(_Residual):
    """1x1 expansion → depthwise conv → squeeze-excitation → 1x1 projection."""

    def __init__(self, cnf, stochastic_depth_prob, norm_layer, se_layer=SqueezeExcitation):
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        layers = []
        expanded_channels = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        if expanded_channels != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, expanded_channels, kernel_size=1,
                                               norm_layer=norm_layer, activation_layer=nn.SiLU))
        layers.append(Conv2dNormActivation(expanded_channels, expanded_channels,
                                           kernel_size=cnf.kernel, stride=cnf.stride,
                                           groups=expanded_channels, norm_layer=norm_layer,
                                           activation_layer=nn.SiLU))
        squeeze_channels = max(1, cnf.input_channels // 4)
        layers.append(se_layer(expanded_channels, squeeze_channels,
                               activation=partial(nn.SiLU, inplace=True)))
        layers.append(Conv2dNormActivation(expanded_channels, cnf.out_channels, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels


class FusedMBConv(_Residual):
    """The expansion and depthwise convs fused into one full kxk conv (EfficientNetV2)."""

    def __init__(self, cnf, stochastic_depth_prob, norm_layer):
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        expanded_channels = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        if expanded_channels != cnf.input_channels:
            layers = [Conv2dNormActivation(cnf.input_channels, expanded_channels,
                                           kernel_size=cnf.kernel, stride=cnf.stride,
                                           norm_layer=norm_layer, activation_layer=nn.SiLU),
                      Conv2dNormActivation(expanded_channels, cnf.out_channels, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=None)]
        else:
            layers = [Conv2dNormActivation(cnf.input_channels, cnf.out_channels,
                                           kernel_size=cnf.kernel, stride=cnf.stride,
                                           norm_layer=norm_layer, activation_layer=nn.SiLU)]
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels


class EfficientNet(nn.Module):
    def __init__(self, inverted_residual_setting, dropout, stochastic_depth_prob=0.2,
                 num_classes=1000, norm_layer=None, last_channel=None):
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        elif not (isinstance(inverted_residual_setting, (list, tuple)) and all(
                isinstance(s, _MBConvConfig) for s in inverted_residual_setting)):
            raise TypeError("The inverted_residual_setting should be List[MBConvConfig]")
        norm_layer = nn.BatchNorm2d if norm_layer is None else norm_layer
        firstconv_output_channels = inverted_residual_setting[0].input_channels
        layers = [Conv2dNormActivation(3, firstconv_output_channels, kernel_size=3, stride=2,
                                       norm_layer=norm_layer, activation_layer=nn.SiLU)]
        # The drop probability grows linearly with the block's depth in the network.
        total_stage_blocks = sum(cnf.num_layers for cnf in inverted_residual_setting)
        stage_block_id = 0
        for cnf in inverted_residual_setting:
            stage = []
            for _ in range(cnf.num_layers):
                block_cnf = copy.copy(cnf)
                if stage:
                    block_cnf.input_channels = block_cnf.out_channels
                    block_cnf.stride = 1
                sd_prob = stochastic_depth_prob * float(stage_block_id) / total_stage_blocks
                stage.append(block_cnf.block(block_cnf, sd_prob, norm_layer))
                stage_block_id += 1
            layers.append(nn.Sequential(*stage))
        lastconv_input_channels = inverted_residual_setting[-1].out_channels
        lastconv_output_channels = (last_channel if last_channel is not None
                                    else 4 * lastconv_input_channels)
        layers.append(Conv2dNormActivation(lastconv_input_channels, lastconv_output_channels,
                                           kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True),
                                        nn.Linear(lastconv_output_channels, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                init_range = 1.0 / math.sqrt(m.out_features)
                nn.init.uniform_(m.weight, -init_range, init_range)
                nn.init.zeros_(m.bias)

    def _forward_impl(self, x):
        return self.classifier(flatten(self.avgpool(self.features(x)), 1))

    def forward(self, x):
        return self._forward_impl(x)


def _efficientnet(inverted_residual_setting, dropout, last_channel, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = EfficientNet(inverted_residual_setting, dropout, last_channel=last_channel, **kwargs)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


_V2 = {  # (fused stages, MBConv stages) as (expand, kernel, stride, in, out, layers)
    "efficientnet_v2_s": ([(1, 3, 1, 24, 24, 2), (4, 3, 2, 24, 48, 4), (4, 3, 2, 48, 64, 4)],
                          [(4, 3, 2, 64, 128, 6), (6, 3, 1, 128, 160, 9),
                           (6, 3, 2, 160, 256, 15)]),
    "efficientnet_v2_m": ([(1, 3, 1, 24, 24, 3), (4, 3, 2, 24, 48, 5), (4, 3, 2, 48, 80, 5)],
                          [(4, 3, 2, 80, 160, 7), (6, 3, 1, 160, 176, 14),
                           (6, 3, 2, 176, 304, 18), (6, 3, 1, 304, 512, 5)]),
    "efficientnet_v2_l": ([(1, 3, 1, 32, 32, 4), (4, 3, 2, 32, 64, 7), (4, 3, 2, 64, 96, 7)],
                          [(4, 3, 2, 96, 192, 10), (6, 3, 1, 192, 224, 19),
                           (6, 3, 2, 224, 384, 25), (6, 3, 1, 384, 640, 7)])}


def _efficientnet_conf(arch, **kwargs):
    if arch.startswith("efficientnet_b"):
        bneck_conf = partial(MBConvConfig, width_mult=kwargs.pop("width_mult"),
                             depth_mult=kwargs.pop("depth_mult"))
        inverted_residual_setting = [bneck_conf(*row) for row in [
            (1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2),
            (6, 3, 2, 40, 80, 3), (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4),
            (6, 3, 1, 192, 320, 1)]]
        return inverted_residual_setting, None
    for name, (fused, plain) in _V2.items():
        if arch.startswith(name):
            return ([FusedMBConvConfig(*row) for row in fused]
                    + [MBConvConfig(*row) for row in plain]), 1280
    raise ValueError(f"Unsupported model type {arch}")


_URL = "https://download.pytorch.org/models/"


def _enum(name, v1, v2=None):
    checkpoints = {"IMAGENET1K_V1": _URL + v1}
    if v2 is not None:
        checkpoints["IMAGENET1K_V2"] = _URL + v2
    return weights_enum(name, checkpoints, "IMAGENET1K_V1" if v2 is None else "IMAGENET1K_V2")


EfficientNet_B0_Weights = _enum("EfficientNet_B0_Weights", "efficientnet_b0_rwightman-7f5810bc.pth")
EfficientNet_B1_Weights = _enum("EfficientNet_B1_Weights", "efficientnet_b1_rwightman-bac287d4.pth",
                                "efficientnet_b1-c27df63c.pth")
EfficientNet_B2_Weights = _enum("EfficientNet_B2_Weights", "efficientnet_b2_rwightman-c35c1473.pth")
EfficientNet_B3_Weights = _enum("EfficientNet_B3_Weights", "efficientnet_b3_rwightman-b3899882.pth")
EfficientNet_B4_Weights = _enum("EfficientNet_B4_Weights", "efficientnet_b4_rwightman-23ab8bcd.pth")
EfficientNet_B5_Weights = _enum("EfficientNet_B5_Weights", "efficientnet_b5_lukemelas-1a07897c.pth")
EfficientNet_B6_Weights = _enum("EfficientNet_B6_Weights", "efficientnet_b6_lukemelas-24a108a5.pth")
EfficientNet_B7_Weights = _enum("EfficientNet_B7_Weights", "efficientnet_b7_lukemelas-c5b4e57e.pth")
EfficientNet_V2_S_Weights = _enum("EfficientNet_V2_S_Weights", "efficientnet_v2_s-dd5fe13b.pth")
EfficientNet_V2_M_Weights = _enum("EfficientNet_V2_M_Weights", "efficientnet_v2_m-dc08266a.pth")
EfficientNet_V2_L_Weights = _enum("EfficientNet_V2_L_Weights", "efficientnet_v2_l-59c71312.pth")


def _builder(name, enum, dropout, mults=None, norm_layer=None):
    """B0-B4 keep BatchNorm2d's defaults, B5-B7 use TF's eps/momentum, V2 eps 1e-3."""
    extra = {} if norm_layer is None else {"norm_layer": norm_layer}

    @handle_legacy_interface(enum.IMAGENET1K_V1)
    def builder(*, weights=None, progress=True, **kwargs):
        weights = enum.verify(weights)
        conf = {} if mults is None else {"width_mult": mults[0], "depth_mult": mults[1]}
        setting, last_channel = _efficientnet_conf(name, **conf)
        return _efficientnet(setting, kwargs.pop("dropout", dropout), last_channel, weights,
                             progress, **extra, **kwargs)
    return named(builder, name, enum)


_TF_BN = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
_V2_BN = partial(nn.BatchNorm2d, eps=1e-03)
efficientnet_b0 = _builder("efficientnet_b0", EfficientNet_B0_Weights, 0.2, (1.0, 1.0))
efficientnet_b1 = _builder("efficientnet_b1", EfficientNet_B1_Weights, 0.2, (1.0, 1.1))
efficientnet_b2 = _builder("efficientnet_b2", EfficientNet_B2_Weights, 0.3, (1.1, 1.2))
efficientnet_b3 = _builder("efficientnet_b3", EfficientNet_B3_Weights, 0.3, (1.2, 1.4))
efficientnet_b4 = _builder("efficientnet_b4", EfficientNet_B4_Weights, 0.4, (1.4, 1.8))
efficientnet_b5 = _builder("efficientnet_b5", EfficientNet_B5_Weights, 0.4, (1.6, 2.2), _TF_BN)
efficientnet_b6 = _builder("efficientnet_b6", EfficientNet_B6_Weights, 0.5, (1.8, 2.6), _TF_BN)
efficientnet_b7 = _builder("efficientnet_b7", EfficientNet_B7_Weights, 0.5, (2.0, 3.1), _TF_BN)
efficientnet_v2_s = _builder("efficientnet_v2_s", EfficientNet_V2_S_Weights, 0.2, None, _V2_BN)
efficientnet_v2_m = _builder("efficientnet_v2_m", EfficientNet_V2_M_Weights, 0.3, None, _V2_BN)
efficientnet_v2_l = _builder("efficientnet_v2_l", EfficientNet_V2_L_Weights, 0.4, None, _V2_BN)
