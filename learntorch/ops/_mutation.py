"""How an op changes a tensor in place (the mechanism behind every ``x.f_()``).

The result is computed out of place and written into ``x``'s own memory (so views and
NumPy arrays sharing it see the change), and ``x``'s version counter goes up.  When a
graph is being recorded, ``x`` takes the result's place in it; the old value is first
copied aside, so a backward formula that needs it still finds it.

It imports no op module, so every op module can define its in-place twins with
``inplace_of`` right next to the op.
"""
import numpy as np

from .. import _dtype
from .._meta import NO_DATA, MetaArray
from .._tensor import Tensor
from ..autograd.function import forward_name
from ..autograd.grad_mode import _State
from ._op import Op


OVERLAP_MESSAGE = ("unsupported operation: more than one element of the written-to tensor refers to "
                   "a single memory location. Please clone() the tensor before performing the "
                   "operation.")


def apply_inplace(self, op, *args, **kwargs):
    """``self = op(self, *args)`` in ``self``'s memory; returns ``self``."""
    recording = _State.enabled and (self._requires_grad or any(
        isinstance(a, Tensor) and a._requires_grad for a in args))
    if recording and self._base is not None:
        return _inplace_on_view(self, lambda source: op(source, *args, **kwargs))
    source = self
    if recording:
        check_inplace(self)
        source = _snapshot(self)
    result = op(source, *args, **kwargs)
    write_into(self, result)
    if recording:
        take_history(self, result)
    return self


# -- in-place changes through a view ------------------------------------------------------------
# ``v = b[0]; v.mul_(2)`` changes b too, so b's history must change: like torch, b becomes
# CopySlices(old b, new v), and v becomes a strided window onto the new b.  A window is
# described by where the view sits in its base's memory: (base shape, shape, strides,
# byte offset); ``window`` applies it to any C-contiguous array shaped like the base.
def window_of(view):
    """The view's place in its base's memory, or None when the base is not C-contiguous."""
    base = view._base._array
    if type(base) is not np.ndarray or not base.flags.c_contiguous:
        return None
    offset = view._array.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    return (base.shape, view._array.shape, view._array.strides, offset)


def window(array, spec):
    _, shape, strides, offset = spec
    return np.ndarray(shape, array.dtype, np.ascontiguousarray(array), offset, strides)


class CopySlices(Op):
    """The base after an in-place change through a view (its memory is already written)."""

    node_name = "CopySlices"
    torch_name = "torch::autograd::CopySlices"

    @staticmethod
    def forward(ctx, base, result, spec):
        ctx.spec = spec
        return base

    @staticmethod
    def backward(ctx, grad):
        return (WindowFill.apply(grad, spec=ctx.spec),
                WindowRead.apply(grad, spec=ctx.spec, copy=True))


class WindowRead(Op):
    """The window of an array: a view (to regenerate a view's history) or a copy (a gradient)."""

    node_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, x, spec, copy):
        ctx.spec = spec
        out = window(x, spec)
        return out.copy() if copy else out

    @staticmethod
    def backward(ctx, grad):
        return WindowWrite.apply(grad, spec=ctx.spec)


class WindowWrite(Op):
    """Zeros shaped like the base with ``grad`` in the window (WindowRead's adjoint)."""

    @staticmethod
    def forward(ctx, grad, spec):
        ctx.spec = spec
        out = np.zeros(spec[0], dtype=grad.dtype)
        window(out, spec)[...] = grad
        return out

    @staticmethod
    def backward(ctx, grad):
        return WindowRead.apply(grad, spec=ctx.spec, copy=True)


class WindowFill(Op):
    """``grad`` with the window zeroed: the overwritten values of the base get no gradient."""

    @staticmethod
    def forward(ctx, grad, spec):
        ctx.spec = spec
        out = np.array(grad, order="C")
        window(out, spec)[...] = 0
        return out

    @staticmethod
    def backward(ctx, grad):
        return WindowFill.apply(grad, spec=ctx.spec)


def _inplace_on_view(view, compute):
    if view._view_kind is not None:
        raise RuntimeError(view_inplace_error(view, indirect=False))
    base = view._base
    if base._grad_fn is None and base._requires_grad:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    spec = _window_or_raise(view)
    refresh_view(view)
    result = compute(_snapshot(view))
    write_into(view, result)
    rebase_view(view, result, spec)
    return view


def _window_or_raise(view):
    spec = window_of(view)
    if spec is None:
        raise RuntimeError("learntorch: in-place change of a view whose base is not contiguous; "
                           "clone() the base first.")
    return spec


def rebase_view(view, result, spec=None):
    """``view`` now holds ``result`` (written already): its base's history becomes
    CopySlices(old base, result), and the view reads itself from the new base."""
    base = view._base
    spec = _window_or_raise(view) if spec is None else spec
    old_base = Tensor._make(base._array)
    old_base._grad_fn, old_base._output_nr = base._grad_fn, base._output_nr
    old_base._requires_grad = base._requires_grad
    take_history(base, CopySlices.run((old_base, result), (base._array, result._array),
                                      {"spec": spec}))
    view._view_version = -1  # its history is the old one: rebuild it from the new base
    refresh_view(view)


# -- views autograd cannot follow through an in-place change (torch's CreationMeta) ---------------
# A view made in no-grad or inference mode, one of several views a single op returned
# (``unbind``, ``split``), or one a custom Function returned: torch forbids changing it in place
# while a graph is recorded, and using it after its base changed in place.
_VIEW_KIND_ADVICE = {
    "no_grad": " Given that this use case is ambiguous and error-prone, it is forbidden. You can "
               "clarify your code by moving both the view and the inplace either both inside the "
               "no_grad block (if you don't want the inplace to be tracked) or both outside (if "
               "you want the inplace to be tracked).",
    "inference": " Given that this use case is ambiguous and error-prone, it is forbidden. You can "
                 "clarify your code by moving both the view and the inplace either both inside the "
                 "inference_mode block (if you don't want the inplace to be tracked) or both "
                 "outside (if you want the inplace to be tracked).",
    "multi": " This view is the output of a function that returns multiple views. Such functions "
             "do not allow the output views to be modified inplace. You should replace the "
             "inplace operation by an out-of-place one.",
    "custom": " This view was created inside a custom Function (or because an input was returned "
              "as-is) and the autograd logic to handle view+inplace would override the custom "
              "backward associated with the custom Function, leading to incorrect gradients. This "
              "behavior is forbidden. You can fix this by cloning the output of the custom "
              "Function.",
}


def view_inplace_error(view, indirect):
    """torch's text for changing such a view in place (``indirect``: its base was changed)."""
    kind = view._view_kind
    changed = "its base or another view of its base has been" if indirect else "is being"
    made = "inference" if kind == "inference" else "no_grad"
    node = view._grad_fn
    mode = "."
    if node is None or kind == made:
        mode = " in normal mode." if made == "inference" else " with grad mode enabled."
    if node is None:
        head = f"A view was created in {made} mode and {changed} modified inplace{mode}"
    else:
        of_view = f" of a view which was created in {made} mode" if kind == made else ""
        head = (f"Output {view._output_nr} of {forward_name(node)} is a view{of_view} and "
                f"{changed} modified inplace{mode}")
    return head + _VIEW_KIND_ADVICE[kind]


def refresh_view(view):
    """Give a view whose base changed in place a history that reads it from the new base."""
    if view._base is None or view._view_version == view._version_counter[0]:
        return
    base = view._base
    if view._view_kind is not None and (base._requires_grad or view._grad_fn is not None):
        raise RuntimeError(view_inplace_error(view, indirect=True))
    spec = window_of(view)
    if base._requires_grad and spec is not None and _State.enabled:
        take_history(view, WindowRead.run((base,), (base._array,), {"spec": spec, "copy": False}))
    view._view_version = view._version_counter[0]


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
    if type(self._array) is MetaArray or type(result._array) is MetaArray:
        _write_meta(self, result)
        return
    if not self._array.flags.writeable:
        raise RuntimeError(OVERLAP_MESSAGE)
    self._array[...] = result._array
    self._version_counter[0] += 1


def _write_meta(self, result):
    """A meta tensor has nothing to write into (its shape and dtype were checked), and
    nothing can be read out of one into a tensor that has data."""
    if type(self._array) is not MetaArray:
        raise NotImplementedError(NO_DATA)
    self._version_counter[0] += 1


def _write_directly(self, ufunc, other):
    """``ufunc(x, other, out=x)`` for ``x.add_(other)`` and its kind; False where it does not apply.

    The simple version is ``apply_inplace``: compute aside, then copy in.  This one saves a
    pass over memory (and a temporary) where nothing can differ: no graph is recorded, ``x``
    holds floats, and ``other`` is a float tensor of the same dtype or a Python number, so
    the result keeps ``x``'s dtype.  SGD's ``p -= lr * p.grad`` takes it every step.  Shapes
    that do not broadcast to ``x``'s make NumPy refuse before writing; the simple version
    then raises torch's error.
    """
    array = self._array
    if type(array) is not np.ndarray or array.dtype.kind != "f" or not array.flags.writeable:
        return False
    if isinstance(other, Tensor):
        if type(other._array) is not np.ndarray or other._array.dtype != array.dtype \
                or (_State.enabled and other._requires_grad):
            return False
        other = other._array
    elif type(other) in (float, int):
        other = float(other)  # as _promote.binary hands a number to NumPy for a float tensor
    else:
        return False
    if _State.enabled and self._requires_grad:
        return False
    try:
        ufunc(array, other, out=array)
    except ValueError:
        return False
    self._version_counter[0] += 1
    return True


def can_cast(src, dst):
    """torch's rule: no float into an integer, nothing but bool into bool."""
    if src.is_floating_point and not dst.is_floating_point:
        return False
    if dst is _dtype.bool and src is not _dtype.bool:
        return False
    return True


def inplace_of(function, ufunc=None):
    """The in-place twin of ``function``: ``x.f_(...)`` writes ``f(x, ...)`` into ``x``.

    ``ufunc``: the NumPy ufunc of a binary arithmetic op, for ``_write_directly``.
    """
    def method(self, *args, **kwargs):
        if ufunc is not None and len(args) == 1 and not kwargs \
                and _write_directly(self, ufunc, args[0]):
            return self
        return apply_inplace(self, function, *args, **kwargs)
    method.__name__ = method.__qualname__ = function.__name__ + "_"
    method.__doc__ = f"In-place ``{function.__name__}``: writes the result into this tensor."
    return method


def check_inplace(tensor):
    """Raise torch's error for in-place changes autograd cannot follow."""
    if tensor._grad_fn is None and tensor._requires_grad:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")


def take_history(tensor, result):
    """After an in-place op: ``tensor`` now has ``result``'s place in the graph."""
    tensor._grad_fn = result._grad_fn
    tensor._output_nr = result._output_nr
    tensor._requires_grad = result._requires_grad
