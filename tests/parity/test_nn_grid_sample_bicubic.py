"""grid_sample(mode='bicubic'): torch's values and gradients (input and grid) for every padding
mode, align_corners both ways, points outside the image; 5-D input refused like torch."""
import numpy as np
import pytest

import learntorch as lt
from learntorch.autograd import gradcheck

torch = pytest.importorskip("torch")
F, TF = lt.nn.functional, torch.nn.functional


def pair(a, dtype="float64", requires_grad=False):
    return (lt.tensor(a, dtype=getattr(lt, dtype), requires_grad=requires_grad),
            torch.tensor(a, dtype=getattr(torch, dtype), requires_grad=requires_grad))


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_values_and_gradients_equal_torch_s(padding_mode, align_corners, dtype):
    rng = np.random.default_rng(0)
    (x, tx) = pair(rng.standard_normal((2, 3, 6, 7)), dtype, requires_grad=True)
    (g, tg) = pair(rng.uniform(-1.3, 1.3, (2, 4, 5, 2)), dtype, requires_grad=True)
    (w, tw) = pair(rng.standard_normal((2, 3, 4, 5)), dtype)
    ours = F.grid_sample(x, g, mode="bicubic", padding_mode=padding_mode,
                         align_corners=align_corners)
    theirs = TF.grid_sample(tx, tg, mode="bicubic", padding_mode=padding_mode,
                            align_corners=align_corners)
    atol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=atol)
    (ours * w).sum().backward()
    (theirs * tw).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=atol)
    np.testing.assert_allclose(g.grad.numpy(), tg.grad.numpy(), atol=atol * 10)


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_gradcheck(padding_mode):
    rng = np.random.default_rng(1)
    x = lt.tensor(rng.standard_normal((1, 2, 4, 5)), requires_grad=True)
    g = lt.tensor(rng.uniform(-0.9, 0.9, (1, 3, 2, 2)), requires_grad=True)
    assert gradcheck(lambda a, b: F.grid_sample(a, b, mode="bicubic", padding_mode=padding_mode,
                                                align_corners=False), (x, g))


def test_bicubic_wants_a_4d_input_like_torch():
    (x, tx), (g, tg) = pair(np.zeros((1, 1, 2, 2, 2))), pair(np.zeros((1, 1, 1, 1, 3)))
    with pytest.raises(RuntimeError) as theirs:
        TF.grid_sample(tx, tg, mode="bicubic", align_corners=False)
    with pytest.raises(RuntimeError) as ours:
        F.grid_sample(x, g, mode="bicubic", align_corners=False)
    assert str(ours.value) == str(theirs.value)
