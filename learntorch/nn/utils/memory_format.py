"""Convert conv weights to a memory format (torch/nn/utils/memory_format.py).

NumPy arrays have one layout that matters here, so the weights are cloned with the
requested ``memory_format`` (which learntorch accepts and ignores) — the call runs,
and the values and shapes are unchanged, as in torch.
"""
__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]


def _convert(module, memory_format, class_names):
    if type(module).__name__ in class_names:
        module.weight.data = module.weight.detach().clone(memory_format=memory_format)
    for child in module.children():
        _convert(child, memory_format, class_names)
    return module


def convert_conv2d_weight_memory_format(module, memory_format):
    return _convert(module, memory_format, ("Conv2d", "ConvTranspose2d"))


def convert_conv3d_weight_memory_format(module, memory_format):
    return _convert(module, memory_format, ("Conv3d", "ConvTranspose3d"))
