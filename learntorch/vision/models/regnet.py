"""RegNet X/Y (400MF ... 128GF): torchvision's module tree, its quantised-linear width rule
(computed with the same float32 tensor ops, so widths agree) and initialisation."""
import math
from collections import OrderedDict
from functools import partial

from ... import arange, diff, divide, log, nn, pow as _pow, round as _round, tensor
from ..ops import Conv2dNormActivation, SqueezeExcitation
from ._api import _ovewrite_named_param, handle_legacy_interface, named, weights_enum
from ._utils import _make_divisible

_SIZES = ["Y_400MF", "Y_800MF", "Y_1_6GF", "Y_3_2GF", "Y_8GF", "Y_16GF", "Y_32GF", "Y_128GF",
          "X_400MF", "X_800MF", "X_1_6GF", "X_3_2GF", "X_8GF", "X_16GF", "X_32GF"]
__all__ = (["RegNet"] + [f"RegNet_{s}_Weights" for s in _SIZES]
           + [f"regnet_{s.lower()}" for s in _SIZES])


class SimpleStemIN(Conv2dNormActivation):
    def __init__(self, width_in, width_out, norm_layer, activation_layer):
        super().__init__(width_in, width_out, kernel_size=3, stride=2, norm_layer=norm_layer,
                         activation_layer=activation_layer)


class BottleneckTransform(nn.Sequential):
    """1x1 → grouped 3x3 (→ squeeze-excitation for RegNetY) → 1x1."""

    def __init__(self, width_in, width_out, stride, norm_layer, activation_layer, group_width,
                 bottleneck_multiplier, se_ratio):
        layers = OrderedDict()
        w_b = int(round(width_out * bottleneck_multiplier))
        g = w_b // group_width
        layers["a"] = Conv2dNormActivation(width_in, w_b, kernel_size=1, stride=1,
                                           norm_layer=norm_layer, activation_layer=activation_layer)
        layers["b"] = Conv2dNormActivation(w_b, w_b, kernel_size=3, stride=stride, groups=g,
                                           norm_layer=norm_layer, activation_layer=activation_layer)
        if se_ratio:
            layers["se"] = SqueezeExcitation(input_channels=w_b,
                                             squeeze_channels=int(round(se_ratio * width_in)),
                                             activation=activation_layer)
        layers["c"] = Conv2dNormActivation(w_b, width_out, kernel_size=1, stride=1,
                                           norm_layer=norm_layer, activation_layer=None)
        super().__init__(layers)


class ResBottleneckBlock(nn.Module):
    def __init__(self, width_in, width_out, stride, norm_layer, activation_layer, group_width=1,
                 bottleneck_multiplier=1.0, se_ratio=None):
        super().__init__()
        self.proj = None
        if (width_in != width_out) or (stride != 1):
            self.proj = Conv2dNormActivation(width_in, width_out, kernel_size=1, stride=stride,
                                             norm_layer=norm_layer, activation_layer=None)
        self.f = BottleneckTransform(width_in, width_out, stride, norm_layer, activation_layer,
                                     group_width, bottleneck_multiplier, se_ratio)
        self.activation = activation_layer(inplace=True)

    def forward(self, x):
        x = self.proj(x) + self.f(x) if self.proj is not None else x + self.f(x)
        return self.activation(x)


class AnyStage(nn.Sequential):
    def __init__(self, width_in, width_out, stride, depth, block_constructor, norm_layer,
                 activation_layer, group_width, bottleneck_multiplier, se_ratio=None,
                 stage_index=0):
        super().__init__()
        for i in range(depth):
            block = block_constructor(width_in if i == 0 else width_out, width_out,
                                      stride if i == 0 else 1, norm_layer, activation_layer,
                                      group_width, bottleneck_multiplier, se_ratio)
            self.add_module(f"block{stage_index}-{i}", block)


class BlockParams:
    def __init__(self, depths, widths, group_widths, bottleneck_multipliers, strides,
                 se_ratio=None):
        self.depths = depths
        self.widths = widths
        self.group_widths = group_widths
        self.bottleneck_multipliers = bottleneck_multipliers
        self.strides = strides
        self.se_ratio = se_ratio

    @classmethod
    def from_init_params(cls, depth, w_0, w_a, w_m, group_width, bottleneck_multiplier=1.0,
                         se_ratio=None, **kwargs):
        """Per-stage settings from the RegNet parameters: block widths grow linearly (slope
        ``w_a`` from ``w_0``), are quantised in log space with step ``w_m`` and to multiples of
        8; consecutive blocks of one width form a stage."""
        QUANT, STRIDE = 8, 2
        if w_a < 0 or w_0 <= 0 or w_m <= 1 or w_0 % 8 != 0:
            raise ValueError("Invalid RegNet settings")
        widths_cont = arange(depth) * w_a + w_0
        block_capacity = _round(log(widths_cont / w_0) / math.log(w_m))
        block_widths = (_round(divide(w_0 * _pow(w_m, block_capacity), QUANT)) * QUANT).int()
        block_widths = block_widths.tolist()
        num_stages = len(set(block_widths))
        split_helper = zip(block_widths + [0], [0] + block_widths, block_widths + [0],
                           [0] + block_widths)
        splits = [w != wp or r != rp for w, wp, r, rp in split_helper]
        stage_widths = [w for w, t in zip(block_widths, splits[:-1]) if t]
        stage_depths = diff(tensor([d for d, t in enumerate(splits) if t])).int().tolist()
        strides = [STRIDE] * num_stages
        bottleneck_multipliers = [bottleneck_multiplier] * num_stages
        group_widths = [group_width] * num_stages
        stage_widths, group_widths = cls._adjust_widths_groups_compatibilty(
            stage_widths, bottleneck_multipliers, group_widths)
        return cls(depths=stage_depths, widths=stage_widths, group_widths=group_widths,
                   bottleneck_multipliers=bottleneck_multipliers, strides=strides,
                   se_ratio=se_ratio)

    def _get_expanded_params(self):
        return zip(self.widths, self.strides, self.depths, self.group_widths,
                   self.bottleneck_multipliers)

    @staticmethod
    def _adjust_widths_groups_compatibilty(stage_widths, bottleneck_ratios, group_widths):
        """Bottleneck widths made divisible by their group widths."""
        widths = [int(w * b) for w, b in zip(stage_widths, bottleneck_ratios)]
        group_widths_min = [min(g, w_bot) for g, w_bot in zip(group_widths, widths)]
        ws_bot = [_make_divisible(w_bot, g) for w_bot, g in zip(widths, group_widths_min)]
        stage_widths = [int(w_bot / b) for w_bot, b in zip(ws_bot, bottleneck_ratios)]
        return stage_widths, group_widths_min


class RegNet(nn.Module):
    def __init__(self, block_params, num_classes=1000, stem_width=32, stem_type=None,
                 block_type=None, norm_layer=None, activation=None):
        super().__init__()
        stem_type = SimpleStemIN if stem_type is None else stem_type
        norm_layer = nn.BatchNorm2d if norm_layer is None else norm_layer
        block_type = ResBottleneckBlock if block_type is None else block_type
        activation = nn.ReLU if activation is None else activation
        self.stem = stem_type(3, stem_width, norm_layer, activation)
        current_width = stem_width
        blocks = []
        for i, (width_out, stride, depth, group_width, bottleneck_multiplier) in enumerate(
                block_params._get_expanded_params()):
            blocks.append((f"block{i+1}", AnyStage(
                current_width, width_out, stride, depth, block_type, norm_layer, activation,
                group_width, bottleneck_multiplier, block_params.se_ratio, stage_index=i + 1)))
            current_width = width_out
        self.trunk_output = nn.Sequential(OrderedDict(blocks))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(in_features=current_width, out_features=num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                fan_out = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                nn.init.normal_(m.weight, mean=0.0, std=math.sqrt(2.0 / fan_out))
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, mean=0.0, std=0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.avgpool(self.trunk_output(self.stem(x)))
        return self.fc(x.flatten(start_dim=1))


def _regnet(block_params, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    norm_layer = kwargs.pop("norm_layer", partial(nn.BatchNorm2d, eps=1e-05, momentum=0.1))
    model = RegNet(block_params, norm_layer=norm_layer, **kwargs)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


_URL = "https://download.pytorch.org/models/regnet_"
# size: (V1 file, V2 file, SWAG end-to-end file, SWAG linear-classifier file) after _URL
_FILES = {
    "Y_400MF": ("y_400mf-c65dace8", "y_400mf-e6988f5f"),
    "Y_800MF": ("y_800mf-1b27b58c", "y_800mf-58fc7688"),
    "Y_1_6GF": ("y_1_6gf-b11a554e", "y_1_6gf-0d7bc02a"),
    "Y_3_2GF": ("y_3_2gf-b5a9779c", "y_3_2gf-9180c971"),
    "Y_8GF": ("y_8gf-d0d0e4a8", "y_8gf-dc2b1b54"),
    "Y_16GF": ("y_16gf-9e6ed7dd", "y_16gf-3e4a00f9", "y_16gf_swag-43afe44d",
               "y_16gf_lc_swag-f3ec0043"),
    "Y_32GF": ("y_32gf-4dee3f7a", "y_32gf-8db6d4b5", "y_32gf_swag-04fdfa75",
               "y_32gf_lc_swag-e1583746"),
    "Y_128GF": (None, None, "y_128gf_swag-c8ce3e52", "y_128gf_lc_swag-cbe8ce12"),
    "X_400MF": ("x_400mf-adf1edd5", "x_400mf-62229a5f"),
    "X_800MF": ("x_800mf-ad17e45c", "x_800mf-94a99ebd"),
    "X_1_6GF": ("x_1_6gf-e3633e7f", "x_1_6gf-a12f2b72"),
    "X_3_2GF": ("x_3_2gf-f342aeae", "x_3_2gf-7071aa85"),
    "X_8GF": ("x_8gf-03ceed89", "x_8gf-2b70d774"),
    "X_16GF": ("x_16gf-2007eb11", "x_16gf-ba3796d7"),
    "X_32GF": ("x_32gf-9d47f8d0", "x_32gf-6eb8fdc6")}
_MEMBERS = ["IMAGENET1K_V1", "IMAGENET1K_V2", "IMAGENET1K_SWAG_E2E_V1",
            "IMAGENET1K_SWAG_LINEAR_V1"]


def _enum(size):
    checkpoints = {member: f"{_URL}{file}.pth"
                   for member, file in zip(_MEMBERS, _FILES[size]) if file is not None}
    default = "IMAGENET1K_V2" if "IMAGENET1K_V2" in checkpoints else "IMAGENET1K_SWAG_E2E_V1"
    return weights_enum(f"RegNet_{size}_Weights", checkpoints, default)


RegNet_Y_400MF_Weights, RegNet_Y_800MF_Weights, RegNet_Y_1_6GF_Weights, RegNet_Y_3_2GF_Weights, \
    RegNet_Y_8GF_Weights, RegNet_Y_16GF_Weights, RegNet_Y_32GF_Weights, RegNet_Y_128GF_Weights, \
    RegNet_X_400MF_Weights, RegNet_X_800MF_Weights, RegNet_X_1_6GF_Weights, \
    RegNet_X_3_2GF_Weights, RegNet_X_8GF_Weights, RegNet_X_16GF_Weights, \
    RegNet_X_32GF_Weights = [_enum(size) for size in _SIZES]


def _builder(size, enum, **params):
    legacy = getattr(enum, "IMAGENET1K_V1", None)  # 128GF has no pre-0.13 checkpoint

    @handle_legacy_interface(legacy)
    def builder(*, weights=None, progress=True, **kwargs):
        weights = enum.verify(weights)
        block_params = BlockParams.from_init_params(**params, **kwargs)
        return _regnet(block_params, weights, progress, **kwargs)
    return named(builder, f"regnet_{size.lower()}", enum)


_PARAMS = {  # depth, w_0, w_a, w_m, group_width (RegNetY adds se_ratio=0.25)
    "Y_400MF": (16, 48, 27.89, 2.09, 8), "Y_800MF": (14, 56, 38.84, 2.4, 16),
    "Y_1_6GF": (27, 48, 20.71, 2.65, 24), "Y_3_2GF": (21, 80, 42.63, 2.66, 24),
    "Y_8GF": (17, 192, 76.82, 2.19, 56), "Y_16GF": (18, 200, 106.23, 2.48, 112),
    "Y_32GF": (20, 232, 115.89, 2.53, 232), "Y_128GF": (27, 456, 160.83, 2.52, 264),
    "X_400MF": (22, 24, 24.48, 2.54, 16), "X_800MF": (16, 56, 35.73, 2.28, 16),
    "X_1_6GF": (18, 80, 34.01, 2.25, 24), "X_3_2GF": (25, 88, 26.31, 2.25, 48),
    "X_8GF": (23, 80, 49.56, 2.88, 120), "X_16GF": (22, 216, 55.59, 2.1, 128),
    "X_32GF": (23, 320, 69.86, 2.0, 168)}


def _make(size):
    depth, w_0, w_a, w_m, group_width = _PARAMS[size]
    se = {"se_ratio": 0.25} if size.startswith("Y") else {}
    return _builder(size, globals()[f"RegNet_{size}_Weights"], depth=depth, w_0=w_0, w_a=w_a,
                    w_m=w_m, group_width=group_width, **se)


regnet_y_400mf, regnet_y_800mf, regnet_y_1_6gf, regnet_y_3_2gf, regnet_y_8gf, regnet_y_16gf, \
    regnet_y_32gf, regnet_y_128gf, regnet_x_400mf, regnet_x_800mf, regnet_x_1_6gf, \
    regnet_x_3_2gf, regnet_x_8gf, regnet_x_16gf, regnet_x_32gf = [_make(s) for s in _SIZES]
