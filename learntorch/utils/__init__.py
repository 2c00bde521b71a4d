"""learntorch.utils: the torch.utils pieces the course needs (``data``, ``model_zoo``)."""
from . import data, model_zoo  # noqa: F401
