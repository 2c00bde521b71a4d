"""``Optimizer``: parameter groups, per-parameter state, and the bookkeeping every algorithm shares.

An algorithm subclasses ``Optimizer`` and writes ``step``: a loop over ``param_groups`` that
updates each parameter with a gradient in place.  Everything else lives here, as in torch:
groups with defaults filled in, ``state`` keyed by the parameter tensor, ``state_dict`` in
torch's layout (parameters replaced by their index, so a checkpoint saved by torch loads),
``zero_grad``, and step hooks.  A closure, when given, is evaluated with grad enabled and
its loss returned.

The algorithms update the parameters' arrays with NumPy in place (``out=``): that is the
whole trick behind their speed.  They follow torch's single-tensor ("for-loop") code path,
operation for operation, so that trajectories agree with torch's to rounding.
"""
import functools
import warnings
from collections import OrderedDict, defaultdict
from copy import deepcopy
from itertools import chain

import numpy as np

from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad
from ..nn.modules.module import RemovableHandle

__all__ = ["Optimizer", "required", "register_optimizer_step_pre_hook",
           "register_optimizer_step_post_hook"]


class _RequiredParameter:
    """Marks a default that every parameter group must give itself (SGD's old ``lr``)."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()

_global_optimizer_pre_hooks = OrderedDict()
_global_optimizer_post_hooks = OrderedDict()


def register_optimizer_step_pre_hook(hook):
    """``hook(optimizer, args, kwargs)`` runs before every optimizer's ``step``."""
    handle = RemovableHandle(_global_optimizer_pre_hooks)
    _global_optimizer_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook):
    """``hook(optimizer, args, kwargs)`` runs after every optimizer's ``step``."""
    handle = RemovableHandle(_global_optimizer_post_hooks)
    _global_optimizer_post_hooks[handle.id] = hook
    return handle


def _typename(obj):
    if isinstance(obj, Tensor):
        return obj.type()
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module in (None, "builtins") else f"{module}.{name}"


def _hooked_step(step):
    """Wrap a subclass's ``step`` in its pre and post hooks (as torch patches ``step``).

    Grad mode is left as it is, as in torch: a user's own ``step`` uses ``no_grad`` itself.
    """
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        if self.__dict__.get("_stepping"):   # a subclass's step calling super().step()
            return step(self, *args, **kwargs)
        self._stepping = True
        try:
            return _run_hooked(step, self, args, kwargs)
        finally:
            self._stepping = False
    wrapper._hooked = True
    return wrapper


def _run_hooked(step, self, args, kwargs):
    """Pre hooks (which may replace the arguments), ``step``, post hooks."""
    for pre_hook in chain(_global_optimizer_pre_hooks.values(),
                          self._optimizer_step_pre_hooks.values()):
        result = pre_hook(self, args, kwargs)
        if result is not None:
            if not (isinstance(result, tuple) and len(result) == 2):
                raise RuntimeError(f"{step} must return None or a tuple of (new_args, "
                                   f"new_kwargs), but got {result}.")
            args, kwargs = result
    out = step(self, *args, **kwargs)
    for post_hook in chain(self._optimizer_step_post_hooks.values(),
                           _global_optimizer_post_hooks.values()):
        post_hook(self, args, kwargs)
    return out


class Optimizer:
    """Base class for all optimizers.

    ``params`` is an iterable of tensors (or ``(name, tensor)`` pairs), or of dicts, each a
    parameter group with its own options; ``defaults`` fills in the options a group omits.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "_hooked", False):
            cls.step = _hooked_step(step)

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._init_hooks()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def _init_hooks(self):
        for name in ("step_pre", "step_post", "state_dict_pre", "state_dict_post",
                     "load_state_dict_pre", "load_state_dict_post"):
            self.__dict__.setdefault(f"_optimizer_{name}_hooks", OrderedDict())

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._init_hooks()
        self.defaults.setdefault("differentiable", False)

    def __repr__(self):
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {key}: {group[key]}\n" for key in sorted(group) if key != "params")
        return text + ")"

    # -- groups --------------------------------------------------------------------------
    def add_param_group(self, param_group):
        """Append a group (a dict with ``'params'``); options it omits come from ``defaults``."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group["params"] = params
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param "
                                 "names are missing")
            param_group["param_names"] = names
        for param in params:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(param))
            if not self.defaults.get("differentiable", None) and not (
                    param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "in future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # -- gradients and steps -------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Forget the gradients: ``None`` (the default), or zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    grad = p.grad
                    if grad.grad_fn is not None:
                        grad.detach_()
                    else:
                        grad.requires_grad_(False)
                    grad.zero_()

    def step(self, closure=None):
        """Update the parameters once; ``closure`` re-evaluates the model and returns the loss."""
        raise NotImplementedError

    @staticmethod
    def _evaluate(closure):
        """The closure's loss, computed with grad enabled whatever the caller's grad mode."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def _scratch(self, like, slot=0):
        """A work array shaped like ``like`` for a step's intermediate values, kept between steps.

        A fresh NumPy temporary of a large parameter's size is mapped from the operating system
        each time, and its page faults cost more than the arithmetic (about 60 us per 10**5
        float32 here); one buffer per dtype and ``slot``, grown to the largest parameter, is
        reused instead.  Its contents are garbage on arrival and are never part of ``state``.
        """
        work = self.__dict__.setdefault("_work", {})
        key = (like.dtype, slot)
        buffer = work.get(key)
        if buffer is None or buffer.size < like.size:
            buffer = work[key] = np.empty(like.size, like.dtype)
        return buffer[:like.size].reshape(like.shape)

    def _params_with_grad(self, group):
        """The group's parameters that received a gradient, with their state dicts."""
        for p in group["params"]:
            if p.grad is not None:
                yield p, self.state[p]

    # -- hooks ---------------------------------------------------------------------------
    @staticmethod
    def _register(hooks, hook, prepend=False):
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` before each ``step``; it may return new args."""
        return self._register(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` after each ``step``."""
        return self._register(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        return self._register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        return self._register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        return self._register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        return self._register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # -- checkpoints ---------------------------------------------------------------------
    def state_dict(self):
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}``.

        Parameters are numbered in group order; the state's tensors are the live ones
        (as in torch: save or deepcopy the dict to keep a snapshot).
        """
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        index = {}
        param_groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            param_groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": state, "param_groups": param_groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            result = post_hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def load_state_dict(self, state_dict):
        """Take over a ``state_dict()`` (ours or torch's): same groups, same sizes."""
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = _cast(id_map[k], v)
            else:
                state[k] = v
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.__setstate__({"state": state, "param_groups": saved_groups})
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)


def _cast(param, value, key=None):
    """A loaded state value, its tensors in the parameter's dtype ('step' stays as it is)."""
    if isinstance(value, Tensor):
        if key == "step" or not param.is_floating_point():
            return value
        return value.to(dtype=param.dtype)
    if isinstance(value, dict):
        return {k: _cast(param, v, key=k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v) for v in value)
    return value


# -- shared by the algorithms -----------------------------------------------------------------
def _scalar(x):
    """A hyperparameter as a number: a 0-d (or 1-element) tensor becomes a NumPy scalar of its
    dtype, so arithmetic on it rounds as torch's 0-d tensor arithmetic does."""
    if isinstance(x, Tensor):
        return x.detach()._array.reshape(())[()]
    return x


def _check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def _zeros_like(p):
    return Tensor._make(np.zeros_like(p._array))


def _step_tensor(value=0.0):
    """The step counter torch keeps in state: a 0-d tensor of the default float dtype."""
    from .._dtype import get_default_dtype
    dtype = np.float64 if get_default_dtype().np == np.float64 else np.float32
    return Tensor._make(np.array(value, dtype=dtype))


def _bump(p):
    """Mark ``p`` as changed in place (its arrays were written directly)."""
    p._version_counter[0] += 1


# The few array updates the algorithms are made of, each written the way torch's CPU kernel
# orders its floating-point operations (scalars rounded to the array's dtype first).
def _grad(p, maximize, weight_decay):
    """The gradient array an update uses: negated when maximizing, plus weight decay λθ."""
    grad = p.grad._array
    if maximize:
        grad = np.negative(grad)
    if weight_decay != 0:
        grad = _fma(p._array, weight_decay, grad)
    return grad


def _fma(a, scalar, b):
    """``a·scalar + b`` rounded once, as torch's fused kernels do (``add(b, a, alpha=scalar)``).

    Where the two terms nearly cancel (a gradient balanced by its weight decay) a second
    rounding would be amplified by every normalizing optimizer.  A float32 product is exact
    in float64, so the sum is formed there and rounded once; float64 rounds twice.
    """
    if a.dtype == np.float64:
        out = np.multiply(a, float(scalar))
        out += b
        return out
    wide = np.multiply(a, np.float64(a.dtype.type(scalar)), dtype=np.float64)
    wide += b
    return wide.astype(a.dtype)


def lerp_(start, end, weight, out=None):
    """``start ← start + w (end − start)`` in place (torch's lerp_; for w ≥ 0.5 it computes
    ``end − (end − start)(1 − w)``).  Returns the scratch array it used."""
    diff = np.subtract(end, start, out=out)
    if abs(weight) < 0.5:
        diff *= weight
        start += diff
    else:
        diff *= 1 - weight
        np.subtract(end, diff, out=start)
    return diff


def _decay_square_(avg, grad, beta, out=None):
    """``avg ← β avg + (1 − β) g²`` in place (torch's ``mul_(β).addcmul_(g, g, value=1-β)``)."""
    avg *= beta
    tmp = np.multiply(grad, float(1 - beta), out=out)
    tmp *= grad
    avg += tmp
    return tmp


def _addcdiv_(param, t1, t2, value, out=None):
    """``param ← param + (value·t1) / t2`` in place (torch's ``addcdiv_``)."""
    tmp = np.multiply(t1, float(value), out=out)
    tmp /= t2
    param += tmp
    return tmp


def _add_(param, other, alpha, out=None):
    """``param ← param + α·other`` in place (torch's ``add_(other, alpha=α)``)."""
    if alpha == 1:  # 1·other is exact: one pass fewer (SGD's momentum with no dampening)
        param += other
        return other
    tmp = np.multiply(other, float(alpha), out=out)
    param += tmp
    return tmp
