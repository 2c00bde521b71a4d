"""compare.difference: one line naming how an answer differs, the most basic mistake first."""
import numpy as np
import pytest

import learntorch as lt
from learntorch.grading.compare import difference

F32 = lt.tensor([[0.29, 1.0], [0.5, 2.0]])


@pytest.mark.parametrize("got, expected, text", [
    ([2, 3], (2, 3), "returned a list, expected a tuple"),
    ((2, 3), [2, 3], "returned a tuple, expected a list"),
    ((2,), (2, 3), "1 elements ≠ expected 2"),
    ((2, 4), (2, 3), "element 1: 4 ≠ expected 3"),
    (None, F32, "returned None, expected a learntorch tensor"),
    (np.zeros((2, 2)), F32, "returned a NumPy array, expected a learntorch tensor"),
    (lt.zeros(2, 1), lt.zeros(2), "shape (2, 1) ≠ expected (2,)"),
    (lt.zeros(2, dtype=lt.int32), lt.zeros(2, dtype=lt.int64), "dtype int32 ≠ expected int64"),
    (lt.tensor([[0.31, 1.0], [0.5, 2.0]]), F32,
     "values differ at [0, 0]: 0.31 vs 0.29 (max abs err 0.02)"),
    (lt.tensor([[0.29, 1.0], [float("nan"), 2.0]]), F32,
     "values differ at [1, 0]: nan vs 0.5 (max abs err nan)"),
    (lt.tensor([1, 0, 0]), lt.tensor([1, 1, 1]), "values differ at [1]: 0 vs 1 (2 of 3 elements)"),
    (lt.tensor(2.5), lt.tensor(2.0), "values differ: 2.5 vs 2 (max abs err 0.5)"),
    (2.7185, 2.718281828, "2.719 vs expected 2.718 (abs err 0.0002182)"),
    (1.00003, 1.00001, "1.00003 vs expected 1.00001 (abs err 2e-05)"),  # digits enough to differ
    (lt.tensor(True), True, "returned a learntorch tensor, expected a bool"),
    (False, True, "False ≠ expected True"),
])
def test_the_difference_is_named(got, expected, text):
    assert difference(got, expected, atol=1e-6, rtol=1e-5).text == text


def test_a_real_pytorch_tensor_is_named_as_such():
    torch = pytest.importorskip("torch")
    found = difference(torch.zeros(2), lt.zeros(2))
    assert found.text == "got a torch.Tensor from PyTorch; use learntorch"
    assert "import learntorch as torch" in found.hint


@pytest.mark.parametrize("got, expected", [
    ((2, 3), (2, 3)), (lt.tensor([0.29, 1.0]), lt.tensor([0.2900001, 1.0])), (True, True),
    (np.float64(0.1), 0.1), (np.int64(105), 105)])
def test_matching_answers_have_no_difference(got, expected):
    assert difference(got, expected, atol=1e-6, rtol=1e-5) is None


def test_a_generic_mistake_carries_its_own_hint_and_a_value_mistake_none():
    assert "tuple(...)" in difference([1], (1,)).hint
    assert "float64" in difference(lt.zeros(1), lt.zeros(1, dtype=lt.float64)).hint
    assert difference(lt.ones(1), lt.zeros(1)).hint is None
