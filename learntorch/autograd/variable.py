"""``Variable``: before PyTorch 0.4 a wrapper that gave tensors autograd; now every tensor has
it, and ``Variable(t)`` is ``t.detach()`` (a new leaf on the same memory) with
``requires_grad`` as asked. Kept because old
tutorials still write it."""
from .. import _tensor  # a module reference: _tensor imports this package before Tensor exists


class _VariableMeta(type):
    def __instancecheck__(cls, other):
        return isinstance(other, _tensor.Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(tensor, requires_grad=False)``: a leaf sharing ``tensor``'s memory."""

    def __new__(cls, data, requires_grad=False, volatile=False):
        if not isinstance(data, _tensor.Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)


def variable(*args, **kwargs):
    raise RuntimeError("torch.autograd.variable(...) is deprecated, use torch.tensor(...) instead")
