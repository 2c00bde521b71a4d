"""Adafactor: Adam-like steps whose second moment of a matrix is stored as row and column means."""
import numpy as np

from .optimizer import Optimizer, _add_, _bump, _scalar, _step_tensor, lerp_
from .._tensor import Tensor

__all__ = ["Adafactor"]


class Adafactor(Optimizer):
    r"""Adafactor (Shazeer & Stern), as torch 2.13 implements it.

    With :math:`\hat\beta_{2,t} = 1 - t^{c}` (``beta2_decay`` :math:`c`),
    :math:`\rho_t = \min(\gamma, 1/\sqrt t)` and
    :math:`\alpha_t = \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\,\rho_t`:

    .. math::
        R_t &= \hat\beta_{2,t} R_{t-1} + (1-\hat\beta_{2,t})\,\overline{g_t^2}^{\,\text{row}}
        \qquad C_t = \hat\beta_{2,t} C_{t-1} + (1-\hat\beta_{2,t})\,\overline{g_t^2}^{\,\text{col}}\\
        \hat V_t &= R_t C_t / \max(\overline{R_t}, \epsilon_1)
        \quad(\text{a vector keeps } V_t \text{ itself})\\
        U_t &= g_t / \sqrt{\max(\hat V_t, \epsilon_1^2)}\\
        \theta_t &= (1-\gamma\lambda)\,\theta_{t-1} - \alpha_t\, U_t / \max(1, \mathrm{RMS}(U_t)/d)

    State: ``step``, and ``row_var``/``col_var`` (tensors of two or more dims) or ``variance``.
    """

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0, *, foreach=None, maximize=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, (eps1, eps2), wd = _scalar(group["lr"]), group["eps"], group["weight_decay"]
            for p, state in self._params_with_grad(group):
                grad = p.grad._array
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    if grad.ndim > 1:
                        state["row_var"] = Tensor._make(np.zeros(grad.shape[:-1] + (1,), grad.dtype))
                        state["col_var"] = Tensor._make(
                            np.zeros(grad.shape[:-2] + (1,) + grad.shape[-1:], grad.dtype))
                    else:
                        state["variance"] = Tensor._make(np.zeros_like(grad))
                if group["maximize"]:
                    grad = np.negative(grad)
                param = p._array
                e1 = np.finfo(param.dtype).eps if eps1 is None else eps1
                state["step"]._array += 1
                step = float(state["step"]._array)
                weight = step ** group["beta2_decay"]
                rho_t = min(lr, 1 / step ** 0.5)
                alpha = max(eps2, _norm(param) / param.size ** 0.5) * rho_t
                if wd != 0:
                    param *= float(1 - lr * wd)
                if grad.ndim > 1:
                    row_var, col_var = state["row_var"]._array, state["col_var"]._array
                    lerp_(row_var, _mean_square(grad, -1), weight)
                    lerp_(col_var, _mean_square(grad, -2), weight)
                    var = np.matmul(row_var, col_var)
                    var /= np.maximum(row_var.mean(axis=-2, keepdims=True), e1)
                else:
                    variance = state["variance"]._array
                    lerp_(variance, grad * grad, weight)
                    var = variance.copy()
                np.maximum(var, e1 * e1, out=var)
                np.sqrt(var, out=var)
                update = np.divide(1, var, out=var)
                update *= grad
                denom = max(1.0, _norm(update) / (update.size ** 0.5 * group["d"]))
                _add_(param, update, -alpha / denom)
                _bump(p)
        return loss


def _norm(a):
    """The 2-norm as a number, rounded to ``a``'s dtype as torch's ``norm().item()`` is."""
    return float(a.dtype.type(np.sqrt(np.vdot(a.ravel().astype(np.float64),
                                              a.ravel().astype(np.float64)))))


def _mean_square(grad, axis):
    """``norm(grad, dim=axis, keepdim=True).square() / size``: torch squares the norm back."""
    out = np.sqrt(np.sum(np.square(grad), axis=axis, keepdims=True))
    out *= out
    out /= grad.shape[axis]
    return out
