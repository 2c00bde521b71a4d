"""torch.autograd.forward_ad against torch: the tangents unpack_dual gives (J·t summed over
the duals of the level), None where nothing depends on a dual, the primal's values, and the
errors of make_dual and nested levels."""
import numpy as np
import pytest
import torch
import torch.autograd.forward_ad as torch_fwad

import learntorch as lt
import learntorch.autograd.forward_ad as lt_fwad

LIBS = [(lt, lt_fwad), (torch, torch_fwad)]


def run(build):
    out = []
    for lib, fwad in LIBS:
        lib.manual_seed(0)
        out.append(build(lib, fwad))
    return out


def close(a, b):
    if a is None or b is None:
        assert a is None and b is None
        return
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn", [
    lambda lib, x, y: x ** 2 + y ** 2,
    lambda lib, x, y: (x @ y).sin().sum(dim=0),
    lambda lib, x, y: lib.nn.functional.softmax(x * y, dim=1),
    lambda lib, x, y: lib.cat([x.exp(), y.tanh()]).max(dim=1).values,
    lambda lib, x, y: lib.nn.functional.layer_norm(x, (4,)) / (1 + y.abs()),
])
@pytest.mark.parametrize("duals", ["x", "both"])
def test_tangents_match_torch(fn, duals):
    def build(lib, fwad):
        x, y, tx, ty = (lib.randn(4, 4) for _ in range(4))
        with fwad.dual_level():
            dx = fwad.make_dual(x, tx)
            dy = fwad.make_dual(y, ty) if duals == "both" else y
            primal, tangent = fwad.unpack_dual(fn(lib, dx, dy))
            own = fwad.unpack_dual(dx).tangent
        return primal, tangent, own
    for a, b in zip(*run(build)):
        close(a, b)


def test_a_jvp_through_a_module_with_dual_parameters():
    def build(lib, fwad):
        model = lib.nn.Sequential(lib.nn.Linear(5, 3), lib.nn.Tanh(), lib.nn.Linear(3, 2))
        x = lib.randn(4, 5)
        tangents = {name: lib.randn_like(p) for name, p in model.named_parameters()}
        with fwad.dual_level():
            params = {name: fwad.make_dual(p, tangents[name])
                      for name, p in model.named_parameters()}
            out = lib.func.functional_call(model, params, (x,))
            return fwad.unpack_dual(out).tangent
    close(*run(build))


def test_tensors_without_duals_and_after_the_level_have_no_tangent():
    def build(lib, fwad):
        x, t = lib.randn(3), lib.randn(3)
        with fwad.dual_level():
            y = fwad.make_dual(x, t) * 2
            plain = fwad.unpack_dual(lib.randn(3) + x)
            param = lib.randn(3, requires_grad=True)
            unrelated = fwad.unpack_dual(param * 3)
        after = fwad.unpack_dual(y)
        return plain.tangent, unrelated.tangent, after.tangent, plain.primal
    ours, theirs = run(build)
    assert ours[:3] == theirs[:3] == (None, None, None)
    close(ours[3], theirs[3])


def outcome(fn):
    try:
        fn()
    except Exception as e:
        return type(e).__name__, str(e).replace("torch.", "")
    return None


@pytest.mark.parametrize("bad", [
    lambda lib, fwad: fwad.make_dual(lib.ones(3), lib.ones(3)),
    lambda lib, fwad: _in_level(fwad, lambda: fwad.make_dual(lib.ones(3), lib.ones(2))),
    lambda lib, fwad: _in_level(fwad, lambda: fwad.make_dual(lib.ones(3).long(), lib.ones(3))),
    lambda lib, fwad: _in_level(fwad, lambda: fwad.make_dual(lib.ones(3), lib.ones(3).long())),
    lambda lib, fwad: _in_level(fwad, lambda: _in_level(fwad, lambda: None)),
])
def test_errors_match_torch(bad):
    ours, theirs = (outcome(lambda: bad(lib, fwad)) for lib, fwad in LIBS)
    assert theirs is not None and ours == theirs


def _in_level(fwad, fn):
    with fwad.dual_level():
        return fn()


def test_a_primal_that_requires_grad_carries_a_tangent_only_through_its_dual():
    def build(lib, fwad):
        w, t = lib.tensor([1., 2.], requires_grad=True), lib.ones(2)
        with fwad.dual_level():
            d = fwad.make_dual(w, t)
            y = d + w * 2
            first = fwad.unpack_dual(y).tangent
            fwad.make_dual(w, 2 * t)
            return first, fwad.unpack_dual(d).tangent, fwad.unpack_dual(w).tangent
    ours, theirs = run(build)
    for a, b in zip(ours, theirs):
        close(a, b)


def test_closing_a_level_that_is_not_open_raises_torchs_error():
    for _, fwad in LIBS:
        with pytest.raises(RuntimeError, match="Dual level must be a positive number"):
            fwad.exit_dual_level()
