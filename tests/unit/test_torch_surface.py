"""torch's whole public surface — torch, torch.Tensor, and the namespaces of issue 14 — exists in
learntorch, or belongs to a family learntorch leaves out on purpose and says so.

The names come from the installed torch (tools/torch_surface.py reads its ``dir()``/``__all__``).
Those nobody has written yet are listed in torch_surface_not_yet.txt: the test fails when a name
is missing and not listed, and when a listed name has appeared (delete it then): the list can only
shrink.
"""
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

import learntorch as lt
from learntorch._unsupported import FAMILIES

torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("torch_surface", ROOT / "tools" / "torch_surface.py")
surface = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(surface)

NOT_YET = set((Path(__file__).parent / "torch_surface_not_yet.txt").read_text().split())
NAMES = surface.public_names(torch)


def _state(dotted):
    if surface.has(lt, dotted):
        return "implemented"
    return "left out" if surface.left_out(dotted) else "missing"


def test_the_list_is_derived_from_torch():
    assert {"zeros", "Tensor.add_", "special.zeta", "fft.rfft", "linalg.svd",
            "distributions.Normal", "testing.assert_close"} <= set(NAMES)
    assert "os" not in NAMES and "Tensor.__add__" not in NAMES


def test_every_name_is_implemented_or_left_out():
    missing = {name for name in NAMES if _state(name) == "missing"}
    assert not missing - NOT_YET, f"missing from learntorch: {sorted(missing - NOT_YET)}"


def test_the_not_yet_list_only_shrinks():
    arrived = {name for name in NOT_YET if name not in NAMES or _state(name) != "missing"}
    assert not arrived, f"now there (delete from torch_surface_not_yet.txt): {sorted(arrived)}"


@pytest.mark.parametrize("dotted", [n for n in NAMES if ("." not in n or n.startswith("Tensor."))
                                    and _state(n) == "left out"])
def test_a_left_out_name_says_which_family(dotted):
    family = surface.left_out(dotted)
    owner = lt.ones(1) if dotted.startswith("Tensor.") else lt
    with pytest.raises(AttributeError, match=re.escape(f"learntorch does not support {family}")):
        getattr(owner, dotted.split(".")[-1])


def test_a_typo_gets_python_s_plain_message():
    with pytest.raises(AttributeError, match=r"^module 'learntorch' has no attribute 'zerso'$"):
        lt.zerso
    with pytest.raises(AttributeError, match=r"^'Tensor' object has no attribute 'sizee'$"):
        lt.ones(1).sizee


def test_the_readme_lists_every_family_left_out():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## What learntorch leaves out", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^- \*\*(.+?)\*\*", section, re.M)
    assert listed == list(FAMILIES)


def test_the_surface_table_is_up_to_date():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "torch_surface.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
