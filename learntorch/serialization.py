"""``save``/``load``: tensors and dicts/lists of them, in a format that cannot run code.

torch.save pickles, and unpickling a file from the internet can execute anything.
learntorch writes a zip archive instead: ``structure.json`` describes the object
(dicts, lists, tuples, numbers, strings, None, tensors) and each tensor's data is a
``.npy`` file read back with ``allow_pickle=False``.  Loading never imports or calls
anything named in the file.  Two tensors that shared memory come back as copies.
"""
import collections
import io
import json
import zipfile

import numpy as np

from ._tensor import Tensor

_FORMAT = "learntorch-save-v1"


def save(obj, f, pickle_module=None, pickle_protocol=None, _use_new_zipfile_serialization=True):
    """Write ``obj`` to ``f`` (a path or a binary file object)."""
    arrays = []
    structure = {"format": _FORMAT, "object": _encode(obj, arrays)}
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("structure.json", json.dumps(structure))
        for i, array in enumerate(arrays):
            buffer = io.BytesIO()
            np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
            archive.writestr(f"tensors/{i}.npy", buffer.getvalue())


def _encode(obj, arrays):
    if isinstance(obj, Tensor):
        arrays.append(obj.detach().cpu()._array)
        return {"tensor": len(arrays) - 1, "requires_grad": obj.requires_grad,
                "parameter": type(obj).__name__ == "Parameter"}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return {"value": obj}
    if isinstance(obj, dict):
        kind = "ordered_dict" if isinstance(obj, collections.OrderedDict) else "dict"
        return {kind: [[_encode(k, arrays), _encode(v, arrays)] for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        return {"list" if isinstance(obj, list) else "tuple": [_encode(v, arrays) for v in obj]}
    raise TypeError(f"learntorch.save can store tensors, numbers, strings, None and dicts, lists or "
                    f"tuples of them; got {type(obj).__name__}")


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **kwargs):
    """Read what ``save`` wrote.  Nothing in the file is ever executed."""
    try:
        archive = zipfile.ZipFile(f)
    except zipfile.BadZipFile:
        raise RuntimeError("learntorch.load: not a learntorch checkpoint (files written by "
                           "torch.save use pickle, which learntorch does not load)") from None
    with archive:
        structure = json.loads(archive.read("structure.json"))
        if structure.get("format") != _FORMAT:
            raise RuntimeError(f"learntorch.load: unknown format {structure.get('format')!r}")

        def array(i):
            return np.load(io.BytesIO(archive.read(f"tensors/{i}.npy")), allow_pickle=False)

        return _decode(structure["object"], array, map_location)


def _decode(node, array, map_location):
    if "tensor" in node:
        t = Tensor._make(array(node["tensor"]))
        if map_location is not None and not callable(map_location) and not isinstance(map_location, dict):
            t = t.to(map_location)
        if node.get("parameter"):
            from .nn.parameter import Parameter
            return Parameter(t, requires_grad=node["requires_grad"])
        return t.requires_grad_(node["requires_grad"]) if node["requires_grad"] else t
    if "value" in node:
        return node["value"]
    for kind, make in (("dict", dict), ("ordered_dict", collections.OrderedDict)):
        if kind in node:
            return make((_decode(k, array, map_location), _decode(v, array, map_location))
                        for k, v in node[kind])
    if "list" in node:
        return [_decode(v, array, map_location) for v in node["list"]]
    if "tuple" in node:
        return tuple(_decode(v, array, map_location) for v in node["tuple"])
    raise RuntimeError(f"learntorch.load: unknown entry {sorted(node)}")
