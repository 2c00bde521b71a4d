"""The course's pictures (learntorch/course/plots.py): each fits a 1,000 px notebook column and
is the same on every run, so nbval can compare it."""
import re

import numpy as np
import pytest

import learntorch as torch

pytest.importorskip("matplotlib")
pytest.importorskip("IPython")
from learntorch.course import plots  # noqa: E402


class _Value:
    """The shape of chapter 2's ``Value``: data, grad, op, label, _children."""

    def __init__(self, data, children=(), op="", label=""):
        self.data, self.grad, self._children, self.op, self.label = data, 0.0, children, op, label


def _chain(n):
    v = _Value(1.0, label="x")
    for _ in range(n):
        v = _Value(v.data * 2, (v, _Value(2.0)), "*")
    return v


PICTURES = {
    "broadcast": lambda: plots.broadcast(torch.tensor([[0], [10], [20]]), torch.tensor([[0, 1, 2, 3]])),
    "gather": lambda: plots.gather(torch.tensor([[1, 2, 3], [4, 5, 6]]), 1, torch.tensor([[0, 0], [2, 1]])),
    "cat_stack": lambda: plots.cat_stack(torch.ones(2, 3), torch.zeros(2, 3)),
    "summed_gradient": lambda: plots.summed_gradient(np.arange(12.0).reshape(3, 4)),
    "error_vs_step": lambda: plots.error_vs_step([0.1, 0.01], {"a": [1.0, 0.1]}),
    "curves": lambda: plots.curves(np.linspace(0, 1, 5), {"a": np.ones(5)}),
    "value_graph": lambda: plots.value_graph(_chain(12)),
}


def _width_px(picture):
    if hasattr(picture, "width") and picture.width:       # a retina PNG: shown at this width
        return picture.width
    match = re.search(r'<svg[^>]*\swidth="([\d.]+)(pt|px)?"', picture.data)
    return float(match.group(1)) * (4 / 3 if match.group(2) == "pt" else 1)


@pytest.mark.parametrize("name", PICTURES)
def test_picture_fits_the_column_and_is_deterministic(name):
    if name == "value_graph":
        pytest.importorskip("graphviz")
    first, second = PICTURES[name](), PICTURES[name]()
    if first is None:
        pytest.skip("graphviz's dot program is not installed")
    assert _width_px(first) <= 1000
    assert first.data == second.data


def test_a_wide_value_graph_is_scaled_to_the_column():
    pytest.importorskip("graphviz")
    wide = _Value(0.0, tuple(_Value(float(i), label=f"input{i}") for i in range(30)), "+")
    picture = plots.value_graph(wide)
    if picture is None:
        pytest.skip("graphviz's dot program is not installed")
    assert _width_px(picture) <= plots.COLUMN_INCHES * 96 + 1
