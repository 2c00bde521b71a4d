"""Grad mode: whether ops record a graph.  ``no_grad`` & co work as context managers and decorators."""
import functools
import threading


class _ThreadState(threading.local):
    """The flag every op reads, one per thread as in torch: a thread starts with grad mode on
    whatever the thread that started it runs under, and a ``no_grad`` block (or the engine,
    which turns recording off while it runs a backward) changes its own thread only.  The
    class attributes are each new thread's values."""
    enabled = True
    inference = False  # inside inference_mode (is_inference_mode_enabled)


_State = _ThreadState()


def is_grad_enabled():
    return _State.enabled


class _GradMode:
    """Set ``mode`` on entry and restore the previous mode on exit; also usable as a decorator."""

    mode = True

    def __enter__(self):
        self._prev = _State.enabled
        _State.enabled = self.mode

    def __exit__(self, *exc):
        _State.enabled = self._prev
        return False

    def __call__(self, fn):
        mode = self.mode

        @functools.wraps(fn)
        def run_in_mode(*args, **kwargs):
            prev = _State.enabled
            _State.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                _State.enabled = prev
        return run_in_mode


class no_grad(_GradMode):
    """Run without recording a graph: results have ``requires_grad=False``."""
    mode = False


class enable_grad(_GradMode):
    """Turn recording back on inside a ``no_grad`` block."""
    mode = True


class inference_mode(_GradMode):
    """Like ``no_grad`` (learntorch has no separate inference tensors); inside it,
    ``is_inference_mode_enabled()`` is True."""

    def __init__(self, mode=True):
        self.mode = not mode
        self.inference = bool(mode)

    def __enter__(self):
        self._prev_inference = _State.inference
        _State.inference = self.inference
        super().__enter__()

    def __exit__(self, *exc):
        _State.inference = self._prev_inference
        return super().__exit__(*exc)

    def __call__(self, fn):
        @functools.wraps(fn)
        def run_in_inference_mode(*args, **kwargs):
            with inference_mode(self.inference):
                return fn(*args, **kwargs)
        return run_in_inference_mode


class set_grad_enabled(_GradMode):
    """Like torch, ``set_grad_enabled(False)`` takes effect as soon as it is called."""

    def __init__(self, mode):
        self._prev = _State.enabled
        self.mode = bool(mode)
        _State.enabled = self.mode

    def __enter__(self):
        _State.enabled = self.mode

    def __call__(self, fn):
        _State.enabled = self._prev  # used as a decorator: only the wrapped calls change mode
        return super().__call__(fn)
