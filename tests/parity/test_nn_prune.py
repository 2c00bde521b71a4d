"""torch.nn.utils.prune against torch: after the same seed every method prunes the same
entries, iterative pruning combines masks as torch's PruningContainer does, the module is
re-parametrized the same way (weight_orig, weight_mask, the forward pre-hook), gradients
reach only the kept entries, and remove/is_pruned/errors behave as torch's."""
import numpy as np
import pytest
import torch
import torch.nn.utils.prune as torch_prune

import learntorch as lt
import learntorch.nn.utils.prune as lt_prune

LIBS = [(lt, lt_prune), (torch, torch_prune)]


def both(build):
    """``build(torch_like, prune)`` run once in each library from the same seed."""
    results = []
    for lib, prune in LIBS:
        lib.manual_seed(0)
        results.append(build(lib, prune))
    return results


def same(a, b):
    np.testing.assert_array_equal(np.asarray(a.detach().numpy()), np.asarray(b.detach().numpy()))


def conv_and_linear(lib):
    return lib.nn.Conv2d(3, 6, 3), lib.nn.Linear(10, 7)


@pytest.mark.parametrize("prune_it", [
    lambda p, m: p.random_unstructured(m, "weight", amount=0.3),
    lambda p, m: p.random_unstructured(m, "bias", amount=2),
    lambda p, m: p.l1_unstructured(m, "weight", amount=0.5),
    lambda p, m: p.random_structured(m, "weight", amount=0.4, dim=0),
    lambda p, m: p.ln_structured(m, "weight", amount=2, n=2, dim=0),
    lambda p, m: p.ln_structured(m, "weight", amount=0.5, n=1, dim=-1),
    lambda p, m: p.ln_structured(m, "weight", amount=0, n=float("inf"), dim=1),
    lambda p, m: p.identity(m, "weight"),
])
def test_each_method_prunes_the_entries_torch_prunes(prune_it):
    def build(lib, prune):
        conv, linear = conv_and_linear(lib)
        for module in (conv, linear):
            prune_it(prune, module)
        return conv, linear
    ours, theirs = both(build)
    for a, b in zip(ours, theirs):
        assert list(a.state_dict()) == list(b.state_dict())
        for key in a.state_dict():
            same(a.state_dict()[key], b.state_dict()[key])
        assert [name for name, _ in a.named_parameters()] == \
            [name for name, _ in b.named_parameters()]
        assert [name for name, _ in a.named_buffers()] == [name for name, _ in b.named_buffers()]


def test_iterative_pruning_builds_a_container_and_masks_only_what_was_kept():
    def build(lib, prune):
        conv, _ = conv_and_linear(lib)
        prune.l1_unstructured(conv, "weight", amount=0.2)
        prune.random_structured(conv, "weight", amount=2, dim=0)
        prune.ln_structured(conv, "weight", amount=0.25, n=2, dim=1)
        prune.random_unstructured(conv, "weight", amount=5)
        hook = next(h for h in conv._forward_pre_hooks.values()
                    if isinstance(h, prune.BasePruningMethod))
        return conv, [type(m).__name__ for m in hook]
    (a, names_a), (b, names_b) = both(build)
    assert names_a == names_b == ["L1Unstructured", "RandomStructured", "LnStructured",
                                  "RandomUnstructured"]
    same(a.weight_mask, b.weight_mask)
    same(a.weight, b.weight)


def test_training_keeps_pruned_weights_at_zero_and_remove_makes_it_permanent():
    def build(lib, prune):
        model = lib.nn.Sequential(lib.nn.Linear(6, 5), lib.nn.ReLU(), lib.nn.Linear(5, 2))
        prune.l1_unstructured(model[0], "weight", amount=0.4)
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        x, y = lib.randn(8, 6), lib.randn(8, 2)
        for _ in range(3):
            opt.zero_grad()
            lib.nn.functional.mse_loss(model(x), y).backward()
            opt.step()
        grad = model[0].weight_orig.grad.clone()
        pruned_before = prune.is_pruned(model)
        prune.remove(model[0], "weight")
        return model, grad, pruned_before, prune.is_pruned(model)
    (a, grad_a, before_a, after_a), (b, grad_b, before_b, after_b) = both(build)
    np.testing.assert_allclose(grad_a.numpy(), grad_b.numpy(), rtol=1e-5, atol=1e-7)
    assert (before_a, after_a) == (before_b, after_b) == (True, False)
    assert list(a.state_dict()) == list(b.state_dict())
    np.testing.assert_allclose(a[0].weight.detach().numpy(), b[0].weight.detach().numpy(),
                               rtol=1e-5, atol=1e-7)
    assert isinstance(a[0].weight, lt.nn.Parameter)
    assert float((a[0].weight == 0).sum()) == 12


def test_global_unstructured_counts_across_parameters():
    def build(lib, prune):
        conv, linear = conv_and_linear(lib)
        prune.random_unstructured(linear, "weight", amount=0.1)
        pairs = ((conv, "weight"), (linear, "weight"), (linear, "bias"))
        prune.global_unstructured(pairs, pruning_method=prune.L1Unstructured, amount=60)
        scores = {(conv, "weight"): conv.weight_orig.abs() * 0 + 1}
        prune.global_unstructured(((conv, "weight"),), prune.RandomUnstructured,
                                  importance_scores=scores, amount=0.1)
        return conv.weight_mask, linear.weight_mask, linear.bias_mask
    for a, b in zip(*both(build)):
        same(a, b)


def test_custom_mask_and_prune_without_a_module():
    def build(lib, prune):
        linear = lib.nn.Linear(4, 3)
        mask = lib.tensor([[1, 0, 1, 1], [0, 0, 1, 1], [1, 1, 1, 0]])
        prune.custom_from_mask(linear, "weight", mask)
        t = lib.randn(5, 4)
        return linear.weight, prune.L1Unstructured(amount=0.5).prune(t), \
            prune.LnStructured(amount=1, n=2, dim=0).prune(t, default_mask=lib.ones(5, 4))
    for a, b in zip(*both(build)):
        same(a, b)


def messages(build):
    outcomes = []
    for lib, prune in LIBS:
        try:
            build(lib, prune)
            outcomes.append(None)
        except Exception as e:
            text = str(e) if lib is lt else str(e).replace("torch.nn.", "learntorch.nn.")
            outcomes.append((type(e).__name__, text))
    return outcomes


@pytest.mark.parametrize("bad", [
    lambda lib, p: p.random_unstructured(lib.nn.Linear(2, 2), "weight", amount=1.5),
    lambda lib, p: p.random_unstructured(lib.nn.Linear(2, 2), "weight", amount=-1),
    lambda lib, p: p.l1_unstructured(lib.nn.Linear(2, 2), "weight", amount="half"),
    lambda lib, p: p.l1_unstructured(lib.nn.Linear(2, 2), "weight", amount=9),
    lambda lib, p: p.ln_structured(lib.nn.Linear(2, 2), "bias", amount=1, n=2, dim=0),
    lambda lib, p: p.ln_structured(lib.nn.Linear(2, 2), "weight", amount=1, n=2, dim=3),
    lambda lib, p: p.remove(lib.nn.Linear(2, 2), "weight"),
    lambda lib, p: p.l1_unstructured(lib.nn.Linear(2, 2), "weight", amount=1,
                                     importance_scores=lib.ones(3)),
    lambda lib, p: p.global_unstructured([(lib.nn.Linear(2, 2), "weight")],
                                         p.RandomStructured, amount=1),
])
def test_errors_match_torch(bad):
    ours, theirs = messages(bad)
    assert theirs is not None
    assert ours[0] == theirs[0]
    if "Module" not in theirs[1] and "module" not in theirs[1]:   # reprs of modules aside
        assert ours[1] == theirs[1]


def test_a_failed_pruning_leaves_the_module_as_it_was():
    def build(lib, prune):
        linear = lib.nn.Linear(2, 2)
        with pytest.raises(ValueError):
            prune.l1_unstructured(linear, "weight", amount=9)
        return [n for n, _ in linear.named_parameters()], prune.is_pruned(linear)
    ours, theirs = both(build)
    assert ours == theirs and not ours[1]
