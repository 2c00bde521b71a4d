"""The ``meta`` device: tensors that have a shape, a dtype and a history, but no data.

torch uses them to build a model without memory (``nn.Linear(10**5, 10**5, device='meta')``),
to learn the shapes an op gives, or as a stateless skeleton for ``functional_call``
(the model-ensembling tutorial does ``copy.deepcopy(model).to('meta')``).

A meta tensor's array is a ``MetaArray``: usually one zero of its dtype seen through zero
strides as the whole shape, so it costs no memory whatever its size. Ops run unchanged on it:

* elementwise ufuncs do not compute at all: the result's dtype comes from the ufunc applied
  to one zero, its shape from broadcasting, and the result is again a broadcast zero;
* every other NumPy function runs on the zeros (the cheapest honest way to get torch's
  shapes and dtypes) and its arrays come back as meta arrays;
* what would read values out (``item``, ``tolist``, ``numpy``, a copy to the CPU, functions
  whose result's *shape* depends on the values such as ``nonzero``) raises torch's error.

Differences from torch: a meta tensor meeting a CPU tensor in an op gives a meta result
(torch raises "Tensor on device cpu is not on the expected device meta!": at the NumPy level
an op's own plain temporaries cannot be told from a CPU operand); strides are reported row-major (``stride()``, ``is_contiguous``) even
for a transposed or expanded view, and internal checks of values (e.g. class indices in
bounds) see zeros, where torch skips them.
"""
import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple
from numpy.lib.stride_tricks import as_strided

NO_DATA = "Cannot copy out of meta tensor; no data!"


def _zero(np_dtype):
    return np.zeros((), np_dtype)


def empty(shape, np_dtype):
    """A meta array of ``shape``: one zero of ``np_dtype`` seen through zero strides. It is
    writeable so that NumPy hands ``out=`` and assignments to MetaArray, which skips them."""
    shape = tuple(shape)
    return as_strided(_zero(np_dtype), shape, (0,) * len(shape), writeable=True).view(MetaArray)


def _hollow(array):
    """A meta array made by ``empty`` (or a view of one): all its strides are zero."""
    return isinstance(array, MetaArray) and not any(array.strides)


def like(array):
    """A meta array with ``array``'s shape and dtype."""
    return empty(array.shape, array.dtype)


def _plain(value):
    """A MetaArray seen as a plain ndarray (so NumPy's own code runs on it)."""
    return value.view(np.ndarray) if isinstance(value, MetaArray) else value


def _plain_all(values):
    if isinstance(values, (list, tuple)):
        return type(values)(_plain_all(v) for v in values)
    return _plain(values)


def _as_meta(result):
    """NumPy's result with every array (and NumPy scalar) in it made meta."""
    if isinstance(result, (np.ndarray, np.generic)):
        return like(np.asarray(result))
    if isinstance(result, tuple):
        return type(result)(*map(_as_meta, result)) if hasattr(result, "_fields") \
            else tuple(map(_as_meta, result))
    if isinstance(result, list):
        return [_as_meta(r) for r in result]
    return result


# Functions whose result's shape depends on the values: torch has no meta kernel for them.
_DATA_DEPENDENT = {np.nonzero: "aten::nonzero", np.flatnonzero: "aten::nonzero",
                   np.argwhere: "aten::nonzero", np.unique: "aten::_unique2",
                   np.extract: "aten::masked_select", np.array_equal: "aten::equal"}


def _no_meta_kernel(name):
    if name == "aten::nonzero":
        return NotImplementedError(
            "The register_meta function for torch.nonzero() raises unimplemented by default, as a "
            "correct data-independent implementation does not exist. This implementation returns "
            "a fake value, assuming all elements of the tensor are non-zero. To enable this "
            "registration, please set "
            "'torch.fx.experimental._config.meta_nonzero_assume_all_nonzero' to True.")
    return NotImplementedError(
        f"{name}: attempted to run this operator with Meta tensors, but there was no fake impl "
        "or Meta kernel registered. You may have run into this message while using an operator "
        "with PT2 compilation APIs (torch.compile/torch.export); in order to use this operator "
        "with those APIs you'll need to add a fake impl. Please see the following for next "
        "steps:  https://pytorch.org/tutorials/advanced/custom_ops_landing_page.html")


def _reduce_hollow(ufunc, array, kwargs):
    """``ufunc.reduce`` of data that is not there: the dtype from the same reduction of one
    element, the shape from the axes (NumPy would otherwise add up every one of the 10¹² zeros
    a 10⁶×10⁶ meta tensor stands for)."""
    axis = kwargs.get("axis", 0)
    axes = range(array.ndim) if axis is None else normalize_axis_tuple(axis, array.ndim)
    one = ufunc.reduce(array.reshape(-1)[:1], **{k: v for k, v in kwargs.items()
                                               if k not in ("axis", "keepdims", "where")})
    keep = kwargs.get("keepdims", False)
    shape = [1 if i in axes else s for i, s in enumerate(array.shape)] if keep else \
        [s for i, s in enumerate(array.shape) if i not in axes]
    return empty(shape, np.asarray(one).dtype)


class MetaArray(np.ndarray):
    """An ndarray that stands for data that does not exist (see the module docstring)."""

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        elementwise = method == "__call__" and ufunc.signature is None
        plain = [_plain(x) for x in inputs]
        if out is not None and all(_hollow(o) for o in out):
            shape = np.broadcast_shapes(*(np.shape(x) for x in plain))
            if elementwise and shape == out[0].shape:
                return out[0] if len(out) == 1 else out  # nothing to write into
        if out is not None:
            kwargs["out"] = tuple(_plain(o) for o in out)
            with np.errstate(all="ignore"):
                getattr(ufunc, method)(*plain, **kwargs)
            return out[0] if len(out) == 1 else out
        if method == "reduce" and _hollow(inputs[0]) and inputs[0].size \
                and kwargs.get("where", True) is True:
            return _reduce_hollow(ufunc, plain[0], kwargs)
        if elementwise and "where" not in kwargs:
            shape = np.broadcast_shapes(*(np.shape(x) for x in plain))
            with np.errstate(all="ignore"):
                one = ufunc(*[_zero(x.dtype) if isinstance(x, np.ndarray) else x
                              for x in plain], **kwargs)
            if isinstance(one, tuple):
                return tuple(empty(shape, o.dtype) for o in one)
            return empty(shape, np.asarray(one).dtype)
        with np.errstate(all="ignore"):
            return _as_meta(getattr(ufunc, method)(*plain, **kwargs))

    def __array_function__(self, func, types, args, kwargs):
        if func in _DATA_DEPENDENT:
            raise _no_meta_kernel(_DATA_DEPENDENT[func])
        with np.errstate(all="ignore"):
            return _as_meta(func(*_plain_all(args), **{k: _plain_all(v) for k, v in
                                                       kwargs.items()}))

    def __setitem__(self, index, value):
        if not _hollow(self):
            super().__setitem__(_plain_all(index), _plain(value))

    def __getitem__(self, index):
        if _is_mask(index):
            raise _no_meta_kernel("aten::nonzero")
        return super().__getitem__(_plain_all(index))

    def argmax(self, *args, **kwargs):
        return _as_meta(self.view(np.ndarray).argmax(*args, **kwargs))

    def argmin(self, *args, **kwargs):
        return _as_meta(self.view(np.ndarray).argmin(*args, **kwargs))

    def nonzero(self):
        raise _no_meta_kernel("aten::nonzero")

    def item(self, *args):
        raise RuntimeError("Tensor.item() cannot be called on meta tensors")

    def tolist(self):
        raise NotImplementedError(NO_DATA)


def _is_mask(index):
    items = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, np.ndarray) and i.dtype == bool and i.ndim for i in items)
