"""The "Deep Learning with PyTorch: A 60 Minute Blitz" and "Learn the Basics" pages, as programs.

Each program is written the way the tutorial writes it and runs on ``torch`` (real torch, or
learntorch imported as torch); program_harness runs it both ways from the same seed and
compares what the tutorial prints.
"""
import numpy as np
import pytest

from program_harness import assert_same_run, torch_is_learntorch


def blitz_tensors(torch):
    """Blitz part 1 / basics "Tensors": creation, attributes, indexing, joining, arithmetic,
    in-place ops and the NumPy bridge (shared memory both ways)."""
    data = [[1, 2], [3, 4]]
    x_data = torch.tensor(data)
    np_array = np.array(data)
    x_np = torch.from_numpy(np_array)
    x_ones = torch.ones_like(x_data)
    torch.manual_seed(0)
    x_rand = torch.rand_like(x_data, dtype=torch.float)
    shape = (2, 3,)
    rand_tensor, ones_tensor, zeros_tensor = torch.rand(shape), torch.ones(shape), torch.zeros(shape)
    attributes = (tuple(rand_tensor.shape), str(rand_tensor.dtype).split(".")[-1],
                  str(rand_tensor.device))
    tensor = torch.ones(4, 4)
    first_row, first_column, last_column = tensor[0], tensor[:, 0], tensor[..., -1]
    tensor[:, 1] = 0
    t1 = torch.cat([tensor, tensor, tensor], dim=1)
    y1 = tensor @ tensor.T
    y2 = tensor.matmul(tensor.T)
    y3 = torch.rand_like(y1)
    torch.matmul(tensor, tensor.T, out=y3)
    z1 = tensor * tensor
    z2 = tensor.mul(tensor)
    z3 = torch.rand_like(tensor)
    torch.mul(tensor, tensor, out=z3)
    agg = tensor.sum()
    agg_item = agg.item()
    tensor.add_(5)
    t = torch.ones(5)
    n = t.numpy()
    t.add_(1)
    bridged = n.copy()
    n2 = np.ones(5)
    t2 = torch.from_numpy(n2)
    np.add(n2, 1, out=n2)
    return {"init_rand": x_rand, "init_rand_tensor": rand_tensor, "x_np": x_np, "x_ones": x_ones,
            "ones": ones_tensor, "zeros": zeros_tensor, "attributes": attributes,
            "rows": [first_row, first_column, last_column], "t1": t1, "y": [y1, y2, y3],
            "z": [z1, z2, z3], "agg": agg_item, "agg_type": type(agg_item).__name__,
            "added": tensor, "numpy_sees_add_": bridged, "tensor_sees_np_add": t2.clone(),
            "repr": repr(tensor), "repr_t2": repr(t2)}


def blitz_autograd(torch):
    """Blitz part 2: Q = 3a³ - b², backward with an external gradient, what is excluded
    from the DAG."""
    a = torch.tensor([2., 3.], requires_grad=True)
    b = torch.tensor([6., 4.], requires_grad=True)
    Q = 3 * a ** 3 - b ** 2
    external_grad = torch.tensor([1., 1.])
    Q.backward(gradient=external_grad)
    checks = [bool((9 * a ** 2 == a.grad).all()), bool((-2 * b == b.grad).all())]
    torch.manual_seed(0)
    x = torch.rand(5, 5)
    y = torch.rand(5, 5)
    z = torch.rand((5, 5), requires_grad=True)
    a2 = x + y
    b2 = x + z
    return {"a_grad": a.grad, "b_grad": b.grad, "checks": checks, "init_z": z.detach(),
            "grad_fn": type(Q.grad_fn).__name__,
            "requires_grad": [a2.requires_grad, b2.requires_grad]}


def blitz_neural_networks(torch):
    """Blitz part 3: LeNet for 32×32 inputs, one backward with a random gradient, MSELoss, the
    graph walked through grad_fn.next_functions, a manual SGD update, then optim.SGD."""
    import torch.nn as nn
    import torch.nn.functional as F

    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, input):
            c1 = F.relu(self.conv1(input))
            s2 = F.max_pool2d(c1, (2, 2))
            c3 = F.relu(self.conv2(s2))
            s4 = F.max_pool2d(c3, 2)
            s4 = torch.flatten(s4, 1)
            f5 = F.relu(self.fc1(s4))
            f6 = F.relu(self.fc2(f5))
            output = self.fc3(f6)
            return output

    torch.manual_seed(0)
    net = Net()
    params = list(net.parameters())
    sizes = [tuple(p.size()) for p in params]
    init = [p.detach().clone() for p in params]
    input = torch.randn(1, 1, 32, 32)
    out = net(input)
    net.zero_grad()
    out.backward(torch.randn(1, 10))
    output = net(input)
    target = torch.randn(10)
    target = target.view(1, -1)
    criterion = nn.MSELoss()
    loss = criterion(output, target)
    net.zero_grad()
    bias_before = net.conv1.bias.grad
    loss.backward()
    bias_after = net.conv1.bias.grad.clone()
    learning_rate = 0.01
    for f in net.parameters():
        f.data.sub_(f.grad.data * learning_rate)
    import torch.optim as optim
    optimizer = optim.SGD(net.parameters(), lr=0.01)
    losses = []
    for _ in range(3):
        optimizer.zero_grad()
        output = net(input)
        loss = criterion(output, target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return {"repr": repr(net), "sizes": sizes, "init": init, "out": out.detach(),
            "bias_before": bias_before, "bias_after": bias_after,
            "losses": losses, "params": [p.detach() for p in net.parameters()]}


def quickstart(torch, vision, tmp_path):
    """Basics "Quickstart": FashionMNIST-shaped data (FakeData stands in for the download),
    DataLoader, Flatten + Sequential, train/test loops, save/load of the state_dict, predict."""
    from torch import nn
    from torch.utils.data import DataLoader
    datasets, ToTensor = vision.datasets, vision.transforms.ToTensor

    training_data = datasets.FakeData(size=64, image_size=(1, 28, 28), num_classes=10,
                                      transform=ToTensor())
    test_data = datasets.FakeData(size=32, image_size=(1, 28, 28), num_classes=10,
                                  transform=ToTensor(), random_offset=1000)
    batch_size = 16
    train_dataloader = DataLoader(training_data, batch_size=batch_size)
    test_dataloader = DataLoader(test_data, batch_size=batch_size)
    for X, y in test_dataloader:
        first_shapes = (tuple(X.shape), str(y.dtype).split(".")[-1])
        break
    device = "cpu"

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 512),
                nn.ReLU(),
                nn.Linear(512, 512),
                nn.ReLU(),
                nn.Linear(512, 10)
            )

        def forward(self, x):
            x = self.flatten(x)
            logits = self.linear_relu_stack(x)
            return logits

    torch.manual_seed(0)
    model = NeuralNetwork().to(device)
    init = [p.detach().clone() for p in model.parameters()]
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-1)
    log = []

    def train(dataloader, model, loss_fn, optimizer):
        size = len(dataloader.dataset)
        model.train()
        for batch, (X, y) in enumerate(dataloader):
            X, y = X.to(device), y.to(device)
            pred = model(X)
            loss = loss_fn(pred, y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            if batch % 2 == 0:
                loss, current = loss.item(), (batch + 1) * len(X)
                log.append(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")

    def test(dataloader, model, loss_fn):
        size = len(dataloader.dataset)
        num_batches = len(dataloader)
        model.eval()
        test_loss, correct = 0, 0
        with torch.no_grad():
            for X, y in dataloader:
                X, y = X.to(device), y.to(device)
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        test_loss /= num_batches
        correct /= size
        return test_loss, correct

    results = []
    for t in range(2):
        train(train_dataloader, model, loss_fn, optimizer)
        results.append(test(test_dataloader, model, loss_fn))
    path = str(tmp_path / "model.pth")
    torch.save(model.state_dict(), path)
    model = NeuralNetwork().to(device)
    model.load_state_dict(torch.load(path, weights_only=True))
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    model.eval()
    x, y = test_data[0][0], test_data[0][1]
    with torch.no_grad():
        x = x.to(device)
        pred = model(x)
        predicted, actual = classes[pred[0].argmax(0)], classes[y]
    return {"shapes": first_shapes, "init": init, "log_len": len(log), "results": results,
            "loaded": [p.detach() for p in model.parameters()], "pred": pred,
            "labels": (predicted, actual), "repr": repr(model)}


def build_the_model(torch):
    """Basics "Build the Model": layers one at a time on a minibatch, Softmax, the printed
    model and its named parameters."""
    from torch import nn

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                nn.Linear(512, 10))

        def forward(self, x):
            x = self.flatten(x)
            return self.linear_relu_stack(x)

    torch.manual_seed(0)
    model = NeuralNetwork()
    X = torch.rand(1, 28, 28)
    logits = model(X)
    pred_probab = nn.Softmax(dim=1)(logits)
    y_pred = pred_probab.argmax(1)
    input_image = torch.rand(3, 28, 28)
    flatten = nn.Flatten()
    flat_image = flatten(input_image)
    layer1 = nn.Linear(in_features=28 * 28, out_features=20)
    hidden1 = layer1(flat_image)
    before = hidden1.detach().clone()
    hidden1 = nn.ReLU()(hidden1)
    seq_modules = nn.Sequential(flatten, layer1, nn.ReLU(), nn.Linear(20, 10))
    logits2 = seq_modules(input_image)
    softmax = nn.Softmax(dim=1)
    pred_probab2 = softmax(logits2)
    named = [f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n"
             for name, param in model.named_parameters()]
    return {"repr": str(model), "init_X": X, "logits": logits, "probab": pred_probab,
            "y_pred": y_pred, "flat": tuple(flat_image.size()), "before_relu": before,
            "after_relu": hidden1, "probab2": pred_probab2, "seq": repr(seq_modules),
            "named_count": len(named), "named_first": named[1].split("Values")[0]}


def autograd_basics(torch):
    """Basics "Automatic Differentiation with torch.autograd": one-layer network with
    binary_cross_entropy_with_logits, grad_fn names, no_grad/detach, Jacobian-vector products
    accumulating over retain_graph backwards."""
    torch.manual_seed(0)
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    names = [type(z.grad_fn).__name__]
    loss.backward()
    flags = [z.requires_grad]
    with torch.no_grad():
        z = torch.matmul(x, w) + b
    flags.append(z.requires_grad)
    z = torch.matmul(x, w) + b
    z_det = z.detach()
    flags.append(z_det.requires_grad)
    inp = torch.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    out.backward(torch.ones_like(out), retain_graph=True)
    first = inp.grad.clone()
    out.backward(torch.ones_like(out), retain_graph=True)
    second = inp.grad.clone()
    inp.grad.zero_()
    out.backward(torch.ones_like(out), retain_graph=True)
    return {"init_w": w.detach(), "init_b": b.detach(), "names": names, "w_grad": w.grad,
            "b_grad": b.grad, "flags": flags, "jvp": [first, second, inp.grad]}


@pytest.mark.parametrize("loss, expected", [
    ("mse_loss", "MseLossBackward0"), ("smooth_l1_loss", "SmoothL1LossBackward0"),
    ("huber_loss", "HuberLossBackward0"),
    ("binary_cross_entropy", "BinaryCrossEntropyBackward0"),
    ("binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0")])
def test_loss_grad_fn_is_named_as_the_tutorials_print(loss, expected):
    """The autograd basics page prints ``loss.grad_fn`` (BinaryCrossEntropyWithLogitsBackward0)
    and the blitz walks MSELoss -> Linear -> ReLU through ``next_functions``."""
    import learntorch as torch
    z = torch.rand(3, requires_grad=True)
    loss = getattr(torch.nn.functional, loss)(z.sigmoid() if loss == "binary_cross_entropy" else z,
                                              torch.rand(3))
    assert type(loss.grad_fn).__name__ == expected
    if loss != "mse_loss":
        return
    out = torch.nn.Linear(3, 3)(torch.relu(z).unsqueeze(0))
    chain = torch.nn.MSELoss()(out, torch.zeros(1, 3)).grad_fn
    assert [type(chain).__name__, type(chain.next_functions[0][0]).__name__] == \
        ["MseLossBackward0", "AddmmBackward0"]


def optimization_loop(torch):
    """Basics "Optimizing Model Parameters": hyperparameters, train_loop/test_loop over
    TensorDatasets, SGD, CrossEntropyLoss, an epoch loop printing the accuracy."""
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(0)
    train_x, train_y = torch.rand(128, 1, 28, 28), torch.randint(0, 10, (128,))
    test_x, test_y = torch.rand(64, 1, 28, 28), torch.randint(0, 10, (64,))
    learning_rate, batch_size, epochs = 1e-1, 32, 3
    train_dataloader = DataLoader(TensorDataset(train_x, train_y), batch_size=batch_size,
                                  shuffle=True)
    test_dataloader = DataLoader(TensorDataset(test_x, test_y), batch_size=batch_size)
    model = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 64), nn.ReLU(), nn.Linear(64, 10))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    losses, accuracies = [], []

    def train_loop(dataloader, model, loss_fn, optimizer):
        model.train()
        for batch, (X, y) in enumerate(dataloader):
            pred = model(X)
            loss = loss_fn(pred, y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            losses.append(loss.item())

    def test_loop(dataloader, model, loss_fn):
        model.eval()
        size = len(dataloader.dataset)
        num_batches = len(dataloader)
        test_loss, correct = 0, 0
        with torch.no_grad():
            for X, y in dataloader:
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        test_loss /= num_batches
        correct /= size
        accuracies.append(f"Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f}")

    for t in range(epochs):
        train_loop(train_dataloader, model, loss_fn, optimizer)
        test_loop(test_dataloader, model, loss_fn)
    return {"losses": losses, "accuracy_lines": [line[:15] for line in accuracies],
            "params": [p.detach() for p in model.parameters()]}


def save_and_load(torch, tmp_path):
    """Basics "Save and Load the Model" + "Saving and loading a general checkpoint": state_dict
    round trips, a checkpoint dict with the optimizer's state, resuming training from it."""
    import torch.nn as nn
    import torch.nn.functional as F
    import torch.optim as optim

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = x.view(-1, 16 * 5 * 5)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    torch.manual_seed(0)
    net = Net()
    optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    inputs, labels = torch.randn(4, 3, 32, 32), torch.randint(0, 10, (4,))
    criterion = nn.CrossEntropyLoss()

    def step(model, opt):
        opt.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        opt.step()
        return loss.item()

    losses = [step(net, optimizer) for _ in range(2)]
    keys = [(k, tuple(v.size())) for k, v in net.state_dict().items()]
    opt_keys = list(optimizer.state_dict())
    EPOCH, PATH = 5, str(tmp_path / "model.pt")
    torch.save({
        "epoch": EPOCH,
        "model_state_dict": net.state_dict(),
        "optimizer_state_dict": optimizer.state_dict(),
        "loss": losses[-1],
    }, PATH)
    model = Net()
    optimizer2 = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
    checkpoint = torch.load(PATH, weights_only=True)
    model.load_state_dict(checkpoint["model_state_dict"])
    optimizer2.load_state_dict(checkpoint["optimizer_state_dict"])
    epoch, loss = checkpoint["epoch"], checkpoint["loss"]
    model.train()
    resumed = [step(model, optimizer2) for _ in range(2)]
    continued = [step(net, optimizer) for _ in range(2)]
    torch.save(model.state_dict(), str(tmp_path / "weights.pth"))
    model.eval()
    return {"losses": losses, "keys": keys, "opt_keys": opt_keys, "epoch": epoch, "loss": loss,
            "resumed": resumed, "resumed_equals_continued": resumed == continued,
            "momentum": [optimizer2.state[p]["momentum_buffer"] for p in model.parameters()]}


def test_saved_files_load_in_the_other_library(tmp_path):
    """The files each side wrote in save_and_load are torch's format: each library loads the
    other's and finds the same tensors."""
    import learntorch
    import torch as real_torch
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with torch_is_learntorch():
        save_and_load(learntorch, tmp_path / "a")
    ours = tmp_path / "a" / "weights.pth"
    save_and_load(real_torch, tmp_path / "b")
    theirs = tmp_path / "b" / "weights.pth"
    loaded_by_torch = real_torch.load(str(ours), weights_only=True)
    loaded_by_us = learntorch.load(str(theirs), weights_only=True)
    assert list(loaded_by_torch) == list(loaded_by_us)
    for key in loaded_by_torch:
        np.testing.assert_allclose(loaded_by_torch[key].numpy(), loaded_by_us[key].numpy(),
                                   rtol=1e-4, atol=1e-5, err_msg=key)


def cifar10_classifier(torch, vision):
    """Blitz part 4, "Training a Classifier": CIFAR-10-shaped FakeData through
    Compose([ToTensor(), Normalize(...)]), a shuffled DataLoader, SGD with momentum, 2 epochs,
    overall and per-class accuracy."""
    import torch.nn as nn
    import torch.nn.functional as F
    import torch.optim as optim
    torchvision, transforms = vision, vision.transforms

    transform = transforms.Compose(
        [transforms.ToTensor(),
         transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
    batch_size = 4
    trainset = torchvision.datasets.FakeData(size=32, image_size=(3, 32, 32), num_classes=10,
                                             transform=transform)
    torch.manual_seed(0)
    trainloader = torch.utils.data.DataLoader(trainset, batch_size=batch_size, shuffle=True,
                                              num_workers=0)
    testset = torchvision.datasets.FakeData(size=16, image_size=(3, 32, 32), num_classes=10,
                                            transform=transform, random_offset=500)
    testloader = torch.utils.data.DataLoader(testset, batch_size=batch_size, shuffle=False,
                                             num_workers=0)
    classes = ('plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck')
    dataiter = iter(trainloader)
    images, labels = next(dataiter)
    grid = torchvision.utils.make_grid(images)
    first = ' '.join(f'{classes[labels[j]]:5s}' for j in range(batch_size))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = torch.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            x = self.fc3(x)
            return x

    net = Net()
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    running = []
    for epoch in range(2):
        running_loss = 0.0
        for i, data in enumerate(trainloader, 0):
            inputs, labels = data
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if i % 4 == 3:
                running.append(running_loss / 4)
                running_loss = 0.0
    correct = 0
    total = 0
    correct_pred = {classname: 0 for classname in classes}
    total_pred = {classname: 0 for classname in classes}
    with torch.no_grad():
        for data in testloader:
            images, labels = data
            outputs = net(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
            for label, prediction in zip(labels, predicted):
                if label == prediction:
                    correct_pred[classes[label]] += 1
                total_pred[classes[label]] += 1
    return {"init_images": images, "init_grid": grid, "first": first, "running": running,
            "correct": correct, "total": total, "per_class": correct_pred,
            "totals": total_pred, "outputs": outputs}


PROGRAMS = [blitz_tensors, blitz_autograd, blitz_neural_networks, quickstart, build_the_model,
            autograd_basics, optimization_loop, save_and_load, cifar10_classifier]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_program_runs_unchanged_and_matches_torch(program, tmp_path):
    assert_same_run(program, tmp_path=tmp_path)
