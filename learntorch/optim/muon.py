"""Muon: momentum SGD whose update matrix is orthogonalized by a Newton-Schulz iteration."""
import math

import numpy as np

from .optimizer import Optimizer, _add_, _bump, _scalar, lerp_
from .._tensor import Tensor

__all__ = ["Muon"]

EPS = 1e-7
DEFAULT_A, DEFAULT_B, DEFAULT_C = 3.4445, -4.775, 2.0315
DEFAULT_NS_STEPS = 5


class Muon(Optimizer):
    r"""Muon (Jordan et al.) for 2-D parameters.

    .. math::
        b_t &= \mu b_{t-1} + (1-\mu) g_t, \qquad
        u_t = \mu b_t + (1-\mu) g_t \ (\text{nesterov}) \ \text{or}\ b_t\\
        O_t &= \mathrm{NS}(u_t) \approx U V^\top \quad (u_t = U\Sigma V^\top)\\
        \theta_t &= (1-\gamma\lambda)\,\theta_{t-1} - \gamma\,\kappa\, O_t

    NS: :math:`X_0 = u/\lVert u\rVert`, then ``ns_steps`` times
    :math:`A = XX^\top,\ X \leftarrow aX + (bA + cA^2)X`.  :math:`\kappa` is
    :math:`\sqrt{\max(1, \text{rows}/\text{cols})}`, or :math:`0.2\sqrt{\max(\text{rows},
    \text{cols})}` for ``adjust_lr_fn='match_rms_adamw'``.  Like torch, the iteration runs in
    bfloat16: NumPy has no bfloat16, so each result is computed in float64 and rounded to
    bfloat16 (round to nearest even) where torch rounds its float32 accumulations.
    """

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(DEFAULT_A, DEFAULT_B, DEFAULT_C), eps=EPS,
                 ns_steps=DEFAULT_NS_STEPS, adjust_lr_fn=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ["original", "match_rms_adamw"]:
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                        ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps,
                        adjust_lr_fn=adjust_lr_fn)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError("Muon only supports 2D parameters whereas we found a "
                                     f"parameter with size: {p.size()}")

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, momentum = _scalar(group["lr"]), group["momentum"]
            for p, state in self._params_with_grad(group):
                grad = p.grad._array
                if grad.ndim != 2:
                    raise ValueError("Param gradient must be a 2D matrix")
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = Tensor._make(np.zeros_like(grad))
                buf = state["momentum_buffer"]._array
                lerp_(buf, grad, float(1 - momentum))
                if group["nesterov"]:
                    update = grad.copy()
                    lerp_(update, buf, float(momentum))
                else:
                    update = buf
                update = _zeropower_via_newtonschulz(update, group["ns_coefficients"],
                                                     group["ns_steps"], group["eps"])
                p._array *= float(1 - lr * group["weight_decay"])
                _add_(p._array, update, -_adjust_lr(lr, group["adjust_lr_fn"], p.shape))
                _bump(p)
        return loss


def _bf16(a):
    """Round to the nearest bfloat16 (ties to even), kept in a float32 array."""
    bits = np.asarray(a, dtype=np.float32).view(np.uint32)
    rounded = (bits + np.uint32(0x7FFF) + ((bits >> 16) & np.uint32(1))) & np.uint32(0xFFFF0000)
    return rounded.view(np.float32)


def _zeropower_via_newtonschulz(grad, ns_coefficients, ns_steps, eps):
    """The orthogonal factor of ``grad``, approximately, by a quintic Newton-Schulz iteration."""
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if len(grad.shape) != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(ns_coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = ns_coefficients
    x = _bf16(grad).astype(np.float64)
    tall = grad.shape[0] > grad.shape[1]
    if tall:
        x = x.T
    norm = max(_bf16(np.sqrt(np.vdot(x, x))), _bf16(eps))
    x = _bf16(x / np.float64(norm)).astype(np.float64)
    for _ in range(ns_steps):
        gram = _bf16(x @ x.T).astype(np.float64)
        gram_update = _bf16(b * gram + c * (gram @ gram)).astype(np.float64)
        x = _bf16(a * x + gram_update @ x).astype(np.float64)
    if tall:
        x = x.T
    return x.astype(grad.dtype)


def _adjust_lr(lr, adjust_lr_fn, param_shape):
    rows, cols = param_shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, rows / cols))
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(rows, cols))
    else:
        ratio = 1.0
    return lr * ratio
