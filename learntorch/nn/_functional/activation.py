"""Activation functions (torch.nn.functional), one op each: the function on arrays, its derivative
on tensors, side by side in two tables.

* Piecewise-linear activations (relu6, hardtanh, leaky_relu, the shrinks, …) have a slope that
  is constant piece by piece.  Their backward, ``grad · slope(x)``, is itself an op
  (``HardtanhBackwardBackward0`` …) that depends on x, as torch's ``*_backward`` functions do,
  so differentiating a gradient again reaches x and finds zero there.
* Smooth activations (elu, gelu, silu, softplus, …) write their derivative in tensor ops, so it
  is differentiable again: double backward for free.

``inplace=True`` variants write into the input through the shared in-place mechanism
(``ops/_mutation.py``), with autograd's checks.
"""
import math
import warnings

import numpy as np

from ... import _dtype, ops
from ...ops._mutation import inplace_of
from ...ops._op import Op
from ...ops.special import erf_array
from ...ops.unary import _stable_sigmoid


class _Activation(Op):
    """``forward(x, **p) = function(x, **p)``; backward ``grad · derivative(x, **p)``.

    ``kernel`` is torch's kernel name, used in its error for integer inputs (or None when
    integers are allowed, as for relu and hardtanh).
    """

    function = None      # (array, **params) -> array
    derivative = None    # (tensor, **params) -> tensor
    kernel = None

    @classmethod
    def forward(cls, ctx, x, **params):
        ctx.save_for_backward(x)
        ctx.params = params
        return cls.function(x, **params)

    @classmethod
    def backward(cls, ctx, grad):
        x, = ctx.saved_tensors
        return grad * cls.derivative(x, **ctx.params)

    @classmethod
    def call(cls, input, **params):
        if cls.kernel and not input.is_floating_point():
            raise NotImplementedError(f'"{cls.kernel}" not implemented for '
                                      f"'{_dtype.type_word(input.dtype)}'")
        return cls.apply(input, **params)


class _PiecewiseLinear(_Activation):
    """Backward is the op ``{Name}Backward``: ``grad · slope(x)`` (slope: an array)."""

    slope = None  # (array, **params) -> array of slopes, or a bool mask

    @classmethod
    def backward(cls, ctx, grad):
        x, = ctx.saved_tensors
        return cls.slope_op.apply(grad, x, **ctx.params)


class _TimesSlope(Op):
    """``grad · slope(x)``: linear in grad, flat in x (its x-gradient is zero, as in torch)."""

    slope = None

    @classmethod
    def forward(cls, ctx, grad, x, **params):
        ctx.save_for_backward(x)
        ctx.params = params
        return np.multiply(grad, cls.slope(x, **params), dtype=grad.dtype)

    @classmethod
    def backward(cls, ctx, grad):
        x, = ctx.saved_tensors
        return (cls.apply(grad, x, **ctx.params) if ctx.needs_input_grad[0] else None,
                grad.new_zeros(x.shape) if ctx.needs_input_grad[1] else None)


def _piecewise(name, function, slope, kernel=None):
    backward_op = type(f"{name}Backward", (_TimesSlope,), {"slope": staticmethod(slope),
                                                           "__module__": __name__})
    return type(name, (_PiecewiseLinear,), {
        "function": staticmethod(function), "slope": staticmethod(slope), "kernel": kernel,
        "slope_op": backward_op, "__module__": __name__})


def _smooth(name, function, derivative, kernel):
    return type(name, (_Activation,), {"function": staticmethod(function),
                                       "derivative": staticmethod(derivative), "kernel": kernel,
                                       "__module__": __name__})


def _overload_1(op):
    """``op`` as torch's in-place overload whose derivative reads the result: the same maths,
    its node named ``{Name}Backward1`` (``elu_(x).grad_fn`` is EluBackward1)."""
    return type(op.__name__, (op,), {"node_name": f"{op.__name__}Backward1",
                                     "__module__": __name__})


def _where(mask, a, b, like):
    """``np.where`` that keeps ``like``'s dtype (NumPy would promote Python floats)."""
    return np.where(mask, a, b).astype(like.dtype, copy=False)


def _rrelu_noise(x, lower, upper, noise):
    return noise if noise is not None else _where(x > 0, 1, (lower + upper) / 2, x)


_SQRT_HALF, _INV_SQRT_2PI = math.sqrt(0.5), 1 / math.sqrt(2 * math.pi)
_TANH_K, _TANH_C = math.sqrt(2 / math.pi), 0.044715
_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

# -- piecewise linear: forward on arrays, and the slope (an array, or a mask of where it is 1) --
Threshold = _piecewise(
    "Threshold", lambda x, threshold, value: _where(x > threshold, x, value, x),
    lambda x, threshold, value: x > threshold)
Hardtanh = _piecewise(
    "Hardtanh", lambda x, min_val, max_val: np.clip(x, min_val, max_val),
    lambda x, min_val, max_val: (x > min_val) & (x < max_val))
LeakyRelu = _piecewise(
    "LeakyRelu", lambda x, negative_slope: _where(x > 0, x, x * negative_slope, x),
    lambda x, negative_slope: _where(x > 0, 1, negative_slope, x), kernel="leaky_relu_cpu")
Hardshrink = _piecewise(
    "Hardshrink", lambda x, lambd: _where((x >= -lambd) & (x <= lambd), 0, x, x),
    lambda x, lambd: ~((x >= -lambd) & (x <= lambd)), kernel="hardshrink_cpu")
Softshrink = _piecewise(
    "Softshrink",
    lambda x, lambd: _where(x > lambd, x - lambd, _where(x < -lambd, x + lambd, x * 0, x), x),
    lambda x, lambd: ~((x >= -lambd) & (x <= lambd)), kernel="softshrink_check")
Hardsigmoid = _piecewise(
    "Hardsigmoid", lambda x: np.clip(x + 3, 0, 6) / 6,
    lambda x: _where((x > -3) & (x < 3), 1 / 6, 0, x), kernel="hardsigmoid_cpu")
RreluWithNoise = _piecewise(
    "RreluWithNoise", lambda x, lower, upper, noise: x * _rrelu_noise(x, lower, upper, noise),
    _rrelu_noise, kernel="leaky_relu_cpu")


# -- smooth: forward on arrays, derivative on tensors (differentiable again) ------------------
def _elu_array(x, alpha, scale, input_scale):
    negative = np.minimum(x, 0)  # exp of the negative part only: no overflow for large x
    return _where(x > 0, x * scale, np.expm1(negative * input_scale) * (alpha * scale), x)


def _elu_derivative(x, alpha, scale, input_scale):
    negative = x.clamp(max=0)
    return ops.where(x > 0, scale, (negative * input_scale).exp() * (alpha * scale * input_scale))


def _softplus(x, beta, threshold):
    return _where(x * beta > threshold, x, np.logaddexp(0, x * beta) / beta, x)


def _gelu(x, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(_TANH_K * (x + _TANH_C * x * x * x)))
    return x * 0.5 * (1 + erf_array(x * _SQRT_HALF))


def _gelu_derivative(x, approximate):
    if approximate == "tanh":
        t = ((x + _TANH_C * x * x * x) * _TANH_K).tanh()
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _TANH_K * (1 + 3 * _TANH_C * x * x)
    return 0.5 * (1 + (x * _SQRT_HALF).erf()) + x * (-0.5 * x * x).exp() * _INV_SQRT_2PI


def _mish_derivative(x):
    t = ops.logaddexp(x, x.new_zeros(())).tanh()
    return t + x * x.sigmoid() * (1 - t * t)


def _hardswish_derivative(x):
    return ops.where(x <= -3, 0.0, ops.where(x < 3, x / 3 + 0.5, 1.0))


Elu = _smooth("Elu", _elu_array, _elu_derivative, "elu_cpu")
Celu = _smooth("Celu", _elu_array, _elu_derivative, "elu_cpu")
Softplus = _smooth("Softplus", _softplus,
                   lambda x, beta, threshold: ops.where(x * beta > threshold, 1.0,
                                                        (x * beta).sigmoid()), "softplus_cpu")
LogSigmoid = _smooth("LogSigmoid", lambda x: -np.logaddexp(0, -x), lambda x: (-x).sigmoid(),
                     "log_sigmoid_cpu")
Gelu = _smooth("Gelu", _gelu, _gelu_derivative, "GeluKernelImpl")
Threshold1, LeakyRelu1, Elu1, Celu1, RreluWithNoise1 = (
    _overload_1(op) for op in (Threshold, LeakyRelu, Elu, Celu, RreluWithNoise))
Silu = _smooth("Silu", lambda x: x * _stable_sigmoid(x),
               lambda x: x.sigmoid() * (1 + x * (1 - x.sigmoid())), "silu_cpu")
Mish = _smooth("Mish", lambda x: x * np.tanh(np.logaddexp(0, x)), _mish_derivative, "mish_cpu")
Hardswish = _smooth("Hardswish", lambda x: x * np.clip(x + 3, 0, 6) / 6, _hardswish_derivative,
                    "hardswish_cpu")


# -- the functions of torch.nn.functional -------------------------------------------------------
def _inplace_twin(function):
    """``f_(x, ...)``: ``f(x, ...)`` written into x (autograd-checked)."""
    twin = inplace_of(function)
    twin.__name__ = twin.__qualname__ = function.__name__.strip("_") + "_"
    return twin



def _or_inplace(function, inplace_function, input, inplace, *args):
    return (inplace_function if inplace else function)(input, *args)


def _threshold(input, threshold, value, op=Threshold):
    return op.call(input, threshold=threshold, value=value)


def _threshold_(input, threshold, value):
    return _threshold(input, threshold, value, Threshold1)


def threshold(input, threshold, value, inplace=False):
    """``x`` where ``x > threshold``, else ``value``."""
    return _or_inplace(_threshold, threshold_, input, inplace, threshold, value)


threshold_ = _inplace_twin(_threshold_)


def relu(input, inplace=False):
    return ops.relu_(input) if inplace else ops.relu(input)


relu_ = ops.relu_


def _hardtanh(input, min_val=-1.0, max_val=1.0):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if not input.is_floating_point():  # integer bounds keep an integer tensor's dtype
        min_val, max_val = int(min_val), int(max_val)
    return Hardtanh.call(input, min_val=min_val, max_val=max_val)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """``clamp(x, min_val, max_val)``; the gradient flows strictly inside the bounds."""
    return _or_inplace(_hardtanh, hardtanh_, input, inplace, min_val, max_val)


hardtanh_ = _inplace_twin(_hardtanh)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def _leaky_relu(input, negative_slope=0.01, op=LeakyRelu):
    return op.call(input, negative_slope=negative_slope)


def _leaky_relu_(input, negative_slope=0.01):
    return _leaky_relu(input, negative_slope, LeakyRelu1)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _or_inplace(_leaky_relu, leaky_relu_, input, inplace, negative_slope)


leaky_relu_ = _inplace_twin(_leaky_relu_)


def _elu_of(op, input, alpha, scale, input_scale):
    return op.call(input, alpha=float(alpha), scale=float(scale), input_scale=float(input_scale))


def _elu(input, alpha=1.0, op=Elu):
    return _elu_of(op, input, alpha, 1.0, 1.0)


def _elu_(input, alpha=1.0):
    return _elu(input, alpha, Elu1)


def elu(input, alpha=1.0, inplace=False):
    """``x`` for x > 0, else ``alpha·(eˣ − 1)``."""
    return _or_inplace(_elu, elu_, input, inplace, alpha)


elu_ = _inplace_twin(_elu_)


def _selu(input, op=Elu):
    return _elu_of(op, input, _SELU_ALPHA, _SELU_SCALE, 1.0)


def _selu_(input):
    return _selu(input, Elu1)


def selu(input, inplace=False):
    """``scale·elu(x, alpha)`` with the self-normalising constants of Klambauer et al."""
    return _or_inplace(_selu, selu_, input, inplace)


selu_ = _inplace_twin(_selu_)


def _celu(input, alpha=1.0, op=Celu):
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _elu_of(op, input, alpha, 1.0, 1.0 / alpha)


def _celu_(input, alpha=1.0):
    return _celu(input, alpha, Celu1)


def celu(input, alpha=1.0, inplace=False):
    """``max(0, x) + min(0, alpha·(e^(x/alpha) − 1))``."""
    return _or_inplace(_celu, celu_, input, inplace, alpha)


celu_ = _inplace_twin(_celu_)


def _rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None,
           op=RreluWithNoise):
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not training:
        return op.call(input, lower=lower, upper=upper, noise=None)
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise NotImplementedError(f"\"rrelu_with_noise_out_cpu\" not implemented for "
                                  f"'{_dtype.type_word(input.dtype)}'")
    return op.call(input, lower=lower, upper=upper,
                   noise=_rrelu_draw(input, lower, upper, generator))


def _rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return _rrelu(input, lower, upper, training, generator, RreluWithNoise1)


def _rrelu_draw(input, lower, upper, generator):
    """torch's rrelu_with_noise: one float64 uniform per element ≤ 0, in order, scaled by the
    bounds rounded to the input's dtype; 1 elsewhere."""
    x = input._array
    negative = x <= 0
    low, high = (float(np.asarray(b, x.dtype)) for b in (lower, upper))
    u = ops.rand(int(negative.sum()), dtype=_dtype.float64, generator=generator)._array
    noise = np.ones_like(x)
    noise[negative] = u * (high - low) + low
    return noise


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Leaky ReLU whose negative slope is drawn from U(lower, upper) per element in training,
    and is their mean in evaluation."""
    return _or_inplace(_rrelu, rrelu_, input, inplace, lower, upper, training)


rrelu_ = _inplace_twin(_rrelu_)
torch_rrelu = _rrelu  # torch.rrelu and torch.rrelu_ take a generator=; F's do not


def _shrink_check(input, lambd):
    if input.is_floating_point():
        top = np.finfo(input._array.dtype).max
        if not 0 <= lambd <= top:
            raise RuntimeError(f"lambda must be in range [0, {top:g}] for input dtype "
                               f"{_dtype.type_word(input.dtype)}, but found {lambd:g}")


def hardshrink(input, lambd=0.5):
    """``x`` where ``|x| > lambd``, else 0."""
    return Hardshrink.call(input, lambd=lambd)


def softshrink(input, lambd=0.5):
    """``x − lambd·sign(x)`` where ``|x| > lambd``, else 0."""
    _shrink_check(input, lambd)
    return Softshrink.call(input, lambd=lambd)


def tanhshrink(input):
    return input - input.tanh()


def softsign(input):
    return input / (input.abs() + 1)


def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + e^(beta·x)) / beta``, and ``x`` itself once ``beta·x > threshold``."""
    return Softplus.call(input, beta=beta, threshold=threshold)


def logsigmoid(input):
    """``log σ(x) = −softplus(−x)``, stable for large |x|."""
    return LogSigmoid.call(input)


def gelu(input, approximate="none"):
    """``x·Φ(x)``; ``approximate='tanh'`` is the tanh formula of Hendrycks & Gimpel."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return Gelu.call(input, approximate=approximate)


def _pointwise(op):
    def function(input):
        return op.call(input)
    return function


_silu, _mish, _hardswish, _hardsigmoid = (_pointwise(op) for op in (Silu, Mish, Hardswish,
                                                                      Hardsigmoid))
_silu_, _mish_, _hardswish_, _hardsigmoid_ = (_inplace_twin(f) for f in (_silu, _mish, _hardswish,
                                                                          _hardsigmoid))


def silu(input, inplace=False):
    """``x·σ(x)`` (swish)."""
    return _or_inplace(_silu, _silu_, input, inplace)


def mish(input, inplace=False):
    """``x·tanh(softplus(x))``."""
    return _or_inplace(_mish, _mish_, input, inplace)


def hardswish(input, inplace=False):
    """``x·relu6(x + 3)/6``."""
    return _or_inplace(_hardswish, _hardswish_, input, inplace)


def hardsigmoid(input, inplace=False):
    """``relu6(x + 3)/6``."""
    return _or_inplace(_hardsigmoid, _hardsigmoid_, input, inplace)


def sigmoid(input):
    return ops.sigmoid(input)


def tanh(input):
    return ops.tanh(input)


def prelu(input, weight):
    """Leaky ReLU with a learnt slope: one for all channels, or one per channel (dim 1)."""
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.dim()}")
    if weight.dtype is not input.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got "
                           f"{_dtype.type_word(input.dtype)} and {_dtype.type_word(weight.dtype)}")
    if not input.is_floating_point():
        raise NotImplementedError(f"\"prelu_cpu\" not implemented for "
                                  f"'{_dtype.type_word(input.dtype)}'")
    channels = input.shape[1] if input.dim() >= 2 else 1
    if weight.numel() == 1:
        weight = weight.reshape(())  # broadcasts against any input, 0-d included
    else:
        if weight.numel() != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {weight.numel()} and channel size = "
                               f"{channels}.")
        weight = weight.reshape((channels,) + (1,) * (input.dim() - 2))
    return ops.where(input > 0, input, weight * input)


def glu(input, dim=-1):
    """``a·σ(b)`` with ``a``, ``b`` the two halves of ``input`` along ``dim``."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    if not input.is_floating_point():
        raise NotImplementedError(f"\"glu_cpu\" not implemented for "
                                  f"'{_dtype.type_word(input.dtype)}'")
    size = input.shape[dim]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension "
                           f"{dim % input.dim()} is size {size}")
    a, b = input.chunk(2, dim)
    return a * b.sigmoid()


# -- softmax family: dim=None picks a dim with torch's (deprecated) legacy rule -----------------
def _softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to "
                  "include dim=X as an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``exp(x) / Σ exp(x)`` along ``dim``."""
    if dim is None:
        dim = _softmax_dim("softmax", input.dim(), _stacklevel)
    return ops.softmax(input, dim, dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """``softmax(−x)``."""
    if dim is None:
        dim = _softmax_dim("softmin", input.dim(), _stacklevel)
    return ops.softmax(-input, dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``log(softmax(x))``, computed without forming the softmax."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim(), _stacklevel)
    return ops.log_softmax(input, dim, dtype=dtype)


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """Samples from the Gumbel-softmax distribution; ``hard`` gives one-hot samples whose
    gradient is the soft sample's (straight-through)."""
    gumbels = -ops.empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.argmax(dim, keepdim=True)
    y_hard = ops.zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


__all__ = ["threshold", "threshold_", "relu", "relu_", "hardtanh", "hardtanh_", "relu6", "elu",
           "elu_", "selu", "selu_", "celu", "celu_", "leaky_relu", "leaky_relu_", "prelu", "rrelu",
           "rrelu_", "glu", "gelu", "logsigmoid", "hardshrink", "tanhshrink", "softsign",
           "softplus", "softmin", "softmax", "softshrink", "gumbel_softmax", "log_softmax", "tanh",
           "sigmoid", "hardsigmoid", "silu", "mish", "hardswish"]
