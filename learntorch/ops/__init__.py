"""All tensor operations, grouped by kind; ``learntorch`` re-exports them.

Tensor methods such as ``x.exp()`` are these same functions: each module's
``TENSOR_METHODS`` names them, and this file attaches them to ``Tensor`` (torch has both
``torch.exp(x)`` and ``x.exp()``).
"""
import warnings

from .._tensor import Tensor
from . import (activation, comparison, creation, indexing, inplace, linalg, pointwise, reduction,
               sampling, shape, unary)
from .activation import *  # noqa: F401,F403
from .comparison import *  # noqa: F401,F403
from .creation import *  # noqa: F401,F403
from .indexing import *  # noqa: F401,F403
from .inplace import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .pointwise import *  # noqa: F401,F403
from .reduction import *  # noqa: F401,F403
from .sampling import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from .unary import *  # noqa: F401,F403
from . import histograms  # noqa: E402
from .histograms import *  # noqa: F401,F403,E402
from . import windows  # noqa: E402
from .windows import *  # noqa: F401,F403,E402
from . import statistics  # noqa: E402
from .statistics import *  # noqa: F401,F403,E402
from . import arrange  # noqa: E402
from .arrange import *  # noqa: F401,F403,E402
from . import scattering  # noqa: E402
from .scattering import *  # noqa: F401,F403,E402
from . import strided  # noqa: E402
from .strided import *  # noqa: F401,F403,E402
from . import numeric, special_math  # noqa: E402
from .numeric import *  # noqa: F401,F403,E402
from .special_math import *  # noqa: F401,F403,E402
from . import sampling_serial  # noqa: E402
from .sampling_serial import *  # noqa: F401,F403,E402

# `from learntorch.ops import *` gives the functions, not the submodules (learntorch.linalg
# is torch.linalg's namespace, not ops/linalg.py).
__all__ = [name for module in (activation, comparison, creation, indexing, inplace, linalg,
                               pointwise, reduction, sampling, shape, unary, histograms, windows,
                               statistics, numeric, special_math, arrange, scattering,
                               strided, sampling_serial)
           for name in module.__all__]

# torch computes log(0) = -inf and 0/0 = nan silently; NumPy warns. Silence NumPy's
# floating-point warnings raised inside learntorch's own code (the user's NumPy calls keep
# theirs). A filter costs nothing per call, unlike wrapping every op in np.errstate (~2 µs).
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"learntorch\.")

# Each module lists which of its functions are also Tensor methods (x.exp() is exp(x)).
for _module in (activation, comparison, indexing, inplace, linalg, pointwise, reduction, sampling,
                shape, unary, histograms, statistics, numeric, special_math, arrange, scattering,
                strided):
    for _name in _module.TENSOR_METHODS:
        setattr(Tensor, _name, getattr(_module, _name))


def _where_method(self, condition, other):
    """``x.where(cond, y)`` is ``where(cond, x, y)``."""
    return pointwise.where(condition, self, other)


Tensor.where = _where_method


def _new(fill):
    def method(self, *sizes, size=None, dtype=None, device=None, requires_grad=False):
        return fill(*sizes, size=size, dtype=dtype or self.dtype, device=device or self.device,
                    requires_grad=requires_grad)
    method.__name__ = f"new_{fill.__name__}"
    method.__doc__ = f"``{fill.__name__}`` with this tensor's dtype and device by default."
    return method


Tensor.new_zeros = _new(creation.zeros)
Tensor.new_ones = _new(creation.ones)
Tensor.new_empty = _new(creation.empty)


def _new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    return creation.full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                         requires_grad=requires_grad)


def _new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    return creation.tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                           requires_grad=requires_grad)


Tensor.new_full = _new_full
Tensor.new_tensor = _new_tensor
