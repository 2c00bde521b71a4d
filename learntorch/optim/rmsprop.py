"""RMSprop: divide the gradient by a running RMS of recent gradients."""
import numpy as np

from .optimizer import (Optimizer, _add_, _addcdiv_, _bump, _check_lr, _decay_square_, _grad,
                        _scalar, _step_tensor, _zeros_like, lerp_)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop (Hinton), optionally centered and with momentum.

    .. math::
        v_t &= \alpha v_{t-1} + (1-\alpha) g_t^2 \qquad
        \bar g_t = \alpha \bar g_{t-1} + (1-\alpha) g_t \ \text{(centered)}\\
        d_t &= \sqrt{v_t - \bar g_t^2} + \epsilon \ \text{(centered)} \quad\text{or}\quad \sqrt{v_t} + \epsilon\\
        b_t &= \mu b_{t-1} + g_t / d_t, \quad \theta_t = \theta_{t-1} - \gamma b_t
              \quad(\text{or } \theta_t = \theta_{t-1} - \gamma g_t / d_t \text{ without momentum})

    State: ``step``, ``square_avg``, ``momentum_buffer``, ``grad_avg``.
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, alpha, momentum = _scalar(group["lr"]), group["alpha"], group["momentum"]
            for p, state in self._params_with_grad(group):
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    state["square_avg"] = _zeros_like(p)
                    if momentum > 0:
                        state["momentum_buffer"] = _zeros_like(p)
                    if group["centered"]:
                        state["grad_avg"] = _zeros_like(p)
                state["step"]._array += 1
                grad = _grad(p, group["maximize"], group["weight_decay"])
                v = state["square_avg"]._array
                tmp = _decay_square_(v, grad, alpha)
                if group["centered"]:
                    g_avg = state["grad_avg"]._array
                    lerp_(g_avg, grad, float(1 - alpha), out=tmp)
                    avg = np.multiply(g_avg, -1.0)
                    avg *= g_avg
                    avg += v
                    np.sqrt(avg, out=avg)
                else:
                    avg = np.sqrt(v)
                avg += group["eps"]
                if momentum > 0:
                    buf = state["momentum_buffer"]._array
                    buf *= momentum
                    _addcdiv_(buf, grad, avg, 1, out=tmp)
                    _add_(p._array, buf, -lr, out=tmp)
                else:
                    _addcdiv_(p._array, grad, avg, -lr, out=tmp)
                _bump(p)
        return loss

