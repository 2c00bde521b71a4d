"""HalfNormal and HalfCauchy: ``|X|`` for a distribution ``X`` symmetric about zero.

Folding a symmetric density at zero doubles it on ``[0, ∞)``, so log_prob, cdf, icdf and
entropy follow from the base's in one line each; only the moments differ.
"""
import math

from .. import ops
from . import constraints
from .cauchy import Cauchy
from .normal import Normal
from .transformed_distribution import TransformedDistribution
from .transforms import AbsTransform

__all__ = ["HalfCauchy", "HalfNormal"]


class _Folded(TransformedDistribution):
    """``|X|`` for ``X ~ base(0, scale)``; subclasses name the base and give the moments."""
    arg_constraints = {"scale": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _base = None

    def __init__(self, scale, validate_args=None):
        base_dist = self._base(0, scale, validate_args=False)
        super().__init__(base_dist, AbsTransform(), validate_args=validate_args)

    def _expand_as(self, cls, batch_shape, _instance):
        new = self._get_checked_instance(cls, _instance)
        return TransformedDistribution.expand(self, batch_shape, _instance=new)

    @property
    def scale(self):
        return self.base_dist.scale

    @property
    def mode(self):
        return ops.zeros_like(self.scale)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        value = ops.as_tensor(value, dtype=self.scale.dtype, device=self.scale.device)
        log_prob = self.base_dist.log_prob(value) + math.log(2)
        return ops.where(value >= 0, log_prob, -math.inf)

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, prob):
        return self.base_dist.icdf((prob + 1) / 2)

    def entropy(self):
        return self.base_dist.entropy() - math.log(2)


class HalfNormal(_Folded):
    """``|X|`` for ``X ~ N(0, scale²)``."""
    _base = Normal

    def expand(self, batch_shape, _instance=None):
        return self._expand_as(HalfNormal, batch_shape, _instance)

    @property
    def mean(self):
        return self.scale * math.sqrt(2 / math.pi)

    @property
    def variance(self):
        return self.scale.pow(2) * (1 - 2 / math.pi)


class HalfCauchy(_Folded):
    """``|X|`` for ``X ~ Cauchy(0, scale)``, a heavy-tailed prior on scales."""
    _base = Cauchy

    def expand(self, batch_shape, _instance=None):
        return self._expand_as(HalfCauchy, batch_shape, _instance)

    @property
    def mean(self):
        return ops.full(self._extended_shape(), math.inf, dtype=self.scale.dtype,
                        device=self.scale.device)

    @property
    def variance(self):
        return self.base_dist.variance
