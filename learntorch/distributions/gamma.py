"""The gamma family: Gamma(concentration, rate), and Chi2(df) = Gamma(df/2, 1/2)."""
import numbers

import numpy as np

from .. import ops, special
from .._finfo import finfo
from .._tensor import Size, Tensor
from ..autograd import Function
from ..ops import gamma as _gamma_kernels, sampling_serial
from . import constraints
from .exp_family import ExponentialFamily
from .utils import broadcast_all

__all__ = ["Gamma", "Chi2"]


def _lower_gamma_da(alpha, x, terms):
    """∂P(α, x)/∂α for the regularized lower incomplete gamma P, from its series
    ``P = Σ_n x^(α+n) e^(−x) / Γ(α+n+1)``, each term differentiated in α."""
    a = alpha[None, :] + np.arange(terms)[:, None]
    log_x = np.log(x)[None, :]
    log_terms = a * log_x - x[None, :] - _gamma_kernels.lgamma(a + 1)
    return np.sum(np.exp(log_terms) * (log_x - _gamma_kernels.digamma(a + 1)), axis=0)


class _StandardGamma(Function):
    """A Gamma(α, 1) draw, differentiable in α by implicit differentiation: the draw is
    ``x = P⁻¹(u; α)`` for the uniform ``u`` behind it, so ``dx/dα = −(∂P/∂α) / p(x; α)``.
    torch uses rational approximations of this derivative; this is the series itself, so
    gradients agree with torch's to about its approximation error (≈1e-4 relative)."""

    @staticmethod
    def forward(ctx, alpha):
        sample = sampling_serial._standard_gamma(alpha)
        ctx.save_for_backward(alpha, sample)
        return sample

    @staticmethod
    def backward(ctx, grad):
        alpha, sample = ctx.saved_tensors
        a = alpha._array.astype(np.float64).ravel()
        x = sample._array.astype(np.float64).ravel()
        terms = int(min(20000, np.max(x, initial=0) + 12 * np.sqrt(np.max(x, initial=0)) + 60))
        dP = _lower_gamma_da(a, x, terms)
        log_density = (a - 1) * np.log(x) - x - _gamma_kernels.lgamma(a)
        dx = (-dP / np.exp(log_density)).reshape(alpha.shape).astype(alpha._array.dtype)
        return grad * Tensor._make(dx)


def _standard_gamma(concentration):
    if concentration.requires_grad:
        return _StandardGamma.apply(concentration)
    return sampling_serial._standard_gamma(concentration)


class Gamma(ExponentialFamily):
    """Density ``rate^α x^(α−1) e^(−rate·x) / Γ(α)``; samples are torch's (Marsaglia–Tsang
    on torch's generator stream, ops/sampling_serial.py)."""
    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        if isinstance(concentration, numbers.Number) and isinstance(rate, numbers.Number):
            batch_shape = Size()
        else:
            batch_shape = self.concentration.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Gamma, batch_shape, _instance, ("concentration", "rate"))

    def rsample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        value = _standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        value.detach().clamp_(min=finfo(value.dtype).tiny)
        return value

    def log_prob(self, value):
        value = ops.as_tensor(value, dtype=self.rate.dtype, device=self.rate.device)
        if self._validate_args:
            self._validate_sample(value)
        return (ops.xlogy(self.concentration, self.rate) + ops.xlogy(self.concentration - 1, value)
                - self.rate * value - ops.lgamma(self.concentration))

    def entropy(self):
        return (self.concentration - ops.log(self.rate) + ops.lgamma(self.concentration)
                + (1.0 - self.concentration) * ops.digamma(self.concentration))

    @property
    def _natural_params(self):
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x, y):
        return ops.lgamma(x + 1) + (x + 1) * ops.log(-y.reciprocal())

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return special.gammainc(self.concentration, self.rate * value)


class Chi2(Gamma):
    """The chi-squared distribution with ``df`` degrees of freedom."""
    arg_constraints = {"df": constraints.positive}

    def __init__(self, df, validate_args=None):
        super().__init__(0.5 * df, 0.5, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Chi2, _instance)
        return super().expand(batch_shape, new)

    @property
    def df(self):
        return self.concentration * 2
