"""Chapter 6, convolutional networks: convolution and pooling by hand, LeNet, training loops.

References are learntorch's own ``nn.functional`` ops (checked against torch by the parity tests)
on random shapes, strides and paddings; the last task trains LeNet-5 whose convolutions are the
student's ``Conv2d`` (their forward and backward, no learntorch convolution anywhere) and judges
it by its accuracy on the held-out digits.
"""
import contextlib

import numpy as np
from threadpoolctl import threadpool_limits

import learntorch
from learntorch import nn
from learntorch.nn import functional as F

from ..cases import Case, Mismatch, Task, promise, returns, show
from ..compare import Difference, difference

F32, F64 = learntorch.float32, learntorch.float64


def _t(values, dtype=F64):
    return learntorch.tensor(np.asarray(values, dtype=np.float64), dtype=dtype)


def _fail(got, text, hint=None):
    raise Mismatch(got, [Difference(text, hint)])


def _same(got, expected, what, atol=1e-9, rtol=1e-7):
    """Raise a Mismatch naming ``what`` when ``got`` is not ``expected``."""
    found = difference(got, expected, atol=atol, rtol=rtol)
    if found:
        raise Mismatch(show(got), [Difference(f"{what}: {found.text}", found.hint)])


def _random(shape, seed, dtype=F64):
    return _t(np.random.default_rng(seed).standard_normal(shape), dtype)


# -- 6.1 conv_output_size ---------------------------------------------------------------------
def _size_case(size, kernel, stride, padding, dilation, hint):
    x = learntorch.zeros(1, 1, size, size)
    w = learntorch.zeros(1, 1, kernel, kernel)
    expected = F.conv2d(x, w, stride=stride, padding=padding, dilation=dilation).shape[-1]
    given = f"size={size}, kernel_size={kernel}, stride={stride}, padding={padding}, " \
            f"dilation={dilation}"
    return returns((size, kernel, stride, padding, dilation), expected, hint, given=given)


def _size_cases():
    hint = "floor((size + 2·padding − dilation·(kernel_size − 1) − 1) / stride) + 1"
    return [
        _size_case(28, 5, 1, 0, 1, hint),
        _size_case(28, 5, 1, 2, 1, "padding adds padding rows on both sides: 2·padding"),
        _size_case(32, 3, 2, 1, 1, hint),
        _size_case(10, 3, 3, 0, 1, "a window that does not fit is dropped: round down (//)"),
        _size_case(7, 2, 2, 0, 1, "a window that does not fit is dropped: round down (//)"),
        _size_case(12, 3, 1, 0, 2, "a dilated kernel spans dilation·(kernel_size − 1) + 1 pixels"),
        _size_case(9, 3, 2, 2, 3, hint),
        _size_case(5, 5, 1, 0, 1, "a kernel as large as the input gives one output"),
    ]


# -- 6.2 conv2d_loops and 6.3 conv2d_im2col ---------------------------------------------------
def _conv_case(shapes, stride, padding, bias, hint, seed, dtype=F64):
    (n, c, h, w), (o, k) = shapes
    x, weight = _random((n, c, h, w), seed, dtype), _random((o, c, k, k), seed + 1, dtype)
    b = _random((o,), seed + 2, dtype) if bias else None
    expected = F.conv2d(x, weight, b, stride=stride, padding=padding)
    given = f"x {(n, c, h, w)}, weight {(o, c, k, k)}, bias {None if b is None else (o,)}, " \
            f"stride={stride}, padding={padding}" + (", float32" if dtype == F32 else "")
    tol = (1e-4, 1e-4) if dtype == F32 else (1e-9, 1e-7)
    return returns((x, weight, b, stride, padding), expected, hint, given=given,
                   atol=tol[0], rtol=tol[1])


def _one_pixel_case(hint):
    """A one-hot kernel: cross-correlation reads x where convolution would read it mirrored."""
    x = _t(np.arange(16.0).reshape(1, 1, 4, 4))
    kernel = np.zeros((1, 1, 3, 3))
    kernel[0, 0, 0, 0] = 1.0
    weight = _t(kernel)
    return returns((x, weight, None, 1, 0), F.conv2d(x, weight), hint,
                   given="x = arange(16) as (1, 1, 4, 4), a 3×3 kernel with a 1 in its top-left")


def _conv_cases(big):
    hint = ("out[n, o, i, j] = sum over c, a, b of x_padded[n, c, i·stride + a, j·stride + b] · "
            "weight[o, c, a, b], plus bias[o]")
    cases = [
        _one_pixel_case("PyTorch's conv2d is a cross-correlation: do not flip the kernel"),
        _conv_case(((1, 1, 5, 5), (1, 3)), 1, 0, False, hint, 60),
        _conv_case(((2, 3, 6, 7), (4, 3)), 1, 0, True, "add bias[o] to every output of channel o",
                   61),
        _conv_case(((1, 2, 5, 5), (3, 3)), 1, 1, True,
                   "pad padding zeros on each side of H and W first", 62),
        _conv_case(((2, 2, 7, 8), (2, 3)), 2, 1, True,
                   "stride s: window (i, j) starts at row i·s, column j·s", 63),
        _conv_case(((1, 3, 9, 9), (2, 5)), 3, 2, False, hint, 64),
        _conv_case(((2, 1, 6, 6), (3, 2)), 1, 0, True, "keep the input's dtype (float32)", 65, F32),
    ]
    if big:
        cases.append(_conv_case(((8, 6, 14, 14), (16, 5)), 1, 0, True,
                                "LeNet's second convolution: one matmul of the windows with the "
                                "weight as (out_channels, C·kH·kW)", 66, F32))
    return cases


# -- 6.4 conv2d_backward ----------------------------------------------------------------------
def _conv_grads(x, weight, grad_output, stride, padding):
    x, weight = x.clone().requires_grad_(), weight.clone().requires_grad_()
    bias = learntorch.zeros(weight.shape[0], dtype=x.dtype, requires_grad=True)
    F.conv2d(x, weight, bias, stride=stride, padding=padding).backward(grad_output)
    return x.grad, weight.grad, bias.grad


def _backward_case(shapes, stride, padding, hint, seed):
    (n, c, h, w), (o, k) = shapes
    x, weight = _random((n, c, h, w), seed), _random((o, c, k, k), seed + 1)
    out_shape = F.conv2d(x, weight, stride=stride, padding=padding).shape
    grad_output = _random(out_shape, seed + 2)
    expected = _conv_grads(x, weight, grad_output, stride, padding)
    given = f"x {(n, c, h, w)}, weight {(o, c, k, k)}, stride={stride}, padding={padding}"
    return returns((x, weight, grad_output, stride, padding), expected, hint, given=given,
                   atol=1e-9, rtol=1e-7, labels=("grad_input", "grad_weight", "grad_bias"))


def _backward_cases():
    hint = ("grad_weight[o, c, a, b] = sum over n, i, j of grad_output[n, o, i, j] · "
            "x_padded[n, c, i·s + a, j·s + b]; grad_input: each window adds "
            "grad_output[n, o, i, j] · weight[o] back where it was read")
    hint_stride = ("with stride s, window (i, j) was read at rows i·s … i·s + kH − 1: add its "
                   "gradient back there (step s), and leave unread rows at zero")
    return [
        _backward_case(((1, 1, 4, 4), (1, 3)), 1, 0, hint, 70),
        _backward_case(((2, 3, 5, 6), (4, 3)), 1, 0,
                       "grad_bias[o] sums grad_output over n, i and j (axes 0, 2, 3)", 71),
        _backward_case(((2, 2, 5, 5), (3, 3)), 1, 1,
                       "compute the gradient of the padded input, then cut the padding off", 72),
        _backward_case(((1, 2, 7, 7), (2, 3)), 2, 0, hint_stride, 73),
        _backward_case(((2, 2, 8, 9), (3, 3)), 2, 1, hint_stride, 74),
        _backward_case(((1, 3, 10, 10), (2, 4)), 3, 2, hint_stride, 75),
    ]


# -- 6.5 max_pool2d and 6.6 max_pool2d_backward -----------------------------------------------
def _pool_input(shape, seed, ties):
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 3, shape) if ties else rng.standard_normal(shape)
    return _t(values)


def _pool_given(shape, kernel, stride, ties):
    return f"x {shape}{' with ties' if ties else ''}, kernel_size={kernel}, stride={stride}"


def _pool_case(shape, kernel, stride, hint, seed, ties=False):
    x = _pool_input(shape, seed, ties)
    expected = F.max_pool2d(x, kernel, stride)
    return returns((x, kernel, stride), expected, hint,
                   given=_pool_given(shape, kernel, stride, ties))


def _pool_cases():
    hint = "out[n, c, i, j] = max of x[n, c, i·s : i·s + k, j·s : j·s + k]"
    return [
        _pool_case((1, 1, 4, 4), 2, None, "stride=None means stride = kernel_size", 80),
        _pool_case((2, 3, 6, 6), 2, 2, hint, 81),
        _pool_case((1, 2, 7, 7), 3, 2, "windows overlap when stride < kernel_size", 82),
        _pool_case((2, 1, 5, 7), 2, None,
                   "a window that does not fit is dropped: 5 rows give 2 windows of 2", 83),
        _pool_case((1, 2, 5, 5), 2, 1, hint, 84),
        _pool_case((1, 1, 6, 6), 3, 3, "each channel is pooled on its own", 85, ties=True),
    ]


def _pool_backward_case(shape, kernel, stride, hint, seed, ties=False):
    x = _pool_input(shape, seed, ties)
    out = F.max_pool2d(x, kernel, stride)
    grad_output = _random(out.shape, seed + 1)
    leaf = x.clone().requires_grad_()
    F.max_pool2d(leaf, kernel, stride).backward(grad_output)
    return returns((x, grad_output, kernel, stride), leaf.grad, hint,
                   given=_pool_given(shape, kernel, stride, ties), atol=1e-12)


def _pool_backward_cases():
    hint = "each window's gradient goes to the one input that was its maximum; the others get 0"
    hint_overlap = ("overlapping windows can share their maximum: add the gradients up "
                    "(np.add.at), do not overwrite")
    hint_ties = ("with equal values only the first maximum of the window (in row-major order, "
                 "as argmax finds it) gets the gradient, as in PyTorch")
    return [
        _pool_backward_case((1, 1, 4, 4), 2, None, hint, 90),
        _pool_backward_case((2, 3, 6, 6), 2, 2, hint, 91),
        _pool_backward_case((1, 2, 7, 7), 3, 2, hint_overlap, 92),
        _pool_backward_case((1, 1, 5, 5), 2, 1, hint_overlap, 93),
        _pool_backward_case((2, 1, 5, 7), 2, None, "inputs no window reads get a zero gradient",
                            94),
        _pool_backward_case((1, 2, 6, 6), 2, None, hint_ties, 95, ties=True),
        _pool_backward_case((1, 1, 6, 6), 3, 1, hint_ties, 96, ties=True),
    ]


# -- 6.7 LeNet --------------------------------------------------------------------------------
LENET_LAYERS = {"conv1": (nn.Conv2d, (6, 1, 5, 5)), "conv2": (nn.Conv2d, (16, 6, 5, 5)),
                "fc1": (nn.Linear, (120, 400)), "fc2": (nn.Linear, (84, 120)),
                "fc3": (nn.Linear, (10, 84))}
LENET_PARAMETERS = 61706


def lenet_reference(model, x):
    """LeNet-5's forward, written with F and the model's own parameters."""
    x = F.max_pool2d(F.relu(F.conv2d(x, model.conv1.weight, model.conv1.bias, padding=2)), 2)
    x = F.max_pool2d(F.relu(F.conv2d(x, model.conv2.weight, model.conv2.bias)), 2)
    x = x.reshape(len(x), -1)
    x = F.relu(F.linear(x, model.fc1.weight, model.fc1.bias))
    x = F.relu(F.linear(x, model.fc2.weight, model.fc2.bias))
    return F.linear(x, model.fc3.weight, model.fc3.bias)


def _lenet_case(given, want, hint, check):
    def test(LeNet):
        if not isinstance(LeNet, type) or not issubclass(LeNet, nn.Module):
            _fail(show(LeNet), "LeNet must be a class derived from nn.Module",
                  "class LeNet(nn.Module): … with super().__init__() first")
        learntorch.manual_seed(6)
        check(LeNet())
    return Case(given, want, hint, test)


def _lenet_cases():
    def layers(model):
        for name, (kind, shape) in LENET_LAYERS.items():
            layer = getattr(model, name, None)
            if not isinstance(layer, kind) or tuple(layer.weight.shape) != shape:
                _fail(show(layer), f"model.{name} must be an nn.{kind.__name__} with a weight "
                      f"of shape {shape}")
        if tuple(model.conv1.padding) != (2, 2):
            _fail(f"padding {model.conv1.padding}", "conv1 needs padding=2 for 28×28 digits",
                  "with padding=2 the 28×28 input stays 28×28, so fc1 sees 16·5·5 features")

    def count(model):
        got = sum(p.numel() for p in model.parameters())
        if got != LENET_PARAMETERS:
            _fail(f"{got} parameters", f"LeNet-5 has {LENET_PARAMETERS} parameters")

    def forward(model):
        x = _random((3, 1, 28, 28), 67, F32)
        _same(model(x), lenet_reference(model, x), "model(x)", 1e-5, 1e-4)

    def single(model):
        x = _random((1, 1, 28, 28), 68, F32)
        _same(model(x), lenet_reference(model, x), "model(x) for one image", 1e-5, 1e-4)

    def flat(model):
        got = model.num_flat_features(learntorch.zeros(7, 16, 5, 5))
        if got != 400:
            _fail(show(got), "num_flat_features of a (7, 16, 5, 5) tensor must be 16·5·5 = 400",
                  "multiply the sizes of every dim but the first (the batch)")

    hint = ("conv 5×5 → relu → max-pool 2 → conv 5×5 → relu → max-pool 2 → "
            "view(-1, num_flat_features) → fc1 → relu → fc2 → relu → fc3")
    return [
        _lenet_case("LeNet()'s layers", "conv1, conv2, fc1, fc2, fc3 of LeNet-5's shapes",
                    "Conv2d(1, 6, 5, padding=2), Conv2d(6, 16, 5), Linear(400, 120), "
                    "Linear(120, 84), Linear(84, 10)", layers),
        _lenet_case("sum of p.numel() over LeNet().parameters()", str(LENET_PARAMETERS),
                    "assign every layer to self in __init__, so the Module registers it", count),
        _lenet_case("LeNet()(x) for 3 random 28×28 images", "the logits of LeNet-5's forward",
                    hint, forward),
        _lenet_case("LeNet()(x) for one image", "logits of shape (1, 10)", hint, single),
        _lenet_case("model.num_flat_features(zeros(7, 16, 5, 5))", "400",
                    "the product of x.size()[1:]", flat),
    ]


# -- 6.8 evaluate -----------------------------------------------------------------------------
def _evaluate_data():
    """103 samples whose label is the argmax of their 10 features for the first 70 only."""
    rng = np.random.default_rng(86)
    x = rng.standard_normal((103, 10))
    y = x.argmax(axis=1)
    y[70:] = (y[70:] + 1) % 10
    return _t(x, F32), learntorch.tensor(y)


def _evaluate_cases():
    from ...utils.data import DataLoader, TensorDataset

    x, y = _evaluate_data()
    expected = 70 / 103

    class Watched(nn.Module):
        """Dropout, then the identity: training mode changes the predictions."""
        def __init__(self):
            super().__init__()
            self.dropout = nn.Dropout(0.5)
            self.grad_enabled = []

        def forward(self, inputs):
            self.grad_enabled.append(learntorch.is_grad_enabled())
            return self.dropout(inputs)

    def run(evaluate):
        learntorch.manual_seed(8)
        model = Watched()
        got = evaluate(model, DataLoader(TensorDataset(x, y), batch_size=10))
        return model, got

    def value(evaluate):
        _, got = run(evaluate)
        found = difference(got, expected, atol=1e-9)
        if found:
            raise Mismatch(show(got), [found])

    def number(evaluate):
        _, got = run(evaluate)
        if not isinstance(got, float):
            _fail(show(got), f"returned {type(got).__name__}, expected a Python float",
                  "return correct / total with Python numbers (.item() of a count)")

    def no_grad(evaluate):
        model, _ = run(evaluate)
        if any(model.grad_enabled):
            _fail("gradients recorded", "the model ran with gradient recording on",
                  "wrap the loop in `with torch.no_grad():`: evaluation needs no graph")

    promise(len(x) % 10 != 0, "the last batch is smaller than the others")
    return [
        Case("evaluate(model, loader) on 103 samples, 70 predicted right, batch_size=10",
             f"{expected:.6g} (70 / 103)",
             "count correct predictions over all batches and divide by the number of samples "
             "(the last batch is smaller: averaging batch accuracies is wrong); call "
             "model.eval() first (the model has Dropout)", value),
        Case("type of the result", "a Python float", "return correct / total", number),
        Case("gradient recording during evaluation", "off", "use torch.no_grad()", no_grad),
    ]


# -- 6.9 train_epoch --------------------------------------------------------------------------
def _train_setup():
    from ...utils.data import DataLoader, TensorDataset

    rng = np.random.default_rng(87)
    x, y = _t(rng.standard_normal((22, 4)), F32), learntorch.tensor(rng.integers(0, 3, 22))
    learntorch.manual_seed(9)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.25), nn.Linear(8, 3))
    model.eval()   # train_epoch must switch it to training mode
    optimizer = learntorch.optim.SGD(model.parameters(), lr=0.2)
    return model, DataLoader(TensorDataset(x, y), batch_size=5), optimizer


def _reference_epoch(model, loader, optimizer):
    model.train()
    total = count = 0
    for inputs, labels in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(inputs), labels)
        loss.backward()
        optimizer.step()
        total, count = total + loss.item() * len(labels), count + len(labels)
    return total / count


def _train_cases():
    def epochs(fn, n):
        model, loader, optimizer = _train_setup()
        learntorch.manual_seed(10)
        losses = [fn(model, loader, optimizer) for _ in range(n)]
        return model, losses

    def compare(train_epoch, n):
        (model, losses), (want, want_losses) = epochs(train_epoch, n), epochs(_reference_epoch, n)
        return model, losses, want, want_losses

    def loss(train_epoch):
        _, losses, _, want_losses = compare(train_epoch, 1)
        found = difference(losses[0], want_losses[0], atol=1e-6, rtol=1e-5)
        if found:
            raise Mismatch(show(losses[0]), [found])

    def parameters(train_epoch):
        model, _, want, _ = compare(train_epoch, 1)
        for (name, p), q in zip(model.named_parameters(), want.parameters()):
            _same(p, q, f"parameter {name} after one epoch", 1e-6, 1e-5)

    def two(train_epoch):
        model, losses, want, want_losses = compare(train_epoch, 2)
        for (name, p), q in zip(model.named_parameters(), want.parameters()):
            _same(p, q, f"parameter {name} after two epochs", 1e-6, 1e-5)
        found = difference(losses[1], want_losses[1], atol=1e-6, rtol=1e-5)
        if found:
            raise Mismatch(show(losses[1]), [Difference("second epoch's loss: " + found.text)])

    def mode(train_epoch):
        model, _ = epochs(train_epoch, 1)
        if not model.training:
            _fail("model.training is False", "the model is still in eval mode",
                  "call model.train() at the start: Dropout must be active while training")

    hint = ("for each batch: optimizer.zero_grad(), loss = F.cross_entropy(model(x), y), "
            "loss.backward(), optimizer.step()")
    return [
        Case("one epoch, batch_size=5 on 22 samples: the returned loss",
             "the mean loss over the 22 samples",
             "add loss.item() · len(y) per batch and divide by the number of samples (the last "
             "batch has 2)", loss),
        Case("one epoch: the parameters afterwards", "those of the same loop done right",
             hint + "; call model.train() first", parameters),
        Case("two epochs with the same optimizer", "the parameters and loss of two right epochs",
             "zero the gradients before each backward, or they add up across steps", two),
        Case("the model's mode after train_epoch", "training", "call model.train()", mode),
    ]


# -- 6.10 Conv2d (your conv in a real training run) -------------------------------------------
EPOCHS, BATCH, LR, ACCURACY = 1, 16, 2e-3, 0.85
MEAN, STD = 0.1, 0.3   # of the 28×28 digits' pixels in [0, 1], roughly


class _Borrowed(Exception):
    """Raised when the student's Conv2d runs one of learntorch's convolutions."""


@contextlib.contextmanager
def _no_library_conv():
    """learntorch's conv2d (functional and top-level) raise while the student's code runs."""
    def refuse(*args, **kwargs):
        raise _Borrowed()
    places = [(F, "conv2d"), (learntorch, "conv2d"), (F, "conv_transpose2d"),
              (learntorch, "conv_transpose2d"), (learntorch, "convolution")]
    saved = [(owner, name, getattr(owner, name)) for owner, name in places if hasattr(owner, name)]
    for owner, name, _ in saved:
        setattr(owner, name, refuse)
    try:
        yield
    except _Borrowed:
        _fail("learntorch's conv2d was called", "your Conv2d used learntorch's own convolution",
              "forward must return your Conv2dFunction.apply(...), whose forward and backward "
              "use your conv2d_im2col and conv2d_backward")
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)


def _own_layer(Conv2d, *args, **kwargs):
    if not isinstance(Conv2d, type) or not issubclass(Conv2d, nn.Conv2d):
        _fail(show(Conv2d), "Conv2d must be a subclass of nn.Conv2d",
              "class Conv2d(nn.Conv2d): with only a forward of your own")
    learntorch.manual_seed(11)
    return Conv2d(*args, **kwargs)


def _from_own_function(out):
    """The layer's output must come from the student's autograd.Function (its grad_fn says so)."""
    own = getattr(out.grad_fn, "_forward_cls", None)
    if not (isinstance(own, type) and issubclass(own, learntorch.autograd.Function)):
        _fail(f"grad_fn {type(out.grad_fn).__name__}", "the output does not come from your "
              "autograd.Function", "return Conv2dFunction.apply(x, self.weight, self.bias, "
              "self.stride[0], self.padding[0])")


def _layer_case(args, kwargs, x_shape, seed, hint, given):
    def test(Conv2d):
        layer = _own_layer(Conv2d, *args, **kwargs)
        x = _random(x_shape, seed, F32)
        reference = F.conv2d(x, layer.weight, layer.bias, layer.stride, layer.padding)
        with _no_library_conv():
            out = layer(x)
        _from_own_function(out)   # the weight requires grad, so out has a grad_fn
        _same(out, reference, "layer(x)", 1e-5, 1e-4)
    return Case(given, "F.conv2d with the layer's weight, bias, stride and padding", hint, test)


def _gradient_case(args, kwargs, x_shape, seed, given):
    def test(Conv2d):
        layer = _own_layer(Conv2d, *args, **kwargs)
        x = _random(x_shape, seed, F32).requires_grad_()
        with _no_library_conv():
            out = layer(x)
        _from_own_function(out)
        grad_output = _random(out.shape, seed + 1, F32)
        with _no_library_conv():
            out.backward(grad_output)
        want_x, want_w, want_b = _conv_grads(x.detach(), layer.weight.detach(), grad_output,
                                             layer.stride, layer.padding)
        if x.grad is None or layer.weight.grad is None:
            _fail("grad None", "backward gave no gradient for x or the weight")
        _same(x.grad, want_x, "x.grad", 1e-4, 1e-4)
        _same(layer.weight.grad, want_w, "weight.grad", 1e-4, 1e-4)
        if layer.bias is not None:
            _same(layer.bias.grad, want_b, "bias.grad", 1e-4, 1e-4)
    return Case(given, "x.grad, weight.grad, bias.grad of F.conv2d",
                "backward returns (grad_x, grad_weight, grad_bias, None, None): one gradient "
                "per argument of forward", test)


def digits_28(train):
    """The 28×28 digits as (N, 1, 28, 28) float32, normalized, and their labels."""
    from ...vision.datasets import Digits

    images = Digits(train=train, size=28)
    return ((images.data.float() / 255 - MEAN) / STD).unsqueeze(1), images.targets


class LeNet(nn.Module):
    """LeNet-5 for 28×28 digits, its two convolutions made by ``conv``."""

    def __init__(self, conv):
        super().__init__()
        self.conv1, self.conv2 = conv(1, 6, 5, padding=2), conv(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(x.reshape(len(x), -1)))
        return self.fc3(F.relu(self.fc2(x)))


def train_lenet(conv):
    """LeNet with ``conv`` trained for EPOCHS epochs (Adam), and its accuracy on the test digits."""
    from ...utils.data import DataLoader, TensorDataset

    train_x, train_y = digits_28(train=True)
    test_x, test_y = digits_28(train=False)
    learntorch.manual_seed(12)
    model = LeNet(conv)
    optimizer = learntorch.optim.Adam(model.parameters(), lr=LR)
    loader = DataLoader(TensorDataset(train_x, train_y), batch_size=BATCH, shuffle=True)
    for _ in range(EPOCHS):
        for images, labels in loader:
            optimizer.zero_grad()
            F.cross_entropy(model(images), labels).backward()
            optimizer.step()
    with learntorch.no_grad():
        return (model(test_x).argmax(dim=1) == test_y).float().mean().item()


def _conv_layer_cases():
    trained = {}

    def accuracy(Conv2d):
        for case in quick:   # a wrong or borrowed convolution is reported without training
            case.test(Conv2d)
        key = id(Conv2d)
        if key not in trained:
            # one BLAS thread: small matmuls on a busy machine run many times faster
            with _no_library_conv(), threadpool_limits(limits=1, user_api="blas"):
                trained[key] = train_lenet(Conv2d)
        if trained[key] < ACCURACY:
            _fail(f"accuracy {trained[key]:.3f}", f"accuracy on the 359 test digits below "
                  f"{ACCURACY}")

    hint = "forward: Conv2dFunction.apply(x, self.weight, self.bias, self.stride[0], " \
           "self.padding[0]); the Function's forward is your conv2d_im2col"
    quick = [
        _layer_case((3, 4, 3), {}, (2, 3, 6, 6), 100, hint, "Conv2d(3, 4, 3)(x), x (2, 3, 6, 6)"),
        _layer_case((2, 3, 3), {"stride": 2, "padding": 1}, (1, 2, 7, 7), 101,
                    "pass self.stride[0] and self.padding[0] on (nn.Conv2d stores pairs)",
                    "Conv2d(2, 3, 3, stride=2, padding=1)(x)"),
        _layer_case((2, 3, 3), {"bias": False}, (1, 2, 5, 5), 102,
                    "with bias=False, self.bias is None: add no bias",
                    "Conv2d(2, 3, 3, bias=False)(x)"),
        _gradient_case((1, 6, 5), {"padding": 2}, (4, 1, 12, 12), 103,
                       "backward of Conv2d(1, 6, 5, padding=2) (LeNet's conv1)"),
        _gradient_case((3, 4, 3), {"stride": 2, "padding": 1}, (2, 3, 8, 9), 104,
                       "backward of Conv2d(3, 4, 3, stride=2, padding=1)"),
    ]
    return quick + [
        Case(f"LeNet-5 with your Conv2d, {EPOCHS} epoch{'s' * (EPOCHS > 1)} of Adam (lr={LR}, "
             f"batches of {BATCH}) on the 1,438 28×28 training digits",
             f"test accuracy ≥ {ACCURACY}",
             "if the checks above pass, your layer learns: check that backward returns the "
             "gradients in forward's argument order", accuracy),
    ]


TASKS = [
    Task("6.1", "The output-size formula", "conv_output_size", _size_cases),
    Task("6.2", "conv2d with loops", "conv2d_loops", lambda: _conv_cases(big=False)),
    Task("6.3", "conv2d as one matmul (im2col)", "conv2d_im2col", lambda: _conv_cases(big=True)),
    Task("6.4", "The backward of conv2d", "conv2d_backward", _backward_cases),
    Task("6.5", "Max pooling", "max_pool2d", _pool_cases),
    Task("6.6", "The backward of max pooling", "max_pool2d_backward", _pool_backward_cases),
    Task("6.7", "LeNet-5", "LeNet", _lenet_cases),
    Task("6.8", "Evaluate a classifier", "evaluate", _evaluate_cases),
    Task("6.9", "One epoch of training", "train_epoch", _train_cases),
    Task("6.10", "Your conv2d trains LeNet", "Conv2d", _conv_layer_cases),
]
