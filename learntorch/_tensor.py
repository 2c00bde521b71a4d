"""``Tensor``: an array of its device's array module plus what autograd needs.

The array lives in ``_array`` (``tensor.data`` is, as in torch, a *Tensor* that shares it).
Views share the array's memory and a version counter with their base, so a write
through one is seen by the other, and autograd can tell when a saved value changed.
Math lives in ``learntorch.ops``; the methods here only forward to it.
"""
import numbers
import warnings
import weakref

import numpy as np

from . import _device, _dtype, _layout, _meta, _unsupported
from .autograd.function import AccumulateGrad, _RemovableHandle
from .autograd.grad_mode import _State


class Size(tuple):
    """``tensor.shape``: a tuple that prints as ``torch.Size([2, 3])``."""

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __repr__(self):
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    def __getitem__(self, item):
        out = tuple.__getitem__(self, item)
        return Size(out) if isinstance(item, slice) else out

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))


class Tensor:
    """A multi-dimensional array that can record how it was computed.

    ``Tensor(...)`` is torch's legacy constructor (prefer ``learntorch.tensor``), see ``__new__``.
    """

    __slots__ = ("_array", "_requires_grad", "_grad_fn", "_version_counter", "__dict__",
                 "__weakref__")
    __array_priority__ = 1000  # make `ndarray * tensor` call Tensor.__rmul__

    # Rarely set, so they live in the instance __dict__ only once set: every op creates a
    # tensor, and each attribute it does not have to write makes that cheaper.
    _grad = None
    _output_nr = 0
    _base = None            # the tensor whose memory this view shares
    _view_version = 0       # the base's version when this view was taken
    _view_kind = None       # how a view was made, if not plainly: "no_grad", "multi" … (_mutation)
    _accumulator_ref = None  # weakref to this leaf's AccumulateGrad node
    _hooks = None
    _retains_grad = False
    _post_accumulate_grad_hooks = None  # register_post_accumulate_grad_hook
    _grad_dtype = _dtype  # grad_dtype: this module object stands for "the tensor's own dtype"

    def __new__(cls, *args, device=None):
        """torch's ``Tensor(...)``, case by case as torch 2.13 does it.

        ``Tensor(2, 3)`` or ``Tensor(Size([2, 3]))`` allocates (zeros here, like ``empty``);
        ``Tensor(t)`` is a view of ``t``: its dtype, its memory, its history (``AliasBackward0``);
        ``Tensor(ndarray)`` shares the array's memory when it has the default dtype, as
        ``from_numpy`` would; any other array or sequence is copied into the default dtype.
        """
        return _legacy_new(cls, args, device, _dtype.get_default_dtype(), same_dtype=False)

    def new(self, *args, device=None):
        """torch's legacy ``x.new(...)``: ``Tensor(...)`` with this tensor's dtype and device."""
        return _legacy_new(Tensor, args, self.device if device is None else device, self.dtype,
                           same_dtype=True)

    def _init(self, array):
        self._array = array
        self._requires_grad = False
        self._grad_fn = None
        self._version_counter = [0]

    @classmethod
    def _make(cls, array):
        """Wrap an array without copying: the constructor every op uses."""
        t = object.__new__(cls)
        if type(array) is not np.ndarray and not hasattr(array, "__cuda_array_interface__"):
            array = np.asanyarray(array)  # "any": a meta array stays one (_meta.py)
        t._array = array
        t._requires_grad = False
        t._grad_fn = None
        t._version_counter = [0]
        return t

    # -- what it is ------------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._array.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._array.shape)
        return self._array.shape[_wrap_dim(dim, self._array.ndim)]

    def dim(self):
        return self._array.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._array.ndim

    def numel(self):
        return self._array.size

    nelement = numel

    @property
    def dtype(self):
        return _dtype._FROM_NUMPY[self._array.dtype]

    @property
    def device(self):
        return _device.device_of(self._array)

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    @property
    def is_meta(self):
        return type(self._array) is _meta.MetaArray

    def is_floating_point(self):
        return self._array.dtype.kind == "f"

    def is_complex(self):
        return False

    def element_size(self):
        return self._array.itemsize

    def stride(self, dim=None):
        strides = tuple(s // self._array.itemsize for s in self._array.strides) \
            if self._array.size and not self.is_meta else _empty_strides(self._array.shape)
        return strides if dim is None else strides[_wrap_dim(dim, self._array.ndim)]

    def storage_offset(self):
        """Elements between the start of the base's memory and this view's first element."""
        base = self._array
        while isinstance(base.base, type(self._array)):
            base = base.base
        start = self._array.__array_interface__["data"][0] if isinstance(self._array, np.ndarray) \
            else self._array.data.ptr
        base_start = base.__array_interface__["data"][0] if isinstance(base, np.ndarray) \
            else base.data.ptr
        return (start - base_start) // self._array.itemsize

    def is_contiguous(self, memory_format=None):
        """C-contiguous, or dense in the order a channels-last ``memory_format`` asks for."""
        if memory_format is None:
            return self._array.flags.c_contiguous or self.is_meta
        order = _layout.dim_order_of(memory_format, self._array.ndim)
        return self._array.flags.c_contiguous if order is None else \
            _layout.is_laid_out(self._array, order)

    def data_ptr(self):
        return self._array.__array_interface__["data"][0]

    @property
    def _version(self):
        return self._version_counter[0]

    # -- autograd state ----------------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if self._grad_fn is not None:
            if not value:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to use "
                    "a computed variable in a subgraph that doesn't require differentiation use "
                    "var_no_grad = var.detach().")
            return
        if value and self._array.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if not value and self._view_kind is not None and self._base._requires_grad:
            return  # a view taken in no-grad mode requires grad through its base, as in torch
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def grad_fn(self):
        if self._base is not None and self._view_version != self._version_counter[0] \
                and (_State.enabled or self._view_kind is not None):
            _ops._mutation.refresh_view(self)  # its base changed in place: torch's view of it now
        return self._grad_fn

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def output_nr(self):
        return self._output_nr

    @property
    def grad(self):
        if self._grad_fn is not None and not self._retains_grad and _State.enabled:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
                ".grad attribute won't be populated during autograd.backward(). If you indeed want "
                "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
                "non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you "
                "access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for "
                "more information.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"assigned grad has data of a different size: expected "
                                   f"{list(self.shape)}, got {list(value.shape)}")
            allowed = self.grad_dtype if self._grad_fn is None else self.dtype
            if allowed is not None and value.dtype is not allowed:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_dtype.c_type_name(value.dtype)}'"
                    f" to a tensor with grad_dtype '{_dtype.type_word(allowed)}'. The gradient "
                    "must match the tensor's grad_dtype (defaults to the tensor's dtype). You can "
                    "set the tensor's grad_dtype attribute with a specific dtype, or None to allow "
                    "any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and "
                    "its gradient may break downstream systems that assume they match.")
        self._grad = value

    @property
    def grad_dtype(self):
        """The dtype ``.grad`` must have (the tensor's own unless set; None allows any): the
        engine casts incoming gradients to it. Leaves only."""
        if self._grad_fn is not None:
            raise RuntimeError("grad_dtype can only be accessed on leaf tensors.")
        return self.dtype if self._grad_dtype is _dtype else self._grad_dtype

    @grad_dtype.setter
    def grad_dtype(self, value):
        if self._grad_fn is not None:
            raise RuntimeError("grad_dtype can only be set on leaf tensors.")
        if value is not None and not isinstance(value, _dtype.dtype):
            raise RuntimeError(f"grad_dtype must be a torch.dtype or None, but got "
                               f"{type(value).__name__}")
        self._grad_dtype = value

    def _accumulator(self):
        """The AccumulateGrad node of this leaf; one per tensor while any graph holds it."""
        node = self._accumulator_ref() if self._accumulator_ref is not None else None
        if node is None:
            node = AccumulateGrad(self)
            self._accumulator_ref = weakref.ref(node)
        return node

    @property
    def data(self):
        """The same memory without autograd history (writes through it are not tracked)."""
        return Tensor._make(self._array)

    @data.setter
    def data(self, value):
        self._array = value._array if isinstance(value, Tensor) else np.asarray(value)

    def detach(self):
        """A new tensor sharing memory (and version counter), cut off from the graph. It keeps
        no reference to ``self`` (torch's ``_base`` is None too): a detached loss kept in a list
        must not keep the whole graph behind it alive."""
        out = Tensor._make(self._array)
        out._version_counter = self._version_counter
        return out

    def detach_(self):
        if self._base is not None:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as "
                "True, gradients are views of DDP buckets, and hence detach_() cannot be called on "
                "these gradients. To fix this error, please refer to the Optimizer.zero_grad() "
                "function in torch/optim/optimizer.py as the solution.")
        self._grad_fn = None
        self._requires_grad = False
        return self

    def retain_grad(self):
        """Keep ``.grad`` of this non-leaf tensor after backward (leaves always keep theirs)."""
        if self._grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        node = self._grad_fn
        if node._retained is None:
            node._retained = {}
        node._retained[self._output_nr] = weakref.ref(self)
        self._retains_grad = True

    @property
    def retains_grad(self):
        return self._retains_grad

    def register_hook(self, hook):
        """``hook(grad)`` runs when this tensor's gradient is computed; it may return a new one."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            return _RemovableHandle(self._hooks, hook)
        node = self._grad_fn
        if node._tensor_hooks is None:
            node._tensor_hooks = {}
        return _RemovableHandle(node._tensor_hooks.setdefault(self._output_nr, []), hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (see ``autograd.backward``)."""
        _engine.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # -- conversions ---------------------------------------------------------------------
    def numpy(self, *, force=False):
        """The NumPy array behind this tensor (shared memory, like torch)."""
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        if type(self._array) is not np.ndarray:
            if not force:
                raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use "
                                "Tensor.cpu() to copy the tensor to host memory first.")
            return _host(self._array)
        return self._array

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        return array if dtype is None else array.astype(dtype, copy=False)

    def item(self):
        if self._array.size != 1:
            raise RuntimeError(f"a Tensor with {self._array.size} elements cannot be converted to Scalar")
        return self._array.reshape(()).item() if isinstance(self._array, np.ndarray) \
            else self._array.get().reshape(()).item()

    def tolist(self):
        return _host(self._array).tolist()

    def __float__(self):
        return float(self._scalar("float"))

    def __int__(self):
        return int(self._scalar("int"))

    def __bool__(self):
        if self._array.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __index__(self):
        if self._array.dtype.kind not in "iub" or self._array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def _scalar(self, kind):
        if self._array.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __len__(self):
        if self._array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._array.shape[0]

    def __iter__(self):
        if self._array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self):
        return id(self)

    def __contains__(self, element):
        return bool((self == element).any())

    def __reduce_ex__(self, protocol):
        return (_rebuild, (_host(self._array), self._requires_grad))

    def __deepcopy__(self, memo):
        if self._grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support "
                               "the deepcopy protocol at the moment.")
        out = type(self).__new__(type(self))
        out._init(self._array.copy())
        out._requires_grad = self._requires_grad
        out.__dict__.update({k: v for k, v in self.__dict__.items() if k not in _GRAPH_STATE})
        if self._grad is not None:
            out._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = out
        return out

    def __repr__(self, *, tensor_contents=None):
        from ._printing import format_tensor
        grad_fn = self._grad_fn.name() if self._grad_fn is not None else None
        return format_tensor(self._array if self.is_meta else _host(self._array), self.dtype.name,
                             device=None if self.device.type == "cpu" else str(self.device),
                             requires_grad=self._requires_grad and self._grad_fn is None,
                             grad_fn_name=grad_fn)

    __str__ = __repr__

    def __format__(self, spec):
        """A 0-d tensor formats as its Python number (``f"{t}"`` is ``4.0``), as in torch."""
        if self._array.ndim == 0 and not self.is_meta:
            return format(self.item(), spec)
        return object.__format__(self, spec) if spec else repr(self)

    # -- type and device --------------------------------------------------------------------
    def to(self, *args, dtype=None, device=None, non_blocking=False, copy=False, **kwargs):
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``; no copy when nothing changes."""
        for a in args:
            if isinstance(a, Tensor):
                dtype, device = a.dtype, a.device
            elif isinstance(a, _dtype.dtype):
                dtype = a
            elif a is not None:
                device = a
        from .ops import creation
        out = creation.convert(self, None if dtype is None else _dtype.to_dtype(dtype),
                               None if device is None else _device.to_device(device), copy)
        memory_format = kwargs.get("memory_format")
        if memory_format is None or memory_format is _layout.preserve_format or \
                (out is self and _layout.suggested_format(self._array) is memory_format):
            return out  # torch gives the tensor itself when its strides suggest that format
        return out.clone(memory_format=memory_format)

    def type(self, dtype=None, non_blocking=False, **kwargs):
        if dtype is None:
            return _dtype.legacy_type_name(self.dtype)
        if isinstance(dtype, str):
            dtype = _dtype_from_type_name(dtype)
        return self.to(getattr(dtype, "_legacy_dtype", dtype))  # FloatTensor … carry a dtype

    def type_as(self, other):
        return self.to(other.dtype)

    def float(self):
        return self.to(_dtype.float32)

    def double(self):
        return self.to(_dtype.float64)

    def half(self):
        return self.to(_dtype.float16)

    def long(self):
        return self.to(_dtype.int64)

    def int(self):
        return self.to(_dtype.int32)

    def short(self):
        return self.to(_dtype.int16)

    def char(self):
        return self.to(_dtype.int8)

    def byte(self):
        return self.to(_dtype.uint8)

    def bool(self):
        return self.to(_dtype.bool)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None, non_blocking=False):
        return self.to(_device.device("cuda", device) if isinstance(device, int) else (device or "cuda"))

    # -- operators (the math is in learntorch.ops) ---------------------------------------------
    # x + y, x - y, x * y, x / y and x @ y are made at the end of this file (``_operator``).
    # All answer NotImplemented for an operand no op takes (``x == "a"`` is then False,
    # ``x != None`` True, and ``x ** "a"`` Python's own TypeError), as torch's do.
    def __rtruediv__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _ops.mul(_ops.reciprocal(self), other)  # as torch: 2 / x is MulBackward0, x⁻¹ · 2

    def __floordiv__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _ops.floor_divide(self, other)

    def __rfloordiv__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _ops.floor_divide(other, self)

    def __mod__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _ops.remainder(self, other)

    def __rmod__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _ops.remainder(other, self)

    def __pow__(self, other):
        if type(other) in (float, int) and self._array.dtype.kind == "f":  # x ** 2
            return _ops.pointwise.Pow.run((self,), (self._array,), {"exponent": float(other)})
        if not _is_operand(other):  # (the line above is ops.pow's first case, without its frame)
            return NotImplemented
        return _ops.pow(self, other)

    def __rpow__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _ops.pow(other, self)

    def __rmatmul__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _ops.matmul(other, self)

    def __neg__(self):
        return _ops.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops.abs(self)

    def __invert__(self):
        return _ops.bitwise_not(self)

    def __and__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _ops.logical_and(self, other) if self.dtype is _dtype.bool else _ops.bitwise_and(self, other)

    def __or__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _ops.logical_or(self, other) if self.dtype is _dtype.bool else _ops.bitwise_or(self, other)

    def __xor__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _ops.logical_xor(self, other) if self.dtype is _dtype.bool else _ops.bitwise_xor(self, other)

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    # x += y, x -= y, x *= y and x /= y are made at the end of this file (``_in_place``).

    def __eq__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _ops.eq(self, other)

    def __ne__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _ops.ne(self, other)

    def __lt__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _ops.lt(self, other)

    def __le__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _ops.le(self, other)

    def __gt__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _ops.gt(self, other)

    def __ge__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _ops.ge(self, other)

    def __getitem__(self, index):
        return _ops.getitem(self, index)

    def __setitem__(self, index, value):
        _ops.setitem(self, index, value)

    @property
    def T(self):
        ndim = self._array.ndim
        if ndim > 2:
            warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their "
                          "shape is deprecated and it will throw an error in a future release. "
                          "Consider `x.mT` to transpose batches of matrices or "
                          "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions "
                          "of a tensor", UserWarning, stacklevel=2)
        elif ndim == 0:
            warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in "
                          "these cases.", UserWarning, stacklevel=2)
        return _ops.permute(self, tuple(range(ndim - 1, -1, -1)))

    @property
    def mT(self):
        return _ops.transpose(self, -2, -1)

    @property
    def mH(self):
        """The conjugate transpose of the last two dims (``mT`` for real dtypes)."""
        if self._array.ndim < 2:
            raise RuntimeError(f"tensor.mH is only supported on matrices or batches of matrices. "
                               f"Got {self._array.ndim}-D tensor.")
        return _ops.transpose(self, -2, -1)

    @property
    def H(self):
        """The conjugate transpose of a matrix (``T`` for a real 2-D tensor)."""
        ndim = self._array.ndim
        if ndim == 0:
            warnings.warn("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().",
                          UserWarning, stacklevel=2)
            return self.view_as(self)
        if ndim != 2:
            hint = " For batches of matrices, consider using tensor.mH" if ndim > 2 else ""
            raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got "
                               f"{ndim}-D tensor.{hint}")
        return _ops.transpose(self, 0, 1)

    def __getattr__(self, name):
        """Only reached when ``name`` is not found: say so, naming the family when learntorch
        leaves it out on purpose (``x.to_sparse()``: sparse layouts; see _unsupported.py)."""
        if name.startswith("__"):  # NumPy and copy probe dunders: answer them at once
            raise AttributeError(name)
        raise _unsupported.missing(f"'{type(self).__name__}' object", name)


def _legacy_new(cls, args, device, dtype, same_dtype):
    """The legacy constructors (``Tensor(...)``, ``FloatTensor(...)``, ``x.new(...)``), case by
    case as torch 2.13 does them.

    ``(2, 3)`` or ``(Size([2, 3]),)`` allocates (zeros here, like ``empty``); a tensor gives a
    view of it (``AliasBackward0``); an ndarray of ``dtype`` is shared, as ``from_numpy`` would;
    any other array or sequence is copied into ``dtype``.
    """
    default = dtype.np
    data = args[0] if len(args) == 1 else Size(args)
    if isinstance(data, Tensor):
        if device is not None and not same_dtype:
            raise RuntimeError("Legacy tensor constructor of the form torch.Tensor(tensor, "
                               "device=device) is not supported.  Use torch.tensor(...) or "
                               "torch.as_tensor(...) instead.")
        if same_dtype and data.dtype is not dtype:
            raise TypeError(f"expected {_tensor_options(dtype)} (got {_tensor_options(data.dtype)})")
        return _ops.shape._alias(data)
    if isinstance(data, Size) or _is_int(data):
        array = np.zeros(_shape_arg(args) if args else (0,), dtype=default)
    elif isinstance(data, np.ndarray):
        _dtype.from_numpy_dtype(data.dtype)
        array = data if data.dtype == default else data.astype(default)
    elif isinstance(data, (list, tuple)):
        array = _ops.creation._infer_array(data).astype(default, copy=False)
    elif isinstance(data, str):
        raise TypeError("new(): invalid data type 'str'")
    else:
        kind = type(data)
        name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
        raise TypeError(f"new(): data must be a sequence (got {name})")
    return cls._make(_device.move(array, _device.to_device(device)))


def _tensor_options(dtype):
    """How torch's C++ prints the options a legacy constructor expected or got."""
    return (f"TensorOptions(dtype={_dtype.c_type_name(dtype)}, device=cpu, "
            "layout=Strided, requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))")


# Per-tensor autograd bookkeeping that a deep copy must not share with the original.
_GRAPH_STATE = {"_grad", "_base", "_view_version", "_accumulator_ref", "_hooks", "_retains_grad"}

def _dtype_from_type_name(name):
    for d in _dtype.ALL:
        if name == _dtype.legacy_type_name(d):
            return d
    try:
        return _dtype.to_dtype(name.replace("torch.", ""))
    except TypeError:
        raise ValueError(f"invalid type: '{name}'") from None


def _is_operand(value):
    """What an operator computes with: a tensor, a number or a NumPy array."""
    return type(value) in (float, int) or isinstance(  # plain numbers first: the usual case
        value, (Tensor, numbers.Number, np.ndarray, np.generic))


def _host(array):
    if type(array) is _meta.MetaArray:
        raise NotImplementedError(_meta.NO_DATA)
    return array if isinstance(array, np.ndarray) else array.get()


def _rebuild(array, requires_grad):
    t = Tensor._make(array)
    t._requires_grad = requires_grad
    return t


def _empty_strides(shape):
    """NumPy gives an empty array zero strides; torch gives row-major ones over max(size, 1)."""
    strides, step = [], 1
    for size in reversed(shape):
        strides.insert(0, step)
        step *= max(size, 1)
    return tuple(strides)


def _wrap_dim(dim, ndim):
    """A possibly negative dim as an index; IndexError in torch's words when out of range."""
    low, high = (-ndim, ndim - 1) if ndim else (-1, 0)
    if not low <= dim <= high:
        raise IndexError(f"Dimension out of range (expected to be in range of [{low}, {high}], "
                         f"but got {dim})")
    return dim % ndim if ndim else 0


def _shape_arg(args, name=None, keyword=False):
    """``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` and ``f(torch.Size([2, 3]))`` all mean shape (2, 3).

    ``name``: the function (``"empty"``), for torch's parser's words when a size is not an int
    (``keyword``: the size came as ``size=``)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    elif name is not None and len(args) >= 1 and not _is_int(args[0]) \
            and not isinstance(args[0], Tensor):
        raise _size_type_error(name, args, keyword)
    shape = []
    for i, s in enumerate(args):
        if isinstance(s, Tensor):
            if name is not None and (s.ndim or s._array.dtype.kind not in "iub"):
                raise _size_element_error(name, i, "Tensor")
            s = s.item()
        if not _is_int(s) and not (name is not None and i and isinstance(s, bool)):
            if name is not None:
                raise _size_element_error(name, i, _type_name(s), keyword and isinstance(
                    args, tuple))
            raise TypeError(f"size must be a tuple of ints, but got an element of type "
                            f"{type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(args)}")
        shape.append(int(s))
    return tuple(shape)


def _type_name(value):
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def _size_type_error(name, args, keyword):
    """torch's words for a size that is neither an int nor a sequence of them."""
    if len(args) > 1:
        return TypeError(f"{name}() takes 1 positional argument but {len(args)} were given")
    where = "" if keyword else " (position 1)"
    return TypeError(f"{name}(): argument 'size'{where} must be tuple of ints, not "
                     f"{_type_name(args[0])}")


def _size_element_error(name, i, type_name, keyword_tuple=False):
    """torch's parser checks the first element when it picks the signature, the rest when it
    unpacks the sequence (counting from 1); a first bad element by keyword names the tuple."""
    if i == 0:
        if keyword_tuple:
            return TypeError(f"{name}(): argument 'size' must be tuple of ints, not tuple")
        return TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, but "
                         f"found element of type {type_name} at pos 0")
    return TypeError(f"{name}(): argument 'size' failed to unpack the object at pos {i + 1} with "
                     f"error \"type must be tuple of ints,but got {type_name}\"")


def _is_int(s):
    """An integer as torch reads a size: Python or NumPy, or a 0-d integer array; not a bool."""
    if isinstance(s, np.ndarray):
        return s.ndim == 0 and s.dtype.kind in "iu"
    return isinstance(s, (int, np.integer)) and not isinstance(s, bool)


def _to_nested_data(data):
    """Tensors inside lists become plain values so NumPy can read them."""
    if isinstance(data, Tensor):
        return _host(data._array)
    if isinstance(data, (list, tuple)):
        return [_to_nested_data(d) for d in data]
    return data


from . import ops as _ops  # noqa: E402  (ops import Tensor: this must come after the class)
from .autograd import engine as _engine  # noqa: E402



def _operator(op, name, takes=_is_operand):
    """``x + y`` and its kind: ``op(x, y)``, or NotImplemented for an operand ``op`` does not
    take, so that Python tries the other side and then raises torch's TypeError ("unsupported
    operand type(s) for +: 'Tensor' and 'str'").  Tensors and plain numbers are let through
    first: nearly every op in a training step comes this way (``2 * x`` is ``mul(x, 2)``)."""
    def method(self, other):
        if isinstance(other, Tensor) or takes(other):
            return op(self, other)
        return NotImplemented
    method.__name__ = method.__qualname__ = name
    return method


def _arithmetic(op, op_class, name):
    """``_operator(op, name)`` for ``+ - * /``, with the operands of nearly every such op in a
    training step run straight through ``op_class`` (``Add``, ``Mul`` …): two float tensors
    of one dtype, or a float tensor and a Python number.

    The simple version is ``_operator(op, name)``: ``op`` (``ops.add`` …) takes every case
    through ``_promote.binary``, which starts with these two; this one exists because those
    two frames cost about as much as the NumPy call of a small op.
    """
    def method(self, other):
        array = self._array
        if type(other) in (float, int):  # a Python number, as binary() hands it to NumPy
            if array.dtype.kind == "f":
                inputs, arrays = (self, _NUMBER), (array, float(other))
            else:
                return op(self, other)
        elif isinstance(other, Tensor):
            if other._array.dtype == array.dtype and array.dtype.kind == "f":
                inputs, arrays = (self, other), (array, other._array)
            else:
                return op(self, other)
        elif _is_operand(other):
            return op(self, other)
        else:
            return NotImplemented
        try:
            return op_class.run(inputs, arrays, {})
        except ValueError:  # shapes that do not broadcast: op raises torch's error
            return op(self, other)
    method.__name__ = method.__qualname__ = name
    return method


def _is_matrix_operand(value):
    """What ``x @ value`` takes besides a tensor: a NumPy array (not a number, unlike ``*``)."""
    return isinstance(value, np.ndarray)


def _in_place(ufunc, name, dunder):
    """``x -= y`` and its kind: ``x.sub_(y)`` (``name``), whose first step, ``_write_directly``
    (a float tensor updated in place with no graph to record, as SGD's ``p -= lr * p.grad``),
    is taken here without the method's two frames; the simple version is ``self.sub_(other)``."""
    write_directly = _ops._mutation._write_directly

    def method(self, other):
        if write_directly(self, ufunc, other):
            return self
        return getattr(self, name)(other)
    method.__name__ = method.__qualname__ = dunder
    return method


Tensor.__iadd__ = _in_place(np.add, "add_", "__iadd__")
Tensor.__isub__ = _in_place(np.subtract, "sub_", "__isub__")
Tensor.__imul__ = _in_place(np.multiply, "mul_", "__imul__")
Tensor.__itruediv__ = _in_place(np.true_divide, "div_", "__itruediv__")
_NUMBER = _ops._promote.NUMBER
_pointwise = _ops.pointwise
Tensor.__add__ = _arithmetic(_ops.add, _pointwise.Add, "__add__")
Tensor.__radd__ = _arithmetic(_ops.add, _pointwise.Add, "__radd__")
Tensor.__sub__ = _arithmetic(_ops.sub, _pointwise.Sub, "__sub__")
Tensor.__rsub__ = _arithmetic(_ops.rsub, _pointwise.Rsub, "__rsub__")
Tensor.__mul__ = _arithmetic(_ops.mul, _pointwise.Mul, "__mul__")
Tensor.__rmul__ = _arithmetic(_ops.mul, _pointwise.Mul, "__rmul__")
Tensor.__truediv__ = _arithmetic(_ops.div, _pointwise.Div, "__truediv__")
Tensor.__matmul__ = _operator(_ops.matmul, "__matmul__", takes=_is_matrix_operand)
