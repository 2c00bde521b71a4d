"""Chapter 4, optim: update rules, zero_grad, a scheduler, gradient clipping, your own optimizer.

References are NumPy formulas and learntorch's own ``optim`` (checked against torch by the parity
tests).  The last task trains chapter 3's model on the digits with the student's optimizer class
and compares its trajectory, step by step, with ``learntorch.optim.Adam``'s.
"""
from functools import lru_cache

import numpy as np

import learntorch
from learntorch import nn, optim

from ..cases import Case, Mismatch, Task, promise, returns, show
from ..compare import Difference, difference
from .ch03 import FEATURES, _fail, _same, _t, digits

F32, F64 = learntorch.float32, learntorch.float64


def _quadratic(seed, n=3):
    """A random convex quadratic 0.5·θᵀAθ − bᵀθ: its gradient Aθ − b, and a start."""
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((n, n))
    return q @ q.T + np.eye(n), rng.standard_normal(n), rng.standard_normal(n)


def _gradient(a, b, theta):
    """The quadratic's gradient at a tensor θ, as a float64 tensor."""
    return _t(a) @ theta.detach() - _t(b)


def _library_path(make_optimizer, a, b, start, steps):
    """θ after each of ``steps`` steps of a learntorch optimizer on the quadratic."""
    p = _t(start).requires_grad_()
    optimizer = make_optimizer([p])
    path = []
    for _ in range(steps):
        p.grad = _gradient(a, b, p)
        optimizer.step()
        path.append(p.detach().clone())
    return path


def _compare_paths(got, want, what="θ", atol=1e-10, rtol=1e-9):
    for step, (g, w) in enumerate(zip(got, want), start=1):
        found = difference(g, w, atol=atol, rtol=rtol)
        if found:
            raise Mismatch(show(g), [Difference(f"{what} after step {step}: {found.text}",
                                                found.hint)])


# -- 4.1 sgd_step -----------------------------------------------------------------------------
def _sgd_case(param, grad, lr, weight_decay, hint, dtype=F64, given=None):
    param, grad = np.asarray(param, dtype=np.float64), np.asarray(grad, dtype=np.float64)
    expected = _t(param - lr * (grad + weight_decay * param), dtype)
    args = (_t(param, dtype), _t(grad, dtype), lr, weight_decay)
    return returns(args, expected, hint, given=given, atol=1e-6 if dtype == F32 else 1e-12,
                   rtol=1e-6 if dtype == F32 else 1e-12)


def _sgd_path_case():
    a, b, start = _quadratic(41)

    def test(sgd_step):
        want = _library_path(lambda ps: optim.SGD(ps, lr=0.1, weight_decay=0.05), a, b, start, 10)
        theta, got = _t(start), []
        for _ in range(10):
            theta = sgd_step(theta, _gradient(a, b, theta), 0.1, 0.05)
            got.append(theta)
        _compare_paths(got, want)
    return Case("10 steps on a quadratic, lr=0.1, weight_decay=0.05",
                "the path of torch.optim.SGD(lr=0.1, weight_decay=0.05)",
                "each step: param - lr * (grad + weight_decay * param)", test)


def _sgd_cases():
    rng = np.random.default_rng(41)
    hint = "step against the gradient: param - lr * grad"
    hint_decay = "weight decay adds weight_decay * param to the gradient, before the lr multiplies"
    return [
        _sgd_case([1.0, 2.0, 3.0], [0.5, -1.0, 2.0], 0.1, 0.0, hint),
        _sgd_case([1.0, -2.0], [3.0, 4.0], 0.0, 0.0, "lr = 0 leaves the values as they are"),
        _sgd_case(rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), 0.5, 0.1, hint_decay,
                  given="param and grad of shape (2, 3), lr=0.5, weight_decay=0.1"),
        _sgd_case([2.0, -4.0], [0.0, 0.0], 0.1, 0.5, hint_decay),
        _sgd_case(rng.standard_normal(4), rng.standard_normal(4), 0.01, 0.0,
                  "keep the inputs' dtype (float32)", dtype=F32),
        _sgd_case(1.5, -0.5, 0.2, 0.0, "a 0-d parameter gives a 0-d result"),
        _sgd_path_case(),
    ]


# -- 4.2 momentum_step ------------------------------------------------------------------------
_MOMENTUM = ("new param", "new buf")


def _momentum_reference(param, grad, buf, lr, momentum, nesterov):
    buf = grad.copy() if buf is None else momentum * buf + grad
    update = grad + momentum * buf if nesterov else buf
    return param - lr * update, buf


def _momentum_case(seed, first, nesterov, hint, momentum=0.9, lr=0.1):
    rng = np.random.default_rng(seed)
    param, grad, buf = (rng.standard_normal(3) for _ in range(3))
    buf = None if first else buf
    new_param, new_buf = _momentum_reference(param, grad, buf, lr, momentum, nesterov)
    args = (_t(param), _t(grad), None if buf is None else _t(buf), lr, momentum, nesterov)
    given = (f"{'the first step (buf=None)' if first else 'a later step'}, lr={lr}, "
             f"momentum={momentum}, nesterov={nesterov}")
    return returns(args, (_t(new_param), _t(new_buf)), hint, given=given, atol=1e-12, rtol=1e-12,
                   labels=_MOMENTUM)


def _momentum_path_case(nesterov):
    a, b, start = _quadratic(42 + nesterov)

    def test(momentum_step):
        want = _library_path(lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=nesterov),
                             a, b, start, 20)
        theta, buf, got = _t(start), None, []
        for _ in range(20):
            theta, buf = momentum_step(theta, _gradient(a, b, theta), buf, 0.05, 0.9, nesterov)
            got.append(theta)
        _compare_paths(got, want)
    return Case(f"20 steps on a quadratic, passing buf on, nesterov={nesterov}",
                f"the path of torch.optim.SGD(lr=0.05, momentum=0.9, nesterov={nesterov})",
                "pass the buffer you return into the next call", test)


def _momentum_cases():
    hint_first = "on the first step (buf is None) the buffer is the gradient itself: grad.clone()"
    hint = "buf = momentum * buf + grad; param - lr * buf"
    hint_nesterov = "Nesterov steps with grad + momentum * buf (the new buf), not with buf"
    return [
        _momentum_case(421, True, False, hint_first),
        _momentum_case(422, False, False, hint),
        _momentum_case(423, False, True, hint_nesterov),
        _momentum_case(424, True, True, hint_nesterov),
        _momentum_case(425, False, False, "momentum=0 is plain SGD: buf = grad", momentum=0.0),
        _momentum_path_case(False),
        _momentum_path_case(True),
    ]


# -- 4.3 adam_step ----------------------------------------------------------------------------
_ADAM = ("new param", "new m", "new v")


def _adam_reference(param, grad, m, v, t, lr, betas, eps):
    beta1, beta2 = betas
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _adam_case(param, grad, m, v, t, hint, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, dtype=F64,
               given=None):
    param, grad, m, v = (np.asarray(x, dtype=np.float64) for x in (param, grad, m, v))
    promise((v >= 0).all() and t >= 1, "v is a mean of squares and t counts from 1")
    expected = _adam_reference(param, grad, m, v, t, lr, betas, eps)
    args = (_t(param, dtype), _t(grad, dtype), _t(m, dtype), _t(v, dtype), t, lr, betas, eps)
    tol = 1e-6 if dtype == F32 else 1e-12
    return returns(args, tuple(_t(x, dtype) for x in expected), hint, given=given, atol=tol,
                   rtol=tol, labels=_ADAM)


def _adam_path_case():
    a, b, start = _quadratic(43)

    def test(adam_step):
        want = _library_path(lambda ps: optim.Adam(ps, lr=0.1, betas=(0.8, 0.99)), a, b, start, 30)
        theta, m, v, got = _t(start), _t(np.zeros(3)), _t(np.zeros(3)), []
        for t in range(1, 31):
            theta, m, v = adam_step(theta, _gradient(a, b, theta), m, v, t, 0.1, (0.8, 0.99), 1e-8)
            got.append(theta)
        _compare_paths(got, want)
    return Case("30 steps on a quadratic, lr=0.1, betas=(0.8, 0.99)",
                "the path of torch.optim.Adam(lr=0.1, betas=(0.8, 0.99))",
                "t counts the steps from 1; pass m and v on to the next call", test)


def _adam_cases():
    rng = np.random.default_rng(44)
    hint_first = ("with the bias corrections, the first step moves each coordinate by lr against "
                  "the sign of its gradient: m_hat = m / (1 - beta1 ** t), "
                  "v_hat = v / (1 - beta2 ** t)")
    hint = ("m = beta1 * m + (1 - beta1) * grad, v = beta2 * v + (1 - beta2) * grad ** 2, then "
            "param - lr * m_hat / (sqrt(v_hat) + eps)")
    zeros = np.zeros(3)
    return [
        _adam_case([1.0, 2.0, 3.0], [0.5, -2.0, 10.0], zeros, zeros, 1, hint_first,
                   given="the first step (t=1, m = v = 0), grad [0.5, -2., 10.]"),
        _adam_case(rng.standard_normal(4), rng.standard_normal(4), rng.standard_normal(4) * 0.1,
                   rng.random(4) * 0.01, 5, hint, given="step t=5 with earlier m and v"),
        _adam_case([1.0, -1.0, 0.5], [1e-5, -3e-6, 2e-7], zeros, zeros, 1,
                   "eps is added after the square root: sqrt(v_hat) + eps",
                   given="tiny gradients [1e-5, -3e-6, 2e-7] at t=1, where eps matters"),
        _adam_case([1.0, -1.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], 1,
                   "eps goes outside the square root: 0 / (sqrt(0) + eps) is 0, not nan",
                   given="a zero gradient at t=1"),
        _adam_case(rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal(3) * 0.1,
                   rng.random(3) * 0.01, 3, "use the betas you are given: (beta1, beta2) = betas",
                   lr=0.01, betas=(0.5, 0.9), eps=1e-6,
                   given="t=3, lr=0.01, betas=(0.5, 0.9), eps=1e-6"),
        _adam_case(rng.standard_normal(3), rng.standard_normal(3), zeros, zeros, 1,
                   "keep the inputs' dtype (float32)", dtype=F32, given="float32 tensors, t=1"),
        _adam_path_case(),
    ]


# -- 4.4 zero_grad ----------------------------------------------------------------------------
def _with_grads(seed=45):
    """Three parameters, the first two with a gradient from a backward pass, the last without."""
    learntorch.manual_seed(seed)
    a, b, c = (nn.Parameter(learntorch.randn(*shape)) for shape in ((2, 3), (3,), (2,)))
    ((a * b).sum() + b.sum() * 2).backward()
    return a, b, c


def _zero_case(given, want, hint, check):
    return Case(given, want, hint, lambda zero_grad: check(zero_grad, *_with_grads()))


def _zero_grad_cases():
    def to_none(zero_grad, a, b, c):
        zero_grad([a, b, c])
        for name, p in zip("abc", (a, b, c)):
            if p.grad is not None:
                _fail(show(p.grad), f"{name}.grad is not None", "by default, set p.grad = None")

    def in_place(zero_grad, a, b, c):
        grads = a.grad, b.grad
        zero_grad([a, b, c], set_to_none=False)
        for name, p, old in zip("ab", (a, b), grads):
            if p.grad is None:
                _fail("None", f"{name}.grad is None", "with set_to_none=False the gradient stays, "
                      "filled with zeros: p.grad.zero_()")
            if p.grad is not old:
                _fail(show(p.grad), f"{name}.grad is a new tensor",
                      "with set_to_none=False, zero the existing gradient in place: p.grad.zero_()")
            _same(p.grad, learntorch.zeros(p.shape), f"{name}.grad")

    def keeps_none(zero_grad, a, b, c):
        zero_grad([a, b, c], set_to_none=False)
        if c.grad is not None:
            _fail(show(c.grad), "c.grad was None and must stay None")

    def values(zero_grad, a, b, c):
        before = [p.detach().clone() for p in (a, b, c)]
        zero_grad([a, b, c], set_to_none=False)
        zero_grad([a, b, c])
        for name, p, old in zip("abc", (a, b, c), before):
            _same(p, old, f"parameter {name}'s values")

    def fresh(zero_grad, a, b, c):
        zero_grad([a, b, c], set_to_none=False)
        (a.sum() * 3).backward()
        _same(a.grad, learntorch.full(a.shape, 3.0), "a.grad after zero_grad and a new backward")

    def generator(zero_grad, a, b, c):
        model = nn.Linear(3, 2)
        model(learntorch.ones(1, 3)).sum().backward()
        zero_grad(model.parameters())
        if any(p.grad is not None for p in model.parameters()):
            _fail("a grad left", "zero_grad(model.parameters()) left a gradient",
                  "params may be any iterable (a generator too): loop over it once")

    hint = ("for each parameter with a gradient: p.grad = None, or with set_to_none=False "
            "p.grad.zero_(); skip those whose grad is None")
    return [
        _zero_case("zero_grad([a, b, c])", "every .grad is None", hint, to_none),
        _zero_case("zero_grad([a, b, c], set_to_none=False)", "the same grad tensors, all zero",
                   hint, in_place),
        _zero_case("zero_grad(..., set_to_none=False) where c.grad is None", "c.grad stays None",
                   "a parameter without a gradient has nothing to zero: skip it", keeps_none),
        _zero_case("the parameters' values", "unchanged",
                   "zero the gradients, not the parameters", values),
        _zero_case("zero_grad(set_to_none=False), then (a.sum() * 3).backward()", "a.grad = 3",
                   "after zeroing, backward starts from 0 again", fresh),
        _zero_case("zero_grad(model.parameters()), a generator", "every .grad is None", hint,
                   generator),
    ]


# -- 4.5 StepLR -------------------------------------------------------------------------------
def _schedule(StepLR, lrs, epochs, *args, **kwargs):
    """get_last_lr() before each epoch, and each group's lr, for a fresh SGD with groups ``lrs``."""
    groups = [{"params": [nn.Parameter(learntorch.zeros(1))], "lr": lr} for lr in lrs]
    optimizer = optim.SGD(groups, lr=lrs[0])
    scheduler = StepLR(optimizer, *args, **kwargs)
    last, used = [], []
    for _ in range(epochs):
        last.append(scheduler.get_last_lr())
        used.append([group["lr"] for group in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    return last, used


def _step_lr_case(lrs, epochs, args, kwargs, hint, given):
    def test(StepLR):
        want, _ = _schedule(optim.lr_scheduler.StepLR, lrs, epochs, *args, **kwargs)
        got, used = _schedule(StepLR, lrs, epochs, *args, **kwargs)
        for epoch, (g, u, w) in enumerate(zip(got, used, want)):
            found = difference(g, w, rtol=1e-12) or difference(u, w, rtol=1e-12)
            if found:
                what = "get_last_lr()" if difference(g, w, rtol=1e-12) else "the optimizer's lr"
                raise Mismatch(show(g if what == "get_last_lr()" else u),
                               [Difference(f"epoch {epoch}, {what}: {found.text}", found.hint)])
    want, _ = _schedule(optim.lr_scheduler.StepLR, lrs, epochs, *args, **kwargs)
    return Case(given, "get_last_lr() " + show([lr for lr, *_ in want]), hint, test)


def _step_lr_cases():
    hint = ("remember each group's starting lr; after step() number e, each group's lr is "
            "base_lr * gamma ** (e // step_size)")
    return [
        _step_lr_case([0.1], 10, (3,), {"gamma": 0.5}, hint,
                      "StepLR(SGD(lr=0.1), step_size=3, gamma=0.5), 10 epochs"),
        _step_lr_case([1.0], 6, (2,), {}, "gamma defaults to 0.1",
                      "StepLR(SGD(lr=1.0), step_size=2), 6 epochs"),
        _step_lr_case([0.1, 0.01], 7, (2,), {"gamma": 0.5},
                      "every param group has its own lr: decay each one from its own start",
                      "two param groups (lr 0.1 and 0.01), step_size=2, gamma=0.5"),
        _step_lr_case([0.5], 5, (1,), {"gamma": 0.9}, "step_size=1 decays after every step()",
                      "StepLR(SGD(lr=0.5), step_size=1, gamma=0.9), 5 epochs"),
        _step_lr_case([0.2], 4, (10,), {"gamma": 0.5}, "no decay before step_size epochs",
                      "step_size=10 but only 4 epochs"),
        _step_lr_case([0.1], 1, (3,), {"gamma": 0.5},
                      "get_last_lr() returns a list: one lr for each param group",
                      "get_last_lr() before any step()"),
    ]


# -- 4.6 clip_grad_norm -----------------------------------------------------------------------
def _grads(values, dtype=F64):
    params = []
    for value in values:
        p = nn.Parameter(_t(np.zeros(np.shape(value)), dtype))
        p.grad = None if value is None else _t(value, dtype)
        params.append(p)
    return params


def _clip_reference(values, max_norm):
    present = [np.asarray(v, dtype=np.float64) for v in values if v is not None]
    total = float(np.sqrt(sum((v ** 2).sum() for v in present)))
    coef = min(1.0, max_norm / (total + 1e-6))
    return total, [None if v is None else np.asarray(v, dtype=np.float64) * coef for v in values]


def _clip_case(values, max_norm, hint, given, dtype=F64, wrap=list):
    total, clipped = _clip_reference(values, max_norm)
    tol = 1e-5 if dtype == F32 else 1e-9

    def test(clip_grad_norm):
        params = _grads(values, dtype)
        got = clip_grad_norm(wrap(params), max_norm)
        found = difference(got, _t(total, dtype), atol=tol, rtol=tol)
        if found:
            raise Mismatch(show(got), [Difference(f"the returned norm: {found.text}", found.hint)])
        for i, (p, want) in enumerate(zip(params, clipped)):
            if want is None:
                if p.grad is not None:
                    _fail(show(p.grad), f"parameter {i} had no gradient and must keep none")
                continue
            _same(p.grad, _t(want, dtype), f"parameter {i}'s grad after clipping", tol, 1e-6)
    return Case(given, f"returns {total:g}", hint, test)


def _clip_cases():
    hint = ("the total norm is sqrt of the sum of every gradient's squares, over all parameters "
            "together; if it exceeds max_norm, multiply every grad by max_norm / (total + 1e-6)")
    rng = np.random.default_rng(46)
    return [
        _clip_case([[3.0, 0.0], [0.0, 4.0]], 1.0, hint,
                   "grads [3., 0.] and [0., 4.], max_norm=1 (total norm 5)"),
        _clip_case([[0.3, -0.4], [0.0]], 1.0,
                   "a total norm below max_norm leaves the gradients as they are",
                   "grads of total norm 0.5, max_norm=1"),
        _clip_case([rng.standard_normal((3, 4)) * 10, rng.standard_normal(4)], 2.0,
                   "one factor for all: every gradient is multiplied by the same max_norm / total",
                   "a (3, 4) and a (4,) gradient, max_norm=2"),
        _clip_case([[6.0, 8.0], None, [0.0, 0.0]], 5.0,
                   "skip the parameters whose grad is None",
                   "three parameters, the second without a gradient, max_norm=5"),
        _clip_case([rng.standard_normal(5) * 3], 0.5, "keep the gradients' dtype (float32)",
                   "a float32 gradient, max_norm=0.5", dtype=F32),
        _clip_case([[1.0, 2.0], [2.0]], 1.0,
                   "parameters may be any iterable (a generator too): make a list of them first",
                   "the parameters as a generator, max_norm=1", wrap=iter),
    ]


# -- 4.7 MyAdam -------------------------------------------------------------------------------
EPOCHS, BATCH, LR, TEST_ACCURACY = 5, 64, 0.01, 0.9
STEPS = EPOCHS * -(-1438 // BATCH)            # 23 mini-batches an epoch
CHECKED_STEPS = (1, 2, 10, STEPS)


def _mlp():
    """Chapter 3's digits model, with the same initial weights every time."""
    learntorch.manual_seed(47)
    return nn.Sequential(nn.Linear(FEATURES, 32), nn.ReLU(), nn.Linear(32, 10))


def _train(make_optimizer, x, y):
    """Chapter 3's model trained on shuffled mini-batches (the same ones every time):
    the model, and snapshots of its parameters after CHECKED_STEPS."""
    model = _mlp()
    optimizer = make_optimizer(model.parameters())
    loss_fn = nn.CrossEntropyLoss()
    shuffle = learntorch.Generator().manual_seed(48)
    snapshots, step = {}, 0
    for _ in range(EPOCHS):
        order = learntorch.randperm(len(x), generator=shuffle)
        for start in range(0, len(x), BATCH):
            batch = order[start:start + BATCH]
            optimizer.zero_grad()
            loss_fn(model(x[batch]), y[batch]).backward()
            optimizer.step()
            step += 1
            if step in CHECKED_STEPS:
                snapshots[step] = [(name, p.detach().clone())
                                   for name, p in model.named_parameters()]
    return model, snapshots


@lru_cache(maxsize=1)
def _reference():
    """torch.optim.Adam's run, the trajectory a student's optimizer must follow (computed once)."""
    return _train(lambda ps: optim.Adam(ps, lr=LR), *digits(train=True))


def _own_class(MyAdam):
    if not isinstance(MyAdam, type) or not issubclass(MyAdam, optim.Optimizer):
        _fail(show(MyAdam), "MyAdam is not a subclass of torch.optim.Optimizer",
              "define it as class MyAdam(torch.optim.Optimizer)")
    borrowed = [k.__name__ for k in MyAdam.__mro__
                if k is not optim.Optimizer and k.__module__.startswith("learntorch.optim")]
    if borrowed:
        _fail(f"a subclass of {borrowed[0]}", "MyAdam inherits learntorch's own algorithm",
              "subclass torch.optim.Optimizer itself and write step() yourself")


def _my_adam_cases():
    train_x, train_y = digits(train=True)
    test_x, test_y = digits(train=False)
    reference = _reference()
    trained = {}

    def run(MyAdam):
        key = id(MyAdam)
        if key not in trained:
            _own_class(MyAdam)
            trained[key] = _train(lambda ps: MyAdam(ps, lr=LR), train_x, train_y)
        return trained[key]

    def subclass(MyAdam):
        _own_class(MyAdam)
        optimizer = MyAdam([nn.Parameter(learntorch.zeros(2))], lr=0.05)
        group = optimizer.param_groups[0]
        got = {key: group.get(key) for key in ("lr", "betas", "eps")}
        if got != {"lr": 0.05, "betas": (0.9, 0.999), "eps": 1e-8}:
            _fail(show(got),
                  "param_groups[0] lacks the options lr=0.05, betas=(0.9, 0.999), eps=1e-8",
                  "pass the options to the base class: super().__init__(params, dict(lr=lr, "
                  "betas=betas, eps=eps))")

    def trajectory(MyAdam):
        _, snapshots = run(MyAdam)
        for step in CHECKED_STEPS:
            for (name, got), (_, want) in zip(snapshots[step], reference[1][step]):
                found = difference(got, want, atol=1e-5, rtol=1e-4)
                if found:
                    raise Mismatch(show(got), [Difference(
                        f"{name} after step {step}: {found.text}", found.hint)])

    def accuracy(MyAdam):
        model, _ = run(MyAdam)
        with learntorch.no_grad():
            got = (model(test_x).argmax(dim=1) == test_y).float().mean().item()
        if got < TEST_ACCURACY:
            _fail(f"accuracy {got:.3f}", f"test accuracy below {TEST_ACCURACY}")

    def groups(MyAdam):
        _own_class(MyAdam)
        a, b, start = _quadratic(471, n=2)
        paths = []
        for make in (MyAdam, optim.Adam):
            p, q = _t(start).requires_grad_(), _t(-start).requires_grad_()
            optimizer = make([{"params": [p], "lr": 0.1}, {"params": [q]}], lr=0.01)
            for _ in range(5):
                p.grad, q.grad = _gradient(a, b, p), _gradient(a, b, q)
                optimizer.step()
            paths.append([p.detach().clone(), q.detach().clone()])
        _compare_paths(paths[0], paths[1], "parameter of group", atol=1e-9, rtol=1e-9)

    def skips(MyAdam):
        _own_class(MyAdam)
        p, q = nn.Parameter(_t([1.0, 2.0])), nn.Parameter(_t([3.0]))
        optimizer = MyAdam([p, q], lr=0.1)
        p.grad = _t([1.0, -1.0])
        optimizer.step()
        _same(q, _t([3.0]), "a parameter whose grad is None")
        _same(p, _t([0.9, 2.1]), "p after one step (lr · sign(grad))", 1e-7, 1e-7)

    def closure(MyAdam):
        _own_class(MyAdam)
        p = nn.Parameter(_t([1.0, -2.0]))
        optimizer = MyAdam([p], lr=0.1)

        def loss_of():
            optimizer.zero_grad()
            loss = (p ** 2).sum()
            loss.backward()
            return loss

        got = optimizer.step(loss_of)
        _same(got, _t(5.0), "step(closure)'s return value")
        _same(p, _t([0.9, -1.9]), "p after step(closure)", 1e-7, 1e-7)

    hint = ("for each group and each p with a grad: keep t, m and v in self.state[p] and update p "
            "in place (p.copy_(...) under torch.no_grad()) with your adam_step and the group's "
            "lr, betas and eps")
    promise(tuple(train_x.shape) == (1438, FEATURES),
            "the training data are 1,438 images of 64 pixels")
    return [
        Case("class MyAdam", "a subclass of torch.optim.Optimizer with lr, betas and eps options",
             "class MyAdam(torch.optim.Optimizer) passing its options to super().__init__",
             subclass),
        Case(f"{EPOCHS} epochs ({STEPS} steps) of chapter 3's model on the digits in batches of "
             f"{BATCH}, lr={LR}",
             f"the parameters of torch.optim.Adam after steps {', '.join(map(str, CHECKED_STEPS))}",
             hint, trajectory),
        Case("the trained model on the 359 test digits", f"accuracy ≥ {TEST_ACCURACY}", hint,
             accuracy),
        Case("two param groups, lr 0.1 and the default 0.01", "each group its own lr",
             "read lr, betas and eps from each group, not from self.defaults", groups),
        Case("a parameter whose grad is None", "left as it is, no error",
             "skip the parameters whose p.grad is None", skips),
        Case("optimizer.step(closure)", "the closure's loss, and the step taken",
             "if a closure is given: with torch.enable_grad(): loss = closure(); return loss",
             closure),
    ]


TASKS = [
    Task("4.1", "An SGD step with weight decay", "sgd_step", _sgd_cases),
    Task("4.2", "A momentum step (and Nesterov)", "momentum_step", _momentum_cases),
    Task("4.3", "An Adam step with bias correction", "adam_step", _adam_cases),
    Task("4.4", "zero_grad", "zero_grad", _zero_grad_cases),
    Task("4.5", "A StepLR scheduler", "StepLR", _step_lr_cases),
    Task("4.6", "Clipping the gradient's norm", "clip_grad_norm", _clip_cases),
    Task("4.7", "Your own optimizer", "MyAdam", _my_adam_cases),
]
