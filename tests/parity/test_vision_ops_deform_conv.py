"""learntorch.vision.ops.deform_conv2d against a loop over torchvision's CPU kernel
(deform_conv2d_kernel.cpp: deformable_im2col + one matmul per weight group), which does not
run here; gradients by float64 gradcheck; DeformConv2d against torchvision's module."""
import math
import sys

import numpy as np
import pytest
import torch

import learntorch as lt
import learntorch.vision.ops as lt_ops
from torchvision_oracle import import_torchvision

import_torchvision()
import torchvision.ops as tv_ops  # noqa: E402


def bilinear(plane, y, x):
    h, w = plane.shape
    if y <= -1 or h <= y or x <= -1 or w <= x:
        return 0.0
    y0, x0 = math.floor(y), math.floor(x)
    ly, lx = y - y0, x - x0
    total = 0.0
    for yy, xx, wt in ((y0, x0, (1 - ly) * (1 - lx)), (y0, x0 + 1, (1 - ly) * lx),
                       (y0 + 1, x0, ly * (1 - lx)), (y0 + 1, x0 + 1, ly * lx)):
        if 0 <= yy <= h - 1 and 0 <= xx <= w - 1:
            total += wt * plane[yy, xx]
    return total


def reference(x, offset, weight, bias, stride, padding, dilation, mask):
    n, c, h, w = x.shape
    cout, cin_g, kh, kw = weight.shape
    groups, og = c // cin_g, offset.shape[1] // (2 * kh * kw)
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    oh, ow = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1, (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    cols = np.zeros((n, c, kh, kw, oh, ow))
    for b in range(n):
        for ch in range(c):
            g = ch // (c // og)
            for i in range(kh):
                for j in range(kw):
                    t = i * kw + j
                    for oy in range(oh):
                        for ox in range(ow):
                            pair = offset[b, g * 2 * kh * kw + 2 * t:, oy, ox][:2]
                            yy = oy * sh - ph + i * dh + pair[0]
                            xx = ox * sw - pw + j * dw + pair[1]
                            m = 1.0 if mask is None else mask[b, g * kh * kw + t, oy, ox]
                            cols[b, ch, i, j, oy, ox] = m * bilinear(x[b, ch], yy, xx)
    cols = cols.reshape(n, groups, cin_g * kh * kw, oh * ow)
    out = np.einsum("gok,nkl->ngol", weight.reshape(groups, cout // groups, -1), cols[:, 0]) \
        if groups == 1 else np.stack([weight.reshape(groups, cout // groups, -1)[g] @ cols[:, g]
                                      for g in range(groups)], 1)
    out = out.reshape(n, cout, oh, ow)
    return out + (0 if bias is None else bias[None, :, None, None])


CASES = [  # in_ch, out_ch, kernel, stride, padding, dilation, groups, offset_groups, mask, bias
    (3, 4, (3, 3), (1, 1), (1, 1), (1, 1), 1, 1, False, True),
    (4, 6, (3, 2), (2, 1), (0, 1), (1, 2), 2, 2, True, True),
    (2, 2, (1, 1), (1, 1), (0, 0), (1, 1), 1, 2, True, False),
    (4, 4, (2, 3), (1, 2), (2, 0), (2, 1), 4, 1, False, False),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES)
def test_deform_conv2d_matches_the_kernel_loop(case, dtype):
    cin, cout, k, s, p, d, groups, og, use_mask, use_bias = case
    rng = np.random.default_rng(0)
    n, h, w = 2, 6, 7
    oh = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    x = rng.standard_normal((n, cin, h, w)).astype(dtype)
    offset = rng.uniform(-3, 3, (n, 2 * og * k[0] * k[1], oh, ow)).astype(dtype)
    offset[0, 0, 0, 0] = 0.0  # integer positions and far outside the image too
    offset[0, 1, 0, 0] = -20.0
    weight = rng.standard_normal((cout, cin // groups) + k).astype(dtype)
    bias = rng.standard_normal(cout).astype(dtype) if use_bias else None
    mask = rng.random((n, og * k[0] * k[1], oh, ow)).astype(dtype) if use_mask else None
    as_lt = (lambda a: None if a is None else lt.tensor(a))
    out = lt_ops.deform_conv2d(lt.tensor(x), lt.tensor(offset), lt.tensor(weight), as_lt(bias),
                               s, p, d, as_lt(mask))
    assert out.dtype == lt.tensor(x).dtype
    np.testing.assert_allclose(out.numpy(), reference(x.astype(np.float64), offset, weight, bias,
                                                      s, p, d, mask),
                               rtol=1e-4 if dtype == "float32" else 1e-10, atol=1e-5)


def test_deform_conv2d_gradcheck_every_input():
    rng = np.random.default_rng(1)
    x = lt.tensor(rng.standard_normal((1, 2, 4, 5)), requires_grad=True)
    # offsets away from integers: bilinear sampling is not differentiable across pixel lines
    fractions = rng.uniform(0.1, 0.4, (1, 16, 3, 4)) * rng.choice([-1, 1], (1, 16, 3, 4))
    offset = lt.tensor(fractions + rng.integers(-1, 2, (1, 16, 3, 4)), requires_grad=True)
    weight = lt.tensor(rng.standard_normal((4, 1, 2, 2)), requires_grad=True)
    bias = lt.tensor(rng.standard_normal(4), requires_grad=True)
    mask = lt.tensor(rng.random((1, 2 * 4, 3, 4)), requires_grad=True)
    assert lt.autograd.gradcheck(
        lambda *a: lt_ops.deform_conv2d(a[0], a[1], a[2], a[3], padding=(0, 0), mask=a[4]),
        (x, offset, weight, bias, mask))


def test_deform_conv2d_module_and_errors(monkeypatch):
    # torchvision checks for its compiled ops before the argument error we compare
    monkeypatch.setattr(sys.modules["torchvision.ops.deform_conv"], "_assert_has_ops", lambda: None)
    lt.manual_seed(3)
    ours = lt_ops.DeformConv2d(4, 6, 3, stride=2, padding=1, groups=2)
    torch.manual_seed(3)
    theirs = tv_ops.DeformConv2d(4, 6, 3, stride=2, padding=1, groups=2)
    assert repr(ours) == repr(theirs)
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    np.testing.assert_array_equal(ours.bias.detach().numpy(), theirs.bias.detach().numpy())
    assert repr(lt_ops.DeformConv2d(2, 2, (1, 2), dilation=2, bias=False)) == \
        repr(tv_ops.DeformConv2d(2, 2, (1, 2), dilation=2, bias=False))
    x, offset = lt.zeros(1, 4, 5, 5), lt.zeros(1, 18, 3, 3)
    assert tuple(ours(x, offset).shape) == (1, 6, 3, 3)
    for args in ((4, 6, 3, 1, 0, 1, 3), (4, 5, 3, 1, 0, 1, 2)):
        with pytest.raises(ValueError) as a:
            lt_ops.DeformConv2d(*args)
        with pytest.raises(ValueError) as b:
            tv_ops.DeformConv2d(*args)
        assert str(a.value) == str(b.value)
    with pytest.raises(RuntimeError) as a:
        lt_ops.deform_conv2d(x, lt.zeros(1, 4, 3, 3), ours.weight)
    with pytest.raises(RuntimeError) as b:
        tv_ops.deform_conv2d(torch.zeros(1, 4, 5, 5), torch.zeros(1, 4, 3, 3),
                             torch.zeros(6, 2, 3, 3))
    assert str(a.value) == str(b.value)
