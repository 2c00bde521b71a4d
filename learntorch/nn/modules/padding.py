"""Padding layers (torch/nn/modules/padding.py): ``padding`` as F.pad takes it, last dim first."""
from .. import functional as F
from .module import Module

__all__ = ["CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d",
           "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d",
           "ZeroPad3d"]


def _pads(padding, n):
    """An int pads all ``2n`` sides alike; a tuple is taken as given."""
    return tuple(padding) if isinstance(padding, (list, tuple)) else (padding,) * (2 * n)


class _PadNd(Module):
    __constants__ = ["padding"]
    _n = 0
    _mode = None

    def __init__(self, padding):
        super().__init__()
        self.padding = _pads(padding, self._n)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _CircularPadNd(_PadNd):
    _mode = "circular"

    def _check_input_dim(self, input):
        if input.dim() not in (self._n + 1, self._n + 2):
            raise ValueError(f"expected {self._n + 1}D or {self._n + 2}D input (got "
                             f"{input.dim()}D input)")

    def forward(self, input):
        self._check_input_dim(input)
        return super().forward(input)


class CircularPad1d(_CircularPadNd):
    """Pads the last dim with the values from its other end (wrap-around)."""
    _n = 1


class CircularPad2d(_CircularPadNd):
    """Pads the last two dims by wrapping around."""
    _n = 2


class CircularPad3d(_CircularPadNd):
    """Pads the last three dims by wrapping around."""
    _n = 3


class _ConstantPadNd(Module):
    __constants__ = ["padding", "value"]
    _n = 0

    def __init__(self, padding, value):
        super().__init__()
        self.padding = _pads(padding, self._n)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pads the last dim with ``value``."""
    _n = 1


class ConstantPad2d(_ConstantPadNd):
    """Pads the last two dims with ``value``."""
    _n = 2


class ConstantPad3d(_ConstantPadNd):
    """Pads the last three dims with ``value``."""
    _n = 3


class ReflectionPad1d(_PadNd):
    """Pads the last dim with its mirror image (the edge itself not repeated)."""
    _n, _mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    """Pads the last two dims with their mirror image."""
    _n, _mode = 2, "reflect"


class ReflectionPad3d(_PadNd):
    """Pads the last three dims with their mirror image."""
    _n, _mode = 3, "reflect"


class ReplicationPad1d(_PadNd):
    """Pads the last dim by repeating its edge value."""
    _n, _mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    """Pads the last two dims by repeating their edge values."""
    _n, _mode = 2, "replicate"


class ReplicationPad3d(_PadNd):
    """Pads the last three dims by repeating their edge values."""
    _n, _mode = 3, "replicate"


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pads the last dim with zeros."""
    _n = 1


class ZeroPad2d(_ZeroPadNd):
    """Pads the last two dims with zeros: ``(left, right, top, bottom)``."""
    _n = 2


class ZeroPad3d(_ZeroPadNd):
    """Pads the last three dims with zeros."""
    _n = 3
