"""What a tensor is and where it lives, and the few small functions around that.

learntorch's tensors are real, dense, strided, on the CPU (or CUDA through CuPy), never
conjugated, negated-lazily, quantized, sparse or nested: the flags torch programs test say so,
and ``conj``/``resolve_conj``/``real`` give the tensor itself back, as torch does for real dtypes.
"""
import math
import warnings

import numpy as np

from .. import _device, _dtype, _layout
from .._tensor import Tensor
from ..autograd.function import Function, _RemovableHandle
from . import creation
from .inplace import Fill

__all__ = ["is_conj", "is_neg", "conj", "conj_physical", "conj_physical_", "resolve_conj",
           "resolve_neg", "real", "imag", "is_same_size", "is_signed", "is_complex", "is_inference",
           "fill", "scalar_tensor", "detach", "detach_", "get_device"]

TENSOR_METHODS = ["is_conj", "is_neg", "conj", "conj_physical", "conj_physical_", "resolve_conj",
                  "resolve_neg", "is_same_size", "is_signed", "is_inference", "apply_", "map_",
                  "map2_", "dim_order", "get_device", "pin_memory", "is_pinned", "record_stream",
                  "as_subclass", "const_data_ptr", "module_load",
                  "register_post_accumulate_grad_hook", "resize", "resize_as", "reinforce",
                  "is_nonzero"]


# -- real tensors: conjugation and friends are the identity -------------------------------------
def is_conj(input):
    return False


def is_neg(input):
    return False


def conj(input):
    return input.conj() if input.is_complex() else input  # a complex fft result's own conj


def conj_physical(input, *, out=None):
    if input.is_complex():
        return input.conj()
    return input if out is None else out.copy_(input)


def conj_physical_(input):
    return input


def resolve_conj(input):
    return input.conj() if input.is_complex() else input


def resolve_neg(input):
    return input


def real(input):
    return input.real if input.is_complex() else input


def imag(input):
    if input.is_complex():
        return input.imag
    raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")


def is_same_size(input, other):
    return input.shape == other.shape


def is_signed(input):
    return input.dtype.is_signed


def is_complex(input):
    return input.is_complex()


def is_inference(input):
    """False: learntorch's ``inference_mode`` is ``no_grad``; it makes no inference tensors."""
    return False


# -- small constructors -------------------------------------------------------------------------
class _Fill(Fill):
    node_name = "FillBackward0"


def fill(input, value):
    """A new tensor like ``input`` with every element ``value`` (a number or a 0-d tensor)."""
    if isinstance(value, Tensor):
        if value.dim():
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.dim()} dimensions.")
        return value.to(input.dtype).expand(input.shape).clone()
    return _Fill.apply(input, value=value)


def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=None,
                  requires_grad=False):
    """A 0-d tensor of ``s`` in the default float dtype unless ``dtype`` says otherwise."""
    return creation.tensor(s.item() if isinstance(s, Tensor) else s,
                           dtype=_dtype.get_default_dtype() if dtype is None else dtype,
                           device=device, requires_grad=requires_grad)


def detach(input):
    return input.detach()


def detach_(input):
    return input.detach_()


# -- Python functions over elements (torch loops in C++; here NumPy calls them one by one) ------
def _check_callable_target(self, name):
    if self._requires_grad:
        raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use "
                           f"var.detach().{name}() instead.")


def _map_into(self, fn, others, name):
    """``self[i] = fn(self[i], *(other[i] for other in others))``, in place."""
    _check_callable_target(self, name)
    arrays = []
    for arg, other in others.items():
        if other.dtype is not self.dtype:
            raise TypeError(f"{name}: expected {self.type()} for '{arg}' (got {other.type()})")
        arrays.append(other.expand(self.shape)._array)
    results = np.frompyfunc(fn, 1 + len(arrays), 1)(self._array, *arrays)
    for value in np.asarray(results).flat:  # torch's error for a value that is not a number
        if not isinstance(value, (int, float, np.number, np.bool_)):
            raise TypeError(f"must be real number, not {type(value).__name__}")
    self._array[...] = results
    self._version_counter[0] += 1
    return self


def apply_(self, callable):
    """Replace each element ``v`` by ``callable(v)``, in place (slow: one Python call each)."""
    return _map_into(self, callable, {}, "apply_")


def map_(self, tensor, callable):
    """``self[i] = callable(self[i], tensor[i])`` in place, ``tensor`` broadcast to ``self``."""
    return _map_into(self, callable, {"other": tensor}, "map_")


def map2_(self, x, y, callable):
    """``self[i] = callable(self[i], x[i], y[i])`` in place."""
    return _map_into(self, callable, {"x": x, "y": y}, "map2_")


# -- memory and device --------------------------------------------------------------------------
def dim_order(self, *, ambiguity_check=False):
    """Dimensions from the outermost in memory to the innermost (by stride, ties in order)."""
    strides = self.stride()
    return tuple(sorted(range(self.dim()), key=lambda d: -strides[d]))


def get_device(input):
    """-1 on the CPU, else the CUDA device's index."""
    return -1 if input.device.type == "cpu" else input.device.index


def pin_memory_error():
    return RuntimeError("Cannot access accelerator device when none is available.")


def pin_memory(self, device=None):
    """Page-locked host memory is for copies to a GPU: a copy when one is present."""
    if not _device.cuda_available():
        raise pin_memory_error()
    return self.clone()


def is_pinned(self, device=None):
    return False


def record_stream(self, stream):
    """For CUDA caching-allocator streams; learntorch's CuPy memory needs no record."""
    if self.device.type == "cpu":
        raise RuntimeError("unknown parameter type")


def as_subclass(self, cls):
    """The same data and autograd history seen as an instance of ``cls`` (a Tensor subclass)."""
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError("Creating a Tensor subclass from a class that does not inherit from Tensor "
                        "is not possible. Make sure your class inherits from Tensor.")
    out = object.__new__(cls)
    out._array = self._array
    out._requires_grad = self._requires_grad
    out._grad_fn = self._grad_fn
    out._version_counter = self._version_counter
    if self._grad_fn is not None:
        out._output_nr = self._output_nr
    return out


def const_data_ptr(self):
    return self.data_ptr()


def module_load(self, other, assign=False):
    """How ``load_state_dict`` turns the state-dict value ``other`` into what replaces ``self``."""
    if assign:
        return other.detach()
    return self.copy_(other).detach()


# -- autograd: a hook after .grad is accumulated -------------------------------------------------
def register_post_accumulate_grad_hook(self, hook):
    """``hook(tensor)`` runs after backward has accumulated this leaf's ``.grad``."""
    if not self._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if self._grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    if self._post_accumulate_grad_hooks is None:
        self._post_accumulate_grad_hooks = []
    return _RemovableHandle(self._post_accumulate_grad_hooks, hook)


# -- removed or deprecated Tensor API, kept with torch's messages ----------------------------------
class Resize(Function):
    """``x.resize(*sizes)``: the out-of-place resize torch deprecated; same number of elements."""

    @staticmethod
    def forward(ctx, tensor, sizes):
        numel = math.prod(sizes)
        if tensor.numel() != numel:
            raise RuntimeError(
                f"requested resize to {'x'.join(map(str, sizes))} ({numel} elements in total), but "
                f"the given tensor has a size of {'x'.join(map(str, tensor.shape))} "
                f"({tensor.numel()} elements). autograd's resize can only change the shape of a "
                "given tensor, while preserving the number of elements. ")
        ctx.input_sizes = tensor.shape
        return tensor.contiguous().view(*sizes)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.contiguous().view(ctx.input_sizes), None


def resize(self, *sizes):
    warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
    from .._tensor import _shape_arg
    return Resize.apply(self, _shape_arg(sizes))


def resize_as(self, tensor):
    warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
    return Resize.apply(self, tuple(tensor.shape))


_REINFORCE_REMOVED = """reinforce() was removed.
Use torch.distributions instead.
See https://pytorch.org/docs/main/distributions.html

Instead of:

probs = policy_network(state)
action = probs.multinomial()
next_state, reward = env.step(action)
action.reinforce(reward)
action.backward()

Use:

probs = policy_network(state)
# NOTE: categorical is equivalent to what used to be called multinomial
m = torch.distributions.Categorical(probs)
action = m.sample()
next_state, reward = env.step(action)
loss = -m.log_prob(action) * reward
loss.backward()
"""


def reinforce(self, reward):
    raise RuntimeError(_REINFORCE_REMOVED)


def is_nonzero(self):
    """``bool`` of a one-element tensor."""
    if self.numel() == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    return self.__bool__()


def _get_volatile(self):
    warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning,
                  stacklevel=2)
    return False


def _set_volatile(self, value):
    warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                  "instead.", UserWarning, stacklevel=2)


# -- attached to Tensor here (learntorch/__init__ imports this module after ops) ---------------
for _name in TENSOR_METHODS:
    setattr(Tensor, _name, globals()[_name])


# -- properties ---------------------------------------------------------------------------------
def _constant(value):
    return property(lambda self: value, doc=f"``{value}`` for every learntorch tensor.")


_ALWAYS_FALSE = ("is_mps", "is_xla", "is_xpu", "is_ipu", "is_mtia", "is_maia",
                 "is_vulkan", "is_mkldnn", "is_quantized", "is_sparse", "is_sparse_csr",
                 "is_nested", "is_hpu")
for _name in _ALWAYS_FALSE:
    setattr(Tensor, _name, _constant(False))
Tensor.layout = _constant(_layout.strided)
Tensor.is_cpu = property(lambda self: self.device.type == "cpu", doc="On the CPU (NumPy).")
Tensor.real = property(real, doc="The tensor itself: learntorch's tensors are real.")
Tensor.imag = property(imag, doc="Raises, as torch does for real dtypes.")
Tensor.volatile = property(_get_volatile, _set_volatile, doc="Removed from torch: always False.")
