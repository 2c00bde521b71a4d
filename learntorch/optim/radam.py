"""RAdam: Adam whose adaptive step is switched on only once its variance is tractable."""
import numpy as np

from .adam import _check_betas
from .optimizer import (Optimizer, _bump, _decay_square_, _grad, _scalar, _step_tensor,
                        _zeros_like, lerp_)

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""Rectified Adam (Liu et al.).

    .. math::
        m_t, v_t &\ \text{as in Adam}, \qquad \hat m_t = m_t / (1-\beta_1^t)\\
        \rho_\infty &= 2/(1-\beta_2) - 1, \qquad
        \rho_t = \rho_\infty - 2t\beta_2^t / (1-\beta_2^t)\\
        \theta_t &= \theta_{t-1} - \gamma\,\hat m_t\, r_t \frac{\sqrt{1-\beta_2^t}}{\sqrt{v_t}+\epsilon}
            \ \text{ if } \rho_t > 5, \text{ else } \theta_{t-1} - \gamma\,\hat m_t\\
        r_t &= \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}}

    State: ``step``, ``exp_avg``, ``exp_avg_sq``.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check_betas(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            (beta1, beta2), lr = group["betas"], _scalar(group["lr"])
            wd, decoupled = group["weight_decay"], group["decoupled_weight_decay"]
            for p, state in self._params_with_grad(group):
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                state["step"]._array += 1
                step = float(state["step"]._array)
                if wd != 0 and decoupled:
                    p._array *= float(1 - lr * wd)
                grad = _grad(p, group["maximize"], 0 if decoupled else wd)
                m, v = state["exp_avg"]._array, state["exp_avg_sq"]._array
                tmp = lerp_(m, grad, float(1 - beta1))
                _decay_square_(v, grad, beta2, out=tmp)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                update = np.divide(m, bias_correction1)
                update *= float(lr)
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * beta2 ** step / bias_correction2
                if rho_t > 5.0:
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                            / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    adaptive = np.sqrt(v, out=tmp)
                    adaptive += group["eps"]
                    np.divide(bias_correction2 ** 0.5, adaptive, out=adaptive)
                    update *= adaptive
                    update *= rect
                p._array -= update
                _bump(p)
        return loss
