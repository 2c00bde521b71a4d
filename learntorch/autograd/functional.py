"""``torch.autograd.functional``: Jacobians, Hessians and their products for a function of
tensors, built on ``autograd.grad``.

Every quantity is reverse mode: a Jacobian is one backward pass per output element, a
Jacobian-vector product the "double backward" trick (the vjp is linear in its cotangent ``u``, so
differentiating ``J^T u`` by ``u`` along ``v`` gives ``J v``). That is how torch computes
``jvp``/``hvp`` too; torch's ``vectorize=True`` batches the backward passes with vmap, which
changes the speed, not the numbers, so it is accepted and runs the same loop.
"""
from .. import ops
from .._tensor import Tensor
from .engine import grad as _grad
from .grad_mode import enable_grad


def _as_tuple(value, what, fn_name):
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for k, item in enumerate(items):
        if not isinstance(item, Tensor):
            if is_tuple:
                raise TypeError(f"The {what} given to {fn_name} must be either a Tensor or a "
                                f"tuple of Tensors but the value at index {k} has type "
                                f"{type(item)}.")
            raise TypeError(f"The {what} given to {fn_name} must be either a Tensor or a tuple of "
                            f"Tensors but the given {what} has type {type(item)}.")
    return is_tuple, items


def _prepare(inputs, create_graph):
    """Inputs the function sees: aliases that keep the caller's graph when ``create_graph`` is
    set (so the result can itself be differentiated), fresh leaves otherwise."""
    if create_graph:
        return tuple(x.view_as(x) if x.requires_grad else x.detach().requires_grad_(True)
                     for x in inputs)
    return tuple(x.detach().requires_grad_(True) for x in inputs)


def _finish(values, create_graph):
    return tuple(v if create_graph else v.detach() for v in values)


def _vjp(outputs, inputs, cotangents, create_graph):
    """``Σ_o cotangent_o · ∂o/∂input`` for each input, zeros where an input is not used."""
    pairs = [(o, c) for o, c in zip(outputs, cotangents) if o.requires_grad]
    if not pairs:
        return tuple(ops.zeros_like(x) for x in inputs)
    grads = _grad([o for o, _ in pairs], inputs, [c for _, c in pairs], retain_graph=True,
                  create_graph=create_graph, allow_unused=True)
    return tuple(ops.zeros_like(x) if g is None else g for g, x in zip(grads, inputs))


def _check_v(v, outputs, fn_name, what="outputs"):
    for k, (vi, oi) in enumerate(zip(v, outputs)):
        if vi.shape != oi.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{k}] has a shape of "
                               f"{tuple(vi.shape)} and output[{k}] has a shape of "
                               f"{tuple(oi.shape)}." if what == "outputs" else
                               f"The given v should have the same shape as the {what}. Got "
                               f"{tuple(vi.shape)} and {tuple(oi.shape)}.")


def _ones_for_scalar(outputs, fn_name):
    if len(outputs) != 1 or outputs[0].numel() != 1:
        raise RuntimeError("The vector v can only be None if the user-provided function returns "
                           "a single Tensor with a single element.")
    return (ops.ones_like(outputs[0]),)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), vᵀ J)``."""
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph)
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                       "vjp")
        if v is None:
            v = _ones_for_scalar(outputs, "vjp")
        else:
            _, v = _as_tuple(v, "v", "vjp")
            _check_v(v, outputs, "vjp")
        result = _vjp(outputs, inputs, v, create_graph)
    outputs, result = _finish(outputs, create_graph), _finish(result, create_graph)
    return (outputs if out_tuple else outputs[0]), (result if in_tuple else result[0])


def _jvp_core(outputs, inputs, v, create_graph):
    """``J v`` by differentiating ``Jᵀ u`` with respect to a dummy ``u``."""
    dummies = tuple(ops.zeros_like(o).requires_grad_(True) for o in outputs)
    transposed = _vjp(outputs, inputs, dummies, create_graph=True)
    pairs = [(t, vi) for t, vi in zip(transposed, v) if t.requires_grad]
    if not pairs:
        return tuple(ops.zeros_like(o) for o in outputs)
    grads = _grad([t for t, _ in pairs], dummies, [vi for _, vi in pairs], retain_graph=True,
                  create_graph=create_graph, allow_unused=True)
    return tuple(ops.zeros_like(o) if g is None else g for g, o in zip(grads, outputs))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)``."""
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph)
        if v is None:
            if len(inputs) != 1 or inputs[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the input to the "
                                   "user-provided function is a single Tensor with a single "
                                   "element.")
            v = (ops.ones_like(inputs[0]),)
        else:
            _, v = _as_tuple(v, "v", "jvp")
            _check_v(v, inputs, "jvp", what="inputs")
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                       "jvp")
        result = _jvp_core(outputs, inputs, v, create_graph)
    outputs, result = _finish(outputs, create_graph), _finish(result, create_graph)
    return (outputs if out_tuple else outputs[0]), (result if out_tuple else result[0])


def _jacobian_blocks(outputs, inputs, create_graph):
    """``blocks[i][k]`` = ∂outputs[i]/∂inputs[k], shaped ``outputs[i].shape + inputs[k].shape``:
    one backward pass per output element."""
    blocks = []
    for out in outputs:
        rows = [[] for _ in inputs]
        flat = out.reshape(-1)
        for j in range(flat.numel()):
            if out.requires_grad:
                grads = _grad(flat[j], inputs, retain_graph=True, create_graph=create_graph,
                              allow_unused=True)
            else:
                grads = (None,) * len(inputs)
            for k, (g, x) in enumerate(zip(grads, inputs)):
                rows[k].append(ops.zeros_like(x) if g is None else g)
        blocks.append(tuple(
            (ops.stack(r) if r else ops.zeros((0,) + tuple(x.shape), dtype=x.dtype))
            .reshape(tuple(out.shape) + tuple(x.shape)) for r, x in zip(rows, inputs)))
    return blocks


def _nest(blocks, out_tuple, in_tuple, create_graph):
    blocks = [_finish(row, create_graph) for row in blocks]
    rows = [row if in_tuple else row[0] for row in blocks]
    return tuple(rows) if out_tuple else rows[0]


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: a tensor, or tuples nested like (outputs, inputs)."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: '
                         'If your function has more outputs than inputs, "forward-mode" tends to '
                         'be more performant. Otherwise, prefer to use "reverse-mode".')
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph)
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                       "jacobian")
        blocks = _jacobian_blocks(outputs, inputs, create_graph)
    return _nest(blocks, out_tuple, in_tuple, create_graph)


def _scalar_output(func, inputs, fn_name):
    out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                   fn_name)
    if out_tuple or outputs[0].numel() != 1:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].dim() != 0 and fn_name == "hessian":
        raise RuntimeError("The Tensor returned by the function given to hessian should "
                           "contain a single element")
    return outputs[0]


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar ``func``: the Jacobian of its gradient."""
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
        inputs = _prepare(inputs, True)
        out = _scalar_output(func, inputs, "hessian").reshape(())
        gradient = _vjp((out,), inputs, (ops.ones_like(out),), create_graph=True)
        blocks = _jacobian_blocks(gradient, inputs, create_graph)
    return _nest(blocks, in_tuple, in_tuple, create_graph)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), vᵀ H)``: differentiate ``∇f · v`` once more."""
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "vhp")
        inputs = _prepare(inputs, True)
        if v is None:
            if len(inputs) != 1 or inputs[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the input to the "
                                   "user-provided function is a single Tensor with a single "
                                   "element.")
            v = (ops.ones_like(inputs[0]),)
        else:
            _, v = _as_tuple(v, "v", "vhp")
            _check_v(v, inputs, "vhp", what="inputs")
        out = _scalar_output(func, inputs, "vhp")
        gradient = _vjp((out,), inputs, (ops.ones_like(out),), create_graph=True)
        result = _vjp(gradient, inputs, v, create_graph)
    out, result = _finish((out,), create_graph)[0], _finish(result, create_graph)
    return out, (result if in_tuple else result[0])


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)``. A Hessian of a twice-differentiable function is symmetric, so
    ``H v = (vᵀ H)ᵀ``: the same double backward as ``vhp``."""
    return vhp(func, inputs, v, create_graph, strict)


__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]
