"""``torch.func``: function transforms — ``grad``, ``vjp``, ``jvp``, ``jacrev``, ``jacfwd``,
``hessian``, ``vmap`` — and ``functional_call``.

torch implements these as transforms of the dispatcher (functorch); learntorch composes them from
autograd eagerly. ``grad(f)(x)`` tracks ``x``, runs ``f`` and calls ``autograd.grad``; when ``x``
already belongs to an outer transform's graph the gradient keeps its graph, so ``grad(grad(f))``
and ``jacrev(grad(f))`` compose. ``vmap(f)`` runs ``f`` once per slice of the batched dimension and
stacks the results: the same numbers as torch's batching rules, at a loop's speed. ``jacfwd``
computes with reverse mode (the Jacobian is the same matrix). ``randomness`` is accepted: each
slice draws its own numbers (torch's ``"different"``); torch's default ``"error"`` would refuse
random operations instead.
"""
import math

from . import ops
from ._tensor import Tensor
from .autograd import functional as _functional
from .autograd.engine import grad as _autograd_grad
from .autograd.grad_mode import enable_grad, is_grad_enabled
from .nn.utils import stateless as _stateless


# -- pytrees: tensors inside (nested) tuples, lists and dicts ------------------------------
def _flatten(tree):
    """``(leaves, rebuild)``: the tree's leaves in order, and a function from leaves to a tree."""
    if isinstance(tree, (tuple, list)):
        parts = [_flatten(item) for item in tree]
        counts = [len(leaves) for leaves, _ in parts]

        def rebuild(leaves):
            items, start = [], 0
            for (_, build), n in zip(parts, counts):
                items.append(build(leaves[start:start + n]))
                start += n
            return type(tree)(items) if not hasattr(tree, "_fields") else type(tree)(*items)
        return [leaf for leaves, _ in parts for leaf in leaves], rebuild
    if isinstance(tree, dict):
        keys = list(tree)
        leaves, build = _flatten([tree[k] for k in keys])
        return leaves, lambda new: dict(zip(keys, build(new)))
    return [tree], lambda new: new[0]


def _argnums(argnums, nargs, fn_name):
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    for n in nums:
        if not isinstance(n, int):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(n)}")
        if not -nargs <= n < nargs:
            raise RuntimeError(f"Got argnums={n}, but only {nargs} positional inputs")
    return nums


def _track(x):
    """``x`` as an input whose gradient we take: an alias inside an outer transform's graph (so
    the gradient can be differentiated again), a fresh leaf otherwise."""
    return x.view_as(x) if x.requires_grad else x.detach().requires_grad_(True)


def _outermost(leaves):
    """No input belongs to an enclosing transform: results are plain tensors without graph."""
    return not (is_grad_enabled() and any(isinstance(x, Tensor) and x.requires_grad
                                          for x in leaves))


def _tracked_call(func, args, kwargs, argnums):
    """Run ``func`` with the ``argnums`` arguments tracked; return output, tracked leaves, the
    rebuild of the differentiated arguments, and whether we are the outermost transform."""
    args = list(args)
    nums = _argnums(argnums, len(args), "grad")
    chosen = tuple(args[n] for n in nums)
    leaves, rebuild = _flatten(chosen)
    outermost = _outermost(leaves)
    tracked = [_track(x) for x in leaves]
    rebuilt = rebuild(tracked)
    for n, value in zip(nums, rebuilt):
        args[n] = value
    with enable_grad():
        output = func(*args, **kwargs)
    single = isinstance(argnums, int)
    return output, tracked, (lambda grads: rebuild(grads)[0] if single else rebuild(grads)), \
        outermost


def _gradients(outputs, inputs, cotangents, keep_graph):
    grads = _autograd_grad(outputs, inputs, cotangents, retain_graph=True,
                           create_graph=keep_graph, allow_unused=True)
    return [ops.zeros_like(x) if g is None else g for g, x in zip(grads, inputs)]


def _detached(tree, outermost):
    if not outermost:
        return tree
    leaves, rebuild = _flatten(tree)
    return rebuild([x.detach() if isinstance(x, Tensor) else x for x in leaves])


def _split_aux(output, has_aux, fn_name):
    if not has_aux:
        return output, None
    if not (isinstance(output, tuple) and len(output) == 2):
        raise RuntimeError(f"{fn_name}(f, ...)(*args): output of function f should be a tuple: "
                           f"(output, aux) if has_aux is True")
    return output


# -- gradients ------------------------------------------------------------------------------
def grad_and_value(func, argnums=0, has_aux=False):
    """``(∇f, f)`` at the arguments ``argnums``; ``f`` must return a scalar tensor."""
    def wrapper(*args, **kwargs):
        output, tracked, rebuild, outermost = _tracked_call(func, args, kwargs, argnums)
        value, aux = _split_aux(output, has_aux, "grad_and_value")
        if not isinstance(value, Tensor):
            raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, "
                               f"got {type(value)}")
        if value.dim() != 0:
            raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar "
                               f"Tensor, got tensor with {value.dim()} dims. Maybe you wanted to "
                               f"use the vjp or jacrev APIs instead?")
        grads = rebuild(_gradients([value], tracked, [ops.ones_like(value)], not outermost))
        result = _detached((grads, value), outermost)
        return (result, _detached(aux, outermost)) if has_aux else result
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """``∇f`` at the arguments ``argnums`` (an int, or a tuple of ints for a tuple of
    gradients); ``f`` must return a scalar tensor."""
    def wrapper(*args, **kwargs):
        result = grad_and_value(func, argnums, has_aux)(*args, **kwargs)
        if has_aux:
            (grads, _), aux = result
            return grads, aux
        return result[0]
    return wrapper


def vjp(func, *primals, has_aux=False):
    """``(f(*primals), vjp_fn)``: ``vjp_fn(cotangents)`` is the tuple ``vᵀ ∂f/∂primal``."""
    output, tracked, rebuild, outermost = _tracked_call(func, primals, {},
                                                        tuple(range(len(primals))))
    output, aux = _split_aux(output, has_aux, "vjp")
    out_leaves, _ = _flatten(output)

    def vjp_fn(cotangents):
        cot_leaves, _ = _flatten(cotangents)
        if len(cot_leaves) != len(out_leaves):
            raise RuntimeError(f"Expected pytree structure of cotangents to be the same as "
                               f"pytree structure of outputs to the function. cotangents: "
                               f"{len(cot_leaves)} leaves, primal output: {len(out_leaves)} "
                               f"leaves")
        pairs = [(o, c) for o, c in zip(out_leaves, cot_leaves) if o.requires_grad]
        if not pairs:
            grads = [ops.zeros_like(x) for x in tracked]
        else:
            grads = _gradients([o for o, _ in pairs], tracked, [c for _, c in pairs],
                               not outermost)
        return tuple(_detached(rebuild(grads), outermost))
    result = (_detached(output, outermost), vjp_fn)
    return result + (_detached(aux, outermost),) if has_aux else result


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``(f(*primals), J·tangents)`` by the double-backward trick (autograd/functional.py)."""
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it "
                           "should be valid to call f(*primals).")
    if len(primals) != len(tangents):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have the "
                           "same python structure. For example, if primals is a tuple of 3 "
                           "tensors, tangents also must be. Got primals with structure "
                           f"{len(primals)} and tangents with structure {len(tangents)}")
    output, tracked, _, outermost = _tracked_call(func, primals, {}, tuple(range(len(primals))))
    output, aux = _split_aux(output, has_aux, "jvp")
    out_leaves, rebuild_out = _flatten(output)
    tangent_leaves, _ = _flatten(tuple(tangents))
    with enable_grad():
        products = _functional._jvp_core(tuple(out_leaves), tuple(tracked), tuple(tangent_leaves),
                                         create_graph=not outermost)
    result = (_detached(output, outermost), _detached(rebuild_out(list(products)), outermost))
    return result + (_detached(aux, outermost),) if has_aux else result


def linearize(func, *primals):
    """``(f(*primals), jvp_fn)`` with ``jvp_fn(*tangents)`` the Jacobian-vector product."""
    output = jvp(func, primals, tuple(ops.zeros_like(p) for p in primals))[0]
    return output, lambda *tangents: jvp(func, primals, tangents)[1]


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """The Jacobian of ``f`` with respect to the arguments ``argnums``: for each output tensor,
    shaped ``output.shape + input.shape`` (nested like outputs, then argnums)."""
    def wrapper(*args, **kwargs):
        output, tracked, rebuild, outermost = _tracked_call(func, args, kwargs, argnums)
        output, aux = _split_aux(output, has_aux, "jacrev")
        out_leaves, rebuild_out = _flatten(output)
        with enable_grad():
            blocks = _functional._jacobian_blocks(tuple(out_leaves), tuple(tracked),
                                                  create_graph=not outermost)
        jac = _detached(rebuild_out([rebuild(list(row)) for row in blocks]), outermost)
        return (jac, _detached(aux, outermost)) if has_aux else jac
    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """The Jacobian, as ``jacrev`` computes it (learntorch has no forward mode: same matrix)."""
    return jacrev(func, argnums, has_aux=has_aux)


def hessian(func, argnums=0):
    """The Jacobian of the Jacobian: ``jacfwd(jacrev(f))`` as in torch."""
    return jacfwd(jacrev(func, argnums), argnums)


# -- vmap -----------------------------------------------------------------------------------
def _dims_for(in_dims, args):
    """One in_dim (int or None) per leaf of ``args``."""
    if isinstance(in_dims, int) or in_dims is None:
        return [in_dims] * len(_flatten(list(args))[0])
    if not isinstance(in_dims, (tuple, list)) or len(in_dims) != len(args):
        raise ValueError(f"vmap(f, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible "
                         f"with the structure of `inputs`. in_dims has structure "
                         f"{type(in_dims).__name__} of length {len(in_dims)} but inputs has "
                         f"structure tuple of length {len(args)}.")
    dims = []
    for d, a in zip(in_dims, args):
        dims.extend(_dims_for(d, (a,)) if isinstance(d, int) or d is None else
                    _dims_for(tuple(d) if not isinstance(d, dict) else tuple(d.values()),
                              tuple(a) if not isinstance(a, dict) else tuple(a.values())))
    return dims


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """``f`` mapped over a batch dimension of its inputs: ``vmap(f)(x)[i] == f(x[i])``."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")

    def wrapper(*args, **kwargs):
        leaves, rebuild = _flatten(list(args))
        dims = _dims_for(in_dims, args)
        sizes = {leaf.size(d) for leaf, d in zip(leaves, dims)
                 if d is not None and isinstance(leaf, Tensor)}
        if not sizes:
            raise ValueError(f"vmap({getattr(func, '__name__', func)}, in_dims={in_dims}, ...)"
                             f"(<inputs>): at least one input must be a Tensor with a vmapped "
                             f"dim (in_dims is not None)")
        if len(sizes) > 1:
            raise ValueError(f"vmap({getattr(func, '__name__', func)}, in_dims={in_dims}, ...)"
                             f"(<inputs>): Expected all tensors to have the same size in the "
                             f"mapped dimension, got sizes {sorted(sizes)} for the mapped "
                             f"dimension")
        results = []
        for i in range(sizes.pop()):
            sliced = [leaf.select(d, i) if d is not None else leaf
                      for leaf, d in zip(leaves, dims)]
            results.append(func(*rebuild(sliced), **kwargs))
        out_leaves = [_flatten(r)[0] for r in results]
        _, rebuild_out = _flatten(results[0])
        outs = out_dims if isinstance(out_dims, (tuple, list)) else [out_dims] * len(out_leaves[0])
        stacked = [ops.stack([r[k] if isinstance(r[k], Tensor) else ops.tensor(r[k])
                              for r in out_leaves], d)
                   for k, d in enumerate(outs)]
        return rebuild_out(stacked)
    return wrapper


# -- rearrange (einops' notation) -----------------------------------------------------------
_ELLIPSIS = "…"


def _parse_side(side):
    """``"b (h w) c"`` → ``[["b"], ["h", "w"], ["c"]]``; a standalone ``...`` is the string
    ``_ELLIPSIS`` (it stands for any number of axes), a ``1`` an empty group (a size-1 axis)."""
    groups, current = [], None
    for token in side.replace("(", " ( ").replace(")", " ) ").replace("...", f" {_ELLIPSIS} ") \
            .split():
        if token == "(":
            if current is not None:
                raise ValueError("Axis composition is one-level (brackets inside brackets not "
                                 "allowed)")
            current = []
        elif token == ")":
            if current is None:
                raise ValueError("Brackets are not balanced")
            groups.append(current)
            current = None
        elif token.isdigit():
            if token != "1":
                raise ValueError("rearrange only supports unnamed axes of size 1")
            if current is None:
                groups.append([])  # a size-1 axis; inside brackets a 1 changes nothing
        elif token == _ELLIPSIS or token.isidentifier():
            if current is not None:
                current.append(token)
            else:
                groups.append(token if token == _ELLIPSIS else [token])
        else:
            raise ValueError(f"Invalid axis identifier: {token}")
    if current is not None:
        raise ValueError(f"Imbalanced parentheses in expression: '{side}'")
    return groups


def rearrange(tensor, pattern, **axes_lengths):
    """einops' ``rearrange``: reshape and permute by naming axes, e.g.
    ``rearrange(x, "b c h w -> b (h w) c")``; a list of tensors is stacked first."""
    if isinstance(tensor, (list, tuple)):
        tensor = ops.stack(list(tensor))
    try:
        left_side, right_side = pattern.split("->")
    except ValueError:
        raise ValueError("Pattern must contain a single '->' separator") from None
    left, right = _parse_side(left_side), _parse_side(right_side)
    names = lambda groups: {n for g in groups if g != _ELLIPSIS  # noqa: E731
                            for n in g if n != _ELLIPSIS}
    for length in axes_lengths.values():
        if type(length) is not int:
            raise TypeError(f"rearrange axis lengths must be integers, got: {type(length)}")
    difference = names(left) ^ names(right)
    if difference:
        raise ValueError(f"Identifiers only on one side of rearrange expression (should be on "
                         f"both): {difference}")
    unmatched = axes_lengths.keys() - names(left)
    if unmatched:
        raise ValueError(f"Identifiers not found in rearrange expression: {unmatched}")
    has_ellipsis = _ELLIPSIS in left
    fixed = len(left) - has_ellipsis
    if tensor.dim() != len(left) and not (has_ellipsis and tensor.dim() >= fixed):
        raise ValueError(f"Number of dimensions in pattern ({len(left)}) must be equal to the "
                         f"number of dimensions in the tensor ({tensor.dim()})")
    extra = [f"{_ELLIPSIS}{k}" for k in range(tensor.dim() - fixed)]
    expand = lambda groups: [g2 for g in groups  # noqa: E731
                             for g2 in ([[e] for e in extra] if g == _ELLIPSIS else [g])]
    left = expand(left)
    right = [[m for n in g for m in (extra if n == _ELLIPSIS else [n])]  # "(… c)" merges
             for g in expand(right)]
    sizes = dict(axes_lengths)
    for group, size in zip(left, tensor.shape):
        unknown = [n for n in group if n not in sizes]
        known = math.prod(sizes[n] for n in group if n in sizes)
        if len(unknown) > 1:
            raise ValueError(f"Could not infer sizes for {set(unknown)}")
        if unknown:
            if known == 0 or size % known:
                raise ValueError(f"inferred dimension does not evenly fit into larger dimension: "
                                 f"{size} vs {tuple(sizes.get(n, '?') for n in group)}")
            sizes[unknown[0]] = size // known
        elif known != size:
            raise ValueError(f"Shape mismatch, {size} != {known}")
    flat = [n for g in left for n in g]
    order = [flat.index(n) for g in right for n in g]
    moved = tensor.reshape([sizes[n] for n in flat]).permute(order)
    return moved.reshape([math.prod(sizes[n] for n in g) for g in right])


# -- modules as functions -------------------------------------------------------------------
def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """``module(*args, **kwargs)`` with the given tensors standing in for its parameters and
    buffers; several dicts are merged (a key in two of them is an error, as in torch)."""
    if isinstance(parameter_and_buffer_dicts, dict):
        merged = parameter_and_buffer_dicts
    else:
        merged = {}
        for d in parameter_and_buffer_dicts:
            for key in d:
                if key in merged:
                    raise ValueError(f"{key} appeared in multiple dictionaries; behavior of "
                                     f"functional call is ambiguous")
            merged.update(d)
    args = () if args is None else args if isinstance(args, tuple) else (args,)
    with _stateless._reparametrize_module(module, merged, tie_weights=tie_weights, strict=strict):
        return module(*args, **(kwargs or {}))


def stack_module_state(models):
    """``(params, buffers)``: each name's tensors of all ``models`` stacked along a new dim 0
    (new leaves, requiring grad like the originals) — the input ``vmap`` over
    ``functional_call`` runs an ensemble with."""
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or not any(m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/"
                           "eval mode.")
    kinds = {type(m) for m in models}
    if len(kinds) > 1:
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    params = {name: ops.stack([dict(m.named_parameters())[name] for m in models]).detach()
              .requires_grad_(p.requires_grad) for name, p in models[0].named_parameters()}
    buffers = {name: ops.stack([dict(m.named_buffers())[name] for m in models])
               for name, _ in models[0].named_buffers()}
    return params, buffers


def replace_all_batch_norm_modules_(root):
    """Make every BatchNorm in ``root`` use batch statistics only (no running stats), in place."""
    from .nn.modules.batchnorm import _BatchNorm
    for module in root.modules():
        if isinstance(module, _BatchNorm):
            module.running_mean = None
            module.running_var = None
            module.num_batches_tracked = None
            module.track_running_stats = False
    return root


def functionalize(func, *, remove="mutations"):
    """``func`` itself: functionalization rewrites in-place ops for compilers; eagerly the
    results are the same."""
    if remove not in ("mutations", "mutations_and_views"):
        raise AssertionError(f"functionalize(f, remove='mutations'): received invalid argument "
                             f"for remove={remove}. Valid options are:\n     remove='mutations': "
                             f"all inplace and out= operators will be removed from the program, "
                             f"and replaced with their out-of-place equivalents.\n     remove="
                             f"'mutations_and_views': In addition to the above, all aliasing "
                             f"operators {{view}} will be replaced with their non-aliasing "
                             f"counterparts, {{view}}_copy.\n")
    return func


def debug_unwrap(tensor, *, recurse=True):
    """The tensor itself: learntorch's transforms do not wrap tensors."""
    return tensor


__all__ = ["grad", "grad_and_value", "vjp", "jvp", "linearize", "jacrev", "jacfwd", "hessian",
           "vmap", "functional_call", "stack_module_state", "replace_all_batch_norm_modules_",
           "functionalize", "debug_unwrap", "rearrange"]
