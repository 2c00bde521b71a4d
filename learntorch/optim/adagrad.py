"""Adagrad: per-coordinate step sizes that shrink with the sum of squared gradients."""
import numpy as np

from .optimizer import Optimizer, _addcdiv_, _bump, _check_lr, _grad, _scalar, _step_tensor
from .._tensor import Tensor

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al.).

    .. math::
        \tilde\gamma_t &= \gamma / (1 + (t-1)\,\eta) \qquad(\text{lr\_decay } \eta)\\
        s_t &= s_{t-1} + g_t^2 \qquad (s_0 = \text{initial\_accumulator\_value})\\
        \theta_t &= \theta_{t-1} - \tilde\gamma_t\, g_t / (\sqrt{s_t} + \epsilon)

    State (created for every parameter at construction, as in torch): ``step``, ``sum``.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_lr(lr)
        for name, value in (("lr_decay", lr_decay), ("weight_decay", weight_decay),
                            ("initial_accumulator_value", initial_accumulator_value)):
            if not 0.0 <= value:
                raise ValueError(f"Invalid {name} value: {value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p)

    def _init_state(self, p):
        state = self.state[p]
        state["step"] = _step_tensor()
        state["sum"] = Tensor._make(np.full_like(p._array,
                                                 self.defaults["initial_accumulator_value"]))

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            for p, state in self._params_with_grad(group):
                if len(state) == 0:
                    self._init_state(p)
                state["step"]._array += 1
                step = float(state["step"]._array)
                grad = _grad(p, group["maximize"], group["weight_decay"])
                clr = lr / (1 + (step - 1) * group["lr_decay"])
                s = state["sum"]._array
                tmp = np.multiply(grad, grad)
                s += tmp
                std = np.sqrt(s)
                std += group["eps"]
                _addcdiv_(p._array, grad, std, -clr, out=tmp)
                _bump(p)
        return loss
