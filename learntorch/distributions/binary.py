"""What the families of one success probability share (Bernoulli, Binomial, Geometric,
NegativeBinomial, ContinuousBernoulli, LogitRelaxedBernoulli): they take exactly one of ``probs``
and ``logits`` and compute the other lazily, ``sigmoid``/``logit`` apart."""
from .utils import lazy_property, logits_to_probs, probs_to_logits

__all__ = []


class BinaryProbs:
    """Mix in before the Distribution base: the ``probs``/``logits`` pair and its bookkeeping."""

    @staticmethod
    def _check_one_of(probs, logits):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")

    def _expand_probs_or_logits(self, new, shape):
        """Give ``new`` (an ``expand`` result) this one's parameter, expanded to ``shape``."""
        for name in ("probs", "logits"):
            if name in self.__dict__:
                setattr(new, name, getattr(self, name).expand(shape))
                new._param = getattr(new, name)

    def _new(self, *args, **kwargs):
        return self._param.new(*args, **kwargs)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self):
        return self._param.size()
