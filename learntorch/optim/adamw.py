"""AdamW: Adam with the weight decay taken out of the gradient (Loshchilov & Hutter)."""
from .adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    r"""Adam with decoupled weight decay: before the Adam update,

    .. math:: \theta_{t-1} \leftarrow (1 - \alpha\lambda)\,\theta_{t-1}

    so the decay is not rescaled by :math:`1/\sqrt{\hat v_t}` as an L2 term in the gradient is.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
