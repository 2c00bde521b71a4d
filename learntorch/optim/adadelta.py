"""Adadelta: steps scaled by the ratio of running RMS of updates to running RMS of gradients."""
import numpy as np

from .optimizer import (Optimizer, _add_, _bump, _check_lr, _decay_square_, _grad, _scalar,
                        _step_tensor, _zeros_like)

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler).

    .. math::
        v_t &= \rho v_{t-1} + (1-\rho) g_t^2\\
        \Delta_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t\\
        u_t &= \rho u_{t-1} + (1-\rho) \Delta_t^2\\
        \theta_t &= \theta_{t-1} - \gamma \Delta_t

    State: ``step``, ``square_avg`` (:math:`v`), ``acc_delta`` (:math:`u`).
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, rho, eps = _scalar(group["lr"]), group["rho"], group["eps"]
            for p, state in self._params_with_grad(group):
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    state["square_avg"] = _zeros_like(p)
                    state["acc_delta"] = _zeros_like(p)
                state["step"]._array += 1
                grad = _grad(p, group["maximize"], group["weight_decay"])
                v, u = state["square_avg"]._array, state["acc_delta"]._array
                tmp = _decay_square_(v, grad, rho)
                std = np.add(v, eps)
                np.sqrt(std, out=std)
                delta = np.add(u, eps)
                np.sqrt(delta, out=delta)
                delta /= std
                delta *= grad
                _decay_square_(u, delta, rho, out=tmp)
                _add_(p._array, delta, -lr, out=tmp)
                _bump(p)
        return loss
