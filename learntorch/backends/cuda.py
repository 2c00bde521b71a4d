"""``backends.cuda``: whether learntorch's CUDA backend (CuPy) is there; torch's matmul flags."""
from .. import _device


def is_built():
    return _device._cupy() is not None


class _MatmulFlags:
    """``backends.cuda.matmul.allow_tf32`` and friends: recorded, CuPy ignores them."""

    def __init__(self):
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True


matmul = _MatmulFlags()


def flash_sdp_enabled():
    return False


def mem_efficient_sdp_enabled():
    return False


def math_sdp_enabled():
    return True
