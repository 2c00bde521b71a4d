"""``skip_init``: build a module without spending time (or random numbers) on its initialisation."""
import inspect

from ... import random
from ..modules.module import Module

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """``module_cls(*args, **kwargs)`` with uninitialised parameters (zeros here).

    torch builds the module on the "meta" device; without one, we build it normally and
    put the generator back, so the random stream is as if nothing had been drawn.
    """
    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"Expected a Module; got {module_cls}".replace("learntorch", "torch"))
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    final_device = kwargs.pop("device", "cpu")
    state = random.get_rng_state()
    try:
        module = module_cls(*args, **kwargs)
    finally:
        random.set_rng_state(state)
    return module.to_empty(device=final_device)
