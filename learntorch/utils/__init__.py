"""learntorch.utils: the torch.utils pieces the course needs (``data``)."""
from . import data  # noqa: F401
