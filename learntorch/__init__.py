"""learntorch: PyTorch's core, rebuilt on NumPy to learn from.  ``import learntorch as torch``."""
from ._memory import keep_freed_buffers

keep_freed_buffers()  # large temporaries are reused instead of page-faulted in afresh (_memory.py)

from . import _dtype, _unsupported  # noqa: E402
from ._device import device
from ._dtype import (bool, double, dtype, float, float16, float32, float64, get_default_dtype,
                     half, int, int8, int16, int32, int64, long, promote_types, set_default_dtype,
                     short, uint8)
from ._printing import get_printoptions, set_printoptions
from ._tensor import Size, Tensor
from . import ops
from .ops import *  # noqa: F401,F403
from . import autograd, cuda, linalg, random, return_types
from ._threads import get_num_threads, set_num_threads
from .serialization import load, save
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .random import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, \
    set_rng_state
from . import nn  # noqa: E402  (after the tensor API it is built on)
from . import optim  # noqa: E402  (after nn, whose Module hooks it reuses)
from . import utils  # noqa: E402  (utils.data: datasets, samplers, DataLoader)
from . import hub  # noqa: E402
from . import signal  # noqa: E402  (torch.signal.windows)
# Activations torch also has at the top level (torch.selu, torch.threshold_ …)
from .nn._functional.activation import (celu, celu_, hardshrink, prelu, rrelu_, selu,  # noqa: E402
                                        selu_, threshold, threshold_)
from .nn._functional.activation import torch_rrelu as rrelu  # noqa: E402  (takes generator=)
# torch.dropout, torch.layer_norm, torch.lstm …: ATen's signatures (nn/_functional/aten.py)
from .nn._functional.aten import *  # noqa: E402,F401,F403
Tensor.hardshrink, Tensor.prelu = hardshrink, prelu
from .summary import summary  # noqa: E402  (the function; learntorch.summary is torchinfo's call)
from .nn._functional.distance import cosine_similarity, pairwise_distance, pdist  # noqa: E402
from .nn.utils.weight_norm import norm_except_dim  # noqa: E402
from ._lowrank import pca_lowrank, svd_lowrank  # noqa: E402
from ._lobpcg import lobpcg  # noqa: E402
# Runtime and tensor infrastructure: storages, legacy types, dtype limits, flags, namespaces
from . import storage  # noqa: E402  (attaches untyped_storage, set_, resize_ … to Tensor)
from .ops.tensor_info import *  # noqa: F401,F403,E402  (and is_cpu, conj, dim_order …)
from .storage import (StorageBase, TypedStorage, UntypedStorage, from_file, frombuffer,  # noqa: E402
                      is_storage, resize_as_)
from ._dlpack import from_dlpack, to_dlpack  # noqa: E402
from ._dtype import uint16, uint32, uint64  # noqa: E402
from ._device import get_default_device, set_default_device  # noqa: E402
from ._finfo import finfo, iinfo  # noqa: E402
from ._layout import *  # noqa: F401,F403,E402
from ._tensor_types import *  # noqa: F401,F403,E402
from ._flags import *  # noqa: F401,F403,E402
from ._sym import *  # noqa: F401,F403,E402
from ._compile import compile  # noqa: E402
from . import special  # noqa: E402  (torch.special)
from ._dtype import cdouble, cfloat, complex64, complex128  # noqa: E402  (fft results only)
from ._complex import angle, complex, polar, view_as_complex, view_as_real  # noqa: E402
from . import fft  # noqa: E402  (torch.fft; complex results: _complex.py)
from .control_flow import cond, while_loop  # noqa: E402
from .autograd import functional as _autograd_functional  # noqa: E402,F401  (autograd.functional)
from . import func  # noqa: E402  (torch.func: grad, vjp, jacrev, vmap …)
from . import distributions  # noqa: E402  (torch.distributions)
from .signal import windows  # noqa: E402  (torch.windows is torch.signal.windows)
from .func import vmap  # noqa: E402
from . import quasirandom  # noqa: E402  (torch.quasirandom.SobolEngine)
# torch's mathematical constants (torch.pi …) and NumPy's spelling of a new axis
from math import e, inf, nan, pi  # noqa: E402
newaxis = None
from . import (accelerator, backends, cpu, distributed, multiprocessing, testing,  # noqa: E402
               torch_version, version)
from ._runtime import (AcceleratorError, OutOfMemoryError, get_device_module,  # noqa: E402
                       is_inference_mode_enabled)
for _d, _cls in storage.LEGACY_STORAGES.items():
    globals()[_cls.__name__] = _cls  # FloatStorage, LongStorage …
Storage = storage.LEGACY_STORAGES[get_default_dtype()]  # torch.Storage follows the default dtype
_dtype.DEFAULT_DTYPE_FOLLOWERS.append(
    lambda d: globals().__setitem__("Storage", storage.LEGACY_STORAGES[d]))

__version__ = torch_version.__version__  # "0.1.0", compares as a version


def result_type(tensor1, tensor2):
    """The dtype ``tensor1 op tensor2`` would have (torch's promotion rules)."""
    return _dtype.result_type(tensor1, tensor2)


def can_cast(from_, to):
    return ops._mutation.can_cast(from_, to)


def is_nonzero(input):
    return input.__bool__()



from ._arg_check import guard_tensor_functions  # noqa: E402

for _namespace in (globals(), vars(special), vars(linalg)):   # torch.exp(2.0): torch's TypeError
    guard_tensor_functions(_namespace, Tensor)


def __getattr__(name):
    """``learntorch.sparse_coo_tensor`` and the like: an AttributeError naming the family that
    learntorch leaves out (README, 'What learntorch leaves out'), not only the name."""
    raise _unsupported.missing("module 'learntorch'", name)
