"""Every row of the API manual exists wherever torch has it: as ``learntorch.f`` and as ``x.f``."""
import importlib.util
from pathlib import Path

import pytest

import learntorch as lt

torch = pytest.importorskip("torch")

_spec = importlib.util.spec_from_file_location(
    "api_coverage", Path(__file__).resolve().parents[2] / "tools" / "api_coverage.py")
api_coverage = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_coverage)

NAMES = sorted({name for _, name, _ in api_coverage.ROWS})


@pytest.mark.parametrize("name", NAMES)
def test_function_exists_where_torch_has_it(name):
    if api_coverage._find(torch, name.split(".")[0]) is None:
        pytest.skip("not a torch function")
    target_torch, target_lt = torch, lt
    for part in name.split("."):
        target_torch = getattr(target_torch, part, None)
        target_lt = getattr(target_lt, part, None)
    if target_torch is not None:
        assert target_lt is not None, f"learntorch.{name} is missing"


@pytest.mark.parametrize("name", [n for n in NAMES if "." not in n])
def test_tensor_method_exists_where_torch_has_it(name):
    in_torch = hasattr(torch.Tensor, name)
    in_place = name + "_"
    assert hasattr(lt.Tensor, name) or not in_torch, f"Tensor.{name} is missing"
    assert hasattr(lt.Tensor, in_place) or not hasattr(torch.Tensor, in_place), \
        f"Tensor.{in_place} is missing"
