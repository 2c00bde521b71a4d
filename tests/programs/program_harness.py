"""Run a tutorial-style program on learntorch and on torch and compare what each returned.

A program is a function of the module it runs on: ``program(torch)``, or
``program(torch, vision)`` when it also uses torchvision (``learntorch.vision`` on our side).
It returns a dict of what a reader of the tutorial would look at: tensors, numbers, strings,
lists of them.  With the same seed both libraries draw the same random numbers (learntorch's
generator is torch's, bit for bit), so:

* keys starting with ``init`` (random starting points, shuffled orders, sampled data) must be
  equal to the bit;
* everything else is the result of a computation and must agree to float32 rounding
  (``rtol``/``atol``); integers, strings and booleans must be equal.

While the learntorch run lasts, ``torch`` and ``torchvision`` (and every submodule) *are*
learntorch and learntorch.vision in ``sys.modules``, so a program may write the tutorial's own
``import torch.nn as nn`` or ``from torch.utils.data import DataLoader`` inside its body and
gets learntorch's module, exactly as a script that starts with ``import learntorch as torch``
would if learntorch were installed under that name.
"""
import contextlib
import importlib
import importlib.abc
import importlib.machinery
import inspect
import math
import pathlib
import sys

import numpy as np
import torch as real_torch

import learntorch
import learntorch.vision

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "parity"))
from torchvision_oracle import import_torchvision  # noqa: E402


ALIASES = (("torchvision", "learntorch.vision"), ("torch", "learntorch"))


def _alias_of(name):
    for alias, real in ALIASES:
        if name == alias or name.startswith(alias + "."):
            return real + name[len(alias):]
    return None


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``torch.x.y`` as the already imported (or now imported) ``learntorch.x.y``."""

    def find_spec(self, fullname, path=None, target=None):
        real = _alias_of(fullname)
        if real is None:
            return None
        module = importlib.import_module(real)
        return importlib.machinery.ModuleSpec(fullname, self, origin=real,
                                              loader_state=(module, module.__spec__))

    def create_module(self, spec):
        return spec.loader_state[0]

    def exec_module(self, module):
        module.__spec__ = module.__spec__.loader_state[1]  # the import machinery overwrote it


@contextlib.contextmanager
def torch_is_learntorch():
    """``import torch`` (and torchvision) gives learntorch while the block runs."""
    saved = {name: mod for name, mod in sys.modules.items() if _alias_of(name) is not None}
    for name in saved:
        del sys.modules[name]
    for name, mod in list(sys.modules.items()):
        if name.startswith("learntorch.vision"):
            sys.modules["torchvision" + name[len("learntorch.vision"):]] = mod
        if name == "learntorch" or name.startswith("learntorch."):
            sys.modules["torch" + name[len("learntorch"):]] = mod
    finder = _AliasFinder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for name in [n for n in sys.modules if _alias_of(n) is not None]:
            del sys.modules[name]
        sys.modules.update(saved)


@contextlib.contextmanager
def _one_thread():
    """torch on one thread: on a shared machine its idle workers spin; results do not change
    beyond float32 rounding."""
    threads = real_torch.get_num_threads()
    real_torch.set_num_threads(1)
    try:
        yield
    finally:
        real_torch.set_num_threads(threads)


def run_both(program, tmp_path=None):
    """(learntorch's result, torch's result) of ``program``, each run from a clean state."""
    wants = list(inspect.signature(program).parameters)
    results = []
    for torch, vision in ((learntorch, learntorch.vision), (real_torch, None)):
        if "vision" in wants and vision is None:
            vision = import_torchvision()
        kwargs = {"vision": vision} if "vision" in wants else {}
        if "tmp_path" in wants:
            kwargs["tmp_path"] = tmp_path / torch.__name__
            kwargs["tmp_path"].mkdir()
        with torch_is_learntorch() if torch is learntorch else _one_thread():
            results.append(program(torch, **kwargs))
    return results


def assert_same_run(program, rtol=1e-4, atol=1e-5, tmp_path=None):
    ours, theirs = run_both(program, tmp_path)
    assert_same(ours, theirs, rtol, atol)
    return ours, theirs


def _as_array(value):
    if isinstance(value, (learntorch.Tensor, real_torch.Tensor)):
        return value.detach().cpu().numpy(), str(value.dtype).replace("learntorch.", "torch.")
    if isinstance(value, np.ndarray):
        return value, str(value.dtype)
    return None, None


def assert_same(ours, theirs, rtol, atol, where="result", exact=False):
    """Recursive comparison; the first difference is reported with the path to it."""
    array, dtype = _as_array(ours)
    if array is not None:
        real, real_dtype = _as_array(theirs)
        assert real is not None, f"{where}: learntorch gave a tensor, torch a {type(theirs)}"
        assert dtype == real_dtype, f"{where}: dtype {dtype} vs torch's {real_dtype}"
        assert array.shape == real.shape, f"{where}: shape {array.shape} vs torch's {real.shape}"
        if exact or array.dtype.kind in "biu":
            assert np.array_equal(array, real), f"{where}: differs from torch's (must be exact)"
        else:
            np.testing.assert_allclose(array, real, rtol=rtol, atol=atol, err_msg=where)
    elif isinstance(ours, dict):
        assert isinstance(theirs, dict) and list(ours) == list(theirs), \
            f"{where}: keys {list(ours)} vs torch's {list(theirs)}"
        for key in ours:
            assert_same(ours[key], theirs[key], rtol, atol, f"{where}[{key!r}]",
                        exact or str(key).startswith("init"))
    elif isinstance(ours, (list, tuple)):
        assert isinstance(theirs, (list, tuple)) and len(ours) == len(theirs), \
            f"{where}: {len(ours)} items vs torch's {theirs!r}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, rtol, atol, f"{where}[{i}]", exact)
    elif isinstance(ours, float) and not exact:
        assert isinstance(theirs, float), f"{where}: float {ours} vs torch's {theirs!r}"
        assert math.isclose(ours, theirs, rel_tol=rtol * 10, abs_tol=atol * 10), \
            f"{where}: {ours} vs torch's {theirs}"
    else:
        assert type(ours) is type(theirs) and ours == theirs, \
            f"{where}: {ours!r} vs torch's {theirs!r}"
