"""``backends.cudnn``: cuDNN is not part of learntorch; the flags are kept so code can set them."""
import contextlib

enabled = True
benchmark = False
benchmark_limit = 10
deterministic = False
allow_tf32 = True


def is_available():
    return False


def version():
    """None: there is no cuDNN library."""
    return None


def is_acceptable(tensor):
    return False


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, allow_tf32=True,
          fp32_precision="none", depthwise_kernel="auto"):
    """Set the flags inside a ``with`` block and restore them afterwards."""
    names = ("enabled", "benchmark", "benchmark_limit", "deterministic", "allow_tf32")
    module = globals()
    saved = {name: module[name] for name in names}
    values = (enabled, benchmark, benchmark_limit, deterministic, allow_tf32)
    module.update(dict(zip(names, values)))
    try:
        yield
    finally:
        module.update(saved)
