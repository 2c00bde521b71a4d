"""Every public name of torch.nn and its functional/init/utils/utils.rnn namespaces exists in
learntorch — the list comes from the installed torch's own ``dir()``, so it follows torch.

Names nobody has written yet are listed in NOT_YET.  The test fails both when a name is
missing and is not listed there, and when a listed name has appeared (then delete it from
NOT_YET): the list can only shrink.
"""
import types

import pytest

import learntorch as lt

torch = pytest.importorskip("torch")

NAMESPACES = ("nn", "nn.functional", "nn.init", "nn.utils", "nn.utils.rnn")

# What torch's namespaces import for their own use (typing, dispatch helpers, doc snippets).
_HELPER_MODULES = {"torch._jit_internal", "torch.overrides", "torch._C", "torch.utils._typing_utils"}
_DOC_NOTES = {"reproducibility_notes", "sparse_support_notes", "tf32_notes", "TYPE_CHECKING"}

NOT_YET = {
    # float8/bfloat16 grouped and scaled matmuls for accelerators, and their enums
    "nn.functional.ScalingType", "nn.functional.SwizzleType", "nn.functional.grouped_mm",
    "nn.functional.scaled_grouped_mm", "nn.functional.scaled_mm",
}


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


def test_the_list_is_derived_from_torch():
    assert len(ALL_NAMES) > 300
    for expected in ("nn.Linear", "nn.functional.linear", "nn.init.kaiming_uniform_",
                     "nn.utils.clip_grad_norm_", "nn.utils.rnn.pad_sequence", "nn.Module"):
        assert expected in ALL_NAMES


def test_not_yet_only_names_torch_has():
    assert NOT_YET <= set(ALL_NAMES), sorted(NOT_YET - set(ALL_NAMES))


@pytest.mark.parametrize("name", ALL_NAMES)
def test_name_exists_in_learntorch(name):
    exists = _resolve(lt, name) is not None
    if name in NOT_YET:
        assert not exists, f"learntorch.{name} exists now: delete it from NOT_YET in {__file__}"
    else:
        assert exists, f"learntorch.{name} is missing (torch has it)"


@pytest.mark.parametrize("name", [n for n in ALL_NAMES if n not in NOT_YET])
def test_kind_matches_torch(name):
    """A class in torch is a class here, a function a callable."""
    ours, theirs = _resolve(lt, name), _resolve(torch, name)
    if isinstance(theirs, type):
        assert isinstance(ours, type), f"learntorch.{name} should be a class"
    elif callable(theirs):
        assert callable(ours), f"learntorch.{name} should be callable"
