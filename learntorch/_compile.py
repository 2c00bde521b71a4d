"""``compile``: learntorch has no compiler, so the model or function is returned unchanged."""

__all__ = ["compile"]


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,
            options=None, name=None, disable=False, recompile_limit=None, isolate_recompiles=False,
            shapes_spec=None):
    """There is no compiler in learntorch: like torch's eager backend, this gives ``model``
    back unchanged (every call runs eagerly, as without ``compile``).

    Works as a call, ``compile(model)``, and as a decorator with or without arguments:
    ``@compile`` and ``@compile(mode="max-autotune")``.
    """
    if model is None:
        return lambda fn: fn
    if not callable(model):
        raise RuntimeError("torch.compile() can only be used on callables (a function or an "
                           f"nn.Module), not {type(model).__name__}")
    return model
