"""``torch.distributions``: parametrized probability distributions — sampling (with
reparameterized, differentiable ``rsample`` where the family has one), ``log_prob``, moments,
entropy and ``kl_divergence`` — following torch's package.

Samples are torch's numbers for the same seed: each family draws through learntorch's
torch-identical generator with the calls torch makes (``normal``, ``rand``, ``exponential_``,
``multinomial`` …), and the gamma, Dirichlet, Poisson and binomial samplers reproduce ATen's
element-by-element kernels (ops/sampling_serial.py).
"""
from . import constraints, transforms
from .bernoulli import Bernoulli
from .categorical import Categorical, OneHotCategorical, OneHotCategoricalStraightThrough
from .cauchy import Cauchy
from .dirichlet import Beta, Dirichlet
from .discrete import Binomial, Geometric, Poisson
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .exponential import Exponential
from .gamma import Chi2, Gamma
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .half import HalfCauchy, HalfNormal
from .log_normal import LogNormal
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .transformed_distribution import TransformedDistribution
from .transforms import (AbsTransform, AffineTransform, ComposeTransform, ExpTransform,
                         PowerTransform, SigmoidTransform, SoftplusTransform, TanhTransform,
                         Transform, identity_transform)
from .uniform import Uniform
from .constraint_registry import biject_to, transform_to
from .continuous_bernoulli import ContinuousBernoulli
from .fisher_snedecor import FisherSnedecor
from .generalized_pareto import GeneralizedPareto
from .gumbel import Gumbel
from .inverse_gamma import InverseGamma
from .kumaraswamy import Kumaraswamy
from .lkj_cholesky import LKJCholesky
from .logistic_normal import LogisticNormal
from .lowrank_multivariate_normal import LowRankMultivariateNormal
from .mixture_same_family import MixtureSameFamily
from .multinomial import Multinomial
from .negative_binomial import NegativeBinomial
from .pareto import Pareto
from .relaxed import RelaxedBernoulli, RelaxedOneHotCategorical
from .student_t import StudentT
from .transforms import (CatTransform, CorrCholeskyTransform, CumulativeDistributionTransform,
                         IndependentTransform, LowerCholeskyTransform, PositiveDefiniteTransform,
                         ReshapeTransform, SoftmaxTransform, StackTransform,
                         StickBreakingTransform)
from .von_mises import VonMises
from .weibull import Weibull
from .wishart import Wishart
from . import kl_pairs  # noqa: F401  (registers the remaining kl_divergence closed forms)

__all__ = ["AbsTransform", "AffineTransform", "Bernoulli", "Beta", "Binomial", "Categorical",
           "Cauchy", "Chi2", "ComposeTransform", "Dirichlet", "Distribution", "ExpTransform",
           "Exponential", "ExponentialFamily", "Gamma", "Geometric", "HalfNormal", "Independent",
           "Laplace", "LogNormal", "MultivariateNormal", "Normal", "OneHotCategorical",
           "OneHotCategoricalStraightThrough", "Poisson", "PowerTransform", "SigmoidTransform",
           "SoftplusTransform", "TanhTransform", "Transform", "TransformedDistribution",
           "Uniform", "identity_transform", "kl_divergence", "register_kl",
           "CatTransform", "ContinuousBernoulli", "CorrCholeskyTransform",
           "CumulativeDistributionTransform", "FisherSnedecor", "GeneralizedPareto", "Gumbel",
           "HalfCauchy", "IndependentTransform", "InverseGamma", "Kumaraswamy", "LKJCholesky",
           "LogisticNormal", "LowRankMultivariateNormal", "LowerCholeskyTransform",
           "MixtureSameFamily", "Multinomial", "NegativeBinomial", "Pareto",
           "PositiveDefiniteTransform", "RelaxedBernoulli", "RelaxedOneHotCategorical",
           "ReshapeTransform", "SoftmaxTransform", "StackTransform", "StickBreakingTransform",
           "StudentT", "VonMises", "Weibull", "Wishart", "biject_to", "transform_to"]
