"""More of pytorch/examples as programs: mnist_rnn (an LSTM reading an image row by row,
trained with Adadelta, StepLR and gradient clipping) and a training loop that builds its
model on the 'meta' device and materialises it with to_empty + reset_parameters.

Each runs on ``torch`` (real torch, or learntorch imported as torch); program_harness runs
it both ways from the same seed and compares what the example prints.
"""
import pytest

from program_harness import assert_same_run


def mnist_rnn(torch):
    """pytorch/examples mnist_rnn/main.py: Net = LSTM(28, 64, batch_first) + BatchNorm1d +
    Linear, trained on 28x28 "images" (random here) for two epochs, with Adadelta, StepLR,
    clip_grad_norm_ and the example's test loop (summed nll_loss, argmax accuracy)."""
    import torch.nn as nn
    import torch.nn.functional as F
    import torch.optim as optim
    from torch.optim.lr_scheduler import StepLR
    from torch.utils.data import DataLoader, TensorDataset

    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.rnn = nn.LSTM(input_size=28, hidden_size=16, batch_first=True)
            self.batchnorm = nn.BatchNorm1d(16)
            self.dropout1 = nn.Dropout2d(0.25)
            self.dropout2 = nn.Dropout2d(0.5)
            self.fc1 = nn.Linear(16, 12)
            self.fc2 = nn.Linear(12, 10)

        def forward(self, input):
            input = input.reshape(-1, 28, 28)
            output, hidden = self.rnn(input)
            output = output[:, -1, :]
            output = self.batchnorm(output)
            output = self.dropout1(output)
            output = self.fc1(output)
            output = F.relu(output)
            output = self.dropout2(output)
            output = self.fc2(output)
            output = F.log_softmax(output, dim=1)
            return output

    torch.manual_seed(1)
    images, labels = torch.randn(24, 1, 28, 28), torch.randint(0, 10, (24,))
    train_loader = DataLoader(TensorDataset(images[:16], labels[:16]), batch_size=8, shuffle=True)
    test_loader = DataLoader(TensorDataset(images[16:], labels[16:]), batch_size=8)
    model = Net()
    optimizer = optim.Adadelta(model.parameters(), lr=0.1)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    losses, norms, lrs, tests = [], [], [], []
    for epoch in range(1, 3):
        model.train()
        for batch_idx, (data, target) in enumerate(train_loader):
            optimizer.zero_grad()
            output = model(data)
            loss = F.nll_loss(output, target)
            loss.backward()
            norms.append(nn.utils.clip_grad_norm_(model.parameters(), 1.0))
            optimizer.step()
            losses.append(loss.item())
        model.eval()
        test_loss, correct = 0, 0
        with torch.no_grad():
            for data, target in test_loader:
                output = model(data)
                test_loss += F.nll_loss(output, target, reduction='sum').item()
                pred = output.argmax(dim=1, keepdim=True)
                correct += pred.eq(target.view_as(pred)).sum().item()
        tests.append((test_loss / len(test_loader.dataset), correct))
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
    return {"losses": losses, "norms": norms, "lrs": lrs, "tests": tests,
            "running_mean": model.batchnorm.running_mean}


def meta_init_then_materialise(torch):
    """The "build big, allocate later" recipe: a model made under ``with torch.device('meta')``
    (no memory, no random draws), its shapes inspected, then ``to_empty(device='cpu')`` and
    each layer's ``reset_parameters()``; it then trains like a CPU-built model."""
    import torch.nn as nn

    torch.manual_seed(0)
    with torch.device('meta'):
        model = nn.Sequential(nn.Linear(6, 8), nn.LayerNorm(8), nn.GELU(), nn.Linear(8, 3))
    shapes = [(name, tuple(p.shape), p.device.type) for name, p in model.named_parameters()]
    probe = model(torch.empty(4, 6, device='meta'))
    model = model.to_empty(device='cpu')
    for module in model.modules():
        if hasattr(module, 'reset_parameters'):
            module.reset_parameters()
    init_weight = model[0].weight.detach().clone()
    x, y = torch.randn(16, 6), torch.randint(0, 3, (16,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return {"shapes": shapes, "probe": (tuple(probe.shape), probe.device.type, repr(probe)),
            "init_weight": init_weight, "weight": model[0].weight, "losses": losses}


PROGRAMS = [mnist_rnn, meta_init_then_materialise]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_program_runs_unchanged_and_matches_torch(program):
    assert_same_run(program)
