"""Seeded wrong implementations of chapter 6's tasks (see mutants.py for the format).

Each mutant is the solution with one mistake a student makes, written as a change to the
correct source below, so that every mutant differs from a right answer in that mistake only.
"""

_SIZE = """
def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
"""

_LOOPS = """
def conv2d_loops(x, weight, bias=None, stride=1, padding=0):
    x = np.pad(x.detach().numpy(), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    w = weight.detach().numpy()
    (N, C, H, W), (O, _, kh, kw) = x.shape, w.shape
    oh, ow = (H - kh) // stride + 1, (W - kw) // stride + 1
    out = np.zeros((N, O, oh, ow), dtype=x.dtype)
    for n in range(N):
        for o in range(O):
            for i in range(oh):
                for j in range(ow):
                    patch = x[n, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                    out[n, o, i, j] = (patch * w[o]).sum()
    if bias is not None:
        out += bias.detach().numpy()[:, None, None]
    return torch.from_numpy(out)
"""

_WINDOWS = """
from numpy.lib.stride_tricks import sliding_window_view


def windows(x, kh, kw, stride, padding):
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    return sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
"""

_IM2COL = _WINDOWS + """

def conv2d_im2col(x, weight, bias=None, stride=1, padding=0):
    O, C, kh, kw = weight.shape
    win = windows(x.detach().numpy(), kh, kw, stride, padding)
    N, _, oh, ow = win.shape[:4]
    cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(N * oh * ow, C * kh * kw)
    out = cols @ weight.detach().numpy().reshape(O, -1).T
    if bias is not None:
        out += bias.detach().numpy()
    return torch.from_numpy(out.reshape(N, oh, ow, O).transpose(0, 3, 1, 2).copy())
"""

_BACKWARD = _WINDOWS + """

def conv2d_backward(x, weight, grad_output, stride=1, padding=0):
    x, w, g = x.detach().numpy(), weight.detach().numpy(), grad_output.detach().numpy()
    (N, C, H, W), (O, _, kh, kw), (_, _, oh, ow) = x.shape, w.shape, g.shape
    grad_weight = np.tensordot(g, windows(x, kh, kw, stride, padding), axes=([0, 2, 3], [0, 2, 3]))
    grad_cols = np.tensordot(w, g, axes=([0], [1]))
    grad_padded = np.zeros((C, N, H + 2 * padding, W + 2 * padding), dtype=x.dtype)
    for a in range(kh):
        for b in range(kw):
            rows, cols = slice(a, a + stride * oh, stride), slice(b, b + stride * ow, stride)
            grad_padded[:, :, rows, cols] += grad_cols[:, a, b]
    grad_input = grad_padded[:, :, padding:padding + H, padding:padding + W].transpose(1, 0, 2, 3)
    return (torch.from_numpy(np.ascontiguousarray(grad_input)), torch.from_numpy(grad_weight),
            torch.from_numpy(g.sum(axis=(0, 2, 3))))
"""

_POOL = """
from numpy.lib.stride_tricks import sliding_window_view


def max_pool2d(x, kernel_size, stride=None):
    stride = stride or kernel_size
    win = sliding_window_view(x.detach().numpy(), (kernel_size, kernel_size), axis=(2, 3))
    return torch.from_numpy(win[:, :, ::stride, ::stride].max(axis=(4, 5)))
"""

_POOL_BACKWARD = """
from numpy.lib.stride_tricks import sliding_window_view


def max_pool2d_backward(x, grad_output, kernel_size, stride=None):
    stride = stride or kernel_size
    x, g = x.detach().numpy(), grad_output.detach().numpy()
    win = sliding_window_view(x, (kernel_size, kernel_size), axis=(2, 3))[:, :, ::stride, ::stride]
    N, C, oh, ow = win.shape[:4]
    first = win.reshape(N, C, oh, ow, -1).argmax(axis=-1)
    n, c, i, j = np.indices((N, C, oh, ow))
    rows, cols = i * stride + first // kernel_size, j * stride + first % kernel_size
    grad = np.zeros_like(x)
    np.add.at(grad, (n, c, rows, cols), g)
    return torch.from_numpy(grad)
"""

_LENET = """
F = torch.nn.functional


class LeNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = torch.nn.Conv2d(6, 16, 5)
        self.fc1 = torch.nn.Linear(16 * 5 * 5, 120)
        self.fc2 = torch.nn.Linear(120, 84)
        self.fc3 = torch.nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)

    def num_flat_features(self, x):
        size = x.size()[1:]
        num_features = 1
        for s in size:
            num_features *= s
        return num_features
"""

_EVALUATE = """
def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(dim=1) == labels).sum().item()
            total += len(labels)
    return correct / total
"""

_TRAIN = """
def train_epoch(model, loader, optimizer):
    model.train()
    total_loss = count = 0
    for images, labels in loader:
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(labels)
        count += len(labels)
    return total_loss / count
"""

_CONV2D = _IM2COL + _BACKWARD.replace(_WINDOWS, "") + """

class Conv2dFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding):
        ctx.save_for_backward(x, weight)
        ctx.stride, ctx.padding, ctx.has_bias = stride, padding, bias is not None
        return conv2d_im2col(x, weight, bias, stride, padding)

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        grad_x, grad_w, grad_b = conv2d_backward(x, weight, grad_output, ctx.stride, ctx.padding)
        return grad_x, grad_w, grad_b if ctx.has_bias else None, None, None


class Conv2d(torch.nn.Conv2d):
    def forward(self, x):
        return Conv2dFunction.apply(x, self.weight, self.bias, self.stride[0], self.padding[0])
"""


def _mutant(source, old, new, count=1):
    """``source`` with ``old`` replaced by ``new``; the replacement must happen ``count`` times."""
    assert source.count(old) == count, (old, source.count(old))
    return source.replace(old, new)


MUTANTS = {
    "6.1": {
        "forgets the dilation": _mutant(_SIZE, "dilation * (kernel_size - 1)", "(kernel_size - 1)"),
        "pads one side only": _mutant(_SIZE, "2 * padding", "padding"),
        "rounds up": _mutant(_SIZE, "(size + 2 * padding - dilation * (kernel_size - 1) - 1) "
                             "// stride", "-(-(size + 2 * padding - dilation * (kernel_size - 1) "
                             "- 1) // stride)"),
        "forgets the + 1": _mutant(_SIZE, "// stride + 1", "// stride"),
        "divides before subtracting the kernel": _mutant(
            _SIZE, "(size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1",
            "(size + 2 * padding) // stride - dilation * (kernel_size - 1)"),
    },
    "6.2": {
        "flips the kernel (convolution, not cross-correlation)": _mutant(
            _LOOPS, "(patch * w[o]).sum()", "(patch * w[o, :, ::-1, ::-1]).sum()"),
        "pads one pixel too few": _mutant(
            _LOOPS, "(padding, padding), (padding, padding)",
            "(max(padding - 1, 0),) * 2, (max(padding - 1, 0),) * 2"),
        "forgets the bias": _mutant(_LOOPS, "out += bias.detach().numpy()[:, None, None]", "pass"),
        "ignores the stride": _mutant(_LOOPS, "oh, ow = (H - kh) // stride + 1, (W - kw) // stride "
                                      "+ 1", "stride = 1\n    oh, ow = H - kh + 1, W - kw + 1"),
        "computes in float64": _mutant(_LOOPS, "dtype=x.dtype", "dtype=np.float64"),
    },
    "6.3": {
        "flips the kernel (convolution, not cross-correlation)": _mutant(
            _IM2COL, "weight.detach().numpy().reshape(O, -1)",
            "weight.detach().numpy()[:, :, ::-1, ::-1].reshape(O, -1)"),
        "orders the window's columns (kh, kw, C) but the weight (C, kh, kw)": _mutant(
            _IM2COL, "win.transpose(0, 2, 3, 1, 4, 5)", "win.transpose(0, 2, 3, 4, 5, 1)"),
        "forgets the bias": _mutant(_IM2COL, "out += bias.detach().numpy()", "pass"),
        "ignores the stride": _mutant(_IM2COL, "[:, :, ::stride, ::stride]", ""),
        "reshapes the result without moving the channels first": _mutant(
            _IM2COL, "out.reshape(N, oh, ow, O).transpose(0, 3, 1, 2).copy()",
            "out.reshape(N, O, oh, ow)"),
    },
    "6.4": {
        "wrong stride in backward (adds the gradient back with step 1)": _mutant(
            _BACKWARD, "slice(a, a + stride * oh, stride), slice(b, b + stride * ow, stride)",
            "slice(a, a + oh), slice(b, b + ow)"),
        "grad_bias summed over the wrong axes": _mutant(
            _BACKWARD, "g.sum(axis=(0, 2, 3))", "g.sum(axis=(1, 2, 3))"),
        "grad_weight summed over the wrong axis (keeps the batch)": _mutant(
            _BACKWARD, "axes=([0, 2, 3], [0, 2, 3]))", "axes=([2, 3], [2, 3]))[0, :, 0]"),
        "flips the kernel in the input gradient": _mutant(
            _BACKWARD, "np.tensordot(w, g,", "np.tensordot(w[:, :, ::-1, ::-1], g,"),
        "cuts the padding off one pixel wrong": _mutant(
            _BACKWARD, "grad_padded[:, :, padding:padding + H, padding:padding + W]",
            "grad_padded[:, :, :H, :W]"),
    },
    "6.5": {
        "stride defaults to 1": _mutant(_POOL, "stride or kernel_size", "stride or 1"),
        "averages instead of taking the max": _mutant(_POOL, ".max(axis=(4, 5))",
                                                      ".mean(axis=(4, 5))"),
        "takes the max over channels too": _mutant(
            _POOL, ".max(axis=(4, 5))", ".max(axis=(1, 4, 5), keepdims=True)[:, :, :, :, 0, 0]"),
        "ignores the stride": _mutant(_POOL, "[:, :, ::stride, ::stride]", ""),
    },
    "6.6": {
        "every tied maximum gets the gradient": _POOL_BACKWARD.replace(
            "    np.add.at(grad, (n, c, rows, cols), g)\n",
            "    top = win.max(axis=(4, 5))\n"
            "    for a in range(kernel_size):\n"
            "        for b in range(kernel_size):\n"
            "            hit = win[:, :, :, :, a, b] == top\n"
            "            np.add.at(grad, (n[hit], c[hit], i[hit] * stride + a,"
            " j[hit] * stride + b), g[hit])\n"),
        "overwrites instead of adding (overlapping windows)": _mutant(
            _POOL_BACKWARD, "np.add.at(grad, (n, c, rows, cols), g)",
            "grad[n, c, rows, cols] = g"),
        "the last maximum instead of the first": _mutant(
            _POOL_BACKWARD, "first = win.reshape(N, C, oh, ow, -1).argmax(axis=-1)",
            "first = kernel_size * kernel_size - 1 - "
            "win.reshape(N, C, oh, ow, -1)[..., ::-1].argmax(axis=-1)"),
        "stride defaults to 1": _mutant(_POOL_BACKWARD, "stride or kernel_size", "stride or 1"),
        "the whole window gets the gradient": _mutant(
            _POOL_BACKWARD, "    np.add.at(grad, (n, c, rows, cols), g)\n",
            "    for a in range(kernel_size):\n"
            "        for b in range(kernel_size):\n"
            "            np.add.at(grad, (n, c, i * stride + a, j * stride + b), g)\n"),
    },
    "6.7": {
        "conv1 without padding": _mutant(_LENET, "torch.nn.Conv2d(1, 6, 5, padding=2)",
                                         "torch.nn.Conv2d(1, 6, 5)"),
        "average pooling": _mutant(_LENET, "F.max_pool2d", "F.avg_pool2d", count=2),
        "no relu after fc2": _mutant(_LENET, "F.relu(self.fc2(x))", "self.fc2(x)"),
        "num_flat_features counts the batch too": _mutant(_LENET, "x.size()[1:]", "x.size()"),
        "relu after the last layer": _mutant(_LENET, "return self.fc3(x)",
                                             "return F.relu(self.fc3(x))"),
    },
    "6.8": {
        "averages the batches' accuracies": """
def evaluate(model, loader):
    model.eval()
    accuracies = []
    with torch.no_grad():
        for images, labels in loader:
            accuracies.append((model(images).argmax(dim=1) == labels).float().mean().item())
    return sum(accuracies) / len(accuracies)
""",
        "forgets model.eval()": _mutant(_EVALUATE, "    model.eval()\n", ""),
        "forgets torch.no_grad()": _mutant(_EVALUATE, "with torch.no_grad():",
                                           "if True:"),
        "returns the count of correct predictions": _mutant(_EVALUATE, "return correct / total",
                                                            "return correct"),
        "returns a tensor": _mutant(_EVALUATE, "return correct / total",
                                    "return torch.tensor(correct / total)"),
    },
    "6.9": {
        "forgets optimizer.zero_grad()": _mutant(_TRAIN, "        optimizer.zero_grad()\n", ""),
        "returns the last batch's loss": _mutant(_TRAIN, "return total_loss / count",
                                                 "return loss.item()"),
        "forgets model.train()": _mutant(_TRAIN, "    model.train()\n", ""),
        "averages the batches' losses, unweighted": _mutant(
            _TRAIN, "loss.item() * len(labels)", "loss.item()").replace(
            "count += len(labels)", "count += 1"),
        "steps before backward": _mutant(
            _TRAIN, "        loss.backward()\n        optimizer.step()",
            "        optimizer.step()\n        loss.backward()"),
    },
    "6.10": {
        "uses learntorch's own convolution": """
class Conv2d(torch.nn.Conv2d):
    pass
""",
        "backward's input gradient with stride 1": _mutant(
            _CONV2D, "slice(a, a + stride * oh, stride), slice(b, b + stride * ow, stride)",
            "slice(a, a + oh), slice(b, b + ow)"),
        "backward returns the gradients out of order": _mutant(
            _CONV2D, "return grad_x, grad_w, grad_b if ctx.has_bias else None, None, None",
            "return grad_w, grad_x, grad_b if ctx.has_bias else None, None, None"),
        "forward ignores the padding": _mutant(
            _CONV2D, "self.stride[0], self.padding[0])", "self.stride[0], 0)"),
        "forward forgets the bias": _mutant(_CONV2D, "out += bias.detach().numpy()", "pass"),
        "a Function whose forward calls F.conv2d": _mutant(
            _CONV2D, "return conv2d_im2col(x, weight, bias, stride, padding)",
            "return torch.nn.functional.conv2d(x, weight, bias, stride, padding)"),
    },
}

SAYS = {
    ("6.2", "computes in float64"): "dtype float64 ≠ expected float32",
    ("6.8", "returns a tensor"): "expected a Python float",
    ("6.8", "forgets torch.no_grad()"): "gradient recording on",
    ("6.9", "forgets model.train()"): "still in eval mode",
    ("6.10", "uses learntorch's own convolution"): "does not come from your autograd.Function",
    ("6.10", "a Function whose forward calls F.conv2d"): "used learntorch's own convolution",
}
