"""The rest of torch.distributions: the remaining families, the event-level transforms,
biject_to/transform_to and every kl_divergence pair torch registers — seeded samples, scores,
moments, entropies, cdfs, rsample gradients, reprs and errors equal torch's."""
import warnings

import numpy as np
import pytest

import learntorch as lt

torch = pytest.importorskip("torch")

D, TD = lt.distributions, torch.distributions
pytestmark = pytest.mark.usefixtures("both_validate_arguments")  # tests/parity/conftest.py


def both(values, dtype="float64", requires_grad=False):
    a = np.asarray(values, dtype=np.float64)
    return (lt.tensor(a, dtype=getattr(lt, dtype), requires_grad=requires_grad),
            torch.tensor(a, dtype=getattr(torch, dtype), requires_grad=requires_grad))


def close(ours, theirs, rtol=1e-10, atol=1e-12):
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=rtol,
                               atol=atol, equal_nan=True)


def same_error(call, tcall, kind=Exception):
    with pytest.raises(kind) as theirs:
        tcall()
    with pytest.raises(type(theirs.value)) as ours:
        call()
    assert str(ours.value) == str(theirs.value)


TRIL = [[[1.0, 0.0], [0.4, 0.9]], [[2.0, 0.0], [-0.3, 0.5]]]
# name: (the oracle, parameters (ints pass as they are, the rest become tensors), keyword
# parameters)
FAMILIES = {
    "Gumbel": (torch.distributions.Gumbel, ([[0.0, 1.5], [-2.0, 0.3]], [0.5, 2.0]), {}),
    "HalfCauchy": (torch.distributions.HalfCauchy, ([1.0, 2.5, 0.3],), {}),
    "StudentT": (torch.distributions.StudentT, ([0.7, 3.0, 30.0], [0.0, 1.0, -1.0],
                                                [1.0, 2.0, 0.5]), {}),
    "Pareto": (torch.distributions.Pareto, ([1.0, 2.0, 0.5], [0.8, 2.5, 4.0]), {}),
    "Weibull": (torch.distributions.Weibull, ([1.0, 2.0, 0.5], [0.7, 1.5, 4.0]), {}),
    "InverseGamma": (torch.distributions.InverseGamma, ([0.8, 2.5, 4.0], [1.0, 2.0, 0.5]), {}),
    "Kumaraswamy": (torch.distributions.Kumaraswamy, ([0.5, 2.0, 3.0], [0.7, 1.5, 4.0]), {}),
    "FisherSnedecor": (torch.distributions.FisherSnedecor, ([1.5, 3.0, 8.0],
                                                            [3.0, 4.5, 12.0]), {}),
    "NegativeBinomial": (torch.distributions.NegativeBinomial, ([3.0, 0.5, 12.0],
                                                                [0.3, 0.8, 0.5]), {}),
    "Multinomial": (torch.distributions.Multinomial, (6, [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]),
                    {}),
    "RelaxedBernoulli": (torch.distributions.RelaxedBernoulli, ([0.5], [0.3, 0.9, 0.5]), {}),
    "RelaxedOneHotCategorical": (torch.distributions.RelaxedOneHotCategorical,
                                 ([0.7], [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]), {}),
    "ContinuousBernoulli": (torch.distributions.ContinuousBernoulli,
                            ([0.2, 0.4995, 0.9],), {}),
    "GeneralizedPareto": (torch.distributions.GeneralizedPareto,
                          ([0.0, 1.0, -1.0], [1.0, 2.0, 0.5], [0.2, -0.3, 0.0]), {}),
    "VonMises": (torch.distributions.VonMises, ([0.0, 1.0, -2.0], [0.5, 4.0, 1e-6]), {}),
    "LogisticNormal": (torch.distributions.LogisticNormal, ([[0.0, 1.0, -1.0]],
                                                            [[1.0, 0.5, 2.0]]), {}),
    "LowRankMultivariateNormal": (torch.distributions.LowRankMultivariateNormal,
                                  ([[0.0, 1.0, -1.0], [2.0, 0.0, 0.5]],
                                   [[1.0, 0.2], [0.3, -0.5], [0.0, 0.7]],
                                   [0.5, 1.5, 2.0]), {}),
    "LKJCholesky": (torch.distributions.LKJCholesky, (3, [0.5, 2.0]), {}),
    "Wishart": (torch.distributions.Wishart, ([3.0, 5.5],), {"scale_tril": TRIL}),
}
# seeded samples equal torch's to the last bit in these dtypes; elsewhere torch's vectorized
# log/exp/pow/trig (SLEEF) and NumPy's differ in the last bit, or a matrix product sums in
# another order (the random draws themselves are identical)
# Weibull, Kumaraswamy and Pareto draw through pow/exp/log, whose last bit NumPy and torch
# share on some CPUs only (on an AVX-512 AMD EPYC, 2026-12-01, 4-36% of exp/log/pow results
# differed by an ulp): they are compared within the tolerances below, not bit for bit
BITWISE = {"HalfCauchy": ("float32", "float64"), "StudentT": ("float32", "float64"),
           "InverseGamma": ("float32", "float64"), "FisherSnedecor": ("float32", "float64"),
           "NegativeBinomial": ("float32", "float64"), "Multinomial": ("float32", "float64"),
           "Gumbel": ("float64",), "VonMises": ("float32",)}
NO_RSAMPLE = {"NegativeBinomial", "Multinomial", "VonMises", "LKJCholesky"}
# torch 2.13's GeneralizedPareto.log_prob/cdf compare a float32 constant with the parameters
# ("Double did not match Float" in float64), so it is scored in float32
SCORE_DTYPE = {"GeneralizedPareto": "float32"}


def score_tolerance(name):
    return 1e-5 if name in SCORE_DTYPE else 1e-9


def make(name, dtype="float64", requires_grad=False):
    oracle, params, kwargs = FAMILIES[name]
    pairs = [(p, p) if isinstance(p, int) else both(p, dtype, requires_grad) for p in params]
    kw_ours, kw_theirs = {}, {}
    for key, value in kwargs.items():
        if isinstance(value, list):
            kw_ours[key], kw_theirs[key] = both(value, dtype)
        else:
            kw_ours[key] = kw_theirs[key] = value
    ours = getattr(D, name)(*[o for o, _ in pairs], **kw_ours)
    theirs = oracle(*[t for _, t in pairs], **kw_theirs)
    return ours, theirs, pairs


def quiet(fn, *args):
    """Wishart's rsample warns ("Singular sample detected.") in both libraries."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


@pytest.mark.parametrize("name", sorted(FAMILIES))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_seeded_samples_are_torch_s(name, dtype):
    ours, theirs, _ = make(name, dtype)
    lt.manual_seed(7), torch.manual_seed(7)
    a, b = quiet(ours.sample, (4, 2)), quiet(theirs.sample, (4, 2))
    if dtype in BITWISE.get(name, ()):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    else:
        close(a, b, rtol=2e-5 if dtype == "float32" else 1e-12, atol=1e-6 if dtype ==
              "float32" else 1e-13)
    assert lt.rand(3).tolist() == torch.rand(3).tolist()  # the generators stay in step


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_shapes_repr_and_scores(name):
    ours, theirs, _ = make(name, SCORE_DTYPE.get(name, "float64"))
    assert ours.batch_shape == theirs.batch_shape and ours.event_shape == theirs.event_shape
    assert repr(ours) == repr(theirs)
    assert ours.has_rsample == theirs.has_rsample
    torch.manual_seed(1)
    value = quiet(theirs.sample, (5,))
    close(ours.log_prob(lt.tensor(value.numpy())), theirs.log_prob(value),
          rtol=score_tolerance(name), atol=1e-6)
    for moment in ("mean", "mode", "variance", "stddev"):
        try:
            expected = getattr(theirs, moment)
        except NotImplementedError:
            with pytest.raises(NotImplementedError):
                getattr(ours, moment)
            continue
        close(getattr(ours, moment), expected, rtol=score_tolerance(name))


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_entropy(name):
    ours, theirs, _ = make(name)
    try:
        expected = theirs.entropy()
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            ours.entropy()
        return
    close(ours.entropy(), expected, rtol=1e-9)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_expand(name):
    ours, theirs, _ = make(name)
    shape = (2,) + tuple(theirs.batch_shape)
    a, b = ours.expand(shape), theirs.expand(shape)
    assert a.batch_shape == b.batch_shape and a.event_shape == b.event_shape
    lt.manual_seed(10), torch.manual_seed(10)
    close(quiet(a.sample), quiet(b.sample), rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("name", ["HalfCauchy", "Gumbel", "Weibull", "Kumaraswamy", "Pareto",
                                  "ContinuousBernoulli", "GeneralizedPareto"])
def test_cdf_and_icdf(name):
    dtype = SCORE_DTYPE.get(name, "float64")
    ours, theirs, _ = make(name, dtype)
    torch.manual_seed(2)
    value = theirs.sample((3,))
    close(ours.cdf(lt.tensor(value.numpy())), theirs.cdf(value), rtol=score_tolerance(name))
    q = torch.rand((3,) + tuple(theirs.batch_shape), dtype=getattr(torch, dtype))
    close(ours.icdf(lt.tensor(q.numpy())), theirs.icdf(q), rtol=score_tolerance(name))


def test_generalized_pareto_log_cdf_and_survival():
    ours, theirs, _ = make("GeneralizedPareto", "float32")
    value = torch.tensor([0.5, 1.5, -0.8])
    close(ours.log_survival_function(lt.tensor(value.numpy())),
          theirs.log_survival_function(value), rtol=1e-6)
    close(ours.log_cdf(lt.tensor(value.numpy())), theirs.log_cdf(value), rtol=1e-5)
    assert repr(ours.support) == repr(theirs.support)


# torch's Wishart.rsample cannot be differentiated (its singular-sample redraw writes into a
# mask autograd saved); the gamma-based families have their own test below
@pytest.mark.parametrize("name", sorted(set(FAMILIES) - NO_RSAMPLE - {
    "StudentT", "FisherSnedecor", "InverseGamma", "Wishart"}))
def test_rsample_gradients_flow_to_the_parameters(name):
    ours, theirs, pairs = make(name, requires_grad=True)
    lt.manual_seed(3), torch.manual_seed(3)
    (quiet(ours.rsample, (6,)) ** 2).sum().backward()
    (quiet(theirs.rsample, (6,)) ** 2).sum().backward()
    for o, t in pairs:
        if not isinstance(o, int):
            close(o.grad, t.grad, rtol=1e-8)


@pytest.mark.parametrize("name", ["StudentT", "FisherSnedecor", "InverseGamma"])
def test_gamma_based_rsample_gradients(name):
    """Through Gamma's implicit reparameterization: torch approximates dx/dα, learntorch
    sums its series, so the concentration's gradient agrees to ≈1e-3."""
    ours, theirs, pairs = make(name, requires_grad=True)
    lt.manual_seed(4), torch.manual_seed(4)
    ours.rsample((5,)).sum().backward()
    theirs.rsample((5,)).sum().backward()
    for o, t in pairs:
        close(o.grad, t.grad, rtol=3e-3, atol=1e-8)


@pytest.mark.parametrize("name", ["StudentT", "LowRankMultivariateNormal", "Kumaraswamy",
                                  "VonMises", "ContinuousBernoulli", "Wishart"])
def test_log_prob_gradcheck(name):
    _, theirs, pairs = make(name)
    torch.manual_seed(5)
    value = lt.tensor(quiet(theirs.sample, (2,)).numpy())
    oracle, params, kwargs = FAMILIES[name]
    kw = {k: (lt.tensor(np.asarray(v)) if isinstance(v, list) else v) for k, v in kwargs.items()}
    inputs = tuple(p if isinstance(p, int) else lt.tensor(np.asarray(p, dtype=np.float64),
                                                          requires_grad=True) for p in params)
    assert lt.autograd.gradcheck(
        lambda *ps: getattr(D, name)(*ps, **kw, validate_args=False).log_prob(value), inputs)


def test_multinomial_counts_and_errors():
    ours, theirs, _ = make("Multinomial")
    lt.manual_seed(6), torch.manual_seed(6)
    a, b = ours.sample((3,)), theirs.sample((3,))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert (a.sum(-1) == 6).all()
    assert repr(ours.support) == repr(theirs.support)
    same_error(lambda: D.Multinomial(2.5, lt.tensor([0.5, 0.5])),
               lambda: torch.distributions.Multinomial(2.5, torch.tensor([0.5, 0.5])))


def test_mixture_same_family():
    (w, tw), (loc, tloc) = both([[0.2, 0.8], [0.5, 0.5]]), both(np.arange(8.0).reshape(2, 2, 2))
    (scale, tscale) = both(np.full((2, 2, 2), 0.7))
    ours = D.MixtureSameFamily(D.Categorical(w), D.Independent(D.Normal(loc, scale), 1))
    theirs = torch.distributions.MixtureSameFamily(
        torch.distributions.Categorical(tw),
        torch.distributions.Independent(torch.distributions.Normal(tloc, tscale), 1))
    assert repr(ours) == repr(theirs)
    assert ours.batch_shape == theirs.batch_shape and ours.event_shape == theirs.event_shape
    lt.manual_seed(8), torch.manual_seed(8)
    a, b = ours.sample((5,)), theirs.sample((5,))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    close(ours.log_prob(a), theirs.log_prob(b))
    close(ours.mean, theirs.mean)
    close(ours.variance, theirs.variance)
    assert repr(ours.support) == repr(theirs.support)
    close(ours.expand((3, 2)).log_prob(a[:, None]), theirs.expand((3, 2)).log_prob(b[:, None]))
    univariate = D.MixtureSameFamily(D.Categorical(w), D.Normal(loc[..., 0], scale[..., 0]))
    tunivariate = torch.distributions.MixtureSameFamily(
        torch.distributions.Categorical(tw), torch.distributions.Normal(tloc[..., 0],
                                                                        tscale[..., 0]))
    x = torch.tensor([[0.5, 3.0], [4.0, 7.5]], dtype=torch.float64)
    close(univariate.cdf(lt.tensor(x.numpy())), tunivariate.cdf(x))
    same_error(lambda: D.MixtureSameFamily(D.Normal(0.0, 1.0), D.Normal(loc, scale)),
               lambda: torch.distributions.MixtureSameFamily(
                   torch.distributions.Normal(0.0, 1.0), torch.distributions.Normal(tloc,
                                                                                    tscale)))
    same_error(lambda: D.MixtureSameFamily(D.Categorical(lt.ones(3)), D.Normal(loc, scale)),
               lambda: torch.distributions.MixtureSameFamily(
                   torch.distributions.Categorical(torch.ones(3)),
                   torch.distributions.Normal(tloc, tscale)))


def test_lowrank_multivariate_normal_matrices():
    ours, theirs, _ = make("LowRankMultivariateNormal")
    for name in ("covariance_matrix", "precision_matrix", "scale_tril"):
        close(getattr(ours, name), getattr(theirs, name), rtol=1e-9)
    (loc, tloc), (w, tw) = both([0.0, 1.0]), both([[1.0], [0.5], [0.2]])
    same_error(lambda: D.LowRankMultivariateNormal(loc, w, lt.ones(2)),
               lambda: torch.distributions.LowRankMultivariateNormal(tloc, tw, torch.ones(2)))


def test_wishart_redraws_as_torch_does():
    """torch 2.13 flags every valid first Bartlett draw as singular and redraws it, warning;
    the second draw is the one returned — learntorch follows, so seeded samples agree."""
    ours, theirs, _ = make("Wishart")
    lt.manual_seed(9), torch.manual_seed(9)
    with pytest.warns(UserWarning, match="Singular sample detected."):
        a = ours.rsample((2,))
    with pytest.warns(UserWarning, match="Singular sample detected."):
        b = theirs.rsample((2,))
    close(a, b)
    for name in ("covariance_matrix", "precision_matrix"):
        close(getattr(ours, name), getattr(theirs, name))
    (cov, tcov) = both([[2.0, 0.3], [0.3, 1.0]])
    w = D.Wishart(4.0, covariance_matrix=cov)
    tw = torch.distributions.Wishart(4.0, covariance_matrix=tcov)
    assert repr(w) == repr(tw)
    close(w.log_prob(a[0, 0]), tw.log_prob(b[0, 0]))
    same_error(lambda: D.Wishart(1.0, covariance_matrix=cov),
               lambda: torch.distributions.Wishart(1.0, covariance_matrix=tcov))


def test_lkj_cholesky_samples_are_correlation_factors():
    ours, theirs, _ = make("LKJCholesky")
    lt.manual_seed(11), torch.manual_seed(11)
    a, b = ours.sample((3,)), theirs.sample((3,))
    close(a, b)
    assert D.constraints.corr_cholesky.check(a).all()
    close(ours.log_prob(a), theirs.log_prob(b))
    same_error(lambda: D.LKJCholesky(1), lambda: torch.distributions.LKJCholesky(1))


def test_relaxed_families_sharpen_with_temperature():
    (p, tp) = both([0.3, 0.9])
    for temperature in (0.05, 2.0):
        (t, tt) = both(temperature)
        ours = D.RelaxedBernoulli(t, p)
        theirs = torch.distributions.RelaxedBernoulli(tt, tp)
        lt.manual_seed(12), torch.manual_seed(12)
        close(ours.rsample((4,)), theirs.rsample((4,)), rtol=1e-9)
        x = torch.tensor([0.2, 0.6], dtype=torch.float64)
        close(ours.log_prob(lt.tensor(x.numpy())), theirs.log_prob(x), rtol=1e-9)
    logits = D.RelaxedBernoulli(lt.tensor(0.5), logits=lt.tensor([0.0, 2.0]))
    tlogits = torch.distributions.RelaxedBernoulli(torch.tensor(0.5),
                                                   logits=torch.tensor([0.0, 2.0]))
    close(logits.probs, tlogits.probs, rtol=1e-6)
    same_error(lambda: D.RelaxedBernoulli(lt.tensor(0.5)),
               lambda: torch.distributions.RelaxedBernoulli(torch.tensor(0.5)))


def test_invalid_parameters_get_torch_s_error():
    for name, args in (("StudentT", ([-1.0],)), ("Gumbel", ([0.0], [-1.0])),
                       ("Pareto", ([1.0], [0.0])), ("VonMises", ([0.0], [-1.0])),
                       ("GeneralizedPareto", ([0.0], [-1.0], [0.1])),
                       ("NegativeBinomial", ([2.0], [1.5]))):
        ours = [lt.tensor(a) for a in args]
        theirs = [torch.tensor(a) for a in args]
        same_error(lambda: getattr(D, name)(*ours),
                   lambda: getattr(torch.distributions, name)(*theirs), ValueError)
    same_error(lambda: D.ContinuousBernoulli(lt.tensor([1.5]), validate_args=True),
               lambda: torch.distributions.ContinuousBernoulli(torch.tensor([1.5]),
                                                               validate_args=True))
    same_error(lambda: D.Pareto(lt.tensor([2.0]), lt.tensor([1.0])).log_prob(lt.tensor([1.0])),
               lambda: torch.distributions.Pareto(torch.tensor([2.0]), torch.tensor([1.0]))
               .log_prob(torch.tensor([1.0])), ValueError)


# -- transforms -----------------------------------------------------------------------------
T = D.transforms
TRANSFORMS = {
    "CorrCholeskyTransform": (lambda m: m.CorrCholeskyTransform(), (2, 6)),
    "StickBreakingTransform": (lambda m: m.StickBreakingTransform(), (2, 4)),
    "SoftmaxTransform": (lambda m: m.SoftmaxTransform(), (2, 4)),
    "LowerCholeskyTransform": (lambda m: m.LowerCholeskyTransform(), (2, 3, 3)),
    "PositiveDefiniteTransform": (lambda m: m.PositiveDefiniteTransform(), (2, 3, 3)),
    "ReshapeTransform": (lambda m: m.ReshapeTransform((6,), (2, 3)), (2, 6)),
    "IndependentTransform": (lambda m: m.IndependentTransform(m.ExpTransform(), 1), (2, 4)),
    "CatTransform": (lambda m: m.CatTransform([m.ExpTransform(), m.AffineTransform(1.0, 2.0)],
                                              dim=1, lengths=[2, 4]), (2, 6)),
    "StackTransform": (lambda m: m.StackTransform([m.ExpTransform(), m.SigmoidTransform()],
                                                  dim=0), (2, 4)),
    "CumulativeDistributionTransform": (lambda m: m.CumulativeDistributionTransform(
        (D if m is T else torch.distributions).Normal(0.0, 1.0)), (2, 4)),
}
NO_LOG_DET = {"SoftmaxTransform", "LowerCholeskyTransform", "PositiveDefiniteTransform"}


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_transform_values_inverses_and_log_dets(name):
    build, shape = TRANSFORMS[name]
    ours, theirs = build(T), build(torch.distributions.transforms)
    assert isinstance(theirs, getattr(torch.distributions.transforms, name))
    x = np.random.default_rng(0).normal(size=shape)
    (xo, xt) = both(x)
    yo, yt = ours(xo), theirs(xt)
    close(yo, yt)
    close(ours.inv(yo), theirs.inv(yt), rtol=1e-8, atol=1e-10)
    if name not in NO_LOG_DET:
        close(ours.log_abs_det_jacobian(xo, yo), theirs.log_abs_det_jacobian(xt, yt))
    assert ours.forward_shape(shape) == theirs.forward_shape(shape)
    assert ours.inverse_shape(tuple(yt.shape)) == theirs.inverse_shape(tuple(yt.shape))
    assert repr(ours) == repr(theirs)
    assert repr(ours.domain) == repr(theirs.domain)
    assert repr(ours.codomain) == repr(theirs.codomain)
    assert ours.bijective == theirs.bijective


@pytest.mark.parametrize("name", ["CorrCholeskyTransform", "StickBreakingTransform",
                                  "CatTransform", "StackTransform"])
def test_transform_gradcheck(name):
    transform = TRANSFORMS[name][0](T)
    x = lt.tensor(np.random.default_rng(1).normal(size=TRANSFORMS[name][1]),
                  requires_grad=True)
    assert lt.autograd.gradcheck(lambda v: transform(v), (x,))
    assert lt.autograd.gradcheck(lambda v: transform.log_abs_det_jacobian(v, transform(v)),
                                 (x,))


def test_transform_shape_errors_are_torch_s():
    for build, tbuild, arg in (
            (lambda: T.ReshapeTransform((6,), (4,)),
             lambda: torch.distributions.transforms.ReshapeTransform((6,), (4,)), None),
            (lambda: T.CorrCholeskyTransform().forward_shape((4,)),
             lambda: torch.distributions.transforms.CorrCholeskyTransform().forward_shape((4,)),
             None),
            (lambda: T.ReshapeTransform((6,), (2, 3)).forward_shape((5,)),
             lambda: torch.distributions.transforms.ReshapeTransform((6,), (2, 3))
             .forward_shape((5,)), None)):
        same_error(build, tbuild, ValueError)
    cat, tcat = TRANSFORMS["CatTransform"][0](T), TRANSFORMS["CatTransform"][0](
        torch.distributions.transforms)
    same_error(lambda: cat(lt.zeros(2, 5)), lambda: tcat(torch.zeros(2, 5)), AssertionError)


def test_transformed_distributions_through_the_new_transforms():
    (loc, tloc), (scale, tscale) = both([[0.0, 1.0, -1.0]]), both([[1.0, 0.5, 2.0]])
    ours = D.TransformedDistribution(D.Normal(loc, scale), [T.StickBreakingTransform()])
    theirs = torch.distributions.TransformedDistribution(
        torch.distributions.Normal(tloc, tscale), [torch.distributions.transforms
                                                   .StickBreakingTransform()])
    assert ours.batch_shape == theirs.batch_shape and ours.event_shape == theirs.event_shape
    lt.manual_seed(13), torch.manual_seed(13)
    a, b = ours.sample((2,)), theirs.sample((2,))
    close(a, b, rtol=1e-12)
    close(ours.log_prob(a), theirs.log_prob(b), rtol=1e-9)


# -- constraint registry ------------------------------------------------------------------------
CONSTRAINTS = ["real", "positive", "nonnegative", "unit_interval", "simplex", "real_vector",
               "lower_cholesky", "positive_definite", "positive_semidefinite", "corr_cholesky"]


@pytest.mark.parametrize("name", CONSTRAINTS)
@pytest.mark.parametrize("registry", ["biject_to", "transform_to"])
def test_biject_to_and_transform_to(name, registry):
    ours, theirs = getattr(D, registry), getattr(torch.distributions, registry)
    constraint, tconstraint = getattr(D.constraints, name), getattr(
        torch.distributions.constraints, name)
    try:
        expected = theirs(tconstraint)
    except NotImplementedError as raised:
        with pytest.raises(NotImplementedError) as ours_raised:
            ours(constraint)
        assert str(ours_raised.value) == str(raised)
        return
    transform = ours(constraint)
    assert repr(transform) == repr(expected)
    shape = (2, 3, 3) if expected.domain.event_dim == 2 else (2, 3)
    x = np.random.default_rng(2).normal(size=shape)
    y = transform(lt.tensor(x))
    close(y, expected(torch.tensor(x)), rtol=1e-9)
    assert bool(constraint.check(y).all())


def test_registry_with_bounds_and_custom_registration():
    for ours, theirs in ((D.constraints.interval(-1.0, 2.0),
                          torch.distributions.constraints.interval(-1.0, 2.0)),
                         (D.constraints.greater_than(3.0),
                          torch.distributions.constraints.greater_than(3.0)),
                         (D.constraints.less_than(3.0),
                          torch.distributions.constraints.less_than(3.0))):
        assert repr(D.biject_to(ours)) == repr(torch.distributions.biject_to(theirs))
    registry = D.constraint_registry.ConstraintRegistry()
    registry.register(D.constraints.positive, lambda c: T.SoftplusTransform())
    assert isinstance(registry(D.constraints.positive), T.SoftplusTransform)
    same_error(lambda: registry(D.constraints.real),
               lambda: torch.distributions.constraint_registry.ConstraintRegistry()(
                   torch.distributions.constraints.real), NotImplementedError)


# -- kl_divergence: every pair torch registers --------------------------------------------------
def _mvn(lib, dtype):
    cov = [[[2.0, 0.3, 0.0], [0.3, 1.0, 0.2], [0.0, 0.2, 1.5]]] * 3
    return lib.MultivariateNormal(_t(lib, [[0.0, 1.0, 0.5]] * 3), covariance_matrix=_t(lib, cov))


def _t(lib, values):
    return (lt.tensor if lib is D else torch.tensor)(np.asarray(values, dtype=np.float64))


# one builder per family, batch shape (3,); *shift* makes q differ from p
KL_FAMILIES = {
    "Bernoulli": lambda L, s: L.Bernoulli(_t(L, [0.3, 0.6, 0.9]) ** (1 + s)),
    "Beta": lambda L, s: L.Beta(_t(L, [0.5, 2.0, 3.0]) + s, _t(L, [1.5, 0.7, 2.0])),
    "Binomial": lambda L, s: L.Binomial(_t(L, [10.0, 10.0, 10.0]), _t(L, [0.3, 0.5, 0.8])
                                        ** (1 + s)),
    "Categorical": lambda L, s: L.Categorical(_t(L, [[0.2, 0.5, 0.3]] * 3) ** (1 + s)),
    "Cauchy": lambda L, s: L.Cauchy(_t(L, [0.0, 1.0, -1.0]) + s, _t(L, [1.0, 2.0, 0.5])),
    "ContinuousBernoulli": lambda L, s: L.ContinuousBernoulli(_t(L, [0.2, 0.4995, 0.8])
                                                              ** (1 + s)),
    "Dirichlet": lambda L, s: L.Dirichlet(_t(L, [[0.5, 2.0, 3.0]] * 3) + s),
    "Exponential": lambda L, s: L.Exponential(_t(L, [0.5, 2.0, 7.0]) + s),
    "Gamma": lambda L, s: L.Gamma(_t(L, [0.5, 2.0, 3.0]) + s, _t(L, [1.0, 3.0, 0.5])),
    "Geometric": lambda L, s: L.Geometric(_t(L, [0.3, 0.6, 0.9]) ** (1 + s)),
    "Gumbel": lambda L, s: L.Gumbel(_t(L, [0.0, 1.0, -1.0]) + s, _t(L, [1.0, 2.0, 0.5])),
    "HalfNormal": lambda L, s: L.HalfNormal(_t(L, [1.0, 2.0, 0.5]) + s),
    "Independent": lambda L, s: L.Independent(L.Normal(_t(L, [[0.0, 1.0]] * 3) + s,
                                                       _t(L, [[1.0, 2.0]] * 3)), 1),
    "Laplace": lambda L, s: L.Laplace(_t(L, [0.0, 1.0, -1.0]) + s, _t(L, [1.0, 2.0, 0.5])),
    "LowRankMultivariateNormal": lambda L, s: L.LowRankMultivariateNormal(
        _t(L, [[0.0, 1.0, 0.5]] * 3) + s, _t(L, [[1.0, 0.2], [0.3, -0.5], [0.0, 0.7]]),
        _t(L, [0.5, 1.5, 2.0]) + s),
    "MultivariateNormal": lambda L, s: _mvn(L, s),
    "Normal": lambda L, s: L.Normal(_t(L, [0.0, 1.0, -1.0]) + s, _t(L, [1.0, 2.0, 0.5])),
    "OneHotCategorical": lambda L, s: L.OneHotCategorical(_t(L, [[0.2, 0.5, 0.3]] * 3)
                                                          ** (1 + s)),
    "Pareto": lambda L, s: L.Pareto(_t(L, [1.0, 2.0, 0.5]), _t(L, [0.8, 2.5, 4.0]) + s),
    "Poisson": lambda L, s: L.Poisson(_t(L, [0.5, 4.0, 25.0]) + s),
    "TransformedDistribution": lambda L, s: L.HalfCauchy(_t(L, [1.0, 2.0, 0.5]) + s),
    "Uniform": lambda L, s: L.Uniform(_t(L, [0.2, -1.0, 1.5]) - s, _t(L, [0.7, 3.0, 2.5]) + s),
    "ExponentialFamily": lambda L, s: L.Wishart(_t(L, [3.0, 4.0, 6.0]) + s,
                                                scale_tril=_t(L, [[1.0, 0.0], [0.4, 0.9]])),
}
KL_PAIRS = sorted((p.__name__, q.__name__) for p, q in torch.distributions.kl._KL_REGISTRY)


def test_every_torch_pair_is_registered():
    ours = {(p.__name__, q.__name__) for p, q in D.kl._KL_REGISTRY}
    assert set(KL_PAIRS) <= ours


@pytest.mark.parametrize("p_name,q_name", KL_PAIRS)
def test_kl_divergence_of_every_registered_pair(p_name, q_name):
    p, tp = KL_FAMILIES[p_name](D, 0.0), KL_FAMILIES[p_name](torch.distributions, 0.0)
    q, tq = KL_FAMILIES[q_name](D, 0.5), KL_FAMILIES[q_name](torch.distributions, 0.5)
    try:
        expected = torch.distributions.kl_divergence(tp, tq)
    except Exception as raised:  # torch's refusals (e.g. Binomials with unequal counts)
        with pytest.raises(type(raised)) as ours_raised:
            D.kl_divergence(p, q)
        assert str(ours_raised.value) == str(raised)
        return
    close(D.kl_divergence(p, q), expected, rtol=1e-8, atol=1e-10)


def test_kl_refusals_are_torch_s():
    same_error(lambda: D.kl_divergence(D.Gamma(1.0, 1.0), D.Poisson(1.0)),
               lambda: torch.distributions.kl_divergence(torch.distributions.Gamma(1.0, 1.0),
                                                         torch.distributions.Poisson(1.0)),
               NotImplementedError)
    p = KL_FAMILIES["LowRankMultivariateNormal"]
    small = D.LowRankMultivariateNormal(lt.zeros(2, dtype=lt.float64),
                                        lt.ones(2, 1, dtype=lt.float64),
                                        lt.ones(2, dtype=lt.float64))
    tsmall = torch.distributions.LowRankMultivariateNormal(
        torch.zeros(2, dtype=torch.float64), torch.ones(2, 1, dtype=torch.float64),
        torch.ones(2, dtype=torch.float64))
    same_error(lambda: D.kl_divergence(p(D, 0.0), small),
               lambda: torch.distributions.kl_divergence(p(torch.distributions, 0.0), tsmall),
               ValueError)


def test_the_logit_and_log_space_relaxations():
    """torch keeps these two internal (relaxed_bernoulli / relaxed_categorical modules)."""
    from learntorch.distributions.relaxed import ExpRelaxedCategorical, LogitRelaxedBernoulli
    from torch.distributions.relaxed_bernoulli import LogitRelaxedBernoulli as TLogit
    from torch.distributions.relaxed_categorical import ExpRelaxedCategorical as TExp
    (t, tt), (p, tp) = both(0.7), both([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])
    for ours, theirs in ((LogitRelaxedBernoulli(t, p), TLogit(tt, tp)),
                         (ExpRelaxedCategorical(t, p), TExp(tt, tp))):
        assert ours.batch_shape == theirs.batch_shape and ours.event_shape == theirs.event_shape
        lt.manual_seed(14), torch.manual_seed(14)
        a, b = ours.rsample((3,)), theirs.rsample((3,))
        close(a, b, rtol=1e-12)
        close(ours.log_prob(a), theirs.log_prob(b), rtol=1e-10)


def test_triangular_matrix_vectors():
    from learntorch.distributions.structured_transforms import (tril_matrix_to_vec,
                                                                vec_to_tril_matrix)
    from torch.distributions.utils import tril_matrix_to_vec as t_to_vec
    from torch.distributions.utils import vec_to_tril_matrix as t_to_mat
    (m, tm) = both(np.arange(18.0).reshape(2, 3, 3))
    for diag in (0, -1, 1):
        close(tril_matrix_to_vec(m, diag), t_to_vec(tm, diag))
        close(vec_to_tril_matrix(tril_matrix_to_vec(m, diag), diag),
              t_to_mat(t_to_vec(tm, diag), diag))
    same_error(lambda: vec_to_tril_matrix(lt.zeros(5)), lambda: t_to_mat(torch.zeros(5)),
               ValueError)
    same_error(lambda: tril_matrix_to_vec(m, 3), lambda: t_to_vec(tm, 3), ValueError)
