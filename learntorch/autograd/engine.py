"""The backward engine: walk the graph from the outputs to the leaves, without recursion.

1. Count, for every node reachable from the roots, how many edges point at it.
2. Start from the roots; a node runs once all the gradients flowing into it have
   arrived (its count reaches zero), so each node runs exactly once.
3. Leaves' ``AccumulateGrad`` nodes add into ``.grad``; ``autograd.grad`` instead
   captures the gradient of the requested inputs and touches no ``.grad``.

Backward formulas run with grad mode off (no graph is built for them) unless
``create_graph=True``, which makes the gradients themselves differentiable.

Without ``create_graph`` nothing needs the gradients to be tensors, so they flow from node
to node as raw arrays, and nodes whose op has an array form of its backward
(``ops/_op.py``) run it directly.  Gradients become tensors only where something needs
one: a hook, ``retain_grad``, ``autograd.grad``'s targets, a node whose backward is
written in tensor ops only, and a leaf's ``.grad``.  The simple version passes tensors
everywhere; a tensor op costs a few microseconds more than its NumPy call, and a training
step's backward runs dozens of them.
"""
import sys
import types

import numpy as np

from .. import _tensor  # a module reference: _tensor imports this package before Tensor exists
from .._flags import _Flags
from .anomaly_mode import check_nan
from .function import _FREED, AccumulateGrad
from .grad_mode import _State


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """``autograd.backward``: accumulate gradients of ``tensors`` into the leaves' ``.grad``."""
    if grad_tensors is None and inputs is None and not create_graph and \
            isinstance(tensors, _tensor.Tensor) and tensors._grad_fn is not None \
            and tensors._requires_grad and tensors._array.size == 1:  # loss.backward(): the checks below, all passed
        slots = [None] * tensors._grad_fn._num_outputs
        slots[tensors._output_nr] = _ones_like(tensors._array)
        _execute([tensors._grad_fn], {tensors._grad_fn: slots}, bool(retain_graph), False,
                 None, None)
        return
    tensors = _as_tuple(tensors)
    grad_tensors = _make_grads(tensors, _as_tuple(grad_tensors, len(tensors)))
    if retain_graph is None:
        retain_graph = create_graph
    targets = None
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        targets = {_target_key(t): t for t in inputs}
    _run(tensors, grad_tensors, retain_graph, create_graph, targets, capture=None)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """``autograd.grad``: the gradients of ``outputs`` w.r.t. ``inputs``, without touching ``.grad``."""
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grad_outputs = _make_grads(outputs, _as_tuple(grad_outputs, len(outputs)))
    if retain_graph is None:
        retain_graph = create_graph
    captured = {}
    targets = {_target_key(t): t for t in inputs}
    _run(outputs, grad_outputs, retain_graph, create_graph, targets, capture=captured)
    result = []
    for i, t in enumerate(inputs):
        g = captured.get(_target_key(t))
        if g is None:
            if materialize_grads:
                from .. import ops
                g = ops.zeros_like(t)
            elif not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been "
                                   "used in the graph. Set allow_unused=True if this is the desired "
                                   "behavior.")
        result.append(g)
    return tuple(result)


# ---------------------------------------------------------------------------------------
def _as_tuple(x, n=None):
    if x is None:
        return (None,) * n if n is not None else ()
    if isinstance(x, (tuple, list)):
        return tuple(x)
    return (x,)


def _make_grads(outputs, grads):
    """The starting gradients: ``ones`` for scalar outputs, else the caller's, shape-checked."""
    if len(grads) != len(outputs):
        raise RuntimeError("grad can be implicitly created only for scalar outputs" if not grads else
                           f"Mismatch in number of gradients: expected {len(outputs)}, got {len(grads)}")
    result = []
    for out, g in zip(outputs, grads):
        if not out._requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if out._array.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = _tensor.Tensor._make(_ones_like(out._array))
        else:
            if not hasattr(g, "_array"):
                g = _tensor._ops.tensor(g, dtype=out.dtype, device=out.device)
            if g.shape != out.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of {g.shape} and "
                                   f"output[0] has a shape of {out.shape}.")
        result.append(g)
    return result


def _ones_like(array):
    """``np.ones_like``; for the usual 0-d loss ``np.array(1, dtype)``, 5x quicker."""
    if array.ndim == 0 and type(array) is np.ndarray:
        return np.array(1, array.dtype)
    return np.ones_like(array)


def _target_key(t):
    """Where the gradient of ``t`` can be caught: its AccumulateGrad, or (grad_fn, output_nr)."""
    if t._grad_fn is None:
        return (t._accumulator(), 0)
    return (t._grad_fn, t._output_nr)


def _root_edge(t):
    if t._grad_fn is not None:
        return t._grad_fn, t._output_nr
    return t._accumulator(), 0


def _count_dependencies(roots):
    """Number of incoming edges of every node reachable from ``roots`` (iterative DFS)."""
    deps = {}
    stack = list(dict.fromkeys(roots))  # two outputs of one node are one root, counted once
    # a node is walked the first time an edge reaches it (it enters deps then); roots are
    # walked from the start, so one reached from another root is not walked again (a graph
    # has no cycles: a single root is never reached)
    roots = set(stack) if len(stack) > 1 else ()
    while stack:
        for child, _ in stack.pop().next_functions:
            if child is not None:
                if child in deps:
                    deps[child] += 1
                else:
                    deps[child] = 1
                    if child not in roots:
                        stack.append(child)
    return deps


def _needed(roots, deps, targets):
    """With explicit inputs, only nodes on a path to one of them need to run."""
    target_nodes = {key[0] for key in targets}
    needed = set()
    for node in reversed(_topological(roots, deps)):
        if node in target_nodes or any(c in needed for c, _ in node.next_functions):
            needed.add(node)
    return needed


def _topological(roots, deps):
    """Nodes in an order where each comes after every node that sends it a gradient."""
    remaining = dict(deps)
    ready = [n for n in dict.fromkeys(roots) if n not in remaining]
    order = []
    while ready:
        node = ready.pop()
        order.append(node)
        for child, _ in node.next_functions:
            if child is not None:
                remaining[child] -= 1
                if remaining[child] == 0:
                    ready.append(child)
    return order


def _run(outputs, grads, retain_graph, create_graph, targets, capture):
    as_arrays = not create_graph  # what the buffers hold: arrays, or tensors (see the top)
    buffers = {}
    roots = []
    for out, g in zip(outputs, grads):
        node, nr = _root_edge(out)
        roots.append(node)
        _add_to_buffer(buffers, node, nr, g._array if as_arrays else g)
    _execute(roots, buffers, retain_graph, create_graph, targets, capture)


def _execute(roots, buffers, retain_graph, create_graph, targets, capture):
    """Run the graph behind ``roots``, whose gradients are in ``buffers`` already."""
    as_arrays = not create_graph
    deps = _count_dependencies(roots)
    needed = _needed(roots, deps, targets) if targets is not None else None

    plain = as_arrays and targets is None and not _Flags.anomaly  # _run_plain may serve
    prev, _State.enabled = _State.enabled, create_graph
    try:
        ready = [n for n in dict.fromkeys(roots) if n not in deps]
        while ready:
            node = ready.pop()
            grads_in = buffers.pop(node, None)
            if grads_in is not None and (needed is None or node in needed):
                if type(node) is AccumulateGrad and targets is None and not node.variable._hooks:
                    if as_arrays:  # the common leaf case
                        _accumulate_array(node.variable, grads_in[0])
                    else:
                        _accumulate(node.variable, grads_in[0], create_graph)
                    grads_in = None  # the leaf's .grad may be this array: hold no reference
                elif plain and len(grads_in) == 1 and getattr(node, "apply_arrays", None) \
                        and not (node._hooks or node._pre_hooks or node._tensor_hooks
                                 or node._retained):
                    _run_plain(node, grads_in[0], buffers, deps, ready, retain_graph)
                    continue  # _run_plain counted the children down
                else:
                    _run_node(node, grads_in, buffers, retain_graph, create_graph, targets, capture)
            for child, _ in node.next_functions:
                if child is not None:
                    left = deps[child] - 1
                    deps[child] = left
                    if left == 0:
                        ready.append(child)
    finally:
        _State.enabled = prev


def _run_node(node, grads, buffers, retain_graph, create_graph, targets, capture):
    """Run ``node`` on the gradients of its outputs, ``grads`` (arrays unless create_graph;
    the list is the engine's own), and send the results on to the nodes they belong to."""
    as_tensors = create_graph  # what ``grads`` holds now
    if node._tensor_hooks or node._retained or node._pre_hooks or targets is not None \
            or type(node) is AccumulateGrad:  # one test keeps these rare cases off the hot path
        if not as_tensors:
            as_tensors = _wrap_grads(grads)
        grads = _before_node(node, grads, create_graph, targets, capture)
        if grads is None:
            return
    if len(grads) > 1:
        if all(g is None for g in grads):
            return
        if any(g is None for g in grads):
            if not as_tensors:
                as_tensors = _wrap_grads(grads)
            grads = _materialize(node, grads)
    apply_arrays = None if create_graph else getattr(node, "apply_arrays", None)
    if apply_arrays is not None and not node._hooks and not _Flags.anomaly:
        grad_inputs = apply_arrays(*(_arrays(grads) if as_tensors else grads))
    else:
        if not as_tensors:
            _wrap_grads(grads)
        grad_inputs = node.apply(*grads)
        if _Flags.anomaly and _Flags.anomaly_check_nan:
            check_nan(node, grad_inputs)
        if node._hooks:
            for hook in node._hooks:
                new = hook(grad_inputs, tuple(grads))
                if new is not None:
                    grad_inputs = tuple(new)
        if not create_graph:
            grad_inputs = _arrays(grad_inputs)
    if not retain_graph and node._saved is not None:
        node._saved = _FREED  # node._release(), written out: this runs for every node
    for (child, nr), g in zip(node.next_functions, grad_inputs):
        if g is not None and child is not None:
            slots = buffers.get(child)  # _add_to_buffer, written out: this runs for every edge
            if slots is None:
                buffers[child] = slots = [None] * child._num_outputs
            slots[nr] = g if slots[nr] is None else slots[nr] + g


def _run_plain(node, grad, buffers, deps, ready, retain_graph):
    """``_run_node`` and the count-down of ``_run`` for the usual node: an op with an array
    form of its backward, one output, no hooks, no ``autograd.grad`` targets.  One pass over
    its inputs fits each gradient to its input (``OpNode._apply_arrays``), sends it on
    (``_add_to_buffer``) and counts the child down.

    The simple version is ``_run_node`` then the loop in ``_run``; this one exists because it
    runs for every node of every backward, and the three loops over the inputs it merges cost
    more than the NumPy calls of a small layer's backward.
    """
    grads = node.op.backward_arrays(node, grad)
    if type(grads) is not tuple:
        grads = (grads,)
    if not retain_graph and node._saved is not None:
        node._saved = _FREED  # node._release(), written out
    # an input that needs no gradient has no child (edge_of), so the child decides alone
    for (child, nr), g, (shape, dtype) in zip(node.next_functions, grads, node._input_meta):
        if child is None:
            continue
        if g is not None:
            if type(g) is not np.ndarray:  # a NumPy scalar (ufuncs return them for 0-d inputs)
                g = np.asanyarray(g)
            if g.shape != shape:  # broadcast in forward: sum it back
                g = _summed_to(g, shape)
            if g.dtype is not dtype:
                g = g.astype(dtype)
            slots = buffers.get(child)
            if slots is None:
                buffers[child] = slots = [None] * child._num_outputs
            slots[nr] = g if slots[nr] is None else slots[nr] + g
        left = deps[child] - 1
        deps[child] = left
        if left == 0:
            ready.append(child)


def _summed_to(g, shape):
    """A gradient broadcast in forward, summed back to its input's ``shape`` (on arrays)."""
    return _tensor._ops.shape.SumToSize.forward(_tensor._ops._op._NO_CTX, g, shape)


def _wrap_grads(grads):
    """Arrays to tensors, in the engine's own list (so nothing else holds the arrays)."""
    for i, g in enumerate(grads):
        if g is not None:
            grads[i] = _tensor.Tensor._make(g)
    return True


def _arrays(grads):
    return [None if g is None else g._array for g in grads]


def _before_node(node, grads, create_graph, targets, capture):
    """Tensor hooks, pre-hooks and ``autograd.grad``'s targets; a leaf's accumulation.
    Returns the gradients the node's backward gets, or None when there is nothing left to run."""
    if node._tensor_hooks or node._retained or type(node) is AccumulateGrad:
        grads = _call_tensor_hooks(node, grads, shared=capture is not None)
    if node._pre_hooks:
        for hook in node._pre_hooks:
            new = hook(tuple(grads))
            if new is not None:
                grads = list(new)
    if targets is not None:
        for nr, g in enumerate(grads):
            key = (node, nr)
            if key in targets and g is not None:
                if capture is not None:
                    capture[key] = g
                elif type(node) is not AccumulateGrad:
                    _accumulate(targets[key], g, create_graph)
        if capture is not None and type(node) is AccumulateGrad:
            return None
    if type(node) is AccumulateGrad:
        if grads[0] is not None and (targets is None or (node, 0) in targets):
            _accumulate(node.variable, grads[0], create_graph)
        return None
    return grads


def _call_tensor_hooks(node, grads, shared=False):
    """Hooks from ``register_hook``/``retain_grad`` see the full gradient of that tensor.
    ``shared``: ``autograd.grad`` returns these gradients too, so a retained ``.grad`` gets
    a copy (a later backward adds into ``.grad`` in place)."""
    if type(node) is AccumulateGrad:
        hooks = node.variable._hooks
        if hooks and grads[0] is not None:
            for hook in list(hooks):
                new = hook(grads[0])
                if new is not None:
                    grads = [new]
        return grads
    if node._tensor_hooks:
        grads = list(grads)
        for nr, hooks in node._tensor_hooks.items():
            for hook in list(hooks):
                if grads[nr] is not None:
                    new = hook(grads[nr])
                    if new is not None:
                        grads[nr] = new
    if node._retained:
        for nr, ref in node._retained.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                g = _fresh(grads[nr]) if shared and not _State.enabled else grads[nr]
                _accumulate(t, g, create_graph=_State.enabled)
    return grads


def _materialize(node, grads):
    """Multi-output nodes get zeros for outputs that received no gradient."""
    if all(g is not None for g in grads):
        return grads
    if not getattr(node, "materialize_grads", True):
        return grads
    from .. import ops
    outputs_meta = node._output_meta
    return [g if g is not None else ops.zeros(outputs_meta[i][0], dtype=outputs_meta[i][1])
            for i, g in enumerate(grads)]


def _add_to_buffer(buffers, node, nr, g):
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * node._num_outputs
    slots[nr] = g if slots[nr] is None else slots[nr] + g


def _accumulate(variable, g, create_graph):
    """``variable.grad += g``: in place when possible, ``g`` itself or a copy the first time."""
    if variable._grad_dtype is not _tensor._dtype and variable._grad_dtype is not None \
            and g.dtype is not variable._grad_dtype:  # grad_dtype set: cast as torch's engine
        g = g.to(variable._grad_dtype)
    if variable._grad is None:
        refs = sys.getrefcount(g), sys.getrefcount(g._array)  # as _counts_in_accumulate counts
        variable._grad = g if create_graph or _unshared(g, refs) else _fresh(g)
    elif create_graph:
        variable._grad = variable._grad + g
    else:
        variable._grad._array += g._array
    if variable._post_accumulate_grad_hooks:
        _call_post_accumulate_hooks(variable)


def _accumulate_array(variable, g):
    """``_accumulate`` for a gradient flowing as an array (no create_graph): ``.grad`` wraps
    ``g`` itself when nothing else holds it (see ``_unshared``), else a copy."""
    grad_dtype = variable._grad_dtype
    if grad_dtype is not _tensor._dtype and grad_dtype is not None and g.dtype != grad_dtype.np:
        g = g.astype(grad_dtype.np)  # grad_dtype set: cast as torch's engine
    if variable._grad is None:
        owned = sys.getrefcount(g) <= _ALONE_ARRAY and _owns_memory(g)  # as _array_refs counts
        variable._grad = _tensor.Tensor._make(g if owned else g.copy())
    else:
        variable._grad._array += g
    if variable._post_accumulate_grad_hooks:
        _call_post_accumulate_hooks(variable)


def _call_post_accumulate_hooks(variable):
    """``register_post_accumulate_grad_hook``: each hook sees the leaf once its .grad is final."""
    for hook in list(variable._post_accumulate_grad_hooks):
        result = hook(variable)
        if result is not None:
            raise TypeError(f"expected Variable, but hook returned '{type(result).__name__}'")


def _fresh(g):
    """A copy of ``g`` that no one else holds (the same gradient may reach several leaves)."""
    return _tensor.Tensor._make(g._array.copy())


def _unshared(g, refs):
    """True when ``.grad`` may be ``g`` itself: the engine's list is all that holds ``g`` and
    its array (``refs``: their reference counts as ``_accumulate`` sees them) and ``g`` owns
    C-contiguous, writable memory.

    The simple version always takes ``_fresh(g)``.  Like torch, we skip that copy when no one
    could see the difference: copying a weight-sized gradient every step is a pass over memory
    the NumPy floor does not make.
    """
    return refs[0] <= _ALONE[0] and refs[1] <= _ALONE[1] and _owns_memory(g._array)


def _owns_memory(array):
    """A NumPy array that is no view and may be written: C-contiguous, writable, no base."""
    return (type(array) is np.ndarray and array.base is None and array.flags.c_contiguous
            and array.flags.writeable)


def _counts_in_accumulate(variable, g, create_graph):
    return sys.getrefcount(g), sys.getrefcount(g._array)  # the same calls as _accumulate's


def _array_refs(variable, g):
    return sys.getrefcount(g)  # the same call as _accumulate_array's


def _alone():
    """The counts ``_accumulate`` and ``_accumulate_array`` see for a gradient held only by
    the engine's list (measured: interpreters count their own references differently)."""
    grads = [types.SimpleNamespace(_array=np.zeros(1))]
    arrays = [np.zeros(1)]
    return _counts_in_accumulate(None, grads[0], False), _array_refs(None, arrays[0])


_ALONE, _ALONE_ARRAY = _alone()


class _Switch:
    """A context manager (and decorator) that records an engine setting learntorch's engine
    does not need: it runs single-threaded and accumulates gradients in the parameter's layout."""

    def __init__(self, mode=True):
        self.mode = bool(mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, function):
        def wrapper(*args, **kwargs):
            with self:
                return function(*args, **kwargs)
        return wrapper


class set_multithreading_enabled(_Switch):
    """torch runs backward on one thread per device; learntorch always runs it on one thread."""


class enforce_grad_layout_policy(_Switch):
    """torch can relax its gradient-layout contract; learntorch's gradients always match."""
