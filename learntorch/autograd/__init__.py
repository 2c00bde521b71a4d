"""Automatic differentiation: the graph (``function``), the engine, grad modes and checks."""
from . import forward_ad  # noqa: F401
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .engine import backward, enforce_grad_layout_policy, grad, set_multithreading_enabled
from .function import Function, once_differentiable
from .gradcheck import gradcheck, gradgradcheck
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .variable import Variable, variable

__all__ = ["backward", "grad", "Function", "once_differentiable", "gradcheck", "gradgradcheck",
           "no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "detect_anomaly", "set_detect_anomaly", "set_multithreading_enabled",
           "enforce_grad_layout_policy", "Variable", "variable"]
