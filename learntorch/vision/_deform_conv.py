"""Deformable convolution v1/v2 (Dai et al. 2017, Zhu et al. 2019): every kernel tap samples the
input at its regular place plus a learned offset (bilinear, zero outside the image), v2 also
scales each sample by a learned mask.

torchvision runs a compiled kernel.  Here the integer corners of the samples are found in
NumPy and the rest is learntorch ops (gather the four corners, weight them by the fractional
parts, one matmul per weight group), so autograd gives the gradients of the input, offset,
mask, weight and bias, as torchvision's backward does."""
import math

import numpy as np

from .. import arange, empty, nn, tensor
from ..nn import init
from ..nn.parameter import Parameter

__all__ = ["DeformConv2d", "deform_conv2d"]


def _pair(x):
    return tuple(x) if isinstance(x, (list, tuple)) else (x, x)


def _sample_columns(input, y, x, groups):
    """``[N, C, K*L]`` bilinear samples of ``input [N, C, H, W]`` at ``y, x [N, G, K, L]``
    (``G`` offset groups, each for ``C / G`` channels), as the kernel's bilinear_interpolate:
    a sample outside ``(-1, H) x (-1, W)`` is 0, a corner outside the image counts as 0."""
    n, c, h, w = input.shape
    yv, xv = y.detach().cpu().numpy(), x.detach().cpu().numpy()
    with np.errstate(invalid="ignore"):
        inside = (yv > -1) & (yv < h) & (xv > -1) & (xv < w)
    y0 = np.where(inside, np.floor(yv), 0).astype(np.int64)
    x0 = np.where(inside, np.floor(xv), 0).astype(np.int64)
    ly, lx = y - tensor(y0, dtype=y.dtype), x - tensor(x0, dtype=x.dtype)
    plane = input.reshape(n, groups, c // groups, h * w)
    shape = (n, groups, 1, -1)
    columns = 0
    for dy, dx in ((0, 0), (0, 1), (1, 0), (1, 1)):
        yy, xx = y0 + dy, x0 + dx
        ok = inside & (yy >= 0) & (yy <= h - 1) & (xx >= 0) & (xx <= w - 1)
        index = tensor(np.where(ok, yy * w + xx, 0).reshape(n, groups, 1, -1),
                       device=input.device)
        values = plane.gather(3, index.expand(n, groups, c // groups, index.shape[-1]))
        weight = (ly if dy else 1 - ly) * (lx if dx else 1 - lx)
        columns = columns + values * (weight * tensor(ok, dtype=y.dtype)).reshape(shape)
    return columns


def _check(input, offset, weight, mask, kernel, out_size):
    for name, t in (("input", input), ("offset", offset), ("weight", weight)):
        if t.dim() != 4:
            raise RuntimeError(f"{name} must be a 4D tensor, got {t.dim()}D")
    kh, kw = kernel
    groups = input.shape[1] // weight.shape[1]
    if weight.shape[1] * groups != input.shape[1]:
        raise RuntimeError(f"Input channels ({input.shape[1]}) must be a multiple of the weight's "
                           f"input channels per group ({weight.shape[1]})")
    if weight.shape[0] % groups != 0:
        raise RuntimeError(f"weight.size(0) ({weight.shape[0]}) must be a multiple of the weight "
                           f"groups ({groups})")
    offset_groups = offset.shape[1] // (2 * kh * kw)
    if offset.shape[1] != offset_groups * 2 * kh * kw or input.shape[1] % offset_groups != 0:
        raise RuntimeError(f"offset.shape[1] is not valid: got: {offset.shape[1]} expected "
                           f"multiple of 2 * {kh} * {kw} dividing the input channels")
    if out_size[0] <= 0 or out_size[1] <= 0:
        raise RuntimeError(f"Calculated output size too small - out_h: {out_size[0]} out_w: "
                           f"{out_size[1]}")
    expected = (input.shape[0], offset_groups * kh * kw) + tuple(out_size)
    if tuple(offset.shape[2:]) != tuple(out_size) or offset.shape[0] != input.shape[0]:
        raise RuntimeError(f"offset shape {tuple(offset.shape)} does not match the output size "
                           f"{tuple(out_size)} of batch {input.shape[0]}")
    if mask is not None and tuple(mask.shape) != expected:
        raise RuntimeError(f"mask shape {tuple(mask.shape)} must be {expected}")
    return groups, offset_groups


def deform_conv2d(input, offset, weight, bias=None, stride=(1, 1), padding=(0, 0),
                  dilation=(1, 1), mask=None):
    """Deformable 2-D convolution: ``offset [N, 2*G*kh*kw, Ho, Wo]`` holds a ``(dy, dx)`` per
    offset group, tap and output pixel; ``mask [N, G*kh*kw, Ho, Wo]`` (optional, v2) scales
    the samples."""
    out_channels, _, kh, kw = weight.shape
    weights_h, weights_w = weight.shape[-2:]
    if offset.shape[1] // (2 * weights_h * weights_w) == 0:
        raise RuntimeError(
            "the shape of the offset tensor at dimension 1 is not valid. It should be a multiple "
            "of 2 * weight.size[2] * weight.size[3].\n"
            f"Got offset.shape[1]={offset.shape[1]}, while 2 * weight.size[2] * weight.size[3]="
            f"{2 * weights_h * weights_w}")
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    n, c, h, w = input.shape
    out_h = (h + 2 * ph - (dh * (kh - 1) + 1)) // sh + 1
    out_w = (w + 2 * pw - (dw * (kw - 1) + 1)) // sw + 1
    groups, offset_groups = _check(input, offset, weight, mask, (kh, kw), (out_h, out_w))
    taps, pixels = kh * kw, out_h * out_w
    # where each tap of each output pixel would sample without an offset: [K, L]
    base_y = (arange(kh).repeat_interleave(kw) * dh)[:, None] \
        + (arange(out_h) * sh - ph).repeat_interleave(out_w)[None, :]
    base_x = (arange(kw).repeat(kh) * dw)[:, None] \
        + (arange(out_w) * sw - pw).repeat(out_h)[None, :]
    pairs = offset.reshape(n, offset_groups, taps, 2, pixels)
    y = pairs[:, :, :, 0] + base_y.to(offset.dtype)
    x = pairs[:, :, :, 1] + base_x.to(offset.dtype)
    columns = _sample_columns(input, y, x, offset_groups)  # [N, G, C/G, K*L]
    if mask is not None:
        columns = columns * mask.reshape(n, offset_groups, 1, taps * pixels)
    columns = columns.reshape(n, groups, (c // groups) * taps, pixels)
    out = weight.reshape(groups, out_channels // groups, -1) @ columns
    out = out.reshape(n, out_channels, out_h, out_w)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    return out


class DeformConv2d(nn.Module):
    """See :func:`deform_conv2d`; initialised like ``nn.Conv2d`` (torchvision's draws)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True):
        super().__init__()
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _pair(kernel_size)
        self.stride = _pair(stride)
        self.padding = _pair(padding)
        self.dilation = _pair(dilation)
        self.groups = groups
        self.weight = Parameter(empty(out_channels, in_channels // groups, *self.kernel_size))
        if bias:
            self.bias = Parameter(empty(out_channels))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input, offset, mask=None):
        return deform_conv2d(input, offset, self.weight, self.bias, stride=self.stride,
                             padding=self.padding, dilation=self.dilation, mask=mask)

    def __repr__(self):
        s = (f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, "
             f"kernel_size={self.kernel_size}, stride={self.stride}")
        s += f", padding={self.padding}" if self.padding != (0, 0) else ""
        s += f", dilation={self.dilation}" if self.dilation != (1, 1) else ""
        s += f", groups={self.groups}" if self.groups != 1 else ""
        s += ", bias=False" if self.bias is None else ""
        return s + ")"
