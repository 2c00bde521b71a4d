"""Programs in the style of PyTorch's beginner tutorials ("Learning PyTorch with Examples"),
run unchanged with ``import learntorch as torch`` and with real torch, side by side.

Each program is a function of the module it runs on. With the same seed both start from the
same random tensors (bit for bit: learntorch's generator is torch's), so their training
runs must agree to float32 rounding.
"""
import math

import numpy as np
import pytest
import torch as real_torch

import learntorch


def polynomial_with_tensors(torch):
    """Fit y = sin(x) with a cubic, gradients written by hand."""
    torch.manual_seed(0)
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    a, b, c, d = torch.randn(()), torch.randn(()), torch.randn(()), torch.randn(())
    start = torch.stack([a, b, c, d]).clone()
    learning_rate = 1e-6
    for t in range(500):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum().item()
        grad_y_pred = 2.0 * (y_pred - y)
        a -= learning_rate * grad_y_pred.sum()
        b -= learning_rate * (grad_y_pred * x).sum()
        c -= learning_rate * (grad_y_pred * x ** 2).sum()
        d -= learning_rate * (grad_y_pred * x ** 3).sum()
    return start, torch.stack([a, b, c, d]), loss


def polynomial_with_autograd(torch):
    torch.manual_seed(0)
    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)
    a = torch.randn((), dtype=dtype, requires_grad=True)
    b = torch.randn((), dtype=dtype, requires_grad=True)
    c = torch.randn((), dtype=dtype, requires_grad=True)
    d = torch.randn((), dtype=dtype, requires_grad=True)
    start = torch.stack([a, b, c, d]).detach().clone()
    learning_rate = 1e-6
    for t in range(500):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad = None
    return start, torch.stack([a, b, c, d]).detach(), loss.item()


def polynomial_with_nn(torch):
    torch.manual_seed(0)
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    xx = x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
    start = torch.cat([p.detach().flatten() for p in model.parameters()])
    loss_fn = torch.nn.MSELoss(reduction="sum")
    learning_rate = 1e-6
    for t in range(500):
        loss = loss_fn(model(xx), y)
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad
    return start, torch.cat([p.detach().flatten() for p in model.parameters()]), loss.item()


def polynomial_as_a_module(torch):
    class Polynomial3(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = torch.nn.Parameter(torch.randn(()))
            self.b = torch.nn.Parameter(torch.randn(()))
            self.c = torch.nn.Parameter(torch.randn(()))
            self.d = torch.nn.Parameter(torch.randn(()))

        def forward(self, x):
            return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    torch.manual_seed(0)
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    model = Polynomial3()
    start = torch.stack([p.detach() for p in model.parameters()])
    criterion = torch.nn.MSELoss(reduction="sum")
    for t in range(300):
        loss = criterion(model(x), y)
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= 1e-6 * p.grad
    return start, torch.stack([p.detach() for p in model.parameters()]), loss.item()


def two_layer_net(torch):
    """The tutorial's random two-layer network, trained by autograd on random data."""
    torch.manual_seed(0)
    N, D_in, H, D_out = 64, 1000, 100, 10
    x, y = torch.randn(N, D_in), torch.randn(N, D_out)
    model = torch.nn.Sequential(torch.nn.Linear(D_in, H), torch.nn.ReLU(), torch.nn.Linear(H, D_out))
    start = torch.cat([p.detach().flatten() for p in model.parameters()])
    loss_fn = torch.nn.MSELoss(reduction="sum")
    for t in range(50):
        loss = loss_fn(model(x), y)
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= 1e-4 * param.grad
    return start, torch.cat([p.detach().flatten() for p in model.parameters()]), loss.item()


def polynomial_with_optim(torch):
    """The tutorial's nn + optim version: RMSprop does the updates."""
    torch.manual_seed(0)
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    xx = x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
    start = torch.cat([p.detach().flatten() for p in model.parameters()])
    loss_fn = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
    for t in range(300):
        loss = loss_fn(model(xx), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return start, torch.cat([p.detach().flatten() for p in model.parameters()]), loss.item()


def classifier_with_adam(torch):
    """A small classifier on random data: CrossEntropyLoss, Adam, mini-batches from randperm."""
    torch.manual_seed(0)
    x = torch.randn(256, 20)
    labels = torch.randint(0, 4, (256,))
    model = torch.nn.Sequential(torch.nn.Linear(20, 32), torch.nn.Tanh(), torch.nn.Linear(32, 4))
    start = torch.cat([p.detach().flatten() for p in model.parameters()])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = torch.nn.CrossEntropyLoss()
    for epoch in range(5):
        order = torch.randperm(256)
        for i in range(0, 256, 32):
            batch = order[i:i + 32]
            loss = loss_fn(model(x[batch]), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return start, torch.cat([p.detach().flatten() for p in model.parameters()]), loss.item()


PROGRAMS = [polynomial_with_optim, classifier_with_adam, polynomial_with_tensors, polynomial_with_autograd, polynomial_with_nn,
            polynomial_as_a_module, two_layer_net]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_the_program_runs_unchanged_and_matches_torch(program):
    start, end, loss = program(learntorch)
    real_start, real_end, real_loss = program(real_torch)
    # the same seed gives the same random start, to the bit
    assert np.array_equal(start.numpy(), real_start.numpy())
    # and the same training run, up to float32 rounding in the sums
    np.testing.assert_allclose(end.numpy(), real_end.numpy(), rtol=1e-4, atol=1e-5)
    assert math.isclose(loss, real_loss, rel_tol=1e-3)
