"""learntorch.nn.parallel: DataParallel as a single-device pass-through (torch.nn.parallel)."""
from .data_parallel import DataParallel, data_parallel  # noqa: F401

__all__ = ["DataParallel", "data_parallel"]
