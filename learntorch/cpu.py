"""``learntorch.cpu``: torch's CPU device module (``torch.get_device_module('cpu')``).

The CPU runs one stream of work, in order, so streams and events only keep their API: waiting
on them and synchronizing return at once.
"""
import contextlib
import types

__all__ = ["is_available", "is_initialized", "device_count", "current_device", "set_device",
           "synchronize", "Stream", "StreamContext", "stream", "current_stream", "Event",
           "get_capabilities"]


def is_available():
    return True


def is_initialized():
    return True


def device_count():
    return 1


def current_device():
    return "cpu"


def set_device(device):
    """Accepted and ignored, as torch does: there is one CPU device."""


def synchronize(device=None):
    """Work on the CPU has already finished when a call returns."""


class Stream:
    """The CPU's single in-order stream."""

    def __init__(self, priority=-1):
        self.priority = priority

    def wait_stream(self, stream):
        pass

    def wait_event(self, event):
        pass

    def record_event(self, event=None):
        return event if event is not None else Event()


class Event:
    """Marks a point in the (single) CPU stream; it has always been reached."""

    def query(self):
        return True

    def record(self, stream=None):
        pass

    def synchronize(self):
        pass

    def wait(self, stream=None):
        pass


_current = Stream()


def current_stream(device=None):
    return _current


class StreamContext(contextlib.AbstractContextManager):
    """``with stream(s):`` makes ``s`` the current stream inside the block."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        global _current
        self._prev, _current = _current, self.stream if self.stream is not None else _current
        return self

    def __exit__(self, *exc):
        global _current
        _current = self._prev
        return False


def stream(stream):
    return StreamContext(stream)


def get_capabilities():
    """The CPU features NumPy's build reports using (torch lists what its kernels detect)."""
    import numpy as np
    features = getattr(np._core._multiarray_umath, "__cpu_features__", {}) \
        if hasattr(np, "_core") else {}
    return types.MappingProxyType({name.lower(): bool(on) for name, on in features.items()})
