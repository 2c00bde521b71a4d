"""``learntorch.distributed``: learntorch runs in one process on one device, so distributed
training is not available: ``is_available()`` is False, so code that checks it runs in one
process."""

__all__ = ["is_available", "is_initialized"]


def is_available():
    return False


def is_initialized():
    return False
