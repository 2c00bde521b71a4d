"""Conv2d forward + backward at LeNet's shapes and at a wider first layer (issue 13's targets).

Each step is a layer's share of a training step: ``y = conv(x)``, then the backward of
``(y * g).sum()`` for a fixed upstream gradient ``g``, giving the weight and bias gradients
(and the input's, for a hidden layer, whose input requires grad).
"""
from functools import partial

import numpy as np
import torch
from numpy.lib.stride_tricks import sliding_window_view

import learntorch

from .core import Target, Workload

# name, batch, in -> out channels, image side, kernel, padding, input requires grad
SHAPES = [
    ("conv LeNet 1->6", 64, 1, 6, 28, 5, 0, False),
    ("conv LeNet 6->16", 64, 6, 16, 12, 5, 0, True),
    ("conv 3->64 32x32", 32, 3, 64, 32, 3, 1, False),
    ("conv 3->32 32x32", 64, 3, 32, 32, 3, 1, False),
]


def _setup(batch, cin, cout, side, kernel, padding, rng):
    out = side + 2 * padding - kernel + 1
    bound = (cin * kernel * kernel) ** -0.5
    return {
        "x": rng.standard_normal((batch, cin, side, side), dtype=np.float32),
        "w": rng.uniform(-bound, bound, (cout, cin, kernel, kernel)).astype(np.float32),
        "b": rng.uniform(-bound, bound, cout).astype(np.float32),
        "g": rng.standard_normal((batch, cout, out, out), dtype=np.float32),
    }


def _tensor_step(lib, padding, input_grad, x, w, b, g):
    """``lib`` is learntorch or torch: the code is the same for both."""
    x = lib.tensor(x, requires_grad=input_grad)
    w, b = lib.tensor(w, requires_grad=True), lib.tensor(b, requires_grad=True)
    g = lib.tensor(g)

    def step():
        x.grad = w.grad = b.grad = None
        y = lib.nn.functional.conv2d(x, w, b, padding=padding)
        y.backward(g)
        return (y, w.grad, b.grad) + ((x.grad,) if input_grad else ())
    return step


def _numpy_step(padding, input_grad, x, w, b, g):
    """Hand-written im2col: one matmul forward, two backward, col2im by kernel offset."""
    n, c, _, _ = x.shape
    o, _, k, _ = w.shape
    w2 = w.reshape(o, -1)

    def step():
        xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
        cols = sliding_window_view(xp, (k, k), axis=(2, 3))          # n, c, oh, ow, k, k
        side = cols.shape[2]
        cols = np.ascontiguousarray(cols.transpose(0, 1, 4, 5, 2, 3)).reshape(n, c * k * k, -1)
        y = (w2 @ cols).reshape(n, o, side, side) + b[:, None, None]
        gy = g.reshape(n, o, -1)
        gw = np.matmul(gy, cols.transpose(0, 2, 1)).sum(0).reshape(w.shape)
        gb = g.sum((0, 2, 3))
        if not input_grad:
            return y, gw, gb
        dcols = (w2.T @ gy).reshape(n, c, k, k, side, side)
        gx = np.zeros_like(xp)
        for i in range(k):
            for j in range(k):
                gx[:, :, i:i + side, j:j + side] += dcols[:, :, i, j]
        return y, gw, gb, gx[:, :, padding:padding + x.shape[2], padding:padding + x.shape[3]]
    return step


WORKLOADS = [
    Workload(
        name=name,
        setup=partial(_setup, batch, cin, cout, side, kernel, padding),
        learntorch=partial(_tensor_step, learntorch, padding, input_grad),
        numpy=partial(_numpy_step, padding, input_grad),
        torch=partial(_tensor_step, torch, padding, input_grad),
        target=Target("torch", 1.0),
        note=f"batch {batch}, {cin}->{cout} channels, {side}x{side}, {kernel}x{kernel}, padding "
             f"{padding}; forward + backward (weight, bias"
             + (", input" if input_grad else "") + "); target = issue 13's goal",
    )
    for name, batch, cin, cout, side, kernel, padding, input_grad in SHAPES
]
