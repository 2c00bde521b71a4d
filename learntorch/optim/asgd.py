"""ASGD: SGD with a decaying step and a running (Polyak) average of the iterates."""
import numpy as np

from .optimizer import Optimizer, _add_, _bump, _check_lr, _grad, _scalar, _step_tensor, _zeros_like

__all__ = ["ASGD"]


class ASGD(Optimizer):
    r"""Averaged SGD (Polyak & Juditsky).

    .. math::
        \theta_t &= (1 - \lambda\eta_{t-1})\,\theta_{t-1} - \eta_{t-1} g_t\\
        \bar\theta_t &= \bar\theta_{t-1} + \mu_{t-1}(\theta_t - \bar\theta_{t-1})\\
        \eta_t &= \gamma / (1 + \lambda\gamma t)^\alpha \qquad \mu_t = 1/\max(1, t - t_0)

    State: ``step``, ``eta``, ``mu`` (0-d tensors), ``ax`` (the average :math:`\bar\theta`).
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, lambd = _scalar(group["lr"]), group["lambd"]
            for p, state in self._params_with_grad(group):
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    state["eta"] = _step_tensor(lr)
                    state["mu"] = _step_tensor(1.0)
                    state["ax"] = _zeros_like(p)
                grad = _grad(p, group["maximize"], group["weight_decay"])
                param, ax = p._array, state["ax"]._array
                state["step"]._array += 1
                eta = float(state["eta"]._array)
                param *= 1 - lambd * eta
                tmp = _add_(param, grad, -eta)
                mu = state["mu"]._array[()]
                if mu != 1:
                    np.subtract(param, ax, out=tmp)
                    tmp *= mu
                    ax += tmp
                else:
                    ax[...] = param
                step = float(state["step"]._array)
                state["eta"]._array[...] = lr / (1 + lambd * lr * step) ** group["alpha"]
                state["mu"]._array[...] = 1 / max(1, step - group["t0"])
                _bump(p)
        return loss
