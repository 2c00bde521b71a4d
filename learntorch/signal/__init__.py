"""``torch.signal``: signal-processing helpers; today, as in torch, only ``windows``."""
from . import windows

__all__ = ["windows"]
