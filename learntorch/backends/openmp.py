"""``backends.openmp``: whether an OpenMP runtime is loaded (NumPy's BLAS may use one)."""
from .. import _flags


def is_available():
    return _flags.has_openmp
