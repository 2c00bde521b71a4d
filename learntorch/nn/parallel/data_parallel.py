"""``DataParallel`` as torch runs it without several GPUs: a wrapper that calls ``module``.

torch splits a batch across GPUs; with none (the case here) it keeps ``module`` as
``.module``, an empty ``device_ids``, and forwards every call unchanged.  Code written
for several GPUs therefore runs here, and its state_dict keys carry the ``module.``
prefix exactly as torch's do.
"""
from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


class DataParallel(Module):
    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids = []

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0, module_kwargs=None):
    """torch's functional form needs an accelerator and says so on a CPU-only machine."""
    raise RuntimeError("device type could not be determined")
