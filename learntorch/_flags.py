"""Global switches torch programs set and read: determinism, warnings, anomaly detection,
matmul precision, thread pools, and what the build supports.

learntorch's NumPy kernels are deterministic and compute float32 matmuls in float32 whatever
the precision setting, so most switches only record what was asked, so that code reading
them back sees torch's answers.
"""
import os
import warnings

from threadpoolctl import threadpool_info

__all__ = ["use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
           "get_deterministic_debug_mode", "set_warn_always", "is_warn_always_enabled",
           "set_anomaly_enabled", "is_anomaly_enabled", "is_anomaly_check_nan_enabled",
           "set_flush_denormal", "get_float32_matmul_precision", "set_float32_matmul_precision",
           "get_num_interop_threads", "set_num_interop_threads", "init_num_threads",
           "compiled_with_cxx11_abi", "has_lapack", "has_mkl", "has_openmp", "has_spectral"]


class _Flags:
    deterministic = False
    deterministic_warn_only = False
    warn_always = False
    anomaly = False
    anomaly_check_nan = True
    matmul_precision = "highest"
    interop_threads = None  # set once, as torch allows


# -- determinism ----------------------------------------------------------------------------
def use_deterministic_algorithms(mode, *, warn_only=False):
    """Every learntorch kernel is deterministic already; this records the request."""
    if not isinstance(mode, bool):
        raise TypeError(f"use_deterministic_algorithms(): argument 'mode' must be bool, not "
                        f"{type(mode).__name__}")
    _Flags.deterministic = mode
    _Flags.deterministic_warn_only = bool(warn_only)


def are_deterministic_algorithms_enabled():
    return _Flags.deterministic


def is_deterministic_algorithms_warn_only_enabled():
    return _Flags.deterministic_warn_only


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode):
    """0/"default": off; 1/"warn": deterministic, warn only; 2/"error": deterministic."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, "
                               f"`error`, but got {debug_mode}")
        debug_mode = _DEBUG_MODES[debug_mode]
    elif not isinstance(debug_mode, int) or isinstance(debug_mode, bool):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(
            f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    if not _Flags.deterministic:
        return 0
    return 1 if _Flags.deterministic_warn_only else 2


# -- warnings and anomaly detection -----------------------------------------------------------
def set_warn_always(b, /):
    """Warnings torch gives once per process (TypedStorage's, for one) then come every time."""
    _Flags.warn_always = bool(b)


def is_warn_always_enabled():
    return _Flags.warn_always


def set_anomaly_enabled(enabled, check_nan=True):
    _Flags.anomaly = bool(enabled)
    _Flags.anomaly_check_nan = bool(check_nan)


def is_anomaly_enabled():
    return _Flags.anomaly


def is_anomaly_check_nan_enabled():
    return _Flags.anomaly_check_nan


# -- numerics ---------------------------------------------------------------------------------
def set_flush_denormal(mode):
    """torch returns whether the CPU flushes denormals for it; NumPy cannot be told to, so False."""
    return False


_PRECISIONS = ("highest", "high", "medium")


def set_float32_matmul_precision(precision):
    """Recorded only: NumPy's float32 matmul is always full float32 ("highest")."""
    if precision not in _PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _Flags.matmul_precision = precision


def get_float32_matmul_precision():
    return _Flags.matmul_precision


# -- threads ----------------------------------------------------------------------------------
def _usable_cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def get_num_interop_threads():
    """Threads for running independent ops side by side (learntorch runs them one by one)."""
    return _Flags.interop_threads or _usable_cores()


def set_num_interop_threads(num):
    if _Flags.interop_threads is not None:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has "
                           "started or set_num_interop_threads called")
    if int(num) < 1:
        raise RuntimeError("Expected positive number of threads")
    _Flags.interop_threads = int(num)


def init_num_threads():
    """torch sets up its OpenMP pool per thread here; NumPy's BLAS needs nothing."""


def compiled_with_cxx11_abi():
    return True


# -- what this build has (torch's build flags, answered for NumPy) ---------------------------
def _pool_apis():
    return {(pool.get("user_api"), pool.get("internal_api")) for pool in threadpool_info()}


has_lapack = True    # numpy.linalg is LAPACK
has_spectral = True  # numpy.fft
has_mkl = any(internal == "mkl" for _, internal in _pool_apis())
has_openmp = any(user == "openmp" for user, _ in _pool_apis())
