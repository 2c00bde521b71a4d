"""Collate: a list of samples → one batch (tensors stacked, numbers turned into tensors, the
structure of dicts / tuples / namedtuples / lists kept).  torch.utils.data._utils.collate's rules,
including its type-keyed ``collate_fn_map`` that users extend."""
import collections
import copy
import re

import numpy as np

from .dataset import GatheredBatch

__all__ = ["collate", "default_collate", "default_convert", "default_collate_fn_map"]

np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = ("default_collate: batch must contain tensors, numpy arrays, "
                                  "numbers, dicts or lists; found {}")


def _lt():
    import learntorch
    return learntorch


def default_convert(data):
    """Turn each NumPy array/scalar inside ``data`` into a tensor; leave the rest as it is.
    (The collate of ``batch_size=None``: samples are not batched.)"""
    lt = _lt()
    elem_type = type(data)
    if isinstance(data, lt.Tensor):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"):
        if elem_type.__name__ == "ndarray" and np_str_obj_array_pattern.search(data.dtype.str):
            return data
        return lt.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update({key: default_convert(data[key]) for key in data})
                return clone
            return elem_type({key: default_convert(data[key]) for key in data})
        except TypeError:
            return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]  # torch: tuples become lists
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                for i, d in enumerate(data):
                    clone[i] = default_convert(d)
                return clone
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


def _collate_mapping(batch, elem, collate_fn_map):
    def merged():
        return {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                for key in elem}
    try:
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(merged())
            return clone
        return type(elem)(merged())
    except TypeError:
        return merged()


def _collate_sequence(batch, elem, collate_fn_map):
    it = iter(batch)
    elem_size = len(next(it))
    if not all(len(e) == elem_size for e in it):
        raise RuntimeError("each element in list of batch should be of equal size")
    columns = [collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)]
    if isinstance(elem, tuple):
        return columns  # torch: tuples become lists (backwards compatibility)
    try:
        if isinstance(elem, collections.abc.MutableSequence):
            clone = copy.copy(elem)
            clone[:] = columns
            return clone
        return type(elem)(columns)
    except TypeError:
        return columns


def collate(batch, *, collate_fn_map=None):
    """Collate ``batch`` by the type of its first element: ``collate_fn_map`` first (exact type,
    then subclasses, in insertion order), then mappings, namedtuples and sequences recursively."""
    if isinstance(batch, GatheredBatch):
        return batch.collated
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _collate_mapping(batch, elem, collate_fn_map)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map)
                           for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        return _collate_sequence(batch, elem, collate_fn_map)
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    return _lt().stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([_lt().as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    return _lt().as_tensor(batch)


def collate_float_fn(batch, *, collate_fn_map=None):
    lt = _lt()
    return lt.tensor(batch, dtype=lt.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    return _lt().tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map = {}  # filled by _register_defaults once learntorch.Tensor exists


def _register_defaults():
    from ..._tensor import Tensor
    default_collate_fn_map.update({
        Tensor: collate_tensor_fn,
        np.ndarray: collate_numpy_array_fn,
        (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
        float: collate_float_fn,
        int: collate_int_fn,
        str: collate_str_fn,
    })


_register_defaults()


def default_collate(batch):
    """The DataLoader's collate: tensors → ``stack``; NumPy arrays → tensors, stacked; floats →
    float64 tensor; ints → int64 tensor; strings kept as a list; dicts, namedtuples, tuples and
    lists collated field by field (tuples come back as lists, as in torch).

    A ``GatheredBatch`` (``TensorDataset.__getitems__``) is already a batch and is returned as is.
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)
