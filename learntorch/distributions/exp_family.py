"""``ExponentialFamily``: densities ``p(x; θ) = h(x) exp(⟨t(x), θ⟩ − F(θ))``. Knowing the log
normalizer ``F`` gives the entropy by differentiation (the Bregman divergence of ``F``)."""
from ..autograd import engine
from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    @property
    def _natural_params(self):
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        raise NotImplementedError

    def entropy(self):
        """``F(θ) − ⟨θ, ∇F(θ)⟩ − E[log h(x)]``, with ``∇F`` from autograd."""
        result = -self._mean_carrier_measure
        nparams = [p.detach().requires_grad_() for p in self._natural_params]
        lg_normal = self._log_normalizer(*nparams)
        gradients = engine.grad(lg_normal.sum(), nparams, create_graph=True)
        result = result + lg_normal
        for np_, g in zip(nparams, gradients):
            result = result - (np_ * g).reshape(self._batch_shape + (-1,)).sum(-1)
        return result
