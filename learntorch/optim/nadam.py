"""NAdam: Adam with Nesterov momentum (Dozat), with torch's momentum-decay schedule."""
import numpy as np

from .adam import _check_betas
from .optimizer import (Optimizer, _addcdiv_, _bump, _decay_square_, _grad, _scalar, _step_tensor,
                        _zeros_like, lerp_)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""NAdam.

    .. math::
        \mu_t &= \beta_1 (1 - \tfrac12\, 0.96^{t\psi}) \qquad (\psi = \text{momentum\_decay})\\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2\\
        d_t &= \sqrt{v_t / (1-\beta_2^t)} + \epsilon\\
        \theta_t &= \theta_{t-1} - \gamma\frac{1-\mu_t}{1-\prod_{i\le t}\mu_i}\frac{g_t}{d_t}
                    - \gamma\frac{\mu_{t+1}}{1-\prod_{i\le t+1}\mu_i}\frac{m_t}{d_t}

    ``decoupled_weight_decay`` decays :math:`\theta` by :math:`1-\gamma\lambda` first (NAdamW).
    State: ``step``, ``mu_product``, ``exp_avg``, ``exp_avg_sq``.
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _check_betas(lr, betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            (beta1, beta2), lr = group["betas"], _scalar(group["lr"])
            wd, decay = group["weight_decay"], group["momentum_decay"]
            decoupled = group["decoupled_weight_decay"]
            for p, state in self._params_with_grad(group):
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    state["mu_product"] = _step_tensor(1.0)
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                state["step"]._array += 1
                step = float(state["step"]._array)
                bias_correction2 = 1 - beta2 ** step
                if wd != 0 and decoupled:
                    p._array *= float(1 - lr * wd)
                grad = _grad(p, group["maximize"], 0 if decoupled else wd)
                mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * decay))
                mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * decay))
                state["mu_product"]._array *= mu
                mu_product = float(state["mu_product"]._array)
                m, v = state["exp_avg"]._array, state["exp_avg_sq"]._array
                tmp = lerp_(m, grad, float(1 - beta1))
                _decay_square_(v, grad, beta2, out=tmp)
                denom = np.divide(v, bias_correction2)
                np.sqrt(denom, out=denom)
                denom += group["eps"]
                _addcdiv_(p._array, grad, denom, -lr * (1.0 - mu) / (1.0 - mu_product), out=tmp)
                _addcdiv_(p._array, m, denom, -lr * mu_next / (1.0 - mu_product * mu_next),
                          out=tmp)
                _bump(p)
        return loss
