"""``backends.mkl``: whether NumPy's BLAS is Intel's MKL."""
from .. import _flags


def is_available():
    return _flags.has_mkl
