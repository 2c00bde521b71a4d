"""Reading ``.grad`` of a non-leaf warns with torch's words (chapter 2 prints the warning)."""
import warnings

import torch

import learntorch as lt


def _warning(lib):
    x = lib.ones(2, requires_grad=True)
    h = x * 2
    h.sum().backward()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert h.grad is None
    assert len(caught) == 1 and caught[0].category is UserWarning
    return str(caught[0].message).split(" (Triggered internally")[0]


def test_nonleaf_grad_warning_is_torchs():
    assert _warning(lt) == _warning(torch)
