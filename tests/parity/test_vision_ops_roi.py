"""learntorch.vision.ops' RoI pooling against torchvision 0.28.

torchvision's roi_align/roi_pool are compiled kernels that do not run here.  roi_align is
checked against torchvision's own pure-PyTorch ``_roi_align`` (values and autograd
gradients) for boxes inside the image, and against a plain loop over torchvision's CPU kernel
(roi_align_kernel.cpp) for boxes anywhere; roi_pool against a loop over roi_pool_kernel.cpp."""
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

tv_roi_align = sys.modules["torchvision.ops.roi_align"]._roi_align.__wrapped__


def random_rois(rng, k, batch, low=0.0, high=8.0, dtype="float64"):
    xy = rng.uniform(low, high, (k, 2))
    wh = rng.uniform(0.3, 7, (k, 2))
    return np.concatenate([rng.integers(0, batch, (k, 1)), xy, xy + wh], 1).astype(dtype)


# -- references: torchvision's CPU kernels as plain loops --------------------------------------
def reference_roi_align(x, rois, scale, ph_, pw_, sampling_ratio, aligned):
    t = x.dtype.type
    n, c, h, w = x.shape
    out = np.zeros((len(rois), c, ph_, pw_), x.dtype)
    for k, roi in enumerate(rois):
        b = int(roi[0])
        off = t(0.5) if aligned else t(0)
        sw, sh, ew, eh = (roi[j] * t(scale) - off for j in range(1, 5))
        rw, rh = ew - sw, eh - sh
        if not aligned:
            rw, rh = max(rw, t(1)), max(rh, t(1))
        bh, bw = rh / t(ph_), rw / t(pw_)
        gh = sampling_ratio if sampling_ratio > 0 else math.ceil(rh / ph_)
        gw = sampling_ratio if sampling_ratio > 0 else math.ceil(rw / pw_)
        count = max(gh * gw, 1)
        for ph in range(ph_):
            for pw in range(pw_):
                acc = np.zeros(c, x.dtype)
                for iy in range(gh):
                    y0 = sh + t(ph) * bh + t(iy + 0.5) * bh / t(gh)
                    for ix in range(gw):
                        xx = sw + t(pw) * bw + t(ix + 0.5) * bw / t(gw)
                        y, xv = y0, xx
                        if not (-1 <= y <= h and -1 <= xv <= w):
                            continue
                        y, xv = max(y, t(0)), max(xv, t(0))
                        yl, xl = int(y), int(xv)
                        if yl >= h - 1:
                            yh = yl = h - 1
                            y = t(yl)
                        else:
                            yh = yl + 1
                        if xl >= w - 1:
                            xh = xl = w - 1
                            xv = t(xl)
                        else:
                            xh = xl + 1
                        ly, lx = y - yl, xv - xl
                        hy, hx = 1 - ly, 1 - lx
                        acc += (hy * hx * x[b, :, yl, xl] + hy * lx * x[b, :, yl, xh]
                                + ly * hx * x[b, :, yh, xl] + ly * lx * x[b, :, yh, xh])
                out[k, :, ph, pw] = acc / t(count)
    return out


def reference_roi_pool(x, rois, scale, ph_, pw_):
    """Output and argmax (flat index in the image plane, -1 when none) of the CPU kernel."""
    t = x.dtype.type
    n, c, h, w = x.shape
    out = np.zeros((len(rois), c, ph_, pw_), x.dtype)
    arg = np.full(out.shape, -1)
    for k, roi in enumerate(rois):
        b = int(roi[0])
        sw, sh, ew, eh = (int(np.copysign(np.floor(abs(roi[j] * t(scale)) + 0.5), roi[j]))
                          for j in range(1, 5))
        rw, rh = max(ew - sw + 1, 1), max(eh - sh + 1, 1)
        bh, bw = t(rh) / t(ph_), t(rw) / t(pw_)
        for ph in range(ph_):
            for pw in range(pw_):
                hs = min(max(int(np.floor(t(ph) * bh)) + sh, 0), h)
                he = min(max(int(np.ceil(t(ph + 1) * bh)) + sh, 0), h)
                ws = min(max(int(np.floor(t(pw) * bw)) + sw, 0), w)
                we = min(max(int(np.ceil(t(pw + 1) * bw)) + sw, 0), w)
                empty = he <= hs or we <= ws
                for ch in range(c):
                    best, where = (0 if empty else -np.finfo(np.float32).max), -1
                    for yy in range(hs, he):
                        for xx in range(ws, we):
                            if x[b, ch, yy, xx] > best:
                                best, where = x[b, ch, yy, xx], yy * w + xx
                    out[k, ch, ph, pw], arg[k, ch, ph, pw] = best, where
    return out, arg


# -- roi_align -------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("sampling_ratio", [-1, 0, 1, 2])
@pytest.mark.parametrize("aligned", [False, True])
def test_roi_align_matches_torchvisions_python_version(dtype, sampling_ratio, aligned):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 10, 12)).astype(dtype)
    rois = random_rois(rng, 7, 2, 0.5, 4, dtype)  # inside the image: the two versions agree
    xt = torch.tensor(x, requires_grad=True)
    expected = tv_roi_align(xt, torch.tensor(rois), 0.7, 3, 4, sampling_ratio, aligned)
    grad = rng.standard_normal(expected.shape).astype(dtype)
    expected.backward(torch.tensor(grad))
    xl = lt.tensor(x, requires_grad=True)
    out = lt_ops.roi_align(xl, lt.tensor(rois), (3, 4), 0.7, sampling_ratio, aligned)
    out.backward(lt.tensor(grad))
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-13)
    assert out.dtype == xl.dtype and tuple(out.shape) == (7, 3, 3, 4)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), **tol)
    np.testing.assert_allclose(xl.grad.numpy(), xt.grad.numpy(), **tol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_roi_align_matches_the_kernel_loop_anywhere(dtype):
    """Boxes reaching past the border (samples beyond -1 or H count as zero), tiny and inverted
    boxes, a batch index given as a float."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 2, 7, 9)).astype(dtype)
    rois = random_rois(rng, 12, 3, -4, 10, dtype)
    rois[0, 1:] = [3, 3, 2, 2]  # inverted
    rois[1, 1:] = [5, 5, 5, 5]  # a point
    for scale, size, ratio, aligned in [(1.0, (2, 2), -1, False), (0.5, (3, 5), 2, True),
                                        (1.3, (1, 4), -1, True), (2.0, 3, 3, False)]:
        out = lt_ops.roi_align(lt.tensor(x), lt.tensor(rois), size, scale, ratio, aligned)
        ph, pw = size if isinstance(size, tuple) else (size, size)
        expected = reference_roi_align(x, rois, scale, ph, pw, ratio, aligned)
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_roi_align_hand_computed():
    x = lt.arange(16.0).reshape(1, 1, 4, 4)
    # one sample at the centre of the box [0, 0, 2, 2]: (1, 1) → x[1, 1] = 5
    assert lt_ops.roi_align(x, [lt.tensor([[0.0, 0.0, 2.0, 2.0]])], 1, 1.0, 1).item() == 5.0
    # aligned shifts by half a pixel: the centre is (0.5, 0.5) → mean of 0, 1, 4, 5
    assert lt_ops.roi_align(x, lt.tensor([[0, 0.0, 0.0, 2.0, 2.0]]), 1, 1.0, 1,
                            aligned=True).item() == 2.5


def test_roi_align_gradcheck_boxes_list_and_module():
    rng = np.random.default_rng(2)
    x = lt.tensor(rng.standard_normal((2, 2, 6, 5)), requires_grad=True)
    boxes = [lt.tensor(random_rois(rng, 3, 1, -1, 4)[:, 1:]),
             lt.tensor(random_rois(rng, 2, 1)[:, 1:])]
    assert lt.autograd.gradcheck(lambda v: lt_ops.roi_align(v, boxes, (2, 3), 0.8, -1), (x,))
    rois = lt.cat([lt.cat([lt.full((len(b), 1), float(i), dtype=lt.float64), b], 1)
                   for i, b in enumerate(boxes)])
    module = lt_ops.RoIAlign((2, 3), 0.8, -1)
    assert repr(module) == repr(tv_ops.RoIAlign((2, 3), 0.8, -1))
    assert lt.equal(module(x, boxes), lt_ops.roi_align(x, rois, (2, 3), 0.8))


# -- roi_pool --------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_roi_pool_matches_the_kernel_loop(dtype):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 8, 9)).astype(dtype)
    x[0, 1, 2:5, 2:5] = 0.5  # ties: the first maximum in row-major order wins
    x[1, 0] = -np.inf  # nothing beats the kernel's start value -FLT_MAX
    x[0, 2, 3, 3] = np.nan  # never wins
    rois = random_rois(rng, 10, 2, -3, 9, dtype)
    rois[0, 1:] = [7, 7, 2, 2]  # inverted: 1x1 at the rounded start
    rois[1, 1:] = [20, 20, 25, 25]  # outside: empty bins give 0
    for scale, size in [(1.0, (2, 3)), (0.6, 3), (1.7, (4, 2))]:
        xl = lt.tensor(x, requires_grad=True)
        out = lt_ops.roi_pool(xl, lt.tensor(rois), size, scale)
        ph, pw = size if isinstance(size, tuple) else (size, size)
        expected, argmax = reference_roi_pool(x, rois, scale, ph, pw)
        np.testing.assert_array_equal(out.detach().numpy(), expected)
        grad = rng.standard_normal(expected.shape).astype(dtype)
        out.backward(lt.tensor(grad))
        expected_grad = np.zeros_like(x)
        for (k, c, i, j), a in np.ndenumerate(argmax):
            if a >= 0:
                row, col = divmod(a, x.shape[3])
                expected_grad[int(rois[k, 0]), c, row, col] += grad[k, c, i, j]
        np.testing.assert_allclose(xl.grad.numpy(), expected_grad, rtol=1e-6, atol=1e-6)


def test_roi_pool_gradcheck_and_module():
    rng = np.random.default_rng(4)
    x = lt.tensor(rng.permutation(60).reshape(1, 3, 4, 5) / 7.0, requires_grad=True)  # no ties
    rois = lt.tensor(random_rois(rng, 4, 1, 0, 3))
    assert lt.autograd.gradcheck(lambda v: lt_ops.roi_pool(v, rois, (2, 2), 1.0), (x,))
    module = lt_ops.RoIPool((2, 2), 1.0)
    assert repr(module) == repr(tv_ops.RoIPool((2, 2), 1.0))
    assert lt.equal(module(x, rois), lt_ops.roi_pool(x, rois, 2))


@pytest.mark.parametrize("fn", ["roi_align", "roi_pool"])
def test_roi_errors_and_empty_inputs(fn):
    ours = getattr(lt_ops, fn)
    x = lt.zeros(1, 2, 4, 4)
    with pytest.raises(AssertionError, match=r"not correct as Tensor\[K, 5\]"):
        ours(x, lt.zeros(3, 4), 2)
    with pytest.raises(AssertionError, match=r"not correct as List\[Tensor\[L, 4\]\]"):
        ours(x, [lt.zeros(3, 5)], 2)
    with pytest.raises(RuntimeError, match="input should have the same type as rois"):
        ours(x, lt.zeros(3, 5, dtype=lt.float64), 2)
    out = ours(x, lt.zeros(0, 5), (2, 3))
    assert tuple(out.shape) == (0, 2, 2, 3) and out.dtype == lt.float32


# -- position-sensitive pooling --------------------------------------------------------------
def reference_ps_roi_align(x, rois, scale, ph_, pw_, sampling_ratio):
    """ps_roi_align_kernel.cpp: roi_align(aligned=True) with channel (c*PH + ph)*PW + pw per bin,
    divided by grid_h * grid_w with no floor (0/0 → NaN)."""
    n, c, h, w = x.shape
    co = c // (ph_ * pw_)
    out = np.zeros((len(rois), co, ph_, pw_), x.dtype)
    t = x.dtype.type
    for k, roi in enumerate(rois):
        rh = (roi[4] * t(scale) - t(0.5)) - (roi[2] * t(scale) - t(0.5))
        rw = (roi[3] * t(scale) - t(0.5)) - (roi[1] * t(scale) - t(0.5))
        gh = sampling_ratio if sampling_ratio > 0 else math.ceil(rh / ph_)
        gw = sampling_ratio if sampling_ratio > 0 else math.ceil(rw / pw_)
        for ch in range(co):
            for ph in range(ph_):
                for pw in range(pw_):
                    plane = x[:, [(ch * ph_ + ph) * pw_ + pw]]
                    one = reference_roi_align(plane, roi[None], scale, ph_, pw_,
                                              sampling_ratio, True)[0, 0, ph, pw]
                    count = max(gh * gw, 1)
                    with np.errstate(invalid="ignore", divide="ignore"):
                        out[k, ch, ph, pw] = one * t(count) / t(gh * gw)
    return out


def reference_ps_roi_pool(x, rois, scale, ph_, pw_):
    n, c, h, w = x.shape
    co = c // (ph_ * pw_)
    t = x.dtype.type
    out = np.zeros((len(rois), co, ph_, pw_), x.dtype)
    for k, roi in enumerate(rois):
        b = int(roi[0])
        sw, sh, ew, eh = (int(np.copysign(np.floor(abs(roi[j] * t(scale)) + 0.5), roi[j]))
                          for j in range(1, 5))
        bh, bw = t(max(eh - sh, 1)) / t(ph_), t(max(ew - sw, 1)) / t(pw_)
        for ch in range(co):
            for ph in range(ph_):
                for pw in range(pw_):
                    hs = min(max(int(np.floor(t(ph) * bh)) + sh, 0), h - 1)
                    he = min(max(int(np.ceil(t(ph + 1) * bh)) + sh, 0), h - 1)
                    ws = min(max(int(np.floor(t(pw) * bw)) + sw, 0), w - 1)
                    we = min(max(int(np.ceil(t(pw + 1) * bw)) + sw, 0), w - 1)
                    if he > hs and we > ws:
                        window = x[b, (ch * ph_ + ph) * pw_ + pw, hs:he, ws:we]
                        out[k, ch, ph, pw] = window.sum() / t((he - hs) * (we - ws))
    return out


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_ps_roi_align_and_pool_match_the_kernel_loops(dtype):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 12, 7, 8)).astype(dtype)
    rois = random_rois(rng, 8, 2, -2, 8, dtype)
    rois[0, 1:] = [3, 3, 3, 5]  # zero width: no samples, NaN from the kernel's 0/0
    for scale, size, ratio in [(1.0, (2, 3), -1), (0.7, (3, 2), 2), (1.4, (2, 2), -1),
                               (1.0, (1, 4), 1)]:
        ph, pw = size
        xs = x[:, : (12 // (ph * pw)) * ph * pw]
        out = lt_ops.ps_roi_align(lt.tensor(xs), lt.tensor(rois), size, scale, ratio)
        np.testing.assert_allclose(out.numpy(), reference_ps_roi_align(xs, rois, scale, ph, pw,
                                                                        ratio),
                                   rtol=1e-5, atol=1e-6)
        out = lt_ops.ps_roi_pool(lt.tensor(xs), lt.tensor(rois), size, scale)
        np.testing.assert_allclose(out.numpy(), reference_ps_roi_pool(xs, rois, scale, ph, pw),
                                   rtol=1e-5, atol=1e-6)


def test_ps_roi_gradcheck_modules_and_errors():
    rng = np.random.default_rng(6)
    x = lt.tensor(rng.standard_normal((2, 8, 5, 6)), requires_grad=True)
    rois = lt.tensor(random_rois(rng, 3, 2, 0, 3))
    assert lt.autograd.gradcheck(lambda v: lt_ops.ps_roi_align(v, rois, (2, 2), 0.9, 2), (x,))
    assert lt.autograd.gradcheck(lambda v: lt_ops.ps_roi_pool(v, rois, (2, 2), 0.9), (x,))
    for ours, theirs in ((lt_ops.PSRoIAlign(2, 0.5, 2), tv_ops.PSRoIAlign(2, 0.5, 2)),
                         (lt_ops.PSRoIPool((2, 2), 0.5), tv_ops.PSRoIPool((2, 2), 0.5))):
        assert repr(ours) == repr(theirs)
        assert tuple(ours(x, rois).shape) == (3, 2, 2, 2)
        with pytest.raises(RuntimeError, match="input channels must be a multiple of pooling "
                                               "height \\* pooling width"):
            ours(x[:, :7], rois)


@pytest.mark.parametrize("fn", ["roi_align", "roi_pool", "ps_roi_align", "ps_roi_pool"])
def test_no_rois_still_give_a_zero_gradient(fn):
    x = lt.ones(1, 4, 5, 5, requires_grad=True)
    getattr(lt_ops, fn)(x, lt.zeros(0, 5), 2).sum().backward()
    assert lt.equal(x.grad, lt.zeros(1, 4, 5, 5))
