"""``learntorch.version``: torch.version's fields for learntorch (no CUDA/ROCm build)."""
__version__ = "0.1.0"
debug = False
cuda = None
git_version = "unknown"
hip = None
rocm = None
xpu = None
