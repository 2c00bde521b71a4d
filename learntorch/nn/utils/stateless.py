"""``functional_call``: run a module with other tensors in place of its parameters and buffers.

``functional_call(model, {"weight": w}, (x,))`` swaps ``w`` in for the duration of one call
and puts the original back, so gradients flow to ``w``, not to the model's parameter.
(torch deprecates this name in favour of ``torch.func.functional_call``; same behaviour.)
"""
import contextlib
import warnings

from ..._tensor import Tensor
from ..parallel import DataParallel

__all__ = ["functional_call"]

_MISSING = object()


def _all_named_tensors(module):
    named = dict(module.named_parameters(remove_duplicate=False))
    named.update(module.named_buffers(remove_duplicate=False))
    return named


def _untie_named_tensors_map(module, parameters_and_buffers):
    """A value given for one name of a tied tensor is used for all its names."""
    tied = {}
    for name, tensor in _all_named_tensors(module).items():
        tied.setdefault(id(tensor), set()).add(name)
    tied_names_map = {n: names for names in tied.values() if len(names) > 1 for n in names}
    given = {n for n in parameters_and_buffers if n in tied_names_map}
    for name in given:
        names = tied_names_map[name]
        if len(names & given) > 1 and len({id(parameters_and_buffers[n]) for n in names & given}) != 1:
            raise ValueError(f"functional_call got multiple values for keys {sorted(names)}, which "
                             "are tied. Consider using tie_weights=False")
    untied = dict(parameters_and_buffers)
    for name in given:
        for other in tied_names_map[name]:
            untied[other] = parameters_and_buffers[name]
    return untied


def _swap(module, dotted, value):
    """Put ``value`` at ``module.<dotted>``; return what was there (or _MISSING)."""
    path, _, name = dotted.rpartition(".")
    owner = module.get_submodule(path)
    for registry in (owner._parameters, owner._buffers):
        if name in registry:
            old = registry[name]
            if value is _MISSING:
                del registry[name]
            else:
                registry[name] = value
            return old
    old = getattr(owner, name, _MISSING)
    if old is not _MISSING and not isinstance(old, Tensor):
        raise TypeError(f"{name} is not a Tensor")  # never replace a method or a submodule
    if value is _MISSING:
        delattr(owner, name)
    else:
        object.__setattr__(owner, name, value)
    return old


@contextlib.contextmanager
def _reparametrize_module(module, parameters_and_buffers, tie_weights=False, strict=False):
    tensors = _untie_named_tensors_map(module, parameters_and_buffers) if tie_weights \
        else parameters_and_buffers
    if strict:
        valid, given = set(_all_named_tensors(module)), set(tensors)
        errors = []
        if given - valid:
            errors.append(f"Unexpected key(s): {', '.join(map(repr, sorted(given - valid)))}.")
        if valid - given:
            errors.append(f"Missing key(s): {', '.join(map(repr, sorted(valid - given)))}.")
        if errors:
            raise RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(
                module._get_name(), "\n\t".join(errors)))
    originals = {}
    try:
        for name, value in tensors.items():
            originals[name] = _swap(module, name, value)
        yield
    finally:
        for name, value in reversed(list(originals.items())):
            _swap(module, name, value)


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True,
                    strict=False):
    """``module(*args, **kwargs)`` with ``parameters_and_buffers`` standing in for its own."""
    warnings.warn(
        "`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be "
        "removed in a future version of PyTorch. Please use `torch.func.functional_call` instead "
        "which is a drop-in replacement.", FutureWarning, stacklevel=2)
    if isinstance(module, DataParallel):
        raise RuntimeError("The stateless API can't be used with nn.DataParallel module")
    args = () if args is None else args if isinstance(args, tuple) else (args,)
    with _reparametrize_module(module, parameters_and_buffers, tie_weights=tie_weights,
                               strict=strict):
        return module(*args, **(kwargs or {}))
