"""Adamax: Adam with the second moment replaced by an infinity norm."""
import numpy as np

from .adam import _check_betas
from .optimizer import (Optimizer, _addcdiv_, _bump, _grad, _scalar, _step_tensor, _zeros_like,
                        lerp_)

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba, section 7).

    .. math::
        m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t\\
        u_t &= \max(\beta_2 u_{t-1},\ |g_t| + \epsilon)\\
        \theta_t &= \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\, m_t / u_t

    State: ``step``, ``exp_avg`` (:math:`m`), ``exp_inf`` (:math:`u`).
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        _check_betas(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            (beta1, beta2), lr = group["betas"], _scalar(group["lr"])
            for p, state in self._params_with_grad(group):
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_inf"] = _zeros_like(p)
                state["step"]._array += 1
                grad = _grad(p, group["maximize"], group["weight_decay"])
                m, u = state["exp_avg"]._array, state["exp_inf"]._array
                tmp = lerp_(m, grad, float(1 - beta1))
                u *= beta2
                np.abs(grad, out=tmp)
                tmp += group["eps"]
                np.maximum(u, tmp, out=u)
                clr = lr / (1 - beta1 ** float(state["step"]._array))
                _addcdiv_(p._array, m, u, -clr, out=tmp)
                _bump(p)
        return loss
