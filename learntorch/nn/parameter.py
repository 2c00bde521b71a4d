"""``Parameter`` and ``Buffer``: tensors a Module registers when they are assigned to it.

A Parameter is a Tensor subclass that shares its data's memory and is a leaf that requires
grad; ``Module.__setattr__`` files it under ``_parameters``.  Ops on a Parameter return plain
Tensors, as in torch.  ``Buffer`` is only a marker: ``Buffer(t)`` is a plain Tensor that
``Module.__setattr__`` registers as a buffer.
"""
from collections import OrderedDict

from .._tensor import Tensor

__all__ = ["Parameter", "UninitializedParameter", "is_lazy", "Buffer", "UninitializedBuffer",
           "UninitializedTensorMixin"]


def _empty():
    return Tensor._make(Tensor(0)._array)


class Parameter(Tensor):
    """A Tensor that, assigned to a Module attribute, joins ``module.parameters()``.

    ``requires_grad=True`` by default, even inside ``no_grad()`` (as in torch).
    """

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _empty()
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter.__new__(): argument 'data' (position 1) must be Tensor, "
                            f"not {type(data).__name__}")
        if requires_grad and not data.is_floating_point():
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        p = object.__new__(cls)
        p._init(data._array)
        p._version_counter = data._version_counter  # same memory, same version (as in torch)
        p._requires_grad = bool(requires_grad)
        return p

    def __init__(self, data=None, requires_grad=True):
        pass  # everything happened in __new__; Tensor.__init__ would allocate a new array

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            out = type(self)(self.data.clone(), self.requires_grad)
            if self._grad is not None:
                out._grad = self._grad.clone()
            memo[id(self)] = out
        return memo[id(self)]

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self.data, self.requires_grad, OrderedDict()))


def _rebuild_parameter(data, requires_grad, backward_hooks):
    """What unpickling a Parameter calls (torch._utils._rebuild_parameter's twin)."""
    return Parameter(data, requires_grad)


class _BufferMeta(type):
    """``isinstance(t, Buffer)`` is true for the plain tensors ``Buffer(...)`` marks."""

    def __instancecheck__(cls, instance):
        if cls is Buffer:
            return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """Marks a tensor as a buffer: ``self.running_mean = nn.Buffer(torch.zeros(3))``.

    ``persistent=False`` keeps the buffer out of ``state_dict``.
    """

    def __new__(cls, data=None, *, persistent=True):
        t = _empty() if data is None else data.detach()
        t._is_buffer = True
        t.persistent = persistent
        return t


class UninitializedTensorMixin:
    """Shared by the lazy modules' placeholders: a tensor whose shape is not known yet."""

    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        """Allocate the data (uninitialised) and become ``cls_to_become``."""
        from .. import ops
        if isinstance(shape, int):
            shape = (shape,)
        data = ops.empty(shape, device=device or self.device, dtype=dtype or self.dtype)
        self._array = data._array
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error usually "
            "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
            "initialized one. Call `forward` to initialize the parameters before accessing their "
            "attributes.")

    def share_memory_(self):
        raise RuntimeError(
            "Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
            "initialize the parameters before calling `module.share_memory()`.")

    def __repr__(self):
        return f"<{self.__class__.__name__}>"

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        return (self.__class__, (self.requires_grad,))


def is_lazy(param):
    """Whether ``param`` is still waiting for its shape (a lazy module's placeholder)."""
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """The weight of a lazy module before its first forward fixes the shape."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        from .. import ops
        return Parameter.__new__(cls, ops.empty(0, device=device, dtype=dtype), requires_grad)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, self.device, self.dtype)
        return memo[id(self)]


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A lazy module's buffer before its first forward fixes the shape."""

    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        from .. import ops
        t = object.__new__(cls)
        t._init(ops.empty(0, device=device, dtype=dtype)._array)
        t.persistent = persistent
        t._is_buffer = True
        return t

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        pass
