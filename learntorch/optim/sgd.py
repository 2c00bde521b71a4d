"""SGD: stochastic gradient descent, optionally with (Nesterov) momentum."""
import numpy as np

from .optimizer import Optimizer, _bump, _check_lr, _scalar
from .._tensor import Tensor

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent.

    For each parameter :math:`\theta` with gradient :math:`g_t` (negated when ``maximize``):

    .. math::
        g_t &\leftarrow g_t + \lambda\,\theta_{t-1}                       \quad(\text{weight decay } \lambda)\\
        b_t &= \mu\, b_{t-1} + (1-\tau)\, g_t \quad (b_1 = g_1)           \quad(\text{momentum } \mu,\ \text{dampening } \tau)\\
        g_t &\leftarrow g_t + \mu\, b_t \ \text{(nesterov)} \quad\text{or}\quad g_t \leftarrow b_t\\
        \theta_t &= \theta_{t-1} - \gamma\, g_t

    The momentum buffer lives in ``state[p]['momentum_buffer']``.
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 *, maximize=False, foreach=None, differentiable=False, fused=None):
        _check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach,
                        differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for key, value in (("nesterov", False), ("maximize", False), ("foreach", None),
                               ("differentiable", False), ("fused", False)):
                group.setdefault(key, value)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = float(_scalar(group["lr"]))
            momentum, wd = group["momentum"], group["weight_decay"]
            for p, state in self._params_with_grad(group):
                param, grad = p._array, p.grad._array
                if group["maximize"]:
                    grad = np.negative(grad)
                if wd != 0:
                    grad = _add_scaled(grad, param, float(_scalar(wd)))
                if momentum != 0:
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = state["momentum_buffer"] = Tensor._make(grad.copy())
                    else:
                        b = buf._array
                        b *= momentum
                        if group["dampening"] == 0:
                            b += grad
                        else:
                            b += grad * (1 - group["dampening"])
                        _bump(buf)
                    grad = (_add_scaled(grad, buf._array, momentum) if group["nesterov"]
                            else buf._array)
                update = np.multiply(grad, -lr)
                param += update
                _bump(p)
        return loss


def _add_scaled(a, b, alpha):
    """``a + alpha * b`` as a new array (torch's ``a.add(b, alpha=alpha)``)."""
    out = np.multiply(b, alpha)
    out += a
    return out
