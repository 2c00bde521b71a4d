"""torch.distributions: seeded samples, log_prob, moments, entropy, cdf/icdf, rsample gradients,
kl_divergence and argument validation equal torch's."""
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


# name: parameters (batched, broadcasting where the family allows it)
FAMILIES = {
    "Normal": ([[0.0, 1.5], [-2.0, 0.3]], [0.5, 2.0]),
    "Uniform": ([0.0, -1.0], [[1.0, 3.0], [2.0, 0.5]]),
    "Exponential": ([0.5, 2.0, 7.0],),
    "Laplace": ([0.0, 1.0], [1.0, 0.2]),
    "Cauchy": ([0.0, 1.0], [1.0, 2.0]),
    "Gamma": ([0.4, 2.0, 30.0], [1.0, 3.0, 0.5]),
    "Chi2": ([1.0, 3.0, 12.5],),
    "Beta": ([0.5, 2.0], [1.5, 0.7]),
    "Poisson": ([0.5, 4.0, 25.0],),
    "HalfNormal": ([1.0, 2.5],),
    "LogNormal": ([0.0, 1.0], [0.5, 1.5]),
    "Bernoulli": ([0.3, 0.9, 0.5],),
    "Geometric": ([0.3, 0.9],),
    "Binomial": ([10.0, 10.0, 10.0], [0.3, 0.95, 0.5]),
}
# families whose samples differ from torch's in the last bit: torch's vectorized log1p/exp
# (SLEEF) and NumPy's round differently (the random draws themselves are identical)
NOT_BITWISE = {"Laplace", "LogNormal"}


def make(name, dtype="float64"):
    params = FAMILIES[name]
    ours = [both(p, dtype)[0] for p in params]
    theirs = [both(p, dtype)[1] for p in params]
    return getattr(D, name)(*ours), getattr(TD, name)(*theirs)


@pytest.mark.parametrize("name", sorted(FAMILIES))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_seeded_samples_are_torch_s(name, dtype):
    ours, theirs = make(name, dtype)
    lt.manual_seed(7), torch.manual_seed(7)
    a, b = ours.sample((4, 3)), theirs.sample((4, 3))
    if name in NOT_BITWISE:
        close(a, b, rtol=1e-6 if dtype == "float32" else 1e-14)
    else:
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert lt.rand(3).tolist() == torch.rand(3).tolist()  # the generators stay in step


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_shapes_repr_and_scores(name):
    ours, theirs = make(name)
    assert ours.batch_shape == theirs.batch_shape and ours.event_shape == theirs.event_shape
    assert repr(ours) == repr(theirs)
    torch.manual_seed(1)
    value = theirs.sample((5,))
    close(ours.log_prob(lt.tensor(value.numpy())), theirs.log_prob(value))
    for moment in ("mean", "mode", "variance", "stddev"):
        close(getattr(ours, moment), getattr(theirs, moment))


@pytest.mark.parametrize("name", sorted(set(FAMILIES) - {"Poisson"}))
def test_entropy(name):
    ours, theirs = make(name)
    close(ours.entropy(), theirs.entropy(), rtol=1e-9)


def test_entropy_refusals_are_torch_s():
    uneven = (D.Binomial(lt.tensor([5.0, 6.0]), lt.tensor([0.2, 0.7])),
              TD.Binomial(torch.tensor([5.0, 6.0]), torch.tensor([0.2, 0.7])))
    for ours, theirs in (make("Poisson"), uneven):
        with pytest.raises(NotImplementedError) as raised:
            theirs.entropy()
        with pytest.raises(NotImplementedError) as ours_raised:
            ours.entropy()
        assert str(ours_raised.value) == str(raised.value)


@pytest.mark.parametrize("name", ["Normal", "Uniform", "Exponential", "Laplace", "Cauchy",
                                  "HalfNormal", "LogNormal"])
def test_cdf_and_icdf(name):
    ours, theirs = make(name)
    torch.manual_seed(2)
    value = theirs.sample((3,))
    close(ours.cdf(lt.tensor(value.numpy())), theirs.cdf(value))
    q = torch.rand((3,) + tuple(theirs.batch_shape), dtype=torch.float64)
    close(ours.icdf(lt.tensor(q.numpy())), theirs.icdf(q))


def test_gamma_cdf():
    ours, theirs = make("Gamma")
    value = torch.tensor([0.3, 1.0, 70.0], dtype=torch.float64)
    close(ours.cdf(lt.tensor(value.numpy())), theirs.cdf(value), rtol=1e-8)


@pytest.mark.parametrize("name", ["Normal", "Uniform", "Exponential", "Laplace", "Cauchy",
                                  "LogNormal", "HalfNormal"])
def test_rsample_gradients_flow_to_the_parameters(name):
    params = FAMILIES[name]
    ours = [both(p, requires_grad=True)[0] for p in params]
    theirs = [both(p, requires_grad=True)[1] for p in params]
    lt.manual_seed(3), torch.manual_seed(3)
    (getattr(D, name)(*ours).rsample((6,)) ** 2).sum().backward()
    (getattr(TD, name)(*theirs).rsample((6,)) ** 2).sum().backward()
    for o, t in zip(ours, theirs):
        close(o.grad, t.grad, rtol=1e-9)


def test_gamma_rsample_gradient_in_the_concentration():
    """Implicit reparameterization; torch approximates dx/dα, learntorch sums its series."""
    (a, ta), (b, tb) = both([0.4, 2.0, 30.0], requires_grad=True), both([1.0, 3.0, 0.5],
                                                                          requires_grad=True)
    lt.manual_seed(4), torch.manual_seed(4)
    D.Gamma(a, b).rsample((5,)).sum().backward()
    TD.Gamma(ta, tb).rsample((5,)).sum().backward()
    close(a.grad, ta.grad, rtol=2e-3)
    close(b.grad, tb.grad, rtol=1e-9)


def test_categorical_families():
    p, tp = both([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])
    for name in ("Categorical", "OneHotCategorical"):
        ours, theirs = getattr(D, name)(p), getattr(TD, name)(tp)
        lt.manual_seed(5), torch.manual_seed(5)
        a, b = ours.sample((7,)), theirs.sample((7,))
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        close(ours.log_prob(a), theirs.log_prob(b))
        close(ours.entropy(), theirs.entropy())
        close(ours.enumerate_support(), theirs.enumerate_support())
    logits, tlogits = both([[1.0, -1.0, 0.5]])
    close(D.Categorical(logits=logits).probs, TD.Categorical(logits=tlogits).probs)


def test_dirichlet_and_multivariate_normal():
    c, tc = both([[0.5, 2.0, 3.0], [1.0, 1.0, 1.0]])
    ours, theirs = D.Dirichlet(c), TD.Dirichlet(tc)
    lt.manual_seed(6), torch.manual_seed(6)
    np.testing.assert_array_equal(ours.sample((3,)).numpy(), theirs.sample((3,)).numpy())
    value = theirs.sample((2,))
    close(ours.log_prob(lt.tensor(value.numpy())), theirs.log_prob(value))
    close(ours.entropy(), theirs.entropy())
    loc, tloc = both([[0.0, 1.0], [2.0, -1.0]], requires_grad=True)
    cov, tcov = both([[2.0, 0.3], [0.3, 1.0]])
    ours, theirs = D.MultivariateNormal(loc, cov), TD.MultivariateNormal(tloc, tcov)
    lt.manual_seed(8), torch.manual_seed(8)
    a, b = ours.rsample((4,)), theirs.rsample((4,))
    close(a, b)
    close(ours.log_prob(a), theirs.log_prob(b))
    close(ours.entropy(), theirs.entropy())
    close(ours.variance, theirs.variance)
    ours.log_prob(a).sum().backward(), theirs.log_prob(b).sum().backward()
    close(loc.grad, tloc.grad, rtol=1e-9)
    close(D.MultivariateNormal(loc, scale_tril=lt.linalg.cholesky(cov)).log_prob(a),
          TD.MultivariateNormal(tloc, scale_tril=torch.linalg.cholesky(tcov)).log_prob(b))
    close(D.MultivariateNormal(loc, precision_matrix=lt.linalg.inv(cov)).log_prob(a),
          TD.MultivariateNormal(tloc, precision_matrix=torch.linalg.inv(tcov)).log_prob(b))


def test_independent_and_transformed():
    (loc, tloc), (scale, tscale) = both([[0.0, 1.0, 2.0]]), both([[1.0, 0.5, 2.0]])
    ours = D.Independent(D.Normal(loc, scale), 1)
    theirs = TD.Independent(TD.Normal(tloc, tscale), 1)
    assert ours.batch_shape == theirs.batch_shape and ours.event_shape == theirs.event_shape
    value = torch.tensor([[0.5, 0.2, -1.0]], dtype=torch.float64)
    close(ours.log_prob(lt.tensor(value.numpy())), theirs.log_prob(value))
    close(ours.entropy(), theirs.entropy())
    transforms = [D.transforms.AffineTransform(1.0, 2.0), D.transforms.SigmoidTransform()]
    ttransforms = [TD.transforms.AffineTransform(1.0, 2.0), TD.transforms.SigmoidTransform()]
    ours = D.TransformedDistribution(D.Normal(loc, scale), transforms)
    theirs = TD.TransformedDistribution(TD.Normal(tloc, tscale), ttransforms)
    lt.manual_seed(9), torch.manual_seed(9)
    a, b = ours.sample((2,)), theirs.sample((2,))
    close(a, b, rtol=1e-12)
    close(ours.log_prob(a), theirs.log_prob(b), rtol=1e-9)


KL_PAIRS = [("Normal", "Normal"), ("Bernoulli", "Bernoulli"), ("Exponential", "Exponential"),
            ("Laplace", "Laplace"), ("Gamma", "Gamma"), ("Beta", "Beta"),
            ("Poisson", "Poisson"), ("Geometric", "Geometric"), ("LogNormal", "LogNormal"),
            ("HalfNormal", "HalfNormal"), ("Normal", "Laplace"), ("Uniform", "Uniform")]


@pytest.mark.parametrize("p_name,q_name", KL_PAIRS)
def test_kl_divergence_for_torch_s_registered_pairs(p_name, q_name):
    p, tp = make(p_name)
    q, tq = make(q_name)
    if p_name == "Uniform":
        q = D.Uniform(lt.tensor([-1.0, -2.0], dtype=lt.float64), lt.tensor(5.0, dtype=lt.float64))
        tq = TD.Uniform(torch.tensor([-1.0, -2.0], dtype=torch.float64),
                        torch.tensor(5.0, dtype=torch.float64))
    q, tq = q.expand(p.batch_shape) if q.batch_shape != p.batch_shape else q, \
        tq.expand(tp.batch_shape) if tq.batch_shape != tp.batch_shape else tq
    close(D.kl_divergence(p, q), TD.kl_divergence(tp, tq), rtol=1e-9)


def test_kl_of_categoricals_dirichlets_and_multivariate_normals():
    (a, ta), (b, tb) = both([0.2, 0.5, 0.3]), both([0.1, 0.1, 0.8])
    close(D.kl_divergence(D.Categorical(a), D.Categorical(b)),
          TD.kl_divergence(TD.Categorical(ta), TD.Categorical(tb)))
    close(D.kl_divergence(D.Dirichlet(a * 3), D.Dirichlet(b * 2)),
          TD.kl_divergence(TD.Dirichlet(ta * 3), TD.Dirichlet(tb * 2)), rtol=1e-9)
    (m, tm), (c, tc) = both([0.0, 1.0]), both([[2.0, 0.3], [0.3, 1.0]])
    close(D.kl_divergence(D.MultivariateNormal(m, c), D.MultivariateNormal(m + 1, c * 2)),
          TD.kl_divergence(TD.MultivariateNormal(tm, tc), TD.MultivariateNormal(tm + 1, tc * 2)))


def test_kl_of_an_unregistered_pair_says_so():
    with pytest.raises(NotImplementedError, match="No KL"):
        D.kl_divergence(D.Cauchy(0.0, 1.0), D.Normal(0.0, 1.0))


def test_invalid_parameters_get_torch_s_error():
    with pytest.raises(ValueError) as theirs:
        TD.Normal(torch.tensor([0.0]), torch.tensor([-1.0]))
    with pytest.raises(ValueError) as ours:
        D.Normal(lt.tensor([0.0]), lt.tensor([-1.0]))
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError, match="Either `probs` or `logits` must be specified"):
        D.Bernoulli()
    D.Normal(lt.tensor([0.0]), lt.tensor([-1.0]), validate_args=False)  # no check asked for


def test_a_value_outside_the_support_gets_torch_s_error():
    with pytest.raises(ValueError) as theirs:
        TD.Exponential(torch.tensor([1.0])).log_prob(torch.tensor([-1.0]))
    with pytest.raises(ValueError) as ours:
        D.Exponential(lt.tensor([1.0])).log_prob(lt.tensor([-1.0]))
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("name", ["Normal", "Gamma", "Bernoulli", "Binomial"])
def test_expand(name):
    ours, theirs = make(name)
    shape = (2,) + tuple(theirs.batch_shape)
    a, b = ours.expand(shape), theirs.expand(shape)
    assert a.batch_shape == b.batch_shape
    lt.manual_seed(10), torch.manual_seed(10)
    np.testing.assert_array_equal(a.sample().numpy(), b.sample().numpy())


def test_top_level_samplers_and_their_errors():
    (rate, trate) = both([0.5, 12.0, 0.0])
    lt.manual_seed(11), torch.manual_seed(11)
    np.testing.assert_array_equal(lt.poisson(rate).numpy(), torch.poisson(trate).numpy())
    (n, tn), (p, tp) = both([[5.0, 40.0], [100.0, 3.0]]), both([0.2, 0.7])
    np.testing.assert_array_equal(lt.binomial(n, p).numpy(), torch.binomial(tn, tp).numpy())
    for call, tcall in ((lambda: lt.poisson(lt.tensor([1])), lambda: torch.poisson(
            torch.tensor([1]))), (lambda: lt.poisson(lt.tensor([-1.0])),
                                  lambda: torch.poisson(torch.tensor([-1.0])))):
        with pytest.raises(Exception) as theirs:
            tcall()
        with pytest.raises(type(theirs.value)) as ours:
            call()
        assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_serial_samplers_stay_torch_s_across_many_draws(dtype):
    """Thousands of rejection-sampled values (several generator blocks), then the generator's
    next numbers — including a cached Box-Muller normal — are torch's."""
    alpha, talpha = both(np.random.default_rng(5).uniform(0.01, 40, 3000), dtype)
    (n, tn), (p, tp) = both(np.floor(np.random.default_rng(7).uniform(0, 300, 2000)), dtype), \
        both(np.random.default_rng(8).random(2000), dtype)
    lt.manual_seed(12), torch.manual_seed(12)
    np.testing.assert_array_equal(D.Gamma(alpha, 1.0).sample().numpy(),
                                  TD.Gamma(talpha, 1.0).sample().numpy())
    np.testing.assert_array_equal(lt.randn(3).numpy(), torch.randn(3).numpy())
    np.testing.assert_array_equal(lt.poisson(alpha).numpy(), torch.poisson(talpha).numpy())
    np.testing.assert_array_equal(lt.binomial(n, p).numpy(), torch.binomial(tn, tp).numpy())
    np.testing.assert_array_equal(lt.rand(3).numpy(), torch.rand(3).numpy())
