"""Chapter 3, nn.Module: layers, registration, losses, containers, state dicts, training.

References are NumPy formulas and learntorch's own ``nn`` (checked against torch by the parity
tests); the last task judges the student's classes by what they achieve in a training run on the
digits of ``learntorch.vision.datasets.Digits``.
"""
import numpy as np

import learntorch
from learntorch import nn

from ..cases import Case, Mismatch, Task, change, freeze, promise, returns, show
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


# -- 3.1 linear_forward -----------------------------------------------------------------------
def _linear_case(x_shape, out_features, bias, hint, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(x_shape)
    w = rng.standard_normal((out_features, x_shape[-1]))
    b = rng.standard_normal(out_features) if bias else None
    expected = x @ w.T + (b if bias else 0.0)
    args = (_t(x), _t(w), None if b is None else _t(b))
    given = f"x {x_shape}, weight {w.shape}, bias {None if b is None else b.shape}"
    return returns(args, _t(expected), hint, given=given, atol=1e-9, rtol=1e-7)


def _linear_cases():
    hint = "weight is (out_features, in_features): y = x @ weight.T + bias"
    return [
        _linear_case((4, 3), 2, True, hint, 31),
        _linear_case((3, 3), 3, True, "with a square weight a missing .T still runs: "
                                      "y = x @ weight.T + bias", 32),
        _linear_case((2, 5), 4, False, "bias=None means no bias: y = x @ weight.T", 33),
        _linear_case((2, 3, 4), 5, True, "leading dims are batch dims: @ handles them", 34),
        _linear_case((0, 3), 2, True, "an empty batch gives an empty (0, out_features) result", 35),
        _linear_case((1, 1), 1, True, hint, 36),
    ]


# -- 3.2 Module -------------------------------------------------------------------------------
def _models(Module):
    """Two small models built on the student's ``Module``, as chapter 3 builds them."""
    class Affine(Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(learntorch.tensor([2.0, 3.0]))
            self.shift = nn.Parameter(learntorch.tensor([0.5, -1.0]))
            self.constant = learntorch.ones(2)   # a plain tensor: not a parameter

        def forward(self, x):
            return x * self.scale + self.shift

    class Net(Module):
        def __init__(self):
            super().__init__()
            self.first = Affine()
            self.second = Affine()
            self.gain = nn.Parameter(learntorch.tensor(10.0))

        def forward(self, x):
            return self.second(self.first(x)) * self.gain

    return Affine, Net


def _names(module):
    return [name for name, _ in module.named_parameters()]


def _module_case(given, want, hint, check):
    def test(Module):
        if not isinstance(Module, type):
            _fail(show(Module), f"Module is {type(Module).__name__}, not a class",
                  "define Module with `class Module:`")
        check(*_models(Module))
    return Case(given, want, hint, test)


def _module_cases():
    def own(Affine, Net):
        m = Affine()
        if _names(m) != ["scale", "shift"]:
            _fail(show(_names(m)), "named_parameters() names differ")
        if not all(p is q for (_, p), q in zip(m.named_parameters(), (m.scale, m.shift))):
            _fail("other objects", "named_parameters() must give the Parameter objects themselves")

    def plain(Affine, Net):
        m = Affine()
        if "constant" in _names(m):
            _fail(show(_names(m)), "a plain tensor was registered as a parameter")
        if not isinstance(m.constant, learntorch.Tensor):
            _fail(show(m.constant), "m.constant is not the tensor assigned to it")

    def nested(Affine, Net):
        want = ["gain", "first.scale", "first.shift", "second.scale", "second.shift"]
        if _names(Net()) != want:
            _fail(show(_names(Net())), f"named_parameters() names differ from {want}")

    def params(Affine, Net):
        net = Net()
        got = list(net.parameters())
        want = [p for _, p in net.named_parameters()]
        if len(got) != 5 or not all(p is q for p, q in zip(got, want)):
            _fail(f"{len(got)} objects", "parameters() must give the 5 objects of named_parameters()")

    def attributes(Affine, Net):
        net = Net()
        if not isinstance(net.first, Affine) or not isinstance(net.gain, nn.Parameter):
            _fail(show(net.first), "net.first / net.gain do not read back what was assigned",
                  "after registering, also store the value as an ordinary attribute: "
                  "object.__setattr__(self, name, value)")

    def reassign(Affine, Net):
        m = Affine()
        m.scale = nn.Parameter(learntorch.zeros(2))
        if _names(m) != ["scale", "shift"] or not (m.scale == 0).all():
            _fail(show(_names(m)), "assigning a new Parameter to scale must replace the old one")

    def call(Affine, Net):
        out = Net()(learntorch.tensor([1.0, 2.0]))
        _same(out, learntorch.tensor([55.0, 140.0]), "net(x)", atol=1e-6, rtol=1e-6)

    hint_reg = ("in __setattr__, put a Parameter into self._parameters and a Module into "
                "self._modules (by name), then set the attribute as usual")
    hint_rec = ("named_parameters() yields the module's own parameters, then each sub-module's, "
                "named 'sub.name'")
    return [
        _module_case("Affine() with parameters scale and shift", "['scale', 'shift']", hint_reg, own),
        _module_case("Affine() also holds a plain tensor constant", "not a parameter",
                     "register only nn.Parameter objects; other tensors are ordinary attributes",
                     plain),
        _module_case("Net(): two Affine sub-modules and a parameter gain",
                     "['gain', 'first.scale', 'first.shift', 'second.scale', 'second.shift']",
                     hint_rec, nested),
        _module_case("list(Net().parameters())", "the same 5 objects", hint_rec, params),
        _module_case("net.first and net.gain", "the Affine and the Parameter assigned", hint_reg,
                     attributes),
        _module_case("m.scale = nn.Parameter(torch.zeros(2))", "2 parameters, scale replaced",
                     "registering by name replaces the entry of the same name", reassign),
        _module_case("Net()(tensor([1., 2.]))", "tensor([ 55., 140.])",
                     "__call__(*args) returns self.forward(*args)", call),
    ]


# -- 3.3 Linear -------------------------------------------------------------------------------
def _linear_layer_case(given, want, hint, check):
    def test(Linear):
        learntorch.manual_seed(3)
        check(Linear)
    return Case(given, want, hint, test)


def _linear_layer_cases():
    def shapes(Linear):
        layer = Linear(3, 2)
        for name, shape in (("weight", (2, 3)), ("bias", (2,))):
            p = getattr(layer, name, None)
            if not isinstance(p, nn.Parameter) or tuple(p.shape) != shape:
                _fail(show(p), f"layer.{name} must be an nn.Parameter of shape {shape}")

    def names(Linear):
        got = [name for name, _ in Linear(4, 5).named_parameters()]
        if got != ["weight", "bias"]:
            _fail(show(got), "named_parameters() differ from ['weight', 'bias']")

    def no_bias(Linear):
        layer = Linear(4, 5, bias=False)
        got = [name for name, _ in layer.named_parameters()]
        if got != ["weight"]:
            _fail(show(got), "with bias=False the only parameter is weight")
        x = learntorch.randn(2, 4)
        _same(layer(x), x @ layer.weight.T, "layer(x) without bias", 1e-6, 1e-5)

    def forward(Linear):
        layer = Linear(3, 4)
        x = learntorch.randn(5, 3)
        _same(layer(x), x @ layer.weight.T + layer.bias, "layer(x)", 1e-6, 1e-5)

    def init(Linear):
        layer = Linear(100, 50)
        w = layer.weight.detach().numpy()
        bound = 1 / np.sqrt(100)
        if np.abs(w).max() > bound or w.std() < bound / 3:
            _fail(f"weights in [{w.min():.3f}, {w.max():.3f}], std {w.std():.3f}",
                  f"weights must be uniform in [-{bound}, {bound}] (std ≈ {bound / np.sqrt(3):.3f})")

    def grads(Linear):
        layer = Linear(3, 2)
        layer(learntorch.ones(4, 3)).sum().backward()
        if layer.weight.grad is None or layer.bias.grad is None:
            _fail("grad None", "backward did not reach weight and bias")
        _same(layer.bias.grad, learntorch.full((2,), 4.0), "bias.grad", 1e-6, 1e-6)

    hint_init = ("weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-k, k)) "
                 "with k = 1 / sqrt(in_features); bias the same with shape (out_features,)")
    return [
        _linear_layer_case("Linear(3, 2)", "weight (2, 3) and bias (2,) Parameters", hint_init,
                           shapes),
        _linear_layer_case("Linear(4, 5).named_parameters()", "['weight', 'bias']",
                           "assign self.weight first, then self.bias: your Module registers them",
                           names),
        _linear_layer_case("Linear(4, 5, bias=False)", "only weight; y = x @ weight.T",
                           "bias=False: do not create a bias", no_bias),
        _linear_layer_case("Linear(3, 4)(x) for x of shape (5, 3)", "x @ weight.T + bias",
                           "forward is linear_forward(x, self.weight, self.bias)", forward),
        _linear_layer_case("Linear(100, 50).weight", "uniform in [-0.1, 0.1]", hint_init, init),
        _linear_layer_case("Linear(3, 2)(ones(4, 3)).sum().backward()", "bias.grad = [4., 4.]",
                           "use torch operations only, so autograd records them", grads),
    ]


# -- 3.4 mse_loss -----------------------------------------------------------------------------
def _mse_case(pred, target, hint, dtype=F64):
    pred, target = np.asarray(pred, dtype=np.float64), np.asarray(target, dtype=np.float64)
    expected = _t(np.mean((pred - target) ** 2), dtype)
    return returns((_t(pred, dtype), _t(target, dtype)), expected, hint, atol=1e-6, rtol=1e-5)


def _mse_cases():
    rng = np.random.default_rng(34)
    hint = "the mean over every element of (pred - target) ** 2: a 0-d tensor"
    return [
        _mse_case([1.0, 2.0, 3.0], [1.0, 2.0, 5.0], hint),
        _mse_case([0.5], [-0.5], hint),
        _mse_case(*rng.standard_normal((2, 4, 3)), "average over all elements, not only dim 0"),
        _mse_case([[1.0, 2.0], [3.0, 4.0]], [[0.0, 0.0], [0.0, 0.0]],
                  "square before averaging (not the square of the mean difference)"),
        _mse_case(*rng.standard_normal((2, 5)), "keep the inputs' dtype (float32)", F32),
    ]


# -- 3.5 cross_entropy ------------------------------------------------------------------------
def _cross_entropy_reference(logits, target):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_probs[np.arange(len(target)), target].mean(), log_probs


def _ce_value_case(logits, target, hint, dtype=F64):
    logits, target = np.asarray(logits, dtype=np.float64), np.asarray(target)
    value, _ = _cross_entropy_reference(logits, target)
    return returns((_t(logits, dtype), learntorch.tensor(target)), _t(value, dtype), hint,
                   given=f"logits {show(_t(logits, dtype))}, target {show(learntorch.tensor(target))}",
                   atol=1e-6, rtol=1e-5)


def _ce_grad_case(seed, hint):
    rng = np.random.default_rng(seed)
    logits, target = rng.standard_normal((4, 3)) * 3, rng.integers(0, 3, 4)
    _, log_probs = _cross_entropy_reference(logits, target)
    expected = (np.exp(log_probs) - np.eye(3)[target]) / 4

    def test(cross_entropy):
        x = _t(logits).requires_grad_()
        cross_entropy(x, learntorch.tensor(target)).backward()
        if x.grad is None:
            _fail("logits.grad = None", "backward gave no gradient for the logits")
        _same(x.grad, _t(expected), "logits.grad")
    return Case("gradient w.r.t. random (4, 3) logits", "(softmax(logits) - one_hot(target)) / 4",
                hint, test)


def _ce_cases():
    rng = np.random.default_rng(35)
    hint = "mean over the batch of -log_softmax(logits)[i, target[i]]"
    hint_stable = ("subtract each row's max before exp: logsumexp(z) = m + log(sum(exp(z - m))); "
                   "exp(1000) overflows")
    return [
        _ce_value_case([[2.0, 1.0, 0.1]], [0], hint),
        _ce_value_case(rng.standard_normal((5, 4)), rng.integers(0, 4, 5), hint),
        _ce_value_case([[1000.0, 0.0], [0.0, 1000.0]], [1, 1], hint_stable),
        _ce_value_case([[-1000.0, -1001.0, -1002.0]], [2], hint_stable),
        _ce_value_case(rng.standard_normal((3, 10)), [9, 0, 4], "keep the logits' dtype (float32)",
                       F32),
        _ce_grad_case(351, "use torch operations only, so autograd gives softmax - one_hot"),
    ]


# -- 3.6 Sequential ---------------------------------------------------------------------------
def _layers():
    learntorch.manual_seed(6)
    return [nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)]


def _sequential_case(given, want, hint, check):
    def test(Sequential):
        check(Sequential, _layers())
    return Case(given, want, hint, test)


def _sequential_cases():
    def forward(Sequential, layers):
        x = learntorch.randn(5, 3)
        _same(Sequential(*layers)(x), layers[2](layers[1](layers[0](x))), "model(x)", 1e-6, 1e-5)

    def params(Sequential, layers):
        got = list(Sequential(*layers).parameters())
        want = [p for layer in layers for p in layer.parameters()]
        if len(got) != len(want) or not all(p is q for p, q in zip(got, want)):
            _fail(f"{len(got)} objects", "parameters() must give the layers' 4 Parameters in order",
                  "register each layer as a sub-module named '0', '1', …: setattr(self, str(i), layer)")

    def names(Sequential, layers):
        got = [name.split(".")[0] for name, _ in Sequential(*layers).named_parameters()]
        if got != ["0", "0", "2", "2"]:
            _fail(show(got), "the sub-modules must be named '0', '1', '2' by position")

    def length(Sequential, layers):
        model = Sequential(*layers)
        if len(model) != 3 or model[1] is not layers[1] or model[-1] is not layers[2]:
            _fail(f"len {len(model)}", "len(model) is 3 and model[i] is the i-th layer (also -1)")

    def empty(Sequential, layers):
        x = learntorch.randn(2, 3)
        out = Sequential()(x)
        _same(out, x, "Sequential()(x)")

    hint = "forward passes x through each layer in order: x = layer(x)"
    return [
        _sequential_case("Sequential(Linear(3, 4), ReLU(), Linear(4, 2))(x)", "the layers in turn",
                         hint, forward),
        _sequential_case("list(model.parameters())", "4 Parameters of the two Linears",
                         "register the layers as sub-modules", params),
        _sequential_case("model.named_parameters()", "names starting '0.', '0.', '2.', '2.'",
                         "name each layer by its position, str(i)", names),
        _sequential_case("len(model), model[1], model[-1]", "3, the ReLU, the last Linear",
                         "__len__ and __getitem__ read the registered sub-modules in order",
                         length),
        _sequential_case("Sequential()(x)", "x itself", "with no layers, forward returns x", empty),
    ]


# -- 3.7 load_state_dict ----------------------------------------------------------------------
def _pair(kind="linear"):
    learntorch.manual_seed(7)
    make = (lambda: nn.Linear(3, 2)) if kind == "linear" else \
        (lambda: nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2)))
    src, dst = make(), make()
    if kind != "linear":
        src.train()
        src(learntorch.randn(8, 3))   # running statistics move away from their start
    return src, dst


def _raises_runtime(load_state_dict, module, state, what):
    try:
        load_state_dict(module, state)
    except NotImplementedError:   # a RuntimeError too: the stub must not pass as one
        raise
    except RuntimeError:
        return
    except Exception as other:
        _fail(f"{type(other).__name__}: {other}", f"raised {type(other).__name__}, expected "
              "RuntimeError")
    _fail("returned", f"{what}: expected a RuntimeError")


def _state_cases():
    def values(load):
        src, dst = _pair()
        load(dst, src.state_dict())
        for name in ("weight", "bias"):
            _same(getattr(dst, name), getattr(src, name), name)

    def in_place(load):
        src, dst = _pair()
        weight = dst.weight
        load(dst, src.state_dict())
        if dst.weight is not weight or not isinstance(dst.weight, nn.Parameter):
            _fail("a new object", "dst.weight was replaced; an optimizer would still hold the old one",
                  "copy into the existing tensors: with torch.no_grad(): own[name].copy_(value)")

    def not_shared(load):
        src, dst = _pair()
        state = src.state_dict()
        before = src.weight.detach().clone()
        load(dst, state)
        with learntorch.no_grad():
            dst.weight.add_(1.0)
        _same(src.weight, before, "src.weight after changing dst.weight")

    def buffers(load):
        src, dst = _pair("batchnorm")
        load(dst, src.state_dict())
        _same(dst[1].running_mean, src[1].running_mean, "running_mean (a buffer)")
        _same(dst[1].num_batches_tracked, src[1].num_batches_tracked, "num_batches_tracked")

    def unchanged(load):
        src, dst = _pair()
        state = src.state_dict()
        before = {k: freeze(v) for k, v in state.items()}
        load(dst, state)
        for k, v in state.items():
            found = change(f"state[{k!r}]", before[k], freeze(v))
            if found:
                raise Mismatch("changed", [found])

    def missing(load):
        src, dst = _pair()
        state = src.state_dict()
        del state["bias"]
        _raises_runtime(load, dst, state, "a missing key 'bias'")

    def unexpected(load):
        src, dst = _pair()
        state = src.state_dict()
        state["extra"] = learntorch.zeros(1)
        _raises_runtime(load, dst, state, "an unexpected key 'extra'")

    def wrong_shape(load):
        src, dst = _pair()
        state = src.state_dict()
        state["weight"] = learntorch.zeros(3, 2)
        _raises_runtime(load, dst, state, "weight of shape (3, 2) for a (2, 3) parameter")

    hint = "for each name in module.state_dict(), copy state[name] into it under torch.no_grad()"
    hint_keys = "compare the keys first; raise RuntimeError naming the missing and unexpected ones"
    return [
        Case("load Linear(3, 2)'s state into another Linear(3, 2)", "the same weight and bias",
                    hint, values),
        Case("dst.weight after loading", "the same Parameter object, new values", hint,
                    in_place),
        Case("change dst.weight after loading", "src.weight stays as it was",
                    "copy the values (copy_), do not share the state's tensors", not_shared),
        Case("Sequential(Linear, BatchNorm1d)", "buffers loaded too (running_mean, …)",
                    "module.state_dict() has the buffers as well: loop over all of its keys",
                    buffers),
        Case("the state dict passed in", "unchanged", "only read the state", unchanged),
        Case("a state without 'bias'", "RuntimeError", hint_keys, missing),
        Case("a state with an extra key", "RuntimeError", hint_keys, unexpected),
        Case("a state whose weight has the wrong shape", "RuntimeError",
                    "compare the shapes before copying", wrong_shape),
    ]


# -- 3.8 SiLU (a custom Function) ------------------------------------------------------------
def _silu(values):
    return values * 0.5 * (1.0 + np.tanh(values / 2))   # x · sigmoid(x), overflow-free


def _silu_grad(values):
    s = 0.5 * (1.0 + np.tanh(values / 2))
    return s * (1 + values * (1 - s))


def _silu_case(values, grad_out, hint, given):
    values = np.asarray(values, dtype=np.float64)
    grad_out = None if grad_out is None else np.asarray(grad_out, dtype=np.float64)

    def test(SiLU):
        x = _t(values).requires_grad_(grad_out is not None)
        before = freeze(x)
        out = SiLU.apply(x)
        changed = change("x", before, freeze(x), who="your forward")
        if changed:
            raise Mismatch(show(out), [changed])
        _same(out, _t(_silu(values)), "forward")
        if grad_out is None:
            return
        out.backward(_t(grad_out))
        if x.grad is None:
            _fail("x.grad = None", "backward gave no gradient for x")
        _same(x.grad, _t(grad_out * _silu_grad(values)), "x.grad")
    want = show(_t(_silu(values))) if grad_out is None else \
        f"x.grad = {show(_t(grad_out * _silu_grad(values)))}"
    return Case(given, want, hint, test)


def _silu_gradcheck_case():
    values = np.random.default_rng(38).standard_normal((3, 4)) * 3

    def test(SiLU):
        x = _t(values).requires_grad_()
        _same(SiLU.apply(x), _t(_silu(values)), "forward")
        if not learntorch.autograd.gradcheck(SiLU.apply, (x,), raise_exception=False):
            _fail("gradcheck(SiLU.apply, x) returned False",
                  "backward's gradient differs from the finite differences of forward")
    return Case("gradcheck on a random 3×4 float64 x", "True",
                "d/dx x·σ(x) = σ(x)·(1 + x·(1 − σ(x)))", test)


def _silu_cases():
    hint = "forward: x * torch.sigmoid(x); save x for backward"
    hint_grad = "backward: grad_output * s * (1 + x * (1 - s)) with s = sigmoid(x)"
    return [
        _silu_case([-2.0, 0.0, 0.5, 3.0], None, hint, "forward of tensor([-2., 0., 0.5, 3.])"),
        _silu_case([-1000.0, 1000.0], None, "use torch.sigmoid, which never overflows",
                   "forward of tensor([-1000., 1000.])"),
        _silu_case(0.25, None, "a 0-d input gives a 0-d output", "forward of a 0-d tensor"),
        _silu_case([-3.0, -0.5, 0.0, 2.0], [1.0, 1.0, 1.0, 1.0], hint_grad,
                   "backward with grad_output of ones"),
        _silu_case([-3.0, -0.5, 0.0, 2.0], [2.0, -1.0, 0.5, 3.0],
                   "multiply by grad_output: it is not always ones",
                   "backward with grad_output [2., -1., 0.5, 3.]"),
        _silu_gradcheck_case(),
    ]


# -- 3.9 train_classifier ---------------------------------------------------------------------
TRAIN_ACCURACY, TEST_ACCURACY = 0.95, 0.9
CLASSES, FEATURES = 10, 64


def digits(train):
    """Chapter 3's digits, each image flattened to 64 pixels in [0, 1] (float32), and labels."""
    from learntorch.vision.datasets import Digits

    images = Digits(train=train)
    return images.data.reshape(len(images), FEATURES).float() / 255, images.targets


def _library_modules(obj, seen=None):
    """The learntorch.nn modules anywhere inside ``obj``'s attributes (lists and dicts too)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return []
    seen.add(id(obj))
    if isinstance(obj, nn.Module):
        return [obj]
    if isinstance(obj, (list, tuple)):
        children = obj
    elif isinstance(obj, dict):
        children = obj.values()
    elif hasattr(obj, "__dict__") and not isinstance(obj, (type, learntorch.Tensor)):
        children = vars(obj).values()
    else:
        return []
    return [m for child in children for m in _library_modules(child, seen)]


def _train_cases():
    trained = {}
    train_x, train_y = digits(train=True)
    test_x, test_y = digits(train=False)

    def model_of(train_classifier):
        key = id(train_classifier)
        if key not in trained:
            learntorch.manual_seed(9)
            trained[key] = train_classifier(train_x, train_y)
        return trained[key]

    def accuracy(model, x, y):
        with learntorch.no_grad():
            return (model(x).argmax(dim=1) == y).float().mean().item()

    def case(given, want, hint, check):
        return Case(given, want, hint, lambda fn: check(model_of(fn)))

    def own(model):
        if not hasattr(model, "named_parameters") or not hasattr(model, "forward"):
            _fail(show(model), "return the trained model (your Sequential)")
        found = _library_modules(model)
        if found:
            _fail(f"a {type(found[0]).__name__} from learntorch.nn",
                  "the model must be built from your own classes only",
                  "use your Sequential and Linear, and an activation that is your Module")

    def shapes(model):
        out = model(test_x[:5])
        if not isinstance(out, learntorch.Tensor) or tuple(out.shape) != (5, CLASSES):
            _fail(show(out), f"model(x) for 5 images must be logits of shape (5, {CLASSES})")

    def parameters(model):
        params = list(model.parameters())
        if not params or not all(isinstance(p, nn.Parameter) for p in params):
            _fail(f"{len(params)} parameters", "the model has no (registered) Parameters")

    def train_accuracy(model):
        got = accuracy(model, train_x, train_y)
        if got < TRAIN_ACCURACY:
            _fail(f"accuracy {got:.3f}", f"training accuracy below {TRAIN_ACCURACY}")

    def test_accuracy(model):
        got = accuracy(model, test_x, test_y)
        if got < TEST_ACCURACY:
            _fail(f"accuracy {got:.3f}",
                  f"accuracy on the {len(test_y)} test images below {TEST_ACCURACY}")

    hint = ("train with your cross_entropy and torch.optim.SGD(model.parameters(), lr=0.5): "
            "zero_grad, loss.backward(), step, for 300 steps on the whole training set")
    promise(tuple(train_x.shape) == (1438, FEATURES), "the training data are 1,438 images of 64 pixels")
    return [
        case("train_classifier(x, y) on the 1,438 training digits", "a model of your own classes",
             "build it from your Sequential, Linear and an activation Module", own),
        case("model(x) for 5 images", f"logits of shape (5, {CLASSES})",
             f"the last Linear has {CLASSES} outputs", shapes),
        case("model.parameters()", "registered Parameters", "your Module registers them", parameters),
        case("accuracy on the training digits", f"≥ {TRAIN_ACCURACY}", hint, train_accuracy),
        case("accuracy on the 359 test digits", f"≥ {TEST_ACCURACY}", hint, test_accuracy),
    ]


TASKS = [
    Task("3.1", "A linear layer's forward", "linear_forward", _linear_cases),
    Task("3.2", "Your own Module base class", "Module", _module_cases),
    Task("3.3", "A Linear layer on your Module", "Linear", _linear_layer_cases),
    Task("3.4", "Mean squared error", "mse_loss", _mse_cases),
    Task("3.5", "A numerically stable cross entropy", "cross_entropy", _ce_cases),
    Task("3.6", "Sequential from scratch", "Sequential", _sequential_cases),
    Task("3.7", "Loading a state dict", "load_state_dict", _state_cases),
    Task("3.8", "A custom activation: SiLU", "SiLU", _silu_cases),
    Task("3.9", "Train your own model", "train_classifier", _train_cases),
]
