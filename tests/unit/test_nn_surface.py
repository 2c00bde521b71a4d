"""Every public name of torch.nn and its functional/init/utils/utils.rnn namespaces exists in
learntorch — the list comes from the installed torch's own ``dir()``, so it follows torch.

Names nobody has written yet are listed in NOT_YET.  The test fails both when a name is
missing and is not listed there, and when a listed name has appeared (then delete it from
NOT_YET): the list can only shrink.
"""
import types

import pytest

import learntorch as lt
from learntorch._unsupported import family_of

torch = pytest.importorskip("torch")

NAMESPACES = ("nn", "nn.functional", "nn.init", "nn.utils", "nn.utils.rnn")

# What torch's namespaces import for their own use (typing, dispatch helpers, doc snippets).
_HELPER_MODULES = {"torch._jit_internal", "torch.overrides", "torch._C", "torch.utils._typing_utils"}
_DOC_NOTES = {"reproducibility_notes", "sparse_support_notes", "tf32_notes", "TYPE_CHECKING"}

NOT_YET = set()  # every name is here or in a family learntorch leaves out (see LEFT_OUT)


def _resolve(root, dotted):
    for part in dotted.split("."):
        root = getattr(root, part, None)
    return root


def _public(namespace):
    """Public API names of ``torch.<namespace>``, read from its dir()."""
    mod = _resolve(torch, namespace)
    declared = getattr(mod, "__all__", None)
    names = set()
    for name in dir(mod):
        obj = getattr(mod, name)
        if name.startswith("_") or isinstance(obj, types.ModuleType) or name in _DOC_NOTES:
            continue
        if declared is not None and name not in declared:
            continue  # torch says this is not part of the module's API
        origin = getattr(obj, "__module__", None) or ""
        if callable(obj):
            if obj is torch.Tensor or not origin.startswith("torch") or \
                    origin in _HELPER_MODULES:
                continue  # typing constructs, torch.Tensor, dispatch helpers
        elif not name.isupper():
            continue  # a non-callable that is not a constant
        names.add(f"{namespace}.{name}")
    return names


ALL_NAMES = sorted(set().union(*(_public(ns) for ns in NAMESPACES)))
# Names of a family learntorch leaves out on purpose (learntorch/_unsupported.py): the float8
# scaled and grouped matmuls and their enums.
LEFT_OUT = {name for name in ALL_NAMES if family_of(name.split(".")[-1])
            and _resolve(lt, name) is None}


def test_the_list_is_derived_from_torch():
    assert len(ALL_NAMES) > 300
    for expected in ("nn.Linear", "nn.functional.linear", "nn.init.kaiming_uniform_",
                     "nn.utils.clip_grad_norm_", "nn.utils.rnn.pad_sequence", "nn.Module"):
        assert expected in ALL_NAMES


def test_not_yet_only_names_torch_has():
    assert NOT_YET <= set(ALL_NAMES), sorted(NOT_YET - set(ALL_NAMES))


def test_only_the_float8_matmuls_are_left_out():
    assert {name.split(".")[-1] for name in LEFT_OUT} == {
        "ScalingType", "SwizzleType", "grouped_mm", "scaled_grouped_mm", "scaled_mm"}


@pytest.mark.parametrize("name", [n for n in ALL_NAMES if n not in LEFT_OUT])
def test_name_exists_in_learntorch(name):
    exists = _resolve(lt, name) is not None
    if name in NOT_YET:
        assert not exists, f"learntorch.{name} exists now: delete it from NOT_YET in {__file__}"
    else:
        assert exists, f"learntorch.{name} is missing (torch has it)"


@pytest.mark.parametrize("name", [n for n in ALL_NAMES if n not in NOT_YET | LEFT_OUT])
def test_kind_matches_torch(name):
    """A class in torch is a class here, a function a callable."""
    ours, theirs = _resolve(lt, name), _resolve(torch, name)
    if isinstance(theirs, type):
        assert isinstance(ours, type), f"learntorch.{name} should be a class"
    elif callable(theirs):
        assert callable(ours), f"learntorch.{name} should be callable"
