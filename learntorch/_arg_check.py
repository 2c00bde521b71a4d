"""torch's error for a function given a non-tensor where a tensor belongs.

``torch.exp(2.0)`` raises ``TypeError: exp(): argument 'input' (position 1) must be Tensor,
not float``. learntorch's ops read ``input._array`` straight away, so without this they would
fail with an AttributeError from deep inside. Checking every call would cost time on every
op; instead the top-level functions run as they are and only an AttributeError on a
non-tensor first argument is turned into torch's TypeError (a ``try`` costs nothing until it
catches). Tensor methods are not wrapped: their first argument is always a tensor.
"""
import functools
import inspect

__all__ = []


def _type_name(value):
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def _guarded(fn, tensor_type):
    params = list(inspect.signature(fn).parameters)
    argument = params[0] if params else "input"

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except AttributeError:
            first = args[0] if args else kwargs.get(argument)
            if first is None or isinstance(first, tensor_type):
                raise
            raise TypeError(f"{fn.__name__}(): argument '{argument}' (position 1) must be "
                            f"Tensor, not {_type_name(first)}") from None
    return call


_guards = {}   # function -> its guarded twin: aliases (arccosh, acosh) stay one object


def guard_tensor_functions(namespace, tensor_type):
    """Wrap each function of ``namespace`` that is also a Tensor method (so takes a tensor
    first) with torch's TypeError for a non-tensor first argument. ``special.expit`` and
    ``sigmoid`` are the same function, so guarding both namespaces keeps them one object."""
    methods = {id(f) for f in vars(tensor_type).values() if inspect.isfunction(f)}
    for name, value in list(namespace.items()):
        if inspect.isfunction(value) and id(value) in methods:
            if value not in _guards:
                _guards[value] = _guarded(value, tensor_type)
            namespace[name] = _guards[value]
