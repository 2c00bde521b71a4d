"""Seeded wrong implementations of chapter 4's tasks (see mutants.py for the format)."""

_MOMENTUM = """
def momentum_step(param, grad, buf, lr, momentum=0.9, nesterov=False):
    {buffer}
    update = {update}
    return {result}
"""


def _momentum(buffer="buf = grad.clone() if buf is None else momentum * buf + grad",
              update="grad + momentum * buf if nesterov else buf",
              result="param - lr * update, buf"):
    return _MOMENTUM.format(buffer=buffer, update=update, result=result)


_ADAM = """
def adam_step(param, grad, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = {betas}
    m = {m}
    v = {v}
    m_hat = {m_hat}
    v_hat = {v_hat}
    return {result}
"""


def _adam(betas="betas", m="beta1 * m + (1 - beta1) * grad",
          v="beta2 * v + (1 - beta2) * grad ** 2", m_hat="m / (1 - beta1 ** t)",
          v_hat="v / (1 - beta2 ** t)", result="param - lr * m_hat / (v_hat.sqrt() + eps), m, v"):
    return _ADAM.format(betas=betas, m=m, v=v, m_hat=m_hat, v_hat=v_hat, result=result)


_STEP_LR = """
class StepLR:
    def __init__(self, optimizer, step_size, gamma=0.1):
        self.optimizer, self.step_size, self.gamma = optimizer, step_size, gamma
        self.base_lrs = [group["lr"] for group in optimizer.param_groups]
        self.epoch = 0

    def step(self):
        self.epoch += 1
        factor = {factor}
        for group, base_lr in zip(self.optimizer.param_groups, {bases}):
            {assign}

    def get_last_lr(self):
        return {last}
"""


def _step_lr(factor="self.gamma ** (self.epoch // self.step_size)", bases="self.base_lrs",
             assign='group["lr"] = base_lr * factor',
             last='[group["lr"] for group in self.optimizer.param_groups]'):
    return _STEP_LR.format(factor=factor, bases=bases, assign=assign, last=last)


_CLIP = """
def clip_grad_norm(parameters, max_norm):
    grads = [p.grad for p in {params}]
    total = {total}
    if {condition}:
        for g in grads:
            {scale}
    return {result}
"""


def _clip(params="parameters if p.grad is not None",
          total="torch.stack([(g ** 2).sum() for g in grads]).sum().sqrt()",
          condition="total > max_norm", scale="g.mul_(max_norm / (total + 1e-6))", result="total"):
    return _CLIP.format(params=params, total=total, condition=condition, scale=scale,
                        result=result)


_MY_ADAM = """
class MyAdam({base}):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, (beta1, beta2), eps = {options}
            for p in group["params"]:
                {skip}
                state = self.state[p]
                if not state:
                    state["t"], state["m"], state["v"] = 0, torch.zeros_like(p), torch.zeros_like(p)
                state["t"] += 1
                t, m, v = state["t"], state["m"], state["v"]
                m.mul_(beta1).add_((1 - beta1) * p.grad)
                v.mul_(beta2).add_((1 - beta2) * p.grad ** 2)
                m_hat, v_hat = {corrected}
                p.sub_(lr * m_hat / (v_hat.sqrt() + eps))
        return {result}
"""


def _my_adam(base="torch.optim.Optimizer", options='group["lr"], group["betas"], group["eps"]',
             skip="if p.grad is None:\n                    continue",
             corrected="m / (1 - beta1 ** t), v / (1 - beta2 ** t)", result="loss"):
    return _MY_ADAM.format(base=base, options=options, skip=skip, corrected=corrected,
                           result=result)


MUTANTS = {
    "4.1": {
        "steps up the gradient (plus instead of minus)": """
def sgd_step(param, grad, lr, weight_decay=0.0):
    return param + lr * (grad + weight_decay * param)
""",
        "forgets the weight decay": """
def sgd_step(param, grad, lr, weight_decay=0.0):
    return param - lr * grad
""",
        "weight decay not scaled by lr": """
def sgd_step(param, grad, lr, weight_decay=0.0):
    return param - lr * grad - weight_decay * param
""",
        "changes param in place": """
def sgd_step(param, grad, lr, weight_decay=0.0):
    with torch.no_grad():
        param -= lr * (grad + weight_decay * param)
    return param
""",
        "float64 result (through NumPy)": """
def sgd_step(param, grad, lr, weight_decay=0.0):
    p, g = param.numpy().astype(np.float64), grad.numpy().astype(np.float64)
    return torch.tensor(p - lr * (g + weight_decay * p))
""",
    },
    "4.2": {
        "dampened buffer (an average, not a sum)": _momentum(
            buffer="buf = grad.clone() if buf is None else momentum * buf + (1 - momentum) * grad"),
        "ignores nesterov": _momentum(update="buf"),
        "Nesterov with the old buffer": """
def momentum_step(param, grad, buf, lr, momentum=0.9, nesterov=False):
    old = torch.zeros_like(grad) if buf is None else buf
    new = grad.clone() if buf is None else momentum * buf + grad
    update = grad + momentum * old if nesterov else new
    return param - lr * update, new
""",
        "first buffer scaled by (1 - momentum)": _momentum(
            buffer="buf = (1 - momentum) * grad if buf is None else momentum * buf + grad"),
        "returns (buf, param)": _momentum(result="buf, param - lr * update"),
        "lr folded into the buffer": _momentum(
            buffer="buf = lr * grad if buf is None else momentum * buf + lr * grad",
            update="(lr * grad + momentum * buf if nesterov else buf) / lr"),
        "updates buf in place": """
def momentum_step(param, grad, buf, lr, momentum=0.9, nesterov=False):
    if buf is None:
        buf = grad.clone()
    else:
        buf.mul_(momentum).add_(grad)
    update = grad + momentum * buf if nesterov else buf
    return param - lr * update, buf
""",
    },
    "4.3": {
        "no bias correction": _adam(m_hat="m", v_hat="v"),
        "corrects only the first moment": _adam(v_hat="v"),
        "eps inside the square root": _adam(
            result="param - lr * m_hat / (v_hat + eps).sqrt(), m, v"),
        "second moment of grad, not grad ** 2": _adam(v="beta2 * v + (1 - beta2) * grad.abs()"),
        "betas swapped": _adam(betas="betas[1], betas[0]"),
        "corrects with t - 1": _adam(m_hat="m / (1 - beta1 ** (t - 1))",
                                     v_hat="v / (1 - beta2 ** (t - 1))"),
        "updates m and v in place": """
def adam_step(param, grad, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m.mul_(beta1).add_((1 - beta1) * grad)
    v.mul_(beta2).add_((1 - beta2) * grad ** 2)
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return param - lr * m_hat / (v_hat.sqrt() + eps), m, v
""",
    },
    "4.4": {
        "always sets None (ignores set_to_none)": """
def zero_grad(params, set_to_none=True):
    for p in params:
        p.grad = None
""",
        "a new zero tensor instead of zeroing in place": """
def zero_grad(params, set_to_none=True):
    for p in params:
        if p.grad is not None:
            p.grad = None if set_to_none else torch.zeros_like(p)
""",
        "crashes on a parameter without a gradient": """
def zero_grad(params, set_to_none=True):
    for p in params:
        if set_to_none:
            p.grad = None
        else:
            p.grad.zero_()
""",
        "zeroes the parameters too": """
def zero_grad(params, set_to_none=True):
    for p in params:
        with torch.no_grad():
            p.zero_()
        if p.grad is not None:
            if set_to_none:
                p.grad = None
            else:
                p.grad.zero_()
""",
        "stops after the first parameter": """
def zero_grad(params, set_to_none=True):
    for p in params:
        if p.grad is not None:
            if set_to_none:
                p.grad = None
            else:
                p.grad.zero_()
        return
""",
    },
    "4.5": {
        "decays one epoch early": _step_lr(
            factor="self.gamma ** ((self.epoch + 1) // self.step_size)"),
        "decays every epoch": _step_lr(factor="self.gamma ** self.epoch"),
        "never sets the optimizer's lr": _step_lr(
            assign="self.current = [b * factor for b in self.base_lrs]",
            last="getattr(self, 'current', list(self.base_lrs))"),
        "get_last_lr() returns a float": _step_lr(last='self.optimizer.param_groups[0]["lr"]'),
        "the first group's lr for every group": _step_lr(
            bases="[self.base_lrs[0]] * len(self.base_lrs)"),
        "compounds the factor (multiplies the current lr)": _step_lr(
            assign='group["lr"] = group["lr"] * factor'),
    },
    "4.6": {
        "clips each gradient by its own norm": """
def clip_grad_norm(parameters, max_norm):
    grads = [p.grad for p in parameters if p.grad is not None]
    norms = [g.norm() for g in grads]
    for g, n in zip(grads, norms):
        if n > max_norm:
            g.mul_(max_norm / (n + 1e-6))
    return torch.stack([n ** 2 for n in norms]).sum().sqrt()
""",
        "adds up the norms instead of the squares": _clip(
            total="torch.stack([g.norm() for g in grads]).sum()"),
        "returns the norm after clipping": _clip(
            result="torch.stack([(g ** 2).sum() for g in grads]).sum().sqrt()"),
        "computes the norm but does not clip": _clip(scale="g = g * (max_norm / (total + 1e-6))"),
        "scales up small gradients too": _clip(condition="True"),
        "crashes on a parameter without a gradient": _clip(params="parameters"),
        "returns a Python float": _clip(result="total.item()"),
    },
    "4.7": {
        "inherits torch.optim.Adam": """
class MyAdam(torch.optim.Adam):
    pass
""",
        "not a subclass of Optimizer": """
class MyAdam:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.inner = torch.optim.Adam(params, lr=lr, betas=betas, eps=eps)
        self.param_groups = self.inner.param_groups

    def zero_grad(self):
        self.inner.zero_grad()

    def step(self, closure=None):
        return self.inner.step(closure)
""",
        "no bias correction": _my_adam(corrected="m, v"),
        "uses the default lr, not the group's": _my_adam(
            options='self.defaults["lr"], group["betas"], group["eps"]'),
        "does not skip parameters without a gradient": _my_adam(skip="pass"),
        "ignores the closure's loss": _my_adam(result="None"),
        "forgets the defaults (no lr in the groups)": _my_adam().replace(
            "super().__init__(params, dict(lr=lr, betas=betas, eps=eps))",
            "super().__init__(params, {})\n"
            "        self.lr, self.betas, self.eps = lr, betas, eps").replace(
            'group["lr"], group["betas"], group["eps"]', "self.lr, self.betas, self.eps"),
    },
}

SAYS = {
    ("4.1", "float64 result (through NumPy)"): "dtype float64 ≠ expected float32",
    ("4.1", "changes param in place"): "your function changed its argument param",
    ("4.6", "returns a Python float"): "returned a float, expected a learntorch tensor",
}
