"""Anomaly detection: backward checks every node's gradients for NaN and names the node that
made one, instead of letting the NaN travel silently into the parameters."""
import warnings

from .._flags import _Flags

_WARNING = ("Anomaly Detection has been enabled. This mode will increase the runtime and should "
            "only be enabled for debugging.")


class _AnomalyMode:
    """Sets the switch on entry (or at once, for ``set_detect_anomaly``) and restores it."""

    def __init__(self, mode, check_nan):
        self.prev = (_Flags.anomaly, _Flags.anomaly_check_nan)
        self.mode, self.check_nan = mode, check_nan

    def __enter__(self):
        _Flags.anomaly, _Flags.anomaly_check_nan = self.mode, self.check_nan
        return self

    def __exit__(self, *exc):
        _Flags.anomaly, _Flags.anomaly_check_nan = self.prev
        return False

    def __call__(self, function):
        def wrapper(*args, **kwargs):
            with self.clone():
                return function(*args, **kwargs)
        wrapper.__name__, wrapper.__doc__ = function.__name__, function.__doc__
        return wrapper


class detect_anomaly(_AnomalyMode):
    """Context manager (or decorator): anomaly detection on inside it."""

    def __init__(self, check_nan=True):
        warnings.warn(_WARNING, UserWarning, stacklevel=2)
        super().__init__(True, check_nan)

    def clone(self):
        return _AnomalyMode(True, self.check_nan)


class set_detect_anomaly(_AnomalyMode):
    """Switch anomaly detection on or off now; as a context manager, restore it on exit."""

    def __init__(self, mode, check_nan=True):
        super().__init__(mode, check_nan)
        _Flags.anomaly, _Flags.anomaly_check_nan = mode, check_nan

    def __enter__(self):
        return self

    def clone(self):
        return _AnomalyMode(self.mode, self.check_nan)


def check_nan(node, grad_inputs):
    """torch's error when ``node``'s backward returned NaN in one of its outputs."""
    for k, g in enumerate(grad_inputs):
        if g is not None and g.dtype.is_floating_point and bool(g.isnan().any()):
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {k}th output.")
