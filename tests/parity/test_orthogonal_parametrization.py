"""nn.utils.parametrizations.orthogonal against torch's: the default map per shape, the
three maps with and without trivialization, the seeded initial weight (the completion of a
rectangular weight draws torch's random numbers), gradient steps that stay orthogonal and
equal torch's, assignment through right_inverse, and torch's errors."""
import numpy as np
import pytest
import torch

import learntorch as lt

P_LT = lt.nn.utils.parametrizations
P_TORCH = torch.nn.utils.parametrizations
MAPS = [None, "matrix_exp", "cayley", "householder"]
SHAPES = [(4, 4), (5, 3), (3, 5)]


def pair(shape, orthogonal_map, use_trivialization, seed=0):
    """The same seeded Linear in both libraries, made orthogonal the same way."""
    torch.manual_seed(seed)
    lt.manual_seed(seed)
    theirs = torch.nn.Linear(shape[1], shape[0], dtype=torch.float64)
    ours = lt.nn.Linear(shape[1], shape[0], dtype=lt.float64)
    P_TORCH.orthogonal(theirs, orthogonal_map=orthogonal_map, use_trivialization=use_trivialization)
    P_LT.orthogonal(ours, orthogonal_map=orthogonal_map, use_trivialization=use_trivialization)
    return ours, theirs


def close(ours, theirs, atol=1e-10):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=atol)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("orthogonal_map", MAPS)
@pytest.mark.parametrize("use_trivialization", [True, False])
def test_initial_weight_parameters_and_rng_state_match_torch(shape, orthogonal_map,
                                                            use_trivialization):
    ours, theirs = pair(shape, orthogonal_map, use_trivialization)
    close(ours.weight, theirs.weight)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert sorted(ours.state_dict()) == sorted(theirs.state_dict())
    for name, value in theirs.state_dict().items():
        close(ours.state_dict()[name], value)
    w = ours.weight.detach().numpy()
    k = min(shape)
    gram = w.T @ w if shape[0] >= shape[1] else w @ w.T
    np.testing.assert_allclose(gram, np.eye(k), atol=1e-12)
    assert lt.randn(3).tolist() == torch.randn(3).tolist()  # the same numbers were drawn


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("orthogonal_map", MAPS)
@pytest.mark.parametrize("use_trivialization", [True, False])
def test_sgd_steps_stay_orthogonal_and_match_torch(shape, orthogonal_map, use_trivialization):
    ours, theirs = pair(shape, orthogonal_map, use_trivialization, seed=1)
    x = np.random.default_rng(2).normal(size=(6, shape[1]))
    opt_ours = lt.optim.SGD(ours.parameters(), lr=0.1)
    opt_theirs = torch.optim.SGD(theirs.parameters(), lr=0.1)
    for _ in range(3):
        for model, opt, lib in ((ours, opt_ours, lt), (theirs, opt_theirs, torch)):
            opt.zero_grad()
            (model(lib.tensor(x)) ** 3).sum().backward()
            opt.step()
    close(ours.weight, theirs.weight, atol=1e-8)
    for (name, a), (_, b) in zip(ours.named_parameters(), theirs.named_parameters()):
        close(a, b, atol=1e-8)


def test_assigning_a_weight_goes_through_right_inverse():
    ours, theirs = pair((4, 4), None, True)
    q = np.linalg.qr(np.random.default_rng(3).normal(size=(4, 4)))[0]
    with torch.no_grad():
        theirs.weight = torch.tensor(q)
    with lt.no_grad():
        ours.weight = lt.tensor(q)
    close(ours.weight, theirs.weight)
    close(ours.parametrizations.weight.original, theirs.parametrizations.weight.original)


def test_batched_weights():
    torch.manual_seed(4)
    lt.manual_seed(4)
    w = np.random.default_rng(4).normal(size=(2, 5, 3))
    theirs, ours = torch.nn.Module(), lt.nn.Module()
    theirs.register_parameter("weight", torch.nn.Parameter(torch.tensor(w)))
    ours.register_parameter("weight", lt.nn.Parameter(lt.tensor(w)))
    for module, P in ((theirs, P_TORCH), (ours, P_LT)):
        P.orthogonal(module, orthogonal_map="householder", use_trivialization=False)
    close(ours.weight, theirs.weight)


@pytest.mark.parametrize("case", ["vector", "bad map", "no such name", "assign expm"])
def test_errors_match_torch(case):
    def run(lib, P):
        lib.manual_seed(0)
        if case == "vector":
            m = lib.nn.Linear(3, 3)
            m.bias_ = m.bias
            return P.orthogonal(m, "bias")
        if case == "bad map":
            return P.orthogonal(lib.nn.Linear(3, 3), orthogonal_map="qr")
        if case == "no such name":
            return P.orthogonal(lib.nn.Linear(3, 3), "kernel")
        m = P.orthogonal(lib.nn.Linear(3, 3), use_trivialization=False)
        m.weight = lib.eye(3)
    errors = []
    for lib, P in ((torch, P_TORCH), (lt, P_LT)):
        with pytest.raises(Exception) as err:
            run(lib, P)
        errors.append(err.value)
    assert type(errors[1]) is type(errors[0])
    if case != "no such name":  # that message prints the module's repr
        assert str(errors[1]) == str(errors[0])
