"""Rprop: each coordinate's step grows while its gradient keeps its sign and shrinks when it flips."""
import numpy as np

from .optimizer import Optimizer, _bump, _check_lr, _scalar, _step_tensor, _zeros_like
from .._tensor import Tensor

__all__ = ["Rprop"]


class Rprop(Optimizer):
    r"""Resilient backpropagation (Riedmiller & Braun).

    .. math::
        \eta_t &= \operatorname{clip}\big(\eta_{t-1} \cdot
            \{\eta_+ \text{ if } g_t g_{t-1} > 0;\ \eta_- \text{ if } < 0;\ 1\},\
            \eta_{min}, \eta_{max}\big)\\
        g_t &\leftarrow 0 \text{ where the sign flipped}\\
        \theta_t &= \theta_{t-1} - \eta_t \operatorname{sign}(g_t)

    State: ``step``, ``prev`` (:math:`g_{t-1}`), ``step_size`` (:math:`\eta`, starting at lr).
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            etaminus, etaplus = group["etas"]
            step_size_min, step_size_max = group["step_sizes"]
            for p, state in self._params_with_grad(group):
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    state["prev"] = _zeros_like(p)
                    state["step_size"] = Tensor._make(
                        np.full_like(p.grad._array, float(_scalar(group["lr"]))))
                state["step"]._array += 1
                grad = p.grad._array
                grad = np.negative(grad) if group["maximize"] else grad.copy()
                prev, step_size = state["prev"]._array, state["step_size"]._array
                sign = np.sign(grad * prev)
                factor = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, 1))
                sign[...] = factor
                step_size *= sign
                np.clip(step_size, step_size_min, step_size_max, out=step_size)
                grad[sign == sign.dtype.type(etaminus)] = 0
                update = np.sign(grad)
                update *= -1.0
                update *= step_size
                p._array += update
                prev[...] = grad
                _bump(p)
        return loss
