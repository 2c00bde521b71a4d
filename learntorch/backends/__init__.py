"""``learntorch.backends``: the switches torch programs set for each backend.

learntorch computes with NumPy on the CPU (CuPy on a GPU), so cuDNN, MPS and oneDNN are not
there: their ``is_available()`` say so, and their flags (``cudnn.deterministic``,
``cudnn.benchmark`` …) can be set and read back, so programs that set them run unchanged.
"""
from . import cpu, cuda, cudnn, mkl, mkldnn, mps, openmp  # noqa: F401

__all__ = ["cpu", "cuda", "cudnn", "mkl", "mkldnn", "mps", "openmp"]
