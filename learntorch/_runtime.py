"""Device modules, inference mode and the errors torch raises when a device runs out."""
from . import _device
from .autograd.grad_mode import _State

__all__ = ["OutOfMemoryError", "AcceleratorError", "get_device_module", "is_inference_mode_enabled"]


class OutOfMemoryError(RuntimeError):
    """A device ran out of memory (``torch.cuda.OutOfMemoryError`` is the same class)."""


class AcceleratorError(RuntimeError):
    """An accelerator (CUDA) reported an error."""


def get_device_module(device=None):
    """``learntorch.cpu`` or ``learntorch.cuda`` for a device, its type or its name; with no
    argument, the accelerator's module (CUDA when present), else ``learntorch.cpu``."""
    from . import cpu, cuda
    if device is None:
        return cuda if cuda.is_available() else cpu
    kind = device.type if isinstance(device, _device.device) else _device.device(device).type
    return cuda if kind == "cuda" else cpu


def is_inference_mode_enabled():
    return _State.inference
