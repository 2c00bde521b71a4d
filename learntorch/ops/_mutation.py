"""How an op changes a tensor in place (the mechanism behind every ``x.f_()``).

The result is computed out of place and written into ``x``'s own memory (so views and
NumPy arrays sharing it see the change), and ``x``'s version counter goes up.  When a
graph is being recorded, ``x`` takes the result's place in it; the old value is first
copied aside, so a backward formula that needs it still finds it.

It imports no op module, so every op module can define its in-place twins with
``inplace_of`` right next to the op.
"""
from .. import _dtype
from .._tensor import Tensor
from ..autograd.grad_mode import _State


OVERLAP_MESSAGE = ("unsupported operation: more than one element of the written-to tensor refers to "
                   "a single memory location. Please clone() the tensor before performing the "
                   "operation.")


def apply_inplace(self, op, *args, **kwargs):
    """``self = op(self, *args)`` in ``self``'s memory; returns ``self``."""
    recording = _State.enabled and (self._requires_grad or any(
        isinstance(a, Tensor) and a._requires_grad for a in args))
    source = self
    if recording:
        check_inplace(self)
        source = _snapshot(self)
    result = op(source, *args, **kwargs)
    write_into(self, result)
    if recording:
        take_history(self, result)
    return self


def _snapshot(t):
    """A copy of ``t`` that keeps ``t``'s place in the graph."""
    copy = Tensor._make(t._array.copy())
    copy._grad_fn, copy._output_nr, copy._requires_grad = t._grad_fn, t._output_nr, t._requires_grad
    return copy


def write_into(self, result):
    """Copy ``result`` into ``self``'s memory with torch's shape and dtype checks."""
    if result.shape != self.shape:
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                           f"{list(result.shape)}")
    if result.dtype is not self.dtype and not can_cast(result.dtype, self.dtype):
        raise RuntimeError(f"result type {_dtype.type_word(result.dtype)} can't be cast to the "
                           f"desired output type {_dtype.type_word(self.dtype)}")
    if not self._array.flags.writeable:
        raise RuntimeError(OVERLAP_MESSAGE)
    self._array[...] = result._array
    self._version_counter[0] += 1


def can_cast(src, dst):
    """torch's rule: no float into an integer, nothing but bool into bool."""
    if src.is_floating_point and not dst.is_floating_point:
        return False
    if dst is _dtype.bool and src is not _dtype.bool:
        return False
    return True


def inplace_of(function):
    """The in-place twin of ``function``: ``x.f_(...)`` writes ``f(x, ...)`` into ``x``."""
    def method(self, *args, **kwargs):
        return apply_inplace(self, function, *args, **kwargs)
    method.__name__ = method.__qualname__ = function.__name__ + "_"
    method.__doc__ = f"In-place ``{function.__name__}``: writes the result into this tensor."
    return method


def check_inplace(tensor):
    """Raise torch's error for in-place changes autograd cannot follow."""
    if tensor._grad_fn is None and tensor._requires_grad:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    if tensor._base is not None and (tensor._base._requires_grad or tensor._requires_grad):
        raise RuntimeError(
            "learntorch does not support in-place changes to a view of a tensor that requires grad "
            "(torch rewrites the base's history here). Change the base tensor itself, or clone() the "
            "view first.")


def take_history(tensor, result):
    """After an in-place op: ``tensor`` now has ``result``'s place in the graph."""
    tensor._grad_fn = result._grad_fn
    tensor._output_nr = result._output_nr
    tensor._requires_grad = result._requires_grad
