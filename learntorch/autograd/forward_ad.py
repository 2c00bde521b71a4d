"""torch.autograd.forward_ad: dual tensors carry a tangent, and ``unpack_dual`` gives the
Jacobian-vector product ``J·t`` of anything computed from them.

torch propagates tangents forward, op by op. learntorch has one differentiation machine, the
reverse-mode engine, so it gets the same numbers the way ``func.jvp`` does: a dual is a
tensor that records its graph, and ``unpack_dual(y)`` differentiates ``y`` twice (``Jᵀu`` for a
dummy ``u``, then that with respect to ``u`` along the tangents). What a program sees
differs where the graph shows: a dual (and what is computed from it) has
``requires_grad=True`` while the level is open; what is computed under ``no_grad`` has no
tangent; and ``y.backward()`` inside the level frees the graph ``unpack_dual(y)`` needs.
"""
from collections import namedtuple

from .engine import grad as _grad
from .grad_mode import enable_grad

__all__ = ["UnpackedDualTensor", "dual_level", "enter_dual_level", "exit_dual_level",
           "make_dual", "unpack_dual"]

UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])

_level = None   # the open level: [(graph input, its tangent), …], or None


def enter_dual_level():
    """Open the (only) level; its number, 0."""
    global _level
    if _level is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _level = []
    return 0


def exit_dual_level(*, level=None):
    """Close the level: every dual made in it loses its tangent."""
    global _level
    if _level is None:
        raise RuntimeError("Dual level must be a positive number.")
    _level = None


class dual_level:
    """``with dual_level():`` — the scope in which duals carry tangents."""

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, *exc):
        exit_dual_level()


def _check_floating(t, what):
    if not t.is_floating_point():
        raise ValueError(f"Expected {what} to be floating point or complex, but got: {t.dtype}")


def make_dual(tensor, tangent, *, level=None):
    """A tensor equal to ``tensor`` whose tangent is ``tangent``."""
    if _level is None:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")
    _check_floating(tensor, "primal")
    _check_floating(tangent, "tangent")
    if tangent.shape != tensor.shape:
        raise RuntimeError(f"Trying to set a forward gradient that has a different size than that "
                           f"of the original Tensor, this is not supported. Tensor is of size "
                           f"{list(tensor.shape)} while the given forward gradient is of size "
                           f"{list(tangent.shape)}.")
    with enable_grad():
        # a node of its own, so only what is computed from the dual carries its tangent (a
        # primal that requires grad still gets gradients through it)
        base = tensor.view_as(tensor) if tensor.requires_grad else \
            tensor.detach().requires_grad_(True)
        _level.append((base, tangent, tensor.requires_grad))
        return base.clone()   # not a leaf, so in-place ops on the dual are allowed, as in torch


def unpack_dual(tensor, *, level=None):
    """``(primal, tangent)``: the tangent is ``J·t`` summed over the level's duals, or None
    when ``tensor`` does not depend on any of them (or no level is open)."""
    if _level is None or not tensor.requires_grad:
        return UnpackedDualTensor(tensor, None)
    bases = [base for base, _, _ in _level]
    with enable_grad():
        dummy = tensor.detach().new_zeros(tensor.shape).requires_grad_(True)
        transposed = _grad([tensor], bases, [dummy], retain_graph=True, create_graph=True,
                           allow_unused=True)
        pairs = [(t, tangent) for t, (_, tangent, _) in zip(transposed, _level)
                 if t is not None and t.requires_grad]
        if not pairs:
            return UnpackedDualTensor(tensor, None)
        (jvp,) = _grad([t for t, _ in pairs], [dummy], [v for _, v in pairs],
                       retain_graph=True, allow_unused=True)
    keeps_grad = any(real for _, _, real in _level)
    primal = tensor if keeps_grad else tensor.detach()
    return UnpackedDualTensor(primal, dummy.detach() if jvp is None else jvp)
