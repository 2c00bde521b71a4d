"""Window functions for spectral analysis: ``hann_window`` and its family (torch's native ones).

Each is a short formula over ``arange(N)``, evaluated in the window's dtype step by step as
torch's kernel does. ``periodic=True`` computes ``N + 1`` points and drops the last (the
window of a signal that repeats, as ``torch.stft`` wants).
"""
import numpy as np

from .. import _dtype
from .creation import _default, _finish


def _window(name, window_length, periodic, dtype, device, requires_grad, formula):
    """The checks and the shared shape of every window: ``formula(n, N)`` for the points
    ``n = 0 … N-1`` (``N`` one larger when periodic)."""
    dt = _default(dtype)
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got "
                           f"window_length={window_length}")
    if not dt.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: TensorOptions(dtype="
                           f"{_dtype.c_type_name(dt)}, device=cpu, layout=Strided "
                           f"(default), requires_grad=false (default), pinned_memory=false, "
                           f"memory_format=(nullopt))")
    if window_length <= 1:
        array = np.ones(window_length, dt.np)
    else:
        n = window_length + 1 if periodic else window_length
        array = formula(np.arange(n, dtype=dt.np), n, dt.np.type)[:window_length]
    return _finish(array, None, device, requires_grad)


def _hamming(alpha, beta):
    def formula(n, N, t):
        return np.cos(n * t(2 * np.pi / (N - 1))) * t(-beta) + t(alpha)
    return formula


def _bartlett(n, N, t):
    w = n * t(2.0 / (N - 1))
    half = ((N - 1) >> 1) + 1
    w[half:] = w[half:] * t(-1) + t(2)
    return w


def _blackman(n, N, t):
    w = n * t(np.pi / (N - 1))
    return (np.cos(w * t(4)) * t(0.08) - np.cos(w * t(2)) * t(0.5)) + t(0.42)


def _kaiser(beta):
    def formula(n, N, t):
        alpha, b = (N - 1) / 2.0, float(beta)
        x = n.astype(np.float64)
        w = np.i0(b * np.sqrt(np.abs(1 - ((x - alpha) / alpha) ** 2))) / np.i0(b)
        return w.astype(n.dtype)
    return formula


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                pin_memory=False, requires_grad=False):
    """``0.5 - 0.5 cos(2πn / (N-1))``."""
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad,
                   _hamming(0.5, 0.5))


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None,
                   layout=None, device=None, pin_memory=False, requires_grad=False):
    """``alpha - beta cos(2πn / (N-1))``."""
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   _hamming(alpha, beta))


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    pin_memory=False, requires_grad=False):
    """The triangle ``1 - |2n/(N-1) - 1|``."""
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                   _bartlett)


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    pin_memory=False, requires_grad=False):
    """``0.42 - 0.5 cos(2πn/(N-1)) + 0.08 cos(4πn/(N-1))``."""
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   _blackman)


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None,
                  device=None, pin_memory=False, requires_grad=False):
    """``I0(beta sqrt(1 - ((n - α)/α)²)) / I0(beta)`` with ``α = (N-1)/2`` (I0: the modified
    Bessel function; computed in float64, then rounded to the dtype)."""
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad,
                   _kaiser(beta))


__all__ = ["hann_window", "hamming_window", "bartlett_window", "blackman_window", "kaiser_window"]

TENSOR_METHODS = ()
