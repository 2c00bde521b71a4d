"""Graph nodes and the two ways to make them.

* ``Node`` is a ``grad_fn``: one backward step.  It is also the ``ctx`` its forward
  filled in, exactly as in torch (``y.grad_fn.saved_tensors`` …).
* ``learntorch.ops._op.Op`` is how learntorch's own ops are written (forward on arrays).
* ``Function`` is torch's public ``autograd.Function`` for user-defined ops:
  ``forward`` works on tensors.
"""
import functools
import inspect
import warnings
import weakref

from .._dtype import from_numpy_dtype, legacy_type_name
from .grad_mode import _State

_FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward.")


class Node:
    """A ``grad_fn``: turns the gradient of its outputs into gradients of its inputs."""

    # Class-level defaults: a node only stores what it actually has (nodes are made per op).
    next_functions = ()
    needs_input_grad = ()
    _saved = None          # tuple of saved_entry(tensor, node), or _FREED
    _input_meta = None     # per input: (shape, numpy dtype) its gradient must have
    _num_outputs = 1
    _hooks = None
    _pre_hooks = None
    _tensor_hooks = None   # {output_nr: [hook]} from Tensor.register_hook
    _retained = None       # {output_nr: weakref to a tensor that called retain_grad()}

    # -- the ctx interface ---------------------------------------------------------------
    def save_for_backward(self, *tensors):
        self._saved = tensors

    @property
    def saved_tensors(self):
        """What forward saved, version-checked; this node's own outputs are re-attached to it
        (see ``_SavedOutput``)."""
        saved = self._saved
        if saved is _FREED:
            raise RuntimeError(_FREED_MESSAGE)
        if saved is None:
            return ()
        out = []
        for tensor, version in saved:
            output_of = None
            if type(tensor) is _SavedOutput:
                output_of = (self, tensor.output_nr)
                tensor = tensor.unpack(self)
            if tensor is not None and tensor._version_counter[0] != version:
                raise RuntimeError(_modified_message(tensor, version, output_of))
            out.append(tensor)
        return tuple(out)

    def _release(self):
        """Free what forward saved: backward without retain_graph cannot run here again."""
        if self._saved is not None:
            self._saved = _FREED

    # -- what torch shows ----------------------------------------------------------------
    def name(self):
        return type(self).__name__

    @property
    def metadata(self):
        return self.__dict__.setdefault("_metadata", {})

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node; may return new grad_inputs."""
        if self._hooks is None:
            self._hooks = []
        return _RemovableHandle(self._hooks, fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node; may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        return _RemovableHandle(self._pre_hooks, fn)

    def __call__(self, *grads):
        return self.apply(*grads)

    def apply(self, *grads):
        raise NotImplementedError(f"{self.name()} does not define apply")  # pragma: no cover

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"


_FREED = object()


def saved_entry(tensor, node):
    """What ``node`` keeps of a saved tensor: the tensor (an output of ``node`` itself as a
    ``_SavedOutput``) and its version right now."""
    if tensor is None:
        return (None, 0)
    if tensor._grad_fn is node:
        return (_SavedOutput(tensor), tensor._version_counter[0])
    return (tensor, tensor._version_counter[0])


class _SavedOutput:
    """How a node keeps an output it saved: its array and version counter, and only a weak
    reference to the output tensor itself.

    The simple version saves the tensor, but the tensor's ``grad_fn`` is this node: the two
    would form a cycle that only the garbage collector frees, keeping every activation of a
    dropped graph alive until it runs.  torch breaks the cycle the same way (SavedVariable
    stores an output without its grad_fn and re-attaches the node when unpacked).
    """

    __slots__ = ("ref", "array", "version_counter", "output_nr")

    def __init__(self, out):
        self.ref = weakref.ref(out)
        self.array, self.version_counter, self.output_nr = (
            out._array, out._version_counter, out._output_nr)

    def unpack(self, node):
        """The output while it lives; after that a new tensor with the same data and history."""
        out = self.ref()
        if out is None:
            from .._tensor import Tensor
            out = Tensor._make(self.array)
            out._version_counter, out._grad_fn, out._requires_grad = (
                self.version_counter, node, True)
            if self.output_nr:
                out._output_nr = self.output_nr
        return out


def forward_name(node):
    """What torch's messages call a node: its op, ``MulBackward0`` -> ``Mul``."""
    return node.name().rstrip("0123456789").removesuffix("Backward")


def _modified_message(tensor, version, output_of=None):
    """torch's error for a saved tensor changed in place since.  ``output_of``: ``(node,
    output_nr)`` when the node saved it as its own output (torch names that node); otherwise
    torch names the tensor's grad_fn as it is now."""
    output_nr = tensor._output_nr
    if output_of is not None:
        node, output_nr = output_of
        name = forward_name(node)
    elif tensor._base is not None and tensor._view_version != tensor._version_counter[0] \
            and tensor._base._requires_grad and tensor._view_kind is None:
        name = "AsStrided"  # the history torch rebuilds for a view whose base changed
    else:
        name = tensor._grad_fn and forward_name(tensor._grad_fn)
    shape = "[" + ", ".join(str(s) for s in tensor.shape) + "]"
    where = f", which is output {output_nr} of {name}," if name else ""
    return (
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [{legacy_type_name(tensor.dtype)} {shape}]{where} is at version "
        f"{tensor._version_counter[0]}; expected version {version} instead. Hint: enable anomaly "
        "detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).")


def fit_gradient(grad, meta):
    """Reduce a broadcast gradient to its input's shape and dtype: the one place this happens."""
    if grad is None:
        return None
    shape, np_dtype = meta
    if grad._array.shape != shape:
        grad = grad.sum_to_size(shape)
    if grad._array.dtype != np_dtype:
        grad = grad.to(from_numpy_dtype(np_dtype))
    return grad


class _RemovableHandle:
    """What ``register_hook`` returns: ``handle.remove()`` takes the hook off again."""

    def __init__(self, hooks, fn):
        self._hooks = hooks
        self._fn = fn
        hooks.append(fn)

    def remove(self):
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)


class AccumulateGrad(Node):
    """The node behind a leaf: adds the incoming gradient into ``variable.grad``."""

    def name(self):
        return "torch::autograd::AccumulateGrad"  # torch's C++ name, as torch prints it

    def __init__(self, variable):
        self.variable = variable


def edge_of(tensor):
    """Where a gradient for ``tensor`` must be sent: ``(node, output_nr)`` or ``(None, 0)``."""
    if tensor._base is not None and tensor._view_version != tensor._version_counter[0]:
        from ..ops._mutation import refresh_view  # its base changed in place since it was taken
        refresh_view(tensor)
    if tensor._grad_fn is not None:
        return (tensor._grad_fn, tensor._output_nr)
    if tensor._requires_grad:
        if tensor._view_kind is not None and tensor._base._requires_grad:
            return (None, 0)  # a view taken in no-grad mode: it requires grad, its base gets none
        return (tensor._accumulator(), 0)
    return (None, 0)


# ---------------------------------------------------------------------------------------
# Function: torch's public API for user-defined ops
# ---------------------------------------------------------------------------------------
class BackwardCFunction(Node):
    """The ``grad_fn`` of a custom Function ``F``; its class is named ``FBackward``."""

    _forward_cls = None
    _has_non_tensor_outputs = False

    def __init__(self):
        self._non_differentiable = ()
        self._dirty = ()
        self._to_save = None
        self.materialize_grads = True

    def save_for_backward(self, *tensors):
        self._to_save = tensors  # kept once forward is done, as torch does (see Function.apply)

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable = tensors

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def set_materialize_grads(self, value):
        self.materialize_grads = value

    def apply(self, *grads):
        name = self.name()
        cls = self._forward_cls
        if cls.backward is not Function.backward and cls.vjp is not Function.vjp:
            raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is "
                               "not allowed. You should only implement one of them.")
        if self._has_non_tensor_outputs:  # torch passes them None, never zeros
            grads = [None if meta[1] is None else g for g, meta in zip(grads, self._output_meta)]
        grads = (cls.vjp if cls.vjp is not Function.vjp else cls.backward)(self, *grads)
        if type(grads) is not tuple:
            grads = (grads,)
        if len(grads) < len(self.next_functions) or (
                len(grads) > len(self.next_functions)
                and any(g is not None for g in grads[len(self.next_functions):])):
            raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                               f"(expected {len(self.next_functions)}, got {len(grads)})")
        for i, (g, meta) in enumerate(zip(grads, self._input_meta)):
            if g is not None and meta is not None and g.shape != meta[0]:
                if not _broadcastable_to(g.shape, meta[0]):
                    raise RuntimeError(
                        f"Function {name} returned an invalid gradient at index {i} - got "
                        f"{list(g.shape)} but expected shape compatible with {list(meta[0])}")
        return tuple(fit_gradient(g, meta) if meta is not None else None
                     for g, meta in zip(grads, self._input_meta))


def _broadcastable_to(shape, target):
    if len(shape) < len(target):
        return False
    extra = len(shape) - len(target)
    return all(s == 1 or s == t for s, t in zip(shape[extra:], target)) or \
        all(s == t or t == 1 for s, t in zip(shape[extra:], target))


class Function:
    """Define an op by its forward and backward; call it with ``MyFn.apply(x, …)``.

    ``forward(ctx, *args)`` receives tensors and runs without recording a graph;
    ``backward(ctx, *grad_outputs)`` returns one gradient per forward argument.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._backward_cls = type(f"{cls.__name__}Backward", (BackwardCFunction,),
                                 {"_forward_cls": cls})

    def __init__(self, *args, **kwargs):
        warnings.warn(f"{self.__class__} should not be instantiated. Methods on autograd functions "
                      "are all static, so you should invoke them on the class itself. "
                      "Instantiating an autograd function will raise an error in a future version "
                      "of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. "
                           "Please use new-style autograd function with static forward method. "
                           "(Example: https://pytorch.org/docs/stable/autograd.html"
                           "#torch.autograd.Function)")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode AD.")

    vjp = backward  # torch's other name for backward; a Function defines one of the two

    @staticmethod
    def setup_context(ctx, inputs, output):
        """The second style: ``forward(*args)`` without ctx, then ``setup_context(ctx, args,
        output)`` fills ctx in (``args`` with forward's defaults bound, as in torch)."""
        raise NotImplementedError("setup_context is not implemented.")

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor
        separate_setup = cls.setup_context is not Function.setup_context
        if separate_setup:
            args, kwargs = _bind_forward(cls, args, kwargs), {}
        node = cls._backward_cls()
        is_tensor = [isinstance(a, Tensor) for a in args]
        node.needs_input_grad = tuple(t and a._requires_grad for t, a in zip(is_tensor, args))
        executable = _State.enabled and any(node.needs_input_grad)
        if executable:  # the inputs' edges as they are before forward (it may change them in place)
            node.next_functions = tuple(edge_of(a) if t else (None, 0)
                                        for t, a in zip(is_tensor, args))
            node._input_meta = tuple((a._array.shape, a._array.dtype) if t else None
                                     for t, a in zip(is_tensor, args))
        prev, _State.enabled = _State.enabled, False
        try:
            if separate_setup:
                outputs = cls.forward(*args)
                cls.setup_context(node, args, outputs)
            else:
                outputs = cls.forward(node, *args, **kwargs)
        finally:
            _State.enabled = prev
        single = not isinstance(outputs, tuple)
        outs = _wrap_outputs(node, [a for t, a in zip(is_tensor, args) if t],
                             (outputs,) if single else outputs, executable)
        if executable and node._to_save is not None:
            node._saved = _saved_entries(node, node._to_save)
        node._to_save = None
        return outs[0] if single else outs


def _bind_forward(cls, args, kwargs):
    """The arguments ``setup_context`` sees: forward's, by position, with its defaults filled in.

    The signature is read once per class (``inspect.signature`` is slow); positional calls of a
    forward without ``*args``/keyword-only parameters take its defaults without binding."""
    cached = cls.__dict__.get("_forward_signature")
    if cached is None or cached[0] is not cls.forward:
        signature = inspect.signature(cls.forward)
        positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        params = signature.parameters.values()
        plain = all(p.kind in positional for p in params)
        defaults = tuple(p.default for p in params)
        cached = cls._forward_signature = (cls.forward, signature, plain, defaults)
    _, signature, plain, defaults = cached
    if plain and not kwargs and len(args) <= len(defaults) and \
            not any(d is inspect.Parameter.empty for d in defaults[len(args):]):
        return args + defaults[len(args):]
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    if bound.kwargs:  # torch's forward is then called without its keyword-only arguments
        raise TypeError(f"forward() got an unexpected keyword argument '{next(iter(bound.kwargs))}'")
    return bound.args


_DIRTY_NOT_RETURNED = ("Some elements marked as dirty during the forward method were not returned "
                       "as output. The inputs that are modified inplace must all be outputs of the "
                       "Function.")
_DIRTY_VIEW_MANY_OUTPUTS = (
    "If your Function modifies inplace an input that is a view of another Tensor, your Function "
    "cannot return more than one Tensor. This is not supported by the current autograd engine. "
    "You should either make sure the input is not a view (using .clone() for example) or make "
    "your Function only return one Tensor (potentially splitting it into two Functions: one doing "
    "the inplace that returns a single Tensor and a second one that does the other operations). "
    "You can ask on the forum https://discuss.pytorch.org/ if you need help to do this change.")


def _wrap_outputs(node, inputs, outs, executable):
    """Attach forward's outputs to ``node`` by torch's rules (custom_function.cpp):

    * an input returned as-is comes back as a new view of it (or detached, if not differentiable);
    * ``mark_non_differentiable`` outputs get no history; ``mark_dirty`` inputs (changed in place)
      take the node as their history, a view's base through CopySlices;
    * views returned are marked: changing them in place later is an error, as in torch.
    """
    from .._tensor import Tensor
    from ..ops._mutation import rebase_view
    dirty = node._dirty
    for d in dirty:
        if not any(d is a for a in inputs):
            warnings.warn("ctx.mark_dirty() received a tensor that was not an input. Only input "
                          "Tensors that have been mutated should be passed to ctx.mark_dirty().",
                          UserWarning, stacklevel=3)
        d._version_counter[0] += 1
        if not any(d is o for o in outs):
            raise RuntimeError(_DIRTY_NOT_RETURNED)
    wired, differentiable_count = [], 0
    for i, out in enumerate(outs):
        if not isinstance(out, Tensor):
            wired.append(out)
            continue
        is_input = any(out is a for a in inputs)
        modified = any(out is d for d in dirty)
        differentiable = executable and out._array.dtype.kind in "fc" and not any(
            out is n for n in node._non_differentiable)
        if not differentiable:
            if not out._requires_grad:
                if is_input and not modified:
                    out = _view_of_self(out)
            elif is_input:
                out = out.detach()
            elif out._base is None:
                out.detach_()
        elif modified:
            _check_dirty(out, len(outs))
            if out._base is not None:
                result = Tensor._make(out._array)
                result._grad_fn, result._output_nr, result._requires_grad = node, i, True
                rebase_view(out, result)
            else:
                out._grad_fn, out._output_nr, out._requires_grad = node, i, True
        else:
            if is_input:
                out = _view_of_self(out)
            out._grad_fn, out._output_nr, out._requires_grad = node, i, True
        if out._base is not None and not (is_input and modified):
            out._view_kind = "custom"
        differentiable_count += differentiable
        wired.append(out)
    if differentiable_count > 1:  # several differentiable outputs: none of their views may change
        for out in wired:
            if isinstance(out, Tensor) and out._base is not None and out._grad_fn is not None:
                out._view_kind = "multi"
    node._num_outputs = len(outs)
    node._output_meta = [(o.shape, o.dtype) if isinstance(o, Tensor) else ((), None)
                         for o in wired]
    node._has_non_tensor_outputs = not all(isinstance(o, Tensor) for o in wired)
    return tuple(wired)


def _saved_entries(node, tensors):
    """``saved_entry`` of each tensor forward saved, once its outputs are attached to ``node``."""
    from .._tensor import Tensor
    for i, t in enumerate(tensors):
        if t is not None and not isinstance(t, Tensor):
            raise TypeError(f"save_for_backward can only save variables, but argument {i} is of "
                            f"type {type(t).__name__}")
    return tuple(saved_entry(t, node) for t in tensors)


def _view_of_self(tensor):
    """``tensor.view_as(tensor)`` taken in no-grad mode: what torch returns for an input."""
    prev, _State.enabled = _State.enabled, False
    try:
        return tensor.view_as(tensor)
    finally:
        _State.enabled = prev


def _check_dirty(tensor, num_outputs):
    if tensor._grad_fn is None and tensor._requires_grad:
        raise RuntimeError("a leaf Variable that requires grad has been used in an in-place "
                           "operation.")
    if tensor._base is not None:
        if tensor._base._grad_fn is None and tensor._base._requires_grad:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                               "in-place operation.")
        if num_outputs > 1:
            raise RuntimeError(_DIRTY_VIEW_MANY_OUTPUTS)


def once_differentiable(fn):
    """Decorator for a ``backward`` that cannot be differentiated again, as torch's: it runs in
    no-grad mode, and where a graph was asked for (``create_graph=True``), its gradients lead
    to a node that raises when backward reaches it."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        from .._tensor import Tensor
        prev, _State.enabled = _State.enabled, False
        try:
            outputs = fn(ctx, *args)
        finally:
            _State.enabled = prev
        if not prev or not any(isinstance(a, Tensor) and a._requires_grad for a in args):
            return outputs
        return _error_outputs("trying to differentiate twice a function that was marked with "
                              "@once_differentiable",
                              outputs if isinstance(outputs, tuple) else (outputs,))
    return wrapper


class _Error(Node):
    """torch's Error node: backward through it raises ``message``."""

    def __init__(self, message):
        self._message = message

    def name(self):
        return "torch::autograd::Error"

    def apply(self, *grads):
        raise RuntimeError(self._message)


def _error_outputs(message, tensors):
    """Aliases of ``tensors`` (None stays None) whose history is an ``_Error`` node."""
    from .._tensor import Tensor
    node = _Error(message)
    leaves = [None if t is None else t.detach().requires_grad_() for t in tensors]
    node.next_functions = tuple((None, 0) if t is None else edge_of(t) for t in leaves)
    node._num_outputs = len(leaves)
    node._output_meta = [((), None) if t is None else (t.shape, t.dtype) for t in leaves]
    outs = []
    for i, t in enumerate(leaves):
        if t is not None:
            t = Tensor._make(t._array)
            t._grad_fn, t._output_nr, t._requires_grad = node, i, True
        outs.append(t)
    return tuple(outs)
