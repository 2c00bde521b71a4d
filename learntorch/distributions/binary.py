"""What the families of one success probability share (Bernoulli, Binomial, Geometric,
NegativeBinomial, ContinuousBernoulli, LogitRelaxedBernoulli): they take exactly one of ``probs``
and ``logits`` and compute the other lazily, ``sigmoid``/``logit`` apart."""
import numbers

from .._tensor import Size
from .utils import broadcast_all, lazy_property, logits_to_probs, probs_to_logits

__all__ = []


class BinaryProbs:
    """Mix in before the Distribution base: the ``probs``/``logits`` pair and its bookkeeping."""

    @staticmethod
    def _check_one_of(probs, logits):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")

    def _store_one_of(self, probs, logits):
        """Keep whichever of ``probs``/``logits`` is given, as a tensor, and return the batch
        shape it implies (a Python number makes a 0-d batch)."""
        self._check_one_of(probs, logits)
        name, given = ("probs", probs) if probs is not None else ("logits", logits)
        (self._param,) = broadcast_all(given)
        setattr(self, name, self._param)
        return Size() if isinstance(given, numbers.Number) else self._param.size()

    def _expand_as(self, cls, batch_shape, _instance):
        """``expand`` for the family ``cls``: a new instance holding this one's parameter
        expanded (a view) to ``batch_shape``; families with more state add it after."""
        new = self._get_checked_instance(cls, _instance)
        batch_shape = Size(batch_shape)
        for name in ("probs", "logits"):
            if name in self.__dict__:
                setattr(new, name, getattr(self, name).expand(batch_shape))
                new._param = getattr(new, name)
        super(BinaryProbs, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

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


class CountedTrials(BinaryProbs):
    """Binomial and NegativeBinomial: a ``total_count`` of trials broadcast with the one
    success parameter (and cast to its dtype)."""

    def _init_counted(self, total_count, probs, logits, validate_args):
        self._check_one_of(probs, logits)
        name, given = ("probs", probs) if probs is not None else ("logits", logits)
        total_count, self._param = broadcast_all(total_count, given)
        self.total_count = total_count.type_as(self._param)
        setattr(self, name, self._param)
        super().__init__(self._param.size(), validate_args=validate_args)

    def _expand_as(self, cls, batch_shape, _instance):
        new = super()._expand_as(cls, batch_shape, _instance)
        new.total_count = self.total_count.expand(batch_shape)
        return new
