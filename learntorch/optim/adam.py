"""Adam and its decoupled-weight-decay variant AdamW (one update, two defaults)."""
import numpy as np

from .optimizer import (Optimizer, _addcdiv_, _bump, _check_lr, _decay_square_, _grad, _scalar,
                        _step_tensor, _zeros_like, lerp_)
from .._tensor import Tensor

__all__ = ["Adam"]


class Adam(Optimizer):
    r"""Adam: momentum on the gradient and on its square, each corrected for starting at 0.

    In the seed manual's notation: learning rate :math:`\alpha` (``lr``), gradient :math:`g_t` of
    :math:`f(\theta)` (negated when ``maximize``), first and second raw moments :math:`m_t, v_t`
    (:math:`m_0 = v_0 = 0`) and their bias corrections :math:`\hat m_t, \hat v_t`:

    .. math::
        g_t &\leftarrow g_t + \lambda\theta_{t-1}
              \quad\text{or, decoupled (AdamW):}\quad \theta_{t-1} \leftarrow (1-\alpha\lambda)\,\theta_{t-1}\\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t  \qquad
        v_t  = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2\\
        \hat m_t &= m_t / (1-\beta_1^t) \qquad
        \hat v_t  = v_t / (1-\beta_2^t) \quad(\text{amsgrad: } \hat v_t \text{ from } \max_{s\le t} v_s)\\
        \theta_t &= \theta_{t-1} - \alpha\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)

    computed as torch does: :math:`\theta_t = \theta_{t-1} - \frac{\alpha}{1-\beta_1^t}\,
    m_t / (\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon)`.  State: ``step``, ``exp_avg`` (:math:`m`),
    ``exp_avg_sq`` (:math:`v`), ``max_exp_avg_sq`` (amsgrad).
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        _check_betas(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for key, value in (("amsgrad", False), ("maximize", False), ("foreach", None),
                               ("capturable", False), ("differentiable", False),
                               ("fused", None), ("decoupled_weight_decay", False)):
                group.setdefault(key, value)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            beta1, beta2 = (_scalar(b) for b in group["betas"])
            lr, wd, eps = _scalar(group["lr"]), group["weight_decay"], group["eps"]
            decoupled = group["decoupled_weight_decay"]
            for p, state in self._params_with_grad(group):
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                    if group["amsgrad"]:
                        state["max_exp_avg_sq"] = _zeros_like(p)
                param = p._array
                m, v = state["exp_avg"]._array, state["exp_avg_sq"]._array
                state["step"]._array += 1
                step = float(state["step"]._array)
                if wd != 0 and decoupled:
                    param *= float(1 - lr * wd)
                grad = _grad(p, group["maximize"], 0 if decoupled else wd)
                tmp, denom = self._scratch(param), self._scratch(param, 1)
                lerp_(m, grad, float(1 - beta1), out=tmp)
                _decay_square_(v, grad, beta2, out=tmp)
                step_size = lr / (1 - beta1 ** step)
                if group["amsgrad"]:
                    v = np.maximum(state["max_exp_avg_sq"]._array, v,
                                   out=state["max_exp_avg_sq"]._array)
                np.sqrt(v, out=denom)
                denom /= float((1 - beta2 ** step) ** 0.5)
                denom += eps
                _addcdiv_(param, m, denom, -step_size, out=tmp)
                _bump(p)
        return loss


def _check_betas(lr, betas, eps, weight_decay):
    if isinstance(lr, Tensor):
        _check_lr(lr)
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")
