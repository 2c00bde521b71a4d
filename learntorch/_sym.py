"""``sym_int``, ``sym_max`` …: torch's shape arithmetic that also works on symbolic sizes.

learntorch has no symbolic shapes, so these are torch's plain-Python branches: what they
return for ints, floats and bools.
"""
import builtins
import math

__all__ = ["sym_int", "sym_float", "sym_max", "sym_min", "sym_not", "sym_sqrt", "sym_sum",
           "sym_ite"]


def sym_int(a):
    """``int`` rounding toward zero."""
    return builtins.int(math.trunc(a)) if isinstance(a, builtins.float) else builtins.int(a)


def sym_float(a):
    return builtins.float(a)


def sym_max(a, b):
    """``max``, a float when either argument is one."""
    out = builtins.max(a, b)
    return builtins.float(out) if _any_float(a, b) else out


def sym_min(a, b):
    """``min``, a float when either argument is one."""
    out = builtins.min(a, b)
    return builtins.float(out) if _any_float(a, b) else out


def _any_float(a, b):
    return isinstance(a, builtins.float) or isinstance(b, builtins.float)


def sym_not(a):
    return not a


def sym_sqrt(a):
    return math.sqrt(a)


def sym_sum(args):
    """The sum of an iterable of sizes (0 when empty)."""
    return builtins.sum(args)


def sym_ite(b, t, f):
    """``t if b else f``; ``b`` must be a bool."""
    if not isinstance(b, builtins.bool):
        raise AssertionError(f"expected SymBool or bool, got {type(b)}")
    return t if b else f
