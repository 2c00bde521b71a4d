"""Python operators on tensors as torch runs them: the graph they record and their numbers."""
import numpy as np
import pytest
import torch

import learntorch as lt


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("number", [2, 3.3, 0.7, 1, -5])
def test_number_divided_by_a_tensor_is_torchs_reciprocal_times_the_number(number, dtype):
    """torch's ``2 / x`` is ``x.reciprocal() * 2``: MulBackward0 after ReciprocalBackward0,
    and its rounding (not one division)."""
    a = np.random.default_rng(0).uniform(0.1, 5, 200).astype(dtype)
    seen = []
    for lib in (lt, torch):
        x = lib.tensor(a, requires_grad=True)
        y = number / x
        (y * y).sum().backward()
        node = y.grad_fn
        seen.append((node.name(), [None if n is None else n.name() for n, _ in node.next_functions],
                     y.dtype == lib.float32, y.detach().numpy().tobytes(), x.grad.numpy().tobytes()))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("values", [[4, 8], [True, False]])
def test_number_divided_by_an_integer_tensor_is_a_float_tensor(values):
    ours, theirs = 2 / lt.tensor(values), 2 / torch.tensor(values)
    assert str(ours.dtype) == str(theirs.dtype) and ours.tolist() == theirs.tolist()


@pytest.mark.parametrize("expression", [
    'x + "a"', '"a" + x', 'x - "a"', '"a" - x', 'x * "a"', '"a" * x', 'x / "a"', '"a" / x',
    'x @ "a"', "x + None", "None - x", "x * [1]", "x + object()", "x @ 2", "x @ 2.0",
    "x + [1.0, 2.0]"])
def test_an_operand_no_op_takes_gets_torchs_type_error(expression):
    """The operators answer NotImplemented, so Python words the error as it does for torch."""
    messages = []
    for lib in (lt, torch):
        x = lib.ones(2)  # noqa: F841  (read by eval)
        with pytest.raises(TypeError) as error:
            eval(expression)
        messages.append(str(error.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("expression", ["x + np.float32(2)", "2 - x", "x @ x", "x * True", "x / 2",
                                        "x - np.ones(2)", "2 * x", "x + x"])
def test_operands_the_ops_take_still_compute_as_torch(expression):
    results = []
    for lib in (lt, torch):
        x = lib.tensor([1.5, -2.0])  # noqa: F841
        out = eval(expression)
        results.append((str(out.dtype).replace("torch.", ""), out.tolist()))
    assert results[0] == results[1]
