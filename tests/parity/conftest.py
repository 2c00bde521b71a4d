"""Fixtures shared by parity test files (each file asks for the ones it needs)."""
import pytest

import learntorch


@pytest.fixture
def both_validate_arguments():
    """Both libraries' distributions check arguments, as they do by default (``__debug__``),
    whatever ran before: the first torch.compile or torch.cond in a process turns torch's checks
    off for good (torch._dynamo's ``TorchPatcher.patch`` calls
    ``Distribution.set_default_validate_args(False)``), and then torch raises none of the errors
    the distribution tests compare against.  What was set is put back afterwards."""
    torch = pytest.importorskip("torch")
    classes = (torch.distributions.Distribution, learntorch.distributions.Distribution)
    saved = [cls._validate_args for cls in classes]
    for cls in classes:
        cls.set_default_validate_args(True)
    yield
    for cls, value in zip(classes, saved):
        cls.set_default_validate_args(value)
