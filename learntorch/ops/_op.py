"""``Op``: how learntorch's built-in differentiable ops are written.

``forward`` works on raw arrays (NumPy or CuPy), ``backward`` on tensors, so a backward
formula is itself differentiable and ``create_graph=True`` gives higher-order gradients.

Recording is the slow path: when grad mode is off or no input requires grad,
``Op.run`` calls ``forward`` and wraps the array, nothing more.

A hot op may also write its backward on arrays, ``backward_arrays``, next to ``backward``:
without ``create_graph`` no graph of the gradients is needed, and the engine then passes
raw arrays from node to node (``OpNode.apply_arrays``).  The simple version runs every
backward on tensors; this one exists because a tensor op costs a few microseconds more
than the NumPy call inside it, and a training step runs dozens of them.
"""
import operator

import numpy as np

from .._tensor import Tensor
from ..autograd.function import _FREED, Node, _SavedOutput, edge_of, fit_gradient
from ..autograd.grad_mode import _State

_wrap = Tensor._make
_array_of = operator.attrgetter("_array")


class _NoCtx:
    """Stands in for ``ctx`` on the fast path: whatever forward stores is thrown away."""

    __slots__ = ()

    def save_for_backward(self, *arrays):
        pass

    def __setattr__(self, name, value):
        pass


_NO_CTX = _NoCtx()


class OpNode(Node):
    """The ``grad_fn`` of a built-in op; its class name (e.g. ``MulBackward0``) matches torch."""

    op = None  # the Op subclass this node differentiates

    def name(self):
        return self.op.torch_name or type(self).__name__

    @property
    def saved_arrays(self):
        """``saved_tensors``' arrays, for ``backward_arrays``: the same version check, and a
        saved output is not re-attached (no tensor is made)."""
        saved = self._saved
        if saved is None or saved is _FREED:
            return self.saved_tensors  # () or the freed-graph error
        arrays = []
        for t, version in saved:
            if t is None:
                arrays.append(None)
                continue
            if type(t) is _SavedOutput:
                counter, array = t.version_counter, t.array
            else:
                counter, array = t._version_counter, t._array
            if counter[0] != version:
                return self.saved_tensors  # raises torch's "modified by an inplace operation"
            arrays.append(array)
        return arrays

    def apply(self, *grads):
        grads = self.op.backward(self, *grads)
        if type(grads) is not tuple:
            grads = (grads,)
        fitted = []
        for g, meta, needed in zip(grads, self._input_meta, self.needs_input_grad):
            if g is None or not needed:
                fitted.append(None)
            else:
                if g._array.shape != meta[0]:  # broadcast in forward: sum it back
                    g = _sum_to_size(g, meta[0])
                fitted.append(g if g._array.dtype is meta[1] else fit_gradient(g, meta))
        return tuple(fitted)

    def _apply_arrays(self, *grads):
        """``apply`` on arrays: ``op.backward_arrays``, each gradient fitted to its input."""
        grads = self.op.backward_arrays(self, *grads)
        if type(grads) is not tuple:
            grads = (grads,)
        fitted = []
        for g, (shape, dtype), needed in zip(grads, self._input_meta, self.needs_input_grad):
            if g is None or not needed:
                fitted.append(None)
                continue
            if type(g) is not np.ndarray:  # a NumPy scalar (ufuncs return them for 0-d inputs)
                g = _wrap(g)._array
            if g.shape != shape:
                g = SumToSize.forward(_NO_CTX, g, shape)
            fitted.append(g if g.dtype is dtype else g.astype(dtype))
        return tuple(fitted)

    apply_arrays = None  # _apply_arrays for ops that define backward_arrays (Op.__init_subclass__)


def _sum_to_size(grad, shape):
    """``grad.sum_to_size(shape)`` without its argument checks: broadcasting made the shapes
    (``fit_gradient`` is the general version; this one runs for every bias gradient)."""
    return SumToSize.run((grad,), (grad._array,), {"shape": shape})


class Op:
    """Base of built-in ops: ``forward(ctx, *arrays, **params) -> array``, ``backward(ctx, grad)``.

    ``backward`` returns one gradient per tensor input (``None`` where there is none) with
    the *output's* broadcast shape; ``OpNode.apply`` reduces it to the input's shape.
    ``ctx.save_for_backward`` takes the arrays forward saw (or returned); ``saved_tensors``
    gives back the matching tensors, version-checked.
    """

    node_name = None   # the grad_fn class name, when it is not f"{ClassName}Backward0"
    torch_name = None  # what name() returns, when torch's differs from the class name

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("node_name") or f"{cls.__name__}Backward0"
        # an array form counts only next to (or below) the backward it mirrors: a subclass that
        # overrides backward does not inherit its parent's array form
        arrays_in, backward_in = _defined_in(cls, "backward_arrays"), _defined_in(cls, "backward")
        arrays = arrays_in is not None and backward_in is not None and issubclass(arrays_in,
                                                                                  backward_in)
        cls._node_class = type(name, (OpNode,), {
            "op": cls, "apply_arrays": OpNode._apply_arrays if arrays else None})

    @classmethod
    def apply(cls, *inputs, **params):
        return cls.run(inputs, list(map(_array_of, inputs)), params)

    @classmethod
    def run(cls, inputs, arrays, params):
        """Run forward on ``arrays`` (``inputs``' data, maybe cast) and record the graph if needed."""
        if _State.enabled:
            for t in inputs:
                if t._requires_grad:
                    return cls._record(inputs, arrays, params)
        return _wrap(cls.forward(_NO_CTX, *arrays, **params))

    @classmethod
    def _record(cls, inputs, arrays, params):
        node = cls._node_class()
        result = cls.forward(node, *arrays, **params)
        out = _wrap(result)
        # per input: its edge (``edge_of``), whether it needs a gradient, its (shape, dtype).
        # ``edge_of`` is written out for the usual input, an op's output or a constant: this
        # runs for every input of every recorded op.
        edges, needs, meta = [], [], []
        for t in inputs:
            fn = t._grad_fn
            if t._base is not None or (fn is None and t._requires_grad):  # a view, a leaf
                edges.append(edge_of(t))
            else:
                edges.append((fn, t._output_nr) if fn is not None else _NO_EDGE)
            needs.append(t._requires_grad)
            array = t._array
            meta.append((array.shape, array.dtype))
        node.next_functions, node.needs_input_grad, node._input_meta = (
            tuple(edges), tuple(needs), tuple(meta))
        if out._array.dtype.kind == "f":
            out._grad_fn = node
            out._requires_grad = True
        saved = node._saved
        if saved is not None:
            entries = []
            for array in saved:
                entry = None
                if type(array) not in _NUMBER_TYPES:  # the usual case, an input (_saved_entry's)
                    for t, a in zip(inputs, arrays):
                        if array is a:
                            entry = (t, t._version_counter[0])
                            break
                entries.append(entry or _saved_entry(array, inputs, arrays, result, out))
            node._saved = tuple(entries)
        return out


_NO_EDGE = (None, 0)
_NUMBER_TYPES = (int, float, bool)  # a Python-number operand (see _promote.binary)


def _defined_in(cls, name):
    """The class in ``cls``'s MRO whose body defines ``name`` (None if none does)."""
    return next((klass for klass in cls.__mro__ if name in klass.__dict__), None)


def _saved_entry(array, inputs, arrays, result, out):
    """What a node keeps of an array forward saved: ``(tensor, its version now)``
    (``autograd.function.saved_entry``), the tensor found by the array's identity.

    ``result`` is what forward returned: for 0-d inputs NumPy returns a scalar, which
    ``_wrap`` turns into a new array, so the saved output is recognised by ``result``.
    """
    if array is None:
        return (None, 0)
    if type(array) in _NUMBER_TYPES:  # a Python-number operand (see _promote.binary)
        # typed as the output, as the op used it: on arrays (backward_arrays) a float64 0-d
        # number would make a float32 gradient float64, where a tensor op keeps float32
        dtype = out._array.dtype if out._array.dtype.kind == "f" else None
        return (_wrap(np.asarray(array, dtype)), 0)
    for t, a in zip(inputs, arrays):
        if array is a:
            return (t, t._version_counter[0])
    if array is result or array is out._array:
        if out._grad_fn is None:  # not differentiable (an integer output): no cycle to break
            return (out, out._version_counter[0])
        return (_SavedOutput(out), out._version_counter[0])
    return (_wrap(array), 0)


from .shape import SumToSize  # noqa: E402  (shape.py builds on Op: import it once Op exists)
