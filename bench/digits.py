"""The digits models that the ``cnn`` and ``memory`` workloads train, written once for both
learntorch and torch: LeNet-5 of the seed notes on the 28×28 view and a 64-256-128-10 MLP on
the 8×8 images, each trained with cross-entropy and SGD with momentum.

The data and the initial weights are NumPy arrays made here, so that every library starts from
the same numbers and sees the batches in the same order.
"""
import numpy as np

import learntorch.vision.datasets

BATCH, LR, MOMENTUM = 64, 0.01, 0.9

# model -> (image side, its layers as (name, in, out, kernel or None)); load order = this order
LAYERS = {
    "lenet": (28, [("conv1", 1, 6, 5), ("conv2", 6, 16, 5), ("fc1", 16 * 4 * 4, 120, None),
                   ("fc2", 120, 84, None), ("fc3", 84, 10, None)]),
    "mlp": (8, [("fc1", 64, 256, None), ("fc2", 256, 128, None), ("fc3", 128, 10, None)]),
}


def setup(model, rng):
    """Training images (float32 in [0, 1]; NCHW for LeNet, flat for the MLP), labels, a shuffled
    order and initial weights drawn like torch's default init (uniform ±1/√fan_in)."""
    side, layers = LAYERS[model]
    data = learntorch.vision.datasets.Digits(train=True, size=side)
    images = data.data.numpy().astype(np.float32) / np.float32(255)
    images = images[:, None] if model == "lenet" else images.reshape(len(images), -1)
    weights = {}
    for name, fan_in, fan_out, kernel in layers:
        shape = (fan_out, fan_in) + ((kernel, kernel) if kernel else ())
        bound = (fan_in * (kernel or 1) ** 2) ** -0.5
        weights[f"{name}.weight"] = rng.uniform(-bound, bound, shape).astype(np.float32)
        weights[f"{name}.bias"] = rng.uniform(-bound, bound, fan_out).astype(np.float32)
    return {"x": images, "y": data.targets.numpy(), "order": rng.permutation(len(images)),
            "weights": weights}


def batches(x, y, order):
    """The epoch's (images, labels) batches, the last one short (DataLoader's default)."""
    return [(x[order[i:i + BATCH]], y[order[i:i + BATCH]]) for i in range(0, len(order), BATCH)]


def cross_entropy(z, labels):
    """The NumPy floors' loss: mean cross-entropy of logits ``z`` and its gradient in ``z``."""
    z = z - z.max(1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    rows = np.arange(len(labels))
    grad = np.exp(logp)
    grad[rows, labels] -= 1
    grad /= len(labels)
    return -logp[rows, labels].mean(), grad


def sgd_momentum(params, grads, momentum):
    """The NumPy floors' update, torch's SGD: ``buf = momentum·buf + g; p -= lr·buf``."""
    for name, g in grads.items():
        if name in momentum:
            momentum[name] *= MOMENTUM
            momentum[name] += g
        else:
            momentum[name] = g.copy()
        params[name] -= LR * momentum[name]


def network(lib, model, weights):
    """``model`` as a ``lib.nn.Module`` (``lib`` is learntorch or torch) holding ``weights``."""
    nn, F = lib.nn, lib.nn.functional

    class LeNet(nn.Module):
        """The seed notes' Net, with 16·4·4 features for 28×28 inputs."""

        def __init__(self):
            super().__init__()
            self.conv1, self.conv2 = nn.Conv2d(1, 6, 5), nn.Conv2d(6, 16, 5)
            self.fc1, self.fc2 = nn.Linear(256, 120), nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.flatten(1)   # torch may keep channels-last strides here: no view
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2 = nn.Linear(64, 256), nn.Linear(256, 128)
            self.fc3 = nn.Linear(128, 10)

        def forward(self, x):
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

    net = LeNet() if model == "lenet" else MLP()
    net.load_state_dict({name: lib.tensor(w) for name, w in weights.items()})
    return net


def trainer(lib, model, x, y, order, weights):
    """A zero-argument function that trains ``model`` for one epoch and returns its batch losses."""
    net = network(lib, model, weights)
    optimizer = lib.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM)
    data = [(lib.from_numpy(xb), lib.from_numpy(yb)) for xb, yb in batches(x, y, order)]
    loss_fn = lib.nn.CrossEntropyLoss()

    def epoch():
        losses = []
        for xb, yb in data:
            optimizer.zero_grad()
            loss = loss_fn(net(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.detach())
        return lib.stack(losses)
    return epoch
