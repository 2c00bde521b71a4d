"""Errors: learntorch raises torch's exception type, with torch's message where it uses it.

Each case is one call made in both libraries (``lib`` is ``learntorch`` or ``torch``).
"""
import pytest
import torch

import learntorch as lt
from helpers import check_raises


def _ragged(lib):
    return lib.tensor([[1, 2], [3]])


def _implicit_backward(lib):
    x = lib.ones(2, 3, requires_grad=True)
    (x * 2).backward()


def _inplace_on_leaf(lib):
    x = lib.ones(3, requires_grad=True)
    x.add_(1)


def _requires_grad_on_int(lib):
    lib.tensor([1, 2]).requires_grad_()


# name -> (call, exact message?): the message is compared exactly unless noted why not.
CASES = {
    "broadcast mismatch": (lambda lib: lib.ones(2, 3) + lib.ones(2, 4), True),
    "broadcast mismatch in a later dim": (lambda lib: lib.ones(5, 2, 3) * lib.ones(4, 1, 3), True),
    "matmul 2-D shape mismatch": (lambda lib: lib.ones(2, 3) @ lib.ones(4, 5), True),
    "mm shape mismatch": (lambda lib: lib.mm(lib.ones(2, 3), lib.ones(2, 3)), True),
    "matmul 1-D shape mismatch": (lambda lib: lib.ones(3) @ lib.ones(4), True),
    "matmul matrix-vector mismatch": (lambda lib: lib.ones(2, 3) @ lib.ones(4), True),
    "matmul batched shape mismatch": (lambda lib: lib.ones(2, 2, 3) @ lib.ones(2, 4, 5), True),
    "matmul vector-batch mismatch": (lambda lib: lib.ones(3) @ lib.ones(2, 4, 5), True),
    "matmul batch-vector mismatch": (lambda lib: lib.ones(2, 2, 3) @ lib.ones(4), True),
    "matmul batch dims do not broadcast": (
        lambda lib: lib.ones(2, 2, 3) @ lib.ones(2, 3, 4, 5), True),
    "non-scalar implicit backward": (_implicit_backward, True),
    "requires_grad on an int tensor": (_requires_grad_on_int, True),
    "invalid view size": (lambda lib: lib.ones(2, 3).view(4), True),
    "view of a non-contiguous tensor": (lambda lib: lib.ones(2, 3).t().view(6), True),
    "in-place on a leaf that requires grad": (_inplace_on_leaf, True),
    "index out of range": (lambda lib: lib.ones(2, 3)[2], True),
    "negative index out of range": (lambda lib: lib.ones(2, 3)[:, -4], True),
    "too many indices": (lambda lib: lib.ones(2, 3)[0, 0, 0], True),
    "ragged nested list": (_ragged, True),
    "wrong dim": (lambda lib: lib.ones(2, 3).sum(dim=2), True),
    "wrong negative dim": (lambda lib: lib.ones(2, 3).transpose(0, -3), True),
    "cat with mismatched shapes": (lambda lib: lib.cat([lib.ones(2, 3), lib.ones(2, 4)]), True),
    "cat with different ranks": (lambda lib: lib.cat([lib.ones(2, 3), lib.ones(3)]), True),
    "int tensor to a negative int power": (lambda lib: lib.tensor([1, 2]) ** -1, True),
    "float result written into an int tensor": (lambda lib: lib.tensor([1, 2]).div_(2), True),
    "mean of an int tensor": (lambda lib: lib.tensor([1, 2]).mean(), True),
    "max of an empty tensor": (lambda lib: lib.ones(0).max(), True),
    "squeeze of a wrong dim": (lambda lib: lib.ones(2, 1).squeeze(2), True),
    "expand to a smaller size": (lambda lib: lib.ones(2, 3).expand(2, 2), True),
    "permute with a repeated dim": (lambda lib: lib.ones(2, 3).permute(0, 0), True),
    "gather with an out-of-range index": (
        lambda lib: lib.gather(lib.ones(2, 3), 1, lib.tensor([[0, 3]])), True),
    "stack of different shapes": (lambda lib: lib.stack([lib.ones(2), lib.ones(3)]), True),
    "where with a non-bool condition": (lambda lib: lib.where(lib.ones(2), lib.ones(2), 0.0), True),
}


@pytest.mark.parametrize("case", CASES)
def test_error_has_torchs_type_and_message(case):
    """Same exception type as torch and, where marked, exactly torch's message."""
    call, exact = CASES[case]
    check_raises(lambda: call(lt), lambda: call(torch), exact_message=exact)


def test_broadcast_error_names_sizes_and_dim_like_torch():
    """The message a user sees most often, pinned word for word."""
    lt_err, _ = check_raises(lambda: lt.ones(2, 3) + lt.ones(2, 4),
                             lambda: torch.ones(2, 3) + torch.ones(2, 4))
    assert str(lt_err) == ("The size of tensor a (3) must match the size of tensor b (4) at "
                           "non-singleton dimension 1")


def test_wrong_dim_error_states_the_valid_range():
    lt_err, _ = check_raises(lambda: lt.ones(2, 3).sum(dim=2), lambda: torch.ones(2, 3).sum(dim=2))
    assert str(lt_err) == "Dimension out of range (expected to be in range of [-2, 1], but got 2)"
