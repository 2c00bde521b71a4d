"""SGD: stochastic gradient descent, optionally with (Nesterov) momentum."""
import numpy as np

from .optimizer import Optimizer, _add_, _bump, _check_lr, _grad, _scalar
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
            lr = _scalar(group["lr"])
            momentum, dampening = group["momentum"], group["dampening"]
            for p, state in self._params_with_grad(group):
                grad = _grad(p, group["maximize"], _scalar(group["weight_decay"]))
                work = self._scratch(p._array)
                if momentum != 0:
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = state["momentum_buffer"] = Tensor._make(np.array(grad, copy=True))
                    else:
                        buf._array *= momentum
                        _add_(buf._array, grad, 1 - dampening, out=work)
                        _bump(buf)
                    if group["nesterov"]:   # grad + momentum * buf
                        grad = np.add(grad, np.multiply(buf._array, momentum, out=work), out=work)
                    else:
                        grad = buf._array
                _add_(p._array, grad, -lr, out=work)
                _bump(p)
        return loss
