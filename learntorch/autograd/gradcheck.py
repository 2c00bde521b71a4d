"""Check analytical gradients against central finite differences, in float64.

For every output element ``j`` and input element ``k``::

    numerical[k, j]  = (f(x + eps·e_k)[j] - f(x - eps·e_k)[j]) / (2·eps)
    analytical[k, j] = what backward gives for the upstream gradient e_j

and the two Jacobians must agree within ``atol + rtol·|numerical|``.
"""
import warnings

import numpy as np

from .engine import grad as autograd_grad
from .grad_mode import no_grad


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when the Jacobians disagree (a RuntimeError, as in torch)."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _differentiable(inputs):
    return [i for i, t in enumerate(inputs) if hasattr(t, "_array") and t.requires_grad]


def _numerical_jacobian(func, inputs, wrt, eps):
    """One (numel(input), numel(output)) matrix per (input, output) pair."""
    from .._tensor import Tensor
    base = _as_tuple(func(*inputs))
    jac = {(i, o): np.zeros((inputs[i].numel(), base[o].numel())) for i in wrt
           for o in range(len(base))}
    for i in wrt:
        flat = inputs[i].detach()._array.astype(np.float64).reshape(-1)
        for k in range(flat.size):
            outs = []
            for sign in (1, -1):
                perturbed = flat.copy()
                perturbed[k] += sign * eps
                args = list(inputs)
                # keeps requires_grad: gradgradcheck's func differentiates its inputs itself
                args[i] = Tensor._make(perturbed.reshape(inputs[i].shape).astype(
                    inputs[i]._array.dtype)).requires_grad_()
                outs.append(_as_tuple(func(*args)))
            for o, (plus, minus) in enumerate(zip(*outs)):
                delta = plus._array.astype(np.float64) - minus._array.astype(np.float64)
                jac[(i, o)][k] = delta.reshape(-1) / (2 * eps)
    return jac


def _analytical_jacobian(func, inputs, wrt):
    from .. import ops
    outputs = _as_tuple(func(*inputs))
    jac = {(i, o): np.zeros((inputs[i].numel(), outputs[o].numel())) for i in wrt
           for o in range(len(outputs))}
    for o, out in enumerate(outputs):
        if not out.requires_grad:
            continue
        for j in range(out.numel()):
            onehot = ops.zeros_like(out)
            onehot._array.reshape(-1)[j] = 1
            grads = autograd_grad(out, [inputs[i] for i in wrt], onehot, retain_graph=True,
                                  allow_unused=True)
            for i, g in zip(wrt, grads):
                if g is not None:
                    jac[(i, o)][:, j] = g._array.astype(np.float64).reshape(-1)
    return jac


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False, check_forward_ad=False,
              check_backward_ad=True, fast_mode=False, masked=None):
    """True when backward agrees with finite differences; else GradcheckError (or False)."""
    inputs = _as_tuple(inputs)
    wrt = _differentiable(inputs)
    if not wrt:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none "
                         "of the them have requires_grad=True.")
    for i in wrt:
        if inputs[i].dtype.name != "float64":
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point "
                          "or complex. This check will likely fail if all the inputs are not of "
                          "double precision floating point or complex.", UserWarning, stacklevel=2)
    numerical = _numerical_jacobian(func, inputs, wrt, eps)
    analytical = _analytical_jacobian(func, inputs, wrt)
    for (i, o), num in numerical.items():
        ana = analytical[(i, o)]
        if not np.allclose(ana, num, rtol=rtol, atol=atol, equal_nan=True):
            if not raise_exception:
                return False
            raise GradcheckError(f"Jacobian mismatch for output {o} with respect to input {i},\n"
                                 f"numerical:{num}\nanalytical:{ana}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False, masked=False):
    """gradcheck of the gradient itself: are second derivatives right?"""
    from .. import ops
    inputs = _as_tuple(inputs)
    wrt = _differentiable(inputs)
    if grad_outputs is None:
        with no_grad():
            outputs = _as_tuple(func(*inputs))
        gen = np.random.default_rng(0)
        grad_outputs = tuple(
            ops.tensor(gen.standard_normal(o.shape), dtype=o.dtype, requires_grad=True)
            for o in outputs if o.requires_grad or o.is_floating_point())
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)

    def first_derivative(*args):
        xs, gos = args[:n], args[n:]
        outs = [o for o in _as_tuple(func(*xs)) if o.requires_grad]
        grads = autograd_grad(outs, [xs[i] for i in wrt], gos[:len(outs)], create_graph=True,
                              allow_unused=True)
        return tuple(g if g is not None else ops.zeros_like(xs[i]) for g, i in zip(grads, wrt))

    return gradcheck(first_derivative, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
